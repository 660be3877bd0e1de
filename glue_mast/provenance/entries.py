"""Checking a manifest's dataset entries before anything trusts them.

A manifest is input like any other: it may be hand-edited, truncated, or written to attack
whoever runs ``verify`` or ``reproduce`` on it. Every entry must be a record with a dataURI,
a size that is a whole number of bytes, a SHA-256 of 64 hex digits, and a path that names a
file strictly inside the manifest's directory - after symbolic links are followed - that is
not one of the files glue-mast keeps there itself (the manifest, its ECSV view, the lock of
fetches, a download's temporary ``.part``, the glue session a session's manifest goes with).
Each entry that is not gets one line naming it, so that a person can find and fix it.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path, PurePosixPath, PureWindowsPath

from ..errors import BadEntry, ManifestError

__all__ = [
    "LOCK_NAME",
    "PART_SUFFIXES",
    "BadEntry",
    "ManifestError",
    "check_entries",
    "check_file_fields",
    "reserved_names",
    "strictly_inside",
]

#: The lock file a fetch holds in its directory while it writes there.
LOCK_NAME = ".glue-mast.lock"
#: Suffixes of the files a download is written under before it takes its final name.
PART_SUFFIXES = (".part", ".part.meta")

_SHA256 = re.compile(r"[0-9a-fA-F]{64}")


def reserved_names(manifest_path, session=None):
    """Names (case-folded) of the files glue-mast keeps beside a manifest, and what each is.

    ``session`` is the file name of the glue session a session's manifest goes with (its
    ``session`` field), which no dataset may replace either.
    """
    manifest_path = Path(manifest_path)
    names = {
        manifest_path.name.casefold(): "the manifest itself",
        manifest_path.with_suffix(".ecsv").name.casefold(): "the manifest's ECSV view",
        LOCK_NAME.casefold(): "the lock file of fetches",
    }
    if isinstance(session, str) and session:
        names.setdefault(session.casefold(), "the glue session the manifest goes with")
    return names


def strictly_inside(path, root):
    """Whether ``path`` (resolved) lies below ``root`` (resolved), and is not ``root`` itself."""
    return path != root and path.is_relative_to(root)


def check_entries(manifest_path, datasets, session=None):
    """Check the ``datasets`` list read from the manifest at ``manifest_path``.

    ``session`` is the manifest's ``session`` field (see :func:`reserved_names`).

    Returns
    -------
    records : list of dict
        Copies of the entries with ``path`` absolute (resolved) and ``sha256`` lower-case.

    Raises
    ------
    ManifestError
        Listing every unusable entry, one line each.
    """
    root = Path(manifest_path).resolve().parent
    reserved = reserved_names(manifest_path, session)
    below = _Below(root)
    records, problems, seen = [], [], {}
    for index, entry in enumerate(datasets):
        label = f"dataset {index}"
        if isinstance(entry, dict) and entry.get("path") is not None:
            label += f" ({entry['path']!r})"
        try:
            record = _check_entry(entry, root, reserved, below)
            key = record["path"]
            if key in seen:
                raise _Bad(f"the path is listed twice (as dataset {seen[key]})")
            seen[key] = index
            records.append(record)
        except _Bad as bad:
            problems.append(f"{manifest_path}: {label}: {bad}")
    if problems:
        raise ManifestError(problems)
    return records


_Bad = BadEntry


def check_file_fields(record):
    """Check a file record's ``dataURI``, ``size`` and ``sha256`` in place (a manifest's
    dataset, a Jdaviz session's file); the SHA-256 is lowercased. Raises `BadEntry`."""
    uri = record.get("dataURI")
    if not isinstance(uri, str) or not uri.strip():
        raise _Bad("no dataURI (the MAST URI the file is fetched from)")
    size = record.get("size")
    if size is not None and (type(size) is not int or size < 0):
        raise _Bad(f"size {size!r} is not a whole number of bytes")
    sha = record.get("sha256")
    if sha is not None:
        if not isinstance(sha, str) or not _SHA256.fullmatch(sha):
            raise _Bad(f"sha256 {sha!r} is not 64 hex digits")
        record["sha256"] = sha.lower()


def _check_entry(entry, root, reserved, below=None):
    if not isinstance(entry, dict):
        raise _Bad(f"not a record (a JSON object) but a {type(entry).__name__}")
    record = dict(entry)
    relative = _check_path(record.get("path"), reserved)
    check_file_fields(record)
    target = below.plain_target(relative) if below is not None else None
    record["path"] = target if target is not None else _check_target(root, relative, reserved)
    return record


