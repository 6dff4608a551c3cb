"""Attribution: why did a score change between two results?

:func:`attribute` splits the change of one entity's score at a node (by default
the root of its index) between two results — two years, two data revisions or two
method variants — into contributions of the node's children, and each child's
contribution into contributions of its own children, down to the indicators (or
criteria). The contributions of the leaves sum to the change of the node.

How a parent's change is split among its children (rescaled weights
``w̃`` over the children present on each side; ``C`` the children present in both
results; ``v``, ``v'`` the weights rescaled over ``C``; ``G_C``, ``G'_C`` the
parent's aggregate over ``C``):

* **arithmetic** — exact: a child present in both results contributes
  ``v'ᵢx'ᵢ − vᵢxᵢ − Δvᵢ·Ḡ_C`` (``= vᵢΔxᵢ``, weight × change, when the weights do
  not change); a child missing in the new result contributes ``−w̃ᵢ(xᵢ − G_C)``, a
  child missing in the old one ``+w̃'ᵢ(x'ᵢ − G'_C)`` (what dropping or adding it did
  to the mean of the others). With no child in common ``G_C = G'_C = 0`` and the
  terms become ``−w̃ᵢxᵢ`` and ``+w̃'ᵢx'ᵢ``.
* **sum** (points) — exact: ``w'ᵢx'ᵢ − wᵢxᵢ`` (a missing child counts 0).
* **geometric** — log decomposition (Sato–Vartia): the same split of
  ``Δ log G = Δ Σ w̃ᵢ log xᵢ`` on the log scale, each term then multiplied by the
  log-mean ``L(G, G') = ΔG / Δ log G`` (``= G`` when ``ΔG = 0``), so they sum to ``ΔG``.
* **harmonic, median, min, generalized** — exact Shapley values: each child whose
  value, weight or presence changed is a player moving from its old to its new
  state; every coalition is enumerated (at most :data:`MAX_SHAPLEY_PLAYERS` players
  under one parent, else :class:`~govindex.exceptions.MethodError`: attribute a
  shallower ``depth`` or use an exact aggregation). Coverage thresholds are not
  applied inside coalitions; a coalition that leaves no child present takes the
  mean of the old and the new aggregate.

Going down the tree, a child's contribution ``cᵢ = mᵢΔxᵢ + rᵢ`` has a part
proportional to its own change (passed down: each grandchild gets ``mᵢ`` times its
share of ``Δxᵢ``) and a remainder ``rᵢ`` that no change inside the child explains
(a change of its weight, or the child being present in one result only); the
remainder is passed down in proportion to the grandchildren's weights. For a tree
of arithmetic means with unchanged weights and no missing data, the contribution
of an indicator is its effective weight × its change. When a parent's aggregation
method differs between the results, a pseudo-child ``<node>:method`` carries
``g(x; w') − f(x; w)`` (new method and weights on the old values) and the rest is
split with the new method.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from govindex._typing import FloatArray
from govindex.aggregate import AGGREGATORS, AggregationSpec, parse_aggregation
from govindex.exceptions import CatalogError, GovindexError, MethodError, format_items

if TYPE_CHECKING:
    from govindex.indices.composite import IndexResult
    from govindex.indices.gpi import PerformanceResult
    from govindex.operational.result import OperationalResult

    AnyResult = IndexResult | PerformanceResult | OperationalResult

__all__ = ["ATTRIBUTION_COLUMNS", "MAX_SHAPLEY_PLAYERS", "Attribution", "attribute", "compare"]

#: Largest number of changed children under one parent decomposed by exact Shapley values.
MAX_SHAPLEY_PLAYERS = 12
#: Columns of :attr:`Attribution.table`.
ATTRIBUTION_COLUMNS: tuple[str, ...] = (
    "entity", "node", "name", "parent", "level", "is_leaf", "old_score", "new_score",
    "delta", "old_weight", "new_weight", "contribution", "method",
)  # fmt: skip
_EXACT = ("arithmetic", "sum", "geometric")
_SHAPLEY_CELLS = 2_000_000  # coalition x entity x parent x child cells per kernel call


# --------------------------------------------------------------------------- the tree view
@dataclass(frozen=True)
class _Tree:
    """Entity × node scores of one result with its tree (internal)."""

    codes: list[str]
    parent: dict[str, str]
    names: dict[str, str]
    weight: dict[str, float]
    spec: dict[str, AggregationSpec]  # parents only
    scores: pd.DataFrame  # entity × node (columns = codes)
    root_of_entity: pd.Series  # entity → default node to attribute (NaN: none)
    kind: str

    @cached_property
    def children(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for c in self.codes:
            if self.parent[c]:
                out.setdefault(self.parent[c], []).append(c)
        return out

    def subtree(self, node: str, depth: int | None) -> list[tuple[str, int]]:
        """``(code, level)`` of ``node`` and its descendants down to ``depth``, depth-first."""
        out: list[tuple[str, int]] = []
        stack = [(node, 0)]
        while stack:
            code, lev = stack.pop()
            out.append((code, lev))
            if depth is None or lev < depth:
                stack.extend((k, lev + 1) for k in reversed(self.children.get(code, [])))
        return out


def _tree(result: object) -> _Tree:
    from govindex.indices.composite import IndexResult
    from govindex.indices.gpi import PerformanceResult
    from govindex.operational.result import OperationalResult

    if isinstance(result, IndexResult | PerformanceResult):
        cat = result.catalog
        frame = cat.frame
        scores = result.scores if isinstance(result, IndexResult) else result.node_scores
        default = parse_aggregation(result.method.aggregation)
        agg = dict(zip(frame["code"], frame["aggregation"], strict=True))
        parents = set(frame["parent"]) - {""}
        spec = {p: (parse_aggregation(agg[p]) if agg[p] else default) for p in parents}
        if isinstance(result, PerformanceResult):
            roots = result.scores["root"].astype("object")
        else:
            only = cat.roots[0] if len(cat.roots) == 1 else None
            roots = pd.Series(only, index=scores.index, dtype="object")
        return _Tree(
            codes=cat.codes,
            parent=dict(zip(frame["code"], frame["parent"], strict=True)),
            names=dict(zip(frame["code"], frame["name"], strict=True)),
            weight=dict(zip(frame["code"], frame["weight"].astype(float), strict=True)),
            spec=spec,
            scores=scores,
            root_of_entity=roots,
            kind=type(result).__name__,
        )
    if isinstance(result, OperationalResult):
        return _operational_tree(result)
    raise MethodError(
        "expected an IndexResult, PerformanceResult or OperationalResult; "
        f"got {type(result).__name__}"
    )


_TOTAL = "total"


def _operational_tree(result: OperationalResult) -> _Tree:
    sc = result.scorecard
    parent = {_TOTAL: ""}
    names = {_TOTAL: f"Total ({sc.name})"}
    for b in sc.blocks:
        parent[b.code], names[b.code] = _TOTAL, b.name
    for d in sc.directions:
        parent[d.code], names[d.code] = d.block, d.name
    for item in sc.items:
        parent[item.code] = (
            item.direction if item.kind == "criterion" and item.direction else _TOTAL
        )
        names[item.code] = item.name
    n_nodes = 1 + len(sc.blocks) + len(sc.directions) + len(sc.items)
    if len(parent) != n_nodes:
        raise MethodError(
            f"scorecard {sc.code!r}: block, direction and item codes must be distinct from each "
            "other and from 'total' to attribute changes"
        )
    scores = pd.concat(
        [result.totals[["total"]], result.blocks, result.directions, result.points], axis=1
    )
    scores.columns = pd.Index(list(scores.columns), name="node")
    codes = list(scores.columns)
    summed = AggregationSpec("sum")
    kids = {p for p in parent.values() if p}
    return _Tree(
        codes=codes,
        parent=parent,
        names=names,
        weight=dict.fromkeys(codes, 1.0),
        spec=dict.fromkeys(kids, summed),
        scores=scores,
        root_of_entity=pd.Series(_TOTAL, index=scores.index, dtype="object"),
        kind="OperationalResult",
    )


def _check_pair(a: _Tree, b: _Tree, nodes: Sequence[str]) -> None:
    if a.kind != b.kind:
        raise MethodError(
            f"cannot compare a {a.kind} with a {b.kind}; pass two results of one kind"
        )
    missing = [c for c in nodes if c not in b.parent]
    moved = [f"{c}: {a.parent[c] or '(root)'}→{b.parent[c] or '(root)'}" for c in nodes
             if c in b.parent and a.parent[c] != b.parent[c]]  # fmt: skip
    extra = [c for n in nodes for c in b.children.get(n, []) if c not in a.parent]
    if missing or moved or extra:
        parts = []
        if missing:
            parts.append(f"node(s) only in the old result: {format_items(missing)}")
        if extra:
            parts.append(f"node(s) only in the new result: {format_items(extra)}")
        if moved:
            parts.append(f"node(s) with another parent: {format_items(moved)}")
        raise CatalogError(
            "the two results do not share the framework tree under the attributed node ("
            + "; ".join(parts)
            + "); attribution needs the same tree (weights and aggregation methods may differ)"
        )


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
class _Split:
    contribution: FloatArray  # (E, N) root-unit contribution of every node
    local_w0: FloatArray  # (E, N) weight in parent, rescaled over children present (old)
    local_w1: FloatArray
    method: dict[str, str]  # child code → decomposition rule of its parent
    effects: dict[str, FloatArray]  # parent code → (E,) method-change effect


def _decompose(old: _Tree, new: _Tree, nodes: list[tuple[str, int]]) -> _Split:
    """Top-down split for every entity at once (loops over tree levels and groups only)."""
    codes = old.codes
    pos = {c: i for i, c in enumerate(codes)}
    x0 = old.scores.to_numpy(dtype=np.float64)
    x1 = new.scores.loc[old.scores.index, codes].to_numpy(dtype=np.float64)
    n_e = x0.shape[0]
    in_scope = {c for c, _ in nodes}
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
    groups: dict[tuple[int, AggregationSpec, AggregationSpec], list[str]] = {}
    for code, lev in nodes:
        kids = [k for k in old.children.get(code, []) if k in in_scope]
        if kids:
            groups.setdefault((lev, old.spec[code], new.spec[code]), []).append(code)
    for (_lev, s0, s1), parents in sorted(groups.items(), key=lambda kv: (kv[0][0], str(kv[0]))):
        width = max(len(old.children[p]) for p in parents)
        idx = np.full((len(parents), width), -1, dtype=np.int64)
        w0 = np.zeros((len(parents), width))
        w1 = np.zeros((len(parents), width))
        for r, p in enumerate(parents):  # layout of the group (a few parents)
            kids = old.children[p]
            idx[r, : len(kids)] = [pos[k] for k in kids]
            w0[r, : len(kids)] = [old.weight[k] for k in kids]
            w1[r, : len(kids)] = [new.weight[k] for k in kids]
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
            for k in old.children[p]:
                method[k] = label
        if s0 != s1:
            eff = mu[:, ppos] * np.nan_to_num(effect)
            for j, p in enumerate(parents):
                effects[p] = eff[:, j]
                method[f"{p}:method"] = f"method change ({s0} → {s1})"
    return _Split(contrib, lw0, lw1, method, effects)


# --------------------------------------------------------------------------- public API
@dataclass(frozen=True, repr=False)
class Attribution:
    """Decomposition of one entity's score change at one node (immutable).

    Attributes
    ----------
    entity, node : str
        The entity and the node whose change is decomposed.
    old_score, new_score : float
        The node's score in the old and the new result.
    table : DataFrame
        Tidy, columns :data:`ATTRIBUTION_COLUMNS`: one row per node of the subtree
        (the node itself at level 0) with its old and new score and weight in its
        parent (rescaled over the children present), its ``contribution`` to the
        change of ``node`` and the ``method`` its parent's change was split with.
        The contributions of the rows with ``is_leaf`` sum to :attr:`total`, and the
        contributions of a node's children sum to the node's.
    kind : str
        Kind of the results compared.
    """

    entity: str
    node: str
    old_score: float
    new_score: float
    table: pd.DataFrame
    kind: str

    @property
    def total(self) -> float:
        """The change to explain: ``new_score − old_score``."""
        return self.new_score - self.old_score

    @property
    def leaves(self) -> pd.DataFrame:
        """The leaf rows (indicators, criteria, or nodes at the depth limit), largest first."""
        leaf = self.table.loc[self.table["is_leaf"]]
        order = leaf["contribution"].abs().sort_values(ascending=False, kind="stable").index
        return leaf.loc[order].reset_index(drop=True)

    def check(self, *, tol: float = 1e-9) -> float:
        """Verify that contributions add up; return the largest discrepancy.

        Checks that the leaf contributions sum to :attr:`total` and that the
        children of every node sum to the node's contribution, to ``tol`` times
        ``max(1, |old|, |new|)``.

        Raises
        ------
        GovindexError
            When a sum is off by more than the tolerance (naming the node).
        """
        t = self.table
        scale = max(1.0, abs(self.old_score), abs(self.new_score))
        gaps = {self.node: abs(float(t.loc[t["is_leaf"], "contribution"].sum()) - self.total)}
        kids = t.loc[t["level"] > 0].groupby("parent")["contribution"].sum()
        own = t.set_index("node")["contribution"]
        for parent, total in kids.items():  # one comparison per parent node
            gaps[f"children of {parent}"] = abs(float(total) - float(own[str(parent)]))
        worst = max(gaps, key=lambda k: gaps[k])
        if gaps[worst] > tol * scale:
            raise GovindexError(
                f"attribution of {self.entity}/{self.node}: contributions of {worst} are off by "
                f"{gaps[worst]:.3g} (tolerance {tol * scale:.3g}); please report this as a bug"
            )
        return gaps[worst]

    def __repr__(self) -> str:
        top = self.leaves.head(3)
        drivers = ", ".join(
            _signed(n, c) for n, c in zip(top["node"], top["contribution"], strict=True)
        )
        return (
            f"Attribution({self.entity}/{self.node}: {self.old_score:.2f} → "
            f"{self.new_score:.2f} ({self.total:+.2f}); top drivers: {drivers or 'none'})"
        )


def _default_node(tree: _Tree, entity: str) -> str:
    node = tree.root_of_entity.get(entity)
    if node is None or pd.isna(node):
        raise MethodError(
            f"no default node for entity {entity!r} (the catalog has several roots or no "
            "indicator set applies); pass node=..."
        )
    return str(node)


def attribute(
    old: AnyResult,
    new: AnyResult,
    *,
    entity: str,
    node: str | None = None,
    depth: int | None = None,
) -> Attribution:
    """Decompose the change of one entity's score at ``node`` into its children's contributions.

    Parameters
    ----------
    old, new : IndexResult, PerformanceResult or OperationalResult
        Two results of the same kind over the same framework tree (weights and
        aggregation methods may differ): two years, two data revisions or two
        method variants (e.g. ``result.regenerate(...)``).
    entity : str
        The entity whose change is explained.
    node : str, optional
        The node to explain; default the root of the entity's index (``"total"``
        for an operational assessment).
    depth : int, optional
        Go at most this many levels below ``node`` (default: down to the leaves).

    Returns
    -------
    Attribution
        ``.table`` tidy; leaf contributions sum to ``.total``.

    Raises
    ------
    MethodError
        Results of different kinds, an entity missing in one result, a node without
        a score in one result, a negative depth, too many Shapley players.
    CatalogError
        The two results do not share the tree under ``node``.

    Examples
    --------
    >>> import pandas as pd
    >>> from govindex import Catalog, Panel, compute_index
    >>> cat = Catalog.from_frame(pd.DataFrame({
    ...     "code": ["G", "a", "b"], "parent": ["", "G", "G"], "weight": [1, 3, 1]}))
    >>> def run(y_b):  # min-max over X, Y, Z: a → 0, 50, 100
    ...     panel = Panel.from_frame(pd.DataFrame({
    ...         "entity": ["X", "Y", "Z"] * 2, "indicator": ["a"] * 3 + ["b"] * 3,
    ...         "year": 2024, "value": [0.0, 10.0, 20.0, 0.0, y_b, 20.0]}))
    ...     return compute_index(panel, cat, year=2024)
    >>> att = attribute(run(10.0), run(20.0), entity="Y")  # b of Y: 50 → 100
    >>> att.total  # (3·50 + 100)/4 − (3·50 + 50)/4
    12.5
    >>> att.leaves[["node", "contribution"]].values.tolist()  # b: weight 1/4 × change 50
    [['b', 12.5], ['a', 0.0]]
    """
    a, b = _tree(old), _tree(new)
    _check_entity(a, b, [entity])
    node = _default_node(a, entity) if node is None else node
    if node not in a.parent:
        raise MethodError(
            f"unknown node {node!r}; the result's nodes include {format_items(a.codes)}"
        )
    if depth is not None and (int(depth) != depth or depth < 0):
        raise MethodError(f"depth must be a non-negative integer or None; got {depth!r}")
    nodes = a.subtree(node, depth)
    _check_pair(a, b, [c for c, _ in nodes])
    s0 = float(a.scores.loc[[entity], node].to_numpy(dtype=np.float64)[0])
    s1 = float(b.scores.loc[[entity], node].to_numpy(dtype=np.float64)[0])
    if np.isnan(s0) or np.isnan(s1):
        side = "old" if np.isnan(s0) else "new"
        raise MethodError(
            f"{entity}/{node} has no score in the {side} result, so its change is undefined; "
            "attribute a node with a score on both sides (see the result's reasons/coverage)"
        )
    one = _Tree(a.codes, a.parent, a.names, a.weight, a.spec, a.scores.loc[[entity]],
                a.root_of_entity, a.kind)  # fmt: skip
    two = _Tree(b.codes, b.parent, b.names, b.weight, b.spec, b.scores.loc[[entity], a.codes],
                b.root_of_entity, b.kind)  # fmt: skip
    split = _decompose(one, two, nodes)
    table = _table(one, two, split, nodes, entity)
    return Attribution(entity=entity, node=node, old_score=s0, new_score=s1, table=table,
                       kind=a.kind)  # fmt: skip


def _check_entity(a: _Tree, b: _Tree, entities: Sequence[str]) -> list[str]:
    if a.kind != b.kind:
        raise MethodError(
            f"cannot compare a {a.kind} with a {b.kind}; pass two results of one kind"
        )
    for tree, side in ((a, "old"), (b, "new")):
        unknown = [e for e in entities if e not in tree.scores.index]
        if unknown:
            raise MethodError(
                f"entity/entities {format_items(unknown)} not in the {side} result; its entities "
                f"are {format_items(tree.scores.index)}"
            )
    return list(entities)


def _table(
    a: _Tree, b: _Tree, split: _Split, nodes: list[tuple[str, int]], entity: str
) -> pd.DataFrame:
    pos = {c: i for i, c in enumerate(a.codes)}
    in_scope = {c for c, _ in nodes}
    v0 = a.scores.to_numpy(dtype=np.float64)[0]
    v1 = b.scores.to_numpy(dtype=np.float64)[0]
    rows: list[dict[str, Any]] = []
    for code, lev in nodes:  # one row per node of the subtree (reporting)
        i = pos[code]
        old_s, new_s = float(v0[i]), float(v1[i])
        c = float(split.contribution[0, i])
        if np.isnan(old_s) and np.isnan(new_s) and (np.isnan(c) or c == 0.0):
            continue
        has_kids = any(k in in_scope for k in a.children.get(code, []))
        rows.append({
            "entity": entity, "node": code, "name": a.names.get(code, code),
            "parent": a.parent[code] if lev > 0 else "", "level": lev, "is_leaf": not has_kids,
            "old_score": old_s, "new_score": new_s, "delta": new_s - old_s,
            "old_weight": float(split.local_w0[0, i]) if lev > 0 else 1.0,
            "new_weight": float(split.local_w1[0, i]) if lev > 0 else 1.0,
            "contribution": 0.0 if np.isnan(c) else c,
            "method": split.method.get(code, "") if lev > 0 else "",
        })  # fmt: skip
        if code in split.effects:
            rows.append({
                "entity": entity, "node": f"{code}:method",
                "name": f"{a.names.get(code, code)}: change of aggregation method",
                "parent": code, "level": lev + 1, "is_leaf": True, "old_score": np.nan,
                "new_score": np.nan, "delta": np.nan, "old_weight": np.nan, "new_weight": np.nan,
                "contribution": float(split.effects[code][0]),
                "method": split.method[f"{code}:method"],
            })  # fmt: skip
    table = pd.DataFrame(rows, columns=list(ATTRIBUTION_COLUMNS))
    for col in ("entity", "node", "name", "parent", "method"):
        table[col] = table[col].astype("str")
    return table.astype({"level": "int64", "is_leaf": "bool"})


def _signed(code: str, value: float) -> str:
    return f"{code} {'+' if value >= 0 else '−'}{abs(value):.2f}"


def compare(old: AnyResult, new: AnyResult, *, top: int = 3) -> pd.DataFrame:
    """Per entity: old and new score of its root, change, rank change and the top drivers.

    Parameters
    ----------
    old, new : IndexResult, PerformanceResult or OperationalResult
        Two results of the same kind over the same tree (see :func:`attribute`).
    top : int, default 3
        How many leaf contributions (largest in absolute value) to name.

    Returns
    -------
    DataFrame
        Index ``entity`` (entities of both results): ``node`` (the root compared),
        ``old``, ``new``, ``delta``, ``old_rank``, ``new_rank`` (1 = best among the
        entities with the same root), ``rank_change`` (positive = moved up) and
        ``drivers`` (e.g. ``"LEB_ECO01 +1.20, LEB_HLT03 −0.80"``). Entities without a
        score on one side get NaN and no drivers.

    Examples
    --------
    >>> import pandas as pd
    >>> from govindex import Catalog, Panel, compute_index
    >>> cat = Catalog.from_frame(pd.DataFrame({"code": ["G", "a", "b"], "parent": ["", "G", "G"]}))
    >>> def run(y_b):
    ...     panel = Panel.from_frame(pd.DataFrame({
    ...         "entity": ["X", "Y", "Z"] * 2, "indicator": ["a"] * 3 + ["b"] * 3,
    ...         "year": 2024, "value": [0.0, 10.0, 20.0, 0.0, y_b, 20.0]}))
    ...     return compute_index(panel, cat, year=2024)
    >>> compare(run(10.0), run(20.0))[["old", "new", "rank_change", "drivers"]]
              old    new  rank_change   drivers
    entity
    X         0.0    0.0            0
    Y        50.0   75.0            0  b +25.00
    Z       100.0  100.0            0
    """
    if top < 0:
        raise MethodError(f"top must be a non-negative integer; got {top!r}")
    a, b = _tree(old), _tree(new)
    _check_entity(a, b, [])
    ents = [e for e in a.scores.index if e in set(b.scores.index)]
    if not ents:
        raise MethodError("the two results have no entity in common")
    roots = a.root_of_entity.reindex(ents)
    known = [r for r in dict.fromkeys(roots.dropna()) if r in a.parent]
    if not known:
        raise MethodError("no entity has a root to compare (pass results with a single root)")
    old_s = np.full(len(ents), np.nan)
    new_s = np.full(len(ents), np.nan)
    drivers = np.full(len(ents), "", dtype=object)
    for root in known:  # one decomposition per indicator set (a handful of roots)
        nodes = a.subtree(root, None)
        _check_pair(a, b, [c for c, _ in nodes])
        rows = np.flatnonzero((roots == root).to_numpy())
        sub = [ents[i] for i in rows]
        one = _Tree(a.codes, a.parent, a.names, a.weight, a.spec, a.scores.loc[sub, a.codes],
                    a.root_of_entity, a.kind)  # fmt: skip
        two = _Tree(b.codes, b.parent, b.names, b.weight, b.spec, b.scores.loc[sub, a.codes],
                    b.root_of_entity, b.kind)  # fmt: skip
        split = _decompose(one, two, nodes)
        s0 = one.scores[root].to_numpy(dtype=np.float64)
        s1 = two.scores[root].to_numpy(dtype=np.float64)
        old_s[rows], new_s[rows] = s0, s1
        leaf_codes = [c for c, _ in nodes if c not in a.children] + [
            f"{p}:method" for p in split.effects
        ]
        pos = [a.codes.index(c) for c, _ in nodes if c not in a.children]
        contrib = np.nan_to_num(split.contribution[:, pos])
        if split.effects:
            contrib = np.column_stack([contrib, *split.effects.values()])
        ok = ~(np.isnan(s0) | np.isnan(s1))
        if top and contrib.size:
            order = np.argsort(-np.abs(contrib), axis=1, kind="stable")[:, :top]
            picked = np.take_along_axis(contrib, order, axis=1)
            codes = np.asarray(leaf_codes, dtype=object)[order]
            for j, r in enumerate(rows):  # text for each entity (reporting)
                if ok[j]:
                    drivers[r] = ", ".join(_signed(c, v) for c, v in
                                           zip(codes[j], picked[j], strict=True)
                                           if abs(v) > 1e-12)  # fmt: skip
    out = pd.DataFrame({"node": roots.astype("str"), "old": old_s, "new": new_s},
                       index=pd.Index(ents, name="entity"))  # fmt: skip
    out["delta"] = out["new"] - out["old"]
    out["old_rank"] = (
        out.groupby("node")["old"].rank(ascending=False, method="min").astype("Int64")
    )
    out["new_rank"] = (
        out.groupby("node")["new"].rank(ascending=False, method="min").astype("Int64")
    )
    out["rank_change"] = out["old_rank"] - out["new_rank"]
    out["drivers"] = pd.array(drivers, dtype="str")
    return out
