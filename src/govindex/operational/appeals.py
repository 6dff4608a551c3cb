"""Appeal cases of the operational assessment: filing, deadline, decision, materials.

A body appeals a criterion value of its preliminary result: the case is *filed*
(state ``pending``) with the value claimed, the grounds, the supporting materials
(file references recorded with their SHA-256, not copied), who filed it and when;
the commission *decides* it: ``upheld`` (the claimed value is granted), ``partly``
(a value between the current and the claimed one is granted) or ``rejected`` (the
current value stays). The deadline is ``appeal_days`` calendar days after the
preliminary results were published (or after a commission reopened the round); a
later filing is refused unless it is accepted with a stated reason.

The functions here validate and build the rows of the ``cases`` register and of the
``appeals`` decision log of an :class:`~govindex.operational.result.OperationalResult`,
whose methods :meth:`~govindex.operational.result.OperationalResult.file_appeal` and
:meth:`~govindex.operational.result.OperationalResult.decide_appeal` call them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd

from govindex.exceptions import ScorecardError, format_items

__all__ = [
    "CASE_COLUMNS",
    "LOG_COLUMNS",
    "CaseStatus",
    "Decision",
    "Material",
    "check_claim",
    "check_decision",
    "close_case",
    "empty_cases",
    "empty_log",
    "new_case",
]

Decision = Literal["upheld", "partly", "rejected"]
CaseStatus = Literal["pending", "upheld", "partly", "rejected"]
_DATE = "datetime64[s]"

#: Columns of the ``cases`` register (index ``case``) and their dtypes.
CASE_COLUMNS: dict[str, str] = {
    "entity": "str",
    "criterion": "str",
    "status": "str",
    "claimed_value": "float64",
    "value_at_filing": "float64",
    "reason": "str",
    "materials": "str",
    "filed_by": "str",
    "filed_on": _DATE,
    "deadline": _DATE,
    "late": "bool",
    "accept_late": "str",
    "decision": "str",
    "granted_value": "float64",
    "decided_by": "str",
    "decided_on": _DATE,
    "rationale": "str",
}

#: Columns of the ``appeals`` decision log (one row per decision, in order).
LOG_COLUMNS: dict[str, str] = {
    "round": "int64",
    "case": "str",
    "entity": "str",
    "criterion": "str",
    "decision": "str",
    "decided_on": _DATE,
    "reason": "str",
    "old_value": "float64",
    "claimed_value": "float64",
    "applied_value": "float64",
    "points_before": "float64",
    "points_after": "float64",
    "total_before": "float64",
    "total_after": "float64",
    "rank_before": "int64",
    "rank_after": "int64",
    "level_before": "str",
    "level_after": "str",
}


def empty_cases() -> pd.DataFrame:
    """A ``cases`` register without cases."""
    frame = pd.DataFrame({c: pd.Series(dtype=t) for c, t in CASE_COLUMNS.items()})
    frame.index = pd.Index([], dtype="str", name="case")
    return frame


def empty_log() -> pd.DataFrame:
    """An ``appeals`` decision log without decisions."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in LOG_COLUMNS.items()})


@dataclass(frozen=True)
class Material:
    """A supporting document of an appeal: a file reference with its SHA-256 (not a copy).

    Attributes
    ----------
    path : str
        The file's path as given (POSIX separators).
    sha256 : str
        SHA-256 of the file's bytes when it was recorded.
    size : int
        Its size in bytes.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> doc = pathlib.Path(tempfile.mkdtemp()) / "audit.txt"
    >>> _ = doc.write_bytes(b"portal audit")
    >>> m = Material.of(doc)
    >>> m.size, m.sha256[:12]
    (12, '35c82719e333')
    """

    path: str
    sha256: str
    size: int

    @classmethod
    def of(
        cls, path: str | os.PathLike[str], *, base: str | os.PathLike[str] | None = None
    ) -> Material:
        """Record the file ``path`` (relative to ``base`` if given): its SHA-256 and size.

        Raises
        ------
        ScorecardError
            When the file does not exist.
        """
        given = Path(path)
        where = given if base is None or given.is_absolute() else Path(base) / given
        if not where.is_file():
            raise ScorecardError(
                f"appeal material {given.as_posix()!r} not found (looked for {where}); "
                "materials are recorded by their SHA-256, so the file must exist when the "
                "appeal is filed"
            )
        h = hashlib.sha256()
        with where.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        return cls(given.as_posix(), h.hexdigest(), where.stat().st_size)

    def to_dict(self) -> dict[str, Any]:
        """``{"path": ..., "sha256": ..., "size": ...}``."""
        return {"path": self.path, "sha256": self.sha256, "size": self.size}


