"""Run configuration (TOML): which indices to compute, from which files, for which years.

Example::

    [run]
    name = "demo"
    output = "results"            # relative to this file
    years = "2023:2025"           # or [2024, 2025] or 2025

    [engine]                      # optional: where to compute (docs: scaling)
    scheduler = "processes:2"     # "local" (default), "processes:N" or "tcp://host:port"
    chunk_entities = 50000        # optional: GPI sections in tasks of this many entities

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
    entities = "entities.csv"     # optional: names; aggregates only ever the reference

    [composite.wellbeing]         # any number of [composite.<name>] tables (or [composite])
    panel = "panel.parquet"
    catalog = "catalog.csv"
    normalization = "zscore"      # IndexMethod parameters
    entities = "entities.csv"     # optional: aggregates and totals become reference rows
    exclude = ["KZ"]              # optional (or include = [...])

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

Each ``[gpi…]``, ``[npi…]`` and ``[composite…]`` table becomes a method object
(:class:`~govindex.GPIMethod`, :class:`~govindex.NPIMethod`, :class:`~govindex.IndexMethod`)
held by its :class:`GPISpec` / :class:`NPISpec` / :class:`CompositeSpec`; an unknown
key is a :class:`~govindex.exceptions.ConfigError` that names the section and the closest key.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from govindex.entities import Entities
from govindex.exceptions import ConfigError, format_items
from govindex.indices.composite import IndexMethod
from govindex.indices.gpi import GPIMethod
from govindex.indices.npi import NPIMethod
from govindex.io._config_engine import EngineSpec
from govindex.io._config_operational import operational_dict, operational_section
from govindex.io._config_values import (
    check_keys,
    code_list,
    existing_file,
    method_from,
    na_values_of,
    named_sections,
    read_optional,
    table_of,
)
from govindex.methods import Method
from govindex.panel import MAX_YEAR_SPAN
from govindex.prepare.lineage import Lineage

__all__ = [
    "CommissionSpec",
    "CompositeSpec",
    "EngineSpec",
    "GPISpec",
    "NPISpec",
    "OperationalSpec",
    "RunConfig",
    "parse_years",
    "read_config",
]

_INDICES = ("gpi", "npi", "composite", "operational")


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
        return _entities(self.entities, self.where)

    def load_lineage(self) -> Lineage | None:
        """The lineage of the section (None if not given); errors name the section."""
        from govindex.io.read import read_lineage

        return read_optional(self.lineage, read_lineage, self.where, "lineage")

    def select(self, codes: Iterable[str]) -> list[str] | None:
        """The entities to compute among a panel's ``codes`` (None: all of them).

        Codes of ``include`` or ``exclude`` that are not in the panel are a
        :class:`~govindex.exceptions.ConfigError` (a misspelt code must not pass unseen).
        """
        return _select(self.include, self.exclude, codes, self.where)


def _select(
    include: tuple[str, ...] | None, exclude: tuple[str, ...], codes: Iterable[str], where: str
) -> list[str] | None:
    if include is None and not exclude:
        return None
    known = [str(c) for c in codes]
    unknown = sorted({*(include or ()), *exclude} - set(known))
    if unknown:
        raise ConfigError(
            f"[{where}] include/exclude code(s) {format_items(unknown)} are not "
            f"entities of the panel; found {format_items(known)}"
        )
    wanted = set(known if include is None else include) - set(exclude)
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
    entities : Path or None
        The entities table (:func:`govindex.read_entities`), if given: its names label
        the result and its aggregates are only ever the reference (``entity_table`` of
        :func:`~govindex.progress_index`).
    """

    name: str
    panel: Path
    catalog: Path
    method: NPIMethod
    written: Mapping[str, Any] = field(default_factory=dict)
    na_values: tuple[str, ...] = ()
    entities: Path | None = None

    @property
    def where(self) -> str:
        """The section's name in messages: ``npi`` or ``npi.<name>``."""
        return "npi" if self.name == "npi" else f"npi.{self.name}"

    def load_entities(self) -> Entities | None:
        """The entities table of the section (None if not given); errors name the section."""
        return _entities(self.entities, self.where)


