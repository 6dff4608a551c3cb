"""Property-based suite over the numeric entry points (issue 14: no silent wrong answer).

Over ``normalize`` (every method), the aggregation kernels and ``aggregate_tree``,
``treat``, ``impute``, ``compute_index``, ``performance_index`` (every change rule) and
``progress_index``, with random valid and invalid inputs — ordinary values, values of both
signs with zeros and ties, and extremes up to ±1e308 — hypothesis checks that:

* only govindex errors and warnings escape (never a raw numpy/pandas error, ``KeyError``,
  ``AttributeError``, ``OverflowError`` or ``RuntimeWarning``);
* inputs are never mutated;
* entity rows and catalog rows can be permuted (results permute accordingly / are unchanged);
* re-runs are bit-identical;
* flipping a direction mirrors the result;
* raising a value in its good direction never lowers its score (every change rule and
  normalisation).

Random data come from a numpy generator seeded by hypothesis (fast to draw, reproducible:
CI derandomises hypothesis). Tests of more than about a second are
marked slow (the indices, called several times per example, with fewer examples).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import govindex
from govindex import Catalog, Panel
from govindex.aggregate import AGGREGATORS, aggregate_tree
from govindex.exceptions import GovindexError, GovindexWarning
from govindex.normalize import NORMALIZERS, normalize
from govindex.prepare.impute import impute
from govindex.prepare.treat import treat

NAN = np.nan
MANY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SEEDS = st.integers(0, 2**32 - 1)
KINDS = st.sampled_from(["plain", "signed", "ties", "extreme"])


def clean(fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
    """``fn(*args, **kw)``, or None for a govindex error; anything else escaping fails the
    test, and so does a warning that is not a :class:`GovindexWarning`."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            out = fn(*args, **kw)
        except GovindexError as exc:
            assert str(exc), "a govindex error must say what is wrong"
            out = None
    foreign = [f"{w.category.__name__}: {w.message}" for w in caught]
    foreign = [t for w, t in zip(caught, foreign, strict=True)
               if not issubclass(w.category, GovindexWarning)]  # fmt: skip
    assert not foreign, f"non-govindex warnings escaped: {foreign}"
    return out


def values(rng: np.random.Generator, shape: tuple[int, ...], kind: str) -> np.ndarray:
    """Random finite values of one kind, about 15 % missing."""
    if kind == "plain":
        out = rng.uniform(0.5, 100.0, shape).round(2)
    elif kind == "signed":
        out = rng.uniform(-50.0, 100.0, shape).round(1)
        out[rng.random(shape) < 0.15] = 0.0
    elif kind == "ties":
        out = rng.integers(0, 4, shape).astype(float)
    else:  # extreme magnitudes of both signs
        mags = rng.choice([1e-300, 1e-10, 1.0, 1e10, 1e300, 1e308], shape)
        out = mags * rng.uniform(-1.0, 1.0, shape)
    out[rng.random(shape) < 0.15] = NAN
    return out


def same(a: Any, b: Any) -> None:
    """Bit-identical frames or arrays (NaN equal to NaN)."""
    if isinstance(a, pd.DataFrame | pd.Series):
        pd.testing.assert_frame_equal(pd.DataFrame(a), pd.DataFrame(b), check_exact=True)
    else:
        np.testing.assert_array_equal(a, b)


def close(a: Any, b: Any) -> None:
    np.testing.assert_allclose(
        np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=1e-9, atol=1e-9
    )


def not_lower(new: np.ndarray, old: np.ndarray) -> None:
    """``new >= old`` wherever both are defined, up to rounding."""
    both = ~np.isnan(new) & ~np.isnan(old)
    slack = 1e-9 * (1.0 + np.abs(old[both]))
    assert (new[both] >= old[both] - slack).all(), (old[both], new[both])


# --------------------------------------------------------------------------- normalize

#: parameters of each method for a frame of n columns (lower < upper goalposts, ...)
METHODS = sorted(NORMALIZERS.names())


