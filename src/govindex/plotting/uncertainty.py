"""Charts of uncertainty and sensitivity analyses: rank intervals and Sobol indices.

Both functions take a computed result (compute first, plot after), read its tables
only, draw on ``ax`` (a new figure when ``ax`` is None), return the
:class:`~matplotlib.axes.Axes` and never change matplotlib's global style. The chart
standard (``docs/charts.md``) applies: fixed texts in ``lang``, a legend for every mark,
and the status line ``status`` (year, window, data status) followed by ``note``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from govindex.entities import Language
from govindex.exceptions import MethodError, format_items
from govindex.i18n import text
from govindex.plotting._common import (
    SERIES_COLORS,
    SMALL,
    TEXT,
    add_note,
    check_result,
    language,
    new_axes,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from govindex.analysis.sensitivity import SensitivityResult
    from govindex.analysis.uncertainty import UncertaintyResult

__all__ = ["plot_rank_intervals", "plot_sensitivity"]

_INTERVAL = SERIES_COLORS[0]
_NOMINAL = "#d73027"
_S1, _ST = SERIES_COLORS


def plot_rank_intervals(
    result: UncertaintyResult,
    *,
    lang: Language = "en",
    status: str | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    note: str | None = None,
) -> Axes:
    """Each entity's 5th–95th percentile rank interval, median and nominal rank.

    Entities are listed in the order of :attr:`UncertaintyResult.rank_summary`
    (best median rank at the top); rank 1 is on the left. ``lang`` sets the language
    of the fixed texts, ``status`` the status line (year, window and data status of the
    analysed result, e.g. from :func:`~govindex.plotting.status_line`).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from govindex import performance_index
    >>> from govindex.datasets import load_demo
    >>> from govindex.analysis.uncertainty import uncertainty_analysis
    >>> panel, catalog = load_demo("leb")
    >>> ua = uncertainty_analysis(performance_index(panel, catalog, year=2025), n=100,
    ...                           change=("catalog", "slope"), seed=0)
    >>> ax = plot_rank_intervals(ua, note="SYNTHETIC demo data")
    >>> ax.get_xlabel()
    'rank (1 = best)'
    """
    from matplotlib.ticker import MaxNLocator

    from govindex.analysis.uncertainty import UncertaintyResult

    check_result(result, UncertaintyResult, "uncertainty_analysis")
    lang = language(lang)
    summary = result.rank_summary
    n_ent = len(summary)
    ax = new_axes(ax, (8.5, 1.8 + 0.28 * n_ent))
    y = np.arange(n_ent)
    ax.hlines(
        y,
        summary["p5"],
        summary["p95"],
        color=_INTERVAL,
        lw=3,
        alpha=0.55,
        label=text("uncertainty.interval", lang),
    )
    ax.plot(summary["median"], y, "o", color=_INTERVAL, ms=5,
            label=text("uncertainty.median", lang))  # fmt: skip
    ax.plot(summary["nominal_rank"], y, "x", color=_NOMINAL, ms=7, mew=1.8,
            label=text("uncertainty.nominal", lang))  # fmt: skip
    ax.set_yticks(y, [str(e) for e in summary.index], fontsize=TEXT if n_ent <= 25 else SMALL)
    ax.tick_params(axis="x", labelsize=TEXT)
    ax.invert_yaxis()
    ax.set_xlim(0.5, n_ent + 0.5)
    ax.set_xlabel(text("uncertainty.xlabel", lang), fontsize=TEXT).set_wrap(True)
    ax.grid(axis="x", color="0.9", lw=0.8)
    ax.set_axisbelow(True)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=SMALL, frameon=False)
    ax.set_title(
        title
        if title is not None
        else text("uncertainty.title", lang, kind=result.kind, n=result.n)
    ).set_wrap(True)
    add_note(ax, note, status)
    return ax


def plot_sensitivity(
    result: SensitivityResult,
    *,
    output: str | None = None,
    lang: Language = "en",
    status: str | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    note: str | None = None,
) -> Axes:
    """Bar chart of the first-order (S1) and total-effect (ST) index of every factor.

    Error bars are the bootstrap confidence half-widths. ``output`` selects one
    output (an entity for ``statistic="rank"``); required when there are several.
    ``lang`` sets the language of the fixed texts, ``status`` the status line.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from govindex.analysis.sensitivity import SensitivityResult
    >>> import pandas as pd
    >>> res = SensitivityResult(
    ...     statistic="y", factors={"a": (), "b": ()}, n_base=64, n_evaluations=256,
    ...     conf_level=0.95, seed=0, fingerprints={}, _indices=pd.DataFrame({
    ...         "output": ["y", "y"], "factor": ["a", "b"], "S1": [0.2, 0.7],
    ...         "S1_conf": [0.05, 0.05], "ST": [0.25, 0.8], "ST_conf": [0.04, 0.06]}))
    >>> plot_sensitivity(res).get_ylabel()
    'Sobol index'
    """
    from govindex.analysis.sensitivity import SensitivityResult

    check_result(result, SensitivityResult, "sensitivity_analysis")
    lang = language(lang)
    table = result.indices
    outputs = list(dict.fromkeys(table["output"]))
    if output is None:
        if len(outputs) > 1:
            raise MethodError(
                f"the result has {len(outputs)} outputs; pass output=... "
                f"(one of {format_items(outputs)})"
            )
        output = outputs[0]
    if output not in outputs:
        raise MethodError(f"unknown output {output!r}; expected one of {format_items(outputs)}")
    rows = table.loc[table["output"] == output]
    ax = new_axes(ax, (max(6.0, 1.6 + 0.9 * len(rows)), 4.2))
    x = np.arange(len(rows))
    for dx, col, color, label in ((-0.2, "S1", _S1, text("sensitivity.s1", lang)),
                                  (0.2, "ST", _ST, text("sensitivity.st", lang))):  # fmt: skip
        ax.bar(x + dx, rows[col], 0.4, yerr=rows[f"{col}_conf"], color=color, capsize=3,
               label=label)  # fmt: skip
    ax.set_xticks(x, [str(f) for f in rows["factor"]], rotation=20, ha="right", fontsize=TEXT)
    ax.tick_params(axis="y", labelsize=TEXT)
    ax.axhline(0.0, color="0.3", lw=0.8)
    ax.set_ylabel(text("sensitivity.ylabel", lang), fontsize=TEXT)
    ax.set_xlabel(text("sensitivity.note", lang), fontsize=SMALL).set_wrap(True)
    ax.set_ylim(min(0.0, float(np.nanmin(rows["S1"] - rows["S1_conf"])) - 0.05), 1.05)
    ax.legend(fontsize=SMALL, frameon=False)
    ax.set_title(
        title
        if title is not None
        else text(
            "sensitivity.title",
            lang,
            output=output,
            n=result.n_base,
            level=f"{result.conf_level:.0%}",
        )
    ).set_wrap(True)
    add_note(ax, note, status)
    return ax
