"""The recommendations register: what follows the final conclusions, and its monitoring.

A recommendation belongs to one body, has a type (by default the block it follows
from), an owner (who in the body answers for it), a due date, a status and the
evidence of its implementation. Statuses:

* ``open`` — issued, no work reported;
* ``in progress`` — work reported, not finished;
* ``done`` — implemented (needs the ``completed`` date; ``evidence`` says what shows it);
* ``overdue`` — not done by its due date. A register can record it, and every
  monitoring derives it: on the monitoring date ``as_of``, a recommendation that is
  not done (or was done after ``as_of``) and whose due date has passed is overdue.

For a monitoring year Y (:meth:`Recommendations.monitoring`) the recommendations *due
in Y* are counted as of ``as_of`` (default 31 December of Y):

    rate = done / due in Y,   on_time_rate = done by the due date / due in Y

per body, per recommendation type and overall; the overdue items are listed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
from pandas._libs.tslibs.nattype import NaTType

from govindex._provenance import fingerprint_frame
from govindex.exceptions import ScorecardError, format_items
from govindex.operational._dates import as_date
from govindex.operational.result import OperationalResult
from govindex.results import HandOut, TableResult

__all__ = ["MonitoringReport", "Recommendations", "Status", "draft_recommendations"]

Status = Literal["open", "in progress", "done", "overdue"]
_REQUIRED = ("recommendation", "entity", "text", "owner", "due", "status")
_OPTIONAL = ("type", "block", "issued", "completed", "evidence", "note")
_COUNTS = ("due", "done", "done_on_time", "in_progress", "open", "overdue")


@dataclass(frozen=True)
class MonitoringReport:
    """Monitoring of the recommendations due in one year, as of a date.

    Attributes
    ----------
    year : int
        The monitoring year (recommendations with a due date in it are counted).
    as_of : datetime.date
        The monitoring date.
    by_entity, by_type : DataFrame
        Index ``entity`` / ``type``: counts ``due``, ``done``, ``done_on_time``,
        ``in_progress``, ``open``, ``overdue`` (the states as of ``as_of``), and
        ``rate`` (done / due) and ``on_time_rate`` (done by the due date / due).
    overall : Series
        The same over all bodies.
    overdue : DataFrame
        The overdue recommendations (index ``recommendation``): entity, type, owner,
        due, days_overdue, recorded status and text, most overdue first.
    """

    year: int
    as_of: dt.date
    by_entity: pd.DataFrame
    by_type: pd.DataFrame
    overall: pd.Series
    overdue: pd.DataFrame


def _dates(values: pd.Series, column: str, ids: pd.Series, *, allow_missing: bool) -> pd.Series:
    """Parse a date column (ISO strings or dates; numbers refused)."""
    out: list[pd.Timestamp | NaTType] = []
    for rec, v in zip(ids, values, strict=True):  # register rows: a few hundred at most
        if allow_missing and (v is None or (not isinstance(v, str) and pd.isna(v)) or v == ""):
            out.append(pd.NaT)
        else:
            out.append(pd.Timestamp(as_date(v, f"recommendation {rec!r}: {column}")))
    return pd.Series(out, index=values.index, dtype="datetime64[s]")


def _texts(df: pd.DataFrame, column: str, default: str) -> np.ndarray:
    if column not in df.columns:
        return np.full(len(df), default, dtype=object)
    return df[column].fillna(default).astype("str").str.strip().to_numpy()


@dataclass(frozen=True, repr=False, eq=False)
class Recommendations(TableResult):
    """A validated, immutable register of recommendations (see the module docstring).

    Build it with :meth:`from_frame` or :func:`draft_recommendations`; :meth:`update`
    returns a new register. It follows the :class:`~govindex.results.TableResult`
    protocol: :meth:`tables` holds the register (``recommendations``), handed out
    read-only.

    Examples
    --------
    >>> recs = Recommendations.from_frame(pd.DataFrame({
    ...     "recommendation": ["r1", "r2", "r3"], "entity": ["R01", "R01", "R02"],
    ...     "text": ["a", "b", "c"], "owner": ["deputy head", "CFO", "head"],
    ...     "due": ["2020-06-30", "2020-12-31", "2020-12-31"],
    ...     "status": ["done", "in progress", "open"],
    ...     "completed": ["2020-05-15", None, None]}))
    >>> rep = recs.monitoring(2020, as_of="2021-01-15")
    >>> rep.by_entity["rate"].tolist()  # R01: 1 done of 2; R02: 0 of 1
    [0.5, 0.0]
    >>> rep.overdue.index.tolist()  # not done and past their due date
    ['r2', 'r3']
    """

    _table: pd.DataFrame

    table = HandOut[pd.DataFrame]("_table")

    def __len__(self) -> int:
        return len(self._table)

    def __repr__(self) -> str:
        counts = self._table["status"].value_counts().to_dict()
        return f"Recommendations(n={len(self._table)}, status={counts})"

    @property
    def provenance(self) -> dict[str, Any]:
        """The kind of table, the number of recommendations and the register's fingerprint."""
        return {
            "kind": "operational_recommendations",
            "n_recommendations": len(self._table),
            "fingerprint": fingerprint_frame(self._table),
        }

    def _tables(self) -> dict[str, pd.DataFrame]:
        return {"recommendations": self._table}

    def _summary(self) -> tuple[str, list[str]]:
        counts = self._table["status"].value_counts().to_dict()
        return "Recommendations", [f"{len(self._table)} recommendation(s); status {counts}"]

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Recommendations:
        """Validate a register of recommendations.

        Parameters
        ----------
        frame : DataFrame
            Columns ``recommendation`` (unique id; or the index, if named so),
            ``entity``, ``text``, ``owner``, ``due`` (date), ``status`` and optionally
            ``type`` (default: ``block``, else ``general``), ``block``, ``issued``
            (assessment year), ``completed`` (date), ``evidence`` and ``note``.

        Raises
        ------
        ScorecardError
            Missing columns, duplicated ids, an unknown status, an empty owner, a date
            that is not a date (numbers are refused), ``done`` without its
            ``completed`` date, or a ``completed`` date on a recommendation not done.
        """
        if not isinstance(frame, pd.DataFrame):
            raise ScorecardError(
                f"recommendations must be a DataFrame, found {type(frame).__name__}"
            )
        df = frame.reset_index() if frame.index.name == "recommendation" else frame.copy()
        missing = [c for c in _REQUIRED if c not in df.columns]
        if missing:
            raise ScorecardError(
                f"recommendations lack the column(s) {format_items(missing)}; expected "
                f"{list(_REQUIRED)} (+ optional {list(_OPTIONAL)})"
            )
        ids = df["recommendation"].astype(str)
        dup = ids[ids.duplicated()].unique().tolist()
        if dup:
            raise ScorecardError(f"recommendations: duplicated id(s) {format_items(dup)}")
        status = df["status"].astype(str).str.strip()
        bad = ~status.isin(get_args(Status))
        if bad.any():
            labels = [f"{i}: {s!r}" for i, s in zip(ids[bad], status[bad], strict=True)]
            raise ScorecardError(
                f"recommendations: unknown status in {format_items(labels)}; expected one of "
                f"{list(get_args(Status))}"
            )
        owner = pd.Series(_texts(df, "owner", ""), index=df.index)
        if (owner == "").any():
            raise ScorecardError(
                f"recommendations: no owner for {format_items(ids[owner == ''])}; name who "
                "answers for each recommendation (or 'unassigned')"
            )
        completed = _dates(
            df["completed"] if "completed" in df else pd.Series([None] * len(df), index=df.index),
            "completed", ids, allow_missing=True,
        )  # fmt: skip
        no_date = (status == "done") & completed.isna()
        if no_date.any():
            raise ScorecardError(
                f"recommendations: 'done' without a completed date for {format_items(ids[no_date])}"
            )
        not_done = (status != "done") & completed.notna()
        if not_done.any():
            raise ScorecardError(
                "recommendations: a completed date on a recommendation that is not done: "
                f"{format_items(ids[not_done])}; set its status to 'done'"
            )
        block = _texts(df, "block", "")
        kind = _texts(df, "type", "")
        kind = np.where(kind == "", np.where(block == "", "general", block), kind)
        issued = df["issued"] if "issued" in df else pd.Series([pd.NA] * len(df), index=df.index)
        out = pd.DataFrame(
            {
                "entity": df["entity"].astype(str).to_numpy(),
                "type": kind.astype(str),
                "block": block.astype(str),
                "text": df["text"].astype(str).to_numpy(),
                "owner": owner.to_numpy(),
                "issued": issued.astype("Int64").to_numpy(),
                "due": _dates(df["due"], "due", ids, allow_missing=False).to_numpy(),
                "status": status.to_numpy(),
                "completed": completed.to_numpy(),
                "evidence": _texts(df, "evidence", "").astype(str),
                "note": _texts(df, "note", "").astype(str),
            },
            index=pd.Index(ids.to_numpy(), name="recommendation", dtype="str"),
        )
        return cls(out.astype({"due": "datetime64[s]", "completed": "datetime64[s]"}))

    def update(
        self,
        recommendation: str,
        *,
        status: Status,
        completed: str | dt.date | None = None,
        evidence: str | None = None,
        owner: str | None = None,
        note: str = "",
    ) -> Recommendations:
        """Return a new register with one recommendation's status (and evidence) changed.

        Examples
        --------
        >>> recs = Recommendations.from_frame(pd.DataFrame({
        ...     "recommendation": ["r1"], "entity": ["R01"], "text": ["a"], "owner": ["head"],
        ...     "due": ["2020-12-31"], "status": ["open"]}))
        >>> done = recs.update("r1", status="done", completed="2020-11-02",
        ...                    evidence="order No. 12 of 2020-11-02")
        >>> done.table.loc["r1", ["status", "evidence"]].tolist()
        ['done', 'order No. 12 of 2020-11-02']
        >>> recs.table["status"].iloc[0]
        'open'
        """
        if recommendation not in self._table.index:
            raise ScorecardError(f"unknown recommendation {recommendation!r}")
        table = self._table.reset_index()
        at = table["recommendation"] == recommendation
        table.loc[at, "status"] = status
        if completed is not None:
            table.loc[at, "completed"] = pd.Timestamp(
                as_date(completed, f"recommendation {recommendation!r}: completed")
            )
        elif status != "done":
            table.loc[at, "completed"] = pd.NaT
        for column, value in (("evidence", evidence), ("owner", owner), ("note", note or None)):
            if value is not None:
                table.loc[at, column] = value
        return replace(self, _table=Recommendations.from_frame(table)._table)

    def status_on(self, as_of: str | dt.date) -> pd.Series:
        """The status of every recommendation on ``as_of``: ``overdue`` when not done by
        then and past its due date, else the recorded status (``done`` only when
        completed by ``as_of``, else ``in progress``)."""
        when = pd.Timestamp(as_date(as_of, "as_of"))
        t = self._table
        done = (t["status"] == "done") & (t["completed"] <= when)
        state = t["status"].where(~((t["status"] == "done") & ~done), "in progress")
        state = state.where(done | ~(t["due"] < when), "overdue")
        return state.rename("status_on")

    def monitoring(self, year: int, *, as_of: str | dt.date | None = None) -> MonitoringReport:
        """Monitoring rates of the recommendations due in ``year`` (see the module docstring).

        Parameters
        ----------
        year : int
            Monitoring year: recommendations whose due date falls in it are counted.
        as_of : date or ISO string, optional
            Monitoring date (default 31 December of ``year``).

        Returns
        -------
        MonitoringReport
        """
        when = as_date(as_of, "as_of") if as_of is not None else dt.date(int(year), 12, 31)
        t = self._table
        due = t.loc[t["due"].dt.year == int(year)]
        if due.empty:
            raise ScorecardError(
                f"no recommendation is due in {year}; due years present: "
                f"{format_items(sorted(t['due'].dt.year.unique().tolist()))}"
            )
        state = self.status_on(when).loc[due.index]
        flags = pd.DataFrame(
            {
                "due": 1,
                "done": state == "done",
                "done_on_time": (state == "done") & (due["completed"] <= due["due"]),
                "in_progress": state == "in progress",
                "open": state == "open",
                "overdue": state == "overdue",
            },
            index=due.index,
        ).astype("int64")

        def rates(frame: pd.DataFrame) -> pd.DataFrame:
            return frame.assign(
                rate=frame["done"] / frame["due"],
                on_time_rate=frame["done_on_time"] / frame["due"],
            )

        by_entity = rates(flags.groupby(due["entity"].rename("entity")).sum())
        by_type = rates(flags.groupby(due["type"].rename("type")).sum())
        total = flags.sum(axis=0).astype("float64")
        total["rate"] = total["done"] / total["due"]
        total["on_time_rate"] = total["done_on_time"] / total["due"]
        late = due.loc[state == "overdue"]
        overdue = pd.DataFrame(
            {
                "entity": late["entity"],
                "type": late["type"],
                "owner": late["owner"],
                "due": late["due"],
                "days_overdue": (pd.Timestamp(when) - late["due"]).dt.days.astype("int64"),
                "recorded_status": late["status"],
                "text": late["text"],
            }
        ).sort_values(["days_overdue", "entity"], ascending=[False, True], kind="stable")
        return MonitoringReport(int(year), when, by_entity, by_type, total, overdue)


