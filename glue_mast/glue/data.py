"""MAST content as glue Data that a glue session can save and restore.

- A spectrum (specutils ``Spectrum``) becomes one Data per 1-D spectrum, its spectral axis
  a :class:`~glue_mast.glue.coordinates.SpectralAxisCoordinates` (so the world component is
  "Wavelength", "Frequency"... in the spectrum's unit), with ``flux``, ``uncertainty`` and
  ``mask`` components carrying their units. A 2-D flux (several spectra on one axis) gives one
  Data per row.
- A 2-D spectrum (a rectified slit spectrum, JWST ``s2d``) becomes one 2-D Data whose
  spectral world axis links with the 1-D spectra.
- A target pixel file (Kepler, K2, TESS) becomes a 3-D Data (time, row, column) whose time
  world axis links with light curves.
- A light curve (lightkurve ``LightCurve``) becomes a time-series Data: ``time`` (days since the
  light curve's reference epoch), ``flux``, ``flux_err``, ``quality`` and the file's other 1-D
  numeric columns, with their units; its time system goes in ``meta``.
- An image or a spectral cube becomes a Data whose coordinates are its astropy WCS
  (`glue_mast.glue.images`), for glue's image viewer and for links by sky position.

``Data.meta["glue_mast"]`` holds the dataset's provenance as plain JSON (string keys, numbers,
strings, lists, dicts), because glue sessions silently drop astropy ``Time`` and ``fits.Header``
values, fail to save a ``Quantity`` (glue-viz/glue#2597), and write sessions they cannot open
again when a dict has a non-string key.
"""

from __future__ import annotations

import numpy as np
from astropy import units as u
from glue.core import Data
from glue.core.component import Component

from ..provenance.describe import (
    META_KEY,
    META_SCHEMA,
    base_label,
    file_provenance,
    label_choices,
    part_of,
    provenance,
    unique_labels,
)
from .coordinates import SpectralAxisCoordinates, SpectralImageCoordinates, TimeCubeCoordinates

__all__ = [
    "META_KEY",
    "META_SCHEMA",
    "base_label",
    "content_to_data",
    "describe",
    "file_provenance",
    "label_choices",
    "lightcurve_to_data",
    "part_of",
    "pixels_to_data",
    "provenance",
    "spectrum_2d_to_data",
    "spectrum_to_data",
    "unique_labels",
]



def _native(array):
    """``array`` as a plain numpy array in native byte order (FITS data is big-endian)."""
    array = np.asarray(array)
    if array.dtype.byteorder not in ("=", "|"):
        array = array.astype(array.dtype.newbyteorder("="))
    return array


def _unit_string(unit):
    return "" if unit is None else u.Unit(unit).to_string()


def _add(data, name, values, unit=None):
    data.add_component(Component(_native(values), units=_unit_string(unit) or None), name)


# --- spectra -----------------------------------------------------------------------------------


def _spectrum_rows(spectrum):
    """1-D (flux, uncertainty, mask, row index) views of a spectrum, one per row."""
    flux = spectrum.flux
    uncertainty = spectrum.uncertainty
    mask = spectrum.mask
    if flux.ndim == 1:
        return [(flux, uncertainty, mask, None)]
    if flux.ndim != 2:
        raise ValueError(f"a spectrum with {flux.ndim}-D flux is a cube, not a 1-D spectrum")
    rows = []
    for i in range(flux.shape[0]):
        rows.append(
            (
                flux[i],
                uncertainty[i] if uncertainty is not None else None,
                mask[i] if mask is not None else None,
                i,
            )
        )
    return rows


