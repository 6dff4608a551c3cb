"""Run configuration (TOML): which indices to compute, from which files, for which years.

Example::

    [run]
    name = "demo"
    output = "results"            # relative to this file
    years = "2023:2025"           # or [2024, 2025] or 2025

    [gpi.local]                   # any number of [gpi.<name>] tables
    panel = "leb_panel.parquet"   # Parquet/CSV/Excel file or (hive-partitioned) Parquet folder
    catalog = "leb_catalog.csv"
    window = 3                    # any GPIMethod parameter; the others keep their defaults
    entities = "entities.csv"     # optional: the entities table (kinds, names)
    lineage = "lineage.csv"       # optional: reorganisations (year, from, to, share, ...)
    exclude = ["KZ"]              # optional: entity codes left out (or include = [...])
    derive = false                # optional: derive values across reorganisations

    [npi]                         # or [npi.<name>]
    panel = "npi_panel.parquet"
    catalog = "npi_catalog.csv"
    country = "DMO"               # NPIMethod parameters
    reference = "OECD"

    [operational.local]
    scorecard = "local"           # "central", "local" or a path
    inputs = "operational_inputs_local.parquet"
    year = 2019
    published_on = 2020-02-03     # optional: the office's registers (docs/operational.md)
    verification = "verification_local_2019.csv"
    appeals = "appeals_local_2019.csv"
    recommendations = "recommendations_local.csv"
    monitored_on = 2021-01-15

    [operational.local.commission]  # optional: makes the result final
    decided_on = 2020-03-16
    protocol = "7"
    members = ["A. Member", "B. Member"]

Each ``[gpi…]`` and ``[npi…]`` table becomes a method object (:class:`~govindex.GPIMethod`,
:class:`~govindex.NPIMethod`) held by its :class:`GPISpec` / :class:`NPISpec`; an unknown
key is a :class:`~govindex.exceptions.ConfigError` that names the section and the closest key.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from govindex.entities import Entities
from govindex.exceptions import ConfigError, GovindexError, closest_name, format_items
from govindex.indices.gpi import GPIMethod
from govindex.indices.npi import NPIMethod
from govindex.methods import Method
from govindex.panel import MAX_YEAR_SPAN
from govindex.prepare.lineage import Lineage

__all__ = [
    "CommissionSpec",
    "GPISpec",
    "NPISpec",
    "OperationalSpec",
    "RunConfig",
    "parse_years",
    "read_config",
]

_INDICES = ("gpi", "npi", "operational")
M = TypeVar("M", bound=Method)
#: A section name becomes part of file names: one path component, letters and digits.
_SECTION_NAME = re.compile(r"\w[\w.-]{0,63}")


def parse_years(value: object) -> tuple[int, ...]:
    """Parse ``2025``, ``[2024, 2025]`` or ``"2020:2025"`` (inclusive) into a tuple of years.

    Examples
    --------
    >>> parse_years("2020:2023")
    (2020, 2021, 2022, 2023)
    >>> parse_years([2025, 2024])
    (2024, 2025)
    >>> parse_years(2025)
    (2025,)
    """
    if isinstance(value, bool):
        raise ConfigError(f"years must be a year, a list of years or 'FIRST:LAST'; got {value!r}")
    if isinstance(value, int):
        return _span_checked((value,), value)
    if isinstance(value, str):
        first, sep, last = value.partition(":")
        try:
            if not sep:
                return _span_checked((int(first),), value)
            a, b = int(first), int(last)
        except ValueError:
            raise ConfigError(
                f"cannot read years {value!r}; expected e.g. '2020:2025' or '2025'"
            ) from None
        if b < a:
            raise ConfigError(f"years {value!r}: the last year is before the first")
        _span_checked((a, b), value)
        return tuple(range(a, b + 1))
    if (
        isinstance(value, list | tuple)
        and value
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        return _span_checked(tuple(sorted(set(value))), value)
    raise ConfigError(f"years must be a year, a list of years or 'FIRST:LAST'; got {value!r}")


def _span_checked(years: tuple[int, ...], written: object) -> tuple[int, ...]:
    """``years`` unless they are absurd: beyond year 9999, or wider than any panel."""
    if not all(0 < y < 10_000 for y in years):
        raise ConfigError(f"years {written!r}: expected years between 1 and 9999")
    if years[-1] - years[0] > MAX_YEAR_SPAN:
        raise ConfigError(
            f"years {written!r} span {years[-1] - years[0]} years; a panel covers at most "
            f"{MAX_YEAR_SPAN}: choose the assessment years, e.g. '2020:2025'"
        )
    return years


@dataclass(frozen=True)
class GPISpec:
    """One Government Performance Index computation of a run.

    Attributes
    ----------
    name : str
        The ``<name>`` of the ``[gpi.<name>]`` table.
    panel, catalog : Path
        The input files.
    method : GPIMethod
        Every parameter of the computation (the class defaults for those the
        configuration leaves out).
    roots : tuple of str or None
        Catalog roots to compute (None: all).
    na_values : tuple of str
        Words that mark a missing value in the panel file (``na_values`` of
        :func:`~govindex.read_panel`); by default only an empty cell.
    written : mapping
        The method parameters as written in the configuration, recorded in the
        run's manifest (the computation uses :attr:`method`).
    entities, lineage : Path or None
        The entities table and the lineage file (:func:`govindex.read_entities`,
        :func:`govindex.io.read_lineage`), if given.
    include : tuple of str or None
        Compute only these entities (None: every entity of the panel).
    exclude : tuple of str
        Leave these entities out.
    derive : bool
        ``derive`` of :func:`~govindex.performance_index` (needs a lineage).
    """

    name: str
    panel: Path
    catalog: Path
    method: GPIMethod = field(default_factory=GPIMethod)
    roots: tuple[str, ...] | None = None
    written: Mapping[str, Any] = field(default_factory=dict)
    na_values: tuple[str, ...] = ()
    entities: Path | None = None
    lineage: Path | None = None
    include: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()
    derive: bool = False

    @property
    def where(self) -> str:
        """The section's name in messages: ``gpi.<name>``."""
        return f"gpi.{self.name}"

    def load_entities(self) -> Entities | None:
        """The entities table of the section (None if not given); errors name the section."""
        if self.entities is None:
            return None
        from govindex.io.read import read_entities

        try:
            return read_entities(self.entities)
        except GovindexError as exc:
            raise ConfigError(f"[{self.where}] entities: {exc}") from None

    def load_lineage(self) -> Lineage | None:
        """The lineage of the section (None if not given); errors name the section."""
        if self.lineage is None:
            return None
        from govindex.io.read import read_lineage

        try:
            return read_lineage(self.lineage)
        except GovindexError as exc:
            raise ConfigError(f"[{self.where}] lineage: {exc}") from None

    def select(self, codes: Iterable[str]) -> list[str] | None:
        """The entities to compute among a panel's ``codes`` (None: all of them).

        Codes of ``include`` or ``exclude`` that are not in the panel are a
        :class:`~govindex.exceptions.ConfigError` (a misspelt code must not pass unseen).
        """
        if self.include is None and not self.exclude:
            return None
        known = [str(c) for c in codes]
        unknown = sorted({*(self.include or ()), *self.exclude} - set(known))
        if unknown:
            raise ConfigError(
                f"[{self.where}] include/exclude code(s) {format_items(unknown)} are not "
                f"entities of the panel; found {format_items(known)}"
            )
        wanted = set(known if self.include is None else self.include) - set(self.exclude)
        return [c for c in known if c in wanted]


