"""Sphinx configuration of the govindex documentation.

Build (warnings are errors): ``bash docs/build.sh [python]``, i.e.
``python -m sphinx -W --keep-going -b html docs docs/_build/html`` from the repository root.
No extension fetches anything over the network.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # the plot directive renders charts without a display

# Document the checkout being built (also when an older govindex is installed).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import govindex

project = "govindex"
author = "govindex developers"
copyright = "govindex developers, MIT licence"
release = govindex.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "matplotlib.sphinxext.plot_directive",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
# methodology_changes.md is not a page of its own: methodology.md includes it.
exclude_patterns = ["_build", "methodology_changes.md", "Thumbs.db", ".DS_Store"]
language = "en"

# -- MyST ---------------------------------------------------------------------------
myst_heading_anchors = 3  # "operational.md#1-scorecard-file-format" style links
myst_enable_extensions = ["colon_fence", "deflist"]

# -- autodoc / autosummary / numpydoc ------------------------------------------------
autosummary_generate = False  # summary tables only; the entries are documented by autodoc
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "signature"
autodoc_preserve_defaults = True
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# -- matplotlib plot directive (charts of the SYNTHETIC demo data) -------------------
plot_include_source = True
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 90)]
plot_rcparams = {"figure.max_open_warning": 0}

# -- HTML ------------------------------------------------------------------------------
html_theme = "alabaster"
html_title = f"govindex {release}"
html_theme_options = {
    "description": "Government performance indices",
    "fixed_sidebar": True,
    "page_width": "1180px",
    "sidebar_width": "230px",
}
html_sidebars = {"**": ["about.html", "navigation.html", "searchbox.html"]}
html_static_path: list[str] = []
html_last_updated_fmt = None


# -- every public name is documented -----------------------------------------------------
#: Package → API page that must document every name of the package's ``__all__``.
API_PAGES = {
    "govindex": "api/govindex.md",
    "govindex.datasets": "api/datasets.md",
    "govindex.plotting": "api/plotting.md",
    "govindex.operational": "api/operational.md",
}
#: Names of ``govindex.__all__`` documented on another page (the operational re-exports).
DOCUMENTED_ELSEWHERE = {"govindex": "govindex.operational"}


def _check_api_coverage(app: object) -> None:
    """Warn (an error under ``-W``) for a public name that no API page documents."""
    import importlib
    import re

    from sphinx.util import logging

    logger = logging.getLogger("govindex.docs")
    here = Path(__file__).resolve().parent
    texts = {pkg: (here / page).read_text(encoding="utf-8") for pkg, page in API_PAGES.items()}

    def documented(pkg: str, name: str) -> bool:
        pattern = (
            rf"(?m)^\.\. (?:py:|auto)?(?:function|class|exception|data)::\s+{re.escape(name)}\s*$"
        )
        if re.search(pattern, texts[pkg]):
            return True
        other = DOCUMENTED_ELSEWHERE.get(pkg)
        return other is not None and name in importlib.import_module(other).__all__

    for pkg, page in API_PAGES.items():
        missing = [n for n in importlib.import_module(pkg).__all__ if not documented(pkg, n)]
        if missing:
            logger.warning(
                "%s.__all__ has name(s) not documented in %s: %s",
                pkg,
                page,
                ", ".join(missing),
                location=page.removesuffix(".md"),
            )


def setup(app: object) -> dict[str, bool]:
    app.connect("builder-inited", _check_api_coverage)  # type: ignore[attr-defined]
    return {"parallel_read_safe": True, "parallel_write_safe": True}
