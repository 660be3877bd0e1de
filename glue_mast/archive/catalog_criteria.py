"""Criteria of catalog searches, checked against the catalog's own columns before any query.

- TIC, CTL and Disk Detective: MAST's portal filters, as for observations (lists are OR,
  ``[min, max]`` ranges, one ``*`` wildcard per text field), checked against the columns config
  astroquery fetches for the criteria service (:func:`fields`);
- PanSTARRS: MAST's catalogs service filters, checked against its column metadata: a number or
  text is an exact value, ``[min, max]`` a range of a numeric column (``column.gte`` and
  ``column.lte``, an open end given as None), a longer list any of its values;
- HSC: its service parameter ``magtype`` (1 for aperture, 2 for MagAuto magnitudes);
- Gaia, GALEX and HSC matches take none: MAST's services for them are cone (or MatchID) searches.
"""

from __future__ import annotations

from ..errors import InputError
from . import astroquery_adapter as adapter
from .criteria import canonical_name, normalise_criteria

__all__ = ["accepts_criteria", "fields", "normalise"]


def accepts_criteria(info):
    """Whether MAST searches this catalog by criteria (not only by position or MatchID)."""
    return info.criteria is not None or not info.counts


def fields(info, positional):
    """The columns config of ``info``'s criteria service (cached by astroquery per process)."""
    plain, with_position, config_name = info.criteria
    return adapter.catalog_criteria_fields(with_position if positional else plain, config_name)


def normalise(info, version, criteria, positional):
    """``criteria`` checked and put in the terms astroquery sends for ``info``'s service."""
    if not criteria:
        return {}
    if info.criteria is not None:
        return normalise_criteria(criteria, fields(info, positional))
    if version.astroquery_catalog == "Panstarrs":
        return _panstarrs(criteria, adapter.panstarrs_columns(version.label.lower()))
    out = {}
    for name, value in criteria.items():
        if name.lower() not in info.passthrough:
            others = "the TIC, CTL, Disk Detective and PanSTARRS"
            extra = f" (it takes only {', '.join(info.passthrough)})" if info.passthrough else ""
            raise InputError(
                f"MAST searches {info.name} by position only and takes no criterion "
                f"'{name}'{extra}; {others} take criteria",
                field=name,
                value=value,
            )
        if str(value).strip() not in ("1", "2"):
            raise InputError(
                f"magtype must be 1 (aperture magnitudes) or 2 (MagAuto), got {value!r}",
                field=name,
                value=value,
            )
        out[name.lower()] = int(str(value).strip())
    return out


# Database types of numeric columns in the catalogs service's metadata.
_NUMERIC_TYPES = {
    "NUMBER", "NUMERIC", "DECIMAL", "FLOAT", "DOUBLE", "REAL",
    "INT", "INTEGER", "BIGINT", "SMALLINT", "TINYINT", "LONG",
}  # fmt: skip


def _panstarrs(criteria, columns):
    out = {}
    for name, value in criteria.items():
        column = canonical_name(name, columns, what="PanSTARRS column")
        numeric = columns[column].upper() in _NUMERIC_TYPES
        values = list(value) if isinstance(value, (list, tuple)) else [value]
        if numeric:
            try:
                numbers = [None if v in (None, "") else float(v) for v in values]
            except (TypeError, ValueError):
                raise InputError(
                    f"{column} is numeric; give a number or a [min, max] range, got {value!r}",
                    field=name,
                    value=value,
                ) from None
            if len(numbers) == 2:
                lo, hi = numbers
                if lo is not None and hi is not None and lo > hi:
                    raise InputError(
                        f"{column} range {value!r} has its minimum above its maximum",
                        field=name,
                        value=value,
                    )
                bounds = [("gte", lo)] if lo is not None else []
                out[column] = bounds + ([("lte", hi)] if hi is not None else [])
                if not out[column]:
                    raise InputError(f"{column} range has no end", field=name, value=value)
            elif None in numbers:
                raise InputError(f"{column} has an empty value", field=name, value=value)
            else:
                out[column] = numbers[0] if len(numbers) == 1 else numbers
        else:
            out[column] = str(values[0]) if len(values) == 1 else [str(v) for v in values]
    return out
