"""Verification of the reported data before scoring: risk-based selection and records.

Before the preliminary scores, the office checks the completeness and reliability of
the data reported by some bodies. :func:`select_for_verification` picks them by stated
risk rules (:class:`RiskRules`):

* **jumps** — a criterion whose value moved against the previous year by more than
  ``jump`` in symmetric relative terms, ``|x − p| / ((|x| + |p|) / 2)`` (0 when both
  are 0; a value missing in either year never jumps); a body is flagged when at least
  ``min_jumps`` of its criteria jump;
* **past findings** — a body with a confirmed discrepancy in the history (rows of
  ``history`` whose ``finding`` is ``discrepancy``);
* **a random share** — ``round(random_share · n)`` of the ``n`` places are drawn at
  random (``numpy.random.default_rng(seed)``) among the bodies not picked by risk, so
  that every body can be checked; the draw is reproducible with the seed.

The flagged bodies fill the other places by risk score (jumps + past findings, then
the largest jump, then the code); places they leave free go to the random draw.

The verifiers record one row per (body, criterion) checked
(:class:`VerificationRecords`): the reported and the verified value and the finding,
``confirmed`` or ``discrepancy``. Scoring with the records
(``scorecard.score(inputs, verification=records)``) replaces every confirmed
discrepancy by the verified value and adds the number of discrepancies of each body to
its ``unreliable_data`` penalty count (the scorecard's penalty item for unreliable
data), each change an event of the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from govindex._provenance import fingerprint_frame
from govindex.exceptions import ScorecardError, format_items
from govindex.methods import Method
from govindex.operational._dates import as_date
from govindex.operational.audit import append_event
from govindex.results import HandOut, TableResult

if TYPE_CHECKING:
    from govindex.operational.scorecard import Scorecard

__all__ = [
    "FINDINGS",
    "PENALTY_ITEM",
    "RECORD_COLUMNS",
    "RiskRules",
    "VerificationPlan",
    "VerificationRecords",
    "apply_verification",
    "empty_records",
    "relative_changes",
    "select_for_verification",
]

#: Findings of a verification record.
FINDINGS: tuple[str, ...] = ("confirmed", "discrepancy")
#: Code of the penalty item that counts confirmed discrepancies.
PENALTY_ITEM = "unreliable_data"
#: Columns of a verification register and their dtypes.
RECORD_COLUMNS: dict[str, str] = {
    "entity": "str",
    "criterion": "str",
    "reported": "float64",
    "verified": "float64",
    "finding": "str",
    "verified_by": "str",
    "verified_on": "datetime64[s]",
    "note": "str",
}


def empty_records() -> pd.DataFrame:
    """The ``verification`` table of a result scored without verification."""
    cols = {**RECORD_COLUMNS, "corrected": "bool"}
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in cols.items()})


@dataclass(frozen=True)
class RiskRules(Method):
    """The risk rules of :func:`select_for_verification` (a frozen method object).

    Attributes
    ----------
    jump : float, default 0.5
        A criterion jumps when its symmetric relative change against the previous
        year exceeds this (0.5: e.g. 0.6 → 0.95).
    min_jumps : int, default 1
        Jumping criteria needed to flag a body.
    past_findings : bool, default True
        Flag the bodies with a ``discrepancy`` finding in the history.
    random_share : float, default 0.2
        Share of the places drawn at random, in [0, 1].

    Examples
    --------
    >>> RiskRules.build(jump=0.3).jump
    0.3
    """

    jump: float = 0.5
    min_jumps: int = 1
    past_findings: bool = True
    random_share: float = 0.2

    def _validate(self) -> None:
        if not float(self.jump) > 0:
            raise ScorecardError(f"RiskRules: jump must be > 0, found {self.jump!r}")
        if (
            isinstance(self.min_jumps, bool)
            or int(self.min_jumps) != self.min_jumps
            or self.min_jumps < 1
        ):
            raise ScorecardError(
                f"RiskRules: min_jumps must be a whole number >= 1, found {self.min_jumps!r}"
            )
        if not 0.0 <= float(self.random_share) <= 1.0:
            raise ScorecardError(
                f"RiskRules: random_share must lie in [0, 1], found {self.random_share!r}"
            )
        self._set("jump", float(self.jump))
        self._set("min_jumps", int(self.min_jumps))
        self._set("random_share", float(self.random_share))
        self._set("past_findings", bool(self.past_findings))


@dataclass(frozen=True, repr=False, eq=False)
class VerificationPlan(TableResult):
    """The bodies picked for verification and why (the :class:`~govindex.results.TableResult`
    protocol).

    Attributes
    ----------
    table : DataFrame
        Index ``entity`` (every body of the inputs): ``selected``, ``reason``
        (``risk: …``, ``random draw`` or ""), ``jumps`` (criteria that jumped),
        ``jump_criteria`` (the largest jumps, as text), ``past_findings`` and
        ``risk_score`` (jumps + past findings); selected bodies first, in order.
    rules : RiskRules
    n, seed : int
    """

    _table: pd.DataFrame
    rules: RiskRules
    n: int
    seed: int
    _fingerprints: dict[str, str]

    table = HandOut[pd.DataFrame]("_table")

    @property
    def selected(self) -> list[str]:
        """Codes of the selected bodies, in selection order."""
        return self._table.index[self._table["selected"].to_numpy()].tolist()

    @property
    def provenance(self) -> dict[str, Any]:
        """Rules, n, seed and the fingerprints of the inputs and the history."""
        return {
            "kind": "operational_verification_plan",
            "rules": self.rules.to_dict(),
            "n": self.n,
            "seed": self.seed,
            **self._fingerprints,
        }

    def _tables(self) -> dict[str, pd.DataFrame]:
        return {"plan": self._table}

    def _summary(self) -> tuple[str, list[str]]:
        return "VerificationPlan", [
            f"{self.n} of {len(self._table)} bodies selected (seed {self.seed}): "
            f"{format_items(self.selected)}"
        ]


def relative_changes(current: pd.DataFrame, previous: pd.DataFrame, jump: float) -> pd.DataFrame:
    """Per (entity, criterion) of ``current``: the value ``p`` of ``previous``, the symmetric
    relative change ``|x − p| / ((|x| + |p|) / 2)`` and whether it exceeds ``jump``."""
    prev = previous.loc[:, ["entity", "criterion", "value"]].rename(columns={"value": "p"})
    both = current.loc[:, ["entity", "criterion", "value"]].merge(
        prev, on=["entity", "criterion"], how="left"
    )
    x, p = both["value"].to_numpy(dtype=float), both["p"].to_numpy(dtype=float)
    scale = (np.abs(x) + np.abs(p)) / 2.0
    with np.errstate(invalid="ignore", divide="ignore"):
        change = np.where(scale > 0, np.abs(x - p) / scale, 0.0)
    change = np.where(np.isnan(x) | np.isnan(p), np.nan, change)
    both["change"] = change
    both["jumps"] = change > jump
    return both


def _tidy(frame: pd.DataFrame, what: str, extra: tuple[str, ...] = ()) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise ScorecardError(f"{what} must be a DataFrame, found {type(frame).__name__}")
    need = ("entity", "criterion", "value", *extra)
    missing = [c for c in need if c not in frame.columns]
    if missing:
        raise ScorecardError(
            f"{what} lack the column(s) {format_items(missing)}; expected {list(need)}"
        )
    out = frame.reset_index(drop=True).copy()
    out["entity"] = out["entity"].astype("str")
    out["criterion"] = out["criterion"].astype("str")
    out["value"] = pd.to_numeric(out["value"].astype(object), errors="coerce").astype("float64")
    return out


def select_for_verification(
    inputs: pd.DataFrame,
    history: pd.DataFrame | None = None,
    *,
    rules: RiskRules | None = None,
    n: int,
    seed: int,
) -> VerificationPlan:
    """Pick ``n`` bodies whose reported data are verified before scoring (see the module).

    Parameters
    ----------
    inputs : DataFrame
        The reported values of the year (``entity``, ``criterion``, ``value``; a
        ``year`` column, if present, must hold one year).
    history : DataFrame, optional
        Earlier years: ``entity``, ``criterion``, ``year``, ``value`` and optionally
        ``finding`` (``discrepancy`` marks a past finding). The latest year before the
        inputs' year is the previous year of the jump rule.
    rules : RiskRules, optional
        Default :class:`RiskRules()`.
    n : int
        Bodies to select, 1 ≤ n ≤ the number of bodies.
    seed : int
        Seed of the random draw (the same seed gives the same selection).

    Returns
    -------
    VerificationPlan

    Examples
    --------
    >>> now = pd.DataFrame({"entity": ["A", "B", "C", "D"], "criterion": "x",
    ...                     "value": [0.9, 0.5, 0.5, 0.5]})
    >>> before = now.assign(year=2018, value=[0.3, 0.5, 0.5, 0.5],
    ...                     finding=["", "", "discrepancy", ""])
    >>> plan = select_for_verification(now, before, n=3, seed=1)
    >>> plan.selected[:2]  # A jumped (0.3 → 0.9), C had a finding; the third is drawn
    ['A', 'C']
    >>> plan.table.loc["A", "reason"]
    'risk: 1 jump(s): x 0.3 → 0.9'
    """
    rules = RiskRules.build(rules)
    now = _tidy(inputs, "inputs")
    bodies = pd.Index(sorted(now["entity"].unique()), dtype="str", name="entity")
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or not 1 <= n <= len(bodies):
        raise ScorecardError(
            f"select_for_verification: n must be a whole number from 1 to the {len(bodies)} "
            f"bodies reported, found {n!r}"
        )
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ScorecardError(f"select_for_verification: seed must be an integer, found {seed!r}")
    years = now["year"].unique().tolist() if "year" in now.columns else []
    if len(years) > 1:
        raise ScorecardError(
            f"select_for_verification: inputs hold several years {format_items(sorted(years))}; "
            "give the reported values of one year (earlier years go into history)"
        )
    jumps = pd.Series(0, index=bodies)
    text = pd.Series("", index=bodies, dtype="str")
    biggest = pd.Series(0.0, index=bodies)
    found = pd.Series(0, index=bodies)
    fingerprints = {"inputs_fingerprint": fingerprint_frame(now)}
    if history is not None:
        past = _tidy(history, "history", ("year",))
        fingerprints["history_fingerprint"] = fingerprint_frame(past)
        prior = past.loc[past["year"] < years[0]] if years else past
        if len(prior):
            last = prior.loc[prior["year"] == prior["year"].max()]
            j = relative_changes(now, last, rules.jump)
            hit = j.loc[j["jumps"]].sort_values(["entity", "change"], ascending=[True, False])
            jumps = hit.groupby("entity").size().reindex(bodies, fill_value=0)
            biggest = hit.groupby("entity")["change"].max().reindex(bodies, fill_value=0.0)
            label = (
                hit["criterion"]
                + " "
                + hit["p"].map("{:.4g}".format)
                + " → "
                + hit["value"].map("{:.4g}".format)
            )
            text = label.groupby(hit["entity"]).agg(lambda s: ", ".join(s.head(3)))
            text = text.reindex(bodies, fill_value="").astype("str")
        if rules.past_findings and "finding" in past.columns:
            bad = past.loc[past["finding"].astype("str") == "discrepancy"]
            found = bad.groupby("entity").size().reindex(bodies, fill_value=0)
    flagged = (jumps >= rules.min_jumps) | (found > 0)
    score = jumps.where(jumps >= rules.min_jumps, 0) + found
    table = pd.DataFrame(
        {
            "jumps": jumps.astype("int64"),
            "jump_criteria": text,
            "past_findings": found.astype("int64"),
            "risk_score": score.astype("float64"),
            "biggest": biggest,
            "flagged": flagged,
        }
    )
    order = table.loc[table["flagged"]].sort_values(
        ["risk_score", "biggest"], ascending=[False, False], kind="stable"
    )
    k_random = int(np.floor(rules.random_share * n + 0.5))
    by_risk = order.index[: n - k_random].tolist()
    pool = [b for b in bodies if b not in set(by_risk)]
    rng = np.random.default_rng(seed)
    k = n - len(by_risk)
    drawn = sorted(np.asarray(pool)[rng.choice(len(pool), size=k, replace=False)].tolist())
    reason = pd.Series("", index=bodies, dtype="str")
    parts = []
    if len(by_risk):
        sub = table.loc[by_risk]
        jtxt = np.where(
            sub["jumps"] >= rules.min_jumps,
            sub["jumps"].astype("str") + " jump(s): " + sub["jump_criteria"],
            "",
        )
        ftxt = np.where(
            sub["past_findings"] > 0, sub["past_findings"].astype("str") + " past finding(s)", ""
        )
        sep = np.where((jtxt != "") & (ftxt != ""), "; ", "")
        parts = ["risk: " + a + s + b for a, s, b in zip(jtxt, sep, ftxt, strict=True)]
        reason = reason.where(~reason.index.isin(by_risk), pd.Series(parts, index=by_risk))
    reason.loc[drawn] = "random draw"
    selected = [*by_risk, *drawn]
    rest = [b for b in bodies if b not in set(selected)]
    table = table.drop(columns=["biggest", "flagged"]).assign(
        selected=table.index.isin(selected), reason=reason
    )
    table = table.loc[
        [*selected, *rest],
        ["selected", "reason", "jumps", "jump_criteria", "past_findings", "risk_score"],
    ]
    return VerificationPlan(table, rules, int(n), int(seed), fingerprints)


@dataclass(frozen=True, repr=False, eq=False)
class VerificationRecords(TableResult):
    """The verifiers' records: one row per (body, criterion) checked (validated, immutable).

    Build with :meth:`from_frame`. Columns of :attr:`table`: ``entity``,
    ``criterion``, ``reported``, ``verified``, ``finding`` (``confirmed`` or
    ``discrepancy``), ``verified_by``, ``verified_on`` (a date) and ``note``.

    Examples
    --------
    >>> recs = VerificationRecords.from_frame(pd.DataFrame({
    ...     "entity": ["R01"], "criterion": ["open_data"], "reported": [0.9],
    ...     "verified": [0.7], "finding": ["discrepancy"], "verified_by": ["audit unit"],
    ...     "verified_on": ["2020-01-20"]}))
    >>> recs.discrepancies["entity"].tolist()
    ['R01']
    """

    _table: pd.DataFrame

    table = HandOut[pd.DataFrame]("_table")

    @property
    def discrepancies(self) -> pd.DataFrame:
        """The records whose finding is ``discrepancy``."""
        return self._table.loc[self._table["finding"] == "discrepancy"].reset_index(drop=True)

    @property
    def provenance(self) -> dict[str, Any]:
        """The number of records and discrepancies, and the register's fingerprint."""
        return {
            "kind": "operational_verification",
            "n_records": len(self._table),
            "n_discrepancies": int((self._table["finding"] == "discrepancy").sum()),
            "fingerprint": fingerprint_frame(self._table),
        }

    def _tables(self) -> dict[str, pd.DataFrame]:
        return {"verification": self._table}

    def _summary(self) -> tuple[str, list[str]]:
        n_bad = int((self._table["finding"] == "discrepancy").sum())
        return "VerificationRecords", [f"{len(self._table)} record(s), {n_bad} discrepancy(ies)"]

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> VerificationRecords:
        """Validate a verification register (CSV/Excel/Parquet read into a DataFrame).

        Raises
        ------
        ScorecardError
            Missing columns, an unknown finding, a value that is not a finite number
            (NaN included), ``confirmed`` with a verified value that differs,
            ``discrepancy`` with equal values, a duplicated (entity, criterion), an
            empty ``verified_by`` or a ``verified_on`` that is not a date.
        """
        if not isinstance(frame, pd.DataFrame):
            raise ScorecardError(
                f"verification records must be a DataFrame, found {type(frame).__name__}"
            )
        need = [c for c in RECORD_COLUMNS if c != "note"]
        missing = [c for c in need if c not in frame.columns]
        if missing:
            raise ScorecardError(
                f"verification records lack the column(s) {format_items(missing)}; expected "
                f"{need} (+ optional 'note')"
            )
        df = frame.reset_index(drop=True)
        pair = df["entity"].astype("str") + "/" + df["criterion"].astype("str")
        values = {}
        for col in ("reported", "verified"):
            raw = df[col]
            num = pd.to_numeric(raw.astype(object), errors="coerce").astype("float64")
            bad = ~np.isfinite(num.to_numpy())
            if bad.any():
                raise ScorecardError(
                    f"verification records: {col!r} must be a finite number (NaN is refused: "
                    f"record the value the evidence supports) for {format_items(pair[bad])}"
                )
            values[col] = num
        finding = df["finding"].astype("str").str.strip()
        unknown = ~finding.isin(FINDINGS)
        if unknown.any():
            raise ScorecardError(
                f"verification records: unknown finding for {format_items(pair[unknown])}; "
                f"expected one of {list(FINDINGS)}"
            )
        same = values["reported"] == values["verified"]
        wrong = ((finding == "confirmed") & ~same) | ((finding == "discrepancy") & same)
        if wrong.any():
            raise ScorecardError(
                "verification records: 'confirmed' needs verified == reported and "
                f"'discrepancy' a different verified value; see {format_items(pair[wrong])}"
            )
        if pair.duplicated().any():
            raise ScorecardError(
                f"verification records: duplicated (entity, criterion) "
                f"{format_items(pair[pair.duplicated()].unique())}"
            )
        by = df["verified_by"].astype("str").str.strip()
        if (df["verified_by"].isna() | (by == "")).any():
            raise ScorecardError(
                f"verification records: empty verified_by for {format_items(pair[by == ''])}"
            )
        on = [
            as_date(v, f"verification record {p}: verified_on")
            for p, v in zip(pair, df["verified_on"], strict=True)
        ]
        note = df["note"].fillna("").astype("str") if "note" in df.columns else ""
        table = pd.DataFrame(
            {
                "entity": df["entity"].astype("str"),
                "criterion": df["criterion"].astype("str"),
                "reported": values["reported"],
                "verified": values["verified"],
                "finding": finding,
                "verified_by": by,
                "verified_on": pd.to_datetime(pd.Series(on, dtype="object")),
                "note": note,
            }
        ).astype(RECORD_COLUMNS)
        return cls(table)


