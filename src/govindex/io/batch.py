"""Batch runs from a configuration: read with pyarrow, compute, write Parquet atomically.

``govindex run CONFIG`` / :func:`run_batch` reads only the columns, years and
indicators that the configured indices need (:func:`govindex.read_panel`: column
projection and partition filters on hive-partitioned datasets), computes every index
for every requested year (the data are read once), and writes one Parquet file per table with the method, its
parameters, the library version and the input fingerprints in the schema metadata,
plus a ``manifest.json``. Re-running on the same inputs gives bit-identical files.

The output folder is replaced as a whole (``govindex._folders.replace_folder``): the
run takes a lock beside it, writes the complete new run into a staging folder, and
switches it in with one atomic exchange; a reader finds the previous run or the new
one, never a mix (docs/reliability.md).
"""

from __future__ import annotations

import json
import os
import re
import warnings
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from govindex._bar import Progress
from govindex._engine import Engine, open_engine
from govindex._folders import replace_folder
from govindex._provenance import (
    atomic_write_bytes,
    file_checksum,
    fingerprint_frame,
    to_parquet_with_provenance,
)
from govindex._rows_digest import ROWS_SCHEME
from govindex._version import __version__
from govindex.catalog import Catalog
from govindex.exceptions import ConfigError, RunFolderError
from govindex.io._batch_composite import (
    COMPOSITE_TABLES,
    OPTIONAL_TABLES,
)
from govindex.io._distributed import SectionYear, run_section
from govindex.io._sections import (
    gpi_inputs,
    section_errors,
    section_inputs,
    section_years,
)
from govindex.io.config import (
    CompositeSpec,
    GPISpec,
    NPISpec,
    OperationalSpec,
    RunConfig,
    read_config,
)
from govindex.io.read import read_table
from govindex.io.rerun import PreviousRun, previous_run
from govindex.panel import Panel

__all__ = ["RunOutput", "run_batch"]


@dataclass
class RunOutput:
    """What :func:`run` computed and wrote."""

    config: RunConfig
    results: dict[tuple[str, str, int], Any] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    _staging: Path | None = field(default=None, repr=False, compare=False)

    @property
    def manifest(self) -> Path:
        """The run's manifest file."""
        return self.config.output / "manifest.json"

    @property
    def staging(self) -> Path:
        """The hidden folder the results are written into while the run lasts."""
        if self._staging is None:
            raise RuntimeError(
                "this run is not in progress: its results are already in place (or it failed)"
            )
        return self._staging


def _write(table: pd.DataFrame, path: Path, meta: dict[str, Any], out: RunOutput) -> None:
    # written into the run's staging folder, which replaces the output folder when the whole
    # run succeeded; every path must stay inside it (section names are checked, this is the
    # second line of defence)
    staging = out.staging.resolve()
    dest = (staging / path.relative_to(out.config.output)).resolve()
    if not dest.is_relative_to(staging) or dest == staging:
        raise RunFolderError(f"result file {path} would be written outside the output folder")
    to_parquet_with_provenance(table, dest, meta)
    out.files.append(path)


_YEAR_FOLDER = re.compile(r"-?\d+")


def run_entry(entry: Path) -> bool:
    """Whether an entry of an output folder is part of a run: ``manifest.json``, year
    folders of Parquet files, and the hidden files of interrupted writes.

    Examples
    --------
    >>> run_entry(Path("results/manifest.json")), run_entry(Path("results/notes.txt"))
    (True, False)
    """
    name = entry.name
    if name == "manifest.json" or (name.startswith(".") and name.endswith(".tmp")):
        return True
    if _YEAR_FOLDER.fullmatch(name) and entry.is_dir() and not entry.is_symlink():
        return all(
            f.is_file() and (f.suffix == ".parquet" or f.name.startswith("."))
            for f in entry.iterdir()
        )
    return False


def _file_inputs(
    spec: GPISpec | NPISpec | CompositeSpec, cache: dict[Path, str]
) -> dict[str, str]:
    """SHA-256 of a section's input files, keyed as in the manifest (each file hashed once
    per run: ``cache``)."""
    files = {"panel_file": spec.panel, "catalog_file": spec.catalog}
    lineage = spec.lineage if isinstance(spec, GPISpec) else None
    for key, path in (("entities", spec.entities), ("lineage", lineage)):
        if path is not None:
            files[f"{key}_file"] = path
    for path in files.values():
        if path not in cache:
            cache[path] = _file_checksum(path)
    return {key: cache[path] for key, path in files.items()}


