"""JWST spectra: x1d and c1d tables, s2d rectified slits, s3d IFU cubes.

specutils 2.4 reads these (``specutils/io/default_loaders/jwst_reader.py``) and glue-mast
uses its loaders, with three corrections:

- **Which loader.** ``SpectrumList.read`` on a single-slit x1d is ambiguous (both ``JWST x1d``
  and ``JWST x1d multi`` identify it), so the loader is chosen here from the layout: one
  EXTRACT1D (or COMBINE1D) table with one row per wavelength goes to ``JWST x1d``; several
  tables, or one row per source (WFSS), go to ``JWST x1d multi``.
- **Masks.** The 1-D and 2-D loaders set no mask, and the cube loader uses the raw DQ integers.
  Here every product is masked where its DQ has the pipeline's ``DO_NOT_USE`` bit (1) set or
  the flux is not finite: the points the jwst pipeline itself says not to use.
- **s2d without a gwcs.** specutils takes the s2d wavelengths from each slit's gwcs in the ASDF
  extension. When the tree carries no gwcs, the slit's WAVELENGTH extension (one wavelength
  per pixel, the same down every column of a rectified slit) gives them instead. ERR becomes a
  `StdDevUncertainty` either way; specutils leaves the s2d uncertainty out.
"""

from __future__ import annotations

import warnings

import astropy.units as u
import numpy as np
from astropy.io import fits
from astropy.nddata import StdDevUncertainty
from specutils import Spectrum, SpectrumList

from ..errors import MissingDependency
from .content import ContentKind, ProductContent, header_summary
from .units import parse_unit

__all__ = ["DO_NOT_USE", "read_s2d", "read_s3d", "read_spec1d"]

#: The JWST data-quality bit meaning "do not use this pixel" (jwst ``dqflags``).
DO_NOT_USE = 1


def _unusable(dq, flux):
    """Mask of points whose DQ has DO_NOT_USE, or whose flux is NaN or infinite."""
    mask = ~np.isfinite(np.asarray(flux))
    if dq is not None and np.shape(dq) == mask.shape:
        mask |= (np.asarray(dq).astype(np.int64) & DO_NOT_USE) != 0
    return mask


def _require_stdatamodels(what):
    """specutils reads the gwcs of s2d and s3d files through stdatamodels (its jwst extra)."""
    try:
        import stdatamodels  # noqa: F401
    except ImportError as exc:
        raise MissingDependency(f"Reading {what}", "stdatamodels") from exc


def _quiet_read(cls, path, fmt):
    with warnings.catch_warnings():
        # The loaders warn about SRCTYPE=UNKNOWN (and pick POINT); the header shows it.
        warnings.filterwarnings("ignore", message=".*SRCTYPE.*")
        return cls.read(str(path), format=fmt)


def _parts(spectra, names):
    """None for a single item; else the names, numbered where they repeat."""
    if len(spectra) == 1:
        return [None]
    if len(set(names)) == len(names) and all(names):
        return names
    return [f"{name or 'spectrum'} {i + 1}" for i, name in enumerate(names)]


def read_spec1d(path, hdulist):
    """Read a JWST x1d or c1d: one spectrum per slit, order or source.

    Returns
    -------
    list of ProductContent
        ``SPECTRUM`` items in the file's units (flux in Jy for point sources, surface
        brightness in MJy/sr for extended ones, as SRCTYPE says; wavelength in micron),
        FLUX_ERROR (or SB_ERROR) as a `StdDevUncertainty`, and the DO_NOT_USE mask.
        ``part`` is the slit name (SLTNAME), "source n" for WFSS rows, or None for one
        spectrum.
    """
    extname = "EXTRACT1D" if "EXTRACT1D" in hdulist else "COMBINE1D"
    prefix = "JWST x1d" if extname == "EXTRACT1D" else "JWST c1d"
    tables = [hdu for hdu in hdulist if hdu.name == extname]
    per_row = np.ndim(tables[0].data["WAVELENGTH"][0]) > 0
    if len(tables) == 1 and not per_row:
        fmt = prefix
        spectra = [_quiet_read(Spectrum, path, fmt)]
    else:
        fmt = f"{prefix} multi"
        spectra = list(_quiet_read(SpectrumList, path, fmt))
    if not per_row and len(spectra) == len(tables):
        # One spectrum per table: the table's DQ lines up with the spectrum.
        for spectrum, table in zip(spectra, tables, strict=True):
            dq = table.data["DQ"] if "DQ" in table.columns.names else None
            spectrum.mask = _unusable(dq, spectrum.flux.value)
    else:
        for spectrum in spectra:
            spectrum.mask = _unusable(None, spectrum.flux.value)
    names = []
    for spectrum in spectra:
        header = spectrum.meta["header"]
        if "source_id" in spectrum.meta:
            names.append(f"source {int(spectrum.meta['source_id'])}")
        else:
            name = str(header.get("SLTNAME", "")).strip()
            order = header.get("SPORDER")
            names.append(f"{name} order {order}" if name and len(tables) > 1 and order else name)
    summary = header_summary(hdulist[0].header)
    return [
        ProductContent(ContentKind.SPECTRUM, spectrum, part, f"specutils: {fmt}", path, summary)
        for spectrum, part in zip(spectra, _parts(spectra, names), strict=True)
    ]


