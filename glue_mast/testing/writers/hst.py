"""HST products' shared layout (primary header, exposure cards) and level-1 exposures.

The extracted spectra are in `.cos` and `.stis`.
"""

from __future__ import annotations

import numpy as np
from astropy.io import fits

from .dates import hms, mjd, processing_date, start_seconds
from .fits import bin_column, bin_table, fits_bytes, image_hdu, titled_header
from .noise import Noise
from .spectra import f32

__all__ = ["hst_exposure_cards", "hst_primary", "make_hst_raw"]


def _hst_title(title):
    return f"      / {title}"


def hst_primary(
    *,
    filename,
    rootname,
    instrument,
    targname,
    ra,
    dec,
    proposid,
    date_obs,
    nextend,
    config,
    switches,
    cal_ver,
):
    """Primary header shared by HST products, in the order and sections STScI uses."""
    return titled_header(
        (
            None,
            [
                ("NEXTEND", nextend, "Number of standard extensions"),
                ("DATE", processing_date(date_obs), "date this file was written (yyyy-mm-dd)"),
                ("FILENAME", filename, "name of file"),
                ("FILETYPE", "SCI", "type of data found in data file"),
            ],
        ),
        (
            None,
            [
                ("TELESCOP", "HST", "telescope used to acquire data"),
                ("INSTRUME", instrument, "identifier for instrument used to acquire data"),
                ("EQUINOX", 2000.0, "equinox of celestial coord. system"),
            ],
        ),
        (
            _hst_title("DATA DESCRIPTION KEYWORDS"),
            [
                ("ROOTNAME", rootname, "rootname of the observation set"),
                ("IMAGETYP", "EXT", "type of exposure identifier"),
                ("PRIMESI", instrument, "instrument designated as prime"),
            ],
        ),
        (
            _hst_title("TARGET INFORMATION"),
            [
                ("TARGNAME", targname, "proposer's target name"),
                ("RA_TARG", float(ra), "right ascension of the target (deg) (J2000)"),
                ("DEC_TARG", float(dec), "declination of the target (deg) (J2000)"),
            ],
        ),
        (
            _hst_title("PROPOSAL INFORMATION"),
            [("PROPOSID", int(proposid), "PEP proposal identifier")],
        ),
        (_hst_title("INSTRUMENT CONFIGURATION INFORMATION"), config),
        (_hst_title("CALIBRATION SWITCHES: PERFORM, OMIT, COMPLETE, SKIPPED"), switches),
        (
            _hst_title("CALIBRATION INFORMATION"),
            [("CAL_VER", cal_ver, "version number of the calibration software")],
        ),
    )


def hst_exposure_cards(*, rootname, date_obs, exptime, seed, sdqflags):
    start = start_seconds(seed)
    expstart = mjd(date_obs, start)
    return [
        ("EXTVER", 1, "extension version number"),
        ("ROOTNAME", rootname, "rootname of the observation set"),
        ("EXPNAME", rootname[:8] + "q", "exposure identifier"),
        ("DATE-OBS", date_obs, "UT date of start of observation (yyyy-mm-dd)"),
        ("TIME-OBS", hms(start), "UT time of start of observation (hh:mm:ss)"),
        ("EXPSTART", expstart, "exposure start time (Modified Julian Date)"),
        ("EXPEND", expstart + float(exptime) / 86400.0, "exposure end time (Modified Julian Date)"),
        ("EXPTIME", float(exptime), "exposure duration (seconds)--calculated"),
        ("SDQFLAGS", sdqflags, "serious data quality flags"),
    ]


