"""Charts of the operational assessment (matplotlib imported lazily; no global style changes).

The functions only read a computed :class:`~govindex.operational.OperationalResult`
(totals, block subtotals, lost points); they never compute scores.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from govindex.plotting._common import new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from govindex.operational.result import OperationalResult

__all__ = ["plot_lost_points", "plot_operational_blocks"]

_BLOCK_COLOURS = ("#4C72B0", "#55A868", "#8172B2", "#CCB974", "#64B5CD", "#8C8C8C")


def _note(ax: Axes, note: str | None) -> None:
    """Add ``note`` as a last line of the x-axis label (placed below the tick labels)."""
    if note:
        label = ax.get_xlabel()
        ax.set_xlabel(f"{label}\n{note}" if label else note, fontsize=9)


def plot_operational_blocks(
    result: OperationalResult,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    note: str | None = None,
) -> Axes:
    """Stacked horizontal bars of block points (+ bonus, − penalty) per body, on level bands.

    Bodies are sorted by rank (best on top); the total is written at the end of each
    bar; the background bands show the efficiency levels (cut-offs converted to
    points: ``min_percent / 100 · max_points``).

    Parameters
    ----------
    result : OperationalResult
        A scored result (any stage).
    ax : Axes, optional
        Axes to draw on; a new figure sized to the number of bodies by default.
    title : str, optional
        Title; default names the scorecard, year and stage.
    note : str, optional
        Small italic note at the bottom of the figure (e.g. "synthetic demo data").

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
    sc = result.scorecard
    totals = result.totals.sort_values(["rank", "total"], ascending=[True, False])
    order = totals.index[::-1]  # barh draws bottom-up: best on top
    blocks = result.blocks.loc[order]
    n = len(order)
    ax = new_axes(ax, (10.0, 1.2 + 0.32 * n), layout=None)
    y = np.arange(n)

    # level bands in points
    cuts = [lv.min_percent / 100.0 * sc.max_points for lv in sc.levels]  # high → low
    x_max = max(float(totals["total"].max()), sc.max_points) * 1.06
    upper = [x_max, *cuts[:-1]]
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
            fontsize=8,
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
            label="bonus",
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
            label="penalty (−)",
            zorder=2,
        )
    for yi, total, end in zip(y, totals.loc[order, "total"], left + bonus, strict=True):
        ax.text(end + 0.4, float(yi), f"{total:.1f}", va="center", fontsize=8, zorder=3)

    ax.set_yticks(y, [str(e) for e in order])
    ax.set_ylim(-0.6, n + 0.9)
    ax.set_xlim(min(0.0, float(penalty.min()) * 1.2), x_max)
    ax.set_xlabel(f"points (max {sc.max_points:g} + bonus)")
    ax.set_title(
        title or f"Operational assessment — {sc.code}, {sc.year} ({result.stage})", fontsize=11
    )
    # the worst bodies are at the bottom with the shortest bars: room for the legend there
    ax.legend(loc="lower right", fontsize=8, framealpha=0.92)
    _note(ax, note)
    return ax


def plot_lost_points(
    result: OperationalResult,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    note: str | None = None,
    annotate: bool = True,
) -> Axes:
    """Heat map of the points each body lost on each base criterion (max − points).

    Columns are grouped by block (separators and block codes on top); bodies are
    sorted by rank (best on top).

    Parameters
    ----------
    result : OperationalResult
        A scored result.
    ax : Axes, optional
        Axes to draw on; a new figure by default.
    title, note : str, optional
        Title and a small note at the bottom of the figure.
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
    sc = result.scorecard
    order = result.totals.sort_values(["rank", "total"], ascending=[True, False]).index
    lost = result.lost_points.loc[order]
    maxp = np.array([i.max_points for i in sc.criteria])
    n, k = lost.shape
    ax = new_axes(ax, (2.5 + 0.38 * k, 1.8 + 0.3 * n), layout=None)
    data = lost.to_numpy()
    image = ax.imshow(
        data, aspect="auto", cmap="Reds", vmin=0.0, vmax=float(maxp.max()), interpolation="nearest"
    )
    cbar: Any = ax.figure.colorbar(image, ax=ax, fraction=0.025, pad=0.01)
    cbar.set_label("points lost (max − points)", fontsize=8)
    ax.set_xticks(np.arange(k), [str(c) for c in lost.columns], rotation=90, fontsize=7)
    ax.set_yticks(np.arange(n), [str(e) for e in order], fontsize=8)
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
                fontsize=5.5,
                color="white" if v > 0.6 * maxp.max() else "#222222",
            )
    block_of = [i.block for i in sc.criteria]
    start = 0
    for j in range(1, k + 1):
        if j == k or block_of[j] != block_of[start]:
            if j < k:
                ax.axvline(j - 0.5, color="black", lw=1.2)
            ax.text(
                (start + j - 1) / 2,
                -0.8,
                str(block_of[start]),
                ha="center",
                va="bottom",
                fontsize=9,
                fontweight="bold",
            )
            start = j
    ax.set_title(
        title or f"Points lost per criterion — {sc.code}, {sc.year} ({result.stage})",
        fontsize=11,
        pad=18,
    )
    _note(ax, note)
    return ax
