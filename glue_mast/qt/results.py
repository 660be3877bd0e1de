"""The results part of the dialog: the current page of observations, paging, the selection.

The table shows one page of a `~glue_mast.state.SearchState` (sortable by any column, within
the page); selecting rows sets the state's ``selected_obsids``, which the products part
follows. Paging asks the state for another page (one request, in its job).
"""

from __future__ import annotations

from echo import add_callback
from qtpy import QtCore, QtWidgets

from ..state import columns
from .bindings import ErrorLines, error_label
from .column_chooser import ColumnChooser
from .models import TableModel, iso_date, sort_proxy

__all__ = ["PAGE_SIZES", "ResultsPanel", "exclusive_reason", "make_table_view"]

#: Milliseconds a selection must rest before its products are listed.
SELECTION_DELAY_MS = 250
#: Page sizes offered (any other whole number may be typed).
PAGE_SIZES = ("10", "25", "50", "100", "250", "500")


def exclusive_reason(row):
    """Why ``row`` (an observation or product) is exclusive access, or "" if it is public."""
    from ..archive.fetch import is_exclusive

    record = {name: columns.cell(row, name) for name in ("dataRights", "t_obs_release")}
    record = {k: v for k, v in record.items() if v is not None}
    import time

    now_mjd = time.time() / 86400.0 + 40587.0
    if not is_exclusive(record, now_mjd):
        return ""
    until = record.get("t_obs_release")
    when = f" until {iso_date(until, time=False)}" if until and until > now_mjd else ""
    return (
        f"Exclusive access{when}: MAST sends these files only with the MAST token of someone "
        "who has rights to them (MAST_API_TOKEN)"
    )


def make_table_view(name, model, view=None):
    """A sortable, row-selecting QTableView of ``model`` named ``name``; returns (view, proxy).

    ``view`` is the (new) QTableView to set up, a plain one by default.
    """
    view = QtWidgets.QTableView() if view is None else view
    view.setObjectName(name)
    proxy = sort_proxy(model, view)
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.sortByColumn(-1, QtCore.Qt.AscendingOrder)  # the server's order until a click
    view.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectRows)
    view.setSelectionMode(QtWidgets.QAbstractItemView.ExtendedSelection)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setTextElideMode(QtCore.Qt.ElideMiddle)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 6)
    view.verticalHeader().setVisible(False)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QtWidgets.QHeaderView.Interactive)
    return view, proxy


#: Columns never narrowed to fit: what tells the rows apart.
KEPT_WHOLE = frozenset({"obs_id", "productFilename", "dataURI", "obsid", "obsID"})


def fit_columns(view, maximum=260, minimum=64):
    """Size the columns to their contents (none wider than ``maximum`` pixels), then, while
    they are wider than the table, narrow the column of text with the most to spare (not
    below ``minimum`` nor 70% of its contents; numbers, dates and `KEPT_WHOLE` keep their
    width): the columns stay in sight, long texts elided in the middle (the tooltip holds
    the whole text); a table far narrower than its columns still scrolls.
    """
    from .models import SORT_ROLE

    view.resizeColumnsToContents()
    header = view.horizontalHeader()
    shown = [i for i in range(header.count()) if not header.isSectionHidden(i)]
    for i in shown[:-1]:
        if header.sectionSize(i) > maximum:
            header.resizeSection(i, maximum)
    # The viewport's width once the vertical scroll bar is shown (the rows just set may
    # not have brought it yet).
    available = view.viewport().width()
    if not view.verticalScrollBar().isVisible():
        available -= view.verticalScrollBar().sizeHint().width()
    model = view.model()
    if not view.isVisible() or available <= 0 or not model.rowCount():
        return
    sizes = {i: header.sectionSize(i) for i in shown}
    names = [c.name for c in getattr(getattr(model, "sourceModel", lambda: None)(), "columns", ())]
    narrowable = {
        i: sizes[i] for i in shown
        if not isinstance(model.index(0, i).data(SORT_ROLE), float)  # dates sort as MJD
        and (i >= len(names) or names[i] not in KEPT_WHOLE)
    }
    # Never below 70% of the contents: a table far narrower than its columns scrolls.
    floors = {i: max(minimum, int(0.7 * size)) for i, size in narrowable.items()}
    over = sum(sizes.values()) - available
    while over > 0 and narrowable:
        widest = max(narrowable, key=lambda i: narrowable[i] - floors[i])
        cut = min(over, narrowable[widest] - floors[widest], 8)
        if cut <= 0:
            break
        narrowable[widest] -= cut
        sizes[widest] -= cut
        over -= cut
    for i, size in sizes.items():
        if size != header.sectionSize(i):
            header.resizeSection(i, size)


def selected_source_rows(view, proxy):
    """The model rows selected in ``view``, in the model's order."""
    rows = {proxy.mapToSource(i).row() for i in view.selectionModel().selectedRows()}
    return sorted(rows)


