"""Page contexts of the HTML reports: what the body pages and the overview show.

Each function turns results into the plain values (formatted text, embedded charts)
that the Jinja2 templates in ``govindex/report/templates`` render.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from govindex._version import __version__
from govindex.entities import Language
from govindex.i18n import class_name, entity_labels, text
from govindex.report.figures import embed_figure
from govindex.report.format import fmt_int, fmt_num, fmt_value, records, row_of
from govindex.report.operational import (
    OperationalRecords,
    op_column_label,
    op_stage_text,
    operational_context,
    ops_overview,
)

if TYPE_CHECKING:
    from govindex.indices.gpi import PerformanceResult
    from govindex.indices.npi import ProgressResult
    from govindex.operational.result import OperationalResult

__all__ = [
    "body_context",
    "npi_context",
    "operational_for",
    "ops_overview",
    "overview_set",
    "provenance_blocks",
    "section_title",
]


def provenance_blocks(
    result: PerformanceResult, extra: Iterable[tuple[str, Mapping[str, Any]]] = ()
) -> list[dict[str, Any]]:
    def items(d: Mapping[str, Any]) -> list[tuple[str, str]]:
        return [
            (str(k), v if isinstance(v, str) else json.dumps(v, default=str)) for k, v in d.items()
        ]

    blocks = [
        {"title": f"Method: GPI, year {result.year}", "items": items(result.method.to_dict())},
        {"title": "Input fingerprints (SHA-256)", "items": items(dict(result.fingerprints))},
    ]
    blocks += [{"title": title, "items": items(d)} for title, d in extra]
    blocks.append({"title": "Software", "items": [("govindex", __version__)]})
    return blocks


def operational_for(
    entity: str, key: str, operational: Mapping[str, OperationalResult]
) -> tuple[str, OperationalResult] | None:
    if key in operational and entity in operational[key].entities:
        return key, operational[key]
    for name, op in operational.items():
        if entity in op.entities:
            return name, op
    return None


def body_context(
    res: PerformanceResult,
    entity: str,
    set_title: str,
    risks: pd.DataFrame,
    op: tuple[str, OperationalResult] | None,
    previous: PerformanceResult | None,
    note: str | None,
    chart: bool,
    op_records: OperationalRecords | None = None,
    lang: Language = "en",
) -> dict[str, Any]:
    from govindex.analysis.strengths import strengths_weaknesses
    from govindex.plotting import plot_changes
    from govindex.plotting._common import flag_keys, format_change

    s = row_of(res.scores, entity)
    cat = res.catalog
    names = cat.names(lang=lang)
    units = cat.column("unit")
    rows = res.changes.loc[res.changes["entity"] == entity]
    changes = []
    for r in records(rows.rename(columns={"class": "cls"})):
        cls = str(r["cls"]) if pd.notna(r["cls"]) and pd.notna(r["score"]) else "missing"
        keys = [k for k in flag_keys(str(r["flags"])) if k != "reference"]
        changes.append(
            {
                "indicator": r["indicator"],
                "name": str(names.get(r["indicator"], "")) or r["indicator"],
                "sphere": r["sphere"],
                "cls_label": class_name(cls, lang),
                "flags": [text(f"flag.{k}", lang) for k in keys],
                "flag_text": str(r["flags"]) if keys else "",
                "start_year": fmt_int(r["start_year"]),
                "end_year": fmt_int(r["end_year"]),
                "start_value": fmt_value(r["start_value"]),
                "end_value": fmt_value(r["end_value"]),
                "change": format_change(
                    float(r["change"]), str(r["rule"]), str(units.get(r["indicator"], ""))
                ),
                "cls": cls,
                "score": fmt_num(r["score"], 1),
                "reason": r["reason"],
            }
        )
    # the body, its spheres, then its indicators; each level most severe first (the risk
    # table is ranked by severity, as on the console)
    mine = risks.loc[risks["entity"] == entity]
    mine = mine.sort_values(
        "level", key=lambda c: c.map({"entity": 0, "sphere": 1, "indicator": 2}), kind="stable"
    )
    risk_rows = [
        {
            "level": r["level"],
            "sphere": "" if pd.isna(r["sphere"]) else r["sphere"],
            "indicator": ""
            if pd.isna(r["indicator"])
            else f"{names.get(r['indicator'], '')} ({r['indicator']})",
            "severity": fmt_num(r["severity"], 3),
            "trigger": r["trigger"],
        }
        for r in records(mine)
    ]
    table = res.options.get("entity_table")
    context: dict[str, Any] = {
        "entity": entity,
        "name": _body_name(res, s) or _entity_name(entity, lang, table),
        "set_title": set_title,
        "year": res.year,
        "window": res.method.window,
        "note": note,
        "gpi": fmt_num(s["gpi"]) or "—",
        "rank": fmt_int(s["rank"]) or "—",
        "kind": s["kind"],
        "n_ranked": int((res.scores["kind"] == s["kind"]).sum()),
        "n_improved": int(s["n_improved"]),
        "n_stable": int(s["n_stable"]),
        "n_deteriorated": int(s["n_deteriorated"]),
        "n_scored": int(s["n_scored"]),
        "n_indicators": int(s["n_indicators"]),
        "coverage": f"{fmt_num(100 * s['coverage'], 0)} %",
        "reason": s["reason"],
        "reference": entity in set(res.reference_entities),
        "changes": changes,
        "risks": risk_rows,
        "strengths": [],
        "weaknesses": [],
        "n_peers": 0,
        "operational": None,
        "attribution": None,
        "chart": None,
    }
    if int(s["n_scored"]):
        top = max(1, min(5, int(s["n_scored"]) // 2))  # strengths and weaknesses never overlap
        sw = strengths_weaknesses(res, entity, top=top)
        n_peers = int(sw.table["n_peers"].max())
        if n_peers > 1:
            best, worst = sw.strengths, sw.weaknesses
        else:  # an indicator set of its own: no peers, rank the body's own progress scores
            t = sw.table.sort_values("score", ascending=False, kind="stable")
            best, worst = t.head(top), t.iloc[::-1].head(top)

        def fmt(frame: pd.DataFrame) -> list[dict[str, str]]:
            return [
                {
                    "indicator": r["indicator"],
                    "name": r["name"] or r["indicator"],
                    "score": fmt_num(r["score"]),
                    "rank": f"{fmt_int(r['rank'])} of {r['n_peers']}" if n_peers > 1 else "",
                    "percentile": fmt_num(r["percentile"], 0) if n_peers > 1 else "",
                }
                for r in records(frame)
            ]

        context["strengths"], context["weaknesses"], context["n_peers"] = (
            fmt(best),
            fmt(worst),
            n_peers,
        )
    if chart and len(rows):
        n = len(rows)
        context["chart"] = embed_figure(
            lambda ax: plot_changes(res, entity, ax=ax, note=note, lang=lang),
            (11.0, min(max(3.2, 0.3 * n + 2.4), 30.0)),
            f"{text('report.changes', lang)}: {entity}",
            text("changes.xlabel", lang),
        )
    if op is not None:
        context["operational"] = operational_context(entity, op[1], op_records, lang)
    if (
        previous is not None
        and entity in previous.scores.index
        and pd.notna(s["gpi"])
        and pd.notna(row_of(previous.scores, entity)["gpi"])
    ):
        context["attribution"] = _attribution(previous, res, entity)
    context["provenance"] = provenance_blocks(
        res,
        []
        if op is None
        else [
            (
                f"Operational assessment: {op[1].scorecard.code} {op[1].scorecard.year}",
                {k: v for k, v in op[1].provenance.items() if k != "scorecard"},
            )
        ],
    )
    return context


def _entity_name(entity: str, lang: Language, table: Any) -> str:
    """The name of ``entity`` in the entities table (``""`` when it has none)."""
    name = entity_labels([entity], lang, table)[0]
    return "" if name == entity else name


def _body_name(res: PerformanceResult, row: Mapping[str, Any]) -> str:
    """A central body's name: its root's name without "Government Performance Index —"."""
    if row["kind"] != "central":
        return ""
    name = str(res.catalog.column("name").get(str(row["root"]), ""))
    return re.sub(r"^(Government Performance Index|GPI)\s*[—–:-]\s*", "", name)


def _attribution(
    previous: PerformanceResult, res: PerformanceResult, entity: str
) -> dict[str, Any]:
    from govindex.analysis.attribution import attribute

    att = attribute(previous, res, entity=entity)
    leaves = att.leaves.assign(size=lambda t: t["contribution"].abs())
    top = leaves.sort_values("size", ascending=False, kind="stable").head(5)
    return {
        "previous_year": previous.year,
        "old": fmt_num(previous.scores.loc[entity, "gpi"]),
        "new": fmt_num(res.scores.loc[entity, "gpi"]),
        "total": ("+" if att.total > 0 else "") + fmt_num(att.total, 2),
        "rows": [
            {
                "node": r["node"],
                "name": r["name"],
                "old": fmt_num(r["old_score"]),
                "new": fmt_num(r["new_score"]),
                "contribution": ("+" if r["contribution"] > 0 else "")
                + fmt_num(r["contribution"], 2),
            }
            for r in records(top)
        ],
    }


def section_title(key: str, res: PerformanceResult, lang: Language = "en") -> str:
    kinds = set(res.scores["kind"]) - {""}
    what = " & ".join(
        text(f"kind.{k}", lang) if k in ("central", "local") else k for k in sorted(kinds)
    )
    return f"GPI — {what} ({key})" if what else f"GPI ({key})"


def overview_set(
    key: str,
    res: PerformanceResult,
    set_title: str,
    risks: pd.DataFrame,
    hrefs: Mapping[str, str],
    ops: Mapping[str, OperationalResult],
    note: str | None,
    charts: bool,
    chosen: set[str] | None,
    lang: Language = "en",
) -> dict[str, Any]:
    from govindex.plotting import plot_gpi_ranking, plot_risk_heatmap

    table = res.options.get("entity_table")
    s = res.scores.sort_values(
        ["rank", "gpi"], ascending=[True, False], na_position="last", kind="stable"
    )
    body_risk = risks.loc[risks["level"] == "entity"].set_index("entity")["trigger"]
    rows = []
    has_op = False
    shown: dict[int, OperationalResult] = {}
    for r in records(s.reset_index()):
        entity = str(r["entity"])
        op = operational_for(entity, key, ops)
        op_row = row_of(op[1].totals, entity) if op is not None else None
        has_op = has_op or op_row is not None
        if op is not None:
            shown[id(op[1])] = op[1]
        rows.append(
            {
                "entity": entity,
                "href": hrefs[str(entity)] if chosen is None or entity in chosen else "",
                "name": _body_name(res, r) or _entity_name(entity, lang, table),
                "rank": fmt_int(r["rank"]),
                "gpi": fmt_num(r["gpi"]) or "—",
                "n_improved": int(r["n_improved"]),
                "n_stable": int(r["n_stable"]),
                "n_deteriorated": int(r["n_deteriorated"]),
                "coverage": f"{fmt_num(100 * r['coverage'], 0)} %",
                "risk": str(body_risk.get(entity, "")),
                "reason": r["reason"],
                "op_total": "" if op_row is None else fmt_num(op_row["total"], 2),
                "op_stage": "" if op is None else op_stage_text(op[1], lang),
                "op_level": "" if op_row is None else str(op_row["level"]),
            }
        )
    figures = []
    if charts:
        n = len(s)
        figures.append(
            embed_figure(
                lambda ax: plot_gpi_ranking(res, ax=ax, note=note, lang=lang),
                (10.5, max(3.2, 0.32 * n + 2.4)),
                f"{text('report.ranking', lang)}, {set_title}",
                text("ranking.xlabel", lang),
            )
        )
        central = (res.scores["kind"] == "central").any()
        by: Literal["sphere", "indicator"] = "sphere" if central else "indicator"
        figures.append(
            embed_figure(
                lambda ax: plot_risk_heatmap(res, ax=ax, by=by, note=note, lang=lang),
                (10.5, max(3.5, 0.3 * n + 2.4)) if central else (14.0, max(6.0, 0.3 * n + 5.0)),
                f"{text('report.risks', lang)}, {set_title}",
                text("sphere.own_xlabel" if central else "heatmap.ylabel_sorted", lang),
            )
        )
    n_ok = int(res.scores["gpi"].notna().sum())
    summary = (
        f"{len(s)} bodies, {n_ok} with a GPI; {int(s['n_improved'].sum())} indicators improved, "
        f"{int(s['n_stable'].sum())} stable, {int(s['n_deteriorated'].sum())} deteriorated."
    )
    return {
        "key": key,
        "title": set_title,
        "rows": rows,
        "has_operational": has_op,
        "op_label": op_column_label(list(shown.values()), lang),
        "figures": figures,
        "summary": summary,
    }


def npi_context(
    progress: ProgressResult | None, note: str | None, charts: bool, lang: Language = "en"
) -> dict[str, Any] | None:
    if progress is None:
        return None
    from govindex.plotting import plot_npi_trend

    m = progress.method
    ref = (
        m.reference if isinstance(m.reference, str) else f"the mean of {len(m.reference)} members"
    )
    figures = []
    if charts:
        figures.append(
            embed_figure(
                lambda ax: plot_npi_trend(progress, ax=ax, note=note, lang=lang),
                (9.5, 4.8),
                "NPI over time",
                "NPI relative to the reference and to the base year.",
            )
        )
    return {
        "country": m.country,
        "year": progress.year,
        "reference": ref,
        "base_year": m.base_year,
        "vs_reference": fmt_num(progress.npi_reference),
        "vs_base": fmt_num(progress.npi_base),
        "figures": figures,
    }
