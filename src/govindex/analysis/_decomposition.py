"""The engine of :mod:`govindex.analysis.attribution`: top-down decomposition of score changes.

:class:`TreeScores` is one result as the attribution sees it — its framework tree (a
:class:`~govindex.Catalog`), the roll-up plan of that tree
(:meth:`~govindex.Catalog.rollup_plan`, which fixes every parent's aggregation and child
layout exactly as :func:`~govindex.aggregate.aggregate_tree` uses them) and its entity ×
node scores. :func:`decompose` splits the change of every parent between its children,
level by level from the attributed node down, for every entity at once; the rules per
aggregation method (exact linear split, sums, log-mean for the geometric mean, exact
Shapley values otherwise) are documented in :mod:`govindex.analysis.attribution`. A private
module: its names are shared with that one, not part of the documented API.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
import pandas as pd

from govindex._typing import FloatArray, IntArray
from govindex.aggregate import AGGREGATORS, AggregationSpec, LevelGroup
from govindex.catalog import Catalog
from govindex.exceptions import MethodError

__all__ = ["MAX_SHAPLEY_PLAYERS", "Split", "TreeScores", "decompose"]

#: Largest number of changed children under one parent decomposed by exact Shapley values.
MAX_SHAPLEY_PLAYERS = 12
_SHAPLEY_CELLS = 2_000_000  # coalition x entity x parent x child cells per kernel call


# --------------------------------------------------------------------------- the tree view
@dataclass(frozen=True)
class TreeScores:
    """One result as the attribution sees it: its :class:`~govindex.Catalog` tree, the
    roll-up plan of that tree (which fixes every parent's aggregation and layout, as
    :func:`~govindex.aggregate.aggregate_tree` uses it) and its entity × node scores."""

    catalog: Catalog
    plan: list[list[LevelGroup]]
    scores: pd.DataFrame  # entity × node (columns = catalog.codes)
    roots: pd.Series  # entity → default node to attribute (NaN: none)
    kind: str
    fingerprints: Mapping[str, str]

    @cached_property
    def spec(self) -> dict[str, AggregationSpec]:
        """Aggregation of every parent, from the plan."""
        codes = self.catalog.codes
        return {codes[p]: g.spec for level in self.plan for g in level for p in g.parents}

    @cached_property
    def parent(self) -> dict[str, str]:
        return dict(zip(self.catalog.codes, self.catalog.column("parent"), strict=True))

    @cached_property
    def names(self) -> dict[str, str]:
        return dict(zip(self.catalog.codes, self.catalog.column("name"), strict=True))

    def children(self, code: str) -> list[str]:
        """Children of ``code`` (none for a leaf or a code outside the tree)."""
        return self.catalog.children(code) if code in self.parent else []

    def subtree(self, node: str, depth: int | None) -> list[tuple[str, int]]:
        """``(code, level)`` of ``node`` and its descendants down to ``depth``, depth-first."""
        out: list[tuple[str, int]] = []
        stack = [(node, 0)]
        while stack:
            code, lev = stack.pop()
            out.append((code, lev))
            if depth is None or lev < depth:
                stack.extend((k, lev + 1) for k in reversed(self.children(code)))
        return out

    def rows(self, entities: Sequence[str], codes: Sequence[str]) -> TreeScores:
        """The same tree with the scores of some entities and nodes only."""
        return replace(self, scores=self.scores.loc[list(entities), list(codes)])


# --------------------------------------------------------------------------- kernels
def _logmean(a: FloatArray, b: FloatArray) -> FloatArray:
    """Log-mean ``(b − a) / (log b − log a)`` (``a`` when equal), NaN-safe."""
    with np.errstate(divide="ignore", invalid="ignore"):
        dl = np.log(b) - np.log(a)
        exact = (b - a) / dl
    return np.where(np.abs(dl) > 1e-8, exact, np.sqrt(a * b) * (1.0 + dl * dl / 24.0))


def _rescale(w: FloatArray, present: np.ndarray) -> FloatArray:
    wp = np.where(present, w, 0.0)
    tot = wp.sum(axis=-1, keepdims=True)
    return np.where(tot > 0, wp / np.where(tot > 0, tot, 1.0), 0.0)


def _linear_split(
    x0: FloatArray, x1: FloatArray, w0: FloatArray, w1: FloatArray, p0: np.ndarray, p1: np.ndarray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Exact split of a change of a weighted mean (common-set form): ``(d, m, r)``."""
    common = p0 & p1
    v0, v1 = _rescale(w0, common), _rescale(w1, common)
    any_common = common.any(axis=-1, keepdims=True)
    g0 = np.where(any_common, np.sum(v0 * np.where(common, x0, 0.0), -1, keepdims=True), 0.0)
    g1 = np.where(any_common, np.sum(v1 * np.where(common, x1, 0.0), -1, keepdims=True), 0.0)
    t0, t1 = _rescale(w0, p0), _rescale(w1, p1)
    dx = np.where(common, x1 - x0, 0.0)
    xbar = np.where(common, 0.5 * (x0 + x1), 0.0)
    m = np.where(common, 0.5 * (v0 + v1), 0.0)
    r_common = (v1 - v0) * (xbar - 0.5 * (g0 + g1))
    r = np.where(common, r_common, 0.0)
    r = np.where(p0 & ~p1, -t0 * (np.where(p0, x0, 0.0) - g0), r)
    r = np.where(p1 & ~p0, t1 * (np.where(p1, x1, 0.0) - g1), r)
    return m * dx + r, m, r


