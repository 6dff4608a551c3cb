"""The ``[composite.<name>]`` sections of a batch run (:func:`govindex.run_batch`).

Two pure steps that the run calls for each section and year, and that a distributed
task can call as well: :func:`composite_inputs` reads the rows a section needs for the
run's years, :func:`composite_year` computes one year with
:func:`~govindex.compute_index` and returns the tables to write. Errors are those of
the readers and of :func:`~govindex.compute_index`; the run names the section in them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from govindex.indices.composite import IndexResult, compute_index
from govindex.io.read import read_catalog, read_panel

if TYPE_CHECKING:
    from govindex.catalog import Catalog
    from govindex.entities import Entities
    from govindex.io.config import CompositeSpec
    from govindex.panel import Panel

__all__ = [
    "COMPOSITE_TABLES",
    "OPTIONAL_TABLES",
    "composite_inputs",
    "composite_year",
    "panel_filters",
]

#: Every table a composite section may write per year (file-name form: no ``_``).
COMPOSITE_TABLES = (
    "scores",
    "normalized",
    "raw",
    "coverage",
    "reasons",
    "imputed",
    "treatment",
    "reference-rows",
    "catalog",
)
#: The tables written only with an imputation, a treatment or an entities table.
OPTIONAL_TABLES = frozenset({"imputed", "treatment", "reference-rows"})


def panel_filters(spec: CompositeSpec, years: Sequence[int]) -> dict[str, Any]:
    """The :func:`~govindex.read_panel` filters of a section computed for ``years``.

    A composite index scores one cross-section, so only the years themselves are read,
    unless the imputation fills along the years: ``locf`` reads every earlier year too,
    ``linear`` (which interpolates towards later observations) every year of the file.
    Each of ``years`` must be in the file.

    Examples
    --------
    >>> from pathlib import Path
    >>> from govindex.io.config import CompositeSpec
    >>> from govindex.indices.composite import IndexMethod
    >>> spec = CompositeSpec("x", Path("p.csv"), Path("c.csv"))
    >>> panel_filters(spec, [2025, 2024])
    {'years': [2024, 2025], 'require_years': [2024, 2025]}
    >>> locf = IndexMethod(imputation={"method": "locf"})
    >>> panel_filters(CompositeSpec("x", Path("p.csv"), Path("c.csv"), locf), [2024, 2025])
    {'max_year': 2025, 'require_years': [2024, 2025]}
    """
    wanted = sorted(set(years))
    imputation = spec.method.imputation
    method = None if imputation is None else imputation["method"]
    if method == "locf":
        return {"max_year": wanted[-1], "require_years": wanted}
    if method == "linear":
        return {"require_years": wanted}
    return {"years": wanted, "require_years": wanted}


def composite_inputs(spec: CompositeSpec, years: Sequence[int]) -> tuple[Panel, Catalog]:
    """The panel rows (:func:`panel_filters`) and the catalog of a section for ``years``.

    Only the catalog's indicators are read; ``na_values`` as configured.
    """
    catalog = read_catalog(spec.catalog)
    panel = read_panel(
        spec.panel,
        indicators=catalog.indicators,
        catalog=catalog,
        na_values=spec.na_values,
        **panel_filters(spec, years),
    )
    return panel, catalog


def composite_year(
    spec: CompositeSpec,
    panel: Panel,
    catalog: Catalog,
    year: int,
    entity_table: Entities | None = None,
) -> tuple[IndexResult, list[tuple[str, pd.DataFrame]]]:
    """Compute one year of a section; the result and the tables to write.

    The tables are those of :meth:`IndexResult.tables` (names with ``-`` for ``_``: a
    file name keeps its section name readable) plus the ``catalog`` as used, the one a
    report reads names from.
    """
    result = compute_index(
        panel,
        catalog,
        spec.method,
        year=year,
        entities=spec.select(panel.entities),
        entity_table=entity_table,
    )
    tables = [(name.replace("_", "-"), frame) for name, frame in result.tables().items()]
    tables.append(("catalog", catalog.to_frame()))
    return result, tables
