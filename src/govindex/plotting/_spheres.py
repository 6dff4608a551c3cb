"""``plot_risk_heatmap(by="sphere")``: the share of indicators deteriorated per sphere.

A heat map of entities × spheres; when every entity is assessed on one sphere of its own
(central government bodies, each with its own indicator set), that table is a diagonal
that says little, so the chart is one bar per entity instead, most severe on top.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from govindex.entities import Entities, Language
from govindex.i18n import text
from govindex.plotting._common import (
    CLASS_COLORS,
    SMALL,
    TEXT,
    add_note,
    hide_spines,
    new_axes,
    shorten,
)
from govindex.plotting.heatmap import row_labels

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from govindex.indices.gpi import PerformanceResult

__all__ = ["sphere_chart"]


def sphere_chart(
    res: PerformanceResult,
    ents: list[str],
    max_columns: int | None,
    sort: bool,
    lang: Language,
    table: Entities | None,
    texts: tuple[str | None, str | None, str],
    ax: Axes | None,
    kwargs: Mapping[str, Any],
) -> Axes:
    """The sphere heat map (or bars, for one sphere per entity); ``texts`` = title, note,
    status line."""
    from govindex.indices.risk import risk_areas

    risks = risk_areas(res, share_threshold=0.0, levels=("sphere",))
    tabs = [
        risks.pivot(index="entity", columns="sphere", values=col).reindex(ents)
        for col in ("share_deteriorated", "n_deteriorated", "n_indicators")
    ]
    share = tabs[0]
    if int(share.notna().sum(axis=1).max()) <= 1:
        return _own_sphere_bars(res, ents, tabs, sort, lang, table, texts, ax)
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
        ax, (min(max(6.5, 0.6 * n_s + 5.0), 30.0), min(max(3.5, 0.32 * n_e + 3.4), 24.0))
    )
    import matplotlib as mpl

    cmap = mpl.colormaps["Reds"].with_extremes(bad=CLASS_COLORS["not applicable"])
    opts: dict[str, Any] = {"aspect": "auto", "interpolation": "nearest", "vmin": 0.0,
                            "vmax": 1.0} | dict(kwargs)  # fmt: skip
    im = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, gid="share", **opts)
    if n_e * n_s <= 900:
        det = tabs[1].loc[:, spheres].to_numpy(dtype=np.float64)
        tot = tabs[2].loc[:, spheres].to_numpy(dtype=np.float64)
        rows, cols = np.nonzero(~np.isnan(values))
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            ax.text(c, r, f"{det[r, c]:.0f}/{tot[r, c]:.0f}", ha="center", va="center",
                    fontsize=SMALL,
                    color="white" if values[r, c] > 0.55 else "black")  # fmt: skip
    ax.set_xlim(-0.5, n_s - 0.5)
    ax.set_ylim(n_e - 0.5, -0.5)
    ax.set_xticks(np.arange(n_s), [shorten(s, 30) for s in spheres], rotation=55, ha="right",
                  rotation_mode="anchor", fontsize=TEXT if n_s <= 20 else SMALL)  # fmt: skip
    ax.set_yticks(np.arange(n_e), row_labels(res, ents, lang, table),
                  fontsize=TEXT if n_e <= 25 else SMALL)  # fmt: skip
    ax.set_xticks(np.arange(n_s + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(n_e + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="white", linewidth=0.8)
    ax.tick_params(which="minor", length=0)
    hide_spines(ax, ("top", "right", "left", "bottom"))
    cbar = ax.figure.colorbar(im, ax=ax, shrink=0.7, aspect=25, pad=0.02)
    cbar.set_label(text("sphere.colorbar", lang), fontsize=SMALL)
    cbar.ax.tick_params(labelsize=SMALL)
    ax.set_xlabel(text("sphere.xlabel", lang), fontsize=TEXT).set_wrap(True)
    ax.set_ylabel(text("heatmap.ylabel_sorted" if sort else "heatmap.ylabel", lang), fontsize=TEXT)
    title, note, status = texts
    window = {"start": res.year - res.method.window, "year": res.year}
    ax.set_title(title if title is not None else text("sphere.title", lang, **window)).set_wrap(
        True
    )
    add_note(ax, note, status)
    return ax


def _own_sphere_bars(
    res: PerformanceResult,
    ents: list[str],
    tabs: list[Any],
    sort: bool,
    lang: Language,
    table: Entities | None,
    texts: tuple[str | None, str | None, str],
    ax: Axes | None,
) -> Axes:
    """One bar per entity: the share of its (one sphere's) indicators that deteriorated."""
    share, det, tot = (t.max(axis=1).to_numpy(dtype=np.float64) for t in tabs)
    sphere = [
        str(row.dropna().index[0]) if row.notna().any() else "" for _, row in tabs[0].iterrows()
    ]
    n = len(ents)
    ax = new_axes(ax, (10.0, min(max(3.0, 0.3 * n + 2.2), 30.0)))
    y = np.arange(n)
    ax.barh(y, np.nan_to_num(share), height=0.7, color=CLASS_COLORS["deteriorated"], gid="share")
    for k in range(n):
        label = (
            f"{shorten(sphere[k], 34)}: {det[k]:.0f}/{tot[k]:.0f}"
            if np.isfinite(share[k])
            else "—"
        )
        ax.text(np.nan_to_num(share[k]) + 0.01, y[k], label, va="center", fontsize=SMALL)
    ax.set_xlim(0.0, 1.45)
    ax.set_xticks([0.0, 0.25, 0.5, 0.75, 1.0], ["0", "25", "50", "75", "100 %"], fontsize=TEXT)
    ax.set_ylim(n - 0.4, -0.6)
    ax.set_yticks(y, row_labels(res, ents, lang, table), fontsize=TEXT if n <= 25 else SMALL)
    ax.set_xlabel(text("sphere.own_xlabel", lang), fontsize=TEXT).set_wrap(True)
    ax.set_ylabel(text("heatmap.ylabel_sorted" if sort else "heatmap.ylabel", lang), fontsize=TEXT)
    hide_spines(ax)
    title, note, status = texts
    window = {"start": res.year - res.method.window, "year": res.year}
    ax.set_title(
        title if title is not None else text("sphere.own_title", lang, **window)
    ).set_wrap(True)
    add_note(ax, note, status)
    return ax
