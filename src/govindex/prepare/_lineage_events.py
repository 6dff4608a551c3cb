"""Reorganisation events of a lineage and their re-basing kernel (private helper of
:mod:`govindex.prepare.lineage`).

An :class:`Event` is one reorganisation year as share matrices from the old codes to
the parts (the default shares and, for some indicators, their own); :func:`rebase_event`
moves a window's pre-event values to the parts; :meth:`Event.rule_table` names the rule
used for every (indicator variant, part), for the flags of the re-based changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from govindex._typing import BoolArray, FloatArray, IntArray
from govindex.prepare._lineage_table import SHARE_TOL, effective_shares

__all__ = ["Event", "build_events", "rebase_event"]


@dataclass(frozen=True)
class Event:
    """One reorganisation year as share matrices from old codes to parts.

    ``shares`` (O, P) are the default shares; ``overrides`` the matrices of the
    indicators with shares of their own; ``labels`` the text ``old, old→part, part``
    of every code of the event.
    """

    year: int
    olds: tuple[str, ...]
    parts: tuple[str, ...]
    shares: FloatArray
    overrides: Mapping[str, FloatArray]
    labels: dict[str, str]

    def variants(self, indicators: pd.Index) -> tuple[FloatArray, IntArray]:
        """The share matrices ``(V, O, P)`` (0 = the default) and each indicator's variant."""
        own = [c for c in self.overrides if c in set(indicators)]
        mats = np.stack([self.shares, *(self.overrides[c] for c in own)])
        variant = np.zeros(len(indicators), dtype=np.int64)
        if own:
            pos = indicators.get_indexer(pd.Index(own))
            variant[pos] = np.arange(1, len(own) + 1)
        return mats, variant

    def rule_table(self, mats: FloatArray) -> np.ndarray:
        """Text of the rule per (variant × {intensive, extensive}, part): ``(2V, P)``."""
        out = np.full((2 * len(mats), len(self.parts)), "", dtype=object)
        for v, mat in enumerate(mats):  # a loop over the few share variants and parts
            for p in range(len(self.parts)):
                src = np.flatnonzero(mat[:, p] > 0)
                terms = [f"{mat[o, p]:.3g} × {self.olds[o]}" for o in src]
                out[2 * v + 1, p] = "extensive, " + " + ".join(terms)
                if len(src) == 1:
                    out[2 * v, p] = f"intensive, carried over from {self.olds[src[0]]}"
                else:
                    weights = ", ".join(f"{self.olds[o]} ({mat[o, p]:.3g})" for o in src)
                    out[2 * v, p] = f"intensive, weighted mean of {weights}"
        return out


def _matrix(
    eff: pd.DataFrame, olds: list[str], parts: list[str] | None
) -> tuple[FloatArray, list[str]]:
    """Share matrix of one year's effective rows, the implicit remainders included."""
    moved = eff.loc[eff["old"] != eff["new"]]
    given_total = moved.groupby("old")["share"].sum()
    self_rows = eff.loc[eff["old"] == eff["new"]].set_index("old")["share"]
    remainder = (1.0 - given_total.reindex(olds).fillna(0.0)).where(
        ~pd.Index(olds).isin(self_rows.index)
    )
    remainder = remainder.fillna(self_rows.reindex(olds))
    stays = remainder[remainder > SHARE_TOL]
    if parts is None:
        parts = sorted(set(moved["new"]) | {str(c) for c in stays.index})
    shares = np.zeros((len(olds), len(parts)))
    o_pos = {c: k for k, c in enumerate(olds)}
    p_pos = {c: k for k, c in enumerate(parts)}
    for o, n, s in zip(moved["old"], moved["new"], moved["share"], strict=True):
        shares[o_pos[o], p_pos[n]] = s
    for o, s in stays.items():
        shares[o_pos[str(o)], p_pos[str(o)]] = s
    return shares, parts


def _labels(olds: list[str], parts: list[str], shares: FloatArray) -> dict[str, str]:
    labels: dict[str, str] = {}
    o_pos = {c: k for k, c in enumerate(olds)}
    for k, code in enumerate(parts):
        src = [olds[j] for j in np.flatnonzero(shares[:, k] > 0)]
        dst = [parts[j] for j in np.flatnonzero(shares[[o_pos[c] for c in src]].sum(axis=0) > 0)]
        labels[code] = f"{', '.join(src)}→{', '.join(dst)}"
    for code in olds:
        if code not in labels:
            dst = [parts[j] for j in np.flatnonzero(shares[o_pos[code]] > 0)]
            labels[code] = f"{code}→{', '.join(dst)}"
    return labels


def build_events(tidy: pd.DataFrame) -> list[Event]:
    """The events of a validated tidy lineage table, in chronological order."""
    events = []
    for y, rows in tidy.groupby("year", sort=True):
        olds = sorted(set(rows["old"]))
        shares, parts = _matrix(effective_shares(rows, ""), olds, None)
        overrides = {
            str(ind): _matrix(effective_shares(rows, str(ind)), olds, parts)[0]
            for ind in sorted(set(rows["indicator"]) - {""})
        }
        labels = _labels(olds, parts, shares)
        events.append(Event(int(str(y)), tuple(olds), tuple(parts), shares, overrides, labels))
    return events


def rebase_event(
    vals: FloatArray,
    ev: Event,
    ent: pd.Index,
    ind: pd.Index,
    pre: IntArray,
    is_ext: BoolArray,
) -> tuple[BoolArray, BoolArray, IntArray]:
    """Move the pre-event window years ``pre`` of ``vals`` to the event's parts, in place.

    A part ``p`` gets ``Σ_o s_op · x_o`` for an extensive indicator and
    ``Σ_o s_op · x_o / Σ_o s_op`` for an intensive one, ``s`` the indicator's shares.
    Returns, for the parts that are entities (rows ``rows`` of ``vals``), the cells made
    from re-based values and the cells that could not be re-based, both ``(rows, I, pre)``.
    """
    mats, variant = ev.variants(ind)
    s = mats[variant]  # (I, O, P)
    o_idx = ent.get_indexer(pd.Index(ev.olds))
    p_idx = ent.get_indexer(pd.Index(ev.parts))
    in_old = np.isin(np.asarray(ev.parts), np.asarray(ev.olds))
    x = np.where(o_idx[:, None, None] >= 0, vals[o_idx][:, :, pre], np.nan)  # (O, I, Y)
    nan = np.isnan(x)
    pos = (s > 0).astype(np.float64)
    num = np.einsum("iop,oiy->piy", s, np.where(nan, 0.0, x))
    miss = np.einsum("iop,oiy->piy", pos, nan.astype(np.float64)) > 0
    some = np.einsum("iop,oiy->piy", pos, (~nan).astype(np.float64)) > 0
    weight = s.sum(axis=1).T  # (P, I): every part has a positive share (validated)
    reb = np.where(is_ext[None, :, None], num, num / weight[:, :, None])
    reb = np.where(miss, np.nan, reb)
    have = p_idx >= 0
    orig = np.where(have[:, None, None], vals[p_idx][:, :, pre], np.nan)
    keep = ~in_old[:, None, None] & ~np.isnan(orig)  # a new code's own back-cast
    filled = np.where(keep, orig, reb)
    made = ~keep & ~np.isnan(reb)
    broken = ~keep & np.isnan(reb) & (some | (in_old[:, None, None] & ~np.isnan(orig)))
    rows = p_idx[have]
    vals[np.ix_(rows, np.arange(vals.shape[1]), pre)] = filled[have]
    return made[have], broken[have], rows
