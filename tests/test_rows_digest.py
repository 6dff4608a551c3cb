"""Tests of the panel fingerprint that chunks of entities compute and combine (RowsDigest).

Oracles: invariants (any row order and any split into chunks give the digest of the whole;
a changed cell changes it), a slow per-row loop that recomputes the lanes with Python
integers from the published splitmix64 finaliser, and the SYNTHETIC demo panel read whole
and by chunks of entities.
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govindex import GovindexError, Panel, read_panel
from govindex.datasets import demo_data_dir
from govindex.panel import ROWS_SCHEME, RowsDigest, rows_digest

MASK = (1 << 64) - 1


def tidy(n_entities: int = 6, n_years: int = 4, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    e, i, y = np.meshgrid(
        [f"E{k:02d}" for k in range(n_entities)], ["x", "y"], np.arange(2018, 2018 + n_years)
    )
    df = pd.DataFrame({"entity": e.ravel(), "indicator": i.ravel(), "year": y.ravel()})
    df["value"] = rng.normal(size=len(df)).round(3)
    df.loc[df.index[::7], "value"] = np.nan
    return df


# ------------------------------------------------------------ the lanes, against a slow loop
def _splitmix(z: int) -> int:
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def test_lanes_equal_a_per_row_loop_of_python_integers() -> None:
    df = pd.DataFrame({"a": [1.5, np.nan, -0.0, 7.0], "b": ["p", "q", None, "p"]})
    text = pd.util.hash_array(np.array(["p", "q"], dtype=object), categorize=False)
    cells_b = [int(text[0]), int(text[1]), 0x6D697373696E6721, int(text[0])]
    cells_a = [
        int(np.array([v], dtype=np.float64).view(np.uint64)[0]) for v in (1.5, np.nan, 0.0, 7.0)
    ]
    cells_a[1] = 0x7FF8000000000000
    lanes = [0, 0, 0, 0]
    for ca, cb in zip(cells_a, cells_b, strict=True):
        row = _splitmix((0 * 0x9E3779B97F4A7C15 & MASK) ^ ca)
        row = _splitmix(((row * 0x9E3779B97F4A7C15) & MASK) ^ cb)
        for k in range(4):
            lanes[k] = (lanes[k] + _splitmix((row + (k + 1) * 0x9E3779B97F4A7C15) & MASK)) & MASK
    got = rows_digest(df)
    assert got.lanes == tuple(lanes)
    assert got.count == 4 and got.columns == (("a", "number"), ("b", "text"))
    lanes_text = ",".join(f'"{v:016x}"' for v in lanes)
    canonical = (
        '{"columns":[["a","number"],["b","text"]],"count":4,'
        f'"lanes":[{lanes_text}],"scheme":"govindex-rows-1"}}'
    )
    assert got.hexdigest() == hashlib.sha256(canonical.encode()).hexdigest()


def test_blocks_of_rows_do_not_change_the_lanes() -> None:
    # more rows than one block of the implementation (2**14): the same as the per-row sums
    n = 40_000
    df = pd.DataFrame({"v": np.arange(n, dtype=np.float64)})
    want = [0, 0, 0, 0]
    bits = np.arange(n, dtype=np.float64).view(np.uint64).tolist()
    for b in bits:
        row = _splitmix(b)
        for k in range(4):
            want[k] = (want[k] + _splitmix((row + (k + 1) * 0x9E3779B97F4A7C15) & MASK)) & MASK
    assert rows_digest(df).lanes == tuple(want)


def test_hexdigest_is_pinned() -> None:
    # a change of the scheme (or of pandas' SipHash of text) must be a deliberate new
    # ROWS_SCHEME, never a silent change of every recorded fingerprint
    df = pd.DataFrame({"entity": ["A", "B"], "year": [2020, 2021], "value": [1.0, None]})
    assert ROWS_SCHEME == "govindex-rows-1"
    want = "b30480a8968f5e6f52afd858fb7d35842c269a1909d48da63dbc0369f44ee4db"
    assert rows_digest(df).hexdigest() == want


# ---------------------------------------------------------------- order and partitions
def test_row_order_does_not_matter() -> None:
    df = tidy()
    for seed in range(5):
        shuffled = df.sample(frac=1.0, random_state=seed)
        assert rows_digest(shuffled) == rows_digest(df)
        assert Panel.from_frame(shuffled).fingerprint == Panel.from_frame(df).fingerprint


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=4), min_size=48, max_size=48))
def test_any_partition_combines_to_the_whole(labels: list[int]) -> None:
    df = tidy()  # 6 entities × 2 indicators × 4 years = 48 rows
    part = np.asarray(labels)
    chunks = [rows_digest(df.loc[part == k]) for k in np.unique(part)]
    whole = rows_digest(df)
    assert RowsDigest.combine(chunks) == whole
    assert RowsDigest.combine(chunks[::-1]).hexdigest() == whole.hexdigest()
    total = chunks[0]
    for c in chunks[1:]:
        total = total + c
    assert total == whole


def test_empty_chunks_add_nothing() -> None:
    df = tidy()
    empty = rows_digest(df.iloc[:0])
    assert empty.count == 0 and empty.lanes == (0, 0, 0, 0)
    assert rows_digest(df) + empty == rows_digest(df)


def test_digest_is_picklable_and_immutable() -> None:
    d = rows_digest(tidy())
    assert pickle.loads(pickle.dumps(d)) == d
    with pytest.raises(AttributeError):
        d.count = 0  # type: ignore[misc]


def test_combine_refuses_other_columns_and_nothing() -> None:
    df = tidy()
    with pytest.raises(GovindexError, match="same column names, order and kinds"):
        rows_digest(df) + rows_digest(df.drop(columns="year"))
    with pytest.raises(GovindexError, match="same column names, order and kinds"):
        rows_digest(df) + rows_digest(df.astype({"year": "str"}))  # number vs text
    with pytest.raises(GovindexError, match="at least one digest"):
        RowsDigest.combine([])


# ------------------------------------------------------------------------- sensitivity
def _panel(df: pd.DataFrame) -> str:
    return Panel.from_frame(df).fingerprint


def test_changes_with_a_value_year_code_nan_or_column() -> None:
    df = tidy()
    base = _panel(df)
    value = df.copy()
    value.loc[3, "value"] = value.loc[3, "value"] + 1e-12
    year = df.copy()
    year.loc[df["year"] == 2021, "year"] = 2030  # a year relabelled (still unique keys)
    code = df.copy()
    code.loc[df["entity"] == "E03", "entity"] = "E99"
    nan_zero = df.copy()
    assert np.isnan(nan_zero.loc[0, "value"])
    nan_zero.loc[0, "value"] = 0.0
    sizes = df.assign(sample_size=np.nan)  # an added column, even all missing
    swapped = df.copy()  # the same values on other rows
    swapped.loc[[1, 2], "value"] = df.loc[[2, 1], "value"].to_numpy()
    fingerprints = [_panel(x) for x in (value, year, code, nan_zero, sizes, swapped)]
    assert base not in fingerprints
    assert len(set(fingerprints)) == len(fingerprints)


def test_ints_and_floats_agree_minus_zero_is_zero_missing_text_is_not_nan_text() -> None:
    assert rows_digest(pd.DataFrame({"x": [1, 2]})) == rows_digest(pd.DataFrame({"x": [1.0, 2.0]}))
    assert rows_digest(pd.DataFrame({"x": [-0.0]})) == rows_digest(pd.DataFrame({"x": [0.0]}))
    nullable = pd.DataFrame({"x": pd.array([1, None], dtype="Int64")})
    assert rows_digest(nullable) == rows_digest(pd.DataFrame({"x": [1.0, np.nan]}))
    missing = pd.DataFrame({"t": pd.array(["a", None], dtype="str")})
    nan_text = pd.DataFrame({"t": pd.array(["a", "nan"], dtype="str")})
    assert rows_digest(missing) != rows_digest(nan_text)
    assert rows_digest(missing) == rows_digest(pd.DataFrame({"t": ["a", None]}, dtype=object))


def test_column_names_and_order_matter() -> None:
    df = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]})
    assert rows_digest(df).hexdigest() != rows_digest(df.rename(columns={"a": "c"})).hexdigest()
    swapped = pd.DataFrame({"a": [3.0, 4.0], "b": [1.0, 2.0]})
    assert rows_digest(df) != rows_digest(swapped)


# ------------------------------------------------------------------- files and chunks
def test_csv_and_parquet_give_the_same_fingerprint(tmp_path: Path) -> None:
    df = tidy().assign(sample_size=100.0)
    df.to_csv(tmp_path / "p.csv", index=False)
    df.to_parquet(tmp_path / "p.parquet")
    from_csv, from_pq = read_panel(tmp_path / "p.csv"), read_panel(tmp_path / "p.parquet")
    assert from_csv.rows_digest == from_pq.rows_digest
    assert from_csv.fingerprint == from_pq.fingerprint == _panel(df)


@pytest.mark.parametrize("name", ["leb_panel.parquet", "npi_panel.parquet"])
def test_chunks_of_entities_of_the_demo_combine_to_the_whole(name: str) -> None:
    path = demo_data_dir() / name  # SYNTHETIC demo data
    whole = read_panel(path)
    entities = list(whole.entities)
    rng = np.random.default_rng(7)
    for n_chunks in (1, 2, 3, 5):
        labels = rng.integers(0, n_chunks, size=len(entities))
        chunks = [
            read_panel(path, entities=[e for e, k in zip(entities, labels, strict=True) if k == c])
            for c in np.unique(labels)
        ]
        assert RowsDigest.combine(p.rows_digest for p in chunks).hexdigest() == whole.fingerprint
    assert whole.rows_digest.count == len(whole.to_frame())
