"""The one result protocol shared by every computation of govindex.

Two levels:

* :class:`TableResult` — anything that hands out tables: ``provenance`` (property),
  ``tables()`` (the public mapping of every output table: the only thing exporters,
  reports and diffs read), ``to_frame()``, ``to_parquet(folder, *, prefix, metadata)``
  returning ``{table name: path}``, and a readable ``repr`` / ``_repr_html_``.
  Analysis and preparation results implement this level: uncertainty and
  sensitivity analyses, attributions, imputation, outlier treatment, strengths and
  weaknesses, the data-quality report, run diffs, the operational recommendations
  register and year comparisons.
* :class:`Result` — an index computation (:class:`~govindex.IndexResult`,
  :class:`~govindex.PerformanceResult`, :class:`~govindex.ProgressResult`,
  :class:`~govindex.OperationalResult`) adds ``method`` (the frozen method object),
  ``stages`` (ordered stage name → labelled DataFrame, from the raw values to the
  aggregated scores, as COINr names its stages Raw → Treated → Normalised →
  Aggregated), ``scores`` (the headline table: index ``entity``; for the NPI,
  ``year``), ``node_scores`` (every node of the framework tree) and
  ``regenerate(**changes)`` (recompute from the same inputs with some parameters
  changed; without changes it equals a fresh computation bit for bit). The results
  scored per entity over a framework tree (composite index, GPI, operational
  assessment) also hand out that tree with its scores, :meth:`Result.framework` (a
  :class:`Framework`): what attribution reads.

``provenance`` is a JSON-serialisable dict that names the computation under the key
``index`` (index computations and their analyses) or ``kind`` (the other results),
the method with every parameter (``method``; an operational result: ``scorecard``),
the input fingerprints and the options. :meth:`TableResult.to_parquet` writes it
into the schema metadata of every file, with the table's name and the library
version.

**Read-only.** Results are immutable (assigning an attribute raises
:class:`dataclasses.FrozenInstanceError`, an ``AttributeError``) and every frame
they hand out — properties, :meth:`TableResult.tables`, ``stages`` — is a shallow
copy (:func:`handout`): under pandas' copy-on-write it costs no data copy, writing
into it changes the caller's copy only, never the result (labels and names
included), and arrays taken from it with ``to_numpy()`` are read-only views.

Implementing a result: keep the frames in private attributes (a frozen dataclass
with private fields, or ``__init__`` storing them with :meth:`TableResult._store`),
expose them as :class:`HandOut` attributes (or properties that return
``handout(frame)``), and implement :attr:`~TableResult.provenance`,
:meth:`~TableResult._tables` (name → stored frame, no copies, the main table first),
:meth:`~TableResult._summary` (title and lines for the display) and, if the main tidy
table is not the first, :meth:`~TableResult.to_frame`. The protocol test
(``tests/test_result_protocol.py``) finds every subclass and fails until it has a case
there.

For example, a GPI result (every result reads the same way):

>>> import pandas as pd
>>> from govindex import Catalog, Panel, performance_index
>>> panel = Panel.from_frame(pd.DataFrame({
...     "entity": ["A", "A", "B", "B"], "indicator": "income", "year": [2022, 2025] * 2,
...     "value": [100.0, 115.7625, 100.0, 100.0]}))
>>> catalog = Catalog.from_frame(pd.DataFrame({"code": ["GPI", "income"],
...                                            "parent": ["", "GPI"]}))
>>> res = performance_index(panel, catalog, year=2025)
>>> list(res.stages), list(res.tables())
(['raw', 'changes', 'aggregated'], ['scores', 'changes', 'node_scores'])
>>> given = res.scores
>>> given.loc["A", "gpi"] = -1.0   # changes the caller's copy only
>>> float(res.scores.loc["A", "gpi"])
100.0
>>> res.regenerate().scores.equals(res.scores)
True
"""

from __future__ import annotations

import html
import operator
import os
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import FrozenInstanceError, dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Generic, NoReturn, Self, TypeVar, overload

import pandas as pd

from govindex._provenance import to_parquet_with_provenance
from govindex.exceptions import MethodError

if TYPE_CHECKING:
    from govindex.aggregate import LevelGroup
    from govindex.catalog import Catalog

__all__ = ["Framework", "HandOut", "Result", "TableResult", "handout", "handout_all"]

FrameT = TypeVar("FrameT", pd.DataFrame, pd.Series)
T = TypeVar("T")


def handout(frame: FrameT) -> FrameT:
    """Return ``frame`` as handed out by a result: a copy that cannot change the result.

    A shallow copy: with pandas' copy-on-write no data are copied until the caller
    writes into it, and then only the caller's copy changes (labels and names too).

    Examples
    --------
    >>> stored = pd.DataFrame({"gpi": [50.0, 60.0]}, index=["A", "B"])
    >>> given = handout(stored)
    >>> given.loc["A", "gpi"] = -1.0
    >>> float(stored.loc["A", "gpi"])
    50.0
    """
    return frame.copy(deep=False)


