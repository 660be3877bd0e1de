"""Unit strings as MAST files write them, parsed by astropy where it can and by alias where not."""

from __future__ import annotations

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
    for fmt in ("fits", "generic"):
        try:
            return u.Unit(text, format=fmt)
        except ValueError:
            continue
    return default
