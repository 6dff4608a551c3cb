"""The :class:`Panel`: validated tidy observations with a dense array view.

A panel holds one row per (entity, indicator, year) observation, as fixed in the
data contract (``DESIGN.md`` §2), and builds once a dense float array of shape
``(n_entities, n_indicators, n_years)`` on which every numerical kernel works.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa

from govindex._arrays import is_int
from govindex._cells import na_hint, non_number_cells, non_number_dtype
from govindex._codes import normalize_codes, warn_changed
from govindex._rows_digest import ROWS_SCHEME, RowsDigest, rows_digest
from govindex._typing import BoolArray, FloatArray, IntArray
from govindex.exceptions import PanelError, format_items

if TYPE_CHECKING:
    from govindex.catalog import Catalog

__all__ = [
    "MAX_YEAR_SPAN",
    "PANEL_COLUMNS",
    "ROWS_SCHEME",
    "Panel",
    "RowsDigest",
    "require_columns",
    "require_panel",
    "rows_digest",
    "take_str",
]

#: Columns of the panel data contract, in order (``sample_size`` is optional).
PANEL_COLUMNS: tuple[str, ...] = ("entity", "indicator", "year", "value", "sample_size")
_REQUIRED = ("entity", "indicator", "year", "value")
#: The widest span of years a panel may cover (first to last year); wider is a typo.
MAX_YEAR_SPAN = 500
_MAX_ABS_YEAR = 1e9  # beyond this a year cannot be cast to int64 safely (and is a typo)


def _rows(frame: pd.DataFrame, mask: np.ndarray | pd.Series, limit: int = 5) -> str:
    """Describe the offending rows of ``frame`` (index label and key columns)."""
    sub = frame.loc[np.asarray(mask, dtype=bool)]
    parts = []
    for label, row in zip(sub.index[:limit], sub.itertuples(index=False), strict=False):
        values = ", ".join(f"{c}={getattr(row, c)!r}" for c in sub.columns if c in PANEL_COLUMNS)
        parts.append(f"row {label!r} ({values})")
    more = f" and {len(sub) - limit} more" if len(sub) > limit else ""
    return "; ".join(parts) + more


def _as_code(frame: pd.DataFrame, col: str) -> tuple[IntArray, pd.Index]:
    """Codes of ``col`` as text: each row's position among the sorted distinct codes, and those.

    The text of a code is its ``astype("str")`` form; only the distinct codes are checked
    for blanks and sorted, the rows are handled as integer positions.
    """
    s = frame[col]
    bad = s.isna().to_numpy()
    if bad.any():
        raise PanelError(
            f"column {col!r} has {int(bad.sum())} missing or empty codes: {_rows(frame, bad)}; "
            "every observation needs an entity and an indicator code"
        )
    codes: IntArray
    if isinstance(s.dtype, pd.CategoricalDtype) and (
        s.dtype.categories.dtype == object or isinstance(s.dtype.categories.dtype, pd.StringDtype)
    ):
        # text of the categories taken by the row codes (what ``astype("str")`` does); two
        # categories may have the same text and some may be unused: factorize them again
        cat_codes, labels = pd.factorize(s.dtype.categories.astype("str"), sort=True)
        codes = cat_codes.astype(np.int64)[np.asarray(s.array.codes, dtype=np.int64)]
        used = np.zeros(len(labels), dtype=bool)
        used[codes] = True
        if not used.all():
            codes = (np.cumsum(used) - 1)[codes]
            labels = labels[used]
    else:
        raw_codes, labels = pd.factorize(s.astype("str"), sort=True)
        codes = raw_codes.astype(np.int64, copy=False)
    labels = pd.Index(labels, dtype="str")
    norm, changed = normalize_codes(labels)
    if changed.any():
        # (a blank code is an error below, not a code to warn about)
        warn_changed(f"column {col!r}", labels, changed & np.asarray(norm != "", dtype=bool))
        # two spellings of one code (NFC and NFD, "x " and "x") become one code
        merged, norm_labels = pd.factorize(norm, sort=True)
        codes = merged.astype(np.int64)[codes]
        labels = pd.Index(norm_labels, dtype="str")
    blank = np.asarray(labels == "", dtype=bool)
    if blank.any():
        bad = blank[codes]
        raise PanelError(
            f"column {col!r} has {int(bad.sum())} missing or empty codes: {_rows(frame, bad)}; "
            "every observation needs an entity and an indicator code"
        )
    return codes, labels


def take_str(labels: Iterable[object], codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``labels[codes]`` as a ``str`` array, gathered by Arrow (no per-row Python strings).

    Examples
    --------
    >>> list(take_str(["a", "b"], np.array([1, 1, 0])))
    ['b', 'b', 'a']
    """
    table = _arrow_labels(labels)
    return pd.array(table.take(pa.array(np.asarray(codes, dtype=np.int64))), dtype="str")


