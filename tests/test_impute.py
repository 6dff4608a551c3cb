"""Imputation: hand-calculated cases, a loop-based oracle, invariants and bad input."""

from __future__ import annotations

import itertools
import json
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose, assert_array_equal

from govindex import Catalog, DataWarning, MethodError, Panel, PanelError, compute_index
from govindex.prepare.impute import (
    check_imputation_spec,
    impute,
    impute_cross_section,
    impute_panel,
)

nan = np.nan


def series(*values: float) -> np.ndarray:
    """One entity, one indicator, the values over consecutive years: shape (1, 1, Y)."""
    return np.array(values, dtype=float).reshape(1, 1, -1)


# ----------------------------------------------------------------------------- LOCF
def test_locf_carries_forward_up_to_max_gap() -> None:
    x = series(1, nan, nan, nan, 5, nan, nan)
    filled, mask = impute_panel(x, method="locf", max_gap=2)
    # years 1 and 2 are 1 and 2 years after the observation 1 → filled; year 3 is 3 years
    # after → left; years 5, 6 are 1, 2 years after the observation 5 → filled
    assert_array_equal(filled.ravel(), [1, 1, 1, nan, 5, 5, 5])
    assert_array_equal(mask.ravel(), [0, 1, 1, 0, 0, 1, 1])


def test_locf_without_limit_and_leading_gap() -> None:
    x = series(nan, nan, 2, nan, nan, nan)
    filled, mask = impute_panel(x, method="locf")
    # nothing to carry into the first two years
    assert_array_equal(filled.ravel(), [nan, nan, 2, 2, 2, 2])
    assert mask.sum() == 3


# ----------------------------------------------------------------------------- linear
def test_linear_interpolates_inside_and_never_extrapolates() -> None:
    x = series(nan, 2, nan, nan, 8, nan)
    filled, mask = impute_panel(x, method="linear")
    # between (t=1, 2) and (t=4, 8): slope (8 − 2)/3 = 2 → t=2: 4, t=3: 6; edges stay missing
    assert_array_equal(filled.ravel(), [nan, 2, 4, 6, 8, nan])
    assert_array_equal(mask.ravel(), [0, 0, 1, 1, 0, 0])


def test_linear_max_gap_is_the_length_of_the_gap() -> None:
    x = series(0, nan, 10, nan, nan, 40)
    filled, _ = impute_panel(x, method="linear", max_gap=1)
    # gap of 1 year (t=1) filled with 5; the gap of 2 years (t=3, 4) is too long: left whole
    assert_array_equal(filled.ravel(), [0, 5, 10, nan, nan, 40])
    filled2, _ = impute_panel(x, method="linear", max_gap=2)
    # 10 + (40 − 10)·1/3 = 20, 10 + 30·2/3 = 30
    assert_allclose(filled2.ravel(), [0, 5, 10, 20, 30, 40])


# ----------------------------------------------------------------------------- constant
def test_constant_scalar_and_per_indicator() -> None:
    x = np.array([[[1, nan], [nan, nan]], [[nan, 2], [3, nan]]])  # (2, 2, 2)
    filled, mask = impute_panel(x, method="constant", value=0)
    assert_array_equal(filled, [[[1, 0], [0, 0]], [[0, 2], [3, 0]]])
    assert mask.sum() == 5
    per, _ = impute_panel(x, method="constant", value=[-1, 9])
    # indicator 0 gets −1, indicator 1 gets 9
    assert_array_equal(per, [[[1, -1], [9, 9]], [[-1, 2], [3, 9]]])


# ----------------------------------------------------------------------------- mean / median
X = np.array([[1.0, 1.0], [3.0, nan], [nan, 5.0], [8.0, 2.0], [10.0, nan], [nan, nan], [4.0, 3.0]])
G = np.array(["a", "a", "a", "a", "b", "b", "b"])


