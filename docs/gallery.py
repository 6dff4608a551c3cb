"""Render every chart of govindex from the bundled data into a folder (the docs gallery).

Called by ``docs/conf.py`` when the documentation is built (``bash docs/build.sh``): the PNGs
go to ``docs/_gallery/`` (not committed), and ``docs/charts.md`` shows them. Also usable by
hand: ``python docs/gallery.py OUT_DIR``. Every chart is drawn from the SYNTHETIC demo data or
from the REAL data shipped in ``data/indicators`` (each says which in its status line).
"""

from __future__ import annotations

import sys
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

#: File name → (figure size in inches, a function drawing on the axes it is given).
Chart = tuple[str, tuple[float, float], Callable[[Any], object]]


def charts() -> list[Chart]:
    """Every chart of the gallery, computed from the bundled data."""
    from govindex import performance_index, progress_index
    from govindex import plotting as plots
    from govindex.analysis.attribution import attribute
    from govindex.analysis.sensitivity import sensitivity_analysis
    from govindex.analysis.uncertainty import uncertainty_analysis
    from govindex.datasets import (
        demo_config_path,
        load_demo,
        load_kz_regions,
        load_wdi_npi,
    )
    from govindex.demo import DEMO_NOTE, REGIONS_YEAR
    from govindex.io.batch import run_batch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the demo data carry planted problems on purpose
        leb = performance_index(*load_demo("leb"), year=2025)
        leb_2024 = performance_index(*load_demo("leb"), year=2024)
        cgb = performance_index(*load_demo("cgb"), year=2025)
        npi = progress_index(*load_demo("npi"), country="DMO", reference="OECD", year=2025)
        kz = load_kz_regions()
        regions = performance_index(
            kz.panel, kz.catalog, year=REGIONS_YEAR, lineage=kz.lineage, entity_table=kz.entities
        )
        wdi = progress_index(
            *load_wdi_npi(), country="KAZ", reference="OED", base_year=2016, year=2024,
            period=(2016, 2024),
        )  # fmt: skip
        with tempfile.TemporaryDirectory() as tmp:
            run = run_batch(demo_config_path(), output=Path(tmp) / "results", progress=False)
        op_local = run.results[("operational", "local", 2019)]
        op_central = run.results[("operational", "central", 2019)]
        ua = uncertainty_analysis(leb, n=200, change=("catalog", "slope"), seed=0)
        sa = sensitivity_analysis(
            leb, n=64, change=("catalog", "slope"), weight_noise=0.2, seed=0
        )  # fmt: skip
    att = attribute(leb_2024, leb, entity="R11")
    status_leb = plots.status_line(year=2025, window=3, catalog=leb.catalog)
    status_att = plots.status_line(years=(2024, 2025), catalog=leb.catalog)
    return [
        ("gpi_ranking.png", (10.5, 8.5), lambda ax: plots.plot_gpi_ranking(leb, ax=ax)),
        ("risk_heatmap.png", (15.0, 11.0), lambda ax: plots.plot_risk_heatmap(leb, ax=ax)),
        ("risk_spheres.png", (11.0, 8.5),
         lambda ax: plots.plot_risk_heatmap(leb, by="sphere", ax=ax)),
        ("risk_spheres_central.png", (10.5, 9.5),
         lambda ax: plots.plot_risk_heatmap(cgb, by="sphere", ax=ax)),
        ("changes.png", (11.0, 17.5), lambda ax: plots.plot_changes(leb, "R11", ax=ax)),
        ("npi.png", (10.5, 9.5), lambda ax: plots.plot_npi(npi, ax=ax)),
        ("npi_trend.png", (9.5, 4.8), lambda ax: plots.plot_npi_trend(npi, ax=ax)),
        ("operational_blocks.png", (10.5, 8.8),
         lambda ax: plots.plot_operational_blocks(op_local, ax=ax, note=DEMO_NOTE)),
        ("lost_points.png", (17.5, 12.5),
         lambda ax: plots.plot_lost_points(op_central, ax=ax, note=DEMO_NOTE)),
        ("attribution.png", (10.5, 7.0),
         lambda ax: plots.plot_attribution(att, ax=ax, status=status_att)),
        ("rank_intervals.png", (8.5, 7.5),
         lambda ax: plots.plot_rank_intervals(ua, ax=ax, status=status_leb)),
        ("sensitivity.png", (7.0, 4.5),
         lambda ax: plots.plot_sensitivity(sa, ax=ax, status=status_leb)),
        ("kz_ranking_en.png", (10.5, 8.8), lambda ax: plots.plot_gpi_ranking(regions, ax=ax)),
        ("kz_ranking_ru.png", (10.5, 8.8),
         lambda ax: plots.plot_gpi_ranking(regions, ax=ax, lang="ru")),
        ("kz_ranking_kk.png", (10.5, 8.8),
         lambda ax: plots.plot_gpi_ranking(regions, ax=ax, lang="kk")),
        ("kz_changes_kk.png", (11.0, 3.6),
         lambda ax: plots.plot_changes(regions, "KZ-63", ax=ax, lang="kk")),
        ("kz_heatmap_ru.png", (9.5, 9.0),
         lambda ax: plots.plot_risk_heatmap(regions, ax=ax, lang="ru")),
        ("wdi_npi.png", (10.5, 9.5), lambda ax: plots.plot_npi(wdi, ax=ax)),
        ("wdi_npi_trend.png", (9.5, 4.8), lambda ax: plots.plot_npi_trend(wdi, ax=ax)),
    ]  # fmt: skip


def render(out: Path) -> list[Path]:
    """Draw every chart of :func:`charts` into ``out`` (PNG, 90 dpi); return the files."""
    from matplotlib.figure import Figure

    out.mkdir(parents=True, exist_ok=True)
    files = []
    for name, size, draw in charts():
        fig = Figure(figsize=size, layout="constrained")
        draw(fig.add_subplot())
        fig.savefig(out / name, dpi=90, metadata={"Software": None})
        files.append(out / name)
    return files


if __name__ == "__main__":
    for path in render(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/_gallery")):
        print(path)
