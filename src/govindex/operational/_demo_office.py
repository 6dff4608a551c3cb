"""SYNTHETIC registers of the operational-assessment demo: verification, appeals, monitoring.

Every value, date, name and decision here is invented: the office registers of one
synthetic 2019 round (assessed in early 2020) for the demo bodies, derived
deterministically from the SYNTHETIC inputs and a fixed seed. The bundled files
``data/indicators/operational_{verification,appeals,recommendations}_<kind>*.csv`` are
written from these functions by ``data/indicators/make_operational_demo.py``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import numpy as np
import pandas as pd

from govindex.operational._rules import (
    BandsRule,
    BooleanRule,
    DeductionRule,
    LinearRule,
    SurveyRule,
)
from govindex.operational.recommendations import Recommendations
from govindex.operational.scorecard import Item, read_scorecard
from govindex.operational.verification import (
    PENALTY_ITEM,
    relative_changes,
    select_for_verification,
)

__all__ = [
    "COMMISSION",
    "DEMO_OFFICE_SEED",
    "MATERIAL",
    "MATERIAL_TEXT",
    "MONITORED_ON",
    "N_VERIFIED",
    "PUBLISHED_ON",
    "demo_appeals",
    "demo_history",
    "demo_monitoring",
    "demo_verification",
]

Kind = Literal["central", "local"]
#: Publication date of the SYNTHETIC preliminary 2019 results (appeal deadline + 10 days).
PUBLISHED_ON = dt.date(2020, 2, 3)
#: The SYNTHETIC commission's decision of the 2019 round.
COMMISSION: dict[str, Any] = {
    "decided_on": dt.date(2020, 3, 16),
    "protocol": "SYNTHETIC-2020-07",
    "members": ("SYNTHETIC member A", "SYNTHETIC member B", "SYNTHETIC member C"),
}
#: Monitoring date of the recommendations due in 2020 (the next year's cycle).
MONITORED_ON = dt.date(2021, 1, 15)
#: The SYNTHETIC appeal material bundled with the demo data (relative to its folder).
MATERIAL = "operational_appeal_material_portal_audit.txt"
#: Its SYNTHETIC text.
MATERIAL_TEXT = (
    "SYNTHETIC demo document: portal audit of the open data sets of a demo body.\n"
    "It describes no real body; it exists to show how appeal materials are recorded\n"
    "by their SHA-256.\n"
)
#: Seed of the synthetic registers.
DEMO_OFFICE_SEED = 20240604
#: Bodies verified per scorecard family.
N_VERIFIED: dict[str, int] = {"central": 6, "local": 5}


def demo_history(kind: Kind, inputs: pd.DataFrame) -> pd.DataFrame:
    """2018 values with SYNTHETIC past findings (two bodies had a discrepancy in 2018)."""
    rng = np.random.default_rng([DEMO_OFFICE_SEED, 3, 0 if kind == "central" else 1])
    past = inputs.loc[inputs["year"] == 2018].reset_index(drop=True)
    bodies = sorted(past["entity"].unique())
    flagged = sorted(rng.choice(bodies, size=2, replace=False).tolist())
    first = past["criterion"].iloc[0]
    hit = past["entity"].isin(flagged) & (past["criterion"] == first)
    return past.assign(finding=np.where(hit, "discrepancy", ""))


def _worse(item: Item, x: float) -> float:
    """A SYNTHETIC verified value that gives fewer points than the reported ``x``."""
    rule = item.rule
    lo, hi = item.value_range
    if isinstance(rule, BooleanRule):
        return 0.0
    if isinstance(rule, DeductionRule):
        return x + 1.0
    if isinstance(rule, LinearRule):
        step = 0.1 * (rule.ceiling - rule.floor)
        y = x - step if rule.higher_is_better else x + step
    elif isinstance(rule, SurveyRule):
        y = x - 0.05 * (rule.scale[1] - rule.scale[0])
    elif isinstance(rule, BandsRule):
        rising = rule.points[-1] >= rule.points[0]
        step = 1.0 if hi == np.inf else 0.1 * (rule.thresholds[-1] - rule.thresholds[0])
        y = x - step if rising else x + step
    else:  # pragma: no cover - every shipped rule is handled above
        raise AssertionError(rule)
    return float(np.round(np.clip(y, lo, hi), 3))


def demo_verification(kind: Kind, inputs: pd.DataFrame) -> pd.DataFrame:
    """SYNTHETIC verification records of 2019: three criteria of each selected body.

    The bodies are those :func:`select_for_verification` picks (default rules, seeded);
    each body's three most-changed criteria are checked, and about a third of the
    checks find a (synthetic) discrepancy.
    """
    card = read_scorecard(kind, year=2019)
    now = inputs.loc[inputs["year"] == 2019].reset_index(drop=True)
    history = demo_history(kind, inputs)
    plan = select_for_verification(now, history, n=N_VERIFIED[kind], seed=DEMO_OFFICE_SEED)
    change = relative_changes(now, history, 0.0).sort_values(
        ["entity", "change", "criterion"], ascending=[True, False, True], kind="stable"
    )
    rng = np.random.default_rng([DEMO_OFFICE_SEED, 4, 0 if kind == "central" else 1])
    rows = []
    for k, body in enumerate(plan.selected):  # a handful of bodies × three checks
        mine = change.loc[(change["entity"] == body) & (change["criterion"] != PENALTY_ITEM)]
        mine = mine.loc[mine["value"].notna()].head(3)
        for crit, x in zip(mine["criterion"], mine["value"], strict=True):
            verified = _worse(card.item(crit), float(x)) if rng.random() < 0.35 else float(x)
            found = "confirmed" if verified == x else "discrepancy"
            rows.append(
                {
                    "entity": body,
                    "criterion": crit,
                    "reported": float(x),
                    "verified": verified,
                    "finding": found,
                    "verified_by": "SYNTHETIC verification unit",
                    "verified_on": (dt.date(2020, 1, 20) + dt.timedelta(days=k)).isoformat(),
                    "note": "SYNTHETIC demo check: "
                    + (
                        "documents support the value"
                        if found == "confirmed"
                        else "the supporting documents give a lower figure"
                    ),
                }
            )
    return pd.DataFrame(rows)


def _case(
    case: str,
    entity: str,
    criterion: str,
    claimed: float,
    reason: str,
    filed_on: str,
    decision: str,
    *,
    new_value: float = np.nan,
    decided_on: str,
    rationale: str,
    materials: str = "",
    accept_late: str = "",
) -> dict[str, Any]:
    return {
        "case": case,
        "entity": entity,
        "criterion": criterion,
        "claimed_value": claimed,
        "reason": f"SYNTHETIC: {reason}",
        "filed_by": f"SYNTHETIC office of {entity}",
        "filed_on": filed_on,
        "materials": materials,
        "accept_late": accept_late,
        "decision": decision,
        "new_value": new_value,
        "decided_by": "SYNTHETIC Assessment Commission",
        "decided_on": decided_on,
        "rationale": f"SYNTHETIC: {rationale}",
    }


def demo_appeals(kind: Kind, values: pd.DataFrame) -> pd.DataFrame:
    """The SYNTHETIC appeals register of 2019 (``values``: entity × criterion in force
    after verification, i.e. ``preliminary.input_values``)."""
    if kind == "central":
        breaches = values["service_quality"]
        worst = str(breaches.idxmax())
        low = values["complaints_terms"]
        slow = str(low.idxmin())
        return pd.DataFrame(
            [
                _case(
                    "C-2019-01",
                    worst,
                    "service_quality",
                    float(breaches.max()) - 1.0,
                    "one breach of deadlines was recorded twice",
                    "2020-02-06",
                    "upheld",
                    decided_on="2020-02-25",
                    rationale="the register shows one breach twice",
                ),
                _case(
                    "C-2019-02",
                    slow,
                    "complaints_terms",
                    1.0,
                    "complaints answered late were redirected ones",
                    "2020-02-12",
                    "rejected",
                    decided_on="2020-02-27",
                    rationale="redirection does not stop the term",
                ),
            ]
        )
    goals = values["strategic_goals"]
    weakest = str(goals.idxmin())
    base = float(goals.min())
    data = values["open_data"]
    portal = str(data.drop(index=weakest).idxmin())
    turnover = values["hr_turnover"]
    staff = str(turnover.drop(index=[weakest, portal]).idxmax())
    web = values["open_website"]
    late = str(web.drop(index=[weakest, portal, staff]).idxmin())
    return pd.DataFrame(
        [
            _case(
                "L-2019-01",
                portal,
                "open_data",
                0.95,
                "a portal audit found data sets that were missed",
                "2020-02-05",
                "upheld",
                decided_on="2020-02-25",
                rationale="the audit report confirms 0.95",
                materials=MATERIAL,
            ),
            _case(
                "L-2019-02",
                weakest,
                "strategic_goals",
                round(min(base + 0.15, 1.0), 3),
                "program targets met but reported late",
                "2020-02-07",
                "partly",
                new_value=round(min(base + 0.08, 1.0), 3),
                decided_on="2020-02-25",
                rationale="two of the four targets are documented",
            ),
            _case(
                "L-2019-03",
                staff,
                "hr_turnover",
                0.05,
                "transfers between departments counted as departures",
                "2020-02-12",
                "rejected",
                decided_on="2020-02-27",
                rationale="the transfers left the body's staff list",
            ),
            _case(
                "L-2019-04",
                late,
                "open_website",
                round(min(max(web[late] + 0.1, 0.62), 1.0), 3),
                "the website audit missed the regional pages",
                "2020-02-17",
                "upheld",
                decided_on="2020-02-27",
                rationale="the regional pages belong to the site",
                accept_late="SYNTHETIC: the body's mail server was down on 10-13 February",
            ),
        ]
    )


def demo_monitoring(recs: Recommendations, *, seed: int = DEMO_OFFICE_SEED) -> Recommendations:
    """SYNTHETIC statuses reported for the recommendations due on 31 December 2020."""
    rng = np.random.default_rng([seed, 2])
    table = recs.table.reset_index()
    n = len(table)
    status = rng.choice(["done", "in progress", "open"], size=n, p=[0.6, 0.25, 0.15])
    days = rng.integers(-200, 40, size=n)  # completion relative to the due date (some late)
    completed = pd.Series(
        pd.to_datetime(table["due"]) + pd.to_timedelta(days, unit="D"), index=table.index
    )
    table["status"] = status
    table["completed"] = completed.where(status == "done")
    table["evidence"] = np.where(
        status == "done", "SYNTHETIC: report of the body's head office", ""
    )
    table["owner"] = "SYNTHETIC deputy head of " + table["entity"]
    table["note"] = "SYNTHETIC demo status"
    return Recommendations.from_frame(table)