@dataclass(frozen=True)
class NPISpec:
    """One National Progress Index computation of a run.

    Attributes
    ----------
    name : str
        ``npi`` for an ``[npi]`` table, else the ``<name>`` of ``[npi.<name>]``.
    panel, catalog : Path
        The input files.
    method : NPIMethod
        Every parameter of the computation.
    written : mapping
        The method parameters as written in the configuration (see :class:`GPISpec`).
    na_values : tuple of str
        Words that mark a missing value in the panel file (see :class:`GPISpec`).
    """

    name: str
    panel: Path
    catalog: Path
    method: NPIMethod
    written: Mapping[str, Any] = field(default_factory=dict)
    na_values: tuple[str, ...] = ()


@dataclass(frozen=True)
class CommissionSpec:
    """The Assessment Commission's decision of an ``[operational.<name>.commission]`` table."""

    decided_on: dt.date
    protocol: str
    members: tuple[str, ...]
    conclusions: Path | None = None


@dataclass(frozen=True)
class OperationalSpec:
    """One operational-assessment round of a run: the scoring and the office's registers.

    Attributes
    ----------
    name, scorecard, inputs, years
        The section, the scorecard (``central``, ``local`` or a path), the reported
        values and the years (None: the run's years).
    published_on : mapping of year to date
        Publication date of the preliminary results (key None: the section's one year).
    verification, appeals, recommendations, lineage : Path or None
        The verification records, the appeals register, the recommendations register
        and the lineage of reorganised bodies (for the history across years).
    commission : mapping of year to CommissionSpec
        The commission's decision that makes the year's result final.
    monitored_on : date or None
        Monitoring date of the recommendations (overdue items are counted on it).
    """

    name: str
    scorecard: str
    inputs: Path
    years: tuple[int, ...] | None = None
    published_on: Mapping[int | None, dt.date] = field(default_factory=dict)
    verification: Path | None = None
    appeals: Path | None = None
    commission: Mapping[int | None, CommissionSpec] = field(default_factory=dict)
    recommendations: Path | None = None
    monitored_on: dt.date | None = None
    lineage: Path | None = None

    def for_year(self, key: str, year: int, n_years: int) -> Any:
        """The ``published_on`` or ``commission`` entry of ``year`` (None when not given)."""
        per_year: Mapping[int | None, Any] = getattr(self, key)
        if year in per_year:
            return per_year[year]
        if None in per_year:
            if n_years != 1:
                raise ConfigError(
                    f"[operational.{self.name}]: {key} is given once but the section computes "
                    f"{n_years} years; give one per year, e.g. {key} = {{ {year} = ... }}"
                )
            return per_year[None]
        return None


