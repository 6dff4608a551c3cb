"""Scoring: each rule by hand, a full body by hand, a loop oracle, invariants, bad inputs."""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govindex.exceptions import DataWarning, ScorecardError
from govindex.operational import Item, Scorecard, read_scorecard
from test_operational_scorecard import MINI


def _inputs(rows: dict[str, dict[str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"entity": e, "criterion": c, "value": v}
            for e, values in rows.items()
            for c, v in values.items()
        ]
    )


def _score_quiet(sc: Scorecard, inputs: pd.DataFrame, **kw: object):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        return sc.score(inputs, **kw)  # type: ignore[arg-type]


LOCAL = read_scorecard("local")


def _one(code: str, value: float, sc: Scorecard = LOCAL) -> float:
    res = _score_quiet(sc, _inputs({"X": {code: value}}))
    return float(res.points.loc["X", code])


# ----------------------------------------------------------------------------- each rule


@pytest.mark.parametrize(
    ("code", "value", "expected"),
    [
        # linear, strategic_goals: max 15, floor 0.5, ceiling 1.0
        ("strategic_goals", 0.85, 15 * (0.85 - 0.5) / (1.0 - 0.5)),  # = 10.5
        ("strategic_goals", 0.50, 0.0),  # at the floor
        ("strategic_goals", 0.30, 0.0),  # below the floor → clipped to 0
        ("strategic_goals", 1.00, 15.0),  # at the ceiling
        # linear with higher_is_better = false, complaints_court: max 3, floor 0, ceiling 0.2
        ("complaints_court", 0.05, 3 * (0.2 - 0.05) / (0.2 - 0.0)),  # = 2.25
        ("complaints_court", 0.00, 3.0),
        ("complaints_court", 0.35, 0.0),  # above the ceiling → 0
        # bands, budget_goal_link: thresholds 0.5, 0.75, 0.9 → points 0, 2, 3, 4 (max 4)
        ("budget_goal_link", 0.49, 0.0),
        ("budget_goal_link", 0.50, 2.0),  # thresholds are inclusive lower bounds
        ("budget_goal_link", 0.80, 3.0),
        ("budget_goal_link", 0.90, 4.0),
        ("budget_goal_link", 1.00, 4.0),
        # falling bands, hr_overtime: hours thresholds 5, 10, 20 → points 3, 2, 1, 0
        ("hr_overtime", 0.0, 3.0),
        ("hr_overtime", 5.0, 2.0),
        ("hr_overtime", 12.0, 1.0),
        ("hr_overtime", 25.0, 0.0),
        # boolean, complaints_control: max 2
        ("complaints_control", 1.0, 2.0),
        ("complaints_control", 0.0, 0.0),
        # deduction, budget_violations: max 5, 1 point per violation, floored at 0
        ("budget_violations", 0.0, 5.0),
        ("budget_violations", 2.0, 5 - 1 * 2),  # = 3
        ("budget_violations", 7.0, 0.0),  # 5 − 7 < 0 → 0
        # deduction 0.5 per violation, service_quality: max 4
        ("service_quality", 3.0, 4 - 0.5 * 3),  # = 2.5
        # survey on a share, service_satisfaction: max 5, floor 0.5, ceiling 0.9
        ("service_satisfaction", 0.80, 5 * (0.80 - 0.5) / (0.9 - 0.5)),  # = 3.75
        ("service_satisfaction", 0.95, 5.0),
        ("service_satisfaction", 0.40, 0.0),
        # survey on a 1–5 scale, hr_satisfaction: s = (x − 1) / 4, max 3
        ("hr_satisfaction", 4.0, 3 * ((4.0 - 1) / 4 - 0.5) / (0.9 - 0.5)),  # s=0.75 → 1.875
        ("hr_satisfaction", 2.5, 0.0),  # s = 0.375 < floor
        ("hr_satisfaction", 5.0, 3.0),
    ],
)
def test_rule_by_hand(code: str, value: float, expected: float) -> None:
    assert _one(code, value) == pytest.approx(expected, abs=1e-12)


