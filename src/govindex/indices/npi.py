"""National Progress Index (NPI): the country against a reference and against a base year.

Per indicator ``i`` and year ``t`` (direction ``d``), with caps ``[lo, hi]`` (default [0, 2]):

* relative to the reference (e.g. the OECD average): ``r = 100 · clip((x / x_ref)^d, lo, hi)``
* relative to the base year (default 2016): ``b = 100 · clip((x_t / x_base)^d, lo, hi)``

and ``NPI_reference``, ``NPI_base`` aggregate ``r`` and ``b`` over the catalog's tree
(default arithmetic mean). 100 = at the reference average / at the base-year level.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from govindex._numerics import exponent_of
from govindex._typing import FloatArray
from govindex.aggregate import parse_aggregation
from govindex.catalog import Catalog, require_catalog
from govindex.entities import Entities
from govindex.exceptions import DataWarning, MethodError, PanelError, format_items
from govindex.indices._npi_steps import (
    balanced_basket,
    basket_message,
    check_reference_rows,
    choose_root,
    coverage_message,
    fill_message,
    fill_values,
    filled_cells,
    indicator_table,
    ratios,
    reported_years,
    roll_up,
)
from govindex.indices.base import PanelResult
from govindex.indices.inputs import IndexInputs, index_inputs, reference_kinds
from govindex.methods import DEFAULT_COVERAGE, Method, check_coverage, check_number
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
    balanced : bool, default False
        Like-for-like trend: compute every reported year on the same indicators, those
        with both ratios (to the reference and to the base year) in every reported year;
        the others are left out (``excluded`` in :attr:`ProgressResult.indicators`,
        named in a :class:`~govindex.exceptions.DataWarning`).
    period : tuple of int or None, default None
        First and last year the result reports (inclusive): the years of ``period`` in
        which the country has data. None = every year in which it has data. With
        ``balanced=True`` these are the years every indicator of the basket must cover.
    reference_fill : {None, "latest"}, default None
        ``"latest"`` carries the latest available value of the country and of the
        reference forward, at most ``max_age`` years, into years without one (flagged:
        ``filled``, ``value_year``, ``reference_year`` in the indicator table, counted in
        ``n_filled``). The base-year value is never carried.
    max_age : int, default 2
        Oldest value (in years before the year it stands for) that ``reference_fill``
        carries forward.

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
    balanced: bool = False
    period: tuple[int, int] | None = None
    reference_fill: Literal["latest"] | None = None
    max_age: int = 2

    # added with the like-for-like NPI: left out of the stored method at their defaults
    _OMIT_IF_DEFAULT = ("balanced", "period", "reference_fill", "max_age")

    def _validate(self) -> None:
        if not isinstance(self.reference, str):
            self._set("reference", tuple(str(r) for r in self.reference))
            if not self.reference:
                raise MethodError(
                    "reference must be one entity (e.g. 'OED') or a non-empty list of member "
                    "entities whose mean is the reference; found an empty list"
                )
        self._set("base_year", int(check_number(self.base_year, "base_year", integer=True)))
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
        self._validate_like_for_like()

    def _validate_like_for_like(self) -> None:
        if not isinstance(self.balanced, bool | np.bool_):
            raise MethodError(f"balanced must be True or False; got {self.balanced!r}")
        self._set("balanced", bool(self.balanced))
        if self.period is not None:
            bounds = tuple(self.period)
            if len(bounds) != 2 or any(_not_whole(y) for y in bounds):
                raise MethodError(
                    f"period must be (first year, last year), e.g. (2016, 2024); got {self.period}"
                )
            first, last = (int(y) for y in bounds)
            if first > last:
                raise MethodError(f"period must run forwards (first ≤ last); got {self.period}")
            self._set("period", (first, last))
        if self.reference_fill not in (None, "latest"):
            raise MethodError(
                f"reference_fill must be None or 'latest'; got {self.reference_fill!r}"
            )
        if _not_whole(self.max_age) or self.max_age < 1:
            raise MethodError(f"max_age must be a whole number of years ≥ 1; got {self.max_age!r}")
        self._set("max_age", int(self.max_age))


def _not_whole(value: object) -> bool:
    """True unless ``value`` is a whole number (an int, or a float such as 2016.0)."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
        return True
    return not float(value).is_integer()


