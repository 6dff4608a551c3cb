"""The risk heat map of a GPI result: entities × indicators (classes) or × spheres (shares).

Reads the result's tables only (compute first, plot after), draws on ``ax`` (a new figure
when ``ax`` is None), returns the :class:`~matplotlib.axes.Axes` and never changes
matplotlib's global style; matplotlib is imported lazily. The chart standard
(``docs/charts.md``) applies: names in ``lang``, the most severe rows first, flagged cells
marked, a status line with the year, window and data status.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from govindex.entities import Entities, Language
from govindex.exceptions import MethodError, format_items
from govindex.i18n import text
from govindex.plotting._common import (
    CLASS_COLORS,
    FLAG_MARK,
    HATCH,
    SMALL,
    TEXT,
    add_note,
    catalog_labels,
    check_result,
    class_handles,
    entity_names,
    entity_table_of,
    flag_keys,
    flag_names,
    hide_spines,
    language,
    legend_label,
    new_axes,
    status_line,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from govindex.indices.gpi import PerformanceResult

__all__ = ["plot_risk_heatmap"]

_CLASS_ORDER = ("improved", "stable", "deteriorated", "missing", "not applicable")


def check_performance(result: object) -> PerformanceResult:
    """``result`` if it is a :class:`~govindex.PerformanceResult`, else a MethodError."""
    from govindex.indices.gpi import PerformanceResult

    return check_result(result, PerformanceResult, "performance_index")


def check_subset(requested: Iterable[str], available: list[str], what: str) -> list[str]:
    """The requested codes, checked against the available ones."""
    chosen = [str(x) for x in requested]
    unknown = [x for x in chosen if x not in set(available)]
    if unknown:
        raise MethodError(
            f"unknown {what}(s) {format_items(unknown)}; the result has {format_items(available)}"
        )
    return chosen


def row_labels(
    res: PerformanceResult, codes: list[str], lang: Language, table: Entities | None
) -> list[str]:
    """Entity names (with the code) and ``(ref.)`` after the reference rows."""
    ref = set(res.reference_entities)
    mark = text("ranking.reference", lang)
    names = entity_names(codes, lang, table)
    return [f"{n} ({mark})" if c in ref else n for n, c in zip(names, codes, strict=True)]


def survey_stable(res: PerformanceResult) -> pd.Series:
    """Per changes row: stable only because the survey test found no significance."""
    ch = res.changes
    p = ch["p_value"].to_numpy(dtype=np.float64)
    size = np.abs(ch["change"].to_numpy(dtype=np.float64))
    tol = ch["tolerance"].to_numpy(dtype=np.float64)
    with np.errstate(invalid="ignore"):
        out = (
            (ch["class"] == "stable").to_numpy(dtype=bool) & (p >= res.method.alpha) & (size > tol)
        )
    return pd.Series(out, index=ch.index)


def _entity_order(result: PerformanceResult, entities: list[str]) -> list[str]:
    """Entities by share deteriorated (desc), then GPI (asc); NaN last."""
    s = result.scores.loc[entities]
    frame = pd.DataFrame(
        {
            "share": s["share_deteriorated"].to_numpy(dtype=np.float64),
            "gpi": s["gpi"].to_numpy(dtype=np.float64),
            "pos": np.arange(len(entities)),
        },
        index=pd.Index(entities),
    )
    frame = frame.sort_values(
        ["share", "gpi", "pos"], ascending=[False, True, True], na_position="last"
    )
    return frame.index.tolist()


def _cell_tables(result: PerformanceResult) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Entity × indicator: class codes (0..2 classes, 3 missing, NaN not applicable), the
    flags text and whether a stable class came from the survey test."""
    ch = result.changes
    code = ch["class"].cat.codes.to_numpy(dtype=np.float64)  # improved, stable, deteriorated
    code = np.where(code < 0, 3.0, code)
    tidy = pd.DataFrame({"entity": ch["entity"].to_numpy(), "indicator": ch["indicator"].to_numpy(),
                         "v": code, "flags": ch["flags"].astype("str").to_numpy(),
                         "survey": survey_stable(result).to_numpy()})  # fmt: skip
    cols = [c for c in result.catalog.indicators if c in set(tidy["indicator"])]
    out = []
    for col in ("v", "flags", "survey"):
        mat = tidy.pivot(index="entity", columns="indicator", values=col)
        out.append(mat.reindex(index=result.scores.index, columns=cols))
    return out[0], out[1], out[2]


