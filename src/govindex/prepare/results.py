"""Results of the preparation steps: :class:`ImputationResult` and :class:`TreatmentResult`.

Both follow the :class:`~govindex.results.TableResult` protocol: immutable, every
frame handed out as a read-only copy, ``tables()`` / ``to_parquet`` / ``provenance``.
They are built by :func:`govindex.prepare.impute.impute` and
:func:`govindex.prepare.treat.treat`.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd

from govindex._provenance import fingerprint_frame
from govindex.panel import Panel
from govindex.results import HandOut, TableResult

__all__ = ["ImputationResult", "PreparationResult", "TreatmentResult", "wide_fingerprint"]


def wide_fingerprint(frame: pd.DataFrame) -> str:
    """SHA-256 of a numeric ``entity × indicator`` frame, whatever its labels.

    Hashes the tidy form (entity and indicator labels as text, values as float64),
    so it does not depend on index or column names.

    Examples
    --------
    >>> a = pd.DataFrame({"x": [1.0, 2.0]}, index=["A", "B"])
    >>> wide_fingerprint(a) == wide_fingerprint(a.rename_axis("entity"))
    True
    """
    n_rows, n_cols = frame.shape
    tidy = pd.DataFrame(
        {
            "entity": np.repeat(frame.index.astype(str).to_numpy(), n_cols),
            "indicator": np.tile(frame.columns.astype(str).to_numpy(), n_rows),
            "value": frame.to_numpy(dtype=np.float64, na_value=np.nan).ravel(),
        }
    )
    return fingerprint_frame(tidy)


class PreparationResult(TableResult):
    """What the results of the preparation steps share: the parameters used, the input
    fingerprint and a one-line summary (``_line``)."""

    _method: Mapping[str, Any]
    _fingerprints: Mapping[str, str]

    @property
    def method(self) -> dict[str, Any]:
        """The parameters used (JSON-serialisable)."""
        return dict(self._method)

    @property
    def fingerprints(self) -> dict[str, str]:
        """SHA-256 of the input data (key ``data``)."""
        return dict(self._fingerprints)

    @abstractmethod
    def _line(self) -> str:
        """The summary in one line."""

    def _summary(self) -> tuple[str, list[str]]:
        return type(self).__name__, [self._line()]

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self._line()}>"


@dataclass(frozen=True, repr=False, eq=False)
class ImputationResult(PreparationResult):
    """Result of :func:`~govindex.prepare.impute.impute` (immutable; every frame is
    handed out as a read-only copy).

    Attributes
    ----------
    data : Panel or DataFrame
        The filled data, of the same kind as the input.
    mask : DataFrame of bool
        True for every imputed cell: ``entity × indicator`` for a wide frame,
        ``(entity, indicator) × year`` for a panel.
    cells : DataFrame
        One row per imputed cell: ``entity``, ``indicator``, (``year``), ``value``,
        ``method`` and, with groups, ``group``.
    unfilled : DataFrame
        The missing cells that could not be filled (same key columns).
    method : dict
        The parameters used (JSON-serialisable).
    fingerprints : dict
        SHA-256 of the input data (key ``data``).
    """

    _data: Panel | pd.DataFrame
    _mask: pd.DataFrame
    _cells: pd.DataFrame
    _unfilled: pd.DataFrame
    _method: Mapping[str, Any] = field(default_factory=dict)
    _fingerprints: Mapping[str, str] = field(default_factory=dict)

    data = HandOut[Panel | pd.DataFrame]("_data")
    mask = HandOut[pd.DataFrame]("_mask")
    cells = HandOut[pd.DataFrame]("_cells")
    unfilled = HandOut[pd.DataFrame]("_unfilled")

    @property
    def n_imputed(self) -> int:
        """Number of imputed cells."""
        return len(self._cells)

    @property
    def counts(self) -> pd.Series:
        """Imputed cells per indicator (every indicator, zeros included)."""
        if isinstance(self._data, Panel):
            labels = self._data.indicators
        else:
            labels = pd.Index(self._data.columns, name="indicator")
        out = self._cells.groupby("indicator").size().reindex(labels, fill_value=0)
        return out.rename("imputed").astype("int64")

    @property
    def provenance(self) -> dict[str, Any]:
        """The imputation method with its parameters, the counts and the input fingerprint."""
        return {
            "kind": "imputation",
            "method": dict(self._method),
            "data": "panel" if isinstance(self._data, Panel) else "wide frame",
            "n_imputed": len(self._cells),
            "n_unfilled": len(self._unfilled),
            "fingerprints": dict(self._fingerprints),
        }

    def _tables(self) -> dict[str, pd.DataFrame]:
        data = self._data
        filled = data.to_frame() if isinstance(data, Panel) else data
        return {"cells": self._cells, "unfilled": self._unfilled, "data": filled}

    def _line(self) -> str:
        return (
            f"{self.n_imputed} cell(s) imputed by {self._method.get('method')!r}, "
            f"{len(self._unfilled)} missing cell(s) left"
        )


@dataclass(frozen=True, repr=False, eq=False)
class TreatmentResult(PreparationResult):
    """Result of :func:`~govindex.prepare.treat.treat` (immutable; every frame is handed
    out as a read-only copy).

    Attributes
    ----------
    data : DataFrame
        The treated ``entity × indicator`` frame (same labels as the input).
    report : DataFrame
        One row per indicator, see :func:`~govindex.prepare.treat.report_frame`.
    points : DataFrame
        One row per winsorised cell: ``entity``, ``indicator``, ``side`` (``low`` /
        ``high``), ``original``, ``treated``.
    flags : DataFrame
        ``entity × indicator`` strings: ``""``, ``"low"``, ``"high"`` or ``"log"``.
    method : dict
        The parameters used (JSON-serialisable).
    fingerprints : dict
        SHA-256 of the input frame (key ``data``).
    """

    _data: pd.DataFrame
    _report: pd.DataFrame
    _points: pd.DataFrame
    _flags: pd.DataFrame
    _method: Mapping[str, Any] = field(default_factory=dict)
    _fingerprints: Mapping[str, str] = field(default_factory=dict)

    data = HandOut[pd.DataFrame]("_data")
    report = HandOut[pd.DataFrame]("_report")
    points = HandOut[pd.DataFrame]("_points")
    flags = HandOut[pd.DataFrame]("_flags")

    @property
    def treated_indicators(self) -> list[str]:
        """Codes of the indicators that were winsorised or log-transformed."""
        rep = self._report
        return rep.index[(rep["points"] > 0) | (rep["treatment"].str.startswith("log"))].tolist()

    @property
    def provenance(self) -> dict[str, Any]:
        """The treatment parameters and the input fingerprint."""
        return {
            "kind": "outlier_treatment",
            "method": dict(self._method),
            "treated_indicators": self.treated_indicators,
            "fingerprints": dict(self._fingerprints),
        }

    def to_frame(self) -> pd.DataFrame:
        """Tidy: one row per (entity, indicator) with the treated ``value`` and its ``flag``."""
        value = cast(pd.Series, self._data.stack(future_stack=True)).rename("value")
        flag = cast(pd.Series, self._flags.stack(future_stack=True)).rename("flag")
        out = pd.concat([value, flag], axis=1)
        out.index.names = ["entity", "indicator"]
        return out.reset_index()

    def _tables(self) -> dict[str, pd.DataFrame]:
        return {
            "report": self._report,
            "points": self._points,
            "data": self._data,
            "flags": self._flags,
        }

    def _line(self) -> str:
        rep = self._report
        return (
            f"{int(rep['failed'].sum())} of {len(rep)} indicator(s) failed the "
            f"skew/kurtosis test; {int((rep['points'] > 0).sum())} winsorised "
            f"({int(rep['points'].sum())} points), "
            f"{int(rep['treatment'].str.startswith('log').sum())} log-transformed"
        )
