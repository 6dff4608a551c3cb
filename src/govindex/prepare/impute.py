"""Imputation of missing values, vectorised: over time (panel) and across entities.

Two array kernels and one public function:

* :func:`impute_panel` fills gaps along the year axis of an ``(E, I, Y)`` array:
  last observation carried forward (``"locf"``) up to ``max_gap`` years, linear
  interpolation between two observations (``"linear"``, gaps of at most
  ``max_gap`` years), or a ``"constant"``;
* :func:`impute_cross_section` fills an ``(E, I)`` cross-section with the mean or
  median of the indicator, over all entities or within a group of entities
  (COINr's ``ind_mean`` / ``indgroup_mean`` / ``ind_median`` / ``indgroup_median``);
* :func:`impute` applies either to a :class:`~govindex.panel.Panel` or a wide
  ``entity × indicator`` DataFrame and returns an :class:`ImputationResult` that
  flags and counts every imputed cell.

Observed cells are never changed. Formulas and worked examples: ``docs/treatment.md``.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any, Literal, cast

import numpy as np
import pandas as pd

from govindex._typing import BoolArray, FloatArray
from govindex.exceptions import DataWarning, MethodError, PanelError, format_items
from govindex.panel import Panel
from govindex.prepare.results import ImputationResult, wide_fingerprint

__all__ = [
    "CROSS_SECTION_METHODS",
    "PANEL_METHODS",
    "ImputationResult",
    "check_imputation_spec",
    "impute",
    "impute_array",
    "impute_cross_section",
    "impute_panel",
    "warn_imputation",
    "wide_values",
]

ImputeMethod = Literal["locf", "linear", "constant", "mean", "median"]
#: Methods that fill along the year axis.
PANEL_METHODS: tuple[str, ...] = ("locf", "linear", "constant")
#: Methods that fill from the other entities of the same year.
CROSS_SECTION_METHODS: tuple[str, ...] = ("mean", "median")
_ALL = (*PANEL_METHODS, *CROSS_SECTION_METHODS)


# --------------------------------------------------------------------------- checks
def _check_method(method: object) -> str:
    if method not in _ALL:
        raise MethodError(f"unknown imputation method {method!r}; expected one of {list(_ALL)}")
    return str(method)


def _check_max_gap(max_gap: object) -> int | None:
    if max_gap is None:
        return None
    if isinstance(max_gap, bool) or not isinstance(max_gap, int | np.integer) or max_gap < 1:
        raise MethodError(
            f"max_gap must be a positive integer number of years or None; got {max_gap!r}"
        )
    return int(max_gap)


def _finite_array(values: Any, ndim: int, name: str) -> FloatArray:
    x = np.asarray(values, dtype=np.float64)
    if x.ndim != ndim:
        raise MethodError(f"{name} must be a {ndim}-D array; got shape {x.shape}")
    if np.isinf(x).any():
        raise PanelError(
            f"{name} has {int(np.isinf(x).sum())} infinite value(s); replace them with a "
            "finite number or NaN before imputing"
        )
    return x


# --------------------------------------------------------------------------- kernels
def impute_panel(
    values: Any,
    *,
    method: Literal["locf", "linear", "constant"] = "locf",
    max_gap: int | None = None,
    value: Any = None,
) -> tuple[FloatArray, BoolArray]:
    """Fill missing values along the year axis of an ``(E, I, Y)`` array.

    Parameters
    ----------
    values : array_like, shape (E, I, Y)
        Entity × indicator × consecutive years; NaN = missing. Not modified.
    method : {"locf", "linear", "constant"}, default "locf"
        ``"locf"``: the latest earlier observation, carried at most ``max_gap``
        years forward (cells before the first observation stay missing).
        ``"linear"``: ``x_a + (x_b − x_a)·(t − a)/(b − a)`` between the
        observations at years ``a < t < b``, for gaps of at most ``max_gap``
        missing years (no extrapolation at either edge).
        ``"constant"``: ``value`` in every missing cell.
    max_gap : int, optional
        Years (see ``method``); None = no limit. Not allowed with ``"constant"``.
    value : float or array_like of shape (I,), optional
        The constant (one per indicator, or one for all); required for ``"constant"``.

    Returns
    -------
    filled : ndarray, shape (E, I, Y)
        A new array; observed cells are unchanged.
    mask : ndarray of bool, shape (E, I, Y)
        True where a missing cell was filled.

    Examples
    --------
    >>> x = np.array([[[1.0, np.nan, np.nan, np.nan, 5.0]]])
    >>> impute_panel(x, method="locf", max_gap=2)[0]
    array([[[ 1.,  1.,  1., nan,  5.]]])
    >>> impute_panel(x, method="linear")[0]
    array([[[1., 2., 3., 4., 5.]]])
    >>> impute_panel(x, method="linear", max_gap=2)[1].any()
    np.False_
    """
    x = _finite_array(values, 3, "values")
    method = cast(Literal["locf", "linear", "constant"], _check_method(method))
    if method not in PANEL_METHODS:
        raise MethodError(
            f"impute_panel fills along years with one of {list(PANEL_METHODS)}; got "
            f"{method!r} (use impute_cross_section for mean/median)"
        )
    gap = _check_max_gap(max_gap)
    observed = ~np.isnan(x)
    if method == "constant":
        if gap is not None:
            raise MethodError("max_gap applies to 'locf' and 'linear', not to 'constant'")
        fill_value = _constant(value, x.shape[1]).reshape(1, -1, 1)
        mask = ~observed
        return np.where(mask, fill_value, x), mask
    if value is not None:
        raise MethodError(f"value is only used by method='constant', not by {method!r}")
    n_years = x.shape[2]
    t = np.arange(n_years)
    # position of the latest observation at or before each year (−1: none yet)
    last = np.maximum.accumulate(np.where(observed, t, -1), axis=2)
    before = np.take_along_axis(x, np.maximum(last, 0), axis=2)
    if method == "locf":
        mask = ~observed & (last >= 0)
        if gap is not None:
            mask &= t - last <= gap
        return np.where(mask, before, x), mask
    # position of the next observation at or after each year (Y: none)
    nxt = np.minimum.accumulate(np.where(observed, t, n_years)[:, :, ::-1], axis=2)[:, :, ::-1]
    after = np.take_along_axis(x, np.minimum(nxt, n_years - 1), axis=2)
    mask = ~observed & (last >= 0) & (nxt < n_years)
    if gap is not None:
        mask &= nxt - last - 1 <= gap
    with np.errstate(divide="ignore", invalid="ignore"):
        share = (t - last) / (nxt - last)
    return np.where(mask, before + (after - before) * share, x), mask


def _constant(value: Any, n_indicators: int) -> FloatArray:
    if value is None:
        raise MethodError("method='constant' needs value=<number or one number per indicator>")
    try:
        v = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise MethodError(f"value must be numeric; got {value!r}") from None
    if v.ndim == 0:
        v = np.full(n_indicators, float(v))
    if v.shape != (n_indicators,) or not np.isfinite(v).all():
        raise MethodError(
            f"value must be one finite number or {n_indicators} finite numbers (one per "
            f"indicator); got {value!r}"
        )
    return v


def _group_codes(groups: Any, n: int) -> tuple[np.ndarray, int]:
    if groups is None:
        return np.zeros(n, dtype=np.int64), 1 if n else 0
    labels = np.asarray(groups, dtype=object)
    if labels.shape != (n,):
        raise MethodError(f"groups must have one label per entity ({n}); got shape {labels.shape}")
    codes, uniques = pd.factorize(labels)
    if (codes < 0).any():
        raise MethodError(
            "groups has missing labels at entity position(s) "
            f"{format_items(np.flatnonzero(codes < 0))}; give every entity a group"
        )
    return codes.astype(np.int64), len(uniques)


def impute_cross_section(
    x: Any,
    *,
    method: Literal["mean", "median"] = "mean",
    groups: Any = None,
) -> tuple[FloatArray, BoolArray]:
    """Fill missing cells of an ``(E, I)`` array with the indicator's mean or median.

    The statistic is taken over the observed values of the same indicator, either
    over all entities or, with ``groups``, over the entities of the same group (as
    COINr's ``indgroup_mean`` / ``indgroup_median``). A cell whose group has no
    observed value of that indicator stays missing (``mask`` False).

    Parameters
    ----------
    x : array_like, shape (E, I)
        NaN = missing. Not modified.
    method : {"mean", "median"}, default "mean"
    groups : array_like of shape (E,), optional
        One group label per entity (row).

    Returns
    -------
    filled : ndarray, shape (E, I)
    mask : ndarray of bool, shape (E, I)
        True where a missing cell was filled.

    Examples
    --------
    >>> x = np.array([[1.0], [3.0], [np.nan], [10.0], [np.nan]])
    >>> impute_cross_section(x, method="mean")[0].ravel()
    array([ 1. ,  3. ,  4.66666667, 10. ,  4.66666667])
    >>> impute_cross_section(x, groups=["a", "a", "a", "b", "b"])[0].ravel()
    array([ 1.,  3.,  2., 10., 10.])
    """
    x = _finite_array(x, 2, "x")
    if _check_method(method) not in CROSS_SECTION_METHODS:
        raise MethodError(
            f"impute_cross_section uses one of {list(CROSS_SECTION_METHODS)}; got {method!r} "
            "(use impute_panel for locf/linear/constant)"
        )
    n_ent, n_ind = x.shape
    codes, n_groups = _group_codes(groups, n_ent)
    observed = ~np.isnan(x)
    counts = np.zeros((n_groups, n_ind))
    np.add.at(counts, codes, observed.astype(np.float64))
    if method == "mean":
        sums = np.zeros((n_groups, n_ind))
        np.add.at(sums, codes, np.where(observed, x, 0.0))
        with np.errstate(divide="ignore", invalid="ignore"):
            stat = sums / counts
    else:
        stat = _group_median(x, codes, n_groups, counts)
    stat = np.where(counts > 0, stat, np.nan)
    fill = stat[codes] if n_ent else np.empty_like(x)
    mask = ~observed & ~np.isnan(fill)
    return np.where(mask, fill, x), mask


def _group_median(
    x: FloatArray, codes: np.ndarray, n_groups: int, counts: FloatArray
) -> FloatArray:
    """Median per (group, column) by one sort by (group, value), NaN last in each group."""
    if x.shape[0] == 0:
        return np.full((n_groups, x.shape[1]), np.nan)
    by_value = np.argsort(x, axis=0, kind="stable")  # NaN last
    by_group = np.argsort(codes[by_value], axis=0, kind="stable")
    order = np.take_along_axis(by_value, by_group, axis=0)
    xs = np.take_along_axis(x, order, axis=0)
    sizes = np.bincount(codes, minlength=n_groups)
    start = (np.cumsum(sizes) - sizes)[:, None]
    n = counts.astype(np.int64)
    last = x.shape[0] - 1
    lo = np.clip(start + (n - 1) // 2, 0, last)
    hi = np.clip(start + n // 2, 0, last)
    cols = np.arange(x.shape[1])[None, :]
    return (xs[lo, cols] + xs[hi, cols]) / 2.0


# --------------------------------------------------------------------------- specs
def check_imputation_spec(spec: Mapping[str, Any]) -> dict[str, Any]:
    """Validate an imputation specification and return it JSON-serialisable.

    ``{"method": ..., "groups": {entity: group}, "max_gap": ..., "value": ...}``;
    only ``method`` is required. Used by :class:`govindex.IndexMethod`.

    Examples
    --------
    >>> check_imputation_spec({"method": "mean", "groups": pd.Series({"A": 1, "B": 1})})
    {'method': 'mean', 'groups': {'A': '1', 'B': '1'}}
    """
    if not isinstance(spec, Mapping):
        raise MethodError(
            f"imputation must be a mapping such as {{'method': 'mean'}}; got {spec!r}"
        )
    unknown = sorted(set(spec) - {"method", "groups", "max_gap", "value"})
    if unknown:
        raise MethodError(
            f"unknown imputation parameter(s) {format_items(unknown)}; expected 'method', "
            "'groups', 'max_gap', 'value'"
        )
    if "method" not in spec:
        raise MethodError(f"imputation needs a 'method', one of {list(_ALL)}")
    method = _check_method(spec["method"])
    out: dict[str, Any] = {"method": method}
    if spec.get("groups") is not None:
        if method not in CROSS_SECTION_METHODS:
            raise MethodError(f"groups apply to {list(CROSS_SECTION_METHODS)}, not to {method!r}")
        out["groups"] = _groups_dict(spec["groups"])
    if spec.get("max_gap") is not None:
        if method not in ("locf", "linear"):
            raise MethodError(f"max_gap applies to 'locf' and 'linear', not to {method!r}")
        out["max_gap"] = _check_max_gap(spec["max_gap"])
    if method == "constant":
        v: Any = spec.get("value")
        scalar = v is None or np.ndim(v) == 0
        const = _constant(v, 1 if scalar else len(v))
        out["value"] = float(const[0]) if scalar else const.tolist()
    elif spec.get("value") is not None:
        raise MethodError(f"value is only used by method='constant', not by {method!r}")
    return out


def _groups_dict(groups: Any) -> dict[str, str]:
    if isinstance(groups, pd.Series):
        items = groups.to_dict()
    elif isinstance(groups, Mapping):
        items = dict(groups)
    else:
        raise MethodError(
            f"groups must be a mapping or Series entity → group; got {type(groups).__name__}"
        )
    bad = [k for k, v in items.items() if v is None or (isinstance(v, float) and np.isnan(v))]
    if bad:
        raise MethodError(f"groups has no group for entity(ies) {format_items(bad)}")
    return {str(k): str(v) for k, v in items.items()}


def _groups_for(groups: Any, entities: pd.Index) -> np.ndarray | None:
    if groups is None:
        return None
    labels = pd.Series(_groups_dict(groups), dtype="object").reindex(entities.astype(str))
    if labels.isna().any():
        raise MethodError(
            f"groups has no group for entity(ies) {format_items(labels.index[labels.isna()])}; "
            "give every entity of the data a group"
        )
    return labels.to_numpy(dtype=object)


def impute_array(
    cube: FloatArray, year: int, spec: Mapping[str, Any], entities: pd.Index
) -> tuple[FloatArray, BoolArray]:
    """Impute the cross-section at year position ``year`` of an ``(E, I, Y)`` cube.

    Panel methods use every year of ``cube``; cross-section methods only ``year``.
    ``spec`` as accepted by :func:`check_imputation_spec`. Used by
    :func:`govindex.compute_index`.

    Examples
    --------
    >>> cube = np.array([[[1.0, 2.0]], [[5.0, np.nan]]])  # 2 entities, 1 indicator, 2 years
    >>> impute_array(cube, 1, {"method": "locf"}, pd.Index(["A", "B"]))
    (array([[2.],
           [5.]]), array([[False],
           [ True]]))
    """
    spec = check_imputation_spec(spec)
    method = spec["method"]
    if method in PANEL_METHODS:
        filled, mask = impute_panel(
            cube, method=method, max_gap=spec.get("max_gap"), value=spec.get("value")
        )
        return filled[:, :, year], mask[:, :, year]
    return impute_cross_section(
        cube[:, :, year], method=method, groups=_groups_for(spec.get("groups"), entities)
    )


# --------------------------------------------------------------------------- public API
def impute(
    data: Panel | pd.DataFrame,
    *,
    method: ImputeMethod = "mean",
    groups: Mapping[Any, Any] | pd.Series | None = None,
    max_gap: int | None = None,
    value: Any = None,
) -> ImputationResult:
    """Impute missing values of a panel or of a wide ``entity × indicator`` frame.

    Parameters
    ----------
    data : Panel or DataFrame
        A :class:`~govindex.panel.Panel` (every method; ``mean``/``median`` work
        year by year), or a wide numeric DataFrame with one row per entity and
        one column per indicator (``mean``, ``median``, ``constant``). Not modified.
    method : {"mean", "median", "locf", "linear", "constant"}, default "mean"
        See :func:`impute_cross_section` and :func:`impute_panel`.
    groups : mapping or Series, optional
        Entity → group, for ``mean``/``median`` within groups.
    max_gap : int, optional
        Years, for ``locf`` and ``linear``.
    value : float or sequence, optional
        For ``constant``: one number, or one per indicator (panel indicator order
        or the frame's columns).

    Returns
    -------
    ImputationResult

    Warns
    -----
    DataWarning
        When cells are imputed, or missing cells could not be filled.

    Examples
    --------
    >>> wide = pd.DataFrame({"x": [1.0, 3.0, None, 10.0]},
    ...                     index=pd.Index(["A", "B", "C", "D"], name="entity"))
    >>> import warnings; warnings.simplefilter("ignore")
    >>> res = impute(wide, method="mean", groups={"A": "g", "B": "g", "C": "g", "D": "h"})
    >>> res.data["x"].tolist()
    [1.0, 3.0, 2.0, 10.0]
    >>> res.cells
      entity indicator  value method group
    0      C         x    2.0   mean     g
    """
    spec = check_imputation_spec(
        {"method": method, "groups": groups, "max_gap": max_gap, "value": value}
    )
    if isinstance(data, Panel):
        result = _impute_panel_object(data, spec)
    elif isinstance(data, pd.DataFrame):
        result = _impute_wide(data, spec)
    else:
        raise MethodError(
            f"impute expects a Panel or a wide DataFrame (entity × indicator); got "
            f"{type(data).__name__}"
        )
    _warn(result)
    return result


def _warn(result: ImputationResult) -> None:
    warn_imputation(result.counts, str(result.method["method"]), len(result.unfilled),
                    stacklevel=4, where=".cells")  # fmt: skip


def warn_imputation(
    counts: pd.Series, method: str, n_unfilled: int, *, stacklevel: int, where: str
) -> None:
    """Emit a :class:`DataWarning` with the imputed cells per indicator (``counts``)."""
    total = int(counts.sum())
    if total:
        top = [f"{k} ({v})" for k, v in counts[counts > 0].items()]
        warnings.warn(
            f"{total} missing cell(s) imputed by {method!r}: "
            f"{', '.join(top[:10])}{' …' if len(top) > 10 else ''}; see {where}",
            DataWarning,
            stacklevel=stacklevel,
        )
    if n_unfilled:
        warnings.warn(
            f"{n_unfilled} missing cell(s) could not be imputed (no value to carry or "
            "no observed value in the group)",
            DataWarning,
            stacklevel=stacklevel,
        )


def _impute_wide(frame: pd.DataFrame, spec: dict[str, Any]) -> ImputationResult:
    method = spec["method"]
    if method in ("locf", "linear"):
        raise MethodError(
            f"method {method!r} fills along years; pass a Panel (Panel.from_frame) instead of "
            "a wide entity × indicator frame"
        )
    x = wide_values(frame)
    entities = pd.Index(frame.index.astype(str), name="entity")
    if method == "constant":
        filled3, mask3 = impute_panel(x[:, :, None], method="constant", value=spec["value"])
        filled, mask = filled3[:, :, 0], mask3[:, :, 0]
    else:
        filled, mask = impute_cross_section(
            x, method=method, groups=_groups_for(spec.get("groups"), entities)
        )
    out = pd.DataFrame(filled, index=frame.index.copy(), columns=frame.columns.copy())
    mask_df = pd.DataFrame(mask, index=frame.index.copy(), columns=frame.columns.copy())
    ind = pd.Index(frame.columns.astype(str))
    keys: dict[str, pd.Index | np.ndarray] = {"entity": entities, "indicator": ind}
    cells = _cells(mask, filled, keys, spec, entities)
    unfilled = _cells(np.isnan(filled), None, keys, spec, entities)
    return ImputationResult(out, mask_df, cells, unfilled, spec, {"data": wide_fingerprint(frame)})


def wide_values(frame: pd.DataFrame) -> FloatArray:
    """The float array of a wide entity × indicator frame, checked.

    Every column must be numeric, every entity row unique and every value finite
    or missing; :class:`~govindex.exceptions.PanelError` otherwise.

    Examples
    --------
    >>> wide_values(pd.DataFrame({"x": [1.0, None]}, index=["A", "B"]))
    array([[ 1.],
           [nan]])
    """
    bad = [
        str(c)
        for c, dt in frame.dtypes.items()
        if not pd.api.types.is_numeric_dtype(dt) or pd.api.types.is_bool_dtype(dt)
    ]
    if bad:
        raise PanelError(
            f"column(s) {format_items(bad)} are not numeric; a wide frame must hold only "
            "indicator values (move group or name columns out, e.g. into groups=)"
        )
    if frame.index.has_duplicates:
        dup = frame.index[frame.index.duplicated()].unique()
        raise PanelError(f"duplicated entity row(s) {format_items(dup)}; keep one row per entity")
    return _finite_array(frame.to_numpy(dtype=np.float64, na_value=np.nan), 2, "the frame")


def _cells(
    mask: BoolArray,
    values: FloatArray | None,
    keys: dict[str, pd.Index | np.ndarray],
    spec: dict[str, Any],
    entities: pd.Index,
) -> pd.DataFrame:
    """Tidy table of the cells where ``mask`` is True (key columns from ``keys``, one per axis)."""
    pos = np.nonzero(mask)
    table: dict[str, Any] = {
        name: np.asarray(labels)[p] for (name, labels), p in zip(keys.items(), pos, strict=True)
    }
    if values is not None:
        table["value"] = values[pos]
        table["method"] = spec["method"]
        if "groups" in spec:
            labels = _groups_for(spec["groups"], entities)
            table["group"] = labels[pos[0]] if labels is not None else None
    out = pd.DataFrame(table)
    for col in ("entity", "indicator", "method", "group"):
        if col in out.columns:
            out[col] = out[col].astype("str")
    return out


def _impute_panel_object(panel: Panel, spec: dict[str, Any]) -> ImputationResult:
    method = spec["method"]
    cube = np.asarray(panel.values)
    if method in PANEL_METHODS:
        filled, mask = impute_panel(
            cube, method=method, max_gap=spec.get("max_gap"), value=spec.get("value")
        )
    else:
        e, i, y = cube.shape
        # every (indicator, year) column is its own cross-section
        flat, flat_mask = impute_cross_section(
            cube.reshape(e, i * y), method=method,
            groups=_groups_for(spec.get("groups"), panel.entities),
        )  # fmt: skip
        filled, mask = flat.reshape(e, i, y), flat_mask.reshape(e, i, y)
    keys: dict[str, pd.Index | np.ndarray] = {
        "entity": panel.entities, "indicator": panel.indicators, "year": panel.years}  # fmt: skip
    cells = _cells(mask, filled, keys, spec, panel.entities)
    unfilled = _cells(np.isnan(filled), None, keys, spec, panel.entities)
    rows = pd.MultiIndex.from_product([panel.entities, panel.indicators])
    mask_df = pd.DataFrame(
        mask.reshape(len(rows), -1), index=rows, columns=pd.Index(panel.years, name="year")
    )
    filled_panel = _filled_panel(panel, filled, mask)
    return ImputationResult(
        filled_panel, mask_df, cells, unfilled, spec, {"data": panel.fingerprint}
    )


def _filled_panel(panel: Panel, filled: FloatArray, mask: BoolArray) -> Panel:
    tidy = panel.to_frame()
    if not mask.any():
        return panel
    shape = panel.shape
    e = panel.entities.get_indexer(pd.Index(tidy["entity"]))
    i = panel.indicators.get_indexer(pd.Index(tidy["indicator"]))
    y = tidy["year"].to_numpy(dtype=np.int64) - int(panel.years[0])
    row_of = np.full(shape, -1, dtype=np.int64)
    row_of[e, i, y] = np.arange(len(tidy))
    rows = row_of[mask]
    vals = filled[mask]
    have = rows >= 0  # a row with value NaN exists: overwrite its value
    value = tidy["value"].to_numpy(dtype=np.float64, copy=True)
    value[rows[have]] = vals[have]
    tidy["value"] = value
    pe, pi, py = (a[~have] for a in np.nonzero(mask))
    new = pd.DataFrame({
        "entity": panel.entities.to_numpy()[pe], "indicator": panel.indicators.to_numpy()[pi],
        "year": panel.years[py], "value": vals[~have]})  # fmt: skip
    if "sample_size" in tidy.columns:
        new["sample_size"] = np.nan
    return Panel.from_frame(pd.concat([tidy, new], ignore_index=True))
