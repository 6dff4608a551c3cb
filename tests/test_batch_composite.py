"""``[composite.<name>]`` sections of a batch run (``govindex.io._batch_composite``).

SYNTHETIC data made here: five entities (four units and one total), three indicators
under two roots, years 2023–2026. Checked against things outside the batch code: the
public :func:`govindex.compute_index` called on the whole panel file, a min–max score
worked out by hand, the bytes of a full run, and inputs changed here by hand.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from govindex import compute_index
from govindex.exceptions import ConfigError, GovindexWarning
from govindex.io.batch import run_batch
from govindex.io.config import RunConfig, read_config
from govindex.io.diff import diff_runs
from govindex.io.read import read_catalog, read_entities, read_panel
from govindex.io.run_folder import read_run
from govindex.operational.audit import verify_results

UNITS = ["A", "B", "C", "D"]
YEARS = [2023, 2024, 2025, 2026]


def _panel() -> pd.DataFrame:
    """x1 of entity k in year t is 10·k + t − 2023 (k = 1..4; the total: 25 + t − 2023);
    x2 and y1 are other simple series. y1 of B is missing in 2025 (imputation)."""
    rows = []
    for k, e in enumerate([*UNITS, "ALL"], start=1):
        base = 25.0 if e == "ALL" else 10.0 * k
        for t in YEARS:
            rows.append((e, "x1", t, base + (t - 2023)))
            rows.append((e, "x2", t, 100.0 - base + 2 * (t - 2023)))
            if not (e == "B" and t == 2025):
                rows.append((e, "y1", t, base * (1 + (t - 2023) / 10)))
    return pd.DataFrame(rows, columns=["entity", "indicator", "year", "value"])


CATALOG = """\
code,parent,direction,weight
R1,,,
x1,R1,1,1
x2,R1,-1,1
R2,,,
y1,R2,1,1
"""

ENTITIES = """\
code,kind,name_en
A,region,SYNTHETIC A
B,region,SYNTHETIC B
C,region,SYNTHETIC C
D,region,SYNTHETIC D
ALL,total,SYNTHETIC total
"""

CONFIG = """\
[run]
name = "composite test (SYNTHETIC data)"
years = "2024:2025"

[composite.plain]
panel = "panel.parquet"
catalog = "catalog.csv"
entities = "entities.csv"

[composite.locf]
panel = "panel.parquet"
catalog = "catalog.csv"
normalization = "zscore"
imputation = {method = "locf", max_gap = 1}
exclude = ["ALL"]

