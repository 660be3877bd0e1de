"""glue sessions that travel with their provenance manifest.

:func:`save_session` writes the glue session (``analysis.glu``) and, beside it, the manifest
of the MAST files its datasets were read from (``analysis.provenance.json``, with an ECSV
view). glue-core has no hook on save (``Application.save_session`` serializes and writes
without telling anyone, and swallows errors), so this repeats its few steps with glue's
``GlueSerializer``: errors raise, and nothing is written unless both files can be.

Paths are written relative to the session, so the session, its manifest and the files can be
moved together. The manifest lists each file's dataURI, size and SHA-256: ``verify()`` checks
the files, and ``reproduce`` fetches them again when they are missing.
"""

from __future__ import annotations

import contextlib
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError

__all__ = [
    "SavedSession",
    "check_meta",
    "file_of",
    "manifest_path_for",
    "restore_session",
    "save_session",
    "session_files",
    "session_manifest",
    "session_text",
]

MANIFEST_SUFFIX = ".provenance.json"
#: The manifest field listing the files a session reads that no MAST record describes (a
#: spectrum the user wrote), with the size and SHA-256 they had when the session was saved.
LOCAL_FILES = "local_files"


def manifest_path_for(session_path):
    """Where the manifest of a session goes: ``analysis.glu`` -> ``analysis.provenance.json``."""
    session_path = Path(session_path)
    return session_path.with_name(session_path.stem + MANIFEST_SUFFIX)


def _data_collection(app_or_collection):
    from glue.core.data_collection import DataCollection

    if isinstance(app_or_collection, DataCollection):
        return app_or_collection
    dc = getattr(app_or_collection, "data_collection", None)
    if dc is None:
        raise InputError(
            "save_session takes a glue Application or DataCollection, not "
            f"{type(app_or_collection).__name__}"
        )
    return dc


def file_of(data):
    """The file a Data was read from by glue's ``load_data``, or None (made in memory).

    A restored session's Data has no load log of its own: its components keep it.
    """
    log = getattr(data, "_load_log", None)
    if log is None:
        for cid in data.main_components:
            log = getattr(data.get_component(cid), "_load_log", None)
            if log is not None:
                break
    return Path(log.path).resolve() if log is not None else None


def session_manifest(data_collection, path, *, session=None):
    """The manifest of the MAST files behind a data collection's datasets.

    The union of the glue-mast datasets' records (``meta["glue_mast"]``), one per file, with
    the labels the file's datasets now have, the queries they came from, and paths relative to
    the manifest. It is not written; see :func:`save_session`. Other save commands (a glue-qt
    menu entry, the glue-qt dialog) use it to write a manifest of their own.

    Parameters
    ----------
    data_collection : `~glue.core.data_collection.DataCollection` or glue Application
    path : path-like
        Where the manifest will be written: the files must be in its directory or below it,
        so that they can move together and ``reproduce`` only writes there.
    session : str, optional
        The name of the session file the manifest goes with, recorded in it.

    Returns
    -------
    `~glue_mast.provenance.Manifest`
        ``extra["unrecorded"]`` lists datasets that no MAST record describes (loaded from
        elsewhere, or made in glue); they are in the session but not in the manifest's
        datasets. ``extra["local_files"]`` records the files such datasets were read from
        (path, size, SHA-256, labels), so that a restore reads those bytes and no others.

    Raises
    ------
    InputError
        A file a dataset was read from is outside the manifest's directory.
    """
    from ..provenance.manifest import Manifest
    from .links import META_KEY

    data_collection = _data_collection(data_collection)
    path = Path(path).resolve()
    root = path.parent
    records, labels, queries, servers, unrecorded, outside = {}, {}, {}, [], [], []
    unresolved = {}
    local = {}
    for data in data_collection:
        meta = (getattr(data, "meta", None) or {}).get(META_KEY) or {}
        file = file_of(data)
        if file is not None and not file.is_relative_to(root):
            if os.fspath(file) not in outside:
                outside.append(os.fspath(file))
            continue
        if not meta.get("dataset") or not meta["dataset"].get("dataURI") or file is None:
            unrecorded.append(data.label)
            if file is not None:
                local.setdefault(file, []).append(data.label)
            continue
        # The session's record names the queries of its datasets, not the fetch manifest's.
        record = records.setdefault(
            file, {k: v for k, v in meta["dataset"].items() if k != "queries"} | {"path": file}
        )
        labels.setdefault(file, []).append(data.label)
        record["label"] = " | ".join(labels[file])
        record["labels"] = labels[file]
        for qid in _session_queries(meta, file, queries, unresolved):
            if qid not in record.setdefault("queries", []):
                record["queries"].append(qid)
        if meta.get("server") and meta["server"] not in servers:
            servers.append(meta["server"])
    if outside:
        raise InputError(
            f"The session's files must be in {root} or below it, so that the session, its"
            f" manifest and the files can move together; these are not: {', '.join(outside)}."
            " Save the session in a directory that holds them."
        )
    extra = {"session": session} if session else {}
    if len(servers) > 1:
        extra["servers"] = servers
    if unrecorded:
        extra["unrecorded"] = unrecorded
    if local:
        extra[LOCAL_FILES] = _local_file_records(local, root)
    if unresolved:  # named by a dataset, but whole nowhere this process can see
        extra["unresolved_queries"] = list(unresolved.values())
    return Manifest(
        server=servers[0] if servers else None,
        queries=queries,
        datasets=list(records.values()),
        path=path,
        extra=extra,
    )


