"""Tests of govindex.change: hand calculations, statsmodels/scipy references, a loop oracle
and hypothesis properties."""

from __future__ import annotations

import math
import statistics
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.proportion import proportions_ztest

from govindex.change import (
    CHANGE_RULES,
    FLAG_END_SHIFTED,
    FLAG_NONPOSITIVE_FALLBACK,
    FLAG_START_SHIFTED,
    FLAG_TEXT,
    FLAG_THEIL_SEN,
    REASON_NO_DATA,
    REASON_OK,
    REASON_SHORT_SPAN,
    REASON_TEXT,
    REASON_TOO_FEW_POINTS,
    REASON_ZERO_BASE,
    REASON_ZERO_MEAN,
    TARGET_CLASSES,
    classify,
    classify_survey,
    default_cap,
    default_tolerance,
    flag_names,
    progress_score,
    take_at_years,
    target_progress,
    two_proportion_ztest,
    window_changes,
)
from govindex.exceptions import DataWarning, MethodError, PanelError

NAN = np.nan
YEARS = np.arange(2019, 2023)  # window 2019 … 2022 for T = 2022, w = 3


def _one(series: list[float], rule: str = "relative", direction: int = 1, **kw: object):
    """window_changes on a single (entity, indicator) cell over YEARS, T = 2022."""
    x = np.array(series, dtype=float)[None, None, :]
    return window_changes(x, YEARS, year=2022, rule=rule, direction=direction, **kw)


# --------------------------------------------------------------------------- hand calculations


def test_relative_cagr_full_window() -> None:
    # 100 (2019) -> 133.1 (2022): (133.1 / 100) ** (1/3) - 1 = 1.1 - 1 = 0.1 a year
    wc = _one([100.0, 105.0, 110.0, 133.1])
    assert wc.change[0, 0] == pytest.approx(0.1, rel=1e-12)
    assert wc.flags[0, 0] == 0
    assert wc.reason[0, 0] == REASON_OK
    assert wc.n_points[0, 0] == 4
    assert (wc.start_year[0, 0], wc.end_year[0, 0]) == (2019.0, 2022.0)
    # lower is better: g = -1 * 0.1
    wc = _one([100.0, 105.0, 110.0, 133.1], direction=-1)
    assert wc.change[0, 0] == pytest.approx(-0.1, rel=1e-12)
    assert wc.raw_change[0, 0] == pytest.approx(0.1, rel=1e-12)


def test_relative_shifted_end_and_start() -> None:
    # end missing in 2022: 100 (2019) -> 121 (2021), span 2: sqrt(1.21) - 1 = 0.1
    wc = _one([100.0, NAN, 121.0, NAN])
    assert wc.change[0, 0] == pytest.approx(0.1, rel=1e-12)
    assert wc.flags[0, 0] == FLAG_END_SHIFTED
    assert wc.end_year[0, 0] == 2021.0
    assert wc.end_value[0, 0] == 121.0
    assert wc.n_points[0, 0] == 2
    # start missing in 2019: 100 (2020) -> 121 (2022), span 2: again 0.1
    wc = _one([NAN, 100.0, NAN, 121.0])
    assert wc.change[0, 0] == pytest.approx(0.1, rel=1e-12)
    assert wc.flags[0, 0] == FLAG_START_SHIFTED
    assert wc.start_year[0, 0] == 2020.0


def test_relative_nonpositive_fallback_and_zero_base() -> None:
    # -50 -> -20 over 3 years: (-20 - (-50)) / (3 * |-50|) = 30 / 150 = 0.2
    wc = _one([-50.0, NAN, NAN, -20.0])
    assert wc.change[0, 0] == pytest.approx(0.2, rel=1e-12)
    assert wc.flags[0, 0] == FLAG_NONPOSITIVE_FALLBACK
    # 40 -> -20 (fell below 0): -1 + (-20) / (3 * 40) = -1 - 1/6 = -7/6 = -1.1667
    # (the growth rate's -100 % at an end value of 0, then on down linearly)
    wc = _one([40.0, 30.0, 10.0, -20.0])
    assert wc.change[0, 0] == pytest.approx(-7 / 6, rel=1e-12)
    assert wc.flags[0, 0] == FLAG_NONPOSITIVE_FALLBACK
    # 40 -> 0: -1 + 0 = -1, the limit of the growth rate (0.001/40)^(1/3) - 1 = -0.9708 -> -1
    wc = _one([40.0, NAN, NAN, 0.0])
    assert wc.change[0, 0] == -1.0
    assert wc.flags[0, 0] == FLAG_NONPOSITIVE_FALLBACK
    # 0 -> 10: growth from 0 is undefined -> missing, no numpy warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        wc = _one([0.0, 2.0, 5.0, 10.0])
    assert np.isnan(wc.change[0, 0])
    assert wc.reason[0, 0] == REASON_ZERO_BASE
    assert wc.flags[0, 0] == 0


