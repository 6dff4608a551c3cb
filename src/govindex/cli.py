"""Command-line interface: ``govindex --version``, ``govindex demo``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from govindex._version import __version__
from govindex.exceptions import GovindexError

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="govindex",
        description="Government performance indices: GPI, NPI, risk areas, operational scorecards.",
    )
    parser.add_argument("--version", action="version", version=f"govindex {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = sub.add_parser(
        "demo",
        help="run the assessment on the bundled SYNTHETIC demo data",
        description="Run GPI (local and central bodies), NPI, risk areas and the operational "
        "assessment on the bundled SYNTHETIC demo data; print summary tables and write "
        "charts (PNG) and results (Parquet).",
    )
    demo.add_argument("--out", default="govindex-demo", help="output folder (default: %(default)s)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``govindex`` console script; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        if args.command == "demo":
            from govindex.demo import run_demo

            run_demo(args.out)
            return 0
    except GovindexError as exc:
        print(f"govindex: error: {exc}", file=sys.stderr)
        return 1
    parser.error(f"unknown command {args.command!r}")
    return 2  # pragma: no cover


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
