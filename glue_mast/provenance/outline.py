"""A dataset's provenance record as an outline a person reads: sections of named values.

The record glue-mast keeps with each dataset (``meta["glue_mast"]``, see
`glue_mast.provenance.describe`) is plain JSON made for programs; a front end that shows it
as one dict is unreadable (a long line of nested braces). :func:`outline` turns it into a few
sections, in the order a person asks: what the dataset is, which observation it comes from,
the file (with its checksum and whether it was checked, its DOI), the searches that found it,
and the file's header keywords. Values that have a web page carry its address: the file's
download from the MAST server it came from, its DOI.

Each node is a plain dict: ``name``, ``value`` (text, "" for a section), ``link`` (an
address, or "") and ``children`` (nodes), so any front end can draw it as a tree.
"""

from __future__ import annotations

import datetime
from urllib.parse import quote

from ..util import format_size
from .queries import shown_queries
from .selection import NOT_CHECKED, PRODUCTS_SERVICE

__all__ = ["download_link", "outline"]

#: MAST's download path under its base URL (what astroquery's ``download_file`` asks for).
DOWNLOAD_PATH = "/api/v0.1/Download/file"
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
    return f"{str(server).rstrip('/')}{DOWNLOAD_PATH}?uri={quote(str(data_uri), safe=':/')}"


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
        _node("Data rights", described.get("dataRights")),
    ))


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
    return _node("File", children=_given(
        _node("Name", described.get("productFilename") or record.get("file")),
        _node("MAST URI", uri, download_link(fetched.get("server") or server, uri)),
        _node("Product", " ".join(
            str(v) for v in (described.get("productType"),
                             described.get("productSubGroupDescription")) if v
        )),
        _node("Calibration level", described.get("calib_level")),
        _node("Pipeline", " ".join(
            str(v) for v in (described.get("provenance_name"), described.get("prvversion"))
            if v
        )),
        _node("Size", format_size(size) if isinstance(size, (int, float)) else size),
        _node("SHA-256", sha),
        _node("Checksum", verdict),
        _node("DOI", doi, f"https://doi.org/{doi}" if doi else ""),
        _node("Downloaded", fetched.get("downloaded") or described.get("downloaded")),
        _node("From", fetched.get("server") or server),
        _node("Manifest", record.get("manifest")),
        _node("Path in the download directory", described.get("path")),
    ))


def _count_of(obsids):
    """How many observations a product list named (a whole query lists them; its summary
    holds their number)."""
    return len(obsids) if isinstance(obsids, list) else obsids


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
    return _node("Search", f"{count} observations" if count is not None else "", children=_given(
        _node("Target", name),
        _node("Position", position),
        _node("Radius", f"{_text(radius)} deg" if radius is not None else ""),
        _node("Criteria", query.get("criteria_given") or query.get("criteria_sent")),
        _node("Sorted by", query.get("sort")),
        _node("Page", f"{query['page']} ({query.get('page_size')} a page)"
              if query.get("page") is not None else ""),
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
        Sections ("Dataset", "Observation", "File", "Query", "Header"), those the record
        has; each node has ``name``, ``value``, ``link`` and ``children``.
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
        _node("Header", children=_given(*(_node(k, v) for k, v in header.items()))),
    ]
    return [s for s in sections if s["children"]]
