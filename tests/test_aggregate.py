"""Aggregation kernels against hand calculations, and :func:`parse_aggregation`."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from govindex import Catalog, MethodError
from govindex.aggregate import (
    AGGREGATORS,
    AggregationSpec,
    aggregate_frame,
    aggregate_tree,
    arithmetic,
    generalized,
    geometric,
    harmonic,
    median,
    minimum,
    parse_aggregation,
    total,
)
from govindex.exceptions import AggregationError

NAN = np.nan


@pytest.fixture(autouse=True)
def _runtime_warnings_are_errors() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        yield


def one(values: list[float], weights: list[float] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """One entity, one parent: x of shape (1, 1, C), w of shape (1, C)."""
    x = np.array(values, dtype=np.float64)[np.newaxis, np.newaxis, :]
    w = np.ones((1, len(values))) if weights is None else np.array([weights], dtype=np.float64)
    return x, w


def test_registry_names() -> None:
    assert AGGREGATORS.names() == [
        "arithmetic",
        "generalized",
        "geometric",
        "harmonic",
        "median",
        "min",
        "sum",
    ]


def test_arithmetic_weighted() -> None:
    # (1*10 + 3*20 + 1*60) / 5 = 130 / 5 = 26
    assert_allclose(arithmetic(*one([10, 20, 60], [1, 3, 1])), [[26.0]])


def test_geometric_weighted() -> None:
    # exp((1 ln 2 + 3 ln 16) / 4) = (2 * 16^3)^(1/4) = 8192^(1/4) = 9.513657
    assert_allclose(geometric(*one([2, 16], [1, 3])), [[8192**0.25]])
    assert_allclose(geometric(*one([2, 16], [1, 3])), [[9.513656920021768]])
    assert_allclose(geometric(*one([2, 8, 4])), [[4.0]])  # (2*8*4)^(1/3) = 64^(1/3)


def test_harmonic_weighted() -> None:
    # (1 + 2) / (1/2 + 2/8) = 3 / 0.75 = 4
    assert_allclose(harmonic(*one([2, 8], [1, 2])), [[4.0]])
    x, w = one([1, 2, 4], [1, 2, 1])
    assert_allclose(harmonic(x, w), [[stats.hmean([1, 2, 4], weights=[1, 2, 1])]])


def test_generalized_mean() -> None:
    # p = 2: sqrt((1*3^2 + 1*4^2)/2) = sqrt(12.5) = 3.535534
    assert_allclose(generalized(*one([3, 4]), p=2), [[np.sqrt(12.5)]])
    # weighted p = 2: sqrt((3*1 + 1*49)/4) = sqrt(13)
    assert_allclose(generalized(*one([1, 7], [3, 1]), p=2), [[np.sqrt(13.0)]])
    # p = 0 is the geometric mean ; p = 1 the arithmetic ; p = -1 the harmonic
    x, w = one([2, 16, 5], [1, 3, 2])
    assert_allclose(generalized(x, w, p=0), geometric(x, w))
    assert_allclose(generalized(x, w, p=1), arithmetic(x, w))
    assert_allclose(generalized(x, w, p=-1), harmonic(x, w))
    # p = 0.5 against scipy's power mean
    assert_allclose(generalized(x, w, p=0.5), [[stats.pmean([2, 16, 5], 0.5, weights=[1, 3, 2])]])


@pytest.mark.parametrize(
    ("values", "weights", "expected"),
    [
        ([5, 1, 3], [1, 1, 1], 3.0),  # odd: sorted 1, 3, 5 -> 3
        ([4, 1, 3, 2], [1, 1, 1, 1], 2.5),  # even: sorted 1 2 | 3 4 -> (2 + 3)/2
        # unequal: sorted 1 (w1), 2 (w1), 9 (w5): cum 1, 2, 7 >= 3.5 first at 9
        ([1, 2, 9], [1, 1, 5], 9.0),
        # cum weights 1, 3, 4 of total 4: half 2 first reached at 20 (cum 3 > 2) -> 20
        ([10, 20, 30], [1, 2, 1], 20.0),
        # exactly half: sorted 10 (w2), 20 (w1), 30 (w1): cum 2 = half -> (10 + 20)/2
        ([30, 10, 20], [1, 2, 1], 15.0),
        ([7, NAN, 1], [1, 1, 1], 4.0),  # NaN skipped: median of 1, 7
    ],
)
def test_weighted_median(values: list[float], weights: list[float], expected: float) -> None:
    assert_allclose(median(*one(values, weights)), [[expected]])


def test_median_equal_weights_matches_numpy() -> None:
    rng = np.random.default_rng(7)
    x = rng.normal(size=(30, 4, 6))
    x[rng.random(x.shape) < 0.2] = NAN
    w = np.ones((4, 6))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices in numpy's nanmedian
        expected = np.nanmedian(x, axis=-1)
    assert_allclose(median(x, w), expected)


def test_min_and_sum() -> None:
    assert_allclose(minimum(*one([4, NAN, 3, 9])), [[3.0]])
    # zero weight removes a child from min
    assert_allclose(minimum(*one([4, 1, 3], [1, 0, 1])), [[3.0]])
    # points: 2*4 + 1*3 = 11 (weights are not rescaled; NaN child skipped)
    assert_allclose(total(*one([4, NAN, 3], [2, 5, 1])), [[11.0]])


def test_missing_children_are_skipped_with_weights_rescaled() -> None:
    # child 2 missing: (1*10 + 1*60)/(1 + 1) = 35, not (10 + 60)/5
    assert_allclose(arithmetic(*one([10, NAN, 60], [1, 3, 1])), [[35.0]])
    # geometric without the missing child: sqrt(4 * 9) = 6
    assert_allclose(geometric(*one([4, NAN, 9])), [[6.0]])
    # all missing -> NaN for every kernel, no warning
    for name in AGGREGATORS.names():
        assert np.isnan(AGGREGATORS[name](*one([NAN, NAN]))).all(), name


def test_vectorised_over_entities_and_parents() -> None:
    # 2 entities x 2 parents x 3 children (second parent padded with weight 0)
    x = np.array([[[1, 2, 3], [10, 20, NAN]], [[4, NAN, 6], [NAN, NAN, NAN]]], dtype=np.float64)
    w = np.array([[1, 1, 2], [1, 3, 0]], dtype=np.float64)
    # e0 p0: (1 + 2 + 6)/4 = 2.25 ; e0 p1: (10 + 60)/4 = 17.5
    # e1 p0: (4 + 12)/3 = 5.333 ; e1 p1: NaN
    assert_allclose(arithmetic(x, w), [[2.25, 17.5], [16 / 3, NAN]])


@pytest.mark.parametrize("name", ["geometric", "harmonic"])
@pytest.mark.parametrize("bad", [0.0, -2.0])
def test_geometric_harmonic_need_positive_values(name: str, bad: float) -> None:
    with pytest.raises(
        AggregationError, match=r"needs positive values.*minmax with low=1, high=100"
    ):
        AGGREGATORS[name](*one([5.0, bad]))


def test_generalized_negative_p_needs_positive() -> None:
    with pytest.raises(AggregationError, match="needs positive values"):
        generalized(*one([5.0, 0.0]), p=-1)
    with pytest.raises(AggregationError, match="needs positive values"):
        generalized(*one([5.0, -1.0]), p=0.5)


def test_zero_weight_child_with_zero_value_is_ignored() -> None:
    # a non-positive value with zero weight does not take part, so no error
    assert_allclose(geometric(*one([0.0, 4.0], [0, 1])), [[4.0]])


def test_aggregate_frame() -> None:
    df = pd.DataFrame({"a": [1.0, 4.0], "b": [100.0, NAN]}, index=["X", "Y"])
    out = aggregate_frame(df, "arithmetic", weights={"a": 3, "b": 1})
    # X: (3*1 + 100)/4 = 25.75 ; Y: only a -> 4
    assert_allclose(out.to_numpy(), [25.75, 4.0])
    with pytest.raises(MethodError, match=r"no weight given for column\(s\) \['b'\]"):
        aggregate_frame(df, weights={"a": 1})


@pytest.mark.parametrize(
    ("text", "spec"),
    [
        ("arithmetic", AggregationSpec("arithmetic")),
        ("  geometric ", AggregationSpec("geometric")),
        ("generalized(p=2)", AggregationSpec("generalized", (("p", 2.0),))),
        ("generalized( p = 0.5 )", AggregationSpec("generalized", (("p", 0.5),))),
        (AggregationSpec("min"), AggregationSpec("min")),
    ],
)
def test_parse_aggregation_good(text: str | AggregationSpec, spec: AggregationSpec) -> None:
    assert parse_aggregation(text) == spec


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("mean", r"unknown aggregation method 'mean'; expected one of \['arithmetic'"),
        ("generalized(p=two)", r"bad parameter 'p=two'"),
        ("generalized(2)", r"bad parameter '2'"),
        ("generalized(=2)", r"bad parameter '=2'"),
        ("Arithmetic!", r"cannot parse aggregation 'Arithmetic!'"),
    ],
)
def test_parse_aggregation_bad(text: str, message: str) -> None:
    with pytest.raises(MethodError, match=message):
        parse_aggregation(text)


def test_spec_str_round_trip() -> None:
    spec = parse_aggregation("generalized(p=0.5)")
    assert str(spec) == "generalized(p=0.5)"
    assert parse_aggregation(str(spec)) == spec


# ---------------------------------------------------------------------- the tree roll-up
def _two_level_catalog() -> Catalog:
    """R over A (a1, a2, a3) and B (b1, b2), with unequal weights."""
    return Catalog.from_frame(
        pd.DataFrame(
            {
                "code": ["R", "A", "B", "a1", "a2", "a3", "b1", "b2"],
                "parent": ["", "R", "R", "A", "A", "A", "B", "B"],
                "weight": [1, 2, 1, 1, 1, 2, 3, 1],
            }
        )
    )


def test_kernels_with_per_replication_weights_match_one_replication_at_a_time() -> None:
    # x (R, E, P, C) with w (R, P, C): replication r equals the kernel on x[r] with w[r]
    # (to rounding: einsum's summation order may depend on the operands' shapes)
    rng = np.random.default_rng(7)
    x = rng.uniform(1.0, 9.0, (4, 3, 2, 5))
    x[rng.random(x.shape) < 0.2] = NAN
    w = rng.uniform(0.0, 2.0, (4, 2, 5))
    for name in AGGREGATORS.names():
        whole = AGGREGATORS[name](x, w)
        assert whole.shape == (4, 3, 2)
        for r in range(4):
            assert_allclose(whole[r], AGGREGATORS[name](x[r], w[r]), rtol=1e-14, atol=0)


def test_aggregate_tree_by_hand_with_missing_child_and_coverage() -> None:
    cat = _two_level_catalog()
    nan_node = NAN  # parent columns are ignored on the way in
    # entity X: A = (1·10 + 1·20 + 2·40)/4 = 27.5, B = (3·60 + 1·20)/4 = 50,
    #           R = (2·27.5 + 1·50)/3 = 35
    # entity Y: a3 missing -> A = (10 + 30)/2 = 20 with coverage 2/4 < 2/3 -> NaN;
    #           R from B alone = 50 (coverage 1/3 < 2/3 -> NaN as well)
    leaf = np.array(
        [
            [nan_node, nan_node, nan_node, 10.0, 20.0, 40.0, 60.0, 20.0],
            [nan_node, nan_node, nan_node, 10.0, 30.0, NAN, 60.0, 20.0],
        ]
    )
    out = aggregate_tree(leaf, cat.rollup_plan())
    assert_allclose(out.scores[0, :3], [35.0, 27.5, 50.0])
    assert_allclose(out.scores[1, :3], [NAN, NAN, 50.0])
    assert_allclose(out.coverage[1, :3], [1 / 3, 0.5, 1.0])
    assert out.low_coverage[1, :3].tolist() == [True, True, False]
    # coverage 0 keeps them: A = 20, R = (2·20 + 50)/3 = 30
    assert_allclose(
        aggregate_tree(leaf, cat.rollup_plan(), coverage=0).scores[1, :3], [30, 20, 50]
    )
    assert np.isnan(leaf[:, :3]).all()  # the input is not modified


def test_aggregate_tree_replication_axis_equals_each_replication() -> None:
    # the uncertainty analysis rolls replications up together: cell for cell the same
    # numbers (to rounding) as one 2-D roll-up per replication with its own weights
    cat = _two_level_catalog()
    rng = np.random.default_rng(3)
    leaf = rng.uniform(1.0, 100.0, (6, 4, len(cat)))
    leaf[rng.random(leaf.shape) < 0.15] = NAN
    weights = rng.uniform(0.1, 3.0, (6, len(cat)))
    for name in ["arithmetic", "geometric", "harmonic", "median", "min", "sum"]:
        plan = cat.rollup_plan(name, uniform=True)
        whole = aggregate_tree(leaf, plan, weights=weights)
        for r in range(6):
            one = aggregate_tree(leaf[r], plan, weights=weights[r])
            assert_allclose(whole.scores[r], one.scores, rtol=1e-14, atol=0)
            assert_allclose(whole.coverage[r], one.coverage, rtol=1e-14, atol=0)
            np.testing.assert_array_equal(whole.low_coverage[r], one.low_coverage)


def test_aggregate_tree_node_weights_replace_the_catalogs() -> None:
    cat = _two_level_catalog()
    leaf = np.array([[NAN, NAN, NAN, 10.0, 20.0, 40.0, 60.0, 20.0]])
    w = np.array([1.0, 1, 1, 1, 1, 1, 1, 1])  # equal weights: A = 70/3, B = 40, R = (A + B)/2
    out = aggregate_tree(leaf, cat.rollup_plan(), weights=w)
    assert_allclose(out.scores[0, :3], [(70 / 3 + 40) / 2, 70 / 3, 40])
    with pytest.raises(MethodError, match=r"weights must have shape \(8,\)"):
        aggregate_tree(leaf, cat.rollup_plan(), weights=np.ones(5))
    with pytest.raises(MethodError, match="replications"):
        aggregate_tree(leaf, cat.rollup_plan(), weights=np.ones((2, 8)))  # no replication axis
    with pytest.raises(MethodError, match="leaf_scores must have shape"):
        aggregate_tree(np.ones(8), cat.rollup_plan())


def test_aggregate_tree_error_names_entity_and_parent_with_replications() -> None:
    cat = _two_level_catalog()
    leaf = np.full((2, 2, len(cat)), 5.0)
    leaf[1, 1, 6] = 0.0  # b1 of the second entity, second replication
    with pytest.raises(AggregationError, match=r"at \(entity/parent\) 'Y/B'"):
        aggregate_tree(
            leaf, cat.rollup_plan("geometric"), node_labels=cat.codes, entity_labels=["X", "Y"]
        )
