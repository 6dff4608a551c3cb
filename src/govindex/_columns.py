"""Column-wise helpers of the normalisation kernels (:mod:`govindex.normalize`).

The checks every kernel makes on its inputs (a 2-D float array without infinities, one
parameter per indicator, directions ±1, an output range), the column statistics it takes
over the rows that set them (``fit``: the reference rows of an index, aggregates and
totals, are normalised with the statistics of the other rows) and the warnings about
columns whose normalised values are NaN.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from govindex._typing import BoolArray, FloatArray
from govindex.exceptions import MethodError, NormalizationWarning, PanelError, format_items
from govindex.methods import check_number

__all__ = [
    "as_matrix",
    "column_range",
    "directions",
    "finite_output",
    "fit_mask",
    "label",
    "output_range",
    "per_indicator",
    "positive_scale",
    "safe_divide",
    "warn_nan_columns",
]


def as_matrix(x: Any, labels: Any = None, rows: Any = None) -> FloatArray:
    """The ``(entity, indicator)`` values as floats; :class:`PanelError` for infinities.

    NaN is missing; an infinite value is not a measurement (the panel rejects it too).
    """
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise MethodError(f"values must be numeric (entity × indicator); {exc}") from None
    if arr.ndim != 2:
        raise MethodError(f"values must be a 2-D array (entity × indicator); found {arr.shape}")
    inf = np.argwhere(np.isinf(arr))
    if inf.size:
        where = [(label(rows, e), label(labels, i)) for e, i in inf]
        raise PanelError(
            f"infinite values at (row, indicator) {format_items(where, limit=5)}: they cannot be "
            "normalised; replace them by NaN (missing) or a finite value"
        )
    return arr


def label(labels: Any, i: Any) -> str:
    return str(labels[i]) if labels is not None else str(i)


def per_indicator(value: Any, k: int, name: str) -> FloatArray:
    """Broadcast a scalar or length-k parameter to a float array of shape (k,) (NaN allowed,
    infinities not)."""
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise MethodError(
            f"parameter {name!r} must be a number or one number per indicator; got {value!r}"
        ) from None
    if arr.ndim == 0:
        arr = np.full(k, float(arr))
    elif arr.shape != (k,):
        raise MethodError(f"parameter {name!r} has shape {arr.shape}; expected a scalar or ({k},)")
    if np.isinf(arr).any():
        raise MethodError(f"parameter {name!r} must be finite (NaN = not given); got {value!r}")
    return arr


def finite_output(out: FloatArray, labels: Any, method: str) -> FloatArray:
    """``out``, or a :class:`MethodError` if a normalised value left the float range."""
    bad = np.isinf(out).any(axis=0)
    if bad.any():
        names = [label(labels, i) for i in np.flatnonzero(bad)]
        raise MethodError(
            f"{method} normalisation of indicator(s) {format_items(names)} gives values beyond "
            "the floating-point range (|value| > 1.8e308), e.g. a ratio to a reference or a "
            "range near 0; check the parameters (reference, goalposts, frontier, sd, scale)"
        )
    return out


def positive_scale(value: Any, name: str = "scale") -> float:
    return check_number(value, name, low=0.0, open_low=True)


def output_range(low: Any, high: Any) -> tuple[float, float]:
    """``low < high``, both finite, with a finite ``high − low``."""
    lo, hi = check_number(low, "low"), check_number(high, "high")
    if not lo < hi or not np.isfinite(hi - lo):
        raise MethodError(
            f"the output range needs low < high (and a finite high - low); got low={low!r}, "
            f"high={high!r}"
        )
    return lo, hi


def warn_nan_columns(bad: Any, what: str, labels: Any = None) -> None:
    if not np.any(bad):
        return
    pos = np.flatnonzero(bad)
    names = [label(labels, i) for i in pos]
    warnings.warn(
        f"{what} for {len(pos)} indicator(s) {names[:10]}: their normalised values are NaN",
        NormalizationWarning,
        stacklevel=4,
    )


def safe_divide(num: FloatArray, den: FloatArray) -> FloatArray:
    """num / den with NaN (not inf, no warning) where den is 0 or NaN."""
    den_ok = np.where(den == 0, np.nan, den)
    with np.errstate(invalid="ignore", divide="ignore"):
        return num / den_ok


def directions(direction: Any, k: int) -> FloatArray:
    d = per_indicator(1.0 if direction is None else direction, k, "direction")
    if not np.all(np.isin(d, (1.0, -1.0))):
        raise MethodError(f"direction must be 1 or -1 for every indicator; found {np.unique(d)}")
    return d


def fit_mask(fit: Any, n_rows: int) -> BoolArray | None:
    """The rows that set a kernel's column statistics, as a boolean mask (None: every row).

    Examples
    --------
    >>> fit_mask([True, False, True], 3)
    array([ True, False,  True])
    >>> fit_mask(None, 3) is None, fit_mask([True, True], 2) is None
    (True, True)
    """
    if fit is None:
        return None
    mask = np.asarray(fit)
    if mask.dtype != np.bool_ or mask.shape != (n_rows,):
        raise MethodError(
            f"fit must be one True/False per row ({n_rows} rows): the rows whose statistics "
            f"normalise every row; got {fit!r}"
        )
    if not mask.any():
        raise MethodError("fit leaves no row to take the statistics from; keep at least one")
    return None if mask.all() else mask


def column_range(x: FloatArray) -> tuple[FloatArray, FloatArray, np.ndarray]:
    """Smallest and largest value of each column, and which columns have none (NaN-safe)."""
    empty = np.all(np.isnan(x), axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        lo = np.nanmin(x, axis=0) if x.shape[0] else np.full(x.shape[1], np.nan)
        hi = np.nanmax(x, axis=0) if x.shape[0] else np.full(x.shape[1], np.nan)
    return lo, hi, empty
