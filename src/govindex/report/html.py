"""Self-contained HTML reports: one page per body and an overview of all bodies.

:func:`write_reports` turns computed results into static pages (Jinja2 templates
shipped in ``govindex/templates``, autoescaped): charts are embedded as PNG
``data:`` URIs, the CSS is one inline ``<style>``, nothing is loaded from a network
or another file, so a page can be mailed, archived or printed on its own. The pages
read on a phone (tables scroll sideways, charts scale) and print cleanly. The
output is deterministic — no timestamps — so re-running on the same inputs writes
byte-identical files.

:func:`report_run` does the same for a run configuration (``govindex report``).

Jinja2 (and, for Excel, openpyxl) is an optional dependency:
``pip install "govindex[report]"``.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from govindex._provenance import atomic_write_bytes
from govindex._version import __version__
from govindex.exceptions import ConfigError, GovindexError, MethodError, format_items
from govindex.indices.gpi import PerformanceResult

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from govindex.indices.npi import ProgressResult
    from govindex.operational.result import OperationalResult

__all__ = ["report_run", "write_reports"]

_INSTALL = 'pip install "govindex[report]"  (or: pip install jinja2)'
_DPI = 96


# --------------------------------------------------------------------------- formatting


def _num(value: object, digits: int = 1) -> str:
    """``61.5``; ``""`` for missing; thousands separators; a true minus sign."""
    if value is None or value is pd.NA:
        return ""
    v = float(value)  # type: ignore[arg-type]
    if not np.isfinite(v):
        return ""
    return f"{v:,.{digits}f}".replace("-", "−")


def _value(value: object) -> str:
    """An observed value with up to 6 significant digits (no exponent below 10⁶)."""
    if value is None or value is pd.NA:
        return ""
    v = float(value)  # type: ignore[arg-type]
    if not np.isfinite(v):
        return ""
    text = f"{v:,.0f}" if abs(v) >= 1e6 else f"{v:,.6g}"
    return text.replace("-", "−")


def _int(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(int(value))  # type: ignore[call-overload]


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in rec.items()} for rec in frame.to_dict("records")]


def _row(frame: pd.DataFrame, label: str) -> dict[str, Any]:
    return _records(frame.loc[[label]])[0]


def _slug(code: str, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", code).strip("._") or "body"
    slug = base
    if slug.lower() in taken:
        slug = f"{base}-{hashlib.sha256(code.encode()).hexdigest()[:8]}"
    taken.add(slug.lower())
    return slug


def _is_synthetic(results: Iterable[PerformanceResult]) -> bool:
    return any(
        r.catalog.column("source").astype("str").str.contains("SYNTHETIC", case=False).any()
        for r in results
    )


# --------------------------------------------------------------------------- charts


def _figure(
    draw: Callable[[Axes], object], size: tuple[float, float], alt: str, caption: str
) -> dict[str, Any]:
    """Draw on a new (pyplot-free) figure and return it as an ``<img>`` data URI."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, layout="constrained")
    draw(fig.add_subplot())
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=_DPI, metadata={"Software": None})
    data = buffer.getvalue()
    width, height = (
        int.from_bytes(data[16:20], "big"),
        int.from_bytes(data[20:24], "big"),
    )  # PNG IHDR
    src = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
    return {"src": src, "alt": alt, "caption": caption, "width": width, "height": height}


# --------------------------------------------------------------------------- page contexts