def plot_risk_heatmap(
    result: PerformanceResult,
    *,
    entities: Iterable[str] | None = None,
    indicators: Iterable[str] | None = None,
    by: Literal["indicator", "sphere"] = "indicator",
    max_indicators: int | None = 40,
    sort: bool = True,
    labels: Literal["code", "name"] = "name",
    lang: Language = "en",
    entity_table: Entities | None = None,
    title: str | None = None,
    note: str | None = None,
    ax: Axes | None = None,
    **kwargs: Any,
) -> Axes:
    """Heat map of the indicator classes: entities × indicators (or × spheres).

    ``by="indicator"`` colours each (entity, indicator) cell by its class
    (:data:`CLASS_COLORS`: deteriorated dark red, stable sand, improved blue, missing
    white and hatched, not applicable light grey — e.g. another body's indicators in a
    central-government result); a hatched stable cell was classed stable by the survey
    significance test although its size alone would not be, and ◆ marks a flagged value
    (imputed, re-based, series break, derived, reference row). ``by="sphere"`` shows the
    share of each entity's scored indicators of a sphere that deteriorated (from
    :func:`govindex.indices.risk.risk_areas`), cells labelled ``deteriorated/scored``;
    when every entity is assessed on one sphere of its own (central government bodies),
    that table would be a diagonal, so the chart is a bar per entity instead.

    Parameters
    ----------
    result : PerformanceResult
        Output of :func:`govindex.performance_index`.
    entities : iterable of str, optional
        Entities (rows) to show; default all.
    indicators : iterable of str, optional
        Indicator codes (columns) to show; default all applicable ones
        (``by="indicator"`` only).
    by : {"indicator", "sphere"}, default "indicator"
        Columns: indicators (classes) or spheres (share deteriorated).
    max_indicators : int or None, default 40
        Show at most this many columns: those with the most deteriorated entities.
    sort : bool, default True
        Rows by share deteriorated (descending, then GPI ascending: the most severe
        first); columns by the number of entities deteriorated (descending), grouped by
        the first row they apply to (a staircase for bodies with their own indicators).
        False keeps the given (or the result's) order.
    labels : {"name", "code"}, default "name"
        Column labels: catalog names (in ``lang``) or codes.
    lang : {"en", "ru", "kk"}, default "en"
        Language of the names and of the fixed texts.
    entity_table : Entities, optional
        Names of the rows; default the result's own entities table (if any).
    title, note : str, optional
        Title (a default states the window) and a note printed after the status line.
    ax : Axes, optional
        Axes to draw on; default a new figure sized to the table.
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.imshow`.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from govindex import Catalog, Panel, performance_index
    >>> panel = Panel.from_frame(pd.DataFrame({
    ...     "entity": ["A"] * 4 + ["B"] * 4, "indicator": ["x", "x", "y", "y"] * 2,
    ...     "year": [2022, 2025] * 4,
    ...     "value": [100.0, 90.0, 10.0, 10.0, 100.0, 120.0, 10.0, 8.0]}))
    >>> cat = Catalog.from_frame(pd.DataFrame({"code": ["G", "x", "y"], "parent": ["", "G", "G"]}))
    >>> ax = plot_risk_heatmap(performance_index(panel, cat, year=2025), note="toy data")
    >>> ax.images[0].get_array().shape
    (2, 2)
    """
    res = check_performance(result)
    lang = language(lang)
    if by not in ("indicator", "sphere"):
        raise MethodError(f"by must be 'indicator' or 'sphere'; got {by!r}")
    if max_indicators is not None and max_indicators < 1:
        raise MethodError(
            f"max_indicators must be a positive integer or None; got {max_indicators!r}"
        )
    all_entities = res.scores.index.tolist()
    ents = all_entities if entities is None else check_subset(entities, all_entities, "entity")
    if sort:
        ents = _entity_order(res, ents)
    table = entity_table_of(res, entity_table)
    status = status_line(lang, year=res.year, window=res.method.window, catalog=res.catalog)
    if by == "sphere":
        if indicators is not None:
            raise MethodError(
                "indicators= selects indicator columns and cannot be used with by='sphere'"
            )
        from govindex.plotting._spheres import sphere_chart

        return sphere_chart(
            res, ents, max_indicators, sort, lang, table, (title, note, status), ax, kwargs
        )
    classes, flags, survey = (m.loc[ents] for m in _cell_tables(res))
    if indicators is not None:
        keep_cols = check_subset(indicators, classes.columns.tolist(), "indicator")
    else:
        keep_cols = classes.columns[classes.notna().any(axis=0).to_numpy()].tolist()
    classes = classes.loc[:, keep_cols]
    n_total = classes.shape[1]
    values = classes.to_numpy(dtype=np.float64)
    n_det = (values == 2.0).sum(axis=0)
    pos = np.arange(n_total)
    keep = np.lexsort((pos, -n_det)) if sort else pos
    if max_indicators is not None:
        keep = keep[:max_indicators]
    if sort:  # staircase: group by the first row each column applies to
        applicable = ~np.isnan(values[:, keep])
        first_row = np.where(applicable.any(axis=0), applicable.argmax(axis=0), len(ents))
        keep = keep[np.lexsort((keep, -n_det[keep], first_row))]
    cols = [keep_cols[k] for k in keep]
    values = np.where(np.isnan(values[:, keep]), 4.0, values[:, keep])
    n_e, n_i = values.shape
    ax = new_axes(
        ax, (min(max(9.0, 0.26 * n_i + 6.0), 30.0), min(max(4.5, 0.3 * n_e + 5.0), 24.0))
    )
    _draw_cells(ax, values, survey.loc[:, cols].to_numpy(dtype=bool, na_value=False), kwargs)
    marked = flags.loc[:, cols].to_numpy(dtype=object)
    found: dict[str, None] = {}
    for r, c in zip(*np.nonzero(values < 4.0), strict=True):
        keys = flag_keys(str(marked[r, c])) if isinstance(marked[r, c], str) else []
        keys = [k for k in keys if k != "reference"]  # the row label says it
        if keys:
            found.update(dict.fromkeys(keys))
            ax.text(c, r, FLAG_MARK, ha="center", va="center", fontsize=SMALL,
                    color="white" if values[r, c] == 2.0 else "black", gid="flag")  # fmt: skip
    ax.set_xticks(np.arange(n_i), catalog_labels(res, cols, labels, 38, lang), rotation=90,
                  fontsize=TEXT if n_i <= 25 else SMALL)  # fmt: skip
    ax.set_yticks(np.arange(n_e), row_labels(res, ents, lang, table),
                  fontsize=TEXT if n_e <= 25 else SMALL)  # fmt: skip
    present = [c for c in _CLASS_ORDER if (values == _CLASS_ORDER.index(c)).any()]
    if survey.loc[:, cols].to_numpy(dtype=bool, na_value=False).any():
        present.insert(present.index("stable") + 1, "stable_survey")
    handles = class_handles(present, lang, alpha=res.method.alpha)
    if found:
        from matplotlib.lines import Line2D

        handles.append(Line2D([], [], linestyle="none", marker="D", markersize=5, color="black",
                              label=legend_label(text("flag.legend", lang,
                                                      flags=flag_names(found, lang)))))  # fmt: skip
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False,
              title=text("legend.class", lang), fontsize=SMALL, title_fontsize=SMALL)  # fmt: skip
    ax.set_xlabel(
        text("heatmap.xlabel", lang, shown=n_i, total=n_total)
        if n_i < n_total
        else text("heatmap.xlabel_all", lang),
        fontsize=TEXT,
    ).set_wrap(True)
    ax.set_ylabel(text("heatmap.ylabel_sorted" if sort else "heatmap.ylabel", lang), fontsize=TEXT)
    ax.set_title(
        title
        if title is not None
        else text("heatmap.title", lang, start=res.year - res.method.window, year=res.year)
    ).set_wrap(True)
    add_note(ax, note, status)
    return ax


