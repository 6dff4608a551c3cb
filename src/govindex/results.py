"""The one result protocol shared by every computation of govindex.

Two levels:

* :class:`TableResult` — anything that hands out tables: ``provenance`` (property),
  ``tables()`` (the public mapping of every output table: the only thing exporters,
  reports, diffs and attribution read), ``to_frame()``, ``to_parquet(folder)`` and a
  readable ``repr`` / ``_repr_html_``. Analysis results (uncertainty, sensitivity,
  imputation, treatment, attribution, …) implement this level.
* :class:`Result` — an index computation (composite index, GPI, NPI, operational
  scorecard) adds ``method`` (the frozen method object), ``stages`` (ordered
  stage name → labelled DataFrame: raw → treated/imputed → changes or normalised →
  aggregated, as COINr names its stages), ``scores`` (the headline table),
  ``node_scores`` (every node of the framework tree) and ``regenerate(**changes)``.

Every frame handed out is **read-only** for the result: it is a shallow copy
(:func:`handout`), which under pandas' copy-on-write costs no data copy; writing
into it changes the caller's copy only, never the stored result, and arrays taken
from it with ``to_numpy()`` are read-only views.

Implementing a result: keep the tables in private fields of a frozen dataclass and
expose them through properties that return ``handout(frame)``; implement
``_tables()`` (the name → frame mapping, no copies) and ``_summary()`` (title and
lines for the display); the base class does the rest.
"""

from __future__ import annotations

import html
import os
from abc import ABC, abstractmethod
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Self

import pandas as pd

from govindex._provenance import to_parquet_with_provenance

__all__ = ["Result", "TableResult", "handout", "handout_all"]


def handout(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` as handed out by a result: a copy that cannot change the result.

    A shallow copy: with pandas' copy-on-write no data are copied until the caller
    writes into it, and then only the caller's copy changes.

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
    """A read-only mapping of handed-out frames, in the order of ``tables``."""
    return MappingProxyType({name: handout(frame) for name, frame in tables.items()})


class TableResult(ABC):
    """Protocol of every result object: provenance, tables, exports and display.

    Subclasses implement :attr:`provenance`, :meth:`_tables`, :meth:`_summary` and
    :meth:`to_frame`.
    """

    @property
    @abstractmethod
    def provenance(self) -> dict[str, Any]:
        """JSON-serialisable record of what produced the result: the kind of
        computation, the method with every parameter, input fingerprints and options.
        Stored in the schema metadata of every Parquet file written."""

    @abstractmethod
    def _tables(self) -> Mapping[str, pd.DataFrame]:
        """Every output table by name, in a stable order (frames not copied)."""

    @abstractmethod
    def _summary(self) -> tuple[str, list[str]]:
        """Title and lines shown by ``repr`` and in notebooks."""

    @abstractmethod
    def to_frame(self) -> pd.DataFrame:
        """The result as one tidy table (one row per entity × item)."""

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every output table by name: what exporters, reports and diffs read.

        Returns
        -------
        dict of str to DataFrame
            Read-only copies (see :func:`handout`), in a stable order.
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
        and the table's name in its schema metadata (key ``govindex``), with the
        library version.

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
            Table name → file written.
        """
        base = {**self.provenance, **dict(metadata or {})}
        return {
            name: to_parquet_with_provenance(
                table, Path(folder) / f"{prefix}{name}.parquet", {**base, "table": name}
            )
            for name, table in self._tables().items()
        }

    def __repr__(self) -> str:
        title, lines = self._summary()
        return "\n".join([f"<{title}>", *(f"  {line}" for line in lines)])

    def _repr_html_(self) -> str:
        title, lines = self._summary()
        items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
        tables = self._tables()
        main = (
            next(iter(tables.values())).head(20).to_html(float_format=lambda v: f"{v:.2f}")
            if tables
            else ""
        )
        return f"<div><strong>{html.escape(title)}</strong><ul>{items}</ul>{main}</div>"


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


# Transitional: the result classes move to TableResult / Result (issue 10); this mixin
# goes once the last of them has moved.
class ResultMixin:
    """Mixin for frozen result dataclasses.

    Subclasses provide ``_tables()`` (name → DataFrame), ``_summary()`` (title, lines)
    and ``provenance`` (JSON-serialisable dict with method, parameters, fingerprints).
    """

    def _tables(self) -> Mapping[str, pd.DataFrame]:  # pragma: no cover - abstract
        raise NotImplementedError

    def _summary(self) -> tuple[str, list[str]]:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def provenance(self) -> dict[str, Any]:  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self) -> str:
        title, lines = self._summary()
        return "\n".join([f"<{title}>", *(f"  {line}" for line in lines)])

    def _repr_html_(self) -> str:
        title, lines = self._summary()
        items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
        main = next(iter(self._tables().values()))
        return (
            f"<div><strong>{html.escape(title)}</strong><ul>{items}</ul>"
            f"{main.head(20).to_html(float_format=lambda v: f'{v:.2f}')}</div>"
        )

    def to_parquet(self, folder: str | os.PathLike[str], *, prefix: str = "") -> list[Path]:
        """Write every table of the result to ``folder`` as Parquet (atomically).

        Each file carries the method, its parameters, the library version and the
        input fingerprints in its schema metadata (key ``govindex``).

        Returns
        -------
        list of Path
            The files written, one per table.
        """
        out = []
        for name, table in self._tables().items():
            meta = {**self.provenance, "table": name}
            out.append(
                to_parquet_with_provenance(table, Path(folder) / f"{prefix}{name}.parquet", meta)
            )
        return out
