"""Small x/y arrays of a product file for a quick plot in a GUI preview.

A spectrum file gives wavelength and flux -- all its segments or orders together (its
``note`` says so), masked points left out; a 2-D spectrum or a cube is averaged over its
spatial axes first. A light
curve gives time and flux; a target pixel file the flux summed over its pixels per cadence.
What has two sky or slit axes also gives a small *picture*: a cube its white-light image (the
mean over wavelength), a 2-D spectrum itself with its *trace* (the row the source lies on, per
column), an image itself, each block-averaged to at most `PICTURE_SIZE` pixels a side.
Long arrays are decimated by keeping the lowest and the highest point of each bin, so that
narrow lines and transits, which plain striding would skip, stay in the preview.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import astropy.units as u
import numpy as np

from ..errors import InputError
from .content import ContentKind
from .registry import read

__all__ = ["PICTURE_SIZE", "Preview", "decimate", "preview_arrays"]

#: The most pixels a side of a preview picture.
PICTURE_SIZE = 256


@dataclass(frozen=True, eq=False)  # numpy arrays have no single truth value for ==
class Preview:
    """What a preview plot shows.

    Attributes
    ----------
    x, y : numpy.ndarray
        The points, at most ``max_points`` of them, finite, ``x`` increasing.
    x_unit, y_unit : str
        Their units as astropy writes them ("Angstrom", "erg / (Angstrom s cm2)", "d").
    x_label, y_label : str
        Axis titles ("Wavelength", "Flux", "Time (BTJD)", "PDCSAP flux").
    kind : ContentKind
        What the file holds (of its first item).
    title : str
        Telescope, instrument, setting and target, e.g. "HST COS G130M AV-456".
    picture : numpy.ndarray or None
        A 2-D array to show as an image (row 0 at the bottom): a cube's white-light image, a
        2-D spectrum (spatial rows, spectral columns), an image; None for 1-D data. An image
        has a picture and no points (``x`` and ``y`` empty).
    trace : numpy.ndarray or None
        For a 2-D spectrum, the picture row of the source's trace in each picture column
        (NaN where no flux).
    picture_label : str
        What the picture is ("White-light image", "2-D spectrum", "Image").
    note : str
        What the line joins, when a file holds several spectra ("8 echelle orders merged
        into one line", "2 segments (FUVB, FUVA) in one line"); "" for one.
    """

    x: np.ndarray
    y: np.ndarray
    x_unit: str
    y_unit: str
    x_label: str
    y_label: str
    kind: ContentKind
    title: str
    picture: np.ndarray | None = None
    trace: np.ndarray | None = None
    picture_label: str = ""
    note: str = ""


def _merged_note(items):
    """What a preview line of several spectra of one file joins ("" for one spectrum)."""
    parts = [str(item.part) for item in items if getattr(item, "part", None)]
    if len(items) < 2 or len(parts) < 2:
        return ""
    if all(part.startswith("order") for part in parts):
        # Echelle orders overlap at their ends: the line interleaves them, sorted by
        # wavelength, so it is a quick look, not a spliced spectrum.
        return f"{len(parts)} echelle orders merged into one line"
    named = ", ".join(parts[:4]) + (f" and {len(parts) - 4} more" if len(parts) > 4 else "")
    return f"{len(parts)} parts ({named}) in one line"


def decimate(x, y, max_points):
    """At most ``max_points`` of the points: the ends, and the lowest and highest of each bin.

    Parameters
    ----------
    x, y : numpy.ndarray
        Points ordered by ``x``.
    max_points : int
        At least 2.

    Returns
    -------
    x, y : numpy.ndarray
        The points kept, in their original order.
    """
    n = len(x)
    if n <= max_points:
        return x, y
    # The first and last points keep the plotted range; the rest is two points per bin.
    keep = {0, n - 1}
    edges = np.linspace(0, n, (max_points - 2) // 2 + 1).astype(int)
    for start, stop in zip(edges[:-1], edges[1:], strict=True):
        if stop > start:
            chunk = y[start:stop]
            keep.update((start + int(np.argmin(chunk)), start + int(np.argmax(chunk))))
    keep = np.asarray(sorted(keep))
    return x[keep], y[keep]


def _title(header):
    telescope, instrument = header.get("TELESCOP"), header.get("INSTRUME")
    # "TESS TESS Photometer" says the telescope twice.
    if telescope and instrument and str(instrument).startswith(str(telescope)):
        instrument = None
    parts = [telescope, instrument]
    for key in ("OPT_ELEM", "GRATING", "DISPERSN"):
        if header.get(key):
            parts.append(header[key])
            break
    parts.append(header.get("TARGNAME") or header.get("OBJECT"))
    if header.get("SECTOR") is not None:
        parts.append(f"sector {header['SECTOR']}")
    elif header.get("QUARTER") is not None:
        parts.append(f"quarter {header['QUARTER']}")
    elif header.get("CAMPAIGN") is not None:
        parts.append(f"campaign {header['CAMPAIGN']}")
    return " ".join(str(p) for p in parts if p not in (None, ""))


def _spectral_label(unit):
    physical = str(unit.physical_type)
    if "length" in physical:
        return "Wavelength"
    if "frequency" in physical:
        return "Frequency"
    if "energy" in physical:
        return "Energy"
    return "Spectral axis"


def _flux_label(unit):
    return "Surface brightness" if "sr" in unit.to_string() else "Flux"


def _readable_wavelength_unit(axis):
    """The unit to show a spectral axis in: its own, except metres (what astropy's WCS gives
    a cube's wavelengths whatever the file's CUNIT), shown in micron from 1 micron up and in
    Angstrom below, as the infrared and the ultraviolet/optical archives write them."""
    unit = axis.unit
    if unit != u.m or axis.size == 0:
        return unit
    middle = np.nanmedian(axis.to_value(u.m))
    return u.um if np.isfinite(middle) and middle >= 1e-6 else u.AA


def _spectrum_points(items):
    """Wavelength and flux of all spectra, in the first one's units (metres shown in micron
    or Angstrom), masked points dropped."""
    first = items[0].data
    x_unit, y_unit = _readable_wavelength_unit(first.spectral_axis), first.flux.unit
    xs, ys = [], []
    for item in items:
        spectrum = item.data
        flux = spectrum.flux
        mask = spectrum.mask
        if flux.ndim > 1:
            axis = spectrum.spectral_axis_index % flux.ndim
            spatial = tuple(i for i in range(flux.ndim) if i != axis)
            values = np.where(mask, np.nan, flux.value) if mask is not None else flux.value
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns
                flux = np.nanmean(values, axis=spatial) * flux.unit
            mask = None
        x = spectrum.spectral_axis.to_value(x_unit, equivalencies=u.spectral())
        y = flux.to_value(y_unit, equivalencies=u.spectral_density(spectrum.spectral_axis))
        good = np.isfinite(x) & np.isfinite(y)
        if mask is not None:
            good &= ~np.asarray(mask, dtype=bool)
        xs.append(x[good])
        ys.append(y[good])
    x, y = np.concatenate(xs), np.concatenate(ys)
    order = np.argsort(x, kind="stable")
    label = _spectral_label(x_unit), _flux_label(y_unit)
    return x[order], y[order], x_unit.to_string(), y_unit.to_string(), label


def _lightcurve_points(item):
    lc = item.data
    if item.kind is ContentKind.PIXELS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN cadences
            values = np.nansum(lc.flux.value, axis=(1, 2))
        flux_unit, y_label = lc.flux.unit, "Flux summed over pixels"
    else:
        values = np.asarray(lc.flux.value, dtype=float)
        flux_unit = lc.flux.unit
        origin = str(lc.meta.get("FLUX_ORIGIN") or "").replace("_flux", "").upper()
        y_label = f"{origin} flux" if origin else "Flux"
    x = np.asarray(lc.time.value, dtype=float)
    y = np.asarray(values, dtype=float)
    good = np.isfinite(x) & np.isfinite(y)
    order = np.argsort(x[good], kind="stable")
    time_label = f"Time ({lc.time.format.upper()})"
    return x[good][order], y[good][order], "d", flux_unit.to_string(), (time_label, y_label)


def _block_mean(array, size):
    """``array`` averaged over blocks so that neither side exceeds ``size`` (NaNs ignored)."""
    array = np.asarray(array, dtype=float)
    factors = [max(1, -(-n // size)) for n in array.shape]
    ny, nx = (n // f for n, f in zip(array.shape, factors, strict=True))
    if factors == [1, 1]:
        return array
    cut = array[: ny * factors[0], : nx * factors[1]]
    blocks = cut.reshape(ny, factors[0], nx, factors[1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN blocks
        return np.nanmean(blocks, axis=(1, 3))


def _masked_values(data, values):
    mask = getattr(data, "mask", None)
    values = np.asarray(values, dtype=float)
    if mask is not None and np.shape(mask) == values.shape:
        values = np.where(np.asarray(mask, dtype=bool), np.nan, values)
    return values


def _trace(picture):
    """Per column, the flux-weighted mean row of the positive flux (the source's trace)."""
    positive = np.where(np.isfinite(picture) & (picture > 0), picture, 0.0)
    total = positive.sum(axis=0)
    rows = np.arange(picture.shape[0], dtype=float)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (positive * rows).sum(axis=0) / total, np.nan)