def handout_all(tables: Mapping[str, pd.DataFrame]) -> Mapping[str, pd.DataFrame]:
    """A read-only mapping of handed-out frames, in the order of ``tables``.

    Examples
    --------
    >>> stages = handout_all({"raw": pd.DataFrame({"x": [1.0]})})
    >>> list(stages)
    ['raw']
    """
    return MappingProxyType({name: handout(frame) for name, frame in tables.items()})


class HandOut(Generic[T]):
    """A read-only attribute of a result: reads a private attribute and hands it out.

    ``scores = HandOut[pd.DataFrame]("_scores", "The headline table.")`` in a result
    class returns ``handout(self._scores)``: a frame or series as a read-only copy
    (:func:`handout`), anything else (None, a Panel) as it is. Assigning it raises.

    Parameters
    ----------
    attr : str
        Name of the private attribute that holds the value (a dotted path such as
        ``"_tables.points"`` reads an attribute of it).
    doc : str, optional
        The attribute's documentation (default: a pointer to the class docstring,
        whose ``Attributes`` section documents it).

    Examples
    --------
    >>> class Demo:
    ...     table = HandOut[pd.DataFrame]("_table", "A table.")
    ...     def __init__(self) -> None:
    ...         self._table = pd.DataFrame({"x": [1.0]})
    >>> demo = Demo()
    >>> given = demo.table
    >>> given.loc[0, "x"] = 5.0
    >>> float(demo.table.loc[0, "x"])
    1.0
    """

    def __init__(self, attr: str, doc: str = "") -> None:
        self.attr = attr
        self._get = operator.attrgetter(attr)
        self.__doc__ = doc or "A read-only copy (see the Attributes of the class)."

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> Self: ...

    @overload
    def __get__(self, obj: object, owner: type | None = None) -> T: ...

    def __get__(self, obj: object | None, owner: type | None = None) -> Self | T:
        if obj is None:
            return self
        value = self._get(obj)
        if isinstance(value, pd.DataFrame | pd.Series):
            value = value.copy(deep=False)  # handout(): a copy that cannot change the result
        return value

    def __set__(self, obj: object, value: object) -> NoReturn:
        raise FrozenInstanceError(f"{type(obj).__name__} is immutable: cannot set {self.name!r}")


