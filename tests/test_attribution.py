"""Tests of govindex.analysis.attribution (attribute, compare) and its waterfall chart.

Hand-computed decompositions use ``compute_index`` with goalposts [0, 100], which
leave the values unchanged (score = value), so every node score can be written out.
"""

from __future__ import annotations

import math
import warnings

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import govindex
from govindex import Catalog, Panel, compute_index
from govindex.analysis.attribution import MAX_SHAPLEY_PLAYERS, attribute, compare
from govindex.exceptions import CatalogError, MethodError
from govindex.indices.gpi import effective_weights
from govindex.results import Framework, Result, handout


def _catalog(rows: list[tuple[str, str, float, str]]) -> Catalog:
    """rows: (code, parent, weight, aggregation); leaves get goalposts 0..100."""
    parents = {p for _, p, _, _ in rows if p}
    return Catalog.from_frame(
        pd.DataFrame(
            {
                "code": [r[0] for r in rows],
                "parent": [r[1] for r in rows],
                "weight": [r[2] for r in rows],
                "aggregation": [r[3] if r[0] in parents else "" for r in rows],
                "lower": [np.nan if r[0] in parents else 0.0 for r in rows],
                "upper": [np.nan if r[0] in parents else 100.0 for r in rows],
            }
        )
    )


def _index(cat: Catalog, values: dict[str, float], entity: str = "X") -> govindex.IndexResult:
    """IndexResult whose leaf scores equal ``values`` (NaN = missing)."""
    codes = list(values)
    panel = Panel.from_frame(
        pd.DataFrame(
            {
                "entity": entity,
                "indicator": codes,
                "year": 2024,
                "value": [values[c] for c in codes],
            }
        )
    )
    return compute_index(panel, cat, year=2024, normalization="goalposts", coverage=0.0)


def _contrib(att: govindex.analysis.attribution.Attribution) -> dict[str, float]:
    return dict(zip(att.table["node"], att.table["contribution"], strict=True))


# --------------------------------------------------------------------------- hand-computed
def test_arithmetic_two_levels_with_a_child_missing_in_the_new_result() -> None:
    cat = _catalog([("G", "", 1, "arithmetic"), ("A", "G", 2, "arithmetic"),
                    ("B", "G", 1, "arithmetic"), ("a1", "A", 1, ""), ("a2", "A", 1, ""),
                    ("b1", "B", 1, ""), ("b2", "B", 1, "")])  # fmt: skip
    old = _index(cat, {"a1": 40.0, "a2": 60.0, "b1": 30.0, "b2": 50.0})
    new = _index(cat, {"a1": 40.0, "a2": np.nan, "b1": 60.0, "b2": 50.0})
    # old: A = 50, B = 40, G = (2·50 + 40)/3 = 46.667;  new: A = 40 (a1 only), B = 55,
    # G = (2·40 + 55)/3 = 45;  ΔG = −1.6667
    att = attribute(old, new, entity="X")
    assert att.total == pytest.approx(45.0 - 140.0 / 3.0)
    c = _contrib(att)
    # root (weights 2/3, 1/3 unchanged): A: 2/3·(40 − 50) = −6.667, B: 1/3·(55 − 40) = +5
    assert c["A"] == pytest.approx(-20.0 / 3.0)
    assert c["B"] == pytest.approx(5.0)
    # inside A: common set {a1}: G_C = 40 on both sides; a1: 1·(40 − 40) = 0;
    # a2 dropped: −w̃·(x − G_C) = −0.5·(60 − 40) = −10; × A's weight 2/3 → −6.667
    assert c["a1"] == pytest.approx(0.0)
    assert c["a2"] == pytest.approx(-20.0 / 3.0)
    # inside B: b1: 0.5·(60 − 30) = 15 → × 1/3 = 5; b2 unchanged → 0
    assert c["b1"] == pytest.approx(5.0)
    assert c["b2"] == pytest.approx(0.0)
    t = att.table.set_index("node")
    assert t.loc["a2", "old_weight"] == pytest.approx(0.5)
    assert np.isnan(t.loc["a2", "new_weight"])  # missing on the new side
    assert t.loc["a1", "new_weight"] == pytest.approx(1.0)  # rescaled over a1 alone
    assert att.leaves["contribution"].sum() == pytest.approx(att.total, abs=1e-12)
    att.check()