def _session_queries(meta, file, queries, unresolved):
    """The ids of the queries a dataset's provenance names, each query's whole record put in
    ``queries`` (``{id: record}``) once: from this process, or the fetch manifest beside the
    file (:func:`glue_mast.provenance.queries.gather`)."""
    from ..provenance.queries import gather
    from .factory import find_manifest_record

    def beside(qid):
        manifest, _ = find_manifest_record(file)
        return manifest.queries_by_id.get(qid) if manifest is not None else None

    return [ref["id"] for ref in gather(meta, queries, unresolved, beside)]


def _local_file_records(files, root):
    """Records of the files a session reads that no MAST record describes: their size and
    SHA-256 as they are now, so that a restore reads these bytes and no others."""
    from ..util import sha256_of

    records = []
    for file, labels in files.items():
        records.append(
            {
                "path": file.relative_to(root).as_posix(),
                "size": file.stat().st_size,
                "sha256": sha256_of(file),
                "labels": labels,
            }
        )
    return sorted(records, key=lambda r: r["path"])


def _non_string_key(value, where):
    """Where in ``value`` a dict has a key that is not a string, or None."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                return f"{where}[{key!r}]"
            found = _non_string_key(item, f"{where}[{key!r}]")
            if found:
                return found
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            found = _non_string_key(item, f"{where}[{i}]")
            if found:
                return found
    return None


def check_meta(data_collection):
    """Refuse metadata that glue would save into a session it cannot open again.

    glue writes a dict with a non-string key (``{1: "SCI"}``) into the session, but restoring
    it fails ("Unrecognized object 1"); so the save is stopped before anything is written.

    Raises
    ------
    InputError
        Naming the dataset and where in its ``meta`` the key is.
    """
    for data in _data_collection(data_collection):
        found = _non_string_key(dict(getattr(data, "meta", None) or {}), "meta")
        if found:
            raise InputError(
                f"The session was not saved: dataset {data.label!r} has {found}, a key that is"
                " not a string; glue would write a session it cannot open again. Make the key"
                " a string or remove it."
            )


@dataclass(frozen=True)
class SavedSession:
    """What :func:`save_session` wrote."""

    session: Path
    manifest: object  # the Manifest, with .path

    def __fspath__(self):
        return os.fspath(self.session)


@contextmanager
def _working_directory(folder):
    # glue writes (and reads) LoadLog paths relative to the current directory.
    start = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(start)


def save_session(app_or_collection, path, *, check=True):
    """Save a glue session and its provenance manifest beside it.

    Parameters
    ----------
    app_or_collection : glue Application or `~glue.core.data_collection.DataCollection`
        What to save (an Application also saves what its subclass adds, e.g. glue-qt's
        viewers).
    path : path-like
        The session file, e.g. ``analysis.glu``; the manifest is ``analysis.provenance.json``
        (and ``analysis.provenance.ecsv``) beside it.
    check : bool
        Check every file's size and SHA-256 against its record first, so the manifest matches
        the disk.

    Returns
    -------
    SavedSession
        ``.session`` (the path) and ``.manifest`` (the Manifest written).

    Raises
    ------
    InputError
        A file is outside the session's directory, or is not the file that was fetched; or
        a dataset's ``meta`` has a key glue cannot restore (:func:`check_meta`).
    glue.core.state.GlueSerializeError
        glue cannot save something in the session; nothing is written.
    """
    from glue.core.state import GlueSerializer

    from ..util import atomic_write

    path = Path(path).resolve()
    if path.suffix.lower() == ".json" and path.name.endswith(MANIFEST_SUFFIX):
        raise InputError(f"{path.name} is the name of a manifest; give the session's name")
    check_meta(app_or_collection)
    manifest = session_manifest(app_or_collection, manifest_path_for(path), session=path.name)
    if check:
        report = manifest.verify()
        if not report:
            raise InputError(
                "The session was not saved: its files do not match their MAST records ("
                + "; ".join(report.lines())
                + "). Load them again, or fetch them again from their manifest."
            )
    serializer = GlueSerializer(app_or_collection, include_data=False, absolute_paths=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _working_directory(path.parent):
        state = session_text(serializer)
    atomic_write(path, state)
    manifest.write(manifest_path_for(path))
    return SavedSession(path, manifest)


def session_text(serializer, indent=2):
    """The JSON of a glue session (``GlueSerializer.dumps``), with Python's cyclic garbage
    collector paused while it is written.

    Saving builds a few objects for every component of every dataset; with a thousand linked
    spectra that is enough allocations to start full collections, each walking every object
    the session holds, so the save's cost per dataset grew with the number of datasets (about
    1.5x from 100 to 1,000 spectra). The pause is over when the text is made; what it made
    meanwhile is collected as usual afterwards.
    """
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        return serializer.dumps(indent=indent)
    finally:
        if enabled:
            gc.enable()


def session_files(path):
    """The files a saved glue session reads on restore, resolved against its directory.

    Raises
    ------
    InputError
        The session is not one, names what glue-mast does not let it name, or a path that
        is not a file name in its folder (see :mod:`glue_mast.glue.session_guard`).
    """
    from .session_guard import precheck

    return precheck(path, check=False).files


def _remember_queries(manifest_path):
    """Keep the query records of a session's manifest, when there is one that reads, for
    its datasets' provenance to name (see :func:`glue_mast.provenance.full_queries`)."""
    from ..provenance.manifest import Manifest
    from ..provenance.queries import remember

    if manifest_path.is_file():
        with contextlib.suppress(InputError):
            remember(Manifest.read(manifest_path).queries_by_id)