def test_penalty_is_negative_and_bonus_adds() -> None:
    # penalty unreliable_data: linear floor 0, ceiling 4, max 2 → −0.5 per case, at most −2
    assert _one("unreliable_data", 1.0) == pytest.approx(-2 * (1 / 4))
    assert _one("unreliable_data", 9.0) == pytest.approx(-2.0)
    assert _one("unreliable_data", 0.0) == 0.0
    assert _one("popular_participation", 1.0) == 3.0


# ----------------------------------------------------------------------------- a full body

BODY = {
    # B1.1
    "strategic_goals": 0.8,  # 15 · (0.8 − 0.5) / 0.5 = 9.0
    # B1.2
    "budget_execution": 0.95,  # 6 · (0.95 − 0.8) / 0.2 = 4.5
    "budget_goal_link": 0.8,  # band [0.75, 0.9) → 3
    "budget_direct_results": 0.7,  # 6 · (0.7 − 0.5) / 0.5 = 2.4
    "budget_violations": 2,  # 5 − 1 · 2 = 3
    "citizens_budget": 6.5,  # band [6, 8) → 3
    # B2.1
    "service_satisfaction": 0.8,  # 5 · 0.3 / 0.4 = 3.75
    "service_quality": 3,  # 4 − 0.5 · 3 = 2.5
    "service_automation": 0.6,  # 3 · 0.6 = 1.8
    # B2.2
    "complaints_terms": 0.9,  # 3 · 0.1 / 0.2 = 1.5
    "complaints_court": 0.05,  # 3 · (0.2 − 0.05) / 0.2 = 2.25
    "complaints_repeated": 1,  # 3 − 0.5 = 2.5
    "complaints_control": 1,  # 2
    # B2.3
    "open_website": 0.85,  # band [0.8, 0.95) → 2
    "open_data": 0.75,  # 2 · 0.25 / 0.5 = 1.0
    "open_budgets": 1.0,  # 2
    "open_legal_acts": 0.6,  # 3 · 0.1 / 0.5 = 0.6
    "open_dialogue": 0.85,  # 2 · 0.15 / 0.3 = 1.0
    # B3.1
    "hr_turnover": 0.10,  # 3 · (0.25 − 0.10) / 0.2 = 2.25
    "hr_gender": 0.35,  # band [0.3, 0.4) → 1.5
    "hr_satisfaction": 4.0,  # s = 0.75 → 3 · 0.25 / 0.4 = 1.875
    "hr_overtime": 8,  # band [5, 10) → 2
    "hr_meritocracy": 0.9,  # 2 · 0.4 / 0.5 = 1.6
    # B3.2
    "it_architecture": 0.5,  # 2 · 0.5 = 1.0
    "it_smart_city": 3,  # band [3, 5) → 1.5
    "it_data_relevance": 0.9,  # 2 · 0.1 / 0.2 = 1.0
    "it_unused": 1,  # 2 − 1 = 1
    "it_automation": 0.25,  # 2 · 0.25 = 0.5
    "it_local_content": 0.2,  # 2 · 0.2 / 0.5 = 0.8
    # bonus and penalty
    "popular_participation": 1,  # + 3
    "unreliable_data": 1,  # − 2 · 1/4 = −0.5
}


