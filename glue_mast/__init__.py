"""glue-mast: search MAST, fetch its data with provenance, and load it into Glue and Jdaviz.

The public API (see the documentation for each):

- :func:`configure` -- where requests go (``server``), the token, timeouts;
- :func:`search` -- an `~glue_mast.archive.search.ObservationSearch` with ``count``, ``page()``
  and ``all()``;
- :func:`products` -- the products of observations, calibrated science ones by default;
- :func:`fetch` -- parallel, resumable, verified downloads with a provenance manifest;
- :func:`start_fetch` -- the same in the background: a cancellable
  `~glue_mast.archive.fetch.FetchJob` with progress events, into the download cache by default;
- :class:`Manifest`, :func:`reproduce` -- check files against a manifest, re-fetch them (a
  Jdaviz session's too);
- :func:`collections` -- the collections the server holds;
- :func:`load` -- fetched spectra and light curves into glue, labelled, described and linked;
- :func:`save_session`, :func:`restore_session` -- a glue session with its provenance manifest.

``import glue_mast`` is light: astroquery, astropy and the viewers are imported when first used.
"""

from __future__ import annotations

try:
    from ._version import __version__
except ImportError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = [
    "Manifest",
    "__version__",
    "collections",
    "configure",
    "errors",
    "fetch",
    "load",
    "products",
    "reproduce",
    "restore_session",
    "save_session",
    "search",
    "session_manifest",
    "setup",
    "start_fetch",
]

_LAZY = {
    "configure": ("glue_mast.config", "configure"),
    "conf": ("glue_mast.config", "conf"),
    "search": ("glue_mast.archive.search", "search"),
    "ObservationSearch": ("glue_mast.archive.search", "ObservationSearch"),
    "products": ("glue_mast.archive.products", "products"),
    "list_products": ("glue_mast.archive.products", "list_products"),
    "ProductFilter": ("glue_mast.archive.products", "ProductFilter"),
    "collections": ("glue_mast.archive", "collections"),
    "fetch": ("glue_mast.archive.fetch", "fetch"),
    "FetchResult": ("glue_mast.archive.fetch", "FetchResult"),
    "start_fetch": ("glue_mast.archive.fetch", "start_fetch"),
    "FetchJob": ("glue_mast.archive.fetch", "FetchJob"),
    "Manifest": ("glue_mast.provenance.manifest", "Manifest"),
    "reproduce": ("glue_mast.archive.fetch", "reproduce"),
    "observation_fields": ("glue_mast.archive", "observation_fields"),
    "load": ("glue_mast.glue.loading", "load"),
    "save_session": ("glue_mast.sessions", "save_session"),
    "restore_session": ("glue_mast.sessions", "restore_session"),
    "session_manifest": ("glue_mast.glue.session", "session_manifest"),
    # glue's plugin entry point (``glue.plugins``): it registers every front end.
    "setup": ("glue_mast.plugin", "setup"),
}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    if name == "errors":
        from . import errors

        return errors
    raise AttributeError(f"module 'glue_mast' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))