@dataclass(frozen=True)
class CompositeSpec:
    """One composite-index computation (:func:`~govindex.compute_index`) of a run.

    Attributes
    ----------
    name : str
        ``composite`` for a ``[composite]`` table, else the ``<name>`` of ``[composite.<name>]``.
    panel, catalog : Path
        The input files.
    method : IndexMethod
        Every parameter of the computation (the class defaults for those left out).
    written, na_values, include, exclude
        As in :class:`GPISpec`.
    entities : Path or None
        The entities table: its aggregates and totals are reference rows (scored, not
        ranked; ``entity_table`` of :func:`~govindex.compute_index`).
    """

    name: str
    panel: Path
    catalog: Path
    method: IndexMethod = field(default_factory=IndexMethod)
    written: Mapping[str, Any] = field(default_factory=dict)
    na_values: tuple[str, ...] = ()
    entities: Path | None = None
    include: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        """The section's name in messages: ``composite`` or ``composite.<name>``."""
        return "composite" if self.name == "composite" else f"composite.{self.name}"

    def load_entities(self) -> Entities | None:
        """The entities table of the section (None if not given); errors name the section."""
        return _entities(self.entities, self.where)

    def select(self, codes: Iterable[str]) -> list[str] | None:
        """The entities to compute among a panel's ``codes`` (see :meth:`GPISpec.select`)."""
        return _select(self.include, self.exclude, codes, self.where)


def _entities(path: Path | None, where: str) -> Entities | None:
    from govindex.io.read import read_entities

    return read_optional(path, read_entities, where, "entities")


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
                    f"[operational.{self.name}] {key} is given once but the section computes "
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
    composite: tuple[CompositeSpec, ...] = ()
    engine: EngineSpec = field(default_factory=lambda: EngineSpec())

    def with_years(self, years: object) -> RunConfig:
        """A copy computing ``years`` instead (e.g. from ``--years 2020:2025``)."""
        return replace(self, years=parse_years(years))

    def with_output(self, output: str | os.PathLike[str]) -> RunConfig:
        """A copy writing into ``output``."""
        return replace(self, output=Path(output))

    def with_engine(
        self, scheduler: str | None = None, chunk_entities: int | None = None
    ) -> RunConfig:
        """A copy run on another engine (e.g. from ``--scheduler processes:2``); the
        arguments given replace those of ``[engine]``."""
        table = self.engine.to_dict()
        if scheduler is not None:
            table["scheduler"] = scheduler
        if chunk_entities is not None:
            table["chunk_entities"] = chunk_entities
        return replace(self, engine=EngineSpec.from_table(table))

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
                    **({"entities": rel(s.entities)} if s.entities else {}),
                }
                for s in self.npi
            },
            "operational": {s.name: operational_dict(s, rel) for s in self.operational},
            **(
                {"composite": {s.name: _composite_dict(s, rel) for s in self.composite}}
                if self.composite
                else {}
            ),
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
        unknown = [k for k in data if k not in ("run", "engine", *_INDICES)]
        if unknown:
            raise ConfigError(
                f"unknown index or section {format_items(unknown)}; "
                f"expected 'run', 'engine' and any of {format_items(_INDICES)}"
            )
        run = table_of(data.get("run", {}), "run")
        check_keys(run, "run", ("name", "output", "years"), required=("years",))
        name = str(run.get("name", source.stem if source else "run"))
        output = base / str(run.get("output", "results"))
        years = parse_years(run["years"])
        gpi = tuple(_gpi(n, t, base) for n, t in named_sections(data.get("gpi"), "gpi"))
        npi = tuple(
            _npi(n, t, base)
            for n, t in named_sections(data.get("npi"), "npi", single_keys=("panel",))
        )
        ops = tuple(
            operational_section(n, t, base)
            for n, t in named_sections(data.get("operational"), "operational")
        )
        comp = tuple(
            _composite(n, t, base)
            for n, t in named_sections(data.get("composite"), "composite", single_keys=("panel",))
        )
        if not (gpi or npi or ops or comp):
            raise ConfigError(
                "the configuration computes nothing: add a [gpi.<name>], [npi], "
                "[composite.<name>] or [operational.<name>] table"
            )
        engine = EngineSpec.from_table(table_of(data.get("engine", {}), "engine"))
        return cls(name, output, years, gpi, npi, ops, source, comp, engine)


