"""Tests of govindex.analysis.quality (``govindex validate``): the planted troubles of the SYNTHETIC
demo data (data/indicators/README.md), duplicates, unknown codes, and the robust z-score of
year-on-year changes checked against hand calculations and a pandas oracle."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from govindex.analysis.quality import JUMP_THRESHOLD, jump_scores, quality_report
from govindex.cli import main
from govindex.datasets import demo_config_path, demo_data_dir

LOCAL_ONLY = """\
[run]
name = "test (SYNTHETIC data)"
years = 2025

[gpi.local]
panel = "{panel}"
catalog = "leb_catalog.csv"
"""


def _local(folder: Path, frame: pd.DataFrame | None = None) -> Path:
    """A GPI-local configuration on a copy (optionally modified) of the SYNTHETIC LEB panel."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(demo_data_dir() / "leb_catalog.csv", folder / "leb_catalog.csv")
    if frame is None:
        shutil.copyfile(demo_data_dir() / "leb_panel.parquet", folder / "leb_panel.parquet")
    else:
        frame.to_parquet(folder / "leb_panel.parquet", index=False)
    (folder / "run.toml").write_text(
        LOCAL_ONLY.format(panel="leb_panel.parquet"), encoding="utf-8"
    )
    return folder / "run.toml"


def _leb() -> pd.DataFrame:
    return pd.read_parquet(demo_data_dir() / "leb_panel.parquet")


# --------------------------------------------------------------------------- demo data


@pytest.fixture(scope="module")
def demo_report():  # type: ignore[no-untyped-def]
    return quality_report(demo_config_path())


def test_demo_report_is_ok_and_lists_the_planted_gaps(demo_report) -> None:  # type: ignore[no-untyped-def]
    assert demo_report.ok and demo_report.errors == []
    assert len(demo_report.duplicates) == 0
    gaps = demo_report.gaps
    local = {
        tuple(r)
        for r in gaps.loc[
            gaps["source"] == "gpi.local", ["entity", "indicator", "year"]
        ].to_numpy()
    }
    # README "planted troubles" #1–#3: the only missing LEB values inside the window 2022–2025
    assert local == {
        ("R05", "LEB_HLT04", 2022), ("R05", "LEB_HLT04", 2023), ("R05", "LEB_HLT04", 2024),
        ("R10", "LEB_SOC02", 2022),
        ("R13", "LEB_ENV02", 2025),
    }  # fmt: skip
    central = {
        tuple(r)
        for r in gaps.loc[
            gaps["source"] == "gpi.central", ["entity", "indicator", "year"]
        ].to_numpy()
    }
    # #6: MIND's series start in 2024 (2022 and 2023 missing); #7: MTRN_03 2025 missing
    assert central == {("MIND", f"MIND_0{k}", y) for k in range(1, 7) for y in (2022, 2023)} | {
        ("MTRN", "MTRN_03", 2025)
    }


def test_demo_coverage_per_body_by_hand(demo_report) -> None:  # type: ignore[no-untyped-def]
    cov = demo_report.coverage_entities
    local = cov.loc[cov["source"] == "gpi.local"].set_index("entity")
    assert len(local) == 20
    # 50 indicators × 4 years = 200 cells per body; R05 misses 3, R10 and R13 one each
    assert local.loc["R05", "coverage"] == pytest.approx(197 / 200)
    assert local.loc["R10", "coverage"] == pytest.approx(199 / 200)
    assert local.loc["R13", "coverage"] == pytest.approx(199 / 200)
    assert local.loc["R05", "missing_cells"] == 3
    assert (local.drop(index=["R05", "R10", "R13"])["coverage"] == 1.0).all()
    ind = demo_report.coverage_indicators.set_index(["source", "indicator"])
    # LEB_HLT04: 20 bodies × 4 years = 80 cells, 3 missing
    assert ind.loc[("gpi.local", "LEB_HLT04"), "coverage"] == pytest.approx(round(77 / 80, 4))
    # NPI_CO2 is missing for every entity in 2025 (planted #10); NPI needs 2015–2025 here
    assert ind.loc[("npi.npi", "NPI_CO2"), "missing_cells"] >= 40


