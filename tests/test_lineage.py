"""Tests of govindex.prepare.lineage: re-basing across reorganisations and series-break detection.

Expected values are hand calculations written out in the comments, a loop-based oracle,
conservation invariants, or facts documented outside the code (the Kazakh boundary
changes in /work/shared/data/kz_regions/README.md, the planted troubles of the demo data
in data/indicators/README.md).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govindex import Catalog, Panel, performance_index
from govindex.datasets import load_demo
from govindex.exceptions import CoverageWarning, DataWarning, MethodError, PanelError
from govindex.prepare.breaks import series_breaks, window_breaks
from govindex.prepare.lineage import Lineage

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "kz_regions"


def _panel(rows: dict[tuple[str, str], dict[int, float]]) -> Panel:
    recs = [(e, i, y, v) for (e, i), series in rows.items() for y, v in series.items()]
    return Panel.from_frame(pd.DataFrame(recs, columns=["entity", "indicator", "year", "value"]))


def _catalog(*codes: str) -> Catalog:
    return Catalog.from_frame(
        pd.DataFrame({"code": ["GPI", *codes], "parent": ["", *["GPI"] * len(codes)]})
    )


def _lineage(rows: list[tuple[int, str, str, float]], **kw: object) -> Lineage:
    return Lineage.from_frame(pd.DataFrame(rows, columns=["year", "old", "new", "share"]), **kw)  # type: ignore[arg-type]


SPLIT = {
    # A = old region; B split off in 2018 with 40 % of A's level
    ("A", "jobs"): {2017: 100.0, 2018: 60.0, 2019: 63.0, 2020: 66.0},
    ("B", "jobs"): {2018: 40.0, 2019: 42.0, 2020: 44.0},
    ("A", "rate"): {2017: 10.0, 2018: 10.2, 2019: 10.5, 2020: 11.0},
    ("B", "rate"): {2018: 11.0, 2019: 11.5, 2020: 12.0},
}


# --------------------------------------------------------------------------- split


@pytest.mark.parametrize(
    "rows",
    [
        [(2018, "A", "B", 0.4)],  # remainder 0.6 stays with A implicitly
        [(2018, "A", "A", 0.6), (2018, "A", "B", 0.4)],  # stated explicitly
    ],
)
def test_split_extensive_rebased_and_flagged(rows: list[tuple[int, str, str, float]]) -> None:
    lin = _lineage(rows, extensive=["jobs"])
    res = performance_index(_panel(SPLIT), _catalog("jobs", "rate"), year=2020, lineage=lin)
    ch = res.changes.set_index(["entity", "indicator"])
    # A's 2017 level on the 2018 boundaries: 0.6·100 = 60 → 66 in 2020
    assert ch.loc[("A", "jobs"), "start_value"] == pytest.approx(60.0)
    assert ch.loc[("A", "jobs"), "change"] == pytest.approx((66 / 60) ** (1 / 3) - 1)  # +3.23 %/yr
    assert ch.loc[("A", "jobs"), "class"] == "improved"
    # B's 2017 level reconstructed: 0.4·100 = 40 → 44
    assert ch.loc[("B", "jobs"), "start_year"] == 2017
    assert ch.loc[("B", "jobs"), "start_value"] == pytest.approx(40.0)
    assert ch.loc[("B", "jobs"), "change"] == pytest.approx((44 / 40) ** (1 / 3) - 1)
    for ent, share in (("A", 0.6), ("B", 0.4)):
        # the flag names the reorganisation and the rule used: the part's share of A's level
        assert ch.loc[(ent, "jobs"), "flags"] == (
            f"lineage: re-based across 2018 reorganisation (A→A, B): extensive, {share} × A"
        )
        assert ch.loc[(ent, "jobs"), "reason"] == ""
    # intensive "rate": the old value 10 is carried to both parts
    assert ch.loc[("A", "rate"), "change"] == pytest.approx((11 / 10) ** (1 / 3) - 1)
    assert ch.loc[("B", "rate"), "start_value"] == 10.0
    assert ch.loc[("B", "rate"), "change"] == pytest.approx((12 / 10) ** (1 / 3) - 1)
    assert ch.loc[("B", "rate"), "flags"] == (
        "lineage: re-based across 2018 reorganisation (A→A, B): intensive, carried over from A"
    )
    assert res.fingerprints["lineage"] == lin.fingerprint


def test_split_without_lineage_is_unchanged_default() -> None:
    # B's series start in 2018, inside the window: a break no lineage explains, named
    with pytest.warns(DataWarning, match="'B jobs series starts in 2018', 'B rate series"):
        res = performance_index(_panel(SPLIT), _catalog("jobs", "rate"), year=2020)
    ch = res.changes.set_index(["entity", "indicator"])
    assert ch.loc[("A", "jobs"), "change"] == pytest.approx(
        (66 / 100) ** (1 / 3) - 1
    )  # −12.9 %/yr
    assert ch.loc[("A", "jobs"), "class"] == "deteriorated"
    assert ch.loc[("B", "jobs"), "start_year"] == 2018  # shorter window, start shifted
    assert "lineage:" not in " ".join(res.changes["flags"])
    assert ch.loc[("B", "jobs"), "flags"].endswith(
        "series break: series starts in 2018, not explained by a lineage"
    )
    assert "lineage" not in res.fingerprints


def test_extensive_all_and_none() -> None:
    p = _panel(SPLIT)
    lin = _lineage([(2018, "A", "B", 0.4)])
    # default "none": jobs treated as intensive → carried over (100 for both parts)
    adj = lin.rebase_panel(p, year=2020)
    assert adj.values[:, 0, 0].tolist() == [100.0, 100.0]
    adj = lin.rebase_panel(p, year=2020, extensive="all")
    # rate treated as a count: 0.6·10 = 6, 0.4·10 = 4
    assert adj.values[:, 1, 0] == pytest.approx([6.0, 4.0])
    assert adj.rebased.all() and not adj.failed.any()


def test_new_code_keeps_its_own_back_cast() -> None:
    rows = dict(SPLIT)
    rows[("B", "rate")] = {2017: 9.0, 2018: 11.0, 2019: 11.5, 2020: 12.0}  # published back-cast
    adj = _lineage([(2018, "A", "B", 0.4)]).rebase_panel(_panel(rows), year=2020)
    assert adj.values[1, 1, 0] == 9.0
    assert not adj.rebased[1, 1]  # nothing re-based in B's rate window
    assert adj.rebased[0, 1]  # A's rate carried over (old boundaries): flagged


# --------------------------------------------------------------------------- merge


MERGE = {
    ("A", "jobs"): {2017: 30.0, 2018: 32.0},
    ("B", "jobs"): {2017: 70.0, 2018: 68.0},
    ("C", "jobs"): {2019: 104.0, 2020: 110.0},
    ("A", "rate"): {2017: 4.0, 2018: 5.0},
    ("B", "rate"): {2017: 8.0, 2018: 9.0},
    ("C", "rate"): {2019: 7.5, 2020: 8.0},
}


def test_merge_extensive_sum_and_intensive_mean() -> None:
    lin = _lineage([(2019, "A", "C", 1.0), (2019, "B", "C", 1.0)], extensive=["jobs"])
    with pytest.warns(CoverageWarning, match="'A', 'B'"):
        res = performance_index(_panel(MERGE), _catalog("jobs", "rate"), year=2020, lineage=lin)
    ch = res.changes.set_index(["entity", "indicator"])
    # C in 2017 on the merged boundaries: 30 + 70 = 100 → 110 in 2020
    assert ch.loc[("C", "jobs"), "start_value"] == 100.0
    assert ch.loc[("C", "jobs"), "change"] == pytest.approx(1.1 ** (1 / 3) - 1)
    # rate: share-weighted mean (1·4 + 1·8) / 2 = 6 → 8
    assert ch.loc[("C", "rate"), "start_value"] == 6.0
    assert ch.loc[("C", "rate"), "change"] == pytest.approx((8 / 6) ** (1 / 3) - 1)
    assert ch.loc[("C", "rate"), "flags"] == (
        "lineage: re-based across 2019 reorganisation (A, B→C): "
        "intensive, weighted mean of A (1), B (1)"
    )
    assert ch.loc[("C", "jobs"), "flags"] == (
        "lineage: re-based across 2019 reorganisation (A, B→C): extensive, 1 × A + 1 × B"
    )
    # A and B ended in 2019: no change, with the reason
    for ent in ("A", "B"):
        row = ch.loc[(ent, "jobs")]
        assert math.isnan(row["change"])
        assert row["reason"] == (
            f"lineage: {ent} ended in the 2019 reorganisation ({ent}→C); no change across it"
        )
    assert res.scores.loc["C", "n_scored"] == 2


def test_absorption_with_self_row() -> None:
    # A absorbs B in 2019 (A continues): A's 2017 level = 30 + 70
    rows = {k: v for k, v in MERGE.items() if k[0] != "C"}
    rows[("A", "jobs")] = {2017: 30.0, 2018: 32.0, 2019: 104.0, 2020: 110.0}
    lin = _lineage([(2019, "A", "A", 1.0), (2019, "B", "A", 1.0)], extensive="all")
    adj = lin.rebase_panel(_panel(rows), year=2020)
    assert adj.values[0, 0, :2].tolist() == [100.0, 100.0]
    assert adj.failed[1].all() and not adj.failed[0].any()


def test_missing_part_makes_change_missing_with_reason() -> None:
    rows = dict(MERGE)
    rows[("B", "jobs")] = {2016: 70.0}  # B has no value in the window's pre-merge years
    lin = _lineage([(2019, "A", "C", 1.0), (2019, "B", "C", 1.0)], extensive=["jobs"])
    with pytest.warns(CoverageWarning, match="'A', 'B', 'C'"):  # C: rate only, 1 of 2
        res = performance_index(_panel(rows), _catalog("jobs", "rate"), year=2020, lineage=lin)
    row = res.changes.set_index(["entity", "indicator"]).loc[("C", "jobs")]
    assert math.isnan(row["change"]) and row["flags"] == ""
    assert row["reason"] == (
        "lineage: cannot re-base across the 2019 reorganisation (A, B→C): "
        "a contributing value is missing in the window"
    )


# --------------------------------------------------------------------------- window


@pytest.mark.parametrize("event", [2021, 2017, 2016])
def test_window_not_crossing_event_is_unchanged(event: int) -> None:
    # window 2017–2020: an event in 2021 (after T) or 2017/2016 (≤ T − w) is not crossed
    p = _panel(SPLIT)
    adj = _lineage([(event, "A", "B", 0.4)], extensive="all").rebase_panel(p, year=2020)
    np.testing.assert_array_equal(adj.values, p.values)
    assert not adj.rebased.any() and not adj.failed.any() and adj.notes.empty


def test_two_events_in_one_window_chain() -> None:
    # A → A + B (2018, 40 %), then B → B + C (2019, 50 %); window 2016–2020 (w = 4)
    p = _panel(
        {
            ("A", "n"): {2016: 200.0, 2017: 100.0, 2020: 60.0},
            ("B", "n"): {2018: 40.0, 2020: 20.0},
            ("C", "n"): {2019: 20.0, 2020: 20.0},
        }
    )
    lin = _lineage([(2018, "A", "B", 0.4), (2019, "B", "C", 0.5)], extensive="all")
    v = lin.rebase_panel(p, year=2020, window=4).values[:, 0, :]
    # A 2016: 0.6·200 = 120; B 2016: 0.4·200·0.5 = 40; C 2016: 0.4·200·0.5 = 40
    np.testing.assert_allclose(v[:, 0], [120.0, 40.0, 40.0])
    # B 2018 = 40 observed on the 2018 boundaries → 0.5·40 = 20 for B and for C
    np.testing.assert_allclose(v[:, 2], [np.nan, 20.0, 20.0])


def _oracle(x: np.ndarray, rows: list[tuple[str, str, float]], codes: list[str]) -> np.ndarray:
    """Slow loop: one event (extensive), implicit remainders, parts rebuilt cell by cell."""
    out = x.copy()
    olds = sorted({o for o, _, _ in rows})
    parts: dict[str, dict[str, float]] = {}
    for o in olds:
        given_away = sum(s for oo, n, s in rows if oo == o and n != o)
        for oo, n, s in rows:
            if oo == o:
                parts.setdefault(n, {})[o] = s
        if 1 - given_away > 1e-9 and o not in parts.get(o, {}):
            parts.setdefault(o, {})[o] = 1 - given_away
    for p_code, contrib in parts.items():
        p = codes.index(p_code)
        for t in range(x.shape[1]):
            total = 0.0
            for o, s in contrib.items():
                total += s * x[codes.index(o), t]
            out[p, t] = total
    return out


@settings(max_examples=40, deadline=None)
@given(
    shares=st.lists(st.floats(0.05, 0.45), min_size=1, max_size=2),
    x0=st.floats(1.0, 1e3),
)
def test_rebase_matches_loop_oracle_and_conserves_totals(shares: list[float], x0: float) -> None:
    codes = ["A", "B", "C"]
    rows = [("A", code, s) for code, s in zip(["B", "C"], shares, strict=False)]
    # A has a pre-event value in 2018, the new codes none; post-event values in 2019, 2020
    x = np.array([[x0, 1.0, 1.0], [np.nan, 1.0, 1.0], [np.nan, 1.0, 1.0]])
    lin = _lineage([(2019, o, n, s) for o, n, s in rows], extensive="all")
    adj = lin.rebase(x[:, None, :], codes, ["n"], [2018, 2019, 2020], year=2020, window=2)
    got = adj.values[:, 0, :]
    parts = {"A", *(n for _, n, _ in rows)}
    expected = _oracle(x, rows, codes)
    for k, code in enumerate(codes):
        if code in parts:
            assert got[k, 0] == pytest.approx(expected[k, 0], rel=1e-12)
    # a full split conserves the old entity's level
    assert sum(got[codes.index(c), 0] for c in parts) == pytest.approx(x0, rel=1e-12)


# --------------------------------------------------------------------------- validation


def _frame(**cols: object) -> pd.DataFrame:
    base: dict[str, object] = {"year": [2018], "old": ["A"], "new": ["B"], "share": [0.4]}
    return pd.DataFrame({**base, **cols}).drop(columns=[c for c, v in cols.items() if v is None])


@pytest.mark.parametrize(
    ("frame", "match"),
    [
        (_frame(share=None), r"missing column\(s\) 'share'"),
        (_frame(share=[0.0]), r"\(0, 1\]; found 0\.0"),
        (_frame(share=[1.5]), r"found 1\.5 in row"),
        (_frame(share=[np.nan]), r"shares must lie in \(0, 1\]"),
        (_frame(year=[2018.5]), r"integer years; found 2018\.5"),
        (_frame(old=[""]), r"'old' has missing or empty"),
        (
            _frame(year=[2018] * 2, old=["A"] * 2, new=["B"] * 2, share=[0.2, 0.3]),
            r"duplicated \(year, old, new, indicator\) rows \(2018, 'A', 'B', ''\)",
        ),
        (
            _frame(year=[2018] * 2, old=["A"] * 2, new=["B", "C"], share=[0.7, 0.6]),
            r"sum to more than 1: 'A in 2018: 1\.3'",
        ),
        (
            _frame(year=[2018] * 2, old=["A", "B"], new=["B", "A"], share=[0.5, 0.5]),
            r"cycle in the 2018 reorganisation: A → B → A",
        ),
    ],
)
def test_invalid_lineage_errors(frame: pd.DataFrame, match: str) -> None:
    before = frame.copy()
    with pytest.raises(MethodError, match=match):
        Lineage.from_frame(frame)
    pd.testing.assert_frame_equal(frame, before)  # the user's frame is not modified


def test_invalid_arguments_errors() -> None:
    ok = pd.DataFrame({"year": [2018], "old": ["A"], "new": ["B"], "share": [0.4]})
    with pytest.raises(MethodError, match="expected a pandas DataFrame, got list"):
        Lineage.from_frame([1, 2])  # type: ignore[arg-type]
    with pytest.raises(MethodError, match=r"extensive must be 'all', 'none'.*found 'some'"):
        Lineage.from_frame(ok, extensive="some")  # type: ignore[arg-type]
    lin = Lineage.from_frame(ok, extensive=["jobz"])
    with pytest.raises(MethodError, match=r"extensive indicator\(s\) 'jobz' are not indicators"):
        lin.rebase_panel(_panel(SPLIT), year=2020)
    with pytest.raises(MethodError, match=r"lineage must be a Lineage.*got DataFrame"):
        performance_index(_panel(SPLIT), _catalog("jobs", "rate"), year=2020, lineage=ok)  # type: ignore[arg-type]
    with pytest.raises(PanelError, match="expected a Panel"):
        lin.rebase_panel(ok, year=2020)  # type: ignore[arg-type]
    with pytest.raises(MethodError, match="3-D array"):
        lin.rebase(np.zeros((2, 2)), ["A", "B"], ["x"], [2018], year=2018)
    with pytest.raises(MethodError, match="values has shape"):
        lin.rebase(np.zeros((2, 1, 1)), ["A"], ["x"], [2018], year=2018)


def test_codes_absent_from_panel_warn() -> None:
    lin = _lineage([(2018, "A", "Z", 0.4)])
    with pytest.warns(DataWarning, match=r"lineage code\(s\) 'Z' are not entities"):
        adj = lin.rebase_panel(_panel(SPLIT), year=2020)
    # A is still re-based (remainder 0.6 of a count would be 60; as intensive it stays 100)
    assert adj.values[0, 0, 0] == 100.0 and adj.rebased[0, 0]


def test_parts_and_repr() -> None:
    lin = _lineage([(2022, "X", "Y", 0.25), (2018, "A", "B", 0.4)], extensive=["jobs"])
    parts = lin.parts()
    assert parts.to_dict("list") == {
        "year": [2018, 2018, 2022, 2022], "old": ["A", "A", "X", "X"],
        "new": ["A", "B", "X", "Y"], "indicator": [""] * 4, "share": [0.6, 0.4, 0.75, 0.25],
    }  # fmt: skip
    assert lin.years == [2018, 2022]
    assert (
        repr(lin)
        == "<Lineage: 2 row(s), reorganisations in 2018, 2022; extensive indicators: 'jobs'>"
    )


# --------------------------------------------------------------------------- series breaks


def _smooth(n_ent: int = 8, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = [
        (f"R{e}", ind, y, 100 * 1.02 ** (y - 2010) * rng.normal(1, 0.01))
        for e in range(n_ent)
        for ind in ("a", "b", "c", "d")
        for y in range(2010, 2021)
    ]
    return pd.DataFrame(rows, columns=["entity", "indicator", "year", "value"])


def test_series_breaks_level_shift_start_and_end() -> None:
    df = _smooth()
    # R2 loses 40 % of a, b, c from 2016 (a redrawn region); R5 shifts only one series
    df.loc[(df.entity == "R2") & (df.year >= 2016) & (df.indicator != "d"), "value"] *= 0.6
    df.loc[(df.entity == "R5") & (df.year >= 2016) & (df.indicator == "a"), "value"] *= 0.6
    # N appears in 2017 (new entity); R7's series stop after 2014 (dissolved)
    new = _smooth(1, seed=9).assign(entity="N")
    df = pd.concat([df.loc[~((df.entity == "R7") & (df.year > 2014))], new.loc[new.year >= 2017]])
    got = series_breaks(Panel.from_frame(df))
    assert got[["entity", "year", "kind", "n_indicators", "indicators"]].to_numpy().tolist() == [
        ["R7", 2015, "series end", 4, "a, b, c, d"],
        ["R2", 2016, "level shift", 3, "a, b, c"],
        ["N", 2017, "series start", 4, "a, b, c, d"],
    ]
    # log(0.6) = −0.51 against a noise scale of about 0.014: far beyond |z| = 5
    assert got.loc[1, "max_abs_z"] > 20
    # binomial tail: 3 of 4 extreme at the panel's rate r, P(X ≥ 3) = 4r³(1−r) + r⁴
    assert got.loc[1, "p_value"] < 0.005


def test_series_breaks_ignores_trends_and_common_shocks() -> None:
    df = _smooth()
    # every entity drops 30 % in 2015 (a national reclassification): not entity-specific
    df.loc[df.year >= 2015, "value"] *= 0.7
    # R3 grows 40 % a year on a and b for three years: a trend, extreme every year
    sel = (df.entity == "R3") & df.indicator.isin(["a", "b"]) & (df.year >= 2016)
    df.loc[sel, "value"] *= 1.4 ** (df.loc[sel, "year"] - 2015).clip(upper=3)
    assert series_breaks(Panel.from_frame(df)).empty


def test_series_breaks_bad_arguments() -> None:
    p = Panel.from_frame(_smooth(3))
    with pytest.raises(MethodError, match="threshold must be > 0"):
        series_breaks(p, threshold=0)
    with pytest.raises(MethodError, match="min_indicators must be a positive integer"):
        series_breaks(p, min_indicators=0)
    with pytest.raises(MethodError, match=r"alpha must lie in \(0, 1\]"):
        series_breaks(p, alpha=2)
    with pytest.raises(PanelError, match="expected a Panel"):
        series_breaks(_smooth(3))  # type: ignore[arg-type]


def test_series_breaks_demo_panels() -> None:
    # SYNTHETIC demo data. LEB: no reorganisation planted (data/indicators/README.md) → nothing;
    # CGB: body MIND reorganised, its series start in 2024 (planted trouble #6)
    assert series_breaks(load_demo("leb")[0]).empty
    cgb = series_breaks(load_demo("cgb")[0])
    assert cgb[["entity", "year", "kind", "n_indicators"]].to_dict("records") == [
        {"entity": "MIND", "year": 2024, "kind": "series start", "n_indicators": 6}
    ]


def test_validate_reports_breaks() -> None:
    from govindex.analysis.quality import quality_report
    from govindex.datasets import demo_config_path

    report = quality_report(demo_config_path())
    assert report.breaks[["source", "entity", "year", "kind"]].to_dict("records") == [
        {"source": "gpi.central", "entity": "MIND", "year": 2024, "kind": "series start"}
    ]
    assert "series breaks (see docs/lineage.md): 1 row(s)" in report.to_text()


# --------------------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def kz() -> pd.DataFrame:
    if not DATA.is_dir():
        pytest.skip(f"shared kz_regions data not found at {DATA}")
    frame = pd.read_csv(DATA / "kz_regions_panel_long.csv")
    return frame.loc[frame["entity"] != "KZ"].rename(columns={"indicator_code": "indicator"})


def test_series_breaks_find_the_kazakh_reorganisations(kz: pd.DataFrame) -> None:
    got = series_breaks(Panel.from_frame(kz))
    found = set(zip(got["entity"], got["year"], got["kind"], strict=True))
    # README: Shymkent (KZ-79) split from KZ-61 in 2018; in 2022 Abai (KZ-10) from KZ-63,
    # Jetisu (KZ-33) from KZ-19, Ulytau (KZ-62) from KZ-35
    assert found >= {
        ("KZ-61", 2018, "level shift"), ("KZ-79", 2018, "series start"),
        ("KZ-63", 2022, "level shift"), ("KZ-19", 2022, "level shift"),
        ("KZ-10", 2022, "series start"), ("KZ-33", 2022, "series start"),
        ("KZ-62", 2022, "series start"),
    }  # fmt: skip
    # Karaganda (KZ-35) lost only small Ulytau (hospitals 75 → 61, doctors 6,422 → 5,707):
    # within ordinary year-to-year noise of these counts, so it is not found
    assert len(found) == 7
    assert (
        got.set_index(["entity", "year"]).loc[("KZ-61", 2018), "indicators"]
        == "DOCTORS, HOSPITALS"
    )


def test_shymkent_split_rebased(kz: pd.DataFrame) -> None:
    def v(e: str, i: str, y: int) -> float:
        sel = (kz["entity"] == e) & (kz["indicator"] == i) & (kz["year"] == y)
        return float(kz.loc[sel, "value"].item())

    # share of Shymkent in the first post-split year's hospitals: 26 / (40 + 26)
    h61, h79 = v("KZ-61", "HOSPITALS", 2018), v("KZ-79", "HOSPITALS", 2018)
    assert (h61, h79) == (40.0, 26.0)
    share = h79 / (h61 + h79)
    lin = Lineage.from_frame(
        pd.DataFrame({"year": [2018], "old": ["KZ-61"], "new": ["KZ-79"], "share": [share]}),
        extensive=["HOSPITALS"],
    )
    panel = Panel.from_frame(kz)
    adj = lin.rebase_panel(panel, year=2020)
    e61, e79 = panel.entities.get_loc("KZ-61"), panel.entities.get_loc("KZ-79")
    h = panel.indicators.get_loc("HOSPITALS")
    y17 = panel.year_index(2017)
    # 2017 on the 2018 boundaries: 117 · 40/66 = 70.909 and 117 · 26/66 = 46.091
    assert adj.values[e61, h, y17] == pytest.approx(117 * 40 / 66)
    assert adj.values[e79, h, y17] == pytest.approx(117 * 26 / 66)


# --------------------------------------------------------------------------- breaks in the window


def _z_oracle(x: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The robust z of docs/lineage.md, one indicator and one year at a time (np.nanmedian)."""
    n_e, n_i, n_y = x.shape
    z = np.full((n_e, n_i, n_y - 1), np.nan)
    for i in range(n_i):
        level = np.nanmedian(np.abs(x[rows, i, :])) if (~np.isnan(x[rows, i])).any() else 0.0
        floor = 0.05 * np.nan_to_num(level)
        prev, cur = x[:, i, :-1], x[:, i, 1:]
        ok = (prev > floor) & (cur > floor) & (prev > 0) & (cur > 0)
        c = np.where(ok, np.log(np.where(ok, cur, 1) / np.where(ok, prev, 1)), np.nan)
        d = c.copy()
        for t in range(n_y - 1):
            col = c[rows, t]
            if (~np.isnan(col)).sum() >= 3:
                d[:, t] = c[:, t] - np.nanmedian(col)
        flat = d[rows].ravel()
        if (~np.isnan(flat)).sum() < 10:
            continue
        med = np.nanmedian(flat)
        scale = max(1.4826 * np.nanmedian(np.abs(flat - med)), 0.02)
        z[:, i, :] = (d - med) / scale
    return z


