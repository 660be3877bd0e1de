"""Where a MAST product goes on disk and where it is fetched from.

The layout is ``DIR/<collection>/<obs_id>/<file>``; every component is made from
server-supplied text by :func:`safe_component`, so no product can name a path of its own.
"""

from __future__ import annotations

import re
import urllib.parse

__all__ = ["DOWNLOAD_PATH", "download_url", "safe_component"]

DOWNLOAD_PATH = "/api/v0.1/Download/file"
_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]")


def download_url(uri, server):
    """MAST's download URL for a dataURI, spelled as astroquery spells it."""
    return f"{server}{DOWNLOAD_PATH}?uri={urllib.parse.quote(uri, safe=':/')}"


def safe_component(text, fallback="_"):
    """One path component made from server-supplied text, never a path of its own.

    Separators, ``.``/``..``, leading dots and anything outside ``[A-Za-z0-9._+-]`` are
    replaced, so ``"../../etc/passwd"`` becomes ``"etc_passwd"`` and stays where it is put.
    """
    parts = [p for p in re.split(r"[\\/]+", str(text)) if p not in ("", ".", "..")]
    name = _UNSAFE.sub("_", "_".join(parts)).lstrip(".")[:200]
    return name or fallback
