"""Parsing and validation of scorecard files (the work behind :meth:`Scorecard.from_dict`).

:func:`parse_fields` checks a parsed TOML document item by item and returns the fields
of a :class:`~govindex.operational.scorecard.Scorecard` (the items in force in the
assessment year only); every error names the offending item.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from govindex.exceptions import ScorecardError, format_items
from govindex.operational._rules import RULE_KEYS, parse_rule
from govindex.operational.scorecard import Block, Direction, Item, ItemKind, Level

__all__ = ["DEFAULT_APPEAL_DAYS", "parse_fields"]

#: Calendar days a body has to appeal its preliminary results when the file sets no
#: ``appeal_days`` (a documented govindex default, like the point values).
DEFAULT_APPEAL_DAYS = 10

_TOP_KEYS = frozenset({"scorecard", "levels", "blocks", "bonus", "penalty"})
_HEADER_KEYS = frozenset(
    {
        "code",
        "name",
        "year",
        "entity_kinds",
        "total_points",
        "appeal_days",
        "description",
        "version",
    }
)
_ITEM_KEYS = frozenset(
    {
        "code",
        "name",
        "max_points",
        "rule",
        "assessor",
        "input",
        "unit",
        "valid_from",
        "valid_to",
        "description",
    }
)


def _check_keys(
    table: Any, allowed: frozenset[str], required: Sequence[str], where: str
) -> Mapping[str, Any]:
    if not isinstance(table, Mapping):
        raise ScorecardError(f"{where} must be a table, found {type(table).__name__}")
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ScorecardError(
            f"{where}: unknown key(s) {format_items(unknown)}; expected some of "
            f"{format_items(sorted(allowed), limit=20)}"
        )
    missing = [k for k in required if k not in table]
    if missing:
        raise ScorecardError(f"{where}: missing required key(s) {format_items(missing)}")
    return table


def _text(table: Mapping[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = table.get(key, default)
    if not isinstance(value, str) or (key in ("code", "name") and not value.strip()):
        raise ScorecardError(f"{where}: {key!r} must be a non-empty string, found {value!r}")
    return value


def _year(table: Mapping[str, Any], key: str, where: str) -> int | None:
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScorecardError(f"{where}: {key!r} must be an integer year, found {value!r}")
    return value


def _list(raw: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = raw.get(key, [])
    if not isinstance(value, list):
        raise ScorecardError(f"{where}: {key!r} must be an array of tables ([[{key}]])")
    return value


def _parse_item(
    table: Any, *, kind: ItemKind, block: str | None, direction: str | None, where: str
) -> Item:
    if not isinstance(table, Mapping) or not isinstance(table.get("code"), str):
        raise ScorecardError(f"{where}: every {kind} needs a string 'code'")
    code = table["code"]
    label = f"{kind} {code!r}"
    rule_name = table.get("rule")
    if rule_name not in RULE_KEYS:
        raise ScorecardError(
            f"{label}: unknown rule {rule_name!r}; expected one of {sorted(RULE_KEYS)}"
        )
    _check_keys(table, _ITEM_KEYS | RULE_KEYS[rule_name], ("code", "name", "max_points"), label)
    max_points = table["max_points"]
    if (
        isinstance(max_points, bool)
        or not isinstance(max_points, int | float)
        or not math.isfinite(max_points)
        or max_points <= 0
    ):
        raise ScorecardError(f"{label}: max_points must be a number > 0, found {max_points!r}")
    rule, value_range = parse_rule(
        table, rule=rule_name, max_points=float(max_points), where=label
    )
    valid_from = _year(table, "valid_from", label)
    valid_to = _year(table, "valid_to", label)
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        raise ScorecardError(f"{label}: valid_to {valid_to} is before valid_from {valid_from}")
    return Item(
        code=code,
        name=_text(table, "name", label),
        kind=kind,
        max_points=float(max_points),
        rule=rule,
        value_range=value_range,
        block=block,
        direction=direction,
        assessor=_text(table, "assessor", label, ""),
        input=_text(table, "input", label, ""),
        unit=_text(table, "unit", label, ""),
        valid_from=valid_from,
        valid_to=valid_to,
        description=_text(table, "description", label, ""),
    )


def _appeal_days(head: Mapping[str, Any]) -> int:
    days = head.get("appeal_days", DEFAULT_APPEAL_DAYS)
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise ScorecardError(
            f"[scorecard]: appeal_days must be a whole number of calendar days >= 0, "
            f"found {days!r}"
        )
    return days


def parse_fields(raw: Mapping[str, Any], *, year: int | None, source: str) -> dict[str, Any]:
    """Validate a parsed scorecard file; return the fields of its :class:`Scorecard`.

    Only the items in force in ``year`` (default the file's year) are kept.
    """
    _check_keys(raw, _TOP_KEYS, ("scorecard", "levels", "blocks"), "scorecard file")
    head = _check_keys(raw["scorecard"], _HEADER_KEYS, ("code", "name", "year"), "[scorecard]")
    file_year = _year(head, "year", "[scorecard]")
    if file_year is None:  # pragma: no cover - 'year' is a required key, checked above
        raise ScorecardError("[scorecard]: missing required key 'year'")
    use_year = file_year if year is None else year
    if isinstance(use_year, bool) or not isinstance(use_year, int):
        raise ScorecardError(f"year must be an integer, found {use_year!r}")
    kinds = head.get("entity_kinds", ["central", "local"])
    if not isinstance(kinds, list) or not kinds or not set(kinds) <= {"central", "local"}:
        raise ScorecardError(
            f"[scorecard]: entity_kinds must be a non-empty subset of ['central', 'local'], "
            f"found {kinds!r}"
        )

    # ---- levels
    levels: list[Level] = []
    for n, lv in enumerate(_list(raw, "levels", "scorecard file"), start=1):
        t = _check_keys(
            lv, frozenset({"name", "min_percent"}), ("name", "min_percent"), f"level {n}"
        )
        cut = t["min_percent"]
        if isinstance(cut, bool) or not isinstance(cut, int | float) or not 0 <= cut <= 100:
            raise ScorecardError(
                f"level {t['name']!r}: min_percent must be a number in [0, 100], found {cut!r}"
            )
        levels.append(Level(_text(t, "name", f"level {n}"), float(cut)))
    if not levels:
        raise ScorecardError("scorecard file: at least one [[levels]] entry is required")
    names = [lv.name for lv in levels]
    cuts = [lv.min_percent for lv in levels]
    if len(set(names)) != len(names):
        dup = sorted({x for x in names if names.count(x) > 1})
        raise ScorecardError(f"levels: duplicate level name(s) {format_items(dup)}")
    if len(set(cuts)) != len(cuts):
        dup_c = sorted({c for c in cuts if cuts.count(c) > 1})
        raise ScorecardError(f"levels: duplicate min_percent cut-off(s) {format_items(dup_c)}")
    levels.sort(key=lambda lv: -lv.min_percent)
    if levels[-1].min_percent != 0:
        raise ScorecardError(
            f"levels: the lowest level {levels[-1].name!r} must have min_percent = 0 so that "
            f"every total gets a level, found {levels[-1].min_percent:g}"
        )

    # ---- blocks, directions, criteria
    blocks: list[Block] = []
    directions: list[Direction] = []
    items: list[Item] = []
    all_items: list[Item] = []
    seen: dict[str, str] = {}

    def _register(code: str, what: str) -> None:
        if code in seen:
            raise ScorecardError(f"duplicate code {code!r}: used by a {seen[code]} and a {what}")
        seen[code] = what

    block_tables = _list(raw, "blocks", "scorecard file")
    if not block_tables:
        raise ScorecardError("scorecard file: at least one [[blocks]] entry is required")
    for bt in block_tables:
        bcode = _text(bt, "code", "block") if isinstance(bt, Mapping) else ""
        bl = f"block {bcode!r}"
        _check_keys(bt, frozenset({"code", "name", "directions"}), ("code", "name"), bl)
        _register(bcode, "block")
        dir_tables = _list(bt, "directions", bl)
        if not dir_tables:
            raise ScorecardError(f"{bl}: has no directions; add [[blocks.directions]]")
        block_has_items = False
        for dt in dir_tables:
            dcode = _text(dt, "code", f"direction in {bl}") if isinstance(dt, Mapping) else ""
            dl = f"direction {dcode!r}"
            _check_keys(dt, frozenset({"code", "name", "criteria"}), ("code", "name"), dl)
            _register(dcode, "direction")
            crit_tables = _list(dt, "criteria", dl)
            if not crit_tables:
                raise ScorecardError(f"{dl}: has no criteria; add [[blocks.directions.criteria]]")
            dir_items = []
            for ct in crit_tables:
                it = _parse_item(ct, kind="criterion", block=bcode, direction=dcode, where=dl)
                _register(it.code, "criterion")
                all_items.append(it)
                if it.in_force(use_year):
                    dir_items.append(it)
            if dir_items:
                directions.append(Direction(dcode, _text(dt, "name", dl), bcode))
                items.extend(dir_items)
                block_has_items = True
        if block_has_items:
            blocks.append(Block(bcode, _text(bt, "name", bl)))
    for kind in ("bonus", "penalty"):
        for t in _list(raw, kind, "scorecard file"):
            it = _parse_item(t, kind=kind, block=None, direction=None, where=f"[[{kind}]]")
            _register(it.code, kind)
            all_items.append(it)
            if it.in_force(use_year):
                items.append(it)
    if not any(i.kind == "criterion" for i in items):
        raise ScorecardError(f"no criterion of the scorecard is in force in {use_year}")

    total = head.get("total_points")
    if total is not None and use_year == file_year:
        got = sum(i.max_points for i in items if i.kind == "criterion")
        if (
            isinstance(total, bool)
            or not isinstance(total, int | float)
            or abs(got - total) > 1e-9
        ):
            raise ScorecardError(
                f"[scorecard]: total_points = {total!r} but the criteria's max_points sum to "
                f"{got:g}; fix the points or total_points"
            )
    return dict(
        code=_text(head, "code", "[scorecard]"),
        name=_text(head, "name", "[scorecard]"),
        year=use_year,
        entity_kinds=tuple(kinds),
        blocks=tuple(blocks),
        directions=tuple(directions),
        items=tuple(items),
        levels=tuple(levels),
        description=_text(head, "description", "[scorecard]", ""),
        version=str(head.get("version", "")),
        source=source,
        not_in_force=tuple(i.code for i in all_items if not i.in_force(use_year)),
        appeal_days=_appeal_days(head),
    )
