"""Charts of the operational assessment (matplotlib imported lazily; no global style changes).

The functions only read a computed :class:`~govindex.operational.OperationalResult`
(totals, block subtotals, lost points); they never compute scores. The chart standard
(``docs/charts.md``) applies: text of at least 8 pt, names in ``lang``, the most severe first
on the lost-points map, penalties visible as values, and a status line with the year, the
stage and its date, followed by ``note`` (which should say whether the data are synthetic).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from govindex.entities import Entities, Language
from govindex.i18n import text
from govindex.plotting._common import (
    SMALL,
    TEXT,
    add_note,
    entity_names,
    language,
    new_axes,
    shorten,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from govindex.operational.result import OperationalResult

__all__ = ["plot_lost_points", "plot_operational_blocks"]

_BLOCK_COLOURS = ("#4C72B0", "#55A868", "#8172B2", "#CCB974", "#64B5CD", "#8C8C8C")


def stage_status(result: OperationalResult, lang: Language = "en") -> str:
    """``assessment year 2019 · final (2020-03-16)``: the year and the stage of the figures."""
    stage = text(f"stage.{result.stage}", lang)
    when = None
    if result.stage == "final" and result.commission is not None:
        when = result.commission.decided_on
    elif result.published_on is not None:
        when = result.published_on
    return (
        text("status.year", lang, year=result.scorecard.year)
        + " · "
        + (f"{stage} ({when})" if when is not None else stage)
    )


def plot_operational_blocks(
    result: OperationalResult,
    *,
    lang: Language = "en",
    entity_table: Entities | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    note: str | None = None,
) -> Axes:
    """Stacked horizontal bars of block points (+ bonus, − penalty) per body, on level bands.

    Bodies are sorted by rank (best on top); the total is written at the end of each
    bar; the background bands show the efficiency levels (cut-offs converted to
    points: ``min_percent / 100 · max_points``). A penalty is drawn left of zero and written
    next to the total (``penalty −0.5``), so a small one stays visible.

    Parameters
    ----------
    result : OperationalResult
        A scored result (any stage).
    lang : {"en", "ru", "kk"}, default "en"
        Language of the fixed texts and of the names.
    entity_table : Entities, optional
        Names of the bodies (default: their codes).
    ax : Axes, optional
        Axes to draw on; a new figure sized to the number of bodies by default.
    title : str, optional
        Title; default names the scorecard, year and stage.
    note : str, optional
        A note after the status line (e.g. "SYNTHETIC demo data").

    Returns
    -------
    Axes

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import warnings
    >>> from govindex.operational.demo import demo_inputs
    >>> from govindex.operational import read_scorecard
    >>> inputs = demo_inputs("local").query("year == 2019")
    >>> ax = plot_operational_blocks(read_scorecard("local").score(inputs))
    >>> len(ax.get_yticks())
    20
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    lang = language(lang)
    sc = result.scorecard
    totals = result.totals.sort_values(["rank", "total"], ascending=[True, False])
    order = totals.index[::-1]  # barh draws bottom-up: best on top
    blocks = result.blocks.loc[order]
    n = len(order)
    ax = new_axes(ax, (10.5, 2.4 + 0.32 * n))
    y = np.arange(n)

    # level bands in points
    cuts = [lv.min_percent / 100.0 * sc.max_points for lv in sc.levels]  # high → low
    x_max = max(float(totals["total"].max()), sc.max_points) * 1.06
    # room right of the bars for the totals (and the penalties in words)
    x_hi = x_max + (0.24 if (totals["penalty"] < 0).any() else 0.08) * sc.max_points
    upper = [x_hi, *cuts[:-1]]
    import matplotlib

    cmap = matplotlib.colormaps["RdYlGn"]
    n_lv = len(cuts)
    for k, (lv, lo, hi) in enumerate(zip(sc.levels, cuts, upper, strict=True)):
        colour = cmap(0.85 - 0.7 * k / max(n_lv - 1, 1))  # green (best level) → red
        ax.axvspan(lo, hi, color=colour, alpha=0.22, lw=0, zorder=0)
        ax.text(
            (lo + hi) / 2,
            n - 0.35,
            f"{lv.name}\n(≥ {lv.min_percent:g} %)",
            ha="center",
            va="bottom",
            fontsize=SMALL,
            color="#333333",
        )
        if lo > 0:
            ax.axvline(lo, color="#777777", lw=0.8, ls="--", zorder=1)

    left = np.zeros(n)
    for j, b in enumerate(sc.blocks):
        width = blocks[b.code].to_numpy()
        ax.barh(
            y,
            width,
            left=left,
            color=_BLOCK_COLOURS[j % len(_BLOCK_COLOURS)],
            edgecolor="white",
            lw=0.5,
            label=f"{b.code} {b.name}",
            zorder=2,
        )
        left = left + width
    bonus = totals.loc[order, "bonus"].to_numpy()
    if (bonus > 0).any():
        ax.barh(
            y,
            bonus,
            left=left,
            color="#F28E2B",
            hatch="///",
            edgecolor="white",
            lw=0.5,
            label=text("op.bonus", lang),
            zorder=2,
        )
    penalty = totals.loc[order, "penalty"].to_numpy()
    if (penalty < 0).any():
        ax.barh(
            y,
            penalty,
            left=0,
            color="#C44E52",
            edgecolor="white",
            lw=0.5,
            label=text("op.penalty", lang),
            zorder=2,
        )
    for yi, total, end, pen in zip(
        y, totals.loc[order, "total"], left + bonus, penalty, strict=True
    ):
        ax.text(end + 0.4, float(yi), f"{total:.1f}", va="center", fontsize=SMALL, zorder=3)
        if pen < 0:  # a small penalty is a sliver left of zero: say it in words too
            ax.text(end + 0.4 + 0.055 * x_max, float(yi),
                    text("op.penalty_value", lang, value=f"{pen:.1f}".replace("-", "−")),
                    va="center", fontsize=SMALL, color="#a50f15", zorder=3)  # fmt: skip
    ax.set_yticks(y, entity_names(order, lang, entity_table, limit=28),
                  fontsize=TEXT if n <= 25 else SMALL)  # fmt: skip
    ax.tick_params(axis="x", labelsize=TEXT)
    ax.set_ylim(-0.6, n + 0.9)
    ax.set_xlim(min(0.0, float(penalty.min()) * 1.2), x_hi)
    ax.set_xlabel(text("op.points", lang, max=f"{sc.max_points:g}"), fontsize=TEXT).set_wrap(True)
    ax.set_title(
        title
        or text("op.blocks_title", lang, code=sc.code, year=sc.year,
                stage=text(f"stage.{result.stage}", lang)),
        fontsize=11,
    ).set_wrap(True)  # fmt: skip
    # the worst bodies are at the bottom with the shortest bars: room for the legend there
    ax.legend(loc="lower right", fontsize=SMALL, framealpha=0.92)
    add_note(ax, note, stage_status(result, lang))
    return ax


