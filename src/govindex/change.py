"""Window changes of indicators, their classification, significance and progress scores.

The numerical core of the "degree of improvement or deterioration over the past
3 years" (DESIGN §3). Everything works on dense arrays ``values`` of shape
``(E, I, Y)`` (entities × indicators × years, ``NaN`` = missing) and is
vectorised over entities and indicators.

* :func:`window_changes` — the annual change ``g`` of every (entity, indicator)
  over the window ``T - w … T`` with one of the rules in :data:`CHANGE_RULES`
  (``relative`` CAGR, ``absolute`` units per year, ``slope`` OLS / Theil–Sen
  relative to the base level), with flags and reason codes for every cell. Every
  rule is non-decreasing in the end value (a better end value never lowers the
  change) and computed without overflow; a change beyond the floating-point range
  is a :class:`~govindex.exceptions.PanelError` naming the cells.
* :func:`progress_score` with :func:`default_cap` and :func:`default_tolerance`.
* The classes — :func:`classify` / :func:`classify_survey` (improved / stable /
  deteriorated, the survey variant with a two-proportion z-test,
  :func:`two_proportion_ztest`) and :func:`target_progress` (the Statistics Canada /
  Open SDG target classifier) — live in :mod:`govindex.classification` and are
  importable from here too.

The formulas, with worked examples, are in ``docs/methodology_changes.md``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import numpy.typing as npt

from govindex._arrays import (
    as_values,
    as_years,
    direction_array,
    freeze,
    is_int,
    per_indicator,
    points_along_years,
    raise_if_any,
)
from govindex._change_rules import (
    CHANGE_RULES,
    FLAG_END_SHIFTED,
    FLAG_NONPOSITIVE_FALLBACK,
    FLAG_START_SHIFTED,
    FLAG_TEXT,
    FLAG_THEIL_SEN,
    REASON_NO_DATA,
    REASON_OK,
    REASON_SHORT_SPAN,
    REASON_TEXT,
    REASON_TOO_FEW_POINTS,
    REASON_ZERO_BASE,
    REASON_ZERO_MEAN,
    ChangeRule,
    RuleOutput,
    WindowData,
)
from govindex._numerics import median_abs
from govindex._typing import FloatArray, IntArray
from govindex.classification import TARGET_CLASSES as TARGET_CLASSES  # re-export
from govindex.classification import (
    classify,
    classify_survey,
    target_progress,
    two_proportion_ztest,
)
from govindex.exceptions import (
    DataWarning,
    MethodError,
    PanelError,
    format_items,
    listing_warning,
)

if TYPE_CHECKING:
    import pandas as pd

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

_MIN_SPAN: Final = 2


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


# --------------------------------------------------------------------------- window changes


def window_changes(
    values: npt.ArrayLike,
    years: npt.ArrayLike,
    *,
    year: int,
    window: int = 3,
    rule: str | Sequence[str] = "relative",
    direction: npt.ArrayLike = 1,
    entity_labels: Sequence[str] | pd.Index | None = None,
    indicator_labels: Sequence[str] | pd.Index | None = None,
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
    entity_labels, indicator_labels : sequence of str, optional
        Codes of the entities and indicators, used to name cells in errors.

    Returns
    -------
    WindowChanges
        Changes, end points, point counts, flags and reason codes, each ``(E, I)``.

    Raises
    ------
    PanelError
        If a change lies beyond the floating-point range (e.g. a growth from 1e-300 to
        1e300): the error names the cells and their values.

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
    vals = as_values(values, copy=False)  # only read here, never written
    n_ent, n_ind, n_year = vals.shape
    yrs = as_years(years, n_year)
    if not is_int(year):
        raise MethodError(f"year must be an integer; found {year!r}")
    if not is_int(window) or int(window) < _MIN_SPAN:
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
    d = direction_array(direction, n_ind)

    in_window = (yrs >= t_year - w_len) & (yrs <= t_year)
    w_vals = vals if in_window.all() else vals[:, :, in_window]
    w_years = yrs[in_window].astype(np.float64)
    avail = ~np.isnan(w_vals)
    n_points, first, last = points_along_years(avail)
    has = n_points > 0
    nan2 = np.full((n_ent, n_ind), np.nan)
    start_year, end_year, start_value, end_value = nan2, nan2.copy(), nan2.copy(), nan2.copy()
    if w_years.size:
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
    names = np.unique(rules)
    for name in names:  # loop over the (at most 3) rule names only
        # one rule for every indicator (the usual case): the arrays as they are, no copies
        cols = slice(None) if len(names) == 1 else rules == name
        out = CHANGE_RULES[str(name)](WindowData(w_years, *[a[:, cols] for a in cells]))
        raw[:, cols] = out.raw_change
        flags[:, cols] = out.flags
        reason[:, cols] = np.where(valid[:, cols], out.reason, reason[:, cols])
    _check_finite(raw, start_value, end_value, entity_labels, indicator_labels)
    defined = ~np.isnan(raw)
    reason[defined] = REASON_OK
    flags |= np.where(start_year != t_year - w_len, FLAG_START_SHIFTED, 0)
    flags |= np.where(end_year != t_year, FLAG_END_SHIFTED, 0)
    flags = np.where(defined, flags, 0).astype(np.int64)
    change = raw * d
    freeze(change, raw, start_year, end_year, start_value, end_value, n_points, flags, reason)
    return WindowChanges(
        change, raw, *ends, n_points, flags, reason, t_year, w_len, tuple(map(str, rules))
    )


def _check_finite(
    raw: FloatArray,
    start: FloatArray,
    end: FloatArray,
    entities: Sequence[str] | pd.Index | None,
    indicators: Sequence[str] | pd.Index | None,
) -> None:
    """Raise :class:`PanelError` for a change beyond the floating-point range."""
    bad = np.argwhere(np.isinf(raw))
    if not bad.size:
        return
    cells = [
        f"{entities[e] if entities is not None else e}/"
        f"{indicators[i] if indicators is not None else i} "
        f"({start[e, i]:.6g} -> {end[e, i]:.6g})"
        for e, i in bad.tolist()
    ]
    raise PanelError(
        "the annual change lies beyond the floating-point range (|g| > 1.8e308) for "
        f"(entity/indicator) {format_items(cells, limit=5)}; check the units of these values "
        "(a start value near 0 makes a relative change explode) or use the absolute rule"
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
    arr = as_values(array, "array")
    yrs = as_years(years, arr.shape[2])
    pick = np.asarray(at, dtype=np.float64)
    if pick.shape != arr.shape[:2]:
        raise MethodError(f"at must have shape {arr.shape[:2]}; found {pick.shape}")
    filled = np.where(np.isnan(pick), yrs[0], pick)
    idx = np.clip(np.searchsorted(yrs, filled), 0, yrs.size - 1)
    found = ~np.isnan(pick) & (yrs[idx] == filled)
    got = np.take_along_axis(arr, idx[..., None], -1)[..., 0]
    return np.where(found, got, np.nan)


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
    given = per_indicator(np.nan if cap is None else cap, n_ind, "cap")
    raise_if_any(
        (given <= 0) | np.isinf(given),
        given,
        "cap must be a finite number > 0 (or NaN for the default)",
    )
    out = np.where(np.isnan(given), 0.05, given)
    use_median = (rules == "absolute") & np.isnan(given)
    med = np.full(n_ind, np.nan)
    computable = use_median & (~np.isnan(g)).any(axis=0)
    if computable.any():
        med[computable] = median_abs(g[:, computable])
    med[med == 0] = np.nan
    out[use_median] = med[use_median]
    failed = np.flatnonzero(use_median & np.isnan(out))
    if failed.size:
        label = "indicators" if names is not None else "indicator positions"
        listed = [names[int(i)] for i in failed] if names is not None else failed.tolist()
        warnings.warn(
            listing_warning(
                DataWarning,
                f"no default cap for absolute-change {label} {{items}}: the median |change| "
                "across entities is 0 or missing, so their progress scores are NaN; set `cap` "
                "in the catalog",
                listed,
            ),
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
    caps = per_indicator(caps, n_ind, "cap")
    out = np.where(rules == "absolute", caps / 5.0, 0.01)
    if given is not None:
        tau = per_indicator(given, n_ind, "tolerance")
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
    caps = per_indicator(cap, g.shape[-1] if g.ndim else 1, "cap")
    raise_if_any((caps <= 0) | np.isinf(caps), caps, "cap must be a finite number > 0")
    with np.errstate(over="ignore"):  # g / cap beyond the float range is clipped anyway
        return 50.0 + 50.0 * np.clip(g / (caps if g.ndim else caps[0]), -1.0, 1.0)
