"""The replication engine of the uncertainty and sensitivity analyses.

:func:`build_model` validates the factors of an analysis and computes, **once**, the leaf
scores of every discrete option (one :meth:`~govindex.PerformanceResult.regenerate` per
change rule and imputation option; one normalisation call per method and imputation
option). :meth:`Model.evaluate` then maps a design — the option drawn for every factor
and the weight multipliers of every replication — to index scores: all replications
are rolled up together by :func:`~govindex.aggregate.aggregate_tree`, the one tree
roll-up of govindex, with a replication axis and per-replication weights, in blocks of
replications that bound the memory.

A weighted power mean ``M`` with transform ``t`` (``x``, ``log x`` or ``1/x``) satisfies
``t(M) = Σ w t(x) / Σ w``, so a replication aggregated with the arithmetic, geometric or
harmonic mean at every parent is the arithmetic roll-up of its transformed leaf scores,
transformed back at the index: replications with different aggregation options share
one roll-up. The only Python loops run over options, tree levels and blocks.

Used by :mod:`govindex.analysis.uncertainty` (random designs) and
:mod:`govindex.analysis.sensitivity` (Sobol designs). A private module: its names are
shared with those two, not part of the documented API.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, TypeAlias

import numpy as np
import pandas as pd

from govindex._typing import BoolArray, FloatArray, IntArray
from govindex.aggregate import LevelGroup, aggregate_tree
from govindex.classification import classify
from govindex.exceptions import DataWarning, MethodError, format_items
from govindex.indices.composite import (
    IndexMethod,
    IndexResult,
    impute_and_treat,
    normalize_indicators,
)
from govindex.indices.gpi import GPIMethod, PerformanceResult
from govindex.normalize import NORMALIZERS
from govindex.prepare.impute import check_imputation_spec
from govindex.prepare.weights import normalise_per_parent, parent_index, scheme_weights

__all__ = ["FACTORS", "ImputationOption", "Model", "build_model", "option_label", "rank_rows"]

#: Change-rule options of the GPI (``"catalog"`` = the catalog's per-indicator rules).
CHANGE_OPTIONS: tuple[str, ...] = ("catalog", "relative", "absolute", "slope")
#: Score options of the GPI: the progress score or a normaliser applied to the changes.
GPI_NORMALIZATIONS: tuple[str, ...] = ("progress", "minmax", "zscore", "rank", "percentile_rank")
#: Aggregations supported in the vectorised analysis (weighted power means p = 1, 0, −1).
AGGREGATION_OPTIONS: tuple[str, ...] = ("arithmetic", "geometric", "harmonic")
#: Base weighting schemes (:mod:`govindex.prepare.weights`).
WEIGHT_SCHEMES: tuple[str, ...] = ("catalog", "equal", "pca")
#: The factors of an analysis, in the order of a design's columns.
FACTORS: tuple[str, ...] = (
    "change",
    "normalization",
    "aggregation",
    "weights",
    "tolerance",
    "imputation",
)
_BATCH = 2048
#: The DataWarnings of imputation (already shown by the nominal run) are not repeated.
_IMPUTATION_WARNING = r"\d+ missing cell\(s\)"

ImputationOption: TypeAlias = Mapping[str, Any] | None


def option_label(option: object) -> str:
    """Short text of a factor option: ``"none"``, ``"locf(max_gap=2)"``, ``"slope"``, ...

    Examples
    --------
    >>> option_label({"method": "locf", "max_gap": 2}), option_label(None)
    ('locf(max_gap=2)', 'none')
    """
    if option is None:
        return "none"
    if isinstance(option, Mapping):
        extra = [
            f"{k}={'{…}' if isinstance(v, Mapping) else v}"
            for k, v in option.items()
            if k != "method"
        ]
        return (
            f"{option.get('method')}({', '.join(extra)})" if extra else str(option.get("method"))
        )
    return str(option)


# --------------------------------------------------------------------------- the model
@dataclass(frozen=True)
class Model:
    """Precomputed arrays of one analysis: everything except the per-replication draws.

    Built by :func:`build_model`; :meth:`evaluate` maps a design (option indices and
    weight multipliers per replication) to scores.
    """

    kind: Literal["GPI", "composite"]
    node: str | None
    options: Mapping[str, tuple[Any, ...]]
    entities: pd.Index
    codes: list[str]
    leaf_pos: IntArray  # (L,) node positions of the indicators
    # "run" = (change rule, imputation option), position change · n_imputation + imputation
    leaf_t: FloatArray  # (n_agg, n_run, n_norm, E, L) transformed leaf scores, NaN if absent
    entity_ok: BoolArray  # (n_run, n_norm, E) indicator coverage reached
    deteriorated: FloatArray | None  # (n_run, n_tol, E) share of deteriorated indicators
    base_weights: FloatArray  # (n_schemes, N), normalised within parents
    parents: IntArray  # (N,)
    plan: list[list[LevelGroup]]  # arithmetic at every parent (the roll-up is in t-space)
    target: IntArray  # (E,) node whose score is the entity's index (-1: none)
    coverage: float
    shift: float
    nominal: pd.DataFrame  # entity: score, rank
    ranked: BoolArray  # (E,) False for the reference rows (aggregates, totals): never ranked

    def ranks(self, scores: FloatArray) -> FloatArray:
        """Ranks of the entities in each replication (:func:`rank_rows`), the reference rows
        left out (NaN) like in the analysed result."""
        return rank_rows(np.where(self.ranked, scores, np.nan))

    def evaluate(
        self, design: Mapping[str, IntArray], multipliers: FloatArray | None
    ) -> tuple[FloatArray, FloatArray | None, FloatArray]:
        """Scores ``(R, E)``, deteriorated shares ``(R, E)`` or None, weights ``(R, N)``."""
        c = design["change"] * len(self.options["imputation"]) + design["imputation"]  # run
        m = design["normalization"]
        r_total = len(c)
        mult = np.ones((r_total, len(self.codes))) if multipliers is None else multipliers
        weights = normalise_per_parent(self.base_weights[design["weights"]] * mult, self.parents)
        scores = np.empty((r_total, len(self.entities)))
        for start in range(0, r_total, _BATCH):  # blocks of replications bound the memory
            sl = slice(start, start + _BATCH)
            scores[sl] = self.roll_up(c[sl], m[sl], design["aggregation"][sl], weights[sl])
        det = None
        if self.deteriorated is not None:
            det = self.deteriorated[c, design["tolerance"]]
        return scores, det, weights

    def roll_up(self, c: IntArray, m: IntArray, agg: IntArray, w: FloatArray) -> FloatArray:
        """Index scores ``(R, E)`` of replications: one :func:`~govindex.aggregate.aggregate_tree`.

        ``c``, ``m``, ``agg`` are each replication's run (change rule × imputation),
        normalisation and aggregation option (positions, ``(R,)``); ``w`` its node
        weights ``(R, N)``.
        """
        n_rep, n_ent, n_nodes = len(c), len(self.entities), len(self.codes)
        t_leaf = np.full((n_rep, n_ent, n_nodes), np.nan)  # t(score); NaN where absent
        t_leaf[:, :, self.leaf_pos] = self.leaf_t[agg, c, m]
        t_nodes = aggregate_tree(t_leaf, self.plan, coverage=self.coverage, weights=w).scores
        has = self.target >= 0
        t_out = t_nodes[:, np.arange(n_ent), np.where(has, self.target, 0)]
        ok_out = ~np.isnan(t_out) & self.entity_ok[c, m] & has
        names = self.options["aggregation"]
        geo = np.isin(agg, [k for k, a in enumerate(names) if a == "geometric"])[:, np.newaxis]
        harm = np.isin(agg, [k for k, a in enumerate(names) if a == "harmonic"])[:, np.newaxis]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            out = np.where(geo, np.exp(t_out), np.where(harm, 1.0 / t_out, t_out))
        return np.where(ok_out, out, np.nan)


def _options(
    name: str, given: Sequence[Any] | None, default: tuple[Any, ...], allowed: Sequence[Any]
) -> tuple[Any, ...]:
    if given is None:
        return default
    if isinstance(given, str) or not isinstance(given, Sequence):
        raise MethodError(f"{name} options must be a sequence such as ('a', 'b'); found {given!r}")
    opts = tuple(given)
    if not opts:
        raise MethodError(
            f"{name} needs at least one option; expected some of {format_items(allowed)}"
        )
    bad = [o for o in opts if o not in allowed]
    if bad:
        raise MethodError(
            f"unknown {name} option(s) {format_items(bad)}; "
            f"expected some of {format_items(allowed)}"
        )
    dup = sorted({str(o) for o in opts if opts.count(o) > 1})
    if dup:
        raise MethodError(f"duplicate {name} option(s) {format_items(dup)}")
    return opts


def _tolerances(given: Sequence[float] | None) -> tuple[float, ...]:
    if given is None:
        return (1.0,)
    obj: object = given
    if isinstance(obj, str) or not isinstance(obj, Sequence) or not obj:
        raise MethodError(
            f"tolerance must be a non-empty sequence of factors, e.g. (0.5, 1, 2); found {given!r}"
        )
    try:
        vals = tuple(float(v) for v in given)
    except (TypeError, ValueError):
        raise MethodError(f"tolerance factors must be numbers; found {given!r}") from None
    bad = [v for v in vals if not (np.isfinite(v) and v >= 0)]
    if bad:
        raise MethodError(f"tolerance factors must be finite and ≥ 0; found {format_items(bad)}")
    return vals


def _pivot(frame: pd.DataFrame, column: str, entities: pd.Index, leaves: list[str]) -> FloatArray:
    out = np.full((len(entities), len(leaves)), np.nan)
    e = entities.get_indexer(pd.Index(frame["entity"]))
    i = pd.Index(leaves).get_indexer(pd.Index(frame["indicator"]))
    out[e, i] = frame[column].to_numpy(dtype=np.float64, na_value=np.nan)
    return out


def _imputations(
    given: Sequence[ImputationOption] | None,
    nominal: ImputationOption,
    check: Any,
) -> tuple[dict[str, Any] | None, ...]:
    """Validate the imputation options (None or a spec each); ``nominal`` if not given."""
    if given is None:
        return (None if nominal is None else dict(nominal),)
    obj: object = given
    if isinstance(obj, (str, Mapping)) or not isinstance(obj, Sequence) or not obj:
        raise MethodError(
            "imputation options must be a non-empty sequence such as "
            f"[None, {{'method': 'locf', 'max_gap': 2}}]; found {given!r}"
        )
    opts: list[dict[str, Any] | None] = []
    for option in given:
        if option is not None and not isinstance(option, Mapping):
            raise MethodError(
                f"imputation option {option!r} must be None (no imputation) or a mapping such "
                "as {'method': 'locf', 'max_gap': 2}"
            )
        opts.append(None if option is None else check(option))
    keys = [json.dumps(o, sort_keys=True) for o in opts]
    dup = sorted({option_label(o) for o, k in zip(opts, keys, strict=True) if keys.count(k) > 1})
    if dup:
        raise MethodError(f"duplicate imputation option(s) {format_items(dup)}")
    return tuple(opts)


def _gpi_imputation(spec: Mapping[str, Any]) -> dict[str, Any]:
    imputation = GPIMethod(imputation=spec).imputation  # validated: locf / linear
    assert imputation is not None
    return dict(imputation)


def _gpi_leaves(
    result: PerformanceResult,
    change: tuple[str, ...],
    imputations: tuple[dict[str, Any] | None, ...],
    norms: tuple[str, ...],
    tols: tuple[float, ...],
) -> tuple[FloatArray, BoolArray, FloatArray]:
    leaves = result.catalog.indicators
    ent = result.scores.index
    n_e, n_l = len(ent), len(leaves)
    ranked = _ranked(result)
    fit = None if ranked.all() else ranked
    runs = [(rule, imp) for rule in change for imp in imputations]
    values = np.full((len(runs), len(norms), n_e, n_l), np.nan)
    det = np.full((len(runs), len(tols), n_e), np.nan)
    ok = np.zeros((len(runs), len(norms), n_e), dtype=bool)
    for ci, (rule, imp) in enumerate(runs):  # one GPI run per change rule and imputation
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", _IMPUTATION_WARNING, DataWarning)
            run = result.regenerate(
                override_change=None if rule == "catalog" else rule, imputation=imp
            )
        g = _pivot(run.changes, "change", ent, leaves)
        applies = np.zeros((n_e, n_l), dtype=bool)
        applies[
            ent.get_indexer(pd.Index(run.changes["entity"])),
            pd.Index(leaves).get_indexer(pd.Index(run.changes["indicator"])),
        ] = True
        progress = run.node_scores.loc[:, leaves].to_numpy(dtype=np.float64)
        n_ind = applies.sum(axis=1)
        for mi, name in enumerate(norms):
            if name == "progress":
                vals = progress
            else:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    vals = NORMALIZERS[name](g, np.ones(n_l), labels=leaves, fit=fit)
                vals = np.where(applies, vals, np.nan)
            values[ci, mi] = vals
            scored = (~np.isnan(vals)).sum(axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                cov = np.where(n_ind > 0, scored / np.maximum(n_ind, 1), np.nan)
            ok[ci, mi] = ~(cov < result.method.coverage - 1e-12) & (n_ind > 0)
        tol = _pivot(run.changes, "tolerance", ent, leaves)
        pval = _pivot(run.changes, "p_value", ent, leaves)
        scored_mask = ~np.isnan(progress)
        n_scored = scored_mask.sum(axis=1).astype(np.float64)
        for ti, factor in enumerate(tols):  # a handful of tolerance factors
            cls = classify(g, factor * tol, p_value=pval, alpha=result.method.alpha)
            n_det = ((cls == -1.0) & scored_mask).sum(axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                det[ci, ti] = n_det / np.where(n_scored > 0, n_scored, np.nan)
    return values, ok, det


def _index_base(result: IndexResult, raw: FloatArray, method: IndexMethod) -> FloatArray:
    """The raw cross-section after ``method``'s imputation and outlier treatment."""
    if method.imputation is None and method.treatment is None:
        return raw
    if result.panel is None:
        raise MethodError(
            "imputation and outlier treatment need the result's panel; this result does not "
            "keep it (call compute_index again)"
        )
    leaves = result.catalog.indicators
    work = result.panel.select(entities=list(result.raw.index))
    if not work.entities.equals(result.raw.index):  # pragma: no cover - select keeps the order
        raise MethodError("the panel's entities do not match the result's; recompute the index")
    pos = work.indicators.get_indexer(pd.Index(leaves))
    with warnings.catch_warnings():  # the nominal run has shown these warnings already
        warnings.simplefilter("ignore", DataWarning)
        base, _, _ = impute_and_treat(raw, work, work.year_index(result.year), pos, leaves, method)
    return base


