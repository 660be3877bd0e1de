"""Small helpers every layer shares: UTC time stamps, SHA-256 of a file, JSON-safe values,
atomic writes, sizes, and the guard of glue-mast's replacements of host
library functions. Nothing here imports more than the standard library at module level.
"""

from __future__ import annotations

import datetime
import hashlib
import math
import os
import tempfile
from pathlib import Path

__all__ = [
    "atomic_write",
    "decline",
    "format_size",
    "mtime_iso",
    "plain",
    "sha256_of",
    "source_sha256",
    "utc_now",
]


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
    """A JSON-native copy of ``value``: numpy scalars, masked values, NaN and paths handled."""
    import numpy as np

    if value is None or value is np.ma.masked:
        return None
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value.tolist()]
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
    """Write ``text`` to ``path`` so that readers see the old file or the new, never a mix."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