def method_params(method: str, rng: np.random.Generator, frame: pd.DataFrame) -> dict[str, Any]:
    if method in ("goalposts", "bounded"):
        lo = rng.uniform(-50.0, 50.0, frame.shape[1]).round(1)
        return {"lower": lo, "upper": lo + rng.uniform(1.0, 100.0, frame.shape[1]).round(1)}
    if method == "distance_to_reference":
        kind = str(rng.choice(["ratio", "difference"]))
        return {"reference": float(rng.uniform(1.0, 50.0)), "kind": kind}
    if method == "bands":
        return {"n_bands": int(rng.integers(1, 6))}
    return {}


def random_frame(rng: np.random.Generator, kind: str) -> pd.DataFrame:
    n_e, n_i = int(rng.integers(1, 7)), int(rng.integers(1, 4))
    x = values(rng, (n_e, n_i), kind)
    return pd.DataFrame(
        x,
        index=pd.Index([f"e{k}" for k in range(n_e)], name="entity"),
        columns=[f"i{k}" for k in range(n_i)],
    )


def mirror(method: str, out: pd.DataFrame, frame: pd.DataFrame, params: dict[str, Any]) -> Any:
    """The result for the opposite direction, from the result for direction +1 (None: no
    mirror for this method)."""
    if method in ("minmax", "bounded"):
        return 100.0 - out
    if method in ("goalposts", "distance_to_frontier", "percentile_rank"):
        return 100.0 - out
    if method == "zscore":
        return -out
    if method == "rank":
        return frame.notna().sum() + 1.0 - out
    if method == "distance_to_reference" and params["kind"] == "difference":
        return -out
    return None


@pytest.mark.slow
@MANY
@given(seed=SEEDS, kind=KINDS, method=st.sampled_from(METHODS))
def test_normalize_properties(seed: int, kind: str, method: str) -> None:
    rng = np.random.default_rng(seed)
    frame = random_frame(rng, kind)
    params = method_params(method, rng, frame)
    before = frame.copy()
    out = clean(normalize, frame, method, **params)
    same(frame, before)  # never mutated
    if out is None:
        return
    assert out.shape == frame.shape and (out.index == frame.index).all()
    same(clean(normalize, frame, method, **params), out)  # bit-identical re-run
    perm = rng.permutation(len(frame))  # entity rows permuted -> results permuted
    close(clean(normalize, frame.iloc[perm], method, **params), out.iloc[perm])
    flipped = clean(normalize, frame, method, direction=-1, **params)
    expected = mirror(method, out, frame, params)
    if expected is not None and flipped is not None:
        close(flipped, expected)
    # raising one entity's value in its good direction never lowers its own score
    e, i = int(rng.integers(len(frame))), int(rng.integers(frame.shape[1]))
    for d in (1, -1):
        old = out if d == 1 else flipped
        if old is None or np.isnan(frame.iloc[e, i]):
            continue
        better = frame.copy()
        better.iloc[e, i] += d * (
            abs(frame.iloc[e, i]) * rng.uniform(0.0, 1.0) + rng.uniform(0, 5)
        )
        if not np.isfinite(better.iloc[e, i]):
            continue
        new = clean(normalize, better, method, direction=d, **params)
        if new is not None:
            not_lower(np.array([new.iloc[e, i]]), np.array([old.iloc[e, i]]))


@MANY
@given(seed=SEEDS, method=st.sampled_from(METHODS))
def test_normalize_invalid_inputs_are_govindex_errors(seed: int, method: str) -> None:
    rng = np.random.default_rng(seed)
    frame = random_frame(rng, "plain")
    bad_values: list[Any] = [np.inf, -np.inf, NAN, -1, 0, 2.5, "x", None, True, [1, 2, 3, 4]]
    name = str(rng.choice(["low", "high", "ddof", "sd", "n_bands", "scale", "lower", "upper",
                           "reference", "kind", "frontier", "worst", "direction", "nonsense"]))  # fmt: skip
    params = method_params(method, rng, frame)
    params[name] = bad_values[int(rng.integers(len(bad_values)))]
    if rng.random() < 0.3:  # an infinite cell or a non-numeric column
        frame.iloc[0, 0] = np.inf if rng.random() < 0.5 else frame.iloc[0, 0]
        if rng.random() < 0.3:
            frame["text"] = "a"
    before = frame.copy()
    clean(normalize, frame, method, **params)
    same(frame, before)


