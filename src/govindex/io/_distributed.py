"""The sections of a batch run as tasks on an engine: this process or a Dask cluster.

A run given a scheduler or ``chunk_entities`` (``[engine]``, ``govindex run --scheduler``;
:doc:`/scaling`) computes each section here. A **GPI section** without a lineage is split
into chunks of at most ``chunk_entities`` entities, in the panel's (sorted) order, and each
task reads only its chunk's rows (:func:`govindex.read_panel` with ``entities=``: pyarrow
filters on a Parquet dataset). What crosses entities is computed in a reduction pass
(:mod:`govindex.indices.gpi_statistics`):

1. one task reads the rows of the (at most 1,000) ordinary entities that make the
   series-break statistics and computes them;
2. one task per chunk returns the sums of its break counts and the changes that make
   the default caps (median ``|change|``);
3. the driver combines them (a second pass per chunk when an indicator is reported by a
   single entity in a year: the counts of its appearances need the totals);
4. one task per chunk computes its rows of the assessment with these statistics and
   returns its tables and the digest of its rows (:attr:`govindex.Panel.rows_digest`);
   the driver joins the chunks' tables in entity order, ranks the entities (ranks are
   across all of them) and records the fingerprint of every row read.

The tables and their metadata are those of the single-process run, bit for bit. An **NPI
section** (a few countries) and a GPI section **with a lineage** (a reorganisation links
entities across chunks) are one task each, computing every year. Warnings raised in the
tasks come back as the section's notes; a warning that lists entities lists those of one
chunk.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

import numpy as np
import pandas as pd

from govindex._engine import Engine
from govindex.catalog import Catalog
from govindex.entities import Entities
from govindex.exceptions import Listing, format_listing
from govindex.indices.gpi import performance_index
from govindex.indices.gpi_statistics import (
    GPIStatistics,
    cap_of,
    chunk_sums,
    combine_break_counts,
    window_arrays,
    window_slice,
)
from govindex.indices.gpi_tables import rank_scores
from govindex.indices.inputs import reference_kinds
from govindex.indices.risk import rank_risks, risk_rows
from govindex.io._sections import (
    gpi_tables,
    gpi_years,
    load_catalog,
    load_panel,
    section_errors,
    section_inputs,
    section_years,
)
from govindex.io.config import CompositeSpec, GPISpec, NPISpec
from govindex.io.read import read_panel_entities
from govindex.panel import Panel
from govindex.prepare.breaks import WindowStatistics, log_change_statistics, stat_rows

__all__ = ["SectionOutput", "SectionYear", "run_section"]

T = TypeVar("T")

#: entities per chunk when a scheduler is given without ``chunk_entities``
DEFAULT_CHUNK = 50_000


@dataclass(frozen=True)
class SectionYear:
    """What a section writes for one year: the result's provenance and its tables."""

    year: int
    provenance: dict[str, Any]
    tables: list[tuple[str, pd.DataFrame]]


Emit = Callable[[SectionYear], None]


@dataclass(frozen=True)
class SectionOutput:
    """One section of a run, computed (its years handed to the ``emit`` of
    :func:`run_section`): the fingerprints of the rows it read (``panel``, ``catalog``),
    the warnings raised (as notes), the number of tasks and of chunks of entities."""

    rows: dict[str, str]
    notes: list[str]
    n_tasks: int
    n_chunks: int


class Caught(NamedTuple):
    """A warning raised in a task, sent back to the driver: its category's name, its
    message and, for a warning that lists items, the :class:`~govindex.exceptions.Listing`
    (the driver merges the lists of the chunks into the message of the whole run)."""

    category: str
    message: str
    listing: Listing | None


def _recorded(call: Callable[[], T]) -> tuple[T, list[Caught]]:
    """``call()`` and the warnings it raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = call()
    return value, [
        Caught(w.category.__name__, str(w.message), getattr(w.message, "listing", None))
        for w in caught or []
    ]


def _quiet(call: Callable[[], T]) -> T:
    """``call()`` without its warnings: the passes of the statistics see the rows that the
    results pass sees again, and the results pass raises the warnings."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return call()


