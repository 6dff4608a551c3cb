"""Vectorised scoring of a scorecard: input validation and the result tables.

The tidy inputs are validated, pivoted once to an ``entities × items`` array, and
each rule kernel scores all the columns of its rule at once (the only Python loop is
over the five rule names). Subtotals — criteria → directions → blocks → total, bonus
and penalty items directly under the total — are one
:func:`~govindex.aggregate.aggregate_tree` roll-up (``sum`` at every parent) over the
scorecard's tree as a :class:`~govindex.Catalog` (:func:`scorecard_catalog`); levels
come from one ``searchsorted`` on the cut-offs.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from govindex.aggregate import aggregate_tree
from govindex.catalog import Catalog
from govindex.exceptions import DataWarning, ScorecardError, format_items
from govindex.operational._rules import RULES

if TYPE_CHECKING:
    from govindex.operational.scorecard import Scorecard

__all__ = ["ScoreTables", "compute_tables", "scorecard_catalog", "validate_inputs"]

_REQUIRED = ("entity", "criterion", "value")
#: Points and subtotals are rounded to this many decimals to remove floating-point noise
#: (2 · (0.6 − 0.5) / 0.5 is 0.39999999999999991 in binary arithmetic; reported as 0.4).
DECIMALS = 10


@dataclass(frozen=True)
class ScoreTables:
    """The labelled tables of one scoring run (internal container)."""

    input_values: pd.DataFrame
    points: pd.DataFrame
    missing: pd.DataFrame
    directions: pd.DataFrame
    blocks: pd.DataFrame
    totals: pd.DataFrame


def scorecard_catalog(scorecard: Scorecard) -> Catalog:
    """The scorecard's tree as a :class:`~govindex.Catalog` with ``sum`` at every parent.

    Nodes, in this order: the total (code ``"total"``, or ``"total_"`` … when a block,
    direction or item of the scorecard is already called so), the blocks, the
    directions and the items in force; criteria hang under their direction, directions
    under their block, blocks and the bonus and penalty items under the total. Every
    weight is 1, so each parent's score is the plain sum of its children's points.
    """
    taken = {*(b.code for b in scorecard.blocks), *(d.code for d in scorecard.directions),
             *scorecard.item_codes}  # fmt: skip
    root = "total"
    while root in taken:
        root += "_"
    rows = [(root, f"Total ({scorecard.name})", "", "sum")]
    rows += [(b.code, b.name, root, "sum") for b in scorecard.blocks]
    rows += [(d.code, d.name, d.block, "sum") for d in scorecard.directions]
    rows += [(i.code, i.name, i.direction if i.kind == "criterion" and i.direction else root, "")
             for i in scorecard.items]  # fmt: skip
    return Catalog.from_frame(
        pd.DataFrame(rows, columns=["code", "name", "parent", "aggregation"])
    )


def _pairs(frame: pd.DataFrame, mask: Any, extra: str | None = None) -> list[str]:
    sub = frame.loc[mask]
    labels = sub["entity"].astype(str) + "/" + sub["criterion"].astype(str)
    if extra is not None:
        labels = labels + "=" + sub[extra].astype(str)
    return [f"row {i}: {lab}" for i, lab in zip(sub.index, labels, strict=True)]


def validate_inputs(
    scorecard: Scorecard, inputs: pd.DataFrame, *, entities: Sequence[str] | None = None
) -> pd.DataFrame:
    """Check a tidy input table and return a clean copy (entity, criterion, value, evidence).

    Rows are numbered by position (0-based) in error messages.

    Raises
    ------
    ScorecardError
        Missing columns, empty codes, non-numeric or infinite values, unknown criteria
        or criteria not in force in the scorecard's year, rows of another year,
        duplicated (entity, criterion) pairs, values outside the criterion's range,
        non-0/1 yes/no values, non-integer violation counts, entities not listed in
        ``entities``.
    """
    if not isinstance(inputs, pd.DataFrame):
        raise ScorecardError(
            f"inputs must be a DataFrame with columns {list(_REQUIRED)}, "
            f"found {type(inputs).__name__}"
        )
    missing_cols = [c for c in _REQUIRED if c not in inputs.columns]
    if missing_cols:
        raise ScorecardError(
            f"inputs lack the column(s) {format_items(missing_cols)}; expected "
            f"{list(_REQUIRED)} (+ optional 'evidence', 'year'), found {list(inputs.columns)}"
        )
    frame = inputs.reset_index(drop=True)
    if "year" in frame.columns:
        other = frame["year"] != scorecard.year
        if other.any():
            years = sorted({str(y) for y in frame.loc[other, "year"]})
            raise ScorecardError(
                f"inputs contain rows of year(s) {format_items(years)} but the scorecard is for "
                f"{scorecard.year}; select that year first (inputs[inputs.year == "
                f"{scorecard.year}]) or load the scorecard with year=..."
            )
    for col in ("entity", "criterion"):
        bad = frame[col].isna() | (frame[col].astype(str).str.strip() == "")
        if bad.any():
            raise ScorecardError(
                f"inputs: empty {col!r} in row(s) {format_items(frame.index[bad].tolist())}"
            )
    clean = pd.DataFrame(
        {
            "entity": frame["entity"].astype(str),
            "criterion": frame["criterion"].astype(str),
        }
    )
    raw = frame["value"]
    if pd.api.types.is_bool_dtype(raw.dtype):
        value = raw.astype("float64")
    else:
        value = pd.to_numeric(raw.astype(object), errors="coerce").astype("float64")
        bad = value.isna() & raw.notna()
        if bad.any():
            clean["raw"] = raw.astype(str)
            raise ScorecardError(
                f"inputs: non-numeric value(s) in {format_items(_pairs(clean, bad, 'raw'))}; "
                "values must be numbers (NaN for missing)"
            )
    clean["value"] = value
    infinite = np.isinf(value.to_numpy())
    if infinite.any():
        raise ScorecardError(
            f"inputs: infinite value(s) in {format_items(_pairs(clean, infinite, 'value'))}"
        )
    if "evidence" in frame.columns:
        clean["evidence"] = frame["evidence"].astype("str")
    else:
        clean["evidence"] = pd.Series(np.nan, index=clean.index, dtype="str")

    codes = pd.Index(scorecard.item_codes)
    unknown_mask = ~clean["criterion"].isin(codes)
    if unknown_mask.any():
        unknown = list(dict.fromkeys(clean.loc[unknown_mask, "criterion"]))
        retired = [c for c in unknown if c in scorecard.not_in_force]
        if retired:
            raise ScorecardError(
                f"inputs: criterion/criteria {format_items(retired)} not in force in "
                f"{scorecard.year} under scorecard {scorecard.code!r}; drop those rows or "
                "load the scorecard for the year they apply to"
            )
        raise ScorecardError(
            f"inputs: unknown criterion/criteria {format_items(unknown)} (rows "
            f"{format_items(clean.index[unknown_mask].tolist())}); known items: "
            f"{format_items(codes.tolist(), limit=40)}"
        )
    if entities is not None:
        listed = pd.Index([str(e) for e in entities])
        if listed.has_duplicates:
            dups = listed[listed.duplicated()].tolist()
            raise ScorecardError(f"entities: duplicated code(s) {format_items(dups)}")
        extra = ~clean["entity"].isin(listed)
        if extra.any():
            strays = list(dict.fromkeys(clean.loc[extra, "entity"]))
            raise ScorecardError(
                f"inputs: entity/entities {format_items(strays)} are not in the `entities` "
                "list; add them or fix the codes"
            )
    dup = clean.duplicated(["entity", "criterion"], keep=False)
    if dup.any():
        raise ScorecardError(
            f"inputs: duplicated (entity, criterion) pairs in {format_items(_pairs(clean, dup))}; "
            "keep one value per body and criterion"
        )

    # per-row parameters of the criterion: range and rule, looked up by code (vectorised)
    pos = codes.get_indexer(pd.Index(clean["criterion"]))
    lo = np.array([i.value_range[0] for i in scorecard.items])[pos]
    hi = np.array([i.value_range[1] for i in scorecard.items])[pos]
    rule = np.array([i.rule.name for i in scorecard.items])[pos]
    x = clean["value"].to_numpy()
    with np.errstate(invalid="ignore"):
        out = (x < lo) | (x > hi)
    if out.any():
        labels = [
            f"{p} (expected [{a:g}, {b:g}])"
            for p, a, b in zip(_pairs(clean, out, "value"), lo[out], hi[out], strict=True)
        ]
        raise ScorecardError(f"inputs: value(s) out of range: {format_items(labels)}")
    not01 = (rule == "boolean") & ~np.isnan(x) & (x != 0) & (x != 1)
    if not01.any():
        found = format_items(_pairs(clean, not01, "value"))
        raise ScorecardError(f"inputs: yes/no criteria need 0 or 1, found {found}")
    frac = (rule == "deduction") & ~np.isnan(x) & (x != np.floor(x))
    if frac.any():
        raise ScorecardError(
            "inputs: violation counts must be whole numbers, found "
            f"{format_items(_pairs(clean, frac, 'value'))}"
        )
    return clean


def compute_tables(
    scorecard: Scorecard,
    clean: pd.DataFrame,
    *,
    entities: Sequence[str] | None = None,
    warn: bool = True,
) -> ScoreTables:
    """Score validated inputs: points, subtotals, totals, ranks and levels."""
    items = scorecard.items
    codes = pd.Index(scorecard.item_codes, name="criterion")
    if entities is None:
        ents = pd.Index(sorted(clean["entity"].unique()), name="entity", dtype="str")
    else:
        ents = pd.Index([str(e) for e in entities], name="entity", dtype="str")
    if len(ents) == 0:
        raise ScorecardError("inputs: no entity to score (the table is empty)")
    n_e, n_i = len(ents), len(codes)

    x = np.full((n_e, n_i), np.nan)
    rows = ents.get_indexer(pd.Index(clean["entity"]))
    x[rows, codes.get_indexer(pd.Index(clean["criterion"]))] = clean["value"].to_numpy()
    max_points = np.array([i.max_points for i in items])
    rule_of = np.array([i.rule.name for i in items])
    pts = np.zeros((n_e, n_i))
    for name in RULES.names():  # loop over the five rule names only
        cols = np.flatnonzero(rule_of == name)
        if cols.size:
            rules = [items[j].rule for j in cols]
            pts[:, cols] = RULES[name](x[:, cols], rules, max_points[cols])
    missing = np.isnan(x)
    pts = np.where(missing, 0.0, pts)
    kind = np.array([i.kind for i in items])
    sign = np.where(kind == "penalty", -1.0, 1.0)
    pts = np.round(pts * sign, DECIMALS) + 0.0  # + 0.0 turns −0.0 into 0.0

    if warn:
        gap = missing & (kind == "criterion")[None, :]
        if gap.any():
            e_idx, c_idx = np.nonzero(gap)
            e_lab, c_lab = ents.to_numpy()[e_idx], codes.to_numpy()[c_idx]
            labels = [f"{e}/{c}" for e, c in zip(e_lab, c_lab, strict=True)]
            warnings.warn(
                f"{len(labels)} criterion value(s) missing, scored 0 points and flagged in "
                f"result.missing: {format_items(labels)}",
                DataWarning,
                stacklevel=4,
            )

    dir_codes = pd.Index([d.code for d in scorecard.directions], name="direction")
    blk_codes = pd.Index([b.code for b in scorecard.blocks], name="block")
    tree = scorecard.catalog
    nodes = pd.Index(tree.codes)
    leaf = np.full((n_e, len(nodes)), np.nan)
    leaf[:, nodes.get_indexer(codes)] = pts
    sums = aggregate_tree(leaf, tree.rollup_plan("sum"), coverage=0.0).scores
    directions = np.round(sums[:, nodes.get_indexer(dir_codes)], DECIMALS)
    blocks = np.round(sums[:, nodes.get_indexer(blk_codes)], DECIMALS)
    base = np.round(blocks.sum(axis=1), DECIMALS)
    bonus = np.round(pts[:, kind == "bonus"].sum(axis=1), DECIMALS)
    penalty = np.round(pts[:, kind == "penalty"].sum(axis=1), DECIMALS) + 0.0
    total = np.round(sums[:, nodes.get_loc(tree.roots[0])], DECIMALS) + 0.0
    # the stated rule for totals beyond the maximum: percent is capped at 100 %; the
    # uncapped figure is reported as percent_with_bonus, and total keeps every point
    with_bonus = np.round(100.0 * total / scorecard.max_points, DECIMALS)
    percent = np.minimum(with_bonus, 100.0)

    levels_low_first = scorecard.levels[::-1]
    cuts = np.array([lv.min_percent for lv in levels_low_first])
    idx = np.searchsorted(cuts, percent, side="right") - 1
    idx = np.clip(idx, 0, len(cuts) - 1)  # totals below 0 (penalties) get the lowest level
    names = [lv.name for lv in levels_low_first]
    level = pd.Categorical.from_codes(idx, categories=pd.Index(names), ordered=True)
    rank = pd.Series(total).rank(method="min", ascending=False).astype("int64").to_numpy()

    def frame(arr: Any, cols: pd.Index) -> pd.DataFrame:
        return pd.DataFrame(arr, index=ents, columns=cols)

    totals = pd.DataFrame(
        {
            "base": base,
            "bonus": bonus,
            "penalty": penalty,
            "total": total,
            "max_points": np.full(n_e, scorecard.max_points),
            "percent": percent,
            "percent_with_bonus": with_bonus,
            "rank": rank,
            "level": level,
        },
        index=ents,
    )
    return ScoreTables(
        input_values=frame(x, codes),
        points=frame(pts, codes),
        missing=frame(missing, codes),
        directions=frame(directions, dir_codes),
        blocks=frame(blocks, blk_codes),
        totals=totals,
    )
