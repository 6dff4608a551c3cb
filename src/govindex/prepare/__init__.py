"""Preparing data before an index: imputation, outlier treatment, entity lineage
across reorganisations, series breaks and weights."""

from __future__ import annotations

from govindex.prepare.breaks import (
    BREAK_ALPHA,
    BREAK_THRESHOLD,
    WINDOW_BREAK_COLUMNS,
    series_breaks,
    window_breaks,
)
from govindex.prepare.impute import (
    CROSS_SECTION_METHODS,
    PANEL_METHODS,
    ImputationResult,
    check_imputation_spec,
    impute,
    impute_array,
    impute_cross_section,
    impute_panel,
    warn_imputation,
)
from govindex.prepare.lineage import (
    LINEAGE_COLUMNS,
    LINEAGE_OPTIONAL,
    Lineage,
    LineageAdjustment,
)
from govindex.prepare.treat import (
    OutlierReport,
    TreatmentResult,
    check_treatment_spec,
    report_frame,
    skew_kurt,
    treat,
    treat_outliers,
    warn_treatment,
)
from govindex.prepare.weights import (
    catalog_weights,
    equal_weights,
    noisy_weights,
    pca_weights,
)

__all__ = [
    "BREAK_ALPHA",
    "BREAK_THRESHOLD",
    "CROSS_SECTION_METHODS",
    "LINEAGE_COLUMNS",
    "LINEAGE_OPTIONAL",
    "PANEL_METHODS",
    "WINDOW_BREAK_COLUMNS",
    "ImputationResult",
    "Lineage",
    "LineageAdjustment",
    "OutlierReport",
    "TreatmentResult",
    "catalog_weights",
    "check_imputation_spec",
    "check_treatment_spec",
    "equal_weights",
    "impute",
    "impute_array",
    "impute_cross_section",
    "impute_panel",
    "noisy_weights",
    "pca_weights",
    "report_frame",
    "series_breaks",
    "skew_kurt",
    "treat",
    "treat_outliers",
    "warn_imputation",
    "warn_treatment",
    "window_breaks",
]
