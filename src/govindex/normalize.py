"""Normalisation kernels and the public :func:`normalize` function.

Every kernel is a pure, vectorised function with one signature::

    kernel(x, direction, **params) -> ndarray

where ``x`` has shape ``(n_entities, n_indicators)`` (NaN = missing),
``direction`` has shape ``(n_indicators,)`` with values ±1, and per-indicator
parameters are scalars or arrays of shape ``(n_indicators,)``. Kernels work
column-wise (one indicator at a time, across entities), treat NaN as missing,
and orient the result so that a higher output is always better. A constant
column or a zero range gives NaN and a :class:`~govindex.exceptions.NormalizationWarning`,
never a division error.

The kernels that take statistics across entities (min–max, z-score, rank, percentile rank,
distance to frontier, bands) also take ``fit``, one True/False per row: the rows whose
statistics normalise every row (default all). :func:`~govindex.compute_index` passes the
rows that are not reference rows (aggregates and totals): a reference row is normalised
with the minimum and maximum, mean and spread, or ranks of the others, and may fall
outside the output range. With ranks, a reference row takes the rank it would have among
the others (``1 + worse + ties / 2``) and its percentile rank is the share of the others it
beats (ties counting half). The other kernels (goalposts, bounded rescaling, distance to
reference) take ``fit`` too and ignore it: each row is normalised on its own.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from govindex._columns import (
    as_matrix,
    column_range,
    directions,
    finite_output,
    fit_mask,
    label,
    output_range,
    per_indicator,
    positive_scale,
    safe_divide,
    warn_nan_columns,
)
from govindex._numerics import exponent_of, halves
from govindex._registry import Registry
from govindex._typing import FloatArray
from govindex.exceptions import MethodError, format_items
from govindex.methods import check_number
from govindex.transform import transform_indicators

__all__ = ["NORMALIZERS", "normalize"]

Kernel = Callable[..., FloatArray]

#: Registry of normalisation kernels by name.
NORMALIZERS: Registry[Kernel] = Registry("normalization")


# ---------------------------------------------------------------------- kernels
@NORMALIZERS.register("minmax")
def minmax(
    x: FloatArray,
    direction: Any = 1,
    *,
    low: float = 0.0,
    high: float = 100.0,
    labels: Any = None,
    fit: Any = None,
) -> FloatArray:
    """Min–max rescaling of each column to ``[low, high]``; direction −1 is flipped.

    ``y = low + (high − low) · (x − min) / (max − min)`` for direction 1 and
    ``y = low + (high − low) · (max − x) / (max − min)`` for direction −1.

    Examples
    --------
    >>> minmax(np.array([[1.0], [3.0], [5.0]]), [1])
    array([[  0.],
           [ 50.],
           [100.]])
    >>> minmax(np.array([[1.0], [3.0], [5.0]]), [-1], low=1, high=2)
    array([[2. ],
           [1.5],
           [1. ]])

    The last row normalised with the minimum and maximum of the others (``fit``):

    >>> minmax(np.array([[1.0], [3.0], [5.0]]), [1], fit=[True, True, False]).ravel()
    array([  0., 100., 200.])
    """
    low, high = output_range(low, high)
    x = as_matrix(x, labels)
    d = directions(direction, x.shape[1])
    lo, hi, empty = column_range(_fitted(x, fit))
    x, lo, hi, rng = halves(x, lo, hi)
    warn_nan_columns((rng == 0) & ~empty, "constant column (zero range)", labels)
    # share = (x − lo)/rng for d = 1 and (hi − x)/rng = (−x − (−hi))/rng for d = −1,
    # computed in place in a few passes (exactly 0 and 1 at the extremes)
    out = x * d
    out -= np.where(d > 0, lo, -hi)
    out /= np.where(rng == 0, np.nan, rng)
    out *= high - low
    out += low
    return finite_output(out, labels, "minmax")  # a row outside the fit rows' range may overflow


@NORMALIZERS.register("zscore")
def zscore(
    x: FloatArray,
    direction: Any = 1,
    *,
    mean: float = 0.0,
    sd: float = 1.0,
    ddof: int = 1,
    labels: Any = None,
    fit: Any = None,
) -> FloatArray:
    """Standardise each column: ``y = mean + sd · d · (x − x̄) / s`` (``s`` with ``ddof``;
    ``x̄`` and ``s`` over the ``fit`` rows).

    Examples
    --------
    >>> zscore(np.array([[1.0], [2.0], [3.0]]), [1])
    array([[-1.],
           [ 0.],
           [ 1.]])
    """
    ddof = int(check_number(ddof, "ddof", low=0, integer=True))
    mean, sd = check_number(mean, "mean"), positive_scale(sd, "sd")
    x = as_matrix(x, labels)
    d = directions(direction, x.shape[1])
    n = np.sum(~np.isnan(_fitted(x, fit)), axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        # each column scaled by a power of two (exact): no square overflows or underflows
        x = np.ldexp(x, -exponent_of(x, axis=0))
        mu = np.nanmean(_fitted(x, fit), axis=0)
        s = np.nanstd(_fitted(x, fit), axis=0, ddof=ddof)
    s = np.where(n > ddof, s, np.nan)
    warn_nan_columns((s == 0) | ((n > 0) & np.isnan(s)), "zero or undefined spread", labels)
    with np.errstate(over="ignore"):
        out = mean + sd * d * safe_divide(x - mu, s)
    return finite_output(out, labels, "zscore")


def _fitted(x: FloatArray, fit: Any) -> FloatArray:
    """The rows of ``x`` that set the column statistics (every row without ``fit``)."""
    mask = fit_mask(fit, x.shape[0])
    return x if mask is None else x[mask]


def _ranks(x: FloatArray, d: FloatArray, fit: Any = None) -> FloatArray:
    """Average ranks (1 = worst) of each column of d·x, NaN-aware; the rows outside ``fit``
    take the rank they would have among the ``fit`` rows (``1 + worse + ties / 2``)."""
    if x.shape[0] == 0:
        return x.copy()
    from scipy import stats  # imported here: scipy.stats costs ~0.5 s at import time

    def ranked(v: FloatArray) -> FloatArray:
        return np.asarray(stats.rankdata(v * d, axis=0, nan_policy="omit"), dtype=np.float64)

    mask = fit_mask(fit, x.shape[0])
    if mask is None:
        return ranked(x)
    out = np.empty(x.shape)
    out[mask] = ranked(x[mask])
    # a row's rank among the fit rows and the other rows, less its rank among the other rows
    both = ranked(np.concatenate([x[mask], x[~mask]]))[int(mask.sum()) :]
    out[~mask] = both - ranked(x[~mask]) + 1.0
    return out


@NORMALIZERS.register("rank")
def rank(x: FloatArray, direction: Any = 1, *, labels: Any = None, fit: Any = None) -> FloatArray:
    """Rank within each column, 1 = worst, ties get their average rank.

    Examples
    --------
    >>> rank(np.array([[10.0], [30.0], [20.0], [np.nan]]), [1])
    array([[ 1.],
           [ 3.],
           [ 2.],
           [nan]])
    """
    x = as_matrix(x, labels)
    return _ranks(x, directions(direction, x.shape[1]), fit)


@NORMALIZERS.register("percentile_rank")
def percentile_rank(
    x: FloatArray, direction: Any = 1, *, scale: float = 100.0, labels: Any = None, fit: Any = None
) -> FloatArray:
    """Percentile rank ``scale · (rank − 1) / (n − 1)``: 0 = worst, ``scale`` = best.

    The share of the other rows that a row beats (ties counting half), times ``scale``;
    a row outside ``fit`` is compared with the ``n`` fit rows: ``scale · (rank − 1) / n``.

    Examples
    --------
    >>> percentile_rank(np.array([[10.0], [30.0], [20.0]]), [-1])
    array([[100.],
           [  0.],
           [ 50.]])
    """
    scale = positive_scale(scale)
    x = as_matrix(x, labels)
    r = _ranks(x, directions(direction, x.shape[1]), fit)
    n = np.sum(~np.isnan(_fitted(x, fit)), axis=0).astype(np.float64)
    warn_nan_columns(n == 1, "a single observation", labels)
    mask = fit_mask(fit, x.shape[0])
    others = n - 1.0 if mask is None else np.where(mask[:, None], n - 1.0, n)
    return scale * safe_divide(r - 1.0, others)


def _goalposts(
    x: FloatArray,
    d: FloatArray,
    lower: FloatArray,
    upper: FloatArray,
    *,
    truncate: bool,
    scale: float,
    labels: Any,
) -> FloatArray:
    missing = np.isnan(lower) | np.isnan(upper)
    if np.any(missing):
        pos = np.flatnonzero(missing)
        names = [str(labels[i]) for i in pos] if labels is not None else pos.tolist()
        raise MethodError(
            f"goalposts need 'lower' and 'upper' for every indicator; missing for {names[:10]}"
        )
    crossed = lower >= upper
    if crossed.any():
        pos = np.flatnonzero(crossed)
        names = [label(labels, i) for i in pos]
        raise MethodError(
            f"goalposts need lower < upper (in the indicator's units, whatever its direction); "
            f"found lower >= upper for {format_items(names)} (lower "
            f"{format_items(lower[pos].tolist())}, upper {format_items(upper[pos].tolist())})"
        )
    x, lower, upper, rng = halves(x, lower, upper)
    with np.errstate(over="ignore"):
        share = np.where(d > 0, (x - lower) / rng, (upper - x) / rng)
    if truncate:
        share = np.clip(share, 0.0, 1.0)
    with np.errstate(over="ignore"):
        return finite_output(scale * share, labels, "goalposts")


@NORMALIZERS.register("goalposts")
def goalposts(
    x: FloatArray,
    direction: Any = 1,
    *,
    lower: Any,
    upper: Any,
    log: Any = False,
    truncate: bool = True,
    scale: float = 100.0,
    labels: Any = None,
    fit: Any = None,
) -> FloatArray:
    """Goalposts (HDI style): ``scale · (x − lower) / (upper − lower)``, truncated to [0, scale].

    With ``log=True`` (per indicator) the values and both posts are log-transformed
    first. Direction −1 uses ``(upper − x) / (upper − lower)``.

    Examples
    --------
    UNDP life-expectancy index with posts 20 and 85 years, on [0, 1]:

    >>> goalposts(np.array([[72.5]]), [1], lower=20, upper=85, scale=1.0)
    array([[0.80769231]])

    GNI per capita index, log posts 100 and 75,000 (2017 PPP $):
    ln(22000/100) / ln(75000/100) = 5.3936 / 6.6201 = 0.8147

    >>> goalposts(np.array([[22000.0]]), [1], lower=100, upper=75000, log=True, scale=1.0)
    array([[0.81473835]])
    """
    scale = positive_scale(scale)
    x = as_matrix(x, labels)
    k = x.shape[1]
    d = directions(direction, k)
    lo = per_indicator(lower, k, "lower")
    up = per_indicator(upper, k, "upper")
    if np.any(log):
        out = transform_indicators(x, log, lower=lo, upper=up, labels=labels, stacklevel=3)
        assert out.lower is not None and out.upper is not None  # given, so transformed
        x, lo, up = out.values, out.lower, out.upper
    return _goalposts(x, d, lo, up, truncate=truncate, scale=scale, labels=labels)


@NORMALIZERS.register("bounded")
def bounded(
    x: FloatArray,
    direction: Any = 1,
    *,
    lower: Any,
    upper: Any,
    low: float = 0.0,
    high: float = 100.0,
    labels: Any = None,
    fit: Any = None,
) -> FloatArray:
    """Bounded rescaling with censoring (SDG Index style).

    Values are censored to ``[lower, upper]`` and rescaled to ``[low, high]``
    (flipped for direction −1).

    Examples
    --------
    >>> bounded(np.array([[5.0], [50.0], [120.0]]), [1], lower=10, upper=110)
    array([[  0.],
           [ 40.],
           [100.]])
    """
    low, high = output_range(low, high)
    x = as_matrix(x, labels)
    k = x.shape[1]
    d = directions(direction, k)
    lo = per_indicator(lower, k, "lower")
    up = per_indicator(upper, k, "upper")
    share = _goalposts(x, d, lo, up, truncate=True, scale=1.0, labels=labels)
    return low + (high - low) * share


@NORMALIZERS.register("distance_to_reference")
def distance_to_reference(
    x: FloatArray,
    direction: Any = 1,
    *,
    reference: Any,
    kind: str = "ratio",
    scale: float = 100.0,
    labels: Any = None,
    fit: Any = None,
) -> FloatArray:
    """Distance to a reference value per indicator (OECD average, base year, target).

    ``kind="ratio"``: ``scale · (x / ref)^d``; ``kind="difference"``:
    ``scale · d · (x − ref) / |ref|``. A zero or missing reference (for a ratio, also a
    negative one) gives NaN and a warning, and so does a value ≤ 0 of a lower-is-better
    ratio (``ref / x`` would not keep the order of the values across 0).

    Examples
    --------
    >>> distance_to_reference(np.array([[50.0], [200.0]]), [1], reference=100)
    array([[ 50.],
           [200.]])
    >>> distance_to_reference(np.array([[50.0]]), [-1], reference=100)
    array([[200.]])
    >>> distance_to_reference(np.array([[110.0]]), [1], reference=100, kind="difference")
    array([[10.]])
    """
    if kind not in ("ratio", "difference"):
        raise MethodError(f"kind must be 'ratio' or 'difference'; got {kind!r}")
    scale = positive_scale(scale)
    x = as_matrix(x, labels)
    k = x.shape[1]
    d = directions(direction, k)
    ref = per_indicator(reference, k, "reference")
    if kind == "ratio":  # a ratio orders values only against a positive reference
        warn_nan_columns(~(ref > 0), "zero or missing reference (or negative: a ratio)", labels)
        ref = np.where(ref > 0, ref, np.nan)
        inverted = (d < 0) & (x <= 0)  # ref / x is not monotone across 0
        if inverted.any():
            what = "values <= 0 of a lower-is-better ratio (ref / x)"
            warn_nan_columns(inverted.any(axis=0), what, labels)
            x = np.where(inverted, np.nan, x)
    else:
        warn_nan_columns((ref == 0) | np.isnan(ref), "zero or missing reference", labels)
        ref = np.where(ref == 0, np.nan, ref)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        if kind == "ratio":
            ratio = x / ref
            out = scale * np.where(d > 0, ratio, safe_divide(np.ones_like(ratio), ratio))
        else:
            diff = x - ref
            rel = diff / np.abs(ref)
            over = np.isinf(diff)  # x − ref overflowed: the same on halves
            if over.any():
                rel = np.where(over, 2.0 * ((x / 2 - ref / 2) / np.abs(ref)), rel)
            out = scale * d * rel
    return finite_output(out, labels, "distance_to_reference")


@NORMALIZERS.register("distance_to_frontier")
def distance_to_frontier(
    x: FloatArray,
    direction: Any = 1,
    *,
    frontier: Any = None,
    worst: Any = None,
    truncate: bool = True,
    scale: float = 100.0,
    labels: Any = None,
    fit: Any = None,
) -> FloatArray:
    """Distance to frontier (Doing Business): ``scale · (worst − x) / (worst − frontier)``.

    ``frontier`` and ``worst`` default to the best and worst observed values in the
    indicator's direction (of the ``fit`` rows).

    Examples
    --------
    >>> distance_to_frontier(np.array([[2.0], [4.0], [10.0]]), [-1])
    array([[100.],
           [ 75.],
           [  0.]])
    """
    scale = positive_scale(scale)
    x = as_matrix(x, labels)
    k = x.shape[1]
    d = directions(direction, k)
    lo, hi, empty = column_range(_fitted(x, fit))
    best = np.where(d > 0, hi, lo) if frontier is None else per_indicator(frontier, k, "frontier")
    bad = np.where(d > 0, lo, hi) if worst is None else per_indicator(worst, k, "worst")
    wrong = np.where(d > 0, best < bad, best > bad)  # the frontier must beat the worst value
    if wrong.any():
        pos = np.flatnonzero(wrong)
        names = [label(labels, i) for i in pos]
        raise MethodError(
            f"the frontier must be better than the worst value in the indicator's direction; "
            f"found frontier {format_items(best[pos].tolist())} and worst "
            f"{format_items(bad[pos].tolist())} for {format_items(names)} (given or observed)"
        )
    x, bad, best, gap = halves(x, bad, best)  # gap = best − bad
    warn_nan_columns((gap == 0) & ~empty, "frontier equal to the worst value", labels)
    with np.errstate(over="ignore"):
        share = safe_divide(bad - x, -gap)
        if truncate:
            share = np.clip(share, 0.0, 1.0)
        return finite_output(scale * share, labels, "distance_to_frontier")


@NORMALIZERS.register("bands")
def bands(
    x: FloatArray,
    direction: Any = 1,
    *,
    n_bands: int = 5,
    labels: Any = None,
    fit: Any = None,
) -> FloatArray:
    """Categorical percentile bands: ``1`` (worst) … ``n_bands`` (best).

    The band is ``min(n_bands, 1 + floor(n_bands · p))`` where ``p`` is the
    percentile rank in [0, 1] (see :func:`percentile_rank`).

    Examples
    --------
    >>> bands(np.arange(1.0, 6.0).reshape(-1, 1), [1], n_bands=5).ravel()
    array([1., 2., 3., 4., 5.])
    """
    n_bands = int(check_number(n_bands, "n_bands", low=1, integer=True))
    p = percentile_rank(x, direction, scale=1.0, labels=labels, fit=fit)
    return np.minimum(float(n_bands), 1.0 + np.floor(float(n_bands) * p))


# ---------------------------------------------------------------------- public API
def normalize(
    frame: pd.DataFrame,
    method: str = "minmax",
    *,
    direction: Any = None,
    **params: Any,
) -> pd.DataFrame:
    """Normalise an entity × indicator DataFrame column by column.

    Parameters
    ----------
    frame : DataFrame
        Rows are entities, columns indicators; NaN = missing. Not modified.
    method : str, default "minmax"
        One of ``minmax``, ``zscore``, ``rank``, ``percentile_rank``, ``goalposts``,
        ``bounded``, ``distance_to_reference``, ``distance_to_frontier``, ``bands``.
    direction : scalar, mapping or Series, optional
        ±1 per indicator (1 = higher is better, the default).
    **params
        Method parameters. Per-indicator parameters (``lower``, ``upper``, ``log``,
        ``frontier``, ``worst``, ``reference``) may be scalars, mappings or Series
        keyed by indicator. For ``distance_to_reference``, ``reference`` may also be
        the label of a row of ``frame`` (e.g. ``"OECD"``).

    Returns
    -------
    DataFrame
        Same shape and labels as ``frame``; higher is better.

    Examples
    --------
    >>> df = pd.DataFrame({"gdp": [10.0, 20.0, 30.0], "crime": [5.0, 1.0, 3.0]},
    ...                   index=pd.Index(["A", "B", "C"], name="entity"))
    >>> normalize(df, "minmax", direction={"gdp": 1, "crime": -1})
             gdp  crime
    entity
    A        0.0    0.0
    B       50.0  100.0
    C      100.0   50.0
    >>> normalize(df, "distance_to_reference", reference="B")
              gdp  crime
    entity
    A        50.0  500.0
    B       100.0  100.0
    C       150.0  300.0
    """
    if not isinstance(frame, pd.DataFrame):
        raise MethodError(
            f"normalize expects a DataFrame (entities × indicators); got {type(frame).__name__}"
        )
    kernel = NORMALIZERS[method]
    cols = frame.columns
    try:
        x = frame.to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        bad = [
            str(c)
            for c, dtype in zip(cols, frame.dtypes, strict=True)
            if not pd.api.types.is_numeric_dtype(dtype)
        ]
        raise MethodError(f"non-numeric indicator column(s) {bad[:10]}: {exc}") from None
    x = as_matrix(x, list(cols), rows=frame.index)
    kw: dict[str, Any] = {}
    for name, value in params.items():
        if name == "reference" and isinstance(value, str):
            kw[name] = transform_indicators(
                x, reference=value, entities=frame.index, where="a row of the frame"
            ).reference
        else:
            kw[name] = _align(value, cols, name)
    d = np.ones(len(cols)) if direction is None else _align(direction, cols, "direction")
    try:
        out = kernel(x, d, labels=list(cols), **kw)
    except TypeError as exc:
        raise MethodError(f"bad parameters for normalization {method!r}: {exc}") from None
    return pd.DataFrame(out, index=frame.index.copy(), columns=cols.copy())


def _align(value: Any, cols: pd.Index, name: str) -> Any:
    if isinstance(value, Mapping | pd.Series):
        try:
            s = pd.Series(value, dtype="float64") if isinstance(value, Mapping) else value
            missing = [str(c) for c in cols if c not in s.index]
            if missing:
                raise MethodError(
                    f"parameter {name!r} has no value for indicator(s) {missing[:10]}"
                )
            return s.reindex(cols).to_numpy(dtype=np.float64)
        except (TypeError, ValueError) as exc:
            if isinstance(exc, MethodError):
                raise
            raise MethodError(
                f"parameter {name!r} must map every indicator to a number; {exc}"
            ) from None
    return value
