"""The ``[operational.<name>]`` tables of a run configuration (:mod:`govindex.io.config`).

:func:`operational_section` checks one table (the scorecard, the reported values, the
years, the office's registers, the commission's decision per year) and builds its
:class:`~govindex.io.config.OperationalSpec`; :func:`operational_dict` is the form a run's
manifest records.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govindex.exceptions import ConfigError
from govindex.io._config_values import (
    check_keys,
    date_of,
    existing_file,
    per_year,
    table_of,
)

if TYPE_CHECKING:
    from govindex.io.config import CommissionSpec, OperationalSpec

__all__ = ["OPERATIONAL_KEYS", "commission_section", "operational_dict", "operational_section"]


def operational_dict(s: OperationalSpec, rel: Callable[[Path], str]) -> dict[str, Any]:
    """The TOML-like form of an operational section (paths relative, dates ISO): what a
    run's manifest records."""

    def by_year(values: Mapping[int | None, Any], conv: Callable[[Any], Any]) -> Any:
        return (
            conv(values[None]) if None in values else {str(y): conv(v) for y, v in values.items()}
        )

    def commission(c: CommissionSpec) -> dict[str, Any]:
        out = {
            "decided_on": c.decided_on.isoformat(),
            "protocol": c.protocol,
            "members": list(c.members),
        }
        return {**out, "conclusions": rel(c.conclusions)} if c.conclusions else out

    out: dict[str, Any] = {
        "scorecard": s.scorecard
        if s.scorecard in ("central", "local")
        else rel(Path(s.scorecard)),
        "inputs": rel(s.inputs),
        **({"years": list(s.years)} if s.years else {}),
    }
    if s.published_on:
        out["published_on"] = by_year(s.published_on, lambda d: d.isoformat())
    for key in ("verification", "appeals", "recommendations", "lineage"):
        if getattr(s, key) is not None:
            out[key] = rel(getattr(s, key))
    if s.commission:
        out["commission"] = by_year(s.commission, commission)
    if s.monitored_on is not None:
        out["monitored_on"] = s.monitored_on.isoformat()
    return out


OPERATIONAL_KEYS = (
    "scorecard",
    "inputs",
    "year",
    "years",
    "published_on",
    "verification",
    "appeals",
    "commission",
    "recommendations",
    "monitored_on",
    "lineage",
)


def commission_section(value: object, where: str, base: Path) -> CommissionSpec:
    """The commission's decision of ``[operational.<name>.commission]`` (one year's)."""
    from govindex.io.config import CommissionSpec  # the module that imports this one

    t = table_of(value, where)
    check_keys(
        t,
        where,
        ("decided_on", "protocol", "members", "conclusions"),
        required=("decided_on", "protocol", "members"),
    )
    members = t["members"]
    if not (isinstance(members, list) and members and all(isinstance(m, str) for m in members)):
        raise ConfigError(f"[{where}] members must be a list of names")
    if not isinstance(t["protocol"], str | int) or isinstance(t["protocol"], bool):
        raise ConfigError(f"[{where}] protocol must be a text (the protocol number)")
    conclusions = t.get("conclusions")
    return CommissionSpec(
        date_of(t["decided_on"], where, "decided_on"),
        str(t["protocol"]),
        tuple(members),
        None if conclusions is None else existing_file(base, conclusions, where, "conclusions"),
    )


def operational_section(name: str, t: dict[str, Any], base: Path) -> OperationalSpec:
    """The checked ``[operational.<name>]`` table ``t`` (paths relative to ``base``)."""
    from govindex.io.config import OperationalSpec, parse_years  # imports this module

    where = f"operational.{name}"
    check_keys(t, where, OPERATIONAL_KEYS, required=("scorecard", "inputs"))
    card = t["scorecard"]
    if not isinstance(card, str):
        raise ConfigError(f"[{where}] scorecard must be 'central', 'local' or a path")
    scorecard = (
        card
        if card in ("central", "local")
        else str(existing_file(base, card, where, "scorecard"))
    )
    years = None
    if "year" in t or "years" in t:
        years = parse_years(t.get("years", t.get("year")))
    paths = {
        key: existing_file(base, t[key], where, key)
        for key in ("verification", "appeals", "recommendations", "lineage")
        if key in t
    }
    return OperationalSpec(
        name,
        scorecard,
        existing_file(base, t["inputs"], where, "inputs"),
        years,
        published_on=per_year(
            t["published_on"], where, "published_on", lambda v, w: date_of(v, w, "published_on")
        )
        if "published_on" in t
        else {},
        commission=per_year(
            t["commission"], where, "commission", lambda v, w: commission_section(v, w, base)
        )
        if "commission" in t
        else {},
        monitored_on=date_of(t["monitored_on"], where, "monitored_on")
        if "monitored_on" in t
        else None,
        **paths,
    )
