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

import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..provenance.reading import as_path, parse_json, read_json_file, read_text_file

__all__ = [
    "SavedSession",
    "check_meta",
    "file_of",
    "manifest_path_for",
    "restore_session",
    "save_session",
    "session_files",
    "session_manifest",
]

MANIFEST_SUFFIX = ".provenance.json"


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
        elsewhere, or made in glue); they are in the session but not in the manifest.

    Raises
    ------
    InputError
        A file is outside the manifest's directory.
    """
    from ..provenance.manifest import Manifest
    from .links import META_KEY

    data_collection = _data_collection(data_collection)
    path = Path(path).resolve()
    root = path.parent
    records, labels, queries, servers, unrecorded, outside = {}, {}, [], [], [], []
    for data in data_collection:
        meta = (getattr(data, "meta", None) or {}).get(META_KEY) or {}
        file = file_of(data)
        if not meta.get("dataset") or not meta["dataset"].get("dataURI") or file is None:
            unrecorded.append(data.label)
            continue
        if not file.is_relative_to(root):
            if os.fspath(file) not in outside:
                outside.append(os.fspath(file))
            continue
        record = records.setdefault(file, dict(meta["dataset"], path=file))
        labels.setdefault(file, []).append(data.label)
        record["label"] = " | ".join(labels[file])
        record["labels"] = labels[file]
        for query in meta.get("queries") or []:
            if query not in queries:
                queries.append(query)
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
    return Manifest(
        server=servers[0] if servers else None,
        queries=queries,
        datasets=list(records.values()),
        path=path,
        extra=extra,
    )


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
        state = serializer.dumps(indent=2)
    atomic_write(path, state)
    manifest.write(manifest_path_for(path))
    return SavedSession(path, manifest)


def _strip(value):
    # glue's JSON prefixes strings with "st__".
    return value[4:] if isinstance(value, str) and value.startswith("st__") else value


def session_files(path):
    """The files a saved glue session reads on restore, resolved against its directory."""
    state = read_json_file(path, what="glue session")
    path = Path(path)
    files = []
    for record in state.values():
        if isinstance(record, dict) and str(record.get("_type", "")).endswith(".LoadLog"):
            file = (path.resolve().parent / _strip(record.get("path", ""))).resolve()
            if file not in files:
                files.append(file)
    return files


def _check_against_manifest(path):
    """Files whose size differs from the session manifest's record (cheap: no checksums)."""
    from ..provenance.manifest import Manifest

    manifest_path = manifest_path_for(path)
    if not os.path.lexists(manifest_path):
        return []  # one that is there but no regular file is refused by the read, not skipped
    report = Manifest.read(manifest_path).verify(checksums=False)
    return report.wrong_size


def restore_session(path, *, check=True):
    """Restore a glue session saved by :func:`save_session` (or by glue itself).

    Parameters
    ----------
    path : path-like
        The session file.
    check : bool
        Compare the files' sizes with the manifest beside the session (when there is one)
        first, so that a session does not silently open files other than those it was saved
        with; ``Manifest.read(...).verify()`` also checks their SHA-256.

    Returns
    -------
    glue Application or `~glue.core.data_collection.DataCollection`
        What was saved, restored: its datasets read again from their files, with their
        labels, ``meta``, links and subsets.

    Raises
    ------
    InputError
        Files the session reads are missing, or (with ``check``) changed size: the message
        names them and how to fetch them again from the manifest beside the session.
    """
    from glue.core.state import GlueUnSerializer

    path = as_path(path, what="glue session").resolve()
    missing = [f for f in session_files(path) if not f.is_file()]
    if missing:
        manifest = manifest_path_for(path)
        shown = ", ".join(os.path.relpath(f, path.parent) for f in missing)
        if manifest.is_file():
            hint = (
                f" Fetch them again with `glue-mast reproduce {manifest}` (or"
                f" glue_mast.reproduce({str(manifest)!r})), then restore the session."
            )
        else:
            hint = f" There is no manifest ({manifest.name}) beside it to fetch them again from."
        raise InputError(
            f"Cannot restore {path.name}: {len(missing)} of its files are missing: {shown}."
            + hint
        )
    changed = _check_against_manifest(path) if check else []
    if changed:
        raise InputError(
            f"Not restoring {path.name}: {len(changed)} of its files are not the ones it was"
            f" saved with ({'; '.join(d['path'] for d in changed)} changed size). Fetch them"
            f" again with `glue-mast reproduce {manifest_path_for(path)}`, or restore with"
            " check=False to open them as they are."
        )
    from .link_discovery import install

    install()  # restoring adds the session's links: glue-core's discovery is cubic in them
    # Read once, bounded and checked, and that text handed to glue: not the file again.
    text = read_text_file(path, what="glue session")
    if not isinstance(parse_json(text, path, what="glue session").get("__main__"), dict):
        raise InputError(
            f"{path} is not a glue session (it has no '__main__' object, which glue writes)",
            field="path",
            value=str(path),
        )
    with _working_directory(path.parent):
        return GlueUnSerializer.loads(text).object("__main__")
