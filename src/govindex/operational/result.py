"""Immutable results of the operational assessment: the round from scoring to the final result.

An :class:`OperationalResult` holds the scores of one round and its record
(:class:`~govindex.operational.proceedings.Proceedings`): the verification applied
before scoring, the publication date, the appeal cases, the commission's decision and
the audit trail. Every step — :meth:`~OperationalResult.file_appeal`,
:meth:`~OperationalResult.decide_appeal`, :meth:`~OperationalResult.finalize`,
:meth:`~OperationalResult.reopen` — returns a *new* result with one more event.
"""

from __future__ import annotations

import datetime as dt
import html
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from govindex._provenance import fingerprint_frame
from govindex.exceptions import MethodError, ScorecardError, format_items
from govindex.operational._dates import as_date, iso
from govindex.operational._scoring import ScoreTables, compute_tables, validate_inputs
from govindex.operational.appeal_steps import AppealSteps
from govindex.operational.appeals import (
    empty_log,
)
from govindex.operational.audit import append_event, empty_events
from govindex.operational.explain import conclusions_by_block, explain_items, tidy_points
from govindex.operational.proceedings import Commission, CommissionSteps, Proceedings
from govindex.operational.scorecard import Scorecard, read_scorecard
from govindex.operational.verification import (
    VerificationRecords,
    apply_verification,
    empty_records,
)
from govindex.results import Framework, HandOut, Result, handout, handout_all

__all__ = ["OperationalResult", "Stage", "score_scorecard"]

Stage = Literal["preliminary", "final"]


def score_scorecard(
    scorecard: Scorecard,
    inputs: pd.DataFrame,
    *,
    entities: Sequence[str] | None = None,
    published_on: Any = None,
    verification: VerificationRecords | pd.DataFrame | None = None,
    scored_by: str = "",
) -> OperationalResult:
    """Score ``inputs`` with ``scorecard`` (the function behind :meth:`Scorecard.score`)."""
    published = None if published_on is None else as_date(published_on, "published_on")
    reported = validate_inputs(scorecard, inputs, entities=entities)
    events = empty_events()
    clean, checked = reported, empty_records()
    if verification is not None:
        records = (
            verification
            if isinstance(verification, VerificationRecords)
            else VerificationRecords.from_frame(verification)
        )
        corrected, events, checked = apply_verification(scorecard, reported, records, events)
        clean = validate_inputs(scorecard, corrected, entities=entities)
    tables = compute_tables(scorecard, clean, entities=entities)
    fingerprint = _fingerprint(reported)
    events = append_event(
        events,
        "scored",
        on=iso(published),
        by=scored_by,
        what=f"{len(tables.totals)} bodies scored: preliminary results",
        total_after=float(tables.totals["total"].sum()),
        details={
            "scorecard_fingerprint": scorecard.fingerprint,
            "inputs_fingerprint": fingerprint,
            "scored_inputs_fingerprint": _fingerprint(clean),
            "verification_records": len(checked),
        },
    )
    return OperationalResult(
        scorecard=scorecard,
        stage="preliminary",
        inputs_fingerprint=fingerprint,
        _inputs=clean,
        _score_tables=tables,
        _appeals=empty_log(),
        _initial=None,
        _record=Proceedings.start(reported, checked, published, events),
    )


def _scorecard_of_year(card: Scorecard, year: int) -> Scorecard:
    """The scorecard of the same family in force in ``year`` (shipped or from its file)."""
    source = card.source
    if source.startswith("builtin:"):
        return read_scorecard(source.removeprefix("builtin:"), year=year)
    if source and Path(source).is_file():
        return read_scorecard(source, year=year)
    raise MethodError(
        f"scorecard {card.code!r} was not read from a file (source {source!r}), so its "
        f"version of {year} is unknown; pass scorecard=... instead of year="
    )


def _fingerprint(clean: pd.DataFrame) -> str:
    ordered = clean.sort_values(["entity", "criterion"]).reset_index(drop=True)
    return fingerprint_frame(ordered)