def test_arithmetic_child_added_in_new_result_gets_its_distance_to_the_others() -> None:
    cat = _catalog([("G", "", 1, "arithmetic"), ("a", "G", 1, ""), ("b", "G", 1, "")])
    old = _index(cat, {"a": 50.0, "b": np.nan})
    new = _index(cat, {"a": 50.0, "b": 80.0})
    # G: 50 → 65; common set {a}: G'_C = 50; b added: w̃'·(80 − 50) = 0.5·30 = 15; a: 0
    c = _contrib(attribute(old, new, entity="X"))
    assert c["b"] == pytest.approx(15.0)
    assert c["a"] == pytest.approx(0.0)


def test_geometric_log_mean_decomposition() -> None:
    cat = _catalog([("G", "", 1, "geometric"), ("a", "G", 1, ""), ("b", "G", 1, "")])
    old = _index(cat, {"a": 4.0, "b": 25.0})  # G = √(4·25) = 10
    new = _index(cat, {"a": 9.0, "b": 64.0})  # G = √(9·64) = 24
    att = attribute(old, new, entity="X")
    assert att.total == pytest.approx(14.0)
    # log scale: Δ(½ log a) = log 1.5, Δ(½ log b) = log 1.6, Δ log G = log 2.4
    # c_a = 14 · log 1.5 / log 2.4 = 6.48397;  c_b = 14 · log 1.6 / log 2.4 = 7.51603
    c = _contrib(att)
    assert c["a"] == pytest.approx(6.483968269, abs=1e-8)
    assert c["b"] == pytest.approx(7.516031731, abs=1e-8)
    assert att.table.set_index("node").loc["a", "method"] == "geometric (log-mean)"


def test_geometric_with_no_change_of_the_parent() -> None:
    cat = _catalog([("G", "", 1, "geometric"), ("a", "G", 1, ""), ("b", "G", 1, "")])
    old = _index(cat, {"a": 4.0, "b": 25.0})  # G = 10
    new = _index(cat, {"a": 25.0, "b": 4.0})  # G = 10, ΔG = 0
    # ΔG = 0: c = L·λ with L = G = 10: a: 10·½·log(25/4) = 9.1629, b: −9.1629
    c = _contrib(attribute(old, new, entity="X"))
    assert c["a"] == pytest.approx(5.0 * math.log(6.25))
    assert c["b"] == pytest.approx(-5.0 * math.log(6.25))


def test_shapley_min_three_children_coalition_by_coalition() -> None:
    cat = _catalog([("G", "", 1, "min"), ("a", "G", 1, ""), ("b", "G", 1, ""),
                    ("c", "G", 1, "")])  # fmt: skip
    old = _index(cat, {"a": 50.0, "b": 30.0, "c": 70.0})  # min 30
    new = _index(cat, {"a": 20.0, "b": 60.0, "c": 40.0})  # min 20
    # v(S) = min with the children of S at their new values:
    # v(∅)=min(50,30,70)=30  v(a)=min(20,30,70)=20  v(b)=min(50,60,70)=50  v(c)=min(50,30,40)=30
    # v(ab)=min(20,60,70)=20  v(ac)=min(20,30,40)=20  v(bc)=min(50,60,40)=40  v(abc)=20
    # φ_a = ⅓(20−30) + ⅙(20−50) + ⅙(20−30) + ⅓(20−40) = −3.333 − 5 − 1.667 − 6.667 = −16.667
    # φ_b = ⅓(50−30) + ⅙(20−20) + ⅙(40−30) + ⅓(20−20) = 6.667 + 1.667 = 8.333
    # φ_c = ⅓(30−30) + ⅙(20−20) + ⅙(40−50) + ⅓(20−20) = −1.667;  Σ = −10 = Δmin
    att = attribute(old, new, entity="X")
    c = _contrib(att)
    assert c["a"] == pytest.approx(-50.0 / 3.0)
    assert c["b"] == pytest.approx(25.0 / 3.0)
    assert c["c"] == pytest.approx(-5.0 / 3.0)
    assert att.table.set_index("node").loc["a", "method"] == "shapley (min)"