def test_full_local_body_scored_by_hand() -> None:
    res = LOCAL.score(_inputs({"R01": BODY}))
    d = res.directions.loc["R01"]
    assert d["B1.1"] == pytest.approx(9.0, abs=1e-12)
    assert d["B1.2"] == pytest.approx(4.5 + 3 + 2.4 + 3 + 3, abs=1e-12)  # 15.9
    assert d["B2.1"] == pytest.approx(3.75 + 2.5 + 1.8, abs=1e-12)  # 8.05
    assert d["B2.2"] == pytest.approx(1.5 + 2.25 + 2.5 + 2, abs=1e-12)  # 8.25
    assert d["B2.3"] == pytest.approx(2 + 1.0 + 2 + 0.6 + 1.0, abs=1e-12)  # 6.6
    assert d["B3.1"] == pytest.approx(2.25 + 1.5 + 1.875 + 2 + 1.6, abs=1e-12)  # 9.225
    assert d["B3.2"] == pytest.approx(1.0 + 1.5 + 1.0 + 1 + 0.5 + 0.8, abs=1e-12)  # 5.8
    b = res.blocks.loc["R01"]
    assert b["B1"] == pytest.approx(24.9, abs=1e-12)  # 9 + 15.9
    assert b["B2"] == pytest.approx(22.9, abs=1e-12)  # 8.05 + 8.25 + 6.6
    assert b["B3"] == pytest.approx(15.025, abs=1e-12)  # 9.225 + 5.8
    t = res.totals.loc["R01"]
    assert t["base"] == pytest.approx(62.825, abs=1e-12)  # 24.9 + 22.9 + 15.025
    assert t["bonus"] == 3.0
    assert t["penalty"] == -0.5
    assert t["total"] == pytest.approx(65.325, abs=1e-12)  # 62.825 + 3 − 0.5
    assert t["percent"] == pytest.approx(65.325, abs=1e-12)  # of 100 base points
    assert t["level"] == "medium efficiency"  # 65 ≤ 65.325 < 80
    assert t["rank"] == 1
    assert not res.missing.loc["R01"].any()
    assert res.stage == "preliminary"


def test_mini_scorecard_two_bodies_by_hand() -> None:
    sc = Scorecard.from_toml(MINI)
    inputs = _inputs(
        {
            # plan 10·(0.8−0.5)/0.5 = 6; audit 5 − 2·1 = 3; survey s=(4.2−1)/4 = 0.8 →
            # 8·(0.8−0.5)/0.4 = 6; portal 0.85 ≥ 0.8 → 4; control 3; pb +2; late −3·2/3 = −2
            "A": {
                "plan": 0.8,
                "audit": 1,
                "survey": 4.2,
                "portal": 0.85,
                "control": 1,
                "pb": 1,
                "late": 2,
            },
            # plan 10; audit 5; survey 8; portal [0.5, 0.8) → 2; control 0; no pb; late 0
            "B": {"plan": 1.0, "audit": 0, "survey": 5.0, "portal": 0.5, "control": 0, "late": 0},
        }
    )
    res = sc.score(inputs)  # the missing bonus of B raises no warning: absence = no bonus
    t = res.totals
    assert t.loc["A", "base"] == pytest.approx(6 + 3 + 6 + 4 + 3)  # 22
    assert t.loc["A", "total"] == pytest.approx(22 + 2 - 2)  # 22
    assert t.loc["A", "percent"] == pytest.approx(100 * 22 / 30)  # 73.33 → "low" (< 75)
    assert t.loc["A", "level"] == "low"
    assert t.loc["B", "total"] == pytest.approx(10 + 5 + 8 + 2 + 0)  # 25 → 83.3 % → "high"
    assert t.loc["B", "level"] == "high"
    assert t["rank"].to_dict() == {"A": 2, "B": 1}
    assert bool(res.missing.loc["B", "pb"]) and res.points.loc["B", "pb"] == 0.0


def test_ties_share_the_best_rank_and_level_boundaries_are_inclusive() -> None:
    sc = Scorecard.from_toml(MINI)
    # plan value 0.5 + 0.5·p/10 gives p points; 22.5 of 30 = 75 % exactly → "high"
    rows = {
        e: {"plan": 0.875, "audit": 0, "survey": 5.0, "portal": 0.5, "control": 0}
        for e in ("A", "B")
    }  # 7.5 + 5 + 8 + 2 + 0 = 22.5
    res = sc.score(_inputs(rows))
    assert res.totals["total"].tolist() == [22.5, 22.5]
    assert res.totals["rank"].tolist() == [1, 1]
    assert res.totals["level"].tolist() == ["high", "high"]