# --------------------------------------------------------------------------- aggregation kernels

KERNELS = sorted(AGGREGATORS.names())


def kernel_inputs(rng: np.random.Generator, kind: str) -> tuple[np.ndarray, np.ndarray]:
    n_e, n_p, n_c = (int(v) for v in rng.integers(1, 5, 3))
    x = values(rng, (n_e, n_p, n_c), kind)
    w = rng.choice([0.0, 0.5, 1.0, 3.0, 1e308], (n_p, n_c), p=[0.15, 0.3, 0.3, 0.15, 0.1])
    return x, w


@pytest.mark.slow
@MANY
@given(
    seed=SEEDS, kind=KINDS, name=st.sampled_from(KERNELS), p=st.sampled_from([-2.0, 0.5, 2.0, 3.0])
)
def test_aggregation_kernel_properties(seed: int, kind: str, name: str, p: float) -> None:
    rng = np.random.default_rng(seed)
    x, w = kernel_inputs(rng, kind)
    kernel = AGGREGATORS[name]
    params = {"p": p} if name == "generalized" else {}
    x0, w0 = x.copy(), w.copy()
    out = clean(kernel, x, w, **params)
    same(x, x0)
    same(w, w0)
    if out is None:
        return
    present = ~np.isnan(x) & (w > 0)
    has = present.any(axis=-1)
    assert (np.isnan(out) == ~has).all()  # NaN exactly where no child is present
    if name != "sum":  # a mean of finite children is finite and between them
        lo = np.min(np.where(present, x, np.inf), axis=-1)
        hi = np.max(np.where(present, x, -np.inf), axis=-1)
        slack = 1e-9 * np.maximum(np.abs(lo), np.abs(hi))
        assert (out[has] >= lo[has] - slack[has]).all() and (
            out[has] <= hi[has] + slack[has]
        ).all()
    same(clean(kernel, x, w, **params), out)
    perm = rng.permutation(x.shape[-1])  # children (with their weights) in another order
    close(clean(kernel, x[..., perm], w[:, perm], **params), out)
    if name != "sum":  # means do not depend on the scale of the weights
        close(clean(kernel, x, w * 2.0**-40, **params), out)
    # raising one child never lowers the parent (every kernel is monotone)
    e, q, c = (int(rng.integers(n)) for n in x.shape)
    if present[e, q, c]:
        better = x.copy()
        better[e, q, c] += abs(x[e, q, c]) * rng.uniform(0, 0.5) + rng.uniform(0, 5)
        assume(np.isfinite(better[e, q, c]))
        new = clean(kernel, better, w, **params)
        if new is not None:
            not_lower(new[e : e + 1, q], out[e : e + 1, q])


def random_catalog(rng: np.random.Generator, n_ind: int, **columns: Any) -> pd.DataFrame:
    """A root, one or two spheres and ``n_ind`` indicators, random weights."""
    n_sph = int(rng.integers(1, 3))
    spheres = [f"s{k}" for k in range(n_sph)]
    inds = [f"i{k}" for k in range(n_ind)]
    frame = pd.DataFrame(
        {
            "code": ["R", *spheres, *inds],
            "parent": ["", *["R"] * n_sph, *[spheres[k % n_sph] for k in range(n_ind)]],
            "weight": [1.0, *rng.choice([0.5, 1.0, 2.0, 3.0], n_sph + n_ind)],
        }
    )
    for key, col in columns.items():
        frame[key] = [col[0], *[col[0]] * n_sph, *col[1]] if isinstance(col, tuple) else col
    return frame