def test_unchanged_weights_full_data_give_effective_weight_times_change() -> None:
    cat = _catalog([("G", "", 1, "arithmetic"), ("A", "G", 3, "arithmetic"),
                    ("B", "G", 1, "arithmetic"), ("a1", "A", 1, ""), ("a2", "A", 2, ""),
                    ("b1", "B", 1, "")])  # fmt: skip
    old = _index(cat, {"a1": 10.0, "a2": 20.0, "b1": 30.0})
    new = _index(cat, {"a1": 40.0, "a2": 10.0, "b1": 35.0})
    c = _contrib(attribute(old, new, entity="X"))
    w = effective_weights(cat)  # a1: ¾·⅓ = 0.25, a2: ¾·⅔ = 0.5, b1: ¼
    for leaf, delta in (("a1", 30.0), ("a2", -10.0), ("b1", 5.0)):
        assert c[leaf] == pytest.approx(w[leaf] * delta)


def test_method_change_is_its_own_item() -> None:
    arith = _catalog([("G", "", 1, "arithmetic"), ("a", "G", 1, ""), ("b", "G", 1, "")])
    geo = _catalog([("G", "", 1, "geometric"), ("a", "G", 1, ""), ("b", "G", 1, "")])
    old = _index(arith, {"a": 4.0, "b": 16.0})  # (4 + 16)/2 = 10
    new = _index(geo, {"a": 4.0, "b": 16.0})  # √64 = 8
    att = attribute(old, new, entity="X")
    # method effect: geometric(old values) − arithmetic(old values) = 8 − 10 = −2; values same
    c = _contrib(att)
    assert c["G:method"] == pytest.approx(-2.0)
    assert c["a"] == pytest.approx(0.0)
    assert c["b"] == pytest.approx(0.0)
    att.check()


def test_depth_limits_the_leaves() -> None:
    cat = _catalog([("G", "", 1, "arithmetic"), ("A", "G", 1, "arithmetic"),
                    ("a1", "A", 1, ""), ("a2", "A", 1, ""), ("b", "G", 1, "")])  # fmt: skip
    old = _index(cat, {"a1": 10.0, "a2": 20.0, "b": 30.0})
    new = _index(cat, {"a1": 30.0, "a2": 20.0, "b": 10.0})
    att = attribute(old, new, entity="X", depth=1)
    # A: 15 → 25, b: 30 → 10; G: 22.5 → 17.5; leaves A (+5) and b (−10)
    assert sorted(att.leaves["node"]) == ["A", "b"]
    assert _contrib(att)["A"] == pytest.approx(5.0)
    sub = attribute(old, new, entity="X", node="A")
    assert sub.total == pytest.approx(10.0)
    assert _contrib(sub)["a1"] == pytest.approx(10.0)  # ½ · 20


# --------------------------------------------------------------------------- property test
_AGGS = ["arithmetic", "geometric", "harmonic", "median", "min", "sum", "generalized(p=2)"]


@st.composite
def _trees(draw: st.DrawFn) -> tuple[Catalog, Catalog, dict[str, float], dict[str, float]]:
    n_groups = draw(st.integers(1, 3))
    rows: list[tuple[str, str, float, str]] = [("G", "", 1.0, draw(st.sampled_from(_AGGS)))]
    rows_new: list[tuple[str, str, float, str]] = [("G", "", 1.0, draw(st.sampled_from(_AGGS)))]
    leaves: list[str] = []
    weight = st.sampled_from([0.5, 1.0, 2.0, 3.0])
    for g in range(n_groups):
        code = f"N{g}"
        rows.append((code, "G", draw(weight), draw(st.sampled_from(_AGGS))))
        rows_new.append((code, "G", draw(weight), draw(st.sampled_from(_AGGS))))
        for k in range(draw(st.integers(1, 4))):
            leaf = f"{code}_{k}"
            leaves.append(leaf)
            rows.append((leaf, code, draw(weight), ""))
            rows_new.append((leaf, code, rows[-1][2] if draw(st.booleans()) else draw(weight), ""))
    if draw(st.booleans()):
        leaves.append("L")
        rows.append(("L", "G", 1.0, ""))
        rows_new.append(("L", "G", 1.0, ""))
    value = st.one_of(st.floats(1.0, 100.0), st.just(np.nan), st.just(50.0))
    old = {leaf: draw(value) for leaf in leaves}
    new = {leaf: draw(value) for leaf in leaves}
    return _catalog(rows), _catalog(rows_new), old, new


