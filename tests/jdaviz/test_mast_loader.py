"""The "mast" loader: a source in Load Data, and ``app.load(target, loader="mast")``."""

import re
import time

import jdaviz
import numpy as np
import pytest

from glue_mast.jdaviz import add_to_app
from glue_mast.jdaviz.loading import PROVENANCE_KEY

#: MAST's recommended product of each observation (its x1dsum), two segments each.
COS_LABELS = sorted(
    f"{obs_id} {segment} (HST COS/FUV)"
    for obs_id in ("LB4M01010", "LB4M01020")
    for segment in ("FUVA", "FUVB")
)


def test_mast_is_a_load_data_source(app):
    assert "mast" in list(app.loaders)  # beside Jdaviz's (and lcviz's) own
    assert [item["name"] for item in app._app.state.loader_items].count("mast") == 1


def test_other_loads_never_query_mast(app, local_mast):
    with pytest.raises(ValueError, match="No valid loaders found"):
        app.load("no_such_file_or_target")
    with pytest.raises(ValueError, match="No valid loaders found"):
        app.load("typo.fits")
    # a target name is searched only when the mast loader is asked for
    with pytest.raises(ValueError, match=r"mast\.+ Input considered invalid by resolver"):
        app.load("TW Hya", obs_collection="HST")
    # an array is for the object loader (which offers two formats), never for MAST
    with pytest.raises(ValueError, match="Multiple valid loaders found") as raised:
        app.load(np.arange(10.0))
    assert "mast" not in str(raised.value)
    app.load(np.arange(10.0), format="1D Spectrum")
    assert list(app.datasets) == ["1D Spectrum"]
    assert local_mast.log == []


def _matching_under_another_name():
    """Jdaviz's loader matching, as a function of its own (as a new jdaviz might have it)."""
    import types

    from jdaviz.core.loaders.resolvers import resolver as resolvers

    original = resolvers.find_matching_resolver
    code = original.__code__.replace(co_name="match_loaders")
    return types.FunctionType(code, original.__globals__, "match_loaders",
                              original.__defaults__)


def test_a_jdaviz_that_builds_loaders_another_way_gets_a_clear_error(app, local_mast,
                                                                     monkeypatch):
    """If Jdaviz stops building loaders in find_matching_resolver, asking fails loudly."""
    monkeypatch.setattr(
        "jdaviz.core.helpers.find_matching_resolver", _matching_under_another_name()
    )
    with pytest.raises(ValueError, match="No valid loaders found") as raised:
        app.load("TW Hya", loader="mast", obs_collection="HST")
    message = " ".join(str(raised.value).split())
    assert (
        "glue-mast's 'mast' loader cannot tell whether it was asked for by name in jdaviz "
        f"{jdaviz.__version__}" in message
    )
    assert "search with app.loaders['mast'].search() or the MAST Search plugin" in message
    # other loads still work, and neither sent anything to MAST
    with pytest.raises(ValueError, match="No valid loaders found"):
        app.load("typo.fits")
    assert local_mast.log == []


def test_only_jdaviz_own_matching_counts_as_a_request_by_name(app, local_mast):
    from glue_mast.jdaviz.loaders.mast.resolver import LoaderMatchingChanged, MastResolver

    def find_matching_resolver(app, inp=None, resolver=None):  # the name, not jdaviz's code
        return MastResolver.from_input(app, inp)

    with pytest.raises(LoaderMatchingChanged, match="cannot tell whether it was asked for"):
        find_matching_resolver(app._app, "TW Hya", resolver="mast")
    with pytest.raises(LoaderMatchingChanged):
        MastResolver.from_input(app._app, "TW Hya")
    assert local_mast.log == []


