"""Analysing results: uncertainty and sensitivity, attribution of changes,
strengths and weaknesses, data quality."""

from __future__ import annotations

from govindex.analysis.attribution import (
    ATTRIBUTION_COLUMNS,
    MAX_SHAPLEY_PLAYERS,
    Attribution,
    attribute,
    compare,
)
from govindex.analysis.quality import (
    QualityReport,
    jump_scores,
    quality_report,
)
from govindex.analysis.sensitivity import (
    SensitivityResult,
    sensitivity_analysis,
    sobol_indices,
)
from govindex.analysis.strengths import (
    STRENGTH_COLUMNS,
    StrengthsWeaknesses,
    strengths_weaknesses,
)
from govindex.analysis.uncertainty import (
    AGGREGATION_OPTIONS,
    CHANGE_OPTIONS,
    GPI_NORMALIZATIONS,
    WEIGHT_SCHEMES,
    UncertaintyResult,
    option_label,
    uncertainty_analysis,
)

__all__ = [
    "AGGREGATION_OPTIONS",
    "ATTRIBUTION_COLUMNS",
    "CHANGE_OPTIONS",
    "GPI_NORMALIZATIONS",
    "MAX_SHAPLEY_PLAYERS",
    "STRENGTH_COLUMNS",
    "WEIGHT_SCHEMES",
    "Attribution",
    "QualityReport",
    "SensitivityResult",
    "StrengthsWeaknesses",
    "UncertaintyResult",
    "attribute",
    "compare",
    "jump_scores",
    "option_label",
    "quality_report",
    "sensitivity_analysis",
    "sobol_indices",
    "strengths_weaknesses",
    "uncertainty_analysis",
]
