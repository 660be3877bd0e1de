"""Images and spectral cubes in glue: WCS coordinates, units, provenance, links, sessions.

AU Mic's JWST observation on the local archive holds an i2d image, an s3d cube, an s2d and an
x1d (MAST's layouts, `glue_mast.testing.writers.jwst_cube`); they are searched, fetched and
loaded through the real astroquery client and `glue_mast.load`.
"""

import numpy as np
import pytest
from astropy import units as u
from astropy.io import fits
from astropy.wcs import WCS
from glue.core import DataCollection
from glue.core.subset import RangeSubsetState

import glue_mast
from glue_mast.provenance.describe import META_KEY

I2D = "jw02925001001_02101_00001_nrs1_i2d.fits"
S3D = "jw02925-o001_t001_nirspec_g395h-f290lp_s3d.fits"
X1D = "jw02925-o001_t001_nirspec_g395h-f290lp_x1d.fits"
AU_MIC = (311.28971, -31.34245)


def fetch_au_mic(download_dir):
    """Every calibrated product of AU Mic's JWST observation, fetched."""
    observations = glue_mast.search(
        target="AU Mic", radius="0.02 deg", obs_collection="JWST"
    ).all()
    products = glue_mast.products(observations, mrp_only=False)
    return glue_mast.fetch(products, download_dir=download_dir)


def _of_file(datasets, name):
    (found,) = [d for d in datasets if (d.meta.get(META_KEY) or {}).get("file") == name]
    return found


def _sci_wcs(path):
    return WCS(fits.getheader(path, "SCI"))


@pytest.fixture
def au_mic(local_mast, tmp_path):
    fetched = fetch_au_mic(tmp_path / "analysis")
    loaded = glue_mast.load(fetched)
    paths = {p.name: p for p in fetched.paths}
    return loaded, paths


def test_an_image_loads_with_its_celestial_wcs_units_and_provenance(au_mic):
    loaded, paths = au_mic
    assert not loaded.problems
    image = _of_file(loaded, I2D)
    assert image.ndim == 2 and isinstance(image.coords, WCS)
    # glue's world components are the file's WCS, pixel for pixel.
    wcs = _sci_wcs(paths[I2D])
    ny, nx = image.shape
    ra, dec = wcs.pixel_to_world_values(np.arange(nx)[None, :], np.arange(ny)[:, None])
    np.testing.assert_allclose(image[image.id["Right Ascension"]], ra, rtol=0, atol=1e-9)
    np.testing.assert_allclose(image[image.id["Declination"]], dec, rtol=0, atol=1e-9)
    # The centre of the image is AU Mic.
    x, y = image.coords.world_to_pixel_values(*AU_MIC)
    assert abs(x - (nx - 1) / 2) < 0.01 and abs(y - (ny - 1) / 2) < 0.01
    # The science array, its unit, and ERR as the uncertainty in the same unit.
    sci = fits.getdata(paths[I2D], "SCI")
    np.testing.assert_array_equal(image["data"], sci)
    assert u.Unit(image.get_component("data").units) == u.MJy / u.sr
    assert u.Unit(image.get_component("uncertainty").units) == u.MJy / u.sr
    np.testing.assert_array_equal(image["uncertainty"], fits.getdata(paths[I2D], "ERR"))
    # Label and provenance as for a spectrum.
    record = image.meta[META_KEY]
    assert record["file"] == I2D and record["kind"] == "image"
    assert record["label"] == image.label and "I2D" in image.label
    assert record["fetch"]["sha256"] and record["queries"]
    assert "header" not in image.meta  # only plain JSON in meta


