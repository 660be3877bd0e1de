"""Jdaviz sessions that restore: the datasets with their provenance, the form, the viewers.

Jdaviz has no session save of its own (glue's serializer fails on its spectra's WCS), so
glue-mast writes a session manifest, plain JSON (schema :data:`SCHEMA`):

- ``queries``: each query that selected a dataset's file, once, with its ``id``
  (:mod:`glue_mast.provenance.queries`);
- ``datasets``: each dataset glue-mast loaded, under its label: the MAST record of its file
  (dataURI, size, SHA-256, the path it had), the part of the file it is (a COS segment...),
  its kind and the Jdaviz format it was loaded with, and its provenance (which names its
  queries by id, with a summary);
- ``catalogs``: each catalog shown as markers, with its provenance (the query) and a copy of
  its rows beside the session (:mod:`glue_mast.jdaviz.catalog_session`);
- ``plugin``: the MAST Search form (the search, product-filter and catalog inputs);
- ``viewers``: per viewer, the datasets shown and its limits.

:func:`restore_session` builds a new app with the same datasets under the same labels: each
file is read from where it was when its size and SHA-256 still match, otherwise fetched again
from its dataURI into the download cache and checked against the recorded SHA-256.

The paths are written absolute (the files are in the download cache, not beside the session);
one made relative is relative to the session's directory. The file records are read, and
resolved, by :mod:`glue_mast.provenance.session_files`, as ``glue-mast verify`` and
``glue-mast reproduce`` read them: the session is its own provenance manifest, so no
``analysis.provenance.json`` is written beside it (a manifest lists only files below its own
directory).
"""

from __future__ import annotations

import json
import logging
import warnings
from pathlib import Path

from ..errors import InputError
from ..io.sinks import DescribedRead, add_read
from ..provenance.session_files import JDAVIZ_SESSION_SCHEMA as SCHEMA
from ..provenance.session_files import (
    SessionFiles,
    dataset_files,
    file_key,
    read_jdaviz_session,
)
from .catalog_session import restore_catalogs, save_catalogs
from .loading import DERIVED_KEY, FILE_KEY, PROVENANCE_KEY, ReadDataset
from .sink import JdavizSink

__all__ = ["SCHEMA", "NotChecked", "restore_session", "save_session"]

logger = logging.getLogger("glue_mast")
_LIMITS = ("x_min", "x_max", "y_min", "y_max")


def _helper(app):
    helper = getattr(app, "_jdaviz_helper", None)
    return helper if helper is not None else app


def _viewers(helper):
    """``{reference: glue viewer}`` of the app's viewers."""
    return dict(helper._app._viewer_store)


def _viewer_state(viewer):
    state = viewer.state
    limits = {name: getattr(state, name, None) for name in _LIMITS}
    return {
        "data": [layer.layer.label for layer in viewer.layers if layer.visible],
        "limits": {k: float(v) for k, v in limits.items() if v is not None},
        "units": {
            axis: str(getattr(state, f"{axis}_display_unit", "") or "") for axis in ("x", "y")
        },
    }


def save_session(app, path, *, check=True):
    """Write a Jdaviz session manifest of ``app`` to ``path`` (``analysis.json``).

    Parameters
    ----------
    app : ``jdaviz.App``
    path : path-like
    check : bool
        Check each file's SHA-256 against its record first, so the session names the bytes
        that were loaded.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    InputError
        A dataset glue-mast loaded has lost its file (moved, changed) and ``check`` is set.
    """
    from ..provenance.manifest import software_versions
    from ..provenance.queries import gather, query_records
    from ..util import atomic_write, plain, sha256_of, utc_now

    helper = _helper(app)
    path = Path(path).resolve()
    datasets, others, queries, unresolved = [], [], {}, {}
    for data in helper._app.data_collection:
        if _derived(data):
            continue
        meta = dict(data.meta.get(PROVENANCE_KEY) or {})
        record = meta.get("dataset")
        if not record or not record.get("dataURI"):
            if meta.get("kind") != "catalog":  # catalogs are saved by save_catalogs
                others.append(data.label)
            continue
        file = Path(data.meta.get(FILE_KEY) or record.get("path") or "")
        record = dict(record, path=str(file))
        if check and file.is_file() and record.get("sha256"):
            if sha256_of(file) != record["sha256"]:
                raise InputError(
                    f"The session was not saved: {file} is no longer the file fetched for "
                    f"{data.label!r} (its SHA-256 differs). Load it again from MAST."
                )
        # Each query once, at the top; the dataset names it (id and summary).
        meta["queries"] = gather(meta, queries, unresolved)
        datasets.append(
            {
                "label": data.label,
                "kind": meta.get("kind") or "spectrum",
                "part": meta.get("part"),
                "format": _format(meta),
                "file": record,
                "provenance": meta,
            }
        )
    session = {
        "schema": SCHEMA,
        "created": utc_now(),
        "software": software_versions(),
        "queries": query_records(queries),
        "datasets": datasets,
        "not_restorable": others,
        "catalogs": save_catalogs(helper, path),
        "plugin": _plugin_state(helper),
        "viewers": {ref: _viewer_state(v) for ref, v in _viewers(helper).items()},
    }
    if unresolved:  # named by a dataset, but whole nowhere this process can see
        session["unresolved_queries"] = list(unresolved.values())
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, json.dumps(plain(session), indent=1, allow_nan=False))
    return path


