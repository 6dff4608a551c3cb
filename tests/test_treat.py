"""Outlier treatment (COINr rule): hand calculations, a loop oracle of COINr's code, invariants."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from scipy import stats

from govindex import Catalog, DataWarning, MethodError, Panel, PanelError, compute_index
from govindex.prepare.treat import check_treatment_spec, skew_kurt, treat, treat_outliers

nan = np.nan


def col(*values: float) -> np.ndarray:
    return np.array(values, dtype=float)[:, None]


# ----------------------------------------------------------------------------- statistics
def test_skew_kurt_by_hand() -> None:
    # x = 1, 2, 3, 10: n = 4, mean 4, d = −3, −2, −1, 6
    # m2 = 9 + 4 + 1 + 36 = 50, m3 = −27 − 8 − 1 + 216 = 180, m4 = 81 + 16 + 1 + 1296 = 1394
    # skew = √4 · 180 / 50^1.5 · √(4·3) / 2 = 360/353.5534 · 1.7320508 = 1.7636326
    # r = 4 · 1394 / 50² = 2.2304
    # kurt = (5 · (2.2304 − 3) + 6) · 3 / (2 · 1) = 2.152 · 1.5 = 3.228
    s, k = skew_kurt(np.array([1.0, 2.0, 3.0, 10.0]))
    assert_allclose([s, k], [1.7636326, 3.228], atol=1e-7)


def test_skew_kurt_match_scipy_unbiased_and_ignore_nan() -> None:
    rng = np.random.default_rng(1)
    x = rng.lognormal(sigma=1.2, size=(40, 6))
    x[rng.random(x.shape) < 0.2] = nan
    s, k = skew_kurt(x)
    assert_allclose(s, stats.skew(x, bias=False, nan_policy="omit"), rtol=1e-10)
    assert_allclose(k, stats.kurtosis(x, bias=False, nan_policy="omit"), rtol=1e-10)


def test_skew_kurt_undefined_cases() -> None:
    # constant column, 3 values (skew only), 2 values (neither)
    x = np.array([[5.0, 1.0, 1.0], [5.0, 2.0, 2.0], [5.0, 4.0, nan], [5.0, nan, nan]])
    s, k = skew_kurt(x)
    assert np.isnan(s[0]) and np.isnan(k[0])
    assert np.isfinite(s[1]) and np.isnan(k[1])
    assert np.isnan(s[2]) and np.isnan(k[2])


# ----------------------------------------------------------------------------- one step
def test_one_winsorisation_step_by_hand() -> None:
    x = col(1, 2, 3, 4, 5, 6, 7, 100)
    # n = 8, mean = 128/8 = 16, d = −15 … −9, 84
    # m2 = 225+196+169+144+121+100+81+7056 = 8092
    # m3 = −(3375+2744+2197+1728+1331+1000+729) + 592704 = 579600
    # m4 = (50625+38416+28561+20736+14641+10000+6561) + 49787136 = 49956676
    # skew = √8 · 579600 / 8092^1.5 · √56 / 6 = 2.808874  (> 2)
    # r = 8 · 49956676 / 8092² = 6.103387
    # kurt = (9 · (r − 3) + 6) · 7 / (6 · 5) = 7.917138  (> 3.5)
    s, k = skew_kurt(x)
    assert_allclose([s[0], k[0]], [2.808874, 7.917138], atol=1e-6)
    treated, rep = treat_outliers(x)
    # fails → skew ≥ 0 → the highest value 100 becomes the next highest, 7
    assert_array_equal(treated.ravel(), [1, 2, 3, 4, 5, 6, 7, 7])
    # after: mean 35/8 = 4.375, m2 = 35.875, m3 = −13.78125
    # skew = √8 · (−13.78125) / 35.875^1.5 · √56/6 = −0.226250 → passes, stop after 1 step
    assert_allclose(rep.skew_treated, [-0.226250], atol=1e-6)
    assert rep.failed.tolist() == [True] and rep.passes.tolist() == [True]
    assert rep.steps.tolist() == [1] and rep.points.tolist() == [1]
    assert rep.high[:, 0].tolist() == [False] * 7 + [True] and not rep.low.any()
    assert not rep.log.any()


def test_negative_skew_winsorises_the_low_end() -> None:
    treated, rep = treat_outliers(-col(1, 2, 3, 4, 5, 6, 7, 100))
    # mirror image: skew = −2.808874 → the lowest value −100 becomes −7
    assert_array_equal(treated.ravel(), [-1, -2, -3, -4, -5, -6, -7, -7])
    assert rep.low[7, 0] and not rep.high.any()


def test_passing_indicator_is_untouched() -> None:
    x = col(1, 2, 3, 4, 5, 6, 7, 8)  # symmetric: skew 0
    treated, rep = treat_outliers(x)
    assert_array_equal(treated, x)
    assert not rep.failed.any() and rep.steps.tolist() == [0]


# ----------------------------------------------------------------------------- log fallback
def test_log_fallback_formula() -> None:
    x = col(*range(1, 21), 200, 300, 400)
    treated, rep = treat_outliers(x, max_points=1)
    # one step (400 → 300) is not enough → log(x − min + 0.01·(max − min)) of the ORIGINAL
    # values: min 1, max 400 → log(x − 1 + 3.99) = log(x + 2.99)
    assert_allclose(treated.ravel(), np.log(x.ravel() + 2.99), rtol=1e-14)
    assert_allclose(treated[-1, 0], 5.998911750, atol=1e-9)  # log(402.99)
    assert rep.log.tolist() == [True] and rep.points.tolist() == [0] and rep.steps.tolist() == [1]
    assert not rep.high.any()


def test_fallback_none_keeps_winsorised_values() -> None:
    x = col(*range(1, 21), 200, 300, 400)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        treated, rep = treat_outliers(x, max_points=1, fallback="none")
    assert treated[-1, 0] == 300 and treated[-2, 0] == 300  # 400 → 300, then stop
    assert not rep.log.any() and not rep.passes[0]


def test_count_points_versus_steps_with_ties() -> None:
    x = col(*range(1, 23), 300, 400, 400)
    # step 1 replaces both tied 400s by 300: 1 step, 2 points; the column still fails
    pts, rep_p = treat_outliers(x, max_points=2, count="points")
    # points: 2 points used = the limit → log fallback
    assert rep_p.log.tolist() == [True] and rep_p.steps.tolist() == [1]
    assert_allclose(pts.ravel(), np.log(x.ravel() - 1 + 0.01 * 399))
    # steps (COINr 0.x): a second step is allowed: 300 (three cells) → 22
    stp, rep_s = treat_outliers(x, max_points=2, count="steps")
    assert rep_s.steps.tolist() == [2] and rep_s.points.tolist() == [3]
    assert_array_equal(stp.ravel(), [*range(1, 23), 22, 22, 22])
    assert rep_s.passes.tolist() == [True]


def test_winchange_lets_the_side_follow_the_skew() -> None:
    x = col(*range(1, 21), -30, 100, 101)
    # skews (scipy, bias=False) before each step: 2.332 → high (101 → 100);
    # 2.324 → high (100, 100 → 20); −2.424 → low (−30 → 1); then −0.054 → passes
    treated, rep = treat_outliers(x, winchange=True)
    assert_array_equal(treated.ravel()[-3:], [1, 20, 20])
    assert rep.steps.tolist() == [3] and rep.low[20, 0] and rep.high[21:, 0].all()
    # winchange=False keeps winsorising high (the initial side); 5 steps are not enough → log
    fixed, rep_f = treat_outliers(x, winchange=False)
    assert rep_f.log.tolist() == [True]
    assert_allclose(fixed.ravel(), np.log(x.ravel() + 30 + 0.01 * 131))


def test_two_valued_column_is_blocked_then_logged() -> None:
    x = col(*([0.0] * 30), 1.0)
    # skew 5.57, kurt 31 → fails; one step would leave a constant column (COINr stops with
    # an error) → winsorisation blocked, log fallback log(x − 0 + 0.01) still fails
    treated, rep = treat_outliers(x)
    assert rep.blocked.tolist() == [True] and rep.steps.tolist() == [0]
    assert_allclose(treated.ravel()[-2:], np.log([0.01, 1.01]))
    assert rep.log.tolist() == [True] and rep.passes.tolist() == [False]


def test_nan_cells_stay_missing_and_are_ignored() -> None:
    x = col(1, 2, nan, 3, 4, 5, 6, 7, 100)
    treated, _ = treat_outliers(x)
    assert np.isnan(treated[2, 0])
    assert_array_equal(np.delete(treated.ravel(), 2), [1, 2, 3, 4, 5, 6, 7, 7])


# ----------------------------------------------------------------------------- oracle
def coinr_oracle(x: np.ndarray, winmax: int, count: str, winchange: bool) -> np.ndarray:
    """Column-by-column transcription of COINr's coin_win() / winsorise() + log_CT."""
    out = x.copy()
    for j in range(x.shape[1]):
        v = x[:, j].copy()
        obs = ~np.isnan(v)

        def fails(w: np.ndarray, obs: np.ndarray = obs) -> bool:
            s = stats.skew(w[obs], bias=False)
            k = stats.kurtosis(w[obs], bias=False)
            return bool(abs(s) > 2 and k > 3.5)

        if obs.sum() < 4 or np.nanmax(v) == np.nanmin(v):
            continue
        side0 = stats.skew(v[obs], bias=False) > 0
        nwin, imax, imin, steps = 0, np.zeros(0, int), np.zeros(0, int), 0
        while fails(v) and nwin < winmax:
            high = stats.skew(v[obs], bias=False) >= 0 if winchange else side0
            if len(np.unique(v[obs])) == 2:
                break  # COINr would stop with an error here
            if high:
                imax = np.flatnonzero(v == np.nanmax(v))
                v[imax] = np.nanmax(np.delete(v, imax))
            else:
                imin = np.flatnonzero(v == np.nanmin(v))
                v[imin] = np.nanmin(np.delete(v, imin))
            steps += 1
            nwin = steps if count == "steps" else len(imax) + len(imin)
        if fails(v):
            lo, hi = np.nanmin(x[:, j]), np.nanmax(x[:, j])
            v = np.log(x[:, j] - lo + 0.01 * (hi - lo))
        out[:, j] = v
    return out


