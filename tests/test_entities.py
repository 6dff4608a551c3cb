"""Tests of the entities table (govindex.entities), its reader, the lineage file reader, the
per-indicator shares of a lineage and the entities/lineage/include/exclude keys of a run.

Expected values are hand calculations written out here, or facts of the inputs built here.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from govindex import (
    Catalog,
    Entities,
    Panel,
    performance_index,
    quality_report,
    read_entities,
    run_batch,
)
from govindex._provenance import read_provenance
from govindex.datasets import demo_data_dir
from govindex.exceptions import ConfigError, EntityError, MethodError
from govindex.io import read_config, read_lineage
from govindex.prepare.lineage import Lineage

# --------------------------------------------------------------------------- entities


def test_entities_validated_and_read_from_files(tmp_path: Path) -> None:
    frame = pd.DataFrame({
        "code": [" KZ", "KZ-10", "OECD"], "kind": ["Total", "region", "aggregate"],
        "name_en": ["Kazakhstan", "Abai Region", ""], "name_kk": ["Қазақстан", "Абай облысы", ""],
        "group": ["", "local", ""], "valid_from": [None, 2022, None],
    })  # fmt: skip
    before = frame.copy()
    ent = Entities.from_frame(frame)
    pd.testing.assert_frame_equal(frame, before)  # the user's frame is not modified
    assert list(ent.codes) == ["KZ", "KZ-10", "OECD"]  # codes stripped, kinds lower-cased
    assert ent.reference_codes == ["KZ", "OECD"] and ent.languages == ("en", "kk")
    assert ent.names(lang="kk").tolist() == ["Қазақстан", "Абай облысы", "OECD"]  # code last
    assert ent.name("OTHER") == "OTHER" and "KZ-10" in ent and len(ent) == 3
    assert ent.kinds(["KZ-10", "X"]).tolist() == ["region", ""]
    assert ent.boundary_years() == [2022]
    assert ent.missing(["KZ", "R1"]) == ["R1"]
    for name, write in (("e.csv", "to_csv"), ("e.parquet", "to_parquet")):
        getattr(ent.to_frame(), write)(tmp_path / name, index=False)
        again = read_entities(tmp_path / name)
        assert again.fingerprint == ent.fingerprint, name


@pytest.mark.parametrize(
    ("frame", "match"),
    [
        (pd.DataFrame({"code": ["A"]}), r"missing required column\(s\) 'kind'"),
        (pd.DataFrame({"code": ["A"], "kind": ["region"], "name_kz": ["x"]}),
         r"unknown column\(s\) 'name_kz' \(did you mean 'name_kk'\?\)"),
        (pd.DataFrame({"code": ["A"], "kind": ["region"], "nmae_en": ["x"]}),
         r"did you mean 'name_en'"),
        (pd.DataFrame({"code": ["A", "", "B"], "kind": "region"}), r"empty entity code.*row\(s\) 1"),
        (pd.DataFrame({"code": ["A", "A"], "kind": "region"}), r"duplicated code\(s\) 'A'.*0, 1"),
        (pd.DataFrame({"code": ["A", "B"], "kind": ["region", "province"]}),
         r"unknown kind\(s\) 'province' in row\(s\) 1 \(codes 'B'\)"),
        (pd.DataFrame({"code": ["A"], "kind": "city", "valid_from": [2018.5]}),
         r"integer years.*2018\.5.*row\(s\) 0"),
        (pd.DataFrame({"code": ["A"], "kind": "city", "valid_from": [2020], "valid_to": [2019]}),
         r"valid_from is after valid_to for code\(s\) 'A'"),
    ],
)  # fmt: skip
def test_bad_entities_tables_name_the_rows(frame: pd.DataFrame, match: str) -> None:
    with pytest.raises(EntityError, match=match):
        Entities.from_frame(frame)


def test_read_entities_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("code,kind\nA,province\n", encoding="utf-8")
    with pytest.raises(EntityError, match=r"bad\.csv: entities table: unknown kind"):
        read_entities(path)


def test_codes_keep_their_zeros_in_csv(tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_text("code,kind\n01,region\n", encoding="utf-8")
    (tmp_path / "l.csv").write_text("year,from,to,share\n2020,01,02,0.5\n", encoding="utf-8")
    assert list(read_entities(tmp_path / "e.csv").codes) == ["01"]
    assert read_lineage(tmp_path / "l.csv").parts()["new"].tolist() == ["01", "02"]


# --------------------------------------------------------------------------- per-indicator shares

SPLIT = pd.DataFrame(
    [("A", "jobs", 2017, 100.0), ("A", "jobs", 2020, 66.0), ("B", "jobs", 2018, 40.0),
     ("B", "jobs", 2020, 44.0), ("A", "beds", 2017, 50.0), ("A", "beds", 2020, 45.0),
     ("B", "beds", 2018, 5.0), ("B", "beds", 2020, 5.0)],
    columns=["entity", "indicator", "year", "value"],
)  # fmt: skip


def test_per_indicator_shares_and_methods_from_a_file(tmp_path: Path) -> None:
    # B took 40 % of A's jobs but only 10 % of its hospital beds; both are counts
    path = tmp_path / "lineage.csv"
    path.write_text(
        "year,from,to,indicator,share,method,note\n"
        "2018,A,B,,0.4,extensive,population share\n"
        "2018,A,B,beds,0.1,extensive,beds of 2018\n",
        encoding="utf-8",
    )
    lin = read_lineage(path)
    assert lin.rules(["jobs", "beds"]).tolist() == ["extensive", "extensive"]
    cat = Catalog.from_frame(
        pd.DataFrame({"code": ["G", "jobs", "beds"], "parent": ["", "G", "G"]})
    )
    res = performance_index(Panel.from_frame(SPLIT), cat, year=2020, lineage=lin)
    ch = res.changes.set_index(["entity", "indicator"])
    # jobs: A 0.6 · 100 = 60 → 66; B 0.4 · 100 = 40 → 44. beds: A 0.9 · 50 = 45 → 45; B 5 → 5
    assert ch.loc[("A", "jobs"), "start_value"] == pytest.approx(60.0)
    assert ch.loc[("B", "jobs"), "start_value"] == pytest.approx(40.0)
    assert ch.loc[("A", "beds"), "start_value"] == pytest.approx(45.0)
    assert ch.loc[("B", "beds"), "start_value"] == pytest.approx(5.0)
    assert ch.loc[("B", "beds"), "flags"].endswith("extensive, 0.1 × A")
    assert ch.loc[("B", "jobs"), "flags"].endswith("extensive, 0.4 × A")
    parts = lin.parts()
    assert parts.loc[parts["indicator"] == "beds", "share"].tolist() == [0.9, 0.1]
    assert lin.frame["note"].tolist() == ["population share", "beds of 2018"]


@pytest.mark.parametrize(
    ("rows", "match"),
    [
        ({"indicator": ["beds"]}, r"without a default row"),
        ({"method": ["counts"]}, r"unknown method\(s\) 'counts'"),
        ({"shares": [0.4]}, r"unknown column\(s\) 'shares' \(did you mean 'share'\?\)"),
        ({"old": ["A"]}, r"'from' and 'old' name the same thing"),
    ],
)
def test_bad_lineage_files_are_named_errors(rows: dict[str, list[object]], match: str) -> None:
    frame = pd.DataFrame({"year": [2018], "from": ["A"], "to": ["B"], "share": [0.4], **rows})
    with pytest.raises(MethodError, match=match):
        Lineage.from_frame(frame)


def test_indicator_shares_must_agree_on_who_ends() -> None:
    frame = pd.DataFrame({
        "year": 2019, "from": "A", "to": ["B", "C", "B", "C"], "indicator": ["", "", "x", "x"],
        "share": [0.5, 0.5, 0.5, 0.4], "method": ["", "", "extensive", "intensive"],
    })  # fmt: skip
    with pytest.raises(MethodError, match="different methods for 'x'"):
        Lineage.from_frame(frame)
    frame["method"] = ""
    with pytest.raises(MethodError, match=r"the shares of x say that 'A in 2019' continue"):
        Lineage.from_frame(frame)


# --------------------------------------------------------------------------- run configuration


def _leb_folder(tmp_path: Path) -> Path:
    for f in ("leb_panel.parquet", "leb_catalog.csv"):
        shutil.copyfile(demo_data_dir() / f, tmp_path / f)
    codes = [f"R{k:02d}" for k in range(1, 18)] + ["C01", "C02", "C03"]
    pd.DataFrame({"code": codes, "kind": ["region"] * 17 + ["city"] * 3}).assign(
        kind=lambda d: d["kind"].where(d["code"] != "C01", "aggregate")
    ).to_csv(tmp_path / "entities.csv", index=False)
    return tmp_path


RUN = """
[run]
years = 2025
[gpi.local]
panel = "leb_panel.parquet"
catalog = "leb_catalog.csv"
"""


def test_run_with_entities_and_exclude(tmp_path: Path) -> None:
    folder = _leb_folder(tmp_path)
    (folder / "run.toml").write_text(
        RUN + 'entities = "entities.csv"\nexclude = ["R01", "R02"]\n', encoding="utf-8"
    )
    cfg = read_config(folder / "run.toml")
    assert cfg.gpi[0].exclude == ("R01", "R02") and cfg.gpi[0].include is None
    assert cfg.to_dict()["gpi"]["local"]["exclude"] == ["R01", "R02"]
    out = run_batch(cfg, output=folder / "out")
    res = out.results[("gpi", "local", 2025)]
    scores = res.scores
    assert "R01" not in scores.index and len(scores) == 18
    assert pd.isna(scores.loc["C01", "rank"])  # the SYNTHETIC "aggregate" is not ranked
    assert scores["rank"].max() == 17
    assert quality_report(folder / "run.toml").ok


@pytest.mark.parametrize(
    ("extra", "match"),
    [
        ('include = ["R01", "R99"]', r"include/exclude code\(s\) 'R99' are not entities"),
        ('exclude = "R01"', "exclude must be a list of entity codes"),
        ("derive = true", "derive = true needs a lineage file"),
        ('lineage = "missing.csv"', "lineage file not found"),
        ('entitys = "entities.csv"', r"did you mean 'entities'"),
    ],
)
def test_bad_entity_keys_name_the_section(tmp_path: Path, extra: str, match: str) -> None:
    folder = _leb_folder(tmp_path)
    (folder / "run.toml").write_text(RUN + extra + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=match):
        run_batch(read_config(folder / "run.toml"), output=folder / "out")


NPI_RUN = """
[run]
years = 2022
[npi]
panel = "wdi_npi_panel.parquet"
catalog = "wdi_npi_catalog.csv"
entities = "wdi_entities.csv"
reference = "OED"
"""


def test_npi_section_with_the_wdi_entities_table(tmp_path: Path) -> None:
    # the REAL World Bank extract and its entities table (OED an aggregate)
    for f in ("wdi_npi_panel.parquet", "wdi_npi_catalog.csv", "wdi_entities.csv"):
        shutil.copyfile(demo_data_dir() / f, tmp_path / f)
    (tmp_path / "run.toml").write_text(NPI_RUN + 'country = "KAZ"\n', encoding="utf-8")
    cfg = read_config(tmp_path / "run.toml")
    assert cfg.npi[0].entities == tmp_path / "wdi_entities.csv"
    assert cfg.to_dict()["npi"]["npi"]["entities"] == "wdi_entities.csv"
    out = run_batch(cfg, output=tmp_path / "out")
    res = out.results[("npi", "npi", 2022)]
    assert res.options["entity_table"].reference_codes == ["OED"]
    assert round(res.npi_reference, 2) == 79.07  # the numbers of load_wdi_npi's example
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert "entities_file" in manifest["fingerprints"]["npi.npi"]
    meta = read_provenance(tmp_path / "out" / "2022" / "npi_npi_scores.parquet")
    assert meta["fingerprints"]["entities"] == res.fingerprints["entities"]
    (tmp_path / "run.toml").write_text(NPI_RUN + 'country = "OED"\n', encoding="utf-8")
    with pytest.raises(MethodError, match=r"^\[npi\] country 'OED' is a reference row"):
        run_batch(tmp_path / "run.toml", output=tmp_path / "out2")
    (tmp_path / "wdi_entities.csv").write_text("code,kind\nKAZ,planet\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[npi\] entities: .*unknown kind"):
        run_batch(tmp_path / "run.toml", output=tmp_path / "out2")


def test_validate_reports_codes_missing_from_the_entities_table(tmp_path: Path) -> None:
    folder = _leb_folder(tmp_path)
    frame = pd.read_csv(folder / "entities.csv")
    frame.loc[frame["code"] != "R05"].to_csv(folder / "entities.csv", index=False)
    (folder / "run.toml").write_text(RUN + 'entities = "entities.csv"\n', encoding="utf-8")
    report = quality_report(folder / "run.toml")
    assert report.errors == [
        "[gpi.local] entity code(s) 'R05' are not in the entities table entities.csv: add them "
        "with their kind, or exclude them"
    ]
    out = run_batch(folder / "run.toml", output=folder / "out")  # a run goes on, and says so
    assert any(n.startswith("DataWarning: entit(y/ies) 'R05' of the panel") for n in out.notes)


def test_entity_table_type_is_checked() -> None:
    cat = Catalog.from_frame(
        pd.DataFrame({"code": ["G", "jobs", "beds"], "parent": ["", "G", "G"]})
    )
    with pytest.raises(MethodError, match="entity_table must be an Entities table"):
        performance_index(
            Panel.from_frame(SPLIT),
            cat,
            year=2020,
            entity_table=pd.DataFrame(),  # type: ignore[arg-type]
        )
    with pytest.raises(MethodError, match=r"derive=True .* give a lineage"):
        performance_index(Panel.from_frame(SPLIT), cat, year=2020, derive=True)


def test_the_shipped_entities_tables_follow_the_contract() -> None:
    # the World Bank extract's entities (another build script) and the Kazakh regions'
    wdi = read_entities(demo_data_dir() / "wdi_entities.csv")
    assert wdi.reference_codes == ["OED"] and wdi.name("KAZ", "kk") == "Қазақстан"
    kz = read_entities(demo_data_dir() / "kz_regions_entities.parquet")
    assert kz.reference_codes == ["KZ"] and len(kz) == 21
