"""Strengths and weaknesses of one body against its peers.

:func:`strengths_weaknesses` ranks a body's indicators (or criteria) against the
other bodies assessed on the same indicator set (the same root of the catalog; for
an operational assessment, every body scored with the scorecard):

* ``percentile`` — mean percentile rank among the peers with a score (SciPy's
  ``percentileofscore(kind="mean")``: ``100 · (rank − 0.5) / n`` with average ranks,
  100 = best), ``rank`` (1 = best, ties share the best rank);
* ``to_median`` and ``to_best`` — the score minus the peers' median and best score;
* ``lost`` — points short of the maximum, weighted by the item's share of the index:
  ``w_eff · (100 − s)`` for GPI progress scores (``w_eff`` the effective weight in
  the root), ``max_points − points`` for operational criteria; NaN for composite
  indices (their normalised scores have no common maximum);
* ``regression`` — the class is ``deteriorated`` (GPI only), ranked by severity
  ``(50 − s) / 50 · w_eff`` as in :func:`govindex.indices.risk.risk_areas`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from govindex.exceptions import MethodError, format_items
from govindex.results import HandOut, TableResult, handout

if TYPE_CHECKING:
    from govindex.analysis.attribution import AnyResult

__all__ = ["STRENGTH_COLUMNS", "StrengthsWeaknesses", "strengths_weaknesses"]

#: Columns of :attr:`StrengthsWeaknesses.table`.
STRENGTH_COLUMNS: tuple[str, ...] = (
    "entity", "indicator", "name", "group", "score", "max_score", "n_peers", "rank",
    "percentile", "peer_median", "to_median", "peer_best", "to_best", "weight", "lost",
    "class", "regression", "severity",
)  # fmt: skip


@dataclass(frozen=True, repr=False, eq=False)
class StrengthsWeaknesses(TableResult):
    """One body's indicators against its peers (immutable; the
    :class:`~govindex.results.TableResult` protocol, frames handed out read-only).

    Attributes
    ----------
    entity : str
    table : DataFrame
        Every scored indicator (criterion) of the body, columns
        :data:`STRENGTH_COLUMNS`, best percentile first.
    top : int
        How many rows the views below show.
    """

    entity: str
    _table: pd.DataFrame
    top: int
    _source: Mapping[str, Any] = field(default_factory=dict)

    table = HandOut[pd.DataFrame]("_table")

    @property
    def strengths(self) -> pd.DataFrame:
        """The ``top`` indicators with the highest percentile (then furthest above the median)."""
        return self._sorted(["percentile", "to_median"], [False, False])

    @property
    def weaknesses(self) -> pd.DataFrame:
        """The ``top`` indicators with the lowest percentile (then furthest below the median)."""
        return self._sorted(["percentile", "to_median"], [True, True])

    @property
    def regressions(self) -> pd.DataFrame:
        """Indicators whose class deteriorated, most severe first (all of them)."""
        t = self._table.loc[self._table["regression"]]
        return handout(
            t.sort_values("severity", ascending=False, kind="stable").reset_index(drop=True)
        )

    @property
    def lost_points(self) -> pd.DataFrame:
        """The ``top`` indicators (criteria) that lost most points (``lost``)."""
        t = self._table.loc[self._table["lost"].notna()]
        t = t.sort_values("lost", ascending=False, kind="stable")
        return handout(t.head(self.top).reset_index(drop=True))

    @property
    def provenance(self) -> dict[str, Any]:
        """The body, ``top`` and the provenance of the result analysed (``source``)."""
        return {
            "kind": "strengths_weaknesses",
            "entity": self.entity,
            "top": self.top,
            "source": dict(self._source),
        }

    def _tables(self) -> dict[str, pd.DataFrame]:
        return {"indicators": self._table}

    def _sorted(self, by: list[str], ascending: list[bool]) -> pd.DataFrame:
        t = self._table.loc[self._table["percentile"].notna()]
        t = t.sort_values(by, ascending=ascending, kind="stable")
        return handout(t.head(self.top).reset_index(drop=True))

    def _summary(self) -> tuple[str, list[str]]:
        def codes(frame: pd.DataFrame) -> str:
            return format_items(frame["indicator"], limit=self.top)

        return "StrengthsWeaknesses", [
            f"{self.entity}: strengths {codes(self.strengths)}",
            f"weaknesses {codes(self.weaknesses)}; {len(self.regressions)} regression(s)",
        ]

    def __repr__(self) -> str:
        def codes(frame: pd.DataFrame) -> str:
            return format_items(frame["indicator"], limit=self.top)

        return (
            f"StrengthsWeaknesses({self.entity}: strengths {codes(self.strengths)}; "
            f"weaknesses {codes(self.weaknesses)}; {len(self.regressions)} regression(s))"
        )


def _peer_stats(scores: pd.DataFrame, peers: pd.Index) -> pd.DataFrame:
    """Per item: n, median, best, and the ranks of every peer (vectorised over the table)."""
    sub = scores.loc[peers]
    return pd.DataFrame(
        {
            "n_peers": sub.notna().sum(axis=0),
            "peer_median": sub.median(axis=0),
            "peer_best": sub.max(axis=0),
        }
    )


def strengths_weaknesses(result: AnyResult, entity: str, *, top: int = 5) -> StrengthsWeaknesses:
    """Rank one body's indicators against the bodies assessed on the same indicator set.

    Parameters
    ----------
    result : PerformanceResult, IndexResult or OperationalResult
        The assessment.
    entity : str
        The body.
    top : int, default 5
        Rows shown by ``.strengths``, ``.weaknesses`` and ``.lost_points``.

    Returns
    -------
    StrengthsWeaknesses
        ``.table`` (every indicator), ``.strengths``, ``.weaknesses``,
        ``.regressions``, ``.lost_points``.

    Examples
    --------
    >>> import pandas as pd
    >>> from govindex import Catalog, Panel, performance_index
    >>> panel = Panel.from_frame(pd.DataFrame({
    ...     "entity": ["A", "B", "C"] * 4, "indicator": ["x"] * 6 + ["y"] * 6,
    ...     "year": ([2022] * 3 + [2025] * 3) * 2,
    ...     "value": [100.0] * 3 + [110.0, 100.0, 90.0] + [10.0] * 3 + [9.0, 10.0, 11.0]}))
    >>> cat = Catalog.from_frame(pd.DataFrame({"code": ["G", "x", "y"], "parent": ["", "G", "G"]}))
    >>> sw = strengths_weaknesses(performance_index(panel, cat, year=2025), "A", top=1)
    >>> sw.strengths[["indicator", "rank", "percentile"]].values.tolist()  # best of 3
    [['x', 1, 83.33...]]
    >>> sw.regressions["indicator"].tolist()
    ['y']
    """
    from govindex.indices.composite import IndexResult
    from govindex.indices.gpi import PerformanceResult, effective_weights
    from govindex.operational.result import OperationalResult

    if int(top) != top or top < 1:
        raise MethodError(f"top must be a positive integer; got {top!r}")
    if isinstance(result, OperationalResult):
        scores = result.points
        ents = scores.index
        items = [i.code for i in result.scorecard.criteria]
        scores = scores.loc[:, items]
        peers = ents
        names = pd.Series({i.code: i.name for i in result.scorecard.criteria})
        group = pd.Series({i.code: str(i.direction or "") for i in result.scorecard.criteria})
        max_score = pd.Series({i.code: i.max_points for i in result.scorecard.criteria})
        weight = pd.Series(1.0, index=pd.Index(items))
        cls = pd.Series(np.nan, index=pd.Index(items), dtype="object")
    elif isinstance(result, PerformanceResult | IndexResult):
        cat = result.catalog
        scores_all = result.node_scores
        if isinstance(result, PerformanceResult):
            roots = result.scores["root"]
        else:
            roots = pd.Series(cat.roots[0] if len(cat.roots) == 1 else "", index=scores_all.index)
        ents = scores_all.index
        perf_kind = isinstance(result, PerformanceResult)
        if entity in ents:
            root = roots.loc[entity]
            if pd.isna(root) or root == "":
                hint = ": the catalog has several roots" if not perf_kind else ""
                raise MethodError(
                    f"entity {entity!r} has no indicator set (root) in this result{hint}"
                )
            items = [c for c in cat.descendants(str(root)) if cat.is_indicator(c)]
            peers = ents[(roots == root).to_numpy()]
        else:
            items, peers = [], ents
        scores = scores_all.loc[:, items]
        names = cat.column("name", items)
        group = cat.column("sphere", items)
        weight = effective_weights(cat).reindex(items)
        perf = isinstance(result, PerformanceResult)
        max_score = pd.Series(100.0 if perf else np.nan, index=pd.Index(items))
        if isinstance(result, PerformanceResult):
            ch = result.changes
            own = ch.loc[ch["entity"] == entity].set_index("indicator")["class"]
            cls = own.astype("object").reindex(items)
        else:
            cls = pd.Series(np.nan, index=pd.Index(items), dtype="object")
    else:
        raise MethodError(
            "expected a PerformanceResult, IndexResult or OperationalResult; "
            f"got {type(result).__name__}"
        )
    if entity not in ents:
        raise MethodError(
            f"entity {entity!r} is not in the result; its entities are {format_items(ents)}"
        )
    stats = _peer_stats(scores, peers)
    ranks_avg = scores.loc[peers].rank(axis=0, method="average", ascending=False)
    ranks_min = scores.loc[peers].rank(axis=0, method="min", ascending=False)
    own_score = scores.loc[entity].to_numpy(dtype=np.float64)
    n = stats["n_peers"].to_numpy(dtype=np.float64)
    r_avg = ranks_avg.loc[entity].to_numpy(dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        percentile = 100.0 * (n - r_avg + 0.5) / n  # ascending mean percentile rank
    w = weight.to_numpy(dtype=np.float64)
    maxs = max_score.to_numpy(dtype=np.float64)
    lost = np.where(np.isnan(maxs), np.nan, w * (maxs - own_score))
    regression = (cls == "deteriorated").to_numpy(dtype=bool)
    table = pd.DataFrame(
        {
            "entity": entity,
            "indicator": items,
            "name": names.reindex(items).to_numpy(),
            "group": group.reindex(items).to_numpy(),
            "score": own_score,
            "max_score": maxs,
            "n_peers": n.astype(np.int64),
            "rank": pd.array(ranks_min.loc[entity].to_numpy(), dtype="Int64"),
            "percentile": percentile,
            "peer_median": stats["peer_median"].to_numpy(dtype=np.float64),
            "to_median": own_score - stats["peer_median"].to_numpy(dtype=np.float64),
            "peer_best": stats["peer_best"].to_numpy(dtype=np.float64),
            "to_best": own_score - stats["peer_best"].to_numpy(dtype=np.float64),
            "weight": w,
            "lost": lost,
            "class": cls.to_numpy(),
            "regression": regression,
            "severity": np.where(regression, (50.0 - own_score) / 50.0 * w, np.nan),
        }
    )
    table = table.loc[table["score"].notna()]
    for col in ("entity", "indicator", "name", "group", "class"):
        table[col] = table[col].astype("str")
    table = table.sort_values(["percentile", "to_median"], ascending=False, kind="stable")
    return StrengthsWeaknesses(
        entity=entity,
        _table=table.reset_index(drop=True),
        top=int(top),
        _source=result.provenance,
    )
