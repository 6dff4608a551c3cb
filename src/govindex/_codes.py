"""One form for every code: Unicode NFC, surrounding white space removed.

Entity, indicator and catalog codes are compared in this form everywhere (the panel,
the catalog, the readers' filters), so that the NFC and NFD spellings of one name, or
``"gdp "`` and ``"gdp"``, are one code. A code that was written in another form is
normalised and named in a :class:`~govindex.exceptions.CodeWarning`.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from govindex.exceptions import CodeWarning, format_items

__all__ = ["code_expression", "normalize_codes", "warn_changed", "warn_outside"]

_PACKAGE = str(Path(__file__).resolve().parent)


def normalize_codes(labels: Iterable[Any]) -> tuple[pd.Index, np.ndarray]:
    """The codes in the one form (NFC, stripped) and which of them changed.

    Vectorised (pyarrow's ``utf8_normalize`` and ``utf8_trim_whitespace``); meant
    for the distinct codes of a column, not for every row.

    Examples
    --------
    >>> import unicodedata
    >>> nfd = unicodedata.normalize("NFD", "Йошкар")
    >>> codes, changed = normalize_codes(["gdp ", nfd, "x"])
    >>> codes.tolist() == ["gdp", "Йошкар", "x"], changed.tolist()
    (True, [True, True, False])
    """
    text = labels if isinstance(labels, pd.Index) else pd.Index(list(labels), dtype=object)
    arr = pa.array(text.astype("str").array, type=pa.large_string())
    norm = pc.utf8_trim_whitespace(pc.utf8_normalize(arr, form="NFC"))
    changed = pc.fill_null(pc.not_equal(arr, norm), False).to_numpy(zero_copy_only=False)
    return pd.Index(pd.array(norm, dtype="str")), np.asarray(changed, dtype=bool)


def code_expression(column: str) -> Any:
    """A pyarrow dataset expression of ``column`` in the one form (for filters pushed down)."""
    return pc.utf8_trim_whitespace(pc.utf8_normalize(pc.field(column), form="NFC"))


def warn_changed(what: str, original: Iterable[Any], changed: np.ndarray) -> None:
    """Name the codes of ``what`` (e.g. "column 'entity'") that were normalised."""
    before = [str(v) for v, c in zip(original, changed, strict=True) if c]
    if before:
        warn_outside(
            f"{what}: {len(before)} code(s) were not in the one form of codes (Unicode NFC, "
            f"no surrounding spaces) and were normalised: {format_items(before)}; codes that "
            "differ only so are one code",
            CodeWarning,
        )


def warn_outside(message: str, category: type[Warning]) -> None:
    """``warnings.warn`` pointing at the first caller outside the govindex package."""
    level = 2
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    warnings.warn(message, category, stacklevel=level)