def _recorded(method: Method, written: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters a manifest records: as written, and any other non-default one."""
    changed = method.non_defaults()
    return {
        k: written[k] if k in written else changed[k]
        for k in method.parameters()
        if k in written or k in changed
    }


_GPI_INPUTS = ("panel", "catalog", "roots", "entities", "lineage", "include", "exclude", "derive")


def _gpi(name: str, t: dict[str, Any], base: Path) -> GPISpec:
    where = f"gpi.{name}"
    keys = GPIMethod.parameters()
    check_keys(t, where, (*_GPI_INPUTS, "na_values", *keys), required=("panel", "catalog"))
    written = {k: t[k] for k in keys if k in t}
    method = method_from(GPIMethod, written, where)
    roots = code_list(t, "roots", where, "catalog root codes")
    derive = t.get("derive", False)
    if not isinstance(derive, bool):
        raise ConfigError(f"[{where}] derive must be true or false; got {derive!r}")
    if derive and "lineage" not in t:
        raise ConfigError(f'[{where}] derive = true needs a lineage file (lineage = "...")')
    return GPISpec(
        name,
        existing_file(base, t["panel"], where, "panel"),
        existing_file(base, t["catalog"], where, "catalog"),
        method,
        roots or None,
        written,
        na_values=na_values_of(t, where),
        entities=existing_file(base, t["entities"], where, "entities")
        if "entities" in t
        else None,
        lineage=existing_file(base, t["lineage"], where, "lineage") if "lineage" in t else None,
        include=code_list(t, "include", where, "entity codes"),
        exclude=code_list(t, "exclude", where, "entity codes") or (),
        derive=derive,
    )


def _npi(name: str, t: dict[str, Any], base: Path) -> NPISpec:
    where = "npi" if name == "npi" else f"npi.{name}"
    keys = NPIMethod.parameters()
    check_keys(
        t,
        where,
        ("panel", "catalog", "na_values", "entities", *keys),
        required=("panel", "catalog", "country", "reference"),
    )
    written = {k: t[k] for k in keys if k in t}
    return NPISpec(
        name,
        existing_file(base, t["panel"], where, "panel"),
        existing_file(base, t["catalog"], where, "catalog"),
        method_from(NPIMethod, written, where),
        written,
        na_values_of(t, where),
        existing_file(base, t["entities"], where, "entities") if "entities" in t else None,
    )


def _composite(name: str, t: dict[str, Any], base: Path) -> CompositeSpec:
    where = "composite" if name == "composite" else f"composite.{name}"
    keys = IndexMethod.parameters()
    inputs = ("panel", "catalog", "na_values", "entities", "include", "exclude")
    check_keys(t, where, (*inputs, *keys), required=("panel", "catalog"))
    written = {k: t[k] for k in keys if k in t}
    return CompositeSpec(
        name,
        existing_file(base, t["panel"], where, "panel"),
        existing_file(base, t["catalog"], where, "catalog"),
        method_from(IndexMethod, written, where),
        written,
        na_values_of(t, where),
        existing_file(base, t["entities"], where, "entities") if "entities" in t else None,
        code_list(t, "include", where, "entity codes"),
        code_list(t, "exclude", where, "entity codes") or (),
    )


def _composite_dict(s: CompositeSpec, rel: Callable[[Path], str]) -> dict[str, Any]:
    """The manifest's record of a composite section (paths relative)."""
    return {
        "panel": rel(s.panel),
        "catalog": rel(s.catalog),
        **_recorded(s.method, s.written),
        **({"na_values": list(s.na_values)} if s.na_values else {}),
        **({"entities": rel(s.entities)} if s.entities else {}),
        **({"include": list(s.include)} if s.include is not None else {}),
        **({"exclude": list(s.exclude)} if s.exclude else {}),
    }


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
        raise ConfigError(
            f"configuration file not found: {p}; pass the path of a run configuration (TOML), "
            "e.g. the demo's: python -c 'import govindex.datasets as d; print(d.demo_config_path())'"
        )
    from govindex.io.read import read_toml

    data = read_toml(p, ConfigError, "run configuration")
    try:
        return RunConfig.from_dict(data, base_dir=p.resolve().parent, source=p.resolve())
    except ConfigError as exc:
        raise ConfigError(f"{p.name}: {exc}") from None
