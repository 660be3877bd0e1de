"""Data products in the real MAST file layouts, generated deterministically.

No real HST, JWST, IUE or FUSE spectra can be shipped with glue-mast, so the local
archive in `glue_mast.testing` serves files made here instead. Each one follows the
layout of the real MAST product it imitates (header keywords, extension names,
columns, TFORM/TUNIT strings, row structure), as the mission pipelines write it
(calcos' ``extract.py``, calstis, the jwst pipeline through stdatamodels' schemas,
MAST's VO spectral containers) and as specutils' loaders read it
(``specutils/io/default_loaders/hst_cos.py``, ``hst_stis.py``, ``jwst_reader.py``),
so that specutils, lightkurve and our own loaders treat them as they would treat the
real thing. Only the numbers are synthetic: a smooth
continuum with a few emission or absorption lines and photon-like noise.

Every generator is a pure function of its parameters and returns ``bytes``. The
archive advertises sizes and SHA-256 checksums of these bytes, so the output must be
identical in every process, on every day and on every machine:

* Random numbers come from the raw output of a seeded PCG64 bit generator, whose
  stream numpy guarantees, rather than from `numpy.random.Generator` methods, whose
  algorithms may change between numpy versions.
* Data arrays are computed with ``+ - * /`` and ``sqrt`` only, which IEEE 754 rounds
  exactly. ``exp``, ``log``, ``sin`` and ``pow`` can differ in the last bit between
  libm and numpy's SIMD builds, so line profiles are rational functions, not
  Gaussians.
* Nothing reads the clock. Dates in headers derive from ``date_obs``; the
  CHECKSUM/DATASUM cards carry a fixed comment instead of astropy's timestamp.
* The ASDF extension of JWST files is written here as text, pinned to the asdf
  version a pipeline would have used, because the asdf library stamps its own
  version into everything it writes.
* PNG data are stored, not compressed: zlib and zlib-ng compress differently.

Use `make_file` with a kind from `KINDS`, or call the ``make_<kind>`` functions.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import math
import re
import struct
import zlib

import numpy as np
from astropy.io import fits

__all__ = [
    "KINDS",
    "make_file",
    "make_fuse_vo",
    "make_hst_cos_x1d",
    "make_hst_raw",
    "make_hst_stis_x1d",
    "make_iue_mxlo_vo",
    "make_jwst_s2d",
    "make_jwst_uncal",
    "make_jwst_x1d",
    "make_preview_png",
    "make_synthetic_fits",
]

_FITS_BLOCK = 2880


# --------------------------------------------------------------------------------------
# Random numbers


class _Noise:
    """Seeded random numbers built from PCG64's raw 64-bit output.

    `numpy.random.default_rng(seed)` wraps the same bit generator, but its
    ``normal``/``uniform`` algorithms are not covered by numpy's stream-compatibility
    promise; the raw bits are. Normal deviates are Irwin-Hall sums of four uniforms:
    only exact arithmetic, a bell shape, tails cut at 3.5 sigma.
    """

    def __init__(self, seed):
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ValueError(f"seed must be a non-negative integer, not {seed!r}")
        self._bits = np.random.PCG64(int(seed))

    def uniform(self, shape):
        """Uniform deviates in [0, 1) with 53 random bits each."""
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        raw = self._bits.random_raw(math.prod(shape)) >> np.uint64(11)
        return (raw.astype(np.float64) * 2.0**-53).reshape(shape)

    def normal(self, shape):
        """Approximately standard-normal deviates."""
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        u = self.uniform((4, *shape))
        return (u[0] + u[1] + u[2] + u[3] - 2.0) * math.sqrt(3.0)

    def uniform32(self, n):
        """``n`` float32 uniform deviates in [0, 1) with 24 random bits each."""
        raw = self._bits.random_raw(n) >> np.uint64(40)
        return raw.astype(np.float32) * np.float32(2.0**-24)

    def flags(self, shape, rate, value, dtype=np.int16):
        """An array that is ``value`` at a random fraction ``rate`` of places, else 0."""
        return np.where(self.uniform(shape) < rate, value, 0).astype(dtype)


# --------------------------------------------------------------------------------------
# Spectrum shapes

# Rest wavelengths (Angstrom) and peak strengths relative to the continuum of the lines
# a hot star, a cool star's transition region or an AGN shows in the UV and optical.
_UV_OPTICAL_LINES = [
    (977.02, 1.5),  # C III
    (1025.72, 2.0),  # Ly beta (airglow)
    (1031.93, 2.5),  # O VI
    (1037.62, 1.5),  # O VI
    (1215.67, 8.0),  # Ly alpha (geocoronal)
    (1238.82, 1.2),  # N V
    (1242.80, 0.8),  # N V
    (1302.17, 0.8),  # O I
    (1334.53, 1.5),  # C II
    (1335.71, 2.0),  # C II
    (1393.76, 1.8),  # Si IV
    (1402.77, 1.0),  # Si IV
    (1548.20, 4.0),  # C IV
    (1550.77, 2.5),  # C IV
    (1640.42, 1.5),  # He II
    (1908.73, 1.2),  # C III]
    (2326.00, 0.6),  # C II]
    (2796.35, 3.0),  # Mg II
    (2803.53, 2.0),  # Mg II
    (3727.40, 1.0),  # [O II]
    (4340.47, 0.6),  # H gamma
    (4861.33, 1.2),  # H beta
    (4958.91, 1.5),  # [O III]
    (5006.84, 4.0),  # [O III]
    (5875.62, 0.4),  # He I
    (6562.80, 5.0),  # H alpha
    (6583.45, 1.5),  # [N II]
    (6716.44, 0.6),  # [S II]
    (6730.82, 0.5),  # [S II]
]
# (center, strength, intrinsic width): 150 km/s lines.
_UV_LINES = [(wave, strength, wave * 5e-4) for wave, strength in _UV_OPTICAL_LINES]

# Near-infrared (micron): hydrogen emission plus the molecular bands of a cool
# atmosphere, which a NIRSpec prism spectrum shows as broad dips.
_IR_LINES = [
    (1.2818, 0.4, 0.004),  # Pa beta
    (1.40, -0.25, 0.05),  # H2O
    (1.8751, 0.6, 0.005),  # Pa alpha
    (1.90, -0.30, 0.07),  # H2O
    (2.70, -0.35, 0.10),  # H2O
    (3.30, -0.20, 0.06),  # CH4
    (4.0523, 0.4, 0.008),  # Br alpha
    (4.27, -0.30, 0.04),  # CO2
    (4.60, -0.15, 0.08),  # CO
]


def _grid(lo, hi, n):
    """``n`` evenly spaced values from ``lo`` to ``hi``, by explicit arithmetic."""
    return lo + (hi - lo) * (np.arange(n, dtype=np.float64) / (n - 1))


def _bell(x):
    """A Gaussian-like profile, exp(-x**2/2) approximated without exp (see module doc)."""
    q = 1.0 + x * x / 8.0
    q = q * q
    return 1.0 / (q * q)


def _continuum(wave, span, level, tilt=-0.3, curve=0.1):
    """A smooth quadratic continuum, continuous across segments sharing ``span``."""
    lo, hi = span
    t = (2.0 * wave - (lo + hi)) / (hi - lo)
    return level * (1.0 + tilt * t + curve * t * t)


def _with_lines(wave, continuum, lines, resel):
    """Multiply in emission (strength > 0) and absorption (< 0) lines inside ``wave``.

    Each line is broadened to at least the resolution element ``resel``.
    """
    factor = np.ones_like(wave)
    lo, hi = float(wave.min()), float(wave.max())
    for center, strength, width in lines:
        sigma = math.sqrt(width * width + resel * resel)
        if lo - 10 * sigma < center < hi + 10 * sigma:
            factor += strength * _bell((wave - center) / sigma)
    return continuum * np.maximum(factor, 0.02)


def _observed(model, noise, snr):
    """Add noise to a model spectrum with a photon-like error (S/N ``snr`` at mean)."""
    scale = float(np.abs(model).mean())
    error = (scale / snr) * np.sqrt(np.maximum(model / scale, 0.05))
    return model + error * noise.normal(model.shape), error


def _photon_counts(model, sensitivity, exptime, bkg_rate, noise):
    """Simulate the count-rate columns of an HST x1d from a model flux.

    ``sensitivity`` converts flux to counts/s per pixel. Returns a dict of the gross
    counts, the GROSS/BACKGROUND/NET rates, and the FLUX and ERROR they calibrate to.
    """
    expected = (model * sensitivity + bkg_rate) * exptime
    gcounts = np.round(np.maximum(expected + np.sqrt(expected) * noise.normal(model.shape), 0))
    gross = gcounts / exptime
    background = np.full_like(model, bkg_rate)
    net = gross - background
    sens = np.maximum(sensitivity, 1e-30)
    net_error = np.sqrt(np.maximum(gcounts, 1.0)) / exptime
    return {
        "GCOUNTS": gcounts,
        "GROSS": gross,
        "BACKGROUND": background,
        "NET": net,
        "NET_ERROR": net_error,
        "FLUX": net / sens,
        "ERROR": net_error / sens,
    }


# --------------------------------------------------------------------------------------
# Dates


def _date(date_obs):
    return datetime.date.fromisoformat(date_obs)


def _mjd(date_obs, seconds=0.0):
    return float((_date(date_obs) - datetime.date(1858, 11, 17)).days) + seconds / 86400.0


def _start_seconds(seed):
    """A start time of day (s), so TIME-OBS varies between observations but not runs."""
    return float(int(_Noise(seed).uniform(1)[0] * 86400.0))


def _hms(seconds):
    seconds = int(seconds)
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _processing_date(date_obs, days=1):
    """The date a pipeline wrote the file: a fixed delay after the observation."""
    return (_date(date_obs) + datetime.timedelta(days=days)).isoformat()


# --------------------------------------------------------------------------------------
# Headers and FITS serialization


def _header(*sections):
    """Build a header from ``(title, cards)`` sections, titled the way STScI does.

    ``title`` is the text of a blank-keyword card set between blank cards (as in HST
    and JWST headers), or None for no title. ``cards`` are ``(key, value, comment)``.
    """
    header = fits.Header()
    for title, cards in sections:
        if title:
            for text in ("", title, ""):
                # end=True: plain append would reuse trailing blank cards.
                header.append(fits.Card("", text), end=True)
        for key, value, comment in cards:
            header.append(_card(key, value, comment), end=True)
    return header


def _card(key, value, comment):
    """A card whose comment is cut to fit 80 columns, as STScI's writers cut them."""
    # A value fills at least columns 11-30; " / " precedes the comment.
    used = max(30, len(fits.Card(key, value).image.rstrip()))
    return fits.Card(key, value, comment[: max(0, 80 - used - 3)])


