"""Static HTML reports: one page per assessed body and an overview."""

from __future__ import annotations

from govindex.report.html import (
    report_run,
    write_reports,
)

__all__ = [
    "report_run",
    "write_reports",
]
