"""Tests of the command line (govindex.cli.main): exit statuses and one clear error line on
standard error for every kind of bad input, on copies of the SYNTHETIC demo data."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from govindex._version import __version__
from govindex.cli import main
from govindex.datasets import demo_config_path, demo_data_dir

GOOD = """\
[run]
name = "cli test (SYNTHETIC data)"
years = 2025

[gpi.local]
panel = "leb_panel.parquet"
catalog = "leb_catalog.csv"
window = 3
"""


def _config(folder: Path, text: str = GOOD) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for f in ("leb_panel.parquet", "leb_catalog.csv"):
        shutil.copyfile(demo_data_dir() / f, folder / f)
    (folder / "run.toml").write_text(text, encoding="utf-8")
    return folder / "run.toml"


def _fails(argv: list[str], capsys: pytest.CaptureFixture[str], *needles: str) -> str:
    """Run the CLI, expect exit status 1 and one error line naming every needle."""
    status = main(argv)
    captured = capsys.readouterr()
    assert status == 1, captured
    err = captured.err.strip()
    assert err.startswith(f"govindex {argv[0]}: error: "), err
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    for needle in needles:
        assert needle in err, (needle, err)
    return err


def test_run_prints_summary_and_notes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(demo_config_path()), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "govindex run 'demo (SYNTHETIC data)': years 2025; wrote 33 result files"
    )
    # the planted MIND reorganisation (README #6) is reported as a note, not a failure
    assert "note: CoverageWarning" in out and "'MIND'" in out


def test_years_list_form(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "run",
                str(_config(tmp_path / "in")),
                "--years",
                "2023,2025",
                "--out",
                str(tmp_path / "out"),
            ]
        )
        == 0
    )
    assert (
        "years 2023, 2025; wrote 10 result files" in capsys.readouterr().out
    )  # 2 years × 5 tables (scores, changes, risks, node scores, catalog)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "2023",
        "2025",
        "manifest.json",
    ]


@pytest.mark.parametrize(
    ("years", "needle"),
    [
        ("2025:2020", "last year is before the first"),
        ("20x5", "cannot read years '20x5'"),
        ("2023,x", "cannot read --years '2023,x'"),
    ],
)
def test_bad_years_option(
    tmp_path: Path, years: str, needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _fails(
        ["run", str(_config(tmp_path)), "--years", years, "--out", str(tmp_path / "out")],
        capsys,
        needle,
    )
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("edit", "needles"),
    [
        (lambda t: t + "\n[foo]\nx = 1\n", ("unknown index or section 'foo'",)),
        (
            lambda t: t.replace("window = 3", "window = 0"),
            ("[gpi.local]", "window must be an integer of at least 2 years", "got 0"),
        ),
        (
            lambda t: t.replace("window = 3", "windows = 3"),
            ("[gpi.local]", "unknown key(s) 'windows'"),
        ),
        (lambda t: t.replace("years = 2025", 'years = "last"'), ("cannot read years 'last'",)),
        (
            lambda t: t.replace("leb_panel.parquet", "absent.parquet"),
            ("panel file not found", "absent.parquet"),
        ),
        (
            lambda t: t.replace("leb_catalog.csv", "absent.csv"),
            ("catalog file not found", "absent.csv"),
        ),
    ],
)
def test_bad_configuration(
    tmp_path: Path, edit: object, needles: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    assert callable(edit)
    cfg = _config(tmp_path, edit(GOOD))
    for command in ("run", "validate"):
        _fails([command, str(cfg)], capsys, "run.toml", *needles)


def test_missing_configuration_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _fails(
        ["run", str(tmp_path / "nope.toml")], capsys, "configuration file not found", "nope.toml"
    )


def test_output_folder_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "taken").write_text("x")
    _fails(
        ["run", str(_config(tmp_path / "in")), "--out", str(tmp_path / "taken")], capsys, "taken"
    )


def test_validate_ok_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(demo_config_path())]) == 0
    assert "errors: none" in capsys.readouterr().out


def test_version_and_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"govindex {__version__}"
    assert main([]) == 2  # no command: help and status 2
    assert "usage: govindex" in capsys.readouterr().out
    with pytest.raises(SystemExit) as info:
        main(["frobnicate"])
    assert info.value.code == 2


@pytest.mark.slow
def test_subprocess_exit_status_on_error(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "govindex.cli", "run", str(tmp_path / "nope.toml")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.startswith("govindex run: error: configuration file not found")


@pytest.mark.slow
def test_demo_runs_from_any_folder_with_the_installed_package(tmp_path: Path) -> None:
    """`govindex demo` from an unrelated working folder: the package (as installed, without
    this checkout on the path) must carry its demo data, scorecards and templates."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["MPLBACKEND"] = "Agg"
    proc = subprocess.run(
        [sys.executable, "-m", "govindex.cli", "demo", "--out", "out"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "SYNTHETIC" in proc.stdout
    results = sorted(p.name for p in (tmp_path / "out" / "results").glob("*.parquet"))
    assert "gpi_local_scores.parquet" in results and "npi_scores.parquet" in results
    assert len(list((tmp_path / "out" / "charts").glob("*.png"))) >= 6
