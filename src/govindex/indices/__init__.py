"""The indices: the composite-index engine, the Government Performance Index (GPI),
the National Progress Index (NPI) and risk areas."""

from __future__ import annotations

from govindex.indices.composite import (
    IndexMethod,
    IndexResult,
    compute_index,
    impute_and_treat,
    normalize_indicators,
    rollup,
)
from govindex.indices.gpi import (
    GPIMethod,
    PerformanceResult,
    effective_weights,
    performance_index,
)
from govindex.indices.inputs import (
    IndexInputs,
    check_year,
    index_inputs,
    reference_kinds,
)
from govindex.indices.npi import (
    NPIMethod,
    ProgressResult,
    progress_index,
    reference_average,
)
from govindex.indices.risk import (
    RISK_COLUMNS,
    risk_areas,
)

__all__ = [
    "RISK_COLUMNS",
    "GPIMethod",
    "IndexInputs",
    "IndexMethod",
    "IndexResult",
    "NPIMethod",
    "PerformanceResult",
    "ProgressResult",
    "check_year",
    "compute_index",
    "effective_weights",
    "impute_and_treat",
    "index_inputs",
    "normalize_indicators",
    "performance_index",
    "progress_index",
    "reference_average",
    "reference_kinds",
    "risk_areas",
    "rollup",
]
