"""Charts of GPI results: the changes of one body and the ranking.

Every function takes a computed result (compute first, plot after), reads its
tables only, draws on ``ax`` (a new figure when ``ax`` is None), returns the
:class:`~matplotlib.axes.Axes` and never changes matplotlib's global style.
matplotlib is imported lazily. The chart standard (``docs/charts.md``) applies:
text of at least 8 pt, names in ``lang``, the most severe first, flagged values
marked, and a status line with the year, window and data status, followed by
``note`` (e.g. ``"SYNTHETIC demo data"``).

Colours of the indicator classes are in :data:`CLASS_COLORS`. The heat map
:func:`~govindex.plotting.plot_risk_heatmap` lives in :mod:`govindex.plotting.heatmap`,
the NPI charts in :mod:`govindex.plotting.progress`.
"""

from __future__ import annotations

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
    class_handles,
    entity_names,
    entity_table_of,
    flag_keys,
    flag_names,
    format_change,
    hide_spines,
    language,
    legend_label,
    new_axes,
    shorten,
    status_line,
)
from govindex.plotting.heatmap import check_performance, survey_stable

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from govindex.indices.gpi import PerformanceResult

__all__ = ["plot_changes", "plot_gpi_ranking"]

_CLASS_ORDER = ("improved", "stable", "deteriorated", "missing")


# --------------------------------------------------------------------------- one body


