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
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from govindex._codes import code_expression, normalize_codes
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
from govindex.panel import PANEL_COLUMNS, Panel, require_columns
from govindex.prepare.lineage import Extensive, Lineage

__all__ = [
    "read_catalog",
    "read_entities",
    "read_lineage",
    "read_panel",
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
_YEAR_PART = re.compile(r"(?:^|/)year=(-?\d+)(?:/|$)")


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


@dataclass(frozen=True)
class _Filters:
    """Row filters of a panel read: None = keep every value."""

    years: list[int] | None
    indicators: list[str] | None
    entities: list[str] | None
    max_year: int | None

    @classmethod
    def of(
        cls,
        years: Iterable[int] | None,
        indicators: Iterable[str] | None,
        entities: Iterable[str] | None,
        max_year: int | None,
    ) -> _Filters:
        def codes(items: Iterable[str] | None) -> list[str] | None:
            if items is None:
                return None
            listed = [items] if isinstance(items, str) else list(items)
            # compared in the one form of codes, like the panel's codes
            return sorted(set(normalize_codes(listed)[0]))

        try:
            year_list = None if years is None else sorted({int(y) for y in _listed(years)})
            top = None if max_year is None else int(max_year)
        except (TypeError, ValueError):
            raise PanelError(
                f"years must be integers such as 2024; got years={years!r}, max_year={max_year!r}"
            ) from None
        return cls(year_list, codes(indicators), codes(entities), top)

    def mask(self, frame: pd.DataFrame) -> np.ndarray:
        """Rows of a tidy frame that pass the filters. Rows whose key cannot be read (a
        missing code, a year that is not a number) are kept, so that the validation of
        the panel names them instead of a filter dropping them silently."""
        keep = np.ones(len(frame), dtype=bool)
        if self.years is not None or self.max_year is not None:
            year = pd.to_numeric(frame["year"], errors="coerce").to_numpy(
                dtype=np.float64, na_value=np.nan
            )
            unread = np.isnan(year)
            if self.years is not None:
                keep &= np.isin(year, self.years) | unread
            if self.max_year is not None:
                with np.errstate(invalid="ignore"):
                    keep &= (year <= self.max_year) | unread
        for col, wanted in (("indicator", self.indicators), ("entity", self.entities)):
            if wanted is not None:
                s = frame[col]
                if isinstance(s.dtype, pd.CategoricalDtype):  # codes read from a dictionary
                    rows, uniques = s.cat.codes.to_numpy(), s.cat.categories.astype("str")
                else:
                    rows, uniques = pd.factorize(s.astype("str"))
                hit = normalize_codes(uniques)[0].isin(wanted)
                keep &= np.append(hit, False)[rows] | s.isna().to_numpy()
        return keep


def _listed(items: Iterable[Any]) -> list[Any]:
    return [items] if isinstance(items, int | str) else list(items)


def _parquet_rows(
    p: Path, filters: _Filters, require_years: Iterable[int], *, sort: bool, codes: bool = False
) -> pd.DataFrame:
    """Rows of a Parquet file or dataset: columns projected, filters pushed to pyarrow.

    ``codes=True``: text codes come as categoricals, read from the file's dictionaries (no
    string per row; :class:`Panel` takes their integer codes); code filters on distinct codes.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    try:
        partitioning = "hive" if p.is_dir() else None
        dataset = ds.dataset(p, format="parquet", partitioning=partitioning)
        kinds = {f.name: str(f.type) for f in dataset.schema}
        text = [c for c in ("entity", "indicator") if kinds.get(c) in ("string", "large_string")]
        if codes and text:
            options = ds.ParquetReadOptions(dictionary_columns=text)
            form = ds.ParquetFileFormat(read_options=options)
            dataset = ds.dataset(p, format=form, partitioning=partitioning)
        names = dataset.schema.names
        _require_columns(names, p.name)
        if p.is_dir():
            _check_partitions(p, dataset.files, require_years)
        schema = dataset.schema
        conditions = []
        year = pc.field("year")
        year_type = schema.field("year").type
        if filters.years is not None:
            conditions.append(year.isin(pa.array(filters.years, type=year_type)))
        if filters.max_year is not None:
            conditions.append(year <= pa.scalar(filters.max_year, type=year_type))
        later = {}  # code filters that cannot be pushed down (codes stored as numbers)
        for col, wanted in (("indicator", filters.indicators), ("entity", filters.entities)):
            if wanted is None:
                continue
            kind = schema.field(col).type
            value_type = kind.value_type if pa.types.is_dictionary(kind) else kind
            if (pa.types.is_string(value_type) or pa.types.is_large_string(value_type)) and (
                not pa.types.is_dictionary(kind)
            ):
                # codes compared in their one form (NFC, stripped), as the panel will hold them
                conditions.append(code_expression(col, wanted, value_type))
            else:
                later[col] = wanted
        cond = None
        for c in conditions:
            cond = c if cond is None else cond & c
        columns = [c for c in PANEL_COLUMNS if c in names]
        table = dataset.to_table(columns=columns, filter=cond)
    except GovindexError:
        raise
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise PanelError(
            f"cannot read parquet file {str(p)!r}: {type(exc).__name__}: {exc}"
        ) from None
    frame = table.to_pandas()
    for col in ("entity", "indicator"):
        if not (codes and isinstance(frame[col].dtype, pd.CategoricalDtype)):
            frame[col] = frame[col].astype("str")
    if later:
        rest = _Filters(None, later.get("indicator"), later.get("entity"), None)
        frame = frame.loc[rest.mask(frame)]
    if frame["year"].notna().all():
        frame["year"] = frame["year"].astype("int64")
    if not sort:
        return frame.reset_index(drop=True)
    return frame.sort_values(["entity", "indicator", "year"], kind="stable").reset_index(drop=True)


def _check_partitions(p: Path, files: list[str], require_years: Iterable[int]) -> None:
    """For a dataset partitioned by year: every required ``year=…`` partition must exist."""
    present = {int(m.group(1)) for f in files if (m := _YEAR_PART.search(f.replace(os.sep, "/")))}
    if not present:
        return
    absent = sorted({int(y) for y in require_years} - present)
    if absent:
        raise PanelError(
            f"{p}: missing partition(s) {format_items(f'year={y}' for y in absent)}; "
            f"present: year={min(present)}…{max(present)} ({len(present)} partitions)"
        )


def _require_columns(columns: Iterable[object], where: str) -> None:
    try:
        require_columns(columns)
    except PanelError as exc:
        raise PanelError(f"{where}: {exc}") from None


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


def _csv_rows(p: Path, filters: _Filters, na_values: list[str]) -> pd.DataFrame:
    header = _csv_header(p, PanelError)
    _require_columns(header, p.name)
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
    p: Path, filters: _Filters, sheet: str | None, na_values: list[str]
) -> pd.DataFrame:
    from govindex.io.excel_reader import read_excel_table

    frame = read_excel_table(p, sheet, kind="panel", na_values=na_values)
    name = frame.attrs.get("excel_sheet", sheet or "panel")
    _require_columns(frame.columns, f"{p.name}, sheet {name!r}")
    kept = frame.loc[filters.mask(frame)]
    kept.attrs = dict(frame.attrs)  # the sheet read, for the errors of the validation
    return kept


def _rows(
    path: str | os.PathLike[str],
    filters: _Filters,
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
        rows = _parquet_rows(p, filters, require_years, sort=sort, codes=not sort)
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
    filters = _Filters.of(years, indicators, entities, max_year)
    return _rows(path, filters, require_years, sheet, na_values, sort=True)[0]


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
    filters = _Filters.of(years, indicators, entities, max_year)
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
