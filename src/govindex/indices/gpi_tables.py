"""The output tables of the GPI: one row per entity, one row per (entity, indicator).

:func:`scores_table` builds the ``scores`` of a :class:`~govindex.PerformanceResult`
(the GPI, rank, class counts and shares, coverage and the reason of a missing GPI);
:func:`changes_table` the tidy ``changes`` (window, change, tolerance, cap, class,
p-value, progress score, flags and reasons) from an :class:`Assessment`;
:func:`flag_imputed` marks the changes that use imputed values.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from govindex._typing import BoolArray, FloatArray, IntArray
from govindex.catalog import Catalog
from govindex.change import REASON_OK, REASON_TEXT, WindowChanges, flag_names, take_at_years
from govindex.exceptions import CoverageWarning, listing_warning
from govindex.panel import take_str
from govindex.prepare.impute import warn_imputation

__all__ = [
    "CLASS_LABELS",
    "SCORE_COLUMNS",
    "Assessment",
    "changes_table",
    "flag_imputed",
    "scores_table",
]

#: Class codes of :func:`govindex.change.classify` and their labels.
CLASS_LABELS: dict[float, str] = {1.0: "improved", 0.0: "stable", -1.0: "deteriorated"}
#: Columns of the ``scores`` table of a GPI result, in order.
SCORE_COLUMNS: tuple[str, ...] = (
    "root", "kind", "gpi", "rank", "n_indicators", "n_scored", "n_improved", "n_stable",
    "n_deteriorated", "share_improved", "share_stable", "share_deteriorated", "coverage",
    "reason",
)  # fmt: skip


@dataclass(frozen=True)
class Assessment:
    """Per (entity, leaf) of a GPI: the window changes and the tolerance, cap, class,
    survey p-value and progress score of each change (arrays of shape ``(E, L)``, the
    tolerances and caps ``(L,)``)."""

    wc: WindowChanges
    tol: FloatArray
    cap: FloatArray
    classes: FloatArray
    pvalue: FloatArray
    score: FloatArray


def scores_table(
    ent: pd.Index,
    root_of_entity: pd.Series,
    catalog: Catalog,
    applies: BoolArray,
    score: FloatArray,
    classes: FloatArray,
    node_scores: pd.DataFrame,
    coverage: float,
    *,
    reference: pd.Series | None = None,
) -> pd.DataFrame:
    """The ``scores`` table of a GPI: one row per entity (columns ``SCORE_COLUMNS``).

    ``reference`` gives the kind of the reference rows (``""`` for the others): they
    keep their GPI but get no rank, and their ``reason`` says so. Warns
    (:class:`~govindex.exceptions.CoverageWarning`) at the caller of the index function
    about the entities below the coverage threshold.
    """
    n_ind = applies.sum(axis=1)
    n_scored = (~np.isnan(score)).sum(axis=1)
    counts = {
        lab: ((classes == code) & applies & ~np.isnan(score)).sum(axis=1)
        for code, lab in CLASS_LABELS.items()
    }
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = np.where(n_ind > 0, n_scored / np.where(n_ind > 0, n_ind, 1), np.nan)
    root_codes = root_of_entity.to_numpy(dtype=object)
    has_root = pd.notna(root_codes)
    node_pos = node_scores.columns.get_indexer(
        pd.Index(np.where(has_root, root_codes, catalog.codes[0]))
    )
    gpi = np.where(has_root, node_scores.to_numpy()[np.arange(len(ent)), node_pos], np.nan)
    low = has_root & (cov < coverage - 1e-12)
    gpi = np.where(low, np.nan, gpi)
    reason = _gpi_reasons(has_root, low, gpi, cov, n_ind, n_scored, coverage)
    owner = catalog.column("owner")
    kind = np.where(
        has_root,
        np.where(
            owner.reindex(np.where(has_root, root_codes, "")).fillna("").to_numpy() != "",
            "central",
            "local",
        ),
        "",
    )
    table = pd.DataFrame(
        {
            "root": pd.Series(root_codes, index=ent, dtype="object").where(has_root).astype("str"),
            "kind": kind,
            "gpi": gpi,
            "n_indicators": n_ind,
            "n_scored": n_scored,
            "n_improved": counts["improved"],
            "n_stable": counts["stable"],
            "n_deteriorated": counts["deteriorated"],
        },
        index=ent,
    )
    denom = np.where(n_scored > 0, n_scored, np.nan)
    for lab in CLASS_LABELS.values():
        table[f"share_{lab}"] = table[f"n_{lab}"] / denom
    table["coverage"] = cov
    ref_kind = (
        np.full(len(ent), "", dtype=object)
        if reference is None
        else reference.reindex(ent).fillna("").to_numpy(dtype=object)
    )
    table["rank"] = rank_scores(table, ref_kind)
    scored_ref = (ref_kind != "") & ~np.isnan(gpi)
    reason[scored_ref] = "reference row (" + ref_kind[scored_ref] + "): scored, not ranked"
    table["reason"] = reason.astype(str)
    if low.any():
        warnings.warn(
            listing_warning(
                CoverageWarning,
                "{n} entit(y/ies) below the coverage threshold get no GPI: {items} "
                "(see .scores['reason'])",
                ent[low],
            ),
            stacklevel=3,
        )
    return table.loc[:, list(SCORE_COLUMNS)]


def rank_scores(table: pd.DataFrame, reference: Any) -> pd.Series:
    """The ``rank`` column of a GPI ``scores`` table: 1 for the highest GPI among the
    entities of its ``kind`` (ties share the best rank); none for reference rows
    (``reference``: their kind, ``""`` for the others) or without a GPI.

    Examples
    --------
    >>> t = pd.DataFrame({"kind": ["local"] * 3, "gpi": [50.0, 70.0, 50.0]})
    >>> rank_scores(t, ["", "", ""]).tolist()
    [2, 1, 2]
    >>> rank_scores(t, ["", "total", ""]).tolist()
    [1, <NA>, 1]
    """
    ref_kind = np.asarray(reference, dtype=object)
    ranked = table["gpi"].where(ref_kind == "")
    return ranked.groupby(table["kind"]).rank(ascending=False, method="min").astype("Int64")


def _gpi_reasons(
    has_root: BoolArray,
    low: BoolArray,
    gpi: FloatArray,
    cov: FloatArray,
    n_ind: IntArray,
    n_scored: IntArray,
    threshold: float,
) -> np.ndarray:
    """Why an entity has no GPI ("" where it has one), as an object array."""
    reason = np.full(len(gpi), "", dtype=object)
    reason[~has_root] = "no indicator set applies to this entity"
    reason[has_root & (n_ind == 0)] = "the indicator set has no indicators"
    cov_text = np.char.mod("%.2f", np.nan_to_num(cov))
    reason[low] = np.char.add(
        np.char.add(
            np.char.add("indicator coverage ", cov_text[low]),
            f" below threshold {threshold:.2f} (",
        ),
        np.char.add(n_scored[low].astype(str), np.char.add(" of ", n_ind[low].astype(str))),
    )
    reason[low] = reason[low] + " indicators scored)"
    other = has_root & ~low & np.isnan(gpi) & (n_ind > 0)
    reason[other] = "root node below the coverage threshold of its children"
    return reason


def flag_imputed(
    changes: pd.DataFrame,
    imputed: BoolArray,
    applies: BoolArray,
    wc: WindowChanges,
    years: np.ndarray,
    leaves: list[str],
    spec: Mapping[str, Any],
) -> pd.DataFrame:
    """Add the imputation flags to the changes table (rows in ``np.nonzero(applies)`` order).

    Warns at the caller of the index function about the changes that use imputed values.
    """
    mask = imputed.astype(np.float64)
    defined = ~np.isnan(wc.change)
    at_start = (take_at_years(mask, years, wc.start_year) > 0) & defined
    at_end = (take_at_years(mask, years, wc.end_year) > 0) & defined
    # the slope rule uses every point of the window: count the imputed ones between the ends
    yrs = np.asarray(years, dtype=np.float64)[None, None, :]
    with np.errstate(invalid="ignore"):
        between = (yrs > wc.start_year[:, :, None]) & (yrs < wc.end_year[:, :, None])
    slope = (
        np.asarray(wc.rules, dtype=object) == "slope" if wc.rules else np.zeros(len(leaves), bool)
    )
    inside = (imputed & between).any(axis=2) & defined & slope[None, :]
    bits = (
        at_start.astype(np.int64) | (at_end.astype(np.int64) << 1) | (inside.astype(np.int64) << 2)
    )
    how = ", ".join([str(spec["method"])] + [f"{k}={spec[k]}" for k in ("max_gap",) if k in spec])
    texts = [
        "; ".join(
            t
            for b, t in ((1, "imputed start value"), (2, "imputed end value"),
                         (4, "imputed value(s) inside the window"))
            if code & b
        ) + (f" ({how})" if code else "")
        for code in range(8)
    ]  # fmt: skip
    e, i = np.nonzero(applies)
    new = take_str(texts, bits[e, i]).to_numpy(dtype=object)
    old = changes["flags"].astype("str").to_numpy(dtype=object)
    sep = np.where((old != "") & (new != ""), "; ", "")
    out = changes.copy()
    out["flags"] = pd.array(old + sep + new, dtype="str")
    counts = pd.Series(
        (at_start.astype(np.int64) + at_end + (imputed & between).sum(axis=2) * inside)[e, i],
        index=pd.Index(np.asarray(leaves, dtype=object)[i]),
    )
    warn_imputation(counts.groupby(level=0).sum().reindex(leaves, fill_value=0),
                    str(spec["method"]), 0, stacklevel=4, where=".changes['flags']")  # fmt: skip
    return out


def _flag_text(flags: np.ndarray) -> pd.api.extensions.ExtensionArray:
    top = int(flags.max()) if flags.size else 0
    return take_str(("; ".join(flag_names(v)) for v in range(top + 1)), flags)


def changes_table(
    ent: pd.Index,
    leaves: list[str],
    meta: pd.DataFrame,
    applies: BoolArray,
    a: Assessment,
    score: FloatArray,
    root_of_entity: pd.Series,
    weights: pd.Series,
) -> pd.DataFrame:
    """The tidy ``changes`` table: one row per applicable (entity, indicator)."""
    wc, tol, cap, classes, pvalue = a.wc, a.tol, a.cap, a.classes, a.pvalue
    # rows in np.nonzero(applies) order; (E, L) arrays gathered by flat position
    flat = np.flatnonzero(applies)
    e, i = np.divmod(flat, applies.shape[1])
    cls = np.take(classes, flat)
    labels = list(CLASS_LABELS.values())
    cls_codes = np.full(len(e), -1, dtype=np.int64)  # -1 = missing class
    for code, lab in CLASS_LABELS.items():
        cls_codes[cls == code] = labels.index(lab)
    # reason texts: "" for a computed change, the REASON_TEXT of the code otherwise, and one
    # extra label (index n_reason) for changes without a cap
    n_reason = max(REASON_TEXT) + 1
    reason_labels = [REASON_TEXT.get(k, "") for k in range(n_reason)]
    reason_labels[REASON_OK] = ""
    reason_labels.append("no cap: default cap undefined (median change 0 or missing)")
    change = np.take(wc.change, flat)
    no_cap = np.isnan(cap[i]) & ~np.isnan(change)
    reason_codes = np.where(no_cap, n_reason, np.take(wc.reason, flat))
    root_labels = root_of_entity.fillna("").to_numpy(dtype=object)
    columns: dict[str, Any] = {
        "entity": take_str(ent, e),
        "indicator": take_str(leaves, i),
        "root": take_str(root_labels, e),
        "sphere": take_str(meta["sphere"], i),
        "type": take_str(meta["type"], i),
        "rule": take_str(wc.rules, i) if wc.rules else take_str([""], np.zeros_like(i)),
        "direction": meta["direction"].to_numpy()[i].astype(np.int64),
        "weight": weights.reindex(leaves).to_numpy()[i],
        "start_year": pd.Series(np.take(wc.start_year, flat)).astype("Int64").array,
        "end_year": pd.Series(np.take(wc.end_year, flat)).astype("Int64").array,
        "start_value": np.take(wc.start_value, flat),
        "end_value": np.take(wc.end_value, flat),
        "n_points": np.take(wc.n_points, flat),
        "change": change,
        "tolerance": tol[i],
        "cap": cap[i],
        "class": pd.Categorical.from_codes(cls_codes, categories=pd.Index(labels, dtype="str")),
        "p_value": np.take(pvalue, flat),
        "score": np.take(score, flat),
        "flags": _flag_text(np.take(wc.flags, flat)),
        "reason": take_str(reason_labels, reason_codes),
    }
    # every column is a fresh array: no copy, no consolidation into 2-D blocks
    return pd.DataFrame(columns, copy=False)
