"""Window changes of indicators, their classification, significance and progress scores.

The numerical core of the "degree of improvement or deterioration over the past
3 years" (DESIGN §3). Everything works on dense arrays ``values`` of shape
``(E, I, Y)`` (entities × indicators × years, ``NaN`` = missing) and is
vectorised over entities and indicators.

* :func:`window_changes` — the annual change ``g`` of every (entity, indicator)
  over the window ``T - w … T`` with one of the rules in :data:`CHANGE_RULES`
  (``relative`` CAGR, ``absolute`` units per year, ``slope`` OLS / Theil–Sen
  relative to the window mean), with flags and reason codes for every cell.
* :func:`classify` / :func:`classify_survey` — improved / stable / deteriorated,
  the survey variant with a two-proportion z-test (:func:`two_proportion_ztest`).
* :func:`progress_score` with :func:`default_cap` and :func:`default_tolerance`.
* :func:`target_progress` — the Statistics Canada / Open SDG target classifier.

The formulas, with worked examples, are in ``docs/methodology_changes.md``.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal, TypeAlias

import numpy as np
import numpy.typing as npt
from scipy.special import ndtr

from govindex._registry import Registry
from govindex.exceptions import DataWarning, MethodError, PanelError, format_items

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
    "TARGET_CLASSES",
    "ChangeRule",
    "RuleOutput",
    "WindowChanges",
    "WindowData",
    "classify",
    "classify_survey",
    "default_cap",
    "default_tolerance",
    "flag_names",
    "progress_score",
    "take_at_years",
    "target_progress",
    "two_proportion_ztest",
    "window_changes",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
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
    FLAG_NONPOSITIVE_FALLBACK: "non-positive values: the change is scaled by the absolute base "
    "(relative: (x_end - x_start) / (span * |x_start|); slope: divided by |window mean|) "
    "instead of a growth rate",
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
    REASON_ZERO_MEAN: "slope change with a window mean of 0 (cannot be scaled)",
}

TARGET_CLASSES: Final = (
    "achieved",
    "on track",
    "acceleration needed",
    "limited progress",
    "deterioration",
)

_MIN_SPAN: Final = 2
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


ChangeKernel: TypeAlias = Callable[[WindowData], RuleOutput]

CHANGE_RULES: Registry[ChangeKernel] = Registry("change rule")
"""Registry of change rules: ``relative``, ``absolute``, ``slope``."""


@dataclass(frozen=True)
class WindowChanges:
    """Annual change of every (entity, indicator) over one window (read-only arrays).

    Attributes
    ----------
    change : ndarray (E, I)
        Direction-adjusted annual change ``g`` (``NaN`` where missing).
    raw_change : ndarray (E, I)
        The same before multiplying by the direction.
    start_year, end_year, start_value, end_value : ndarray (E, I)
        Earliest / latest point with a value in the window (``NaN`` when none).
    n_points : ndarray (E, I) of int
        Number of observations inside the window.
    flags : ndarray (E, I) of int
        Bitmask of ``FLAG_*`` constants (0 wherever ``change`` is missing).
    reason : ndarray (E, I) of int
        ``REASON_OK`` where ``change`` is defined, else a ``REASON_*`` code.
    year, window : int
        Assessment year ``T`` and window length ``w``.
    rules : tuple of str
        Change rule of each indicator.
    """

    change: FloatArray
    raw_change: FloatArray
    start_year: FloatArray
    end_year: FloatArray
    start_value: FloatArray
    end_value: FloatArray
    n_points: IntArray
    flags: IntArray
    reason: IntArray
    year: int = 0
    window: int = 3
    rules: tuple[str, ...] = ()


def flag_names(flags: int) -> list[str]:
    """Return the texts of the flags set in one bitmask.

    Examples
    --------
    >>> flag_names(FLAG_END_SHIFTED | FLAG_THEIL_SEN)[0][:20]
    'end point shifted: n'
    >>> flag_names(0)
    []
    """
    return [text for bit, text in FLAG_TEXT.items() if int(flags) & bit]


# --------------------------------------------------------------------------- validation


def _is_int(x: object) -> bool:
    return isinstance(x, numbers.Integral) and not isinstance(x, bool)


def _check(bad: np.ndarray, arr: np.ndarray, what: str, where: str = "indicator") -> None:
    """Raise ``MethodError("<what>; found <values> at <where> positions <idx>")`` if any bad."""
    idx = np.flatnonzero(bad)
    if idx.size:
        raise MethodError(
            f"{what}; found {format_items(np.ravel(arr)[idx].tolist())} at {where} positions "
            f"{format_items(idx.tolist())}"
        )


def _as_values(values: npt.ArrayLike, name: str = "values") -> FloatArray:
    arr = np.asarray(values)
    if arr.ndim != 3:
        raise MethodError(
            f"{name} must be a 3-D array (entities, indicators, years); found shape {arr.shape}. "
            "Build it with the panel's dense-array view."
        )
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise MethodError(f"{name} must be numeric; found dtype {arr.dtype}")
    out = arr.astype(np.float64)  # always a copy: the caller's array is never touched
    bad = np.argwhere(np.isinf(out))
    if bad.size:
        raise PanelError(
            f"{name} contains infinite values at (entity, indicator, year) positions "
            f"{format_items(tuple(int(v) for v in row) for row in bad)}; replace them by NaN "
            "(missing) or a finite value"
        )
    return out


def _as_years(years: npt.ArrayLike, n_years: int) -> IntArray:
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


def _rule_array(rule: str | Sequence[str], n: int) -> npt.NDArray[np.str_]:
    if isinstance(rule, str):
        names = np.full(n, rule)
    else:
        names = np.asarray(list(rule), dtype=str)
        if names.shape != (n,):
            raise MethodError(
                f"rule must be one name or a sequence with one name per indicator ({n}); "
                f"found {names.shape[0] if names.ndim == 1 else names.shape} names"
            )
    for name in np.unique(names):
        try:
            CHANGE_RULES[str(name)]
        except MethodError as exc:
            pos = np.flatnonzero(names == name)
            raise MethodError(
                f"{exc}; used at indicator positions {format_items(pos.tolist())}"
            ) from None
    return names


def _per_indicator(x: npt.ArrayLike, n: int, name: str) -> FloatArray:
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim == 0:
        return np.full(n, float(arr))
    if arr.shape != (n,):
        raise MethodError(
            f"{name} must be a scalar or have one value per indicator ({n}); found shape "
            f"{arr.shape}"
        )
    return arr.copy()


def _direction(direction: npt.ArrayLike, n: int) -> FloatArray:
    d = _per_indicator(direction, n, "direction")
    _check(
        ~np.isin(d, (1.0, -1.0)),
        d,
        "direction must be 1 (higher is better) or -1 (lower is better)",
    )
    return d


def _freeze(*arrays: np.ndarray) -> None:
    for arr in arrays:
        arr.setflags(write=False)


# --------------------------------------------------------------------------- rules


@CHANGE_RULES.register("relative")
def _relative(w: WindowData) -> RuleOutput:
    """CAGR for positive end points, else the scaled difference (flagged)."""
    x0, x1 = w.start_value, w.end_value
    span = w.end_year - w.start_year
    pos = w.valid & (x0 > 0) & (x1 > 0)
    fallback = w.valid & ~pos
    zero = fallback & (x0 == 0)
    fb = fallback & ~zero
    raw = np.full(x0.shape, np.nan)
    raw[pos] = (x1[pos] / x0[pos]) ** (1.0 / span[pos]) - 1.0
    raw[fb] = (x1[fb] - x0[fb]) / (span[fb] * np.abs(x0[fb]))
    flags = np.where(fb, FLAG_NONPOSITIVE_FALLBACK, 0).astype(np.int64)
    reason = np.where(zero, REASON_ZERO_BASE, REASON_OK).astype(np.int64)
    return RuleOutput(raw, flags, reason)


@CHANGE_RULES.register("absolute")
def _absolute(w: WindowData) -> RuleOutput:
    """Difference of the end points per year, in the indicator's units."""
    ok = w.valid
    raw = np.full(ok.shape, np.nan)
    raw[ok] = (w.end_value[ok] - w.start_value[ok]) / (w.end_year[ok] - w.start_year[ok])
    zeros = np.zeros(ok.shape, dtype=np.int64)
    return RuleOutput(raw, zeros, zeros.copy())


