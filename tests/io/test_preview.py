"""`preview_arrays`: decimated x/y for GUI previews of spectra and light curves."""

import numpy as np
import pytest
from astropy.io import fits

from glue_mast.errors import InputError, UnreadableProduct
from glue_mast.io import ContentKind, Preview, preview_arrays, read
from glue_mast.io.preview import decimate

TESS_LC = "tess2018206045859-s0001-0000000358108509-0120-s_lc.fits"


def test_decimate_keeps_the_extremes_of_each_bin():
    x = np.arange(10_000.0)
    y = np.zeros_like(x)
    y[1234] = 50.0  # a narrow emission line that striding would miss
    y[7777] = -30.0  # an absorption line
    xd, yd = decimate(x, y, 100)
    assert len(xd) <= 100
    assert 1234.0 in xd and 7777.0 in xd
    assert yd.max() == 50.0 and yd.min() == -30.0
    assert np.all(np.diff(xd) > 0)
    same_x, same_y = decimate(x[:50], y[:50], 100)
    assert len(same_x) == 50


def test_cos_preview_has_both_segments_without_masked_points(make_product):
    path = make_product("hst_cos_x1d")
    preview = preview_arrays(path, max_points=500)
    assert isinstance(preview, Preview)
    assert preview.kind is ContentKind.SPECTRUM
    assert len(preview.x) <= 500
    assert np.all(np.diff(preview.x) >= 0)
    items = read(path)
    good = [item.data.spectral_axis.value[~item.data.mask] for item in items]
    # The FUVB segment starts the preview and FUVA ends it.
    assert preview.x[0] == min(g.min() for g in good)
    assert preview.x[-1] == max(g.max() for g in good)
    assert preview.x_unit == "Angstrom"
    assert preview.y_unit == "erg / (Angstrom s cm2)"
    assert (preview.x_label, preview.y_label) == ("Wavelength", "Flux")
    assert preview.title == "HST COS G130M AV-456"
    masked = np.concatenate([i.data.spectral_axis.value[i.data.mask] for i in items])
    assert not np.isin(preview.x, masked).any()


def test_full_preview_without_decimation_is_every_good_point(make_product):
    path = make_product("iue_mxlo_vo")
    preview = preview_arrays(path, max_points=10_000)
    with fits.open(path) as hdul:
        row = hdul[1].data[0]
        good = row["QUALITY"] == 0
        np.testing.assert_array_equal(preview.x, row["WAVE"][good])
        np.testing.assert_array_equal(preview.y, row["FLUX"][good])
    assert preview.title == "IUE SWP LOW HD 147933"


def test_s2d_preview_averages_over_the_slit(make_product):
    preview = preview_arrays(make_product("jwst_s2d"), max_points=2000)
    assert preview.kind is ContentKind.SPECTRUM_2D
    assert len(preview.x) == 400
    assert preview.x_unit == "um"
    assert preview.y_label == "Surface brightness"
    # The picture: the slit itself (30 rows, 400 columns block-averaged to 200), and the
    # trace on the centre row, where the writer puts the point source.
    assert preview.picture_label == "2-D spectrum"
    assert preview.picture.shape == (30, 200)
    trace = preview.trace[np.isfinite(preview.trace)]
    assert trace.size > 150
    assert np.median(trace) == pytest.approx(14.5, abs=0.5)


def test_cube_preview_averages_over_the_spaxels(make_jwst_s3d):
    preview = preview_arrays(make_jwst_s3d(shape=(40, 8, 9)))
    assert preview.kind is ContentKind.SPECTRAL_CUBE
    assert len(preview.x) == 40
    # Every spaxel is 1.0 where it is not masked.
    np.testing.assert_allclose(preview.y, 1.0)
    # Its white-light image: the mean over wavelength of each spaxel, masked points left out.
    assert preview.picture_label == "White-light image" and preview.trace is None
    assert preview.picture.shape == (8, 9)
    np.testing.assert_allclose(preview.picture, 1.0)


def test_local_archive_cube_previews_its_point_source(make_product):
    preview = preview_arrays(make_product("jwst_s3d"))
    assert preview.kind is ContentKind.SPECTRAL_CUBE and len(preview.x) == 120
    # astropy's WCS gives a FITS WAVE axis in metres; the preview shows micron, as JWST does.
    assert preview.x_unit == "um" and 0.5 < np.nanmedian(preview.x) < 30
    peak = np.unravel_index(np.nanargmax(preview.picture), preview.picture.shape)
    assert peak == (7, 7)  # the centre of the 15 x 15 spaxels


def test_light_curve_preview(real_file):
    path = real_file(TESS_LC)
    preview = preview_arrays(path, max_points=100)
    lc = read(path)[0].data
    assert preview.kind is ContentKind.LIGHTCURVE
    assert len(preview.x) == 100
    assert preview.x[0] == lc.time.value[0]
    assert preview.x[-1] == lc.time.value[-1]
    assert preview.y.max() == np.nanmax(lc.flux.value)
    assert (preview.x_label, preview.y_label) == ("Time (BTJD)", "PDCSAP flux")
    assert (preview.x_unit, preview.y_unit) == ("d", "electron / s")
    assert preview.title == "TESS TIC 358108509 sector 1"


def test_pixel_file_preview_sums_the_pixels(real_file):
    preview = preview_arrays(real_file("ktwo211983544-c18_lpd-targ.fits"))
    tpf = read(real_file("ktwo211983544-c18_lpd-targ.fits"))[0].data
    assert preview.kind is ContentKind.PIXELS
    np.testing.assert_allclose(preview.y, np.nansum(tpf.flux.value, axis=(1, 2)))
    assert preview.x_label == "Time (BKJD)"
    assert preview.title == "Kepler EPIC 211983544 campaign 18"


def test_bad_max_points_and_unreadable_files(make_product):
    with pytest.raises(InputError, match="max_points must be at least 2"):
        preview_arrays(make_product("iue_mxlo_vo"), max_points=1)
    with pytest.raises(UnreadableProduct, match="preview_png.fits"):
        preview_arrays(make_product("preview_png"))


def test_a_preview_line_of_several_spectra_says_what_it_joins(make_product):
    echelle = preview_arrays(make_product("hst_stis_x1d", opt_elem="E140M", n_orders=8))
    assert echelle.note == "8 echelle orders merged into one line"
    cos = preview_arrays(make_product("hst_cos_x1d"))
    assert cos.note == "2 parts (FUVA, FUVB) in one line"
    assert preview_arrays(make_product("iue_mxlo_vo")).note == ""  # one spectrum