def _hst_title(title):
    return f"      / {title}"


# Placeholders written with each header, then filled in by _fill_checksums. astropy can
# add checksums itself, but only with the current time in their comments.
_CHECKSUM_CARDS = [
    ("CHECKSUM", "0" * 16, "HDU checksum"),
    ("DATASUM", "0", "data unit checksum"),
]
_CHECKSUM_EXCLUDE = b":;<=>?@[\\]^_`"


def _fits_bytes(hdus):
    """Serialize HDUs to FITS bytes with correct CHECKSUM/DATASUM cards on every HDU."""
    for hdu in hdus:
        for key, value, comment in _CHECKSUM_CARDS:
            hdu.header.append(fits.Card(key, value, comment), end=True)
    buffer = io.BytesIO()
    fits.HDUList(hdus).writeto(buffer)
    raw = bytearray(buffer.getvalue())
    with fits.open(io.BytesIO(raw), lazy_load_hdus=False) as hdul:
        spans = [hdul.fileinfo(i) for i in range(len(hdul))]
    for span in spans:
        end = span["datLoc"] + span["datSpan"]
        _fill_checksums(raw, span["hdrLoc"], span["datLoc"], end)
    return bytes(raw)


def _sum32(data):
    """Ones' complement sum of big-endian 32-bit words (FITS checksum convention)."""
    return _fold32(int(np.frombuffer(data, dtype=">u4").sum(dtype=np.uint64)))


