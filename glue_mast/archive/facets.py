"""The values a search form offers for discrete fields (collections, instruments, ...).

MAST's ``Mast.Caom.All`` service answers with one histogram per facet column: every
``obs_collection``, ``instrument_name`` and ``dataproduct_type`` value the archive holds, with
its row count. astroquery's ``Observations.list_missions`` reads the collections out of the
same answer; :func:`facet_values` keeps the other facets too, from one request, and remembers
them per server so that reopening a form costs nothing.
"""

from __future__ import annotations

import threading

from .. import config
from . import astroquery_adapter as adapter

__all__ = ["clear_cache", "facet_values", "parse_facets"]

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
    mast_client = adapter.mast()
    with adapter.LOCK, adapter.astroquery_call("listing collections and instruments"):
        responses = mast_client.service_request_async("Mast.Caom.All", {}, format="extjs")
        answer = responses[0].json()
    values = parse_facets(answer, base)
    with _CACHE_LOCK:
        _CACHE[base] = values
    return values


def parse_facets(answer, server_url=""):
    """Field -> sorted values from a ``Mast.Caom.All`` answer (``format=extjs``)."""
    try:
        columns = answer["data"]["Tables"][0]["Columns"]
    except (KeyError, IndexError, TypeError):
        from ..errors import ServerError

        raise ServerError(
            f"{server_url or 'the server'} answered Mast.Caom.All without its facet table; "
            "is it a MAST server?"
        ) from None
    values = {}
    for column in columns:
        hist = (column.get("ExtendedProperties") or {}).get("histObj") or {}
        keys = [k for k in hist if k != "hist" and str(k).strip()]
        # Continuous columns carry min/max/type instead of values.
        if keys and not set(keys) <= {"min", "max", "type"}:
            values[column.get("text") or column.get("dataIndex")] = sorted(keys, key=str.lower)
    return values


def clear_cache():
    """Forget the facet values of every server (the next call asks again)."""
    with _CACHE_LOCK:
        _CACHE.clear()