def test_load_by_name_loads_the_spectra_of_page_one_with_provenance(app, local_mast):
    labels = app.load("TW Hya", loader="mast", obs_collection="HST", instrument_name="COS/FUV")
    assert sorted(labels) == COS_LABELS
    assert sorted(app.datasets) == COS_LABELS
    (viewer,) = app.viewers.values()
    assert sorted(viewer.data_menu.data_labels_loaded) == COS_LABELS
    meta = app._app.data_collection[COS_LABELS[0]].meta[PROVENANCE_KEY]
    assert meta["dataset"]["obs_id"] == "LB4M01010"
    assert meta["dataset"]["productFilename"] == "lb4m01010_x1dsum.fits"
    services = [r.service for r in local_mast.log if r.service]
    # the name, the count and page 1 (both filtered cone searches), one product list
    assert sorted(services) == [
        "Mast.Caom.Filtered.Position", "Mast.Caom.Filtered.Position", "Mast.Caom.Products",
        "Mast.Name.Lookup",
    ]
    # LF7Z01010's two files are exclusive access: skipped without a token
    # MAST's recommended file of each observation (the x1dsum), the exclusive one skipped
    assert len([r for r in local_mast.log if r.path.startswith("/api/v0.1/Download")]) == 2


@pytest.mark.parametrize("where", ["165.46627 -34.70473", "skycoord"])
def test_load_by_coordinates_sends_no_name_lookup(app, local_mast, where):
    from astropy.coordinates import SkyCoord

    if where == "skycoord":
        where = SkyCoord(165.46627, -34.70473, unit="deg")
    labels = app.load(
        where, loader="mast", radius="0.02 deg", obs_collection="HST", instrument_name="COS/FUV"
    )
    assert sorted(labels) == COS_LABELS
    services = sorted(r.service for r in local_mast.log if r.service)
    assert services == [
        "Mast.Caom.Filtered.Position", "Mast.Caom.Filtered.Position", "Mast.Caom.Products",
    ]


def test_loader_ui_search_button(app, local_mast):
    loader = app.loaders["mast"]
    loader.source = "TW Hya"
    loader.obs_collection = "HST"
    loader.instrument_name = "COS/FUV"
    status = loader.search()
    assert status == "3 observations; 2 files; 4 spectra to load"
    assert loader.format.selected == "1D Spectrum"
    assert sorted(loader.load()) == COS_LABELS


def test_disabled_loaders_are_respected(monkeypatch):
    from jdaviz.core.registries import loader_resolver_registry

    member = loader_resolver_registry.members.pop("mast")
    try:
        app = jdaviz.App()
    finally:
        loader_resolver_registry.members["mast"] = member
    assert "mast" not in app.loaders
    app._app.state.settings = dict(app._app.state.settings, disabled_loaders=["mast"])
    add_to_app(app)
    assert "mast" not in [item["name"] for item in app._app.state.loader_items]
    app._app.state.settings = dict(app._app.state.settings, disabled_loaders=[])
    add_to_app(app)
    assert "mast" in app.loaders


def test_loader_button_searches_in_the_background(app, local_mast):
    import time

    loader = app.loaders["mast"]._obj
    loader.source = "TW Hya"
    loader.obs_collection = "HST"
    loader.instrument_name = "COS/FUV"
    job = loader.vue_search({})
    assert loader.searching  # the call returned while the search goes on
    job.wait(60)
    deadline = time.monotonic() + 30
    while loader.searching:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert loader.status == "3 observations; 2 files; 4 spectra to load"
    assert loader.format_selected == "1D Spectrum"
    loader.importer.vue_import_clicked()  # the dialog's Import button
    assert sorted(app.datasets) == COS_LABELS
    loader.source = "TW Hya "  # a new input drops the last search
    assert loader._datasets is None


def test_a_mast_query_is_loaded_without_naming_the_loader(app, local_mast):
    from glue_mast.jdaviz.loaders.mast.resolver import MastQuery

    labels = app.load(MastQuery("TW Hya", obs_collection="HST", instrument_name="COS/FUV"))
    assert sorted(labels) == COS_LABELS
    assert sorted(app.datasets) == COS_LABELS
    services = sorted(r.service for r in local_mast.log if r.service)
    assert services == [
        "Mast.Caom.Filtered.Position", "Mast.Caom.Filtered.Position", "Mast.Caom.Products",
        "Mast.Name.Lookup",
    ]


