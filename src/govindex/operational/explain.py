"""Explanations of operational scores: the trace of every point and the block conclusions.

The functions behind :meth:`OperationalResult.explain
<govindex.operational.result.OperationalResult.explain>` and
:meth:`OperationalResult.block_conclusions
<govindex.operational.result.OperationalResult.block_conclusions>`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from govindex.operational._scoring import ScoreTables

if TYPE_CHECKING:
    from govindex.operational.scorecard import Scorecard

__all__ = ["conclusions_by_block", "explain_items", "tidy_points"]


def explain_items(
    scorecard: Scorecard,
    tables: ScoreTables,
    inputs: pd.DataFrame,
    appeals: pd.DataFrame,
    entity: str,
) -> pd.DataFrame:
    """One row per item of ``entity``: value, evidence, rule, formula, points and status.

    ``inputs`` are the validated inputs in force, ``appeals`` the appeal log; see
    :meth:`OperationalResult.explain <govindex.operational.result.OperationalResult.explain>`.
    """
    values = tables.input_values.loc[entity].to_dict()
    points = tables.points.loc[entity].to_dict()
    evidence = inputs.loc[inputs["entity"] == entity].set_index("criterion")["evidence"]
    appealed = appeals.loc[appeals["entity"] == entity]
    last_decision = appealed.groupby("criterion")["decision"].last()
    rows = []
    for item in scorecard.items:  # reporting: one row of text per item
        value = float(values[item.code])
        pts = float(points[item.code])
        magnitude = abs(pts)
        if np.isnan(value):
            status, formula = "missing", "no value → 0 points (flagged missing)"
        else:
            status = "scored"
            formula = item.rule.describe(value, item.max_points, magnitude)
            if item.kind == "penalty":
                formula = f"penalty −({formula})"
        if item.code in last_decision.index:
            status = f"appealed: {last_decision[item.code]}"
        rows.append(
            {
                "criterion": item.code,
                "name": item.name,
                "kind": item.kind,
                "block": item.block,
                "direction": item.direction,
                "rule": item.rule.name,
                "value": value,
                "evidence": evidence.get(item.code, np.nan),
                "max_points": item.max_points,
                "points": pts,
                "lost_points": item.max_points - pts if item.kind == "criterion" else 0.0,
                "status": status,
                "formula": formula,
            }
        )
    return pd.DataFrame(rows).set_index("criterion")


def conclusions_by_block(scorecard: Scorecard, tables: ScoreTables) -> pd.DataFrame:
    """Per (entity, block): points, maximum, percent, lost points and the weakest direction.

    See :meth:`OperationalResult.block_conclusions
    <govindex.operational.result.OperationalResult.block_conclusions>`.
    """
    sc = scorecard
    dir_max = pd.Series(
        {
            d.code: sum(i.max_points for i in sc.criteria if i.direction == d.code)
            for d in sc.directions
        }
    )
    dir_lost = dir_max - tables.directions
    blk_max = pd.Series(
        {b.code: sum(i.max_points for i in sc.criteria if i.block == b.code) for b in sc.blocks}
    )
    parts = []
    for b in sc.blocks:  # a handful of blocks
        cols = [d.code for d in sc.directions if d.block == b.code]
        lost = dir_lost.loc[:, cols]
        pts = tables.blocks[b.code]
        parts.append(
            pd.DataFrame(
                {
                    "block": b.code,
                    "block_name": b.name,
                    "points": pts,
                    "max_points": blk_max[b.code],
                    "percent": 100.0 * pts / blk_max[b.code],
                    "lost_points": blk_max[b.code] - pts,
                    "weakest_direction": lost.idxmax(axis=1),
                    "weakest_direction_lost": lost.max(axis=1),
                }
            )
        )
    out = pd.concat(parts).reset_index().set_index(["entity", "block"]).sort_index()
    return out


def tidy_points(
    scorecard: Scorecard, tables: ScoreTables, appeals: pd.DataFrame, stage: str
) -> pd.DataFrame:
    """One row per (entity, criterion): block, direction, rule, value, points, flags.

    See :meth:`OperationalResult.to_frame
    <govindex.operational.result.OperationalResult.to_frame>`.
    """
    sc = scorecard
    ents = tables.totals.index
    n_e = len(ents)
    index = pd.MultiIndex.from_product([ents, sc.item_codes], names=["entity", "criterion"])
    maxp = np.array([i.max_points for i in sc.items])
    kind = np.array([i.kind for i in sc.items])
    pts = tables.points.to_numpy().ravel()
    appealed_pairs = set(zip(appeals["entity"], appeals["criterion"], strict=True))
    return pd.DataFrame(
        {
            "stage": stage,
            "kind": np.tile(kind, n_e),
            "block": np.tile(np.array([i.block or "" for i in sc.items]), n_e),
            "direction": np.tile(np.array([i.direction or "" for i in sc.items]), n_e),
            "rule": np.tile(np.array([i.rule.name for i in sc.items]), n_e),
            "value": tables.input_values.to_numpy().ravel(),
            "points": pts,
            "max_points": np.tile(maxp, n_e),
            "lost_points": np.where(
                np.tile(kind, n_e) == "criterion", np.tile(maxp, n_e) - pts, 0.0
            ),
            "missing": tables.missing.to_numpy().ravel(),
            "appealed": index.isin(list(appealed_pairs)) if appealed_pairs else False,
        },
        index=index,
    ).astype({"block": "str", "direction": "str"})
