"""The appeal steps of an operational round: file a case, decide it, or both at once.

:class:`AppealSteps` holds the methods :meth:`~AppealSteps.file_appeal`,
:meth:`~AppealSteps.decide_appeal` and the what-if shortcut :meth:`~AppealSteps.appeal`
of :class:`~govindex.operational.result.OperationalResult` (which derives from it);
each returns a new result with the case register, the decision log and the audit trail
extended. The rules are in :mod:`govindex.operational.appeals`.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar, Self

import numpy as np
import pandas as pd

from govindex.exceptions import ScorecardError
from govindex.operational._dates import as_date, iso
from govindex.operational._scoring import ScoreTables, compute_tables, validate_inputs
from govindex.operational.appeals import (
    LOG_COLUMNS,
    Decision,
    Material,
    check_claim,
    check_decision,
    close_case,
    materials_of,
    new_case,
)
from govindex.operational.audit import append_event

if TYPE_CHECKING:
    from govindex.operational.proceedings import Proceedings
    from govindex.operational.scorecard import Scorecard

__all__ = ["AppealSteps", "cell"]


def cell(frame: pd.DataFrame, row: str, col: str) -> float:
    """Return one numeric cell as a Python float."""
    return float(frame.to_numpy()[frame.index.get_loc(row), frame.columns.get_loc(col)])


class AppealSteps:
    """The appeal methods of :class:`~govindex.operational.result.OperationalResult`."""

    __dataclass_fields__: ClassVar[dict[str, Any]]
    scorecard: Scorecard
    stage: str
    _inputs: pd.DataFrame
    _score_tables: ScoreTables
    _appeals: pd.DataFrame
    _record: Proceedings

    if TYPE_CHECKING:

        @property
        def preliminary(self) -> Any: ...

        @property
        def entities(self) -> pd.Index: ...

        def _check_entity(self, entity: str) -> None: ...

    def file_appeal(
        self,
        entity: str,
        criterion: str,
        *,
        claimed_value: float,
        reason: str,
        filed_by: str,
        filed_on: dt.date | str,
        materials: Iterable[str | os.PathLike[str] | Material] = (),
        accept_late: str | None = None,
        case: str | None = None,
    ) -> Self:
        """File an appeal case (state ``pending``); return a new result.

        Parameters
        ----------
        entity, criterion : str
            The body and the item appealed.
        claimed_value : float
            The value the body claims (a finite number that differs from the current
            value; NaN is refused).
        reason : str
            The grounds of the appeal.
        filed_by : str
            Who filed it.
        filed_on : date or ISO string
            The filing date. The deadline is :attr:`Scorecard.appeal_days` days after
            the publication of the preliminary results (``score(...,
            published_on=...)``) or after the commission reopened the round.
        materials : iterable of paths or Material
            Supporting documents: each file is recorded by its path, SHA-256 and size
            (not copied).
        accept_late : str, optional
            The stated reason for accepting a filing after the deadline; a late filing
            without it is refused.
        case : str, optional
            The case id (default ``<scorecard code>-<year>-<NNN>`` in filing order).

        Returns
        -------
        OperationalResult
            With the new case in :attr:`cases` (its id: ``result.cases.index[-1]``)
            and an ``appeal filed`` event; ``self`` is unchanged.

        Raises
        ------
        ScorecardError
            After :meth:`finalize`; without a publication date; an unknown entity or
            criterion; a claimed value that is not a finite number, equals the
            current value or does not fit the criterion (its range, 0/1 for a yes/no
            item, a whole count); an empty reason or ``filed_by``; a filing before the
            publication, or after the deadline without ``accept_late``; a case id
            already taken; a pending case on the same criterion; a missing material.

        Examples
        --------
        >>> import pandas as pd, warnings
        >>> from govindex.operational import read_scorecard
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     pre = read_scorecard("local").score(
        ...         pd.DataFrame({"entity": ["R01"], "criterion": ["open_data"], "value": [0.6]}),
        ...         published_on="2020-02-03")
        >>> res = pre.file_appeal("R01", "open_data", claimed_value=0.9, reason="portal audit",
        ...                       filed_by="R01 office", filed_on="2020-02-10")
        >>> res.cases.loc["local-2019-001", ["status", "deadline"]].tolist()
        ['pending', Timestamp('2020-02-13 00:00:00')]
        """
        if self._record.opened_on is None:
            raise ScorecardError(
                f"appeal {entity}/{criterion}: the preliminary results have no publication "
                "date, so the appeal deadline cannot be checked; score with "
                "published_on=... (or use the appeal() shortcut for what-if analysis)"
            )
        on = as_date(filed_on, f"appeal {entity}/{criterion}: filed_on")
        return self._file(
            entity,
            criterion,
            claimed_value,
            reason=reason,
            filed_by=filed_by,
            filed_on=on,
            materials=materials_of(materials),
            accept_late=accept_late,
            case=case,
        )

    def _file(
        self,
        entity: str,
        criterion: str,
        claimed_value: Any,
        *,
        reason: str,
        filed_by: str,
        filed_on: dt.date | None,
        materials: list[Material],
        accept_late: str | None,
        case: str | None,
        via: str = "",
    ) -> Self:
        self._check_open(f"appeal {entity}/{criterion}")
        self._check_entity(entity)
        self.scorecard.item(criterion)  # raises for an unknown or retired criterion
        label = f"{entity}/{criterion}"
        current = cell(self._score_tables.input_values, entity, criterion)
        claimed, why, by = check_claim(
            label, claimed_value=claimed_value, current=current, reason=reason, filed_by=filed_by
        )
        self._with_value(entity, criterion, claimed, "")  # the claim must fit the criterion
        rec = self._record
        cases = new_case(
            rec.cases,
            case,
            default_id=f"{self.scorecard.code}-{self.scorecard.year}-{len(rec.cases) + 1:03d}",
            entity=entity,
            criterion=criterion,
            claimed=claimed,
            current=current,
            reason=why,
            materials=materials,
            filed_by=by,
            filed_on=filed_on,
            opened_on=rec.opened_on,
            appeal_days=self.scorecard.appeal_days,
            accept_late=accept_late,
        )
        case_id = str(cases.index[-1])
        late = bool(cases["late"].iloc[-1])
        events = append_event(
            rec.events,
            "appeal filed",
            on=iso(filed_on),
            by=by,
            case=case_id,
            entity=entity,
            criterion=criterion,
            what=f"appeal filed{' late (accepted)' if late else ''}",
            why=why,
            value_before=current,
            value_after=claimed,
            total_before=cell(self._score_tables.totals, entity, "total"),
            details={
                "claimed_value": claimed,
                "materials": [m.to_dict() for m in materials],
                "accept_late": accept_late,
                "via": via,
            },
        )
        return replace(
            self,
            _record=replace(rec, cases=cases, events=events),
            _initial=self.preliminary,
        )

    def decide_appeal(
        self,
        case: str,
        decision: Decision,
        *,
        new_value: float | None = None,
        decided_by: str,
        decided_on: dt.date | str,
        rationale: str,
    ) -> Self:
        """Record the commission's decision on a pending case; return a new result.

        Parameters
        ----------
        case : str
            The case id (:attr:`cases`).
        decision : {"upheld", "partly", "rejected"}
            ``upheld``: the claimed value replaces the current value; ``partly``:
            ``new_value``, strictly between the current and the claimed value,
            replaces it; ``rejected``: the current value stays. The whole table is
            re-scored (ranks of other bodies may move).
        new_value : float, optional
            The value granted by a ``partly`` decision (only then).
        decided_by, rationale : str
            Who decided, and why.
        decided_on : date or ISO string
            The decision date (not before the filing).

        Returns
        -------
        OperationalResult
            The case closed, one more row in :attr:`appeals` (values, points, total,
            rank and level before and after) and an ``appeal decided`` event.

        Raises
        ------
        ScorecardError
            After :meth:`finalize`; an unknown case; a case already decided; an
            unknown decision; ``new_value`` missing for ``partly``, given for
            ``rejected``, or not between the values; a value out of the criterion's
            range; a decision dated before the filing; empty ``decided_by`` or
            ``rationale``.

        Examples
        --------
        >>> import pandas as pd, warnings
        >>> from govindex.operational import read_scorecard
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     pre = read_scorecard("local").score(
        ...         pd.DataFrame({"entity": ["R01"], "criterion": ["open_data"], "value": [0.6]}),
        ...         published_on="2020-02-03")
        >>> res = pre.file_appeal("R01", "open_data", claimed_value=0.9, reason="portal audit",
        ...                       filed_by="R01 office", filed_on="2020-02-10", case="A-1")
        >>> res = res.decide_appeal("A-1", "partly", new_value=0.8, decided_by="commission",
        ...                         decided_on="2020-02-20", rationale="two data sets counted")
        >>> res.appeals.loc[0, ["points_before", "points_after"]].tolist()  # 2·0.2, 2·0.6
        [0.4, 1.2]
        """
        self._check_open(f"appeal case {case!r}")
        rec = self._record
        entity = str(rec.cases.loc[case, "entity"]) if case in rec.cases.index else ""
        criterion = str(rec.cases.loc[case, "criterion"]) if entity else ""
        current = cell(self._score_tables.input_values, entity, criterion) if entity else np.nan
        on = as_date(decided_on, f"appeal case {case!r}: decided_on")
        row, granted, by, why = check_decision(
            rec.cases,
            case,
            decision,
            new_value=new_value,
            current=current,
            decided_by=decided_by,
            decided_on=on,
            rationale=rationale,
        )
        return self._decide(case, row, decision, granted, by=by, on=on, why=why)

    def _decide(
        self,
        case: str,
        row: Mapping[str, Any],
        decision: Decision,
        granted: float | None,
        *,
        by: str,
        on: dt.date | None,
        why: str,
    ) -> Self:
        entity, criterion = str(row["entity"]), str(row["criterion"])
        old = cell(self._score_tables.input_values, entity, criterion)
        if granted is None:
            inputs, tables, applied = self._inputs, self._score_tables, old
        else:
            inputs = self._with_value(
                entity, criterion, granted, f"case {case} ({decision}): {row['reason']}"
            )
            tables = compute_tables(
                self.scorecard, inputs, entities=list(self.entities), warn=False
            )
            applied = granted
        t0 = self._score_tables.totals.loc[entity].to_dict()
        t1 = tables.totals.loc[entity].to_dict()
        log_row = pd.DataFrame(
            {
                "round": [len(self._appeals) + 1],
                "case": [case],
                "entity": [entity],
                "criterion": [criterion],
                "decision": [decision],
                "decided_on": [pd.Timestamp(on) if on is not None else pd.NaT],
                "reason": [str(row["reason"])],
                "old_value": [old],
                "claimed_value": [float(row["claimed_value"])],
                "applied_value": [applied],
                "points_before": [cell(self._score_tables.points, entity, criterion)],
                "points_after": [cell(tables.points, entity, criterion)],
                "total_before": [float(t0["total"])],
                "total_after": [float(t1["total"])],
                "rank_before": [int(t0["rank"])],
                "rank_after": [int(t1["rank"])],
                "level_before": [str(t0["level"])],
                "level_after": [str(t1["level"])],
            }
        ).astype(LOG_COLUMNS)
        log = log_row if self._appeals.empty else pd.concat([self._appeals, log_row])
        rec = self._record
        events = append_event(
            rec.events,
            "appeal decided",
            on=iso(on),
            by=by,
            case=case,
            entity=entity,
            criterion=criterion,
            what=f"appeal {decision}",
            why=why,
            value_before=old,
            value_after=applied,
            total_before=float(t0["total"]),
            total_after=float(t1["total"]),
            details={"decision": decision, "new_value": None if decision != "partly" else granted},
        )
        cases = close_case(
            rec.cases,
            case,
            decision,
            granted=applied,
            decided_by=by,
            decided_on=on,
            rationale=why,
        )
        return replace(
            self,
            _inputs=inputs,
            _score_tables=tables,
            _appeals=log.reset_index(drop=True),
            _initial=self.preliminary,
            _record=replace(rec, cases=cases, events=events),
        )

    def _with_value(self, entity: str, criterion: str, value: float, note: str) -> pd.DataFrame:
        """The inputs in force with one value replaced (validated against the scorecard)."""
        at = (self._inputs["entity"] == entity) & (self._inputs["criterion"] == criterion)
        before = self._inputs.loc[at, "evidence"]
        prior = "" if before.empty or pd.isna(before.iloc[0]) else f"{before.iloc[0]} | "
        row = pd.DataFrame(
            {
                "entity": [entity],
                "criterion": [criterion],
                "value": [value],
                "evidence": [f"{prior}{note}"],
            }
        )
        candidate = pd.concat([self._inputs.loc[~at], row], ignore_index=True)
        return validate_inputs(self.scorecard, candidate, entities=list(self.entities))

    def appeal(
        self,
        entity: str,
        criterion: str,
        claimed_value: float,
        *,
        reason: str,
        decision: Decision,
        new_value: float | None = None,
    ) -> Self:
        """Shortcut for what-if analysis: file a case and decide it at once, undated.

        The case is recorded without dates or actors (and no deadline is checked); an
        assessment office records appeals with :meth:`file_appeal` and
        :meth:`decide_appeal` (or an appeals register, :func:`apply_appeals`).

        Parameters
        ----------
        entity, criterion : str
        claimed_value : float
            The value the body asks for; granted as it is when ``upheld``.
        reason : str
        decision : {"upheld", "partly", "rejected"}
        new_value : float, optional
            The value granted by a ``partly`` decision.

        Examples
        --------
        >>> import pandas as pd, warnings
        >>> from govindex.operational import read_scorecard
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     pre = read_scorecard("local").score(pd.DataFrame(
        ...         {"entity": ["R01"], "criterion": ["open_data"], "value": [0.6]}))
        >>> res = pre.appeal("R01", "open_data", 0.9, reason="portal audit", decision="upheld")
        >>> res.appeals.loc[0, ["points_before", "points_after"]].tolist()  # 2·0.2, 2·0.8
        [0.4, 1.6]
        >>> float(pre.points.loc["R01", "open_data"])  # the preliminary result is unchanged
        0.4
        """
        filed = self._file(
            entity,
            criterion,
            claimed_value,
            reason=reason,
            filed_by="(what-if)",
            filed_on=None,
            materials=[],
            accept_late=None,
            case=None,
            via="appeal()",
        )
        case = str(filed._record.cases.index[-1])
        current = cell(self._score_tables.input_values, entity, criterion)
        row, granted, by, why = check_decision(
            filed._record.cases,
            case,
            decision,
            new_value=new_value,
            current=current,
            decided_by="(what-if)",
            decided_on=None,
            rationale=reason,
        )
        return filed._decide(case, row, decision, granted, by=by, on=None, why=why)

    def _check_open(self, what: str) -> None:
        if self.stage == "final":
            raise ScorecardError(
                f"{what}: the result is final and appeals are closed (commission protocol "
                f"{self._record.commission.protocol if self._record.commission else '?'}); "
                "record appeals before finalize(), or reopen() the round by a commission "
                "decision"
            )
