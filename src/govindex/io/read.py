"""Reading panels and catalogs from CSV, Parquet, Excel (``.xlsx``) and TOML files.

:func:`read_panel` is the one panel reader: CSV, Parquet files, partitioned (hive)
Parquet datasets and Excel, with the same filters (years, indicators, entities) and
the same errors for every format. Parquet filters are pushed down to pyarrow: only the
panel's columns are read, and the rows (and ``year=…`` partitions) that the filters
exclude never reach pandas. :func:`read_panel_rows` returns the filtered rows before
validation (for data-quality checks, which report duplicated keys instead of stopping).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from govindex._codes import normalize_codes
from govindex._toml import load_toml
from govindex.catalog import Catalog, catalog_from_records, require_catalog
from govindex.entities import Entities
from govindex.exceptions import (
    CatalogError,
    EntityError,
    GovindexError,
    MethodError,
    PanelError,
    format_items,
)
from govindex.io._panel_sources import (
    Filters,
    parquet_rows,
    require_panel_columns,
    scan_entities,
)
from govindex.panel import PANEL_COLUMNS, Panel
from govindex.prepare.lineage import Extensive, Lineage

__all__ = [
    "PanelEntities",
    "read_catalog",
    "read_entities",
    "read_lineage",
    "read_panel",
    "read_panel_entities",
    "read_panel_rows",
    "read_table",
    "read_toml",
]

_READERS = {
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xlsx": "excel",
    ".toml": "toml",
}


def _kind(path: Path, allowed: tuple[str, ...], error: type[GovindexError]) -> str:
    if not path.exists():
        raise error(f"file not found: {path}")
    kind = "parquet" if path.is_dir() else _READERS.get(path.suffix.lower(), "")
    if kind not in allowed:
        raise error(
            f"cannot read {path.name!r}: unsupported file type {path.suffix!r}; "
            f"expected {', '.join(s for s, k in _READERS.items() if k in allowed)}"
        )
    return kind


def read_table(
    path: str | os.PathLike[str],
    *,
    error: type[GovindexError] = GovindexError,
    text: Iterable[str] = (),
) -> pd.DataFrame:
    """Read a CSV, Parquet or Excel table (a folder is read as a Parquet dataset).

    Malformed files raise ``error`` naming the file (for Excel: the sheet, row and
    column of a bad cell; see :func:`govindex.io.excel_reader.read_excel_table`).
    Panels are read by :func:`read_panel`. In a CSV file the columns ``entity``,
    ``indicator``, ``code``, ``parent`` and those named in ``text`` are read as text
    (codes such as ``01`` keep their zeros).
    """
    p = Path(path)
    kind = _kind(p, ("csv", "parquet", "excel"), error)
    if kind == "excel":
        from govindex.io.excel_reader import read_excel_table

        try:
            return read_excel_table(p)
        except GovindexError as exc:
            raise error(str(exc)) from None
    try:
        if kind == "csv":
            _csv_header(p, error)
            # only an empty cell is missing: "NA" (Namibia) is a code, "n/a" is not a number
            codes = ("entity", "indicator", "code", "parent", *text)
            return pd.read_csv(
                p, dtype=dict.fromkeys(codes, "str"), keep_default_na=False, na_values=[""]
            )
        return pd.read_parquet(p)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise error(f"cannot read {kind} file {str(p)!r}: {exc}") from None
    except Exception as exc:  # pyarrow raises its own exception types for corrupt files
        raise error(f"cannot read {kind} file {str(p)!r}: {type(exc).__name__}: {exc}") from None


# --------------------------------------------------------------------------- panels


def _csv_header(p: Path, error: type[GovindexError]) -> list[str]:
    """The column names of a CSV file as written (pandas would rename a repeated name)."""
    try:
        with p.open(encoding="utf-8-sig", newline="") as fh:
            names = next(csv.reader(fh), [])
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise error(f"cannot read csv file {str(p)!r}: {exc}") from None
    twice = sorted({n for n in names if n and names.count(n) > 1})
    if twice:
        raise error(
            f"{p.name}: the header names {format_items(twice)} more than once; keep one "
            "column of each name"
        )
    return names


def _na_words(na_values: Iterable[str] | str | None) -> list[str]:
    """The words that mark a missing value (besides an empty cell), checked."""
    if na_values is None:
        return []
    words = [na_values] if isinstance(na_values, str) else list(na_values)
    bad = [w for w in words if not isinstance(w, str)]
    if bad:
        raise PanelError(
            f"na_values must be words (strings) such as ['n/a', 'NA']; got {format_items(bad)}"
        )
    return words


def _csv_rows(p: Path, filters: Filters, na_values: list[str]) -> pd.DataFrame:
    header = _csv_header(p, PanelError)
    require_panel_columns(header, p.name)
    usecols = [c for c in PANEL_COLUMNS if c in header]
    # Only an empty cell is missing (pandas' defaults would also turn "NA", "null", "n/a"…
    # into NaN silently); the numbers may name other words explicitly (``na_values``).
    missing = {c: ["", *na_values] if c in ("value", "sample_size") else [""] for c in usecols}
    try:
        frame = pd.read_csv(
            p,
            dtype={"entity": "str", "indicator": "str"},
            usecols=usecols,
            keep_default_na=False,
            na_values=missing,
        )
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise PanelError(f"cannot read csv file {str(p)!r}: {exc}") from None
    return frame.loc[filters.mask(frame)]


def _excel_rows(
    p: Path, filters: Filters, sheet: str | None, na_values: list[str]
) -> pd.DataFrame:
    from govindex.io.excel_reader import read_excel_table

    frame = read_excel_table(p, sheet, kind="panel", na_values=na_values)
    name = frame.attrs.get("excel_sheet", sheet or "panel")
    require_panel_columns(frame.columns, f"{p.name}, sheet {name!r}")
    kept = frame.loc[filters.mask(frame)]
    kept.attrs = dict(frame.attrs)  # the sheet read, for the errors of the validation
    return kept


def _rows(
    path: str | os.PathLike[str],
    filters: Filters,
    require_years: Iterable[int],
    sheet: str | None,
    na_values: Iterable[str] | str | None,
    *,
    sort: bool,
) -> tuple[pd.DataFrame, str]:
    p = Path(path)
    words = _na_words(na_values)
    kind = _kind(p, ("csv", "parquet", "excel"), PanelError)
    if kind == "parquet":
        # unsorted rows are read for a Panel: codes as categoricals (Panel takes their codes)
        rows = parquet_rows(p, filters, require_years, sort=sort, codes=not sort)
        return _missing_words(rows, words), kind
    if kind == "csv":
        return _csv_rows(p, filters, words), kind
    return _excel_rows(p, filters, sheet, words), kind


def _missing_words(frame: pd.DataFrame, words: list[str]) -> pd.DataFrame:
    """Text numbers of a Parquet panel that are one of ``words`` (``na_values``) → NaN."""
    for col in ("value", "sample_size"):
        if words and col in frame.columns and not pd.api.types.is_numeric_dtype(frame[col]):
            s = frame[col]
            frame[col] = s.where(~s.astype("str").isin(words), None)
    return frame


def read_panel_rows(
    path: str | os.PathLike[str],
    *,
    years: Iterable[int] | None = None,
    indicators: Iterable[str] | None = None,
    entities: Iterable[str] | None = None,
    max_year: int | None = None,
    require_years: Iterable[int] = (),
    sheet: str | None = None,
    na_values: Iterable[str] | str | None = None,
) -> pd.DataFrame:
    """The rows of a panel file that pass the filters, before validation.

    Takes the arguments of :func:`read_panel` (without ``catalog``) and reads the
    same rows, but returns them as a DataFrame without building a
    :class:`~govindex.Panel`: duplicated keys or bad values are left for the caller to
    report. Rows of a Parquet file or dataset are sorted by entity, indicator and
    year; CSV and Excel rows keep their order and their row labels.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> tmp = pathlib.Path(tempfile.mkdtemp()) / "p.csv"
    >>> _ = tmp.write_text("entity,indicator,year,value\\nA,x,2020,1\\nA,x,2020,2\\n")
    >>> read_panel_rows(tmp)  # a duplicated key: read_panel would raise
      entity indicator  year  value
    0      A         x  2020      1
    1      A         x  2020      2
    """
    filters = Filters.of(years, indicators, entities, max_year)
    return _rows(path, filters, require_years, sheet, na_values, sort=True)[0]


class PanelEntities(NamedTuple):
    """What :func:`read_panel_entities` finds: the sorted entity ``codes``, the first and
    last of the ``years`` (None without rows), and whether every code is stored
    ``normalised``: in its one form (NFC, no surrounding spaces)."""

    codes: list[str]
    years: tuple[int, int] | None
    normalised: bool


def read_panel_entities(
    path: str | os.PathLike[str],
    *,
    years: Iterable[int] | None = None,
    indicators: Iterable[str] | None = None,
    entities: Iterable[str] | None = None,
    max_year: int | None = None,
    require_years: Iterable[int] = (),
    sheet: str | None = None,
) -> PanelEntities:
    """The entity codes of the rows :func:`read_panel` would read with these filters,
    sorted as a :class:`~govindex.Panel` sorts them (in the one form of codes), the
    first and last year of those rows (None without rows), and whether the file stores
    every code in its one form (then ``entity_range`` reads a range of them exactly).

    A Parquet file or dataset is streamed (the ``entity``, ``indicator`` and ``year``
    columns, one batch at a time): the panel is never held. A CSV or Excel file is read
    whole. A distributed run plans its chunks of entities from this list (:doc:`/scaling`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> tmp = pathlib.Path(tempfile.mkdtemp()) / "p.csv"
    >>> _ = tmp.write_text("entity,indicator,year,value\\nB,x,2020,1\\nA,x,2020,2\\nC,x,2019,3\\n")
    >>> read_panel_entities(tmp)
    PanelEntities(codes=['A', 'B', 'C'], years=(2019, 2020), normalised=True)
    >>> read_panel_entities(tmp, years=[2020]).codes
    ['A', 'B']
    """
    filters = Filters.of(years, indicators, entities, max_year)
    p = Path(path)
    if _kind(p, ("csv", "parquet", "excel"), PanelError) == "parquet":
        return PanelEntities(*scan_entities(p, filters, require_years))
    frame = _rows(p, filters, require_years, sheet, None, sort=False)[0]
    rows = frame["entity"]
    if rows.isna().any():
        raise PanelError(
            f"{p.name}: {int(rows.isna().sum())} row(s) have no entity code; every row needs one"
        )
    years = pd.to_numeric(frame["year"], errors="coerce").dropna()
    span = None if years.empty else (int(years.min()), int(years.max()))
    normal, changed = normalize_codes(pd.unique(rows.astype("str")))
    return PanelEntities(sorted(set(normal)), span, not bool(np.asarray(changed).any()))


def read_panel(
    path: str | os.PathLike[str],
    *,
    years: Iterable[int] | None = None,
    indicators: Iterable[str] | None = None,
    entities: Iterable[str] | None = None,
    max_year: int | None = None,
    require_years: Iterable[int] = (),
    catalog: Catalog | None = None,
    sheet: str | None = None,
    na_values: Iterable[str] | str | None = None,
    entity_range: tuple[str, str] | None = None,
) -> Panel:
    """Read a tidy panel from CSV, Parquet (a file or a partitioned dataset) or Excel.

    The one panel reader: every format gives the same :class:`~govindex.Panel` for
    the same rows, and every failure is a :class:`~govindex.exceptions.PanelError`
    naming the file (a missing file, an unreadable or corrupted one, missing
    columns or partitions, or a row that fails the panel's validation).

    Parameters
    ----------
    path : path-like
        ``.csv``, ``.parquet`` (``.pq``) or ``.xlsx`` file, or a folder holding a
        Parquet dataset, partitioned by ``year=…`` folders (hive) or not.
    years : iterable of int, optional
        Keep only these years.
    indicators, entities : iterable of str, optional
        Keep only these indicators, these entities. Codes absent from the file are
        not an error (use :meth:`Panel.select <govindex.Panel.select>` for a strict
        selection).
    max_year : int, optional
        Keep only the years up to this one.
    require_years : iterable of int
        For a dataset partitioned by year, these ``year=…`` partitions must exist
        (a run needs every year of its windows).
    catalog : Catalog, optional
        Check that every indicator is an indicator (leaf) of this catalog.
    sheet : str, optional
        Excel only: the sheet to read (default: the sheet ``panel``, else the first);
        errors name the sheet, row and column.
    na_values : str or iterable of str, optional
        Words that mark a missing value in the ``value`` and ``sample_size``
        columns, for files that write one (R writes ``NA``; some exports ``n/a`` or
        ``-``). By default only an empty cell is missing, and any other text is a
        :class:`~govindex.exceptions.PanelError` that names its rows: a CSV reader
        that turns ``n/a`` into NaN silently would hide a typo as a gap.
    entity_range : (str, str), optional
        Keep only the entities whose code lies between these two (inclusive), compared
        as the file stores them. On a Parquet file or dataset the range is pushed down
        and lets pyarrow skip the row groups outside it (a dataset sorted by entity
        reads only the part it needs): a run split into chunks of entities reads each
        chunk so (:doc:`/scaling`). Meant for codes already in their one form (Unicode
        NFC, no surrounding spaces): a code stored otherwise is compared as stored.

    Returns
    -------
    Panel

    Notes
    -----
    Parquet files and datasets are read with pyarrow: only the panel columns
    (``entity``, ``indicator``, ``year``, ``value``, ``sample_size``) are read and
    the filters are pushed down, so the row groups and ``year=…`` partitions they
    exclude are never opened. CSV and Excel files are read whole and filtered in
    pandas. Rows whose key cannot be read (a missing code, a year that is not a
    number) are never filtered out: the validation names them.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> tmp = pathlib.Path(tempfile.mkdtemp()) / "p.csv"
    >>> _ = tmp.write_text("entity,indicator,year,value\\nA,x,2020,1.5\\nA,x,2021,2\\n")
    >>> read_panel(tmp)
    <Panel: 2 observations, 1 entities × 1 indicators × 2 years (2020–2021)>
    >>> read_panel(tmp, years=[2021])
    <Panel: 1 observations, 1 entities × 1 indicators × 1 years (2021–2021)>
    >>> read_panel(tmp.with_name("absent.parquet"))
    Traceback (most recent call last):
    ...
    govindex.exceptions.PanelError: file not found: ...absent.parquet

    Only an empty cell is a missing value; a word is named, with the fix:

    >>> _ = tmp.write_text("entity,indicator,year,value\\nA,x,2020,1.5\\nA,x,2021,n/a\\n")
    >>> read_panel(tmp)
    Traceback (most recent call last):
    ...
    govindex.exceptions.PanelError: p.csv: column 'value' ... na_values=['n/a'] ...
    >>> read_panel(tmp, na_values=["n/a"]).values.ravel()
    array([1.5, nan])
    """
    if catalog is not None:
        require_catalog(catalog)
    filters = Filters.of(years, indicators, entities, max_year, entity_range)
    frame, kind = _rows(path, filters, require_years, sheet, na_values, sort=False)
    try:
        return Panel.from_frame(frame, catalog=catalog)
    except PanelError as exc:
        if kind == "excel":
            from govindex.io.excel_reader import excel_context

            raise PanelError(excel_context(path, frame, sheet, "panel", str(exc))) from None
        raise PanelError(f"{Path(path).name}: {exc}") from None


# --------------------------------------------------------------------------- catalogs


def read_toml(
    path: str | os.PathLike[str], error: type[GovindexError], what: str = "TOML file"
) -> dict[str, Any]:
    """Parse a TOML file; any failure (syntax, encoding, absurd nesting) is ``error``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> tmp = pathlib.Path(tempfile.mkdtemp()) / "deep.toml"
    >>> _ = tmp.write_text("a = " + "[" * 5000 + "]" * 5000)
    >>> read_toml(tmp, CatalogError)
    Traceback (most recent call last):
    ...
    govindex.exceptions.CatalogError: cannot parse TOML file ...deep.toml...: nested too deeply ...
    """
    return load_toml(path, error, what)


def read_catalog(path: str | os.PathLike[str]) -> Catalog:
    """Read and validate a catalog from CSV, Parquet, Excel (``.xlsx``) or TOML.

    A TOML catalog holds an array of tables ``[[node]]`` with the catalog columns
    as keys; an Excel catalog is the sheet ``catalog`` (else the first sheet).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> tmp = pathlib.Path(tempfile.mkdtemp()) / "c.toml"
    >>> _ = tmp.write_text('''
    ... [[node]]
    ... code = "GPI"
    ... [[node]]
    ... code = "gdp"
    ... parent = "GPI"
    ... direction = 1
    ... ''')
    >>> read_catalog(tmp)
    <Catalog: 2 nodes, 1 indicators, 1 root(s): 'GPI'>
    """
    p = Path(path)
    kind = _kind(p, ("csv", "parquet", "excel", "toml"), CatalogError)
    if kind == "excel":
        from govindex.io.excel_reader import read_excel_catalog

        return read_excel_catalog(p)
    if kind == "toml":
        data = read_toml(p, CatalogError, "TOML catalog")
        nodes = data.get("node", data.get("nodes"))
        if not isinstance(nodes, list):
            raise CatalogError(
                f"{p.name}: expected an array of tables [[node]]; found keys {sorted(data)}"
            )
        records = [{"parent": "", **n} for n in nodes]
        try:
            return catalog_from_records(records)
        except CatalogError as exc:
            raise CatalogError(f"{p.name}: {exc}") from None
    frame = read_table(p, error=CatalogError)
    try:
        return Catalog.from_frame(frame)
    except CatalogError as exc:
        raise CatalogError(f"{p.name}: {exc}") from None


def read_entities(path: str | os.PathLike[str]) -> Entities:
    """Read and validate an entities table from CSV, Parquet or Excel (``.xlsx``).

    One row per entity code: ``code``, ``kind`` and optionally ``name_en``, ``name_ru``,
    ``name_kk`` (any ``name_<language>``), ``group``, ``valid_from``, ``valid_to``,
    ``note`` (:class:`govindex.entities.Entities`, ``docs/data-formats.md``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> tmp = pathlib.Path(tempfile.mkdtemp()) / "entities.csv"
    >>> _ = tmp.write_text("code,kind,name_en,name_kk\\nKZ,total,Kazakhstan,Қазақстан\\n"
    ...                    "KZ-10,region,Abai Region,Абай облысы\\n", encoding="utf-8")
    >>> read_entities(tmp).name("KZ-10", "kk")
    'Абай облысы'
    """
    p = Path(path)
    frame = read_table(p, error=EntityError, text=("group", "note", "kind"))
    try:
        return Entities.from_frame(frame)
    except EntityError as exc:
        raise EntityError(f"{p.name}: {exc}") from None


def read_lineage(path: str | os.PathLike[str], *, extensive: Extensive = "none") -> Lineage:
    """Read and validate a lineage table from CSV, Parquet or Excel (``.xlsx``).

    One row per (reorganisation year, old code, new code[, indicator]): ``year``,
    ``from``, ``to`` (or ``old``, ``new``), ``share`` and optionally ``indicator``
    (an indicator's own share), ``method`` (``extensive`` or ``intensive``) and
    ``note`` (:class:`govindex.prepare.lineage.Lineage`, ``docs/lineage.md``). The file
    says everything: ``extensive`` only sets the rule of the indicators that its
    ``method`` column leaves open.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> tmp = pathlib.Path(tempfile.mkdtemp()) / "lineage.csv"
    >>> _ = tmp.write_text("year,from,to,share,indicator,method\\n"
    ...                    "2018,KZ-61,KZ-79,0.394,,intensive\\n"
    ...                    "2018,KZ-61,KZ-79,0.394,HOSPITALS,extensive\\n")
    >>> read_lineage(tmp).rules(["HOSPITALS", "LIFE_EXP"]).to_dict()
    {'HOSPITALS': 'extensive', 'LIFE_EXP': 'intensive'}
    """
    p = Path(path)
    frame = read_table(p, error=MethodError, text=("from", "to", "old", "new", "method", "note"))
    try:
        return Lineage.from_frame(frame, extensive=extensive)
    except MethodError as exc:
        raise MethodError(f"{p.name}: {exc}") from None
