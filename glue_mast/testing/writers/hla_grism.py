"""Hubble Legacy Archive grism spectra (``*.SPEC1D`` files), as the HSC spectra list serves them.

The HLA's extracted ACS/WFC G800L and NICMOS G141 spectra (Kümmel et al. 2011, A&A 530, A86)
keep the spectrum in the first extension: a binary table of one row whose vector columns
``wave`` (Angstrom) and ``flux`` (erg / s / cm2 / Angstrom) hold the whole spectrum, as
MAST's own reader of them takes it (``hdulist[1].data["wave"][0, :]`` in
spacetelescope/MASTDataDelivery, ``get_data_hsc_grism.py``). This writer adds ``ferror`` and
``contam`` columns in the same layout, and a primary header naming the telescope,
instrument, grism and target.
"""

from __future__ import annotations

import numpy as np
from astropy.io import fits

from .fits import bin_column, bin_table, fits_bytes, titled_header
from .noise import Noise
from .spectra import UV_LINES, continuum, f32, grid, observed, with_lines

__all__ = ["make_hla_grism_spec1d"]

# Grism -> (instrument, wavelength range in Angstrom, points): ACS/WFC G800L covers
# 0.55-1.0 um at 40 A/pixel, NICMOS G141 1.1-1.9 um at 80 A/pixel.
_GRISMS = {
    "G800L": ("ACS", 5500.0, 10000.0, 113),
    "G141": ("NICMOS", 11000.0, 19000.0, 101),
}


def make_hla_grism_spec1d(
    dataset="HAG_J072655.67+691648.9_J8HPAXAEQ_V01.SPEC1D",
    target="HAG_J072655.67+691648.9_J8HPAXAEQ",
    ra=111.7320101,
    dec=69.2802571,
    grism="G800L",
    exptime=9328.0,
    propid=9482,
    seed=1,
):
    """The bytes of one HLA grism 1-D spectrum (see the module docstring for the layout)."""
    instrument, lo, hi, n = _GRISMS.get(grism, _GRISMS["G800L"])
    noise = Noise(seed)
    wave = grid(lo, hi, n)
    model = with_lines(wave, continuum(wave, (lo, hi), 2e-17), UV_LINES, (hi - lo) / n * 2)
    flux, error = observed(model, noise, 15.0)
    contam = f32(np.abs(noise.normal(n)) * 1e-19)
    primary = fits.PrimaryHDU(
        header=titled_header(
            (
                "/ HLA GRISM SPECTRUM",
                [
                    ("TELESCOP", "HST", "telescope used to acquire data"),
                    ("INSTRUME", instrument, "identifier for instrument used"),
                    ("DETECTOR", "WFC" if instrument == "ACS" else "NIC3", "detector"),
                    ("FILTER", grism, "grism"),
                    ("TARGNAME", target, "HLA grism source name"),
                    ("RA_TARG", float(ra), "right ascension of the source (deg)"),
                    ("DEC_TARG", float(dec), "declination of the source (deg)"),
                    ("EXPTIME", float(exptime), "exposure time (s)"),
                    ("PROPOSID", int(propid), "PEP proposal identifier"),
                    ("FILENAME", f"{dataset}.fits", "name of this file"),
                    ("ORIGIN", "HLA", "Hubble Legacy Archive"),
                ],
            )
        )
    )
    table = bin_table(
        [
            bin_column("wave", f"{n}D", wave[None, :], unit="Angstrom"),
            bin_column("flux", f"{n}E", f32(flux)[None, :], unit="erg/s/cm2/Angstrom"),
            bin_column("ferror", f"{n}E", f32(error)[None, :], unit="erg/s/cm2/Angstrom"),
            bin_column("contam", f"{n}E", contam[None, :], unit="erg/s/cm2/Angstrom"),
        ],
        "SPEC1D",
    )
    return fits_bytes([primary, table])