def test_missing_criterion_scores_zero_with_flag_and_warning() -> None:
    body = {k: v for k, v in BODY.items() if k != "open_data"}
    with pytest.warns(DataWarning, match=re.escape("R01/open_data")):
        res = LOCAL.score(_inputs({"R01": body}))
    assert res.points.loc["R01", "open_data"] == 0.0
    assert bool(res.missing.loc["R01", "open_data"])
    assert res.missing.loc["R01"].sum() == 1
    assert res.totals.loc["R01", "total"] == pytest.approx(65.325 - 1.0)
    assert res.explain("R01").loc["open_data", "status"] == "missing"
    # NaN values are missing too; entities without any row are scored on request
    nan_rows = _inputs({"R01": {"open_data": math.nan}})
    with pytest.warns(DataWarning):
        res2 = LOCAL.score(nan_rows, entities=["R01", "R02"])
    assert res2.totals.loc["R02", "total"] == 0.0
    assert bool(res2.missing.loc["R02"].all())


def test_explain_traces_every_point() -> None:
    res = LOCAL.score(_inputs({"R01": BODY}).assign(evidence="audit report 12/2019"))
    ex = res.explain("R01")
    assert list(ex.index) == list(LOCAL.item_codes)
    assert ex["points"].sum() == pytest.approx(res.totals.loc["R01", "total"])
    assert ex.loc["budget_violations", "formula"] == ("max(0, 5 − 1 × 2 violations) = 3")
    assert ex.loc["budget_goal_link", "formula"].startswith("0.8 in band 3 [0.75, 0.9) → 3")
    assert ex.loc["hr_satisfaction", "formula"].startswith("s = (4 − 1) / (5 − 1) = 0.75")
    assert ex.loc["unreliable_data", "formula"].startswith("penalty −(2 × clip")
    assert ex.loc["open_data", "evidence"] == "audit report 12/2019"
    assert ex.loc["open_data", "lost_points"] == pytest.approx(2 - 1.0)
    with pytest.raises(ScorecardError, match="unknown entity 'R99'"):
        res.explain("R99")


def test_inputs_are_not_modified_and_results_are_protected() -> None:
    inputs = _inputs({"R01": BODY})
    before = inputs.copy()
    res = LOCAL.score(inputs)
    pd.testing.assert_frame_equal(inputs, before)
    pts = res.points
    pts.loc["R01", "open_data"] = 99.0
    assert res.points.loc["R01", "open_data"] == 1.0
    with pytest.raises(AttributeError):
        res.stage = "final"  # type: ignore[misc]


def test_input_fingerprint_ignores_row_order() -> None:
    inputs = _inputs({"R01": BODY, "R02": BODY})
    a = LOCAL.score(inputs)
    b = LOCAL.score(inputs.iloc[::-1])
    assert a.inputs_fingerprint == b.inputs_fingerprint
    assert a.scorecard_fingerprint == LOCAL.fingerprint


# ----------------------------------------------------------------------------- bad inputs


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("R01", "nope", 1.0)], "unknown criterion/criteria 'nope'"),
        (
            [("R01", "open_data", 0.5), ("R01", "open_data", 0.6)],
            "duplicated (entity, criterion) pairs in 'row 0: R01/open_data', "
            "'row 1: R01/open_data'",
        ),
        (
            [("R01", "open_data", 1.5)],
            "value(s) out of range: 'row 0: R01/open_data=1.5 (expected [0, 1])'",
        ),
        ([("R01", "budget_violations", -1.0)], "R01/budget_violations=-1.0 (expected [0, inf])"),
        ([("R01", "hr_satisfaction", 0.5)], "R01/hr_satisfaction=0.5 (expected [1, 5])"),
        ([("R01", "complaints_control", 0.5)], "yes/no criteria need 0 or 1"),
        ([("R01", "budget_violations", 1.5)], "violation counts must be whole numbers"),
        ([("R01", "open_data", "high")], "non-numeric value(s) in 'row 0: R01/open_data=high'"),
        ([("R01", "open_data", math.inf)], "infinite value(s) in 'row 0: R01/open_data=inf'"),
        ([(None, "open_data", 0.5)], "empty 'entity' in row(s) 0"),
    ],
)
def test_bad_inputs_name_the_item(rows: list[tuple[object, object, object]], message: str) -> None:
    frame = pd.DataFrame(rows, columns=["entity", "criterion", "value"])
    with pytest.raises(ScorecardError, match=re.escape(message)):
        LOCAL.score(frame)


