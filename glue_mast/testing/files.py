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
  algorithms may change between numpy versions (`.writers.noise`).
* Data arrays are computed with ``+ - * /`` and ``sqrt`` only, which IEEE 754 rounds
  exactly. ``exp``, ``log``, ``sin`` and ``pow`` can differ in the last bit between
  libm and numpy's SIMD builds, so line profiles are rational functions, not
  Gaussians (`.writers.spectra`).
* Nothing reads the clock. Dates in headers derive from ``date_obs``; the
  CHECKSUM/DATASUM cards, computed by astropy, carry a fixed comment instead of
  astropy's timestamp (`.writers.fits`).
* The ASDF extension of JWST files is YAML written by PyYAML, pinned to the asdf
  version a pipeline would have used, because the asdf library stamps its own
  version into everything it writes (`.writers.asdf`).
* PNG data are stored, not compressed: zlib and zlib-ng compress differently
  (`.writers.png`).

Use `make_file` with a kind from `KINDS`, or call the ``make_<kind>`` functions. The writers
live in `glue_mast.testing.writers`, one module per format or mission.
"""

from __future__ import annotations

from .writers.cos import make_hst_cos_x1d
from .writers.hst import make_hst_raw
from .writers.jwst import make_jwst_s2d, make_jwst_uncal, make_jwst_x1d
from .writers.jwst_cube import make_jwst_i2d, make_jwst_s3d
from .writers.png import make_preview_png
from .writers.stis import make_hst_stis_x1d
from .writers.synthetic import make_synthetic_fits
from .writers.vo import make_fuse_vo, make_iue_mxlo_vo

__all__ = [
    "KINDS",
    "make_file",
    "make_fuse_vo",
    "make_hst_cos_x1d",
    "make_hst_raw",
    "make_hst_stis_x1d",
    "make_iue_mxlo_vo",
    "make_jwst_i2d",
    "make_jwst_s2d",
    "make_jwst_s3d",
    "make_jwst_uncal",
    "make_jwst_x1d",
    "make_preview_png",
    "make_synthetic_fits",
]

#: The kinds of file the archive generates, and the function that writes each.
KINDS = {
    "hst_cos_x1d": make_hst_cos_x1d,
    "hst_stis_x1d": make_hst_stis_x1d,
    "hst_raw": make_hst_raw,
    "jwst_x1d": make_jwst_x1d,
    "jwst_s2d": make_jwst_s2d,
    "jwst_s3d": make_jwst_s3d,
    "jwst_i2d": make_jwst_i2d,
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
