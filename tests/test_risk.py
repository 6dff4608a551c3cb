"""Tests of govindex.indices.risk: severity by hand, ranking, sphere/body thresholds, level filter."""

from __future__ import annotations

import pandas as pd
import pytest

from govindex import Catalog, MethodError, Panel, performance_index, risk_areas
from govindex.indices.gpi import PerformanceResult
from govindex.indices.risk import RISK_COLUMNS

#: Tree: G ─ ECO (weight 3) ─ e1, e2 ; SOC (weight 1) ─ s1, s2. All relative, cap 5 %/yr,
#: so s = 50 + 50·g/0.05 = 50 + 1000·g.
#: Effective weights: e· = 3/4·1/2 = 0.375, s· = 1/4·1/2 = 0.125.
CATALOG = pd.DataFrame({
    "code": ["G", "ECO", "SOC", "e1", "e2", "s1", "s2"],
    "parent": ["", "G", "G", "ECO", "ECO", "SOC", "SOC"],
    "weight": [1, 3, 1, 1, 1, 1, 1],
    "sphere": ["", "", "", "economy", "economy", "social", "social"],
})  # fmt: skip

#: yearly growth g per (entity, indicator); values 100 (2019) → 100·(1+g)³ (2022)
GROWTH = {
    "A": {"e1": -0.02, "e2": -0.05, "s1": 0.0, "s2": 0.03},  # scores 30, 0, 50, 80
    "B": {"e1": 0.0, "e2": 0.0, "s1": -0.03, "s2": 0.02},  # scores 50, 50, 20, 70
    "C": {"e1": 0.02, "e2": 0.02, "s1": 0.02, "s2": 0.02},  # all 70, improved
}


def _result(entities: tuple[str, ...] = ("A", "B", "C")) -> PerformanceResult:
    rows = [
        (e, i, y, 100.0 * (1 + g) ** (y - 2019))
        for e in entities
        for i, g in GROWTH[e].items()
        for y in (2019, 2022)
    ]
    panel = Panel.from_frame(pd.DataFrame(rows, columns=["entity", "indicator", "year", "value"]))
    return performance_index(panel, Catalog.from_frame(CATALOG), year=2022)


@pytest.fixture(scope="module")
def result() -> PerformanceResult:
    return _result()


def test_indicator_rows_severity_and_rank(result: PerformanceResult) -> None:
    r = risk_areas(result)
    ind = r.loc[r["level"] == "indicator"]
    # severity = (50 − s)/50 × w_eff:
    #   A e2: (50 − 0)/50 · 0.375 = 0.375;  A e1: (50 − 30)/50 · 0.375 = 0.15;
    #   B s1: (50 − 20)/50 · 0.125 = 0.075
    assert list(zip(ind["entity"], ind["indicator"], strict=True)) == [
        ("A", "e2"),
        ("A", "e1"),
        ("B", "s1"),
    ]
    assert ind["severity"].tolist() == pytest.approx([0.375, 0.15, 0.075], abs=1e-12)
    assert ind["rank"].tolist() == [1, 2, 3]
    assert ind["score"].tolist() == pytest.approx([0.0, 30.0, 20.0], abs=1e-9)
    assert (ind["class"] == "deteriorated").all() and (ind["trigger"] == "deteriorated").all()
    assert ind["sphere"].tolist() == ["economy", "economy", "social"]
    assert list(r.columns) == list(RISK_COLUMNS)


def test_sphere_and_body_thresholds_default(result: PerformanceResult) -> None:
    r = risk_areas(result)
    sph = r.loc[r["level"] == "sphere"].set_index(["entity", "sphere"])
    # A/economy: 2 of 2 deteriorated (share 1), mean score (30 + 0)/2 = 15 → both triggers
    # B/social: 1 of 2 (share 0.5 ≥ 1/3), mean (20 + 70)/2 = 45 ≤ 45 → both triggers
    # A/social (share 0, mean 65), B/economy (share 0, mean 50), C: not at risk
    assert sph.index.tolist() == [("A", "economy"), ("B", "social")]
    assert sph.loc[("A", "economy"), "trigger"] == "share deteriorated ≥ 0.33 and score ≤ 45"
    assert sph.loc[("A", "economy"), "score"] == pytest.approx(15.0)
    assert sph.loc[("A", "economy"), "severity"] == pytest.approx(0.375 + 0.15)
    assert sph.loc[("B", "social"), "share_deteriorated"] == pytest.approx(0.5)
    assert sph.loc[("B", "social"), "severity"] == pytest.approx(0.075)
    ent = r.loc[r["level"] == "entity"].set_index("entity")
    # GPI A = 0.75·15 + 0.25·65 = 27.5 (share 2/4) → listed;
    # B: GPI 0.75·50 + 0.25·45 = 48.75, share 1/4 → not
    assert ent.index.tolist() == ["A"]
    assert ent.loc["A", "score"] == pytest.approx(27.5)
    assert (ent.loc["A", "n_indicators"], ent.loc["A", "n_deteriorated"]) == (4, 2)
    assert ent.loc["A", "severity"] == pytest.approx(0.525)
    assert result.scores.loc["B", "gpi"] == pytest.approx(48.75)


def test_score_only_and_share_only_triggers(result: PerformanceResult) -> None:
    r = risk_areas(result, score_threshold=50.0)
    ent = r.loc[r["level"] == "entity"].set_index("entity")
    assert ent.loc["B", "trigger"] == "score ≤ 50"  # 48.75 ≤ 50, share 0.25 < 1/3
    sph = r.loc[r["level"] == "sphere"].set_index(["entity", "sphere"])
    assert sph.loc[("B", "economy"), "trigger"] == "score ≤ 50"  # mean 50, nothing deteriorated
    assert sph.loc[("B", "economy"), "severity"] == 0.0
    r2 = risk_areas(result, share_threshold=0.2, score_threshold=0.0)
    ent2 = r2.loc[r2["level"] == "entity"].set_index("entity")
    assert ent2.index.tolist() == ["A", "B"]  # shares 0.5 and 0.25 ≥ 0.2; ordered by severity
    assert ent2.loc["B", "trigger"] == "share deteriorated ≥ 0.20"
    assert ent2["rank"].tolist() == [1, 2]


def test_levels_filter_and_method_shortcut(result: PerformanceResult) -> None:
    only = risk_areas(result, levels=("indicator",))
    assert set(only["level"]) == {"indicator"} and len(only) == 3
    groups = risk_areas(result, levels=("sphere", "entity"))
    assert set(groups["level"]) == {"sphere", "entity"}
    pd.testing.assert_frame_equal(
        result.risk_areas(score_threshold=50.0), risk_areas(result, score_threshold=50.0)
    )
    empty = risk_areas(result, levels=())
    assert empty.empty and list(empty.columns) == list(RISK_COLUMNS)


def test_no_deteriorated_gives_no_indicator_rows() -> None:
    res = _result(("C",))
    assert res.scores.loc["C", "n_deteriorated"] == 0
    r = risk_areas(res)
    assert r.loc[r["level"] == "indicator"].empty
    assert r.empty  # GPI 70 and share 0: no sphere or body either
    assert list(r.columns) == list(RISK_COLUMNS)


def test_errors(result: PerformanceResult) -> None:
    with pytest.raises(MethodError, match=r"unknown risk level.*'region'"):
        risk_areas(result, levels=("indicator", "region"))
    with pytest.raises(MethodError, match=r"share_threshold must be within \[0, 1\]; got 1.5"):
        risk_areas(result, share_threshold=1.5)
