"""Run every benchmark of govindex and rewrite ``benchmarks/RESULTS.md``.

From the repository root::

    python -m benchmarks                      # every benchmark, 5 runs each; prints the table
    python -m benchmarks --json after.json    # … and keeps the raw runs
    python -m benchmarks --write --before before.json --after after.json   # rewrite RESULTS.md
    python -m benchmarks --smoke              # tiny sizes, one run: seconds (CI)

``--before`` takes the raw runs of an earlier version of the library, measured with the same
script (``PYTHONPATH=/path/to/old/src python -m benchmarks --json before.json``). Several
``--json`` files of one side (runs alternated with the other side's) are pooled.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks.goal_batch import bench_batch, bench_rerun
from benchmarks.goals import ASEM, BENCHES, NEEDS_ASEM, SMOKE, Row, Sizes

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
ALL = {**BENCHES, "batch": bench_batch, "rerun": bench_rerun}


def machine() -> dict[str, Any]:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    import govindex

    try:
        load = os.getloadavg()
    except OSError:
        load = (float("nan"),) * 3
    return {
        "date": date.today().isoformat(),
        "cpu": f"{os.cpu_count()} cores ({platform.machine()}, {platform.processor() or 'cpu'})",
        "python": platform.python_version(),
        "versions": f"govindex {govindex.__version__}, numpy {np.__version__}, pandas "
        f"{pd.__version__}, pyarrow {pa.__version__}",
        "govindex_path": str(Path(govindex.__file__).parent),
        "load": [round(x, 2) for x in load],
    }


def run(names: list[str], sizes: Sizes) -> dict[str, Any]:
    rows: list[Row] = []
    loads = []
    for name in names:
        if name in NEEDS_ASEM and not ASEM.is_dir():
            print(f"… {name}: skipped, COINr's ASEM data not found at {ASEM}", file=sys.stderr)
            continue
        print(f"… {name}", file=sys.stderr, flush=True)
        rows += ALL[name](sizes)
        loads.append(os.getloadavg()[0])
    info = machine()
    info["load_during"] = [round(x, 2) for x in loads]
    return {"machine": info, "rows": [r.to_dict() for r in rows]}


def _pool(paths: list[str]) -> dict[str, Any]:
    """Runs of several JSON files of one side, pooled by row."""
    out: dict[str, Any] = {"machine": None, "rows": {}}
    for p in paths:
        data = json.loads(Path(p).read_text())
        out["machine"] = out["machine"] or data["machine"]
        out.setdefault("loads", []).extend(data["machine"].get("load_during", []))
        for r in data["rows"]:
            if r["key"] in out["rows"]:
                out["rows"][r["key"]]["runs"] += r["runs"]
                out["rows"][r["key"]]["floor"] += r["floor"]
            else:
                out["rows"][r["key"]] = dict(r)
    return out


def _fmt(value: float, unit: str) -> str:
    if unit == "x":
        return f"{value:.1f}×"
    if unit == "M/s":
        return f"{value:.1f} M/s"
    return f"{value * 1e3:,.1f} ms" if value < 1 else f"{value:,.2f} s"


def _cell(r: dict[str, Any] | None) -> str:
    if r is None:
        return "—"
    row = Row(**{k: r[k] for k in ("key", "what", "unit", "runs", "floor")})
    text = f"{_fmt(row.median, row.unit)} ({_fmt(min(row.runs), row.unit)}–{_fmt(max(row.runs), row.unit)})"
    if row.ratio is not None:
        text += f"; floor {_fmt(statistics.median(row.floor), 's')} → **{row.ratio:.1f}×**"
    return text


def table(after: dict[str, Any], before: dict[str, Any] | None) -> str:
    lines = [
        "| goal | what | before (main) | after | reached |",
        "|---|---|---|---|---|",
    ]
    for key, r in after["rows"].items():
        row = Row(**r)
        old = None if before is None else before["rows"].get(key)
        ok = {True: "yes", False: "**no**", None: ""}[row.reached]
        lines.append(f"| {r['goal']} | {r['what']} | {_cell(old)} | {_cell(r)} | {ok} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one run each")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--only", nargs="*", choices=sorted(ALL), help="run only these")
    parser.add_argument("--json", help="write the raw runs here")
    parser.add_argument("--after", nargs="*", default=[], help="raw runs to report (no run)")
    parser.add_argument("--before", nargs="*", default=[], help="raw runs of the version before")
    parser.add_argument("--write", action="store_true", help="rewrite benchmarks/RESULTS.md")
    args = parser.parse_args()
    if args.after:
        after = _pool(args.after)
    else:
        sizes = SMOKE if args.smoke else Sizes(repeats=args.repeats)
        data = run(args.only or list(ALL), sizes)
        if args.json:
            Path(args.json).write_text(json.dumps(data, indent=1))
        after = _pool([args.json]) if args.json else {
            "machine": data["machine"], "rows": {r["key"]: r for r in data["rows"]},
            "loads": data["machine"]["load_during"],
        }  # fmt: skip
    before = _pool(args.before) if args.before else None
    text = table(after, before)
    print(text)
    if args.write:
        from benchmarks.report import write_results

        write_results(RESULTS, after, before, text)


if __name__ == "__main__":
    main()
