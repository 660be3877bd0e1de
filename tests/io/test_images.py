"""The image reader, last in line: 2-D science arrays with WCS, ERR and DQ."""

import astropy.units as u
import numpy as np
import pytest
from astropy.io import fits
from astropy.wcs import WCS

from glue_mast.io import ContentKind, preview_arrays, read


def hst_drizzled(path):
    wcs = WCS(naxis=2)
    wcs.wcs.ctype = ["RA---TAN", "DEC--TAN"]
    wcs.wcs.crval = [10.68, 41.27]
    wcs.wcs.crpix = [16, 8]
    wcs.wcs.cdelt = [-1e-5, 1e-5]
    header = wcs.to_header()
    header["BUNIT"] = "ELECTRONS/S"
    sci = np.arange(16 * 32, dtype=np.float32).reshape(16, 32)
    dq = np.zeros_like(sci, dtype=np.int16)
    dq[3, 4] = 16
    primary = fits.PrimaryHDU(header=fits.Header({"TELESCOP": "HST", "INSTRUME": "WFC3"}))
    hdus = [
        primary,
        fits.ImageHDU(sci, header=header, name="SCI"),
        fits.ImageHDU(np.full_like(sci, 0.5), name="ERR"),
        fits.ImageHDU(dq, name="DQ"),
    ]
    fits.HDUList(hdus).writeto(path)
    return path


def test_hst_image_with_wcs_err_and_dq(tmp_path):
    (item,) = read(hst_drizzled(tmp_path / "id1a01010_drz.fits"))
    image = item.data
    assert item.kind is ContentKind.IMAGE
    assert item.reader == "glue-mast: FITS image"
    assert image.data.shape == (16, 32)
    assert image.unit == u.electron / u.s
    assert image.wcs.has_celestial
    assert image.wcs.wcs.crval[0] == pytest.approx(10.68)
    assert np.argwhere(image.mask).tolist() == [[3, 4]]
    assert np.all(image.uncertainty.array == 0.5)
    assert item.header["INSTRUME"] == "WFC3"
    # Its preview is the image itself (the masked pixel left out), with no points.
    preview = preview_arrays(tmp_path / "id1a01010_drz.fits")
    assert preview.kind is ContentKind.IMAGE and preview.picture_label == "Image"
    assert preview.picture.shape == (16, 32) and preview.x.size == 0
    assert np.isnan(preview.picture[3, 4])
    assert np.nanmax(preview.picture) == np.nanmax(np.where(image.mask, np.nan, image.data))


def test_a_plain_one_hdu_image(make_product):
    (item,) = read(make_product("synthetic_fits", size_bytes=100_000))
    assert item.kind is ContentKind.IMAGE
    assert item.data.data.shape == (34, 720)
    assert item.data.unit == u.dn
    assert item.data.wcs is None
