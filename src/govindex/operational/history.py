"""Methodology over time: which criteria are comparable across years, and year-on-year scores.

Scorecards change between years (criteria added or dropped, points or rules
changed). A criterion is *comparable* across a set of years when it is in force in
every one of them with the same kind, maximum points, rule, rule parameters and input
range; only comparable criteria enter the ``comparable_points`` of
:func:`compare_years`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd

from govindex.exceptions import ScorecardError, format_items
from govindex.operational.result import OperationalResult
from govindex.operational.scorecard import Item, Scorecard
from govindex.prepare.lineage import Lineage
from govindex.results import HandOut, TableResult

__all__ = ["YearComparison", "compare_scorecards", "compare_years"]


def _empty_continuity() -> pd.DataFrame:
    cols = {"entity": "str", "flag": "str", "reason": "str"}
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in cols.items()})


def _signature(item: Item) -> str:
    return json.dumps(
        [item.kind, item.max_points, item.rule.name, item.rule.params(), list(item.value_range)],
        sort_keys=True,
        default=str,
    )


def _check_years(keys: Mapping[int, object], what: str) -> list[int]:
    bad = [k for k in keys if isinstance(k, bool) or not isinstance(k, int)]
    if bad:
        raise ScorecardError(f"{what} must be keyed by integer years, found {format_items(bad)}")
    if len(keys) < 2:
        raise ScorecardError(f"{what}: need at least two years to compare, found {len(keys)}")
    return sorted(keys)


def compare_scorecards(scorecards: Mapping[int, Scorecard]) -> pd.DataFrame:
    """Report, item by item, whether the methodologies of several years are comparable.

    Parameters
    ----------
    scorecards : mapping of int to Scorecard
        The scorecard of each year.

    Returns
    -------
    DataFrame
        Index ``criterion`` (every item in force in at least one year); columns
        ``name``, ``kind``, ``max_points_<year>`` for each year (NaN when not in
        force), ``comparable`` (bool) and ``note`` (``"unchanged"``, ``"added in
        2019"``, ``"dropped after 2018"``, ``"rule or points changed"``, or the years
        it is in force).

    Examples
    --------
    >>> from govindex.operational import read_scorecard
    >>> cmp = compare_scorecards({y: read_scorecard("local", year=y) for y in (2018, 2019)})
    >>> cmp.loc["citizens_budget", "note"], bool(cmp.loc["citizens_budget", "comparable"])
    ('added in 2019', False)
    >>> bool(cmp.loc["strategic_goals", "comparable"])
    True
    """
    years = _check_years(scorecards, "scorecards")
    names: dict[str, str] = {}
    kinds: dict[str, str] = {}
    sig: dict[str, dict[int, str]] = {}
    maxp: dict[str, dict[int, float]] = {}
    for year in years[::-1]:  # the latest methodology first fixes the row order
        for item in scorecards[year].items:
            names.setdefault(item.code, item.name)
            kinds.setdefault(item.code, item.kind)
            sig.setdefault(item.code, {})[year] = _signature(item)
            maxp.setdefault(item.code, {})[year] = item.max_points
    rows = []
    for code in names:
        in_force = [y for y in years if y in sig[code]]
        same = len(set(sig[code].values())) == 1
        if len(in_force) == len(years):
            note = "unchanged" if same else "rule or points changed"
        elif in_force == years[years.index(in_force[0]) :]:
            note = f"added in {in_force[0]}"
        elif in_force == years[: len(in_force)]:
            note = f"dropped after {in_force[-1]}"
        else:
            note = "in force in " + ", ".join(str(y) for y in in_force) + " only"
        row: dict[str, object] = {"criterion": code, "name": names[code], "kind": kinds[code]}
        for y in years:
            row[f"max_points_{y}"] = maxp[code].get(y, np.nan)
        row["comparable"] = len(in_force) == len(years) and same
        row["note"] = note
        rows.append(row)
    return pd.DataFrame(rows).set_index("criterion")


@dataclass(frozen=True, repr=False, eq=False)
class YearComparison(TableResult):
    """Scores of the same bodies under the methodologies of several years (immutable; the
    :class:`~govindex.results.TableResult` protocol, frames handed out read-only).

    Attributes
    ----------
    criteria : DataFrame
        :func:`compare_scorecards` of the results' scorecards.
    points : DataFrame
        Index (``entity``, ``criterion``), one column per year; NaN where the item
        was not in force or the body was not scored that year.
    totals : DataFrame
        Index (``entity``, ``year``): ``total``, ``percent``, ``level``,
        ``comparable_points`` (sum over the comparable base criteria),
        ``comparable_max``, ``comparable_percent`` and ``lineage`` (with a lineage:
        the reorganisation a row was carried across, "" for the body's own rows).
    comparable : tuple of str
        Codes of the comparable base criteria.
    """

    _criteria: pd.DataFrame
    _points: pd.DataFrame
    _totals: pd.DataFrame
    comparable: tuple[str, ...]
    _sources: Mapping[str, Any] = field(default_factory=dict)
    _continuity: pd.DataFrame = field(default_factory=lambda: _empty_continuity())

    criteria = HandOut[pd.DataFrame]("_criteria")
    points = HandOut[pd.DataFrame]("_points")
    totals = HandOut[pd.DataFrame]("_totals")
    continuity = HandOut[pd.DataFrame](
        "_continuity",
        "With a lineage: per body whose history line crosses a reorganisation, the "
        "``flag`` of the carried rows or the ``reason`` it could not be carried.",
    )

    @property
    def provenance(self) -> dict[str, Any]:
        """The years compared, the comparable criteria and the results' fingerprints."""
        return {
            "kind": "operational_year_comparison",
            "comparable": list(self.comparable),
            **dict(self._sources),
        }

    def to_frame(self) -> pd.DataFrame:
        """Tidy points: one row per (entity, criterion, year) with ``points`` (NaN kept)."""
        stacked = cast(pd.Series, self._points.stack(future_stack=True))
        long = stacked.rename("points").reset_index()
        long["year"] = long["year"].astype("int64")
        return long

    def _tables(self) -> dict[str, pd.DataFrame]:
        return {
            "criteria": self._criteria,
            "totals": self._totals,
            "points": self.to_frame(),
            "continuity": self._continuity,
        }

    def _summary(self) -> tuple[str, list[str]]:
        years = list(self._points.columns)
        n_ent = self._points.index.get_level_values("entity").nunique()
        return "YearComparison", [
            f"years {format_items(years)}; {n_ent} entities",
            f"{len(self.comparable)} comparable criteria of {len(self._criteria)} items",
        ]


def compare_years(
    results: Mapping[int, OperationalResult], *, lineage: Lineage | pd.DataFrame | None = None
) -> YearComparison:
    """Compare bodies across years, restricting like-for-like totals to comparable criteria.

    Parameters
    ----------
    results : mapping of int to OperationalResult
        One result per year, all from the same scorecard family (same ``code``), each
        scored with the scorecard of its year.
    lineage : Lineage or DataFrame, optional
        Reorganisations of the bodies (:class:`~govindex.prepare.lineage.Lineage`, or
        its table ``year``, ``old``, ``new``, ``share``). A body that was renamed,
        split off or merged keeps its history line: its rows of the years before the
        reorganisation are carried from its predecessors by the lineage's rule for
        intensive values (scores and percentages: a rename or a split carries the old
        value, a merge takes the share-weighted mean), flagged in ``lineage`` and in
        :attr:`YearComparison.continuity`; their levels follow from the carried
        percentages. The predecessors keep their own rows.

    Returns
    -------
    YearComparison

    Raises
    ------
    ScorecardError
        Fewer than two years, a key that is not the result's scorecard year, or
        results of different scorecard families.

    Examples
    --------
    >>> import pandas as pd, warnings
    >>> from govindex.operational import read_scorecard
    >>> def one(year, value):
    ...     inputs = pd.DataFrame({"entity": ["R01"], "criterion": ["strategic_goals"],
    ...                            "value": [value]})
    ...     with warnings.catch_warnings():
    ...         warnings.simplefilter("ignore")
    ...         return read_scorecard("local", year=year).score(inputs)
    >>> cmp = compare_years({2018: one(2018, 0.8), 2019: one(2019, 0.9)})
    >>> float(cmp.totals.loc[("R01", 2019), "comparable_points"])  # 15 · (0.9 − 0.5) / 0.5
    12.0

    R01 renamed R21 in 2019 keeps its line:

    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     r21 = one(2019, 0.9).regenerate(inputs=pd.DataFrame(
    ...         {"entity": ["R21"], "criterion": ["strategic_goals"], "value": [0.9]}),
    ...         entities=["R21"])
    >>> moved = pd.DataFrame({"year": [2019], "old": ["R01"], "new": ["R21"], "share": [1.0]})
    >>> cmp = compare_years({2018: one(2018, 0.8), 2019: r21}, lineage=moved)
    >>> cmp.totals.loc["R21", "comparable_points"].to_dict()
    {2018: 9.0, 2019: 12.0}
    >>> cmp.totals.loc[("R21", 2018), "lineage"]
    'carried across the 2019 reorganisation (R01→R21): intensive, carried over from R01'
    """
    years = _check_years(results, "results")
    wrong = [y for y in years if results[y].scorecard.year != y]
    if wrong:
        raise ScorecardError(
            f"results keyed by year(s) {format_items(wrong)} were scored with scorecards of "
            f"other years ({format_items([results[y].scorecard.year for y in wrong])})"
        )
    families = sorted({results[y].scorecard.code for y in years})
    if len(families) > 1:
        raise ScorecardError(
            f"results come from different scorecards {format_items(families)}; compare one "
            "family (e.g. 'local') at a time"
        )
    criteria = compare_scorecards({y: results[y].scorecard for y in years})
    comparable = tuple(criteria.index[criteria["comparable"] & (criteria["kind"] == "criterion")])
    comp_max = float(sum(results[years[-1]].scorecard.item(c).max_points for c in comparable))
    point_cols = {}
    total_parts = []
    for y in years:  # a handful of years
        res = results[y]
        point_cols[y] = res.points.stack()
        tot = res.totals.loc[:, ["total", "percent", "level"]].astype({"level": "str"})
        tot["comparable_points"] = res.points.loc[:, list(comparable)].sum(axis=1)
        tot["comparable_max"] = comp_max
        tot["comparable_percent"] = (
            100.0 * tot["comparable_points"] / comp_max if comp_max > 0 else np.nan
        )
        tot["year"] = y
        total_parts.append(tot.reset_index())
    points = pd.DataFrame(point_cols)
    points.index = points.index.set_names(["entity", "criterion"])
    points.columns.name = "year"
    order = list(criteria.index)
    points = points.reindex(
        pd.MultiIndex.from_product(
            [sorted(points.index.get_level_values("entity").unique()), order],
            names=["entity", "criterion"],
        )
    )
    totals = pd.concat(total_parts, ignore_index=True).set_index(["entity", "year"]).sort_index()
    totals["lineage"] = pd.Series("", index=totals.index, dtype="str")
    continuity = _empty_continuity()
    if lineage is not None:
        lin = lineage if isinstance(lineage, Lineage) else Lineage.from_frame(lineage)
        points, totals, continuity = continue_lines(points, totals, lin, results)
    sources = {
        "scorecard_code": families[0],
        "years": years,
        "scorecard_fingerprints": {str(y): results[y].scorecard.fingerprint for y in years},
        "inputs_fingerprints": {str(y): results[y].inputs_fingerprint for y in years},
        "stages": {str(y): results[y].stage for y in years},
    }
    if lineage is not None:
        sources["lineage_fingerprint"] = lin.fingerprint
    return YearComparison(criteria, points, totals, comparable, sources, continuity)


_TOTALS = ("total", "percent", "comparable_points", "comparable_percent")


def continue_lines(
    points: pd.DataFrame,
    totals: pd.DataFrame,
    lineage: Lineage,
    results: Mapping[int, OperationalResult],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Carry the history lines of reorganised bodies (see :func:`compare_years`).

    ``points`` is (entity, criterion) × year, ``totals`` is indexed (entity, year); the
    lineage re-bases both with its intensive rule over the whole span of years.
    """
    years = [int(y) for y in points.columns]
    ents = pd.Index(
        sorted(set(points.index.get_level_values("entity")) | set(lineage.frame["new"])),
        dtype="str",
    )
    crit = pd.Index(points.index.get_level_values("criterion").unique(), dtype="str")
    pts = points.reindex(pd.MultiIndex.from_product([ents, crit], names=points.index.names))
    tot = cast(pd.DataFrame, totals.loc[:, list(_TOTALS)].unstack("year")).reindex(ents)
    values = np.concatenate(
        [
            pts.to_numpy(dtype=float).reshape(len(ents), len(crit), len(years)),
            np.stack(
                [
                    cast(pd.DataFrame, tot.loc[:, c]).reindex(columns=years).to_numpy(dtype=float)
                    for c in _TOTALS
                ],
                1,
            ),
        ],
        axis=1,
    )
    labels = [*crit, *(f"({c})" for c in _TOTALS)]
    adj = lineage.rebase(
        values, ents, labels, years, year=years[-1], window=years[-1] - years[0], extensive="none"
    )
    use = adj.rebased[:, :, None] & ~np.isnan(adj.values)
    new = np.where(use, adj.values, values)
    carried = use & (np.isnan(values) | (adj.values != values))
    k = len(crit)
    points_out = pd.DataFrame(
        new[:, :k, :].reshape(len(ents) * k, len(years)), index=pts.index, columns=points.columns
    )
    notes = adj.notes.loc[adj.notes["indicator"] == "(total)"].set_index("entity")
    rows = []
    for j, year in enumerate(years):  # a handful of years
        have = ~np.isnan(new[:, k, j])
        part = pd.DataFrame(
            {c: new[have, k + m, j] for m, c in enumerate(_TOTALS)}, index=ents[have]
        )
        card = results[year].scorecard
        low_first = card.levels[::-1]
        cut = np.searchsorted([lv.min_percent for lv in low_first], part["percent"], "right")
        names = np.array([lv.name for lv in low_first])[np.clip(cut - 1, 0, len(low_first) - 1)]
        own = totals.xs(year, level="year")["level"].reindex(part.index)
        flag = notes["flag"].reindex(part.index).fillna("")
        flag = flag.str.replace("lineage: re-based across", "carried across the", regex=False)
        was_carried = carried[have, k, j]
        part["level"] = np.where(was_carried, names, own.astype("str").to_numpy())
        part["comparable_max"] = float(totals["comparable_max"].iloc[0])
        part["lineage"] = np.where(was_carried, flag.to_numpy(), "")
        part["year"] = year
        rows.append(part.rename_axis("entity").reset_index())
    out = pd.concat(rows, ignore_index=True).set_index(["entity", "year"]).sort_index()
    out = out.loc[:, list(totals.columns)].astype({"lineage": "str", "level": "str"})
    continuity = notes.reset_index().loc[:, ["entity", "flag", "reason"]].astype("str")
    keep = points_out.notna().any(axis=1) | points.reindex(points_out.index).notna().any(axis=1)
    return points_out.loc[keep], out, continuity
