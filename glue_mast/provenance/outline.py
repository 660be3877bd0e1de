"""A dataset's provenance record as an outline a person reads: sections of named values.

The record glue-mast keeps with each dataset (``meta["glue_mast"]``, see
`glue_mast.provenance.describe`) is plain JSON made for programs; a front end that shows it
as one dict is unreadable (a long line of nested braces). :func:`outline` turns it into a few
sections, in the order a person asks: what the dataset is, which observation it comes from,
the file (with its checksum and whether it was checked, its DOI), the searches that found it,
the rest of the file's MAST record, and the file's header keywords. Values that have a web
page carry its address: the file's download from the MAST server it came from, its DOI.

Every front end draws this one outline (the Jdaviz plugin's Provenance section, glue-qt's
"View MAST provenance…"), so both say the same thing in the same words.

Each node is a plain dict: ``name``, ``value`` (text, "" for a section), ``link`` (an
address, or "") and ``children`` (nodes), so any front end can draw it as a tree.
"""

from __future__ import annotations

import datetime

from ..config import download_url
from ..util import format_size
from .queries import shown_queries
from .selection import NOT_CHECKED, PRODUCTS_SERVICE

__all__ = ["OPEN_SECTIONS", "download_link", "outline"]

#: The sections a viewer shows open at first; the MAST record and the header keywords, long
#: lists a person looks up rather than reads, stay folded.
OPEN_SECTIONS = ("Dataset", "Observation", "File", "Query")

#: MAST's download path under its base URL (what astroquery's ``download_file`` asks for).
#: The Unix epoch as a Modified Julian Date.
_MJD_UNIX_EPOCH = 40587.0


def _node(name, value="", link="", children=None):
    return {"name": name, "value": _text(value), "link": link or "", "children": children or []}


def _text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} = {_text(v)}" for k, v in value.items())
    return str(value)


def _given(*nodes):
    """The nodes that say something (a value, or children)."""
    return [n for n in nodes if n["value"] or n["children"]]


def _iso_day(mjd):
    try:
        day = datetime.datetime(1970, 1, 1) + datetime.timedelta(
            days=float(mjd) - _MJD_UNIX_EPOCH
        )
    except (TypeError, ValueError, OverflowError):
        return ""
    return day.strftime("%Y-%m-%d %H:%M UTC")


def download_link(server, data_uri):
    """The address MAST serves a file at: ``{server}/api/v0.1/Download/file?uri=...``; "" when
    the server or the URI is not known."""
    if not server or not data_uri:
        return ""
    return download_url(data_uri, server)


def _dataset_section(record):
    return _node("Dataset", children=_given(
        _node("Label", record.get("label")),
        _node("Kind", record.get("kind")),
        _node("Part of the file", record.get("part")),
        _node("Read by", record.get("reader")),
    ))


def _observation_section(described):
    proposal = described.get("proposal_id")
    pi = described.get("proposal_pi")
    position = ""
    if described.get("s_ra") is not None and described.get("s_dec") is not None:
        position = f"RA {_text(described['s_ra'])}, Dec {_text(described['s_dec'])} (deg)"
    return _node("Observation", children=_given(
        _node("Collection", described.get("obs_collection")),
        _node("Instrument", described.get("instrument_name")),
        _node("Target", described.get("target_name")),
        _node("Observation ID", described.get("obs_id")),
        _node("MAST obsid", described.get("obsid")),
        _node("Proposal", f"{proposal} ({pi})" if proposal and pi else proposal),
        _node("Position", position),
        _node("Start", _iso_day(described.get("t_min")) if described.get("t_min") else ""),
        _node("End", _iso_day(described.get("t_max")) if described.get("t_max") else ""),
        _node("Public from", _iso_day(described.get("t_obs_release"))
              if described.get("t_obs_release") else ""),
        _node("Data rights", described.get("dataRights")),
    ))


