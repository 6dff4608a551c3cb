"""The start-up step shared by the indices: :func:`index_inputs`.

Every index starts the same way: check that the panel is a :class:`~govindex.Panel`,
check its indicators against the catalog, restrict it to the entities asked for, check
the assessment year (:func:`check_year`) and line its dense ``entity × indicator × year``
array up with the catalog's indicators (the leaves of the tree). :class:`IndexInputs`
holds the result of that step and gathers any panel-shaped array in the order of the
leaves.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from govindex._arrays import is_int
from govindex._typing import BoolArray, FloatArray, IntArray
from govindex.catalog import Catalog, require_catalog
from govindex.entities import Entities
from govindex.exceptions import DataWarning, MethodError, PanelError, format_items, listing_warning
from govindex.panel import Panel, require_panel

__all__ = ["IndexInputs", "check_year", "index_inputs", "reference_kinds"]


@dataclass(frozen=True, eq=False)
class IndexInputs:
    """A panel lined up with the indicators of a catalog (see :func:`index_inputs`).

    Attributes
    ----------
    panel : Panel
        The panel, restricted to the entities asked for.
    leaves : list of str
        The catalog's indicators, in catalog order (axis 1 of :meth:`gather`).
    positions : ndarray of int64
        Position of each leaf on the panel's indicator axis; -1 = no data in the panel.
    year : int
        The assessment year, checked by :func:`check_year`.
    """

    panel: Panel
    leaves: list[str]
    positions: IntArray
    year: int

    @property
    def entities(self) -> pd.Index:
        """Entity codes of the panel (axis 0)."""
        return self.panel.entities

    @property
    def has_data(self) -> BoolArray:
        """Leaves with at least one observation in the panel."""
        return np.asarray(self.positions >= 0, dtype=bool)

    @property
    def missing(self) -> list[str]:
        """Leaves without any observation in the panel."""
        return [leaf for leaf, p in zip(self.leaves, self.positions, strict=True) if p < 0]

    def gather(self, array: FloatArray, columns: IntArray | None = None) -> FloatArray:
        """Axis 1 of a panel-shaped array in the order of the leaves (NaN where no data).

        Parameters
        ----------
        array : ndarray
            Shape ``(n, n_panel_indicators, ...)``: e.g. :attr:`Panel.values`, one
            year of it, the rows of some entities, or :attr:`Panel.sample_size`.
        columns : ndarray of int, optional
            Only these leaves (positions in :attr:`leaves`, all with data).

        Returns
        -------
        ndarray
            Shape ``(n, n_leaves, ...)`` (or ``(n, len(columns), ...)``), a new array.
        """
        if columns is not None:
            return np.take(array, self.positions[columns], axis=1)
        have = self.has_data
        if have.all():  # every leaf has data (the usual case): one gather, a new array
            return np.take(array, self.positions, axis=1)
        out = np.full((array.shape[0], len(self.leaves), *array.shape[2:]), np.nan)
        out[:, have] = np.take(array, self.positions[have], axis=1)
        return out

    def rows(self, codes: Sequence[str]) -> IntArray:
        """Positions of entity codes on the panel's entity axis; :class:`PanelError` if absent."""
        absent = [c for c in codes if c not in self.panel.entities]
        if absent:
            raise PanelError(f"entit(y/ies) {format_items(absent)} not in the panel")
        return np.asarray(self.panel.entities.get_indexer(pd.Index(codes)), dtype=np.int64)


def check_year(year: object, years: npt.ArrayLike) -> int:
    """The assessment year as an ``int``: an integer within the panel's ``years``.

    The one year check of the three indices (:func:`index_inputs` runs it).

    Parameters
    ----------
    year : object
        The ``year`` argument of an index function.
    years : array_like of int
        The panel's year axis (contiguous, increasing).

    Returns
    -------
    int

    Raises
    ------
    MethodError
        If ``year`` is not an integer (``2025.9``, ``"2025"``, ``None``, ``True``).
    PanelError
        If ``year`` lies outside the panel's years.

    Examples
    --------
    >>> check_year(np.int64(2024), [2020, 2021, 2022, 2023, 2024])
    2024
    >>> check_year(2025.9, [2024, 2025])
    Traceback (most recent call last):
    ...
    govindex.exceptions.MethodError: year must be an integer (the assessment year, ...); found 2025.9 (float)
    """
    if not is_int(year):
        raise MethodError(
            f"year must be an integer (the assessment year, e.g. 2024); found {year!r} "
            f"({type(year).__name__})"
        )
    axis = np.asarray(years)
    out = int(year)  # type: ignore[call-overload]
    if not axis.size or not int(axis[0]) <= out <= int(axis[-1]):
        span = f"{axis[0]}–{axis[-1]}" if axis.size else "none"
        raise PanelError(f"assessment year {out} is outside the panel's years ({span})")
    return out


