"""Tests of govindex.analysis.strengths.strengths_weaknesses (reference: scipy, numpy, risk rules)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import govindex
from govindex.analysis.strengths import strengths_weaknesses
from govindex.exceptions import MethodError
from govindex.indices.gpi import effective_weights


@pytest.fixture(scope="module")
def gpi() -> govindex.PerformanceResult:
    from govindex.datasets import load_demo

    panel, cat = load_demo("leb")  # SYNTHETIC demo data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return govindex.performance_index(panel, cat, year=2025)


def test_percentiles_medians_and_best_match_references(gpi: govindex.PerformanceResult) -> None:
    sw = strengths_weaknesses(gpi, "R03", top=3)
    table = sw.table.set_index("indicator")
    scores = gpi.node_scores.loc[:, table.index]
    for ind in table.index[::7]:  # a sample of indicators, each against scipy / numpy
        col = scores[ind].dropna()
        own = col["R03"]
        expected = stats.percentileofscore(col.to_numpy(), own, kind="mean")
        assert table.loc[ind, "percentile"] == pytest.approx(expected)
        assert table.loc[ind, "to_median"] == pytest.approx(own - np.median(col))
        assert table.loc[ind, "to_best"] == pytest.approx(own - col.max())
        assert table.loc[ind, "rank"] == 1 + int((col > own).sum())
    w = effective_weights(gpi.catalog)
    np.testing.assert_allclose(table["lost"], w[table.index] * (100.0 - table["score"]))
    assert len(sw.strengths) == 3 and len(sw.weaknesses) == 3
    assert sw.strengths["percentile"].min() >= sw.table["percentile"].quantile(0.5)
    assert sw.weaknesses["percentile"].iloc[0] == sw.table["percentile"].min()


def test_regressions_are_the_deteriorated_indicators(gpi: govindex.PerformanceResult) -> None:
    sw = strengths_weaknesses(gpi, "R01")
    ch = gpi.changes
    det = ch.loc[(ch["entity"] == "R01") & (ch["class"] == "deteriorated") & ch["score"].notna()]
    assert set(sw.regressions["indicator"]) == set(det["indicator"])
    # severity ordering follows the risk table (severity = (50 − s)/50 × w_eff)
    risks = gpi.risk_areas(levels=("indicator",))
    mine = risks.loc[risks["entity"] == "R01"]
    np.testing.assert_allclose(sw.regressions["severity"], mine["severity"])  # same order
    by_code = mine.set_index("indicator")["severity"]
    np.testing.assert_allclose(sw.regressions.set_index("indicator")["severity"],
                               by_code.loc[sw.regressions["indicator"]])  # fmt: skip


def test_operational_lost_points(gpi: govindex.PerformanceResult) -> None:
    from govindex.operational import read_scorecard

    sc = read_scorecard("local")
    inputs = pd.DataFrame({"entity": ["R01", "R01", "R02", "R02"],
                           "criterion": ["strategic_goals", "open_data"] * 2,
                           "value": [0.85, 0.6, 0.5, 1.0]})  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sc.score(inputs)
    sw = strengths_weaknesses(res, "R01", top=4)
    lost = res.lost_points.loc["R01"]  # max_points − points, by the result itself
    np.testing.assert_allclose(sw.lost_points["lost"], lost.sort_values(ascending=False).head(4))
    row = sw.table.set_index("indicator").loc["strategic_goals"]
    # 15 × (0.85 − 0.5)/(1 − 0.5) = 10.5 points vs R02's 0 → best of two: percentile 75
    assert row["score"] == pytest.approx(10.5)
    assert row["percentile"] == pytest.approx(75.0)
    assert row["to_best"] == 0.0


def test_errors(gpi: govindex.PerformanceResult) -> None:
    with pytest.raises(MethodError, match="entity 'ZZ' is not in the result"):
        strengths_weaknesses(gpi, "ZZ")
    with pytest.raises(MethodError, match="top must be a positive integer"):
        strengths_weaknesses(gpi, "R01", top=0)
    with pytest.raises(MethodError, match="got DataFrame"):
        strengths_weaknesses(gpi.scores, "R01")  # type: ignore[arg-type]
