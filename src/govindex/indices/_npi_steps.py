"""The array steps of :func:`~govindex.indices.npi.progress_index` (its private engine).

* :func:`ratios`: capped, direction-adjusted ratios to the reference and to the base year;
* :func:`reported_years`: the years the result reports (``period``);
* :func:`carry_forward`: the latest value at most ``max_age`` years old
  (``reference_fill="latest"``);
* :func:`balanced_basket`: the indicators with both ratios in every reported year
  (``balanced=True``);
* :func:`coverage_changes`: the indicators that enter or leave between consecutive years,
  with the index on the indicators of both years (the like-for-like move);
* the messages of the warnings about them, and the tidy per-indicator table;
* :func:`choose_root` and :func:`check_reference_rows`: the NPI's tree in the catalog, and
  the entities table's aggregates and totals only ever as the reference.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from govindex._typing import BoolArray, FloatArray, IntArray
from govindex.catalog import Catalog
from govindex.exceptions import DataWarning, MethodError, PanelError, format_items
from govindex.indices.composite import rollup
from govindex.indices.inputs import IndexInputs

if TYPE_CHECKING:
    from govindex.indices.npi import NPIMethod

__all__ = [
    "CoverageChange",
    "balanced_basket",
    "basket_message",
    "carry_forward",
    "check_reference_rows",
    "choose_root",
    "coverage_changes",
    "coverage_message",
    "fill_message",
    "fill_values",
    "filled_cells",
    "indicator_table",
    "ratio",
    "ratios",
    "reported_years",
    "roll_up",
    "year_ranges",
]


def carry_forward(values: FloatArray, max_age: int) -> tuple[FloatArray, IntArray]:
    """The latest non-missing value along the last axis (consecutive years), at most
    ``max_age`` steps old.

    Returns ``(filled, age)``: ``age`` is how many years back the value comes from
    (0 = the year's own value), -1 where there is none within ``max_age``.

    Examples
    --------
    >>> filled, age = carry_forward(np.array([[1.0, np.nan, np.nan, np.nan, 5.0]]), 2)
    >>> filled.tolist(), age.tolist()
    ([[1.0, 1.0, 1.0, nan, 5.0]], [[0, 1, 2, -1, 0]])
    """
    steps = np.arange(values.shape[-1], dtype=np.int64)
    last = np.maximum.accumulate(np.where(np.isnan(values), -1, steps), axis=-1)
    age = steps - last
    ok = (last >= 0) & (age <= max_age)
    latest = np.take_along_axis(values, np.maximum(last, 0), axis=-1)
    return np.where(ok, latest, np.nan), np.where(ok, age, -1).astype(np.int64)


def balanced_basket(*ratios: FloatArray) -> BoolArray:
    """The indicators (columns) with a ratio in every year (row) of every ``(Y, I)`` array.

    Examples
    --------
    >>> r = np.array([[1.0, 2.0, np.nan], [1.0, 2.0, 3.0]])
    >>> b = np.array([[1.0, np.nan, 3.0], [1.0, 2.0, 3.0]])
    >>> balanced_basket(r, b).tolist()
    [True, False, False]
    """
    present = np.ones(ratios[0].shape[1], dtype=bool)
    for r in ratios:
        present &= np.all(~np.isnan(r), axis=0)
    return present


def year_ranges(years: Sequence[int]) -> str:
    """Sorted years as compact ranges.

    Examples
    --------
    >>> year_ranges([2010, 2011, 2012, 2015, 2017, 2018])
    '2010–2012, 2015, 2017–2018'
    """
    parts: list[str] = []
    ys = sorted(int(y) for y in years)
    start = prev = ys[0] if ys else 0
    for y in [*ys[1:], None]:
        if y is not None and y == prev + 1:
            prev = y
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        if y is not None:
            start = prev = y
    return ", ".join(parts) if ys else ""


def basket_message(
    country: str,
    leaves: Sequence[str],
    basket: BoolArray,
    usable: BoolArray,
    years: IntArray,
) -> str:
    """The warning of ``balanced=True``: the basket and the indicators left out, each with
    the years in which it has no ratio (``usable``: (Y, I), both ratios defined)."""
    out = [
        f"{leaf!r} (none in {year_ranges(years[~usable[:, i]].tolist())})"
        for i, leaf in enumerate(leaves)
        if not basket[i]
    ]
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    return (
        f"balanced NPI of {country} over {span}: {int(basket.sum())} of {len(leaves)} "
        "indicators have both ratios in every year and make up the basket of every year; "
        f"left out: {_listing(out, len(out))}. A shorter period= keeps more of them"
    )


@dataclass(frozen=True)
class CoverageChange:
    """The indicator set of one comparison changes between two consecutive reported years."""

    comparison: str
    before: int
    after: int
    left: tuple[str, ...]
    entered: tuple[str, ...]
    n_before: int
    n_after: int
    n_common: int
    reported: tuple[float, float]
    common: tuple[float, float]


def coverage_changes(
    ratios: dict[str, tuple[FloatArray, FloatArray]],
    tree: Catalog,
    leaves: list[str],
    root: str,
    years: IntArray,
    *,
    aggregation: str,
    coverage: float,
) -> tuple[list[CoverageChange], dict[str, IntArray]]:
    """Where the indicators with a ratio change between consecutive years, and the index on
    the indicators of both years (one roll-up per comparison for every change at once).

    ``ratios``: comparison → (``(Y, I)`` ratios, NaN = not in that year's index; ``(Y,)``
    index as reported); ``root`` is rolled up with the given ``aggregation`` and
    ``coverage``. Returns the changes and, per comparison, the number of indicators with a
    ratio in each year.
    """
    names = np.asarray(leaves, dtype=object)
    root_pos = tree.codes.index(root)
    changes: list[CoverageChange] = []
    counts: dict[str, IntArray] = {}
    for comparison, (r, full) in ratios.items():  # the two comparisons
        used = ~np.isnan(r)
        counts[comparison] = used.sum(axis=1).astype(np.int64)
        k = np.flatnonzero(np.any(used[1:] != used[:-1], axis=1))
        if not k.size:
            continue
        common = used[k] & used[k + 1]  # (K, I)
        pairs = np.concatenate(
            [np.where(common, r[k], np.nan), np.where(common, r[k + 1], np.nan)]
        )
        labels = [f"{years[j]}" for j in k] + [f"{years[j + 1]}" for j in k]
        nodes, _, _ = rollup(
            pairs, tree, leaves, aggregation=aggregation, coverage=coverage, entities=labels
        )
        like = nodes[:, root_pos].reshape(2, -1)
        for n, j in enumerate(k.tolist()):
            changes.append(
                CoverageChange(
                    comparison=comparison,
                    before=int(years[j]),
                    after=int(years[j + 1]),
                    left=tuple(names[used[j] & ~used[j + 1]].tolist()),
                    entered=tuple(names[used[j + 1] & ~used[j]].tolist()),
                    n_before=int(used[j].sum()),
                    n_after=int(used[j + 1].sum()),
                    n_common=int(common[n].sum()),
                    reported=(float(full[j]), float(full[j + 1])),
                    common=(float(like[0, n]), float(like[1, n])),
                )
            )
    return changes, counts


def _listing(items: Sequence[str], limit: int) -> str:
    """Texts joined by commas, the rest summarised (like ``format_items``, without quotes)."""
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _num(value: float) -> str:
    return "n/a" if np.isnan(value) else f"{value:.2f}"


def coverage_message(country: str, labels: dict[str, str], changes: list[CoverageChange]) -> str:
    """The warning about the indicators entering or leaving between consecutive years;
    ``labels``: comparison → how it is named (e.g. ``"vs OED"``)."""
    lines = []
    for c in changes:
        moves = []
        if c.left:
            moves.append(f"leave {format_items(c.left, limit=len(c.left))}")
        if c.entered:
            moves.append(f"enter {format_items(c.entered, limit=len(c.entered))}")
        lines.append(
            f"  {labels[c.comparison]} {c.before}→{c.after}: {c.n_before} → {c.n_after} "
            f"indicators ({'; '.join(moves)}); NPI {_num(c.reported[0])} → "
            f"{_num(c.reported[1])} with them, {_num(c.common[0])} → {_num(c.common[1])} on "
            f"the {c.n_common} indicators of both years"
        )
    return (
        f"NPI of {country}: the indicators with data change between consecutive years, so "
        "part of the year-on-year move comes from the indicator set, not from progress "
        "(balanced=True gives a like-for-like trend; see scores['n_reference'], "
        "scores['n_base']):\n" + "\n".join(lines)
    )


def fill_message(cells: list[str], max_age: int) -> str:
    """The warning of ``reference_fill="latest"``: the carried-forward cells."""
    return (
        f"carried the latest value (at most {max_age} years old) forward in {len(cells)} "
        f"cell(s): {_listing(cells, 12)}; flagged in .indicators ('filled', "
        "'value_year', 'reference_year') and counted in scores['n_filled']"
    )


def _source_years(years: IntArray, age: IntArray) -> pd.Series:
    """Year a value comes from (``year - age``), missing where ``age`` is -1."""
    src = pd.array(np.where(age >= 0, years[None, :] - age, 0).ravel(), dtype="Int64")
    src[(age < 0).ravel()] = pd.NA
    return pd.Series(src)


def indicator_table(
    yrs: IntArray,
    leaves: list[str],
    direction: FloatArray,
    cap: tuple[float, float],
    *,
    ages: tuple[IntArray, IntArray],
    excluded: BoolArray,
    **columns: FloatArray,
) -> pd.DataFrame:
    """The tidy per-(year, indicator) table from (I, Y') arrays (``base_value``: (I,);
    ``ages``: how old the country's and the reference's values are, -1 = none)."""
    n_i, n_y = len(leaves), len(yrs)
    with np.errstate(over="ignore"):  # uncapped ratios beyond the float range stay infinite
        uncapped = {k: 100.0 * columns[f"uncapped_{k}"].ravel() for k in ("reference", "base")}
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
            "uncapped_reference": uncapped["reference"],
            "uncapped_base": uncapped["base"],
        }
    )
    lo, hi = cap
    for kind in ("reference", "base"):
        u = indicators[f"uncapped_{kind}"] / 100.0
        indicators[f"capped_{kind}"] = ((u < lo) | (u > hi)).to_numpy()
    age_x, age_ref = ages
    indicators["value_year"] = _source_years(yrs, age_x)
    indicators["reference_year"] = _source_years(yrs, age_ref)
    indicators["filled"] = ((age_x > 0) | (age_ref > 0)).ravel()
    indicators["excluded"] = np.repeat(excluded, n_y)
    indicators["indicator"] = indicators["indicator"].astype("str")
    return indicators.sort_values(["year", "indicator"], kind="stable").reset_index(drop=True)


def ratio(
    x: FloatArray, ref: FloatArray, direction: FloatArray, cap: tuple[float, float]
) -> tuple[FloatArray, FloatArray]:
    """Capped, direction-adjusted ratio ×100 and the uncapped ratio; NaN where undefined."""
    # a ratio beyond the float range is infinite (and capped): it stays visible as uncapped
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        ok = (ref != 0) & ~np.isnan(ref) & ~np.isnan(x)
        r = np.where(ok, x / np.where(ok, ref, 1.0), np.nan)
        r = np.where(direction > 0, r, np.where(r != 0, 1.0 / np.where(r != 0, r, 1.0), np.inf))
        r = np.where(ok, r, np.nan)
    return 100.0 * np.clip(r, cap[0], cap[1]), r


def reported_years(years: IntArray, x: FloatArray, method: NPIMethod, year: int) -> BoolArray:
    """The years the result reports: those of ``period`` in which the country has data."""
    sel = np.any(~np.isnan(x), axis=0)
    if method.period is not None:
        first, last = method.period
        if not first <= year <= last:
            raise MethodError(
                f"the assessment year {year} is outside period {method.period}; "
                "widen the period or choose a year inside it"
            )
        sel = sel & (years >= first) & (years <= last)
    if year not in set(years[sel].tolist()):
        raise PanelError(f"{method.country} has no NPI data in the assessment year {year}")
    return np.asarray(sel, dtype=bool)


def fill_values(
    x: FloatArray, ref: FloatArray, method: NPIMethod
) -> tuple[FloatArray, FloatArray, tuple[IntArray, IntArray]]:
    """The country's and the reference's (I, Y) values used, and how old they are (years;
    -1 = none): carried forward with ``reference_fill="latest"``, else the year's own."""
    if method.reference_fill is None:
        ages = tuple(np.where(np.isnan(a), -1, 0).astype(np.int64) for a in (x, ref))
        return x, ref, (ages[0], ages[1])
    fx, age_x = carry_forward(x, method.max_age)
    fr, age_r = carry_forward(ref, method.max_age)
    return fx, fr, (age_x, age_r)


def filled_cells(leaves: list[str], yrs: IntArray, ages: tuple[IntArray, IntArray]) -> list[str]:
    """``"'code' reference 2024 (from 2022)"`` for every carried-forward value."""
    cells = []
    for who, age in zip(("country", "reference"), ages, strict=True):
        i, y = np.nonzero(age > 0)
        cells += [
            f"{leaves[a]!r} {who} {yrs[b]} (from {yrs[b] - age[a, b]})"
            for a, b in zip(i.tolist(), y.tolist(), strict=True)
        ]
    return cells


def roll_up(
    rr: FloatArray,
    rb: FloatArray,
    filled: BoolArray,
    tree: Catalog,
    leaves: list[str],
    method: NPIMethod,
    yrs: IntArray,
) -> tuple[pd.DataFrame, FloatArray, FloatArray, list[CoverageChange]]:
    """Both comparisons rolled up over the tree: the scores table (with the indicator
    counts), the year × node scores, and the changes of the indicator set."""
    opts: dict[str, Any] = {"aggregation": method.aggregation, "coverage": method.coverage}
    labels = [str(y) for y in yrs]
    nodes_r, cov_r, _ = rollup(rr, tree, leaves, entities=labels, **opts)
    nodes_b, cov_b, _ = rollup(rb, tree, leaves, entities=labels, **opts)
    root_pos = tree.codes.index(str(method.root))
    changes, counts = coverage_changes(
        {"reference": (rr, nodes_r[:, root_pos]), "base": (rb, nodes_b[:, root_pos])},
        tree, leaves, str(method.root), yrs, **opts,
    )  # fmt: skip
    used = ~np.isnan(rr) | ~np.isnan(rb)
    scores = pd.DataFrame(
        {
            "npi_reference": nodes_r[:, root_pos],
            "npi_base": nodes_b[:, root_pos],
            "coverage_reference": cov_r[:, root_pos],
            "coverage_base": cov_b[:, root_pos],
            "n_reference": counts["reference"],
            "n_base": counts["base"],
            "n_filled": (filled & used).sum(axis=1).astype(np.int64),
        },
        index=pd.Index(yrs, name="year"),
    )
    return scores, nodes_r, nodes_b, changes


def ratios(
    x: FloatArray,
    ref: FloatArray,
    base: FloatArray,
    direction: FloatArray,
    inputs: IndexInputs,
    method: NPIMethod,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Capped and uncapped ratios to the reference and to the base year; warns about
    negative values and zero denominators (at the caller of ``progress_index``)."""
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
    r_ref, u_ref = ratio(x_ok, ref_ok, direction, method.cap)
    r_base, u_base = ratio(x_ok, base_ok[:, None], direction, method.cap)
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


def choose_root(catalog: Catalog, root: str | None) -> str:
    """The root of the NPI tree: ``root``, else the catalog's only root, else ``"NPI"``."""
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


def check_reference_rows(kinds: pd.Series, method: NPIMethod) -> None:
    """An aggregate or a total of the entities table is only ever the reference.

    ``kinds`` (:func:`~govindex.indices.inputs.reference_kinds` of the country and the
    reference entities) must not make the country a reference row, nor any member of a
    reference mean (the mean would count the aggregate on top of its members).
    """
    country = method.country
    if kinds.get(country, ""):
        raise MethodError(
            f"country {country!r} is a reference row ({kinds[country]}) in the entities table: "
            "an aggregate or a total is the reference of the NPI (e.g. reference='OED'), "
            "never the country assessed; pass the code of a country"
        )
    if not isinstance(method.reference, str):
        rows = [m for m in method.reference if kinds.get(m, "")]
        if rows:
            raise MethodError(
                f"reference member(s) {format_items(rows)} are aggregates or totals in the "
                "entities table: a mean of the members would count them on top of their "
                f"members; list member countries only, or pass reference={rows[0]!r} alone"
            )
