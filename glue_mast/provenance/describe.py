"""What a dataset read from a MAST file is called, and the provenance it carries.

Shared by every viewer: the glue front end keeps the record in ``Data.meta["glue_mast"]``,
Jdaviz in ``Spectrum.meta["glue_mast"]`` (which its importers keep in the glue ``Data.meta``).
Everything here is plain JSON (string keys, numbers, strings, lists, dicts), because glue
sessions silently drop astropy ``Time`` and ``fits.Header`` values, fail to save a
``Quantity`` (glue-viz/glue#2597), and write sessions they cannot open again when a dict has a
non-string key.

Labels say what a person needs to tell datasets apart, that first: obs_id and the part of the
file (segment, order), with the product type or file name added where two would otherwise be
the same, then the collection and instrument in parentheses, and ``_01``, ``_02``... after
that, as glue's own ``disambiguate``.
"""

from __future__ import annotations

import json
import os
from itertools import count
from pathlib import Path

from ..util import plain
from .queries import remember
from .selection import QueryIndex, fetch_record

__all__ = [
    "META_KEY",
    "META_SCHEMA",
    "base_label",
    "disambiguate",
    "file_provenance",
    "label_choices",
    "part_of",
    "provenance",
    "unique_labels",
]

#: Key of a dataset's provenance record in its ``meta``, in glue and Jdaviz alike.
META_KEY = "glue_mast"

META_SCHEMA = "glue-mast/data/1"

# Header keywords worth keeping with a dataset (io gives a plain dict of the file's header).
_HEADER_KEYS = (
    "TELESCOP",
    "INSTRUME",
    "DETECTOR",
    "OPT_ELEM",
    "CENWAVE",
    "SEGMENT",
    "FILTER",
    "GRATING",
    "APERTURE",
    "TARGNAME",
    "OBJECT",
    "OBS_ID",
    "ROOTNAME",
    "PROPOSID",
    "DATE-OBS",
    "EXPTIME",
    "QUARTER",
    "CAMPAIGN",
    "SECTOR",
    "KEPLERID",
    "TICID",
    "CAL_VER",
)


def _first(*values):
    for value in values:
        if value not in (None, "", "None"):
            return str(value).strip()
    return None


#: An obs_id longer than this goes after the product type and part in a label.
LONG_OBS_ID = 16


def base_label(record=None, header=None, part=None, path=None, detail=None):
    """What a person needs to tell a dataset apart, first: obs_id and part, then where from.

    ``"O5CW01010 order 108 (HST STIS/FUV-MAMA)"``, ``"swp54419 (IUE SWP)"``: the obs_id, the
    ``detail`` (a product type such as X1DSUM) and the part of the file come first, because
    glue's data panel and Jdaviz's data menu cut long labels at the end; the collection and
    instrument follow in parentheses; a long obs_id (JWST's) goes after the detail and part:
    ``"S3D jw02925-o001_t001_nirspec_g395h-f290lp (JWST NIRSPEC/IFU)"``. Taken from the
    MAST record when there is one, else from the file's header, else from the file name.
    """
    record = record or {}
    header = header or {}
    collection = _first(record.get("obs_collection"), header.get("TELESCOP"))
    instrument = _first(record.get("instrument_name"), header.get("INSTRUME"))
    if instrument and collection and instrument.lower() == collection.lower():
        instrument = None  # "Kepler Kepler", "FUSE FUSE"
    name = _first(
        record.get("obs_id"),
        header.get("OBS_ID"),
        header.get("ROOTNAME"),
        header.get("OBJECT"),
        Path(path).stem if path else None,
    )
    # A long obs_id (JWST's "jw02925-o001_t001_nirspec_g395h-f290lp") fills what a data
    # panel shows: the product type that tells its datasets apart goes before it.
    if name and len(name) > LONG_OBS_ID:
        what = [_first(detail), _first(part), name]
    else:
        what = [name, _first(detail), _first(part)]
    what = " ".join(w for w in what if w)
    where = " ".join(w for w in (collection, instrument) if w)
    if what and where:
        return f"{what} ({where})"
    return what or where or (Path(path).stem if path else "MAST dataset")


def label_choices(record=None, header=None, part=None, path=None):
    """(label, label with a detail) for :func:`unique_labels`: the detail is the product type
    (X1DSUM, X1D...) or, without a MAST record, the file name."""
    detail = _first((record or {}).get("productSubGroupDescription")) or (
        Path(path).stem if path else None
    )
    label = base_label(record, header, part, path)
    if detail and detail in label.split():
        detail = None  # the file name is already the label's obs_id
    return label, base_label(record, header, part, path, detail=detail)