def _draw_cells(
    ax: Axes, values: np.ndarray, survey: np.ndarray, kwargs: Mapping[str, Any]
) -> None:
    """The class cells, the hatches of missing and survey-stable cells, the grid."""
    from matplotlib.colors import BoundaryNorm, ListedColormap

    n_e, n_i = values.shape
    cmap = ListedColormap([CLASS_COLORS[c] for c in _CLASS_ORDER])
    norm = BoundaryNorm(np.arange(-0.5, 5.0), cmap.N)
    opts: dict[str, Any] = {"aspect": "auto", "interpolation": "nearest"} | dict(kwargs)
    ax.imshow(values, cmap=cmap, norm=norm, gid="classes", **opts)
    for gid, mask in (("missing", values == 3.0), ("survey", survey & (values == 1.0))):
        hatched = np.ma.masked_where(~mask, values)
        if hatched.count():
            # hatch colour via edgecolor (edges hidden by linewidth=0): ``hatchcolor`` is new
            # in matplotlib 3.11; an explicit edgecolor colours the hatch in 3.8 and later
            ax.pcolor(np.arange(n_i + 1) - 0.5, np.arange(n_e + 1) - 0.5, hatched, cmap=cmap,
                      norm=norm, hatch=HATCH, edgecolor="0.35", linewidth=0.0,
                      gid=gid)  # fmt: skip
    ax.set_xlim(-0.5, n_i - 0.5)
    ax.set_ylim(n_e - 0.5, -0.5)
    ax.set_xticks(np.arange(n_i + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(n_e + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="white", linewidth=0.8)
    ax.tick_params(which="minor", length=0)
    hide_spines(ax, ("top", "right", "left", "bottom"))
