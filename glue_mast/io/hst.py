"""HST COS and STIS extracted spectra (``*_x1d.fits``, ``*_x1dsum.fits``, ``*_sx1.fits``).

COS is read here rather than by specutils' ``HST/COS`` loader, which (specutils 2.4,
``specutils/io/default_loaders/hst_cos.py``) flattens every row of the SCI table -- the FUV
segments FUVA and FUVB, or the NUV stripes NUVA, NUVB and NUVC -- into one spectrum sorted
by wavelength, so the segments can no longer be told apart or shown separately; it sets no
mask from the DQ column and hard-codes the units instead of reading TUNIT. Here each row is
its own spectrum, masked where ``DQ & SDQFLAGS`` flags a serious data-quality condition
(the calcos definition of the flags to reject), with the file's units.

STIS goes through specutils' ``HST/STIS`` and ``HST/STIS multi`` loaders, which read it
correctly: one spectrum per order and per SCI extension, the mask from ``DQ & SDQFLAGS``,
and the flux and wavelength units calstis means by its non-standard 'Angstroms' and
'erg/s/cm**2/Angstrom'. Only their split is awkward -- echelle and multi-readout files come
back as a `~specutils.SpectrumCollection` that ``Spectrum.read`` does not identify -- so
this module picks the loader and hands back each order as a `~specutils.Spectrum`.
"""

from __future__ import annotations

import astropy.units as u
import numpy as np
from astropy.io import fits
from astropy.nddata import StdDevUncertainty
from specutils import Spectrum, SpectrumCollection

from .content import ContentKind, ProductContent, header_summary
from .units import FLAM, parse_unit

__all__ = ["COS_READER", "STIS_READER", "read_cos_x1d", "read_stis_x1d"]

COS_READER = "glue-mast: HST/COS x1d"
STIS_READER = "specutils: HST/STIS"


def _cos_row_spectrum(row, hdu, header, sdqflags):
    """One segment (a row of the SCI table) as a Spectrum."""
    nelem = int(row["NELEM"]) if "NELEM" in hdu.columns.names else len(row["WAVELENGTH"])
    wave_unit = parse_unit(hdu.columns["WAVELENGTH"].unit, u.AA)
    flux_unit = parse_unit(hdu.columns["FLUX"].unit, FLAM)
    wave = np.asarray(row["WAVELENGTH"][:nelem], dtype=float)
    flux = np.asarray(row["FLUX"][:nelem], dtype=float)
    dq = np.asarray(row["DQ"][:nelem]) if "DQ" in hdu.columns.names else None
    error = np.asarray(row["ERROR"][:nelem], dtype=float) if "ERROR" in hdu.columns.names else None
    # calcos writes increasing wavelengths; zero or NaN ones carry no data and are dropped.
    order = np.flatnonzero(np.isfinite(wave) & (wave > 0))
    order = order[np.argsort(wave[order], kind="stable")]
    if order.size == 0:
        return None
    mask = None
    if dq is not None:
        mask = (dq[order] & sdqflags) != 0 if sdqflags is not None else dq[order] != 0
    uncertainty = None
    if error is not None:
        error_unit = parse_unit(hdu.columns["ERROR"].unit, flux_unit)
        uncertainty = StdDevUncertainty(
            (error[order] * error_unit).to_value(flux_unit), unit=flux_unit
        )
    segment = str(row["SEGMENT"]).strip()
    return Spectrum(
        flux=flux[order] * flux_unit,
        spectral_axis=wave[order] * wave_unit,
        uncertainty=uncertainty,
        mask=mask,
        meta={"header": header, "segment": segment, "sdqflags": sdqflags},
    )


def read_cos_x1d(path, hdulist):
    """Read an HST/COS x1d or x1dsum: one spectrum per segment or stripe.

    Parameters
    ----------
    path : pathlib.Path
        The file.
    hdulist : astropy.io.fits.HDUList
        The open file.

    Returns
    -------
    list of ProductContent
        One ``SPECTRUM`` per row of the SCI table that has wavelengths, ``part`` the
        SEGMENT ("FUVA", "FUVB", "NUVA", ...). Wavelength and flux carry the TUNIT units
        (Angstrom and erg / (s cm2 Angstrom)); ERROR is a `StdDevUncertainty` (calcos' upper
        error; the lower one, ERROR_LOWER, is not carried); the mask is
        ``DQ & SDQFLAGS != 0`` with SDQFLAGS from the SCI header (any DQ flag when the header
        has none).
    """
    hdu = hdulist[1]
    flags = hdu.header.get("SDQFLAGS", hdulist[0].header.get("SDQFLAGS"))
    sdqflags = int(flags) if flags is not None else None
    header = fits.Header(hdulist[0].header, copy=True)
    header.extend(hdu.header, strip=True, update=True)
    summary = header_summary(hdulist[0].header, hdu.header)
    items = []
    for row in hdu.data:
        spectrum = _cos_row_spectrum(row, hdu, header.copy(), sdqflags)
        if spectrum is None:
            continue
        items.append(
            ProductContent(
                kind=ContentKind.SPECTRUM,
                data=spectrum,
                part=spectrum.meta["segment"] or None,
                reader=COS_READER,
                path=path,
                header=summary,
            )
        )
    return items


def _stis_spectra(path, hdulist):
    """The spectra of a STIS x1d, through the specutils loader that fits its shape."""
    sci = [hdu for hdu in hdulist[1:] if hdu.name == "SCI"]
    if len(hdulist) == 2 and len(sci) == 1 and len(sci[0].data) == 1:
        return [Spectrum.read(str(path), format="HST/STIS")]
    collection = SpectrumCollection.read(str(path), format="HST/STIS multi")
    return [collection[i] for i in range(collection.shape[0])]


def read_stis_x1d(path, hdulist):
    """Read an HST/STIS x1d or sx1: one spectrum per echelle order and SCI extension.

    Returns
    -------
    list of ProductContent
        One ``SPECTRUM`` per order. ``part`` is None for a first-order, single-readout
        file, "order 87" for an echelle order, "SCI 2" for the second readout, and both
        ("SCI 2, order 87") when a file has several readouts of an echelle. Units are
        Angstrom and erg / (s cm2 Angstrom), ERROR a `StdDevUncertainty`, and the mask
        ``DQ & SDQFLAGS != 0`` (``meta['sdqflags_applied']``).
    """
    spectra = _stis_spectra(path, hdulist)
    extensions = {spectrum.meta.get("ext", 1) for spectrum in spectra}
    echelle = len(spectra) > len(extensions)
    summary = header_summary(hdulist[0].header)
    items = []
    for spectrum in spectra:
        parts = []
        if len(extensions) > 1:
            parts.append(f"SCI {spectrum.meta['ext']}")
        if echelle:
            parts.append(f"order {spectrum.meta['sporder']}")
        items.append(
            ProductContent(
                kind=ContentKind.SPECTRUM,
                data=spectrum,
                part=", ".join(parts) or None,
                reader=STIS_READER,
                path=path,
                header=summary,
            )
        )
    return items
