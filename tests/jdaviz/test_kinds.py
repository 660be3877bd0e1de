"""Every kind MAST serves, through MAST Search, into one Jdaviz App, each in its viewer.

AU Mic's JWST observation on the local archive holds an x1d, an s2d, an s3d cube and an i2d
image (MAST's layouts, `glue_mast.testing.writers.jwst_cube`); Kepler and TESS light curves
and a K2 target pixel file are real MAST files. lcviz is in the test extra.
"""

import json
import time

import numpy as np
import pytest

from glue_mast.jdaviz.loading import DERIVED_KEY, FILE_KEY, PROVENANCE_KEY

X1D = "jw02925-o001_t001_nirspec_g395h-f290lp_x1d.fits"
S2D = "jw02925-o001_t001_nirspec_g395h-f290lp_s2d.fits"
S3D = "jw02925-o001_t001_nirspec_g395h-f290lp_s3d.fits"
I2D = "jw02925001001_02101_00001_nrs1_i2d.fits"


def _settle(plugin, timeout=120):
    deadline = time.monotonic() + timeout
    while plugin.busy or plugin.fetching:
        assert time.monotonic() < deadline, "the plugin's jobs did not finish"
        time.sleep(0.02)


def _jwst_page(plg):
    plg.target = "AU Mic"
    plg.criteria = {"obs_collection": "JWST"}
    assert plg.search() == 1
    plg._obj.mrp_only = False  # every calibrated product (MAST recommends the x1d only)
    plg.select(observations=[0])
    return plg


def _shown(app):
    """``{viewer reference: [labels shown]}``."""
    return {
        ref: sorted(layer.layer.label for layer in viewer.layers if layer.visible)
        for ref, viewer in app._app._viewer_store.items()
    }


def _viewer_of(app, label):
    (ref,) = [ref for ref, labels in _shown(app).items() if label in labels]
    return app._app._viewer_store[ref]


def _label_of(app, filename):
    (label,) = [
        d.label for d in app._app.data_collection
        if d.meta.get(PROVENANCE_KEY, {}).get("file") == filename
        and DERIVED_KEY not in d.meta
    ]
    return label


def _linked(app, a, b):
    """Whether glue links any component of dataset ``a`` with one of ``b``."""
    collection = app._app.data_collection
    first, second = collection[a], collection[b]
    for link in collection.external_links:
        data = {getattr(link, "data1", None), getattr(link, "data2", None)}
        if {first, second} <= data:
            return True
        cids = [*getattr(link, "get_from_ids", lambda: [])(),
                getattr(link, "get_to_id", lambda: None)()]
        parents = {getattr(c, "parent", None) for c in cids if c is not None}
        if {first, second} <= parents:
            return True
    return False


def test_s2d_s3d_and_image_load_into_their_viewers_linked(app, plg, local_mast):
    from jdaviz.configs.cubeviz.plugins.viewers import CubevizImageView
    from jdaviz.configs.default.plugins.viewers import JdavizProfileView
    from jdaviz.configs.imviz.plugins.viewers import ImvizImageView
    from jdaviz.configs.specviz.plugins.viewers import Spectrum2DViewer

    _jwst_page(plg).select(products=[X1D, S2D, S3D, I2D])
    labels = plg.load_selected()
    assert "not loaded" not in plg.message, plg.message
    x1d, s2d, s3d, i2d = (_label_of(app, name) for name in (X1D, S2D, S3D, I2D))
    assert {x1d, s2d, s3d} <= set(labels)
    # The 2-D spectrum in a 2-D spectrum viewer; the pipeline's own extraction (the x1d) is
    # loaded with it, so Jdaviz extracts nothing more.
    assert isinstance(_viewer_of(app, s2d), Spectrum2DViewer)
    assert not any("auto-ext" in d.label for d in app._app.data_collection)
    # The cube in a cube viewer, its uncertainty and mask each in their own; its collapsed
    # spectrum beside the x1d in the one spectrum viewer.
    assert isinstance(_viewer_of(app, s3d), CubevizImageView)
    derived = {d.label: d for d in app._app.data_collection if d.meta.get(DERIVED_KEY) == s3d}
    unc = next(label for label in derived if label.endswith("[UNC]"))
    mask = next(label for label in derived if label.endswith("[MASK]"))
    assert _viewer_of(app, unc) is not _viewer_of(app, s3d)
    assert _viewer_of(app, mask) not in (_viewer_of(app, s3d), _viewer_of(app, unc))
    collapsed = next(label for label in derived if label.endswith("(sum)"))
    spectrum_viewer = _viewer_of(app, x1d)
    assert isinstance(spectrum_viewer, JdavizProfileView)
    assert _viewer_of(app, collapsed) is spectrum_viewer
    # The image in an image viewer, aligned by WCS.
    assert isinstance(_viewer_of(app, i2d), ImvizImageView)
    assert app.plugins["Orientation"].align_by.selected == "WCS"
    assert app._app.data_collection[i2d].coords is not None
    # Linked: the cube's spectral axis with the x1d's (through its collapsed spectrum, which
    # Jdaviz links to the cube), the x1d with the 2-D spectrum's extraction axis.
    assert _linked(app, collapsed, x1d) or _linked(app, x1d, collapsed)
    # Each with its provenance and its file; the derived ones point at their source.
    for label, name in ((x1d, X1D), (s2d, S2D), (s3d, S3D), (i2d, I2D)):
        meta = app._app.data_collection[label].meta
        assert meta[PROVENANCE_KEY]["dataset"]["dataURI"].endswith(name)
        assert len(meta[PROVENANCE_KEY]["dataset"]["sha256"]) == 64
        assert meta[FILE_KEY].endswith(name)
    for data in derived.values():
        assert FILE_KEY not in data.meta
        assert data.meta[PROVENANCE_KEY]["dataset"]["dataURI"].endswith(S3D)
    # Units as Jdaviz keeps them: the cube's surface brightness set the app's angle (sr), and
    # the x1d's Jy converts to it.
    assert app.plugins["Unit Conversion"]._obj.angle_unit_selected == "sr"
    y = spectrum_viewer.state
    flux = np.asarray(app.get_data(x1d).flux.value)
    assert np.isfinite(flux).any() and y.y_max > y.y_min


