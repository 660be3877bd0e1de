"""A specutils loader for MAST's VO spectral containers: IUE and FUSE ``*_vo.fits``.

MAST serves IUE and FUSE spectra (``…/pub/vospectra/``) as "VO spectral containers": the
primary HDU keeps the mission's own header, and extension 1 (``EXTNAME = 'Spectral
Container'``) is a binary table whose header carries the IVOA Spectrum Data Model keywords
(``VOCLASS = 'SPECTRUM V1.0'``, ``DS_IDENT``, ``COLLECT``, ...) and whose columns are
vectors in **one row per spectrum**: WAVE, FLUX, SIGMA and, for IUE, QUALITY (0 is good).
High-dispersion IUE files hold one row per echelle order, zero-padded at both ends.

specutils 2.4 has no loader for them: its ``tabular-fits`` loader claims the file and fails
("lookup_table should be an array with 1 dimensions"), because it expects one row per
wavelength. Importing `glue_mast.io` registers ``"MAST VO spectrum"`` with specutils, for
`~specutils.Spectrum` (one spectrum per file, the first row) and for
`~specutils.SpectrumList` (every row), so ``Spectrum.read("swp12345mxlo_vo.fits")`` works
with no ``format``.

Columns are found by their Spectrum-DM utype (``TUTYPn``) and, failing that, by name.
"""

from __future__ import annotations

import astropy.units as u
import numpy as np
from astropy.io import fits
from astropy.nddata import StdDevUncertainty
from specutils import Spectrum, SpectrumList
from specutils.io.parsing_utils import read_fileobj_or_hdulist
from specutils.io.registers import data_loader

from .identify import VO_UTYPES, is_mast_vo_spectrum
from .units import FLAM, parse_unit

__all__ = ["FORMAT", "identify_mast_vo", "read_mast_vo", "read_mast_vo_list"]

#: The specutils format name of the loader.
FORMAT = "MAST VO spectrum"

# Above tabular-fits (6) and the mission loaders (10), which all decline these files or fail.
_PRIORITY = 20

_NAMES = {
    "wave": ("WAVE", "WAVELENGTH"),
    "flux": ("FLUX",),
    "error": ("SIGMA", "ERROR", "ERR"),
    "quality": ("QUALITY", "DQ"),
}


def identify_mast_vo(origin, *args, **kwargs):
    """specutils identifier: extension 1 is a VO spectral container (`is_mast_vo_spectrum`)."""
    with read_fileobj_or_hdulist(*args, **kwargs) as hdulist:
        return is_mast_vo_spectrum(hdulist)


def _column_names(hdu):
    """Which column holds each of wave, flux, error and quality (or None)."""
    by_utype = {}
    for i, name in enumerate(hdu.columns.names, start=1):
        utype = str(hdu.header.get(f"TUTYP{i}", "")).strip()
        by_utype[utype] = name
    upper = {name.upper(): name for name in hdu.columns.names}
    found = {}
    for role, utype in VO_UTYPES.items():
        found[role] = by_utype.get(utype) or next(
            (upper[n] for n in _NAMES[role] if n in upper), None
        )
    return found


def _row_spectrum(hdu, row, columns, meta):
    """One row of the container as a Spectrum, its zero padding dropped."""
    wave_unit = parse_unit(hdu.columns[columns["wave"]].unit, u.AA)
    flux_unit = parse_unit(hdu.columns[columns["flux"]].unit, FLAM)
    data = hdu.data
    wave = np.asarray(data[columns["wave"]][row], dtype=float).ravel()
    flux = np.asarray(data[columns["flux"]][row], dtype=float).ravel()
    # High-dispersion orders are padded with zero wavelengths at both ends.
    keep = np.isfinite(wave) & (wave > 0)
    order = np.argsort(wave[keep], kind="stable")
    wave, flux = wave[keep][order], flux[keep][order]
    uncertainty = mask = None
    if columns["error"] is not None:
        error_unit = parse_unit(hdu.columns[columns["error"]].unit, flux_unit)
        error = np.asarray(data[columns["error"]][row], dtype=float).ravel()[keep][order]
        uncertainty = StdDevUncertainty((error * error_unit).to_value(flux_unit), unit=flux_unit)
    if columns["quality"] is not None:
        quality = np.asarray(data[columns["quality"]][row]).ravel()[keep][order]
        mask = quality != 0
    return Spectrum(
        flux=flux * flux_unit,
        spectral_axis=wave * wave_unit,
        uncertainty=uncertainty,
        mask=mask,
        meta=meta,
    )


def _read_rows(file_obj, rows=None, **kwargs):
    with read_fileobj_or_hdulist(file_obj, **kwargs) as hdulist:
        hdu = hdulist[1]
        columns = _column_names(hdu)
        if columns["wave"] is None or columns["flux"] is None:
            raise ValueError(
                "the VO spectral container has no spectral-axis or flux column "
                f"(columns: {', '.join(hdu.columns.names)})"
            )
        header = fits.Header(hdulist[0].header, copy=True)
        header.extend(hdu.header, strip=True, update=True)
        nrows = len(hdu.data)
        spectra = []
        for row in range(nrows) if rows is None else rows:
            meta = {"header": header.copy(), "row": row, "nrows": nrows}
            spectra.append(_row_spectrum(hdu, row, columns, meta))
    return spectra


@data_loader(
    FORMAT,
    identifier=identify_mast_vo,
    dtype=Spectrum,
    extensions=["fits", "fit", "FITS", "FIT"],
    priority=_PRIORITY,
    autogenerate_spectrumlist=False,
)
def read_mast_vo(file_obj, row=0, **kwargs):
    """Read one spectrum of a MAST VO spectral container (IUE, FUSE ``*_vo.fits``).

    Parameters
    ----------
    file_obj : str, file-like or HDUList
        The file.
    row : int
        Which row (spectrum, or echelle order) to read; low-dispersion files have one.

    Returns
    -------
    specutils.Spectrum
        Flux over wavelength in the file's units (Angstrom and erg / (s cm2 Angstrom) when a
        column has no parseable unit), the SIGMA column as a `StdDevUncertainty`, QUALITY != 0
        as the mask, and the primary header updated with the container's header as
        ``meta['header']``.
    """
    return _read_rows(file_obj, rows=[row], **kwargs)[0]


@data_loader(
    FORMAT,
    identifier=identify_mast_vo,
    dtype=SpectrumList,
    extensions=["fits", "fit", "FITS", "FIT"],
    priority=_PRIORITY,
)
def read_mast_vo_list(file_obj, **kwargs):
    """Read every row of a MAST VO spectral container as a `~specutils.SpectrumList`.

    See `read_mast_vo`; ``meta['row']`` tells the rows (echelle orders) apart.
    """
    return SpectrumList(_read_rows(file_obj, **kwargs))


def read_vo_content(path, hdulist):
    """`glue_mast.io.read`'s reader for VO containers: every row, through specutils.

    Returns
    -------
    list of ProductContent
        One ``SPECTRUM`` per row; ``part`` is None for a one-row file and "row n" otherwise.
    """
    from .content import ContentKind, ProductContent, header_summary

    spectra = SpectrumList.read(str(path), format=FORMAT)
    header = header_summary(hdulist[0].header, hdulist[1].header)
    single = len(spectra) == 1
    return [
        ProductContent(
            kind=ContentKind.SPECTRUM,
            data=spectrum,
            part=None if single else f"row {spectrum.meta['row']}",
            reader=f"glue-mast: {FORMAT}",
            path=path,
            header=header,
        )
        for spectrum in spectra
    ]
