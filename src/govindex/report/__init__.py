"""Static HTML reports: one page per assessed body and an overview.

Modules: :mod:`~govindex.report.html` (the entry points :func:`write_reports` and
:func:`report_run`), :mod:`~govindex.report.pages` (what each page shows),
:mod:`~govindex.report.figures` (charts as embedded PNG) and
:mod:`~govindex.report.format` (number formatting).
"""

from __future__ import annotations

from govindex.report.html import (
    report_run,
    write_reports,
)

__all__ = [
    "report_run",
    "write_reports",
]
