"""Benchmark of a batch run (:func:`govindex.run_batch`, ``govindex run``) on a hive-partitioned
Parquet dataset, against a plain-pandas batch over the same data.

Data: the SYNTHETIC panel of ``bench_gpi.synthetic`` (10,000 entities × 200 indicators,
random yearly growth, fixed seed, 1 % of cells missing, one tree GPI → 10 spheres (weights
1…10) → 20 indicators each, random directions), 14 years 2012–2025, written once with
``pyarrow.dataset.write_dataset`` partitioned by year (``year=2012/ … year=2025/``) with plain
string columns, plus its catalog (CSV) and a run configuration ``[gpi.synthetic]`` with
``years = "2016:2025"`` (a 10-year batch: windows 2013–2016 … 2022–2025).

Timed, each in a fresh process (so that ``ru_maxrss`` is the peak of that step alone; imports
not timed):

* ``govindex.run_batch`` — partition-filtered read (years 2013–2025, catalog indicators), Panel,
  10 GPIs, Parquet results (scores, changes, risks per year) and manifest;
* plain pandas — ``pd.read_parquet(folder)`` of everything, then per year the default GPI
  with ``groupby`` (first/last observed value in the window, CAGR over the actual span,
  s = 50 + 50·clip(g/0.05), mean per sphere, weighted mean of spheres); writes nothing;
* the reads alone: govindex's ``read_panel_rows`` for the years of the 10-year batch and
  for a single assessment year (2022–2025, 4 of 14 partitions), vs ``pd.read_parquet`` of
  everything.

The GPI of 50 sampled entities × 10 years must agree between govindex and pandas to 1e-9.

Run from the repository root (≈ 10 GB of RAM at the default size)::

    /work/venv/bin/python benchmarks/bench_batch.py [--repeats 3] [--entities 10000]
        [--indicators 200] [--data DIR] [--profile]

Prints a Markdown report; paste it into ``benchmarks/RESULTS.md`` (section "Batch runs").
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_gpi import synthetic  # the SYNTHETIC generator shared with bench_gpi

FIRST, LAST, T_FIRST, T_LAST, WINDOW = 2012, 2025, 2016, 2025, 3
SAMPLE = 50

CONFIG = """\
# SYNTHETIC benchmark data (benchmarks/bench_batch.py)
[run]
name = "bench (SYNTHETIC data)"
years = "{first}:{last}"