@pytest.mark.slow
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_trees())
def test_leaf_contributions_sum_to_the_root_change(
    case: tuple[Catalog, Catalog, dict[str, float], dict[str, float]],
) -> None:
    cat_old, cat_new, v_old, v_new = case
    old, new = _index(cat_old, v_old), _index(cat_new, v_new)
    g0, g1 = float(old.scores["G"].iloc[0]), float(new.scores["G"].iloc[0])
    if np.isnan(g0) or np.isnan(g1):
        with pytest.raises(MethodError, match="has no score"):
            attribute(old, new, entity="X")
        return
    att = attribute(old, new, entity="X")
    assert att.leaves["contribution"].sum() == pytest.approx(g1 - g0, abs=1e-9)
    assert att.check() <= 1e-9 * max(1.0, abs(g0), abs(g1))


# --------------------------------------------------------------------------- demo data
@pytest.fixture(scope="module")
def gpi_pair() -> tuple[govindex.PerformanceResult, govindex.PerformanceResult]:
    from govindex.datasets import load_demo

    panel, cat = load_demo("leb")  # SYNTHETIC demo data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return (govindex.performance_index(panel, cat, year=2024),
                govindex.performance_index(panel, cat, year=2025))  # fmt: skip


def test_demo_2024_vs_2025_sums_and_matches_effective_weights(gpi_pair: tuple) -> None:
    r4, r5 = gpi_pair
    full = r4.node_scores.notna().all(axis=1) & r5.node_scores.notna().all(axis=1)
    entity = str(full.index[full.to_numpy()][0])
    att = attribute(r4, r5, entity=entity)
    gpi4, gpi5 = r4.scores.loc[entity, "gpi"], r5.scores.loc[entity, "gpi"]
    assert att.leaves["contribution"].sum() == pytest.approx(gpi5 - gpi4, abs=1e-9)
    # oracle: all arithmetic, same weights, no missing data → w_eff × Δ progress score
    w = effective_weights(r4.catalog)
    leaves = att.leaves.set_index("node")
    delta = r5.node_scores.loc[entity, leaves.index] - r4.node_scores.loc[entity, leaves.index]
    np.testing.assert_allclose(leaves["contribution"], w[leaves.index] * delta, atol=1e-12)


def test_demo_every_entity_sums_under_nonlinear_aggregations(gpi_pair: tuple) -> None:
    r4, r5 = gpi_pair
    frame = r4.catalog.to_frame()
    frame.loc[frame["parent"] == "", "aggregation"] = "median"  # 9 spheres: Shapley
    cat = Catalog.from_frame(frame)
    m4, m5 = r4.regenerate(catalog=cat), r5.regenerate(catalog=cat)
    table = compare(m4, m5)
    for entity in ["R01", "C02"]:
        att = attribute(m4, m5, entity=entity)
        assert att.leaves["contribution"].sum() == pytest.approx(
            m5.scores.loc[entity, "gpi"] - m4.scores.loc[entity, "gpi"], abs=1e-9
        )
        assert table.loc[entity, "delta"] == pytest.approx(att.total)


def test_compare_ranks_agree_with_the_results(gpi_pair: tuple) -> None:
    r4, r5 = gpi_pair
    table = compare(r4, r5, top=2)
    assert table["old_rank"].tolist() == r4.scores["rank"].tolist()
    assert table["new_rank"].tolist() == r5.scores["rank"].tolist()
    np.testing.assert_allclose(table["delta"], r5.scores["gpi"] - r4.scores["gpi"])
    att = attribute(r4, r5, entity="R01")
    first = att.leaves.iloc[0]
    assert table.loc["R01", "drivers"].startswith(str(first["node"]))
    assert table.loc["R01", "drivers"].count(",") == 1  # top=2


# --------------------------------------------------------------------------- operational
def test_operational_appeal_carries_the_whole_change() -> None:
    from govindex.operational import read_scorecard

    sc = read_scorecard("local")
    inputs = pd.DataFrame({"entity": ["R01", "R01", "R02"],
                           "criterion": ["open_data", "strategic_goals", "open_data"],
                           "value": [0.6, 0.85, 0.7]})  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pre = sc.score(inputs)
    post = pre.appeal("R01", "open_data", 0.9, reason="portal audit", decision="upheld")
    att = attribute(pre, post, entity="R01")
    # open_data: 2·(0.6 − 0.5)/0.5 = 0.4 → 2·(0.9 − 0.5)/0.5 = 1.6: +1.2 points
    assert att.total == pytest.approx(1.2)
    c = _contrib(att)
    assert c["open_data"] == pytest.approx(1.2)
    others = att.leaves.loc[att.leaves["node"] != "open_data", "contribution"]
    assert np.abs(others).max() == 0.0
    direction = sc.item("open_data").direction
    assert c[str(direction)] == pytest.approx(1.2)
    unchanged = attribute(pre, post, entity="R02")
    assert unchanged.total == 0.0


