"""Invariants of the bundled SYNTHETIC demo data and of its loaders.

The expected numbers come from the data specification (issue brief / data README), not from
the generator: counts, codes, planted troubles, and recomputations done here independently
(population-weighted OECD mean by an explicit loop, z-tests with statsmodels).
"""

from __future__ import annotations

import importlib.resources
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from statsmodels.stats.proportion import proportions_ztest

import govindex.datasets as ds
from govindex.datasets import (
    CENTRAL_BODIES,
    COUNTRY,
    DEMO_KINDS,
    OECD_AGGREGATE,
    OECD_MEMBERS,
    REGIONS,
    DemoDataNotFoundError,
    demo_data_dir,
    load_demo_frames,
)
from govindex.exceptions import GovindexError, MethodError

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data" / "indicators"
SCRIPT = DATA / "make_demo_data.py"
FILES = [f"{k}_{part}" for k in ("leb", "cgb", "npi") for part in ("panel.parquet", "catalog.csv")]
HEADER = (
    "code,name,parent,direction,weight,type,aggregation,normalization,lower,upper,transform,"
    "target,change,tolerance,cap,owner,unit,source,sphere"
)
KEY = ["entity", "indicator", "year"]


@pytest.fixture(scope="module")
def leb() -> tuple[pd.DataFrame, pd.DataFrame]:
    return load_demo_frames("leb")


@pytest.fixture(scope="module")
def cgb() -> tuple[pd.DataFrame, pd.DataFrame]:
    return load_demo_frames("cgb")


@pytest.fixture(scope="module")
def npi() -> tuple[pd.DataFrame, pd.DataFrame]:
    return load_demo_frames("npi")


def indicators(catalog: pd.DataFrame) -> pd.DataFrame:
    return catalog[catalog["type"].notna()]


def root_of(catalog: pd.DataFrame, code: str) -> str:
    parent = dict(zip(catalog["code"], catalog["parent"], strict=True))
    seen: list[str] = []
    while isinstance(parent[code], str):
        assert code not in seen, f"cycle through {code}"
        seen.append(code)
        code = parent[code]
    return code


# ----------------------------------------------------------------------------- generic


@pytest.mark.parametrize("kind", DEMO_KINDS)
def test_parquet_metadata_says_synthetic_and_has_no_index(kind: str) -> None:
    schema = pq.read_schema(DATA / f"{kind}_panel.parquet")
    note = json.loads(schema.metadata[b"govindex"])
    assert note["synthetic"] is True
    assert note["seed"] == 20261126
    assert note["description"].startswith("SYNTHETIC demo data")
    assert "Not real statistics" in note["description"]
    assert note["generator"] == "data/indicators/make_demo_data.py"
    expected = KEY + ["value"] + (["sample_size"] if kind != "npi" else [])
    assert schema.names == expected  # no __index_level_0__
    meta = pq.read_metadata(DATA / f"{kind}_panel.parquet")
    assert meta.row_group(0).column(0).compression == "ZSTD"


@pytest.mark.parametrize("kind", DEMO_KINDS)
def test_panel_contract(kind: str) -> None:
    panel, catalog = load_demo_frames(kind)
    assert panel["year"].dtype == np.dtype("int64")
    assert panel["value"].dtype == np.dtype("float64")
    assert str(panel["entity"].dtype) == "str" and str(panel["indicator"].dtype) == "str"
    assert not panel.duplicated(KEY).any()
    assert not np.isinf(panel["value"]).any()
    assert set(panel["indicator"]) <= set(indicators(catalog)["code"])
    # sorted by entity order of the file, then indicator, then year within each series
    assert (panel.groupby(["entity", "indicator"], sort=False)["year"].diff().dropna() > 0).all()