def _load_label(saved):
    """The label to load a saved dataset under: the one it was read under (Jdaviz names an
    image ``label[DATA]`` from it, the label the session lists)."""
    return (saved.get("provenance") or {}).get("label") or saved["label"]


def _derived(data):
    """Made by Jdaviz from a dataset glue-mast loaded (a cube's uncertainty, an extracted
    spectrum), or for itself (the orientation layer of images aligned by WCS): restoring the
    datasets makes it again, so the session does not list it."""
    return bool(data.meta.get(DERIVED_KEY) or data.meta.get("_WCS_ONLY"))


def _format(meta):
    """The Jdaviz importer a dataset of this provenance's kind loads with."""
    from .kinds import FORMATS

    return FORMATS.get(meta.get("kind") or "spectrum", "1D Spectrum")


def _plugin(helper):
    from . import PLUGIN_LABEL

    try:
        return helper.plugins[PLUGIN_LABEL]._obj
    except KeyError:
        return None


def _plugin_state(helper):
    plugin = _plugin(helper)
    if plugin is None:
        return None
    from .plugins.mast_search import views

    views.push_form(plugin)
    return {
        "search": plugin.search_state.as_dict(),
        "products": plugin.product_state.as_dict(),
        "catalogs": plugin.catalogs.state.as_dict(),
    }


def _on_disk(record, *, fetched=False):
    """Whether the file at the record's path is the record's.

    Its SHA-256 must match. A record with none vouches for no file that is merely found where
    it says (the session may name any file of that size); a file just ``fetched`` for it from
    its dataURI is held to the record's size, and is "not checked" (:class:`NotChecked`).
    """
    from ..util import sha256_of

    file = Path(record["path"]) if record["path"] else None
    try:
        if file is None or not file.is_file():
            return False
        if record.get("sha256"):
            return sha256_of(file) == record["sha256"]
        return fetched and record.get("size") is not None and file.stat().st_size == record["size"]
    except OSError:
        return False


def _files_on_disk(records, server=None):
    """``{key: path}`` for ``records`` (``{key: record}``): each file where it was, or
    fetched again into the download cache from ``server`` (where the cache's own manifest may
    know it already); each checked against its record (:func:`_on_disk`)."""
    from .. import config
    from ..archive.fetch import FileStatus
    from ..archive.fetch.plan import plan, previous_manifest
    from ..archive.fetch.run import run_files

    found, missing = {}, {}
    for key, record in records.items():
        if _on_disk(record):
            found[key] = Path(record["path"])
        else:
            missing[key] = record
    for record in missing.values():
        if not record.get("sha256") and record.get("size") is None:
            raise InputError(
                f"{record['dataURI']}: the session records neither its SHA-256 nor its size, "
                "so no file can be told to be the one it was saved with; not restored"
            )
    if missing:
        rows = [
            {k: v for k, v in r.items() if k not in ("path", "sha256", "label", "labels")}
            for r in missing.values()
        ]
        # The recorded SHA-256 is insisted on by the fetch itself: other bytes never take
        # their final name, nor a place in the cache's manifest.
        expected = [{"sha256": r.get("sha256"), "size": r.get("size")} for r in missing.values()]
        cache = Path(config.current_cache_dir()).resolve()
        manifest = cache / "manifest.json"
        previous = previous_manifest(manifest)
        todo = plan(rows, cache, expected=expected, server=server, previous=previous)
        result = run_files(
            todo.to_fetch,
            todo.cached,
            todo.skipped,
            cache,
            server=todo.server,
            manifest=manifest,
            previous=previous,
        )
        fetched = {str(o.file.uri): o for o in result.outcomes}
        for key, record in missing.items():
            outcome = fetched.get(record["dataURI"])
            if outcome is None or outcome.status not in (FileStatus.DOWNLOADED, FileStatus.CACHED):
                reason = f": {outcome.message}" if outcome is not None and outcome.message else ""
                raise InputError(
                    f"{record['dataURI']} could not be fetched again with the SHA-256 the "
                    f"session recorded; the session needs it{reason}"
                )
            # A record with no SHA-256 is held to its size: the server may send a file of
            # another size (kept by the fetch, with a note), which is not the record's. (And
            # two records of one dataURI may disagree: one file cannot match both.)
            if not _on_disk(dict(record, path=outcome.file.path), fetched=True):
                raise InputError(
                    f"{record['dataURI']} was fetched again, but is not the file the session "
                    f"recorded for {', '.join(record['labels']) or 'it'} (its size or SHA-256 "
                    "differs); not restored"
                )
            found[key] = outcome.file.path
    for key, record in records.items():
        if not record.get("sha256"):
            warnings.warn(
                f"not checked: {Path(found[key]).name} "
                f"({', '.join(record['labels']) or record['dataURI']}): the session records "
                "no SHA-256, so only its size was compared",
                NotChecked,
                stacklevel=3,
            )
    return found


