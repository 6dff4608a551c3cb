"""The computation of one section of a run, shared by the single-process run and the
tasks of a distributed one: reading its inputs (:func:`section_inputs`), its options and
its computation year by year with the tables it writes (:func:`section_years`).

Every error raised inside :func:`section_errors` names the section first (``[gpi.local] …``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from govindex.catalog import Catalog
from govindex.exceptions import GovindexError
from govindex.indices.gpi import performance_index
from govindex.indices.npi import progress_index
from govindex.io._batch_composite import composite_inputs, composite_year
from govindex.io.config import CompositeSpec, GPISpec, NPISpec
from govindex.io.read import read_catalog, read_panel
from govindex.panel import Panel

__all__ = [
    "gpi_inputs",
    "gpi_options",
    "gpi_tables",
    "gpi_years",
    "load_catalog",
    "load_panel",
    "npi_inputs",
    "npi_tables",
    "section_errors",
    "section_inputs",
    "section_years",
]

Spec = GPISpec | NPISpec | CompositeSpec


@contextmanager
def section_errors(where: str, detail: str = "") -> Iterator[None]:
    """A govindex error raised inside names the section first: ``[gpi.local] …``."""
    try:
        yield
    except GovindexError as exc:
        if str(exc).startswith(f"[{where}]"):
            raise
        raise type(exc)(f"[{where}] {detail}{exc}") from None


def load_catalog(path: Path, where: str) -> Catalog:
    with section_errors(where):
        return read_catalog(path)


def load_panel(spec: GPISpec | NPISpec, catalog: Catalog, where: str, **filters: Any) -> Panel:
    """The panel of one computation (only the rows it needs); errors name the section."""
    with section_errors(where):
        return read_panel(
            spec.panel,
            indicators=catalog.indicators,
            catalog=catalog,
            na_values=spec.na_values,
            **filters,
        )


def gpi_inputs(spec: GPISpec, years: Sequence[int]) -> tuple[Panel, Catalog]:
    where = spec.where
    catalog = load_catalog(spec.catalog, where)
    needed = gpi_years(spec, years)
    # every year of every window must be there: a missing year=… partition is an error, not a gap
    return load_panel(spec, catalog, where, years=needed, require_years=needed), catalog


def gpi_years(spec: GPISpec, years: Sequence[int]) -> list[int]:
    """The years a GPI section reads for ``years``: every year of every window."""
    window = int(spec.method.window)
    return sorted({y - k for y in years for k in range(window + 1)})


def npi_inputs(spec: NPISpec, years: Sequence[int]) -> tuple[Panel, Catalog]:
    where = spec.where
    catalog = load_catalog(spec.catalog, where)
    required = [*years, spec.method.base_year]
    return load_panel(spec, catalog, where, max_year=max(years), require_years=required), catalog


def gpi_options(spec: GPISpec, panel: Panel) -> dict[str, Any]:
    """The entities, lineage, derive and entity table of a GPI section (the ones given)."""
    options: dict[str, Any] = {}
    selected = spec.select(panel.entities)
    if selected is not None:
        options["entities"] = selected
    lineage = spec.load_lineage()
    if lineage is not None:
        options["lineage"] = lineage
        if spec.derive:
            options["derive"] = True
    table = spec.load_entities()
    if table is not None:
        options["entity_table"] = table
    return options


def gpi_tables(res: Any, risks: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """The tables a GPI section writes per year: what ``diff`` compares and what ``report``
    publishes from (the catalog, node scores and entities table as the run used them)."""
    nodes = res.node_scores
    nodes.columns = nodes.columns.astype("str")
    tables = [
        ("scores", res.scores),
        ("changes", res.changes),
        ("risks", risks),
        ("node-scores", nodes),
        ("catalog", res.catalog.to_frame()),
    ]
    entity_table = res.options.get("entity_table")
    if entity_table is not None:
        tables.append(("entities", entity_table.to_frame()))
    return tables


def npi_tables(res: Any, catalog: Catalog) -> list[tuple[str, pd.DataFrame]]:
    """The tables an NPI section writes per year (the catalog: what a report reads names from)."""
    return [
        ("scores", res.scores),
        ("indicators", res.indicators),
        ("catalog", catalog.to_frame()),
    ]


def section_inputs(spec: Spec, years: Sequence[int]) -> tuple[Panel, Catalog]:
    """The panel rows and the catalog a section reads for ``years``; errors name it."""
    if isinstance(spec, GPISpec):
        return gpi_inputs(spec, years)
    if isinstance(spec, NPISpec):
        return npi_inputs(spec, years)
    with section_errors(spec.where):
        return composite_inputs(spec, years)


def section_years(
    spec: Spec, panel: Panel, catalog: Catalog, years: Sequence[int]
) -> Iterator[tuple[int, Any, list[tuple[str, pd.DataFrame]]]]:
    """Compute a section year by year: ``(year, result, tables to write)``, one year at a
    time (a caller that lets go of a year's result before asking for the next one holds
    one year at a time); errors name the section."""
    with section_errors(spec.where):
        if isinstance(spec, GPISpec):
            extra = gpi_options(spec, panel)
        else:
            extra = {"entity_table": spec.load_entities()}
    for year in years:
        res: Any
        with section_errors(spec.where):
            if isinstance(spec, GPISpec):
                res = performance_index(
                    panel, catalog, spec.method, year=year, roots=spec.roots, **extra
                )
                tables = gpi_tables(res, res.risk_areas())
            elif isinstance(spec, NPISpec):
                res = progress_index(panel, catalog, spec.method, year=year, **extra)
                tables = npi_tables(res, catalog)
            else:
                res, tables = composite_year(spec, panel, catalog, year, **extra)
        yield year, res, tables
        del res, tables  # not held while the next year is computed
