"""The walk-through "A whole round, step by step" of docs/operational.md runs and states true facts.

Its Python blocks are executed in order, in a temporary folder, on the bundled SYNTHETIC
demo data; the values the page states in its comments are then checked.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from pathlib import Path
from typing import Any

import pytest

PAGE = Path(__file__).resolve().parents[1] / "docs" / "operational.md"


def _blocks() -> list[str]:
    text = PAGE.read_text(encoding="utf-8")
    section = text[text.index("## A whole round, step by step") : text.index("## 1. Scorecard")]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


@pytest.mark.skipif(not PAGE.is_file(), reason="docs/ is not part of this checkout")
def test_the_walk_through_runs_and_states_true_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    blocks = _blocks()
    assert len(blocks) == 6
    scope: dict[str, Any] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for code in blocks:
            exec(compile(code, str(PAGE), "exec"), scope)
    assert scope["plan"].selected == ["C01", "R15", "R02", "R08", "R03"]
    assert len(scope["records"].discrepancies) == 4
    assert scope["pre"].appeal_deadline == dt.date(2020, 2, 13)
    decisions = scope["register"].table["decision"].tolist()
    assert decisions == ["upheld", "partly", "rejected", "upheld"]
    side = scope["side"]
    assert side.index[side["preliminary"] != side["final"]].tolist() == ["R02", "R03", "R15"]
    assert scope["final"].conclusions.loc[("R03", "B2"), "source"] == "commission"
    log = scope["res"].appeals
    assert (log["decision"] == "partly").sum() == 1
    assert scope["report"].overdue["days_overdue"].min() == 15  # due 2020-12-31, 2021-01-15
    assert (tmp_path / "results" / "operational_local_2019_events.parquet").is_file()
