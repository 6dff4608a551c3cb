"""Issue 14, numerics: the cases of numeric extremes and unchecked parameters, one test each.

Every expected number is worked out by hand in the test; every bad parameter must end as a
named govindex error (a ``ValueError`` subclass) that names the parameter, the entity or the
indicator, never as a silent wrong number or a raw numpy/Python error.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import govindex
from govindex import Catalog, Panel
from govindex.aggregate import (
    aggregate_tree,
    arithmetic,
    generalized,
    harmonic,
    median,
    parse_aggregation,
    total,
)
from govindex.change import default_cap, default_tolerance, progress_score, window_changes
from govindex.classification import classify
from govindex.exceptions import AggregationError, MethodError, NormalizationWarning, PanelError
from govindex.indices.npi import reference_average
from govindex.normalize import bands, distance_to_frontier, goalposts, minmax, normalize, zscore

NAN = np.nan
BIG = 1e308
YEARS = np.arange(2019, 2023)


def col(*values: float) -> np.ndarray:
    return np.array(values, dtype=float).reshape(-1, 1)


# --------------------------------------------------------------------------- numeric extremes


def test_minmax_of_extreme_values_is_exact() -> None:
    # issue: [-1e308, 0, 1e308] gave [0, 0, nan] (the range overflowed to inf);
    # the range is 2e308, the shares 0, 1/2, 1 -> 0, 50, 100
    np.testing.assert_array_equal(minmax(col(-BIG, 0.0, BIG), [1]), col(0.0, 50.0, 100.0))
    np.testing.assert_array_equal(minmax(col(-BIG, 0.0, BIG), [-1]), col(100.0, 50.0, 0.0))
    # goalposts -1e308 .. 1e308: 0 is half way
    out = goalposts(col(0.0, BIG), [1], lower=-BIG, upper=BIG)
    np.testing.assert_array_equal(out, col(50.0, 100.0))
    # frontier -1e308 (lower is better), worst 1e308: (1e308 - 0) / 2e308 = 1/2
    out = distance_to_frontier(col(-BIG, 0.0, BIG), [-1])
    np.testing.assert_array_equal(out, col(100.0, 50.0, 0.0))


def test_zscore_of_huge_and_tiny_values() -> None:
    # x = c * (1, 2, 3): mean 2c, sd c (ddof 1) -> -1, 0, 1 for any scale c; the squares of
    # 1e200 overflow and those of 1e-200 underflow without scaling
    for c in (1e200, 1e-200, 1.0):
        np.testing.assert_allclose(zscore(col(c, 2 * c, 3 * c), [1]), col(-1.0, 0.0, 1.0))


def test_huge_weights_give_the_weighted_mean() -> None:
    # issue: weights 1e308, 1e308 gave a NaN parent (their sum overflowed);
    # equal weights: (10 + 20) / 2 = 15, also with a third child of weight 1e308 missing
    x = np.array([[[10.0, 20.0, NAN]]])
    w = np.array([[BIG, BIG, BIG]])
    for kernel in (arithmetic, median):
        assert kernel(x, w)[0, 0] == 15.0
    assert generalized(x, w, p=2)[0, 0] == pytest.approx(np.sqrt((100 + 400) / 2))
    assert harmonic(x, w)[0, 0] == pytest.approx(2 / (1 / 10 + 1 / 20))
    # through the tree: the coverage is 2/3 of the weight, not NaN
    cat = Catalog.from_frame(
        pd.DataFrame({"code": ["R", "a", "b", "c"], "parent": ["", "R", "R", "R"]})
    )
    scores = np.array([[NAN, 10.0, 20.0, NAN]])
    out = aggregate_tree(scores, cat.rollup_plan(), weights=np.array([1.0, BIG, BIG, BIG]))
    assert out.scores[0, 0] == 15.0
    assert out.coverage[0, 0] == pytest.approx(2 / 3)


def test_catalog_with_huge_weights_builds_without_an_overflow() -> None:
    # issue: the check "weights under a parent sum to 0" summed 1e308 + 1e308 (numpy's
    # RuntimeWarning: overflow); the weights are fine: a and b weigh the same
    frame = pd.DataFrame(
        {"code": ["R", "a", "b"], "parent": ["", "R", "R"], "weight": [NAN, BIG, BIG]}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cat = Catalog.from_frame(frame)
    assert cat.frame["weight"].tolist()[1:] == [BIG, BIG]
    out = aggregate_tree(
        np.array([[NAN, 10.0, 20.0]]), cat.rollup_plan(), weights=np.array([1.0, BIG, BIG])
    )
    assert out.scores[0, 0] == 15.0  # (10 + 20) / 2
    with pytest.raises(govindex.CatalogError, match=r"sum to 0 under parent\(s\) 'R'"):
        Catalog.from_frame(frame.assign(weight=[NAN, 0.0, 0.0]))


def test_mean_of_huge_values_is_finite() -> None:
    # (1e308 + 1.5e308) / 2 = 1.25e308: the sum overflows, the mean does not
    x = np.array([[[BIG, 1.5e308]]])
    w = np.ones((1, 2))
    assert arithmetic(x, w)[0, 0] == pytest.approx(1.25e308)
    assert median(x, w)[0, 0] == pytest.approx(1.25e308)
    # power means: p = 2 -> sqrt((1 + 2.25)/2) * 1e308; p -> ±large tends to max / min
    assert generalized(x, w, p=2)[0, 0] == pytest.approx(np.sqrt(3.25 / 2) * 1e308)
    x34 = np.array([[[3.0, 4.0]]])
    assert generalized(x34, w, p=1e300)[0, 0] == 4.0
    assert generalized(x34, w, p=-1e300)[0, 0] == 3.0


def test_sum_beyond_the_float_range_is_an_aggregation_error() -> None:
    x = np.array([[[BIG, BIG]]])
    with pytest.raises(AggregationError, match="sum aggregation beyond the floating-point range"):
        total(x, np.ones((1, 2)))
    cat = Catalog.from_frame(
        pd.DataFrame({"code": ["R", "a", "b"], "parent": ["", "R", "R"], "aggregation": "sum"})
    )
    with pytest.raises(AggregationError, match=r"at \(entity/parent\) 'X/R'"):
        aggregate_tree(
            np.array([[NAN, BIG, BIG]]),
            cat.rollup_plan(),
            node_labels=cat.codes,
            entity_labels=["X"],
        )


def test_normalize_rejects_infinite_cells() -> None:
    # issue: normalize() accepted an inf cell (the Panel rejects inf) and returned garbage
    frame = pd.DataFrame(
        {"a": [1.0, np.inf, 3.0], "b": [1.0, 2.0, -np.inf]}, index=["X", "Y", "Z"]
    )
    with pytest.raises(PanelError, match=r"infinite values at \(row, indicator\) \('Y', 'a'\)"):
        normalize(frame)
    with pytest.raises(PanelError, match="infinite values"):
        minmax(frame.to_numpy(), [1, 1])


def test_absolute_change_that_overflows_is_exact_and_caps_stay_finite() -> None:
    # issue: -1e308 -> 1e308 overflowed to an infinite change, counted as "stable", and the
    # default cap (median |g|) became inf, so every other body turned stable too.
    # Now: g = 1e308/3 + 1e308/3 = 6.667e307; the other changes 1 and 2 (3 - 0 and 6 - 0
    # over 3 years); median(|g|) = 2, tolerance 2/5 = 0.4, all three improved;
    # scores 100, 50 + 50 * 1/2 = 75, 100
    vals = np.array([[[-BIG, NAN, NAN, BIG]], [[0.0, NAN, NAN, 3.0]], [[0.0, NAN, NAN, 6.0]]])
    wc = window_changes(vals, YEARS, year=2022, rule="absolute")
    assert wc.change[0, 0] == pytest.approx(BIG / 3 * 2)
    cap = default_cap(wc.change, "absolute")
    np.testing.assert_array_equal(cap, [2.0])
    tol = default_tolerance("absolute", cap)
    np.testing.assert_array_equal(classify(wc.change, tol)[:, 0], [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(progress_score(wc.change, cap)[:, 0], [100.0, 75.0, 100.0])
    # two huge changes: the median is their mean, 1.6e308, computed without overflow
    np.testing.assert_allclose(default_cap(np.array([[1.5e308], [-1.7e308]]), "absolute"), 1.6e308)


def test_relative_change_of_extreme_ratios() -> None:
    # 1e-300 -> 1e10 over 3 years: the ratio 1e310 overflows, its cube root does not:
    # g = 10^(310/3) - 1 = 10^103.33
    wc = window_changes(np.array([[[1e-300, NAN, NAN, 1e10]]]), YEARS, year=2022)
    assert wc.change[0, 0] == pytest.approx(10 ** (310 / 3), rel=1e-9)


def test_change_beyond_the_float_range_is_a_panel_error_naming_the_cell() -> None:
    # 1e-300 -> 1e300 over 3 years: g = 10^200 - 1 ... no: (1e600)^(1/3) = 1e200, finite;
    # over 2 years (end shifted) it is 1e300 - 1, finite; but 5e-324 -> 1e308 over 2 years is
    # sqrt(2e631) = 1.4e315 > 1.8e308: beyond the range
    panel = Panel.from_frame(
        pd.DataFrame(
            {
                "entity": ["A", "A", "B", "B"],
                "indicator": "gdp",
                "year": [2020, 2022] * 2,
                "value": [5e-324, BIG, 1.0, 2.0],
            }
        )
    )
    cat = Catalog.from_frame(pd.DataFrame({"code": ["G", "gdp"], "parent": ["", "G"]}))
    with pytest.raises(
        PanelError, match=r"beyond the floating-point range.*'A/gdp \(4.94066e-324"
    ):
        govindex.performance_index(panel, cat, year=2022)
    # the slope rule: the base level 5e-324 is tiny against the slope
    with pytest.raises(PanelError, match=r"'A/gdp"):
        govindex.performance_index(panel, cat, year=2022, change="slope")


def test_npi_reference_mean_of_huge_values() -> None:
    # members 1e308 and 1.5e308: the mean 1.25e308 (the plain sum overflows)
    v = np.array([[[BIG]], [[1.5e308]]])
    assert reference_average(v)[0, 0] == pytest.approx(1.25e308)
    # weights 1e308 and 3e307 (per member and year): (1e308*1e308 + 3e307*1.5e308)/1.3e308
    w = np.array([[BIG], [3e307]])
    expected = (1.0 * 1.0 + 0.3 * 1.5) / 1.3 * 1e308
    assert reference_average(v, w)[0, 0] == pytest.approx(expected)


# --------------------------------------------------------------------------- unchecked parameters


def test_minmax_low_must_be_below_high() -> None:
    with pytest.raises(MethodError, match=r"low < high.*low=5, high=5"):
        minmax(col(1.0, 2.0), [1], low=5, high=5)
    with pytest.raises(MethodError, match="low < high"):
        normalize(pd.DataFrame({"a": [1.0, 2.0]}), low=100, high=0)
    with pytest.raises(MethodError, match="finite high - low"):
        minmax(col(1.0, 2.0), [1], low=-BIG, high=BIG)


def test_zscore_ddof_must_be_a_non_negative_integer() -> None:
    with pytest.raises(MethodError, match="ddof must be an integer >= 0; got -1"):
        zscore(col(1.0, 2.0), [1], ddof=-1)
    with pytest.raises(MethodError, match=r"ddof must be an integer >= 0; got 0.5"):
        normalize(pd.DataFrame({"a": [1.0, 2.0]}), "zscore", ddof=0.5)
    with pytest.raises(MethodError, match="sd must be > 0; got -1"):
        zscore(col(1.0, 2.0), [1], sd=-1)


def test_bands_n_bands_must_be_an_integer() -> None:
    with pytest.raises(MethodError, match=r"n_bands must be an integer >= 1; got 2.5"):
        bands(col(1.0, 2.0, 3.0), [1], n_bands=2.5)
    with pytest.raises(MethodError, match=r"n_bands must be an integer >= 1; got '5' \(str"):
        normalize(pd.DataFrame({"a": [1.0, 2.0]}), "bands", n_bands="5")
    # 5.0 is a whole number: accepted, bands 1 and 5
    np.testing.assert_array_equal(bands(col(1.0, 2.0), [1], n_bands=5.0), col(1.0, 5.0))


def test_goalposts_lower_must_be_below_upper() -> None:
    # issue: normalize("goalposts", lower >= upper) scored silently
    frame = pd.DataFrame({"le": [50.0, 70.0], "gni": [1.0, 2.0]})
    with pytest.raises(MethodError, match=r"lower >= upper for 'le' \(lower 85.0, upper 20.0\)"):
        normalize(frame, "goalposts", lower={"le": 85, "gni": 0}, upper={"le": 20, "gni": 10})
    with pytest.raises(MethodError, match="lower >= upper"):
        normalize(frame, "bounded", lower=5, upper=5)


def test_frontier_must_be_better_than_the_worst_value() -> None:
    # higher is better, frontier 5 below every value (worst observed 7): the shares
    # (7 - x)/(7 - 5) would score every entity 0 although all are beyond the frontier
    with pytest.raises(MethodError, match=r"frontier must be better.*frontier 5.0 and worst 7.0"):
        distance_to_frontier(col(7.0, 8.0, 9.0), [1], frontier=5)


def test_distance_to_reference_ratio_needs_positive_reference_and_values() -> None:
    # a negative reference reverses the order of the ratios; a lower-is-better value <= 0
    # has no ratio ref/x that keeps the order across 0: NaN with a warning
    frame = pd.DataFrame({"a": [1.0, 2.0], "b": [0.0, 2.0]}, index=["X", "Y"])
    with pytest.warns(NormalizationWarning, match=r"zero or missing reference .*\['a'\]"):
        out = normalize(frame, "distance_to_reference", reference={"a": -1.0, "b": 1.0})
    assert out["a"].isna().all()
    with pytest.warns(NormalizationWarning, match=r"values <= 0 of a lower-is-better.*\['b'\]"):
        out = normalize(frame, "distance_to_reference", reference=1.0, direction={"a": 1, "b": -1})
    # b: 0 -> NaN; 2 -> 100 * 1/2 = 50; a: 100 * (1, 2)
    np.testing.assert_array_equal(out.to_numpy(), [[100.0, NAN], [200.0, 50.0]])


def test_generalized_p_must_be_finite() -> None:
    # issue: generalized(p=inf | nan | 1e400) was accepted, then an OverflowError at compute
    for text in ("generalized(p=inf)", "generalized(p=nan)", "generalized(p=1e400)"):
        with pytest.raises(MethodError, match=r"parameter 'p' of aggregation .* finite number"):
            parse_aggregation(text)
    with pytest.raises(MethodError, match="p must be a finite number; got inf"):
        generalized(np.ones((1, 1, 2)), np.ones((1, 2)), p=np.inf)
    panel = Panel.from_frame(
        pd.DataFrame({"entity": ["A", "B"], "indicator": "x", "year": 2024, "value": [1.0, 2.0]})
    )
    cat = Catalog.from_frame(pd.DataFrame({"code": ["I", "x"], "parent": ["", "I"]}))
    with pytest.raises(MethodError, match="finite number"):
        govindex.compute_index(panel, cat, year=2024, aggregation="generalized(p=inf)")


def test_generalized_mean_needs_non_negative_values() -> None:
    # p = 3 of -1 and -2 was NaN silently ((-4.5)^(1/3)); the power mean is a mean of
    # positive values; an integer p > 0 also accepts 0: p = 2 of 0 and 2 -> sqrt(2)
    with pytest.raises(AggregationError, match=r"generalised \(p=3\) mean needs values ≥ 0"):
        generalized(np.array([[[-1.0, -2.0]]]), np.ones((1, 2)), p=3)
    assert generalized(np.array([[[0.0, 2.0]]]), np.ones((1, 2)), p=2)[0, 0] == pytest.approx(
        np.sqrt(2)
    )


def test_aggregation_weights_must_be_finite_and_non_negative() -> None:
    with pytest.raises(MethodError, match=r"weights must be finite and >= 0; found -1.0"):
        arithmetic(np.ones((1, 1, 2)), np.array([[1.0, -1.0]]))
    cat = Catalog.from_frame(pd.DataFrame({"code": ["R", "a"], "parent": ["", "R"]}))
    with pytest.raises(MethodError, match="weights must be finite"):
        aggregate_tree(np.ones((1, 2)), cat.rollup_plan(), weights=np.array([1.0, np.nan]))


def _npi_data() -> tuple[Panel, Catalog]:
    values = [72.0, 75.0, 80.0, 81.0, 82.0, 83.0, 10.0, 10.0, -5.0, -5.0, 20.0, 20.0]
    panel = Panel.from_frame(
        pd.DataFrame(
            {
                "entity": ["KZ", "KZ", "DE", "DE", "FR", "FR"] * 2,
                "indicator": ["life"] * 6 + ["pop"] * 6,
                "year": [2016, 2024] * 6,
                "value": values,
            }
        )
    )
    return panel, Catalog.from_frame(
        pd.DataFrame({"code": ["NPI", "life"], "parent": ["", "NPI"]})
    )


def test_progress_index_reference_must_not_be_empty() -> None:
    # issue: reference=[] gave NaN with no warning
    panel, cat = _npi_data()
    with pytest.raises(MethodError, match="non-empty list of member entities"):
        govindex.progress_index(panel, cat, country="KZ", reference=[], year=2024)


def test_progress_index_reference_weights_must_be_non_negative() -> None:
    # issue: a negative weight (DE's population -5) was accepted: (-5*81 + 20*83)/15 = 83.67
    # made the reference, and the NPI 35.7-like numbers followed
    panel, cat = _npi_data()
    with pytest.raises(PanelError, match=r"reference_weights 'pop'.*'DE/2016 \(-5\)'"):
        govindex.progress_index(
            panel, cat, country="KZ", reference=["DE", "FR"], reference_weights="pop", year=2024
        )


def _one_indicator() -> tuple[Panel, Catalog]:
    panel = Panel.from_frame(
        pd.DataFrame(
            {
                "entity": ["A", "A", "B", "B"],
                "indicator": "gdp",
                "year": [2022, 2025] * 2,
                "value": [100.0, 110.0, 100.0, 90.0],
            }
        )
    )
    return panel, Catalog.from_frame(pd.DataFrame({"code": ["GPI", "gdp"], "parent": ["", "GPI"]}))


def _run(index: str, year: object, **kw: object) -> object:
    panel, cat = _one_indicator()
    if index == "compute_index":
        return govindex.compute_index(panel, cat, year=year, **kw)  # type: ignore[arg-type]
    if index == "performance_index":
        return govindex.performance_index(panel, cat, year=year, **kw)  # type: ignore[arg-type]
    return govindex.progress_index(  # type: ignore[arg-type]
        panel, cat, country="A", reference="B", base_year=2022, year=year, **kw
    )


INDICES = ["compute_index", "performance_index", "progress_index"]


@pytest.mark.parametrize("index", INDICES)
@pytest.mark.parametrize("year", [None, 2025.9, 2025.0, "2025", True])
def test_year_must_be_an_integer_for_every_index(index: str, year: object) -> None:
    # issue: compute_index(year=None) was a TypeError and year=2025.9 scored 2025 silently
    with pytest.raises(MethodError, match=r"year must be an integer .*found"):
        _run(index, year)


@pytest.mark.parametrize("index", INDICES)
def test_year_outside_the_panel_is_a_panel_error(index: str) -> None:
    with pytest.raises(PanelError, match=r"assessment year 2030 is outside the panel's years"):
        _run(index, 2030)
    _run(index, np.int64(2025))  # a numpy integer is an integer


@pytest.mark.parametrize("index", INDICES)
def test_coverage_must_be_a_number(index: str) -> None:
    # issue: coverage="high" was a plain ValueError from float()
    with pytest.raises(MethodError, match=r"coverage must be within \[0, 1\]; got 'high' \(str"):
        _run(index, 2025, coverage="high")


def test_gpi_numeric_parameters_are_checked() -> None:
    panel, cat = _one_indicator()
    for kw, text in (
        ({"alpha": 1.5}, r"alpha must be within \(0, 1\); got 1.5"),
        ({"survey_scale": "100"}, r"survey_scale must be > 0; got '100' \(str"),
        ({"significance": "no"}, "significance must be True or False"),
        ({"window": 2.5}, "window must be an integer of at least 2 years"),
    ):
        with pytest.raises(MethodError, match=text):
            govindex.performance_index(panel, cat, year=2025, **kw)  # type: ignore[arg-type]


def test_no_numpy_warning_escapes_from_the_extremes() -> None:
    # the cases above compute without overflow: no RuntimeWarning reaches the caller
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        minmax(col(-BIG, 0.0, BIG), [1])
        arithmetic(np.array([[[BIG, 1.5e308]]]), np.array([[BIG, BIG]]))
        window_changes(np.array([[[-BIG, NAN, NAN, BIG]]]), YEARS, year=2022, rule="absolute")
        window_changes(np.array([[[BIG, -BIG, BIG, 1.5e308]]]), YEARS, year=2022, rule="slope")
        progress_score(np.array([BIG]), 1e-300)
