"""Monte-Carlo uncertainty analysis of a GPI or composite-index result.

A reviewer questions the choices behind an index: the change rule and tolerance of the
GPI, how changes or raw values are turned into scores (normalisation), how scores are
aggregated, and the weights. :func:`uncertainty_analysis` draws ``n`` replications,
each with one option of every factor, recomputes the index under each, and summarises
every entity's **rank distribution** (median and 5th–95th percentile).

Vectorised across replications: the leaf scores of every discrete option are computed
**once** (one :meth:`~govindex.PerformanceResult.regenerate` per change rule and
imputation option, one normalisation call per method and imputation option), then all
replications are aggregated together with array operations over the tree levels of
:meth:`~govindex.Catalog.rollup_plan`, with per-replication weights — the only Python
loops run over aggregation methods, tree levels and blocks of replications.

Factors (each a tuple of options; one option = not varied):

``change`` (GPI only)
    ``"catalog"`` (the catalog's per-indicator rules, as in the result) or a rule
    forced on every indicator: ``"relative"``, ``"absolute"``, ``"slope"``
    (``performance_index(..., override_change=rule)``).
``tolerance`` (GPI only)
    Factors multiplying every indicator's tolerance τ. τ only moves the class
    (improved / stable / deteriorated) — the progress score does not depend on it
    (DESIGN §3) — so it changes :attr:`UncertaintyResult.deteriorated`, never the ranks.
``normalization``
    Composite index: any normalisation method (catalog per-indicator overrides kept;
    the result's ``normalization_params`` go to its own method only). GPI:
    ``"progress"`` (the documented score ``50 + 50·clip(g/g_cap)``) or a normaliser
    applied across entities to the changes ``g``: ``"minmax"``, ``"zscore"``,
    ``"rank"``, ``"percentile_rank"``.
``aggregation``
    ``"arithmetic"``, ``"geometric"`` or ``"harmonic"``, applied at **every** parent
    node (replacing the catalog's ``aggregation`` column), with the coverage rule of
    :func:`~govindex.aggregate.aggregate_tree`.
``weights``
    Base scheme ``"catalog"``, ``"equal"`` or ``"pca"`` (:mod:`govindex.prepare.weights`),
    times multiplicative noise ``U(1 − weight_noise, 1 + weight_noise)`` per node and
    replication, renormalised within each parent.
``imputation``
    None (no imputation) or an imputation spec. GPI: ``{"method": "locf" | "linear",
    "max_gap": years}`` filling each body's series before the window changes
    (``performance_index(..., imputation=spec)``); composite index: the options of
    :func:`~govindex.compute_index` (``{"method": "mean"}``, ``{"method": "median",
    "groups": {...}}``, ``{"method": "locf", "max_gap": 2}``, ...). The nominal option
    is the result's own imputation.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal, TypeAlias

import numpy as np
import pandas as pd

from govindex._typing import BoolArray, FloatArray, IntArray
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
from govindex.prepare.weights import (
    check_n,
    check_noise,
    noise_multipliers,
    normalise_per_parent,
    parent_index,
    scheme_weights,
)
from govindex.results import ResultMixin

__all__ = [
    "AGGREGATION_OPTIONS",
    "CHANGE_OPTIONS",
    "GPI_NORMALIZATIONS",
    "WEIGHT_SCHEMES",
    "UncertaintyResult",
    "option_label",
    "uncertainty_analysis",
]

#: Change-rule options of the GPI (``"catalog"`` = the catalog's per-indicator rules).
CHANGE_OPTIONS: tuple[str, ...] = ("catalog", "relative", "absolute", "slope")
#: Score options of the GPI: the progress score or a normaliser applied to the changes.
GPI_NORMALIZATIONS: tuple[str, ...] = ("progress", "minmax", "zscore", "rank", "percentile_rank")
#: Aggregations supported in the vectorised analysis (weighted power means p = 1, 0, −1).
AGGREGATION_OPTIONS: tuple[str, ...] = ("arithmetic", "geometric", "harmonic")
#: Base weighting schemes (:mod:`govindex.prepare.weights`).
WEIGHT_SCHEMES: tuple[str, ...] = ("catalog", "equal", "pca")

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
class _Level:
    parents: IntArray  # (P,)
    children: IntArray  # (P, C), padding → n_nodes (padding column)
    valid: BoolArray  # (P, C)


@dataclass(frozen=True)
class Model:
    """Precomputed arrays of one analysis: everything except the per-replication draws.

    Built by :func:`build_model`; :meth:`evaluate` maps a design (option indices and
    weight multipliers per replication) to scores. Internal to the uncertainty and
    sensitivity modules.
    """

    kind: Literal["GPI", "composite"]
    node: str | None
    options: Mapping[str, tuple[Any, ...]]
    entities: pd.Index
    codes: list[str]
    leaf_pos: IntArray  # (L,) node positions of the indicators
    # "run" = (change rule, imputation option), position change · n_imputation + imputation
    leaf_t: FloatArray  # (n_agg, n_run, n_norm, E, L) transformed leaf scores, 0 if absent
    leaf_present: FloatArray  # (n_run, n_norm, E, L) 1.0 where the leaf has a score
    entity_ok: BoolArray  # (n_run, n_norm, E) indicator coverage reached
    deteriorated: FloatArray | None  # (n_run, n_tol, E) share of deteriorated indicators
    base_weights: FloatArray  # (n_schemes, N), normalised within parents
    parents: IntArray  # (N,)
    levels: tuple[_Level, ...]
    target: IntArray  # (E,) node whose score is the entity's index (-1: none)
    coverage: float
    shift: float
    nominal: pd.DataFrame  # entity: score, rank

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
            scores[sl] = self._block(c[sl], m[sl], design["aggregation"][sl], weights[sl])
        det = None
        if self.deteriorated is not None:
            det = self.deteriorated[c, design["tolerance"]]
        return scores, det, weights

    def _block(self, c: IntArray, m: IntArray, agg: IntArray, w: FloatArray) -> FloatArray:
        # A weighted power mean M with transform t (x, log x or 1/x) satisfies
        # t(M) = Σ w t(x) / Σ w, so the whole tree is rolled up as weighted arithmetic means
        # of the transformed leaf scores, and only the index itself is transformed back.
        n_rep, n_ent, n_nodes = len(c), len(self.entities), len(self.codes)
        value = np.zeros((n_rep, n_ent, n_nodes + 1))  # t(score); 0 where absent
        present = np.zeros((n_rep, n_ent, n_nodes + 1))  # 1 where the node has a score
        value[:, :, self.leaf_pos] = self.leaf_t[agg, c, m]
        present[:, :, self.leaf_pos] = self.leaf_present[c, m]
        wpad = np.concatenate([w, np.zeros((n_rep, 1))], axis=1)  # padding child: weight 0
        for lev in self.levels:
            wc = np.take(wpad, lev.children, axis=1)  # (R, P, C)
            num = np.einsum("repc,rpc->rep", np.take(value, lev.children, axis=2), wc)
            have = np.einsum("repc,rpc->rep", np.take(present, lev.children, axis=2), wc)
            total = wc.sum(axis=-1)[:, np.newaxis, :]
            share = have / np.where(total > 0, total, 1.0)
            ok = (have > 0) & (share >= self.coverage - 1e-12)
            value[:, :, lev.parents] = np.where(ok, num / np.where(have > 0, have, 1.0), 0.0)
            present[:, :, lev.parents] = ok
        has = self.target >= 0
        pick = np.where(has, self.target, n_nodes)
        t_out = value[:, np.arange(n_ent), pick]
        ok_out = (present[:, np.arange(n_ent), pick] > 0) & self.entity_ok[c, m] & has
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
                    vals = NORMALIZERS[name](g, np.ones(n_l), labels=leaves)
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
            cls = np.where(g > factor * tol, 1.0, np.where(g < -factor * tol, -1.0, 0.0))
            cls = np.where(np.isnan(g) | np.isnan(tol), np.nan, cls)
            cls = np.where((pval >= result.method.alpha) & ~np.isnan(cls), 0.0, cls)
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
    values = np.full((len(imputations), len(norms), *raw.shape), np.nan)
    own = result.method
    for k, imp in enumerate(imputations):  # one imputation (and treatment) per option
        prep = IndexMethod(own.normalization, own.normalization_params, own.aggregation,
                           own.coverage, imputation=imp, treatment=own.treatment)  # fmt: skip
        base = _index_base(result, raw, prep)
        for mi, name in enumerate(norms):  # one normalisation per method
            params = dict(own.normalization_params) if name == own.normalization else {}
            method = IndexMethod(name, params, "arithmetic", own.coverage)
            _, values[k, mi] = normalize_indicators(
                base, result.catalog, leaves, method, entities=result.raw.index
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
    """Validate the options and precompute every leaf-score array (internal)."""
    if not isinstance(shift, (int, float)) or not np.isfinite(shift):
        raise MethodError(f"shift must be a finite number; found {shift!r}")
    if isinstance(result, PerformanceResult):
        kinds = set(result.scores["kind"]) - {""}
        if len(kinds) > 1:
            raise MethodError(
                f"the result mixes {format_items(sorted(kinds))} bodies, which are ranked "
                "separately; "
                "analyse one kind at a time (regenerate(entities=[...]) or roots=[...])"
            )
        if node is not None:
            raise MethodError(
                "node applies to composite-index results; a GPI uses each entity's root"
            )
        kind: Literal["GPI", "composite"] = "GPI"
        nominal_agg = result.method.aggregation
        chg = _options("change", change, ("catalog",), CHANGE_OPTIONS)
        norms = _options("normalization", normalization, ("progress",), GPI_NORMALIZATIONS)
        tols = _tolerances(tolerance)
        imps = _imputations(imputation, result.method.imputation, _gpi_imputation)
        node_scores = result.node_scores
    elif isinstance(result, IndexResult):
        if change is not None and tuple(change) != ("catalog",):
            raise MethodError(
                "change rules apply to GPI results (performance_index) only; leave change=None"
            )
        if tolerance is not None and tuple(tolerance) != (1.0,):
            raise MethodError(
                "tolerance applies to GPI results (performance_index) only; leave tolerance=None"
            )
        kind = "composite"
        nominal_agg = result.method.aggregation
        chg, tols = ("catalog",), (1.0,)
        norms = _options(
            "normalization", normalization, (result.method.normalization,), NORMALIZERS.names()
        )
        imps = _imputations(imputation, result.method.imputation, check_imputation_spec)
        node_scores = result.scores
        roots = result.catalog.roots
        if node is None:
            if len(roots) != 1:
                raise MethodError(
                    f"the catalog has {len(roots)} roots ({format_items(roots)}); pass node=..."
                )
            node = roots[0]
        if node not in result.catalog.codes:
            raise MethodError(
                f"unknown node {node!r}; expected a code of the catalog, "
                f"e.g. {format_items(roots)}"
            )
    else:
        raise MethodError(
            "expected an IndexResult (compute_index) or a PerformanceResult (performance_index); "
            f"got {type(result).__name__}"
        )
    aggs = _options("aggregation", aggregation, (nominal_agg,), AGGREGATION_OPTIONS)
    schemes = _options("weights", weights, ("catalog",), WEIGHT_SCHEMES)
    catalog = result.catalog
    if kind == "GPI":
        assert isinstance(result, PerformanceResult)
        leaf_values, entity_ok, det = _gpi_leaves(result, chg, imps, norms, tols)
        roots_col = result.scores["root"]
        pos = {c: i for i, c in enumerate(catalog.codes)}
        target = np.array(
            [
                pos.get(str(r), -1) if isinstance(r, str) and r else -1
                for r in roots_col.fillna("")
            ],
            dtype=np.int64,
        )
        nominal = pd.DataFrame(
            {
                "score": result.scores["gpi"].to_numpy(dtype=np.float64),
                "rank": result.scores["rank"].to_numpy(dtype=np.float64, na_value=np.nan),
            },
            index=result.scores.index,
        )
    else:
        assert isinstance(result, IndexResult) and node is not None
        leaf_values = _index_leaves(result, imps, norms)
        entity_ok = np.ones(leaf_values.shape[:3], dtype=bool)
        det = None
        target = np.full(len(result.scores), catalog.codes.index(node), dtype=np.int64)
        nominal = pd.DataFrame(
            {
                "score": result.scores[node].to_numpy(dtype=np.float64),
                "rank": result.ranks[node].to_numpy(dtype=np.float64, na_value=np.nan),
            },
            index=result.scores.index,
        )
    nominal.index.name = "entity"
    if any(a in ("geometric", "harmonic") for a in aggs):
        bad = [
            str(norms[mi]) for mi in range(len(norms)) if np.any(leaf_values[:, mi] + shift <= 0)
        ]
        if bad:
            raise MethodError(
                f"geometric/harmonic aggregation needs positive scores, but normalization(s) "
                f"{format_items(bad)} give values ≤ {0.0 - shift + 0.0:g}; pass shift=1 "
                "(adds 1 to every "
                "score: ranks under arithmetic aggregation do not change), or drop those options"
            )
    shifted = leaf_values + shift
    with np.errstate(divide="ignore", invalid="ignore"):
        transforms = {"arithmetic": shifted, "geometric": np.log(shifted), "harmonic": 1 / shifted}
    leaf_t = np.nan_to_num(np.stack([transforms[a] for a in aggs]), nan=0.0)
    base = np.stack([scheme_weights(catalog, s, node_scores) for s in schemes])
    n_nodes = len(catalog)
    levels = []
    for level in catalog.rollup_plan():
        for grp in level:
            valid = grp.children >= 0
            levels.append(_Level(grp.parents, np.where(valid, grp.children, n_nodes), valid))
    return Model(
        kind=kind,
        node=node,
        options={
            "change": chg,
            "normalization": norms,
            "aggregation": aggs,
            "weights": schemes,
            "tolerance": tols,
            "imputation": imps,
        },
        entities=result.scores.index.copy(),
        codes=list(catalog.codes),
        leaf_pos=np.array([catalog.codes.index(c) for c in catalog.indicators], dtype=np.int64),
        leaf_t=leaf_t,
        leaf_present=(~np.isnan(leaf_values)).astype(np.float64),
        entity_ok=entity_ok,
        deteriorated=det,
        base_weights=base,
        parents=parent_index(catalog),
        levels=tuple(levels),
        target=target,
        coverage=float(result.method.coverage),
        shift=float(shift),
        nominal=nominal,
    )


def rank_rows(scores: FloatArray) -> FloatArray:
    """Rank entities in each replication: 1 = best, ties share the lowest rank, NaN unranked."""
    if scores.size == 0:
        return scores.copy()
    from scipy import stats  # lazy: scipy.stats is slow to import

    return np.asarray(
        stats.rankdata(-scores, axis=1, method="min", nan_policy="omit"), dtype=np.float64
    )


# --------------------------------------------------------------------------- result
@dataclass(frozen=True, repr=False, eq=False)
class UncertaintyResult(ResultMixin):
    """Immutable result of :func:`uncertainty_analysis`.

    Attributes
    ----------
    kind : {"GPI", "composite"}
    node : str or None
        The scored node of a composite index (None for the GPI: each entity's root).
    options : mapping
        The options of every factor (factor → tuple).
    weight_noise, shift : float
    seed : int or None
    design : DataFrame
        Index ``replication``: the option drawn for every factor (columns change,
        normalization, aggregation, weights, tolerance, imputation — the latter as
        :func:`option_label` texts such as ``"none"`` or ``"locf(max_gap=2)"``).
    weights : DataFrame
        Replication × node: the weights used (normalised within each parent).
    scores, ranks : DataFrame
        Replication × entity index scores and ranks (1 = best, ties share the lowest
        rank, NaN = no score).
    deteriorated : DataFrame or None
        Replication × entity share of deteriorated indicators (GPI only).
    nominal : DataFrame
        Index ``entity``: the result's own ``score`` and ``rank``.
    fingerprints : mapping
        Inputs of the analysed result.
    """

    kind: Literal["GPI", "composite"]
    node: str | None
    options: Mapping[str, tuple[Any, ...]]
    weight_noise: float
    shift: float
    seed: int | None
    design: pd.DataFrame
    weights: pd.DataFrame
    scores: pd.DataFrame
    ranks: pd.DataFrame
    deteriorated: pd.DataFrame | None
    nominal: pd.DataFrame
    fingerprints: Mapping[str, str]

    @property
    def n(self) -> int:
        """Number of replications."""
        return len(self.scores)

    @cached_property
    def rank_summary(self) -> pd.DataFrame:
        """Per entity: nominal rank, median, 5th and 95th percentile, mean rank, and the
        share of replications without a rank; sorted by median then nominal rank.

        Percentiles are numpy's default (linear interpolation), over the ranked
        replications of each entity.
        """
        r = self.ranks.to_numpy()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            p5, med, p95 = np.nanpercentile(r, [5.0, 50.0, 95.0], axis=0)
            mean = np.nanmean(r, axis=0)
        out = pd.DataFrame(
            {
                "nominal_rank": self.nominal["rank"].to_numpy(),
                "median": med,
                "p5": p5,
                "p95": p95,
                "mean": mean,
                "unranked": np.isnan(r).mean(axis=0),
            },
            index=self.ranks.columns.copy(),
        )
        out.index.name = "entity"
        return out.sort_values(["median", "nominal_rank"], kind="stable")

    @property
    def provenance(self) -> dict[str, Any]:
        """Analysis parameters and input fingerprints."""
        return {
            "index": f"uncertainty ({self.kind})",
            "n": self.n,
            "seed": self.seed,
            "options": {k: [option_label(o) for o in v] for k, v in self.options.items()},
            "weight_noise": self.weight_noise,
            "shift": self.shift,
            "node": self.node,
            "fingerprints": dict(self.fingerprints),
        }

    def to_frame(self) -> pd.DataFrame:
        """Tidy long table: replication, entity, score, rank (and deteriorated for a GPI)."""
        n_e = self.scores.shape[1]
        out = pd.DataFrame(
            {
                "replication": np.repeat(np.arange(self.n), n_e),
                "entity": np.tile(self.scores.columns.to_numpy(dtype=object), self.n),
                "score": self.scores.to_numpy().ravel(),
                "rank": self.ranks.to_numpy().ravel(),
            }
        )
        out["entity"] = out["entity"].astype("str")
        if self.deteriorated is not None:
            out["deteriorated"] = self.deteriorated.to_numpy().ravel()
        return out

    def _tables(self) -> dict[str, pd.DataFrame]:
        return {
            "rank_summary": self.rank_summary,
            "design": self.design,
            "scores": self.scores,
            "ranks": self.ranks,
        }

    def _summary(self) -> tuple[str, list[str]]:
        varied = [
            f"{k} {format_items([option_label(o) for o in v], limit=4)}"
            for k, v in self.options.items()
            if len(v) > 1
        ]
        if self.weight_noise > 0:
            varied.append(f"weight noise ±{self.weight_noise:g}")
        widest = self.rank_summary.assign(w=lambda d: d["p95"] - d["p5"])["w"]
        return "UncertaintyResult", [
            f"{self.kind}: {self.n} replications × {self.scores.shape[1]} entities "
            f"(seed {self.seed})",
            f"varied: {'; '.join(varied) if varied else 'nothing'}",
            f"widest 5–95 % rank interval: {widest.max():g} ranks ({widest.idxmax()})"
            if len(widest)
            else "",
        ]


def _frame(values: FloatArray, index: pd.Index, columns: pd.Index) -> pd.DataFrame:
    return pd.DataFrame(values, index=index, columns=columns, copy=False)


def make_result(
    model: Model,
    design: Mapping[str, IntArray],
    multipliers: FloatArray | None,
    *,
    weight_noise: float,
    seed: int | None,
    fingerprints: Mapping[str, str],
) -> UncertaintyResult:
    """Evaluate a design and wrap it in an :class:`UncertaintyResult` (internal)."""
    scores, det, w = model.evaluate(design, multipliers)
    reps = pd.RangeIndex(len(scores), name="replication")
    ent = pd.Index(model.entities, name="entity")
    labels = {
        f: pd.array(
            np.asarray([option_label(o) for o in model.options[f]], dtype=object)[design[f]],
            dtype="str",
        )
        for f in FACTORS
        if f != "tolerance"
    }
    design_frame = pd.DataFrame(labels, index=reps)
    design_frame.insert(
        len(FACTORS) - 2,
        "tolerance",
        np.asarray(model.options["tolerance"], dtype=np.float64)[design["tolerance"]],
    )
    return UncertaintyResult(
        kind=model.kind,
        node=model.node,
        options=dict(model.options),
        weight_noise=float(weight_noise),
        shift=model.shift,
        seed=seed,
        design=design_frame,
        weights=_frame(w, reps, pd.Index(model.codes, name="node")),
        scores=_frame(scores, reps, ent),
        ranks=_frame(rank_rows(scores), reps, ent),
        deteriorated=None if det is None else _frame(det, reps, ent),
        nominal=model.nominal.copy(),
        fingerprints=dict(fingerprints),
    )


def uncertainty_analysis(
    result: IndexResult | PerformanceResult,
    *,
    n: int = 1000,
    change: Sequence[str] | None = None,
    normalization: Sequence[str] | None = None,
    aggregation: Sequence[str] | None = None,
    weights: Sequence[str] | None = None,
    weight_noise: float = 0.0,
    tolerance: Sequence[float] | None = None,
    shift: float = 0.0,
    imputation: Sequence[ImputationOption] | None = None,
    node: str | None = None,
    seed: int | None = None,
) -> UncertaintyResult:
    """Monte-Carlo uncertainty analysis of an index over the methodological choices.

    Each replication draws one option of every factor uniformly at random (and, with
    ``weight_noise > 0``, a multiplicative perturbation of every weight); all
    replications are computed at once (see the module docstring for the factors).

    Parameters
    ----------
    result : PerformanceResult or IndexResult
        The nominal run (it must keep its panel, as results do by default).
    n : int, default 1000
        Number of replications.
    change, normalization, aggregation, weights : sequence of str, optional
        Options of each factor; ``None`` = the nominal option only (not varied).
    weight_noise : float, default 0
        Half-width of the uniform multiplicative weight noise, in [0, 1).
    tolerance : sequence of float, optional
        Factors applied to every tolerance τ (GPI only; affects the classes only).
    shift : float, default 0
        Constant added to every leaf score before aggregation (e.g. 1 to allow the
        geometric mean of 0–100 progress scores).
    imputation : sequence of (mapping or None), optional
        Imputation options, ``None`` = no imputation. GPI: ``{"method": "locf" |
        "linear", "max_gap": years}`` (e.g. ``[None, {"method": "locf", "max_gap":
        2}, {"method": "linear", "max_gap": 3}]``); composite index: the options of
        :func:`~govindex.compute_index` (e.g. ``[None, {"method": "mean"},
        {"method": "median"}]``). Default: the result's own imputation only.
    node : str, optional
        The node ranked for a composite index (default: its single root).
    seed : int, optional
        Random seed; the same seed gives the same replications.

    Returns
    -------
    UncertaintyResult

    Examples
    --------
    >>> from govindex import performance_index
    >>> from govindex.datasets import load_demo
    >>> panel, catalog = load_demo("leb")  # SYNTHETIC demo data
    >>> gpi = performance_index(panel, catalog, year=2025)
    >>> ua = uncertainty_analysis(gpi, n=200, change=("catalog", "relative", "slope"),
    ...                           weight_noise=0.25, seed=1)
    >>> ua.ranks.shape
    (200, 20)
    >>> list(ua.rank_summary.columns)
    ['nominal_rank', 'median', 'p5', 'p95', 'mean', 'unranked']
    """
    check_n(n)
    check_noise(weight_noise)
    model = build_model(
        result,
        change=change,
        normalization=normalization,
        aggregation=aggregation,
        weights=weights,
        tolerance=tolerance,
        shift=shift,
        imputation=imputation,
        node=node,
    )
    rng = np.random.default_rng(seed)
    design = {f: rng.integers(0, len(model.options[f]), size=n) for f in FACTORS[:-1]}
    mult = noise_multipliers(weight_noise, n, len(model.codes), rng) if weight_noise > 0 else None
    # drawn last, and only when varied, so that seeds give the same draws as before it existed
    n_imp = len(model.options["imputation"])
    design["imputation"] = (
        rng.integers(0, n_imp, size=n) if n_imp > 1 else np.zeros(n, dtype=np.int64)
    )
    fingerprints = getattr(result, "fingerprints", {})
    return make_result(
        model, design, mult, weight_noise=weight_noise, seed=seed, fingerprints=fingerprints
    )