@settings(max_examples=30, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.integers(6, 40),
    st.integers(0, 6),
    st.sampled_from(["points", "steps"]),
    st.booleans(),
)
def test_kernel_matches_loop_transcription_of_coinr(
    seed: int, n: int, winmax: int, count: str, winchange: bool
) -> None:
    rng = np.random.default_rng(seed)
    x = np.round(rng.lognormal(sigma=rng.uniform(0.3, 2.5), size=(n, 5)), 1)
    x[:, 1] *= -1  # negative skew
    x[:, 2] = np.where(rng.random(n) < 0.1, nan, x[:, 2])
    before = x.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        treated, rep = treat_outliers(x, max_points=winmax, count=count, winchange=winchange)  # type: ignore[arg-type]
        expected = coinr_oracle(x, winmax, count, winchange)
    assert_allclose(treated, expected, rtol=1e-12, equal_nan=True)
    assert_array_equal(x, before)  # input not modified
    # an indicator that does not fail the test is never changed
    untouched = ~rep.failed
    assert_array_equal(treated[:, untouched], x[:, untouched])
    # winsorised cells are exactly the changed cells of non-log indicators
    changed = (treated != x) & ~np.isnan(x)
    assert_array_equal(changed[:, ~rep.log], (rep.low | rep.high)[:, ~rep.log])


