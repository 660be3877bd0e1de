"""Coordinates for glue Data that a glue session can save and restore.

glue-astronomy's specutils translator gives a 1-D spectrum the spectrum's own GWCS
(``specutils.utils.wcs_utils.SpectralGWCS``) as ``Data.coords``. glue has no saver for it, so a
session holding such a spectrum cannot be written; and glue-core's WCS autolinker crashes on a
pair of them (``wcs1.has_celestial`` in ``glue/plugins/wcs_autolinking/wcs_autolinking.py``,
glue-viz/glue#2595). glue-astronomy's own ``SpectralCoordinates`` saves no state, so it
cannot be restored either. :class:`SpectralAxisCoordinates` is that class with its state saved
(the axis values and their unit), a physical type and a world-axis name, and a lookup that also
works for a decreasing axis (a frequency-ordered spectrum).

:class:`SpectralImageCoordinates` does the same for 2-D spectra, :class:`TimeCubeCoordinates`
for the time axis of a target pixel file.

As low-level ``Coordinates`` (not high-level WCS) they are left alone by glue-core's WCS
autolinker; and for 1-D spectra ``data.get_object(Spectrum)`` keeps working through
glue-astronomy.
"""

from __future__ import annotations

import numpy as np
from astropy import units as u
from glue.core.coordinates import Coordinates
from glue_astronomy.spectral_coordinates import SpectralCoordinates

__all__ = [
    "SpectralAxisCoordinates",
    "SpectralImageCoordinates",
    "TimeCubeCoordinates",
    "spectral_axis_name",
    "spectral_world_id",
]

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


class SpectralImageCoordinates(Coordinates):
    """A 2-D spectrum's coordinates: a spectral axis along one array axis, pixels along the
    other (the cross-dispersion direction of a rectified slit spectrum, JWST ``s2d``).

    Saved and restored by glue sessions like :class:`SpectralAxisCoordinates`.

    Parameters
    ----------
    values : `~astropy.units.Quantity`
        The spectral axis, one value per pixel along ``spectral_axis_index``.
    spectral_axis_index : int
        The array axis (0 or 1) that is spectral.
    """

    def __init__(self, values, spectral_axis_index=1):
        if spectral_axis_index not in (0, 1):
            raise ValueError("a 2-D spectrum's spectral axis is array axis 0 or 1")
        self.spectral = SpectralAxisCoordinates(values)
        self.spectral_axis_index = int(spectral_axis_index)
        # APE 14 orders pixel axes the other way round from numpy's array axes.
        self._pixel_axis = 1 - self.spectral_axis_index
        super().__init__(n_dim=2)

    @property
    def spectral_axis(self):
        return self.spectral.spectral_axis

    def _both(self, spectral, other):
        return (spectral, other) if self._pixel_axis == 0 else (other, spectral)

    @property
    def world_axis_units(self):
        return self._both(self.spectral.world_axis_units[0], "")

    @property
    def world_axis_physical_types(self):
        return list(self._both(self.spectral.world_axis_physical_types[0], None))

    @property
    def world_axis_names(self):
        return list(self._both(self.spectral.world_axis_names[0], "Cross-dispersion"))

    @property
    def spectral_world_index(self):
        """The index of the spectral world axis (in APE 14 order)."""
        return self._pixel_axis

    def pixel_to_world_values(self, *pixel):
        pixel = [np.asarray(p, dtype=float) for p in pixel]
        spectral = self.spectral.pixel_to_world_values(pixel[self._pixel_axis])
        return self._both(spectral, pixel[1 - self._pixel_axis])

    def world_to_pixel_values(self, *world):
        world = [np.asarray(w, dtype=float) for w in world]
        spectral = self.spectral.world_to_pixel_values(world[self._pixel_axis])
        return self._both(spectral, world[1 - self._pixel_axis])

    @property
    def axis_correlation_matrix(self):
        return np.identity(2, dtype=bool)

    def __gluestate__(self, context):
        state = self.spectral.__gluestate__(context)
        state["spectral_axis_index"] = self.spectral_axis_index
        return state

    @classmethod
    def __setgluestate__(cls, rec, context):
        values = u.Quantity(context.object(rec["values"]), rec["unit"])
        return cls(values, rec["spectral_axis_index"])

    def __repr__(self):
        return (
            f"<SpectralImageCoordinates spectral array axis {self.spectral_axis_index}:"
            f" {self.spectral!r}>"
        )


