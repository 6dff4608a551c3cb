"""Registers kept by an assessment office, read from CSV, Excel or Parquet files.

* :func:`read_appeals` — the appeals register: one row per case (filing and, once
  decided, the decision), applied to a preliminary result by :func:`apply_appeals`
  in the order of the dates;
* :func:`read_verification` — the verification records (see
  :mod:`govindex.operational.verification`);
* :func:`read_recommendations` — the recommendations register (see
  :mod:`govindex.operational.recommendations`).

A run configuration names them (``appeals = "appeals.csv"``, ``verification = …``,
``recommendations = …`` in an ``[operational.<name>]`` table), so that batch runs and
reports show the final results. The columns are in ``docs/operational.md``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from govindex._provenance import fingerprint_frame
from govindex.exceptions import ScorecardError, format_items
from govindex.operational._dates import as_date
from govindex.operational.appeals import Decision, Material
from govindex.operational.recommendations import Recommendations
from govindex.operational.verification import VerificationRecords
from govindex.results import HandOut, TableResult

if TYPE_CHECKING:
    from govindex.operational.result import OperationalResult
    from govindex.operational.scorecard import Scorecard
    from govindex.prepare.lineage import Lineage

__all__ = [
    "APPEAL_REGISTER_COLUMNS",
    "AppealsRegister",
    "OfficeRegisters",
    "apply_appeals",
    "read_appeals",
    "read_recommendations",
    "read_verification",
]

#: Columns of an appeals register: (required, optional).
APPEAL_REGISTER_COLUMNS: tuple[tuple[str, ...], tuple[str, ...]] = (
    ("case", "entity", "criterion", "claimed_value", "reason", "filed_by", "filed_on"),
    (
        "materials",
        "accept_late",
        "decision",
        "new_value",
        "decided_by",
        "decided_on",
        "rationale",
        "year",
    ),
)
_DECIDED = ("decided_by", "decided_on", "rationale")


def _read(path: str | os.PathLike[str], what: str) -> pd.DataFrame:
    from govindex.io.read import read_table

    try:
        return read_table(path, error=ScorecardError)
    except ScorecardError as exc:
        raise ScorecardError(f"{what}: {exc}") from None


def _blank(values: pd.Series) -> np.ndarray:
    text = values.astype("str").str.strip()
    return np.asarray(
        values.isna().to_numpy() | (text == "").to_numpy() | (text == "nan").to_numpy()
    )


@dataclass(frozen=True, repr=False, eq=False)
class AppealsRegister(TableResult):
    """A validated appeals register (immutable; the :class:`~govindex.results.TableResult`
    protocol).

    Attributes
    ----------
    table : DataFrame
        Index ``case``: ``entity``, ``criterion``, ``claimed_value``, ``reason``,
        ``filed_by``, ``filed_on`` (date), ``materials`` (JSON: path, sha256, size),
        ``accept_late``, ``decision`` ("" while pending), ``new_value``,
        ``decided_by``, ``decided_on`` (date or NaT), ``rationale`` and ``year``
        (``<NA>`` when the register does not say).
    source : str
        The file it was read from.
    """

    _table: pd.DataFrame
    source: str = ""

    table = HandOut[pd.DataFrame]("_table")

    @property
    def provenance(self) -> dict[str, Any]:
        """Source file, number of cases and the register's fingerprint."""
        return {
            "kind": "operational_appeals_register",
            "source": self.source,
            "n_cases": len(self._table),
            "fingerprint": fingerprint_frame(self._table),
        }

    def _tables(self) -> dict[str, pd.DataFrame]:
        return {"register": self._table}

    def _summary(self) -> tuple[str, list[str]]:
        pending = int((self._table["decision"] == "").sum())
        return "AppealsRegister", [
            f"{len(self._table)} case(s), {pending} pending ({self.source})"
        ]

    def for_year(self, year: int) -> AppealsRegister:
        """The cases of one assessment year (all cases when the register has no ``year``)."""
        years = self._table["year"]
        if years.isna().all():
            return self
        if years.isna().any():
            raise ScorecardError(
                f"appeals register {self.source}: 'year' is empty for case(s) "
                f"{format_items(self._table.index[years.isna()].tolist())}"
            )
        return AppealsRegister(self._table.loc[years == year], self.source)

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        *,
        base: str | os.PathLike[str] | None = None,
        source: str = "",
    ) -> AppealsRegister:
        """Validate an appeals register; materials are hashed now (paths relative to ``base``).

        Raises
        ------
        ScorecardError
            Missing columns; an empty or duplicated case id; a claimed or granted value
            that is not a finite number (NaN refused); a date that is not a date; an
            unknown decision; a decision without ``decided_by``, ``decided_on`` and
            ``rationale`` (or these without a decision); a missing material file.
        """
        where = f"appeals register {source}".rstrip()
        required, optional = APPEAL_REGISTER_COLUMNS
        missing = [c for c in required if c not in frame.columns]
        if missing:
            raise ScorecardError(
                f"{where} lacks the column(s) {format_items(missing)}; expected {list(required)} "
                f"(+ optional {list(optional)})"
            )
        df = frame.reset_index(drop=True)
        for col in optional:
            if col not in df.columns:
                df[col] = pd.NA
        case = df["case"].astype("str").str.strip()
        if _blank(df["case"]).any() or case.duplicated().any():
            bad = case[_blank(df["case"]) | case.duplicated(keep=False)]
            raise ScorecardError(f"{where}: empty or duplicated case id(s) {format_items(bad)}")
        label = pd.Series([f"{where}, case {c!r}" for c in case])
        claimed = pd.to_numeric(df["claimed_value"], errors="coerce")
        if not np.isfinite(claimed.to_numpy(dtype=float)).all():
            bad = case[~np.isfinite(claimed.to_numpy(dtype=float))]
            raise ScorecardError(
                f"{where}: claimed_value must be a finite number (NaN refused) in case(s) "
                f"{format_items(bad)}"
            )
        decision = pd.Series(
            np.where(_blank(df["decision"]), "", df["decision"].astype("str").str.strip())
        )
        unknown = ~decision.isin(["", "upheld", "partly", "rejected"])
        if unknown.any():
            raise ScorecardError(
                f"{where}: unknown decision in case(s) {format_items(case[unknown])}; expected "
                "upheld, partly, rejected or empty (pending)"
            )
        decided = decision != ""
        for col in _DECIDED:
            blank = pd.Series(_blank(df[col]))
            wrong = (decided & blank) | (~decided & ~blank)
            if wrong.any():
                raise ScorecardError(
                    f"{where}: {col!r} must be given exactly for the decided cases; see "
                    f"{format_items(case[wrong])}"
                )
        new_value = pd.to_numeric(df["new_value"], errors="coerce")
        needs = (decision == "partly") & ~np.isfinite(new_value.to_numpy(dtype=float))
        if needs.any():
            raise ScorecardError(
                f"{where}: a 'partly' decision needs new_value, the value granted (a finite "
                f"number), in case(s) {format_items(case[needs])}"
            )
        filed = [
            as_date(v, f"{lab}: filed_on") for lab, v in zip(label, df["filed_on"], strict=True)
        ]
        on = [
            as_date(v, f"{lab}: decided_on") if d else None
            for lab, v, d in zip(label, df["decided_on"], decided, strict=True)
        ]
        materials = [
            _materials(v, base, lab) for lab, v in zip(label, df["materials"], strict=True)
        ]
        table = pd.DataFrame(
            {
                "entity": df["entity"].astype("str").str.strip().to_numpy(),
                "criterion": df["criterion"].astype("str").str.strip().to_numpy(),
                "claimed_value": claimed.astype("float64").to_numpy(),
                "reason": df["reason"].astype("str").to_numpy(),
                "filed_by": df["filed_by"].astype("str").to_numpy(),
                "filed_on": pd.to_datetime(pd.Series(filed, dtype="object")).to_numpy(),
                "materials": materials,
                "accept_late": np.where(
                    _blank(df["accept_late"]), "", df["accept_late"].astype("str")
                ),
                "decision": decision.to_numpy(),
                "new_value": np.where(decision == "partly", new_value, np.nan),
                "decided_by": np.where(decided, df["decided_by"].astype("str"), ""),
                "decided_on": pd.to_datetime(pd.Series(on, dtype="object")).to_numpy(),
                "rationale": np.where(decided, df["rationale"].astype("str"), ""),
                "year": pd.to_numeric(df["year"], errors="coerce").astype("Int64").to_numpy(),
            },
            index=pd.Index(case.to_numpy(), name="case", dtype="str"),
        )
        table = table.astype(
            {
                "filed_on": "datetime64[s]",
                "decided_on": "datetime64[s]",
                "materials": "str",
                "accept_late": "str",
                "decided_by": "str",
                "rationale": "str",
                "decision": "str",
            }
        )
        return cls(table, source)


