"""The products part of the dialog: the selected observations' files, filtered and selected.

Bound to a `~glue_mast.state.ProductState`: the filter widgets are its inputs (refiltering
sends no request), the table shows ``filtered`` with every row selected at first (the
state's default: every filtered product), and selecting rows sets ``selected_uris``. The count
and total size of the selection, and which selected files are exclusive access (and what
that means), are shown below the table.

The row to preview is the table's current row, not its selection (as in the Jdaviz plugin,
where a row click previews and the check boxes select): a plain click or an arrow key moves
the current row only, so looking at one file never drops the others from what Load fetches.
Ctrl-click (or Space) adds or removes a row, Shift-click a range; All and None select every
shown product or none.
"""

from __future__ import annotations

from echo import add_callback
from echo.qt import connect_checkable_button, connect_text
from qtpy import QtCore, QtWidgets

from ..state import columns
from .bindings import ErrorLines, connect_editable_combo, error_label, set_choices
from .column_chooser import ColumnChooser
from .models import TableModel
from .results import exclusive_reason, fit_columns, make_table_view, selected_source_rows
from .token_line import TokenLine

__all__ = ["ProductTableView", "ProductsPanel"]

_MOUSE = (
    QtCore.QEvent.MouseButtonPress,
    QtCore.QEvent.MouseButtonRelease,
    QtCore.QEvent.MouseButtonDblClick,
    QtCore.QEvent.MouseMove,
)
_NAVIGATION = {
    QtCore.Qt.Key_Up,
    QtCore.Qt.Key_Down,
    QtCore.Qt.Key_PageUp,
    QtCore.Qt.Key_PageDown,
    QtCore.Qt.Key_Home,
    QtCore.Qt.Key_End,
    QtCore.Qt.Key_Left,
    QtCore.Qt.Key_Right,
}


class ProductTableView(QtWidgets.QTableView):
    """A table whose plain clicks and arrow keys move the current row only.

    A click or an arrow key without a modifier leaves the selection as it is (the current
    row is what is previewed); Ctrl-click or Space toggles a row, Shift-click or Shift-arrow
    extends, as in any extended selection.
    """

    def selectionCommand(self, index, event=None):
        if _keeps_selection(event):
            return QtCore.QItemSelectionModel.NoUpdate
        if (
            event is not None
            and event.type() == QtCore.QEvent.KeyPress
            and event.key() == QtCore.Qt.Key_Space
        ):
            return QtCore.QItemSelectionModel.Toggle | QtCore.QItemSelectionModel.Rows
        return super().selectionCommand(index, event)


def _keeps_selection(event):
    if event is None:
        return False
    plain = not (event.modifiers() & (QtCore.Qt.ControlModifier | QtCore.Qt.ShiftModifier))
    if event.type() in _MOUSE:
        return plain
    return event.type() == QtCore.QEvent.KeyPress and plain and event.key() in _NAVIGATION


