"""Classes of changes: improved / stable / deteriorated, and progress towards targets.

DESIGN §3. Changes ``g`` come from :func:`govindex.change.window_changes`.

* :func:`classify` — the one classifier of govindex: improved (``g > τ``),
  deteriorated (``g < −τ``), else stable; a change whose significance test gives
  ``p ≥ α`` is stable. The GPI, :func:`classify_survey` and the uncertainty analysis
  all call it.
* :func:`classify_survey` with :func:`two_proportion_ztest` — survey indicators: a
  change not significant at ``α`` (pooled two-proportion z-test) is stable.
* :func:`target_progress` — the Statistics Canada / Open SDG target classifier (ratio
  of the observed to the required CAGR), classes :data:`TARGET_CLASSES`.

Every name is also importable from :mod:`govindex.change`. The formulas, with worked
examples, are in ``docs/methodology_changes.md``.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt

from govindex._arrays import (
    as_values,
    as_years,
    direction_array,
    is_int,
    per_indicator,
    raise_if_any,
)
from govindex._typing import FloatArray, IntArray
from govindex.exceptions import MethodError, format_items

__all__ = [
    "TARGET_CLASSES",
    "classify",
    "classify_survey",
    "target_progress",
    "two_proportion_ztest",
]

#: Classes of :func:`target_progress`, by code.
TARGET_CLASSES: Final = (
    "achieved",
    "on track",
    "acceleration needed",
    "limited progress",
    "deterioration",
)


# --------------------------------------------------------------------------- classification


def classify(
    change: npt.ArrayLike,
    tolerance: npt.ArrayLike,
    *,
    p_value: npt.ArrayLike | None = None,
    alpha: float = 0.05,
) -> FloatArray:
    """Classify changes: 1.0 improved (``g > τ``), -1.0 deteriorated (``g < -τ``), else 0.0.

    The one classifier of govindex: the GPI, the survey test (:func:`classify_survey`)
    and the uncertainty analysis all call it.

    Parameters
    ----------
    change : array_like, shape (..., I)
        Direction-adjusted changes ``g`` (``NaN`` → ``NaN``).
    tolerance : float or array_like of shape (I,) or of the shape of ``change``
        τ ≥ 0 per indicator (or per cell); ``NaN`` τ gives ``NaN`` classes.
    p_value : array_like of the shape of ``change``, optional
        p-values of a significance test of the change: a change with ``p ≥ alpha`` is
        stable (0.0); ``NaN`` = not tested (the tolerance rule alone).
    alpha : float, default 0.05
        Significance level for ``p_value``.

    Returns
    -------
    ndarray of float, same shape as ``change``

    Examples
    --------
    >>> classify(np.array([0.02, 0.005, -0.03, np.nan]), 0.01)
    array([ 1.,  0., -1., nan])
    >>> classify(np.array([0.02, -0.03]), 0.01, p_value=np.array([0.2, 0.01]))
    array([ 0., -1.])
    """
    g = np.asarray(change, dtype=np.float64)
    tau_in = np.asarray(tolerance, dtype=np.float64)
    if tau_in.ndim > 1:
        if tau_in.shape != g.shape:
            raise MethodError(
                "tolerance must be a scalar, one value per indicator or one per cell (the shape "
                f"of change {g.shape}); found shape {tau_in.shape}"
            )
        tau_b: FloatArray | np.float64 = tau_in
    else:
        tau = per_indicator(tau_in, g.shape[-1] if g.ndim else 1, "tolerance")
        tau_b = tau[0] if g.ndim == 0 else tau
    raise_if_any(np.asarray(tau_b) < 0, np.asarray(tau_b), "tolerance must be >= 0")
    out = np.where(g > tau_b, 1.0, np.where(g < -tau_b, -1.0, 0.0))
    out = np.where(np.isnan(g) | np.isnan(tau_b), np.nan, out)
    if p_value is None:
        return out
    if not 0.0 < float(alpha) < 1.0:
        raise MethodError(f"alpha must be in (0, 1); found {alpha!r}")
    p = np.asarray(p_value, dtype=np.float64)
    if p.shape != g.shape:
        raise MethodError(f"p_value must have the shape of change {g.shape}; found {p.shape}")
    return np.where((p >= alpha) & ~np.isnan(out), 0.0, out)


# --------------------------------------------------------------------------- survey significance
def two_proportion_ztest(
    p1: npt.ArrayLike, n1: npt.ArrayLike, p2: npt.ArrayLike, n2: npt.ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Pooled two-proportion z-test, two-sided, element-wise (broadcasting).

    Same statistic as ``statsmodels.stats.proportion.proportions_ztest`` with
    ``count=[p1*n1, p2*n2]``, ``nobs=[n1, n2]``: ``z = (p1 - p2) / se`` with
    ``se = sqrt(p(1-p)(1/n1 + 1/n2))``, ``p = (p1 n1 + p2 n2) / (n1 + n2)``.

    Parameters
    ----------
    p1, p2 : array_like
        Proportions in [0, 1] (``NaN`` = missing).
    n1, n2 : array_like
        Sample sizes > 0 (``NaN`` = missing).

    Returns
    -------
    z, pvalue : ndarray
        ``NaN`` where an input is missing or ``se = 0`` (both proportions 0 or 1),
        as in statsmodels.

    Examples
    --------
    >>> z, p = two_proportion_ztest(5 / 83, 83, 12 / 99, 99)  # statsmodels docs: p = 0.159
    >>> print(round(float(z), 4), round(float(p), 3))
    -1.4078 0.159
    """
    inputs = (np.asarray(x, dtype=np.float64) for x in (p1, n1, p2, n2))
    a1, m1, a2, m2 = np.broadcast_arrays(*inputs)
    for arr, name in ((a1, "p1"), (a2, "p2")):
        raise_if_any((arr < 0) | (arr > 1), arr, f"{name} must be proportions in [0, 1]", "flat")
    for arr, name in ((m1, "n1"), (m2, "n2")):
        raise_if_any(arr <= 0, arr, f"{name} must be sample sizes > 0", "flat")
    ok = ~(np.isnan(a1) | np.isnan(a2) | np.isnan(m1) | np.isnan(m2))
    pooled = np.where(ok, (a1 * m1 + a2 * m2) / np.where(ok, m1 + m2, 1.0), np.nan)
    var = pooled * (1.0 - pooled) * (1.0 / np.where(ok, m1, 1.0) + 1.0 / np.where(ok, m2, 1.0))
    se = np.sqrt(np.maximum(var, 0.0))
    good = ok & (se > 0)
    z = np.full(a1.shape, np.nan)
    z[good] = (a1[good] - a2[good]) / se[good]
    from scipy.special import ndtr  # here: scipy.special costs ~0.2 s at import time

    pvalue = 2.0 * ndtr(-np.abs(z))
    return z, np.asarray(pvalue, dtype=np.float64)


