"""Self-contained HTML reports: one page per body and an overview of all bodies.

:func:`write_reports` turns computed results into static pages (Jinja2 templates
shipped in ``govindex/templates``, autoescaped): charts are embedded as PNG
``data:`` URIs, the CSS is one inline ``<style>``, nothing is loaded from a network
or another file, so a page can be mailed, archived or printed on its own. The pages
read on a phone (tables scroll sideways, charts scale) and print cleanly. The
output is deterministic — no timestamps — so re-running on the same inputs writes
byte-identical files.

:func:`report_run` does the same for a run configuration (``govindex report``).

Pages take ``lang="en" | "ru" | "kk"``: names from the catalog and the entities table,
fixed texts from :data:`govindex.i18n.MESSAGES`. Jinja2 is a dependency of govindex (a plain
``pip install govindex`` makes reports); :func:`report_run` publishes a run folder from its
stored results, without reading its inputs again.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govindex._folders import replace_folder
from govindex._provenance import atomic_write_bytes
from govindex._version import __version__
from govindex.entities import Language
from govindex.exceptions import ConfigError, GovindexError, MethodError, format_items
from govindex.i18n import check_language, text
from govindex.indices.gpi import PerformanceResult
from govindex.report.format import is_synthetic, slug
from govindex.report.operational import OperationalRecords
from govindex.report.pages import (
    body_context,
    npi_context,
    operational_for,
    ops_overview,
    overview_set,
    provenance_blocks,
    section_title,
)

if TYPE_CHECKING:
    from govindex.indices.npi import ProgressResult
    from govindex.operational.result import OperationalResult

__all__ = ["report_run", "write_reports"]

_INSTALL = "pip install jinja2 (a dependency of govindex: reinstall it with pip install govindex)"


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


def _environment(lang: Language = "en") -> Any:
    try:
        import jinja2
    except ImportError:  # pragma: no cover - depends on the environment
        raise GovindexError(f"HTML reports need Jinja2: {_INSTALL}") from None
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("govindex.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["t"] = lambda key, **fields: text(key, lang, **fields)
    env.globals["lang"] = lang
    return env


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
    operational_records: Mapping[str, OperationalRecords] | None = None,
    lang: Language = "en",
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
        Operational assessments: a body's page shows its preliminary and final
        figures with their dates, its block totals with the commission's
        conclusions, level, the criteria that lost most points, its verification
        records and appeal cases (the result of the same name as the GPI set is
        preferred, else any result that scored the body).
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
    operational_records : mapping of str to OperationalRecords, optional
        By the names of ``operational``: the history across years, the
        recommendations register and its monitoring date
        (:class:`~govindex.report.operational.OperationalRecords`); body pages show
        the history line and the recommendations, the overview the overdue ones.
    lang : {"en", "ru", "kk"}, default "en"
        Language of the names (catalog, entities table) and of the fixed texts.

    Returns
    -------
    list of Path
        ``index.html`` first, then the body pages.

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
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
    return _write(
        sets, out_dir, ops, progress, _as_mapping(previous, PerformanceResult, "previous"),
        entities, title, note, charts, dict(operational_records or {}), check_language(lang),
    )  # fmt: skip


def _write(
    sets: Mapping[str, PerformanceResult],
    out_dir: str | os.PathLike[str],
    ops: Mapping[str, Any],
    progress: ProgressResult | None,
    prev: Mapping[str, PerformanceResult],
    entities: Iterable[str] | None,
    title: str | None,
    note: str | None,
    charts: bool,
    op_records: Mapping[str, OperationalRecords],
    lang: Language,
    bar: bool | None = False,
) -> list[Path]:
    """The pages of :func:`write_reports` (also for the stored results of a run folder);
    ``bar``: a progress bar on standard error (``None``: on a terminal only)."""
    from govindex._bar import Progress
    from govindex.demo import DEMO_NOTE

    notes = [n for n in (note, DEMO_NOTE if is_synthetic(sets.values()) else None) if n]
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
    env = _environment(lang)
    from govindex.plotting import CLASS_COLORS

    common = {"version": __version__, "colors": dict(CLASS_COLORS), "note": note_text}
    out = Path(out_dir)
    taken: set[str] = {"index"}
    pages: list[tuple[Path, str]] = []
    overview_sets = []
    n_pages = sum(len(r.scores) if chosen is None else len(set(chosen) & set(r.scores.index))
                  for r in sets.values())  # fmt: skip
    steps = Progress(n_pages + 1, "govindex report", enabled=bar)
    for key, res in sets.items():
        risks = res.risk_areas()
        set_title = section_title(key, res, lang)
        hrefs = {e: f"{slug(f'{key}-{e}', taken)}.html" for e in res.scores.index}
        previous_res = prev.get(key)
        for entity in (
            res.scores.index if chosen is None else [e for e in res.scores.index if e in chosen]
        ):
            found = operational_for(entity, key, ops)
            ctx = body_context(
                res,
                entity,
                set_title,
                risks,
                found,
                previous_res,
                note_text,
                charts,
                None if found is None else op_records.get(found[0]),
                lang,
            )
            html = env.get_template("body.html").render({**common, **ctx})
            pages.append((out / hrefs[entity], html))
            steps.step(f"{key} {entity}")
        overview_sets.append(
            overview_set(
                key,
                res,
                set_title,
                risks,
                hrefs,
                ops,
                note_text,
                charts,
                None if chosen is None else set(chosen),
                lang,
            )
        )
    first = next(iter(sets.values()))
    overview = env.get_template("overview.html").render(
        **common,
        title=title or text("ranking.title", lang, year=first.year),
        year=first.year,
        window=first.method.window,
        n_bodies=sum(len(r.scores) for r in sets.values()),
        sets=overview_sets,
        npi=npi_context(progress, note_text, charts, lang),
        operational=ops_overview(ops, note_text, charts, op_records),
        provenance=provenance_blocks(
            first, [(f"Method: GPI {k}", r.method.to_dict()) for k, r in list(sets.items())[1:]]
        ),
    )
    steps.step("overview")
    # the report replaces its folder as a whole: no page links to a page of another version
    with replace_folder(out, own=_report_entry, what="report") as staging:
        atomic_write_bytes(staging / "index.html", overview.encode("utf-8"))
        for path, html in pages:
            atomic_write_bytes(staging / path.name, html.encode("utf-8"))
    return [out / "index.html", *(path for path, _ in pages)]


def _report_entry(entry: Path) -> bool:
    """Whether an entry of a report folder is part of a report (pages; interrupted writes)."""
    return (entry.suffix == ".html" and entry.is_file()) or (
        entry.name.startswith(".") and entry.name.endswith(".tmp")
    )


def _operational_class() -> type:
    from govindex.operational.result import OperationalResult

    return OperationalResult


def report_run(
    source: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    year: int | None = None,
    note: str | None = None,
    charts: bool = True,
    lang: Language = "en",
    progress_bar: bool | None = False,
) -> list[Path]:
    """Write the report pages of a run (``govindex report``), from its stored results.

    Parameters
    ----------
    source : path-like
        The output folder of ``govindex run`` (with its ``manifest.json``): the pages are
        made from the results stored in it (read through
        :func:`~govindex.io.run_folder.read_run`, every file checked against the
        manifest), without reading the run's inputs again, so an archived run can be
        published after its inputs were revised. Or a run configuration (TOML): it is
        run first (into a temporary folder) and published the same way.
    out_dir : path-like
        Folder for the pages.
    year : int, optional
        Assessment year (default the latest of the run); with the year before in
        the run too, body pages explain the change of the GPI.
    note, charts, lang
        As in :func:`write_reports`.
    progress_bar : bool or None, default False
        Show the progress (pages written) on standard error; ``None``: only on an
        interactive terminal (``govindex report`` does so).

    Returns
    -------
    list of Path
    """
    from govindex.io.batch import run_batch

    src = Path(source)
    if not src.exists():
        raise ConfigError(
            f"{src} not found; pass a run output folder (with manifest.json) or a run "
            "configuration (TOML)"
        )
    if src.is_dir():
        if not (src / "manifest.json").is_file():
            raise ConfigError(
                f"{src} is neither a run configuration (TOML) nor a run output folder "
                "(no manifest.json)"
            )
        return _report_folder(src, out_dir, year, note, charts, check_language(lang), progress_bar)
    with tempfile.TemporaryDirectory(prefix="govindex-report-") as tmp:
        run_batch(src, output=Path(tmp) / "results", progress=progress_bar)
        return _report_folder(
            Path(tmp) / "results", out_dir, year, note, charts, check_language(lang), progress_bar
        )


def _report_folder(
    src: Path,
    out_dir: str | os.PathLike[str],
    year: int | None,
    note: str | None,
    charts: bool,
    lang: Language,
    bar: bool | None,
) -> list[Path]:
    """The pages of the run folder ``src``, from its stored results."""
    from govindex.io.run_folder import read_run
    from govindex.report.stored import stored_results

    run = read_run(src)  # every file checked against the manifest's checksums
    config = run.config
    res = stored_results(run)
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
    sets = {name: r for (kind, name, y), r in sorted(res.items()) if kind == "gpi" and y == year}
    previous = {name: r for (kind, name, y), r in res.items() if kind == "gpi" and y == year - 1}
    ops: dict[str, Any] = {}
    for (kind, name, y), r in sorted(res.items(), key=lambda kv: (kv[0][2], kv[0][1])):
        if kind == "operational" and (y <= year or name not in ops):
            ops[name] = r  # the latest assessment up to the report's year
    op_records = {}
    for name in ops:
        history = next(
            (r for (k, n, _), r in res.items() if k == "operational_history" and n == name), None
        )
        register, monitored = next(
            (r for (k, n, _), r in res.items() if k == "recommendations" and n == name),
            (None, None),
        )
        on = None if monitored in (None, "None", "") else dt.date.fromisoformat(str(monitored))
        op_records[name] = OperationalRecords(
            history_totals=history, register=register, monitored_on=on
        )
    npi = next((r for (kind, _, y), r in res.items() if kind == "npi" and y == year), None)
    name = str(config.get("name", src.name))
    return _write(
        sets, out_dir, ops, npi, previous, None,
        f"{name}: {text('ranking.title', lang, year=year)}", note, charts, op_records, lang, bar,
    )  # fmt: skip