def test_missing_reasons() -> None:
    x = np.array(
        [
            [NAN, NAN, NAN, NAN],  # nothing in the window
            [NAN, NAN, 5.0, NAN],  # one point
            [NAN, NAN, 5.0, 6.0],  # two points, span 2022 - 2021 = 1 year
            [5.0, NAN, NAN, 6.0],  # fine: span 3
        ]
    )[:, None, :]
    wc = window_changes(x, YEARS, year=2022)
    assert wc.reason[:, 0].tolist() == [
        REASON_NO_DATA,
        REASON_TOO_FEW_POINTS,
        REASON_SHORT_SPAN,
        REASON_OK,
    ]
    assert np.isnan(wc.change[:3, 0]).all()
    assert wc.n_points[:, 0].tolist() == [0, 1, 2, 2]
    assert np.isnan(wc.start_year[0, 0])
    assert wc.start_value[1, 0] == 5.0  # end points are reported wherever they exist
    assert set(REASON_TEXT) >= {0, 1, 2, 3, 4, 5}
    assert set(FLAG_TEXT) == {1, 2, 4, 8}


def test_year_not_in_data_and_gaps() -> None:
    # years with a gap: 2016, 2018, 2021; T = 2020 (no column), window 2017 … 2020
    x = np.array([[[1.0, 100.0, 130.0]]])
    wc = window_changes(x, [2016, 2018, 2021], year=2020, window=3, rule="absolute")
    # only 2018 in the window -> one point
    assert wc.reason[0, 0] == REASON_TOO_FEW_POINTS
    # T = 2021, window 2018 … 2021: 100 -> 130 over 3 years = 10 a year, start not shifted
    wc = window_changes(x, [2016, 2018, 2021], year=2021, window=3, rule="absolute")
    assert wc.change[0, 0] == pytest.approx(10.0)
    assert wc.flags[0, 0] == 0


def test_absolute_rule() -> None:
    # 40 -> 46 over 3 years: (46 - 40) / 3 = 2 units a year; lower is better -> -2
    assert _one([40.0, 42.0, 45.0, 46.0], rule="absolute").change[0, 0] == pytest.approx(2.0)
    wc = _one([40.0, 42.0, 45.0, 46.0], rule="absolute", direction=-1)
    assert wc.change[0, 0] == pytest.approx(-2.0)
    # end shifted to 2021: (46 - 40) / 2 = 3
    wc = _one([40.0, 42.0, 46.0, NAN], rule="absolute")
    assert wc.change[0, 0] == pytest.approx(3.0)
    assert wc.flags[0, 0] == FLAG_END_SHIFTED


def test_slope_ols_three_points() -> None:
    # years 2019, 2021, 2022 -> t = 0, 2, 3 (relative to 2019); y = 10, 13, 14
    # t_bar = 5/3, y_bar = 37/3; dt = -5/3, 1/3, 4/3; dy = -7/3, 2/3, 5/3
    # Sxy = (35 + 2 + 20) / 9 = 57/9; Sxx = (25 + 1 + 16) / 9 = 42/9; slope = 57/42 = 19/14
    # base level = mean of |x| before the end point = (10 + 13) / 2 = 23/2
    # g = (19/14) / (23/2) = 19/161 = 0.118012 a year
    wc = _one([10.0, NAN, 13.0, 14.0], rule="slope")
    assert wc.change[0, 0] == pytest.approx(19 / 161, rel=1e-12)
    assert wc.flags[0, 0] == 0
    assert wc.n_points[0, 0] == 3


def test_slope_theil_sen_four_points() -> None:
    # t = 0..3, y = 10, 12, 11, 20; pairwise slopes:
    # (0,1) 2, (0,2) 1/2, (0,3) 10/3, (1,2) -1, (1,3) 8/2 = 4, (2,3) 9
    # sorted: -1, 0.5, 2, 3.333, 4, 9 -> median (2 + 10/3) / 2 = 8/3
    # base level = mean |x| of 2019-2021 = (10 + 12 + 11) / 3 = 11 -> g = (8/3) / 11 = 8/33
    # = 0.242424 (OLS would give 14.5/5 = 2.9 -> 0.26364, so the estimator matters)
    wc = _one([10.0, 12.0, 11.0, 20.0], rule="slope")
    assert wc.change[0, 0] == pytest.approx(8 / 33, rel=1e-12)
    assert wc.flags[0, 0] == FLAG_THEIL_SEN
    # negative series -12 -> -6 (2 points): slope 6/3 = 2, base |-12| = 12 -> 2/12 = 1/6, flagged
    wc = _one([-12.0, NAN, NAN, -6.0], rule="slope")
    assert wc.change[0, 0] == pytest.approx(1 / 6, rel=1e-12)
    assert wc.flags[0, 0] == FLAG_NONPOSITIVE_FALLBACK
    # -1 -> 1 crosses 0 (a window mean of 0): slope 2/3, base |-1| = 1 -> 2/3
    wc = _one([-1.0, NAN, NAN, 1.0], rule="slope")
    assert wc.change[0, 0] == pytest.approx(2 / 3, rel=1e-12)
    # base level 0 (every value before the end is 0): missing with its own reason
    wc = _one([0.0, 0.0, NAN, 1.0], rule="slope")
    assert np.isnan(wc.change[0, 0])
    assert wc.reason[0, 0] == REASON_ZERO_MEAN


