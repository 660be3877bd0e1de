"""Quick looks: a real Kepler light curve, generated HST and JWST spectra, preview images."""

from importlib import resources

import numpy as np
import pytest
from astropy.io import fits

from glue_mast.errors import InputError
from glue_mast.state import PreviewState, ProductState, SearchState, preview
from glue_mast.state.preview import MAX_POINTS

DOWNLOAD = "/api/v0.1/Download/file"
REAL = resources.files("glue_mast.testing").joinpath("data", "real")


def products_of(target, settle, **filters):
    search = SearchState(target=target, radius="0.1 deg")
    search.search().result()
    products = ProductState(search=search, **filters)
    search.selected_obsids = [str(o) for o in search.rows["obsid"]]
    settle(products)
    return products


def row_named(products, name, table="filtered"):
    table = getattr(products, table)
    [index] = np.flatnonzero(np.asarray(table["productFilename"]) == name)
    return table[index]


def test_a_real_kepler_light_curve(local_mast, settle, tmp_path):
    lightkurve = pytest.importorskip("lightkurve")
    products = products_of("KIC 10002792", settle)
    row = row_named(products, "kplr010002792-2009259160929_llc.fits")
    local_mast.clear_log()
    result = preview(row, cache_dir=tmp_path).result()

    assert len(local_mast.requests(path=DOWNLOAD)) == 1
    assert result.path == tmp_path / "Kepler" / row["obs_id"] / row["productFilename"]
    expected = lightkurve.read(str(REAL / "kplr010002792-2009259160929_llc.fits"))
    time, flux = expected.time.value, np.ma.filled(expected.flux.value.astype(float), np.nan)
    good = np.isfinite(time) & np.isfinite(flux)
    arrays = result.arrays
    assert result.kind == "light curve" and result.image is None
    assert len(arrays.x) == good.sum() <= MAX_POINTS
    np.testing.assert_array_equal(arrays.x, time[good])
    np.testing.assert_array_equal(arrays.y, flux[good])
    assert (arrays.x_unit, arrays.y_unit) == ("d", "electron / s")
    assert (arrays.x_label, arrays.y_label) == ("Time (BKJD)", "PDCSAP flux")
    assert result.title == "Kepler KIC 10002792 quarter 2"

    # Decimated, the ends stay and every point kept is one of the file's.
    small = preview(row, cache_dir=tmp_path, max_points=50).result().arrays
    assert 40 <= len(small.x) <= 50
    assert (small.x[0], small.x[-1]) == (arrays.x[0], arrays.x[-1])
    assert set(small.x) <= set(arrays.x)
    assert len(local_mast.requests(path=DOWNLOAD)) == 1  # the file came from the cache


def test_a_generated_jwst_spectrum_point_for_point(local_mast, settle, tmp_path):
    products = products_of("AU Mic", settle)
    row = row_named(products, "jw02925-o001_t001_nirspec_g395h-f290lp_x1d.fits")
    result = preview(row, cache_dir=tmp_path).result()
    data = fits.getdata(result.path, "EXTRACT1D")
    wave, flux = data["WAVELENGTH"].astype(float), data["FLUX"].astype(float)
    good = np.isfinite(wave) & np.isfinite(flux)
    arrays = result.arrays
    assert result.kind == "spectrum" and len(arrays.x) == good.sum() == 400
    np.testing.assert_allclose(arrays.x, wave[good])
    np.testing.assert_allclose(arrays.y, flux[good])
    assert (arrays.x_unit, arrays.y_unit, arrays.x_label) == ("um", "Jy", "Wavelength")
    assert result.title == "JWST NIRSPEC G395H AU MIC"


def test_a_long_hst_spectrum_is_decimated(local_mast, settle, tmp_path):
    products = products_of("TW Hya", settle)
    row = row_named(products, "lb4m01010_x1dsum.fits")
    result = preview(row, cache_dir=tmp_path).result()
    data = fits.getdata(result.path, 1)
    # Two COS segments of 1600 pixels, 3200 points: every point shown is a pixel of the file.
    assert data["WAVELENGTH"].size == 3200
    flux_at = dict(zip(data["WAVELENGTH"].ravel().astype(float), data["FLUX"].ravel()))
    arrays = result.arrays
    assert result.kind == "spectrum" and MAX_POINTS - 10 < len(arrays.x) <= MAX_POINTS
    assert np.all(np.diff(arrays.x) >= 0)
    np.testing.assert_allclose(arrays.y, [flux_at[x] for x in arrays.x])
    assert (arrays.x_unit, arrays.y_unit) == ("Angstrom", "erg / (Angstrom s cm2)")
    assert result.title == "HST COS G130M TWHYA"