def _provenance_blocks(
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


def _operational_for(
    entity: str, key: str, operational: Mapping[str, OperationalResult]
) -> tuple[str, OperationalResult] | None:
    if key in operational and entity in operational[key].entities:
        return key, operational[key]
    for name, op in operational.items():
        if entity in op.entities:
            return name, op
    return None


def _operational_context(entity: str, op: OperationalResult) -> dict[str, Any]:
    from govindex.analysis.strengths import strengths_weaknesses

    totals = op.totals
    row = _row(totals, entity)
    names = {b.code: b.name for b in op.scorecard.blocks}
    blocks = _row(op.blocks, entity)
    lost = strengths_weaknesses(op, entity, top=5).lost_points
    return {
        "title": _op_title(op),
        "total": _num(row["total"], 2),
        "max_points": _num(row["max_points"], 0),
        "percent": _num(row["percent"], 1),
        "rank": _int(row["rank"]),
        "n": len(totals),
        "level": str(row["level"]),
        "stage": op.stage,
        "bonus": _num(row["bonus"], 2),
        "penalty": _num(row["penalty"], 2),
        "blocks": [
            {"name": f"{code} — {names.get(code, code)}", "points": _num(v, 2)}
            for code, v in blocks.items()
        ],
        "lost": [
            {
                "indicator": r["indicator"],
                "name": r["name"],
                "group": r["group"],
                "score": _num(r["score"], 2),
                "max_score": _num(r["max_score"], 2),
                "lost": _num(r["lost"], 2),
            }
            for r in _records(lost)
        ],
    }


def _body_context(
    res: PerformanceResult,
    entity: str,
    set_title: str,
    risks: pd.DataFrame,
    op: tuple[str, OperationalResult] | None,
    previous: PerformanceResult | None,
    note: str | None,
    chart: bool,
) -> dict[str, Any]:
    from govindex.analysis.strengths import strengths_weaknesses
    from govindex.plotting import plot_changes
    from govindex.plotting._common import format_change

    s = _row(res.scores, entity)
    cat = res.catalog
    names = cat.column("name")
    units = cat.column("unit")
    rows = res.changes.loc[res.changes["entity"] == entity]
    changes = []
    for r in _records(rows.rename(columns={"class": "cls"})):
        cls = str(r["cls"]) if pd.notna(r["cls"]) and pd.notna(r["score"]) else "missing"
        changes.append(
            {
                "indicator": r["indicator"],
                "name": str(names.get(r["indicator"], "")) or r["indicator"],
                "sphere": r["sphere"],
                "start_year": _int(r["start_year"]),
                "end_year": _int(r["end_year"]),
                "start_value": _value(r["start_value"]),
                "end_value": _value(r["end_value"]),
                "change": format_change(
                    float(r["change"]), str(r["rule"]), str(units.get(r["indicator"], ""))
                ),
                "cls": cls,
                "score": _num(r["score"], 1),
                "reason": r["reason"],
            }
        )
    mine = risks.loc[risks["entity"] == entity].iloc[
        ::-1
    ]  # the body, its spheres, then indicators
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
            "severity": _num(r["severity"], 3),
            "trigger": r["trigger"],
        }
        for r in _records(mine)
    ]
    context: dict[str, Any] = {
        "entity": entity,
        "name": _body_name(res, s),
        "set_title": set_title,
        "year": res.year,
        "window": res.method.window,
        "note": note,
        "gpi": _num(s["gpi"]) or "—",
        "rank": _int(s["rank"]) or "—",
        "kind": s["kind"],
        "n_ranked": int((res.scores["kind"] == s["kind"]).sum()),
        "n_improved": int(s["n_improved"]),
        "n_stable": int(s["n_stable"]),
        "n_deteriorated": int(s["n_deteriorated"]),
        "n_scored": int(s["n_scored"]),
        "n_indicators": int(s["n_indicators"]),
        "coverage": f"{_num(100 * s['coverage'], 0)} %",
        "reason": s["reason"],
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
                    "score": _num(r["score"]),
                    "rank": f"{_int(r['rank'])} of {r['n_peers']}" if n_peers > 1 else "",
                    "percentile": _num(r["percentile"], 0) if n_peers > 1 else "",
                }
                for r in _records(frame)
            ]

        context["strengths"], context["weaknesses"], context["n_peers"] = (
            fmt(best),
            fmt(worst),
            n_peers,
        )
    if chart and len(rows):
        n = len(rows)
        context["chart"] = _figure(
            lambda ax: plot_changes(res, entity, ax=ax, note=note),
            (10.5, min(max(3.0, 0.3 * n + 1.6), 30.0)),
            f"Indicator changes of {entity}",
            "Progress score − 50 of each indicator, worst regression on top.",
        )
    if op is not None:
        context["operational"] = _operational_context(entity, op[1])
    if (
        previous is not None
        and entity in previous.scores.index
        and pd.notna(s["gpi"])
        and pd.notna(_row(previous.scores, entity)["gpi"])
    ):
        context["attribution"] = _attribution(previous, res, entity)
    context["provenance"] = _provenance_blocks(
        res,
        []
        if op is None
        else [
            (
                f"Operational assessment: {op[1].scorecard.code} {op[1].scorecard.year}",
                {k: v for k, v in op[1].provenance().items() if k != "scorecard"},
            )
        ],
    )
    return context


