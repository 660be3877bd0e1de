"""The Catalogs tab of the glue-qt dialog: a thin view over `~glue_mast.state.CatalogState`.

Catalog and version, target (or coordinates) and radius, optional criteria; Count asks for
the count alone, Search for page 1 (with the count); the pages of the answer in a table, with
any cut-off warning above it. The selected rows (or the page) load into glue as a table linked
on the sky (`glue_mast.glue.tables.load_catalog`), and "Search observations around selected"
runs one observation cone search per selected source into the dialog's observation search,
then shows it. Its inputs are remembered between openings of the dialog, as the observation
form's are (:meth:`CatalogsTab.remembered`).
"""

from __future__ import annotations

from echo import add_callback
from echo.qt import connect_text
from qtpy import QtCore, QtWidgets

from ..state import CatalogState
from ..state.columns import field_columns
from .bindings import ErrorLines, error_label
from .models import TableModel
from .results import fit_columns, make_table_view, selected_source_rows

__all__ = ["CatalogsTab", "mount_catalogs_tab"]


def _parse_criteria(text):
    """``"Tmag=10..12; objType=STAR"`` -> ``{"Tmag": [10, 12], "objType": "STAR"}``."""
    from ..errors import InputError

    criteria = {}
    for part in [p.strip() for p in text.split(";") if p.strip()]:
        name, sep, value = part.partition("=")
        if not sep or not name.strip():
            raise InputError(
                f"criteria are field=value, separated by ';' (e.g. Tmag=10..12); got {part!r}",
                field="criteria",
            )
        value = value.strip()
        if ".." in value:
            lo, hi = value.split("..", 1)
            criteria[name.strip()] = [float(lo) if lo else None, float(hi) if hi else None]
        elif "," in value:
            criteria[name.strip()] = [v.strip() for v in value.split(",") if v.strip()]
        else:
            criteria[name.strip()] = value
    return criteria


def _criteria_text(criteria):
    """The text `_parse_criteria` reads back as ``criteria`` (how a remembered form shows)."""

    def number(v):
        return v is None or (isinstance(v, (int, float)) and not isinstance(v, bool))

    parts = []
    for name, value in (criteria or {}).items():
        if isinstance(value, (list, tuple)) and len(value) == 2 and all(map(number, value)):
            lo, hi = ("" if v is None else f"{v:g}" for v in value)
            parts.append(f"{name}={lo}..{hi}")
        elif isinstance(value, (list, tuple)):
            parts.append(f"{name}={','.join(str(v) for v in value)}")
        else:
            parts.append(f"{name}={value}")
    return "; ".join(parts)


