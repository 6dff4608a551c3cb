"""Tests of govindex.indices.npi (NPI): hand calculations of r_i and b_i with directions and caps,
reference averages computed by hand, zero base values, geometric aggregation and errors."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from govindex import Catalog, DataWarning, MethodError, Panel, PanelError, progress_index
from govindex.entities import Entities

NAN = np.nan

#: KZ has no data for two indicators in 2018 (below), so every NPI of this panel warns that
#: the indicators with data change between consecutive years. That warning is asserted in
#: test_year_index_is_every_year_with_country_data (and in tests/test_npi_like_for_like.py);
#: in the other tests of this module it is not the point.
pytestmark = pytest.mark.filterwarnings(
    "ignore:.*the indicators with data change between consecutive years"
    ":govindex.exceptions.DataWarning"
)

#: NPI tree: four indicators, equal weights; mort is lower-is-better.
CATALOG = pd.DataFrame({
    "code": ["NPI", "life", "mort", "servers", "income"],
    "parent": ["", "NPI", "NPI", "NPI", "NPI"],
    "direction": [None, 1, -1, 1, 1],
})  # fmt: skip

#: (entity, year) → life, mort, servers, income. KZ has no 2017, 2019 rows and only two
#: indicators in 2018; OECD is a reference aggregate; M1–M3 are members with population POP.
DATA = {
    ("KZ", 2016): (70.0, 12.0, 10.0, 50.0),
    ("KZ", 2018): (72.0, NAN, NAN, 55.0),
    ("KZ", 2020): (73.5, 9.0, 190.0, 60.0),  # servers 10 → 190: a 19-fold growth
    ("OECD", 2016): (78.0, 5.0, 40.0, 30.0),
    ("OECD", 2017): (78.5, 4.8, 50.0, 32.0),
    ("OECD", 2018): (79.0, 4.5, 60.0, 35.0),
    ("OECD", 2019): (79.5, 4.2, 80.0, 38.0),
    ("OECD", 2020): (80.0, 4.0, 100.0, 40.0),
    ("M1", 2020): (78.0, 4.0, 90.0, 35.0),
    ("M2", 2020): (82.0, 6.0, 110.0, 45.0),
    ("M3", 2020): (80.0, NAN, 100.0, 40.0),  # M3 has no mort value in 2020
    ("M1", 2016): (77.0, 5.0, 30.0, 30.0),
    ("M2", 2016): (79.0, 5.0, 50.0, 30.0),
    ("M3", 2016): (78.0, 5.0, 40.0, 30.0),
}
POP = {"M1": 10.0, "M2": 30.0, "M3": 60.0}
IND = ["life", "mort", "servers", "income"]


def _frame(data: dict[tuple[str, int], tuple[float, ...]] = DATA) -> pd.DataFrame:
    rows = [
        (e, ind, y, v)
        for (e, y), vals in data.items()
        for ind, v in zip(IND, vals, strict=True)
        if not math.isnan(v)
    ]
    rows += [(m, "POP", y, p) for m, p in POP.items() for y in (2016, 2020)]
    return pd.DataFrame(rows, columns=["entity", "indicator", "year", "value"])


@pytest.fixture(scope="module")
def panel() -> Panel:
    return Panel.from_frame(_frame())


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.from_frame(CATALOG)


def _ind(res, year: int) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    return res.indicators.loc[res.indicators["year"] == year].set_index("indicator")


def test_ratios_hand_calculation_with_direction_and_caps(panel: Panel, catalog: Catalog) -> None:
    res = progress_index(panel, catalog, country="KZ", reference="OECD", year=2020)
    t = _ind(res, 2020)
    # r_i (2020) = 100 · clip((x / x_OECD)^d, 0, 2)
    r = {"life": 73.5 / 80 * 100,  # 91.875
         "mort": (9 / 4) ** -1 * 100,  # lower is better: 4/9 → 44.44
         "servers": 190 / 100 * 100,  # 190 (below the cap of 200)
         "income": 60 / 40 * 100}  # 150  # fmt: skip
    # b_i (2020) = 100 · clip((x_2020 / x_2016)^d, 0, 2)
    b = {"life": 73.5 / 70 * 100,  # 105
         "mort": (9 / 12) ** -1 * 100,  # 133.33
         "servers": 200.0,  # 190/10 = 19-fold → capped at 2 → 200
         "income": 60 / 50 * 100}  # 120  # fmt: skip
    for ind in IND:
        assert t.loc[ind, "ratio_reference"] == pytest.approx(r[ind], rel=1e-12), ind
        assert t.loc[ind, "ratio_base"] == pytest.approx(b[ind], rel=1e-12), ind
    assert t.loc["servers", "uncapped_base"] == pytest.approx(1900.0)
    assert bool(t.loc["servers", "capped_base"]) and not bool(t.loc["servers", "capped_reference"])
    assert t.loc["mort", "base_value"] == 12.0 and t.loc["mort", "reference_value"] == 4.0
    # NPI = arithmetic mean of the four capped ratios
    assert res.npi_reference == pytest.approx(sum(r.values()) / 4, rel=1e-12)  # 119.0799
    assert res.npi_base == pytest.approx(sum(b.values()) / 4, rel=1e-12)  # 139.5833
    assert res.scores.loc[2016, "npi_base"] == pytest.approx(100.0)  # base year vs itself
    # 2016 vs OECD: (70/78 + 5/12 + 10/40 + 50/30)/4 · 100
    assert res.scores.loc[2016, "npi_reference"] == pytest.approx(
        (70 / 78 + 5 / 12 + 10 / 40 + 50 / 30) / 4 * 100, rel=1e-12)  # fmt: skip


@pytest.mark.filterwarnings("error::govindex.exceptions.DataWarning")
def test_year_index_is_every_year_with_country_data(panel: Panel, catalog: Catalog) -> None:
    with pytest.warns(DataWarning, match=r"NPI of KZ: the indicators with data change") as seen:
        res = progress_index(panel, catalog, country="KZ", reference="OECD", year=2020)
    assert "vs OECD 2016→2018: 4 → 2 indicators (leave 'mort', 'servers')" in str(seen[0].message)
    # OECD has 2016–2020, KZ only 2016, 2018, 2020
    assert res.scores.index.tolist() == [2016, 2018, 2020]
    assert res.scores.index.name == "year"
    # 2018: KZ has 2 of 4 indicators → coverage 0.5 < 2/3 → no NPI that year
    assert res.scores.loc[2018, "coverage_reference"] == pytest.approx(0.5)
    assert math.isnan(res.scores.loc[2018, "npi_reference"])
    # with coverage 0.5 it is the mean of the two: (72/79 + 55/35)/2 · 100
    res2 = progress_index(panel, catalog, country="KZ", reference="OECD", year=2020, coverage=0.5)
    assert res2.scores.loc[2018, "npi_reference"] == pytest.approx((72 / 79 + 55 / 35) / 2 * 100)


def test_custom_caps(panel: Panel, catalog: Catalog) -> None:
    res = progress_index(panel, catalog, country="KZ", reference="OECD", year=2020, cap=(0.5, 3.0))
    t = _ind(res, 2020)
    assert t.loc["mort", "ratio_reference"] == pytest.approx(50.0)  # 4/9 = 0.444 → raised to 0.5
    assert bool(t.loc["mort", "capped_reference"])
    assert t.loc["servers", "ratio_base"] == pytest.approx(300.0)  # 19 → 3
    assert res.method.cap == (0.5, 3.0)


def test_reference_plain_and_population_weighted_member_mean(
    panel: Panel, catalog: Catalog
) -> None:
    members = ["M1", "M2", "M3"]
    plain = _ind(progress_index(panel, catalog, country="KZ", reference=members, year=2020), 2020)
    # life 2020: (78 + 82 + 80)/3 = 80; mort: M3 missing → (4 + 6)/2 = 5
    assert plain.loc["life", "reference_value"] == pytest.approx(80.0)
    assert plain.loc["mort", "reference_value"] == pytest.approx(5.0)
    res_w = progress_index(
        panel, catalog, country="KZ", reference=members, reference_weights="POP", year=2020
    )
    w = _ind(res_w, 2020)
    # weighted by POP (10, 30, 60): life (78·10 + 82·30 + 80·60)/100 = 80.40
    assert w.loc["life", "reference_value"] == pytest.approx((78 * 10 + 82 * 30 + 80 * 60) / 100)
    # mort: M3 missing → weights rescaled over M1, M2: (4·10 + 6·30)/40 = 5.5
    assert w.loc["mort", "reference_value"] == pytest.approx((4 * 10 + 6 * 30) / 40)
    assert w.loc["life", "ratio_reference"] == pytest.approx(73.5 / 80.4 * 100)
    assert w.loc["mort", "ratio_reference"] == pytest.approx(5.5 / 9 * 100)
    assert res_w.method.reference == ("M1", "M2", "M3") and res_w.method.reference_weights == "POP"


def test_zero_base_value_gives_nan_warning_and_npi_from_the_rest(catalog: Catalog) -> None:
    data = dict(DATA)
    data[("KZ", 2016)] = (70.0, 12.0, 10.0, 0.0)  # income 0 in the base year
    with pytest.warns(DataWarning, match=r"base-year \(2016\) value is 0 for 'income'"):
        res = progress_index(
            Panel.from_frame(_frame(data)), catalog, country="KZ", reference="OECD", year=2020
        )
    t = _ind(res, 2020)
    assert math.isnan(t.loc["income", "ratio_base"])
    # NPI_base from the other three: (105 + 133.33 + 200)/3
    assert res.npi_base == pytest.approx((105 + 1200 / 9 + 200) / 3, rel=1e-12)
    assert res.scores.loc[2020, "coverage_base"] == pytest.approx(0.75)
    assert res.npi_reference == pytest.approx((73.5 / 80 + 4 / 9 + 1.9 + 1.5) / 4 * 100)


def test_geometric_aggregation(panel: Panel, catalog: Catalog) -> None:
    res = progress_index(
        panel, catalog, country="KZ", reference="OECD", year=2020, aggregation="geometric"
    )
    r = [91.875, 400 / 9, 190.0, 150.0]
    b = [105.0, 400 / 3, 200.0, 120.0]
    assert res.npi_reference == pytest.approx(
        math.exp(sum(map(math.log, r)) / 4), rel=1e-12
    )  # 104.3
    assert res.npi_base == pytest.approx(math.exp(sum(map(math.log, b)) / 4), rel=1e-12)
    assert res.method.aggregation == "geometric"


def test_weights_and_tree_levels() -> None:
    # two spheres with unequal weights: NPI = (2·mean(life, mort) + 1·mean(servers, income))/3
    cat = Catalog.from_frame(pd.DataFrame({
        "code": ["NPI", "H", "D", "life", "mort", "servers", "income"],
        "parent": ["", "NPI", "NPI", "H", "H", "D", "D"],
        "weight": [1, 2, 1, 1, 1, 1, 1],
        "direction": [None, None, None, 1, -1, 1, 1]}))  # fmt: skip
    res = progress_index(
        Panel.from_frame(_frame()), cat, country="KZ", reference="OECD", year=2020
    )
    h, d = (91.875 + 400 / 9) / 2, (190 + 150) / 2
    assert res.nodes_reference.loc[2020, "H"] == pytest.approx(h)
    assert res.npi_reference == pytest.approx((2 * h + d) / 3)


def test_inputs_not_modified(catalog: Catalog) -> None:
    frame = _frame()
    frame0 = frame.copy(deep=True)
    p = Panel.from_frame(frame)
    vals, cat0 = p.values.copy(), catalog.frame.copy()
    progress_index(
        p, catalog, country="KZ", reference=["M1", "M2", "M3"], reference_weights="POP", year=2020
    )
    pd.testing.assert_frame_equal(frame, frame0)
    np.testing.assert_array_equal(p.values, vals)
    pd.testing.assert_frame_equal(catalog.frame, cat0)


def test_errors(panel: Panel, catalog: Catalog) -> None:
    kw = {"reference": "OECD", "year": 2020}
    with pytest.raises(PanelError, match="'XX'"):
        progress_index(panel, catalog, country="XX", **kw)  # type: ignore[arg-type]
    with pytest.raises(PanelError, match="'M9'"):
        progress_index(panel, catalog, country="KZ", reference=["M1", "M9"], year=2020)
    with pytest.raises(
        PanelError, match=r"base year 2005 is outside the panel's years \(2016–2020\)"
    ):
        progress_index(panel, catalog, country="KZ", base_year=2005, **kw)  # type: ignore[arg-type]
    for bad in [(2.0, 1.0), (-1.0, 2.0), (0.0, math.inf), (1.0, 1.0)]:
        with pytest.raises(MethodError, match="cap must be"):
            progress_index(panel, catalog, country="KZ", cap=bad, **kw)  # type: ignore[arg-type]
    with pytest.raises(MethodError, match="reference_weights needs a list"):
        progress_index(panel, catalog, country="KZ", reference_weights="POP", **kw)  # type: ignore[arg-type]
    with pytest.raises(PanelError, match="weighting indicator 'GDP'"):
        progress_index(
            panel,
            catalog,
            country="KZ",
            reference=["M1", "M2"],
            reference_weights="GDP",
            year=2020,
        )
    with pytest.raises(PanelError, match="no NPI data in the assessment year 2019"):
        progress_index(panel, catalog, country="KZ", reference="OECD", year=2019)
    with pytest.raises(MethodError, match="root 'X' is not a root"):
        progress_index(panel, catalog, country="KZ", root="X", **kw)  # type: ignore[arg-type]
    with pytest.raises(MethodError, match="unknown aggregation method 'bogus'"):
        progress_index(panel, catalog, country="KZ", aggregation="bogus", **kw)  # type: ignore[arg-type]
    with pytest.raises(MethodError, match="coverage must be within"):
        progress_index(panel, catalog, country="KZ", coverage=2.0, **kw)  # type: ignore[arg-type]
    with pytest.raises(PanelError, match="expected a Panel"):
        progress_index(_frame(), catalog, country="KZ", **kw)  # type: ignore[arg-type]


def test_indicator_without_data_warns(panel: Panel) -> None:
    cat = Catalog.from_frame(
        pd.DataFrame({"code": ["NPI", "life", "ghost"], "parent": ["", "NPI", "NPI"]})
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DataWarning, match="'ghost'"):
            progress_index(panel, cat, country="KZ", reference="OECD", year=2020)


# ------------------------------------------------------------------ entities table
def _entities(**kinds: str) -> Entities:
    codes = ["KZ", "OECD", "M1", "M2", "M3"]
    return Entities.from_frame(pd.DataFrame({
        "code": codes, "kind": [kinds.get(c, "country") for c in codes],
        "name_en": ["Kazakhstan", "OECD members", "Member 1", "Member 2", "Member 3"]}))  # fmt: skip


def test_entity_table_names_the_result_and_changes_no_number(
    panel: Panel, catalog: Catalog
) -> None:
    table = _entities(OECD="aggregate")
    plain = progress_index(panel, catalog, country="KZ", reference="OECD", year=2020)
    named = progress_index(
        panel, catalog, country="KZ", reference="OECD", year=2020, entity_table=table
    )
    pd.testing.assert_frame_equal(named.scores, plain.scores)
    pd.testing.assert_frame_equal(named.indicators, plain.indicators)
    assert named.fingerprints["entities"] == table.fingerprint
    assert named.options == {"entity_table": table} and plain.options == {}
    assert "Kazakhstan (KZ) in 2020: NPI vs reference (OECD members (OECD))" in repr(named)
    again = named.regenerate(base_year=2018)
    assert again.options["entity_table"] is table and again.method.base_year == 2018


def test_an_aggregate_is_only_ever_the_reference(panel: Panel, catalog: Catalog) -> None:
    kw = {"year": 2020, "entity_table": _entities(OECD="aggregate", M3="total")}
    with pytest.raises(MethodError, match=r"country 'OECD' is a reference row \(aggregate\)"):
        progress_index(panel, catalog, country="OECD", reference="KZ", **kw)
    with pytest.raises(MethodError, match=r"reference member\(s\) 'M3' are aggregates or totals"):
        progress_index(panel, catalog, country="KZ", reference=["M1", "M2", "M3"], **kw)
    with pytest.raises(MethodError, match="entity_table must be an Entities table"):
        progress_index(panel, catalog, country="KZ", reference="OECD", year=2020,
                       entity_table=pd.DataFrame())  # type: ignore[arg-type]  # fmt: skip
    partial = Entities.from_frame(pd.DataFrame({"code": ["OECD"], "kind": ["aggregate"]}))
    with pytest.warns(DataWarning, match=r"'KZ' of the panel are not in the entities table"):
        progress_index(panel, catalog, country="KZ", reference="OECD", year=2020,
                       entity_table=partial)  # fmt: skip