def _index_leaves(
    result: IndexResult,
    imputations: tuple[dict[str, Any] | None, ...],
    norms: tuple[str, ...],
) -> FloatArray:
    leaves = result.catalog.indicators
    raw = result.raw.loc[:, leaves].to_numpy(dtype=np.float64)
    ranked = _ranked(result)
    values = np.full((len(imputations), len(norms), *raw.shape), np.nan)
    own = result.method
    for k, imp in enumerate(imputations):  # one imputation (and treatment) per option
        base = _index_base(result, raw, own.replace(imputation=imp))
        for mi, name in enumerate(norms):  # one normalisation per method
            params = dict(own.normalization_params) if name == own.normalization else {}
            method = IndexMethod(normalization=name, normalization_params=params)
            _, values[k, mi] = normalize_indicators(
                base,
                result.catalog,
                leaves,
                method,
                entities=result.raw.index,
                fit=None if ranked.all() else ranked,
            )
    return values


def build_model(
    result: IndexResult | PerformanceResult,
    *,
    change: Sequence[str] | None,
    normalization: Sequence[str] | None,
    aggregation: Sequence[str] | None,
    weights: Sequence[str] | None,
    tolerance: Sequence[float] | None,
    shift: float,
    imputation: Sequence[ImputationOption] | None,
    node: str | None,
) -> Model:
    """Validate the options and precompute every leaf-score array.

    The factors are those of :func:`~govindex.analysis.uncertainty.uncertainty_analysis`
    (``None`` = the result's own option only).
    """
    if not isinstance(shift, (int, float)) or not np.isfinite(shift):
        raise MethodError(f"shift must be a finite number; found {shift!r}")
    given = _Given(change, normalization, tolerance, imputation, node)
    if isinstance(result, PerformanceResult):
        setup = _gpi_setup(result, given)
    elif isinstance(result, IndexResult):
        setup = _composite_setup(result, given)
    else:
        raise MethodError(
            "expected an IndexResult (compute_index) or a PerformanceResult (performance_index); "
            f"got {type(result).__name__}"
        )
    aggs = _options("aggregation", aggregation, (result.method.aggregation,), AGGREGATION_OPTIONS)
    schemes = _options("weights", weights, ("catalog",), WEIGHT_SCHEMES)
    catalog = result.catalog
    leaf_values = setup.leaf_values
    if any(a in ("geometric", "harmonic") for a in aggs):
        bad = [str(name) for mi, name in enumerate(setup.options["normalization"])
               if np.any(leaf_values[:, mi] + shift <= 0)]  # fmt: skip
        if bad:
            raise MethodError(
                f"geometric/harmonic aggregation needs positive scores, but normalization(s) "
                f"{format_items(bad)} give values ≤ {0.0 - shift + 0.0:g}; pass shift=1 (adds 1 "
                "to every score: ranks under arithmetic aggregation do not change), or drop "
                "those options"
            )
    shifted = leaf_values + shift
    with np.errstate(divide="ignore", invalid="ignore"):
        transforms = {"arithmetic": shifted, "geometric": np.log(shifted), "harmonic": 1 / shifted}
    return Model(
        kind=setup.kind,
        node=setup.node,
        options={
            f: {**setup.options, "aggregation": aggs, "weights": schemes}[f] for f in FACTORS
        },
        entities=result.scores.index.copy(),
        codes=list(catalog.codes),
        leaf_pos=np.array([catalog.codes.index(c) for c in catalog.indicators], dtype=np.int64),
        leaf_t=np.stack([transforms[a] for a in aggs]),
        entity_ok=setup.entity_ok,
        deteriorated=setup.deteriorated,
        base_weights=np.stack([scheme_weights(catalog, s, setup.node_scores) for s in schemes]),
        parents=parent_index(catalog),
        plan=catalog.rollup_plan("arithmetic", uniform=True),
        target=setup.target,
        coverage=float(result.method.coverage),
        shift=float(shift),
        nominal=setup.nominal,
        ranked=_ranked(result),
    )


