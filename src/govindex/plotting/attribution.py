"""Waterfall chart of an :class:`~govindex.analysis.attribution.Attribution`.

Reads the attribution's table only (compute first, plot after), draws on ``ax``
(a new figure when ``ax`` is None), returns the :class:`~matplotlib.axes.Axes` and
never changes matplotlib's global style; matplotlib is imported lazily. The chart standard
(``docs/charts.md``) applies: fixed texts in ``lang``, a note that explains the colours, and
the status line ``status`` (year, window, data status) followed by ``note``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from govindex.entities import Language
from govindex.exceptions import MethodError
from govindex.i18n import text
from govindex.plotting._common import (
    CLASS_COLORS,
    SMALL,
    TEXT,
    add_note,
    check_result,
    hide_spines,
    language,
    new_axes,
    shorten,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from govindex.analysis.attribution import Attribution

__all__ = ["plot_attribution"]

# increases blue, decreases red (the class colours), old and new score light grey: apart
# under simulated colour-vision deficiencies (green and red were not, for deuteranomaly);
# the contributions are also signed in their labels, so colour is never the only code
_UP, _DOWN = CLASS_COLORS["improved"], CLASS_COLORS["deteriorated"]
_TOTAL = "0.85"


def plot_attribution(
    attribution: Attribution,
    *,
    top: int = 12,
    labels: str = "name",
    lang: Language = "en",
    status: str | None = None,
    title: str | None = None,
    note: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Horizontal waterfall: old score → leaf contributions → new score.

    The ``top`` leaf contributions largest in absolute value are drawn one per row
    (increases blue, decreases red: the class colours), the rest grouped in one
    "other (n)" row (items contributing exactly 0 are left out); the first and last
    rows are the old and new score. Each bar is labelled with its signed contribution.

    Parameters
    ----------
    attribution : Attribution
        From :func:`govindex.attribute`.
    top : int, default 12
        Contributions shown individually.
    labels : {"name", "code"}, default "name"
        Row labels: catalog names (with the code) or codes.
    lang : {"en", "ru", "kk"}, default "en"
        Language of the fixed texts.
    status : str, optional
        The status line: the two years compared and the data status (e.g. from
        :func:`~govindex.plotting.status_line`).
    title, note : str, optional
        Title (default names the entity, node and scores) and a note under the chart
        (e.g. ``"SYNTHETIC demo data"``).
    ax : Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from govindex import Catalog, Panel, compute_index
    >>> from govindex.analysis.attribution import attribute
    >>> cat = Catalog.from_frame(pd.DataFrame({"code": ["G", "a", "b"], "parent": ["", "G", "G"]}))
    >>> def run(y_b):
    ...     return compute_index(Panel.from_frame(pd.DataFrame({
    ...         "entity": ["X", "Y", "Z"] * 2, "indicator": ["a"] * 3 + ["b"] * 3, "year": 2024,
    ...         "value": [0.0, 10.0, 20.0, 0.0, y_b, 20.0]})), cat, year=2024)
    >>> ax = plot_attribution(attribute(run(10.0), run(20.0), entity="Y"), note="toy data")
    >>> [t.get_text() for t in ax.get_yticklabels()][:2]
    ['old score', 'b']
    """
    from govindex.analysis.attribution import Attribution

    check_result(attribution, Attribution, "govindex.attribute")
    lang = language(lang)
    if int(top) != top or top < 1:
        raise MethodError(f"top must be a positive integer; got {top!r}")
    if labels not in ("name", "code"):
        raise MethodError(f"labels must be 'name' or 'code'; got {labels!r}")
    leaves = attribution.leaves
    leaves = leaves.loc[leaves["contribution"] != 0.0]  # unchanged items add nothing
    shown = leaves.head(int(top))
    rest = leaves.iloc[int(top) :]
    values = shown["contribution"].to_numpy(dtype=np.float64)
    if labels == "code":
        names = shown["node"].tolist()
    else:
        names = [
            n if n == c else f"{shorten(n, 52)} ({c})"
            for n, c in zip(shown["name"], shown["node"], strict=True)
        ]
    if len(rest):
        values = np.append(values, rest["contribution"].sum())
        names.append(text("attribution.other", lang, n=len(rest)))
    old, new = attribution.old_score, attribution.new_score
    n = len(values)
    start = old + np.concatenate([[0.0], np.cumsum(values)[:-1]])
    rows = [text("attribution.old", lang), *names, text("attribution.new", lang)]
    y = np.arange(n + 2)
    lo = min(old, new, float(np.min(start)), float(np.min(start + values)))
    hi = max(old, new, float(np.max(start)), float(np.max(start + values)))
    pad = 0.12 * max(hi - lo, 1e-9)
    ax = new_axes(ax, (10.5, max(3.2, 0.36 * (n + 2) + 2.2)))
    base = lo - pad
    ax.barh([0, n + 1], [old - base, new - base], left=base, color=_TOTAL, height=0.6,
            edgecolor="0.45", gid="totals")  # fmt: skip
    colors = [_UP if v >= 0 else _DOWN for v in values]
    ax.barh(y[1 : n + 1], values, left=start, color=colors, height=0.6, gid="contributions")
    for k in range(n):  # connectors between consecutive bars
        ax.plot([start[k] + values[k]] * 2, [k + 1.3, k + 1.7], color="0.5", linewidth=0.6)
    ax.plot([old, old], [0.3, 0.7], color="0.5", linewidth=0.6)
    span = hi - lo + 2 * pad
    for k, v in enumerate(values):
        end = start[k] + v
        x = max(start[k], end) + 0.01 * span
        ax.text(x, k + 1, f"{'+' if v >= 0 else '−'}{abs(v):.2f}", va="center", ha="left",
                fontsize=SMALL, color="0.2")  # fmt: skip
    for k, v in ((0, old), (n + 1, new)):
        ax.text(v + 0.01 * span, k, f"{v:.2f}", va="center", ha="left", fontsize=SMALL,
                fontweight="bold", color="0.2")  # fmt: skip
    ax.set_xlim(base, hi + 1.6 * pad)
    ax.set_ylim(n + 1.6, -0.6)
    ax.set_yticks(y, rows, fontsize=TEXT)
    ax.tick_params(axis="x", labelsize=TEXT)
    hide_spines(ax)
    ax.set_xlabel(
        text("attribution.xlabel", lang, node=attribution.node)
        + "\n"
        + text("attribution.legend", lang),
        fontsize=TEXT,
    ).set_wrap(True)
    delta = new - old
    ax.set_title(
        title
        if title is not None
        else text(
            "attribution.title",
            lang,
            entity=attribution.entity,
            node=attribution.node,
            old=f"{old:.2f}",
            new=f"{new:.2f}",
            delta=f"{'+' if delta >= 0 else '−'}{abs(delta):.2f}",
        )
    ).set_wrap(True)
    add_note(ax, note, status)
    return ax