def test_more_bad_inputs() -> None:
    with pytest.raises(ScorecardError, match=re.escape("lack the column(s) 'value'")):
        LOCAL.score(pd.DataFrame({"entity": ["R01"], "criterion": ["open_data"]}))
    with pytest.raises(ScorecardError, match="must be a DataFrame"):
        LOCAL.score([1, 2])  # type: ignore[arg-type]
    s2018 = read_scorecard("local", year=2018)
    with pytest.raises(ScorecardError, match="'citizens_budget' not in force in 2018"):
        s2018.score(_inputs({"R01": {"citizens_budget": 5.0}}))
    year_rows = _inputs({"R01": {"open_data": 0.5}}).assign(year=2018)
    with pytest.raises(ScorecardError, match=r"rows of year\(s\) '2018'.*scorecard is for 2019"):
        LOCAL.score(year_rows)
    with pytest.raises(
        ScorecardError, match="entity/entities 'R1' are not in the `entities` list"
    ):
        LOCAL.score(_inputs({"R1": {"open_data": 0.5}}), entities=["R01"])
    with pytest.raises(ScorecardError, match="no entity to score"):
        LOCAL.score(pd.DataFrame({"entity": [], "criterion": [], "value": []}))


# ----------------------------------------------------------------------------- oracle + invariants


def _oracle(item: Item, x: float) -> float:
    """Slow scalar re-implementation of the rules, written from the documented formulas."""
    if math.isnan(x):
        return 0.0
    r = item.rule
    m = item.max_points
    if r.name == "linear":
        lo, hi = r.floor, r.ceiling  # type: ignore[union-attr]
        frac = (x - lo) / (hi - lo) if r.higher_is_better else (hi - x) / (hi - lo)  # type: ignore[union-attr]
        p = m * min(max(frac, 0.0), 1.0)
    elif r.name == "bands":
        j = 0
        for t in r.thresholds:  # type: ignore[union-attr]
            if x >= t:
                j += 1
        p = r.points[j]  # type: ignore[union-attr]
    elif r.name == "boolean":
        p = m if x == 1 else 0.0
    elif r.name == "deduction":
        p = max(0.0, m - r.per_violation * x)  # type: ignore[union-attr]
    else:
        a, b = r.scale  # type: ignore[union-attr]
        s = (x - a) / (b - a)
        p = m * min(max((s - r.floor) / (r.ceiling - r.floor), 0.0), 1.0)  # type: ignore[union-attr]
    return -p if item.kind == "penalty" else p


@st.composite
def _panel(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(1, 5))
    rows = []
    for e in range(n):
        for item in LOCAL.items:
            if draw(st.booleans()) and draw(st.booleans()):  # ~25 % missing
                continue
            lo, hi = item.value_range
            if item.rule.name == "boolean":
                v = float(draw(st.sampled_from([0, 1])))
            elif item.rule.name == "deduction":
                v = float(draw(st.integers(0, 12)))
            else:
                top = hi if math.isfinite(hi) else 30.0
                v = draw(st.floats(lo, top, allow_nan=False))
            rows.append({"entity": f"E{e}", "criterion": item.code, "value": v})
    if not rows:
        rows.append({"entity": "E0", "criterion": "open_data", "value": 0.5})
    return pd.DataFrame(rows)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_panel())
