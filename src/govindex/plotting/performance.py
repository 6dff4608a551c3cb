"""Charts of GPI results: class heat map, changes of one body, ranking.

Every function takes a computed result (compute first, plot after), reads its
tables only, draws on ``ax`` (a new figure when ``ax`` is None), returns the
:class:`~matplotlib.axes.Axes` and never changes matplotlib's global style.
matplotlib is imported lazily. ``note`` is printed small under the chart (e.g.
``"SYNTHETIC demo data"``).

Colours of the indicator classes are in :data:`CLASS_COLORS`. The NPI charts
:func:`~govindex.plotting.plot_npi` and :func:`~govindex.plotting.plot_npi_trend`
live in :mod:`govindex.plotting.progress` (also importable from here).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from govindex.exceptions import MethodError, format_items
from govindex.plotting._common import (
    CLASS_COLORS,
    add_note,
    catalog_labels,
    check_result,
    format_change,
    hide_spines,
    new_axes,
    shorten,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from govindex.indices.gpi import PerformanceResult

__all__ = ["plot_changes", "plot_gpi_ranking", "plot_risk_heatmap"]

_CLASS_ORDER = ("improved", "stable", "deteriorated", "missing", "not applicable")
_HATCH = "////"
_HATCH_COLOR = "#888888"


# --------------------------------------------------------------------------- helpers


def _check_performance(result: object) -> PerformanceResult:
    from govindex.indices.gpi import PerformanceResult

    return check_result(result, PerformanceResult, "performance_index")


def _class_handles(classes: Iterable[str]) -> list[Any]:
    from matplotlib.patches import Patch

    return [
        Patch(
            facecolor=CLASS_COLORS[c],
            edgecolor=_HATCH_COLOR if c == "missing" else "0.6",
            hatch=_HATCH if c == "missing" else None,
            linewidth=0.5,
            label=c,
        )
        for c in classes
    ]


def _window_text(result: PerformanceResult) -> str:
    return f"{result.year - result.method.window}–{result.year}"


def _check_subset(requested: Iterable[str], available: Sequence[str], what: str) -> list[str]:
    chosen = [str(x) for x in requested]
    unknown = [x for x in chosen if x not in set(available)]
    if unknown:
        raise MethodError(
            f"unknown {what}(s) {format_items(unknown)}; the result has {format_items(available)}"
        )
    return chosen


# --------------------------------------------------------------------------- heat map


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


def _class_matrix(result: PerformanceResult) -> pd.DataFrame:
    """Entity × indicator display codes: 0..2 classes, 3 missing, NaN not applicable."""
    ch = result.changes
    code = ch["class"].cat.codes.to_numpy(
        dtype=np.float64
    )  # improved, stable, deteriorated; -1 = NaN
    code = np.where(code < 0, 3.0, code)
    tidy = pd.DataFrame(
        {"entity": ch["entity"].to_numpy(), "indicator": ch["indicator"].to_numpy(), "v": code}
    )
    mat = tidy.pivot(index="entity", columns="indicator", values="v")
    cols = [c for c in result.catalog.indicators if c in set(mat.columns)]
    return mat.reindex(index=result.scores.index, columns=cols)


def plot_risk_heatmap(
    result: PerformanceResult,
    *,
    entities: Iterable[str] | None = None,
    indicators: Iterable[str] | None = None,
    by: Literal["indicator", "sphere"] = "indicator",
    max_indicators: int | None = 40,
    sort: bool = True,
    labels: Literal["code", "name"] = "code",
    title: str | None = None,
    note: str | None = None,
    ax: Axes | None = None,
    **kwargs: Any,
) -> Axes:
    """Heat map of the indicator classes: entities × indicators (or × spheres).

    ``by="indicator"`` colours each (entity, indicator) cell by its class
    (:data:`CLASS_COLORS`: deteriorated red, stable yellow, improved green, missing
    white and hatched, not applicable light grey — e.g. another body's indicators in
    a central-government result). ``by="sphere"`` shows the share of each entity's
    scored indicators of a sphere that deteriorated (from
    :func:`govindex.indices.risk.risk_areas`), cells labelled ``deteriorated/scored``.

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
        Rows by share deteriorated (descending, then GPI ascending); columns by the
        number of entities deteriorated (descending), grouped by the first row they
        apply to (a staircase for bodies with their own indicators). False keeps the
        given (or the result's) order.
    labels : {"code", "name"}, default "code"
        Column labels: catalog codes or names.
    title, note : str, optional
        Title (a default states the window) and a small note under the chart.
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
    res = _check_performance(result)
    if by not in ("indicator", "sphere"):
        raise MethodError(f"by must be 'indicator' or 'sphere'; got {by!r}")
    if max_indicators is not None and max_indicators < 1:
        raise MethodError(
            f"max_indicators must be a positive integer or None; got {max_indicators!r}"
        )
    all_entities = res.scores.index.tolist()
    ents = all_entities if entities is None else _check_subset(entities, all_entities, "entity")
    if sort:
        ents = _entity_order(res, ents)
    if by == "sphere":
        if indicators is not None:
            raise MethodError(
                "indicators= selects indicator columns and cannot be used with by='sphere'"
            )
        return _sphere_heatmap(res, ents, max_indicators, sort, title, note, ax, kwargs)
    mat = _class_matrix(res).loc[ents]
    if indicators is not None:
        mat = mat.loc[:, _check_subset(indicators, mat.columns.tolist(), "indicator")]
    else:
        mat = mat.loc[:, mat.notna().any(axis=0).to_numpy()]
    n_total = mat.shape[1]
    values = mat.to_numpy(dtype=np.float64)
    n_det = (values == 2.0).sum(axis=0)
    pos = np.arange(n_total)
    keep = pos
    if sort:
        keep = np.lexsort((pos, -n_det))
    if max_indicators is not None:
        keep = keep[:max_indicators]
    if sort:  # staircase: group by the first row each column applies to
        applicable = ~np.isnan(values[:, keep])
        first_row = np.where(applicable.any(axis=0), applicable.argmax(axis=0), len(ents))
        keep = keep[np.lexsort((keep, -n_det[keep], first_row))]
    mat = mat.iloc[:, keep]
    values = np.where(
        np.isnan(mat.to_numpy(dtype=np.float64)), 4.0, mat.to_numpy(dtype=np.float64)
    )
    n_e, n_i = values.shape
    ax = new_axes(
        ax, (min(max(6.0, 0.24 * n_i + 3.5), 30.0), min(max(3.0, 0.3 * n_e + 2.2), 20.0))
    )

    from matplotlib.colors import BoundaryNorm, ListedColormap

    cmap = ListedColormap([CLASS_COLORS[c] for c in _CLASS_ORDER])
    norm = BoundaryNorm(np.arange(-0.5, 5.0), cmap.N)
    opts: dict[str, Any] = {"aspect": "auto", "interpolation": "nearest"} | kwargs
    ax.imshow(values, cmap=cmap, norm=norm, gid="classes", **opts)
    missing = np.ma.masked_where(values != 3.0, values)
    if missing.count():
        # hatch colour via edgecolor (edges hidden by linewidth=0): ``hatchcolor`` is new in
        # matplotlib 3.11; an explicit edgecolor colours the hatch in 3.8 and later alike
        ax.pcolor(np.arange(n_i + 1) - 0.5, np.arange(n_e + 1) - 0.5, missing, cmap=cmap,
                  norm=norm, hatch=_HATCH, edgecolor=_HATCH_COLOR, linewidth=0.0,
                  gid="missing")  # fmt: skip
    ax.set_xlim(-0.5, n_i - 0.5)
    ax.set_ylim(n_e - 0.5, -0.5)
    ax.set_xticks(np.arange(n_i), catalog_labels(res, mat.columns.tolist(), labels, 40),
                  rotation=90, fontsize="small" if n_i > 25 else None)  # fmt: skip
    ax.set_yticks(np.arange(n_e), ents, fontsize="small" if n_e > 25 else None)
    ax.set_xticks(np.arange(n_i + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(n_e + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="white", linewidth=0.8)
    ax.tick_params(which="minor", length=0)
    hide_spines(ax, ("top", "right", "left", "bottom"))
    shown = (
        f"{n_i} of {n_total} indicators, most deteriorated first" if n_i < n_total else "indicator"
    )
    ax.set_xlabel(shown.capitalize() if n_i < n_total else "Indicator")
    ax.set_ylabel("Entity (highest share deteriorated on top)" if sort else "Entity")
    present = [c for k, c in enumerate(_CLASS_ORDER) if k < 3 or (values == k).any()]
    ax.legend(handles=_class_handles(present), loc="upper left", bbox_to_anchor=(1.01, 1.0),
              frameon=False, title="class", fontsize="small", title_fontsize="small")  # fmt: skip
    ax.set_title(title if title is not None else f"Indicator classes, change {_window_text(res)}")
    add_note(ax, note)
    return ax


def _sphere_heatmap(
    res: PerformanceResult,
    ents: list[str],
    max_columns: int | None,
    sort: bool,
    title: str | None,
    note: str | None,
    ax: Axes | None,
    kwargs: Mapping[str, Any],
) -> Axes:
    from govindex.indices.risk import risk_areas

    table = risk_areas(res, share_threshold=0.0, levels=("sphere",))
    share = table.pivot(index="entity", columns="sphere", values="share_deteriorated").reindex(
        ents
    )
    n_det = table.pivot(index="entity", columns="sphere", values="n_deteriorated").reindex(ents)
    n_ind = table.pivot(index="entity", columns="sphere", values="n_indicators").reindex(ents)
    spheres = share.columns.tolist()
    keep = np.arange(len(spheres))
    if sort:  # by mean share deteriorated (desc), then a staircase over the sorted rows
        vals = share.to_numpy(dtype=np.float64)
        have = ~np.isnan(vals)
        mean = np.where(
            have.any(axis=0), np.nansum(vals, axis=0) / np.maximum(have.sum(axis=0), 1), 0.0
        )
        keep = np.lexsort((keep, -mean))
        if max_columns is not None:
            keep = keep[:max_columns]
        first_row = np.where(have[:, keep].any(axis=0), have[:, keep].argmax(axis=0), len(ents))
        keep = keep[np.lexsort((keep, -mean[keep], first_row))]
    elif max_columns is not None:
        keep = keep[:max_columns]
    spheres = [spheres[k] for k in keep]
    values = share.loc[:, spheres].to_numpy(dtype=np.float64)
    n_e, n_s = values.shape
    ax = new_axes(
        ax, (min(max(6.0, 0.55 * n_s + 4.0), 30.0), min(max(3.0, 0.32 * n_e + 2.4), 20.0))
    )

    import matplotlib as mpl

    cmap = mpl.colormaps["Reds"].with_extremes(bad=CLASS_COLORS["not applicable"])
    opts: dict[str, Any] = {"aspect": "auto", "interpolation": "nearest", "vmin": 0.0,
                            "vmax": 1.0} | dict(kwargs)  # fmt: skip
    im = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, gid="share", **opts)
    if n_e * n_s <= 900:
        det = n_det.loc[:, spheres].to_numpy(dtype=np.float64)
        tot = n_ind.loc[:, spheres].to_numpy(dtype=np.float64)
        rows, cols = np.nonzero(~np.isnan(values))
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            ax.text(c, r, f"{det[r, c]:.0f}/{tot[r, c]:.0f}", ha="center", va="center",
                    fontsize="x-small",
                    color="white" if values[r, c] > 0.55 else "black")  # fmt: skip
    ax.set_xlim(-0.5, n_s - 0.5)
    ax.set_ylim(n_e - 0.5, -0.5)
    ax.set_xticks(np.arange(n_s), [shorten(s, 30) for s in spheres], rotation=55, ha="right",
                  rotation_mode="anchor", fontsize="small" if n_s > 20 else None)  # fmt: skip
    ax.set_yticks(np.arange(n_e), ents, fontsize="small" if n_e > 25 else None)
    ax.set_xticks(np.arange(n_s + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(n_e + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="white", linewidth=0.8)
    ax.tick_params(which="minor", length=0)
    hide_spines(ax, ("top", "right", "left", "bottom"))
    cbar = ax.figure.colorbar(im, ax=ax, shrink=0.7, aspect=25, pad=0.02)
    cbar.set_label("share of scored indicators deteriorated")
    ax.set_xlabel("Sphere (cells: deteriorated / scored indicators; grey: none scored)")
    ax.set_ylabel("Entity (highest share deteriorated on top)" if sort else "Entity")
    ax.set_title(
        title
        if title is not None
        else f"Share of indicators deteriorated by sphere, {_window_text(res)}"
    )
    add_note(ax, note)
    return ax


# --------------------------------------------------------------------------- one body


def plot_changes(
    result: PerformanceResult,
    entity: str,
    *,
    labels: Literal["name", "code"] = "name",
    annotate: bool = True,
    title: str | None = None,
    note: str | None = None,
    ax: Axes | None = None,
    **kwargs: Any,
) -> Axes:
    """Diverging bars of one body's indicator changes (progress score − 50).

    A bar of +50 (−50) is a yearly change at (beyond) the indicator's cap in the
    good (bad) direction, 0 is no change. Bars are coloured by class
    (:data:`CLASS_COLORS`) and sorted: the worst regression on top; indicators
    without a score are listed last (hatched, zero length, with the reason).

    Parameters
    ----------
    result : PerformanceResult
        Output of :func:`govindex.performance_index`.
    entity : str
        The body or region to show.
    labels : {"name", "code"}, default "name"
        Bar labels: catalog names or codes.
    annotate : bool, default True
        Write the direction-adjusted yearly change next to each bar
        (``%/yr`` for relative and slope rules, units per year for absolute).
    title, note : str, optional
        Title (default names the entity and window) and a small note under the chart.
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
    res = _check_performance(result)
    if entity not in set(res.scores.index):
        known = format_items(res.scores.index)
        raise MethodError(f"entity {entity!r} is not in the result; its entities are {known}")
    rows = res.changes.loc[res.changes["entity"] == entity]
    if not len(rows):
        reason = str(res.scores.loc[entity, "reason"]) or "no indicator applies"
        raise MethodError(f"entity {entity!r} has no indicators to plot: {reason}")
    dev = rows["score"].to_numpy(dtype=np.float64) - 50.0
    order = np.lexsort((np.arange(len(rows)), np.where(np.isnan(dev), np.inf, dev)))
    rows = rows.iloc[order]
    dev = dev[order]
    n = len(rows)
    cls = rows["class"].astype("object").where(rows["class"].notna() & ~np.isnan(dev), "missing")
    colors = [CLASS_COLORS[c] for c in cls]
    ax = new_axes(ax, (10.5, min(max(3.0, 0.3 * n + 1.6), 30.0)))
    y = np.arange(n)
    opts: dict[str, Any] = {"height": 0.7, "edgecolor": "none"} | kwargs
    bars = ax.barh(y, np.nan_to_num(dev), color=colors, gid="changes", **opts)
    for patch, c in zip(bars.patches, cls, strict=True):
        if c == "missing":
            patch.set_hatch(_HATCH)
            patch.set_edgecolor(_HATCH_COLOR)
    ax.axvline(0.0, color="0.2", linewidth=0.8)
    for x in (-50.0, 50.0):
        ax.axvline(x, color="0.6", linewidth=0.6, linestyle=":")
    if annotate:  # a value column right of the axes: never collides with bars or labels
        units = res.catalog.column("unit").reindex(rows["indicator"]).fillna("").to_numpy()
        rules, changes = rows["rule"].to_numpy(), rows["change"].to_numpy(dtype=np.float64)
        reasons = rows["reason"].to_numpy()
        column = ax.get_yaxis_transform()
        for k in range(n):
            if np.isnan(dev[k]):
                text = "no score: " + shorten(str(reasons[k]) or "missing", 50)
            else:
                text = format_change(changes[k], str(rules[k]), str(units[k]))
            ax.text(1.02, y[k], text, transform=column, ha="left", va="center",
                    fontsize="x-small", color="0.25")  # fmt: skip
        ax.annotate("yearly change\n(direction-adjusted)", xy=(1.02, 1.0),
                    xycoords="axes fraction", xytext=(0, 4), textcoords="offset points",
                    ha="left", va="bottom", fontsize="x-small", fontweight="bold",
                    color="0.25")  # fmt: skip
    ax.set_xlim(-55.0, 55.0)
    ax.set_xticks([-50, -25, 0, 25, 50], ["−50\n(−cap)", "−25", "0", "+25", "+50\n(+cap)"])
    ax.set_ylim(n - 0.4, -0.6)
    ax.set_yticks(y, catalog_labels(res, rows["indicator"].tolist(), labels, 56),
                  fontsize="small" if n > 20 else None)  # fmt: skip
    ax.set_xlabel(
        "Progress score − 50  (0 = no change; ±50 = yearly change at the indicator's cap)"
    )
    hide_spines(ax)
    present = [c for c in _CLASS_ORDER[:4] if (cls == c).any()]
    # improvements sort last, so the lower left is empty unless everything regressed
    corner: Literal["lower left", "best"] = (
        "lower left" if np.nan_to_num(dev[n // 2 :], nan=0.0).min() >= 0 else "best"
    )
    ax.legend(handles=_class_handles(present), loc=corner, frameon=True, framealpha=0.9,
              edgecolor="none", title="class", fontsize="small",
              title_fontsize="small")  # fmt: skip
    gpi = float(res.scores["gpi"].to_numpy(dtype=np.float64)[res.scores.index.get_loc(entity)])
    gpi_text = f"GPI {gpi:.1f}" if np.isfinite(gpi) else "no GPI"
    ax.set_title(
        title
        if title is not None
        else f"{entity}: indicator changes {_window_text(res)} ({gpi_text})",
        loc="left",
        pad=26.0 if annotate else None,
    )
    add_note(ax, note)
    return ax


# --------------------------------------------------------------------------- ranking


def plot_gpi_ranking(
    result: PerformanceResult,
    *,
    kind: Literal["central", "local"] | None = None,
    title: str | None = None,
    note: str | None = None,
    ax: Axes | None = None,
    **kwargs: Any,
) -> Axes:
    """Horizontal bars of the GPI by rank, with each body's class counts beside them.

    The right-hand panel (an inset of ``ax``) stacks the shares of improved,
    stable and deteriorated indicators, labelled with the counts. Bodies without a
    GPI are listed last with "no index" and the (shortened) reason.

    Parameters
    ----------
    result : PerformanceResult
        Output of :func:`govindex.performance_index`.
    kind : {"central", "local"}, optional
        Show only central or local bodies; default all.
    title, note : str, optional
        Title (default names the year) and a small note under the chart.
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
    res = _check_performance(result)
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
    mixed = len(set(s["kind"])) > 1
    rank = s["rank"].to_numpy(dtype=object)
    ylabels = [  # a reference row (an aggregate or a total) has a GPI but no rank
        (f"{e} ({k})" if mixed else f"{int(r)}. {e}" if not pd.isna(r) else f"ref. {e}")
        if ok
        else f"–  {e}"
        for e, k, r, ok in zip(s.index, s["kind"], rank, ranked, strict=True)
    ]
    ax = new_axes(ax, (10.0, min(max(2.8, 0.3 * n + 1.8), 30.0)))
    y = np.arange(n)
    opts: dict[str, Any] = {"height": 0.7, "color": "#4a6f9c"} | kwargs
    ax.barh(y, np.nan_to_num(gpi), gid="gpi", **opts)
    ax.axvline(50.0, color="0.45", linewidth=0.8, linestyle="--")
    reasons = s["reason"].to_numpy()
    scored = s["n_scored"].to_numpy()
    total = s["n_indicators"].to_numpy()
    box = {"facecolor": "white", "edgecolor": "none", "pad": 0.6, "alpha": 0.85}
    for k in range(n):
        if ranked[k]:
            extra = f"  ({scored[k]} of {total[k]} scored)" if scored[k] < total[k] else ""
            ax.text(gpi[k] + 1.0, y[k], f"{gpi[k]:.1f}{extra}", va="center", fontsize="x-small",
                    bbox=box)  # fmt: skip
        else:
            ax.text(
                1.0,
                y[k],
                "no index: " + shorten(str(reasons[k]) or "no GPI", 80),
                va="center",
                fontsize="x-small",
                color="#a50f15",
                bbox=box,
            )
    ax.set_xlim(0.0, 108.0)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_ylim(n - 0.4, -0.6)
    ax.set_yticks(y, ylabels, fontsize="small" if n > 25 else None)
    ax.set_xlabel("GPI (50 = no change on average; 100 = every indicator at its cap)")
    hide_spines(ax)
    inset = ax.inset_axes((1.03, 0.0, 0.3, 1.0), sharey=ax)
    left = np.zeros(n)
    for lab in ("improved", "stable", "deteriorated"):
        share = np.nan_to_num(s[f"share_{lab}"].to_numpy(dtype=np.float64))
        count = s[f"n_{lab}"].to_numpy()
        cont = inset.barh(
            y, share, left=left, height=0.7, color=CLASS_COLORS[lab], label=lab, gid=f"share_{lab}"
        )
        inset.bar_label(cont, labels=[str(c) if c > 0 else "" for c in count],
                        label_type="center", fontsize="x-small")  # fmt: skip
        left = left + share
    for k in np.flatnonzero(scored == 0).tolist():
        inset.text(
            0.02, y[k], f"0 of {total[k]} scored", va="center", fontsize="x-small", color="0.3"
        )
    inset.set_xlim(0.0, 1.0)
    inset.set_xticks([0.0, 0.5, 1.0], ["0", "50", "100 %"])
    inset.tick_params(axis="y", left=False, labelleft=False)
    inset.set_xlabel("Indicators by class\n(share; counts in bars)", fontsize="small")
    hide_spines(inset, ("top", "right", "left"))
    inset.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=3, frameon=False,
                 fontsize="x-small", handlelength=1.0, columnspacing=0.8,
                 handletextpad=0.4)  # fmt: skip
    what = {"central": "central government bodies", "local": "local executive bodies"}.get(
        kind or "", ""
    )
    default = f"Government Performance Index {res.year}" + (f", {what}" if what else "")
    ax.set_title(title if title is not None else default, loc="left")
    add_note(ax, note)
    return ax
