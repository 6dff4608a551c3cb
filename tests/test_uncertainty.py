"""Tests of govindex.analysis.uncertainty: the vectorised Monte-Carlo against a loop over replications."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from govindex import Catalog, compute_index, performance_index
from govindex.aggregate import aggregate_tree
from govindex.analysis.uncertainty import option_label, uncertainty_analysis
from govindex.datasets import load_demo
from govindex.exceptions import MethodError
from govindex.indices.composite import IndexResult, rollup
from govindex.indices.gpi import PerformanceResult
from govindex.normalize import NORMALIZERS
from govindex.plotting.uncertainty import plot_rank_intervals

ROOT = "GPI_LEB"


@pytest.fixture(scope="module")
def demo() -> tuple[object, Catalog]:
    return load_demo("leb")  # SYNTHETIC demo data


@pytest.fixture(scope="module")
def gpi(demo: tuple[object, Catalog]) -> PerformanceResult:
    panel, catalog = demo
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return performance_index(panel, catalog, year=2025)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def composite(demo: tuple[object, Catalog]) -> IndexResult:
    panel, catalog = demo
    return compute_index(
        panel,
        catalog,
        year=2025,  # type: ignore[arg-type]
        normalization_params={"low": 1.0, "high": 100.0},
    )


def _catalog_for(base: Catalog, weights: pd.Series, aggregation: str) -> Catalog:
    """The catalog of one replication: its weights, and its aggregation at every parent."""
    frame = base.to_frame()
    frame["weight"] = weights.reindex(frame["code"]).to_numpy()
    parents = ~frame["code"].isin(base.indicators)
    frame.loc[parents, "aggregation"] = aggregation
    return Catalog.from_frame(frame)


def _gpi_oracle(
    gpi: PerformanceResult,
    design: pd.Series,
    weights: pd.Series,
    shift: float,
    imputation: dict[str, object] | None = None,
) -> np.ndarray:
    """One replication the slow way: a full performance_index run, then (for a non-default
    score or aggregation) the leaf scores re-made and rolled up with the library's rollup."""
    cat = _catalog_for(gpi.catalog, weights, design["aggregation"])
    rule = None if design["change"] == "catalog" else design["change"]
    leaves = gpi.catalog.indicators
    if (
        design["normalization"] == "progress"
        and design["aggregation"] == "arithmetic"
        and shift == 0
    ):
        run = gpi.regenerate(override_change=rule, catalog=cat, imputation=imputation)
        return run.scores["gpi"].to_numpy()
    # arithmetic, catalog weights: only the leaves are used
    run = gpi.regenerate(override_change=rule, imputation=imputation)
    if design["normalization"] == "progress":
        leaf = run.node_scores[leaves].to_numpy()
    else:
        g = run.changes.pivot(index="entity", columns="indicator", values="change")
        g = g.reindex(index=gpi.scores.index, columns=leaves).to_numpy()
        leaf = NORMALIZERS[design["normalization"]](g, np.ones(len(leaves)))
    nodes, _, _ = rollup(
        leaf + shift, cat, leaves, aggregation=design["aggregation"], coverage=gpi.method.coverage
    )
    return nodes[:, cat.codes.index(ROOT)]


def test_nominal_design_reproduces_the_result(gpi: PerformanceResult) -> None:
    ua = uncertainty_analysis(gpi, n=3, seed=0)
    for r in range(3):
        np.testing.assert_allclose(ua.scores.iloc[r], gpi.scores["gpi"], rtol=0, atol=1e-9)
        np.testing.assert_allclose(ua.ranks.iloc[r], gpi.scores["rank"].astype(float))
        np.testing.assert_allclose(ua.deteriorated.iloc[r], gpi.scores["share_deteriorated"])  # type: ignore[union-attr]


def test_gpi_vectorised_equals_loop(gpi: PerformanceResult) -> None:
    # the oracle: each replication recomputed with performance_index / regenerate
    ua = uncertainty_analysis(
        gpi,
        n=8,
        change=("catalog", "relative", "absolute", "slope"),
        weights=("catalog", "equal", "pca"),
        weight_noise=0.3,
        seed=11,
    )
    assert len(set(ua.design["change"])) > 1 and len(set(ua.design["weights"])) > 1
    for r in range(ua.n):
        expected = _gpi_oracle(gpi, ua.design.iloc[r], ua.weights.iloc[r], 0.0)
        np.testing.assert_allclose(ua.scores.iloc[r].to_numpy(), expected, rtol=0, atol=1e-9)