class CatalogsTab(QtWidgets.QWidget):
    """The Catalogs tab (see the module's doc).

    Parameters
    ----------
    state : `~glue_mast.state.CatalogState`
    search_state : `~glue_mast.state.SearchState`
        Where "Search observations around selected" sends its searches.
    data_collection : `~glue.core.data_collection.DataCollection`
        Where "Load as table" puts the catalog.
    """

    #: Emitted after "Search observations around selected" started its search.
    observations_requested = QtCore.Signal()

    def __init__(self, state, search_state, data_collection, parent=None, around_radius=None):
        super().__init__(parent)
        self.state = state
        self.search_state = search_state
        self.data_collection = data_collection
        self.loaded = []
        self._build()
        if around_radius:
            self.around_radius.setText(around_radius)
        self._connect()

    def remembered(self):
        """The tab's inputs for the next opening of the dialog: the state's inputs (all but the
        page) and the "within" radius."""
        self._criteria_typed()
        inputs = {k: v for k, v in self.state.as_dict().items() if k != "page"}
        return {"inputs": inputs, "around_radius": self.around_radius.text().strip()}

    def _build(self):
        s = self.state
        self.catalog = QtWidgets.QComboBox(objectName="catalog")
        self.catalog.addItems(list(s.catalog_choices))
        self.version = QtWidgets.QComboBox(objectName="version")
        self.target = QtWidgets.QLineEdit(objectName="target")
        self.target.setPlaceholderText("object name, e.g. TW Hya")
        self.coordinates = QtWidgets.QLineEdit(objectName="coordinates")
        self.coordinates.setPlaceholderText("RA Dec, e.g. 165.466 -34.705")
        self.radius = QtWidgets.QLineEdit(objectName="radius")
        self.criteria = QtWidgets.QLineEdit(objectName="criteria")
        self.criteria.setPlaceholderText("optional, e.g. Tmag=10..12; objType=STAR")
        self.criteria.setToolTip(
            "field=value, separated by ';': a range lo..hi (an open end left empty), a list "
            "a,b, one * wildcard in text; max_results=N caps the HSC and GALEX"
        )
        self.count_button = QtWidgets.QPushButton("Count", objectName="count_button")
        self.search_button = QtWidgets.QPushButton("Search", objectName="search_button")
        self.search_button.setDefault(True)
        self.status = QtWidgets.QLabel(objectName="catalog_status")
        self.status.setWordWrap(True)
        self.warning = QtWidgets.QLabel(objectName="catalog_warning")
        self.warning.setStyleSheet("color: #8a5a00;")
        self.warning.setWordWrap(True)
        self.warning.hide()
        self.previous_button = QtWidgets.QPushButton("Previous", objectName="previous_button")
        self.next_button = QtWidgets.QPushButton("Next", objectName="next_button")
        self.page_label = QtWidgets.QLabel(objectName="page_label")
        self.model = TableModel(())
        self.table, self.proxy = make_table_view("catalog_rows", self.model)
        self.load_button = QtWidgets.QPushButton("Load page as table",
                                                 objectName="load_table_button")
        self.load_button.setToolTip("Load the selected rows (or the page) into glue, linked on "
                                    "the sky to images and observation tables")
        self.around_radius = QtWidgets.QLineEdit("5 arcsec", objectName="around_radius")
        self.around_radius.setMaximumWidth(110)
        self.around_button = QtWidgets.QPushButton(
            "Search observations around selected", objectName="around_button"
        )
        self.errors = {name: error_label(name) for name in ("", "catalog", "target", "radius",
                                                            "criteria", "selected")}

        form = QtWidgets.QFormLayout()
        what = QtWidgets.QHBoxLayout()
        what.addWidget(self.catalog, 2)
        what.addWidget(QtWidgets.QLabel("version"))
        what.addWidget(self.version, 1)
        form.addRow("Catalog", what)
        form.addRow("", self.errors["catalog"])
        where = QtWidgets.QHBoxLayout()
        where.addWidget(self.target, 2)
        # Both fields filled, their placeholders are gone: the label says which is which.
        where.addWidget(QtWidgets.QLabel("or coordinates"))
        where.addWidget(self.coordinates, 2)
        form.addRow("Target", where)
        form.addRow("", self.errors["target"])
        form.addRow("Radius", self.radius)
        form.addRow("", self.errors["radius"])
        form.addRow("Criteria", self.criteria)
        form.addRow("", self.errors["criteria"])
        buttons = QtWidgets.QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.count_button)
        buttons.addWidget(self.search_button)
        paging = QtWidgets.QHBoxLayout()
        paging.addWidget(self.previous_button)
        paging.addWidget(self.page_label, 1)
        paging.addWidget(self.next_button)
        actions = QtWidgets.QHBoxLayout()
        actions.addWidget(self.load_button)
        actions.addStretch(1)
        actions.addWidget(QtWidgets.QLabel("within"))
        actions.addWidget(self.around_radius)
        actions.addWidget(self.around_button)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.errors[""])
        layout.addWidget(self.warning)
        layout.addWidget(self.table, 1)
        layout.addLayout(paging)
        layout.addLayout(actions)
        layout.addWidget(self.errors["selected"])

    def _connect(self):
        s = self.state
        # echo keeps only weak references to a connection: the tab keeps them.
        self._texts = [
            connect_text(s, name, getattr(self, name))
            for name in ("target", "coordinates", "radius")
        ]
        self.catalog.setCurrentText(s.catalog)
        self.criteria.setText(_criteria_text(s.criteria))
        self.catalog.currentTextChanged.connect(lambda text: setattr(s, "catalog", text))
        self.version.currentTextChanged.connect(self._version_chosen)
        self.criteria.editingFinished.connect(self._criteria_typed)
        self.count_button.clicked.connect(self.count)
        self.search_button.clicked.connect(self.search)
        self.previous_button.clicked.connect(lambda: self.go_to(s.page - 1))
        self.next_button.clicked.connect(lambda: self.go_to(s.page + 1))
        self.load_button.clicked.connect(self.load_table)
        self.around_button.clicked.connect(self.search_around)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.error_lines = ErrorLines(s, self.errors)
        add_callback(s, "version_choices", self._show_versions)
        add_callback(s, "rows", self._show_rows)
        for name in ("count", "count_note", "n_pages", "page", "busy", "loading_page",
                     "resolved_position", "warnings"):
            add_callback(s, name, self._show_status)
        self._show_versions()
        self._show_status()

    # -- actions ------------------------------------------------------------------------------

    def _criteria_typed(self):
        from ..errors import InputError

        try:
            self.state.criteria = _parse_criteria(self.criteria.text())
        except (InputError, ValueError) as exc:
            self.state.show_error(
                exc if isinstance(exc, InputError) else InputError(str(exc), field="criteria")
            )
            return False
        return True

    def _version_chosen(self, text):
        self.state.version = "" if text.startswith("newest") else text

    def count(self):
        """Ask for the count alone; returns the Job (or None if the criteria do not parse)."""
        return self.state.count_rows() if self._criteria_typed() else None

    def search(self):
        """Fetch page 1 (with the count); returns the Job."""
        return self.state.search() if self._criteria_typed() else None

    def go_to(self, n):
        if n >= 1:
            return self.state.go_to_page(n)
        return None

    def load_table(self):
        """Load the selected rows (or the whole page) into glue; returns the Data, or None."""
        from ..glue.tables import load_catalog

        rows = self.state.selected_rows()
        rows = rows if rows is not None else self.state.rows
        if rows is None:
            return None
        try:
            data = load_catalog(self.data_collection, rows)
        except Exception as exc:  # shown as one line, never a traceback
            self.state.show_error(exc)
            return None
        self.loaded.append(data)
        n = len(rows)
        self.status.setText(f"Loaded {n:,} row{'s' if n != 1 else ''} into glue as "
                            f"{data.label!r}, linked on the sky")
        return data

    def search_around(self):
        """Search observations around the selected rows; returns the Job, or None."""
        from ..errors import GlueMastError

        try:
            job = self.state.search_observations_around(
                self.search_state, radius=self.around_radius.text().strip() or None
            )
        except GlueMastError as exc:
            self.state.show_error(exc)
            return None
        self.observations_requested.emit()
        return job

    # -- what the state shows -------------------------------------------------------------------

    def _show_versions(self, *_):
        self.version.blockSignals(True)
        self.version.clear()
        choices = list(self.state.version_choices)
        if choices:
            self.version.addItem(f"newest ({choices[0]})")
            self.version.addItems(choices)
        self.version.setCurrentText(self.state.version or self.version.itemText(0))
        self.version.blockSignals(False)

    def _show_rows(self, rows):
        self.model.columns = tuple(field_columns(rows) if rows is not None else [])
        self.model.set_table(rows)
        if rows is not None:
            fit_columns(self.table)
        self._name_load_button()

    def _show_status(self, *_):
        s = self.state
        if s.busy:
            text = f"Fetching page {s.loading_page}\N{HORIZONTAL ELLIPSIS}" if s.loading_page \
                else "Asking MAST\N{HORIZONTAL ELLIPSIS}"
        elif s.count is not None:
            text = f"{s.count:,} rows" + (f" ({s.resolved_position})" if s.resolved_position
                                          else "")
        else:
            text = s.count_note or ""
        self.status.setText(text)
        self.warning.setText("\n".join(s.warnings))
        self.warning.setVisible(bool(s.warnings))
        pages = s.n_pages
        self.page_label.setText(
            "" if s.rows is None else f"page {s.page}" + (f" of {pages:,}" if pages else "")
        )
        self.previous_button.setEnabled(s.rows is not None and s.page > 1 and not s.busy)
        more = pages is None and s.rows is not None and len(s.rows) >= int(s.page_size)
        self.next_button.setEnabled(not s.busy and ((pages or 0) > s.page or more))

    def _selection_changed(self, *_):
        self.state.selected = selected_source_rows(self.table, self.proxy)
        self._name_load_button()

    def _name_load_button(self):
        # What "Load" takes, in its own words: the selected rows, else the whole page.
        n = len(self.state.selected or [])
        self.load_button.setText(
            f"Load {n:,} selected row{'s' if n != 1 else ''} as table" if n
            else "Load page as table"
        )


