"""Selected catalog rows are ringed on image viewers that come after the selection too."""

import numpy as np
from astropy.io import fits
from astropy.wcs import WCS

from .test_catalog_markers import TW_HYA, _rings


def _image_file(tmp_path, name, scale=1.0):
    """A 200 x 200 image centred on TW Hya, ``scale`` arcsec a pixel."""
    wcs = WCS(naxis=2)
    wcs.wcs.ctype = ["RA---TAN", "DEC--TAN"]
    wcs.wcs.crval = list(TW_HYA)
    wcs.wcs.crpix = [100.5, 100.5]
    wcs.wcs.cdelt = [-scale / 3600, scale / 3600]
    path = tmp_path / name
    fits.PrimaryHDU(np.ones((200, 200)), header=wcs.to_header()).writeto(path)
    return str(path)


def _viewer_showing(app, label):
    [viewer] = [v for v in app.viewers.values() if label in v.data_menu.data_labels_loaded]
    return viewer


def _expected(viewer, rows, indexes):
    wcs = viewer._obj.glue_viewer.state.reference_data.coords
    x, y = wcs.world_to_pixel_values(rows["ra"][indexes], rows["dec"][indexes])
    return sorted(zip(np.atleast_1d(x), np.atleast_1d(y), strict=True))


def test_rings_are_drawn_on_image_viewers_added_after_the_selection(app, local_mast, tmp_path):
    cat = app.plugins["MAST Search"].catalogs
    cat.catalog, cat.target, cat.radius = "Gaia", "TW Hya", "0.05 deg"
    cat.search()
    cat.select([0, 2])  # no image yet: nothing to ring
    assert cat.highlighted == {}
    rows = cat.state.rows

    app.load(_image_file(tmp_path, "first.fits"), format="Image", data_label="first")
    first = _viewer_showing(app, "first")
    assert np.allclose(sorted(_rings(first)), _expected(first, rows, [0, 2]), atol=1e-6)

    # a second image viewer, made after the selection: ringed too, at its own pixels
    app.load(_image_file(tmp_path, "second.fits", scale=0.5), format="Image",
             data_label="second", viewer="Second image")
    second = _viewer_showing(app, "second")
    assert second is not first
    assert np.allclose(sorted(_rings(second)), _expected(second, rows, [0, 2]), atol=1e-6)
    assert cat.highlighted[second._obj.glue_viewer.reference] == 2

    # aligning the images by WCS changes each viewer's reference: the rings follow it
    app.plugins["Orientation"].align_by = "WCS"
    for viewer in (first, second):
        assert np.allclose(sorted(_rings(viewer)), _expected(viewer, rows, [0, 2]), atol=1e-6)
    cat.select([])
    assert _rings(first) == [] and _rings(second) == []
