"""Validation against COINr: the imputed and treated stages of the ASEM reference build.

Reference: ``shared/data/coinr_asem`` (COINr's ``ASEM_COIN``, built by COINr6
``build_ASEM()``): denominated → ``impute(imtype = "indgroup_mean", groupvar =
"Group_EurAsia")`` → ``treat(winchange = TRUE, deflog = "CTlog", t_skew = 2,
t_kurt = 3.5)`` with the default winmax = ceiling(0.1 · 51 units) = 6 → min–max.
We reproduce the imputed stage, the treated stage (to 1e-9), COINr's treatment
summary (points winsorised per indicator, low/high side), and — through
``compute_index`` — the normalised stage from the denominated data.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from govindex import Catalog, DataWarning, Panel, compute_index
from govindex.prepare.impute import impute
from govindex.prepare.treat import treat

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "coinr_asem"
ID_COLS = ["UnitName", "Year", "Group_GDP", "Group_GDPpc", "Group_Pop", "Group_EurAsia"]
#: COINr6 treat() parameters of the reference build (winmax counts Winsorisation steps).
BUILD = {"skew": 2.0, "kurt": 3.5, "max_points": 6, "count": "steps", "winchange": True,
         "fallback": "log"}  # fmt: skip

pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason=f"COINr ASEM data not found at {DATA}")


def stage(name: str) -> pd.DataFrame:
    wide = pd.read_csv(DATA / f"asem_coin_stage_{name}.csv").set_index("UnitCode")
    wide.index.name = "entity"
    return wide.drop(columns=ID_COLS)


def eur_asia() -> pd.Series:
    meta = pd.read_csv(DATA / "asem_idata_v1.csv")
    return meta.set_index("uCode")["EurAsia_group"]


def test_group_mean_imputation_reproduces_coinr_imputed_stage() -> None:
    denominated = stage("denominated")
    expected = stage("imputed")
    assert denominated.isna().to_numpy().sum() > 0
    with pytest.warns(DataWarning, match="imputed by 'mean'"):
        res = impute(denominated, method="mean", groups=eur_asia())
    got = res.data.loc[expected.index, expected.columns]
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=0, atol=1e-9)
    assert res.n_imputed == int(denominated.isna().to_numpy().sum())
    assert res.unfilled.empty
    # observed cells are untouched, bit for bit
    observed = denominated.notna().to_numpy()
    assert (res.data.to_numpy()[observed] == denominated.to_numpy()[observed]).all()
    assert set(res.cells["group"]) <= {"Europe", "Asia"}


def test_treatment_reproduces_coinr_treated_stage_and_summary() -> None:
    imputed = stage("imputed")
    expected = stage("treated")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        res = treat(imputed, **BUILD)  # type: ignore[arg-type]
    got = res.data.loc[expected.index, expected.columns]
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=0, atol=1e-9)

    # keep_default_na=False: COINr writes the text "None" for untreated indicators
    summary = pd.read_csv(DATA / "asem_coin_treat_summary.csv", keep_default_na=False)
    summary = summary.set_index("IndCode")
    rep = res.report.loc[summary.index]
    assert rep["low"].tolist() == summary["Low"].tolist()
    assert rep["high"].tolist() == summary["High"].tolist()
    # COINr's "Winsorised n points" counts steps; "None" = untreated
    steps = summary["Treatment"].str.extract(r"^Winsorised (\d+) points$")[0].fillna("0")
    assert set(summary.loc[steps == "0", "Treatment"]) == {"None"}
    assert rep["steps"].tolist() == steps.astype(int).tolist()
    assert sorted(res.treated_indicators) == sorted(summary.index[summary["Treatment"] != "None"])
    assert len(res.treated_indicators) == 15
    assert not rep["treatment"].str.startswith("log").any()  # no log fallback in this build
    assert rep.loc[rep["failed"], "passes"].all()


def test_compute_index_reproduces_coinr_normalised_stage_from_denominated_data() -> None:
    denominated = stage("denominated")
    tidy = denominated.reset_index().melt(id_vars="entity", var_name="indicator").assign(year=2018)
    meta = pd.read_csv(DATA / "asem_imeta_v1.csv")
    meta = meta.loc[meta["Type"].isin(["Indicator", "Aggregate"])]
    catalog = Catalog.from_frame(pd.DataFrame({
        "code": meta["iCode"], "parent": meta["Parent"], "direction": meta["Direction"],
        "weight": meta["Weight"]}))  # fmt: skip
    panel = Panel.from_frame(tidy, catalog=catalog)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        res = compute_index(
            panel, catalog, year=2018, coverage=0,
            imputation={"method": "mean", "groups": eur_asia().to_dict()}, treatment=BUILD,
        )  # fmt: skip
    expected = stage("normalised")
    cols = [c for c in expected.columns if c in catalog.indicators]
    got = res.normalized.loc[expected.index, cols]
    np.testing.assert_allclose(got.to_numpy(), expected[cols].to_numpy(), rtol=0, atol=1e-9)
    assert int(res.imputed.to_numpy().sum()) == int(denominated.isna().to_numpy().sum())
    assert int((res.treatment["points"] > 0).sum()) == 15