# --------------------------------------------------------------------------- errors
def test_mismatched_catalogs_are_named() -> None:
    a = _catalog([("G", "", 1, "arithmetic"), ("a", "G", 1, ""), ("b", "G", 1, "")])
    b = _catalog([("G", "", 1, "arithmetic"), ("a", "G", 1, ""), ("c", "G", 1, "")])
    old, new = _index(a, {"a": 1.0, "b": 2.0}), _index(b, {"a": 1.0, "c": 2.0})
    with pytest.raises(
        CatalogError, match=r"only in the old result: 'b'.*only in the new result: 'c'"
    ):
        attribute(old, new, entity="X")


def test_entity_and_node_errors() -> None:
    cat = _catalog([("G", "", 1, "arithmetic"), ("a", "G", 1, ""), ("b", "G", 1, "")])
    old = _index(cat, {"a": 1.0, "b": 2.0})
    other = _index(cat, {"a": 1.0, "b": 2.0}, entity="Y")
    with pytest.raises(MethodError, match=r"'X'.*not in the new result"):
        attribute(old, other, entity="X")
    with pytest.raises(MethodError, match="unknown node 'zz'"):
        attribute(old, old, entity="X", node="zz")
    with pytest.raises(MethodError, match="depth must be"):
        attribute(old, old, entity="X", depth=-1)
    with pytest.raises(MethodError, match="got int"):
        attribute(1, old, entity="X")  # type: ignore[arg-type]
    with pytest.raises(MethodError, match="no entity in common"):
        compare(old, other)
    missing = _index(cat, {"a": np.nan, "b": np.nan})
    with pytest.raises(MethodError, match="X/G has no score in the new result"):
        attribute(old, missing, entity="X")


def test_different_kinds_are_refused(gpi_pair: tuple) -> None:
    cat = _catalog([("G", "", 1, "arithmetic"), ("a", "G", 1, "")])
    with pytest.raises(MethodError, match="cannot compare a IndexResult with a PerformanceResult"):
        attribute(_index(cat, {"a": 1.0}), gpi_pair[0], entity="X", node="G")


class _TreeScores(Result):
    """A result type the attribution does not know: it only hands out its framework."""

    def __init__(self, catalog: Catalog, scores: pd.DataFrame) -> None:
        self._store(_catalog=catalog, _scores=scores)

    provenance = property(lambda self: {"kind": "tree scores"})
    method = property(lambda self: None)
    stages = property(lambda self: {"aggregated": handout(self._scores)})
    scores = property(lambda self: handout(self._scores))
    node_scores = property(lambda self: handout(self._scores))

    def regenerate(self, **changes: object) -> _TreeScores:
        return self

    def _tables(self) -> dict[str, pd.DataFrame]:
        return {"scores": self._scores}

    def _summary(self) -> tuple[str, list[str]]:
        return "tree scores", []

    def framework(self) -> Framework:
        roots = pd.Series("G", index=self._scores.index, dtype="object")
        return Framework("TreeScores", self._catalog, "arithmetic", self.node_scores, roots, {})


def test_attribution_reads_only_the_framework_of_a_result() -> None:
    cat = _catalog([("G", "", 1, "arithmetic"), ("a", "G", 3, ""), ("b", "G", 1, "")])

    def result(b: float) -> _TreeScores:  # G = (3·a + b) / 4 with a = 50
        g = (3 * 50.0 + b) / 4
        frame = pd.DataFrame({"G": [g], "a": [50.0], "b": [b]}, index=pd.Index(["X"]))
        return _TreeScores(cat, frame.rename_axis(index="entity", columns="node"))

    att = attribute(result(50.0), result(100.0), entity="X")
    assert att.kind == "TreeScores" and att.total == 12.5  # (3·50 + 100)/4 − 50
    assert _contrib(att) == {"G": 12.5, "a": 0.0, "b": 12.5}  # weight 1/4 × change 50
    assert compare(result(50.0), result(100.0)).loc["X", "drivers"] == "b +12.50"


