"""Number and label formatting of the HTML reports (true minus signs, thousands separators)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from govindex.indices.gpi import PerformanceResult

__all__ = ["fmt_int", "fmt_num", "fmt_value", "is_synthetic", "records", "row_of", "slug"]


def fmt_num(value: object, digits: int = 1) -> str:
    """``61.5``; ``""`` for missing; thousands separators; a true minus sign."""
    if value is None or value is pd.NA:
        return ""
    v = float(value)  # type: ignore[arg-type]
    if not np.isfinite(v):
        return ""
    return f"{v:,.{digits}f}".replace("-", "−")


def fmt_value(value: object) -> str:
    """An observed value with up to 6 significant digits (no exponent below 10⁶)."""
    if value is None or value is pd.NA:
        return ""
    v = float(value)  # type: ignore[arg-type]
    if not np.isfinite(v):
        return ""
    text = f"{v:,.0f}" if abs(v) >= 1e6 else f"{v:,.6g}"
    return text.replace("-", "−")


def fmt_int(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(int(value))  # type: ignore[call-overload]


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in rec.items()} for rec in frame.to_dict("records")]


def row_of(frame: pd.DataFrame, label: str) -> dict[str, Any]:
    return records(frame.loc[[label]])[0]


#: Longest slug (a file name is at most 255 bytes; a long name keeps its start and a hash).
SLUG_LENGTH = 80


def slug(code: str, taken: set[str]) -> str:
    """A file-name-safe, unique (case-insensitively) and short name for ``code``.

    Examples
    --------
    >>> taken = set()
    >>> slug("gpi-Akmola region", taken), slug("gpi-akmola region", taken)
    ('gpi-Akmola_region', 'gpi-akmola_region-6f1e846c')
    >>> len(slug("gpi-" + "E" * 300, taken))
    80
    """
    digest = hashlib.sha256(code.encode()).hexdigest()[:8]
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", code).strip("._") or "body"
    if len(base) > SLUG_LENGTH:
        base = f"{base[: SLUG_LENGTH - 9]}-{digest}"
    slug = base
    if slug.lower() in taken:
        slug = f"{base[: SLUG_LENGTH - 9]}-{digest}"
    taken.add(slug.lower())
    return slug


def is_synthetic(results: Iterable[PerformanceResult]) -> bool:
    return any(
        r.catalog.column("source").astype("str").str.contains("SYNTHETIC", case=False).any()
        for r in results
    )