def test_gpi_geometric_and_normalisations_equal_loop(gpi: PerformanceResult) -> None:
    ua = uncertainty_analysis(
        gpi,
        n=10,
        change=("catalog", "slope"),
        normalization=("progress", "minmax", "percentile_rank"),
        aggregation=("arithmetic", "geometric", "harmonic"),
        weight_noise=0.25,
        shift=1.0,
        seed=4,
    )
    assert ua.design["aggregation"].nunique() == 3
    for r in range(ua.n):
        expected = _gpi_oracle(gpi, ua.design.iloc[r], ua.weights.iloc[r], 1.0)
        np.testing.assert_allclose(ua.scores.iloc[r].to_numpy(), expected, rtol=0, atol=1e-9)


def test_tolerance_changes_classes_not_ranks(gpi: PerformanceResult) -> None:
    ua = uncertainty_analysis(gpi, n=12, tolerance=(0.5, 1.0, 3.0), seed=2)
    # ranks: the progress score does not depend on τ, so every replication is the nominal one
    assert np.all(ua.ranks.to_numpy() == gpi.scores["rank"].to_numpy(dtype=float)[None, :])
    # classes: oracle = performance_index with the catalog's tolerance set to factor × τ
    tau = gpi.changes.groupby("indicator")["tolerance"].first()
    for factor in (0.5, 3.0):
        frame = gpi.catalog.to_frame()
        frame["tolerance"] = (factor * tau).reindex(frame["code"]).to_numpy()
        run = gpi.regenerate(catalog=Catalog.from_frame(frame))
        rows = np.flatnonzero(ua.design["tolerance"].to_numpy() == factor)
        assert len(rows)
        for r in rows:
            np.testing.assert_allclose(ua.deteriorated.iloc[r], run.scores["share_deteriorated"])  # type: ignore[union-attr]


def test_composite_vectorised_equals_loop(composite: IndexResult) -> None:
    ua = uncertainty_analysis(
        composite,
        n=8,
        normalization=("minmax", "zscore", "rank"),
        weights=("catalog", "equal"),
        weight_noise=0.2,
        seed=5,
    )
    for r in range(ua.n):
        d = ua.design.iloc[r]
        cat = _catalog_for(composite.catalog, ua.weights.iloc[r], "arithmetic")
        params = {"low": 1.0, "high": 100.0} if d["normalization"] == "minmax" else {}
        run = composite.regenerate(
            normalization=d["normalization"], normalization_params=params, catalog=cat
        )
        np.testing.assert_allclose(ua.scores.iloc[r], run.scores[ROOT], rtol=0, atol=1e-9)
    geo = uncertainty_analysis(
        composite, n=4, aggregation=("geometric",), weight_noise=0.2, seed=6
    )
    for r in range(geo.n):
        cat = _catalog_for(composite.catalog, geo.weights.iloc[r], "geometric")
        run = composite.regenerate(catalog=cat)
        np.testing.assert_allclose(geo.scores.iloc[r], run.scores[ROOT], rtol=0, atol=1e-9)


def test_ranks_and_summary_against_pandas_and_numpy(gpi: PerformanceResult) -> None:
    ua = uncertainty_analysis(
        gpi, n=300, change=("catalog", "relative", "slope"), weight_noise=0.25, seed=8
    )
    # ranks: pandas' row-wise rank (descending, ties = min) is the reference
    expected = ua.scores.rank(axis=1, ascending=False, method="min")
    np.testing.assert_array_equal(ua.ranks.to_numpy(), expected.to_numpy())
    summary = ua.rank_summary
    ranks = ua.ranks.to_numpy()
    for ent in summary.index[:5]:
        col = ranks[:, ua.ranks.columns.get_loc(ent)]
        p5, med, p95 = np.percentile(col, [5, 50, 95])
        row = summary.loc[ent]
        assert (row["p5"], row["median"], row["p95"]) == (p5, med, p95)
        assert np.isclose(row["mean"], col.mean())
    assert summary["nominal_rank"].to_dict() == gpi.scores["rank"].astype(float).to_dict()
    assert (summary["p5"] <= summary["median"]).all() and (
        summary["median"] <= summary["p95"]
    ).all()


def test_reproducible_with_seed(gpi: PerformanceResult) -> None:
    kw = {"n": 50, "change": ("catalog", "slope"), "weight_noise": 0.2}
    a = uncertainty_analysis(gpi, seed=42, **kw)  # type: ignore[arg-type]
    b = uncertainty_analysis(gpi, seed=42, **kw)  # type: ignore[arg-type]
    c = uncertainty_analysis(gpi, seed=43, **kw)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(a.scores, b.scores)
    pd.testing.assert_frame_equal(a.design, b.design)
    assert not np.array_equal(a.scores.to_numpy(), c.scores.to_numpy())


