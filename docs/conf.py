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

import govindex  # noqa: E402

project = "govindex"
author = "govindex developers"
copyright = "govindex developers, MIT licence"  # noqa: A001
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
