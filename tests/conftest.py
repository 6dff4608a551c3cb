"""Shared fixtures for the govindex test suite."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")  # never open a window in tests

#: Real public data for validation tests (the repo is cloned next to ``shared/``).
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Path to ``shared/data``; skips the test cleanly when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared validation data not found at {SHARED_DATA}")
    return SHARED_DATA
