"""Search criteria: check them against MAST's own field list and put them in MAST's terms.

MAST's observation fields are discrete (lists are OR, strings may hold one ``*``/``%``
wildcard) or continuous (a ``[min, max]`` range). Users also expect to write dates and
wavelengths the way they think of them, so:

- ``t_min``, ``t_max``, ``t_obs_release`` accept ISO dates and times, `~astropy.time.Time` and
  `datetime` as well as MJD numbers;
- ``em_min``, ``em_max`` accept any spectral quantity (``"300 nm"``, ``"1.2 um"``,
  ``"1500 Angstrom"``, ``"2 eV"``) as well as numbers in nm, MAST's unit;
- other continuous fields with a unit in MAST's column list (``s_ra``, ``t_exptime``, ...)
  accept quantities in any compatible unit;
- a range is ``[min, max]``, or ``"min..max"`` on the command line, with either end open
  (``None`` or empty).

Everything is checked before any query is sent: an unknown field names the closest valid
ones, and a value of the wrong type says what was expected.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from numbers import Number

from ..errors import InputError, UnknownFieldError

__all__ = ["FieldKind", "field_kind", "normalise_criteria", "parse_cli_value"]

TIME_FIELDS = ("t_min", "t_max", "t_obs_release")
WAVELENGTH_FIELDS = ("em_min", "em_max")
# Open range ends: MAST takes only numbers, so an open end is a number beyond any value.
_OPEN = 1e30


class FieldKind:
    CONTINUOUS = "continuous"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    TEXT = "text"


def field_kind(cfg):
    """How MAST treats a column, from its entry in the columns config."""
    datatype = str(cfg.get("vot.datatype", cfg.get("type", ""))).lower()
    if datatype in ("double", "float", "numeric", "decimal") or cfg.get("treatNumeric"):
        return FieldKind.CONTINUOUS
    if datatype in ("int", "long", "short", "integer", "number"):
        return FieldKind.INTEGER
    if datatype == "boolean":
        return FieldKind.BOOLEAN
    return FieldKind.TEXT


def closest_fields(name, fields, n=3):
    """Up to ``n`` valid field names closest to ``name``."""
    lowered = {f.lower(): f for f in fields}
    hits = difflib.get_close_matches(name.lower(), list(lowered), n=n, cutoff=0.5)
    if not hits:
        hits = [f for f in lowered if name.lower() in f or f in name.lower()][:n]
    return [lowered[h] for h in hits]


def unknown_field_error(name, fields, what="criteria field", field=None):
    """An `UnknownFieldError` for ``name``, suggesting the closest of ``fields``.

    ``field`` is the input the name was given for (``"sort"``, ``"columns"``); by default the
    name itself, as for a criterion or a product filter.
    """
    close = closest_fields(name, fields)
    hint = f"did you mean {', '.join(close)}?" if close else "no valid name is close to it"
    return UnknownFieldError(
        f"unknown {what} '{name}'; {hint}",
        field=name if field is None else field,
        value=name,
        suggestions=close,
    )


def canonical_name(name, fields, what="criteria field", field=None):
    """The field's exact MAST spelling (lookup is case-insensitive).

    Raises `UnknownFieldError` (see `unknown_field_error`) for a name not in ``fields``.
    """
    if name in fields:
        return name
    for f in fields:
        if f.lower() == name.lower():
            return f
    raise unknown_field_error(name, fields, what, field)


def parse_cli_value(text):
    """``FIELD=VALUE`` values from the command line: ``a,b`` is a list, ``a..b`` a range."""
    text = text.strip()
    if ".." in text and not text.startswith(("http", "mast:")):
        lo, _, hi = text.partition("..")
        return [lo.strip() or None, hi.strip() or None]
    if "," in text:
        return [v.strip() for v in text.split(",") if v.strip()]
    return text


def normalise_criteria(criteria, fields):
    """Check ``criteria`` against MAST's ``fields`` and convert them for astroquery.

    Parameters
    ----------
    criteria : dict
        Field name -> value(s), as the user gave them.
    fields : dict
        MAST's observation columns config (name -> config).

    Returns
    -------
    dict
        Field (exact MAST spelling) -> value astroquery's ``query_criteria`` accepts:
        ``[min, max]`` numbers for continuous fields, a list of strings otherwise.
    """
    out = {}
    for name, value in criteria.items():
        field = canonical_name(name, fields)
        kind = field_kind(fields[field])
        try:
            if kind == FieldKind.CONTINUOUS:
                out[field] = _range(field, value, fields[field])
            else:
                out[field] = _discrete(field, value, kind)
        except InputError as exc:
            # The raisers below know the bad value; the field is named as the user gave it.
            exc.field = name
            raise
    return out


def _as_list(value, field):
    if isinstance(value, Mapping):
        # Iterating a dict gives its keys: {'a': 1} would quietly be sent as 'a'.
        raise InputError(
            f"{field} takes a value or a list of values, not a {type(value).__name__} "
            f"({value!r})",
            value=value,
        )
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        return [value]
    return list(value)


def _discrete(field, value, kind):
    values = _as_list(value, field)
    if not values:
        raise InputError(f"{field} needs at least one value", value=value)
    out = []
    wildcards = 0
    for v in values:
        if kind == FieldKind.INTEGER:
            if isinstance(v, bool) or not _is_integer(v):
                raise InputError(
                    f"{field} takes whole numbers (e.g. {field}=2 or {field}=2,3), not {v!r}",
                    value=v,
                )
            out.append(str(int(float(v))))
        elif kind == FieldKind.BOOLEAN:
            text = str(v).strip().lower()
            if text not in ("true", "false", "1", "0", "yes", "no"):
                raise InputError(f"{field} takes true or false, not {v!r}", value=v)
            out.append("true" if text in ("true", "1", "yes") else "false")
        else:
            if (
                v is None
                or not isinstance(v, (str, Number))
                or isinstance(v, bool)
                or (isinstance(v, float) and math.isnan(v))
            ):
                # Anything else would be sent as its repr: "{'a': 1}", "b'x'", "True".
                raise InputError(f"{field} needs text values, not {v!r}", value=v)
            text = str(v).strip()
            if not text:
                raise InputError(f"{field} has an empty value", value=v)
            if "*" in text or "%" in text:
                wildcards += 1
            out.append(text)
    if wildcards > 1:
        raise InputError(
            f"{field} can take only one wildcard value (MAST's limit); give the "
            "others exactly or search once per pattern",
            value=value,
        )
    return out


def _is_integer(v):
    if isinstance(v, Number):
        return float(v).is_integer()
    try:
        return float(str(v).strip()).is_integer()
    except ValueError:
        return False


def _range(field, value, cfg):
    if isinstance(value, str) and ".." in value:
        value = parse_cli_value(value)
    values = _as_list(value, field)
    if len(values) == 1 and hasattr(values[0], "unit") and getattr(values[0], "size", 1) == 2:
        values = list(values[0])  # a Quantity [min, max]
    if len(values) != 2:
        # A value that is wrong in itself ("notadate") is the mistake to report first.
        for v in values:
            _number(field, v, cfg, None)
        raise InputError(
            f"{field} is a range: give [min, max] (or 'MIN..MAX'; either end may be left "
            "open)",
            value=value,
        )
    lo, hi = (_number(field, v, cfg, end) for v, end in zip(values, (-_OPEN, _OPEN), strict=True))
    if lo > hi:
        raise InputError(
            f"{field} range is reversed: {values[0]} is after {values[1]}", value=value
        )
    return [lo, hi]


def _number(field, v, cfg, open_end):
    if v is None or (isinstance(v, str) and not v.strip()):
        return open_end
    if field in TIME_FIELDS:
        return _mjd(field, v)
    if field in WAVELENGTH_FIELDS:
        return _converted(field, v, "nm", spectral=True)
    unit = cfg.get("vot.unit") or cfg.get("unit")
    if unit and unit not in ("d",):
        return _converted(field, v, unit)
    return _plain_number(field, v)


def _plain_number(field, v):
    if isinstance(v, bool):
        raise InputError(f"{field} takes numbers, not {v!r}", value=v)
    try:
        number = float(v)
    except (TypeError, ValueError):
        raise InputError(f"{field} takes numbers, not {v!r}", value=v) from None
    if math.isnan(number):
        raise InputError(f"{field} takes numbers, not NaN", value=v)
    return number


def _mjd(field, v):
    import datetime

    from astropy.time import Time

    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    try:
        return float(str(v).strip())
    except ValueError:
        pass
    try:
        if isinstance(v, (datetime.date, datetime.datetime)):
            return float(Time(v).mjd)
        return float(Time(v).mjd if isinstance(v, Time) else Time(str(v).strip()).mjd)
    except (ValueError, TypeError):
        raise InputError(
            f"{v!r} is not a date: {field} takes dates (e.g. 2010-01-01 or "
            "2010-01-01T12:00:00) or MJD numbers",
            value=v,
        ) from None


def _converted(field, v, unit, spectral=False):
    import astropy.units as u

    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return _plain_number(field, v)
    try:
        q = u.Quantity(v)
    except (TypeError, ValueError):
        raise InputError(
            f"{field} takes a number in {unit} or a quantity with units "
            f"(e.g. '{_example(field, unit)}'), not {v!r}",
            value=v,
        ) from None
    if q.unit == u.dimensionless_unscaled:
        return _plain_number(field, q.value)
    try:
        value = q.to_value(unit, equivalencies=u.spectral() if spectral else [])
    except u.UnitConversionError:
        raise InputError(
            f"{field} is in {unit}; {v!r} cannot be converted to it", value=v
        ) from None
    # Unit scale factors are inexact in binary (1 um is 999.9999999999999 nm); 12
    # significant digits keep every physical digit and drop the noise.
    return float(f"{value:.12g}")


def _example(field, unit):
    return {"nm": "300 nm", "deg": "12.5 deg", "s": "1000 s", "arcsec": "30 arcsec"}.get(
        unit, f"1 {unit}"
    )