def _body_name(res: PerformanceResult, row: Mapping[str, Any]) -> str:
    """A central body's name: its root's name without "Government Performance Index —"."""
    if row["kind"] != "central":
        return ""
    name = str(res.catalog.column("name").get(str(row["root"]), ""))
    return re.sub(r"^(Government Performance Index|GPI)\s*[—–:-]\s*", "", name)


def _op_title(op: OperationalResult) -> str:
    name = op.scorecard.name
    prefix = "" if name.lower().startswith("operational") else "Operational assessment — "
    return f"{prefix}{name}, {op.scorecard.year}"


def _attribution(
    previous: PerformanceResult, res: PerformanceResult, entity: str
) -> dict[str, Any]:
    from govindex.analysis.attribution import attribute

    att = attribute(previous, res, entity=entity)
    leaves = att.leaves.assign(size=lambda t: t["contribution"].abs())
    top = leaves.sort_values("size", ascending=False, kind="stable").head(5)
    return {
        "previous_year": previous.year,
        "old": _num(previous.scores.loc[entity, "gpi"]),
        "new": _num(res.scores.loc[entity, "gpi"]),
        "total": ("+" if att.total > 0 else "") + _num(att.total, 2),
        "rows": [
            {
                "node": r["node"],
                "name": r["name"],
                "old": _num(r["old_score"]),
                "new": _num(r["new_score"]),
                "contribution": ("+" if r["contribution"] > 0 else "")
                + _num(r["contribution"], 2),
            }
            for r in _records(top)
        ],
    }


# --------------------------------------------------------------------------- public API


def _as_mapping(value: Any, cls: type, what: str) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, cls):
        return {"gpi" if cls is PerformanceResult else "operational": value}
    if isinstance(value, Mapping) and all(isinstance(v, cls) for v in value.values()):
        return {str(k): v for k, v in value.items()}
    raise MethodError(
        f"{what} must be a {cls.__name__} or a mapping of names to {cls.__name__}; "
        f"got {type(value).__name__}"
    )


