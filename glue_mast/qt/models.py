"""Qt item models over astropy Tables: the columns an astronomer reads, in their units.

MAST's observation table has some 35 columns in archive units (MJD dates, wavelengths in nm,
exposure in s; see MAST's field descriptions, https://mast.stsci.edu/api/v0/_c_a_o_mfields.html).
The dialog shows a few of them, as text a person reads (ISO dates, "113-145 nm"), while
sorting goes by the value itself (``SORT_ROLE``). Exclusive-access rows are marked with a
padlock (or warning) icon, a tint and a tooltip that says why.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from qtpy import QtCore, QtGui

__all__ = [
    "OBSERVATION_COLUMNS",
    "PRODUCT_COLUMNS",
    "SORT_ROLE",
    "TableModel",
    "iso_date",
]

#: The role holding the value a column sorts by.
SORT_ROLE = QtCore.Qt.UserRole + 1
_MJD_ZERO = datetime.datetime(1858, 11, 17)
_EXCLUSIVE_TINT = QtGui.QColor(255, 243, 205)


def _value(row, name):
    """A row's cell as a plain Python value, or None (masked, missing, NaN)."""
    if name not in row.colnames:
        return None
    value = row[name]
    if value is None or getattr(value, "mask", False) is True:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, bytes):
        value = value.decode()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def iso_date(mjd, *, time=True):
    """An MJD as an ISO date (UTC), e.g. ``55296.31`` -> ``"2010-04-13 07:26"``; "" for None."""
    if mjd is None:
        return ""
    try:
        moment = _MJD_ZERO + datetime.timedelta(days=float(mjd))
    except (TypeError, ValueError, OverflowError):
        return str(mjd)
    return moment.strftime("%Y-%m-%d %H:%M" if time else "%Y-%m-%d")


def _text(value):
    return "" if value is None else str(value)


def _number(value, digits=0):
    if value is None:
        return ""
    try:
        return f"{float(value):,.{digits}f}"
    except (TypeError, ValueError):
        return str(value)


def _wavelengths(row):
    lo, hi = _value(row, "em_min"), _value(row, "em_max")
    if lo is None and hi is None:
        return ""
    ends = [_number(v, 1 if v is not None and float(v) < 100 else 0) for v in (lo, hi)]
    return f"{ends[0]}\N{EN DASH}{ends[1]} nm"


def _size(value):
    from ..state.products import human_size

    return human_size(value)


@dataclass(frozen=True)
class Column:
    """One column of a table view: header, text of a row, value to sort by, tooltip."""

    header: str
    text: object  # row -> str
    sort: object  # row -> sortable value
    tip: str = ""
    align_right: bool = False


def _field(name):
    return Column(
        name,
        lambda row: "" if _value(row, name) is None else str(_value(row, name)),
        lambda row: _value(row, name),
    )


def _named(column, header, tip=""):
    return Column(header, column.text, column.sort, tip, column.align_right)


OBSERVATION_COLUMNS = (
    _named(_field("obs_collection"), "Collection", "Mission or collection (obs_collection)"),
    _named(_field("instrument_name"), "Instrument", "Instrument and detector"),
    _named(_field("target_name"), "Target", "Target name given by the observer"),
    _named(_field("obs_id"), "Obs ID", "The observation's identifier (obs_id)"),
    Column(
        "Start (UTC)",
        lambda row: iso_date(_value(row, "t_min")),
        lambda row: _value(row, "t_min"),
        "When the observation started (t_min), ISO date in UTC",
    ),
    Column(
        "Exposure",
        lambda row: "" if _value(row, "t_exptime") is None else _number(row["t_exptime"]) + " s",
        lambda row: _value(row, "t_exptime"),
        "Exposure time (t_exptime)",
        align_right=True,
    ),
    Column(
        "Wavelengths",
        _wavelengths,
        lambda row: _value(row, "em_min"),
        "Wavelength coverage, em_min to em_max",
        align_right=True,
    ),
    Column(
        "Type",
        lambda row: str(_value(row, "dataproduct_type") or ""),
        lambda row: _value(row, "dataproduct_type"),
        "Data product type: spectrum, timeseries, image, ...",
    ),
    Column(
        "Calib.",
        lambda row: _text(_value(row, "calib_level")),
        lambda row: _value(row, "calib_level"),
        "Calibration level: 1 raw, 2 calibrated, 3 science product, 4 contributed",
        align_right=True,
    ),
    Column(
        "Data rights",
        lambda row: str(_value(row, "dataRights") or ""),
        lambda row: _value(row, "dataRights"),
        "PUBLIC, or EXCLUSIVE_ACCESS until the release date (needs a MAST token)",
    ),
)

