"""Appeals and stages: preliminary → appeal cases → final, nothing overwritten; Parquet export."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from govindex._provenance import read_provenance
from govindex.exceptions import ScorecardError
from govindex.operational import OperationalResult, Scorecard, read_scorecard
from test_operational_scorecard import MINI

SC = Scorecard.from_toml(MINI)


def _preliminary() -> OperationalResult:
    rows = {
        # A: plan 6, audit 3, survey 6, portal 4, control 3, pb 2, late −2 → total 22 (73.3 %)
        "A": {
            "plan": 0.8,
            "audit": 1,
            "survey": 4.2,
            "portal": 0.85,
            "control": 1,
            "pb": 1,
            "late": 2,
        },
        # B: plan 10, audit 5, survey 8, portal 2, control 0, pb 0, late 0 → total 25 (83.3 %)
        "B": {
            "plan": 1.0,
            "audit": 0,
            "survey": 5.0,
            "portal": 0.5,
            "control": 0,
            "pb": 0,
            "late": 0,
        },
    }
    frame = pd.DataFrame(
        [
            {"entity": e, "criterion": c, "value": v}
            for e, vals in rows.items()
            for c, v in vals.items()
        ]
    )
    return SC.score(frame, published_on="2021-02-01")


#: The commission's decision used by the tests (SYNTHETIC).
BOARD = {"decided_on": "2021-03-01", "protocol": "T-1", "members": ["member A", "member B"]}


def _file_and_decide(
    res: OperationalResult,
    entity: str,
    criterion: str,
    claimed: float,
    decision: str,
    granted: float | None = None,
) -> OperationalResult:
    filed = res.file_appeal(
        entity,
        criterion,
        claimed_value=claimed,
        reason=f"reason {entity}/{criterion}",
        filed_by=f"office of {entity}",
        filed_on="2021-02-05",
    )
    case = str(filed.cases.index[-1])
    return filed.decide_appeal(
        case,
        decision,  # type: ignore[arg-type]
        new_value=granted,
        decided_by="commission",
        decided_on="2021-02-20",
        rationale=f"rationale {case}",
    )


def test_appeal_round_trip_preliminary_two_appeals_final() -> None:
    pre = _preliminary()
    pre_points, pre_totals = pre.points.copy(), pre.totals.copy()

    # case 1, upheld: A's audit found 1 violation; the body shows it was none → 5 − 0 = 5
    r1 = _file_and_decide(pre, "A", "audit", 0, "upheld")
    # case 2, partly: A claims plan 1.0; the commission grants 0.9 → 10 · (0.9 − 0.5) / 0.5 = 8
    r2 = _file_and_decide(r1, "A", "plan", 1.0, "partly", 0.9)
    # case 3, rejected: B asks for portal 0.8 (would be 4); stays 0.5 → 2
    r3 = _file_and_decide(r2, "B", "portal", 0.8, "rejected")
    final = r3.finalize(**BOARD)  # type: ignore[arg-type]

    # A: 22 + (5 − 3) + (8 − 6) = 26 → 86.7 % → "high"; B unchanged at 25 → rank 2
    assert final.stage == "final"
    assert final.totals.loc["A", "total"] == pytest.approx(26.0)
    assert final.totals.loc["A", "level"] == "high"
    assert final.totals["rank"].to_dict() == {"A": 1, "B": 2}
    assert final.totals.loc["B", "total"] == pytest.approx(25.0)

    # the preliminary figures are unchanged, from every object of the chain
    for res in (pre, r1, r2, r3, final):
        pd.testing.assert_frame_equal(res.preliminary.points, pre_points)
        pd.testing.assert_frame_equal(res.preliminary.totals, pre_totals)
        assert res.preliminary.stage == "preliminary"
    assert pre.appeals.empty and pre.stage == "preliminary"
    assert len(r1.appeals) == 1 and len(r2.appeals) == 2

    log = final.appeals
    assert log["round"].tolist() == [1, 2, 3]
    assert log["decision"].tolist() == ["upheld", "partly", "rejected"]
    assert log["case"].tolist() == ["mini-2020-001", "mini-2020-002", "mini-2020-003"]
    assert log["old_value"].tolist() == [1.0, 0.8, 0.5]
    assert log["claimed_value"].tolist() == [0.0, 1.0, 0.8]
    assert log["applied_value"].tolist() == [0.0, 0.9, 0.5]  # rejected: old value stays
    assert log["points_before"].tolist() == pytest.approx([3.0, 6.0, 2.0])
    assert log["points_after"].tolist() == pytest.approx([5.0, 8.0, 2.0])
    assert log["total_before"].tolist() == pytest.approx([22.0, 24.0, 25.0])
    assert log["total_after"].tolist() == pytest.approx([24.0, 26.0, 25.0])
    # ranks and levels of the appealing body: A 22 → 24 (still below B's 25), A 24 → 26
    # (passes B), then B at 25 behind A's 26 before and after its rejected appeal
    assert log["rank_before"].tolist() == [2, 2, 2]
    assert log["rank_after"].tolist() == [2, 1, 2]
    # A 22/30 = 73.3 % "low" → 24/30 = 80 % "high"; B 25/30 = 83.3 % "high"
    assert log["level_before"].tolist() == ["low", "high", "high"]
    assert log["level_after"].tolist() == ["high", "high", "high"]
    assert log["reason"].iloc[1] == "reason A/plan"
    assert final.cases["status"].tolist() == ["upheld", "partly", "rejected"]

    # totals stay consistent: total change equals the sum of the appealed points changes
    delta = final.totals["total"] - pre_totals["total"]
    assert delta["A"] == pytest.approx((5 - 3) + (8 - 6))
    assert delta["B"] == 0.0
    assert (final.points.sum(axis=1) - final.totals["total"]).abs().max() < 1e-9

    # explain shows the appeal; the inputs in force keep a trace in the evidence
    ex = final.explain("A")
    assert ex.loc["plan", "status"] == "appealed: partly"
    assert "case mini-2020-002 (partly): reason A/plan" in ex.loc["plan", "evidence"]
    assert final.explain("B").loc["portal", "status"] == "appealed: rejected"
    assert final.explain("B").loc["portal", "points"] == 2.0


def test_shortcut_errors_name_the_problem() -> None:
    pre = _preliminary()
    final = pre.finalize(**BOARD)  # type: ignore[arg-type]
    with pytest.raises(ScorecardError, match="the result is final and appeals are closed"):
        final.appeal("A", "plan", 0.9, reason="x", decision="upheld")
    with pytest.raises(ScorecardError, match="already final"):
        final.finalize(**BOARD)  # type: ignore[arg-type]
    with pytest.raises(ScorecardError, match="unknown decision 'accepted'"):
        pre.appeal("A", "plan", 0.9, reason="x", decision="accepted")  # type: ignore[arg-type]
    with pytest.raises(ScorecardError, match="unknown decision 'partly upheld'"):
        pre.appeal("A", "plan", 0.9, reason="x", decision="partly upheld")  # type: ignore[arg-type]
    with pytest.raises(ScorecardError, match="reason: a non-empty text is required"):
        pre.appeal("A", "plan", 0.9, reason=" ", decision="upheld")
    with pytest.raises(ScorecardError, match="unknown entity 'Z'"):
        pre.appeal("Z", "plan", 0.9, reason="x", decision="upheld")
    with pytest.raises(ScorecardError, match="unknown criterion 'nope'"):
        pre.appeal("A", "nope", 0.9, reason="x", decision="upheld")
    with pytest.raises(ScorecardError, match=re.escape("A/plan=1.4 (expected [0, 1])")):
        pre.appeal("A", "plan", 1.4, reason="x", decision="upheld")
    with pytest.raises(ScorecardError, match="equals the current value"):
        pre.appeal("A", "plan", 0.8, reason="x", decision="upheld")
    with pytest.raises(ScorecardError, match="claimed_value must be a number"):
        pre.appeal("A", "plan", "0.9", reason="x", decision="upheld")  # type: ignore[arg-type]
    with pytest.raises(ScorecardError, match="claimed_value must be a finite number"):
        pre.appeal("A", "plan", float("nan"), reason="x", decision="upheld")
    with pytest.raises(ScorecardError, match="'partly' decision needs new_value"):
        pre.appeal("A", "plan", 1.0, reason="x", decision="partly")


def test_shortcut_records_an_undated_what_if_case() -> None:
    pre = _preliminary()
    res = pre.appeal("A", "plan", 1.0, reason="what if", decision="partly", new_value=0.9)
    assert res.points.loc["A", "plan"] == pytest.approx(8.0)  # 10 · 0.4 / 0.5
    case = res.cases.iloc[0]
    assert case["status"] == "partly" and pd.isna(case["filed_on"]) and pd.isna(case["deadline"])
    assert case["filed_by"] == "(what-if)"
    assert res.events["on"].tolist() == ["2021-02-01", "", ""]
    assert res.regenerate().events.equals(res.events)


def test_appeal_can_fill_a_missing_value() -> None:
    frame = pd.DataFrame({"entity": ["A"], "criterion": ["plan"], "value": [0.7]})
    with pytest.warns(UserWarning):
        pre = SC.score(frame)
    res = pre.appeal("A", "audit", 0, reason="audit report supplied", decision="upheld")
    assert np.isnan(res.appeals.loc[0, "old_value"])
    assert res.points.loc["A", "audit"] == 5.0  # 5 − 2 · 0
    assert not bool(res.missing.loc["A", "audit"])
    assert bool(pre.missing.loc["A", "audit"])


def test_parquet_export_keeps_preliminary_and_log(tmp_path: Path) -> None:
    pre = _preliminary()
    final = _file_and_decide(
        _file_and_decide(pre, "A", "audit", 0, "upheld"), "A", "plan", 1.0, "partly", 0.9
    ).finalize(**BOARD)  # type: ignore[arg-type]
    files = final.to_parquet(tmp_path, metadata={"synthetic": True})
    assert list(files) == [
        "summary",
        "points",
        "appeals",
        "cases",
        "events",
        "conclusions",
        "verification",
        "preliminary_summary",
        "preliminary_points",
    ]
    points = pd.read_parquet(files["points"])
    prelim = pd.read_parquet(files["preliminary_points"])
    assert points.loc[("A", "plan"), "points"] == pytest.approx(8.0)
    assert prelim.loc[("A", "plan"), "points"] == pytest.approx(6.0)
    assert (points["stage"] == "final").all() and (prelim["stage"] == "preliminary").all()
    assert bool(points.loc[("A", "plan"), "appealed"])
    assert not bool(points.loc[("B", "plan"), "appealed"])
    log = pd.read_parquet(files["appeals"])
    assert log["decision"].tolist() == ["upheld", "partly"]
    cases = pd.read_parquet(files["cases"])
    assert cases["filed_on"].dt.strftime("%Y-%m-%d").tolist() == ["2021-02-05"] * 2
    events = pd.read_parquet(files["events"])
    assert events["event"].tolist() == ["scored"] + ["appeal filed", "appeal decided"] * 2 + [
        "finalised"
    ]
    summary = pd.read_parquet(files["summary"])
    assert summary.loc["A", "total"] == pytest.approx(26.0)
    assert pd.read_parquet(files["preliminary_summary"]).loc["A", "total"] == pytest.approx(22.0)
    meta = read_provenance(files["points"])
    assert meta["stage"] == "final" and meta["n_appeals"] == 2 and meta["synthetic"] is True
    assert meta["events_head"] == events["hash"].iloc[-1] and meta["n_events"] == 6
    assert meta["commission"] == {
        "decided_on": "2021-03-01",
        "protocol": "T-1",
        "members": ["member A", "member B"],
    }
    assert meta["scorecard_fingerprint"] == SC.fingerprint
    assert meta["inputs_fingerprint"] == pre.inputs_fingerprint
    assert meta["current_inputs_fingerprint"] != pre.inputs_fingerprint
    # the scorecard stored in the file rebuilds the same methodology
    assert Scorecard.from_dict(meta["scorecard"]).fingerprint == SC.fingerprint


def test_tidy_frame_and_reprs() -> None:
    res = _preliminary()
    tidy = res.to_frame()
    assert tidy.index.names == ["entity", "criterion"]
    assert len(tidy) == 2 * 7
    assert tidy["points"].groupby(level="entity").sum().to_dict() == pytest.approx(
        {"A": 22.0, "B": 25.0}
    )
    # lost points only on base criteria: A lost 10−6 + 5−3 + 8−6 + 0 + 0 = 8
    assert tidy.loc["A", "lost_points"].sum() == pytest.approx(8.0)
    assert "stage='preliminary'" in repr(res)
    assert "<table" in res._repr_html_()
    concl = res.block_conclusions()
    # A, block S: survey 6 + portal 4 + control 3 = 13 of 15; B, block G: 15 of 15
    assert concl.loc[("A", "S"), "points"] == pytest.approx(13.0)
    assert concl.loc[("B", "G"), "percent"] == pytest.approx(100.0)
    assert concl.loc[("A", "G"), "weakest_direction"] == "G1"


def test_shipped_scorecard_appeal_changes_level() -> None:
    sc = read_scorecard("local")
    frame = pd.DataFrame(
        {
            "entity": ["R01"] * len(sc.criteria),
            "criterion": [i.code for i in sc.criteria],
            "value": [0.0 if i.rule.name != "deduction" else 0 for i in sc.criteria],
        }
    )
    frame.loc[frame["criterion"] == "hr_satisfaction", "value"] = 1.0  # bottom of the 1–5 scale
    pre = sc.score(frame)
    # deductions at 0 violations give full points: budget_violations 5 + service_quality 4 +
    # complaints_repeated 3 + it_unused 2 = 14; complaints_court at 0 gives 3; hr_turnover at 0
    # gives 3 (lower is better); hr_overtime at 0 hours gives 3 → 23 points
    assert pre.totals.loc["R01", "total"] == pytest.approx(23.0)
    res = pre.appeal("R01", "strategic_goals", 1.0, reason="x", decision="upheld")
    assert res.totals.loc["R01", "total"] == pytest.approx(23.0 + 15.0)