def merged_notes(groups: Sequence[Sequence[Sequence[Caught]]]) -> list[str]:
    """The notes of the warnings of a section: ``groups`` of tasks that each computed one
    part of the same thing (the chunks of one year, in entity order), whose listing
    warnings merge into the one warning of the whole: the items of the chunks put
    together in chunk order (or sorted without repeats, as the listing says).

    Examples
    --------
    >>> from govindex.exceptions import DataWarning, listing_warning
    >>> def caught(items):
    ...     w = listing_warning(DataWarning, "{n} flagged: {items}", items)
    ...     return [Caught("DataWarning", str(w), w.listing)]
    >>> merged_notes([[caught(["A"]), [], caught(["C", "D"])]])
    ["DataWarning: 3 flagged: 'A', 'C', 'D'"]
    """
    notes: set[str] = set()
    for group in groups:
        lists: dict[tuple[str, str, str, str], list[Any]] = {}
        for task in group:
            for c in task:
                if c.listing is None:
                    notes.add(f"{c.category}: {c.message}")
                    continue
                key = (c.category, c.listing.template, c.listing.order, c.listing.style)
                lists.setdefault(key, []).extend(c.listing.items)
        for (category, template, order, style), items in lists.items():
            kept = tuple(sorted(set(items))) if order == "sorted" else tuple(items)
            listing = Listing(template, kept, order, style)  # type: ignore[arg-type]
            notes.add(f"{category}: {format_listing(listing)}")
    return sorted(notes)


def run_section(
    spec: GPISpec | NPISpec | CompositeSpec,
    years: Sequence[int],
    engine: Engine,
    chunk: int | None,
    emit: Emit,
) -> SectionOutput:
    """Compute one GPI or NPI section of a run for ``years`` on ``engine``, handing each
    year's tables to ``emit`` as soon as they are ready (GPI sections without a lineage in
    chunks of ``chunk`` entities, default :data:`DEFAULT_CHUNK`)."""
    if isinstance(spec, GPISpec) and spec.lineage is None:
        return _gpi_chunked(spec, tuple(years), engine, chunk or DEFAULT_CHUNK, emit)
    return _whole(spec, tuple(years), engine, emit)


def _whole(
    spec: GPISpec | NPISpec | CompositeSpec, years: tuple[int, ...], engine: Engine, emit: Emit
) -> SectionOutput:
    (done, rows), caught = engine.map(_whole_section, years, [spec])[0]
    for part in done:
        emit(part)
    # one task: its warnings are the single-process run's (nothing to merge: the same
    # listing of two years stays two notes)
    return SectionOutput(rows, sorted({f"{c.category}: {c.message}" for c in caught}), 1, 1)


def _whole_section(
    years: tuple[int, ...], spec: GPISpec | NPISpec | CompositeSpec
) -> tuple[tuple[list[SectionYear], dict[str, str]], list[Caught]]:
    """Task: a whole section (every entity, every year), as the single-process run does."""
    return _recorded(lambda: _section_years(spec, years))


def _section_years(
    spec: GPISpec | NPISpec | CompositeSpec, years: tuple[int, ...]
) -> tuple[list[SectionYear], dict[str, str]]:
    panel, catalog = section_inputs(spec, years)
    out = [
        SectionYear(year, res.provenance, tables)
        for year, res, tables in section_years(spec, panel, catalog, years)
    ]
    return out, {"panel": panel.fingerprint, "catalog": catalog.fingerprint}


# ----------------------------------------------------------------------- GPI in chunks


@dataclass(frozen=True)
class _GPIJob:
    """What every task of a chunked GPI section is sent once."""

    spec: GPISpec
    catalog: Catalog
    entity_table: Entities | None
    needed: list[int]  # the years read (every year of every window)
    years: tuple[int, ...]  # the assessment years
    span: tuple[int, int]  # the year axis of the whole (selected) panel
    selected: frozenset[str] | None  # include/exclude of the section (None: every entity)
    normalised: bool  # every code stored in its one form: a chunk is read as a range


def _chunk_panel(
    job: _GPIJob, codes: Sequence[str], run: bool = True
) -> tuple[Panel, Panel | None]:
    """The rows of ``codes`` as read (their digest goes into the fingerprint) and the
    selected entities among them on the year axis of the whole panel (None: none).
    ``run``: the codes are a chunk, every code of the panel from the first to the last."""
    # a chunk is a run of consecutive codes: read as a range (pruned by the row groups'
    # statistics) when the file stores every code in its one form, else by its codes
    rows: dict[str, Any] = (
        {"entity_range": (codes[0], codes[-1])}
        if job.normalised and run and len(codes) > 1
        else {"entities": list(codes)}
    )
    read = load_panel(
        job.spec, job.catalog, job.spec.where, years=job.needed, require_years=job.needed,
        **rows,
    )  # fmt: skip
    work = read
    if job.selected is not None:
        keep = [c for c in read.entities if c in job.selected]
        if not keep:
            return read, None
        if len(keep) < len(read.entities):
            work = read.select(entities=keep)
    return read, _spanned(work, job.span)


def _spanned(panel: Panel, span: tuple[int, int]) -> Panel:
    """``panel`` on the year axis ``span`` (first, last): NaN in the years it lacks, so that
    a chunk without a row in the first or last year lines up with the whole panel."""
    axis = np.arange(span[0], span[1] + 1, dtype=np.int64)
    if np.array_equal(panel.years, axis):
        return panel
    at = np.searchsorted(axis, panel.years)

    def widen(a: np.ndarray | None) -> Any:
        if a is None:
            return None
        out = np.full((*a.shape[:2], len(axis)), np.nan)
        out[:, :, at] = a
        out.flags.writeable = False
        return out

    return dataclasses.replace(
        panel, years=axis, values=widen(panel.values), sample_size=widen(panel.sample_size)
    )