def make_hst_raw(
    *,
    rootname=None,
    targname="AV-456",
    ra=16.3275,
    dec=-72.5297,
    instrument="COS",
    proposid=12581,
    exptime=1200.0,
    date_obs="2012-03-14",
    seed=0,
):
    """A level-1 HST exposure: COS ``<rootname>_rawtag_a.fits`` or STIS ``_raw.fits``.

    Only a small stand-in for the raw products MAST also lists: a realistic HST
    primary header and one data extension. For COS, an ``EVENTS`` table of 100
    photon events (TIME, RAWX, RAWY, XCORR, YCORR, PHA); for STIS, a ``SCI`` image
    of 16-bit counts stored with BZERO=32768 as in the real ``o4sp040b0_raw.fits``
    that astropy ships.

    Parameters
    ----------
    rootname : str, optional
        ROOTNAME; defaults to 'lb4m01fxq' (COS) or 'o6h001010' (STIS).
    targname : str
        TARGNAME.
    ra, dec : float
        RA_TARG and DEC_TARG (deg, J2000).
    instrument : str
        'COS' or 'STIS'.
    proposid : int
        PROPOSID.
    exptime : float
        Exposure time (s).
    date_obs : str
        Observation date, ``YYYY-MM-DD``.
    seed : int
        Seed for the events or pixel values.

    Returns
    -------
    bytes
        The FITS file.
    """
    noise = Noise(seed)
    exptime = float(exptime)
    if instrument == "COS":
        rootname = rootname or "lb4m01fxq"
        n = 100
        time = np.sort(noise.uniform(n)) * exptime
        rawx = (1000 + noise.uniform(n) * 14000).astype(np.int16)
        rawy = (470 + 8 * noise.normal(n)).astype(np.int16)
        columns = [
            bin_column("TIME", "1E", f32(time), "s"),
            bin_column("RAWX", "1I", rawx, "pixel"),
            bin_column("RAWY", "1I", rawy, "pixel"),
            bin_column("XCORR", "1E", f32(rawx), "pixel"),
            bin_column("YCORR", "1E", f32(rawy), "pixel"),
            bin_column("PHA", "1B", (2 + noise.uniform(n) * 28).astype(np.uint8)),
        ]
        data = bin_table(
            columns,
            "EVENTS",
            hst_exposure_cards(
                rootname=rootname, date_obs=date_obs, exptime=exptime, seed=seed, sdqflags=8346
            ),
        )
        filename = f"{rootname}_rawtag_a.fits"
        config = [
            ("OBSTYPE", "SPECTROSCOPIC", "observation type - imaging or spectroscopic"),
            ("OBSMODE", "TIME-TAG", "operating mode"),
            ("DETECTOR", "FUV", "FUV or NUV"),
            ("SEGMENT", "FUVA", "FUV detector segment name (FUVA, FUVB, or BOTH)"),
            ("OPT_ELEM", "G130M", "optical element in use"),
            ("CENWAVE", 1291, "central wavelength of spectrum"),
            ("APERTURE", "PSA", "aperture name"),
        ]
    elif instrument == "STIS":
        rootname = rootname or "o6h001010"
        counts = 1500.0 + 30.0 * noise.normal((64, 64))
        counts[30:34, :] += 4000.0  # the dispersed spectrum crossing the detector
        data = image_hdu(
            np.round(counts).astype(np.uint16),
            "SCI",
            [
                *hst_exposure_cards(
                    rootname=rootname, date_obs=date_obs, exptime=exptime, seed=seed, sdqflags=31743
                ),
                ("BUNIT", "COUNTS", "brightness units"),
            ],
        )
        filename = f"{rootname}_raw.fits"
        config = [
            ("OBSTYPE", "SPECTROSCOPIC", "observation type - imaging or spectroscopic"),
            ("OBSMODE", "ACCUM", "operating mode"),
            ("DETECTOR", "CCD", "detector in use: NUV-MAMA, FUV-MAMA, or CCD"),
            ("OPT_ELEM", "G430L", "optical element in use"),
            ("APERTURE", "52X0.2", "aperture name"),
            ("CENWAVE", 4300, "central wavelength of spectrum"),
        ]
    else:
        raise ValueError(f"instrument must be 'COS' or 'STIS', not {instrument!r}")
    primary = hst_primary(
        filename=filename,
        rootname=rootname,
        instrument=instrument,
        targname=targname,
        ra=ra,
        dec=dec,
        proposid=proposid,
        date_obs=date_obs,
        nextend=1,
        config=config,
        switches=[("X1DCORR", "PERFORM", "1-D spectral extraction")],
        cal_ver="",
    )
    return fits_bytes([fits.PrimaryHDU(header=primary), data])
