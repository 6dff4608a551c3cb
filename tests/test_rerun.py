"""Re-runs that reuse unchanged sections (``govindex.io.rerun``), on a copy of the SYNTHETIC
demo data.

Checked against things outside the code under test: the bytes of a full run of the same
configuration (a reused run must write the very same folder), the files' SHA-256 computed
here with hashlib, and inputs changed here by hand (one value of a Parquet panel, one byte
of a result file, the window in the configuration).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from govindex.cli import main
from govindex.datasets import demo_config_path, demo_data_dir
from govindex.exceptions import PanelError
from govindex.io.batch import run_batch
from govindex.io.config import read_config
from govindex.io.rerun import previous_run

SECTIONS = ["gpi.central", "gpi.local", "npi.npi"]


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _copy_demo(tmp_path: Path, *, operational: bool) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(demo_data_dir(), folder)
    text = demo_config_path().read_text(encoding="utf-8")
    if not operational:  # the GPI and NPI sections only (the ones that can be reused)
        text = text[: text.index("[operational.")]
    (folder / "run.toml").write_text(text, encoding="utf-8")
    return folder / "run.toml"


@pytest.fixture()
def demo(tmp_path: Path) -> Path:
    """A copy of the demo data and of its GPI and NPI sections (inputs the test may change)."""
    return _copy_demo(tmp_path, operational=False)


@pytest.fixture()
def full(demo: Path, tmp_path: Path) -> dict[str, bytes]:
    """The bytes of a full run of the demo configuration (no previous run, no reuse)."""
    run_batch(demo, output=tmp_path / "full")
    return _tree(tmp_path / "full")


def test_rerun_reuses_every_index_section_and_writes_the_same_folder(tmp_path: Path) -> None:
    demo = _copy_demo(tmp_path, operational=True)  # operational sections are computed again
    run_batch(demo, output=tmp_path / "full")
    full = _tree(tmp_path / "full")
    out = tmp_path / "out"
    first = run_batch(demo, output=out, reuse=True)  # nothing to reuse yet
    assert first.reused == []
    assert _tree(out) == full
    again = run_batch(demo, output=out, reuse=True)
    assert sorted(again.reused) == SECTIONS
    assert _tree(out) == full  # byte for byte a full run, manifest included
    # the reused sections were not computed: no results; the operational ones were
    assert sorted({key[0] for key in again.results}) == ["operational", "recommendations"]
    assert len(again.files) == len(first.files)
    manifest = json.loads((out / "manifest.json").read_bytes())
    assert manifest["notes"] == first.notes == again.notes
    assert set(manifest["section_notes"]) == set(SECTIONS)


def test_changed_panel_file_is_computed_again(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_batch(demo, output=out)
    panel = demo.parent / "leb_panel.parquet"
    table = pq.read_table(panel)
    value = table["value"].to_numpy(zero_copy_only=False).copy()
    value[0] = value[0] * 1.5  # one observation revised
    col = table.schema.get_field_index("value")
    pq.write_table(table.set_column(col, "value", pa.array(value)), panel)
    again = run_batch(demo, output=out, reuse=True)
    assert sorted(again.reused) == ["gpi.central", "npi.npi"]
    assert ("gpi", "local", 2025) in again.results
    digest = hashlib.sha256(panel.read_bytes()).hexdigest()
    manifest = json.loads((out / "manifest.json").read_bytes())
    assert manifest["fingerprints"]["gpi.local"]["panel_file"] == digest
    # the folder is the one a full run on the revised inputs writes
    run_batch(demo, output=tmp_path / "full")
    assert _tree(out) == _tree(tmp_path / "full")


def test_edited_result_file_and_changed_method_are_computed_again(
    demo: Path, tmp_path: Path, full: dict[str, bytes]
) -> None:
    out = tmp_path / "out"
    run_batch(demo, output=out)
    scores = out / "2025" / "gpi_local_scores.parquet"
    blob = bytearray(scores.read_bytes())
    blob[len(blob) // 2] ^= 1  # one bit of a result file changed since the run
    scores.write_bytes(bytes(blob))
    again = run_batch(demo, output=out, reuse=True)
    assert sorted(again.reused) == ["gpi.central", "npi.npi"]
    assert _tree(out) == full  # the edited file is replaced by a computed one
    text = demo.read_text(encoding="utf-8")
    demo.write_text(text.replace("window = 3", "window = 2", 1), encoding="utf-8")
    changed = run_batch(demo, output=out, reuse=True)
    assert sorted(changed.reused) == ["gpi.central", "npi.npi"]  # [gpi.local] has window 2
    assert ("gpi", "local", 2025) in changed.results


def test_other_run_name_years_or_version_is_not_reused(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_batch(demo, output=out)
    assert run_batch(demo, output=out, years=[2024, 2025], reuse=True).reused == []
    text = demo.read_text(encoding="utf-8")
    demo.write_text(text.replace('name = "demo', 'name = "other demo', 1), encoding="utf-8")
    assert run_batch(demo, output=out, reuse=True).reused == []
    previous = previous_run(out)
    assert previous is not None
    manifest = previous.manifest
    config, rel = manifest["config"], "2025/gpi_local_scores.parquet"
    inputs = {k: v for k, v in manifest["fingerprints"]["gpi.local"].items() if k[-5:] == "_file"}
    args = ("gpi", "local", inputs, [rel])
    assert previous.section(config, manifest["govindex_version"], *args) is not None
    assert previous.section(config, "0.0.0-other", *args) is None


def test_run_of_the_older_fingerprint_scheme_is_not_reused(demo: Path, tmp_path: Path) -> None:
    # a run of the same version string whose manifest records no fingerprint scheme (a build
    # from before govindex-rows-1): copying its panel fingerprints would mix two schemes
    out = tmp_path / "out"
    run_batch(demo, output=out)
    manifest = json.loads((out / "manifest.json").read_bytes())
    assert manifest["fingerprint_scheme"] == {"panel": "govindex-rows-1"}
    del manifest["fingerprint_scheme"]
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert run_batch(demo, output=out, reuse=True).reused == []
    assert sorted(run_batch(demo, output=out, reuse=True).reused) == SECTIONS


def test_unreadable_manifest_means_a_full_run(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_batch(demo, output=out)
    (out / "manifest.json").write_text("{not json", encoding="utf-8")
    assert previous_run(out) is None
    assert run_batch(demo, output=out, reuse=True).reused == []


def test_cli_reuses_and_says_so_unless_recompute(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = str(tmp_path / "out")
    assert main(["run", str(demo), "--out", out]) == 0
    assert "reused" not in capsys.readouterr().out
    assert main(["run", str(demo), "--out", out]) == 0
    said = capsys.readouterr().out
    assert "reused from the previous run" in said
    assert all(s in said for s in SECTIONS)
    assert main(["run", str(demo), "--out", out, "--recompute"]) == 0
    assert "reused" not in capsys.readouterr().out


def test_reused_files_match_the_previous_manifest(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run_batch(demo, output=out)
    again = run_batch(demo, output=out, reuse=True)
    manifest = json.loads((out / "manifest.json").read_bytes())
    for path in again.files:
        rel = path.relative_to(out).as_posix()
        assert hashlib.sha256((out / rel).read_bytes()).hexdigest() == manifest["files"][rel]
    # the rows of a reused table are there (not an empty placeholder)
    scores = pq.read_table(out / "2025" / "gpi_local_scores.parquet")
    assert scores.num_rows == len(first.results[("gpi", "local", 2025)].scores) > 0


def test_results_let_go_write_the_same_files(demo: Path, tmp_path: Path) -> None:
    out = run_batch(demo, output=tmp_path / "out", years="2024:2025", keep_results=False)
    assert out.results == {}  # GPI and NPI written, then let go (the demo has no operational)
    kept = run_batch(demo, output=tmp_path / "kept", years="2024:2025")
    assert len(kept.results) == 6
    assert _tree(tmp_path / "out") == _tree(tmp_path / "kept")
    assert {p.name for p in out.files} == {p.name for p in kept.files}


def test_missing_input_file_is_named_when_reusing(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_batch(demo, output=out)
    config = read_config(demo)  # the file disappears after the configuration was read
    (demo.parent / "leb_panel.parquet").unlink()
    with pytest.raises(PanelError, match=r"^\[gpi\.local\] file not found: .*leb_panel"):
        run_batch(config, output=out, reuse=True)
