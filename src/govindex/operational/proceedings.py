"""The record of an assessment round (publication, verification, cases, events, commission)
and the commission's steps.

:class:`Proceedings` is the office's side of an
:class:`~govindex.operational.result.OperationalResult` — everything that happened to
the scores after the values were reported: the verification records applied before
scoring, the publication date of the preliminary results (the start of the appeal
deadline), the appeal cases, the audit trail and the Assessment Commission's decision
(:class:`Commission`) with its conclusions per body and block
(:func:`conclusions_table`). :class:`CommissionSteps` holds the methods
``finalize`` and ``reopen`` of the result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar, Self

import pandas as pd

from govindex.exceptions import ScorecardError, format_items
from govindex.operational._dates import as_date, iso
from govindex.operational.appeals import empty_cases
from govindex.operational.audit import append_event, empty_events

if TYPE_CHECKING:
    from govindex.operational._scoring import ScoreTables
    from govindex.operational.scorecard import Scorecard

__all__ = [
    "CONCLUSION_COLUMNS",
    "Commission",
    "CommissionSteps",
    "Proceedings",
    "conclusions_table",
    "empty_conclusions",
]

#: Columns of the ``conclusions`` table (index ``entity``, ``block``).
CONCLUSION_COLUMNS: dict[str, str] = {
    "points": "float64",
    "max_points": "float64",
    "percent": "float64",
    "conclusion": "str",
    "source": "str",
}


@dataclass(frozen=True)
class Commission:
    """The Assessment Commission's decision that made a result final.

    Attributes
    ----------
    decided_on : datetime.date
        Date of the commission's meeting.
    protocol : str
        Number (or reference) of its protocol.
    members : tuple of str
        The members who took the decision.
    """

    decided_on: dt.date
    protocol: str
    members: tuple[str, ...]

    @classmethod
    def of(cls, *, decided_on: Any, protocol: Any, members: Any) -> Commission:
        """Validate the commission's metadata (a date, a protocol, at least one member).

        Examples
        --------
        >>> Commission.of(decided_on="2020-03-02", protocol="No. 4", members=["A. B."])
        Commission(decided_on=datetime.date(2020, 3, 2), protocol='No. 4', members=('A. B.',))
        """
        on = as_date(decided_on, "finalize: decided_on")
        if not isinstance(protocol, str) or not protocol.strip():
            raise ScorecardError(
                f"finalize: protocol must name the commission's protocol, found {protocol!r}"
            )
        if isinstance(members, str) or not isinstance(members, Iterable):
            raise ScorecardError(f"finalize: members must be a list of names, found {members!r}")
        names = tuple(str(m).strip() for m in members)
        if not names or any(not n for n in names):
            raise ScorecardError(
                f"finalize: members must list at least one name and no empty one, found {members!r}"
            )
        dups = sorted({n for n in names if names.count(n) > 1})
        if dups:
            raise ScorecardError(f"finalize: member(s) {format_items(dups)} listed twice")
        return cls(on, protocol.strip(), names)

    def to_dict(self) -> dict[str, Any]:
        """``{"decided_on": ISO date, "protocol": ..., "members": [...]}``."""
        return {
            "decided_on": iso(self.decided_on),
            "protocol": self.protocol,
            "members": list(self.members),
        }


def empty_conclusions() -> pd.DataFrame:
    """A ``conclusions`` table without rows."""
    frame = pd.DataFrame({c: pd.Series(dtype=t) for c, t in CONCLUSION_COLUMNS.items()})
    frame.index = pd.MultiIndex.from_arrays(
        [pd.Index([], dtype="str"), pd.Index([], dtype="str")], names=["entity", "block"]
    )
    return frame


def _given(conclusions: Any) -> pd.DataFrame:
    """The commission's conclusions as a frame (entity, block, conclusion)."""
    if isinstance(conclusions, pd.DataFrame):
        frame = conclusions.reset_index() if "entity" not in conclusions.columns else conclusions
        missing = [c for c in ("entity", "block", "conclusion") if c not in frame.columns]
        if missing:
            raise ScorecardError(
                f"finalize: conclusions lack the column(s) {format_items(missing)}; expected "
                "entity, block, conclusion (one row per body and block)"
            )
        return frame.loc[:, ["entity", "block", "conclusion"]].reset_index(drop=True)
    if isinstance(conclusions, Mapping):
        keys = list(conclusions)
        bad = [k for k in keys if not (isinstance(k, tuple) and len(k) == 2)]
        if bad:
            raise ScorecardError(
                f"finalize: conclusions must be keyed by (entity, block), found {format_items(bad)}"
            )
        return pd.DataFrame(
            {
                "entity": [k[0] for k in keys],
                "block": [k[1] for k in keys],
                "conclusion": [conclusions[k] for k in keys],
            }
        )
    raise ScorecardError(
        "finalize: conclusions must be a DataFrame (entity, block, conclusion) or a mapping "
        f"{{(entity, block): text}}, found {type(conclusions).__name__}"
    )


