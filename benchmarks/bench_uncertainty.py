"""Benchmark of the Monte-Carlo uncertainty analysis (issue 6 item 5) and the Sobol analysis.

Data: the bundled SYNTHETIC demo LEB index (20 invented regions × 50 indicators, root
``GPI_LEB`` with 9 spheres), assessment year 2025.

Factors (all varied at once): change rule {catalog, relative, absolute, slope} ×
score {progress, minmax, percentile_rank} × aggregation {arithmetic, geometric} ×
weights {catalog, equal, pca} × tolerance factor {0.5, 1, 2}, weight noise ±25 %,
``shift=1`` (so the geometric mean of 0–100 scores is defined).

* **vectorised**: ``uncertainty_analysis(..., n=10_000)``, wall time including the
  precomputation (4 GPI runs, PCA weights) and the result tables; median of
  ``--repeats``.
* **loop**: the same replications one at a time, each with a full
  ``PerformanceResult.regenerate`` (changes, caps, classes, scores, tables) under the
  replication's change rule, a catalog with the replication's weights, then the
  replication's score and aggregation (``govindex.indices.composite.rollup``). Timed on the first
  ``--loop`` replications and **extrapolated** linearly to 10,000; its scores are
  compared with the vectorised ones (must agree to 1e-9).

Run from the repository root::

    /work/venv/bin/python benchmarks/bench_uncertainty.py [--repeats 3] [--loop 100]

Prints a Markdown report for ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
import warnings
from typing import Any

import numpy as np
import pandas as pd

import govindex
from govindex import Catalog, performance_index
from govindex.analysis._replications import build_model
from govindex.analysis.uncertainty import UncertaintyResult, uncertainty_analysis
from govindex.datasets import load_demo
from govindex.indices.composite import rollup
from govindex.indices.gpi import PerformanceResult
from govindex.normalize import NORMALIZERS

OPTIONS: dict[str, Any] = {
    "change": ("catalog", "relative", "absolute", "slope"),
    "normalization": ("progress", "minmax", "percentile_rank"),
    "aggregation": ("arithmetic", "geometric"),
    "weights": ("catalog", "equal", "pca"),
    "tolerance": (0.5, 1.0, 2.0),
    "weight_noise": 0.25,
    "shift": 1.0,
}


def loop_replication(gpi: PerformanceResult, ua: UncertaintyResult, r: int) -> np.ndarray:
    """One replication recomputed from scratch (regenerate + rollup)."""
    d = ua.design.iloc[r]
    frame = gpi.catalog.to_frame()
    frame["weight"] = ua.weights.iloc[r].reindex(frame["code"]).to_numpy()
    weighted = Catalog.from_frame(frame)  # the full GPI run uses the replication's weights
    frame.loc[~frame["code"].isin(gpi.catalog.indicators), "aggregation"] = d["aggregation"]
    cat = Catalog.from_frame(frame)  # (a geometric GPI of 0-100 scores needs the shift first)
    run = gpi.regenerate(override_change=None if d["change"] == "catalog" else d["change"],
                         catalog=weighted)  # fmt: skip
    leaves = gpi.catalog.indicators
    if d["normalization"] == "progress":
        leaf = run.node_scores[leaves].to_numpy()
    else:
        g = run.changes.pivot(index="entity", columns="indicator", values="change")
        g = g.reindex(index=gpi.scores.index, columns=leaves).to_numpy()
        leaf = NORMALIZERS[d["normalization"]](g, np.ones(len(leaves)))
    nodes, _, _ = rollup(leaf + OPTIONS["shift"], cat, leaves, aggregation=d["aggregation"],
                         coverage=gpi.method.coverage)  # fmt: skip
    return nodes[:, cat.codes.index("GPI_LEB")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--loop", type=int, default=100)
    parser.add_argument("--n", type=int, default=10_000)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    panel, catalog = load_demo("leb")  # SYNTHETIC demo data
    gpi = performance_index(panel, catalog, year=2025)
    t0 = time.perf_counter()
    performance_index(panel, catalog, year=2025)
    one_run = time.perf_counter() - t0

    times, ua = [], None
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        ua = uncertainty_analysis(gpi, n=args.n, seed=2026, **OPTIONS)
        times.append(time.perf_counter() - t0)
    assert ua is not None
    vec = statistics.median(times)
    kw = {k: v for k, v in OPTIONS.items() if k != "weight_noise"}
    t0 = time.perf_counter()
    build_model(gpi, imputation=None, node=None, **kw)
    precompute = time.perf_counter() - t0

    loop_times, max_diff = [], 0.0
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        rows = [loop_replication(gpi, ua, r) for r in range(args.loop)]
        loop_times.append(time.perf_counter() - t0)
    loop = statistics.median(loop_times)
    diff = np.abs(np.vstack(rows) - ua.scores.to_numpy()[: args.loop])
    max_diff = float(np.nanmax(diff))
    nan_match = bool(
        np.array_equal(np.isnan(np.vstack(rows)), ua.scores.isna().to_numpy()[: args.loop])
    )
    loop_total = loop / args.loop * args.n

    print(
        "## Uncertainty analysis\n\n`benchmarks/bench_uncertainty.py`, measured "
        f"{pd.Timestamp.today():%Y-%m-%d}.\n"
    )
    print(f"govindex {govindex.__version__}, Python {platform.python_version()}, numpy "
          f"{np.__version__}, pandas {pd.__version__}, {os.cpu_count()} cores; SYNTHETIC demo "
          "LEB data (20 regions × 50 indicators); median of "
          f"{args.repeats} runs.\n")  # fmt: skip
    print("| what | wall time | per replication |")
    print("|---|---:|---:|")
    print(f"| vectorised `uncertainty_analysis`, {args.n:,} replications (all factors) | "
          f"{vec:.2f} s | {vec / args.n * 1e6:.0f} µs |")  # fmt: skip
    print(f"| … of which precomputation (4 GPI runs, PCA weights) | {precompute:.2f} s | |")
    print(f"| loop (regenerate + rollup per replication), {args.loop} replications measured | "
          f"{loop:.2f} s | {loop / args.loop * 1e3:.1f} ms |")  # fmt: skip
    print(f"| loop extrapolated to {args.n:,} replications | {loop_total:.0f} s | |")
    print(f"| one `performance_index` call (reference) | {one_run * 1e3:.0f} ms | |\n")
    print(f"Speed-up ≈ {loop_total / vec:.0f}×. Vectorised vs loop on the {args.loop} looped "
          f"replications: max |Δ score| = {max_diff:.1e}, NaN pattern identical: {nan_match}. "
          f"All vectorised runs: {', '.join(f'{t:.2f}' for t in times)} s.")  # fmt: skip


if __name__ == "__main__":
    main()
