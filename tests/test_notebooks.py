"""The notebooks of ``notebooks/`` run top to bottom on the SYNTHETIC demo data.

Each notebook is executed in a fresh ``python3`` kernel of the running interpreter (nbclient
+ ipykernel, matplotlib backend ``Agg``, working directory ``notebooks/``). Several notebook
cells end with ``assert`` statements that check a result against a hand calculation or
statsmodels, so a notebook that runs is also an end-to-end check. The committed files must
carry no outputs (keeps git small and diffs readable) and must say at the top that the data
are SYNTHETIC.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = [
    "01_quickstart.ipynb",
    "02_npi_oecd.ipynb",
    "03_operational_appeal.ipynb",
    "04_batch_run.ipynb",
]
CELL_TIMEOUT = 120  # seconds per cell
#: Warnings that must not appear in any cell's output (pyproject turns them into errors in tests).
FORBIDDEN_WARNINGS = ("FutureWarning", "DeprecationWarning")


def _load(name: str) -> dict[str, Any]:
    return dict(json.loads((NOTEBOOK_DIR / name).read_text(encoding="utf-8")))


def _missing_runtime() -> list[str]:
    needed = ("nbclient", "nbformat", "ipykernel")
    return [m for m in needed if importlib.util.find_spec(m) is None]


def test_the_folder_holds_exactly_the_listed_notebooks() -> None:
    assert sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb")) == NOTEBOOKS
    assert (NOTEBOOK_DIR / "README.md").is_file()
    assert "SYNTHETIC" in (NOTEBOOK_DIR / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_committed_notebook_has_no_outputs(name: str) -> None:
    nb = _load(name)
    dirty = [
        k
        for k, cell in enumerate(nb["cells"])
        if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count"))
    ]
    assert not dirty, (
        f"{name}: code cells {dirty} carry outputs or execution counts; clear them before "
        f"committing (jupyter nbconvert --clear-output --inplace notebooks/{name})"
    )


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_says_the_data_are_synthetic_at_the_top(name: str) -> None:
    nb = _load(name)
    first = nb["cells"][0]
    assert first["cell_type"] == "markdown"
    assert "SYNTHETIC" in "".join(first["source"])
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


@pytest.fixture(scope="module")
def kernel_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ``python3`` kernelspec that starts ipykernel with *this* interpreter.

    Put first on ``JUPYTER_PATH`` so that a user-level ``python3`` kernelspec pointing at
    another Python cannot hijack the test.
    """
    missing = _missing_runtime()
    if missing:
        pytest.skip(
            f"cannot execute notebooks: {', '.join(missing)} not importable; "
            "install the test extra: pip install -e '.[test]'"
        )
    root = tmp_path_factory.mktemp("jupyter")
    spec_dir = root / "kernels" / "python3"
    spec_dir.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    return root


@pytest.mark.slow
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_top_to_bottom(
    name: str, kernel_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    # the kernel inherits os.environ when it starts: no GUI backend, our kernelspec first
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("JUPYTER_PATH", str(kernel_path))
    nb = nbformat.read(NOTEBOOK_DIR / name, as_version=4)
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )
    try:
        client.execute()
    except CellExecutionError as exc:
        pytest.fail(f"{name} failed:\n{exc}", pytrace=False)

    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.get("execution_count") for c in code), f"{name}: not every cell ran"
    stderr = "".join(
        out.get("text", "")
        for c in code
        for out in c.get("outputs", [])
        if out.get("output_type") == "stream" and out.get("name") == "stderr"
    )
    found = [w for w in FORBIDDEN_WARNINGS if w in stderr]
    assert not found, f"{name} emitted {found}:\n{stderr}"
