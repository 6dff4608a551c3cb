"""Tests of the one panel reader (govindex.read_panel) on copies of the SYNTHETIC demo data:
every format gives the same Panel, filters are applied, and every failure is the same
error type wherever the panel is read (directly, in a batch run, in the quality report).

Oracles: pandas filters of the Parquet file and Panel.select on the full panel.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from govindex import Panel, PanelError, read_panel
from govindex.analysis.quality import quality_report
from govindex.datasets import demo_data_dir
from govindex.io.batch import run_batch
from govindex.io.read import read_panel_rows

openpyxl = pytest.importorskip("openpyxl")

from govindex.io.excel import to_excel  # noqa: E402


@pytest.fixture(scope="module")
def full() -> pd.DataFrame:
    return pd.read_parquet(demo_data_dir() / "leb_panel.parquet")


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory, full: pd.DataFrame) -> dict[str, Path]:
    """The SYNTHETIC LEB panel as CSV, Parquet file, hive dataset, plain dataset and Excel."""
    folder = tmp_path_factory.mktemp("sources")
    paths = {
        "csv": folder / "leb.csv",
        "parquet": folder / "leb.parquet",
        "hive": folder / "leb_hive",
        "dataset": folder / "leb_parts",
        "excel": folder / "leb.xlsx",
    }
    full.to_csv(paths["csv"], index=False)
    shutil.copyfile(demo_data_dir() / "leb_panel.parquet", paths["parquet"])
    table = pq.read_table(paths["parquet"])
    ds.write_dataset(
        table, paths["hive"], format="parquet", partitioning=["year"], partitioning_flavor="hive"
    )
    ds.write_dataset(table, paths["dataset"], format="parquet", max_rows_per_file=5000,
                     max_rows_per_group=5000)  # fmt: skip
    to_excel({"panel": full}, paths["excel"])
    return paths


FORMATS = ["csv", "parquet", "hive", "dataset", "excel"]


@pytest.mark.parametrize("kind", FORMATS)
def test_every_format_reads_the_same_panel(
    sources: dict[str, Path], full: pd.DataFrame, kind: str
) -> None:
    want = Panel.from_frame(full)
    got = read_panel(sources[kind])
    assert got.fingerprint == want.fingerprint
    np.testing.assert_array_equal(got.values, want.values)
    assert got.sample_size is not None and want.sample_size is not None
    np.testing.assert_array_equal(got.sample_size, want.sample_size)
    assert list(got.entities) == list(want.entities) and list(got.years) == list(want.years)


@pytest.mark.parametrize("kind", FORMATS)
def test_filters_are_applied_in_every_format(
    sources: dict[str, Path], full: pd.DataFrame, kind: str
) -> None:
    years, indicators, entities = [2019, 2022, 2025], ["LEB_ECO01", "LEB_ENV02"], ["R02", "R07"]
    got = read_panel(sources[kind], years=years, indicators=indicators, entities=entities)
    rows = full.loc[
        full["year"].isin(years)
        & full["indicator"].isin(indicators)
        & full["entity"].isin(entities)
    ]
    assert len(rows) == 3 * 2 * 2
    assert got.fingerprint == Panel.from_frame(rows).fingerprint
    # the same as selecting from the whole panel
    whole = Panel.from_frame(full).select(years=years, indicators=indicators, entities=entities)
    assert got.fingerprint == whole.fingerprint
    up_to = read_panel(sources[kind], max_year=2020, indicators="LEB_ECO01")
    assert up_to.years[-1] == 2020 and list(up_to.indicators) == ["LEB_ECO01"]
    assert (
        up_to.fingerprint
        == Panel.from_frame(
            full.loc[(full["year"] <= 2020) & (full["indicator"] == "LEB_ECO01")]
        ).fingerprint
    )


@pytest.mark.parametrize("kind", FORMATS)
def test_missing_file_is_the_same_panel_error_everywhere(
    sources: dict[str, Path], kind: str, tmp_path: Path
) -> None:
    gone = tmp_path / sources[kind].name
    with pytest.raises(PanelError, match=rf"^file not found: .*{gone.name}$"):
        read_panel(gone)
    with pytest.raises(PanelError, match=rf"^file not found: .*{gone.name}$"):
        read_panel_rows(gone)


def test_missing_file_in_a_run_and_in_the_quality_report(tmp_path: Path) -> None:
    # the file disappears between reading the configuration and the run
    for f in ("leb_panel.parquet", "leb_catalog.csv"):
        shutil.copyfile(demo_data_dir() / f, tmp_path / f)
    cfg = tmp_path / "run.toml"
    cfg.write_text(
        '[run]\nyears = 2025\n[gpi.local]\npanel = "leb_panel.parquet"\n'
        'catalog = "leb_catalog.csv"\n'
    )
    from govindex.io.config import read_config

    config = read_config(cfg)
    (tmp_path / "leb_panel.parquet").unlink()
    with pytest.raises(PanelError, match=r"^\[gpi\.local\] file not found: .*leb_panel\.parquet"):
        run_batch(config, output=tmp_path / "out")
    report = quality_report(config)
    assert report.errors[0].startswith("[gpi.local] file not found:")


def test_required_partitions(sources: dict[str, Path]) -> None:
    got = read_panel(sources["hive"], years=[2024, 2025], require_years=[2024, 2025])
    assert list(got.years) == [2024, 2025]
    with pytest.raises(PanelError, match=r"missing partition\(s\) 'year=2031'"):
        read_panel(sources["hive"], years=[2025], require_years=[2025, 2031])
    # a dataset not partitioned by year has no partitions to require
    assert read_panel(sources["dataset"], years=[2025], require_years=[2031]).years[0] == 2025


def test_missing_columns_name_the_file_in_every_format(tmp_path: Path, full: pd.DataFrame) -> None:
    frame = full.drop(columns="value")
    frame.to_csv(tmp_path / "p.csv", index=False)
    frame.to_parquet(tmp_path / "p.parquet")
    to_excel({"panel": frame}, tmp_path / "p.xlsx")
    for name in ("p.csv", "p.parquet", "p.xlsx"):
        with pytest.raises(PanelError, match=rf"^{name}.*missing required column\(s\) 'value'"):
            read_panel(tmp_path / name, years=[2025])


def test_filters_never_hide_a_bad_row(tmp_path: Path) -> None:
    csv = tmp_path / "p.csv"
    csv.write_text("entity,indicator,year,value\nA,x,2020,1\nA,x,20x1,2\n")
    with pytest.raises(PanelError, match="not integer years"):
        read_panel(csv, years=[2020])
    csv.write_text("entity,indicator,year,value\nA,x,2020,1\n,x,2020,3\n")
    with pytest.raises(PanelError, match="missing or empty codes"):
        read_panel(csv, entities=["A"])


def test_rows_keep_duplicates_for_the_quality_report(tmp_path: Path) -> None:
    csv = tmp_path / "p.csv"
    csv.write_text("entity,indicator,year,value\nA,x,2020,1\nA,x,2020,2\nA,x,2019,5\n")
    rows = read_panel_rows(csv, years=[2020])
    assert rows["value"].tolist() == [1, 2] and rows.index.tolist() == [0, 1]
    with pytest.raises(PanelError, match=r"p\.csv: 2 rows share an \(entity, indicator, year\)"):
        read_panel(csv, years=[2020])


def test_excel_errors_keep_the_excel_rows_after_filtering(tmp_path: Path) -> None:
    path = to_excel(
        {
            "panel": pd.DataFrame(
                {
                    "entity": ["A", "A", "B", "A"],
                    "indicator": "x",
                    "year": [2019, 2020, 2020, 2020],
                    "value": [1.0, 2.0, 3.0, 4.0],
                }
            )
        },
        tmp_path / "p.xlsx",
    )
    with pytest.raises(
        PanelError, match=r"p\.xlsx, sheet 'panel' \(rows are Excel row numbers\).*row 3 .*row 5"
    ):
        read_panel(path, years=[2020])
    assert read_panel(path, years=[2019]).shape == (1, 1, 1)


def test_codes_stored_as_numbers_are_filtered_as_text(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {"entity": [101, 101, 202], "indicator": [7, 8, 7], "year": 2020, "value": [1.0, 2.0, 3.0]}
    )
    frame.to_parquet(tmp_path / "p.parquet")
    frame.to_csv(tmp_path / "p.csv", index=False)
    for name in ("p.parquet", "p.csv"):
        got = read_panel(tmp_path / name, entities=["101"], indicators=[7])  # type: ignore[list-item]
        assert list(got.entities) == ["101"] and list(got.indicators) == ["7"]
        assert got.values[0, 0, 0] == 1.0
