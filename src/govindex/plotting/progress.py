"""Charts of the National Progress Index: NPI indicator ratios and the NPI over the years.

Every function takes a computed :class:`~govindex.indices.npi.ProgressResult` (compute
first, plot after), reads its tables only, draws on ``ax`` (a new figure when ``ax``
is None), returns the :class:`~matplotlib.axes.Axes` and never changes matplotlib's
global style. matplotlib is imported lazily. ``note`` is printed small under the
chart (e.g. ``"SYNTHETIC demo data"``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from govindex.exceptions import MethodError
from govindex.plotting._common import (
    SERIES_COLORS,
    add_note,
    catalog_labels,
    check_result,
    hide_spines,
    new_axes,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from govindex.indices.npi import ProgressResult

__all__ = ["plot_npi", "plot_npi_trend"]


def _check_progress(result: object) -> ProgressResult:
    from govindex.indices.npi import ProgressResult

    return check_result(result, ProgressResult, "progress_index")


def _reference_text(result: ProgressResult) -> str:
    ref = result.method.reference
    return ref if isinstance(ref, str) else f"mean of {len(ref)} members"


def plot_npi(
    result: ProgressResult,
    *,
    year: int | None = None,
    labels: Literal["name", "code"] = "name",
    title: str | None = None,
    note: str | None = None,
    ax: Axes | None = None,
    **kwargs: Any,
) -> Axes:
    """Dot plot of each NPI indicator: ratio to the reference and to the base year (= 100).

    Two markers per indicator (circle: reference = 100, diamond: base year = 100)
    joined by a grey line, a vertical line at 100, and capped ratios ringed with
    their uncapped value in brackets; rows sorted by the ratio to the reference
    (lowest on top). A ratio that is undefined (e.g. a base-year value of 0) is
    noted as "n/a".

    Parameters
    ----------
    result : ProgressResult
        Output of :func:`govindex.progress_index`.
    year : int, optional
        Year to show; default the assessment year of the result.
    labels : {"name", "code"}, default "name"
        Row labels: catalog names or codes.
    title, note : str, optional
        Title (default names country, year and NPI values) and a small note.
    ax : Axes, optional
        Axes to draw on; default a new figure.
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.plot` for both marker series.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from govindex import Catalog, Panel, progress_index
    >>> panel = Panel.from_frame(pd.DataFrame({
    ...     "entity": ["KZ", "KZ", "OECD", "OECD"], "indicator": "life",
    ...     "year": [2016, 2024] * 2, "value": [72.0, 75.0, 80.0, 81.0]}))
    >>> cat = Catalog.from_frame(pd.DataFrame({"code": ["NPI", "life"], "parent": ["", "NPI"]}))
    >>> res = progress_index(panel, cat, country="KZ", reference="OECD", year=2024)
    >>> ax = plot_npi(res)
    >>> [round(float(x), 1) for line in ax.lines if line.get_gid() == "npi_reference"
    ...  for x in line.get_xdata()]  # 75 / 81 × 100
    [92.6]
    """
    res = _check_progress(result)
    yr = res.year if year is None else year
    tab = res.indicators
    years = sorted(set(tab["year"].tolist()))
    if yr not in set(years):
        raise MethodError(
            f"year {yr!r} is not in the result; its years are {years[0]}–{years[-1]}"
        )
    rows = tab.loc[tab["year"] == yr]
    ref = rows["ratio_reference"].to_numpy(dtype=np.float64)
    order = np.lexsort((rows["indicator"].to_numpy(), np.where(np.isnan(ref), np.inf, ref)))
    rows = rows.iloc[order]
    n = len(rows)
    y = np.arange(n)
    r_ref = rows["ratio_reference"].to_numpy(dtype=np.float64)
    r_base = rows["ratio_base"].to_numpy(dtype=np.float64)
    lo, hi = (100.0 * c for c in res.method.cap)
    ax = new_axes(ax, (10.0, min(max(3.0, 0.3 * n + 1.8), 30.0)))
    both = ~np.isnan(r_ref) & ~np.isnan(r_base)
    ax.hlines(y[both], np.minimum(r_ref, r_base)[both], np.maximum(r_ref, r_base)[both],
              color="0.8", linewidth=1.5, zorder=1)  # fmt: skip
    ax.axvline(100.0, color="0.2", linewidth=0.9, zorder=1)
    ref_label = f"vs {_reference_text(res)} (= 100)"
    base_label = f"vs {res.method.base_year} (= 100)"
    # the reference circle is larger, so it stays visible behind an equal base-year diamond
    for ratio, marker, size, color, label, gid in (
        (r_ref, "o", 8.5, SERIES_COLORS[0], ref_label, "npi_reference"),
        (r_base, "D", 5.5, SERIES_COLORS[1], base_label, "npi_base"),
    ):
        opts: dict[str, Any] = {"linestyle": "none", "markersize": size, "zorder": 3} | kwargs
        ax.plot(ratio, y, marker=marker, color=color, label=label, gid=gid, **opts)
    capped_any = False
    for kind, ratio in (("reference", r_ref), ("base", r_base)):
        capped = rows[f"capped_{kind}"].to_numpy(dtype=bool)
        if capped.any():
            capped_any = True
            ax.plot(ratio[capped], y[capped], linestyle="none", marker="o", markersize=13,
                    markerfacecolor="none", markeredgecolor="black", zorder=4,
                    gid=f"capped_{kind}")  # fmt: skip
            unc = rows[f"uncapped_{kind}"].to_numpy(dtype=np.float64)
            for k in np.flatnonzero(capped).tolist():
                right = ratio[k] >= 100.0
                ax.text(ratio[k] + (6.0 if right else -6.0), y[k], f"({unc[k]:,.0f})",
                        va="center", ha="left" if right else "right",
                        fontsize="x-small")  # fmt: skip
    value = rows["value"].to_numpy(dtype=np.float64)
    for k in np.flatnonzero(np.isnan(r_ref) | np.isnan(r_base)).tolist():
        pairs = ((_reference_text(res), r_ref[k]), (str(res.method.base_year), r_base[k]))
        gone = [lab for lab, v in pairs if np.isnan(v)]
        text = f"no value in {yr}" if np.isnan(value[k]) else "vs " + " and ".join(gone) + ": n/a"
        ax.text(hi + 28.0, y[k], text, va="center", ha="right", fontsize="x-small", color="0.35")
    ax.set_xlim(lo - 8.0, hi + 30.0)
    ax.set_ylim(n - 0.4, -0.6)
    ax.set_yticks(
        y,
        catalog_labels(res, rows["indicator"].tolist(), labels),
        fontsize="small" if n > 25 else None,
    )
    ax.grid(axis="x", color="0.92", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.set_xlabel(f"Ratio × 100, direction-adjusted (capped to [{lo:g}, {hi:g}])")
    hide_spines(ax)
    handles, _ = ax.get_legend_handles_labels()
    if capped_any:
        from matplotlib.lines import Line2D

        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker="o",
                markersize=11,
                markerfacecolor="none",
                markeredgecolor="black",
                label="capped (uncapped value)",
            )
        )
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False,
              fontsize="small")  # fmt: skip
    if title is None:
        sc = res.scores.loc[yr]
        title = (
            f"{res.method.country} in {yr}: NPI {sc['npi_reference']:.1f} "
            f"vs {_reference_text(res)}, "
            f"{sc['npi_base']:.1f} vs {res.method.base_year}"
        )
        n_ref, n_base = (int(np.asarray(sc[c])) for c in ("n_reference", "n_base"))
        if min(n_ref, n_base) < n:  # say when indicators are missing
            title += f" (on {n_ref} and {n_base} of {n} indicators)"
    ax.set_title(title, loc="left")
    add_note(ax, note)
    return ax


def plot_npi_trend(
    result: ProgressResult,
    *,
    title: str | None = None,
    note: str | None = None,
    ax: Axes | None = None,
    **kwargs: Any,
) -> Axes:
    """NPI relative to the reference and to the base year over the years, with a line at 100.

    A year whose number of indicators differs from the year before is ringed and labelled
    with its count (``n=22``): part of that move comes from the indicator set (see
    ``balanced=True`` of :func:`~govindex.progress_index`).

    Parameters
    ----------
    result : ProgressResult
        Output of :func:`govindex.progress_index`.
    title, note : str, optional
        Title (default names the country) and a small note under the chart.
    ax : Axes, optional
        Axes to draw on; default a new figure.
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.plot` for both lines.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from govindex import Catalog, Panel, progress_index
    >>> panel = Panel.from_frame(pd.DataFrame({
    ...     "entity": ["KZ", "KZ", "OECD", "OECD"], "indicator": "life",
    ...     "year": [2016, 2024] * 2, "value": [72.0, 75.0, 80.0, 81.0]}))
    >>> cat = Catalog.from_frame(pd.DataFrame({"code": ["NPI", "life"], "parent": ["", "NPI"]}))
    >>> ax = plot_npi_trend(progress_index(panel, cat, country="KZ", reference="OECD", year=2024))
    >>> [line.get_gid() for line in ax.lines][:2]
    ['npi_reference', 'npi_base']
    """
    res = _check_progress(result)
    sc = res.scores
    years = sc.index.to_numpy()
    ax = new_axes(ax, (9.0, 4.5))
    opts: dict[str, Any] = {"marker": "o", "markersize": 4, "linewidth": 1.8} | kwargs
    series = (("npi_reference", f"NPI vs {_reference_text(res)} (= 100)"),
              ("npi_base", f"NPI vs {res.method.base_year} (= 100)"))  # fmt: skip
    for (col, label), color in zip(series, SERIES_COLORS, strict=True):
        ax.plot(
            years, sc[col].to_numpy(dtype=np.float64), color=color, label=label, gid=col, **opts
        )
        last = sc[col].dropna()
        if len(last):
            ax.annotate(f"{last.iloc[-1]:.1f}", xy=(float(last.index[-1]), float(last.iloc[-1])),
                        xytext=(5, 0), textcoords="offset points", va="center", fontsize="small",
                        color=color)  # fmt: skip
    _mark_coverage_changes(ax, sc)
    ax.axhline(100.0, color="0.2", linewidth=0.9)
    if years.size and years.min() <= res.method.base_year <= years.max():
        ax.axvline(res.method.base_year, color="0.55", linewidth=0.8, linestyle=":")
        ax.annotate("base year", xy=(res.method.base_year, 1.0),
                    xycoords=("data", "axes fraction"), xytext=(3, -3),
                    textcoords="offset points", va="top", fontsize="x-small",
                    color="0.4")  # fmt: skip
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if years.size:
        ax.set_xlim(float(years.min()) - 0.5, float(years.max()) + 0.9)
    ax.set_xlabel("Year")
    ax.set_ylabel("Index (100 = reference / base-year level)")
    ax.grid(axis="y", color="0.92", linewidth=0.6)
    ax.set_axisbelow(True)
    hide_spines(ax)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize="small")
    ax.set_title(
        title if title is not None else f"National Progress Index of {res.method.country}",
        loc="left",
    )
    add_note(ax, note)
    return ax


def _mark_coverage_changes(ax: Axes, scores: Any) -> None:
    """Ring the points of the years whose indicator count differs from the year before and
    write the count ("n=22") next to them, so a move caused by coverage is visible."""
    label = "number of indicators changed (n)"
    for col, count, color in (
        ("npi_reference", "n_reference", SERIES_COLORS[0]),
        ("npi_base", "n_base", SERIES_COLORS[1]),
    ):
        n = scores[count].to_numpy(dtype=np.int64)
        value = scores[col].to_numpy(dtype=np.float64)
        changed = np.flatnonzero((n[1:] != n[:-1]) & ~np.isnan(value[1:])) + 1
        if not changed.size:
            continue
        x = scores.index.to_numpy()[changed]
        ax.plot(x, value[changed], linestyle="none", marker="o", markersize=9,
                markerfacecolor="none", markeredgecolor=color, gid=f"coverage_{col}",
                label=label)  # fmt: skip
        label = "_nolegend_"  # one legend entry for both comparisons
        for k in changed.tolist():
            ax.annotate(f"n={n[k]}", xy=(float(scores.index[k]), float(value[k])),
                        xytext=(0, -12), textcoords="offset points", ha="center",
                        fontsize="x-small", color=color)  # fmt: skip