def test_block_boundaries_do_not_matter(
    gpi: PerformanceResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    # replications are computed in blocks; blocks of 7 must give the same numbers as one block
    kw = {
        "n": 40,
        "change": ("catalog", "slope"),
        "aggregation": ("arithmetic", "geometric"),
        "weight_noise": 0.3,
        "shift": 1.0,
        "seed": 3,
    }
    whole = uncertainty_analysis(gpi, **kw)  # type: ignore[arg-type]
    monkeypatch.setattr("govindex.analysis._replications._BATCH", 7)
    blocked = uncertainty_analysis(gpi, **kw)  # type: ignore[arg-type]
    np.testing.assert_array_equal(whole.scores.to_numpy(), blocked.scores.to_numpy())


def test_to_frame_and_repr(gpi: PerformanceResult) -> None:
    ua = uncertainty_analysis(gpi, n=5, change=("catalog", "slope"), seed=1)
    tidy = ua.to_frame()
    assert len(tidy) == 5 * 20 and list(tidy.columns) == [
        "replication",
        "entity",
        "score",
        "rank",
        "deteriorated",
    ]
    assert (
        tidy.loc[(tidy["replication"] == 3) & (tidy["entity"] == "R01"), "score"].item()
        == ua.scores.loc[3, "R01"]
    )
    assert "5 replications × 20 entities" in repr(ua)


def test_plot_rank_intervals(gpi: PerformanceResult) -> None:
    ua = uncertainty_analysis(gpi, n=100, change=("catalog", "slope"), seed=1)
    ax = plot_rank_intervals(ua, note="SYNTHETIC demo data")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == list(ua.rank_summary.index)
    with pytest.raises(MethodError, match="expected an UncertaintyResult"):
        plot_rank_intervals(gpi)  # type: ignore[arg-type]
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"change": ("catalog", "cagr")}, r"unknown change option\(s\) 'cagr'"),
        (
            {"normalization": ("progress", "goalposts")},
            r"unknown normalization option\(s\) 'goalposts'",
        ),
        ({"aggregation": ("median",)}, r"unknown aggregation option\(s\) 'median'"),
        ({"weights": ("budget",)}, r"unknown weights option\(s\) 'budget'"),
        ({"weights": "equal"}, "must be a sequence"),
        ({"weights": ()}, "at least one option"),
        ({"change": ("slope", "slope")}, r"duplicate change option\(s\) 'slope'"),
        ({"tolerance": (1.0, -2.0)}, "finite and ≥ 0"),
        ({"weight_noise": 1.0}, r"weight noise must be a number in \[0, 1\)"),
        ({"weight_noise": -0.1}, r"weight noise must be a number in \[0, 1\)"),
        ({"n": 0}, "n must be a positive integer"),
        ({"n": -5}, "n must be a positive integer"),
        ({"imputation": ("mean",)}, r"imputation option 'mean' must be None"),
        ({"imputation": {"method": "locf"}}, "imputation options must be a non-empty sequence"),
        ({"imputation": []}, "imputation options must be a non-empty sequence"),
        ({"imputation": [{"method": "mean"}]}, "unknown GPI imputation method 'mean'"),
        ({"imputation": [{"method": "locf", "max_gap": 0}]}, "max_gap must be a positive"),
        (
            {"imputation": [None, {"method": "locf"}, {"method": "locf"}]},
            r"duplicate imputation option\(s\) 'locf'",
        ),
        (
            {"aggregation": ("geometric",)},
            r"normalization\(s\) 'progress' give values ≤ 0; pass shift=1",
        ),
        ({"node": ROOT}, "node applies to composite-index results"),
        ({"shift": float("nan")}, "shift must be a finite number"),
    ],
)
def test_bad_inputs_gpi(gpi: PerformanceResult, kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(MethodError, match=match):
        uncertainty_analysis(gpi, **kwargs)  # type: ignore[arg-type]


def test_bad_inputs_composite(composite: IndexResult) -> None:
    with pytest.raises(MethodError, match="change rules apply to GPI results"):
        uncertainty_analysis(composite, change=("slope",))
    with pytest.raises(MethodError, match="tolerance applies to GPI results"):
        uncertainty_analysis(composite, tolerance=(2.0,))
    with pytest.raises(MethodError, match="unknown node 'XYZ'"):
        uncertainty_analysis(composite, node="XYZ")
    with pytest.raises(MethodError, match=r"normalization\(s\) 'zscore' give values ≤ 0"):
        uncertainty_analysis(
            composite, normalization=("minmax", "zscore"), aggregation=("geometric",)
        )
    with pytest.raises(MethodError, match="expected an IndexResult"):
        uncertainty_analysis(pd.DataFrame())  # type: ignore[arg-type]
    with pytest.raises(MethodError, match="unknown imputation method 'spline'"):
        uncertainty_analysis(composite, imputation=[None, {"method": "spline"}])


# --------------------------------------------------------------------------- imputation factor
GPI_IMPUTATIONS = [None, {"method": "locf", "max_gap": 2}, {"method": "linear", "max_gap": 3}]
INDEX_IMPUTATIONS = [None, {"method": "mean"}, {"method": "median"}]


@pytest.fixture(scope="module")
def gappy(demo: tuple[object, Catalog]) -> object:
    """The SYNTHETIC demo panel with 15 % of its observations dropped (seeded)."""
    from govindex import Panel

    panel, _ = demo
    tidy = panel.to_frame()  # type: ignore[attr-defined]
    keep = np.random.default_rng(7).random(len(tidy)) > 0.15
    return Panel.from_frame(tidy.loc[keep].reset_index(drop=True))


def _by_label(options: list[dict[str, object] | None]) -> dict[str, dict[str, object] | None]:
    return {option_label(o): o for o in options}


def test_gpi_imputation_factor_equals_loop(gappy: object, demo: tuple[object, Catalog]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gpi = performance_index(gappy, demo[1], year=2025)  # type: ignore[arg-type]
        ua = uncertainty_analysis(
            gpi,
            n=10,
            change=("catalog", "slope"),
            imputation=GPI_IMPUTATIONS,
            weights=("catalog", "equal"),
            weight_noise=0.25,
            seed=12,
        )
        assert set(ua.design["imputation"]) == {"none", "locf(max_gap=2)", "linear(max_gap=3)"}
        options = _by_label(GPI_IMPUTATIONS)
        moved = 0
        for r in range(ua.n):  # the oracle: regenerate(imputation=...) per replication
            d = ua.design.iloc[r]
            expected = _gpi_oracle(gpi, d, ua.weights.iloc[r], 0.0, options[d["imputation"]])
            np.testing.assert_allclose(ua.scores.iloc[r].to_numpy(), expected, rtol=0, atol=1e-9)
            if d["imputation"] != "none":
                none = _gpi_oracle(gpi, d, ua.weights.iloc[r], 0.0, None)
                moved += int(np.nanmax(np.abs(expected - none)) > 1e-6)
    assert moved  # the imputation factor does change scores on the gappy panel


def test_gpi_imputation_with_normalisations_equals_loop(
    gappy: object, demo: tuple[object, Catalog]
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gpi = performance_index(gappy, demo[1], year=2025)  # type: ignore[arg-type]
        ua = uncertainty_analysis(
            gpi,
            n=8,
            imputation=GPI_IMPUTATIONS[1:],
            normalization=("progress", "zscore"),
            aggregation=("arithmetic", "geometric"),
            shift=5.0,
            seed=2,
        )
        options = _by_label(GPI_IMPUTATIONS)
        for r in range(ua.n):
            d = ua.design.iloc[r]
            expected = _gpi_oracle(gpi, d, ua.weights.iloc[r], 5.0, options[d["imputation"]])
            np.testing.assert_allclose(ua.scores.iloc[r].to_numpy(), expected, rtol=0, atol=1e-9)


def test_gpi_nominal_keeps_the_results_imputation(
    gappy: object, demo: tuple[object, Catalog]
) -> None:
    spec = {"method": "linear", "max_gap": 3}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gpi = performance_index(gappy, demo[1], year=2025, imputation=spec)  # type: ignore[arg-type]
        ua = uncertainty_analysis(gpi, n=3, seed=0)
    assert ua.options["imputation"] == (spec,)
    for r in range(3):
        np.testing.assert_allclose(ua.scores.iloc[r], gpi.scores["gpi"], rtol=0, atol=1e-9)


def test_composite_imputation_factor_equals_loop(
    gappy: object, demo: tuple[object, Catalog]
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        comp = compute_index(gappy, demo[1], year=2025)  # type: ignore[arg-type]
        ua = uncertainty_analysis(
            comp,
            n=9,
            imputation=INDEX_IMPUTATIONS,
            normalization=("minmax", "zscore"),
            weight_noise=0.2,
            seed=3,
        )
        options = _by_label(INDEX_IMPUTATIONS)
        for r in range(ua.n):
            d = ua.design.iloc[r]
            cat = _catalog_for(comp.catalog, ua.weights.iloc[r], "arithmetic")
            run = comp.regenerate(
                normalization=d["normalization"], imputation=options[d["imputation"]], catalog=cat
            )
            np.testing.assert_allclose(ua.scores.iloc[r], run.scores[ROOT], rtol=0, atol=1e-9)
        mean = comp.regenerate(imputation={"method": "mean"}).scores[ROOT]
        median = comp.regenerate(imputation={"method": "median"}).scores[ROOT]
    assert set(ua.design["imputation"]) == {"none", "mean", "median"}
    # the factor matters on the gappy panel: mean and median imputation score differently
    assert np.nanmax(np.abs(mean - median)) > 1e-6


def test_composite_nominal_keeps_imputation_and_treatment(
    gappy: object, demo: tuple[object, Catalog]
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        comp = compute_index(
            gappy,  # type: ignore[arg-type]
            demo[1],
            year=2025,
            imputation={"method": "median"},
            treatment={},
        )
        ua = uncertainty_analysis(comp, n=2, seed=0)
    assert comp.imputed is not None and comp.imputed.to_numpy().any()
    for r in range(2):
        np.testing.assert_allclose(ua.scores.iloc[r], comp.scores[ROOT], rtol=0, atol=1e-9)


def test_replications_equal_aggregate_tree_cell_for_cell(composite: IndexResult) -> None:
    # every replication against the one tree roll-up (aggregate_tree) run on its own with
    # the replication's leaf scores, weights and aggregation at every parent: equal to
    # rounding (geometric/harmonic replications are rolled up in the transformed space,
    # t(M) = Σ w t(x) / Σ w, and einsum's summation order depends on the array shapes)
    ua = uncertainty_analysis(
        composite,
        n=30,
        normalization=("minmax", "percentile_rank"),
        aggregation=("arithmetic", "geometric", "harmonic"),
        weights=("catalog", "equal"),
        weight_noise=0.3,
        shift=1.0,
        seed=11,
    )
    cat = composite.catalog
    leaf_pos = [cat.codes.index(c) for c in cat.indicators]
    leaves = {}
    for name in ("minmax", "percentile_rank"):
        params = {"low": 1.0, "high": 100.0} if name == "minmax" else {}
        run = composite.regenerate(normalization=name, normalization_params=params)
        leaves[name] = run.normalized.loc[:, cat.indicators].to_numpy() + 1.0
    for r in range(ua.n):
        d = ua.design.iloc[r]
        x = np.full((len(composite.scores), len(cat)), np.nan)
        x[:, leaf_pos] = leaves[d["normalization"]]
        plan = cat.rollup_plan(d["aggregation"], uniform=True)
        w = ua.weights.iloc[r].to_numpy()
        expected = aggregate_tree(x, plan, coverage=composite.method.coverage, weights=w)
        got = ua.scores.iloc[r].to_numpy()
        want = expected.scores[:, cat.codes.index(ROOT)]
        np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=0)


def test_gpi_replications_roll_each_body_up_its_own_tree() -> None:
    # central bodies: one root per body, each entity scored at its own root
    panel, catalog = load_demo("cgb")  # SYNTHETIC demo data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gpi = performance_index(panel, catalog, year=2025)
        ua = uncertainty_analysis(
            gpi, n=12, weights=("catalog", "equal"), weight_noise=0.4, seed=2
        )
    leaf_pos = [catalog.codes.index(c) for c in catalog.indicators]
    x = np.full((len(gpi.scores), len(catalog)), np.nan)
    x[:, leaf_pos] = gpi.node_scores.loc[:, catalog.indicators].to_numpy()
    root = [catalog.codes.index(r) for r in gpi.scores["root"]]
    for r in range(ua.n):
        w = ua.weights.iloc[r].to_numpy()
        nodes = aggregate_tree(x, catalog.rollup_plan(), coverage=gpi.method.coverage, weights=w)
        want = nodes.scores[np.arange(len(root)), root]
        want = np.where(gpi.scores["gpi"].notna().to_numpy(), want, np.nan)  # indicator coverage
        np.testing.assert_allclose(ua.scores.iloc[r].to_numpy(), want, rtol=1e-13, atol=0)
