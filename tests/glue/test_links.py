import numpy as np
import pytest
from astropy import units as u
from glue.core import DataCollection
from glue.core.application_base import Application
from glue.core.state import GlueSerializer, GlueUnSerializer
from glue.core.subset import RangeSubsetState

from glue_mast.glue.data import lightcurve_to_data, spectrum_to_data
from glue_mast.glue.links import (
    SpectralAxisLink,
    TimeAxisLink,
    link_datasets,
    spectral_axis_autolink,
    time_axis_autolink,
)


def _round_trip(obj):
    return GlueUnSerializer.loads(GlueSerializer(obj).dumps()).object("__main__")


def _selected(data, subset_state, cid):
    return data[cid][data.get_mask(subset_state)].tolist()


def _spectra(angstrom_and_micron):
    a, b = angstrom_and_micron
    (A,) = spectrum_to_data(a, "A")
    (B,) = spectrum_to_data(b, "B")
    return A, B


def test_range_in_angstrom_selects_the_right_micron_points(angstrom_and_micron):
    A, B = _spectra(angstrom_and_micron)
    dc = DataCollection([A, B])
    (link,) = link_datasets(dc)
    assert isinstance(link, SpectralAxisLink)
    state = RangeSubsetState(5210, 5390, A.id["Wavelength"])
    assert A.get_mask(state).sum() == 19
    assert _selected(B, state, B.id["Wavelength"]) == pytest.approx([0.525, 0.53, 0.535])
    # and the other way: a range in micron on B selects Angstrom points of A
    back = RangeSubsetState(0.5995, 0.6095, B.id["Wavelength"])
    assert _selected(A, back, A.id["Wavelength"]) == pytest.approx(np.arange(6000, 6100, 10))


def test_link_and_subset_survive_a_session(angstrom_and_micron):
    A, B = _spectra(angstrom_and_micron)
    app = Application(DataCollection([A, B]))
    link_datasets(app.data_collection)
    line = RangeSubsetState(5210, 5390, A.id["Wavelength"])
    app.data_collection.new_subset_group("line", line)
    restored = _round_trip(app)
    dc = restored.data_collection
    A2, B2 = dc["A"], dc["B"]
    (link,) = dc.external_links
    assert isinstance(link, SpectralAxisLink)
    assert (link.unit1, link.unit2) == (u.AA, u.um)
    state = dc.subset_groups[0].subset_state
    assert A2.get_mask(state).sum() == 19
    assert _selected(B2, state, B2.id["Wavelength"]) == pytest.approx([0.525, 0.53, 0.535])
    # a new subset after the restore, too
    fresh = RangeSubsetState(5210, 5390, A2.id["Wavelength"])
    assert _selected(B2, fresh, B2.id["Wavelength"]) == pytest.approx([0.525, 0.53, 0.535])


# THz, eV and 1/cm make decreasing axes: they fall as the wavelength grows.
@pytest.mark.parametrize("unit", ["nm", "THz", "eV", "1/cm"])
def test_spectral_equivalencies(new_spectrum, unit):
    A = spectrum_to_data(new_spectrum(np.linspace(4000, 7000, 301) * u.AA), "A")[0]
    axis = (np.linspace(500, 1000, 101) * u.nm).to(unit, equivalencies=u.spectral())
    B = spectrum_to_data(new_spectrum(axis, mask=False), "B")[0]
    link_datasets(DataCollection([A, B]))
    state = RangeSubsetState(5210, 5390, A.world_component_ids[0])
    got = _selected(B, state, B.world_component_ids[0])
    got_nm = (np.array(got) * u.Unit(unit)).to_value(u.nm, equivalencies=u.spectral())
    assert sorted(got_nm) == pytest.approx([525.0, 530.0, 535.0])


def test_incompatible_units_are_not_linked(new_spectrum):
    A = spectrum_to_data(new_spectrum(np.linspace(1, 2, 5) * u.um), "A")[0]
    B = spectrum_to_data(new_spectrum(np.arange(5.0) * u.pix), "B")[0]
    with pytest.raises(ValueError, match="cannot link a spectral axis in um with one in pix"):
        SpectralAxisLink(
            data1=A, data2=B, cids1=A.world_component_ids, cids2=B.world_component_ids
        )
    assert spectral_axis_autolink(DataCollection([A, B])) == []


def test_autolink_links_each_new_spectrum_once(new_spectrum):
    specs = [
        spectrum_to_data(new_spectrum(np.linspace(1, 2, 5) * u.um), f"S{i}")[0] for i in range(3)
    ]
    dc = DataCollection(specs[:2])
    assert len(link_datasets(dc)) == 1
    assert link_datasets(dc) == []  # nothing new to suggest
    dc.append(specs[2])
    (link,) = spectral_axis_autolink(dc)
    assert (link.data1.label, link.data2.label) == ("S0", "S2")


def test_kepler_and_tess_times_link_through_bjd(new_lightcurve):
    # The same instant: BKJD 2200 = BJD 2457033 = BTJD 33.
    kepler = lightcurve_to_data(new_lightcurve([2199.0, 2200.0, 2201.0], "bkjd"), "kepler")
    tess = lightcurve_to_data(new_lightcurve([32.5, 33.0, 33.5, 40.0], "btjd"), "tess")
    dc = DataCollection([kepler, tess])
    (link,) = link_datasets(dc)
    assert isinstance(link, TimeAxisLink)
    state = RangeSubsetState(2199.9, 2200.6, kepler.id["time"])
    assert _selected(tess, state, tess.id["time"]) == [33.0, 33.5]
    restored = _round_trip(dc)
    k2, t2 = restored["kepler"], restored["tess"]
    state = RangeSubsetState(2199.9, 2200.6, k2.id["time"])
    assert _selected(t2, state, t2.id["time"]) == [33.0, 33.5]


def test_time_scales_are_converted(new_lightcurve):
    link = TimeAxisLink.__new__(TimeAxisLink)
    tdb = {"reference_jd": 2457000.0, "scale": "tdb", "format": "btjd"}
    utc = {"reference_jd": 2400000.5, "scale": "utc", "format": "mjd"}
    link.system1, link.system2 = tdb, utc
    mjd_utc = link.forwards(np.array([1000.0]))[0]
    # TDB - UTC was 69.184 s in 2017-2018 (37 leap seconds + 32.184 s)
    offset_seconds = (mjd_utc - (1000.0 + 2457000.0 - 2400000.5)) * 86400
    assert offset_seconds == pytest.approx(-69.184, abs=2e-3)
    assert link.backwards(np.array([mjd_utc]))[0] == pytest.approx(1000.0, abs=1e-9)


def test_time_autolink_needs_two_light_curves(new_lightcurve, new_spectrum):
    lc = lightcurve_to_data(new_lightcurve([1.0, 2.0], "btjd"), "lc")
    spec = spectrum_to_data(new_spectrum(np.linspace(1, 2, 5) * u.um), "s")[0]
    assert time_axis_autolink(DataCollection([lc, spec])) == []
