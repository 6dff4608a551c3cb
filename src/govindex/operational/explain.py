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

__all__ = ["conclusions_by_block", "explain_items"]


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