def _fold32(total):
    """Fold carries above bit 32 back in, as ones' complement addition does."""
    while total >> 32:
        total = (total & 0xFFFFFFFF) + (total >> 32)
    return total


def _encode_checksum(value):
    """The 16-character ASCII encoding of a checksum (FITS checksum convention A.7)."""
    encoded = bytearray(16)
    for i in range(4):
        byte = (value >> (24 - 8 * i)) & 0xFF
        quotient, remainder = byte // 4 + ord("0"), byte % 4
        chars = [quotient + remainder, quotient, quotient, quotient]
        changed = True
        while changed:
            changed = False
            for j in (0, 2):
                if chars[j] in _CHECKSUM_EXCLUDE or chars[j + 1] in _CHECKSUM_EXCLUDE:
                    chars[j] += 1
                    chars[j + 1] -= 1
                    changed = True
        for j in range(4):
            encoded[4 * j + i] = chars[j]
    return (encoded[15:] + encoded[:15]).decode("ascii")


def _fill_checksums(raw, header_start, data_start, data_end):
    """Fill the placeholder CHECKSUM and DATASUM cards of one HDU of ``raw`` in place."""
    cards = {}
    for pos in range(header_start, data_start, 80):
        key = bytes(raw[pos : pos + 8]).rstrip()
        if key in (b"CHECKSUM", b"DATASUM"):
            cards[key] = pos
    datasum = _sum32(raw[data_start:data_end])
    card = fits.Card("DATASUM", str(datasum), _CHECKSUM_CARDS[1][2]).image
    raw[cards[b"DATASUM"] : cards[b"DATASUM"] + 80] = card.encode("ascii")
    total = _fold32(_sum32(raw[header_start:data_start]) + datasum)
    card = fits.Card("CHECKSUM", _encode_checksum(~total & 0xFFFFFFFF), _CHECKSUM_CARDS[0][2])
    raw[cards[b"CHECKSUM"] : cards[b"CHECKSUM"] + 80] = card.image.encode("ascii")


def _column(name, fmt, array, unit=None, **kwargs):
    return fits.Column(name=name, format=fmt, unit=unit, array=array, **kwargs)


def _table(columns, name, header_cards=(), ver=None):
    hdu = fits.BinTableHDU.from_columns(columns, name=name)
    # astropy upper-cases names; MAST's VO containers say 'Spectral Container'.
    hdu.header["EXTNAME"] = name
    if ver is not None:
        hdu.ver = ver
    for key, value, comment in header_cards:
        hdu.header.append(_card(key, value, comment), end=True)
    return hdu


def _image(data, name, header_cards=(), ver=1):
    hdu = fits.ImageHDU(data=data, name=name, ver=ver)
    for key, value, comment in header_cards:
        hdu.header.append(_card(key, value, comment), end=True)
    return hdu


def _f32(array):
    return np.asarray(array, dtype=np.float32)


# --------------------------------------------------------------------------------------
# HST: COS and STIS extracted spectra


