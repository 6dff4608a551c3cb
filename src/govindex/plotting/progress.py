"""Charts of the National Progress Index: NPI indicator ratios and the NPI over the years.

Every function takes a computed :class:`~govindex.indices.npi.ProgressResult` (compute
first, plot after), reads its tables only, draws on ``ax`` (a new figure when ``ax``
is None), returns the :class:`~matplotlib.axes.Axes` and never changes matplotlib's
global style. matplotlib is imported lazily. The chart standard (``docs/charts.md``)
applies: names and fixed texts in ``lang``, capped ratios and changes of the indicator set
marked, and a status line with the year(s) and data status, followed by ``note``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from govindex.entities import Language
from govindex.exceptions import MethodError
from govindex.i18n import text
from govindex.plotting._common import (
    SERIES_COLORS,
    SMALL,
    TEXT,
    add_note,
    catalog_labels,
    check_result,
    hide_spines,
    language,
    new_axes,
    status_line,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from govindex.indices.npi import ProgressResult

__all__ = ["plot_npi", "plot_npi_trend"]


def _check_progress(result: object) -> ProgressResult:
    from govindex.indices.npi import ProgressResult

    return check_result(result, ProgressResult, "progress_index")


def _reference_text(result: ProgressResult, lang: Language = "en") -> str:
    ref = result.method.reference
    return ref if isinstance(ref, str) else text("npi.mean_of", lang, n=len(ref))


def plot_npi(
    result: ProgressResult,
    *,
    year: int | None = None,
    labels: Literal["name", "code"] = "name",
    lang: Language = "en",
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
        Row labels: catalog names (in ``lang``) or codes.
    lang : {"en", "ru", "kk"}, default "en"
        Language of the names and of the fixed texts.
    title, note : str, optional
        Title (default names country, year and NPI values) and a note after the status
        line.
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
    lang = language(lang)
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
    ax = new_axes(ax, (10.5, min(max(3.2, 0.3 * n + 2.2), 30.0)))
    both = ~np.isnan(r_ref) & ~np.isnan(r_base)
    ax.hlines(y[both], np.minimum(r_ref, r_base)[both], np.maximum(r_ref, r_base)[both],
              color="0.8", linewidth=1.5, zorder=1)  # fmt: skip
    ax.axvline(100.0, color="0.2", linewidth=0.9, zorder=1)
    ref_label = text("npi.vs", lang, what=_reference_text(res, lang))
    base_label = text("npi.vs", lang, what=res.method.base_year)
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
                        fontsize=SMALL)  # fmt: skip
    value = rows["value"].to_numpy(dtype=np.float64)
    for k in np.flatnonzero(np.isnan(r_ref) | np.isnan(r_base)).tolist():
        pairs = ((_reference_text(res, lang), r_ref[k]), (str(res.method.base_year), r_base[k]))
        gone = [lab for lab, v in pairs if np.isnan(v)]
        label = (
            text("npi.no_value", lang, year=yr)
            if np.isnan(value[k])
            else text("npi.na", lang, what=" & ".join(gone))
        )
        ax.text(hi + 28.0, y[k], label, va="center", ha="right", fontsize=SMALL, color="0.3")
    ax.set_xlim(lo - 8.0, hi + 30.0)
    ax.set_ylim(n - 0.4, -0.6)
    ax.set_yticks(
        y,
        catalog_labels(res, rows["indicator"].tolist(), labels, lang=lang),
        fontsize=TEXT if n <= 25 else SMALL,
    )
    ax.grid(axis="x", color="0.92", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.set_xlabel(text("npi.xlabel", lang, low=f"{lo:g}", high=f"{hi:g}"), fontsize=TEXT).set_wrap(
        True
    )
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
                label=text("npi.capped", lang),
            )
        )
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False,
              fontsize=SMALL)  # fmt: skip
    if title is None:
        sc = res.scores.loc[yr]
        title = text("npi.title", lang, country=res.method.country, year=yr,
                     ref_value=f"{sc['npi_reference']:.1f}",
                     reference=_reference_text(res, lang), base_value=f"{sc['npi_base']:.1f}",
                     base_year=res.method.base_year)  # fmt: skip
        n_ref, n_base = (int(np.asarray(sc[c])) for c in ("n_reference", "n_base"))
        if min(n_ref, n_base) < n:  # say when indicators are missing
            title += text("npi.on_indicators", lang, n_ref=n_ref, n_base=n_base, n=n)
    ax.set_title(title, loc="left").set_wrap(True)
    add_note(ax, note, status_line(lang, year=yr, catalog=res.catalog))
    return ax


def plot_npi_trend(
    result: ProgressResult,
    *,
    lang: Language = "en",
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
    lang : {"en", "ru", "kk"}, default "en"
        Language of the fixed texts.
    title, note : str, optional
        Title (default names the country) and a note after the status line.
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
    lang = language(lang)
    sc = res.scores
    years = sc.index.to_numpy()
    ax = new_axes(ax, (9.5, 4.8))
    opts: dict[str, Any] = {"marker": "o", "markersize": 4, "linewidth": 1.8} | kwargs
    series = (("npi_reference", text("npi.series", lang, what=_reference_text(res, lang))),
              ("npi_base", text("npi.series", lang, what=res.method.base_year)))  # fmt: skip
    for (col, label), color in zip(series, SERIES_COLORS, strict=True):
        ax.plot(
            years, sc[col].to_numpy(dtype=np.float64), color=color, label=label, gid=col, **opts
        )
        last = sc[col].dropna()
        if len(last):
            ax.annotate(f"{last.iloc[-1]:.1f}", xy=(float(last.index[-1]), float(last.iloc[-1])),
                        xytext=(5, 0), textcoords="offset points", va="center", fontsize=SMALL,
                        color=color)  # fmt: skip
    _mark_coverage_changes(ax, sc, lang)
    ax.axhline(100.0, color="0.2", linewidth=0.9)
    if years.size and years.min() <= res.method.base_year <= years.max():
        ax.axvline(res.method.base_year, color="0.55", linewidth=0.8, linestyle=":")
        ax.annotate(text("npi.base_year", lang), xy=(res.method.base_year, 1.0),
                    xycoords=("data", "axes fraction"), xytext=(3, -3),
                    textcoords="offset points", va="top", fontsize=SMALL,
                    color="0.35")  # fmt: skip
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if years.size:
        ax.set_xlim(float(years.min()) - 0.5, float(years.max()) + 0.9)
    ax.set_xlabel(text("axis.year", lang), fontsize=TEXT).set_wrap(True)
    ax.set_ylabel(text("npi.ylabel", lang), fontsize=TEXT)
    ax.tick_params(labelsize=TEXT)
    ax.grid(axis="y", color="0.92", linewidth=0.6)
    ax.set_axisbelow(True)
    hide_spines(ax)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=SMALL)
    ax.set_title(
        title if title is not None else text("npi.trend_title", lang, country=res.method.country),
        loc="left",
    ).set_wrap(True)
    span = (int(years.min()), int(years.max())) if years.size else None
    add_note(ax, note, status_line(lang, years=span, catalog=res.catalog))
    return ax


def _mark_coverage_changes(ax: Axes, scores: Any, lang: Language) -> None:
    """Ring the points of the years whose indicator count differs from the year before and
    write the count ("n=22") next to them, so a move caused by coverage is visible."""
    label = text("npi.coverage", lang)
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
                        fontsize=SMALL, color=color)  # fmt: skip