def test_a_mast_query_works_whatever_way_jdaviz_matches_loaders(app, local_mast, monkeypatch):
    from glue_mast.jdaviz.loaders.mast.resolver import MastQuery

    monkeypatch.setattr(
        "jdaviz.core.helpers.find_matching_resolver", _matching_under_another_name()
    )
    labels = app.load(MastQuery("165.46627 -34.70473", radius="0.02 deg",
                                obs_collection="HST", instrument_name="COS/FUV"))
    assert sorted(labels) == COS_LABELS


def test_the_product_reads_no_frames():
    from pathlib import Path

    import glue_mast

    package = Path(glue_mast.__file__).parent
    assert [p for p in package.rglob("*.py") if "_getframe" in p.read_text()] == []


def test_a_jdaviz_whose_matching_changed_is_left_alone_with_one_line(monkeypatch, caplog):
    from jdaviz.core import helpers
    from jdaviz.core.loaders.resolvers import resolver as resolvers

    from glue_mast import util
    from glue_mast.jdaviz.loaders.mast import resolver

    def changed(app, inp=None, resolver=None, **kwargs):  # a jdaviz that changed it
        return resolvers.find_matching_resolver(app, inp, resolver=resolver, **kwargs)

    monkeypatch.setattr(util, "_declined", set())
    monkeypatch.setattr(helpers, "find_matching_resolver", changed)
    with caplog.at_level("WARNING", logger="glue_mast"):
        assert resolver.track_requested_name() is False
        assert resolver.track_requested_name() is False
    assert helpers.find_matching_resolver is changed
    lines = [r.getMessage() for r in caplog.records if r.name == "glue_mast"]
    assert len(lines) == 1
    assert lines[0].startswith(
        "glue-mast does not replace jdaviz.core.helpers.find_matching_resolver: its source"
    )
    # jdaviz's own, as installed: wrapped once, however often asked
    monkeypatch.setattr(helpers, "find_matching_resolver", resolvers.find_matching_resolver)
    assert resolver.track_requested_name() and resolver.track_requested_name()
    wrapped = helpers.find_matching_resolver
    assert wrapped._glue_mast_original is resolvers.find_matching_resolver


#: What each mistake makes the search say: the field it concerns and the start of the line.
LOADER_MISTAKES = [
    ("TW Hay", {}, "target", "could not resolve 'TW Hay' to a sky position; check the spelling"),
    ("TW Hya", {"radius": "0.02"}, "radius", "radius '0.02' has no unit; give an angle"),
    ("TW Hya", {"obs_collection": "HTS"}, "obs_collection",
     "'HTS' is not a collection this server holds; did you mean HST"),
]


@pytest.mark.parametrize(("source", "given", "field", "says"), LOADER_MISTAKES)
def test_a_load_by_name_that_fails_says_why(app, local_mast, source, given, field, says):
    from glue_mast.errors import InputError

    with pytest.raises(InputError) as raised:
        app.load(source, loader="mast", **given)
    assert str(raised.value).startswith(says)
    assert raised.value.field == field
    assert "No valid loaders found" not in str(raised.value)
    assert list(app.datasets) == []


@pytest.mark.parametrize(("source", "given", "field", "says"), LOADER_MISTAKES)
def test_a_mast_query_that_fails_says_why_whatever_way_jdaviz_matches(
        app, local_mast, monkeypatch, source, given, field, says):
    """Without the wrapper of Jdaviz's matching the message is still in Jdaviz's own list."""
    from glue_mast.jdaviz.loaders.mast.resolver import MastQuery

    monkeypatch.setattr(
        "jdaviz.core.helpers.find_matching_resolver", _matching_under_another_name()
    )
    with pytest.raises(ValueError, match="No valid loaders found") as raised:
        app.load(MastQuery(source, **given))
    message = " ".join(str(raised.value).split())
    assert re.search(r"mast\.+ Resolver exception: " + re.escape(says), message), message


