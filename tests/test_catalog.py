"""Tests of :class:`govindex.Catalog` and :func:`govindex.read_catalog`."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from govindex import Catalog, CatalogError, read_catalog
from govindex.aggregate import AggregationSpec


def nodes(**overrides: object) -> pd.DataFrame:
    """Two roots: G → {econ → {gdp, unemp}, trust}, and H → {water}."""
    data: dict[str, object] = {
        "code": ["G", "econ", "gdp", "unemp", "trust", "H", "water"],
        "parent": ["", "G", "econ", "econ", "G", "", "H"],
        "direction": [None, None, 1, -1, 1, None, 1],
        "weight": [None, 2, 1, 3, 1, None, None],
    }
    data.update(overrides)
    return pd.DataFrame(data)


def test_defaults_filled() -> None:
    df = nodes()
    before = copy.deepcopy(df)
    cat = Catalog.from_frame(df)
    pd.testing.assert_frame_equal(df, before)  # input untouched
    f = cat.to_frame().set_index("code")
    # name defaults to the code, weight to 1, leaves get direction 1 and type statistical
    assert f.loc["gdp", "name"] == "gdp"
    assert f.loc["G", "weight"] == 1.0
    assert f.loc["water", "weight"] == 1.0
    assert f.loc["econ", "weight"] == 2.0
    assert f.loc["unemp", "direction"] == -1.0
    assert f.loc["water", "direction"] == 1.0
    assert f.loc["water", "type"] == "statistical"
    # parents keep no direction/type
    assert np.isnan(f.loc["econ", "direction"])
    assert f.loc["econ", "type"] == ""
    assert list(cat.to_frame().columns) == [
        "code",
        "name",
        "parent",
        "direction",
        "weight",
        "type",
        "aggregation",
        "normalization",
        "lower",
        "upper",
        "transform",
        "target",
        "change",
        "tolerance",
        "cap",
        "owner",
        "unit",
        "source",
        "sphere",
    ]


def test_structure_several_roots() -> None:
    cat = Catalog.from_frame(nodes())
    assert cat.roots == ["G", "H"]
    assert cat.indicators == ["gdp", "unemp", "trust", "water"]
    assert cat.children("G") == ["econ", "trust"]
    assert cat.children("econ") == ["gdp", "unemp"]
    assert cat.children("gdp") == []
    assert cat.is_indicator("trust")
    assert not cat.is_indicator("econ")
    assert cat.depth.to_dict() == {
        "G": 0,
        "econ": 1,
        "gdp": 2,
        "unemp": 2,
        "trust": 1,
        "H": 0,
        "water": 1,
    }
    assert cat.root_of.to_dict() == {
        "G": "G",
        "econ": "G",
        "gdp": "G",
        "unemp": "G",
        "trust": "G",
        "H": "H",
        "water": "H",
    }
    assert cat.descendants("G") == ["econ", "gdp", "unemp", "trust"]
    assert len(cat) == 7
    assert repr(cat) == "<Catalog: 7 nodes, 4 indicators, 2 root(s): 'G', 'H'>"


def test_depth_independent_of_row_order() -> None:
    # children listed before their parents
    df = nodes().iloc[::-1]
    cat = Catalog.from_frame(df)
    assert cat.depth["gdp"] == 2
    assert cat.depth["econ"] == 1
    assert cat.root_of["unemp"] == "G"


def test_subtree() -> None:
    sub = Catalog.from_frame(nodes()).subtree("econ")
    assert sub.roots == ["econ"]
    assert sub.codes == ["econ", "gdp", "unemp"]
    assert sub.depth.to_dict() == {"econ": 0, "gdp": 1, "unemp": 1}
    two = Catalog.from_frame(nodes()).subtree(["econ", "H"])
    assert two.roots == ["econ", "H"]


def test_unknown_code_and_column() -> None:
    cat = Catalog.from_frame(nodes())
    with pytest.raises(CatalogError, match="unknown node code 'nope'"):
        cat.children("nope")
    with pytest.raises(CatalogError, match="unknown catalog column 'colour'"):
        cat.column("colour")
    assert cat.column("weight", ["econ", "trust"]).tolist() == [2.0, 1.0]


def test_fingerprint_depends_on_content() -> None:
    a = Catalog.from_frame(nodes())
    b = Catalog.from_frame(nodes())
    c = Catalog.from_frame(nodes(weight=[None, 2, 1, 4, 1, None, None]))
    assert a.fingerprint == b.fingerprint
    assert a.fingerprint != c.fingerprint


# ---------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        # cycle: econ → unemp → econ (gdp hangs below it)
        (
            {"parent": ["", "unemp", "econ", "econ", "G", "", "H"]},
            r"cycle through node\(s\) 'econ', 'unemp'; node\(s\) below the cycle: 'gdp'",
        ),
        ({"parent": ["", "econ", "econ", "econ", "G", "", "H"]}, r"their own parent: 'econ'"),
        ({"parent": ["", "G", "econ", "ECON", "G", "", "H"]}, r"unknown parent .*'unemp→ECON'"),
        (
            {"code": ["G", "econ", "gdp", "gdp", "trust", "H", "water"]},
            r"duplicate node code\(s\): 'gdp'",
        ),
        ({"code": ["G", "econ", "gdp", "unemp", "", "H", "water"]}, r"empty 'code' \(rows 4\)"),
        ({"direction": [None, None, 1, 0, 1, None, 1]}, r"direction must be 1 or -1 .*'unemp'"),
        ({"direction": [None, None, 2, -1, 1, None, 1]}, r"direction must be 1 or -1 .*'gdp'"),
        ({"weight": [None, 2, -1, 3, 1, None, None]}, r"negative weight for code\(s\): 'gdp'"),
        ({"weight": [None, 2, 0, 0, 1, None, None]}, r"sum to 0 under parent\(s\) 'econ'"),
        (
            {"weight": [None, 2, "heavy", 3, 1, None, None]},
            r"'weight' must be numeric; non-numeric values for code\(s\) 'gdp': 'heavy'",
        ),
        ({"weight": [None, 2, np.inf, 3, 1, None, None]}, r"'weight' has infinite .*'gdp'"),
        ({"type": ["", "", "stat", "", "", "", ""]}, r"type must be one of .*'gdp'"),
        ({"change": ["", "", "", "cagr", "", "", ""]}, r"change must be one of .*'unemp'"),
        ({"transform": ["", "", "sqrt", "", "", "", ""]}, r"transform must be .*'gdp'"),
        ({"cap": [None, None, 0, None, None, None, None]}, r"cap must be positive .*'gdp'"),
        ({"tolerance": [None, None, -1, None, None, None, None]}, r"negative tolerance .*'gdp'"),
        (
            {
                "lower": [None, None, 5, None, None, None, None],
                "upper": [None, None, 5, *[None] * 4],
            },
            r"lower goalpost not below upper .*'gdp'",
        ),
        (
            {
                "transform": ["", "", "log", "", "", "", ""],
                "lower": [None, None, 0, None, None, None, None],
                "upper": [None, None, 100, None, None, None, None],
            },
            r"log transform needs positive lower/upper goalposts for code\(s\): 'gdp'",
        ),
        (
            {"aggregation": ["", "mean", "", "", "", "", ""]},
            r"unknown or malformed aggregation \(expected one of .*'arithmetic'.*'econ'",
        ),
        (
            {"aggregation": ["", "generalized(p=two)", "", "", "", "", ""]},
            r"malformed aggregation .*'econ'",
        ),
        (
            {"normalization": ["", "", "minimax", "", "", "", ""]},
            r"unknown normalization \(expected one of .*'minmax'.*'gdp'",
        ),
        ({"colour": ["r"] * 7}, r"unknown catalog column\(s\) 'colour'"),
    ],
)
def test_catalog_errors(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(CatalogError, match=message):
        Catalog.from_frame(nodes(**overrides))


def test_missing_required_column_and_not_a_frame() -> None:
    with pytest.raises(CatalogError, match=r"missing required column\(s\) 'parent'"):
        Catalog.from_frame(nodes().drop(columns="parent"))
    with pytest.raises(CatalogError, match="expected a pandas DataFrame, got dict"):
        Catalog.from_frame({"code": ["a"]})  # type: ignore[arg-type]


def test_direction_signs_as_text() -> None:
    cat = Catalog.from_frame(nodes(direction=["", "", "+", "-", "1", "", "-1"]))
    assert cat.column("direction", ["gdp", "unemp", "trust", "water"]).tolist() == [
        1.0,
        -1.0,
        1.0,
        -1.0,
    ]


# ---------------------------------------------------------------------- roll-up plan
def test_rollup_plan_shapes() -> None:
    df = nodes(aggregation=["", "geometric", "", "", "", "", ""])
    plan = Catalog.from_frame(df).rollup_plan("arithmetic")
    # depth 1 (econ) first, then depth 0 (G and H, both arithmetic)
    assert len(plan) == 2
    (econ,) = plan[0]
    assert econ.spec == AggregationSpec("geometric")
    assert econ.parents.tolist() == [1]  # position of econ
    assert econ.children.tolist() == [[2, 3]]  # gdp, unemp
    assert econ.weights.tolist() == [[1.0, 3.0]]
    (top,) = plan[1]
    assert top.spec == AggregationSpec("arithmetic")
    assert top.parents.tolist() == [0, 5]  # G and H
    # G has 2 children, H has 1: padded with -1 and weight 0
    assert top.children.tolist() == [[1, 4], [6, -1]]
    assert top.weights.tolist() == [[2.0, 1.0], [1.0, 0.0]]
    # a different default changes only the parents without an override
    plan_min = Catalog.from_frame(df).rollup_plan("min")
    assert plan_min[0][0].spec.name == "geometric"
    assert plan_min[1][0].spec.name == "min"


# ---------------------------------------------------------------------- files
def test_read_catalog_csv_parquet_toml(tmp_path: Path) -> None:
    df = nodes(name=["Index", "Economy", "GDP", "Unemployment", "Trust", "Other", "Water"])
    df.to_csv(tmp_path / "c.csv", index=False)
    df.to_parquet(tmp_path / "c.parquet")
    (tmp_path / "c.toml").write_text(
        """