def index_inputs(
    panel: Panel,
    catalog: Catalog,
    *,
    year: object,
    entities: Iterable[str] | None = None,
    strict: bool = True,
) -> IndexInputs:
    """The start-up step of every index: check, select and line up the panel.

    Parameters
    ----------
    panel : Panel
        The observations; anything else is a :class:`~govindex.exceptions.PanelError`.
    catalog : Catalog
        The framework tree whose indicators (leaves) are scored.
    year : int
        The assessment year: an integer within the years of the (selected) panel
        (:func:`check_year`).
    entities : iterable of str, optional
        Restrict the panel to these entities (:meth:`Panel.select`; unknown codes
        are a :class:`~govindex.exceptions.PanelError`). Default: every entity.
    strict : bool, default True
        Every indicator of the panel must be an indicator of the catalog. The NPI
        passes False: its panel may also hold weighting indicators.

    Returns
    -------
    IndexInputs

    Examples
    --------
    >>> panel = Panel.from_frame(pd.DataFrame({
    ...     "entity": ["A", "B"], "indicator": "gdp", "year": 2024, "value": [1.0, 2.0]}))
    >>> catalog = Catalog.from_frame(pd.DataFrame({
    ...     "code": ["I", "gdp", "crime"], "parent": ["", "I", "I"]}))
    >>> inputs = index_inputs(panel, catalog, year=2024)
    >>> inputs.leaves, inputs.missing
    (['gdp', 'crime'], ['crime'])
    >>> inputs.gather(inputs.panel.values)[:, :, 0]
    array([[ 1., nan],
           [ 2., nan]])
    """
    work = require_panel(panel)
    require_catalog(catalog)
    if strict:
        work.check_indicators(catalog)
    if entities is not None:
        work = work.select(entities=entities)
    checked = check_year(year, work.years)
    leaves = list(catalog.indicators)
    positions = np.asarray(work.indicators.get_indexer(pd.Index(leaves)), dtype=np.int64)
    return IndexInputs(panel=work, year=checked, leaves=leaves, positions=positions)


def reference_kinds(entity_table: Entities | None, entities: pd.Index) -> pd.Series:
    """The kind of each entity that is a reference row (``""`` for the others).

    The reference rows of an index are the aggregates and totals of its entities table
    (:class:`~govindex.entities.Entities`): scored and flagged, but never ranked and never
    part of the statistics of the other rows (caps, min/max, mean and spread, ranks).

    Parameters
    ----------
    entity_table : Entities or None
        The ``entity_table`` of the index (None: no reference rows); anything else is a
        :class:`~govindex.exceptions.MethodError`.
    entities : Index
        The entity codes of the computation.

    Returns
    -------
    Series
        Indexed by ``entities``: ``"aggregate"`` or ``"total"``, ``""`` for the others.
        Entities missing from the table are ordinary entities, named in a
        :class:`~govindex.exceptions.DataWarning`.

    Examples
    --------
    >>> table = Entities.from_frame(pd.DataFrame({"code": ["KAZ", "OED"],
    ...                                           "kind": ["country", "aggregate"]}))
    >>> reference_kinds(table, pd.Index(["KAZ", "OED"])).tolist()
    ['', 'aggregate']
    """
    if entity_table is None:
        return pd.Series("", index=entities, dtype="str")
    if not isinstance(entity_table, Entities):
        raise MethodError(
            "entity_table must be an Entities table (see govindex.read_entities or "
            f"Entities.from_frame); got {type(entity_table).__name__}"
        )
    missing = entity_table.missing(entities)
    if missing:
        warnings.warn(
            listing_warning(
                DataWarning,
                "entit(y/ies) {items} of the panel are not in the entities table; they count "
                "as ordinary entities, ranked like bodies, regions and countries (add them to "
                "the table with their kind)",
                missing,
            ),
            stacklevel=3,
        )
    kinds = entity_table.kinds(entities)
    return kinds.where(entity_table.is_reference(entities), "").astype("str")