def draft_recommendations(
    result: OperationalResult,
    *,
    below_percent: float = 70.0,
    due: str | dt.date | None = None,
    owner: str | Mapping[str, str] = "unassigned",
) -> Recommendations:
    """Draft one recommendation per (body, block) whose final block score is weak.

    A block scoring below ``below_percent`` % of its maximum gets a recommendation
    naming the block, its points and the direction that lost most points. Ids are
    ``<year>-<entity>-<block>``; type the block code; status ``open``; ``issued`` the
    assessment year.

    Parameters
    ----------
    result : OperationalResult
        A ``final`` result (recommendations follow the final conclusions).
    below_percent : float, default 70
        Block threshold in percent of the block's maximum points.
    due : str or date, optional
        Due date; default 31 December of the year after the assessment year.
    owner : str or mapping of entity to str, default "unassigned"
        Who answers for the recommendations (one name, or one per body).

    Returns
    -------
    Recommendations

    Examples
    --------
    >>> import pandas as pd, warnings
    >>> from govindex.operational import read_scorecard
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     res = read_scorecard("local").score(pd.DataFrame(
    ...         {"entity": ["R01"], "criterion": ["strategic_goals"], "value": [1.0]}))
    >>> final = res.finalize(decided_on="2020-03-02", protocol="4", members=["A. B."])
    >>> recs = draft_recommendations(final)
    >>> recs.table.index.tolist()  # 15/40, 0/35, 0/25: every block below 70 %
    ['2019-R01-B1', '2019-R01-B2', '2019-R01-B3']
    """
    if result.stage != "final":
        raise ScorecardError(
            "recommendations follow the final conclusions; call result.finalize(...) first"
        )
    year = result.scorecard.year
    concl = result.block_conclusions()
    weak = concl.loc[concl["percent"] < below_percent].reset_index()
    dir_names = pd.Series({d.code: d.name for d in result.scorecard.directions})
    text = (
        "Raise the score of block '"
        + weak["block_name"]
        + "' ("
        + weak["points"].map("{:.1f}".format)
        + " of "
        + weak["max_points"].map("{:g}".format)
        + " points); the direction that lost most points is '"
        + weak["weakest_direction"].map(dir_names)
        + "' (−"
        + weak["weakest_direction_lost"].map("{:.1f}".format)
        + " points)."
    )
    owners = (
        weak["entity"].map(dict(owner)).fillna("unassigned")
        if isinstance(owner, Mapping)
        else owner
    )
    frame = pd.DataFrame(
        {
            "recommendation": str(year) + "-" + weak["entity"] + "-" + weak["block"],
            "entity": weak["entity"],
            "type": weak["block"],
            "block": weak["block"],
            "text": text,
            "owner": owners,
            "issued": year,
            "due": due if due is not None else f"{year + 1}-12-31",
            "status": "open",
        }
    )
    return Recommendations.from_frame(frame)