def test_mean_and_median_over_all_entities() -> None:
    filled, mask = impute_cross_section(X, method="mean")
    # column 0 observed: 1, 3, 8, 10, 4 → mean 26/5 = 5.2; column 1: 1, 5, 2, 3 → 11/4 = 2.75
    assert_allclose(filled[[2, 5], 0], [5.2, 5.2])
    assert_allclose(filled[[1, 4, 5], 1], [2.75, 2.75, 2.75])
    assert mask.sum() == 5
    med, _ = impute_cross_section(X, method="median")
    # column 0 sorted 1, 3, 4, 8, 10 → 4; column 1 sorted 1, 2, 3, 5 → (2 + 3)/2 = 2.5
    assert_allclose(med[[2, 5], 0], [4, 4])
    assert_allclose(med[[1, 4, 5], 1], [2.5, 2.5, 2.5])


def test_mean_and_median_within_groups() -> None:
    filled, mask = impute_cross_section(X, method="mean", groups=G)
    # group a (rows 0–3), column 0: 1, 3, 8 → 12/3 = 4;  group b (rows 4–6), column 0: 10, 4 → 7
    # column 1, group a: 1, 5, 2 → 8/3;  group b: 3 only → 3
    assert_allclose(filled[:, 0], [1, 3, 4, 8, 10, 7, 4])
    assert_allclose(filled[:, 1], [1, 8 / 3, 5, 2, 3, 3, 3])
    med, _ = impute_cross_section(X, method="median", groups=G)
    # group a column 0: 1, 3, 8 → 3;  column 1: 1, 2, 5 → 2;  group b: (4 + 10)/2 = 7 and 3
    assert_allclose(med[:, 0], [1, 3, 3, 8, 10, 7, 4])
    assert_allclose(med[:, 1], [1, 2, 5, 2, 3, 3, 3])
    assert_array_equal(mask, np.isnan(X))


def test_group_without_any_value_stays_missing() -> None:
    x = np.array([[1.0], [nan], [nan], [nan]])
    filled, mask = impute_cross_section(x, groups=[1, 1, 2, 2])
    # group 1 mean = 1; group 2 has no observed value → stays NaN, not flagged
    assert_array_equal(filled.ravel(), [1, 1, nan, nan])
    assert_array_equal(mask.ravel(), [0, 1, 0, 0])


# ----------------------------------------------------------------------------- oracle
def locf_oracle(x: np.ndarray, max_gap: int | None) -> np.ndarray:
    out = x.copy()
    for e in range(x.shape[0]):
        for i in range(x.shape[1]):
            last = None
            for t in range(x.shape[2]):
                if not np.isnan(x[e, i, t]):
                    last = t
                elif last is not None and (max_gap is None or t - last <= max_gap):
                    out[e, i, t] = x[e, i, last]
    return out


def linear_oracle(x: np.ndarray, max_gap: int | None) -> np.ndarray:
    out = x.copy()
    for e in range(x.shape[0]):
        for i in range(x.shape[1]):
            obs = [t for t in range(x.shape[2]) if not np.isnan(x[e, i, t])]
            for a, b in itertools.pairwise(obs):
                if b - a - 1 >= 1 and (max_gap is None or b - a - 1 <= max_gap):
                    for t in range(a + 1, b):
                        out[e, i, t] = np.interp(t, [a, b], [x[e, i, a], x[e, i, b]])
    return out


def group_oracle(x: np.ndarray, groups: np.ndarray, stat: str) -> np.ndarray:
    out = x.copy()
    for j in range(x.shape[1]):
        for g in set(groups.tolist()):
            rows = groups == g
            vals = x[rows, j][~np.isnan(x[rows, j])]
            if len(vals):
                fill = np.mean(vals) if stat == "mean" else np.median(vals)
                out[rows & np.isnan(x[:, j]), j] = fill
    return out


cube = arrays(
    np.float64,
    st.tuples(st.integers(1, 4), st.integers(1, 3), st.integers(1, 7)),
    elements=st.one_of(st.just(np.nan), st.floats(-100, 100, allow_nan=False)),
)


