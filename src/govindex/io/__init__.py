"""Reading and writing: the panel and catalog readers, Excel, run configurations,
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
    read_panel,
    read_panel_rows,
    read_table,
)

__all__ = [
    "SCORE_COLUMNS",
    "CommissionSpec",
    "ExcelKind",
    "GPISpec",
    "NPISpec",
    "OperationalSpec",
    "RunConfig",
    "RunDiff",
    "RunOutput",
    "diff_runs",
    "parse_years",
    "read_catalog",
    "read_config",
    "read_excel_catalog",
    "read_excel_table",
    "read_excel_tables",
    "read_panel",
    "read_panel_rows",
    "read_table",
    "run_batch",
    "to_excel",
]
