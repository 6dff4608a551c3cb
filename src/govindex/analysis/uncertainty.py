"""Monte-Carlo uncertainty analysis of a GPI or composite-index result.

A reviewer questions the choices behind an index: the change rule and tolerance of the
GPI, how changes or raw values are turned into scores (normalisation), how scores are
aggregated, and the weights. :func:`uncertainty_analysis` draws ``n`` replications,
each with one option of every factor, recomputes the index under each, and summarises
every entity's **rank distribution** (median and 5th–95th percentile).

Vectorised across replications by the replication engine
(``govindex.analysis._replications``): the leaf scores of every discrete option are
computed **once**, then all replications are rolled up together by
:func:`~govindex.aggregate.aggregate_tree` (the one tree roll-up) with a replication axis
and per-replication weights — the only Python loops run over options, tree levels and
blocks of replications.

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

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

import numpy as np
import pandas as pd

from govindex._engine import check_scheduler
from govindex._typing import FloatArray
from govindex.analysis._blocks import (
    BLOCK_SIZE,
    Blocks,
    block_sizes,
    check_block_size,
    run_blocks,
)
from govindex.analysis._replications import (
    AGGREGATION_OPTIONS,
    CHANGE_OPTIONS,
    FACTORS,
    GPI_NORMALIZATIONS,
    WEIGHT_SCHEMES,
    ImputationOption,
    Model,
    build_model,
    option_label,
)
from govindex.exceptions import format_items
from govindex.indices.composite import IndexResult
from govindex.indices.gpi import PerformanceResult
from govindex.prepare.weights import check_n, check_noise
from govindex.results import TableResult, handout

__all__ = [
    "AGGREGATION_OPTIONS",
    "CHANGE_OPTIONS",
    "GPI_NORMALIZATIONS",
    "WEIGHT_SCHEMES",
    "UncertaintyResult",
    "option_label",
    "uncertainty_analysis",
]


# --------------------------------------------------------------------------- result
@dataclass(frozen=True, repr=False, eq=False)
class UncertaintyResult(TableResult):
    """Immutable result of :func:`uncertainty_analysis`.

    Every table is handed out as a read-only copy (changing it never changes the
    result); :meth:`tables` holds ``rank_summary``, ``design``, ``scores`` and ``ranks``.

    Attributes
    ----------
    kind : {"GPI", "composite"}
    node : str or None
        The scored node of a composite index (None for the GPI: each entity's root).
    options : mapping
        The options of every factor (factor → tuple).
    weight_noise, shift : float
    seed : int or None
    fingerprints : mapping
        Inputs of the analysed result.
    engine : mapping
        How the replications were computed: ``scheduler``, ``block_size``, ``blocks``.
    """

    kind: Literal["GPI", "composite"]
    node: str | None
    options: Mapping[str, tuple[Any, ...]]
    weight_noise: float
    shift: float
    seed: int | None
    fingerprints: Mapping[str, str]
    engine: Mapping[str, Any]
    _design: pd.DataFrame
    _weights: pd.DataFrame
    _scores: pd.DataFrame
    _ranks: pd.DataFrame
    _deteriorated: pd.DataFrame | None
    _nominal: pd.DataFrame

    # ------------------------------------------------------------------ tables
    @property
    def design(self) -> pd.DataFrame:
        """Index ``replication``: the option drawn for every factor (columns change,
        normalization, aggregation, weights, tolerance, imputation — the latter as
        :func:`option_label` texts such as ``"none"`` or ``"locf(max_gap=2)"``)."""
        return handout(self._design)

    @property
    def weights(self) -> pd.DataFrame:
        """Replication × node: the weights used (normalised within each parent)."""
        return handout(self._weights)

    @property
    def scores(self) -> pd.DataFrame:
        """Replication × entity index scores (NaN = no score)."""
        return handout(self._scores)

    @property
    def ranks(self) -> pd.DataFrame:
        """Replication × entity ranks (1 = best, ties share the lowest rank, NaN = no score)."""
        return handout(self._ranks)

    @property
    def deteriorated(self) -> pd.DataFrame | None:
        """Replication × entity share of deteriorated indicators (GPI only, else None)."""
        return None if self._deteriorated is None else handout(self._deteriorated)

    @property
    def nominal(self) -> pd.DataFrame:
        """Index ``entity``: the analysed result's own ``score`` and ``rank``."""
        return handout(self._nominal)

    @property
    def n(self) -> int:
        """Number of replications."""
        return len(self._scores)

    @property
    def rank_summary(self) -> pd.DataFrame:
        """Per entity: nominal rank, median, 5th and 95th percentile, mean rank, and the
        share of replications without a rank; sorted by median then nominal rank.

        Percentiles are numpy's default (linear interpolation), over the ranked
        replications of each entity.
        """
        return handout(self._rank_summary)

    @cached_property
    def _rank_summary(self) -> pd.DataFrame:
        r = self._ranks.to_numpy()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            p5, med, p95 = np.nanpercentile(r, [5.0, 50.0, 95.0], axis=0)
            mean = np.nanmean(r, axis=0)
        out = pd.DataFrame(
            {
                "nominal_rank": self._nominal["rank"].to_numpy(),
                "median": med,
                "p5": p5,
                "p95": p95,
                "mean": mean,
                "unranked": np.isnan(r).mean(axis=0),
            },
            index=self._ranks.columns.copy(),
        )
        out.index.name = "entity"
        return out.sort_values(["median", "nominal_rank"], kind="stable")

    # ------------------------------------------------------------------ protocol
    @property
    def provenance(self) -> dict[str, Any]:
        """Analysis parameters and input fingerprints."""
        return {
            "index": f"uncertainty ({self.kind})",
            "n": self.n,
            "seed": self.seed,
            "block_size": self.engine.get("block_size"),
            "options": {k: [option_label(o) for o in v] for k, v in self.options.items()},
            "weight_noise": self.weight_noise,
            "shift": self.shift,
            "node": self.node,
            "fingerprints": dict(self.fingerprints),
        }

    def to_frame(self) -> pd.DataFrame:
        """Tidy long table: replication, entity, score, rank (and deteriorated for a GPI)."""
        n_e = self._scores.shape[1]
        out = pd.DataFrame(
            {
                "replication": np.repeat(np.arange(self.n), n_e),
                "entity": np.tile(self._scores.columns.to_numpy(dtype=object), self.n),
                "score": self._scores.to_numpy().ravel(),
                "rank": self._ranks.to_numpy().ravel(),
            }
        )
        out["entity"] = out["entity"].astype("str")
        if self._deteriorated is not None:
            out["deteriorated"] = self._deteriorated.to_numpy().ravel()
        return out

    def _tables(self) -> dict[str, pd.DataFrame]:
        return {
            "rank_summary": self._rank_summary,
            "design": self._design,
            "scores": self._scores,
            "ranks": self._ranks,
        }

    def _summary(self) -> tuple[str, list[str]]:
        varied = [
            f"{k} {format_items([option_label(o) for o in v], limit=4)}"
            for k, v in self.options.items()
            if len(v) > 1
        ]
        if self.weight_noise > 0:
            varied.append(f"weight noise ±{self.weight_noise:g}")
        widest = self._rank_summary.assign(w=lambda d: d["p95"] - d["p5"])["w"]
        return "UncertaintyResult", [
            f"{self.kind}: {self.n} replications × {self._scores.shape[1]} entities "
            f"(seed {self.seed})",
            f"varied: {'; '.join(varied) if varied else 'nothing'}",
            f"widest 5–95 % rank interval: {widest.max():g} ranks ({widest.idxmax()})"
            if len(widest)
            else "",
        ]


def _frame(values: FloatArray, index: pd.Index, columns: pd.Index) -> pd.DataFrame:
    return pd.DataFrame(values, index=index, columns=columns, copy=False)


def _make_result(
    model: Model,
    blocks: Blocks,
    *,
    weight_noise: float,
    seed: int | None,
    fingerprints: Mapping[str, str],
    engine: Mapping[str, Any],
) -> UncertaintyResult:
    """Wrap the evaluated blocks of ``model`` in an :class:`UncertaintyResult`."""
    design, scores, det, w = blocks
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
        fingerprints=dict(fingerprints),
        engine=dict(engine),
        _design=design_frame,
        _weights=_frame(w, reps, pd.Index(model.codes, name="node")),
        _scores=_frame(scores, reps, ent),
        _ranks=_frame(model.ranks(scores), reps, ent),
        _deteriorated=None if det is None else _frame(det, reps, ent),
        _nominal=model.nominal.copy(),
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
    scheduler: str | None = None,
    block_size: int = BLOCK_SIZE,
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
        Random seed; the same seed (and ``block_size``) gives the same replications.
    scheduler : str, optional
        Where the blocks of replications are computed: ``None`` or ``"local"`` (this
        process), ``"processes:N"`` (``N`` worker processes on this machine) or the address
        of a Dask scheduler, ``"tcp://host:port"`` (:doc:`/scaling`; needs
        ``pip install "govindex[distributed]"``). The result does not depend on it.
    block_size : int, default 1024
        Replications per block. Block ``b`` of ``ceil(n / block_size)`` draws from the
        random stream ``SeedSequence(seed).spawn(n_blocks)[b]``: the replications depend
        on ``seed`` and ``block_size``, never on the scheduler or the number of workers,
        and the first blocks of ``n`` replications are those of any larger ``n``.

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
    check_block_size(block_size)
    check_scheduler(scheduler)  # a bad name fails before the model is built
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
    blocks = run_blocks(
        model,
        n=n,
        weight_noise=weight_noise,
        seed=seed,
        block_size=check_block_size(block_size),
        scheduler=scheduler,
    )
    fingerprints = getattr(result, "fingerprints", {})
    engine = {"scheduler": check_scheduler(scheduler), "block_size": int(block_size),
              "blocks": len(block_sizes(n, block_size))}  # fmt: skip
    return _make_result(
        model,
        blocks,
        weight_noise=weight_noise,
        seed=seed,
        fingerprints=fingerprints,
        engine=engine,
    )
