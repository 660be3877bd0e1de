"""A solara page serving one Jdaviz app per browser session, with glue-mast's plugin.

Served by ``solara run`` in tests/jdaviz/test_browser.py. It avoids ``jdaviz.solara``, whose
kernel-close hook ends the whole server process when any one page closes.
"""

import os
from pathlib import Path

import ipygoldenlayout
import ipysplitpanes
import ipyvue
import jdaviz
import solara
from jdaviz.app import custom_components

import glue_mast
from glue_mast.archive import astroquery_adapter

glue_mast.configure(
    server=os.environ["GLUE_MAST_TEST_SERVER"],
    download_dir=os.path.join(os.environ["GLUE_MAST_TEST_DIR"], "downloads"),
    cache_dir=os.path.join(os.environ["GLUE_MAST_TEST_DIR"], "cache"),
)
astroquery_adapter.apply()


def create_shared_widgets():
    ipysplitpanes.SplitPanes()
    ipygoldenlayout.GoldenLayout()
    root = os.path.dirname(jdaviz.__file__)
    for name, path in custom_components.items():
        ipyvue.register_component_from_file(None, name, os.path.join(root, path))
    ipyvue.register_component_from_file("g-viewer-tab", "container.vue", jdaviz.__file__)


@solara.component
def Layout(children=[]):  # noqa: B006 - solara's signature
    return solara.Column(children=children, style={"padding": "0", "margin": "0"})


@solara.component
def Page():
    solara.use_memo(create_shared_widgets, [])
    # A Path, not a str: solara.Style takes a str as the CSS itself. Jdaviz's CSS bounds the
    # app to the window's height, so the tray scrolls and the viewer keeps its place.
    solara.Style(Path(jdaviz.__file__).parent / "solara.css")
    app, set_app = solara.use_state(None)
    solara.use_effect(lambda: set_app(jdaviz.App()._app), [])
    solara.Column(children=[app] if app is not None else [])
