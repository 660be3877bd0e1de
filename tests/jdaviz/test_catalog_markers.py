"""MAST catalogs in Jdaviz (headless): markers over an image through Jdaviz's catalog importer,
and the Catalogs section of the MAST Search plugin, on the local archive."""

import numpy as np
import pytest
from astropy.io import fits
from astropy.wcs import WCS

from glue_mast.jdaviz.catalogs import load_catalog
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
