"""JWST products as stdatamodels' schemas lay them out: x1d, s2d and uncal files."""

from __future__ import annotations

import re

import numpy as np
from astropy.io import fits

from .asdf import asdf_hdu, fits_link
from .dates import hms, mjd, processing_date, start_seconds
from .fits import bin_column, bin_table, fits_bytes, image_hdu, titled_header
from .noise import Noise
from .spectra import IR_LINES, bell, f32, grid, observed, with_lines

__all__ = ["make_jwst_s2d", "make_jwst_uncal", "make_jwst_x1d"]


_JWST_DETECTORS = {"NIRSPEC": "NRS1", "NIRCAM": "NRCALONG", "NIRISS": "NIS", "MIRI": "MIRIMAGE"}
# Wavelength coverage (micron) of the dispersers.
_JWST_RANGES = {
    "PRISM": (0.6, 5.3),
    "G140M": (0.97, 1.89),
    "G235M": (1.66, 3.17),
    "G395M": (2.87, 5.27),
    "G140H": (0.97, 1.89),
    "G235H": (1.66, 3.17),
    "G395H": (2.87, 5.27),
    "P750L": (5.0, 14.0),
}


def _jwst_ids(filename, program):
    """Observation identifiers from a JWST file name (level 1/2 or level 3 form)."""
    ids = {"observtn": "001", "visit": "001", "visitgrp": "02", "seq_id": "1", "act_id": "01"}
    ids["exposure"] = "00001"
    level2 = re.match(r"jw\d{5}(\d{3})(\d{3})_(\d{2})(\d)(\d{2})_(\d{5})", filename)
    level3 = re.match(r"jw\d{5}-o(\d{3})", filename)
    if level2:
        keys = ("observtn", "visit", "visitgrp", "seq_id", "act_id", "exposure")
        ids.update(zip(keys, level2.groups(), strict=True))
    elif level3:
        ids["observtn"] = level3[1]
    ids["program"] = program
    ids["visit_id"] = program + ids["observtn"] + ids["visit"]
    ids["obs_id"] = f"V{ids['visit_id']}P0000000{ids['visitgrp']}{ids['seq_id']}{ids['act_id']}"
    return ids


