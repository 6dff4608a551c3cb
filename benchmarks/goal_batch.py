"""The batch-run goal of issue 16: ``run_batch`` with three GPI sections against its floor.

Data: a SYNTHETIC Parquet file of ``E × I × 6`` years (2020–2025, plain string codes), one
catalog and a run configuration with three GPI sections of one window (5 years: all six years
are read) and three methods (relative changes; absolute changes; relative changes with a
coverage threshold of 0.5), assessment year 2025: scenarios of one assessment. Each
``run_batch`` runs in a fresh process, which reports its wall time and the peak memory the
run added. The floor, in this process: per
section a pyarrow read of the needed columns and years, a numpy dense array and the numpy
change-and-score pass of :func:`benchmarks.goals.gpi_floor`.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from benchmarks.goals import YEAR, Row, Sizes, alternated, gpi_floor, synthetic

WINDOW = 5
SECTIONS = {"relative": 'change = "relative"', "absolute": 'change = "absolute"',
            "coverage": 'change = "relative"\ncoverage = 0.5'}  # fmt: skip


def make_inputs(sizes: Sizes) -> tuple[Path, int]:
    """Write the Parquet panel, catalog and configuration once (kept in ``sizes.data``)."""
    n_e, n_i, n_y = sizes.batch
    folder = sizes.data / f"batch2_{n_e}x{n_i}x{n_y}"
    config = folder / "run.toml"
    if not config.exists():
        folder.mkdir(parents=True, exist_ok=True)
        frame, catalog = synthetic(n_e, n_i, n_y)
        table = pa.table({
            "entity": frame["entity"].astype("str").to_numpy(),
            "indicator": frame["indicator"].astype("str").to_numpy(),
            "year": frame["year"].to_numpy(),
            "value": frame["value"].to_numpy(),
        })  # fmt: skip
        pq.write_table(table, folder / "panel.parquet")
        catalog.to_csv(folder / "catalog.csv", index=False)
        sections = "".join(
            f'\n[gpi.{name}]\npanel = "panel.parquet"\ncatalog = "catalog.csv"\n'
            f"window = {WINDOW}\n{text}\n"
            for name, text in SECTIONS.items()
        )
        config.write_text(
            f'[run]\nname = "benchmark (SYNTHETIC data)"\noutput = "out"\nyears = {YEAR}\n'
            + sections
        )
    return config, n_e * n_i * n_y


_CHILD = textwrap.dedent(
    """
    import json, sys, time, warnings
    from pathlib import Path
    from benchmarks.goals import _status
    import pandas, pyarrow.parquet  # imported before the clock starts by every version
    import govindex, govindex.io.batch
    Path("/proc/self/clear_refs").write_text("5")
    before = _status("VmRSS")
    t0 = time.perf_counter()
    import inspect
    known = inspect.signature(govindex.run_batch).parameters  # as `govindex run` calls it
    reuse = {"reuse": True} if sys.argv[3:] == ["reuse"] else {}
    if "keep_results" in known:
        reuse["keep_results"] = False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = govindex.run_batch(sys.argv[1], output=sys.argv[2], progress=False, **reuse)
    seconds = time.perf_counter() - t0
    reused = len(getattr(out, "reused", []))
    print(json.dumps({"seconds": seconds, "peak": _status("VmHWM") - before, "reused": reused}))
    """
)


def _one_run(config: Path, reuse: bool = False) -> dict[str, float]:
    out = config.parent / "out"
    if not reuse:
        shutil.rmtree(out, ignore_errors=True)
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(config), str(out), *(["reuse"] if reuse else [])],
        check=True,
        capture_output=True,
        text=True,
        cwd=root,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _floor(config: Path) -> None:
    """pyarrow read of the needed columns and years + numpy GPI, once per section."""
    folder = config.parent
    catalog = pa.csv.read_csv(folder / "catalog.csv").to_pandas()
    leaves = catalog.loc[catalog["direction"].notna()]
    direction = leaves["direction"].to_numpy(dtype=np.float64)
    w = WINDOW
    for _ in SECTIONS:
        t = pq.read_table(
            folder / "panel.parquet",
            columns=["entity", "indicator", "year", "value"],
            filters=[("year", ">=", YEAR - w)],
        )
        e = pc.dictionary_encode(t["entity"]).combine_chunks()
        i = pc.dictionary_encode(t["indicator"]).combine_chunks()
        year = t["year"].to_numpy()
        values = np.full((len(e.dictionary), len(i.dictionary), w + 1), np.nan)
        values[e.indices.to_numpy(), i.indices.to_numpy(), year - (YEAR - w)] = t[
            "value"
        ].to_numpy()
        gpi_floor(values, direction, w)


def bench_batch(sizes: Sizes) -> list[Row]:
    import pyarrow.csv  # noqa: F401  (pa.csv in _floor)

    config, cells = make_inputs(sizes)
    runs: list[dict[str, float]] = []
    t = alternated(
        {"run": lambda: runs.append(_one_run(config)), "floor": lambda: _floor(config)},
        sizes.repeats,
    )
    seconds = [r["seconds"] for r in runs[1:]]  # the first run warmed the disk cache
    largest = cells * 8.0  # float64 dense array of the largest section (all six years)
    n_e, n_i, n_y = sizes.batch
    what = f"`run_batch` {n_e:,} × {n_i} × {n_y}, three GPI sections (window 5)"
    return [
        Row("batch", what, "s", seconds, t["floor"],
            "pyarrow read of the needed columns + numpy GPI, per section", "≤ 4× floor", 4.0),
        Row("batch_memory", f"{what}: peak memory added / dense input of the largest section "
            f"({largest / 1e6:,.0f} MB)", "x", [r["peak"] / largest for r in runs[1:]],
            goal="≤ 4×", limit=4.0),
    ]  # fmt: skip


def _hash_files(config: Path) -> None:
    """SHA-256 of the input panel and catalog and of every result file: the least a proof
    that nothing changed reads."""
    folder = config.parent
    for path in [folder / "panel.parquet", folder / "catalog.csv",
                 *sorted((folder / "out").glob("*/*.parquet"))]:  # fmt: skip
        hashlib.sha256(path.read_bytes()).hexdigest()


def bench_rerun(sizes: Sizes) -> list[Row]:
    """A re-run of the same configuration on unchanged inputs into the same output folder."""
    config, _cells = make_inputs(sizes)
    first = _one_run(config)  # the run to reuse (and the disk cache warmed)
    runs: list[dict[str, float]] = []
    t = alternated(
        {
            "run": lambda: runs.append(_one_run(config, reuse=True)),
            "floor": lambda: _hash_files(config),
        },
        sizes.repeats,
        warm=False,
    )
    n_e, n_i, n_y = sizes.batch
    reused = sorted({int(r["reused"]) for r in runs})
    return [
        Row("batch_rerun", f"`run_batch` {n_e:,} × {n_i} × {n_y} again, inputs and method "
            f"unchanged (sections reused: {', '.join(map(str, reused))} of {len(SECTIONS)}; "
            f"the first run: {first['seconds']:.1f} s, peak memory added "
            f"{first['peak'] / (n_e * n_i * n_y * 8.0):.1f}× the dense input)", "s",
            [r["seconds"] for r in runs], t["floor"],
            "SHA-256 of the input files and of every result file",
            "reuses what it proves unchanged", extra={"first": first}),
    ]  # fmt: skip
