"""Series-break detection: :func:`series_breaks`.

A reorganised body or a redrawn region shows in its series before anyone writes a
:class:`~govindex.prepare.lineage.Lineage` for it: several indicators of one entity
shift in the same year (a level shift), or its series start or end together (a new or
a dissolved entity). :func:`series_breaks` finds such years so that they can be
explained by a lineage, or flagged; ``govindex validate`` reports them. The rules,
with worked examples, are in ``docs/lineage.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from govindex._arrays import points_along_years
from govindex._typing import BoolArray, FloatArray, IntArray
from govindex.exceptions import MethodError
from govindex.panel import Panel, require_panel

__all__ = [
    "BREAK_ALPHA",
    "BREAK_THRESHOLD",
    "WINDOW_BREAK_COLUMNS",
    "WindowStatistics",
    "extreme_rate",
    "log_change_statistics",
    "series_breaks",
    "stat_rows",
    "window_break_counts",
    "window_breaks",
    "window_statistics",
]

#: |robust z| of a year-on-year log change above which it counts as extreme.
BREAK_THRESHOLD: Final = 5.0
#: Level shifts: largest binomial tail probability of the coincidence to report a break.
BREAK_ALPHA: Final = 0.005
_MIN_CHANGES: Final = 10  # fewest log changes of an indicator needed to score it
_MIN_SCALE: Final = 0.02  # floor of the robust scale of log changes (about 2 % a year)
_MIN_LEVEL: Final = 0.05  # values below 5 % of the indicator's median |x| are not scored
_MIN_YEAR_PEERS: Final = 3  # entities with a change needed to centre a year on its median
_COLUMNS: Final = ("entity", "year", "kind", "n_indicators", "indicators", "max_abs_z", "p_value")
#: :func:`window_breaks`: most entities whose changes make the statistics (evenly spaced).
_MAX_STAT_ROWS: Final = 1000
#: Columns of :func:`window_breaks`.
WINDOW_BREAK_COLUMNS: Final = (
    "entity", "indicator", "year", "kind", "before", "after", "robust_z", "evidence",
)  # fmt: skip
#: Why :func:`window_breaks` reports a series, by evidence code.
_EVIDENCE: Final = (
    "several series of the entity shift together",
    "another entity's series of the indicator starts or ends that year",
    "the entities table has an entity starting or ending that year",
    "the entity's series start together that year",
    "the entity's series end together that year",
)


def _nanmedian(a: FloatArray) -> FloatArray:
    """Median along the last axis, NaN skipped (NaN where all are NaN): the same values as
    :func:`numpy.nanmedian`, without its loop over rows.

    NaN become +inf (sorted last); every row is partitioned at the lowest and the highest
    middle position of all rows (they differ only by the rows' missing values), and only
    the band between them is sorted.
    """
    n = (~np.isnan(a)).sum(axis=-1)
    if a.shape[-1] == 0:
        return np.full(a.shape[:-1], np.nan)
    lo_at = np.maximum((n - 1) // 2, 0)[..., None]
    hi_at = np.maximum(n // 2, 0)[..., None]
    first, last = int(lo_at.min()), int(hi_at.max())
    part = np.partition(np.where(np.isnan(a), np.inf, a), [first, last], axis=-1)
    band = np.sort(part[..., first : last + 1], axis=-1)
    lo = np.take_along_axis(band, lo_at - first, axis=-1)[..., 0]
    hi = np.take_along_axis(band, hi_at - first, axis=-1)[..., 0]
    return np.where(n > 0, (lo + hi) / 2, np.nan)


def log_change_statistics(values: FloatArray) -> tuple[FloatArray, ...]:
    """The statistics of the robust z of log changes, from the rows that make them.

    ``values`` (E, I, Y) are the rows of the entities whose changes make the statistics
    (:func:`window_breaks`: at most 1,000 ordinary entities). Returns the level ``(I,)``
    (median ``|x|``), the year medians ``(I, Y-1)`` of the log changes, and the median
    and scale ``(I,)`` of the changes net of the year medians.
    """
    level = _nanmedian(np.moveaxis(np.abs(values), 1, 0).reshape(values.shape[1], -1))
    floor = (_MIN_LEVEL * np.nan_to_num(level))[None, :, None]
    cs = _log_changes(values, floor)
    n_year = (~np.isnan(cs)).sum(axis=0)  # (I, Y-1) entities with a change
    centre_ok = n_year >= _MIN_YEAR_PEERS
    year_med = np.where(centre_ok, _nanmedian(np.moveaxis(cs, 0, -1)), 0.0)
    ds = cs - year_med[None]  # common shocks (a national reform, a pandemic year) removed
    flat = np.moveaxis(ds, 1, 0).reshape(ds.shape[1], -1)
    med = _nanmedian(flat)
    mad = 1.4826 * _nanmedian(np.abs(flat - med[:, None]))
    scale = np.maximum(np.nan_to_num(mad), _MIN_SCALE)
    scale = np.where((~np.isnan(flat)).sum(axis=1) >= _MIN_CHANGES, scale, np.nan)
    return level, year_med, med, scale


def _log_change_z(values: FloatArray, stats: tuple[FloatArray, ...] | None = None) -> FloatArray:
    """Robust z of year-on-year log changes, centred on each year's median across entities.

    ``stats``: :func:`log_change_statistics` of the rows that make the statistics (default:
    of every row); every entity is scored. The changes of a row do not depend on the other
    rows, so the statistics of a subset are those of its rows of ``values``.
    """
    level, year_med, med, scale = log_change_statistics(values) if stats is None else stats
    floor = (_MIN_LEVEL * np.nan_to_num(level))[None, :, None]
    d = _log_changes(values, floor) - year_med[None]
    return np.asarray((d - med[None, :, None]) / scale[None, :, None], dtype=np.float64)


def _text(labels: Sequence[str] | pd.Index) -> npt.NDArray[np.object_]:
    """Labels as an object array of ``str`` (a ``str`` index as it is, else one by one)."""
    if isinstance(labels, pd.Index) and labels.dtype == "str" and not labels.hasnans:
        return labels.to_numpy(dtype=object)
    return np.asarray([str(e) for e in labels], dtype=object)


def _log_changes(values: FloatArray, floor: FloatArray) -> FloatArray:
    """``log(x_t / x_{t−1})`` where both values are positive and above ``floor``."""
    prev, cur = values[..., :-1], values[..., 1:]
    # log changes between values near 0 (a rate falling from 2.3 to 0.3) are rounding noise
    ok = (prev > floor) & (cur > floor) & (prev > 0) & (cur > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(ok, np.log(np.where(ok, cur, 1.0) / np.where(ok, prev, 1.0)), np.nan)


def _join_codes(mask: BoolArray, ind: npt.NDArray[np.str_]) -> list[str]:
    return [", ".join(ind[row]) for row in mask]


def series_breaks(
    panel: Panel,
    *,
    threshold: float = BREAK_THRESHOLD,
    min_indicators: int = 2,
    alpha: float = BREAK_ALPHA,
) -> pd.DataFrame:
    """Find likely series breaks (reorganised bodies, redrawn regions) in a panel.

    Three kinds of finding per (entity, year ``t``):

    * ``level shift`` — at least ``min_indicators`` indicators of the entity have an
      extreme log change ``log(x_t / x_{t−1})``: its robust z-score, after removing
      the year's median change across entities, exceeds ``threshold`` in absolute
      value (scale ``max(1.4826·MAD, 0.02)`` per indicator, indicators with ≥ 10
      changes) and is not also extreme in ``t − 1`` or ``t + 1`` (that is a trend);
      and so many coincidences are unlikely by chance: the binomial tail
      ``P(X ≥ count)``, ``X ~ Bin(n, rate)`` with ``n`` the entity's indicators with
      a change in ``t`` and ``rate`` the panel's share of extreme changes, is below
      ``alpha``;
    * ``series start`` — at least ``min_indicators`` of the entity's series begin in
      ``t``, and they are at least half of the entity's series that could have had a
      value in ``t − 1`` (the indicator had one for another entity, or is the entity's
      own): a new entity or a reorganised body;
    * ``series end`` — likewise, series that stop after ``t − 1`` while the
      indicators continue for other entities in ``t`` (a dissolved entity).

    Parameters
    ----------
    panel : Panel
    threshold : float, default 5.0
    min_indicators : int, default 2
    alpha : float, default 0.005

    Returns
    -------
    DataFrame
        Columns ``entity``, ``year``, ``kind``, ``n_indicators``, ``indicators``
        (comma-separated codes), ``max_abs_z`` (level shifts) and ``p_value``, sorted
        by year and entity.

    Examples
    --------
    A region loses a third of its territory in 2020 (both counts drop), the others drift:

    >>> rng = np.random.default_rng(0)
    >>> years = np.arange(2014, 2023)
    >>> rows = [(f"R{e}", ind, int(y), 100 * 1.02 ** (y - 2014) * rng.normal(1, 0.01))
    ...         for e in range(8) for ind in ("schools", "doctors", "rate") for y in years]
    >>> df = pd.DataFrame(rows, columns=["entity", "indicator", "year", "value"])
    >>> df.loc[(df.entity == "R3") & (df.year >= 2020) & (df.indicator != "rate"), "value"] *= 0.6
    >>> series_breaks(Panel.from_frame(df))[["entity", "year", "kind", "indicators"]]
      entity  year         kind          indicators
    0     R3  2020  level shift  doctors, schools
    """
    require_panel(panel)
    if not threshold > 0:
        raise MethodError(f"threshold must be > 0; got {threshold!r}")
    if int(min_indicators) != min_indicators or min_indicators < 1:
        raise MethodError(f"min_indicators must be a positive integer; got {min_indicators!r}")
    if not 0.0 < alpha <= 1.0:
        raise MethodError(f"alpha must lie in (0, 1]; got {alpha!r}")
    vals = np.asarray(panel.values)
    if vals.shape[2] < 2 or not vals.size:
        return _empty_breaks(_COLUMNS)
    frames = [
        _level_shifts(panel, vals, threshold, min_indicators, alpha),
        *_starts_and_ends(panel, vals, min_indicators),
    ]
    frames = [f for f in frames if f is not None]
    if not frames:
        return _empty_breaks(_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    out = out.astype(
        {
            "entity": "str",
            "kind": "str",
            "indicators": "str",
            "year": "int64",
            "n_indicators": "int64",
        }
    )
    return (
        out.sort_values(["year", "entity", "kind"], kind="stable")
        .reset_index(drop=True)
        .loc[:, list(_COLUMNS)]
    )


def _extreme(z: FloatArray, threshold: float) -> BoolArray:
    """One-off extreme changes: ``|z| > threshold`` and not extreme the year before or after."""
    scored = ~np.isnan(z)
    big = scored & (np.abs(np.where(scored, z, 0.0)) > threshold)
    # a break is a one-off shift: a series that is extreme in the year before or after too
    # is growing fast (a trend), not being redrawn
    pad = np.zeros((*big.shape[:2], 1), dtype=bool)
    neighbour = np.concatenate([pad, big[..., :-1]], axis=2) | np.concatenate(
        [big[..., 1:], pad], axis=2
    )
    return np.asarray(big & ~neighbour, dtype=bool)


def _shift_test(
    z: FloatArray, extreme: BoolArray, min_indicators: int, alpha: float, rate: float | None = None
) -> tuple[BoolArray, FloatArray]:
    """Entity-years ``(E, Y-1)`` with a coincidence of extreme changes unlikely by chance,
    and the binomial tail probability of each (``rate``: the share of extreme changes,
    default: among the rows of ``z``)."""
    from scipy.special import bdtrc  # P(X > k) of a binomial; lighter than scipy.stats

    scored = ~np.isnan(z)
    if rate is None:
        rate = extreme_rate(int(extreme.sum()), int(scored.sum()))
    count = extreme.sum(axis=1)  # (E, Y-1)
    n = scored.sum(axis=1)
    pval = np.where(count > 0, bdtrc(np.maximum(count - 1, 0), n, rate), 1.0)
    return (count >= min_indicators) & (pval < alpha), np.asarray(pval, dtype=np.float64)


def window_breaks(
    values: npt.ArrayLike,
    entities: Sequence[str] | pd.Index,
    indicators: Sequence[str] | pd.Index,
    years: npt.ArrayLike,
    *,
    year: int,
    window: int,
    threshold: float = BREAK_THRESHOLD,
    alpha: float = BREAK_ALPHA,
    reference: npt.ArrayLike | None = None,
    boundary_years: Sequence[int] = (),
    statistics: WindowStatistics | None = None,
) -> pd.DataFrame:
    """Series breaks inside an assessment window ``year − window … year``, per series.

    Only the window's values are used (a result depends on the window's data only).
    A series (entity, indicator) breaks in year ``t`` (``year − window < t ≤ year``):

    * ``level shift`` — its log change into ``t`` is a one-off extreme change (robust
      z above ``threshold``, as in :func:`series_breaks`, from the window's changes),
      and either several series of the entity shift together (the binomial test of
      :func:`series_breaks`), or another entity's series of the indicator starts or
      ends in ``t`` (the map was redrawn that year), or an entity of the entities
      table starts or ends in ``t`` (``boundary_years``);
    * ``series start`` / ``series end`` — the series starts in ``t`` (ends in
      ``t − 1``) together with at least half of the entity's series that could: a new
      (or a dissolved) entity.

    Parameters
    ----------
    values : array_like, shape (E, I, Y)
        Observations, before any imputation or re-basing.
    entities, indicators : sequence of str
        Labels of axes 0 and 1.
    years : array_like of int, shape (Y,)
        Years of axis 2.
    year, window : int
        Assessment year and window length.
    threshold, alpha : float
        As in :func:`series_breaks`.
    reference : array_like of bool, shape (E,), optional
        Reference rows (aggregates, totals): scored, left out of the statistics. (With
        more than 1,000 other entities, the statistics come from 1,000 of them, evenly
        spaced in the entity order.)
    boundary_years : sequence of int
        Years in which the entities table says an entity started or ended.
    statistics : WindowStatistics, optional
        The statistics across entities (medians, counts, the share of extreme changes),
        computed over every entity of the assessment (:func:`window_statistics`): the
        rows of ``values`` are then a chunk of the entities, and the result is the chunk's
        part of the result for all of them. Default: computed from ``values``.

    Returns
    -------
    DataFrame
        Columns :data:`WINDOW_BREAK_COLUMNS`: ``before`` / ``after`` are the values in
        ``t − 1`` and ``t`` (NaN for a start or an end), ``robust_z`` the z-score of a
        level shift, ``evidence`` why the series is reported.

    Examples
    --------
    Region R0 splits in 2022; the new region N starts with the part it took:

    >>> years = np.arange(2019, 2023)
    >>> x = 100.0 * 1.02 ** (years - 2019) * np.ones((12, 1, 4))
    >>> x *= 1 + 0.01 * np.sin(np.arange(48)).reshape(12, 1, 4)  # some noise
    >>> x[0, 0, 3] = 60.0                           # R0 loses 40 % ...
    >>> x[11, 0, :] = [np.nan, np.nan, np.nan, 40.0]  # ... to N, new in 2022
    >>> codes = [f"R{k}" for k in range(11)] + ["N"]
    >>> window_breaks(x, codes, ["hospitals"], years, year=2022, window=3)[
    ...     ["entity", "year", "kind", "before", "after"]].round(1)
      entity  year          kind  before  after
    0      N  2022  series start     NaN   40.0
    1     R0  2022   level shift   105.0   60.0
    """
    if not threshold > 0:
        raise MethodError(f"threshold must be > 0; got {threshold!r}")
    vals = np.asarray(values, dtype=np.float64)
    yrs = np.asarray(years)
    keep = (yrs >= year - window) & (yrs <= year)
    x = vals[:, :, keep]
    ent, ind = _text(entities), _text(indicators)
    if x.shape[2] < 2 or not x.size:
        return _empty_window_breaks()
    ref = np.zeros(len(ent), bool) if reference is None else np.asarray(reference, dtype=bool)
    given = statistics
    if given is not None and given.count.shape != x.shape[1:]:
        raise MethodError(
            f"statistics of {given.count.shape[0]} indicators × {given.count.shape[1]} years "
            f"for a window of {x.shape[1]} indicators × {x.shape[2]} years"
        )
    stats = log_change_statistics(x[stat_rows(~ref)]) if given is None else given.log_changes
    z = _log_change_z(x, stats)
    extreme = _extreme(z, threshold)
    rate = given.rate if given is not None else None
    entity_shift, _ = _shift_test(z, extreme, 2, alpha, rate)  # (E, Y-1)
    if given is None:
        starts, ends = _start_end_cells(x, 1)
        appear = (starts | ends).sum(axis=0)  # (I, Y-1): series of the indicator starting/ending
    else:
        starts, ends = _start_end_cells(x, 1, given.count, given.ever)
        appear = given.appear
    others = (appear[None] - (starts | ends)) > 0
    w_years = yrs[keep][1:]
    redrawn = np.isin(w_years, np.asarray(list(boundary_years), dtype=np.int64))
    evidence = np.full(z.shape, -1, dtype=np.int64)
    for code, cells in reversed(list(enumerate((
        extreme & entity_shift[:, None, :],
        extreme & others,
        extreme & redrawn[None, None, :],
        starts,
        ends,
    )))):  # fmt: skip
        evidence[cells] = code  # the first applicable reason wins
    e, i, t = np.nonzero(evidence >= 0)
    code = evidence[e, i, t]
    kind = np.where(code == 3, "series start", np.where(code == 4, "series end", "level shift"))
    shift = code < 3
    return (
        pd.DataFrame(
            {
                "entity": pd.array(ent[e].astype(str), dtype="str"),
                "indicator": pd.array(ind[i].astype(str), dtype="str"),
                "year": w_years[t].astype(np.int64),
                "kind": pd.array(kind, dtype="str"),
                "before": np.where(shift | (code == 4), x[e, i, t], np.nan),
                "after": np.where(shift | (code == 3), x[e, i, t + 1], np.nan),
                "robust_z": np.where(shift, z[e, i, t], np.nan).round(2),
                "evidence": pd.array(np.asarray(_EVIDENCE, dtype=object)[code], dtype="str"),
            }
        )
        .sort_values(["year", "entity", "indicator"], kind="stable")
        .reset_index(drop=True)
    )


@dataclass(frozen=True, eq=False)
class WindowStatistics:
    """The statistics across entities of :func:`window_breaks` for one window.

    A run split into chunks of entities (:doc:`/scaling`, "Batch runs") computes them once
    over every entity and hands them to each chunk, so that each chunk finds the breaks
    the whole run finds among its entities (:func:`window_statistics` computes them from
    every row at once).

    Attributes
    ----------
    log_changes : tuple of ndarray
        :func:`log_change_statistics` of the rows that make the statistics (:func:`stat_rows`).
    rate : float
        Share of extreme changes among the scored ones (:func:`extreme_rate`).
    count, ever, appear : ndarray of int
        Entities with a value of each indicator in each year ``(I, Y)``, in some year
        ``(I,)``; series of each indicator that start or end in each year ``(I, Y-1)``:
        sums over every entity of :func:`window_break_counts`.
    """

    log_changes: tuple[FloatArray, ...]
    rate: float
    count: IntArray
    ever: IntArray
    appear: IntArray


def extreme_rate(n_extreme: int, n_scored: int) -> float:
    """The share of extreme changes among the scored changes (the binomial test's rate).

    >>> extreme_rate(3, 300), extreme_rate(0, 0)
    (0.01, 0.0)
    """
    return n_extreme / max(n_scored, 1)


def window_break_counts(
    x: FloatArray,
    log_changes: tuple[FloatArray, ...],
    *,
    threshold: float = BREAK_THRESHOLD,
    count: IntArray | None = None,
    ever: IntArray | None = None,
) -> dict[str, Any]:
    """The sums over the rows of a window ``x`` (E, I, Y) that make a :class:`WindowStatistics`.

    ``count`` (I, Y), ``ever`` (I,), ``n_extreme`` and ``n_scored`` (the changes that are
    extreme and scored with ``log_changes``) and ``appear`` (I, Y-1): the series that start
    or end, found with the ``count`` and ``ever`` given (those of every entity), or with
    every indicator taken as reported by two entities or more in every year when they are
    not given (then ``appear`` is exact if the sums of ``count`` bear it out). The sums of
    the chunks of a window's entities are the sums of the window.
    """
    z = _log_change_z(x, log_changes)
    extreme = _extreme(z, threshold)
    wide = np.full(x.shape[1:], 2, dtype=np.int64)
    starts, ends = _start_end_cells(
        x, 1, wide if count is None else count, wide[:, 0] if ever is None else ever
    )
    obs = ~np.isnan(x)
    return {"count": obs.sum(axis=0), "ever": obs.any(axis=2).sum(axis=0),
            "n_extreme": int(extreme.sum()), "n_scored": int((~np.isnan(z)).sum()),
            "appear": (starts | ends).sum(axis=0)}  # fmt: skip


def window_statistics(
    x: FloatArray, reference: BoolArray, *, threshold: float = BREAK_THRESHOLD
) -> WindowStatistics:
    """The :class:`WindowStatistics` of a window ``x`` (E, I, Y) of every entity
    (``reference`` (E,): the reference rows, left out of the log-change statistics)."""
    log_changes = log_change_statistics(x[stat_rows(~np.asarray(reference, dtype=bool))])
    sums = window_break_counts(x, log_changes, threshold=threshold)
    exact = window_break_counts(
        x, log_changes, threshold=threshold, count=sums["count"], ever=sums["ever"]
    )
    return WindowStatistics(log_changes, extreme_rate(sums["n_extreme"], sums["n_scored"]),
                            sums["count"], sums["ever"], exact["appear"])  # fmt: skip


def stat_rows(rows: BoolArray) -> BoolArray:
    """The rows that make the statistics of the log changes: ``rows``, or an evenly spaced
    subsample of 1,000 of them (medians of thousands of changes are stable; the cost of the
    partitions stays bounded).

    >>> int(stat_rows(np.ones(5000, dtype=bool)).sum())
    1000
    """
    idx = np.flatnonzero(rows)
    if idx.size <= _MAX_STAT_ROWS:
        return rows
    out = np.zeros_like(rows)
    out[idx[np.linspace(0, idx.size - 1, _MAX_STAT_ROWS).round().astype(np.int64)]] = True
    return out


def _empty_window_breaks() -> pd.DataFrame:
    dtypes = dict.fromkeys(WINDOW_BREAK_COLUMNS, "str")
    dtypes.update(year="int64", before="float64", after="float64", robust_z="float64")
    return pd.DataFrame({c: pd.Series(dtype=dtypes[c]) for c in WINDOW_BREAK_COLUMNS})


def _level_shifts(
    panel: Panel, vals: FloatArray, threshold: float, min_indicators: int, alpha: float
) -> pd.DataFrame | None:
    """Years in which several indicators of an entity have a one-off extreme log change."""
    z = _log_change_z(vals)
    extreme = _extreme(z, threshold)
    hit, pval = _shift_test(z, extreme, min_indicators, alpha)
    e, t = np.nonzero(hit)
    if not e.size:
        return None
    count = extreme.sum(axis=1)
    absz = np.where(extreme, np.abs(np.nan_to_num(z)), 0.0)
    return pd.DataFrame(
        {
            "entity": panel.entities.to_numpy()[e],
            "year": panel.years[1:][t],
            "kind": "level shift",
            "n_indicators": count[e, t],
            "indicators": _join_codes(extreme[e, :, t], panel.indicators.to_numpy(dtype=str)),
            "max_abs_z": absz[e, :, t].max(axis=1).round(2),
            "p_value": pval[e, t],
        }
    )


def _start_end_cells(
    vals: FloatArray,
    min_indicators: int,
    count: IntArray | None = None,
    ever_count: IntArray | None = None,
) -> tuple[BoolArray, BoolArray]:
    """Series ``(E, I, Y-1)`` that start in year ``t`` (index ``t − 1``) or end before it,
    where at least ``min_indicators`` of the entity's series, and at least half of
    those that could, start (end) together. ``count`` ``(I, Y)`` (entities with a value)
    and ``ever_count`` ``(I,)`` (entities with a value in some year) are those of the
    rows of ``vals`` unless given (for a chunk of the entities: those of all of them).

    A series starts in its first year with a value, if another entity had a value of the
    indicator the year before (or the indicator is the entity's own: a body's own set); it
    ends after its last year with a value, if another entity has one the year after. Built
    from the first and last years of each series (sparse), not from year-by-year masks.
    """
    obs = ~np.isnan(vals)
    n_e, n_i, n_y = obs.shape
    starts = np.zeros((n_e, n_i, max(n_y - 1, 0)), dtype=bool)
    stops = np.zeros_like(starts)
    if n_y < 2:
        return starts, stops
    n_obs, first, last = points_along_years(obs)
    ever: BoolArray = n_obs > 0
    if count is None:
        count = obs.sum(axis=0)  # (I, Y): entities with a value
    if ever_count is None:
        ever_count = ever.sum(axis=0)
    own = ever & (ever_count == 1)[None, :]  # an indicator only this entity has
    e, i = np.nonzero(ever & (first >= 1))
    t = first[e, i]
    ok = (count[i, t - 1] > 0) | own[e, i]
    starts[e[ok], i[ok], t[ok] - 1] = True
    e, i = np.nonzero(ever & (last <= n_y - 2))
    t = last[e, i]
    ok = count[i, t + 1] > 0
    stops[e[ok], i[ok], t[ok]] = True
    out = []
    for hits, shift in ((starts, 0), (stops, 1)):
        cnt = hits.sum(axis=1)  # (E, Y-1)
        ce, ct = np.nonzero(cnt >= min_indicators)
        # the series that could start (end) then: the indicator had a value for another
        # entity in the year before (after), or is the entity's own (starts only)
        peers = (count[:, ct + shift].T - obs[ce, :, ct + shift]) > 0  # (n, I)
        could = peers | own[ce] if shift == 0 else peers
        base = (could & ever[ce]).sum(axis=1)
        together = np.zeros(cnt.shape, dtype=bool)
        good = 2 * cnt[ce, ct] >= base
        together[ce[good], ct[good]] = True
        out.append(np.asarray(hits & together[:, None, :], dtype=bool))
    return out[0], out[1]


def _starts_and_ends(panel: Panel, vals: FloatArray, min_indicators: int) -> list[pd.DataFrame]:
    """Years in which several series of an entity start, or end, together."""
    frames = []
    codes = panel.indicators.to_numpy(dtype=str)
    for kind, hits in zip(
        ("series start", "series end"), _start_end_cells(vals, min_indicators), strict=True
    ):
        cnt = hits.sum(axis=1)
        e, t = np.nonzero(cnt > 0)
        if e.size:
            frames.append(
                pd.DataFrame(
                    {
                        "entity": panel.entities.to_numpy()[e],
                        "year": panel.years[1:][t],
                        "kind": kind,
                        "n_indicators": cnt[e, t],
                        "indicators": _join_codes(hits[e, :, t], codes),
                        "max_abs_z": np.nan,
                        "p_value": np.nan,
                    }
                )
            )
    return frames


def _empty_breaks(cols: Sequence[str]) -> pd.DataFrame:
    dtypes = {
        "entity": "str",
        "year": "int64",
        "kind": "str",
        "n_indicators": "int64",
        "indicators": "str",
        "max_abs_z": "float64",
        "p_value": "float64",
    }
    return pd.DataFrame({c: pd.Series(dtype=dtypes[c]) for c in cols})
