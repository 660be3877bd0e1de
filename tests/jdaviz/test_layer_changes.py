"""glue_mast.jdaviz.layer_changes: glue's ``State.as_dict`` and ``pop_changed_properties``
without listing every attribute each time, with the same answers and the same loads."""

import logging
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("jdaviz")

from echo import CallbackProperty
from glue.core.state_objects import State
from glue.viewers.common.layer_artist import LayerArtist

import glue_mast
from glue_mast.config import conf
from glue_mast.io.described import read_fetched
from glue_mast.jdaviz import layer_changes
from glue_mast.jdaviz.sink import JdavizSink
from glue_mast.state.load import DescribedRead

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def host_only():
    """glue's own methods for the test; the replacement as it was afterwards."""
    was = layer_changes.installed()
    layer_changes.uninstall()
    yield State.__dict__["as_dict"], LayerArtist.__dict__["pop_changed_properties"]
    if was:
        layer_changes.install()


@pytest.fixture
def fetched(local_mast, tmp_path):
    """TW Hya's COS LB4M01010: an x1d and an x1dsum file, two segments each: four spectra."""
    observations = glue_mast.search(target="TW Hya", radius="0.02 deg").all()
    chosen = observations[np.isin(observations["obs_id"], ["LB4M01010"])]
    products = glue_mast.products(chosen, mrp_only=False)
    return glue_mast.fetch(products, download_dir=tmp_path / "fetched")


class Plain(State):
    a = CallbackProperty(1)
    b = CallbackProperty("x")
    _hidden = CallbackProperty(3)

    def method(self):
        return None


class Derived(Plain):
    c = CallbackProperty([1, 2])


def test_as_dict_lists_what_glues_lists(host_only):
    own_as_dict, _ = host_only
    states = [Plain(), Derived(), Derived(a=5)]
    states[1].extra = "an instance attribute, not a property"
    own = [own_as_dict(state) for state in states]
    assert layer_changes.install()
    assert [state.as_dict() for state in states] == own
    assert [list(state.as_dict()) for state in states] == [list(d) for d in own]  # order


def test_a_property_added_to_a_class_later_is_listed(host_only):
    own_as_dict, _ = host_only
    assert layer_changes.install()
    state = Plain()
    assert list(state.as_dict()) == ["a", "b"]
    Plain.added = CallbackProperty(7)  # after the class's names were found
    try:
        assert state.as_dict() == own_as_dict(state) == {"a": 1, "added": 7, "b": "x"}
    finally:
        del Plain.added
    assert state.as_dict() == own_as_dict(state)


def _viewer_changes(app):
    """What each layer's pop_changed_properties answered (its layer artist asks on every
    change of its viewer's or its own state) during a few changes of the spectrum viewer."""
    (viewer,) = [v for v in app._app._viewer_store.values() if v.layers]
    answers = []

    def recording(i, layer):
        real = layer.pop_changed_properties

        def pop_changed_properties():
            changed = real()
            answers.append((i, sorted(changed)))
            return changed

        return pop_changed_properties

    for i, layer in enumerate(viewer.layers):
        layer.pop_changed_properties = recording(i, layer)
    viewer.state.x_min = viewer.state.x_min + 1
    viewer.layers[0].state.color = "#123456"
    viewer.layers[-1].state.linewidth = 4
    viewer.layers[1].state.visible = False
    viewer.state.x_max = viewer.state.x_max - 1
    return answers


def _read(fetched):
    datasets, unreadable = read_fetched(fetched)
    assert not unreadable and len(datasets) == 4
    return DescribedRead(datasets)


def _shown(app):
    """Each viewer's layers (label, colour, visibility), units and limits; the datasets."""
    viewers = {}
    for name, viewer in app._app._viewer_store.items():
        state = viewer.state
        viewers[name] = (
            [(layer.layer.label, layer.state.color, layer.visible) for layer in viewer.layers],
            getattr(state, "x_display_unit", None),
            getattr(state, "y_display_unit", None),
            tuple(np.round([state.x_min, state.x_max, state.y_min, state.y_max], 6)),
        )
    return viewers, sorted(app.datasets)


def test_a_load_shows_and_answers_what_glues_own_does(host_only, fetched):
    import jdaviz

    with conf.set_temp("fast_layer_changes", False):
        own = jdaviz.App()
        JdavizSink(own).add(_read(fetched))
        assert not layer_changes.installed()
        own_shown = _shown(own)
        own_answers = _viewer_changes(own)
    fast = jdaviz.App()
    JdavizSink(fast).add(_read(fetched))  # installs it, as a load from the plugin does
    assert layer_changes.installed()
    assert _shown(fast) == own_shown
    assert _viewer_changes(fast) == own_answers
    assert len({i for i, changed in own_answers if changed}) == 4  # each layer saw a change


def test_a_changed_host_is_left_alone_and_logged_once(host_only, monkeypatch, caplog):
    monkeypatch.setattr(layer_changes, "HOST_SHA256", "0" * 64)  # as if glue changed
    monkeypatch.setattr("glue_mast.util._declined", set())
    with caplog.at_level(logging.WARNING, logger="glue_mast"):
        assert layer_changes.install() is False
        assert layer_changes.install() is False
    assert State.__dict__["as_dict"] is host_only[0]
    declined = [r for r in caplog.records if "as_dict" in r.getMessage()]
    assert len(declined) == 1 and "fast_layer_changes" in declined[0].getMessage()


def test_the_setting_turns_it_off_and_puts_glues_back(host_only):
    assert layer_changes.install() and layer_changes.installed()
    assert State.__dict__["as_dict"] is not host_only[0]
    with conf.set_temp("fast_layer_changes", False):
        assert layer_changes.install() is False
        assert State.__dict__["as_dict"] is host_only[0]
        assert LayerArtist.__dict__["pop_changed_properties"] is host_only[1]
    assert layer_changes.install() and layer_changes.install()  # idempotent
    layer_changes.uninstall()
    assert State.__dict__["as_dict"] is host_only[0]


#: glue's own tests of state objects, profile viewer states and viewers' layers (glue-jupyter's
#: own tests need a display backend, jupyter_rfb, that a headless test run lacks).
HOST_TESTS = [
    "glue.core.tests.test_state_objects",
    "glue.viewers.profile.tests.test_state",
    "glue.viewers.common.tests",
]


def test_glues_own_tests_pass_with_it(tmp_path):
    code = textwrap.dedent(
        f"""
        import sys
        import pytest
        from glue_mast.jdaviz import layer_changes

        assert layer_changes.install()
        status = pytest.main({HOST_TESTS!r} + [
            "--pyargs", "-q", "-p", "no:cacheprovider", "-W", "ignore", "-o", "addopts=",
        ])
        assert layer_changes.installed()
        sys.exit(status)
        """
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), *sys.path]))
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=900,
    )
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    last = out.stdout.strip().splitlines()[-1]
    assert re.search(r"\d+ passed", last) and "failed" not in last, last
