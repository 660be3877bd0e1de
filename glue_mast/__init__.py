"""glue-mast: search MAST, fetch its data with provenance, and load it into Glue and Jdaviz.

The public API (see the documentation for each):

- :func:`configure` -- where requests go (``server``), the token, timeouts;
- :func:`search` -- an `~glue_mast.archive.search.ObservationSearch` with ``count``, ``page()``
  and ``all()``;
- :func:`catalog_search` -- a `~glue_mast.archive.catalogs.CatalogSearch` of a MAST catalog
  (TIC, CTL, Gaia, HSC, GALEX, PanSTARRS, Disk Detective; :data:`catalogs` lists them), with
  ``count``, ``page()`` and ``all()``; :func:`hsc_match` and :func:`hsc_spectra` for the HSC;
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
    "catalog_search",
    "catalogs",
    "collections",
    "configure",
    "errors",
    "fetch",
    "hsc_match",
    "hsc_spectra",
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
    "catalog_search": ("glue_mast.archive.catalogs", "catalog_search"),
    "CatalogSearch": ("glue_mast.archive.catalogs", "CatalogSearch"),
    "hsc_match": ("glue_mast.archive.catalogs", "hsc_match"),
    "hsc_spectra": ("glue_mast.archive.hsc_spectra", "hsc_spectra"),
    "catalogs": ("glue_mast.archive.catalog_list", "CATALOGS"),
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


def setup():
    """Entry point of the ``glue.plugins`` group: glue calls it when it loads plugins.

    It registers glue-mast's readers and links with glue's registries when those parts are
    installed (``glue_mast.glue``), glue-qt's importer, exporter and menu entry when glue-qt
    is installed (``glue_mast.glue.qt``), and the Jdaviz tray plugin and loader when the caller is
    Jdaviz (glue loads its plugins while a Jdaviz app is being built, before its tray; a
    glue-qt session, which has not imported Jdaviz, is spared that import). Searching and
    fetching need no registration.
    """
    import importlib.util
    import sys

    if importlib.util.find_spec("glue_mast.glue") is not None:
        from .glue import setup as _setup_glue

        _setup_glue()
        # glue-qt's menus (File > Import Data, the exporter): registering imports no Qt.
        if all(importlib.util.find_spec(m) is not None for m in ("glue_qt", "qtpy")):
            from .glue.qt import setup as _setup_glue_qt

            _setup_glue_qt()
    if "jdaviz" in sys.modules:
        from .jdaviz import register as _register_jdaviz

        _register_jdaviz()
