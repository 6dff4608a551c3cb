"""govindex: government performance indices.

Compute the Government Performance Index (GPI) of central and local bodies, the
National Progress Index (NPI), risk areas and operational-assessment scorecards
from tidy panels and a catalog of indicators.

Examples
--------
>>> import govindex
>>> govindex.__version__
'0.1.0'
"""

from govindex._version import __version__
from govindex.aggregate import AGGREGATORS
from govindex.attribution import Attribution, attribute
from govindex.attribution import compare as compare_results
from govindex.batch import RunOutput, run
from govindex.catalog import CATALOG_COLUMNS, Catalog
from govindex.config import RunConfig, read_config
from govindex.diff import RunDiff, diff_runs
from govindex.engine import IndexMethod, IndexResult, compute_index
from govindex.excel import read_excel_table, read_excel_tables, to_excel
from govindex.exceptions import (
    AggregationError,
    CatalogError,
    ConfigError,
    CoverageWarning,
    DataWarning,
    GovindexError,
    GovindexWarning,
    MethodError,
    NormalizationWarning,
    PanelError,
    ScorecardError,
)
from govindex.impute import ImputationResult, impute
from govindex.io import read_catalog, read_panel
from govindex.lineage import Lineage, series_breaks
from govindex.normalize import NORMALIZERS, normalize
from govindex.operational import (
    ImplementationReport,
    OperationalResult,
    Recommendations,
    Scorecard,
    YearComparison,
    compare_scorecards,
    compare_years,
    draft_recommendations,
    read_scorecard,
)
from govindex.panel import PANEL_COLUMNS, Panel
from govindex.performance import GPIMethod, PerformanceResult, performance_index
from govindex.progress import NPIMethod, ProgressResult, progress_index
from govindex.quality import QualityReport, validate
from govindex.report import report_run, write_reports
from govindex.risk import risk_areas
from govindex.sensitivity import SensitivityResult, sensitivity_analysis, sobol_indices
from govindex.strengths import StrengthsWeaknesses, strengths_weaknesses
from govindex.treat import TreatmentResult, treat
from govindex.uncertainty import UncertaintyResult, uncertainty_analysis
from govindex.weights import catalog_weights, equal_weights, noisy_weights, pca_weights

__all__ = [
    "AGGREGATORS",
    "CATALOG_COLUMNS",
    "NORMALIZERS",
    "PANEL_COLUMNS",
    "AggregationError",
    "Attribution",
    "Catalog",
    "CatalogError",
    "ConfigError",
    "CoverageWarning",
    "DataWarning",
    "GPIMethod",
    "GovindexError",
    "GovindexWarning",
    "ImplementationReport",
    "ImputationResult",
    "IndexMethod",
    "IndexResult",
    "Lineage",
    "MethodError",
    "NPIMethod",
    "NormalizationWarning",
    "OperationalResult",
    "Panel",
    "PanelError",
    "PerformanceResult",
    "ProgressResult",
    "QualityReport",
    "Recommendations",
    "RunConfig",
    "RunDiff",
    "RunOutput",
    "Scorecard",
    "ScorecardError",
    "SensitivityResult",
    "StrengthsWeaknesses",
    "TreatmentResult",
    "UncertaintyResult",
    "YearComparison",
    "__version__",
    "attribute",
    "catalog_weights",
    "compare_results",
    "compare_scorecards",
    "compare_years",
    "compute_index",
    "diff_runs",
    "draft_recommendations",
    "equal_weights",
    "impute",
    "noisy_weights",
    "normalize",
    "pca_weights",
    "performance_index",
    "progress_index",
    "read_catalog",
    "read_config",
    "read_excel_table",
    "read_excel_tables",
    "read_panel",
    "read_scorecard",
    "report_run",
    "risk_areas",
    "run",
    "sensitivity_analysis",
    "series_breaks",
    "sobol_indices",
    "strengths_weaknesses",
    "to_excel",
    "treat",
    "uncertainty_analysis",
    "validate",
    "write_reports",
]
