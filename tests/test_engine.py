"""Tests of :func:`govindex.compute_index` and :class:`IndexResult`.

Values come from hand calculations written out below, a slow loop-based oracle
written independently of the vectorised engine, and hypothesis invariants.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from govindex import Catalog, DataWarning, MethodError, Panel, PanelError, compute_index
from govindex._provenance import read_provenance
from govindex.exceptions import AggregationError, NormalizationWarning
from govindex.indices.composite import IndexMethod, IndexResult

NAN = np.nan
HYPO = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def long(values: dict[str, list[float]], entities: list[str], year: int = 2024) -> pd.DataFrame:
    rows = [
        {"entity": e, "indicator": ind, "year": year, "value": v}
        for ind, vals in values.items()
        for e, v in zip(entities, vals, strict=True)
    ]
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------- hand-computed tree
def hand_catalog() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": ["GPI", "econ", "gdp", "unemp", "soc", "life", "crime"],
            "parent": ["", "GPI", "econ", "econ", "GPI", "soc", "soc"],
            "direction": [None, None, 1, -1, None, 1, -1],
            "weight": [None, 2, 1, 3, 1, 1, 1],
            "aggregation": ["", "geometric", "", "", "", "", ""],
            "normalization": ["", "", "", "", "", "goalposts", ""],
            "lower": [None, None, None, None, None, 40, None],
            "upper": [None, None, None, None, None, 90, None],
        }
    )


def hand_panel() -> pd.DataFrame:
    return long(
        {
            "gdp": [10, 20, 30],
            "unemp": [4, 8, 6],
            "life": [65, 90, 95],
            "crime": [5, 1, 3],
        },
        ["A", "B", "C"],
    )


def test_hand_computed_two_level_tree() -> None:
    panel = Panel.from_frame(hand_panel())
    catalog = Catalog.from_frame(hand_catalog())
    res = compute_index(
        panel,
        catalog,
        year=2024,
        normalization="minmax",
        normalization_params={"low": 10, "high": 100},
    )
    # minmax to [10, 100]: y = 10 + 90 * share
    # gdp (d=+1, min 10, max 30): share 0, .5, 1 -> 10, 55, 100
    # unemp (d=-1, min 4, max 8): share (8-x)/4 = 1, 0, .5 -> 100, 10, 55
    # life: catalog override goalposts 40..90 (own defaults: scale 100, truncation):
    #   (65-40)/50 = .5 -> 50 ; (90-40)/50 = 1 -> 100 ; 95 -> 1.1 truncated -> 100
    # crime (d=-1, min 1, max 5): share (5-x)/4 = 0, 1, .5 -> 10, 100, 55
    norm = res.normalized
    assert_allclose(norm["gdp"], [10, 55, 100])
    assert_allclose(norm["unemp"], [100, 10, 55])
    assert_allclose(norm["life"], [50, 100, 100])
    assert_allclose(norm["crime"], [10, 100, 55])
    # econ: geometric (catalog override), weights gdp 1, unemp 3:
    #   A (10 * 100^3)^(1/4) ; B (55 * 10^3)^(1/4) ; C (100 * 55^3)^(1/4)
    econ = np.array([(10 * 100**3) ** 0.25, (55 * 10**3) ** 0.25, (100 * 55**3) ** 0.25])
    # soc: arithmetic (default), equal weights: (50+10)/2, (100+100)/2, (100+55)/2
    soc = np.array([30.0, 100.0, 77.5])
    # GPI: arithmetic, weights econ 2, soc 1
    gpi = (2 * econ + soc) / 3
    assert_allclose(res.scores["econ"], econ)
    assert_allclose(res.scores["soc"], soc)
    assert_allclose(res.scores["GPI"], gpi)
    # = (2 * 56.2341 + 30)/3, (2 * 15.3137 + 100)/3, (2 * 63.8663 + 77.5)/3
    assert_allclose(res.scores["GPI"], [47.4894, 43.5427, 68.4109], atol=1e-4)
    # every parent had full coverage
    assert_allclose(res.coverage.to_numpy(), 1.0)
    assert res.reasons.empty
    # ranks: 1 = best. GPI: C 68.41 > A 47.49 > B 43.54
    assert res.ranks["GPI"].tolist() == [2, 3, 1]
    # raw and treated stages are the panel values (no transform)
    assert_allclose(res.raw["life"], [65, 90, 95])
    assert_allclose(res.treated.to_numpy(), res.raw.to_numpy())


def test_default_aggregation_applies_where_catalog_has_none() -> None:
    panel = Panel.from_frame(hand_panel())
    catalog = Catalog.from_frame(hand_catalog())
    res = compute_index(
        panel, catalog, year=2024, aggregation="min", normalization_params={"low": 10, "high": 100}
    )
    # soc and GPI now use min; econ keeps its geometric override
    assert_allclose(res.scores["soc"], [10, 100, 55])
    econ = np.array([(10 * 100**3) ** 0.25, (55 * 10**3) ** 0.25, (100 * 55**3) ** 0.25])
    assert_allclose(res.scores["GPI"], np.minimum(econ, [10, 100, 55]))


def test_log_transform_in_catalog() -> None:
    # gdp transformed with log before minmax: ln 10, ln 100, ln 1000 -> equally spaced
    panel = Panel.from_frame(long({"gdp": [10, 100, 1000], "x": [1, 2, 3]}, ["A", "B", "C"]))
    cat = Catalog.from_frame(
        pd.DataFrame(
            {"code": ["R", "gdp", "x"], "parent": ["", "R", "R"], "transform": ["", "log", ""]}
        )
    )
    res = compute_index(panel, cat, year=2024)
    assert_allclose(res.treated["gdp"], np.log([10, 100, 1000]))
    assert_allclose(res.normalized["gdp"], [0, 50, 100])
    # a non-positive value cannot be logged: DataWarning naming entity/indicator, NaN
    panel0 = Panel.from_frame(long({"gdp": [0, 100, 1000], "x": [1, 2, 3]}, ["A", "B", "C"]))
    with pytest.warns(DataWarning, match=r"1 non-positive value\(s\).*A/gdp"):
        res0 = compute_index(panel0, cat, year=2024)
    assert np.isnan(res0.normalized.loc["A", "gdp"])


def test_log_transform_with_goalposts_from_catalog_and_from_method() -> None:
    panel = Panel.from_frame(long({"inc": [1000, 10000, 50]}, ["A", "B", "C"]))
    # ln(1000/100)/ln(100000/100) = ln 10 / ln 1000 = 1/3 ; ln 100 / ln 1000 = 2/3 ; 50 -> 0
    expected = [100 / 3, 200 / 3, 0]
    in_catalog = Catalog.from_frame(
        pd.DataFrame(
            {
                "code": ["R", "inc"],
                "parent": ["", "R"],
                "transform": ["", "log"],
                "lower": [None, 100],
                "upper": [None, 100000],
            }
        )
    )
    res = compute_index(panel, in_catalog, year=2024, normalization="goalposts")
    assert_allclose(res.normalized["inc"], expected)
    # the same posts given as method parameters are log-transformed too
    in_method = Catalog.from_frame(
        pd.DataFrame({"code": ["R", "inc"], "parent": ["", "R"], "transform": ["", "log"]})
    )
    res2 = compute_index(
        panel,
        in_method,
        year=2024,
        normalization="goalposts",
        normalization_params={"lower": 100, "upper": 100000},
    )
    assert_allclose(res2.normalized["inc"], expected)
    with pytest.raises(MethodError, match=r"log-transformed indicator\(s\) 'inc' need a positive"):
        compute_index(
            panel,
            in_method,
            year=2024,
            normalization="goalposts",
            normalization_params={"lower": 0, "upper": 100000},
        )


def test_distance_to_reference_entity_and_target() -> None:
    panel = Panel.from_frame(long({"a": [50, 100, 200], "b": [2, 4, 8]}, ["X", "OECD", "Z"]))
    cat = Catalog.from_frame(
        pd.DataFrame(
            {
                "code": ["R", "a", "b"],
                "parent": ["", "R", "R"],
                "direction": [None, 1, -1],
                "target": [None, 400, 2],
            }
        )
    )
    res = compute_index(
        panel,
        cat,
        year=2024,
        normalization="distance_to_reference",
        normalization_params={"reference": "OECD"},
    )
    order = ["X", "OECD", "Z"]  # the result's rows are sorted: OECD, X, Z
    # a: 100 * x / 100 ; b (lower better): 100 * 4 / x
    assert_allclose(res.normalized.loc[order, "a"], [50, 100, 200])
    assert_allclose(res.normalized.loc[order, "b"], [200, 100, 50])
    res_t = compute_index(
        panel,
        cat,
        year=2024,
        normalization="distance_to_reference",
        normalization_params={"reference": "target"},
    )
    # a: 100 * x / 400 ; b: 100 * 2 / x
    assert_allclose(res_t.normalized.loc[order, "a"], [12.5, 25, 50])
    assert_allclose(res_t.normalized.loc[order, "b"], [100, 50, 25])
    with pytest.raises(MethodError, match="reference entity 'EU' is not in the panel"):
        compute_index(
            panel,
            cat,
            year=2024,
            normalization="distance_to_reference",
            normalization_params={"reference": "EU"},
        )
    with pytest.raises(MethodError, match="distance_to_reference needs normalization_params"):
        compute_index(panel, cat, year=2024, normalization="distance_to_reference")


# ---------------------------------------------------------------------- coverage
def coverage_case() -> tuple[Panel, Catalog]:
    # parent P has 3 equally weighted children; entity X has only a, Y has all three
    cat = Catalog.from_frame(
        pd.DataFrame(
            {"code": ["R", "P", "a", "b", "c", "d"], "parent": ["", "R", "P", "P", "P", "R"]}
        )
    )
    df = long({"a": [2, 4], "b": [NAN, 6], "c": [NAN, 8], "d": [5, 5]}, ["X", "Y"])
    return Panel.from_frame(df), cat


def test_coverage_threshold_sets_nan_and_records_reason() -> None:
    panel, cat = coverage_case()
    # goalposts 0..10 -> score = 10 * x
    res = compute_index(
        panel,
        cat,
        year=2024,
        normalization="goalposts",
        normalization_params={"lower": 0, "upper": 10},
    )
    # X: 1 of 3 children -> coverage 1/3 < 2/3 -> P is NaN; R = mean of d only (1 of 2 children
    # with data = 1/2 < 2/3) -> NaN too
    assert np.isnan(res.scores.loc["X", "P"])
    assert np.isnan(res.scores.loc["X", "R"])
    assert_allclose(res.coverage.loc["X", "P"], 1 / 3)
    assert_allclose(res.coverage.loc["X", "R"], 1 / 2)
    # Y: P = (40 + 60 + 80)/3 = 60 ; R = (60 + 50)/2 = 55
    assert_allclose(res.scores.loc["Y", ["P", "R"]].to_numpy(dtype=float), [60, 55])
    reasons = res.reasons.set_index(["entity", "node"])
    assert sorted(reasons.index) == [("X", "P"), ("X", "R")]
    assert reasons.loc[("X", "P"), "reason"] == "coverage 0.33 below threshold 0.67"
    assert reasons.loc[("X", "R"), "reason"] == "coverage 0.50 below threshold 0.67"
    # coverage 0 turns the check off: X's P = 20 (a only), R = (20 + 50)/2 = 35
    off = compute_index(
        panel,
        cat,
        year=2024,
        normalization="goalposts",
        coverage=0,
        normalization_params={"lower": 0, "upper": 10},
    )
    assert_allclose(off.scores.loc["X", ["P", "R"]].to_numpy(dtype=float), [20, 35])
    assert off.reasons.empty
    # 0.3 lets 1/3 through at P; R then has both children: (20 + 50)/2
    low = compute_index(
        panel,
        cat,
        year=2024,
        normalization="goalposts",
        coverage=0.3,
        normalization_params={"lower": 0, "upper": 10},
    )
    assert_allclose(low.scores.loc["X", "R"], 35)


def test_no_child_has_data_reason() -> None:
    cat = Catalog.from_frame(pd.DataFrame({"code": ["R", "a", "b"], "parent": ["", "R", "R"]}))
    panel = Panel.from_frame(long({"a": [1, 2, NAN], "b": [3, 4, NAN]}, ["X", "Y", "Z"]))
    res = compute_index(panel, cat, year=2024)
    assert res.reasons.to_dict("records") == [
        {"entity": "Z", "node": "R", "coverage": 0.0, "reason": "no child has data"}
    ]


# ---------------------------------------------------------------------- errors
def test_compute_index_errors() -> None:
    panel = Panel.from_frame(hand_panel())
    catalog = Catalog.from_frame(hand_catalog())
    with pytest.raises(PanelError, match=r"year 2030 is outside the panel's years"):
        compute_index(panel, catalog, year=2030)
    with pytest.raises(MethodError, match="unknown normalization 'minimax'"):
        compute_index(panel, catalog, year=2024, normalization="minimax")
    with pytest.raises(MethodError, match="unknown aggregation method 'mean'"):
        compute_index(panel, catalog, year=2024, aggregation="mean")
    with pytest.raises(MethodError, match=r"coverage must be within \[0, 1\]; got 1.5"):
        compute_index(panel, catalog, year=2024, coverage=1.5)
    with pytest.raises(PanelError, match="expected a Panel"):
        compute_index(hand_panel(), catalog, year=2024)  # type: ignore[arg-type]
    small = Catalog.from_frame(hand_catalog().iloc[:4])  # no life/crime
    with pytest.raises(PanelError, match=r"'crime', 'life' are not indicators of the catalog"):
        compute_index(panel, small, year=2024)
    with pytest.raises(MethodError, match="bad parameters for normalization 'minmax'"):
        compute_index(panel, catalog, year=2024, normalization_params={"colour": 1})
    # geometric mean of a minmax score of 0 (default range 0..100): gdp of A and unemp of B
    # score 0 under econ; the message suggests a shifted range and names the pairs
    with pytest.raises(
        AggregationError, match=r"geometric mean needs positive values.*low=1.*'A/econ', 'B/econ'"
    ):
        compute_index(panel, catalog, year=2024)
    with pytest.raises(MethodError, match=r"normalization_params\['lower'\] must be one number"):
        compute_index(
            panel,
            catalog,
            year=2024,
            normalization="goalposts",
            normalization_params={"lower": {"gdp": 0}, "upper": 100},
        )
    with pytest.raises(PanelError, match=r"unknown entity code\(s\) in selection: 'Q'"):
        compute_index(panel, catalog, year=2024, entities=["A", "Q"])


def test_entities_selection_renormalises_within_selection() -> None:
    panel = Panel.from_frame(hand_panel())
    catalog = Catalog.from_frame(hand_catalog())
    res = compute_index(
        panel,
        catalog,
        year=2024,
        entities=["A", "B"],
        normalization_params={"low": 10, "high": 100},
    )
    assert list(res.scores.index) == ["A", "B"]
    # gdp min 10 max 20 among A, B only -> 10, 100
    assert_allclose(res.normalized["gdp"], [10, 100])


def test_catalog_indicator_without_data_is_nan() -> None:
    cat = Catalog.from_frame(
        pd.DataFrame({"code": ["R", "a", "b", "c"], "parent": ["", "R", "R", "R"]})
    )
    panel = Panel.from_frame(long({"a": [1, 3], "b": [2, 6]}, ["X", "Y"]))
    res = compute_index(panel, cat, year=2024)
    assert res.raw["c"].isna().all()
    # R = mean(a, b) with coverage 2/3: X (0 + 0)/2 = 0 ; Y (100 + 100)/2 = 100
    assert_allclose(res.scores["R"], [0, 100])
    assert_allclose(res.coverage["R"], [2 / 3, 2 / 3])


# ---------------------------------------------------------------------- result object
def test_result_object() -> None:
    panel = Panel.from_frame(hand_panel())
    catalog = Catalog.from_frame(hand_catalog())
    res = compute_index(panel, catalog, year=2024, normalization_params={"low": 10, "high": 100})
    assert isinstance(res, IndexResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.year = 2023  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.method.coverage = 0.1  # type: ignore[misc]
    assert res.method == IndexMethod("minmax", {"low": 10, "high": 100}, "arithmetic", 2 / 3)
    assert res.fingerprints == {"panel": panel.fingerprint, "catalog": catalog.fingerprint}
    assert res.scores.index.name == "entity"
    assert res.scores.columns.name == "node"
    assert res.normalized.columns.name == "indicator"
    assert list(res.coverage.columns) == ["GPI", "econ", "soc"]

    tidy = res.to_frame()
    assert list(tidy.columns) == [
        "entity",
        "node",
        "root",
        "depth",
        "kind",
        "raw",
        "normalized",
        "score",
        "rank",
        "coverage",
    ]
    assert len(tidy) == 3 * 7
    row = tidy.set_index(["entity", "node"]).loc[("B", "unemp")]
    assert (row["root"], row["depth"], row["kind"]) == ("GPI", 2, "indicator")
    assert (row["raw"], row["normalized"], row["score"]) == (8.0, 10.0, 10.0)
    assert row["rank"] == 3  # B has the worst unemployment score
    gpi = tidy.set_index(["entity", "node"]).loc[("C", "GPI")]
    assert (gpi["kind"], gpi["depth"], gpi["rank"], gpi["coverage"]) == ("aggregate", 0, 1, 1.0)
    assert np.isnan(gpi["raw"])

    html = res._repr_html_()
    assert "<table" in html
    assert "IndexResult" in html
    assert "minmax → arithmetic" in repr(res)


def test_ranks_ties_share_lowest_rank() -> None:
    cat = Catalog.from_frame(pd.DataFrame({"code": ["R", "a"], "parent": ["", "R"]}))
    panel = Panel.from_frame(long({"a": [1, 3, 3, NAN]}, ["W", "X", "Y", "Z"]))
    res = compute_index(panel, cat, year=2024, coverage=0)
    # scores 0, 100, 100, NaN -> ranks 3, 1, 1, <NA>
    assert res.ranks["R"].tolist()[:3] == [3, 1, 1]
    assert res.ranks["R"].isna().tolist() == [False, False, False, True]


def test_to_parquet_with_provenance(tmp_path: Path) -> None:
    panel = Panel.from_frame(hand_panel())
    catalog = Catalog.from_frame(hand_catalog())
    res = compute_index(panel, catalog, year=2024, normalization_params={"low": 10, "high": 100})
    files = res.to_parquet(tmp_path / "out", prefix="gpi_")
    names = sorted(f.name for f in files.values())
    assert names == [
        f"gpi_{t}.parquet" for t in ("coverage", "normalized", "raw", "reasons", "scores")
    ]
    prov = read_provenance(tmp_path / "out" / "gpi_scores.parquet")
    assert prov["table"] == "scores"
    assert prov["year"] == 2024
    assert prov["method"] == {
        "normalization": "minmax",
        "normalization_params": {"low": 10, "high": 100},
        "aggregation": "arithmetic",
        "coverage": 2 / 3,
    }
    assert prov["fingerprints"] == {"panel": panel.fingerprint, "catalog": catalog.fingerprint}
    back = pd.read_parquet(tmp_path / "out" / "gpi_scores.parquet")
    pd.testing.assert_frame_equal(back, res.scores, check_names=False)


def test_repeat_is_bit_identical_and_inputs_untouched() -> None:
    df = hand_panel()
    cdf = hand_catalog()
    df0, cdf0 = copy.deepcopy(df), copy.deepcopy(cdf)
    panel = Panel.from_frame(df)
    catalog = Catalog.from_frame(cdf)
    p_frame, c_frame = panel.to_frame(), catalog.to_frame()
    kw: dict[str, Any] = {"year": 2024, "normalization_params": {"low": 10, "high": 100}}
    a = compute_index(panel, catalog, **kw)
    b = compute_index(panel, catalog, **kw)
    for name in ("raw", "treated", "normalized", "scores", "coverage"):
        assert getattr(a, name).to_numpy().tobytes() == getattr(b, name).to_numpy().tobytes(), name
    pd.testing.assert_frame_equal(df, df0)
    pd.testing.assert_frame_equal(cdf, cdf0)
    pd.testing.assert_frame_equal(panel.to_frame(), p_frame)
    pd.testing.assert_frame_equal(catalog.to_frame(), c_frame)
    params = {"low": 10, "high": 100}
    compute_index(panel, catalog, year=2024, normalization_params=params)
    assert params == {"low": 10, "high": 100}


# ---------------------------------------------------------------------- the slow oracle
def oracle(
    nodes: list[dict[str, Any]],
    data: dict[tuple[str, str], float],
    entities: list[str],
    *,
    normalization: str,
    low: float,
    high: float,
    aggregation: str,
    coverage: float,
) -> dict[tuple[str, str], float]:
    """Score every (entity, node) with plain Python loops, from the node dicts directly."""
    kids: dict[str, list[dict[str, Any]]] = {n["code"]: [] for n in nodes}
    for n in nodes:
        if n["parent"]:
            kids[n["parent"]].append(n)
    out: dict[tuple[str, str], float] = {}
    # normalise each indicator over the entities
    for n in nodes:
        if kids[n["code"]]:
            continue
        xs = [data.get((e, n["code"]), math.nan) for e in entities]
        present = [x for x in xs if not math.isnan(x)]
        for e, x in zip(entities, xs, strict=True):
            if math.isnan(x):
                out[(e, n["code"])] = math.nan
            elif normalization == "minmax":
                lo, hi = min(present), max(present)
                if hi == lo:
                    out[(e, n["code"])] = math.nan
                elif n["direction"] == 1:
                    out[(e, n["code"])] = low + (high - low) * (x - lo) / (hi - lo)
                else:
                    out[(e, n["code"])] = low + (high - low) * (hi - x) / (hi - lo)
            elif normalization == "rank":
                # average rank, 1 = worst, in the direction of the indicator
                mine = x * n["direction"]
                below = sum(1 for p in present if p * n["direction"] < mine)
                ties = sum(1 for p in present if p * n["direction"] == mine)
                out[(e, n["code"])] = below + (ties + 1) / 2
            else:
                raise AssertionError(normalization)

    def mean(vals: list[float], ws: list[float]) -> float:
        if aggregation == "arithmetic":
            return sum(v * w for v, w in zip(vals, ws, strict=True)) / sum(ws)
        if aggregation == "geometric":
            return math.exp(sum(w * math.log(v) for v, w in zip(vals, ws, strict=True)) / sum(ws))
        if aggregation == "median":
            pairs = sorted(zip(vals, ws, strict=True))
            half = sum(ws) / 2
            cum = 0.0
            for k, (v, w) in enumerate(pairs):
                cum += w
                if cum == half:
                    return (v + pairs[k + 1][0]) / 2 if k + 1 < len(pairs) else v
                if cum > half:
                    return v
        raise AssertionError(aggregation)

    def score(e: str, code: str) -> float:
        if not kids[code]:
            return out[(e, code)]
        vals, ws, total = [], [], 0.0
        for child in kids[code]:
            total += child["weight"]
            s = score(e, child["code"])
            if not math.isnan(s) and child["weight"] > 0:
                vals.append(s)
                ws.append(child["weight"])
        if not vals:
            return math.nan
        if sum(ws) / total < coverage - 1e-9:
            return math.nan
        return mean(vals, ws)

    for e in entities:
        for n in nodes:
            out[(e, n["code"])] = score(e, n["code"])
    return out


@st.composite
def problems(draw: st.DrawFn) -> tuple[list[dict[str, Any]], pd.DataFrame, list[str], float]:
    n_parents = draw(st.integers(1, 4))
    n_leaves = draw(st.integers(n_parents, 7))
    nodes: list[dict[str, Any]] = []
    for i in range(n_parents):
        parent = "" if i == 0 else draw(st.sampled_from(["", *[f"P{j}" for j in range(i)]]))
        nodes.append(
            {
                "code": f"P{i}",
                "parent": parent,
                "direction": None,
                "weight": draw(st.sampled_from([0.5, 1.0, 2.0, 3.0])),
            }
        )
    for j in range(n_leaves):
        parent = f"P{j}" if j < n_parents else f"P{draw(st.integers(0, n_parents - 1))}"
        nodes.append(
            {
                "code": f"i{j}",
                "parent": parent,
                "direction": draw(st.sampled_from([1, -1])),
                "weight": draw(st.sampled_from([0.5, 1.0, 2.0, 3.0])),
            }
        )
    entities = [f"E{k}" for k in range(draw(st.integers(2, 6)))]
    value = st.one_of(
        st.just(math.nan),
        st.sampled_from([1.0, 2.0, 5.0]),
        st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False),
    )
    rows = [
        {"entity": e, "indicator": f"i{j}", "year": 2020, "value": draw(value)}
        for e in entities
        for j in range(n_leaves)
    ]
    cov = draw(st.sampled_from([0.0, 0.5, 2 / 3, 1.0]))
    return nodes, pd.DataFrame(rows), entities, cov


def _check_against_oracle(
    problem: Any, normalization: str, low: float, high: float, aggregation: str
) -> None:
    nodes, df, entities, cov = problem
    panel = Panel.from_frame(df)
    catalog = Catalog.from_frame(pd.DataFrame(nodes))
    params = {"low": low, "high": high} if normalization == "minmax" else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NormalizationWarning)
        res = compute_index(
            panel,
            catalog,
            year=2020,
            normalization=normalization,
            normalization_params=params,
            aggregation=aggregation,
            coverage=cov,
        )
    data = {(r.entity, r.indicator): r.value for r in df.itertuples()}
    want = oracle(
        nodes,
        data,
        entities,
        normalization=normalization,
        low=low,
        high=high,
        aggregation=aggregation,
        coverage=cov,
    )
    codes = [n["code"] for n in nodes]
    expected = np.array([[want[(e, c)] for c in codes] for e in entities])
    got = res.scores.loc[entities, codes].to_numpy(dtype=float)
    assert_allclose(got, expected, rtol=1e-9, atol=1e-9, equal_nan=True)


@HYPO
@given(problems())
def test_oracle_minmax_arithmetic(problem: Any) -> None:
    _check_against_oracle(problem, "minmax", 0.0, 100.0, "arithmetic")


@HYPO
@given(problems())
def test_oracle_minmax_geometric(problem: Any) -> None:
    # a positive range keeps the geometric mean defined
    _check_against_oracle(problem, "minmax", 1.0, 100.0, "geometric")


@HYPO
@given(problems())
def test_oracle_rank_median(problem: Any) -> None:
    _check_against_oracle(problem, "rank", 0.0, 0.0, "median")


# ---------------------------------------------------------------------- invariants
def _scores(nodes: list[dict[str, Any]], df: pd.DataFrame, cov: float) -> IndexResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NormalizationWarning)
        return compute_index(
            Panel.from_frame(df), Catalog.from_frame(pd.DataFrame(nodes)), year=2020, coverage=cov
        )


@pytest.mark.slow
@HYPO
@given(problems(), st.data())
def test_flipping_direction_mirrors_minmax(problem: Any, data: st.DataObject) -> None:
    nodes, df, _, cov = problem
    leaves = [n for n in nodes if n["code"].startswith("i")]
    target = data.draw(st.sampled_from(leaves))["code"]
    flipped = [dict(n, direction=-n["direction"]) if n["code"] == target else n for n in nodes]
    a = _scores(nodes, df, cov).normalized[target]
    b = _scores(flipped, df, cov).normalized[target]
    assert_allclose(b.to_numpy(), 100.0 - a.to_numpy(), atol=1e-9, equal_nan=True)


@pytest.mark.slow
@HYPO
@given(problems(), st.randoms(use_true_random=False))
def test_permuting_entities_permutes_results(problem: Any, rnd: Any) -> None:
    nodes, df, entities, cov = problem
    shuffled = entities[:]
    rnd.shuffle(shuffled)
    rename = dict(zip(entities, shuffled, strict=True))
    df2 = df.assign(entity=df["entity"].map(rename)).sample(frac=1.0, random_state=1)
    a = _scores(nodes, df, cov).scores
    b = _scores(nodes, df2, cov).scores
    # entity e in the first run is entity rename[e] in the second
    b_back = b.loc[[rename[e] for e in a.index]].to_numpy()
    assert np.array_equal(a.to_numpy(), b_back, equal_nan=True)


@pytest.mark.slow
@HYPO
@given(problems(), st.data(), st.floats(0.01, 500.0))
def test_raising_one_value_never_lowers_an_ancestor(
    problem: Any, data: st.DataObject, delta: float
) -> None:
    nodes, df, _, cov = problem
    present = df.index[df["value"].notna()].tolist()
    if not present:
        return
    row = data.draw(st.sampled_from(present))
    entity, indicator = df.loc[row, "entity"], df.loc[row, "indicator"]
    direction = next(n["direction"] for n in nodes if n["code"] == indicator)
    better = df.copy()
    better.loc[row, "value"] = df.loc[row, "value"] + direction * delta  # better, in its direction
    # min-max of a column whose values all become equal is undefined (NaN and a warning, by
    # design), so the invariant does not apply: e.g. raising the worst of two values to the best
    column = better.loc[better["indicator"] == indicator, "value"].dropna()
    assume(column.min() < column.max())
    before = _scores(nodes, df, cov).scores.loc[entity]
    after = _scores(nodes, better, cov).scores.loc[entity]
    parent = {n["code"]: n["parent"] for n in nodes}
    node = parent[indicator]
    while node:
        if not np.isnan(before[node]):
            assert after[node] >= before[node] - 1e-9, (node, before[node], after[node])
        node = parent[node]


# ------------------------------------------------------------------ reference rows
def _with_oecd(gdp_oecd: float = 40.0) -> tuple[Panel, Catalog, Any]:
    from govindex.entities import Entities

    panel = Panel.from_frame(long(
        {"gdp": [10.0, 20.0, 30.0, gdp_oecd], "crime": [5.0, 1.0, 3.0, 2.0]},
        ["A", "B", "C", "OECD"]))  # fmt: skip
    catalog = Catalog.from_frame(pd.DataFrame({
        "code": ["I", "gdp", "crime"], "parent": ["", "I", "I"], "direction": [None, 1, -1]}))  # fmt: skip
    table = Entities.from_frame(pd.DataFrame({
        "code": ["A", "B", "C", "OECD"], "kind": ["region"] * 3 + ["aggregate"]}))  # fmt: skip
    return panel, catalog, table


def test_reference_rows_are_normalised_with_the_statistics_of_the_others() -> None:
    panel, catalog, table = _with_oecd()
    res = compute_index(panel, catalog, year=2024, entity_table=table)
    s = res.scores
    # min-max over A, B, C only: gdp 10..30, crime (lower is better) 1..5
    # OECD: gdp (40 − 10)/20·100 = 150, crime (5 − 2)/4·100 = 75, index (150 + 75)/2 = 112.5
    assert s.loc["OECD", ["gdp", "crime", "I"]].tolist() == [150.0, 75.0, 112.5]
    # the others as without OECD: A (0, 0) → 0, B (50, 100) → 75, C (100, 50) → 75
    assert s.loc[["A", "B", "C"], "I"].tolist() == [0.0, 75.0, 75.0]
    alone = compute_index(panel, catalog, year=2024, entities=["A", "B", "C"])
    pd.testing.assert_frame_equal(s.loc[["A", "B", "C"]], alone.scores)
    # OECD is not ranked and moves no rank; it is listed, flagged and in the summary
    assert res.ranks["I"].tolist() == [3, 1, 1, pd.NA]
    assert res.reference_entities == ["OECD"]
    assert res.reference_rows.loc["OECD", "kind"] == "aggregate"
    assert "not ranked" in res.reference_rows.loc["OECD", "note"]
    assert "reference rows (not ranked): 'OECD'" in repr(res)
    assert "reference_rows" in res.tables() and res.fingerprints["entities"] == table.fingerprint
    assert res.regenerate().scores.equals(s)
    # without the table OECD is one of the others: gdp 10..40 moves every score
    assert compute_index(panel, catalog, year=2024).scores.loc["B", "gdp"] == pytest.approx(
        100 / 3
    )


@pytest.mark.parametrize(
    ("method", "gdp", "crime"),
    [  # OECD's gdp 40 and crime 2 among A, B, C (gdp 10, 20, 30; crime 5, 1, 3; lower better)
        ("zscore", 2.0, 0.5),  # gdp (40 − 20)/10; crime −(2 − 3)/2 (mean 3, sd 2)
        ("rank", 4.0, 3.0),  # the rank it would take among the others: 1 + worse + ties/2
        ("percentile_rank", 100.0, 200 / 3),  # the share of the others it beats: 3/3, 2/3
        ("distance_to_frontier", 100.0, 75.0),  # frontier 30 (truncated), 1; worst 10, 5
    ],
)
def test_reference_rows_with_every_statistic(method: str, gdp: float, crime: float) -> None:
    panel, catalog, table = _with_oecd()
    res = compute_index(panel, catalog, year=2024, entity_table=table, normalization=method)
    assert res.normalized.loc["OECD"].tolist() == pytest.approx([gdp, crime])
    alone = compute_index(
        panel, catalog, year=2024, entities=["A", "B", "C"], normalization=method
    )
    pd.testing.assert_frame_equal(res.normalized.loc[["A", "B", "C"]], alone.normalized)


def test_a_reference_row_tied_with_another_row() -> None:
    panel, catalog, table = _with_oecd(gdp_oecd=20.0)  # ties with B
    res = compute_index(panel, catalog, year=2024, entity_table=table, normalization="rank")
    assert res.normalized.loc["OECD", "gdp"] == 2.5  # 1 + A + B/2
    pct = compute_index(
        panel, catalog, year=2024, entity_table=table, normalization="percentile_rank"
    )
    assert pct.normalized.loc["OECD", "gdp"] == pytest.approx(50.0)  # (1 + 1/2)/3


def test_uncertainty_of_an_index_with_reference_rows_ranks_only_the_others() -> None:
    from govindex.analysis.uncertainty import uncertainty_analysis

    panel, catalog, table = _with_oecd()
    res = compute_index(panel, catalog, year=2024, entity_table=table)
    alone = compute_index(panel, catalog, year=2024, entities=["A", "B", "C"])
    kw: dict[str, Any] = {"n": 64, "normalization": ["minmax", "zscore", "rank"], "seed": 7}
    with_ref, without = uncertainty_analysis(res, **kw), uncertainty_analysis(alone, **kw)
    assert with_ref.ranks["OECD"].isna().all()  # never ranked, in no replication
    pd.testing.assert_frame_equal(with_ref.ranks[["A", "B", "C"]], without.ranks)
    pd.testing.assert_frame_equal(
        with_ref.scores[["A", "B", "C"]], without.scores, check_exact=False, rtol=1e-12
    )