def _materials(value: Any, base: str | os.PathLike[str] | None, label: str) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)) or not str(value).strip():
        return "[]"
    try:
        found = [Material.of(p.strip(), base=base) for p in str(value).split(";") if p.strip()]
    except ScorecardError as exc:
        raise ScorecardError(f"{label}: {exc}") from None
    return json.dumps([m.to_dict() for m in found])


def read_appeals(path: str | os.PathLike[str]) -> AppealsRegister:
    """Read and validate an appeals register (CSV, Excel or Parquet).

    One row per case; the columns are in :data:`APPEAL_REGISTER_COLUMNS` and
    ``docs/operational.md``. ``materials`` lists file paths separated by ``;``,
    relative to the register's folder; each is recorded with its SHA-256 now.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "audit.txt").write_text("SYNTHETIC portal audit")
    >>> _ = (folder / "appeals.csv").write_text(
    ...     "case,entity,criterion,claimed_value,reason,filed_by,filed_on,materials\\n"
    ...     "A-1,R07,open_data,0.95,portal audit,R07 office,2020-02-10,audit.txt\\n")
    >>> reg = read_appeals(folder / "appeals.csv")
    >>> reg.table.loc["A-1", ["decision", "filed_on"]].tolist()  # pending
    ['', Timestamp('2020-02-10 00:00:00')]
    """
    p = Path(path)
    return AppealsRegister.from_frame(
        _read(p, f"appeals register {p}"), base=p.parent, source=str(p)
    )