def _arrow_labels(labels: Iterable[object]) -> pa.Array:
    """The text of each label as an Arrow array: ``str`` columns and indexes without
    missing values are handed over as they are (no Python string per label)."""
    if isinstance(labels, pd.Index | pd.Series) and labels.dtype == "str" and not labels.hasnans:
        return pa.array(labels.array).cast(pa.large_string())
    return pa.array([str(v) for v in labels], type=pa.large_string())


def _duplicated(e_codes: IntArray, i_codes: IntArray, year: IntArray) -> BoolArray:
    """Rows whose (entity, indicator, year) key occurs more than once (all of them)."""
    order = np.lexsort((year, i_codes, e_codes))
    e, i, y = e_codes[order], i_codes[order], year[order]
    same = (e[1:] == e[:-1]) & (i[1:] == i[:-1]) & (y[1:] == y[:-1])
    dup_sorted = np.zeros(len(order), dtype=bool)
    dup_sorted[1:] |= same
    dup_sorted[:-1] |= same
    dup = np.zeros(len(order), dtype=bool)
    dup[order] = dup_sorted
    return dup


def _year_axis(year: IntArray) -> IntArray:
    """Every year from the first to the last one in ``year``; PanelError on an absurd span."""
    if not len(year):
        return np.empty(0, dtype=np.int64)
    y0, y1 = int(year.min()), int(year.max())
    if y1 - y0 > MAX_YEAR_SPAN:
        raise PanelError(
            f"years span {y0}–{y1} ({y1 - y0} years); expected at most "
            f"{MAX_YEAR_SPAN}. Check the 'year' column for typos"
        )
    return np.arange(y0, y1 + 1, dtype=np.int64)


def _cells(
    e_codes: IntArray, i_codes: IntArray, year: IntArray, shape: tuple[int, int, int], y0: int
) -> tuple[IntArray, IntArray] | None:
    """Rows in (entity, indicator, year) order and their flat positions in the dense array.

    One scatter into an array of the dense size (which is allocated anyway) instead of a
    sort; None when a key occurs more than once.
    """
    size = shape[0] * shape[1] * shape[2]
    row_at = np.full(size, -1, dtype=np.int64)
    key = (e_codes * shape[1] + i_codes) * shape[2] + (year - y0)
    row_at[key] = np.arange(len(key), dtype=np.int64)
    cells = np.flatnonzero(row_at >= 0)
    if len(cells) != len(key):
        return None
    return row_at[cells], cells


def _as_year(frame: pd.DataFrame) -> IntArray:
    s = frame["year"]
    if pd.api.types.is_bool_dtype(s.dtype):
        raise PanelError("column 'year' is boolean; expected integer years such as 2024")
    _not_numbers(s, "year")  # a date or a Period is not a year number (Period("2020") → 50)
    num = pd.to_numeric(s, errors="coerce")
    arr = num.to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(arr) | (arr != np.round(arr)) | (np.abs(arr) > _MAX_ABS_YEAR)
    if bad.any():
        raise PanelError(
            f"column 'year' has {int(bad.sum())} values that are not integer years: "
            f"{_rows(frame, bad)}; expected integers such as 2024"
        )
    return arr.astype(np.int64)


def _not_numbers(s: pd.Series, col: str) -> None:
    """Reject dates, durations, periods, complex numbers and booleans: pandas would turn
    them into numbers (a date into nanoseconds since 1970), none is an observation."""
    kind = non_number_dtype(s)
    if kind is not None:
        raise PanelError(
            f"column {col!r} holds {kind} values; expected numbers (NaN for missing). "
            "Convert them to numbers explicitly if that is what you measure (e.g. a duration "
            "in days)"
        )
    bad = non_number_cells(s)
    if bad is not None and bad.any():
        found = format_items(sorted({type(v).__name__ for v in s[bad]}))
        raise PanelError(
            f"column {col!r} has {int(bad.sum())} values that are not numbers ({found}): "
            f"{_rows(s.to_frame(), bad)}; expected numbers (NaN for missing)"
        )


