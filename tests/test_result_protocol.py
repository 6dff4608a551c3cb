"""Every public result type follows the one result protocol of ``govindex.results``.

The test finds every concrete subclass of :class:`~govindex.results.TableResult` in the
package and needs a case for each in ``CASES`` (a new result type without one fails
``test_every_result_type_has_a_case``). Each case builds the result from the bundled
SYNTHETIC demo data or small hand-made inputs and checks, outside the code under test:

* the protocol's members are there (``Result``: method, stages, scores, node_scores,
  regenerate) and the result is immutable;
* every frame handed out — properties, ``tables()``, ``stages``, ``to_frame()`` — is
  read-only for the result: writing into it, relabelling it or adding a column leaves
  the re-read frame equal to a snapshot taken before;
* a fresh computation, and ``regenerate()`` without changes, write byte-identical
  Parquet files (bit for bit the same tables and provenance);
* ``tables()`` and ``to_parquet`` agree: the same names, each file read back equals its
  table, and each file's metadata holds the provenance and the table's name;
* the provenance is JSON-serialisable and names the computation and its method.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import warnings
from collections.abc import Callable, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import govindex
from govindex import Catalog, Panel
from govindex._provenance import read_provenance
from govindex.results import HandOut, Result, TableResult

# --------------------------------------------------------------------------- inputs


def _quiet(build: Callable[[], Any]) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return build()


def _small_panel() -> Panel:
    """3 bodies × 2 indicators × 2021–2025, one gap (B/y/2024) for imputation."""
    rows = [
        (e, i, y, base * (1 + k * (y - 2021) / 100))
        for e, k in (("A", 1.0), ("B", 3.0), ("C", -2.0))
        for i, base in (("x", 100.0), ("y", 40.0))
        for y in range(2021, 2026)
        if (e, i, y) != ("B", "y", 2024)
    ]
    return Panel.from_frame(pd.DataFrame(rows, columns=["entity", "indicator", "year", "value"]))


def _small_catalog() -> Catalog:
    return Catalog.from_frame(
        pd.DataFrame(
            {"code": ["G", "x", "y"], "parent": ["", "G", "G"], "direction": [None, 1, -1]}
        )
    )


def _wide() -> pd.DataFrame:
    """8 bodies × 2 indicators; x has an outlier (H), y a gap (C)."""
    return pd.DataFrame(
        {"x": [1.0, 2, 3, 4, 5, 6, 7, 100], "y": [3.0, 1, np.nan, 4, 1, 5, 9, 2]},
        index=pd.Index(list("ABCDEFGH"), name="entity"),
    )


def _demo(kind: str) -> tuple[Panel, Catalog]:
    from govindex.datasets import load_demo

    return load_demo(kind)  # type: ignore[arg-type]


def _gpi() -> Result:
    from govindex import performance_index

    return _quiet(lambda: performance_index(*_demo("leb"), year=2025))


def _gpi_central_imputed() -> Result:
    from govindex import performance_index

    return _quiet(
        lambda: performance_index(
            *_demo("cgb"), year=2025, imputation={"method": "locf", "max_gap": 2}
        )
    )


def _composite() -> Result:
    from govindex import compute_index

    return _quiet(lambda: compute_index(*_demo("leb"), year=2025))


def _composite_prepared() -> Result:
    from govindex import compute_index

    return _quiet(
        lambda: compute_index(
            _small_panel(),
            _small_catalog(),
            year=2024,
            imputation={"method": "locf"},
            treatment={},
            coverage=0,
        )
    )


def _npi() -> Result:
    from govindex import progress_index
    from govindex.datasets import COUNTRY, OECD_AGGREGATE

    return _quiet(
        lambda: progress_index(
            *_demo("npi"), country=COUNTRY, reference=OECD_AGGREGATE, year=2025, base_year=2016
        )
    )


def _operational_round(year: int = 2019) -> Any:
    from govindex.operational import read_scorecard
    from govindex.operational.demo import demo_inputs

    inputs = demo_inputs("local")
    rows = inputs.loc[inputs["year"] == year]
    return _quiet(
        lambda: read_scorecard("local", year=year).score(rows, published_on=f"{year + 1}-02-03")
    )


def _operational() -> Result:
    pre = _operational_round()
    values = pre.input_values["strategic_goals"]
    entity = str(values.idxmin())
    low = float(values.min())
    res = pre.file_appeal(
        entity,
        "strategic_goals",
        claimed_value=round(low + 0.15, 3),
        reason="SYNTHETIC test appeal",
        filed_by="SYNTHETIC office",
        filed_on="2020-02-05",
    )
    res = res.decide_appeal(
        "local-2019-001",
        "partly",
        new_value=round(low + 0.08, 3),
        decided_by="SYNTHETIC commission",
        decided_on="2020-02-20",
        rationale="two targets documented",
    ).appeal(entity, "open_data", 0.0, reason="SYNTHETIC rejected appeal", decision="rejected")
    return res.finalize(  # type: ignore[no-any-return]
        decided_on="2020-03-02", protocol="SYNTHETIC-1", members=["SYNTHETIC member"]
    )


def _operational_preliminary() -> Result:
    return _operational_round()  # type: ignore[no-any-return]


def _imputation_panel() -> TableResult:
    from govindex import impute

    return _quiet(lambda: impute(_small_panel(), method="locf"))


def _imputation_wide() -> TableResult:
    from govindex import impute

    return _quiet(lambda: impute(_wide(), method="mean"))


def _treatment() -> TableResult:
    from govindex import treat

    return _quiet(lambda: treat(_wide().fillna(0.0)))


def _strengths() -> TableResult:
    from govindex import strengths_weaknesses

    return strengths_weaknesses(_gpi(), "R01")


def _strengths_operational() -> TableResult:
    from govindex import strengths_weaknesses

    res = _operational()
    return strengths_weaknesses(res, str(res.scores.index[0]))  # type: ignore[attr-defined]


def _quality() -> TableResult:
    from govindex import quality_report
    from govindex.datasets import demo_config_path

    return _quiet(lambda: quality_report(demo_config_path()))


_RUN = """\
[run]
name = "protocol test (hand-made data)"
years = 2025