@dataclass(frozen=True, repr=False, eq=False)
class OperationalResult(AppealSteps, CommissionSteps, Result):
    """Scores of one operational assessment round and its record (immutable; the
    :class:`~govindex.results.Result` protocol).

    Obtain it from :meth:`Scorecard.score`. Every table is a labelled DataFrame
    (index ``entity``; columns ``criterion``, ``direction`` or ``block``); the
    properties return read-only copies, so changing them never changes the result.
    :meth:`file_appeal`, :meth:`decide_appeal`, :meth:`finalize` and :meth:`reopen`
    return *new* results; the preliminary figures stay available through
    :attr:`preliminary`, the cases through :attr:`cases`, the decisions through
    :attr:`appeals` and every state change through :attr:`events` (the audit trail).

    In the protocol's terms: :attr:`method` is the scorecard, :attr:`scores` the
    per-entity :attr:`totals`, :attr:`node_scores` the points of every item,
    direction, block and the total, :attr:`stages` inputs → points → directions →
    blocks → totals, and :meth:`tables` the tables :meth:`to_parquet` writes.

    Attributes
    ----------
    scorecard : Scorecard
        The methodology that produced the scores.
    stage : {"preliminary", "final"}
        ``preliminary`` until :meth:`finalize` is called.
    inputs_fingerprint : str
        SHA-256 of the validated inputs *as reported* (before verification and appeals).
    """

    scorecard: Scorecard
    stage: Stage
    inputs_fingerprint: str
    _inputs: pd.DataFrame
    _score_tables: ScoreTables
    _appeals: pd.DataFrame
    _initial: OperationalResult | None
    _record: Proceedings

    # ------------------------------------------------------------------ tables
    inputs = HandOut[pd.DataFrame](
        "_inputs", "The validated inputs in force (after verification and accepted appeals)."
    )
    reported = HandOut[pd.DataFrame](
        "_record.reported", "The validated inputs as reported (before verification)."
    )
    input_values = HandOut[pd.DataFrame](
        "_score_tables.input_values", "Input values used, entity × criterion (NaN = missing)."
    )
    points = HandOut[pd.DataFrame](
        "_score_tables.points", "Points, entity × item (criteria, bonus ≥ 0, penalty ≤ 0)."
    )
    missing = HandOut[pd.DataFrame](
        "_score_tables.missing", "True where an item had no value (0 points), entity × item."
    )
    directions = HandOut[pd.DataFrame](
        "_score_tables.directions", "Direction subtotals (sum of their criteria's points)."
    )
    blocks = HandOut[pd.DataFrame](
        "_score_tables.blocks", "Block subtotals (sum of their directions), entity × block."
    )
    totals = HandOut[pd.DataFrame](
        "_score_tables.totals",
        "Per entity: base (sum of blocks), bonus, penalty (≤ 0), total, max_points, percent "
        "(= 100 · total / max_points, capped at 100), percent_with_bonus (not capped), rank "
        "(by total; 1 = best, ties share the best rank) and level (from percent).",
    )
    scores = HandOut[pd.DataFrame](
        "_score_tables.totals", "The headline table of the protocol: the per-entity ``totals``."
    )
    appeals = HandOut[pd.DataFrame](
        "_appeals",
        "The decisions on appeals, one row per decision in order: case, value before, claimed "
        "and applied, points, total, rank and level before and after.",
    )
    cases = HandOut[pd.DataFrame](
        "_record.cases",
        "The appeal cases (index ``case``): status (pending, upheld, partly, rejected), the "
        "claim, materials (JSON: path, sha256, size), filing date and deadline, decision.",
    )
    events = HandOut[pd.DataFrame](
        "_record.events", "The audit trail: one hash-chained event per state change."
    )
    conclusions = HandOut[pd.DataFrame](
        "_record.conclusions",
        "Final conclusions per (entity, block): points, max_points, percent, conclusion and "
        "source (``commission`` or ``drafted``); empty while preliminary.",
    )
    verification = HandOut[pd.DataFrame](
        "_record.verification",
        "The verification records applied before scoring, with a ``corrected`` flag.",
    )

    @property
    def lost_points(self) -> pd.DataFrame:
        """Points lost on each base criterion (max_points − points), entity × criterion."""
        maxp = pd.Series({i.code: i.max_points for i in self.scorecard.criteria})
        return handout(self._score_tables.points.loc[:, maxp.index].rsub(maxp, axis=1))

    @property
    def preliminary(self) -> OperationalResult:
        """The result as first scored (stage ``preliminary``, before any appeal)."""
        return self if self._initial is None else self._initial

    @property
    def published_on(self) -> dt.date | None:
        """Publication date of the preliminary results (the appeal deadline counts from it)."""
        return self._record.published_on

    @property
    def appeal_deadline(self) -> dt.date | None:
        """Last day to file an appeal in the current round (None without a publication date)."""
        start = self._record.opened_on
        return None if start is None else start + dt.timedelta(days=self.scorecard.appeal_days)

    @property
    def commission(self) -> Commission | None:
        """The commission's decision that made the result final (None while preliminary)."""
        return self._record.commission

    @property
    def entities(self) -> pd.Index:
        """The scored bodies."""
        return self._score_tables.totals.index.copy()

    @property
    def scorecard_fingerprint(self) -> str:
        """Fingerprint of the scorecard (methodology in force)."""
        return self.scorecard.fingerprint

    # ------------------------------------------------------------------ explain
    def explain(self, entity: str) -> pd.DataFrame:
        """Trace every point of one body to its input value and rule.

        Returns
        -------
        DataFrame
            One row per item (index ``criterion``): name, kind, block, direction,
            rule, value, evidence, max_points, points, lost_points, status
            (``scored``, ``missing``, ``appeal pending`` or ``appealed: <decision>``)
            and ``formula``, the arithmetic that produced the points. ``points`` sums
            to the total.

        Examples
        --------
        >>> import pandas as pd, warnings
        >>> from govindex.operational import read_scorecard
        >>> sc = read_scorecard("local")
        >>> inputs = pd.DataFrame({"entity": "R01", "criterion": ["strategic_goals"],
        ...                        "value": [0.85]})
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     res = sc.score(inputs)
        >>> res.explain("R01").loc["strategic_goals", "formula"]
        '15 × clip((0.85 − 0.5) / (1 − 0.5), 0, 1) = 10.5'
        """
        self._check_entity(entity)
        out = explain_items(
            self.scorecard, self._score_tables, self._inputs, self._appeals, entity
        )
        cases = self._record.cases
        pending = cases.loc[(cases["entity"] == entity) & (cases["status"] == "pending")]
        out.loc[pending["criterion"].tolist(), "status"] = "appeal pending"
        return out

    def block_conclusions(self) -> pd.DataFrame:
        """Per (entity, block): points, max_points, percent, lost_points and the weakest
        direction (the one that lost most points) with its lost points.

        Examples
        --------
        >>> import pandas as pd, warnings
        >>> from govindex.operational import read_scorecard
        >>> sc = read_scorecard("local")
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     res = sc.score(pd.DataFrame({"entity": ["R01"], "criterion": ["strategic_goals"],
        ...                                  "value": [1.0]}))
        >>> res.block_conclusions().loc[("R01", "B1"), ["points", "max_points"]].tolist()
        [15.0, 40.0]
        """
        return conclusions_by_block(self.scorecard, self._score_tables)

    # ------------------------------------------------------------------ export
    def to_frame(self) -> pd.DataFrame:
        """Tidy table: one row per (entity, criterion) with its block, direction, rule,
        value, points, max_points, lost_points, missing flag, appealed flag and stage.

        Examples
        --------
        >>> import pandas as pd, warnings, govindex.operational
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     res = govindex.operational.read_scorecard("local").score(pd.DataFrame(
        ...         {"entity": ["R01"], "criterion": ["open_data"], "value": [0.6]}))
        >>> float(res.to_frame().loc[("R01", "open_data"), "points"])  # 2 · (0.6 − 0.5) / 0.5
        0.4
        """
        return tidy_points(self.scorecard, self._score_tables, self._appeals, self.stage)

    def summary(self) -> pd.DataFrame:
        """Block subtotals joined with the totals (one row per entity)."""
        return handout(self._score_tables.blocks.join(self._score_tables.totals))

    @property
    def provenance(self) -> dict[str, Any]:
        """The metadata stored with every exported table: the stage, the whole scorecard
        and its fingerprint, the input fingerprints, the number of appeals and cases, the
        publication date, the commission's decision and the head of the audit trail."""
        rec = self._record
        return {
            "kind": "operational_assessment",
            "stage": self.stage,
            "scorecard": self.scorecard.to_dict(),
            "scorecard_code": self.scorecard.code,
            "scorecard_year": self.scorecard.year,
            "scorecard_source": self.scorecard.source,
            "scorecard_fingerprint": self.scorecard.fingerprint,
            "inputs_fingerprint": self.inputs_fingerprint,
            "current_inputs_fingerprint": _fingerprint(self._inputs),
            "n_appeals": len(self._appeals),
            "n_cases": len(rec.cases),
            "n_verification_records": len(rec.verification),
            "published_on": iso(rec.published_on),
            "commission": None if rec.commission is None else rec.commission.to_dict(),
            "n_events": len(rec.events),
            "events_head": str(rec.events["hash"].iloc[-1]),
        }

    def to_parquet(
        self,
        folder: str | os.PathLike[str],
        *,
        prefix: str | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> dict[str, Path]:
        """Write every table of :meth:`tables` to Parquet.

        Files ``operational_<code>_<year>_<table>.parquet`` (the default ``prefix``)
        for the tables of :meth:`tables`: ``summary`` (:meth:`summary`), ``points``
        (tidy :meth:`to_frame`), ``appeals``, ``cases``, ``events``, ``conclusions``,
        ``verification``, ``preliminary_summary`` and ``preliminary_points``; each
        carries :attr:`provenance` (plus ``metadata``) in its schema metadata —
        with the head of the audit trail, which ``govindex verify`` checks.

        Returns
        -------
        dict of str to Path
            Table name → file written.
        """
        if prefix is None:
            prefix = f"operational_{self.scorecard.code}_{self.scorecard.year}_"
        return super().to_parquet(folder, prefix=prefix, metadata=metadata)

    # ------------------------------------------------------------------ protocol
    @property
    def method(self) -> Scorecard:
        """The scorecard: the methodology in force (frozen)."""
        return self.scorecard

    @property
    def node_scores(self) -> pd.DataFrame:
        """Points of every node per entity: columns (name ``node``) the items, the
        directions, the blocks and ``total``."""
        t = self._score_tables
        parts = [t.points, t.directions, t.blocks, t.totals.loc[:, ["total"]]]
        out = pd.concat(parts, axis=1)
        out.columns = pd.Index([str(c) for c in out.columns], name="node", dtype="str")
        return handout(out)  # the index is shared with the stored tables

    def framework(self) -> Framework:
        """The scorecard's tree (root ``total`` → blocks → directions → criteria) with the
        points of every node per body, rolled up by sums (a
        :class:`~govindex.results.Framework`: what attribution reads)."""
        cat = self.scorecard.catalog
        t = self._score_tables
        # the root's code is "total", or "total_" when an item is called "total"
        total = t.totals.loc[:, ["total"]].set_axis([cat.roots[0]], axis=1)
        scores = pd.concat([total, t.blocks, t.directions, t.points], axis=1)
        scores = handout(scores.loc[:, cat.codes].rename_axis(columns="node"))
        return Framework(
            kind="OperationalResult",
            catalog=cat,
            aggregation="sum",
            node_scores=scores,
            roots=pd.Series(cat.roots[0], index=scores.index, dtype="object"),
            fingerprints={
                "inputs": self.inputs_fingerprint,
                "scorecard": self.scorecard_fingerprint,
            },
        )

    @property
    def stages(self) -> Mapping[str, pd.DataFrame]:
        """``inputs`` (:attr:`input_values`, entity × item) → ``points`` → ``directions``
        → ``blocks`` → ``totals``."""
        t = self._score_tables
        return handout_all(
            {
                "inputs": t.input_values,
                "points": t.points,
                "directions": t.directions,
                "blocks": t.blocks,
                "totals": t.totals,
            }
        )

    def regenerate(self, **changes: Any) -> OperationalResult:
        """Score the same inputs again and replay the round, e.g. with another scorecard.

        Accepts ``scorecard`` (a :class:`Scorecard`), ``year`` (the same scorecard in
        another year: a shipped one or the file it was read from), ``inputs`` (another
        tidy table of reported values) and ``entities``. The reported inputs are
        verified and scored again, and every event of :attr:`events` after the scoring
        — appeals filed and decided, finalisation, reopening — is replayed in order
        (materials by their recorded SHA-256), so ``regenerate()`` without changes
        equals this result bit for bit, audit trail included.

        Raises
        ------
        MethodError
            An unknown keyword, or ``year`` for a scorecard that was not read from
            a file or the shipped ones.
        ScorecardError
            Inputs or an appeal that do not fit the scorecard (the message names them).
        """
        from govindex.operational._replay import replay_events

        unknown = sorted(set(changes) - {"scorecard", "year", "inputs", "entities"})
        if unknown:
            raise MethodError(
                f"unknown parameter(s) {format_items(unknown)} of OperationalResult.regenerate; "
                "expected scorecard, year, inputs or entities"
            )
        card = changes.get("scorecard", self.scorecard)
        if "year" in changes:
            card = _scorecard_of_year(card, int(changes["year"]))
        rec = self._record
        verification = (
            rec.verification.drop(columns="corrected") if len(rec.verification) else None
        )
        scored = rec.events.loc[rec.events["event"] == "scored"].iloc[0]
        start = score_scorecard(
            card,
            changes.get("inputs", rec.reported),
            entities=changes.get("entities", list(self.entities)),
            published_on=rec.published_on,
            verification=verification,
            scored_by=str(scored["by"]),
        )
        return replay_events(start, rec.events.iloc[int(scored["seq"]) :])

    def _tables(self) -> dict[str, pd.DataFrame]:
        pre = self.preliminary
        rec = self._record
        return {
            "summary": self.summary(),
            "points": self.to_frame(),
            "appeals": self._appeals,
            "cases": rec.cases,
            "events": rec.events,
            "conclusions": rec.conclusions,
            "verification": rec.verification,
            "preliminary_summary": pre.summary(),
            "preliminary_points": pre.to_frame(),
        }

    def _summary(self) -> tuple[str, list[str]]:
        t = self._score_tables.totals
        return "OperationalResult", [
            f"scorecard {self.scorecard.code!r} {self.scorecard.year}, stage {self.stage}, "
            f"{len(t)} entities, {len(self._appeals)} appeal(s)",
            f"mean total {t['total'].mean():.2f} of {self.scorecard.max_points:g}",
        ]

    # ------------------------------------------------------------------ display
    def _check_entity(self, entity: str) -> None:
        if entity not in self._score_tables.totals.index:
            raise ScorecardError(
                f"unknown entity {entity!r}; scored bodies: "
                f"{format_items(self._score_tables.totals.index.tolist())}"
            )

    def __repr__(self) -> str:
        t = self._score_tables.totals
        return (
            f"OperationalResult(scorecard={self.scorecard.code!r}, year={self.scorecard.year}, "
            f"stage={self.stage!r}, entities={len(t)}, appeals={len(self._appeals)}, "
            f"mean_total={t['total'].mean():.2f} of {self.scorecard.max_points:g})"
        )

    def _repr_html_(self) -> str:
        title = html.escape(
            f"Operational assessment — {self.scorecard.name}, {self.scorecard.year}, "
            f"stage: {self.stage}, appeals: {len(self._appeals)}"
        )
        body = self.summary().sort_values("rank").to_html(float_format=lambda v: f"{v:.2f}")
        return f"<div><p><b>{title}</b></p>{body}</div>"
