"""The analysis results (uncertainty, sensitivity, attribution) follow the result protocol.

Every result is a :class:`~govindex.results.TableResult`: ``provenance`` is a property
(JSON-serialisable), every frame handed out is a read-only copy (writing into it never
changes the result), and ``tables()``, ``to_parquet`` and the files written agree.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pandas as pd
import pytest

from govindex import compute_index, performance_index
from govindex._provenance import read_provenance
from govindex.analysis.attribution import Attribution, attribute
from govindex.analysis.sensitivity import SensitivityResult, sensitivity_analysis
from govindex.analysis.uncertainty import UncertaintyResult, uncertainty_analysis
from govindex.datasets import load_demo
from govindex.results import TableResult


@pytest.fixture(scope="module")
def results() -> dict[str, TableResult]:
    panel, catalog = load_demo("leb")  # SYNTHETIC demo data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gpi = performance_index(panel, catalog, year=2025)
        old = compute_index(panel, catalog, year=2024)
        new = compute_index(panel, catalog, year=2025)
        return {
            "uncertainty": uncertainty_analysis(
                gpi, n=20, change=("catalog", "slope"), weight_noise=0.2, seed=1
            ),
            "sensitivity": sensitivity_analysis(
                gpi, n=16, change=("catalog", "slope"), seed=1, num_resamples=20
            ),
            "attribution": attribute(old, new, entity=str(new.scores.index[0])),
        }


def test_types(results: dict[str, TableResult]) -> None:
    assert isinstance(results["uncertainty"], UncertaintyResult)
    assert isinstance(results["sensitivity"], SensitivityResult)
    assert isinstance(results["attribution"], Attribution)
    for res in results.values():
        assert isinstance(res, TableResult)


@pytest.mark.parametrize("name", ["uncertainty", "sensitivity", "attribution"])
def test_provenance_is_a_json_property(results: dict[str, TableResult], name: str) -> None:
    res = results[name]
    prov = res.provenance
    assert isinstance(prov, dict)
    assert prov["index"].startswith(name.replace("sensitivity", "sobol"))
    json.dumps(prov)  # serialisable, as the Parquet metadata needs


@pytest.mark.parametrize("name", ["uncertainty", "sensitivity", "attribution"])
def test_frames_handed_out_are_read_only(results: dict[str, TableResult], name: str) -> None:
    res = results[name]
    for table_name, frame in res.tables().items():
        before = res.tables()[table_name].copy()
        col = next(c for c in frame.columns if pd.api.types.is_float_dtype(frame[c]))
        frame.loc[frame.index[0], col] = -999.0
        pd.testing.assert_frame_equal(res.tables()[table_name], before)
    properties = {
        "uncertainty": ["design", "weights", "scores", "ranks", "deteriorated", "nominal",
                        "rank_summary"],
        "sensitivity": ["indices"],
        "attribution": ["table"],
    }[name]  # fmt: skip
    for prop in properties:
        given = getattr(res, prop)
        before = given.copy()
        col = next(c for c in given.columns if pd.api.types.is_float_dtype(given[c]))
        given.loc[given.index[0], col] = -999.0  # writes into the copy handed out ...
        assert given.loc[given.index[0], col] == -999.0
        pd.testing.assert_frame_equal(getattr(res, prop), before)  # ... not into the result


@pytest.mark.parametrize("name", ["uncertainty", "sensitivity", "attribution"])
def test_tables_and_to_parquet_agree(
    results: dict[str, TableResult], name: str, tmp_path: Path
) -> None:
    res = results[name]
    tables = res.tables()
    written = res.to_parquet(tmp_path, prefix=f"{name}_", metadata={"run": "t"})
    assert isinstance(written, dict)
    assert list(written) == list(tables)
    for table_name, path in written.items():
        assert path == tmp_path / f"{name}_{table_name}.parquet"
        back = pd.read_parquet(path)
        pd.testing.assert_frame_equal(back, tables[table_name], check_index_type=False)
        meta = read_provenance(path)
        assert meta["table"] == table_name and meta["run"] == "t"
        assert meta["index"] == res.provenance["index"]
    assert isinstance(res.to_frame(), pd.DataFrame)
    assert repr(res) and "<div>" in res._repr_html_()