def _ranked(result: IndexResult | PerformanceResult) -> BoolArray:
    """False for the reference rows of ``result`` (normalised with the others' statistics)."""
    return np.asarray(~result.scores.index.isin(result.reference_entities), dtype=bool)


class _Given(NamedTuple):
    """The options of the factors as passed (None = the result's own)."""

    change: Sequence[str] | None
    normalization: Sequence[str] | None
    tolerance: Sequence[float] | None
    imputation: Sequence[ImputationOption] | None
    node: str | None


@dataclass(frozen=True)
class _Setup:
    """What differs between a GPI and a composite index in :func:`build_model`."""

    kind: Literal["GPI", "composite"]
    node: str | None
    options: dict[str, tuple[Any, ...]]  # change, normalization, tolerance, imputation
    leaf_values: FloatArray  # (n_run, n_norm, E, L)
    entity_ok: BoolArray  # (n_run, n_norm, E)
    deteriorated: FloatArray | None  # (n_run, n_tol, E)
    node_scores: pd.DataFrame  # entity × node, for PCA weights
    target: IntArray  # (E,)
    nominal: pd.DataFrame  # entity: score, rank


def _gpi_setup(result: PerformanceResult, given: _Given) -> _Setup:
    kinds = set(result.scores["kind"]) - {""}
    if len(kinds) > 1:
        raise MethodError(
            f"the result mixes {format_items(sorted(kinds))} bodies, which are ranked "
            "separately; analyse one kind at a time (regenerate(entities=[...]) or roots=[...])"
        )
    if given.node is not None:
        raise MethodError("node applies to composite-index results; a GPI uses each entity's root")
    chg = _options("change", given.change, ("catalog",), CHANGE_OPTIONS)
    norms = _options("normalization", given.normalization, ("progress",), GPI_NORMALIZATIONS)
    tols = _tolerances(given.tolerance)
    imps = _imputations(given.imputation, result.method.imputation, _gpi_imputation)
    leaf_values, entity_ok, det = _gpi_leaves(result, chg, imps, norms, tols)
    pos = {c: i for i, c in enumerate(result.catalog.codes)}
    roots = result.scores["root"].fillna("")
    target = np.array([pos.get(str(r), -1) if isinstance(r, str) and r else -1 for r in roots],
                      dtype=np.int64)  # fmt: skip
    nominal = pd.DataFrame(
        {
            "score": result.scores["gpi"].to_numpy(dtype=np.float64),
            "rank": result.scores["rank"].to_numpy(dtype=np.float64, na_value=np.nan),
        },
        index=pd.Index(result.scores.index, name="entity"),
    )
    options = {"change": chg, "normalization": norms, "tolerance": tols, "imputation": imps}
    return _Setup("GPI", None, options, leaf_values, entity_ok, det, result.node_scores,
                  target, nominal)  # fmt: skip