def _keep_pixel_area(data, *headers):
    """``PIXAR_SR`` (the pixel's solid angle, sr) in ``data.meta``, where Jdaviz reads it to
    turn a surface brightness (MJy/sr) into a flux per pixel."""
    for header in headers:
        if header is not None and header.get("PIXAR_SR"):
            data.meta["PIXAR_SR"] = float(header["PIXAR_SR"])
            return


def _slit_hdus(hdulist, name, extver):
    try:
        return hdulist[name, extver]
    except KeyError:
        return None


def _has_gwcs(hdulist):
    """Whether every slit in the ASDF tree carries its gwcs (``slits[i].meta.wcs``)."""
    try:
        from stdatamodels import asdf_in_fits
    except ImportError:
        return False
    try:
        with asdf_in_fits.open(hdulist) as af:
            tree = af.tree
            for key in ("products", "exposures", "slits"):
                if key in tree:
                    return all("wcs" in slit.get("meta", {}) for slit in tree[key])
            return "wcs" in tree.get("meta", {})
    except Exception:  # no or unreadable ASDF extension: no gwcs to use
        return False


def _s2d_from_wavelength_extension(hdulist, sci):
    """A rectified slit as a Spectrum, its wavelengths from the WAVELENGTH extension."""
    extver = sci.ver
    wavelength_hdu = _slit_hdus(hdulist, "WAVELENGTH", extver)
    if wavelength_hdu is None:
        raise ValueError(
            f"SCI {extver} has neither a gwcs in the ASDF extension nor a WAVELENGTH extension"
        )
    dispaxis = int(sci.header.get("DISPAXIS", hdulist[0].header.get("DISPAXIS", 1)))
    flux = np.asarray(sci.data, dtype=float)
    wavelength = np.asarray(wavelength_hdu.data, dtype=float)
    if dispaxis == 2:
        flux, wavelength = flux.T, wavelength.T
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns off the slit
        wave = np.nanmedian(wavelength, axis=0)
    spread = np.nanmax(np.abs(wavelength - wave[None, :]), axis=0)
    if not np.all(np.isfinite(wave)) or np.any(spread > 1e-6 * np.abs(wave)):
        raise ValueError(f"SCI {extver} is not rectified: its wavelengths vary along the slit")
    flux_unit = parse_unit(sci.header.get("BUNIT"), u.dimensionless_unscaled)
    header = fits.Header(hdulist[0].header, copy=True)
    header.extend(sci.header, strip=True, update=True)
    return Spectrum(
        flux=flux * flux_unit,
        spectral_axis=wave * parse_unit(wavelength_hdu.header.get("BUNIT"), u.um),
        meta={"header": header},
    )


def _add_err_and_mask(spectrum, hdulist, sci, dispaxis):
    err = _slit_hdus(hdulist, "ERR", sci.ver)
    dq = _slit_hdus(hdulist, "DQ", sci.ver)
    flip = (lambda a: a.T) if dispaxis == 2 else (lambda a: a)
    if err is not None and flip(err.data).shape == spectrum.flux.shape:
        unit = parse_unit(err.header.get("BUNIT"), spectrum.flux.unit)
        spectrum.uncertainty = StdDevUncertainty(np.asarray(flip(err.data), float), unit=unit)
    spectrum.mask = _unusable(None if dq is None else flip(dq.data), spectrum.flux.value)


