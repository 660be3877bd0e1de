"""JWST x1d, s2d and s3d: specutils' loaders, with DO_NOT_USE masks and the ERR arrays."""

import astropy.units as u
import numpy as np
import pytest
from astropy.io import fits
from astropy.nddata import StdDevUncertainty

from glue_mast.io import ContentKind, read


def test_x1d_point_source(make_product):
    path = make_product("jwst_x1d", name="jw01366-o003_t001_nirspec_clear-prism-s1600a1_x1d.fits")
    (item,) = read(path)
    spectrum = item.data
    assert item.kind is ContentKind.SPECTRUM
    assert item.reader == "specutils: JWST x1d"
    assert item.part is None
    assert spectrum.spectral_axis.unit == u.um
    assert spectrum.flux.unit == u.Jy
    assert len(spectrum.flux) == 400
    assert spectrum.spectral_axis[[0, -1]].value == pytest.approx([0.6, 5.3])
    with fits.open(path) as hdul:
        table = hdul["EXTRACT1D"].data
        np.testing.assert_array_equal(spectrum.uncertainty.array, table["FLUX_ERROR"])
        # The generated DQ flags are JUMP_DET (4), which does not make a point unusable.
        assert set(np.unique(table["DQ"])) == {0, 4}
    assert isinstance(spectrum.uncertainty, StdDevUncertainty)
    assert spectrum.mask.sum() == 0
    assert item.header["TELESCOP"] == "JWST"
    assert item.header["EXP_TYPE"] == "NRS_FIXEDSLIT"
    assert item.header["OBS_ID"] == "V01366003001P000000002101"


def test_x1d_extended_source_is_surface_brightness(make_product):
    (item,) = read(make_product("jwst_x1d", srctype="EXTENDED"))
    assert item.data.flux.unit == u.MJy / u.sr


def test_x1d_masks_do_not_use_and_nan(make_product, tmp_path):
    path = make_product("jwst_x1d")
    with fits.open(path) as hdul:
        hdul["EXTRACT1D"].data["DQ"][[5, 6, 7]] = 1 | 4
        hdul["EXTRACT1D"].data["FLUX"][10] = np.nan
        flagged = tmp_path / "flagged_x1d.fits"
        hdul.writeto(flagged)
    (item,) = read(flagged)
    assert np.flatnonzero(item.data.mask).tolist() == [5, 6, 7, 10]


def test_x1d_with_several_slits(make_product, tmp_path):
    path = make_product("jwst_x1d")
    with fits.open(path) as hdul:
        second = hdul["EXTRACT1D"].copy()
        second.header["EXTVER"] = 2
        second.header["SLTNAME"] = "S200A1"
        second.data["FLUX"] *= 3
        multi = tmp_path / "two_slits_x1d.fits"
        fits.HDUList([hdul[0].copy(), hdul[1].copy(), second, hdul["ASDF"].copy()]).writeto(multi)
    items = read(multi)
    assert [item.part for item in items] == ["S1600A1 order 1", "S200A1 order 1"]
    assert {item.reader for item in items} == {"specutils: JWST x1d multi"}
    np.testing.assert_allclose(items[1].data.flux, 3 * items[0].data.flux)
    assert [item.data.mask.sum() for item in items] == [0, 0]


def test_s2d_without_gwcs_takes_its_wavelengths_from_the_wavelength_extension(make_product):
    path = make_product("jwst_s2d")
    (item,) = read(path)
    spectrum = item.data
    assert item.kind is ContentKind.SPECTRUM_2D
    assert item.reader == "glue-mast: JWST s2d"
    assert spectrum.flux.shape == (30, 400)
    assert spectrum.flux.unit == u.MJy / u.sr
    assert spectrum.spectral_axis.unit == u.um
    assert spectrum.spectral_axis[[0, -1]].value == pytest.approx([0.6, 5.3])
    with fits.open(path) as hdul:
        np.testing.assert_array_equal(spectrum.uncertainty.array, hdul["ERR"].data)
        assert spectrum.mask.sum() == np.count_nonzero(hdul["DQ"].data & 1) == 65


def test_s2d_with_gwcs_goes_through_specutils(make_jwst_s2d_gwcs):
    items = read(make_jwst_s2d_gwcs())
    assert [item.part for item in items] == ["S200A1", "S200A2"]
    for item in items:
        assert item.reader == "specutils: JWST s2d multi"
        assert item.data.flux.shape == (6, 50)
        assert item.data.spectral_axis[[0, -1]].value == pytest.approx([1.0, 1.98])
        assert item.data.mask.sum() == 3
        assert np.all(item.data.uncertainty.array == np.float32(0.2))


def test_s3d_cube(make_jwst_s3d):
    (item,) = read(make_jwst_s3d(shape=(40, 8, 9)))
    cube = item.data
    assert item.kind is ContentKind.SPECTRAL_CUBE
    assert item.reader == "specutils: JWST s3d"
    assert cube.flux.shape == (40, 8, 9)
    assert cube.spectral_axis_index == 0
    assert cube.spectral_axis.unit == u.um
    assert cube.spectral_axis[[0, -1]].value == pytest.approx([4.9, 5.29])
    assert cube.flux.unit == u.MJy / u.sr
    assert isinstance(cube.uncertainty, StdDevUncertainty)
    # DO_NOT_USE at (0, 0, 0) and the NaN at (2, 1, 1); JUMP_DET at (1, 0, 0) is kept.
    assert np.argwhere(cube.mask).tolist() == [[0, 0, 0], [2, 1, 1]]
    assert item.header["EXP_TYPE"] == "NRS_IFU"


def test_missing_stdatamodels_says_how_to_install(make_jwst_s3d, monkeypatch):
    import sys

    from glue_mast.errors import InputError, UnreadableProduct

    path = make_jwst_s3d()
    monkeypatch.setitem(sys.modules, "stdatamodels", None)
    with pytest.raises(InputError, match=r"JWST s3d cubes needs stdatamodels.*pip install") as info:
        read(path)
    assert not isinstance(info.value, UnreadableProduct)
