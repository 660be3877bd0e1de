"""IUE NEWSIPS extracted spectra in their original layout (``*.mxlo``, ``*.mxhi``, gzipped).

Besides the VO containers (`glue_mast.io.vo`), MAST serves IUE's own NEWSIPS products. Their
``MELO`` (low dispersion) or ``MEHI`` (high dispersion) table holds one row per aperture or
echelle order, and stores each wavelength grid by its start and step: WAVELENGTH is the
first wavelength, DELTAW the step and NPOINTS the length, so the grid is
``WAVELENGTH + DELTAW * arange(NPOINTS)``. FLUX (low dispersion) or ABS_CAL (high
dispersion) is the calibrated flux, SIGMA its uncertainty where the table has one, and
QUALITY the NEWSIPS flags (0 is good). specutils has no loader for it: ``tabular-fits``
claims the file and fails on the vectors.
"""

from __future__ import annotations

import astropy.units as u
import numpy as np
from astropy.io import fits
from astropy.nddata import StdDevUncertainty
from specutils import Spectrum

from .content import ContentKind, ProductContent, header_summary
from .units import FLAM, parse_unit

__all__ = ["READER", "read_iue_newsips"]

READER = "glue-mast: IUE NEWSIPS"


def _table(hdulist):
    for name in ("MELO", "MEHI"):
        if name in hdulist:
            return hdulist[name]
    return hdulist[1]


def _cell(row, name, default=None):
    return row[name] if name in row.array.names else default


def read_iue_newsips(path, hdulist):
    """Read an IUE mxlo or mxhi file: one spectrum per aperture or echelle order.

    Returns
    -------
    list of ProductContent
        ``SPECTRUM`` items over Angstrom in erg / (s cm2 Angstrom) (the TUNIT of the flux
        column when it has one), masked where QUALITY != 0. ``part`` is the aperture
        ("LARGE", "SMALL") or "order n", or None for a single spectrum.
    """
    hdu = _table(hdulist)
    names = [name.upper() for name in hdu.columns.names]
    flux_name = "FLUX" if "FLUX" in names else "ABS_CAL"
    flux_unit = parse_unit(hdu.columns[flux_name].unit, FLAM)
    wave_unit = parse_unit(hdu.columns["WAVELENGTH"].unit, u.AA)
    header = fits.Header(hdulist[0].header, copy=True)
    header.extend(hdu.header, strip=True, update=True)
    spectra, parts = [], []
    for row in hdu.data:
        n = int(row["NPOINTS"])
        if n <= 0:
            continue
        start, step = float(row["WAVELENGTH"]), float(row["DELTAW"])
        wave = start + step * np.arange(n)
        flux = np.asarray(row[flux_name][:n], dtype=float)
        sigma = _cell(row, "SIGMA")
        quality = _cell(row, "QUALITY")
        spectra.append(
            Spectrum(
                flux=flux * flux_unit,
                spectral_axis=wave * wave_unit,
                uncertainty=None
                if sigma is None
                else StdDevUncertainty(np.asarray(sigma[:n], dtype=float), unit=flux_unit),
                mask=None if quality is None else np.asarray(quality[:n]) != 0,
                meta={"header": header},
            )
        )
        order = _cell(row, "ORDER")
        aperture = _cell(row, "APERTURE")
        parts.append(f"order {int(order)}" if order is not None else str(aperture).strip())
    summary = header_summary(hdulist[0].header)
    single = len(spectra) == 1
    return [
        ProductContent(ContentKind.SPECTRUM, spectrum, None if single else part or None,
                       READER, path, summary)
        for spectrum, part in zip(spectra, parts, strict=True)
    ]
