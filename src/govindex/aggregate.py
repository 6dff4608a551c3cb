"""Aggregation kernels and the vectorised roll-up over the framework tree.

Every kernel has one signature::

    kernel(x, w, **params) -> ndarray

with ``x`` of shape ``(n_entities, n_parents, n_children)`` (NaN = missing child)
and ``w`` of shape ``(n_parents, n_children)``; padding children have weight 0 (and
any value, NaN or 0) and must be ignored, like any child with weight 0. A kernel
returns ``(n_entities, n_parents)``; missing children are skipped and the weights of
the children present are rescaled to sum to one. With a leading replication axis
(Monte-Carlo replications, each with its own weights) ``x`` is
``(n_replications, n_entities, n_parents, n_children)``, ``w`` is
``(n_replications, n_parents, n_children)`` and the result
``(n_replications, n_entities, n_parents)``.

:func:`aggregate_tree` rolls scores up a catalog's tree level by level (deepest
parents first), grouping parents by aggregation method, so the only Python loops
run over tree levels and method names — never over entities, indicators or
replications. It is the one tree roll-up of govindex: composite indices, the GPI, the
NPI, the operational scorecard sums and the Monte-Carlo replications of
:mod:`govindex.analysis.uncertainty` all use it.
"""

from __future__ import annotations

import inspect
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from govindex._numerics import checked_weights, rescued_mean, scaled_weights
from govindex._registry import Registry
from govindex._typing import FloatArray, IntArray
from govindex.exceptions import AggregationError, MethodError, format_items
from govindex.methods import check_coverage, check_number

__all__ = ["AGGREGATORS", "AggregationSpec", "aggregate_tree", "parse_aggregation"]

Kernel = Callable[..., FloatArray]

#: Registry of aggregation kernels by name.
AGGREGATORS: Registry[Kernel] = Registry("aggregation")


#: einsum of children × weights, by the number of dimensions of the weights
_EINSUM = {2: "...pc,pc->...p", 3: "...epc,...pc->...ep"}


def _wide(w: FloatArray) -> FloatArray:
    """``w`` aligned with ``x`` for broadcasting: ``(P, C)`` as is, ``(R, P, C)`` → ``(R, 1, P, C)``."""
    return w if w.ndim == 2 else w[..., np.newaxis, :, :]


