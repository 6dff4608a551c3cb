"""Scaled arithmetic for the numerical core (internal): no overflow for finite inputs.

The kernels of :mod:`govindex.change`, :mod:`govindex.normalize`, :mod:`govindex.aggregate`
and the NPI compute ratios, shares and means, which do not depend on the scale of their
inputs. Where a sum, a difference or a power of finite values would leave the
floating-point range, these helpers compute the same quantity on scaled values:

* by a **power of two** (``exponent_of`` and ``numpy.ldexp``): exact for every value that
  stays a normal number, so results are bit for bit those of the unscaled formula
  wherever that formula did not overflow;
* only **where needed** (``scaled_difference``, ``halves``, ``rescued_mean``,
  ``median_abs``): the usual formula first, the scaled one for the cells that overflowed.

A quantity whose true value lies beyond the floating-point range cannot be rescued: the
callers raise a named error for it.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Literal

import numpy as np
import numpy.typing as npt

from govindex._typing import FloatArray, IntArray
from govindex.exceptions import MethodError, format_items

__all__ = [
    "checked_weights",
    "exponent_of",
    "halves",
    "median_abs",
    "rescued_mean",
    "scaled_difference",
    "scaled_weights",
]

#: a parent whose largest weight exceeds this has its weights scaled (their sum could overflow)
HUGE_WEIGHT = 2.0**960


def exponent_of(values: FloatArray, axis: int) -> IntArray:
    """Binary exponent ``e`` of the largest ``|value|`` along ``axis`` (NaN skipped, 0 if none).

    ``np.ldexp(values, -e)`` then lies in ``(-1, 1)``, exactly.

    Examples
    --------
    >>> exponent_of(np.array([[3.0, np.nan], [-1e308, np.nan]]), axis=0)
    array([1024,    0]...)
    """
    top = np.fmax.reduce(np.abs(values), axis=axis, initial=0.0)
    _, e = np.frexp(top)
    return np.asarray(e, dtype=np.int64)


def scaled_difference(x0: FloatArray, x1: FloatArray, span: FloatArray) -> FloatArray:
    """``(x1 − x0) / span``, also where ``x1 − x0`` overflows (``x1/span − x0/span`` there).

    Examples
    --------
    >>> scaled_difference(np.array([-1e308]), np.array([1e308]), np.array([3.0]))
    array([6.66666667e+307])
    """
    with np.errstate(over="ignore", invalid="ignore"):
        out = (x1 - x0) / span
        over = np.isinf(out)
        if over.any():
            out[over] = x1[over] / span[over] - x0[over] / span[over]
    return np.asarray(out, dtype=np.float64)


def median_abs(g: FloatArray) -> FloatArray:
    """Median of ``|g|`` per column (NaN skipped), also where the mean of the two middle
    values would overflow (``lo + (hi − lo) / 2`` there).

    Examples
    --------
    >>> median_abs(np.array([[1.5e308], [-1.7e308], [np.nan]]))
    array([1.6e+308])
    """
    a = np.abs(g)
    if np.isinf(a).any():
        raise MethodError(
            "change must be finite (NaN = missing) to compute a default cap; found "
            f"{int(np.isinf(a).sum())} infinite value(s)"
        )
    with np.errstate(over="ignore"):
        med = np.asarray(np.nanmedian(a, axis=0), dtype=np.float64)
    over = np.isinf(med)
    if over.any():
        lo = np.nanquantile(a[:, over], 0.5, axis=0, method="lower")
        hi = np.nanquantile(a[:, over], 0.5, axis=0, method="higher")
        med[over] = lo + (hi - lo) / 2.0
    return med


def halves(x: FloatArray, lo: FloatArray, hi: FloatArray) -> tuple[FloatArray, ...]:
    """``x``, ``lo``, ``hi`` and ``hi − lo``, halved in the columns where ``hi − lo`` overflows.

    A share ``(x − lo) / (hi − lo)`` is the same on halved values, and halving values that
    large is exact.

    Examples
    --------
    >>> x, lo, hi, rng = halves(np.array([[0.0]]), np.array([-1e308]), np.array([1e308]))
    >>> float(((x - lo) / rng)[0, 0])
    0.5
    """
    with np.errstate(over="ignore", invalid="ignore"):
        rng = hi - lo
    over = np.isinf(rng)
    if not over.any():
        return x, lo, hi, rng
    f = np.where(over, 0.5, 1.0)
    lo, hi = lo * f, hi * f
    return x * f, lo, hi, hi - lo


def checked_weights(w: npt.ArrayLike) -> FloatArray:
    """Weights as floats; :class:`MethodError` unless every weight is finite and ≥ 0.

    Examples
    --------
    >>> checked_weights([1, 2])
    array([1., 2.])
    """
    arr = np.asarray(w, dtype=np.float64)
    bad = ~np.isfinite(arr) | (arr < 0)
    if bad.any():
        raise MethodError(
            f"aggregation weights must be finite and >= 0; found "
            f"{format_items(np.unique(arr[bad]).tolist())} at {int(bad.sum())} position(s)"
        )
    return arr


def scaled_weights(w: FloatArray) -> FloatArray:
    """``w`` with each parent's weights (last axis) scaled by a power of two where huge.

    Means do not depend on the scale of the weights, and a power of two changes no bit of
    them; so a parent whose weights could overflow their sum (e.g. ``1e308, 1e308``) is
    scaled and every other parent is left as it is (the same array when none is huge).

    Examples
    --------
    >>> scaled_weights(np.array([[1e308, 1e308], [1.0, 3.0]])).sum(axis=-1)
    array([1.11253693, 4.        ])
    """
    if not w.size:
        return w
    top = w.max(axis=-1, keepdims=True)
    huge = top > HUGE_WEIGHT
    if not huge.any():
        return w
    _, exponent = np.frexp(top)
    return np.where(huge, np.ldexp(w, -exponent), w)


def rescued_mean(
    value: FloatArray,
    x: FloatArray,
    present: np.ndarray,
    mean: Callable[[FloatArray], FloatArray],
    *,
    by: Literal["max", "min"] = "max",
    exact: bool = False,
) -> FloatArray:
    """``value`` where finite, else the mean of the children scaled down (or up) first.

    Means are scale-equivariant (``M(c·x) = c·M(x)``): where a sum or power of the raw
    children (last axis of ``x``) overflowed — or, with ``by="min"``, underflowed to 0 —
    although a child is ``present``, the mean is taken of ``x / c`` with ``c`` the largest
    (``by="max"``) or smallest nonzero (``"min"``) ``|x|`` of those children, as a power of
    two or, with ``exact``, the value itself, and multiplied back.

    Examples
    --------
    >>> x = np.array([[1e308, 1e308]])
    >>> rescued_mean(np.array([np.inf]), x, np.array([True]), lambda v: v.mean(axis=-1))
    array([1.e+308])
    """
    failed = present & (~np.isfinite(value) | ((value == 0) & (by == "min")))
    if not failed.any():
        return value
    mag = np.where(np.isnan(x), np.nan, np.abs(x))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # parents without children
        positive = np.where(mag > 0, mag, np.nan)
        ref = np.nanmax(mag, axis=-1) if by == "max" else np.nanmin(positive, axis=-1)
    ref = np.where(np.isfinite(ref) & (ref > 0), ref, 1.0)
    if not exact:
        _, e = np.frexp(ref)
        ref = np.ldexp(1.0, e - 1)  # 2^(e-1) <= |ref| < 2^e; 2^e itself may overflow
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        again = mean(x / ref[..., np.newaxis]) * ref
    return np.where(failed, again, value)
