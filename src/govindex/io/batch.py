"""Batch runs from a configuration: read with pyarrow, compute, write Parquet atomically.

``govindex run CONFIG`` / :func:`run` reads only the columns, years and indicators
that the configured indices need (column projection and partition filters on
hive-partitioned datasets), computes every index for every requested year (the
data are read once), and writes one Parquet file per table with the method, its
parameters, the library version and the input fingerprints in the schema metadata,
plus a ``manifest.json``. Re-running on the same inputs gives bit-identical files.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from govindex._bar import Progress
from govindex._provenance import atomic_write_bytes, fingerprint_frame, to_parquet_with_provenance
from govindex._version import __version__
from govindex.catalog import Catalog
from govindex.exceptions import ConfigError, GovindexError, PanelError, format_items
from govindex.indices.gpi import performance_index
from govindex.indices.npi import progress_index
from govindex.io.config import GPISpec, NPISpec, OperationalSpec, RunConfig, read_config
from govindex.io.read import read_catalog
from govindex.panel import Panel

__all__ = ["RunOutput", "read_panel_source", "run_batch"]

_PANEL_COLUMNS = ("entity", "indicator", "year", "value", "sample_size")
_YEAR_PART = re.compile(r"(?:^|/)year=(-?\d+)(?:/|$)")


def _is_dataset(path: Path) -> bool:
    return path.is_dir()


def read_panel_source(
    path: str | os.PathLike[str],
    *,
    years: Iterable[int] | None = None,
    indicators: Iterable[str] | None = None,
    max_year: int | None = None,
    require_years: Iterable[int] = (),
    sort: bool = True,
) -> pd.DataFrame:
    """Read the panel rows needed from a Parquet file, a hive-partitioned folder or a CSV.

    Only the panel columns are read, and rows are filtered by year and indicator in
    pyarrow before they reach pandas (partition pruning on ``year=…`` folders).

    Parameters
    ----------
    path : path-like
        ``.parquet``/``.csv`` file or folder of a (hive-partitioned) Parquet dataset.
    years : iterable of int, optional
        Keep only these years.
    indicators : iterable of str, optional
        Keep only these indicators.
    max_year : int, optional
        Keep only years up to this one (with ``years`` unset).
    require_years : iterable of int
        For a dataset partitioned by year: these partitions must exist.
    sort : bool, default True
        Sort the rows of a Parquet file or dataset by entity, indicator and year; pass
        False when the rows go straight to :meth:`Panel.from_frame <govindex.Panel.from_frame>`,
        which orders them itself (CSV and Excel rows are never sorted).

    Raises
    ------
    ConfigError
        Unreadable or corrupted file, missing required columns or partitions.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    p = Path(path)
    if not p.exists():
        raise ConfigError(f"panel not found: {p}")
    year_list = sorted(set(years)) if years is not None else None
    ind_list = sorted(set(indicators)) if indicators is not None else None
    if p.suffix.lower() in (".csv", ".xlsx"):
        if p.suffix.lower() == ".xlsx":
            from govindex.io.excel import read_excel_table

            frame = read_excel_table(p, kind="panel")
        else:
            frame = pd.read_csv(p, dtype={"entity": "str", "indicator": "str"})
        if year_list is not None and "year" in frame.columns:
            frame = frame.loc[frame["year"].isin(year_list)]
        if ind_list is not None and "indicator" in frame.columns:
            frame = frame.loc[frame["indicator"].isin(ind_list)]
        return frame.reset_index(drop=True)
    try:
        dataset = ds.dataset(p, format="parquet", partitioning="hive" if p.is_dir() else None)
        names = dataset.schema.names
        missing = [c for c in _PANEL_COLUMNS[:4] if c not in names]
        if missing:
            raise ConfigError(
                f"{p}: missing panel column(s) {format_items(missing)}; found {format_items(names)}"
            )
        if p.is_dir():
            present = {
                int(m.group(1))
                for f in dataset.files
                if (m := _YEAR_PART.search(f.replace(os.sep, "/")))
            }
            if present:
                absent = sorted(set(require_years) - present)
                if absent:
                    raise ConfigError(
                        f"{p}: missing partition(s) {format_items(f'year={y}' for y in absent)}; "
                        f"present: year={min(present)}…{max(present)} ({len(present)} partitions)"
                    )
        cond = None
        year_field = pc.field("year")
        if year_list is not None:
            cond = year_field.isin(pa.array(year_list, type=dataset.schema.field("year").type))
        elif max_year is not None:
            cond = year_field <= pa.scalar(max_year, type=dataset.schema.field("year").type)
        if ind_list is not None:
            ind_cond = pc.field("indicator").isin(pa.array(ind_list, type=pa.string()))
            cond = ind_cond if cond is None else cond & ind_cond
        columns = [c for c in _PANEL_COLUMNS if c in names]
        table = dataset.to_table(columns=columns, filter=cond)
    except ConfigError:
        raise
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise ConfigError(f"cannot read panel {p}: {type(exc).__name__}: {exc}") from None
    frame = table.to_pandas()
    for col in ("entity", "indicator"):
        frame[col] = frame[col].astype("str")
    frame["year"] = frame["year"].astype("int64")
    if not sort:
        return frame.reset_index(drop=True)
    return frame.sort_values(["entity", "indicator", "year"], kind="stable").reset_index(drop=True)


