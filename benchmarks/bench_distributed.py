"""Benchmark of an uncertainty analysis on Dask: this process, 1 and 2 worker processes.

Data: the bundled SYNTHETIC demo LEB panel (20 invented regions × 50 indicators) with its
entities copied ``--copies`` times, each copy's values scaled by U(0.9, 1) (fixed
seed): 20 · copies synthetic entities.

The analysis varies change rule {catalog, relative, slope} × aggregation {arithmetic,
geometric} × weights {catalog, equal} with ±25 % weight noise, ``n`` replications in
blocks of ``--block-size``. Timed: ``uncertainty_analysis`` with ``scheduler="local"`` and
on a ``distributed.LocalCluster`` of 1 and 2 worker processes (started before the clock
runs, one thread each, loopback only; their start-up is reported apart). Every distributed
result is checked bit for bit against the local one.

Run from the repository root::

    .venv/bin/python benchmarks/bench_distributed.py [--copies 50] [--n 4096] [--repeats 3]

Prints a Markdown report (the numbers of docs/scaling.md).
"""

from __future__ import annotations

import argparse
import os
import pickle
import platform
import statistics
import time
import warnings
from collections.abc import Callable
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

import govindex
from govindex import Panel, performance_index
from govindex.analysis._replications import build_model
from govindex.analysis.uncertainty import UncertaintyResult, uncertainty_analysis
from govindex.datasets import load_demo
from govindex.indices.gpi import PerformanceResult

OPTIONS: dict[str, Any] = {
    "change": ("catalog", "relative", "slope"),
    "aggregation": ("arithmetic", "geometric"),
    "weights": ("catalog", "equal"),
    "weight_noise": 0.25,
    "shift": 1.0,
}


def big_gpi(copies: int) -> PerformanceResult:
    """The GPI of the demo panel with its entities copied and jittered (synthetic)."""
    panel, catalog = load_demo("leb")  # SYNTHETIC demo data
    tidy = panel.to_frame()
    rng = np.random.default_rng(2026)
    parts = []
    for k in range(copies):
        part = tidy.assign(entity=tidy["entity"] + f"-{k:04d}")
        parts.append(part.assign(value=part["value"] * rng.uniform(0.9, 1.0, len(part))))
    big = Panel.from_frame(pd.concat(parts, ignore_index=True))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return performance_index(big, catalog, year=2025)


def timed(fn: Callable[[], UncertaintyResult], repeats: int) -> tuple[float, UncertaintyResult]:
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    assert out is not None
    return statistics.median(times), out


def same(a: UncertaintyResult, b: UncertaintyResult) -> bool:
    return all(
        getattr(a, name).equals(getattr(b, name))
        for name in ("design", "weights", "scores", "ranks", "deteriorated")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=50)
    parser.add_argument("--n", type=int, default=4096)
    parser.add_argument("--block-size", type=int, default=512)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    from distributed import LocalCluster

    gpi = big_gpi(args.copies)
    n_ent, n_nodes = len(gpi.scores), len(gpi.catalog.codes)
    kw = {**OPTIONS, "n": args.n, "seed": 1, "block_size": args.block_size}
    t0 = time.perf_counter()
    model = build_model(gpi, change=OPTIONS["change"], normalization=None,
                        aggregation=OPTIONS["aggregation"], weights=OPTIONS["weights"],
                        tolerance=None, shift=1.0, imputation=None, node=None)  # fmt: skip
    t_model = time.perf_counter() - t0
    model_mb = len(pickle.dumps(model)) / 1e6
    t_local, local = timed(lambda: uncertainty_analysis(gpi, **kw), args.repeats)
    rows = [("this process (`local`)", t_local, "", True)]
    for workers in (1, 2):
        t0 = time.perf_counter()
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                          host="127.0.0.1", dashboard_address=None) as cluster:  # fmt: skip
            start = time.perf_counter() - t0
            address = cluster.scheduler_address
            uncertainty_analysis(gpi, **{**kw, "n": args.block_size, "scheduler": address})
            t, remote = timed(
                lambda a=address: uncertainty_analysis(gpi, **{**kw, "scheduler": a}),
                args.repeats,
            )
        rows.append((f"{workers} worker process(es)", t, f"{start:.1f} s", same(local, remote)))
    pairs = args.n * n_ent * n_nodes
    print(f"`benchmarks/bench_distributed.py`, measured {date.today().isoformat()}.\n")
    print(
        f"govindex {govindex.__version__}, Python {platform.python_version()}, numpy "
        f"{np.__version__}, {os.cpu_count()} cores (shared; load average "
        f"{os.getloadavg()[0]:.1f} at the end); SYNTHETIC data: {n_ent} entities × "
        f"{len(gpi.catalog.indicators)} indicators ({n_nodes} nodes); {args.n} replications "
        f"in blocks of {args.block_size}; median of {args.repeats} runs.\n"
    )
    print("| where | wall time | cluster start | bit-identical to local |")
    print("|---|---:|---:|---|")
    for label, t, start, ok in rows:
        print(f"| {label} | {t:.2f} s | {start} | {ok} |")
    print(
        f"\nModel (built once by the caller): {t_model:.2f} s, {model_mb:.1f} MB pickled. "
        f"Per replication × entity × node: {1e9 * (t_local - t_model) / pairs:.1f} ns "
        "in this process (wall time less the model)."
    )


if __name__ == "__main__":
    main()
