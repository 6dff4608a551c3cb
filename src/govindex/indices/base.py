"""What the results of the three index computations on a panel share.

:class:`PanelResult` is the base of :class:`~govindex.IndexResult`,
:class:`~govindex.PerformanceResult` and :class:`~govindex.ProgressResult`: the
assessment year, the frozen method, the catalog, the panel kept for
:meth:`~govindex.results.Result.regenerate`, the input fingerprints and the
provenance built from them (the :class:`~govindex.results.Result` protocol).
:class:`TreeResult`, the base of the first two, adds their framework tree with the
scores per entity (:meth:`~govindex.results.Result.framework`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar

import pandas as pd

from govindex.catalog import Catalog
from govindex.exceptions import MethodError
from govindex.panel import Panel
from govindex.results import Framework, Result

__all__ = ["MethodLike", "PanelResult", "TreeMethodLike", "TreeResult"]


class MethodLike(Protocol):
    """A frozen method object: every parameter, and its plain-dict form."""

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form (JSON/TOML serialisable)."""
        ...  # pragma: no cover - protocol


class TreeMethodLike(MethodLike, Protocol):
    """A method that rolls scores up a framework tree: its default aggregation too."""

    @property
    def aggregation(self) -> str:
        """Aggregation of the parents without one in the catalog."""
        ...  # pragma: no cover - protocol


MethodT = TypeVar("MethodT", bound=MethodLike)
TreeMethodT = TypeVar("TreeMethodT", bound=TreeMethodLike)


class PanelResult(Result, Generic[MethodT]):
    """Base of the results computed from a :class:`~govindex.Panel` and a
    :class:`~govindex.Catalog` (composite index, GPI, NPI)."""

    #: The computation, as named by :attr:`provenance` (``index``).
    INDEX: ClassVar[str] = ""

    _year: int
    _method: MethodT
    _catalog: Catalog
    _panel: Panel | None
    _fingerprints: dict[str, str]

    def _keep_inputs(
        self,
        year: int,
        method: MethodT,
        catalog: Catalog,
        fingerprints: Mapping[str, str],
        panel: Panel | None,
    ) -> None:
        """Store what every panel result keeps (from ``__init__``)."""
        self._store(
            _year=int(year),
            _method=method,
            _catalog=catalog,
            _fingerprints=dict(fingerprints),
            _panel=panel,
        )

    @property
    def year(self) -> int:
        """The assessment year (for a composite index: the cross-section scored)."""
        return self._year

    @property
    def method(self) -> MethodT:
        """Every parameter of the computation (frozen)."""
        return self._method

    @property
    def catalog(self) -> Catalog:
        """The framework tree the index was computed on."""
        return self._catalog

    @property
    def panel(self) -> Panel | None:
        """The panel the result was computed from (kept for :meth:`regenerate`)."""
        return self._panel

    @property
    def fingerprints(self) -> dict[str, str]:
        """SHA-256 of the inputs: the panel, the catalog (and a lineage, if any)."""
        return dict(self._fingerprints)

    @property
    def provenance(self) -> dict[str, Any]:
        """Index, year, method with parameters and input fingerprints."""
        return {
            "index": self.INDEX,
            "year": self._year,
            "method": self._method.to_dict(),
            "fingerprints": dict(self._fingerprints),
        }

    def _recompute(
        self,
        compute: Callable[..., Any],
        changes: dict[str, Any],
        *,
        catalog: Catalog,
        fixed: Mapping[str, Any],
    ) -> Self:
        """Call ``compute(panel, catalog, year=..., **method, **fixed)`` with ``changes``.

        ``changes`` may hold ``method`` (a method object replacing every method
        parameter), ``catalog`` and any keyword of ``compute``; the index functions
        are called by keyword only.
        """
        if self._panel is None:
            raise MethodError(
                f"this result does not keep its panel; call {compute.__name__} again"
            )
        method = changes.pop("method", None) or self._method
        params: dict[str, Any] = {"year": self._year, **method.to_dict(), **fixed}
        params.update(changes)
        result = compute(self._panel, params.pop("catalog", catalog), **params)
        assert isinstance(result, type(self))  # the index function of this result type
        return result


class TreeResult(PanelResult[TreeMethodT]):
    """Base of the panel results scored per entity over the catalog's tree (composite
    index, GPI): :meth:`framework` hands out the tree with the score of every node."""

    def framework(self) -> Framework:
        """The catalog, the method's default aggregation, the entity × node scores, the
        root of each entity's index and the input fingerprints (a
        :class:`~govindex.results.Framework`: what attribution reads)."""
        scores = self.node_scores
        return Framework(
            kind=type(self).__name__,
            catalog=self._catalog,
            aggregation=self._method.aggregation,
            node_scores=scores,
            roots=self._entity_roots(scores.index),
            fingerprints=dict(self._fingerprints),
        )

    def _entity_roots(self, entities: pd.Index) -> pd.Series:
        """Entity → the root of its index: the catalog's only root (missing if several)."""
        roots = self._catalog.roots
        return pd.Series(roots[0] if len(roots) == 1 else None, index=entities, dtype="object")
