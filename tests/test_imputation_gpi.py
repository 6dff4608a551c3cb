"""Tests of the optional imputation of the GPI (``performance_index(..., imputation=...)``)
and of imputation as a Sobol factor.

Expected values are hand calculations written out in the comments, or the same GPI computed
on a panel into which the imputed values were written by hand (an external oracle: no
imputation code runs on that panel).
"""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pandas as pd
import pytest

from govindex import Catalog, Panel, performance_index
from govindex.datasets import load_demo
from govindex.exceptions import DataWarning, MethodError
from govindex.indices.gpi import GPIMethod
from govindex.prepare.lineage import Lineage

LOCF1 = {"method": "locf", "max_gap": 1}


def _panel(rows: dict[tuple[str, str], dict[int, float]]) -> Panel:
    recs = [(e, i, y, v) for (e, i), series in rows.items() for y, v in series.items()]
    return Panel.from_frame(pd.DataFrame(recs, columns=["entity", "indicator", "year", "value"]))


def _catalog(*codes: str, cap: float = 0.1) -> Catalog:
    return Catalog.from_frame(
        pd.DataFrame(
            {
                "code": ["G", *codes],
                "parent": ["", *["G"] * len(codes)],
                "cap": [None, *[cap] * len(codes)],
            }
        )
    )


ROWS = {
    # A misses its end value (2025): LOCF carries 2024's 110 forward one year
    ("A", "x"): {2022: 100.0, 2023: 104.0, 2024: 110.0},
    # B is complete: imputation must not touch it
    ("B", "x"): {2022: 100.0, 2023: 101.0, 2024: 102.0, 2025: 105.0},
    # C misses 2024 and 2025: with max_gap=1 only 2024 is filled
    ("C", "x"): {2022: 50.0, 2023: 55.0},
}


def _run(rows: dict[tuple[str, str], dict[int, float]], **kw: object) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = performance_index(_panel(rows), _catalog("x"), year=2025, **kw)  # type: ignore[arg-type]
    return res.changes.set_index("entity")


def test_locf_fills_the_end_value_hand_computed() -> None:
    ch = _run(ROWS, imputation=LOCF1)
    a = ch.loc["A"]
    # end value 2025 := 110 (2024 carried forward): g = (110/100)^(1/3) − 1 = 0.0322801...
    g = 1.1 ** (1 / 3) - 1
    assert (a["start_year"], a["end_year"]) == (2022, 2025)
    assert a["end_value"] == 110.0
    assert a["change"] == pytest.approx(0.032280115, abs=1e-9)
    assert a["change"] == pytest.approx(g, rel=1e-12)
    # progress score = 50 + 50 · g / cap = 50 + 50 · 0.0322801 / 0.1 = 66.14006
    assert a["score"] == pytest.approx(50 + 50 * g / 0.1, rel=1e-12)
    assert a["flags"] == "imputed end value (locf, max_gap=1)"
    # without imputation the end point shifts to 2024: g = 1.1^(1/2) − 1 and another flag
    plain = _run(ROWS).loc["A"]
    assert plain["change"] == pytest.approx(1.1**0.5 - 1, rel=1e-12)
    assert plain["flags"].startswith("end point shifted") and "imputed" not in plain["flags"]


def test_observed_series_untouched_and_max_gap_respected() -> None:
    ch = _run(ROWS, imputation=LOCF1)
    plain = _run(ROWS)
    # B is complete: the same change (105/100)^(1/3) − 1 and no flag
    assert ch.loc["B", "change"] == plain.loc["B", "change"] == pytest.approx(1.05 ** (1 / 3) - 1)
    assert ch.loc["B", "flags"] == ""
    # C: 2024 := 55 (one year), 2025 stays missing (two years > max_gap): end point 2024,
    # shifted AND imputed; g = (55/50)^(1/2) − 1
    c = ch.loc["C"]
    assert c["end_year"] == 2024 and c["end_value"] == 55.0
    assert c["change"] == pytest.approx(1.1**0.5 - 1, rel=1e-12)
    assert c["flags"].startswith("end point shifted")
    assert c["flags"].endswith("; imputed end value (locf, max_gap=1)")
    # with max_gap=2 the 2025 cell is filled too: g = (55/50)^(1/3) − 1, not shifted
    c2 = _run(ROWS, imputation={"method": "locf", "max_gap": 2}).loc["C"]
    assert c2["end_year"] == 2025 and c2["change"] == pytest.approx(1.1 ** (1 / 3) - 1)
    assert c2["flags"] == "imputed end value (locf, max_gap=2)"


def test_linear_start_value_and_slope_flags_match_hand_filled_panel() -> None:
    rows = {("A", "x"): {2021: 90.0, 2023: 110.0, 2025: 121.0}}
    # linear: 2022 := 90 + (110 − 90)·1/2 = 100, 2024 := 110 + (121 − 110)·1/2 = 115.5
    filled = {("A", "x"): {2021: 90.0, 2022: 100.0, 2023: 110.0, 2024: 115.5, 2025: 121.0}}
    rel = _run(rows, imputation={"method": "linear"}).loc["A"]
    assert rel["start_value"] == 100.0
    assert rel["change"] == pytest.approx((121 / 100) ** (1 / 3) - 1, rel=1e-12)
    assert rel["flags"] == "imputed start value (linear)"  # relative: inner points unused
    # slope uses every point of the window: same change as on the hand-filled panel
    slope = _run(rows, imputation={"method": "linear"}, change="slope").loc["A"]
    oracle = _run(filled, change="slope").loc["A"]
    assert slope["change"] == pytest.approx(oracle["change"], rel=1e-12)
    assert slope["flags"] == (
        f"{oracle['flags']}; imputed start value; imputed value(s) inside the window (linear)"
    )