def test_a_cube_loads_with_its_wcs_and_links_to_the_spectrum_and_the_image(au_mic):
    from glue.plugins.wcs_autolinking.wcs_autolinking import WCSLink

    from glue_mast.glue.links import SpectralAxisLink

    loaded, paths = au_mic
    cube = _of_file(loaded, S3D)
    assert cube.ndim == 3 and isinstance(cube.coords, WCS)
    wcs = _sci_wcs(paths[S3D])
    nw, ny, nx = cube.shape
    # Along the spectral axis at the centre spaxel, and across the sky in a plane.
    ra, dec, wave = wcs.pixel_to_world_values(7, 7, np.arange(nw))
    world = {c.label: c for c in cube.world_component_ids}
    spectral = next(c for label, c in world.items() if label not in
                    ("Right Ascension", "Declination"))
    np.testing.assert_allclose(cube[spectral][:, 7, 7], wave, rtol=1e-12)
    np.testing.assert_allclose(cube[world["Right Ascension"]][0, 7, 7], ra[0], atol=1e-9)
    assert u.Unit(cube.get_component(spectral).units) == u.m
    assert u.Unit(cube.get_component("flux").units) == u.MJy / u.sr
    assert u.Unit(cube.get_component("uncertainty").units) == u.MJy / u.sr
    np.testing.assert_allclose(cube["flux"], fits.getdata(paths[S3D], "SCI"))
    assert cube["mask"].shape == cube.shape
    record = cube.meta[META_KEY]
    assert record["file"] == S3D and record["kind"] == "spectral cube" and "S3D" in cube.label

    # On the spectral axis with the spectra (the first one, which links to the x1d; micron vs
    # the cube's metres): a range of wavelengths on the x1d selects the cube's planes in it.
    spectrum = _of_file(loaded, X1D)
    assert any(isinstance(link, SpectralAxisLink) and cube in (link.data1, link.data2)
               for link in loaded.links)
    lo, hi = (wave[39] + wave[40]) / 2 * 1e6, (wave[60] + wave[61]) / 2 * 1e6  # between planes
    state = RangeSubsetState(lo, hi, spectrum.id["Wavelength"])
    planes = cube.get_mask(state)
    assert np.array_equal(np.flatnonzero(planes[:, 7, 7]), np.arange(40, 61))
    assert planes[40:61].all()  # whole planes

    # On the sky with the image: glue's WCSLink, as glue-qt's WCS autolinker makes.
    image = _of_file(loaded, I2D)
    assert any(isinstance(link, WCSLink) and {link.data1, link.data2} == {cube, image}
               for link in loaded.links)
    x, y = image.coords.world_to_pixel_values(ra[0], dec[0])
    cube_px = image[cube.pixel_component_ids[2]]  # the cube's x, at each image pixel
    assert np.isclose(cube_px[round(float(y)), round(float(x))], 7, atol=0.6)


def test_a_sky_table_links_to_an_image_loaded_before_and_a_cube_loaded_after(
    local_mast, tmp_path
):
    """glue-mast's sky tables (catalog pages, observation pages: the same `link_sky`) link to
    the image by its WCS. The local archive's catalogs hold no source near AU Mic, so the
    table is the page of observations around it (``s_ra``, ``s_dec``)."""
    from glue_mast.glue.tables import load_observations
    from glue_mast.state import SearchState

    fetched = fetch_au_mic(tmp_path / "analysis")
    around = SearchState(target="AU Mic", radius="0.02 deg")
    around.search().result()
    assert len(around.rows) > 0
    i2d = [p for p in fetched.paths if p.name == I2D]
    s3d = [p for p in fetched.paths if p.name == S3D]

    before = DataCollection()
    (image,) = glue_mast.load(i2d, before)
    table = load_observations(before, around.rows)
    after = DataCollection()
    table_first = load_observations(after, around.rows)
    (cube,) = glue_mast.load(s3d, after)

    ra = np.asarray(around.rows["s_ra"], float)
    dec = np.asarray(around.rows["s_dec"], float)
    expected_x, expected_y = _sci_wcs(i2d[0]).world_to_pixel_values(ra, dec)
    np.testing.assert_allclose(table[image.pixel_component_ids[1]], expected_x, atol=1e-6)
    np.testing.assert_allclose(table[image.pixel_component_ids[0]], expected_y, atol=1e-6)
    cube_x, cube_y, _ = _sci_wcs(s3d[0]).world_to_pixel_values(ra, dec, np.full(ra.shape, 3e-6))
    np.testing.assert_allclose(table_first[cube.pixel_component_ids[2]], cube_x, atol=1e-6)
    np.testing.assert_allclose(table_first[cube.pixel_component_ids[1]], cube_y, atol=1e-6)


def test_a_session_with_an_image_and_a_cube_saves_and_restores(local_mast, tmp_path):
    from glue_mast.glue.session import save_session
    from glue_mast.provenance.manifest import Manifest

    folder = tmp_path / "analysis"
    fetched = fetch_au_mic(folder)
    dc = DataCollection()
    loaded = glue_mast.load([p for p in fetched.paths if p.name in (I2D, S3D, X1D)], dc)
    labels = sorted(d.label for d in loaded)
    image, cube = _of_file(loaded, I2D), _of_file(loaded, S3D)
    cube_flux = cube["flux"]
    dc.new_subset_group("bright", RangeSubsetState(20.0, 1e9, image.id["data"]))

    saved = save_session(dc, folder / "sky.glu")
    manifest = Manifest.read(saved.manifest.path)
    assert {d["path"].rsplit("/", 1)[-1] for d in manifest.datasets} >= {I2D, S3D, X1D}

    restored = glue_mast.restore_session(folder / "sky.glu")
    assert sorted(d.label for d in restored) == labels
    image2 = next(d for d in restored if d.label == image.label)
    cube2 = next(d for d in restored if d.label == cube.label)
    assert isinstance(image2.coords, WCS) and isinstance(cube2.coords, WCS)
    wcs = _sci_wcs(folder / fetched.paths[[p.name for p in fetched.paths].index(I2D)])
    ny, nx = image2.shape
    ra, _ = wcs.pixel_to_world_values(np.arange(nx)[None, :], np.arange(ny)[:, None])
    np.testing.assert_allclose(image2[image2.id["Right Ascension"]], ra, atol=1e-9)
    np.testing.assert_allclose(cube2["flux"], cube_flux)
    assert u.Unit(image2.get_component("data").units) == u.MJy / u.sr
    assert image2.meta[META_KEY]["file"] == I2D
    # The subset is restored on the image, and glue's WCS link between cube and image too.
    assert image2.subsets and image2.subsets[0].to_mask().sum() == image.subsets[0].to_mask().sum()
    assert np.isfinite(image2[cube2.pixel_component_ids[2]]).any()


