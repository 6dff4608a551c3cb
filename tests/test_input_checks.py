"""Bad input is a named error, never a silent guess or a raw traceback (issue 14, inputs).

Each case of the issue that concerns files, configurations and the command line: the
expected error class and the rows, codes, keys or cells it must name are written here
from the input, and the values accepted are checked against the files' text.
"""

from __future__ import annotations

import shutil
import time
import unicodedata
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from govindex import (
    Catalog,
    Panel,
    compute_index,
    performance_index,
    progress_index,
    read_catalog,
    read_panel,
)
from govindex.cli import main
from govindex.datasets import demo_config_path, demo_data_dir
from govindex.exceptions import (
    CatalogError,
    CodeWarning,
    ConfigError,
    MethodError,
    PanelError,
)
from govindex.io.batch import run_batch
from govindex.io.config import parse_years, read_config
from govindex.io.diff import diff_runs
from govindex.io.read import read_panel_rows

CATALOG = Catalog.from_frame(pd.DataFrame({"code": ["G", "x"], "parent": ["", "G"]}))
FRAME = pd.DataFrame(
    {"entity": ["A", "A", "B", "B"], "indicator": "x", "year": [2022, 2025] * 2,
     "value": [1.0, 2.0, 3.0, 4.0]}
)  # fmt: skip


def _one_line(capsys: pytest.CaptureFixture[str], *needles: str) -> str:
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    for needle in needles:
        assert needle in err, (needle, err)
    return err


# --------------------------------------------------------------------------- CSV missing values

#: pandas' default NA strings (pandas.read_csv ``na_values``) and a few more words.
PANDAS_NA = ["#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND",
             "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null", "-"]  # fmt: skip


@pytest.mark.parametrize("word", PANDAS_NA)
def test_csv_word_for_missing_is_an_error_naming_rows_and_na_values(
    tmp_path: Path, word: str
) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        f"entity,indicator,year,value\nA,x,2022,1\nA,x,2025,{word}\n", encoding="utf-8"
    )
    with pytest.raises(PanelError, match=r"p\.csv: column 'value' has 1 non-numeric") as info:
        read_panel(path)
    assert "year=2025" in str(info.value)
    assert f"na_values=[{word!r}]" in str(info.value)
    panel = read_panel(path, na_values=[word])
    assert np.isnan(panel.values[0, 0, -1]) and panel.values[0, 0, 0] == 1.0


