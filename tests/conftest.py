"""Shared fixtures for the govindex test suite."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest
from hypothesis import settings

matplotlib.use("Agg")  # never open a window in tests

# Property tests: no per-example deadline (a shared 2-core machine is noisy). In CI the examples
# are derived from each test itself (derandomize), so a CI run is reproducible; locally,
# hypothesis keeps exploring new examples on every run.
settings.register_profile("default", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")

#: Real public data for validation tests (the repo is cloned next to ``shared/``).
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Path to ``shared/data``; skips the test cleanly when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared validation data not found at {SHARED_DATA}")
    return SHARED_DATA