def _hst_flt_with_sip(path):
    """An HST flat-fielded image whose header carries SIP distortion (as WFC3 and ACS flt
    headers do), SCI, ERR and DQ."""
    header = fits.Header()
    header.update({
        "CTYPE1": "RA---TAN-SIP", "CTYPE2": "DEC--TAN-SIP", "CRVAL1": 10.68, "CRVAL2": 41.27,
        "CRPIX1": 40.0, "CRPIX2": 30.0, "CD1_1": -1.1e-5, "CD1_2": 0.0, "CD2_1": 0.0,
        "CD2_2": 1.1e-5, "A_ORDER": 2, "A_2_0": 2e-5, "A_0_2": -1e-5, "B_ORDER": 2,
        "B_1_1": 3e-5, "BUNIT": "ELECTRONS/S",
    })
    sci = np.arange(60 * 80, dtype=np.float32).reshape(60, 80)
    dq = np.zeros(sci.shape, dtype=np.int16)
    dq[5, 6] = 4
    primary = fits.PrimaryHDU(header=fits.Header({"TELESCOP": "HST", "INSTRUME": "WFC3"}))
    fits.HDUList([
        primary,
        fits.ImageHDU(sci, header=header, name="SCI"),
        fits.ImageHDU(np.full_like(sci, 0.5), name="ERR"),
        fits.ImageHDU(dq, name="DQ"),
    ]).writeto(path)
    return path


def test_an_image_with_sip_distortion_keeps_it_through_a_session(local_mast, tmp_path):
    """glue saves a plain astropy WCS without its SIP keywords; glue-mast's images keep them."""
    from glue_mast.glue.session import save_session

    folder = tmp_path / "analysis"
    folder.mkdir()
    path = _hst_flt_with_sip(folder / "idxx01abq_flt.fits")
    dc = DataCollection()
    (image,) = glue_mast.load([path], dc)
    assert image["mask"].sum() == 1
    assert u.Unit(image.get_component("data").units) == u.electron / u.s
    wcs = WCS(fits.getheader(path, "SCI"))
    corner = wcs.pixel_to_world_values(79, 59)
    np.testing.assert_allclose(image.coords.pixel_to_world_values(79, 59), corner, atol=1e-10)
    save_session(dc, folder / "flt.glu")
    (restored,) = glue_mast.restore_session(folder / "flt.glu")
    assert restored.coords.sip is not None
    np.testing.assert_allclose(restored.coords.pixel_to_world_values(79, 59), corner, atol=1e-10)
    ra = restored[restored.id["Right Ascension"]]
    np.testing.assert_allclose(ra[59, 79], corner[0], atol=1e-10)


def test_a_cube_read_with_a_gwcs_takes_the_fits_wcs_of_its_sci_header(au_mic):
    """specutils' JWST s3d loader gives a gwcs, which glue cannot save in a session: the cube
    gets the FITS WCS the pipeline writes in SCI (the local archive's s3d has no gwcs, so the
    cube is rebuilt here on a lookup-table spectral axis, as a gwcs cube would come)."""
    from types import SimpleNamespace

    from specutils import Spectrum

    from glue_mast.glue.data import content_to_data
    from glue_mast.glue.images import SessionWCS

    _, paths = au_mic
    sci = fits.getdata(paths[S3D], "SCI")
    wcs = _sci_wcs(paths[S3D])
    wave = wcs.spectral.pixel_to_world_values(np.arange(sci.shape[0]))
    cube = Spectrum(flux=sci.astype(float) * u.MJy / u.sr, spectral_axis=wave * u.m,
                    spectral_axis_index=0)
    assert not isinstance(cube.wcs, WCS)
    item = SimpleNamespace(kind=SimpleNamespace(name="SPECTRAL_CUBE", value="spectral cube"),
                           data=cube, part=None, path=paths[S3D])
    (data,) = content_to_data(item)
    assert isinstance(data.coords, SessionWCS) and data.shape == sci.shape
    np.testing.assert_allclose(
        data.coords.pixel_to_world_values(3, 4, 50), wcs.pixel_to_world_values(3, 4, 50)
    )