def _jwst_meta(p, model_type):
    """Header cards and ASDF ``meta`` for the JWST primary HDU, from common params."""
    ids = _jwst_ids(p["filename"], p["program"])
    start = start_seconds(p["seed"])
    expstart = mjd(p["date_obs"], start)
    expend = expstart + float(p["exptime"]) / 86400.0
    detector = _JWST_DETECTORS.get(p["instrument"], p["instrument"])
    date = processing_date(p["date_obs"]) + "T00:00:00.000"
    filetype = p["filename"].rsplit("_", 1)[-1].split(".")[0]
    sections = (
        (
            "Basic parameters",
            [
                ("DATE", date, "UTC date file created"),
                ("ORIGIN", "STSCI", "Organization responsible for creating file"),
                ("TIMESYS", "UTC", "principal time system for time-related keywords"),
                ("TIMEUNIT", "s", "Default unit applicable to all time values"),
                ("FILENAME", p["filename"], "Name of the file"),
                ("FILETYPE", filetype, "Type of data in the file"),
                ("DATAMODL", model_type, "Type of data model"),
                ("TELESCOP", "JWST", "Telescope used to acquire the data"),
            ],
        ),
        (
            "Information about the coordinates in the file",
            [("RADESYS", "ICRS", "Name of the coordinate reference frame")],
        ),
        (
            "Program information",
            [
                ("CAL_VER", p["cal_ver"], "Calibration software version number"),
                ("CAL_VCS", "RELEASE", "Calibration software version control sys number"),
                ("CATEGORY", "GO", "Program category"),
            ],
        ),
        (
            "Observation identifiers",
            [
                ("DATE-OBS", p["date_obs"], "[yyyy-mm-dd] UTC date at start of exposure"),
                ("TIME-OBS", hms(start) + ".000", "[hh:mm:ss.sss] UTC time at start of exposure"),
                ("OBS_ID", ids["obs_id"], "Programmatic observation identifier"),
                ("VISIT_ID", ids["visit_id"], "Visit identifier"),
                ("PROGRAM", ids["program"], "Program number"),
                ("OBSERVTN", ids["observtn"], "Observation number"),
                ("VISIT", ids["visit"], "Visit number"),
                ("VISITGRP", ids["visitgrp"], "Visit group identifier"),
                ("SEQ_ID", ids["seq_id"], "Parallel sequence identifier"),
                ("ACT_ID", ids["act_id"], "Activity identifier"),
                ("EXPOSURE", ids["exposure"], "Exposure request number"),
            ],
        ),
        (
            "Target information",
            [
                ("TARGPROP", p["targname"], "Proposer's name for the target"),
                ("TARGNAME", p["targname"], "Standard astronomical catalog name for target"),
                ("TARGTYPE", "FIXED", "Type of target (fixed, moving, generic)"),
                ("TARG_RA", float(p["ra"]), "Target RA at mid time of exposure"),
                ("TARG_DEC", float(p["dec"]), "Target Dec at mid time of exposure"),
            ],
        ),
        (
            "Instrument configuration information",
            [
                ("INSTRUME", p["instrument"], "Instrument used to acquire the data"),
                ("DETECTOR", detector, "Name of detector used to acquire the data"),
                ("FILTER", p["filter"], "Name of the filter element used"),
                ("GRATING", p["grating"], "Name of the grating element used"),
                ("FXD_SLIT", "S1600A1", "Name of fixed slit aperture used"),
            ],
        ),
        (
            "Exposure parameters",
            [
                ("EXP_TYPE", p["exp_type"], "Type of data in the exposure"),
                ("READPATT", "NRSRAPID", "Readout pattern"),
                ("NINTS", 1, "Number of integrations in exposure"),
                ("NGROUPS", 2, "Number of groups in integration"),
                ("EXPSTART", expstart, "UTC exposure start time"),
                ("EXPEND", expend, "UTC exposure end time"),
                ("EFFEXPTM", float(p["exptime"]), "[s] Effective exposure time"),
                ("SUBARRAY", "SUB512", "Subarray used"),
            ],
        ),
    )
    meta = {
        "date": date,
        "filename": p["filename"],
        "model_type": model_type,
        "origin": "STSCI",
        "telescope": "JWST",
        "calibration_software_version": p["cal_ver"],
        "exposure": {
            "type": p["exp_type"],
            "start_time": expstart,
            "end_time": expend,
            "effective_exposure_time": float(p["exptime"]),
        },
        "instrument": {
            "name": p["instrument"],
            "detector": detector,
            "filter": p["filter"],
            "grating": p["grating"],
            "fixed_slit": "S1600A1",
        },
        "observation": {
            "date": p["date_obs"],
            "program_number": ids["program"],
            "observation_number": ids["observtn"],
            "visit_number": ids["visit"],
        },
        "target": {
            "catalog_name": p["targname"],
            "proposer_name": p["targname"],
            "ra": float(p["ra"]),
            "dec": float(p["dec"]),
        },
    }
    return titled_header(*sections), meta


def _jwst_wavelengths(grating, n):
    lo, hi = _JWST_RANGES.get(grating, _JWST_RANGES["PRISM"])
    # The prism's resolving power rises towards the red: wide pixels in the blue, fine
    # ones in the red.
    x = grid(0.0, 1.0, n)
    return lo + (hi - lo) * (1.6 * x - 0.6 * x * x)


def _jwst_model(wave, level):
    """A cool star's spectrum in Jy: Rayleigh-Jeans-like fall-off with molecular bands."""
    continuum = level / (wave * wave) * (1.0 + 0.1 * wave)
    return with_lines(wave, continuum, IR_LINES, 0.01)


