"""Loading into Jdaviz in steps: the kernel's event loop runs between datasets, and the MAST
Search plugin says "loading k of n"."""

import asyncio

import numpy as np

import glue_mast
from glue_mast.io.described import read_fetched
from glue_mast.jdaviz.sink import JdavizSink
from glue_mast.state.load import DescribedRead

#: COS LB4M01010: an x1d and an x1dsum file, two segments each: four spectra.
COS_SPECTRA = [
    f"LB4M01010{kind} {segment} (HST COS/FUV)"
    for kind in (" X1D", " X1DSUM")
    for segment in ("FUVA", "FUVB")
]


def _viewer_labels(app):
    (viewer,) = app.viewers.values()
    return viewer.data_menu.data_labels_loaded


def test_the_kernels_loop_runs_between_the_datasets_of_a_load(app, plg, local_mast):
    plg.target = "TW Hya"
    plg.search()
    plg._obj.mrp_only = False  # the x1d and the x1dsum: four spectra, four steps
    plg.select(observations="LB4M01010", products="all")
    plugin = plg._obj
    seen = []  # what a callback queued on the kernel's loop saw, each time it ran

    async def click_load():
        loop = asyncio.get_running_loop()
        plugin._loop = loop  # as in a kernel: the plugin's loop is the one running

        def queued_work():
            seen.append((plugin.progress_text, len(app._app.data_collection)))
            if plugin.fetching:
                loop.call_soon(queued_work)

        plugin.vue_load({})
        loop.call_soon(queued_work)
        while plugin.fetching:
            await asyncio.sleep(0.01)

    asyncio.run(click_load())
    assert plugin.error == ""
    assert plugin.message == "2 files downloaded; loaded 4 datasets"
    n = len(COS_SPECTRA)
    # Between two steps the loop ran queued work: it saw each dataset added, one at a time,
    # with the progress bar saying which.
    for k in range(1, n):
        assert (f"loading {k} of {n}", k) in seen, seen
    assert sorted(app.datasets) == sorted(COS_SPECTRA)
    # As one batch would: all overlaid in one viewer, linked.
    assert sorted(_viewer_labels(app)) == sorted(COS_SPECTRA)
    assert len(app._app.data_collection.external_links) >= n - 1


def test_a_notebook_load_shows_each_step_and_returns_when_all_are_loaded(app, plg, local_mast):
    plg.target = "TW Hya"
    plg.search()
    plg._obj.mrp_only = False  # the x1d and the x1dsum: four spectra, four steps
    plg.select(observations="LB4M01010", products="all")
    shown = []
    plg._obj.observe(lambda change: shown.append(change["new"]), names=["progress_text"])
    labels = plg.load_selected()
    assert sorted(labels) == sorted(COS_SPECTRA) == sorted(app.datasets)
    steps = [text for text in shown if text.startswith("loading")]
    assert steps == [f"loading {k} of 4" for k in range(1, 5)]


def test_each_step_adds_one_dataset_and_hands_the_next_to_the_loop(app, local_mast, tmp_path):
    import jdaviz

    spectra = _fetch("TW Hya", tmp_path / "a", ["LB4M01010"])
    datasets, unreadable = read_fetched(spectra)
    assert not unreadable and len(datasets) == 4
    queued, progress, finished = [], [], []
    sink = JdavizSink(
        app, dispatch_next=queued.append, progress=lambda k, n: progress.append((k, n))
    )
    sink.add_in_steps(DescribedRead(datasets), lambda *args: finished.append(args))
    n = len(datasets)
    counts = [len(app.datasets)]
    while queued:  # the kernel's loop, one queued call at a time
        assert not finished
        queued.pop(0)()
        counts.append(len(app.datasets))
    assert progress == [(k, n) for k in range(1, n + 1)]
    # The first step at once, each other dispatched; then the steps that close the spectra's
    # batch (the link update, a deferred layer each) and show them, adding nothing.
    assert counts[:n] == list(range(1, n + 1))
    assert set(counts[n:]) == {n}
    ((added, error),) = finished
    assert error is None
    assert sorted(added.labels) == sorted(COS_SPECTRA)
    assert added.not_shown == []
    # The same datasets, viewer and links as one batch in a new app.
    other = jdaviz.App()
    JdavizSink(other).add(DescribedRead(_reread(spectra)))
    assert sorted(other.datasets) == sorted(app.datasets)
    assert sorted(_viewer_labels(other)) == sorted(_viewer_labels(app))
    assert _link_pairs(other) == _link_pairs(app)
    state, other_state = (
        next(iter(a._app._viewer_store.values())).state for a in (app, other)
    )
    assert np.isclose(state.x_min, other_state.x_min) and np.isclose(state.y_max, other_state.y_max)


def test_a_step_that_fails_ends_the_load_with_its_error(app, local_mast, tmp_path):
    from glue_mast.jdaviz.kinds import order

    datasets, _ = read_fetched(_fetch("TW Hya", tmp_path, ["LB4M01010"]))
    datasets = order(datasets)  # the order the steps take them in
    datasets[1].data = "not a spectrum"  # the second step cannot load it
    queued, finished = [], []
    sink = JdavizSink(app, dispatch_next=queued.append)
    sink.add_in_steps(DescribedRead(datasets), lambda *args: finished.append(args))
    while queued:
        queued.pop(0)()
    ((added, error),) = finished
    assert added is None and error is not None
    assert len(app.datasets) == 1  # the first step's dataset stays; no step after the failure


def _fetch(target, folder, obs_ids=None):
    observations = glue_mast.search(target=target, radius="0.02 deg").all()
    if obs_ids is not None:
        observations = observations[np.isin(observations["obs_id"], obs_ids)]
    # Every calibrated product: the x1d and the x1dsum of each observation.
    products = glue_mast.products(observations, mrp_only=False)
    return glue_mast.fetch(products, download_dir=folder)


def _reread(*fetches):
    out = []
    for result in fetches:
        datasets, _ = read_fetched(result, taken=[d.label for d in out])
        out += datasets
    return out


def _link_pairs(app):
    """Each link (Jdaviz's LinkSameWithUnits) as the datasets and components it joins."""
    return sorted(
        (
            link.data1.label,
            link.data2.label,
            tuple(c.label for c in link.cids1),
            tuple(c.label for c in link.cids2),
        )
        for link in app._app.data_collection.external_links
    )
