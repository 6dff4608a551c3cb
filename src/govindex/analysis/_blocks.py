"""Replications in fixed blocks: the same numbers in this process and on a Dask cluster.

The replications of an uncertainty analysis are split into blocks of ``block_size``
(the last one shorter); block ``b`` draws its design and weight noise from its own random
stream, ``numpy.random.default_rng(SeedSequence(seed).spawn(n_blocks)[b])``. The blocks
depend on ``n``, ``block_size`` and ``seed`` only — never on the scheduler or the number
of workers — and every scheduler evaluates each block with the same function
(:func:`uncertainty_block`), so a result is identical, bit for bit, whether it is computed
here or on any number of workers. The children of a ``SeedSequence`` do not depend on
how many are spawned, so the first ``k`` blocks of ``n`` replications are also those of
any larger ``n``.

A sensitivity analysis draws nothing per block (the Sobol sample and the bank of weight
perturbations are drawn once, with ``seed``): its sample is evaluated in blocks of rows
(:func:`sensitivity_block`).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from govindex._engine import open_engine
from govindex._typing import FloatArray, IntArray
from govindex.analysis._replications import FACTORS, Model
from govindex.exceptions import MethodError
from govindex.prepare.weights import check_n, noise_multipliers

__all__ = [
    "BLOCK_SIZE",
    "Block",
    "Blocks",
    "SobolEvaluation",
    "block_sizes",
    "check_block_size",
    "evaluate_sample",
    "run_blocks",
    "sensitivity_block",
    "uncertainty_block",
]

#: Replications (or sample rows) per block, by default.
BLOCK_SIZE = 1024


class Block(NamedTuple):
    """One block of replications: how many, and its random stream."""

    size: int
    stream: np.random.SeedSequence


class Blocks(NamedTuple):
    """The evaluated replications of an uncertainty analysis, all blocks concatenated."""

    design: dict[str, IntArray]
    scores: FloatArray  # (R, E)
    deteriorated: FloatArray | None  # (R, E)
    weights: FloatArray  # (R, N)


def check_block_size(block_size: int) -> int:
    """Raise :class:`~govindex.exceptions.MethodError` unless a positive integer."""
    check_n(block_size, "block_size")
    return int(block_size)


def block_sizes(n: int, block_size: int) -> list[int]:
    """Sizes of the blocks of ``n`` replications.

    Examples
    --------
    >>> block_sizes(2500, 1024)
    [1024, 1024, 452]
    """
    full, rest = divmod(int(n), int(block_size))
    return [int(block_size)] * full + ([rest] if rest else [])


def uncertainty_block(shared: tuple[Model, float], block: Block) -> Blocks:
    """Draw one block's design (and weight noise) from its stream and evaluate it.

    The draws come in the order of the single stream of earlier versions: the factors
    except imputation, the weight multipliers, then imputation (only when varied).
    """
    model, weight_noise = shared
    n = block.size
    rng = np.random.default_rng(block.stream)
    design = {f: rng.integers(0, len(model.options[f]), size=n) for f in FACTORS[:-1]}
    mult = noise_multipliers(weight_noise, n, len(model.codes), rng) if weight_noise > 0 else None
    n_imp = len(model.options["imputation"])
    design["imputation"] = (
        rng.integers(0, n_imp, size=n) if n_imp > 1 else np.zeros(n, dtype=np.int64)
    )
    scores, det, w = model.evaluate(design, mult)
    return Blocks(design, scores, det, w)


def run_blocks(
    model: Model,
    *,
    n: int,
    weight_noise: float,
    seed: int | None,
    block_size: int,
    scheduler: str | None,
) -> Blocks:
    """Every block of an uncertainty analysis, evaluated by ``scheduler``, concatenated."""
    sizes = block_sizes(n, block_size)
    streams = np.random.SeedSequence(seed).spawn(len(sizes))
    blocks = [Block(s, q) for s, q in zip(sizes, streams, strict=True)]
    with open_engine(scheduler) as engine:
        parts = engine.map(uncertainty_block, (model, float(weight_noise)), blocks)
    det = [p.deteriorated for p in parts]
    return Blocks(
        design={f: np.concatenate([p.design[f] for p in parts]) for f in FACTORS},
        scores=np.concatenate([p.scores for p in parts]),
        deteriorated=None if det[0] is None else np.concatenate(det),  # type: ignore[arg-type]
        weights=np.concatenate([p.weights for p in parts]),
    )


@dataclass(frozen=True)
class SobolEvaluation:
    """What every block of a sensitivity analysis needs besides its rows of the sample."""

    model: Model
    names: list[str]  # the columns of the sample: varied factors, then "weight_noise"
    bank: FloatArray | None  # (n_weight_sets, N) weight multipliers
    statistic: str
    nominal_rank: FloatArray  # (E,)

    def design(self, u: FloatArray) -> tuple[dict[str, IntArray], FloatArray | None]:
        """Option ``k`` of ``K`` for ``u ∈ [k/K, (k+1)/K)``; the weight set likewise."""

        def pick(name: str, k: int) -> IntArray:
            col = u[:, self.names.index(name)]
            return np.minimum((col * k).astype(np.int64), k - 1)

        options: Mapping[str, tuple[object, ...]] = self.model.options
        design = {
            f: pick(f, len(options[f])) if f in self.names else np.zeros(len(u), dtype=np.int64)
            for f in FACTORS
        }
        mult = None if self.bank is None else self.bank[pick("weight_noise", len(self.bank))]
        return design, mult


def sensitivity_block(shared: SobolEvaluation, u: FloatArray) -> FloatArray:
    """The statistic of every row of one block of the Sobol sample."""
    design, mult = shared.design(u)
    scores, det, _ = shared.model.evaluate(design, mult)
    if shared.statistic == "score":
        return scores
    if shared.statistic == "deteriorated":
        if det is None:  # pragma: no cover - sensitivity_analysis checks it first
            raise MethodError("statistic 'deteriorated' needs a GPI result (performance_index)")
        return det
    ranks = shared.model.ranks(scores)
    if shared.statistic == "rank":
        return ranks
    with warnings.catch_warnings():  # a replication without any rank: NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.asarray(
            np.nanmean(np.abs(ranks - shared.nominal_rank[np.newaxis, :]), axis=1),
            dtype=np.float64,
        )


def evaluate_sample(
    shared: SobolEvaluation, u: FloatArray, *, block_size: int, scheduler: str | None
) -> FloatArray:
    """:func:`sensitivity_block` over blocks of ``block_size`` rows of ``u``, concatenated."""
    starts = range(0, len(u), block_size)
    with open_engine(scheduler) as engine:
        parts = engine.map(sensitivity_block, shared, [u[s : s + block_size] for s in starts])
    return np.concatenate(parts)
