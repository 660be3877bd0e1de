"""Unit strings as MAST files write them, parsed by astropy where it can and by alias where not."""

from __future__ import annotations

import re
import warnings

import astropy.units as u

__all__ = ["FLAM", "parse_unit"]

#: erg / (s cm2 Angstrom), the flux density unit of HST, IUE and FUSE spectra.
FLAM = u.erg / (u.s * u.cm**2 * u.AA)

# Strings seen in MAST products that astropy does not parse: CALSPEC writes 'ANGSTROMS' and
# 'FLAM' (synphot's name for erg/s/cm2/A); calstis writes 'Angstroms' and 'Counts/s'.
_ALIASES = {
    "ANGSTROMS": u.AA,
    "ANGSTROM": u.AA,
    "FLAM": FLAM,
    "FNU": u.erg / (u.s * u.cm**2 * u.Hz),
    "COUNTS/S": u.count / u.s,
    "COUNTS": u.count,
    "ELECTRONS/S": u.electron / u.s,
    "ELECTRONS": u.electron,
    "PHOTLAM": u.photon / (u.s * u.cm**2 * u.AA),
}


def parse_unit(text, default=None):
    """The astropy unit a FITS unit string means, or ``default`` when it has none.

    Parameters
    ----------
    text : str or None
        A TUNIT or BUNIT value.
    default : astropy.units.UnitBase or None
        Returned for a missing, empty or unparseable string.

    Returns
    -------
    astropy.units.UnitBase or None
    """
    if text is None or not str(text).strip():
        return default
    text = str(text).strip()
    alias = _ALIASES.get(text.upper())
    if alias is not None:
        return alias
    unit = _parse(text)
    if unit is not None and u.A in unit.decompose().bases:
        # Spectra write 'A' for Angstrom ('erg/cm2/s/A'); astropy reads it as ampere.
        unit = _parse(_LONE_A.sub("Angstrom", text))
    return default if unit is None else unit


_LONE_A = re.compile(r"(?<![A-Za-z])A(?![A-Za-z])")


def _parse(text):
    with warnings.catch_warnings():
        # "multiple slashes" and similar style notes about strings we cannot change
        warnings.simplefilter("ignore", u.UnitsWarning)
        return _parse_quietly(text)


def _parse_quietly(text):
    for fmt in ("fits", "generic"):
        try:
            return u.Unit(text, format=fmt)
        except ValueError:
            continue
    # Upper-case spellings ('ERG/CM2/S/A') parse once lower-cased, except 'A' for Angstrom.
    lowered = _LONE_A.sub("Angstrom", text).lower().replace("angstrom", "Angstrom")
    if lowered != text:
        try:
            return u.Unit(lowered, format="generic")
        except ValueError:
            return None
    return None
