"""Rewrite the generated part of ``benchmarks/RESULTS.md`` (``python -m benchmarks --write``).

The file starts with the section this module writes (the goals' table with the machine, the
repeat counts, medians, min–max and the same-run floors) and ends with hand-written reading
and the history of earlier measurements, which are kept as they are: everything after the
line :data:`END`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

END = "<!-- end of the generated section: everything below is kept by `--write` -->"

HEADER = """\
# Benchmark results

Benchmarks are not part of the test suite; nothing in CI asserts a time (CI runs
`python -m benchmarks --smoke`, tiny sizes, to check that they still run). The section down to
the marker below is written by `python -m benchmarks --write` from the raw runs; the
reading of the figures and older measurements follow it.
"""


def _machine(side: dict[str, Any], label: str) -> str:
    m = side["machine"]
    loads = side.get("loads") or m.get("load_during", [])
    load = f"{min(loads):.1f}–{max(loads):.1f}" if loads else "unknown"
    return (
        f"- **{label}**: {m['date']}, {m['cpu']}, Python {m['python']}, {m['versions']}; "
        f"load average (1 min) after each benchmark {load} on {os.cpu_count()} cores "
        "(the machine was shared)."
    )


def _repeats(side: dict[str, Any]) -> str:
    counts = sorted({len(r["runs"]) for r in side["rows"].values()})
    return ", ".join(map(str, counts))


def write_results(
    path: Path, after: dict[str, Any], before: dict[str, Any] | None, table: str
) -> None:
    """Replace the generated section of ``path`` with ``table`` and the machines' details."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    kept = old.split(END, 1)[1].lstrip("\n") if END in old else old.split("\n", 1)[-1]
    if END not in old and kept:
        kept = "## Earlier measurements (kept as they were)\n\n" + kept.lstrip("\n")
    floors = {r["key"]: r["floor_what"] for r in after["rows"].values() if r["floor_what"]}
    lines = [
        HEADER,
        f"## The goals of issue 16 — {after['machine']['date']}",
        "",
        "Each cell: the median of the runs, min–max in brackets, then the median of the floor "
        "(a plain numpy/pyarrow pass doing the least the step must do, timed in the same run, "
        "alternated with the runs) and the ratio of the medians. Memory rows: peak resident "
        "memory added (`VmHWM` after resetting it) divided by the dense float64 input. Data: "
        "SYNTHETIC panels (random growth, fixed seeds) and COINr's ASEM example (real).",
        "",
        _machine(after, "after") + f" Runs per row: {_repeats(after)}.",
    ]
    if before is not None:
        lines.append(
            _machine(before, "before (main, same script)") + f" Runs per row: {_repeats(before)}."
        )
    lines += ["", table, "", "Floors:", ""]
    lines += [f"- `{key}`: {what}" for key, what in floors.items()]
    text = "\n".join(lines) + "\n\n" + END + "\n\n" + kept
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
