"""The provenance manifest: what was asked of MAST, what came back, and what is on disk.

Schema ``glue-mast/manifest/1`` is plain JSON (string keys, ISO times, numbers, strings, lists,
dicts), because glue sessions drop or choke on Time, Quantity, Header and non-string keys
(glue's ``Data`` saver in ``glue/core/state.py`` silently drops ``meta`` values it cannot
serialise). It holds:

- ``schema``, ``created`` (UTC ISO 8601), ``software`` (versions of glue-mast, astroquery,
  astropy, specutils, glue-core, jdaviz, numpy, Python), ``server`` (the base URL; never a
  token);
- ``queries``: each query once, as given and as sent (service, criteria, resolved
  coordinates, radius, page, page size) with the row count seen, and its ``id``
  (:mod:`.queries`); a dataset names the ids of the queries that selected its file;
- ``datasets``: one record per file with its MAST identity (collection, instrument, obs_id,
  obsid, parent_obsid, dataURI, file name, product type and subgroup, calibration level, data
  rights, release date, proposal, PI, pipeline version), its ``size`` and ``sha256``, its
  ``path`` relative to the manifest, when it was downloaded, a DOI where known or given, and
  the data label it was loaded as;
- ``incomplete`` (only when there are any): the files a fetch planned and did not finish
  (cancelled, interrupted, failed), each with its dataURI, ``path``, the listed ``size``,
  ``status`` and, when the file must have known bytes (a reproduce), ``expected_sha256``;
  ``verify`` reports them and ``reproduce`` finishes them. A reader that predates
  the field keeps it unread, so the schema stays ``glue-mast/manifest/1``.

Reading a manifest checks every entry (:mod:`.entries`): a path that is not a file strictly
inside the manifest's directory once links are followed, or that names the manifest, its ECSV
view or the lock of fetches, and values of the wrong kind, each get one line naming the entry.

The JSON is the record; an ECSV table with the same datasets is written beside it for people
and spreadsheets. Both are written atomically: a reader sees the old file or the new one,
never half of one; they are as readable as the data (0666 less the umask).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from ..errors import InputError
from ..util import atomic_write, plain, sha256_of, utc_now
from .entries import check_entries
from .queries import query_id, query_records, read_queries
from .reading import read_json_file
from .report import VerifyReport

__all__ = [
    "DATASET_FIELDS",
    "OBSERVATION_FIELDS",
    "SCHEMA",
    "Manifest",
    "VerifyReport",
    "sha256_of",
]

SCHEMA = "glue-mast/manifest/1"
_SHA256 = re.compile(r"[0-9a-fA-F]{64}")

#: Fields of a dataset record, in the order they are written.
DATASET_FIELDS = (
    "obs_collection",
    "instrument_name",
    "target_name",
    "obs_id",
    "obsid",
    "parent_obsid",
    "dataURI",
    "productFilename",
    "productType",
    "productSubGroupDescription",
    "calib_level",
    "dataRights",
    "t_obs_release",
    "proposal_id",
    "proposal_pi",
    "prvversion",
    "size",
    "sha256",
    "path",
    "downloaded",
    "origin",
    "etag",
    "doi",
    "label",
)

#: Observation fields worth carrying into each file's provenance record, beside DATASET_FIELDS.
OBSERVATION_FIELDS = (
    "instrument_name",
    "target_name",
    "proposal_pi",
    "t_obs_release",
    "provenance_name",
    "s_ra",
    "s_dec",
    "t_min",
    "t_max",
)


_SOFTWARE = ("glue-mast", "astroquery", "astropy", "specutils", "glue-core", "jdaviz", "numpy")


def software_versions():
    """Versions of the software that matters for reproducing a result (None if absent)."""
    import platform
    from importlib import metadata

    versions = {}
    for name in _SOFTWARE:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    versions["python"] = platform.python_version()
    return versions


class Manifest:
    """A provenance manifest (schema ``glue-mast/manifest/1``).

    Datasets are kept with absolute paths in memory and written relative to the manifest's
    own directory, so a manifest and its files can move together.
    """

    def __init__(
        self,
        *,
        server,
        queries=None,
        datasets=None,
        created=None,
        software=None,
        path=None,
        extra=None,
        incomplete=None,
    ):
        self.server = server
        #: ``{id: query record}``, each query once (:mod:`.queries`); a dict given (as
        #: :func:`.queries.read_queries` makes) is taken as it is.
        self.queries_by_id: dict[str, dict] = dict(queries) if isinstance(queries, dict) else {}
        for query in [] if isinstance(queries, dict) else queries or []:
            self.add_query(query)
        self.created = created or utc_now()
        self.software = software or software_versions()
        self.path = Path(path).resolve() if path else None
        self.extra = dict(extra or {})
        self._datasets: dict[str, dict] = {}
        self._incomplete: dict[str, dict] = {}
        for record in incomplete or []:
            self.add_incomplete(record)
        for record in datasets or []:
            self.add_dataset(record)

    # -- content ------------------------------------------------------------------------------

    @property
    def datasets(self):
        """Dataset records, with ``path`` absolute."""
        return list(self._datasets.values())

    def add_dataset(self, record, *, resolved=False):
        """Add or replace (by path) one dataset record; a file recorded whole is no longer
        incomplete.

        ``resolved``: the record's ``path`` is absolute and resolved already (as a manifest
        read, or a fetch's plan, gives it), so it is not resolved again (which looks at every
        component of the path).
        """
        record = {k: plain(record.get(k)) for k in DATASET_FIELDS} | {
            k: plain(v) for k, v in record.items() if k not in DATASET_FIELDS
        }
        if not record.get("path"):
            raise ValueError("a dataset record needs a path")
        path = record["path"]
        record["path"] = os.fspath(path if resolved else Path(path).resolve())
        self._incomplete.pop(record["path"], None)
        self._datasets[record["path"]] = record
        return record

    def remove_dataset(self, path):
        self._datasets.pop(os.fspath(Path(path).resolve()), None)

    @property
    def incomplete(self):
        """Records of the files a fetch planned and did not finish, with ``path`` absolute."""
        return list(self._incomplete.values())

    def add_incomplete(self, record):
        """Record (by path) a file a fetch planned and did not finish: its dataURI, ``path``,
        listed ``size`` and ``status`` (``"cancelled"``, ``"failed"``). It replaces a dataset
        record of the same path: what is there is not the file that was planned."""
        record = {k: plain(v) for k, v in record.items() if k not in ("sha256", "downloaded")}
        if not record.get("path"):
            raise ValueError("an incomplete record needs a path")
        record["path"] = os.fspath(Path(record["path"]).resolve())
        self._datasets.pop(record["path"], None)
        self._incomplete[record["path"]] = record
        return record

    @property
    def queries(self):
        """The query records, each once, in the order they were first recorded."""
        return list(self.queries_by_id.values())

    def add_query(self, record):
        """Record a query (once: a query recorded already is kept as it was); its id."""
        record = plain({k: v for k, v in record.items() if k != "id"})
        qid = query_id(record)
        self.queries_by_id.setdefault(qid, record)
        return qid

    def dataset_for(self, path):
        """The record of the file at ``path``, or None."""
        return self._datasets.get(os.fspath(Path(path).resolve()))

    def __len__(self):
        return len(self._datasets)

    def __repr__(self):
        size = sum(d.get("size") or 0 for d in self.datasets)
        where = f" at {self.path}" if self.path else ""
        unfinished = f", {len(self._incomplete)} incomplete" if self._incomplete else ""
        return (
            f"<Manifest{where}: {len(self)} files, {size:,} bytes{unfinished}, "
            f"{len(self.queries)} queries, server {self.server}>"
        )

    # -- reading and writing ----------------------------------------------------------------

    def to_dict(self, root=None):
        """The manifest as plain JSON data, paths relative to ``root`` (its directory)."""
        root = Path(root or (self.path.parent if self.path else Path.cwd())).resolve()
        datasets = []
        for record in self.datasets:
            record = dict(record)
            record["path"] = Path(os.path.relpath(record["path"], root)).as_posix()
            datasets.append(record)
        datasets.sort(key=lambda r: r["path"])
        incomplete = [
            dict(r, path=Path(os.path.relpath(r["path"], root)).as_posix())
            for r in self.incomplete
        ]
        incomplete.sort(key=lambda r: r["path"])
        out = {
            "schema": SCHEMA,
            "created": self.created,
            "software": self.software,
            "server": self.server,
        }
        out.update(self.extra)
        out.update({"queries": query_records(self.queries_by_id), "datasets": datasets})
        if incomplete:
            out["incomplete"] = incomplete
        return out

    def to_table(self, root=None):
        """The datasets as an astropy Table (the ECSV view)."""
        from astropy.table import Table

        rows = self.to_dict(root)["datasets"]
        names = list(DATASET_FIELDS)
        columns = {n: [r.get(n) for r in rows] for n in names}
        table = Table()
        for name in names:
            values = columns[name]
            if (
                all(isinstance(v, int) and not isinstance(v, bool) for v in values if v is not None)
                and any(v is not None for v in values)
                and None not in values
            ):
                table[name] = values
            else:
                table[name] = ["" if v is None else str(v) for v in values]
        table.meta.update(
            {
                "schema": SCHEMA,
                "created": self.created,
                "server": self.server,
                "manifest": "the JSON file of the same name is the full record",
            }
        )
        return table

    def write(self, path=None):
        """Write the JSON manifest and its ECSV view (``.ecsv`` beside it), atomically."""
        import io

        path = Path(path or self.path).resolve()
        self.path = path
        text = json.dumps(self.to_dict(path.parent), indent=1, allow_nan=False)
        atomic_write(path, text + "\n")
        buffer = io.StringIO()
        self.to_table(path.parent).write(buffer, format="ascii.ecsv")
        atomic_write(path.with_suffix(".ecsv"), buffer.getvalue())
        return path

    @classmethod
    def read(cls, path, *, field="path"):
        """Read a manifest, checking that it is one.

        The file is read as untrusted input (:func:`.reading.read_json_file`): only a regular
        file, of bounded size, of bounded nesting. ``field`` is the argument ``path`` was
        given as, which an `InputError` about the file names.
        """
        data = read_json_file(path, what="glue-mast manifest", field=field)
        path = Path(path)
        if not isinstance(data, dict) or not str(data.get("schema", "")).startswith(
            "glue-mast/manifest/"
        ):
            raise InputError(f"{path} is not a glue-mast manifest (no 'schema' field)")
        if data["schema"] != SCHEMA:
            raise InputError(
                f"{path} has schema {data['schema']}; this glue-mast reads {SCHEMA}:"
                " upgrade glue-mast"
            )
        datasets = data.get("datasets")
        if datasets is None:
            datasets = []
        if not isinstance(datasets, list):
            raise InputError(f"{path}: 'datasets' is not a list of records")
        queries = read_queries(data.get("queries"), f"{path}: 'queries'")
        if not isinstance(data.get("server"), (str, type(None))):
            raise InputError(f"{path}: 'server' is not a URL but {data['server']!r}")
        datasets = check_entries(path, datasets, data.get("session"))
        incomplete = data.get("incomplete")
        if not isinstance(incomplete, (list, type(None))):
            raise InputError(f"{path}: 'incomplete' is not a list of records")
        incomplete = check_entries(path, incomplete or [], data.get("session"))
        for index, record in enumerate(incomplete):
            sha = record.get("expected_sha256")
            if sha is not None and not (isinstance(sha, str) and _SHA256.fullmatch(sha)):
                raise InputError(
                    f"{path}: incomplete entry {index}: expected_sha256 {sha!r} is not 64 hex"
                    " digits"
                )
        known = {"schema", "created", "software", "server", "queries", "datasets", "incomplete"}
        manifest = cls(
            server=data.get("server"),
            queries=queries,
            created=data.get("created"),
            software=data.get("software"),
            path=path,
            extra={k: v for k, v in data.items() if k not in known},
            incomplete=incomplete,
        )
        for record in datasets:  # (check_entries resolved their paths)
            manifest.add_dataset(record, resolved=True)
        return manifest

    # -- checking -------------------------------------------------------------------------------

    def verify(self, *, checksums=True, digest=None):
        """Check every file's size and (unless ``checksums=False``) SHA-256 against the record.

        ``digest(path)``, when given, computes a file's SHA-256 (see :meth:`VerifyReport.check`;
        ``glue_mast.archive.fetch.verify_on_cluster`` has a Dask cluster's workers compute them).

        A file whose record has no SHA-256 (with ``checksums``), or no size (without), is not
        ``ok`` but ``unchecked``: what it holds cannot be told from the record. glue-mast
        records a SHA-256 for every file it fetched; a manifest written by hand may not. A file
        a fetch planned and did not finish (``incomplete``) is reported as such, not read.
        """
        report = VerifyReport()
        for record in self.incomplete:
            report.incomplete.append(dict(record, path=self._shown(Path(record["path"]))))
        root = self.path.parent if self.path is not None else None
        for record in self.datasets:
            path = Path(record["path"])
            report.check(
                record,
                path,
                dict(record, path=self._shown(path)),
                checksums=checksums,
                source="the manifest",
                root=root,
                digest=digest,
            )
        return report

    def _shown(self, path):
        if self.path is not None:
            try:
                return Path(os.path.relpath(path, self.path.parent)).as_posix()
            except ValueError:
                pass
        return os.fspath(path)
