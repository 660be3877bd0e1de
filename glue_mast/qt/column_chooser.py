"""The column chooser of the dialog's tables: right-click a heading, tick the columns to show.

The columns offered are those of `glue_mast.state.columns` (everything MAST lists for an
observation or a product); a choice is kept for later sessions there, in glue-mast's
configuration, and a new dialog starts with it. Changing the columns keeps the rows selected,
the current row and the sort column, without telling anyone the selection changed (it did
not).
"""

from __future__ import annotations

from qtpy import QtCore, QtWidgets

from ..state import columns

__all__ = ["ColumnChooser"]


class ColumnChooser(QtCore.QObject):
    """The chooser of ``view``'s columns (``model`` seen through ``proxy``).

    Parameters
    ----------
    view : QTableView
    proxy : QSortFilterProxyModel
    model : glue_mast.qt.models.TableModel
    table : str
        ``"observations"`` or ``"products"``: which columns to offer and whose choice to keep.
    fit : callable, optional
        ``fit(view)``: sizes the columns after a change.
    """

    def __init__(self, view, proxy, model, table, fit=None, parent=None):
        super().__init__(parent or view)
        self.view, self.proxy, self.model, self.table = view, proxy, model, table
        self._fit = fit
        self.menu = QtWidgets.QMenu(view)
        self.menu.setObjectName(f"{view.objectName()}_columns")
        self.menu.setToolTipsVisible(True)
        self.actions = {}
        for column in columns.table_columns(table):
            action = self.menu.addAction(column.heading)
            action.setCheckable(True)
            action.setToolTip(column.tip)
            action.setData(column.name)
            action.toggled.connect(self._toggled)
            self.actions[column.name] = action
        self.menu.addSeparator()
        self.default_action = self.menu.addAction("Default columns")
        self.default_action.setObjectName("default_columns")
        self.default_action.triggered.connect(lambda: self.choose(None))
        header = view.horizontalHeader()
        header.setContextMenuPolicy(QtCore.Qt.CustomContextMenu)
        header.customContextMenuRequested.connect(self.popup)
        self._tick(self.names())

    def names(self):
        """The names of the columns shown."""
        return [c.name for c in self.model.columns]

    def popup(self, pos=None):
        """Open the menu at ``pos`` in the header (default: its left end)."""
        header = self.view.horizontalHeader()
        self.menu.popup(header.mapToGlobal(pos if pos is not None else QtCore.QPoint(0, 0)))

    def _tick(self, names):
        shown = set(names)
        for name, action in self.actions.items():
            action.blockSignals(True)
            action.setChecked(name in shown)
            # The last column shown stays: a table without columns shows nothing to click.
            action.setEnabled(not (name in shown and len(shown) == 1))
            action.blockSignals(False)

    def _toggled(self, checked):
        name = self.sender().data()
        names = [n for n in self.names() if n != name] + ([name] if checked else [])
        self.choose(names)

    def choose(self, names):
        """Show columns ``names`` (None: the default set) and keep the choice."""
        shown = columns.choose("qt", self.table, names)
        self.show_columns(columns.chosen("qt", self.table))
        self._tick(shown)

    def show_columns(self, chosen):
        """Show the `~glue_mast.state.columns.Column` objects ``chosen`` in the view."""
        view, proxy, model = self.view, self.proxy, self.model
        selection = view.selectionModel()
        rows = sorted({proxy.mapToSource(i).row() for i in selection.selectedRows()})
        current = selection.currentIndex()
        current_row = proxy.mapToSource(current).row() if current.isValid() else -1
        header = view.horizontalHeader()
        sort_section = header.sortIndicatorSection()
        sort_name = (
            model.columns[sort_section].name
            if 0 <= sort_section < len(model.columns) and proxy.sortColumn() >= 0 else None
        )
        order = header.sortIndicatorOrder()
        # The rows stay selected: nobody is told of a change that, in the end, is none.
        selection.blockSignals(True)
        try:
            model.set_columns(chosen)
            names = [c.name for c in chosen]
            if sort_name in names:
                view.sortByColumn(names.index(sort_name), order)
            else:
                view.sortByColumn(-1, QtCore.Qt.AscendingOrder)  # the server's order
            if model.columnCount():
                picked = QtCore.QItemSelection()
                for row in rows:
                    index = proxy.mapFromSource(model.index(row, 0))
                    picked.select(index, index)
                flags = (
                    QtCore.QItemSelectionModel.ClearAndSelect | QtCore.QItemSelectionModel.Rows
                )
                selection.select(picked, flags)
                if current_row >= 0:
                    selection.setCurrentIndex(
                        proxy.mapFromSource(model.index(current_row, 0)),
                        QtCore.QItemSelectionModel.NoUpdate,
                    )
        finally:
            selection.blockSignals(False)
        view.viewport().update()
        if self._fit is not None and model.rowCount():
            self._fit(view)