class NotChecked(UserWarning):
    """A restored dataset's file could be compared only by size: its record has no SHA-256."""


def restore_session(path, app=None, *, server=None):
    """Rebuild a session saved by :func:`save_session` in a new (or the given) Jdaviz app.

    A file no longer where the session records it (with its SHA-256, or, for a record with
    none, its size) is fetched again into the download cache from ``server``: default the
    configured server (:func:`glue_mast.configure`, ``GLUE_MAST_SERVER``), never one the
    session names (a warning says when it names another). A file whose record has no SHA-256
    gets a `NotChecked` warning.

    Returns
    -------
    ``jdaviz.App``
        With the same datasets under the same labels, each with its provenance; the MAST
        Search form filled in as it was; the viewers showing the same datasets and limits.
    """
    from .. import io
    from ..archive.fetch.trust import choose_server
    from ..provenance.queries import remember

    session = read_jdaviz_session(path)
    # The same records, resolved the same way, as `glue-mast verify` checks.
    saved_files = SessionFiles(path, session)
    remember(saved_files.queries_by_id)  # what the datasets' provenance names by id
    records = {file_key(r): r for r in saved_files.records}
    server = choose_server(saved_files.servers, server, source=f"the session {Path(path).name}")
    if app is None:
        import jdaviz

        app = jdaviz.App()
    helper = _helper(app)
    files = _files_on_disk(records, server)
    contents = {key: io.read(file) for key, file in files.items()}
    datasets = []
    for saved, record in zip(session["datasets"], dataset_files(session, path), strict=True):
        items = contents[file_key(record)]
        item = next((i for i in items if i.part == saved.get("part")), None)
        if item is None:
            raise InputError(
                f"{Path(saved['file']['dataURI']).name} no longer holds part "
                f"{saved.get('part')!r} of {saved['label']!r}"
            )
        file = files[file_key(record)]
        datasets.append(
            ReadDataset(item.kind.value, item.data, _load_label(saved), saved["provenance"], file)
        )
    # The load pipeline's last stage, as every load into Jdaviz ends.
    loaded = add_read(DescribedRead(datasets), JdavizSink(helper))
    if loaded.error is not None:
        raise loaded.error
    for problem in loaded.not_loaded:  # a kind this app shows in no viewer, say
        logger.warning("%s", problem.message)
    restore_catalogs(helper, session.get("catalogs"), path)
    _restore_plugin(helper, session.get("plugin"))
    _restore_viewers(helper, session.get("viewers") or {})
    return app


def _restore_plugin(helper, saved):
    plugin = _plugin(helper)
    if plugin is None or not saved:
        return
    search = saved.get("search") or {}
    traits = {
        "target": "target", "coordinates": "coordinates", "radius": "radius",
        "obs_collection": "collection_selected", "instrument_name": "instrument_selected",
        "dataproduct_type": "product_type_selected", "calib_level": "calib_level_selected",
        "page_size": "page_size",
    }
    for name, trait in traits.items():
        if name in search and search[name] is not None:
            value = search[name]
            setattr(plugin, trait, int(value) if trait == "page_size" else str(value))
    plugin.search_state.update_from_dict(search)
    products = saved.get("products") or {}
    plugin.product_state.update_from_dict(products)
    for name in ("calibrated_only", "mrp_only", "extension"):
        if name in products:
            setattr(plugin, name, products[name])
    plugin.catalogs.state.update_from_dict(saved.get("catalogs") or {})


def _restore_viewers(helper, saved):
    viewers = _viewers(helper)
    for ref, state in saved.items():
        viewer = viewers.get(ref)
        if viewer is None:
            continue
        shown = set(state.get("data") or [])
        for layer in viewer.layers:
            layer.visible = layer.layer.label in shown
        limits = state.get("limits") or {}
        for name in _LIMITS:
            if name in limits:
                setattr(viewer.state, name, limits[name])
