"""Validation against the UNDP Human Development Index (HDR 2023/24, data 1990–2022).

The HDI is the geometric mean of three dimension indices built with goalposts
(UNDP HDR technical notes): health = life expectancy 20–85 years; education = mean of
expected (0–18) and mean (0–15) years of schooling; income = ln GNI per capita with
goalposts ln 100 – ln 75,000; each index capped at 1. We rebuild it from the published
components and must reproduce the published ``hdi`` (given to 3 decimals) for every
complete entity-year.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from govindex import Catalog, Panel, compute_index
from govindex.exceptions import AggregationError

COMPONENTS = ["le", "eys", "mys", "gnipc"]


def hdi_catalog() -> Catalog:
    return Catalog.from_frame(
        pd.DataFrame(
            {
                "code": ["HDI", "health", "le", "education", "eys", "mys", "income", "gnipc"],
                "parent": ["", "HDI", "health", "HDI", "education", "education", "HDI", "income"],
                "aggregation": ["geometric", "", "", "arithmetic", "", "", "", ""],
                "lower": [None, None, 20, None, 0, 0, None, 100],
                "upper": [None, None, 85, None, 18, 15, None, 75000],
                "transform": ["", "", "", "", "", "", "", "log"],
            }
        )
    )


@pytest.fixture(scope="module")
def hdr(shared_data: Path) -> pd.DataFrame:
    folder = shared_data / "hdr_undp"
    if not folder.is_dir():
        pytest.skip("hdr_undp data not available")
    parts = [
        pd.read_csv(folder / f"hdr_hdi_components_{span}.csv", dtype={"entity": "str"})
        for span in ("1990_2009", "2010_2022")
    ]
    data = pd.concat(parts, ignore_index=True).rename(columns={"indicator_code": "indicator"})
    return data.loc[:, ["entity", "indicator", "year", "value"]]


@pytest.fixture(scope="module")
def recomputed(hdr: pd.DataFrame) -> pd.DataFrame:
    """Our HDI next to the published one for every complete entity-year."""
    catalog = hdi_catalog()
    panel = Panel.from_frame(hdr.loc[hdr["indicator"].isin(COMPONENTS)], catalog=catalog)
    published = hdr.loc[hdr["indicator"] == "hdi"].set_index(["entity", "year"])["value"]
    # complete = the four components and the published hdi are all present. (Restricting
    # matters: RWA 1994 has LE 14.1 < 20, a health index of 0 and no published HDI; a
    # geometric mean over a 0 is an AggregationError by design.)
    counts = hdr.groupby(["entity", "year"])["indicator"].nunique()
    complete = counts[counts == 5].index
    frames = []
    for year in range(1990, 2023):  # one cross-section per year
        entities = [e for e, y in complete if y == year]
        res = compute_index(
            panel,
            catalog,
            year=year,
            normalization="goalposts",
            normalization_params={"scale": 1.0},
            coverage=1.0,
            entities=entities,
        )
        assert res.raw.notna().all().all()
        ours = res.scores["HDI"].rename("ours").to_frame()
        ours["year"] = year
        frames.append(ours.reset_index())
    out = pd.concat(frames, ignore_index=True).set_index(["entity", "year"])
    return out.join(published.rename("published"), how="inner")


def test_every_complete_entity_year_matches_to_3_decimals(recomputed: pd.DataFrame) -> None:
    # The README states 6,171 complete entity-years (countries and UNDP aggregates).
    assert len(recomputed) == 6171
    assert recomputed["ours"].notna().all()
    # The published hdi is rounded to 3 decimals: ours rounded to 3 decimals must equal it.
    diff = (recomputed["ours"].round(3) - recomputed["published"]).abs()
    assert diff.max() < 1e-9, recomputed.loc[diff.idxmax()]
    # and therefore the unrounded value is within half a unit of the 3rd decimal
    assert (recomputed["ours"] - recomputed["published"]).abs().max() <= 0.0005 + 1e-12


def test_kazakhstan_2022(recomputed: pd.DataFrame) -> None:
    assert round(recomputed.loc[("KAZ", 2022), "ours"], 3) == 0.802
    assert recomputed.loc[("KAZ", 2022), "published"] == 0.802


def test_kazakhstan_2022_by_hand(hdr: pd.DataFrame) -> None:
    # Published components for KAZ 2022 and the UNDP formulas written out:
    # LEI = (69.489 - 20)/65 ; EI = (14.81627/18 + 12.43338/15)/2 ;
    # II = ln(22586.80/100)/ln(750) ; HDI = (LEI * EI * II)^(1/3)
    kaz = hdr.loc[(hdr["entity"] == "KAZ") & (hdr["year"] == 2022)].set_index("indicator")["value"]
    lei = (kaz["le"] - 20) / 65
    ei = (kaz["eys"] / 18 + kaz["mys"] / 15) / 2
    ii = np.log(kaz["gnipc"] / 100) / np.log(750)
    by_hand = (lei * ei * ii) ** (1 / 3)
    panel = Panel.from_frame(hdr.loc[(hdr["entity"] == "KAZ") & hdr["indicator"].isin(COMPONENTS)])
    res = compute_index(
        panel,
        hdi_catalog(),
        year=2022,
        normalization="goalposts",
        normalization_params={"scale": 1.0},
    )
    assert res.scores.loc["KAZ", "HDI"] == pytest.approx(by_hand, rel=1e-12)
    assert round(by_hand, 3) == 0.802


def test_zero_dimension_index_names_the_entity(hdr: pd.DataFrame) -> None:
    # RWA 1994: LE 14.1 < 20 years -> health index 0 -> the geometric mean is undefined
    panel = Panel.from_frame(hdr.loc[(hdr["entity"] == "RWA") & hdr["indicator"].isin(COMPONENTS)])
    with pytest.raises(AggregationError, match=r"geometric mean needs positive .*'RWA/HDI'"):
        compute_index(
            panel,
            hdi_catalog(),
            year=1994,
            normalization="goalposts",
            normalization_params={"scale": 1.0},
        )


def test_life_expectancy_cap_matters(hdr: pd.DataFrame) -> None:
    # HKG has LE > 85 in 2018–2021: without truncation its health index exceeds 1 and the
    # HDI is off (the README reports up to 0.002). With truncation (default) it matches.
    hkg = hdr.loc[(hdr["entity"] == "HKG") & (hdr["year"] == 2019)].set_index("indicator")["value"]
    assert hkg["le"] > 85
    panel = Panel.from_frame(hdr.loc[(hdr["entity"] == "HKG") & hdr["indicator"].isin(COMPONENTS)])
    capped = compute_index(
        panel,
        hdi_catalog(),
        year=2019,
        normalization="goalposts",
        normalization_params={"scale": 1.0},
    )
    uncapped = compute_index(
        panel,
        hdi_catalog(),
        year=2019,
        normalization="goalposts",
        normalization_params={"scale": 1.0, "truncate": False},
    )
    assert capped.normalized.loc["HKG", "le"] == 1.0
    assert uncapped.normalized.loc["HKG", "le"] == pytest.approx((hkg["le"] - 20) / 65)
    assert round(capped.scores.loc["HKG", "HDI"], 3) == hkg["hdi"]
    assert round(uncapped.scores.loc["HKG", "HDI"], 3) != hkg["hdi"]
