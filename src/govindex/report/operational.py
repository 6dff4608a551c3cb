"""Report contexts of the operational assessment: a body's round and the overview sections.

A body page shows the body's preliminary and final results side by side with their
dates, the blocks with the commission's conclusions, the criteria that lost most
points, its verification records and appeal cases, its history line across years
(following reorganisations) and its recommendations with their status on the
monitoring date. The overview names the year and the stage of every operational
figure and lists the overdue recommendations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import pandas as pd

from govindex.entities import Language
from govindex.i18n import text
from govindex.report.figures import embed_figure
from govindex.report.format import fmt_int, fmt_num, fmt_value, records, row_of

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from govindex.operational.history import YearComparison
    from govindex.operational.recommendations import Recommendations
    from govindex.operational.result import OperationalResult

__all__ = [
    "OperationalRecords",
    "op_column_label",
    "op_stage_text",
    "op_title",
    "operational_context",
    "ops_overview",
]


@dataclass(frozen=True)
class OperationalRecords:
    """What a report shows beside an operational result (all optional).

    Attributes
    ----------
    history : YearComparison or None
        The results of several years (:func:`~govindex.operational.history.compare_years`).
    recommendations : Recommendations or None
        The recommendations register.
    monitored_on : datetime.date or None
        The monitoring date: recommendations not done and past their due date on it
        are overdue (without it, the recorded statuses are shown).
    history_totals : DataFrame or None
        Instead of ``history``: its stored ``totals`` table (a run folder's
        ``operational_<name>_history`` file).
    register : DataFrame or None
        Instead of ``recommendations``: the stored register (with ``status_on`` when it
        was monitored), as a run folder holds it.
    """

    history: YearComparison | None = None
    recommendations: Recommendations | None = None
    monitored_on: dt.date | None = None
    history_totals: pd.DataFrame | None = None
    register: pd.DataFrame | None = None

    @property
    def has_register(self) -> bool:
        """Whether a recommendations register is given (live or stored)."""
        return self.recommendations is not None or self.register is not None

    def history_table(self) -> pd.DataFrame | None:
        """The history's totals, by (entity, year)."""
        return self.history.totals if self.history is not None else self.history_totals

    def statuses(self) -> pd.DataFrame | None:
        """The register with the status on the monitoring date (``status_on``)."""
        if self.recommendations is None:
            if self.register is None:
                return None
            table = self.register
            return table if "status_on" in table else table.assign(status_on=table["status"])
        table = self.recommendations.table
        if self.monitored_on is None:
            return table.assign(status_on=table["status"])
        return table.assign(status_on=self.recommendations.status_on(self.monitored_on))


def op_title(op: OperationalResult) -> str:
    """``Operational assessment — <scorecard name>, <year>``."""
    name = op.scorecard.name
    prefix = "" if name.lower().startswith("operational") else "Operational assessment — "
    return f"{prefix}{name}, {op.scorecard.year}"


def op_column_label(ops: list[OperationalResult], lang: Language = "en") -> str:
    """The overview's column title: the year(s) and stage(s) of the figures it shows."""
    found = sorted({f"{o.scorecard.year}, {text(f'stage.{o.stage}', lang)}" for o in ops})
    label = text("report.op_total", lang, when="; ".join(found))
    return label if found else label.split(" (")[0]


def op_stage_text(op: OperationalResult, lang: Language = "en") -> str:
    """The stage of an operational figure and its date: ``final, 2020-03-16``."""
    stage = text(f"stage.{op.stage}", lang)
    if op.stage == "final" and op.commission is not None:
        return f"{op.scorecard.year}, {stage}, {op.commission.decided_on}"
    if op.published_on is not None:
        return f"{op.scorecard.year}, {stage}, {op.published_on}"
    return f"{op.scorecard.year}, {stage}"


def _date(value: Any) -> str:
    return "" if value is None or pd.isna(value) else str(pd.Timestamp(value).date())