def _shapley(
    x0: FloatArray, x1: FloatArray, w0: FloatArray, w1: FloatArray, spec: AggregationSpec
) -> FloatArray:
    """Exact Shapley values of the children (players: children whose state changed)."""
    n_e, n_p, n_c = x0.shape
    w0b = np.broadcast_to(w0, x0.shape)
    w1b = np.broadcast_to(w1, x0.shape)
    same = ((x0 == x1) | (np.isnan(x0) & np.isnan(x1))) & (w0b == w1b)
    k = int((~same).sum(axis=-1).max()) if same.size else 0
    phi = np.zeros(x0.shape)
    if k == 0:
        return phi
    if k > MAX_SHAPLEY_PLAYERS:
        raise MethodError(
            f"{spec} aggregation: {k} children changed under one parent; exact Shapley "
            f"values are limited to {MAX_SHAPLEY_PLAYERS} (2^{MAX_SHAPLEY_PLAYERS} coalitions). "
            "Attribute a shallower depth, or recompute with an exact aggregation "
            "(arithmetic, geometric, sum) for this node"
        )
    order = np.argsort(same, axis=-1, kind="stable")  # changed children first
    a0, a1 = (np.take_along_axis(v, order, axis=-1) for v in (x0, x1))
    b0, b1 = (np.take_along_axis(v, order, axis=-1) for v in (w0b, w1b))
    masks = np.arange(2**k)
    bits = ((masks[:, None] >> np.arange(k)[None, :]) & 1).astype(bool)  # (M, k)
    size = bits.sum(axis=1)
    kernel = AGGREGATORS[spec.name]
    params = dict(spec.params)
    value = np.empty((2**k, n_e, n_p))
    step = max(1, _SHAPLEY_CELLS // max(1, n_e * n_p * n_c))
    for start in range(0, 2**k, step):  # coalition blocks bound the memory
        sel = np.zeros((min(step, 2**k - start), n_c), dtype=bool)
        sel[:, :k] = bits[start : start + step]
        on = sel[:, None, None, :]
        xs = np.where(on, a1[None], a0[None])
        ws = np.where(on, b1[None], b0[None])
        flat = (1, xs.shape[0] * n_e * n_p, n_c)
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            out = kernel(xs.reshape(flat), ws.reshape(flat[1:]), **params)
        value[start : start + xs.shape[0]] = out.reshape(xs.shape[0], n_e, n_p)
    # a coalition leaving no child present has no aggregate: it takes the mean of v(∅) and
    # v(all) (any finite value keeps the Shapley values summing to v(all) − v(∅))
    value = np.where(np.isnan(value), 0.5 * (value[0] + value[-1])[None], value)
    weight = np.array([math.factorial(s) * math.factorial(k - s - 1) for s in range(k)], float)
    weight /= math.factorial(k)
    phi_sorted = np.zeros((n_e, n_p, n_c))
    for t in range(k):  # players: at most MAX_SHAPLEY_PLAYERS
        without = masks[~bits[:, t]]
        gain = value[without | (1 << t)] - value[without]
        phi_sorted[:, :, t] = np.tensordot(weight[size[without]], gain, axes=1)
    np.put_along_axis(phi, order, phi_sorted, axis=-1)
    return phi


def _split_group(
    x0: FloatArray,
    x1: FloatArray,
    w0: FloatArray,
    w1: FloatArray,
    spec0: AggregationSpec,
    spec1: AggregationSpec,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, str]:
    """Split the change of every parent of one group: ``(d, m, r, share, method_effect, label)``.

    ``x*`` (E, P, C) children's scores (NaN missing), ``w*`` (P, C) raw weights.
    """
    w0 = np.broadcast_to(w0, x0.shape)
    w1 = np.broadcast_to(w1, x0.shape)
    p0 = ~np.isnan(x0) & (w0 > 0)
    p1 = ~np.isnan(x1) & (w1 > 0)
    effect = np.zeros(x0.shape[:2])
    if spec0 != spec1:
        params0, params1 = dict(spec0.params), dict(spec1.params)
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            effect = AGGREGATORS[spec1.name](x0, w1[0], **params1) - AGGREGATORS[spec0.name](
                x0, w0[0], **params0
            )
        w0, p0 = w1, ~np.isnan(x0) & (w1 > 0)
    t0, t1 = _rescale(w0, p0), _rescale(w1, p1)
    sh = 0.5 * (t0 + t1)
    tot = sh.sum(axis=-1, keepdims=True)
    share = np.where(tot > 0, sh / np.where(tot > 0, tot, 1.0), 0.0)
    common = p0 & p1
    name = spec1.name
    if name == "arithmetic":
        d, m, r = _linear_split(x0, x1, w0, w1, p0, p1)
        label = "arithmetic"
    elif name == "sum":
        wx0 = np.where(p0, w0 * np.where(p0, x0, 0.0), 0.0)
        wx1 = np.where(p1, w1 * np.where(p1, x1, 0.0), 0.0)
        d = wx1 - wx0
        m = np.where(common, 0.5 * (w0 + w1), 0.0)
        r = np.where(common, (w1 - w0) * 0.5 * (x0 + x1), d)
        label = "sum"
    elif name == "geometric":
        with np.errstate(divide="ignore", invalid="ignore"):
            l0 = np.log(np.where(p0, x0, 1.0))
            l1 = np.log(np.where(p1, x1, 1.0))
        lam, m_log, r_log = _linear_split(l0, l1, w0, w1, p0, p1)
        lg0 = np.sum(t0 * l0, axis=-1, keepdims=True)
        lg1 = np.sum(t1 * l1, axis=-1, keepdims=True)
        big = _logmean(np.exp(lg0), np.exp(lg1))
        small = _logmean(np.where(common, x0, 1.0), np.where(common, x1, 1.0))
        d = big * lam
        m = np.where(common, big * m_log / small, 0.0)
        r = big * r_log
        label = "geometric (log-mean)"
    else:
        d = _shapley(np.where(p0, x0, np.nan), np.where(p1, x1, np.nan), w0, w1, spec1)
        dx = np.where(common, x1 - x0, 0.0)
        moved = common & (dx != 0)
        m = np.where(moved, d / np.where(moved, dx, 1.0), 0.0)
        r = np.where(moved, 0.0, d)
        label = f"shapley ({spec1})"
    return d, m, r, share, effect, label


# --------------------------------------------------------------------------- engine
@dataclass(frozen=True)
class Split:
    contribution: FloatArray  # (E, N) root-unit contribution of every node
    local_w0: FloatArray  # (E, N) weight in parent, rescaled over children present (old)
    local_w1: FloatArray
    method: dict[str, str]  # child code → decomposition rule of its parent
    effects: dict[str, FloatArray]  # parent code → (E,) method-change effect


def _groups(
    old: TreeScores, new: TreeScores, nodes: list[tuple[str, int]]
) -> list[tuple[AggregationSpec, AggregationSpec, list[str], IntArray, FloatArray]]:
    """The parents to split, top-down, from the old tree's roll-up plan: one entry per
    (depth, old method, new method) with the parents' codes, their children's node
    positions ``(P, C)`` (-1 = padding) and the children's old weights ``(P, C)``."""
    codes = old.catalog.codes
    order = {c: i for i, (c, _) in enumerate(nodes)}  # depth-first order of the subtree
    in_scope = set(order)
    out = []
    for level in reversed(old.plan):  # shallowest parents first
        for g in level:
            rows = [r for r, p in enumerate(g.parents) if codes[p] in in_scope
                    and any(codes[k] in in_scope for k in g.children[r] if k >= 0)]  # fmt: skip
            by_new: dict[AggregationSpec, list[int]] = {}
            for r in sorted(rows, key=lambda r: order[codes[g.parents[r]]]):
                by_new.setdefault(new.spec[codes[g.parents[r]]], []).append(r)
            for s1, picked in sorted(by_new.items(), key=lambda kv: str(kv[0])):
                width = int((g.children[picked] >= 0).sum(axis=1).max())  # trim the padding
                parents = [codes[p] for p in g.parents[picked]]
                out.append((g.spec, s1, parents, g.children[picked, :width],
                            g.weights[picked, :width]))  # fmt: skip
    return out


def decompose(old: TreeScores, new: TreeScores, nodes: list[tuple[str, int]]) -> Split:
    """Top-down split for every entity at once (loops over tree levels and groups only)."""
    codes = old.catalog.codes
    pos = {c: i for i, c in enumerate(codes)}
    x0 = old.scores.to_numpy(dtype=np.float64)
    x1 = new.scores.loc[old.scores.index, codes].to_numpy(dtype=np.float64)
    n_e = x0.shape[0]
    top = nodes[0][0]
    mu = np.zeros((n_e, len(codes)))
    rho = np.zeros((n_e, len(codes)))
    contrib = np.full((n_e, len(codes)), np.nan)
    lw0 = np.full((n_e, len(codes)), np.nan)
    lw1 = np.full((n_e, len(codes)), np.nan)
    i_top = pos[top]
    mu[:, i_top] = 1.0
    contrib[:, i_top] = x1[:, i_top] - x0[:, i_top]
    method: dict[str, str] = {}
    effects: dict[str, FloatArray] = {}
    new_weight = new.catalog.column("weight").reindex(codes).to_numpy(dtype=np.float64)
    for s0, s1, parents, idx, w0 in _groups(old, new, nodes):
        w1 = np.where(idx >= 0, new_weight[np.where(idx >= 0, idx, 0)], 0.0)
        valid = idx >= 0
        take = np.where(valid, idx, 0)
        c0 = np.where(valid, x0[:, take], np.nan)
        c1 = np.where(valid, x1[:, take], np.nan)
        d, m, r_, share, effect, label = _split_group(c0, c1, w0, w1, s0, s1)
        d, m, r_ = np.nan_to_num(d), np.nan_to_num(m), np.nan_to_num(r_)
        ppos = np.array([pos[p] for p in parents])
        mu_p, rho_p = mu[:, ppos][..., None], rho[:, ppos][..., None]
        flat = idx[valid]
        contrib[:, flat] = (mu_p * d + rho_p * share)[:, valid]
        mu[:, flat] = (mu_p * m)[:, valid]
        rho[:, flat] = (mu_p * r_ + rho_p * share)[:, valid]
        p0 = ~np.isnan(c0) & (w0 > 0)
        p1 = ~np.isnan(c1) & (w1 > 0)
        for arr, w, c, pres in ((lw0, w0, c0, p0), (lw1, w1, c1, p1)):
            full = np.broadcast_to(w, c.shape)
            shown = full if s1.name == "sum" else _rescale(full, pres)  # sums are not rescaled
            arr[:, flat] = np.where(pres, shown, np.nan)[:, valid]
        for p in parents:
            for k in old.children(p):
                method[k] = label
        if s0 != s1:
            eff = mu[:, ppos] * np.nan_to_num(effect)
            for j, p in enumerate(parents):
                effects[p] = eff[:, j]
                method[f"{p}:method"] = f"method change ({s0} → {s1})"
    return Split(contrib, lw0, lw1, method, effects)
