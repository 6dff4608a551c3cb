"""Property tests of the readers, the run configuration and the command line (issue 14).

For valid and invalid inputs alike: only govindex errors and warnings escape (never a raw
pandas, numpy or pyarrow error, a KeyError or an AttributeError), inputs are never
modified, the rows of a panel or a catalog can be permuted without changing anything, and
re-reading or re-running gives bit-identical results. The CLI answers every command line
with an exit status and at most one line on standard error, never a traceback and never
an "internal error".
"""

from __future__ import annotations

import copy
import csv
import io
import json
import shutil
import tempfile
import unicodedata
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout, suppress
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govindex import Catalog, Panel, performance_index, read_catalog, read_panel
from govindex.cli import main
from govindex.datasets import demo_data_dir
from govindex.exceptions import GovindexError, GovindexWarning
from govindex.io.config import RunConfig, parse_years, read_config
from govindex.io.read import read_panel_rows
from govindex.io.run_folder import read_run

SETTINGS = settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])

NA_WORDS = ["", "n/a", "NA", "null", "-", "NaN", "nan", "None", "#N/A", "..", "?"]
JUNK = [
    "1,5",
    "2020-01-01",
    "TRUE",
    "1e400",
    "-1e400",
    "0x10",
    "inf",
    "-inf",
    "１２",
    " 3 ",
    "1_0",
]


