"""What a number cell of a panel may hold: words for a missing value, values that are not numbers.

A panel's numbers are numbers. A word such as ``n/a`` is not a missing value unless the
caller names it (``na_values=``), and dates, durations, periods, complex numbers and
booleans, which pandas would quietly turn into numbers, are not observations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
import pandas as pd

from govindex.exceptions import format_items

__all__ = ["NA_WORDS", "na_hint", "non_number_cells", "non_number_dtype"]

#: Words that files use for a missing value (pandas' default NA strings and a few more).
NA_WORDS: frozenset[str] = frozenset(
    {"#n/a", "#n/a n/a", "#na", "-1.#ind", "-1.#qnan", "-nan", "1.#ind", "1.#qnan", "<na>",
     "n/a", "na", "null", "nan", "none", "-", "--", ".", "..", "n.a.", "missing", "?"}
)  # fmt: skip
# values that pandas would turn into numbers but are not observations
_NOT_NUMBERS = (
    dt.date, dt.time, dt.timedelta, np.datetime64, np.timedelta64, pd.Period, pd.Interval,
    complex, np.complexfloating, bool, np.bool_, bytes,
)  # fmt: skip


def non_number_dtype(s: pd.Series) -> str | None:
    """The dtype of ``s`` if it holds dates, durations, periods, complex numbers or booleans.

    Examples
    --------
    >>> non_number_dtype(pd.Series(pd.to_datetime(["2020-01-01"])))
    'datetime64[us]'
    >>> non_number_dtype(pd.Series([1.5])) is None
    True
    """
    kind = s.dtype
    if isinstance(kind, pd.CategoricalDtype):
        kind = kind.categories.dtype
    bad = (
        pd.api.types.is_bool_dtype(kind)
        or pd.api.types.is_datetime64_any_dtype(kind)
        or pd.api.types.is_timedelta64_dtype(kind)
        or pd.api.types.is_complex_dtype(kind)
        or isinstance(kind, pd.PeriodDtype | pd.IntervalDtype)
    )
    return str(kind) if bad else None


def non_number_cells(s: pd.Series) -> np.ndarray | None:
    """For a column of Python objects: which cells are dates, durations, … (else None).

    Examples
    --------
    >>> non_number_cells(pd.Series([1.0, pd.Timestamp("2020-01-01")], dtype=object))
    array([False,  True])
    """
    if s.dtype != np.dtype(object):
        return None
    return s.map(lambda v: isinstance(v, _NOT_NUMBERS)).to_numpy(dtype=bool)


def na_hint(text: Iterable[object]) -> str:
    """The advice for text that looks like a missing-value marker (``n/a``, ``NA``, ``-``).

    Examples
    --------
    >>> print(na_hint(["n/a", "12,5"]))
    ; 'n/a' looks like a word for a missing value: leave the cell empty, or name the word
    with na_values=['n/a'] (an option of read_panel and of a run configuration's table)
    >>> na_hint(["12,5"])
    ''
    """
    words = sorted({str(v) for v in text if str(v).strip().lower() in NA_WORDS})
    if not words:
        return ""
    return (
        f"; {format_items(words)} look{'s' if len(words) == 1 else ''} like a word for a "
        f"missing value: leave the cell empty, or name the word with na_values={words!r} "
        "(an option of read_panel and of a run configuration's table)"
    )