def make_jwst_x1d(
    *,
    filename="jw01366-o003_t001_nirspec_clear-prism-s1600a1-sub512_x1d.fits",
    targname="WASP-39",
    ra=217.3266477,
    dec=-3.4444994,
    instrument="NIRSPEC",
    exp_type="NRS_FIXEDSLIT",
    grating="PRISM",
    filter="CLEAR",
    program="01366",
    date_obs="2022-07-10",
    cal_ver="1.18.0",
    srctype="POINT",
    exptime=1000.0,
    nrows=400,
    seed=0,
):
    """JWST one-dimensional extracted spectrum, ``*_x1d.fits`` (a MultiSpecModel).

    Imitates what the jwst pipeline writes through stdatamodels (the ``multispec``
    and ``spectable`` schemas in ``stdatamodels/jwst/datamodels/schemas``):
    PRIMARY (``TELESCOP='JWST'``, ``DATAMODL='MultiSpecModel'``), one ``EXTRACT1D``
    binary table with one row per wavelength and the columns and units of the
    stdatamodels 6.0 ``spectable`` schema, and a final ``ASDF`` extension holding
    the ASDF tree (``meta`` and a ``spec`` list whose ``spec_table`` points at the
    EXTRACT1D HDU). specutils reads it as ``JWST x1d``: a `Spectrum` in Jy over
    micron (use `Spectrum.read`; `SpectrumList.read` finds two matching formats).
    The slit, subarray and readout keywords describe a NIRSpec fixed-slit exposure.

    Parameters
    ----------
    filename : str
        FILENAME; the observation number and the other identifiers in the header
        are parsed from it when it has a JWST form.
    targname : str
        TARGPROP and TARGNAME.
    ra, dec : float
        TARG_RA and TARG_DEC (deg).
    instrument, exp_type, grating, filter : str
        INSTRUME, EXP_TYPE, GRATING and FILTER. The grating sets the wavelength
        range (PRISM 0.6-5.3 micron).
    program : str
        PROGRAM, five digits.
    date_obs : str
        Observation date, ``YYYY-MM-DD``.
    cal_ver : str
        CAL_VER, the jwst pipeline version.
    srctype : str
        SRCTYPE of the EXTRACT1D header, 'POINT' or 'EXTENDED'.
    exptime : float
        EFFEXPTM (s).
    nrows : int
        Number of wavelengths.
    seed : int
        Seed for the noise.

    Returns
    -------
    bytes
        The FITS file.
    """
    params = dict(locals())
    primary_header, meta = _jwst_meta(params, "MultiSpecModel")
    noise = Noise(seed)
    wave = _jwst_wavelengths(grating, nrows)
    flux, error = observed(_jwst_model(wave, 0.5), noise, 50.0)
    # Surface brightness over the extraction aperture: 5 NIRSpec pixels of 0.1".
    npixels = 5.0
    to_mjy_sr = 1e-6 / (npixels * 2.35e-13)
    background = 0.02 + 0.002 * wave
    bkgd_error = 0.1 * background
    variance = error * error
    sb_error = error * to_mjy_sr

    def f64(array):
        # float32 precision: the 64-bit columns then hold no last-bit noise.
        return f32(array).astype(np.float64)

    columns = [
        bin_column("WAVELENGTH", "D", wave, "um"),
        bin_column("FLUX", "D", f64(flux), "Jy"),
        bin_column("FLUX_ERROR", "D", f64(error), "Jy"),
        bin_column("FLUX_VAR_POISSON", "D", f64(0.8 * variance), "Jy^2"),
        bin_column("FLUX_VAR_RNOISE", "D", f64(0.15 * variance), "Jy^2"),
        bin_column("FLUX_VAR_FLAT", "D", f64(0.05 * variance), "Jy^2"),
        bin_column("SURF_BRIGHT", "D", f64(flux * to_mjy_sr), "MJy/sr"),
        bin_column("SB_ERROR", "D", f64(sb_error), "MJy/sr"),
        bin_column("SB_VAR_POISSON", "D", f64(0.8 * sb_error * sb_error), "(MJy/sr)^2"),
        bin_column("SB_VAR_RNOISE", "D", f64(0.15 * sb_error * sb_error), "(MJy/sr)^2"),
        bin_column("SB_VAR_FLAT", "D", f64(0.05 * sb_error * sb_error), "(MJy/sr)^2"),
        bin_column("DQ", "J", noise.flags(nrows, 0.01, 4, np.uint32), bzero=2**31),
        bin_column("BACKGROUND", "D", f64(background), "MJy/sr"),
        bin_column("BKGD_ERROR", "D", f64(bkgd_error), "MJy/sr"),
        bin_column("BKGD_VAR_POISSON", "D", f64(0.8 * bkgd_error**2), "(MJy/sr)^2"),
        bin_column("BKGD_VAR_RNOISE", "D", f64(0.15 * bkgd_error**2), "(MJy/sr)^2"),
        bin_column("BKGD_VAR_FLAT", "D", f64(0.05 * bkgd_error**2), "(MJy/sr)^2"),
        bin_column("NPIXELS", "D", np.full(nrows, npixels)),
    ]
    extract1d = bin_table(
        columns,
        "EXTRACT1D",
        [
            ("SLTNAME", "S1600A1", "Name of slit"),
            ("SRCTYPE", srctype, "Source type used for calibration"),
            ("SPORDER", 1, "Spectral order number"),
            ("DISPAXIS", 1, "Dispersion direction; 1=horizontal, 2=vertical"),
            ("DETECTOR", meta["instrument"]["detector"], "Name of detector"),
        ],
        ver=1,
    )
    primary = fits.PrimaryHDU(header=primary_header)
    spec = {
        "name": "S1600A1",
        "source_type": srctype,
        "spectral_order": 1,
        "dispersion_direction": 1,
        "spec_table": fits_link(extract1d),
    }
    asdf = asdf_hdu({"meta": meta, "spec": [spec]}, [primary, extract1d])
    return fits_bytes([primary, extract1d, asdf])


