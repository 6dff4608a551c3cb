"""Series-break detection: :func:`series_breaks`.

A reorganised body or a redrawn region shows in its series before anyone writes a
:class:`~govindex.prepare.lineage.Lineage` for it: several indicators of one entity
shift in the same year (a level shift), or its series start or end together (a new or
a dissolved entity). :func:`series_breaks` finds such years so that they can be
explained by a lineage, or flagged; ``govindex validate`` reports them. The rules,
with worked examples, are in ``docs/lineage.md``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from govindex._typing import BoolArray, FloatArray
from govindex.exceptions import MethodError
from govindex.panel import Panel, require_panel

__all__ = ["BREAK_ALPHA", "BREAK_THRESHOLD", "series_breaks"]

#: |robust z| of a year-on-year log change above which it counts as extreme.
BREAK_THRESHOLD: Final = 5.0
#: Level shifts: largest binomial tail probability of the coincidence to report a break.
BREAK_ALPHA: Final = 0.005
_MIN_CHANGES: Final = 10  # fewest log changes of an indicator needed to score it
_MIN_SCALE: Final = 0.02  # floor of the robust scale of log changes (about 2 % a year)
_MIN_LEVEL: Final = 0.05  # values below 5 % of the indicator's median |x| are not scored
_MIN_YEAR_PEERS: Final = 3  # entities with a change needed to centre a year on its median
_COLUMNS: Final = ("entity", "year", "kind", "n_indicators", "indicators", "max_abs_z", "p_value")


def _log_change_z(values: FloatArray) -> FloatArray:
    """Robust z of year-on-year log changes, centred on each year's median across entities."""
    prev, cur = values[..., :-1], values[..., 1:]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-missing indicators
        level = np.nanmedian(
            np.moveaxis(np.abs(values), 1, 0).reshape(values.shape[1], -1), axis=1
        )
    floor = (_MIN_LEVEL * np.nan_to_num(level))[None, :, None]
    # log changes between values near 0 (a rate falling from 2.3 to 0.3) are rounding noise
    ok = (prev > floor) & (cur > floor) & (prev > 0) & (cur > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        c = np.where(ok, np.log(np.where(ok, cur, 1.0) / np.where(ok, prev, 1.0)), np.nan)
    n_year = ok.sum(axis=0)  # (I, Y-1) entities with a change
    centre_ok = n_year >= _MIN_YEAR_PEERS
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        year_med = np.where(
            centre_ok, np.nanmedian(np.where(centre_ok[None], c, 0.0), axis=0), 0.0
        )
        d = c - year_med[None]  # common shocks (a national reform, a pandemic year) removed
        flat = np.moveaxis(d, 1, 0).reshape(d.shape[1], -1)
        med = np.nanmedian(flat, axis=1)
        mad = 1.4826 * np.nanmedian(np.abs(flat - med[:, None]), axis=1)
    scale = np.maximum(np.nan_to_num(mad), _MIN_SCALE)
    scale = np.where((~np.isnan(flat)).sum(axis=1) >= _MIN_CHANGES, scale, np.nan)
    return np.asarray((d - med[None, :, None]) / scale[None, :, None], dtype=np.float64)


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


def _level_shifts(
    panel: Panel, vals: FloatArray, threshold: float, min_indicators: int, alpha: float
) -> pd.DataFrame | None:
    """Years in which several indicators of an entity have a one-off extreme log change."""
    z = _log_change_z(vals)
    scored = ~np.isnan(z)
    big = scored & (np.abs(np.where(scored, z, 0.0)) > threshold)
    # a break is a one-off shift: a series that is extreme in the year before or after too
    # is growing fast (a trend), not being redrawn
    pad = np.zeros((*big.shape[:2], 1), dtype=bool)
    neighbour = np.concatenate([pad, big[..., :-1]], axis=2) | np.concatenate(
        [big[..., 1:], pad], axis=2
    )
    extreme = big & ~neighbour
    rate = extreme.sum() / max(int(scored.sum()), 1)
    count = extreme.sum(axis=1)  # (E, Y-1)
    n = scored.sum(axis=1)
    from scipy.stats import binom  # lazy: scipy.stats is slow to import

    pval = binom.sf(count - 1, n, rate)
    e, t = np.nonzero((count >= min_indicators) & (pval < alpha))
    if not e.size:
        return None
    absz = np.where(extreme, np.abs(np.where(scored, z, 0.0)), 0.0)
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


def _starts_and_ends(panel: Panel, vals: FloatArray, min_indicators: int) -> list[pd.DataFrame]:
    """Years in which several series of an entity start, or end, together."""
    obs = ~np.isnan(vals)
    seen_before = np.cumsum(obs, axis=2) > 0  # (E, I, Y): a value in this year or earlier
    seen_after = np.cumsum(obs[..., ::-1], axis=2)[..., ::-1] > 0
    ever: BoolArray = np.asarray(obs.any(axis=2), dtype=bool)
    others_prev = (obs.sum(axis=0)[None, :, :-1] - obs[:, :, :-1]) > 0  # (E, I, Y-1)
    others_next = (obs.sum(axis=0)[None, :, 1:] - obs[:, :, 1:]) > 0
    # an indicator only this entity has (a body's own set) can start without peers
    own = ever & (ever.sum(axis=0) == 1)[None, :]
    start_ok = others_prev | own[:, :, None]
    starts = obs[:, :, 1:] & ~seen_before[:, :, :-1] & start_ok
    stops = obs[:, :, :-1] & ~seen_after[:, :, 1:] & others_next
    frames = []
    for kind, hits, eligible in (
        ("series start", starts, start_ok),
        ("series end", stops, others_next),
    ):
        cnt = hits.sum(axis=1)
        base = (eligible & ever[:, :, None]).sum(axis=1)
        e, t = np.nonzero((cnt >= min_indicators) & (2 * cnt >= base))
        if e.size:
            frames.append(
                pd.DataFrame(
                    {
                        "entity": panel.entities.to_numpy()[e],
                        "year": panel.years[1:][t],
                        "kind": kind,
                        "n_indicators": cnt[e, t],
                        "indicators": _join_codes(
                            hits[e, :, t], panel.indicators.to_numpy(dtype=str)
                        ),
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