def _stages(entity: str, op: OperationalResult) -> list[dict[str, str]]:
    """The preliminary and (when adopted) final figures of one body, with their dates."""
    pre = row_of(op.preliminary.totals, entity)
    published = op.published_on
    rows = [
        {
            "stage": "preliminary",
            "date": "" if published is None else f"published {published}",
            "total": fmt_num(pre["total"], 2),
            "percent": fmt_num(pre["percent"], 1),
            "rank": fmt_int(pre["rank"]),
            "level": str(pre["level"]),
        }
    ]
    if op.stage == "final" and op.commission is not None:
        fin = row_of(op.totals, entity)
        c = op.commission
        rows.append(
            {
                "stage": "final",
                "date": f"{c.decided_on}, commission protocol {c.protocol}",
                "total": fmt_num(fin["total"], 2),
                "percent": fmt_num(fin["percent"], 1),
                "rank": fmt_int(fin["rank"]),
                "level": str(fin["level"]),
            }
        )
    return rows


def _history(entity: str, totals: pd.DataFrame | None) -> list[dict[str, str]]:
    if totals is None:
        return []
    if entity not in totals.index.get_level_values("entity"):
        return []
    mine = cast(pd.DataFrame, totals.loc[entity])
    return [
        {
            "year": str(year),
            "total": fmt_num(r["total"], 2),
            "percent": fmt_num(r["percent"], 1),
            "comparable_percent": fmt_num(r["comparable_percent"], 1),
            "level": str(r["level"]),
            "lineage": str(r.get("lineage", "")),
        }
        for year, r in zip(mine.index, records(mine), strict=True)
    ]


def lost_points(op: OperationalResult, entity: str, top: int = 5) -> pd.DataFrame:
    """The ``top`` criteria on which ``entity`` lost most points (max − points > 0)."""
    lost = op.lost_points.loc[entity]
    crit = {c.code: c for c in op.scorecard.criteria}
    table = pd.DataFrame(
        {
            "indicator": [str(c) for c in lost.index],
            "name": [crit[str(c)].name for c in lost.index],
            "group": [str(crit[str(c)].direction or "") for c in lost.index],
            "max_score": [crit[str(c)].max_points for c in lost.index],
            "lost": lost.to_numpy(dtype="float64"),
        }
    )
    table["score"] = table["max_score"] - table["lost"]
    table = table.loc[table["lost"] > 0]
    return table.sort_values("lost", ascending=False, kind="stable").head(top)


def operational_context(
    entity: str,
    op: OperationalResult,
    extra: OperationalRecords | None = None,
    lang: Language = "en",
) -> dict[str, Any]:
    """The operational part of a body page."""
    extra = extra or OperationalRecords()
    totals = op.totals
    row = row_of(totals, entity)
    names = {b.code: b.name for b in op.scorecard.blocks}
    blocks = row_of(op.blocks, entity)
    concl = op.conclusions
    said = concl.xs(entity, level="entity")["conclusion"] if op.stage == "final" else None
    lost = lost_points(op, entity)
    cases = op.cases.loc[op.cases["entity"] == entity]
    checks = op.verification.loc[op.verification["entity"] == entity]
    statuses = extra.statuses()
    recs = statuses.loc[statuses["entity"] == entity] if statuses is not None else None
    return {
        "title": op_title(op),
        "total": fmt_num(row["total"], 2),
        "max_points": fmt_num(row["max_points"], 0),
        "percent": fmt_num(row["percent"], 1),
        "percent_with_bonus": fmt_num(row["percent_with_bonus"], 1),
        "capped": bool(row["percent_with_bonus"] > row["percent"]),
        "rank": fmt_int(row["rank"]),
        "n": len(totals),
        "level": str(row["level"]),
        "stage": op.stage,
        "stage_text": op_stage_text(op, lang),
        "stages": _stages(entity, op),
        "bonus": fmt_num(row["bonus"], 2),
        "penalty": fmt_num(row["penalty"], 2),
        "blocks": [
            {
                "name": f"{code} — {names.get(code, code)}",
                "points": fmt_num(v, 2),
                "conclusion": "" if said is None else str(said.get(code, "")),
            }
            for code, v in blocks.items()
        ],
        "lost": [
            {
                "indicator": r["indicator"],
                "name": r["name"],
                "group": r["group"],
                "score": fmt_num(r["score"], 2),
                "max_score": fmt_num(r["max_score"], 2),
                "lost": fmt_num(r["lost"], 2),
            }
            for r in records(lost)
        ],
        "cases": [
            {
                "case": str(case),
                "criterion": r["criterion"],
                "status": r["status"],
                "filed_on": _date(r["filed_on"]) + (" (late, accepted)" if r["late"] else ""),
                "claimed": fmt_value(r["claimed_value"]),
                "before": fmt_value(r["value_at_filing"]),
                "granted": fmt_value(r["granted_value"]),
                "decided_on": _date(r["decided_on"]),
            }
            for case, r in zip(cases.index, records(cases), strict=True)
        ],
        "checks": [
            {
                "criterion": r["criterion"],
                "reported": fmt_value(r["reported"]),
                "verified": fmt_value(r["verified"]),
                "finding": r["finding"],
                "on": _date(r["verified_on"]),
            }
            for r in records(checks)
        ],
        "history": _history(entity, extra.history_table()),
        "recommendations": None
        if recs is None
        else [
            {
                "id": str(i),
                "type": r["type"],
                "owner": r["owner"],
                "due": _date(r["due"]),
                "status": r["status_on"],
                "evidence": r["evidence"],
                "text": r["text"],
            }
            for i, r in zip(recs.index, records(recs), strict=True)
        ],
        "monitored_on": "" if extra.monitored_on is None else str(extra.monitored_on),
    }


