"""The tables' column chooser in the glue-qt dialog: right-click a heading, tick a column.

Driven as a person would (a right-click on the header, a click on the menu's entry), on the
local archive; the choice is kept in glue_mast.cfg (a temporary config directory in tests).
"""

from qtpy import QtCore, QtGui, QtWidgets

from glue_mast.qt import MastImportDialog
from glue_mast.state import columns


def headings(table):
    model = table.model()
    return [model.headerData(c, QtCore.Qt.Horizontal) for c in range(model.columnCount())]


def choose_from_header_menu(qtbot, table, heading):
    """Right-click the table's header, then click the menu entry ``heading``."""
    header = table.horizontalHeader()
    # A right-click reaches a widget as a context-menu event, which the window system sends
    # (pytest-qt's mouse clicks go to the widget directly): send it as the system would.
    where = QtCore.QPoint(10, 5)
    QtWidgets.QApplication.sendEvent(
        header.viewport(),
        QtGui.QContextMenuEvent(
            QtGui.QContextMenuEvent.Mouse, where, header.viewport().mapToGlobal(where)
        ),
    )
    menu = table.findChild(QtWidgets.QMenu, f"{table.objectName()}_columns")
    qtbot.waitUntil(menu.isVisible, timeout=5000)
    (action,) = [a for a in menu.actions() if a.text() == heading]
    qtbot.mouseClick(menu, QtCore.Qt.LeftButton, pos=menu.actionGeometry(action).center())
    qtbot.waitUntil(lambda: not menu.isVisible(), timeout=5000)
    return action


def test_a_chosen_column_shows_keeps_the_selection_and_a_new_dialog_remembers_it(
    qtbot, dialog, person, local_mast, cells
):
    d = dialog
    person.search(d, "TW Hya", "0.1 deg")
    table = d.results.table
    assert "Target class" not in headings(table)
    assert "Filters" in headings(table) and "Proposal" in headings(table)
    person.click_rows(table, [0, 1])
    person.settle(d)
    selected = list(d.search_state.selected_obsids)
    assert len(selected) == 2
    local_mast.clear_log()

    action = choose_from_header_menu(qtbot, table, "Target class")
    assert action.isChecked()
    assert "Target class" in headings(table)
    assert set(cells(table, "Target class")) == {"STAR;T TAURI", "STAR"}  # MAST's words
    # Same rows selected, nothing asked of the archive, the products stay listed.
    person.settle(d)
    assert list(d.search_state.selected_obsids) == selected
    assert len(d.results.table.selectionModel().selectedRows()) == 2
    assert local_mast.log == []

    # A column can be taken away too, on the products table as well.
    choose_from_header_menu(qtbot, table, "Data rights")
    assert "Data rights" not in headings(table)
    products = d.products.table
    assert "Description" not in headings(products)
    choose_from_header_menu(qtbot, products, "Description")
    assert "Description" in headings(products)
    assert all(cells(products, "Description"))
    d.reject()

    again = MastImportDialog()
    qtbot.addWidget(again)
    assert "Target class" in headings(again.results.table)
    assert "Data rights" not in headings(again.results.table)
    assert "Description" in headings(again.products.table)
    # "Default columns" goes back to the default set, for later dialogs too.
    again.results.column_chooser.default_action.trigger()
    assert [c.name for c in again.results.model.columns] == list(
        columns.default_names("qt", "observations")
    )
    again.reject()
    third = MastImportDialog()
    qtbot.addWidget(third)
    assert "Target class" not in headings(third.results.table)
    assert "Description" in headings(third.products.table)
    third.reject()


def test_the_last_column_cannot_be_taken_away(qtbot, dialog):
    chooser = dialog.results.column_chooser
    chooser.choose(["obs_id"])
    assert chooser.actions["obs_id"].isChecked() and not chooser.actions["obs_id"].isEnabled()
    assert headings(dialog.results.table) == ["Obs ID"]
    chooser.actions["filters"].trigger()
    assert headings(dialog.results.table) == ["Filters", "Obs ID"]
    assert chooser.actions["obs_id"].isEnabled()
