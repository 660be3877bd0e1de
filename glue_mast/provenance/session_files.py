"""The files a Jdaviz session was built from, read from its JSON alone, and checked on disk.

A Jdaviz session (schema :data:`JDAVIZ_SESSION_SCHEMA`, written by
``glue_mast.jdaviz.session.save_session``) records for each dataset the MAST record of the
file it came from: dataURI, size, SHA-256 and the path it had. Several datasets can share one
file (the two segments of a COS spectrum, the orders of a STIS echelle), so the session's
files are those records, one per dataURI, with the labels of the datasets read from each:
:class:`SessionFiles`. They are what restoring the session reads, what ``verify`` checks and
what ``reproduce`` fetches again.

Unlike a manifest's, a session's paths are where the files were fetched (the download cache,
or a directory given to the fetch), not below the session: save_session writes them absolute;
a relative one is taken relative to the session's directory.

:func:`read_records` reads a file that is either a manifest or a Jdaviz session, and says in
one line what it expected when it is neither. This module reads JSON only: it imports no
viewer.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import InputError
from .entries import BadEntry, ManifestError, check_file_fields
from .manifest import SCHEMA as MANIFEST_SCHEMA
from .queries import is_reference, query_id, read_queries
from .reading import read_json_file
from .report import VerifyReport

__all__ = [
    "JDAVIZ_SESSION_SCHEMA",
    "SessionFiles",
    "dataset_files",
    "file_key",
    "file_records",
    "read_jdaviz_session",
    "read_records",
]

#: Schema of the Jdaviz session written by ``glue_mast.jdaviz.session.save_session``.
JDAVIZ_SESSION_SCHEMA = "glue-mast/jdaviz-session/1"
_JDAVIZ_PREFIX = "glue-mast/jdaviz-session/"
_MANIFEST_PREFIX = "glue-mast/manifest/"


def _schema(data):
    return str(data.get("schema", "")) if isinstance(data, dict) else ""


def _check_version(path, data):
    if data["schema"] != JDAVIZ_SESSION_SCHEMA:
        raise InputError(
            f"{path} has schema {data['schema']}; this glue-mast reads "
            f"{JDAVIZ_SESSION_SCHEMA}: upgrade glue-mast"
        )


def read_jdaviz_session(path, *, field="path"):
    """The JSON of the Jdaviz session at ``path``, checked to be one.

    The file is read as untrusted input (:func:`.reading.read_json_file`); ``field`` is the
    argument ``path`` was given as, which an error about the file names.

    Raises
    ------
    InputError
        No such file, not JSON, or not a glue-mast Jdaviz session (or of a later version).
    """
    data = read_json_file(path, what="glue-mast Jdaviz session", field=field)
    if not _schema(data).startswith(_JDAVIZ_PREFIX):
        raise InputError(
            f"{path} is not a glue-mast Jdaviz session (schema {JDAVIZ_SESSION_SCHEMA!r}); a "
            "glue session (.glu) is restored with glue_mast.restore_session",
            field="path",
            value=str(path),
        )
    _check_version(path, data)
    return data


def file_key(record):
    """What tells one file record of a session from another: its dataURI, path, size and
    SHA-256. Datasets whose records agree on all four share a file; a dataURI recorded at
    two paths, or with two checksums, is two files to check."""
    return (record["dataURI"], record["path"], record.get("size"), record.get("sha256"))


def dataset_files(session, path):
    """The checked ``file`` record of each of a Jdaviz session's datasets, in order (see
    :func:`file_records`, which merges those of one file)."""
    root = Path(path).resolve().parent
    datasets = session.get("datasets")
    if not isinstance(datasets, list):
        raise InputError(f"{path}: 'datasets' is not a list of records")
    records, problems = [], []
    for index, dataset in enumerate(datasets):
        label = dataset.get("label") if isinstance(dataset, dict) else None
        where = f"{path}: dataset {index}" + (f" ({label!r})" if isinstance(label, str) else "")
        try:
            records.append(_check_record(dataset, root))
        except BadEntry as bad:
            problems.append(f"{where}: {bad}")
    if problems:
        raise ManifestError(problems)
    return records


def file_records(session, path):
    """The records of the files a Jdaviz session's datasets came from, one per file
    (:func:`file_key`).

    Parameters
    ----------
    session : dict
        The session's JSON (:func:`read_jdaviz_session`).
    path : path-like
        Where the session is: a relative path in it is relative to its directory.

    Returns
    -------
    list of dict
        Copies of the datasets' ``file`` records in the session's order, one per file, with
        ``path`` absolute (None if none was recorded), ``sha256`` lower-case and ``labels``
        the labels of the datasets read from the file.

    Raises
    ------
    ManifestError
        One line per dataset whose record cannot be used.
    """
    records = {}
    for dataset, record in zip(session["datasets"], dataset_files(session, path), strict=True):
        label = dataset.get("label")
        kept = records.setdefault(file_key(record), dict(record, labels=[]))
        if isinstance(label, str) and label not in kept["labels"]:
            kept["labels"].append(label)
    return list(records.values())


def _check_record(dataset, root):
    if not isinstance(dataset, dict):
        raise BadEntry(f"not a record (a JSON object) but a {type(dataset).__name__}")
    record = dataset.get("file")
    if not isinstance(record, dict):
        raise BadEntry("no 'file' record (the MAST record of the file it came from)")
    record = dict(record)
    check_file_fields(record)
    value = record.get("path")
    if value in (None, ""):
        record["path"] = None
    elif not isinstance(value, str) or "\0" in value:
        raise BadEntry(f"the path {value!r} is not a file name")
    else:
        record["path"] = os.fspath(root / value)
    return record


class SessionFiles:
    """The files of a Jdaviz session (see the module's documentation).

    Parameters
    ----------
    path : path-like
        The session file.
    session : dict, optional
        Its JSON, if already read.
    """

    def __init__(self, path, session=None):
        session = read_jdaviz_session(path) if session is None else session
        self.path = Path(path).resolve()
        self.created = session.get("created")
        self.records = file_records(session, path)
        self.servers = []
        #: ``{id: query record}``: the session's ``queries``, and those copied whole into
        #: its datasets' provenance by sessions written before queries were stored once.
        self.queries_by_id = read_queries(session.get("queries"), f"{path}: 'queries'")
        for index, dataset in enumerate(session["datasets"]):
            meta = dataset.get("provenance")
            if not isinstance(meta, dict):
                continue
            if isinstance(meta.get("server"), str) and meta["server"] not in self.servers:
                self.servers.append(meta["server"])
            if not isinstance(meta.get("queries"), (list, type(None))):
                raise InputError(
                    f"{path}: datasets[{index}].provenance.queries is not a list of records",
                    field="path",
                    value=str(path),
                )
            for query in meta.get("queries") or []:
                if isinstance(query, dict) and not is_reference(query):
                    self.queries_by_id.setdefault(query_id(query), query)

    @property
    def queries(self):
        """The query records, each once."""
        return list(self.queries_by_id.values())

    @property
    def server(self):
        """The server the files came from (the first, if several), or None."""
        return self.servers[0] if self.servers else None

    def __len__(self):
        return len(self.records)

    def __repr__(self):
        return f"<SessionFiles of {self.path}: {len(self)} files>"

    def verify(self, *, checksums=True, digest=None):
        """Check every file where the session records it: present, size and SHA-256.

        ``digest(path)``, when given, computes a file's SHA-256 (as for
        :meth:`~glue_mast.provenance.Manifest.verify`).

        A file whose record has no SHA-256 (with ``checksums``), or no size (without), is
        not ``ok`` but ``unchecked``: what it holds cannot be told from the record.

        Returns
        -------
        `~glue_mast.provenance.VerifyReport`
            Paths as the session resolves them (absolute).
        """
        report = VerifyReport()
        for record in self.records:
            shown = dict(record, path=record["path"] or "(no path recorded)")
            if record["path"] is None:
                report.missing.append(shown)
            else:
                report.check(
                    record,
                    record["path"],
                    shown,
                    checksums=checksums,
                    source="the session",
                    digest=digest,
                )
        return report


def read_records(path, *, field="manifest"):
    """A manifest or a Jdaviz session's files, whichever ``path`` is.

    The file is read as untrusted input (:func:`.reading.read_json_file`); ``field`` is the
    argument ``path`` was given as (``reproduce``'s and the command line's ``manifest``),
    which an error about the file names.

    Returns
    -------
    `~glue_mast.provenance.Manifest` or `SessionFiles`
        Both have ``verify(checksums=...)`` and a length (the files).

    Raises
    ------
    InputError
        The file is neither, naming it and what was expected.
    """
    from .manifest import Manifest

    data = read_json_file(
        path, what="glue-mast manifest or Jdaviz session", field=field, require_object=False
    )
    schema = _schema(data)
    if schema.startswith(_MANIFEST_PREFIX):
        return Manifest.read(path, field=field)
    if schema.startswith(_JDAVIZ_PREFIX):
        _check_version(path, data)
        return SessionFiles(path, data)
    hint = ""
    if isinstance(data, dict) and "__main__" in data:  # glue's own session JSON
        name = Path(path).stem + ".provenance.json"
        hint = f"; it is a glue session, whose files its manifest {name} beside it lists"
    raise InputError(
        f"{path} is neither a glue-mast manifest (schema {MANIFEST_SCHEMA!r}) nor a glue-mast "
        f"Jdaviz session (schema {JDAVIZ_SESSION_SCHEMA!r}){hint}",
        field=field,
        value=str(path),
    )