def reference_average(
    values: FloatArray,
    weights: FloatArray | None = None,
    *,
    members: Sequence[str] | None = None,
    years: Sequence[int] | None = None,
) -> FloatArray:
    """Mean over members (axis 0) of an ``(M, I, Y)`` array, optionally weighted.

    Missing member values are skipped (weights rescaled over members with data).
    Values and weights are scaled by powers of two (exact) before summing, so the mean
    of finite values is finite. Weights must be ≥ 0
    (:class:`~govindex.exceptions.PanelError` otherwise, naming the ``members`` and
    ``years`` when given).

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
        if np.any(weights < 0) or np.isinf(weights).any():
            m, y = np.nonzero((weights < 0) | np.isinf(weights))
            where = [
                f"{members[a] if members is not None else a}/{years[b] if years is not None else b}"
                f" ({weights[a, b]:g})"
                for a, b in zip(m.tolist(), y.tolist(), strict=True)
            ]
            raise PanelError(
                "the weights of the reference members must be finite and >= 0; found others "
                f"for (member/year) {format_items(where, limit=5)}"
            )
        # weights scaled per year by a power of two so that their sum cannot overflow
        scaled = np.ldexp(weights, -exponent_of(weights, axis=0))[:, None, :]
        w = np.where(present & ~np.isnan(scaled), scaled, 0.0)
    # values scaled per (indicator, year) by a power of two: the mean of finite values is finite
    v_exp = exponent_of(values, axis=0)
    total = w.sum(axis=0)
    num = np.where(w > 0, w * np.nan_to_num(np.ldexp(values, -v_exp)), 0.0).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(total > 0, num / np.where(total > 0, total, 1.0), np.nan)
    return np.ldexp(mean, v_exp)


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
        Indexed by ``year`` (the reported years: those of ``period`` with data):
        ``npi_reference``, ``npi_base``, their coverage at the root
        (``coverage_reference``, ``coverage_base``: share of child weight with data),
        the number of indicators with a ratio (``n_reference``, ``n_base``) and of those
        using a carried-forward value (``n_filled``).
    indicators : DataFrame
        Tidy: year, indicator, direction, value, reference_value, base_value,
        ratio_reference, ratio_base (capped, ×100), uncapped ratios, capped flags,
        ``value_year`` and ``reference_year`` (the year each value comes from; earlier
        than ``year`` when carried forward), ``filled`` (a value was carried forward)
        and ``excluded`` (left out of the balanced basket).
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
    _options: dict[str, Any]

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
        options: Mapping[str, Any] | None = None,
    ) -> None:
        self._keep_inputs(year, method, catalog, fingerprints, panel)
        self._store(
            _scores=scores,
            _indicators=indicators,
            _nodes_reference=nodes_reference,
            _nodes_base=nodes_base,
            _input_catalog=catalog if input_catalog is None else input_catalog,
            _options=dict(options or {}),
        )

    @property
    def options(self) -> dict[str, Any]:
        """Options of the call besides the method: ``entity_table`` (when given)."""
        return dict(self._options)

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
        indicator and year, the years they come from) → ``ratios`` (tidy: capped ratios
        ×100 of both comparisons, uncapped ratios, capped flags and the balanced basket;
        the normalised values) → ``aggregated``
        (:attr:`node_scores`)."""
        ind = self._indicators
        raw_cols = ["year", "indicator", "direction", "value", "reference_value", "base_value",
                    "value_year", "reference_year", "filled"]  # fmt: skip
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
        return self._recompute(
            progress_index, changes, catalog=self._input_catalog, fixed=self._options
        )

    def to_frame(self) -> pd.DataFrame:
        """The tidy per-indicator table (same as :attr:`indicators`)."""
        return self._indicators.copy()

    def _tables(self) -> dict[str, pd.DataFrame]:
        return {"npi_scores": self._scores, "npi_indicators": self._indicators}

    def _summary(self) -> tuple[str, list[str]]:
        m, table = self._method, self._options.get("entity_table")
        ref, country = _reference_label(m, table), _named(m.country, table)
        n_all = self._indicators["indicator"].nunique()
        s, pos = self._scores, self._scores.index.get_loc(self._year)
        n_ref, n_base = (int(s[c].to_numpy()[pos]) for c in ("n_reference", "n_base"))
        lines = [
            f"{country} in {self._year}: NPI vs reference ({ref}) = {self.npi_reference:.1f} "
            f"on {n_ref} of {n_all} indicators, vs {m.base_year} = "
            f"{self.npi_base:.1f} on {n_base}",
            f"{len(self._scores)} years, {n_all} indicators, caps {m.cap}, "
            f"{m.aggregation} aggregation"
            + (", balanced (the same indicators every year)" if m.balanced else "")
            + (f", latest value up to {m.max_age} years old" if m.reference_fill else ""),
        ]
        return "ProgressResult (NPI)", lines


def _reference_label(method: NPIMethod, table: Entities | None = None) -> str:
    ref = method.reference
    return _named(ref, table) if isinstance(ref, str) else f"mean of {len(ref)} members"


def _named(code: str, table: Entities | None) -> str:
    """``code``, or ``"name (code)"`` with the entities table's name."""
    name = code if table is None else table.name(code)
    return code if name == code else f"{name} ({code})"


# keyword arguments of progress_index that are not NPIMethod parameters
_KEYWORDS: tuple[str, ...] = ("year", "entity_table")


