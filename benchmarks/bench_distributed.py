"""Benchmarks on Dask: an uncertainty analysis and a batch run, in this process and on 1 and
2 worker processes.

**Replications** (default). Data: the bundled SYNTHETIC demo LEB panel (20 invented regions ×
50 indicators) with its entities copied ``--copies`` times, each copy's values scaled by
U(0.9, 1) (fixed seed): 20 · copies synthetic entities.

The analysis varies change rule {catalog, relative, slope} × aggregation {arithmetic,
geometric} × weights {catalog, equal} with ±25 % weight noise, ``n`` replications in
blocks of ``--block-size``. Timed: ``uncertainty_analysis`` with ``scheduler="local"`` and
on a ``distributed.LocalCluster`` of 1 and 2 worker processes (started before the clock
runs, one thread each, loopback only; their start-up is reported apart). Every distributed
result is checked bit for bit against the local one.

**Batch run** (``--batch``). Data: a SYNTHETIC GPI panel of ``--entities`` × ``--indicators``
× 4 years (random growth, fixed seed), written as a Parquet dataset partitioned by year
(``year=YYYY/part.parquet``, rows sorted by entity, row groups of 500 entities), a catalog
of 5 spheres and a run configuration with one GPI section (window 3, year 2025). Timed:
``run_batch`` in this process without an engine, in this process in chunks of
``--chunk`` entities (``chunk_entities``), and on a LocalCluster of 1 and 2 worker
processes with the same chunks (started before the clock). Reported: wall time, cluster
start-up, the peak resident memory of this process (the driver; ``VmHWM`` reset before each
run, Linux) and of the workers, and whether the Parquet files are byte-identical to those
of the run in this process.

Run from the repository root::

    .venv/bin/python benchmarks/bench_distributed.py [--copies 50] [--n 4096] [--repeats 3]
    .venv/bin/python benchmarks/bench_distributed.py --batch [--entities 20000] [--chunk 2500]
    .venv/bin/python benchmarks/bench_distributed.py --smoke    # both, tiny sizes (CI)

Prints a Markdown report (the numbers of docs/scaling.md).
"""

from __future__ import annotations

import argparse
import os
import pickle
import platform
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

import govindex
from govindex import Panel, performance_index
from govindex.analysis._replications import build_model
from govindex.analysis.uncertainty import UncertaintyResult, uncertainty_analysis
from govindex.datasets import load_demo
from govindex.indices.gpi import PerformanceResult
from govindex.io.batch import run_batch

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