@settings(max_examples=40, deadline=None)
@given(cube, st.one_of(st.none(), st.integers(1, 4)))
def test_panel_kernels_match_loop_oracle(x: np.ndarray, max_gap: int | None) -> None:
    before = x.copy()
    for method, oracle in (("locf", locf_oracle), ("linear", linear_oracle)):
        filled, mask = impute_panel(x, method=method, max_gap=max_gap)  # type: ignore[arg-type]
        assert_allclose(filled, oracle(x, max_gap), rtol=1e-12, atol=1e-12)
        observed = ~np.isnan(x)
        assert_array_equal(filled[observed], x[observed])  # observed cells never change
        assert_array_equal(mask, np.isnan(x) & ~np.isnan(filled))
    assert_array_equal(x, before)  # input not modified


@settings(max_examples=40, deadline=None)
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 12), st.integers(1, 3)),
        elements=st.one_of(st.just(np.nan), st.floats(-1e3, 1e3, allow_nan=False)),
    ),
    st.data(),
)
def test_cross_section_matches_loop_oracle(x: np.ndarray, data: st.DataObject) -> None:
    groups = np.array(
        data.draw(st.lists(st.sampled_from("abc"), min_size=len(x), max_size=len(x)))
    )
    before = x.copy()
    for stat in ("mean", "median"):
        filled, mask = impute_cross_section(x, method=stat, groups=groups)  # type: ignore[arg-type]
        assert_allclose(filled, group_oracle(x, groups, stat), rtol=1e-12, atol=1e-9)
        observed = ~np.isnan(x)
        assert_array_equal(filled[observed], x[observed])
        assert_array_equal(mask, np.isnan(x) & ~np.isnan(filled))
        whole, _ = impute_cross_section(x, method=stat)  # type: ignore[arg-type]
        assert_allclose(whole, group_oracle(x, np.zeros(len(x)), stat), rtol=1e-12, atol=1e-9)
    assert_array_equal(x, before)


# ----------------------------------------------------------------------------- public API
def wide() -> pd.DataFrame:
    return pd.DataFrame(
        {"x": [1.0, 3.0, nan, 10.0], "y": [nan, 2.0, 4.0, 6.0]},
        index=pd.Index(["A", "B", "C", "D"], name="entity"),
    )


def test_impute_wide_frame_reports_every_cell() -> None:
    frame = wide()
    before = frame.copy()
    with pytest.warns(
        DataWarning, match=r"2 missing cell\(s\) imputed by 'mean': x \(1\), y \(1\)"
    ):
        res = impute(frame, method="mean", groups={"A": "g", "B": "g", "C": "g", "D": "h"})
    pd.testing.assert_frame_equal(frame, before)
    # x: C in group g → (1 + 3)/2 = 2;  y: A in group g → (2 + 4)/2 = 3
    assert res.data.loc["C", "x"] == 2.0
    assert res.data.loc["A", "y"] == 3.0
    assert res.n_imputed == 2
    assert res.counts.to_dict() == {"x": 1, "y": 1}
    assert res.mask.to_numpy().tolist() == frame.isna().to_numpy().tolist()
    assert res.cells[["entity", "indicator", "value", "group"]].to_numpy().tolist() == [
        ["A", "y", 3.0, "g"],
        ["C", "x", 2.0, "g"],
    ]
    assert res.unfilled.empty