#: Physical types (IVOA UCDs) of a spectral world axis in an astropy WCS.
_SPECTRAL_TYPES = ("em.wl", "em.freq", "em.energy", "em.wavenumber", "spect.dopplerVeloc")


def _wcs_spectral_world_id(data):
    """The spectral world axis of a glue-mast spectral cube (astropy WCS coordinates)."""
    from astropy.wcs import WCS

    from ..provenance.describe import META_KEY

    coords = data.coords
    if not isinstance(coords, WCS) or META_KEY not in data.meta or data.ndim != 3:
        return None
    types = coords.world_axis_physical_types
    found = [i for i, kind in enumerate(types) if str(kind).startswith(_SPECTRAL_TYPES)]
    if len(found) != 1 or len(data.world_component_ids) != len(types):
        return None
    # glue orders world components as array axes, the reverse of the WCS's order.
    return data.world_component_ids[len(types) - 1 - found[0]]


def spectral_world_id(data):
    """The ComponentID of a glue-mast dataset's spectral world axis, or None.

    For 1-D and 2-D spectra (glue-mast's own coordinates) and for glue-mast spectral cubes
    (an astropy WCS with one spectral axis).
    """
    coords = getattr(data, "coords", None)
    if isinstance(coords, SpectralAxisCoordinates) and data.world_component_ids:
        return data.world_component_ids[0]
    if isinstance(coords, SpectralImageCoordinates) and len(data.world_component_ids) == 2:
        # world_component_ids follow array axes
        return data.world_component_ids[coords.spectral_axis_index]
    if coords is not None and getattr(data, "meta", None) is not None:
        return _wcs_spectral_world_id(data)
    return None


class TimeCubeCoordinates(Coordinates):
    """A pixel file's coordinates: time along array axis 0 (one value per frame, in days since
    a reference epoch), pixel row and column along axes 1 and 2.

    Saved and restored by glue sessions (the times are saved with the session).

    Parameters
    ----------
    times : array-like
        Days since the reference epoch of the data's time system, one per frame.
    """

    def __init__(self, times):
        times = np.asarray(times, dtype=float)
        if times.ndim != 1:
            raise ValueError("a pixel file's times are one-dimensional")
        self._times = times
        self._frames = np.arange(len(times), dtype=float)
        # Frames without a time (NaN: a cadence the spacecraft lost) are left out of lookups.
        self._valid = np.isfinite(times)
        super().__init__(n_dim=3)

    @property
    def times(self):
        return self._times

    # APE 14 order: pixel and world axes are (column, row, time).
    @property
    def world_axis_units(self):
        return ("", "", "d")

    @property
    def world_axis_physical_types(self):
        return [None, None, "time"]

    @property
    def world_axis_names(self):
        return ["Column", "Row", "Time"]

    def pixel_to_world_values(self, *pixel):
        column, row, frame = (np.asarray(p, dtype=float) for p in pixel)
        frames, times = self._frames[self._valid], self._times[self._valid]
        time = np.interp(frame, frames, times, left=np.nan, right=np.nan)
        return column, row, time

    def world_to_pixel_values(self, *world):
        column, row, time = (np.asarray(w, dtype=float) for w in world)
        frames, times = self._frames[self._valid], self._times[self._valid]
        frame = np.interp(time, times, frames, left=np.nan, right=np.nan)
        return column, row, frame

    @property
    def axis_correlation_matrix(self):
        return np.identity(3, dtype=bool)

    def __gluestate__(self, context):
        return {"times": context.do(self._times)}

    @classmethod
    def __setgluestate__(cls, rec, context):
        return cls(context.object(rec["times"]))

    def __repr__(self):
        return f"<TimeCubeCoordinates {len(self._times)} frames>"