def replications(copies: int, n: int, block_size: int, repeats: int) -> None:
    """The uncertainty-analysis benchmark (see the module docstring)."""
    from distributed import LocalCluster

    gpi = big_gpi(copies)
    n_ent, n_nodes = len(gpi.scores), len(gpi.catalog.codes)
    kw = {**OPTIONS, "n": n, "seed": 1, "block_size": block_size}
    t0 = time.perf_counter()
    model = build_model(gpi, change=OPTIONS["change"], normalization=None,
                        aggregation=OPTIONS["aggregation"], weights=OPTIONS["weights"],
                        tolerance=None, shift=1.0, imputation=None, node=None)  # fmt: skip
    t_model = time.perf_counter() - t0
    model_mb = len(pickle.dumps(model)) / 1e6
    t_local, local = timed(lambda: uncertainty_analysis(gpi, **kw), repeats)
    rows = [("this process (`local`)", t_local, "", True)]
    for workers in (1, 2):
        t0 = time.perf_counter()
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                          host="127.0.0.1", dashboard_address=None) as cluster:  # fmt: skip
            start = time.perf_counter() - t0
            address = cluster.scheduler_address
            uncertainty_analysis(gpi, **{**kw, "n": block_size, "scheduler": address})
            t, remote = timed(
                lambda a=address: uncertainty_analysis(gpi, **{**kw, "scheduler": a}),
                repeats,
            )
        rows.append((f"{workers} worker process(es)", t, f"{start:.1f} s", same(local, remote)))
    pairs = n * n_ent * n_nodes
    print(f"`benchmarks/bench_distributed.py`, measured {date.today().isoformat()}.\n")
    print(
        f"govindex {govindex.__version__}, Python {platform.python_version()}, numpy "
        f"{np.__version__}, {os.cpu_count()} cores (shared; load average "
        f"{os.getloadavg()[0]:.1f} at the end); SYNTHETIC data: {n_ent} entities × "
        f"{len(gpi.catalog.indicators)} indicators ({n_nodes} nodes); {n} replications "
        f"in blocks of {block_size}; median of {repeats} runs.\n"
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


# ----------------------------------------------------------------------------- batch run

BATCH_YEARS = (2022, 2023, 2024, 2025)


def batch_inputs(folder: Path, n_ent: int, n_ind: int) -> Path:
    """Write the SYNTHETIC Parquet dataset, catalog and configuration; the configuration."""
    rng = np.random.default_rng(20261203)
    entities = np.array([f"E{e:06d}" for e in range(n_ent)])
    indicators = np.array([f"I{i:03d}" for i in range(n_ind)])
    growth = rng.normal(0.01, 0.03, (n_ent, n_ind, len(BATCH_YEARS)))
    values = 100.0 * np.exp(np.cumsum(growth, axis=2))
    for k, year in enumerate(BATCH_YEARS):
        part = folder / "panel" / f"year={year}"
        part.mkdir(parents=True)
        table = pa.table({
            "entity": np.repeat(entities, n_ind),
            "indicator": np.tile(indicators, n_ent),
            "value": values[:, :, k].ravel(),
        })  # fmt: skip
        pq.write_table(table, part / "part.parquet", row_group_size=500 * n_ind)
    n_sph = min(5, n_ind)
    spheres = [f"S{k}" for k in range(n_sph)]
    pd.DataFrame({
        "code": ["GPI", *spheres, *indicators],
        "parent": ["", *["GPI"] * n_sph, *[spheres[i * n_sph // n_ind] for i in range(n_ind)]],
        "weight": 1.0,
        "direction": [None] * (n_sph + 1) + rng.choice([1, -1], n_ind).tolist(),
    }).to_csv(folder / "catalog.csv", index=False)  # fmt: skip
    config = folder / "run.toml"
    config.write_text(
        '# SYNTHETIC data\n[run]\nname = "benchmark (SYNTHETIC data)"\nyears = 2025\n\n'
        '[gpi.big]\npanel = "panel"\ncatalog = "catalog.csv"\nwindow = 3\n',
        encoding="utf-8",
    )
    return config


def peak_mb(reset: bool = False) -> float:
    """This process's peak resident memory (``VmHWM``) in MB, reset after reading if asked
    (Linux; NaN elsewhere)."""
    try:
        status = Path("/proc/self/status").read_text()
        if reset:
            Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return float("nan")
    line = next(x for x in status.splitlines() if x.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def parquet_bytes(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.parquet"))
    }


def batch(n_ent: int, n_ind: int, chunk: int, repeats: int) -> None:
    """The batch-run benchmark (see the module docstring), in a temporary folder."""
    work = Path(tempfile.mkdtemp(prefix="govindex-bench-batch-"))
    try:
        _batch(work, n_ent, n_ind, chunk, repeats)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _batch(work: Path, n_ent: int, n_ind: int, chunk: int, repeats: int) -> None:
    from distributed import Client, LocalCluster

    t0 = time.perf_counter()
    config = batch_inputs(work, n_ent, n_ind)
    t_data = time.perf_counter() - t0

    def one(label: str, **kw: Any) -> tuple[float, float, dict[str, bytes]]:
        times, peaks = [], []
        for k in range(repeats):
            out = work / f"out-{label}-{k}"
            peak_mb(reset=True)
            t = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                run_batch(config, output=out, progress=False, keep_results=False, **kw)
            times.append(time.perf_counter() - t)
            peaks.append(peak_mb())
        return statistics.median(times), max(peaks), parquet_bytes(out)

    rows = []
    t, peak, single = one("single")
    rows.append(("this process, no engine", t, "", peak, "", True))
    t, peak, files = one("chunked", chunk_entities=chunk)
    rows.append((f"this process, chunks of {chunk:,}", t, "", peak, "", files == single))
    for workers in (1, 2):
        t0 = time.perf_counter()
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                          host="127.0.0.1", dashboard_address=None) as cluster, \
                Client(cluster) as client:  # fmt: skip
            start = time.perf_counter() - t0
            address = cluster.scheduler_address
            t, peak, files = one(f"w{workers}", scheduler=address, chunk_entities=chunk)
            worker_peaks = sorted(client.run(peak_mb).values())
        label = f"{workers} worker process(es), chunks of {chunk:,}"
        w_text = " / ".join(f"{p:,.0f} MB" for p in worker_peaks)
        rows.append((label, t, f"{start:.1f} s", peak, w_text, files == single))
    n_chunks = -(-n_ent // chunk)
    print(f"`benchmarks/bench_distributed.py --batch`, measured {date.today().isoformat()}.\n")
    print(
        f"govindex {govindex.__version__}, Python {platform.python_version()}, numpy "
        f"{np.__version__}, {os.cpu_count()} cores (shared; load average "
        f"{os.getloadavg()[0]:.1f} at the end); SYNTHETIC data: one GPI section of "
        f"{n_ent:,} entities × {n_ind} indicators × {len(BATCH_YEARS)} years (window 3, "
        f"year 2025), a Parquet dataset by year ({len(single)} result files; written in "
        f"{t_data:.1f} s); {n_chunks} chunks of {chunk:,} entities; median of {repeats} "
        "run(s).\n"
    )
    print("| where | wall time | cluster start | peak memory: driver | workers | "
          "Parquet files byte-identical |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---|")
    for label, t, start, peak, w_text, ok in rows:
        print(f"| {label} | {t:.2f} s | {start} | {peak:,.0f} MB | {w_text} | {ok} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=50)
    parser.add_argument("--n", type=int, default=4096)
    parser.add_argument("--block-size", type=int, default=512)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch", action="store_true", help="the batch-run benchmark instead")
    parser.add_argument("--entities", type=int, default=20_000)
    parser.add_argument("--indicators", type=int, default=40)
    parser.add_argument("--chunk", type=int, default=2_500)
    parser.add_argument("--smoke", action="store_true", help="both benchmarks, tiny sizes (CI)")
    args = parser.parse_args()
    if args.smoke:
        replications(copies=2, n=64, block_size=32, repeats=1)
        batch(n_ent=200, n_ind=8, chunk=60, repeats=1)
    elif args.batch:
        batch(args.entities, args.indicators, args.chunk, args.repeats)
    else:
        replications(args.copies, args.n, args.block_size, args.repeats)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
