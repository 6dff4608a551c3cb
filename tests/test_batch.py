"""Tests of govindex.io.batch (``govindex run``) on copies of the SYNTHETIC demo data.

Checked against things outside the code under test: byte comparison of two runs (one in
a separate process), SHA-256 checksums computed here with hashlib, pandas filters of the
full Parquet file, the window definition T−3 … T of DESIGN §3, a hand-computed progress
score, and the files on disk after a write interrupted by a simulated disk-full error or
Ctrl-C.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from govindex._bar import Progress
from govindex._provenance import read_provenance
from govindex.cli import main
from govindex.datasets import demo_config_path, demo_data_dir
from govindex.exceptions import CatalogError, ConfigError, MethodError, PanelError
from govindex.io.batch import run_batch
from govindex.io.read import read_panel_rows

LOCAL_ONLY = """\
# run configuration on a copy of the SYNTHETIC demo data
[run]
name = "test (SYNTHETIC data)"
years = {years}

[gpi.local]
panel = "{panel}"
catalog = "leb_catalog.csv"
window = {window}
"""


def _tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (hidden ones included) → its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _local_config(
    folder: Path, *, years: str = "2025", window: int = 3, panel: str = "leb_panel.parquet"
) -> Path:
    """A one-index configuration (GPI of the local bodies) next to copies of the data."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("leb_panel.parquet", "leb_catalog.csv"):
        if not (folder / name).exists():
            shutil.copyfile(demo_data_dir() / name, folder / name)
    cfg = folder / "run.toml"
    cfg.write_text(LOCAL_ONLY.format(years=years, window=window, panel=panel), encoding="utf-8")
    return cfg


# --------------------------------------------------------------------------- reproducibility


