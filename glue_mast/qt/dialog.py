"""``MastImportDialog``: search MAST, pick products, preview one, load them into glue.

A thin view over `glue_mast.state`: the search form, the page of results, the product list
and the preview are bound to a `~glue_mast.state.SearchState`, a
`~glue_mast.state.ProductState` and a `~glue_mast.state.PreviewState`. Every request, page,
product list, preview and download runs in the states' background jobs, whose results reach
the widgets through a queued signal (`GuiDispatcher`), so the window never waits on MAST.

Load runs the one load pipeline (`glue_mast.state.load.start_load`) with the data collection
as its sink (`glue_mast.glue.sink.DataCollectionSink`): the product state's fetch, then the
files read in a job (reading and the first imports of specutils and lightkurve take seconds)
and, back on the GUI thread, added to the data collection, labelled and linked, with their
provenance in ``meta["glue_mast"]``.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from echo import add_callback
from qtpy import QtCore, QtWidgets

from ..jobs import Job
from ..state import PreviewState, ProductState, SearchState
from ..state.base import one_line
from .bindings import ErrorLines, GuiDispatcher, error_label
from .catalogs_tab import mount_catalogs_tab
from .footprints import FootprintsIntoGlue
from .preview import PreviewNote, PreviewPlot
from .preview_progress import PreviewProgress, preview_footer, preview_running
from .products_panel import ProductsPanel
from .results import ResultsPanel
from .search_form import SearchForm

__all__ = ["MastImportDialog", "forget_form", "remembered_form"]

#: The form as last left, per process: restored when the dialog opens again.
_REMEMBERED = {}
#: Pixels of the scrolling part (form, tables, preview) at least: below it, it scrolls.
MIN_BODY_HEIGHT = 240
#: The size the dialog asks for, within the screen's free area.
PREFERRED_SIZE = (1180, 900)


def remembered_form():
    """A copy of the form the dialog remembers (search inputs, product filter, download dir,
    the Catalogs tab's inputs)."""
    import copy

    return copy.deepcopy(_REMEMBERED)  # nested: the Catalogs tab's inputs hold its criteria


def forget_form():
    """Forget the remembered form (the next dialog opens with the defaults)."""
    _REMEMBERED.clear()


def _warm_imports(job):
    """(worker thread) Import what the first search, listing, preview and load need.

    A first import in a slot on the GUI thread would stall the window for seconds (specutils
    and lightkurve take about 2 s each, cold); here it costs the GUI nothing.
    """
    import importlib

    for name in (
        "astropy.coordinates",
        "astropy.time",
        "astroquery.mast",
        "glue_mast.archive.search",
        "glue_mast.archive.products",
        "glue_mast.archive.fetch",
        "glue_mast.io",
        "glue_mast.glue.loading",
        "glue_mast.glue.data",
        "specutils",
    ):
        job.check_cancelled()
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    from ..errors import MissingDependency
    from ..io.lightcurves import import_lightkurve

    # An optional reader (lightkurve) may be missing: its files say so when read.
    with contextlib.suppress(MissingDependency):
        import_lightkurve()
    freeze_imported()


def freeze_imported():
    """Collect, then move the objects alive now (the modules just imported, mostly) out of
    the cyclic garbage collector's sight (`gc.freeze`), once per process, if
    ``glue_mast.conf.freeze_imported``.

    Once astropy, specutils, lightkurve and glue are imported, each full collection walks
    every object they made: 0.1-0.4 s holding the GIL, in whatever thread allocated last,
    so a preview or a load in a worker froze the window that long (measured with
    ``benchmarks/bench_qt_dialog.py``). Frozen, they are never walked again; they live as
    long as the process anyway. The young generations are collected first (a few
    milliseconds, unlike a full collection), so the imports' own garbage is not frozen with
    them. Returns whether it froze them now.
    """
    import gc

    from .. import config

    if not config.conf.freeze_imported or _FROZEN:
        return False
    _FROZEN.append(True)
    gc.collect(1)
    gc.freeze()
    return True


_FROZEN = []


class MastImportDialog(QtWidgets.QDialog):
    """Search MAST and load what it holds into a glue data collection.

    Parameters
    ----------
    data_collection : `~glue.core.data_collection.DataCollection` or glue Application, optional
        Where Load puts the datasets; a new DataCollection (:attr:`data_collection`) by
        default.
    parent : QWidget, optional

    Attributes
    ----------
    search_state, product_state, preview_state
        The states the widgets show; a script may set their inputs and call their methods.
    loaded : list
        The glue Data this dialog loaded, in order.
    close_on_load : bool
        Close (accept) the dialog when a load succeeded without problems (False: it stays
        open with the load's summary, as from File > Import Data).
    warm_job : `~glue_mast.jobs.Job`
        The first imports of the readers (astroquery, specutils, lightkurve), started when the
        dialog opens so that no search, preview or load waits for them. Loading a large
        compiled module holds Python's GIL, so these imports can delay the window by a few
        hundred milliseconds once per process, while the user types the first search.
    """

    def __init__(self, data_collection=None, parent=None):
        super().__init__(parent)
        from glue.core.data_collection import DataCollection

        if data_collection is None:
            data_collection = DataCollection()
        elif hasattr(data_collection, "data_collection"):  # a glue Application
            data_collection = data_collection.data_collection
        self.data_collection = data_collection
        self.loaded = []
        self.close_on_load = False
        self.load_job = None
        self._previewed = None  # the dataURI of the product previewed
        self.setWindowTitle("Import from MAST")
        self.setObjectName("mast_import_dialog")

        self.dispatch = GuiDispatcher(self)
        remembered = remembered_form()
        self.search_state = SearchState(dispatch=self.dispatch, **remembered.get("search", {}))
        self.product_state = ProductState(
            search=self.search_state, **remembered.get("products", {})
        )
        self.preview_state = PreviewState(products=self.product_state)

        self.search_form = SearchForm(self.search_state)
        self.results = ResultsPanel(self.search_state)
        self.products = ProductsPanel(self.product_state)
        self.preview = PreviewPlot(self.preview_state, self.dispatch)
        self.preview_note = PreviewNote(self.preview_state)
        self.preview_progress = PreviewProgress(self.preview_state)
        self.preview_error = error_label("preview")
        self.footprints = FootprintsIntoGlue(self)
        self._build(remembered)
        # sets self.catalog_state, self.tabs
        self.catalogs_tab = mount_catalogs_tab(self, remembered.get("catalogs"))
        self._connect()

        #: Imports the readers in the background (done within seconds of opening).
        self.warm_job = Job(_warm_imports, name="import readers")
        self.search_state.load_choices().add_done_callback(
            lambda job: self.dispatch(lambda: self._choices_loaded(job))
        )
        screen = self.screen()
        free = screen.availableGeometry() if screen is not None else None
        self.resize(*fitting_size(free.width(), free.height()) if free else PREFERRED_SIZE)

    # -- layout -----------------------------------------------------------------------------

    def _build(self, remembered):
        preview_box = QtWidgets.QGroupBox("Preview")
        preview_layout = QtWidgets.QVBoxLayout(preview_box)
        preview_layout.addWidget(self.preview, 1)
        preview_layout.addWidget(preview_footer(self.preview_note, self.preview_progress))
        preview_layout.addWidget(self.preview_error)
        lower = QtWidgets.QSplitter(QtCore.Qt.Horizontal)
        lower.addWidget(self.products)
        lower.addWidget(preview_box)
        # Three fifths and two: the product table's default columns and filters fit in
        # the first on a 1366 px screen, and the preview is large enough to read a flux
        # unit and a 2-D spectrum (the sizes set, not only the stretch, which would leave the
        # products their wider preferred size).
        lower.setStretchFactor(0, 3)
        lower.setStretchFactor(1, 2)
        lower.setSizes([3000, 2000])
        lower.setChildrenCollapsible(False)
        middle = QtWidgets.QSplitter(QtCore.Qt.Vertical)
        middle.addWidget(self.results)
        middle.addWidget(lower)
        middle.setStretchFactor(0, 1)
        middle.setStretchFactor(1, 1)
        middle.setChildrenCollapsible(False)

        self.download_dir = QtWidgets.QLineEdit(
            remembered.get("download_dir") or shown_path(_default_download_dir())
        )
        self.download_dir.setObjectName("download_dir")
        self.download_dir.setToolTip(
            "Where the files go (with their provenance manifest). Save the glue session in "
            "this directory or above it, so that the session, manifest and files travel together"
        )
        browse = QtWidgets.QPushButton("Browse\N{HORIZONTAL ELLIPSIS}")
        browse.setObjectName("browse_button")
        browse.clicked.connect(self._browse)
        self.progress_bar = QtWidgets.QProgressBar()
        self.progress_bar.setObjectName("progress_bar")
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setMaximumWidth(220)
        self.load_status = QtWidgets.QLabel()
        self.load_status.setObjectName("load_status")
        self.load_status.setWordWrap(True)
        self.load_error = error_label("load")
        self.cancel_button = QtWidgets.QPushButton("Cancel")
        self.cancel_button.setObjectName("cancel_button")
        self.cancel_button.setToolTip("Stop the download; partial files are kept to resume")
        self.load_button = QtWidgets.QPushButton("Load into glue")
        self.load_button.setObjectName("load_button")
        self.load_button.setToolTip("Download the selected products and load them, linked")
        self.close_button = QtWidgets.QPushButton("Close")
        self.close_button.setObjectName("close_button")
        self.close_button.setAutoDefault(False)
        self.load_button.setAutoDefault(False)

        where = QtWidgets.QHBoxLayout()
        where.addWidget(QtWidgets.QLabel("Download to"))
        where.addWidget(self.download_dir, 1)
        where.addWidget(browse)
        bar = QtWidgets.QHBoxLayout()
        bar.addWidget(self.progress_bar)
        bar.addWidget(self.load_status, 1)
        bar.addWidget(self.cancel_button)
        bar.addWidget(self.footprints.button)
        bar.addWidget(self.load_button)
        bar.addWidget(self.close_button)
        # The form and the tables scroll when the window is short (a 1366x768 screen leaves
        # about 700 px): the download folder, Load and its summary stay in sight below.
        body = QtWidgets.QWidget()
        body.setObjectName("dialog_body")
        body_layout = QtWidgets.QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addWidget(self.search_form)
        body_layout.addWidget(middle, 1)
        # The form takes the height it needs, the tables and preview the rest; their smallest
        # heights let all of it fit on a 1366x768 screen (more shows by scrolling).
        self.search_form.setSizePolicy(
            QtWidgets.QSizePolicy.Preferred, QtWidgets.QSizePolicy.Maximum
        )
        self.results.table.setMinimumHeight(100)
        self.products.table.setMinimumHeight(80)
        self.preview.setMinimumSize(300, 160)
        self.body = QtWidgets.QScrollArea()
        self.body.setObjectName("dialog_scroll")
        self.body.setWidgetResizable(True)
        self.body.setFrameShape(QtWidgets.QFrame.NoFrame)
        self.body.setWidget(body)
        self.body.setMinimumHeight(MIN_BODY_HEIGHT)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.body, 1)
        layout.addLayout(where)
        layout.addLayout(bar)
        layout.addWidget(self.load_error)
        layout.addWidget(self.footprints.status)

    def _connect(self):
        self.search_form.search_requested.connect(self.search)
        self.products.current_product.connect(self.show_preview)
        self.load_button.clicked.connect(self.load)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.reject)
        self.preview_lines = ErrorLines(self.preview_state, {"": self.preview_error})
        for name in ("selected_count", "busy"):
            add_callback(self.product_state, name, self._show_buttons)
        add_callback(self.product_state, "fetch_fraction", self._show_fraction)
        add_callback(self.product_state, "fetch_status", self._show_fetch_status)
        add_callback(self.product_state, "filtered", self._drop_stale_preview)
        self._show_buttons()

    # -- actions ----------------------------------------------------------------------------

    def search(self):
        """Search with the form's inputs (count and page 1 in one round trip); returns the Job."""
        self.search_form.commit()
        self.remember()
        return self.search_state.search()

    def show_preview(self, row):
        """Preview product ``row`` (fetched into the cache if needed); returns the Job, or
        None when the preview of that product is shown or being made already."""
        uri = str(row["dataURI"]) if "dataURI" in row.colnames else None
        if uri is not None and uri == self._previewed and self._preview_in_hand():
            return None  # a click on the row previewed (after a cancel, it fetches again)
        self._previewed = uri
        return self.preview_state.show(row)

    def _preview_in_hand(self):
        """Whether the preview asked for last is shown, or on its way (not cancelled)."""
        state = self.preview_state
        return preview_running(state) or (not state.busy and not state.error and bool(state.kind))

    def _drop_stale_preview(self, filtered):
        # A preview (or its error) of a product no longer listed (another search, another
        # observation, a filter) would speak of something not on screen.
        uri = self._previewed
        if uri is None:
            return
        if filtered is None:
            observations = self.product_state.observations
            if observations is not None and len(observations):
                return  # being listed again: the new list decides
        elif uri in set(map(str, filtered["dataURI"])):
            return
        self._previewed = None
        self.preview_state.clear()

    def load(self):
        """Download the selected products, then load them into the data collection.

        The one load pipeline (`glue_mast.state.load.start_load`) with the data collection as
        its sink; returns its job (cancelling it cancels the transfers or the reading).
        """
        from ..glue.sink import DataCollectionSink
        from ..state.load import start_load

        self.products.commit()
        self.remember()
        if self.load_job is not None:
            return self.load_job
        self.load_error.hide()
        self.load_status.setText("")
        target = Path(self.download_dir.text().strip() or _default_download_dir()).expanduser()
        # Added to glue a few at a time, the window answering between them (glue-qt's data
        # panel takes some 5 ms a dataset: a COS and STIS load makes 17).
        sink = DataCollectionSink(
            self.data_collection,
            dispatch_next=lambda fn: QtCore.QTimer.singleShot(0, fn),
            progress=self._show_adding,
        )
        self.load_job = start_load(
            self.product_state,
            sink,
            download_dir=target,
            dispatch=self.dispatch,
            done=self._loaded,
        )
        self._show_buttons()
        return self.load_job

    def cancel(self):
        """Cancel the download (or the reading) on its way; nothing is loaded."""
        if self.load_job is not None:
            self.load_job.cancel()
            self.load_status.setText("Cancelling\N{HORIZONTAL ELLIPSIS}")

    def _loaded(self, outcome):
        if outcome.error is not None:
            # Shown beside Load, not beside the product list (which shows listing errors).
            self.product_state.error = self.product_state.error_field = ""
            self._load_ended(None, error=outcome.error)
            return
        if outcome.added is not None:
            self.loaded.extend(outcome.added.datasets)
        self._load_ended(outcome.summary())
        fetched = outcome.fetch
        if (
            self.close_on_load
            and outcome.labels
            and not [p for p in outcome.not_loaded if p.reason != "exclusive"]
            and not fetched.failed
        ):
            self.accept()

    def _load_ended(self, text, error=None):
        self.load_job = None
        self.progress_bar.setValue(0)  # done, failed or cancelled: the summary says which
        if error is not None:
            self.load_error.setText(one_line(error))
            self.load_error.show()
            text = "Load failed"
        self.load_status.setText(text or "")
        self.load_status.setToolTip(text or "")
        self._show_buttons()

    def _choices_loaded(self, job):
        if job.exception() is None:
            self.search_form.set_product_type_choices(job.result().get("dataproduct_type", []))

    def _browse(self):
        folder = QtWidgets.QFileDialog.getExistingDirectory(
            self, "Download MAST files to", str(Path(self.download_dir.text()).expanduser())
        )
        if folder:
            self.download_dir.setText(shown_path(folder))

    # -- showing the state ------------------------------------------------------------------

    def _show_buttons(self, *_):
        loading = self.load_job is not None
        self.load_button.setEnabled(not loading and bool(self.product_state.selected_count))
        self.cancel_button.setEnabled(loading)
        self.progress_bar.setVisible(loading or self.progress_bar.value() > 0)

    def _show_fraction(self, fraction):
        self.progress_bar.setValue(0 if fraction is None else round(1000 * fraction))
        self.progress_bar.setVisible(fraction is not None)

    def _show_adding(self, k, n):
        self.load_status.setText(f"Loading {k} of {n} into glue\N{HORIZONTAL ELLIPSIS}")

    def _show_fetch_status(self, status):
        if self.load_job is not None and status:
            self.load_status.setText(f"Downloading: {status}")

    # -- remembering the form ---------------------------------------------------------------

    def remember(self):
        """Keep the form's inputs for the next dialog of this process."""
        _REMEMBERED["search"] = self.search_state.as_dict()
        _REMEMBERED["products"] = self.product_state.as_dict()
        _REMEMBERED["download_dir"] = self.download_dir.text().strip()
        _REMEMBERED["catalogs"] = self.catalogs_tab.remembered()

    def done(self, result):
        """Close: remember the form, and stop what is running (partial files are kept).

        The results, selection, preview and last summary stay: a dialog kept and opened again
        (as glue's File > Import Data does) shows them as they were. The jobs cancelled here
        still land (their states must learn that they ended); the dispatcher stops when the
        dialog is deleted.
        """
        self.search_form.commit()
        self.remember()
        for state in (self.search_state, self.product_state, self.preview_state):
            state.cancel()
        self.products.token_line.token_state.cancel()
        self.warm_job.cancel()
        super().done(result)


def fitting_size(free_width, free_height):
    """(width, height): `PREFERRED_SIZE`, or less to fit a screen's free area.

    Leaves room for the window's frame and title bar (about 40 px): on a 1366x768 screen with
    a 32 px panel, 1180x696.
    """
    width, height = PREFERRED_SIZE
    return min(width, free_width - 20), min(height, free_height - 40)


def shown_path(path):
    """``path`` as the download field shows it: under the home directory as ``~/...`` (the
    field reads ``~`` back as the home directory)."""
    path = Path(path)
    try:
        return str(Path("~") / path.relative_to(Path.home()))
    except ValueError:  # not under the home directory
        return str(path)


def _default_download_dir():
    from .. import config

    return os.path.abspath(config.current_download_dir())