def classify_survey(
    change: npt.ArrayLike,
    tolerance: npt.ArrayLike,
    p_start: npt.ArrayLike,
    n_start: npt.ArrayLike,
    p_end: npt.ArrayLike,
    n_end: npt.ArrayLike,
    *,
    alpha: float = 0.05,
    scale: float = 100.0,
) -> tuple[FloatArray, FloatArray]:
    """Classify survey indicators: a change not significant at ``alpha`` is stable.

    Parameters
    ----------
    change, tolerance
        As in :func:`classify`.
    p_start, p_end : array_like, same shape as ``change``
        Shares at the start / end point, on ``[0, scale]`` (percent by default).
    n_start, n_end : array_like, same shape as ``change``
        Sample sizes at the start / end point; ``NaN`` → tolerance rule only.
    alpha : float, default 0.05
        Significance level of the two-sided pooled z-test.
    scale : float, default 100.0
        The value of a share of 1 (100 for percent, 1 for proportions).

    Returns
    -------
    classes, pvalues : ndarray
        Classes as in :func:`classify`; ``pvalues`` ``NaN`` where untested.

    Examples
    --------
    >>> # 60 % of 200 -> 66 % of 200 respondents: z-test p = 0.214, so stable
    >>> cls, p = classify_survey([0.05], 0.01, [60.0], [200], [66.0], [200])
    >>> cls, p.round(3)
    (array([0.]), array([0.214]))
    """
    if not 0.0 < float(alpha) < 1.0:
        raise MethodError(f"alpha must be in (0, 1); found {alpha!r}")
    if not float(scale) > 0.0:
        raise MethodError(
            f"scale must be > 0 (100 for percent, 1 for proportions); found {scale!r}"
        )
    g = np.asarray(change, dtype=np.float64)
    arrays = [np.asarray(x, dtype=np.float64) for x in (p_start, n_start, p_end, n_end)]
    for arr, name in zip(arrays, ("p_start", "n_start", "p_end", "n_end"), strict=True):
        if arr.shape != g.shape:
            raise MethodError(f"{name} must have the shape of change {g.shape}; found {arr.shape}")
    for arr, name in ((arrays[0], "p_start"), (arrays[2], "p_end")):
        what = f"{name} must be shares in [0, {scale:g}] (pass scale=1 for proportions)"
        raise_if_any((arr < 0) | (arr > scale), arr, what, "flat")
    _, pvalue = two_proportion_ztest(arrays[0] / scale, arrays[1], arrays[2] / scale, arrays[3])
    return classify(g, tolerance, p_value=pvalue, alpha=alpha), pvalue