@CHANGE_RULES.register("slope")
def _slope(w: WindowData) -> RuleOutput:
    """OLS slope (Theil–Sen with ≥ 4 points) over the window, divided by |window mean|."""
    ok = w.valid
    shape = ok.shape
    raw = np.full(shape, np.nan)
    flags = np.zeros(shape, dtype=np.int64)
    reason = np.zeros(shape, dtype=np.int64)
    if not ok.any():
        return RuleOutput(raw, flags, reason)
    t = w.years
    avail = w.available[ok]  # (K, W)
    y_nan = w.values[ok]
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
    nonzero = y_bar != 0
    g = np.full(slope.shape, np.nan)
    g[nonzero] = slope[nonzero] / np.abs(y_bar[nonzero])
    raw[ok] = g
    flags[ok] = np.where(ts, FLAG_THEIL_SEN, 0) | np.where(y_bar < 0, FLAG_NONPOSITIVE_FALLBACK, 0)
    reason[ok] = np.where(nonzero, REASON_OK, REASON_ZERO_MEAN)
    return RuleOutput(raw, flags, reason)


# --------------------------------------------------------------------------- window changes


def window_changes(
    values: npt.ArrayLike,
    years: npt.ArrayLike,
    *,
    year: int,
    window: int = 3,
    rule: str | Sequence[str] = "relative",
    direction: npt.ArrayLike = 1,
) -> WindowChanges:
    """Direction-adjusted annual change of every (entity, indicator) over ``T - w … T``.

    Parameters
    ----------
    values : array_like, shape (E, I, Y)
        Observations (``NaN`` = missing); never modified.
    years : array_like of int, shape (Y,)
        Strictly increasing years of the last axis (gaps allowed).
    year : int
        Assessment year ``T``; must lie within ``[years.min(), years.max()]``.
    window : int, default 3
        Window length ``w`` in years (at least 2, since a change needs a 2-year span).
    rule : {"relative", "absolute", "slope"} or sequence of them, default "relative"
        One rule for all indicators or one per indicator (see :data:`CHANGE_RULES`).
    direction : 1, -1 or array_like of shape (I,), default 1
        1 if higher is better, -1 if lower is better.

    Returns
    -------
    WindowChanges
        Changes, end points, point counts, flags and reason codes, each ``(E, I)``.

    Notes
    -----
    Start point = earliest year with a value in the window, end point = latest
    (flagged when not ``T - w`` / ``T``); at least 2 points spanning at least 2
    years are needed, and changes are annualised over the actual span.

    Examples
    --------
    >>> x = np.array([[[100.0, np.nan, 110.0, 121.0], [50.0, 48.0, 46.0, np.nan]]])
    >>> wc = window_changes(x, np.arange(2019, 2023), year=2022, rule=["relative", "absolute"],
    ...                     direction=[1, -1])
    >>> wc.change.round(4)  # 100 -> 121 over 3 years; 50 -> 46 over 2 years, lower is better
    array([[0.0656, 2.    ]])
    >>> wc.flags  # the second end point was shifted to 2021
    array([[0, 2]])
    """
    vals = _as_values(values)
    n_ent, n_ind, n_year = vals.shape
    yrs = _as_years(years, n_year)
    if not _is_int(year):
        raise MethodError(f"year must be an integer; found {year!r}")
    if not _is_int(window) or int(window) < _MIN_SPAN:
        raise MethodError(
            f"window must be an integer of at least {_MIN_SPAN} years (a change needs 2 points "
            f"spanning at least 2 years); found {window!r}"
        )
    t_year, w_len = int(year), int(window)
    if not yrs[0] <= t_year <= yrs[-1]:
        raise MethodError(
            f"year {t_year} is outside the years of the data ({yrs[0]}…{yrs[-1]}); choose an "
            "assessment year covered by the panel"
        )
    rules = _rule_array(rule, n_ind)
    d = _direction(direction, n_ind)

    in_window = (yrs >= t_year - w_len) & (yrs <= t_year)
    w_vals = vals[:, :, in_window]
    w_years = yrs[in_window].astype(np.float64)
    avail = ~np.isnan(w_vals)
    n_points = avail.sum(axis=-1).astype(np.int64)
    has = n_points > 0
    nan2 = np.full((n_ent, n_ind), np.nan)
    start_year, end_year, start_value, end_value = nan2, nan2.copy(), nan2.copy(), nan2.copy()
    if w_years.size:
        first = np.argmax(avail, axis=-1)
        last = w_years.size - 1 - np.argmax(avail[..., ::-1], axis=-1)
        start_year = np.where(has, w_years[first], np.nan)
        end_year = np.where(has, w_years[last], np.nan)
        start_value = np.where(has, np.take_along_axis(w_vals, first[..., None], -1)[..., 0], nan2)
        end_value = np.where(has, np.take_along_axis(w_vals, last[..., None], -1)[..., 0], nan2)
    span = np.where(has, end_year - start_year, 0.0)
    valid = (n_points >= 2) & (span >= _MIN_SPAN)

    reason = np.select(
        [n_points == 0, n_points == 1, ~valid],
        [REASON_NO_DATA, REASON_TOO_FEW_POINTS, REASON_SHORT_SPAN],
        REASON_OK,
    ).astype(np.int64)
    raw = nan2.copy()
    flags = np.zeros((n_ent, n_ind), dtype=np.int64)
    ends = (start_year, end_year, start_value, end_value)
    cells: list[npt.NDArray[Any]] = [w_vals, avail, n_points, *ends, valid]
    for name in np.unique(rules):  # loop over the (at most 3) rule names only
        cols = rules == name
        out = CHANGE_RULES[str(name)](WindowData(w_years, *[a[:, cols] for a in cells]))
        raw[:, cols] = out.raw_change
        flags[:, cols] = out.flags
        reason[:, cols] = np.where(valid[:, cols], out.reason, reason[:, cols])
    defined = ~np.isnan(raw)
    reason[defined] = REASON_OK
    flags |= np.where(start_year != t_year - w_len, FLAG_START_SHIFTED, 0)
    flags |= np.where(end_year != t_year, FLAG_END_SHIFTED, 0)
    flags = np.where(defined, flags, 0).astype(np.int64)
    change = raw * d
    _freeze(change, raw, start_year, end_year, start_value, end_value, n_points, flags, reason)
    return WindowChanges(
        change, raw, *ends, n_points, flags, reason, t_year, w_len, tuple(map(str, rules))
    )


