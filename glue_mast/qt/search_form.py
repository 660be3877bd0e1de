"""The search part of the dialog: target or coordinates, radius, criteria, the Search button.

Every field is bound to a `~glue_mast.state.SearchState` input. One text field takes a name
or coordinates (MAST resolves a name; a position in any form astropy parses is used as it
is). Text fields are committed to the state when editing ends and when Search is clicked, so
that typing does not clear the results at every key.
"""

from __future__ import annotations

import re

from echo import add_callback, delay_callback
from echo.qt import connect_text
from qtpy import QtCore, QtWidgets

from ..errors import InputError
from .bindings import ErrorLines, connect_editable_combo, error_label, set_choices

__all__ = ["CALIBRATION_LEVELS", "SearchForm", "looks_like_coordinates"]

#: MAST's calibration levels (CAOM ``calib_level``), with what each means.
CALIBRATION_LEVELS = (
    ("1", "1: raw, instrument units"),
    ("2", "2: calibrated, in physical units"),
    ("3", "3: science product (combined, mosaics)"),
    ("4", "4: contributed (high-level science products)"),
)

#: Milliseconds of pause in typing a name after which it is resolved ahead of Search.
RESOLVE_PAUSE_MS = 400

# Digits, signs, separators and sexagesimal unit letters only: "10.68 41.27",
# "00h42m44.3s +41d16m09s", "18:03:37 -24:23:12". Names have other letters ("3C 273").
_COORDINATES = re.compile(r"^[\s\d+\-.:,°'\"hmsdHMSD]+$")


def looks_like_coordinates(text):
    """Whether ``text`` is a position rather than a name to resolve."""
    text = text.strip()
    return bool(_COORDINATES.match(text)) and len(re.findall(r"\d+(?:\.\d*)?", text)) >= 2


def _parse_extra(text):
    """``"proposal_pi=Smith; filters=G130M, G160M"`` -> a dict of MAST field -> value(s)."""
    from ..state.form import split_values

    out = {}
    for part in [p.strip() for p in text.split(";") if p.strip()]:
        if "=" not in part:
            raise InputError(
                f"write other criteria as field=value, separated by ';' (got {part!r})",
                field="extra_criteria",
            )
        key, value = (s.strip() for s in part.split("=", 1))
        values = split_values(value)
        out[key] = values[0] if len(values) == 1 else values
    return out


def _format_extra(criteria):
    return "; ".join(
        f"{k}={', '.join(map(str, v)) if isinstance(v, (list, tuple)) else v}"
        for k, v in (criteria or {}).items()
    )


def _line(name, placeholder, tip):
    edit = QtWidgets.QLineEdit()
    edit.setObjectName(name)
    edit.setPlaceholderText(placeholder)
    edit.setToolTip(tip)
    edit.setClearButtonEnabled(True)
    return edit


def _combo(name, tip):
    combo = QtWidgets.QComboBox()
    combo.setObjectName(name)
    combo.setToolTip(tip)
    combo.setMinimumContentsLength(12)
    combo.setSizeAdjustPolicy(QtWidgets.QComboBox.AdjustToMinimumContentsLengthWithIcon)
    return combo