def _draw_blocks(op: OperationalResult, note: str | None) -> Callable[[Axes], object]:
    from govindex.plotting.operational import plot_operational_blocks

    return lambda ax: plot_operational_blocks(op, ax=ax, note=note)


def _round_summary(op: OperationalResult) -> list[str]:
    """Lines on the round: publication, verification, appeals, the commission."""
    lines = []
    if op.published_on is not None:
        lines.append(
            f"Preliminary results published {op.published_on}; appeals due within "
            f"{op.scorecard.appeal_days} days."
        )
    checks = op.verification
    if len(checks):
        n_bad = int(checks["corrected"].sum())
        lines.append(
            f"Data verification: {checks['entity'].nunique()} bodies, {len(checks)} values "
            f"checked, {n_bad} confirmed discrepancy(ies) corrected and penalised."
        )
    cases = op.cases
    if len(cases):
        counts = cases["status"].value_counts()
        lines.append(
            f"Appeals: {len(cases)} case(s) — "
            + ", ".join(
                f"{counts[s]} {s}"
                for s in ("upheld", "partly", "rejected", "pending")
                if s in counts
            )
            + "."
        )
    if op.commission is not None:
        c = op.commission
        lines.append(
            f"Final results adopted by the Assessment Commission on {c.decided_on} "
            f"(protocol {c.protocol}; {', '.join(c.members)})."
        )
    else:
        lines.append("Final results not adopted yet: the figures are preliminary.")
    return lines


def ops_overview(
    ops: Mapping[str, OperationalResult],
    note: str | None,
    charts: bool,
    extras: Mapping[str, OperationalRecords] | None = None,
) -> list[dict[str, Any]]:
    """The overview sections of the operational results (one per result)."""
    out = []
    for key, op in ops.items():
        extra = (extras or {}).get(key) or OperationalRecords()
        figures = []
        if charts:
            n = len(op.entities)
            figures.append(
                embed_figure(
                    _draw_blocks(op, note),
                    (9.0, max(3.0, 0.32 * n + 1.8)),
                    f"Operational assessment {key}",
                    "Points per block, bonus and penalty, on the efficiency-level bands.",
                )
            )
        overdue: list[dict[str, str]] = []
        if extra.has_register and extra.monitored_on is not None:
            statuses = extra.statuses()
            assert statuses is not None  # a register is given
            late = statuses.loc[statuses["status_on"] == "overdue"].sort_values(["due", "entity"])
            when = pd.Timestamp(extra.monitored_on)
            overdue = [
                {
                    "id": str(i),
                    "entity": r["entity"],
                    "type": r["type"],
                    "owner": r["owner"],
                    "due": _date(r["due"]),
                    "days": str((when - pd.Timestamp(r["due"])).days),
                }
                for i, r in zip(late.index, records(late), strict=True)
            ]
        out.append(
            {
                "key": key,
                "title": f"{op_title(op)} ({op.stage})",
                "lines": _round_summary(op),
                "figures": figures,
                "overdue": overdue,
                "monitored_on": "" if extra.monitored_on is None else str(extra.monitored_on),
                "has_register": extra.has_register,
            }
        )
    return out