def _picture(item):
    """``(picture, trace, label)`` of a cube, a 2-D spectrum or an image; Nones otherwise."""
    data = item.data
    if item.kind is ContentKind.SPECTRAL_CUBE:
        values = _masked_values(data, data.flux.value)
        axis = data.spectral_axis_index % values.ndim
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN spaxels
            white = np.nanmean(values, axis=axis)
        return _block_mean(white, PICTURE_SIZE), None, "White-light image"
    if item.kind is ContentKind.SPECTRUM_2D:
        values = _masked_values(data, data.flux.value)
        if data.spectral_axis_index % 2 == 0:
            values = values.T  # spatial rows, spectral columns
        picture = _block_mean(values, PICTURE_SIZE)
        return picture, _trace(picture), "2-D spectrum"
    if item.kind is ContentKind.IMAGE:
        return _block_mean(_masked_values(data, data.data), PICTURE_SIZE), None, "Image"
    return None, None, ""


def preview_arrays(path, max_points=2000, *, image_without_wcs=False):
    """The points of a quick plot of a product file.

    Parameters
    ----------
    path : str or pathlib.Path
        Any file `glue_mast.io.read` reads.
    max_points : int
        The most points returned (at least 2).
    image_without_wcs : bool
        Preview an image without a sky WCS as its pixels (``picture_label`` says so)
        instead of raising: for when MAST has no preview image of its own.

    Returns
    -------
    Preview

    Raises
    ------
    UnreadableProduct
        No reader takes the file.
    InputError
        ``max_points`` is below 2, or the file holds an image without a sky WCS (a raw
        frame), whose preview is MAST's preview image.
    """
    if int(max_points) < 2:
        raise InputError(f"max_points must be at least 2, not {max_points}.")
    items = read(path)
    kind = items[0].kind
    same = [item for item in items if item.kind is kind]
    if kind in (ContentKind.LIGHTCURVE, ContentKind.PIXELS):
        x, y, x_unit, y_unit, labels = _lightcurve_points(same[0])
    elif kind is ContentKind.IMAGE:
        if getattr(same[0].data, "wcs", None) is None and not image_without_wcs:
            # Raw frames and tables of pixels: MAST's own preview image says more.
            raise InputError(f"{items[0].path.name} is an image without a sky WCS; it has "
                             "no preview of its own.")
        unit = getattr(same[0].data, "unit", None)
        x, y, x_unit, y_unit = np.empty(0), np.empty(0), "", unit.to_string() if unit else ""
        labels = ("", "")
    else:
        x, y, x_unit, y_unit, labels = _spectrum_points(same)
    note = _merged_note(same) if kind is not ContentKind.IMAGE else ""
    x, y = decimate(x, y, int(max_points))
    picture, trace, picture_label = _picture(same[0])
    if kind is ContentKind.IMAGE and getattr(same[0].data, "wcs", None) is None:
        picture_label = "Image (its pixels: the file has no sky WCS)"
    return Preview(
        picture=picture,
        trace=trace,
        picture_label=picture_label,
        x=x,
        y=y,
        x_unit=x_unit,
        y_unit=y_unit,
        x_label=labels[0],
        y_label=labels[1],
        kind=kind,
        title=_title(items[0].header),
        note=note,
    )
