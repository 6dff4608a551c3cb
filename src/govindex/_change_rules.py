"""The change-rule kernels of :mod:`govindex.change` (internal; re-exported there).

Each rule turns the end points and values of a window (:class:`WindowData`) into an
undirected annual change with flags and reason codes (:class:`RuleOutput`), and is
registered by name in :data:`CHANGE_RULES`: ``relative`` (CAGR), ``absolute`` (units per
year) and ``slope`` (OLS / Theil–Sen over the base level). Every rule is non-decreasing in
the end value (a better end value never lowers the change) and is computed without
overflow (:mod:`govindex._numerics`). Formulas: ``docs/methodology_changes.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal, TypeAlias

import numpy as np

from govindex._numerics import exponent_of, scaled_difference
from govindex._registry import Registry
from govindex._typing import BoolArray, FloatArray, IntArray

__all__ = [
    "CHANGE_RULES",
    "FLAG_END_SHIFTED",
    "FLAG_NONPOSITIVE_FALLBACK",
    "FLAG_START_SHIFTED",
    "FLAG_TEXT",
    "FLAG_THEIL_SEN",
    "REASON_NO_DATA",
    "REASON_OK",
    "REASON_SHORT_SPAN",
    "REASON_TEXT",
    "REASON_TOO_FEW_POINTS",
    "REASON_ZERO_BASE",
    "REASON_ZERO_MEAN",
    "ChangeKernel",
    "ChangeRule",
    "RuleOutput",
    "WindowData",
]

ChangeRule: TypeAlias = Literal["relative", "absolute", "slope"]

FLAG_START_SHIFTED: Final = 1
FLAG_END_SHIFTED: Final = 2
FLAG_NONPOSITIVE_FALLBACK: Final = 4
FLAG_THEIL_SEN: Final = 8

FLAG_TEXT: Final[dict[int, str]] = {
    FLAG_START_SHIFTED: "start point shifted: no value in year T-w, the earliest year of the "
    "window with a value was used",
    FLAG_END_SHIFTED: "end point shifted: no value in year T, the latest year of the window "
    "with a value was used",
    FLAG_NONPOSITIVE_FALLBACK: "non-positive values, so no growth rate: relative rule: "
    "-1 + x_end / (span * x_start) when the value fell to 0 or below (it joins the growth rate "
    "at -100 %), (x_end - x_start) / (span * |x_start|) from a negative start; slope rule: a "
    "negative value in the window (the base level is the mean of |x|)",
    FLAG_THEIL_SEN: "4 or more points: Theil-Sen slope (median of pairwise slopes) instead of OLS",
}

REASON_OK: Final = 0
REASON_NO_DATA: Final = 1
REASON_TOO_FEW_POINTS: Final = 2
REASON_SHORT_SPAN: Final = 3
REASON_ZERO_BASE: Final = 4
REASON_ZERO_MEAN: Final = 5

REASON_TEXT: Final[dict[int, str]] = {
    REASON_OK: "change computed",
    REASON_NO_DATA: "no value in the window",
    REASON_TOO_FEW_POINTS: "only one value in the window (at least 2 are needed)",
    REASON_SHORT_SPAN: "the values in the window span less than 2 years",
    REASON_ZERO_BASE: "relative change with a start value of 0 (growth from 0 is undefined)",
    REASON_ZERO_MEAN: "slope change with a base level of 0 (every value before the end point "
    "is 0, so the slope cannot be scaled)",
}


_THEIL_SEN_MIN_POINTS: Final = 4


@dataclass(frozen=True)
class WindowData:
    """Input of a change-rule kernel: the window of some indicator columns.

    All arrays have shape ``(E, J)`` except ``values``/``available`` ``(E, J, W)`` and
    ``years`` ``(W,)``. ``valid`` marks cells with at least 2 points spanning at
    least 2 years; kernels only need to fill those.
    """

    years: FloatArray
    values: FloatArray
    available: BoolArray
    n_points: IntArray
    start_year: FloatArray
    end_year: FloatArray
    start_value: FloatArray
    end_value: FloatArray
    valid: BoolArray


@dataclass(frozen=True)
class RuleOutput:
    """Output of a change-rule kernel, each ``(E, J)``: undirected change, flags, reason."""

    raw_change: FloatArray
    flags: IntArray
    reason: IntArray


# public as govindex.change.WindowData / RuleOutput (documented and pickled under that name)
WindowData.__module__ = RuleOutput.__module__ = "govindex.change"

ChangeKernel: TypeAlias = Callable[[WindowData], RuleOutput]

CHANGE_RULES: Registry[ChangeKernel] = Registry("change rule")
"""Registry of change rules: ``relative``, ``absolute``, ``slope``."""


# --------------------------------------------------------------------------- rules


@CHANGE_RULES.register("relative")
def _relative(w: WindowData) -> RuleOutput:
    """CAGR for positive end points; continuous, increasing extensions elsewhere (flagged).

    ``x_start > 0 ≥ x_end``: ``−1 + x_end / (span · x_start)`` (the growth rate's −100 %
    at ``x_end = 0``, falling on linearly); ``x_start < 0``: ``(x_end − x_start) /
    (span · |x_start|)``; ``x_start = 0``: undefined (``REASON_ZERO_BASE``).
    """
    x0, x1 = w.start_value, w.end_value
    span = w.end_year - w.start_year
    pos = w.valid & (x0 > 0) & (x1 > 0)
    fell = w.valid & (x0 > 0) & (x1 <= 0)
    neg = w.valid & (x0 < 0)
    zero = w.valid & (x0 == 0)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        # elementwise over the whole arrays (the positive cells are nearly all of them), the
        # other cells set to NaN after: the same operations on each cell, without gathers
        ratio = x1 / x0
        raw = np.where(pos, ratio ** (1.0 / span) - 1.0, np.nan)
        # a ratio beyond the float range: the same growth rate through logarithms
        huge = pos & np.isinf(ratio)
        if huge.any():
            logs = np.log(x1[huge]) - np.log(x0[huge])
            raw[huge] = np.expm1(logs / span[huge])
        if fell.any():
            raw[fell] = x1[fell] / (span[fell] * x0[fell]) - 1.0
        if neg.any():
            raw[neg] = scaled_difference(x0[neg], x1[neg], span[neg]) / np.abs(x0[neg])
    flags = np.where(fell | neg, FLAG_NONPOSITIVE_FALLBACK, 0).astype(np.int64)
    reason = np.where(zero, REASON_ZERO_BASE, REASON_OK).astype(np.int64)
    return RuleOutput(raw, flags, reason)


@CHANGE_RULES.register("absolute")
def _absolute(w: WindowData) -> RuleOutput:
    """Difference of the end points per year, in the indicator's units."""
    ok = w.valid
    raw = np.full(ok.shape, np.nan)
    span = w.end_year[ok] - w.start_year[ok]
    raw[ok] = scaled_difference(w.start_value[ok], w.end_value[ok], span)
    zeros = np.zeros(ok.shape, dtype=np.int64)
    return RuleOutput(raw, zeros, zeros.copy())