def plot_lost_points(
    result: OperationalResult,
    *,
    lang: Language = "en",
    entity_table: Entities | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    note: str | None = None,
    annotate: bool = True,
) -> Axes:
    """Heat map of the points each body lost on each base criterion (max − points).

    Columns are grouped by block (separators and block codes on top) and named by
    the criteria's names; bodies are sorted by the points they lost (most on top).

    Parameters
    ----------
    result : OperationalResult
        A scored result.
    lang : {"en", "ru", "kk"}, default "en"
        Language of the fixed texts and of the names.
    entity_table : Entities, optional
        Names of the bodies (default: their codes).
    ax : Axes, optional
        Axes to draw on; a new figure by default.
    title, note : str, optional
        Title and a note after the status line.
    annotate : bool, default True
        Write the lost points in the cells that lost any.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from govindex.operational.demo import demo_inputs
    >>> from govindex.operational import read_scorecard
    >>> inputs = demo_inputs("central").query("year == 2019")
    >>> ax = plot_lost_points(read_scorecard("central").score(inputs))
    >>> len(ax.get_xticks())  # the 29 base criteria of the central scorecard
    29
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    lang = language(lang)
    sc = result.scorecard
    lost = result.lost_points
    most = lost.sum(axis=1).sort_values(ascending=False, kind="stable")
    lost = lost.loc[most.index]
    order = lost.index
    maxp = np.array([i.max_points for i in sc.criteria])
    n, k = lost.shape
    ax = new_axes(ax, (4.5 + 0.44 * k, 4.2 + 0.3 * n))
    data = lost.to_numpy()
    image = ax.imshow(
        data, aspect="auto", cmap="Reds", vmin=0.0, vmax=float(maxp.max()), interpolation="nearest"
    )
    cbar: Any = ax.figure.colorbar(image, ax=ax, fraction=0.025, pad=0.01)
    cbar.set_label(text("op.lost_colorbar", lang), fontsize=SMALL)
    cbar.ax.tick_params(labelsize=SMALL)
    names = {i.code: i.name for i in sc.criteria}
    ax.set_xticks(np.arange(k), [shorten(names.get(str(c), str(c)), 34) for c in lost.columns],
                  rotation=90, fontsize=SMALL)  # fmt: skip
    ax.set_yticks(np.arange(n), entity_names(order, lang, entity_table, limit=28),
                  fontsize=SMALL)  # fmt: skip
    ax.set_ylabel(text("op.lost_ylabel", lang), fontsize=TEXT)
    if annotate:
        rows, cols = np.nonzero(data >= 0.05)
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            v = data[r, c]
            ax.text(
                c,
                r,
                f"{v:.1f}",
                ha="center",
                va="center",
                fontsize=SMALL,
                color="white" if v > 0.45 * maxp.max() else "black",
            )
    block_of = [i.block for i in sc.criteria]
    start = 0
    for j in range(1, k + 1):
        if j == k or block_of[j] != block_of[start]:
            if j < k:
                ax.axvline(j - 0.5, color="black", lw=1.2)
            ax.annotate(str(block_of[start]), xy=((start + j - 1) / 2, 1.0),
                        xycoords=ax.get_xaxis_transform(), xytext=(0, 3),
                        textcoords="offset points", ha="center", va="bottom",
                        fontsize=TEXT, fontweight="bold")  # fmt: skip
            start = j
    ax.set_title(
        title
        or text("op.lost_title", lang, code=sc.code, year=sc.year,
                stage=text(f"stage.{result.stage}", lang)),
        fontsize=11,
        pad=3 + 2.2 * TEXT,  # above the block labels
    ).set_wrap(True)  # fmt: skip
    add_note(ax, note, stage_status(result, lang))
    return ax
