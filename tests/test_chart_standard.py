"""The chart standard (docs/charts.md), checked on every plotting function.

Drawn at their default size from the bundled data: every text lies inside its figure (no
clipped label), is at least 8 pt, every chart has a status line with its year (or years) and
data status; Russian and Kazakh names draw without a missing glyph; the class colours stay
apart in greyscale and under simulated colour-vision deficiencies (Machado et al. 2009 via
colorspacious, CAM02-UCS distances).
"""

from __future__ import annotations

import io
import itertools
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgb
from matplotlib.text import Text

from govindex import Catalog, Panel, performance_index, progress_index
from govindex.analysis.attribution import attribute
from govindex.analysis.sensitivity import SensitivityResult
from govindex.analysis.uncertainty import uncertainty_analysis
from govindex.datasets import load_demo, load_kz_regions
from govindex.operational import read_scorecard
from govindex.operational.demo import demo_inputs
from govindex.plotting import (
    CLASS_COLORS,
    plot_attribution,
    plot_changes,
    plot_gpi_ranking,
    plot_lost_points,
    plot_npi,
    plot_npi_trend,
    plot_operational_blocks,
    plot_rank_intervals,
    plot_risk_heatmap,
    plot_sensitivity,
    status_line,
)
from govindex.plotting._common import MIN_FONT


@pytest.fixture(autouse=True)
def _close() -> Iterator[None]:
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # planted problems of the SYNTHETIC demo data
        leb = performance_index(*load_demo("leb"), year=2025)
        leb_2024 = performance_index(*load_demo("leb"), year=2024)
        cgb = performance_index(*load_demo("cgb"), year=2025)
        npi = progress_index(*load_demo("npi"), country="DMO", reference="OECD", year=2025)
        kz = load_kz_regions()
        regions = performance_index(
            kz.panel, kz.catalog, year=2022, lineage=kz.lineage, entity_table=kz.entities
        )
        ua = uncertainty_analysis(leb, n=40, change=("catalog", "slope"), seed=0)
    op = read_scorecard("local").score(demo_inputs("local").query("year == 2019"))
    sa = SensitivityResult(
        statistic="mean_rank_shift", factors={"change": (), "weights": ()}, n_base=64,
        n_evaluations=256, conf_level=0.95, seed=0, fingerprints={},
        _indices=pd.DataFrame({"output": "mean_rank_shift", "factor": ["change", "weights"],
                               "S1": [0.6, 0.3], "S1_conf": [0.05, 0.04], "ST": [0.7, 0.35],
                               "ST_conf": [0.06, 0.05]}),
    )  # fmt: skip
    return {"leb": leb, "att": attribute(leb_2024, leb, entity="R11"), "cgb": cgb, "npi": npi,
            "regions": regions, "ua": ua, "op": op, "sa": sa}  # fmt: skip


def _status(r: dict[str, Any]) -> str:
    return status_line(year=2025, window=3, catalog=r["leb"].catalog)


#: Every plotting function (and its variants), drawn on a new figure of its default size.
CHARTS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "ranking": lambda r: plot_gpi_ranking(r["leb"]),
    "ranking_regions": lambda r: plot_gpi_ranking(r["regions"], lang="kk"),
    # the demo's size and note: the status line wraps to two lines beside the class panel
    "ranking_regions_demo": lambda r: plot_gpi_ranking(
        r["regions"],
        ax=plt.figure(figsize=(8, 7), layout="constrained").add_subplot(),
        note="REAL data: Bureau of National Statistics of Kazakhstan",
    ),
    "heatmap": lambda r: plot_risk_heatmap(r["leb"]),
    "heatmap_regions": lambda r: plot_risk_heatmap(r["regions"], lang="ru"),
    "spheres": lambda r: plot_risk_heatmap(r["leb"], by="sphere"),
    "spheres_central": lambda r: plot_risk_heatmap(r["cgb"], by="sphere"),
    "changes": lambda r: plot_changes(r["leb"], "R11"),
    "changes_regions": lambda r: plot_changes(r["regions"], "KZ-63", lang="kk"),
    "npi": lambda r: plot_npi(r["npi"], lang="ru"),
    "npi_trend": lambda r: plot_npi_trend(r["npi"]),
    "blocks": lambda r: plot_operational_blocks(r["op"], note="SYNTHETIC demo data"),
    "lost_points": lambda r: plot_lost_points(r["op"], note="SYNTHETIC demo data"),
    "attribution": lambda r: plot_attribution(r["att"], status=_status(r)),
    "rank_intervals": lambda r: plot_rank_intervals(r["ua"], status=_status(r)),
    "sensitivity": lambda r: plot_sensitivity(r["sa"], status=_status(r)),
}


