"""Validation against COINr (R, EU JRC) on the ASEM Sustainable Connectivity example.

Reference: ``shared/data/coinr_asem`` — every stage of COINr's reference build of the
ASEM index (51 countries, 49 indicators, 8 pillars → 2 sub-indices → Index). We start
from COINr's *treated* stage and must reproduce its *normalised* stage (min–max to
0–100, direction −1 flipped) and its *aggregated* stage (arithmetic means, weights 1)
to 1e-9, and the published top 3.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from govindex import Catalog, Panel, compute_index
from govindex.indices.composite import IndexResult

ID_COLS = [
    "UnitCode",
    "UnitName",
    "Year",
    "Group_GDP",
    "Group_GDPpc",
    "Group_Pop",
    "Group_EurAsia",
]


def _wide(path: Path) -> pd.DataFrame:
    return pd.read_csv(path).set_index("UnitCode").drop(columns=ID_COLS[1:])


@pytest.fixture(scope="module")
def asem(shared_data: Path) -> tuple[Path, IndexResult]:
    folder = shared_data / "coinr_asem"
    if not folder.is_dir():
        pytest.skip("coinr_asem data not available")
    treated = pd.read_csv(folder / "asem_coin_stage_treated.csv")
    assert (treated["Year"] == 2018).all()  # one cross-section
    tidy = treated.drop(columns=ID_COLS[1:2] + ID_COLS[3:]).melt(
        id_vars=["UnitCode", "Year"], var_name="indicator", value_name="value"
    )
    tidy = tidy.rename(columns={"UnitCode": "entity", "Year": "year"})
    meta = pd.read_csv(folder / "asem_imeta_v1.csv")
    meta = meta.loc[meta["Type"].isin(["Indicator", "Aggregate"])]
    catalog = Catalog.from_frame(
        pd.DataFrame(
            {
                "code": meta["iCode"],
                "name": meta["iName"],
                "parent": meta["Parent"],
                "direction": meta["Direction"],
                "weight": meta["Weight"],
                "unit": meta["Unit"],
            }
        )
    )
    panel = Panel.from_frame(tidy, catalog=catalog)
    assert panel.shape == (51, 49, 1)
    result = compute_index(
        panel, catalog, year=2018, normalization="minmax", aggregation="arithmetic", coverage=0
    )
    return folder, result


def test_tree_matches_coinr_metadata(asem: tuple[Path, IndexResult]) -> None:
    _, res = asem
    cat = res.catalog
    assert cat.roots == ["Index"]
    assert cat.children("Index") == ["Conn", "Sust"]
    assert len(cat.indicators) == 49
    assert int(cat.depth.max()) == 3


def test_normalised_stage_matches_coinr(asem: tuple[Path, IndexResult]) -> None:
    folder, res = asem
    expected = _wide(folder / "asem_coin_stage_normalised.csv")
    got = res.normalized.loc[expected.index, expected.columns]
    assert got.shape == (51, 49)
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=0, atol=1e-9)


def test_aggregated_stage_matches_coinr(asem: tuple[Path, IndexResult]) -> None:
    folder, res = asem
    expected = _wide(folder / "asem_coin_stage_aggregated.csv")
    # 49 indicators + 8 pillars + 2 sub-indices + Index = 60 columns, all compared
    assert expected.shape == (51, 60)
    got = res.scores.loc[expected.index, expected.columns]
    diff = np.abs(got.to_numpy() - expected.to_numpy())
    assert not np.isnan(diff).any()
    assert diff.max() <= 1e-9, f"max abs difference {diff.max():.3g}"


def test_published_scores_and_top3(asem: tuple[Path, IndexResult]) -> None:
    folder, res = asem
    published = pd.read_csv(folder / "asem_coin_results_scores.csv").set_index("UnitCode")
    cols = [
        "Index",
        "Conn",
        "Sust",
        "Physical",
        "ConEcFin",
        "Political",
        "Instit",
        "P2P",
        "Environ",
        "Social",
        "SusEcFin",
    ]
    ours = res.scores.loc[published.index, cols].round(2)
    # the published table is rounded to 2 decimals
    np.testing.assert_allclose(ours.to_numpy(), published[cols].to_numpy(), atol=0.005 + 1e-9)
    top3 = res.scores["Index"].sort_values(ascending=False).head(3)
    assert top3.index.tolist() == ["CHE", "NLD", "DNK"]
    np.testing.assert_allclose(top3.round(2).to_numpy(), [68.38, 64.82, 64.80])
    # our ranks equal COINr's published ranks
    assert (
        res.ranks.loc[published.index, "Index"].to_numpy() == published["Rank"].to_numpy()
    ).all()