# --------------------------------------------------------------------------- target classifier
def _year_column(yrs: IntArray, year: int, name: str) -> int:
    if not is_int(year):
        raise MethodError(f"{name} must be an integer; found {year!r}")
    hit = np.flatnonzero(yrs == int(year))
    if not hit.size:
        raise MethodError(
            f"{name} {year} is not a year of the data ({format_items(yrs.tolist())}); choose a "
            "year with a column"
        )
    return int(hit[0])


def target_progress(
    values: npt.ArrayLike,
    years: npt.ArrayLike,
    *,
    base_year: int,
    year: int,
    target: npt.ArrayLike,
    target_year: npt.ArrayLike,
    direction: npt.ArrayLike = 1,
) -> tuple[FloatArray, IntArray]:
    """Statistics Canada / Open SDG progress towards a target (ratio of CAGRs).

    ``observed = (x_year / x_base) ** (1 / (year - base_year)) - 1`` and
    ``required = (target / x_base) ** (1 / (target_year - base_year)) - 1``;
    ``ratio = observed / required``. Classes (codes index :data:`TARGET_CLASSES`):
    0 "achieved" if ``x_year`` meets the target in the good direction, else
    1 "on track" (ratio ≥ 0.95), 2 "acceleration needed" (0.6 ≤ ratio < 0.95),
    3 "limited progress" (0 ≤ ratio < 0.6), 4 "deterioration" (ratio < 0, or the
    base year met the target and ``x_year`` no longer does; ratio ``NaN`` then);
    -1 where the target or a value is missing or not positive.

    Parameters
    ----------
    values : array_like, shape (E, I, Y)
    years : array_like of int, shape (Y,)
    base_year, year : int
        Years with a column in ``years``, ``base_year < year``.
    target : float or array_like of shape (I,)
        Target value per indicator (``NaN`` = none).
    target_year : int or array_like of int, shape (I,)
        Year of the target, > ``base_year``.
    direction : 1, -1 or array_like of shape (I,), default 1

    Returns
    -------
    ratio : ndarray (E, I) of float
    codes : ndarray (E, I) of int

    Examples
    --------
    >>> x = np.array([[[100.0, 110.0]]])  # 100 (2016) -> 110 (2018); target 130 in 2020
    >>> ratio, code = target_progress(x, [2016, 2018], base_year=2016, year=2018, target=130.0,
    ...                               target_year=2020)
    >>> ratio.round(4), TARGET_CLASSES[code[0, 0]]  # 0.048809 / 0.067790
    (array([[0.72]]), 'acceleration needed')
    """
    vals = as_values(values)
    n_ind = vals.shape[1]
    yrs = as_years(years, vals.shape[2])
    ib = _year_column(yrs, base_year, "base_year")
    it = _year_column(yrs, year, "year")
    if int(year) <= int(base_year):
        raise MethodError(f"year ({year}) must be after base_year ({base_year})")
    tgt = per_indicator(target, n_ind, "target")
    ty = per_indicator(target_year, n_ind, "target_year")
    bad_ty = ~(ty > int(base_year)) | (ty != np.round(ty))
    raise_if_any(bad_ty, ty, f"target_year must be an integer year after base_year {base_year}")
    d = direction_array(direction, n_ind)
    xb, xt = vals[:, :, ib], vals[:, :, it]
    tg = np.broadcast_to(tgt, xb.shape)
    valid = (xb > 0) & (xt > 0) & (tg > 0)  # False for NaN
    achieved = valid & (d * (xt - tg) >= 0)
    base_met = valid & ~achieved & (d * (xb - tg) >= 0)
    use = valid & ~base_met
    span_req = np.broadcast_to(ty - int(base_year), xb.shape)
    observed = (xt[use] / xb[use]) ** (1.0 / (int(year) - int(base_year))) - 1.0
    required = (tg[use] / xb[use]) ** (1.0 / span_req[use]) - 1.0
    ratio = np.full(xb.shape, np.nan)
    ratio[use] = observed / required  # required != 0 and has the sign of d here
    codes = np.select(
        [~valid, achieved, base_met, ratio >= 0.95, ratio >= 0.6, ratio >= 0.0],
        [-1, 0, 4, 1, 2, 3],
        4,
    ).astype(np.int64)
    return ratio, codes