def test_spectra_of_every_kind_load_after_an_image_loaded_alone(app, plg, local_mast):
    """An image alone (aligned by WCS), then a cube, a 2-D spectrum and another target's 1-D
    spectra, each in a later load: Jdaviz makes their viewers on their own axes, not on the
    images' WCS (through which it could not place a cube or a 2-D spectrum)."""
    from jdaviz.configs.cubeviz.plugins.viewers import CubevizImageView
    from jdaviz.configs.imviz.plugins.viewers import ImvizImageView
    from jdaviz.configs.specviz.plugins.viewers import Spectrum2DViewer

    _jwst_page(plg).select(products=[I2D])
    plg.load_selected()
    assert app.plugins["Orientation"].align_by.selected == "WCS"
    for name in (S3D, S2D):
        plg.select(products=[name])
        plg.load_selected()
        assert "not loaded" not in plg.message, plg.message
    plg.target = "TW Hya"
    plg.criteria = {"obs_collection": "HST", "instrument_name": "COS/FUV"}
    plg.search()
    plg.select(observations=[0], products="lb4m01010_x1dsum.fits")
    labels = plg.load_selected()
    assert "not loaded" not in plg.message, plg.message
    assert len(labels) == 2  # COS's two segments
    i2d, s3d, s2d = (_label_of(app, name) for name in (I2D, S3D, S2D))
    assert isinstance(_viewer_of(app, i2d), ImvizImageView)
    assert isinstance(_viewer_of(app, s3d), CubevizImageView)
    assert isinstance(_viewer_of(app, s2d), Spectrum2DViewer)
    for label in (s3d, s2d):
        state = _viewer_of(app, label).state
        assert not state.linked_by_wcs
        assert np.isfinite([state.x_min, state.x_max, state.y_min, state.y_max]).all()
        assert state.x_max > state.x_min and state.y_max > state.y_min
    assert _viewer_of(app, i2d).state.linked_by_wcs  # the images stay aligned by WCS
    (spectrum_viewer,) = {_viewer_of(app, label) for label in labels}
    assert all(label in _shown(app)[spectrum_viewer.reference] for label in labels)


def test_a_cube_after_flux_spectra_is_shown_per_pixel(app, plg, local_mast):
    """An app already on fluxes (angle pix^2): the s3d's MJy/sr becomes MJy/pix^2 through the
    PIXAR_SR of its header, so Jdaviz can show it beside them."""
    _jwst_page(plg).select(products=[X1D])
    plg.load_selected()
    assert app.plugins["Unit Conversion"]._obj.angle_unit_selected == "pix^2"
    plg.select(products=[S3D])
    plg.load_selected()
    assert "not loaded" not in plg.message, plg.message
    s3d = _label_of(app, S3D)
    cube = app.get_data(s3d)
    assert str(cube.flux.unit) == "MJy / pix2"


def test_a_second_cube_is_refused_in_one_line(app, plg, local_mast):
    _jwst_page(plg).select(products=[S3D])
    from glue_mast.io import read

    (path,) = plg.fetch().paths
    # a cube the user read and loaded through Jdaviz's own loader (without glue-mast's
    # record): for glue-mast's load of the file, another cube
    (item,) = read(path)
    assert PROVENANCE_KEY not in item.data.meta
    app.load(item.data, format="3D Spectrum", data_label="my cube")
    before = app._app.data_collection.labels
    plg.load_selected()  # Jdaviz shows one flux cube at a time
    assert (
        "not loaded: Jdaviz shows one spectral cube at a time; remove 'my cube' from the "
        "data first" in plg.message
    )
    assert app._app.data_collection.labels == before
    assert plg._obj.error == ""