def conclusions_table(
    conclusions: Any, by_block: pd.DataFrame, direction_names: Mapping[str, str]
) -> pd.DataFrame:
    """The conclusions of a final result: the commission's text per (body, block), and a
    drafted text for the pairs it did not write.

    ``by_block`` is :meth:`OperationalResult.block_conclusions`. A drafted conclusion
    states the block's points, its percentage and the direction that lost most points;
    ``source`` says ``commission`` or ``drafted``.
    """
    weakest = (
        by_block["weakest_direction"].map(direction_names).fillna(by_block["weakest_direction"])
    )
    drafted = (
        by_block["points"].map("{:.1f}".format)
        + " of "
        + by_block["max_points"].map("{:g}".format)
        + " points ("
        + by_block["percent"].map("{:.0f}".format)
        + " %); the direction that lost most points: "
        + weakest
        + " (−"
        + by_block["weakest_direction_lost"].map("{:.1f}".format)
        + ")"
    )
    out = pd.DataFrame(
        {
            "points": by_block["points"],
            "max_points": by_block["max_points"],
            "percent": by_block["percent"],
            "conclusion": drafted,
            "source": "drafted",
        },
        index=by_block.index,
    ).astype(CONCLUSION_COLUMNS)
    if conclusions is None:
        return out
    given = _given(conclusions)
    keys = pd.MultiIndex.from_arrays(
        [given["entity"].astype("str"), given["block"].astype("str")], names=["entity", "block"]
    )
    unknown = keys[~keys.isin(out.index)]
    if len(unknown):
        raise ScorecardError(
            f"finalize: conclusions for unknown (entity, block) pair(s) "
            f"{format_items([f'{e}/{b}' for e, b in unknown])}; the blocks are "
            f"{format_items(sorted(set(out.index.get_level_values('block'))))}"
        )
    if keys.has_duplicates:
        dups = keys[keys.duplicated()]
        raise ScorecardError(
            f"finalize: two conclusions for {format_items([f'{e}/{b}' for e, b in dups])}"
        )
    text = given["conclusion"]
    empty = text.isna().to_numpy() | (text.astype("str").str.strip() == "").to_numpy()
    if empty.any():
        raise ScorecardError(
            "finalize: empty conclusion(s) for "
            f"{format_items([f'{e}/{b}' for e, b in keys[empty]])}"
        )
    out.loc[keys, "conclusion"] = text.astype("str").str.strip().to_numpy()
    out.loc[keys, "source"] = "commission"
    return out


@dataclass(frozen=True)
class Proceedings:
    """What happened to a round's scores after the values were reported (internal container).

    Attributes
    ----------
    reported : DataFrame
        The validated inputs as reported (before verification corrections).
    verification : DataFrame
        The verification records applied before scoring (empty: none).
    published_on : datetime.date or None
        Publication date of the preliminary results.
    opened_on : datetime.date or None
        Start of the current appeal window (the publication, or the last reopening).
    cases : DataFrame
        The appeal cases (index ``case``).
    events : DataFrame
        The audit trail.
    commission : Commission or None
        The decision that made the result final (None while preliminary).
    conclusions : DataFrame
        The final conclusions per (entity, block) (empty while preliminary).
    """

    reported: pd.DataFrame
    verification: pd.DataFrame
    published_on: dt.date | None
    opened_on: dt.date | None
    cases: pd.DataFrame
    events: pd.DataFrame
    commission: Commission | None
    conclusions: pd.DataFrame

    @classmethod
    def start(
        cls,
        reported: pd.DataFrame,
        verification: pd.DataFrame,
        published_on: dt.date | None,
        events: pd.DataFrame | None = None,
    ) -> Proceedings:
        """The record of a round just scored."""
        return cls(
            reported=reported,
            verification=verification,
            published_on=published_on,
            opened_on=published_on,
            cases=empty_cases(),
            events=empty_events() if events is None else events,
            commission=None,
            conclusions=empty_conclusions(),
        )