[gpi.small]
panel = "panel.csv"
catalog = "catalog.csv"
window = 3
alpha = {alpha}
"""


@pytest.fixture(scope="module")
def run_folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from govindex import run_batch

    tmp = tmp_path_factory.mktemp("runs")
    out = []
    for name, alpha, bump in (("old", 0.05, 1.0), ("new", 0.1, 1.05)):
        folder = tmp / f"{name}_in"
        folder.mkdir()
        tidy = _small_panel().to_frame()
        last = (tidy["entity"] == "A") & (tidy["year"] == 2025)
        tidy.loc[last, "value"] = tidy.loc[last, "value"] * bump
        tidy.to_csv(folder / "panel.csv", index=False)
        _small_catalog().frame.to_csv(folder / "catalog.csv", index=False)
        (folder / "run.toml").write_text(_RUN.format(alpha=alpha), encoding="utf-8")
        _quiet(lambda f=folder, n=name: run_batch(f / "run.toml", output=tmp / n))
        out.append(tmp / name)
    return out[0], out[1]


_FOLDERS: dict[str, tuple[Path, Path]] = {}


def _diff() -> TableResult:
    from govindex import diff_runs

    old, new = _FOLDERS["runs"]
    return diff_runs(old, new)


def _recommendations() -> TableResult:
    from govindex.operational import draft_recommendations

    return draft_recommendations(_operational(), due="2020-12-31")  # type: ignore[arg-type]


def _years() -> TableResult:
    from govindex.operational import compare_years

    return compare_years({2018: _operational_round(2018), 2019: _operational()})


def _years_lineage() -> TableResult:
    from govindex.operational import compare_years

    moved = pd.DataFrame({"year": [2019], "old": ["R01"], "new": ["R21"], "share": [1.0]})
    res = _operational_round()
    renamed = res.inputs.assign(entity=res.inputs["entity"].replace("R01", "R21"))
    return compare_years(
        {
            2018: _operational_round(2018),
            2019: _quiet(lambda: res.regenerate(inputs=renamed, entities=None)),
        },
        lineage=moved,
    )


def _verification_plan() -> TableResult:
    from govindex.operational import select_for_verification
    from govindex.operational.demo import demo_inputs

    inputs = demo_inputs("local")
    now = inputs.loc[inputs["year"] == 2019].drop(columns="year")
    return select_for_verification(now, inputs.loc[inputs["year"] == 2018], n=4, seed=7)


def _verification_records() -> TableResult:
    from govindex.operational import read_verification
    from govindex.operational.demo import register_files

    return read_verification(_data_dir() / register_files("local")["verification"])


def _appeals_register() -> TableResult:
    from govindex.operational import read_appeals
    from govindex.operational.demo import register_files

    return read_appeals(_data_dir() / register_files("local")["appeals"])


def _data_dir() -> Path:
    from govindex.datasets import demo_data_dir

    return demo_data_dir()


def _uncertainty() -> TableResult:
    from govindex import uncertainty_analysis

    return _quiet(  # type: ignore[no-any-return]
        lambda: uncertainty_analysis(_gpi(), n=8, change=("catalog", "slope"), seed=3)
    )


def _sensitivity() -> TableResult:
    from govindex import sensitivity_analysis

    return _quiet(  # type: ignore[no-any-return]
        lambda: sensitivity_analysis(
            _gpi(), n=16, change=("catalog", "slope"), seed=3, num_resamples=20
        )
    )


def _attribution() -> TableResult:
    from govindex import attribute, performance_index

    old = _quiet(lambda: performance_index(*_demo("leb"), year=2024))
    return attribute(old, _gpi(), entity="R01")  # type: ignore[arg-type]


#: class name → builders (each a fresh computation from the inputs).
CASES: dict[str, list[Callable[[], TableResult]]] = {
    "IndexResult": [_composite, _composite_prepared],
    "PerformanceResult": [_gpi, _gpi_central_imputed],
    "ProgressResult": [_npi],
    "OperationalResult": [_operational, _operational_preliminary],
    "ImputationResult": [_imputation_panel, _imputation_wide],
    "TreatmentResult": [_treatment],
    "StrengthsWeaknesses": [_strengths, _strengths_operational],
    "QualityReport": [_quality],
    "RunDiff": [_diff],
    "Recommendations": [_recommendations],
    "YearComparison": [_years, _years_lineage],
    "VerificationPlan": [_verification_plan],
    "VerificationRecords": [_verification_records],
    "AppealsRegister": [_appeals_register],
    "UncertaintyResult": [_uncertainty],
    "SensitivityResult": [_sensitivity],
    "Attribution": [_attribution],
}


PARAMS = [
    pytest.param(build, id=f"{name}-{build.__name__.lstrip('_')}")
    for name, builds in CASES.items()
    for build in builds
]


def _result_classes() -> dict[str, type]:
    """Every concrete TableResult subclass defined in a module of the package."""
    for info in pkgutil.walk_packages(govindex.__path__, "govindex."):
        if info.name.endswith("__main__"):
            continue
        importlib.import_module(info.name)
    found: dict[str, type] = {}
    todo: list[type] = [TableResult]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if not inspect.isabstract(sub) and sub.__module__.startswith("govindex."):
                found[sub.__name__] = sub
    return found


@pytest.fixture(autouse=True)
def _folders(run_folders: tuple[Path, Path]) -> None:
    _FOLDERS["runs"] = run_folders


_BUILT: dict[Callable[[], TableResult], TableResult] = {}


def _built(build: Callable[[], TableResult]) -> TableResult:
    if build not in _BUILT:
        _BUILT[build] = build()
    return _BUILT[build]


# --------------------------------------------------------------------------- helpers


def _frames_handed_out(res: TableResult) -> dict[str, Callable[[], Any]]:
    """Every public way to get a frame from ``res``, as zero-argument getters."""
    getters: dict[str, Callable[[], Any]] = {}
    for name, attr in inspect.getmembers(type(res)):
        if name.startswith("_") or not isinstance(attr, property | cached_property | HandOut):
            continue
        value = getattr(res, name)
        if isinstance(value, pd.DataFrame | pd.Series):
            getters[name] = lambda n=name: getattr(res, n)
        elif (
            isinstance(value, Mapping)
            and value
            and all(isinstance(v, pd.DataFrame) for v in value.values())
        ):
            for key in value:
                getters[f"{name}[{key!r}]"] = lambda n=name, k=key: getattr(res, n)[k]
    for key in res.tables():
        getters[f"tables()[{key!r}]"] = lambda k=key: res.tables()[k]
    getters["to_frame()"] = res.to_frame
    return getters


def _other(value: Any) -> Any:
    """A different value of the same kind as ``value``."""
    if isinstance(value, bool | np.bool_):
        return not value
    if isinstance(value, int | float | np.number):
        return 1.0 if pd.isna(value) else value + 1
    return "MUTATED"


def _mutate(obj: pd.DataFrame | pd.Series) -> None:
    """Write into ``obj`` every way a user might: cells, labels, names, columns, arrays."""
    if len(obj) and (obj.ndim == 1 or obj.shape[1]):
        cell = obj.iloc[0] if obj.ndim == 1 else obj.iloc[0, 0]
        try:
            if obj.ndim == 1:
                obj.iloc[0] = _other(cell)
            else:
                obj.iloc[0, 0] = _other(cell)
        except (TypeError, ValueError):  # e.g. a category that does not exist: try NaN
            try:
                if obj.ndim == 1:
                    obj.iloc[0] = np.nan
                else:
                    obj.iloc[0, 0] = np.nan
            except (TypeError, ValueError):
                pass
        arr = obj.to_numpy()
        if arr.flags.writeable and arr.dtype.kind in "fc":
            arr.flat[0] = 1e300  # a copy: must not reach the result
        elif not arr.flags.writeable:
            with pytest.raises(ValueError, match="read-only"):
                arr.flat[0] = arr.flat[0]
    obj.index.names = [f"mutated{k}" for k in range(obj.index.nlevels)]
    if obj.ndim == 2:
        obj.columns.name = "mutated"
        obj["__mutated__"] = 1
    else:
        obj.name = "mutated"
    obj.attrs["mutated"] = True


def _assert_same(a: Any, b: Any, what: str) -> None:
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, check_exact=True, obj=what)
    else:
        pd.testing.assert_series_equal(a, b, check_exact=True, obj=what)
    assert a.attrs == b.attrs, what


def _datetimes_in_us(frame: pd.DataFrame) -> pd.DataFrame:
    """Parquet stores no second-resolution timestamps (``datetime64[s]`` comes back in
    ``ms``): compare datetime columns in one unit; every other column exactly."""
    units = {c: "datetime64[us]" for c, t in frame.dtypes.items() if t.kind == "M"}
    return frame.astype(units) if units else frame


def _parquet_bytes(res: TableResult, folder: Path) -> dict[str, bytes]:
    return {name: path.read_bytes() for name, path in res.to_parquet(folder, prefix="p_").items()}


def _as_json(value: Any) -> Any:
    return json.loads(json.dumps(value))


# --------------------------------------------------------------------------- tests


def test_every_result_type_has_a_case() -> None:
    classes = _result_classes()
    missing = sorted(set(classes) - set(CASES))
    assert not missing, f"result type(s) without a protocol case in CASES: {missing}"
    stale = sorted(set(CASES) - set(classes))
    assert not stale, f"CASES name classes that are not TableResult subclasses: {stale}"
    for name, builds in CASES.items():
        for build in builds:
            assert type(_built(build)) is classes[name], build.__name__


@pytest.mark.parametrize("build", PARAMS)
def test_members_and_immutability(build: Callable[[], TableResult]) -> None:
    res = _built(build)
    assert isinstance(res, TableResult)
    for name in ("provenance", "tables", "to_frame", "to_parquet", "_repr_html_"):
        assert hasattr(res, name), name
    assert isinstance(res.to_frame(), pd.DataFrame)
    tables = res.tables()
    assert tables and all(isinstance(t, pd.DataFrame) for t in tables.values())
    assert repr(res) and "<" in res._repr_html_()
    with pytest.raises(AttributeError):
        res.provenance = {}  # type: ignore[misc]
    with pytest.raises(AttributeError):
        res.anything_new = 1  # type: ignore[attr-defined]
    if isinstance(res, Result):
        stages = res.stages
        assert isinstance(stages, Mapping) and len(stages) >= 3
        assert all(isinstance(s, pd.DataFrame) for s in stages.values())
        assert next(iter(stages)) in ("raw", "inputs")
        assert list(stages)[-1] in ("aggregated", "totals")
        with pytest.raises(TypeError):
            stages["extra"] = pd.DataFrame()  # type: ignore[index]
        expected_index = ["year"] if res.provenance.get("index") == "NPI" else ["entity"]
        assert list(res.scores.index.names) == expected_index
        assert res.node_scores.columns.name == "node"
        assert callable(res.regenerate) and res.method is not None


@pytest.mark.parametrize("build", PARAMS)
def test_frames_handed_out_are_read_only(build: Callable[[], TableResult]) -> None:
    res = _built(build)
    getters = _frames_handed_out(res)
    assert getters
    before = {name: get().copy(deep=True) for name, get in getters.items()}
    for name, get in getters.items():
        _mutate(get())
        _assert_same(get(), before[name], name)
    for name, get in getters.items():  # and nothing leaked into another view
        _assert_same(get(), before[name], name)


def test_the_issue_example_gpi_scores_cannot_change_the_result() -> None:
    res = _built(_gpi)
    entity = str(res.scores.index[0])
    gpi = float(res.scores.loc[entity, "gpi"])
    with pytest.warns(pd.errors.ChainedAssignmentError):  # pandas: it never writes through
        res.scores.loc[entity, "gpi"] = -1
    given = res.scores
    given.loc[entity, "gpi"] = -1
    assert float(res.scores.loc[entity, "gpi"]) == gpi
    assert float(res.tables()["scores"].loc[entity, "gpi"]) == gpi


@pytest.mark.parametrize("build", PARAMS)
def test_fresh_computation_and_regenerate_are_bit_identical(
    build: Callable[[], TableResult], tmp_path: Path
) -> None:
    res = _built(build)
    expected = _parquet_bytes(res, tmp_path / "result")
    again = build()
    assert _parquet_bytes(again, tmp_path / "fresh") == expected
    if isinstance(res, Result):
        regenerated = _quiet(res.regenerate)
        assert type(regenerated) is type(res)
        assert _parquet_bytes(regenerated, tmp_path / "regenerated") == expected
        for name, frame in res.stages.items():
            _assert_same(regenerated.stages[name], frame, f"stages[{name!r}]")
        _assert_same(regenerated.scores, res.scores, "scores")
        _assert_same(regenerated.node_scores, res.node_scores, "node_scores")
        assert regenerated.provenance == res.provenance


@pytest.mark.parametrize("build", PARAMS)
def test_tables_and_parquet_agree(build: Callable[[], TableResult], tmp_path: Path) -> None:
    res = _built(build)
    tables = res.tables()
    files = res.to_parquet(tmp_path, prefix="p_", metadata={"protocol_test": True})
    assert list(files) == list(tables)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"p_{n}.parquet" for n in tables)
    for name, table in tables.items():
        back = pd.read_parquet(files[name])
        pd.testing.assert_frame_equal(
            _datetimes_in_us(back), _datetimes_in_us(table), check_exact=True, obj=name
        )
        meta = read_provenance(files[name])
        assert meta.pop("table") == name and meta.pop("protocol_test") is True
        assert meta.pop("govindex_version") == govindex.__version__
        assert meta == _as_json(res.provenance)


@pytest.mark.parametrize("build", PARAMS)
def test_provenance_is_json_and_names_the_method(build: Callable[[], TableResult]) -> None:
    res = _built(build)
    prov = res.provenance
    text = json.dumps(prov)  # strict: no default=str
    assert json.loads(text) == _as_json(prov)
    assert isinstance(prov.get("index", prov.get("kind")), str)
    if isinstance(res, Result):
        record = prov["method"] if "method" in prov else prov["scorecard"]
        assert _as_json(record) == _as_json(res.method.to_dict())
    prov["extra"] = 1  # a copy: the result keeps its own
    assert "extra" not in res.provenance