def test_demo_report_text(demo_report) -> None:  # type: ignore[no-untyped-def]
    text = demo_report.to_text()
    assert "errors: none" in text
    assert "duplicated keys: 0 row(s)" in text
    assert f"gaps (missing cells in the years needed): {len(demo_report.gaps)} row(s)" in text


# --------------------------------------------------------------------------- errors


def test_duplicates_make_the_report_fail(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    frame = _leb()
    dup = frame.loc[
        (frame["entity"] == "R04") & (frame["indicator"] == "LEB_EDU03") & (frame["year"] == 2023)
    ]
    assert len(dup) == 1
    cfg = _local(
        tmp_path, pd.concat([frame, dup.assign(value=dup["value"] + 1)], ignore_index=True)
    )
    report = quality_report(cfg)
    assert not report.ok
    assert report.errors == ["[gpi.local] 2 rows share an (entity, indicator, year) key"]
    rows = report.duplicates
    assert len(rows) == 2
    assert (
        set(rows["entity"]) == {"R04"}
        and set(rows["indicator"]) == {"LEB_EDU03"}
        and set(rows["year"]) == {2023}
    )
    v = float(dup["value"].iloc[0])
    assert sorted(rows["value"]) == pytest.approx([v, v + 1])
    # through the CLI: exit status 1 and the rows in the printed report
    assert main(["validate", str(cfg)]) == 1
    out = capsys.readouterr().out
    assert "duplicated keys: 2 row(s)" in out
    assert "R04" in out and "LEB_EDU03" in out


def test_unknown_indicator_is_an_error(tmp_path: Path) -> None:
    frame = _leb()
    extra = frame.loc[(frame["year"] == 2025) & (frame["indicator"] == "LEB_ECO01")].iloc[:2]
    extra = extra.assign(indicator="LEB_XYZ99")  # two bodies, one new code
    report = quality_report(_local(tmp_path, pd.concat([frame, extra], ignore_index=True)))
    assert not report.ok
    assert report.errors == ["[gpi.local] indicator(s) not in the catalog: 'LEB_XYZ99'"]


def test_unreadable_panel_is_reported(tmp_path: Path) -> None:
    cfg = _local(tmp_path)
    (tmp_path / "leb_panel.parquet").write_bytes(b"garbage" * 50)
    report = quality_report(cfg)
    assert not report.ok
    assert len(report.errors) == 1
    assert (
        report.errors[0].startswith("[gpi.local] cannot read parquet file")
        and "leb_panel.parquet" in report.errors[0]
    )


def test_missing_window_partition_is_reported(tmp_path: Path) -> None:
    cfg = _local(tmp_path)
    table = pq.read_table(tmp_path / "leb_panel.parquet")
    ds.write_dataset(
        table,
        tmp_path / "hive",
        format="parquet",
        partitioning=["year"],
        partitioning_flavor="hive",
    )
    shutil.rmtree(tmp_path / "hive" / "year=2023")
    cfg.write_text(cfg.read_text().replace('"leb_panel.parquet"', '"hive"'))
    report = quality_report(cfg)
    assert not report.ok
    assert "missing partition(s) 'year=2023'" in report.errors[0]


# --------------------------------------------------------------------------- jumps


def test_planted_jump_is_flagged_like_a_pandas_oracle(tmp_path: Path) -> None:
    frame = _leb()
    cell = (
        (frame["entity"] == "R03") & (frame["indicator"] == "LEB_ECO02") & (frame["year"] == 2023)
    )
    frame.loc[cell, "value"] = frame.loc[cell, "value"] * 10
    report = quality_report(_local(tmp_path, frame))
    assert report.ok  # jumps are findings, not errors
    jumps = report.jumps.set_index(["entity", "indicator", "year"])
    # oracle: relative changes of LEB_ECO02 over the window years read (2022–2025), all bodies
    sub = frame.loc[(frame["indicator"] == "LEB_ECO02") & frame["year"].between(2022, 2025)]
    wide = sub.pivot(index="entity", columns="year", values="value")
    changes = ((wide.diff(axis=1) / wide.shift(axis=1).abs()).iloc[:, 1:]).to_numpy()
    assert changes.shape == (20, 3)
    med = np.median(changes)
    scale = max(1.4826 * np.median(np.abs(changes - med)), 0.02)
    r03 = list(wide.index).index("R03")
    z_up = (changes[r03, 0] - med) / scale  # 2022 → 2023: ×10
    z_down = (changes[r03, 1] - med) / scale  # 2023 → 2024: back down
    assert z_up > JUMP_THRESHOLD and z_down < -JUMP_THRESHOLD
    assert jumps.loc[("R03", "LEB_ECO02", 2023), "robust_z"] == pytest.approx(z_up, abs=0.005)
    assert jumps.loc[("R03", "LEB_ECO02", 2024), "robust_z"] == pytest.approx(z_down, abs=0.005)
    assert jumps.loc[("R03", "LEB_ECO02", 2023), "to"] == pytest.approx(
        frame.loc[cell, "value"].iloc[0]
    )
    # sorted by |z|, largest first
    assert report.jumps["robust_z"].abs().is_monotonic_decreasing


def test_jump_scores_hand_calculation() -> None:
    # changes c (relative, year on year), 3 entities × 4 changes = 12 ≥ 10:
    #   e0: .1 .2 .3 .4   e1: .1 .2 .3 .4   e2: .2 .3 .1 5.0
    # sorted: .1 .1 .1 .2 .2 .2 .3 .3 .3 .4 .4 5.0 → median = (.2 + .3)/2 = .25
    # |c − .25|: .1 → .15 (×3), .2 → .05 (×3), .3 → .05 (×3), .4 → .15 (×2), 5.0 → 4.75
    #   sorted .05×6, .15×5, 4.75 → MAD = (6th + 7th)/2 = (.05 + .15)/2 = .1
    # scale = max(1.4826 × .1, .02) = .14826;  z(5.0) = (5.0 − .25)/.14826 = 32.0383…
    rates = np.array([[0.1, 0.2, 0.3, 0.4], [0.1, 0.2, 0.3, 0.4], [0.2, 0.3, 0.1, 5.0]])
    values = (
        100 * np.concatenate([np.ones((3, 1)), np.cumprod(1 + rates, axis=1)], axis=1)[:, None, :]
    )
    z = jump_scores(values)
    assert z.shape == (3, 1, 4)
    assert z[2, 0, 3] == pytest.approx((5.0 - 0.25) / 0.14826, rel=1e-9)
    assert z[0, 0, 0] == pytest.approx((0.1 - 0.25) / 0.14826, rel=1e-9)
    assert z[2, 0, 2] == pytest.approx((0.1 - 0.25) / 0.14826, rel=1e-9)


def test_jump_scores_zero_mad_floor_and_too_few() -> None:
    # a series that rarely moves: 100 eleven times, then 150 → changes 0 (×11) and +50 %;
    # median 0, MAD 0 → mean absolute deviation (.5/12 = .041667) × 1.2533 = .052221
    # (still above the 2 % floor);  z = .5 / .052221 = 9.5747…
    x = np.array([100.0] * 12 + [150.0])
    z = jump_scores(x[None, None, :])
    assert z[0, 0, 11] == pytest.approx(0.5 / (1.2533 * 0.5 / 12), rel=1e-9)
    assert z[0, 0, 0] == 0.0
    # very smooth series: changes 1.00 %, 1.01 %, … → MAD tiny, the 2 % floor applies
    smooth = 0.01 + 0.0001 * np.arange(12)
    y = 10 * np.concatenate([[1.0], np.cumprod(1 + smooth)])
    zs = jump_scores(y[None, None, :])
    # median = (1.05 % + 1.06 %)/2 = 1.055 %; MAD = (.025 % + .035 %)/2 = .03 %
    #   → 1.4826 × .0003 = .00044 < .02: the floor is the scale
    med = 0.01055
    assert zs[0, 0, 11] == pytest.approx((smooth[11] - med) / 0.02, rel=1e-9)
    # 9 changes (< 10) → no score at all; a zero start value gives no change
    short = jump_scores(np.arange(1.0, 11.0)[None, None, :])
    assert np.isnan(short).all()
    zero = np.concatenate([[0.0], np.arange(1.0, 13.0)])
    assert np.isnan(jump_scores(zero[None, None, :])[0, 0, 0])