def _texts(fig: Any) -> list[Text]:
    """The visible texts but the tick labels (those of ticks out of view are not drawn; the
    figure's tight box covers the drawn ones)."""
    ticks = {
        id(label)
        for a in fig.axes
        for axis in (a.xaxis, a.yaxis)
        for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]
        for label in (tick.label1, tick.label2)
    }
    return [
        t
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip() and id(t) not in ticks
    ]


@pytest.mark.parametrize("name", list(CHARTS))
def test_every_label_inside_the_figure_and_at_least_8_pt(
    name: str, results: dict[str, Any]
) -> None:
    ax = CHARTS[name](results)
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    # everything drawn (tick labels, titles, legends, notes, value labels) lies in the figure
    tight = fig.get_tightbbox(renderer)  # inches
    box = fig.bbox_inches
    assert tight.x0 >= box.x0 - 0.01 and tight.y0 >= box.y0 - 0.01, (name, tight, box)
    assert tight.x1 <= box.x1 + 0.01 and tight.y1 <= box.y1 + 0.01, (name, tight, box)
    for t in _texts(fig):
        extent = t.get_window_extent(renderer)
        if t.get_in_layout():
            assert fig.bbox.x0 - 1 <= extent.x0 and extent.x1 <= fig.bbox.x1 + 1, t.get_text()
            assert fig.bbox.y0 - 1 <= extent.y0 and extent.y1 <= fig.bbox.y1 + 1, t.get_text()
        assert t.get_fontsize() >= MIN_FONT, (name, t.get_text(), t.get_fontsize())
    # the status line: the year and the data status
    (line,) = [t for t in ax.texts if t.get_gid() == "note"]
    note = line.get_text()
    assert any(y in note for y in ("2019", "2022", "2025")), note
    # the data status said once: a note that states it replaces the status line's wording
    assert note.upper().count("SYNTHETIC") <= 1 and note.upper().count("REAL DATA") <= 1, note
    # ... and overlaps no other text (before, it ran over the class panel's axis label)
    below = line.get_window_extent(renderer)
    others = [t for t in fig.findobj(Text) if t is not line and t.get_visible()
              and t.get_text().strip() and t.get_window_extent(renderer).overlaps(below)]  # fmt: skip
    assert others == [], (name, [t.get_text() for t in others])
    # ... nor does the title (the lost-points title sat on its block labels) ...
    # ... nor do the x-axis labels (the ranking's ran under its class panel's label)
    titles = {ax.get_title(loc) for loc in ("center", "left")} - {""}
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    labels = {id(a.xaxis.label) for a in fig.axes}
    for title in [t for t in texts if t.get_text() in titles or id(t) in labels]:
        top = title.get_window_extent(renderer)
        others = [
            t for t in texts if t is not title and t.get_window_extent(renderer).overlaps(top)
        ]
        assert others == [], (name, title.get_text(), [t.get_text() for t in others])
    assert "SYNTHETIC" in note or "REAL" in note.upper() or "нақты" in note or "реальн" in note


