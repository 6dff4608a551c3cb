"""Tests of :class:`govindex.Panel` and :func:`govindex.read_panel`.

Expected values are written out by hand from the small input tables.
"""

from __future__ import annotations

import copy
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from govindex import Catalog, Panel, PanelError, read_panel


def tidy(**overrides: object) -> pd.DataFrame:
    """A 2-entity × 2-indicator panel over 2020 and 2022 (2021 absent everywhere)."""
    data: dict[str, object] = {
        "entity": ["B", "A", "A", "B", "A"],
        "indicator": ["x", "x", "y", "y", "x"],
        "year": [2020, 2020, 2022, 2022, 2022],
        "value": [2.0, 1.0, 30.0, np.nan, 5.0],
    }
    data.update(overrides)
    return pd.DataFrame(data)


# ---------------------------------------------------------------------- happy path
def test_from_frame_dense_positions_and_full_year_range() -> None:
    p = Panel.from_frame(tidy())
    assert list(p.entities) == ["A", "B"]
    assert p.entities.name == "entity"
    assert list(p.indicators) == ["x", "y"]
    assert p.indicators.name == "indicator"
    # 2021 has no observation but the year axis is the full range 2020..2022
    assert p.years.tolist() == [2020, 2021, 2022]
    assert p.years.dtype == np.int64
    assert p.shape == (2, 2, 3)
    expected = np.full((2, 2, 3), np.nan)
    expected[0, 0, 0] = 1.0  # A, x, 2020
    expected[0, 0, 2] = 5.0  # A, x, 2022
    expected[0, 1, 2] = 30.0  # A, y, 2022
    expected[1, 0, 0] = 2.0  # B, x, 2020
    # B, y, 2022 was given as NaN: stays NaN
    np.testing.assert_array_equal(p.values, expected)
    assert p.sample_size is None
    assert not p.has_sample_size


def test_sample_sizes_are_placed_like_values() -> None:
    p = Panel.from_frame(tidy(sample_size=[200, 100, np.nan, 300, 150]))
    assert p.has_sample_size
    assert p.sample_size is not None
    assert p.sample_size[1, 0, 0] == 200  # B, x, 2020
    assert p.sample_size[0, 0, 0] == 100  # A, x, 2020
    assert p.sample_size[0, 0, 2] == 150  # A, x, 2022
    assert p.sample_size[1, 1, 2] == 300  # B, y, 2022
    assert np.isnan(p.sample_size[0, 1, 2])  # A, y, 2022 given as NaN
    assert np.isnan(p.sample_size[0, 0, 1])  # no observation in 2021


def test_numbers_given_as_text_and_float_years_are_accepted() -> None:
    df = tidy(year=["2020", "2020", 2022.0, "2022", 2022], value=["2", 1, "30.5", None, 5])
    p = Panel.from_frame(df)
    assert p.years.tolist() == [2020, 2021, 2022]
    assert p.values[0, 1, 2] == 30.5
    assert p.values[1, 0, 0] == 2.0


def test_extra_columns_are_ignored_and_codes_become_strings() -> None:
    df = tidy(entity=[2, 1, 1, 2, 1], note=list("abcde"))
    p = Panel.from_frame(df)
    assert list(p.entities) == ["1", "2"]
    assert list(p.to_frame().columns) == ["entity", "indicator", "year", "value"]


def test_input_frame_is_not_modified() -> None:
    df = tidy(sample_size=[1, 2, 3, 4, 5])
    before = copy.deepcopy(df)
    p = Panel.from_frame(df)
    pd.testing.assert_frame_equal(df, before)
    out = p.to_frame()
    out.loc[0, "value"] = -99.0  # mutating the copy must not touch the panel
    assert p.to_frame().loc[0, "value"] == 1.0