def _composite_setup(result: IndexResult, given: _Given) -> _Setup:
    change, tolerance, node = given.change, given.tolerance, given.node
    if change is not None and tuple(change) != ("catalog",):
        raise MethodError(
            "change rules apply to GPI results (performance_index) only; leave change=None"
        )
    if tolerance is not None and tuple(tolerance) != (1.0,):
        raise MethodError(
            "tolerance applies to GPI results (performance_index) only; leave tolerance=None"
        )
    own = (result.method.normalization,)
    norms = _options("normalization", given.normalization, own, NORMALIZERS.names())
    imps = _imputations(given.imputation, result.method.imputation, check_imputation_spec)
    roots = result.catalog.roots
    if node is None:
        if len(roots) != 1:
            raise MethodError(
                f"the catalog has {len(roots)} roots ({format_items(roots)}); pass node=..."
            )
        node = roots[0]
    if node not in result.catalog.codes:
        raise MethodError(
            f"unknown node {node!r}; expected a code of the catalog, e.g. {format_items(roots)}"
        )
    leaf_values = _index_leaves(result, imps, norms)
    target = np.full(len(result.scores), result.catalog.codes.index(node), dtype=np.int64)
    nominal = pd.DataFrame(
        {
            "score": result.scores[node].to_numpy(dtype=np.float64),
            "rank": result.ranks[node].to_numpy(dtype=np.float64, na_value=np.nan),
        },
        index=pd.Index(result.scores.index, name="entity"),
    )
    options = {"change": ("catalog",), "normalization": norms, "tolerance": (1.0,),
               "imputation": imps}  # fmt: skip
    entity_ok = np.ones(leaf_values.shape[:3], dtype=bool)
    return _Setup("composite", node, options, leaf_values, entity_ok, None, result.scores,
                  target, nominal)  # fmt: skip


def rank_rows(scores: FloatArray) -> FloatArray:
    """Rank entities in each replication: 1 = best, ties share the lowest rank, NaN unranked."""
    if scores.size == 0:
        return scores.copy()
    from scipy import stats  # lazy: scipy.stats is slow to import

    return np.asarray(
        stats.rankdata(-scores, axis=1, method="min", nan_policy="omit"), dtype=np.float64
    )
