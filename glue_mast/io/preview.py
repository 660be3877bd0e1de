"""Small x/y arrays of a product file for a quick plot in a GUI preview.

A spectrum file gives wavelength and flux -- all its segments or orders together, masked
points left out; a 2-D spectrum or a cube is averaged over its spatial axes first. A light
curve gives time and flux; a target pixel file the flux summed over its pixels per cadence.
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

__all__ = ["Preview", "decimate", "preview_arrays"]


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
    """

    x: np.ndarray
    y: np.ndarray
    x_unit: str
    y_unit: str
    x_label: str
    y_label: str
    kind: ContentKind
    title: str


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


def _spectrum_points(items):
    """Wavelength and flux of all spectra, in the first one's units, masked points dropped."""
    first = items[0].data
    x_unit, y_unit = first.spectral_axis.unit, first.flux.unit
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


def preview_arrays(path, max_points=2000):
    """The points of a quick plot of a product file.

    Parameters
    ----------
    path : str or pathlib.Path
        Any file `glue_mast.io.read` reads.
    max_points : int
        The most points returned (at least 2).

    Returns
    -------
    Preview

    Raises
    ------
    UnreadableProduct
        No reader takes the file.
    InputError
        ``max_points`` is below 2, or the file holds an image, which has no x/y preview.
    """
    if int(max_points) < 2:
        raise InputError(f"max_points must be at least 2, not {max_points}.")
    items = read(path)
    kind = items[0].kind
    same = [item for item in items if item.kind is kind]
    if kind in (ContentKind.LIGHTCURVE, ContentKind.PIXELS):
        x, y, x_unit, y_unit, labels = _lightcurve_points(same[0])
    elif kind is ContentKind.IMAGE:
        raise InputError(f"{items[0].path.name} is an image; it has no x/y preview.")
    else:
        x, y, x_unit, y_unit, labels = _spectrum_points(same)
    x, y = decimate(x, y, int(max_points))
    return Preview(
        x=x,
        y=y,
        x_unit=x_unit,
        y_unit=y_unit,
        x_label=labels[0],
        y_label=labels[1],
        kind=kind,
        title=_title(items[0].header),
    )