[composite.linear]
panel = "panel.csv"
catalog = "catalog.csv"
imputation = {method = "linear"}
include = ["A", "B", "C"]
"""


def _inputs(folder: Path, config: str = CONFIG) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    panel = _panel()
    panel.to_parquet(folder / "panel.parquet", index=False)
    panel.to_csv(folder / "panel.csv", index=False)
    (folder / "catalog.csv").write_text(CATALOG, encoding="utf-8")
    (folder / "entities.csv").write_text(ENTITIES, encoding="utf-8")
    (folder / "run.toml").write_text(config, encoding="utf-8")
    return folder / "run.toml"


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, object]:
    folder = tmp_path_factory.mktemp("composite")
    config = _inputs(folder / "data")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GovindexWarning)
        out = run_batch(config, output=folder / "out")
    return config.parent, folder / "out", out


def _oracle(data: Path, section: str, year: int) -> dict[str, pd.DataFrame]:
    """The tables of ``compute_index`` on the WHOLE panel file (every year, 2026 too)."""
    catalog = read_catalog(data / "catalog.csv")
    panel = read_panel(data / "panel.parquet")
    options: dict[str, object] = {
        "plain": {"entity_table": read_entities(data / "entities.csv")},
        "locf": {
            "normalization": "zscore",
            "imputation": {"method": "locf", "max_gap": 1},
            "entities": UNITS,
        },
        "linear": {"imputation": {"method": "linear"}, "entities": ["A", "B", "C"]},
    }[section]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GovindexWarning)
        res = compute_index(panel, catalog, year=year, **options)  # type: ignore[arg-type]
    tables = {k.replace("_", "-"): v for k, v in res.tables().items()}
    return {**tables, "catalog": catalog.to_frame()}


@pytest.mark.parametrize("section", ["plain", "locf", "linear"])
@pytest.mark.parametrize("year", [2024, 2025])
def test_files_equal_compute_index_on_the_whole_panel(
    run: tuple[Path, Path, object], section: str, year: int
) -> None:
    data, out, _ = run
    expected = _oracle(data, section, year)
    written = sorted(p.name for p in (out / str(year)).glob(f"composite_{section}_*.parquet"))
    assert written == sorted(f"composite_{section}_{t}.parquet" for t in expected)
    for table, frame in expected.items():
        stored = pd.read_parquet(out / str(year) / f"composite_{section}_{table}.parquet")
        pd.testing.assert_frame_equal(stored, frame, check_index_type=False)


def test_minmax_scores_by_hand(run: tuple[Path, Path, object]) -> None:
    _, out, _ = run
    scores = pd.read_parquet(out / "2025" / "composite_plain_scores.parquet")
    # x1 in 2025 over the units (the total is a reference row, not in the min and max):
    # A 12, B 22, C 32, D 42 -> 0, 33.3, 66.7, 100; x2 = 100 - 10k + 4 runs the other way
    # and has direction -1: the same scores. R1 = their mean.
    assert scores.loc[["A", "B", "C", "D"], "x1"].tolist() == pytest.approx(
        [0, 100 / 3, 200 / 3, 100]
    )
    assert scores.loc[["A", "B", "C", "D"], "R1"].tolist() == pytest.approx(
        [0, 100 / 3, 200 / 3, 100]
    )
    # the total (x1 = 27) is scored with the units' min and max: (27 - 12) / 30
    assert scores.loc["ALL", "x1"] == pytest.approx(50.0)
    # y1 of B is missing in 2025 and not imputed in this section
    assert np.isnan(scores.loc["B", "y1"]) and np.isnan(scores.loc["B", "R2"])
    # linear imputation reads 2026: B's y1 in 2025 is the mean of 2024 (22) and 2026 (26),
    # 24, scored with the min and max of A (12), B and C (36)
    normalized = pd.read_parquet(out / "2025" / "composite_linear_normalized.parquet")
    imputed = pd.read_parquet(out / "2025" / "composite_linear_imputed.parquet")
    assert normalized.loc["B", "y1"] == pytest.approx((24 - 12) / (36 - 12) * 100)
    assert imputed.to_numpy().sum() == 1 and imputed.loc["B", "y1"]


def test_provenance_manifest_and_results(run: tuple[Path, Path, object]) -> None:
    _, out, output = run
    meta = pq.read_schema(out / "2025" / "composite_locf_scores.parquet").metadata
    prov = json.loads(meta[b"govindex"])
    assert prov["index"] == "composite" and prov["year"] == 2025
    assert prov["run"] == "composite test (SYNTHETIC data)"
    assert (prov["name"], prov["table"]) == ("locf", "scores")
    assert prov["method"]["normalization"] == "zscore"
    assert prov["method"]["imputation"] == {"method": "locf", "max_gap": 1}
    manifest = json.loads((out / "manifest.json").read_bytes())
    sections = ["composite.linear", "composite.locf", "composite.plain"]
    assert sorted(manifest["fingerprints"]) == sections
    assert sorted(manifest["section_notes"]) == sections
    digest = hashlib.sha256((out.parent / "data" / "panel.parquet").read_bytes()).hexdigest()
    assert manifest["fingerprints"]["composite.plain"]["panel_file"] == digest
    assert "entities_file" in manifest["fingerprints"]["composite.plain"]
    assert manifest["config"]["composite"]["locf"]["imputation"] == {
        "method": "locf",
        "max_gap": 1,
    }
    # B's y1 of 2025 is carried from 2024 in the locf section, a note of that section only
    notes = manifest["section_notes"]
    assert any("imputed by 'locf': y1 (1)" in n for n in notes["composite.locf"])
    assert not any("imput" in n for n in notes["composite.plain"])
    keys = output.results  # type: ignore[attr-defined]
    assert sorted(k for k in keys if k[0] == "composite") == [
        ("composite", s, y) for s in ("linear", "locf", "plain") for y in (2024, 2025)
    ]
    results = read_run(out).results
    assert results[("composite", "plain", 2025, "reference-rows")] == (
        "2025/composite_plain_reference-rows.parquet"
    )


def test_the_panel_read_holds_only_the_years_needed(run: tuple[Path, Path, object]) -> None:
    """The plain section reads 2024 and 2025 only; locf also 2023; linear every year."""
    data, out, _ = run
    manifest = json.loads((out / "manifest.json").read_bytes())
    rows = manifest["fingerprints"]
    catalog = read_catalog(data / "catalog.csv")
    for section, years in (
        ("plain", [2024, 2025]),
        ("locf", [2023, 2024, 2025]),
        ("linear", YEARS),
    ):
        panel = read_panel(data / "panel.parquet", catalog=catalog, years=years)
        assert rows[f"composite.{section}"]["panel"] == panel.fingerprint, section


def test_config_errors_name_the_section(tmp_path: Path) -> None:
    config = _inputs(tmp_path, CONFIG.replace('normalization = "zscore"', 'normalisation = "z"'))
    with pytest.raises(ConfigError, match=r"\[composite\.locf\] unknown key.*'normalization'"):
        read_config(config)
    (tmp_path / "run.toml").write_text(CONFIG.replace('"catalog.csv"', '"nope.csv"', 1))
    with pytest.raises(ConfigError, match=r"\[composite\.plain\] catalog file not found"):
        read_config(config)
    (tmp_path / "run.toml").write_text(CONFIG.replace("max_gap = 1", 'max_gap = "x"'))
    with pytest.raises(ConfigError, match=r"\[composite\.locf\]"):
        read_config(config)
    (tmp_path / "run.toml").write_text(CONFIG.replace('"zscore"', '"zsocre"'))
    with pytest.raises(ConfigError, match=r"\[composite\.locf\].*zsocre"):
        read_config(config)
    (tmp_path / "run.toml").write_text(CONFIG.replace('exclude = ["ALL"]', 'exclude = ["ZZ"]'))
    with pytest.raises(ConfigError, match=r"\[composite\.locf\] include/exclude.*'ZZ'"):
        run_batch(config, output=tmp_path / "out")
    single = '[run]\nyears = 2025\n[composite]\npanel = "panel.csv"\ncatalog = "catalog.csv"\n'
    (tmp_path / "run.toml").write_text(single + "coverge = 1\n")
    with pytest.raises(ConfigError, match=r"\[composite\] unknown key.*'coverage'"):
        read_config(config)


def test_config_round_trips_through_the_manifest_form(tmp_path: Path) -> None:
    cfg = read_config(_inputs(tmp_path))
    data = cfg.to_dict()  # what the manifest stores, read back as a configuration
    table = {"run": {"name": data["name"], "years": data["years"]}, "composite": data["composite"]}
    again = RunConfig.from_dict(table, base_dir=tmp_path, source=cfg.source)
    assert again.composite == cfg.composite
    assert [s.where for s in cfg.composite] == [
        "composite.plain",
        "composite.locf",
        "composite.linear",
    ]
    assert cfg.with_years(2025).composite == cfg.composite
    assert cfg.with_output(tmp_path / "x").composite == cfg.composite


def test_reuse_copies_unchanged_sections_and_recomputes_a_changed_catalog(
    tmp_path: Path,
) -> None:
    config = _inputs(tmp_path / "data")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GovindexWarning)
        run_batch(config, output=tmp_path / "full")
        out = tmp_path / "out"
        run_batch(config, output=out, reuse=True)
        again = run_batch(config, output=out, reuse=True)
        assert sorted(again.reused) == ["composite.linear", "composite.locf", "composite.plain"]
        assert _tree(out) == _tree(tmp_path / "full")  # byte for byte, manifest included
        # another weight of x2 in the catalog: every section recomputed, equal to a full run
        (tmp_path / "data" / "catalog.csv").write_text(CATALOG.replace("x2,R1,-1,1", "x2,R1,-1,3"))
        before = (out / "2025" / "composite_plain_scores.parquet").read_bytes()
        changed = run_batch(config, output=out, reuse=True)
        assert changed.reused == []
        shutil.rmtree(tmp_path / "full")
        run_batch(config, output=tmp_path / "full")
    assert (out / "2025" / "composite_plain_scores.parquet").read_bytes() != before
    assert _tree(out) == _tree(tmp_path / "full")


def test_diff_reports_a_revised_composite_input(tmp_path: Path) -> None:
    old = _inputs(tmp_path / "old", CONFIG.split("[composite.locf]")[0])
    new = _inputs(tmp_path / "new", CONFIG.split("[composite.locf]")[0])
    panel = _panel()
    cell = (panel["entity"] == "C") & (panel["indicator"] == "y1") & (panel["year"] == 2025)
    panel.loc[cell, "value"] = 1.0  # C's y1 from 36 to 1: the lowest of the units
    panel.to_parquet(new.parent / "panel.parquet", index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GovindexWarning)
        run_batch(old, output=tmp_path / "a")
        run_batch(new, output=tmp_path / "b")
    d = diff_runs(tmp_path / "a", tmp_path / "b")
    assert d.input_changes["input"].tolist() == ["composite.plain.panel"]
    moved = d.moved()
    # two roots: one comparison each; only R2 moves, in 2025; B has no y1 in 2025
    assert set(moved["name"]) == {"plain/R2"}
    assert set(moved["year"]) == {2025}
    # y1 2025 of the units: A 12, C 36 -> 1, D 48 (B missing); min-max over A, C and D
    old_r2 = {"A": 0.0, "C": (36 - 12) / (48 - 12) * 100}
    new_r2 = {"A": (12 - 1) / (48 - 1) * 100, "C": 0.0}
    rows = moved.set_index("entity")
    for e in ("A", "C"):
        assert rows.loc[e, "old"] == pytest.approx(old_r2[e])
        assert rows.loc[e, "new"] == pytest.approx(new_r2[e])
    assert "D" not in rows.index or rows.loc["D", "delta"] == pytest.approx(0.0)
    assert "plain/R2" in d.to_text()


def test_diff_reports_a_method_change(tmp_path: Path) -> None:
    config = CONFIG.split("[composite.locf]")[0]
    old = _inputs(tmp_path / "old", config)
    new = _inputs(tmp_path / "new", config + 'normalization = "rank"\n')
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GovindexWarning)
        run_batch(old, output=tmp_path / "a")
        run_batch(new, output=tmp_path / "b")
    d = diff_runs(tmp_path / "a", tmp_path / "b")
    changes = d.method_changes
    assert changes[["index", "name", "years", "parameter"]].values.tolist() == [
        ["composite", "plain", "2024, 2025", "normalization"]
    ]
    assert (changes["old"].tolist(), changes["new"].tolist()) == (["minmax"], ["rank"])
    assert d.input_changes.empty


def test_report_names_the_composite_sections_it_leaves_out(
    run: tuple[Path, Path, object], tmp_path: Path
) -> None:
    from govindex.report.html import report_run

    _, out, _ = run
    with (
        pytest.warns(GovindexWarning, match=r"composite\.linear.*composite\.locf"),
        pytest.raises(ConfigError, match="computes no GPI"),
    ):
        report_run(out, tmp_path / "site")


def test_verify_checks_composite_files(run: tuple[Path, Path, object], tmp_path: Path) -> None:
    _, out, _ = run
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    assert verify_results(copy).problems.empty
    target = copy / "2024" / "composite_plain_scores.parquet"
    target.write_bytes(target.read_bytes()[:-9] + b"X" * 9)
    problems = verify_results(copy).problems
    assert problems["file"].str.contains("composite_plain_scores").any()


def test_progress_counts_every_composite_year(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # a wide bar whatever the stream: tqdm cuts its line at the width it finds (80 columns
    # for a stream that is not a terminal, e.g. under pytest-xdist), which drops the label
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("LINES", "50")
    config = _inputs(tmp_path, CONFIG.split("[composite.linear]")[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GovindexWarning)
        run_batch(config, output=tmp_path / "out", progress=True)
    err = capsys.readouterr().err
    # two sections × two years: four steps; the last drawing is full, after the last one
    last = err.rstrip("\n").split("\r")[-1]
    assert "4/4" in last and "composite.locf 2025" in last
    assert "/3" not in err and "/5" not in err


def test_validate_checks_composite_sections(tmp_path: Path) -> None:
    from govindex.analysis.quality import quality_report

    config = _inputs(tmp_path)
    report = quality_report(config)
    assert report.ok, report.errors
    catalog = read_catalog(tmp_path / "catalog.csv")
    fingerprints = report.provenance["fingerprints"]
    # the rows the run reads: 2024-2025 (plain), up to 2025 (locf, without ALL), all (linear)
    plain = read_panel(tmp_path / "panel.parquet", catalog=catalog, years=[2024, 2025])
    assert fingerprints["composite.plain"] == plain.fingerprint
    linear = read_panel(tmp_path / "panel.csv", catalog=catalog, entities=["A", "B", "C"])
    assert fingerprints["composite.linear"] == linear.fingerprint
    # A's x1 of 2023 twice: read by the locf section (earlier years), not by the plain one
    twice = pd.concat([_panel(), _panel().head(1)], ignore_index=True)
    twice.to_parquet(tmp_path / "panel.parquet", index=False)
    (tmp_path / "run.toml").write_text(CONFIG.replace('exclude = ["ALL"]', 'exclude = ["ZZ"]'))
    errors = quality_report(config).errors
    assert sorted(e.split(" ")[0] + " " + e.split(" ")[1] for e in errors) == [
        "[composite.locf] 2",
        "[composite.locf] include/exclude",
    ], errors
