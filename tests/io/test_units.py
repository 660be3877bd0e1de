"""Unit strings from MAST files."""

import astropy.units as u
import pytest

from glue_mast.io.units import FLAM, parse_unit


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("angstrom", u.AA),
        ("Angstroms", u.AA),
        ("ANGSTROMS", u.AA),
        ("FLAM", FLAM),
        ("erg /s /cm**2 /angstrom", FLAM),
        ("erg/cm**2/s/Angstrom", FLAM),
        ("Counts/s", u.count / u.s),
        ("ELECTRONS/S", u.electron / u.s),
        ("MJy/sr", u.MJy / u.sr),
        ("um", u.um),
        ("Jy", u.Jy),
        # 'A' in a spectrum's unit is Angstrom, not ampere; upper case is read as lower.
        ("erg/cm2/s/A", FLAM),
        ("ERG/CM2/S/A", FLAM),
        ("A", u.AA),
    ],
)
def test_parse_unit(text, unit, recwarn):
    assert parse_unit(text) == unit
    assert not [w for w in recwarn if issubclass(w.category, u.UnitsWarning)]


def test_unparseable_or_missing_units_take_the_default():
    assert parse_unit("NONE SUCH", u.AA) is u.AA
    assert parse_unit("", FLAM) is FLAM
    assert parse_unit(None) is None
