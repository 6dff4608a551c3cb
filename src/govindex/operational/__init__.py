"""Operational assessment: scorecards, scoring, appeals, recommendations, methodology over time.

The authorised bodies score each state body's current activities in three blocks
(achievement of goals; interaction with individuals and legal entities;
organisational development) from criterion values; the preliminary scores go
through appeal; the commission forms final conclusions; recommendations follow
and are monitored. See ``docs/operational.md``.
"""

from govindex.operational.history import YearComparison, compare_scorecards, compare_years
from govindex.operational.recommendations import (
    ImplementationReport,
    Recommendations,
    draft_recommendations,
)
from govindex.operational.result import Decision, OperationalResult, Stage
from govindex.operational.scorecard import (
    BUILTIN_SCORECARDS,
    Block,
    Direction,
    Item,
    Level,
    Scorecard,
    read_scorecard,
)

__all__ = [
    "BUILTIN_SCORECARDS",
    "Block",
    "Decision",
    "Direction",
    "ImplementationReport",
    "Item",
    "Level",
    "OperationalResult",
    "Recommendations",
    "Scorecard",
    "Stage",
    "YearComparison",
    "compare_scorecards",
    "compare_years",
    "draft_recommendations",
    "read_scorecard",
]
