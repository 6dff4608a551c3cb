"""Tests of the GPI / NPI charts (govindex.plotting.performance).

Every chart is checked against the result's own tables (never against the chart
itself) and, on tiny hand-made inputs, against classes, scores and ratios worked
out by hand in the comments.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgba

from govindex import (
    Catalog,
    MethodError,
    Panel,
    PerformanceResult,
    ProgressResult,
    performance_index,
    progress_index,
)
from govindex.datasets import load_demo
from govindex.plotting import (
    CLASS_COLORS,
    plot_changes,
    plot_gpi_ranking,
    plot_npi,
    plot_npi_trend,
    plot_risk_heatmap,
)

NOTE = "SYNTHETIC demo data"


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


# --------------------------------------------------------------------------- inputs

# Window 2022–2025, rule "relative" (default cap 5 %/yr, tolerance 1 %/yr), direction +1:
#   100 → 120: g = 1.2^(1/3) − 1 = +6.27 %/yr > 1 %  → improved,     score = 100 (g ≥ cap)
#   100 → 100: g = 0                                 → stable,       score = 50
#   100 →  90: g = 0.9^(1/3) − 1 = −3.451 %/yr < −1 % → deteriorated,
#              score = 50 + 50·(−3.451/5) = 15.49
#   NaN → NaN: no change                              → missing (no class, no score)
UP, FLAT, DOWN, GAP = (100.0, 120.0), (100.0, 100.0), (100.0, 90.0), (math.nan, math.nan)
DOWN_DEV = 1000.0 * (0.9 ** (1 / 3) - 1.0)  # score − 50 = 50·g/0.05 = −34.51
TOY = {  # entity -> indicator -> (2022, 2025)
    "A": {"w": GAP, "x": UP, "y": DOWN, "z": DOWN},  # 2 of 3 scored deteriorated = 0.667
    "B": {"w": FLAT, "x": UP, "y": FLAT, "z": DOWN},  # 1 of 4 = 0.25
    "C": {"w": UP, "x": DOWN, "y": DOWN, "z": DOWN},  # 3 of 4 = 0.75
}
TOY_CLASS = {
    "A": {"w": None, "x": "improved", "y": "deteriorated", "z": "deteriorated"},
    "B": {"w": "stable", "x": "improved", "y": "stable", "z": "deteriorated"},
    "C": {"w": "improved", "x": "deteriorated", "y": "deteriorated", "z": "deteriorated"},
}


def _panel(data: dict[str, dict[str, tuple[float, float]]]) -> Panel:
    rows = [
        (e, i, yr, v)
        for e, per in data.items()
        for i, pair in per.items()
        for yr, v in zip((2022, 2025), pair, strict=True)
    ]
    return Panel.from_frame(pd.DataFrame(rows, columns=["entity", "indicator", "year", "value"]))


@pytest.fixture(scope="module")
def toy() -> PerformanceResult:
    cat = Catalog.from_frame(
        pd.DataFrame(
            {
                "code": ["G", "w", "x", "y", "z"],
                "parent": ["", "G", "G", "G", "G"],
                "name": ["GPI", "Water", "Exports", "Yield", "Zinc"],
                "sphere": ["", "env", "econ", "econ", "env"],
            }
        )
    )
    return performance_index(_panel(TOY), cat, year=2025)


@pytest.fixture(scope="module")
def toy_central() -> PerformanceResult:
    """Two bodies with their own indicators (P: p1, p2; Q: q1) and a body without data (R)."""
    cat = Catalog.from_frame(
        pd.DataFrame(
            {
                "code": ["GP", "p1", "p2", "GQ", "q1", "GR", "r1"],
                "parent": ["", "GP", "GP", "", "GQ", "", "GR"],
                "owner": ["P", "P", "P", "Q", "Q", "R", "R"],
                "sphere": ["", "econ", "health", "", "econ", "", "health"],
            }
        )
    )
    data = {"P": {"p1": DOWN, "p2": UP}, "Q": {"q1": FLAT}, "R": {"r1": GAP}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # R is below the coverage threshold (CoverageWarning)
        return performance_index(_panel(data), cat, year=2025)


@pytest.fixture(scope="module")
def toy_npi() -> ProgressResult:
    # 2024 vs OECD and vs 2016 (direction −1 inverts the ratio), caps [0, 2]:
    #   life (+1): 75/81 = 92.59 ; 75/72 = 104.17
    #   mort (−1): (8/4)^−1 = 50  ; (8/10)^−1 = 125
    #   serv (+1): 19/10 = 190    ; 19/1 = 1900 → capped at 200
    frame = pd.DataFrame(
        {
            "entity": ["KZ", "KZ", "OECD", "OECD"] * 3,
            "indicator": ["life"] * 4 + ["mort"] * 4 + ["serv"] * 4,
            "year": [2016, 2024] * 6,
            "value": [72.0, 75.0, 80.0, 81.0, 10.0, 8.0, 5.0, 4.0, 1.0, 19.0, 8.0, 10.0],
        }
    )
    cat = Catalog.from_frame(
        pd.DataFrame(
            {
                "code": ["NPI", "life", "mort", "serv"],
                "parent": ["", "NPI", "NPI", "NPI"],
                "direction": [None, 1, -1, 1],
            }
        )
    )
    return progress_index(Panel.from_frame(frame), cat, country="KZ", reference="OECD", year=2024)


@pytest.fixture(scope="module")
def demo() -> dict[str, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # MIND below coverage; NPI_EGOV base value 0
        leb = performance_index(*load_demo("leb"), year=2025)
        cgb = performance_index(*load_demo("cgb"), year=2025)
        npi = progress_index(*load_demo("npi"), country="DMO", reference="OECD", year=2025)
    return {"leb": leb, "cgb": cgb, "npi": npi}


# --------------------------------------------------------------------------- helpers


def _image(ax: Any, gid: str) -> Any:
    (im,) = [im for im in ax.images if im.get_gid() == gid]
    return im


def _cell_rgba(im: Any, r: int, c: int) -> tuple[float, ...]:
    return tuple(im.cmap(im.norm(im.get_array()[r, c])))


def _ticks(labels: Any) -> list[str]:
    return [t.get_text() for t in labels]


def _class_of(result: PerformanceResult, entity: str, indicator: str) -> str:
    ch = result.changes
    row = ch.loc[(ch["entity"] == entity) & (ch["indicator"] == indicator), "class"]
    if not len(row):
        return "not applicable"
    return "missing" if pd.isna(row.iloc[0]) else str(row.iloc[0])


def _line(ax: Any, gid: str) -> Any:
    (line,) = [ln for ln in ax.lines if ln.get_gid() == gid]
    return line


# --------------------------------------------------------------------------- heat map


def test_heatmap_cells_order_and_colours_on_toy(toy: PerformanceResult) -> None:
    ax = plot_risk_heatmap(toy, labels="code")
    im = _image(ax, "classes")
    assert im.get_array().shape == (3, 4)
    rows, cols = _ticks(ax.get_yticklabels()), _ticks(ax.get_xticklabels())
    # rows by share deteriorated: C 0.75 > A 0.667 > B 0.25
    assert rows == ["C", "A", "B"]
    # columns by entities deteriorated: z 3, y 2, x 1, w 0
    assert cols == ["z", "y", "x", "w"]
    for r, e in enumerate(rows):
        for c, i in enumerate(cols):
            expected = TOY_CLASS[e][i] or "missing"
            assert _class_of(toy, e, i) == expected  # the result agrees with the hand classes
            assert _cell_rgba(im, r, c) == to_rgba(CLASS_COLORS[expected]), (e, i)
    # the one missing cell (A, w) is hatched
    (hatched,) = [c for c in ax.collections if c.get_gid() == "missing"]
    # np.ma.count: matplotlib 3.9 returns only the unmasked values of a pcolor (deprecated), newer
    # ones the full masked array; both count one cell
    assert hatched.get_hatch() and np.ma.count(hatched.get_array()) == 1
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "improved", "stable", "deteriorated", "missing",
    ]  # fmt: skip


def test_heatmap_subset_max_and_unsorted(toy: PerformanceResult) -> None:
    ax = plot_risk_heatmap(toy, entities=["B", "A"], max_indicators=2, sort=False, labels="code")
    assert _ticks(ax.get_yticklabels()) == ["B", "A"]
    assert _ticks(ax.get_xticklabels()) == ["w", "x"]  # catalog order, first two
    ax = plot_risk_heatmap(toy, indicators=["x", "y"], labels="name")
    assert _image(ax, "classes").get_array().shape == (3, 2)
    # y (2 deteriorated: A, C) before x (1: C); labels are the catalog names
    assert _ticks(ax.get_xticklabels()) == ["Yield", "Exports"]


def test_heatmap_sparse_central_bodies(toy_central: PerformanceResult) -> None:
    ax = plot_risk_heatmap(toy_central, labels="code")
    im = _image(ax, "classes")
    rows, cols = _ticks(ax.get_yticklabels()), _ticks(ax.get_xticklabels())
    assert im.get_array().shape == (3, 4)
    # P: 1 of 2 deteriorated (0.5), Q: 0 of 1, R: nothing scored (NaN, last)
    assert rows == ["P", "Q", "R"]
    # staircase: P's indicators (p1 deteriorated first), then Q's, then R's
    assert cols == ["p1", "p2", "q1", "r1"]
    for r, e in enumerate(rows):
        for c, i in enumerate(cols):
            assert _cell_rgba(im, r, c) == to_rgba(CLASS_COLORS[_class_of(toy_central, e, i)])
    assert _class_of(toy_central, "P", "q1") == "not applicable"


def test_heatmap_by_sphere(toy: PerformanceResult, toy_central: PerformanceResult) -> None:
    ax = plot_risk_heatmap(toy, by="sphere")
    im = _image(ax, "share")
    rows, cols = _ticks(ax.get_yticklabels()), _ticks(ax.get_xticklabels())
    assert rows == ["C", "A", "B"]
    # share deteriorated among scored indicators, by hand:
    #   econ (x, y): A 1/2, B 0/2, C 2/2 → mean 0.5 ; env (w, z): A 1/1, B 1/2, C 1/2 → mean 0.667
    expected = {("A", "econ"): 0.5, ("B", "econ"): 0.0, ("C", "econ"): 1.0,
                ("A", "env"): 1.0, ("B", "env"): 0.5, ("C", "env"): 0.5}  # fmt: skip
    assert cols == ["env", "econ"]
    arr = im.get_array()
    for (e, s), v in expected.items():
        assert arr[rows.index(e), cols.index(s)] == pytest.approx(v)
    # labels "deteriorated/scored": C econ = 2/2
    assert "2/2" in [t.get_text() for t in ax.texts]
    ax = plot_risk_heatmap(toy_central, by="sphere")
    arr = _image(ax, "share").get_array()
    rows, cols = _ticks(ax.get_yticklabels()), _ticks(ax.get_xticklabels())
    # P econ 1/1, P health 0/1, Q econ 0/1; Q health and every R cell: nothing scored (masked)
    assert arr[rows.index("P"), cols.index("econ")] == pytest.approx(1.0)
    assert arr[rows.index("P"), cols.index("health")] == pytest.approx(0.0)
    assert np.ma.is_masked(arr[rows.index("Q"), cols.index("health")])
    assert np.ma.getmaskarray(arr)[rows.index("R")].all()


def test_heatmap_errors(toy: PerformanceResult) -> None:
    with pytest.raises(MethodError, match="'ZZ'"):
        plot_risk_heatmap(toy, entities=["A", "ZZ"])
    with pytest.raises(MethodError, match="'nope'"):
        plot_risk_heatmap(toy, indicators=["nope"])
    with pytest.raises(MethodError, match="by must be"):
        plot_risk_heatmap(toy, by="region")  # type: ignore[arg-type]
    with pytest.raises(MethodError, match="max_indicators"):
        plot_risk_heatmap(toy, max_indicators=0)
    with pytest.raises(MethodError, match="by='sphere'"):
        plot_risk_heatmap(toy, by="sphere", indicators=["x"])
    with pytest.raises(MethodError, match="labels must be"):
        plot_risk_heatmap(toy, labels="long")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- one body


def test_changes_bars_on_toy(toy: PerformanceResult) -> None:
    ax = plot_changes(toy, "A", labels="code")
    bars = ax.containers[0]
    assert len(bars) == int(toy.scores.loc["A", "n_indicators"]) == 4
    # worst first (y, z tie → catalog order), then x; the missing w last with length 0
    assert _ticks(ax.get_yticklabels()) == ["y", "z", "x", "w"]
    widths = [float(b.get_width()) for b in bars]
    assert widths == pytest.approx([DOWN_DEV, DOWN_DEV, 50.0, 0.0], abs=1e-9)
    sc = toy.changes.set_index(["entity", "indicator"])["score"]
    assert widths[:3] == pytest.approx([sc["A", i] - 50.0 for i in ("y", "z", "x")])
    for bar, i in zip(bars, ["y", "z", "x", "w"], strict=True):
        assert bar.get_facecolor() == to_rgba(CLASS_COLORS[_class_of(toy, "A", i)])
    texts = [t.get_text() for t in ax.texts]
    # y: g = 0.9^(1/3) − 1 = −3.45 %/yr; x: +6.27 %/yr, beyond the 5 %/yr cap
    assert "−3.5 %/yr" in texts and "+6.3 %/yr (capped)" in texts
    assert any(t.startswith("no score") for t in texts)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "improved", "deteriorated", "missing",
    ]  # fmt: skip
    # names as labels by default
    ax = plot_changes(toy, "A")
    assert _ticks(ax.get_yticklabels()) == ["Yield", "Zinc", "Exports", "Water"]


def test_changes_errors(toy: PerformanceResult, toy_central: PerformanceResult) -> None:
    with pytest.raises(MethodError, match="entity 'ZZZ' is not in the result"):
        plot_changes(toy, "ZZZ")
    # a body whose only indicator has no score still gets its bar list
    ax = plot_changes(toy_central, "R")
    assert len(ax.containers[0]) == 1
    assert "no GPI" in ax.get_title(loc="left")


# --------------------------------------------------------------------------- ranking


def test_gpi_ranking_on_toy(toy: PerformanceResult) -> None:
    ax = plot_gpi_ranking(toy)
    bars = ax.containers[0]
    assert len(bars) == 3
    # GPI = mean of the scored progress scores (hand):
    #   B: (50 + 100 + 50 + 15.49)/4 = 53.87 ; A: (100 + 15.49 + 15.49)/3 = 43.66
    #   C: (100 + 3·15.49)/4 = 36.62
    d = 50.0 + DOWN_DEV
    hand = {"B": (50 + 100 + 50 + d) / 4, "A": (100 + 2 * d) / 3, "C": (100 + 3 * d) / 4}
    assert _ticks(ax.get_yticklabels()) == ["1. B", "2. A", "3. C"]
    assert [float(b.get_width()) for b in bars] == pytest.approx(list(hand.values()))
    assert [float(b.get_width()) for b in bars] == pytest.approx(
        toy.scores["gpi"][["B", "A", "C"]]
    )
    (inset,) = ax.child_axes
    for lab in ("improved", "stable", "deteriorated"):
        (cont,) = [c for c in inset.containers if c.patches[0].get_gid() == f"share_{lab}"]
        expected = toy.scores.loc[["B", "A", "C"], f"share_{lab}"].to_numpy()
        assert [float(p.get_width()) for p in cont] == pytest.approx(expected)
    # "1 of 4 ... scored" annotation for A (3 of 4 indicators scored)
    assert any("(3 of 4 scored)" in t.get_text() for t in ax.texts)


def test_gpi_ranking_no_index_and_kind(toy_central: PerformanceResult) -> None:
    ax = plot_gpi_ranking(toy_central, kind="central")
    labels = _ticks(ax.get_yticklabels())
    assert labels[-1] == "–  R"
    reason = str(toy_central.scores.loc["R", "reason"])
    (text,) = [t.get_text() for t in ax.texts if t.get_text().startswith("no index")]
    assert reason[:30] in text
    assert float(ax.containers[0][-1].get_width()) == 0.0
    with pytest.raises(MethodError, match="kind 'local' not in the result"):
        plot_gpi_ranking(toy_central, kind="local")


# --------------------------------------------------------------------------- NPI


def test_npi_dot_plot(toy_npi: ProgressResult) -> None:
    ax = plot_npi(toy_npi, labels="code")
    # sorted by the ratio to the reference: mort 50 < life 92.59 < serv 190
    assert _ticks(ax.get_yticklabels()) == ["mort", "life", "serv"]
    ref = _line(ax, "npi_reference").get_xdata()
    base = _line(ax, "npi_base").get_xdata()
    assert ref == pytest.approx([50.0, 100 * 75 / 81, 190.0])
    assert base == pytest.approx([125.0, 100 * 75 / 72, 200.0])
    tab = toy_npi.indicators.set_index(["year", "indicator"])
    assert ref == pytest.approx(
        tab.loc[[(2024, "mort"), (2024, "life"), (2024, "serv")], "ratio_reference"]
    )
    capped = _line(ax, "capped_base")
    assert list(capped.get_xdata()) == [200.0] and list(capped.get_ydata()) == [2]
    assert "(1,900)" in [t.get_text() for t in ax.texts]
    assert not [ln for ln in ax.lines if ln.get_gid() == "capped_reference"]
    assert any(ln.get_xdata()[0] == 100.0 and len(set(ln.get_xdata())) == 1 for ln in ax.lines)
    assert "NPI" in ax.get_title(loc="left")
    ax = plot_npi(toy_npi, year=2016, labels="name")
    # 2016: base ratios are all 100 by definition
    assert _line(ax, "npi_base").get_xdata() == pytest.approx([100.0] * 3)
    with pytest.raises(MethodError, match="year 1999 is not in the result"):
        plot_npi(toy_npi, year=1999)


def test_npi_trend(toy_npi: ProgressResult) -> None:
    ax = plot_npi_trend(toy_npi)
    for col in ("npi_reference", "npi_base"):
        line = _line(ax, col)
        assert list(line.get_xdata()) == [2016, 2024]
        assert line.get_ydata() == pytest.approx(toy_npi.scores[col].to_numpy())
    # 2024 vs OECD by hand: (50 + 92.59 + 190)/3 = 110.86
    assert _line(ax, "npi_reference").get_ydata()[-1] == pytest.approx((50 + 7500 / 81 + 190) / 3)
    assert any(list(ln.get_ydata()) == [100.0, 100.0] for ln in ax.lines)


# --------------------------------------------------------------------------- common contract

CHARTS: dict[str, tuple[str, Callable[..., Any], dict[str, Any]]] = {
    "heatmap": ("toy", plot_risk_heatmap, {}),
    "heatmap_sphere": ("toy", plot_risk_heatmap, {"by": "sphere"}),
    "changes": ("toy", lambda r, **k: plot_changes(r, "B", **k), {}),
    "ranking": ("toy", plot_gpi_ranking, {}),
    "npi": ("toy_npi", plot_npi, {}),
    "npi_trend": ("toy_npi", plot_npi_trend, {}),
}


@pytest.mark.parametrize("name", list(CHARTS))
def test_contract(name: str, request: pytest.FixtureRequest) -> None:
    fixture, func, kw = CHARTS[name]
    result = request.getfixturevalue(fixture)
    before = dict(matplotlib.rcParams)
    fig, given = plt.subplots()
    out = func(result, ax=given, note="toy data", title="My title", **kw)
    fig.canvas.draw()  # lays out and renders every artist
    assert out is given
    assert dict(matplotlib.rcParams) == before
    assert "My title" in (out.get_title() + out.get_title(loc="left"))
    (note,) = [t.get_text() for t in out.texts if t.get_gid() == "note"]
    assert note.endswith(" · toy data")  # after the status line (year, window, data status)
    new = func(result, **kw)  # without ax: a new figure
    assert isinstance(new, matplotlib.axes.Axes) and new.figure is not fig
    assert dict(matplotlib.rcParams) == before
    with pytest.raises(MethodError, match="expected a"):
        func(object(), **kw)


# --------------------------------------------------------------------------- demo data


@pytest.mark.slow
def test_demo_leb(demo: dict[str, Any], tmp_path: Any) -> None:
    leb = demo["leb"]
    ax = plot_risk_heatmap(leb, max_indicators=None, note=NOTE, labels="code")
    im = _image(ax, "classes")
    assert im.get_array().shape == (20, 50)
    rows, cols = _ticks(ax.get_yticklabels()), _ticks(ax.get_xticklabels())
    share = leb.scores["share_deteriorated"]
    assert share[rows].is_monotonic_decreasing
    n_det = (leb.changes["class"] == "deteriorated").groupby(leb.changes["indicator"]).sum()
    assert n_det[cols].is_monotonic_decreasing
    for r, c in [(0, 0), (3, 17), (10, 25), (19, 49)]:
        assert _cell_rgba(im, r, c) == to_rgba(CLASS_COLORS[_class_of(leb, rows[r], cols[c])])
    ax.figure.savefig(tmp_path / "heat.png")
    ax = plot_risk_heatmap(leb, labels="code")
    assert _image(ax, "classes").get_array().shape == (20, 40)
    assert _ticks(ax.get_xticklabels()) == cols[:40]
    ax = plot_changes(leb, "R02", note=NOTE)
    assert len(ax.containers[0]) == 50
    assert sorted(float(b.get_width()) for b in ax.containers[0]) == pytest.approx(
        sorted(np.nan_to_num(leb.changes.loc[leb.changes["entity"] == "R02", "score"] - 50.0))
    )
    ax = plot_gpi_ranking(leb, kind="local", note=NOTE)
    assert len(ax.containers[0]) == 20
    ax.figure.savefig(tmp_path / "ranking.png")
    assert (tmp_path / "heat.png").stat().st_size > 10_000


@pytest.mark.slow
def test_demo_cgb_and_npi(demo: dict[str, Any], tmp_path: Any) -> None:
    cgb = demo["cgb"]
    ax = plot_risk_heatmap(cgb, max_indicators=None, labels="code")
    im = _image(ax, "classes")
    assert im.get_array().shape == (25, 167)
    rows, cols = _ticks(ax.get_yticklabels()), _ticks(ax.get_xticklabels())
    for r, c in [(0, 0), (0, 100), (5, 30), (24, 166), (12, 60)]:
        assert _cell_rgba(im, r, c) == to_rgba(CLASS_COLORS[_class_of(cgb, rows[r], cols[c])])
    ax = plot_gpi_ranking(cgb, note=NOTE)
    assert _ticks(ax.get_yticklabels())[-1] == "–  MIND"
    ax = plot_changes(cgb, "MFIN", note=NOTE)
    assert len(ax.containers[0]) == int(cgb.scores.loc["MFIN", "n_indicators"])
    npi = demo["npi"]
    ax = plot_npi(npi, note=NOTE)
    n_2025 = int((npi.indicators["year"] == 2025).sum())
    assert len(_line(ax, "npi_reference").get_xdata()) == n_2025 == 25
    rows_2025 = npi.indicators.loc[npi.indicators["year"] == 2025]
    assert len(_line(ax, "capped_base").get_xdata()) == int(rows_2025["capped_base"].sum())
    ax.figure.savefig(tmp_path / "npi.png")
    ax = plot_npi_trend(npi, note=NOTE)
    assert list(_line(ax, "npi_base").get_xdata()) == npi.scores.index.tolist()