# ----------------------------------------------------------------------------- public API
def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {"x": [1.0, 2, 3, 4, 5, 6, 7, 100], "y": [1.0, 2, 3, 4, 5, 6, 7, 8],
         "z": [-1.0, -2, -3, -4, -5, -6, -7, -100]},
        index=pd.Index(list("ABCDEFGH"), name="entity"),
    )  # fmt: skip


def test_treat_frame_report() -> None:
    df = frame()
    before = df.copy()
    with pytest.warns(DataWarning, match=r"winsorised 'x', 'z' \(2 points\)"):
        res = treat(df)
    pd.testing.assert_frame_equal(df, before)
    assert res.data["x"].iloc[-1] == 7 and res.data["z"].iloc[-1] == -7
    pd.testing.assert_series_equal(res.data["y"], df["y"])
    rep = res.report
    assert rep.index.name == "indicator"
    assert rep["treatment"].tolist() == ["winsorised", "none", "winsorised"]
    assert rep[["low", "high"]].to_numpy().tolist() == [[0, 1], [0, 0], [1, 0]]
    assert rep["high_entities"].tolist() == ["H", "", ""]
    assert rep["low_entities"].tolist() == ["", "", "H"]
    assert_allclose(rep.loc["x", ["skew", "kurtosis"]].to_numpy(float), [2.808874, 7.917138],
                    atol=1e-6)  # fmt: skip
    assert res.points.to_dict("list") == {
        "entity": ["H", "H"], "indicator": ["x", "z"], "side": ["high", "low"],
        "original": [100.0, -100.0], "treated": [7.0, -7.0]}  # fmt: skip
    assert res.flags.loc["H"].tolist() == ["high", "", "low"]
    assert res.treated_indicators == ["x", "z"]
    assert res.method == check_treatment_spec({})
    json.dumps(dict(res.method))