def make_jwst_s2d(
    *,
    filename="jw01366-o003_t001_nirspec_clear-prism-s1600a1-sub512_s2d.fits",
    targname="WASP-39",
    ra=217.3266477,
    dec=-3.4444994,
    instrument="NIRSPEC",
    exp_type="NRS_FIXEDSLIT",
    grating="PRISM",
    filter="CLEAR",
    program="01366",
    date_obs="2022-07-10",
    cal_ver="1.18.0",
    srctype="POINT",
    exptime=1000.0,
    shape=(30, 400),
    seed=0,
):
    """JWST rectified two-dimensional spectrum, ``*_s2d.fits`` (a MultiSlitModel).

    Imitates the resampled slit product (stdatamodels' ``multislit`` schema): PRIMARY, then the
    slit's ``SCI`` image (float32, BUNIT 'MJy/sr', SLTNAME, DISPAXIS=1), ``DQ``
    (uint32), ``ERR`` and ``WAVELENGTH`` (micron) in stdatamodels' order, and the
    ``ASDF`` extension. The real tree also holds each slit's gwcs
    (``slits[0].meta.wcs``); this one does not, and specutils' ``JWST s2d`` loader
    needs stdatamodels to read it anyway, so the file is valid FITS that astropy
    opens but specutils does not load.

    Parameters
    ----------
    filename, targname, ra, dec, instrument, exp_type, grating, filter, program
        As for `make_jwst_x1d`.
    date_obs, cal_ver, srctype, exptime, seed
        As for `make_jwst_x1d`.
    shape : tuple of int
        (spatial, spectral) size of the images.

    Returns
    -------
    bytes
        The FITS file.
    """
    params = dict(locals())
    primary_header, meta = _jwst_meta(params, "MultiSlitModel")
    noise = Noise(seed)
    ny, nx = shape
    wave = _jwst_wavelengths(grating, nx)
    # The trace: a point source centred in the slit, in MJy/sr.
    profile = bell((np.arange(ny, dtype=np.float64) - (ny - 1) / 2.0) / 1.5)
    model = 40.0 * profile[:, None] * _jwst_model(wave, 1.0)[None, :] + 0.05
    error = 0.02 + 0.03 * np.sqrt(model)
    sci = model + error * noise.normal(shape)
    wavelength = np.broadcast_to(wave, shape)
    slit_cards = [
        ("SLTNAME", "S1600A1", "Name of slit"),
        ("SRCTYPE", srctype, "Source type used for calibration"),
        ("DISPAXIS", 1, "Dispersion direction; 1=horizontal, 2=vertical"),
        # NIRSpec's 0.1" pixels: (0.1 * pi / 648000)^2 sr.
        ("PIXAR_SR", 2.350443053909789e-13, "Nominal pixel area in steradians"),
    ]
    hdus = [
        fits.PrimaryHDU(header=primary_header),
        image_hdu(
            f32(sci),
            "SCI",
            [("BUNIT", "MJy/sr", "physical units of the array values"), *slit_cards],
        ),
        image_hdu(noise.flags(shape, 0.005, 1, np.uint32), "DQ"),
        image_hdu(f32(error), "ERR", [("BUNIT", "MJy/sr", "physical units of the array values")]),
        image_hdu(
            f32(wavelength), "WAVELENGTH", [("BUNIT", "um", "physical units of the array values")]
        ),
    ]
    slit = {
        "name": "S1600A1",
        "source_type": srctype,
        "dispersion_direction": 1,
        "data": fits_link(hdus[1]),
        "dq": fits_link(hdus[2]),
        "err": fits_link(hdus[3]),
        "wavelength": fits_link(hdus[4]),
    }
    hdus.append(asdf_hdu({"meta": meta, "slits": [slit]}, hdus))
    return fits_bytes(hdus)