class CommissionSteps:
    """The commission's methods of :class:`~govindex.operational.result.OperationalResult`:
    :meth:`finalize` (the final result with its conclusions) and :meth:`reopen`."""

    __dataclass_fields__: ClassVar[dict[str, Any]]
    scorecard: Scorecard
    stage: str
    _score_tables: ScoreTables
    _record: Proceedings

    if TYPE_CHECKING:

        @property
        def preliminary(self) -> Any: ...

        def block_conclusions(self) -> pd.DataFrame: ...

    def finalize(
        self,
        *,
        decided_on: dt.date | str,
        protocol: str,
        members: Sequence[str],
        conclusions: pd.DataFrame | Mapping[tuple[str, str], str] | None = None,
    ) -> Self:
        """Record the Assessment Commission's decision; return the ``final`` result.

        Parameters
        ----------
        decided_on : date or ISO string
            Date of the commission's meeting (not before any appeal decision).
        protocol : str
            Its protocol number.
        members : sequence of str
            The members who decided.
        conclusions : DataFrame or mapping, optional
            The commission's conclusions per body and block: a frame with columns
            ``entity``, ``block``, ``conclusion`` or a mapping ``{(entity, block):
            text}``. Pairs without one get a drafted conclusion (points, percent and
            the weakest direction; ``source = "drafted"``).

        Returns
        -------
        OperationalResult
            Stage ``final`` with :attr:`commission` and :attr:`conclusions`; no more
            appeals are accepted (unless the commission :meth:`reopen` s the round).

        Raises
        ------
        ScorecardError
            Already final; a pending case; a date before an appeal decision; missing
            protocol or members; conclusions for unknown bodies or blocks, duplicated
            or empty.

        Examples
        --------
        >>> import pandas as pd, warnings, govindex.operational
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     res = govindex.operational.read_scorecard("local").score(pd.DataFrame(
        ...         {"entity": ["R01"], "criterion": ["open_data"], "value": [0.6]}))
        >>> final = res.finalize(decided_on="2020-03-02", protocol="No. 4", members=["A. B."],
        ...                      conclusions={("R01", "B2"): "Publish the open data sets."})
        >>> final.stage, final.conclusions.loc[("R01", "B2"), "source"]
        ('final', 'commission')
        """
        if self.stage == "final":
            raise ScorecardError("the result is already final")
        commission = Commission.of(decided_on=decided_on, protocol=protocol, members=members)
        cases = self._record.cases
        pending = cases.index[cases["status"] == "pending"].tolist()
        if pending:
            raise ScorecardError(
                f"cannot finalise: appeal case(s) {format_items(pending)} are pending; decide "
                "them first"
            )
        latest = cases["decided_on"].max() if len(cases) else pd.NaT
        if pd.notna(latest) and pd.Timestamp(commission.decided_on) < latest:
            raise ScorecardError(
                f"finalize: decided_on {commission.decided_on} is before the last appeal "
                f"decision ({pd.Timestamp(latest).date()})"
            )
        names = {d.code: d.name for d in self.scorecard.directions}
        table = conclusions_table(conclusions, self.block_conclusions(), names)
        given = table.loc[table["source"] == "commission", "conclusion"]
        rec = self._record
        events = append_event(
            rec.events,
            "finalised",
            on=iso(commission.decided_on),
            by=", ".join(commission.members),
            what=f"final results adopted, protocol {commission.protocol}",
            total_after=float(self._score_tables.totals["total"].sum()),
            details={
                **commission.to_dict(),
                "conclusions": [
                    [str(e), str(b), str(t)]
                    for (e, b), t in zip(given.index, given.to_numpy(), strict=True)
                ],
            },
        )
        return replace(
            self,
            stage="final",
            _initial=self.preliminary,
            _record=replace(rec, commission=commission, conclusions=table, events=events),
        )

    def reopen(
        self, *, decided_on: dt.date | str, protocol: str, reason: str, decided_by: str
    ) -> Self:
        """Reopen a final result by a commission decision (e.g. after a court ruling).

        The result returns to the ``preliminary`` stage: new appeals can be filed within
        :attr:`Scorecard.appeal_days` days of ``decided_on``, and :meth:`finalize` is
        needed again. The earlier decision stays in :attr:`events`.

        Examples
        --------
        >>> import pandas as pd, warnings, govindex.operational
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     res = govindex.operational.read_scorecard("local").score(pd.DataFrame(
        ...         {"entity": ["R01"], "criterion": ["open_data"], "value": [0.6]}))
        >>> final = res.finalize(decided_on="2020-03-02", protocol="4", members=["A. B."])
        >>> again = final.reopen(decided_on="2020-05-04", protocol="9", reason="court ruling",
        ...                      decided_by="commission")
        >>> again.stage, again.appeal_deadline, again.events["event"].tolist()[-2:]
        ('preliminary', datetime.date(2020, 5, 14), ['finalised', 'reopened'])
        """
        if self.stage != "final":
            raise ScorecardError("only a final result can be reopened; this one is preliminary")
        on = as_date(decided_on, "reopen: decided_on")
        assert self._record.commission is not None  # a final result has its commission
        if on < self._record.commission.decided_on:
            raise ScorecardError(
                f"reopen: decided_on {on} is before the finalisation "
                f"({self._record.commission.decided_on})"
            )
        for name, text in (("protocol", protocol), ("reason", reason), ("decided_by", decided_by)):
            if not isinstance(text, str) or not text.strip():
                raise ScorecardError(f"reopen: {name} must be a non-empty text, found {text!r}")
        rec = self._record
        events = append_event(
            rec.events,
            "reopened",
            on=iso(on),
            by=decided_by.strip(),
            what=f"final results reopened, protocol {protocol.strip()}",
            why=reason.strip(),
            details={"protocol": protocol.strip()},
        )
        return replace(
            self,
            stage="preliminary",
            _initial=self.preliminary,
            _record=replace(
                rec,
                opened_on=on,
                commission=None,
                conclusions=rec.conclusions.iloc[:0],
                events=events,
            ),
        )