@pytest.fixture(scope="module")
def two_demo_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The demo configuration run twice: once in-process via the CLI, once in a subprocess."""
    tmp = tmp_path_factory.mktemp("demo_runs")
    inputs_before = _tree_bytes(demo_data_dir())
    status = main(["run", str(demo_config_path()), "--out", str(tmp / "a"), "--quiet"])
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "govindex.cli",
            "run",
            str(demo_config_path()),
            "--out",
            str(tmp / "b"),
        ],
        capture_output=True,
        text=True,
        cwd=tmp,
        timeout=120,
    )
    return {
        "status": status,
        "proc": proc,
        "a": tmp / "a",
        "b": tmp / "b",
        "inputs_before": inputs_before,
        "inputs_after": _tree_bytes(demo_data_dir()),
    }


def test_demo_run_twice_is_bit_identical(two_demo_runs: dict[str, object]) -> None:
    proc = two_demo_runs["proc"]
    assert isinstance(proc, subprocess.CompletedProcess)
    assert two_demo_runs["status"] == 0
    assert proc.returncode == 0, proc.stderr
    assert "wrote 33 result files" in proc.stdout
    a, b = _tree_bytes(two_demo_runs["a"]), _tree_bytes(two_demo_runs["b"])  # type: ignore[arg-type]
    # 2 GPI × 5 tables (scores, changes, risks and, for publishing from the stored results,
    # node scores and catalog) + NPI × 3 tables (scores, indicators, catalog) for 2025;
    # 2 operational rounds of 2019 × (9 tables of the result + the recommendations register);
    # the manifest
    assert len(a) == 10 + 3 + 2 * (9 + 1) + 1
    assert sorted(a) == sorted(b)
    assert "manifest.json" in a
    for name in a:
        assert a[name] == b[name], f"{name} differs between two runs on the same inputs"


def test_manifest_checksums_match_the_files(two_demo_runs: dict[str, object]) -> None:
    folder = two_demo_runs["a"]
    assert isinstance(folder, Path)
    manifest = json.loads((folder / "manifest.json").read_text())
    on_disk = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.parquet"))
    assert sorted(manifest["files"]) == on_disk
    for name, digest in manifest["files"].items():
        assert digest == hashlib.sha256((folder / name).read_bytes()).hexdigest()
    assert manifest["config"]["years"] == [2025]
    assert manifest["config"]["gpi"]["local"]["panel"] == "leb_panel.parquet"
    assert set(manifest["fingerprints"]) == {
        "gpi.local",
        "gpi.central",
        "npi.npi",
        "operational.local",
        "operational.central",
    }
    # nothing temporary left behind
    assert not [p for p in folder.rglob(".*")]


def test_inputs_are_never_modified(two_demo_runs: dict[str, object]) -> None:
    before, after = two_demo_runs["inputs_before"], two_demo_runs["inputs_after"]
    assert isinstance(before, dict) and isinstance(after, dict)
    assert "leb_panel.parquet" in before
    assert before == after


def test_provenance_names_method_and_inputs(two_demo_runs: dict[str, object]) -> None:
    folder = two_demo_runs["a"]
    assert isinstance(folder, Path)
    meta = read_provenance(folder / "2025" / "gpi_local_scores.parquet")
    manifest = json.loads((folder / "manifest.json").read_text())
    assert meta["year"] == 2025 and meta["name"] == "local" and meta["table"] == "scores"
    assert meta["method"]["window"] == 3
    assert meta["fingerprints"]["panel"] == manifest["fingerprints"]["gpi.local"]["panel"]


# --------------------------------------------------------------------------- years


#: The tables of a GPI section in a run folder (the reports are made from them).
_GPI_TABLES = ("scores", "changes", "risks", "node-scores", "catalog")


def test_years_range_computes_three_assessments_in_one_run(tmp_path: Path) -> None:
    status = main(
        ["run", str(demo_config_path()), "--years", "2023:2025", "--out", str(tmp_path), "--quiet"]
    )
    assert status == 0
    # operational keeps its own year (2019); GPI and NPI are computed for 2023, 2024 and 2025
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == [
        "2019",
        "2023",
        "2024",
        "2025",
    ]
    for year in (2023, 2024, 2025):
        names = sorted(p.name for p in (tmp_path / str(year)).iterdir())
        assert names == sorted(
            f"{k}_{t}.parquet"
            for k, tables in (("gpi_local", _GPI_TABLES), ("gpi_central", _GPI_TABLES),
                              ("npi_npi", ("scores", "indicators", "catalog")))
            for t in tables
        )  # fmt: skip
        for f in (tmp_path / str(year)).iterdir():
            assert read_provenance(f)["year"] == year
        # the window is T−3 … T (DESIGN §3): R01 × LEB_ECO01 has no gaps, so it spans exactly that
        changes = pd.read_parquet(tmp_path / str(year) / "gpi_local_changes.parquet")
        row = changes.loc[
            (changes["entity"] == "R01") & (changes["indicator"] == "LEB_ECO01")
        ].iloc[0]
        assert (row["start_year"], row["end_year"]) == (year - 3, year)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["config"]["years"] == [2023, 2024, 2025]


def test_progress_score_matches_hand_calculation(tmp_path: Path) -> None:
    out = run_batch(_local_config(tmp_path / "in"), output=tmp_path / "out")
    changes = pd.read_parquet(tmp_path / "out" / "2025" / "gpi_local_changes.parquet")
    row = changes.loc[(changes["entity"] == "R03") & (changes["indicator"] == "LEB_ECO01")].iloc[0]
    # panel: R03 × LEB_ECO01 = 3322.3 (2022) → 3740.2 (2025); relative rule, default cap 5 %/yr
    # g = (3740.2 / 3322.3)^(1/3) − 1 = 0.040283…; s = 50 + 50·min(g / 0.05, 1) = 90.283…
    g = (3740.2 / 3322.3) ** (1 / 3) - 1
    assert row["score"] == pytest.approx(50 + 50 * min(g / 0.05, 1.0), abs=1e-9)
    # one GPI for one year: its tables (catalog and node scores: to publish it again)
    assert sorted(f.name for f in out.files) == sorted(
        f"gpi_local_{t}.parquet" for t in _GPI_TABLES
    )


# --------------------------------------------------------------------------- partitioned datasets


@pytest.fixture
def hive_leb(tmp_path: Path) -> Path:
    """A hive-partitioned copy (``year=…`` folders) of the SYNTHETIC LEB panel with its catalog."""
    folder = tmp_path / "in"
    table = pq.read_table(demo_data_dir() / "leb_panel.parquet")
    ds.write_dataset(
        table,
        folder / "leb_hive",
        format="parquet",
        partitioning=["year"],
        partitioning_flavor="hive",
    )
    return folder


def test_partitioned_read_returns_only_needed_years_and_indicators(hive_leb: Path) -> None:
    full = pd.read_parquet(demo_data_dir() / "leb_panel.parquet")
    years, indicators = [2022, 2023, 2024, 2025], ["LEB_ECO01", "LEB_SRV01", "LEB_ENV02"]
    got = read_panel_rows(hive_leb / "leb_hive", years=years, indicators=indicators)
    want = full.loc[full["year"].isin(years) & full["indicator"].isin(indicators)]
    # 20 bodies × 3 indicators × 4 years
    assert len(got) == len(want) == 20 * 3 * 4
    assert sorted(got["year"].unique().tolist()) == years
    assert sorted(got["indicator"].unique().tolist()) == sorted(indicators)
    key = ["entity", "indicator", "year"]
    merged = want.merge(got, on=key, suffixes=("_want", "_got"), validate="one_to_one")
    assert len(merged) == len(want)
    pd.testing.assert_series_equal(merged["value_want"], merged["value_got"], check_names=False)


def test_partitions_not_needed_are_never_opened(hive_leb: Path) -> None:
    # garbage in the 2015 partition: harmless unless that partition is read
    part = next((hive_leb / "leb_hive" / "year=2015").iterdir())
    part.write_bytes(b"this is not parquet" * 10)
    got = read_panel_rows(hive_leb / "leb_hive", years=[2022, 2025])
    assert sorted(got["year"].unique().tolist()) == [2022, 2025]
    with pytest.raises(PanelError, match=r"cannot read parquet file .*leb_hive"):
        read_panel_rows(hive_leb / "leb_hive", years=[2015, 2016])


def test_run_on_partitioned_dataset_equals_run_on_file(hive_leb: Path, tmp_path: Path) -> None:
    run_batch(_local_config(hive_leb, panel="leb_hive"), output=tmp_path / "hive")
    run_batch(_local_config(tmp_path / "file"), output=tmp_path / "file_out")
    a = pd.read_parquet(tmp_path / "hive" / "2025" / "gpi_local_scores.parquet")
    b = pd.read_parquet(tmp_path / "file_out" / "2025" / "gpi_local_scores.parquet")
    assert len(a) == 20
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("missing", [2024, 2022])  # inside the window 2022–2025; 2022 is its start
def test_missing_window_partition_is_a_clear_error(
    hive_leb: Path, missing: int, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.rmtree(hive_leb / "leb_hive" / f"year={missing}")
    cfg = _local_config(hive_leb, panel="leb_hive")
    status = main(["run", str(cfg), "--out", str(hive_leb.parent / "out"), "--quiet"])
    err = capsys.readouterr().err
    assert status == 1
    assert f"missing partition(s) 'year={missing}'" in err
    assert "leb_hive" in err
    assert not (hive_leb.parent / "out").exists()  # nothing written, no empty folder left


def test_partition_outside_the_window_is_not_required(hive_leb: Path, tmp_path: Path) -> None:
    shutil.rmtree(hive_leb / "leb_hive" / "year=2021")  # T = 2025 needs 2022–2025 only
    out = run_batch(_local_config(hive_leb, panel="leb_hive"), output=tmp_path / "out")
    assert ("gpi", "local", 2025) in out.results


def test_csv_panel_reads_like_parquet(tmp_path: Path) -> None:
    full = pd.read_parquet(demo_data_dir() / "leb_panel.parquet")
    full.to_csv(tmp_path / "leb.csv", index=False)
    got = read_panel_rows(tmp_path / "leb.csv", years=[2025], indicators=["LEB_ECO01"])
    want = full.loc[(full["year"] == 2025) & (full["indicator"] == "LEB_ECO01")]
    assert len(got) == len(want) == 20
    assert got["value"].tolist() == want["value"].tolist()


# --------------------------------------------------------------------------- bad inputs


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_corrupted_parquet_is_a_clear_error(
    tmp_path: Path, damage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = _local_config(tmp_path)
    panel = tmp_path / "leb_panel.parquet"
    data = panel.read_bytes()
    panel.write_bytes(b"\x00garbage\xff" * 100 if damage == "garbage" else data[: len(data) // 2])
    status = main(["run", str(cfg), "--out", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith("govindex run: error:")
    assert "[gpi.local] cannot read parquet file" in err and "leb_panel.parquet" in err
    assert "Traceback" not in err


def test_missing_panel_column_is_named(tmp_path: Path) -> None:
    cfg = _local_config(tmp_path)
    frame = pd.read_parquet(tmp_path / "leb_panel.parquet").drop(columns="value")
    frame.to_parquet(tmp_path / "leb_panel.parquet")
    with pytest.raises(PanelError, match=r"\[gpi.local\] .*missing required column\(s\) 'value'"):
        run_batch(cfg, output=tmp_path / "out")


def test_duplicate_rows_stop_the_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = _local_config(tmp_path)
    frame = pd.read_parquet(tmp_path / "leb_panel.parquet")
    dup = frame.loc[
        (frame["entity"] == "R02") & (frame["indicator"] == "LEB_LAB01") & (frame["year"] == 2024)
    ]
    pd.concat([frame, dup], ignore_index=True).to_parquet(tmp_path / "leb_panel.parquet")
    assert main(["run", str(cfg), "--out", str(tmp_path / "out"), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "[gpi.local]" in err and "R02" in err and "LEB_LAB01" in err


# --------------------------------------------------------------------------- interrupted writes


@pytest.fixture
def first_run(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes]]:
    """A finished run (window 3) and a configuration whose results differ (window 2)."""
    run_batch(_local_config(tmp_path / "in"), output=tmp_path / "out")
    second = _local_config(tmp_path / "in2", window=2)
    return tmp_path / "out", second, _tree_bytes(tmp_path / "out")


def test_second_run_really_changes_the_files(
    first_run: tuple[Path, Path, dict[str, bytes]], tmp_path: Path
) -> None:
    # guard for the two tests below: without an interruption, every result file changes
    _, second, before = first_run
    run_batch(second, output=tmp_path / "check")
    after = _tree_bytes(tmp_path / "check")
    assert sorted(after) == sorted(before)
    assert all(after[name] != before[name] for name in before)


def test_disk_full_mid_write_leaves_previous_results_intact(
    first_run: tuple[Path, Path, dict[str, bytes]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out, second, before = first_run
    real_write = pq.write_table
    calls = {"n": 0}

    def failing_write(table: object, where: object, **kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == 3:  # the third table: two are already complete
            buf = io.BytesIO()
            real_write(table, buf, **kwargs)
            where.write(buf.getvalue()[:100])  # type: ignore[attr-defined]
            raise OSError(28, "No space left on device")
        real_write(table, where, **kwargs)

    monkeypatch.setattr(pq, "write_table", failing_write)
    status = main(["run", str(second), "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert calls["n"] == 3
    assert status == 1
    assert "No space left on device" in err
    assert _tree_bytes(out) == before  # byte-identical, and no temporary file or folder left


def test_ctrl_c_inside_a_temp_file_write_leaves_previous_results_intact(
    first_run: tuple[Path, Path, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    out, second, before = first_run
    real_fsync = os.fsync
    calls = {"n": 0}

    def interrupted_fsync(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == 2:  # the second file's bytes are in its temporary file, not yet renamed
            raise KeyboardInterrupt
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", interrupted_fsync)
    with pytest.raises(KeyboardInterrupt):
        run_batch(second, output=out)
    assert calls["n"] == 2
    assert _tree_bytes(out) == before
    assert not list(out.rglob("*.tmp"))


def test_failure_in_a_later_index_keeps_earlier_results(tmp_path: Path) -> None:
    # gpi.local succeeds, then gpi.broken fails: nothing of the second run may be visible
    cfg = _local_config(tmp_path / "in")
    run_batch(cfg, output=tmp_path / "out")
    before = _tree_bytes(tmp_path / "out")
    (tmp_path / "in" / "broken.parquet").write_bytes(b"not parquet")
    text = cfg.read_text().replace("window = 3", "window = 2")
    cfg.write_text(
        text + '\n[gpi.broken]\npanel = "broken.parquet"\ncatalog = "leb_catalog.csv"\n'
    )
    with pytest.raises(
        PanelError, match=r"\[gpi.broken\] cannot read parquet file .*broken\.parquet"
    ):
        run_batch(cfg, output=tmp_path / "out")
    assert _tree_bytes(tmp_path / "out") == before


NPI_SECTION = """\
# run configuration on a copy of the SYNTHETIC demo data
[run]
years = {years}

