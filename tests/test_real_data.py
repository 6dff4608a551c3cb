"""The REAL open data shipped in data/indicators (World Bank WDI and WGI, CC BY 4.0).

Checks that every shipped file says what it is (source, licence, attribution, vintage; never
"synthetic"), that the contents match the shared sources and their READMEs (numbers quoted
from ../shared/data/{wdi,wgi}/README.md), that the entities follow DESIGN §2, and that the
build script reproduces the files byte for byte from the shared copies.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from govindex import Catalog, Panel
from govindex.datasets import (
    OECD_MEMBERS,
    REAL_KINDS,
    WDI_COUNTRY,
    WDI_REFERENCE,
    data_source,
    load_wdi_entities,
    load_wdi_npi,
    load_wgi,
)
from govindex.exceptions import MethodError

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data" / "indicators"
SCRIPT = DATA / "make_wdi_npi.py"
SHARED = REPO.parent / "shared" / "data"
FILES = [
    "wdi_npi_panel.parquet",
    "wdi_npi_catalog.csv",
    "wgi_panel.parquet",
    "wgi_catalog.csv",
    "wdi_entities.csv",
]
ENTITY_COLUMNS = ["code", "kind", "name_en", "name_ru", "name_kk", "group", "valid_from",
                  "valid_to"]  # fmt: skip


def _shared_or_skip() -> Path:
    if not (SHARED / "wdi").is_dir() or not (SHARED / "wgi").is_dir():
        pytest.skip(f"the shared WDI/WGI copies are not at {SHARED}")
    return SHARED


# ------------------------------------------------------------------ licence and attribution


@pytest.mark.parametrize("kind", REAL_KINDS)
def test_parquet_files_carry_licence_and_attribution(kind: str) -> None:
    schema = pq.read_schema(DATA / f"{kind}_panel.parquet")
    note = json.loads(schema.metadata[b"govindex"])
    assert note["synthetic"] is False
    assert note["licence"] == "CC BY 4.0"
    assert note["licence_url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert "World Bank" in note["source"] and "World Bank" in note["attribution"]
    assert note["vintage"] and note["note"].startswith("REAL data: World Bank")
    assert note["description"].startswith("REAL data")
    assert note["generator"] == "data/indicators/make_wdi_npi.py"
    assert all(len(digest) == 64 for digest in note["inputs"].values())
    assert schema.names == ["entity", "indicator", "year", "value"]  # no index column
    assert data_source(kind) == note  # the loader quotes the file itself
    if kind == "wgi":
        assert "Kaufmann" in note["attribution"] and "2024" in note["attribution"]


@pytest.mark.parametrize("name", ["wdi_npi_catalog.csv", "wgi_catalog.csv"])
def test_catalog_rows_name_source_and_licence(name: str) -> None:
    catalog = pd.read_csv(DATA / name, dtype=str, keep_default_na=False)
    assert catalog["source"].str.contains("World Bank").all()
    assert catalog["source"].str.endswith("(CC BY 4.0)").all()


def test_readme_states_licence_and_attribution_of_the_real_files() -> None:
    text = (DATA / "README.md").read_text(encoding="utf-8")
    for needle in ("CC BY 4.0", "World Bank, World Development Indicators",
                   "Kaufmann D. and A. Kraay (2024)", "make_wdi_npi.py", *FILES):  # fmt: skip
        assert needle in text, needle


def test_unknown_real_kind_is_a_method_error() -> None:
    with pytest.raises(MethodError, match="expected one of 'wdi_npi', 'wgi'"):
        data_source("wdi")  # type: ignore[arg-type]


# ------------------------------------------------------------------ contents


def test_wdi_panel_and_catalog() -> None:
    panel, catalog = load_wdi_npi()
    assert isinstance(panel, Panel) and isinstance(catalog, Catalog)
    assert set(panel.entities) == {WDI_COUNTRY, WDI_REFERENCE, *OECD_MEMBERS}
    assert (int(panel.years[0]), int(panel.years[-1])) == (2010, 2025)
    npi = catalog.subtree("NPI")
    assert len(npi.indicators) == 25 and set(catalog.roots) == {"NPI", "CONTEXT"}
    directions = npi.column("direction", list(npi.indicators))
    assert set(directions.tolist()) == {-1, 1}
    # lower is better: unemployment, vulnerable employment, mortality, adolescent births, PM2.5
    lower = set(directions.index[directions == -1])
    assert lower == {"SL.UEM.TOTL.ZS", "SL.EMP.VULN.FE.ZS", "SP.DYN.IMRT.IN", "SH.STA.MMRT",
                     "SP.ADO.TFRT", "EN.ATM.PM25.MC.M3"}  # fmt: skip
    frame = panel.to_frame().set_index(["entity", "indicator", "year"])["value"]
    # tests/test_validation_wdi_npi.py and the WDI README: life expectancy 2022
    assert frame[("KAZ", "SP.DYN.LE00.IN", 2022)] == 73.503
    assert frame[("OED", "SP.DYN.LE00.IN", 2022)] == pytest.approx(79.517, abs=5e-4)


def test_wdi_values_are_copied_unchanged() -> None:
    shared = _shared_or_skip()
    panel = pd.read_parquet(DATA / "wdi_npi_panel.parquet")
    agg = pd.read_csv(shared / "wdi" / "wdi_kaz_oecd_aggregates_2010_latest.csv")
    oed = agg.loc[(agg["entity"] == "OED") & agg["indicator_code"].isin(panel["indicator"])]
    got = panel.loc[panel["entity"] == "OED"].set_index(["indicator", "year"])["value"]
    want = oed.set_index(["indicator_code", "year"])["value"].rename_axis(["indicator", "year"])
    pd.testing.assert_series_equal(got.sort_index(), want.sort_index(), check_exact=True)


def test_wgi_panel_codes_and_readme_values() -> None:
    panel, catalog = load_wgi()
    assert set(panel.entities) == {WDI_COUNTRY, *OECD_MEMBERS}  # ISO3 only, no OECD aggregate
    assert (int(panel.years[0]), int(panel.years[-1])) == (2010, 2023)
    assert len(panel.indicators) == 18 and sorted(catalog.roots) == ["WGI", "WGI_RANK", "WGI_SE"]
    frame = panel.to_frame().set_index(["entity", "indicator", "year"])["value"]
    # WGI README: "KAZ, 2023 estimates: GE 0.15, RQ 0.07, RL −0.45, CC −0.27, PV −0.27, VA −1.00"
    readme = {"GE": 0.15, "RQ": 0.07, "RL": -0.45, "CC": -0.27, "PV": -0.27, "VA": -1.00}
    for dim, value in readme.items():
        assert frame[("KAZ", f"{dim}.EST", 2023)] == value, dim
    ranks = frame.xs("GE.PER.RNK", level="indicator")
    assert ranks.between(0, 100).all()


def test_wgi_non_iso_codes_are_mapped_before_the_join() -> None:
    shared = _shared_or_skip()
    wgi = pd.read_csv(shared / "wgi" / "wgi_2010_2023.csv", dtype={"entity": str})
    # the README's non-ISO codes exist in the source and none of them is an OECD member
    assert {"ROM", "ADO", "ZAR"} <= set(wgi["entity"])
    assert not {"ROM", "ADO", "ZAR", "ROU", "AND", "COD"} & set(OECD_MEMBERS)
    # every member's rows made it through: 39 countries × 6 dimensions × 14 years × 3 measures
    panel = pd.read_parquet(DATA / "wgi_panel.parquet")
    per_country = panel.groupby("entity").size()
    assert len(per_country) == 39 and (per_country == 6 * 14 * 3).all()


def test_entities_follow_the_contract() -> None:
    header = (DATA / "wdi_entities.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",") == ENTITY_COLUMNS
    table = load_wdi_entities()  # an Entities table: validated, OED an aggregate
    assert table.reference_codes == ["OED"] and table.name("KAZ", "ru") == "Казахстан"
    ent = table.to_frame().set_index("code")
    assert len(ent) == 40 and ent.index.is_unique
    assert ent.loc["KAZ", ["name_en", "name_ru", "name_kk"]].tolist() == [
        "Kazakhstan", "Казахстан", "Қазақстан"]  # fmt: skip
    assert ent.loc["OED", "kind"] == "aggregate" and ent.loc["OED", "name_ru"].endswith("ОЭСР")
    assert ent.loc["OED", "name_kk"].startswith("ЭЫДҰ")
    assert set(ent.index[ent["group"] == "OECD member"]) == set(OECD_MEMBERS)
    assert (ent.drop(index="OED")["kind"] == "country").all()
    assert ent[["name_en", "name_ru", "name_kk"]].notna().all().all()
    assert ent["valid_from"].isna().all() and str(ent["valid_from"].dtype) == "Int64"


# ------------------------------------------------------------------ reproducible build


@pytest.mark.slow
def test_build_script_reproduces_the_files_byte_for_byte(tmp_path: Path) -> None:
    shared = _shared_or_skip()
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--shared", str(shared), "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name


@pytest.mark.slow
def test_build_script_refuses_another_vintage(tmp_path: Path) -> None:
    shared = _shared_or_skip()
    fake = tmp_path / "shared"
    for sub in ("wdi", "wgi"):
        (fake / sub).mkdir(parents=True)
        for f in (shared / sub).glob("*.csv"):
            (fake / sub / f.name).symlink_to(f)
    (fake / "wgi" / "indicators.csv").unlink()
    text = (shared / "wgi" / "indicators.csv").read_text(encoding="utf-8")
    (fake / "wgi" / "indicators.csv").write_text(text + "\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--shared", str(fake), "--out", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 1
    assert "is not the vintage this script describes" in proc.stderr
    assert not (tmp_path / "out").exists()
