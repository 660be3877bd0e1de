"""JWST products with sky axes: the s3d IFU cube and the i2d resampled image.

Both follow stdatamodels' schemas (``ifucube`` and ``image``/resampled ``i2d``) in their FITS
layout: the science array in ``SCI`` with the FITS WCS the pipeline writes beside its gwcs
(``CTYPEn``, ``CRPIXn``, ``CRVALn``, ``CDELTn``, ``PCi_j``, ``CUNITn``), the pixel's solid angle
(``PIXAR_SR``, ``PIXAR_A2``), then the companion extensions in stdatamodels' order and the
``ASDF`` extension. As for `make_jwst_s2d`, the ASDF tree holds the meta and the links to the
arrays but not the gwcs (the files are written without the asdf library, see
`glue_mast.testing.writers.asdf`): readers take the sky and wavelengths from the FITS WCS.
"""

from __future__ import annotations

import numpy as np
from astropy.io import fits

from .asdf import asdf_hdu, fits_link
from .fits import fits_bytes, image_hdu
from .jwst import _jwst_meta, _jwst_model
from .noise import Noise
from .spectra import bell, f32, grid

__all__ = ["make_jwst_i2d", "make_jwst_s3d"]

_MJY_SR = ("BUNIT", "MJy/sr", "physical units of the array values")


def _sky_cards(ra, dec, scale_deg, shape_yx, naxes):
    """The celestial WCS cards of a north-up image centred on (ra, dec)."""
    ny, nx = shape_yx
    cards = [
        ("WCSAXES", naxes, "number of World Coordinate System axes"),
        ("CRPIX1", (nx + 1) / 2.0, "axis 1 coordinate of the reference pixel"),
        ("CRPIX2", (ny + 1) / 2.0, "axis 2 coordinate of the reference pixel"),
        ("CRVAL1", float(ra), "first axis value at the reference pixel"),
        ("CRVAL2", float(dec), "second axis value at the reference pixel"),
        ("CTYPE1", "RA---TAN", "Axis 1 type"),
        ("CTYPE2", "DEC--TAN", "Axis 2 type"),
        ("CUNIT1", "deg", "first axis units"),
        ("CUNIT2", "deg", "second axis units"),
        ("CDELT1", scale_deg, "first axis increment per pixel"),
        ("CDELT2", scale_deg, "second axis increment per pixel"),
        ("PC1_1", -1.0, "linear transformation matrix element"),
        ("PC1_2", 0.0, "linear transformation matrix element"),
        ("PC2_1", 0.0, "linear transformation matrix element"),
        ("PC2_2", 1.0, "linear transformation matrix element"),
    ]
    # The solid angle of one pixel: (scale in arcsec)^2, and in sr (1 arcsec = pi/648000 rad).
    arcsec = scale_deg * 3600.0
    rad = arcsec * (3.141592653589793 / 648000.0)
    cards += [
        ("PIXAR_SR", rad * rad, "Nominal pixel area in steradians"),
        ("PIXAR_A2", arcsec * arcsec, "Nominal pixel area in arcsec^2"),
        ("RADESYS", "ICRS", "Name of the coordinate reference frame"),
    ]
    return cards


def make_jwst_s3d(
    *,
    filename="jw02925-o001_t001_nirspec_g395h-f290lp_s3d.fits",
    targname="AU MIC",
    ra=311.28971,
    dec=-31.34245,
    instrument="NIRSPEC",
    exp_type="NRS_IFU",
    grating="G395H",
    filter="F290LP",
    program="02925",
    date_obs="2023-06-10",
    cal_ver="1.18.0",
    srctype="POINT",
    exptime=1000.0,
    shape=(120, 15, 15),
    seed=0,
):
    """JWST IFU cube, ``*_s3d.fits`` (an IFUCubeModel).

    PRIMARY; ``SCI`` (float32, (wavelength, y, x), BUNIT 'MJy/sr', a 3-axis FITS WCS: RA---TAN,
    DEC--TAN at 0.1" a spaxel and a linear WAVE axis in micron, SRCTYPE, PIXAR_SR); ``ERR``
    (ERRTYPE 'ERR'), ``DQ`` (uint32), ``WMAP`` (float32 weights), and the ``ASDF`` extension.
    The scene: a point source at the centre whose spectrum is the star of `make_jwst_x1d`,
    spread by a bell-shaped PSF, on a faint background.

    Parameters
    ----------
    filename, targname, ra, dec, instrument, exp_type, grating, filter, program
        As for `glue_mast.testing.writers.jwst.make_jwst_x1d`.
    date_obs, cal_ver, srctype, exptime, seed
        As for `make_jwst_x1d`.
    shape : tuple of int
        (wavelengths, y, x).

    Returns
    -------
    bytes
        The FITS file.
    """
    params = dict(locals())
    primary_header, meta = _jwst_meta(params, "IFUCubeModel")
    noise = Noise(seed)
    nw, ny, nx = shape
    from .jwst import _JWST_RANGES

    lo, hi = _JWST_RANGES.get(grating, _JWST_RANGES["PRISM"])
    wave = grid(lo, hi, nw)
    step = (hi - lo) / (nw - 1)
    y = (np.arange(ny, dtype=np.float64) - (ny - 1) / 2.0) / 1.6
    x = (np.arange(nx, dtype=np.float64) - (nx - 1) / 2.0) / 1.6
    psf = bell(y)[:, None] * bell(x)[None, :]
    model = 60.0 * _jwst_model(wave, 1.0)[:, None, None] * psf[None] + 0.2
    error = 0.05 + 0.04 * np.sqrt(model)
    sci = model + error * noise.normal(shape)
    sky = _sky_cards(ra, dec, 0.1 / 3600.0, (ny, nx), 3)
    spectral = [
        ("CRPIX3", 1.0, "axis 3 coordinate of the reference pixel"),
        ("CRVAL3", float(lo), "third axis value at the reference pixel"),
        ("CTYPE3", "WAVE", "Axis 3 type"),
        ("CUNIT3", "um", "third axis units"),
        ("CDELT3", float(step), "third axis increment per pixel"),
        ("PC3_3", 1.0, "linear transformation matrix element"),
        ("SRCTYPE", srctype, "Source type used for calibration"),
    ]
    hdus = [
        fits.PrimaryHDU(header=primary_header),
        image_hdu(f32(sci), "SCI", [_MJY_SR, *sky, *spectral]),
        image_hdu(f32(error), "ERR", [_MJY_SR, ("ERRTYPE", "ERR", "Type of error array")]),
        image_hdu(noise.flags(shape, 0.002, 1, np.uint32), "DQ"),
        image_hdu(f32(np.ones(shape)), "WMAP"),
    ]
    tree = {
        "meta": meta,
        "data": fits_link(hdus[1]),
        "err": fits_link(hdus[2]),
        "dq": fits_link(hdus[3]),
        "weightmap": fits_link(hdus[4]),
    }
    hdus.append(asdf_hdu(tree, hdus))
    return fits_bytes(hdus)


