"""One form for every code: Unicode NFC, surrounding white space removed.

Entity, indicator and catalog codes are compared in this form everywhere (the panel,
the catalog, the readers' filters), so that the NFC and NFD spellings of one name, or
``"gdp "`` and ``"gdp"``, are one code. A code that was written in another form is
normalised and named in a :class:`~govindex.exceptions.CodeWarning`.
"""

from __future__ import annotations

import sys
import unicodedata
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from govindex.exceptions import CodeWarning, listing_warning

__all__ = ["code_expression", "normalize_codes", "warn_changed", "warn_outside"]

_PACKAGE = str(Path(__file__).resolve().parent)


def normalize_codes(labels: Iterable[Any]) -> tuple[pd.Index, np.ndarray]:
    """The codes in the one form (NFC, stripped) and which of them changed.

    Meant for the distinct codes of a column, not for every row. White space is
    trimmed by pyarrow; only the codes that are not plain ASCII (already NFC) go
    through :func:`unicodedata.normalize`, because pyarrow's ``utf8_normalize`` does
    not compose decomposed text in the wheels of pyarrow 16–22 (it returns NFD
    input unchanged), and those versions are supported.

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
    norm = pc.utf8_trim_whitespace(_nfc(arr))
    changed = pc.fill_null(pc.not_equal(arr, norm), False).to_numpy(zero_copy_only=False)
    return pd.Index(pd.array(norm, dtype="str")), np.asarray(changed, dtype=bool)


def _nfc(arr: pa.Array) -> pa.Array:
    """``arr`` in Unicode NFC; ASCII strings (NFC already) are left as they are."""
    outside = ~np.asarray(
        pc.fill_null(pc.string_is_ascii(arr), True).to_numpy(zero_copy_only=False), dtype=bool
    )
    if not outside.any():
        return arr
    values = np.array(arr.to_numpy(zero_copy_only=False), dtype=object)  # a copy
    values[outside] = [unicodedata.normalize("NFC", v) for v in values[outside]]
    return pa.array(values, type=arr.type)


def code_expression(column: str, wanted: Iterable[str], value_type: pa.DataType) -> Any:
    """A pyarrow dataset filter: ``column``, stripped, is one of the codes ``wanted``.

    The stored codes may be written in NFC or NFD (decomposed); the filter matches
    both spellings of every wanted code, so that the reader's later normalisation
    sees every row of those codes. Rows whose code is null pass (they are named as
    missing codes by the reader's checks).

    Examples
    --------
    >>> import pyarrow as pa
    >>> import pyarrow.dataset as ds
    >>> nfd = unicodedata.normalize("NFD", "Йошкар")
    >>> table = pa.table({"entity": [nfd + " ", "Ош", None]})
    >>> expr = code_expression("entity", ["Йошкар"], pa.string())
    >>> ds.dataset(table).to_table(filter=expr).num_rows
    2
    """
    variants: dict[str, None] = {}
    for code in wanted:
        for form in ("NFC", "NFD"):
            variants[unicodedata.normalize(form, str(code).strip())] = None
    values = pa.array(list(variants), type=value_type)
    return pc.utf8_trim_whitespace(pc.field(column)).isin(values) | pc.field(column).is_null()


def warn_changed(what: str, original: Iterable[Any], changed: np.ndarray) -> None:
    """Name the codes of ``what`` (e.g. "column 'entity'") that were normalised."""
    before = [str(v) for v, c in zip(original, changed, strict=True) if c]
    if before:
        warn_outside(
            listing_warning(
                CodeWarning,
                f"{what}: {{n}} code(s) were not in the one form of codes (Unicode NFC, no "
                "surrounding spaces) and were normalised: {items}; codes that differ only so "
                "are one code",
                before,
                order="sorted",
            ),
            CodeWarning,
        )


def warn_outside(message: str | Warning, category: type[Warning]) -> None:
    """``warnings.warn`` pointing at the first caller outside the govindex package."""
    level = 2
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    warnings.warn(message, category, stacklevel=level)
