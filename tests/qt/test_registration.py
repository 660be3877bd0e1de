"""glue-qt's own GlueApplication: File > Import Data > "Import from MAST…", the exporter and
the menu entry, registered by the ``glue.plugins`` entry point."""

import json
import sys
from unittest.mock import patch

import pytest
from qtpy import QtCore, QtWidgets

import glue_mast
from glue_mast.glue.links import SpectralAxisLink
from glue_mast.qt.dialog import fitting_size
from glue_mast.qt.registration import (
    EXPORTER_LABEL,
    IMPORTER_LABEL,
    MANIFEST_MENU_LABEL,
    PROVENANCE_LABEL,
)

from .conftest import LAPTOP_SCREEN


def _counts():
    from glue.config import exporters, importer
    from glue_qt.config import layer_action, menubar_plugin

    return (
        sum(label == IMPORTER_LABEL for label, _ in importer.members),
        sum(m[0] == EXPORTER_LABEL for m in exporters.members),
        sum(label == MANIFEST_MENU_LABEL for label, _ in menubar_plugin.members),
        sum(action.label == PROVENANCE_LABEL for action in layer_action.members),
    )


def test_setup_registers_the_importer_exporter_and_menu_entry_once():
    glue_mast.setup()
    glue_mast.setup()
    assert _counts() == (1, 1, 1, 1)


def test_registering_imports_no_qt_binding():
    import subprocess

    code = (
        "import sys, glue_mast; glue_mast.setup(); "
        "from glue.config import importer; "
        "assert any(l.startswith('Import from MAST') for l, _ in importer.members); "
        "print(sorted(m for m in ('PySide6', 'PyQt5', 'PyQt6', 'qtpy') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True
    )
    assert out.stdout.strip() == "[]"


@pytest.fixture
def glue_app(qtbot, local_mast, tmp_path, monkeypatch):
    from glue.main import load_plugins
    from glue_qt.app.application import GlueApplication

    from glue_mast.qt.dialog import forget_form

    monkeypatch.chdir(tmp_path)  # downloads go to ./mast_data, beside the session
    forget_form()
    load_plugins()
    app = GlueApplication()
    app.resize(1100, 700)
    app.show()
    qtbot.waitExposed(app)
    yield app
    app.close()
    forget_form()


def _menu_actions(app, title):
    for action in app.menuBar().actions():
        if action.text().replace("&", "") == title:
            return action.menu().actions()
    raise KeyError(title)


def test_file_import_data_lists_import_from_mast(glue_app):
    labels = [a.text() for a in glue_app._actions["data_importers"]]
    assert IMPORTER_LABEL in labels
    file_menu = _menu_actions(glue_app, "File")
    import_menu = next(
        a.menu() for a in file_menu if a.menu() and a.text().replace("&", "") == "Import data"
    )
    assert IMPORTER_LABEL in [a.text() for a in import_menu.actions()]
    assert MANIFEST_MENU_LABEL in [a.text() for a in glue_app._actions["plugins"]]
    assert EXPORTER_LABEL in [a.text() for a in glue_app._actions["session_export"]]


