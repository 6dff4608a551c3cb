"""The data of a GPI window: values, series breaks, reference rows, what a result keeps.

* :func:`window_values` imputes and re-bases (across the lineage's reorganisations) the
  gathered values of the leaves;
* :func:`find_breaks` finds the series breaks inside the window
  (:func:`govindex.prepare.breaks.window_breaks`) and marks those that the lineage
  explains (the entity is an old code or a part of a reorganisation of that year);
* :func:`flag_breaks` flags every computed change that crosses a break no lineage
  explains (``series break: …`` in ``.changes['flags']``) and warns with a
  :class:`~govindex.exceptions.DataWarning` naming entity, indicator, year and jump;
  :func:`govindex.indices.risk.risk_areas` leaves those changes out by default;
* :func:`~govindex.indices.inputs.reference_kinds` (shared by the indices) tells the
  reference rows (aggregates, totals of an :class:`~govindex.entities.Entities` table):
  scored, flagged, never ranked, never in the default cap;
* :func:`record_inputs` gives the fingerprints and options a result keeps.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from govindex._typing import BoolArray, FloatArray
from govindex.catalog import Catalog
from govindex.entities import Entities
from govindex.exceptions import DataWarning, MethodError, format_items, listing_warning
from govindex.indices.inputs import IndexInputs
from govindex.panel import Panel
from govindex.prepare.breaks import WindowStatistics, window_breaks
from govindex.prepare.impute import impute_panel
from govindex.prepare.lineage import Lineage, LineageAdjustment

if TYPE_CHECKING:
    from govindex.indices.gpi import GPIMethod

__all__ = [
    "BREAK_FLAG",
    "REFERENCE_FLAG",
    "assign_roots",
    "change_rules",
    "find_breaks",
    "flag_breaks",
    "flag_reference",
    "record_inputs",
    "window_values",
]

#: Start of the flag of a change that crosses a series break no lineage explains.
BREAK_FLAG: Final = "series break"
#: Start of the flag of the changes of a reference row (an aggregate or a total).
REFERENCE_FLAG: Final = "reference row"


def assign_roots(catalog: Catalog, entities: pd.Index, roots: Iterable[str] | None) -> pd.Series:
    """Map every entity to the root of its indicator set (NaN: no set applies): a root with
    an ``owner`` applies to that entity, the shared root (without one) to every other."""
    chosen = list(catalog.roots) if roots is None else list(roots)
    unknown = [r for r in chosen if r not in catalog.roots]
    if unknown:
        raise MethodError(
            f"unknown root(s) {format_items(unknown)}; the catalog's roots are {format_items(catalog.roots)}"
        )
    owner = catalog.column("owner", chosen)
    owned = owner[owner != ""]
    dup = owned[owned.duplicated(keep=False)]
    if len(dup):
        raise MethodError(
            f"body/bodies {format_items(sorted(set(dup)))} own several roots: {format_items(dup.index)}"
        )
    shared = owner[owner == ""].index.tolist()
    if len(shared) > 1:
        raise MethodError(
            f"{len(shared)} shared roots without an owner ({format_items(shared)}): pass roots=[...] "
            "to choose the one that applies to every entity"
        )
    by_owner = pd.Series(owned.index.to_numpy(), index=owned.to_numpy())
    assigned = pd.Series(
        by_owner.reindex(entities).to_numpy(), index=entities, name="root", dtype="object"
    )
    if shared:
        assigned = assigned.where(assigned.notna(), shared[0])
    return assigned


def change_rules(
    meta: pd.DataFrame, method: GPIMethod
) -> tuple[list[str], FloatArray, FloatArray]:
    """The change rule, the catalog cap and the catalog tolerance of every leaf (rows of
    ``meta``, the catalog's rows of the leaves): the catalog's rule, else the method's;
    ``override_change`` replaces every rule, and the caps and tolerances given for another
    rule are dropped (NaN: the rule's default)."""
    rules = meta["change"].where(meta["change"] != "", method.change).tolist()
    cap_given = meta["cap"].to_numpy(dtype=np.float64)
    tol_given = meta["tolerance"].to_numpy(dtype=np.float64)
    if method.override_change is not None:
        kept = np.asarray(rules) == method.override_change  # catalog cap/tolerance stay valid
        rules = [method.override_change] * len(meta)
        cap_given = np.where(kept, cap_given, np.nan)
        tol_given = np.where(kept, tol_given, np.nan)
    return rules, cap_given, tol_given


def find_breaks(
    values: FloatArray,
    entities: pd.Index,
    indicators: Sequence[str],
    years: np.ndarray,
    *,
    year: int,
    window: int,
    lineage: Lineage | None,
    reference: BoolArray,
    entity_table: Entities | None,
    statistics: WindowStatistics | None = None,
) -> pd.DataFrame:
    """The series breaks inside the window, with ``explained`` (by the lineage);
    ``statistics``: those of every entity when ``values`` hold a chunk of them."""
    found = window_breaks(
        values, entities, indicators, years, year=year, window=window, reference=reference,
        boundary_years=entity_table.boundary_years() if entity_table is not None else (),
        statistics=statistics,
    )  # fmt: skip
    explained = np.zeros(len(found), dtype=bool)
    if lineage is not None and len(found):
        for y in sorted(set(found["year"].tolist()) & set(lineage.years)):  # the few events
            at = (found["year"] == y).to_numpy()
            explained[at] = found.loc[at, "entity"].isin(lineage.codes(y)).to_numpy()
    return found.assign(explained=explained)


def _describe(rows: pd.DataFrame) -> pd.Series:
    """``2022 level shift 61 → 31 (−49.2 %)``, ``series starts in 2018``, …"""
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = (rows["after"] / rows["before"] - 1.0) * 100
    shift = (
        rows["year"].astype("str") + " level shift " + rows["before"].map("{:g}".format)
        + " → " + rows["after"].map("{:g}".format) + " (" + pct.map("{:+.1f} %".format) + ")"
    )  # fmt: skip
    start = "series starts in " + rows["year"].astype("str")
    end = "series ends in " + (rows["year"] - 1).astype("str")
    text = np.where(rows["kind"] == "series start", start, np.where(
        rows["kind"] == "series end", end, shift))  # fmt: skip
    return pd.Series(text, index=rows.index, dtype="str")


def flag_breaks(changes: pd.DataFrame, breaks: pd.DataFrame, *, window: str) -> pd.DataFrame:
    """Flag the computed changes that cross an unexplained break; warn at the index's caller.

    A level shift in ``t`` is crossed when ``start_year < t ≤ end_year``; a series start
    when the change starts in ``t`` (its start point moved there); a series end when the
    change ends in ``t − 1``.
    """
    todo = breaks.loc[~breaks["explained"].to_numpy()]
    if not len(todo) or not len(changes):
        return changes
    rows = changes.loc[:, ["entity", "indicator", "start_year", "end_year", "change"]]
    hits = rows.reset_index(names="_row").merge(todo, on=["entity", "indicator"], how="inner")
    start = hits["start_year"].astype("float64")
    end = hits["end_year"].astype("float64")
    t = hits["year"].astype("float64")
    kind = hits["kind"]
    crossed = (
        ((kind == "level shift") & (start < t) & (t <= end))
        | ((kind == "series start") & (start == t))
        | ((kind == "series end") & (end == t - 1))
    ) & hits["change"].notna()
    hits = hits.loc[crossed.to_numpy()]
    if not len(hits):
        return changes
    what = _describe(hits)
    text = (
        (f"{BREAK_FLAG}: " + what + ", not explained by a lineage")
        .groupby(hits["_row"].to_numpy())
        .agg("; ".join)
    )
    out = changes.copy()
    flags = out["flags"].astype("str").to_numpy(dtype=object)
    pos = text.index.to_numpy()
    sep = np.where(flags[pos] != "", "; ", "")
    flags[pos] = flags[pos] + sep + text.to_numpy(dtype=object)
    out["flags"] = pd.array(flags, dtype="str")
    items = hits["entity"] + " " + hits["indicator"] + " " + what
    warnings.warn(
        listing_warning(
            DataWarning,
            f"{{n}} change(s) of the window {window} cross a series break that no lineage "
            f"explains: {{items}}. They are flagged '{BREAK_FLAG}' in .changes['flags'] and "
            "left out of the risk areas; if the entity was reorganised, give a lineage "
            "(docs/lineage.md), else check the data",
            items.tolist(),
        ),
        stacklevel=3,
    )
    return out


def flag_reference(changes: pd.DataFrame, kinds: pd.Series) -> pd.DataFrame:
    """Add ``reference row (<kind>): not ranked`` to the flags of the reference rows."""
    ref = kinds[kinds != ""]
    if not len(ref) or not len(changes):
        return changes
    kind = changes["entity"].map(ref).fillna("").astype("str")
    text = (f"{REFERENCE_FLAG} (" + kind + "): not ranked").where(kind != "", "")
    old = changes["flags"].astype("str")
    sep = np.where((old != "") & (text != ""), "; ", "")
    out = changes.copy()
    joined = old.to_numpy(dtype=object) + sep.astype(object) + text.to_numpy(dtype=object)
    out["flags"] = pd.array(joined, dtype="str")
    return out


def window_values(
    inputs: IndexInputs,
    raw: FloatArray,
    method: GPIMethod,
    year: int,
    lineage: Lineage | None,
    derive: bool,
) -> tuple[FloatArray, BoolArray | None, LineageAdjustment | None]:
    """The (E, L, Y) values of the leaves: the gathered ``raw`` values imputed, then
    re-based across reorganisations.

    Returns the values, the imputed mask (None without imputation) and the lineage
    adjustment (None without a lineage).
    """
    values = raw
    imputed = None
    if method.imputation is not None:
        values, imputed = impute_panel(
            values, method=method.imputation["method"], max_gap=method.imputation.get("max_gap")
        )
    if lineage is None:
        return values, imputed, None
    ent, leaves, years = inputs.entities, inputs.leaves, inputs.panel.years
    adjusted = lineage.rebase(
        values, ent, leaves, years, year=year, window=method.window, derive=derive
    )
    if imputed is not None:  # a re-based value is imputed if any value it is made of is
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the same warnings as the rebase above
            marks = lineage.rebase(
                np.where(np.isnan(values), np.nan, imputed.astype(np.float64)),
                ent, leaves, years, year=year, window=method.window, extensive="all",
                derive=True,
            )  # fmt: skip
        imputed = np.asarray(marks.values) > 0
    return np.array(adjusted.values), imputed, adjusted


def record_inputs(
    panel: Panel,
    catalog: Catalog,
    roots: Iterable[str] | None,
    entities: Iterable[str] | None,
    lineage: Lineage | None,
    derive: bool,
    entity_table: Entities | None,
) -> tuple[dict[str, str], dict[str, Any]]:
    """The input fingerprints and the options a GPI result keeps (optional ones when given)."""
    fingerprints = {"panel": panel.fingerprint, "catalog": catalog.fingerprint}
    options: dict[str, Any] = {
        "roots": None if roots is None else list(roots),
        "entities": None if entities is None else list(entities),
    }
    if lineage is not None:
        fingerprints["lineage"] = lineage.fingerprint
        options["lineage"] = lineage
        if derive:
            options["derive"] = True
    if entity_table is not None:
        fingerprints["entities"] = entity_table.fingerprint
        options["entity_table"] = entity_table
    return fingerprints, options
