"""Images: the last reader, for FITS files whose science data are a 2-D array.

HST drizzled and flat-fielded images (SCI, ERR and DQ extensions), JWST i2d and cal images
and plain one-HDU images become an `~astropy.nddata.NDData` with the celestial WCS of the
header, the BUNIT unit, ERR as a `StdDevUncertainty` and DQ != 0 as the mask. Spectra,
cubes and light curves never get here: every other reader is tried first.
"""

from __future__ import annotations

import warnings

import numpy as np
from astropy.io import fits

from .content import ContentKind, ProductContent, header_summary
from .identify import science_images
from .registry import NotThisReader
from .units import parse_unit

__all__ = ["READER", "read_image"]

READER = "glue-mast: FITS image"


def _wcs(header):
    from astropy.wcs import WCS, FITSFixedWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FITSFixedWarning)
        try:
            wcs = WCS(header)
        except Exception:  # a broken WCS is no WCS, not an unreadable image
            return None
    return wcs if wcs.has_celestial else None


def read_image(path, hdulist):
    """Read the 2-D science images of a FITS file.

    Returns
    -------
    list of ProductContent
        One ``IMAGE`` (`~astropy.nddata.NDData`) per SCI extension (``part`` "SCI n" when
        there are several) or for the first 2-D image.

    Raises
    ------
    NotThisReader
        The file has no 2-D image.
    """
    from astropy.nddata import NDData, StdDevUncertainty

    images = science_images(hdulist)
    if not images:
        raise NotThisReader("no 2-D image")
    summary = header_summary(hdulist[0].header)
    items = []
    for hdu in images:
        data = np.asarray(hdu.data)
        uncertainty = mask = None
        if hdu.name == "SCI":
            err = _companion(hdulist, "ERR", hdu.ver, data.shape)
            dq = _companion(hdulist, "DQ", hdu.ver, data.shape)
            if err is not None:
                uncertainty = StdDevUncertainty(np.asarray(err.data))
            if dq is not None:
                mask = np.asarray(dq.data) != 0
        header = fits.Header(hdulist[0].header, copy=True)
        if hdu is not hdulist[0]:
            header.extend(hdu.header, strip=True, update=True)
        image = NDData(
            data,
            uncertainty=uncertainty,
            mask=mask,
            wcs=_wcs(hdu.header),
            unit=parse_unit(hdu.header.get("BUNIT")),
            meta={"header": header},
        )
        if header.get("PIXAR_SR"):  # the pixel's solid angle, where Jdaviz reads it
            image.meta["PIXAR_SR"] = float(header["PIXAR_SR"])
        part = f"SCI {hdu.ver}" if len(images) > 1 else None
        items.append(ProductContent(ContentKind.IMAGE, image, part, READER, path, summary))
    return items


def _companion(hdulist, name, ver, shape):
    try:
        hdu = hdulist[name, ver]
    except KeyError:
        return None
    return hdu if hdu.is_image and np.shape(hdu.data) == shape else None
