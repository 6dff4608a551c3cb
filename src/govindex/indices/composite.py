"""The cross-sectional composite-index engine: :func:`compute_index`.

raw values at one year → per-indicator transform (log) → normalised (method from
the catalog, else the default) → aggregated up every root of the catalog tree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, cast

import numpy as np
import pandas as pd

from govindex._typing import BoolArray, FloatArray
from govindex.aggregate import aggregate_tree, parse_aggregation
from govindex.catalog import Catalog
from govindex.entities import Entities
from govindex.exceptions import MethodError, format_items
from govindex.indices._composite_tables import node_tables, reference_table
from govindex.indices.base import TreeResult
from govindex.indices.inputs import IndexInputs, index_inputs, reference_kinds
from govindex.methods import DEFAULT_COVERAGE, Method, check_coverage
from govindex.normalize import NORMALIZERS
from govindex.panel import Panel
from govindex.prepare.impute import check_imputation_spec, impute_array, warn_imputation
from govindex.prepare.treat import (
    check_treatment_spec,
    report_frame,
    treat_outliers,
    warn_treatment,
)
from govindex.results import HandOut, handout_all
from govindex.transform import transform_indicators

__all__ = [
    "IndexMethod",
    "IndexResult",
    "compute_index",
    "impute_and_treat",
    "normalize_indicators",
    "rollup",
]

_CATALOG_PARAMS = ("lower", "upper")


@dataclass(frozen=True)
class IndexMethod(Method):
    """Every parameter of a composite-index computation (stored verbatim in results).

    Build one with :meth:`~govindex.methods.Method.build` (or the constructor);
    :func:`compute_index` takes one, or the parameters as keyword arguments.

    Parameters
    ----------
    normalization : str, default "minmax"
        Default normalisation for indicators without one in the catalog.
    normalization_params : mapping, default {}
        Keyword parameters of the normalisation kernels (e.g. ``low``, ``high``).
        For ``distance_to_reference``, ``reference`` may be an entity code of the
        panel, a number, or ``"target"`` (the catalog's targets).
    aggregation : str, default "arithmetic"
        Default aggregation for parents without one in the catalog, e.g.
        ``"arithmetic"`` or ``"generalized(p=0.5)"``.
    coverage : float, default 2/3
        Minimum share of a parent's child weight with data; 0 turns the check off.
    imputation : mapping or None, default None
        Imputation of the raw values before treatment, e.g. ``{"method": "mean",
        "groups": {entity: group}}`` (see :func:`govindex.prepare.impute.impute`); None = none.
    treatment : mapping or None, default None
        Outlier treatment parameters (see :func:`govindex.prepare.treat.treat`; defaults filled
        in); None = none.

    Examples
    --------
    >>> m = IndexMethod.build(normalization="zscore")
    >>> m.to_dict()  # imputation and treatment are left out when unset
    {'normalization': 'zscore', 'normalization_params': {}, 'aggregation': 'arithmetic',
     'coverage': 0.666...}
    >>> IndexMethod.from_dict(m.to_dict()) == m
    True
    """

    normalization: str = "minmax"
    normalization_params: Mapping[str, Any] = field(default_factory=dict)
    aggregation: str = "arithmetic"
    coverage: float = DEFAULT_COVERAGE
    imputation: Mapping[str, Any] | None = None
    treatment: Mapping[str, Any] | None = None

    _OMIT_IF_NONE = ("imputation", "treatment")

    def _validate(self) -> None:
        if self.normalization not in NORMALIZERS:
            raise MethodError(
                f"unknown normalization {self.normalization!r}; "
                f"expected one of {NORMALIZERS.names()}"
            )
        parse_aggregation(self.aggregation)
        check_coverage(self.coverage)
        self._set("coverage", float(self.coverage))
        self._set("normalization_params", dict(self.normalization_params or {}))
        if self.imputation is not None:
            self._set("imputation", check_imputation_spec(self.imputation))
        if self.treatment is not None:
            self._set("treatment", check_treatment_spec(self.treatment))


def normalize_indicators(
    raw: FloatArray,
    catalog: Catalog,
    indicators: list[str],
    method: IndexMethod,
    *,
    entities: pd.Index,
    fit: BoolArray | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Transform and normalise an entity × indicator array with catalog overrides.

    Returns the treated (log-transformed where the catalog says so) and the
    normalised arrays. The transform of the values and goalposts and the resolution
    of ``reference`` are :func:`govindex.transform.transform_indicators`; one kernel
    call per normalisation method in use. ``fit`` (one True/False per row) gives the
    rows whose statistics normalise every row (the others are reference rows).
    """
    meta = catalog.frame.set_index("code").loc[indicators]
    direction = meta["direction"].to_numpy(dtype=np.float64)
    chosen = meta["normalization"].where(meta["normalization"] != "", method.normalization)
    used = set(chosen)
    own = dict(method.normalization_params)
    posts = {k: meta[k].to_numpy(dtype=np.float64, copy=True) for k in _CATALOG_PARAMS}
    for name in sorted(used & {"goalposts", "bounded"}):  # method posts where the catalog has none
        cols = np.flatnonzero((chosen == name).to_numpy())
        for k in _CATALOG_PARAMS:
            given = _method_posts(own if name == method.normalization else {}, k, len(cols))
            posts[k][cols] = np.where(np.isnan(posts[k][cols]), given, posts[k][cols])
    reference = None
    if "distance_to_reference" in used:
        if method.normalization == "distance_to_reference":
            reference = own.get("reference")
        if reference is None:
            raise MethodError(
                "distance_to_reference needs normalization_params={'reference': ...}"
            )
    prepared = transform_indicators(
        raw,
        (meta["transform"] == "log").to_numpy(),
        lower=posts["lower"],
        upper=posts["upper"],
        reference=reference,
        targets=meta["target"].to_numpy(dtype=np.float64),
        entities=entities,
        labels=indicators,
        stacklevel=3,
    )
    normalized = np.full(raw.shape, np.nan)
    for name in sorted(used):
        cols = np.flatnonzero((chosen == name).to_numpy())
        # one method for every indicator (the usual case): a slice avoids two gathers
        sel = slice(None) if len(cols) == raw.shape[1] else cols
        params = dict(own) if name == method.normalization else {}
        if fit is not None:
            params["fit"] = fit
        if name in ("goalposts", "bounded"):
            params["lower"], params["upper"] = (
                _pick(prepared.lower, cols),
                _pick(prepared.upper, cols),
            )
        if name == "distance_to_reference":
            params["reference"] = _pick(prepared.reference, cols)
        try:
            normalized[:, sel] = NORMALIZERS[name](
                prepared.values[:, sel],
                direction[cols],
                labels=[indicators[c] for c in cols],
                **params,
            )
        except TypeError as exc:
            raise MethodError(f"bad parameters for normalization {name!r}: {exc}") from None
    return prepared.values, normalized


def _pick(values: FloatArray | None, cols: np.ndarray) -> FloatArray:
    assert values is not None  # internal invariant: asked for, so resolved
    return values[cols]


def _method_posts(params: Mapping[str, Any], key: str, n: int) -> FloatArray:
    """The method's goalpost ``key`` (one number for all indicators; NaN = none)."""
    try:
        return np.broadcast_to(np.asarray(params.get(key, np.nan), dtype=np.float64), (n,))
    except (TypeError, ValueError):
        raise MethodError(
            f"normalization_params[{key!r}] must be one number for all indicators; "
            f"found {params.get(key)!r}. Put per-indicator goalposts in the "
            f"catalog's '{key}' column"
        ) from None


def rollup(
    leaf_values: FloatArray,
    catalog: Catalog,
    leaves: list[str],
    *,
    aggregation: str,
    coverage: float,
    entities: Sequence[str] | pd.Index | None = None,
) -> tuple[FloatArray, FloatArray, np.ndarray]:
    """Place leaf scores in the node layout of ``catalog`` and aggregate up every root.

    Returns ``(scores, coverage, low_coverage)`` arrays of shape ``(E, n_nodes)``.
    ``entities`` (codes of the rows) only serve to name offending rows in errors.
    """
    pos = _positions(catalog, leaves)
    scores = np.full((leaf_values.shape[0], len(catalog)), np.nan)
    scores[:, pos] = leaf_values
    out = aggregate_tree(
        scores,
        catalog.rollup_plan(aggregation),
        coverage=coverage,
        node_labels=catalog.codes,
        entity_labels=entities,
    )
    return out.scores, out.coverage, out.low_coverage


def _positions(catalog: Catalog, codes: list[str]) -> list[int]:
    lookup = {c: i for i, c in enumerate(catalog.codes)}
    return [lookup[c] for c in codes]


class IndexResult(TreeResult[IndexMethod]):
    """Immutable result of :func:`compute_index` (the :class:`~govindex.results.Result` protocol).

    For a composite index the headline is already one score per entity and node:
    :attr:`scores` and :attr:`node_scores` are the same entity × node table (the roots
    are the index). Every frame is handed out as a read-only copy.

    Attributes
    ----------
    year : int
    method : IndexMethod
    catalog : Catalog
    raw, treated, normalized : DataFrame
        Entity × indicator stages.
    scores, node_scores : DataFrame
        Entity × node: indicators normalised, parents aggregated.
    coverage : DataFrame
        Entity × parent node: share of the children's weight that had data.
    reasons : DataFrame
        One row per (entity, node) left without a score, with the reason.
    fingerprints : dict
        SHA-256 of the panel and the catalog.
    panel : Panel or None
        The panel the result was computed from (kept for :meth:`regenerate`).
    imputed : DataFrame of bool or None
        Entity × indicator: True where the raw value was imputed (else all False).
    treatment : DataFrame or None
        Outlier-treatment report, one row per indicator (see
        :func:`govindex.prepare.treat.report_frame`); None without treatment.
    reference_rows : DataFrame
        The reference rows (aggregates and totals of the ``entity_table``): index
        ``entity``, ``kind`` and ``note``. Normalised with the statistics of the other
        rows, scored, not ranked. Empty without an entities table.
    """

    INDEX = "composite"

    _raw: pd.DataFrame
    _treated: pd.DataFrame
    _normalized: pd.DataFrame
    _scores: pd.DataFrame
    _coverage: pd.DataFrame
    _reasons: pd.DataFrame
    _imputed: pd.DataFrame | None
    _treatment: pd.DataFrame | None
    _options: dict[str, Any]
    _reference_rows: pd.DataFrame

    def __init__(
        self,
        *,
        year: int,
        method: IndexMethod,
        catalog: Catalog,
        raw: pd.DataFrame,
        treated: pd.DataFrame,
        normalized: pd.DataFrame,
        scores: pd.DataFrame,
        coverage: pd.DataFrame,
        reasons: pd.DataFrame,
        fingerprints: Mapping[str, str],
        panel: Panel | None = None,
        imputed: pd.DataFrame | None = None,
        treatment: pd.DataFrame | None = None,
        reference_rows: pd.DataFrame | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> None:
        self._keep_inputs(year, method, catalog, fingerprints, panel)
        self._store(
            _options=dict(options or {}),
            _reference_rows=reference_table() if reference_rows is None else reference_rows,
            _raw=raw,
            _treated=treated,
            _normalized=normalized,
            _scores=scores,
            _coverage=coverage,
            _reasons=reasons,
            _imputed=imputed,
            _treatment=treatment,
        )

    raw = HandOut[pd.DataFrame]("_raw")
    treated = HandOut[pd.DataFrame]("_treated")
    normalized = HandOut[pd.DataFrame]("_normalized")
    scores = HandOut[pd.DataFrame]("_scores")
    node_scores = HandOut[pd.DataFrame]("_scores")
    coverage = HandOut[pd.DataFrame]("_coverage")
    reasons = HandOut[pd.DataFrame]("_reasons")
    imputed = HandOut[pd.DataFrame | None]("_imputed")
    treatment = HandOut[pd.DataFrame | None]("_treatment")
    reference_rows = HandOut[pd.DataFrame]("_reference_rows")

    @property
    def reference_entities(self) -> list[str]:
        """The reference rows (aggregates, totals): scored and flagged, never ranked."""
        return [str(c) for c in self._reference_rows.index]

    @property
    def stages(self) -> Mapping[str, pd.DataFrame]:
        """``raw`` → ``treated`` → ``normalized`` → ``aggregated`` (entity × indicator,
        then entity × node), COINr's Raw, Treated, Normalised and Aggregated."""
        stages = {"raw": self._raw, "treated": self._treated, "normalized": self._normalized}
        return handout_all({**stages, "aggregated": self._scores})

    @cached_property
    def _ranks(self) -> pd.DataFrame:
        scores, ref = self._scores, self._reference_rows.index
        if len(ref):  # the reference rows get no rank and move no other's rank
            return (
                self._scores.drop(index=ref)
                .rank(ascending=False, method="min")
                .astype("Int64")
                .reindex(scores.index)
            )
        return scores.rank(ascending=False, method="min").astype("Int64")

    ranks = HandOut[pd.DataFrame]("_ranks")

    def regenerate(self, **changes: Any) -> IndexResult:
        """Recompute with some parameters changed (e.g. ``normalization="zscore"``).

        Accepts the keyword arguments of :func:`compute_index`, ``method`` (an
        :class:`IndexMethod` replacing every method parameter) and ``catalog`` (e.g.
        other weights). Without changes it equals a fresh computation bit for bit.
        """
        fixed = {"entities": list(self._scores.index), **self._options}
        return self._recompute(compute_index, changes, catalog=self._catalog, fixed=fixed)

    def to_frame(self) -> pd.DataFrame:
        """Tidy long table.

        Columns: entity, node, root, depth, kind, raw, normalized, score, rank, coverage.
        """
        stacked = cast(pd.Series, self._scores.stack(future_stack=True))
        long = stacked.rename("score").reset_index()
        long.columns = ["entity", "node", "score"]
        meta = pd.DataFrame({"root": self._catalog.root_of, "depth": self._catalog.depth})
        long = long.join(meta, on="node")
        long["kind"] = np.where(
            long["node"].isin(self._catalog.indicators), "indicator", "aggregate"
        )
        for name, table in (
            ("raw", self._raw),
            ("normalized", self._normalized),
            ("coverage", self._coverage),
            ("rank", self._ranks),
        ):
            stacked = cast(pd.Series, table.stack(future_stack=True)).rename(name)
            stacked.index.names = ["entity", "node"]
            long = long.join(stacked, on=["entity", "node"])
        cols = ["entity", "node", "root", "depth", "kind",
                "raw", "normalized", "score", "rank", "coverage"]  # fmt: skip
        return long.loc[:, cols]

    def _tables(self) -> dict[str, pd.DataFrame]:
        tables = {"scores": self._scores, "normalized": self._normalized, "raw": self._raw}
        tables |= {"coverage": self._coverage, "reasons": self._reasons}
        if self._method.imputation is not None and self._imputed is not None:
            tables["imputed"] = self._imputed
        if self._treatment is not None:
            tables["treatment"] = self._treatment
        if self._options:
            tables["reference_rows"] = self._reference_rows
        return tables

    def _summary(self) -> tuple[str, list[str]]:
        roots = self._catalog.roots
        m = self._method
        lines = [
            f"year {self._year}; {len(self._scores)} entities × "
            f"{len(self._catalog.indicators)} indicators",
            f"method: {m.normalization} → {m.aggregation}, coverage ≥ {m.coverage:.2f}",
            f"roots: {format_items(roots, limit=5)}; "
            f"unscored (entity, node) pairs: {len(self._reasons)}",
        ]
        if len(self._reference_rows):
            lines.append(f"reference rows (not ranked): {format_items(self.reference_entities)}")
        if m.imputation is not None and self._imputed is not None:
            lines.append(
                f"imputed: {int(self._imputed.to_numpy().sum())} cell(s) by "
                f"{m.imputation['method']!r}"
            )
        if self._treatment is not None:
            t = self._treatment
            lines.append(
                f"outlier treatment: {int((t['points'] > 0).sum())} indicator(s) "
                f"winsorised, {int(t['treatment'].str.startswith('log').sum())} "
                "log-transformed"
            )
        return "IndexResult", lines


# keyword arguments of compute_index that are not IndexMethod parameters
_KEYWORDS: tuple[str, ...] = ("year", "entities", "entity_table")


def compute_index(
    panel: Panel,
    catalog: Catalog,
    method: IndexMethod | None = None,
    *,
    year: int,
    entities: Iterable[str] | None = None,
    entity_table: Entities | None = None,
    **overrides: Any,
) -> IndexResult:
    """Compute a cross-sectional composite index at one year.

    Parameters
    ----------
    panel : Panel
        Observations. Every indicator must be an indicator (leaf) of ``catalog``.
    catalog : Catalog
        The framework tree; per-node ``normalization``, ``aggregation``, ``lower``,
        ``upper``, ``transform`` and ``weight`` override the method's defaults.
    method : IndexMethod, optional
        Every parameter of the computation; default :class:`IndexMethod` ().
    year : int
        The cross-section to score.
    entities : iterable of str, optional
        Restrict to these entities (default: all entities of the panel).
    entity_table : Entities, optional
        The entities table (:class:`govindex.entities.Entities`): its aggregates and
        totals are reference rows, normalised with the statistics of the other rows
        (minimum and maximum, mean and spread, ranks), scored, not ranked (``ranks``) and
        listed in ``reference_rows``.
    **overrides
        :class:`IndexMethod` parameters that replace those of ``method``:

        * ``normalization`` (default ``"minmax"``; see :func:`govindex.normalize`) and
          ``normalization_params``, e.g. ``{"low": 1, "high": 100}``;
        * ``aggregation`` (default ``"arithmetic"``) of parents without one in the catalog;
        * ``coverage`` (default 2/3): minimum share of a parent's child weight with
          data (0 turns it off); below it the parent is NaN and the reason is
          recorded in ``.reasons``;
        * ``imputation``: impute missing raw values first, e.g. ``{"method": "mean",
          "groups": {entity: group}}`` or ``{"method": "locf", "max_gap": 2}`` (panel
          methods use the earlier years of the panel); see
          :func:`govindex.prepare.impute.impute`. Default None: no imputation;
        * ``treatment``: then treat outliers by COINr's rule with these parameters of
          :func:`govindex.prepare.treat.treat_outliers` (``{}`` = its defaults).
          Default None: no treatment. Both steps come before the catalog's log
          transform and the normalisation; ``.imputed`` and ``.treatment`` of the
          result record them.

        An unknown name is a :class:`~govindex.exceptions.MethodError` naming the
        closest parameter.

    Returns
    -------
    IndexResult

    Examples
    --------
    >>> panel = Panel.from_frame(pd.DataFrame({
    ...     "entity": ["A", "B", "C"] * 2, "indicator": ["gdp"] * 3 + ["crime"] * 3,
    ...     "year": 2024, "value": [10.0, 20.0, 30.0, 5.0, 1.0, 3.0]}))
    >>> catalog = Catalog.from_frame(pd.DataFrame({
    ...     "code": ["GPI", "gdp", "crime"], "parent": ["", "GPI", "GPI"],
    ...     "direction": [None, 1, -1]}))
    >>> result = compute_index(panel, catalog, year=2024)
    >>> result.scores
    node     GPI    gdp  crime
    entity
    A        0.0    0.0    0.0
    B       75.0   50.0  100.0
    C       75.0  100.0   50.0

    The same with a method object, and one parameter changed:

    >>> method = IndexMethod(normalization="rank")
    >>> compute_index(panel, catalog, method, year=2024).method.normalization
    'rank'
    >>> compute_index(panel, catalog, method, year=2024, coverage=1).method.coverage
    1.0
    """
    IndexMethod.check_names(overrides, also=_KEYWORDS)
    method = IndexMethod.build(method, **overrides)
    inputs = index_inputs(panel, catalog, year=year, entities=entities)
    work, leaves = inputs.panel, inputs.leaves
    y = work.year_index(inputs.year)
    raw = inputs.gather(work.values[:, :, y])
    base, imputed, report = impute_and_treat(raw, work, y, inputs.positions, leaves, method)
    kinds = reference_kinds(entity_table, work.entities)
    fit = (kinds == "").to_numpy()
    treated, normalized = normalize_indicators(
        base, catalog, leaves, method, entities=work.entities, fit=None if fit.all() else fit
    )
    scores, cov, low = rollup(
        normalized,
        catalog,
        leaves,
        aggregation=method.aggregation,
        coverage=method.coverage,
        entities=work.entities,
    )
    ent = work.entities
    score_df, cov_df, reasons = node_tables(scores, cov, low, catalog, ent, method.coverage)
    ind = pd.Index(leaves, name="indicator")
    return IndexResult(
        year=inputs.year,
        method=method,
        catalog=catalog,
        raw=pd.DataFrame(raw, index=ent, columns=ind, copy=False),
        treated=pd.DataFrame(treated, index=ent, columns=ind, copy=False),
        normalized=pd.DataFrame(normalized, index=ent, columns=ind, copy=False),
        scores=score_df,
        coverage=cov_df,
        reasons=reasons,
        fingerprints={"panel": panel.fingerprint, "catalog": catalog.fingerprint}
        | ({} if entity_table is None else {"entities": entity_table.fingerprint}),
        panel=panel,
        imputed=pd.DataFrame(imputed, index=ent, columns=ind, copy=False),
        treatment=report,
        reference_rows=reference_table(kinds),
        options={} if entity_table is None else {"entity_table": entity_table},
    )


def impute_and_treat(
    raw: FloatArray, work: Panel, y: int, pos: np.ndarray, leaves: list[str], method: IndexMethod
) -> tuple[FloatArray, np.ndarray, pd.DataFrame | None]:
    """Optional imputation then outlier treatment of the raw cross-section (in that order).

    ``raw`` is the ``(E, L)`` cross-section of ``work`` at year position ``y`` for the
    ``leaves`` (at positions ``pos`` of the panel's indicators, -1 = no data). Returns
    the prepared values, the imputed mask and the treatment report (None without
    treatment). Warns (imputation, treatment) at the caller of the index function.
    """
    base, imputed = raw, np.zeros(raw.shape, dtype=bool)
    if method.imputation is not None:
        lined_up = IndexInputs(work, leaves, np.asarray(pos, dtype=np.int64), int(work.years[y]))
        cube = lined_up.gather(work.values)
        base, imputed = impute_array(cube, y, method.imputation, work.entities)
        counts = pd.Series(imputed.sum(axis=0), index=leaves)
        with_data = ~np.isnan(base).all(axis=0)  # indicators without any value are not counted
        unfilled = int(np.isnan(base[:, with_data]).sum())
        warn_imputation(
            counts,
            str(method.imputation["method"]),
            unfilled,
            stacklevel=4,
            where="the result's .imputed",
        )
    if method.treatment is None:
        return base, imputed, None
    base, rep = treat_outliers(base, **method.treatment)
    table = report_frame(rep, work.entities, leaves)
    warn_treatment(table, stacklevel=4)
    return base, imputed, table
