"""Excel export and import: exact round trips, sheet layout, errors in Excel coordinates."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

openpyxl = pytest.importorskip("openpyxl")

from govindex import (  # noqa: E402
    CatalogError,
    GovindexError,
    PanelError,
    performance_index,
    read_catalog,
    read_panel,
)
from govindex.datasets import load_demo  # noqa: E402
from govindex.exceptions import ScorecardError  # noqa: E402
from govindex.io.excel import to_excel  # noqa: E402
from govindex.io.excel_reader import read_excel_table, read_excel_tables  # noqa: E402
from govindex.io.read import read_table  # noqa: E402


def _mixed() -> pd.DataFrame:
    """One column per kind of value, each with a missing cell."""
    return pd.DataFrame(
        {
            "count": pd.array([1, None, -3], dtype="Int64"),
            "n": np.array([0, 2**53 + 1, -7], dtype=np.int64),  # 2⁵³+1 is not a double
            "x": [0.1 + 0.2, np.nan, 1e-300],  # 0.30000000000000004 needs 17 digits
            "whole": [2.0, -0.5, 1e16],
            "text": pd.array(["", None, "=1+1"], dtype="str"),  # empty ≠ missing; never a formula
            "uni": pd.array(["Ақмола", "naïve", "→ ±"], dtype="str"),
            "flag": [True, False, True],
            "maybe": pd.array([True, None, False], dtype="boolean"),
            "cls": pd.Categorical(["b", None, "a"], categories=["a", "b", "c"]),
            "day": pd.to_datetime(["2024-01-31", None, "2025-12-01"]),
            "mixed": pd.Series([1, "a", None], dtype=object),
        },
        index=pd.Index(["R01", "R02", "R03"], name="entity"),
    )


def test_round_trip_keeps_values_and_dtypes(tmp_path: Path) -> None:
    frame = _mixed()
    back = read_excel_tables(to_excel({"mixed": frame}, tmp_path / "m.xlsx"))["mixed"]
    pd.testing.assert_frame_equal(back, frame, check_exact=True)
    assert back.loc["R01", "x"] == 0.30000000000000004
    assert back.loc["R01", "text"] == "" and pd.isna(back.loc["R02", "text"])
    assert back.loc["R03", "text"] == "=1+1"


@pytest.mark.slow
def test_round_trip_of_demo_gpi_tables_and_panel(tmp_path: Path) -> None:
    panel, catalog = load_demo("leb")
    res = performance_index(panel, catalog, year=2025)
    tables = {**res.tables(), "risks": res.risk_areas(), "panel": panel.to_frame()}
    back = read_excel_tables(to_excel(tables, tmp_path / "gpi.xlsx"))
    assert list(back) == list(tables)
    for name, table in tables.items():
        pd.testing.assert_frame_equal(back[name], table, check_exact=True, obj=name)
    # a result directly: its tables plus the provenance sheet
    direct = read_excel_tables(to_excel(res, tmp_path / "res.xlsx"))
    assert list(direct) == ["scores", "changes", "node_scores", "provenance"]
    prov = direct["provenance"].set_index("key")["value"]
    assert prov["method.window"] == "3" and prov["fingerprints.panel"] == f'"{panel.fingerprint}"'


def test_sheet_layout(tmp_path: Path) -> None:
    path = to_excel({"a" * 40: _mixed(), "x/y": pd.DataFrame({"v": [1.5]})}, tmp_path / "l.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["a" * 31, "x_y", "_govindex"]  # Excel limits: 31 chars, no /
    assert wb["_govindex"].sheet_state == "hidden"
    ws = wb["a" * 31]
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]][:4] == ["entity", "count", "n", "x"]  # index first
    assert ws["A1"].font.b
    assert ws["D2"].data_type == "n" and ws["D2"].value == 0.30000000000000004  # a number
    assert ws["B2"].data_type == "n" and ws["B3"].value is None  # missing → empty cell
    # widths from the content: 'entity' (6); floats as shown with 10 significant digits
    assert ws.column_dimensions["A"].width == 8  # max(len('entity'), len('R01')) + 2
    assert ws.column_dimensions["D"].width == len("1e-300") + 2  # 0.3, 1e-300 at %.10g


@pytest.mark.slow
def test_read_panel_and_catalog_from_excel(tmp_path: Path) -> None:
    panel, catalog = load_demo("leb")
    path = to_excel(
        {"panel": panel.to_frame(), "catalog": catalog.frame.reset_index(drop=True)},
        tmp_path / "leb.xlsx",
    )
    assert read_panel(path).fingerprint == panel.fingerprint
    assert read_catalog(path).fingerprint == catalog.fingerprint
    # a hand-made sheet (no govindex metadata): codes typed as numbers become text
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "data"
    for row in (
        ["entity", "indicator", "year", "value"],
        [101, "x", 2020, 1],
        ["A", "x", 2021.0, None],
    ):
        ws.append(row)
    wb.save(tmp_path / "hand.xlsx")
    p = read_panel(tmp_path / "hand.xlsx")
    assert list(p.entities) == ["101", "A"] and list(p.years) == [2020, 2021]
    assert p.values[0, 0, 0] == 1.0 and np.isnan(p.values[1, 0, 1])


def test_operational_inputs_from_excel(tmp_path: Path) -> None:
    from govindex.datasets import demo_data_dir

    inputs = pd.read_parquet(demo_data_dir() / "operational_inputs_local.parquet")
    path = to_excel({"inputs": inputs}, tmp_path / "in.xlsx")
    pd.testing.assert_frame_equal(read_table(path), inputs, check_exact=True)
    checked = read_excel_table(path, kind="inputs")
    assert checked.index[0] == 2 and checked["value"].dtype == np.float64  # Excel row numbers


def _sheet(tmp_path: Path, rows: list[list[object]], title: str = "panel") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    path = tmp_path / f"{title}.xlsx"
    wb.save(path)
    return path


def test_errors_name_sheet_row_and_column(tmp_path: Path) -> None:
    head = ["entity", "indicator", "year", "value"]
    bad_value = _sheet(tmp_path, [head, ["A", "x", 2020, 1.0], ["A", "x", 2021, "n/a"]])
    with pytest.raises(
        PanelError,
        match=r"panel.xlsx, sheet 'panel', column D \('value'\): expected a number.*"
        r"row 3: text 'n/a'",
    ):
        read_panel(bad_value)
    bad_year = _sheet(tmp_path, [head, ["A", "x", 2020.5, 1.0]])
    with pytest.raises(
        PanelError, match=r"column C \('year'\): expected a whole year.*row 2: float 2020.5"
    ):
        read_panel(bad_year)
    dup = _sheet(
        tmp_path, [head, ["A", "x", 2020, 1.0], [None, None, None, None], ["A", "x", 2020, 2.0]]
    )
    with pytest.raises(
        PanelError, match=r"sheet 'panel' \(rows are Excel row numbers\).*row 2 .*row 4 "
    ):
        read_panel(dup)  # the blank row 3 is skipped, the numbers stay Excel's
    no_code = _sheet(tmp_path, [head, [None, "x", 2020, 1.0]])
    with pytest.raises(
        PanelError, match=r"column A \('entity'\) has 1 missing or empty codes: row 2"
    ):
        read_panel(no_code)
    blank_head = _sheet(tmp_path, [["entity", None, "year"], ["A", "x", 2020]])
    with pytest.raises(PanelError, match=r"row 1: empty header in column\(s\) 'B'"):
        read_panel(blank_head)
    stray = _sheet(tmp_path, [head, ["A", "x", 2020, 1.0, "oops"]])
    with pytest.raises(
        PanelError, match=r"cell\(s\) 'E2' hold values in a column without a header"
    ):
        read_panel(stray)
    cat = _sheet(
        tmp_path, [["code", "parent", "weight"], ["G", None, 1], ["a", "G", "high"]], "catalog"
    )
    with pytest.raises(
        CatalogError, match=r"sheet 'catalog', column C \('weight'\).*row 3: text 'high'"
    ):
        read_catalog(cat)
    inputs = _sheet(
        tmp_path, [["entity", "criterion", "value"], ["R01", "open_data", True]], "inputs"
    )
    with pytest.raises(ScorecardError, match=r"column C \('value'\).*row 2: TRUE/FALSE"):
        read_excel_table(inputs, kind="inputs")
    with pytest.raises(PanelError, match=r"no sheet 'other'; its sheets are 'panel'"):
        read_excel_table(bad_value, "other", kind="panel")
    broken = tmp_path / "broken.xlsx"
    broken.write_text("not a zip")
    with pytest.raises(PanelError, match=r"cannot read Excel file .*broken.xlsx"):
        read_panel(broken)
    with pytest.raises(GovindexError, match=r"unknown kind 'wide'"):
        read_excel_table(bad_value, kind="wide")  # type: ignore[arg-type]


def test_restored_dtype_errors(tmp_path: Path) -> None:
    path = to_excel(
        {"t": pd.DataFrame({"n": [1, 2], "c": pd.Categorical(["a", "b"])})}, tmp_path / "t.xlsx"
    )
    wb = openpyxl.load_workbook(path)
    wb["t"]["A3"] = 2.5
    wb["t"]["B2"] = "z"
    wb.save(path)
    with pytest.raises(
        GovindexError, match=r"column A \('n'\): expected a whole number; found row 3: float 2.5"
    ):
        read_excel_table(path)


def test_write_errors(tmp_path: Path) -> None:
    with pytest.raises(
        GovindexError, match=r"table 't', column 'v': infinite values \(Excel rows 3\)"
    ):
        to_excel({"t": pd.DataFrame({"v": [1.0, np.inf]})}, tmp_path / "x.xlsx")
    with pytest.raises(GovindexError, match=r"to_excel expects a mapping"):
        to_excel([1, 2], tmp_path / "x.xlsx")
    with pytest.raises(GovindexError, match=r"duplicated column names 'a'"):
        to_excel({"t": pd.DataFrame([[1, 2]], columns=["a", "a"])}, tmp_path / "x.xlsx")
    with pytest.raises(
        GovindexError, match=r"Excel row 2: 'a\\x01b' contains characters Excel cannot store"
    ):
        to_excel({"t": pd.DataFrame({"s": ["a\x01b"]})}, tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()  # nothing half-written


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.floats(allow_infinity=False, width=64), min_size=1, max_size=12),
    st.lists(
        st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=8),
        min_size=1,
        max_size=12,
    ),
)
def test_round_trip_property(values: list[float], texts: list[str]) -> None:
    import tempfile

    n = min(len(values), len(texts))
    frame = pd.DataFrame({"v": np.array(values[:n]), "s": pd.array(texts[:n], dtype="str")})
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("error")
        back = read_excel_tables(to_excel({"t": frame}, Path(tmp) / "p.xlsx"))["t"]
    pd.testing.assert_frame_equal(back, frame, check_exact=True)
