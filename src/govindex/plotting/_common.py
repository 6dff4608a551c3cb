"""Helpers shared by the chart modules (private): axes, notes, labels, checks, colours.

One implementation each, used by every module of :mod:`govindex.plotting`;
matplotlib is imported lazily, only when a figure is made.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Literal, TypeVar

import numpy as np

from govindex.exceptions import MethodError

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from govindex.indices.gpi import PerformanceResult
    from govindex.indices.npi import ProgressResult

__all__ = ["CLASS_COLORS", "SERIES_COLORS", "add_note", "catalog_labels", "check_result",
           "hide_spines", "new_axes", "shorten"]  # fmt: skip

_R = TypeVar("_R")

#: Colour of each indicator class (and of the cells without a class).
CLASS_COLORS: Mapping[str, str] = {
    "improved": "#1a9850",
    "stable": "#fee08b",
    "deteriorated": "#d73027",
    "missing": "#ffffff",
    "not applicable": "#eeeeee",
}

#: Colours of two series compared on one chart (blue first, orange second).
SERIES_COLORS = ("#1f5fa8", "#e07b00")


def check_result(result: object, expected: type[_R], origin: str) -> _R:
    """Return ``result`` if it is an ``expected`` instance, else raise :class:`MethodError`.

    ``origin`` names the function that makes such results (shown in the message).
    """
    if not isinstance(result, expected):
        name = expected.__name__
        article = "an" if name[:1].upper() in "AEIOU" else "a"
        raise MethodError(
            f"expected {article} {name} (from {origin}), got {type(result).__name__}"
        )
    return result


def new_axes(
    ax: Axes | None,
    size: tuple[float, float],
    *,
    layout: Literal["constrained"] | None = "constrained",
) -> Axes:
    """``ax`` itself, or the axes of a new figure of ``size`` inches (``layout`` as given)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _fig, new = plt.subplots(figsize=size, layout=layout)
    return new


def add_note(ax: Axes, note: str | None) -> None:
    """Print ``note`` small under the x-axis label (kept inside the layout)."""
    if note:
        ax.annotate(note, xy=(0.0, 0.0), xycoords=("axes fraction", ax.xaxis.label),
                    xytext=(0, -4), textcoords="offset points", ha="left", va="top",
                    fontsize="x-small", color="0.35", gid="note")  # fmt: skip


def hide_spines(ax: Axes, sides: Sequence[str] = ("top", "right")) -> None:
    """Hide the given spines of ``ax``."""
    for side in sides:
        ax.spines[side].set_visible(False)


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, ending in "…" when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def catalog_labels(
    result: PerformanceResult | ProgressResult, codes: Sequence[str], kind: str, limit: int = 48
) -> list[str]:
    """Tick labels of indicator ``codes``: the codes, or catalog names (code when unnamed)."""
    if kind == "code":
        return list(codes)
    if kind != "name":
        raise MethodError(f"labels must be 'name' or 'code'; got {kind!r}")
    names = result.catalog.column("name").reindex(list(codes))
    return [
        shorten(str(n), limit) if isinstance(n, str) and n else c
        for n, c in zip(names, codes, strict=True)
    ]


def format_change(change: float, rule: str, unit: str) -> str:
    """A direction-adjusted yearly change as text: ``+2.8 %/yr`` or ``+0.3 pp/yr``."""
    if not np.isfinite(change):
        return ""
    if rule in ("relative", "slope"):
        text = f"{100.0 * change:+.1f} %/yr" if round(100.0 * change, 1) != 0 else "0.0 %/yr"
    else:
        unit = "pp" + unit[1:] if unit.startswith("%") else unit  # a change of a % is in points
        text = (f"{change:+.3g}" if change != 0 else "0") + (f" {unit}/yr" if unit else "/yr")
    return text.replace("-", "−")
