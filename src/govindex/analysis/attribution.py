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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
import pandas as pd

from govindex.analysis._decomposition import MAX_SHAPLEY_PLAYERS, Split, TreeScores, decompose
from govindex.exceptions import CatalogError, GovindexError, MethodError, format_items
from govindex.results import Result, TableResult, handout

if TYPE_CHECKING:
    from govindex.indices.composite import IndexResult
    from govindex.indices.gpi import PerformanceResult
    from govindex.operational.result import OperationalResult

    #: The results :func:`attribute` and :func:`compare` read (their :meth:`~Result.framework`).
    AnyResult: TypeAlias = IndexResult | PerformanceResult | OperationalResult

__all__ = ["ATTRIBUTION_COLUMNS", "MAX_SHAPLEY_PLAYERS", "Attribution", "attribute", "compare"]

#: Columns of :attr:`Attribution.table`.
ATTRIBUTION_COLUMNS: tuple[str, ...] = (
    "entity", "node", "name", "parent", "level", "is_leaf", "old_score", "new_score",
    "delta", "old_weight", "new_weight", "contribution", "method",
)  # fmt: skip


def _side(result: object) -> TreeScores:
    """The tree and the node scores of a result, from its :meth:`~Result.framework`."""
    if not isinstance(result, Result):
        raise MethodError(
            "expected an IndexResult, PerformanceResult or OperationalResult; "
            f"got {type(result).__name__}"
        )
    tree = result.framework()
    return TreeScores(
        tree.catalog,
        tree.rollup_plan(),
        tree.node_scores,
        tree.roots,
        tree.kind,
        dict(tree.fingerprints),
    )


def _check_pair(a: TreeScores, b: TreeScores, nodes: Sequence[str]) -> None:
    if a.kind != b.kind:
        raise MethodError(
            f"cannot compare a {a.kind} with a {b.kind}; pass two results of one kind"
        )
    missing = [c for c in nodes if c not in b.parent]
    moved = [f"{c}: {a.parent[c] or '(root)'}→{b.parent[c] or '(root)'}" for c in nodes
             if c in b.parent and a.parent[c] != b.parent[c]]  # fmt: skip
    extra = [c for n in nodes for c in b.children(n) if c not in a.parent]
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


# --------------------------------------------------------------------------- public API
@dataclass(frozen=True, repr=False, eq=False)
class Attribution(TableResult):
    """Decomposition of one entity's score change at one node (immutable).

    Its one table (:attr:`table`, also ``tables()["attribution"]``) is handed out as a
    read-only copy.

    Attributes
    ----------
    entity, node : str
        The entity and the node whose change is decomposed.
    old_score, new_score : float
        The node's score in the old and the new result.
    kind : str
        Kind of the results compared.
    depth : int or None
        The depth limit of the decomposition (None: down to the leaves).
    fingerprints : mapping
        Input fingerprints of the old and the new result (keys ``old``, ``new``).
    """

    entity: str
    node: str
    old_score: float
    new_score: float
    kind: str
    depth: int | None
    fingerprints: Mapping[str, Mapping[str, str]]
    _table: pd.DataFrame

    @property
    def table(self) -> pd.DataFrame:
        """Tidy, columns :data:`ATTRIBUTION_COLUMNS`: one row per node of the subtree
        (the node itself at level 0) with its old and new score and weight in its
        parent (rescaled over the children present), its ``contribution`` to the
        change of ``node`` and the ``method`` its parent's change was split with.
        The contributions of the rows with ``is_leaf`` sum to :attr:`total`, and the
        contributions of a node's children sum to the node's."""
        return handout(self._table)

    @property
    def total(self) -> float:
        """The change to explain: ``new_score − old_score``."""
        return self.new_score - self.old_score

    @property
    def leaves(self) -> pd.DataFrame:
        """The leaf rows (indicators, criteria, or nodes at the depth limit), largest first."""
        leaf = self._table.loc[self._table["is_leaf"]]
        order = leaf["contribution"].abs().sort_values(ascending=False, kind="stable").index
        return leaf.loc[order].reset_index(drop=True)

    @property
    def provenance(self) -> dict[str, Any]:
        """What was decomposed, and the input fingerprints of both results."""
        return {
            "index": f"attribution ({self.kind})",
            "entity": self.entity,
            "node": self.node,
            "depth": self.depth,
            "old_score": self.old_score,
            "new_score": self.new_score,
            "fingerprints": {k: dict(v) for k, v in self.fingerprints.items()},
        }

    def to_frame(self) -> pd.DataFrame:
        """The tidy table (a copy)."""
        return self._table.copy()

    def _tables(self) -> dict[str, pd.DataFrame]:
        return {"attribution": self._table}

    def _summary(self) -> tuple[str, list[str]]:
        return "Attribution", [self._headline()]

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
        t = self._table
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

    def _headline(self) -> str:
        top = self.leaves.head(3)
        drivers = ", ".join(
            _signed(n, c) for n, c in zip(top["node"], top["contribution"], strict=True)
        )
        return (
            f"{self.entity}/{self.node}: {self.old_score:.2f} → {self.new_score:.2f} "
            f"({self.total:+.2f}); top drivers: {drivers or 'none'}"
        )

    def __repr__(self) -> str:
        return f"Attribution({self._headline()})"


def _default_node(tree: TreeScores, entity: str) -> str:
    node = tree.roots.get(entity)
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
    a, b = _side(old), _side(new)
    _check_entity(a, b, [entity])
    node = _default_node(a, entity) if node is None else node
    if node not in a.parent:
        raise MethodError(
            f"unknown node {node!r}; the result's nodes include {format_items(a.catalog.codes)}"
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
    one, two = a.rows([entity], a.catalog.codes), b.rows([entity], a.catalog.codes)
    split = decompose(one, two, nodes)
    table = _table(one, two, split, nodes, entity)
    return Attribution(entity=entity, node=node, old_score=s0, new_score=s1, kind=a.kind,
                       depth=None if depth is None else int(depth),
                       fingerprints={"old": a.fingerprints, "new": b.fingerprints},
                       _table=table)  # fmt: skip


def _check_entity(a: TreeScores, b: TreeScores, entities: Sequence[str]) -> list[str]:
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
    a: TreeScores, b: TreeScores, split: Split, nodes: list[tuple[str, int]], entity: str
) -> pd.DataFrame:
    pos = {c: i for i, c in enumerate(a.catalog.codes)}
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
        has_kids = any(k in in_scope for k in a.children(code))
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
    a, b = _side(old), _side(new)
    _check_entity(a, b, [])
    ents = [e for e in a.scores.index if e in set(b.scores.index)]
    if not ents:
        raise MethodError("the two results have no entity in common")
    roots = a.roots.reindex(ents)
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
        one, two = a.rows(sub, a.catalog.codes), b.rows(sub, a.catalog.codes)
        split = decompose(one, two, nodes)
        s0 = one.scores[root].to_numpy(dtype=np.float64)
        s1 = two.scores[root].to_numpy(dtype=np.float64)
        old_s[rows], new_s[rows] = s0, s1
        leaves = [c for c, _ in nodes if a.catalog.is_indicator(c)]
        leaf_codes = leaves + [f"{p}:method" for p in split.effects]
        pos = [a.catalog.codes.index(c) for c in leaves]
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
