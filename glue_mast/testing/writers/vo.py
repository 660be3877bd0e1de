"""IUE and FUSE spectra in MAST's VO containers (the IVOA Spectrum data model in FITS)."""

from __future__ import annotations

import math

from astropy.io import fits

from .dates import hms, mjd, parse_date, processing_date, start_seconds
from .fits import bin_column, bin_table, fits_bytes, titled_header
from .noise import Noise
from .spectra import UV_LINES, continuum, f32, grid, observed, with_lines

__all__ = ["make_fuse_vo", "make_iue_mxlo_vo"]


def _vo_columns(wave, flux, sigma, flux_unit, quality=None):
    """The one-row vector columns of a MAST VO container, with Spectrum DM TUTYPE/TUCD."""
    spec = [
        ("WAVE", wave, "Angstrom", "Spectrum.Data.SpectralAxis.Value", "em.wl"),
        ("FLUX", flux, flux_unit, "Spectrum.Data.FluxAxis.Value", "phot.flux.density;em.wl"),
        (
            "SIGMA",
            sigma,
            flux_unit,
            "Spectrum.Data.FluxAxis.Accuracy.StatError",
            "stat.error;phot.flux.density;em.wl",
        ),
    ]
    n = len(wave)
    columns = [bin_column(name, f"{n}E", f32(a)[None, :], unit) for name, a, unit, _, _ in spec]
    cards = []
    for i, (_, _, _, utype, ucd) in enumerate(spec, start=1):
        cards += [(f"TUTYP{i}", utype, ""), (f"TUCD{i}", ucd, "")]
    if quality is not None:
        columns.append(bin_column("QUALITY", f"{n}I", quality[None, :]))
        cards += [("TUTYP4", "Spectrum.Data.FluxAxis.Quality", ""), ("TUCD4", "meta.code.qual", "")]
    return columns, cards


def _vo_cards(
    *,
    ds_ident,
    collection,
    telescope,
    instrument,
    filename,
    targname,
    ra,
    dec,
    radecsys,
    equinox,
    specsys,
    date_obs,
    exptime,
    start,
    wave,
    title,
):
    """The Spectrum-DM keywords MAST puts in the header of a VO container."""
    tstart = mjd(date_obs, start)
    tstop = tstart + float(exptime) / 86400.0
    lo, hi = float(wave[0]), float(wave[-1])
    return [
        ("VOCLASS", "SPECTRUM V1.0", "VO Data Model"),
        ("VOSEGT", "SPECTRUM", "VO Segment type"),
        ("DATALEN", len(wave), "Number of points in spectrum"),
        ("DSSOURCE", "Pointed", "Dataset source"),
        ("DS_IDENT", ds_ident, "Dataset identifier"),
        ("CR_IDENT", filename, "Creator dataset identifier"),
        ("CRETYPE", "Archival", "Dataset creation type"),
        ("COLLECT", collection, "Data collection"),
        ("TITLE", title, "Dataset title"),
        ("TELESCOP", telescope, "Telescope name"),
        ("INSTRUME", instrument, "Instrument name"),
        ("FILENAME", filename, "Name of file"),
        ("VOPUB", "MAST", "VO Publisher"),
        ("VOPUBID", "ivo://mast.stsci.edu", "VO Publisher ID"),
        ("VOREF", "https://archive.stsci.edu/", "Reference"),
        ("OBJECT", targname, "Target name"),
        ("RA_TARG", ra, "[deg] Target right ascension"),
        ("DEC_TARG", dec, "[deg] Target declination"),
        ("RADECSYS", radecsys, "Celestial coordinate frame"),
        ("EQUINOX", equinox, "Equinox of the coordinates"),
        ("SPECSYS", specsys, "Spectral reference frame"),
        ("TIMESYS", "UTC", "Time system"),
        ("MJDREF", 0.0, "[d] Reference MJD of the time axis"),
        ("DATE-OBS", date_obs, "Observation date"),
        ("TSTART", tstart, "[d] Start time (MJD)"),
        ("TSTOP", tstop, "[d] Stop time (MJD)"),
        ("TMID", (tstart + tstop) / 2.0, "[d] Mid time (MJD)"),
        ("EXPOSURE", float(exptime), "[s] Exposure time"),
        ("SPEC_VAL", (lo + hi) / 2.0, "[Angstrom] Characteristic spectral coordinate"),
        ("SPEC_BW", hi - lo, "[Angstrom] Width of spectrum"),
    ]


