"""glue-mast appears in Jdaviz apps: by glue's entry point, by the new-app hook, by hand."""

import os
import subprocess
import sys
import textwrap

import jdaviz
from jdaviz.core.registries import tray_registry

import glue_mast
from glue_mast.jdaviz import PLUGIN_LABEL, PLUGIN_NAME, add_to_app

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _downstream(app):
    return [p["name"] for p in app._app.state.downstream_packages]


def test_entry_point_registers_before_the_tray_is_built(tmp_path):
    # A fresh interpreter that never imports glue_mast: glue's plugin loader does, while
    # jdaviz builds the app, and the tray then holds the plugin.
    code = textwrap.dedent(
        """
        import sys
        import jdaviz
        before = "glue_mast" in sys.modules
        app = jdaviz.App()
        print(before, "glue_mast" in sys.modules, "MAST Search" in app.plugins)
        print([p["name"] for p in app._app.state.downstream_packages])
        """
    )
    env = dict(os.environ, PYTHONPATH=ROOT, HOME=str(tmp_path))
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=240,
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.strip().splitlines()
    assert lines[0] == "False True True"
    assert lines[1] == "['glue-mast']"


def test_default_app_has_the_plugin_and_lists_glue_mast_in_about(app):
    assert PLUGIN_LABEL in app.plugins
    assert repr(app.plugins[PLUGIN_LABEL]) == "<MAST Search API>"
    assert _downstream(app) == ["glue-mast"]
    about = app._app.get_tray_item_from_name("about")
    assert about.downstream_packages == [
        {"name": "glue-mast", "version": glue_mast.__version__, "abbreviation": "gm"}
    ]


def test_app_built_before_registration_gets_the_plugin(monkeypatch):
    member = tray_registry.members.pop(PLUGIN_NAME)
    try:
        app = jdaviz.App()
        assert PLUGIN_LABEL not in app.plugins
    finally:
        tray_registry.members[PLUGIN_NAME] = member
    add_to_app(app)
    assert PLUGIN_LABEL in app.plugins
    assert _downstream(app) == ["glue-mast"]
    add_to_app(app)  # twice changes nothing
    labels = [item["label"] for item in app._app.state.tray_items]
    assert labels.count(PLUGIN_LABEL) == 1


def test_new_app_hook_adds_the_plugin():
    member = tray_registry.members.pop(PLUGIN_NAME)
    try:
        app = jdaviz.App()
    finally:
        tray_registry.members[PLUGIN_NAME] = member
    assert PLUGIN_LABEL not in app.plugins
    # jdaviz runs its new-app hooks (glue-mast's is add_to_app) for apps it tracks.
    assert add_to_app in jdaviz._new_app_hooks
    for hook in jdaviz._new_app_hooks:
        if hook is add_to_app:
            hook(app)
    assert PLUGIN_LABEL in app.plugins


def test_configured_app_gets_the_plugin_by_hand():
    from jdaviz import Specviz

    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Specviz is deprecated in favour of App
        specviz = Specviz()
    assert PLUGIN_LABEL not in specviz.plugins
    add_to_app(specviz)
    assert PLUGIN_LABEL in specviz.plugins