def _input_fingerprints(
    panel: Panel,
    catalog: Catalog,
    files: dict[str, str],
    known: dict[str, str] | None = None,
) -> dict[str, str]:
    """Manifest entry of one computation's inputs: rows read and the files themselves.

    ``known``: the entry of another section that read the same rows of the same panel and
    catalog files (their fingerprints are not computed again).
    """
    rows = (
        known
        if known is not None
        else {"panel": panel.fingerprint, "catalog": catalog.fingerprint}
    )
    return {"panel": rows["panel"], "catalog": rows["catalog"], **files}


def _file_checksum(path: Path) -> str:
    """SHA-256 of a file's bytes, or of a folder's files (relative paths and contents).

    Stored in the manifest next to the fingerprint of the rows read, so that ``diff`` can
    tell a revised input file from a method change that reads other years of the same file.
    """
    return file_checksum(path)


def run_batch(
    config: RunConfig | str | os.PathLike[str],
    *,
    years: object = None,
    output: str | os.PathLike[str] | None = None,
    progress: bool | None = None,
    reuse: bool = False,
    keep_results: bool = True,
    scheduler: str | None = None,
    chunk_entities: int | None = None,
) -> RunOutput:
    """Run every index of a configuration for every requested year and write the results.

    Parameters
    ----------
    config : RunConfig or path-like
        A configuration or the path of its TOML file.
    years : optional
        Override the configuration's years (``2025``, ``[2024, 2025]`` or ``"2020:2025"``).
    output : path-like, optional
        Override the output folder.
    progress : bool, optional
        Show a progress bar (default: only on an interactive terminal outside CI).
    reuse : bool, default False
        Copy the result files of a GPI, NPI or composite section from the run already in
        the output folder when its manifest proves them unchanged: same govindex version,
        run name, years and section configuration, same bytes of every input file, result
        files as listed (:mod:`govindex.io.rerun`). The folder written is byte for byte the
        one a full run writes; the reused sections are listed in ``reused`` and have no
        entry in ``results``. ``govindex run`` reuses unless given ``--recompute``.
    keep_results : bool, default True
        Keep the GPI, NPI and composite results in ``results``. With ``False`` each
        section and year is written and then let go, so that the run holds one at a time
        (what ``govindex run`` does: its peak memory is that of the largest section, not
        of the whole run).
    scheduler : str, optional
        Where the GPI, NPI and composite sections are computed: ``"local"`` (this process),
        ``"processes:N"`` (N worker processes on this machine) or the address of a Dask
        scheduler, ``"tcp://host:port"`` (needs ``pip install "govindex[distributed]"``).
        Replaces the configuration's ``[engine] scheduler``. See :doc:`/scaling`.
    chunk_entities : int, optional
        Split each GPI section without a lineage into tasks of at most this many
        entities, each reading only its entities' rows: what one worker holds is
        bounded by it. Replaces ``[engine] chunk_entities`` (default with a scheduler:
        50,000). The files written are byte for byte those of a run in one process;
        the GPI, NPI and composite results are then not kept in ``results``.

    Returns
    -------
    RunOutput
        The results by ``(index, name, year)`` and the files written. Results are
        written as ``OUTPUT/<year>/<index>_<name>_<table>.parquet`` and a
        ``OUTPUT/manifest.json`` with the checksums and provenance (and, under
        ``engine``, the scheduler, the number of workers and the tasks and chunks of
        each section computed as tasks). An operational
        section adds, under its last year, its recommendations register
        (``"recommendations"``) and, with several years, its history
        (``"operational_history"``). ``reused`` lists the sections copied from the
        previous run (with ``reuse=True``).

    Raises
    ------
    RunFolderError
        Another run is writing the same output folder (it holds the lock beside
        it), or the folder holds files that are not part of a run (a run replaces
        the whole folder).

    Notes
    -----
    The run replaces its output folder as a whole, atomically: the complete new run
    is written into a staging folder beside it and switched in at the end, so the
    folder holds exactly the previous run or exactly the new one, whenever the run
    stops (an error, Ctrl-C, a killed process). Staging folders of interrupted runs
    are removed by the next run. See :doc:`/reliability`.

    Examples
    --------
    >>> import tempfile
    >>> from govindex.datasets import demo_config_path
    >>> out = run_batch(demo_config_path(), output=tempfile.mkdtemp())
    >>> sorted({key[0] for key in out.results})
    ['gpi', 'npi', 'operational', 'recommendations']
    """
    cfg = config if isinstance(config, RunConfig) else read_config(config)
    if years is not None:
        cfg = cfg.with_years(years)
    if output is not None:
        cfg = cfg.with_output(output)
    if scheduler is not None or chunk_entities is not None:
        cfg = cfg.with_engine(scheduler, chunk_entities)
    out = RunOutput(cfg)
    # Everything is computed and written into a staging folder beside the output folder, which
    # then replaces it in one switch: an error or an interruption before the switch leaves the
    # previous run untouched, and a reader never sees a mix of two runs.
    with replace_folder(cfg.output, own=run_entry, what="run output") as staging:
        out._staging = staging
        try:
            _run_all(cfg, out, progress, reuse, keep_results)
        finally:
            out._staging = None
    return out


