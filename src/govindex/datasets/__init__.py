"""Loaders for the bundled SYNTHETIC demo data (placeholder; see issue 3)."""
