"""HST/STIS one-dimensional extracted spectra (calstis ``x1d``), first order and echelle."""

from __future__ import annotations

import numpy as np
from astropy.io import fits

from .fits import bin_column, bin_table, fits_bytes
from .hst import hst_exposure_cards, hst_primary
from .noise import Noise
from .spectra import UV_LINES, continuum, f32, grid, photon_counts, with_lines

__all__ = ["make_hst_stis_x1d"]


_STIS_FIRST_ORDER = {
    "G140L": (1425, (1150.0, 1730.0), 1.2),
    "G230L": (2376, (1570.0, 3180.0), 3.2),
    "G430L": (4300, (2900.0, 5700.0), 5.5),
    "G750L": (7751, (5240.0, 10270.0), 9.8),
}
# Echelle modes: (default CENWAVE, grating constant K = order * wavelength, resel).
_STIS_ECHELLE = {
    "E140M": (1425, 147600.0, 0.03),
    "E230M": (1978, 114600.0, 0.04),
}
_STIS_DETECTORS = {
    "G140L": "FUV-MAMA",
    "E140M": "FUV-MAMA",
    "G230L": "NUV-MAMA",
    "E230M": "NUV-MAMA",
}


def make_hst_stis_x1d(
    *,
    rootname="o6h001010",
    targname="HD-101998",
    ra=176.1216667,
    dec=48.5161111,
    opt_elem="G140L",
    cenwave=None,
    detector=None,
    aperture=None,
    proposid=9078,
    exptime=600.0,
    date_obs="2002-06-11",
    cal_ver="3.4.2",
    n_orders=8,
    seed=0,
):
    """HST/STIS one-dimensional extracted spectrum, ``<rootname>_x1d.fits``.

    Imitates the calstis ``x1d`` product: PRIMARY with
    ``X1DCORR='COMPLETE'`` and ``NEXTEND=1``, then one ``SCI`` binary table with one
    row per spectral order and NELEM 1024, with the non-standard unit strings of the
    real files ('Angstroms', 'Counts/s', 'erg/s/cm**2/Angstrom'). A first-order
    grating gives one row, which specutils reads as ``HST/STIS`` (`Spectrum`); an
    echelle gives ``n_orders`` rows, read as ``HST/STIS multi``
    (`SpectrumCollection`).

    Parameters
    ----------
    rootname, targname : str
        ROOTNAME and TARGNAME.
    ra, dec : float
        RA_TARG and DEC_TARG (deg, J2000).
    opt_elem : str
        G140L, G230L, G430L, G750L (first order) or E140M, E230M (echelle).
    cenwave : int, optional
        Central wavelength setting; defaults to the mode's most used one.
    detector : str, optional
        FUV-MAMA, NUV-MAMA or CCD; defaults to the detector of ``opt_elem``.
    aperture : str, optional
        Defaults to '52X0.2' (first order) or '0.2X0.2' (echelle).
    proposid : int
        PROPOSID.
    exptime : float
        Exposure time (s).
    date_obs : str
        Observation date, ``YYYY-MM-DD``.
    cal_ver : str
        CAL_VER, the calstis version.
    n_orders : int
        Echelle orders written. A real E140M file has 44; each 1024-element row
        takes 39 KB, so the default 8 keeps the file near 320 KB.
    seed : int
        Seed for the noise.

    Returns
    -------
    bytes
        The FITS file.
    """
    echelle = opt_elem in _STIS_ECHELLE
    if not echelle and opt_elem not in _STIS_FIRST_ORDER:
        known = sorted(_STIS_FIRST_ORDER) + sorted(_STIS_ECHELLE)
        raise ValueError(f"unknown STIS mode {opt_elem!r}; known: {known}")
    detector = detector or _STIS_DETECTORS.get(opt_elem, "CCD")
    aperture = aperture or ("0.2X0.2" if echelle else "52X0.2")
    noise = Noise(seed)
    exptime = float(exptime)
    nelem = 1024
    x = grid(-1.0, 1.0, nelem)

    if echelle:
        default_cenwave, k, resel = _STIS_ECHELLE[opt_elem]
        cenwave = int(default_cenwave if cenwave is None else cenwave)
        top = round(k / cenwave) + n_orders // 2
        # Rows run from the highest order (shortest wavelengths) down, as on the detector.
        orders = np.arange(top, top - n_orders, -1)
        centers = k / orders.astype(np.float64)
        half = 0.6 * centers / orders  # a little more than the free spectral range
        wave = centers[:, None] + half[:, None] * x
        blaze = 1.0 / (1.0 + 2.5 * x * x)
        a2center = 120.0 + 23.0 * np.arange(n_orders)
        extrsize, bk_size, bk_offset = 7.0, 5.0, 11.0
    else:
        default_cenwave, (lo, hi), resel = _STIS_FIRST_ORDER[opt_elem]
        cenwave = int(default_cenwave if cenwave is None else cenwave)
        orders = np.array([1])
        wave = grid(lo, hi, nelem)[None, :]
        blaze = 0.5 + 0.5 * (1.0 - x * x)
        a2center = np.array([512.0])
        extrsize, bk_size, bk_offset = 11.0, 5.0, 300.0
    rows = len(orders)
    span = (float(wave.min()), float(wave.max()))

    model = with_lines(wave, continuum(wave, span, 2.0e-14), UV_LINES, resel)
    counts = photon_counts(model, 2.0e13 * blaze, exptime, 5e-4, noise)
    dq = noise.flags(wave.shape, 0.003, 16)
    extrlocy = a2center[:, None] + 1.5 * x

    def scalar(value, dtype):
        return np.full(rows, value, dtype=dtype)

    columns = [
        bin_column("SPORDER", "1I", orders.astype(np.int16)),
        bin_column("NELEM", "1I", scalar(nelem, np.int16)),
        bin_column("WAVELENGTH", f"{nelem}D", wave, "Angstroms"),
        bin_column("GROSS", f"{nelem}E", f32(counts["GROSS"]), "Counts/s"),
        bin_column("BACKGROUND", f"{nelem}E", f32(counts["BACKGROUND"]), "Counts/s"),
        bin_column("NET", f"{nelem}E", f32(counts["NET"]), "Counts/s"),
        bin_column("FLUX", f"{nelem}E", f32(counts["FLUX"]), "erg/s/cm**2/Angstrom"),
        bin_column("ERROR", f"{nelem}E", f32(counts["ERROR"]), "erg/s/cm**2/Angstrom"),
        bin_column("NET_ERROR", f"{nelem}E", f32(counts["NET_ERROR"]), "Counts/s"),
        bin_column("DQ", f"{nelem}I", dq),
        bin_column("A2CENTER", "1E", f32(a2center), "pixel"),
        bin_column("EXTRSIZE", "1E", scalar(extrsize, np.float32), "pixel"),
        bin_column("MAXSRCH", "1I", scalar(7, np.int16)),
        bin_column("BK1SIZE", "1E", scalar(bk_size, np.float32), "pixel"),
        bin_column("BK2SIZE", "1E", scalar(bk_size, np.float32), "pixel"),
        bin_column("BK1OFFST", "1E", scalar(-bk_offset, np.float32), "pixel"),
        bin_column("BK2OFFST", "1E", scalar(bk_offset, np.float32), "pixel"),
        bin_column("EXTRLOCY", f"{nelem}E", f32(extrlocy), "pixel"),
        bin_column("OFFSET", "1E", scalar(0.0, np.float32), "pixel"),
    ]
    primary = hst_primary(
        filename=f"{rootname}_x1d.fits",
        rootname=rootname,
        instrument="STIS",
        targname=targname,
        ra=ra,
        dec=dec,
        proposid=proposid,
        date_obs=date_obs,
        nextend=1,
        config=[
            ("OBSTYPE", "SPECTROSCOPIC", "observation type - imaging or spectroscopic"),
            ("OBSMODE", "ACCUM", "operating mode"),
            ("DETECTOR", detector, "detector in use: NUV-MAMA, FUV-MAMA, or CCD"),
            ("OPT_ELEM", opt_elem, "optical element in use"),
            ("APERTURE", aperture, "aperture name"),
            ("PROPAPER", aperture, "proposed aperture name"),
            ("FILTER", "Clear", "filter in use"),
            ("CENWAVE", cenwave, "central wavelength of spectrum"),
            ("CRSPLIT", 2 if detector == "CCD" else 1, "number of cosmic ray split exposures"),
        ],
        switches=[
            ("WAVECORR", "COMPLETE", "use wavecal to adjust wavelength zeropoint"),
            ("X1DCORR", "COMPLETE", "Perform 1-D spectral extraction"),
            ("BACKCORR", "COMPLETE", "subtract background (sky and interorder)"),
            ("HELCORR", "COMPLETE", "convert to heliocentric wavelengths"),
            ("DISPCORR", "COMPLETE", "apply 2-dimensional dispersion solutions"),
            ("FLUXCORR", "COMPLETE", "convert to absolute flux units"),
        ],
        cal_ver=cal_ver,
    )
    sci = bin_table(
        columns,
        "SCI",
        hst_exposure_cards(
            rootname=rootname, date_obs=date_obs, exptime=exptime, seed=seed, sdqflags=31743
        ),
    )
    return fits_bytes([fits.PrimaryHDU(header=primary), sci])
