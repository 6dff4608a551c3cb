"""Normalisation kernels and :func:`govindex.normalize`, against hand calculations.

Every test runs with RuntimeWarning turned into an error: kernels must never divide
by zero or take the log of a non-positive number behind the user's back.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from govindex import MethodError, normalize
from govindex.exceptions import DataWarning, NormalizationWarning
from govindex.normalize import (
    NORMALIZERS,
    bands,
    bounded,
    distance_to_frontier,
    distance_to_reference,
    goalposts,
    minmax,
    percentile_rank,
    rank,
    zscore,
)

NAN = np.nan


@pytest.fixture(autouse=True)
def _runtime_warnings_are_errors() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        yield


def col(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float64).reshape(-1, 1)


def test_registry_has_the_nine_methods() -> None:
    assert NORMALIZERS.names() == [
        "bands",
        "bounded",
        "distance_to_frontier",
        "distance_to_reference",
        "goalposts",
        "minmax",
        "percentile_rank",
        "rank",
        "zscore",
    ]


# ---------------------------------------------------------------------- minmax
def test_minmax_hand_calculation() -> None:
    # x = 2, 4, 10, NaN: min 2, max 10, range 8
    # d=+1: (x-2)/8*100 = 0, 25, 100 ; d=-1: (10-x)/8*100 = 100, 75, 0
    x = np.array([[2.0, 2.0], [4.0, 4.0], [10.0, 10.0], [NAN, NAN]])
    assert_allclose(minmax(x, [1, -1]), [[0, 100], [25, 75], [100, 0], [NAN, NAN]])


def test_minmax_any_range() -> None:
    # [1, 10]: 1 + 9 * (0, 0.25, 1) = 1, 3.25, 10
    assert_allclose(minmax(col(2, 4, 10), [1], low=1, high=10), col(1, 3.25, 10))
    # [-1, 1]: -1 + 2 * (0, 0.25, 1) = -1, -0.5, 1
    assert_allclose(minmax(col(2, 4, 10), [1], low=-1, high=1), col(-1, -0.5, 1))


def test_minmax_constant_column_warns_and_gives_nan() -> None:
    x = np.array([[5.0, 1.0], [5.0, 3.0], [NAN, 2.0]])
    with pytest.warns(NormalizationWarning, match=r"constant column .*\['const'\]"):
        out = minmax(x, [1, 1], labels=["const", "ok"])
    assert np.isnan(out[:, 0]).all()
    assert_allclose(out[:, 1], [0, 100, 50])


def test_minmax_all_nan_column_is_nan_without_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = minmax(col(NAN, NAN), [1])
    assert np.isnan(out).all()


# ---------------------------------------------------------------------- zscore
def test_zscore_hand_calculation() -> None:
    # x = 2, 4, 6, 8: mean 5; deviations -3,-1,1,3; sample var (9+1+1+9)/3 = 20/3
    # sd = sqrt(20/3) = 2.5819889 ; z = -1.161895, -0.387298, 0.387298, 1.161895
    sd = np.sqrt(20 / 3)
    expected = np.array([-3, -1, 1, 3]) / sd
    assert_allclose(zscore(col(2, 4, 6, 8), [1]).ravel(), expected)
    assert_allclose(zscore(col(2, 4, 6, 8), [-1]).ravel(), -expected)
    # with NaN: the NaN is skipped, mean and sd from the 4 values
    assert_allclose(zscore(col(2, NAN, 4, 6, 8), [1]).ravel(), np.insert(expected, 1, NAN))
    # mean/sd of the output: 100 + 10 z ; population sd with ddof=0: sqrt(20/4) = sqrt(5)
    assert_allclose(
        zscore(col(2, 4, 6, 8), [1], mean=100, sd=10, ddof=0).ravel(),
        100 + 10 * np.array([-3, -1, 1, 3]) / np.sqrt(5),
    )


def test_zscore_matches_scipy() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(20, 3))
    assert_allclose(zscore(x, [1, 1, 1]), stats.zscore(x, axis=0, ddof=1))


def test_zscore_zero_spread_warns() -> None:
    with pytest.warns(NormalizationWarning, match="zero or undefined spread"):
        out = zscore(col(3, 3, 3), [1])
    assert np.isnan(out).all()
    with pytest.warns(NormalizationWarning, match="zero or undefined spread"):
        out = zscore(col(3, NAN), [1])  # one value: sd undefined with ddof=1
    assert np.isnan(out).all()


# ---------------------------------------------------------------------- ranks
def test_rank_with_ties_and_direction() -> None:
    # x = 10, 30, 20, 20, NaN: sorted 10 < 20 = 20 < 30 -> ranks 1, 4, 2.5, 2.5 (1 = worst)
    x = col(10, 30, 20, 20, NAN)
    assert_allclose(rank(x, [1]), col(1, 4, 2.5, 2.5, NAN))
    # lower is better: -x sorted -30 < -20 = -20 < -10 -> ranks 4, 1, 2.5, 2.5
    assert_allclose(rank(x, [-1]), col(4, 1, 2.5, 2.5, NAN))


def test_percentile_rank() -> None:
    # n = 4 values, (rank - 1) / (n - 1) * 100 with ranks 1, 4, 2.5, 2.5
    # -> 0, 100, 50, 50
    x = col(10, 30, 20, 20, NAN)
    assert_allclose(percentile_rank(x, [1]), col(0, 100, 50, 50, NAN))
    assert_allclose(percentile_rank(x, [-1], scale=1), col(1, 0, 0.5, 0.5, NAN))


def test_percentile_rank_single_value_warns() -> None:
    with pytest.warns(NormalizationWarning, match="a single observation"):
        out = percentile_rank(col(5, NAN), [1])
    assert np.isnan(out).all()


# ---------------------------------------------------------------------- goalposts
def test_goalposts_hand_calculation_with_truncation() -> None:
    # posts 20..85 (UNDP life expectancy): (72.5-20)/65 = 0.807692; 90 -> 70/65 > 1 -> 1; 15 -> 0
    x = col(72.5, 90, 15, NAN)
    assert_allclose(goalposts(x, [1], lower=20, upper=85, scale=1.0), col(52.5 / 65, 1, 0, NAN))
    # without truncation: 70/65 = 1.076923, -5/65 = -0.076923
    assert_allclose(
        goalposts(x, [1], lower=20, upper=85, scale=1.0, truncate=False),
        col(52.5 / 65, 70 / 65, -5 / 65, NAN),
    )
    # direction -1: (85 - 72.5)/65 = 0.192308 ; default scale 100
    assert_allclose(goalposts(col(72.5), [-1], lower=20, upper=85), col(100 * 12.5 / 65))


def test_goalposts_log_transform() -> None:
    # ln(22000/100) / ln(75000/100) = 5.393628 / 6.620073 = 0.814738
    # 50 < lower 100: ln(0.5) < 0 -> truncated to 0 ; 100000 > upper -> 1
    x = col(22000, 50, 100000)
    out = goalposts(x, [1], lower=100, upper=75000, log=True, scale=1.0)
    assert_allclose(out, col(np.log(220) / np.log(750), 0, 1))
    assert_allclose(out[0, 0], 0.814738, atol=1e-6)


def test_goalposts_per_indicator_and_log_mask() -> None:
    x = np.array([[50.0, 10.0]])
    # column 0 linear 0..100 -> 0.5 ; column 1 log 1..100 -> ln 10 / ln 100 = 0.5
    out = goalposts(x, [1, 1], lower=[0, 1], upper=[100, 100], log=[False, True], scale=1.0)
    assert_allclose(out, [[0.5, 0.5]])


def test_goalposts_log_nonpositive_value_warns_and_gives_nan() -> None:
    # a value changed by the log transform is a data change: DataWarning (as in compute_index)
    with pytest.warns(DataWarning, match=r"1 non-positive value\(s\) cannot be log"):
        out = goalposts(col(0.0, 1000.0), [1], lower=100, upper=10000, log=True, scale=1.0)
    assert np.isnan(out[0, 0])
    assert_allclose(out[1, 0], 0.5)  # ln 10 / ln 100


def test_goalposts_errors() -> None:
    with pytest.raises(MethodError, match="log transform needs positive goalposts"):
        goalposts(col(5.0), [1], lower=0, upper=10, log=True)
    with pytest.raises(MethodError, match=r"goalposts need 'lower' and 'upper' .*\['gdp'\]"):
        goalposts(col(5.0), [1], lower=NAN, upper=10, labels=["gdp"])
    with pytest.raises(MethodError, match=r"parameter 'lower' has shape \(2,\)"):
        goalposts(col(5.0), [1], lower=[0, 1], upper=10)
    # equal or crossed goalposts are an error (issue 14: they scored silently before)
    with pytest.raises(MethodError, match=r"lower < upper.*'0' \(lower 3.0, upper 3.0\)"):
        goalposts(col(5.0), [1], lower=3, upper=3)
    with pytest.raises(MethodError, match=r"lower >= upper for 'gdp'"):
        goalposts(col(5.0), [1], lower=10, upper=5, labels=["gdp"])


def test_bounded_censoring() -> None:
    # bounds 10..110 to 0..100: 5 -> censored to 10 -> 0 ; 50 -> 40 ; 120 -> 100
    x = col(5, 50, 120, NAN)
    assert_allclose(bounded(x, [1], lower=10, upper=110), col(0, 40, 100, NAN))
    # direction -1, output range 1..2: 1 + (110 - x')/100 -> 2, 1.6, 1
    assert_allclose(bounded(x, [-1], lower=10, upper=110, low=1, high=2), col(2, 1.6, 1, NAN))


# ---------------------------------------------------------------------- reference / frontier
def test_distance_to_reference_ratio_and_difference() -> None:
    x = np.array([[50.0, 50.0], [200.0, 200.0], [NAN, NAN]])
    # ratio: 100 * x / 100 ; inverted for d=-1: 100 * 100 / x = 200, 50
    assert_allclose(
        distance_to_reference(x, [1, -1], reference=100), [[50, 200], [200, 50], [NAN, NAN]]
    )
    # difference: 100 * d * (x - 100)/|100| -> -50, 100 ; d=-1 -> 50, -100
    assert_allclose(
        distance_to_reference(x, [1, -1], reference=100, kind="difference"),
        [[-50, 50], [100, -100], [NAN, NAN]],
    )
    # negative reference: difference is relative to |ref| = 4: (2 - (-4)) / 4 = 1.5
    assert_allclose(
        distance_to_reference(col(2.0), [1], reference=-4, kind="difference", scale=1), col(1.5)
    )


def test_distance_to_reference_zero_reference_warns() -> None:
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    with pytest.warns(NormalizationWarning, match=r"zero or missing reference .*\['b'\]"):
        out = distance_to_reference(x, [1, 1], reference=[2.0, 0.0], labels=["a", "b"])
    assert_allclose(out[:, 0], [50, 150])
    assert np.isnan(out[:, 1]).all()
    with pytest.warns(NormalizationWarning, match="zero or missing reference"):
        out = distance_to_reference(x, [1, 1], reference=[0.0, 0.0], kind="difference")
    assert np.isnan(out).all()


def test_distance_to_reference_bad_kind() -> None:
    with pytest.raises(MethodError, match="kind must be 'ratio' or 'difference'; got 'log'"):
        distance_to_reference(col(1.0), [1], reference=1, kind="log")


def test_distance_to_frontier() -> None:
    # d=-1 (e.g. days to start a business): frontier = min 2, worst = max 10
    # (10 - x) / (10 - 2): 2 -> 1, 4 -> 0.75, 10 -> 0
    assert_allclose(distance_to_frontier(col(2, 4, 10, NAN), [-1]), col(100, 75, 0, NAN))
    # d=+1: frontier = max 10, worst = min 2: (2 - x)/(2 - 10) = (x - 2)/8: 0, 0.25, 1
    assert_allclose(distance_to_frontier(col(2, 4, 10), [1], scale=1), col(0, 0.25, 1))
    # given frontier 1 and worst 9, truncated: (9 - x)/8 -> 12 -> -0.375 -> 0; 0 -> 1.125 -> 1
    assert_allclose(
        distance_to_frontier(col(12, 5, 0), [-1], frontier=1, worst=9, scale=1), col(0, 0.5, 1)
    )
    assert_allclose(
        distance_to_frontier(col(12, 5, 0), [-1], frontier=1, worst=9, scale=1, truncate=False),
        col(-0.375, 0.5, 1.125),
    )
    with pytest.warns(NormalizationWarning, match="frontier equal to the worst value"):
        out = distance_to_frontier(col(3, 3), [1])
    assert np.isnan(out).all()


def test_bands() -> None:
    # percentile ranks of 1..5: 0, .25, .5, .75, 1 -> bands 1 + floor(5p) capped at 5
    # = 1, 2, 3, 4, 5 ; with 3 bands: 1 + floor(3p) = 1, 1, 2, 3, 3
    x = col(1, 2, 3, 4, 5, NAN)
    assert_allclose(bands(x, [1], n_bands=5), col(1, 2, 3, 4, 5, NAN))
    assert_allclose(bands(x, [1], n_bands=3), col(1, 1, 2, 3, 3, NAN))
    assert_allclose(bands(x, [-1], n_bands=3), col(3, 3, 2, 1, 1, NAN))
    with pytest.raises(MethodError, match="n_bands must be an integer >= 1; got 0"):
        bands(x, [1], n_bands=0)


def test_bad_direction() -> None:
    with pytest.raises(MethodError, match="direction must be 1 or -1"):
        minmax(col(1, 2), [0])
    with pytest.raises(MethodError, match=r"parameter 'direction' has shape \(2,\)"):
        minmax(col(1, 2), [1, 1])


@pytest.mark.parametrize("name", NORMALIZERS.names())
def test_every_kernel_is_nan_safe_and_direction_aware(name: str) -> None:
    # three indicators, one all-NaN column; kernels must not warn (RuntimeWarning = error)
    x = np.array([[1.0, 4.0, NAN], [2.0, NAN, NAN], [5.0, 1.0, NAN], [NAN, 2.0, NAN]])
    params: dict[str, object] = {
        "goalposts": {"lower": 0.5, "upper": 6.0},
        "bounded": {"lower": 0.5, "upper": 6.0},
        "distance_to_reference": {"reference": 2.0},
    }.get(name, {})
    kernel = NORMALIZERS[name]
    up = kernel(x, [1, 1, 1], **params)
    down = kernel(x, [-1, -1, -1], **params)
    assert up.shape == x.shape
    # missing stays missing, present stays present
    assert np.array_equal(np.isnan(up), np.isnan(x))
    assert np.array_equal(np.isnan(down), np.isnan(x))
    # higher is better: the order of the first column (1 < 2 < 5) is kept for d=+1 and
    # reversed for d=-1
    assert up[0, 0] < up[1, 0] < up[2, 0] or name == "bands"
    assert down[0, 0] > down[1, 0] > down[2, 0] or name == "bands"


# ---------------------------------------------------------------------- public normalize()
def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {"gdp": [10.0, 20.0, 30.0, NAN], "crime": [5.0, 1.0, 3.0, 2.0]},
        index=pd.Index(["A", "B", "OECD", "D"], name="entity"),
    )


def test_normalize_frame_minmax_with_direction_mapping() -> None:
    df = frame()
    before = copy.deepcopy(df)
    out = normalize(df, "minmax", direction={"gdp": 1, "crime": -1})
    pd.testing.assert_frame_equal(df, before)
    # gdp: (x-10)/20*100 ; crime: (5-x)/4*100
    expected = pd.DataFrame(
        {"gdp": [0.0, 50.0, 100.0, NAN], "crime": [0.0, 100.0, 50.0, 75.0]}, index=df.index
    )
    pd.testing.assert_frame_equal(out, expected)


def test_normalize_frame_reference_entity_label() -> None:
    out = normalize(
        frame(),
        "distance_to_reference",
        reference="OECD",
        direction=pd.Series({"crime": -1, "gdp": 1}),
    )
    # gdp: 100 * x/30 ; crime (lower better): 100 * 3/x
    assert_allclose(out["gdp"], [100 / 3, 200 / 3, 100, NAN])
    assert_allclose(out["crime"], [60, 300, 100, 150])


def test_normalize_frame_mapping_parameters() -> None:
    out = normalize(
        frame(),
        "goalposts",
        lower={"gdp": 0, "crime": 0},
        upper={"gdp": 40, "crime": 10},
        log={"gdp": False, "crime": False},
    )
    assert_allclose(out["gdp"], [25, 50, 75, NAN])
    assert_allclose(out["crime"], [50, 10, 30, 20])


def test_normalize_frame_errors() -> None:
    with pytest.raises(
        MethodError, match=r"unknown normalization method 'minimax'; expected one of"
    ):
        normalize(frame(), "minimax")
    with pytest.raises(
        MethodError, match=r"parameter 'lower' has no value for indicator\(s\) \['crime'\]"
    ):
        normalize(frame(), "goalposts", lower={"gdp": 0}, upper=100)
    with pytest.raises(
        MethodError, match=r"parameter 'direction' has no value for indicator\(s\) \['gdp'\]"
    ):
        normalize(frame(), "minmax", direction={"crime": -1})
    with pytest.raises(MethodError, match=r"reference entity 'EU' is not a row of the frame"):
        normalize(frame(), "distance_to_reference", reference="EU")
    bad = frame().assign(name=["a", "b", "c", "d"])
    with pytest.raises(MethodError, match=r"non-numeric indicator column\(s\) \['name'\]"):
        normalize(bad)
    with pytest.raises(MethodError, match="expects a DataFrame"):
        normalize(np.ones((2, 2)))  # type: ignore[arg-type]
    with pytest.raises(MethodError, match=r"bad parameters|unexpected keyword"):
        normalize(frame(), "minmax", colour="red")
