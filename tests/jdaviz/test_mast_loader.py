"""The "mast" loader: a source in Load Data, and ``app.load(target, loader="mast")``."""

import jdaviz
import pytest

from glue_mast.jdaviz import add_to_app
from glue_mast.jdaviz.loading import PROVENANCE_KEY

COS_LABELS = sorted(
    f"HST COS/FUV {obs_id} {kind} {segment}"
    for obs_id in ("LB4M01010", "LB4M01020")
    for kind in ("X1D", "X1DSUM")
    for segment in ("FUVA", "FUVB")
)


def test_mast_is_a_load_data_source(app):
    assert list(app.loaders)[-1] == "mast"
    assert [item["name"] for item in app._app.state.loader_items].count("mast") == 1


def test_other_loads_never_query_mast(app, local_mast):
    with pytest.raises(ValueError, match="No valid loaders found"):
        app.load("no_such_file_or_target")
    assert local_mast.log == []


def test_load_by_name_loads_the_spectra_of_page_one_with_provenance(app, local_mast):
    labels = app.load("TW Hya", loader="mast", obs_collection="HST", instrument_name="COS/FUV")
    assert sorted(labels) == COS_LABELS
    assert sorted(app.datasets) == COS_LABELS
    (viewer,) = app.viewers.values()
    assert sorted(viewer.data_menu.data_labels_loaded) == COS_LABELS
    meta = app._app.data_collection[COS_LABELS[0]].meta[PROVENANCE_KEY]
    assert meta["dataset"]["obs_id"] == "LB4M01010"
    assert meta["dataset"]["productFilename"] == "lb4m0101q_x1d.fits"
    services = [r.service for r in local_mast.log if r.service]
    # the name, the count and page 1 (both filtered cone searches), one product list
    assert sorted(services) == [
        "Mast.Caom.Filtered.Position", "Mast.Caom.Filtered.Position", "Mast.Caom.Products",
        "Mast.Name.Lookup",
    ]
    # LF7Z01010's two files are exclusive access: skipped without a token
    assert len([r for r in local_mast.log if r.path.startswith("/api/v0.1/Download")]) == 4


def test_loader_ui_search_button(app, local_mast):
    loader = app.loaders["mast"]
    loader.source = "TW Hya"
    loader.obs_collection = "HST"
    loader.instrument_name = "COS/FUV"
    status = loader.search()
    assert status == "3 observations; 4 files; 8 spectra to load"
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
    assert loader.status == "3 observations; 4 files; 8 spectra to load"
    assert loader.format_selected == "1D Spectrum"
    loader.importer.vue_import_clicked()  # the dialog's Import button
    assert sorted(app.datasets) == COS_LABELS
    loader.source = "TW Hya "  # a new input drops the last search
    assert loader._datasets is None
