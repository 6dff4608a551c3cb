"""`govindex demo` next to the synthetic demos: the REAL NPI of Kazakhstan (World Bank WDI).

Every real output says it is real and where it comes from (console, Parquet metadata, chart
notes); the synthetic outputs keep saying they are synthetic.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from govindex.demo import DEMO_NOTE, REAL_PERIOD, REAL_YEAR, REGIONS_YEAR, DemoOutput, run_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[DemoOutput, str, Path]:
    """One demo run (printed output captured) for the tests of this module."""
    folder = tmp_path_factory.mktemp("demo")
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        out = run_demo(folder, verbose=True)
    return out, buffer.getvalue(), folder


@pytest.mark.slow
def test_demo_computes_the_real_npi_and_labels_every_output(
    demo: tuple[DemoOutput, str, Path],
) -> None:
    out, printed, tmp_path = demo
    real, balanced = out.npi_real, out.npi_real_balanced
    assert real is not None and balanced is not None
    assert (real.method.country, real.method.reference, real.method.base_year) == (
        "KAZ",
        "OED",
        2016,
    )
    assert real.year == REAL_YEAR and real.scores.index.tolist() == list(range(2016, 2025))
    assert balanced.method.balanced and balanced.method.period == REAL_PERIOD
    # console: the real table is labelled REAL with its source, the synthetic ones SYNTHETIC
    assert "National Progress Index of Kazakhstan (KAZ), 2016–2024" in printed
    assert "[REAL data: World Bank WDI (CC BY 4.0), vintage of 2026-07-01]" in printed
    assert f"[{DEMO_NOTE}]" in printed
    assert "Notes on the real data" in printed and "'IT.NET.BBND.P2'" in printed
    # Parquet: the real results say what they are, in their own folder
    files = sorted(p.name for p in (tmp_path / "real").glob("npi_kaz_*.parquet"))
    assert files == [
        "npi_kaz_balanced_npi_indicators.parquet", "npi_kaz_balanced_npi_scores.parquet",
        "npi_kaz_npi_indicators.parquet", "npi_kaz_npi_scores.parquet",
    ]  # fmt: skip
    for name in files:
        meta = json.loads(pq.read_schema(tmp_path / "real" / name).metadata[b"govindex"])
        assert meta["synthetic"] is False and meta["licence"] == "CC BY 4.0"
        assert meta["data"].startswith("REAL data") and "World Bank" in meta["attribution"]
        assert meta["method"]["country"] == "KAZ"
    risks = json.loads(
        pq.read_schema(tmp_path / "results" / "risks_local.parquet").metadata[b"govindex"]
    )
    assert risks["data"] == DEMO_NOTE
    # charts of the real NPI exist (their notes are the real note, checked by the plot tests)
    for chart in ("npi_kaz_indicators.png", "npi_kaz_trend.png", "npi_kaz_trend_balanced.png"):
        assert (tmp_path / "charts" / chart).stat().st_size > 10_000
    assert out.real_note == "REAL data: World Bank WDI (CC BY 4.0), vintage of 2026-07-01"


@pytest.mark.slow
def test_demo_computes_the_real_regional_gpi_and_labels_it(
    demo: tuple[DemoOutput, str, Path],
) -> None:
    out, printed, tmp_path = demo
    res = out.gpi_regions
    assert res is not None and res.year == REGIONS_YEAR and "lineage" in res.fingerprints
    assert res.reference_entities == ["KZ"] and pd.isna(res.scores.loc["KZ", "rank"])
    note = "REAL data: Bureau of National Statistics of Kazakhstan via open-data-kazakhstan (PDDL 1.0)"
    assert "GPI of the regions of Kazakhstan, 2022 (window 3 years, " in printed
    assert f"[{note}]" in printed and "Notes on the real regional data" in printed
    assert "KZ-79 HOSPITALS 2022 level shift 40 → 88" in printed  # a break no lineage explains
    files = sorted(p.name for p in (tmp_path / "real").glob("gpi_kz_regions_*.parquet"))
    assert files == [
        "gpi_kz_regions_changes.parquet", "gpi_kz_regions_node_scores.parquet",
        "gpi_kz_regions_risks.parquet", "gpi_kz_regions_scores.parquet",
    ]  # fmt: skip
    for name in files:
        meta = json.loads(pq.read_schema(tmp_path / "real" / name).metadata[b"govindex"])
        assert meta["synthetic"] is False and meta["data"] == note
        assert "PDDL" in meta["licence"] and "open-data-kazakhstan" in meta["attribution"]
    assert (tmp_path / "charts" / "gpi_kz_regions_ranking.png").stat().st_size > 10_000


def _says_what_it_is(path: Path) -> str:
    """Why the schema metadata of a Parquet file does not say synthetic or real ("" if it does).

    Synthetic: ``"synthetic": true`` and a text (``data``, ``note`` or ``description``) that
    says SYNTHETIC; real: ``"synthetic": false``, a text that says REAL, and the licence.
    """
    raw = (pq.read_schema(path).metadata or {}).get(b"govindex")
    if raw is None:
        return "no govindex metadata"
    meta = json.loads(raw)
    texts = " ".join(str(meta.get(key, "")) for key in ("data", "note", "description"))
    if meta.get("synthetic") is True:
        return "" if "SYNTHETIC" in texts else "synthetic without a SYNTHETIC note"
    if meta.get("synthetic") is False:
        if "REAL" not in texts:
            return "real without a REAL note"
        return "" if meta.get("licence") else "real without a licence"
    return f"'synthetic' is {meta.get('synthetic')!r}, not true or false"


def test_every_bundled_parquet_file_says_synthetic_or_real() -> None:
    from govindex.datasets import demo_data_dir

    files = sorted(demo_data_dir().glob("*.parquet"))
    assert len(files) >= 10
    wrong = {p.name: why for p in files if (why := _says_what_it_is(p))}
    assert not wrong


@pytest.mark.slow
def test_every_parquet_file_of_the_demo_says_synthetic_or_real(
    demo: tuple[DemoOutput, str, Path],
) -> None:
    _, _, folder = demo
    files = sorted(folder.rglob("*.parquet"))
    assert len(files) == 44
    wrong = {str(p.relative_to(folder)): why for p in files if (why := _says_what_it_is(p))}
    assert not wrong
    for path in files:  # the real ones are exactly those in real/
        meta = json.loads(pq.read_schema(path).metadata[b"govindex"])
        assert meta["synthetic"] is (path.parent.name != "real"), path


@pytest.mark.slow
def test_demo_console_tables_have_fixed_decimals_units_and_stages(
    demo: tuple[DemoOutput, str, Path],
) -> None:
    _out, printed, _folder = demo
    # no scientific notation anywhere (the top risks' changes were -6.4e-02 next to -2.4e+00)
    assert not re.search(r"\d\.?\d*e[+-]\d", printed)
    top = printed.split("Top 10 risks", 1)[1].split("\n\n", 1)[0]
    assert "−6.4 %/yr" in top and "−2.37 pp/yr" in top  # R04 relative, R11 absolute
    # the operational totals name their stage; counts are whole numbers, rates percentages
    assert "Operational assessment: central 2019 (final results, after the appeals" in printed
    by_type = printed.split("recommendations 2020 by type", 1)[1].split("\n\n", 1)[0]
    b1 = next(line.split() for line in by_type.splitlines() if line.startswith("B1 "))
    assert b1[1:3] == ["26", "16"] and b1[-1].endswith("%")
    per_body = printed.split("recommendations 2020  [", 1)[1].split("\n\n", 1)[0]
    acs = next(line.split() for line in per_body.splitlines() if line.startswith("ACS "))
    assert acs == ["ACS", "3", "2", "2", "0", "0", "1", "67%", "67%"]  # was 3.00 2.00 … 0.67