@dataclass(frozen=True)
class RunConfig:
    """A validated run configuration (see the module docstring for the TOML format)."""

    name: str
    output: Path
    years: tuple[int, ...]
    gpi: tuple[GPISpec, ...] = ()
    npi: tuple[NPISpec, ...] = ()
    operational: tuple[OperationalSpec, ...] = ()
    source: Path | None = None

    def with_years(self, years: object) -> RunConfig:
        """A copy computing ``years`` instead (e.g. from ``--years 2020:2025``)."""
        return RunConfig(
            self.name,
            self.output,
            parse_years(years),
            self.gpi,
            self.npi,
            self.operational,
            self.source,
        )

    def with_output(self, output: str | os.PathLike[str]) -> RunConfig:
        """A copy writing into ``output``."""
        return RunConfig(
            self.name, Path(output), self.years, self.gpi, self.npi, self.operational, self.source
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form with paths relative to the configuration's folder."""
        base = self.source.parent if self.source else None

        def rel(p: Path) -> str:
            if base is not None:
                try:  # "../data/x.parquet" stays as written; another drive (Windows): the name
                    return Path(os.path.relpath(p.resolve(), base)).as_posix()
                except ValueError:
                    pass
            return p.name

        return {
            "name": self.name,
            "years": list(self.years),
            "gpi": {
                s.name: {
                    "panel": rel(s.panel),
                    "catalog": rel(s.catalog),
                    **_recorded(s.method, s.written),
                    **({"roots": list(s.roots)} if s.roots else {}),
                    **({"na_values": list(s.na_values)} if s.na_values else {}),
                    **({"entities": rel(s.entities)} if s.entities else {}),
                    **({"lineage": rel(s.lineage)} if s.lineage else {}),
                    **({"include": list(s.include)} if s.include is not None else {}),
                    **({"exclude": list(s.exclude)} if s.exclude else {}),
                    **({"derive": True} if s.derive else {}),
                }
                for s in self.gpi
            },
            "npi": {
                s.name: {
                    "panel": rel(s.panel),
                    "catalog": rel(s.catalog),
                    **_recorded(s.method, s.written),
                    **({"na_values": list(s.na_values)} if s.na_values else {}),
                }
                for s in self.npi
            },
            "operational": {s.name: _operational_dict(s, rel) for s in self.operational},
        }

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        *,
        base_dir: str | os.PathLike[str] = ".",
        source: Path | None = None,
    ) -> RunConfig:
        """Validate a configuration mapping (as read from TOML); paths are relative to ``base_dir``."""
        base = Path(base_dir)
        unknown = [k for k in data if k not in ("run", *_INDICES)]
        if unknown:
            raise ConfigError(
                f"unknown index or section {format_items(unknown)}; "
                f"expected 'run' and any of {format_items(_INDICES)}"
            )
        run = _table(data.get("run", {}), "run")
        _keys(run, "run", ("name", "output", "years"), required=("years",))
        name = str(run.get("name", source.stem if source else "run"))
        output = base / str(run.get("output", "results"))
        years = parse_years(run["years"])
        gpi = tuple(_gpi(n, t, base) for n, t in _named(data.get("gpi"), "gpi"))
        npi = tuple(
            _npi(n, t, base) for n, t in _named(data.get("npi"), "npi", single_keys=("panel",))
        )
        ops = tuple(
            _operational(n, t, base) for n, t in _named(data.get("operational"), "operational")
        )
        if not (gpi or npi or ops):
            raise ConfigError(
                "the configuration computes nothing: add a [gpi.<name>], [npi] or [operational.<name>] table"
            )
        return cls(name, output, years, gpi, npi, ops, source)