def apply_appeals(result: OperationalResult, register: AppealsRegister) -> OperationalResult:
    """File and decide the register's cases on ``result``, in the order of their dates.

    Filings and decisions are applied by date (on the same date filings first, then
    in register order), so a later case on the same criterion sees the earlier
    decision. Pending cases stay pending. Errors name the register and the case.
    """
    t = register.table
    acts = pd.concat(
        [
            pd.DataFrame(
                {"on": t["filed_on"], "kind": 0, "row": np.arange(len(t))}, index=t.index
            ),
            pd.DataFrame(
                {"on": t["decided_on"], "kind": 1, "row": np.arange(len(t))}, index=t.index
            ).loc[t["decision"] != ""],
        ]
    ).sort_values(["on", "kind", "row"], kind="stable")
    res = result
    for case, kind in zip(acts.index, acts["kind"], strict=True):  # the cases of one round
        r = t.loc[case]
        try:
            if kind == 0:
                res = res.file_appeal(
                    r["entity"],
                    r["criterion"],
                    claimed_value=float(r["claimed_value"]),
                    reason=r["reason"],
                    filed_by=r["filed_by"],
                    filed_on=pd.Timestamp(r["filed_on"]).date(),
                    materials=[
                        Material(m["path"], m["sha256"], int(m["size"]))
                        for m in json.loads(r["materials"])
                    ],
                    accept_late=r["accept_late"] or None,
                    case=str(case),
                )
            else:
                res = res.decide_appeal(
                    str(case),
                    cast(Decision, r["decision"]),
                    new_value=None if np.isnan(r["new_value"]) else float(r["new_value"]),
                    decided_by=r["decided_by"],
                    decided_on=pd.Timestamp(r["decided_on"]).date(),
                    rationale=r["rationale"],
                )
        except ScorecardError as exc:
            raise ScorecardError(
                f"appeals register {register.source}, case {case!r}: {exc}"
            ) from None
    return res