def _window(job: _GPIJob, panel: Panel, year: int) -> Any:
    return window_arrays(
        panel, job.catalog, job.spec.method, year=year, roots=job.spec.roots,
        entity_table=job.entity_table,
    )  # fmt: skip


def _stat_task(job: _GPIJob, codes: list[str]) -> dict[int, tuple[np.ndarray, ...]]:
    """Task: :func:`_stat_values` (its warnings are those of the results pass)."""
    return _quiet(lambda: _stat_values(job, codes))


def _stat_values(job: _GPIJob, codes: list[str]) -> dict[int, tuple[np.ndarray, ...]]:
    """The statistics of the log changes of every year, from the entities that make
    them (the rows :func:`~govindex.prepare.breaks.stat_rows` picks across every entity)."""
    _, panel = _chunk_panel(job, codes, run=False)
    out = {}
    window = job.spec.method.window
    for year in job.years:
        assert panel is not None  # the entities of the statistics are selected ones
        w = _window(job, panel, year)
        x = window_slice(w.raw, w.inputs.panel.years, w.inputs.year, window)
        out[year] = log_change_statistics(x[stat_rows(~w.reference)])
    return out


def _sums_task(
    job: _GPIJob, item: tuple[list[str], dict[int, Any], dict[int, Any] | None]
) -> tuple[Any, dict[int, dict[str, Any]]]:
    """Task: :func:`_sums` (its warnings are those of the results pass)."""
    return _quiet(lambda: _sums(job, item))


def _sums(
    job: _GPIJob, item: tuple[list[str], dict[int, Any], dict[int, Any] | None]
) -> tuple[Any, dict[int, dict[str, Any]]]:
    """The digest of a chunk's rows, and per year its sums of the break counts and
    its changes for the default caps (``totals``: the counts and years of appearance over
    every chunk, in the second pass)."""
    codes, log_changes, totals = item
    read, panel = _chunk_panel(job, codes)
    out: dict[int, dict[str, Any]] = {}
    for year, stats in log_changes.items():
        if panel is None:  # no selected entity in this chunk: its rows count in the digest only
            break
        w = _window(job, panel, year)
        given = {} if totals is None else {"count": totals[year][0], "ever": totals[year][1]}
        sums = chunk_sums(w, job.spec.method, stats, **given)
        sums["rules"] = (w.inputs.leaves, w.rules, w.cap_given)
        out[year] = sums
    return read.rows_digest, out


def _result_task(
    job: _GPIJob, item: tuple[list[str], int, GPIStatistics]
) -> tuple[SectionYear | None, list[Caught]]:
    """Task: a chunk's rows of the assessment of one year, with the statistics of all."""
    codes, year, statistics = item

    def compute() -> SectionYear | None:
        _, panel = _chunk_panel(job, codes)
        if panel is None:
            return None
        with section_errors(job.spec.where):
            res = performance_index(
                panel, job.catalog, job.spec.method, year=year, roots=job.spec.roots,
                entity_table=job.entity_table, statistics=statistics,
            )  # fmt: skip
            # the risk rows, not ranked: the driver ranks them across every entity
            rows = risk_rows(res)
            risks = pd.concat(rows, ignore_index=True, sort=False) if rows else pd.DataFrame()
            return SectionYear(year, res.provenance, gpi_tables(res, risks))

    return _recorded(compute)


def _plan(spec: GPISpec, years: tuple[int, ...], chunk: int) -> tuple[_GPIJob, list[list[str]]]:
    """The job of a chunked GPI section and its chunks of entities (none: nothing to
    split), from the entity codes of the panel's rows (streamed, not held)."""
    where = spec.where
    catalog = load_catalog(spec.catalog, where)
    needed = gpi_years(spec, years)
    with section_errors(where):
        codes, span, normalised = read_panel_entities(
            spec.panel, years=needed, indicators=catalog.indicators, require_years=needed
        )
        selected = spec.select(codes) if codes else None
        if selected and set(selected) != set(codes):  # the year axis of the selected rows
            _, span, _ = read_panel_entities(
                spec.panel, years=needed, indicators=catalog.indicators, entities=selected
            )
        entity_table = spec.load_entities()
    chosen = None if selected is None else frozenset(selected)
    job = _GPIJob(spec, catalog, entity_table, needed, years, span or (0, 0), chosen, normalised)
    if not codes or span is None or (selected is not None and not selected):
        return job, []
    return job, [codes[i : i + chunk] for i in range(0, len(codes), chunk)]