def apply_verification(
    scorecard: Scorecard,
    reported: pd.DataFrame,
    records: VerificationRecords,
    events: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Correct validated ``reported`` inputs by the confirmed discrepancies of ``records``.

    Returns the corrected inputs (not yet re-validated), the events with one
    ``verified`` event per correction and per penalty count changed, and the records
    table with a ``corrected`` flag.
    """
    table = records.table
    keyed = reported.set_index(["entity", "criterion"])
    keys = pd.MultiIndex.from_frame(table.loc[:, ["entity", "criterion"]])
    pair = table["entity"] + "/" + table["criterion"]
    absent = ~keys.isin(keyed.index)
    if absent.any():
        raise ScorecardError(
            f"verification records for (entity, criterion) without a reported value: "
            f"{format_items(pair[absent])}; verification checks reported values"
        )
    held = keyed["value"].reindex(keys).to_numpy()
    differs = ~np.isclose(held, table["reported"].to_numpy(), rtol=0, atol=1e-12)
    if differs.any():
        labels = [
            f"{p}: record {r:g}, inputs {h:g}"
            for p, r, h in zip(
                pair[differs], table["reported"][differs], held[differs], strict=True
            )
        ]
        raise ScorecardError(
            f"verification records do not match the reported values: {format_items(labels)}"
        )
    if (table["criterion"] == PENALTY_ITEM).any():
        raise ScorecardError(
            f"verification records cannot verify the penalty item {PENALTY_ITEM!r} itself"
        )
    bad = table.loc[table["finding"] == "discrepancy"].sort_values(
        ["verified_on", "entity", "criterion"], kind="stable"
    )
    out = reported.copy()
    if len(bad) and PENALTY_ITEM not in scorecard.item_codes:
        raise ScorecardError(
            f"scorecard {scorecard.code!r} has no {PENALTY_ITEM!r} penalty item in "
            f"{scorecard.year}, so the confirmed discrepancies "
            f"{format_items(bad['entity'] + '/' + bad['criterion'])} cannot be penalised"
        )
    for r in bad.to_dict("records"):  # one event per confirmed discrepancy
        at = (out["entity"] == r["entity"]) & (out["criterion"] == r["criterion"])
        on = pd.Timestamp(r["verified_on"]).date().isoformat()
        reported_x, verified_x = float(r["reported"]), float(r["verified"])
        out.loc[at, "value"] = verified_x
        prior = out.loc[at, "evidence"].iloc[0]
        note = (
            f"verification {on} ({r['verified_by']}): reported {reported_x:g}, "
            f"verified {verified_x:g}"
        )
        out.loc[at, "evidence"] = note if pd.isna(prior) else f"{prior} | {note}"
        events = append_event(
            events,
            "verified",
            on=on,
            by=str(r["verified_by"]),
            entity=str(r["entity"]),
            criterion=str(r["criterion"]),
            what="reported value corrected by a confirmed discrepancy",
            why=str(r["note"]),
            value_before=reported_x,
            value_after=verified_x,
        )
    counts = (
        bad.groupby("entity")
        .agg(k=("criterion", "size"), on=("verified_on", "max"), by=("verified_by", "last"))
        .sort_values(["on", "entity"], kind="stable")
    )
    for entity, k, last, who in counts.itertuples(name=None):  # one event per penalised body
        at = (out["entity"] == entity) & (out["criterion"] == PENALTY_ITEM)
        before = float(out.loc[at, "value"].iloc[0]) if at.any() else np.nan
        after = (0.0 if np.isnan(before) else before) + float(k)
        on = pd.Timestamp(last).date().isoformat()
        note = f"verification {on}: {k} confirmed discrepancy(ies)"
        if at.any():
            out.loc[at, "value"] = after
            prior = out.loc[at, "evidence"].iloc[0]
            out.loc[at, "evidence"] = note if pd.isna(prior) else f"{prior} | {note}"
        else:
            row = pd.DataFrame(
                {
                    "entity": [entity],
                    "criterion": [PENALTY_ITEM],
                    "value": [after],
                    "evidence": [note],
                }
            )
            out = pd.concat([out, row.astype(out.dtypes.to_dict())], ignore_index=True)
        events = append_event(
            events,
            "verified",
            on=on,
            by=str(who),
            entity=str(entity),
            criterion=PENALTY_ITEM,
            what=f"penalty count raised by {k} confirmed discrepancy(ies)",
            value_before=before,
            value_after=after,
        )
    applied = table.assign(corrected=table["finding"] == "discrepancy")
    return out, events, applied