def spectrum_to_data(spectrum, label=None):
    """glue Data for each 1-D spectrum in ``spectrum`` (one per row of a 2-D flux).

    Parameters
    ----------
    spectrum : `specutils.Spectrum`
    label : str, optional

    Returns
    -------
    list of `~glue.core.data.Data`
        Each with ``meta["uncertainty_type"]`` set when there is an uncertainty, as
        glue-astronomy's translator expects, so ``data.get_object(Spectrum)`` works.
    """
    axis = spectrum.spectral_axis
    coords = SpectralAxisCoordinates(u.Quantity(_native(axis.value), axis.unit))
    out = []
    for flux, uncertainty, mask, row in _spectrum_rows(spectrum):
        shown = label if row is None or not label else f"{label} row {row}"
        data = Data(coords=coords, label=shown)
        if row is not None:
            data.meta[META_KEY] = {"row": row}
        _add(data, "flux", flux.value, flux.unit)
        if uncertainty is not None:
            unc_unit = uncertainty.unit
            if unc_unit is None and uncertainty.uncertainty_type == "std":
                unc_unit = flux.unit  # a standard deviation is in the flux's unit
            _add(data, "uncertainty", uncertainty.array, unc_unit)
            data.meta["uncertainty_type"] = uncertainty.uncertainty_type
        if mask is not None:
            _add(data, "mask", np.asarray(mask, dtype=bool))
        out.append(data)
    return out


def spectrum_2d_to_data(spectrum, label=None):
    """A glue Data for a 2-D spectrum (a rectified slit spectrum: spatial x spectral).

    The spectral world axis ("Wavelength"...) links with 1-D spectra like theirs; the other
    is "Cross-dispersion", in pixels. Components as for :func:`spectrum_to_data`.
    """
    flux = spectrum.flux
    if flux.ndim != 2:
        raise ValueError(f"a 2-D spectrum has 2-D flux, not {flux.ndim}-D")
    index = getattr(spectrum, "spectral_axis_index", flux.ndim - 1)
    index = index % 2
    axis = spectrum.spectral_axis
    coords = SpectralImageCoordinates(u.Quantity(_native(axis.value), axis.unit), index)
    data = Data(coords=coords, label=label)
    _add(data, "flux", flux.value, flux.unit)
    uncertainty = spectrum.uncertainty
    if uncertainty is not None:
        unit = uncertainty.unit
        if unit is None and uncertainty.uncertainty_type == "std":
            unit = flux.unit
        _add(data, "uncertainty", uncertainty.array, unit)
        data.meta["uncertainty_type"] = uncertainty.uncertainty_type
    if spectrum.mask is not None:
        _add(data, "mask", np.asarray(spectrum.mask, dtype=bool))
    return data


# --- light curves ------------------------------------------------------------------------------

_FIRST_COLUMNS = ("flux", "flux_err", "quality")


def _time_system(time):
    """(values in days, JSON time system) of an astropy Time."""
    from astropy.time import Time

    try:
        values = np.asarray(time.value, dtype=float)
        reference = Time(0.0, format=time.format, scale=time.scale)
        reference_jd = float(reference.jd1 + reference.jd2)
        fmt = time.format
    except (TypeError, ValueError):  # a non-numeric format (isot...): use the JD
        reference_jd, fmt = 0.0, "jd"
        values = time.jd1 + time.jd2
    return values, {"reference_jd": reference_jd, "scale": time.scale, "format": fmt}


def _column_values(column):
    """(float or int values, unit) of a light-curve column; masked entries become NaN."""
    unit = getattr(column, "unit", None)
    values = getattr(column, "value", column)
    mask = getattr(column, "mask", None)
    values = _native(np.ma.getdata(getattr(values, "unmasked", values)))
    if mask is not None and np.any(mask):
        values = values.astype(float)
        values[np.asarray(mask, dtype=bool)] = np.nan
    return values, unit