class TableResult(ABC):
    """Protocol of every result object: provenance, tables, exports and display.

    Subclasses implement :attr:`provenance`, :meth:`_tables` and :meth:`_summary`, and
    :meth:`to_frame` when their main tidy table is not the first of :meth:`tables`.
    Instances are immutable: assigning an attribute raises
    :class:`dataclasses.FrozenInstanceError` (an ``AttributeError``).
    """

    # ------------------------------------------------------------------ immutability
    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise FrozenInstanceError(
            f"{type(self).__name__} is immutable: cannot set {name!r}; "
            "compute a new result (e.g. regenerate(...)) instead"
        )

    def __delattr__(self, name: str) -> NoReturn:
        raise FrozenInstanceError(f"{type(self).__name__} is immutable: cannot delete {name!r}")

    def _store(self, **fields: object) -> None:
        """Set attributes once, from ``__init__`` (the only way past immutability)."""
        for name, value in fields.items():
            object.__setattr__(self, name, value)

    # ------------------------------------------------------------------ protocol
    @property
    @abstractmethod
    def provenance(self) -> dict[str, Any]:
        """JSON-serialisable record of what produced the result: the computation
        (``index`` or ``kind``), the method with every parameter, input fingerprints
        and options. Stored in the schema metadata of every Parquet file written."""

    @abstractmethod
    def _tables(self) -> Mapping[str, pd.DataFrame]:
        """Every output table by name, in a stable order (stored frames, not copies)."""

    @abstractmethod
    def _summary(self) -> tuple[str, list[str]]:
        """Title and lines shown by ``repr`` and in notebooks."""

    def to_frame(self) -> pd.DataFrame:
        """The result's main table in tidy form (one row per entity × item, or per item).

        By default a copy of the first table of :meth:`tables`.
        """
        return next(iter(self._tables().values())).copy()

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every output table by name: what exporters, reports and diffs read.

        Returns
        -------
        dict of str to DataFrame
            Read-only copies (see :func:`handout`), in a stable order; the same
            tables, under the same names, that :meth:`to_parquet` writes.
        """
        return {name: handout(frame) for name, frame in self._tables().items()}

    def to_parquet(
        self,
        folder: str | os.PathLike[str],
        *,
        prefix: str = "",
        metadata: Mapping[str, Any] | None = None,
    ) -> dict[str, Path]:
        """Write every table of :meth:`tables` to ``folder`` as Parquet (each file atomically).

        Each file ``<prefix><table>.parquet`` carries :attr:`provenance`, ``metadata``
        and the table's name (key ``table``) in its schema metadata (key
        ``govindex``), with the library version. Equal results give byte-identical
        files.

        Parameters
        ----------
        folder : path-like
            Destination folder (created if needed).
        prefix : str, default ""
            Prepended to every file name.
        metadata : mapping, optional
            Extra JSON-serialisable entries for the schema metadata (e.g. the run's name).

        Returns
        -------
        dict of str to Path
            Table name → file written, in the order of :meth:`tables`.
        """
        base = {**self.provenance, **dict(metadata or {})}
        return {
            name: to_parquet_with_provenance(
                table, Path(folder) / f"{prefix}{name}.parquet", {**base, "table": name}
            )
            for name, table in self._tables().items()
        }

    # ------------------------------------------------------------------ display
    def __repr__(self) -> str:
        title, lines = self._summary()
        return "\n".join([f"<{title}>", *(f"  {line}" for line in lines if line)])

    def _repr_html_(self) -> str:
        title, lines = self._summary()
        items = "".join(f"<li>{html.escape(line)}</li>" for line in lines if line)
        tables = self._tables()
        main = (
            next(iter(tables.values())).head(20).to_html(float_format=lambda v: f"{v:.2f}")
            if tables
            else ""
        )
        return f"<div><strong>{html.escape(title)}</strong><ul>{items}</ul>{main}</div>"


@dataclass(frozen=True, eq=False)
class Framework:
    """A result's framework tree with its scores per entity (:meth:`Result.framework`).

    What :func:`govindex.analysis.attribution.attribute` reads, whatever the kind of
    result: the tree, how it was rolled up, the score of every node per entity, the
    default node of each entity and the input fingerprints.

    Attributes
    ----------
    kind : str
        The kind of result (its class name): only results of one kind are compared.
    catalog : Catalog
        The framework tree (for an operational assessment, the scorecard's).
    aggregation : str
        The aggregation of the parents without one in the catalog (the method's
        default; ``"sum"`` for a scorecard): with the catalog it fixes the roll-up
        (:meth:`rollup_plan`).
    node_scores : DataFrame
        Entity × node scores (a read-only copy), columns the catalog's codes in order.
    roots : Series
        Entity → the root of its index (the node attributed by default); missing
        when there is none (a catalog with several roots and no owner).
    fingerprints : mapping of str to str
        The result's input fingerprints.
    """

    kind: str
    catalog: Catalog
    aggregation: str
    node_scores: pd.DataFrame
    roots: pd.Series
    fingerprints: Mapping[str, str]

    def rollup_plan(self) -> list[list[LevelGroup]]:
        """The roll-up plan of the tree (:meth:`govindex.Catalog.rollup_plan`)."""
        return self.catalog.rollup_plan(self.aggregation)


class Result(TableResult):
    """Protocol of an index computation (composite index, GPI, NPI, operational scores).

    Adds to :class:`TableResult` the frozen :attr:`method`, the ordered
    :attr:`stages`, the headline :attr:`scores`, every tree node's
    :attr:`node_scores` and :meth:`regenerate`.
    """

    @property
    @abstractmethod
    def method(self) -> Any:
        """The frozen method object that produced the result (every parameter)."""

    @property
    @abstractmethod
    def stages(self) -> Mapping[str, pd.DataFrame]:
        """Ordered stage name → labelled DataFrame, from the raw values to the
        aggregated scores (read-only mapping of read-only frames)."""

    @property
    @abstractmethod
    def scores(self) -> pd.DataFrame:
        """The headline table (index ``entity``; for the NPI, ``year``)."""

    @property
    @abstractmethod
    def node_scores(self) -> pd.DataFrame:
        """Scores of every node of the framework tree (indicators and aggregates)."""

    @abstractmethod
    def regenerate(self, **changes: Any) -> Self:
        """Recompute from the same inputs with some parameters changed.

        ``regenerate()`` with no change equals a fresh computation bit for bit.
        """

    def framework(self) -> Framework:
        """The framework tree with the score of every node per entity (a :class:`Framework`).

        Implemented by the results scored per entity over a tree (composite index, GPI,
        operational assessment); the others (the NPI scores years) raise.

        Raises
        ------
        MethodError
            The result has no entity × node scores over a framework tree.
        """
        raise MethodError(
            f"a {type(self).__name__} has no scores per entity over a framework tree; "
            "expected an IndexResult, PerformanceResult or OperationalResult"
        )
