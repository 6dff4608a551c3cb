"""Command-line interface.

``govindex --version`` · ``govindex demo [--out DIR]`` · ``govindex run CONFIG
[--years 2020:2025] [--out DIR]`` · ``govindex validate CONFIG`` · ``govindex diff OLD NEW`` ·
``govindex report CONFIG_OR_RESULTS --out DIR`` · ``govindex verify RESULTS``.
Every failure prints one clear line on standard error and exits with status 1
(2 for a wrong command line, 130 when interrupted); never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from govindex._version import __version__
from govindex.entities import LANGUAGES
from govindex.exceptions import GovindexError

__all__ = ["main"]


#: Every subcommand: (one-line description, an example).
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("run the whole assessment on the bundled demo data (synthetic and real)",
             "govindex demo --out govindex-demo"),
    "run": ("compute every index of a run configuration (TOML) and write Parquet results",
            "govindex run config.toml --years 2020:2025 --out results"),
    "validate": ("check a run's inputs and print a data-quality report (no computation)",
                 "govindex validate config.toml"),
    "diff": ("compare two run output folders: what moved, by how much, and why",
             "govindex diff results-2025-06 results"),
    "report": ("write HTML report pages (one per body + an overview) from a run",
               "govindex report results --out reports --lang ru"),
    "verify": ("check the audit trails and checksums of operational results",
               "govindex verify results"),
}  # fmt: skip


def _epilog() -> str:
    lines = ["examples (one per command):"]
    lines += [f"  {example}" for _what, example in COMMANDS.values()]
    lines.append("\n`govindex COMMAND --help` describes a command's options.")
    return "\n".join(lines)


def _sub(sub: Any, name: str, description: str) -> argparse.ArgumentParser:
    what, example = COMMANDS[name]
    parser: argparse.ArgumentParser = sub.add_parser(
        name, help=what, description=description, epilog=f"example: {example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    return parser


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="govindex",
        description="Government performance indices: GPI, NPI, risk areas, operational scorecards.",
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"govindex {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    demo = _sub(
        sub,
        "demo",
        "Run GPI (local and central bodies), NPI, risk areas and the operational "
        "assessment on the bundled SYNTHETIC demo data, and the NPI of Kazakhstan and the "
        "GPI of its regions on REAL data; print summary tables and write charts (PNG) and "
        "results (Parquet).",
    )
    demo.add_argument(
        "--out", default="govindex-demo", help="output folder (default: %(default)s)"
    )
    demo.add_argument("--lang", choices=LANGUAGES, default="en",
                      help="language of names and charts: en, ru or kk (default: en)")  # fmt: skip
    run = _sub(
        sub,
        "run",
        "Read the inputs of CONFIG, validate them, compute every configured "
        "index for every year and write Parquet results with provenance.",
    )
    run.add_argument("config", help="run configuration (TOML)")
    run.add_argument("--years", help="override the years, e.g. 2025, 2020:2025 or 2023,2025")
    run.add_argument("--out", help="override the output folder")
    run.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    run.add_argument(
        "--recompute",
        action="store_true",
        help="compute every section again, even those whose inputs, method and results are "
        "unchanged since the previous run in the output folder (reused by default)",
    )
    run.add_argument(
        "--scheduler",
        help="where to compute: local (this process, the default), processes:N (N worker "
        "processes) or tcp://HOST:PORT (a Dask scheduler); replaces [engine] scheduler",
    )
    run.add_argument(
        "--chunk-entities",
        type=int,
        metavar="N",
        help="split each GPI section into tasks of at most N entities (bounds a worker's "
        "memory); replaces [engine] chunk_entities",
    )
    val = _sub(
        sub,
        "validate",
        "Read and check the inputs of CONFIG without computing any index: "
        "coverage, gaps, duplicates, implausible jumps. Exit status 1 on errors.",
    )
    val.add_argument("config", help="run configuration (TOML)")
    val.add_argument("--years", help="override the years")
    dif = _sub(
        sub,
        "diff",
        "Which scores and ranks moved between two runs, by how much, and why "
        "(input revisions, method changes, driving indicators). Only the years and "
        "sections both runs hold are compared; the others are listed.",
    )
    dif.add_argument("old", help="output folder of the earlier run")
    dif.add_argument("new", help="output folder of the later run")
    dif.add_argument("--rows", type=int, default=20, help="rows to show (default: %(default)s)")
    rep = _sub(
        sub,
        "report",
        "Write one self-contained HTML page per body and an overview page (index.html) "
        "into --out, from the results stored in the run output folder RESULTS (checked "
        "against its manifest; the inputs are not read again), or from a run of CONFIG.",
    )
    rep.add_argument(
        "source", metavar="CONFIG_OR_RESULTS", help="run configuration (TOML) or run output folder"
    )
    rep.add_argument("--out", required=True, help="folder for the pages")
    rep.add_argument("--year", type=int, help="assessment year (default: the run's latest)")
    rep.add_argument("--no-charts", action="store_true", help="text-only pages (faster)")
    rep.add_argument("--lang", choices=LANGUAGES, default="en",
                     help="language of names and fixed texts: en, ru or kk (default: en)")  # fmt: skip
    ver = _sub(
        sub,
        "verify",
        "Check every operational audit trail (*events.parquet) under RESULTS: "
        "the hash chain of its events (an edited, removed or inserted event), its last hash "
        "against the tables written with it, and the checksums of manifest.json. "
        "Exit status 1 when anything is wrong.",
    )
    ver.add_argument("results", metavar="RESULTS", help="results folder or an events file")
    return parser


def _years(text: str | None) -> object:
    if text is None:
        return None
    if "," in text:
        try:
            return [int(t) for t in text.split(",") if t.strip()]
        except ValueError:
            raise GovindexError(
                f"cannot read --years {text!r}; expected e.g. 2025, 2020:2025 or 2023,2025"
            ) from None
    return text


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "demo":
        from govindex.demo import run_demo

        run_demo(args.out, lang=args.lang)
        return 0
    if args.command == "run":
        from govindex.io.batch import run_batch

        out = run_batch(
            args.config,
            years=_years(args.years),
            output=args.out,
            progress=False if args.quiet else None,
            reuse=not args.recompute,
            keep_results=False,  # each section and year written, then let go
            scheduler=args.scheduler,
            chunk_entities=args.chunk_entities,
        )
        if not args.quiet:
            cfg = out.config
            print(
                f"govindex run {cfg.name!r}: years {', '.join(map(str, cfg.years))}; "
                f"wrote {len(out.files)} result files and {out.manifest}"
            )
            if out.reused:
                print(
                    f"  reused from the previous run (inputs, method and results unchanged): "
                    f"{', '.join(out.reused)}"
                )
            for note in out.notes:
                print(f"  note: {note}")
        return 0
    if args.command == "validate":
        from govindex.analysis.quality import quality_report

        report = quality_report(args.config, years=_years(args.years))
        print(report.to_text())
        return 0 if report.ok else 1
    if args.command == "diff":
        from govindex.io.diff import diff_runs

        print(diff_runs(args.old, args.new).to_text(max_rows=args.rows))
        return 0
    if args.command == "report":
        from govindex.report.html import report_run

        pages = report_run(
            args.source, args.out, year=args.year, charts=not args.no_charts, lang=args.lang,
            progress_bar=None,  # on a terminal
        )  # fmt: skip
        print(f"govindex report: wrote {len(pages)} pages to {pages[0].parent} (open index.html)")
        return 0
    if args.command == "verify":
        from govindex.operational.audit import verify_results

        audit = verify_results(args.results)
        print(audit.to_text())
        return 0 if audit.ok else 1
    raise AssertionError(args.command)  # pragma: no cover - argparse rejects unknown commands


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``govindex`` console script; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return _dispatch(args)
    except (GovindexError, OSError) as exc:
        _fail(args.command, f"error: {exc}")
        return 1
    except KeyboardInterrupt:
        kept = "; the output folder still holds the previous results" * (
            args.command in ("run", "report")
        )
        _fail(args.command, f"interrupted{kept}")
        return 130
    except Exception as exc:  # a bug: still one line, never a traceback (#14)
        _fail(
            args.command,
            f"internal error: {type(exc).__name__}: {exc} (a bug in govindex: please report "
            "it with the command and its inputs)",
        )
        return 1


def _fail(command: str, message: str) -> None:
    """One line on standard error (a message of several lines is joined)."""
    text = " ".join(part.strip() for part in message.splitlines() if part.strip())
    print(f"govindex {command}: {text}", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
