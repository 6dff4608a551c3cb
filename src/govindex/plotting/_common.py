"""Helpers shared by the chart modules (private): the chart standard in one place.

One implementation each, used by every module of :mod:`govindex.plotting`
(``docs/charts.md`` states the standard): text of at least :data:`MIN_FONT` points,
names rather than codes (:func:`entity_names`, :func:`catalog_labels`, ``lang=``), the
class colours :data:`CLASS_COLORS` (a diverging palette that stays apart in greyscale and
under colour-vision deficiencies), flagged values marked with :data:`FLAG_MARK`, and a
status line under every chart with its year, window and data status
(:func:`add_note`). matplotlib is imported lazily, only when a figure is made.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import numpy as np

from govindex.entities import Language
from govindex.exceptions import MethodError
from govindex.i18n import (
    MESSAGES,
    check_language,
    class_name,
    entity_labels,
    indicator_labels,
    text,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.transforms import Bbox

    from govindex.catalog import Catalog
    from govindex.entities import Entities
    from govindex.indices.gpi import PerformanceResult
    from govindex.indices.npi import ProgressResult

__all__ = ["CLASS_COLORS", "FLAG_MARK", "MIN_FONT", "SERIES_COLORS", "SMALL", "TEXT",
           "add_note", "catalog_labels", "check_result", "class_handles", "data_status",
           "entity_names", "flag_keys", "format_change", "hide_spines", "legend_label",
           "new_axes", "shorten", "status_line"]  # fmt: skip

_R = TypeVar("_R")

#: Smallest font size of any text on a chart, in points (at the default figure size).
MIN_FONT = 8.0
#: Font size of value labels, notes and legends (points).
SMALL = 8.0
#: Font size of tick labels (points).
TEXT = 9.0

#: Colour of each indicator class (and of the cells without a class): a blue–sand–red
#: diverging palette whose classes differ in lightness (greyscale: deteriorated darkest,
#: improved mid, stable light) and stay apart under protan, deutan and tritan vision
#: (``tests/test_chart_standard.py`` checks both with a colour-vision simulation).
CLASS_COLORS: Mapping[str, str] = {
    "improved": "#4393c3",
    "stable": "#dccb8c",
    "deteriorated": "#b2182b",
    "missing": "#ffffff",
    "not applicable": "#f7f7f7",
}

#: Colours of two series compared on one chart (blue first, orange second).
SERIES_COLORS = ("#1f5fa8", "#e07b00")

#: The mark of a flagged value (imputed, re-based, series break, derived, reference row).
FLAG_MARK = "◆"

#: Flag key → the words of a ``changes['flags']`` text that set it.
_FLAG_WORDS = {
    "imputed": ("imputed",),
    "rebased": ("re-based",),
    "derived": ("derived",),
    "break": ("series break",),
    "reference": ("reference row",),
    "shifted": ("point shifted",),
}


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


def data_status(catalog: Catalog | None, lang: Language = "en") -> str:
    """Whether the data are SYNTHETIC or real, from the catalog's ``source`` column.

    Examples
    --------
    >>> import pandas as pd
    >>> from govindex import Catalog
    >>> cat = Catalog.from_frame(pd.DataFrame({"code": ["G", "x"], "parent": ["", "G"],
    ...                                        "source": ["", "World Bank WDI"]}))
    >>> data_status(cat)
    'real data: World Bank WDI'
    """
    if catalog is None:
        return text("status.real_unsourced", lang)
    sources = [s for s in dict.fromkeys(catalog.column("source").astype("str")) if s]
    if any("SYNTHETIC" in s.upper() for s in sources):
        return text("status.synthetic", lang)
    if sources:
        return text("status.real", lang, source=shorten("; ".join(sources), 90))
    return text("status.real_unsourced", lang)


def status_line(
    lang: Language = "en",
    *,
    year: int | None = None,
    window: int | None = None,
    years: tuple[int, int] | None = None,
    catalog: Catalog | None = None,
    status: str | None = None,
) -> str:
    """The status line of a chart: its year and window (or years) and its data status."""
    parts = []
    if year is not None and window is not None:
        parts.append(text("status.window", lang, year=year, start=year - window))
    elif year is not None:
        parts.append(text("status.year", lang, year=year))
    elif years is not None:
        parts.append(text("status.years", lang, start=years[0], end=years[1]))
    parts.append(status if status is not None else data_status(catalog, lang))
    return " · ".join(parts)


def add_note(ax: Axes, note: str | None, status: str | None = None) -> None:
    """Print the chart's ``status`` line and ``note`` small under the x-axis labels.

    A note that already states the data status (``SYNTHETIC …`` or ``REAL data …``, in
    agreement with the status line) replaces the status line's own wording, so the source is
    not named twice. The line sits under the lowest x-axis label of ``ax`` and of its insets
    (the ranking's class panel), so it never overlaps them.
    """
    parts = [p for p in (status, note) if p]
    if status and note:
        when, _, said = status.rpartition(" · ")
        synthetic = said in MESSAGES["status.synthetic"]
        if ("SYNTHETIC" in note.upper()) == synthetic and (synthetic or "REAL data" in note):
            parts = [when, note] if when else [note]
    if parts:
        ax.annotate(" · ".join(dict.fromkeys(parts)), xy=(0.0, 0.0),
                    xycoords=("axes fraction", _under_xlabels(ax)), xytext=(0, -4),
                    textcoords="offset points", ha="left", va="top", fontsize=SMALL,
                    color="0.3", gid="note", annotation_clip=False, wrap=True)  # fmt: skip


def _under_xlabels(ax: Axes) -> Callable[[Any], Bbox]:
    """The box around the x axes (ticks and labels) of ``ax`` and of its insets, at draw
    time (``Axis.get_tightbbox`` places each label first, so a figure saved with
    ``bbox_inches="tight"`` gets the line where it is drawn)."""

    def box(renderer: Any) -> Bbox:
        from matplotlib.transforms import Bbox

        found = [a.xaxis.get_tightbbox(renderer) for a in (ax, *ax.child_axes)]
        boxes = [b for b in found if b is not None and b.height > 0]
        return Bbox.union(boxes) if boxes else ax.get_window_extent(renderer)

    return box


def hide_spines(ax: Axes, sides: Sequence[str] = ("top", "right")) -> None:
    """Hide the given spines of ``ax``."""
    for side in sides:
        ax.spines[side].set_visible(False)


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, ending in "…" when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def catalog_labels(
    result: PerformanceResult | ProgressResult,
    codes: Sequence[str],
    kind: str,
    limit: int = 48,
    lang: Language = "en",
) -> list[str]:
    """Tick labels of indicator ``codes``: the codes, or catalog names in ``lang``."""
    if kind == "code":
        return list(codes)
    if kind != "name":
        raise MethodError(f"labels must be 'name' or 'code'; got {kind!r}")
    return [shorten(n, limit) for n in indicator_labels(result.catalog, codes, lang)]


def entity_names(
    codes: Iterable[str],
    lang: Language = "en",
    table: Entities | None = None,
    *,
    limit: int = 40,
) -> list[str]:
    """Row labels of entity ``codes``: ``name (code)`` from an entities table, else the code."""
    codes = [str(c) for c in codes]
    names = entity_labels(codes, lang, table)
    return [
        c if n == c else f"{shorten(n, limit)} ({c})" for n, c in zip(names, codes, strict=True)
    ]


def entity_table_of(result: object, given: Entities | None) -> Entities | None:
    """The entities table to name rows with: the one given, else the result's own."""
    if given is not None:
        return given
    options = getattr(result, "options", None)
    return options.get("entity_table") if isinstance(options, dict) else None


def flag_keys(flags: str) -> list[str]:
    """The flags of a ``changes['flags']`` text (``imputed``, ``rebased``, ``break``, …).

    Examples
    --------
    >>> flag_keys("lineage: re-based across 2022 reorganisation; imputed end value")
    ['imputed', 'rebased']
    """
    low = str(flags).lower()
    return [k for k, words in _FLAG_WORDS.items() if any(w in low for w in words)]


def flag_names(keys: Iterable[str], lang: Language = "en") -> str:
    """The flags ``keys`` in words (``imputed, re-based``)."""
    return ", ".join(text(f"flag.{k}", lang) for k in keys)


def class_handles(
    classes: Iterable[str], lang: Language = "en", *, alpha: float | None = None
) -> list[Any]:
    """Legend patches of indicator classes (``stable_survey``: stable, not significant)."""
    from matplotlib.patches import Patch

    handles = []
    for c in classes:
        base = "stable" if c == "stable_survey" else c
        hatched = c in ("missing", "stable_survey")
        label = (
            text("class.stable_survey", lang, alpha=f"{alpha:g}")
            if c == "stable_survey"
            else class_name(c, lang)
        )
        handles.append(
            Patch(
                facecolor=CLASS_COLORS[base],
                edgecolor="0.35" if hatched else "0.6",
                hatch=HATCH if hatched else None,
                linewidth=0.5,
                label=legend_label(label),
            )
        )
    return handles


def legend_label(label: str, width: int = 34) -> str:
    """A legend entry wrapped to lines of at most ``width`` characters (legends stay narrow)."""
    import textwrap

    return "\n".join(textwrap.wrap(label, width, break_long_words=False)) or label


#: Hatch of missing cells and of the classes decided by a test rather than by size.
HATCH = "////"


def format_change(change: float, rule: str, unit: str) -> str:
    """A direction-adjusted yearly change as text: ``+2.8 %/yr`` or ``+0.3 pp/yr``."""
    if not np.isfinite(change):
        return ""
    if rule in ("relative", "slope"):
        text_ = f"{100.0 * change:+.1f} %/yr" if round(100.0 * change, 1) != 0 else "0.0 %/yr"
    else:
        unit = "pp" + unit[1:] if unit.startswith("%") else unit  # a change of a % is in points
        text_ = (f"{change:+.3g}" if change != 0 else "0") + (f" {unit}/yr" if unit else "/yr")
    return text_.replace("-", "−")


def language(lang: object) -> Language:
    """``lang`` checked (one of ``"en"``, ``"ru"``, ``"kk"``)."""
    return check_language(lang)
