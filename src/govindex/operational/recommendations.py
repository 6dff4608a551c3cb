"""Recommendations that follow the final conclusions, and the monitoring of their implementation.

A recommendation belongs to one body (and optionally one block), has a due date and
an implementation status: ``open`` (no report yet), ``implemented``, ``partly
implemented`` or ``not implemented``. For a monitoring year Y the implementation rate
counts the recommendations *due in Y*:

    rate = (implemented + partial_credit · partly implemented) / due in Y

with ``partial_credit = 0.5`` by default; ``open`` recommendations due in Y count as
not implemented (they are overdue by the time Y is monitored). The overall rate pools
all bodies' recommendations.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd

from govindex._provenance import fingerprint_frame
from govindex.exceptions import ScorecardError, format_items
from govindex.operational.result import OperationalResult
from govindex.results import HandOut, TableResult

__all__ = ["ImplementationReport", "Recommendations", "Status", "draft_recommendations"]

Status = Literal["open", "implemented", "partly implemented", "not implemented"]
_REQUIRED = ("recommendation", "entity", "text", "due", "status")
_OPTIONAL = ("block", "issued", "completed", "note")


@dataclass(frozen=True)
class ImplementationReport:
    """Implementation of the recommendations due in one monitoring year.

    Attributes
    ----------
    year : int
        The monitoring year (recommendations with a due date in it are counted).
    partial_credit : float
        Weight of a ``partly implemented`` recommendation in the rate.
    by_entity : DataFrame
        Index ``entity``: ``due``, ``implemented``, ``partly_implemented``,
        ``not_implemented``, ``open`` (counts) and ``rate`` in [0, 1].
    overall : Series
        The same columns summed over all bodies; ``rate`` from the sums.
    """

    year: int
    partial_credit: float
    by_entity: pd.DataFrame
    overall: pd.Series


def _dates(values: pd.Series, column: str, ids: pd.Series, *, allow_missing: bool) -> pd.Series:
    parsed = pd.to_datetime(values, errors="coerce")
    bad = parsed.isna() & (values.notna() if allow_missing else True)
    if bool(np.any(bad)):
        raise ScorecardError(
            f"recommendations: {column!r} is not a date for {format_items(ids[bad].tolist())}; "
            "use ISO dates such as '2020-12-31'"
        )
    return parsed


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
    ...     "text": ["a", "b", "c"], "due": ["2020-06-30", "2020-12-31", "2020-12-31"],
    ...     "status": ["implemented", "partly implemented", "open"]}))
    >>> rep = recs.implementation(2020)
    >>> rep.by_entity["rate"].tolist()  # R01: (1 + 0.5 · 1) / 2; R02: 0 / 1
    [0.75, 0.0]
    >>> float(rep.overall["rate"])  # (1 + 0.5) / 3
    0.5
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
        """Validate a table of recommendations.

        Parameters
        ----------
        frame : DataFrame
            Columns ``recommendation`` (unique id; or the index, if named so),
            ``entity``, ``text``, ``due`` (date), ``status`` and optionally ``block``,
            ``issued`` (assessment year), ``completed`` (date) and ``note``.

        Raises
        ------
        ScorecardError
            Missing columns, duplicated ids, an unknown status or a date that does not
            parse; the message names the recommendations.
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
        status = df["status"].astype(str)
        bad = ~status.isin(get_args(Status))
        if bad.any():
            labels = [f"{i}: {s!r}" for i, s in zip(ids[bad], status[bad], strict=True)]
            raise ScorecardError(
                f"recommendations: unknown status in {format_items(labels)}; expected one of "
                f"{list(get_args(Status))}"
            )
        n = len(df)
        out = pd.DataFrame(
            {
                "entity": df["entity"].astype(str).to_numpy(),
                "block": (df["block"] if "block" in df else pd.Series([np.nan] * n))
                .astype("str")
                .to_numpy(),
                "text": df["text"].astype(str).to_numpy(),
                "issued": (df["issued"] if "issued" in df else pd.Series([pd.NA] * n))
                .astype("Int64")
                .to_numpy(),
                "due": _dates(df["due"], "due", ids, allow_missing=False).to_numpy(),
                "status": status.to_numpy(),
                "completed": _dates(
                    df["completed"] if "completed" in df else pd.Series([None] * n),
                    "completed",
                    ids,
                    allow_missing=True,
                ).to_numpy(),
                "note": (df["note"] if "note" in df else pd.Series([""] * n))
                .fillna("")
                .astype(str)
                .to_numpy(),
            },
            index=pd.Index(ids.to_numpy(), name="recommendation", dtype="str"),
        )
        return cls(out)

    def update(
        self,
        recommendation: str,
        *,
        status: Status,
        completed: str | dt.date | None = None,
        note: str = "",
    ) -> Recommendations:
        """Return a new register with the status of one recommendation changed.

        Examples
        --------
        >>> recs = Recommendations.from_frame(pd.DataFrame({
        ...     "recommendation": ["r1"], "entity": ["R01"], "text": ["a"],
        ...     "due": ["2020-12-31"], "status": ["open"]}))
        >>> recs.update("r1", status="implemented", completed="2020-11-02").table["status"].iloc[0]
        'implemented'
        >>> recs.table["status"].iloc[0]
        'open'
        """
        if recommendation not in self._table.index:
            raise ScorecardError(f"unknown recommendation {recommendation!r}")
        if status not in get_args(Status):
            raise ScorecardError(
                f"unknown status {status!r}; expected one of {list(get_args(Status))}"
            )
        table = self._table.copy()
        table.loc[recommendation, "status"] = status
        if completed is not None:
            when = pd.to_datetime(completed, errors="coerce")
            if pd.isna(when):
                raise ScorecardError(f"recommendation {recommendation!r}: bad date {completed!r}")
            table.loc[recommendation, "completed"] = when
        if note:
            table.loc[recommendation, "note"] = note
        return replace(self, _table=table)

    def implementation(self, year: int, *, partial_credit: float = 0.5) -> ImplementationReport:
        """Implementation rate per body and overall for the recommendations due in ``year``.

        Parameters
        ----------
        year : int
            Monitoring year.
        partial_credit : float, default 0.5
            Weight of ``partly implemented`` (0 ≤ w ≤ 1).

        Returns
        -------
        ImplementationReport
        """
        if not 0.0 <= partial_credit <= 1.0:
            raise ScorecardError(f"partial_credit must lie in [0, 1], found {partial_credit!r}")
        due = self._table.loc[self._table["due"].dt.year == year]
        if due.empty:
            raise ScorecardError(
                f"no recommendation is due in {year}; due years present: "
                f"{format_items(sorted(self._table['due'].dt.year.unique().tolist()))}"
            )
        counts = pd.crosstab(due["entity"], due["status"]).reindex(
            columns=list(get_args(Status)), fill_value=0
        )
        by_entity = pd.DataFrame(
            {
                "due": counts.sum(axis=1),
                "implemented": counts["implemented"],
                "partly_implemented": counts["partly implemented"],
                "not_implemented": counts["not implemented"],
                "open": counts["open"],
            }
        )
        by_entity.index.name = "entity"
        overall = by_entity.sum(axis=0).astype("float64")
        for target in (by_entity, overall):
            target["rate"] = (
                target["implemented"] + partial_credit * target["partly_implemented"]
            ) / target["due"]
        return ImplementationReport(year, partial_credit, by_entity, overall)