def test_vectorised_scoring_matches_oracle_and_invariants(inputs: pd.DataFrame) -> None:
    res = _score_quiet(LOCAL, inputs)
    pts, vals = res.points, res.input_values
    expected = np.array(
        [[_oracle(item, float(vals.loc[e, item.code])) for item in LOCAL.items] for e in pts.index]
    )
    np.testing.assert_allclose(pts.to_numpy(), expected, rtol=0, atol=1e-9)
    maxp = np.array([i.max_points for i in LOCAL.items])
    is_pen = np.array([i.kind == "penalty" for i in LOCAL.items])
    arr = pts.to_numpy()
    # points in [0, max]; only penalties are negative, and never below −max
    assert (arr[:, ~is_pen] >= 0).all() and (arr[:, ~is_pen] <= maxp[~is_pen] + 1e-12).all()
    assert (arr[:, is_pen] <= 0).all() and (arr[:, is_pen] >= -maxp[is_pen] - 1e-12).all()
    # totals equal the sum of their parts at every level
    for d in LOCAL.directions:
        codes = [i.code for i in LOCAL.criteria if i.direction == d.code]
        np.testing.assert_allclose(res.directions[d.code], pts[codes].sum(axis=1), atol=1e-9)
    for b in LOCAL.blocks:
        dirs = [d.code for d in LOCAL.directions if d.block == b.code]
        np.testing.assert_allclose(res.blocks[b.code], res.directions[dirs].sum(axis=1), atol=1e-9)
    t = res.totals
    np.testing.assert_allclose(t["base"], res.blocks.sum(axis=1), atol=1e-9)
    np.testing.assert_allclose(t["total"], t["base"] + t["bonus"] + t["penalty"], atol=1e-9)
    np.testing.assert_allclose(t["total"], pts.sum(axis=1), atol=1e-9)
    # rank: 1 + number of bodies with a strictly higher total
    higher = (t["total"].to_numpy()[None, :] > t["total"].to_numpy()[:, None] + 1e-12).sum(1)
    np.testing.assert_array_equal(t["rank"].to_numpy(), 1 + higher)
    # level: the highest level whose cut-off the percent reaches (lowest level below 0)
    for pct, level in zip(t["percent"], t["level"], strict=True):
        want = next(
            (lv.name for lv in LOCAL.levels if pct >= lv.min_percent), LOCAL.levels[-1].name
        )
        assert level == want


# ----------------------------------------------------------------------------- the tree


def test_scorecard_catalog_is_the_tree_that_is_summed() -> None:
    sc = Scorecard.from_toml(MINI)
    cat = sc.catalog
    assert cat.roots == ["total"]
    assert cat.children("total") == ["G", "S", "pb", "late"]  # blocks, then bonus/penalty
    assert cat.children("G") == ["G1"] and cat.children("G1") == ["plan", "audit"]
    assert set(cat.column("aggregation", ["total", "G", "G1", "S"])) == {"sum"}
    assert cat.indicators == list(sc.item_codes)
    inputs = _inputs({"A": {"plan": 0.8, "audit": 1, "survey": 4.2, "portal": 0.85,
                            "control": 1, "pb": 1, "late": 2}})  # fmt: skip
    res = sc.score(inputs)
    # every subtotal is the sum of its children's points (the scorecard's own tree)
    pts = res.points.loc["A"]
    assert res.directions.loc["A", "G1"] == pytest.approx(pts["plan"] + pts["audit"])  # 6 + 3
    assert res.blocks.loc["A", "G"] == pytest.approx(res.directions.loc["A", "G1"])
    total = res.blocks.loc["A"].sum() + pts["pb"] + pts["late"]  # 22 + 2 − 2
    assert res.totals.loc["A", "total"] == pytest.approx(total) == pytest.approx(22.0)


def test_an_item_called_total_keeps_scoring_and_attributing() -> None:
    # the tree's root takes a free code; the totals table keeps its "total" column
    from govindex.analysis.attribution import attribute

    sc = Scorecard.from_toml(MINI.replace('code = "control"', 'code = "total"'))
    assert sc.catalog.roots == ["total_"]
    inputs = _inputs({"A": {"plan": 0.8, "audit": 1, "total": 1}, "B": {"plan": 1.0}})
    first = _score_quiet(sc, inputs)
    assert first.totals.loc["A", "total"] == pytest.approx(6 + 5 - 2 + 3)  # survey etc. missing
    second = first.appeal("A", "plan", 0.9, reason="recount", decision="upheld")  # plan 6 → 8
    att = attribute(first, second, entity="A")
    assert att.node == "total_" and att.total == pytest.approx(2.0)
    assert att.leaves.iloc[0]["node"] == "plan"