@pytest.mark.parametrize(("source", "given", "field", "says"), LOADER_MISTAKES)
def test_the_dialog_shows_the_search_error_beside_its_field(app, local_mast, source, given,
                                                            field, says):
    loader = app.loaders["mast"]._obj
    loader.source = source
    for name, value in given.items():
        setattr(loader, name, value)
    loader.vue_search({}).wait(60)
    deadline = time.monotonic() + 30
    while loader.searching:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert loader.error.startswith(says)
    assert loader.error_field == field
    assert loader.n_to_load == 0 and loader.status == ""
    loader.source = "TW Hya "  # a new input clears it
    assert loader.error == "" and loader.error_field == ""


def test_a_notebook_search_that_fails_raises_and_the_next_input_starts_afresh(app,
                                                                               local_mast):
    from glue_mast.errors import InputError

    loader = app.loaders["mast"]
    loader.source = "TW Hya"
    loader.obs_collection = "HST"
    loader.instrument_name = "COS/FUV"
    loader.radius = "0.02"
    with pytest.raises(InputError, match="radius '0.02' has no unit") as raised:
        loader.search()
    assert raised.value.field == "radius"
    loader.radius = "0.02 deg"  # accepted: the last input's error is not raised again
    assert loader.search() == "3 observations; 2 files; 4 spectra to load"
    assert sorted(loader.load()) == COS_LABELS


def test_the_dialog_shows_only_what_this_source_uses(app):
    """No single-file fields (format, extension, label, viewer), no warning before input."""
    from pathlib import Path

    from glue_mast.jdaviz.loaders.mast import resolver

    loader = app.loaders["mast"]._obj
    template = Path(resolver.__file__).with_suffix(".vue").read_text()
    # Jdaviz's j-loader shows "Input is empty." and the importer's single-file fields
    assert "<j-loader" not in template and "importer_widget" not in template
    assert "Input is empty" not in template
    assert loader.error == "" and loader.status == "" and loader.n_to_load == 0
    # the Import button is this source's own, shown once a search found spectra
    assert 'v-if="n_to_load > 0' in template and '@click="import_spectra"' in template


def test_the_dialog_import_button_loads_what_the_search_found(app, local_mast):
    loader = app.loaders["mast"]._obj
    loader.source = "TW Hya"
    loader.obs_collection = "HST"
    loader.instrument_name = "COS/FUV"
    loader.search()
    assert loader.n_to_load == 4
    loader.vue_import_spectra({})
    assert sorted(app.datasets) == COS_LABELS
    assert loader.status == "loaded 4 datasets" and loader.error == ""


def test_loading_the_same_spectra_again_adds_no_copies_and_says_so(app, local_mast):
    assert sorted(app.load("TW Hya", loader="mast", obs_collection="HST",
                           instrument_name="COS/FUV")) == COS_LABELS
    loader = app.loaders["mast"]
    loader.source = "TW Hya"
    loader.obs_collection = "HST"
    loader.instrument_name = "COS/FUV"
    loader.search()
    assert loader.load() == []
    assert sorted(app.datasets) == COS_LABELS  # no "..._01" copies
    assert loader._obj.status == (
        "nothing to load; 4 datasets were already loaded, not added again: "
        + ", ".join(COS_LABELS[:3]) + " and 1 more"
    )


def test_the_status_counts_every_kind_it_loads(app, local_mast):
    """Images (GALEX's two of M101) are counted and loaded like spectra, each in its viewer."""
    from jdaviz.configs.imviz.plugins.viewers import ImvizImageView

    loader = app.loaders["mast"]
    loader.source = "M101"
    loader.obs_collection = "GALEX"
    loader.dataproduct_type = "image"
    assert loader.search() == "2 observations; 2 files; 2 images to load"
    assert loader.format.selected == "Image"
    labels = loader.load()
    assert len(labels) == 2
    assert loader.status == "loaded 2 datasets"
    for label in labels:
        (viewer,) = [v for v in app._app._viewer_store.values()
                     if label in [layer.layer.label for layer in v.layers]]
        assert isinstance(viewer, ImvizImageView)
        assert app._app.data_collection[label].meta[PROVENANCE_KEY]["dataset"]["obs_id"]


