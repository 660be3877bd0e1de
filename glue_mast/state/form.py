"""A search form's inputs in MAST's terms, each error tagged with the input it concerns.

A form has one widget per input (target, radius, collection, dates, ...). The archive layer
checks the same things but raises one error for the whole search; here every input is checked
on its own, so that the :class:`~glue_mast.errors.InputError` carries ``field`` = the input's
name and the form can show the message beside that widget.

Text inputs may hold several values separated by commas (``"COS/FUV, STIS/FUV-MAMA"``), which
MAST ORs. The date and wavelength ranges select observations that *overlap* them: an
observation taken (partly) between ``t_min`` and ``t_max``, or covering (part of)
``em_min``..``em_max``, which is what "data of this period / this band" means to a user.
"""

from __future__ import annotations

import contextlib

from ..errors import InputError

__all__ = [
    "CRITERIA_INPUTS",
    "INPUTS",
    "build_search",
    "concerning",
    "page_size",
    "split_values",
]

#: Inputs that name MAST observation fields directly.
DISCRETE_INPUTS = (
    "obs_collection",
    "instrument_name",
    "dataproduct_type",
    "calib_level",
    "proposal_id",
)
#: Every input that changes which observations match (a change clears the results).
CRITERIA_INPUTS = (
    "target",
    "coordinates",
    "radius",
    *DISCRETE_INPUTS,
    "t_min",
    "t_max",
    "em_min",
    "em_max",
    "extra_criteria",
    "sort",
)
#: Every input of the form, as saved by ``SearchState.as_dict``.
INPUTS = (*CRITERIA_INPUTS, "page", "page_size")


@contextlib.contextmanager
def concerning(field):
    """Tag an :class:`InputError` raised inside with the form input ``field`` it concerns.

    The archive names the MAST field an error is about (an unknown key of the extra
    criteria, a sort key); the form needs the input holding it, whose widget shows the
    message. The MAST name stays in the error's ``value`` and ``suggestions``.
    """
    try:
        yield
    except InputError as exc:
        if field is not None:
            exc.field = field
        raise


def split_values(value):
    """A form value as a list of values: ``"a, b"`` -> ``["a", "b"]``; empty -> ``[]``."""
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, (int, float)):
        return [value]
    return [v.strip() if isinstance(v, str) else v for v in value if str(v).strip()]


def _text(value):
    return "" if value is None else str(value).strip()


def _range_ends(name_lo, lo, name_hi, hi, fields, what):
    """Check the ends of a form range; returns the MAST criteria that select overlaps."""
    from ..archive.criteria import normalise_criteria

    # MAST's *_min / *_max fields are the start / end of each observation: one that
    # overlaps [lo, hi] ends after lo and starts before hi.
    lo, hi = _text(lo), _text(hi)
    values = {}
    with concerning(name_lo):
        if lo:
            values[name_lo] = normalise_criteria({name_lo: [lo, None]}, fields)[name_lo][0]
    with concerning(name_hi):
        if hi:
            values[name_hi] = normalise_criteria({name_hi: [None, hi]}, fields)[name_hi][1]
    if lo and hi and values[name_lo] > values[name_hi]:
        raise InputError(
            f"the {what} range is reversed: {lo} is after {hi}; put the earlier one first",
            field=name_lo,
        )
    criteria = {}
    if lo:
        criteria[name_hi] = [lo, None]
    if hi:
        criteria[name_lo] = [None, hi]
    return criteria


