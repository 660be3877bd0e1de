"""Queries stored once: a stable id for each query record, and a compact reference to it.

A products query names every observation it listed products for, so its record grows with
the search (a 10,000-observation search makes a record of about 140 KB). A manifest and a
session therefore keep each query record once, under its id, and a dataset's provenance
refers to the queries that selected it by :func:`reference`: the id and a short summary
(service, target, collection, criteria, counts) a person can read in ``meta["glue_mast"]``,
of a size that does not grow with the query. :func:`full_queries` gives back the whole
records, from the fetch's manifest, the session, or the queries this process has seen.

The id is the first 16 hex digits of the SHA-256 of the record's canonical JSON (sorted keys,
no spaces), so the same query gets the same id in every file and every process, and an id
read from a file is never trusted: it is computed again from the record it labels.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading

from ..errors import InputError

__all__ = [
    "ID_LENGTH",
    "full_queries",
    "gather",
    "is_reference",
    "query_id",
    "query_records",
    "read_queries",
    "recall",
    "reference",
    "remember",
    "shown_queries",
    "summary",
]

#: Hex digits of a query id (64 bits of its SHA-256: no two queries of a file share one).
ID_LENGTH = 16

# How much of a value a summary keeps: the first items of a list, the first keys of a dict,
# the start of a string, a few levels; so a summary's size is bounded whatever the query.
_ITEMS, _KEYS, _CHARS, _DEPTH = 5, 12, 120, 3
# Parts of a query record a summary leaves out: the criteria as sent repeat those given in
# MAST's terms, and the name resolver's answer is in the coordinates.
_NOT_SUMMARISED = ("criteria_sent", "resolved", "obsids")


def _canonical(query):
    return json.dumps(query, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def query_id(query):
    """The stable id of a query record: 16 hex digits of the SHA-256 of its canonical JSON.

    An ``id`` key in ``query`` (as a manifest writes it) is not part of the record.
    """
    if "id" in query:
        query = {k: v for k, v in query.items() if k != "id"}
    return hashlib.sha256(_canonical(query).encode("utf-8", "surrogatepass")).hexdigest()[
        :ID_LENGTH
    ]


def _compact(value, depth=0):
    if isinstance(value, str):
        return value if len(value) <= _CHARS else value[: _CHARS - 1] + "…"
    if isinstance(value, (list, tuple)):
        if depth >= _DEPTH:
            return f"({len(value)} values)"
        shown = [_compact(v, depth + 1) for v in value[:_ITEMS]]
        if len(value) > _ITEMS:
            shown.append(f"… ({len(value)} in all)")
        return shown
    if isinstance(value, dict):
        if depth >= _DEPTH:
            return f"({len(value)} fields)"
        keys = list(value)[:_KEYS]
        out = {str(k)[:_CHARS]: _compact(value[k], depth + 1) for k in keys}
        if len(value) > _KEYS:
            out["…"] = f"{len(value)} fields in all"
        return out
    return value


def summary(query):
    """What a person needs to recognise a query, in a size that does not grow with it.

    Service, target, position, the collection and criteria as given, counts, and for a
    product listing the number of observations it named (``obsids``: a count) and its
    filter; long lists, strings and dicts are cut short with how long they were.
    """
    out = {}
    criteria = query.get("criteria_given")
    if isinstance(criteria, dict) and criteria.get("obs_collection") is not None:
        out["collection"] = _compact(criteria["obs_collection"], 1)
    for key, value in query.items():
        if key in _NOT_SUMMARISED or key == "id":
            continue
        out[str(key)[:_CHARS]] = _compact(value, 1)
        if len(out) >= 2 * _KEYS:
            out["…"] = f"{len(query)} fields in all"
            break
    obsids = query.get("obsids")
    if isinstance(obsids, list):
        out["obsids"] = len(obsids)
    return out


def reference(query):
    """A dataset's reference to a query record: ``{"id": ..., "summary": {...}}``."""
    return {"id": query_id(query), "summary": summary(query)}


def is_reference(entry):
    """Whether a dataset's query entry is a reference (new records) rather than the whole
    query copied in (records written before queries were stored once)."""
    return isinstance(entry, dict) and set(entry) == {"id", "summary"}


def query_records(queries):
    """``queries`` (a ``{id: record}`` dict) as a manifest or session writes them: a list of
    the records, each with its ``id``."""
    return [{"id": qid, **query} for qid, query in queries.items()]


def read_queries(value, where):
    """The query records of a manifest's or session's ``queries``, as ``{id: record}``.

    Reads both shapes: a list of records each with its ``id`` (written now), or a list of
    records with none (written before queries were stored once). Ids are computed again from
    the records; a record given twice is kept once.

    Parameters
    ----------
    value : list or None
        What the file holds under ``queries``.
    where : str
        The file and field, for the message of an entry that is not a record.

    Raises
    ------
    InputError
        ``value`` is not a list, or holds something that is not a record.
    """
    if value is None:
        return {}
    if not isinstance(value, list):
        raise InputError(f"{where} is not a list of records")
    out = {}
    for index, entry in enumerate(value):
        if not isinstance(entry, dict):
            raise InputError(
                f"{where}[{index}] is not a query record (a JSON object) but a "
                f"{type(entry).__name__}"
            )
        record = {k: v for k, v in entry.items() if k != "id"}
        out.setdefault(query_id(record), record)
    return out