#: The fields of the file's record the Observation and File sections show; the rest go under
#: "MAST record".
_SHOWN_FIELDS = frozenset((
    "obs_collection", "instrument_name", "target_name", "obs_id", "obsid", "proposal_id",
    "proposal_pi", "s_ra", "s_dec", "t_min", "t_max", "t_obs_release", "dataRights",
    "dataURI", "productFilename", "productType", "productSubGroupDescription", "calib_level",
    "provenance_name", "prvversion", "size", "sha256", "doi", "downloaded", "path", "origin",
))


def _record_section(described):
    """The rest of the file's record (MAST's own field names): what no section above shows."""
    return _node("MAST record", children=_given(*(
        _field_node(k, v) for k, v in described.items() if k not in _SHOWN_FIELDS
    )))


def _pipeline(described):
    """The pipeline and its version: "CALCOS 3.4.3"; a version that names its pipeline
    already ("NEWSIPS 2.0") alone."""
    name = str(described.get("provenance_name") or "")
    version = str(described.get("prvversion") or "")
    if name and version.split(" ", 1)[0].casefold() == name.casefold():
        return version
    return " ".join(v for v in (name, version) if v)


def _file_section(record, described, fetched, server):
    uri = fetched.get("dataURI") or described.get("dataURI")
    sha = fetched.get("sha256") or described.get("sha256")
    checked = fetched.get("checked")
    if checked and checked != NOT_CHECKED:
        name = "SHA-256" if checked == "sha256" else checked
        verdict = f"checked: the file's bytes were checked against this {name}"
    elif checked == NOT_CHECKED:
        verdict = "not checked: no SHA-256 was recorded for these bytes"
    else:
        verdict = ""
    doi = fetched.get("doi") or described.get("doi")
    size = fetched.get("size") or described.get("size")
    link = download_link(fetched.get("server") or server, uri)
    origin = described.get("origin") or ""
    if origin == link:
        origin = ""  # the MAST URI's link says it already
    origin_link = origin if origin.startswith(("https://", "http://")) else ""
    return _node("File", children=_given(
        _node("Name", described.get("productFilename") or record.get("file")),
        _node("MAST URI", uri, link),
        _node("Product", " ".join(
            str(v) for v in (described.get("productType"),
                             described.get("productSubGroupDescription")) if v
        )),
        _node("Calibration level", described.get("calib_level")),
        _node("Pipeline", _pipeline(described)),
        _node("Size", format_size(size) if isinstance(size, (int, float)) else size),
        _node("SHA-256", sha),
        _node("Checksum", verdict),
        _node("DOI", doi, f"https://doi.org/{doi}" if doi else ""),
        _node("Downloaded", fetched.get("downloaded") or described.get("downloaded")),
        _node("From", fetched.get("server") or server),
        # Where the bytes came from when that was not the server's download (a cloud copy).
        _node("Fetched from", origin, origin_link),
        _node("Manifest", record.get("manifest")),
        _node("Path in the download directory", described.get("path")),
    ))


#: Observation ids a product list's node names before "…".
_FIRST_IDS = 5


def _count_of(obsids):
    """How many observations a product list named, and the first of them (a whole query
    lists them; its summary holds their number)."""
    if not isinstance(obsids, list):
        return obsids
    first = ", ".join(str(o) for o in obsids[:_FIRST_IDS])
    return f"{len(obsids)} ({first}{', …' if len(obsids) > _FIRST_IDS else ''})"


#: Names for a query's other fields (a catalog's, a multiple cone search's, a summary's).
_FIELD_NAMES = {
    "rows": "Rows returned",
    "catalog": "Catalog",
    "version": "Catalog version",
    "match": "Match",
    "max_results": "At most",
    "sources": "Sources",
    "counts": "Count per source",
    "collection": "Collection",
    "…": "Fields",
}


def _field_node(name, value):
    """A field of any shape: a dict as one row per key, a list of dicts as one row per item,
    so that no dict is printed whole."""
    if isinstance(value, dict):
        return _node(name, children=_given(*(_field_node(k, v) for k, v in value.items())))
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, dict) for v in value):
        return _node(name, f"{len(value)}", children=[
            _node(str(i), _text(v)) for i, v in enumerate(value, 1)
        ])
    return _node(name, value)


