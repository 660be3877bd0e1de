"""glue-mast inside glue (glue-core only): datasets, links, the data factory and sessions.

- :func:`load` -- fetched files into a glue data collection, labelled, described and linked;
- :func:`save_session` / :func:`restore_session` -- a glue session with its provenance
  manifest beside it; :func:`session_manifest` builds that manifest for any data collection;
  a restore checks the session first and says what it checked (:class:`SessionCheck`,
  :class:`UncheckedFiles`);
- :class:`SpectralAxisLink`, :class:`TimeAxisLink` -- unit-aware links that survive a session;
- :func:`setup` -- registers the data factory, the link helpers and the autolinkers with glue
  (glue calls :func:`glue_mast.setup`, the ``glue.plugins`` entry point, which calls this).

The glue Qt dialog lives in ``glue_mast.qt``; nothing here imports Qt.
"""

from __future__ import annotations

from .. import _lazy_attributes

__all__ = [
    "AUTOLINKER_LABELS",
    "SessionCheck",
    "SpectralAxisLink",
    "TimeAxisLink",
    "UncheckedFiles",
    "load",
    "restore_session",
    "save_session",
    "session_manifest",
    "setup",
]

_LAZY = {
    "load": ("glue_mast.glue.loading", "load"),
    "LoadedDatasets": ("glue_mast.glue.loading", "LoadedDatasets"),
    "save_session": ("glue_mast.glue.session", "save_session"),
    "restore_session": ("glue_mast.glue.session", "restore_session"),
    "session_manifest": ("glue_mast.glue.session", "session_manifest"),
    "SessionCheck": ("glue_mast.glue.session_guard", "SessionCheck"),
    "UncheckedFiles": ("glue_mast.glue.session_guard", "UncheckedFiles"),
    "SpectralAxisLink": ("glue_mast.glue.links", "SpectralAxisLink"),
    "TimeAxisLink": ("glue_mast.glue.links", "TimeAxisLink"),
}

#: The names glue shows for glue-mast's autolinkers (glue-qt's link suggestions).
AUTOLINKER_LABELS = {
    "spectral": "MAST spectra (spectral axis, any units)",
    "time": "MAST light curves (time)",
}


__getattr__, __dir__ = _lazy_attributes(__name__, _LAZY)


def setup():
    """Register glue-mast with glue's registries; calling it again changes nothing.

    - ``glue.config.data_factory``: :func:`~glue_mast.glue.factory.read_mast_product` for MAST
      spectra, light curves, pixel files, JWST cubes and resampled images and HST drizzled
      images (above glue's generic FITS reader for those file names);
    - ``glue.config.link_helper``: :class:`SpectralAxisLink` and :class:`TimeAxisLink`, in
      the "Astronomy" category of glue's link editor;
    - ``glue.config.autolinker``: the spectral-axis and time autolinkers, so that datasets
      added to a glue application arrive linked;
    - glue's link manager finds what linked datasets can derive, and which are pixel-aligned,
      with :mod:`glue_mast.glue.link_discovery`: the same result as glue-core's, in time
      linear in the links (see that module; the ``fast_link_discovery`` setting).
    """
    from glue.config import autolinker, data_factory, link_helper

    from . import factory, link_discovery, links

    link_discovery.install()
    if not any(f.function is factory.read_mast_product for f in data_factory.members):
        data_factory(
            factory.FACTORY_LABEL,
            identifier=factory.is_mast_product,
            priority=factory.FACTORY_PRIORITY,
        )(factory.read_mast_product)
    for helper in (links.SpectralAxisLink, links.TimeAxisLink):
        if not any(h.helper is helper for h in link_helper.members):
            link_helper(category="Astronomy")(helper)
    registered = {function for _, function in autolinker.members}
    for key, function in (
        ("spectral", links.spectral_axis_autolink),
        ("time", links.time_axis_autolink),
    ):
        if function not in registered:
            autolinker.add(AUTOLINKER_LABELS[key], function)