class ResultsPanel(QtWidgets.QGroupBox):
    """The page of observations of ``state`` with paging and selection."""

    def __init__(self, state, parent=None):
        super().__init__("Observations", parent)
        self.state = state
        self.model = TableModel(
            columns.chosen("qt", "observations"), exclusive=exclusive_reason, parent=self
        )
        self.table, self.proxy = make_table_view("results_table", self.model)
        self.column_chooser = ColumnChooser(
            self.table, self.proxy, self.model, "observations", fit=fit_columns
        )
        self.table.setMinimumHeight(140)
        # MAST's portal services take no sort order: a heading click sorts the page shown, and
        # when there are several pages, the search again sorted (every row fetched, then
        # sorted: glue_mast.conf.max_sort_rows at most), so page 1 starts the whole order.
        self.table.horizontalHeader().setToolTip(
            "Click a heading to sort. With several pages, every row is fetched and sorted "
            "(MAST sends rows in its own order)"
        )
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._sort_requested)
        # A person Ctrl-clicking several rows makes one product listing, not one per click.
        self.selection_timer = QtCore.QTimer(self)
        self.selection_timer.setSingleShot(True)
        self.selection_timer.setInterval(SELECTION_DELAY_MS)
        self.selection_timer.timeout.connect(self._selection_changed)
        self.table.selectionModel().selectionChanged.connect(self._selection_moved)

        def button(name, icon, tip):
            b = QtWidgets.QToolButton()
            b.setObjectName(name)
            b.setIcon(self.style().standardIcon(icon))
            b.setToolTip(tip)
            return b

        style = QtWidgets.QStyle
        self.first_page = button("first_page", style.SP_MediaSkipBackward, "First page")
        self.previous_page = button("previous_page", style.SP_MediaSeekBackward, "Previous page")
        self.next_page = button("next_page", style.SP_MediaSeekForward, "Next page")
        self.last_page = button("last_page", style.SP_MediaSkipForward, "Last page")
        self.page_label = QtWidgets.QLabel()
        self.page_label.setObjectName("page_label")
        self.page_size = QtWidgets.QComboBox()
        self.page_size.setObjectName("page_size")
        self.page_size.setEditable(True)
        self.page_size.addItems(PAGE_SIZES)
        self.page_size.setCompleter(None)  # typing "5" must not complete to "50"
        self.page_size.setToolTip("Rows per page")
        self.page_size.setMinimumContentsLength(4)
        self.hint = QtWidgets.QLabel()
        self.hint.setObjectName("results_hint")
        self.hint.setStyleSheet("color: #555;")
        self.errors = {"page": error_label("page"), "page_size": error_label("page_size")}

        paging = QtWidgets.QHBoxLayout()
        for b in (self.first_page, self.previous_page):
            paging.addWidget(b)
        paging.addWidget(self.page_label)
        for b in (self.next_page, self.last_page):
            paging.addWidget(b)
        self._add_page_box(paging)
        paging.addSpacing(16)
        paging.addWidget(QtWidgets.QLabel("Rows per page"))
        paging.addWidget(self.page_size)
        paging.addSpacing(16)
        paging.addWidget(self.hint, 1)
        paging.addWidget(self._page_cancel_button())
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(paging)
        layout.addWidget(self.errors["page"])
        layout.addWidget(self.errors["page_size"])

        self.first_page.clicked.connect(lambda: self.go_to(1))
        self.previous_page.clicked.connect(lambda: self.go_to(self.state.page - 1))
        self.next_page.clicked.connect(lambda: self.go_to(self.state.page + 1))
        self.last_page.clicked.connect(lambda: self.go_to(self.state.n_pages))
        self.page_size.currentTextChanged.connect(self._page_size_typed)
        add_callback(state, "page_size", self._show_page_size)
        for name in ("rows", "page", "n_pages", "requesting", "count", "loading_page"):
            add_callback(state, name, self._show_paging)
        add_callback(state, "rows", self._show_rows)
        # The search's other errors are shown by the search form: only paging errors here.
        self.error_lines = ErrorLines(state, {**self.errors, "": None})
        self._show_page_size(state.page_size)
        self._show_rows(state.rows)

    # -- paging -----------------------------------------------------------------------------

    def go_to(self, n):
        """Show page ``n`` (the state fetches it in a job)."""
        if n is None or self.state.n_pages is None:
            return None
        return self.state.go_to_page(max(1, min(int(n), int(self.state.n_pages))))

    def _add_page_box(self, paging):
        """"Go to page [ ]" in the paging bar: Enter fetches the page typed; a page that is
        not there is said in the page's error line."""
        self.page_box = QtWidgets.QLineEdit()
        self.page_box.setObjectName("page_box")
        self.page_box.setPlaceholderText("page")
        self.page_box.setToolTip("Type a page number and press Enter")
        self.page_box.setMaximumWidth(self.fontMetrics().horizontalAdvance("0" * 8) + 16)
        label = QtWidgets.QLabel("Go to")
        label.setBuddy(self.page_box)
        paging.addSpacing(12)
        paging.addWidget(label)
        paging.addWidget(self.page_box)
        self.page_box.returnPressed.connect(self._page_typed)
        self.page_box.textEdited.connect(self._page_box_edited)

    def _page_typed(self):
        text = self.page_box.text().strip()
        if not text or self.state.n_pages is None:
            return None
        # The state checks it ("abc", 0 or past the end: one line naming the page).
        return self.state.go_to_page(text)

    def _page_box_edited(self, _text):
        if self.state.error_field == "page":  # the page said wrong is being corrected
            self.state.error = self.state.error_field = ""

    def _page_cancel_button(self):
        """The Cancel shown beside "Fetching page n…": the page shown stays."""
        self.cancel_page = QtWidgets.QPushButton("Cancel")
        self.cancel_page.setObjectName("page_cancel_button")
        self.cancel_page.setToolTip("Stop fetching that page; the page shown stays")
        self.cancel_page.setAutoDefault(False)
        self.cancel_page.hide()
        self.cancel_page.clicked.connect(self.cancel_fetch)
        return self.cancel_page

    def cancel_fetch(self):
        """Stop fetching the page asked for: the page shown stays, paging works at once."""
        self.state.cancel()

    def _show_fetching(self):
        """While a page is fetched: "Fetching page n…" and its Cancel, the old page shown."""
        fetching = self.state.loading_page if self.state.requesting else None
        self.cancel_page.setVisible(fetching is not None)
        self.page_box.setEnabled(bool(self.state.n_pages))
        return fetching

    def _page_size_typed(self, text):
        text = text.strip()
        value = int(text) if text.isdigit() else text
        if value == self.state.page_size:
            return
        self.state.page_size = value
        if isinstance(value, int) and value > 0 and self.state.count is not None:
            self.state.go_to_page(1)

    def _show_page_size(self, value):
        if self.page_size.currentText().strip() != str(value):
            self.page_size.blockSignals(True)
            self.page_size.setCurrentText(str(value))
            self.page_size.blockSignals(False)

    def _show_paging(self, *_):
        state = self.state
        n_pages, page = state.n_pages, state.page
        if n_pages:
            self.page_label.setText(f"Page {page:,} of {n_pages:,}")
        else:
            self.page_label.setText("Page \N{EN DASH}")
        idle = not state.requesting
        self.first_page.setEnabled(bool(n_pages) and idle and page > 1)
        self.previous_page.setEnabled(bool(n_pages) and idle and page > 1)
        self.next_page.setEnabled(bool(n_pages) and idle and page < n_pages)
        self.last_page.setEnabled(bool(n_pages) and idle and page < n_pages)
        self._show_hint()

    # -- rows and selection -----------------------------------------------------------------

    def _show_rows(self, rows):
        self.selection_timer.stop()
        self.model.set_table(rows)
        fit_columns(self.table)  # without rows, to the headings: no scroll bar under them
        self._show_hint()

    def _sort_requested(self, section, order):
        """A heading click: with several pages, search again sorted by that column."""
        state = self.state
        if section < 0 or not state.n_pages or state.n_pages <= 1 or state.busy:
            return  # one page: the view sorts it where it is
        field = self.model.columns[section].fields[0]
        key = f"-{field}" if order == QtCore.Qt.DescendingOrder else field
        if state.sort != key:
            state.sort = key
            state.search()

    def _sorted_note(self):
        """"; all 1,234 rows sorted by t_min" when the search is sorted, else ""."""
        sort = self.state.sort
        if not sort or self.state.count is None:
            return ""
        field = sort.lstrip("-")
        order = " (descending)" if sort.startswith("-") else ""
        return f"; all {self.state.count:,} rows sorted by {field}{order}"

    def _show_hint(self):
        rows = self.state.rows
        fetching = self._show_fetching()
        if fetching is not None:
            text = f"Fetching page {fetching:,}\N{HORIZONTAL ELLIPSIS}"
        elif self.state.requesting and self.state.count is not None and rows is None:
            text = f"Fetching page {self.state.page}\N{HORIZONTAL ELLIPSIS}"
        elif rows is None:
            text = "Search to list observations"
        elif not len(rows):
            text = "No observations match"
        elif not self.state.selected_obsids:
            text = "Select observations (Ctrl/Shift-click for several) to list their products"
        else:
            n = len(self.state.selected_obsids)
            text = f"{n} observation{'s' if n != 1 else ''} selected"
        if rows is not None and len(rows):
            text += self._sorted_note()
        self.hint.setText(text)

    def _selection_moved(self, *_):
        self.selection_timer.start()
        self._show_hint()

    def _selection_changed(self):
        rows = self.state.rows
        if rows is None:
            return
        obsids = [str(rows["obsid"][i]) for i in selected_source_rows(self.table, self.proxy)]
        if obsids != list(self.state.selected_obsids):
            self.state.selected_obsids = obsids
        self._show_hint()