def test_rule_per_indicator_and_read_only() -> None:
    x = np.array([[[100.0, NAN, NAN, 133.1], [40.0, NAN, NAN, 46.0]]])
    before = x.copy()
    wc = window_changes(x, YEARS, year=2022, rule=["relative", "absolute"], direction=[1, -1])
    # relative 0.1; absolute (46 - 40) / 3 = 2, lower is better -> -2
    np.testing.assert_allclose(wc.change, [[0.1, -2.0]], rtol=1e-12)
    assert wc.rules == ("relative", "absolute")
    np.testing.assert_array_equal(x, before)  # the input is untouched
    with pytest.raises(ValueError, match="read-only"):
        wc.change[0, 0] = 1.0
    assert set(CHANGE_RULES.names()) == {"relative", "absolute", "slope"}
    assert flag_names(FLAG_START_SHIFTED | FLAG_THEIL_SEN) == [FLAG_TEXT[1], FLAG_TEXT[8]]


def test_take_at_years() -> None:
    n = np.array([[[400.0, 500.0, 600.0], [1.0, 2.0, 3.0]]])
    at = np.array([[2022.0, NAN]])
    np.testing.assert_array_equal(take_at_years(n, [2020, 2021, 2022], at), [[600.0, NAN]])
    assert np.isnan(take_at_years(n, [2020, 2021, 2022], np.array([[2019.0, 2030.0]]))).all()


# --------------------------------------------------------------------------- classification, caps


def test_classify_with_tolerance() -> None:
    g = np.array([[0.02, 0.5], [0.005, -0.1], [-0.011, -0.3], [NAN, 0.25], [0.0, -0.25]])
    tau = [0.01, 0.25]
    # col 0 (tau 0.01): 0.02 > 0.01 up; |0.005| <= 0.01 stable; -0.011 < -0.01 down
    # col 1 (tau 0.25): 0.5 up; -0.1 stable; -0.3 down; exactly +-0.25 is stable
    expected = [[1, 1], [0, 0], [-1, -1], [NAN, 0], [0, 0]]
    np.testing.assert_array_equal(classify(g, tau), expected)
    assert np.isnan(classify(np.array([[0.5]]), [NAN])).all()


def test_classify_per_cell_tolerance_and_p_values() -> None:
    # τ per (entity, indicator) cell, as the uncertainty analysis scales it; a change whose
    # test gives p ≥ α is stable, p NaN = untested (tolerance rule alone)
    g = np.array([[0.02, -0.3], [0.02, -0.3]])
    tau = np.array([[0.01, 0.25], [0.05, 0.5]])
    np.testing.assert_array_equal(classify(g, tau), [[1, -1], [0, 0]])
    p = np.array([[0.2, 0.01], [NAN, NAN]])
    np.testing.assert_array_equal(classify(g, tau, p_value=p), [[0, -1], [0, 0]])
    np.testing.assert_array_equal(classify(g, tau, p_value=p, alpha=0.3), [[1, -1], [0, 0]])
    with pytest.raises(MethodError, match="one per cell"):
        classify(g, np.ones((3, 2)))
    with pytest.raises(MethodError, match="p_value must have the shape of change"):
        classify(g, 0.01, p_value=np.ones(2))
    with pytest.raises(MethodError, match="alpha must be in"):
        classify(g, 0.01, p_value=p, alpha=1.5)