PRODUCT_COLUMNS = (
    _named(_field("productFilename"), "File", "The product's file name"),
    _named(_field("obs_id"), "Obs ID", "The observation the product belongs to"),
    _named(_field("productSubGroupDescription"), "Kind", "MAST's product subgroup (X1D, ...)"),
    _named(_field("productType"), "Type", "SCIENCE, PREVIEW, AUXILIARY, ..."),
    Column(
        "Calib.",
        lambda row: _text(_value(row, "calib_level")),
        lambda row: _value(row, "calib_level"),
        "Calibration level of the product",
        align_right=True,
    ),
    Column(
        "Size",
        lambda row: _size(_value(row, "size")),
        lambda row: _value(row, "size"),
        "File size as MAST lists it",
        align_right=True,
    ),
    _named(_field("dataRights"), "Data rights", "PUBLIC or EXCLUSIVE_ACCESS"),
)


class TableModel(QtCore.QAbstractTableModel):
    """A read-only model of an astropy Table's rows, shown through ``columns``.

    The text of every cell is made once when a table is set (a page is at most a few hundred
    rows), so that painting and sorting never touch the Table.

    Parameters
    ----------
    columns : sequence of Column
    exclusive : callable, optional
        ``exclusive(row) -> str``: the tooltip of an exclusive-access row, or "" for others.
    """

    def __init__(self, columns, exclusive=None, parent=None):
        super().__init__(parent)
        self.columns = tuple(columns)
        self._exclusive = exclusive or (lambda row: "")
        self.table = None
        self._cells = []  # per row: (texts, sort values, exclusive tooltip)

    def set_table(self, table):
        """Show ``table`` (or nothing, for None)."""
        self.beginResetModel()
        self.table = table
        self._cells = []
        if table is not None:
            for row in table:
                why = self._exclusive(row)
                texts = [c.text(row) for c in self.columns]
                sorts = [_sortable(c.sort(row)) for c in self.columns]
                self._cells.append((texts, sorts, why))
        self.endResetModel()

    def rowCount(self, parent=QtCore.QModelIndex()):  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._cells)

    def columnCount(self, parent=QtCore.QModelIndex()):  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index, role=QtCore.Qt.DisplayRole):
        if not index.isValid():
            return None
        texts, sorts, why = self._cells[index.row()]
        column = self.columns[index.column()]
        if role == QtCore.Qt.DisplayRole:
            return texts[index.column()]
        if role == SORT_ROLE:
            return sorts[index.column()]
        if role == QtCore.Qt.ToolTipRole:
            return why or texts[index.column()]
        if role == QtCore.Qt.BackgroundRole and why:
            return QtGui.QBrush(_EXCLUSIVE_TINT)
        if role == QtCore.Qt.DecorationRole and why and index.column() == 0:
            return exclusive_icon()
        if role == QtCore.Qt.TextAlignmentRole and column.align_right:
            return int(QtCore.Qt.AlignRight | QtCore.Qt.AlignVCenter)
        return None

    def headerData(self, section, orientation, role=QtCore.Qt.DisplayRole):
        if orientation != QtCore.Qt.Horizontal:
            return str(section + 1) if role == QtCore.Qt.DisplayRole else None
        column = self.columns[section]
        if role == QtCore.Qt.DisplayRole:
            return column.header
        if role == QtCore.Qt.ToolTipRole:
            return column.tip or column.header
        return None

    def is_exclusive(self, row):
        """Whether model row ``row`` is exclusive access."""
        return bool(self._cells[row][2])


def exclusive_icon():
    """The mark of an exclusive-access row: a padlock, or the style's warning sign."""
    from qtpy import QtWidgets

    icon = QtGui.QIcon.fromTheme("changes-prevent")  # the padlock of freedesktop themes
    if icon.isNull():
        icon = QtWidgets.QApplication.style().standardIcon(QtWidgets.QStyle.SP_MessageBoxWarning)
    return icon


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
