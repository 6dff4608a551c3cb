"""Recommendations, methodology over time, charts and the SYNTHETIC demo."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from govindex._provenance import read_provenance
from govindex.exceptions import DataWarning, ScorecardError
from govindex.operational import (
    Recommendations,
    chain_problems,
    compare_years,
    draft_recommendations,
    read_scorecard,
    verify_results,
)
from govindex.operational.demo import demo_inputs, make_demo_inputs, run_demo
from test_operational_appeals import BOARD, _preliminary

# ----------------------------------------------------------------------------- recommendations


def test_draft_recommendations_from_final_block_conclusions() -> None:
    final = _preliminary().finalize(**BOARD)  # type: ignore[arg-type]
    # block maxima: G = plan 10 + audit 5 = 15; S = survey 8 + portal 4 + control 3 = 15
    # A: G = 6 + 3 = 9 (60 %), S = 6 + 4 + 3 = 13 (86.7 %); B: G = 15 (100 %), S = 8 + 2 + 0 =
    # 10 (66.7 %) → below 70 %: (A, G) and (B, S)
    recs = draft_recommendations(final, below_percent=70)
    table = recs.table
    assert table.index.tolist() == ["2020-A-G", "2020-B-S"]
    assert table["status"].tolist() == ["open", "open"]
    assert table["type"].tolist() == ["G", "S"] and table["owner"].tolist() == ["unassigned"] * 2
    assert table["due"].dt.strftime("%Y-%m-%d").tolist() == ["2021-12-31", "2021-12-31"]
    assert "(9.0 of 15 points)" in table.loc["2020-A-G", "text"]
    assert "'Quality' (−5.0 points)" in table.loc["2020-B-S", "text"]  # 15 − 10 lost in S1
    with pytest.raises(ScorecardError, match=r"call result\.finalize"):
        draft_recommendations(_preliminary())


def _register() -> Recommendations:
    return Recommendations.from_frame(
        pd.DataFrame(
            {
                "recommendation": ["a1", "a2", "a3", "b1", "b2", "c1"],
                "entity": ["A", "A", "A", "B", "B", "C"],
                "type": ["data", "services", "services", "data", "services", "data"],
                "text": ["t"] * 6,
                "owner": ["head of A"] * 3 + ["head of B"] * 2 + ["head of C"],
                "due": [
                    "2021-03-31",
                    "2021-12-31",
                    "2021-12-31",
                    "2021-06-30",
                    "2021-12-31",
                    "2022-06-30",
                ],
                "status": ["done", "done", "open", "in progress", "done", "open"],
                "completed": ["2021-03-15", "2022-01-10", None, None, "2021-12-01", None],
                "evidence": ["order 1", "order 2", "", "", "report", ""],
            }
        )
    )


def test_monitoring_rates_by_hand() -> None:
    recs = _register()
    rep = recs.monitoring(2021, as_of="2022-01-31")
    # due in 2021: a1 (done 03-15, on time), a2 (done 2022-01-10: late, by as_of), a3 (open,
    # overdue), b1 (in progress, due 06-30: overdue), b2 (done on time); c1 is due in 2022
    assert rep.by_entity["due"].to_dict() == {"A": 3, "B": 2}
    assert rep.by_entity["done"].to_dict() == {"A": 2, "B": 1}
    assert rep.by_entity["done_on_time"].to_dict() == {"A": 1, "B": 1}
    assert rep.by_entity["overdue"].to_dict() == {"A": 1, "B": 1}
    assert rep.by_entity["rate"].to_dict() == pytest.approx({"A": 2 / 3, "B": 1 / 2})
    assert rep.by_entity["on_time_rate"].to_dict() == pytest.approx({"A": 1 / 3, "B": 1 / 2})
    # per type: data = a1 (done), b1 (overdue); services = a2 (late), a3 (overdue), b2 (done)
    assert rep.by_type["rate"].to_dict() == pytest.approx({"data": 1 / 2, "services": 2 / 3})
    assert rep.overall["rate"] == pytest.approx(3 / 5)
    assert rep.overall["on_time_rate"] == pytest.approx(2 / 5)
    # overdue: b1 due 2021-06-30 (215 days before 2022-01-31), a3 due 2021-12-31 (31 days)
    assert rep.overdue.index.tolist() == ["b1", "a3"]
    assert rep.overdue["days_overdue"].tolist() == [215, 31]
    assert rep.overdue["recorded_status"].tolist() == ["in progress", "open"]
    # on 31 December 2021 a2 is not done yet (completed 2022-01-10) and not yet overdue
    early = recs.monitoring(2021)
    assert early.as_of.isoformat() == "2021-12-31"
    assert recs.status_on("2021-12-31").to_dict() == {
        "a1": "done",
        "a2": "in progress",
        "a3": "open",
        "b1": "overdue",
        "b2": "done",
        "c1": "open",
    }
    assert early.by_entity.loc["A", "done"] == 1


def test_register_updates_are_new_registers() -> None:
    recs = _register()
    updated = recs.update("a3", status="done", completed="2021-11-30", evidence="order 3")
    assert updated.monitoring(2021, as_of="2022-01-31").by_entity.loc["A", "rate"] == 1.0
    assert updated.table.loc["a3", "evidence"] == "order 3"
    assert recs.table.loc["a3", "status"] == "open"  # the original register is unchanged
    with pytest.raises(ScorecardError, match="'done' without a completed date for 'c1'"):
        recs.update("c1", status="done")
    with pytest.raises(ScorecardError, match="no recommendation is due in 2030"):
        recs.monitoring(2030)
    with pytest.raises(ScorecardError, match="unknown recommendation 'zz'"):
        recs.update("zz", status="done", completed="2021-01-01")
    with pytest.raises(ScorecardError, match=r"as_of must be a date"):
        recs.monitoring(2021, as_of=20220131)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": ["implemented", "open"]}, "unknown status in \"r1: 'implemented'\""),
        ({"recommendation": ["r1", "r1"]}, "duplicated id(s) 'r1'"),
        ({"due": ["2021-12-31", "someday"]}, "'r2': due must be an ISO date"),
        ({"due": ["2021-12-31", 20211231]}, "'r2': due must be a date"),
        ({"owner": ["head", " "]}, "no owner for 'r2'"),
        ({"status": ["done", "open"]}, "'done' without a completed date for 'r1'"),
        (
            {"completed": ["2021-05-01", None]},
            "a completed date on a recommendation that is not done: 'r1'",
        ),
    ],
)
def test_bad_recommendations(change: dict[str, list[object]], message: str) -> None:
    base: dict[str, list[object]] = {
        "recommendation": ["r1", "r2"],
        "entity": ["A", "B"],
        "text": ["x", "y"],
        "owner": ["head of A", "head of B"],
        "due": ["2021-12-31", "2021-12-31"],
        "status": ["open", "open"],
    }
    with pytest.raises(ScorecardError, match=re.escape(message)):
        Recommendations.from_frame(pd.DataFrame({**base, **change}))
    with pytest.raises(ScorecardError, match="lack the column"):
        Recommendations.from_frame(pd.DataFrame({"entity": ["A"]}))


# ----------------------------------------------------------------------------- years


def _score(year: int, values: dict[str, float]) -> object:
    sc = read_scorecard("local", year=year)
    frame = pd.DataFrame(
        {"entity": "R01", "criterion": list(values), "value": list(values.values())}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        return sc.score(frame)


def test_compare_years_uses_comparable_criteria_only() -> None:
    r2018 = _score(2018, {"strategic_goals": 0.8, "open_data": 1.0})
    r2019 = _score(
        2019,
        {
            "strategic_goals": 0.9,
            "open_data": 1.0,
            "citizens_budget": 9.0,
            "popular_participation": 1,
        },
    )
    cmp = compare_years({2018: r2018, 2019: r2019})  # type: ignore[dict-item]
    assert "citizens_budget" not in cmp.comparable
    assert "strategic_goals" in cmp.comparable and "open_data" in cmp.comparable
    assert cmp.criteria.loc["popular_participation", "note"] == "added in 2019"
    t = cmp.totals
    # 2018: 15 · 0.3/0.5 = 9 + open_data 2 = 11 of 96 base points
    assert t.loc[("R01", 2018), "total"] == pytest.approx(11.0)
    # 2019: 15 · 0.4/0.5 = 12 + 2 + citizens budget 4 + bonus 3 = 21 of 100
    assert t.loc[("R01", 2019), "total"] == pytest.approx(21.0)
    # like for like: only comparable criteria (max 96): 11 → 14
    assert t.loc[("R01", 2018), "comparable_points"] == pytest.approx(11.0)
    assert t.loc[("R01", 2019), "comparable_points"] == pytest.approx(14.0)
    assert t.loc[("R01", 2019), "comparable_max"] == 96.0
    assert np.isnan(cmp.points.loc[("R01", "citizens_budget"), 2018])
    assert cmp.points.loc[("R01", "citizens_budget"), 2019] == 4.0


def test_compare_years_errors() -> None:
    r2019 = _score(2019, {"strategic_goals": 0.9})
    with pytest.raises(ScorecardError, match="at least two years"):
        compare_years({2019: r2019})  # type: ignore[dict-item]
    with pytest.raises(ScorecardError, match="scored with scorecards of other years"):
        compare_years({2018: r2019, 2019: r2019})  # type: ignore[dict-item]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        c2018 = read_scorecard("central", year=2018).score(
            pd.DataFrame({"entity": ["M"], "criterion": ["strategic_goals"], "value": [0.9]})
        )
    with pytest.raises(ScorecardError, match="different scorecards 'central', 'local'"):
        compare_years({2018: c2018, 2019: r2019})  # type: ignore[dict-item]


# ----------------------------------------------------------------------------- charts


def test_charts_read_the_result(tmp_path: Path) -> None:
    from govindex.plotting.operational import plot_lost_points, plot_operational_blocks

    res = _preliminary()
    ax = plot_operational_blocks(res, note="synthetic test data")
    # bars drawn bottom-up: best body (B) on top
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "B"]
    widths = [[round(p.get_width(), 6) for p in bars] for bars in ax.containers]
    # rows (A, B): block G = (9, 15), block S = (13, 10), bonus = (2, 0), penalty = (−2, 0)
    assert widths == [[9.0, 15.0], [13.0, 10.0], [2.0, 0.0], [-2.0, 0.0]]
    ax.figure.savefig(tmp_path / "blocks.png")
    ax2 = plot_lost_points(res)
    shown = ax2.images[0].get_array()
    # most points lost on top: A (8: plan 4, audit 2, survey 2, portal 0, control 0), then B (5)
    assert [t.get_text() for t in ax2.get_yticklabels()] == ["A", "B"]
    np.testing.assert_allclose(np.asarray(shown)[0], [4.0, 2.0, 2.0, 0.0, 0.0])
    np.testing.assert_allclose(np.asarray(shown)[1], [0.0, 0.0, 0.0, 2.0, 3.0])
    ax2.figure.savefig(tmp_path / "lost.png")
    assert (tmp_path / "blocks.png").stat().st_size > 0


# ----------------------------------------------------------------------------- demo


def test_bundled_demo_inputs_match_the_generator() -> None:
    for kind, n in (("central", 25), ("local", 20)):
        bundled = demo_inputs(kind)  # type: ignore[arg-type]
        fresh = make_demo_inputs(kind)  # type: ignore[arg-type]
        pd.testing.assert_frame_equal(bundled.reset_index(drop=True), fresh)
        assert bundled["entity"].nunique() == n
        assert bundled["evidence"].str.startswith("SYNTHETIC").all()
        for year in (2018, 2019):  # every item in force has exactly one value per body
            sc = read_scorecard(kind, year=year)
            part = bundled.loc[bundled["year"] == year]
            assert len(part) == n * len(sc.items)
    path = Path(__file__).resolve().parents[1] / "data" / "indicators"
    meta = read_provenance(path / "operational_inputs_local.parquet")
    assert meta["synthetic"] is True


@pytest.mark.slow
def test_run_demo_writes_labelled_outputs(tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the demo must run without warnings
        tables = run_demo(tmp_path)
    assert set(tables) == {
        "operational_central_2019",
        "operational_local_2019",
        "operational_verification",
        "operational_appeals",
        "operational_local_2018_vs_2019",
        "operational_recommendations_2020",
        "operational_recommendations_2020_by_type",
        "operational_recommendations_overdue",
    }
    assert len(tables["operational_central_2019"]) == 25
    assert len(tables["operational_local_2019"]) == 20
    # the bundled registers: 2 central cases, 4 local ones (upheld, partly, rejected, late)
    assert tables["operational_appeals"]["decision"].tolist() == [
        "upheld",
        "rejected",
        "upheld",
        "partly",
        "rejected",
        "upheld",
    ]
    checks = tables["operational_verification"]
    assert checks["corrected"].equals(checks["finding"] == "discrepancy")
    for kind in ("central", "local"):
        summary = pd.read_parquet(tmp_path / f"operational_{kind}_2019_summary.parquet")
        pre = pd.read_parquet(tmp_path / f"operational_{kind}_2019_preliminary_summary.parquet")
        log = tables["operational_appeals"].loc[kind]
        for entity in log["entity"].unique():  # the final total moved only by the decisions
            mine = log.loc[log["entity"] == entity]
            delta = summary.loc[entity, "total"] - pre.loc[entity, "total"]
            assert delta == pytest.approx((mine["total_after"] - mine["total_before"]).sum())
        events = pd.read_parquet(tmp_path / f"operational_{kind}_2019_events.parquet")
        assert chain_problems(events) == []
        assert events["event"].iloc[-1] == "finalised"
        meta = read_provenance(tmp_path / f"operational_{kind}_2019_points.parquet")
        assert meta["synthetic"] is True and meta["stage"] == "final"
        for chart in ("blocks", "lost_points"):
            assert (tmp_path / f"operational_{kind}_{chart}.png").stat().st_size > 10_000
    rates = tables["operational_recommendations_2020"]
    assert rates.loc["ALL", "due"] == rates.drop(index="ALL")["due"].sum()
    assert ((rates["rate"] >= 0) & (rates["rate"] <= 1)).all()
    counts = rates[["done", "in_progress", "open", "overdue"]].sum(axis=1)
    assert (counts == rates["due"]).all()  # every recommendation due has one state
    assert verify_results(tmp_path).ok
