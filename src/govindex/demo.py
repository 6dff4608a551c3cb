"""``govindex demo``: the whole assessment on the bundled SYNTHETIC demo data, the NPI
of Kazakhstan on REAL World Bank data and the GPI of Kazakhstan's regions on REAL
regional data.

Runs GPI for local and central bodies, the NPI against the OECD average and the
2016 base year, the risk areas and the operational assessment (with one appeal) on the
synthetic data; then the real NPI of Kazakhstan against the OECD aggregate ``OED`` and
against 2016 (World Bank WDI, CC BY 4.0), as published and like-for-like, and the real GPI
of Kazakhstan's regions for 2022 (life expectancy and hospitals, PDDL 1.0) with the
regions' entities table and boundary changes. Prints concise tables (each labelled
SYNTHETIC or REAL), and writes the results (Parquet; the real ones in ``real/``, with
source and licence in their metadata) and charts (PNG).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from govindex._bar import Progress
from govindex._provenance import to_parquet_with_provenance
from govindex.datasets import (
    COUNTRY,
    KZ_REGIONS_NOTE,
    OECD_AGGREGATE,
    WDI_COUNTRY,
    WDI_REFERENCE,
    data_source,
    kz_regions_source,
    load_demo,
    load_kz_regions,
    load_wdi_npi,
)
from govindex.entities import Language
from govindex.i18n import check_language
from govindex.indices.gpi import PerformanceResult, performance_index
from govindex.indices.npi import NPIMethod, ProgressResult, progress_index

__all__ = ["DEMO_NOTE", "REGIONS_YEAR", "SYNTHETIC_METADATA", "DemoOutput", "run_demo"]

#: Printed on every table and chart made from the demo data.
DEMO_NOTE = "SYNTHETIC demo data — not real statistics"
#: Schema metadata of every Parquet file made from the synthetic demo data (the real
#: ones carry ``"synthetic": False`` with their source and licence).
SYNTHETIC_METADATA: dict[str, Any] = {"data": DEMO_NOTE, "synthetic": True}
ASSESSMENT_YEAR = 2025
#: The real NPI of Kazakhstan: the latest year with 2/3 of the indicators vs the OECD, and
#: the years of its like-for-like (balanced) trend.
REAL_YEAR = 2024
REAL_PERIOD = (2016, 2024)
#: Assessment year of the GPI of Kazakhstan's regions (the data end in 2022).
REGIONS_YEAR = 2022


@dataclass
class DemoOutput:
    """What :func:`run_demo` computed and wrote."""

    gpi_local: PerformanceResult
    gpi_central: PerformanceResult
    npi: ProgressResult
    risks_local: pd.DataFrame
    risks_central: pd.DataFrame
    operational: dict[str, pd.DataFrame] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: The REAL NPI of Kazakhstan vs OED and 2016: as published, and balanced over
    #: :data:`REAL_PERIOD`; its data note and the warnings on the real data.
    npi_real: ProgressResult | None = None
    npi_real_balanced: ProgressResult | None = None
    real_note: str = ""
    real_notes: list[str] = field(default_factory=list)
    #: The REAL GPI of Kazakhstan's regions (with the lineage and the entities table), its
    #: risk areas and the warnings on these data.
    gpi_regions: PerformanceResult | None = None
    risks_regions: pd.DataFrame | None = None
    regions_notes: list[str] = field(default_factory=list)


def _print_table(
    title: str,
    table: pd.DataFrame,
    max_rows: int = 25,
    note: str = DEMO_NOTE,
    formats: dict[str, str] | None = None,
) -> None:
    """A console table: fixed decimals (``formats``: column → format, e.g. ``"{:.1f}"``;
    other numbers with two decimals), never scientific notation."""
    print(f"\n{title}  [{note}]")
    shown = table.head(max_rows).copy()
    for col, fmt in (formats or {}).items():
        if col in shown.columns:
            shown[col] = [("" if pd.isna(v) else fmt.format(v)) for v in shown[col]]
    with pd.option_context(
        "display.width", 120, "display.max_columns", 20, "display.float_format", _fixed
    ):
        print(shown.to_string())
    if len(table) > max_rows:
        print(f"  … {len(table) - max_rows} more rows in the Parquet results")


def _fixed(value: float) -> str:
    """Two decimals with thousands separators (the console's default for numbers)."""
    return f"{value:,.2f}"


#: Formats of the GPI columns on the console.
_GPI_FORMATS = {"gpi": "{:.1f}", "coverage": "{:.0%}", "share_deteriorated": "{:.0%}"}
#: Formats of the operational tables on the console: counts without decimals, rates in %.
_OP_FORMATS = dict.fromkeys(
    ("due", "done", "done_on_time", "in_progress", "open", "overdue", "days_overdue"), "{:.0f}"
) | {"rate": "{:.0%}", "on_time_rate": "{:.0%}"}


def _risk_table(result: PerformanceResult, risks: pd.DataFrame, lang: Language) -> pd.DataFrame:
    """The top indicator risks with their changes in units (``−6.4 %/yr``, ``−2.37 pp/yr``)."""
    from govindex.plotting._common import format_change, shorten

    top = risks.loc[risks["level"] == "indicator"].head(10)
    changes = result.changes.set_index(["entity", "indicator"])
    rules = changes["rule"].reindex(pd.MultiIndex.from_frame(top[["entity", "indicator"]]))
    units = result.catalog.column("unit").reindex(top["indicator"]).fillna("")
    names = result.catalog.names(top["indicator"], lang)
    return pd.DataFrame(
        {
            "entity": top["entity"].to_numpy(),
            "indicator": [f"{shorten(n, 40)} ({c})" for n, c in zip(names, top["indicator"],
                                                                     strict=True)],
            "yearly change": [
                format_change(c, str(r), str(u))
                for c, r, u in zip(top["change"], rules, units, strict=True)
            ],
            "score": top["score"].to_numpy(),
            "severity": top["severity"].to_numpy(),
        },
        index=pd.RangeIndex(1, len(top) + 1, name="rank"),
    )  # fmt: skip


def run_demo(
    out: str | os.PathLike[str] = "govindex-demo",
    *,
    verbose: bool = True,
    lang: Language = "en",
    progress: bool | None = None,
) -> DemoOutput:
    """Run the assessment on the demo data and write results and charts into ``out``.

    Parameters
    ----------
    out : path-like, default "govindex-demo"
        Output folder (created). Results go to ``out/results/*.parquet`` and charts
        to ``out/charts/*.png``. Re-running gives bit-identical Parquet files.
    verbose : bool, default True
        Print the summary tables (fixed decimals, changes with their units).
    lang : {"en", "ru", "kk"}, default "en"
        Language of the names in the console tables and of the charts.
    progress : bool, optional
        Show a progress bar on standard error (default: only on an interactive terminal).

    Returns
    -------
    DemoOutput
    """
    lang = check_language(lang)
    bar = Progress(6, "govindex demo", enabled=progress if verbose else False)
    out_dir = Path(out)
    results_dir = out_dir / "results"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        leb_panel, leb_cat = load_demo("leb")
        cgb_panel, cgb_cat = load_demo("cgb")
        npi_panel, npi_cat = load_demo("npi")
        gpi_local = performance_index(leb_panel, leb_cat, year=ASSESSMENT_YEAR)
        gpi_central = performance_index(cgb_panel, cgb_cat, year=ASSESSMENT_YEAR)
        npi = progress_index(
            npi_panel,
            npi_cat,
            country=COUNTRY,
            reference=OECD_AGGREGATE,
            year=ASSESSMENT_YEAR,
            base_year=2016,
        )
    bar.step("synthetic GPI and NPI")
    risks_local = gpi_local.risk_areas()
    risks_central = gpi_central.risk_areas()
    output = DemoOutput(gpi_local, gpi_central, npi, risks_local, risks_central)
    output.notes = sorted({str(w.message) for w in caught})
    for prefix, result in (("gpi_local_", gpi_local), ("gpi_central_", gpi_central), ("", npi)):
        written = result.to_parquet(results_dir, prefix=prefix, metadata=SYNTHETIC_METADATA)
        output.files += written.values()
    for name, table, result in (
        ("risks_local", risks_local, gpi_local),
        ("risks_central", risks_central, gpi_central),
    ):
        meta = {**result.provenance, "table": name, **SYNTHETIC_METADATA}
        output.files.append(
            to_parquet_with_provenance(table, results_dir / f"{name}.parquet", meta)
        )
    bar.step("risk areas and results")
    output.files += _real_npi(output, out_dir / "real")
    bar.step("real NPI of Kazakhstan")
    output.files += _regions(output, out_dir / "real")
    bar.step("real GPI of the regions")
    output.files += _charts(output, out_dir / "charts", lang)
    bar.step("charts")
    output.operational, files = _operational(out_dir / "operational")
    output.files += files
    bar.step("operational assessment")
    if verbose:
        _report(output, out_dir, lang)
    return output


def _basket(result: ProgressResult) -> int:
    """Number of indicators in the balanced basket of a result."""
    ind = result.indicators
    return int(ind.loc[~ind["excluded"], "indicator"].nunique())


def _real_npi(output: DemoOutput, folder: Path) -> list[Path]:
    """The REAL NPI of Kazakhstan (World Bank WDI): as published and balanced."""
    meta = data_source("wdi_npi")
    output.real_note = str(meta["note"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        panel, catalog = load_wdi_npi()
        method = NPIMethod(
            country=WDI_COUNTRY, reference=WDI_REFERENCE, base_year=2016, period=REAL_PERIOD
        )
        # no entity_table: its fingerprint would enter the files' metadata, and the real
        # files keep their checksums (KAZ vs the aggregate OED gives the same numbers)
        output.npi_real = progress_index(panel, catalog, method, year=REAL_YEAR)
        output.npi_real_balanced = progress_index(
            panel, catalog, method, year=REAL_YEAR, balanced=True
        )
    output.real_notes = sorted({str(w.message) for w in caught})
    source = {
        key: meta[key] for key in ("source", "licence", "licence_url", "attribution", "vintage")
    }
    extra = {"data": output.real_note, "synthetic": False, **source}
    files = list(output.npi_real.to_parquet(folder, prefix="npi_kaz_", metadata=extra).values())
    files += output.npi_real_balanced.to_parquet(
        folder, prefix="npi_kaz_balanced_", metadata=extra
    ).values()
    return files


def _regions(output: DemoOutput, folder: Path) -> list[Path]:
    """The REAL GPI of Kazakhstan's regions, with its lineage and entities table."""
    kz = load_kz_regions()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = performance_index(
            kz.panel, kz.catalog, year=REGIONS_YEAR, lineage=kz.lineage, entity_table=kz.entities
        )
        risks = res.risk_areas()
    output.gpi_regions, output.risks_regions = res, risks
    output.regions_notes = sorted({str(w.message) for w in caught})
    extra = {"data": KZ_REGIONS_NOTE, "synthetic": False, **kz_regions_source()}
    files = list(res.to_parquet(folder, prefix="gpi_kz_regions_", metadata=extra).values())
    meta = {**res.provenance, "table": "risks", **extra}
    files.append(to_parquet_with_provenance(risks, folder / "gpi_kz_regions_risks.parquet", meta))
    return files


def _report_regions(output: DemoOutput, lang: Language = "en") -> None:
    res = output.gpi_regions
    if res is None:
        return
    cols = ["gpi", "rank", "n_improved", "n_stable", "n_deteriorated", "reason"]
    table = res.scores.sort_values(["rank", "gpi"], na_position="last")[cols]
    table.insert(0, "name", res.options["entity_table"].names(table.index, lang).to_numpy())
    _print_table(
        f"GPI of the regions of Kazakhstan, {REGIONS_YEAR} (window {res.method.window} years, "
        "boundary changes re-based by the lineage; the total KZ is not ranked)",
        table,
        note=KZ_REGIONS_NOTE,
        formats=_GPI_FORMATS,
    )
    if output.regions_notes:
        print(f"\nNotes on the real regional data [{KZ_REGIONS_NOTE}]:")
        for note in output.regions_notes:
            print("  - " + note.replace("\n", "\n    "))


def _report_real(output: DemoOutput) -> None:
    real, balanced = output.npi_real, output.npi_real_balanced
    if real is None or balanced is None:
        return
    table = pd.DataFrame(
        {
            f"vs {WDI_REFERENCE}": real.scores["npi_reference"],
            f"n ({WDI_REFERENCE})": real.scores["n_reference"],
            "vs 2016": real.scores["npi_base"],
            "n (2016)": real.scores["n_base"],
            f"balanced vs {WDI_REFERENCE}": balanced.scores["npi_reference"],
            "balanced vs 2016": balanced.scores["npi_base"],
        }
    )
    print(
        f"\nNational Progress Index of Kazakhstan ({WDI_COUNTRY}), {REAL_PERIOD[0]}–{REAL_YEAR}"
        f"  [{output.real_note}]"
    )
    print(
        f"  as published (n = indicators with a ratio) and like-for-like on the "
        f"{_basket(balanced)} indicators present in every year (balanced=True)"
    )
    with pd.option_context("display.width", 120, "display.float_format", "{:.1f}".format):
        print(table.to_string())
    print(f"\nNotes on the real data [{output.real_note}]:")
    for note in output.real_notes:
        print("  - " + note.replace("\n", "\n    "))


def _charts(output: DemoOutput, folder: Path, lang: Language = "en") -> list[Path]:
    try:
        from govindex import plotting as plots
    except ImportError:  # pragma: no cover - charts module not available
        return []
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    worst = str(output.gpi_local.scores["gpi"].idxmin())
    jobs: list[tuple[str, Callable[[Any], object], tuple[int, int]]] = [
        (
            "gpi_local_ranking.png",
            lambda ax: plots.plot_gpi_ranking(output.gpi_local, ax=ax, lang=lang, note=DEMO_NOTE),
            (8, 7),
        ),
        (
            "gpi_central_ranking.png",
            lambda ax: plots.plot_gpi_ranking(
                output.gpi_central, ax=ax, lang=lang, note=DEMO_NOTE
            ),
            (8, 8),
        ),
        (
            "risk_heatmap_local.png",
            lambda ax: plots.plot_risk_heatmap(output.gpi_local, ax=ax, lang=lang, note=DEMO_NOTE),
            (15, 11),
        ),
        (
            f"changes_{worst}.png",
            lambda ax: plots.plot_changes(
                output.gpi_local, worst, ax=ax, lang=lang, note=DEMO_NOTE
            ),
            (9, 12),
        ),
        (
            "npi_indicators.png",
            lambda ax: plots.plot_npi(output.npi, ax=ax, lang=lang, note=DEMO_NOTE),
            (9, 9),
        ),
        (
            "npi_trend.png",
            lambda ax: plots.plot_npi_trend(output.npi, ax=ax, lang=lang, note=DEMO_NOTE),
            (8, 5),
        ),
    ]
    if output.npi_real is not None and output.npi_real_balanced is not None:
        real, balanced, note = output.npi_real, output.npi_real_balanced, output.real_note
        jobs += [
            (
                "npi_kaz_indicators.png",
                lambda ax: plots.plot_npi(real, ax=ax, lang=lang, note=note),
                (9, 9),
            ),
            (
                "npi_kaz_trend.png",
                lambda ax: plots.plot_npi_trend(
                    real, ax=ax, lang=lang, note=note, title="NPI of Kazakhstan, as published"
                ),
                (8, 5),
            ),
            (
                "npi_kaz_trend_balanced.png",
                lambda ax: plots.plot_npi_trend(
                    balanced,
                    ax=ax,
                    note=note,
                    title=f"NPI of Kazakhstan, like-for-like on {_basket(balanced)} indicators",
                ),
                (8, 5),
            ),
        ]
    if output.gpi_regions is not None:
        regions = output.gpi_regions
        jobs.append(
            (
                "gpi_kz_regions_ranking.png",
                lambda ax: plots.plot_gpi_ranking(
                    regions,
                    ax=ax,
                    note=KZ_REGIONS_NOTE,
                    title=f"GPI of the regions of Kazakhstan, {REGIONS_YEAR} (REAL data)",
                ),
                (8, 7),
            )
        )
    for name, draw, size in jobs:
        fig, ax = plt.subplots(figsize=size)
        try:
            draw(ax)
            fig.savefig(folder / name, dpi=110, bbox_inches="tight", metadata={"Software": None})
        finally:
            plt.close(fig)
        files.append(folder / name)
    return files


def _operational(folder: Path) -> tuple[dict[str, pd.DataFrame], list[Path]]:
    """Operational assessment demo: score, appeal, finalise, recommendations."""
    from govindex.operational.demo import run_demo as run_operational

    tables = run_operational(folder)
    return tables, sorted(p for p in folder.glob("operational_*") if p.is_file())


def _report(output: DemoOutput, out_dir: Path, lang: Language = "en") -> None:
    cols = ["gpi", "rank", "n_improved", "n_stable", "n_deteriorated", "coverage"]
    local = output.gpi_local.scores.sort_values("rank")
    _print_table(
        f"GPI of local executive bodies, {ASSESSMENT_YEAR} (window {output.gpi_local.method.window} years)",
        local[cols],
        formats=_GPI_FORMATS,
    )
    central = output.gpi_central.scores.sort_values("rank", na_position="last")
    _print_table(
        f"GPI of central government bodies, {ASSESSMENT_YEAR}",
        central[[*cols, "reason"]],
        formats=_GPI_FORMATS,
    )
    npi = output.npi
    print(f"\nNational Progress Index of {npi.method.country}, {npi.year}  [{DEMO_NOTE}]")
    print(f"  relative to the OECD average (= 100): {npi.npi_reference:6.1f}")
    print(f"  relative to {npi.method.base_year} (= 100):             {npi.npi_base:6.1f}")
    _print_table(
        "Top 10 risks (regressions) of local bodies, most severe first (yearly change, "
        "direction-adjusted: %/yr for relative rules, units/yr for absolute ones; "
        "severity = size of the regression × weight)",
        _risk_table(output.gpi_local, output.risks_local, lang),
        formats={"score": "{:.1f}", "severity": "{:.3f}"},
    )
    for name, table in output.operational.items():
        title = name.removeprefix("operational_").replace("_", " ")
        if name.endswith("_2019"):  # the round's totals: say which stage they are
            title += " (final results, after the appeals, adopted by the commission)"
        _print_table(f"Operational assessment: {title}", table, max_rows=8, formats=_OP_FORMATS)
    if output.notes:
        print("\nNotes on the data (planted on purpose in the synthetic demo):")
        for note in output.notes:
            print("  - " + note.replace("\n", "\n    "))
    _report_real(output)
    _report_regions(output, lang)
    print(f"\nWrote {len(output.files)} files to {out_dir.resolve()}")