@settings(max_examples=25, deadline=None, derandomize=True)
@given(st.integers(0, 10_000), st.floats(0.0, 0.3))
def test_window_break_z_matches_loop_oracle(seed: int, gaps: float) -> None:
    rng = np.random.default_rng(seed)
    x = 100 * np.exp(rng.normal(0.01, 0.03, (30, 4, 4)).cumsum(axis=2))
    x[rng.random(x.shape) < gaps] = np.nan
    x[3, 1, :] = [100.0, 101.0, 40.0, 41.0]  # E3 is split in 2021: b drops by 60 % ...
    x[29, 1, :] = [np.nan, np.nan, 61.0, 62.0]  # ... to E29, whose series starts in 2021
    x[29, [0, 2, 3], :2] = np.nan
    ref = np.zeros(30, dtype=bool)
    ref[0] = True  # a total: scored, not in the statistics
    x[0] = np.nansum(x[1:], axis=0)
    found = window_breaks(x, [f"E{k}" for k in range(30)], list("abcd"), np.arange(2019, 2023),
                          year=2022, window=3, reference=ref)  # fmt: skip
    shifts = found.loc[found["kind"] == "level shift"]
    keys = zip(shifts["entity"], shifts["indicator"], shifts["year"], strict=True)
    assert ("E3", "b", 2021) in set(keys)
    z = _z_oracle(x, ~ref)
    e = shifts["entity"].str[1:].astype(int).to_numpy()
    i = shifts["indicator"].map("abcd".index).to_numpy(dtype=np.int64)
    t = shifts["year"].to_numpy() - 2020
    np.testing.assert_allclose(shifts["robust_z"], z[e, i, t].round(2))
    assert (np.abs(shifts["robust_z"]) > 5).all()


def test_window_breaks_demo_panels_and_reference_rows() -> None:
    # the SYNTHETIC demo windows: only the planted MIND (series start 2024, too short to score)
    for kind in ("leb", "npi"):
        p = load_demo(kind)[0]
        assert window_breaks(
            p.values, p.entities, p.indicators, p.years, year=2025, window=3
        ).empty
    p = load_demo("cgb")[0]
    found = window_breaks(p.values, p.entities, p.indicators, p.years, year=2025, window=3)
    assert set(found["entity"]) == {"MIND"} and set(found["kind"]) == {"series start"}
    # a total does not move the statistics when it is a reference row
    x = np.asarray(load_demo("leb")[0].values)
    total = np.concatenate([x, x.sum(axis=0, keepdims=True)])
    codes = [*load_demo("leb")[0].entities, "TOTAL"]
    ref = np.array([False] * len(x) + [True])
    p = load_demo("leb")[0]
    low = dict(year=2025, window=3, threshold=3.0)
    base = window_breaks(x, p.entities, p.indicators, p.years, **low)  # type: ignore[arg-type]
    with_ref = window_breaks(total, codes, p.indicators, p.years, reference=ref, **low)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(base, with_ref.loc[with_ref["entity"] != "TOTAL"])