def _present_weights(x: FloatArray, w: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Weights of the children present (``(…, E, P, C)``) and their sums, for the means."""
    wm = np.where(np.isnan(x), 0.0, _wide(scaled_weights(checked_weights(w))))
    return wm, wm.sum(axis=-1)


def _weighted_sums(
    x: FloatArray, w: FloatArray, *, overwrite: bool = False
) -> tuple[FloatArray, FloatArray]:
    """``(Σ w·x, Σ w)`` over the children present, each ``x.shape[:-1]`` (fused einsum).

    ``overwrite=True`` lets the missing cells of ``x`` be set to 0 in place (for an
    array the caller owns), which saves a copy.
    """
    # fused multiply-sum (einsum) instead of materialising the (E, P, C) weight array;
    # complete data (the common case) skips the masking passes
    missing = np.isnan(x)
    if missing.any():
        if overwrite:
            np.copyto(x, 0.0, where=missing)
        else:
            x = np.where(missing, 0.0, x)
    num = np.einsum(_EINSUM[w.ndim], x, w)
    return num, _present_sum(missing, w, num.shape)


def _present_sum(missing: np.ndarray, w: FloatArray, shape: tuple[int, ...]) -> FloatArray:
    """``Σ w`` over the children present (not ``missing``), of shape ``shape``."""
    if missing.any():
        return np.einsum(_EINSUM[w.ndim], ~missing, w)
    total = w.sum(axis=-1)
    return np.broadcast_to(total if w.ndim == 2 else total[..., np.newaxis, :], shape)


def _ratio(num: FloatArray, wsum: FloatArray) -> FloatArray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(wsum > 0, num / np.where(wsum > 0, wsum, 1.0), np.nan)


def _mean_of(values: FloatArray, wm: FloatArray, wsum: FloatArray) -> FloatArray:
    # Σ_c wm·values over the children with positive weight, fused in one pass (einsum)
    num = np.einsum("...c,...c->...", wm, np.where(wm > 0, values, 0.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(wsum > 0, num / np.where(wsum > 0, wsum, 1.0), np.nan)


#: The advice of an aggregation that needs positive values (an index replaces it with its own).
POSITIVE_ADVICE = (
    "Normalise to a positive range (e.g. minmax with low=1, high=100) or use the arithmetic mean"
)


def _require_positive(
    x: FloatArray, wm: FloatArray, name: str, *, allow_zero: bool = False
) -> None:
    bad = (wm > 0) & ((x < 0) if allow_zero else (x <= 0))
    if np.any(bad):
        need = "values ≥ 0" if allow_zero else "positive values"
        found = "< 0" if allow_zero else "≤ 0"
        raise AggregationError(
            f"{name} mean needs {need}; found {int(bad.sum())} value(s) {found} "
            f"(smallest {float(np.min(np.where(bad, x, np.inf))):g}). {POSITIVE_ADVICE}"
        )


@AGGREGATORS.register("arithmetic")
def arithmetic(x: FloatArray, w: FloatArray) -> FloatArray:
    """Weighted arithmetic mean over the children present.

    Examples
    --------
    >>> arithmetic(np.array([[[10.0, 20.0, np.nan]]]), np.array([[1.0, 3.0, 1.0]]))
    array([[17.5]])
    """
    w = scaled_weights(checked_weights(w))
    num, wsum = _weighted_sums(x, w)
    return rescued_mean(_ratio(num, wsum), x, wsum > 0, lambda v: _ratio(*_weighted_sums(v, w)))


@AGGREGATORS.register("geometric")
def geometric(x: FloatArray, w: FloatArray) -> FloatArray:
    """Weighted geometric mean ``exp(Σ w log x / Σ w)``; values must be positive.

    Examples
    --------
    >>> geometric(np.array([[[1.0, 100.0]]]), np.array([[1.0, 1.0]]))
    array([[10.]])
    """
    wm, wsum = _present_weights(x, w)
    _require_positive(x, wm, "geometric")
    with np.errstate(invalid="ignore", divide="ignore"):
        logs = np.log(np.where(wm > 0, x, 1.0))
    return np.exp(_mean_of(logs, wm, wsum))


@AGGREGATORS.register("harmonic")
def harmonic(x: FloatArray, w: FloatArray) -> FloatArray:
    """Weighted harmonic mean ``Σ w / Σ (w / x)``; values must be positive.

    Examples
    --------
    >>> harmonic(np.array([[[1.0, 3.0]]]), np.array([[1.0, 1.0]]))
    array([[1.5]])
    """
    wm, wsum = _present_weights(x, w)
    _require_positive(x, wm, "harmonic")

    def mean(v: FloatArray) -> FloatArray:
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            inv = np.where(wm > 0, 1.0 / np.where(wm > 0, v, 1.0), 0.0)
            return 1.0 / _mean_of(inv, wm, wsum)

    # 1/x of a value near 0 overflows: scale by the smallest child then
    return rescued_mean(mean(x), x, wsum > 0, mean, by="min")


@AGGREGATORS.register("generalized")
def generalized(x: FloatArray, w: FloatArray, *, p: float = 1.0) -> FloatArray:
    """Weighted generalised (power) mean ``(Σ w x^p / Σ w)^(1/p)``; ``p = 0`` is geometric.

    Examples
    --------
    >>> generalized(np.array([[[3.0, 4.0]]]), np.array([[1.0, 1.0]]), p=2) ** 2
    array([[12.5]])
    """
    p = check_number(p, "p", hint=". It is the power of the generalised mean")
    if p == 0:
        return geometric(x, w)
    if p == 1:
        return arithmetic(x, w)
    wm, wsum = _present_weights(x, w)
    # the power mean is a mean of positive values; an integer power > 0 also allows 0
    _require_positive(x, wm, f"generalised (p={p:g})", allow_zero=p > 0 and p.is_integer())

    def mean(v: FloatArray) -> FloatArray:
        with np.errstate(invalid="ignore", divide="ignore", over="ignore", under="ignore"):
            powered = np.where(wm > 0, np.where(wm > 0, v, 1.0) ** p, 0.0)
            return _mean_of(powered, wm, wsum) ** (1.0 / p)

    # x^p beyond the float range: scale by the largest (p > 0) or smallest (p < 0) child
    by: Literal["max", "min"] = "max" if p > 0 else "min"
    value = mean(x)
    if p > 0:  # x^p may also underflow to 0 although a child is positive
        tiny = (value == 0) & np.any((wm > 0) & (x > 0), axis=-1)
        value = np.where(tiny, np.inf, value)
    return rescued_mean(value, x, wsum > 0, mean, by=by, exact=True)


@AGGREGATORS.register("median")
def median(x: FloatArray, w: FloatArray) -> FloatArray:
    """Weighted median of the children present (equal weights give the ordinary median).

    The weighted median is the smallest value whose cumulative weight reaches half
    the total; when it reaches exactly half, the mean of that value and the next.

    Examples
    --------
    >>> median(np.array([[[4.0, 1.0, 3.0, 2.0]]]), np.ones((1, 4)))
    array([[2.5]])
    >>> median(np.array([[[1.0, 2.0, 9.0]]]), np.array([[1.0, 1.0, 5.0]]))
    array([[9.]])
    """
    wm, wsum = _present_weights(x, w)
    filled = np.where(wm > 0, x, np.inf)
    order = np.argsort(filled, axis=-1, kind="stable")
    xs = np.take_along_axis(filled, order, axis=-1)
    ws = np.take_along_axis(wm, order, axis=-1)
    cum = np.cumsum(ws, axis=-1)
    half = 0.5 * wsum[..., np.newaxis]
    tol = 1e-12 * wsum[..., np.newaxis]  # relative: weights of any scale give one median
    k = np.argmax(cum >= half - tol, axis=-1)[..., np.newaxis]
    lower = np.take_along_axis(xs, k, axis=-1)[..., 0]
    exact = np.abs(np.take_along_axis(cum, k, axis=-1) - half)[..., 0] <= tol[..., 0]
    k_next = np.minimum(k + 1, xs.shape[-1] - 1)
    upper = np.take_along_axis(xs, k_next, axis=-1)[..., 0]
    upper = np.where(np.isfinite(upper), upper, lower)
    with np.errstate(over="ignore", invalid="ignore"):
        mid = 0.5 * (lower + upper)
        mid = np.where(np.isinf(mid), 0.5 * lower + 0.5 * upper, mid)  # the sum overflowed
    out = np.where(exact, mid, lower)
    return np.where(wsum > 0, out, np.nan)


@AGGREGATORS.register("min")
def minimum(x: FloatArray, w: FloatArray) -> FloatArray:
    """Minimum of the children present with positive weight (weights otherwise ignored).

    Examples
    --------
    >>> minimum(np.array([[[4.0, np.nan, 3.0]]]), np.ones((1, 3)))
    array([[3.]])
    """
    wm, wsum = _present_weights(x, w)
    out = np.min(np.where(wm > 0, x, np.inf), axis=-1)
    return np.where(wsum > 0, out, np.nan)


@AGGREGATORS.register("sum")
def total(x: FloatArray, w: FloatArray) -> FloatArray:
    """Weighted sum ``Σ w x`` of the children present (points); weights are not rescaled.

    Examples
    --------
    >>> total(np.array([[[4.0, np.nan, 3.0]]]), np.array([[1.0, 1.0, 2.0]]))
    array([[10.]])
    """
    wm = np.where(np.isnan(x), 0.0, _wide(checked_weights(w)))  # not rescaled: a sum
    with np.errstate(over="ignore", invalid="ignore"):
        wsum = wm.sum(axis=-1)  # only its sign is used
        out = np.sum(np.where(wm > 0, wm * np.nan_to_num(x), 0.0), axis=-1)
    over = ~np.isfinite(out) & (wsum > 0)
    if over.any():
        raise AggregationError(
            f"sum aggregation beyond the floating-point range (|sum| > 1.8e308) for "
            f"{int(over.sum())} parent value(s); reduce the weights or the values"
        )
    return np.where(wsum > 0, out, np.nan)


# ---------------------------------------------------------------------- specs
_SPEC = re.compile(r"^\s*([a-z_]+)\s*(?:\(\s*(.*?)\s*\))?\s*$")


@dataclass(frozen=True)
class AggregationSpec:
    """An aggregation method name and its parameters, e.g. ``generalized(p=0.5)``."""

    name: str
    params: tuple[tuple[str, float], ...] = ()

    def __str__(self) -> str:
        if not self.params:
            return self.name
        inner = ", ".join(f"{k}={v:g}" for k, v in self.params)
        return f"{self.name}({inner})"


def parse_aggregation(text: str | AggregationSpec) -> AggregationSpec:
    """Parse ``"name"`` or ``"name(key=value, ...)"`` into an :class:`AggregationSpec`.

    Examples
    --------
    >>> parse_aggregation("generalized(p=0.5)")
    AggregationSpec(name='generalized', params=(('p', 0.5),))
    >>> str(parse_aggregation("arithmetic"))
    'arithmetic'
    """
    if isinstance(text, AggregationSpec):
        return text
    m = _SPEC.match(str(text))
    if m is None:
        raise MethodError(
            f"cannot parse aggregation {text!r}; expected e.g. 'arithmetic' or 'generalized(p=2)'"
        )
    name, inner = m.group(1), m.group(2)
    if name not in AGGREGATORS:
        raise MethodError(
            f"unknown aggregation method {name!r}; expected one of {AGGREGATORS.names()}"
        )
    params: list[tuple[str, float]] = []
    if inner:
        for part in inner.split(","):
            key, sep, val = part.partition("=")
            try:
                params.append((key.strip(), float(val)))
            except ValueError:
                raise MethodError(f"bad parameter {part!r} in aggregation {text!r}") from None
            if not sep or not key.strip():
                raise MethodError(f"bad parameter {part!r} in aggregation {text!r}")
    allowed = [
        n for n, prm in inspect.signature(AGGREGATORS[name]).parameters.items()
        if prm.kind is inspect.Parameter.KEYWORD_ONLY
    ]  # fmt: skip
    unknown = [k for k, _ in params if k not in allowed]
    if unknown:
        raise MethodError(
            f"aggregation {name!r} has no parameter(s) {unknown}; "
            f"its parameters are {allowed or 'none'} (in {text!r})"
        )
    for key, value in params:
        check_number(value, f"parameter {key!r} of aggregation {text!r}")
    return AggregationSpec(name, tuple(sorted(params)))


# ---------------------------------------------------------------------- tree roll-up
@dataclass(frozen=True)
class LevelGroup:
    """Parents at one depth that share one aggregation method (padded child layout)."""

    spec: AggregationSpec
    parents: IntArray  # (P,) node positions
    children: IntArray  # (P, C) node positions, -1 = padding
    weights: FloatArray  # (P, C), 0 = padding


@dataclass(frozen=True)
class TreeRollup:
    """Result of :func:`aggregate_tree`."""

    scores: FloatArray  # (E, N) all nodes
    coverage: FloatArray  # (E, N) share of children's weight with data (NaN for leaves)
    low_coverage: np.ndarray  # (E, N) bool: parent set to NaN for coverage below threshold


def aggregate_tree(
    leaf_scores: FloatArray,
    groups: list[list[LevelGroup]],
    *,
    coverage: float = 2 / 3,
    weights: FloatArray | None = None,
    node_labels: Sequence[str] | None = None,
    entity_labels: Sequence[str] | pd.Index | None = None,
) -> TreeRollup:
    """Roll scores up the tree.

    Parameters
    ----------
    leaf_scores : ndarray, shape (E, N) or (R, E, N)
        Scores of every node; leaf columns filled, parent columns ignored. A leading
        axis holds replications (Monte-Carlo draws) rolled up together.
    groups : list of list of LevelGroup
        From :meth:`govindex.Catalog.rollup_plan`: one list per depth, deepest first.
    coverage : float, default 2/3
        Minimum share of a parent's child weight that must have data; 0 turns it off.
    weights : ndarray, shape (N,) or (R, N), optional
        Weight of every node within its parent, replacing the plan's weights (roots'
        entries are not used); with shape ``(R, N)`` one set per replication, for
        ``leaf_scores`` of shape ``(R, E, N)``.
    node_labels, entity_labels : sequence of str, optional
        Codes of the nodes (last axis) and entities, used to name the offending
        (entity, parent) pairs when an aggregation fails.

    Returns
    -------
    TreeRollup
        Scores, coverage and low-coverage flags, each of the shape of ``leaf_scores``.

    Examples
    --------
    Two replications of one entity, a root over two leaves with per-replication weights:

    >>> from govindex import Catalog
    >>> cat = Catalog.from_frame(pd.DataFrame({"code": ["R", "a", "b"], "parent": ["", "R", "R"]}))
    >>> x = np.array([[[np.nan, 10.0, 40.0]], [[np.nan, 10.0, 40.0]]])  # (R=2, E=1, N=3)
    >>> w = np.array([[0.0, 1.0, 1.0], [0.0, 3.0, 1.0]])
    >>> aggregate_tree(x, cat.rollup_plan(), weights=w).scores[:, 0, 0]
    array([25. , 17.5])
    """
    check_coverage(coverage)
    leaf_scores = np.asarray(leaf_scores, dtype=np.float64)
    if leaf_scores.ndim not in (2, 3):
        raise MethodError(
            f"leaf_scores must have shape (entities, nodes) or (replications, entities, nodes); "
            f"found {leaf_scores.shape}"
        )
    *lead, n_nodes = leaf_scores.shape
    wpad = None if weights is None else _padded_weights(weights, leaf_scores.shape)
    # one extra column at position n_nodes serves as the padding child (value 0, weight 0)
    padded = np.empty((*lead, n_nodes + 1))
    padded[..., :n_nodes] = leaf_scores
    padded[..., n_nodes] = 0.0
    scores = padded[..., :n_nodes]
    cov = np.full(scores.shape, np.nan)
    low = np.zeros(scores.shape, dtype=bool)
    for level in groups:
        for g in level:
            idx = np.where(g.children >= 0, g.children, n_nodes)
            x = np.take(padded, idx, axis=-1)  # (..., E, P, C)
            w = g.weights if wpad is None else np.take(wpad, idx, axis=-1)  # (P, C) | (R, P, C)
            if g.spec.name == "arithmetic":  # fused: the weight sums serve the coverage too
                w = scaled_weights(w)
                value, present_w = _fused_arithmetic(x, w)
            else:
                value = _kernel_value(g, x, w, node_labels, entity_labels)
                w = scaled_weights(w)  # the coverage is a ratio of weight sums: scale is free
                present_w = _present_sum(np.isnan(x), w, value.shape)
            total_w = w.sum(axis=-1)
            total_w = total_w if w.ndim == 2 else total_w[..., np.newaxis, :]
            share = present_w / np.where(total_w > 0, total_w, 1.0)
            too_low = (share < coverage - 1e-12) & (present_w > 0)
            value = np.where(too_low, np.nan, value)
            scores[..., g.parents] = value
            cov[..., g.parents] = share
            low[..., g.parents] = too_low
    return TreeRollup(scores=scores, coverage=cov, low_coverage=low)


def _fused_arithmetic(x: FloatArray, w: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Weighted mean and present weight of a fresh gather ``x`` (its NaN set to 0 in place)."""
    num, present_w = _weighted_sums(x, w, overwrite=True)

    def mean(v: FloatArray) -> FloatArray:  # missing children are 0 now, with their weight
        return _ratio(np.einsum(_EINSUM[w.ndim], v, w), present_w)

    return rescued_mean(_ratio(num, present_w), x, present_w > 0, mean), present_w


