"""Exceptions and warnings raised by govindex.

Every error is a subclass of :class:`GovindexError` (itself a :class:`ValueError`)
and states what was expected, what was found and how to fix it. Warnings are
emitted whenever data are silently changed (capped, dropped, set to NaN).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any, Literal, NamedTuple, TypeVar

__all__ = [
    "AggregationError",
    "CatalogError",
    "CodeWarning",
    "ConfigError",
    "CoverageWarning",
    "DataWarning",
    "EngineError",
    "EntityError",
    "GovindexError",
    "GovindexWarning",
    "Listing",
    "MethodError",
    "NormalizationWarning",
    "PanelError",
    "RunFolderError",
    "ScorecardError",
    "closest_name",
    "format_items",
    "format_listing",
    "listing_warning",
]


class GovindexError(ValueError):
    """Base class of every error raised by govindex for bad input or parameters."""


class PanelError(GovindexError):
    """The panel of observations is malformed (duplicates, bad types, unknown codes)."""


class CatalogError(GovindexError):
    """The catalog (framework tree and indicator metadata) is malformed."""


class EntityError(GovindexError):
    """The entities table (codes, kinds, names, years of existence) is malformed."""


class MethodError(GovindexError):
    """A method name or a method parameter is invalid."""


class AggregationError(GovindexError):
    """An aggregation cannot be computed on the values given (e.g. geometric mean of 0)."""


class ScorecardError(GovindexError):
    """An operational-assessment scorecard file or its inputs are malformed."""


class ConfigError(GovindexError):
    """A run configuration is malformed."""


class RunFolderError(ConfigError):
    """A run's output folder cannot be written or read as one complete run.

    Raised when another run holds the folder's lock, when the folder holds files that
    are not part of a run, or when its files do not match the checksums of its
    ``manifest.json`` (a mixed, truncated or edited folder). A subclass of
    :class:`ConfigError`: the folder is the output of a run configuration.
    """


class EngineError(GovindexError):
    """An analysis on a Dask scheduler cannot go on: the scheduler is not one govindex
    knows, its optional dependencies are missing (``pip install "govindex[distributed]"``),
    it cannot be reached, or a worker died more often than the scheduler retries. Nothing
    partial is returned (:doc:`/scaling`).
    """


class GovindexWarning(UserWarning):
    """Base class of govindex warnings."""


class NormalizationWarning(GovindexWarning):
    """A normalisation produced NaN (constant column, zero range, zero reference)."""


class CoverageWarning(GovindexWarning):
    """A node or body was left without a score because too little data was available."""


class DataWarning(GovindexWarning):
    """Input data were changed or interpreted (capped, flagged, fallback used)."""


class CodeWarning(DataWarning):
    """An entity, indicator or catalog code was normalised on the way in.

    Codes are compared in one form everywhere: Unicode NFC with surrounding spaces
    removed. The warning names the codes that were written in another form (so that the
    NFC and NFD spellings of one name, or ``"gdp "`` and ``"gdp"``, are one code).
    """


def format_items(items: Iterable[object], limit: int = 10) -> str:
    """Format offending items for an error message, truncating long lists.

    Parameters
    ----------
    items : iterable
        The offending codes, rows or keys.
    limit : int, default 10
        How many items to show before summarising the rest.

    Returns
    -------
    str
        A comma-separated list such as ``"'a', 'b' and 3 more"``.

    Examples
    --------
    >>> format_items(["x", "y"])
    "'x', 'y'"
    >>> format_items(range(12), limit=3)
    '0, 1, 2 and 9 more'
    """
    seq = [
        item.item() if hasattr(item, "item") and callable(item.item) else item for item in items
    ]
    shown = ", ".join(repr(item) for item in seq[:limit])
    if len(seq) > limit:
        shown += f" and {len(seq) - limit} more"
    return shown


def closest_name(name: str, choices: Iterable[str]) -> str | None:
    """The choice closest to a misspelt ``name`` (for "did you mean …?"), or None.

    Examples
    --------
    >>> closest_name("chnage", ["window", "change", "alpha"])
    'change'
    >>> closest_name("zzz", ["window", "change"]) is None
    True
    """
    found = difflib.get_close_matches(str(name), [str(c) for c in choices], n=1, cutoff=0.6)
    return found[0] if found else None


W = TypeVar("W", bound=Warning)


class Listing(NamedTuple):
    """What a warning made by :func:`listing_warning` lists, kept with the warning."""

    template: str
    items: tuple[Any, ...]
    order: Literal["given", "sorted"]
    style: Literal["repr", "plain"]


def listing_warning(
    category: type[W],
    template: str,
    items: Iterable[Any],
    *,
    order: Literal["given", "sorted"] = "given",
    style: Literal["repr", "plain"] = "repr",
) -> W:
    """A warning whose message lists ``items``: pass it to :func:`warnings.warn`.

    ``template`` holds ``{n}`` (the number of items) and ``{items}``: the items as
    :func:`format_items` writes them (``style="repr"``) or the first ten joined by commas,
    ``" …"`` after them when there are more (``style="plain"``). The warning keeps the
    template and the items (its ``listing`` attribute, a :class:`Listing`), so that the
    warnings of a run split into chunks of entities merge into the message the whole
    run gives: items concatenated in chunk order (``order="given"``: the order of the
    entities), or sorted without repeats (``order="sorted"``, for codes that several
    chunks may name).

    Examples
    --------
    >>> w = listing_warning(DataWarning, "{n} code(s) fixed: {items}", ["a", "b"])
    >>> str(w), type(w).__name__
    ("2 code(s) fixed: 'a', 'b'", 'DataWarning')
    >>> w.listing.items
    ('a', 'b')
    """
    plain = tuple(
        item.item() if hasattr(item, "item") and callable(item.item) else item for item in items
    )
    listing = Listing(template, plain, order, style)
    warning = category(format_listing(listing))
    warning.listing = listing  # type: ignore[attr-defined]
    return warning


def format_listing(listing: Listing) -> str:
    """The message of a :class:`Listing` (see :func:`listing_warning`).

    Examples
    --------
    >>> format_listing(Listing("{n} cells: {items}", tuple(range(12)), "given", "plain"))
    '12 cells: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 …'
    """
    items = listing.items
    if listing.style == "plain":
        shown = ", ".join(str(i) for i in items[:10]) + (" …" if len(items) > 10 else "")
    else:
        shown = format_items(items)
    return listing.template.format(n=len(items), items=shown)
