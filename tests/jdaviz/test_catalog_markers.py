"""MAST catalogs in Jdaviz (headless): markers over an image through Jdaviz's catalog importer,
and the Catalogs section of the MAST Search plugin, on the local archive."""

import numpy as np
import pytest
from astropy.io import fits
from astropy.wcs import WCS

from glue_mast.io.footprints import page_footprints
from glue_mast.jdaviz.catalogs import load_catalog
from glue_mast.jdaviz.plugins.mast_search.footprints import footprint_marks
from glue_mast.provenance.tables import record_of
from glue_mast.state import CatalogState

TW_HYA = (165.46627, -34.70473)


@pytest.fixture
def image(app, tmp_path):
    """A 200 x 200 image at 1 arcsec a pixel centred on TW Hya, loaded into ``app``."""
    wcs = WCS(naxis=2)
    wcs.wcs.ctype = ["RA---TAN", "DEC--TAN"]
    wcs.wcs.crval = list(TW_HYA)
    wcs.wcs.crpix = [100.5, 100.5]
    wcs.wcs.cdelt = [-1 / 3600, 1 / 3600]
    path = tmp_path / "twhya.fits"
    fits.PrimaryHDU(np.ones((200, 200)), header=wcs.to_header()).writeto(path)
    app.load(str(path), format="Image", data_label="TW Hya image")
    return app


def _image_viewer(app):
    [viewer] = [v for v in app.viewers.values() if "TW Hya image" in v.data_menu.data_labels_loaded]
    return viewer


def test_catalog_page_shows_as_markers_over_the_image(image):
    app = image
    stars = CatalogState(catalog="Gaia", target="TW Hya", radius="0.05 deg")
    stars.search().result()
    label = load_catalog(app, stars.rows)
    assert label == "Gaia DR3 around TW Hya, page 1"
    viewer = _image_viewer(app)
    assert label in viewer.data_menu.data_labels_loaded
    glue_viewer = viewer._obj.glue_viewer
    [layer] = [lyr for lyr in glue_viewer.state.layers if lyr.layer.label == label]
    assert layer.visible
    # placed by RA/Dec: the images aligned by WCS (Jdaviz hides a sky catalog otherwise)
    assert app.plugins["Orientation"].align_by.selected == "WCS"
    data = app._app.data_collection[label]
    assert np.allclose(sorted(data["ra"]), sorted(stars.rows["ra"]))
    assert "phot_g_mean_mag" in [c.label for c in data.components]  # every column comes along
    record = record_of(data)
    assert (record["catalog"], record["count"], record["rows"]) == ("Gaia", 6, 6)
    # The markers fall where the image's WCS puts the stars: TW Hya at the centre pixel.
    x, y = WCS(app._app.data_collection["TW Hya image"].coords.to_header()).world_to_pixel_values(
        data["ra"], data["dec"]
    )
    centre = np.argmin(np.hypot(x - 99.5, y - 99.5))
    assert data["ra"][centre] == pytest.approx(TW_HYA[0]) and np.hypot(x, y).max() < 300


def test_hsc_positions_come_from_its_own_columns(app, local_mast):
    stars = CatalogState(catalog="HSC", coordinates="322.5 12.167", radius="0.2 deg")
    stars.search().result()
    label = load_catalog(app, stars.rows[:5])
    data = app._app.data_collection[label]
    assert np.allclose(data["MatchRA"], stars.rows["MatchRA"][:5])
    assert record_of(data)["position"] == ["MatchRA", "MatchDec"]


def test_the_plugin_catalogs_section_shows_markers_and_searches_around(image, local_mast):
    app = image
    plg = app.plugins["MAST Search"]
    cat = plg.catalogs
    assert plg._obj.catalogs_widget == f"IPY_MODEL_{cat.model_id}"  # mounted in the template
    cat.catalog = "Gaia"
    assert cat.version_items == ["", "DR3", "DR2"]
    cat.target, cat.radius = "TW Hya", "0.05 deg"
    cat.count()
    assert cat.status.startswith("6 rows") and cat.items == []
    cat.search()
    assert len(cat.items) == 6 and cat.n_pages == 1
    assert {h["value"] for h in cat.headers} >= {"source_id", "ra", "dec", "phot_g_mean_mag"}
    brightest = min(cat.items, key=lambda item: item["phot_g_mean_mag"])
    cat.vue_select([brightest])
    assert cat.state.selected == [brightest["key"]]

    cat.vue_show_on_images()
    [label] = cat.loaded
    assert label in _image_viewer(app).data_menu.data_labels_loaded
    assert app._app.data_collection[label].size == 1 and "1 source shown" in cat.message

    cat.search_observations_around(radius="5 arcsec")
    assert plg.count == 8  # TW Hya's observations, in the plugin's own results
    assert {item["obs_collection"] for item in plg._obj.results_items} == {"HST", "IUE", "FUSE"}


def test_the_plugin_catalogs_section_shows_errors_beside_fields(app, local_mast):
    cat = app.plugins["MAST Search"].catalogs
    cat.catalog, cat.version = "Gaia", "DR9"
    cat.coordinates = "165.46 -34.70"
    with pytest.raises(Exception, match="no version 'DR9'"):
        cat.search()
    assert cat.error_field == "version" and "DR3, DR2" in cat.error
    cat.vue_show_on_images()
    assert cat.error == "search a catalog first"


