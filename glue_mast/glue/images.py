"""Images and spectral cubes as glue Data that glue's image viewer shows and a session saves.

- An image (`astropy.nddata.NDData` from `glue_mast.io.images`: HST drz/flt, JWST i2d/cal,
  GALEX and plain FITS images) becomes a 2-D Data whose coordinates are its celestial
  astropy WCS, so glue's image viewer shows Right Ascension and Declination, and glue links
  it by WCS to other images and to glue-mast's catalog tables (`glue_mast.glue.tables`).
  Components: ``data`` (in the image's unit), ``uncertainty`` and ``mask`` where present.
- A spectral cube (a `specutils.Spectrum` with 3-D flux, a JWST s3d) becomes a 3-D Data
  whose coordinates are its astropy WCS (two sky axes and a spectral one), so glue's image
  viewer slices it along the spectral axis; components ``flux``, ``uncertainty`` and ``mask``.

Both keep an astropy WCS as ``Data.coords``, a :class:`SessionWCS`: glue saves a plain
``WCS`` in a session as its standard FITS header (``glue.core.state``), which leaves out the
SIP distortion of HST flt and JWST cal images (astropy writes SIP keywords only when asked),
so a restored image would be off by up to a few pixels at its edges. A gwcs (specutils' JWST
s3d loader gives one) has no saver in glue at all, so a cube's gwcs is replaced by the FITS
WCS the JWST pipeline writes in the cube's SCI header.
"""

from __future__ import annotations

import warnings

import numpy as np
from astropy.wcs import WCS

__all__ = ["SessionWCS", "cube_to_data", "image_to_data", "session_wcs"]


class SessionWCS(WCS):
    """An astropy ``WCS`` that a glue session saves with its SIP distortion.

    glue saves a ``WCS`` as ``to_header_string()``, which drops SIP keywords; this class
    saves ``to_header_string(relax=True)`` and reads it back. Everything else is astropy's.
    """

    def __gluestate__(self, context):
        return {"header": self.to_header_string(relax=True)}

    @classmethod
    def __setgluestate__(cls, rec, context):
        from astropy.io import fits

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # FITSFixedWarning: what was read was fixed
            return cls(fits.Header.fromstring(rec["header"]))


def session_wcs(wcs):
    """``wcs`` (an astropy ``WCS``) as a :class:`SessionWCS` with the same transformation."""
    if isinstance(wcs, SessionWCS):
        return wcs
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        copy = SessionWCS(wcs.to_header(relax=True))
    copy.pixel_shape = wcs.pixel_shape
    return copy


def _celestial(wcs, ndim):
    """``wcs`` as a :class:`SessionWCS` with ``ndim`` axes, or None when it has none."""
    if not isinstance(wcs, WCS):
        return None
    if wcs.pixel_n_dim != ndim and wcs.has_celestial:
        wcs = wcs.celestial  # a 2-D image whose header names more axes (a degenerate one)
    return session_wcs(wcs) if wcs.pixel_n_dim == ndim else None


def image_to_data(image, label=None):
    """A 2-D glue Data for an image read by `glue_mast.io.images`.

    glue-astronomy's NDData translator is not used, because for these images it gives the
    wrong result: it is registered for ``NDDataArray`` and ``CCDData`` (the reader makes plain
    ``NDData``), it leaves the mask out (the DQ flags), writes the unit "None" for an image
    without BUNIT and none for the uncertainty, and copies the FITS header into ``Data.meta``,
    where glue-mast keeps only plain JSON (see `glue_mast.glue.data`).

    Parameters
    ----------
    image : `astropy.nddata.NDData`
        2-D data, its celestial ``wcs`` (or None), ``unit``, a ``StdDevUncertainty`` or
        None, a boolean ``mask`` (True: flagged) or None.
    label : str, optional

    Returns
    -------
    `~glue.core.data.Data`
        Coordinates: the astropy WCS (pixel coordinates when the image has none);
        components ``data``, ``uncertainty`` (as a standard deviation, in the image's unit
        when it has none of its own) and ``mask``; ``meta["uncertainty_type"]`` as
        glue-astronomy's translators write it.
    """
    from astropy.nddata import StdDevUncertainty
    from glue.core import Data

    from .data import _add

    values = np.asarray(image.data)
    if values.ndim != 2:
        raise ValueError(f"an image has 2-D data, not {values.ndim}-D")
    wcs = _celestial(image.wcs, 2)
    data = Data(coords=wcs, label=label) if wcs is not None else Data(label=label)
    _add(data, "data", values, image.unit)
    uncertainty = image.uncertainty
    if uncertainty is not None:
        if not isinstance(uncertainty, StdDevUncertainty):
            uncertainty = uncertainty.represent_as(StdDevUncertainty)
        _add(data, "uncertainty", uncertainty.array, uncertainty.unit or image.unit)
        data.meta["uncertainty_type"] = "std"
    if image.mask is not None:
        _add(data, "mask", np.asarray(image.mask, dtype=bool))
    return data


