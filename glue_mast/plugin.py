"""glue's plugin entry point: :func:`setup`, named in the ``glue.plugins`` entry-point group.

It sits above every front end, since it is the one place that registers them all; nothing in
glue-mast imports it (``glue_mast.setup`` is this function, looked up when first used).
"""

from __future__ import annotations

__all__ = ["setup"]


def setup():
    """Entry point of the ``glue.plugins`` group: glue calls it when it loads plugins.

    It registers glue-mast's readers and links with glue's registries when those parts are
    installed (``glue_mast.glue``), glue-qt's importer, exporter and menu entry when glue-qt
    is installed (``glue_mast.qt``), and the Jdaviz tray plugin and loader when the caller is
    Jdaviz (glue loads its plugins while a Jdaviz app is being built, before its tray; a
    glue-qt session, which has not imported Jdaviz, is spared that import). Searching and
    fetching need no registration. Calling it again changes nothing.
    """
    import importlib.util
    import sys

    if importlib.util.find_spec("glue_mast.glue") is not None:
        from .glue import setup as _setup_glue

        _setup_glue()
        # glue-qt's menus (File > Import Data, the exporter): registering imports no Qt.
        if all(importlib.util.find_spec(m) is not None for m in ("glue_qt", "qtpy")):
            from .qt import setup as _setup_glue_qt

            _setup_glue_qt()
    if "jdaviz" in sys.modules:
        from .jdaviz import register as _register_jdaviz

        _register_jdaviz()