@dataclass
class RunOutput:
    """What :func:`run` computed and wrote."""

    config: RunConfig
    results: dict[tuple[str, str, int], Any] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    _staging: Path | None = field(default=None, repr=False, compare=False)

    @property
    def manifest(self) -> Path:
        """The run's manifest file."""
        return self.config.output / "manifest.json"


def _load_catalog(path: Path, where: str) -> Catalog:
    try:
        return read_catalog(path)
    except GovindexError as exc:
        raise ConfigError(f"[{where}] {exc}") from None


def _load_panel(frame: pd.DataFrame, catalog: Catalog, where: str) -> Panel:
    try:
        return Panel.from_frame(frame, catalog=catalog)
    except PanelError as exc:
        raise PanelError(f"[{where}] {exc}") from None


def _gpi_inputs(spec: GPISpec, years: Sequence[int]) -> tuple[Panel, Catalog]:
    catalog = _load_catalog(spec.catalog, f"gpi.{spec.name}")
    window = int(spec.method.get("window", 3))
    needed = sorted({y - k for y in years for k in range(window + 1)})
    # every year of every window must be there: a missing year=… partition is an error, not a gap
    frame = read_panel_source(
        spec.panel, years=needed, indicators=catalog.indicators, require_years=needed, sort=False
    )
    return _load_panel(frame, catalog, f"gpi.{spec.name}"), catalog


def _npi_inputs(spec: NPISpec, years: Sequence[int]) -> tuple[Panel, Catalog]:
    catalog = _load_catalog(spec.catalog, f"npi.{spec.name}")
    frame = read_panel_source(
        spec.panel,
        max_year=max(years),
        indicators=catalog.indicators,
        require_years=[*years, int(spec.params.get("base_year", 2016))],
        sort=False,  # Panel.from_frame orders the rows
    )
    return _load_panel(frame, catalog, f"npi.{spec.name}"), catalog


def _write(table: pd.DataFrame, path: Path, meta: dict[str, Any], out: RunOutput) -> None:
    # written into the run's staging folder; moved to ``path`` only when the whole run succeeded
    assert out._staging is not None
    to_parquet_with_provenance(table, out._staging / path.relative_to(out.config.output), meta)
    out.files.append(path)


def _commit(out: RunOutput) -> None:
    """Move the staged files into place (renames within one folder tree), then the manifest."""
    assert out._staging is not None
    for path in out.files:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.replace(out._staging / path.relative_to(out.config.output), path)


def _input_fingerprints(spec: GPISpec | NPISpec, panel: Panel, catalog: Catalog) -> dict[str, str]:
    """Manifest entry of one computation's inputs: rows read and the files themselves."""
    return {
        "panel": panel.fingerprint,
        "catalog": catalog.fingerprint,
        "panel_file": _file_checksum(spec.panel),
        "catalog_file": _file_checksum(spec.catalog),
    }


