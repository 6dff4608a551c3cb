"""Like-for-like NPI: the balanced basket, the per-year indicator counts, the warning about
indicators entering or leaving, and ``reference_fill="latest"`` with ``max_age``.

Expected numbers are hand calculations written out below: on small panels, and on the shipped
World Bank WDI extract (Kazakhstan vs the OECD aggregate ``OED``), whose values are typed in
this file (and checked against the file, so that a new data vintage fails loudly).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from govindex import Catalog, DataWarning, MethodError, NPIMethod, Panel, progress_index
from govindex.datasets import load_wdi_npi

NAN = np.nan
CATALOG = Catalog.from_frame(pd.DataFrame({
    "code": ["NPI", "a", "b", "c"], "parent": ["", "NPI", "NPI", "NPI"],
    "direction": [None, 1, 1, -1],
}))  # fmt: skip

#: (entity, year) → a, b, c. C has no "c" in 2021 and no "b" in 2022; R (the reference) has
#: no "a" in 2022.
SMALL = {
    ("C", 2016): (50.0, 10.0, 8.0),
    ("C", 2020): (60.0, 12.0, 6.0),
    ("C", 2021): (66.0, 15.0, NAN),
    ("C", 2022): (72.0, NAN, 5.0),
    ("R", 2016): (100.0, 20.0, 4.0),
    ("R", 2020): (100.0, 20.0, 4.0),
    ("R", 2021): (110.0, 25.0, 4.0),
    ("R", 2022): (NAN, 30.0, 3.0),
}


def _panel(data: dict[tuple[str, int], tuple[float, ...]] = SMALL) -> Panel:
    rows = [
        (e, ind, y, v)
        for (e, y), vals in data.items()
        for ind, v in zip("abc", vals, strict=True)
        if not math.isnan(v)
    ]
    return Panel.from_frame(pd.DataFrame(rows, columns=["entity", "indicator", "year", "value"]))


def _run(panel: Panel, **kw: object):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = progress_index(panel, CATALOG, country="C", reference="R", **kw)  # type: ignore[arg-type]
    return res, [str(w.message) for w in caught if issubclass(w.category, DataWarning)]


def _ind(res, year: int) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    return res.indicators.loc[res.indicators["year"] == year].set_index("indicator")


# ------------------------------------------------------------------ counts and the warning


def test_counts_per_year_and_the_coverage_change_warning() -> None:
    res, messages = _run(_panel(), year=2022, coverage=0.5)
    s = res.scores
    # ratios to R: 2020 a, b, c; 2021 a, b (no c); 2022 c only (a: no R, b: no C)
    assert s["n_reference"].tolist() == [3, 3, 2, 1]
    assert s["n_base"].tolist() == [3, 3, 2, 2]  # 2022: a and c vs 2016
    assert s["n_filled"].tolist() == [0, 0, 0, 0]
    # 2021 vs R: (66/110 + 15/25)/2 = 60; 2020: (60/100 + 12/20 + 4/6)/3
    assert s.loc[2021, "npi_reference"] == pytest.approx((0.6 + 0.6) / 2 * 100)
    assert s.loc[2020, "npi_reference"] == pytest.approx((0.6 + 0.6 + 4 / 6) / 3 * 100)
    (message,) = [m for m in messages if "change between consecutive years" in m]
    # 2020→2021 vs R: 'c' leaves; on a, b: 2020 (0.6 + 0.6)/2 = 60 → 2021 60
    assert "vs R 2020→2021: 3 → 2 indicators (leave 'c')" in message
    assert (
        "NPI 62.22 → 60.00 with them, 60.00 → 60.00 on the 2 indicators of both years" in message
    )
    # 2021→2022 vs R: 'a', 'b' leave, 'c' enters (no indicator of both years)
    assert "vs R 2021→2022: 2 → 1 indicators (leave 'a', 'b'; enter 'c')" in message
    # vs 2016, 2021→2022: b leaves, c enters; on 'a' alone: 66/50 → 72/50
    assert "vs 2016 2021→2022: 2 → 2 indicators (leave 'b'; enter 'c')" in message
    # with them: (66/50 + 15/10)/2 = 141 → (72/50 + (5/8)^-1)/2 = 152; 'a' alone (1 of 3)
    # is below the coverage of 0.5: n/a
    assert "NPI 141.00 → 152.00 with them, n/a → n/a on the 1 indicators" in message
    # 2016→2020: nothing changes → not listed
    assert "2016→2020" not in message


def test_no_coverage_warning_when_the_indicators_stay_the_same() -> None:
    full = {k: v for k, v in SMALL.items() if k[1] in (2016, 2020)}
    res, messages = _run(_panel(full), year=2020)
    assert messages == [] and res.scores["n_reference"].tolist() == [3, 3]


# ------------------------------------------------------------------ balanced


def test_balanced_basket_hand_calculation_and_flags() -> None:
    # period 2020–2021: a and b have both ratios in both years, c lacks 2021 → left out
    res, messages = _run(_panel(), year=2021, period=(2020, 2021), balanced=True)
    assert res.scores.index.tolist() == [2020, 2021]
    # 2020 vs R on a, b: (60/100 + 12/20)/2 = 60; 2021: (66/110 + 15/25)/2 = 60
    assert res.scores["npi_reference"].tolist() == pytest.approx([60.0, 60.0])
    # vs 2016 on a, b: 2020 (60/50 + 12/10)/2 = 120; 2021 (66/50 + 15/10)/2 = 141
    assert res.scores["npi_base"].tolist() == pytest.approx([120.0, 141.0])
    assert res.scores["n_reference"].tolist() == [2, 2] == res.scores["n_base"].tolist()
    assert res.scores["coverage_reference"].tolist() == pytest.approx([2 / 3, 2 / 3])
    t = _ind(res, 2020)
    assert t["excluded"].to_dict() == {"a": False, "b": False, "c": True}
    assert t.loc["c", "ratio_reference"] == pytest.approx(4 / 6 * 100)  # kept, not used
    (message,) = messages
    assert "balanced NPI of C over 2020–2021: 2 of 3 indicators" in message
    assert "left out: 'c' (none in 2021)" in message


def test_balanced_over_every_reported_year_by_default() -> None:
    # every year with data: 2016–2022; no indicator has both ratios in all → empty basket
    res, messages = _run(_panel(), year=2021, balanced=True)
    assert res.scores["n_reference"].eq(0).all() and res.scores["npi_reference"].isna().all()
    assert "0 of 3 indicators" in messages[0] and "'a' (none in 2022)" in messages[0]


def test_the_assessment_year_must_be_in_the_period() -> None:
    with pytest.raises(
        MethodError, match=r"assessment year 2022 is outside period \(2016, 2021\)"
    ):
        progress_index(_panel(), CATALOG, country="C", reference="R", year=2022,
                       period=(2016, 2021))  # fmt: skip


# ------------------------------------------------------------------ reference_fill


def test_latest_value_carried_forward_within_max_age() -> None:
    res, messages = _run(_panel(), year=2022, reference_fill="latest", coverage=0.5)
    t = _ind(res, 2022)
    # 2022: R's 'a' from 2021 (110): 72/110; C's 'b' from 2021 (15) vs R's 30: 15/30
    assert t.loc["a", "ratio_reference"] == pytest.approx(72 / 110 * 100)
    assert t.loc["b", "ratio_reference"] == pytest.approx(15 / 30 * 100)
    assert t.loc["b", "ratio_base"] == pytest.approx(15 / 10 * 100)
    assert (t.loc["a", "value_year"], t.loc["a", "reference_year"]) == (2022, 2021)
    assert (t.loc["b", "value_year"], t.loc["b", "reference_year"]) == (2021, 2022)
    assert t["filled"].to_dict() == {"a": True, "b": True, "c": False}
    # 2021: C's 'c' from 2020 (6) vs R's 4 (lower is better): 4/6
    assert _ind(res, 2021).loc["c", "ratio_reference"] == pytest.approx(4 / 6 * 100)
    assert res.scores["n_filled"].tolist() == [0, 0, 1, 2]
    assert res.scores.loc[2022, "npi_reference"] == pytest.approx(
        (72 / 110 + 15 / 30 + 3 / 5) / 3 * 100)  # fmt: skip
    fill = [m for m in messages if m.startswith("carried the latest value")]
    assert fill and "(at most 2 years old) forward in 3 cell(s)" in fill[0]
    assert (
        "'b' country 2022 (from 2021)" in fill[0] and "'a' reference 2022 (from 2021)" in fill[0]
    )
    # the base-year value is never carried: C has no 2016 gap here, the base stays 2016's
    assert t.loc["b", "base_value"] == 10.0


def test_max_age_limits_the_carry() -> None:
    # C's 'c': 2016 value 8, then nothing until 2020 (4 years) → not carried with max_age 3
    data = {**SMALL, ("C", 2020): (60.0, 12.0, NAN), ("C", 2021): (66.0, 15.0, NAN)}
    res, _ = _run(_panel(data), year=2021, reference_fill="latest", max_age=3, coverage=0.5)
    assert np.isnan(_ind(res, 2020).loc["c", "value"])
    res4, _ = _run(_panel(data), year=2021, reference_fill="latest", max_age=4, coverage=0.5)
    row = _ind(res4, 2020).loc["c"]
    assert row["value"] == 8.0 and row["value_year"] == 2016 and bool(row["filled"])


# ------------------------------------------------------------------ method parameters


def test_parameters_are_validated_once_and_stored_only_when_used() -> None:
    base = NPIMethod(country="C", reference="R")
    assert "balanced" not in base.to_dict() and "period" not in base.to_dict()
    m = base.replace(balanced=True, period=[2016.0, 2024], reference_fill="latest", max_age=3)
    assert (m.balanced, m.period, m.reference_fill, m.max_age) == (True, (2016, 2024), "latest", 3)
    assert NPIMethod.from_dict(m.to_dict()) == m
    assert m.to_dict()["period"] == (2016, 2024)
    for bad, match in (
        ({"period": (2024, 2016)}, "period must run forwards"),
        ({"period": (2016,)}, "period must be"),
        ({"period": (2016.5, 2020)}, "period must be"),
        ({"reference_fill": "previous"}, "reference_fill must be None or 'latest'"),
        ({"max_age": 0}, "max_age must be a whole number"),
        ({"max_age": 1.5}, "max_age must be a whole number"),
        ({"balanced": "yes"}, "balanced must be True or False"),
    ):
        with pytest.raises(MethodError, match=match):
            base.replace(**bad)
    with pytest.raises(MethodError, match="did you mean 'reference_fill'"):
        progress_index(_panel(), CATALOG, country="C", reference="R", year=2021,
                       reference_fil="latest")  # fmt: skip


def test_regenerate_balanced_equals_a_fresh_computation() -> None:
    res, _ = _run(_panel(), year=2021, period=(2020, 2021), coverage=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        again = res.regenerate(balanced=True)
    fresh, _ = _run(_panel(), year=2021, period=(2020, 2021), coverage=0.5, balanced=True)
    pd.testing.assert_frame_equal(again.scores, fresh.scores)
    assert again.method.balanced and again.provenance["method"]["balanced"] is True


# ------------------------------------------------------------------ the shipped WDI data

#: The 18 indicators with both ratios in 2022, 2023 and 2024 (the balanced basket over
#: 2022–2024), with direction d and the values of the shipped extract: KAZ 2016, KAZ 2023,
#: KAZ 2024, OED 2023, OED 2024; then the ratios by hand, 100·min((x/y)^d, 2) rounded to
#: 4 decimals: KAZ/OED 2023, KAZ/OED 2024, KAZ 2023/2016, KAZ 2024/2016.
BASKET = [
    ("ER.PTD.TOTL.ZS", +1, 3.2, 11.7, 11.9,
     20.4630102020187, 21.0220031458739,
     57.1763, 56.6074, 200.0000, 200.0000),
    ("IT.NET.SECR.P6", +1, 255.995556426844, 5814.13651400898, 6914.14394055021,
     77230.108299376, 82177.2357209299,
     7.5283, 8.4137, 200.0000, 200.0000),
    ("NY.GDP.PCAP.PP.CD", +1, 23023.0872293899, 38515.1836009979, 40890.9317694408,
     59701.2937485839, 61972.8881275386,
     64.5131, 65.9820, 167.2894, 177.6084),
    ("NY.GNP.PCAP.PP.CD", +1, 20770.0, 34680.0, 37670.0,
     59912.1550705211, 62156.6443357157,
     57.8847, 60.6049, 166.9716, 181.3674),
    ("SE.PRM.CMPT.ZS", +1, 93.3271352178242, 103.073237596239, 94.4040134083406,
     98.5392074584961, 98.4934921264648,
     104.6012, 95.8480, 110.4429, 101.1539),
    ("SE.SEC.ENRR", +1, 97.0463003338151, 95.2393054334066, 97.198884231219,
     105.286712646484, 105.364547729492,
     90.4571, 92.2501, 98.1380, 100.1572),
    ("SE.TER.ENRR", +1, 46.0492258820674, 54.6563982045582, 53.4564204414133,
     79.5250930786133, 78.6357879638672,
     68.7285, 67.9798, 118.6912, 116.0854),
    ("SG.GEN.PARL.ZS", +1, 27.1028037383178, 18.3673469387755, 19.3877551020408,
     32.8286373207661, 33.289947937525,
     55.9492, 58.2391, 67.7692, 71.5341),
    ("SH.IMM.MEAS", +1, 99.0, 99.0, 93.0,
     90.7782280492206, 91.3635941049065,
     109.0570, 101.7911, 100.0000, 93.9394),
    ("SL.EMP.TOTL.SP.ZS", +1, 66.841, 66.997, 67.176,
     57.8330946059759, 57.777558252453,
     115.8454, 116.2666, 100.2334, 100.5012),
    ("SL.EMP.VULN.FE.ZS", -1, 24.8107261011802, 24.6058644974896, 24.5332482698575,
     10.5852071344755, 10.5176672332016,
     43.0190, 42.8711, 100.8326, 101.1310),
    ("SL.GDP.PCAP.EM.KD", +1, 64036.0030587928, 73513.3692247536, 75823.7292373124,
     110204.887255997, 111223.822576855,
     66.7061, 68.1722, 114.8001, 118.4080),
    ("SL.TLF.CACT.FE.ZS", +1, 65.205, 65.029, 65.291,
     53.245552945382, 53.3916911473839,
     122.1304, 122.2868, 99.7301, 100.1319),
    ("SL.UEM.TOTL.ZS", -1, 4.96, 4.835, 4.833,
     4.82631374195204, 4.90917859417164,
     99.8203, 101.5762, 102.5853, 102.6278),
    ("SP.ADO.TFRT", -1, 28.612, 18.235, 17.436,
     17.5267004692832, 16.8682973996532,
     96.1157, 96.7441, 156.9070, 164.0973),
    ("SP.DYN.IMRT.IN", -1, 8.8, 7.6, 7.4,
     6.05452960982659, 5.84271995128145,
     79.6649, 78.9557, 115.7895, 118.9189),
    ("SP.DYN.LE00.IN", +1, 72.549, 74.402, 74.531,
     80.1629734061989, 80.3985705098059,
     92.8134, 92.7019, 102.5541, 102.7319),
    ("TX.VAL.TECH.MF.ZS", +1, 32.0985345639872, 34.4293373196596, 42.19530029659,
     20.8188661176172, 22.3582936779876,
     165.3757, 188.7233, 107.2614, 131.4555),
]  # fmt: skip
LEFT_2023 = ["IT.NET.BBND.P2", "SE.XPD.TOTL.GD.ZS", "SP.POP.SCIE.RD.P6"]


@pytest.fixture(scope="module")
def wdi() -> tuple[Panel, Catalog]:
    return load_wdi_npi()


def _kaz(panel: Panel, catalog: Catalog, year: int = 2024, **kw: object):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = progress_index(panel, catalog, country="KAZ", reference="OED", year=year, **kw)  # type: ignore[arg-type]
    return res, [str(w.message) for w in caught]


def test_typed_values_are_those_of_the_shipped_file(wdi: tuple[Panel, Catalog]) -> None:
    frame = wdi[0].to_frame().set_index(["entity", "indicator", "year"])["value"]
    for code, _, k16, k23, k24, o23, o24, *_ in BASKET:
        got = [frame[(e, code, y)] for e, y in
               (("KAZ", 2016), ("KAZ", 2023), ("KAZ", 2024), ("OED", 2023), ("OED", 2024))]  # fmt: skip
        assert got == [k16, k23, k24, o23, o24], code


def test_balanced_trend_on_wdi_equals_the_hand_calculation(wdi: tuple[Panel, Catalog]) -> None:
    res, messages = _kaz(*wdi, period=(2022, 2024), balanced=True)
    table = pd.DataFrame(BASKET, columns=["code", "d", "k16", "k23", "k24", "o23", "o24",
                                          "r23", "r24", "b23", "b24"]).set_index("code")  # fmt: skip
    d = table["d"]
    by_hand = {
        "r23": 100 * np.minimum((table["k23"] / table["o23"]) ** d, 2),
        "r24": 100 * np.minimum((table["k24"] / table["o24"]) ** d, 2),
        "b23": 100 * np.minimum((table["k23"] / table["k16"]) ** d, 2),
        "b24": 100 * np.minimum((table["k24"] / table["k16"]) ** d, 2),
    }
    for col, values in by_hand.items():  # the typed ratios are the formula's
        np.testing.assert_allclose(values, table[col], atol=5e-5, err_msg=col)
    # the NPI of each year is the mean of the 18 ratios of that year
    s = res.scores
    assert s.loc[2023, "npi_reference"] == pytest.approx(by_hand["r23"].mean(), rel=1e-12)
    assert s.loc[2024, "npi_reference"] == pytest.approx(by_hand["r24"].mean(), rel=1e-12)
    assert s.loc[2023, "npi_base"] == pytest.approx(by_hand["b23"].mean(), rel=1e-12)
    assert s.loc[2024, "npi_base"] == pytest.approx(by_hand["b24"].mean(), rel=1e-12)
    # and of the typed (rounded) ratios to 1e-4: 83.19 → 84.22 vs OED, 123.89 → 126.77 vs 2016
    assert s.loc[2023, "npi_reference"] == pytest.approx(table["r23"].mean(), abs=1e-4)
    assert s.loc[2024, "npi_reference"] == pytest.approx(table["r24"].mean(), abs=1e-4)
    assert round(s.loc[2023, "npi_reference"], 2) == 83.19
    assert round(s.loc[2024, "npi_reference"], 2) == 84.22
    assert s["n_reference"].tolist() == [18, 18, 18] == s["n_base"].tolist()
    basket = set(res.indicators.loc[~res.indicators["excluded"], "indicator"])
    assert basket == set(table.index)
    assert any("18 of 25 indicators" in m for m in messages)


def test_wdi_coverage_change_warning_names_the_indicators(wdi: tuple[Panel, Catalog]) -> None:
    res, messages = _kaz(*wdi, period=(2016, 2024))
    s = res.scores
    # KAZ and OED both have 25 in 2016–2022; 22 in 2023; 18 in 2024 (counted in the file below)
    frame = wdi[0].to_frame()
    npi = frame.loc[frame["indicator"] != "SP.POP.TOTL"]
    have = npi.pivot_table(index=["indicator", "year"], columns="entity", values="value",
                           aggfunc="size").reindex(columns=["KAZ", "OED"])  # fmt: skip
    both = have.notna().all(axis=1).groupby(level="year").sum()
    assert s["n_reference"].tolist() == both.loc[2016:2024].tolist() == [25] * 7 + [22, 18]
    assert s.loc[2024, "coverage_reference"] == pytest.approx(18 / 25)
    (message,) = [m for m in messages if "change between consecutive years" in m]
    line = next(x for x in message.splitlines() if "vs OED 2022→2023" in x)
    for code in LEFT_2023:
        assert repr(code) in line
    # with them 79.07 → 83.35; on the 22 indicators of both years it barely moves
    assert (
        f"{s.loc[2022, 'npi_reference']:.2f} → {s.loc[2023, 'npi_reference']:.2f} with them"
        in line
    )
    like, _ = _kaz(*wdi, year=2023, period=(2022, 2023), balanced=True)  # the 22 of both years
    lfl = like.scores["npi_reference"]
    assert f"{lfl.loc[2022]:.2f} → {lfl.loc[2023]:.2f} on the 22 indicators" in line
    assert lfl.loc[2023] - lfl.loc[2022] == pytest.approx(-0.02, abs=0.01)
    assert s.loc[2023, "npi_reference"] - s.loc[2022, "npi_reference"] > 4  # the jump


def test_wdi_latest_reference_fill_keeps_every_indicator(wdi: tuple[Panel, Catalog]) -> None:
    res, messages = _kaz(*wdi, period=(2016, 2024), reference_fill="latest", max_age=2)
    s = res.scores
    assert s["n_reference"].tolist() == [25] * 9 and s["n_filled"].tolist() == [0] * 7 + [3, 7]
    t = _ind(res, 2024)
    # OED's fixed broadband: none in 2023–2024, carried from 2022
    assert t.loc["IT.NET.BBND.P2", "reference_year"] == 2022
    assert t.loc["IT.NET.BBND.P2", "value_year"] == 2024
    assert any("forward in 14 cell(s)" in m for m in messages)


# ------------------------------------------------------------------ charts show the coverage


def test_charts_show_indicator_counts(wdi: tuple[Panel, Catalog]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from govindex.plotting import plot_npi, plot_npi_trend

    res, _ = _kaz(*wdi, period=(2016, 2024))
    note = "REAL data: World Bank WDI (CC BY 4.0)"
    ax = plot_npi_trend(res, note=note)
    rings = {line.get_gid(): [int(x) for x in line.get_xdata()] for line in ax.lines}
    assert rings["coverage_npi_reference"] == [2023, 2024]  # 25 → 22 → 18
    assert rings["coverage_npi_base"] == [2024]  # 25 → 21
    texts = [t.get_text() for t in ax.texts]
    assert {"n=22", "n=18", "n=21"} <= set(texts)
    (line,) = [t for t in texts if note in t]  # the status line: years, then the note
    assert line.startswith("years 2016–2024 · ") and line.count("World Bank") == 1
    plt.close(ax.figure)
    ax = plot_npi(res)
    assert ax.get_title(loc="left").endswith("(on 18 and 21 of 25 indicators)")
    plt.close(ax.figure)
    full, _ = _kaz(*wdi, year=2022, period=(2016, 2022))
    ax = plot_npi_trend(full)
    assert not any(str(line.get_gid()).startswith("coverage_") for line in ax.lines)
    assert "indicators)" not in plot_npi(full).get_title(loc="left")
    plt.close("all")


def test_readme_shows_the_demo_figures(wdi: tuple[Panel, Catalog]) -> None:
    from pathlib import Path

    from govindex.demo import REAL_PERIOD, REAL_YEAR

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if line.startswith("| 20")]
    assert len(rows) == 5
    real, _ = _kaz(*wdi, year=REAL_YEAR, period=REAL_PERIOD)
    balanced, _ = _kaz(*wdi, year=REAL_YEAR, period=REAL_PERIOD, balanced=True)
    for line in rows:
        year, *cells = (c.strip() for c in line.strip("|").split("|"))
        a, b = real.scores.loc[int(year)], balanced.scores.loc[int(year)]
        expected = [f"{a['npi_reference']:.1f}", f"{int(a['n_reference'])}",
                    f"{a['npi_base']:.1f}", f"{int(a['n_base'])}",
                    f"{b['npi_reference']:.1f}", f"{b['npi_base']:.1f}"]  # fmt: skip
        assert cells == expected, year
    assert "World Bank, World Development Indicators (CC BY 4.0), vintage of 2026-07-01" in readme
