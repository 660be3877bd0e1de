"""Sphinx configuration of glue-mast's documentation (the astropy style: sphinx-astropy).

Build it with ``sphinx-build -W -b html docs docs/_build/html``; tests/test_docs.py does so
too. The pages are Markdown (MyST), so that each reads as well on GitHub as on the site; the
API reference is sphinx-automodapi over the numpydoc docstrings.
"""

import datetime
import pathlib
import shutil

from sphinx_astropy.conf.v2 import *  # noqa: F403  (astropy's shared Sphinx settings)

import glue_mast

project = "glue-mast"
author = "glue-mast developers"
copyright = f"{datetime.date.today().year}, {author}"  # noqa: A001
version = release = glue_mast.__version__

extensions += ["myst_parser"]  # noqa: F405
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns += ["_build", "**/.ipynb_checkpoints"]  # noqa: F405

# MyST: the "#why-not-parfive" style anchors GitHub gives headings, so that links between
# pages work on both; ``{note}``-style fences only where a page needs them.
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence"]

# The build runs offline (CI has no internet): no inventories of other projects are fetched,
# so cross-references to astropy or numpy stay plain text instead of failing the build.
intersphinx_mapping = {}

# Only the project's own objects are documented; a reference to another package's object in
# a docstring type ("astropy.table.Table") has no target offline, so nitpicky stays off.
nitpicky = False

# automodapi: one page per object under docs/api/, no inheritance diagrams (they need
# graphviz, which a plain pip install does not bring).
automodapi_toctreedirnm = "api"
# Those pages are generated afresh on every build: a page left from an object since removed
# would otherwise be "not included in any toctree" and fail the -W build.
shutil.rmtree(pathlib.Path(__file__).parent / automodapi_toctreedirnm, ignore_errors=True)
automodapi_inheritance_diagram = False
automodsumm_inherited_members = False
numpydoc_show_class_members = False

html_theme_options = {
    "github_url": "https://github.com/glue-mast/glue-mast",
    "navigation_depth": 2,
    "show_nav_level": 1,
    "use_edit_page_button": False,
}
html_static_path = ["_static"]
html_title = f"glue-mast {version}"
