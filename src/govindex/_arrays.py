"""Validation of the dense arrays handed to the numerical core (internal).

Shared by :mod:`govindex.change` and :mod:`govindex.significance`: every check raises a
:class:`~govindex.exceptions.MethodError` (or :class:`~govindex.exceptions.PanelError`
for infinite observations) that names the offending positions.
"""

from __future__ import annotations

import numbers

import numpy as np
import numpy.typing as npt

from govindex._typing import FloatArray, IntArray
from govindex.exceptions import MethodError, PanelError, format_items

__all__ = [
    "as_values",
    "as_years",
    "direction_array",
    "freeze",
    "is_int",
    "per_indicator",
    "points_along_years",
    "raise_if_any",
]


def is_int(x: object) -> bool:
    """Whether ``x`` is an integer (``True``/``False`` are not)."""
    return isinstance(x, numbers.Integral) and not isinstance(x, bool)


def raise_if_any(bad: np.ndarray, arr: np.ndarray, what: str, where: str = "indicator") -> None:
    """Raise ``MethodError("<what>; found <values> at <where> positions <idx>")`` if any bad."""
    idx = np.flatnonzero(bad)
    if idx.size:
        raise MethodError(
            f"{what}; found {format_items(np.ravel(arr)[idx].tolist())} at {where} positions "
            f"{format_items(idx.tolist())}"
        )


def as_values(values: npt.ArrayLike, name: str = "values", *, copy: bool = True) -> FloatArray:
    """A float copy of a 3-D ``(entities, indicators, years)`` array without infinities
    (``copy=False``: the array itself when it is float already, for a caller that only reads)."""
    arr = np.asarray(values)
    if arr.ndim != 3:
        raise MethodError(
            f"{name} must be a 3-D array (entities, indicators, years); found shape {arr.shape}. "
            "Build it with the panel's dense-array view."
        )
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise MethodError(f"{name} must be numeric; found dtype {arr.dtype}")
    out = arr.astype(
        np.float64, copy=copy
    )  # by default a copy: the caller's array is never touched
    bad = np.argwhere(np.isinf(out))
    if bad.size:
        raise PanelError(
            f"{name} contains infinite values at (entity, indicator, year) positions "
            f"{format_items(tuple(int(v) for v in row) for row in bad)}; replace them by NaN "
            "(missing) or a finite value"
        )
    return out


def as_years(years: npt.ArrayLike, n_years: int) -> IntArray:
    """The year axis: 1-D, integer, strictly increasing, of length ``n_years``."""
    arr = np.asarray(years)
    if arr.ndim != 1 or arr.shape[0] != n_years:
        raise MethodError(
            f"years must be a 1-D array of length {n_years} (the last axis of values); "
            f"found shape {arr.shape}"
        )
    if not np.issubdtype(arr.dtype, np.integer):
        raise MethodError(f"years must be integers; found dtype {arr.dtype}")
    if n_years == 0:
        raise MethodError("values has no year column; at least one year is needed")
    steps = np.diff(arr)
    if (steps <= 0).any():
        bad = arr[1:][steps <= 0]
        raise MethodError(
            f"years must be strictly increasing (sorted, no duplicates); found "
            f"{format_items(int(v) for v in bad)} out of order. Sort the year axis first."
        )
    return arr.astype(np.int64)


def per_indicator(x: npt.ArrayLike, n: int, name: str) -> FloatArray:
    """A scalar or one value per indicator, as a new float array of shape ``(n,)``."""
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim == 0:
        return np.full(n, float(arr))
    if arr.shape != (n,):
        raise MethodError(
            f"{name} must be a scalar or have one value per indicator ({n}); found shape "
            f"{arr.shape}"
        )
    return arr.copy()


def direction_array(direction: npt.ArrayLike, n: int) -> FloatArray:
    """Directions ±1 per indicator."""
    d = per_indicator(direction, n, "direction")
    raise_if_any(
        ~np.isin(d, (1.0, -1.0)),
        d,
        "direction must be 1 (higher is better) or -1 (lower is better)",
    )
    return d


def freeze(*arrays: np.ndarray) -> None:
    """Make arrays read-only (results hand out views of them)."""
    for arr in arrays:
        arr.setflags(write=False)


def points_along_years(avail: npt.NDArray[np.bool_]) -> tuple[IntArray, IntArray, IntArray]:
    """Number of points, first and last position with a point, along the last (year) axis.

    Without a point the first position is 0 and the last the final one (as ``argmax`` gives).
    One pass per year of the window (a few), instead of reductions along a short last axis.
    """
    n_year = avail.shape[-1]
    count = np.zeros(avail.shape[:-1], dtype=np.int64)
    first = np.zeros(avail.shape[:-1], dtype=np.intp)
    last = np.full(avail.shape[:-1], max(n_year - 1, 0), dtype=np.intp)
    for k in range(n_year):
        count += avail[..., k]
        np.copyto(last, k, where=avail[..., k])
        np.copyto(first, n_year - 1 - k, where=avail[..., n_year - 1 - k])
    return count, first, last
