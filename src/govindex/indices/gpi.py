"""Government Performance Index (GPI): progress of each body's indicators over a window.

For assessment year ``T`` and window ``w`` every (body, indicator) gets an annual
change ``g`` (:mod:`govindex.change`), a class (improved / stable / deteriorated)
and a progress score ``s = 50 + 50·clip(g / g_cap, −1, 1)``; the scores are
aggregated over the body's tree of the catalog:

* **central government bodies (CGB)** — each root with an ``owner`` applies to the
  entity of that code only (its own indicator set);
* **local executive bodies (LEB)** — a root without an owner is shared and applies
  to every entity of the panel that owns no root.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property, partial
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from govindex import change as ch
from govindex._typing import BoolArray, FloatArray, IntArray
from govindex.aggregate import POSITIVE_ADVICE, parse_aggregation
from govindex.catalog import Catalog
from govindex.entities import Entities
from govindex.exceptions import AggregationError, MethodError, format_items
from govindex.indices.base import TreeResult
from govindex.indices.composite import rollup
from govindex.indices.gpi_tables import Assessment, changes_table, flag_imputed, scores_table
from govindex.indices.gpi_window import (
    assign_roots,
    change_rules,
    find_breaks,
    flag_breaks,
    flag_reference,
    record_inputs,
    window_values,
)
from govindex.indices.inputs import IndexInputs, index_inputs, reference_kinds
from govindex.methods import DEFAULT_COVERAGE, Method, check_coverage, check_number
from govindex.panel import Panel
from govindex.prepare.impute import check_imputation_spec
from govindex.prepare.lineage import Lineage
from govindex.results import HandOut, handout_all

if TYPE_CHECKING:
    from govindex.indices.gpi_statistics import GPIStatistics

__all__ = [
    "GPIMethod",
    "PerformanceResult",
    "effective_weights",
    "performance_index",
]

#: Imputation methods of the GPI: they fill each body's own series along the years.
GPI_IMPUTATIONS: tuple[str, ...] = ("locf", "linear")


@dataclass(frozen=True)
class GPIMethod(Method):
    """Every parameter of a GPI computation (stored verbatim in the result).

    Build one with :meth:`~govindex.methods.Method.build` (or the constructor);
    :func:`performance_index` takes one, or the parameters as keyword arguments.

    Parameters
    ----------
    window : int, default 3
        Years in the window ``T − w … T``.
    change : {"relative", "absolute", "slope"}, default "relative"
        Change rule of indicators without ``change`` in the catalog.
    alpha : float, default 0.05
        Significance level of the two-proportion z-test for survey indicators.
    survey_scale : float, default 100
        Value of a 100 % share in survey indicators (100 = percent, 1 = proportion).
    significance : bool, default True
        Apply the z-test to survey indicators that have sample sizes.
    aggregation : str, default "arithmetic"
        Aggregation of parents without one in the catalog.
    coverage : float, default 2/3
        Minimum share of a body's indicators (and of each node's child weight) that
        must be scored; below it the body gets no GPI and the reason is stated.
    override_change : {"relative", "absolute", "slope"} or None, default None
        Apply this change rule to every indicator, overriding the catalog (for
        sensitivity analysis); caps and tolerances given in the catalog for another
        rule are then ignored in favour of the rule's defaults.
    imputation : mapping or None, default None
        Fill gaps of each body's series before the window changes, e.g.
        ``{"method": "locf", "max_gap": 2}`` or ``{"method": "linear"}``
        (:func:`govindex.prepare.impute.impute_panel`; observed values are never changed);
        None = no imputation (then absent from :meth:`to_dict`).

    Examples
    --------
    >>> m = GPIMethod.build(change="slope")
    >>> m.window, m.change, m.coverage
    (3, 'slope', 0.666...)
    >>> m.replace(window=4) == GPIMethod(window=4, change="slope")
    True
    """

    window: int = 3
    change: Literal["relative", "absolute", "slope"] = "relative"
    alpha: float = 0.05
    survey_scale: float = 100.0
    significance: bool = True
    aggregation: str = "arithmetic"
    coverage: float = DEFAULT_COVERAGE
    override_change: Literal["relative", "absolute", "slope"] | None = None
    imputation: Mapping[str, Any] | None = None

    _OMIT_IF_NONE = ("imputation",)

    def _validate(self) -> None:
        if self.imputation is not None:
            self._set("imputation", _check_gpi_imputation(self.imputation))
        if self.override_change is not None and self.override_change not in ch.CHANGE_RULES:
            raise MethodError(
                f"unknown change rule {self.override_change!r}; expected one of {ch.CHANGE_RULES.names()}"
            )
        try:
            window = check_number(self.window, "window", low=2, integer=True)
        except MethodError:
            raise MethodError(
                f"window must be an integer of at least 2 years (a change needs two points "
                f"two or more years apart); got {self.window!r}"
            ) from None
        self._set("window", int(window))
        if self.change not in ch.CHANGE_RULES:
            raise MethodError(
                f"unknown change rule {self.change!r}; expected one of {ch.CHANGE_RULES.names()}"
            )
        check_number(self.alpha, "alpha", low=0.0, high=1.0, open_low=True, open_high=True)
        check_number(self.survey_scale, "survey_scale", low=0.0, open_low=True)
        if not isinstance(self.significance, bool):
            raise MethodError(f"significance must be True or False; got {self.significance!r}")
        check_coverage(self.coverage)
        parse_aggregation(self.aggregation)


def _check_gpi_imputation(spec: object) -> dict[str, Any]:
    """Validate a GPI imputation spec (a panel method filling along years)."""
    method = spec.get("method") if isinstance(spec, Mapping) else None
    if isinstance(spec, Mapping) and method not in GPI_IMPUTATIONS:
        kind = {
            "mean": " (a cross-section method: it fills from other bodies, not the body's own series)",
            "median": " (a cross-section method: it fills from other bodies, not the body's own series)",
            "constant": " (it fills a fixed value, not the body's own series)",
        }.get(str(method), "")
        raise MethodError(
            f"unknown GPI imputation method {method!r}{kind}; expected one of "
            f"{list(GPI_IMPUTATIONS)}, e.g. imputation={{'method': 'locf', 'max_gap': 2}}"
        )
    return check_imputation_spec(spec)  # type: ignore[arg-type]


def effective_weights(catalog: Catalog) -> pd.Series:
    """Share of every node in its root's score: product of normalised weights on its path.

    Examples
    --------
    >>> cat = Catalog.from_frame(pd.DataFrame({
    ...     "code": ["G", "a", "b", "a1", "a2"], "parent": ["", "G", "G", "a", "a"],
    ...     "weight": [1, 3, 1, 1, 1]}))
    >>> effective_weights(cat).round(3).to_dict()
    {'G': 1.0, 'a': 0.75, 'b': 0.25, 'a1': 0.375, 'a2': 0.375}
    """
    frame = catalog.frame
    w = frame["weight"].to_numpy(dtype=np.float64)
    sums = frame.groupby("parent")["weight"].transform("sum").to_numpy(dtype=np.float64)
    local = np.where(frame["parent"].to_numpy() == "", 1.0, w / np.where(sums > 0, sums, 1.0))
    share = pd.Series(local, index=pd.Index(catalog.codes, name="code"), name="weight")
    parent = frame["parent"].to_numpy()
    out = share.to_numpy().copy()
    pos = {c: k for k, c in enumerate(catalog.codes)}
    parent_pos = np.array([pos.get(p, -1) for p in parent], dtype=np.int64)
    depth = catalog.depth.to_numpy()
    # one pass per tree level (not per node): a node's share times its parent's effective share
    for level in range(1, int(depth.max()) + 1 if len(catalog) else 1):
        at = depth == level
        out[at] = out[at] * out[parent_pos[at]]
    return pd.Series(out, index=share.index, name="weight")


class PerformanceResult(TreeResult[GPIMethod]):
    """Immutable result of :func:`performance_index` (the :class:`~govindex.results.Result`
    protocol); every frame is handed out as a read-only copy.

    Attributes
    ----------
    year : int
        Assessment year ``T``.
    method : GPIMethod
    catalog : Catalog
    scores : DataFrame
        Index ``entity``: ``root``, ``kind`` (central/local), ``gpi``, ``rank``,
        ``n_indicators``, ``n_scored``, ``n_improved``, ``n_stable``,
        ``n_deteriorated``, the three shares, ``coverage`` and ``reason``.
    changes : DataFrame
        Tidy, one row per applicable (entity, indicator): start/end year and value,
        change, tolerance, cap, class, survey p-value, progress score, flags, reason.
    node_scores : DataFrame
        Entity × node progress scores (indicators and aggregates).
    node_coverage : DataFrame
        Entity × parent node share of child weight with data.
    raw : DataFrame
        The observations of the window used (tidy); built from the panel on first access.
    fingerprints : dict
        SHA-256 of the panel and the catalog (and the lineage, if any).
    panel : Panel or None
        The panel the result was computed from (kept for :meth:`regenerate`).
    options : dict
        The options of the call that are not method parameters (``roots``,
        ``entities``, ``lineage``, ``derive``, ``entity_table``).
    breaks : DataFrame
        The series breaks found inside the window
        (:func:`govindex.prepare.breaks.window_breaks`) with ``explained`` (by the lineage).
    reference_entities : list of str
        The reference rows (aggregates and totals of the entity table): scored, not ranked.
    """

    INDEX = "GPI"

    _scores: pd.DataFrame
    _changes_given: pd.DataFrame | Callable[[], pd.DataFrame] | None
    _node_scores: pd.DataFrame
    _node_coverage: pd.DataFrame
    _options: dict[str, Any]
    _breaks: pd.DataFrame

    def __init__(
        self,
        *,
        year: int,
        method: GPIMethod,
        catalog: Catalog,
        scores: pd.DataFrame,
        changes: pd.DataFrame | Callable[[], pd.DataFrame],
        node_scores: pd.DataFrame,
        node_coverage: pd.DataFrame,
        fingerprints: Mapping[str, str],
        panel: Panel | None = None,
        options: Mapping[str, Any] | None = None,
        breaks: pd.DataFrame | None = None,
    ) -> None:
        self._keep_inputs(year, method, catalog, fingerprints, panel)
        self._store(
            _scores=scores,
            _changes_given=changes,
            _node_scores=node_scores,
            _node_coverage=node_coverage,
            _options=dict(options or {}),
            _breaks=pd.DataFrame() if breaks is None else breaks,
        )

    @property
    def options(self) -> dict[str, Any]:
        """Options of the call besides the method: ``roots``, ``entities``, ``lineage``,
        ``derive``, ``entity_table`` (the last three when given)."""
        return dict(self._options)

    breaks = HandOut[pd.DataFrame]("_breaks")

    @property
    def reference_entities(self) -> list[str]:
        """The reference rows (aggregates, totals): scored and flagged, never ranked."""
        table = self._options.get("entity_table")
        if table is None:
            return []
        return [str(c) for c in self._scores.index[table.is_reference(self._scores.index)]]

    @cached_property
    def _changes(self) -> pd.DataFrame:
        # the table is built on first use when performance_index handed over its builder
        given = self._changes_given
        assert given is not None  # internal invariant: set once by __init__, cleared here
        table = given if isinstance(given, pd.DataFrame) else given()
        self._store(_changes_given=None)  # the builder's arrays are not needed any more
        return table

    scores = HandOut[pd.DataFrame]("_scores")
    changes = HandOut[pd.DataFrame]("_changes")
    node_scores = HandOut[pd.DataFrame]("_node_scores")
    node_coverage = HandOut[pd.DataFrame]("_node_coverage")

    def _entity_roots(self, entities: pd.Index) -> pd.Series:
        """Entity → the root of its indicator set (``scores['root']``)."""
        return self._scores["root"].reindex(entities).astype("object")

    @cached_property
    def _raw(self) -> pd.DataFrame:
        if self._panel is None:
            return pd.DataFrame(columns=["entity", "indicator", "year", "value"])
        entities = self._options.get("entities")
        work = self._panel if entities is None else self._panel.select(entities=entities)
        return work.window_rows(self._year - self._method.window, self._year)

    raw = HandOut[pd.DataFrame]("_raw")

    @property
    def stages(self) -> Mapping[str, pd.DataFrame]:
        """``raw`` (tidy observations of the window) → ``changes`` (tidy: change, class
        and progress score of every entity-indicator pair) → ``aggregated`` (entity ×
        node scores)."""
        return handout_all(
            {"raw": self._raw, "changes": self._changes, "aggregated": self._node_scores}
        )

    def regenerate(self, **changes: Any) -> PerformanceResult:
        """Recompute with some parameters changed (e.g. ``change="slope"``, ``year=2024``).

        Accepts the keyword arguments of :func:`performance_index` (``year``,
        ``window``, ``roots``, ``entities``, ``lineage``, the :class:`GPIMethod`
        parameters), ``method`` (a :class:`GPIMethod` replacing every method
        parameter) and ``catalog`` to swap the catalog. Without changes it equals a
        fresh computation bit for bit.
        """
        return self._recompute(
            performance_index, changes, catalog=self._catalog, fixed=self._options
        )

    def risk_areas(self, **options: Any) -> pd.DataFrame:
        """Risk areas of this assessment (see :func:`govindex.indices.risk.risk_areas`)."""
        from govindex.indices.risk import risk_areas

        return risk_areas(self, **options)

    def to_frame(self) -> pd.DataFrame:
        """The tidy per-(entity, indicator) table (same as :attr:`changes`)."""
        return self._changes.copy()

    def _tables(self) -> dict[str, pd.DataFrame]:
        nodes = self._node_scores.copy(deep=False)
        nodes.columns = nodes.columns.astype("str")
        return {"scores": self._scores, "changes": self._changes, "node_scores": nodes}

    def _summary(self) -> tuple[str, list[str]]:
        s = self._scores
        n_ok = int(s["gpi"].notna().sum())
        lines = [
            f"assessment year {self._year}, window {self._method.window} years, "
            f"{len(s)} entities ({n_ok} with a GPI), {int(s['n_indicators'].sum())} "
            "entity-indicator pairs",
            f"classes: {int(s['n_improved'].sum())} improved, {int(s['n_stable'].sum())} stable, "
            f"{int(s['n_deteriorated'].sum())} deteriorated",
        ]
        return "PerformanceResult (GPI)", lines


#: The advice of an aggregation error in the GPI (progress scores are 0 at a regression at
#: or beyond the cap: a geometric or harmonic mean of them is undefined).
_GPI_ADVICE = (
    "The GPI's progress scores are 0 for a yearly regression at or beyond the indicator's cap, "
    "so a geometric or harmonic mean of them is undefined: use aggregation='arithmetic' (the "
    "default), 'median' or 'min', or widen the caps in the catalog ('cap') so that fewer "
    "changes reach them"
)

# keyword arguments of performance_index that are not GPIMethod parameters
_KEYWORDS: tuple[str, ...] = (
    "year", "roots", "entities", "lineage", "derive", "entity_table", "statistics",
)  # fmt: skip


def performance_index(
    panel: Panel,
    catalog: Catalog,
    method: GPIMethod | None = None,
    *,
    year: int,
    roots: Iterable[str] | None = None,
    entities: Iterable[str] | None = None,
    lineage: Lineage | None = None,
    derive: bool = False,
    entity_table: Entities | None = None,
    statistics: GPIStatistics | None = None,
    **overrides: Any,
) -> PerformanceResult:
    """Compute the Government Performance Index of every body for assessment year ``year``.

    Parameters
    ----------
    panel : Panel
        Observations of the bodies (entity = body or region code); survey
        indicators may carry ``sample_size``.
    catalog : Catalog
        Indicator sets: roots with an ``owner`` (central bodies) and/or one shared
        root (local bodies). Per-indicator ``change``, ``tolerance``, ``cap``,
        ``direction``, ``type`` and ``weight`` come from here.
    method : GPIMethod, optional
        Every parameter of the computation; default :class:`GPIMethod` ().
    year : int
        Assessment year ``T``.
    roots : iterable of str, optional
        Restrict to these roots (default: all).
    entities : iterable of str, optional
        Restrict to these entities (default: all entities of the panel).
    lineage : Lineage, optional
        Entity lineage (:class:`govindex.prepare.lineage.Lineage`): windows that cross a
        reorganisation are re-based to the new boundaries and flagged in
        ``.changes['flags']`` with the rule used, or missing with the reason (see
        ``docs/lineage.md``). Series breaks inside the window that the lineage does not
        explain are flagged ``series break`` and named in a
        :class:`~govindex.exceptions.DataWarning` (with or without a lineage).
    derive : bool, default False
        Score an entity on an indicator of which it has no observation of its own in
        the window, from its predecessors' values (needs ``lineage``; flagged
        ``derived``). By default such a change is missing, with the reason.
    entity_table : Entities, optional
        The entities table (:class:`govindex.entities.Entities`): its aggregates and
        totals are reference rows, scored and flagged but not ranked, and left out of
        the default cap and of the series-break statistics.
    statistics : GPIStatistics, optional
        The statistics across entities (default caps, series-break statistics), computed
        over every entity of the assessment (:mod:`govindex.indices.gpi_statistics`):
        ``panel`` then holds a chunk of the entities, and the result is the chunk's part
        of the result for all of them, bit for bit, except the ranks (a run split into
        chunks of entities, :doc:`/scaling`). Default: computed from ``panel``.
    **overrides
        :class:`GPIMethod` parameters that replace those of ``method``: ``window``
        (default 3 years), ``change``, ``alpha``, ``survey_scale``, ``significance``,
        ``aggregation``, ``coverage``, ``override_change`` and ``imputation``: fill
        gaps of each entity's series first, ``{"method": "locf" | "linear",
        "max_gap": years}`` (:func:`govindex.prepare.impute.impute_panel`; observed values
        are never changed, entity codes' own series before any lineage re-basing);
        changes whose start or end value (or, for the slope rule, a point inside the
        window) was imputed are flagged in ``.changes['flags']``. An unknown name is
        a :class:`~govindex.exceptions.MethodError` naming the closest parameter.

    Returns
    -------
    PerformanceResult

    Examples
    --------
    Two regions, one indicator (higher is better), window 2023–2025:

    >>> panel = Panel.from_frame(pd.DataFrame({
    ...     "entity": ["A", "A", "B", "B"], "indicator": "income", "year": [2022, 2025] * 2,
    ...     "value": [100.0, 115.7625, 100.0, 100.0]}))
    >>> catalog = Catalog.from_frame(pd.DataFrame({
    ...     "code": ["GPI", "income"], "parent": ["", "GPI"]}))
    >>> res = performance_index(panel, catalog, year=2025)
    >>> res.scores[["gpi", "rank", "n_improved", "n_stable"]]
              gpi  rank  n_improved  n_stable
    entity
    A       100.0     1           1         0
    B        50.0     2           0         1

    (A grew 5 % a year: 1.05³ = 1.157625, a change equal to the default cap.)
    The same with a method object; a misspelt parameter names the closest one:

    >>> performance_index(panel, catalog, GPIMethod(change="absolute"), year=2025).method.change
    'absolute'
    >>> performance_index(panel, catalog, year=2025, chnage="slope")
    Traceback (most recent call last):
    ...
    govindex.exceptions.MethodError: unknown parameter 'chnage'; did you mean 'change'? ...
    """
    GPIMethod.check_names(overrides, also=_KEYWORDS)
    method = GPIMethod.build(method, **overrides)
    inputs = index_inputs(panel, catalog, year=year, entities=entities)
    leaves, work, ent, year = inputs.leaves, inputs.panel, inputs.entities, inputs.year
    if lineage is not None and not isinstance(lineage, Lineage):
        raise MethodError(
            f"lineage must be a Lineage (see Lineage.from_frame); got {type(lineage).__name__}"
        )
    if derive and lineage is None:
        raise MethodError("derive=True derives values across reorganisations: give a lineage")
    kinds = reference_kinds(entity_table, ent)
    reference = (kinds != "").to_numpy()
    root_of_entity = assign_roots(catalog, ent, roots)
    # (E, L) applicability: the leaf belongs to the entity's root (compared as positions
    # among the roots; -1 = no root)
    root_codes = pd.Index(catalog.roots)
    leaf_root = root_codes.get_indexer(pd.Index(catalog.root_of.loc[leaves]))
    entity_root = root_codes.get_indexer(pd.Index(root_of_entity.fillna("")))
    applies: BoolArray = (entity_root[:, None] == leaf_root[None, :]) & (entity_root >= 0)[:, None]
    raw = inputs.gather(work.values)
    breaks = find_breaks(
        raw, ent, leaves, work.years, year=year, window=method.window, lineage=lineage,
        reference=reference, entity_table=entity_table,
        statistics=None if statistics is None else statistics.breaks,
    )  # fmt: skip
    values, imputed, adjusted = window_values(inputs, raw, method, year, lineage, derive)
    if not applies.all():
        values = np.where(applies[:, :, None], values, np.nan)
    meta = catalog.frame.set_index("code").loc[leaves]
    caps = None if statistics is None else statistics.caps_of(leaves)
    a = _assess(inputs, meta, values, method, year, reference, caps)
    score = np.where(applies, a.score, np.nan)
    try:
        nodes, node_cov, _low = rollup(
            score, catalog, leaves, aggregation=method.aggregation, coverage=method.coverage,
            entities=ent,
        )  # fmt: skip
    except AggregationError as exc:  # the GPI's own advice: its scores are not normalised
        raise AggregationError(str(exc).replace(POSITIVE_ADVICE, _GPI_ADVICE)) from None
    node_index = pd.Index(catalog.codes, name="node")
    node_scores = pd.DataFrame(nodes, index=ent, columns=node_index)
    parents = [c for c in catalog.codes if c not in set(leaves)]
    node_coverage = pd.DataFrame(node_cov, index=ent, columns=node_index).loc[:, parents]
    scores = scores_table(
        ent, root_of_entity, catalog, applies, score, a.classes, node_scores, method.coverage,
        reference=kinds,
    )  # fmt: skip
    table = partial(
        _changes, ent, leaves, meta, applies, a, score, root_of_entity, effective_weights(catalog),
        kinds,
    )  # fmt: skip
    flagged = imputed is not None and method.imputation is not None
    changes: pd.DataFrame | Callable[[], pd.DataFrame] = table  # built on first use
    if adjusted is not None or flagged or not breaks["explained"].all():
        # flags that come with a warning: the table now, so that the warning comes now
        changes = table(reference=False)
        if adjusted is not None:
            changes = adjusted.annotate(changes)
        if flagged:
            assert imputed is not None and method.imputation is not None  # (flagged)
            changes = flag_imputed(
                changes, imputed, applies, a.wc, work.years, leaves, method.imputation
            )
        changes = flag_breaks(changes, breaks, window=f"{year - method.window}–{year}")
        changes = flag_reference(changes, kinds)
    fingerprints, options = record_inputs(
        panel, catalog, roots, entities, lineage, derive, entity_table
    )
    return PerformanceResult(
        year=int(year),
        method=method,
        catalog=catalog,
        scores=scores,
        changes=changes,
        node_scores=node_scores,
        node_coverage=node_coverage,
        fingerprints=fingerprints,
        panel=panel,
        options=options,
        breaks=breaks,
    )


def _changes(*args: Any, reference: bool = True) -> pd.DataFrame:
    """The tidy changes table (:func:`changes_table` of ``args[:-1]``), with the reference
    rows of ``args[-1]`` flagged unless ``reference=False``."""
    changes = changes_table(*args[:-1])
    return flag_reference(changes, args[-1]) if reference else changes


def _assess(
    inputs: IndexInputs,
    meta: pd.DataFrame,
    values: FloatArray,
    method: GPIMethod,
    year: int,
    reference: BoolArray,
    caps: FloatArray | None = None,
) -> Assessment:
    """Change rule of every leaf, window changes, caps, tolerances, classes and scores
    (the reference rows are left out of the default caps; ``caps``: given instead)."""
    rules, cap_given, tol_given = change_rules(meta, method)
    direction = meta["direction"].to_numpy(dtype=np.float64)
    wc = ch.window_changes(
        values, inputs.panel.years, year=year, window=method.window, rule=rules,
        direction=direction, entity_labels=inputs.entities, indicator_labels=inputs.leaves,
    )  # fmt: skip
    if caps is None:
        cap = ch.default_cap(wc.change[~reference], rules, cap_given, names=inputs.leaves)
    else:  # computed over every entity of a run split into chunks of entities
        cap = caps
    tol = ch.default_tolerance(rules, cap, given=tol_given)
    classes = ch.classify(wc.change, tol)
    pvalue = np.full(classes.shape, np.nan)
    survey = (meta["type"] == "survey").to_numpy()
    if method.significance and inputs.panel.sample_size is not None and survey.any():
        sv = np.flatnonzero(survey & inputs.has_data)
        classes[:, sv], pvalue[:, sv] = _survey_classes(inputs, sv, wc, tol, method)
    score = ch.progress_score(wc.change, cap)
    return Assessment(wc, tol, cap, classes, pvalue, score)


def _survey_classes(
    inputs: IndexInputs, sv: IntArray, wc: ch.WindowChanges, tol: FloatArray, method: GPIMethod
) -> tuple[FloatArray, FloatArray]:
    """Classes and p-values of the survey leaves ``sv`` by the two-proportion z-test."""
    sample_size = inputs.panel.sample_size
    assert sample_size is not None  # checked by the caller
    years = inputs.panel.years
    n_sv = inputs.gather(sample_size, columns=sv)
    n_start = ch.take_at_years(n_sv, years, wc.start_year[:, sv])
    n_end = ch.take_at_years(n_sv, years, wc.end_year[:, sv])
    # only cells with both sample sizes are tested (the others keep the tolerance rule),
    # and their shares must lie on [0, survey_scale]
    tested = ~np.isnan(n_start) & ~np.isnan(n_end)
    p0 = np.where(tested, wc.start_value[:, sv], np.nan)
    p1 = np.where(tested, wc.end_value[:, sv], np.nan)
    scale = method.survey_scale
    with np.errstate(invalid="ignore"):
        off = (p0 < 0) | (p0 > scale) | (p1 < 0) | (p1 > scale)
    if off.any():
        e_off, i_off = np.nonzero(off)
        pairs = np.char.add(
            np.char.add(inputs.entities.to_numpy(dtype=str)[e_off], "/"),
            np.asarray(inputs.leaves, dtype=str)[sv[i_off]],
        )
        raise MethodError(
            f"survey values with sample sizes must be shares in [0, {scale:g}]; "
            f"found others for (entity/indicator) {format_items(pairs)}; pass survey_scale=1 "
            "for proportions, or drop the sample sizes of indicators that are not shares"
        )
    return ch.classify_survey(
        wc.change[:, sv], tol[sv], p0, n_start, p1, n_end, alpha=method.alpha, scale=scale
    )
