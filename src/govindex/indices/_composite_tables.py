"""The output tables of :func:`~govindex.indices.composite.compute_index`.

* :func:`node_tables`: the entity × node scores, the entity × parent coverage and the
  reasons of the missing scores (:func:`reasons_table`);
* :func:`reference_table`: the reference rows (aggregates, totals of the entities table),
  normalised with the statistics of the other rows, scored and not ranked.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from govindex._typing import FloatArray
from govindex.catalog import Catalog

__all__ = ["REFERENCE_NOTE", "node_tables", "reasons_table", "reference_table"]

#: What a reference row of a composite index is (its ``note`` in :func:`reference_table`).
REFERENCE_NOTE = "normalised with the statistics of the other rows, scored, not ranked"


def node_tables(
    scores: FloatArray,
    cov: FloatArray,
    low: np.ndarray,
    catalog: Catalog,
    ent: pd.Index,
    threshold: float,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Entity × node scores, entity × parent coverage and the reasons of missing scores."""
    nodes = pd.Index(catalog.codes, name="node")
    leaves = set(catalog.indicators)
    parents = [c for c in catalog.codes if c not in leaves]
    parent_pos = nodes.get_indexer(pd.Index(parents))
    # the arrays are fresh and owned by the result: wrap them without another copy
    score_df = pd.DataFrame(scores, index=ent, columns=nodes, copy=False)
    cov_df = pd.DataFrame(cov[:, parent_pos], index=ent, columns=pd.Index(parents, name="node"))
    reasons = reasons_table(
        score_df.loc[:, parents],
        cov_df,
        pd.DataFrame(low[:, parent_pos], index=ent, columns=parents),
        threshold,
    )
    return score_df, cov_df, reasons


def reasons_table(
    scores: pd.DataFrame, cov: pd.DataFrame, low: pd.DataFrame, threshold: float
) -> pd.DataFrame:
    """Tidy table of (entity, node) pairs without a score and why."""
    missing = scores.isna().to_numpy()
    e, n = np.nonzero(missing)
    share = cov.to_numpy()[e, n]
    is_low = low.to_numpy()[e, n]
    text = np.where(
        is_low,
        np.char.add(
            np.char.add("coverage ", np.char.mod("%.2f", np.nan_to_num(share))),
            f" below threshold {threshold:.2f}",
        ),
        np.where(share == 0, "no child has data", "aggregate undefined"),
    )
    return pd.DataFrame(
        {
            "entity": scores.index.to_numpy()[e],
            "node": scores.columns.to_numpy()[n],
            "coverage": share,
            "reason": text,
        }
    )


def reference_table(kinds: pd.Series | None = None) -> pd.DataFrame:
    """The reference rows among ``kinds`` (entity → ``"aggregate"``, ``"total"`` or ``""``;
    None: none): index ``entity``, columns ``kind`` and ``note``."""
    ref = pd.Series(dtype="str") if kinds is None else kinds[kinds != ""]
    return pd.DataFrame(
        {"kind": ref.astype("str"), "note": pd.array([REFERENCE_NOTE] * len(ref), dtype="str")},
        index=pd.Index(ref.index, name="entity", dtype="str"),
    )