def _as_value(frame: pd.DataFrame, col: str) -> FloatArray:
    s = frame[col]
    _not_numbers(s, col)
    num = pd.to_numeric(s, errors="coerce")
    arr = num.to_numpy(dtype="float64", na_value=np.nan)
    non_numeric = np.isnan(arr) & s.notna().to_numpy()
    if non_numeric.any():
        raise PanelError(
            f"column {col!r} has {int(non_numeric.sum())} non-numeric values: "
            f"{_rows(frame, non_numeric)}; expected numbers (leave missing values empty/NaN)"
            + na_hint(s[non_numeric])
        )
    infinite = np.isinf(arr)
    if infinite.any():
        raise PanelError(
            f"column {col!r} has {int(infinite.sum())} infinite values: {_rows(frame, infinite)}; "
            "replace them with a finite number or NaN"
        )
    return arr


@dataclass(frozen=True, eq=False, repr=False)
class Panel:
    """Validated tidy observations with a dense ``entity × indicator × year`` view.

    Build a panel with :meth:`from_frame` or :func:`govindex.read_panel`; the
    constructor does no validation and is meant for internal use.

    Attributes
    ----------
    entities : pandas.Index
        Sorted entity codes (axis 0 of :attr:`values`).
    indicators : pandas.Index
        Sorted indicator codes (axis 1).
    years : numpy.ndarray
        Every year from the first to the last observed one (axis 2), as int64.
    values : numpy.ndarray
        Read-only float64 array of shape ``(n_entities, n_indicators, n_years)``; NaN = missing.
    sample_size : numpy.ndarray or None
        Survey sample sizes in the same shape (NaN where not given), or None.

    Examples
    --------
    >>> df = pd.DataFrame({"entity": ["A", "A", "B"], "indicator": ["x", "x", "x"],
    ...                    "year": [2020, 2021, 2020], "value": [1.0, 2.0, 3.0]})
    >>> p = Panel.from_frame(df)
    >>> p.shape
    (2, 1, 2)
    >>> p.values[:, 0, :]
    array([[ 1.,  2.],
           [ 3., nan]])
    """

    entities: pd.Index
    indicators: pd.Index
    years: IntArray
    values: FloatArray
    sample_size: FloatArray | None = None
    _frame: pd.DataFrame = field(default_factory=pd.DataFrame)

    # ------------------------------------------------------------------ building
    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        *,
        catalog: Catalog | None = None,
    ) -> Panel:
        """Validate a tidy DataFrame and build a panel.

        Parameters
        ----------
        frame : DataFrame
            Columns ``entity``, ``indicator``, ``year``, ``value`` and optionally
            ``sample_size``; other columns are ignored. Not modified.
        catalog : Catalog, optional
            When given, every indicator must be an indicator (leaf) node of it.

        Returns
        -------
        Panel

        Raises
        ------
        PanelError
            Missing or repeated columns, missing codes, non-integer years, non-numeric
            or infinite values (dates, durations, periods, complex numbers and booleans
            are not numbers), negative or non-integer sample sizes, duplicated
            (entity, indicator, year) keys, or indicators unknown to ``catalog``;
            the message names the offending rows.

        Warns
        -----
        CodeWarning
            When an entity or indicator code was normalised: codes are compared in
            one form, Unicode NFC without surrounding spaces (the NFC and NFD
            spellings of one name are one entity).
        """
        if not isinstance(frame, pd.DataFrame):
            raise PanelError(f"expected a pandas DataFrame, got {type(frame).__name__}")
        require_columns(frame.columns)
        if catalog is not None:
            from govindex.catalog import require_catalog

            require_catalog(catalog)
        has_n = "sample_size" in frame.columns
        cols = [*_REQUIRED, "sample_size"] if has_n else list(_REQUIRED)
        src = frame.loc[:, cols]
        e_codes, entities = _as_code(src, "entity")
        i_codes, indicators = _as_code(src, "indicator")
        year = _as_year(src)
        floats = {"value": _as_value(src, "value")}
        if has_n:
            n = _as_value(src, "sample_size")
            with np.errstate(invalid="ignore"):
                bad = ~np.isnan(n) & ((n < 0) | (n != np.round(n)))
            if bad.any():
                raise PanelError(
                    f"column 'sample_size' has {int(bad.sum())} values that are not "
                    f"non-negative integers: {_rows(src, bad)}"
                )
            floats["sample_size"] = n
        # duplicated keys: found by the dense scatter of _cells (the usual case), or by a sort
        # when the year span is too wide for a dense array (an error is raised after the checks)
        y_span = int(year.max()) - int(year.min()) if len(year) else 0
        located = None
        if y_span <= MAX_YEAR_SPAN:
            shape = (len(entities), len(indicators), y_span + 1)
            located = _cells(e_codes, i_codes, year, shape, int(year.min()) if len(year) else 0)
        if located is None:
            dup = _duplicated(e_codes, i_codes, year)
            if dup.any():
                raise PanelError(
                    f"{int(dup.sum())} rows share an (entity, indicator, year) key: "
                    f"{_rows(src, dup)}; keep one observation per key"
                )
        if catalog is not None:
            unknown_codes = sorted(set(indicators) - set(catalog.indicators))
            if unknown_codes:
                unknown = np.isin(i_codes, indicators.get_indexer(pd.Index(unknown_codes)))
                raise PanelError(
                    f"{len(unknown_codes)} indicator code(s) are not indicators of the catalog: "
                    f"{format_items(unknown_codes)} (e.g. {_rows(src, unknown, limit=2)}); "
                    "add them to the catalog or drop them from the panel"
                )
        return cls._assemble(entities, indicators, e_codes, i_codes, year, floats, located)

    @classmethod
    def _build(cls, tidy: pd.DataFrame) -> Panel:
        """Panel of rows already in the contract's types with unique keys (e.g. a selection)."""
        e_codes, entities = pd.factorize(tidy["entity"].astype("str"), sort=True)
        i_codes, indicators = pd.factorize(tidy["indicator"].astype("str"), sort=True)
        floats = {
            c: tidy[c].to_numpy(dtype=np.float64) for c in ("value", "sample_size") if c in tidy
        }
        return cls._assemble(
            pd.Index(entities, dtype="str"),
            pd.Index(indicators, dtype="str"),
            e_codes.astype(np.int64, copy=False),
            i_codes.astype(np.int64, copy=False),
            tidy["year"].to_numpy(dtype=np.int64),
            floats,
            None,
        )

    @classmethod
    def _assemble(
        cls,
        entities: pd.Index,
        indicators: pd.Index,
        e_codes: IntArray,
        i_codes: IntArray,
        year: IntArray,
        floats: dict[str, FloatArray],
        located: tuple[IntArray, IntArray] | None,
    ) -> Panel:
        """Dense arrays and the tidy rows sorted by (entity, indicator, year).

        ``entities``/``indicators`` are sorted and ``e_codes``/``i_codes`` index them;
        ``located`` is what :func:`_cells` returned for these rows, if already computed.
        """
        years = _year_axis(year)
        shape = (len(entities), len(indicators), len(years))
        if located is None:
            located = _cells(e_codes, i_codes, year, shape, int(years[0]) if len(years) else 0)
            if located is None:
                raise PanelError("rows share an (entity, indicator, year) key")
        order, cells = located
        data: dict[str, Any] = {
            "entity": take_str(entities, e_codes[order]),
            "indicator": take_str(indicators, i_codes[order]),
            "year": year[order],
        }
        arrays: dict[str, FloatArray] = {}
        for col, column in floats.items():
            data[col] = column[order]
            dense = np.full(shape, np.nan)
            dense.ravel()[cells] = data[col]
            dense.flags.writeable = False
            arrays[col] = dense
        return cls(
            entities=pd.Index(entities, name="entity", dtype="str"),
            indicators=pd.Index(indicators, name="indicator", dtype="str"),
            years=years,
            values=arrays["value"],
            sample_size=arrays.get("sample_size"),
            _frame=pd.DataFrame(data, copy=False),
        )

    # ------------------------------------------------------------------ views
    @property
    def shape(self) -> tuple[int, int, int]:
        """``(n_entities, n_indicators, n_years)``."""
        return self.values.shape

    @property
    def has_sample_size(self) -> bool:
        """Whether the panel carries survey sample sizes."""
        return self.sample_size is not None

    def to_frame(self) -> pd.DataFrame:
        """Return the tidy observations (sorted by entity, indicator, year).

        Examples
        --------
        >>> df = pd.DataFrame({"entity": ["B", "A"], "indicator": ["x", "x"],
        ...                    "year": [2020, 2020], "value": [1.0, 2.0]})
        >>> Panel.from_frame(df).to_frame()
          entity indicator  year  value
        0      A         x  2020    2.0
        1      B         x  2020    1.0
        """
        return self._frame.copy()

    def window_rows(self, first: int, last: int) -> pd.DataFrame:
        """The tidy observations with ``first <= year <= last`` (sorted like :meth:`to_frame`).

        Gathered column by column from the panel's rows, without copying the whole
        table first.

        Examples
        --------
        >>> df = pd.DataFrame({"entity": "A", "indicator": "x",
        ...                    "year": [2019, 2020, 2021], "value": [1.0, 2.0, 3.0]})
        >>> Panel.from_frame(df).window_rows(2020, 2021)
          entity indicator  year  value
        0      A         x  2020    2.0
        1      A         x  2021    3.0
        """
        tidy = self._frame
        year = tidy["year"].to_numpy()
        rows = np.flatnonzero((year >= first) & (year <= last))
        return pd.DataFrame({col: tidy[col].array.take(rows) for col in tidy.columns}, copy=False)

    def check_indicators(self, catalog: Catalog) -> None:
        """Raise :class:`PanelError` if an indicator of the panel is not an indicator of ``catalog``.

        Examples
        --------
        >>> from govindex.catalog import Catalog
        >>> panel = Panel.from_frame(pd.DataFrame({"entity": ["A"], "indicator": ["x"],
        ...                                        "year": [2020], "value": [1.0]}))
        >>> panel.check_indicators(Catalog.from_frame(pd.DataFrame({"code": ["G", "y"],
        ...                                                         "parent": ["", "G"]})))
        Traceback (most recent call last):
        ...
        govindex.exceptions.PanelError: panel indicator(s) 'x' are not indicators of the catalog; ...
        """
        unknown = sorted(set(self.indicators) - set(catalog.indicators))
        if unknown:
            raise PanelError(
                f"panel indicator(s) {format_items(unknown)} are not indicators of the catalog; "
                "add them to the catalog or drop them from the panel (Panel.select)"
            )

    @cached_property
    def rows_digest(self) -> RowsDigest:
        """The :class:`~govindex.panel.RowsDigest` of the observations.

        The digests of panels read by chunks of entities from one file combine
        (``RowsDigest.combine`` or ``+``) to the digest of the panel read whole: a worker
        that reads some entities returns this, and the run records the combined
        :meth:`~govindex.panel.RowsDigest.hexdigest` as the panel fingerprint.

        Examples
        --------
        >>> df = pd.DataFrame({"entity": ["A", "B"], "indicator": ["x", "x"],
        ...                    "year": [2020, 2020], "value": [1.0, 2.0]})
        >>> whole = Panel.from_frame(df)
        >>> a, b = whole.select(entities=["A"]), whole.select(entities=["B"])
        >>> (a.rows_digest + b.rows_digest).hexdigest() == whole.fingerprint
        True
        """
        return rows_digest(self._frame)

    @cached_property
    def fingerprint(self) -> str:
        """A fingerprint of the observations, recorded in every result's provenance.

        The :meth:`~govindex.panel.RowsDigest.hexdigest` of :attr:`rows_digest`
        (scheme ``govindex-rows-1``): equal for equal rows (entity, indicator, year,
        value and sample size) in any order and whatever chunks they were read in. It
        is a change detector over the multiset of rows, not a cryptographic signature
        of the data: run manifests also record the SHA-256 of the input files' bytes.
        """
        return self.rows_digest.hexdigest()

    def year_index(self, year: int) -> int:
        """Position of ``year`` on the year axis; :class:`PanelError` unless an integer in it."""
        span = f"{self.years[0]}–{self.years[-1]}" if len(self.years) else "no years"
        if not is_int(year):
            raise PanelError(f"year must be an integer; found {year!r} (the panel's: {span})")
        pos = int(year) - int(self.years[0]) if len(self.years) else -1
        if not 0 <= pos < len(self.years):
            raise PanelError(f"year {year} is outside the panel's years ({span})")
        return pos

    def cross_section(self, year: int) -> pd.DataFrame:
        """Entity × indicator DataFrame of the values in ``year``.

        Examples
        --------
        >>> df = pd.DataFrame({"entity": ["A", "B"], "indicator": ["x", "x"],
        ...                    "year": [2020, 2020], "value": [1.0, 2.0]})
        >>> Panel.from_frame(df).cross_section(2020)
        indicator    x
        entity
        A          1.0
        B          2.0
        """
        return pd.DataFrame(
            self.values[:, :, self.year_index(year)].copy(),
            index=self.entities,
            columns=self.indicators,
        )

    def select(
        self,
        *,
        entities: Iterable[str] | None = None,
        indicators: Iterable[str] | None = None,
        years: Iterable[int] | None = None,
    ) -> Panel:
        """Return a panel restricted to some entities, indicators and/or years.

        Codes are compared in the panel's one form (NFC, stripped), like its own codes.
        Unknown codes or years raise :class:`PanelError`.

        Examples
        --------
        >>> df = pd.DataFrame({"entity": ["A", "B"], "indicator": ["x", "y"],
        ...                    "year": [2020, 2021], "value": [1.0, 2.0]})
        >>> Panel.from_frame(df).select(entities=["B"]).to_frame()
          entity indicator  year  value
        0      B         y  2021    2.0
        """
        mask = np.ones(len(self._frame), dtype=bool)
        for col, wanted, known in (
            ("entity", entities, self.entities),
            ("indicator", indicators, self.indicators),
        ):
            if wanted is None:
                continue
            wanted_list = normalize_codes([str(w) for w in _as_list(wanted)])[0].tolist()
            unknown = sorted(set(wanted_list) - set(known))
            if unknown:
                raise PanelError(f"unknown {col} code(s) in selection: {format_items(unknown)}")
            mask &= self._frame[col].isin(wanted_list).to_numpy()
        if years is not None:
            wanted_years = [int(y) for y in _as_list(years)]
            present = set(self._frame["year"].tolist())
            unknown_y = sorted(set(wanted_years) - present)
            if unknown_y:
                raise PanelError(f"no observations for year(s) {format_items(unknown_y)}")
            mask &= self._frame["year"].isin(wanted_years).to_numpy()
        return Panel._build(self._frame.loc[mask])

    def __repr__(self) -> str:
        e, i, y = self.shape
        span = f"{self.years[0]}–{self.years[-1]}" if y else "no years"
        return (
            f"<Panel: {len(self._frame):,} observations, {e} entities × {i} indicators × "
            f"{y} years ({span}){', with sample sizes' if self.has_sample_size else ''}>"
        )


