"""The statistics across entities of a GPI (indices/gpi_statistics.py): the invariants that a
run split into chunks of entities relies on.

* ``performance_index(panel, statistics=whole_statistics(panel))`` is
  ``performance_index(panel)``, bit for bit;
* a chunk of the entities given the statistics of all of them gets, bit for bit, the rows
  that the whole assessment gives it, except the ranks (computed over every entity);
* without them, the chunk gets other caps (the check can fail).
"""

from __future__ import annotations

import warnings
from typing import Any

import pandas as pd
import pytest

from govindex import Catalog, Panel, performance_index
from govindex.datasets import load_demo
from govindex.indices.gpi import GPIMethod, PerformanceResult
from govindex.indices.gpi_statistics import whole_statistics

YEAR = 2025


@pytest.fixture(scope="module")
def demo() -> tuple[Panel, Catalog]:
    return load_demo("leb")  # SYNTHETIC demo data


def _gpi(panel: Panel, catalog: Catalog, **kw: Any) -> PerformanceResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return performance_index(panel, catalog, year=YEAR, **kw)


@pytest.mark.parametrize("change", [None, "absolute"])
def test_whole_statistics_give_the_assessment_bit_for_bit(
    demo: tuple[Panel, Catalog], change: str | None
) -> None:
    panel, catalog = demo
    method = GPIMethod(override_change=change)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stats = whole_statistics(panel, catalog, method, year=YEAR)
    plain = _gpi(panel, catalog, method=method)
    given = _gpi(panel, catalog, method=method, statistics=stats)
    pd.testing.assert_frame_equal(plain.scores, given.scores, check_exact=True)
    pd.testing.assert_frame_equal(plain.changes, given.changes, check_exact=True)


def test_a_chunk_with_the_statistics_of_all_gets_its_rows(demo: tuple[Panel, Catalog]) -> None:
    panel, catalog = demo
    method = GPIMethod(override_change="absolute")  # every cap a median across entities
    whole = _gpi(panel, catalog, method=method)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stats = whole_statistics(panel, catalog, method, year=YEAR)
    chunk = list(panel.entities[:7])
    part = _gpi(panel.select(entities=chunk), catalog, method=method, statistics=stats)
    pd.testing.assert_frame_equal(
        part.scores.drop(columns="rank"),
        whole.scores.loc[chunk].drop(columns="rank"),
        check_exact=True,
    )
    rows = whole.changes[whole.changes["entity"].isin(chunk)].reset_index(drop=True)
    pd.testing.assert_frame_equal(part.changes.reset_index(drop=True), rows, check_exact=True)
    alone = _gpi(panel.select(entities=chunk), catalog, method=method)
    assert not alone.changes["cap"].equals(rows["cap"])  # the check can fail
