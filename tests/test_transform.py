"""The one catalog transform (log of values and goalposts) and reference resolution."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from govindex import Catalog, Panel, compute_index, normalize
from govindex.exceptions import DataWarning, MethodError
from govindex.normalize import goalposts
from govindex.transform import transform_indicators

NAN = np.nan


def test_log_of_values_and_goalposts_by_hand() -> None:
    x = np.array([[100.0, 5.0], [NAN, 7.0]])
    out = transform_indicators(x, [True, False], lower=[10.0, 1.0], upper=[1000.0, 9.0])
    assert_allclose(out.values, [[np.log(100.0), 5.0], [NAN, 7.0]])
    assert_allclose(out.lower, [np.log(10.0), 1.0])  # only the log column's posts change
    assert_allclose(out.upper, [np.log(1000.0), 9.0])
    assert out.reference is None
    assert x[0, 0] == 100.0  # the caller's array is not touched


def test_non_positive_values_warn_with_cells_and_become_nan() -> None:
    x = np.array([[0.0, 1.0], [-2.0, 3.0], [5.0, 4.0]])
    with pytest.warns(DataWarning, match=r"2 non-positive value\(s\) .* NaN: A/gdp, B/gdp"):
        out = transform_indicators(x, [True, False], entities=["A", "B", "C"], labels=["gdp", "x"])
    assert_allclose(out.values[:, 0], [NAN, NAN, np.log(5.0)])
    assert_allclose(out.values[:, 1], [1.0, 3.0, 4.0])


def test_non_positive_goalposts_of_log_columns_are_errors() -> None:
    with pytest.raises(MethodError, match=r"indicator\(s\) 'gdp' need a positive 'lower'"):
        transform_indicators(np.ones((1, 1)), True, lower=0.0, upper=10.0, labels=["gdp"])
    # a column without the log transform may have any posts
    out = transform_indicators(np.ones((1, 1)), False, lower=-5.0, upper=10.0)
    assert_allclose(out.lower, [-5.0])


def test_references_entity_number_target_and_per_indicator() -> None:
    x = np.array([[1.0, 10.0], [4.0, 100.0]])
    ent = ["A", "OECD"]
    assert_allclose(transform_indicators(x, reference="OECD", entities=ent).reference, [4, 100])
    # an entity reference is a row of the *transformed* values
    logged = transform_indicators(x, [False, True], reference="OECD", entities=ent)
    assert_allclose(logged.reference, [4.0, np.log(100.0)])
    assert_allclose(transform_indicators(x, reference=2.5).reference, [2.5, 2.5])
    assert_allclose(transform_indicators(x, reference=[1, 2]).reference, [1.0, 2.0])
    out = transform_indicators(x, reference="target", targets=[3.0, NAN])
    assert_allclose(out.reference, [3.0, NAN])
    with pytest.raises(MethodError, match="reference entity 'EU' is not in the panel"):
        transform_indicators(x, reference="EU", entities=ent)
    with pytest.raises(MethodError, match="one value per indicator"):
        transform_indicators(x, reference=[1.0, 2.0, 3.0])


def test_the_three_callers_give_the_same_numbers_and_warning() -> None:
    # compute_index (catalog transform), normalize() and the goalposts kernel (log=True)
    values = [0.0, 1000.0, 10000.0]
    panel = Panel.from_frame(
        pd.DataFrame(
            {"entity": ["A", "B", "C"], "indicator": "inc", "year": 2024, "value": values}
        )
    )
    nodes = [("R", "", "", NAN, NAN), ("inc", "R", "log", 100.0, 100000.0)]
    cat = Catalog.from_frame(
        pd.DataFrame(nodes, columns=["code", "parent", "transform", "lower", "upper"])
    )
    # ln(1000/100)/ln(100000/100) = 1/3, ln(10000/100)/ln(1000) = 2/3; 0 -> NaN
    expected = [NAN, 100 / 3, 200 / 3]
    with pytest.warns(DataWarning, match=r"1 non-positive value\(s\) .*A/inc"):
        res = compute_index(panel, cat, year=2024, normalization="goalposts")
    assert_allclose(res.normalized["inc"], expected)
    frame = pd.DataFrame({"inc": values}, index=pd.Index(["A", "B", "C"], name="entity"))
    with pytest.warns(DataWarning, match=r"1 non-positive value\(s\) .*0/inc"):  # row 0
        via_normalize = normalize(frame, "goalposts", lower=100, upper=100000, log=True)
    assert_allclose(via_normalize["inc"], expected)
    with pytest.warns(DataWarning, match=r"1 non-positive value\(s\)"):
        kernel = goalposts(np.array([values]).T, [1], lower=100, upper=100000, log=True)
    assert_allclose(kernel[:, 0], expected)