def take_at_years(array: npt.ArrayLike, years: npt.ArrayLike, at: npt.ArrayLike) -> FloatArray:
    """Pick ``array[e, i, year == at[e, i]]`` for every cell (e.g. sample sizes at end points).

    Parameters
    ----------
    array : array_like, shape (E, I, Y)
        Values on the same year axis as ``years`` (e.g. survey sample sizes).
    years : array_like of int, shape (Y,)
        Strictly increasing years.
    at : array_like, shape (E, I)
        Year to pick per cell (``NaN`` → ``NaN``), e.g. ``WindowChanges.end_year``.

    Returns
    -------
    ndarray, shape (E, I)

    Examples
    --------
    >>> n = np.array([[[400.0, 500.0, 600.0]]])
    >>> take_at_years(n, np.array([2020, 2021, 2022]), np.array([[2021.0]]))
    array([[500.]])
    """
    arr = _as_values(array, "array")
    yrs = _as_years(years, arr.shape[2])
    pick = np.asarray(at, dtype=np.float64)
    if pick.shape != arr.shape[:2]:
        raise MethodError(f"at must have shape {arr.shape[:2]}; found {pick.shape}")
    filled = np.where(np.isnan(pick), yrs[0], pick)
    idx = np.clip(np.searchsorted(yrs, filled), 0, yrs.size - 1)
    found = ~np.isnan(pick) & (yrs[idx] == filled)
    got = np.take_along_axis(arr, idx[..., None], -1)[..., 0]
    return np.where(found, got, np.nan)


