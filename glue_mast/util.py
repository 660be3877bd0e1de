"""Small helpers every layer shares: UTC time stamps, SHA-256 of a file, JSON-safe values,
atomic writes, sizes, and the guard of glue-mast's replacements of host
library functions. Nothing here imports more than the standard library at module level.
"""

from __future__ import annotations

import datetime
import glob
import hashlib
import math
import os
import secrets
from pathlib import Path

__all__ = [
    "MAX_NESTING",
    "atomic_write",
    "decline",
    "format_size",
    "mtime_iso",
    "plain",
    "sha256_of",
    "source_sha256",
    "stray_temporaries",
    "utc_now",
]

#: The deepest nesting of lists and dicts glue-mast takes in a record (a manifest, a session, a
#: dataset's provenance). Its own records nest less than ten levels; the limit keeps a crafted
#: file from ending in a RecursionError, here or in the code that walks the record later.
MAX_NESTING = 64


def utc_now():
    """The current UTC time as ISO 8601 with a ``Z``, to the second."""
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    return now.isoformat().replace("+00:00", "Z")


def sha256_of(path, chunk=1 << 20):
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def plain(value):
    """A JSON-native copy of ``value``: numpy scalars, masked values, NaN and paths handled.

    Raises
    ------
    glue_mast.errors.InputError
        ``value`` nests lists and dicts more than :data:`MAX_NESTING` levels deep (or holds
        itself).
    """
    kind = type(value)
    if value is None or kind is str or kind is int or kind is bool:  # most values: at once
        return value
    if kind is float:
        return value if math.isfinite(value) else None
    import numpy as np

    return _plain(value, np, 1)


def _plain(value, np, depth):
    if value is None or value is np.ma.masked:
        return None
    if isinstance(value, (dict, list, tuple, np.ndarray)) and depth > MAX_NESTING:
        from .errors import InputError

        raise InputError(
            f"a record nested more than {MAX_NESTING} levels deep (or holding itself) cannot "
            "be kept as provenance; glue-mast's records nest a few levels"
        )
    if isinstance(value, dict):
        return {str(k): _plain(v, np, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, np, depth + 1) for v in value]
    if isinstance(value, np.ndarray):
        return [_plain(v, np, depth + 1) for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    return str(value)


def atomic_write(path, text):
    """Write ``text`` to ``path`` so that readers see the old file or the new, never a mix.

    The file gets the mode any file written here gets (0666 less the umask, as the data
    files beside it), not ``mkstemp``'s 0600: a manifest must be as readable as the data it
    describes. The temporary file is ``.NAME.<random>.tmp`` (see :func:`stray_temporaries`).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    for _ in range(100):
        tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
        try:
            fd = os.open(tmp, flags, 0o666)  # the kernel applies the umask
            break
        except FileExistsError:
            continue
    else:
        raise FileExistsError(f"no free temporary name for {path} in {path.parent}")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def stray_temporaries(path):
    """The temporary files :func:`atomic_write` left beside ``path`` when it was stopped
    (a process killed mid-write): ``.NAME.<random>.tmp``."""
    path = Path(path)
    try:
        return [
            p
            for p in path.parent.glob(f".{glob.escape(path.name)}.*.tmp")
            if p.is_file() and not p.is_symlink()
        ]
    except OSError:
        return []


def mtime_iso(path):
    """A file's modification time as UTC ISO 8601 with a ``Z``, to the second."""
    stamp = datetime.datetime.fromtimestamp(Path(path).stat().st_mtime, datetime.timezone.utc)
    return stamp.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def format_size(n):
    """A byte count in decimal SI units, as the progress bar shows it: ``"1.9 MB"``.

    One convention everywhere (1 kB = 1000 B), so that the progress bar, a summary line and a
    dialog's total agree.
    """
    n = float(n)
    units = ("B", "kB", "MB", "GB", "TB", "PB")
    for unit in units:
        # Round before comparing, so that 999,999 B reads "1.0 MB", not "1000.0 kB".
        shown = round(n) if unit == "B" else round(n, 1)
        if abs(shown) < 1000 or unit == units[-1]:
            return f"{shown:.0f} {unit}" if unit == "B" else f"{shown:.1f} {unit}"
        n /= 1000


def source_sha256(*functions):
    """SHA-256 of the sources of ``functions``, one after the other; None without source.

    The guard of every replacement of a host library's function (see the design notes, "What
    glue-mast replaces in other libraries"): a replacement is made only when the function it
    replaces is the code it was written against.
    """
    import inspect

    try:
        source = "".join(inspect.getsource(f) for f in functions)
    except (OSError, TypeError):  # no source to read (a frozen or stripped install)
        return None
    return hashlib.sha256(source.encode()).hexdigest()


_declined = set()


def decline(what, why, setting=None):
    """Log, once per process, that the replacement of ``what`` was not made, and why.

    Parameters
    ----------
    what : str
        The host library's function, e.g. ``"astroquery.mast.utils._simple_request"``.
    why : str
        Why it was left alone, e.g. "its source is not the one glue-mast was written against".
    setting : str, optional
        The glue-mast setting that switches the replacement (named so it can be turned off).

    Returns
    -------
    bool
        False, for ``return decline(...)``.
    """
    import logging

    if (what, why) not in _declined:
        _declined.add((what, why))
        switch = f" (setting: glue_mast.conf.{setting})" if setting else ""
        logging.getLogger("glue_mast").warning(
            "glue-mast does not replace %s: %s; the library's own runs%s", what, why, switch
        )
    return False