def _hst_primary(
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
    return _header(
        (
            None,
            [
                ("NEXTEND", nextend, "Number of standard extensions"),
                ("DATE", _processing_date(date_obs), "date this file was written (yyyy-mm-dd)"),
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


def _hst_exposure_cards(*, rootname, date_obs, exptime, seed, sdqflags):
    start = _start_seconds(seed)
    expstart = _mjd(date_obs, start)
    return [
        ("EXTVER", 1, "extension version number"),
        ("ROOTNAME", rootname, "rootname of the observation set"),
        ("EXPNAME", rootname[:8] + "q", "exposure identifier"),
        ("DATE-OBS", date_obs, "UT date of start of observation (yyyy-mm-dd)"),
        ("TIME-OBS", _hms(start), "UT time of start of observation (hh:mm:ss)"),
        ("EXPSTART", expstart, "exposure start time (Modified Julian Date)"),
        ("EXPEND", expstart + float(exptime) / 86400.0, "exposure end time (Modified Julian Date)"),
        ("EXPTIME", float(exptime), "exposure duration (seconds)--calculated"),
        ("SDQFLAGS", sdqflags, "serious data quality flags"),
    ]


# Wavelength windows (Angstrom, relative to CENWAVE) of each COS row, in file order
# (FUVA, FUVB or NUVA, NUVB, NUVC), and the resolution element (Angstrom).
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
    noise = _Noise(seed)
    exptime = float(exptime)

    ranges = [(cenwave + lo, cenwave + hi) for lo, hi in windows]
    span = (min(r[0] for r in ranges), max(r[1] for r in ranges))
    wave = np.stack([_grid(lo, hi, nelem) for lo, hi in ranges])
    model = _with_lines(wave, _continuum(wave, span, 1.0e-14), _UV_LINES, resel)
    # The effective area falls towards the segment ends; scaled for ~400 counts per
    # pixel in the continuum at 1200 s.
    x = _grid(-1.0, 1.0, nelem)
    sensitivity = 3.3e13 * (0.55 + 0.45 * (1.0 - x * x))
    counts = _photon_counts(model, sensitivity, exptime, 2e-4, noise)

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
        _column("SEGMENT", "4A", np.array(segments)),
        _column("EXPTIME", "1D", np.full(rows, exptime), "s", disp="F8.3"),
        _column("NELEM", "1J", np.full(rows, nelem, dtype=np.int32), disp="I6"),
        _column("WAVELENGTH", f"{nelem}D", wave, "angstrom"),
        _column("FLUX", f"{nelem}E", _f32(counts["FLUX"]), "erg /s /cm**2 /angstrom"),
        _column("ERROR", f"{nelem}E", _f32(counts["ERROR"]), "erg /s /cm**2 /angstrom"),
        _column("ERROR_LOWER", f"{nelem}E", _f32(counts["ERROR"]), "erg /s /cm**2 /angstrom"),
        _column("VARIANCE_FLAT", f"{nelem}E", _f32(variance_flat)),
        _column("VARIANCE_COUNTS", f"{nelem}E", _f32(variance_counts)),
        _column("VARIANCE_BKG", f"{nelem}E", _f32(variance_bkg)),
        _column("GROSS", f"{nelem}E", _f32(counts["GROSS"]), "count /s"),
        _column("GCOUNTS", f"{nelem}E", _f32(counts["GCOUNTS"]), "count"),
        _column("NET", f"{nelem}E", _f32(counts["NET"]), "count /s"),
        _column("BACKGROUND", f"{nelem}E", _f32(counts["BACKGROUND"]), "count /s"),
        _column("DQ", f"{nelem}I", dq),
        _column("DQ_WGT", f"{nelem}E", _f32(good)),
    ]
    if twozone:
        columns += [
            _column("DQ_OUTER", f"{nelem}I", dq),
            _column(
                "BACKGROUND_PER_PIXEL",
                f"{nelem}E",
                _f32(counts["BACKGROUND"] / extract_rows),
                "count /s /pixel",
            ),
            _column(
                "NUM_EXTRACT_ROWS",
                f"{nelem}I",
                np.tile(np.where(edge, 0, extract_rows).astype(np.int16), (rows, 1)),
            ),
            _column("ACTUAL_EE", f"{nelem}D", np.tile(np.where(edge, 0.0, 0.8), (rows, 1))),
            _column("Y_LOWER_OUTER", f"{nelem}D", trace - 12.0),
            _column("Y_UPPER_OUTER", f"{nelem}D", trace + 12.0),
            _column("Y_LOWER_INNER", f"{nelem}D", trace - 5.0),
            _column("Y_UPPER_INNER", f"{nelem}D", trace + 5.0),
        ]

    life_adj = 1 + sum(date_obs >= move for move in _COS_LIFETIME_MOVES) if fuv else -1
    primary = _hst_primary(
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
    sci = _table(
        columns,
        "SCI",
        _hst_exposure_cards(
            rootname=rootname, date_obs=date_obs, exptime=exptime, seed=seed, sdqflags=8346
        ),
    )
    return _fits_bytes([fits.PrimaryHDU(header=primary), sci])


# STIS first-order modes: (default CENWAVE, wavelength range, resolution element).
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
    noise = _Noise(seed)
    exptime = float(exptime)
    nelem = 1024
    x = _grid(-1.0, 1.0, nelem)

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
        wave = _grid(lo, hi, nelem)[None, :]
        blaze = 0.5 + 0.5 * (1.0 - x * x)
        a2center = np.array([512.0])
        extrsize, bk_size, bk_offset = 11.0, 5.0, 300.0
    rows = len(orders)
    span = (float(wave.min()), float(wave.max()))

    model = _with_lines(wave, _continuum(wave, span, 2.0e-14), _UV_LINES, resel)
    counts = _photon_counts(model, 2.0e13 * blaze, exptime, 5e-4, noise)
    dq = noise.flags(wave.shape, 0.003, 16)
    extrlocy = a2center[:, None] + 1.5 * x

    def scalar(value, dtype):
        return np.full(rows, value, dtype=dtype)

    columns = [
        _column("SPORDER", "1I", orders.astype(np.int16)),
        _column("NELEM", "1I", scalar(nelem, np.int16)),
        _column("WAVELENGTH", f"{nelem}D", wave, "Angstroms"),
        _column("GROSS", f"{nelem}E", _f32(counts["GROSS"]), "Counts/s"),
        _column("BACKGROUND", f"{nelem}E", _f32(counts["BACKGROUND"]), "Counts/s"),
        _column("NET", f"{nelem}E", _f32(counts["NET"]), "Counts/s"),
        _column("FLUX", f"{nelem}E", _f32(counts["FLUX"]), "erg/s/cm**2/Angstrom"),
        _column("ERROR", f"{nelem}E", _f32(counts["ERROR"]), "erg/s/cm**2/Angstrom"),
        _column("NET_ERROR", f"{nelem}E", _f32(counts["NET_ERROR"]), "Counts/s"),
        _column("DQ", f"{nelem}I", dq),
        _column("A2CENTER", "1E", _f32(a2center), "pixel"),
        _column("EXTRSIZE", "1E", scalar(extrsize, np.float32), "pixel"),
        _column("MAXSRCH", "1I", scalar(7, np.int16)),
        _column("BK1SIZE", "1E", scalar(bk_size, np.float32), "pixel"),
        _column("BK2SIZE", "1E", scalar(bk_size, np.float32), "pixel"),
        _column("BK1OFFST", "1E", scalar(-bk_offset, np.float32), "pixel"),
        _column("BK2OFFST", "1E", scalar(bk_offset, np.float32), "pixel"),
        _column("EXTRLOCY", f"{nelem}E", _f32(extrlocy), "pixel"),
        _column("OFFSET", "1E", scalar(0.0, np.float32), "pixel"),
    ]
    primary = _hst_primary(
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
    sci = _table(
        columns,
        "SCI",
        _hst_exposure_cards(
            rootname=rootname, date_obs=date_obs, exptime=exptime, seed=seed, sdqflags=31743
        ),
    )
    return _fits_bytes([fits.PrimaryHDU(header=primary), sci])


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
    noise = _Noise(seed)
    exptime = float(exptime)
    if instrument == "COS":
        rootname = rootname or "lb4m01fxq"
        n = 100
        time = np.sort(noise.uniform(n)) * exptime
        rawx = (1000 + noise.uniform(n) * 14000).astype(np.int16)
        rawy = (470 + 8 * noise.normal(n)).astype(np.int16)
        columns = [
            _column("TIME", "1E", _f32(time), "s"),
            _column("RAWX", "1I", rawx, "pixel"),
            _column("RAWY", "1I", rawy, "pixel"),
            _column("XCORR", "1E", _f32(rawx), "pixel"),
            _column("YCORR", "1E", _f32(rawy), "pixel"),
            _column("PHA", "1B", (2 + noise.uniform(n) * 28).astype(np.uint8)),
        ]
        data = _table(
            columns,
            "EVENTS",
            _hst_exposure_cards(
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
        data = _image(
            np.round(counts).astype(np.uint16),
            "SCI",
            [
                *_hst_exposure_cards(
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
    primary = _hst_primary(
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
    return _fits_bytes([fits.PrimaryHDU(header=primary), data])


# --------------------------------------------------------------------------------------
# JWST: products as stdatamodels' schemas lay them out

# The software a JWST pipeline run of the cal_ver era recorded in the ASDF tree.
_ASDF_LIBRARY = {
    "author": "The ASDF Developers",
    "homepage": "http://github.com/asdf-format/asdf",
    "name": "asdf",
    "version": "3.5.0",
}
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


class _Tagged:
    """A YAML mapping carrying an ASDF tag, e.g. ``core/ndarray-1.0.0``."""

    def __init__(self, tag, mapping):
        self.tag = tag
        self.mapping = mapping


_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_./-]*")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def _yaml_scalar(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        # YAML 1.1 (what asdf parses) reads 1e-14 as a string; 1.0e-14 is a float.
        if "e" in text and "." not in text:
            text = text.replace("e", ".0e")
        return text
    if _PLAIN.fullmatch(value) and value.lower() not in _YAML_WORDS:
        return value
    return json.dumps(value)


def _yaml_lines(node, indent=0):
    """Block-style YAML for nested dicts, lists and scalars, keys sorted as asdf does."""
    pad = " " * indent
    lines = []
    for key in sorted(node):
        value = node[key]
        if isinstance(value, _Tagged):
            lines.append(f"{pad}{key}: !{value.tag}")
            lines += _yaml_lines(value.mapping, indent + 2)
        elif isinstance(value, dict):
            lines.append(f"{pad}{key}:")
            lines += _yaml_lines(value, indent + 2)
        elif isinstance(value, list) and value and isinstance(value[0], (dict, _Tagged)):
            lines.append(f"{pad}{key}:")
            for item in value:
                if isinstance(item, _Tagged):
                    lines.append(f"{pad}- !{item.tag}")
                    lines += _yaml_lines(item.mapping, indent + 2)
                else:
                    body = _yaml_lines(item, indent + 2)
                    lines += [f"{pad}- {body[0].lstrip()}", *body[1:]]
        elif isinstance(value, list):
            lines.append(f"{pad}{key}: [{', '.join(_yaml_scalar(v) for v in value)}]")
        else:
            lines.append(f"{pad}{key}: {_yaml_scalar(value)}")
    return lines


def _fits_link(hdu):
    """The tree node stdatamodels writes for an array stored in an HDU of the file."""
    if isinstance(hdu, fits.BinTableHDU):
        # Columns as readers see them: TZERO-shifted integers are unsigned.
        datatype = [
            {"name": name, "datatype": hdu.data[name].dtype.name, "byteorder": "big"}
            for name in hdu.columns.names
        ]
        shape = [len(hdu.data)]
    else:
        datatype = hdu.data.dtype.name
        shape = list(hdu.data.shape)
    return _Tagged(
        "core/ndarray-1.0.0",
        {
            "source": f"fits:{hdu.name},{hdu.ver}",
            "datatype": datatype,
            "byteorder": "big",
            "shape": shape,
        },
    )


def _asdf_hdu(tree, hdus):
    """The ``ASDF`` extension as stdatamodels' ``fits_support.to_fits`` builds it.

    A one-row BinTable whose single ``ASDF_METADATA`` column holds the bytes of an
    ASDF file; the tree also records a SHA-256 of the other HDUs' headers.
    """
    fits_hash = hashlib.sha256("".join(str(hdu.header) for hdu in hdus).encode()).hexdigest()
    tree = dict(tree)
    tree["_fits_hash"] = fits_hash
    tree["asdf_library"] = _Tagged("core/software-1.0.0", _ASDF_LIBRARY)
    tree["history"] = {
        "extensions": [
            _Tagged(
                "core/extension_metadata-1.0.0",
                {
                    "extension_class": "asdf.extension._manifest.ManifestExtension",
                    "extension_uri": "asdf://asdf-format.org/core/extensions/core-1.5.0",
                    "software": _Tagged(
                        "core/software-1.0.0", {"name": "asdf", "version": _ASDF_LIBRARY["version"]}
                    ),
                },
            )
        ]
    }
    text = "\n".join(
        [
            "#ASDF 1.0.0",
            "#ASDF_STANDARD 1.5.0",
            "%YAML 1.1",
            "%TAG ! tag:stsci.edu:asdf/",
            "--- !core/asdf-1.1.0",
            *_yaml_lines(tree),
            "...",
            "",
        ]
    )
    data = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)[None, :]
    column = fits.Column(name="ASDF_METADATA", format=f"{data.shape[1]}B", array=data)
    return fits.BinTableHDU.from_columns([column], name="ASDF")


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
    start = _start_seconds(p["seed"])
    expstart = _mjd(p["date_obs"], start)
    expend = expstart + float(p["exptime"]) / 86400.0
    detector = _JWST_DETECTORS.get(p["instrument"], p["instrument"])
    date = _processing_date(p["date_obs"]) + "T00:00:00.000"
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
                ("TIME-OBS", _hms(start) + ".000", "[hh:mm:ss.sss] UTC time at start of exposure"),
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
    return _header(*sections), meta


def _jwst_wavelengths(grating, n):
    lo, hi = _JWST_RANGES.get(grating, _JWST_RANGES["PRISM"])
    # The prism's resolving power rises towards the red: wide pixels in the blue, fine
    # ones in the red.
    x = _grid(0.0, 1.0, n)
    return lo + (hi - lo) * (1.6 * x - 0.6 * x * x)


def _jwst_model(wave, level):
    """A cool star's spectrum in Jy: Rayleigh-Jeans-like fall-off with molecular bands."""
    continuum = level / (wave * wave) * (1.0 + 0.1 * wave)
    return _with_lines(wave, continuum, _IR_LINES, 0.01)


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
    noise = _Noise(seed)
    wave = _jwst_wavelengths(grating, nrows)
    flux, error = _observed(_jwst_model(wave, 0.5), noise, 50.0)
    # Surface brightness over the extraction aperture: 5 NIRSpec pixels of 0.1".
    npixels = 5.0
    to_mjy_sr = 1e-6 / (npixels * 2.35e-13)
    background = 0.02 + 0.002 * wave
    bkgd_error = 0.1 * background
    variance = error * error
    sb_error = error * to_mjy_sr

    def f64(array):
        # float32 precision: the 64-bit columns then hold no last-bit noise.
        return _f32(array).astype(np.float64)

    columns = [
        _column("WAVELENGTH", "D", wave, "um"),
        _column("FLUX", "D", f64(flux), "Jy"),
        _column("FLUX_ERROR", "D", f64(error), "Jy"),
        _column("FLUX_VAR_POISSON", "D", f64(0.8 * variance), "Jy^2"),
        _column("FLUX_VAR_RNOISE", "D", f64(0.15 * variance), "Jy^2"),
        _column("FLUX_VAR_FLAT", "D", f64(0.05 * variance), "Jy^2"),
        _column("SURF_BRIGHT", "D", f64(flux * to_mjy_sr), "MJy/sr"),
        _column("SB_ERROR", "D", f64(sb_error), "MJy/sr"),
        _column("SB_VAR_POISSON", "D", f64(0.8 * sb_error * sb_error), "(MJy/sr)^2"),
        _column("SB_VAR_RNOISE", "D", f64(0.15 * sb_error * sb_error), "(MJy/sr)^2"),
        _column("SB_VAR_FLAT", "D", f64(0.05 * sb_error * sb_error), "(MJy/sr)^2"),
        _column("DQ", "J", noise.flags(nrows, 0.01, 4, np.uint32), bzero=2**31),
        _column("BACKGROUND", "D", f64(background), "MJy/sr"),
        _column("BKGD_ERROR", "D", f64(bkgd_error), "MJy/sr"),
        _column("BKGD_VAR_POISSON", "D", f64(0.8 * bkgd_error**2), "(MJy/sr)^2"),
        _column("BKGD_VAR_RNOISE", "D", f64(0.15 * bkgd_error**2), "(MJy/sr)^2"),
        _column("BKGD_VAR_FLAT", "D", f64(0.05 * bkgd_error**2), "(MJy/sr)^2"),
        _column("NPIXELS", "D", np.full(nrows, npixels)),
    ]
    extract1d = _table(
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
        "spec_table": _fits_link(extract1d),
    }
    asdf = _asdf_hdu({"meta": meta, "spec": [spec]}, [primary, extract1d])
    return _fits_bytes([primary, extract1d, asdf])


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
    noise = _Noise(seed)
    ny, nx = shape
    wave = _jwst_wavelengths(grating, nx)
    # The trace: a point source centred in the slit, in MJy/sr.
    profile = _bell((np.arange(ny, dtype=np.float64) - (ny - 1) / 2.0) / 1.5)
    model = 40.0 * profile[:, None] * _jwst_model(wave, 1.0)[None, :] + 0.05
    error = 0.02 + 0.03 * np.sqrt(model)
    sci = model + error * noise.normal(shape)
    wavelength = np.broadcast_to(wave, shape)
    slit_cards = [
        ("SLTNAME", "S1600A1", "Name of slit"),
        ("SRCTYPE", srctype, "Source type used for calibration"),
        ("DISPAXIS", 1, "Dispersion direction; 1=horizontal, 2=vertical"),
    ]
    hdus = [
        fits.PrimaryHDU(header=primary_header),
        _image(
            _f32(sci),
            "SCI",
            [("BUNIT", "MJy/sr", "physical units of the array values"), *slit_cards],
        ),
        _image(noise.flags(shape, 0.005, 1, np.uint32), "DQ"),
        _image(_f32(error), "ERR", [("BUNIT", "MJy/sr", "physical units of the array values")]),
        _image(
            _f32(wavelength), "WAVELENGTH", [("BUNIT", "um", "physical units of the array values")]
        ),
    ]
    slit = {
        "name": "S1600A1",
        "source_type": srctype,
        "dispersion_direction": 1,
        "data": _fits_link(hdus[1]),
        "dq": _fits_link(hdus[2]),
        "err": _fits_link(hdus[3]),
        "wavelength": _fits_link(hdus[4]),
    }
    hdus.append(_asdf_hdu({"meta": meta, "slits": [slit]}, hdus))
    return _fits_bytes(hdus)


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
    noise = _Noise(seed)
    ramp = 12000.0 + 20.0 * noise.normal((1, 2, 16, 16))
    ramp[:, 1] += 300.0  # charge accumulating between the two groups
    hdus = [fits.PrimaryHDU(header=primary_header)]
    hdus.append(
        _image(np.round(ramp).astype(np.uint16), "SCI", [("BUNIT", "DN", "physical units")])
    )
    hdus.append(_asdf_hdu({"meta": meta, "data": _fits_link(hdus[1])}, hdus))
    return _fits_bytes(hdus)


# --------------------------------------------------------------------------------------
# IUE and FUSE VO spectral containers (the IVOA Spectrum data model's FITS serialisation)


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
    columns = [_column(name, f"{n}E", _f32(a)[None, :], unit) for name, a, unit, _, _ in spec]
    cards = []
    for i, (_, _, _, utype, ucd) in enumerate(spec, start=1):
        cards += [(f"TUTYP{i}", utype, ""), (f"TUCD{i}", ucd, "")]
    if quality is not None:
        columns.append(_column("QUALITY", f"{n}I", quality[None, :]))
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
    tstart = _mjd(date_obs, start)
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
    noise = _Noise(seed)
    wave = _grid(lo, hi, n)
    level = 1.0e-13 if camera == "SWP" else 5.0e-14
    model = _with_lines(wave, _continuum(wave, (lo, hi), level, tilt=-0.4), _UV_LINES, 6.0)
    flux, sigma = _observed(model, noise, 15.0)
    # NEWSIPS nu flags are negative: -2 marks reseau marks, -8 saturated pixels.
    quality = noise.flags(n, 0.01, -2) + noise.flags(n, 0.003, -8)
    filename = f"{image.lower()}mxlo_vo.fits"
    ra1950, dec1950 = _to_b1950(float(ra), float(dec))
    start = _start_seconds(seed)
    d = _date(date_obs)
    primary = _header(
        (
            None,
            [
                ("TELESCOP", "IUE", "International Ultraviolet Explorer"),
                ("ORIGIN", "GSFC", "Processing site"),
                ("DATE", _processing_date(date_obs, days=5000), "Date file was written"),
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
                ("LTIMEOBS", _hms(start), "Large ap. observing start time (UT)"),
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
    table = _table(columns, "Spectral Container", unit_cards + cards)
    return _fits_bytes([fits.PrimaryHDU(header=primary), table])


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
    noise = _Noise(seed)
    lo, hi = 905.0, 1187.0
    wave = _grid(lo, hi, npoints)
    # Interstellar absorption on top of the emission lines.
    ism = [(988.77, -0.6, 0.05), (1036.34, -0.8, 0.05), (1025.72, -0.95, 1.5)]
    model = _with_lines(wave, _continuum(wave, (lo, hi), 1.0e-13), _UV_LINES + ism, 0.05)
    flux, sigma = _observed(model, noise, 12.0)
    filename = f"{dataset.lower()}00nvo4ttagfcal_vo.fits"
    start = _start_seconds(seed)
    primary = _header(
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
                ("TIMEOBS", _hms(start), "Start time of observation (UT)"),
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
    table = _table(columns, "Spectral Container", unit_cards + cards)
    return _fits_bytes([fits.PrimaryHDU(header=primary), table])


# --------------------------------------------------------------------------------------
# Previews and synthetic files


def _png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _stored_zlib(data):
    """A zlib stream of uncompressed deflate blocks: the same bytes with any zlib."""
    out = [b"\x78\x01"]
    size = 65535
    for start in range(0, max(len(data), 1), size):
        block = data[start : start + size]
        final = start + size >= len(data)
        out.append(struct.pack("<BHH", final, len(block), 0xFFFF ^ len(block)) + block)
    out.append(struct.pack(">I", zlib.adler32(data)))
    return b"".join(out)


def make_preview_png(*, width=320, height=200, seed=0):
    """A preview image, as MAST lists for most observations (PNG or JPEG there).

    An 8-bit palette PNG: a dark-blue-to-white gradient crossed by a bright
    spectrum trace with emission lines. The image data are stored uncompressed
    (see the module notes), so the file is about ``width * height`` bytes.

    Parameters
    ----------
    width, height : int
        Image size in pixels.
    seed : int
        Seed for the trace's lines and noise.

    Returns
    -------
    bytes
        The PNG file.
    """
    noise = _Noise(seed)
    rows = np.arange(height, dtype=np.float64)[:, None]
    image = np.repeat((rows * 200.0 / max(height - 1, 1)).astype(np.uint8), width, axis=1)
    x = _grid(0.0, 1.0, width)
    trace = 0.3 + 0.1 * x + 0.01 * noise.normal(width)
    for center in noise.uniform(4):
        trace += 0.4 * _bell((x - center) / 0.01)
    ys = np.clip(((1.0 - np.minimum(trace, 0.95)) * (height - 1)).astype(np.int64), 0, height - 2)
    # Join each point to the previous one so the trace reads as a line.
    previous = np.concatenate([ys[:1], ys[:-1]])
    tops, bottoms = np.minimum(ys, previous), np.maximum(ys, previous)
    for column in range(width):
        image[tops[column] : bottoms[column] + 2, column] = 255
    # Palette: 0-200 the gradient, 255 the trace.
    level = np.arange(256, dtype=np.float64) / 200.0
    palette = np.stack([20 + 235 * level, 30 + 225 * level, 80 + 175 * level], axis=1)
    palette = np.clip(palette, 0, 255).astype(np.uint8)
    palette[255] = (255, 200, 40)
    raw = np.concatenate([np.zeros((height, 1), np.uint8), image], axis=1).tobytes()
    header = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)
    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            _png_chunk(b"IHDR", header),
            _png_chunk(b"PLTE", palette.tobytes()),
            _png_chunk(b"IDAT", _stored_zlib(raw)),
            _png_chunk(b"IEND", b""),
        ]
    )


def make_synthetic_fits(*, obsid="90000000", size_bytes=2 * 1024 * 1024, seed=0):
    """A FITS file of a chosen size, for bulk synthetic collections and benchmarks.

    A PRIMARY HDU with OBJECT and OBSID cards and a float32 noise image whose
    width is one FITS block (720 values), so the file size is exactly the smallest
    multiple of 2880 bytes not below ``size_bytes`` (at least one header block).
    The header and data are assembled directly, without astropy's writer, so a
    2 MB file takes a few milliseconds.

    Parameters
    ----------
    obsid : str
        OBSID card, and OBJECT ``SYNTHETIC <obsid>``.
    size_bytes : int
        Target file size.
    seed : int
        Seed for the noise.

    Returns
    -------
    bytes
        The FITS file.
    """
    blocks = max(1, -(-int(size_bytes) // _FITS_BLOCK))
    nrows = blocks - 1
    per_row = _FITS_BLOCK // 4
    axes = [("NAXIS", 0, "number of array dimensions")]
    if nrows:
        axes = [
            ("NAXIS", 2, "number of array dimensions"),
            ("NAXIS1", per_row, "length of data axis 1"),
            ("NAXIS2", nrows, "length of data axis 2"),
        ]
    header = _header(
        (
            None,
            [
                ("SIMPLE", True, "conforms to FITS standard"),
                ("BITPIX", -32, "array data type"),
                *axes,
                ("ORIGIN", "glue-mast local archive", "synthetic product"),
                ("TELESCOP", "SYNTHETIC", ""),
                ("OBJECT", f"SYNTHETIC {obsid}", ""),
                ("OBSID", str(obsid), "MAST observation identifier"),
                ("BUNIT", "DN", ""),
            ],
        )
    )
    data = b""
    if nrows:
        values = _Noise(seed).uniform32(nrows * per_row) + np.float32(100.0)
        data = values.astype(">f4").tobytes()
    return header.tostring().encode("ascii") + data


# --------------------------------------------------------------------------------------
# Dispatch

KINDS = {
    "hst_cos_x1d": make_hst_cos_x1d,
    "hst_stis_x1d": make_hst_stis_x1d,
    "hst_raw": make_hst_raw,
    "jwst_x1d": make_jwst_x1d,
    "jwst_s2d": make_jwst_s2d,
    "jwst_uncal": make_jwst_uncal,
    "iue_mxlo_vo": make_iue_mxlo_vo,
    "fuse_vo": make_fuse_vo,
    "preview_png": make_preview_png,
    "synthetic_fits": make_synthetic_fits,
}


def make_file(kind: str, **params) -> bytes:
    """Generate the bytes of a product of the given kind.

    Parameters
    ----------
    kind : str
        A key of `KINDS`, e.g. 'hst_cos_x1d'.
    **params
        Keyword arguments of the kind's ``make_<kind>`` function; omitted ones take
        that function's defaults.

    Returns
    -------
    bytes
        The file. The same kind and params always give the same bytes.
    """
    try:
        maker = KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown file kind {kind!r}; known: {sorted(KINDS)}") from None
    return maker(**params)
