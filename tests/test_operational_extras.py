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
    compare_years,
    draft_recommendations,
    read_scorecard,
)
from govindex.operational.demo import demo_inputs, make_demo_inputs, run_demo
from test_operational_appeals import _preliminary

# ----------------------------------------------------------------------------- recommendations


def test_draft_recommendations_from_final_block_conclusions() -> None:
    final = _preliminary().finalize()
    # block maxima: G = plan 10 + audit 5 = 15; S = survey 8 + portal 4 + control 3 = 15
    # A: G = 6 + 3 = 9 (60 %), S = 6 + 4 + 3 = 13 (86.7 %); B: G = 15 (100 %), S = 8 + 2 + 0 =
    # 10 (66.7 %) → below 70 %: (A, G) and (B, S)
    recs = draft_recommendations(final, below_percent=70)
    table = recs.table
    assert table.index.tolist() == ["2020-A-G", "2020-B-S"]
    assert table["status"].tolist() == ["open", "open"]
    assert table["due"].dt.strftime("%Y-%m-%d").tolist() == ["2021-12-31", "2021-12-31"]
    assert "(9.0 of 15 points)" in table.loc["2020-A-G", "text"]
    assert "'Quality' (−5.0 points)" in table.loc["2020-B-S", "text"]  # 15 − 10 lost in S1
    with pytest.raises(ScorecardError, match=r"call result\.finalize"):
        draft_recommendations(_preliminary())


def test_implementation_rate_by_hand() -> None:
    recs = Recommendations.from_frame(
        pd.DataFrame(
            {
                "recommendation": ["a1", "a2", "a3", "b1", "b2", "c1"],
                "entity": ["A", "A", "A", "B", "B", "C"],
                "text": ["t"] * 6,
                "due": [
                    "2021-03-31",
                    "2021-12-31",
                    "2021-12-31",
                    "2021-06-30",
                    "2021-12-31",
                    "2022-06-30",
                ],
                "status": [
                    "implemented",
                    "partly implemented",
                    "open",
                    "not implemented",
                    "implemented",
                    "open",
                ],
            }
        )
    )
    rep = recs.implementation(2021)
    # A: (1 + 0.5 · 1) / 3 = 0.5; B: 1 / 2 = 0.5; C has nothing due in 2021
    assert rep.by_entity["rate"].to_dict() == {"A": 0.5, "B": 0.5}
    assert rep.by_entity.loc["A", "open"] == 1
    # overall: (2 + 0.5 · 1) / 5 = 0.5
    assert rep.overall["rate"] == pytest.approx(0.5)
    assert rep.overall["due"] == 5
    # partial credit 0: A = 1 / 3
    assert recs.implementation(2021, partial_credit=0).by_entity.loc["A", "rate"] == (
        pytest.approx(1 / 3)
    )
    updated = recs.update("a3", status="implemented", completed="2021-11-30")
    # A: (2 + 0.5) / 3
    assert updated.implementation(2021).by_entity.loc["A", "rate"] == pytest.approx(2.5 / 3)
    assert recs.table.loc["a3", "status"] == "open"  # the original register is unchanged
    with pytest.raises(ScorecardError, match="no recommendation is due in 2030"):
        recs.implementation(2030)
    with pytest.raises(ScorecardError, match="partial_credit must lie in"):
        recs.implementation(2021, partial_credit=2)
    with pytest.raises(ScorecardError, match="unknown recommendation 'zz'"):
        recs.update("zz", status="implemented")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": ["done", "open"]}, "unknown status in \"r1: 'done'\""),
        ({"recommendation": ["r1", "r1"]}, "duplicated id(s) 'r1'"),
        ({"due": ["2021-12-31", "someday"]}, "'due' is not a date for 'r2'"),
    ],
)
def test_bad_recommendations(change: dict[str, list[str]], message: str) -> None:
    base = {
        "recommendation": ["r1", "r2"],
        "entity": ["A", "B"],
        "text": ["x", "y"],
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
    # rows in rank order (B, A); lost points of A: plan 4, audit 2, survey 2, portal 0, control 0
    np.testing.assert_allclose(np.asarray(shown)[1], [4.0, 2.0, 2.0, 0.0, 0.0])
    np.testing.assert_allclose(np.asarray(shown)[0], [0.0, 0.0, 0.0, 2.0, 3.0])
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
        "operational_appeals",
        "operational_local_2018_vs_2019",
        "operational_recommendations_2020",
    }
    assert len(tables["operational_central_2019"]) == 25
    assert len(tables["operational_local_2019"]) == 20
    assert len(tables["operational_appeals"]) == 2
    for kind in ("central", "local"):
        summary = pd.read_parquet(tmp_path / f"operational_{kind}_2019_summary.parquet")
        pre = pd.read_parquet(tmp_path / f"operational_{kind}_2019_preliminary_summary.parquet")
        log = tables["operational_appeals"].loc[kind]
        entity = log["entity"].iloc[0]
        delta = summary.loc[entity, "total"] - pre.loc[entity, "total"]
        assert delta == pytest.approx(log["total_after"].iloc[0] - log["total_before"].iloc[0])
        meta = read_provenance(tmp_path / f"operational_{kind}_2019_points.parquet")
        assert meta["synthetic"] is True and meta["stage"] == "final"
        for chart in ("blocks", "lost_points"):
            assert (tmp_path / f"operational_{kind}_{chart}.png").stat().st_size > 10_000
    rates = tables["operational_recommendations_2020"]
    assert rates.loc["ALL", "due"] == rates.drop(index="ALL")["due"].sum()
    assert ((rates["rate"] >= 0) & (rates["rate"] <= 1)).all()
