"""Variance-based (Sobol) sensitivity analysis of an index to its methodological choices.

:func:`sobol_indices` wraps SALib (Herman & Usher 2017): quasi-random Saltelli/Sobol
sampling (``SALib.sample.sobol``, scrambled Sobol sequences) and the first-order
``S1`` and total-effect ``ST`` estimators with bootstrap confidence intervals
(``SALib.analyze.sobol``; Saltelli et al. 2010, *Comput. Phys. Commun.* 181:259).
:func:`sensitivity_analysis` maps the unit-cube samples to the discrete choices of
:mod:`govindex.analysis.uncertainty` (option ``k`` of ``K`` for ``u ∈ [k/K, (k+1)/K)``; the
weight noise selects one of ``n_weight_sets`` pre-drawn perturbations, as COINr does
for alternative weight sets) and evaluates all samples at once with the replication
engine (``govindex.analysis._replications``).

SALib is an optional dependency: ``pip install SALib`` (or ``pip install
"govindex[sensitivity]"``).
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Literal

import numpy as np
import pandas as pd

from govindex._typing import FloatArray
from govindex.analysis._replications import (
    FACTORS,
    ImputationOption,
    build_model,
    option_label,
)
from govindex.exceptions import MethodError, format_items
from govindex.indices.composite import IndexResult
from govindex.indices.gpi import PerformanceResult
from govindex.prepare.weights import check_n, check_noise, noise_multipliers
from govindex.results import TableResult, handout

__all__ = ["SensitivityResult", "sensitivity_analysis", "sobol_indices"]

Statistic = Literal["mean_rank_shift", "rank", "score", "deteriorated"]
_STATISTICS = ("mean_rank_shift", "rank", "score", "deteriorated")


def _salib(part: str) -> ModuleType:
    try:
        return importlib.import_module(f"SALib.{part}")
    except ImportError:
        raise MethodError(
            "Sobol sensitivity analysis needs the optional dependency SALib; install it with "
            '`pip install SALib` (or `pip install "govindex[sensitivity]"`)'
        ) from None


def sobol_indices(
    model: Callable[[FloatArray], FloatArray],
    factors: Sequence[str],
    *,
    n: int = 1024,
    bounds: Sequence[tuple[float, float]] | None = None,
    outputs: Sequence[str] | None = None,
    seed: int | None = None,
    conf_level: float = 0.95,
    num_resamples: int = 1000,
) -> pd.DataFrame:
    """First-order and total-effect Sobol indices of ``model`` with bootstrap intervals.

    Parameters
    ----------
    model : callable
        Maps a sample matrix ``(M, D)`` to outputs ``(M,)`` or ``(M, K)``; called once.
    factors : sequence of str
        Names of the ``D`` independent uniform input factors.
    n : int, default 1024
        Base sample size ``N`` (a power of 2 keeps the Sobol sequence balanced);
        the model is evaluated ``N · (D + 2)`` times.
    bounds : sequence of (low, high), optional
        Ranges of the uniform inputs (default ``[0, 1]`` each).
    outputs : sequence of str, optional
        Names of the ``K`` outputs (default ``"y"`` or ``"y0" …``).
    seed : int, optional
        Seed of the scrambled Sobol sequence and of the bootstrap.
    conf_level : float, default 0.95
        Confidence level of the bootstrap intervals.
    num_resamples : int, default 1000
        Bootstrap resamples.

    Returns
    -------
    DataFrame
        Columns ``output``, ``factor``, ``S1``, ``S1_conf``, ``ST``, ``ST_conf``;
        ``*_conf`` is the half-width of the bootstrap interval (SALib's convention:
        ``z · sd`` of the bootstrap estimates). Outputs with zero variance give NaN.

    Examples
    --------
    ``y = x1 + 2·x2`` with independent ``U(0, 1)`` inputs: ``S_i = a_i² / Σ a_j²``
    = 0.2 and 0.8.

    >>> si = sobol_indices(lambda x: x[:, 0] + 2 * x[:, 1], ["x1", "x2"], n=1024, seed=1)
    >>> si[["factor", "S1", "ST"]].round(2)
      factor   S1   ST
    0     x1  0.2  0.2
    1     x2  0.8  0.8
    """
    names = [str(f) for f in factors]
    if not names or len(set(names)) != len(names):
        raise MethodError(
            f"factors must be distinct names, at least one; found {format_items(names)}"
        )
    check_n(n)
    check_n(num_resamples, "num_resamples")
    if not 0.0 < float(conf_level) < 1.0:
        raise MethodError(f"conf_level must be within (0, 1); found {conf_level!r}")
    rng_bounds = (
        [(0.0, 1.0)] * len(names) if bounds is None else [tuple(map(float, b)) for b in bounds]
    )
    if len(rng_bounds) != len(names) or any(not lo < hi for lo, hi in rng_bounds):
        raise MethodError(
            f"bounds must give one (low, high) with low < high per factor; found {bounds!r}"
        )
    problem = {"num_vars": len(names), "names": names, "bounds": [list(b) for b in rng_bounds]}
    sample = _salib("sample.sobol").sample(problem, int(n), calc_second_order=False, seed=seed)
    y = np.asarray(model(np.asarray(sample, dtype=np.float64)), dtype=np.float64)
    y2 = y.reshape(len(sample), -1)
    if y2.shape[0] != len(sample):
        raise MethodError(f"model returned {y.shape[0]} rows for {len(sample)} samples")
    labels = (
        list(outputs)
        if outputs is not None
        else (["y"] if y.ndim == 1 else [f"y{k}" for k in range(y2.shape[1])])
    )
    if len(labels) != y2.shape[1]:
        raise MethodError(f"{len(labels)} output names for {y2.shape[1]} outputs")
    analyze = _salib("analyze.sobol").analyze
    rows = []
    for k, label in enumerate(labels):  # SALib analyses one output at a time
        col = y2[:, k]
        if not np.all(np.isfinite(col)) or np.var(col) == 0:
            nan = np.full(len(names), np.nan)
            si: Mapping[str, Any] = {"S1": nan, "S1_conf": nan, "ST": nan, "ST_conf": nan}
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                si = analyze(
                    problem,
                    col,
                    calc_second_order=False,
                    num_resamples=int(num_resamples),
                    conf_level=float(conf_level),
                    seed=seed,
                )
        rows.append(
            pd.DataFrame(
                {
                    "output": label,
                    "factor": names,
                    **{
                        key: np.asarray(si[key], dtype=np.float64)
                        for key in ("S1", "S1_conf", "ST", "ST_conf")
                    },
                }
            )
        )
    out = pd.concat(rows, ignore_index=True)
    out["output"] = out["output"].astype("str")
    out["factor"] = out["factor"].astype("str")
    return out


@dataclass(frozen=True, repr=False, eq=False)
class SensitivityResult(TableResult):
    """Immutable result of :func:`sensitivity_analysis`.

    Attributes
    ----------
    statistic : str
        What was analysed (``mean_rank_shift``, ``rank``, ``score``, ``deteriorated``).
    factors : mapping
        The varied factors and their options (``weight_noise``: the number of
        pre-drawn weight perturbations).
    n_base, n_evaluations : int
        SALib base sample size ``N`` and model evaluations ``N · (D + 2)``.
    conf_level : float
    seed : int or None
    fingerprints : mapping
    """

    statistic: str
    factors: Mapping[str, tuple[Any, ...]]
    n_base: int
    n_evaluations: int
    conf_level: float
    seed: int | None
    fingerprints: Mapping[str, str]
    _indices: pd.DataFrame

    @property
    def indices(self) -> pd.DataFrame:
        """Tidy: ``output`` (an entity, or ``mean_rank_shift``), ``factor``, ``S1``,
        ``S1_conf``, ``ST``, ``ST_conf`` (half-widths at ``conf_level``); a read-only copy."""
        return handout(self._indices)

    @property
    def provenance(self) -> dict[str, Any]:
        """Analysis parameters and input fingerprints."""
        return {
            "index": "sobol sensitivity",
            "statistic": self.statistic,
            "factors": {k: [option_label(o) for o in v] for k, v in self.factors.items()},
            "n_base": self.n_base,
            "n_evaluations": self.n_evaluations,
            "conf_level": self.conf_level,
            "seed": self.seed,
            "fingerprints": dict(self.fingerprints),
        }

    def to_frame(self) -> pd.DataFrame:
        """The tidy table of indices (a copy)."""
        return self._indices.copy()

    def _tables(self) -> dict[str, pd.DataFrame]:
        return {"indices": self._indices}

    def _summary(self) -> tuple[str, list[str]]:
        return "SensitivityResult (Sobol)", [
            f"statistic {self.statistic}; factors {format_items(self.factors)}",
            f"N = {self.n_base}, {self.n_evaluations} evaluations, "
            f"{self.conf_level:.0%} bootstrap intervals (seed {self.seed})",
        ]


def sensitivity_analysis(
    result: IndexResult | PerformanceResult,
    *,
    n: int = 512,
    change: Sequence[str] | None = None,
    normalization: Sequence[str] | None = None,
    aggregation: Sequence[str] | None = None,
    weights: Sequence[str] | None = None,
    weight_noise: float = 0.0,
    n_weight_sets: int = 64,
    tolerance: Sequence[float] | None = None,
    shift: float = 0.0,
    imputation: Sequence[ImputationOption] | None = None,
    node: str | None = None,
    statistic: Statistic = "mean_rank_shift",
    seed: int | None = None,
    conf_level: float = 0.95,
    num_resamples: int = 1000,
) -> SensitivityResult:
    """Sobol first-order and total-effect indices of each methodological choice.

    The factors and their options are those of
    :func:`~govindex.analysis.uncertainty.uncertainty_analysis`; only factors with more than
    one option (and the weight noise when ``weight_noise > 0``) enter the analysis.

    Parameters
    ----------
    result : PerformanceResult or IndexResult
    n : int, default 512
        SALib base sample size (evaluations: ``n · (D + 2)`` for ``D`` factors).
    change, normalization, aggregation, weights, tolerance, shift, imputation, node
        As in :func:`~govindex.analysis.uncertainty.uncertainty_analysis`.
    weight_noise : float, default 0
        Half-width of the weight noise; the factor ``weight_noise`` picks one of
        ``n_weight_sets`` perturbations drawn with ``seed``.
    n_weight_sets : int, default 64
    statistic : {"mean_rank_shift", "rank", "score", "deteriorated"}
        ``mean_rank_shift``: mean over entities of ``|rank − nominal rank|`` (one
        output); ``rank`` / ``score``: one output per entity; ``deteriorated``: each
        entity's share of deteriorated indicators (GPI only).
    seed : int, optional
    conf_level : float, default 0.95
    num_resamples : int, default 1000

    Returns
    -------
    SensitivityResult

    Examples
    --------
    >>> from govindex import performance_index
    >>> from govindex.datasets import load_demo
    >>> panel, catalog = load_demo("leb")  # SYNTHETIC demo data
    >>> gpi = performance_index(panel, catalog, year=2025)
    >>> sa = sensitivity_analysis(gpi, n=64, change=("catalog", "relative", "slope"),
    ...                           weight_noise=0.25, seed=3, num_resamples=100)
    >>> sa.indices["factor"].tolist()
    ['change', 'weight_noise']
    """
    check_n(n)
    check_n(n_weight_sets, "n_weight_sets")
    check_noise(weight_noise)
    if statistic not in _STATISTICS:
        raise MethodError(
            f"unknown statistic {statistic!r}; expected one of {format_items(_STATISTICS)}"
        )
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
    if statistic == "deteriorated" and model.deteriorated is None:
        raise MethodError("statistic 'deteriorated' needs a GPI result (performance_index)")
    varied = [f for f in FACTORS if len(model.options[f]) > 1]
    names = varied + (["weight_noise"] if weight_noise > 0 else [])
    if not names:
        raise MethodError(
            "nothing varies: give at least two options for one of change, normalization, "
            "aggregation, weights, tolerance, imputation, or weight_noise > 0"
        )
    bank = (
        noise_multipliers(
            weight_noise, n_weight_sets, len(model.codes), np.random.default_rng(seed)
        )
        if weight_noise > 0
        else None
    )
    nominal_rank = model.nominal["rank"].to_numpy(dtype=np.float64)
    entities = [str(e) for e in model.entities]

    def evaluate(u: FloatArray) -> FloatArray:
        def pick(col: int, k: int) -> np.ndarray:
            return np.minimum((u[:, col] * k).astype(np.int64), k - 1)

        design = {
            f: (
                pick(names.index(f), len(model.options[f]))
                if f in varied
                else np.zeros(len(u), dtype=np.int64)
            )
            for f in FACTORS
        }
        mult = None if bank is None else bank[pick(names.index("weight_noise"), n_weight_sets)]
        scores, det, _ = model.evaluate(design, mult)
        if statistic == "score":
            return scores
        if statistic == "deteriorated":
            assert det is not None
            return det
        ranks = model.ranks(scores)
        if statistic == "rank":
            return ranks
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return np.nanmean(np.abs(ranks - nominal_rank[np.newaxis, :]), axis=1)

    outputs = ["mean_rank_shift"] if statistic == "mean_rank_shift" else entities
    indices = sobol_indices(
        evaluate,
        names,
        n=n,
        outputs=outputs,
        seed=seed,
        conf_level=conf_level,
        num_resamples=num_resamples,
    )
    factors = {f: tuple(model.options[f]) for f in varied}
    if bank is not None:
        factors["weight_noise"] = (f"{n_weight_sets} sets, ±{weight_noise:g}",)
    return SensitivityResult(
        statistic=statistic,
        factors=factors,
        n_base=int(n),
        n_evaluations=int(n) * (len(names) + 2),
        conf_level=float(conf_level),
        seed=seed,
        fingerprints=dict(getattr(result, "fingerprints", {})),
        _indices=indices,
    )