def mount_catalogs_tab(dialog, remembered=None):
    """Put the dialog's contents in an "Observations" tab and add a "Catalogs" tab beside it.

    ``remembered`` is what `CatalogsTab.remembered` returned when the last dialog closed.
    Returns the `CatalogsTab`; its state is ``dialog.catalog_state``.
    """
    layout = dialog.layout()
    observations = QtWidgets.QWidget(objectName="observations_tab")
    inner = QtWidgets.QVBoxLayout(observations)
    inner.setContentsMargins(0, 0, 0, 0)
    while layout.count():
        stretch = layout.stretch(0)
        item = layout.takeAt(0)
        if item.widget() is not None:
            inner.addWidget(item.widget(), stretch)
        elif item.layout() is not None:
            inner.addLayout(item.layout(), stretch)
    remembered = remembered or {}
    dialog.catalog_state = CatalogState(dispatch=dialog.dispatch, **remembered.get("inputs", {}))
    tab = CatalogsTab(
        dialog.catalog_state,
        dialog.search_state,
        dialog.data_collection,
        around_radius=remembered.get("around_radius"),
    )
    tab.setObjectName("catalogs_tab")
    dialog.tabs = QtWidgets.QTabWidget(objectName="tabs")
    dialog.tabs.addTab(observations, "Observations")
    dialog.tabs.addTab(tab, "Catalogs")
    tab.observations_requested.connect(lambda: dialog.tabs.setCurrentIndex(0))
    layout.addWidget(dialog.tabs)
    return tab
