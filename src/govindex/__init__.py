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

from govindex._version import __version__
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