class SearchForm(QtWidgets.QGroupBox):
    """The search form over ``state`` (a `~glue_mast.state.SearchState`).

    Signals
    -------
    search_requested
        Search was clicked, or Enter pressed in a field, after the fields were committed.
    """

    search_requested = QtCore.Signal()

    def __init__(self, state, parent=None):
        super().__init__("Search MAST", parent)
        self.state = state
        self.target = _line(
            "target",
            "a name (TW Hya, M31, TIC 358108509) or coordinates (10.68 41.27)",
            "An object name, resolved by MAST, or a position in any form astropy reads:\n"
            "decimal degrees '270.9 -24.38', or '18:03:37 -24:23:12', '18h03m37s -24d23m12s'",
        )
        self.radius = _line("radius", "0.2 deg", "Search radius with its unit: 0.2 deg, 30 arcsec")
        self.obs_collection = _combo("obs_collection", "Collection (mission), e.g. HST, IUE")
        self.instrument_name = _combo("instrument_name", "Instrument, e.g. COS/FUV")
        self.dataproduct_type = _combo("dataproduct_type", "spectrum, timeseries, image, ...")
        self.calib_level = _combo(
            "calib_level", "\n".join(["Calibration level:"] + [t for _, t in CALIBRATION_LEVELS])
        )
        tip = "Several values: separate them with commas (MAST matches any of them)"
        for combo in self._combos():
            combo.setToolTip(combo.toolTip() + "\n" + tip)
        set_choices(
            self.calib_level, [v for v, _ in CALIBRATION_LEVELS], [t for _, t in CALIBRATION_LEVELS]
        )

        self.errors = {
            name: error_label(name)
            for name in (
                "target",
                "radius",
                "obs_collection",
                "instrument_name",
                "dataproduct_type",
                "calib_level",
                "proposal_id",
                "t_min",
                "t_max",
                "em_min",
                "em_max",
                "extra_criteria",
                "search",
            )
        }
        grid = QtWidgets.QGridLayout()
        for column in (1, 3, 5, 7):
            grid.setColumnStretch(column, 1)
        label = QtWidgets.QLabel("Target or coordinates")
        label.setBuddy(self.target)
        grid.addWidget(label, 0, 0)
        grid.addWidget(self.target, 0, 1, 1, 5)
        radius = QtWidgets.QLabel("Radius")
        radius.setBuddy(self.radius)
        grid.addWidget(radius, 0, 6)
        grid.addWidget(self.radius, 0, 7)
        grid.addWidget(self.errors["target"], 1, 1, 1, 5)
        grid.addWidget(self.errors["radius"], 1, 6, 1, 2)
        for i, (text, combo) in enumerate(
            zip(
                ("Collection", "Instrument", "Product type", "Calib. level"),
                self._combos(),
                strict=True,
            )
        ):
            label = QtWidgets.QLabel(text)
            label.setBuddy(combo)
            grid.addWidget(label, 2, 2 * i)
            grid.addWidget(combo, 2, 2 * i + 1)
            grid.addWidget(self.errors[combo.objectName()], 3, 2 * i, 1, 2)

        self.more_toggle = QtWidgets.QToolButton()
        self.more_toggle.setObjectName("more_criteria_toggle")
        self.more_toggle.setText("More criteria: proposal, dates, wavelengths, any field")
        self.more_toggle.setCheckable(True)
        self.more_toggle.setToolButtonStyle(QtCore.Qt.ToolButtonTextBesideIcon)
        self.more_toggle.setArrowType(QtCore.Qt.RightArrow)
        self.more_toggle.setAutoRaise(True)
        self.more = self._more_criteria()
        self.more.setVisible(False)
        self.more_toggle.toggled.connect(self._toggle_more)

        self.search_button = QtWidgets.QPushButton("Search")
        self.search_button.setObjectName("search_button")
        self.search_button.setDefault(True)
        self.cancel_button = QtWidgets.QPushButton("Cancel")
        self.cancel_button.setObjectName("search_cancel_button")
        self.cancel_button.setToolTip("Stop the search; nothing it brings is shown")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.hide()
        self._cancelled = False  # the last search was cancelled (said until the next one)
        self.count_label = QtWidgets.QLabel()
        self.count_label.setObjectName("count_label")
        self.resolved_label = QtWidgets.QLabel()
        self.resolved_label.setObjectName("resolved_label")
        self.resolved_label.setStyleSheet("color: #555;")
        buttons = QtWidgets.QHBoxLayout()
        buttons.addWidget(self.search_button)
        buttons.addWidget(self.count_label)
        buttons.addWidget(self.cancel_button)
        buttons.addSpacing(12)
        buttons.addWidget(self.resolved_label, 1)

        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.more_toggle, 0, QtCore.Qt.AlignLeft)
        layout.addWidget(self.more)
        layout.addLayout(buttons)
        layout.addWidget(self.errors["search"])
        self._bind()

    # -- layout -----------------------------------------------------------------------------

    @staticmethod
    def _row(grid, row, label1, widget1, label2, widget2):
        for column, (text, widget) in enumerate(((label1, widget1), (label2, widget2))):
            label = QtWidgets.QLabel(text)
            label.setBuddy(widget)
            grid.addWidget(label, row, 2 * column)
            grid.addWidget(widget, row, 2 * column + 1)

    def _combos(self):
        return (self.obs_collection, self.instrument_name, self.dataproduct_type, self.calib_level)

    def _more_criteria(self):
        box = QtWidgets.QWidget()
        box.setObjectName("more_criteria")
        self.proposal_id = _line("proposal_id", "e.g. 11616", "Proposal or programme ID(s)")
        self.t_min = _line("t_min", "2010-01-01 or MJD", "Observations that end after this date")
        self.t_max = _line("t_max", "2012-12-31 or MJD", "Observations that start before it")
        self.em_min = _line("em_min", "e.g. 120 nm", "Observations reaching above this wavelength")
        self.em_max = _line("em_max", "e.g. 1.2 um", "Observations reaching below this wavelength")
        self.extra_criteria = _line(
            "extra_criteria",
            "field=value; field=value   e.g. proposal_pi=Herczeg; filters=G130M",
            "Any other MAST observation field, as field=value, separated by ';'",
        )
        grid = QtWidgets.QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self._row(grid, 0, "Dates from", self.t_min, "to", self.t_max)
        grid.addWidget(self.errors["t_min"], 1, 1)
        grid.addWidget(self.errors["t_max"], 1, 3)
        self._row(grid, 2, "Wavelengths from", self.em_min, "to", self.em_max)
        grid.addWidget(self.errors["em_min"], 3, 1)
        grid.addWidget(self.errors["em_max"], 3, 3)
        self._row(grid, 4, "Proposal ID", self.proposal_id, "Any field", self.extra_criteria)
        grid.addWidget(self.errors["proposal_id"], 5, 1)
        grid.addWidget(self.errors["extra_criteria"], 5, 3)
        return box

    def _toggle_more(self, shown):
        self.more.setVisible(shown)
        self.more_toggle.setArrowType(QtCore.Qt.DownArrow if shown else QtCore.Qt.RightArrow)

    # -- binding ----------------------------------------------------------------------------

    def _bind(self):
        state = self.state
        for combo in self._combos():
            connect_editable_combo(state, combo.objectName(), combo)
        self._texts = [
            connect_text(state, name, getattr(self, name))
            for name in ("radius", "proposal_id", "t_min", "t_max", "em_min", "em_max")
        ]
        self.target.editingFinished.connect(self.commit_target)
        # When the user pauses typing a name, resolve it: Search is then one round trip.
        self.resolve_timer = QtCore.QTimer(self)
        self.resolve_timer.setSingleShot(True)
        self.resolve_timer.setInterval(RESOLVE_PAUSE_MS)
        self.resolve_timer.timeout.connect(self._resolve_ahead)
        self.target.textEdited.connect(lambda _: self.resolve_timer.start())
        self.extra_criteria.editingFinished.connect(self.commit_extra)
        add_callback(state, "target", self._show_target)
        add_callback(state, "coordinates", self._show_target)
        add_callback(state, "extra_criteria", self._show_extra)
        self._show_target()
        self._show_extra()
        add_callback(state, "collection_choices", lambda v: set_choices(self.obs_collection, v))
        add_callback(state, "instrument_choices", lambda v: set_choices(self.instrument_name, v))
        for name in ("count", "n_pages", "rows", "resolved_position", "requesting",
                     "loading_page"):
            add_callback(state, name, self._show_count)
        self.cancel_button.clicked.connect(self.cancel_search)
        self._show_count()
        self.error_lines = ErrorLines(
            state,
            {**self.errors, "": self.errors["search"], "coordinates": self.errors["target"]},
            ignore=("page", "page_size"),
        )
        self.search_button.clicked.connect(self._search_clicked)
        for edit in (
            self.target,
            self.radius,
            self.proposal_id,
            self.t_min,
            self.t_max,
            self.em_min,
            self.em_max,
            self.extra_criteria,
        ):
            edit.returnPressed.connect(self._search_clicked)
        if (
            any(state.as_dict()[n] for n in ("proposal_id", "t_min", "t_max", "em_min", "em_max"))
            or state.extra_criteria
        ):
            self.more_toggle.setChecked(True)

    def _resolve_ahead(self):
        text = self.target.text().strip()
        if text and not looks_like_coordinates(text):
            self.state.resolve_ahead(text)

    def commit_target(self):
        """Put the target field into the state: a name, or coordinates."""
        text = self.target.text().strip()
        coordinates = text if looks_like_coordinates(text) else ""
        target = "" if coordinates else text
        if (target, coordinates) != (self.state.target, self.state.coordinates):
            with delay_callback(self.state, "target", "coordinates"):
                self.state.target = target
                self.state.coordinates = coordinates

    def commit_extra(self):
        """Put the "any field" text into the state; a bad one shows its error beside it."""
        try:
            criteria = _parse_extra(self.extra_criteria.text())
        except InputError as exc:
            self.state.show_error(exc)
            return False
        if criteria != (self.state.extra_criteria or {}):
            self.state.extra_criteria = criteria
        elif self.state.error_field == "extra_criteria":  # fixed back to the value it had
            self.state.error = self.state.error_field = ""
        return True

    def commit(self):
        """Put every text field into the state (as when editing ends); False on a bad one."""
        self.commit_target()
        for connection in self._texts:
            connection.update_prop()
        return self.commit_extra()

    def _search_clicked(self):
        if self.commit():
            self.search_requested.emit()
            self._show_count()  # a search already on its way leaves "requesting" as it was

    def cancel_search(self):
        """Stop the search on its way: "Search cancelled" shows at once, though the request
        in flight may take a while to return (its answer is dropped)."""
        if self.state.requesting and self.state.loading_page is None:
            self._cancelled = True
        self.state.cancel()
        self._show_count()

    def _show_target(self, *_):
        text = self.state.target or self.state.coordinates or ""
        if self.target.text().strip() != text:
            self.target.setText(text)

    def _show_extra(self, *_):
        text = _format_extra(self.state.extra_criteria)
        if _parse_extra_quiet(self.extra_criteria.text()) != (self.state.extra_criteria or {}):
            self.extra_criteria.setText(text)

    def set_product_type_choices(self, choices):
        set_choices(self.dataproduct_type, choices)

    def _show_count(self, *_):
        state = self.state
        # A page being fetched says so (with its own Cancel) under the results.
        searching = state.requesting and state.loading_page is None
        if searching:
            self._cancelled = False
        if state.count is None:
            text = "Searching\N{HORIZONTAL ELLIPSIS}" if searching else ""
            if self._cancelled and not searching:
                text = "Search cancelled"
        else:
            text = f"{state.count:,} observation{'s' if state.count != 1 else ''}"
            if searching and state.rows is None:
                text += ", fetching the first page\N{HORIZONTAL ELLIPSIS}"
        self.count_label.setText(text)
        self.cancel_button.setVisible(searching)
        self.resolved_label.setText(state.resolved_position or "")


def _parse_extra_quiet(text):
    try:
        return _parse_extra(text)
    except InputError:
        return None