@pytest.mark.parametrize("kind", DEMO_KINDS)
def test_catalog_contract(kind: str) -> None:
    first_line = (DATA / f"{kind}_catalog.csv").read_text(encoding="utf-8").splitlines()[0]
    assert first_line == HEADER
    _, catalog = load_demo_frames(kind)
    assert list(catalog.columns) == HEADER.split(",")
    assert catalog["code"].is_unique
    assert (catalog["source"] == "SYNTHETIC demo data").all()
    assert set(catalog["parent"].dropna()) <= set(catalog["code"])
    ind = indicators(catalog)
    nodes = catalog[catalog["type"].isna()]
    assert set(ind["direction"]) == {-1, 1}
    assert set(ind["type"]) <= {"statistical", "survey"}
    assert set(ind["change"]) == {"relative", "absolute"}
    assert (ind["weight"] > 0).all()
    assert nodes["direction"].isna().all()
    # parents leave `aggregation` empty: the method's default (arithmetic) applies and can be changed
    assert nodes["aggregation"].isna().all()
    # indicators are leaves, parent nodes all have children
    assert not set(ind["code"]) & set(catalog["parent"].dropna())
    assert set(nodes["code"]) <= set(catalog["parent"].dropna())
    # surveys are percentages with an absolute change rule
    assert (ind.loc[ind["type"] == "survey", "change"] == "absolute").all()
    for code in catalog["code"]:  # every node reaches a root without cycles
        root_of(catalog, code)


def test_reexported_entities_match_the_fixed_codes() -> None:
    from govindex.datasets import _entities

    assert REGIONS is _entities.REGIONS and len(REGIONS) == 20
    assert CENTRAL_BODIES is _entities.CENTRAL_BODIES and len(CENTRAL_BODIES) == 25
    assert (COUNTRY, OECD_AGGREGATE, len(OECD_MEMBERS)) == ("DMO", "OECD", 38)
    assert DEMO_KINDS == ("leb", "cgb", "npi")


# ----------------------------------------------------------------------------- LEB