def progress_index(
    panel: Panel,
    catalog: Catalog,
    method: NPIMethod | None = None,
    *,
    year: int,
    entity_table: Entities | None = None,
    **overrides: Any,
) -> ProgressResult:
    """Compute the National Progress Index of a country for every reported year.

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
    entity_table : Entities, optional
        The entities table (:class:`govindex.entities.Entities`, e.g.
        :func:`govindex.datasets.load_wdi_entities`): its names label the result, and its
        aggregates and totals (``OED``) are only ever the reference: as the ``country``,
        or among the members of a reference mean, they are a
        :class:`~govindex.exceptions.MethodError`.
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
          every node;
        * ``period`` (default None: every year with data): first and last year reported;
        * ``balanced`` (default False): every reported year on the indicators with both
          ratios in all of them (a like-for-like trend);
        * ``reference_fill`` (default None; ``"latest"``) and ``max_age`` (default 2):
          carry the latest value of the country and of the reference forward, flagged.

        When the indicators with a ratio change between consecutive reported years, a
        :class:`~govindex.exceptions.DataWarning` names those that enter or leave and
        gives the index with them and on the indicators of both years; ``scores``
        counts the indicators of every year (``n_reference``, ``n_base``).

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
    method = method.replace(root=choose_root(require_catalog(catalog), method.root))
    tree = catalog.subtree(str(method.root))
    inputs = index_inputs(panel, tree, year=year, strict=False)
    given = method.reference
    codes = [method.country, *([given] if isinstance(given, str) else given)]
    check_reference_rows(reference_kinds(entity_table, pd.Index(dict.fromkeys(codes))), method)
    year = inputs.year
    x_own, ref_own = _series(inputs, method)
    if inputs.missing:
        warnings.warn(
            f"NPI indicator(s) without any data in the panel: {format_items(inputs.missing)}",
            DataWarning,
            stacklevel=2,
        )
    leaves = inputs.leaves
    base = _base_values(inputs, x_own, method.base_year)
    sel = reported_years(panel.years, x_own, method, int(year))
    x, ref, ages = fill_values(x_own, ref_own, method)
    direction = tree.column("direction", leaves).to_numpy(dtype=np.float64)[:, None]
    r_ref, u_ref, r_base, u_base = ratios(x, ref, base, direction, inputs, method)
    yrs = panel.years[sel]
    rr, rb = r_ref[:, sel].T, r_base[:, sel].T  # (Y', I)
    excluded = np.zeros(len(leaves), dtype=bool)
    if method.balanced:
        excluded = ~balanced_basket(rr, rb)
        if excluded.any():
            usable = ~np.isnan(rr) & ~np.isnan(rb)
            message = basket_message(method.country, leaves, ~excluded, usable, yrs)
            warnings.warn(message, DataWarning, stacklevel=2)
        rr, rb = (np.where(excluded, np.nan, a) for a in (rr, rb))
    ages = (ages[0][:, sel], ages[1][:, sel])
    filled = ((ages[0] > 0) | (ages[1] > 0)).T  # (Y', I)
    scores, nodes_r, nodes_b, changes = roll_up(rr, rb, filled, tree, leaves, method, yrs)
    if changes:
        labels = {"reference": f"vs {_reference_label(method)}", "base": f"vs {method.base_year}"}
        warnings.warn(coverage_message(method.country, labels, changes), DataWarning, stacklevel=2)
    if filled.any():
        cells = filled_cells(leaves, yrs, ages)
        warnings.warn(fill_message(cells, method.max_age), DataWarning, stacklevel=2)
    indicators = indicator_table(
        yrs, leaves, direction[:, 0], method.cap, ages=ages, excluded=excluded,
        value=x[:, sel], reference_value=ref[:, sel], base_value=base,
        ratio_reference=r_ref[:, sel], ratio_base=r_base[:, sel],
        uncapped_reference=u_ref[:, sel], uncapped_base=u_base[:, sel],
    )  # fmt: skip
    y_index, node_cols = scores.index, pd.Index(tree.codes, name="node")
    return ProgressResult(
        year=int(year),
        method=method,
        catalog=tree,
        scores=scores,
        indicators=indicators,
        nodes_reference=pd.DataFrame(nodes_r, index=y_index, columns=node_cols),
        nodes_base=pd.DataFrame(nodes_b, index=y_index, columns=node_cols),
        fingerprints={"panel": panel.fingerprint, "catalog": catalog.fingerprint}
        | ({} if entity_table is None else {"entities": entity_table.fingerprint}),
        panel=panel,
        input_catalog=catalog,
        options={} if entity_table is None else {"entity_table": entity_table},
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
    member_values = inputs.gather(values[inputs.rows(members)])
    try:
        mean = reference_average(
            member_values, weights, members=members, years=inputs.panel.years.tolist()
        )
    except PanelError as exc:
        raise PanelError(f"reference_weights {method.reference_weights!r}: {exc}") from None
    return x, mean


def _base_values(inputs: IndexInputs, x: FloatArray, base_year: int) -> FloatArray:
    """The country's values in the base year, per indicator."""
    years = inputs.panel.years
    if not years[0] <= base_year <= years[-1]:
        raise PanelError(
            f"base year {base_year} is outside the panel's years ({years[0]}–{years[-1]})"
        )
    return np.asarray(x[:, base_year - years[0]], dtype=np.float64)