def _operational_dict(s: OperationalSpec, rel: Callable[[Path], str]) -> dict[str, Any]:
    """The TOML-like form of an operational section (paths relative, dates ISO)."""

    def per_year(values: Mapping[int | None, Any], conv: Callable[[Any], Any]) -> Any:
        return (
            conv(values[None]) if None in values else {str(y): conv(v) for y, v in values.items()}
        )

    def commission(c: CommissionSpec) -> dict[str, Any]:
        out = {
            "decided_on": c.decided_on.isoformat(),
            "protocol": c.protocol,
            "members": list(c.members),
        }
        return {**out, "conclusions": rel(c.conclusions)} if c.conclusions else out

    out: dict[str, Any] = {
        "scorecard": s.scorecard
        if s.scorecard in ("central", "local")
        else rel(Path(s.scorecard)),
        "inputs": rel(s.inputs),
        **({"years": list(s.years)} if s.years else {}),
    }
    if s.published_on:
        out["published_on"] = per_year(s.published_on, lambda d: d.isoformat())
    for key in ("verification", "appeals", "recommendations", "lineage"):
        if getattr(s, key) is not None:
            out[key] = rel(getattr(s, key))
    if s.commission:
        out["commission"] = per_year(s.commission, commission)
    if s.monitored_on is not None:
        out["monitored_on"] = s.monitored_on.isoformat()
    return out


