"""Tests of govindex.prepare.weights: catalog, equal, PCA and noisy weights."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govindex import Catalog, performance_index
from govindex.datasets import load_demo
from govindex.exceptions import CatalogError, GovindexWarning, MethodError
from govindex.prepare.weights import catalog_weights, equal_weights, noisy_weights, pca_weights


def _cat(children: list[str], weights: list[float] | None = None) -> Catalog:
    frame = pd.DataFrame({"code": ["G", *children], "parent": ["", *(["G"] * len(children))]})
    if weights is not None:
        frame["weight"] = [1.0, *weights]
    return Catalog.from_frame(frame)


@pytest.fixture(scope="module")
def two_level() -> Catalog:
    # G → A (weight 2) {a1 (w 1), a2 (w 3)}, B (weight 0) {b1}
    return Catalog.from_frame(
        pd.DataFrame(
            {
                "code": ["G", "A", "B", "a1", "a2", "b1"],
                "parent": ["", "G", "G", "A", "A", "B"],
                "weight": [1.0, 2.0, 0.0, 1.0, 3.0, 1.0],
            }
        )
    )


def test_catalog_weights_normalised_within_parent(two_level: Catalog) -> None:
    w = catalog_weights(two_level).column("weight")
    # A: 2/(2+0) = 1, B: 0; a1: 1/4, a2: 3/4; b1: 1/1; root 1
    assert w.to_dict() == {"G": 1.0, "A": 1.0, "B": 0.0, "a1": 0.25, "a2": 0.75, "b1": 1.0}
    assert two_level.column("weight")["a2"] == 3.0  # input untouched


def test_equal_weights(two_level: Catalog) -> None:
    w = equal_weights(two_level).column("weight")
    assert w.to_dict() == {"G": 1.0, "A": 0.5, "B": 0.5, "a1": 0.5, "a2": 0.5, "b1": 1.0}


def test_pca_two_variables_by_hand() -> None:
    # Two standardised variables with correlation r: R = [[1, r], [r, 1]] has eigenvalues
    # 1 ± r with eigenvectors (1, 1)/√2 (for 1 + r) and (1, -1)/√2 (for 1 - r).
    # x = [1, 2, 3, 4], y = [2, 1, 4, 3]: centred (-1.5, -.5, .5, 1.5), (-.5, -1.5, 1.5, .5);
    # cov = (.75 + .75 + .75 + .75)/3 = 1, var = 5/3 each, so r = 0.6 > 0 and the first PC
    # is (1, 1)/√2: squared loadings 1/2, 1/2.
    scores = pd.DataFrame({"x": [1.0, 2, 3, 4], "y": [2.0, 1, 4, 3]})
    assert np.isclose(scores.corr().iloc[0, 1], 0.6)
    w = pca_weights(_cat(["x", "y"]), scores).column("weight")
    assert np.allclose(w[["x", "y"]], [0.5, 0.5])
    # r = -0.6: the first PC is (1, -1)/√2; squaring removes the sign: again 1/2, 1/2
    neg = scores.assign(y=-scores["y"])
    assert np.allclose(pca_weights(_cat(["x", "y"]), neg).column("weight")[["x", "y"]], [0.5, 0.5])


def test_pca_three_variables_by_hand() -> None:
    # a = [1,2,3,4], b = [1,3,2,4], c = [1,-1,-1,1]: corr(a, b) = 4/5, c orthogonal to both
    # (centred dot products 0), so R = [[1, .8, 0], [.8, 1, 0], [0, 0, 1]], eigenvalues
    # 1.8, 1, 0.2; first PC (1, 1, 0)/√2 → weights 1/2, 1/2, 0.
    scores = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [1.0, 3, 2, 4], "c": [1.0, -1, -1, 1]})
    w = pca_weights(_cat(["a", "b", "c"]), scores).column("weight")
    assert np.allclose(w[["a", "b", "c"]], [0.5, 0.5, 0.0], atol=1e-12)


def test_pca_matches_svd_of_standardised_data() -> None:
    # Reference: numpy SVD of the standardised data matrix (a different algorithm from the
    # eigen-decomposition of the correlation matrix): first right singular vector squared.
    rng = np.random.default_rng(5)
    base = rng.normal(size=(30, 1))
    data = base @ np.array([[1.0, 0.6, 0.3, 0.1]]) + rng.normal(size=(30, 4)) * [
        0.3,
        0.5,
        0.8,
        1.0,
    ]
    frame = pd.DataFrame(data, columns=["p", "q", "r", "s"])
    z = (data - data.mean(axis=0)) / data.std(axis=0, ddof=1)
    v = np.linalg.svd(z, full_matrices=False)[2][0]
    w = pca_weights(_cat(list("pqrs"), [5, 1, 1, 1]), frame).column("weight")
    assert np.allclose(w[list("pqrs")], v**2, atol=1e-12)


def test_pca_pairwise_complete_correlation() -> None:
    # With missing values the correlation of each pair uses the rows where both exist.
    # Oracle: a loop over pairs with np.corrcoef on the complete pairs, then numpy eigh.
    rng = np.random.default_rng(2)
    data = rng.normal(size=(12, 3)) + rng.normal(size=(12, 1))
    data[0, 0] = data[3, 1] = data[7, 2] = data[8, 2] = np.nan
    frame = pd.DataFrame(data, columns=["u", "v", "w"])
    corr = np.eye(3)
    for i in range(3):
        for j in range(i + 1, 3):
            ok = ~np.isnan(data[:, i]) & ~np.isnan(data[:, j])
            corr[i, j] = corr[j, i] = np.corrcoef(data[ok, i], data[ok, j])[0, 1]
    vec = np.linalg.eigh(corr)[1][:, -1]
    w = pca_weights(_cat(["u", "v", "w"]), frame).column("weight")
    assert np.allclose(w[["u", "v", "w"]], vec**2, atol=1e-12)


def test_pca_degenerate_parents_keep_catalog_weights() -> None:
    # zero variance in one child
    cat = _cat(["a", "b"], [3, 1])
    flat = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [5.0, 5, 5, 5]})
    with pytest.warns(GovindexWarning, match=r"'G \(a child with zero variance\)'"):
        w = pca_weights(cat, flat).column("weight")
    assert np.allclose(w[["a", "b"]], [0.75, 0.25])
    # uncorrelated children: R = I, eigenvalues tied, the first component is not unique
    uncorrelated = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [1.0, -1, -1, 1]})
    with pytest.warns(GovindexWarning, match="not unique"):
        w = pca_weights(cat, uncorrelated).column("weight")
    assert np.allclose(w[["a", "b"]], [0.75, 0.25])


def test_pca_on_demo_tree_sums_to_one_per_parent() -> None:
    panel, catalog = load_demo("leb")  # SYNTHETIC demo data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = performance_index(panel, catalog, year=2025)
    w = pca_weights(catalog, res.node_scores).frame
    sums = w.loc[w["parent"] != ""].groupby("parent")["weight"].sum()
    assert np.allclose(sums, 1.0) and len(sums) == 10
    assert (w["weight"] >= 0).all()
    # the root level (9 spheres): PCA over the sphere aggregates, oracle eigh on pandas corr
    spheres = catalog.children("GPI_LEB")
    vec = np.linalg.eigh(res.node_scores[spheres].corr().to_numpy())[1][:, -1]
    got = w.set_index("code").loc[spheres, "weight"].to_numpy()
    assert np.allclose(got, vec**2, atol=1e-12)


def test_noisy_weights_positive_and_normalised(two_level: Catalog) -> None:
    cats = noisy_weights(two_level, noise=0.5, n=50, seed=3)
    assert len(cats) == 50
    w = np.stack([c.frame["weight"].to_numpy() for c in cats])  # (50, 6)
    codes = two_level.codes
    a1, a2, b, b1 = (codes.index(x) for x in ("a1", "a2", "B", "b1"))
    assert np.allclose(w[:, a1] + w[:, a2], 1.0)
    assert np.all(w[:, [a1, a2]] > 0)
    assert np.all(w[:, b] == 0.0)  # zero weight stays zero
    assert np.allclose(w[:, b1], 1.0)
    # a1/a2 = (1·u1)/(3·u2) with u ∈ [0.5, 1.5]: within [1/3 · 0.5/1.5, 1/3 · 1.5/0.5]
    ratio = w[:, a1] / w[:, a2]
    assert ratio.min() >= 1 / 9 - 1e-12 and ratio.max() <= 1.0 + 1e-12
    assert ratio.std() > 0.05  # it is actually perturbed


def test_noisy_weights_reproducible(two_level: Catalog) -> None:
    a = [c.frame["weight"].tolist() for c in noisy_weights(two_level, noise=0.2, n=3, seed=9)]
    b = [c.frame["weight"].tolist() for c in noisy_weights(two_level, noise=0.2, n=3, seed=9)]
    c = [c.frame["weight"].tolist() for c in noisy_weights(two_level, noise=0.2, n=3, seed=10)]
    assert a == b and a != c
    zero = noisy_weights(two_level, noise=0.0, n=1, seed=1)[0]
    assert zero.column("weight").to_dict() == catalog_weights(two_level).column("weight").to_dict()


@pytest.mark.slow
@settings(max_examples=30, deadline=None)
@given(
    noise=st.floats(0.0, 0.999),
    seed=st.integers(0, 2**32 - 1),
    weights=st.lists(st.floats(0.01, 100.0), min_size=2, max_size=6),
)
def test_noisy_weights_property(noise: float, seed: int, weights: list[float]) -> None:
    cat = _cat([f"c{i}" for i in range(len(weights))], weights)
    out = noisy_weights(cat, noise=noise, n=2, seed=seed)
    for c in out:
        w = c.frame["weight"].to_numpy()[1:]
        assert np.all(w > 0) and np.isclose(w.sum(), 1.0)


@pytest.mark.parametrize("noise", [1.0, -0.1, 1.5, "0.2"])
def test_noisy_weights_bad_noise(two_level: Catalog, noise: object) -> None:
    with pytest.raises(MethodError, match=r"weight noise must be a number in \[0, 1\)"):
        noisy_weights(two_level, noise=noise, n=2)  # type: ignore[arg-type]


@pytest.mark.parametrize("n", [0, -3, 1.5, True])
def test_noisy_weights_bad_n(two_level: Catalog, n: object) -> None:
    with pytest.raises(MethodError, match="n must be a positive integer"):
        noisy_weights(two_level, n=n)  # type: ignore[arg-type]


def test_bad_catalog_and_scores(two_level: Catalog) -> None:
    with pytest.raises(CatalogError, match="expected a Catalog"):
        equal_weights("not a catalog")  # type: ignore[arg-type]
    with pytest.raises(MethodError, match=r"no column for node\(s\) 'a2'"):
        pca_weights(two_level, pd.DataFrame({"A": [1.0, 2], "B": [1.0, 3], "a1": [1.0, 2]}))
    with pytest.raises(MethodError, match="entity × node DataFrame"):
        pca_weights(two_level, np.zeros((3, 3)))  # type: ignore[arg-type]