def plot_changes(
    result: PerformanceResult,
    entity: str,
    *,
    labels: Literal["name", "code"] = "name",
    annotate: bool = True,
    lang: Language = "en",
    entity_table: Entities | None = None,
    title: str | None = None,
    note: str | None = None,
    ax: Axes | None = None,
    **kwargs: Any,
) -> Axes:
    """Diverging bars of one body's indicator changes (progress score − 50).

    A bar of +50 (−50) is a yearly change at (beyond) the indicator's cap in the
    good (bad) direction, 0 is no change. Bars are coloured by class
    (:data:`CLASS_COLORS`) and sorted: the worst regression on top; indicators
    without a score are listed last (hatched, zero length, with the reason). A
    hatched stable bar is a survey indicator whose change, however long the bar,
    was not significant (two-proportion z-test, p ≥ α): its class is stable by the
    test, not by its size, and the legend says so. The value column names the flags
    of a value (◆ imputed, re-based, series break, derived) and "capped" beyond the cap.

    Parameters
    ----------
    result : PerformanceResult
        Output of :func:`govindex.performance_index`.
    entity : str
        The body or region to show.
    labels : {"name", "code"}, default "name"
        Bar labels: catalog names (in ``lang``) or codes.
    annotate : bool, default True
        Write the direction-adjusted yearly change next to each bar
        (``%/yr`` for relative and slope rules, units per year for absolute).
    lang : {"en", "ru", "kk"}, default "en"
        Language of the names and of the fixed texts.
    entity_table : Entities, optional
        The entity's name; default the result's own entities table (if any).
    title, note : str, optional
        Title (default names the entity and window) and a note after the status line.
    ax : Axes, optional
        Axes to draw on; default a new figure.
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.barh`.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from govindex import Catalog, Panel, performance_index
    >>> panel = Panel.from_frame(pd.DataFrame({
    ...     "entity": "A", "indicator": ["x", "x", "y", "y"], "year": [2022, 2025] * 2,
    ...     "value": [100.0, 90.0, 10.0, 10.0]}))
    >>> cat = Catalog.from_frame(pd.DataFrame({"code": ["G", "x", "y"], "parent": ["", "G", "G"]}))
    >>> ax = plot_changes(performance_index(panel, cat, year=2025), "A")
    >>> len(ax.containers[0])
    2
    """
    res = check_performance(result)
    lang = language(lang)
    if entity not in set(res.scores.index):
        known = format_items(res.scores.index)
        raise MethodError(f"entity {entity!r} is not in the result; its entities are {known}")
    rows = res.changes.loc[res.changes["entity"] == entity]
    if not len(rows):
        reason = str(res.scores.loc[entity, "reason"]) or "no indicator applies"
        raise MethodError(f"entity {entity!r} has no indicators to plot: {reason}")
    survey = survey_stable(res).loc[rows.index].to_numpy(dtype=bool)
    dev = rows["score"].to_numpy(dtype=np.float64) - 50.0
    order = np.lexsort((np.arange(len(rows)), np.where(np.isnan(dev), np.inf, dev)))
    rows, dev, survey = rows.iloc[order], dev[order], survey[order]
    n = len(rows)
    cls = rows["class"].astype("object").where(rows["class"].notna() & ~np.isnan(dev), "missing")
    ax = new_axes(ax, (11.0, min(max(3.2, 0.3 * n + 2.4), 30.0)))
    y = np.arange(n)
    opts: dict[str, Any] = {"height": 0.7, "edgecolor": "none"} | kwargs
    bars = ax.barh(y, np.nan_to_num(dev), color=[CLASS_COLORS[c] for c in cls], gid="changes",
                   **opts)  # fmt: skip
    for patch, c, test in zip(bars.patches, cls, survey, strict=True):
        if c == "missing" or test:
            patch.set_hatch(HATCH)
            patch.set_edgecolor("0.35")
    ax.axvline(0.0, color="0.2", linewidth=0.8)
    for x in (-50.0, 50.0):
        ax.axvline(x, color="0.6", linewidth=0.6, linestyle=":")
    found = _value_column(ax, res, rows, dev, lang) if annotate else {}
    ax.set_xlim(-55.0, 55.0)
    ax.set_xticks([-50, -25, 0, 25, 50], ["−50\n(−cap)", "−25", "0", "+25", "+50\n(+cap)"],
                  fontsize=TEXT)  # fmt: skip
    ax.set_ylim(n - 0.4, -0.6)
    ax.set_yticks(y, catalog_labels(res, rows["indicator"].tolist(), labels, 56, lang),
                  fontsize=TEXT if n <= 20 else SMALL)  # fmt: skip
    ax.set_xlabel(text("changes.xlabel", lang), fontsize=TEXT).set_wrap(True)
    hide_spines(ax)
    present = [c for c in _CLASS_ORDER if (cls == c).any()]
    if survey.any():
        present.insert(present.index("stable") + 1 if "stable" in present else 0, "stable_survey")
    handles = class_handles(present, lang, alpha=res.method.alpha)
    if found:
        from matplotlib.lines import Line2D

        handles.append(Line2D([], [], linestyle="none", marker="D", markersize=5, color="0.25",
                              label=legend_label(text("flag.legend", lang,
                                                      flags=flag_names(found, lang)))))  # fmt: skip
    # the worst regressions sort first, so the upper right is empty unless much improved
    half = np.nan_to_num(dev, nan=0.0)
    corner: Literal["upper right", "lower left", "best"] = (
        "upper right"
        if half[: max(n // 2, 1)].max() <= 0
        else "lower left"
        if half[n // 2 :].min() >= 0
        else "best"
    )
    if n < 12:  # a few rows: the legend gets empty rows of its own above the bars
        _legend_room(ax, n, len(handles) + 2)
        corner = "upper right"
    ax.legend(handles=handles, loc=corner, frameon=True, framealpha=0.92, edgecolor="none",
              title=text("legend.class", lang), fontsize=SMALL, title_fontsize=SMALL)  # fmt: skip
    gpi = float(res.scores["gpi"].to_numpy(dtype=np.float64)[res.scores.index.get_loc(entity)])
    gpi_text = (
        text("gpi.value", lang, value=f"{gpi:.1f}") if np.isfinite(gpi) else text("gpi.none", lang)
    )
    name = entity_names([entity], lang, entity_table_of(res, entity_table))[0]
    window = {"start": res.year - res.method.window, "year": res.year}
    ax.set_title(
        title
        if title is not None
        else text("changes.title", lang, entity=name, gpi=gpi_text, **window),
        loc="left",
        pad=30.0 if annotate else None,
    ).set_wrap(True)
    add_note(ax, note, status_line(lang, year=res.year, window=res.method.window,
                                   catalog=res.catalog))  # fmt: skip
    return ax


def _legend_room(ax: Axes, n: int, lines: int) -> None:
    """Empty rows above ``n`` bar rows, tall enough for a legend of ``lines`` text lines
    (the ``n`` rows then keep at least a third of the axes' height)."""
    fig = ax.figure
    # the axes' height in points: before the layout, less what the title, the axis and the
    # status line will take (about 2.2 inches, as in the default figure size)
    estimate = ax.get_window_extent().height * 72.0 / fig.dpi
    height = max(min(estimate, (fig.bbox.height / fig.dpi - 2.2) * 72.0), 36.0)
    legend = lines * SMALL * 1.45 + 8.0
    rows = n * legend / max(height - legend, height / 3.0)
    ax.set_ylim(n - 0.4, -0.6 - min(rows, 2.0 * n))


def _value_column(
    ax: Axes, res: PerformanceResult, rows: pd.DataFrame, dev: np.ndarray, lang: Language
) -> dict[str, None]:
    """Yearly changes (and flags) right of the axes; returns the flags found."""
    units = res.catalog.column("unit").reindex(rows["indicator"]).fillna("").to_numpy()
    rules, changes = rows["rule"].to_numpy(), rows["change"].to_numpy(dtype=np.float64)
    reasons, flags = rows["reason"].to_numpy(), rows["flags"].astype("str").to_numpy()
    column = ax.get_yaxis_transform()
    found: dict[str, None] = {}
    for k in range(len(rows)):
        if np.isnan(dev[k]):
            value = text("changes.no_score", lang, reason=shorten(str(reasons[k]) or "—", 50))
        else:
            value = format_change(changes[k], str(rules[k]), str(units[k]))
            if abs(dev[k]) >= 50.0 - 1e-9:
                value += f" ({text('flag.capped', lang)})"
        keys = [f for f in flag_keys(flags[k]) if f != "reference"]
        found.update(dict.fromkeys(keys))
        if keys:
            value += f"  {FLAG_MARK} " + flag_names(keys, lang)
        ax.text(1.02, k, value, transform=column, ha="left", va="center", fontsize=SMALL,
                color="0.2")  # fmt: skip
    ax.annotate(text("changes.value_header", lang), xy=(1.02, 1.0), xycoords="axes fraction",
                xytext=(0, 4), textcoords="offset points", ha="left", va="bottom",
                fontsize=SMALL, fontweight="bold", color="0.2")  # fmt: skip
    return found


# --------------------------------------------------------------------------- ranking


def plot_gpi_ranking(
    result: PerformanceResult,
    *,
    kind: Literal["central", "local"] | None = None,
    lang: Language = "en",
    entity_table: Entities | None = None,
    title: str | None = None,
    note: str | None = None,
    ax: Axes | None = None,
    **kwargs: Any,
) -> Axes:
    """Horizontal bars of the GPI by rank, with each body's class counts beside them.

    The right-hand panel (an inset of ``ax``) stacks the shares of improved,
    stable and deteriorated indicators, labelled with the counts. Bodies without a
    GPI are listed last with "no index" and the (shortened) reason; reference rows
    (aggregates, totals) are hatched and marked "ref." (scored, not ranked). Values
    are written inside long bars, so no label runs under the panel.

    Parameters
    ----------
    result : PerformanceResult
        Output of :func:`govindex.performance_index`.
    kind : {"central", "local"}, optional
        Show only central or local bodies; default all.
    lang : {"en", "ru", "kk"}, default "en"
        Language of the names and of the fixed texts.
    entity_table : Entities, optional
        Names of the bodies; default the result's own entities table (if any).
    title, note : str, optional
        Title (default names the year) and a note after the status line.
    ax : Axes, optional
        Axes to draw on; default a new figure.
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.barh` (GPI bars).

    Returns
    -------
    Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from govindex import Catalog, Panel, performance_index
    >>> panel = Panel.from_frame(pd.DataFrame({
    ...     "entity": ["A", "A", "B", "B"], "indicator": "x", "year": [2022, 2025] * 2,
    ...     "value": [100.0, 115.7625, 100.0, 100.0]}))
    >>> cat = Catalog.from_frame(pd.DataFrame({"code": ["G", "x"], "parent": ["", "G"]}))
    >>> ax = plot_gpi_ranking(performance_index(panel, cat, year=2025))
    >>> [float(b.get_width()) for b in ax.containers[0]]
    [100.0, 50.0]
    """
    res = check_performance(result)
    lang = language(lang)
    scores = res.scores
    if kind is not None:
        kinds = sorted(set(scores["kind"]) - {""})
        if kind not in kinds:
            raise MethodError(
                f"kind {kind!r} not in the result; its kinds are {format_items(kinds)}"
            )
        scores = scores.loc[scores["kind"] == kind]
    if not len(scores):
        raise MethodError("the result has no entities to rank")
    gpi = scores["gpi"].to_numpy(dtype=np.float64)
    order = np.lexsort((np.arange(len(scores)), np.where(np.isnan(gpi), np.inf, -gpi)))
    s = scores.iloc[order]
    gpi = gpi[order]
    n = len(s)
    ranked = ~np.isnan(gpi)
    names = entity_names(s.index, lang, entity_table_of(res, entity_table), limit=30)
    reference = s["rank"].isna().to_numpy() & ranked
    mixed = len(set(s["kind"])) > 1
    ref = text("ranking.reference", lang)
    ylabels = [
        (f"{e} ({k})" if mixed else f"{ref} {e}" if is_ref else f"{int(r)}. {e}")
        if ok
        else f"–  {e}"
        for e, k, r, ok, is_ref in zip(names, s["kind"], s["rank"], ranked, reference, strict=True)
    ]
    ax = new_axes(ax, (10.5, min(max(3.0, 0.3 * n + 2.2), 30.0)))
    y = np.arange(n)
    opts: dict[str, Any] = {"height": 0.7, "color": "#4a6f9c"} | kwargs
    bars = ax.barh(y, np.nan_to_num(gpi), gid="gpi", **opts)
    for patch, is_ref in zip(bars.patches, reference, strict=True):
        if is_ref:
            patch.set_hatch(HATCH)
            patch.set_edgecolor("white")
    ax.axvline(50.0, color="0.45", linewidth=0.8, linestyle="--")
    _ranking_values(ax, s, gpi, ranked, reference, lang)
    ax.set_xlim(0.0, 104.0)
    ax.set_xticks([0, 25, 50, 75, 100], ["0", "25", "50", "75", "100"], fontsize=TEXT)
    ax.set_ylim(n - 0.4, -0.6)
    ax.set_yticks(y, ylabels, fontsize=TEXT if n <= 25 else SMALL)
    # two lines ("GPI (…;\n…)"): one line ran under the class panel's label in narrow figures
    xlabel = text("ranking.xlabel", lang).replace("; ", ";\n", 1)
    ax.set_xlabel(xlabel, fontsize=TEXT, loc="left").set_wrap(True)
    if reference.any():
        note = "; ".join(n for n in (text("ranking.reference_note", lang), note) if n)
    hide_spines(ax)
    _class_panel(ax, s, y, lang)
    what = text(f"kind.{kind}", lang) if kind else ""
    default = (
        text("ranking.title_kind", lang, year=res.year, kind=what)
        if what
        else text("ranking.title", lang, year=res.year)
    )
    ax.set_title(title if title is not None else default, loc="left", pad=22.0).set_wrap(True)
    add_note(ax, note, status_line(lang, year=res.year, window=res.method.window,
                                   catalog=res.catalog))  # fmt: skip
    return ax


def _ranking_values(
    ax: Axes,
    s: pd.DataFrame,
    gpi: np.ndarray,
    ranked: np.ndarray,
    reference: np.ndarray,
    lang: Language,
) -> None:
    """GPI values (inside long plain bars, right of short or hatched ones) and the
    reasons of no index."""
    reasons = s["reason"].to_numpy()
    scored = s["n_scored"].to_numpy()
    total = s["n_indicators"].to_numpy()
    for k in range(len(s)):
        if not ranked[k]:
            ax.text(1.0, k, text("ranking.no_index", lang, reason=shorten(str(reasons[k]) or
                    "—", 80)), va="center", fontsize=SMALL, color="#a50f15")  # fmt: skip
            continue
        extra = (
            "  (" + text("ranking.scored", lang, scored=scored[k], total=total[k]) + ")"
            if scored[k] < total[k]
            else ""
        )
        label = f"{gpi[k]:.1f}{extra}"
        inside = gpi[k] >= 55.0 and not reference[k]
        ax.text(gpi[k] - 1.0 if inside else gpi[k] + 1.0, k, label, va="center",
                ha="right" if inside else "left", fontsize=SMALL,
                color="white" if inside else "0.15", gid="gpi_value")  # fmt: skip


def _class_panel(ax: Axes, s: pd.DataFrame, y: np.ndarray, lang: Language) -> None:
    """The inset right of the bars: shares of the classes, counts in the bars."""
    inset = ax.inset_axes((1.03, 0.0, 0.3, 1.0), sharey=ax)
    left = np.zeros(len(s))
    for lab in ("improved", "stable", "deteriorated"):
        share = np.nan_to_num(s[f"share_{lab}"].to_numpy(dtype=np.float64))
        count = s[f"n_{lab}"].to_numpy()
        cont = inset.barh(y, share, left=left, height=0.7, color=CLASS_COLORS[lab],
                          label=text(f"class.{lab}", lang), gid=f"share_{lab}")  # fmt: skip
        inset.bar_label(cont, labels=[str(c) if c > 0 else "" for c in count],
                        label_type="center", fontsize=SMALL,
                        color="white" if lab == "deteriorated" else "black")  # fmt: skip
        left = left + share
    scored, total = s["n_scored"].to_numpy(), s["n_indicators"].to_numpy()
    for k in np.flatnonzero(scored == 0).tolist():
        inset.text(0.02, y[k], text("ranking.scored", lang, scored=0, total=total[k]),
                   va="center", fontsize=SMALL, color="0.3")  # fmt: skip
    inset.set_xlim(0.0, 1.0)
    inset.set_xticks([0.0, 0.5, 1.0], ["0", "50", "100"], fontsize=SMALL)
    inset.tick_params(axis="y", left=False, labelleft=False)
    inset.set_xlabel(text("ranking.classes", lang), fontsize=SMALL)
    hide_spines(inset, ("top", "right", "left"))
    inset.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=3, frameon=False,
                 fontsize=SMALL, handlelength=1.0, columnspacing=0.6,
                 handletextpad=0.3)  # fmt: skip
