"""The values of a run configuration, checked: the helpers of :mod:`govindex.io.config`.

Each function checks one kind of value of a parsed TOML table (a method's parameters, the
keys of a table, section names, file paths, lists of codes, words for a missing value,
dates, values given per year) and raises a :class:`~govindex.exceptions.ConfigError`
naming the section and the key.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from govindex.exceptions import ConfigError, GovindexError, closest_name, format_items
from govindex.methods import Method
from govindex.panel import MAX_YEAR_SPAN

__all__ = [
    "check_keys",
    "code_list",
    "date_of",
    "describe",
    "existing_file",
    "fits",
    "method_from",
    "na_values_of",
    "named_sections",
    "per_year",
    "read_optional",
    "section_name",
    "table_of",
]

M = TypeVar("M", bound=Method)
T = TypeVar("T")
#: A section name becomes part of file names: one path component, letters and digits.
_SECTION_NAME = re.compile(r"\w[\w.-]{0,63}")


def method_from(cls: type[M], written: Mapping[str, Any], where: str) -> M:
    """The method object of a configuration table; a bad parameter is a ConfigError."""
    hints = typing.get_type_hints(cls)
    for key, value in written.items():
        if key in hints and not fits(value, hints[key]):
            raise ConfigError(
                f"[{where}] {key} = {value!r} is not {describe(hints[key])}; see the "
                f"parameters of {cls.__name__}"
            )
    if "window" in written and written["window"] > MAX_YEAR_SPAN:
        raise ConfigError(
            f"[{where}] window = {written['window']} years is longer than any panel "
            f"(at most {MAX_YEAR_SPAN} years); the GPI's window is e.g. 3"
        )
    try:
        return cls.from_dict(written)
    except GovindexError as exc:
        raise ConfigError(f"[{where}] {exc}") from None


def fits(value: object, hint: Any) -> bool:
    """Whether a TOML value can stand for a parameter of type ``hint`` (arrays for tuples)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return True
    if origin in (typing.Union, types.UnionType):
        return any(fits(value, a) for a in args)
    if origin is typing.Literal:  # the right type; the method names the allowed values
        return any(type(value) is type(a) for a in args)
    if hint is type(None):
        return value is None
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is str:
        return isinstance(value, str)
    if origin is tuple:
        if not isinstance(value, list | tuple):
            return False
        if len(args) == 2 and args[1] is Ellipsis:
            return all(fits(v, args[0]) for v in value)
        return len(value) == len(args) and all(
            fits(v, a) for v, a in zip(value, args, strict=True)
        )
    if origin in (Mapping, dict):
        return isinstance(value, dict)
    return True  # a type this check does not know: the method's own validation decides


def describe(hint: Any) -> str:
    """``hint`` in words, for an error message."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(describe(a) for a in args if a is not type(None))
    if origin is typing.Literal:
        return f"one of {format_items(args)}"  # pragma: no cover - the method's check names them
    if origin is tuple:
        plural = {bool: "true/false values", int: "integers", float: "numbers", str: "texts"}
        what = plural.get(args[0], str(args[0]))
        return f"a list of {what}" if args[-1] is Ellipsis else f"a list of {len(args)} {what}"
    if origin in (Mapping, dict):
        return "a table"
    names = {bool: "true or false", int: "an integer", float: "a number", str: "a text"}
    return names.get(hint, str(hint))


def table_of(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"[{where}] must be a table; got {type(value).__name__}")
    return value


def check_keys(
    table: Mapping[str, Any], where: str, allowed: tuple[str, ...], required: tuple[str, ...] = ()
) -> None:
    unknown = [k for k in table if k not in allowed]
    if unknown:
        named = ", ".join(
            f"{k!r}" + (f" (did you mean {hint!r}?)" if (hint := closest_name(k, allowed)) else "")
            for k in unknown
        )
        raise ConfigError(
            f"[{where}] unknown key(s) {named}; allowed: {format_items(allowed, limit=50)}"
        )
    missing = [k for k in required if k not in table]
    if missing:
        raise ConfigError(f"[{where}] missing required key(s) {format_items(missing)}")


def named_sections(
    value: object, kind: str, single_keys: tuple[str, ...] = ()
) -> list[tuple[str, dict[str, Any]]]:
    if value is None:
        return []
    table = table_of(value, kind)
    if single_keys and any(k in table for k in single_keys):
        return [(kind, table)]
    out = []
    for name, sub in table.items():
        if not isinstance(sub, dict):
            raise ConfigError(
                f"[{kind}.{name}] must be a table (e.g. [{kind}.local] with panel = ...); got {sub!r}"
            )
        out.append((section_name(kind, str(name)), sub))
    if not out:
        raise ConfigError(f"[{kind}] has no computations; add e.g. [{kind}.local]")
    folded = [n.casefold() for n, _ in out]
    clash = sorted(
        {n for n, f in zip([n for n, _ in out], folded, strict=True) if folded.count(f) > 1}
    )
    if clash:
        raise ConfigError(
            f"[{kind}] names {format_items(clash)} differ only in upper/lower case; their "
            "files would be one file on Windows and macOS: rename one"
        )
    return out


def section_name(kind: str, name: str) -> str:
    """A section name, checked: it becomes part of the result files' names."""
    if not _SECTION_NAME.fullmatch(name) or ".." in name:
        raise ConfigError(
            f"[{kind}.{name!r}] a section name becomes part of file names; use letters, "
            "digits, '_', '-' and '.' (no '/', '\\' or '..'), at most 64 characters"
        )
    return name


def existing_file(base: Path, value: object, where: str, key: str) -> Path:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"[{where}] {key} must be a file path; got {value!r}")
    path = base / value
    if not path.exists():
        raise ConfigError(f"[{where}] {key} file not found: {path}")
    return path


def code_list(t: Mapping[str, Any], key: str, where: str, what: str) -> tuple[str, ...] | None:
    value = t.get(key)
    if value is None:
        return None
    if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        raise ConfigError(f"[{where}] {key} must be a list of {what}; got {value!r}")
    return tuple(value)


def na_values_of(t: Mapping[str, Any], where: str) -> tuple[str, ...]:
    words = t.get("na_values", [])
    if not (isinstance(words, list) and all(isinstance(w, str) for w in words)):
        raise ConfigError(
            f"[{where}] na_values must be a list of words, e.g. na_values = ['NA']; got {words!r}"
        )
    return tuple(words)


def date_of(value: object, where: str, key: str) -> dt.date:
    from govindex.operational._dates import as_date

    try:
        return as_date(value, key)
    except GovindexError as exc:
        raise ConfigError(f"[{where}] {exc}") from None


def per_year(
    value: object, where: str, key: str, one: Callable[[Any, str], Any]
) -> dict[Any, Any]:
    """``key = value`` for the section's one year, or ``key = { 2019 = value, ... }``."""
    single = not isinstance(value, dict) or (key == "commission" and "decided_on" in value)
    if single:
        return {None: one(value, f"{where}.{key}")}
    assert isinstance(value, dict)
    bad = [k for k in value if not str(k).isdigit()]
    if bad:
        raise ConfigError(f"[{where}] {key} per year needs year keys, found {format_items(bad)}")
    return {int(k): one(v, f"{where}.{key}.{k}") for k, v in value.items()}


def read_optional(
    path: Path | None, reader: Callable[[Path], T], where: str, key: str
) -> T | None:
    """``reader(path)`` (None without a path); a failure names the section and the key."""
    if path is None:
        return None
    try:
        return reader(path)
    except GovindexError as exc:
        raise ConfigError(f"[{where}] {key}: {exc}") from None