@pytest.mark.slow
@MANY
@given(seed=SEEDS, kind=KINDS, agg=st.sampled_from(["arithmetic", "median", "min", "sum"]))
def test_aggregate_tree_properties(seed: int, kind: str, agg: str) -> None:
    rng = np.random.default_rng(seed)
    n_ind, n_e = int(rng.integers(1, 5)), int(rng.integers(1, 6))
    frame = random_catalog(rng, n_ind)
    cat = Catalog.from_frame(frame)
    scores = np.full((n_e, len(cat)), NAN)
    leaves = [cat.codes.index(c) for c in cat.indicators]
    scores[:, leaves] = values(rng, (n_e, n_ind), kind)
    before = scores.copy()
    out = clean(aggregate_tree, scores, cat.rollup_plan(agg), coverage=0.0)
    same(scores, before)
    if out is None:
        return
    perm = rng.permutation(n_e)  # entities permuted: every output permuted, bit for bit
    again = aggregate_tree(scores[perm], cat.rollup_plan(agg), coverage=0.0)
    same(again.scores, out.scores[perm])
    # catalog rows in another order: the same score for every node
    shuffled = Catalog.from_frame(frame.sample(frac=1.0, random_state=int(rng.integers(1000))))
    order = [shuffled.codes.index(c) for c in cat.codes]
    moved = np.full(scores.shape, NAN)
    moved[:, order] = scores
    other = clean(aggregate_tree, moved, shuffled.rollup_plan(agg), coverage=0.0)
    if other is not None:
        close(other.scores[:, order], out.scores)


# --------------------------------------------------------------------------- treat and impute


@pytest.mark.slow
@MANY
@given(seed=SEEDS, kind=KINDS, fn=st.sampled_from(["treat", "mean", "median", "constant"]))
def test_treat_and_impute_properties(seed: int, kind: str, fn: str) -> None:
    rng = np.random.default_rng(seed)
    frame = random_frame(rng, kind)
    before = frame.copy()

    def run(data: pd.DataFrame) -> Any:
        if fn == "treat":
            return clean(treat, data)
        return clean(impute, data, method=fn, value=1.0 if fn == "constant" else None)

    res = run(frame)
    same(frame, before)
    if res is None:
        return
    same(run(frame).data, res.data)
    perm = rng.permutation(len(frame))
    close(run(frame.iloc[perm]).data, res.data.iloc[perm])


# --------------------------------------------------------------------------- indices


def tidy(cube: np.ndarray, years: np.ndarray) -> pd.DataFrame:
    """Long panel rows from an (E, I, Y) cube (NaN cells left out)."""
    e, i, y = np.nonzero(~np.isnan(cube))
    return pd.DataFrame(
        {
            "entity": [f"e{k}" for k in e],
            "indicator": [f"i{k}" for k in i],
            "year": years[y],
            "value": cube[e, i, y],
        }
    )