def _padded_weights(weights: FloatArray, shape: tuple[int, ...]) -> FloatArray:
    """Node weights ``(N,)`` or ``(R, N)`` with a zero-weight padding column appended."""
    w = checked_weights(weights)
    n_nodes = shape[-1]
    if w.shape not in ((n_nodes,), (shape[0], n_nodes)) or (w.ndim == 2 and len(shape) != 3):
        raise MethodError(
            f"weights must have shape ({n_nodes},) or, with a replication axis, "
            f"(replications, {n_nodes}); found {w.shape} for scores of shape {shape}"
        )
    return np.concatenate([w, np.zeros((*w.shape[:-1], 1))], axis=-1)


def _kernel_value(
    g: LevelGroup,
    x: FloatArray,
    w: FloatArray,
    node_labels: Sequence[str] | None,
    entity_labels: Sequence[str] | pd.Index | None,
) -> FloatArray:
    """One kernel call for a group, with errors naming the offending (entity, parent) pairs."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            return AGGREGATORS[g.spec.name](x, w, **dict(g.spec.params))
        except TypeError as exc:
            raise MethodError(f"bad parameters for aggregation {g.spec}: {exc}") from None
        except AggregationError as exc:
            bad = _offending(g.spec, x, w)  # (..., E, P)
            e, r = np.nonzero(bad.reshape(-1, *bad.shape[-2:]).any(axis=0))
            ents = entity_labels if entity_labels is not None else range(bad.shape[-2])
            nodes = node_labels if node_labels is not None else range(int(g.parents.max()) + 1)
            where = [
                f"{ents[int(a)]}/{nodes[int(g.parents[b])]}" for a, b in zip(e, r, strict=True)
            ]
            raise AggregationError(
                f"{exc}; at (entity/parent) {format_items(where, limit=5)}"
            ) from None


def _offending(spec: AggregationSpec, x: FloatArray, w: FloatArray) -> np.ndarray:
    """The (…, entity, parent) cells where a kernel raised an :class:`AggregationError`."""
    weighted = _wide(w) > 0
    if spec.name == "sum":  # the sum left the floating-point range
        with np.errstate(over="ignore", invalid="ignore"):
            out = np.sum(np.where(weighted & ~np.isnan(x), _wide(w) * np.nan_to_num(x), 0.0), -1)
        return np.asarray(~np.isfinite(out))
    p = dict(spec.params).get("p", 0.0)
    zero_ok = spec.name == "generalized" and p > 0 and float(p).is_integer()
    return np.asarray(np.any(((x < 0) if zero_ok else (x <= 0)) & weighted, axis=-1))


def aggregate_frame(
    frame: pd.DataFrame,
    method: str = "arithmetic",
    *,
    weights: Mapping[str, float] | pd.Series | None = None,
    **params: Any,
) -> pd.Series:
    """Aggregate the columns of an entity × indicator DataFrame into one score per row.

    Examples
    --------
    >>> df = pd.DataFrame({"a": [1.0, 4.0], "b": [100.0, np.nan]}, index=["X", "Y"])
    >>> aggregate_frame(df, "geometric")
    X    10.0
    Y     4.0
    dtype: float64
    """
    x = frame.to_numpy(dtype=np.float64, na_value=np.nan)[:, np.newaxis, :]
    if weights is None:
        w = np.ones((1, frame.shape[1]))
    else:
        s = pd.Series(weights, dtype="float64")
        missing = [str(c) for c in frame.columns if c not in s.index]
        if missing:
            raise MethodError(f"no weight given for column(s) {missing[:10]}")
        w = s.reindex(frame.columns).to_numpy(dtype=np.float64)[np.newaxis, :]
    out = AGGREGATORS[method](x, w, **params)[:, 0]
    return pd.Series(out, index=frame.index.copy())
