"""Panel files as row sources: the filters of a read, and Parquet reads with pushdown.

:class:`Filters` are the row filters of :func:`govindex.read_panel` (years, indicators,
entities); :func:`parquet_rows` reads the rows of a Parquet file or dataset that pass them
(columns projected, filters pushed down to pyarrow); :func:`scan_entities` lists the
entity codes of those rows without holding the rows (a distributed run plans its chunks of
entities from it, :doc:`/scaling`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from govindex._codes import code_expression, normalize_codes
from govindex.exceptions import GovindexError, PanelError, format_items
from govindex.panel import PANEL_COLUMNS, require_columns

__all__ = ["Filters", "parquet_rows", "require_panel_columns", "scan_entities"]

_YEAR_PART = re.compile(r"(?:^|/)year=(-?\d+)(?:/|$)")


@dataclass(frozen=True)
class Filters:
    """Row filters of a panel read: None = keep every value."""

    years: list[int] | None
    indicators: list[str] | None
    entities: list[str] | None
    max_year: int | None
    entity_range: tuple[str, str] | None = None

    @classmethod
    def of(
        cls,
        years: Iterable[int] | None,
        indicators: Iterable[str] | None,
        entities: Iterable[str] | None,
        max_year: int | None,
        entity_range: tuple[str, str] | None = None,
    ) -> Filters:
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
        if entity_range is not None and not (
            isinstance(entity_range, tuple | list)
            and len(entity_range) == 2
            and all(isinstance(c, str) for c in entity_range)
        ):
            raise PanelError(f"entity_range must be (first, last) codes; got {entity_range!r}")
        span = None if entity_range is None else (entity_range[0], entity_range[1])
        return cls(year_list, codes(indicators), codes(entities), top, span)

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
        if self.entity_range is not None:
            codes = frame["entity"].astype("str")
            lo, hi = self.entity_range
            keep &= ((codes >= lo) & (codes <= hi)).to_numpy() | frame["entity"].isna().to_numpy()
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


def _dataset(
    p: Path, filters: Filters, require_years: Iterable[int], *, codes: bool
) -> tuple[Any, Any, dict[str, list[str]]]:
    """The pyarrow dataset of a Parquet file or folder, the filter expression pushed down
    to it, and the code filters that could not be pushed down (codes stored as numbers)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    partitioning = "hive" if p.is_dir() else None
    dataset = ds.dataset(p, format="parquet", partitioning=partitioning)
    kinds = {f.name: str(f.type) for f in dataset.schema}
    text = [c for c in ("entity", "indicator") if kinds.get(c) in ("string", "large_string")]
    if filters.entities is not None or filters.entity_range is not None:
        # entities read as text, so that their filter is pushed down (and a range pruned
        # by the row groups' statistics) instead of applied to every row read
        text = [c for c in text if c != "entity"]
    if codes and text:
        options = ds.ParquetReadOptions(dictionary_columns=text)
        form = ds.ParquetFileFormat(read_options=options)
        dataset = ds.dataset(p, format=form, partitioning=partitioning)
    names = dataset.schema.names
    require_panel_columns(names, p.name)
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
    if filters.entity_range is not None:
        lo, hi = filters.entity_range
        kind = schema.field("entity").type
        if pa.types.is_string(kind) or pa.types.is_large_string(kind):
            # compared as stored (a range the row groups' statistics can prune): for codes
            # already in their one form, as a distributed run's chunks are
            entity = pc.field("entity")
            conditions.append(((entity >= lo) & (entity <= hi)) | entity.is_null())
        else:
            later["entity_range"] = [lo, hi]
    cond = None
    for c in conditions:
        cond = c if cond is None else cond & c
    return dataset, cond, later


def _arrow_failure(p: Path, exc: Exception) -> PanelError:
    return PanelError(f"cannot read parquet file {str(p)!r}: {type(exc).__name__}: {exc}")


