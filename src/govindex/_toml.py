"""TOML text and files, parsed with one set of errors.

Run configurations, TOML catalogs and operational scorecards are read here: a syntax
error, a file that is not UTF-8 text, or brackets nested thousands of levels deep (which
exhausts Python's recursion limit) is the caller's :class:`~govindex.exceptions.GovindexError`
subclass, naming the file.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from govindex.exceptions import GovindexError

__all__ = ["load_toml", "parse_toml"]


def parse_toml(text: str, error: type[GovindexError], what: str) -> dict[str, Any]:
    """Parse TOML ``text``; any failure is ``error`` naming ``what`` (e.g. "scorecard 'x'").

    Examples
    --------
    >>> from govindex.exceptions import ConfigError
    >>> parse_toml("a = 1", ConfigError, "test")
    {'a': 1}
    >>> parse_toml("a = " + "[" * 5000, ConfigError, "test")
    Traceback (most recent call last):
    ...
    govindex.exceptions.ConfigError: cannot parse test: nested too deeply ...
    """
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"cannot parse {what}: the text is not valid TOML ({exc})") from None
    except RecursionError:
        raise error(
            f"cannot parse {what}: nested too deeply (brackets or tables inside each other "
            "thousands of levels deep); is it the right file?"
        ) from None


def load_toml(
    path: str | os.PathLike[str], error: type[GovindexError], what: str
) -> dict[str, Any]:
    """Read and parse a TOML file (UTF-8); any failure is ``error`` naming ``what`` and the file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError) as exc:
        raise error(f"cannot parse {what} {p.name!r}: {exc}") from None
    return parse_toml(text, error, f"{what} {p.name!r}")