def _recorded(method: Method, written: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters a manifest records: as written, and any other non-default one."""
    changed = method.non_defaults()
    return {
        k: written[k] if k in written else changed[k]
        for k in method.parameters()
        if k in written or k in changed
    }


def _method(cls: type[M], written: Mapping[str, Any], where: str) -> M:
    """The method object of a configuration table; a bad parameter is a ConfigError."""
    hints = typing.get_type_hints(cls)
    for key, value in written.items():
        if key in hints and not _fits(value, hints[key]):
            raise ConfigError(
                f"[{where}]: {key} = {value!r} is not {_describe(hints[key])}; see the "
                f"parameters of {cls.__name__}"
            )
    if "window" in written and written["window"] > MAX_YEAR_SPAN:
        raise ConfigError(
            f"[{where}]: window = {written['window']} years is longer than any panel "
            f"(at most {MAX_YEAR_SPAN} years); the GPI's window is e.g. 3"
        )
    try:
        return cls.from_dict(written)
    except GovindexError as exc:
        raise ConfigError(f"[{where}]: {exc}") from None


def _fits(value: object, hint: Any) -> bool:
    """Whether a TOML value can stand for a parameter of type ``hint`` (arrays for tuples)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return True
    if origin in (typing.Union, types.UnionType):
        return any(_fits(value, a) for a in args)
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
            return all(_fits(v, args[0]) for v in value)
        return len(value) == len(args) and all(
            _fits(v, a) for v, a in zip(value, args, strict=True)
        )
    if origin in (Mapping, dict):
        return isinstance(value, dict)
    return True  # a type this check does not know: the method's own validation decides


def _describe(hint: Any) -> str:
    """``hint`` in words, for an error message."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_describe(a) for a in args if a is not type(None))
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


def _table(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"[{where}] must be a table; got {type(value).__name__}")
    return value


def _keys(
    table: Mapping[str, Any], where: str, allowed: tuple[str, ...], required: tuple[str, ...] = ()
) -> None:
    unknown = [k for k in table if k not in allowed]
    if unknown:
        named = ", ".join(
            f"{k!r}" + (f" (did you mean {hint!r}?)" if (hint := closest_name(k, allowed)) else "")
            for k in unknown
        )
        raise ConfigError(
            f"[{where}]: unknown key(s) {named}; allowed: {format_items(allowed, limit=50)}"
        )
    missing = [k for k in required if k not in table]
    if missing:
        raise ConfigError(f"[{where}]: missing required key(s) {format_items(missing)}")


def _named(
    value: object, kind: str, single_keys: tuple[str, ...] = ()
) -> list[tuple[str, dict[str, Any]]]:
    if value is None:
        return []
    table = _table(value, kind)
    if single_keys and any(k in table for k in single_keys):
        return [(kind, table)]
    out = []
    for name, sub in table.items():
        if not isinstance(sub, dict):
            raise ConfigError(
                f"[{kind}.{name}] must be a table (e.g. [{kind}.local] with panel = ...); got {sub!r}"
            )
        out.append((_section_name(kind, str(name)), sub))
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


def _section_name(kind: str, name: str) -> str:
    """A section name, checked: it becomes part of the result files' names."""
    if not _SECTION_NAME.fullmatch(name) or ".." in name:
        raise ConfigError(
            f"[{kind}.{name!r}]: a section name becomes part of file names; use letters, "
            "digits, '_', '-' and '.' (no '/', '\\' or '..'), at most 64 characters"
        )
    return name


def _file(base: Path, value: object, where: str, key: str) -> Path:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"[{where}]: {key} must be a file path; got {value!r}")
    path = base / value
    if not path.exists():
        raise ConfigError(f"[{where}]: {key} file not found: {path}")
    return path


_GPI_INPUTS = ("panel", "catalog", "roots", "entities", "lineage", "include", "exclude", "derive")


def _codes(t: Mapping[str, Any], key: str, where: str, what: str) -> tuple[str, ...] | None:
    value = t.get(key)
    if value is None:
        return None
    if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        raise ConfigError(f"[{where}]: {key} must be a list of {what}; got {value!r}")
    return tuple(value)


def _gpi(name: str, t: dict[str, Any], base: Path) -> GPISpec:
    where = f"gpi.{name}"
    keys = GPIMethod.parameters()
    _keys(t, where, (*_GPI_INPUTS, "na_values", *keys), required=("panel", "catalog"))
    written = {k: t[k] for k in keys if k in t}
    method = _method(GPIMethod, written, where)
    roots = _codes(t, "roots", where, "catalog root codes")
    derive = t.get("derive", False)
    if not isinstance(derive, bool):
        raise ConfigError(f"[{where}]: derive must be true or false; got {derive!r}")
    if derive and "lineage" not in t:
        raise ConfigError(f'[{where}]: derive = true needs a lineage file (lineage = "...")')
    return GPISpec(
        name,
        _file(base, t["panel"], where, "panel"),
        _file(base, t["catalog"], where, "catalog"),
        method,
        roots or None,
        written,
        na_values=_na_values(t, where),
        entities=_file(base, t["entities"], where, "entities") if "entities" in t else None,
        lineage=_file(base, t["lineage"], where, "lineage") if "lineage" in t else None,
        include=_codes(t, "include", where, "entity codes"),
        exclude=_codes(t, "exclude", where, "entity codes") or (),
        derive=derive,
    )


def _npi(name: str, t: dict[str, Any], base: Path) -> NPISpec:
    where = "npi" if name == "npi" else f"npi.{name}"
    keys = NPIMethod.parameters()
    _keys(
        t,
        where,
        ("panel", "catalog", "na_values", *keys),
        required=("panel", "catalog", "country", "reference"),
    )
    written = {k: t[k] for k in keys if k in t}
    return NPISpec(
        name,
        _file(base, t["panel"], where, "panel"),
        _file(base, t["catalog"], where, "catalog"),
        _method(NPIMethod, written, where),
        written,
        _na_values(t, where),
    )


