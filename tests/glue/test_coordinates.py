import numpy as np
import pytest
from astropy import units as u
from glue.core import Data, DataCollection
from glue.core.state import GlueSerializer, GlueUnSerializer

from glue_mast.glue.coordinates import SpectralAxisCoordinates, spectral_axis_name


@pytest.mark.parametrize(
    ("unit", "name", "ucd"),
    [
        ("Angstrom", "Wavelength", "em.wl"),
        ("um", "Wavelength", "em.wl"),
        ("GHz", "Frequency", "em.freq"),
        ("keV", "Energy", "em.energy"),
        ("1/cm", "Wavenumber", "em.wavenumber"),
        ("km/s", "Velocity", "spect.dopplerVeloc"),
    ],
)
def test_axis_name_and_type_follow_the_unit(unit, name, ucd):
    coords = SpectralAxisCoordinates(np.arange(1.0, 4.0) * u.Unit(unit))
    assert spectral_axis_name(unit) == name
    assert coords.world_axis_names == [name]
    assert coords.world_axis_physical_types == [ucd]
    data = Data(coords=coords, flux=np.ones(3))
    assert [c.label for c in data.world_component_ids] == [name]


def test_pixel_world_both_ways_increasing_and_decreasing():
    up = SpectralAxisCoordinates(np.array([10.0, 20.0, 30.0]) * u.nm)
    down = SpectralAxisCoordinates(np.array([30.0, 20.0, 10.0]) * u.GHz)
    assert up.world_to_pixel_values(np.array([15.0, 30.0])).tolist() == [0.5, 2.0]
    assert down.world_to_pixel_values(np.array([25.0, 10.0])).tolist() == [0.5, 2.0]
    assert down.pixel_to_world_values(np.array([0.5])).tolist() == [25.0]
    assert np.isnan(up.world_to_pixel_values(np.array([5.0]))[0])


def test_session_round_trip_keeps_values_and_unit():
    coords = SpectralAxisCoordinates(np.array([1.5, 1.6, 1.8]) * u.um)
    dc = DataCollection([Data(coords=coords, flux=np.arange(3.0), label="s")])
    restored = GlueUnSerializer.loads(GlueSerializer(dc).dumps()).object("__main__")
    (data,) = restored
    assert isinstance(data.coords, SpectralAxisCoordinates)
    assert data.coords.spectral_axis.unit == u.um
    assert data[data.world_component_ids[0]].tolist() == [1.5, 1.6, 1.8]
    assert data.get_component(data.world_component_ids[0]).units == "um"


def test_rejects_a_2d_axis():
    with pytest.raises(ValueError, match="one-dimensional"):
        SpectralAxisCoordinates(np.ones((2, 2)) * u.nm)


@pytest.mark.parametrize("index", [0, 1])
def test_2d_spectrum_coordinates_either_axis_and_round_trip(index):
    from glue_mast.glue.coordinates import SpectralImageCoordinates, spectral_world_id

    wave = np.array([1.0, 2.0, 3.0, 4.0]) * u.um
    coords = SpectralImageCoordinates(wave, index)
    shape = (4, 2) if index == 0 else (2, 4)
    data = Data(coords=coords, flux=np.ones(shape), label="s2d")
    assert sorted(c.label for c in data.world_component_ids) == ["Cross-Dispersion", "Wavelength"]
    world = spectral_world_id(data)
    assert world.label == "Wavelength"
    assert data.get_component(world).units == "um"
    along = data[world].take(0, axis=1 - index)
    assert along.tolist() == [1.0, 2.0, 3.0, 4.0]
    assert np.all(data[world] == data[world].take([0], axis=1 - index))  # constant across
    restored = GlueUnSerializer.loads(GlueSerializer(DataCollection([data])).dumps())
    (back,) = restored.object("__main__")
    assert isinstance(back.coords, SpectralImageCoordinates)
    assert back.coords.spectral_axis_index == index
    assert np.array_equal(back[spectral_world_id(back)], data[world])
