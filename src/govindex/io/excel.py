"""Excel (``.xlsx``) export of result tables: :func:`to_excel`.

:func:`to_excel` writes tables (or every table of a result) to one workbook, one sheet
per table: header row in bold and frozen, column widths from the content, numbers as
numbers (floats at full precision), missing values as empty cells and a named index as
leading columns. A hidden sheet ``_govindex`` records each column's dtype and the
index, so :func:`govindex.io.excel_reader.read_excel_tables` gives back equal tables
(values and dtypes: integers, floats, strings, booleans, categories, missing values).
Reading panels, catalogs and inputs from Excel is in :mod:`govindex.io.excel_reader`.

openpyxl is an optional dependency (``pip install "govindex[report]"``), imported
only when an Excel file is read or written.
"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from govindex._provenance import atomic_write_bytes
from govindex.exceptions import GovindexError, format_items
from govindex.io.excel_reader import META_HEADER, META_SHEET, import_openpyxl

__all__ = ["to_excel"]

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_MAX_TEXT = 32767  # Excel's limit on the characters of one cell


def _tables_of(source: object) -> tuple[dict[str, pd.DataFrame], dict[str, Any] | None]:
    """Name → table of a mapping or a result object (its ``tables()``), and its provenance."""
    from govindex.results import TableResult

    if isinstance(source, Mapping):
        return dict(source), None
    if isinstance(source, TableResult):
        return source.tables(), source.provenance
    raise GovindexError(
        "to_excel expects a mapping of table name to DataFrame or a govindex result "
        "(PerformanceResult, ProgressResult, IndexResult, OperationalResult, …); "
        f"got {type(source).__name__}"
    )


def _sheet_names(names: Sequence[str]) -> list[str]:
    """Valid, unique Excel sheet names (≤ 31 characters, none of []:*?/\\)."""
    out: list[str] = []
    seen: set[str] = {META_SHEET.lower()}
    for name in names:
        base = _BAD_SHEET_CHARS.sub("_", str(name)).strip("'") or "table"
        cand, k = base[:31], 1
        while cand.lower() in seen:
            k += 1
            cand = f"{base[: 31 - len(str(k)) - 1]}~{k}"
        seen.add(cand.lower())
        out.append(cand)
    return out


def _flat(frame: pd.DataFrame, table: str) -> tuple[pd.DataFrame, list[str]]:
    """The table with a meaningful index as leading columns, and the index column names."""
    if not isinstance(frame, pd.DataFrame):
        raise GovindexError(f"table {table!r} is a {type(frame).__name__}, not a DataFrame")
    if isinstance(frame.columns, pd.MultiIndex):
        raise GovindexError(
            f"table {table!r} has MultiIndex columns; flatten them before writing to Excel"
        )
    names = [str(c) for c in frame.columns]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise GovindexError(f"table {table!r} has duplicated column names {format_items(dup)}")
    index: Any = frame.index
    plain = isinstance(index, pd.RangeIndex) and index.name is None and index.start == 0
    if plain and index.step == 1:
        return frame.set_axis(names, axis=1), []
    idx_names = [
        str(n) if n is not None else ("index" if frame.index.nlevels == 1 else f"level_{k}")
        for k, n in enumerate(frame.index.names)
    ]
    clash = sorted(set(idx_names) & set(names))
    if clash:
        raise GovindexError(
            f"table {table!r}: index name(s) {format_items(clash)} are also column names"
        )
    flat = frame.set_axis(names, axis=1).reset_index()
    return flat.set_axis([*idx_names, *names], axis=1), idx_names


def _dtype_text(s: pd.Series) -> tuple[str, str, bool]:
    dt = s.dtype
    if isinstance(dt, pd.CategoricalDtype):
        cats = json.dumps(
            [c.item() if hasattr(c, "item") else c for c in dt.categories], default=str
        )
        return "category", cats, bool(dt.ordered)
    return str(dt), "", False


def _column_cells(ws: Any, s: pd.Series, table: str, col: str) -> list[Any]:
    """Python values / cells of one column (floats at full precision, text never a formula)."""
    WriteOnlyCell = import_openpyxl("openpyxl.cell").WriteOnlyCell
    IllegalCharacterError = import_openpyxl("openpyxl.utils.exceptions").IllegalCharacterError

    dt = s.dtype
    if pd.api.types.is_bool_dtype(dt) and not isinstance(dt, pd.CategoricalDtype):
        return [None if pd.isna(v) else bool(v) for v in s.astype(object)]
    if pd.api.types.is_integer_dtype(dt):
        ints: list[Any] = []
        for v in s.astype(object).tolist():
            if v is None or pd.isna(v):
                ints.append(None)
                continue
            cell = WriteOnlyCell(ws, value=str(int(v)))  # every digit (openpyxl would round to 16)
            cell.data_type = "n"
            ints.append(cell)
        return ints
    if pd.api.types.is_float_dtype(dt):
        arr = s.to_numpy(dtype=np.float64, na_value=np.nan)
        if np.isinf(arr).any():
            rows = np.flatnonzero(np.isinf(arr))[:5] + 2
            raise GovindexError(
                f"table {table!r}, column {col!r}: infinite values (Excel rows "
                f"{format_items(rows)}) cannot be stored in Excel; replace them with NaN or a "
                "finite number"
            )
        out: list[Any] = []
        for v in arr.tolist():
            if v != v:
                out.append(None)
            else:
                cell = WriteOnlyCell(ws, value=repr(v))  # repr: the shortest exact decimal
                cell.data_type = "n"
                out.append(cell)
        return out
    if pd.api.types.is_datetime64_any_dtype(dt):
        if getattr(dt, "tz", None) is not None:
            raise GovindexError(
                f"table {table!r}, column {col!r}: Excel has no time zones; convert to naive "
                "times first"
            )
        return [None if pd.isna(v) else v.to_pydatetime() for v in s]
    values = s.astype(object).tolist()
    out = []
    for k, v in enumerate(values):
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            out.append(None)
            continue
        if isinstance(v, float | int | bool | np.number | np.bool_):
            out.append(v.item() if isinstance(v, np.generic) else v)
            continue
        text = str(v)
        if len(text) > _MAX_TEXT:
            raise GovindexError(
                f"table {table!r}, column {col!r}, Excel row {k + 2}: text of {len(text)} "
                f"characters; an Excel cell holds at most {_MAX_TEXT}"
            )
        try:
            cell = WriteOnlyCell(ws, value=text)
        except IllegalCharacterError as exc:  # control characters
            raise GovindexError(
                f"table {table!r}, column {col!r}, Excel row {k + 2}: {text[:40]!r} contains "
                f"characters Excel cannot store ({type(exc).__name__})"
            ) from None
        cell.data_type = "s"  # "=..." stays text, never a formula
        if text == "":
            cell.number_format = (
                "@"  # an empty *text* cell: read back as "" (an empty cell is missing)
            )
        out.append(cell)
    return out


def _width(header: str, s: pd.Series) -> float:
    if pd.api.types.is_float_dtype(s.dtype):
        arr = s.to_numpy(dtype=np.float64, na_value=np.nan)
        longest = max((len(f"{v:.10g}") for v in arr[np.isfinite(arr)][:10000]), default=0)
    else:
        lengths = s.dropna().astype("str").str.len()
        longest = int(lengths.max()) if len(lengths) else 0
    return float(min(max(len(header), longest, 4) + 2, 60))


def to_excel(
    tables: Mapping[str, pd.DataFrame] | object,
    path: str | os.PathLike[str],
    *,
    provenance: Mapping[str, Any] | None = None,
) -> Path:
    """Write tables to an Excel workbook, one sheet per table (atomically).

    Parameters
    ----------
    tables : mapping of str to DataFrame, or a result
        The tables by name, or a result whose ``tables()`` are written
        (:class:`~govindex.PerformanceResult`: ``scores``, ``changes``, ``node_scores``;
        :class:`~govindex.OperationalResult`: ``summary``, ``points``, ``appeals``,
        ``preliminary_summary``, ``preliminary_points``).
    path : path-like
        The ``.xlsx`` file to write (parent folders are created).
    provenance : mapping, optional
        Written to a ``provenance`` sheet (key, value as JSON); a result's own
        provenance is used by default.

    Returns
    -------
    Path

    Notes
    -----
    Each sheet has its header in bold and frozen, widths from the content, numbers
    as numbers (floats written exactly), missing values as empty cells, empty
    strings as empty cells formatted as text, and a named (or non-default) index
    as the leading columns. Sheet names are table names made valid for Excel
    (at most 31 characters, none of ``[]:*?/\\``). A hidden sheet ``_govindex``
    keeps the table names, dtypes and index columns for
    :func:`~govindex.io.excel_reader.read_excel_tables`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> df = pd.DataFrame({"gpi": [61.5, None], "rank": [1, 2]},
    ...                   index=pd.Index(["R01", "R02"], name="entity"))
    >>> path = to_excel({"scores": df}, pathlib.Path(tempfile.mkdtemp()) / "r.xlsx")
    >>> from govindex.io.excel_reader import read_excel_tables
    >>> back = read_excel_tables(path)["scores"]
    >>> back.equals(df), back.index.name
    (True, 'entity')
    """
    openpyxl = import_openpyxl()
    WriteOnlyCell = import_openpyxl("openpyxl.cell").WriteOnlyCell
    Font = import_openpyxl("openpyxl.styles").Font
    get_column_letter = import_openpyxl("openpyxl.utils").get_column_letter

    named, own_prov = _tables_of(tables)
    prov = dict(provenance) if provenance is not None else own_prov
    if prov:
        named = {**named, "provenance": _provenance_table(prov)}
    if not named:
        raise GovindexError("to_excel: no tables to write")
    sheets = _sheet_names(list(named))
    wb = openpyxl.Workbook(write_only=True)
    meta_rows: list[list[Any]] = []
    bold = Font(bold=True)
    for (name, frame), sheet in zip(named.items(), sheets, strict=True):
        flat, index_cols = _flat(frame, str(name))
        ws = wb.create_sheet(sheet)
        ws.freeze_panes = "A2"
        columns = [
            _column_cells(ws, flat.iloc[:, j], str(name), str(c))
            for j, c in enumerate(flat.columns)
        ]
        for j, col in enumerate(flat.columns):
            ws.column_dimensions[get_column_letter(j + 1)].width = _width(
                str(col), flat.iloc[:, j]
            )
            dtype, cats, ordered = _dtype_text(flat.iloc[:, j])
            role = "index" if col in index_cols else "column"
            meta_rows.append([sheet, str(name), str(col), role, dtype, cats, ordered])
        if frame.columns.name is not None:
            meta_rows.append(
                [sheet, str(name), str(frame.columns.name), "columns_name", "", "", False]
            )
        header = []
        for col in flat.columns:
            cell = WriteOnlyCell(ws, value=str(col))
            cell.data_type = "s"
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for row in zip(*columns, strict=True) if columns else ():
            ws.append(list(row))
        if len(flat.columns):
            ws.auto_filter.ref = f"A1:{get_column_letter(len(flat.columns))}{len(flat) + 1}"
    meta = wb.create_sheet(META_SHEET)
    meta.sheet_state = "hidden"
    meta.append(list(META_HEADER))
    for meta_row in meta_rows:
        meta.append(meta_row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return atomic_write_bytes(path, buffer.getvalue())


def _provenance_table(prov: Mapping[str, Any]) -> pd.DataFrame:
    def flatten(d: Any, prefix: str = "") -> list[tuple[str, str]]:
        if isinstance(d, Mapping) and d:
            return [kv for k, v in d.items() for kv in flatten(v, f"{prefix}{k}.")]
        return [(prefix[:-1], json.dumps(d, sort_keys=True, default=str, ensure_ascii=False))]

    pairs = flatten(dict(prov))
    return pd.DataFrame(
        {"key": [k for k, _ in pairs], "value": [v for _, v in pairs]}, dtype="str"
    )
