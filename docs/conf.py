"""Sphinx configuration of the govindex documentation.

Build (warnings are errors): ``bash docs/build.sh [python]``, i.e.
``python -m sphinx -W --keep-going -b html docs docs/_build/html`` from the repository root.
No extension fetches anything over the network.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

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
exclude_patterns = ["_build", "_gallery", "methodology_changes.md", "Thumbs.db", ".DS_Store"]
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
#: Package or core module → API page that must document every name of its ``__all__``.
#: Each name is documented once, under the public module that defines it (where its
#: ``__module__`` points, so signature annotations link to it); the top-level page lists the
#: verbs of ``govindex.__all__`` in summary tables that link to those entries.
CORE_MODULES = (
    "panel", "catalog", "methods", "change", "classification", "transform", "normalize",
    "aggregate", "results", "exceptions", "entities", "i18n",
)  # fmt: skip
API_PAGES = {
    "govindex": "api/govindex.md",
    **{f"govindex.{module}": "api/core.md" for module in CORE_MODULES},
    "govindex.indices": "api/indices.md",
    "govindex.prepare": "api/prepare.md",
    "govindex.analysis": "api/analysis.md",
    "govindex.io": "api/io.md",
    "govindex.report": "api/report.md",
    "govindex.operational": "api/operational.md",
    "govindex.plotting": "api/plotting.md",
    "govindex.datasets": "api/datasets.md",
    "govindex.demo": "api/datasets.md",
}
#: Package whose names are documented on their home pages and only listed on its own page.
TOP_LEVEL = "govindex"


def home_module(package: str, name: str) -> str:
    """The public module that documents ``package.name``.

    A class or function: the module it was defined in (``__module__``), cut before the first
    private component (``govindex.plotting._common`` → ``govindex.plotting``). A constant or
    type alias: the public submodule of ``package`` whose ``__all__`` lists it, else ``package``.
    """
    import importlib
    import inspect
    import pkgutil

    pkg = importlib.import_module(package)
    obj = getattr(pkg, name)
    defined_in = str(getattr(obj, "__module__", ""))
    if (inspect.isclass(obj) or inspect.isfunction(obj)) and defined_in.startswith("govindex"):
        parts = defined_in.split(".")
        cut = next((i for i, part in enumerate(parts) if part.startswith("_")), len(parts))
        return ".".join(parts[:cut])
    for info in pkgutil.iter_modules(getattr(pkg, "__path__", [])):
        if not info.name.startswith("_"):
            sub = importlib.import_module(f"{package}.{info.name}")
            if name in getattr(sub, "__all__", ()):
                return sub.__name__
    return package


def _check_api_coverage(app: Any, env: Any) -> None:
    """Warn (an error under ``-W``) for a public name that its API page does not document.

    A name of a package's ``__all__`` must be documented (``autofunction``, ``autoclass``,
    ``py:data``, …) on the package's page under its home module (:func:`home_module`). A name
    of ``govindex.__all__`` must be documented on the page of its subpackage or core module and
    listed on the top-level page by its full name (an ``autosummary`` entry); a dunder such as
    ``__version__`` is documented on the top-level page itself.
    """
    import importlib

    from sphinx.util import logging

    logger = logging.getLogger("govindex.docs")
    objects = env.get_domain("py").objects
    here = Path(__file__).resolve().parent
    top_page = (here / API_PAGES[TOP_LEVEL]).read_text(encoding="utf-8")
    for package, page in API_PAGES.items():
        problems = []
        for name in importlib.import_module(package).__all__:
            full = f"{home_module(package, name)}.{name}"
            entry = objects.get(full)
            documented = entry is not None and not entry.aliased
            if package == TOP_LEVEL and not full.startswith(f"{TOP_LEVEL}.__"):
                listed = re.search(rf"(?m)^\s+~?{re.escape(full)}\s*$", top_page)
                if not (documented and listed):
                    problems.append(full)
            elif not (documented and entry.docname == page.removesuffix(".md")):
                problems.append(full)
        if problems:
            logger.warning(
                "%s.__all__ has name(s) not documented in %s: %s",
                package,
                page,
                ", ".join(problems),
                location=page.removesuffix(".md"),
            )


def _alias_reexports(app: Any, env: Any) -> None:
    """Make the path a user types a cross-reference target: ``govindex.<name>``,
    ``govindex.plotting.<name>``, … for every name a package re-exports.

    Docstrings and pages may write :func:`govindex.read_panel`,
    :meth:`govindex.Panel.from_frame` or :func:`govindex.plotting.plot_npi`; each resolves
    to the one entry under the home module (``govindex.io.read.read_panel``, …), members
    included.
    """
    import importlib

    from sphinx.domains.python import ObjectEntry

    objects = env.get_domain("py").objects
    for package in API_PAGES:
        for name in importlib.import_module(package).__all__:
            full = f"{home_module(package, name)}.{name}"
            members = [key for key in objects if key == full or key.startswith(f"{full}.")]
            for key in members:  # the object, its methods and attributes
                alias = f"{package}.{name}{key.removeprefix(full)}"
                target = objects[key]
                if alias not in objects:
                    objects[alias] = ObjectEntry(
                        target.docname, target.node_id, target.objtype, True
                    )
                    env.govindex_aliases = [*getattr(env, "govindex_aliases", []), alias]


def _drop_aliases(app: Any, env: Any, docnames: list[str]) -> None:
    """Forget the aliases of the previous build before pages are read again: an incremental
    build would otherwise see an alias as a second description of the object."""
    objects = env.get_domain("py").objects
    for alias in getattr(env, "govindex_aliases", []):
        objects.pop(alias, None)
    env.govindex_aliases = []


def _render_gallery(app: Any) -> None:
    """Draw every chart of the gallery (``charts.md``) into ``docs/_gallery`` from the bundled
    data, before the pages are read (a failure stops the build)."""
    here = Path(__file__).resolve().parent
    sys.path.insert(0, str(here))
    try:
        import gallery
    finally:
        sys.path.remove(str(here))
    gallery.render(here / "_gallery")


def setup(app: Any) -> dict[str, bool]:
    app.connect("builder-inited", _render_gallery)
    app.connect("env-check-consistency", _check_api_coverage)
    app.connect("env-check-consistency", _alias_reexports)
    app.connect("env-before-read-docs", _drop_aliases)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