def criteria_from_inputs(inputs, fields):
    """The MAST criteria (``ObservationSearch`` keywords) a form's ``inputs`` ask for.

    Parameters
    ----------
    inputs : dict
        Input name -> value, as ``SearchState.as_dict`` gives them.
    fields : dict
        MAST's observation columns config (name -> config).
    """
    from ..archive.criteria import canonical_name, normalise_criteria

    criteria = {}
    for name in DISCRETE_INPUTS:
        values = split_values(inputs.get(name))
        if values:
            with concerning(name):
                normalise_criteria({name: values}, fields)
            criteria[name] = values if len(values) > 1 else values[0]
    criteria.update(
        _range_ends("t_min", inputs.get("t_min"), "t_max", inputs.get("t_max"), fields, "date")
    )
    criteria.update(
        _range_ends(
            "em_min", inputs.get("em_min"), "em_max", inputs.get("em_max"), fields, "wavelength"
        )
    )
    extra = inputs.get("extra_criteria") or {}
    with concerning("extra_criteria"):
        if not isinstance(extra, dict):
            raise InputError("extra criteria must be a mapping of MAST field to value(s)")
        for key, value in extra.items():
            field = canonical_name(str(key), fields)
            if field in criteria:
                raise InputError(
                    f"{field} is given twice: in the form and in the extra criteria; "
                    "keep one"
                )
            normalise_criteria({field: value}, fields)
            criteria[field] = value
    return criteria


def page_size(size):
    """The page size of a form as an int; an `InputError` on ``page_size`` if it is not one."""
    if isinstance(size, bool) or not str(size).strip().isdigit() or int(size) < 1:
        raise InputError(
            f"page size must be a positive whole number, got {size!r}", field="page_size"
        )
    return int(size)


def build_search(inputs, resolved=None):
    """An `~glue_mast.archive.search.ObservationSearch` for a form's ``inputs``.

    Parameters
    ----------
    inputs : dict
        The form's inputs (see `INPUTS`).
    resolved : tuple, optional
        ``(target, (SkyCoord, info))`` of a target resolved before; if the target is the
        same, it is not resolved again.

    Returns
    -------
    search : ObservationSearch
    resolved : tuple or None
        ``(target, (SkyCoord, info))`` for the next call, or None without a target.

    Raises
    ------
    InputError
        With ``field`` set to the input it concerns.
    """
    from ..archive.criteria import canonical_name
    from ..archive.lookup import observation_columns, resolve_target
    from ..archive.search import ObservationSearch, parse_coordinates, parse_radius

    target, coordinates = _text(inputs.get("target")), _text(inputs.get("coordinates"))
    if target and coordinates:
        raise InputError("give a target name or coordinates, not both", field="coordinates")
    positional = bool(target or coordinates)
    radius = None
    if positional:
        with concerning("radius"):
            radius = parse_radius(inputs.get("radius") or "")
    position = None
    if coordinates:
        with concerning("coordinates"):
            position = parse_coordinates(coordinates)
    page_size(inputs.get("page_size"))

    if target and (resolved is None or resolved[0] != target):
        # The field list is needed next: resolve_target fetches it while the name resolves.
        with concerning("target"):
            resolved = (target, resolve_target(target))
    fields = observation_columns()
    criteria = criteria_from_inputs(inputs, fields)
    if not positional and not criteria:
        raise InputError(
            "give a target, coordinates or at least one criterion (e.g. a collection)",
            field="target",
        )
    sort = split_values(inputs.get("sort"))
    sortable = set(fields) | ({"distance"} if positional else set())
    with concerning("sort"):
        for key in sort:
            canonical_name(str(key).lstrip("-"), sortable, what="sort field")

    with concerning(None):
        query = ObservationSearch(
            target or None,
            coordinates=position,
            radius=radius,
            sort=sort or None,
            resolved=resolved[1] if target else None,
            **criteria,
        )
    return query, (resolved if target else None)


def build_around(inputs, sources, radius=None):
    """A `~glue_mast.archive.multi_cone.MultiConeSearch` around ``sources`` with the criteria
    of a form's ``inputs`` (its target and coordinates are not used: the sources are the
    centres).

    Parameters
    ----------
    inputs : dict
        The form's inputs (see `INPUTS`).
    sources : list of (str, coordinates)
        Each source's label and position.
    radius : str or Quantity, optional
        Every cone's radius; default the form's ``radius``.
    """
    from ..archive.lookup import observation_columns
    from ..archive.multi_cone import MultiConeSearch
    from ..archive.search import parse_radius

    with concerning("radius"):
        radius = parse_radius(radius if radius not in (None, "") else inputs.get("radius") or "")
    page_size(inputs.get("page_size"))
    criteria = criteria_from_inputs(inputs, observation_columns())
    return MultiConeSearch(sources, radius=radius, **criteria)
