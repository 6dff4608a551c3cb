"""Tests of govindex.analysis.sensitivity: Sobol indices against analytic values, and on the GPI."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

pytest.importorskip("SALib")

from govindex import compute_index, performance_index
from govindex.analysis.sensitivity import sensitivity_analysis, sobol_indices
from govindex.datasets import load_demo
from govindex.exceptions import MethodError
from govindex.indices.composite import IndexResult
from govindex.indices.gpi import PerformanceResult
from govindex.plotting.uncertainty import plot_sensitivity


@pytest.fixture(scope="module")
def gpi() -> PerformanceResult:
    panel, catalog = load_demo("leb")  # SYNTHETIC demo data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return performance_index(panel, catalog, year=2025)


def test_linear_model_matches_analytic_indices() -> None:
    # y = Σ a_i x_i, x_i ~ U(0, 1) independent: Var(y) = Σ a_i² / 12 and, with no
    # interactions, S1_i = ST_i = a_i² / Σ a_j². a = (1, 2, 3, 0):
    # Σ a² = 1 + 4 + 9 + 0 = 14 → S = 1/14, 4/14, 9/14, 0 (x4 is a dummy input).
    a = np.array([1.0, 2.0, 3.0, 0.0])
    analytic = a**2 / np.sum(a**2)
    si = sobol_indices(
        lambda x: x @ a,
        ["x1", "x2", "x3", "x4"],
        n=4096,
        seed=7,
        conf_level=0.99,
        num_resamples=500,
    )
    assert si["factor"].tolist() == ["x1", "x2", "x3", "x4"]
    for key in ("S1", "ST"):
        err = np.abs(si[key].to_numpy() - analytic)
        conf = si[f"{key}_conf"].to_numpy()
        assert np.all(err <= conf + 1e-12), (key, err, conf)
        assert np.all(conf[:3] < 0.1)  # the intervals are informative, not huge
    np.testing.assert_allclose(si["ST"], analytic, atol=0.02)


def test_linear_model_with_bounds() -> None:
    # x_i ~ U(0, b_i): Var(a_i x_i) = a_i² b_i² / 12 → S_i = a_i² b_i² / Σ a_j² b_j².
    # a = (1, 1), b = (1, 3): S = 1/10, 9/10.
    si = sobol_indices(
        lambda x: x[:, 0] + x[:, 1],
        ["u", "v"],
        bounds=[(0, 1), (0, 3)],
        n=4096,
        seed=2,
        conf_level=0.99,
        num_resamples=500,
    )
    for key in ("S1", "ST"):
        err = np.abs(si[key].to_numpy() - [0.1, 0.9])
        assert np.all(err <= si[f"{key}_conf"].to_numpy())


def test_ishigami_published_values() -> None:
    # Ishigami function (a = 7, b = 0.1) on [-π, π]³; analytic values (Saltelli et al.
    # 2008, Global Sensitivity Analysis: The Primer, §4.1; Ishigami & Homma 1990):
    # S1 = 0.3139, 0.4424, 0; ST = 0.5576, 0.4424, 0.2437.
    def ishigami(x: np.ndarray) -> np.ndarray:
        return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])

    si = sobol_indices(
        ishigami,
        ["x1", "x2", "x3"],
        bounds=[(-np.pi, np.pi)] * 3,
        n=8192,
        seed=3,
        conf_level=0.99,
        num_resamples=300,
    )
    s1 = np.array([0.3139, 0.4424, 0.0])
    st = np.array([0.5576, 0.4424, 0.2437])
    assert np.all(np.abs(si["S1"].to_numpy() - s1) <= si["S1_conf"].to_numpy())
    assert np.all(np.abs(si["ST"].to_numpy() - st) <= si["ST_conf"].to_numpy())


def test_multiple_outputs_and_constant_output() -> None:
    # output 0: y = x1 (S1 = 1, 0); output 1: constant (zero variance → NaN)
    si = sobol_indices(
        lambda x: np.column_stack([x[:, 0], np.ones(len(x))]),
        ["x1", "x2"],
        n=256,
        outputs=["lin", "flat"],
        seed=1,
        num_resamples=100,
    )
    lin = si[si["output"] == "lin"]
    # x2 has no effect at all: exactly 0; x1: 1 up to the estimator's sampling error
    assert lin["ST"].iloc[1] == 0.0
    np.testing.assert_allclose(lin["ST"].iloc[0], 1.0, atol=1e-3)
    assert si.loc[si["output"] == "flat", ["S1", "ST"]].isna().all().all()


def test_gpi_sensitivity_dummy_factor_and_sums(gpi: PerformanceResult) -> None:
    sa = sensitivity_analysis(
        gpi,
        n=256,
        change=("catalog", "relative", "absolute", "slope"),
        tolerance=(0.5, 1.0, 2.0),
        weight_noise=0.25,
        seed=5,
        num_resamples=200,
    )
    idx = sa.indices.set_index("factor")
    assert list(idx.index) == ["change", "tolerance", "weight_noise"]
    # τ does not enter the progress score: a dummy factor for ranks, exactly 0
    assert idx.loc["tolerance", "S1"] == 0.0 and idx.loc["tolerance", "ST"] == 0.0
    # the change rule matters for ranks (demo: relative vs absolute change the ordering)
    assert idx.loc["change", "ST"] > 0.3
    assert sa.n_evaluations == 256 * (3 + 2)
    assert "factors 'change', 'tolerance', 'weight_noise'" in repr(sa)


def test_gpi_rank_statistic_per_entity(gpi: PerformanceResult) -> None:
    sa = sensitivity_analysis(
        gpi, n=64, change=("catalog", "slope"), statistic="rank", seed=1, num_resamples=50
    )
    assert sorted(set(sa.indices["output"])) == sorted(gpi.scores.index)
    # one binary factor: S1 = ST = 1 for every entity whose rank changes (or NaN if constant)
    ok = sa.indices.dropna(subset=["ST"])
    np.testing.assert_allclose(ok["ST"], 1.0, atol=0.15)
    ax = plot_sensitivity(sa, output="R01", note="SYNTHETIC demo data")
    heights = [p.get_height() for p in ax.patches]
    row = sa.indices.loc[sa.indices["output"] == "R01"]
    np.testing.assert_allclose(heights, [*row["S1"], *row["ST"]])
    with pytest.raises(MethodError, match="pass output="):
        plot_sensitivity(sa)
    with pytest.raises(MethodError, match="unknown output 'ZZZ'"):
        plot_sensitivity(sa, output="ZZZ")
    import matplotlib.pyplot as plt

    plt.close("all")


def test_bad_inputs(gpi: PerformanceResult) -> None:
    with pytest.raises(MethodError, match="nothing varies"):
        sensitivity_analysis(gpi, n=8)
    with pytest.raises(MethodError, match="unknown statistic 'spread'"):
        sensitivity_analysis(gpi, statistic="spread", change=("catalog", "slope"))  # type: ignore[arg-type]
    with pytest.raises(MethodError, match=r"unknown change option\(s\) 'x'"):
        sensitivity_analysis(gpi, change=("x",))
    with pytest.raises(MethodError, match="n must be a positive integer"):
        sensitivity_analysis(gpi, n=0, change=("catalog", "slope"))
    with pytest.raises(MethodError, match=r"weight noise must be a number in \[0, 1\)"):
        sensitivity_analysis(gpi, weight_noise=2.0)
    with pytest.raises(MethodError, match="conf_level must be within"):
        sobol_indices(lambda x: x[:, 0], ["a"], conf_level=1.5)
    with pytest.raises(MethodError, match="distinct names"):
        sobol_indices(lambda x: x[:, 0], ["a", "a"])
    with pytest.raises(MethodError, match="one \\(low, high\\)"):
        sobol_indices(lambda x: x[:, 0], ["a"], bounds=[(1, 0)])
    panel, catalog = load_demo("leb")
    comp: IndexResult = compute_index(panel, catalog, year=2025)
    with pytest.raises(MethodError, match="statistic 'deteriorated' needs a GPI"):
        sensitivity_analysis(comp, statistic="deteriorated", normalization=("minmax", "rank"))


def test_missing_salib_gives_pip_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    real_import_module = importlib.import_module

    def fake_import_module(name: str, package: str | None = None) -> object:
        if name.startswith("SALib"):
            raise ImportError("No module named 'SALib'")
        return real_import_module(name, package)

    monkeypatch.setattr(importlib, "import_module", fake_import_module)
    with pytest.raises(MethodError, match="pip install SALib"):
        sobol_indices(lambda x: x[:, 0], ["a"], n=8)