def test_impute_panel_locf_adds_rows_and_overwrites_nan_rows() -> None:
    tidy = pd.DataFrame({
        "entity": ["A", "A", "A", "B", "B"], "indicator": "x",
        "year": [2020, 2021, 2023, 2020, 2022],
        "value": [1.0, nan, 4.0, 7.0, 8.0], "sample_size": [10, 10, 10, 20, 20]})  # fmt: skip
    panel = Panel.from_frame(tidy)
    with pytest.warns(DataWarning) as record:
        res = impute(panel, method="locf", max_gap=1)
    messages = [str(w.message) for w in record]
    assert any("3 missing cell(s) imputed by 'locf'" in m for m in messages)
    assert any("1 missing cell(s) could not be imputed" in m for m in messages)
    assert isinstance(res.data, Panel)
    out = res.data.to_frame().set_index(["entity", "year"])
    # A 2021 (a NaN row) ← 1 (1 year after 2020); A 2022 (no row) ← 1 is 2 years after: left;
    # B 2021 ← 7 (new row, no sample size), B 2023 ← 8
    assert out.loc[("A", 2021), "value"] == 1.0
    assert out.loc[("A", 2021), "sample_size"] == 10
    assert ("A", 2022) not in out.index
    assert out.loc[("B", 2021), "value"] == 7.0
    assert np.isnan(out.loc[("B", 2021), "sample_size"])
    assert out.loc[("B", 2023), "value"] == 8.0
    assert res.n_imputed == 3
    assert sorted(zip(res.cells["entity"], res.cells["year"], strict=True)) == [
        ("A", 2021), ("B", 2021), ("B", 2023)]  # fmt: skip
    assert res.mask.loc[("A", "x"), 2022].item() is False
    assert len(res.unfilled) == 1  # A 2022
    assert np.isnan(panel.values[0, 0, 1])


def test_impute_panel_mean_works_year_by_year() -> None:
    tidy = pd.DataFrame({"entity": ["A", "B", "C", "A", "B", "C"], "indicator": "x",
                         "year": [2020] * 3 + [2021] * 3,
                         "value": [1.0, 3.0, nan, nan, 10.0, 20.0]})  # fmt: skip
    with pytest.warns(DataWarning):
        res = impute(Panel.from_frame(tidy), method="mean")
    v = res.data.values[:, 0, :]
    # 2020: C ← (1 + 3)/2 = 2;  2021: A ← (10 + 20)/2 = 15
    assert_array_equal(v, [[1, 15], [3, 10], [2, 20]])