def test_a_light_curve_by_name_loads_with_lcviz(app, local_mast):
    pytest.importorskip("lcviz")
    from lcviz.viewers import TimeScatterView

    (label,) = app.load("KIC 10002792", loader="mast", obs_collection="Kepler",
                        dataproduct_type="timeseries")
    (viewer,) = [v for v in app._app._viewer_store.values()
                 if label in [layer.layer.label for layer in v.layers]]
    assert isinstance(viewer, TimeScatterView)
    loader = app.loaders["mast"]
    loader.source = "KIC 10002792"
    loader.obs_collection = "Kepler"
    loader.dataproduct_type = "timeseries"
    assert loader.search() == "1 observation; 1 file; 1 light curve to load"
    assert loader.format.selected == "Light Curve"


def test_the_count_names_each_kind_in_the_order_they_load():
    from glue_mast.io.described import ReadDataset
    from glue_mast.jdaviz.loaders.mast.resolver import _to_load

    kinds = ["spectrum", "image", "spectrum", "spectral cube", "2-D spectrum", "light curve"]
    datasets = [ReadDataset(kind, None, f"d{i}", {}) for i, kind in enumerate(kinds)]
    assert _to_load(datasets) == (
        "1 spectral cube, 1 2-D spectrum, 1 image, 2 spectra and 1 light curve to load"
    )
    assert _to_load(datasets[:3:2]) == "2 spectra to load"
    assert _to_load([]) == "nothing to load"


def _import_with_the_kernel_loop(app, loader, cancel_at=None):
    """The dialog's Import clicked with the kernel's event loop running: (datasets in the app
    when the click returned, "loading k of n" texts seen between steps)."""
    import asyncio

    seen = []

    async def click():
        loader._loop = asyncio.get_running_loop()  # as in a kernel
        loader.vue_import_spectra({})
        returned_with = len(app.datasets)
        deadline = time.monotonic() + 60
        while loader.importing:
            assert time.monotonic() < deadline, "the import never ended"
            text = loader.status
            if text.startswith("loading") and (not seen or seen[-1] != text):
                seen.append(text)
                if text == cancel_at:
                    loader.vue_cancel_import()  # a click, between two steps
            await asyncio.sleep(0.001)
        return returned_with

    return asyncio.run(click()), seen


def _cos_found(app):
    loader = app.loaders["mast"]._obj
    loader.source = "TW Hya"
    loader.obs_collection = "HST"
    loader.instrument_name = "COS/FUV"
    loader.search()
    assert loader.n_to_load == 4
    return loader


def test_the_dialog_import_adds_one_dataset_a_step_saying_loading_k_of_n(app, local_mast):
    loader = _cos_found(app)
    returned_with, seen = _import_with_the_kernel_loop(app, loader)
    # the click returns to the kernel after the first dataset; each other one is added in a
    # turn of its event loop of its own, the status saying which
    assert returned_with == 1
    assert seen == [f"loading {k} of 4" for k in range(1, 5)]
    assert sorted(app.datasets) == COS_LABELS
    assert loader.status == "loaded 4 datasets" and loader.error == ""
    assert not loader.importing and loader.import_progress == 0
    (viewer,) = app.viewers.values()
    assert sorted(viewer.data_menu.data_labels_loaded) == COS_LABELS


def test_the_dialog_import_cancelled_stops_between_datasets(app, local_mast):
    loader = _cos_found(app)
    _, seen = _import_with_the_kernel_loop(app, loader, cancel_at="loading 2 of 4")
    assert seen == ["loading 1 of 4", "loading 2 of 4"]
    assert loader.status == "Import cancelled: 2 of 4 datasets were loaded."
    assert len(app.datasets) == 2 and loader.error == ""
    assert not loader.importing and loader.import_progress == 0
    assert not getattr(app, "_in_batch_load", 0)  # Jdaviz's batch was closed
    # app.load from Python stays one call that returns the labels it added
    added = app.load("TW Hya", loader="mast", obs_collection="HST", instrument_name="COS/FUV")
    assert sorted(added + list(app.datasets)[:2]) == COS_LABELS
