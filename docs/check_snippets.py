"""Run every Python snippet of docs/getting-started.md, in order, in a temporary folder.

Usage: ``python docs/check_snippets.py`` (exit status 0 when every snippet runs). The
``text`` block of the page provides ``observations.csv`` and ``catalog.csv``; the
``.. plot::`` directives run with matplotlib's Agg backend.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import textwrap
import warnings
from pathlib import Path

PAGE = Path(__file__).resolve().parent / "getting-started.md"
SPLIT = 38  # column where catalog.csv starts in the side-by-side text block

#: Numbers the page states, checked after the snippets ran (expression, expected value).
CHECKS = [
    (
        'str(load_demo("leb")[0])',
        "<Panel: 12,000 observations, 20 entities × 50 indicators × 12 years (2014–2025), "
        "with sample sizes>",
    ),
    ('res.scores.sort_values("rank").index[:3].tolist()', ["R10", "R08", "R01"]),
    ('round(float(res.scores.loc["R10", "gpi"]), 6)', 73.390299),
    ('int((res.changes["class"] == "improved").sum())', 555),
    (
        'res.changes.set_index(["entity", "indicator"]).loc[("R07", "LEB_SRV03"), "class"]',
        "stable",
    ),
    (
        'cgb.scores.loc["MIND", "reason"]',
        "indicator coverage 0.00 below threshold 0.67 (0 of 6 indicators scored)",
    ),
    ('mine.scores["gpi"].round(6).tolist()', [65.0, 68.242415]),
    ("(round(npi.npi_reference, 1), round(npi.npi_base, 1))", (73.7, 133.8)),
    (
        "str(sc)",
        "Scorecard(code='local', year=2019, blocks=3, directions=7, criteria=29, "
        "bonus=1, penalty=1, max_points=100)",
    ),
    ("final.stage", "final"),
]


def _plot_snippets(src: str) -> list[str]:
    """The code of every ``.. plot::`` directive (inside ``{eval-rst}`` blocks)."""
    out: list[str] = []
    lines = src.splitlines()
    for k, line in enumerate(lines):
        if line.strip() != ".. plot::":
            continue
        body: list[str] = []
        for ln in lines[k + 1 :]:
            if (ln.strip() and not ln.startswith("   ")) or ln.startswith("```"):
                break
            if not ln.strip().startswith(":"):
                body.append(ln)
        out.append(textwrap.dedent("\n".join(body)).strip() + "\n")
    return out


def main() -> int:
    import matplotlib

    matplotlib.use("Agg")
    src = PAGE.read_text(encoding="utf-8")
    block = re.search(r"```text\n(.*?)```", src, re.S)
    if block is None:
        print(f"{PAGE.name}: no text block with the example files", file=sys.stderr)
        return 1
    lines = block.group(1).splitlines()[1:]  # skip the file-name header
    observations = [ln[:SPLIT].rstrip() for ln in lines if ln[:SPLIT].strip()]
    catalog = [ln[SPLIT:].strip() for ln in lines if ln[SPLIT:].strip()]
    snippets = [("python", c) for c in re.findall(r"```python\n(.*?)```", src, re.S)]
    snippets += [("plot", c) for c in _plot_snippets(src)]
    namespace: dict[str, object] = {}
    cwd = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)
        try:
            Path("observations.csv").write_text("\n".join(observations) + "\n", encoding="utf-8")
            Path("catalog.csv").write_text("\n".join(catalog) + "\n", encoding="utf-8")
            for k, (kind, code) in enumerate(snippets, 1):
                first = code.strip().splitlines()[0]
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # the page shows the expected warnings
                    try:
                        exec(compile(code, f"<{kind} snippet {k}>", "exec"), namespace)
                    except Exception as exc:
                        print(
                            f"FAILED {kind} snippet {k} ({first!r}): {type(exc).__name__}: {exc}"
                        )
                        return 1
                print(f"ok     {kind} snippet {k}: {first}")
            for expr, expected in CHECKS:
                got = eval(expr, namespace)
                if got != expected:
                    print(f"WRONG  {expr}: the page says {expected!r}, the code gives {got!r}")
                    return 1
        finally:
            os.chdir(cwd)
    print(f"{len(snippets)} snippets of {PAGE.name} ran; {len(CHECKS)} stated numbers checked")
    return 0


if __name__ == "__main__":
    sys.exit(main())