def test_raw_data_previews_as_the_observations_preview_image(local_mast, settle, tmp_path):
    products = products_of(
        "TW Hya", settle, calibrated_only=False, product_type="", mrp_only=False
    )
    row = row_named(products, "lb4m0101q_rawtag_a.fits")
    result = preview(row, products=products.products, cache_dir=tmp_path).result()
    assert result.kind == "image" and result.arrays is None
    assert result.image.name == "lb4m01010_x1dsum.png" and result.image == result.path
    assert result.image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_an_exclusive_product_needs_a_token(local_mast, settle, tmp_path):
    products = products_of("TW Hya", settle)
    row = row_named(products, "lf7z01010_x1dsum.fits")
    with pytest.raises(InputError, match="exclusive access: give a MAST token") as info:
        preview(row, cache_dir=tmp_path).result()
    assert info.value.field == "product"
    assert local_mast.requests(path=DOWNLOAD) == []


def test_preview_state_shows_the_latest_product(local_mast, settle, tmp_path):
    products = products_of("AU Mic", settle)
    state = PreviewState(products=products, cache_dir=tmp_path)
    jwst = row_named(products, "jw02925-o001_t001_nirspec_g395h-f290lp_x1d.fits")
    cos = row_named(products, "lc8j01010_x1dsum.fits")
    local_mast.faults.stall(0.5, times=1, match=DOWNLOAD)
    first = state.show(cos)
    second = state.show(jwst)
    first.wait(), second.wait()
    settle(state)
    assert first.result().kind == "spectrum"  # made, but superseded: not shown
    assert state.title == "JWST NIRSPEC G395H AU MIC"
    assert (state.kind, state.x_unit, len(state.x), state.error) == ("spectrum", "um", 400, "")
    assert (state.x_label, state.y_label, state.y_unit, state.image) == (
        "Wavelength",
        "Flux",
        "Jy",
        "",
    )
    state.show(products.filtered[:2]).wait()  # two rows: not one product
    settle(state)
    assert state.error == "preview takes one product: a row of the products table"
    assert (state.kind, state.x) == ("", None)


def test_preview_state_shows_an_image(local_mast, settle, tmp_path):
    products = products_of(
        "TW Hya", settle, calibrated_only=False, product_type="", mrp_only=False
    )
    state = PreviewState(products=products, cache_dir=tmp_path)
    state.show(row_named(products, "lb4m01010_asn.fits")).result()
    settle(state)
    assert (state.kind, state.x, state.title) == ("image", None, "lb4m01010_asn.fits")
    assert state.image.endswith("lb4m01010_x1dsum.png")


def test_a_slow_preview_shows_its_progress_and_stops_at_its_time_limit(
    local_mast, settle, tmp_path
):
    products = products_of("TW Hya", settle)
    row = row_named(products, "lb4m01010_x1dsum.fits")
    state = PreviewState(products=products, cache_dir=tmp_path, timeout=1.0)
    said = []
    state.add_callback("status", said.append)
    local_mast.faults.bandwidth = 20_000  # bytes per second: 17 s for its 342.7 kB
    state.show(row)
    settle(state)
    assert state.error.startswith("no preview of lb4m01010_x1dsum.fits after 1 s: ")
    assert "lb4m01010_x1dsum.fits: fetching 1 file, 342.7 kB" in said
    assert any(s.endswith(" of 342.7 kB") for s in said)
    assert (state.status, state.fraction, state.x) == ("", 0.0, None)
    # what arrived is kept: the next try at full speed asks only for the rest
    local_mast.faults.bandwidth = None
    local_mast.clear_log()
    state.show(row)
    settle(state)
    assert state.error == "" and state.fraction == 1.0 and state.x is not None
    [download] = local_mast.requests(path=DOWNLOAD)
    assert download.headers.get("Range", "").startswith("bytes=")


def test_an_image_without_a_sky_wcs_and_no_mast_preview_shows_its_pixels(
    local_mast, settle, tmp_path
):
    """A GALEX intensity map of the local archive has no sky WCS, and MAST lists no
    preview image for its observation: its pixels are the quick look, and say so."""
    products = products_of("M101", settle, mrp_only=False)
    row = row_named(products, "MESSIER101-nd-int.fits")
    result = preview(row, products=products.products, cache_dir=tmp_path).result()
    assert result.kind == "image" and result.image is None
    assert result.arrays.picture is not None and result.arrays.picture.size > 0
    assert result.arrays.picture_label == "Image (its pixels: the file has no sky WCS)"