[[node]]
code = "G"
name = "Index"
[[node]]
code = "econ"
name = "Economy"
parent = "G"
weight = 2
[[node]]
code = "gdp"
name = "GDP"
parent = "econ"
direction = 1
[[node]]
code = "unemp"
name = "Unemployment"
parent = "econ"
direction = -1
weight = 3
[[node]]
code = "trust"
name = "Trust"
parent = "G"
[[node]]
code = "H"
name = "Other"
[[node]]
code = "water"
name = "Water"
parent = "H"
""",
        encoding="utf-8",
    )
    expected = Catalog.from_frame(df).to_frame()
    for name in ("c.csv", "c.parquet", "c.toml"):
        got = read_catalog(tmp_path / name).to_frame()
        pd.testing.assert_frame_equal(got, expected, check_dtype=False, obj=name)


def test_read_catalog_errors(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="file not found"):
        read_catalog(tmp_path / "missing.toml")
    (tmp_path / "bad.toml").write_text("[[node]\ncode = ")
    with pytest.raises(CatalogError, match=r"cannot parse TOML catalog .*bad\.toml"):
        read_catalog(tmp_path / "bad.toml")
    (tmp_path / "nonode.toml").write_text('title = "x"\n')
    with pytest.raises(CatalogError, match=r"expected an array of tables \[\[node\]\]"):
        read_catalog(tmp_path / "nonode.toml")
    (tmp_path / "cyc.toml").write_text(
        '[[node]]\ncode = "a"\nparent = "b"\n[[node]]\ncode = "b"\nparent = "a"\n'
    )
    with pytest.raises(CatalogError, match=r"cyc\.toml: the tree has a cycle"):
        read_catalog(tmp_path / "cyc.toml")
    (tmp_path / "c.json").write_text("{}")
    with pytest.raises(CatalogError, match=r"unsupported file type '\.json'"):
        read_catalog(tmp_path / "c.json")
    (tmp_path / "corrupt.parquet").write_bytes(b"PAR1garbage")
    with pytest.raises(CatalogError, match=r"cannot read parquet file"):
        read_catalog(tmp_path / "corrupt.parquet")
    nodes(weight=[None, 2, -1, 3, 1, None, None]).to_csv(tmp_path / "neg.csv", index=False)
    with pytest.raises(CatalogError, match=r"neg\.csv: negative weight .*'gdp'"):
        read_catalog(tmp_path / "neg.csv")
