"""Risk areas: where development regressed.

* An (entity, indicator) pair is a **risk** when its class is ``deteriorated``;
  its severity is the size of the regression times the indicator's weight in the
  body's index: ``severity = (50 − s) / 50 × w_eff`` where ``s`` is the progress
  score (0 = the full cap of regression, 50 = no change) and ``w_eff`` the
  indicator's effective weight in its root (product of normalised weights).
* A **sphere** of a body, or a **body** as a whole, is a risk area when its share of
  deteriorated indicators is at least ``share_threshold`` (default 1/3) or its
  progress-score aggregate is at most ``score_threshold`` (default 45).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from govindex.exceptions import MethodError

if TYPE_CHECKING:
    from govindex.performance import PerformanceResult

__all__ = ["RISK_COLUMNS", "risk_areas"]

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


def risk_areas(
    result: PerformanceResult,
    *,
    share_threshold: float = 1 / 3,
    score_threshold: float = 45.0,
    levels: tuple[str, ...] = ("indicator", "sphere", "entity"),
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
    unknown = sorted(set(levels) - {"indicator", "sphere", "entity"})
    if unknown:
        raise MethodError(
            f"unknown risk level(s) {unknown}; expected 'indicator', 'sphere', 'entity'"
        )
    if not 0.0 <= share_threshold <= 1.0:
        raise MethodError(f"share_threshold must be within [0, 1]; got {share_threshold}")
    ch = result.changes
    scored = ch.loc[ch["score"].notna()].copy()
    scored["sphere"] = scored["sphere"].where(scored["sphere"] != "", "(no sphere)")
    scored["is_det"] = (scored["class"] == "deteriorated").to_numpy()
    parts = []
    if "indicator" in levels:
        det = scored.loc[scored["is_det"]].copy()
        det["severity"] = (50.0 - det["score"]) / 50.0 * det["weight"]
        det["level"] = "indicator"
        det["trigger"] = "deteriorated"
        det["n_indicators"] = 1
        det["n_deteriorated"] = 1
        det["share_deteriorated"] = 1.0
        parts.append(det)
    for level, keys in (("sphere", ["entity", "sphere"]), ("entity", ["entity"])):
        if level not in levels:
            continue
        g = scored.groupby(keys, sort=True)
        agg = g.agg(
            n_indicators=("score", "size"),
            n_deteriorated=("is_det", "sum"),
            mean_score=("score", "mean"),
            weight=("weight", "sum"),
        ).reset_index()
        agg["share_deteriorated"] = agg["n_deteriorated"] / agg["n_indicators"]
        if level == "entity":
            gpi = result.scores["gpi"].reindex(agg["entity"]).to_numpy()
            agg["score"] = gpi
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
        agg = agg.loc[share_hit | score_hit].copy()
        # severity: the weighted regression of the group, comparable with indicator rows
        det = scored.loc[scored["is_det"]]
        sev = ((50.0 - det["score"]) / 50.0 * det["weight"]).groupby([det[k] for k in keys]).sum()
        agg["severity"] = (
            sev.reindex(pd.MultiIndex.from_frame(agg[keys]) if len(keys) > 1 else agg[keys[0]])
            .fillna(0.0)
            .to_numpy()
        )
        agg["level"] = level
        parts.append(agg)
    if not parts:
        return pd.DataFrame(columns=list(RISK_COLUMNS))
    out = pd.concat(parts, ignore_index=True, sort=False)
    out["level"] = pd.Categorical(out["level"], categories=["indicator", "sphere", "entity"])
    out = out.sort_values(
        ["level", "severity", "entity"], ascending=[True, False, True], kind="stable"
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