_TABLES = {
    "gpi": ("scores", "changes", "risks", "node-scores", "catalog", "entities"),
    "npi": ("scores", "indicators", "catalog"),
    "composite": COMPOSITE_TABLES,
}
# written when the section has an entities table (or an imputation, a treatment: composite)
_OPTIONAL = {"entities", *OPTIONAL_TABLES}


@dataclass
class _RunState:
    """What one run collects on its way: fingerprints and notes by section, checksums of
    the input files (each hashed once), the previous run (to reuse) and the progress bar."""

    bar: Progress
    previous: PreviousRun | None
    caught: list[warnings.WarningMessage]
    engine: Engine | None = None
    workers: int | None = None  # of the engine, when it started
    tasks: dict[str, dict[str, int]] = field(default_factory=dict)
    fingerprints: dict[str, dict[str, str]] = field(default_factory=dict)
    section_notes: dict[str, list[str]] = field(default_factory=dict)
    checksums: dict[Path, str] = field(default_factory=dict)
    keep: bool = True


def _notes(caught: Sequence[warnings.WarningMessage]) -> list[str]:
    return sorted({f"{w.category.__name__}: {w.message}" for w in caught})


def _run_all(
    cfg: RunConfig, out: RunOutput, progress: bool | None, reuse: bool, keep: bool
) -> None:
    n_steps = len(cfg.years) * (len(cfg.gpi) + len(cfg.npi) + len(cfg.composite)) + sum(
        len(s.years or cfg.years) for s in cfg.operational
    )
    with warnings.catch_warnings(record=True) as caught, _engine_of(cfg) as engine:
        warnings.simplefilter("always")
        assert caught is not None  # record=True
        run = _RunState(
            bar=Progress(n_steps, f"govindex run {cfg.name}", enabled=progress),
            previous=previous_run(cfg.output) if reuse else None,
            caught=caught,
            keep=keep,
            engine=engine,
            workers=None if engine is None else engine.workers,
        )
        # sections that read the same rows (same files, missing-value words and window) one
        # after the other share one panel: it is read once, and only one is held at a time
        shared: dict[tuple[str, ...], tuple[Panel, Catalog, dict[str, str], list[str]]] = {}
        for g in cfg.gpi:
            start = len(caught)
            if _reused(run, cfg, "gpi", g, out) or _on_engine(run, cfg, "gpi", g, out):
                continue
            key = (str(g.panel), str(g.catalog), repr(g.na_values), str(g.method.window))
            if key not in shared:
                shared.clear()
                panel, catalog = gpi_inputs(g, cfg.years)  # a missing file: a named error
                rows = {"panel": panel.fingerprint, "catalog": catalog.fingerprint}
                shared[key] = (panel, catalog, rows, _notes(caught[start:]))  # notes of the read
            panel, catalog, rows, read_notes = shared[key]
            _in_process(run, cfg, "gpi", g, out, panel, catalog, rows)
            run.section_notes[f"gpi.{g.name}"] = sorted({*read_notes, *_notes(caught[start:])})
        shared.clear()
        for kind, specs in (("npi", cfg.npi), ("composite", cfg.composite)):
            for spec in specs:
                start = len(caught)
                if _reused(run, cfg, kind, spec, out) or _on_engine(run, cfg, kind, spec, out):
                    continue
                panel, catalog = section_inputs(spec, cfg.years)
                _in_process(run, cfg, kind, spec, out, panel, catalog)
                run.section_notes[f"{kind}.{spec.name}"] = _notes(caught[start:])
        for o in cfg.operational:
            _run_operational(o, cfg, out, run.fingerprints, run.bar)
    # the notes of reused sections are the ones their computation gave (previous manifest)
    out.notes = sorted({*_notes(caught), *(n for v in run.section_notes.values() for n in v)})
    _write_manifest(cfg, out, run)