def test_ranking_value_labels_stay_clear_of_the_class_panel() -> None:
    # GPI 100 with partial coverage: the longest label, "100.0  (3 of 4 scored)", at the
    # longest bar; before, it ran under the class panel ("93.3 (3 of 4 scor")
    rows = [("A", i, y, v) for i, (a, b) in {"w": (100, 120), "x": (100, 120),
            "y": (100, 120), "z": (np.nan, np.nan)}.items() for y, v in ((2022, a), (2025, b))]  # fmt: skip
    rows += [("B", i, y, 100.0) for i in "wxyz" for y in (2022, 2025)]
    panel = Panel.from_frame(pd.DataFrame(rows, columns=["entity", "indicator", "year", "value"]))
    cat = Catalog.from_frame(pd.DataFrame({"code": ["G", *"wxyz"], "parent": ["", *"GGGG"]}))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = performance_index(panel, cat, year=2025, coverage=0.5)
    assert res.scores.loc["A", "gpi"] == 100.0 and res.scores.loc["A", "n_scored"] == 3
    fig = plt.figure(figsize=(9.0, 3.0), layout="constrained")  # the report's size class
    ax = plot_gpi_ranking(res, ax=fig.add_subplot())
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    labels = [t for t in ax.texts if t.get_gid() == "gpi_value"]
    assert [t.get_text() for t in labels] == ["100.0  (3 of 4 scored)", "50.0"]
    for t in labels:
        box = t.get_window_extent(renderer)
        assert ax.bbox.x0 <= box.x0 and box.x1 <= ax.bbox.x1, t.get_text()  # inside the bars


def test_changes_legend_says_why_a_long_bar_is_stable(results: dict[str, Any]) -> None:
    leb = results["leb"]
    ch = leb.changes.loc[leb.changes["entity"] == "R11"].set_index("indicator")
    # R11 in the demo: corruption (LEB_SRV08, score 5.0) and feeling safe (LEB_SRV06, 91.7)
    # changed a lot, but the two-proportion z-test finds p ≥ 0.05 (0.127 and 0.106): stable by
    # the test, not by the size of the change
    for code in ("LEB_SRV08", "LEB_SRV06"):
        assert ch.loc[code, "class"] == "stable" and ch.loc[code, "p_value"] >= 0.05
        assert abs(ch.loc[code, "score"] - 50.0) > 35.0
    ax = plot_changes(leb, "R11", labels="code")
    legend = [t.get_text().replace("\n", " ") for t in ax.get_legend().get_texts()]
    assert "stable: change not significant (survey, p ≥ α = 0.05)" in legend
    rows = [t.get_text() for t in ax.get_yticklabels()]
    hatched = {rows[k] for k, bar in enumerate(ax.containers[0]) if bar.get_hatch()}
    assert {"LEB_SRV08", "LEB_SRV06"} <= hatched