def test_treat_reports_log_and_still_failing() -> None:
    df = pd.DataFrame({"a": [*range(1, 21), 200, 300, 400], "b": [0.0] * 22 + [1.0]},
                      index=[f"e{i}" for i in range(23)])  # fmt: skip
    with pytest.warns(DataWarning) as record:
        res = treat(df, max_points=1)
    assert res.report["treatment"].tolist() == ["log", "log (still fails)"]
    assert res.report["blocked"].tolist() == [False, True]
    assert (res.flags["a"] == "log").all()
    assert any("still fail" in str(w.message) for w in record)


def test_compute_index_with_treatment() -> None:
    df = frame()
    tidy = df.reset_index().melt(id_vars="entity", var_name="indicator").assign(year=2024)
    panel = Panel.from_frame(tidy)
    catalog = Catalog.from_frame(
        pd.DataFrame({"code": ["I", "x", "y", "z"], "parent": ["", "I", "I", "I"]})
    )
    with pytest.warns(DataWarning, match="outlier treatment changed 2"):
        res = compute_index(panel, catalog, year=2024, treatment={"max_points": 3})
    # x after treatment: 1 … 7, 7 → min–max: H = 100, G = 100, A = 0
    assert res.treated.loc["H", "x"] == 7.0 and res.raw.loc["H", "x"] == 100.0
    assert res.normalized.loc["G", "x"] == 100.0
    assert res.treatment.loc["x", "points"] == 1
    assert res.method.treatment["max_points"] == 3
    assert "treatment" in res.tables()
    with pytest.warns(DataWarning):
        assert_allclose(res.regenerate().scores.to_numpy(), res.scores.to_numpy())


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"skew": -1}, "skew threshold must be a finite number"),
        ({"kurt": "3"}, "kurt threshold must be a finite number"),
        ({"max_points": 2.5}, "max_points must be an integer"),
        ({"count": "cells"}, "count must be 'points' or 'steps'"),
        ({"winchange": 1}, "winchange must be True or False"),
        ({"fallback": "boxcox"}, "fallback must be 'log' or 'none'"),
    ],
)
def test_bad_parameters(kwargs: dict, match: str) -> None:
    with pytest.raises(MethodError, match=match):
        treat(frame(), **kwargs)


def test_bad_data() -> None:
    with pytest.raises(PanelError, match=r"column\(s\) 'g' are not numeric"):
        treat(frame().assign(g="Asia"))
    with pytest.raises(PanelError, match="infinite"):
        treat_outliers(col(1, np.inf, 3, 4))
    with pytest.raises(MethodError, match="2-D"):
        treat_outliers(np.ones(5))
    with pytest.raises(MethodError, match="expects a wide DataFrame"):
        treat(np.ones((3, 2)))  # type: ignore[arg-type]
    with pytest.raises(MethodError, match=r"unknown treatment parameter\(s\) 'winmax'"):
        check_treatment_spec({"winmax": 6})
