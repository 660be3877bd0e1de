"""HST/COS one-dimensional extracted spectra (calcos ``x1d`` and ``x1dsum``)."""

from __future__ import annotations

import numpy as np
from astropy.io import fits

from .fits import bin_column, bin_table, fits_bytes
from .hst import hst_exposure_cards, hst_primary
from .noise import Noise
from .spectra import UV_LINES, continuum, f32, grid, photon_counts, with_lines

__all__ = ["make_hst_cos_x1d"]


_COS_SETTINGS = {
    "G130M": (1291, [(0, 142), (-157, -17)], 0.07),
    "G160M": (1600, [(2, 180), (-195, -18)], 0.09),
    "G140L": (1280, [(0, 720), (-280, -100)], 0.75),
    "G185M": (1786, [(-118, -83), (-18, 17), (82, 117)], 0.09),
    "G225M": (2250, [(-118, -83), (-18, 17), (82, 117)], 0.10),
    "G285M": (2850, [(-160, -120), (-20, 20), (120, 160)], 0.12),
    "G230L": (2950, [(-1250, -850), (-650, -250), (-150, 250)], 0.80),
}

# Dates the FUV spectra moved to lifetime positions 2, 3, 4 and 5 (approximate).
_COS_LIFETIME_MOVES = ["2012-07-23", "2015-02-09", "2017-10-02", "2021-10-04"]


