"""The values a search form offers for discrete fields (collections, instruments, ...).

MAST's ``Mast.Caom.All`` service answers with one histogram per facet column: every
``obs_collection``, ``instrument_name`` and ``dataproduct_type`` value the archive holds, with
its row count. astroquery's ``Observations.list_missions`` reads the collections out of the
same answer; :func:`facet_values` keeps the other facets too, from one request, and remembers
them per server so that reopening a form costs nothing. The request and the reading of MAST's
answer are in `glue_mast.archive.astroquery_adapter` (:func:`~.astroquery_adapter.caom_facets`),
with astroquery's other details.
"""

from __future__ import annotations

import threading

from .. import config
from . import astroquery_adapter as adapter

__all__ = ["clear_cache", "facet_values", "parse_facets"]

#: :func:`glue_mast.archive.astroquery_adapter.parse_facets`, by the name this module gave it.
parse_facets = adapter.parse_facets

_CACHE: dict[str, dict[str, list[str]]] = {}
_CACHE_LOCK = threading.Lock()


def facet_values():
    """Field -> sorted list of the values the configured server holds (one request per server).

    Returns
    -------
    dict
        E.g. ``{"obs_collection": ["FUSE", "HST", ...], "instrument_name": [...],
        "dataproduct_type": [...]}``: whichever facets the server's answer carries. Empty
        values (MAST's histogram has a ``""`` bucket for rows without one) are left out.
    """
    base = config.current_server()
    with _CACHE_LOCK:
        if base in _CACHE:
            return _CACHE[base]
    values = adapter.caom_facets()
    with _CACHE_LOCK:
        _CACHE[base] = values
    return values


def clear_cache():
    """Forget the facet values of every server (the next call asks again)."""
    with _CACHE_LOCK:
        _CACHE.clear()
