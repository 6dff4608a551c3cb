"""Excel (``.xlsx``) import: one sheet as a table, a panel, a catalog or operational inputs.

:func:`read_excel_table` reads one sheet in the tidy layouts of the data contracts
(``kind="panel"``, ``"catalog"``, ``"inputs"`` of the operational assessment); a cell
of the wrong type is an error naming the file, sheet, Excel row and column (letter and
header). :func:`govindex.read_panel` and :func:`govindex.read_catalog` read ``.xlsx``
files through it. :func:`read_excel_tables` gives back the tables written by
:func:`govindex.io.excel.to_excel` with their dtypes and index (the hidden sheet
``_govindex`` records them).

openpyxl is an optional dependency (``pip install "govindex[report]"``), imported
only when an Excel file is read or written.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from govindex._cells import na_hint
from govindex.exceptions import (
    CatalogError,
    GovindexError,
    PanelError,
    ScorecardError,
    format_items,
)

if TYPE_CHECKING:
    from govindex.catalog import Catalog

__all__ = [
    "META_HEADER",
    "META_SHEET",
    "ExcelKind",
    "excel_context",
    "import_openpyxl",
    "read_excel_catalog",
    "read_excel_table",
    "read_excel_tables",
]

#: Layouts understood by :func:`read_excel_table`.
ExcelKind = Literal["table", "panel", "catalog", "inputs"]

#: Hidden sheet of a workbook written by :func:`govindex.io.excel.to_excel`: each
#: column's table, role, dtype and categories.
META_SHEET = "_govindex"
#: Header row of :data:`META_SHEET`.
META_HEADER = ("sheet", "table", "column", "role", "dtype", "categories", "ordered")
_INSTALL = 'pip install "govindex[report]"  (or: pip install openpyxl)'
# numpy dtypes without a missing value
_NO_MISSING = ("bool", *(f"{u}int{b}" for u in ("", "u") for b in (8, 16, 32, 64)))

_ERRORS: dict[str, type[GovindexError]] = {
    "table": GovindexError,
    "panel": PanelError,
    "catalog": CatalogError,
    "inputs": ScorecardError,
}

# contract columns of each layout: text, whole numbers, numbers
_PANEL = {
    "entity": "text",
    "indicator": "text",
    "year": "year",
    "value": "number",
    "sample_size": "number",
}
_INPUTS = {
    "entity": "text",
    "criterion": "text",
    "value": "number",
    "year": "year",
    "evidence": "text",
}


def _catalog_rules() -> dict[str, str]:
    from govindex.catalog import CATALOG_NUMBER_COLUMNS, CATALOG_TEXT_COLUMNS

    return {
        **{c: "text" for c in CATALOG_TEXT_COLUMNS},
        **{c: "catalog_number" for c in CATALOG_NUMBER_COLUMNS},
    }


def import_openpyxl(module: str = "openpyxl") -> Any:
    """``openpyxl`` (or one of its modules), imported lazily; untyped, hence ``Any``."""
    try:
        return importlib.import_module(module)
    except ImportError:  # pragma: no cover - depends on the environment
        raise GovindexError(
            f"reading and writing Excel files needs openpyxl: {_INSTALL}"
        ) from None


class _Sheet:
    """Raw cells of one sheet: header, data rows (Python values) and their Excel row numbers."""

    def __init__(
        self, file: str, sheet: str, header: list[str], rows: list[list[Any]], numbers: list[int]
    ):
        self.file, self.sheet, self.header = file, sheet, header
        self.rows, self.numbers = rows, numbers

    def where(self, row: int | None = None, col: int | None = None) -> str:
        get_column_letter = import_openpyxl("openpyxl.utils").get_column_letter

        text = f"{self.file}, sheet {self.sheet!r}"
        if row is not None:
            text += f", row {row}"
        if col is not None:
            text += f", column {get_column_letter(col + 1)} ({self.header[col]!r})"
        return text

    def column(self, j: int) -> list[Any]:
        return [r[j] if j < len(r) else None for r in self.rows]


class _EmptyText(str):
    """Marker of an empty cell formatted as text (read back as "")."""


_EMPTY_TEXT = _EmptyText("")


def _open(path: Path, error: type[GovindexError], *, data_only: bool = True) -> Any:
    openpyxl = import_openpyxl()
    if not path.is_file():
        raise error(f"file not found: {path}")
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, openpyxl's InvalidFileException
        raise error(f"cannot read Excel file {str(path)!r}: {type(exc).__name__}: {exc}") from None


def _read_sheet(wb: Any, path: Path, sheet: str, error: type[GovindexError]) -> _Sheet:
    ws = wb[sheet]
    rows: list[list[Any]] = []
    numbers: list[int] = []
    header: list[Any] | None = None
    for r, cells in enumerate(ws.iter_rows(), start=1):
        vals = [_value(c) for c in cells]
        if header is None:
            header = vals
            continue
        if all(v is None for v in vals):
            continue  # blank (or only formatted) rows are skipped
        rows.append(vals)
        numbers.append(r)
    raw = header or []
    while raw and raw[-1] is None:
        raw = raw[:-1]
    where = f"{path.name}, sheet {sheet!r}"
    get_column_letter = import_openpyxl("openpyxl.utils").get_column_letter

    blank = [
        get_column_letter(j + 1) for j, h in enumerate(raw) if h is None or str(h).strip() == ""
    ]
    if blank:
        raise error(
            f"{where}, row 1: empty header in column(s) {format_items(blank)}; the first row must "
            "name every column"
        )
    names = [str(h).strip() for h in raw]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise error(f"{where}, row 1: duplicated column name(s) {format_items(dup)}")
    width = len(names)
    extra = [
        (n, j)
        for n, row in zip(numbers, rows, strict=True)
        for j in range(width, len(row))
        if row[j] is not None
    ][:5]
    if extra:
        cells = format_items(f"{get_column_letter(j + 1)}{n}" for n, j in extra)
        raise error(
            f"{where}: cell(s) {cells} hold values in a column without a header; name the "
            "column in row 1 or clear the cells"
        )
    return _Sheet(path.name, sheet, names, [r[:width] for r in rows], numbers)


def _value(cell: Any) -> Any:
    v = cell.value
    if (v is None and getattr(cell, "number_format", None) == "@") or v == "":
        return _EMPTY_TEXT
    return v


def _describe(v: Any) -> str:
    if v is None:
        return "an empty cell"
    if isinstance(v, bool):
        return f"TRUE/FALSE ({v})"
    if isinstance(v, str):
        return f"text {v!r}"
    return f"{type(v).__name__} {v!r}"


def _fail(
    sh: _Sheet,
    j: int,
    bad: list[int],
    values: list[Any],
    expected: str,
    error: type[GovindexError],
    hint: str = "",
) -> None:
    shown = "; ".join(f"row {sh.numbers[k]}: {_describe(values[k])}" for k in bad[:5])
    more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
    raise error(f"{sh.where(col=j)}: expected {expected}; found {shown}{more}{hint}")


def _as_text(values: list[Any]) -> pd.Series:
    def one(v: Any) -> Any:
        if v is None:
            return None
        if isinstance(v, float) and v.is_integer():
            return str(int(v))  # a code typed as a number: 101 → "101"
        return str(v)

    return pd.Series([one(v) for v in values], dtype="str")


def _convert(
    sh: _Sheet, j: int, rule: str, error: type[GovindexError], na: frozenset[str] = frozenset()
) -> pd.Series:
    values = sh.column(j)
    if na and rule == "number":  # words that the caller named as missing (``na_values``)
        values = [None if isinstance(v, str) and v in na else v for v in values]
    if rule == "text":
        bad = [k for k, v in enumerate(values) if isinstance(v, bool)]
        if bad:
            _fail(sh, j, bad, values, "text (a code or a name)", error)
        return _as_text(values)
    if rule == "year":
        bad = [
            k
            for k, v in enumerate(values)
            if isinstance(v, bool)
            or not isinstance(v, int | float)
            or (isinstance(v, float) and not v.is_integer())
        ]
        bad = [k for k in bad if values[k] is not None]
        if bad:
            _fail(sh, j, bad, values, "a whole year such as 2024", error)
        if any(v is None for v in values):
            return pd.Series([np.nan if v is None else float(v) for v in values], dtype="float64")
        return pd.Series([int(v) for v in values], dtype="int64")
    ok_text = {"+", "-"} if rule == "catalog_number" else set()
    bad = [
        k
        for k, v in enumerate(values)
        if v is not None
        and not isinstance(v, _EmptyText)
        and (isinstance(v, bool) or not isinstance(v, int | float))
        and str(v).strip() not in ok_text
    ]
    if bad:
        hint = na_hint(values[k] for k in bad) if rule == "number" else ""
        expected = "a number (leave the cell empty for a missing value)"
        _fail(sh, j, bad, values, expected, error, hint)
    if ok_text:
        return pd.Series(
            [None if v is None or isinstance(v, _EmptyText) else v for v in values], dtype=object
        )
    return pd.Series(
        [np.nan if v is None or isinstance(v, _EmptyText) else float(v) for v in values],
        dtype="float64",
    )


def _infer(values: list[Any]) -> pd.Series:
    """Column dtype of a sheet without govindex metadata (like pandas.read_excel)."""
    present = [v for v in values if v is not None]
    names = ((bool, "bool"), (int | float, "num"), (str, "str"), (object, "other"))
    kinds = {next(name for t, name in names if isinstance(v, t)) for v in present}
    if not present:
        return pd.Series(np.nan, index=range(len(values)), dtype="float64")
    if kinds == {"num"}:
        if len(present) == len(values) and all(isinstance(v, int) for v in present):
            return pd.Series(values, dtype="int64")
        return pd.Series([np.nan if v is None else float(v) for v in values], dtype="float64")
    if kinds == {"str"}:
        return pd.Series([None if v is None else str(v) for v in values], dtype="str")
    if kinds == {"bool"}:
        return pd.Series(values, dtype="bool" if len(present) == len(values) else "boolean")
    if all(hasattr(v, "year") for v in present):
        return pd.Series(pd.to_datetime(values))
    return pd.Series([str(v) if isinstance(v, _EmptyText) else v for v in values], dtype=object)


def _restore(sh: _Sheet, j: int, spec: Mapping[str, Any], error: type[GovindexError]) -> pd.Series:
    """Column with the dtype recorded by :func:`to_excel`; a cell that does not fit is an error."""
    dtype = str(spec["dtype"])
    values = sh.column(j)
    if dtype in ("str", "string"):
        return _as_text(values).astype(
            pd.StringDtype(na_value=np.nan if dtype == "str" else pd.NA)
        )
    if dtype == "category":
        text = _as_text(values)
        cats = json.loads(spec["categories"]) if spec.get("categories") else []
        known = {str(c) for c in cats}
        bad = [k for k, v in enumerate(text.tolist()) if isinstance(v, str) and v not in known]
        if bad:
            _fail(sh, j, bad, values, f"one of the categories {format_items(cats)}", error)
        cat = pd.Categorical(text, categories=pd.Index(cats), ordered=bool(spec.get("ordered")))
        return pd.Series(cat)
    if dtype == "object":
        return pd.Series(
            [str(v) if isinstance(v, _EmptyText) else v for v in values], dtype=object
        )
    if dtype.startswith("datetime64"):
        bad = [k for k, v in enumerate(values) if v is not None and not hasattr(v, "year")]
        if bad:
            _fail(sh, j, bad, values, "a date", error)
        return pd.Series(pd.to_datetime(values)).astype(np.dtype(dtype))
    boolean = dtype in ("bool", "boolean")
    is_int = dtype.lower().startswith(("int", "uint"))
    if boolean:
        bad = [k for k, v in enumerate(values) if v is not None and not isinstance(v, bool)]
        expected = "TRUE or FALSE"
    else:
        bad = [
            k
            for k, v in enumerate(values)
            if v is not None
            and (
                isinstance(v, bool)
                or not isinstance(v, int | float)
                or (is_int and isinstance(v, float) and not v.is_integer())
            )
        ]
        expected = "a whole number" if is_int else "a number"
    if bad:
        _fail(sh, j, bad, values, expected, error)
    missing = [k for k, v in enumerate(values) if v is None]
    if missing and dtype in _NO_MISSING:
        expected = f"a value in every row (a column of {dtype})"
        _fail(sh, j, missing, [None] * len(values), expected, error)
    if is_int or boolean:
        target: Any = dtype
        return pd.Series(pd.array([None if v is None else v for v in values], dtype=target))
    return pd.Series([np.nan if v is None else float(v) for v in values], dtype=dtype)


def _metadata(wb: Any, path: Path, error: type[GovindexError]) -> pd.DataFrame | None:
    if META_SHEET not in wb.sheetnames:
        return None
    sh = _read_sheet(wb, path, META_SHEET, error)
    if sh.header[: len(META_HEADER)] != list(META_HEADER):
        return None
    return pd.DataFrame(
        [r[: len(META_HEADER)] for r in sh.rows], columns=list(META_HEADER), dtype=object
    )


def _choose_sheet(
    wb: Any,
    path: Path,
    sheet: str | None,
    kind: str,
    meta: pd.DataFrame | None,
    error: type[GovindexError],
) -> str:
    visible = [s for s in wb.sheetnames if wb[s].sheet_state == "visible" and s != META_SHEET]
    if sheet is not None:
        if sheet in wb.sheetnames and sheet != META_SHEET:
            return sheet
        if meta is not None:
            hit = meta.loc[meta["table"] == sheet, "sheet"]
            if len(hit):
                return str(hit.iloc[0])
        raise error(f"{path.name}: no sheet {sheet!r}; its sheets are {format_items(visible)}")
    if kind in visible:
        return kind
    if not visible:
        raise error(f"{path.name}: the workbook has no visible sheet")
    return visible[0]


def read_excel_table(
    path: str | os.PathLike[str],
    sheet: str | None = None,
    *,
    kind: ExcelKind = "table",
    na_values: Sequence[str] = (),
) -> pd.DataFrame:
    """Read one sheet of an Excel workbook as a DataFrame.

    Row 1 holds the column names; completely empty rows are skipped.

    Parameters
    ----------
    path : path-like
        The ``.xlsx`` file.
    sheet : str, optional
        Sheet (or table) name. Default: the sheet named like ``kind`` if there is
        one (``panel``, ``catalog``, ``inputs``), else the first visible sheet.
    kind : {"table", "panel", "catalog", "inputs"}, default "table"
        ``"table"`` restores the dtypes and index written by :func:`to_excel` (other
        sheets get dtypes inferred from the cells). The other layouts check the
        cells of the contract columns — codes as text (a code typed as a number,
        101, becomes ``"101"``), years as whole numbers, values as numbers — and
        index the rows by their Excel row number (index name ``row``).
    na_values : sequence of str, default ()
        Text that marks a missing number in the number columns of a layout (e.g.
        ``["n/a"]``); by default only an empty cell is missing.

    Returns
    -------
    DataFrame

    Raises
    ------
    GovindexError
        (:class:`PanelError` for a panel, :class:`CatalogError` for a catalog,
        :class:`ScorecardError` for inputs): unreadable file, unknown sheet, empty or
        duplicated header, or a cell of the wrong type — the message names the
        file, the sheet, the Excel row and the column (letter and header). A
        formula whose result was never saved (a file written by a program that does
        not calculate formulas) is an error naming its cells, not an empty cell.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from govindex.io.excel import to_excel
    >>> panel = pd.DataFrame({"entity": ["A", "A"], "indicator": "x",
    ...                       "year": [2020, 2021], "value": [1.5, "n/a"]})
    >>> path = to_excel({"panel": panel}, pathlib.Path(tempfile.mkdtemp()) / "p.xlsx")
    >>> read_excel_table(path, kind="panel")
    Traceback (most recent call last):
    ...
    govindex.exceptions.PanelError: p.xlsx, sheet 'panel', column D ('value'): ...: text 'n/a'; ...
    """
    if kind not in _ERRORS:
        raise GovindexError(f"unknown kind {kind!r}; expected one of {format_items(_ERRORS)}")
    error = _ERRORS[kind]
    p = Path(path)
    wb = _open(p, error)
    try:
        meta = _metadata(wb, p, error)
        name = _choose_sheet(wb, p, sheet, kind, meta, error)
        return _frame(wb, p, name, kind, meta, error, frozenset(na_values))
    finally:
        wb.close()


def _frame(
    wb: Any,
    p: Path,
    name: str,
    kind: str,
    meta: pd.DataFrame | None,
    error: type[GovindexError],
    na: frozenset[str] = frozenset(),
) -> pd.DataFrame:
    sh = _read_sheet(wb, p, name, error)
    _check_formulas(p, sh, error)
    rules = {
        "panel": _PANEL,
        "inputs": _INPUTS,
        "catalog": _catalog_rules() if kind == "catalog" else {},
    }.get(kind, {})
    specs: dict[str, Mapping[str, Any]] = {}
    axis_name: list[str] = []
    if meta is not None:
        records = meta.loc[meta["sheet"] == name].to_dict("records")
        specs = {
            str(r["column"]): {str(k): v for k, v in r.items()}
            for r in records
            if r["role"] != "columns_name"
        }
        axis_name = [str(r["column"]) for r in records if r["role"] == "columns_name"]
    cols: dict[str, pd.Series] = {}
    for j, col in enumerate(sh.header):
        if col in rules:
            cols[col] = _convert(sh, j, rules[col], error, na)
        elif col in specs:
            cols[col] = _restore(sh, j, specs[col], error)
        else:
            cols[col] = _infer(sh.column(j))
    frame = pd.DataFrame({c: s.reset_index(drop=True) for c, s in cols.items()})
    if not cols:
        frame = pd.DataFrame(index=range(len(sh.rows)))
    if kind != "table":
        frame.index = pd.Index(sh.numbers, name="row")
        frame.attrs["excel_sheet"] = name
        return frame
    index_cols = [c for c, s in specs.items() if s["role"] == "index" and c in frame.columns]
    if index_cols:
        frame = frame.set_index(index_cols)
        if len(index_cols) == 1 and index_cols[0] == "index":
            frame.index.name = None
    if axis_name:
        frame.columns.name = axis_name[0]
    return frame


def _check_formulas(p: Path, sh: _Sheet, error: type[GovindexError]) -> None:
    """Formulas whose result was never saved read as empty cells: name them instead."""
    empty = {(n, j + 1) for n, r in zip(sh.numbers, sh.rows, strict=True) for j, v in enumerate(r)
             if v is None or isinstance(v, _EmptyText)}  # fmt: skip
    if not empty or not _has_formulas(p):
        return
    wb = _open(p, error, data_only=False)
    try:
        found = [c.coordinate for row in wb[sh.sheet].iter_rows() for c in row
                 if c.data_type == "f" and (c.row, c.column) in empty]  # fmt: skip
    finally:
        wb.close()
    if found:
        raise error(
            f"{sh.file}, sheet {sh.sheet!r}: cell(s) {format_items(found, limit=5)} hold a "
            "formula whose result was never saved (the file was written by a program that "
            "does not calculate formulas); open and save it in Excel or LibreOffice, or "
            "replace the formulas by their values"
        )


def _has_formulas(p: Path) -> bool:
    """Whether any sheet of the workbook holds a formula (a quick scan of its XML)."""
    tag = re.compile(rb"<(?:\w+:)?f[\s>/]")
    with zipfile.ZipFile(p) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                with z.open(name) as fh:
                    tail = b""
                    for block in iter(lambda f=fh: f.read(1 << 20), b""):  # type: ignore[misc]
                        if tag.search(tail + block):
                            return True
                        tail = block[-16:]
    return False


def read_excel_tables(path: str | os.PathLike[str]) -> dict[str, pd.DataFrame]:
    """Read every table of a workbook written by :func:`to_excel` (or any workbook).

    Returns
    -------
    dict of str to DataFrame
        Table name → table (dtypes and index restored), in sheet order; sheets of
        other workbooks by sheet name, dtypes inferred from the cells.
    """
    p = Path(path)
    wb = _open(p, GovindexError)
    try:
        meta = _metadata(wb, p, GovindexError)
        names = [s for s in wb.sheetnames if s != META_SHEET]
        titles = {} if meta is None else dict(zip(meta["sheet"], meta["table"], strict=True))
        return {
            str(titles.get(s, s)): _frame(wb, p, s, "table", meta, GovindexError) for s in names
        }
    finally:
        wb.close()


def _with_letters(message: str, header: Sequence[str]) -> str:
    get_column_letter = import_openpyxl("openpyxl.utils").get_column_letter

    for j, col in enumerate(header):
        message = message.replace(
            f"column {col!r}", f"column {get_column_letter(j + 1)} ({col!r})"
        )
    return message


def read_excel_catalog(path: str | os.PathLike[str], *, sheet: str | None = None) -> Catalog:
    """Read and validate a catalog from an Excel sheet (see :func:`read_excel_table`)."""
    from govindex.catalog import Catalog

    frame = read_excel_table(path, sheet, kind="catalog")
    try:
        return Catalog.from_frame(frame)
    except CatalogError as exc:
        raise CatalogError(excel_context(path, frame, sheet, "catalog", str(exc))) from None


def excel_context(
    path: str | os.PathLike[str], frame: pd.DataFrame, sheet: str | None, kind: str, message: str
) -> str:
    name = frame.attrs.get("excel_sheet", sheet or kind)
    text = _with_letters(message, list(frame.columns))
    return f"{Path(path).name}, sheet {name!r} (rows are Excel row numbers): {text}"
