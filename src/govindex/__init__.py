"""govindex: government performance indices.

Compute the Government Performance Index (GPI) of central and local bodies, the
National Progress Index (NPI), risk areas and operational-assessment scorecards
from tidy panels and a catalog of indicators.

The top level holds the verbs a notebook user reaches for; everything else lives in
its subpackage, following the data flow (see ``docs/architecture.md``):

* core: :mod:`govindex.panel`, :mod:`govindex.catalog`, :mod:`govindex.entities`,
  :mod:`govindex.change`,
  :mod:`govindex.normalize`, :mod:`govindex.aggregate`, :mod:`govindex.results`,
  :mod:`govindex.exceptions`;
* :mod:`govindex.indices` (composite engine, GPI, NPI, risk areas),
  :mod:`govindex.prepare` (imputation, treatment, lineage, weights),
  :mod:`govindex.analysis` (uncertainty, sensitivity, attribution, strengths, quality),
  :mod:`govindex.io` (readers, Excel, configuration, batch runs, run diffs),
  :mod:`govindex.report`, :mod:`govindex.operational`, :mod:`govindex.plotting`,
  :mod:`govindex.datasets`.

Examples
--------
>>> import govindex
>>> govindex.__version__
'0.1.0'
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from govindex._version import __version__

if TYPE_CHECKING:  # the names for type checkers and readers; imported on first use below
    from govindex.analysis.attribution import attribute, compare
    from govindex.analysis.quality import quality_report
    from govindex.analysis.sensitivity import sensitivity_analysis
    from govindex.analysis.strengths import strengths_weaknesses
    from govindex.analysis.uncertainty import uncertainty_analysis
    from govindex.catalog import Catalog
    from govindex.entities import Entities
    from govindex.exceptions import (
        CatalogError,
        ConfigError,
        CoverageWarning,
        DataWarning,
        GovindexError,
        GovindexWarning,
        MethodError,
        PanelError,
    )
    from govindex.indices.composite import IndexMethod, IndexResult, compute_index
    from govindex.indices.gpi import GPIMethod, PerformanceResult, performance_index
    from govindex.indices.npi import NPIMethod, ProgressResult, progress_index
    from govindex.indices.risk import risk_areas
    from govindex.io.batch import run_batch
    from govindex.io.config import read_config
    from govindex.io.diff import diff_runs
    from govindex.io.excel import to_excel
    from govindex.io.read import read_catalog, read_entities, read_panel
    from govindex.normalize import normalize
    from govindex.operational import OperationalResult, Scorecard, read_scorecard
    from govindex.panel import Panel
    from govindex.prepare.breaks import series_breaks
    from govindex.prepare.impute import impute
    from govindex.prepare.lineage import Lineage
    from govindex.prepare.treat import treat
    from govindex.report import write_reports

#: Where each name of the top level lives. ``import govindex`` loads none of them (nor pandas,
#: scipy or pyarrow); the first use of a name imports its module (PEP 562), so a command line
#: that only prints its help starts at once.
_WHERE: dict[str, str] = {
    "attribute": "govindex.analysis.attribution",
    "compare": "govindex.analysis.attribution",
    "quality_report": "govindex.analysis.quality",
    "sensitivity_analysis": "govindex.analysis.sensitivity",
    "strengths_weaknesses": "govindex.analysis.strengths",
    "uncertainty_analysis": "govindex.analysis.uncertainty",
    "Catalog": "govindex.catalog",
    "Entities": "govindex.entities",
    "CatalogError": "govindex.exceptions",
    "ConfigError": "govindex.exceptions",
    "CoverageWarning": "govindex.exceptions",
    "DataWarning": "govindex.exceptions",
    "GovindexError": "govindex.exceptions",
    "GovindexWarning": "govindex.exceptions",
    "MethodError": "govindex.exceptions",
    "PanelError": "govindex.exceptions",
    "IndexMethod": "govindex.indices.composite",
    "IndexResult": "govindex.indices.composite",
    "compute_index": "govindex.indices.composite",
    "GPIMethod": "govindex.indices.gpi",
    "PerformanceResult": "govindex.indices.gpi",
    "performance_index": "govindex.indices.gpi",
    "NPIMethod": "govindex.indices.npi",
    "ProgressResult": "govindex.indices.npi",
    "progress_index": "govindex.indices.npi",
    "risk_areas": "govindex.indices.risk",
    "run_batch": "govindex.io.batch",
    "read_config": "govindex.io.config",
    "diff_runs": "govindex.io.diff",
    "to_excel": "govindex.io.excel",
    "read_catalog": "govindex.io.read",
    "read_entities": "govindex.io.read",
    "read_panel": "govindex.io.read",
    "normalize": "govindex.normalize",
    "OperationalResult": "govindex.operational",
    "Scorecard": "govindex.operational",
    "read_scorecard": "govindex.operational",
    "Panel": "govindex.panel",
    "series_breaks": "govindex.prepare.breaks",
    "impute": "govindex.prepare.impute",
    "Lineage": "govindex.prepare.lineage",
    "treat": "govindex.prepare.treat",
    "write_reports": "govindex.report",
}

__all__ = [
    "Catalog",
    "CatalogError",
    "ConfigError",
    "CoverageWarning",
    "DataWarning",
    "Entities",
    "GPIMethod",
    "GovindexError",
    "GovindexWarning",
    "IndexMethod",
    "IndexResult",
    "Lineage",
    "MethodError",
    "NPIMethod",
    "OperationalResult",
    "Panel",
    "PanelError",
    "PerformanceResult",
    "ProgressResult",
    "Scorecard",
    "__version__",
    "attribute",
    "compare",
    "compute_index",
    "diff_runs",
    "impute",
    "normalize",
    "performance_index",
    "progress_index",
    "quality_report",
    "read_catalog",
    "read_config",
    "read_entities",
    "read_panel",
    "read_scorecard",
    "risk_areas",
    "run_batch",
    "sensitivity_analysis",
    "series_breaks",
    "strengths_weaknesses",
    "to_excel",
    "treat",
    "uncertainty_analysis",
    "write_reports",
]


def __getattr__(name: str) -> Any:
    """Import a top-level name, or a subpackage (``govindex.io``), on first use."""
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
    elif not name.startswith("_"):
        try:
            value = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _TopLevel(types.ModuleType):
    """The package itself: importing a submodule never replaces the verb of the same name
    (``govindex.normalize`` stays the function when the module ``govindex.normalize`` loads,
    as it did when the verbs were imported eagerly)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _WHERE and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _TopLevel