def materials_of(items: Iterable[str | os.PathLike[str] | Material]) -> list[Material]:
    """Record every material (files are hashed now; :class:`Material` objects are kept)."""
    if isinstance(items, str | os.PathLike):
        items = [items]
    return [m if isinstance(m, Material) else Material.of(m) for m in items]


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise ScorecardError(f"{what} must be a number, found {value!r}")
    x = float(value)
    if not math.isfinite(x):
        raise ScorecardError(
            f"{what} must be a finite number, found {value!r}; an appeal claims a value "
            "(a missing value cannot be claimed)"
        )
    return x


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ScorecardError(f"{what}: a non-empty text is required, found {value!r}")
    return value.strip()


def check_claim(
    label: str, *, claimed_value: Any, current: float, reason: Any, filed_by: Any
) -> tuple[float, str, str]:
    """Validate the claim of a new case: a finite number that differs from the current value.

    Returns the claimed value, the reason and who filed it.
    """
    claimed = _number(claimed_value, f"appeal {label}: claimed_value")
    if claimed == current:
        raise ScorecardError(
            f"appeal {label}: the claimed value {claimed:g} equals the current value; "
            "nothing to appeal"
        )
    return (
        claimed,
        _text(reason, f"appeal {label}: reason"),
        _text(filed_by, f"appeal {label}: filed_by"),
    )


def new_case(
    cases: pd.DataFrame,
    case: str | None,
    *,
    default_id: str,
    entity: str,
    criterion: str,
    claimed: float,
    current: float,
    reason: str,
    materials: list[Material],
    filed_by: str,
    filed_on: dt.date | None,
    opened_on: dt.date | None,
    appeal_days: int,
    accept_late: str | None,
) -> pd.DataFrame:
    """Return ``cases`` with the new pending case (checks the id, the dates and the deadline).

    An undated filing (``filed_on=None``, the what-if shortcut) has no deadline.
    """
    label = f"{entity}/{criterion}"
    case_id = default_id if case is None else _text(case, f"appeal {label}: case")
    if case_id in cases.index:
        raise ScorecardError(f"appeal {label}: case id {case_id!r} is already taken")
    open_cases = cases.loc[
        (cases["status"] == "pending")
        & (cases["entity"] == entity)
        & (cases["criterion"] == criterion)
    ]
    if len(open_cases):
        raise ScorecardError(
            f"appeal {label}: case {open_cases.index[0]!r} on the same criterion is pending; "
            "decide it before filing another"
        )
    deadline = None if opened_on is None else opened_on + dt.timedelta(days=appeal_days)
    if filed_on is not None and opened_on is not None and filed_on < opened_on:
        raise ScorecardError(
            f"appeal {label} filed on {filed_on}: before the preliminary results were "
            f"published (or the round reopened) on {opened_on}"
        )
    late = filed_on is not None and deadline is not None and filed_on > deadline
    if late and accept_late is None:
        raise ScorecardError(
            f"appeal {label} filed on {filed_on} is late: the deadline was {deadline} "
            f"({appeal_days} days after {opened_on}); it is refused unless accepted with a "
            "stated reason (accept_late='...')"
        )
    if accept_late is not None and not late:
        raise ScorecardError(
            f"appeal {label} filed on {filed_on} is within the deadline {deadline}: "
            "accept_late applies to late filings only"
        )
    row = {
        "entity": entity,
        "criterion": criterion,
        "status": "pending",
        "claimed_value": claimed,
        "value_at_filing": current,
        "reason": reason,
        "materials": json.dumps([m.to_dict() for m in materials]),
        "filed_by": filed_by,
        "filed_on": pd.NaT if filed_on is None else pd.Timestamp(filed_on),
        "deadline": pd.NaT if deadline is None or filed_on is None else pd.Timestamp(deadline),
        "late": late,
        "accept_late": ""
        if accept_late is None
        else _text(accept_late, f"appeal {label}: accept_late"),
        "decision": "",
        "granted_value": math.nan,
        "decided_by": "",
        "decided_on": pd.NaT,
        "rationale": "",
    }
    new = pd.DataFrame({k: [v] for k, v in row.items()}, index=pd.Index([case_id], name="case"))
    new = new.astype(CASE_COLUMNS)
    out = new if cases.empty else pd.concat([cases, new])
    out.index = out.index.astype("str").rename("case")
    return out