def _other_fields(query, known):
    """Nodes for the fields of ``query`` not in ``known``, named for a person where a name
    is known; so a query of a kind this outline was not written for still shows whole."""
    return [_field_node(_FIELD_NAMES.get(k, k), v) for k, v in query.items() if k not in known]


_PRODUCTS_FIELDS = frozenset(("service", "kept", "listed", "product_filter", "obsids"))
_SEARCH_FIELDS = frozenset((
    "service", "resolved", "coordinates", "target", "radius_deg", "count", "criteria_given",
    "criteria_sent", "sort", "page", "page_size",
    "collection",  # a summary's: the collection of criteria_given, shown there
))


def _criteria_sent(query):
    """The criteria as sent, where they say more than those given ("" when the same)."""
    sent = _text(query.get("criteria_sent"))
    return "" if sent == _text(query.get("criteria_given")) else sent


def _query_node(query):
    if query.get("service") == PRODUCTS_SERVICE:
        kept = query.get("kept")
        listed = query.get("listed")
        counts = f"{kept} of {listed} products kept" if kept is not None else ""
        flt = query.get("product_filter") or {}
        filters = [
            "calibrated only" if flt.get("calibrated_only") else "",
            "MAST's recommended products only" if flt.get("mrp_only") else "",
            f"type {flt['product_type']}" if flt.get("product_type") else "",
            f"file ends with {flt['extension']}" if flt.get("extension") else "",
            *(f"{k} = {_text(v)}" for k, v in (flt.get("fields") or {}).items()),
        ]
        return _node("Product list", counts, children=_given(
            _node("Observations listed", _count_of(query.get("obsids"))),
            _node("Filter", ", ".join(f for f in filters if f)),
            *_other_fields(query, _PRODUCTS_FIELDS),
        ))
    resolved = query.get("resolved") or {}
    coordinates = query.get("coordinates") or {}
    position = ""
    if coordinates.get("ra") is not None and coordinates.get("dec") is not None:
        position = (f"RA {_text(coordinates['ra'])}, Dec {_text(coordinates['dec'])} "
                    f"({coordinates.get('frame') or 'icrs'}, deg)")
    name = query.get("target")
    if name and resolved.get("canonicalName"):
        name = f"{name} (resolved by {resolved.get('resolver') or 'MAST'} as "
        name += f"{resolved['canonicalName']})"
    radius = query.get("radius_deg")
    count = query.get("count")
    known = _SEARCH_FIELDS if query.get("criteria_given") else _SEARCH_FIELDS - {"collection"}
    return _node("Search", f"{count} observations" if count is not None else "", children=_given(
        _node("Target", name),
        _node("Position", position),
        _node("Radius", f"{_text(radius)} deg" if radius is not None else ""),
        _node("Criteria", query.get("criteria_given") or query.get("criteria_sent")),
        _node("Sent to MAST as", _criteria_sent(query) if query.get("criteria_given") else ""),
        _node("Sorted by", query.get("sort")),
        _node("Page", f"{query['page']} ({query.get('page_size')} a page)"
              if query.get("page") is not None else ""),
        *_other_fields(query, known),
        _node("MAST service", query.get("service")),
    ))


def outline(record):
    """The provenance record of a dataset as sections of named values.

    Parameters
    ----------
    record : dict
        A dataset's ``meta["glue_mast"]`` (`glue_mast.provenance.describe.provenance`).

    Returns
    -------
    list of dict
        Sections ("Dataset", "Observation", "File", "Query", "MAST record", "Header"),
        those the record has; each node has ``name``, ``value``, ``link`` and ``children``.
    """
    record = record or {}
    described = record.get("dataset") or {}
    fetched = record.get("fetch") or {}
    server = record.get("server")
    queries = [q for q in shown_queries(record) if isinstance(q, dict)]
    header = record.get("header") or {}
    sections = [
        _dataset_section(record),
        _observation_section(described),
        _file_section(record, described, fetched, server),
        _node("Query", f"{len(queries)} request{'s' if len(queries) != 1 else ''}"
              if queries else "", children=[_query_node(q) for q in queries]),
        _record_section(described),
        _node("Header", children=_given(*(_node(k, v) for k, v in header.items()))),
    ]
    return [s for s in sections if s["children"]]