def test_arrays_are_read_only() -> None:
    p = Panel.from_frame(tidy(sample_size=[1, 2, 3, 4, 5]))
    with pytest.raises(ValueError, match="read-only"):
        p.values[0, 0, 0] = 9.0
    assert p.sample_size is not None
    with pytest.raises(ValueError, match="read-only"):
        p.sample_size[0, 0, 0] = 9.0
    with pytest.raises(AttributeError):
        p.values = np.zeros(1)  # type: ignore[misc]


# ---------------------------------------------------------------------- validation errors
def test_not_a_dataframe() -> None:
    with pytest.raises(PanelError, match="expected a pandas DataFrame, got list"):
        Panel.from_frame([1, 2])  # type: ignore[arg-type]


@pytest.mark.parametrize("col", ["entity", "indicator", "year", "value"])
def test_missing_required_column(col: str) -> None:
    with pytest.raises(PanelError, match=rf"missing required column\(s\) '{col}'"):
        Panel.from_frame(tidy().drop(columns=col))


@pytest.mark.parametrize("bad", ["", "  ", None, np.nan])
def test_missing_or_empty_entity_code_names_the_row(bad: object) -> None:
    df = tidy(entity=["B", "A", bad, "B", "A"])
    with pytest.raises(PanelError, match=r"'entity' has 1 missing or empty codes: row 2 "):
        Panel.from_frame(df)


def test_empty_indicator_code_names_the_row() -> None:
    df = tidy(indicator=["x", "x", "y", "", "x"])
    with pytest.raises(PanelError, match=r"'indicator' has 1 missing or empty codes: row 3 "):
        Panel.from_frame(df)


@pytest.mark.parametrize(
    ("bad", "shown"),
    [(2020.5, "year=2020.5"), ("abc", "year='abc'"), (np.nan, "year=nan"), (1e20, "year=1e+20")],
)
def test_non_integer_year_names_the_row(bad: object, shown: str) -> None:
    df = tidy(year=[2020, 2020, 2022, bad, 2022])
    with pytest.raises(PanelError, match=r"not integer years: row 3 \(entity='B'") as err:
        Panel.from_frame(df)
    assert shown in str(err.value)


def test_boolean_year_column() -> None:
    with pytest.raises(PanelError, match="'year' is boolean"):
        Panel.from_frame(tidy(year=[True, False, True, False, True]))


def test_absurd_year_span() -> None:
    with pytest.raises(PanelError, match=r"years span 202–2022"):
        Panel.from_frame(tidy(year=[2020, 2020, 2022, 202, 2022]))


def test_non_numeric_value_names_the_row() -> None:
    df = tidy(value=[2.0, "n/a", 30.0, np.nan, 5.0])
    with pytest.raises(PanelError, match=r"1 non-numeric values: row 1 \(.*value='n/a'\)"):
        Panel.from_frame(df)


@pytest.mark.parametrize("inf", [np.inf, -np.inf])
def test_infinite_value_names_the_row(inf: float) -> None:
    df = tidy(value=[2.0, 1.0, inf, np.nan, 5.0])
    with pytest.raises(PanelError, match=r"1 infinite values: row 2 \(entity='A', indicator='y'"):
        Panel.from_frame(df)


@pytest.mark.parametrize("bad", [-1, 2.5])
def test_bad_sample_size_names_the_row(bad: float) -> None:
    df = tidy(sample_size=[10, 10, bad, 10, 10])
    with pytest.raises(
        PanelError, match=rf"not non-negative integers: row 2 \(.*sample_size={bad}"
    ):
        Panel.from_frame(df)


def test_non_numeric_sample_size() -> None:
    df = tidy(sample_size=[10, 10, 10, "many", 10])
    with pytest.raises(PanelError, match=r"'sample_size' has 1 non-numeric values: row 3"):
        Panel.from_frame(df)


def test_duplicate_keys_name_both_rows() -> None:
    df = tidy(entity=["B", "A", "A", "B", "A"], year=[2020, 2020, 2022, 2022, 2020])
    # rows 1 and 4 are both (A, x, 2020)
    with pytest.raises(
        PanelError, match=r"2 rows share an \(entity, indicator, year\) key"
    ) as err:
        Panel.from_frame(df)
    assert "row 1 (entity='A'" in str(err.value)
    assert "row 4 (entity='A'" in str(err.value)


