"""Risk areas: where development regressed.

* An (entity, indicator) pair is a **risk** when its class is ``deteriorated``;
  its severity is the size of the regression times the indicator's weight in the
  body's index: ``severity = (50 − s) / 50 × w_eff`` where ``s`` is the progress
  score (0 = the full cap of regression, 50 = no change) and ``w_eff`` the
  indicator's effective weight in its root (product of normalised weights).
* A **sphere** of a body, or a **body** as a whole, is a risk area when its share of
  deteriorated indicators is at least ``share_threshold`` (default 1/3) or its
  progress-score aggregate is at most ``score_threshold`` (default 45).
* Changes that cross a **series break** no lineage explains (flagged ``series break``)
  measure the break, not the body: they are left out (``include_breaks=True`` keeps
  them), and so are the **reference rows** (aggregates, totals), which are not assessed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from govindex._typing import BoolArray, FloatArray, IntArray
from govindex.exceptions import MethodError
from govindex.indices.gpi_window import BREAK_FLAG
from govindex.panel import take_str

if TYPE_CHECKING:
    from govindex.indices.gpi import PerformanceResult

__all__ = ["RISK_COLUMNS", "rank_risks", "risk_areas", "risk_rows"]

#: Columns of the risk table.
RISK_COLUMNS = (
    "level",
    "entity",
    "sphere",
    "indicator",
    "severity",
    "rank",
    "class",
    "change",
    "start_year",
    "end_year",
    "start_value",
    "end_value",
    "score",
    "weight",
    "n_indicators",
    "n_deteriorated",
    "share_deteriorated",
    "trigger",
)
# columns of the changes table that indicator rows carry into the risk table
_COMPUTED = ("level", "severity", "rank", "n_indicators", "n_deteriorated", "share_deteriorated")
_INDICATOR_COLUMNS = [c for c in RISK_COLUMNS if c not in (*_COMPUTED, "trigger")]


def risk_areas(
    result: PerformanceResult,
    *,
    share_threshold: float = 1 / 3,
    score_threshold: float = 45.0,
    levels: tuple[str, ...] = ("indicator", "sphere", "entity"),
    include_breaks: bool = False,
) -> pd.DataFrame:
    """Risk table of a GPI result: regressions and the spheres/bodies at risk.

    Parameters
    ----------
    result : PerformanceResult
        Output of :func:`govindex.performance_index`.
    share_threshold : float, default 1/3
        A sphere or body whose share of deteriorated (scored) indicators is at least
        this is a risk area.
    score_threshold : float, default 45
        A sphere or body whose mean progress score (sphere) or GPI (body) is at most
        this is a risk area.
    levels : tuple of str, default ("indicator", "sphere", "entity")
        Which kinds of row to return.
    include_breaks : bool, default False
        Keep the changes flagged ``series break`` (a break inside the window that no
        lineage explains). By default they are left out of every level: a body whose
        score falls only because its map was redrawn is not a risk area. A body with
        changes left out is judged on the weighted mean progress score of the others
        instead of its GPI.

    Returns
    -------
    DataFrame
        Tidy, columns :data:`RISK_COLUMNS`; rows ranked by severity within each level
        (``rank`` 1 = most severe). ``trigger`` says why a sphere or body is listed.

    Examples
    --------
    >>> from govindex import Panel, Catalog, performance_index
    >>> panel = Panel.from_frame(pd.DataFrame({
    ...     "entity": "A", "indicator": ["x", "x", "y", "y"], "year": [2022, 2025] * 2,
    ...     "value": [100.0, 90.0, 10.0, 10.0]}))
    >>> cat = Catalog.from_frame(pd.DataFrame({"code": ["G", "x", "y"], "parent": ["", "G", "G"],
    ...                                        "sphere": ["", "economy", "health"]}))
    >>> risks = performance_index(panel, cat, year=2025).risk_areas()
    >>> print(risks[["level", "sphere", "indicator", "trigger"]].to_string())
           level   sphere indicator                                   trigger
    0  indicator  economy         x                              deteriorated
    1     sphere  economy       NaN  share deteriorated ≥ 0.33 and score ≤ 45
    2     entity      NaN       NaN  share deteriorated ≥ 0.33 and score ≤ 45

    (x fell 10 % in 3 years: g = 0.9^(1/3) − 1 = −3.45 %/yr, score = 50 + 50·(−0.0345/0.05) = 15.5;
    the GPI of A is (15.5 + 50) / 2 = 32.8 ≤ 45.)
    """
    return rank_risks(
        risk_rows(
            result,
            share_threshold=share_threshold,
            score_threshold=score_threshold,
            levels=levels,
            include_breaks=include_breaks,
        )
    )


def risk_rows(
    result: PerformanceResult,
    *,
    share_threshold: float = 1 / 3,
    score_threshold: float = 45.0,
    levels: tuple[str, ...] = ("indicator", "sphere", "entity"),
    include_breaks: bool = False,
) -> list[pd.DataFrame]:
    """The rows of the risk table by level, not yet ranked (the arguments of
    :func:`risk_areas`).

    Every row belongs to one entity: the rows of results for chunks of the entities,
    put together and ranked by :func:`rank_risks`, are the risk table of the results of
    all of them (a run split into chunks of entities, :doc:`/scaling`).
    """
    unknown = sorted(set(levels) - {"indicator", "sphere", "entity"})
    if unknown:
        raise MethodError(
            f"unknown risk level(s) {unknown}; expected 'indicator', 'sphere', 'entity'"
        )
    if not 0.0 <= share_threshold <= 1.0:
        raise MethodError(f"share_threshold must be within [0, 1]; got {share_threshold}")
    changes = result.changes
    keep = ~changes["entity"].isin(result.reference_entities).to_numpy()
    if not include_breaks:
        breaks = changes["flags"].astype("str").str.contains(BREAK_FLAG, regex=False).to_numpy()
        keep &= ~breaks
    g = _Groups.of(changes.loc[keep].reset_index(drop=True))
    parts = []
    if "indicator" in levels:
        parts.append(_indicator_rows(g))
    for level in ("sphere", "entity"):
        if level in levels:
            parts.append(_group_rows(g, level, result, share_threshold, score_threshold))
    return parts


@dataclass(frozen=True)
class _Groups:
    """The changes table as arrays, with integer codes of its entities and spheres."""

    changes: pd.DataFrame
    score: FloatArray
    scored: BoolArray
    is_det: BoolArray
    weight: FloatArray
    e_codes: IntArray
    e_labels: pd.Index
    s_codes: IntArray
    s_labels: pd.Index

    @classmethod
    def of(cls, ch: pd.DataFrame) -> _Groups:
        score = ch["score"].to_numpy(dtype=np.float64, na_value=np.nan)
        scored = ~np.isnan(score)
        is_det = scored & (ch["class"] == "deteriorated").to_numpy()
        weight = ch["weight"].to_numpy(dtype=np.float64, na_value=np.nan)
        # groups on integer codes of the sorted labels (same groups, order and sums as grouping
        # the text columns); rows without a code (missing label) belong to no group
        e_codes, e_labels = pd.factorize(ch["entity"], sort=True)
        s_codes, s_labels = _sphere_codes(ch["sphere"])
        return cls(ch, score, scored, is_det, weight, e_codes, pd.Index(e_labels), s_codes,
                   s_labels)  # fmt: skip

    @property
    def n_spheres(self) -> int:
        return max(len(self.s_labels), 1)


def _indicator_rows(g: _Groups) -> pd.DataFrame:
    """One row per deteriorated (entity, indicator)."""
    det = g.changes.loc[g.is_det, _INDICATOR_COLUMNS].copy()
    det["sphere"] = det["sphere"].where(det["sphere"] != "", "(no sphere)")
    det["severity"] = (50.0 - det["score"]) / 50.0 * det["weight"]
    det["level"] = "indicator"
    det["trigger"] = "deteriorated"
    det["n_indicators"] = 1
    det["n_deteriorated"] = 1
    det["share_deteriorated"] = 1.0
    return det


def _group_rows(
    g: _Groups,
    level: str,
    result: PerformanceResult,
    share_threshold: float,
    score_threshold: float,
) -> pd.DataFrame:
    """The spheres of the bodies (``level="sphere"``) or the bodies that are risk areas."""
    n_spheres = g.n_spheres
    if level == "sphere":
        key = g.e_codes.astype(np.int64) * n_spheres + g.s_codes
        in_group = (g.e_codes >= 0) & (g.s_codes >= 0)
    else:
        key = g.e_codes.astype(np.int64)
        in_group = g.e_codes >= 0
    rows = g.scored & in_group
    numbers = pd.DataFrame(
        {
            "score": g.score[rows],
            "is_det": g.is_det[rows],
            "weight": g.weight[rows],
            "weighted": g.score[rows] * g.weight[rows],
        },
        copy=False,
    )
    agg = numbers.groupby(key[rows], sort=True).agg(
        n_indicators=("score", "size"),
        n_deteriorated=("is_det", "sum"),
        mean_score=("score", "mean"),
        weight=("weight", "sum"),
        weighted=("weighted", "sum"),
    )
    group_key = agg.index.to_numpy(dtype=np.int64)
    agg = agg.reset_index(drop=True)
    entity_code = group_key // n_spheres if level == "sphere" else group_key
    agg.insert(0, "entity", pd.Series(take_str(g.e_labels, entity_code)))
    if level == "sphere":
        agg.insert(1, "sphere", pd.Series(take_str(g.s_labels, group_key % n_spheres)))
    agg["share_deteriorated"] = agg["n_deteriorated"] / agg["n_indicators"]
    if level == "entity":
        gpi = result.scores["gpi"].reindex(agg["entity"]).to_numpy()
        # a body with changes left out (series breaks): the weighted mean of the others
        counts = result.changes.groupby("entity")["score"].count()
        cut = counts.reindex(agg["entity"]).fillna(0).to_numpy() > agg["n_indicators"].to_numpy()
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = (agg["weighted"] / agg["weight"]).to_numpy()
        agg["score"] = np.where(cut, mean, gpi)
    else:
        agg["score"] = agg["mean_score"]
    share_hit = agg["share_deteriorated"] >= share_threshold - 1e-12
    score_hit = agg["score"] <= score_threshold
    trig = np.where(
        share_hit & score_hit,
        f"share deteriorated ≥ {share_threshold:.2f} and score ≤ {score_threshold:g}",
        np.where(
            share_hit,
            f"share deteriorated ≥ {share_threshold:.2f}",
            np.where(score_hit, f"score ≤ {score_threshold:g}", ""),
        ),
    )
    agg["trigger"] = trig
    hit = (share_hit | score_hit).to_numpy()
    agg = agg.loc[hit].copy()
    # severity: the weighted regression of the group, comparable with indicator rows
    det_rows = g.is_det & in_group
    sev = pd.Series((50.0 - g.score[det_rows]) / 50.0 * g.weight[det_rows])
    agg["severity"] = (
        sev.groupby(key[det_rows]).sum().reindex(group_key[hit]).fillna(0.0).to_numpy()
    )
    agg["level"] = level
    return agg


def rank_risks(parts: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """The rows of :func:`risk_rows` (of one result, or of the results for the chunks of
    its entities in entity order) in one table, ranked by severity within each level."""
    if not parts:
        return pd.DataFrame(columns=list(RISK_COLUMNS))
    out = pd.concat(parts, ignore_index=True, sort=False)
    out["level"] = pd.Categorical(out["level"], categories=["indicator", "sphere", "entity"])
    # codes of the sorted entity labels: sorting by them sorts by entity (ties of severity)
    codes, labels = pd.factorize(out["entity"], sort=True)
    out["_entity_code"] = np.where(codes < 0, len(labels), codes)
    out = out.sort_values(
        ["level", "severity", "_entity_code"], ascending=[True, False, True], kind="stable"
    )
    out["rank"] = out.groupby("level", observed=True).cumcount() + 1
    for col in RISK_COLUMNS:
        if col not in out.columns:
            out[col] = pd.NA
    out = out.loc[:, list(RISK_COLUMNS)].reset_index(drop=True)
    for col in ("entity", "sphere", "indicator", "trigger"):
        out[col] = out[col].astype("str")
    out["level"] = out["level"].astype("str")
    return out


def _sphere_codes(sphere: pd.Series) -> tuple[IntArray, pd.Index]:
    """Codes of the sorted sphere labels, a blank sphere named ``(no sphere)``."""
    codes, labels = pd.factorize(sphere, sort=True)
    named = pd.Index(labels, dtype="str")
    named = named.where(named != "", "(no sphere)")
    # "(no sphere)" may now sort elsewhere (or exist already): factorize the labels again
    relabel, uniques = pd.factorize(named, sort=True)
    out = np.where(codes >= 0, relabel[np.maximum(codes, 0)], -1).astype(np.int64)
    return out, pd.Index(uniques, dtype="str")
