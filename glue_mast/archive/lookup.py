"""Looking things up on the server: its collections, its observation fields, target names,
and observations by obsid; and checking names a user gave against them.
"""

from __future__ import annotations

from ..errors import GlueMastError, InputError
from . import astroquery_adapter as adapter

__all__ = [
    "collections",
    "observation_columns",
    "observation_fields",
    "observations_by_obsid",
    "resolve_target",
    "unknown_collections",
]


def collections():
    """The collections (missions) the configured MAST server holds, from the server itself."""
    return adapter.list_missions()


def resolve_target(name):
    """Resolve a target name with MAST's name lookup on the configured server.

    MAST's observation field list is fetched at the same time, since a search needs it next.

    Returns
    -------
    coord : `~astropy.coordinates.SkyCoord`
    info : dict
        The resolver's answer (canonical name, resolver, object type).

    Raises
    ------
    `~glue_mast.errors.ResolveError`
        For a name the resolver does not know.
    """
    adapter.prefetch_column_configs("observations")
    return adapter.resolve(name)


def observation_columns():
    """MAST's observation fields, name -> column config (type, unit, separator...), as
    criteria are checked against them; fetched once per process."""
    return adapter.observation_columns()


def observation_fields():
    """MAST's observation fields: name -> description, type and unit, from the server."""
    from .criteria import field_kind

    return {
        name: {
            "kind": field_kind(cfg),
            "unit": cfg.get("vot.unit") or cfg.get("unit"),
            "description": cfg.get("vot.description", ""),
        }
        for name, cfg in adapter.observation_columns().items()
    }


def unknown_collections(names):
    """An `InputError` for each of ``names`` that is not a collection the server holds.

    Each names the closest collections in ``suggestions`` (``field`` is ``obs_collection``).
    An empty result is often a misspelt collection: this says which. Wildcard patterns are
    not judged, and nothing is said when the server's list cannot be had.

    Parameters
    ----------
    names : str or list of str
        Collection names as given (``obs_collection`` criteria).

    Returns
    -------
    list of `~glue_mast.errors.InputError`
    """
    from .criteria import closest_fields

    names = [names] if isinstance(names, str) else list(names or [])
    names = [n for n in names if "*" not in n and "%" not in n]
    if not names:
        return []
    try:
        known = collections()
    except GlueMastError:
        return []
    lowered = {k.lower() for k in known}
    problems = []
    for name in names:
        if name.lower() in lowered:
            continue
        close = closest_fields(name, known)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        problems.append(
            InputError(
                f"{name!r} is not a collection this server holds{hint}",
                field="obs_collection",
                value=name,
                suggestions=close,
            )
        )
    return problems


def observations_by_obsid(obsids):
    """The observations with these obsids, as a search's rows; one round trip.

    Raises
    ------
    `~glue_mast.errors.InputError`
        For an obsid that is not a number, or naming every obsid the server does not know
        (``field`` ``obsid``).
    """
    from .products import obsid_list
    from .search import search

    wanted = obsid_list(obsids)
    rows = search(obsid=wanted).all()
    missing = sorted(set(wanted) - {str(o) for o in rows["obsid"]})
    if missing:
        raise InputError(
            f"MAST knows no observation with obsid {', '.join(missing)}",
            field="obsid",
            value=missing[0] if len(missing) == 1 else missing,
        )
    return rows
