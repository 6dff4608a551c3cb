"""Replay of an audit trail on a freshly scored result (the work behind ``regenerate``).

Every event after ``scored`` holds, in its columns and its ``details``, the arguments of
the call that made it; replaying them in order through the public methods of
:class:`~govindex.operational.result.OperationalResult` rebuilds the round — with the
same scorecard the same result, bit for bit, or the same decisions under another
methodology. Materials are replayed from their recorded SHA-256 (the files need not
exist any more).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, cast

import pandas as pd

from govindex.exceptions import ScorecardError
from govindex.operational.appeals import Decision, Material

if TYPE_CHECKING:
    from govindex.operational.result import OperationalResult

__all__ = ["replay_events"]


def replay_events(start: OperationalResult, events: pd.DataFrame) -> OperationalResult:
    """Apply ``events`` (rows of an events table, in order) to ``start``; return the result."""
    res = start
    rows = events.to_dict("records")
    for k, ev in enumerate(rows):  # the acts of one round, in order
        kind = ev["event"]
        details: dict[str, Any] = json.loads(ev["details"])
        if kind == "appeal filed" and details.get("via") == "appeal()":
            continue  # replayed with its decision, by the shortcut
        if kind == "appeal filed":
            res = res.file_appeal(
                ev["entity"],
                ev["criterion"],
                claimed_value=details["claimed_value"],
                reason=ev["why"],
                filed_by=ev["by"],
                filed_on=ev["on"],
                materials=[
                    Material(m["path"], m["sha256"], int(m["size"])) for m in details["materials"]
                ],
                accept_late=details["accept_late"],
                case=ev["case"],
            )
        elif kind == "appeal decided" and ev["by"] == "(what-if)" and not ev["on"]:
            filed = next(r for r in rows[:k][::-1] if r["case"] == ev["case"])
            res = res.appeal(
                ev["entity"],
                ev["criterion"],
                json.loads(filed["details"])["claimed_value"],
                reason=ev["why"],
                decision=cast(Decision, details["decision"]),
                new_value=details["new_value"],
            )
        elif kind == "appeal decided":
            res = res.decide_appeal(
                ev["case"],
                cast(Decision, details["decision"]),
                new_value=details["new_value"],
                decided_by=ev["by"],
                decided_on=ev["on"],
                rationale=ev["why"],
            )
        elif kind == "finalised":
            given = details["conclusions"]
            res = res.finalize(
                decided_on=details["decided_on"],
                protocol=details["protocol"],
                members=details["members"],
                conclusions={(e, b): t for e, b, t in given} if given else None,
            )
        elif kind == "reopened":
            res = res.reopen(
                decided_on=ev["on"],
                protocol=details["protocol"],
                reason=ev["why"],
                decided_by=ev["by"],
            )
        else:
            raise ScorecardError(f"cannot replay event {ev['seq']} ({kind!r})")
    return res