def unique_labels(wanted, taken=()):
    """Labels for new datasets, unique among themselves and ``taken``.

    Parameters
    ----------
    wanted : list of (label, label with detail)
        A label, and a longer one for when two would be equal (see :func:`label_choices`).
    taken : iterable of str
        Labels already in the data collection.
    """
    taken = set(taken)
    short = [w[0] for w in wanted]
    out = []
    for label, detailed in wanted:
        if short.count(label) > 1 or label in taken:
            label = detailed or label
        label = disambiguate(label, taken)
        taken.add(label)
        out.append(label)
    return out


def file_provenance(record, manifest=None, *, queries=None):
    """The part of a dataset's provenance that its file gives, the same for every part of it.

    Parameters
    ----------
    record : dict
        The manifest's record of the file (its ``path`` is kept relative to the manifest).
    manifest : `~glue_mast.provenance.Manifest`, optional
        The manifest holding ``record``: its name and server.
    queries : list of dict or `~glue_mast.provenance.selection.QueryIndex`, optional
        The queries of this load (a fetch's ``result.queries``), or their index, built once
        for the files of a load; those that selected the file are named. Never the
        manifest's own list: a shared manifest (the download cache) holds every search that
        ever touched it, other users' among them.

    Returns
    -------
    dict
        Plain JSON: ``dataset`` (the file's MAST record), ``fetch`` (its own fetch record:
        when, from where, size, SHA-256, DOI), ``manifest``, ``server`` and ``queries``: a
        reference (``{"id", "summary"}``, :func:`.queries.reference`) to each query that
        selected it for this load (the search and the product listing). The whole query
        records are kept once, by the fetch's manifest and by a saved session;
        :func:`.queries.full_queries` gives them back.
    """
    # The manifest's ids of every query that fetched the file (in a shared download cache,
    # other users' too) stay there: the dataset names this load's, below.
    record = {k: v for k, v in record.items() if k != "queries"}
    if manifest is not None and manifest.path is not None and record.get("path"):
        record["path"] = Path(os.path.relpath(record["path"], manifest.path.parent)).as_posix()
    server = manifest.server if manifest is not None else None
    index = queries if isinstance(queries, QueryIndex) else QueryIndex(queries)
    references = index.references(record)
    # The whole records, once per process, for a session saved later (content-addressed).
    remember({ref["id"]: index.by_id[ref["id"]] for ref in references})
    return plain(
        {
            "dataset": record,
            "fetch": fetch_record(record, server),
            "manifest": manifest.path.name if manifest is not None and manifest.path else None,
            "server": server,
            "queries": references,
        }
    )


def provenance(
    record=None, *, manifest=None, item=None, label=None, of_file=None, queries=None
):
    """The JSON-only provenance glue-mast keeps in ``Data.meta["glue_mast"]``.

    Parameters
    ----------
    record : dict, optional
        The manifest's record of the file (its ``path`` is kept relative to the manifest).
    manifest : `~glue_mast.provenance.Manifest`, optional
        The manifest holding ``record``: its name and server.
    item : `glue_mast.io.ProductContent`, optional
        What was read: kind, part, reader, header keywords.
    label : str, optional
        The label the dataset was loaded as.
    of_file : dict, optional
        ``file_provenance(record, manifest, queries=queries)``, when it was made already (once
        for the parts of a file).
    queries : list of dict or `~glue_mast.provenance.selection.QueryIndex`, optional
        The queries of this load (see :func:`file_provenance`).
    """
    out = {"schema": META_SCHEMA, "label": label}
    if item is not None:
        header = item.header or {}
        out.update(
            kind=str(getattr(item.kind, "value", item.kind)),
            part=part_of(item, None),
            reader=item.reader,
            file=Path(item.path).name,
            header={k: header[k] for k in _HEADER_KEYS if header.get(k) is not None},
        )
        out = plain(out)
    if record is not None:
        if of_file is None:
            out.update(file_provenance(record, manifest, queries=queries))
        else:  # a copy: the parts of a file must not share one mutable record
            out.update(json.loads(json.dumps(of_file)))
    return out


def part_of(item, data):
    """The part of a file a Data holds: the reader's part ("FUVA", "order 87") and its row."""
    row = ((data.meta.get(META_KEY) or {}).get("row")) if data is not None else None
    words = [w for w in (getattr(item, "part", None), None if row is None else f"row {row}") if w]
    return " ".join(str(w) for w in words) or None


def disambiguate(label, taken):
    """``label``, or ``label_NN`` with the lowest NN not in ``taken`` (glue's own rule, so a
    label chosen here is the one glue would choose)."""
    if label not in taken:
        return label
    label = str(label)
    for i in count(1):
        candidate = f"{label}_{i:02d}"
        if candidate not in taken:
            return candidate
