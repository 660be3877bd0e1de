"""glue_mast.jdaviz.batch_steps: the spectra of a load in steps share one Jdaviz batch, held
open across the steps and closed in steps, with what one ``batch_load()`` shows."""

import logging

import numpy as np
import pytest

import glue_mast
from glue_mast.config import conf
from glue_mast.io.described import read_fetched
from glue_mast.jdaviz import batch_steps
from glue_mast.jdaviz.sink import JdavizSink
from glue_mast.state.load import DescribedRead

pytest.importorskip("jdaviz")


@pytest.fixture
def fetched(local_mast, tmp_path):
    """TW Hya's COS LB4M01010: an x1d and an x1dsum file, two segments each: four spectra."""
    folder = tmp_path / "fetched"
    observations = glue_mast.search(target="TW Hya", radius="0.02 deg").all()
    chosen = observations[np.isin(observations["obs_id"], ["LB4M01010"])]
    products = glue_mast.products(chosen, mrp_only=False)
    return glue_mast.fetch(products, download_dir=folder)


def _read(fetched):
    datasets, unreadable = read_fetched(fetched)
    assert not unreadable and len(datasets) == 4
    return DescribedRead(datasets)


def _in_steps(app, read):
    """The kernel's loop, one queued step at a time; (added, error, steps run)."""
    queued, finished = [], []
    JdavizSink(app, dispatch_next=queued.append).add_in_steps(
        read, lambda *args: finished.append(args)
    )
    steps = 1
    while queued:
        queued.pop(0)()
        steps += 1
    ((added, error),) = finished
    return added, error, steps


def _shown(app):
    """What the app shows: each viewer's layers in order with their colour and visibility,
    its display units and limits, the datasets and the links."""
    viewers = {}
    for name, viewer in app._app._viewer_store.items():
        state = viewer.state
        viewers[name] = (
            [(layer.layer.label, layer.state.color, layer.visible) for layer in viewer.layers],
            getattr(state, "x_display_unit", None),
            getattr(state, "y_display_unit", None),
            tuple(np.round([state.x_min, state.x_max, state.y_min, state.y_max], 6)),
        )
    links = sorted(
        (link.data1.label, link.data2.label, tuple(c.label for c in link.cids1),
         tuple(c.label for c in link.cids2))
        for link in app._app.data_collection.external_links
    )
    dropdowns = [
        (type(plugin).__name__, [item["label"] for item in select.items], select.selected)
        for plugin, select in _dataset_dropdowns(app)
    ]
    return viewers, sorted(app.datasets), links, dropdowns


def _dataset_dropdowns(app):
    """(plugin, DatasetSelect) of each dataset dropdown of the app's hub, in its order."""
    from jdaviz.core.template_mixin import DatasetSelect

    return [
        (select.plugin, select)
        for select in list(app._app.hub._subscriptions.keys())
        if isinstance(select, DatasetSelect) and select._app is app._app
    ]


def _count_link_updates(app, monkeypatch):
    manager = app._app.data_collection._link_manager
    real = manager.update_externally_derivable_components
    calls = []

    def counted(*args, **kwargs):
        calls.append(len(app._app.data_collection))
        return real(*args, **kwargs)

    monkeypatch.setattr(manager, "update_externally_derivable_components", counted)
    return calls


def test_the_links_are_updated_once_after_the_spectra_not_once_per_spectrum(
    app, fetched, monkeypatch
):
    calls = _count_link_updates(app, monkeypatch)
    added, error, steps = _in_steps(app, _read(fetched))
    assert error is None and len(added.labels) == 4
    # One update, with all four in the collection (glue-core's, or glue-mast's linear one).
    assert calls == [4]
    assert app._in_batch_load == 0  # the batch is closed
    assert steps >= 4  # still one spectrum a step (and the closing)


def test_a_load_in_steps_shows_what_one_batch_shows(app, fetched):
    import jdaviz

    added, error, _ = _in_steps(app, _read(fetched))
    assert error is None
    one_batch = jdaviz.App()
    JdavizSink(one_batch).add(_read(fetched))
    assert _shown(app) == _shown(one_batch)
    with conf.set_temp("stepped_batch_load", False):  # a batch a step, as before
        each = jdaviz.App()
        _in_steps(each, _read(fetched))
    assert _shown(each) == _shown(one_batch)


def test_a_failing_step_closes_the_batch_and_shows_what_was_loaded(app, fetched):
    from glue_mast.jdaviz.kinds import order

    read = _read(fetched)
    read.datasets[:] = order(read.datasets)
    read.datasets[2].data = "not a spectrum"  # the third step cannot load it
    added, error, _ = _in_steps(app, read)
    assert added is None and error is not None
    assert app._in_batch_load == 0
    (viewer,) = app.viewers.values()
    assert sorted(viewer.data_menu.data_labels_loaded) == sorted(
        d.label for d in read.datasets[:2]
    )