def _statistics(
    job: _GPIJob, chunks: list[list[str]], engine: Engine, kinds: pd.Series
) -> tuple[dict[int, GPIStatistics], str, int]:
    """The reduction pass: the statistics across entities of every year, the fingerprint
    of every row read (the chunks' digests combined) and the number of tasks run."""
    # 1. the statistics of the log changes, from the rows stat_rows picks across every entity
    # (no ordinary entity at all: the first chunk, then all reference rows, gives those of
    # no rows, as the whole panel does)
    ordinary = (kinds == "").to_numpy()
    stat_codes = list(kinds.index[stat_rows(ordinary)])
    log_changes = engine.map(_stat_task, job, [stat_codes or chunks[0]])[0]
    # 2. every chunk's sums; 3. combined (again with the totals, where they are needed)
    first = engine.map(_sums_task, job, [(c, log_changes, None) for c in chunks])
    n_tasks = 1 + len(chunks)
    digest = type(first[0][0]).combine([d for d, _ in first]).hexdigest()
    sums = [s for _, s in first]
    breaks: dict[int, WindowStatistics] = {}
    totals: dict[int, tuple[Any, Any]] = {}
    for year in job.years:
        parts = [s[year]["breaks"] for s in sums if year in s]
        breaks[year], exact = combine_break_counts(log_changes[year], parts)
        if not exact:
            totals[year] = (breaks[year].count, breaks[year].ever)
    if totals:
        again = engine.map(
            _sums_task, job, [(c, {y: log_changes[y] for y in totals}, totals) for c in chunks]
        )
        n_tasks += len(chunks)
        for year in totals:
            appear = np.sum([s[year]["breaks"]["appear"] for _, s in again if year in s], axis=0)
            b = breaks[year]
            breaks[year] = WindowStatistics(
                b.log_changes, b.rate, b.count, b.ever, np.asarray(appear, dtype=np.int64)
            )
    statistics = {}
    for year in job.years:
        parts_y = [s[year] for s in sums if year in s]
        leaves, rules, given = parts_y[0]["rules"]
        caps = [
            cap_of(leaf, rule, g, [p["caps"][leaf] for p in parts_y] if leaf in parts_y[0]["caps"] else None)
            for leaf, rule, g in zip(leaves, rules, given, strict=True)
        ]  # fmt: skip
        caps_s = pd.Series(caps, index=pd.Index(leaves), dtype="float64")
        statistics[year] = GPIStatistics(caps_s, breaks[year])
    return statistics, digest, n_tasks


def _gpi_chunked(
    spec: GPISpec, years: tuple[int, ...], engine: Engine, chunk: int, emit: Emit
) -> SectionOutput:
    job, chunks = _plan(spec, years, chunk)
    if not chunks:  # nothing to split: the whole section names the error of a single process
        return _whole(spec, years, engine, emit)
    chosen = sorted(job.selected) if job.selected is not None else [c for cs in chunks for c in cs]
    kinds = reference_kinds(job.entity_table, pd.Index(chosen))
    statistics, fingerprint, n_tasks = _statistics(job, chunks, engine, kinds)
    caught: list[list[list[Caught]]] = []
    # 4. every chunk's rows of each year, joined in entity order, ranked across every entity;
    # one year at a time (the driver holds the tables of one year)
    for year in years:
        results = engine.map(_result_task, job, [(c, year, statistics[year]) for c in chunks])
        n_tasks += len(chunks)
        done = [r for r, _ in results if r is not None]
        caught.append([c for _, c in results])
        provenance = dict(done[0].provenance)
        provenance["fingerprints"] = {**provenance["fingerprints"], "panel": fingerprint}
        emit(SectionYear(year, provenance, _joined(done, kinds)))
    rows = {"panel": fingerprint, "catalog": job.catalog.fingerprint}
    return SectionOutput(rows, merged_notes(caught), n_tasks, len(chunks))


def _joined(parts: Sequence[SectionYear], kinds: pd.Series) -> list[tuple[str, pd.DataFrame]]:
    """The tables of the chunks of one year joined in entity order; the ranks are those
    across every entity (``kinds``: the reference kind of every entity, ``""`` if none)."""
    out = []
    for k, (name, first) in enumerate(parts[0].tables):
        frames = [p.tables[k][1] for p in parts]
        plain = all(isinstance(f.index, pd.RangeIndex) for f in frames)
        if name in ("catalog", "entities"):  # the same in every chunk
            out.append((name, first))
            continue
        table = pd.concat(frames, ignore_index=plain) if name != "risks" else first
        if name == "risks":
            table = rank_risks([f for f in frames if len(f.columns)])
        elif name == "scores":
            table = table.assign(rank=rank_scores(table, kinds.reindex(table.index)))
        out.append((name, table))
    return out
