"""glue-mast's entries in glue-qt's menus, registered with glue's registries.

- ``glue.config.importer`` "Import from MAST…": File > Import Data opens
  :class:`~glue_mast.qt.MastImportDialog` over the application's data collection (one per
  glue window, kept between openings) and returns what it loaded (already linked there, so
  glue's autolinkers find nothing to add);
- ``glue.config.exporters`` "Glue session + MAST provenance": writes the session and its
  provenance manifest beside it (`glue_mast.glue.session.save_session`);
- ``glue_qt.config.menubar_plugin`` "Export MAST provenance manifest…": the manifest of the
  current session's MAST files alone (`glue_mast.glue.session.session_manifest`);
- ``glue_qt.config.layer_action`` "View MAST provenance…" in the data panel's menu: a
  dataset's provenance as a tree (`glue_mast.qt.provenance_view`), where glue's own "View
  metadata/header" shows it as one line.

This module imports no Qt binding: the functions registered import the dialog when called.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "EXPORTER_LABEL",
    "IMPORTER_LABEL",
    "MANIFEST_MENU_LABEL",
    "PROVENANCE_LABEL",
    "export_manifest",
    "import_from_mast",
    "register",
    "save_session_with_manifest",
]

IMPORTER_LABEL = "Import from MAST\N{HORIZONTAL ELLIPSIS}"
EXPORTER_LABEL = "Glue session + MAST provenance"
MANIFEST_MENU_LABEL = "Export MAST provenance manifest\N{HORIZONTAL ELLIPSIS}"
#: The entry of glue's data panel menu, beside glue's "View metadata/header".
PROVENANCE_LABEL = "View MAST provenance\N{HORIZONTAL ELLIPSIS}"
#: The objectName of the import dialog a glue window keeps (MastImportDialog's own).
DIALOG_NAME = "mast_import_dialog"


def _glue_application():
    """The glue-qt application window the user is in, or None."""
    from glue_qt.app.application import GlueApplication
    from qtpy import QtWidgets

    window = QtWidgets.QApplication.activeWindow()
    while window is not None and not isinstance(window, GlueApplication):
        window = window.parentWidget()
    if window is not None:
        return window
    apps = [w for w in QtWidgets.QApplication.topLevelWidgets() if isinstance(w, GlueApplication)]
    visible = [w for w in apps if w.isVisible()]
    return (visible or apps or [None])[-1]


def import_from_mast():
    """File > Import Data > "Import from MAST…": the dialog, modal; returns the Data loaded.

    glue's importers take no arguments; the dialog loads into the data collection of the
    glue application it was opened from. It stays open after a load, so that its summary
    can be read and more loaded, until Close. Each glue window keeps its one dialog: opened
    again, it shows the last results, selection, preview and summary as they were left.
    The Data returned are those loaded during this opening (already in the data collection).
    """
    from .dialog import MastImportDialog

    app = _glue_application()
    dialog = app.findChild(MastImportDialog, DIALOG_NAME) if app is not None else None
    if dialog is None:
        dialog = MastImportDialog(app.data_collection if app is not None else None, parent=app)
    before = len(dialog.loaded)
    dialog.exec_() if hasattr(dialog, "exec_") else dialog.exec()
    loaded = list(dialog.loaded[before:])
    if app is None:
        dialog.deleteLater()  # nothing to keep it for
    return loaded


def save_session_with_manifest(app, path):
    """The exporter: the glue session at ``path`` (``.glu`` added) and its manifest beside it."""
    from ..glue.session import save_session

    path = Path(path)
    if path.suffix.lower() != ".glu":
        path = path.with_name(path.name + ".glu")
    saved = save_session(app, path)
    _tell(app, f"Saved {saved.session.name} and {Path(saved.manifest.path).name}")
    return saved


def _check_session(app):
    from ..glue.session import check_meta

    check_meta(app)


def export_manifest(session, data_collection, path=None):
    """The menu entry: write the provenance manifest of the session's MAST files.

    Parameters
    ----------
    session : glue Session
    data_collection : DataCollection
    path : path-like, optional
        Where to write it; asked with a file dialog by default.

    Returns
    -------
    `~glue_mast.provenance.Manifest` or None (when the file dialog was cancelled)
    """
    from ..glue.session import MANIFEST_SUFFIX, session_manifest

    app = getattr(session, "application", None)
    if path is None:
        from qtpy import compat

        path, _ = compat.getsavefilename(
            parent=app,
            caption="Export the MAST provenance manifest",
            basedir="mast" + MANIFEST_SUFFIX,
            filters="Provenance manifest (*.json)",
        )
        if not path:
            return None
    path = Path(path)
    if path.suffix.lower() != ".json":
        path = path.with_name(path.name + ".json")
    manifest = session_manifest(data_collection, path)
    manifest.write(path)
    _tell(app, f"Wrote {path.name}: {len(manifest.datasets)} MAST files")
    return manifest


def _tell(app, text):
    bar = getattr(app, "statusBar", None)
    if callable(bar):
        bar().showMessage(text, 10000)


def _export_manifest_entry(session, data_collection):
    from glue_qt.utils.decorators import messagebox_on_error

    messagebox_on_error("Could not export the MAST provenance manifest")(export_manifest)(
        session, data_collection
    )


def _view_provenance_entry(layer, data_collection):
    from .provenance_view import view_provenance

    view_provenance(layer, data_collection)


def register():
    """Add the importer, the exporter and the menu entries to glue's registries, once."""
    from glue.config import exporters, importer
    from glue_qt.config import layer_action, menubar_plugin

    if not any(label == IMPORTER_LABEL for label, _ in importer.members):
        importer(IMPORTER_LABEL)(import_from_mast)
    if not any(member[0] == EXPORTER_LABEL for member in exporters.members):
        exporters.add(EXPORTER_LABEL, save_session_with_manifest, _check_session, outmode="file")
    if not any(label == MANIFEST_MENU_LABEL for label, _ in menubar_plugin.members):
        menubar_plugin(MANIFEST_MENU_LABEL)(_export_manifest_entry)
    if not any(action.label == PROVENANCE_LABEL for action in layer_action.members):
        layer_action(
            PROVENANCE_LABEL,
            tooltip="The MAST search, file, checksum, DOI and header of this dataset",
            single=True,
            data=True,
        )(_view_provenance_entry)