def lightcurve_to_data(lightcurve, label=None):
    """A time-series glue Data for a lightkurve ``LightCurve``.

    Components: ``time`` (days since the reference epoch in ``meta["glue_mast"]["time"]``),
    then ``flux``, ``flux_err``, ``quality`` and the other 1-D numeric columns, with units.
    """
    data = Data(label=label)
    values, system = _time_system(lightcurve.time)
    _add(data, "time", values, u.day)
    names = [n for n in _FIRST_COLUMNS if n in lightcurve.colnames]
    names += [n for n in lightcurve.colnames if n not in names and n != "time"]
    for name in names:
        column = lightcurve[name]
        if getattr(column, "ndim", 0) != 1:
            continue
        values, unit = _column_values(column)
        if values.dtype.kind not in "biuf":
            continue
        _add(data, name, values, unit)
    data.meta[META_KEY] = {"time": system}
    return data


_PIXEL_COMPONENTS = ("flux", "flux_err", "flux_bkg", "flux_bkg_err")


def pixels_to_data(pixel_file, label=None):
    """A 3-D glue Data (time, row, column) for a lightkurve target pixel file.

    Time is the world axis along the frames ("Time", days since the reference epoch in
    ``meta["glue_mast"]["time"]``), so the frames link on time with light curves; the
    components are ``flux``, ``flux_err``, ``flux_bkg`` and ``flux_bkg_err``, with units.
    """
    values, system = _time_system(pixel_file.time)
    data = Data(coords=TimeCubeCoordinates(values), label=label)
    for name in _PIXEL_COMPONENTS:
        cube = getattr(pixel_file, name, None)
        if cube is None or getattr(cube, "ndim", 0) != 3:
            continue
        cube_values, unit = _column_values(cube)
        _add(data, name, cube_values, unit)
    data.meta[META_KEY] = {"time": system}
    return data


# --- any product content -----------------------------------------------------------------------


def content_to_data(item):
    """glue Data for one :class:`glue_mast.io.ProductContent` (spectrum, 2-D spectrum, light
    curve, target pixel file, image or spectral cube).

    Returns
    -------
    list of `~glue.core.data.Data`
        Unlabelled; see :func:`describe` for labels and provenance. The rows of a 2-D
        spectrum have their index in ``meta["glue_mast"]["row"]``.

    Raises
    ------
    TypeError
        For content glue-mast does not turn into glue Data: a kind it does not know, or an
        image or cube it cannot make a glue Data of (a cube with no WCS a session can save);
        the message says which, for the file's list of what was not loaded.
    """
    from .images import cube_to_data, image_to_data

    kind = getattr(item.kind, "name", str(item.kind)).upper()
    if kind == "SPECTRUM":
        return spectrum_to_data(item.data)
    if kind == "SPECTRUM_2D":
        return [spectrum_2d_to_data(item.data)]
    if kind == "LIGHTCURVE":
        return [lightcurve_to_data(item.data)]
    if kind == "PIXELS":
        return [pixels_to_data(item.data)]
    shown = getattr(item.kind, "value", kind)
    article = "an" if shown[:1].lower() in "aeiou" else "a"
    holds = f"it holds {article} {shown}{f' ({item.part})' if item.part else ''}"
    try:
        if kind == "IMAGE":
            return [image_to_data(item.data)]
        if kind == "SPECTRAL_CUBE":
            return [cube_to_data(item.data, path=getattr(item, "path", None))]
    except ValueError as exc:  # skipped with the reason, beside the file's other content
        raise TypeError(f"{holds}, which glue cannot show: {exc}") from exc
    raise TypeError(f"{holds}, which glue-mast does not load into glue")


# --- labels and provenance -----------------------------------------------------------------------


def describe(
    data, *, label, record=None, manifest=None, item=None, of_file=None, queries=None
):
    """Give ``data`` its label and its provenance in ``meta``, keeping other glue-mast keys.

    ``of_file``: ``file_provenance(record, manifest, queries=queries)``, made once for the
    parts of a file; ``queries``: the queries of this load (see :func:`file_provenance`).
    """
    data.label = label
    kept = dict(data.meta.get(META_KEY) or {})
    kept.update(
        provenance(
            record, manifest=manifest, item=item, label=label, of_file=of_file, queries=queries
        )
    )
    if item is not None:
        kept["part"] = part_of(item, data)
    data.meta[META_KEY] = kept
    return data