def _check_path(value, reserved):
    """The path as relative parts, judged from its text alone."""
    if value is None or value == "":
        raise _Bad("no path")
    if not isinstance(value, str):
        raise _Bad("the path is not a string")
    if "\0" in value:
        raise _Bad("the path holds a NUL character")
    # Judged as both POSIX and Windows paths: manifests move between machines.
    posix, windows = PurePosixPath(value), PureWindowsPath(value)
    if posix.is_absolute() or windows.drive or windows.root:
        raise _Bad("the path is absolute; dataset paths are relative to the manifest's directory")
    if ".." in posix.parts or ".." in windows.parts:
        raise _Bad("the path climbs with '..'; dataset paths stay inside the manifest's directory")
    if not posix.parts:
        raise _Bad("the path names no file inside the manifest's directory")
    if posix.name.casefold().endswith(PART_SUFFIXES):
        # It would be another entry's temporary file while that one downloads.
        raise _Bad("the path ends as a download's temporary file does (.part)")
    _check_reserved(posix.parts, reserved)
    return posix


def _check_reserved(parts, reserved):
    what = reserved.get(parts[0].casefold())
    if what is not None:
        if len(parts) == 1:
            raise _Bad(f"the path is {what}; a dataset must not replace it")
        raise _Bad(f"the path runs through {what}")


class _Below:
    """What lies below a manifest's (resolved) directory, each directory looked at once.

    A manifest of N files had each path resolved (an ``lstat`` of every component, the
    manifest's own directory's included) and each of its directories tested again: most of
    the time a re-fetch spent reading it. Here a directory costs one ``lstat`` for all the
    entries below it, and a file one; a path with a symbolic link on it, or one that cannot
    be looked at, is left to :func:`_check_target`, which follows links.
    """

    def __init__(self, root):
        self.root = root
        self._root = os.fspath(root)
        self._dirs = {}  # relative directory (tuple of parts) -> "dir", "missing", "file"

    def _kind(self, parts):
        """"dir", "missing", "file" or None (a link, or an error: follow the slow path) for
        the directory of relative ``parts`` (a tuple)."""
        if not parts:
            return "dir"
        kind = self._dirs.get(parts, False)
        if kind is not False:
            return kind
        above = self._kind(parts[:-1])
        if above in ("missing", "file"):
            kind = "missing"
        elif above is None:
            kind = None
        else:
            try:
                mode = os.lstat(os.path.join(self._root, *parts)).st_mode
            except FileNotFoundError:
                kind = "missing"
            except OSError:
                kind = None
            else:
                kind = None if stat.S_ISLNK(mode) else "dir" if stat.S_ISDIR(mode) else "file"
        self._dirs[parts] = kind
        return kind

    def plain_target(self, relative):
        """The absolute path of ``relative`` if no link lies on it and it passes the checks
        of :func:`_check_target` (raising as that does), or None to leave it to that."""
        parts = relative.parts
        target = os.path.join(self._root, *parts)
        for depth in range(1, len(parts)):
            kind = self._kind(parts[:depth])
            if kind is None:
                return None
            if kind == "file":
                raise _Bad(f"the path runs through the file {'/'.join(parts[:depth])}")
            if kind == "missing":
                return Path(target)
        try:
            mode = os.lstat(target).st_mode
        except FileNotFoundError:
            return Path(target)
        except OSError:
            return None
        if stat.S_ISLNK(mode):
            return None
        if stat.S_ISDIR(mode):
            raise _Bad("the path is a directory, not a file")
        return Path(target)


def _check_target(root, relative, reserved):
    """The absolute path of ``relative`` below ``root`` once links are followed, if inside."""
    try:
        target = (root / relative).resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a loop of links (Python < 3.13)
        raise _Bad(f"the path cannot be followed ({exc})") from None
    if not target.is_relative_to(root):
        raise _Bad(
            f"the path leads through a symbolic link to {target}, outside the manifest's "
            "directory"
        )
    if target == root:
        raise _Bad("the path names no file inside the manifest's directory")
    inside = target.relative_to(root)
    _check_reserved(inside.parts, reserved)
    try:
        for parent in reversed(inside.parents[:-1]):
            if (root / parent).exists() and not (root / parent).is_dir():
                raise _Bad(f"the path runs through the file {parent.as_posix()}")
        if target.is_dir():
            raise _Bad("the path is a directory, not a file")
    except OSError as exc:  # too long a name, no access
        raise _Bad(f"the path cannot be used here ({exc.strerror or exc})") from None
    return target