def _in_process(
    run: _RunState,
    cfg: RunConfig,
    kind: str,
    spec: GPISpec | NPISpec | CompositeSpec,
    out: RunOutput,
    panel: Panel,
    catalog: Catalog,
    rows: dict[str, str] | None = None,
) -> None:
    """Compute a section in this process from its panel and catalog, writing each year
    before the next one is computed (``rows``: the fingerprints of a panel already read)."""
    files = _file_inputs(spec, run.checksums)
    run.fingerprints[f"{kind}.{spec.name}"] = _input_fingerprints(panel, catalog, files, rows)
    for year, res, tables in section_years(spec, panel, catalog, cfg.years):
        if run.keep:
            out.results[(kind, spec.name, year)] = res
        _write_year(run, cfg, kind, spec, out, year, res.provenance, tables)
        del res, tables  # not held while the next year is computed


def _write_year(
    run: _RunState,
    cfg: RunConfig,
    kind: str,
    spec: GPISpec | NPISpec | CompositeSpec,
    out: RunOutput,
    year: int,
    provenance: dict[str, Any],
    tables: list[tuple[str, pd.DataFrame]],
) -> None:
    """Write a section's tables of one year, ``OUTPUT/<year>/<kind>_<name>_<table>.parquet``."""
    for table_name, table in tables:
        meta = {**provenance, "run": cfg.name, "name": spec.name, "table": table_name}
        _write(
            table, cfg.output / str(year) / f"{kind}_{spec.name}_{table_name}.parquet", meta, out
        )
    run.bar.step(f"{kind}.{spec.name} {year}")


@contextmanager
def _engine_of(cfg: RunConfig) -> Iterator[Engine | None]:
    """The engine of a run given a scheduler or chunks (``[engine]``), else None."""
    if not cfg.engine.split:
        yield None
        return
    with ExitStack() as stack:
        with section_errors("engine"):  # a scheduler that cannot start: named as such
            engine = stack.enter_context(open_engine(cfg.engine.scheduler))
        yield engine


def _on_engine(
    run: _RunState,
    cfg: RunConfig,
    kind: str,
    spec: GPISpec | NPISpec | CompositeSpec,
    out: RunOutput,
) -> bool:
    """Compute a section as tasks on the run's engine, if it has one; whether it did."""
    if run.engine is None:
        return False
    start, where = len(run.caught), f"{kind}.{spec.name}"

    def write(part: SectionYear) -> None:
        _write_year(run, cfg, kind, spec, out, part.year, part.provenance, part.tables)

    section = run_section(spec, cfg.years, run.engine, cfg.engine.chunk_entities, write)
    run.fingerprints[where] = {**section.rows, **_file_inputs(spec, run.checksums)}
    run.section_notes[where] = sorted({*section.notes, *_notes(run.caught[start:])})
    run.tasks[where] = {"tasks": section.n_tasks, "chunks": section.n_chunks}
    return True


def _reused(
    run: _RunState,
    cfg: RunConfig,
    kind: str,
    spec: GPISpec | NPISpec | CompositeSpec,
    out: RunOutput,
) -> bool:
    """Copy a section's files from the previous run when it proves them unchanged
    (:mod:`govindex.io.rerun`); whether it did."""
    if run.previous is None:
        return False
    where = f"{kind}.{spec.name}"
    paths = [
        cfg.output / str(year) / f"{kind}_{spec.name}_{table}.parquet"
        for year in cfg.years
        for table in _TABLES[kind]
    ]
    listed = run.previous.manifest["files"]
    paths = [
        p
        for p in paths
        if p.relative_to(cfg.output).as_posix() in listed
        or p.stem.rsplit("_", 1)[-1] not in _OPTIONAL
    ]
    rel = [p.relative_to(cfg.output).as_posix() for p in paths]
    try:
        inputs = _file_inputs(spec, run.checksums)
    except OSError:  # an input file is missing: the section is read, which names the error
        return False
    kept = run.previous.section(cfg.to_dict(), __version__, kind, spec.name, inputs, rel)
    if kept is None:
        return False
    staging = out.staging
    for path, name in zip(paths, rel, strict=True):
        dest = staging / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(dest, (run.previous.folder / name).read_bytes())
        out.files.append(path)
    run.fingerprints[where] = kept["fingerprints"]
    run.section_notes[where] = list(kept["notes"])
    out.reused.append(where)
    for year in cfg.years:
        run.bar.step(f"{where} {year} (reused)")
    return True