@contextmanager
def only_govindex() -> Iterator[None]:
    """Let a govindex error pass (it is the expected answer to bad input) and fail on any
    other exception; every warning must be a govindex warning."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with suppress(GovindexError):
            yield
    foreign = [w for w in caught if not issubclass(w.category, GovindexWarning)]
    assert not foreign, [f"{w.category.__name__}: {w.message}" for w in foreign]


def _same_array(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and np.array_equal(a, b, equal_nan=True)


# --------------------------------------------------------------------------- strategies

codes = st.one_of(
    st.sampled_from(["A", "B", "NA", "null", " A", "A ", "Й", unicodedata.normalize("NFD", "Й")]),
    st.text(max_size=4),
)
numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**20), 10**20).map(str),
    st.sampled_from(NA_WORDS + JUNK),
    st.text(max_size=4),
)
years = st.one_of(
    st.integers(1990, 2030).map(str),
    st.sampled_from(["", "2020.0", "2020.5", "n/a", "-1", "999999999999", "1e3"]),
)


@st.composite
def csv_panels(draw: st.DrawFn) -> str:
    header = draw(
        st.one_of(
            st.just(["entity", "indicator", "year", "value"]),
            st.just(["entity", "indicator", "year", "value", "sample_size"]),
            st.permutations(["entity", "indicator", "year", "value", "note"]),
            st.lists(st.sampled_from(["entity", "indicator", "year", "value", "x"]), max_size=6),
        )
    )
    cell = {"entity": codes, "indicator": codes, "year": years}
    rows = draw(
        st.lists(
            st.tuples(*(cell.get(h, numbers) for h in header)) if header else st.just(()),
            max_size=12,
        )
    )
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


cells = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=3),
    st.sampled_from(
        [pd.Timestamp("2020-01-01"), pd.Timedelta("1D"), pd.Period("2020"), 1 + 1j, pd.NA, b"1"]
    ),
)


@st.composite
def frames(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(0, 8))
    columns = draw(
        st.lists(
            st.sampled_from(["entity", "indicator", "year", "value", "sample_size", "other"]),
            min_size=3,
            max_size=7,
        )
    )
    data = {}
    for j, col in enumerate(columns):
        if col == "year" and draw(st.booleans()):
            values: list[Any] = draw(st.lists(st.integers(2018, 2026), min_size=n, max_size=n))
        elif col in ("entity", "indicator") and draw(st.booleans()):
            values = draw(st.lists(st.sampled_from(["A", "B", "x", "y "]), min_size=n, max_size=n))
        elif col == "value" and draw(st.booleans()):
            values = draw(st.lists(st.floats(-1e6, 1e6), min_size=n, max_size=n))
        else:
            values = draw(st.lists(cells, min_size=n, max_size=n))
        data[j] = pd.Series(values, dtype=object if not values else None)
    frame = pd.DataFrame(data)
    frame.columns = columns
    return frame


# --------------------------------------------------------------------------- readers


@pytest.mark.slow
@SETTINGS
@given(text=csv_panels(), na=st.lists(st.sampled_from(NA_WORDS), max_size=2))
def test_csv_panels_read_or_raise_a_govindex_error(text: str, na: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.csv"
        path.write_bytes(text.encode())
        with only_govindex():
            read_panel_rows(path, na_values=na)
        with only_govindex():
            first = read_panel(path, na_values=na or None, years=[2020, 2021, 2025])
            again = read_panel(path, na_values=na or None, years=[2020, 2021, 2025])
            assert first.fingerprint == again.fingerprint  # re-reading is bit-identical
            assert _same_array(first.values, again.values)
        assert path.read_bytes() == text.encode()  # the file is never modified


@SETTINGS
@given(frame=frames())
def test_panel_from_any_frame_raises_only_govindex_errors_and_never_mutates(
    frame: pd.DataFrame,
) -> None:
    before = frame.copy(deep=True)
    with only_govindex():
        panel = Panel.from_frame(frame)
        # the same rows in another order make the same panel
        shuffled = Panel.from_frame(frame.iloc[::-1])
        assert panel.fingerprint == shuffled.fingerprint
        assert _same_array(panel.values, shuffled.values)
    pd.testing.assert_frame_equal(frame, before)


@pytest.mark.slow
@SETTINGS
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["G", "a", "b", "c", "d", " a", "e", ""]),
            st.sampled_from(["", "G", "a", "b", "x", "c"]),
            st.one_of(st.none(), st.floats(-1, 3), st.sampled_from(["n/a", "1", "-", "+"])),
            st.sampled_from(["", "arithmetic", "geometric", "min", "generalized(p=2)", "mean!"]),
        ),
        min_size=1,
        max_size=8,
    ),
    seed=st.integers(0, 2**16),
)
def test_catalogs_raise_only_catalog_errors_and_ignore_row_order(
    rows: list[tuple[Any, ...]], seed: int
) -> None:
    frame = pd.DataFrame(rows, columns=["code", "parent", "weight", "aggregation"])
    before = frame.copy(deep=True)
    with only_govindex():
        catalog = Catalog.from_frame(frame)
        permuted = Catalog.from_frame(frame.sample(frac=1, random_state=seed))
        assert permuted.fingerprint == catalog.fingerprint
        assert sorted(permuted.codes) == sorted(catalog.codes)
    pd.testing.assert_frame_equal(frame, before)


@st.composite
def trees(draw: st.DrawFn) -> pd.DataFrame:
    """A valid two-level catalog with random weights, directions and aggregations."""
    n_groups = draw(st.integers(1, 3))
    rows = [("G", "", np.nan, "", np.nan)]
    k = 0
    for g in range(n_groups):
        # (progress scores can be 0: no geometric or harmonic mean of them)
        agg = draw(st.sampled_from(["", "arithmetic", "min", "median", "generalized(p=2)"]))
        rows.append((f"g{g}", "G", draw(st.floats(0.1, 3)), agg, np.nan))
        for _ in range(draw(st.integers(1, 4))):
            rows.append(
                (f"i{k}", f"g{g}", draw(st.floats(0.1, 3)), "", draw(st.sampled_from([1, -1])))
            )
            k += 1
    return pd.DataFrame(rows, columns=["code", "parent", "weight", "aggregation", "direction"])


@pytest.mark.slow
@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow])
@given(tree=trees(), seed=st.integers(0, 2**16), data=st.data())
def test_gpi_from_a_catalog_file_is_the_same_in_any_row_order(
    tree: pd.DataFrame, seed: int, data: st.DataObject
) -> None:
    leaves = [c for c in tree["code"] if c.startswith("i")]
    rng = np.random.default_rng(seed)
    panel = Panel.from_frame(
        pd.DataFrame(
            [(e, i, y, float(v)) for e in "ABCD" for i in leaves for y, v in
             zip((2022, 2025), rng.uniform(1, 100, 2), strict=True)],
            columns=["entity", "indicator", "year", "value"],
        )
    )  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        a, b = Path(tmp) / "a.csv", Path(tmp) / "b.csv"
        tree.to_csv(a, index=False)
        tree.sample(frac=1, random_state=seed).to_csv(b, index=False)
        ca, cb = read_catalog(a), read_catalog(b)
    assert ca.fingerprint == cb.fingerprint
    change = data.draw(st.sampled_from(["relative", "absolute", "slope"]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GovindexWarning)
        ra = performance_index(panel, ca, year=2025, change=change)
        rb = performance_index(panel, cb, year=2025, change=change)
    assert _same_array(ra.scores["gpi"].to_numpy(), rb.scores["gpi"].to_numpy())
    nb = rb.node_scores.reindex(index=ra.node_scores.index, columns=ra.node_scores.columns)
    assert _same_array(ra.node_scores.to_numpy(), nb.to_numpy())


# --------------------------------------------------------------------------- configuration

toml_values = st.recursive(
    st.one_of(
        st.booleans(),
        st.integers(-(10**12), 10**12),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=6),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)

VALID: dict[str, Any] = {
    "run": {"name": "prop", "years": 2025, "output": "out"},
    "gpi": {"local": {"panel": "leb_panel.parquet", "catalog": "leb_catalog.csv", "window": 3}},
    "npi": {
        "panel": "npi_panel.parquet",
        "catalog": "npi_catalog.csv",
        "country": "DMO",
        "reference": "OECD",
    },
    "operational": {
        "local": {"scorecard": "local", "inputs": "operational_inputs_local.parquet", "year": 2019}
    },
}
PATHS = [("run",), ("run", "years"), ("run", "output"), ("gpi",), ("gpi", "local"),
         ("gpi", "local", "window"), ("gpi", "local", "change"), ("gpi", "local", "panel"),
         ("gpi", "local", "imputation"), ("gpi", "local", "roots"), ("gpi", "local", "na_values"),
         ("npi", "reference"), ("npi", "country"), ("npi", "base_year"), ("npi", "cap"),
         ("npi", "coverage"), ("npi",), ("operational", "local", "year"), ("operational",),
         ("extra",), ("gpi", "x/../y")]  # fmt: skip


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("prop_inputs")
    for f in demo_data_dir().iterdir():
        if f.suffix in (".parquet", ".csv"):
            shutil.copyfile(f, folder / f.name)
    return folder


def _mutate(config: dict[str, Any], path: tuple[str, ...], value: object, delete: bool) -> None:
    node = config
    for key in path[:-1]:
        if not isinstance(node.get(key), dict):
            return
        node = node[key]
    if delete:
        node.pop(path[-1], None)
    else:
        node[path[-1]] = value


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    changes=st.lists(
        st.tuples(st.sampled_from(PATHS), toml_values, st.booleans()), min_size=1, max_size=3
    )
)
def test_configurations_are_valid_or_a_config_error(
    data_dir: Path, changes: list[tuple[tuple[str, ...], object, bool]]
) -> None:
    config = copy.deepcopy(VALID)
    for path, value, delete in changes:
        _mutate(config, path, value, delete)
    before = copy.deepcopy(config)
    with only_govindex():
        cfg = RunConfig.from_dict(config, base_dir=data_dir)
        json.dumps(cfg.to_dict())  # what the manifest records is JSON
    assert config == before  # the mapping is never modified


@SETTINGS
@given(value=st.one_of(toml_values, st.text(max_size=12), st.integers()))
def test_years_parse_or_raise_a_config_error(value: object) -> None:
    with only_govindex():
        years = parse_years(value)
        assert list(years) == sorted(set(years)) and len(years) <= 501


@SETTINGS
@given(text=st.text(max_size=80))
def test_any_toml_text_is_a_configuration_or_a_config_error(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "run.toml"
        path.write_text(text, encoding="utf-8")
        with only_govindex():
            read_config(path)


@SETTINGS
@given(manifest=toml_values, extra=st.dictionaries(st.text(max_size=8), toml_values, max_size=3))
def test_any_manifest_is_a_run_or_a_run_folder_error(manifest: object, extra: dict) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        content = {**extra, "files": manifest} if extra else manifest
        (folder / "manifest.json").write_text(json.dumps(content), encoding="utf-8")
        with only_govindex():
            run = read_run(folder)
            run.config  # noqa: B018 - the property checks what a manifest holds


# --------------------------------------------------------------------------- command line


@pytest.fixture(scope="module")
def cli_inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("cli_inputs")
    for name in ("leb_panel.parquet", "leb_catalog.csv"):
        shutil.copyfile(demo_data_dir() / name, folder / name)
    (folder / "good.toml").write_text(
        '[run]\nyears = 2025\n[gpi.local]\npanel = "leb_panel.parquet"\n'
        'catalog = "leb_catalog.csv"\n'
    )
    (folder / "deep.toml").write_text("a = " + "[" * 3000 + "]" * 3000)
    (folder / "binary.toml").write_bytes(b"\xff\xfe\x00[run")
    (folder / "na.toml").write_text(
        '[run]\nyears = 2025\n[gpi.x]\npanel = "na.csv"\ncatalog = "leb_catalog.csv"\n'
    )
    (folder / "na.csv").write_text("entity,indicator,year,value\nA,LEB_ECO01,2025,n/a\n")
    assert main(["run", str(folder / "good.toml"), "--out", str(folder / "run"), "--quiet"]) == 0
    return {
        "good": folder / "good.toml",
        "deep": folder / "deep.toml",
        "binary": folder / "binary.toml",
        "na": folder / "na.toml",
        "missing": folder / "missing.toml",
        "folder": folder,
        "run": folder / "run",
    }


@st.composite
def command_lines(draw: st.DrawFn, inputs: dict[str, Path], out: Path) -> list[str]:
    command = draw(st.sampled_from(["run", "validate", "diff", "report", "frobnicate"]))
    source = str(inputs[draw(st.sampled_from(sorted(inputs)))])
    argv = [command, source]
    if command == "diff":
        other = draw(st.sampled_from(["run", "missing", "inputs"]))
        argv.append(str(inputs["good"].parent if other == "inputs" else inputs[other]))
        if draw(st.booleans()):
            argv += ["--rows", draw(st.sampled_from(["5", "-1", "x", "0"]))]
    if command in ("run", "validate") and draw(st.booleans()):
        argv += ["--years", draw(st.one_of(st.sampled_from(
            ["2025", "2024:2025", "2025:2024", "0:2000000000", "2023,2025", "x", ",", "2025.5"]),
            st.text(max_size=6)))]  # fmt: skip
    if command in ("run", "report"):
        argv += ["--out", str(out / draw(st.sampled_from(["a", "b"])))]
    if command == "report" and draw(st.booleans()):
        argv += ["--year", draw(st.sampled_from(["2025", "2019", "x"])), "--no-charts"]
    return argv


def _call(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with redirect_stderr(err), redirect_stdout(io.StringIO()):
        try:
            status = main(argv)
        except SystemExit as exc:  # argparse: a wrong command line
            status = int(exc.code or 0)
    return status, err.getvalue()


@pytest.mark.slow
@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_command_line_gets_a_status_and_at_most_one_line(
    cli_inputs: dict[str, Path], tmp_path: Path, data: st.DataObject
) -> None:
    inputs = {k: v for k, v in cli_inputs.items() if k != "folder"}
    argv = data.draw(command_lines(inputs, tmp_path))
    before = {p: p.read_bytes() for p in cli_inputs["folder"].glob("*.*") if p.is_file()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GovindexWarning)
        status, err = _call(argv)
    assert status in (0, 1, 2), (argv, status, err)
    assert "Traceback" not in err and "internal error" not in err, (argv, err)
    if status == 2:  # argparse: its usage line, then one error line
        assert err.strip().splitlines()[-1].startswith("govindex"), (argv, err)
    else:
        assert len(err.strip().splitlines()) <= 1, (argv, err)
    if status == 1 and argv[0] != "validate":  # validate prints its report, then exits 1
        assert err.strip(), argv
    after = {p: p.read_bytes() for p in before}
    assert after == before  # inputs never modified


@pytest.mark.slow
def test_rerunning_a_configuration_is_bit_identical(
    cli_inputs: dict[str, Path], tmp_path: Path
) -> None:
    def tree(folder: Path) -> dict[str, bytes]:
        return {
            p.relative_to(folder).as_posix(): p.read_bytes()
            for p in folder.rglob("*")
            if p.is_file()
        }

    for name in ("a", "b"):
        assert (
            main(["run", str(cli_inputs["good"]), "--out", str(tmp_path / name), "--quiet"]) == 0
        )
    assert tree(tmp_path / "a") == tree(tmp_path / "b")