def read_s2d(path, hdulist):
    """Read a JWST s2d: one rectified 2-D spectrum per slit.

    Returns
    -------
    list of ProductContent
        ``SPECTRUM_2D`` items: flux (spatial, spectral) in BUNIT (MJy/sr), wavelengths in
        micron from the slit's gwcs (``reader`` "specutils: JWST s2d") or, without one, from
        its WAVELENGTH extension ("glue-mast: JWST s2d"); ERR as a `StdDevUncertainty`; the
        DO_NOT_USE mask. ``part`` is the slit name when the file has several slits.
    """
    scis = [hdu for hdu in hdulist if hdu.name == "SCI"]
    if "WAVELENGTH" not in hdulist:
        _require_stdatamodels("a JWST s2d without a WAVELENGTH extension")
    if _has_gwcs(hdulist):
        fmt = "JWST s2d" if len(scis) == 1 else "JWST s2d multi"
        read_as = Spectrum if len(scis) == 1 else SpectrumList
        spectra = _quiet_read(read_as, path, fmt)
        spectra = [spectra] if len(scis) == 1 else list(spectra)
        reader = f"specutils: {fmt}"
    else:
        spectra = [_s2d_from_wavelength_extension(hdulist, sci) for sci in scis]
        reader = "glue-mast: JWST s2d"
    for spectrum, sci in zip(spectra, scis, strict=True):
        dispaxis = int(sci.header.get("DISPAXIS", hdulist[0].header.get("DISPAXIS", 1)))
        _add_err_and_mask(spectrum, hdulist, sci, dispaxis)
        _keep_pixel_area(spectrum, sci.header, hdulist[0].header)
    names = [str(sci.header.get("SLTNAME", "")).strip() for sci in scis]
    summary = header_summary(hdulist[0].header)
    return [
        ProductContent(ContentKind.SPECTRUM_2D, spectrum, part, reader, path, summary)
        for spectrum, part in zip(spectra, _parts(spectra, names), strict=True)
    ]


def read_s3d(path, hdulist):
    """Read a JWST s3d IFU cube through specutils' ``JWST s3d`` loader (its gwcs), or from
    the FITS WCS of SCI when the ASDF tree holds no gwcs ("glue-mast: JWST s3d").

    Returns
    -------
    list of ProductContent
        One ``SPECTRAL_CUBE``: flux (wavelength, y, x) in BUNIT with ``spectral_axis_index``
        0, the gwcs, ERR as the uncertainty its ERRTYPE says, and the DO_NOT_USE mask in
        place of specutils' raw DQ integers.
    """
    _require_stdatamodels("JWST s3d cubes")
    if _has_gwcs(hdulist):
        cube = _quiet_read(Spectrum, path, "JWST s3d")
        reader = "specutils: JWST s3d"
    else:
        cube = _s3d_from_fits_wcs(hdulist)
        reader = "glue-mast: JWST s3d"
    dq = hdulist["DQ"].data if "DQ" in hdulist else None
    cube.mask = _unusable(dq, cube.flux.value)
    _keep_pixel_area(cube, hdulist["SCI"].header, hdulist[0].header)
    summary = header_summary(hdulist[0].header)
    return [ProductContent(ContentKind.SPECTRAL_CUBE, cube, None, reader, path, summary)]


def _s3d_from_fits_wcs(hdulist):
    """An s3d whose ASDF tree has no gwcs, from the FITS WCS the pipeline writes in SCI
    (RA---TAN, DEC--TAN and a WAVE axis: the same sky and wavelengths, linear)."""
    from astropy.wcs import WCS, FITSFixedWarning

    sci = hdulist["SCI"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FITSFixedWarning)
        wcs = WCS(sci.header)
    if not (wcs.has_celestial and wcs.wcs.spec >= 0):
        raise ValueError("SCI has neither a gwcs in the ASDF extension nor a FITS WCS")
    unit = parse_unit(sci.header.get("BUNIT"), u.dimensionless_unscaled)
    uncertainty = None
    if "ERR" in hdulist and hdulist["ERR"].data is not None:
        err = hdulist["ERR"]
        uncertainty = StdDevUncertainty(np.asarray(err.data, float),
                                        unit=parse_unit(err.header.get("BUNIT"), unit))
    header = fits.Header(hdulist[0].header, copy=True)
    header.extend(sci.header, strip=True, update=True)
    return Spectrum(flux=np.asarray(sci.data, float) * unit, wcs=wcs, uncertainty=uncertainty,
                    meta={"header": header}, spectral_axis_index=0)
