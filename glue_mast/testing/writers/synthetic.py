"""FITS files of a chosen size, for the synthetic collection and benchmarks."""

from __future__ import annotations

import numpy as np

from .fits import FITS_BLOCK, titled_header
from .noise import Noise

__all__ = ["make_synthetic_fits"]


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
    blocks = max(1, -(-int(size_bytes) // FITS_BLOCK))
    nrows = blocks - 1
    per_row = FITS_BLOCK // 4
    axes = [("NAXIS", 0, "number of array dimensions")]
    if nrows:
        axes = [
            ("NAXIS", 2, "number of array dimensions"),
            ("NAXIS1", per_row, "length of data axis 1"),
            ("NAXIS2", nrows, "length of data axis 2"),
        ]
    header = titled_header(
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
        values = Noise(seed).uniform32(nrows * per_row) + np.float32(100.0)
        data = values.astype(">f4").tobytes()
    return header.tostring().encode("ascii") + data
