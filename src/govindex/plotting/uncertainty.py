"""Charts of uncertainty and sensitivity analyses: rank intervals and Sobol indices.

Both functions take a computed result (compute first, plot after), read its tables
only, draw on ``ax`` (a new figure when ``ax`` is None), return the
:class:`~matplotlib.axes.Axes` and never change matplotlib's global style. ``note``
is printed small under the chart (e.g. ``"SYNTHETIC demo data"``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from govindex.exceptions import MethodError, format_items
from govindex.plotting._common import SERIES_COLORS, add_note, check_result, new_axes

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
    ax: Axes | None = None,
    title: str | None = None,
    note: str | None = None,
) -> Axes:
    """Each entity's 5th–95th percentile rank interval, median and nominal rank.

    Entities are listed in the order of :attr:`UncertaintyResult.rank_summary`
    (best median rank at the top); rank 1 is on the left.

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
    summary = result.rank_summary
    n_ent = len(summary)
    ax = new_axes(ax, (8.0, 1.2 + 0.28 * n_ent))
    y = np.arange(n_ent)
    ax.hlines(
        y,
        summary["p5"],
        summary["p95"],
        color=_INTERVAL,
        lw=3,
        alpha=0.55,
        label="5th–95th percentile",
    )
    ax.plot(summary["median"], y, "o", color=_INTERVAL, ms=5, label="median rank")
    ax.plot(summary["nominal_rank"], y, "x", color=_NOMINAL, ms=7, mew=1.8, label="nominal rank")
    ax.set_yticks(y, [str(e) for e in summary.index])
    ax.invert_yaxis()
    ax.set_xlim(0.5, n_ent + 0.5)
    ax.set_xlabel("rank (1 = best)")
    ax.grid(axis="x", color="0.9", lw=0.8)
    ax.set_axisbelow(True)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
    ax.set_title(
        title
        if title is not None
        else f"{result.kind} rank intervals over {result.n} replications"
    )
    add_note(ax, note)
    return ax


def plot_sensitivity(
    result: SensitivityResult,
    *,
    output: str | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    note: str | None = None,
) -> Axes:
    """Bar chart of the first-order (S1) and total-effect (ST) index of every factor.

    Error bars are the bootstrap confidence half-widths. ``output`` selects one
    output (an entity for ``statistic="rank"``); required when there are several.

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
    ax = new_axes(ax, (1.6 + 0.9 * len(rows), 3.6))
    x = np.arange(len(rows))
    for dx, col, color, label in ((-0.2, "S1", _S1, "first order S1"),
                                  (0.2, "ST", _ST, "total effect ST")):  # fmt: skip
        ax.bar(x + dx, rows[col], 0.4, yerr=rows[f"{col}_conf"], color=color, capsize=3,
               label=label)  # fmt: skip
    ax.set_xticks(x, [str(f) for f in rows["factor"]], rotation=20, ha="right")
    ax.axhline(0.0, color="0.3", lw=0.8)
    ax.set_ylabel("Sobol index")
    ax.set_ylim(min(0.0, float(np.nanmin(rows["S1"] - rows["S1_conf"])) - 0.05), 1.05)
    ax.legend(fontsize="small", frameon=False)
    ax.set_title(
        title
        if title is not None
        else f"Sensitivity of {output} (N = {result.n_base}, {result.conf_level:.0%} intervals)"
    )
    add_note(ax, note)
    return ax
