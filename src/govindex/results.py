"""Shared behaviour of result objects: provenance, HTML display and Parquet export."""

from __future__ import annotations

import html
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from govindex._provenance import to_parquet_with_provenance

__all__ = ["ResultMixin"]


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
