"""The layering rules of docs/architecture.md: no import upwards, matplotlib and Dask imported
lazily.

Every ``import govindex...`` statement of the source is read (module level, inside functions
and under ``TYPE_CHECKING`` alike) and checked against the layer of the importing module.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "govindex"

#: Top-level modules that form the core (private helpers such as ``_provenance`` included).
CORE = {"panel", "catalog", "methods", "change", "classification", "transform", "normalize",
        "aggregate", "results", "exceptions", "entities", "i18n"}  # fmt: skip
OUTER = {"analysis", "io", "report", "plotting", "operational", "datasets", "demo", "cli"}
#: Layer of the importing module → the top-level parts of govindex it must not import.
FORBIDDEN = {
    "core": {"indices", "prepare"} | OUTER,
    "prepare": {"indices"} | OUTER,
    "indices": OUTER,
}


def _layer(path: Path) -> str | None:
    part = path.relative_to(SRC).parts[0].removesuffix(".py")
    if part in CORE or (part.startswith("_") and part != "__init__"):
        return "core"
    return part if part in FORBIDDEN else None


def _imported(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
    return [(line, name) for line, name in found if name.split(".")[0] == "govindex"]


def test_no_module_imports_upwards() -> None:
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        layer = _layer(path)
        if layer is None:
            continue
        for line, name in _imported(ast.parse(path.read_text(encoding="utf-8"))):
            parts = name.split(".")
            if len(parts) > 1 and parts[1] in FORBIDDEN[layer]:
                offenders.append(f"{path.relative_to(SRC.parent)}:{line} imports {name}")
    assert not offenders, (
        "imports against the data flow (docs/architecture.md, 'The rules'); move the code "
        "down to the layer it needs, or the caller up:\n" + "\n".join(offenders)
    )


def test_the_rule_catches_an_upward_import() -> None:
    tree = ast.parse("def f():\n    from govindex.plotting import plot_npi\n")
    assert _imported(tree) == [(2, "govindex.plotting")]
    assert _layer(SRC / "aggregate.py") == "core"
    assert _layer(SRC / "indices" / "gpi.py") == "indices"
    assert "plotting" in FORBIDDEN["core"]


@pytest.mark.slow
def test_importing_every_package_leaves_matplotlib_and_dask_unloaded() -> None:
    code = (
        "import sys, govindex, govindex.indices, govindex.prepare, govindex.analysis, "
        "govindex.io, govindex.report, govindex.operational, govindex.plotting, "
        "govindex.datasets, govindex.demo, govindex.cli\n"
        "import govindex.analysis._blocks\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'matplotlib', 'dask', "
        "'distributed'}))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert proc.stdout.strip() == "[]", proc.stdout