def test_unknown_indicators_vs_catalog() -> None:
    cat = Catalog.from_frame(pd.DataFrame({"code": ["R", "x"], "parent": ["", "R"]}))
    with pytest.raises(PanelError, match=r"not indicators of the catalog: 'y' \(e\.g\. row 2"):
        Panel.from_frame(tidy(), catalog=cat)
    # a parent node is not an indicator either
    df = tidy(indicator=["x", "x", "R", "R", "x"])
    with pytest.raises(PanelError, match=r"not indicators of the catalog: 'R'"):
        Panel.from_frame(df, catalog=cat)
    # only x: accepted
    ok = Panel.from_frame(tidy().query("indicator == 'x'"), catalog=cat)
    assert list(ok.indicators) == ["x"]


# ---------------------------------------------------------------------- views
def test_select_entities_indicators_years() -> None:
    p = Panel.from_frame(tidy())
    a = p.select(entities=["A"])
    assert list(a.entities) == ["A"]
    np.testing.assert_array_equal(a.values[0], p.values[0])
    y = p.select(indicators="y")
    assert list(y.indicators) == ["y"]
    assert list(y.entities) == ["A", "B"]
    only22 = p.select(years=[2022])
    assert only22.years.tolist() == [2022]
    np.testing.assert_array_equal(only22.values[:, :, 0], p.values[:, :, 2])