def draft_recommendations(
    result: OperationalResult,
    *,
    below_percent: float = 70.0,
    due: str | dt.date | None = None,
) -> Recommendations:
    """Draft one recommendation per (body, block) whose final block score is weak.

    A block scoring below ``below_percent`` % of its maximum gets a recommendation
    naming the block, its points and the direction that lost most points. Ids are
    ``<year>-<entity>-<block>``; status ``open``; ``issued`` the assessment year.

    Parameters
    ----------
    result : OperationalResult
        A ``final`` result (recommendations follow the final conclusions).
    below_percent : float, default 70
        Block threshold in percent of the block's maximum points.
    due : str or date, optional
        Due date; default 31 December of the year after the assessment year.

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
    >>> recs = draft_recommendations(res.finalize())
    >>> recs.table.index.tolist()  # 15/40, 0/35, 0/25: every block below 70 %
    ['2019-R01-B1', '2019-R01-B2', '2019-R01-B3']
    """
    if result.stage != "final":
        raise ScorecardError(
            "recommendations follow the final conclusions; call result.finalize() first"
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
    frame = pd.DataFrame(
        {
            "recommendation": str(year) + "-" + weak["entity"] + "-" + weak["block"],
            "entity": weak["entity"],
            "block": weak["block"],
            "text": text,
            "issued": year,
            "due": due if due is not None else f"{year + 1}-12-31",
            "status": "open",
        }
    )
    return Recommendations.from_frame(frame)
