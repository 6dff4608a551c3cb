"""Replications in fixed blocks (analysis/_blocks.py) and the analyses on a Dask cluster.

The blocks draw from ``SeedSequence(seed).spawn(n_blocks)`` (checked against draws made
here from those streams); the result on a real ``distributed.LocalCluster`` of two
worker processes is the local result, bit for bit.
"""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pandas as pd
import pytest

from govindex import performance_index
from govindex._engine import check_scheduler, open_engine
from govindex.analysis import sensitivity_analysis, uncertainty_analysis
from govindex.analysis.uncertainty import UncertaintyResult
from govindex.datasets import load_demo
from govindex.exceptions import EngineError, MethodError
from govindex.indices.gpi import PerformanceResult
from govindex.prepare.weights import normalise_per_parent, parent_index, scheme_weights

CHANGE = ("catalog", "relative", "slope")


@pytest.fixture(scope="module")
def gpi() -> PerformanceResult:
    panel, catalog = load_demo("leb")  # SYNTHETIC demo data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return performance_index(panel, catalog, year=2025)


def _ua(gpi: PerformanceResult, **kw: object) -> UncertaintyResult:
    args: dict[str, object] = {"n": 130, "change": CHANGE, "tolerance": (0.5, 1.0),
                               "weight_noise": 0.3, "seed": 7, "block_size": 50}  # fmt: skip
    return uncertainty_analysis(gpi, **{**args, **kw})  # type: ignore[arg-type]


def _same(a: UncertaintyResult, b: UncertaintyResult) -> None:
    """Bit-identical tables (NaN where NaN)."""
    for name in ("design", "weights", "scores", "ranks", "deteriorated"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True)
    assert a.provenance == b.provenance


def test_each_block_draws_from_its_spawned_stream(gpi: PerformanceResult) -> None:
    ua = _ua(gpi)
    assert ua.engine == {"scheduler": "local", "block_size": 50, "blocks": 3}
    streams = np.random.SeedSequence(7).spawn(3)
    codes = ua.weights.shape[1]
    base = scheme_weights(gpi.catalog, "catalog", gpi.node_scores)[np.newaxis, :]
    parents = parent_index(gpi.catalog)
    for b, size in enumerate((50, 50, 30)):
        rng = np.random.default_rng(streams[b])
        change = rng.integers(0, 3, size=size)  # the factors in FACTORS order
        for _ in ("normalization", "aggregation", "weights"):
            rng.integers(0, 1, size=size)
        tolerance = rng.integers(0, 2, size=size)
        mult = rng.uniform(0.7, 1.3, size=(size, codes))
        rows = ua.design.iloc[b * 50 : b * 50 + size]
        assert rows["change"].tolist() == [CHANGE[k] for k in change]
        assert rows["tolerance"].tolist() == [(0.5, 1.0)[k] for k in tolerance]
        # the weights: the catalog's times the multipliers, renormalised within parents
        expected = normalise_per_parent(base * mult, parents)
        np.testing.assert_array_equal(ua.weights.to_numpy()[b * 50 : b * 50 + size], expected)


def test_the_first_blocks_do_not_depend_on_n(gpi: PerformanceResult) -> None:
    short, long = _ua(gpi, n=100), _ua(gpi, n=130)
    pd.testing.assert_frame_equal(short.scores, long.scores.iloc[:100], check_exact=True)
    pd.testing.assert_frame_equal(short.design, long.design.iloc[:100], check_exact=True)
    other = _ua(gpi, n=100, block_size=40)  # other blocks: other streams
    assert not other.design["change"].equals(short.design["change"])


@pytest.mark.parametrize("bad", ["threads", "processes:0", "processes:x", "http://h:1", 3])
def test_unknown_scheduler_is_a_named_error(gpi: PerformanceResult, bad: object) -> None:
    with pytest.raises(EngineError, match="unknown scheduler"):
        _ua(gpi, scheduler=bad)


def test_bad_block_size(gpi: PerformanceResult) -> None:
    with pytest.raises(MethodError, match="block_size must be a positive integer"):
        _ua(gpi, block_size=0)


def test_without_dask_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    with pytest.raises(EngineError, match=r"govindex\[distributed\]"), open_engine("processes:2"):
        pass  # pragma: no cover
    assert check_scheduler("processes:2") == "processes:2"


@pytest.mark.slow
def test_two_worker_processes_give_the_local_result_bit_for_bit(
    gpi: PerformanceResult,
) -> None:
    distributed = pytest.importorskip("distributed")
    local = _ua(gpi)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:  # fmt: skip
        remote = _ua(gpi, scheduler=cluster.scheduler_address)
        assert len(cluster.scheduler_info["workers"]) == 2
    _same(local, remote)
    assert remote.engine == {"scheduler": cluster.scheduler_address, "block_size": 50,
                             "blocks": 3}  # fmt: skip


@pytest.mark.slow
def test_sensitivity_on_its_own_worker_process_is_the_local_result(
    gpi: PerformanceResult,
) -> None:
    pytest.importorskip("distributed")
    kw: dict[str, object] = {"n": 32, "change": CHANGE, "weight_noise": 0.3, "seed": 5,
                             "num_resamples": 50}  # fmt: skip
    local = sensitivity_analysis(gpi, block_size=40, **kw)  # type: ignore[arg-type]
    # one block or four: the statistic of a row does not depend on the rows beside it
    one = sensitivity_analysis(gpi, block_size=10_000, **kw)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(local.indices, one.indices, check_exact=True)
    remote = sensitivity_analysis(gpi, block_size=40, scheduler="processes:1", **kw)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(local.indices, remote.indices, check_exact=True)
