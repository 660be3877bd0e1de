"""Which MAST product a FITS file is, from its headers and column names alone.

These checks read no data arrays and import nothing heavier than `astropy.io.fits`, so
`glue_mast.io.read` can pick the reader before it imports specutils' or lightkurve's
loaders. Each takes an open `~astropy.io.fits.HDUList` and returns a bool; none raises.
"""

from __future__ import annotations

from astropy.io import fits

__all__ = [
    "is_fits_image",
    "is_hla_grism_spectrum",
    "is_hlsp_spectrum",
    "is_hst_cos_x1d",
    "is_hst_stis_x1d",
    "is_iue_newsips",
    "is_jwst_s2d",
    "is_jwst_s3d",
    "is_jwst_spec1d",
    "is_kepler_tess",
    "is_mast_vo_spectrum",
    "primary_value",
    "science_images",
]

#: Extension names of Kepler/K2/TESS pipeline products (light curves, pixel files) and
#: of the high-level light curves lightkurve reads (QLP, TESS-SPOC, K2SFF, EVEREST, ...).
_PHOTOMETRY_TELESCOPES = {"KEPLER", "K2", "TESS"}

#: Spectrum Data Model utypes MAST writes in the TUTYPn keywords of its VO containers.
VO_UTYPES = {
    "wave": "Spectrum.Data.SpectralAxis.Value",
    "flux": "Spectrum.Data.FluxAxis.Value",
    "error": "Spectrum.Data.FluxAxis.Accuracy.StatError",
    "quality": "Spectrum.Data.FluxAxis.Quality",
}


def primary_value(hdul, key, default=""):
    """A primary-header value, upper-cased and stripped when it is a string."""
    try:
        value = hdul[0].header.get(key, default)
    except (IndexError, AttributeError):
        return default
    return value.strip().upper() if isinstance(value, str) else value


def _table(hdul, index_or_name):
    """The binary-table HDU at an index or name, or None."""
    try:
        hdu = hdul[index_or_name]
    except (KeyError, IndexError):
        return None
    return hdu if isinstance(hdu, (fits.BinTableHDU, fits.TableHDU)) else None


def _columns(hdu):
    return {name.upper() for name in hdu.columns.names} if hdu is not None else set()


def _image_ndim(hdul, name):
    try:
        hdu = hdul[name]
    except (KeyError, IndexError):
        return 0
    return int(hdu.header.get("NAXIS", 0)) if isinstance(hdu, fits.ImageHDU) else 0


def is_kepler_tess(hdul) -> bool:
    """A Kepler, K2 or TESS product: TELESCOP says so and extension 1 is a table.

    specutils' ``tabular-fits`` loader claims these files and then fails; lightkurve's own
    `~lightkurve.io.detect.detect_filetype` decides which of its readers applies.
    """
    telescope = str(primary_value(hdul, "TELESCOP"))
    return telescope in _PHOTOMETRY_TELESCOPES and _table(hdul, 1) is not None


def is_mast_vo_spectrum(hdul) -> bool:
    """A MAST VO spectral container (IUE and FUSE ``*_vo.fits``).

    The first extension is a table whose header says ``VOCLASS = 'SPECTRUM ...'`` (the IVOA
    Spectrum Data Model serialization) and which has a spectral-axis and a flux column.
    """
    hdu = _table(hdul, 1)
    if hdu is None:
        return False
    voclass = str(hdu.header.get("VOCLASS", "")).strip().upper()
    if not voclass.startswith("SPECTRUM"):
        return False
    utypes = {str(v).strip() for k, v in hdu.header.items() if k.startswith("TUTYP")}
    columns = _columns(hdu)
    has_wave = VO_UTYPES["wave"] in utypes or "WAVE" in columns or "WAVELENGTH" in columns
    has_flux = VO_UTYPES["flux"] in utypes or "FLUX" in columns
    return has_wave and has_flux


def is_iue_newsips(hdul) -> bool:
    """An IUE NEWSIPS extracted spectrum (mxlo, mxhi): wavelength grids stored as start + step."""
    if primary_value(hdul, "TELESCOP") != "IUE":
        return False
    table = next((t for t in (_table(hdul, "MELO"), _table(hdul, "MEHI")) if t is not None), None)
    columns = _columns(table if table is not None else _table(hdul, 1))
    return {"NPOINTS", "WAVELENGTH", "DELTAW"} <= columns and bool(columns & {"FLUX", "ABS_CAL"})