@CHANGE_RULES.register("slope")
def _slope(w: WindowData) -> RuleOutput:
    """OLS slope (Theil–Sen with ≥ 4 points) over the window, divided by the base level.

    The base level is the mean of ``|x_t|`` over the points before the end point: it
    does not move with the end value, so a better end value never lowers the change.
    """
    ok = w.valid
    shape = ok.shape
    raw = np.full(shape, np.nan)
    flags = np.zeros(shape, dtype=np.int64)
    reason = np.zeros(shape, dtype=np.int64)
    if not ok.any():
        return RuleOutput(raw, flags, reason)
    t = w.years
    avail = w.available[ok]  # (K, W)
    # each cell scaled by a power of two (exact): no sum or difference below can overflow,
    # and the change, a ratio of slope and level, does not depend on the scale
    y_nan = np.ldexp(w.values[ok], -exponent_of(w.values[ok], axis=1)[:, None])
    y = np.where(avail, y_nan, 0.0)
    n = w.n_points[ok].astype(np.float64)
    t_bar = np.where(avail, t, 0.0).sum(axis=1) / n
    y_bar = y.sum(axis=1) / n
    dt = np.where(avail, t - t_bar[:, None], 0.0)
    slope = (dt * (y - y_bar[:, None])).sum(axis=1) / (dt**2).sum(axis=1)
    ts = n >= _THEIL_SEN_MIN_POINTS
    if ts.any():
        j, k = np.triu_indices(t.shape[0], 1)
        yts = y_nan[ts]
        pairs = (yts[:, k] - yts[:, j]) / (t[k] - t[j])  # NaN where a point is missing
        slope[ts] = np.nanmedian(pairs, axis=1)
    base = avail & (t < w.end_year[ok][:, None])  # the points before the end point (≥ 1)
    level = np.abs(y).sum(axis=1, where=base) / base.sum(axis=1)
    positive = level > 0
    g = np.full(slope.shape, np.nan)
    with np.errstate(over="ignore"):
        g[positive] = slope[positive] / level[positive]
    # a base level lost to the scaling (values < 2^-1000 of the largest) is not 0: the
    # change is beyond the float range, and window_changes reports it
    lost = ~positive & np.any(w.values[ok] != 0, axis=1, where=base)
    g[lost] = np.where(slope[lost] == 0, 0.0, np.copysign(np.inf, slope[lost]))
    raw[ok] = g
    negative = (y < 0).any(axis=1)
    flags[ok] = np.where(ts, FLAG_THEIL_SEN, 0) | np.where(negative, FLAG_NONPOSITIVE_FALLBACK, 0)
    reason[ok] = np.where(positive | lost, REASON_OK, REASON_ZERO_MEAN)
    return RuleOutput(raw, flags, reason)