def _file_checksum(path: Path) -> str:
    """SHA-256 of a file's bytes, or of a folder's files (relative paths and contents).

    Stored in the manifest next to the fingerprint of the rows read, so that ``diff`` can
    tell a revised input file from a method change that reads other years of the same file.
    """
    h = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for f in files:
        h.update(f.relative_to(path).as_posix().encode() if path.is_dir() else b"")
        with f.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def run_batch(
    config: RunConfig | str | os.PathLike[str],
    *,
    years: object = None,
    output: str | os.PathLike[str] | None = None,
    progress: bool | None = None,
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
        Show a progress bar (default: only on an interactive terminal).

    Returns
    -------
    RunOutput
        The results by ``(index, name, year)`` and the files written. Results are
        written as ``OUTPUT/<year>/<index>_<name>_<table>.parquet`` and a
        ``OUTPUT/manifest.json`` with the checksums and provenance.

    Examples
    --------
    >>> import tempfile
    >>> from govindex.datasets import demo_config_path
    >>> out = run_batch(demo_config_path(), output=tempfile.mkdtemp())
    >>> sorted({key[0] for key in out.results})
    ['gpi', 'npi', 'operational']
    """
    cfg = config if isinstance(config, RunConfig) else read_config(config)
    if years is not None:
        cfg = cfg.with_years(years)
    if output is not None:
        cfg = cfg.with_output(output)
    out = RunOutput(cfg)
    created = not cfg.output.exists()
    cfg.output.mkdir(parents=True, exist_ok=True)
    # Everything is computed and written into a hidden staging folder first: an error or an
    # interruption before the final renames leaves the previous results (and manifest) untouched.
    out._staging = Path(tempfile.mkdtemp(prefix=".govindex-run.", suffix=".tmp", dir=cfg.output))
    try:
        _run_all(cfg, out, progress)
    finally:
        shutil.rmtree(out._staging, ignore_errors=True)
        out._staging = None
        if created and not any(cfg.output.iterdir()):
            cfg.output.rmdir()
    return out


def _run_all(cfg: RunConfig, out: RunOutput, progress: bool | None) -> None:
    n_steps = len(cfg.years) * (len(cfg.gpi) + len(cfg.npi)) + sum(
        len(s.years or cfg.years) for s in cfg.operational
    )
    bar = Progress(n_steps, f"govindex run {cfg.name}", enabled=progress)
    fingerprints: dict[str, dict[str, str]] = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for g in cfg.gpi:
            panel, catalog = _gpi_inputs(g, cfg.years)
            fingerprints[f"gpi.{g.name}"] = _input_fingerprints(g, panel, catalog)
            for year in cfg.years:
                res = performance_index(panel, catalog, year=year, roots=g.roots, **dict(g.method))
                out.results[("gpi", g.name, year)] = res
                folder = cfg.output / str(year)
                for table_name, table in (
                    ("scores", res.scores),
                    ("changes", res.changes),
                    ("risks", res.risk_areas()),
                ):
                    _write(
                        table,
                        folder / f"gpi_{g.name}_{table_name}.parquet",
                        {**res.provenance, "run": cfg.name, "name": g.name, "table": table_name},
                        out,
                    )
                bar.step(f"gpi.{g.name} {year}")
        for n in cfg.npi:
            panel, catalog = _npi_inputs(n, cfg.years)
            fingerprints[f"npi.{n.name}"] = _input_fingerprints(n, panel, catalog)
            params = dict(n.params)
            for year in cfg.years:
                res_n = progress_index(panel, catalog, year=year, **params)
                out.results[("npi", n.name, year)] = res_n
                folder = cfg.output / str(year)
                for table_name, table in (
                    ("scores", res_n.scores),
                    ("indicators", res_n.indicators),
                ):
                    _write(
                        table,
                        folder / f"npi_{n.name}_{table_name}.parquet",
                        {**res_n.provenance, "run": cfg.name, "name": n.name, "table": table_name},
                        out,
                    )
                bar.step(f"npi.{n.name} {year}")
        for o in cfg.operational:
            _run_operational(o, cfg, out, fingerprints, bar)
    out.notes = sorted({f"{w.category.__name__}: {w.message}" for w in caught})
    staging = out._staging
    assert staging is not None
    manifest = {
        "govindex_version": __version__,
        "config": cfg.to_dict(),
        "fingerprints": fingerprints,
        "files": {
            f.relative_to(cfg.output).as_posix(): _file_checksum(
                staging / f.relative_to(cfg.output)
            )
            for f in sorted(out.files)
        },
        "notes": out.notes,
    }
    manifest_bytes = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    _commit(out)
    atomic_write_bytes(out.manifest, manifest_bytes)


def _run_operational(
    o: OperationalSpec,
    cfg: RunConfig,
    out: RunOutput,
    fingerprints: dict[str, dict[str, str]],
    bar: Progress,
) -> None:
    from govindex.operational import read_scorecard

    where = f"operational.{o.name}"
    years = o.years or cfg.years
    try:
        from govindex.io.read import read_table

        inputs = read_table(o.inputs, error=ConfigError)
    except ConfigError as exc:
        raise ConfigError(f"[{where}] {exc}") from None
    fingerprints[where] = {"inputs": fingerprint_frame(inputs)}
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
        card = read_scorecard(o.scorecard, year=year)
        res = card.score(rows.reset_index(drop=True))
        out.results[("operational", o.name, year)] = res
        folder = cfg.output / str(year)
        meta = {"run": cfg.name, "name": o.name, "index": "operational", "year": year}
        for table_name, table in (("summary", res.summary()), ("points", res.to_frame())):
            _write(
                table,
                folder / f"operational_{o.name}_{table_name}.parquet",
                {**res.provenance(), **meta, "table": table_name},
                out,
            )
        bar.step(f"{where} {year}")