def _to_b1950(ra, dec):
    """Precess J2000 coordinates (deg) to equinox B1950 (IAU 1976, no E-terms).

    IUE headers give B1950 positions. Rounded to 1e-6 deg so that last-bit
    differences between math libraries cannot reach the header.
    """
    t = -0.5  # Julian centuries from J2000
    arcsec = math.pi / (180.0 * 3600.0)
    zeta = (2306.2181 * t + 0.30188 * t * t + 0.017998 * t**3) * arcsec
    z = (2306.2181 * t + 1.09468 * t * t + 0.018203 * t**3) * arcsec
    theta = (2004.3109 * t - 0.42665 * t * t - 0.041833 * t**3) * arcsec
    a, d = math.radians(ra), math.radians(dec)
    x = math.cos(d) * math.cos(a + zeta)
    y = math.cos(d) * math.sin(a + zeta)
    zz = math.sin(d)
    xp = x * math.cos(theta) - zz * math.sin(theta)
    zp = x * math.sin(theta) + zz * math.cos(theta)
    ra1950 = (math.degrees(math.atan2(y, xp)) + math.degrees(z)) % 360.0
    dec1950 = math.degrees(math.asin(max(-1.0, min(1.0, zp))))
    return round(ra1950, 6), round(dec1950, 6)


# Camera: (wavelength range in Angstrom, points in an mxlo VO spectrum).
_IUE_CAMERAS = {
    "SWP": ((1150.0, 1978.0), 495),
    "LWP": ((1850.0, 3350.0), 563),
    "LWR": ((1850.0, 3350.0), 563),
}


def make_iue_mxlo_vo(
    *,
    image="SWP12345",
    targname="HD 147933",
    ra=246.3961,
    dec=-23.4472,
    date_obs="1981-08-30",
    exptime=900.0,
    seed=0,
):
    """IUE low-dispersion spectrum in MAST's VO container, ``<image>mxlo_vo.fits``.

    Imitates MAST's ``…/pub/vospectra/iue2/lwp13058mxlo_vo.fits``: a
    PRIMARY header keeping the IUE/NEWSIPS keywords (TELESCOP='IUE', CAMERA, IMAGE,
    DISPERSN, APERTURE, LDATEOBS, LEXPTIME, ...), then a one-row ``Spectral
    Container`` table with vector columns WAVE, FLUX, SIGMA and QUALITY (495 points,
    1150-1978 A, for SWP; 563 points, 1850-3350 A, for LWP and LWR) and the VO
    Spectrum-DM keywords. specutils has no loader for it.

    Parameters
    ----------
    image : str
        Camera and image number, e.g. 'SWP12345' or 'LWP13058'.
    targname : str
        OBJECT.
    ra, dec : float
        J2000 position (deg), as MAST's tables give it. Headers hold it
        precessed to B1950 (RADECSYS='FK4'), as IUE recorded positions.
    date_obs : str
        Observation date, ``YYYY-MM-DD``.
    exptime : float
        Large-aperture exposure time (s).
    seed : int
        Seed for the noise.

    Returns
    -------
    bytes
        The FITS file.
    """
    camera, number = image[:3].upper(), int(image[3:])
    if camera not in _IUE_CAMERAS:
        raise ValueError(f"unknown IUE camera in {image!r}; known: {sorted(_IUE_CAMERAS)}")
    (lo, hi), n = _IUE_CAMERAS[camera]
    noise = Noise(seed)
    wave = grid(lo, hi, n)
    level = 1.0e-13 if camera == "SWP" else 5.0e-14
    model = with_lines(wave, continuum(wave, (lo, hi), level, tilt=-0.4), UV_LINES, 6.0)
    flux, sigma = observed(model, noise, 15.0)
    # NEWSIPS nu flags are negative: -2 marks reseau marks, -8 saturated pixels.
    quality = noise.flags(n, 0.01, -2) + noise.flags(n, 0.003, -8)
    filename = f"{image.lower()}mxlo_vo.fits"
    ra1950, dec1950 = _to_b1950(float(ra), float(dec))
    start = start_seconds(seed)
    d = parse_date(date_obs)
    primary = titled_header(
        (
            None,
            [
                ("TELESCOP", "IUE", "International Ultraviolet Explorer"),
                ("ORIGIN", "GSFC", "Processing site"),
                ("DATE", processing_date(date_obs, days=5000), "Date file was written"),
                ("FILENAME", f"{image.lower()}.mxlo", "Original NEWSIPS file name"),
                ("CAMERA", camera, "Camera used to acquire the image"),
                ("IMAGE", number, "Sequential image number"),
                ("DISPERSN", "LOW", "Spectrograph dispersion mode"),
                ("APERTURE", "LARGE", "Aperture"),
                ("OBJECT", targname, "Target name"),
                ("RA", ra1950, "[deg] Homogenized RA (B1950)"),
                ("DEC", dec1950, "[deg] Homogenized Dec (B1950)"),
                ("EQUINOX", 1950.0, "Epoch of the coordinates"),
                (
                    "LDATEOBS",
                    f"{d.day:02d}/{d.month:02d}/{d.year % 100:02d}",
                    "Large ap. observing date (dd/mm/yy)",
                ),
                ("LTIMEOBS", hms(start), "Large ap. observing start time (UT)"),
                ("LEXPTIME", float(exptime), "[s] Large ap. exposure time"),
                ("DATE-OBS", date_obs, "Observation date"),
            ],
        )
    )
    columns, unit_cards = _vo_columns(wave, flux, sigma, "erg/cm**2/s/Angstrom", quality)
    cards = _vo_cards(
        ds_ident=f"ads/sa.iue#{image.lower()}mxlo",
        collection=f"IUE/{camera}",
        telescope="IUE",
        instrument=camera,
        filename=filename,
        targname=targname,
        ra=ra1950,
        dec=dec1950,
        radecsys="FK4",
        equinox=1950.0,
        specsys="TOPOCENT",
        date_obs=date_obs,
        exptime=exptime,
        start=start,
        wave=wave,
        title=f"IUE {camera} low-dispersion spectrum of {targname}",
    )
    table = bin_table(columns, "Spectral Container", unit_cards + cards)
    return fits_bytes([fits.PrimaryHDU(header=primary), table])