def test_csv_codes_are_never_missing_values(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("entity,indicator,year,value\nNA,null,2022,1\nNA,null,2025,\n")
    panel = read_panel(path)
    assert panel.entities.tolist() == ["NA"] and panel.indicators.tolist() == ["null"]
    assert np.isnan(panel.values[0, 0, -1])  # the empty cell is the missing value
    cat = tmp_path / "c.csv"
    cat.write_text("code,parent,weight\nG,,\nNA,G,n/a\n")
    with pytest.raises(CatalogError, match=r"column 'weight' must be numeric.*'NA'.*'n/a'"):
        read_catalog(cat)  # a weight of "n/a" is not silently the default weight 1


def test_na_values_must_be_words(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("entity,indicator,year,value\nA,x,2022,1\n")
    with pytest.raises(PanelError, match=r"na_values must be words"):
        read_panel(path, na_values=[0])  # type: ignore[list-item]


def test_parquet_and_excel_take_na_values_too(tmp_path: Path) -> None:
    frame = pd.DataFrame({"entity": "A", "indicator": "x", "year": [2022, 2025],
                          "value": ["1.5", "n/a"]})  # fmt: skip
    frame.to_parquet(tmp_path / "p.parquet")
    with pytest.raises(PanelError, match=r"non-numeric values.*na_values=\['n/a'\]"):
        read_panel(tmp_path / "p.parquet")
    assert read_panel(tmp_path / "p.parquet", na_values="n/a").values[0, 0, 0] == 1.5
    from govindex.io.excel import to_excel

    to_excel({"panel": frame.assign(value=[1.5, "n/a"])}, tmp_path / "p.xlsx")
    with pytest.raises(
        PanelError, match=r"sheet 'panel', column D \('value'\).*na_values=\['n/a'\]"
    ):
        read_panel(tmp_path / "p.xlsx")
    assert np.isnan(read_panel(tmp_path / "p.xlsx", na_values=["n/a"]).values[0, 0, -1])


def _validate_config(folder: Path, panel_text: str, extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "p.csv").write_text(panel_text, encoding="utf-8")
    (folder / "c.csv").write_text("code,parent\nG,\nx,G\n", encoding="utf-8")
    cfg = folder / "run.toml"
    cfg.write_text(f'[run]\nyears = 2025\n[gpi.a]\npanel = "p.csv"\ncatalog = "c.csv"\n{extra}')
    return cfg


def test_validate_reports_na_words_and_exits_non_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "entity,indicator,year,value\nA,x,2022,1\nA,x,2025,n/a\nA,x,2023,2\nA,x,2024,3\n"
    cfg = _validate_config(tmp_path / "a", text)
    assert main(["validate", str(cfg)]) == 1
    out = capsys.readouterr().out
    assert "[gpi.a]" in out and "'n/a'" in out and "na_values" in out
    ok = _validate_config(tmp_path / "b", text, 'na_values = ["n/a"]\n')
    assert main(["validate", str(ok)]) == 0
    assert run_batch(ok, output=tmp_path / "out").results[("gpi", "a", 2025)].scores.shape[0] == 1


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_validate_on_a_panel_without_indicator_column(
    tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = _validate_config(tmp_path, "entity,year,value\nA,2022,1\n")
    if suffix == ".parquet":
        pd.read_csv(tmp_path / "p.csv").to_parquet(tmp_path / "p.parquet")
        cfg.write_text(cfg.read_text().replace("p.csv", "p.parquet"))
    assert main(["validate", str(cfg)]) == 1
    out = capsys.readouterr().out
    assert "missing required column(s) 'indicator'" in out


# --------------------------------------------------------------------------- values that are not numbers


@pytest.mark.parametrize(
    "value",
    [pd.Timestamp("2020-01-01"), pd.Timedelta("1D"), pd.Period("2020"), 1 + 2j,
     np.datetime64("2020-01-01"), True],
    ids=["timestamp", "timedelta", "period", "complex", "datetime64", "bool"],
)  # fmt: skip
def test_dates_durations_periods_complex_are_not_numbers(value: object) -> None:
    with pytest.raises(PanelError, match=r"column 'value'"):
        Panel.from_frame(FRAME.assign(value=[value] * 4))
    mixed = FRAME.assign(value=pd.Series([1.0, value, 2.0, 3.0], dtype=object))
    with pytest.raises(PanelError, match=r"column 'value'.*row 1"):
        Panel.from_frame(mixed)


def test_a_period_is_not_a_year() -> None:
    # pd.to_numeric(Period("2020")) is 50 (years since 1970): never a year
    with pytest.raises(PanelError, match=r"column 'year'"):
        Panel.from_frame(FRAME.assign(year=[pd.Period("2020"), pd.Period("2021")] * 2))


def test_two_columns_named_value(tmp_path: Path) -> None:
    twice = pd.concat([FRAME, FRAME[["value"]]], axis=1)
    with pytest.raises(PanelError, match=r"more than one column named 'value'"):
        Panel.from_frame(twice)
    (tmp_path / "p.csv").write_text("entity,indicator,year,value,value\nA,x,2020,1,2\n")
    with pytest.raises(PanelError, match=r"p\.csv: the header names 'value' more than once"):
        read_panel(tmp_path / "p.csv")


# --------------------------------------------------------------------------- wrong objects


def test_a_dataframe_where_a_catalog_is_expected() -> None:
    panel = Panel.from_frame(FRAME)
    frame = CATALOG.to_frame()
    for call in (
        lambda: performance_index(panel, frame, year=2025),  # type: ignore[arg-type]
        lambda: progress_index(panel, frame, year=2025, country="A", reference="B"),  # type: ignore[arg-type]
        lambda: compute_index(panel, frame, year=2025),  # type: ignore[arg-type]
        lambda: Panel.from_frame(FRAME, catalog=frame),  # type: ignore[arg-type]
    ):
        with pytest.raises(CatalogError, match=r"expected a Catalog, got DataFrame"):
            call()


def test_performance_index_year_as_text() -> None:
    with pytest.raises(
        MethodError,
        match=r"year must be an integer \(the assessment year, e.g. 2024\); found '2025'",
    ):
        performance_index(Panel.from_frame(FRAME), CATALOG, year="2025")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- TOML and configuration


def test_deeply_nested_toml_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = tmp_path / "deep.toml"
    deep.write_text("a = " + "[" * 3000 + "]" * 3000 + "\n")
    with pytest.raises(ConfigError, match=r"nested too deeply"):
        read_config(deep)
    with pytest.raises(CatalogError, match=r"nested too deeply"):
        read_catalog(deep)
    assert main(["run", str(deep)]) == 1
    _one_line(capsys, "nested too deeply")


def _npi_config(tmp_path: Path, line: str) -> Path:
    """The demo NPI with ``line`` in its table (replacing the line of the same key)."""
    for name in ("npi_panel.parquet", "npi_catalog.csv"):
        shutil.copyfile(demo_data_dir() / name, tmp_path / name)
    keys = {"country": 'country = "DMO"', "reference": 'reference = "OECD"'}
    keys[line.split(" = ")[0]] = line
    cfg = tmp_path / "run.toml"
    cfg.write_text(
        '[run]\nyears = 2025\n[npi]\npanel = "npi_panel.parquet"\ncatalog = "npi_catalog.csv"\n'
        + "\n".join(keys.values())
        + "\n"
    )
    return cfg


@pytest.mark.parametrize(
    ("line", "match"),
    [
        ("reference = 5", r"\[npi\] reference = 5 is not a text or a list of texts"),
        ('country = ["a"]', r"\[npi\] country = \['a'\] is not a text"),
        ('base_year = "x"', r"\[npi\] base_year = 'x' is not an integer"),
        ("cap = [0, 2, 3]", r"\[npi\] cap = \[0, 2, 3\] is not a list of 2 numbers"),
        ("coverage = true", r"\[npi\] coverage = True is not a number"),
        ("na_values = 3", r"\[npi\] na_values must be a list of words"),
    ],
)
def test_npi_parameters_of_the_wrong_type_name_the_key(
    tmp_path: Path, line: str, match: str, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = _npi_config(tmp_path, line)
    with pytest.raises(ConfigError, match=match):
        read_config(cfg)
    assert main(["run", str(cfg)]) == 1
    _one_line(capsys, "[npi]")


def test_huge_years_and_window_stop_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # both used to run out of memory (a tuple of 2·10⁹ years, a range of 10⁹ window years)
    cfg = Path(demo_config_path())
    start = time.perf_counter()
    for command in ("run", "validate"):
        assert main([command, str(cfg), "--years", "0:2000000000"]) == 1
        _one_line(capsys, "years '0:2000000000'")
    with pytest.raises(ConfigError, match=r"span 8999 years; a panel covers at most 500"):
        parse_years("1000:9999")
    with pytest.raises(ConfigError, match=r"between 1 and 9999"):
        parse_years([2025, 10**12])
    folder = tmp_path / "w"
    folder.mkdir()
    for name in ("leb_panel.parquet", "leb_catalog.csv"):
        shutil.copyfile(demo_data_dir() / name, folder / name)
    (folder / "run.toml").write_text(
        '[run]\nyears = 2025\n[gpi.local]\npanel = "leb_panel.parquet"\n'
        'catalog = "leb_catalog.csv"\nwindow = 1000000000\n'
    )
    assert main(["run", str(folder / "run.toml")]) == 1
    _one_line(capsys, "[gpi.local] window = 1000000000 years is longer than any panel")
    assert time.perf_counter() - start < 30


# --------------------------------------------------------------------------- Excel formulas


def test_excel_formula_without_saved_result_names_the_cell(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "panel"
    ws.append(["entity", "indicator", "year", "value"])
    ws.append(["A", "x", 2022, 1.5])
    ws.append(["A", "x", 2025, "=D2*2"])  # openpyxl saves no result of its formulas
    ws.append(["B", "x", 2025, None])
    wb.save(tmp_path / "p.xlsx")
    with pytest.raises(PanelError, match=r"p\.xlsx, sheet 'panel': cell\(s\) 'D3' hold a formula"):
        read_panel(tmp_path / "p.xlsx")
    ws["D3"] = 3.0  # a value: read as before
    wb.save(tmp_path / "p.xlsx")
    assert read_panel(tmp_path / "p.xlsx").values[0, 0, -1] == 3.0


# --------------------------------------------------------------------------- codes


def test_nfc_and_nfd_spellings_are_one_entity() -> None:
    name = "Йошкар-Ола"
    nfc, nfd = unicodedata.normalize("NFC", name), unicodedata.normalize("NFD", name)
    assert nfc != nfd
    frame = pd.DataFrame({"entity": [nfc, nfd], "indicator": "x", "year": [2022, 2025],
                          "value": [1.0, 2.0]})  # fmt: skip
    with pytest.warns(CodeWarning, match=r"column 'entity': 1 code\(s\)"):
        panel = Panel.from_frame(frame)
    assert panel.entities.tolist() == [nfc]
    np.testing.assert_array_equal(panel.values, [[[1.0, np.nan, np.nan, 2.0]]])
    with pytest.warns(CodeWarning), pytest.raises(PanelError, match=r"share an \(entity"):
        Panel.from_frame(frame.assign(year=2025))  # one entity, one key: a duplicate


def test_surrounding_spaces_are_stripped_in_panels_and_catalogs_alike(tmp_path: Path) -> None:
    with pytest.warns(CodeWarning, match=r"'x '"):
        panel = Panel.from_frame(FRAME.assign(indicator="x "))
    assert panel.indicators.tolist() == ["x"]
    with pytest.warns(CodeWarning, match=r"catalog: 1 code\(s\).*'x '"):
        catalog = Catalog.from_frame(pd.DataFrame({"code": ["G", "x "], "parent": ["", "G"]}))
    assert catalog.indicators == ["x"]
    # a file whose codes carry spaces is read whole by the catalog's (normalised) codes
    for suffix in (".csv", ".parquet"):
        path = tmp_path / f"p{suffix}"
        frame = FRAME.assign(indicator=" x", entity=[" A", "A ", "B", "B"])
        frame.to_csv(path, index=False) if suffix == ".csv" else frame.to_parquet(path)
        with pytest.warns(CodeWarning):
            read = read_panel(path, indicators=["x"], entities=["A"], catalog=CATALOG)
        np.testing.assert_array_equal(read.values, [[[1.0, np.nan, np.nan, 2.0]]])
        rows = read_panel_rows(path, indicators=["x"])
        assert len(rows) == 4


def test_codes_without_change_raise_no_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Panel.from_frame(FRAME)
        Catalog.from_frame(pd.DataFrame({"code": ["G", "Алматы"], "parent": ["", "G"]}))


# --------------------------------------------------------------------------- catalog row order


@pytest.mark.filterwarnings("ignore::govindex.exceptions.GovindexWarning")  # demo data problems
def test_permuting_catalog_rows_changes_no_score_and_no_fingerprint() -> None:
    # before canonical order, the local GPI changed in the 14th digit (81.17106773823191 vs …93)
    leb = pd.read_csv(demo_data_dir() / "leb_catalog.csv", dtype="str")
    panel = read_panel(demo_data_dir() / "leb_panel.parquet")
    ref = performance_index(panel, Catalog.from_frame(leb), year=2025)
    for seed in range(4):
        shuffled = Catalog.from_frame(leb.sample(frac=1, random_state=seed))
        assert shuffled.fingerprint == ref.catalog.fingerprint
        res = performance_index(panel, shuffled, year=2025)
        pd.testing.assert_series_equal(res.scores["gpi"], ref.scores["gpi"], rtol=0, atol=0)
        ns = res.node_scores.reindex(index=ref.node_scores.index, columns=ref.node_scores.columns)
        np.testing.assert_array_equal(ns.to_numpy(), ref.node_scores.to_numpy())
    npi_cat = pd.read_csv(demo_data_dir() / "npi_catalog.csv", dtype="str")
    npi_panel = read_panel(demo_data_dir() / "npi_panel.parquet")
    kw = {"year": 2025, "country": "DMO", "reference": "OECD"}
    a = progress_index(npi_panel, Catalog.from_frame(npi_cat), **kw)
    b = progress_index(npi_panel, Catalog.from_frame(npi_cat[::-1]), **kw)
    assert (a.npi_reference, a.npi_base) == (b.npi_reference, b.npi_base)


def test_diff_does_not_call_a_reordered_catalog_revised(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("leb_panel.parquet", "leb_catalog.csv"):
        shutil.copyfile(demo_data_dir() / name, folder / name)
    (folder / "run.toml").write_text(
        '[run]\nyears = 2025\n[gpi.local]\npanel = "leb_panel.parquet"\n'
        'catalog = "leb_catalog.csv"\n'
    )
    run_batch(folder / "run.toml", output=tmp_path / "a")
    lines = (folder / "leb_catalog.csv").read_text().splitlines()
    (folder / "leb_catalog.csv").write_text("\n".join([lines[0], *reversed(lines[1:])]) + "\n")
    run_batch(folder / "run.toml", output=tmp_path / "b")
    d = diff_runs(tmp_path / "a", tmp_path / "b")
    assert len(d.input_changes) == 0 and len(d.moved()) == 0