def test_select_compares_codes_in_the_panels_form() -> None:
    # the panel's codes are NFC and stripped; so are the codes a selection names
    nfd = unicodedata.normalize("NFD", "Йо")
    assert nfd != "Йо"
    p = Panel.from_frame(
        tidy(entity=["B", "Йо", "Йо", "B", "Йо"], indicator=["x", "x", "y", "y", "x"])
    )
    by_nfd = p.select(entities=[nfd], indicators=[" y"])
    assert list(by_nfd.entities) == ["Йо"] and list(by_nfd.indicators) == ["y"]
    assert by_nfd.to_frame()["value"].tolist() == [30.0]  # Йо, y, 2022 in tidy()
    with pytest.raises(PanelError, match=r"unknown entity code\(s\) in selection: 'Z'"):
        p.select(entities=[" Z "])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"entities": ["A", "Z"]}, r"unknown entity code\(s\) in selection: 'Z'"),
        ({"indicators": ["q"]}, r"unknown indicator code\(s\) in selection: 'q'"),
        ({"years": [2021]}, r"no observations for year\(s\) 2021"),
    ],
)
def test_select_unknown(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(PanelError, match=message):
        Panel.from_frame(tidy()).select(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("year", [2020.7, "2022", True, np.float64(2022.0)])
def test_year_index_takes_only_an_integer_year(year: object) -> None:
    # 2020.7 was cut to 2020 (position 0) and "2022" read as 2022, silently
    p = Panel.from_frame(tidy())
    with pytest.raises(PanelError, match=r"year must be an integer; found .* 2020–2022"):
        p.year_index(year)  # type: ignore[arg-type]
    with pytest.raises(PanelError, match="year must be an integer"):
        p.cross_section(year)  # type: ignore[arg-type]
    assert p.year_index(np.int64(2022)) == 2  # 2020, 2021, 2022


def test_cross_section() -> None:
    cs = Panel.from_frame(tidy()).cross_section(2022)
    assert cs.index.name == "entity"
    assert cs.columns.name == "indicator"
    assert cs.loc["A", "x"] == 5.0
    assert cs.loc["A", "y"] == 30.0
    assert np.isnan(cs.loc["B", "x"])
    assert np.isnan(cs.loc["B", "y"])
    empty_year = Panel.from_frame(tidy()).cross_section(2021)
    assert empty_year.isna().all().all()
    with pytest.raises(PanelError, match=r"year 2019 is outside the panel's years \(2020–2022\)"):
        Panel.from_frame(tidy()).cross_section(2019)


def test_to_frame_round_trip() -> None:
    df = tidy(sample_size=[1, 2, 3, 4, 5])
    out = Panel.from_frame(df).to_frame()
    expected = (
        df.astype(
            {"entity": "str", "indicator": "str", "value": "float64", "sample_size": "float64"}
        )
        .sort_values(["entity", "indicator", "year"])
        .reset_index(drop=True)
    )
    pd.testing.assert_frame_equal(out, expected, check_dtype=False)
    again = Panel.from_frame(out)
    np.testing.assert_array_equal(again.values, Panel.from_frame(df).values)


def test_fingerprint_ignores_row_order_but_not_values() -> None:
    df = tidy()
    shuffled = df.sample(frac=1.0, random_state=3)
    assert Panel.from_frame(df).fingerprint == Panel.from_frame(shuffled).fingerprint
    changed = tidy(value=[2.0, 1.0, 30.0, np.nan, 5.000001])
    assert Panel.from_frame(df).fingerprint != Panel.from_frame(changed).fingerprint


def test_repr() -> None:
    text = repr(Panel.from_frame(tidy()))
    assert text == "<Panel: 5 observations, 2 entities × 2 indicators × 3 years (2020–2022)>"


# ---------------------------------------------------------------------- files
def test_read_panel_csv_and_parquet(tmp_path: Path) -> None:
    df = tidy(entity=["007", "01", "01", "007", "01"])
    csv = tmp_path / "panel.csv"
    df.to_csv(csv, index=False)
    pq = tmp_path / "panel.parquet"
    df.to_parquet(pq)
    from_csv = read_panel(csv)
    from_pq = read_panel(pq)
    # codes with leading zeros stay text
    assert list(from_csv.entities) == ["007", "01"]
    np.testing.assert_array_equal(from_csv.values, Panel.from_frame(df).values)
    np.testing.assert_array_equal(from_pq.values, Panel.from_frame(df).values)
    assert from_csv.fingerprint == from_pq.fingerprint


def test_read_panel_validation_error_names_file(tmp_path: Path) -> None:
    csv = tmp_path / "bad.csv"
    csv.write_text("entity,indicator,year,value\nA,x,2020,1\nA,x,2020,2\n")
    with pytest.raises(PanelError, match=r"bad\.csv: 2 rows share"):
        read_panel(csv)


def test_read_panel_with_catalog(tmp_path: Path) -> None:
    csv = tmp_path / "p.csv"
    csv.write_text("entity,indicator,year,value\nA,x,2020,1\nA,z,2020,2\n")
    cat = Catalog.from_frame(pd.DataFrame({"code": ["R", "x"], "parent": ["", "R"]}))
    with pytest.raises(PanelError, match=r"p\.csv: 1 indicator code\(s\).*'z'"):
        read_panel(csv, catalog=cat)


def test_read_panel_bad_files(tmp_path: Path) -> None:
    missing = tmp_path / "nope.csv"
    with pytest.raises(PanelError, match="file not found"):
        read_panel(missing)
    xlsx = tmp_path / "p.txt"
    xlsx.write_text("x")
    with pytest.raises(PanelError, match=r"unsupported file type '\.txt'"):
        read_panel(xlsx)
    corrupt = tmp_path / "corrupt.parquet"
    corrupt.write_bytes(b"PAR1 this is not a parquet file")
    with pytest.raises(PanelError, match=r"cannot read parquet file .*corrupt\.parquet"):
        read_panel(corrupt)
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81\x00garbage")
    with pytest.raises(PanelError, match=r"binary\.csv"):
        read_panel(binary)
    wrong_cols = tmp_path / "cols.csv"
    wrong_cols.write_text("a,b\n1,2\n")
    with pytest.raises(PanelError, match=r"cols\.csv: panel is missing required column"):
        read_panel(wrong_cols)
