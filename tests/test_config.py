"""Tests of govindex.io.config: the TOML run configuration (years, paths, validation errors)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from govindex import GPIMethod, NPIMethod
from govindex.datasets import demo_config_path, demo_data_dir
from govindex.exceptions import ConfigError, GovindexError
from govindex.io.config import RunConfig, parse_years, read_config

GPI_LOCAL = """
[gpi.local]
panel = "leb_panel.parquet"
catalog = "leb_catalog.csv"
"""


def _write(folder: Path, text: str, *, name: str = "run.toml") -> Path:
    """A configuration file next to copies of the SYNTHETIC LEB panel and catalog."""
    folder.mkdir(parents=True, exist_ok=True)
    for f in ("leb_panel.parquet", "leb_catalog.csv"):
        if not (folder / f).exists():
            shutil.copyfile(demo_data_dir() / f, folder / f)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- years


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2025, (2025,)),
        ("2025", (2025,)),
        ("2023:2025", (2023, 2024, 2025)),  # inclusive at both ends
        (" 2024 : 2025 ", (2024, 2025)),
        ("2025:2025", (2025,)),
        ([2025, 2023, 2025], (2023, 2025)),  # sorted, duplicates dropped
        ((2024,), (2024,)),
    ],
)
def test_parse_years_forms(value: object, expected: tuple[int, ...]) -> None:
    assert parse_years(value) == expected


@pytest.mark.parametrize(
    ("value", "match"),
    [
        ("2025:2020", "last year is before the first"),
        ("twenty", "cannot read years 'twenty'"),
        ("2020-2025", "cannot read years '2020-2025'"),
        ("2020:", "cannot read years '2020:'"),
        ("", "cannot read years ''"),
        (True, "got True"),
        (2025.0, "got 2025.0"),
        ([], r"got \[\]"),
        ([2024, "2025"], r"got \[2024, '2025'\]"),
        (None, "got None"),
    ],
)
def test_parse_years_rejects_bad_values(value: object, match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        parse_years(value)


def test_config_error_is_a_govindex_error() -> None:
    with pytest.raises(GovindexError):
        parse_years("x")


# --------------------------------------------------------------------------- reading


def test_demo_configuration() -> None:
    cfg = read_config(demo_config_path())
    folder = demo_config_path().parent
    assert cfg.name == "demo (SYNTHETIC data)"
    assert cfg.years == (2025,)
    assert [s.name for s in cfg.gpi] == ["local", "central"]
    assert [s.name for s in cfg.npi] == ["npi"]
    assert [s.name for s in cfg.operational] == ["local", "central"]
    assert cfg.gpi[0].panel == folder / "leb_panel.parquet"
    assert cfg.gpi[0].method == GPIMethod(window=3)
    assert dict(cfg.gpi[0].written) == {"window": 3}
    assert cfg.npi[0].method == NPIMethod(country="DMO", reference="OECD", base_year=2016)
    assert dict(cfg.npi[0].written) == {"country": "DMO", "reference": "OECD", "base_year": 2016}
    assert cfg.operational[0].years == (2019,)
    assert cfg.output == folder / "results"  # relative to the file


def test_relative_paths_resolve_against_the_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    for f in ("leb_panel.parquet", "leb_catalog.csv"):
        shutil.copyfile(demo_data_dir() / f, project / "data" / f)
    shutil.copyfile(demo_data_dir() / "leb_catalog.csv", tmp_path / "shared_catalog.csv")
    text = """[run]