[npi.dmo]
panel = "npi_panel.parquet"
catalog = "npi_catalog.csv"
country = "{country}"
reference = "OECD"
"""


@pytest.mark.parametrize(
    ("config", "error", "message"),
    [  # errors raised while computing (not reading) an index name its section first
        (NPI_SECTION.format(years=2030, country="DMO"), PanelError,
         r"^\[npi\.dmo\] assessment year 2030 is outside the panel's years \(2010–2025\)$"),
        (NPI_SECTION.format(years=2025, country="XX"), PanelError,
         r"^\[npi\.dmo\] entit\(y/ies\) 'XX' not in the panel$"),
        (LOCAL_ONLY.format(years=2025, window=3, panel="leb_panel.parquet")
         + 'roots = ["NOPE"]\n', MethodError, r"^\[gpi\.local\] unknown root\(s\) 'NOPE'"),
    ],
)  # fmt: skip
def test_errors_while_computing_name_the_section(
    tmp_path: Path, config: str, error: type[Exception], message: str
) -> None:
    for name in ("npi_panel.parquet", "npi_catalog.csv", "leb_panel.parquet", "leb_catalog.csv"):
        shutil.copyfile(demo_data_dir() / name, tmp_path / name)
    (tmp_path / "run.toml").write_text(config, encoding="utf-8")
    with pytest.raises(error, match=message):
        run_batch(tmp_path / "run.toml", output=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_every_error_of_a_section_starts_with_its_name(tmp_path: Path) -> None:
    # one form, "[gpi.local] <message>", whether the configuration, a file the section reads
    # or the computation is wrong; the error keeps its class (a catalog error is a CatalogError)
    cfg = _local_config(tmp_path)
    text = cfg.read_text(encoding="utf-8")
    cfg.write_text(text + "windw = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^run\.toml: \[gpi\.local\] unknown key\(s\) 'windw'"):
        run_batch(cfg, output=tmp_path / "out")
    catalog = (tmp_path / "leb_catalog.csv").read_text(encoding="utf-8").splitlines()
    header = catalog[0].split(",")
    row = catalog[2].split(",")
    row[header.index("direction")] = "7"
    catalog[2] = ",".join(row)
    (tmp_path / "leb_catalog.csv").write_text("\n".join(catalog) + "\n", encoding="utf-8")
    cfg.write_text(text, encoding="utf-8")
    with pytest.raises(
        CatalogError, match=r"^\[gpi\.local\] leb_catalog\.csv: direction must be 1 or -1"
    ):
        run_batch(cfg, output=tmp_path / "out")
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- progress


def test_progress_is_quiet_when_not_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_batch(_local_config(tmp_path), output=tmp_path / "out")  # progress=None: only on a TTY
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("tqdm", [True, False], ids=["tqdm", "plain"])
def test_progress_enabled_writes_a_bar(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tqdm: bool,
) -> None:
    if tqdm:
        pytest.importorskip("tqdm")
    else:
        monkeypatch.setitem(sys.modules, "tqdm", None)  # not installed: the plain bar
    run_batch(_local_config(tmp_path, years='"2024:2025"'), output=tmp_path / "out", progress=True)
    err = capsys.readouterr().err
    # two steps (GPI local for 2024 and 2025): "1/2" then "2/2", the bar full at the end
    assert "govindex run test (SYNTHETIC data)" in err
    assert "1/2" in err and "2/2" in err
    assert ("100%" if tqdm else "█" * 28) in err and err.endswith("\n")


def test_progress_class_follows_isatty_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    class FakeTTY(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setitem(sys.modules, "tqdm", None)  # the plain bar, whose format is known
    monkeypatch.delenv("CI", raising=False)
    assert Progress(1, stream=FakeTTY()).enabled
    monkeypatch.setenv("CI", "1")  # silent in CI unless asked
    assert not Progress(1, stream=FakeTTY()).enabled
    assert Progress(1, stream=FakeTTY(), enabled=True).enabled
    monkeypatch.delenv("CI")
    quiet, tty = io.StringIO(), FakeTTY()
    for stream in (quiet, tty):
        bar = Progress(4, "job", stream=stream)
        for _ in range(4):
            bar.step("x")
    assert quiet.getvalue() == ""
    # 4 steps on a 28-wide bar: after step 1, 7 cells are filled; the last update is full
    assert "[" + "█" * 7 + "·" * 21 + "] 1/4" in tty.getvalue()
    assert "[" + "█" * 28 + "] 4/4" in tty.getvalue()