def make_jwst_uncal(
    *,
    filename="jw01366003001_04101_00001_nrs1_uncal.fits",
    targname="WASP-39",
    ra=217.3266477,
    dec=-3.4444994,
    instrument="NIRSPEC",
    exp_type="NRS_FIXEDSLIT",
    grating="PRISM",
    filter="CLEAR",
    program="01366",
    date_obs="2022-07-10",
    cal_ver="1.18.0",
    exptime=1000.0,
    seed=0,
):
    """A level-1b JWST exposure, ``*_uncal.fits`` (a Level1bModel), kept tiny.

    A stand-in for the raw ramps MAST also lists: the JWST primary header, a
    ``SCI`` cube of uint16 DN (as in the real level1b schema) of shape
    (integrations, groups, y, x) = (1, 2, 16, 16), and the ``ASDF`` extension.

    Parameters
    ----------
    filename, targname, ra, dec, instrument, exp_type, grating, filter, program
        As for `make_jwst_x1d`.
    date_obs, cal_ver, exptime, seed
        As for `make_jwst_x1d`.

    Returns
    -------
    bytes
        The FITS file.
    """
    params = dict(locals())
    primary_header, meta = _jwst_meta(params, "Level1bModel")
    noise = Noise(seed)
    ramp = 12000.0 + 20.0 * noise.normal((1, 2, 16, 16))
    ramp[:, 1] += 300.0  # charge accumulating between the two groups
    hdus = [fits.PrimaryHDU(header=primary_header)]
    hdus.append(
        image_hdu(np.round(ramp).astype(np.uint16), "SCI", [("BUNIT", "DN", "physical units")])
    )
    hdus.append(asdf_hdu({"meta": meta, "data": fits_link(hdus[1])}, hdus))
    return fits_bytes(hdus)