def test_leb_shape_and_catalog(leb: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    panel, catalog = leb
    assert len(panel) == 20 * 50 * 12  # full grid, 2014-2025
    assert set(panel["entity"]) == set(REGIONS)
    assert set(panel["year"]) == set(range(2014, 2026))
    assert panel.groupby(["entity", "indicator"]).size().eq(12).all()
    ind = indicators(catalog)
    assert ind["type"].value_counts().to_dict() == {"statistical": 41, "survey": 9}
    assert set(panel["indicator"]) == set(ind["code"])
    assert catalog.loc[catalog["parent"].isna(), "code"].tolist() == ["GPI_LEB"]
    spheres = catalog[catalog["parent"] == "GPI_LEB"]
    assert len(spheres) == 9 and spheres["type"].isna().all()
    assert set(ind["parent"]) == set(spheres["code"])
    assert (
        ind["sphere"]
        == ind["parent"].map(dict(zip(spheres["code"], spheres["name"], strict=True)))
    ).all()
    survey_spheres = set(ind.loc[ind["type"] == "survey", "parent"])
    assert survey_spheres == {"LEB_SRV"}
    # most absolute indicators carry a cap, a few do not (default rule is exercised)
    absolute = ind[ind["change"] == "absolute"]
    n_without = int(absolute["cap"].isna().sum())
    assert 1 <= n_without <= len(absolute) // 4
    assert (absolute["cap"].dropna() > 0).all()


def test_leb_sample_sizes(leb: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    panel, catalog = leb
    kind = panel["indicator"].map(dict(zip(catalog["code"], catalog["type"], strict=True)))
    survey = panel[(kind == "survey") & panel["value"].notna()]
    assert survey["sample_size"].notna().all()
    assert survey["sample_size"].between(300, 1500).all()
    assert panel.loc[kind == "statistical", "sample_size"].isna().all()
    assert panel.loc[(kind == "survey") & panel["value"].isna(), "sample_size"].isna().all()
    assert survey["value"].between(0, 100, inclusive="neither").all()


def test_leb_gaps_in_window_are_exactly_the_planted_ones(
    leb: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    panel, _ = leb
    window = panel[panel["year"].between(2022, 2025)]
    missing = {tuple(r) for r in window.loc[window["value"].isna(), KEY].to_numpy().tolist()}
    assert missing == {
        ("R13", "LEB_ENV02", 2025),  # end point missing, 2024 present
        ("R10", "LEB_SOC02", 2022),  # start point missing, 2023 present
        ("R05", "LEB_HLT04", 2022),  # too little data: only 2025 left
        ("R05", "LEB_HLT04", 2023),
        ("R05", "LEB_HLT04", 2024),
    }
    has = panel.set_index(KEY)["value"].notna()
    assert has[("R13", "LEB_ENV02", 2024)] and has[("R10", "LEB_SOC02", 2023)]
    assert has[("R05", "LEB_HLT04", 2025)]
    # random gaps exist before the window
    assert panel.loc[panel["year"] <= 2021, "value"].isna().sum() > 50


def test_leb_planted_survey_changes(leb: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    panel, catalog = leb
    obs = panel.set_index(KEY)

    def ztest(ind: str) -> tuple[float, float, float]:
        a, b = obs.loc[("R07", ind, 2022)], obs.loc[("R07", ind, 2025)]
        n = np.array([a["sample_size"], b["sample_size"]], dtype=float)
        count = np.round(np.array([a["value"], b["value"]]) / 100 * n)
        z, p = proportions_ztest(count, n)
        return float(z), float(p), (b["value"] - a["value"]) / 3

    # LEB_SRV03: 61 % of 300 -> 63 % of 310: g = 2/3 pp a year > tau = cap/5, yet p > 0.05
    z, p, g = ztest("LEB_SRV03")
    cap = float(catalog.set_index("code").loc["LEB_SRV03", "cap"])
    assert g == pytest.approx(2 / 3)
    assert g > cap / 5
    assert p > 0.05 and abs(z) < 1
    # LEB_SRV01: 48 % of 1400 -> 58 % of 1450 is clearly significant
    z, p, g = ztest("LEB_SRV01")
    assert g == pytest.approx(10 / 3)
    assert p < 1e-4 and abs(z) > 5


def g_over_window(panel: pd.DataFrame, catalog: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """DESIGN §3 change (2022 -> 2025) and default tolerance, written out independently."""
    wide = panel[panel["year"].isin([2022, 2025])].pivot_table(
        index=["entity", "indicator"], columns="year", values="value"
    )
    wide = wide.dropna()
    meta = catalog.set_index("code").loc[wide.index.get_level_values("indicator")]
    d = meta["direction"].to_numpy(dtype=float)
    a, b = wide[2022].to_numpy(), wide[2025].to_numpy()
    relative = (meta["change"] == "relative").to_numpy()
    g = np.where(relative, d * ((b / a) ** (1 / 3) - 1), d * (b - a) / 3)
    tau = np.where(relative, 0.01, meta["cap"].to_numpy(dtype=float) / 5)
    keep = ~np.isnan(tau)
    return g[keep], tau[keep]


@pytest.mark.parametrize("kind", ["leb", "cgb"])
def test_some_series_improve_and_some_deteriorate(kind: str) -> None:
    panel, catalog = load_demo_frames(kind)
    g, tau = g_over_window(panel, catalog)
    improved, deteriorated = np.mean(g > tau), np.mean(g < -tau)
    assert 0.3 < improved < 0.85
    assert 0.1 < deteriorated < 0.5


# ----------------------------------------------------------------------------- CGB


def test_cgb_bodies_and_indicator_sets(cgb: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    panel, catalog = cgb
    ind = indicators(catalog)
    assert ind["type"].value_counts().to_dict() == {"statistical": 148, "survey": 19}
    roots = catalog[catalog["parent"].isna()]
    assert set(roots["code"]) == {f"GPI_{b}" for b in CENTRAL_BODIES}
    assert (roots["owner"] == roots["code"].str.removeprefix("GPI_")).all()
    assert ind["owner"].notna().all() and set(ind["owner"]) == set(CENTRAL_BODIES)
    for code, owner in zip(ind["code"], ind["owner"], strict=True):
        assert root_of(catalog, code) == f"GPI_{owner}"
    per_body = ind.groupby("owner").size()
    assert per_body.between(4, 10).all() and len(per_body) == 25
    # panel: entity = owner of the indicator, each indicator reported by exactly one body
    owner = panel["indicator"].map(dict(zip(ind["code"], ind["owner"], strict=True)))
    assert (panel["entity"] == owner).all()
    pairs = panel.drop_duplicates(["indicator", "entity"])
    assert not pairs["indicator"].duplicated().any()
    assert set(panel["indicator"]) == set(ind["code"])
    # both tree shapes: indicators directly under the root, and under intermediate nodes
    direct = ind["parent"].str.startswith("GPI_")
    assert direct.any() and (~direct).any()
    inter = catalog[catalog["type"].isna() & catalog["parent"].notna()]
    assert len(inter) >= 2 and inter["owner"].notna().all()
    assert set(inter["parent"]) <= set(roots["code"])


def test_cgb_sample_sizes(cgb: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    panel, catalog = cgb
    kind = panel["indicator"].map(dict(zip(catalog["code"], catalog["type"], strict=True)))
    survey = panel[(kind == "survey") & panel["value"].notna()]
    assert len(survey) > 0 and survey["sample_size"].notna().all()
    assert (survey["sample_size"] >= 300).all()
    assert panel.loc[kind == "statistical", "sample_size"].isna().all()


def test_cgb_reorganised_body_and_gaps(cgb: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    panel, _ = cgb
    mind = panel[panel["entity"] == "MIND"]
    assert mind["indicator"].nunique() == 6
    # MIND reorganised in 2023: first data year 2024 -> 2 points in 2022-2025, 1 year apart
    assert mind.groupby("indicator")["year"].apply(list).map([2024, 2025].__eq__).all()
    others = panel[panel["entity"] != "MIND"]
    assert others.groupby("indicator")["year"].min().eq(2014).all()
    assert others.groupby("indicator").size().eq(12).all()
    window = others[others["year"] >= 2022]
    missing = {tuple(r) for r in window.loc[window["value"].isna(), KEY].to_numpy().tolist()}
    assert missing == {("MTRN", "MTRN_03", 2025)}
    assert mind["value"].notna().all()


# ----------------------------------------------------------------------------- NPI


def test_npi_shape_and_catalog(npi: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    panel, catalog = npi
    assert set(panel["entity"]) == {COUNTRY, OECD_AGGREGATE, *OECD_MEMBERS}
    assert panel["entity"].nunique() == 38 + 1 + 1
    assert set(panel["year"]) == set(range(2010, 2026))
    assert len(panel) == 40 * 26 * 16
    ind = indicators(catalog)
    npi_ind = ind[ind["parent"] == "NPI"]
    assert len(npi_ind) == 25 and npi_ind["code"].str.startswith("NPI_").all()
    assert set(catalog.loc[catalog["parent"].isna(), "code"]) == {"NPI", "CONTEXT"}
    pop = catalog.set_index("code").loc["POP"]
    assert pop["parent"] == "CONTEXT" and pop["weight"] == 1
    assert set(panel["indicator"]) == set(npi_ind["code"]) | {"POP"}


def test_npi_oecd_is_population_weighted_member_mean(
    npi: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    panel, _ = npi
    obs = panel.set_index(KEY)["value"]
    members = list(OECD_MEMBERS)
    n_checked = 0
    for code in panel["indicator"].unique():
        for year in range(2010, 2026):
            x = obs.loc[[(m, code, year) for m in members]].to_numpy()
            w = obs.loc[[(m, "POP", year) for m in members]].to_numpy()
            got = obs.loc[(OECD_AGGREGATE, code, year)]
            if code == "POP":  # the aggregate's population is the members' total
                assert got == pytest.approx(w.sum(), abs=1e-6)
                continue
            ok = ~np.isnan(x)
            if not ok.any():
                assert np.isnan(got)
                continue
            expected = sum(wi * xi for wi, xi in zip(w[ok], x[ok], strict=True)) / w[ok].sum()
            assert got == pytest.approx(expected, rel=1e-12)
            n_checked += 1
    assert n_checked == 25 * 16 - 1  # every cell except NPI_CO2 in 2025
    assert obs.xs("POP", level="indicator").notna().all()


def test_npi_planted_troubles(npi: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    panel, catalog = npi
    dmo = panel[panel["entity"] == COUNTRY].pivot(
        index="year", columns="indicator", values="value"
    )
    # zero base value: e-government services fully online, 0 up to 2016, positive from 2017
    assert (dmo.loc[2010:2016, "NPI_EGOV"] == 0.0).all()
    assert (dmo.loc[2017:2025, "NPI_EGOV"] > 0).all()
    assert catalog.set_index("code").loc["NPI_EGOV", "direction"] == 1
    # secure servers grow 19-fold 2016 -> 2025 (3800 / 200)
    assert dmo.loc[2025, "NPI_SERVERS"] / dmo.loc[2016, "NPI_SERVERS"] == pytest.approx(19.0)
    # publication lag: CO2 2025 missing for everyone, and the only DMO gap
    co2_2025 = panel[(panel["indicator"] == "NPI_CO2") & (panel["year"] == 2025)]
    assert co2_2025["value"].isna().all() and len(co2_2025) == 40
    assert dmo.isna().sum().sum() == 1
    assert panel[panel["entity"].isin(OECD_MEMBERS)]["value"].isna().sum() > 40


def test_npi_values_are_positive_for_ratios(npi: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    panel, _ = npi
    # ratio methods (x / x_OECD, x_T / x_2016) need positive values except the planted zero
    values = panel.loc[~((panel["entity"] == COUNTRY) & (panel["indicator"] == "NPI_EGOV"))]
    assert (values["value"].dropna() > 0).all()


# ----------------------------------------------------------------------------- reproducibility


def test_generator_reproduces_committed_files_byte_for_byte(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    for name in FILES:
        new, old = (tmp_path / name), (DATA / name)
        if name.endswith(".csv"):
            assert new.read_bytes() == old.read_bytes(), name
            continue
        # Parquet footers record the writing library versions: the bytes agree only when
        # pandas/pyarrow are the versions that wrote the committed file. The content (every
        # value, bit for bit, and the govindex metadata) must agree with any version.
        new_t, old_t = pq.read_table(new), pq.read_table(old)
        assert new_t.equals(old_t), name
        assert new_t.schema.metadata[b"govindex"] == old_t.schema.metadata[b"govindex"], name
        if pq.read_metadata(new).created_by == pq.read_metadata(old).created_by and (
            new_t.schema.pandas_metadata == old_t.schema.pandas_metadata
        ):
            assert new.read_bytes() == old.read_bytes(), name


# ----------------------------------------------------------------------------- loaders


def test_demo_data_dir_finds_the_checkout() -> None:
    folder = demo_data_dir()
    assert all((folder / name).is_file() for name in FILES)


def test_demo_data_dir_prefers_installed_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "_demo_data").mkdir()
    monkeypatch.setattr(importlib.resources, "files", lambda _pkg: tmp_path)
    assert demo_data_dir() == tmp_path / "_demo_data"


def test_demo_data_dir_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gone = tmp_path / "nowhere"
    monkeypatch.setattr(ds, "_candidate_dirs", lambda: [gone])
    with pytest.raises(DemoDataNotFoundError, match="nowhere") as info:
        demo_data_dir()
    assert isinstance(info.value, GovindexError)
    assert isinstance(info.value, FileNotFoundError)
    assert "make_demo_data.py" in str(info.value)


def test_load_demo_frames_missing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "leb_panel.parquet").write_bytes((DATA / "leb_panel.parquet").read_bytes())
    monkeypatch.setattr(ds, "_candidate_dirs", lambda: [tmp_path])
    with pytest.raises(DemoDataNotFoundError, match=r"leb_catalog\.csv"):
        load_demo_frames("leb")


def test_load_demo_frames_unknown_kind() -> None:
    with pytest.raises(MethodError, match=r"'gpi'.*'leb', 'cgb', 'npi'"):
        load_demo_frames("gpi")  # type: ignore[arg-type]


def test_loaded_frames_are_fresh_copies() -> None:
    a, _ = load_demo_frames("cgb")
    a.loc[0, "value"] = -999.0
    b, _ = load_demo_frames("cgb")
    assert b.loc[0, "value"] != -999.0
