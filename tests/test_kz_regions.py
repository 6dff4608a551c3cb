"""The bundled REAL regional data of Kazakhstan: boundary changes, the total, derived values.

Runs on the shipped files (data/indicators/kz_regions_*), so it needs nothing outside the
repository. Expected numbers are read from the shipped panel with plain pandas and written out
here (shares, starts, changes), or are facts of the source README (2018: Shymkent from South
Kazakhstan; 2022: Abai from East Kazakhstan, Jetisu from Almaty Region, Ulytau from Karaganda).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from govindex import DataWarning, Panel, performance_index, quality_report, run_batch
from govindex.datasets import (
    KZ_REGIONS_FILES,
    KZ_REGIONS_NOTE,
    RegionalData,
    kz_regions_config_path,
    load_kz_regions,
)
from govindex.indices.gpi import PerformanceResult

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data" / "indicators"
SOURCE = REPO.parent / "shared" / "data" / "kz_regions"  # ../shared beside the clone
SPLIT_2022 = ["KZ-63", "KZ-19", "KZ-35"]  # East Kazakhstan, Almaty Region, Karaganda
NEW_2022 = ["KZ-10", "KZ-33", "KZ-62"]  # Abai, Jetisu, Ulytau


@pytest.fixture(scope="module")
def kz() -> RegionalData:
    return load_kz_regions()


@pytest.fixture(scope="module")
def frame(kz: RegionalData) -> pd.DataFrame:
    return kz.panel.to_frame()


def _v(frame: pd.DataFrame, entity: str, indicator: str, year: int) -> float:
    sel = (frame["entity"] == entity) & (frame["indicator"] == indicator) & (frame["year"] == year)
    return float(frame.loc[sel, "value"].item())


def _run(kz: RegionalData, year: int, **kw: object) -> tuple[PerformanceResult, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = performance_index(kz.panel, kz.catalog, year=year, **kw)  # type: ignore[arg-type]
    return res, [str(w.message) for w in caught if issubclass(w.category, DataWarning)]


# --------------------------------------------------------------------------- the files


def test_files_say_real_with_source_and_licence(kz: RegionalData) -> None:
    for name in ("panel", "entities", "lineage"):
        meta = json.loads(pq.read_schema(DATA / KZ_REGIONS_FILES[name]).metadata[b"govindex"])
        assert meta["synthetic"] is False and meta["description"].startswith("REAL data")
        assert "PDDL" in meta["licence"] and "open-data-kazakhstan" in meta["attribution"]
    catalog = pd.read_csv(DATA / KZ_REGIONS_FILES["catalog"])
    assert catalog["source"].str.endswith("(PDDL 1.0)").all()
    # only the openly licensed series: no income (no licence stated), no doctors (no licence file)
    assert sorted(kz.panel.indicators) == ["HOSPITALS", "LIFE_EXP"]
    assert kz.panel.shape == (21, 2, 24)  # 20 regions and cities + KZ, 1999-2022
    assert "REAL data" in KZ_REGIONS_NOTE and "PDDL 1.0" in KZ_REGIONS_NOTE
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    assert "CASH_INCOME_PC" in readme and "PDDL" in readme


@pytest.mark.slow
def test_build_is_reproducible_and_matches_the_source(tmp_path: Path) -> None:
    if not SOURCE.is_dir():
        pytest.skip(f"source data not found at {SOURCE}")
    script = DATA / "make_kz_regions.py"
    for out in (tmp_path / "a", tmp_path / "b"):
        out.mkdir()
        subprocess.run(
            [sys.executable, str(script), "--source", str(SOURCE), "--out", str(out)],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
    for name in KZ_REGIONS_FILES.values():
        shipped = (DATA / name).read_bytes()
        assert (tmp_path / "a" / name).read_bytes() == shipped, name
        assert (tmp_path / "b" / name).read_bytes() == shipped, name
    raw = pd.read_csv(SOURCE / "kz_regions_panel_long.csv")
    raw = raw.loc[raw["indicator_code"].isin(["LIFE_EXP", "HOSPITALS"])]
    assert len(raw) == 417 + 348  # the source README's row counts
    shipped = pd.read_parquet(DATA / KZ_REGIONS_FILES["panel"])
    merged = shipped.merge(
        raw.rename(columns={"indicator_code": "indicator"}), on=["entity", "indicator", "year"]
    )
    assert len(merged) == len(shipped) == len(raw)
    np.testing.assert_array_equal(merged["value_x"], merged["value_y"])


def test_entities_table(kz: RegionalData) -> None:
    ent = kz.entities
    kinds = ent.kinds()
    assert kinds["KZ"] == "total" and ent.reference_codes == ["KZ"]
    assert sorted(kinds.index[kinds == "city"]) == ["KZ-71", "KZ-75", "KZ-79"]
    assert (kinds == "region").sum() == 17
    assert ent.name("KZ-10", "kk") == "Абай облысы"
    assert ent.name("KZ-75", "kk") == "Алматы қаласы"
    assert ent.name("KZ-62", "ru") == "область Ұлытау"
    assert ent.name("KZ-59", "en") == "North Kazakhstan Region"
    kazakh = "".join(ent.names(lang="kk"))
    assert set("қөүұіңғ") <= set(kazakh.lower())  # written with the Kazakh letters
    years = ent.frame.set_index("code")["valid_from"].dropna().astype(int).to_dict()
    assert years == {"KZ-10": 2022, "KZ-33": 2022, "KZ-62": 2022, "KZ-79": 2018}
    assert ent.boundary_years() == [2018, 2022]


def test_lineage_shares_are_the_first_post_event_hospitals(
    kz: RegionalData, frame: pd.DataFrame
) -> None:
    parts = kz.lineage.parts().set_index(["year", "old", "new", "indicator"])["share"]
    for year, old, new in ((2018, "KZ-61", "KZ-79"), (2022, "KZ-63", "KZ-10"),
                           (2022, "KZ-19", "KZ-33"), (2022, "KZ-35", "KZ-62")):  # fmt: skip
        h_old, h_new = _v(frame, old, "HOSPITALS", year), _v(frame, new, "HOSPITALS", year)
        assert parts[(year, old, new, "")] == pytest.approx(h_new / (h_old + h_new))
        assert parts[(year, old, old, "HOSPITALS")] == pytest.approx(h_old / (h_old + h_new))
    # 26 / 66, 30 / 61, 36 / 80, 11 / 72 (the shipped counts)
    assert parts[(2018, "KZ-61", "KZ-79", "")] == pytest.approx(26 / 66)
    assert parts[(2022, "KZ-35", "KZ-62", "")] == pytest.approx(11 / 72)
    assert kz.lineage.rules(["HOSPITALS", "LIFE_EXP"]).to_dict() == {
        "HOSPITALS": "extensive", "LIFE_EXP": "intensive"
    }  # fmt: skip


# --------------------------------------------------------------------------- breaks


def test_without_lineage_the_2022_breaks_warn_and_are_no_risk_areas(kz: RegionalData) -> None:
    res, warned = _run(kz, 2022, entity_table=kz.entities)
    text = " ".join(warned)
    # East Kazakhstan 61 → 31, Almaty Region 82 → 44, Karaganda 75 → 61 hospitals in 2022
    for code, before, after in (("KZ-63", 61, 31), ("KZ-19", 82, 44), ("KZ-35", 75, 61)):
        assert f"{code} HOSPITALS 2022 level shift {before} → {after}" in text
    flags = res.changes.set_index(["entity", "indicator"])["flags"]
    for code in SPLIT_2022:
        assert flags[(code, "HOSPITALS")].startswith("series break: 2022 level shift")
    risks = res.risk_areas()
    pairs = set(zip(risks["entity"], risks["indicator"], strict=True))
    assert not {(c, "HOSPITALS") for c in SPLIT_2022} & pairs
    assert not set(SPLIT_2022) & set(risks["entity"])  # not as spheres or bodies either
    # the option keeps them: then they are the worst regressions (−20 %, −19 %, −7 % a year)
    kept = res.risk_areas(include_breaks=True)
    worst = kept.loc[kept["level"] == "indicator"].head(3)
    assert set(zip(worst["entity"], worst["indicator"], strict=True)) == {
        (c, "HOSPITALS") for c in SPLIT_2022
    }
    found = res.breaks.set_index(["entity", "indicator"])
    assert not found["explained"].any()
    assert found.loc[("KZ-10", "LIFE_EXP"), "kind"] == "series start"


def test_without_lineage_the_2018_break_warns(kz: RegionalData) -> None:
    res, warned = _run(kz, 2020)
    text = " ".join(warned)
    assert "KZ-61 HOSPITALS 2018 level shift 117 → 40 (-65.8 %)" in text
    assert "KZ-79 HOSPITALS series starts in 2018" in text
    ch = res.changes.set_index(["entity", "indicator"])
    assert ch.loc[("KZ-61", "HOSPITALS"), "class"] == "deteriorated"  # 117 → 43, still computed
    assert "series break" in ch.loc[("KZ-61", "HOSPITALS"), "flags"]
    assert "series break: series starts in 2018" in ch.loc[("KZ-79", "HOSPITALS"), "flags"]
    risks = res.risk_areas(levels=("indicator",))
    assert (
        not risks.loc[risks["indicator"] == "HOSPITALS", "entity"].isin(["KZ-61", "KZ-79"]).any()
    )


def test_with_the_shipped_lineage_changes_are_rebased_and_marked(
    kz: RegionalData, frame: pd.DataFrame
) -> None:
    res, warned = _run(kz, 2022, lineage=kz.lineage, entity_table=kz.entities)
    text = " ".join(warned)
    for code in [*SPLIT_2022, *NEW_2022]:
        assert f"{code} " not in text  # the lineage explains the 2022 breaks
    # the two jumps it does not explain are still named: Almaty city and Shymkent
    assert "KZ-75 HOSPITALS 2022 level shift 91 → 77" in text
    assert "KZ-79 HOSPITALS 2022 level shift 40 → 88" in text
    ch = res.changes.set_index(["entity", "indicator"])
    # East Kazakhstan keeps 31 of the 61 hospitals of 2022: its 2019 level on the new
    # boundaries is 62 · 31/61 = 31.51; 31.51 → 31 is −0.5 %/yr (stable), not −20 %/yr
    h19 = _v(frame, "KZ-63", "HOSPITALS", 2019)
    assert h19 == 62.0
    row = ch.loc[("KZ-63", "HOSPITALS")]
    assert row["start_value"] == pytest.approx(62 * 31 / 61)
    assert row["change"] == pytest.approx((31 / (62 * 31 / 61)) ** (1 / 3) - 1)
    assert row["class"] == "stable"
    assert row["flags"] == (
        "lineage: re-based across 2022 reorganisation (KZ-63→KZ-10, KZ-63): extensive, 0.508 × KZ-63"
    )
    # Abai's start: its share of East Kazakhstan's 2019 hospitals, 62 · 30/61
    assert ch.loc[("KZ-10", "HOSPITALS"), "start_value"] == pytest.approx(62 * 30 / 61)
    # Ulytau's life expectancy starts from Karaganda's 2019 value, carried over, and says so
    life = ch.loc[("KZ-62", "LIFE_EXP")]
    assert life["start_value"] == _v(frame, "KZ-35", "LIFE_EXP", 2019)
    assert life["flags"].endswith("intensive, carried over from KZ-35")
    assert res.breaks.set_index(["entity", "indicator"]).loc[("KZ-63", "HOSPITALS"), "explained"]
    # the unexplained jumps stay out of the risk areas
    risks = res.risk_areas(levels=("indicator",))
    assert not risks["entity"].isin(["KZ-75", "KZ-79"]).any()


# --------------------------------------------------------------------------- the total


def test_the_total_is_scored_not_ranked_and_moves_no_cap(
    kz: RegionalData, frame: pd.DataFrame
) -> None:
    res, _ = _run(kz, 2022, lineage=kz.lineage, entity_table=kz.entities)
    s = res.scores
    assert pd.isna(s.loc["KZ", "rank"]) and not math.isnan(s.loc["KZ", "gpi"])
    assert s.loc["KZ", "reason"] == "reference row (total): scored, not ranked"
    ranked = s["rank"].dropna()
    assert len(ranked) == 20 and ranked.max() <= 20 and "KZ" not in ranked.index  # the others
    assert res.reference_entities == ["KZ"]
    ch = res.changes.set_index(["entity", "indicator"])
    assert ch.loc[("KZ", "LIFE_EXP"), "flags"] == "reference row (total): not ranked"
    assert "KZ" not in set(res.risk_areas()["entity"])
    # life expectancy uses the absolute rule: its default cap is the median |change| of the
    # 20 regions and cities, (x2022 − x2019) / 3 on the new boundaries, without KZ
    life = frame.loc[frame["indicator"] == "LIFE_EXP"].pivot(
        index="entity", columns="year", values="value"
    )
    start = life[2019].copy()
    start[["KZ-10", "KZ-33", "KZ-62"]] = life.loc[["KZ-63", "KZ-19", "KZ-35"], 2019].to_numpy()
    g = (life[2022] - start) / 3
    cap = float(g.drop("KZ").abs().median())
    assert ch.loc[("KZ-11", "LIFE_EXP"), "cap"] == pytest.approx(cap)
    assert cap != pytest.approx(float(g.abs().median()))  # with KZ it would differ
    # the regions' scores are those of a run without KZ at all
    others = [e for e in kz.panel.entities if e != "KZ"]
    alone, _ = _run(kz, 2022, lineage=kz.lineage, entities=others)
    pd.testing.assert_series_equal(s["gpi"].drop("KZ"), alone.scores["gpi"].loc[others])
    # without the entities table KZ is ranked like a region and moves the cap
    plain, _ = _run(kz, 2022, lineage=kz.lineage)
    assert not pd.isna(plain.scores.loc["KZ", "rank"])
    assert plain.changes.set_index(["entity", "indicator"]).loc[
        ("KZ-11", "LIFE_EXP"), "cap"
    ] == pytest.approx(float(g.abs().median()))


# --------------------------------------------------------------------------- no invented data


def test_abai_is_not_scored_on_data_it_does_not_have_unless_derive(kz: RegionalData) -> None:
    # drop Abai's only hospital count (2022): it then has no hospital data of its own
    rows = kz.panel.to_frame()
    rows = rows.loc[~((rows["entity"] == "KZ-10") & (rows["indicator"] == "HOSPITALS"))]
    panel = Panel.from_frame(rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = performance_index(
            panel, kz.catalog, year=2022, lineage=kz.lineage, entity_table=kz.entities
        )
        derived = res.regenerate(derive=True)
    row = res.changes.set_index(["entity", "indicator"]).loc[("KZ-10", "HOSPITALS")]
    assert math.isnan(row["change"]) and math.isnan(row["score"])
    assert row["reason"] == (
        "lineage: KZ-10 has no observations of its own in the window; a change derived across "
        "the 2022 reorganisation (KZ-63→KZ-10, KZ-63: extensive, 0.492 × KZ-63) is not scored "
        "(derive=True scores it)"
    )
    assert res.scores.loc["KZ-10", "n_scored"] == 1  # life expectancy only
    # with derive=True: 62 · 30/61 (2019) → 61 · 30/61 (2021), labelled with source and share
    row = derived.changes.set_index(["entity", "indicator"]).loc[("KZ-10", "HOSPITALS")]
    assert (row["start_year"], row["end_year"]) == (2019, 2021)
    assert row["start_value"] == pytest.approx(62 * 30 / 61)
    assert row["end_value"] == pytest.approx(61 * 30 / 61)
    assert row["flags"].endswith(
        "; lineage: derived across 2022 reorganisation (KZ-63→KZ-10, KZ-63): extensive, "
        "0.492 × KZ-63 (no observations of its own)"
    )
    assert derived.options["derive"] is True and "derive" not in res.options


# --------------------------------------------------------------------------- run and validate


def test_run_configuration_with_entities_and_lineage(tmp_path: Path) -> None:
    out = run_batch(kz_regions_config_path(), output=tmp_path)
    res = out.results[("gpi", "regions", 2022)]
    assert res.reference_entities == ["KZ"] and "lineage" in res.fingerprints
    scores = pd.read_parquet(tmp_path / "2022" / "gpi_regions_scores.parquet")
    assert pd.isna(scores.loc["KZ", "rank"])
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    section = manifest["config"]["gpi"]["regions"]
    assert section["entities"] == "kz_regions_entities.parquet"
    assert section["lineage"] == "kz_regions_lineage.parquet"
    assert set(manifest["fingerprints"]["gpi.regions"]) >= {"entities_file", "lineage_file"}
    assert any("KZ-79 HOSPITALS 2022 level shift" in n for n in out.notes)
    # validate: the breaks the lineage explains are marked
    report = quality_report(kz_regions_config_path())
    assert report.ok, report.errors
    breaks = report.breaks.set_index(["entity", "year"])
    assert breaks.loc[("KZ-10", 2022), "explained"]
