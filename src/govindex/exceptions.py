"""Exceptions and warnings raised by govindex.

Every error is a subclass of :class:`GovindexError` (itself a :class:`ValueError`)
and states what was expected, what was found and how to fix it. Warnings are
emitted whenever data are silently changed (capped, dropped, set to NaN).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = [
    "AggregationError",
    "CatalogError",
    "CodeWarning",
    "ConfigError",
    "CoverageWarning",
    "DataWarning",
    "EntityError",
    "GovindexError",
    "GovindexWarning",
    "MethodError",
    "NormalizationWarning",
    "PanelError",
    "RunFolderError",
    "ScorecardError",
    "closest_name",
    "format_items",
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
