"""Tests of govindex.io.diff (``govindex diff OLD NEW``): two runs on copies of the SYNTHETIC
demo data, the second with one revised input value (R03 × LEB_ECO01, 2025) and changed method
parameters; deltas and contributions are checked against the Parquet files and by hand."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from govindex.cli import main
from govindex.datasets import demo_data_dir
from govindex.exceptions import ConfigError
from govindex.io.batch import run_batch
from govindex.io.diff import RunDiff, diff_runs

CONFIG = """\
[run]
name = "diff test (SYNTHETIC data)"
years = 2025

[gpi.local]
panel = "leb_panel.parquet"
catalog = "leb_catalog.csv"
window = 3
alpha = {alpha}

[gpi.central]
panel = "cgb_panel.parquet"
catalog = "cgb_catalog.csv"
window = {window}
"""

#: R03 × LEB_ECO01 in the demo panel: 3322.3 (2022) → 3740.2 (2025). The revision sets 2025 to
#: 3322.3 × 1.02³ so that g = 2 %/yr exactly and the progress score is 50 + 50 × .02/.05 = 70.
START, END = 3322.3, 3740.2
REVISED = START * 1.02**3


def _inputs(folder: Path, *, window: int, alpha: float, revise: bool) -> Path:
    folder.mkdir(parents=True)
    for f in ("leb_panel.parquet", "leb_catalog.csv", "cgb_panel.parquet", "cgb_catalog.csv"):
        shutil.copyfile(demo_data_dir() / f, folder / f)
    if revise:
        frame = pd.read_parquet(folder / "leb_panel.parquet")
        cell = (
            (frame["entity"] == "R03")
            & (frame["indicator"] == "LEB_ECO01")
            & (frame["year"] == 2025)
        )
        assert frame.loc[cell, "value"].tolist() == [END]
        frame.loc[cell, "value"] = REVISED
        frame.to_parquet(folder / "leb_panel.parquet", index=False)
    (folder / "run.toml").write_text(CONFIG.format(window=window, alpha=alpha), encoding="utf-8")
    return folder / "run.toml"


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    tmp = tmp_path_factory.mktemp("diff")
    run_batch(_inputs(tmp / "old_in", window=3, alpha=0.05, revise=False), output=tmp / "old")
    run_batch(_inputs(tmp / "same_in", window=3, alpha=0.05, revise=False), output=tmp / "same")
    run_batch(_inputs(tmp / "new_in", window=2, alpha=0.1, revise=True), output=tmp / "new")
    return tmp / "old", tmp / "new", tmp / "same"


@pytest.fixture(scope="module")
def d(runs: tuple[Path, Path, Path]) -> RunDiff:
    return diff_runs(runs[0], runs[1])


def _scores(folder: Path, name: str) -> pd.Series:
    return pd.read_parquet(folder / "2025" / f"gpi_{name}_scores.parquet")["gpi"]


def test_only_the_revised_body_moves_in_the_local_gpi(
    d: RunDiff, runs: tuple[Path, Path, Path]
) -> None:
    local = d.scores.loc[(d.scores["index"] == "gpi") & (d.scores["name"] == "local")].set_index(
        "entity"
    )
    assert len(local) == 20
    moved = local.loc[local["delta"].abs() > 1e-9]
    assert moved.index.tolist() == ["R03"]
    old, new = _scores(runs[0], "local"), _scores(runs[1], "local")
    assert moved.loc["R03", "delta"] == pytest.approx(new["R03"] - old["R03"], abs=1e-12)
    # by hand: g_old = (3740.2/3322.3)^(1/3) − 1 = 0.040283;
    #   s_old = 50 + 50 × min(g_old/.05, 1) = 90.283; s_new = 70; LEB_ECO01 has weight 2 of 8
    #   in LEB_ECO, one of 9 equal spheres → w = 2/8 × 1/9 = 1/36
    # R03 has every indicator scored, so ΔGPI = w × Δs = (70 − 90.283)/36 = −0.5634
    s_old = 50 + 50 * min(((END / START) ** (1 / 3) - 1) / 0.05, 1.0)
    assert moved.loc["R03", "delta"] == pytest.approx((70 - s_old) / 36, abs=1e-9)
    assert moved.loc["R03", "old"] == pytest.approx(old["R03"]) and moved.loc[
        "R03", "new"
    ] == pytest.approx(new["R03"])


def test_explanation_names_revised_indicator_and_changed_parameter(d: RunDiff) -> None:
    local = d.scores.loc[(d.scores["index"] == "gpi") & (d.scores["name"] == "local")].set_index(
        "entity"
    )
    text = str(local.loc["R03", "explanation"])
    assert "LEB_ECO01" in text and "(input revised)" in text
    assert "alpha" in text  # the method parameter changed in this index's configuration
    assert f"{(70 - 50 - 50 * min(((END / START) ** (1 / 3) - 1) / 0.05, 1.0)) / 36:+.2f}" in text
    # bodies whose score did not move carry no explanation
    unchanged = local.drop(index="R03")
    assert (unchanged.loc[unchanged["rank_change"].fillna(0) == 0, "explanation"] == "").all()


def test_contribution_is_weight_times_score_change(
    d: RunDiff, runs: tuple[Path, Path, Path]
) -> None:
    key = ["entity", "indicator"]
    a = pd.read_parquet(runs[0] / "2025" / "gpi_local_changes.parquet").set_index(key)
    b = pd.read_parquet(runs[1] / "2025" / "gpi_local_changes.parquet").set_index(key)
    drivers = d.drivers.loc[d.drivers["name"] == "local"].set_index(key)
    cell = ("R03", "LEB_ECO01")
    w_new, s_new = b.loc[[cell]][["weight", "score"]].to_numpy(dtype=float)[0]
    s_old = a.loc[[cell]]["score"].to_numpy(dtype=float)[0]
    contribution = drivers.loc[[cell]]["contribution"].to_numpy(dtype=float)[0]
    assert contribution == pytest.approx(w_new * (s_new - s_old), abs=1e-12)
    assert s_new == pytest.approx(70.0, abs=1e-9)
    assert w_new == pytest.approx(1 / 36)
    assert bool(drivers.loc[[cell]]["input_revised"].iloc[0])
    others = drivers.drop(index=("R03", "LEB_ECO01"))
    assert (others["contribution"].abs() < 1e-12).all()
    assert not others["input_revised"].any()


def test_method_changes_and_input_changes(d: RunDiff) -> None:
    rows = sorted(
        map(
            tuple,
            d.method_changes[["index", "name", "years", "parameter", "old", "new"]]
            .to_numpy()
            .tolist(),
        )
    )
    assert rows == [
        ("gpi", "central", "2025", "window", 3, 2),
        ("gpi", "local", "2025", "alpha", 0.05, 0.1),
    ]
    inputs = d.input_changes["input"].tolist()
    # only the local panel file was revised; the central window change reads other years of an
    # unchanged file, which the manifest's file checksums tell apart from a revision
    assert inputs == ["gpi.local.panel"]


def test_window_change_moves_central_bodies_without_claiming_revisions(
    d: RunDiff, runs: tuple[Path, Path, Path]
) -> None:
    central = d.scores.loc[
        (d.scores["index"] == "gpi") & (d.scores["name"] == "central")
    ].set_index("entity")
    old, new = _scores(runs[0], "central"), _scores(runs[1], "central")
    want = (new - old).dropna()
    assert (want.abs() > 1e-9).sum() > 10  # a 2-year window moves most bodies
    pd.testing.assert_series_equal(
        central.loc[want.index, "delta"], want, check_names=False, atol=1e-12
    )
    moved = central.loc[central["delta"].abs() > 1e-9]
    assert moved["explanation"].str.startswith("method changed (window)").all()
    # the window starts in 2023 instead of 2022: other years, not revised values
    drivers = d.drivers.loc[d.drivers["name"] == "central"]
    assert len(drivers) and not drivers["input_revised"].any()
    assert "(input revised)" not in " ".join(moved["explanation"])


def test_identical_runs_move_nothing(runs: tuple[Path, Path, Path]) -> None:
    same = diff_runs(runs[0], runs[2])
    assert len(same.scores) > 0
    assert same.moved().empty
    assert same.method_changes.empty and same.input_changes.empty
    assert (same.scores["delta"].fillna(0) == 0).all()
    assert same.to_text().startswith(f"0 of {len(same.scores)} scores moved")


def _as_older_scheme(run: Path, folder: Path) -> Path:
    """A copy of ``run`` whose manifest looks written before the panel fingerprint scheme was
    recorded: no ``fingerprint_scheme`` and other panel fingerprints for the same rows."""
    shutil.copytree(run, folder)
    manifest = json.loads((folder / "manifest.json").read_bytes())
    del manifest["fingerprint_scheme"]
    for section in manifest["fingerprints"].values():
        section["panel"] = hashlib.sha256(section["panel"].encode()).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def test_older_fingerprint_scheme_is_not_a_revision(
    runs: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    older = _as_older_scheme(runs[0], tmp_path / "older")
    same = diff_runs(older, runs[2])  # the same rows and files, another fingerprint scheme
    assert same.input_changes.empty and same.moved().empty
    assert len(same.notes) == 1
    assert "fingerprint scheme changed with the govindex version" in same.notes[0]
    assert "frame-sha256" in same.notes[0] and "govindex-rows-1" in same.notes[0]
    assert same.notes[0] in same.to_text() and same.provenance["notes"] == list(same.notes)
    # a revised file is still a revision (judged by the file's SHA-256 alone)
    revised = diff_runs(older, runs[1])
    assert revised.input_changes["input"].tolist() == ["gpi.local.panel"]
    assert diff_runs(runs[0], runs[2]).notes == ()  # one scheme: no note


def test_cli_diff(runs: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(runs[0]), str(runs[1]), "--rows", "100"]) == 0
    out = capsys.readouterr().out
    assert "inputs revised:" in out and "gpi.local.panel" in out
    assert (
        "gpi.central (2025): window 3 → 2" in out and "gpi.local (2025): alpha 0.05 → 0.1" in out
    )
    assert "R03" in out


def test_not_a_run_folder(
    tmp_path: Path, runs: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(ConfigError, match=r"is not a govindex run output \(no manifest\.json\)"):
        diff_runs(tmp_path, runs[0])
    assert main(["diff", str(runs[0]), str(tmp_path)]) == 1
    assert "no manifest.json" in capsys.readouterr().err


LOCAL_ONLY = """\
[run]
name = "years test (SYNTHETIC data)"
years = "{years}"