def restore_session(path, *, check=True):
    """Restore a glue session saved by :func:`save_session` (or by glue itself, which writes
    no manifest: with ``check=False``), after checking it as a received file
    (:mod:`glue_mast.glue.session_guard`).

    The session may name only glue's, glue-qt's, glue-astronomy's and glue-mast's own classes,
    loaders and link functions (glue itself imports and calls whatever a session names), and
    only files inside its folder.

    Parameters
    ----------
    path : path-like
        The session file.
    check : bool
        Insist that the manifest beside the session (``analysis.provenance.json``) records
        every file the session reads, and that each has its recorded size and SHA-256, before
        glue reads it. ``False`` opens the files in the session's folder as they are.

    Returns
    -------
    glue Application or `~glue.core.data_collection.DataCollection`
        What was saved, restored: its datasets read again from their files, with their
        labels, ``meta``, links and subsets. Its ``glue_mast_check`` attribute
        (:class:`~glue_mast.glue.session_guard.SessionCheck`) lists the files verified and
        those not checked (a record with no SHA-256, or ``check=False``); the latter are
        also reported in an :class:`~glue_mast.glue.session_guard.UncheckedFiles` warning.

    Raises
    ------
    InputError
        One line: the session names a class or function it may not, a path outside its
        folder or one its manifest does not record; files it reads are missing, or (with
        ``check``) not the bytes recorded: the message names them and how to fetch them
        again from the manifest beside the session.
    """
    from glue.core.state import GlueUnSerializer

    from .link_discovery import install
    from .session_guard import check_session, warn_unchecked

    checked, report = check_session(path, check=check)
    if not check:  # (checked, the manifest's queries were read with its records)
        _remember_queries(manifest_path_for(checked.path))
    install()  # restoring adds the session's links: glue-core's discovery is cubic in them
    # glue is given the very text that was checked, so the file cannot change in between.
    with _working_directory(checked.path.parent):
        try:
            restored = GlueUnSerializer.loads(checked.text).object("__main__")
        except InputError:
            raise
        except Exception as exc:  # a session glue cannot rebuild: one line, not a traceback
            first = (str(exc).strip().splitlines() or [""])[0]
            raise InputError(
                f"glue could not restore {checked.path.name}: {type(exc).__name__}: {first}",
                field="path",
                value=str(checked.path),
            ) from exc
    from .tables import check_tables, watch_images

    data_collection = getattr(restored, "data_collection", restored)
    check_tables(data_collection)  # catalog copies, by SHA-256
    if hasattr(data_collection, "hub"):
        watch_images(data_collection)  # images added later link to its catalog tables
    with contextlib.suppress(AttributeError):  # a session whose main object is a list
        restored.glue_mast_check = report
    warn_unchecked(report)
    return restored