def read_verification(path: str | os.PathLike[str]) -> VerificationRecords:
    """Read and validate verification records (CSV, Excel or Parquet; see
    :class:`~govindex.operational.verification.VerificationRecords`)."""
    p = Path(path)
    frame = _read(p, f"verification records {p}")
    try:
        return VerificationRecords.from_frame(frame)
    except ScorecardError as exc:
        raise ScorecardError(f"{p}: {exc}") from None


def read_recommendations(path: str | os.PathLike[str]) -> Recommendations:
    """Read and validate a recommendations register (CSV, Excel or Parquet; see
    :class:`~govindex.operational.recommendations.Recommendations`)."""
    p = Path(path)
    frame = _read(p, f"recommendations register {p}")
    try:
        return Recommendations.from_frame(frame)
    except ScorecardError as exc:
        raise ScorecardError(f"{p}: {exc}") from None


def _by_year(frame: pd.DataFrame, year: int | None, what: str) -> pd.DataFrame:
    """The rows of ``year`` of a register with a ``year`` column (all rows without one)."""
    if "year" not in frame.columns:
        return frame
    if year is None:
        raise ScorecardError(f"{what} has a 'year' column: say which year is assessed")
    return frame.loc[frame["year"] == year].drop(columns="year")


@dataclass(frozen=True)
class OfficeRegisters:
    """The registers an assessment office keeps for a scorecard family, read once.

    :meth:`assess` runs one year's round from them: verification before scoring,
    publication, the appeals register, the commission's decision. A batch run
    (``[operational.<name>]`` with ``verification``, ``appeals``, ``commission``,
    ``recommendations`` and ``lineage``) uses it for each year.

    Attributes
    ----------
    appeals : AppealsRegister or None
    verification : DataFrame or None
        The verification records as read (a ``year`` column selects each year's rows).
    recommendations : Recommendations or None
    lineage : Lineage or None
        Reorganisations, for :func:`~govindex.operational.history.compare_years`.
    """

    appeals: AppealsRegister | None = None
    verification: pd.DataFrame | None = None
    recommendations: Recommendations | None = None
    lineage: Lineage | None = None

    @classmethod
    def read(
        cls,
        *,
        appeals: str | os.PathLike[str] | None = None,
        verification: str | os.PathLike[str] | None = None,
        recommendations: str | os.PathLike[str] | None = None,
        lineage: str | os.PathLike[str] | None = None,
    ) -> OfficeRegisters:
        """Read the registers that are given (CSV, Excel or Parquet files)."""
        from govindex.prepare.lineage import Lineage

        return cls(
            appeals=None if appeals is None else read_appeals(appeals),
            verification=None
            if verification is None
            else _read(verification, f"verification records {verification}"),
            recommendations=None
            if recommendations is None
            else read_recommendations(recommendations),
            lineage=None
            if lineage is None
            else Lineage.from_frame(_read(lineage, f"lineage {lineage}")),
        )

    def assess(
        self,
        scorecard: Scorecard,
        inputs: pd.DataFrame,
        *,
        published_on: Any = None,
        commission: Mapping[str, Any] | None = None,
    ) -> OperationalResult:
        """One year's round: verify, score, apply the appeals, finalise (if ``commission``).

        Parameters
        ----------
        scorecard : Scorecard
            The scorecard of the year (its ``year`` selects the registers' rows).
        inputs : DataFrame
            The reported values of the year.
        published_on : date or ISO string, optional
            Publication date of the preliminary results.
        commission : mapping, optional
            The keyword arguments of :meth:`OperationalResult.finalize`
            (``decided_on``, ``protocol``, ``members``, ``conclusions``).
        """
        year = scorecard.year
        records = None
        if self.verification is not None:
            rows = _by_year(self.verification, year, "the verification records")
            records = rows if len(rows) else None
        res = scorecard.score(inputs, published_on=published_on, verification=records)
        if self.appeals is not None:
            res = apply_appeals(res, self.appeals.for_year(year))
        if commission is not None:
            res = res.finalize(**commission)
        return res
