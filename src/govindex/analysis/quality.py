"""Data-quality report of a run's inputs (``govindex validate CONFIG``).

For every configured panel: duplicated keys, unknown indicators, coverage per body
and per indicator over the years the run needs, gaps (missing cells), and
implausible year-on-year jumps flagged by a robust z-score of the changes, and
series breaks (a reorganised body or a redrawn region: several series shifting,
starting or ending together; :func:`govindex.prepare.breaks.series_breaks`), marked
``explained`` when the section's lineage has the entity in a reorganisation of that
year. A section's ``include`` / ``exclude`` select the entities checked; its entities
table and lineage file are validated, and panel codes missing from the table are errors.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from govindex.exceptions import GovindexError, format_items
from govindex.io._batch_composite import panel_filters
from govindex.io.config import CompositeSpec, GPISpec, NPISpec, RunConfig, read_config
from govindex.io.read import read_catalog, read_panel_rows
from govindex.panel import Panel
from govindex.prepare.breaks import series_breaks
from govindex.prepare.lineage import Lineage
from govindex.results import HandOut, TableResult

__all__ = ["QualityReport", "jump_scores", "quality_report"]

#: |robust z| above which a year-on-year change is reported as an implausible jump.
JUMP_THRESHOLD = 5.0
#: Fewest year-on-year changes of an indicator (over all entities) needed to score jumps.
MIN_CHANGES = 10
#: Floor of the robust scale (relative change per year), so very smooth series do not flag
#: ordinary small moves: a jump must differ from the typical change by > 5 × 2 %.
MIN_SCALE = 0.02


def jump_scores(values: np.ndarray) -> np.ndarray:
    """Robust z-scores of year-on-year relative changes, per indicator.

    For an ``(E, I, Y)`` array the change ``c = (x_t − x_{t−1}) / |x_{t−1}|`` is
    standardised within each indicator by its median and scale over all entities and
    years: ``z = (c − median) / max(1.4826·MAD, 0.02)``; indicators with fewer than
    10 changes get NaN. Returns ``(E, I, Y−1)``.

    Examples
    --------
    >>> x = np.array([[[100.0, 101, 102, 103, 104, 105, 106, 107, 108, 109, 300, 301]]])
    >>> z = jump_scores(x)
    >>> int(np.nanargmax(np.abs(z))) + 1  # the jump into year index 10
    10
    """
    prev, cur = values[..., :-1], values[..., 1:]
    with np.errstate(invalid="ignore", divide="ignore"):
        c = np.where(prev != 0, (cur - prev) / np.abs(np.where(prev != 0, prev, 1.0)), np.nan)
    flat = np.moveaxis(c, 1, 0).reshape(c.shape[1], -1)
    flat = np.where(np.isnan(flat).all(axis=1, keepdims=True), 0.0, flat)  # all-missing rows
    med = np.nanmedian(flat, axis=1)
    mad = 1.4826 * np.nanmedian(np.abs(flat - med[:, None]), axis=1)
    # a zero MAD (e.g. a series that rarely moves): fall back to the mean absolute deviation
    mean_ad = np.nanmean(np.abs(flat - med[:, None]), axis=1)
    scale = np.maximum(np.where(mad > 0, mad, 1.2533 * mean_ad), MIN_SCALE)
    # too few changes to say what is implausible (e.g. one body's own indicator): no score
    scale = np.where(np.sum(~np.isnan(flat), axis=1) >= MIN_CHANGES, scale, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (c - med[None, :, None]) / np.where(scale > 0, scale, np.nan)[None, :, None]


#: The tables of a :class:`QualityReport`, in order, with their titles in :meth:`~QualityReport.to_text`.
_CHECKS: dict[str, str] = {
    "coverage_entities": "coverage per body",
    "coverage_indicators": "coverage per indicator (lowest first)",
    "gaps": "gaps (missing cells in the years needed)",
    "duplicates": "duplicated keys",
    "jumps": f"implausible jumps (|robust z| > {JUMP_THRESHOLD:g})",
    "breaks": "series breaks (see docs/lineage.md)",
}


@dataclass
class _Findings:
    """The findings while they are collected (mutable; frozen into a QualityReport)."""

    errors: list[str] = field(default_factory=list)
    coverage_entities: pd.DataFrame = field(default_factory=pd.DataFrame)
    coverage_indicators: pd.DataFrame = field(default_factory=pd.DataFrame)
    gaps: pd.DataFrame = field(default_factory=pd.DataFrame)
    duplicates: pd.DataFrame = field(default_factory=pd.DataFrame)
    jumps: pd.DataFrame = field(default_factory=pd.DataFrame)
    breaks: pd.DataFrame = field(default_factory=pd.DataFrame)
    fingerprints: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, repr=False, eq=False)
class QualityReport(TableResult):
    """Findings of :func:`quality_report`, one tidy table per kind of finding (immutable;
    the :class:`~govindex.results.TableResult` protocol, frames handed out read-only).

    Attributes
    ----------
    errors : list of str
        Duplicates, unknown codes, unreadable files (each names its source).
    coverage_entities, coverage_indicators, gaps, duplicates, jumps, breaks : DataFrame
        The findings, each with a ``source`` column (e.g. ``gpi.local``).
    """

    _errors: tuple[str, ...]
    _coverage_entities: pd.DataFrame
    _coverage_indicators: pd.DataFrame
    _gaps: pd.DataFrame
    _duplicates: pd.DataFrame
    _jumps: pd.DataFrame
    _breaks: pd.DataFrame
    _run: Mapping[str, Any] = field(default_factory=dict)

    coverage_entities = HandOut[pd.DataFrame]("_coverage_entities")
    coverage_indicators = HandOut[pd.DataFrame]("_coverage_indicators")
    gaps = HandOut[pd.DataFrame]("_gaps")
    duplicates = HandOut[pd.DataFrame]("_duplicates")
    jumps = HandOut[pd.DataFrame]("_jumps")
    breaks = HandOut[pd.DataFrame]("_breaks")

    @property
    def errors(self) -> list[str]:
        """Duplicates, unknown codes, unreadable files (each names its source)."""
        return list(self._errors)

    def _found(self, check: str) -> pd.DataFrame:
        """The stored table of one check (not a copy)."""
        table: pd.DataFrame = getattr(self, f"_{check}")
        return table

    @property
    def ok(self) -> bool:
        """No errors (duplicates, unknown codes, unreadable files)."""
        return not self._errors

    @property
    def provenance(self) -> dict[str, Any]:
        """The run checked (name, years) and the fingerprints of the panels read."""
        return {"kind": "quality_report", **dict(self._run), "n_errors": len(self._errors)}

    def to_frame(self) -> pd.DataFrame:
        """One row per check (index ``check``): the number of rows it found."""
        checks = ["errors", *_CHECKS]
        counts = [len(self._errors), *(len(self._found(c)) for c in _CHECKS)]
        return pd.DataFrame({"rows": counts}, index=pd.Index(checks, name="check", dtype="str"))

    def _tables(self) -> dict[str, pd.DataFrame]:
        errors = pd.DataFrame({"error": pd.array(list(self._errors), dtype="str")})
        return {"errors": errors, **{c: self._found(c) for c in _CHECKS}}

    def _summary(self) -> tuple[str, list[str]]:
        lines = [f"errors: {len(self._errors) or 'none'}"]
        lines += [f"{title}: {len(self._found(c))} row(s)" for c, title in _CHECKS.items()]
        return "QualityReport", lines

    def to_text(self, max_rows: int = 15) -> str:
        """A readable report."""
        lines = ["govindex data-quality report", "=" * 28]
        lines.append("errors: none" if self.ok else f"errors ({len(self._errors)}):")
        lines += [f"  - {e}" for e in self._errors]
        for check, title in _CHECKS.items():
            table = self._found(check)
            lines.append(f"\n{title}: {len(table)} row(s)")
            if len(table):
                lines.append(table.head(max_rows).to_string(index=False))
                if len(table) > max_rows:
                    lines.append(f"  … {len(table) - max_rows} more")
        return "\n".join(lines)


def _check_panel(
    where: str,
    frame: pd.DataFrame,
    indicators: list[str],
    years: list[int],
    report: _Findings,
    lineage: Lineage | None = None,
) -> None:
    key = ["entity", "indicator", "year"]
    dup = frame.loc[frame.duplicated(subset=key, keep=False), [*key, "value"]]
    if len(dup):
        report.errors.append(f"[{where}] {len(dup)} rows share an (entity, indicator, year) key")
        report.duplicates = pd.concat(
            [report.duplicates, dup.assign(source=where)], ignore_index=True
        )
        frame = frame.drop_duplicates(subset=key, keep="first")
    unknown = sorted(set(frame["indicator"]) - set(indicators))
    if unknown:
        report.errors.append(f"[{where}] indicator(s) not in the catalog: {format_items(unknown)}")
        frame = frame.loc[~frame["indicator"].isin(unknown)]
    try:
        panel = Panel.from_frame(frame)
    except GovindexError as exc:
        report.errors.append(f"[{where}] {exc}")
        return
    report.fingerprints[where] = panel.fingerprint
    sel = np.isin(panel.years, years)
    present = ~np.isnan(panel.values[:, :, sel])
    # a series "exists" when the (entity, indicator) has any value in the rows read; cells of
    # series that do not exist (another body's indicator) are not applicable, not missing
    has_series = np.asarray((~np.isnan(panel.values)).any(axis=2))
    exists = np.broadcast_to(has_series[:, :, None], present.shape)
    missing = exists & ~present
    with np.errstate(invalid="ignore", divide="ignore"):
        ent_cov = (present & exists).sum(axis=(1, 2)) / exists.sum(axis=(1, 2))
        ind_cov = (present & exists).sum(axis=(0, 2)) / exists.sum(axis=(0, 2))
    report.coverage_entities = pd.concat(
        [
            report.coverage_entities,
            pd.DataFrame(
                {
                    "source": where,
                    "entity": panel.entities,
                    "coverage": ent_cov.round(4),
                    "missing_cells": missing.sum(axis=(1, 2)),
                }
            ),
        ],
        ignore_index=True,
    )
    report.coverage_indicators = pd.concat(
        [
            report.coverage_indicators,
            pd.DataFrame(
                {
                    "source": where,
                    "indicator": panel.indicators,
                    "coverage": ind_cov.round(4),
                    "missing_cells": missing.sum(axis=(0, 2)),
                }
            ),
        ],
        ignore_index=True,
    ).sort_values("coverage", kind="stable")
    e, i, y = np.nonzero(missing)
    has_any = np.ones(len(e), dtype=bool)
    report.gaps = pd.concat(
        [
            report.gaps,
            pd.DataFrame(
                {
                    "source": where,
                    "entity": panel.entities.to_numpy()[e[has_any]],
                    "indicator": panel.indicators.to_numpy()[i[has_any]],
                    "year": panel.years[sel][y[has_any]],
                }
            ),
        ],
        ignore_index=True,
    )
    z = jump_scores(panel.values)
    with np.errstate(invalid="ignore"):
        je, ji, jy = np.nonzero(np.abs(z) > JUMP_THRESHOLD)
    report.jumps = pd.concat(
        [
            report.jumps,
            pd.DataFrame(
                {
                    "source": where,
                    "entity": panel.entities.to_numpy()[je],
                    "indicator": panel.indicators.to_numpy()[ji],
                    "year": panel.years[1:][jy],
                    "from": panel.values[je, ji, jy],
                    "to": panel.values[je, ji, jy + 1],
                    "robust_z": z[je, ji, jy].round(2),
                }
            ),
        ],
        ignore_index=True,
    )
    breaks = series_breaks(panel)
    if len(breaks):
        explained = np.zeros(len(breaks), dtype=bool)
        if lineage is not None:
            for y in set(breaks["year"].tolist()) & set(lineage.years):  # the few events
                at = (breaks["year"] == y).to_numpy()
                explained[at] = breaks.loc[at, "entity"].isin(lineage.codes(y)).to_numpy()
        found = breaks.assign(explained=explained, source=where)
        report.breaks = pd.concat([report.breaks, found], ignore_index=True)


def _section_extras(
    spec: GPISpec | CompositeSpec, frame: pd.DataFrame, report: _Findings
) -> tuple[pd.DataFrame, Lineage | None]:
    """A GPI or composite section's rows after ``include`` / ``exclude``, and its lineage
    (GPI); the problems of its entities table and lineage file go to the report's errors."""
    try:
        table = spec.load_entities()
        lineage = spec.load_lineage() if isinstance(spec, GPISpec) else None
        selected = spec.select(sorted(set(frame["entity"].astype("str"))))
    except GovindexError as exc:  # the messages name the section
        report.errors.append(str(exc))
        return frame, None
    if selected is not None:
        frame = frame.loc[frame["entity"].astype("str").isin(selected).to_numpy()]
    if table is not None:
        missing = table.missing(frame["entity"].astype("str"))
        if missing:
            report.errors.append(
                f"[{spec.where}] entity code(s) {format_items(missing)} are not in the entities "
                f"table {spec.entities.name if spec.entities else ''}: add them with their "
                "kind, or exclude them"
            )
    return frame, lineage