def _fits_cube_wcs(path):
    """The FITS WCS of a JWST cube's SCI extension (sky and spectral axes), or None."""
    from astropy.io import fits
    from astropy.wcs import FITSFixedWarning

    try:
        header = fits.getheader(path, "SCI")
    except (OSError, KeyError):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FITSFixedWarning)
        try:
            wcs = WCS(header)
        except Exception:  # a broken WCS is no WCS
            return None
    return wcs if wcs.has_celestial and wcs.wcs.spec >= 0 and wcs.pixel_n_dim == 3 else None


def _with_fits_wcs(cube, path):
    """``cube`` on a :class:`SessionWCS`: its own FITS WCS, or for a gwcs that of ``path``."""
    from specutils import Spectrum

    wcs = cube.wcs if isinstance(cube.wcs, WCS) else None
    if wcs is None and path is not None:
        wcs = _fits_cube_wcs(path)
    if wcs is None:
        raise ValueError(
            "its WCS is not a FITS WCS, and its SCI header has none that glue could save in a"
            " session"
        )
    return Spectrum(
        flux=cube.flux,
        wcs=session_wcs(wcs),
        uncertainty=cube.uncertainty,
        mask=cube.mask,
        meta=cube.meta,
        spectral_axis_index=getattr(cube, "spectral_axis_index", 0),
    )


#: The ``meta`` keys of glue-astronomy's Spectrum translator kept: plain values that its
#: ``to_object`` reads back. The others (the FITS header) are dropped: see `glue_mast.glue.data`.
_TRANSLATOR_META = ("uncertainty_type", "spectral_axis_index")


def cube_to_data(cube, label=None, path=None):
    """A 3-D glue Data for a spectral cube, through glue-astronomy's Spectrum translator.

    The translator gives the right data here (the cube's WCS as coordinates, ``flux``,
    ``uncertainty`` and ``mask`` with their units, ``spectral_axis_index`` so that
    ``data.get_object(Spectrum, statistic=None)`` gives the cube back); glue-mast gives it the
    cube on a :class:`SessionWCS` (for a cube with a gwcs, its FITS WCS), and keeps only plain
    values in ``meta``.

    Parameters
    ----------
    cube : `specutils.Spectrum`
        3-D flux.
    label : str, optional
    path : path-like, optional
        The file, for the FITS WCS of a cube read with a gwcs.

    Raises
    ------
    ValueError
        The cube is not 3-D, or has no WCS glue can save.
    """
    from glue.config import data_translator
    from specutils import Spectrum

    if cube.flux.ndim != 3:
        raise ValueError(f"a spectral cube has 3-D flux, not {cube.flux.ndim}-D")
    import glue_astronomy.translators.spectrum1d  # noqa: F401  (registers the translator)

    cube = _with_fits_wcs(cube, path)
    handler, _ = data_translator.get_handler_for(Spectrum)
    data = handler.to_data(cube)
    kept = {key: data.meta[key] for key in _TRANSLATOR_META if key in data.meta}
    data.meta.clear()
    data.meta.update(kept)
    if "uncertainty" in [c.label for c in data.main_components]:
        component = data.get_component("uncertainty")
        if component.units in (None, "", "None"):  # a standard deviation in the flux's unit
            component.units = data.get_component("flux").units
    data.label = label
    return data
