"""Scorecard files of the operational assessment: format, validation and loading.

A scorecard is a TOML file: ``blocks → directions → criteria`` with their maximum
points and scoring rules, bonus and penalty items, efficiency-level cut-offs, the
year it applies to and the entity kinds (central/local) it is meant for. See
``docs/operational.md`` for the format and the shipped defaults.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from govindex._toml import load_toml, parse_toml
from govindex.exceptions import ScorecardError, format_items
from govindex.operational._rules import Rule
from govindex.operational._scoring import scorecard_catalog

if TYPE_CHECKING:
    import datetime as dt

    from govindex.catalog import Catalog
    from govindex.operational.result import OperationalResult
    from govindex.operational.verification import VerificationRecords

__all__ = [
    "BUILTIN_SCORECARDS",
    "Block",
    "Direction",
    "Item",
    "ItemKind",
    "Level",
    "Scorecard",
    "read_scorecard",
]

ItemKind = Literal["criterion", "bonus", "penalty"]

#: Names accepted by :func:`read_scorecard` for the scorecards shipped with govindex.
BUILTIN_SCORECARDS: tuple[str, ...] = ("central", "local")


@dataclass(frozen=True)
class Level:
    """An efficiency level: totals with ``percent ≥ min_percent`` (and below the next) get it."""

    name: str
    min_percent: float


@dataclass(frozen=True)
class Block:
    """A block of the assessment (e.g. "Achievement of goals")."""

    code: str
    name: str


@dataclass(frozen=True)
class Direction:
    """A direction inside a block (e.g. "Budgetary component")."""

    code: str
    name: str
    block: str


@dataclass(frozen=True)
class Item:
    """A scored item: a criterion of a direction, a bonus item or a penalty item."""

    code: str
    name: str
    kind: ItemKind
    max_points: float
    rule: Rule
    value_range: tuple[float, float]
    block: str | None = None
    direction: str | None = None
    assessor: str = ""
    input: str = ""
    unit: str = ""
    valid_from: int | None = None
    valid_to: int | None = None
    description: str = ""

    def in_force(self, year: int) -> bool:
        """Return whether the item applies in ``year`` (``valid_from ≤ year ≤ valid_to``)."""
        return (self.valid_from is None or self.valid_from <= year) and (
            self.valid_to is None or year <= self.valid_to
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the item as a scorecard-file table."""
        out: dict[str, Any] = {
            "code": self.code,
            "name": self.name,
            "max_points": self.max_points,
            "rule": self.rule.name,
            **self.rule.params(),
        }
        if self.rule.name in ("linear", "bands"):
            out["range"] = list(self.value_range)
        for key in ("assessor", "input", "unit", "description"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.valid_from is not None:
            out["valid_from"] = self.valid_from
        if self.valid_to is not None:
            out["valid_to"] = self.valid_to
        return out


@dataclass(frozen=True, repr=False)
class Scorecard:
    """A validated operational-assessment methodology for one year.

    Build it with :func:`read_scorecard` or :meth:`Scorecard.from_dict`; only the
    items in force in :attr:`year` are kept (the codes of the others are listed in
    :attr:`not_in_force`, so that inputs naming them get a precise error).
    :attr:`appeal_days` is the number of calendar days after the publication of the
    preliminary results within which a body may file an appeal (header key
    ``appeal_days``, default 10).

    Examples
    --------
    >>> sc = read_scorecard("local", year=2018)
    >>> sc.year, sc.max_points
    (2018, 96.0)
    >>> "citizens_budget" in sc.not_in_force
    True
    """

    code: str
    name: str
    year: int
    entity_kinds: tuple[str, ...]
    blocks: tuple[Block, ...]
    directions: tuple[Direction, ...]
    items: tuple[Item, ...]
    levels: tuple[Level, ...]
    description: str = ""
    version: str = ""
    source: str = ""
    not_in_force: tuple[str, ...] = field(default=())
    appeal_days: int = 10

    # ------------------------------------------------------------------ views
    @property
    def criteria(self) -> tuple[Item, ...]:
        """The base criteria (the items that make up the blocks)."""
        return tuple(i for i in self.items if i.kind == "criterion")

    @property
    def item_codes(self) -> tuple[str, ...]:
        """Codes of every item in force, in file order (criteria, bonus, penalty)."""
        return tuple(i.code for i in self.items)

    @property
    def max_points(self) -> float:
        """Sum of the maximum points of the base criteria (the 100 % of the levels)."""
        return float(sum(i.max_points for i in self.criteria))

    @cached_property
    def catalog(self) -> Catalog:
        """The scorecard's tree as a :class:`~govindex.Catalog` (``sum`` at every parent).

        Root ``"total"`` over the blocks (over their directions, over their criteria) and
        the bonus and penalty items; what scoring and attribution roll up.

        Examples
        --------
        >>> read_scorecard("local").catalog.children("total")[:4]
        ['B1', 'B2', 'B3', 'popular_participation']
        """
        return scorecard_catalog(self)

    def item(self, code: str) -> Item:
        """Return the item ``code`` (criterion, bonus or penalty)."""
        for it in self.items:
            if it.code == code:
                return it
        hint = (
            f"; it is not in force in {self.year}"
            if code in self.not_in_force
            else f"; known items: {format_items(self.item_codes)}"
        )
        raise ScorecardError(f"unknown criterion {code!r} in scorecard {self.code!r}{hint}")

    def to_frame(self) -> pd.DataFrame:
        """Return one row per item with its block, direction, points, rule and parameters.

        Examples
        --------
        >>> read_scorecard("central").to_frame().loc["budget_violations", "rule"]
        'deduction'
        """
        rows = [
            {
                "criterion": i.code,
                "name": i.name,
                "kind": i.kind,
                "block": i.block,
                "direction": i.direction,
                "max_points": i.max_points,
                "rule": i.rule.name,
                "params": json.dumps(i.rule.params()),
                "range_low": i.value_range[0],
                "range_high": i.value_range[1],
                "assessor": i.assessor,
                "input": i.input,
                "unit": i.unit,
                "valid_from": i.valid_from,
                "valid_to": i.valid_to,
            }
            for i in self.items
        ]
        frame = pd.DataFrame(rows).set_index("criterion")
        return frame.astype({"valid_from": "Int64", "valid_to": "Int64"})

    def to_dict(self) -> dict[str, Any]:
        """Return the scorecard (items in force only) in the file structure.

        ``Scorecard.from_dict(sc.to_dict())`` reproduces ``sc``.
        """
        blocks = []
        for b in self.blocks:
            dirs = []
            for d in self.directions:
                if d.block == b.code:
                    crits = [i.to_dict() for i in self.items if i.direction == d.code]
                    dirs.append({"code": d.code, "name": d.name, "criteria": crits})
            blocks.append({"code": b.code, "name": b.name, "directions": dirs})
        header: dict[str, Any] = {
            "code": self.code,
            "name": self.name,
            "year": self.year,
            "entity_kinds": list(self.entity_kinds),
            "total_points": self.max_points,
            "appeal_days": self.appeal_days,
        }
        if self.description:
            header["description"] = self.description
        if self.version:
            header["version"] = self.version
        return {
            "scorecard": header,
            "levels": [{"name": lv.name, "min_percent": lv.min_percent} for lv in self.levels],
            "blocks": blocks,
            "bonus": [i.to_dict() for i in self.items if i.kind == "bonus"],
            "penalty": [i.to_dict() for i in self.items if i.kind == "penalty"],
        }

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the canonical JSON of :meth:`to_dict` (the methodology in force)."""
        text = json.dumps(self.to_dict(), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def __repr__(self) -> str:
        return (
            f"Scorecard(code={self.code!r}, year={self.year}, blocks={len(self.blocks)}, "
            f"directions={len(self.directions)}, criteria={len(self.criteria)}, "
            f"bonus={sum(i.kind == 'bonus' for i in self.items)}, "
            f"penalty={sum(i.kind == 'penalty' for i in self.items)}, "
            f"max_points={self.max_points:g})"
        )

    # ------------------------------------------------------------------ scoring
    def score(
        self,
        inputs: pd.DataFrame,
        *,
        entities: Sequence[str] | None = None,
        published_on: dt.date | str | None = None,
        verification: VerificationRecords | pd.DataFrame | None = None,
        scored_by: str = "",
    ) -> OperationalResult:
        """Score every body from a tidy table of criterion values (stage ``preliminary``).

        Parameters
        ----------
        inputs : DataFrame
            Columns ``entity``, ``criterion``, ``value`` and optionally ``evidence``
            (text shown by :meth:`OperationalResult.explain`) and ``year`` (must equal
            :attr:`year`). One row per (entity, criterion); a criterion without a row
            (or with NaN) scores 0 points and is flagged in ``result.missing``.
        entities : sequence of str, optional
            Bodies to score even if they have no input rows (all their criteria are
            then missing). By default the bodies found in ``inputs``.
        published_on : date or ISO string, optional
            Publication date of the preliminary results: appeals are due within
            :attr:`appeal_days` days of it (:meth:`OperationalResult.file_appeal`
            needs it).
        verification : VerificationRecords or DataFrame, optional
            The records of the data verification before scoring: confirmed
            discrepancies replace the reported values and raise the body's
            ``unreliable_data`` penalty count (see
            :mod:`govindex.operational.verification`).
        scored_by : str, optional
            Who scored (recorded in the audit trail).

        Returns
        -------
        OperationalResult

        Examples
        --------
        >>> sc = read_scorecard("local")
        >>> inputs = pd.DataFrame({"entity": ["R01"], "criterion": ["budget_violations"],
        ...                        "value": [2.0]})
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     res = sc.score(inputs)
        >>> float(res.points.loc["R01", "budget_violations"])  # 5 − 1 × 2
        3.0
        """
        from govindex.operational.result import score_scorecard

        return score_scorecard(
            self,
            inputs,
            entities=entities,
            published_on=published_on,
            verification=verification,
            scored_by=scored_by,
        )

    # ------------------------------------------------------------------ building
    @classmethod
    def from_dict(
        cls, raw: Mapping[str, Any], *, year: int | None = None, source: str = ""
    ) -> Scorecard:
        """Validate a parsed scorecard file and keep the items in force in ``year``.

        Parameters
        ----------
        raw : mapping
            The parsed TOML document.
        year : int, optional
            Assessment year; default the file's ``scorecard.year``. Items whose
            ``valid_from``/``valid_to`` exclude it are dropped, and so are directions
            and blocks left without criteria.
        source : str
            Where the file came from (kept for provenance).

        Returns
        -------
        Scorecard

        Raises
        ------
        ScorecardError
            On any malformed item; the message names it.
        """
        from govindex.operational._parse import parse_fields

        return cls(**parse_fields(raw, year=year, source=source))

    @classmethod
    def from_toml(cls, text: str, *, year: int | None = None, source: str = "") -> Scorecard:
        """Parse and validate scorecard TOML text (see :meth:`from_dict`)."""
        raw = parse_toml(text, ScorecardError, f"scorecard {source or '<text>'}")
        return cls.from_dict(raw, year=year, source=source)


# --------------------------------------------------------------------------- loading


def read_scorecard(path_or_name: str | os.PathLike[str], *, year: int | None = None) -> Scorecard:
    """Load and validate a scorecard file, or one of the shipped default scorecards.

    Parameters
    ----------
    path_or_name : str or path-like
        ``"central"`` or ``"local"`` for the shipped default scorecards (central
        government bodies, local executive bodies), otherwise the path of a TOML file.
    year : int, optional
        Assessment year; default the file's ``scorecard.year``. Only the items in
        force in that year are kept (e.g. the local scorecard before 2019 has no
        Citizens' Budget criterion and no popular-participation bonus, before 2017 no
        openness direction).

    Returns
    -------
    Scorecard

    Raises
    ------
    ScorecardError
        When the file is missing, not TOML, or malformed (the message names the item).

    Examples
    --------
    >>> sc = read_scorecard("local")
    >>> sc.year, sc.max_points, [b.code for b in sc.blocks]
    (2019, 100.0, ['B1', 'B2', 'B3'])
    >>> read_scorecard("local", year=2016).max_points  # no openness, no Citizens' Budget
    84.0
    """
    if isinstance(path_or_name, str) and path_or_name in BUILTIN_SCORECARDS:
        ref = resources.files("govindex.operational").joinpath(f"scorecards/{path_or_name}.toml")
        text = ref.read_text(encoding="utf-8")
        return Scorecard.from_toml(text, year=year, source=f"builtin:{path_or_name}")
    path = Path(path_or_name)
    if not path.is_file():
        raise ScorecardError(
            f"scorecard file {str(path)!r} not found; pass the path of a TOML file or one of "
            f"the shipped names {list(BUILTIN_SCORECARDS)}"
        )
    raw = load_toml(path, ScorecardError, "scorecard")
    return Scorecard.from_dict(raw, year=year, source=str(path))
