"""National Progress Index (NPI): the country against a reference and against a base year.

Per indicator ``i`` and year ``t`` (direction ``d``), with caps ``[lo, hi]`` (default [0, 2]):

* relative to the reference (e.g. the OECD average): ``r = 100 · clip((x / x_ref)^d, lo, hi)``
* relative to the base year (default 2016): ``b = 100 · clip((x_t / x_base)^d, lo, hi)``

and ``NPI_reference``, ``NPI_base`` aggregate ``r`` and ``b`` over the catalog's tree
(default arithmetic mean). 100 = at the reference average / at the base-year level.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from govindex._typing import FloatArray
from govindex.aggregate import parse_aggregation
from govindex.catalog import Catalog
from govindex.exceptions import DataWarning, MethodError, PanelError, format_items
from govindex.indices.base import PanelResult
from govindex.indices.composite import rollup
from govindex.indices.inputs import IndexInputs, index_inputs
from govindex.methods import DEFAULT_COVERAGE, Method, check_coverage
from govindex.panel import Panel
from govindex.results import HandOut, handout, handout_all

__all__ = [
    "COMPARISONS",
    "NPIMethod",
    "ProgressResult",
    "progress_index",
    "reference_average",
]


@dataclass(frozen=True)
class NPIMethod(Method):
    """Every parameter of an NPI computation (stored verbatim in the result).

    Build one with :meth:`~govindex.methods.Method.build` (or the constructor);
    :func:`progress_index` takes one, or the parameters as keyword arguments.

    Parameters
    ----------
    country : str
        Entity code of the country assessed.
    reference : str or tuple of str
        An entity of the panel (e.g. the World Bank aggregate ``"OED"``) or the
        member entities whose mean is the reference (a list is stored as a tuple).
    reference_weights : str or None, default None
        Indicator whose values weight the members' mean (e.g. population); None =
        plain mean. Only with a tuple of members.
    base_year : int, default 2016
        Year of the base-year comparison.
    root : str or None, default None
        Catalog root of the NPI tree; None = the catalog's only root, or ``"NPI"``
        (:func:`progress_index` stores the root it used).
    cap : tuple of float, default (0, 2)
        Lower and upper bound of each ratio before scaling by 100.
    aggregation : str, default "arithmetic"
        Aggregation of parents without one in the catalog.
    coverage : float, default 2/3
        Minimum share of child weight with data at every node.

    Examples
    --------
    >>> m = NPIMethod.build(country="KZ", reference=["DE", "FR"])
    >>> m.reference, m.base_year, m.cap
    (('DE', 'FR'), 2016, (0.0, 2.0))
    >>> NPIMethod.build(country="KZ")
    Traceback (most recent call last):
    ...
    govindex.exceptions.MethodError: NPIMethod needs the parameter(s) 'reference'
    """

    country: str
    reference: str | tuple[str, ...]
    reference_weights: str | None = None
    base_year: int = 2016
    root: str | None = None
    cap: tuple[float, float] = (0.0, 2.0)
    aggregation: str = "arithmetic"
    coverage: float = DEFAULT_COVERAGE

    def _validate(self) -> None:
        if not isinstance(self.reference, str):
            self._set("reference", tuple(str(r) for r in self.reference))
        self._set("base_year", int(self.base_year))
        bounds = tuple(self.cap)
        if len(bounds) != 2:
            raise MethodError(f"cap must be (lower, upper); got {self.cap}")
        lo, hi = (float(c) for c in bounds)
        if not (np.isfinite(lo) and np.isfinite(hi) and 0.0 <= lo < hi):
            raise MethodError(f"cap must be (lower, upper) with 0 ≤ lower < upper; got {self.cap}")
        self._set("cap", (lo, hi))
        check_coverage(self.coverage)
        self._set("coverage", float(self.coverage))
        parse_aggregation(self.aggregation)
        if self.reference_weights is not None and isinstance(self.reference, str):
            raise MethodError(
                "reference_weights needs a list of member entities as reference, not one entity"
            )


def reference_average(values: FloatArray, weights: FloatArray | None = None) -> FloatArray:
    """Mean over members (axis 0) of an ``(M, I, Y)`` array, optionally weighted.

    Missing member values are skipped (weights rescaled over members with data).

    Examples
    --------
    >>> v = np.array([[[1.0]], [[3.0]], [[np.nan]]])
    >>> float(reference_average(v)[0, 0])
    2.0
    >>> float(reference_average(v, np.array([[1.0], [3.0], [5.0]]))[0, 0])
    2.5
    """
    present = ~np.isnan(values)
    if weights is None:
        w = present.astype(np.float64)
    else:
        w = np.where(present & ~np.isnan(weights[:, None, :]), weights[:, None, :], 0.0)
    total = w.sum(axis=0)
    num = np.where(w > 0, w * np.nan_to_num(values), 0.0).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, num / np.where(total > 0, total, 1.0), np.nan)


def _ratio(
    x: FloatArray, ref: FloatArray, direction: FloatArray, cap: tuple[float, float]
) -> tuple[FloatArray, FloatArray]:
    """Capped, direction-adjusted ratio ×100 and the uncapped ratio; NaN where undefined."""
    with np.errstate(invalid="ignore", divide="ignore"):
        ok = (ref != 0) & ~np.isnan(ref) & ~np.isnan(x)
        r = np.where(ok, x / np.where(ok, ref, 1.0), np.nan)
        r = np.where(direction > 0, r, np.where(r != 0, 1.0 / np.where(r != 0, r, 1.0), np.inf))
        r = np.where(ok, r, np.nan)
    return 100.0 * np.clip(r, cap[0], cap[1]), r


#: The two comparisons of the NPI, in the order of :attr:`ProgressResult.node_scores`.
COMPARISONS: tuple[str, str] = ("reference", "base")


class ProgressResult(PanelResult[NPIMethod]):
    """Immutable result of :func:`progress_index` (the :class:`~govindex.results.Result`
    protocol); every frame is handed out as a read-only copy.

    Attributes
    ----------
    year : int
        The assessment (headline) year.
    method : NPIMethod
    catalog : Catalog
        The NPI tree (the subtree of the root used).
    scores : DataFrame
        Indexed by ``year`` (every year with data): ``npi_reference``, ``npi_base``
        and their coverage.
    indicators : DataFrame
        Tidy: year, indicator, direction, value, reference_value, base_value,
        ratio_reference, ratio_base (capped, ×100), uncapped ratios, capped flags.
    node_scores : DataFrame
        Both comparisons in one table: index (``comparison``, ``year``) with
        ``comparison`` ∈ {``"reference"``, ``"base"``}, columns the nodes of the
        tree (indicators, spheres, root). ``node_scores.loc["reference"]`` is the
        year × node table of the comparison with the reference.
    nodes_reference, nodes_base : DataFrame
        Year × node scores of one comparison (conveniences: the two halves of
        :attr:`node_scores`).
    fingerprints : dict
    panel : Panel or None
        The panel the result was computed from (kept for :meth:`regenerate`).
    """

    INDEX = "NPI"

    _scores: pd.DataFrame
    _indicators: pd.DataFrame
    _nodes_reference: pd.DataFrame
    _nodes_base: pd.DataFrame
    _input_catalog: Catalog

    def __init__(
        self,
        *,
        year: int,
        method: NPIMethod,
        catalog: Catalog,
        scores: pd.DataFrame,
        indicators: pd.DataFrame,
        nodes_reference: pd.DataFrame,
        nodes_base: pd.DataFrame,
        fingerprints: Mapping[str, str],
        panel: Panel | None = None,
        input_catalog: Catalog | None = None,
    ) -> None:
        self._keep_inputs(year, method, catalog, fingerprints, panel)
        self._store(
            _scores=scores,
            _indicators=indicators,
            _nodes_reference=nodes_reference,
            _nodes_base=nodes_base,
            _input_catalog=catalog if input_catalog is None else input_catalog,
        )

    scores = HandOut[pd.DataFrame]("_scores")
    indicators = HandOut[pd.DataFrame]("_indicators")
    nodes_reference = HandOut[pd.DataFrame]("_nodes_reference")
    nodes_base = HandOut[pd.DataFrame]("_nodes_base")

    @property
    def node_scores(self) -> pd.DataFrame:
        """Both comparisons: index (``comparison``, ``year``), one column per node;
        ``comparison`` is ``"reference"`` or ``"base"`` (:data:`COMPARISONS`)."""
        both = pd.concat(
            [self._nodes_reference, self._nodes_base],
            keys=list(COMPARISONS),
            names=["comparison"],
        )
        return handout(both)

    @property
    def stages(self) -> Mapping[str, pd.DataFrame]:
        """``raw`` (tidy: the country's, the reference's and the base-year value of every
        indicator and year) → ``ratios`` (tidy: capped ratios ×100 of both comparisons,
        uncapped ratios and capped flags; the normalised values) → ``aggregated``
        (:attr:`node_scores`)."""
        ind = self._indicators
        raw_cols = ["year", "indicator", "direction", "value", "reference_value", "base_value"]
        ratio_cols = ["year", "indicator"] + [c for c in ind.columns if c not in raw_cols]
        return handout_all(
            {
                "raw": ind.loc[:, raw_cols],
                "ratios": ind.loc[:, ratio_cols],
                "aggregated": self.node_scores,
            }
        )

    @property
    def npi_reference(self) -> float:
        """NPI relative to the reference in the assessment year."""
        s = self._scores
        return float(s["npi_reference"].to_numpy()[s.index.get_loc(self._year)])

    @property
    def npi_base(self) -> float:
        """NPI relative to the base year in the assessment year."""
        s = self._scores
        return float(s["npi_base"].to_numpy()[s.index.get_loc(self._year)])

    def regenerate(self, **changes: Any) -> ProgressResult:
        """Recompute with some parameters changed (e.g. ``base_year=2018``, ``year=2023``).

        Accepts the keyword arguments of :func:`progress_index` (``year``, ``country``,
        ``reference``, the :class:`NPIMethod` parameters), ``method`` (an
        :class:`NPIMethod` replacing every method parameter) and ``catalog`` to swap
        the catalog. Without changes it equals a fresh computation bit for bit.
        """
        return self._recompute(progress_index, changes, catalog=self._input_catalog, fixed={})

    def to_frame(self) -> pd.DataFrame:
        """The tidy per-indicator table (same as :attr:`indicators`)."""
        return self._indicators.copy()

    def _tables(self) -> dict[str, pd.DataFrame]:
        return {"npi_scores": self._scores, "npi_indicators": self._indicators}

    def _summary(self) -> tuple[str, list[str]]:
        m = self._method
        ref = (
            m.reference if isinstance(m.reference, str) else f"mean of {len(m.reference)} members"
        )
        lines = [
            f"{m.country} in {self._year}: NPI vs reference ({ref}) = {self.npi_reference:.1f}, "
            f"vs {m.base_year} = {self.npi_base:.1f}",
            f"{len(self._scores)} years, {self._indicators['indicator'].nunique()} indicators, "
            f"caps {m.cap}, {m.aggregation} aggregation",
        ]
        return "ProgressResult (NPI)", lines


def _choose_root(catalog: Catalog, root: str | None) -> str:
    if root is not None:
        if root not in catalog.roots:
            raise MethodError(
                f"root {root!r} is not a root of the catalog; roots: {format_items(catalog.roots)}"
            )
        return root
    if len(catalog.roots) == 1:
        return catalog.roots[0]
    if "NPI" in catalog.roots:
        return "NPI"
    raise MethodError(
        f"the catalog has several roots ({format_items(catalog.roots)}); pass root=..."
    )


# keyword arguments of progress_index that are not NPIMethod parameters
_KEYWORDS: tuple[str, ...] = ("year",)


def progress_index(
    panel: Panel,
    catalog: Catalog,
    method: NPIMethod | None = None,
    *,
    year: int,
    **overrides: Any,
) -> ProgressResult:
    """Compute the National Progress Index of a country for every year with data.

    Parameters
    ----------
    panel : Panel
        Country, reference entity or member entities, indicators of the NPI tree
        (and the weighting indicator, if any).
    catalog : Catalog
        The NPI tree (root ``root``) with indicator directions and weights.
    method : NPIMethod, optional
        Every parameter of the computation. Without it, ``country`` and
        ``reference`` must be given as keyword arguments.
    year : int
        Assessment year (headline values; must have data).
    **overrides
        :class:`NPIMethod` parameters that replace those of ``method``:

        * ``country`` (str): the entity assessed;
        * ``reference`` (str or sequence of str): the reference entity (e.g.
          ``"OED"``) or the member entities to average;
        * ``base_year`` (default 2016): base year of the second comparison;
        * ``reference_weights``: indicator weighting the members' mean (e.g. population);
        * ``root``: NPI root of the catalog (default: the only root, or ``"NPI"``);
        * ``cap`` (default (0, 2)): bounds of each ratio before ×100, so that one
          indicator cannot swamp the others;
        * ``aggregation`` (default ``"arithmetic"``; ``"geometric"`` available) of
          parents without one in the catalog;
        * ``coverage`` (default 2/3): minimum share of child weight with data at
          every node.

        An unknown name is a :class:`~govindex.exceptions.MethodError` naming the
        closest parameter.

    Returns
    -------
    ProgressResult

    Examples
    --------
    >>> panel = Panel.from_frame(pd.DataFrame({
    ...     "entity": ["KZ", "KZ", "OECD", "OECD"] * 2,
    ...     "indicator": ["life"] * 4 + ["mort"] * 4,
    ...     "year": [2016, 2024] * 4,
    ...     "value": [72.0, 75.0, 80.0, 81.0, 10.0, 8.0, 5.0, 4.0]}))
    >>> catalog = Catalog.from_frame(pd.DataFrame({
    ...     "code": ["NPI", "life", "mort"], "parent": ["", "NPI", "NPI"],
    ...     "direction": [None, 1, -1]}))
    >>> res = progress_index(panel, catalog, country="KZ", reference="OECD", year=2024)
    >>> round(res.npi_reference, 2)  # (75/81 + 4/8) / 2 × 100
    71.3
    >>> round(res.npi_base, 2)  # (75/72 + 10/8) / 2 × 100
    114.58
    >>> method = NPIMethod(country="KZ", reference="OECD", cap=(0.0, 1.0))
    >>> round(progress_index(panel, catalog, method, year=2024).npi_base, 2)  # both capped at 1
    100.0
    """
    NPIMethod.check_names(overrides, also=_KEYWORDS)
    method = NPIMethod.build(method, **overrides)
    method = method.replace(root=_choose_root(catalog, method.root))
    tree = catalog.subtree(str(method.root))
    inputs = index_inputs(panel, tree, strict=False)
    x, ref = _series(inputs, method)
    if inputs.missing:
        warnings.warn(
            f"NPI indicator(s) without any data in the panel: {format_items(inputs.missing)}",
            DataWarning,
            stacklevel=2,
        )
    leaves = inputs.leaves
    base = _base_values(inputs, x, method.base_year)
    direction = tree.column("direction", leaves).to_numpy(dtype=np.float64)[:, None]
    r_ref, u_ref, r_base, u_base = _ratios(x, ref, base, direction, inputs, method)
    years_with_data = np.any(~np.isnan(x), axis=0)
    yrs = panel.years[years_with_data]
    if year not in set(yrs.tolist()):
        raise PanelError(f"{method.country} has no NPI data in the assessment year {year}")
    rr, rb = r_ref[:, years_with_data].T, r_base[:, years_with_data].T  # (Y', I)
    labels = [str(y) for y in yrs]
    nodes_r, cov_r, _ = rollup(
        rr, tree, leaves, aggregation=method.aggregation, coverage=method.coverage, entities=labels
    )
    nodes_b, cov_b, _ = rollup(
        rb, tree, leaves, aggregation=method.aggregation, coverage=method.coverage, entities=labels
    )
    y_index = pd.Index(yrs, name="year")
    node_cols = pd.Index(tree.codes, name="node")
    root_pos = tree.codes.index(str(method.root))
    scores = pd.DataFrame(
        {
            "npi_reference": nodes_r[:, root_pos],
            "npi_base": nodes_b[:, root_pos],
            "coverage_reference": cov_r[:, root_pos],
            "coverage_base": cov_b[:, root_pos],
        },
        index=y_index,
    )
    sel = years_with_data
    indicators = _indicator_table(
        yrs, leaves, direction[:, 0], method.cap,
        value=x[:, sel], reference_value=ref[:, sel], base_value=base,
        ratio_reference=r_ref[:, sel], ratio_base=r_base[:, sel],
        uncapped_reference=u_ref[:, sel], uncapped_base=u_base[:, sel],
    )  # fmt: skip
    return ProgressResult(
        year=int(year),
        method=method,
        catalog=tree,
        scores=scores,
        indicators=indicators,
        nodes_reference=pd.DataFrame(nodes_r, index=y_index, columns=node_cols),
        nodes_base=pd.DataFrame(nodes_b, index=y_index, columns=node_cols),
        fingerprints={"panel": panel.fingerprint, "catalog": catalog.fingerprint},
        panel=panel,
        input_catalog=catalog,
    )


def _series(inputs: IndexInputs, method: NPIMethod) -> tuple[FloatArray, FloatArray]:
    """The (I, Y) values of the country and of the reference (an entity or members' mean)."""
    ref_key = method.reference
    members = [ref_key] if isinstance(ref_key, str) else list(ref_key)
    inputs.rows([method.country, *members])  # every entity must be in the panel
    values = inputs.panel.values
    x = inputs.gather(values[inputs.rows([method.country])])[0]
    if isinstance(ref_key, str):
        return x, inputs.gather(values[inputs.rows([ref_key])])[0]
    weights = None
    if method.reference_weights is not None:
        panel = inputs.panel
        if method.reference_weights not in panel.indicators:
            raise PanelError(
                f"weighting indicator {method.reference_weights!r} is not in the panel"
            )
        w_idx = panel.indicators.get_loc(method.reference_weights)
        weights = values[inputs.rows(members), w_idx, :]
    return x, reference_average(inputs.gather(values[inputs.rows(members)]), weights)


def _base_values(inputs: IndexInputs, x: FloatArray, base_year: int) -> FloatArray:
    """The country's values in the base year, per indicator."""
    years = inputs.panel.years
    if not years[0] <= base_year <= years[-1]:
        raise PanelError(
            f"base year {base_year} is outside the panel's years ({years[0]}–{years[-1]})"
        )
    return np.asarray(x[:, base_year - years[0]], dtype=np.float64)


def _ratios(
    x: FloatArray,
    ref: FloatArray,
    base: FloatArray,
    direction: FloatArray,
    inputs: IndexInputs,
    method: NPIMethod,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Capped and uncapped ratios to the reference and to the base year; warns about
    negative values and zero denominators (at the caller of :func:`progress_index`)."""
    leaves = np.asarray(inputs.leaves)
    negative = np.any((x < 0) | (ref < 0), axis=1)
    if negative.any():
        warnings.warn(
            f"negative values of {format_items(leaves[negative])} (country or reference): "
            "a ratio of negative values is meaningless, those ratios are NaN",
            DataWarning,
            stacklevel=3,
        )
    x_ok, ref_ok, base_ok = (np.where(a < 0, np.nan, a) for a in (x, ref, base))
    r_ref, u_ref = _ratio(x_ok, ref_ok, direction, method.cap)
    r_base, u_base = _ratio(x_ok, base_ok[:, None], direction, method.cap)
    zero_base = (base == 0) & inputs.has_data
    if zero_base.any():
        warnings.warn(
            f"base-year ({method.base_year}) value is 0 for {format_items(leaves[zero_base])}: "
            "their base-year ratios are undefined (NaN)",
            DataWarning,
            stacklevel=3,
        )
    zero_ref = np.any((ref == 0) & ~np.isnan(x), axis=1)
    if zero_ref.any():
        warnings.warn(
            f"reference value is 0 in some years for {format_items(leaves[zero_ref])}: "
            "those ratios are undefined (NaN)",
            DataWarning,
            stacklevel=3,
        )
    return r_ref, u_ref, r_base, u_base


def _indicator_table(
    yrs: np.ndarray,
    leaves: list[str],
    direction: FloatArray,
    cap: tuple[float, float],
    **columns: FloatArray,
) -> pd.DataFrame:
    """The tidy per-(year, indicator) table from (I, Y') arrays (``base_value``: (I,))."""
    n_i, n_y = len(leaves), len(yrs)
    indicators = pd.DataFrame(
        {
            "year": np.tile(yrs, n_i),
            "indicator": np.repeat(np.asarray(leaves, dtype=object), n_y),
            "direction": np.repeat(direction, n_y).astype(np.int64),
            "value": columns["value"].ravel(),
            "reference_value": columns["reference_value"].ravel(),
            "base_value": np.repeat(columns["base_value"], n_y),
            "ratio_reference": columns["ratio_reference"].ravel(),
            "ratio_base": columns["ratio_base"].ravel(),
            "uncapped_reference": 100.0 * columns["uncapped_reference"].ravel(),
            "uncapped_base": 100.0 * columns["uncapped_base"].ravel(),
        }
    )
    lo, hi = cap
    for kind in ("reference", "base"):
        u = indicators[f"uncapped_{kind}"] / 100.0
        indicators[f"capped_{kind}"] = ((u < lo) | (u > hi)).to_numpy()
    indicators["indicator"] = indicators["indicator"].astype("str")
    return indicators.sort_values(["year", "indicator"], kind="stable").reset_index(drop=True)