class ProductsPanel(QtWidgets.QGroupBox):
    """The product list of ``state``, with its filters and the selection's size.

    Signals
    -------
    current_product(object)
        The product row the user clicked (an astropy Row of ``state.filtered``), for a preview.
    """

    current_product = QtCore.Signal(object)

    def __init__(self, state, token_state=None, parent=None):
        super().__init__("Products of the selected observations", parent)
        self.state = state
        self.calibrated_only = QtWidgets.QCheckBox("Calibrated only")
        self.calibrated_only.setObjectName("calibrated_only")
        self.calibrated_only.setToolTip("Keep calibration level 2 and above (MAST's advice)")
        self.mrp_only = QtWidgets.QCheckBox("Minimum recommended")
        self.mrp_only.setObjectName("mrp_only")
        self.mrp_only.setToolTip("Keep MAST's Minimum Recommended Products only")
        self.extension = QtWidgets.QLineEdit()
        self.extension.setObjectName("extension")
        self.extension.setPlaceholderText("any, or x1d.fits, fits")
        self.extension.setToolTip("File name endings to keep; commas for several")
        self.extension.setClearButtonEnabled(True)
        self.product_type = QtWidgets.QComboBox()
        self.product_type.setObjectName("product_type")
        self.product_type.setToolTip("SCIENCE, PREVIEW, AUXILIARY, ...; empty for every type")
        self.product_type.setMinimumContentsLength(10)
        set_choices(self.product_type, ["SCIENCE", "PREVIEW", "AUXILIARY"])

        self.model = TableModel(
            columns.chosen("qt", "products"), exclusive=exclusive_reason, parent=self
        )
        self.table, self.proxy = make_table_view(
            "products_table", self.model, view=ProductTableView()
        )
        self.column_chooser = ColumnChooser(
            self.table, self.proxy, self.model, "products",
            fit=lambda view: fit_columns(view, maximum=320),
        )
        self.table.setMinimumHeight(120)
        self.table.setToolTip(
            "Click a file to preview it (the selection stays); Ctrl-click or Space adds or "
            "removes it, Shift-click selects a range"
        )
        self.select_all = QtWidgets.QPushButton("All")
        self.select_all.setObjectName("select_all_products")
        self.select_all.setToolTip("Select every product shown")
        self.select_all.clicked.connect(self.table.selectAll)
        self.select_none = QtWidgets.QPushButton("None")
        self.select_none.setObjectName("select_no_products")
        self.select_none.setToolTip("Select no product (then Ctrl-click those to load)")
        self.select_none.clicked.connect(self.table.clearSelection)
        for b in (self.select_all, self.select_none):
            b.setAutoDefault(False)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.clicked.connect(self._clicked)

        self.selection_label = QtWidgets.QLabel()
        self.selection_label.setObjectName("selection_label")
        self.exclusive_label = QtWidgets.QLabel()
        self.exclusive_label.setObjectName("exclusive_label")
        self.exclusive_label.setWordWrap(True)
        self.exclusive_label.setStyleSheet(
            "background: #fff3cd; border: 1px solid #e0c97a; padding: 3px;"
        )
        self.exclusive_label.hide()
        self.error = error_label("products")

        filters = QtWidgets.QHBoxLayout()
        filters.addWidget(self.calibrated_only)
        filters.addWidget(self.mrp_only)
        filters.addSpacing(8)
        filters.addWidget(QtWidgets.QLabel("Extension"))
        filters.addWidget(self.extension, 1)
        filters.addWidget(QtWidgets.QLabel("Type"))
        filters.addWidget(self.product_type)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)
        chosen = QtWidgets.QHBoxLayout()
        chosen.addWidget(self.selection_label, 1)
        chosen.addWidget(QtWidgets.QLabel("Select"))
        chosen.addWidget(self.select_all)
        chosen.addWidget(self.select_none)
        layout.addLayout(chosen)
        layout.addWidget(self.exclusive_label)
        #: What MAST says of the token, under the note (``token_line.token_state``).
        self.token_line = TokenLine(state, token_state)
        layout.addWidget(self.token_line)

        self._syncing = False
        self._connections = [
            connect_checkable_button(state, "calibrated_only", self.calibrated_only),
            connect_checkable_button(state, "mrp_only", self.mrp_only),
            connect_text(state, "extension", self.extension),
        ]
        connect_editable_combo(state, "product_type", self.product_type)
        add_callback(state, "filtered", self._show_filtered)
        add_callback(state, "products", self._show_types)
        for name in (
            "selected_count",
            "selected_size_text",
            "exclusive",
            "token_set",
            "busy",
            "products",
        ):
            add_callback(state, name, self._show_selection)
        self.error_lines = ErrorLines(
            state, {"": self.error, "extra_filters": self.error}, ignore=("selected",)
        )
        self._show_filtered(state.filtered)
        self._show_selection()

    def commit(self):
        """Put the extension field into the state (as when editing ends)."""
        self._connections[2].update_prop()

    # -- the table --------------------------------------------------------------------------

    def _show_types(self, products):
        if products is not None and "productType" in products.colnames:
            set_choices(self.product_type, sorted({str(t) for t in products["productType"]}))

    def _show_filtered(self, filtered):
        self._syncing = True
        try:
            self.model.set_table(filtered)
            fit_columns(self.table, maximum=320)  # without rows, to the headings
            if filtered is not None and len(filtered):
                self.table.selectAll()  # the state's default: every filtered product
        finally:
            self._syncing = False
        self._show_selection()

    def _selection_changed(self, *_):
        if self._syncing or self.state.filtered is None:
            return
        uris = self.state.filtered["dataURI"]
        rows = selected_source_rows(self.table, self.proxy)
        chosen = None if len(rows) == len(uris) else [str(uris[i]) for i in rows]
        if chosen != self.state.selected_uris:
            self.state.selected_uris = chosen

    def _current_changed(self, current, _previous):
        if self._syncing or not current.isValid() or self.state.filtered is None:
            return
        row = self.proxy.mapToSource(current).row()
        self.current_product.emit(self.state.filtered[row])

    def _clicked(self, index):
        # A click on the current row asks for its preview again (after a cancel, a time
        # limit or an error); the dialog ignores it when that preview is shown or coming.
        if index.isValid() and index.row() == self.table.currentIndex().row():
            self._current_changed(index, None)

    def current_row(self):
        """The product row under the cursor (an astropy Row), or None."""
        index = self.table.selectionModel().currentIndex()
        if not index.isValid() or self.state.filtered is None:
            return None
        return self.state.filtered[self.proxy.mapToSource(index).row()]

    # -- what is selected -------------------------------------------------------------------

    def _show_selection(self, *_):
        state = self.state
        if state.busy and state.products is None:
            text = "Listing the products\N{HORIZONTAL ELLIPSIS}"
        elif state.products is None:
            text = "Select observations above to list their products"
        elif state.filtered is not None and not len(state.filtered):
            text = f"None of the {len(state.products)} products passes the filters"
        elif not state.selected_count:
            text = "No product selected"
        else:
            shown = len(state.filtered) if state.filtered is not None else 0
            text = f"Selected: {state.selected_size_text} (of {shown} shown)"
        self.selection_label.setText(text)
        n = len(state.exclusive or [])
        if not n:
            self.exclusive_label.hide()
            return
        files = f"{n} selected file{'s are' if n != 1 else ' is'}"
        if state.token_set:
            tail = "A MAST token is set, so they will be downloaded if it grants access."
        else:
            tail = (
                "No MAST token is set, so they will be skipped: set MAST_API_TOKEN (or "
                "glue_mast.configure(token=...)) before starting glue. The token is sent "
                "only to MAST, never shown or saved."
            )
        self.exclusive_label.setText(
            f"{files} exclusive access: MAST sends them only with the token of "
            f"someone who has rights to them. {tail}"
        )
        self.exclusive_label.show()
