"""What a fetch records: its files merged into the manifest, written only if something changed.

Called on the fetch job's thread, holding the directory's lock (see :mod:`.lock`), once the
transfers are over. The cost per file is kept to what the file needs: a file the plan found
complete on disk costs no ``stat`` here (its size is known from planning), and a manifest whose
records are all as they were is not written again (a re-fetch of cached files changes nothing).
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from ...util import mtime_iso, sha256_of
from .outcome import FileStatus

__all__ = ["write_manifest"]


def write_manifest(result, path, previous, server, options):
    """Merge ``result``'s files into ``previous`` (or a new manifest) and write it at ``path``.

    Returns the manifest. It is written only when it changed: a new manifest, another server,
    new queries or fields, a record added, changed or dropped (an earlier record whose file is
    no longer there, whole).
    """
    from ...provenance.manifest import Manifest
    from ...provenance.selection import QueryIndex

    changed = previous is None
    m = previous if previous is not None else Manifest(server=server, path=path)
    if m.server != server:
        m.server, changed = server, True
    for key, value in options.manifest_extra.items():  # e.g. what a reproduce came from
        if key not in m.extra:
            m.extra[key], changed = value, True
    # Records by path, as the manifest keeps them (resolved): a planned path with no link on
    # it is its own key, so looking it up here costs no walk of the path's components.
    by_path = {d["path"]: d for d in m.datasets}
    # Sizes this fetch knows without looking (arrived, or found whole when planned).
    known = {}
    for outcome in result.outcomes:
        if (size := _known_size(outcome)) is not None:
            known[os.fspath(outcome.file.path)] = size
    # What an earlier fetch recorded stays only while its file is still there, whole; but a
    # manifest being reproduced in place keeps every record, so a file that could not be
    # fetched again is still listed (and reported missing), never forgotten.
    for key, record in [] if options.keep_missing else list(by_path.items()):
        size = known.get(key)
        whole = _still_whole(record) if size is None else record.get("size") in (None, size)
        if not whole:
            m.remove_dataset(key)
            by_path.pop(key)
            changed = True
    # Each query once, by id; each file's record names those that selected it.
    selecting = QueryIndex(options.queries)
    queries = len(m.queries)
    for query in selecting.by_id.values():
        m.add_query(query)
    changed |= len(m.queries) != queries
    inside = Path(path).resolve().parent
    for outcome in result.outcomes:
        f = outcome.file
        where = f.path if f.resolved else f.path.resolve()
        if not where.is_relative_to(inside):
            continue  # never recorded: the layout refuses links out (defence in depth)
        old = by_path.get(os.fspath(f.path)) if f.resolved else m.dataset_for(f.path)
        if outcome.status in (FileStatus.CANCELLED, FileStatus.FAILED):
            # Planned and not finished: recorded as such, so that verify does not call the
            # manifest complete and reproduce knows what to finish. A record the manifest
            # already has (a reproduce in place) stays, with the checksum it insists on:
            # verify reports its file missing or wrong.
            if old is None:
                m.add_incomplete(_unfinished_record(f, outcome))
                changed = True
            continue
        if outcome.status not in (FileStatus.DOWNLOADED, FileStatus.CACHED):
            continue  # skipped (exclusive access): the fetch reports it, and never began it
        old = old or {}
        digest = outcome.sha256 or old.get("sha256") or sha256_of(f.path)
        updates = {k: v for k, v in f.record.items() if v is not None and k != "path"}
        updates.update(
            dataURI=f.uri,
            path=f.path,
            size=_size_on_disk(outcome),
            sha256=digest,
            downloaded=outcome.downloaded_at or old.get("downloaded") or mtime_iso(f.path),
        )
        if outcome.status is FileStatus.DOWNLOADED:
            # Which copy the bytes came from (.cloud); a cached file keeps its record's.
            updates.update(origin=f.origin or f.url, etag=outcome.etag)
        if outcome.listed_size is not None:
            updates["listed_size"] = outcome.listed_size
        named = selecting.name_in({**old, **updates}).get("queries")
        if named:
            updates["queries"] = named
        doi = options.doi
        given = doi.get(f.uri) if isinstance(doi, dict) else doi
        if given:
            updates["doi"] = given
        # A file served at its listed size again drops the note that it was not.
        drop = outcome.status is FileStatus.DOWNLOADED and outcome.listed_size is None
        if old and not (drop and "listed_size" in old) and _same(updates, old):
            continue  # recorded so already (a cached file): nothing to add
        record = dict(old)
        record.update(updates)
        if drop:
            record.pop("listed_size", None)
        m.add_dataset(record, resolved=f.resolved)
        changed = True
    _remove_stray_temporaries(path)
    if changed or not (Path(path).is_file() and Path(path).with_suffix(".ecsv").is_file()):
        m.write(path)
    return m


def _known_size(outcome):
    """The size of a file this fetch put or found on disk, known without a ``stat`` (its
    path a plan checked for links), or None."""
    if not outcome.file.resolved:
        return None
    if outcome.status is FileStatus.DOWNLOADED:
        return outcome.size
    if outcome.status is FileStatus.CACHED:
        return outcome.file.on_disk
    return None


def _size_on_disk(outcome):
    """The file's size: as it arrived, as planning found it, or (else) from the disk."""
    size = _known_size(outcome)
    return size if size is not None else outcome.file.path.stat().st_size


def _still_whole(record):
    """Whether the file of an earlier record is there, a regular file of its recorded size."""
    try:
        st = os.stat(record["path"])
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode) and (record.get("size") is None or st.st_size == record["size"])


def _same(updates, old):
    """Whether the manifest's ``old`` record says already what ``updates`` would set (as the
    manifest keeps values: plain JSON; the path is the one ``old`` was found by)."""
    from ...util import plain

    return all(key == "path" or plain(value) == old.get(key) for key, value in updates.items())


def _unfinished_record(f, outcome):
    """The manifest's record of a planned file that a fetch did not finish."""
    record = {k: v for k, v in f.record.items() if v is not None}
    record.update(
        dataURI=f.uri,
        path=f.path,
        size=f.size,
        status=str(outcome.status),
        reason=outcome.message or None,
    )
    if f.sha256:  # what the file must be (a reproduce): finishing it later insists on it too
        record["expected_sha256"] = f.sha256
    return record


def _remove_stray_temporaries(path):
    """Remove what an interrupted write of this manifest (and its ECSV view) left behind.

    Called holding the directory's lock, so no other fetch is writing the manifest now.
    """
    from ...util import stray_temporaries

    path = Path(path)
    for stray in [*stray_temporaries(path), *stray_temporaries(path.with_suffix(".ecsv"))]:
        with contextlib.suppress(OSError):  # another's file, or gone: left alone
            stray.unlink()