def require_columns(columns: Iterable[object]) -> None:
    """Raise :class:`PanelError` unless the panel contract's required columns are present.

    Examples
    --------
    >>> require_columns(["entity", "indicator", "year"])
    Traceback (most recent call last):
    ...
    govindex.exceptions.PanelError: panel is missing required column(s) 'value'; found ...
    """
    found = list(columns)
    missing = [c for c in _REQUIRED if c not in found]
    if missing:
        raise PanelError(
            f"panel is missing required column(s) {format_items(missing)}; found "
            f"{format_items(map(str, found))}. Expected {format_items(_REQUIRED)} "
            "and optionally 'sample_size'"
        )
    twice = [c for c in PANEL_COLUMNS if found.count(c) > 1]
    if twice:
        raise PanelError(
            f"the panel has more than one column named {format_items(twice)}; "
            "keep one column of each name"
        )


def require_panel(obj: object) -> Panel:
    """Return ``obj`` if it is a :class:`Panel`, else raise :class:`PanelError`.

    Examples
    --------
    >>> require_panel(pd.DataFrame())
    Traceback (most recent call last):
    ...
    govindex.exceptions.PanelError: expected a Panel (see Panel.from_frame), got DataFrame
    """
    if not isinstance(obj, Panel):
        raise PanelError(f"expected a Panel (see Panel.from_frame), got {type(obj).__name__}")
    return obj


def _as_list(items: Iterable[Any]) -> Sequence[Any]:
    if isinstance(items, str | int):
        return [items]
    return list(items)
