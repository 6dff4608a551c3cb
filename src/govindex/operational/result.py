"""Immutable results of the operational assessment: explain, appeal, finalise, export."""

from __future__ import annotations

import html
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal, cast, get_args

import numpy as np
import pandas as pd

from govindex._provenance import fingerprint_frame
from govindex.exceptions import MethodError, ScorecardError, format_items
from govindex.operational._scoring import ScoreTables, compute_tables, validate_inputs
from govindex.operational.explain import conclusions_by_block, explain_items
from govindex.operational.scorecard import Scorecard, read_scorecard
from govindex.results import HandOut, Result, handout, handout_all

__all__ = ["Decision", "OperationalResult", "Stage", "score_scorecard"]

Stage = Literal["preliminary", "final"]
Decision = Literal["upheld", "partly upheld", "rejected"]

_APPEAL_COLUMNS: dict[str, str] = {
    "round": "int64",
    "entity": "str",
    "criterion": "str",
    "decision": "str",
    "reason": "str",
    "old_value": "float64",
    "new_value": "float64",
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


def _empty_log() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in _APPEAL_COLUMNS.items()})


def score_scorecard(
    scorecard: Scorecard, inputs: pd.DataFrame, *, entities: Sequence[str] | None = None
) -> OperationalResult:
    """Score ``inputs`` with ``scorecard`` (the function behind :meth:`Scorecard.score`)."""
    clean = validate_inputs(scorecard, inputs, entities=entities)
    tables = compute_tables(scorecard, clean, entities=entities)
    return OperationalResult(
        scorecard=scorecard,
        stage="preliminary",
        inputs_fingerprint=_fingerprint(clean),
        _inputs=clean,
        _score_tables=tables,
        _appeals=_empty_log(),
        _initial=None,
    )