[gpi.synthetic]
panel = "panel"
catalog = "catalog.csv"
window = {window}
"""


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# --------------------------------------------------------------------------- data


def build(folder: Path, n_ent: int, n_ind: int) -> dict[str, Any]:
    """Write the SYNTHETIC hive-partitioned dataset, its catalog and the run configuration."""
    import pyarrow as pa
    import pyarrow.dataset as ds

    t0 = time.perf_counter()
    frame, catalog = synthetic(n_ent, n_ind, LAST - FIRST + 1)
    table = pa.table({
        "entity": pa.array(frame["entity"].astype(str).to_numpy(), type=pa.string()),
        "indicator": pa.array(frame["indicator"].astype(str).to_numpy(), type=pa.string()),
        "year": pa.array(frame["year"].to_numpy(), type=pa.int64()),
        "value": pa.array(frame["value"].to_numpy(), type=pa.float64()),
    })  # fmt: skip
    table = table.replace_schema_metadata({b"govindex": b'{"synthetic": true}'})
    ds.write_dataset(table, folder / "panel", format="parquet", partitioning=["year"],
                     partitioning_flavor="hive", max_rows_per_group=1 << 20)  # fmt: skip
    catalog.to_csv(folder / "catalog.csv", index=False)
    (folder / "run.toml").write_text(
        CONFIG.format(first=T_FIRST, last=T_LAST, window=WINDOW), encoding="utf-8"
    )
    size = sum(f.stat().st_size for f in (folder / "panel").rglob("*.parquet"))
    return {"rows": len(frame), "seconds": time.perf_counter() - t0, "bytes": size}


def _sample(folder: Path) -> list[str]:
    rng = np.random.default_rng(7)
    n_ent = int(json.loads((folder / "meta.json").read_text())["entities"])
    return sorted(f"E{e:05d}" for e in rng.choice(n_ent, SAMPLE, replace=False))


# --------------------------------------------------------------------------- workers


def pandas_batch(folder: Path) -> dict[int, pd.Series]:
    """Read everything with pandas and compute the default GPI for every year with groupby."""
    frame = pd.read_parquet(folder / "panel")
    frame["year"] = frame["year"].astype("int64")  # the partition column comes back categorical
    cat = pd.read_csv(folder / "catalog.csv", dtype={"code": str, "parent": str})
    leaves = cat.loc[cat["direction"].notna()].set_index("code")
    spheres = cat.loc[cat["parent"] == "GPI"].set_index("code")["weight"]
    frame = frame.loc[frame["value"].notna() & frame["indicator"].isin(leaves.index)]
    frame = frame.sort_values(["entity", "indicator", "year"], kind="stable")
    out = {}
    for t in range(T_FIRST, T_LAST + 1):
        win = frame.loc[frame["year"].between(t - WINDOW, t)]
        g = win.groupby(["entity", "indicator"], sort=False).agg(
            x0=("value", "first"), x1=("value", "last"), y0=("year", "min"), y1=("year", "max"),
            n=("value", "size"),
        ).reset_index()  # fmt: skip
        span = g["y1"] - g["y0"]
        g = g.loc[(g["n"] >= 2) & (span >= 2)]
        d = g["indicator"].map(leaves["direction"].astype(float))
        growth = d * ((g["x1"] / g["x0"]) ** (1.0 / (g["y1"] - g["y0"])) - 1.0)
        g = g.assign(
            score=50.0 + 50.0 * (growth / 0.05).clip(-1.0, 1.0),
            sphere=g["indicator"].map(leaves["parent"]),
        )
        sph = g.groupby(["entity", "sphere"])["score"].mean().reset_index()
        sph["w"] = sph["sphere"].map(spheres)
        sph["ws"] = sph["w"] * sph["score"]
        root = sph.groupby("entity")[["ws", "w"]].sum()
        out[t] = root["ws"] / root["w"]
    return out


def worker(mode: str, folder: Path) -> dict[str, Any]:
    """One timed step in this (fresh) process; returns timings, peak memory and a GPI sample."""
    from govindex.io.batch import run_batch as run
    from govindex.io.read import read_catalog, read_panel_rows

    indicators = read_catalog(folder / "catalog.csv").indicators
    sample = _sample(folder)
    result: dict[str, Any] = {"mode": mode, "rss_before_mb": _maxrss_mb()}
    t0 = time.perf_counter()
    if mode == "govindex_run":
        out_dir = Path(tempfile.mkdtemp(dir=folder, prefix="out-"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = run(folder / "run.toml", output=out_dir, progress=False)
        result["seconds"] = time.perf_counter() - t0
        result["files"] = len(out.files)
        result["output_mb"] = sum(f.stat().st_size for f in out.files) / 2**20
        result["sample"] = {
            str(t): out.results[("gpi", "synthetic", t)].scores["gpi"].reindex(sample).tolist()
            for t in range(T_FIRST, T_LAST + 1)
        }
        shutil.rmtree(out_dir)
    elif mode == "pandas_batch":
        gpi = pandas_batch(folder)
        result["seconds"] = time.perf_counter() - t0
        result["sample"] = {str(t): s.reindex(sample).tolist() for t, s in gpi.items()}
    elif mode == "read_govindex_batch":
        years = range(T_FIRST - WINDOW, T_LAST + 1)
        frame = read_panel_rows(folder / "panel", years=years, indicators=indicators)
        result["seconds"], result["rows"] = time.perf_counter() - t0, len(frame)
    elif mode == "read_govindex_one_year":
        frame = read_panel_rows(folder / "panel", years=range(T_LAST - WINDOW, T_LAST + 1),
                                  indicators=indicators)  # fmt: skip
        result["seconds"], result["rows"] = time.perf_counter() - t0, len(frame)
    elif mode == "read_pandas_all":
        frame = pd.read_parquet(folder / "panel")
        result["seconds"], result["rows"] = time.perf_counter() - t0, len(frame)
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    result["maxrss_mb"] = _maxrss_mb()
    return result


def profile(folder: Path) -> str:
    """cProfile of one ``govindex.run_batch``: the 20 functions with the largest cumulative time."""
    import cProfile
    import io
    import pstats

    from govindex.io.batch import run_batch as run

    out_dir = Path(tempfile.mkdtemp(dir=folder, prefix="prof-"))
    prof = cProfile.Profile()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prof.runcall(run, folder / "run.toml", output=out_dir, progress=False)
    shutil.rmtree(out_dir)
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(25)
    return buf.getvalue()


# --------------------------------------------------------------------------- driver


def _spawn(mode: str, folder: Path) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, __file__, "--worker", mode, "--data", str(folder)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if proc.returncode != 0:
        raise RuntimeError(f"worker {mode} failed:\n{proc.stderr}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--entities", type=int, default=10_000)
    ap.add_argument("--indicators", type=int, default=200)
    ap.add_argument("--data", type=Path, help="folder for the dataset (default: a temp folder)")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument(
        "--profile", action="store_true", help="also print a cProfile of govindex.run_batch"
    )
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.data)))
        return

    tmp = None
    folder = args.data
    if folder is None:
        tmp = tempfile.mkdtemp(prefix="govindex-bench-batch-")
        folder = Path(tmp)
    folder.mkdir(parents=True, exist_ok=True)
    meta_path = folder / "meta.json"
    meta = json.loads(meta_path.read_text()) if meta_path.is_file() else {}
    if meta.get("entities") != args.entities or meta.get("indicators") != args.indicators:
        shutil.rmtree(folder / "panel", ignore_errors=True)
        info = build(folder, args.entities, args.indicators)
        meta = {"entities": args.entities, "indicators": args.indicators, **info}
        meta_path.write_text(json.dumps(meta))
    try:
        modes = ["govindex_run", "pandas_batch", "read_govindex_batch", "read_govindex_one_year",
                 "read_pandas_all"]  # fmt: skip
        runs: dict[str, list[dict[str, Any]]] = {m: [] for m in modes}
        for _ in range(args.repeats):
            for m in modes:
                runs[m].append(_spawn(m, folder))
                print(f"  {m}: {runs[m][-1]['seconds']:.2f} s", file=sys.stderr)
        a = np.array(
            [runs["govindex_run"][0]["sample"][str(t)] for t in range(T_FIRST, T_LAST + 1)]
        )
        b = np.array(
            [runs["pandas_batch"][0]["sample"][str(t)] for t in range(T_FIRST, T_LAST + 1)]
        )
        both = ~np.isnan(a) & ~np.isnan(b)
        max_diff = float(np.max(np.abs(a[both] - b[both])))
        assert (np.isnan(a) == np.isnan(b)).all(), "GPI missing in one implementation only"
        assert max_diff < 1e-9, f"GPI differs by {max_diff:.3g}"

        def med(m: str, key: str = "seconds") -> float:
            return statistics.median(r[key] for r in runs[m])

        rows = [
            (
                "`govindex.run_batch` (read + 10 GPIs + write 30 Parquet files + manifest)",
                "govindex_run",
            ),
            ("plain pandas (read all + 10 GPIs with groupby, no output)", "pandas_batch"),
            ("read: govindex, years 2013–2025 (13 of 14 partitions)", "read_govindex_batch"),
            ("read: govindex, years 2022–2025 (4 of 14 partitions)", "read_govindex_one_year"),
            ("read: `pd.read_parquet(folder)`, everything", "read_pandas_all"),
        ]
        print(f"Date: {date.today().isoformat()} · machine: {platform.machine()}, "
              f"{os.cpu_count()} cores, Python {platform.python_version()}, "
              f"numpy {np.__version__}, pandas {pd.__version__} · repeats: {args.repeats} "
              "(median; each step in a fresh process)\n")  # fmt: skip
        print(f"Data: {meta['rows']:,} rows ({args.entities:,} entities × {args.indicators} "
              f"indicators × {LAST - FIRST + 1} years, 1 % missing), hive-partitioned by year, "
              f"{meta['bytes'] / 2**20:.0f} MB of Parquet "
              f"(built in {meta['seconds']:.0f} s)\n")  # fmt: skip
        print("| step | median time (s) | peak RSS (MB) |")
        print("|---|---:|---:|")
        for label, m in rows:
            print(f"| {label} | {med(m):.2f} | {med(m, 'maxrss_mb'):,.0f} |")
        ratio = med("govindex_run") / med("pandas_batch")
        print(f"\ngovindex.run_batch / pandas: {ratio:.2f}× the time; read alone (13 partitions): "
              f"{med('read_govindex_batch') / med('read_pandas_all'):.2f}× of reading everything; "
              f"one year's window (4 partitions): "
              f"{med('read_govindex_one_year') / med('read_pandas_all'):.2f}×.")  # fmt: skip
        print(f"govindex.run_batch wrote {runs['govindex_run'][0]['files']} files "
              f"({runs['govindex_run'][0]['output_mb']:.0f} MB).")  # fmt: skip
        print(f"GPI agreement, {SAMPLE} entities × 10 years: max |Δ| = {max_diff:.2e} "
              f"({int(both.sum())} values; {int((~both).sum())} missing in both)")  # fmt: skip
        if args.profile:
            print("\n```\n" + profile(folder) + "```")
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