def test_no_warning_when_nothing_missing() -> None:
    frame = wide().fillna(0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = impute(frame, method="median")
    assert res.n_imputed == 0


# ----------------------------------------------------------------------------- engine plug-in
def tiny_index() -> tuple[Panel, Catalog]:
    panel = Panel.from_frame(pd.DataFrame({
        "entity": ["A", "B", "C", "D"] * 2, "indicator": ["x"] * 4 + ["y"] * 4, "year": 2024,
        "value": [0.0, 10.0, nan, 30.0, 1.0, 2.0, 3.0, nan]}))  # fmt: skip
    catalog = Catalog.from_frame(pd.DataFrame({"code": ["I", "x", "y"], "parent": ["", "I", "I"]}))
    return panel, catalog


def test_compute_index_with_group_mean_imputation() -> None:
    panel, catalog = tiny_index()
    groups = {"A": "g1", "B": "g1", "C": "g1", "D": "g2"}
    with pytest.warns(DataWarning) as record:
        res = compute_index(panel, catalog, year=2024, coverage=0,
                            imputation={"method": "mean", "groups": groups})  # fmt: skip
    assert [str(w.message)[:40] for w in record] == [
        "1 missing cell(s) imputed by 'mean': x (",
        "1 missing cell(s) could not be imputed (",
    ]
    assert record[0].filename == __file__  # stacklevel points at the caller
    # x: C ← mean(A, B) = (0 + 10)/2 = 5 → min–max over 0, 10, 5, 30: 5/30·100 = 16.67
    # y: D is alone in g2 with no value → stays missing
    assert np.isnan(res.raw.loc["C", "x"])  # the raw stage is kept as it was
    assert res.treated.loc["C", "x"] == 5.0
    assert_allclose(res.normalized.loc["C", "x"], 100 * 5 / 30)
    assert np.isnan(res.normalized.loc["D", "y"])
    assert res.imputed.to_numpy().tolist() == [[False, False], [False, False], [True, False],
                                              [False, False]]  # fmt: skip
    assert res.method.imputation == {"method": "mean", "groups": groups}
    json.dumps(res.method.to_dict())  # JSON-serialisable
    with pytest.warns(DataWarning):
        again = res.regenerate()
    assert_allclose(again.scores.to_numpy(), res.scores.to_numpy())
    assert "imputed" in res.tables()


def test_compute_index_defaults_unchanged() -> None:
    panel, catalog = tiny_index()
    res = compute_index(panel, catalog, year=2024, coverage=0)
    assert "imputation" not in res.method.to_dict()
    assert "treatment" not in res.method.to_dict()
    assert res.treatment is None
    assert not res.imputed.to_numpy().any()
    assert set(res.tables()) == {"scores", "normalized", "raw", "coverage", "reasons"}


def test_compute_index_locf_uses_earlier_years() -> None:
    panel = Panel.from_frame(pd.DataFrame({
        "entity": ["A", "A", "B", "C"], "indicator": "x", "year": [2023, 2024, 2023, 2024],
        "value": [1.0, 2.0, 5.0, 3.0]}))  # fmt: skip
    catalog = Catalog.from_frame(pd.DataFrame({"code": ["I", "x"], "parent": ["", "I"]}))
    with pytest.warns(DataWarning):
        res = compute_index(panel, catalog, year=2024, imputation={"method": "locf", "max_gap": 1})
    # B 2024 ← its 2023 value 5 → min–max over 2, 5, 3: B = 100
    assert res.treated["x"].tolist() == [2.0, 5.0, 3.0]
    assert res.normalized.loc["B", "x"] == 100.0


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"method": "mode"}, "unknown imputation method 'mode'"),
        ({"method": "locf", "max_gap": 0}, "max_gap must be a positive integer"),
        ({"method": "locf", "max_gap": 1.5}, "max_gap must be a positive integer"),
        ({"method": "constant"}, "needs value="),
        ({"method": "constant", "value": [1, nan]}, "finite numbers"),
        ({"method": "mean", "max_gap": 2}, "max_gap applies to 'locf' and 'linear'"),
        ({"method": "locf", "groups": {"A": 1}}, "groups apply to"),
        ({"method": "locf", "value": 3}, "value is only used by method='constant'"),
    ],
)
def test_bad_parameters(kwargs: dict, match: str) -> None:
    panel, _ = tiny_index()
    with pytest.raises(MethodError, match=match):
        impute(panel, **kwargs)


def test_bad_data_and_groups() -> None:
    frame = wide()
    with pytest.raises(MethodError, match=r"no group for entity\(ies\) 'D'"):
        impute(frame, groups={"A": 1, "B": 1, "C": 2})
    with pytest.raises(MethodError, match="fills along years; pass a Panel"):
        impute(frame, method="locf")
    with pytest.raises(PanelError, match=r"column\(s\) 'name' are not numeric"):
        impute(frame.assign(name="n"), method="mean")
    with pytest.raises(PanelError, match="infinite"):
        impute(frame.assign(x=[1.0, np.inf, nan, 0.0]), method="mean")
    with pytest.raises(PanelError, match=r"duplicated entity row\(s\) 'A'"):
        impute(pd.concat([frame, frame.iloc[:1]]), method="mean")
    with pytest.raises(MethodError, match="expects a Panel or a wide DataFrame"):
        impute([[1.0]], method="mean")  # type: ignore[arg-type]
    with pytest.raises(MethodError, match="missing labels at entity position"):
        impute_cross_section(np.ones((2, 1)), groups=[None, "a"])
    with pytest.raises(MethodError, match="3-D"):
        impute_panel(np.ones((2, 2)))
    with pytest.raises(MethodError, match="unknown imputation parameter"):
        check_imputation_spec({"method": "mean", "group": {}})
    with pytest.raises(MethodError, match="imputation"):
        compute_index(*tiny_index(), year=2024, imputation={"method": "avg"})
