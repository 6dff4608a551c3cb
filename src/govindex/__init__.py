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
from govindex.panel import PANEL_COLUMNS, Panel
from govindex.performance import GPIMethod, PerformanceResult, performance_index
from govindex.progress import NPIMethod, ProgressResult, progress_index
from govindex.risk import risk_areas

__all__ = [
    "AGGREGATORS",
    "CATALOG_COLUMNS",
    "NORMALIZERS",
    "PANEL_COLUMNS",
    "AggregationError",
    "GPIMethod",
    "NPIMethod",
    "PerformanceResult",
    "ProgressResult",
    "Catalog",
    "CatalogError",
    "ConfigError",
    "CoverageWarning",
    "DataWarning",
    "GovindexError",
    "GovindexWarning",
    "IndexMethod",
    "IndexResult",
    "MethodError",
    "NormalizationWarning",
    "Panel",
    "PanelError",
    "ScorecardError",
    "__version__",
    "compute_index",
    "normalize",
    "performance_index",
    "progress_index",
    "risk_areas",
    "read_catalog",
    "read_panel",
]
