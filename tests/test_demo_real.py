"""`govindex demo` next to the synthetic demos: the REAL NPI of Kazakhstan (World Bank WDI).

Every real output says it is real and where it comes from (console, Parquet metadata, chart
notes); the synthetic outputs keep saying they are synthetic.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from govindex.demo import DEMO_NOTE, REAL_PERIOD, REAL_YEAR, run_demo


@pytest.mark.slow
def test_demo_computes_the_real_npi_and_labels_every_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_demo(tmp_path, verbose=True)
    printed = capsys.readouterr().out
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
    files = sorted(p.name for p in (tmp_path / "real").glob("*.parquet"))
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
