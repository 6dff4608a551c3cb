"""The code snippets of docs/getting-started.md run and the numbers the page states hold.

docs/check_snippets.py executes every Python block of the page in a temporary folder and
compares the figures written in the prose (GPI values, ranks, NPI) with what the code gives.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "docs" / "check_snippets.py"


@pytest.mark.slow
@pytest.mark.skipif(not SCRIPT.is_file(), reason="docs/ is not part of this checkout")
def test_getting_started_snippets_run_and_state_true_numbers() -> None:
    env = {**os.environ, "MPLBACKEND": "Agg"}
    proc = subprocess.run(
        [sys.executable, str(SCRIPT)], capture_output=True, text=True, timeout=600, env=env,
        check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "snippets of getting-started.md ran" in proc.stdout
