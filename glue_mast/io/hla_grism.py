"""Hubble Legacy Archive grism spectra: the HST ACS and NICMOS spectra of HSC sources.

An HLA ``*.SPEC1D`` file keeps the spectrum in extension 1, a binary table of one row whose
vector columns ``wave`` (Angstrom) and ``flux`` (erg / s / cm2 / Angstrom) hold it; this reads
them (with ``ferror`` or ``error`` as the uncertainty when present) through the HLSP reader's
one-row-of-vectors path, which takes the same layout.
"""

from __future__ import annotations

from astropy.io import fits

from .content import ContentKind, ProductContent, header_summary
from .hlsp import _spectra

__all__ = ["READER", "read_hla_grism"]

READER = "glue-mast: HLA grism spectrum"


def read_hla_grism(path, hdulist):
    """Read an HLA grism spectrum: one ``SPECTRUM`` item."""
    hdu = hdulist[1]
    header = fits.Header(hdulist[0].header, copy=True)
    header.extend(hdu.header, strip=True, update=True)
    if "FERROR" in {name.upper() for name in hdu.columns.names}:
        hdu = _with_error_named(hdu)
    (spectrum,) = _spectra(hdu, {"header": header})
    summary = header_summary(hdulist[0].header)
    return [ProductContent(ContentKind.SPECTRUM, spectrum, None, READER, path, summary)]


def _with_error_named(hdu):
    # aXe names the flux uncertainty FERROR (its ERROR is in counts); the HLSP reader looks for
    # ERROR, so hand it a copy whose FERROR is called so and whose count ERROR is left out.
    columns = [c for c in hdu.columns if c.name.upper() != "ERROR"]
    renamed = [
        fits.Column(name="ERROR", format=c.format, unit=c.unit, array=c.array)
        if c.name.upper() == "FERROR"
        else c
        for c in columns
    ]
    return fits.BinTableHDU.from_columns(renamed, header=hdu.header)