def _na_values(t: Mapping[str, Any], where: str) -> tuple[str, ...]:
    words = t.get("na_values", [])
    if not (isinstance(words, list) and all(isinstance(w, str) for w in words)):
        raise ConfigError(
            f"[{where}]: na_values must be a list of words, e.g. na_values = ['NA']; got {words!r}"
        )
    return tuple(words)


_OPERATIONAL_KEYS = (
    "scorecard",
    "inputs",
    "year",
    "years",
    "published_on",
    "verification",
    "appeals",
    "commission",
    "recommendations",
    "monitored_on",
    "lineage",
)


def _date(value: object, where: str, key: str) -> dt.date:
    from govindex.operational._dates import as_date

    try:
        return as_date(value, key)
    except GovindexError as exc:
        raise ConfigError(f"[{where}]: {exc}") from None


def _per_year(
    value: object, where: str, key: str, one: Callable[[Any, str], Any]
) -> dict[Any, Any]:
    """``key = value`` for the section's one year, or ``key = { 2019 = value, ... }``."""
    single = not isinstance(value, dict) or (key == "commission" and "decided_on" in value)
    if single:
        return {None: one(value, f"{where}.{key}")}
    assert isinstance(value, dict)
    bad = [k for k in value if not str(k).isdigit()]
    if bad:
        raise ConfigError(f"[{where}]: {key} per year needs year keys, found {format_items(bad)}")
    return {int(k): one(v, f"{where}.{key}.{k}") for k, v in value.items()}


def _commission(value: object, where: str, base: Path) -> CommissionSpec:
    t = _table(value, where)
    _keys(
        t,
        where,
        ("decided_on", "protocol", "members", "conclusions"),
        required=("decided_on", "protocol", "members"),
    )
    members = t["members"]
    if not (isinstance(members, list) and members and all(isinstance(m, str) for m in members)):
        raise ConfigError(f"[{where}]: members must be a list of names")
    if not isinstance(t["protocol"], str | int) or isinstance(t["protocol"], bool):
        raise ConfigError(f"[{where}]: protocol must be a text (the protocol number)")
    conclusions = t.get("conclusions")
    return CommissionSpec(
        _date(t["decided_on"], where, "decided_on"),
        str(t["protocol"]),
        tuple(members),
        None if conclusions is None else _file(base, conclusions, where, "conclusions"),
    )


def _operational(name: str, t: dict[str, Any], base: Path) -> OperationalSpec:
    where = f"operational.{name}"
    _keys(t, where, _OPERATIONAL_KEYS, required=("scorecard", "inputs"))
    card = t["scorecard"]
    if not isinstance(card, str):
        raise ConfigError(f"[{where}]: scorecard must be 'central', 'local' or a path")
    scorecard = (
        card if card in ("central", "local") else str(_file(base, card, where, "scorecard"))
    )
    years = None
    if "year" in t or "years" in t:
        years = parse_years(t.get("years", t.get("year")))
    paths = {
        key: _file(base, t[key], where, key)
        for key in ("verification", "appeals", "recommendations", "lineage")
        if key in t
    }
    return OperationalSpec(
        name,
        scorecard,
        _file(base, t["inputs"], where, "inputs"),
        years,
        published_on=_per_year(
            t["published_on"], where, "published_on", lambda v, w: _date(v, w, "published_on")
        )
        if "published_on" in t
        else {},
        commission=_per_year(
            t["commission"], where, "commission", lambda v, w: _commission(v, w, base)
        )
        if "commission" in t
        else {},
        monitored_on=_date(t["monitored_on"], where, "monitored_on")
        if "monitored_on" in t
        else None,
        **paths,
    )


def read_config(path: str | os.PathLike[str]) -> RunConfig:
    """Read and validate a run configuration (TOML); relative paths are relative to the file.

    Examples
    --------
    >>> from govindex.datasets import demo_config_path
    >>> cfg = read_config(demo_config_path())
    >>> [s.name for s in cfg.gpi], cfg.years
    (['local', 'central'], (2025,))
    """
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"configuration file not found: {p}")
    from govindex.io.read import read_toml

    data = read_toml(p, ConfigError, "run configuration")
    try:
        return RunConfig.from_dict(data, base_dir=p.resolve().parent, source=p.resolve())
    except ConfigError as exc:
        raise ConfigError(f"{p.name}: {exc}") from None