def is_hlsp_spectrum(hdul) -> bool:
    """A high-level science product spectrum table (ULLYSES, HASP, MUSCLES, CALSPEC, ...).

    The primary header names an HLSP (``HLSPID``, ``HLSPNAME`` or ``HLSPACRN``), or the
    file is a CALSPEC standard (``DBTABLE = 'CRSPECTRUM'``), and the first extension is a
    table with wavelength and flux columns.
    """
    header = hdul[0].header
    names_hlsp = any(key in header for key in ("HLSPID", "HLSPNAME", "HLSPACRN"))
    calspec = str(header.get("DBTABLE", "")).strip().upper() == "CRSPECTRUM"
    if not (names_hlsp or calspec):
        return False
    columns = _columns(_table(hdul, 1))
    return "FLUX" in columns and bool(columns & {"WAVELENGTH", "WAVE"})


def is_hla_grism_spectrum(hdul) -> bool:
    """A Hubble Legacy Archive grism spectrum (``*.SPEC1D``, the HSC spectra): HST ACS or
    NICMOS, and extension 1 a table of one row with ``wave`` and ``flux`` vector columns."""
    if primary_value(hdul, "TELESCOP") != "HST":
        return False
    if primary_value(hdul, "INSTRUME") not in ("ACS", "NICMOS"):
        return False
    table = _table(hdul, 1)
    return {"WAVE", "FLUX"} <= _columns(table) and table.header.get("NAXIS2") == 1


def is_hst_cos_x1d(hdul) -> bool:
    """An HST/COS extracted spectrum (x1d, x1dsum): a SCI table with one row per segment.

    specutils' ``HST/COS`` identifier only checks TELESCOP and INSTRUME, so it also claims
    COS raw, corrtag and image files; the SEGMENT, WAVELENGTH and FLUX columns single out
    the extracted spectra.
    """
    if primary_value(hdul, "TELESCOP") != "HST" or primary_value(hdul, "INSTRUME") != "COS":
        return False
    return {"SEGMENT", "WAVELENGTH", "FLUX"} <= _columns(_table(hdul, 1))


def is_hst_stis_x1d(hdul) -> bool:
    """An HST/STIS extracted spectrum (x1d, sx1): SCI tables with one row per order."""
    if primary_value(hdul, "TELESCOP") != "HST" or primary_value(hdul, "INSTRUME") != "STIS":
        return False
    return {"SPORDER", "WAVELENGTH", "FLUX"} <= _columns(_table(hdul, 1))


def _is_jwst(hdul):
    return primary_value(hdul, "TELESCOP") == "JWST"


def is_jwst_spec1d(hdul) -> bool:
    """A JWST one-dimensional product: an EXTRACT1D (x1d) or COMBINE1D (c1d) table."""
    return _is_jwst(hdul) and (
        _table(hdul, "EXTRACT1D") is not None or _table(hdul, "COMBINE1D") is not None
    )


def is_jwst_s2d(hdul) -> bool:
    """A JWST rectified 2-D spectrum (s2d): a 2-D SCI image and no 1-D table."""
    if not _is_jwst(hdul) or is_jwst_spec1d(hdul) or _image_ndim(hdul, "SCI") != 2:
        return False
    model = str(primary_value(hdul, "DATAMODL"))
    # Spectroscopic exposure types; imaging products (i2d, cal) also have a 2-D SCI.
    exp_type = str(primary_value(hdul, "EXP_TYPE"))
    return model in {"MULTISLITMODEL", "SLITMODEL"} or exp_type.endswith(
        ("FIXEDSLIT", "MSASPEC", "LRS-FIXEDSLIT", "LRS-SLITLESS", "WFSS", "BRIGHTOBJ")
    )


def is_jwst_s3d(hdul) -> bool:
    """A JWST IFU cube (s3d): a 3-D SCI image and no 1-D table."""
    return _is_jwst(hdul) and not is_jwst_spec1d(hdul) and _image_ndim(hdul, "SCI") == 3


def science_images(hdulist):
    """The 2-D science images: the SCI image extensions, or else the first 2-D image HDU."""

    def two_d(hdu):
        return hdu.is_image and hdu.header.get("NAXIS") == 2 and hdu.header.get("NAXIS1", 0) > 1

    sci = [hdu for hdu in hdulist if hdu.name == "SCI" and two_d(hdu)]
    if sci:
        return sci
    return next(([hdu] for hdu in hdulist if two_d(hdu)), [])


def is_fits_image(hdulist) -> bool:
    """A file with a 2-D science image (HST drz/flt, JWST i2d/cal, a plain image)."""
    return bool(science_images(hdulist))
