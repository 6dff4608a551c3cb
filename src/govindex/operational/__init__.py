"""Operational assessment: scorecards, scoring, verification, appeals, commission, recommendations.

The authorised bodies score each state body's current activities in three blocks
(achievement of goals; interaction with individuals and legal entities;
organisational development) from criterion values. The office verifies the data of
the bodies a risk rule selects; the preliminary scores are published and go through
appeal cases; the Assessment Commission adopts the final results and conclusions;
recommendations follow and are monitored. Every state change is an event of a
hash-chained audit trail. See ``docs/operational.md``.
"""

from govindex.operational.appeals import CaseStatus, Decision, Material
from govindex.operational.audit import AuditReport, chain_problems, verify_results
from govindex.operational.history import YearComparison, compare_scorecards, compare_years
from govindex.operational.proceedings import Commission
from govindex.operational.recommendations import (
    MonitoringReport,
    Recommendations,
    Status,
    draft_recommendations,
)
from govindex.operational.registers import (
    AppealsRegister,
    OfficeRegisters,
    apply_appeals,
    read_appeals,
    read_recommendations,
    read_verification,
)
from govindex.operational.result import OperationalResult, Stage
from govindex.operational.scorecard import (
    BUILTIN_SCORECARDS,
    Block,
    Direction,
    Item,
    Level,
    Scorecard,
    read_scorecard,
)
from govindex.operational.verification import (
    RiskRules,
    VerificationPlan,
    VerificationRecords,
    select_for_verification,
)

__all__ = [
    "BUILTIN_SCORECARDS",
    "AppealsRegister",
    "AuditReport",
    "Block",
    "CaseStatus",
    "Commission",
    "Decision",
    "Direction",
    "Item",
    "Level",
    "Material",
    "MonitoringReport",
    "OfficeRegisters",
    "OperationalResult",
    "Recommendations",
    "RiskRules",
    "Scorecard",
    "Stage",
    "Status",
    "VerificationPlan",
    "VerificationRecords",
    "YearComparison",
    "apply_appeals",
    "chain_problems",
    "compare_scorecards",
    "compare_years",
    "draft_recommendations",
    "read_appeals",
    "read_recommendations",
    "read_scorecard",
    "read_verification",
    "select_for_verification",
    "verify_results",
]
