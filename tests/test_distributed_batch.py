"""Batch runs split into tasks (``[engine]``, ``govindex run --scheduler/--chunk-entities``).

The oracle is the run in one process: a run split into chunks of entities must write the
same files, byte for byte (tables and metadata, the panel fingerprint included), whatever
the chunk size — on the SYNTHETIC demo configuration, on the REAL regional data of
Kazakhstan (reference row KZ, series breaks), and on small synthetic panels built here to
reach the edges (a chunk without the first year, an indicator reported by one entity, a
selection, a reference row in a chunk of its own, a CSV panel). The task counts of the
manifest are checked against the plan written out in each test.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from govindex.cli import main
from govindex.datasets import demo_config_path, demo_data_dir
from govindex.exceptions import ConfigError, EngineError, PanelError
from govindex.io.batch import run_batch
from govindex.io.config import EngineSpec, read_config
from govindex.io.read import read_panel_entities


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.parquet"))
    }


def _same_run(one: Path, split: Path) -> dict[str, object]:
    """The split run wrote the single-process run's files, byte for byte, and the same
    manifest but for its ``engine`` entry (returned)."""
    a, b = _files(one), _files(split)
    assert sorted(a) == sorted(b)
    differ = [name for name in a if a[name] != b[name]]
    assert not differ, f"files differ: {differ}"
    ma = json.loads((one / "manifest.json").read_text())
    mb = json.loads((split / "manifest.json").read_text())
    engine = mb.pop("engine")
    assert ma.pop("engine") == {"scheduler": "local"}
    assert ma == mb
    return dict(engine)


# --------------------------------------------------------------------------- configuration


def test_engine_table_is_read_and_checked(tmp_path: Path) -> None:
    assert EngineSpec.from_table({}) == EngineSpec("local", None)
    spec = EngineSpec.from_table({"scheduler": " processes:2 ", "chunk_entities": 500})
    assert (spec.scheduler, spec.chunk_entities, spec.split) == ("processes:2", 500, True)
    for bad, named in (
        ({"scheduler": "threads"}, "scheduler"),
        ({"chunk_entities": 0}, "chunk_entities"),
        ({"chunk_entities": True}, "chunk_entities"),
        ({"chunk_entities": "1000"}, "chunk_entities"),
        ({"chunks": 10}, "chunk"),
    ):
        with pytest.raises(ConfigError, match=named):
            EngineSpec.from_table(bad)


def test_engine_table_in_a_configuration_and_its_overrides(tmp_path: Path) -> None:
    for name in ("leb_panel.parquet", "leb_catalog.csv"):
        shutil.copyfile(demo_data_dir() / name, tmp_path / name)
    text = (
        '[run]\nyears = 2025\n[engine]\nscheduler = "local"\nchunk_entities = 4\n'
        '[gpi.local]\npanel = "leb_panel.parquet"\ncatalog = "leb_catalog.csv"\n'
    )
    (tmp_path / "run.toml").write_text(text, encoding="utf-8")
    cfg = read_config(tmp_path / "run.toml")
    assert cfg.engine == EngineSpec("local", 4)
    assert cfg.with_engine(chunk_entities=7).engine == EngineSpec("local", 7)
    assert cfg.with_years(2024).engine == cfg.engine  # kept by the other copies
    assert cfg.with_engine("processes:3").engine == EngineSpec("processes:3", 4)
    (tmp_path / "bad.toml").write_text(text.replace('"local"', '"gpu"'), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[engine\] scheduler"):
        read_config(tmp_path / "bad.toml")


def test_a_scheduler_without_dask_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    out = tmp_path / "out"
    with pytest.raises(EngineError, match=r"govindex\[distributed\]"):
        run_batch(demo_config_path(), output=out, scheduler="processes:2")
    assert not out.exists()  # nothing written


# --------------------------------------------------------------------------- the entity scan


def test_entity_scan_of_a_partitioned_dataset_and_a_csv(tmp_path: Path) -> None:
    rows = pd.DataFrame({
        "entity": ["B", "A", "C", "A", "Z"], "indicator": ["x", "x", "x", "y", "q"],
        "year": [2020, 2021, 2019, 2022, 2021], "value": [1.0, 2.0, 3.0, 4.0, 5.0],
    })  # fmt: skip
    rows.to_csv(tmp_path / "p.csv", index=False)
    rows.to_parquet(tmp_path / "ds", partition_cols=["year"])
    for path in (tmp_path / "p.csv", tmp_path / "ds"):
        assert read_panel_entities(path) == (["A", "B", "C", "Z"], (2019, 2022), True)
        assert read_panel_entities(path, years=[2020, 2021], indicators=["x"]) == (
            ["A", "B"], (2020, 2021), True,
        )  # fmt: skip
        assert read_panel_entities(path, entities=["C", "Q"])[:2] == (["C"], (2019, 2019))
        assert read_panel_entities(path, years=[1990])[:2] == ([], None)


def test_entity_scan_says_whether_codes_are_stored_in_their_one_form(tmp_path: Path) -> None:
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Öskemen")
    rows = pd.DataFrame({
        "entity": ["B", nfd, "A "], "indicator": "x", "year": 2020, "value": [1.0, 2.0, 3.0],
    })  # fmt: skip
    rows.to_parquet(tmp_path / "p.parquet")
    found = read_panel_entities(tmp_path / "p.parquet")
    assert found.codes == ["A", "B", "Öskemen"] and not found.normalised
    assert read_panel_entities(tmp_path / "p.parquet", entities=["B"]).normalised


def test_a_range_of_entities_reads_the_rows_of_the_codes_between(tmp_path: Path) -> None:
    from govindex.io.read import read_panel

    rows = pd.DataFrame({
        "entity": ["A", "AB", "B", "BA", "C", "C"], "indicator": "x",
        "year": [2020, 2020, 2020, 2020, 2020, 2021], "value": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
    })  # fmt: skip
    rows.to_csv(tmp_path / "p.csv", index=False)
    rows.to_parquet(tmp_path / "ds", partition_cols=["year"])
    for path in (tmp_path / "p.csv", tmp_path / "ds"):
        panel = read_panel(path, entity_range=("AB", "BA"))
        assert panel.entities.tolist() == ["AB", "B", "BA"]  # inclusive, as strings compare
        assert read_panel(path, entity_range=("C", "C"), years=[2021]).values.ravel().tolist() == [
            6.0
        ]
    with pytest.raises(PanelError, match="entity_range"):
        read_panel(tmp_path / "p.csv", entity_range=("A",))  # type: ignore[arg-type]


def test_entity_scan_names_rows_without_an_entity(tmp_path: Path) -> None:
    rows = pd.DataFrame({
        "entity": ["A", None], "indicator": "x", "year": 2020, "value": [1.0, 2.0],
    })  # fmt: skip
    rows.to_parquet(tmp_path / "p.parquet")
    with pytest.raises(PanelError, match=r"1 row.* no entity code"):
        read_panel_entities(tmp_path / "p.parquet")


# --------------------------------------------------------------------------- demo and real data


@pytest.fixture(scope="module")
def demo_one(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("one") / "out"
    run_batch(read_config(demo_config_path()).with_years("2024:2025"), output=out)
    return out


@pytest.mark.parametrize("chunk", [4, 1000])
def test_demo_run_in_chunks_writes_the_single_process_files(
    demo_one: Path, tmp_path: Path, chunk: int
) -> None:
    cfg = read_config(demo_config_path()).with_years("2024:2025")
    run_batch(cfg, output=tmp_path / "split", chunk_entities=chunk)
    engine = _same_run(demo_one, tmp_path / "split")
    assert engine["scheduler"] == "local" and engine["workers"] == 1
    sections = engine["sections"]
    assert isinstance(sections, dict)
    assert sections["npi.npi"] == {"tasks": 1, "chunks": 1}  # an NPI section is one task
    n_local = pd.read_parquet(demo_data_dir() / "leb_panel.parquet")["entity"].nunique()
    n_chunks = -(-n_local // chunk)
    local = sections["gpi.local"]
    assert local["chunks"] == n_chunks
    # 1 statistics task + the sums of every chunk (+ a second pass if needed) + 2 years
    assert local["tasks"] in (1 + n_chunks + 2 * n_chunks, 1 + 2 * n_chunks + 2 * n_chunks)


def test_cli_flags_split_the_run(demo_one: Path, tmp_path: Path) -> None:
    status = main([
        "run", str(demo_config_path()), "--years", "2024:2025", "--out", str(tmp_path / "s"),
        "--quiet", "--chunk-entities", "5", "--scheduler", "local",
    ])  # fmt: skip
    assert status == 0
    assert _same_run(demo_one, tmp_path / "s")["chunk_entities"] == 5


@pytest.mark.slow
def test_real_regions_with_a_total_row_and_series_breaks(
    tmp_path: Path, shared_lineage_free_kz: Path
) -> None:
    one, split = tmp_path / "one", tmp_path / "split"
    run_batch(shared_lineage_free_kz, output=one)
    run_batch(shared_lineage_free_kz, output=split, chunk_entities=2)  # 11 chunks
    engine = _same_run(one, split)
    sections = engine["sections"]
    assert isinstance(sections, dict)
    # 1 statistics task, 11 sums tasks (+ 11 in a second pass), 11 result tasks × 3 years
    assert sections["gpi.regions"]["chunks"] == 11
    assert sections["gpi.regions"]["tasks"] in (1 + 11 + 33, 1 + 22 + 33)
    scores = pd.read_parquet(split / "2022" / "gpi_regions_scores.parquet")
    assert pd.isna(scores.loc["KZ", "rank"])  # the national total: scored, not ranked
    assert scores["rank"].dropna().min() == 1


@pytest.fixture
def shared_lineage_free_kz(tmp_path: Path) -> Path:
    """The REAL regional configuration without its lineage (a lineage keeps a section
    whole), over 2020–2022 so that the series breaks of 2022 fall in the windows."""
    src = demo_data_dir()
    for name in (
        "kz_regions_panel.parquet",
        "kz_regions_catalog.csv",
        "kz_regions_entities.parquet",
    ):
        shutil.copyfile(src / name, tmp_path / name)
    cfg = tmp_path / "kz.toml"
    cfg.write_text(
        '[run]\nname = "kz (REAL data)"\nyears = "2020:2022"\n[gpi.regions]\n'
        'panel = "kz_regions_panel.parquet"\ncatalog = "kz_regions_catalog.csv"\n'
        'entities = "kz_regions_entities.parquet"\nwindow = 3\n',
        encoding="utf-8",
    )
    return cfg


def test_a_lineage_keeps_the_section_whole(tmp_path: Path) -> None:
    from govindex.datasets import kz_regions_config_path

    one, split = tmp_path / "one", tmp_path / "split"
    run_batch(kz_regions_config_path(), output=one)
    run_batch(kz_regions_config_path(), output=split, chunk_entities=2)
    engine = _same_run(one, split)
    assert engine["sections"] == {"gpi.regions": {"tasks": 1, "chunks": 1}}


# --------------------------------------------------------------------------- synthetic edges

CATALOG = """code,parent,direction,change,cap
G,,,,
x,G,1,relative,
y,G,-1,absolute,
z,G,1,absolute,
w,G,1,absolute,0.5
"""


def _edge_panel() -> pd.DataFrame:
    """SYNTHETIC: 9 entities (T is a total), 2019–2025. E1 has no row before 2023 (a chunk
    of E1 alone lacks the first years), ``z`` is reported by E5 alone in 2024, E3 misses
    its 2022 values (a gap in the window)."""
    rng = np.random.default_rng(20261203)
    ents = [f"E{i}" for i in range(1, 9)] + ["T"]
    rows = [
        (e, i, y, float(np.round(rng.lognormal(3, 0.4), 3)))
        for e in ents
        for i in ("x", "y", "w")
        for y in range(2019, 2026)
        if not (e == "E1" and y < 2023) and not (e == "E3" and y == 2022)
    ]
    rows += [(e, "z", y, float(rng.normal(10, 2))) for e in ents for y in (2021, 2022, 2025)]
    rows += [("E5", "z", 2024, 9.5)]
    return pd.DataFrame(rows, columns=["entity", "indicator", "year", "value"])


@pytest.fixture
def edge_config(tmp_path: Path) -> Path:
    _edge_panel().to_parquet(tmp_path / "panel", partition_cols=["year"])
    _edge_panel().to_csv(tmp_path / "panel.csv", index=False)
    (tmp_path / "catalog.csv").write_text(CATALOG, encoding="utf-8")
    pd.DataFrame({"code": ["T"], "kind": ["total"]}).to_csv(tmp_path / "ents.csv", index=False)
    cfg = tmp_path / "edge.toml"
    cfg.write_text(
        '[run]\nname = "edges (SYNTHETIC data)"\nyears = "2024:2025"\n'
        '[gpi.all]\npanel = "panel"\ncatalog = "catalog.csv"\nentities = "ents.csv"\n'
        '[gpi.some]\npanel = "panel.csv"\ncatalog = "catalog.csv"\nentities = "ents.csv"\n'
        'exclude = ["E2", "E7"]\nwindow = 2\n',
        encoding="utf-8",
    )
    return cfg


@pytest.mark.parametrize(
    "chunk",
    [pytest.param(1, marks=pytest.mark.slow), pytest.param(2, marks=pytest.mark.slow), 3, 5, 9],
)
def test_edges_in_every_chunking(edge_config: Path, tmp_path: Path, chunk: int) -> None:
    one, split = tmp_path / "one", tmp_path / "split"
    run_batch(edge_config, output=one)
    run_batch(edge_config, output=split, chunk_entities=chunk)
    engine = _same_run(one, split)
    sections = engine["sections"]
    assert isinstance(sections, dict)
    n = -(-9 // chunk)
    assert sections["gpi.all"]["chunks"] == sections["gpi.some"]["chunks"] == n
    # z is reported by E5 alone in 2024: the counts of its appearances need a second pass
    assert sections["gpi.all"]["tasks"] == 1 + n + n + 2 * n


def test_an_error_in_a_chunk_names_the_section_and_keeps_out(
    edge_config: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    run_batch(edge_config, output=out)
    before = _files(out)
    bad = _edge_panel()
    bad = pd.concat([bad, bad.iloc[[5]]])  # a duplicated (entity, indicator, year) key
    bad.to_csv(edge_config.parent / "panel.csv", index=False)
    with pytest.raises(PanelError, match=r"^\[gpi\.some\]"):
        run_batch(edge_config, output=out, chunk_entities=2)
    assert _files(out) == before


ALL_KINDS = """\
[run]
name = "GPI, NPI and composite (SYNTHETIC data)"
years = "2024:2025"

