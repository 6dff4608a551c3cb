"""HTML reports: the numbers shown come from the results, pages are self-contained and escaped."""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

pytest.importorskip("jinja2")

from govindex import Catalog, ConfigError, MethodError, Panel, performance_index
from govindex.cli import main
from govindex.datasets import demo_config_path
from govindex.report.html import report_run, write_reports


class _Page(HTMLParser):
    """Collects the text of elements by id, every src/href, tags and all text."""

    def __init__(self) -> None:
        super().__init__()
        self.by_id: dict[str, str] = {}
        self.srcs: list[str] = []
        self.hrefs: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        a = dict(attrs)
        if a.get("src") is not None:
            self.srcs.append(str(a["src"]))
        if a.get("href") is not None:
            self.hrefs.append(str(a["href"]))
        if a.get("id"):
            self._open.append(str(a["id"]))
            self.by_id[str(a["id"])] = ""

    def handle_endtag(self, tag: str) -> None:
        if self._open and tag == "div":
            self._open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._open:
            self.by_id[self._open[-1]] += data.strip()


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def _self_contained(page: _Page) -> None:
    assert "script" not in page.tags and "link" not in page.tags and "iframe" not in page.tags
    for src in page.srcs:  # every image embedded
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    for href in page.hrefs:  # only links to the other pages of the report
        assert not href.startswith(("http:", "https:", "//", "file:")), href
        assert href.endswith(".html"), href


def _three_regions(name: str = "Income per capita", source: str = "") -> tuple[Panel, Catalog]:
    # A grows 5 %/yr (= the default cap): 100 → 110.25 (2024) → 115.7625 (2025);
    # B is flat; C falls 5 %/yr: 100 · 0.95³ = 85.7375.
    panel = Panel.from_frame(
        pd.DataFrame(
            {
                "entity": ["A"] * 4 + ["B"] * 4 + ["C"] * 4,
                "indicator": "income",
                "year": [2021, 2022, 2024, 2025] * 3,
                "value": [
                    100.0,
                    100.0,
                    110.25,
                    115.7625,
                    100.0,
                    100.0,
                    100.0,
                    100.0,
                    100.0,
                    100.0,
                    90.25,
                    85.7375,
                ],
            }
        )
    )
    catalog = Catalog.from_frame(
        pd.DataFrame(
            {
                "code": ["GPI", "income"],
                "parent": ["", "GPI"],
                "name": ["GPI", name],
                "sphere": ["", "Economy"],
                "source": ["", source],
            }
        )
    )
    return panel, catalog


def test_body_page_shows_the_bodys_numbers_and_is_self_contained(tmp_path: Path) -> None:
    panel, catalog = _three_regions()
    res = performance_index(panel, catalog, year=2025)
    pages = write_reports(res, tmp_path, entities=["A", "C"])
    assert [p.name for p in pages] == ["index.html", "gpi-A.html", "gpi-C.html"]
    # A: g = 1.157625^(1/3) − 1 = 5 %/yr = cap → score 50 + 50·1 = 100.0, rank 1 of 3;
    # C: g = −5 %/yr → score 0.0, rank 3
    a, c = _parse(pages[1]), _parse(pages[2])
    assert (a.by_id["gpi"], a.by_id["rank"]) == ("100.0", "1")
    assert (c.by_id["gpi"], c.by_id["rank"]) == ("0.0", "3")
    text_a = " ".join(a.text)
    assert "Income per capita" in text_a and "115.763" in text_a and "+5.0 %/yr" in text_a
    assert "improved" in text_a
    text_c = " ".join(c.text)
    assert "deteriorated" in text_c and "−5.0 %/yr" in text_c
    assert "85.7375" in text_c
    for page in (a, c, _parse(pages[0])):
        _self_contained(page)
    assert len(a.srcs) == 1  # the changes chart
    overview = _parse(pages[0])
    assert len(overview.srcs) == 2  # ranking and risk heat map
    assert {"gpi-A.html", "gpi-C.html"} <= set(overview.hrefs)
    assert "gpi-B.html" not in overview.hrefs  # no page written for B
    assert "SYNTHETIC" not in pages[1].read_text(encoding="utf-8")


