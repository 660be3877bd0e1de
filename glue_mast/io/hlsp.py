"""High-level science product spectra: MUSCLES, ULLYSES, HASP, CALSPEC and similar tables.

MUSCLES panchromatic SEDs go through specutils' ``MUSCLES SED`` loader, the one HLSP loader
specutils 2.4 has, which reads them correctly (WAVELENGTH, FLUX and ERROR with their units).

The other MAST HLSP spectra specutils does not read:

- ULLYSES and HASP coadds keep the whole spectrum in **one row** of vector columns
  (WAVELENGTH, FLUX, ERROR, ...). With ``INSTRUME = 'COS'`` specutils' ``HST/COS`` loader
  claims them, with 'STIS' nothing does, and with 'COS-STIS' or a TELESCOP of 'MULTI'
  ``tabular-fits`` does and fails on the vectors.
- CALSPEC standards write units astropy does not parse ('ANGSTROMS', 'FLAM'), so
  ``tabular-fits`` finds no wavelength column.

This module reads either layout -- one row per wavelength, or one row of vectors per spectrum
-- taking the wavelength from WAVELENGTH or WAVE, the flux from FLUX, the uncertainty from
ERROR, FLUX_ERROR, SIGMA or STATERROR (CALSPEC's statistical error), and a mask from a DQ
column (any flag set). Units come from TUNIT, including the spellings above; a column
without one is taken to be in Angstrom or erg / (s cm2 Angstrom), the units of the HST, IUE
and FUSE data these products are built from.
"""

from __future__ import annotations

import warnings

import astropy.units as u
import numpy as np
from astropy.io import fits
from astropy.nddata import StdDevUncertainty
from specutils import Spectrum

from .content import ContentKind, ProductContent, header_summary
from .units import FLAM, parse_unit

__all__ = ["READER", "read_hlsp"]

READER = "glue-mast: HLSP spectrum"

_WAVE = ("WAVELENGTH", "WAVE")
_ERROR = ("ERROR", "FLUX_ERROR", "SIGMA", "STATERROR", "ERR")
_DQ = ("DQ",)


def _is_muscles(hdulist):
    header = hdulist[0].header
    return (
        header.get("TELESCOP") == "MULTI"
        and header.get("HLSPACRN") == "MUSCLES"
        and header.get("PROPOSID") == 13650
    )


def _first(columns, names):
    upper = {name.upper(): name for name in columns.names}
    return next((upper[name] for name in names if name in upper), None)


def _science_table(hdulist):
    """The spectrum table: SCIENCE (ULLYSES), SCI (HASP, CALSPEC) or extension 1."""
    for name in ("SCIENCE", "SCI"):
        if name in hdulist and isinstance(hdulist[name], fits.BinTableHDU):
            return hdulist[name]
    return hdulist[1]


def _spectra(hdu, meta):
    """Spectra of the table: one per row of vectors, or one for the whole table."""
    columns = hdu.columns
    wave_name, flux_name = _first(columns, _WAVE), _first(columns, ("FLUX",))
    error_name, dq_name = _first(columns, _ERROR), _first(columns, _DQ)
    wave_unit = parse_unit(columns[wave_name].unit, u.AA)
    flux_unit = parse_unit(columns[flux_name].unit, FLAM)
    error_unit = parse_unit(columns[error_name].unit, flux_unit) if error_name else None
    data = hdu.data
    vectors = np.ndim(data[wave_name][0]) > 0
    rows = [data[i] for i in range(len(data))] if vectors else [data]
    spectra = []
    for row in rows:
        wave = np.asarray(row[wave_name], dtype=float).ravel()
        keep = np.isfinite(wave) & (wave > 0)  # vector rows may be zero-padded
        order = np.argsort(wave[keep], kind="stable")

        def column(name, keep=keep, order=order, row=row):
            return np.asarray(row[name]).ravel()[keep][order]

        flux = column(flux_name).astype(float)
        uncertainty = mask = None
        if error_name:
            error = (column(error_name).astype(float) * error_unit).to_value(flux_unit)
            uncertainty = StdDevUncertainty(error, unit=flux_unit)
        if dq_name:
            mask = column(dq_name) != 0
        spectra.append(
            Spectrum(
                flux=flux * flux_unit,
                spectral_axis=wave[keep][order] * wave_unit,
                uncertainty=uncertainty,
                mask=mask,
                meta=dict(meta),
            )
        )
    return spectra


def read_hlsp(path, hdulist):
    """Read an HLSP spectrum table.

    Returns
    -------
    list of ProductContent
        ``SPECTRUM`` items: one for a MUSCLES SED ("specutils: MUSCLES SED") or a table with
        one row per wavelength, one per row for tables of vectors (``part`` "row n" when there
        are several). See the module docstring for the columns and units used.
    """
    summary = header_summary(hdulist[0].header)
    if _is_muscles(hdulist):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", u.UnitsWarning)
            spectrum = Spectrum.read(str(path), format="MUSCLES SED")
        return [
            ProductContent(
                ContentKind.SPECTRUM, spectrum, None, "specutils: MUSCLES SED", path, summary
            )
        ]
    hdu = _science_table(hdulist)
    header = fits.Header(hdulist[0].header, copy=True)
    header.extend(hdu.header, strip=True, update=True)
    spectra = _spectra(hdu, {"header": header})
    single = len(spectra) == 1
    return [
        ProductContent(
            ContentKind.SPECTRUM, spectrum, None if single else f"row {i}", READER, path, summary
        )
        for i, spectrum in enumerate(spectra)
    ]