def test_the_setting_off_makes_each_step_a_batch(app, fetched, monkeypatch):
    calls = _count_link_updates(app, monkeypatch)
    with conf.set_temp("stepped_batch_load", False):
        assert not batch_steps.usable(app)
        added, error, _ = _in_steps(app, _read(fetched))
    assert error is None and len(added.labels) == 4
    assert calls == list(range(1, 5))  # once per spectrum


def test_a_changed_batch_load_is_left_alone_and_logged_once(app, fetched, monkeypatch, caplog):
    monkeypatch.setattr(batch_steps, "JDAVIZ_BATCH_SHA256", "0" * 64)  # as if Jdaviz changed
    monkeypatch.setattr("glue_mast.util._declined", set())
    with caplog.at_level(logging.WARNING, logger="glue_mast"):
        assert not batch_steps.usable(app)
        added, error, _ = _in_steps(app, _read(fetched))
    assert error is None and len(added.labels) == 4
    declined = [r for r in caplog.records if "batch_load" in r.getMessage()]
    assert len(declined) == 1 and "stepped_batch_load" in declined[0].getMessage()


def test_a_batch_the_caller_holds_is_left_to_its_own_end(app, fetched):
    with app.batch_load():
        assert not batch_steps.usable(app)
        added, error, _ = _in_steps(app, _read(fetched))
        assert error is None and len(added.labels) == 4
        assert app._in_batch_load == 1
    assert app._in_batch_load == 0


def _stale_dropdowns(app):
    """The dataset dropdowns whose list is not the data collection's valid datasets."""
    collection = app._app.data_collection
    stale = []
    for plugin, select in _dataset_dropdowns(app):
        listed = [i["label"] for i in select.items if i["label"] not in select.manual_options]
        expected = [d.label for d in collection if select._is_valid_item(d)]
        icons = [i.get("icon") for i in select.items if i["label"] not in select.manual_options]
        expected_icons = [app._app.state.layer_icons.get(label) for label in expected]
        if listed != expected or icons != expected_icons:
            stale.append((type(plugin).__name__, len(collection), listed, expected))
    return stale


def test_the_dataset_dropdowns_are_rebuilt_once_when_the_batch_closes(app, fetched):
    selects = [select for _, select in _dataset_dropdowns(app)]
    rebuilt = []

    def counting(select):
        real = select._update_items

        def counted(*args, **kwargs):
            rebuilt.append(id(select))
            return real(*args, **kwargs)

        return counted

    for select in selects:  # what the layer-icon callback and the closing call
        select._update_items = counting(select)
    assert not _stale_dropdowns(app)
    queued, finished = [], []
    JdavizSink(app, dispatch_next=queued.append).add_in_steps(
        _read(fetched), lambda *args: finished.append(args)
    )
    while queued:
        queued.pop(0)()
    assert finished and finished[0][1] is None
    assert _stale_dropdowns(app) == []  # lists and layer icons up to date after the load
    # Each dropdown once (Jdaviz's own: on each spectrum's layer icon, and on its messages).
    assert sorted(rebuilt) == sorted(id(select) for select in selects)


def test_the_layer_icon_callbacks_are_put_back_in_jdavizs_order(app, fetched):
    state = app._app.state
    container = type(state).layer_icons._callbacks[state]
    before = list(container.callbacks)
    batch = batch_steps.SteppedBatch(app)
    batch.open()
    paused = list(container.callbacks)
    assert len(paused) == len(before) and paused != before
    stood_in = sum(a is not b for a, b in zip(paused, before, strict=True))
    assert stood_in == len(_dataset_dropdowns(app))
    for step in batch.close_steps():
        step()
    assert container.callbacks == before


def test_the_dataset_dropdowns_setting_off_leaves_them_to_jdaviz(app, fetched):
    from glue_mast.jdaviz import dataset_lists

    with conf.set_temp("quiet_dataset_lists", False):
        assert not dataset_lists.usable()
        batch = batch_steps.SteppedBatch(app)
        assert batch._lists is None
    assert dataset_lists.usable()


def test_a_changed_dataset_dropdown_is_left_alone_and_logged_once(app, monkeypatch, caplog):
    from glue_mast.jdaviz import dataset_lists

    monkeypatch.setattr(dataset_lists, "JDAVIZ_DATASET_SELECT_SHA256", "0" * 64)
    monkeypatch.setattr("glue_mast.util._declined", set())
    with caplog.at_level(logging.WARNING, logger="glue_mast"):
        assert not dataset_lists.usable()
        assert batch_steps.SteppedBatch(app)._lists is None
    declined = [r for r in caplog.records if "DatasetSelect" in r.getMessage()]
    assert len(declined) == 1 and "quiet_dataset_lists" in declined[0].getMessage()