def _rings(viewer):
    from glue_mast.jdaviz.catalog_marks import CatalogHighlight

    marks = [m for m in viewer._obj.glue_viewer.figure.marks if isinstance(m, CatalogHighlight)]
    return [(x, y) for m in marks if m.visible for x, y in zip(m.x, m.y, strict=True)]


def test_selecting_a_row_rings_its_marker_and_a_click_selects_a_row(image, local_mast):
    app = image
    cat = app.plugins["MAST Search"].catalogs
    cat.catalog, cat.target, cat.radius = "Gaia", "TW Hya", "0.05 deg"
    cat.search()
    cat.vue_show_on_images()  # the page's markers
    viewer = _image_viewer(app)
    assert _rings(viewer) == []
    # Showing markers aligned the images by WCS: the viewer's pixels are its reference's
    # (Jdaviz's orientation layer), where the rings must sit.
    wcs = viewer._obj.glue_viewer.state.reference_data.coords
    rows = cat.state.rows
    pixels = np.transpose(wcs.world_to_pixel_values(rows["ra"], rows["dec"]))

    # A selected row: one ring, on its source's pixel.
    brightest = min(cat.items, key=lambda item: item["phot_g_mean_mag"])
    cat.vue_select([brightest])
    [ring] = _rings(viewer)
    assert np.allclose(ring, pixels[brightest["key"]], atol=1e-6)
    cat.select([0, 2])
    assert np.allclose(sorted(_rings(viewer)), sorted(map(tuple, pixels[[0, 2]])), atol=1e-6)
    cat.select([])
    assert _rings(viewer) == []

    # Picking: the image viewer's toolbar gets the tool; a click near a source selects its row,
    # a second click there unselects it, a click far from every source does nothing.
    toolbar = viewer._obj.glue_viewer.toolbar
    assert "glue_mast:pick_catalog_source" not in toolbar.tools
    cat.toggle_picking()
    assert cat.picking and toolbar.active_tool_id == "glue_mast:pick_catalog_source"
    tool = toolbar.tools["glue_mast:pick_catalog_source"]
    x, y = pixels[3]
    state = viewer._obj.glue_viewer.state
    width = state.x_max - state.x_min  # a click lands within 3% of the view's width
    tool.on_mouse_event({"event": "click",
                         "domain": {"x": x + 0.012 * width, "y": y - 0.008 * width}})
    assert cat.state.selected == [3] and [i["key"] for i in cat.selected_items] == [3]
    [ring] = _rings(viewer)
    assert np.allclose(ring, pixels[3], atol=1e-6)
    tool.on_mouse_event({"event": "click", "domain": {"x": x, "y": y}})
    assert cat.state.selected == [] and _rings(viewer) == []
    far = pixels.min(axis=0) - 0.5 * width
    tool.on_mouse_event({"event": "click", "domain": {"x": far[0], "y": far[1]}})
    assert cat.state.selected == []
    cat.toggle_picking()
    assert not cat.picking and "glue_mast:pick_catalog_source" not in toolbar.tools

    # A new page takes the rings away with the selection.
    cat.select([1])
    assert len(_rings(viewer)) == 1
    cat.search()
    assert _rings(viewer) == []


def test_markers_on_the_footprints_sky_frame(app, plg, local_mast):
    """The sky frame drawn for footprints has no unit, so the app has no flux unit yet: the
    catalog still reaches its viewer (Jdaviz's unit plugin would refuse it for having none)."""
    plg.target = "TW Hya"
    plg.search()
    plg.footprints_shown = True
    (viewer,) = plg._obj._footprints.viewers
    assert not app.plugins["Unit Conversion"]._obj.flux_unit_selected
    stars = CatalogState(catalog="Gaia", target="TW Hya", radius="0.05 deg")
    stars.search().result()
    label = load_catalog(app, stars.rows)
    [layer] = [lyr for lyr in viewer.state.layers if lyr.layer.label == label]
    assert layer.visible
    assert layer.size == 8  # Jdaviz's 3-pixel dots are lost on a sky image
    # markers by RA/Dec need the images aligned by WCS (Jdaviz hides them otherwise), and the
    # footprints are drawn again on the viewer's new reference (the WCS orientation layer)
    assert app.plugins["Orientation"].align_by.selected == "WCS"
    wcs = viewer.state.reference_data.coords
    for mark in footprint_marks(viewer):
        footprint = next(f for f in page_footprints(plg.results)[0] if f.obsid == mark.obsid)
        sky = wcs.pixel_to_world(mark.x, mark.y)
        ra, dec = next(iter(footprint.vertex_lists()))
        assert np.allclose(sky.ra.deg[: len(ra)], ra, atol=1e-6)
        assert np.allclose(sky.dec.deg[: len(dec)], dec, atol=1e-6)
    # the unit plugin hears of what comes next: a spectrum sets the app's flux unit
    plg.select(observations=[0], products="lb4m01010_x1dsum.fits")
    plg.load_selected()
    assert app.plugins["Unit Conversion"]._obj.flux_unit_selected