def test_names_not_codes_in_three_languages(results: dict[str, Any]) -> None:
    regions = results["regions"]
    ax = plot_risk_heatmap(regions, lang="kk")
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert "Түркістан облысы (KZ-61)" in rows
    assert any(r.startswith("Қазақстан Республикасы (KZ) (") for r in rows)  # reference row
    cols = [t.get_text() for t in ax.get_xticklabels()]
    assert "Туған кездегі күтілетін өмір ұзақтығы" in cols  # the catalog's name_kk
    assert any(c.startswith("Аурухана ұйымдары") for c in cols)
    assert [t.get_text() for t in ax.get_legend().get_texts()][:3] == [
        "жақсару", "өзгеріссіз", "нашарлау",
    ]  # fmt: skip
    ax = plot_gpi_ranking(regions, lang="ru")
    assert "1. Акмолинская область (KZ-11)" in [t.get_text() for t in ax.get_yticklabels()]
    assert ax.get_title(loc="left").startswith("Индекс эффективности")


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_cyrillic_and_kazakh_letters_draw_without_missing_glyphs(
    lang: str, results: dict[str, Any]
) -> None:
    regions = results["regions"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for draw in (
            lambda: plot_gpi_ranking(regions, lang=lang),  # type: ignore[arg-type]
            lambda: plot_risk_heatmap(regions, lang=lang),  # type: ignore[arg-type]
            lambda: plot_changes(regions, "KZ-63", lang=lang),  # type: ignore[arg-type]
        ):
            ax = draw()
            ax.set_xlabel(ax.get_xlabel() + " ә ғ қ ң ө ұ ү һ і")  # every Kazakh letter
            ax.figure.savefig(io.BytesIO(), format="png")
    glyphs = [str(w.message) for w in caught if "glyph" in str(w.message).lower()]
    assert glyphs == []


def _cam(rgb: np.ndarray, condition: str) -> np.ndarray:
    from colorspacious import cspace_convert

    if condition != "normal":
        cvd = {"name": "sRGB1+CVD", "cvd_type": condition, "severity": 100}
        rgb = np.clip(cspace_convert(rgb, cvd, "sRGB1"), 0.0, 1.0)
    return np.asarray(cspace_convert(rgb, "sRGB1", "CAM02-UCS"))


@pytest.mark.parametrize("condition", ["normal", "deuteranomaly", "protanomaly", "tritanomaly"])
def test_class_colours_stay_apart_under_colour_vision_deficiencies(condition: str) -> None:
    pytest.importorskip("colorspacious")
    classes = ("improved", "stable", "deteriorated", "not applicable")
    jab = _cam(np.array([to_rgb(CLASS_COLORS[c]) for c in classes]), condition)
    for (i, a), (j, b) in itertools.combinations(enumerate(classes), 2):
        distance = float(np.linalg.norm(jab[i] - jab[j]))
        # ΔE' ≥ 15 in CAM02-UCS: clearly different patches; the three classes ≥ 30
        floor = 15.0 if "not applicable" in (a, b) else 30.0
        assert distance >= floor, (condition, a, b, round(distance, 1))


def test_class_colours_stay_apart_in_greyscale() -> None:
    pytest.importorskip("colorspacious")
    classes = ("deteriorated", "improved", "stable", "not applicable")
    lightness = _cam(np.array([to_rgb(CLASS_COLORS[c]) for c in classes]), "normal")[:, 0]
    # darkest to lightest, each step at least 10 units of lightness J'
    assert np.all(np.diff(lightness) >= 10.0), dict(zip(classes, lightness.round(1), strict=True))


@pytest.mark.parametrize("name", ["changes", "changes_regions"])
def test_changes_legend_covers_no_bar(name: str, results: dict[str, Any]) -> None:
    # East Kazakhstan has two indicators: the legend stood on its hospitals' bar
    ax = CHARTS[name](results)
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    legend = ax.get_legend().get_window_extent(renderer)
    under = [
        label.get_text()
        for bar, label in zip(ax.containers[0], ax.get_yticklabels(), strict=True)
        if bar.get_width() != 0 and bar.get_window_extent(renderer).overlaps(legend)
    ]
    assert under == []


@pytest.mark.parametrize("condition", ["normal", "deuteranomaly", "protanomaly", "tritanomaly"])
def test_attribution_colours_stay_apart_under_colour_vision_deficiencies(
    condition: str, results: dict[str, Any]
) -> None:
    pytest.importorskip("colorspacious")
    ax = plot_attribution(results["att"], status=_status(results))
    colours = {
        tuple(round(c, 4) for c in patch.get_facecolor()[:3])
        for bars in ax.containers
        for patch in bars
    }
    assert len(colours) == 3  # up, down, old and new score
    jab = _cam(np.array(sorted(colours)), condition)
    for i, j in itertools.combinations(range(len(jab)), 2):
        # green and red came to 12.5 apart under deuteranomaly
        assert float(np.linalg.norm(jab[i] - jab[j])) >= 30.0, (condition, i, j)


def test_status_line_is_not_cut_from_a_tightly_saved_figure(results: dict[str, Any]) -> None:
    # the demo's way: no layout manager, saved with bbox_inches="tight" (the box is computed in
    # one draw, the figure drawn again): the status line's second line was cut off
    fig, ax = plt.subplots(figsize=(8, 7))
    plot_gpi_ranking(results["regions"], ax=ax, note="REAL data: Bureau of National Statistics")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=60, bbox_inches="tight")
    buffer.seek(0)
    image = plt.imread(buffer)
    # the padding under the lowest text stays blank: no text runs into the lower edge
    assert np.all(image[-3:, :, :3] > 0.99)