def test_output_is_deterministic(tmp_path: Path) -> None:
    panel, catalog = _three_regions()
    res = performance_index(panel, catalog, year=2025)
    first = write_reports(res, tmp_path / "one", entities=["B"])
    second = write_reports(res, tmp_path / "two", entities=["B"])
    digest = [hashlib.sha256(p.read_bytes()).hexdigest() for p in first]
    assert digest == [hashlib.sha256(p.read_bytes()).hexdigest() for p in second]


def test_text_is_escaped_and_synthetic_note_shown(tmp_path: Path) -> None:
    panel, catalog = _three_regions(
        name="<script>alert(1)</script> & co", source="SYNTHETIC demo data"
    )
    pages = write_reports(
        performance_index(panel, catalog, year=2025),
        tmp_path,
        entities=["A"],
        charts=False,
        note="draft <b>v1</b>",
    )
    html = pages[1].read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html
    assert "draft &lt;b&gt;v1&lt;/b&gt;" in html
    assert "SYNTHETIC demo data — not real statistics" in html
    assert "SYNTHETIC demo data — not real statistics" in pages[0].read_text(encoding="utf-8")


def test_attribution_against_previous_year(tmp_path: Path) -> None:
    panel, catalog = _three_regions()
    now = performance_index(panel, catalog, year=2025)
    before = performance_index(panel, catalog, year=2024)
    pages = write_reports(now, tmp_path, previous=before, entities=["A"], charts=False)
    text = " ".join(_parse(pages[1]).text)
    # 2024: window 2021–2024, g = 1.1025^(1/3) − 1 = 0.033062; score = 50 + 50·0.033062/0.05
    # = 83.06
    old = 50 + 50 * ((1.1025 ** (1 / 3) - 1) / 0.05)
    assert f"GPI {old:.1f} → 100.0" in text
    assert f"+{100 - old:.2f} points" in text  # 16.94


@pytest.mark.slow
def test_demo_report_run_operational_block(tmp_path: Path) -> None:
    from govindex.io.batch import run_batch

    pages = report_run(demo_config_path(), tmp_path / "pages", charts=False)
    out = run_batch(demo_config_path(), output=tmp_path / "results")
    gpi = out.results[("gpi", "local", 2025)].scores.loc["R02"]
    op = out.results[("operational", "local", 2019)].totals.loc["R02"]
    body = tmp_path / "pages" / "local-R02.html"
    assert body in pages and len(pages) == 1 + 20 + 25
    page = _parse(body)
    assert page.by_id["gpi"] == f"{gpi['gpi']:.1f}" and page.by_id["rank"] == str(gpi["rank"])
    text = " ".join(page.text)
    assert f"{op['total']:.2f}" in text and str(op["level"]) in text
    assert "SYNTHETIC demo data" in text
    # a total always names its year and stage (and the date of the stage on a body page):
    # before, the overview set the 2019 operational total next to the 2025 GPI, unnamed
    overview = pages[0].read_text(encoding="utf-8")
    assert '<th class="num">GPI 2025</th>' in overview
    assert '<th class="num">Operational total (2019, final)</th>' in overview
    assert "Total (2019, final, 2020-03-16)" in body.read_text(encoding="utf-8")
    # the central body without a GPI (coverage) says why
    mind = " ".join(_parse(tmp_path / "pages" / "central-MIND.html").text)
    assert "No GPI: indicator coverage" in mind
    # the run output folder gives the same pages, from its stored results
    again = report_run(tmp_path / "results", tmp_path / "again", charts=False)
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in pages]