# --------------------------------------------------------------------------- classification


def classify(change: npt.ArrayLike, tolerance: npt.ArrayLike) -> FloatArray:
    """Classify changes: 1.0 improved (``g > τ``), -1.0 deteriorated (``g < -τ``), else 0.0.

    Parameters
    ----------
    change : array_like, shape (..., I)
        Direction-adjusted changes ``g`` (``NaN`` → ``NaN``).
    tolerance : float or array_like of shape (I,)
        τ ≥ 0 per indicator; ``NaN`` τ gives ``NaN`` classes.

    Returns
    -------
    ndarray of float, same shape as ``change``

    Examples
    --------
    >>> classify(np.array([0.02, 0.005, -0.03, np.nan]), 0.01)
    array([ 1.,  0., -1., nan])
    """
    g = np.asarray(change, dtype=np.float64)
    n = g.shape[-1] if g.ndim else 1
    tau = _per_indicator(tolerance, n, "tolerance")
    _check(tau < 0, tau, "tolerance must be >= 0")
    if g.ndim == 0:
        tau_b: FloatArray | np.float64 = tau[0]
    else:
        tau_b = tau
    out = np.where(g > tau_b, 1.0, np.where(g < -tau_b, -1.0, 0.0))
    return np.where(np.isnan(g) | np.isnan(tau_b), np.nan, out)