[gpi.local]
panel = "leb_panel.parquet"
catalog = "leb_catalog.csv"

[gpi.central]
panel = "cgb_panel.parquet"
catalog = "cgb_catalog.csv"

[npi]
panel = "npi_panel.parquet"
catalog = "npi_catalog.csv"
country = "DMO"
reference = "OECD"
base_year = 2016

[composite.local]
panel = "leb_panel.parquet"
catalog = "leb_catalog.csv"
normalization = "zscore"
"""


@pytest.fixture
def all_kinds(tmp_path: Path) -> Path:
    """GPI, NPI and composite sections on copies of the SYNTHETIC demo data."""
    for name in ("leb_panel.parquet", "leb_catalog.csv", "cgb_panel.parquet",
                 "cgb_catalog.csv", "npi_panel.parquet", "npi_catalog.csv"):  # fmt: skip
        shutil.copyfile(demo_data_dir() / name, tmp_path / name)
    (tmp_path / "run.toml").write_text(ALL_KINDS, encoding="utf-8")
    return tmp_path / "run.toml"


def test_gpi_npi_and_composite_sections_in_chunks(all_kinds: Path, tmp_path: Path) -> None:
    run_batch(all_kinds, output=tmp_path / "one")
    run_batch(all_kinds, output=tmp_path / "split", chunk_entities=7)
    sections = _same_run(tmp_path / "one", tmp_path / "split")["sections"]
    assert isinstance(sections, dict)
    # a composite section is one task (its normalisation needs every entity at once)
    assert sections["composite.local"] == {"tasks": 1, "chunks": 1}
    assert sorted(sections) == ["composite.local", "gpi.central", "gpi.local", "npi.npi"]


@pytest.mark.slow
def test_on_two_worker_processes_the_files_are_the_single_process_ones(
    all_kinds: Path, tmp_path: Path
) -> None:
    distributed = pytest.importorskip("distributed")
    run_batch(all_kinds, output=tmp_path / "one")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:  # fmt: skip
        run_batch(all_kinds, output=tmp_path / "split", scheduler=cluster.scheduler_address,
                  chunk_entities=6)  # fmt: skip
    engine = _same_run(tmp_path / "one", tmp_path / "split")
    assert engine["scheduler"] == cluster.scheduler_address
    assert engine["workers"] == 2
    assert engine["chunk_entities"] == 6
    assert len(engine["sections"]) == 4  # type: ignore[arg-type]
