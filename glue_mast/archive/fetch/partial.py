"""A download in progress: ``<name>.part``, and the record beside it that vouches for its bytes.

A ``.part`` is resumed only when ``<name>.part.meta``, written by this module, says what it
holds: the dataURI, the server's validator (ETag, Last-Modified) and size from the response its
first byte came from, and a checkpoint, ``part_size`` bytes whose SHA-256 is ``part_sha256``.
On resuming, those first ``part_size`` bytes are hashed again: if they are not what was
received (the file was overwritten, or garbage was planted), the ``.part`` starts again from
byte 0; anything after the checkpoint (written just before a process was killed) is cut off
and fetched again. So a resumed file is always what the server sent, in order, from one
version of the file (the resume carries ``If-Range``: see :mod:`.transfer`).

The record is replaced atomically (a temporary file renamed over it), never written through a
symbolic link, and not fsynced: a record lost in a crash only makes the ``.part`` start again.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat

__all__ = [
    "CHECKPOINT_BYTES",
    "CHECKPOINT_SECONDS",
    "checkpoint",
    "discard",
    "meta_path",
    "resumable",
    "same_file",
    "validator",
    "write_meta",
]

#: A checkpoint after this many bytes or seconds, whichever comes first (and whenever a
#: transfer stops): a fetch killed outright loses no more than that.
CHECKPOINT_BYTES = 8 << 20
CHECKPOINT_SECONDS = 2.0
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # (not on Windows, which has no such links to plant)
_READ = 1 << 20


def meta_path(f):
    """``<name>.part.meta``, the record beside ``f``'s ``.part``."""
    return f.part.with_name(f.part.name + ".meta")


def discard(f):
    """Remove ``f``'s ``.part`` and its record (a link goes, not what it points at)."""
    f.part.unlink(missing_ok=True)
    meta_path(f).unlink(missing_ok=True)


def resumable(f):
    """``(offset, meta, hasher)`` to resume ``f`` from, or ``(0, {}, None)`` to start again
    (``(0, None, None)`` when there is no ``.part`` at all: nothing to discard).

    ``hasher`` holds the SHA-256 of the first ``offset`` bytes, checked against the record; a
    ``.part`` with no record, a record for another file, or one whose server gave no validator
    (without ``If-Range`` the rest could come from a newer file, and the splice would go
    unnoticed) is discarded. One ``lstat`` tells all when there is nothing to resume.
    """
    try:
        st = os.lstat(f.part)
    except FileNotFoundError:
        return 0, None, None  # (a record alone is replaced by the next one written)
    except OSError:
        st = None
    if st is not None and stat.S_ISLNK(st.st_mode):
        discard(f)
        return 0, {}, None
    size_on_disk = st.st_size if st is not None and stat.S_ISREG(st.st_mode) else 0
    if not size_on_disk:
        return 0, {}, None
    meta = _read(f)
    hasher = _checked_prefix(f, meta, size_on_disk) if meta is not None else None
    if hasher is None or not validator(meta):
        discard(f)
        return 0, {}, None
    offset = meta["part_size"]
    if offset < size_on_disk:
        os.truncate(f.part, offset)  # received after the last checkpoint: unvouched
    if not offset:
        discard(f)
        return 0, {}, None
    return offset, meta, hasher


def _read(f):
    try:
        # O_NOFOLLOW: a record that is a symbolic link is no record of ours.
        fd = os.open(meta_path(f), os.O_RDONLY | _NOFOLLOW)
        with os.fdopen(fd, encoding="utf-8") as record:
            meta = json.loads(record.read())
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or meta.get("uri") != f.uri:
        return None
    size, part_size = meta.get("size"), meta.get("part_size")
    if not isinstance(part_size, int) or part_size < 0:
        return None
    if size is not None and (not isinstance(size, int) or part_size > size):
        return None
    return meta


def _checked_prefix(f, meta, size_on_disk):
    """The SHA-256 state of the checkpointed bytes, if they are still what was received."""
    want = meta["part_size"]
    if size_on_disk < want:
        return None
    hasher = hashlib.sha256()
    left = want
    with open(f.part, "rb") as part:
        while left and (block := part.read(min(_READ, left))):
            hasher.update(block)
            left -= len(block)
    return hasher if not left and hasher.hexdigest() == meta.get("part_sha256") else None


def write_meta(f, size, headers):
    """Start the record of a fresh response: its validators and size, nothing received yet."""
    meta = {
        "uri": f.uri,
        "etag": headers.get("ETag"),
        "last_modified": headers.get("Last-Modified"),
        "size": size,
        "part_size": 0,
        "part_sha256": hashlib.sha256().hexdigest(),
    }
    _replace(f, meta)
    return meta


def checkpoint(f, meta, part_size, hasher):
    """Record that the first ``part_size`` bytes of the ``.part`` hash to ``hasher``."""
    meta = dict(meta, part_size=part_size, part_sha256=hasher.hexdigest())
    _replace(f, meta)
    return meta


def _replace(f, meta):
    path = meta_path(f)
    tmp = path.with_name(f".{path.name}.tmp")
    # O_EXCL and O_NOFOLLOW: never write through a link someone planted under this name. One
    # left over (a process killed mid-write) is removed then, not looked for every time.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW
    try:
        fd = os.open(tmp, flags, 0o644)
    except FileExistsError:
        tmp.unlink(missing_ok=True)
        fd = os.open(tmp, flags, 0o644)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(json.dumps(meta))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def validator(meta):
    """The ``If-Range`` value for a resume: a strong ETag, else the Last-Modified date."""
    etag = meta.get("etag")
    if etag and not etag.startswith("W/"):
        return etag
    return meta.get("last_modified")


def same_file(meta, response, total):
    """Whether a 206 answer (of ``total`` bytes in all) comes from the file the ``.part``
    began with."""
    for key, header in (("etag", "ETag"), ("last_modified", "Last-Modified")):
        now = response.headers.get(header)
        if meta.get(key) and now and now != meta[key]:
            return False
    return meta.get("size") is None or total is None or total == meta["size"]