years = "2024:2025"
output = "out"
[gpi.local]
panel = "data/leb_panel.parquet"
catalog = "../shared_catalog.csv"
"""
    (project / "cfg").mkdir()
    (project / "cfg" / "run.toml").write_text(
        text.replace('"data/', '"../data/').replace('"../shared', '"../../shared')
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    relative = read_config(Path("..") / "project" / "cfg" / "run.toml")
    absolute = read_config(project / "cfg" / "run.toml")
    for cfg in (relative, absolute):
        assert cfg.gpi[0].panel.resolve() == (project / "data" / "leb_panel.parquet").resolve()
        assert cfg.gpi[0].catalog.resolve() == (tmp_path / "shared_catalog.csv").resolve()
        assert cfg.output.resolve() == (project / "cfg" / "out").resolve()
        assert cfg.name == "run"  # default name: the file's stem
    # the manifest's view of the configuration does not depend on how the path was spelled
    assert relative.to_dict() == absolute.to_dict()
    assert absolute.to_dict()["gpi"]["local"] == {
        "panel": "../data/leb_panel.parquet",
        "catalog": "../../shared_catalog.csv",
    }


def test_with_years_and_with_output_return_copies() -> None:
    cfg = read_config(demo_config_path())
    other = cfg.with_years("2020:2022").with_output("/tmp/elsewhere")
    assert other.years == (2020, 2021, 2022) and other.output == Path("/tmp/elsewhere")
    assert cfg.years == (2025,) and cfg.output != other.output  # the original is unchanged
    assert other.gpi == cfg.gpi and other.npi == cfg.npi


def test_from_dict_validates_like_the_file(tmp_path: Path) -> None:
    _write(tmp_path, "")
    data = {
        "run": {"years": [2025]},
        "gpi": {"x": {"panel": "leb_panel.parquet", "catalog": "leb_catalog.csv"}},
    }
    cfg = RunConfig.from_dict(data, base_dir=tmp_path)
    assert cfg.years == (2025,) and cfg.gpi[0].name == "x" and cfg.gpi[0].roots is None


def test_roots_and_method_are_kept(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "[run]\nyears = 2025\n" + GPI_LOCAL + 'roots = ["GPI_LEB"]\nwindow = 2\nalpha = 0.1\n',
    )
    spec = read_config(path).gpi[0]
    assert spec.roots == ("GPI_LEB",)
    assert spec.method == GPIMethod(window=2, alpha=0.1)
    assert dict(spec.written) == {"window": 2, "alpha": 0.1}


# --------------------------------------------------------------------------- errors


Y = "[run]\nyears = 2025\n"
G = Y + GPI_LOCAL
OP = Y + "[operational.x]\ninputs = 'leb_panel.parquet'\n"
LOC = r"\[gpi\.local\] "


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (Y + "[foo]\nx = 1\n" + GPI_LOCAL, r"unknown index or section 'foo'"),
        (Y + "year = 2024\n" + GPI_LOCAL, r"\[run\] unknown key\(s\) 'year'"),
        (G + "windw = 3\n", LOC + r"unknown key\(s\) 'windw'"),
        ("[run]\nname = 'x'\n" + GPI_LOCAL, r"\[run\] missing required key\(s\) 'years'"),
        ("[run]\nyears = '2025:2020'\n" + GPI_LOCAL, "last year is before the first"),
        ("[run]\nyears = 'soon'\n" + GPI_LOCAL, "cannot read years 'soon'"),
        (G + "window = 0\n", LOC + r"window must be an integer of at least 2 years.*got 0"),
        (G + "alpha = 1.5\n", LOC + r"alpha must be within"),
        (G + "change = 'fast'\n", LOC + r"unknown change rule 'fast'"),
        (G + "roots = 'GPI_LEB'\n", "roots must be a list"),
        (
            Y + "[gpi.local]\npanel = 'leb_panel.parquet'\n",
            LOC + r"missing required key\(s\) 'catalog'",
        ),
        (G.replace("leb_panel", "nope"), LOC + r"panel file not found: .*nope\.parquet"),
        (Y + "[gpi]\nlocal = 3\n", r"\[gpi\.local\] must be a table"),
        (Y + "[gpi]\n", r"\[gpi\] has no computations"),
        (Y, "computes nothing"),
        ("run = 3\n" + GPI_LOCAL, r"\[run\] must be a table"),
        (
            G.replace("gpi.local", "npi") + "country = 'DMO'\n",
            r"\[npi\] missing required key\(s\) 'reference'",
        ),
        (OP + "scorecard = 3\n", r"\[operational\.x\] scorecard must be"),
        (
            OP + "scorecard = 'mine.toml'\n",
            r"\[operational\.x\] scorecard file not found: .*mine\.toml",
        ),
        ("[run\nyears = 2025\n", r"cannot parse run configuration 'run\.toml'"),
    ],
)
def test_bad_configurations_are_clear_errors(tmp_path: Path, text: str, match: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError, match=match) as info:
        read_config(path)
    assert str(info.value).startswith("run.toml: ") or "cannot parse" in str(info.value)


def test_missing_configuration_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"configuration file not found: .*absent\.toml"):
        read_config(tmp_path / "absent.toml")


# --------------------------------------------------------------------------- method objects

NPI_TABLE = """
[npi.kz]
panel = "leb_panel.parquet"
catalog = "leb_catalog.csv"
country = "R01"
reference = ["R02", "R03"]
"""


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (G + "windw = 3\n", LOC + r"unknown key\(s\) 'windw' \(did you mean 'window'\?\)"),
        (G + "chnage = 'slope'\n", LOC + r"unknown key\(s\) 'chnage' \(did you mean 'change'\?\)"),
        (G + "root = ['GPI_LEB']\n", LOC + r"unknown key\(s\) 'root' \(did you mean 'roots'\?\)"),
        (
            Y + NPI_TABLE + "bse_year = 2016\n",
            r"\[npi\.kz\] .*'bse_year' \(did you mean 'base_year'",
        ),
        (
            Y + "yeras = 2025\n" + GPI_LOCAL,
            r"\[run\] unknown key\(s\) 'yeras' \(did you mean 'years'",
        ),
        (Y + NPI_TABLE + "cap = [2, 1]\n", r"\[npi\.kz\] cap must be \(lower, upper\)"),
        (Y + NPI_TABLE + "cap = 2\n", r"\[npi\.kz\] cap = 2 is not a list of 2 numbers"),
        (
            Y + NPI_TABLE.replace('["R02", "R03"]', "'R02'") + "reference_weights = 'LEB_ECO01'\n",
            r"\[npi\.kz\] reference_weights needs a list of member entities",
        ),
    ],
)
def test_misspelt_and_bad_method_keys_name_the_section(
    tmp_path: Path, text: str, match: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError, match=match) as info:
        read_config(path)
    assert str(info.value).startswith("run.toml: [")


def test_sections_carry_method_objects(tmp_path: Path) -> None:
    path = _write(tmp_path, G + "window = 2\ncoverage = 1\n" + NPI_TABLE + "cap = [0, 3]\n")
    cfg = read_config(path)
    gpi, npi = cfg.gpi[0], cfg.npi[0]
    assert isinstance(gpi.method, GPIMethod) and isinstance(npi.method, NPIMethod)
    # every parameter present, the defaults from the class for those the file leaves out
    assert gpi.method == GPIMethod(window=2, coverage=1)
    assert gpi.method.change == "relative" and gpi.method.alpha == 0.05
    assert npi.method == NPIMethod(country="R01", reference=("R02", "R03"), cap=(0.0, 3.0))
    assert npi.method.base_year == 2016 and npi.method.root is None
    # the manifest records the parameters as written (integers stay integers)
    assert cfg.to_dict()["gpi"]["local"] == {
        "panel": "leb_panel.parquet",
        "catalog": "leb_catalog.csv",
        "window": 2,
        "coverage": 1,
    }
    assert cfg.to_dict()["npi"]["kz"] == {
        "panel": "leb_panel.parquet",
        "catalog": "leb_catalog.csv",
        "country": "R01",
        "reference": ["R02", "R03"],
        "cap": [0, 3],
    }


def test_a_spec_built_in_code_records_its_method(tmp_path: Path) -> None:
    from govindex.io.config import GPISpec

    _write(tmp_path, "")
    spec = GPISpec("x", tmp_path / "leb_panel.parquet", tmp_path / "leb_catalog.csv",
                   GPIMethod(window=4, change="relative"))  # fmt: skip
    cfg = RunConfig("run", tmp_path / "out", (2025,), gpi=(spec,))
    assert cfg.to_dict()["gpi"]["x"] == {
        "panel": "leb_panel.parquet",
        "catalog": "leb_catalog.csv",
        "window": 4,
    }