def test_archived_run_is_published_from_its_stored_results(tmp_path: Path) -> None:
    panel, catalog = _three_regions()
    panel.to_frame().to_csv(tmp_path / "panel.csv", index=False)
    catalog.frame.to_csv(tmp_path / "catalog.csv", index=False)
    (tmp_path / "run.toml").write_text(
        '[run]\nyears = 2025\noutput = "results"\n'
        '[gpi.local]\npanel = "panel.csv"\ncatalog = "catalog.csv"\n'
    )
    assert main(["run", str(tmp_path / "run.toml"), "--quiet"]) == 0
    before = report_run(tmp_path / "results", tmp_path / "ok", charts=False)
    assert len(before) == 4
    # the inputs are revised in place (A in 2025), then deleted: the archived run is still
    # published, with the numbers it stored (A: +5 %/yr = the cap → 100.0), not recomputed
    frame = panel.to_frame()
    frame.loc[3, "value"] = 120.0
    frame.to_csv(tmp_path / "panel.csv", index=False)
    (tmp_path / "catalog.csv").unlink()
    after = report_run(tmp_path / "results", tmp_path / "again", charts=False)
    assert [p.read_bytes() for p in after] == [p.read_bytes() for p in before]
    assert _parse(tmp_path / "again" / "local-A.html").by_id["gpi"] == "100.0"


def test_report_shows_its_progress_when_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    panel, catalog = _three_regions()
    panel.to_frame().to_csv(tmp_path / "panel.csv", index=False)
    catalog.frame.to_csv(tmp_path / "catalog.csv", index=False)
    (tmp_path / "run.toml").write_text(
        '[run]\nyears = 2025\noutput = "results"\n'
        '[gpi.local]\npanel = "panel.csv"\ncatalog = "catalog.csv"\n'
    )
    assert main(["run", str(tmp_path / "run.toml"), "--quiet"]) == 0
    capsys.readouterr()
    report_run(tmp_path / "results", tmp_path / "quiet", charts=False)
    assert capsys.readouterr().err == ""  # off by default (and off the terminal)
    report_run(tmp_path / "results", tmp_path / "pages", charts=False, progress_bar=True)
    err = capsys.readouterr().err
    # three body pages and the overview (4 steps), the bar redrawn in place and ended by a
    # newline; tqdm (when installed) limits how often it redraws, the plain bar draws each step
    assert err.startswith("\rgovindex report") and err.endswith("\n") and err.count("\n") == 1
    assert "4/4" in err.rsplit("\r", 1)[-1]  # the last drawing shows every step done


def test_bad_input(tmp_path: Path) -> None:
    panel, catalog = _three_regions()
    res = performance_index(panel, catalog, year=2025)
    with pytest.raises(MethodError, match=r"unknown entit\(y/ies\) 'Z'"):
        write_reports(res, tmp_path, entities=["Z"])
    with pytest.raises(MethodError, match="results must be a PerformanceResult"):
        write_reports(res.scores, tmp_path)  # type: ignore[arg-type]
    with pytest.raises(MethodError, match="operational must be a OperationalResult"):
        write_reports(res, tmp_path, operational=res)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match=r"no manifest\.json"):
        report_run(tmp_path, tmp_path / "out")
    with pytest.raises(ConfigError, match="year 2019 is not a year of the run"):
        report_run(demo_config_path(), tmp_path / "out", year=2019, charts=False)


@pytest.mark.slow
def test_cli_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(demo_config_path()), "--out", str(tmp_path), "--no-charts"]) == 0
    assert "wrote 46 pages" in capsys.readouterr().out
    assert main(["report", str(tmp_path / "missing"), "--out", str(tmp_path)]) == 1
    assert "govindex report: error:" in capsys.readouterr().err


def _browser() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.mark.skipif(_browser() is None, reason="no headless browser (chromium) installed")
def test_body_page_renders_in_headless_browser(tmp_path: Path) -> None:
    from PIL import Image

    panel, catalog = _three_regions()
    pages = write_reports(performance_index(panel, catalog, year=2025), tmp_path, entities=["C"])
    shot = tmp_path / "shot.png"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                str(_browser()),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={profile}",
                f"--screenshot={shot}",
                "--window-size=390,1600",
                pages[1].as_uri(),
            ],
            check=False,
            capture_output=True,
            timeout=120,
        )
    assert shot.is_file() and shot.stat().st_size > 10_000
    with Image.open(shot) as im:
        colors = im.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colors is not None and len(colors) > 50  # text, cards and the chart, not a blank page
