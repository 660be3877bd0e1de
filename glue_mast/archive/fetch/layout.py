"""Where a MAST product goes on disk and where it is fetched from.

The layout is ``DIR/<collection>/<obs_id>/<file>``; every component is made from
server-supplied text by :func:`safe_component`, so no product can name a path of its own, and
every name is portable (manifests and sessions move between machines): none is reserved on
Windows, and :func:`glue_mast.archive.fetch.plan` gives names that differ only in case
distinct files. A file's final name never ends as a temporary one does (:data:`PART_SUFFIXES`).
"""

from __future__ import annotations

import re

# Defined with the server settings (the configured server's addresses), used by manifests too.
from ...config import DOWNLOAD_PATH, download_url

# Defined with the manifest's checks (the layer below), which refuse entries of these names.
from ...provenance.entries import LOCK_NAME, PART_SUFFIXES

__all__ = [
    "DOWNLOAD_PATH",
    "LOCK_NAME",
    "PART_SUFFIXES",
    "download_url",
    "safe_component",
    "safe_filename",
]

_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]")
#: A name :func:`safe_component` leaves as it is: safe characters, no dot first or last, and
#: at most 200 of them.
_SAFE = re.compile(r"[A-Za-z0-9_+-](?:[A-Za-z0-9._+-]{0,198}[A-Za-z0-9_+-])?")
# Device names Windows reserves whatever the extension ("NUL.fits" is NUL too); see
# https://learn.microsoft.com/windows/win32/fileio/naming-a-file#naming-conventions
_WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"]
    + [f"{dev}{n}" for dev in ("com", "lpt") for n in "0123456789"]
)  # (the superscript-digit variants cannot occur: _UNSAFE replaces those characters)


def safe_component(text, fallback="_"):
    """One path component made from server-supplied text, never a path of its own.

    Separators, ``.``/``..``, leading dots and anything outside ``[A-Za-z0-9._+-]`` are
    replaced, so ``"../../etc/passwd"`` becomes ``"etc_passwd"`` and stays where it is put.
    """
    if (
        isinstance(text, str)
        and _SAFE.fullmatch(text)
        and text.partition(".")[0].casefold() not in _WINDOWS_RESERVED
    ):
        return text  # safe as it is (most names): the same as the steps below would give
    parts = [p for p in re.split(r"[\\/]+", str(text)) if p not in ("", ".", "..")]
    # Windows drops trailing dots, so "x.fits." and "x.fits" would be one file there.
    name = _UNSAFE.sub("_", "_".join(parts)).lstrip(".")[:200].rstrip(".")
    if not name:
        return fallback
    stem, dot, rest = name.partition(".")
    if stem.casefold() in _WINDOWS_RESERVED:
        name = f"{stem}_{dot}{rest}"
    return name


def safe_filename(text, fallback="_"):
    """A file's final name: :func:`safe_component`, never ending as a temporary file does.

    ``"y.fits.part"`` becomes ``"y.fits_part"``, so that it cannot be the ``.part`` of a
    product ``"y.fits"`` in the same directory.
    """
    name = safe_component(text, fallback)
    for suffix in sorted(PART_SUFFIXES, key=len, reverse=True):
        if name.casefold().endswith(suffix):
            return name[: -len(suffix)] + "_" + name[-len(suffix) + 1 :]
    return name