def default_cap(
    change: npt.ArrayLike,
    rule: str | Sequence[str],
    cap: npt.ArrayLike | None = None,
    *,
    names: Sequence[str] | None = None,
) -> FloatArray:
    """Cap ``g_cap`` per indicator: the catalog's ``cap``, else the documented default.

    Defaults: 0.05 (5 % a year) for ``relative`` and ``slope``; for ``absolute`` the
    median over entities of ``|g|`` of that indicator. A median of 0 or ``NaN`` gives a
    ``NaN`` cap (progress score ``NaN``) and a :class:`DataWarning`.

    Parameters
    ----------
    change : array_like, shape (E, I)
        Annual changes (direction-adjusted or raw: only ``|g|`` is used).
    rule : str or sequence of str
        Change rule, one or one per indicator.
    cap : float or array_like of shape (I,), optional
        Catalog caps, ``NaN`` = not given. Given caps must be > 0.
    names : sequence of str, optional
        Indicator codes, used in the warning instead of positions.

    Returns
    -------
    ndarray, shape (I,)

    Examples
    --------
    >>> g = np.array([[0.5, 0.02], [-1.0, 0.01], [2.0, np.nan]])
    >>> default_cap(g, ["absolute", "relative"])  # median(|0.5|, |-1|, |2|) = 1
    array([1.  , 0.05])
    """
    g = np.asarray(change, dtype=np.float64)
    if g.ndim != 2:
        raise MethodError(f"change must be a 2-D array (entities, indicators); found {g.shape}")
    n_ind = g.shape[1]
    rules = _rule_array(rule, n_ind)
    given = _per_indicator(np.nan if cap is None else cap, n_ind, "cap")
    _check(given <= 0, given, "cap must be > 0 (or NaN for the default)")
    out = np.where(np.isnan(given), 0.05, given)
    use_median = (rules == "absolute") & np.isnan(given)
    med = np.full(n_ind, np.nan)
    computable = use_median & (~np.isnan(g)).any(axis=0)
    if computable.any():
        med[computable] = np.nanmedian(np.abs(g[:, computable]), axis=0)
    med[med == 0] = np.nan
    out[use_median] = med[use_median]
    failed = np.flatnonzero(use_median & np.isnan(out))
    if failed.size:
        label = (
            f"indicators {format_items(names[int(i)] for i in failed)}"
            if names is not None
            else f"indicator positions {format_items(failed.tolist())}"
        )
        warnings.warn(
            f"no default cap for absolute-change {label}: the median |change| across entities "
            "is 0 or missing, so their progress scores are NaN; set `cap` in the catalog",
            DataWarning,
            stacklevel=2,
        )
    return out


def default_tolerance(
    rule: str | Sequence[str],
    cap: npt.ArrayLike,
    *,
    given: npt.ArrayLike | None = None,
) -> FloatArray:
    """Tolerance τ per indicator: ``given`` (catalog), else 0.01 (relative, slope) or cap / 5.

    Parameters
    ----------
    rule : str or sequence of str
        Change rule, one or one per indicator.
    cap : float or array_like of shape (I,)
        ``g_cap`` per indicator (from :func:`default_cap`).
    given : float or array_like of shape (I,), optional
        Catalog tolerances, ``NaN`` = not given.

    Returns
    -------
    ndarray, shape (I,)

    Examples
    --------
    >>> default_tolerance(["relative", "absolute", "slope"], [0.05, 1.0, 0.05])
    array([0.01, 0.2 , 0.01])
    """
    caps = np.asarray(cap, dtype=np.float64)
    n_ind = len(rule) if not isinstance(rule, str) else (caps.shape[0] if caps.ndim else 1)
    rules = _rule_array(rule, n_ind)
    caps = _per_indicator(caps, n_ind, "cap")
    out = np.where(rules == "absolute", caps / 5.0, 0.01)
    if given is not None:
        tau = _per_indicator(given, n_ind, "tolerance")
        out = np.where(np.isnan(tau), out, tau)
    return out