def test_importing_from_mast_in_glue_adds_linked_datasets(glue_app, qtbot, person, tmp_path, shoot):
    action = next(a for a in glue_app._actions["data_importers"] if a.text() == IMPORTER_LABEL)
    seen = {}

    def drive():
        # The importer's dialog is modal: it runs its own event loop until it closes.
        dialog = QtWidgets.QApplication.activeModalWidget()
        seen["dialog"] = dialog
        seen["parent"] = dialog.parent()
        dialog.resize(*fitting_size(*LAPTOP_SCREEN))  # as it opens on a 1366x768 screen
        person.search(dialog, "TW Hya", "0.1 deg")
        model = dialog.results.table.model()
        rows = [
            r
            for r in range(model.rowCount())
            if model.index(r, 4).data() in ("swp54419", "lwp31270")
        ]
        person.click_rows(dialog.results.table, rows)
        person.settle(dialog)
        shoot(dialog, "in-glue")
        person.click(dialog.load_button)
        person.settle(dialog)
        # It stays open: the summary can be read (and more loaded) until Close.
        seen["visible after load"] = dialog.isVisible()
        seen["summary"] = dialog.load_status.text()
        person.click(dialog.close_button)

    QtCore.QTimer.singleShot(0, drive)
    action.trigger()  # returns when the dialog has loaded and was closed
    dialog = seen["dialog"]
    assert seen["parent"] is glue_app
    assert seen["visible after load"]
    assert seen["summary"].startswith("2 files downloaded; 2 datasets loaded into glue")
    dc = glue_app.data_collection
    assert sorted(d.label for d in dc) == ["lwp31270 (IUE LWP)", "swp54419 (IUE SWP)"]
    links = [link for link in dc.external_links if isinstance(link, SpectralAxisLink)]
    assert len(links) == 1  # glue's autolinkers found nothing more to suggest
    assert all(d.meta["glue_mast"]["dataset"]["dataURI"].startswith("mast:IUE/") for d in dc)
    assert (tmp_path / "mast_data" / "manifest.json").is_file()
    shoot(glue_app, "glue-after-import")

    # Opened again: the same dialog, with its results, selection and summary as left.
    def look_again():
        again = QtWidgets.QApplication.activeModalWidget()
        seen["again"] = again
        seen["rows"] = again.results.table.model().rowCount()
        seen["selected"] = again.product_state.selected_count
        seen["summary again"] = again.load_status.text()
        person.click(again.close_button)

    QtCore.QTimer.singleShot(0, look_again)
    action.trigger()
    assert seen["again"] is dialog
    assert seen["rows"] > 2 and seen["selected"] == 2
    assert seen["summary again"] == seen["summary"]
    assert len(glue_app.data_collection) == 2  # nothing loaded twice

    # The exporter: the session and its manifest, both written.
    export = next(a for a in glue_app._actions["session_export"] if a.text() == EXPORTER_LABEL)
    with patch("qtpy.compat.getsavefilename", return_value=(str(tmp_path / "analysis"), "")):
        export.trigger()
    session = tmp_path / "analysis.glu"
    manifest = tmp_path / "analysis.provenance.json"
    assert session.is_file() and manifest.is_file()
    listed = json.loads(manifest.read_text())
    assert len(listed["datasets"]) == 2
    assert all(d["dataURI"].startswith("mast:IUE/") for d in listed["datasets"])
    assert {d["label"] for d in listed["datasets"]} == {"lwp31270 (IUE LWP)", "swp54419 (IUE SWP)"}

    # The menu entry: the manifest alone.
    entry = next(a for a in glue_app._actions["plugins"] if a.text() == MANIFEST_MENU_LABEL)
    target = tmp_path / "just-the-manifest.json"
    with patch("qtpy.compat.getsavefilename", return_value=(str(target), "")):
        entry.trigger()
    assert {d["label"] for d in json.loads(target.read_text())["datasets"]} == {
        "lwp31270 (IUE LWP)",
        "swp54419 (IUE SWP)",
    }


def test_the_exporter_refuses_files_outside_the_session_directory(glue_app, qtbot, tmp_path):
    from glue_mast.errors import InputError
    from glue_mast.qt.registration import save_session_with_manifest

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    glue_mast.fetch(
        glue_mast.products(glue_mast.search(target="TW Hya", radius="0.02 deg").all()[:1]),
        download_dir=tmp_path / "mast_data",
    )
    glue_mast.load(tmp_path / "mast_data" / "manifest.json", glue_app.data_collection)
    with pytest.raises(InputError, match="must be in"):
        save_session_with_manifest(glue_app, elsewhere / "analysis.glu")
    assert not (elsewhere / "analysis.glu").exists()