def test_default_cap_and_tolerance() -> None:
    g = np.array([[1.0, 0.02, 0.0], [-3.0, 0.5, 0.0], [2.0, NAN, NAN], [NAN, 0.1, 0.0]])
    # col 0 absolute, no cap: median(|1|, |-3|, |2|) = 2; col 1 relative: 0.05
    cap = default_cap(g[:, :2], ["absolute", "relative"])
    np.testing.assert_allclose(cap, [2.0, 0.05])
    # a catalog cap wins: col 0 given 4.0
    np.testing.assert_allclose(default_cap(g[:, :2], "absolute", [4.0, NAN]), [4.0, 1.0 / 2 * 0.2])
    # col 2 absolute, all |g| = 0 -> NaN cap and a warning naming the indicator
    with pytest.warns(DataWarning, match="'ind_c'"):
        cap3 = default_cap(g, ["absolute", "slope", "absolute"], names=["a", "b", "ind_c"])
    np.testing.assert_allclose(cap3, [2.0, 0.05, NAN])
    # tolerance: 0.01 for relative/slope, cap / 5 for absolute (2 / 5 = 0.4)
    np.testing.assert_allclose(
        default_tolerance(["absolute", "relative", "slope"], [2.0, 0.05, 0.05]), [0.4, 0.01, 0.01]
    )
    np.testing.assert_allclose(
        default_tolerance(["absolute", "relative"], [2.0, 0.05], given=[NAN, 0.03]), [0.4, 0.03]
    )


def test_progress_score_formula() -> None:
    # s = 50 + 50 * clip(g / 0.05, -1, 1)
    # 0.01 -> 50 + 50 * 0.2 = 60; -0.025 -> 50 - 25 = 25; -0.05 -> 0; 0.2 -> clip 1 -> 100
    g = np.array([0.01, -0.025, -0.05, 0.2, 0.0, NAN])
    np.testing.assert_allclose(progress_score(g, 0.05), [60, 25, 0, 100, 50, NAN])
    # per-indicator caps with a NaN cap: 1.0 / 2.0 -> 50 + 25 = 75; NaN cap -> NaN
    np.testing.assert_allclose(progress_score(np.array([[1.0, 1.0]]), [2.0, NAN]), [[75.0, NAN]])


# --------------------------------------------------------------------------- survey significance