def progress_score(change: npt.ArrayLike, cap: npt.ArrayLike) -> FloatArray:
    """Progress score ``s = 50 + 50 * clip(g / g_cap, -1, 1)`` (50 = no change).

    Parameters
    ----------
    change : array_like, shape (..., I)
        Direction-adjusted changes ``g``.
    cap : float or array_like of shape (I,)
        ``g_cap`` > 0 per indicator (``NaN`` → score ``NaN``).

    Returns
    -------
    ndarray, same shape as ``change``

    Examples
    --------
    >>> progress_score(np.array([0.0, 0.025, -0.1, np.nan]), 0.05)
    array([50., 75.,  0., nan])
    """
    g = np.asarray(change, dtype=np.float64)
    caps = _per_indicator(cap, g.shape[-1] if g.ndim else 1, "cap")
    _check(caps <= 0, caps, "cap must be > 0")
    return 50.0 + 50.0 * np.clip(g / (caps if g.ndim else caps[0]), -1.0, 1.0)


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
        _check((arr < 0) | (arr > 1), arr, f"{name} must be proportions in [0, 1]", "flat")
    for arr, name in ((m1, "n1"), (m2, "n2")):
        _check(arr <= 0, arr, f"{name} must be sample sizes > 0", "flat")
    ok = ~(np.isnan(a1) | np.isnan(a2) | np.isnan(m1) | np.isnan(m2))
    pooled = np.where(ok, (a1 * m1 + a2 * m2) / np.where(ok, m1 + m2, 1.0), np.nan)
    var = pooled * (1.0 - pooled) * (1.0 / np.where(ok, m1, 1.0) + 1.0 / np.where(ok, m2, 1.0))
    se = np.sqrt(np.maximum(var, 0.0))
    good = ok & (se > 0)
    z = np.full(a1.shape, np.nan)
    z[good] = (a1[good] - a2[good]) / se[good]
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
    classes = classify(change, tolerance)
    arrays = [np.asarray(x, dtype=np.float64) for x in (p_start, n_start, p_end, n_end)]
    for arr, name in zip(arrays, ("p_start", "n_start", "p_end", "n_end"), strict=True):
        if arr.shape != classes.shape:
            raise MethodError(
                f"{name} must have the shape of change {classes.shape}; found {arr.shape}"
            )
    for arr, name in ((arrays[0], "p_start"), (arrays[2], "p_end")):
        what = f"{name} must be shares in [0, {scale:g}] (pass scale=1 for proportions)"
        _check((arr < 0) | (arr > scale), arr, what, "flat")
    _, pvalue = two_proportion_ztest(arrays[0] / scale, arrays[1], arrays[2] / scale, arrays[3])
    not_significant = (pvalue >= alpha) & ~np.isnan(classes)
    return np.where(not_significant, 0.0, classes), pvalue


# --------------------------------------------------------------------------- target classifier


def _year_column(yrs: IntArray, year: int, name: str) -> int:
    if not _is_int(year):
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
    vals = _as_values(values)
    n_ind = vals.shape[1]
    yrs = _as_years(years, vals.shape[2])
    ib = _year_column(yrs, base_year, "base_year")
    it = _year_column(yrs, year, "year")
    if int(year) <= int(base_year):
        raise MethodError(f"year ({year}) must be after base_year ({base_year})")
    tgt = _per_indicator(target, n_ind, "target")
    ty = _per_indicator(target_year, n_ind, "target_year")
    bad_ty = ~(ty > int(base_year)) | (ty != np.round(ty))
    _check(bad_ty, ty, f"target_year must be an integer year after base_year {base_year}")
    d = _direction(direction, n_ind)
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
