"""The statistics across entities of a GPI assessment, for a run split into chunks of entities.

A GPI assessment is a computation per (entity, indicator) pair except for a few statistics
across entities:

* the **default cap** of an absolute-change indicator without a cap in the catalog: the
  median ``|change|`` across the ordinary entities (:func:`govindex.change.default_cap`);
* the **series-break statistics** of the window
  (:class:`~govindex.prepare.breaks.WindowStatistics`): robust medians of the log changes
  of at most 1,000 ordinary entities, counts of the series of every indicator and year,
  and the share of extreme changes;
* the **ranks** (computed from the scores of every entity; not here).

A run split into chunks of entities (:doc:`/scaling`, "Batch runs") computes the first two
in a reduction pass and hands them to :func:`~govindex.performance_index` (``statistics=``),
which then gives, for a chunk of the entities, exactly the rows that the whole assessment
gives them. The steps, each on a chunk of the entities:

1. :func:`window_arrays`: the chunk's window as the index sees it (the same start-up step);
2. :func:`chunk_sums`: the columns of changes that make the default caps and the sums of
   the series-break statistics (:func:`govindex.prepare.breaks.window_break_counts`);
3. :func:`cap_of`: one default cap from one indicator's changes of every chunk, and
   :func:`combine_break_counts`: the break statistics from every chunk's sums;
4. :class:`GPIStatistics` of both, given to each chunk's ``performance_index``.

:func:`whole_statistics` computes the same from a whole panel (what the chunks must add
up to; the tests compare them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from govindex import change as ch
from govindex._typing import BoolArray, FloatArray, IntArray
from govindex.catalog import Catalog
from govindex.entities import Entities
from govindex.exceptions import MethodError, format_items
from govindex.indices.gpi import GPIMethod
from govindex.indices.gpi_window import assign_roots, change_rules, window_values
from govindex.indices.inputs import IndexInputs, index_inputs, reference_kinds
from govindex.panel import Panel
from govindex.prepare.breaks import (
    BREAK_THRESHOLD,
    WindowStatistics,
    extreme_rate,
    log_change_statistics,
    stat_rows,
    window_break_counts,
)

__all__ = [
    "GPIStatistics",
    "GPIWindow",
    "cap_of",
    "chunk_sums",
    "combine_break_counts",
    "median_leaves",
    "whole_statistics",
    "window_arrays",
    "window_slice",
]


@dataclass(frozen=True, eq=False)
class GPIStatistics:
    """The statistics across entities of one GPI assessment (``performance_index(...,
    statistics=)``).

    Attributes
    ----------
    caps : Series
        The cap ``g_cap`` of every indicator (index: the catalog's indicator codes), as
        :func:`govindex.change.default_cap` gives it over every ordinary entity.
    breaks : WindowStatistics
        The series-break statistics of the window over every entity.
    """

    caps: pd.Series
    breaks: WindowStatistics

    def caps_of(self, leaves: Sequence[str]) -> FloatArray:
        """The caps of ``leaves``, in their order; :class:`MethodError` if one is absent."""
        absent = [leaf for leaf in leaves if leaf not in self.caps.index]
        if absent:
            raise MethodError(
                f"the statistics hold no cap for indicator(s) {format_items(absent)}: they were "
                "computed for another catalog"
            )
        return np.asarray(self.caps.reindex(list(leaves)).to_numpy(), dtype=np.float64)


class GPIWindow(NamedTuple):
    """The window of a GPI assessment as :func:`~govindex.performance_index` sees it."""

    inputs: IndexInputs
    reference: BoolArray  # (E,) reference rows (aggregates, totals)
    applies: BoolArray  # (E, L) the leaf belongs to the entity's root
    raw: FloatArray  # (E, L, Y) gathered values, before imputation
    values: FloatArray  # (E, L, Y) imputed where the method says so, NaN where not applicable
    rules: list[str]
    cap_given: FloatArray  # (L,) the catalog's caps (NaN: the rule's default)
    direction: FloatArray  # (L,)


def window_arrays(
    panel: Panel,
    catalog: Catalog,
    method: GPIMethod,
    *,
    year: int,
    roots: Iterable[str] | None = None,
    entities: Iterable[str] | None = None,
    entity_table: Entities | None = None,
) -> GPIWindow:
    """The start-up step of :func:`~govindex.performance_index` without a lineage: the
    inputs, the reference rows, the applicable pairs and the window's values."""
    inputs = index_inputs(panel, catalog, year=year, entities=entities)
    reference = (reference_kinds(entity_table, inputs.entities) != "").to_numpy()
    root_of_entity = assign_roots(catalog, inputs.entities, roots)
    leaf_root = catalog.root_of.loc[inputs.leaves].to_numpy()
    applies = root_of_entity.to_numpy(dtype=object)[:, None] == leaf_root[None, :]
    raw = inputs.gather(inputs.panel.values)
    values, _, _ = window_values(inputs, raw, method, inputs.year, None, False)
    values = np.where(applies[:, :, None], values, np.nan)
    meta = catalog.frame.set_index("code").loc[inputs.leaves]
    rules, cap_given, _ = change_rules(meta, method)
    direction = meta["direction"].to_numpy(dtype=np.float64)
    return GPIWindow(inputs, reference, applies, raw, values, rules, cap_given, direction)


def window_slice(raw: FloatArray, years: Sequence[int] | IntArray, year: int, window: int) -> Any:
    """The years ``year − window … year`` of ``raw`` (E, L, Y): what the break check reads."""
    yrs = np.asarray(years)
    return raw[:, :, (yrs >= year - window) & (yrs <= year)]


def median_leaves(w: GPIWindow) -> BoolArray:
    """The leaves whose default cap is a median across entities (absolute rule, no cap)."""
    return np.asarray((np.asarray(w.rules) == "absolute") & np.isnan(w.cap_given), dtype=bool)


def chunk_sums(
    w: GPIWindow,
    method: GPIMethod,
    log_changes: tuple[FloatArray, ...],
    *,
    count: IntArray | None = None,
    ever: IntArray | None = None,
) -> dict[str, Any]:
    """What a chunk of entities adds to the statistics of its assessment.

    ``caps``: for each leaf of :func:`median_leaves`, the changes of the chunk's ordinary
    entities (NaN where not applicable or missing); ``breaks``: the sums of
    :func:`~govindex.prepare.breaks.window_break_counts` with ``log_changes`` (and the
    ``count`` and ``ever`` of every entity, when known).
    """
    year, years = w.inputs.year, w.inputs.panel.years
    need = median_leaves(w)
    caps: dict[str, FloatArray] = {}
    if need.any():
        cols = np.flatnonzero(need)
        wc = ch.window_changes(
            w.values[:, cols], years, year=year, window=method.window,
            rule=[w.rules[c] for c in cols], direction=w.direction[cols],
            entity_labels=list(w.inputs.entities),
            indicator_labels=[w.inputs.leaves[c] for c in cols],
        )  # fmt: skip
        ordinary = wc.change[~w.reference]
        caps = {w.inputs.leaves[c]: ordinary[:, k].copy() for k, c in enumerate(cols)}
    x = window_slice(w.raw, years, year, method.window)
    sums = window_break_counts(x, log_changes, threshold=BREAK_THRESHOLD, count=count, ever=ever)
    return {"caps": caps, "breaks": sums}


def cap_of(
    leaf: str, rule: str, given: float, columns: Sequence[FloatArray] | None = None
) -> float:
    """The cap of one leaf: the catalog's, the rule's default, or the median ``|change|`` of
    its ``columns`` (the changes of every chunk's ordinary entities, in entity order).

    The median goes through :func:`govindex.change.default_cap` on the one column of every
    ordinary entity, as in the whole assessment (it warns the same way when it fails).
    """
    g = np.concatenate(list(columns))[:, None] if columns else np.empty((0, 1))
    return float(ch.default_cap(g, [rule], np.array([given]), names=[leaf])[0])


def combine_break_counts(
    log_changes: tuple[FloatArray, ...], sums: Sequence[Mapping[str, Any]]
) -> tuple[WindowStatistics, bool]:
    """The :class:`WindowStatistics` from the sums of every chunk, and whether their
    ``appear`` is exact (:func:`~govindex.prepare.breaks.window_break_counts` found it
    taking every indicator as reported by two entities or more in every year; when that is
    not so, the chunks' ``appear`` must be summed again with the ``count`` and ``ever``
    found here, and replace it)."""
    count, ever, appear = (
        np.asarray(np.sum([s[key] for s in sums], axis=0), dtype=np.int64)
        for key in ("count", "ever", "appear")
    )
    rate = extreme_rate(
        sum(int(s["n_extreme"]) for s in sums), sum(int(s["n_scored"]) for s in sums)
    )
    reported = ever > 0
    exact = bool((count[reported] >= 2).all())
    return WindowStatistics(log_changes, rate, count, ever, appear), exact


def whole_statistics(
    panel: Panel,
    catalog: Catalog,
    method: GPIMethod | None = None,
    *,
    year: int,
    roots: Iterable[str] | None = None,
    entities: Iterable[str] | None = None,
    entity_table: Entities | None = None,
) -> GPIStatistics:
    """The :class:`GPIStatistics` of an assessment of a whole panel (no lineage).

    ``performance_index(panel, ..., statistics=whole_statistics(panel, ...))`` equals
    ``performance_index(panel, ...)``; a chunk's result with these statistics equals the
    chunk's rows of it.
    """
    method = GPIMethod.build(method)
    w = window_arrays(panel, catalog, method, year=year, roots=roots, entities=entities,
                      entity_table=entity_table)  # fmt: skip
    x = window_slice(w.raw, w.inputs.panel.years, w.inputs.year, method.window)
    log_changes = log_change_statistics(x[stat_rows(~w.reference)])
    first = chunk_sums(w, method, log_changes)
    breaks, exact = combine_break_counts(log_changes, [first["breaks"]])
    if not exact:
        again = chunk_sums(w, method, log_changes, count=breaks.count, ever=breaks.ever)
        breaks = WindowStatistics(log_changes, breaks.rate, breaks.count, breaks.ever,
                                  again["breaks"]["appear"])  # fmt: skip
    caps = [
        cap_of(leaf, rule, given, [first["caps"][leaf]] if leaf in first["caps"] else None)
        for leaf, rule, given in zip(w.inputs.leaves, w.rules, w.cap_given, strict=True)
    ]
    return GPIStatistics(pd.Series(caps, index=pd.Index(w.inputs.leaves), dtype="float64"), breaks)
