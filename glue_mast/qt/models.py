"""Qt item models over astropy Tables: the columns an astronomer reads, in their units.

The columns themselves (MAST field, heading, tooltip, text and sort value) are defined once
for every front end in `glue_mast.state.columns`; the model shows a chosen set of them, as
text a person reads (ISO dates, "113-145 nm"), while sorting goes by the value itself
(``SORT_ROLE``). Exclusive-access rows are marked with a padlock (or warning) icon, a tint
and a tooltip that says why.
"""

from __future__ import annotations

from qtpy import QtCore, QtGui

from ..state.columns import iso_date, plain_rows

__all__ = [
    "SORT_ROLE",
    "TableModel",
    "iso_date",
]

#: The role holding the value a column sorts by.
SORT_ROLE = QtCore.Qt.UserRole + 1
_EXCLUSIVE_TINT = QtGui.QColor(255, 243, 205)
# The roles as plain ints: a view asks ``data`` for some ten roles of every cell it paints,
# and comparing with Qt's enum members (PySide6's are Python enums) costs about 20 us a call:
# 50 ms for a repaint of two tables, on the GUI thread.
_DISPLAY = int(QtCore.Qt.DisplayRole)
_SORT = int(SORT_ROLE)
_TOOLTIP = int(QtCore.Qt.ToolTipRole)
_BACKGROUND = int(QtCore.Qt.BackgroundRole)
_DECORATION = int(QtCore.Qt.DecorationRole)
_ALIGNMENT = int(QtCore.Qt.TextAlignmentRole)
_ROLES = frozenset((_DISPLAY, _SORT, _TOOLTIP, _BACKGROUND, _DECORATION, _ALIGNMENT))
_RIGHT = int(QtCore.Qt.AlignRight | QtCore.Qt.AlignVCenter)
#: The fields ``exclusive(row)`` reads (MAST's rule for exclusive access).
EXCLUSIVE_FIELDS = ("dataRights", "t_obs_release")
#: Said under every heading's tooltip: how to show other columns.
CHOOSER_HINT = "Right-click a heading to choose the columns shown"


class TableModel(QtCore.QAbstractTableModel):
    """A read-only model of an astropy Table's rows, shown through ``columns``.

    The text of every cell is made once when a table is set (a page is at most a few hundred
    rows), so that painting and sorting never touch the Table.

    Parameters
    ----------
    columns : sequence of `glue_mast.state.columns.Column`
    exclusive : callable, optional
        ``exclusive(row) -> str``: the tooltip of an exclusive-access row, or "" for others.
    """

    def __init__(self, columns, exclusive=None, parent=None):
        super().__init__(parent)
        self.columns = tuple(columns)
        self._exclusive = exclusive or (lambda row: "")
        self.table = None
        self._cells = []  # per row: (texts, sort values, exclusive tooltip)

    def set_columns(self, columns):
        """Show ``columns`` (of the same table) instead, for the rows shown."""
        self.beginResetModel()
        self.columns = tuple(columns)
        self._fill()
        self.endResetModel()

    def set_table(self, table):
        """Show ``table`` (or nothing, for None)."""
        self.beginResetModel()
        self.table = table
        self._fill()
        self.endResetModel()

    def _fill(self):
        table = self.table
        self._cells = []
        if table is not None:
            fields = [f for c in self.columns for f in c.fields] + list(EXCLUSIVE_FIELDS)
            for row in plain_rows(table, fields):
                why = self._exclusive(row)
                texts = [c.text(row) for c in self.columns]
                sorts = [_sortable(c.sort(row)) for c in self.columns]
                self._cells.append((texts, sorts, why))

    def rowCount(self, parent=QtCore.QModelIndex()):  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._cells)

    def columnCount(self, parent=QtCore.QModelIndex()):  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index, role=_DISPLAY):
        role = int(role)
        if role not in _ROLES or not index.isValid():
            return None
        texts, sorts, why = self._cells[index.row()]
        column = index.column()
        if role == _DISPLAY:
            return texts[column]
        if role == _SORT:
            return sorts[column]
        if role == _TOOLTIP:
            return why or texts[column]
        if role == _BACKGROUND:
            return _exclusive_brush() if why else None
        if role == _DECORATION:
            return exclusive_icon() if why and column == 0 else None
        return _RIGHT if self.columns[column].numeric else None  # _ALIGNMENT

    def headerData(self, section, orientation, role=QtCore.Qt.DisplayRole):
        if orientation != QtCore.Qt.Horizontal:
            return str(section + 1) if role == QtCore.Qt.DisplayRole else None
        column = self.columns[section]
        if role == QtCore.Qt.DisplayRole:
            return column.heading
        if role == QtCore.Qt.ToolTipRole:
            return f"{column.tip or column.heading}\n{CHOOSER_HINT}"
        return None

    def is_exclusive(self, row):
        """Whether model row ``row`` is exclusive access."""
        return bool(self._cells[row][2])


_MADE = {}  # the icon and brush, made once (looked up for every cell painted)


def exclusive_icon():
    """The mark of an exclusive-access row: a padlock, or the style's warning sign."""
    from qtpy import QtWidgets

    if "icon" not in _MADE:
        icon = QtGui.QIcon.fromTheme("changes-prevent")  # the padlock of freedesktop themes
        if icon.isNull():
            style = QtWidgets.QApplication.style()
            icon = style.standardIcon(QtWidgets.QStyle.SP_MessageBoxWarning)
        _MADE["icon"] = icon
    return _MADE["icon"]


def _exclusive_brush():
    if "brush" not in _MADE:
        _MADE["brush"] = QtGui.QBrush(_EXCLUSIVE_TINT)
    return _MADE["brush"]


def _sortable(value):
    # Qt compares the sort role's values; None and mixed types would not compare, so
    # everything sorts as (kind, value) with blanks last.
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    return str(value).lower()


def sort_proxy(model, parent=None):
    """A `QSortFilterProxyModel` sorting ``model`` by its values (``SORT_ROLE``)."""
    proxy = QtCore.QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.setSortCaseSensitivity(QtCore.Qt.CaseInsensitive)
    return proxy
