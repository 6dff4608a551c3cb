"""Reading and writing: the panel, catalog, entities and lineage readers, Excel, run configurations,
batch runs and the comparison of two runs."""

from __future__ import annotations

from govindex.io.batch import (
    RunOutput,
    run_batch,
)
from govindex.io.config import (
    CommissionSpec,
    GPISpec,
    NPISpec,
    OperationalSpec,
    RunConfig,
    parse_years,
    read_config,
)
from govindex.io.diff import (
    SCORE_COLUMNS,
    RunDiff,
    diff_runs,
)
from govindex.io.excel import to_excel
from govindex.io.excel_reader import (
    ExcelKind,
    read_excel_catalog,
    read_excel_table,
    read_excel_tables,
)
from govindex.io.read import (
    read_catalog,
    read_entities,
    read_lineage,
    read_panel,
    read_panel_entities,
    read_panel_rows,
    read_table,
    read_toml,
)
from govindex.io.run_folder import MANIFEST, RunFolder, read_run

__all__ = [
    "MANIFEST",
    "SCORE_COLUMNS",
    "CommissionSpec",
    "ExcelKind",
    "GPISpec",
    "NPISpec",
    "OperationalSpec",
    "RunConfig",
    "RunDiff",
    "RunFolder",
    "RunOutput",
    "diff_runs",
    "parse_years",
    "read_catalog",
    "read_config",
    "read_entities",
    "read_excel_catalog",
    "read_excel_table",
    "read_excel_tables",
    "read_lineage",
    "read_panel",
    "read_panel_entities",
    "read_panel_rows",
    "read_run",
    "read_table",
    "read_toml",
    "run_batch",
    "to_excel",
]
