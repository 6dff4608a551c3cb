"""Tests of govindex.methods (the method objects) and of the start-up step shared by the
indices (govindex.indices.inputs).

Expected values come from outside the code under test: the parameter dictionaries are
written out by hand as they were stored in results before the method objects existed
(the Parquet metadata of the demo must not change), the numbers from hand calculations
and a loop over entities and indicators.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from govindex import (
    Catalog,
    CoverageWarning,
    DataWarning,
    GPIMethod,
    IndexMethod,
    MethodError,
    NPIMethod,
    Panel,
    PanelError,
    compute_index,
    performance_index,
    progress_index,
)
from govindex.indices.inputs import index_inputs
from govindex.methods import DEFAULT_COVERAGE, Method

TWO_THIRDS = 2 / 3


def _panel() -> Panel:
    """Two regions and the reference OECD, two indicators, 2016–2022 (hand-made)."""
    rows = []
    for entity, inc, unemp in (("A", 100.0, 8.0), ("B", 120.0, 6.0), ("OECD", 110.0, 7.0)):
        for k, year in enumerate(range(2016, 2023)):
            rows.append((entity, "inc", year, inc * 1.02**k))
            rows.append((entity, "unemp", year, unemp - 0.1 * k))
    return Panel.from_frame(pd.DataFrame(rows, columns=["entity", "indicator", "year", "value"]))


CATALOG = Catalog.from_frame(
    pd.DataFrame(
        {
            "code": ["I", "inc", "unemp"],
            "parent": ["", "I", "I"],
            "direction": [None, 1, -1],
            "change": ["", "relative", "absolute"],
        }
    )
)
NPI = {"country": "A", "reference": "OECD"}


# --------------------------------------------------------------------------- to_dict is unchanged


def test_default_method_dicts_are_what_results_stored_before() -> None:
    # written out by hand: the dicts the results stored in their Parquet metadata
    assert GPIMethod().to_dict() == {
        "window": 3,
        "change": "relative",
        "alpha": 0.05,
        "survey_scale": 100.0,
        "significance": True,
        "aggregation": "arithmetic",
        "coverage": TWO_THIRDS,
        "override_change": None,
    }
    assert list(GPIMethod().to_dict()) == [
        "window", "change", "alpha", "survey_scale", "significance", "aggregation",
        "coverage", "override_change",
    ]  # fmt: skip
    assert NPIMethod(country="KZ", reference=["DE", "FR"], root="NPI").to_dict() == {
        "country": "KZ",
        "reference": ("DE", "FR"),
        "reference_weights": None,
        "base_year": 2016,
        "root": "NPI",
        "cap": (0.0, 2.0),
        "aggregation": "arithmetic",
        "coverage": TWO_THIRDS,
    }
    assert IndexMethod().to_dict() == {
        "normalization": "minmax",
        "normalization_params": {},
        "aggregation": "arithmetic",
        "coverage": TWO_THIRDS,
    }
    with_imp = GPIMethod(imputation={"method": "locf", "max_gap": 2}).to_dict()
    assert with_imp["imputation"] == {"method": "locf", "max_gap": 2}


def test_one_default_coverage() -> None:
    assert DEFAULT_COVERAGE == TWO_THIRDS
    assert IndexMethod().coverage == GPIMethod().coverage == NPIMethod(**NPI).coverage
    for cls, extra in ((IndexMethod, {}), (GPIMethod, {}), (NPIMethod, NPI)):
        with pytest.raises(MethodError, match=r"coverage must be within \[0, 1\]; got 1.5"):
            cls.build(**extra, coverage=1.5)  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- build / replace


@pytest.mark.parametrize(
    "method",
    [
        IndexMethod(),
        IndexMethod(normalization="zscore", treatment={}),
        GPIMethod(),
        GPIMethod(window=2, change="slope", imputation={"method": "linear"}),
        NPIMethod(country="KZ", reference="OED"),
        NPIMethod(country="KZ", reference=("DE", "FR"), reference_weights="pop", cap=(0, 3)),
    ],
)
def test_build_replace_and_dict_round_trip(method: Method) -> None:
    cls = type(method)
    assert cls.build(method) is method
    assert cls.build(method, **{}) == method
    assert cls.from_dict(method.to_dict()) == method
    assert method.replace() == method
    assert cls.build(None, **method.to_dict()) == method


def test_build_overrides_and_replace_validate() -> None:
    m = GPIMethod(change="slope")
    assert GPIMethod.build(m, window=4) == GPIMethod(window=4, change="slope")
    assert m.change == "slope" and m.window == 3  # the original is unchanged
    with pytest.raises(MethodError, match="window must be an integer of at least 2 years"):
        m.replace(window=1)
    with pytest.raises(MethodError, match=r"method must be a GPIMethod .*got NPIMethod"):
        GPIMethod.build(NPIMethod(**NPI))  # type: ignore[arg-type]
    with pytest.raises(MethodError, match=r"NPIMethod needs the parameter\(s\) 'country'"):
        NPIMethod.build(reference="OECD")
    assert NPIMethod.build(country="A", reference=["M1", "M2"]).reference == ("M1", "M2")


@pytest.mark.parametrize(
    ("cls", "extra", "given", "closest"),
    [
        (GPIMethod, {}, "chnage", "change"),
        (GPIMethod, {}, "windw", "window"),
        (IndexMethod, {}, "normalisation", "normalization"),
        (NPIMethod, NPI, "base_yaer", "base_year"),
    ],
)
def test_unknown_parameter_names_the_closest(
    cls: type[Method], extra: dict[str, str], given: str, closest: str
) -> None:
    pattern = rf"unknown parameter '{given}'; did you mean '{closest}'\? \({cls.__name__}"
    with pytest.raises(MethodError, match=pattern):
        cls.build(**extra, **{given: 1})
    with pytest.raises(MethodError, match=pattern):
        cls.build(cls.build(**extra)).replace(**{given: 1})


def test_unknown_parameter_without_a_close_one_lists_the_parameters() -> None:
    with pytest.raises(MethodError, match=r"unknown parameter 'zzz' \(GPIMethod parameters: "):
        GPIMethod.build(zzz=1)


def test_bad_value_types_are_method_errors_not_type_errors() -> None:
    with pytest.raises(MethodError, match="NPIMethod: bad parameter value"):
        NPIMethod(country="A", reference="B", cap=5)  # type: ignore[arg-type]
    with pytest.raises(MethodError, match=r"cap must be \(lower, upper\)"):
        NPIMethod(country="A", reference="B", cap=(0, 1, 2))  # type: ignore[arg-type]
    with pytest.raises(MethodError, match="window must be an integer of at least 2 years"):
        GPIMethod(window=None)  # type: ignore[arg-type]
    with pytest.raises(MethodError, match=r"base_year must be an integer; got 'soon' \(str"):
        NPIMethod(country="A", reference="B", base_year="soon")  # type: ignore[arg-type]


def test_non_defaults() -> None:
    assert GPIMethod(window=3, alpha=0.1).non_defaults() == {"alpha": 0.1}
    assert NPIMethod(country="A", reference="B", base_year=2016).non_defaults() == {
        "country": "A",
        "reference": "B",
    }
    assert IndexMethod(normalization_params={"low": 1}).non_defaults() == {
        "normalization_params": {"low": 1}
    }


# --------------------------------------------------------------------------- the index functions


def test_every_index_takes_a_method_or_keywords() -> None:
    panel = _panel()
    by_kw = performance_index(panel, CATALOG, year=2022, change="slope", window=2)
    by_obj = performance_index(panel, CATALOG, GPIMethod(change="slope", window=2), year=2022)
    mixed = performance_index(panel, CATALOG, GPIMethod(change="slope"), year=2022, window=2)
    assert by_kw.method == by_obj.method == mixed.method == GPIMethod(change="slope", window=2)
    pd.testing.assert_frame_equal(by_kw.scores, by_obj.scores)
    pd.testing.assert_frame_equal(by_kw.changes, mixed.changes)

    a = compute_index(panel, CATALOG, year=2022, normalization="rank", coverage=1)
    b = compute_index(panel, CATALOG, IndexMethod(normalization="rank", coverage=1.0), year=2022)
    assert a.method == b.method
    pd.testing.assert_frame_equal(a.scores, b.scores)

    c = progress_index(panel, CATALOG, year=2022, **NPI, base_year=2018)
    d = progress_index(panel, CATALOG, NPIMethod(**NPI, base_year=2018), year=2022)
    assert c.method == d.method and c.method.root == "I"  # the root the catalog implies
    pd.testing.assert_frame_equal(c.scores, d.scores)
    # hand calculation: inc of A grows 2 % a year, so 2022 vs 2018 = 1.02^4; unemp falls
    # 0.1 a year from 8.0 (2016): 7.8 in 2018, 7.4 in 2022, direction −1: 7.8 / 7.4
    assert d.npi_base == pytest.approx(100 * (1.02**4 + 7.8 / 7.4) / 2, rel=1e-12)


@pytest.mark.parametrize(
    ("call", "given", "closest"),
    [
        (lambda p: performance_index(p, CATALOG, year=2022, chnage="slope"), "chnage", "change"),
        (lambda p: performance_index(p, CATALOG, year=2022, entites=["A"]), "entites", "entities"),
        (lambda p: performance_index(p, CATALOG, year=2022, root=["I"]), "root", "roots"),
        (lambda p: compute_index(p, CATALOG, year=2022, normalisation="rank"), "normalisation",
         "normalization"),
        (lambda p: compute_index(p, CATALOG, year=2022, entity=["A"]), "entity", "entities"),
        (lambda p: progress_index(p, CATALOG, year=2022, **NPI, bse_year=2018), "bse_year",
         "base_year"),
        (lambda p: progress_index(p, CATALOG, year=2022, yaer=2021, **NPI), "yaer", "year"),
    ],
)  # fmt: skip
def test_misspelt_keyword_of_an_index_is_a_method_error(
    call: object, given: str, closest: str
) -> None:
    with pytest.raises(
        MethodError, match=rf"unknown parameter '{given}'; did you mean '{closest}'"
    ):
        call(_panel())  # type: ignore[operator]


def test_progress_index_without_country_names_it() -> None:
    with pytest.raises(MethodError, match=r"needs the parameter\(s\) 'country'"):
        progress_index(_panel(), CATALOG, year=2022, reference="OECD")


def test_warnings_point_at_the_caller() -> None:
    panel = _panel()
    # an indicator without data: 2 of 3 scored, below coverage 1 (CoverageWarning of the GPI,
    # DataWarning of the NPI), and a base-year value of 0 (DataWarning of the NPI)
    wider = Catalog.from_frame(
        pd.concat([CATALOG.frame, pd.DataFrame({"code": ["gdp"], "parent": ["I"]})])
    )
    extra = pd.DataFrame(
        [("A", "inc", 2015, 0.0)], columns=["entity", "indicator", "year", "value"]
    )
    zero = Panel.from_frame(pd.concat([panel.to_frame(), extra]))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        performance_index(panel, wider, year=2022, coverage=1.0, entities=["A"])
        progress_index(zero, wider, year=2022, **NPI, base_year=2015)
    messages = " | ".join(str(w.message) for w in caught)
    assert {w.category for w in caught} == {CoverageWarning, DataWarning}
    assert "without any data" in messages and "base-year (2015) value is 0" in messages
    assert all(w.filename == __file__ for w in caught), [(w.filename, w.message) for w in caught]


# --------------------------------------------------------------------------- the shared start-up


def test_index_inputs_gathers_the_leaves_like_a_loop() -> None:
    panel = _panel()
    catalog = Catalog.from_frame(
        pd.DataFrame({"code": ["I", "unemp", "gdp", "inc"], "parent": ["", "I", "I", "I"]})
    )
    inputs = index_inputs(panel, catalog, year=int(panel.years[0]), strict=False)
    assert inputs.leaves == ["unemp", "gdp", "inc"] and inputs.missing == ["gdp"]
    got = inputs.gather(panel.values)
    for e, entity in enumerate(panel.entities):
        for i, leaf in enumerate(inputs.leaves):
            for y, year in enumerate(panel.years):
                if leaf == "gdp":
                    assert np.isnan(got[e, i, y])
                else:
                    want = panel.cross_section(int(year)).loc[entity, leaf]
                    assert got[e, i, y] == want
    np.testing.assert_array_equal(inputs.gather(panel.values[:, :, 2]), got[:, :, 2])
    np.testing.assert_array_equal(
        inputs.gather(panel.values, columns=np.array([2, 0])), got[:, [2, 0], :]
    )
    assert inputs.rows(["OECD", "A"]).tolist() == [2, 0]
    with pytest.raises(PanelError, match=r"entit\(y/ies\) 'Z' not in the panel"):
        inputs.rows(["A", "Z"])


def test_index_inputs_checks_and_selects() -> None:
    panel = _panel()
    year = int(panel.years[-1])
    inputs = index_inputs(panel, CATALOG, year=year, entities=["B", "A"])
    assert list(inputs.entities) == ["A", "B"]
    assert inputs.panel.fingerprint == panel.select(entities=["A", "B"]).fingerprint
    small = Catalog.from_frame(pd.DataFrame({"code": ["I", "inc"], "parent": ["", "I"]}))
    with pytest.raises(PanelError, match="'unemp' are not indicators of the catalog"):
        index_inputs(panel, small, year=year)
    assert index_inputs(panel, small, year=year, strict=False).leaves == ["inc"]


@pytest.mark.parametrize(
    "call",
    [
        lambda p: compute_index(p, CATALOG, year=2022),
        lambda p: performance_index(p, CATALOG, year=2022),
        lambda p: progress_index(p, CATALOG, year=2022, **NPI),
    ],
)
def test_the_three_indices_share_the_start_up_checks(call: object) -> None:
    frame = _panel().to_frame()
    with pytest.raises(PanelError, match=r"^expected a Panel \(see Panel.from_frame\), got "):
        call(frame)  # type: ignore[operator]