def test_ztest_matches_statsmodels_on_random_cases() -> None:
    rng = np.random.default_rng(20240501)
    n1 = rng.integers(5, 3000, size=200).astype(float)
    n2 = rng.integers(5, 3000, size=200).astype(float)
    c1 = np.floor(rng.uniform(0, 1, 200) * (n1 + 1)).clip(0, n1)
    c2 = np.floor(rng.uniform(0, 1, 200) * (n2 + 1)).clip(0, n2)
    c2[:20] = np.round(c1[:20] / n1[:20] * n2[:20])  # near-equal proportions too
    keep = ~(((c1 == 0) & (c2 == 0)) | ((c1 == n1) & (c2 == n2)))  # se = 0: both NaN
    z, p = two_proportion_ztest(c1 / n1, n1, c2 / n2, n2)
    z_ref = np.empty(200)
    p_ref = np.empty(200)
    for k in range(200):
        if keep[k]:
            z_ref[k], p_ref[k] = proportions_ztest([c1[k], c2[k]], [n1[k], n2[k]])
        else:
            z_ref[k] = p_ref[k] = NAN
    np.testing.assert_allclose(z, z_ref, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(p, p_ref, rtol=1e-10, atol=1e-14)
    assert keep.sum() > 180


def test_survey_not_significant_is_stable() -> None:
    # 60 % of 200 -> 66 % of 200: pooled p = 0.63, se = sqrt(0.63 * 0.37 * (1/200 + 1/200))
    # = 0.048280; z = (0.60 - 0.66) / 0.048280 = -1.2427; p = 2 * Phi(-1.2427) = 0.2140
    se = math.sqrt(0.63 * 0.37 * (2 / 200))
    p_hand = 2 * stats.norm.cdf(-0.06 / se)
    g = np.array([[0.05, 0.05, 0.05]])  # all > tau = 0.01, so "improved" without a test
    cls, p = classify_survey(
        g,
        0.01,
        p_start=np.array([[60.0, 60.0, 60.0]]),
        n_start=np.array([[200.0, 2000.0, NAN]]),
        p_end=np.array([[66.0, 66.0, 66.0]]),
        n_end=np.array([[200.0, 2000.0, 300.0]]),
    )
    assert p[0, 0] == pytest.approx(p_hand, rel=1e-10)
    assert p[0, 0] == pytest.approx(0.2140, abs=5e-5)
    # n = 2000 each: se = sqrt(0.2331 * 0.001) = 0.015268, z = 3.93 -> p < 0.001: improved
    assert p[0, 1] < 0.001
    assert cls.tolist() == [[0.0, 1.0, 1.0]]  # third: no sample size -> tolerance rule
    assert np.isnan(p[0, 2])


# --------------------------------------------------------------------------- target classifier


def test_target_classifier_each_class() -> None:
    # base 2016 = 100, assessed 2018, target 121 in 2020 (higher is better):
    # required = (121/100) ** (1/4) - 1 = sqrt(1.1) - 1 = 0.048809
    # 125: already >= 121                                  -> achieved
    # 110: observed sqrt(1.10) - 1 = 0.048809, ratio 1.000 -> on track
    # 106: observed sqrt(1.06) - 1 = 0.029563, ratio 0.6057 -> acceleration needed
    # 102: observed sqrt(1.02) - 1 = 0.009950, ratio 0.2039 -> limited progress
    # 95:  observed sqrt(0.95) - 1 = -0.025321, ratio -0.5188 -> deterioration
    x = np.array([[[100.0, v]] for v in (125.0, 110.0, 106.0, 102.0, 95.0)])
    ratio, codes = target_progress(
        x, [2016, 2018], base_year=2016, year=2018, target=121.0, target_year=2020
    )
    assert [TARGET_CLASSES[c] for c in codes[:, 0]] == list(TARGET_CLASSES)
    req = math.sqrt(1.1) - 1
    expected = [(math.sqrt(v / 100) - 1) / req for v in (110.0, 106.0, 102.0, 95.0)]
    np.testing.assert_allclose(ratio[1:, 0], expected, rtol=1e-12)
    np.testing.assert_allclose(ratio[2:, 0], [0.6057, 0.2039, -0.5188], atol=1e-4)
    # near the cut-offs: 109 -> (sqrt(1.09) - 1) / 0.048809 = 0.044031 / 0.048809 = 0.9021
    # (below 0.95: acceleration needed); 105 -> 0.024695 / 0.048809 = 0.5060 (limited progress)
    x = np.array([[[100.0, 109.0]], [[100.0, 105.0]]])
    ratio, codes = target_progress(
        x, [2016, 2018], base_year=2016, year=2018, target=121.0, target_year=2020
    )
    np.testing.assert_allclose(ratio[:, 0], [0.9021, 0.5060], atol=1e-4)
    assert codes[:, 0].tolist() == [2, 3]


def test_target_classifier_direction_and_missing() -> None:
    # lower is better: 100 -> target 81 in 2020: required = sqrt(0.9) - 1 = -0.051317;
    # 90 in 2018: observed sqrt(0.9) - 1, ratio 1 -> on track
    # base 130 already met target 121 (higher better), 2018 value 120 < 121 -> deterioration
    # NaN target -> -1; non-positive value -> -1
    x = np.array([[[100.0, 90.0], [130.0, 120.0], [100.0, 110.0], [-5.0, 110.0]]])
    ratio, codes = target_progress(
        x,
        [2016, 2018],
        base_year=2016,
        year=2018,
        target=[81.0, 121.0, NAN, 121.0],
        target_year=[2020, 2020, 2020, 2020],
        direction=[-1, 1, 1, 1],
    )
    assert codes[0].tolist() == [1, 4, -1, -1]
    assert ratio[0, 0] == pytest.approx(1.0, rel=1e-12)
    assert np.isnan(ratio[0, 1:]).all()


# --------------------------------------------------------------------------- bad input


def test_bad_inputs_raise_clear_errors() -> None:
    x = np.ones((2, 2, 4))
    with pytest.raises(MethodError, match="3-D array"):
        window_changes(np.ones((2, 4)), YEARS, year=2022)
    with pytest.raises(MethodError, match="length 4"):
        window_changes(x, [2019, 2020], year=2022)
    with pytest.raises(MethodError, match=r"strictly increasing.*2019"):
        window_changes(x, [2020, 2021, 2022, 2019], year=2022)
    with pytest.raises(MethodError, match="integers"):
        window_changes(x, YEARS.astype(float), year=2022)
    with pytest.raises(MethodError, match="outside the years"):
        window_changes(x, YEARS, year=2030)
    with pytest.raises(MethodError, match="year must be an integer"):
        window_changes(x, YEARS, year=2022.0)  # type: ignore[arg-type]
    with pytest.raises(MethodError, match="at least 2"):
        window_changes(x, YEARS, year=2022, window=1)
    with pytest.raises(MethodError, match=r"'cagr'.*positions 1"):
        window_changes(x, YEARS, year=2022, rule=["relative", "cagr"])
    with pytest.raises(MethodError, match="one name per indicator"):
        window_changes(x, YEARS, year=2022, rule=["relative"])
    with pytest.raises(MethodError, match=r"direction must be 1.*positions 0"):
        window_changes(x, YEARS, year=2022, direction=[0, 1])
    with pytest.raises(MethodError, match="direction must be a scalar"):
        window_changes(x, YEARS, year=2022, direction=[1, 1, 1])
    bad = x.copy()
    bad[1, 0, 2] = np.inf
    with pytest.raises(PanelError, match=r"\(1, 0, 2\)"):
        window_changes(bad, YEARS, year=2022)
    with pytest.raises(MethodError, match="numeric"):
        window_changes(np.full((1, 1, 4), "a"), YEARS, year=2022)


def test_bad_inputs_other_functions() -> None:
    with pytest.raises(MethodError, match=r"tolerance must be >= 0.*positions 1"):
        classify(np.zeros((1, 2)), [0.01, -0.1])
    with pytest.raises(MethodError, match="one value per indicator"):
        classify(np.zeros((1, 2)), [0.01, 0.01, 0.01])
    with pytest.raises(MethodError, match=r"cap must be a finite number > 0.*positions 0"):
        progress_score(np.zeros((1, 2)), [0.0, 1.0])
    with pytest.raises(MethodError, match="cap must be a finite number > 0"):
        default_cap(np.zeros((2, 1)), "absolute", [-1.0])
    with pytest.raises(MethodError, match="2-D"):
        default_cap(np.zeros(3), "absolute")
    with pytest.raises(MethodError, match="'linear'"):
        default_tolerance(["linear"], [1.0])
    with pytest.raises(MethodError, match=r"p1 must be proportions.*1\.5"):
        two_proportion_ztest([0.5, 1.5], 100, 0.5, 100)
    with pytest.raises(MethodError, match="n2 must be sample sizes > 0"):
        two_proportion_ztest(0.5, 100, 0.5, 0)
    with pytest.raises(MethodError, match=r"p_end must be shares in \[0, 100\].*scale=1"):
        classify_survey([[0.1]], 0.01, [[50.0]], [[100]], [[150.0]], [[100]])
    with pytest.raises(MethodError, match="n_start must have the shape"):
        classify_survey([[0.1]], 0.01, [[50.0]], [100, 100], [[50.0]], [[100]])
    with pytest.raises(MethodError, match="alpha"):
        classify_survey([[0.1]], 0.01, [[50.0]], [[100]], [[50.0]], [[100]], alpha=1.5)
    with pytest.raises(MethodError, match="scale"):
        classify_survey([[0.1]], 0.01, [[50.0]], [[100]], [[50.0]], [[100]], scale=0)
    x = np.ones((1, 1, 2))
    with pytest.raises(MethodError, match="base_year 2015 is not a year"):
        target_progress(x, [2016, 2018], base_year=2015, year=2018, target=2.0, target_year=2020)
    with pytest.raises(MethodError, match="must be after base_year"):
        target_progress(x, [2016, 2018], base_year=2018, year=2016, target=2.0, target_year=2020)
    with pytest.raises(MethodError, match="target_year must be an integer year after"):
        target_progress(x, [2016, 2018], base_year=2016, year=2018, target=2.0, target_year=2016)
    with pytest.raises(MethodError, match="at must have shape"):
        take_at_years(x, [2016, 2018], np.zeros(3))


# --------------------------------------------------------------------------- loop oracle


def _oracle(values: np.ndarray, years: np.ndarray, year: int, window: int, rules, direction):
    """Slow reference: pure Python per (entity, indicator), scipy for OLS / Theil-Sen."""
    n_ent, n_ind, _ = values.shape
    change = np.full((n_ent, n_ind), NAN)
    reason = np.zeros((n_ent, n_ind), dtype=int)
    flags = np.zeros((n_ent, n_ind), dtype=int)
    for e in range(n_ent):
        for i in range(n_ind):
            pts = [
                (float(t), float(values[e, i, k]))
                for k, t in enumerate(years)
                if year - window <= t <= year and not math.isnan(values[e, i, k])
            ]
            if not pts:
                reason[e, i] = REASON_NO_DATA
                continue
            if len(pts) == 1:
                reason[e, i] = REASON_TOO_FEW_POINTS
                continue
            (t0, x0), (t1, x1) = pts[0], pts[-1]
            span = t1 - t0
            if span < 2:
                reason[e, i] = REASON_SHORT_SPAN
                continue
            f = 0
            rule = rules[i]
            if rule == "absolute":
                g = (x1 - x0) / span
            elif rule == "relative":
                if x0 > 0 and x1 > 0:
                    g = math.pow(x1 / x0, 1 / span) - 1
                elif x0 == 0:
                    reason[e, i] = REASON_ZERO_BASE
                    continue
                elif x0 > 0:  # fell to 0 or below: join the growth rate's -1 at 0
                    g = -1.0 + x1 / (span * x0)
                    f |= FLAG_NONPOSITIVE_FALLBACK
                else:
                    g = (x1 - x0) / (span * abs(x0))
                    f |= FLAG_NONPOSITIVE_FALLBACK
            else:
                ts, ys = [p[0] for p in pts], [p[1] for p in pts]
                if len(pts) >= 4:
                    b = stats.theilslopes(ys, ts)[0]
                    f |= FLAG_THEIL_SEN
                else:
                    b = stats.linregress(ts, ys).slope
                level = statistics.fmean(abs(v) for v in ys[:-1])  # before the end point
                if level == 0:
                    reason[e, i] = REASON_ZERO_MEAN
                    continue
                if min(ys) < 0:
                    f |= FLAG_NONPOSITIVE_FALLBACK
                g = b / level
            if t0 != year - window:
                f |= FLAG_START_SHIFTED
            if t1 != year:
                f |= FLAG_END_SHIFTED
            change[e, i] = direction[i] * g
            flags[e, i] = f
    return change, flags, reason


def _random_panel(seed: int, n_ent: int, n_ind: int, n_year: int, gaps: bool):
    rng = np.random.default_rng(seed)
    # small integers (exact sums, so exact zero means / zero bases happen) and some fractions
    vals = rng.integers(-3, 12, size=(n_ent, n_ind, n_year)).astype(float)
    vals += np.where(rng.random(vals.shape) < 0.5, rng.random(vals.shape).round(3), 0.0)
    vals[rng.random(vals.shape) < 0.3] = NAN
    steps = rng.integers(1, 3, size=n_year) if gaps else np.ones(n_year, dtype=int)
    years = 2000 + np.cumsum(steps)
    rules = rng.choice(["relative", "absolute", "slope"], size=n_ind).tolist()
    direction = rng.choice([-1, 1], size=n_ind)
    return vals, years, rules, direction


@settings(max_examples=50, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_ent=st.integers(1, 6),
    n_ind=st.integers(1, 5),
    n_year=st.integers(2, 9),
    window=st.integers(2, 5),
    gaps=st.booleans(),
    data=st.data(),
)
def test_vectorised_matches_loop_oracle(seed, n_ent, n_ind, n_year, window, gaps, data) -> None:
    vals, years, rules, direction = _random_panel(seed, n_ent, n_ind, n_year, gaps)
    year = data.draw(st.integers(int(years[0]), int(years[-1])))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy division warnings
        wc = window_changes(vals, years, year=year, window=window, rule=rules, direction=direction)
    change, flags, reason = _oracle(vals, years, year, window, rules, direction)
    np.testing.assert_allclose(wc.change, change, rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(wc.flags, flags)
    np.testing.assert_array_equal(wc.reason, reason)


def test_real_hdi_panel_matches_oracle() -> None:
    data_dir = Path(__file__).resolve().parents[2] / "shared" / "data" / "hdr_undp"
    path = data_dir / "hdr_hdi_components_2010_2022.csv"
    if not path.exists():
        pytest.skip("shared HDR data not available")
    import pandas as pd

    df = pd.read_csv(path)
    cube = df.pivot_table(index=["entity", "indicator_code"], columns="year", values="value")
    cube = cube.unstack("indicator_code").stack("year", future_stack=True)
    ents = cube.index.get_level_values("entity").unique()
    inds = list(cube.columns)
    yrs = np.array(sorted(df["year"].unique()))
    vals = (
        cube.reindex(pd.MultiIndex.from_product([ents, yrs], names=["entity", "year"]))
        .to_numpy()
        .reshape(len(ents), len(yrs), len(inds))
        .transpose(0, 2, 1)
    )
    for rule in ("relative", "absolute", "slope"):
        rules = [rule] * len(inds)
        wc = window_changes(vals, yrs, year=2022, window=3, rule=rule)
        change, flags, reason = _oracle(vals, yrs, 2022, 3, rules, [1] * len(inds))
        np.testing.assert_allclose(wc.change, change, rtol=1e-9, atol=1e-12)
        np.testing.assert_array_equal(wc.reason, reason)
        np.testing.assert_array_equal(wc.flags, flags)
    # Norway's HDI (published, HDR 2023/24): 0.961 (2019) -> 0.966 (2022)
    e, i = list(ents).index("NOR"), inds.index("hdi")
    wc = window_changes(vals, yrs, year=2022, window=3, rule="relative")
    assert wc.change[e, i] == pytest.approx((0.966 / 0.961) ** (1 / 3) - 1, abs=2e-4)


# --------------------------------------------------------------------------- properties


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), window=st.integers(2, 4))
def test_direction_flip_negates_change_and_mirrors_classes(seed: int, window: int) -> None:
    vals, years, rules, direction = _random_panel(seed, 5, 4, 7, gaps=False)
    year = int(years[-1])
    a = window_changes(vals, years, year=year, window=window, rule=rules, direction=direction)
    b = window_changes(vals, years, year=year, window=window, rule=rules, direction=-direction)
    np.testing.assert_array_equal(b.change, -a.change)
    np.testing.assert_array_equal(b.raw_change, a.raw_change)
    np.testing.assert_array_equal(b.flags, a.flags)
    tau = np.array([0.0, 0.01, 0.2, 1.0])
    np.testing.assert_array_equal(classify(b.change, tau), -classify(a.change, tau))


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), perm_seed=st.integers(0, 1000))
def test_permuting_entities_permutes_outputs(seed: int, perm_seed: int) -> None:
    vals, years, rules, direction = _random_panel(seed, 6, 3, 6, gaps=True)
    perm = np.random.default_rng(perm_seed).permutation(6)
    year = int(years[-1])
    a = window_changes(vals, years, year=year, rule=rules, direction=direction)
    b = window_changes(vals[perm], years, year=year, rule=rules, direction=direction)
    for field in ("change", "start_year", "end_value", "n_points", "flags", "reason"):
        np.testing.assert_array_equal(getattr(b, field), getattr(a, field)[perm])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)  # an all-zero column may have no cap
        cap_a = default_cap(a.change, rules, [NAN, NAN, NAN])
        cap_b = default_cap(b.change, rules, [NAN, NAN, NAN])
    np.testing.assert_array_equal(cap_a, cap_b)  # medians do not depend on the entity order


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    rule=st.sampled_from(["relative", "absolute", "slope"]),
    direction=st.sampled_from([1, -1]),
    step=st.floats(0.0, 50.0),
    window=st.integers(2, 4),
    cap=st.floats(0.001, 3.0),
)
def test_better_end_value_never_lowers_score(seed, rule, direction, step, window, cap) -> None:
    # every rule, every window (OLS and Theil-Sen slopes), values of both signs and zeros:
    # moving x_T by `step` in the good direction never lowers the change or the score
    rng = np.random.default_rng(seed)
    vals = rng.uniform(-20.0, 100.0, size=(6, 2, 5)).round(1)
    vals[rng.random(vals.shape) < 0.2] = 0.0
    vals[rng.random(vals.shape) < 0.3] = NAN
    vals[..., -1] = rng.uniform(-20.0, 100.0, size=(6, 2)).round(1)  # the end point is year T
    better = vals.copy()
    better[..., -1] += direction * step
    years = np.arange(2018, 2023)
    kw = {"year": 2022, "window": window, "rule": rule, "direction": direction}
    g0 = window_changes(vals, years, **kw).change
    g1 = window_changes(better, years, **kw).change
    defined = ~np.isnan(g0)
    assert (g1[defined] >= g0[defined] - 1e-12 * (1 + np.abs(g0[defined]))).all()
    s0, s1 = progress_score(g0, cap), progress_score(g1, cap)
    assert (s1[defined] >= s0[defined] - 1e-9).all()