def _environment() -> Any:
    try:
        import jinja2
    except ImportError:  # pragma: no cover - depends on the environment
        raise GovindexError(f"HTML reports need Jinja2: {_INSTALL}") from None
    return jinja2.Environment(
        loader=jinja2.PackageLoader("govindex.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def write_reports(
    results: PerformanceResult | Mapping[str, PerformanceResult],
    out_dir: str | os.PathLike[str],
    *,
    operational: OperationalResult | Mapping[str, OperationalResult] | None = None,
    progress: ProgressResult | None = None,
    previous: PerformanceResult | Mapping[str, PerformanceResult] | None = None,
    entities: Iterable[str] | None = None,
    title: str | None = None,
    note: str | None = None,
    charts: bool = True,
) -> list[Path]:
    """Write one self-contained HTML page per body and an overview page ``index.html``.

    Parameters
    ----------
    results : PerformanceResult or mapping of str to PerformanceResult
        The GPI results, e.g. ``{"local": ..., "central": ...}`` (one section of the
        overview each).
    out_dir : path-like
        Folder to write into (created). Body pages are ``<set>-<entity>.html``.
    operational : OperationalResult or mapping, optional
        Operational assessments: a body's page shows its block totals, level and
        the criteria that lost most points (the result of the same name as the GPI
        set is preferred, else any result that scored the body).
    progress : ProgressResult, optional
        The NPI, shown on the overview.
    previous : PerformanceResult or mapping, optional
        Earlier results of the same sets (e.g. the previous year): a body's page
        then explains the change of its GPI (:func:`govindex.attribute`).
    entities : iterable of str, optional
        Write pages for these bodies only (default all).
    title : str, optional
        Title of the overview page.
    note : str, optional
        Printed on every page and chart. Results whose catalog names SYNTHETIC
        data as its source always carry the "SYNTHETIC demo data" note.
    charts : bool, default True
        Embed the charts (PNG ``data:`` URIs; set False for faster, text-only pages).

    Returns
    -------
    list of Path
        ``index.html`` first, then the body pages.

    Examples
    --------
    >>> import tempfile
    >>> from govindex import Catalog, Panel, performance_index
    >>> panel = Panel.from_frame(pd.DataFrame({
    ...     "entity": ["A", "A", "B", "B"], "indicator": "income", "year": [2022, 2025] * 2,
    ...     "value": [100.0, 115.7625, 100.0, 100.0]}))
    >>> catalog = Catalog.from_frame(
    ...     pd.DataFrame({"code": ["GPI", "income"], "parent": ["", "GPI"]}))
    >>> pages = write_reports(performance_index(panel, catalog, year=2025), tempfile.mkdtemp(),
    ...                       charts=False)
    >>> [p.name for p in pages]
    ['index.html', 'gpi-A.html', 'gpi-B.html']
    >>> 'id="gpi">100.0<' in pages[1].read_text(encoding="utf-8")
    True
    """
    sets = _as_mapping(results, PerformanceResult, "results")
    if not sets:
        raise MethodError("write_reports needs at least one PerformanceResult")
    ops = _as_mapping(operational, _operational_class(), "operational")
    prev = _as_mapping(previous, PerformanceResult, "previous")
    from govindex.demo import DEMO_NOTE

    notes = [n for n in (note, DEMO_NOTE if _is_synthetic(sets.values()) else None) if n]
    note_text = " · ".join(dict.fromkeys(notes)) or None
    chosen = None if entities is None else [str(e) for e in entities]
    if chosen is not None:
        known = {e for r in sets.values() for e in r.scores.index}
        unknown = [e for e in chosen if e not in known]
        if unknown:
            raise MethodError(
                f"unknown entit(y/ies) {format_items(unknown)}; the results have "
                f"{format_items(sorted(known))}"
            )
    env = _environment()
    from govindex.plotting import CLASS_COLORS

    common = {"version": __version__, "colors": dict(CLASS_COLORS), "note": note_text}
    out = Path(out_dir)
    taken: set[str] = {"index"}
    pages: list[tuple[Path, str]] = []
    overview_sets = []
    for key, res in sets.items():
        risks = res.risk_areas()
        set_title = _set_title(key, res)
        hrefs = {e: f"{_slug(f'{key}-{e}', taken)}.html" for e in res.scores.index}
        previous_res = prev.get(key)
        for entity in (
            res.scores.index if chosen is None else [e for e in res.scores.index if e in chosen]
        ):
            ctx = _body_context(
                res,
                entity,
                set_title,
                risks,
                _operational_for(entity, key, ops),
                previous_res,
                note_text,
                charts,
            )
            html = env.get_template("body.html").render({**common, **ctx})
            pages.append((out / hrefs[entity], html))
        overview_sets.append(
            _overview_set(
                key,
                res,
                set_title,
                risks,
                hrefs,
                ops,
                note_text,
                charts,
                None if chosen is None else set(chosen),
            )
        )
    first = next(iter(sets.values()))
    overview = env.get_template("overview.html").render(
        **common,
        title=title or f"Government Performance Index {first.year}",
        year=first.year,
        window=first.method.window,
        n_bodies=sum(len(r.scores) for r in sets.values()),
        sets=overview_sets,
        npi=_npi_context(progress, note_text, charts),
        operational=_ops_overview(ops, note_text, charts),
        provenance=_provenance_blocks(
            first, [(f"Method: GPI {k}", r.method.to_dict()) for k, r in list(sets.items())[1:]]
        ),
    )
    written = [atomic_write_bytes(out / "index.html", overview.encode("utf-8"))]
    written += [atomic_write_bytes(path, html.encode("utf-8")) for path, html in pages]
    return written


def _operational_class() -> type:
    from govindex.operational.result import OperationalResult

    return OperationalResult


def _set_title(key: str, res: PerformanceResult) -> str:
    kinds = set(res.scores["kind"]) - {""}
    label = {"central": "central government bodies", "local": "local executive bodies"}
    what = " and ".join(label.get(k, k) for k in sorted(kinds)) or "bodies"
    return f"GPI of {what} ({key})"


def _overview_set(
    key: str,
    res: PerformanceResult,
    set_title: str,
    risks: pd.DataFrame,
    hrefs: Mapping[str, str],
    ops: Mapping[str, OperationalResult],
    note: str | None,
    charts: bool,
    chosen: set[str] | None,
) -> dict[str, Any]:
    from govindex.plotting import plot_gpi_ranking, plot_risk_heatmap

    s = res.scores.sort_values(
        ["rank", "gpi"], ascending=[True, False], na_position="last", kind="stable"
    )
    body_risk = risks.loc[risks["level"] == "entity"].set_index("entity")["trigger"]
    rows = []
    has_op = False
    for r in _records(s.reset_index()):
        entity = str(r["entity"])
        op = _operational_for(entity, key, ops)
        op_row = _row(op[1].totals, entity) if op is not None else None
        has_op = has_op or op_row is not None
        rows.append(
            {
                "entity": entity,
                "href": hrefs[str(entity)] if chosen is None or entity in chosen else "",
                "name": _body_name(res, r),
                "rank": _int(r["rank"]),
                "gpi": _num(r["gpi"]) or "—",
                "n_improved": int(r["n_improved"]),
                "n_stable": int(r["n_stable"]),
                "n_deteriorated": int(r["n_deteriorated"]),
                "coverage": f"{_num(100 * r['coverage'], 0)} %",
                "risk": str(body_risk.get(entity, "")),
                "reason": r["reason"],
                "op_total": "" if op_row is None else _num(op_row["total"], 2),
                "op_level": "" if op_row is None else str(op_row["level"]),
            }
        )
    figures = []
    if charts:
        n = len(s)
        figures.append(
            _figure(
                lambda ax: plot_gpi_ranking(res, ax=ax, note=note),
                (9.0, max(3.0, 0.32 * n + 1.8)),
                f"GPI ranking, {set_title}",
                "GPI by rank with the shares of improved, stable and deteriorated indicators.",
            )
        )
        central = (res.scores["kind"] == "central").any()
        by: Literal["sphere", "indicator"] = "sphere" if central else "indicator"
        figures.append(
            _figure(
                lambda ax: plot_risk_heatmap(res, ax=ax, by=by, note=note),
                (13.0, max(3.5, 0.3 * n + 2.5)),
                f"Risk heat map, {set_title}",
                "Share of deteriorated indicators per sphere."
                if central
                else "Class of every (body, indicator): red deteriorated, yellow stable, "
                "green improved.",
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
        "figures": figures,
        "summary": summary,
    }


def _npi_context(
    progress: ProgressResult | None, note: str | None, charts: bool
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
            _figure(
                lambda ax: plot_npi_trend(progress, ax=ax, note=note),
                (8.0, 4.5),
                "NPI over time",
                "NPI relative to the reference and to the base year.",
            )
        )
    return {
        "country": m.country,
        "year": progress.year,
        "reference": ref,
        "base_year": m.base_year,
        "vs_reference": _num(progress.npi_reference),
        "vs_base": _num(progress.npi_base),
        "figures": figures,
    }


def _draw_blocks(op: OperationalResult, note: str | None) -> Callable[[Axes], object]:
    from govindex.plotting.operational import plot_operational_blocks

    return lambda ax: plot_operational_blocks(op, ax=ax, note=note)


def _ops_overview(
    ops: Mapping[str, OperationalResult], note: str | None, charts: bool
) -> list[dict[str, Any]]:

    out = []
    for key, op in ops.items():
        figures = []
        if charts:
            n = len(op.entities)
            figures.append(
                _figure(
                    _draw_blocks(op, note),
                    (9.0, max(3.0, 0.32 * n + 1.8)),
                    f"Operational assessment {key}",
                    "Points per block, bonus and penalty, on the efficiency-level bands.",
                )
            )
        out.append({"key": key, "title": f"{_op_title(op)} ({op.stage})", "figures": figures})
    return out


def report_run(
    source: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    year: int | None = None,
    inputs: str | os.PathLike[str] | None = None,
    note: str | None = None,
    charts: bool = True,
) -> list[Path]:
    """Compute a run configuration and write its report pages (``govindex report``).

    Parameters
    ----------
    source : path-like
        A run configuration (TOML), or the output folder of ``govindex run`` (with its
        ``manifest.json``): the run is then recomputed from the inputs named in the
        manifest and its input fingerprints must match the manifest's.
    out_dir : path-like
        Folder for the pages.
    year : int, optional
        Assessment year (default the latest of the run); with the year before in
        the run too, body pages explain the change of the GPI.
    inputs : path-like, optional
        For an output folder: the folder the manifest's input paths are relative to
        (the configuration's folder; default the output folder's parent).
    note, charts
        As in :func:`write_reports`.

    Returns
    -------
    list of Path
    """
    from govindex.io.batch import run_batch
    from govindex.io.config import RunConfig, read_config

    src = Path(source)
    manifest: dict[str, Any] | None = None
    if src.is_dir():
        mf = src / "manifest.json"
        if not mf.is_file():
            raise ConfigError(
                f"{src} is neither a run configuration (TOML) nor a run output folder "
                "(no manifest.json)"
            )
        manifest = json.loads(mf.read_text(encoding="utf-8"))
        data = dict(manifest["config"])
        base = Path(inputs) if inputs is not None else src.resolve().parent
        body = {k: v for k, v in data.items() if k in ("gpi", "npi", "operational") and v}
        try:
            cfg = RunConfig.from_dict(
                {"run": {"name": data["name"], "years": data["years"]}, **body}, base_dir=base
            )
        except ConfigError as exc:
            raise ConfigError(
                f"cannot recompute the run in {src}: {exc}; pass the folder that holds the inputs "
                "(--inputs DIR) or the run configuration itself"
            ) from None
    else:
        cfg = read_config(src)
    with tempfile.TemporaryDirectory(prefix="govindex-report-") as tmp:
        out = run_batch(cfg, output=Path(tmp) / "results", progress=False)
        if manifest is not None:
            fresh = json.loads(out.manifest.read_text(encoding="utf-8"))["fingerprints"]
            changed = sorted(
                k
                for k in manifest.get("fingerprints", {})
                if manifest["fingerprints"][k] != fresh.get(k)
            )
            if changed:
                raise ConfigError(
                    f"the inputs of {format_items(changed)} changed since the run in {src} "
                    "(fingerprints differ from its manifest); re-run it or report on the "
                    "configuration"
                )
    res = out.results
    gpi_years = sorted({y for (kind, _, y) in res if kind == "gpi"})
    if not gpi_years:
        raise ConfigError(
            "the run computes no GPI: a report needs at least one [gpi.<name>] table"
        )
    year = gpi_years[-1] if year is None else int(year)
    if year not in gpi_years:
        raise ConfigError(
            f"year {year} is not a year of the run; its years are {format_items(gpi_years)}"
        )
    # sections by name: the same pages from a configuration and from its run folder
    # (whose manifest sorts the names)
    sets = {
        name: r
        for (kind, name, y), r in sorted(res.items(), key=lambda kv: kv[0][1])
        if kind == "gpi" and y == year
    }
    previous = {name: r for (kind, name, y), r in res.items() if kind == "gpi" and y == year - 1}
    ops: dict[str, Any] = {}
    for (kind, name, y), r in sorted(res.items(), key=lambda kv: (kv[0][2], kv[0][1])):
        if kind == "operational" and (y <= year or name not in ops):
            ops[name] = r  # the latest assessment up to the report's year
    npi = next((r for (kind, _, y), r in res.items() if kind == "npi" and y == year), None)
    return write_reports(
        sets,
        out_dir,
        operational=ops or None,
        progress=npi,
        previous=previous or None,
        title=f"{cfg.name}: Government Performance Index {year}",
        note=note,
        charts=charts,
    )