def gpi_case(
    seed: int, kind: str
) -> tuple[np.random.Generator, np.ndarray, np.ndarray, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    n_e, n_i = int(rng.integers(2, 6)), int(rng.integers(1, 4))
    years = np.arange(2019, 2019 + int(rng.integers(4, 7)))
    cube = values(rng, (n_e, n_i, len(years)), kind)
    cube[:, :, -1] = values(rng, (n_e, n_i), kind)  # mostly present in T
    rules = ("", rng.choice(["relative", "absolute", "slope"], n_i).tolist())
    direction = (NAN, rng.choice([1.0, -1.0], n_i).tolist())
    frame = random_catalog(rng, n_i, change=rules, direction=direction)
    return rng, cube, years, frame


def _gpi(rows: pd.DataFrame, frame: pd.DataFrame, year: int) -> Any:
    return clean(
        lambda: govindex.performance_index(
            Panel.from_frame(rows), Catalog.from_frame(frame), year=year, coverage=0.0
        )
    )


@pytest.mark.slow
@FEW
@given(seed=SEEDS, kind=KINDS)
def test_performance_index_properties(seed: int, kind: str) -> None:
    rng, cube, years, frame = gpi_case(seed, kind)
    rows, year = tidy(cube, years), int(years[-1])
    rows_before, frame_before = rows.copy(), frame.copy()
    res = _gpi(rows, frame, year)
    same(rows, rows_before)  # never mutated
    same(frame, frame_before)
    if res is None:
        return
    same(_gpi(rows, frame, year).node_scores, res.node_scores)  # bit-identical re-run
    # entity rows in another order: the same panel, the same result bit for bit
    same(_gpi(rows.sample(frac=1.0, random_state=seed % 1000), frame, year).scores, res.scores)
    # catalog rows in another order: the same GPI of every body
    other = _gpi(rows, frame.sample(frac=1.0, random_state=seed % 997), year)
    close(other.scores["gpi"], res.scores["gpi"])
    # every direction flipped: progress scores 100 - s, classes mirrored
    flipped = frame.assign(direction=-frame["direction"])
    mirrored = _gpi(rows, flipped, year)
    close(mirrored.node_scores, 100.0 - res.node_scores)
    close(mirrored.scores["n_improved"], res.scores["n_deteriorated"])
    # a better end value of one (entity, indicator) never lowers its score nor the GPI
    e, i = int(rng.integers(cube.shape[0])), int(rng.integers(cube.shape[1]))
    if np.isnan(cube[e, i, -1]):
        return
    d = float(frame.set_index("code").loc[f"i{i}", "direction"])
    better = cube.copy()
    better[e, i, -1] += d * (abs(cube[e, i, -1]) * rng.uniform(0, 1) + rng.uniform(0, 5))
    assume(np.isfinite(better[e, i, -1]))
    new = _gpi(tidy(better, years), frame, year)
    if new is not None:
        cols = [f"i{i}", "R"]
        not_lower(new.node_scores.loc[f"e{e}", cols].to_numpy(float),
                  res.node_scores.loc[f"e{e}", cols].to_numpy(float))  # fmt: skip


def _index(rows: pd.DataFrame, frame: pd.DataFrame, **kw: Any) -> Any:
    return clean(
        lambda: govindex.compute_index(
            Panel.from_frame(rows), Catalog.from_frame(frame), year=2024, coverage=0.0, **kw
        )
    )


@pytest.mark.slow
@FEW
@given(seed=SEEDS, kind=KINDS)
def test_compute_index_properties(seed: int, kind: str) -> None:
    rng = np.random.default_rng(seed)
    n_e, n_i = int(rng.integers(2, 7)), int(rng.integers(1, 4))
    cube = values(rng, (n_e, n_i, 1), kind)
    methods = ["minmax", "zscore", "rank", "percentile_rank", "distance_to_frontier"]
    frame = random_catalog(
        rng,
        n_i,
        direction=(NAN, rng.choice([1.0, -1.0], n_i).tolist()),
        normalization=("", rng.choice(methods, n_i).tolist()),
    )
    rows = tidy(cube, np.array([2024]))
    rows_before, frame_before = rows.copy(), frame.copy()
    res = _index(rows, frame)
    same(rows, rows_before)
    same(frame, frame_before)
    if res is None:
        return
    same(_index(rows, frame).scores, res.scores)
    same(_index(rows.sample(frac=1.0, random_state=seed % 1000), frame).scores, res.scores)
    other = _index(rows, frame.sample(frac=1.0, random_state=seed % 997))
    close(other.scores.loc[:, res.scores.columns], res.scores)
    # min-max everywhere, every direction flipped: every score s becomes 100 - s
    plain = frame.assign(normalization="")
    base = _index(rows, plain)
    flipped = _index(rows, plain.assign(direction=-plain["direction"]))
    if base is not None and flipped is not None:
        close(flipped.scores, 100.0 - base.scores)
    # a better value never lowers its own normalised score (every normalisation)
    e, i = int(rng.integers(n_e)), int(rng.integers(n_i))
    if np.isnan(cube[e, i, 0]):
        return
    d = float(frame.set_index("code").loc[f"i{i}", "direction"])
    better = cube.copy()
    better[e, i, 0] += d * (abs(cube[e, i, 0]) * rng.uniform(0, 1) + rng.uniform(0, 5))
    assume(np.isfinite(better[e, i, 0]))
    new = _index(tidy(better, np.array([2024])), frame)
    if new is not None:
        cell = (f"e{e}", f"i{i}")  # by label: an entity without data is not in the panel
        not_lower(np.array([new.normalized.loc[cell]]), np.array([res.normalized.loc[cell]]))


def _npi(rows: pd.DataFrame, frame: pd.DataFrame, year: int, **kw: Any) -> Any:
    return clean(
        lambda: govindex.progress_index(
            Panel.from_frame(rows), Catalog.from_frame(frame), year=year, coverage=0.0, **kw
        )
    )


@pytest.mark.slow
@FEW
@given(seed=SEEDS, kind=KINDS, members=st.booleans())
def test_progress_index_properties(seed: int, kind: str, members: bool) -> None:
    rng = np.random.default_rng(seed)
    n_i = int(rng.integers(1, 4))
    years = np.arange(2016, 2016 + int(rng.integers(2, 5)))
    cube = values(rng, (4, n_i, len(years)), kind)  # e0 the country, e1..e3 the reference
    cube[0, :, 0] = values(rng, (n_i,), "plain")  # a base year
    cube[0, :, -1] = values(rng, (n_i,), kind)
    frame = random_catalog(rng, n_i, direction=(NAN, rng.choice([1.0, -1.0], n_i).tolist()))
    rows, year = tidy(cube, years), int(years[-1])
    ref = ["e1", "e2", "e3"] if members else "e1"
    kw = {"country": "e0", "reference": ref}
    rows_before = rows.copy()
    res = _npi(rows, frame, year, **kw)
    same(rows, rows_before)
    if res is None:
        return
    same(_npi(rows, frame, year, **kw).scores, res.scores)
    same(_npi(rows.sample(frac=1.0, random_state=seed % 1000), frame, year, **kw).scores,
         res.scores)  # fmt: skip
    # a better value of the country in T never lowers its ratios nor the NPI of T
    i = int(rng.integers(n_i))
    if np.isnan(cube[0, i, -1]):
        return
    d = float(frame.set_index("code").loc[f"i{i}", "direction"])
    better = cube.copy()
    better[0, i, -1] += d * (abs(cube[0, i, -1]) * rng.uniform(0, 1) + rng.uniform(0, 5))
    assume(np.isfinite(better[0, i, -1]))
    new = _npi(tidy(better, years), frame, year, **kw)
    if new is None:
        return
    pick = ["ratio_reference", "ratio_base"]
    row = (res.indicators["year"] == year) & (res.indicators["indicator"] == f"i{i}")
    row_new = (new.indicators["year"] == year) & (new.indicators["indicator"] == f"i{i}")
    r_new = new.indicators.loc[row_new, pick].to_numpy(float).ravel()
    r_old = res.indicators.loc[row, pick].to_numpy(float).ravel()
    not_lower(r_new, r_old)
    # the NPI of T, unless the better value left its ratio undefined (a value <= 0 of a
    # lower-is-better ratio is NaN with a DataWarning; the NPI then averages the others)
    if not np.isnan(r_new[~np.isnan(r_old)]).any() and year in new.scores.index:
        cols = ["npi_reference", "npi_base"]
        not_lower(new.scores.loc[year, cols].to_numpy(float),
                  res.scores.loc[year, cols].to_numpy(float))  # fmt: skip


@pytest.mark.slow
@MANY
@given(
    year=st.one_of(
        st.none(), st.floats(allow_nan=True), st.text(max_size=4), st.booleans(), st.integers()
    ),
    coverage=st.one_of(st.floats(allow_nan=True), st.text(max_size=3), st.none()),
    index=st.sampled_from(["compute_index", "performance_index", "progress_index"]),
)
def test_index_parameters_are_govindex_errors(year: Any, coverage: Any, index: str) -> None:
    rows = pd.DataFrame(
        {
            "entity": ["A", "A", "B", "B"],
            "indicator": "i0",
            "year": [2022, 2025] * 2,
            "value": [100.0, 110.0, 100.0, 90.0],
        }
    )
    frame = pd.DataFrame({"code": ["R", "i0"], "parent": ["", "R"]})
    panel, cat = Panel.from_frame(rows), Catalog.from_frame(frame)
    kw: dict[str, Any] = {"year": year, "coverage": coverage}
    if index == "progress_index":
        kw |= {"country": "A", "reference": "B", "base_year": 2022}
    clean(getattr(govindex, index), panel, cat, **kw)
