"""The front door for sessions: :func:`save_session` and :func:`restore_session` for glue and
Jdaviz alike.

A glue session (``analysis.glu``) is written by glue's own serializer, with its provenance
manifest (``analysis.provenance.json``) beside it (:mod:`glue_mast.glue.session`). Jdaviz has
no session save of its own, so a Jdaviz session is a glue-mast session manifest
(``analysis.json``, :mod:`glue_mast.jdaviz.session`). Restoring either re-reads the files;
a file that is missing is fetched again from its dataURI (from the configured server, never
one the session names) and must arrive with the SHA-256 recorded when the session was saved,
or the session is not restored.

This module sits above the archive and both viewers' session code, since it is the one place
that fetches what a glue session is missing.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import InputError
from .provenance.reading import as_path, read_json_file

__all__ = ["restore_session", "save_session"]

_JDAVIZ_SCHEMA_PREFIX = "glue-mast/jdaviz-session/"


def _is_jdaviz(app):
    app = getattr(app, "_jdaviz_helper", app)
    return any(cls.__module__.split(".")[0] == "jdaviz" for cls in type(app).__mro__)


def _is_jdaviz_session(path):
    """Whether ``path`` is a Jdaviz session; an InputError if it is no session at all.

    Read as untrusted input (:func:`glue_mast.provenance.reading.read_json_file`): a FIFO, a
    device, a huge or deeply nested file is refused here, in one line.
    """
    head = read_json_file(path, what="glue or Jdaviz session")
    return str(head.get("schema", "")).startswith(_JDAVIZ_SCHEMA_PREFIX)


def save_session(app_or_collection, path, **options):
    """Save a session with its provenance.

    Parameters
    ----------
    app_or_collection : ``jdaviz.App``, glue Application or DataCollection
        A Jdaviz app is saved as a Jdaviz session manifest
        (:func:`glue_mast.jdaviz.session.save_session`); anything else as a glue session with
        its manifest beside it (:func:`glue_mast.glue.session.save_session`).
    path : path-like
        ``analysis.json`` for Jdaviz, ``analysis.glu`` for glue.
    **options
        Passed on (``check``).
    """
    if _is_jdaviz(app_or_collection):
        from .jdaviz.session import save_session as save_jdaviz

        return save_jdaviz(app_or_collection, path, **options)
    from .glue.session import save_session as save_glue

    return save_glue(app_or_collection, path, **options)


def restore_session(path, *, fetch_missing=True, check=True, app=None, server=None):
    """Restore a session saved by :func:`save_session`, fetching the files it is missing.

    Parameters
    ----------
    path : path-like
        A glue session (``.glu``) or a Jdaviz session manifest (``.json``).
    fetch_missing : bool
        Fetch the files that are missing from their dataURIs and insist on their recorded
        SHA-256 before restoring; with ``False`` a missing file stops the restore with a
        message naming it. A Jdaviz session always fetches what it is missing. A file already
        at a recorded path is never replaced.
    server : str, optional
        Where to fetch missing files from: default the configured server
        (:func:`glue_mast.configure`, ``GLUE_MAST_SERVER``), never one the session or its
        manifest names (a warning says when it names another).
    check : bool
        glue sessions: insist that the manifest records every file the session reads, with
        the size and SHA-256 the file has (see :func:`glue_mast.glue.session.restore_session`:
        a glue session is checked as a received file before glue reads it).
    app : ``jdaviz.App``, optional
        Jdaviz sessions: restore into this app instead of a new one.

    Returns
    -------
    glue Application, DataCollection, or ``jdaviz.App``
        What was saved, restored.
    """
    from .glue.session_guard import precheck

    path = as_path(path, what="glue or Jdaviz session")
    if _is_jdaviz_session(path):
        from .jdaviz.session import restore_session as restore_jdaviz

        return restore_jdaviz(path, app=app, server=server)
    from .glue import session as glue_session

    # A received session is refused for what it names before anything is fetched for it.
    precheck(path, check=check)
    if fetch_missing:
        _fetch_missing_files(path, server)
    return glue_session.restore_session(path, check=check)


def _fetch_missing_files(path, server=None):
    """Re-fetch what a glue session reads and is missing, from the manifest beside it, into
    the places it records (inside the session's directory; nothing there is replaced)."""
    from .glue.session import manifest_path_for, session_files

    missing = [f for f in session_files(path) if not f.is_file()]
    manifest = manifest_path_for(Path(path).resolve())
    if not missing or not os.path.lexists(manifest):
        return  # nothing to do, or nothing to do it from: the restore says which
    # A manifest that is there but no regular file (a FIFO, a link to a device) is refused by
    # reproduce's read in one line, not taken for no manifest.
    from .archive.fetch import reproduce

    result, report = reproduce(manifest, server=server)
    still = [f for f in missing if not f.is_file()]
    if still or not report:
        problems = [f"{o.file.path.name}: {o.message}" for o in result.failed]
        problems += report.lines() or [str(f) for f in still]
        problems = "; ".join(problems)
        what = (
            "its missing files could not be fetched again with the SHA-256 they were saved with"
            if still
            else f"the files its manifest {manifest.name} lists do not all match it"
        )
        raise InputError(
            f"Cannot restore {Path(path).name}: {what} ({problems})",
            field="path",
            value=str(path),
        )