def gather(meta, store, unresolved, lookup=None):
    """The references to the queries a dataset's provenance names, each query's whole
    record put in ``store`` once: what a session saves.

    Parameters
    ----------
    meta : dict
        The dataset's provenance (``meta["glue_mast"]``).
    store : dict
        ``{id: record}`` the session keeps, added to.
    unresolved : dict
        ``{id: reference}`` of the references whose record is neither in ``store``, nor
        seen by this process (:func:`recall`), nor found by ``lookup``: added to.
    lookup : callable, optional
        ``lookup(id)``: the record from elsewhere (a fetch manifest beside the file), or None.

    Returns
    -------
    list of dict
        A reference (:func:`reference`) per query; a whole query copied in by a record
        written before queries were stored once becomes one, its record going to ``store``.
    """
    out = []
    for entry in meta.get("queries") or []:
        if not isinstance(entry, dict):
            continue
        if not is_reference(entry):
            record = {k: v for k, v in entry.items() if k != "id"}
            ref = reference(record)
            store.setdefault(ref["id"], record)
        else:
            ref = entry
            found = store.get(ref["id"]) or recall(ref["id"])
            if found is None and lookup is not None:
                found = lookup(ref["id"])
            if found is None:
                unresolved.setdefault(ref["id"], ref)
            else:
                store.setdefault(ref["id"], found)
        out.append(ref)
    return out


# -- the queries this process has seen ----------------------------------------------------

# Content-addressed (an id is the hash of its record), so an entry is always the record its
# id names, whoever put it there; a dataset names only the ids of the queries that selected
# it, so no dataset leads to another load's queries.
_seen: dict = {}
_seen_lock = threading.Lock()


def remember(queries):
    """Keep the records of ``queries`` (a ``{id: record}`` dict or a list of records) so
    that :func:`recall` and :func:`full_queries` find them by id in this process (a session
    saved later writes them)."""
    items = (
        queries.items()
        if isinstance(queries, dict)
        else ((query_id(q), q) for q in queries or [] if isinstance(q, dict))
    )
    with _seen_lock:
        for qid, record in items:
            _seen.setdefault(qid, record)


def recall(qid):
    """The query record of id ``qid`` this process has seen, or None."""
    return _seen.get(qid)


def _store_of(source):
    """``{id: record}`` of a manifest, a fetch result, a session's files, a path to one of
    those, a list of query records or such a dict."""
    if source is None:
        return {}
    if isinstance(source, dict):
        return source
    if isinstance(source, (str, os.PathLike)):
        from .session_files import read_records

        return _store_of(read_records(source, field="source"))
    if isinstance(source, list):
        return {query_id(q): q for q in source if isinstance(q, dict)}
    by_id = getattr(source, "queries_by_id", None)
    if isinstance(by_id, dict):
        return by_id
    queries = getattr(source, "queries", None)
    if queries is not None:
        return _store_of(list(queries))
    raise InputError(
        f"cannot look queries up in a {type(source).__name__}; give a Manifest, a FetchResult, "
        "a session's files, or the path of a manifest or Jdaviz session",
        field="source",
    )


def full_queries(meta, source=None):
    """The whole query records a dataset's provenance refers to.

    Parameters
    ----------
    meta : dict, glue Data, Spectrum or LightCurve
        The dataset's provenance (``data.meta["glue_mast"]``), or what holds it in ``meta``.
    source : optional
        Where the records are stored: the fetch's `~glue_mast.provenance.Manifest` or
        ``FetchResult``, a Jdaviz session's `~glue_mast.provenance.SessionFiles`, or the path
        of a manifest (a glue session's ``.provenance.json``) or a Jdaviz session. Without
        one (or for ids it lacks), the queries this process has loaded datasets with.

    Returns
    -------
    list of dict
        The records, in the order the provenance names them. A record written before queries
        were stored once holds the whole query itself, which is returned as it is.

    Raises
    ------
    InputError
        A query the provenance names is in neither ``source`` nor this process, naming its id.
    """
    from .describe import META_KEY

    record = getattr(meta, "meta", meta) or {}
    if META_KEY in record and isinstance(record[META_KEY], dict):
        record = record[META_KEY]
    store = _store_of(source)
    out = []
    for entry in record.get("queries") or []:
        if not is_reference(entry):
            out.append(entry)
            continue
        found = store.get(entry["id"]) or recall(entry["id"])
        if found is None:
            raise InputError(
                f"query {entry['id']} ({entry['summary'].get('service')}) is not in "
                f"{'the source given' if source is not None else 'this session'}; give the "
                "manifest of the fetch, or the session, that the dataset was loaded from",
                field="source",
                value=None if source is None else str(source),
            )
        out.append(found)
    return out


def shown_queries(meta, source=None):
    """The queries a dataset's provenance names, for showing to a person: whole where
    ``source`` or this process holds them (:func:`full_queries`), else each one's summary."""
    from ..errors import InputError

    try:
        return full_queries(meta, source)
    except InputError:
        from .describe import META_KEY

        record = getattr(meta, "meta", meta) or {}
        if isinstance(record.get(META_KEY), dict):
            record = record[META_KEY]
        return [q["summary"] if is_reference(q) else q
                for q in (record.get("queries") or []) if isinstance(q, dict)]
