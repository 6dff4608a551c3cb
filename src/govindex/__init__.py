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
from govindex.catalog import CATALOG_COLUMNS, Catalog
from govindex.engine import IndexMethod, IndexResult, compute_index
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
from govindex.io import read_catalog, read_panel
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
from govindex.risk import risk_areas
from govindex.strengths import StrengthsWeaknesses, strengths_weaknesses

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
    "IndexMethod",
    "IndexResult",
    "MethodError",
    "NPIMethod",
    "NormalizationWarning",
    "OperationalResult",
    "Panel",
    "PanelError",
    "PerformanceResult",
    "ProgressResult",
    "Recommendations",
    "Scorecard",
    "ScorecardError",
    "StrengthsWeaknesses",
    "YearComparison",
    "__version__",
    "attribute",
    "compare_results",
    "compare_scorecards",
    "compare_years",
    "compute_index",
    "draft_recommendations",
    "normalize",
    "performance_index",
    "progress_index",
    "read_catalog",
    "read_panel",
    "read_scorecard",
    "risk_areas",
    "strengths_weaknesses",
]