[gpi.local]
panel = "leb_panel.parquet"
catalog = "leb_catalog.csv"
window = {window}
"""


def _local_run(tmp: Path, label: str, years: str, window: int) -> Path:
    folder = tmp / f"{label}_in"
    folder.mkdir()
    for f in ("leb_panel.parquet", "leb_catalog.csv"):
        shutil.copyfile(demo_data_dir() / f, folder / f)
    (folder / "run.toml").write_text(LOCAL_ONLY.format(years=years, window=window), "utf-8")
    run_batch(folder / "run.toml", output=tmp / label, progress=False)
    return tmp / label


@pytest.mark.slow
def test_runs_of_other_years_compare_only_the_years_both_hold(tmp_path: Path) -> None:
    # the same data and method over 2024–2025 and over 2025 alone: nothing moved; 2024 is in
    # the old run only and is listed as such, never as a score that moved to "no score"
    both = _local_run(tmp_path, "both", "2024:2025", 3)
    last = _local_run(tmp_path, "last", "2025", 3)
    d = diff_runs(both, last)
    assert d.moved().empty and d.method_changes.empty
    assert set(d.scores["year"]) == {2025} and len(d.scores) == 20  # the 20 regions of 2025
    assert d.unmatched.to_dict("records") == [
        {"index": "gpi", "name": "local", "year": 2024, "only_in": "old"}
    ]
    text = d.to_text()
    assert text.startswith("0 of 20 scores moved")
    assert "gpi.local 2024: only in the old run" in text and "→ None" not in text
    # a window change over two years is one method change, with its years
    wider = _local_run(tmp_path, "wider", "2024:2025", 4)
    d = diff_runs(both, wider)
    assert d.method_changes[["parameter", "years", "old", "new"]].values.tolist() == [
        ["window", "2024, 2025", 3, 4]
    ]
    assert d.to_text().count("window 3 → 4") == 1
