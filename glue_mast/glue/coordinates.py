"""Spectral coordinates for glue Data that a glue session can save and restore.

glue-astronomy's specutils translator gives a 1-D spectrum the spectrum's own GWCS
(``specutils.utils.wcs_utils.SpectralGWCS``) as ``Data.coords``. glue has no saver for it, so a
session holding such a spectrum cannot be written; and glue-core's WCS autolinker crashes on a
pair of them (``wcs1.has_celestial`` in ``glue/plugins/wcs_autolinking/wcs_autolinking.py``,
glue-viz/glue#2595). glue-astronomy's own ``SpectralCoordinates`` saves no state, so it
cannot be restored either. :class:`SpectralAxisCoordinates` is that class with its state saved
(the axis values and their unit), a physical type and a world-axis name, and a lookup that also
works for a decreasing axis (a frequency-ordered spectrum).

As a low-level ``Coordinates`` (not a high-level WCS) it is left alone by glue-core's WCS
autolinker, and ``data.get_object(Spectrum)`` keeps working through glue-astronomy.
"""

from __future__ import annotations

import numpy as np
from astropy import units as u
from glue_astronomy.spectral_coordinates import SpectralCoordinates

__all__ = ["SpectralAxisCoordinates", "spectral_axis_name"]

# Physical type of the unit -> (IVOA UCD, world axis name).
_AXIS_KINDS = {
    "length": ("em.wl", "Wavelength"),
    "frequency": ("em.freq", "Frequency"),
    "energy": ("em.energy", "Energy"),
    "wavenumber": ("em.wavenumber", "Wavenumber"),
    "speed": ("spect.dopplerVeloc", "Velocity"),
}


def _axis_kind(unit):
    physical = str(u.Unit(unit).physical_type)
    for name, kind in _AXIS_KINDS.items():
        if name in physical.split("/"):
            return kind
    return (None, "Spectral axis")


def spectral_axis_name(unit):
    """The world-axis name glue shows for a spectral axis in ``unit`` ("Wavelength", ...)."""
    return _axis_kind(unit)[1]


class SpectralAxisCoordinates(SpectralCoordinates):
    """A 1-D spectral axis given by its values, which a glue session saves and restores.

    Parameters
    ----------
    values : `~astropy.units.Quantity`
        The spectral axis, one value per pixel, increasing or decreasing.
    """

    def __init__(self, values):
        values = u.Quantity(values)
        if values.ndim != 1:
            raise ValueError("a spectral axis is one-dimensional")
        super().__init__(values)
        # np.interp needs increasing sample points: look a decreasing axis up reversed.
        self._decreasing = len(values) > 1 and values.value[0] > values.value[-1]

    @property
    def world_axis_units(self):
        # astropy's generic format: VOUnit warns that "Angstrom" is deprecated there.
        return (self._values.unit.to_string(),)

    @property
    def world_axis_physical_types(self):
        return [_axis_kind(self._values.unit)[0]]

    @property
    def world_axis_names(self):
        return [_axis_kind(self._values.unit)[1]]

    def world_to_pixel_values(self, *world):
        if len(world) > 1:
            raise ValueError("a spectral axis takes one array of world values")
        if not self._decreasing:
            return super().world_to_pixel_values(*world)
        return np.interp(
            world[0], self._values.value[::-1], self._index[::-1], left=np.nan, right=np.nan
        )

    def __gluestate__(self, context):
        return {
            "values": context.do(np.asarray(self._values.value)),
            "unit": self._values.unit.to_string(),
        }

    @classmethod
    def __setgluestate__(cls, rec, context):
        return cls(u.Quantity(context.object(rec["values"]), rec["unit"]))

    def __repr__(self):
        v = self._values
        return (
            f"<SpectralAxisCoordinates {len(v)} values, {v.value[0]:g}..{v.value[-1]:g} "
            f"{v.unit.to_string()}>"
        )
