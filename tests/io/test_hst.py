"""HST COS and STIS x1d: every segment and order, with units, uncertainty and DQ masks."""

import astropy.units as u
import numpy as np
import pytest
from astropy.io import fits
from astropy.nddata import StdDevUncertainty
from specutils import Spectrum

from glue_mast.errors import UnreadableProduct
from glue_mast.io import ContentKind, read
from glue_mast.io.units import FLAM


def sci_rows(path, ext=1):
    with fits.open(path) as hdul:
        return hdul[ext].data.copy(), int(hdul[ext].header["SDQFLAGS"])


def test_cos_fuv_has_one_spectrum_per_segment_with_its_dq_mask(make_product):
    path = make_product("hst_cos_x1d", name="lb4m01010_x1d.fits")
    items = read(path)
    rows, sdqflags = sci_rows(path)
    assert sdqflags == 8346
    assert [item.part for item in items] == ["FUVA", "FUVB"]
    for item, row in zip(items, rows, strict=True):
        spectrum = item.data
        assert item.kind is ContentKind.SPECTRUM
        assert item.reader == "glue-mast: HST/COS x1d"
        assert item.label == f"lb4m01010_x1d.fits [{row['SEGMENT']}]"
        assert len(spectrum.flux) == row["NELEM"] == 1600
        assert spectrum.spectral_axis.unit == u.AA
        assert spectrum.flux.unit == FLAM
        np.testing.assert_array_equal(spectrum.spectral_axis.value, row["WAVELENGTH"])
        np.testing.assert_array_equal(spectrum.flux.value, row["FLUX"])
        assert isinstance(spectrum.uncertainty, StdDevUncertainty)
        np.testing.assert_array_equal(spectrum.uncertainty.array, row["ERROR"])
        flagged = (row["DQ"] & sdqflags) != 0
        np.testing.assert_array_equal(spectrum.mask, flagged)
        # Flags outside SDQFLAGS (here 4, "near a detector edge" in calcos) are not masked.
        assert spectrum.mask.sum() == 80 < np.count_nonzero(row["DQ"])
    fuva, fuvb = (item.data.spectral_axis for item in items)
    assert (fuva[0].value, fuva[-1].value) == (1291.0, 1433.0)
    assert (fuvb[0].value, fuvb[-1].value) == (1134.0, 1274.0)
    assert items[0].header["INSTRUME"] == "COS"
    assert items[0].header["OPT_ELEM"] == "G130M"
    assert items[0].header["ROOTNAME"] == "lb4m01010"


def test_specutils_own_cos_loader_merges_the_segments(make_product):
    # Why glue-mast reads COS itself: specutils returns one spectrum, no mask.
    merged = Spectrum.read(make_product("hst_cos_x1d"), format="HST/COS")
    assert len(merged.flux) == 3200
    assert merged.mask is None


def test_cos_nuv_has_three_stripes(make_product):
    items = read(make_product("hst_cos_x1d", opt_elem="G230L"))
    assert [item.part for item in items] == ["NUVA", "NUVB", "NUVC"]
    assert [len(item.data.flux) for item in items] == [1274] * 3
    assert [item.data.spectral_axis[0].value for item in items] == [1700.0, 2300.0, 2800.0]


def test_a_cos_events_file_is_not_taken_for_an_x1d(make_product):
    # specutils' HST/COS identifier claims any COS file; the raw events table has no FLUX.
    path = make_product("hst_raw", name="lb4m01abq_rawtag_a.fits")
    with pytest.raises(UnreadableProduct, match=r"no reader recognises this FITS file"):
        read(path)


def test_stis_first_order(make_product):
    path = make_product("hst_stis_x1d", name="o6h001010_x1d.fits")
    (item,) = read(path)
    rows, sdqflags = sci_rows(path)
    spectrum = item.data
    assert item.part is None
    assert item.reader == "specutils: HST/STIS"
    assert len(spectrum.flux) == 1024
    assert spectrum.spectral_axis.unit == u.AA
    assert spectrum.flux.unit == FLAM
    assert spectrum.spectral_axis[[0, -1]].value == pytest.approx([1150.0, 1730.0])
    np.testing.assert_array_equal(spectrum.mask, (rows[0]["DQ"] & sdqflags) != 0)
    assert spectrum.mask.sum() == 4
    np.testing.assert_array_equal(spectrum.uncertainty.array, rows[0]["ERROR"])
    assert item.header["OPT_ELEM"] == "G140L"


def test_stis_echelle_has_one_spectrum_per_order(make_product):
    path = make_product("hst_stis_x1d", opt_elem="E140M", n_orders=8)
    items = read(path)
    rows, sdqflags = sci_rows(path)
    assert [item.part for item in items] == [f"order {n}" for n in range(108, 100, -1)]
    for item, row in zip(items, rows, strict=True):
        assert len(item.data.flux) == 1024
        np.testing.assert_array_equal(item.data.spectral_axis.value, row["WAVELENGTH"])
        np.testing.assert_array_equal(item.data.mask, (row["DQ"] & sdqflags) != 0)
        assert isinstance(item.data.uncertainty, StdDevUncertainty)
    assert [int(item.data.mask.sum()) for item in items] == [5, 5, 4, 1, 3, 3, 1, 3]
    assert items[0].data.spectral_axis[0].value == pytest.approx(1359.07407407)
    assert items[-1].data.spectral_axis[-1].value == pytest.approx(1470.06764043)


def test_stis_with_two_readouts(make_product, tmp_path):
    single = make_product("hst_stis_x1d")
    with fits.open(single) as hdul:
        second = hdul[1].copy()
        second.header["EXTVER"] = 2
        second.data["FLUX"] *= 2
        hdul[0].header["NEXTEND"] = 2
        path = tmp_path / "o6h001020_x1d.fits"
        fits.HDUList([hdul[0].copy(), hdul[1].copy(), second]).writeto(path)
    items = read(path)
    assert [item.part for item in items] == ["SCI 1", "SCI 2"]
    np.testing.assert_allclose(items[1].data.flux, 2 * items[0].data.flux)


def test_a_cos_row_without_wavelengths_is_left_out(make_product, tmp_path):
    with fits.open(make_product("hst_cos_x1d")) as hdul:
        hdul[1].data["WAVELENGTH"][1] = 0.0  # a FUVB row with no wavelengths at all
        path = tmp_path / "fuva_only_x1d.fits"
        hdul.writeto(path)
    assert [item.part for item in read(path)] == ["FUVA"]
