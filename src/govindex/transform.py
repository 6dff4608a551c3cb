"""Catalog transforms and references: the one place that takes logarithms of indicators.

:func:`transform_indicators` applies the catalog's ``transform = log`` to values *and*
goalposts (HDI style) and resolves ``reference`` parameters (an entity code, a number,
or ``"target"``: the catalog's targets). Used by the composite-index engine, by
:func:`govindex.normalize.normalize` and by the ``goalposts`` normalisation kernel,
so the three behave and warn alike (:class:`~govindex.exceptions.DataWarning`).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from govindex._arrays import per_indicator
from govindex._typing import FloatArray
from govindex.exceptions import DataWarning, MethodError, format_items, listing_warning

__all__ = ["Transformed", "transform_indicators"]


class Transformed(NamedTuple):
    """Output of :func:`transform_indicators`."""

    values: FloatArray
    lower: FloatArray | None
    upper: FloatArray | None
    reference: FloatArray | None


def transform_indicators(
    x: FloatArray,
    log: Any = False,
    *,
    lower: Any = None,
    upper: Any = None,
    reference: Any = None,
    targets: Any = None,
    entities: Sequence[Any] | pd.Index | None = None,
    labels: Sequence[Any] | None = None,
    where: str = "in the panel",
    stacklevel: int = 2,
) -> Transformed:
    """Apply the catalog's transforms to values and goalposts, and resolve a reference.

    The one place where govindex takes logarithms of indicators (catalog column
    ``transform = log``, or the ``log`` parameter of the ``goalposts`` normalisation) and resolves
    ``reference`` parameters: :func:`~govindex.compute_index` (via
    :func:`~govindex.indices.composite.normalize_indicators`),
    :func:`~govindex.normalize.normalize` and the ``goalposts`` kernel all call it.

    Parameters
    ----------
    x : ndarray, shape (E, I)
        Values (NaN = missing); not modified.
    log : bool or array_like of bool, shape (I,)
        Which columns are log-transformed.
    lower, upper : float or array_like of shape (I,), optional
        Goalposts; those of log-transformed columns are log-transformed too and must be
        positive (:class:`~govindex.exceptions.MethodError` otherwise; NaN = none).
    reference : optional
        ``"target"`` (the ``targets``), an entity code (that row of the transformed
        values: e.g. ``"OECD"``), a number, or one value per indicator.
    targets : array_like of shape (I,), optional
        The catalog's ``target`` column, for ``reference="target"``.
    entities : sequence, optional
        Codes of the rows of ``x``: resolve entity references and name the cells in
        the warning.
    labels : sequence, optional
        Codes of the columns (indicators), for warnings and errors.
    where : str, default "in the panel"
        Where the rows come from, for the error of an unknown reference entity.
    stacklevel : int, default 2
        ``stacklevel`` of the warning, as seen from the caller of this function.

    Returns
    -------
    Transformed
        ``values`` (a new array), ``lower``, ``upper`` (None when not given) and the
        per-indicator ``reference`` (None when not given).

    Warns
    -----
    DataWarning
        Non-positive values of log-transformed columns are set to NaN; the warning
        names the (entity/indicator) cells. A value changed by a transform is a data
        change, hence :class:`~govindex.exceptions.DataWarning` (as for capped or
        imputed values); :class:`~govindex.exceptions.NormalizationWarning` is kept for
        NaN produced by a normalisation itself (constant column, zero reference).

    Examples
    --------
    >>> out = transform_indicators(np.array([[100.0, 5.0]]), [True, False],
    ...                            lower=[10.0, 0.0], upper=[1000.0, 10.0])
    >>> out.values.round(4), out.lower.round(4), out.upper.round(4)
    (array([[4.6052, 5.    ]]), array([2.3026, 0.    ]), array([ 6.9078, 10.    ]))
    >>> transform_indicators(np.array([[1.0], [4.0]]), reference="B", entities=["A", "B"]).reference
    array([4.])
    """
    vals = np.array(x, dtype=np.float64)  # a copy: the caller's array is never touched
    k = vals.shape[1]
    use = np.broadcast_to(np.asarray(log, dtype=bool), (k,))
    names = [str(c) for c in labels] if labels is not None else [str(i) for i in range(k)]
    if use.any():
        cols = np.flatnonzero(use)
        sub = vals[:, cols]
        nonpos = sub <= 0
        if nonpos.any():
            e, i = np.nonzero(nonpos)
            rows = [str(entities[int(a)]) if entities is not None else str(a) for a in e]
            cells = [f"{r}/{names[cols[b]]}" for r, b in zip(rows, i, strict=True)]
            warnings.warn(
                listing_warning(
                    DataWarning,
                    "{n} non-positive value(s) cannot be log-transformed and are set to NaN: "
                    "{items}",
                    cells,
                    style="plain",
                ),
                stacklevel=stacklevel + 1,
            )
        with np.errstate(divide="ignore", invalid="ignore"):
            vals[:, cols] = np.where(sub > 0, np.log(np.where(sub > 0, sub, 1.0)), np.nan)
    posts = [None if p is None else _log_post(p, use, name, names)
             for p, name in ((lower, "lower"), (upper, "upper"))]  # fmt: skip
    ref = _reference(reference, vals, targets, entities, where)
    return Transformed(vals, posts[0], posts[1], ref)


def _log_post(posts: Any, use: np.ndarray, name: str, labels: list[str]) -> FloatArray:
    """Log-transform the goalposts of the log-transformed columns (which must be positive)."""
    p = per_indicator(posts, len(use), name)
    bad = use & (p <= 0)
    if bad.any():
        raise MethodError(
            f"log transform needs positive goalposts: log-transformed indicator(s) "
            f"{format_items(labels[i] for i in np.flatnonzero(bad))} need a positive {name!r} "
            f"goalpost; found {format_items(p[bad].tolist())}. Give positive goalposts or drop "
            "the log transform"
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(use & (p > 0), np.log(np.where(p > 0, p, 1.0)), p)


def _reference(
    ref: Any, vals: FloatArray, targets: Any, entities: Any, where: str
) -> FloatArray | None:
    if ref is None:
        return None
    k = vals.shape[1]
    if isinstance(ref, str) and ref == "target" and targets is not None:
        return per_indicator(targets, k, "target")
    if isinstance(ref, str):
        index = pd.Index(entities if entities is not None else [])
        if ref not in index:
            raise MethodError(f"reference entity {ref!r} is not {where}")
        return vals[index.get_loc(ref)].copy()
    return per_indicator(ref, k, "reference")