def parquet_rows(
    p: Path, filters: Filters, require_years: Iterable[int], *, sort: bool, codes: bool = False
) -> pd.DataFrame:
    """Rows of a Parquet file or dataset: columns projected, filters pushed to pyarrow.

    ``codes=True``: text codes come as categoricals, read from the file's dictionaries (no
    string per row; :class:`Panel` takes their integer codes); code filters on distinct codes.
    """
    import pyarrow as pa

    try:
        dataset, cond, later = _dataset(p, filters, require_years, codes=codes)
        columns = [c for c in PANEL_COLUMNS if c in dataset.schema.names]
        table = dataset.to_table(columns=columns, filter=cond)
    except GovindexError:
        raise
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise _arrow_failure(p, exc) from None
    frame = table.to_pandas()
    for col in ("entity", "indicator"):
        if not (codes and isinstance(frame[col].dtype, pd.CategoricalDtype)):
            frame[col] = frame[col].astype("str")
    if later:
        span = later.get("entity_range")
        rest = Filters(
            None, later.get("indicator"), later.get("entity"), None,
            None if span is None else (span[0], span[1]),
        )  # fmt: skip
        frame = frame.loc[rest.mask(frame)]
    if frame["year"].notna().all():
        frame["year"] = frame["year"].astype("int64")
    if not sort:
        return frame.reset_index(drop=True)
    return frame.sort_values(["entity", "indicator", "year"], kind="stable").reset_index(drop=True)


def scan_entities(
    p: Path, filters: Filters, require_years: Iterable[int] = ()
) -> tuple[list[str], tuple[int, int] | None, bool]:
    """The entity codes of the rows of a Parquet file or dataset that pass ``filters``
    (sorted, in the one form of codes), the first and last year of those rows, and
    whether every code is stored in its one form.

    The rows are streamed batch by batch, reading the ``entity``, ``indicator`` and
    ``year`` columns only: what is held at once is one batch and the distinct codes, never
    the panel. A row without an entity code is a :class:`PanelError` (a chunk read by
    entity would leave it out silently, where reading the whole panel names it).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    found: set[str] = set()
    n_missing = 0
    first: int | None = None
    last: int | None = None
    try:
        dataset, cond, later = _dataset(p, filters, require_years, codes=False)
        scanner = dataset.scanner(columns=["entity", "indicator", "year"], filter=cond)
        for batch in scanner.to_batches():
            if later:  # codes stored as numbers: filtered here, as parquet_rows does
                frame = batch.to_pandas()
                frame = frame.loc[Filters(None, later.get("indicator"), None, None).mask(frame)]
                entity = pa.array(frame["entity"].astype("str").where(frame["entity"].notna()))
                year = pa.array(frame["year"])
            else:
                entity, year = batch.column("entity"), batch.column("year")
            n_missing += entity.null_count
            span = pc.min_max(year)
            if span["min"].is_valid:
                lo, hi = int(span["min"].as_py()), int(span["max"].as_py())
                first = lo if first is None else min(first, lo)
                last = hi if last is None else max(last, hi)
            distinct = pc.unique(entity.cast(pa.string())).drop_null()
            found.update(distinct.to_pylist())
    except GovindexError:
        raise
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise _arrow_failure(p, exc) from None
    if n_missing:
        raise PanelError(f"{p.name}: {n_missing} row(s) have no entity code; every row needs one")
    normal, changed = normalize_codes(sorted(found))
    codes = sorted(set(normal))
    if filters.entities is not None:
        wanted = set(filters.entities)
        codes = [c for c in codes if c in wanted]
    span = None if first is None or last is None else (first, last)
    return codes, span, not bool(np.asarray(changed).any())


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


def require_panel_columns(columns: Iterable[object], where: str) -> None:
    try:
        require_columns(columns)
    except PanelError as exc:
        raise PanelError(f"{where}: {exc}") from None
