"""Tests of govindex.indices.gpi (GPI): hand calculations, statsmodels reference p-values,
consistency checks on the SYNTHETIC demo data and hypothesis invariants."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportions_ztest

from govindex import Catalog, CoverageWarning, MethodError, Panel, PanelError, performance_index
from govindex.datasets import load_demo_frames
from govindex.indices.gpi import effective_weights

YEARS = [2019, 2020, 2021, 2022]  # assessment year T = 2022, window 3 → 2019 … 2022


def _panel(rows: list[tuple[str, str, int, float]], **extra: list[float]) -> Panel:
    frame = pd.DataFrame(rows, columns=["entity", "indicator", "year", "value"])
    for col, vals in extra.items():
        frame[col] = vals
    return Panel.from_frame(frame)


def _series(
    entity: str, indicator: str, values: dict[int, float]
) -> list[tuple[str, str, int, float]]:
    return [(entity, indicator, y, v) for y, v in values.items()]


# --------------------------------------------------------------------------- hand-calculated GPI

#: Shared (LEB) tree: GPI ─ ECO (weight 2) ─ inc (relative, +1, default cap 5 %/yr, τ 1 %)
#:                                         └ unemp (absolute, −1, cap 1 pp/yr, τ = cap/5 = 0.2)
#:                       └ SOC (weight 1) ─ life (relative, +1, cap 2 %/yr, τ 1 %)
LEB_CATALOG = pd.DataFrame({
    "code": ["GPI", "ECO", "SOC", "inc", "unemp", "life"],
    "parent": ["", "GPI", "GPI", "ECO", "ECO", "SOC"],
    "weight": [1, 2, 1, 1, 1, 1],
    "direction": [None, None, None, 1, -1, 1],
    "change": ["", "", "", "relative", "absolute", "relative"],
    "cap": [None, None, None, None, 1.0, 0.02],
    "sphere": ["", "", "", "economy", "economy", "social"],
})  # fmt: skip


def _leb_panel() -> Panel:
    rows = (
        # R1: inc 100 → 133.1 (×1.1 a year), unemp 8 → 5, life 70 → 70·1.015³
        _series("R1", "inc", {2019: 100.0, 2020: 110.0, 2021: 121.0, 2022: 133.1})
        + _series("R1", "unemp", {2019: 8.0, 2022: 5.0})
        + _series("R1", "life", {2019: 70.0, 2022: 70.0 * 1.015**3})
        # R2: inc 100 → 100·0.98³, unemp 6 → 6.3, life 72 → 72·1.005³
        + _series("R2", "inc", {2019: 100.0, 2022: 100.0 * 0.98**3})
        + _series("R2", "unemp", {2019: 6.0, 2022: 6.3})
        + _series("R2", "life", {2019: 72.0, 2022: 72.0 * 1.005**3})
        # R3: inc only in 2022 (one point), no unemp, life 70 → 71.4: 1 of 3 scored
        + _series("R3", "inc", {2022: 100.0})
        + _series("R3", "life", {2019: 70.0, 2022: 71.4})
    )
    return _panel(rows)


def test_gpi_hand_calculation_two_level_tree_unequal_weights() -> None:
    panel, cat = _leb_panel(), Catalog.from_frame(LEB_CATALOG)
    with pytest.warns(CoverageWarning, match="'R3'"):
        res = performance_index(panel, cat, year=2022)
    ch = res.changes.set_index(["entity", "indicator"])

    # R1 inc:   g = (133.1/100)^(1/3) − 1 = 0.10 → clip(0.10/0.05) = 1 → s = 100, improved
    # R1 unemp: g = −1 · (5 − 8)/3 = +1.0 pp/yr → clip(1.0/1.0) = 1 → s = 100, improved (> τ 0.2)
    # R1 life:  g = 0.015 → s = 50 + 50·0.015/0.02 = 87.5, improved (> τ 0.01)
    # R2 inc:   g = 0.98 − 1 = −0.02 → s = 50 − 50·0.4 = 30, deteriorated
    # R2 unemp: g = −1 · (6.3 − 6)/3 = −0.1 → s = 50 − 5 = 45, stable (|g| < 0.2)
    # R2 life:  g = 0.005 → s = 50 + 50·0.25 = 62.5, stable (< 0.01)
    expected = {
        ("R1", "inc"): (0.10, 100.0, "improved"),
        ("R1", "unemp"): (1.0, 100.0, "improved"),
        ("R1", "life"): (0.015, 87.5, "improved"),
        ("R2", "inc"): (-0.02, 30.0, "deteriorated"),
        ("R2", "unemp"): (-0.1, 45.0, "stable"),
        ("R2", "life"): (0.005, 62.5, "stable"),
    }
    for key, (g, s, cls) in expected.items():
        assert ch.loc[key, "change"] == pytest.approx(g, abs=1e-12), key
        assert ch.loc[key, "score"] == pytest.approx(s, abs=1e-9), key
        assert ch.loc[key, "class"] == cls, key
    assert ch.loc[("R1", "unemp"), "tolerance"] == pytest.approx(0.2)  # cap / 5
    assert ch.loc[("R1", "inc"), "cap"] == pytest.approx(0.05)  # documented default
    # effective weights: inc, unemp = 2/3 · 1/2 = 1/3; life = 1/3 · 1 = 1/3
    assert ch.loc[("R1", "inc"), "weight"] == pytest.approx(1 / 3)
    assert ch.loc[("R1", "life"), "weight"] == pytest.approx(1 / 3)

    s = res.scores
    # ECO(R1) = (100 + 100)/2 = 100, SOC(R1) = 87.5 → GPI = (2·100 + 1·87.5)/3 = 95.8333…
    # ECO(R2) = (30 + 45)/2 = 37.5, SOC(R2) = 62.5 → GPI = (2·37.5 + 62.5)/3 = 45.8333…
    assert res.node_scores.loc["R1", "ECO"] == pytest.approx(100.0)
    assert res.node_scores.loc["R2", "ECO"] == pytest.approx(37.5)
    assert s.loc["R1", "gpi"] == pytest.approx(287.5 / 3, abs=1e-9)
    assert s.loc["R2", "gpi"] == pytest.approx(137.5 / 3, abs=1e-9)
    assert s.loc["R1", "rank"] == 1 and s.loc["R2", "rank"] == 2
    assert (s.loc["R1", "n_improved"], s.loc["R2", "n_stable"], s.loc["R2", "n_deteriorated"]) == (
        3,
        2,
        1,
    )
    assert s.loc["R2", "share_deteriorated"] == pytest.approx(1 / 3)
    assert (s["kind"] == "local").all() and (s["root"] == "GPI").all()

    # R3: 1 of 3 indicators scored → coverage 1/3 < 2/3 → no GPI, reason, no rank
    assert math.isnan(s.loc["R3", "gpi"]) and pd.isna(s.loc["R3", "rank"])
    assert (s.loc["R3", "n_indicators"], s.loc["R3", "n_scored"]) == (3, 1)
    assert s.loc["R3", "coverage"] == pytest.approx(1 / 3)
    assert (
        s.loc["R3", "reason"]
        == "indicator coverage 0.33 below threshold 0.67 (1 of 3 indicators scored)"
    )
    assert (
        ch.loc[("R3", "inc"), "reason"] == "only one value in the window (at least 2 are needed)"
    )
    assert ch.loc[("R3", "unemp"), "reason"] == "no value in the window"
    assert s.loc["R1", "reason"] == ""


def test_coverage_threshold_can_be_lowered() -> None:
    # with coverage=0.3 R3 (1 of 3 scored) gets a GPI: only life (sphere SOC) is scored,
    # so ECO has no data; the root re-weights over SOC alone: life 70 → 71.4,
    # g = 1.02^(1/3) − 1, s = 50 + 50·g/0.02.
    res = performance_index(_leb_panel(), Catalog.from_frame(LEB_CATALOG), year=2022, coverage=0.3)
    g = 1.02 ** (1 / 3) - 1
    # the root's child coverage is 1/3 (SOC weight 1 of 3) ≥ 0.3 → computed
    assert res.scores.loc["R3", "gpi"] == pytest.approx(50 + 50 * g / 0.02)
    assert res.method.coverage == 0.3


def test_missing_end_point_uses_nearest_year_and_is_flagged() -> None:
    # life 70 (2019) → 70·1.02² (2021), no 2022 value: CAGR over the 2-year span = 0.02
    rows = _series("A", "life", {2019: 70.0, 2021: 70.0 * 1.02**2}) + _series(
        "A", "inc", {2019: 1.0, 2022: 1.0}
    )
    cat = Catalog.from_frame(
        pd.DataFrame({"code": ["G", "life", "inc"], "parent": ["", "G", "G"]})
    )
    res = performance_index(_panel(rows), cat, year=2022)
    row = res.changes.set_index("indicator").loc["life"]
    assert (row["start_year"], row["end_year"]) == (2019, 2021)
    assert row["change"] == pytest.approx(0.02, abs=1e-12)
    assert row["score"] == pytest.approx(50 + 50 * 0.02 / 0.05)  # = 70
    assert "end point shifted" in row["flags"]
    assert res.changes.set_index("indicator").loc["inc", "flags"] == ""


# --------------------------------------------------------------------------- CGB / LEB trees

MIXED_CATALOG = pd.DataFrame({
    "code": ["G_A", "a1", "a2", "G_B", "b1", "G_L", "l1"],
    "parent": ["", "G_A", "G_A", "", "G_B", "", "G_L"],
    "owner": ["A", "", "", "B", "", "", ""],
})  # fmt: skip


def _mixed_panel() -> Panel:
    grow, flat, fall = (
        {2019: 100.0, 2022: 133.1},
        {2019: 100.0, 2022: 100.0},
        {2019: 100.0, 2022: 100 * 0.98**3},
    )
    rows = (
        _series("A", "a1", grow) + _series("A", "a2", flat)
        + _series("A", "b1", grow) + _series("A", "l1", fall)  # not A's indicators: ignored
        + _series("B", "b1", fall) + _series("B", "a1", fall)
        + _series("L1", "l1", grow) + _series("L1", "a1", fall)
        + _series("L2", "l1", flat)
    )  # fmt: skip
    return _panel(rows)


def test_cgb_roots_apply_to_their_owner_and_shared_root_to_the_rest() -> None:
    res = performance_index(_mixed_panel(), Catalog.from_frame(MIXED_CATALOG), year=2022)
    applied = res.changes.groupby("entity")["indicator"].apply(sorted).to_dict()
    assert applied == {"A": ["a1", "a2"], "B": ["b1"], "L1": ["l1"], "L2": ["l1"]}
    s = res.scores
    assert s["root"].to_dict() == {"A": "G_A", "B": "G_B", "L1": "G_L", "L2": "G_L"}
    assert s["kind"].to_dict() == {"A": "central", "B": "central", "L1": "local", "L2": "local"}
    # A: a1 grows 10 %/yr → 100, a2 flat → 50: GPI 75. B: b1 −2 %/yr → 30.
    # L1: l1 +10 %/yr → 100; L2: flat → 50. (A's b1 and l1, B's a1, L1's a1 are ignored.)
    assert s["gpi"].to_dict() == pytest.approx({"A": 75.0, "B": 30.0, "L1": 100.0, "L2": 50.0})
    # ranks are within central bodies and within local bodies
    assert s["rank"].to_dict() == {"A": 1, "B": 2, "L1": 1, "L2": 2}


def test_cgb_only_roots_leave_other_entities_without_a_gpi() -> None:
    res = performance_index(
        _mixed_panel(), Catalog.from_frame(MIXED_CATALOG), year=2022, roots=["G_A", "G_B"]
    )
    s = res.scores
    assert (
        math.isnan(s.loc["L1", "gpi"])
        and s.loc["L1", "reason"] == "no indicator set applies to this entity"
    )
    assert s.loc["L1", "n_indicators"] == 0
    assert s.loc["A", "gpi"] == pytest.approx(75.0)
    assert set(res.changes["entity"]) == {"A", "B"}


def test_several_shared_roots_need_roots_argument() -> None:
    extra = pd.DataFrame({"code": ["G_L2", "m1"], "parent": ["", "G_L2"], "owner": ["", ""]})
    cat = Catalog.from_frame(pd.concat([MIXED_CATALOG, extra], ignore_index=True))
    with pytest.raises(MethodError, match=r"2 shared roots.*'G_L', 'G_L2'.*roots="):
        performance_index(_mixed_panel(), cat, year=2022)
    res = performance_index(_mixed_panel(), cat, year=2022, roots=["G_A", "G_B", "G_L"])
    assert res.scores.loc["L1", "gpi"] == pytest.approx(100.0)


# --------------------------------------------------------------------------- survey significance


def test_survey_not_significant_is_stable_with_statsmodels_pvalue() -> None:
    frame = pd.DataFrame({
        "entity": ["S1", "S1", "S2", "S2", "S1", "S1", "S2", "S2"],
        "indicator": ["trust"] * 4 + ["gdp"] * 4,
        "year": [2019, 2022] * 4,
        "value": [60.0, 66.0, 60.0, 75.0, 100.0, 133.1, 100.0, 133.1],
        "sample_size": [200, 200, 1000, 1000, None, None, None, None],
    })  # fmt: skip
    cat = Catalog.from_frame(
        pd.DataFrame(
            {
                "code": ["G", "trust", "gdp"],
                "parent": ["", "G", "G"],
                "type": ["", "survey", "statistical"],
            }
        )
    )
    res = performance_index(Panel.from_frame(frame), cat, year=2022)
    ch = res.changes.set_index(["entity", "indicator"])
    # S1: 60 % of 200 → 66 % of 200 respondents; CAGR 1.1^(1/3) − 1 = 3.2 % > τ, not significant
    _, p1 = proportions_ztest(count=[0.60 * 200, 0.66 * 200], nobs=[200, 200])
    _, p2 = proportions_ztest(count=[0.60 * 1000, 0.75 * 1000], nobs=[1000, 1000])
    assert p1 > 0.05 and p2 < 0.05
    assert ch.loc[("S1", "trust"), "p_value"] == pytest.approx(p1, rel=1e-10)
    assert ch.loc[("S2", "trust"), "p_value"] == pytest.approx(p2, rel=1e-10)
    assert ch.loc[("S1", "trust"), "change"] == pytest.approx(1.1 ** (1 / 3) - 1)
    assert ch.loc[("S1", "trust"), "class"] == "stable"
    assert ch.loc[("S2", "trust"), "class"] == "improved"
    # the score still measures the change: 50 + 50·0.0323/0.05
    assert ch.loc[("S1", "trust"), "score"] == pytest.approx(50 + 50 * (1.1 ** (1 / 3) - 1) / 0.05)
    assert math.isnan(ch.loc[("S1", "gdp"), "p_value"])  # statistical: not tested
    assert ch.loc[("S1", "gdp"), "class"] == "improved"
    # with significance=False the tolerance rule alone classifies S1 as improved
    res2 = performance_index(Panel.from_frame(frame), cat, year=2022, significance=False)
    assert (
        res2.changes.set_index(["entity", "indicator"]).loc[("S1", "trust"), "class"] == "improved"
    )
    # alpha = 0.3 > p1 (≈ 0.214) makes the S1 change significant
    res3 = performance_index(Panel.from_frame(frame), cat, year=2022, alpha=0.3)
    assert (
        res3.changes.set_index(["entity", "indicator"]).loc[("S1", "trust"), "class"] == "improved"
    )


def test_survey_without_sample_sizes_keeps_tolerance_rule() -> None:
    # "t" is a survey score on a 0–500 scale without sample sizes: it must not be z-tested
    # (and must not trip the share check), while "s" (50 % → 60 % of 100) is tested.
    frame = pd.DataFrame({
        "entity": "A", "indicator": ["s", "s", "t", "t"], "year": [2019, 2022] * 2,
        "value": [50.0, 60.0, 300.0, 350.0], "sample_size": [100, 100, None, None]})  # fmt: skip
    cat = Catalog.from_frame(
        pd.DataFrame(
            {"code": ["G", "s", "t"], "parent": ["", "G", "G"], "type": ["", *["survey"] * 2]}
        )
    )
    ch = performance_index(Panel.from_frame(frame), cat, year=2022).changes.set_index("indicator")
    _, p_s = proportions_ztest(count=[50, 60], nobs=[100, 100])
    assert ch.loc["s", "p_value"] == pytest.approx(p_s, rel=1e-10)
    assert ch.loc["s", "class"] == "stable"  # p ≈ 0.155 ≥ 0.05
    assert math.isnan(ch.loc["t", "p_value"])
    assert ch.loc["t", "class"] == "improved"  # (350/300)^(1/3) − 1 = 5.3 % > τ
    # with sample sizes, values outside [0, 100] are an error naming the pair
    bad = frame.assign(sample_size=[100, 100, 100, 100])
    with pytest.raises(MethodError, match=r"shares in \[0, 100\].*'A/t'.*survey_scale=1"):
        performance_index(Panel.from_frame(bad), cat, year=2022)


# --------------------------------------------------------------------------- demo-data consistency


@pytest.fixture(scope="module")
def demo_leb() -> tuple[pd.DataFrame, pd.DataFrame]:
    return load_demo_frames("leb")


def test_counts_shares_and_ranks_consistent_on_demo(
    demo_leb: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    for kind in ("leb", "cgb"):
        p, c = demo_leb if kind == "leb" else load_demo_frames("cgb")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CoverageWarning)
            res = performance_index(Panel.from_frame(p), Catalog.from_frame(c), year=2025)
        s = res.scores
        assert (s["n_improved"] + s["n_stable"] + s["n_deteriorated"] == s["n_scored"]).all()
        has = s["n_scored"] > 0
        shares = s.loc[has, ["share_improved", "share_stable", "share_deteriorated"]].sum(axis=1)
        np.testing.assert_allclose(shares, 1.0, rtol=0, atol=1e-12)
        np.testing.assert_allclose(s["coverage"], s["n_scored"] / s["n_indicators"])
        # counts recomputed from the tidy changes table
        scored = res.changes.loc[res.changes["score"].notna()]
        by_class = scored.groupby(["entity", "class"], observed=False).size().unstack(fill_value=0)
        for lab in ("improved", "stable", "deteriorated"):
            assert (by_class[lab].reindex(s.index, fill_value=0) == s[f"n_{lab}"]).all()
        # ranks: descending GPI within each kind, NA without a GPI
        for _, grp in s.groupby("kind"):
            ok = grp.loc[grp["gpi"].notna()].sort_values("gpi", ascending=False)
            assert ok["rank"].tolist() == list(range(1, len(ok) + 1))  # no ties in the demo
            assert grp.loc[grp["gpi"].isna(), "rank"].isna().all()
        # GPI of an arithmetic tree = Σ effective weight × score / Σ effective weight of scored
        w = effective_weights(res.catalog)
        full = s.index[s["coverage"] == 1.0]
        chk = scored.loc[scored["entity"].isin(full)]
        wmean = (chk["score"] * chk["indicator"].map(w)).groupby(chk["entity"]).sum()
        np.testing.assert_allclose(wmean.reindex(full), s.loc[full, "gpi"], rtol=1e-12)


def test_inputs_not_modified_and_runs_bit_identical(
    demo_leb: tuple[pd.DataFrame, pd.DataFrame], tmp_path: Path
) -> None:
    p, c = demo_leb
    p0, c0 = p.copy(deep=True), c.copy(deep=True)
    panel, cat = Panel.from_frame(p), Catalog.from_frame(c)
    values0, cat_frame0, tidy0 = panel.values.copy(), cat.frame.copy(), panel.to_frame()
    r1 = performance_index(panel, cat, year=2025)
    r2 = performance_index(panel, cat, year=2025)
    pd.testing.assert_frame_equal(p, p0)
    pd.testing.assert_frame_equal(c, c0)
    np.testing.assert_array_equal(panel.values, values0)
    pd.testing.assert_frame_equal(cat.frame, cat_frame0)
    pd.testing.assert_frame_equal(panel.to_frame(), tidy0)
    for name in ("scores", "changes", "node_scores", "node_coverage", "raw"):
        pd.testing.assert_frame_equal(getattr(r1, name), getattr(r2, name), check_exact=True)
    files1 = list(r1.to_parquet(tmp_path / "a").values())
    files2 = list(r2.to_parquet(tmp_path / "b").values())
    assert [f.name for f in files1] == [f.name for f in files2] and len(files1) == 3
    for f1, f2 in zip(files1, files2, strict=True):
        assert f1.read_bytes() == f2.read_bytes(), f1.name


# --------------------------------------------------------------------------- errors


def test_errors_name_the_offending_item() -> None:
    cat = Catalog.from_frame(LEB_CATALOG)
    panel = _leb_panel()
    bad = _panel(
        _series("R1", "zzz", {2019: 1.0, 2022: 2.0}) + _series("R1", "inc", {2019: 1.0, 2022: 2.0})
    )
    with pytest.raises(PanelError, match="'zzz'"):
        performance_index(bad, cat, year=2022)
    with pytest.raises(PanelError, match=r"assessment year 2030 is outside .*2019–2022"):
        performance_index(panel, cat, year=2030)
    with pytest.raises(MethodError, match=r"window must be an integer of at least 2 years.*got 0"):
        performance_index(panel, cat, year=2022, window=0)
    with pytest.raises(MethodError, match="at least 2 years"):  # window 1 cannot span 2 years
        performance_index(panel, cat, year=2022, window=1)
    with pytest.raises(MethodError, match=r"alpha must be within \(0, 1\); got 2"):
        performance_index(panel, cat, year=2022, alpha=2)
    with pytest.raises(MethodError, match="unknown change rule 'cagr'"):
        performance_index(panel, cat, year=2022, change="cagr")
    with pytest.raises(MethodError, match="coverage must be within"):
        performance_index(panel, cat, year=2022, coverage=1.5)
    with pytest.raises(MethodError, match=r"unknown root.*'NOPE'"):
        performance_index(panel, cat, year=2022, roots=["NOPE"])
    with pytest.raises(PanelError, match="expected a Panel"):
        performance_index(panel.to_frame(), cat, year=2022)  # type: ignore[arg-type]
    with pytest.raises(PanelError, match="'R9'"):
        performance_index(panel, cat, year=2022, entities=["R9"])
    with pytest.raises(MethodError, match=r"unknown parameter 'bogus' \(GPIMethod parameters"):
        performance_index(panel, cat, year=2022, bogus=1)


# --------------------------------------------------------------------------- hypothesis invariants

PROP_CATALOG = pd.DataFrame({
    "code": ["G", "S1", "S2", "x", "y", "z"],
    "parent": ["", "G", "G", "S1", "S1", "S2"],
    "weight": [1, 3, 1, 1, 2, 1],
    "change": ["", "", "", "relative", "relative", "absolute"],
    "cap": [None, None, None, None, 0.03, 2.0],
})  # fmt: skip
IND = ["x", "y", "z"]
N_ENT = 4

values_st = st.lists(
    st.floats(min_value=1.0, max_value=100.0, allow_nan=False),
    min_size=N_ENT * 3 * 2,
    max_size=N_ENT * 3 * 2,
)
dirs_st = st.lists(st.sampled_from([1, -1]), min_size=3, max_size=3)


def _prop_frame(vals: list[float], names: list[str]) -> pd.DataFrame:
    """Entity e, indicator i: start (2019) = vals[2k], end (2022) = vals[2k+1], k = e·3 + i."""
    rows = []
    for e in range(N_ENT):
        for i, ind in enumerate(IND):
            k = e * 3 + i
            rows += [(names[e], ind, 2019, vals[2 * k]), (names[e], ind, 2022, vals[2 * k + 1])]
    return pd.DataFrame(rows, columns=["entity", "indicator", "year", "value"])


def _prop_catalog(dirs: list[int]) -> Catalog:
    frame = PROP_CATALOG.copy()
    frame["direction"] = [None, None, None, *dirs]
    return Catalog.from_frame(frame)


NAMES = [f"E{e}" for e in range(N_ENT)]
_hyp = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.slow
@_hyp
@given(vals=values_st, dirs=dirs_st, e=st.integers(0, N_ENT - 1), i=st.integers(0, 2),
       factor=st.floats(min_value=1.0, max_value=3.0))  # fmt: skip
def test_property_raising_in_good_direction_never_lowers_gpi(
    vals: list[float], dirs: list[int], e: int, i: int, factor: float
) -> None:
    cat = _prop_catalog(dirs)
    before = performance_index(Panel.from_frame(_prop_frame(vals, NAMES)), cat, year=2022)
    k = 2 * (e * 3 + i) + 1  # the end value of (entity e, indicator i)
    moved = list(vals)
    moved[k] = vals[k] * factor if dirs[i] == 1 else vals[k] / factor
    after = performance_index(Panel.from_frame(_prop_frame(moved, NAMES)), cat, year=2022)
    name = NAMES[e]
    assert after.scores.loc[name, "gpi"] >= before.scores.loc[name, "gpi"] - 1e-9
    assert after.node_scores.loc[name, IND[i]] >= before.node_scores.loc[name, IND[i]] - 1e-9


@pytest.mark.slow
@_hyp
@given(vals=values_st, dirs=dirs_st, i=st.integers(0, 2))
def test_property_flipping_direction_mirrors_class_and_score(
    vals: list[float], dirs: list[int], i: int
) -> None:
    panel = Panel.from_frame(_prop_frame(vals, NAMES))
    flipped = list(dirs)
    flipped[i] = -dirs[i]
    with warnings.catch_warnings():
        warnings.simplefilter(
            "ignore"
        )  # a median |change| of 0 (absolute rule) warns in both runs
        a = performance_index(panel, _prop_catalog(dirs), year=2022).changes.set_index(
            ["entity", "indicator"]
        )
        b = performance_index(panel, _prop_catalog(flipped), year=2022).changes.set_index(
            ["entity", "indicator"]
        )
    ind = IND[i]
    sa, sb = a.xs(ind, level="indicator"), b.xs(ind, level="indicator")
    mirror = {"improved": "deteriorated", "deteriorated": "improved", "stable": "stable"}
    assert sb["class"].astype(object).tolist() == sa["class"].astype(object).map(mirror).tolist()
    np.testing.assert_allclose(sb["score"], 100.0 - sa["score"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(sb["change"], -sa["change"], rtol=0, atol=0)
    # the other indicators are untouched
    others = [x for x in IND if x != ind]
    pd.testing.assert_series_equal(
        a.loc[(slice(None), others), "score"], b.loc[(slice(None), others), "score"]
    )


@pytest.mark.slow
@_hyp
@given(vals=values_st, dirs=dirs_st, perm=st.permutations(range(N_ENT)))
def test_property_entity_order_does_not_matter(
    vals: list[float], dirs: list[int], perm: list[int]
) -> None:
    # relabel entities so that their sorted order (= axis order of the panel) is permuted
    labels = [f"Q{p}" for p in perm]
    cat = _prop_catalog(dirs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = performance_index(Panel.from_frame(_prop_frame(vals, NAMES)), cat, year=2022)
        b = performance_index(Panel.from_frame(_prop_frame(vals, labels)), cat, year=2022)
    sb = b.scores.rename(index=dict(zip(labels, NAMES, strict=True))).loc[NAMES]
    sa = a.scores.loc[NAMES]
    cols = ["gpi", "n_scored", "n_improved", "n_stable", "n_deteriorated", "coverage"]
    pd.testing.assert_frame_equal(sa[cols], sb[cols], check_exact=False, rtol=0, atol=1e-12)
    # ranks may only differ between tied GPIs
    tied = sa["gpi"].duplicated(keep=False)
    assert (sa.loc[~tied, "rank"] == sb.loc[~tied, "rank"]).all()
    nb = b.node_scores.rename(index=dict(zip(labels, NAMES, strict=True))).loc[NAMES]
    np.testing.assert_allclose(
        a.node_scores.loc[NAMES].to_numpy(), nb.to_numpy(), rtol=0, atol=1e-12
    )