def test_framework_of_every_result_kind(gpi_pair: tuple) -> None:
    from govindex.operational import read_scorecard

    gpi = gpi_pair[0].framework()
    assert gpi.kind == "PerformanceResult" and gpi.aggregation == "arithmetic"
    assert gpi.roots.equals(gpi_pair[0].scores["root"].astype("object"))
    assert list(gpi.node_scores.columns) == gpi.catalog.codes
    cat = _catalog([("G", "", 1, "geometric"), ("a", "G", 1, "")])
    index = _index(cat, {"a": 1.0}).framework()
    assert index.kind == "IndexResult" and index.roots.tolist() == ["G"]
    assert index.fingerprints.keys() == {"panel", "catalog"}
    inputs = pd.DataFrame({"entity": ["R01", "R02"], "criterion": "open_data", "value": 0.7})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # criteria without values: not the point here
        ops = read_scorecard("local").score(inputs).framework()
    assert ops.kind == "OperationalResult" and ops.aggregation == "sum"
    assert set(ops.roots) == {"total"} and ops.fingerprints.keys() == {"inputs", "scorecard"}
    # the points of a body sum up the tree: the total is the sum of the blocks' points
    blocks = ops.catalog.children("total")
    np.testing.assert_allclose(
        ops.node_scores[blocks].sum(axis=1), ops.node_scores["total"], atol=1e-9
    )


def test_a_result_without_entity_scores_has_no_framework() -> None:
    panel = Panel.from_frame(pd.DataFrame({
        "entity": ["KZ", "KZ", "OECD", "OECD"], "indicator": "life", "year": [2016, 2024] * 2,
        "value": [72.0, 75.0, 80.0, 81.0]}))  # fmt: skip
    cat = Catalog.from_frame(pd.DataFrame({"code": ["NPI", "life"], "parent": ["", "NPI"]}))
    npi = govindex.progress_index(panel, cat, country="KZ", reference="OECD", year=2024)
    with pytest.raises(MethodError, match="ProgressResult has no scores per entity"):
        npi.framework()
    with pytest.raises(MethodError, match="ProgressResult has no scores per entity"):
        attribute(npi, npi, entity="KZ")  # type: ignore[arg-type]


def test_too_many_shapley_players() -> None:
    n = MAX_SHAPLEY_PLAYERS + 1
    rows = [("G", "", 1.0, "median")] + [(f"x{k}", "G", 1.0, "") for k in range(n)]
    cat = _catalog(rows)
    old = _index(cat, {f"x{k}": 10.0 + k for k in range(n)})
    new = _index(cat, {f"x{k}": 50.0 + k for k in range(n)})
    with pytest.raises(
        MethodError, match=f"{n} children changed.*limited to {MAX_SHAPLEY_PLAYERS}"
    ):
        attribute(old, new, entity="X")


# --------------------------------------------------------------------------- chart
def test_waterfall_draws_every_contribution(gpi_pair: tuple) -> None:
    from govindex.plotting.attribution import plot_attribution

    att = attribute(*gpi_pair, entity="R04")
    ax = plot_attribution(att, top=5, note="SYNTHETIC demo data")
    bars = [p for c in ax.containers for p in c.patches]
    widths = [p.get_width() for p in ax.containers[1].patches]
    assert len(bars) == 2 + 5 + 1  # old, new, 5 drivers, "other"
    leaves = att.leaves["contribution"].to_numpy()
    np.testing.assert_allclose(widths[:5], leaves[:5])
    assert widths[5] == pytest.approx(leaves[5:].sum())
    assert sum(widths) == pytest.approx(att.total, abs=1e-9)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "old score" and labels[-1] == "new score"
    name = att.leaves["name"].iloc[0]
    assert labels[1].startswith(name[:20])
    with pytest.raises(MethodError, match="expected an Attribution"):
        plot_attribution(gpi_pair[0])  # type: ignore[arg-type]
    with pytest.raises(MethodError, match="top must be"):
        plot_attribution(att, top=0)
    import matplotlib.pyplot as plt

    plt.close("all")