def make_hst_cos_x1d(
    *,
    rootname="lb4m01010",
    targname="AV-456",
    ra=16.3275,
    dec=-72.5297,
    opt_elem="G130M",
    cenwave=None,
    proposid=12581,
    exptime=1200.0,
    date_obs="2012-03-14",
    cal_ver="3.4.4",
    nelem=None,
    suffix="x1d",
    seed=0,
):
    """HST/COS one-dimensional extracted spectrum, ``<rootname>_x1d.fits``.

    Imitates the calcos ``x1d``/``x1dsum`` product: a PRIMARY
    header with the COS keywords, then one ``SCI`` binary table with one row per FUV
    segment (FUVA, FUVB) or NUV stripe (NUVA, NUVB, NUVC). Columns and units are
    those calcos ``extract.py`` writes; calcos 3.x (``cal_ver`` >= 3) also writes
    the TWOZONE extraction columns (DQ_OUTER ... Y_UPPER_INNER), older versions
    do not. specutils reads the file as ``HST/COS``.

    Parameters
    ----------
    rootname, targname : str
        ROOTNAME and TARGNAME.
    ra, dec : float
        RA_TARG and DEC_TARG (deg, J2000).
    opt_elem : str
        Grating: G130M, G160M or G140L (FUV, 2 rows); G185M, G225M, G285M or
        G230L (NUV, 3 rows).
    cenwave : int, optional
        Central wavelength setting; defaults to the grating's most used one.
    proposid : int
        PROPOSID.
    exptime : float
        Exposure time (s).
    date_obs : str
        Observation date, ``YYYY-MM-DD``.
    cal_ver : str
        CAL_VER, the calcos version.
    nelem : int, optional
        Vector length. Real files have 16384 (FUV) and 1274 (NUV); the FUV
        default here is 1600 to keep the file near 330 KB.
    suffix : str
        File suffix: ``"x1d"`` for one exposure, ``"x1dsum"`` for the association's sum.
    seed : int
        Seed for the noise.

    Returns
    -------
    bytes
        The FITS file.
    """
    if opt_elem not in _COS_SETTINGS:
        raise ValueError(f"unknown COS grating {opt_elem!r}; known: {sorted(_COS_SETTINGS)}")
    default_cenwave, windows, resel = _COS_SETTINGS[opt_elem]
    cenwave = int(default_cenwave if cenwave is None else cenwave)
    fuv = len(windows) == 2
    detector = "FUV" if fuv else "NUV"
    segments = ["FUVA", "FUVB"] if fuv else ["NUVA", "NUVB", "NUVC"]
    nelem = int(nelem or (1600 if fuv else 1274))
    twozone = int(cal_ver.split(".")[0]) >= 3
    noise = Noise(seed)
    exptime = float(exptime)

    ranges = [(cenwave + lo, cenwave + hi) for lo, hi in windows]
    span = (min(r[0] for r in ranges), max(r[1] for r in ranges))
    wave = np.stack([grid(lo, hi, nelem) for lo, hi in ranges])
    model = with_lines(wave, continuum(wave, span, 1.0e-14), UV_LINES, resel)
    # The effective area falls towards the segment ends; scaled for ~400 counts per
    # pixel in the continuum at 1200 s.
    x = grid(-1.0, 1.0, nelem)
    sensitivity = 3.3e13 * (0.55 + 0.45 * (1.0 - x * x))
    counts = photon_counts(model, sensitivity, exptime, 2e-4, noise)

    # Pixels beyond the active area: flagged out of bounds (DQ 128), with no data.
    edge = np.zeros(nelem, dtype=bool)
    edge[: nelem // 40] = edge[-(nelem // 40) :] = True
    dq = noise.flags(wave.shape, 0.004, 4) | np.where(edge, 128, 0).astype(np.int16)
    good = (dq & 8346) == 0
    for key in ("FLUX", "ERROR", "GROSS", "NET", "GCOUNTS"):
        counts[key] = np.where(edge, 0.0, counts[key])
    variance_counts = counts["GCOUNTS"]
    variance_bkg = counts["BACKGROUND"] * exptime
    variance_flat = (0.01 * counts["GCOUNTS"]) ** 2
    extract_rows = 25 if fuv else 13
    rows = len(segments)
    # Cross-dispersion position of each spectrum on the detector, for the Y_* columns.
    trace = np.repeat(np.array([470.0, 530.0] if fuv else [185.0, 285.0, 405.0])[:, None], nelem, 1)
    columns = [
        bin_column("SEGMENT", "4A", np.array(segments)),
        bin_column("EXPTIME", "1D", np.full(rows, exptime), "s", disp="F8.3"),
        bin_column("NELEM", "1J", np.full(rows, nelem, dtype=np.int32), disp="I6"),
        bin_column("WAVELENGTH", f"{nelem}D", wave, "angstrom"),
        bin_column("FLUX", f"{nelem}E", f32(counts["FLUX"]), "erg /s /cm**2 /angstrom"),
        bin_column("ERROR", f"{nelem}E", f32(counts["ERROR"]), "erg /s /cm**2 /angstrom"),
        bin_column("ERROR_LOWER", f"{nelem}E", f32(counts["ERROR"]), "erg /s /cm**2 /angstrom"),
        bin_column("VARIANCE_FLAT", f"{nelem}E", f32(variance_flat)),
        bin_column("VARIANCE_COUNTS", f"{nelem}E", f32(variance_counts)),
        bin_column("VARIANCE_BKG", f"{nelem}E", f32(variance_bkg)),
        bin_column("GROSS", f"{nelem}E", f32(counts["GROSS"]), "count /s"),
        bin_column("GCOUNTS", f"{nelem}E", f32(counts["GCOUNTS"]), "count"),
        bin_column("NET", f"{nelem}E", f32(counts["NET"]), "count /s"),
        bin_column("BACKGROUND", f"{nelem}E", f32(counts["BACKGROUND"]), "count /s"),
        bin_column("DQ", f"{nelem}I", dq),
        bin_column("DQ_WGT", f"{nelem}E", f32(good)),
    ]
    if twozone:
        columns += [
            bin_column("DQ_OUTER", f"{nelem}I", dq),
            bin_column(
                "BACKGROUND_PER_PIXEL",
                f"{nelem}E",
                f32(counts["BACKGROUND"] / extract_rows),
                "count /s /pixel",
            ),
            bin_column(
                "NUM_EXTRACT_ROWS",
                f"{nelem}I",
                np.tile(np.where(edge, 0, extract_rows).astype(np.int16), (rows, 1)),
            ),
            bin_column("ACTUAL_EE", f"{nelem}D", np.tile(np.where(edge, 0.0, 0.8), (rows, 1))),
            bin_column("Y_LOWER_OUTER", f"{nelem}D", trace - 12.0),
            bin_column("Y_UPPER_OUTER", f"{nelem}D", trace + 12.0),
            bin_column("Y_LOWER_INNER", f"{nelem}D", trace - 5.0),
            bin_column("Y_UPPER_INNER", f"{nelem}D", trace + 5.0),
        ]

    life_adj = 1 + sum(date_obs >= move for move in _COS_LIFETIME_MOVES) if fuv else -1
    primary = hst_primary(
        filename=f"{rootname}_{suffix}.fits",
        rootname=rootname,
        instrument="COS",
        targname=targname,
        ra=ra,
        dec=dec,
        proposid=proposid,
        date_obs=date_obs,
        nextend=1,
        config=[
            ("OBSTYPE", "SPECTROSCOPIC", "observation type - imaging or spectroscopic"),
            ("OBSMODE", "TIME-TAG", "operating mode"),
            ("EXPTYPE", "EXTERNAL/SCI", "type of exposure"),
            ("DETECTOR", detector, "FUV or NUV"),
            (
                "SEGMENT",
                "BOTH" if fuv else "N/A",
                "FUV detector segment name (FUVA, FUVB, or BOTH)",
            ),
            ("LIFE_ADJ", life_adj, "Life Time Adjustment Position"),
            ("FPPOS", 3, "focal plane position"),
            ("OPT_ELEM", opt_elem, "optical element in use"),
            ("CENWAVE", cenwave, "central wavelength of spectrum"),
            ("APERTURE", "PSA", "aperture name"),
            ("PROPAPER", "PSA", "proposed aperture name"),
        ],
        switches=[
            ("FLATCORR", "COMPLETE", "apply flat-field correction"),
            ("WAVECORR", "COMPLETE", "use wavecal to adjust wavelength zeropoint"),
            ("BACKCORR", "COMPLETE", "subtract background (when doing 1-D extraction)"),
            ("HELCORR", "COMPLETE", "convert to heliocentric wavelengths"),
            ("X1DCORR", "COMPLETE", "1-D spectral extraction"),
            ("FLUXCORR", "COMPLETE", "convert count-rate to absolute flux units"),
            ("TDSCORR", "COMPLETE", "switch for time-dependent sensitivity correction"),
        ],
        cal_ver=cal_ver,
    )
    sci = bin_table(
        columns,
        "SCI",
        hst_exposure_cards(
            rootname=rootname, date_obs=date_obs, exptime=exptime, seed=seed, sdqflags=8346
        ),
    )
    return fits_bytes([fits.PrimaryHDU(header=primary), sci])