def _cell(frame: pd.DataFrame, row: str, col: str) -> float:
    """Return one numeric cell as a Python float."""
    return float(frame.to_numpy()[frame.index.get_loc(row), frame.columns.get_loc(col)])


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
class OperationalResult(Result):
    """Scores of one operational assessment round (immutable; the
    :class:`~govindex.results.Result` protocol).

    Obtain it from :meth:`Scorecard.score`. Every table is a labelled DataFrame
    (index ``entity``; columns ``criterion``, ``direction`` or ``block``); the
    properties return read-only copies, so changing them never changes the result.
    :meth:`appeal` and :meth:`finalize` return *new* results; the preliminary
    figures stay available through :attr:`preliminary`, and the appeal log through
    :attr:`appeals`.

    In the protocol's terms: :attr:`method` is the scorecard, :attr:`scores` the
    per-entity :attr:`totals`, :attr:`node_scores` the points of every item,
    direction, block and the total, :attr:`stages` inputs → points → directions →
    blocks → totals, and :meth:`tables` the five tables :meth:`to_parquet` writes.

    Attributes
    ----------
    scorecard : Scorecard
        The methodology that produced the scores.
    stage : {"preliminary", "final"}
        ``preliminary`` until :meth:`finalize` is called.
    inputs_fingerprint : str
        SHA-256 of the validated inputs *as originally scored* (before appeals).
    """

    scorecard: Scorecard
    stage: Stage
    inputs_fingerprint: str
    _inputs: pd.DataFrame
    _score_tables: ScoreTables
    _appeals: pd.DataFrame
    _initial: OperationalResult | None

    # ------------------------------------------------------------------ tables
    inputs = HandOut[pd.DataFrame](
        "_inputs", "The validated inputs in force (after accepted appeals)."
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
        "(= 100 · total / max_points), rank (1 = best, ties share the best rank) and level.",
    )
    scores = HandOut[pd.DataFrame](
        "_score_tables.totals", "The headline table of the protocol: the per-entity ``totals``."
    )

    @property
    def lost_points(self) -> pd.DataFrame:
        """Points lost on each base criterion (max_points − points), entity × criterion."""
        maxp = pd.Series({i.code: i.max_points for i in self.scorecard.criteria})
        return handout(self._score_tables.points.loc[:, maxp.index].rsub(maxp, axis=1))

    appeals = HandOut[pd.DataFrame](
        "_appeals", "The appeal log: one row per appeal, in order (empty before any appeal)."
    )

    @property
    def preliminary(self) -> OperationalResult:
        """The result as first scored (stage ``preliminary``, before any appeal)."""
        return self if self._initial is None else self._initial

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

        Parameters
        ----------
        entity : str
            The body's code.

        Returns
        -------
        DataFrame
            One row per item (index ``criterion``): name, kind, block, direction,
            rule, value, evidence, max_points, points, lost_points, status
            (``scored``, ``missing`` or ``appealed: <decision>``) and ``formula``,
            the arithmetic that produced the points. ``points`` sums to the total.

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
        return explain_items(
            self.scorecard, self._score_tables, self._inputs, self._appeals, entity
        )

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

    # ------------------------------------------------------------------ appeals
    def appeal(
        self,
        entity: str,
        criterion: str,
        new_value: float,
        *,
        reason: str,
        decision: Decision,
    ) -> OperationalResult:
        """Record the commission's decision on an appeal; return a new result.

        Parameters
        ----------
        entity, criterion : str
            The body and the item appealed.
        new_value : float
            For ``"upheld"`` and ``"partly upheld"``: the value *granted* by the
            decision, which replaces the current value and is re-scored. For
            ``"rejected"``: the value the body asked for; it is logged but the current
            value stays.
        reason : str
            The grounds of the appeal (required, kept in the log).
        decision : {"upheld", "partly upheld", "rejected"}
            The commission's decision.

        Returns
        -------
        OperationalResult
            Stage ``preliminary``; its :attr:`appeals` log has one more row (old,
            requested/granted and applied value; points, total, rank and level before
            and after). ``self`` is unchanged.

        Raises
        ------
        ScorecardError
            After :meth:`finalize`; for an unknown entity or criterion, an unknown
            decision, an empty reason, a value out of the criterion's range, or a
            ``new_value`` equal to the current value.

        Examples
        --------
        >>> import pandas as pd, warnings
        >>> from govindex.operational import read_scorecard
        >>> sc = read_scorecard("local")
        >>> inputs = pd.DataFrame({"entity": ["R01"], "criterion": ["open_data"],
        ...                        "value": [0.6]})
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     pre = sc.score(inputs)
        >>> res = pre.appeal("R01", "open_data", 0.9, reason="portal audit",
        ...                  decision="upheld")
        >>> res.appeals.loc[0, ["points_before", "points_after"]].tolist()  # 2·0.2, 2·0.8
        [0.4, 1.6]
        >>> float(pre.points.loc["R01", "open_data"])  # the preliminary result is unchanged
        0.4
        """
        if self.stage == "final":
            raise ScorecardError(
                "the result is final: appeals are closed; record appeals on the preliminary "
                "result before calling finalize()"
            )
        if decision not in get_args(Decision):
            raise ScorecardError(
                f"unknown decision {decision!r}; expected one of {list(get_args(Decision))}"
            )
        if not isinstance(reason, str) or not reason.strip():
            raise ScorecardError(f"appeal {entity}/{criterion}: a non-empty reason is required")
        self._check_entity(entity)
        self.scorecard.item(criterion)  # raises for an unknown or retired criterion
        if isinstance(new_value, bool) or not isinstance(new_value, int | float | np.number):
            raise ScorecardError(
                f"appeal {entity}/{criterion}: new_value must be a number, found {new_value!r}"
            )
        old = _cell(self._score_tables.input_values, entity, criterion)
        new = float(new_value)
        if old == new:
            raise ScorecardError(
                f"appeal {entity}/{criterion}: new_value {new:g} equals the current value; "
                "nothing to decide"
            )
        keep = ~((self._inputs["entity"] == entity) & (self._inputs["criterion"] == criterion))
        n_round = len(self._appeals) + 1
        before = self._inputs.loc[~keep, "evidence"]
        prior = "" if before.empty or pd.isna(before.iloc[0]) else f"{before.iloc[0]} | "
        row = pd.DataFrame(
            {
                "entity": [entity],
                "criterion": [criterion],
                "value": [new],
                "evidence": [f"{prior}appeal {n_round} ({decision}): {reason}"],
            }
        )
        candidate = pd.concat([self._inputs.loc[keep], row], ignore_index=True)
        candidate = validate_inputs(self.scorecard, candidate, entities=list(self.entities))
        if decision == "rejected":
            inputs, tables, applied = self._inputs, self._score_tables, old
        else:
            inputs, applied = candidate, new
            tables = compute_tables(
                self.scorecard, candidate, entities=list(self.entities), warn=False
            )
        t0 = self._score_tables.totals.loc[entity].to_dict()
        t1 = tables.totals.loc[entity].to_dict()
        log_row = pd.DataFrame(
            {
                "round": [n_round],
                "entity": [entity],
                "criterion": [criterion],
                "decision": [decision],
                "reason": [reason],
                "old_value": [old],
                "new_value": [new],
                "applied_value": [applied],
                "points_before": [_cell(self._score_tables.points, entity, criterion)],
                "points_after": [_cell(tables.points, entity, criterion)],
                "total_before": [float(t0["total"])],
                "total_after": [float(t1["total"])],
                "rank_before": [int(t0["rank"])],
                "rank_after": [int(t1["rank"])],
                "level_before": [str(t0["level"])],
                "level_after": [str(t1["level"])],
            }
        ).astype(_APPEAL_COLUMNS)
        log = log_row if self._appeals.empty else pd.concat([self._appeals, log_row])
        return replace(
            self,
            _inputs=inputs,
            _score_tables=tables,
            _appeals=log.reset_index(drop=True),
            _initial=self.preliminary,
        )

    def finalize(self) -> OperationalResult:
        """Return the ``final`` result (the commission's final conclusions).

        The scores are those after all appeals; :attr:`preliminary` and
        :attr:`appeals` stay available. A final result accepts no more appeals.

        Examples
        --------
        >>> import pandas as pd, warnings, govindex.operational
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     res = govindex.operational.read_scorecard("local").score(pd.DataFrame(
        ...         {"entity": ["R01"], "criterion": ["open_data"], "value": [0.6]}))
        >>> res.finalize().stage, res.stage
        ('final', 'preliminary')
        """
        if self.stage == "final":
            raise ScorecardError("the result is already final")
        return replace(self, stage="final", _initial=self.preliminary)

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
        sc = self.scorecard
        ents = self._score_tables.totals.index
        n_e = len(ents)
        index = pd.MultiIndex.from_product([ents, sc.item_codes], names=["entity", "criterion"])
        maxp = np.array([i.max_points for i in sc.items])
        kind = np.array([i.kind for i in sc.items])
        pts = self._score_tables.points.to_numpy().ravel()
        appealed_pairs = set(zip(self._appeals["entity"], self._appeals["criterion"], strict=True))
        return pd.DataFrame(
            {
                "stage": self.stage,
                "kind": np.tile(kind, n_e),
                "block": np.tile(np.array([i.block or "" for i in sc.items]), n_e),
                "direction": np.tile(np.array([i.direction or "" for i in sc.items]), n_e),
                "rule": np.tile(np.array([i.rule.name for i in sc.items]), n_e),
                "value": self._score_tables.input_values.to_numpy().ravel(),
                "points": pts,
                "max_points": np.tile(maxp, n_e),
                "lost_points": np.where(
                    np.tile(kind, n_e) == "criterion", np.tile(maxp, n_e) - pts, 0.0
                ),
                "missing": self._score_tables.missing.to_numpy().ravel(),
                "appealed": index.isin(list(appealed_pairs)) if appealed_pairs else False,
            },
            index=index,
        ).astype({"block": "str", "direction": "str"})

    def summary(self) -> pd.DataFrame:
        """Block subtotals joined with the totals (one row per entity)."""
        return handout(self._score_tables.blocks.join(self._score_tables.totals))

    @property
    def provenance(self) -> dict[str, Any]:
        """The metadata stored with every exported table: the stage, the whole scorecard
        and its fingerprint, both input fingerprints and the number of appeals."""
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
        }

    def to_parquet(
        self,
        folder: str | os.PathLike[str],
        *,
        prefix: str | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> dict[str, Path]:
        """Write the points, summary, appeal log and the preliminary figures to Parquet.

        Files ``operational_<code>_<year>_<table>.parquet`` (the default ``prefix``)
        for the tables of :meth:`tables`: ``summary`` (:meth:`summary`), ``points``
        (tidy :meth:`to_frame`), ``appeals``, ``preliminary_summary`` and
        ``preliminary_points``; each carries :attr:`provenance` (plus ``metadata``)
        in its schema metadata.

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
        """Score the same inputs again, e.g. with another scorecard or another year's.

        Accepts ``scorecard`` (a :class:`Scorecard`), ``year`` (the same scorecard in
        another year: a shipped one or the file it was read from), ``inputs`` (another
        tidy table) and ``entities``. The inputs as first scored are scored, the
        :attr:`appeals` replayed in order and a final result finalised again, so
        ``regenerate()`` without changes equals this result bit for bit.

        Raises
        ------
        MethodError
            An unknown keyword, or ``year`` for a scorecard that was not read from
            a file or the shipped ones.
        ScorecardError
            Inputs or an appeal that do not fit the scorecard (the message names them).
        """
        unknown = sorted(set(changes) - {"scorecard", "year", "inputs", "entities"})
        if unknown:
            raise MethodError(
                f"unknown parameter(s) {format_items(unknown)} of OperationalResult.regenerate; "
                "expected scorecard, year, inputs or entities"
            )
        card = changes.get("scorecard", self.scorecard)
        if "year" in changes:
            card = _scorecard_of_year(card, int(changes["year"]))
        first = self.preliminary
        inputs = changes.get("inputs", first._inputs)
        res = score_scorecard(card, inputs, entities=changes.get("entities", list(self.entities)))
        log = self._appeals
        texts = log.loc[:, ["entity", "criterion", "reason", "decision"]].astype("str")
        values = log["new_value"].to_numpy(dtype=np.float64)
        for (entity, criterion, reason, decision), value in zip(  # a handful of appeals
            texts.itertuples(index=False, name=None), values, strict=True
        ):
            res = res.appeal(
                entity, criterion, float(value), reason=reason, decision=cast(Decision, decision)
            )
        return res.finalize() if self.stage == "final" else res

    def _tables(self) -> dict[str, pd.DataFrame]:
        pre = self.preliminary
        return {
            "summary": self.summary(),
            "points": self.to_frame(),
            "appeals": self._appeals,
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