def _text_as_str(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns (codes; an empty table has no values to infer from) as ``str``."""
    text = [
        c
        for c, t in frame.dtypes.items()
        if t == np.dtype(object) and pd.api.types.infer_dtype(frame[c]) in ("string", "empty")
    ]
    return frame.astype(dict.fromkeys(text, "str")) if text else frame


def quality_report(
    config: RunConfig | str | os.PathLike[str], *, years: object = None
) -> QualityReport:
    """Validate a run's inputs without computing any index; return the quality report.

    Examples
    --------
    >>> from govindex.datasets import demo_config_path
    >>> report = quality_report(demo_config_path())
    >>> report.ok
    True
    """
    cfg = config if isinstance(config, RunConfig) else read_config(config)
    if years is not None:
        cfg = cfg.with_years(years)
    report = _Findings()
    sections: tuple[tuple[str, Sequence[GPISpec | NPISpec | CompositeSpec]], ...] = (
        ("gpi", cfg.gpi),
        ("npi", cfg.npi),
        ("composite", cfg.composite),
    )
    for kind, specs in sections:
        for spec in specs:
            where = f"{kind}.{spec.name}"
            try:
                catalog = read_catalog(spec.catalog)
                if isinstance(spec, CompositeSpec):  # the rows the run reads
                    needed = sorted(set(cfg.years))
                    filters = panel_filters(spec, cfg.years)
                    frame = read_panel_rows(spec.panel, na_values=spec.na_values, **filters)
                elif isinstance(spec, GPISpec):
                    window = int(spec.method.window)
                    needed = sorted({y - k for y in cfg.years for k in range(window + 1)})
                    frame = read_panel_rows(
                        spec.panel, years=needed, require_years=needed, na_values=spec.na_values
                    )
                else:
                    needed = list(range(min(cfg.years) - 10, max(cfg.years) + 1))
                    frame = read_panel_rows(
                        spec.panel,
                        max_year=max(cfg.years),
                        require_years=cfg.years,
                        na_values=spec.na_values,
                    )
            except GovindexError as exc:
                report.errors.append(f"[{where}] {exc}")
                continue
            lineage = None
            if isinstance(spec, GPISpec | CompositeSpec):
                frame, lineage = _section_extras(spec, frame, report)
            _check_panel(where, frame, catalog.indicators, needed, report, lineage)
    if len(report.jumps):
        order = report.jumps["robust_z"].abs().sort_values(ascending=False, kind="stable").index
        report.jumps = report.jumps.loc[order].reset_index(drop=True)
    found = {f"_{check}": _text_as_str(getattr(report, check)) for check in _CHECKS}
    run = {"run": cfg.name, "years": list(cfg.years), "fingerprints": report.fingerprints}
    return QualityReport(_errors=tuple(report.errors), _run=run, **found)