def test_imputation_before_lineage_rebase_flags_merged_value() -> None:
    # A and B merge into C in 2024 (intensive rate); A misses 2022, LOCF fills it with 2021's 4
    rows = {
        ("A", "rate"): {2021: 4.0, 2023: 5.0},
        ("B", "rate"): {2021: 8.0, 2022: 8.0, 2023: 9.0},
        ("C", "rate"): {2024: 7.0, 2025: 8.0},
    }
    lin = Lineage.from_frame(
        pd.DataFrame({"year": 2024, "old": ["A", "B"], "new": "C", "share": 1.0})
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = performance_index(
            _panel(rows), _catalog("rate"), year=2025, lineage=lin, imputation=LOCF1
        )
    c = res.changes.set_index("entity").loc["C"]
    # C's 2022 start value on the merged boundaries: (1·4 + 1·8) / 2 = 6, made of an imputed 4
    assert c["start_value"] == 6.0
    assert c["change"] == pytest.approx((8 / 6) ** (1 / 3) - 1, rel=1e-12)
    assert c["flags"] == (
        "lineage: re-based across 2024 reorganisation (A, B→C): intensive, weighted mean of "
        "A (1), B (1); imputed start value (locf, max_gap=1)"
    )


def test_method_record_provenance_and_regenerate() -> None:
    panel = _panel(ROWS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = performance_index(panel, _catalog("x"), year=2025)
        res = performance_index(panel, _catalog("x"), year=2025, imputation=LOCF1)
    # without imputation the method dict has no imputation key (bit-identical provenance)
    assert "imputation" not in plain.method.to_dict()
    assert plain.method.to_dict() == GPIMethod().to_dict()
    assert res.method.to_dict() == {**GPIMethod().to_dict(), "imputation": LOCF1}
    assert json.loads(json.dumps(res.provenance))["method"]["imputation"] == LOCF1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        again = res.regenerate()
        dropped = res.regenerate(imputation=None)
    assert again.method.imputation == LOCF1
    pd.testing.assert_frame_equal(again.changes, res.changes)
    assert dropped.method.to_dict() == plain.method.to_dict()
    pd.testing.assert_frame_equal(dropped.changes, plain.changes)


def test_warning_counts_the_imputed_values_used() -> None:
    # A: end value; C: end value (2024); B: none → 2 imputed values of indicator x
    with pytest.warns(DataWarning, match=r"2 missing cell\(s\) imputed by 'locf': x \(2\)"):
        performance_index(_panel(ROWS), _catalog("x"), year=2025, imputation=LOCF1)


@pytest.mark.parametrize(
    ("spec", "match"),
    [
        ({"method": "spline"}, r"unknown GPI imputation method 'spline'; expected one of"),
        ({"method": "mean"}, r"'mean' \(a cross-section method"),
        ({"method": "constant", "value": 0}, r"'constant' \(it fills a fixed value"),
        ({"max_gap": 2}, "unknown GPI imputation method None"),
        ({"method": "locf", "max_gap": -1}, "max_gap must be a positive integer"),
        ({"method": "locf", "gap": 2}, r"unknown imputation parameter\(s\) 'gap'"),
        ("locf", "imputation must be a mapping"),
    ],
)
def test_bad_imputation_errors(spec: object, match: str) -> None:
    with pytest.raises(MethodError, match=match):
        performance_index(_panel(ROWS), _catalog("x"), year=2025, imputation=spec)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- Sobol factor
def test_imputation_is_a_sobol_factor() -> None:
    pytest.importorskip("SALib")
    from govindex.analysis.sensitivity import sensitivity_analysis

    panel, catalog = load_demo("leb")  # SYNTHETIC demo data
    tidy = panel.to_frame()
    gappy = Panel.from_frame(
        tidy.loc[np.random.default_rng(7).random(len(tidy)) > 0.15].reset_index(drop=True)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gpi = performance_index(gappy, catalog, year=2025)
        sa = sensitivity_analysis(
            gpi,
            n=64,
            imputation=[None, {"method": "locf", "max_gap": 2}],
            tolerance=(0.5, 2.0),
            seed=1,
            num_resamples=100,
        )
    idx = sa.indices.set_index("factor")
    assert list(idx.index) == ["tolerance", "imputation"]
    # tolerance never moves ranks (DESIGN §3), so imputation explains all the variance of the
    # mean rank shift: S1 = ST = 1 for it and ST = 0 for the tolerance (a dummy factor: the
    # Jansen ST estimator is exactly 0; S1 = 1 holds up to sampling error in general, exactly
    # here for a two-valued output on the balanced Sobol sample)
    assert idx.loc["imputation", "S1"] == pytest.approx(1.0, abs=0.02)
    assert idx.loc["imputation", "ST"] == pytest.approx(1.0, abs=0.02)
    assert idx.loc["tolerance", "ST"] == pytest.approx(0.0, abs=1e-12)
    assert sa.factors["imputation"] == (None, {"method": "locf", "max_gap": 2})
    assert sa.provenance["factors"]["imputation"] == ["none", "locf(max_gap=2)"]
    assert not math.isnan(idx.loc["imputation", "S1_conf"])
