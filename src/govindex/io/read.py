"""Reading panels and catalogs from CSV, Parquet, Excel (``.xlsx``) and TOML files."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pandas as pd

from govindex.catalog import Catalog, catalog_from_records
from govindex.exceptions import CatalogError, GovindexError, PanelError
from govindex.panel import Panel

__all__ = ["read_catalog", "read_panel", "read_table"]

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
    path: str | os.PathLike[str], *, error: type[GovindexError] = GovindexError
) -> pd.DataFrame:
    """Read a CSV, Parquet or Excel table (a folder is read as a Parquet dataset).

    Malformed files raise ``error`` naming the file (for Excel: the sheet, row and
    column of a bad cell; see :func:`govindex.io.excel.read_excel_table`).
    """
    p = Path(path)
    kind = _kind(p, ("csv", "parquet", "excel"), error)
    if kind == "excel":
        from govindex.io.excel import read_excel_table

        try:
            return read_excel_table(p)
        except GovindexError as exc:
            raise error(str(exc)) from None
    try:
        if kind == "csv":
            return pd.read_csv(
                p, dtype={"entity": "str", "indicator": "str", "code": "str", "parent": "str"}
            )
        return pd.read_parquet(p)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise error(f"cannot read {kind} file {str(p)!r}: {exc}") from None
    except Exception as exc:  # pyarrow raises its own exception types for corrupt files
        raise error(f"cannot read {kind} file {str(p)!r}: {type(exc).__name__}: {exc}") from None


def read_panel(path: str | os.PathLike[str], *, catalog: Catalog | None = None) -> Panel:
    """Read a tidy panel from CSV, Parquet or Excel and validate it.

    Parameters
    ----------
    path : path-like
        ``.csv``, ``.parquet``, ``.xlsx`` file (the sheet ``panel``, else the first;
        errors name the sheet, row and column) or a folder holding a Parquet dataset.
    catalog : Catalog, optional
        Check that every indicator is an indicator of this catalog.

    Returns
    -------
    Panel

    Examples
    --------
    >>> import tempfile, pathlib
    >>> tmp = pathlib.Path(tempfile.mkdtemp()) / "p.csv"
    >>> _ = tmp.write_text("entity,indicator,year,value\\nA,x,2020,1.5\\n")
    >>> read_panel(tmp)
    <Panel: 1 observations, 1 entities × 1 indicators × 1 years (2020–2020)>
    """
    if _kind(Path(path), ("csv", "parquet", "excel"), PanelError) == "excel":
        from govindex.io.excel import read_excel_panel

        return read_excel_panel(path, catalog=catalog)
    frame = read_table(path, error=PanelError)
    try:
        return Panel.from_frame(frame, catalog=catalog)
    except PanelError as exc:
        raise PanelError(f"{Path(path).name}: {exc}") from None


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
        from govindex.io.excel import read_excel_catalog

        return read_excel_catalog(p)
    if kind == "toml":
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise CatalogError(f"cannot parse TOML catalog {str(p)!r}: {exc}") from None
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
