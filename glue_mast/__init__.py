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
- :func:`load` -- fetched spectra, light curves, pixel files, images and cubes into glue,
  labelled, described and linked;
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
    # glue's plugin entry point (``glue.plugins``): it registers every front end.
    "setup": ("glue_mast.plugin", "setup"),
}


def _lazy_attributes(module_name, names, cache=True):
    """A package's ``__getattr__`` and ``__dir__`` for attributes imported when first used.

    Every package of glue-mast that names more than it imports uses this one (it lives here,
    where the root package can use it without importing anything). Each name's module is
    imported on first access, and the value is kept in the package's namespace.

    Parameters
    ----------
    module_name : str
        The package's ``__name__``.
    names : dict
        Attribute -> ``(module, attribute)``; an attribute of None stands for the module.
    cache : bool
        Keep each value in the package's namespace. False where a name is also a submodule's
        (``glue_mast.archive.search``): importing the submodule sets that attribute to it.

    Returns
    -------
    (__getattr__, __dir__)
    """
    import importlib
    import sys

    def __getattr__(name):
        if name not in names:
            raise AttributeError(f"module {module_name!r} has no attribute {name!r}")
        module, attr = names[name]
        value = importlib.import_module(module)
        value = value if attr is None else getattr(value, attr)
        if cache:
            setattr(sys.modules[module_name], name, value)
        return value

    def __dir__():
        return sorted(set(vars(sys.modules[module_name])) | set(names))

    return __getattr__, __dir__


__getattr__, __dir__ = _lazy_attributes(
    __name__, {**_LAZY, "errors": ("glue_mast.errors", None)}
)