def make_fuse_vo(
    *,
    dataset="P1860101000",
    targname="HD 93521",
    ra=162.0980,
    dec=37.5703,
    date_obs="2000-05-20",
    exptime=5400.0,
    npoints=5000,
    seed=0,
):
    """FUSE spectrum in MAST's VO container, ``<dataset>00nvo4ttagfcal_vo.fits``.

    As MAST serves FUSE data as VO spectra: a PRIMARY header keeping the FUSE keywords
    (TELESCOP='FUSE', INSTRUME='FUV', ...), then a one-row ``Spectral Container``
    table with WAVE, FLUX and SIGMA vectors over 905-1187 A and no quality column,
    and the VO keywords with ``COLLECT='FUSE/FUV'``. The file name follows MAST's
    pattern (e.g. ``i801010100000nvo4ttagfcal_vo.fits``).

    Parameters
    ----------
    dataset : str
        Observation identifier, e.g. 'P1860101000': program (4 characters),
        target (2), visit (2), exposure (3).
    targname : str
        TARGNAME and OBJECT.
    ra, dec : float
        RA_TARG and DEC_TARG (deg, J2000).
    date_obs : str
        Observation date, ``YYYY-MM-DD``.
    exptime : float
        Exposure time (s).
    npoints : int
        Vector length.
    seed : int
        Seed for the noise.

    Returns
    -------
    bytes
        The FITS file.
    """
    noise = Noise(seed)
    lo, hi = 905.0, 1187.0
    wave = grid(lo, hi, npoints)
    # Interstellar absorption on top of the emission lines.
    ism = [(988.77, -0.6, 0.05), (1036.34, -0.8, 0.05), (1025.72, -0.95, 1.5)]
    model = with_lines(wave, continuum(wave, (lo, hi), 1.0e-13), UV_LINES + ism, 0.05)
    flux, sigma = observed(model, noise, 12.0)
    filename = f"{dataset.lower()}00nvo4ttagfcal_vo.fits"
    start = start_seconds(seed)
    primary = titled_header(
        (
            None,
            [
                ("TELESCOP", "FUSE", "Far Ultraviolet Spectroscopic Explorer"),
                ("INSTRUME", "FUV", "Instrument"),
                ("FILENAME", filename, "Name of file"),
                ("ROOTNAME", dataset.upper(), "Rootname of the observation"),
                ("PRGRM_ID", dataset[:4].upper(), "Program ID"),
                ("TARG_ID", dataset[4:6], "Target ID"),
                ("SCOBS_ID", dataset[6:8], "Observation ID"),
                ("EXP_ID", dataset[8:11], "Exposure ID"),
                ("TARGNAME", targname, "Target name"),
                ("RA_TARG", float(ra), "[deg] Right ascension of the target (J2000)"),
                ("DEC_TARG", float(dec), "[deg] Declination of the target (J2000)"),
                ("EQUINOX", 2000.0, "Equinox of the coordinates"),
                ("DATEOBS", date_obs, "Date of observation (UT)"),
                ("TIMEOBS", hms(start), "Start time of observation (UT)"),
                ("EXPTIME", float(exptime), "[s] Exposure time"),
                ("APERTURE", "LWRS", "Aperture"),
                ("INSTMODE", "TTAG", "Instrument mode"),
                ("CF_VERS", "3.2.3", "CalFUSE version"),
            ],
        )
    )
    columns, unit_cards = _vo_columns(wave, flux, sigma, "erg/cm**2/s/Angstrom")
    cards = _vo_cards(
        ds_ident=f"ads/sa.fuse#{dataset.lower()}",
        collection="FUSE/FUV",
        telescope="FUSE",
        instrument="FUV",
        filename=filename,
        targname=targname,
        ra=float(ra),
        dec=float(dec),
        radecsys="FK5",
        equinox=2000.0,
        specsys="HELIOCEN",
        date_obs=date_obs,
        exptime=exptime,
        start=start,
        wave=wave,
        title=f"FUSE spectrum of {targname}",
    )
    table = bin_table(columns, "Spectral Container", unit_cards + cards)
    return fits_bytes([fits.PrimaryHDU(header=primary), table])