def test_the_same_cube_again_is_already_loaded(app, plg, local_mast):
    _jwst_page(plg).select(products=[S3D])
    plg.load_selected()
    first = _label_of(app, S3D)
    before = app._app.data_collection.labels
    plg.load_selected()  # the same file again: the cube (and what Jdaviz made of it) stays
    assert plg.message.endswith(f"1 dataset was already loaded, not added again: {first}")
    assert app._app.data_collection.labels == before


@pytest.mark.parametrize(
    ("target", "collection", "filename", "viewer_kind"),
    [
        ("KIC 10002792", "Kepler", "kplr010002792-2009259160929_llc.fits", "time"),
        ("TIC 358108509", "TESS", "tess2018206045859-s0001-0000000358108509-0120-s_lc.fits",
         "time"),
    ],
)
def test_light_curves_load_through_mast_search_with_lcviz(
    app, plg, local_mast, target, collection, filename, viewer_kind
):
    pytest.importorskip("lcviz")
    from lcviz.viewers import TimeScatterView

    # A spectrum first: the light curve joins the same App.
    plg.target = "TW Hya"
    plg.criteria = {"obs_collection": "HST", "instrument_name": "COS/FUV"}
    plg.search()
    plg.select(observations=[0], products="lb4m01010_x1dsum.fits")
    plg.load_selected()
    spectra = sorted(app.datasets)
    plg.target = target
    plg.criteria = {"obs_collection": collection}
    assert plg.search() >= 1
    plg.select(observations=[0], products=filename)
    plg._obj.open_in_tray(scroll_to=False)  # as a person loading from the tray has it
    labels = plg.load_selected()
    assert "not loaded" not in plg.message, plg.message
    # lcviz rebuilt the tray for time series: MAST Search, where its message is, stays open
    state = app._app.state
    assert "MAST Search" in [state.tray_items[i]["label"] for i in state.tray_items_open]
    label = _label_of(app, filename)
    assert label in labels
    assert isinstance(_viewer_of(app, label), TimeScatterView)
    assert set(spectra) < set(app.datasets)
    meta = app._app.data_collection[label].meta[PROVENANCE_KEY]
    assert meta["dataset"]["dataURI"].endswith(filename)


def test_nothing_selected_on_a_page_of_light_curves_loads_them(app, plg, local_mast):
    pytest.importorskip("lcviz")
    plg.target = "KIC 10002792"
    plg.criteria = {"obs_collection": "Kepler"}
    plg.search()
    labels = plg.load_selected()
    assert plg.message.startswith("Nothing was selected: loading the 1 light curve files")
    assert len(labels) == 1


def test_without_lcviz_light_curves_are_reported_once(app, plg, local_mast, monkeypatch):
    from glue_mast.jdaviz import kinds

    monkeypatch.setattr(kinds, "lcviz_available", lambda: False)
    monkeypatch.setattr("glue_mast.jdaviz.loading.lcviz_available", lambda: False)
    plg.target = "KIC 10002792"
    plg.criteria = {"obs_collection": "Kepler"}
    plg.search()
    plg.select(observations=[0])
    plg.load_selected()
    assert plg.message.count("not installed (pip install lcviz)") == 1
    assert not app.datasets


def test_a_session_with_every_kind_restores(app, plg, local_mast, tmp_path):
    pytest.importorskip("lcviz")
    from glue_mast.jdaviz.session import restore_session, save_session

    _jwst_page(plg).select(products=[X1D, S2D, S3D, I2D])
    plg.load_selected()
    plg.target = "KIC 10002792"
    plg.criteria = {"obs_collection": "Kepler"}
    plg.search()
    plg.select(observations=[0])
    plg.load_selected()
    names = (X1D, S2D, S3D, I2D, "kplr010002792-2009259160929_llc.fits")
    labels = {name: _label_of(app, name) for name in names}
    path = save_session(app, tmp_path / "analysis.json")
    saved = json.loads(path.read_text())
    # One entry a file (the cube's uncertainty, mask and collapsed spectrum are made again
    # from it), each with the importer it loads with.
    assert sorted(d["label"] for d in saved["datasets"]) == sorted(labels.values())
    formats = {d["file"]["dataURI"].rsplit("/", 1)[1]: d["format"] for d in saved["datasets"]}
    assert formats == {X1D: "1D Spectrum", S2D: "2D Spectrum", S3D: "3D Spectrum",
                       I2D: "Image", names[-1]: "Light Curve"}
    assert saved["not_restorable"] == []

    local_mast.clear_log()
    restored = restore_session(path)
    collection = restored._app.data_collection
    assert sorted(collection.labels) == sorted(app._app.data_collection.labels)
    assert not [r for r in local_mast.log if r.path.startswith("/api/v0.1/Download")]
    for name, label in labels.items():
        meta = collection[label].meta
        assert meta[PROVENANCE_KEY]["dataset"]["dataURI"].endswith(name)
        assert meta[FILE_KEY].endswith(name)
    assert _shown(restored) == _shown(app)