def _write_manifest(cfg: RunConfig, out: RunOutput, run: _RunState) -> None:
    staging = out.staging
    manifest = {
        "govindex_version": __version__,
        "config": cfg.to_dict(),
        "fingerprints": run.fingerprints,
        # what the panel fingerprints are (diff compares them only within one scheme)
        "fingerprint_scheme": {"panel": ROWS_SCHEME},
        "files": {
            f.relative_to(cfg.output).as_posix(): _file_checksum(
                staging / f.relative_to(cfg.output)
            )
            for f in sorted(out.files)
        },
        "notes": out.notes,
        "section_notes": run.section_notes,
        "engine": {
            **cfg.engine.to_dict(),
            **({} if run.workers is None else {"workers": run.workers}),
            **({"sections": run.tasks} if run.tasks else {}),
        },
    }
    manifest_bytes = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    atomic_write_bytes(staging / "manifest.json", manifest_bytes)


def _run_operational(
    o: OperationalSpec,
    cfg: RunConfig,
    out: RunOutput,
    fingerprints: dict[str, dict[str, str]],
    bar: Progress,
) -> None:
    from govindex.operational import OfficeRegisters, compare_years, read_scorecard

    where = f"operational.{o.name}"
    years = o.years or cfg.years
    with section_errors(where):
        inputs = read_table(o.inputs, error=ConfigError)
    fingerprints[where] = {"inputs": fingerprint_frame(inputs)}
    fingerprints[where].update(
        {f"{k}_file": _file_checksum(p) for k, p in _operational_files(o).items()}
    )
    with section_errors(where):
        registers = OfficeRegisters.read(
            appeals=o.appeals,
            verification=o.verification,
            recommendations=o.recommendations,
            lineage=o.lineage,
        )
    if registers.appeals is not None:  # the register as read, with the materials' SHA-256
        fingerprints[where]["appeals"] = registers.appeals.provenance["fingerprint"]
    done = {}
    for year in years:
        if "year" in inputs.columns:
            rows = inputs.loc[inputs["year"] == year]
            if rows.empty:
                found = sorted(set(inputs["year"].tolist()))
                raise ConfigError(
                    f"[{where}] no criterion values for {year} in {o.inputs.name}; years present: {found}"
                )
        else:
            rows = inputs
        commission = o.for_year("commission", year, len(years))
        with section_errors(where, f"{year}: "):
            card = read_scorecard(o.scorecard, year=year)
            res = registers.assess(
                card,
                rows.reset_index(drop=True),
                published_on=o.for_year("published_on", year, len(years)),
                commission=None
                if commission is None
                else {
                    "decided_on": commission.decided_on,
                    "protocol": commission.protocol,
                    "members": commission.members,
                    "conclusions": None
                    if commission.conclusions is None
                    else read_table(commission.conclusions, error=ConfigError),
                },
            )
        out.results[("operational", o.name, year)] = done[year] = res
        meta = {"run": cfg.name, "name": o.name, "index": "operational", "year": year}
        for table_name, table in res.tables().items():
            name = table_name.replace("_", "-")  # file names keep the section name readable
            _write(
                table,
                cfg.output / str(year) / f"operational_{o.name}_{name}.parquet",
                {**res.provenance, **meta, "table": name},
                out,
            )
        bar.step(f"{where} {year}")
    last = max(years)
    extra: dict[str, Any] = {}
    if len(done) > 1:
        with section_errors(where):
            history = compare_years(done, lineage=registers.lineage)
        out.results[("operational_history", o.name, last)] = history
        extra["history"] = (history.totals, history.provenance)
    if registers.recommendations is not None:
        recs = registers.recommendations
        out.results[("recommendations", o.name, last)] = recs
        table = recs.table
        if o.monitored_on is not None:
            with section_errors(where):
                table = table.assign(status_on=recs.status_on(o.monitored_on))
        extra["recommendations"] = (
            table,
            {**recs.provenance, "monitored_on": str(o.monitored_on)},
        )
    for table_name, (table, prov) in extra.items():
        meta = {"run": cfg.name, "name": o.name, "index": "operational", "table": table_name}
        path = cfg.output / str(last) / f"operational_{o.name}_{table_name}.parquet"
        _write(table, path, {**prov, **meta}, out)


def _operational_files(o: OperationalSpec) -> dict[str, Path]:
    """The office's register files of an operational section (checksummed in the manifest)."""
    files = {k: getattr(o, k) for k in ("verification", "appeals", "recommendations", "lineage")}
    files.update(
        {f"conclusions_{y}": c.conclusions for y, c in o.commission.items() if c.conclusions}
    )
    return {k: p for k, p in files.items() if p is not None}