def test_monotonicity_cases_of_the_issue() -> None:
    # issue 14, slope rule: [0, 0, 1, 2] -> [0, 0, 1, 3] lowered the score 77.78 -> 75.0 (cap 2)
    # now: Theil-Sen slopes 5/6 and 1, base level mean(|0|, |0|, |1|) = 1/3 for both:
    # g = 2.5 and 3.0 -> scores 50 + 50 * min(g/2, 1) = 100 and 100 (never lower)
    g_a = _one([0.0, 0.0, 1.0, 2.0], rule="slope").change[0, 0]
    g_b = _one([0.0, 0.0, 1.0, 3.0], rule="slope").change[0, 0]
    assert (g_a, g_b) == (pytest.approx(2.5), pytest.approx(3.0))
    # with cap 10: 50 + 50 * 0.25 = 62.5 and 50 + 50 * 0.3 = 65
    np.testing.assert_allclose(progress_score(np.array([g_a, g_b]), 10.0), [62.5, 65.0])
    # relative rule near 0, start 10 over 3 years, cap 2 (issue: 41.67, 34.21, 25.01 for
    # ends 0, 0.5, 1e-9): end 0 -> -1 + 0 = -1 -> 50 - 25 = 25;
    # end 1e-9 -> (1e-10)^(1/3) - 1 = -0.999536 -> 25.0116;
    # end 0.5 -> 0.05^(1/3) - 1 = -0.631597 -> 34.2101; end -5 -> -1 - 5/30 -> 20.8333
    ends = [-5.0, 0.0, 1e-9, 0.5]
    g = np.array([_one([10.0, NAN, NAN, e]).change[0, 0] for e in ends])
    np.testing.assert_allclose(g, [-1 - 1 / 6, -1.0, 1e-10 ** (1 / 3) - 1, 0.05 ** (1 / 3) - 1])
    np.testing.assert_allclose(
        progress_score(g, 2.0), [20.833333, 25.0, 25.011604, 34.210079], atol=1e-6
    )
    assert (np.diff(g) > 0).all()