def make_jwst_i2d(
    *,
    filename="jw02925001001_02101_00001_nrs1_i2d.fits",
    targname="AU MIC",
    ra=311.28971,
    dec=-31.34245,
    instrument="NIRSPEC",
    exp_type="NRS_TACONFIRM",
    grating="MIRROR",
    filter="F110W",
    program="02925",
    date_obs="2023-06-10",
    cal_ver="1.18.0",
    exptime=20.0,
    shape=(64, 64),
    scale_arcsec=0.1,
    seed=0,
):
    """JWST resampled image, ``*_i2d.fits`` (an ImageModel from the resample step).

    PRIMARY; ``SCI`` (float32, BUNIT 'MJy/sr', a TAN FITS WCS north up at ``scale_arcsec``,
    PIXAR_SR); ``ERR``, ``CON`` (int32 context, one plane), ``WHT`` (float32),
    ``VAR_POISSON``, ``VAR_RNOISE``, ``VAR_FLAT``; and the ``ASDF`` extension. A point source
    at (ra, dec), a fainter one off to the north-east, on a flat background.

    Parameters
    ----------
    filename, targname, ra, dec, instrument, exp_type, grating, filter, program
        As for `make_jwst_x1d` (the defaults: a NIRSpec target-acquisition confirmation
        image of the observation's target).
    date_obs, cal_ver, exptime, seed
        As for `make_jwst_x1d`.
    shape : tuple of int
        (y, x).
    scale_arcsec : float
        The pixel scale.

    Returns
    -------
    bytes
        The FITS file.
    """
    params = dict(locals())
    primary_header, meta = _jwst_meta(params, "ImageModel")
    noise = Noise(seed)
    ny, nx = shape
    yy = np.arange(ny, dtype=np.float64)[:, None]
    xx = np.arange(nx, dtype=np.float64)[None, :]
    cy, cx = (ny - 1) / 2.0, (nx - 1) / 2.0
    model = 0.3 + 80.0 * bell((yy - cy) / 1.2) * bell((xx - cx) / 1.2)
    model = model + 9.0 * bell((yy - cy - 12.0) / 1.2) * bell((xx - cx + 15.0) / 1.2)
    error = 0.05 + 0.05 * np.sqrt(model)
    sci = model + error * noise.normal(shape)
    variance = error * error
    sky = _sky_cards(ra, dec, scale_arcsec / 3600.0, shape, 2)
    hdus = [
        fits.PrimaryHDU(header=primary_header),
        image_hdu(f32(sci), "SCI", [_MJY_SR, *sky]),
        image_hdu(f32(error), "ERR", [_MJY_SR]),
        image_hdu(np.ones((1, ny, nx), dtype=np.int32), "CON"),
        image_hdu(f32(np.full(shape, exptime)), "WHT"),
        image_hdu(f32(0.8 * variance), "VAR_POISSON"),
        image_hdu(f32(0.15 * variance), "VAR_RNOISE"),
        image_hdu(f32(0.05 * variance), "VAR_FLAT"),
    ]
    names = ("data", "err", "con", "wht", "var_poisson", "var_rnoise", "var_flat")
    tree = {"meta": meta, **{name: fits_link(hdu) for name, hdu in zip(names, hdus[1:],
                                                                         strict=True)}}
    hdus.append(asdf_hdu(tree, hdus))
    return fits_bytes(hdus)