def check_decision(
    cases: pd.DataFrame,
    case: str,
    decision: Any,
    *,
    new_value: Any,
    current: float,
    decided_by: Any,
    decided_on: dt.date | None,
    rationale: Any,
) -> tuple[Mapping[str, Any], float | None, str, str]:
    """Validate a decision on ``case`` (``decided_on`` already parsed; None: undated).

    Returns the case's row, the value to apply (None for a rejection), who decided and
    the rationale.
    """
    if case not in cases.index:
        known = format_items(cases.index.tolist()) if len(cases) else "none filed"
        raise ScorecardError(f"unknown appeal case {case!r}; cases: {known}")
    row = {str(k): v for k, v in cases.loc[case].to_dict().items()}
    if row["status"] != "pending":
        raise ScorecardError(
            f"appeal case {case!r} was already decided ({row['status']} on "
            f"{pd.Timestamp(row['decided_on']).date()}); a decision is final unless the "
            "commission reopens the round"
        )
    if decision not in get_args(Decision):
        raise ScorecardError(
            f"appeal case {case!r}: unknown decision {decision!r}; expected one of "
            f"{list(get_args(Decision))}"
        )
    by = _text(decided_by, f"appeal case {case!r}: decided_by")
    why = _text(rationale, f"appeal case {case!r}: rationale")
    filed = row["filed_on"]
    if decided_on is not None and pd.notna(filed) and decided_on < pd.Timestamp(filed).date():
        raise ScorecardError(
            f"appeal case {case!r}: decided on {decided_on}, before it was filed "
            f"({pd.Timestamp(filed).date()})"
        )
    claimed = float(row["claimed_value"])
    if decision == "rejected":
        if new_value is not None:
            raise ScorecardError(
                f"appeal case {case!r}: a rejection keeps the current value; new_value must "
                f"be None, found {new_value!r}"
            )
        return row, None, by, why
    if decision == "upheld":
        if new_value is not None and _number(new_value, "new_value") != claimed:
            raise ScorecardError(
                f"appeal case {case!r}: 'upheld' grants the claimed value {claimed:g}; for "
                f"another value ({new_value!r}) decide 'partly'"
            )
        return row, claimed, by, why
    if new_value is None:
        raise ScorecardError(
            f"appeal case {case!r}: a 'partly' decision needs new_value, the value granted"
        )
    granted = _number(new_value, f"appeal case {case!r}: new_value")
    low, high = sorted((current, claimed)) if not math.isnan(current) else (-math.inf, math.inf)
    if granted in (current, claimed) or not low < granted < high:
        raise ScorecardError(
            f"appeal case {case!r}: 'partly' grants a value strictly between the current "
            f"value {current:g} and the claimed value {claimed:g}, found {granted:g}"
        )
    return row, granted, by, why


def close_case(
    cases: pd.DataFrame,
    case: str,
    decision: Decision,
    *,
    granted: float,
    decided_by: str,
    decided_on: dt.date | None,
    rationale: str,
) -> pd.DataFrame:
    """Return ``cases`` with ``case`` decided (never modifies ``cases``)."""
    out = cases.copy()
    out.loc[case, ["status", "decision", "decided_by", "rationale"]] = [
        decision,
        decision,
        decided_by,
        rationale,
    ]
    out.loc[case, "granted_value"] = granted
    out.loc[case, "decided_on"] = pd.NaT if decided_on is None else pd.Timestamp(decided_on)
    return out
