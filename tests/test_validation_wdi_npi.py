"""Real-data validation of the NPI on World Bank WDI data (Kazakhstan vs the OECD, 2016 → 2022).

Data: /work/shared/data/wdi (World Bank WDI via datasets/world-development-indicators, CC BY 4.0).
Every expected number below is computed in the test straight from the CSV values with plain
pandas (or taken from the data README), never from govindex output.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from govindex import Catalog, DataWarning, Panel, progress_index

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "wdi"

#: 25 socio-economic indicators with polarity + or − in indicators.csv (our own annotation, see the
#: README) that have KAZ and OED values in both 2016 and 2022. Chosen one concept each across the
#: spheres; left out among the eligible ones: growth rates and net lending (can be ≤ 0, a ratio is
#: meaningless), FDI (negative for KAZ in some years), journal articles (a count, not comparable
#: with an aggregate of 38 countries), forest area (mostly geography: a steppe country scores
#: 4 % of the OECD whatever its policy) and near-duplicates (female/male splits of a series).
INDICATORS = [
    # economy
    "NY.GDP.PCAP.PP.CD", "NY.GNP.PCAP.PP.CD", "SL.GDP.PCAP.EM.KD", "TX.VAL.TECH.MF.ZS",
    # labour
    "SL.UEM.TOTL.ZS", "SL.TLF.CACT.FE.ZS", "SL.EMP.TOTL.SP.ZS", "SL.EMP.VULN.FE.ZS",
    # government
    "SE.XPD.TOTL.GD.ZS", "SG.GEN.PARL.ZS",
    # health
    "SP.DYN.LE00.IN", "SP.DYN.IMRT.IN", "SH.STA.MMRT", "SH.IMM.MEAS", "SP.ADO.TFRT",
    # education
    "SE.TER.ENRR", "SE.SEC.ENRR", "SE.PRM.CMPT.ZS",
    # innovation
    "GB.XPD.RSDV.GD.ZS", "SP.POP.SCIE.RD.P6", "IT.NET.BBND.P2", "IT.NET.SECR.P6",
    # social and environment
    "EG.ELC.ACCS.ZS", "EN.ATM.PM25.MC.M3", "ER.PTD.TOTL.ZS",
]  # fmt: skip
LIFE, IMR, SERVERS = "SP.DYN.LE00.IN", "SP.DYN.IMRT.IN", "IT.NET.SECR.P6"


@pytest.fixture(scope="module")
def wdi() -> dict[str, pd.DataFrame]:
    if not DATA.is_dir():
        pytest.skip(f"shared WDI data not found at {DATA}")
    meta = pd.read_csv(DATA / "indicators.csv")
    agg = pd.read_csv(DATA / "wdi_kaz_oecd_aggregates_2010_latest.csv")
    return {"meta": meta, "agg": agg}


@pytest.fixture(scope="module")
def npi(wdi: dict[str, pd.DataFrame]):  # type: ignore[no-untyped-def]
    meta = wdi["meta"].set_index("indicator_code").loc[INDICATORS]
    assert meta["polarity"].isin(["+", "-"]).all()
    long = wdi["agg"]
    long = long.loc[long["entity"].isin(["KAZ", "OED"]) & long["indicator_code"].isin(INDICATORS)]
    panel = Panel.from_frame(long.rename(columns={"indicator_code": "indicator"}))
    catalog = Catalog.from_frame(pd.DataFrame({
        "code": ["NPI", *INDICATORS],
        "parent": ["", *["NPI"] * len(INDICATORS)],
        "direction": [None, *np.where(meta["polarity"] == "+", 1, -1)],
        "sphere": ["", *meta["topic"]],
        "source": "World Bank WDI (CC BY 4.0)",
    }))  # fmt: skip
    # the indicators with data change over the years (named in a DataWarning): the years
    # checked here, 2016 and 2022, have all 25
    with pytest.warns(DataWarning, match=r"NPI of KAZ: the indicators with data change") as seen:
        res = progress_index(
            panel, catalog, country="KAZ", reference="OED", base_year=2016, year=2022
        )
    assert "vs OED 2022→2023: 25 → 22 indicators" in str(seen[0].message)
    # the same numbers, straight from the CSV: value[entity, year] per indicator
    wide = long.pivot_table(index="indicator_code", columns=["entity", "year"], values="value")
    return res, wide, meta


def test_every_chosen_indicator_has_the_four_values(npi) -> None:  # type: ignore[no-untyped-def]
    _, wide, _ = npi
    cells = wide.loc[INDICATORS, [("KAZ", 2016), ("KAZ", 2022), ("OED", 2016), ("OED", 2022)]]
    assert cells.notna().all().all() and len(INDICATORS) == 25


def test_per_indicator_ratios_by_hand(npi) -> None:  # type: ignore[no-untyped-def]
    res, wide, _ = npi
    t = res.indicators.loc[res.indicators["year"] == 2022].set_index("indicator")
    # life expectancy (higher is better): KAZ 73.503 / OED 79.517088 × 100 ≈ 92.44
    life = wide.loc[LIFE, ("KAZ", 2022)] / wide.loc[LIFE, ("OED", 2022)] * 100
    assert life == pytest.approx(73.503 / 79.517088 * 100, rel=1e-6)  # the CSV values themselves
    assert t.loc[LIFE, "ratio_reference"] == pytest.approx(life, rel=1e-12)
    # infant mortality (lower is better): OED 6.002748 / KAZ 7.7 × 100 ≈ 77.96
    imr = wide.loc[IMR, ("OED", 2022)] / wide.loc[IMR, ("KAZ", 2022)] * 100
    assert imr == pytest.approx(6.002748 / 7.7 * 100, rel=1e-6)
    assert t.loc[IMR, "ratio_reference"] == pytest.approx(imr, rel=1e-12)
    # base-year ratios: life 73.503/72.549; infant mortality 8.8/7.7 (fell → improvement > 100)
    life_b = wide.loc[LIFE, ("KAZ", 2022)] / wide.loc[LIFE, ("KAZ", 2016)] * 100
    assert t.loc[LIFE, "ratio_base"] == pytest.approx(life_b, rel=1e-12)
    imr_b = wide.loc[IMR, ("KAZ", 2016)] / wide.loc[IMR, ("KAZ", 2022)] * 100
    assert t.loc[IMR, "ratio_base"] == pytest.approx(imr_b, rel=1e-12)


def test_secure_servers_base_ratio_is_capped(npi) -> None:  # type: ignore[no-untyped-def]
    res, wide, _ = npi
    growth = wide.loc[SERVERS, ("KAZ", 2022)] / wide.loc[SERVERS, ("KAZ", 2016)]
    assert 19.0 < growth < 20.0  # README/DESIGN: "grew 19-fold from 2016 to 2022"
    row = res.indicators.loc[
        (res.indicators["year"] == 2022) & (res.indicators["indicator"] == SERVERS)
    ].iloc[0]
    assert row["ratio_base"] == 200.0 and bool(row["capped_base"])
    assert row["uncapped_base"] == pytest.approx(growth * 100, rel=1e-12)


def test_npi_equals_mean_of_capped_ratios_plain_pandas(npi) -> None:  # type: ignore[no-untyped-def]
    res, wide, meta = npi
    d = pd.Series(np.where(meta["polarity"] == "+", 1.0, -1.0), index=INDICATORS)
    kaz22, kaz16, oed22 = (
        wide[("KAZ", 2022)].loc[INDICATORS],
        wide[("KAZ", 2016)].loc[INDICATORS],
        wide[("OED", 2022)].loc[INDICATORS],
    )
    r = ((kaz22 / oed22) ** d).clip(0, 2) * 100
    b = ((kaz22 / kaz16) ** d).clip(0, 2) * 100
    assert res.npi_reference == pytest.approx(r.mean(), rel=1e-12)
    assert res.npi_base == pytest.approx(b.mean(), rel=1e-12)
    # the cap matters: without it the servers ratio alone (≈ 1931) lifts NPI_base by ≈ 69 points
    uncapped = ((kaz22 / kaz16) ** d * 100).mean()
    assert uncapped - res.npi_base > 60
    assert res.scores.loc[2016, "npi_base"] == pytest.approx(100.0)


@pytest.fixture(scope="module")
def members_panel(wdi: dict[str, pd.DataFrame]) -> tuple[Panel, list[str]]:
    ent = pd.read_csv(DATA / "entities.csv")
    members = ent.loc[ent["oecd_member_2024"].astype(str) == "True", "entity"].tolist()
    assert len(members) == 38
    parts = [pd.read_csv(DATA / f) for f in (
        "wdi_oecd38_kaz_part1_economy_labour_government_context.csv",
        "wdi_oecd38_kaz_part2_health_education_innovation_social_environment.csv")]  # fmt: skip
    long = pd.concat(parts, ignore_index=True)
    long = long.loc[
        long["indicator_code"].isin([LIFE, "SP.POP.TOTL"]) & long["entity"].isin([*members, "KAZ"])
    ]
    return Panel.from_frame(long.rename(columns={"indicator_code": "indicator"})), members


def test_members_population_weighted_mean_reproduces_oed(members_panel, wdi) -> None:  # type: ignore[no-untyped-def]
    panel, members = members_panel
    cat = Catalog.from_frame(pd.DataFrame({"code": ["NPI", LIFE], "parent": ["", "NPI"]}))
    res = progress_index(
        panel, cat, country="KAZ", reference=members, reference_weights="SP.POP.TOTL",
        base_year=2016, year=2022,
    )  # fmt: skip
    ref = res.indicators.set_index("year").loc[2022, "reference_value"]
    assert ref == pytest.approx(79.517, abs=0.01)  # README: population-weighted mean 79.517 = OED
    agg = wdi["agg"]
    oed = agg.loc[
        (agg["entity"] == "OED") & (agg["indicator_code"] == LIFE) & (agg["year"] == 2022), "value"
    ].item()
    assert ref == pytest.approx(oed, abs=0.01)
    plain = progress_index(panel, cat, country="KAZ", reference=members, base_year=2016, year=2022)
    assert plain.indicators.set_index("year").loc[2022, "reference_value"] == pytest.approx(
        80.355, abs=0.001
    )  # README
