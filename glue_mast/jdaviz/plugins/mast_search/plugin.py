"""The "MAST Search" tray plugin: search MAST, page, pick products, preview, fetch, load.

The plugin is a thin front end over glue-mast's shared state (``SearchState`` for the form
and its result pages, ``ProductState`` for the products of the chosen observations): its
traitlets mirror the state, its ``vue_*`` methods are the template's buttons, and every
request to MAST or the disk runs in a background `glue_mast.jobs.Job`, so the kernel never
waits on the network. A job's outcome is handed back to the kernel's event loop (when there
is one) before a traitlet changes.

Notebook users script it through :attr:`MastSearch.user_api`::

    plg = app.plugins["MAST Search"]
    plg.target = "TW Hya"
    plg.search()          # count and the first page
    plg.load_selected()   # the calibrated spectra of this page, when nothing is selected
"""

from __future__ import annotations

from jdaviz.core.registries import tray_registry
from jdaviz.core.template_mixin import PluginTemplateMixin
from jdaviz.core.user_api import PluginUserApi
from traitlets import Bool, Dict, Float, Int, List, Unicode, observe

from ....state import PreviewState, ProductState, SearchState, TokenState
from ...kernel_thread import KernelThread
from ...loading import lcviz_available
from . import footprints, preview, provenance_view, selection, views
from .catalogs import CatalogsSection
from .columns import ColumnChoices
from .sorting import SortAllPages
from .token_line import TokenLine

__all__ = ["MastSearch"]

class MastSearchApi(PluginUserApi):
    """The plugin's notebook API (``app.plugins["MAST Search"]``).

    Setting ``page_size`` after a search returns once page 1 of the new pages has arrived, as
    setting ``page`` does: ``plg.page_size = 3; plg.results`` is that page, not None.
    """

    def __setattr__(self, attr, value):
        if attr != "page_size":
            return super().__setattr__(attr, value)
        plugin = self._obj
        # Waiting starts before the change, so that the page's outcome is queued for this
        # call to run (a notebook's event loop is busy running this very cell).
        with plugin._waiting():
            super().__setattr__(attr, value)
            if plugin.search_state.busy:
                plugin._wait_idle(plugin.search_state)
        return None


#: The message after a Cancel, by the work it stopped (cleared when that work starts again).
_CANCEL_MESSAGES = {
    "all": "cancelled", "search": "search cancelled", "products": "listing products cancelled",
}

#: What the form's "product type" list offers (MAST's ``dataproduct_type`` values).
PRODUCT_TYPES = ["", "spectrum", "timeseries", "image", "cube", "measurements"]


@tray_registry("glue-mast-search", label="MAST Search", category="data:analysis")
class MastSearch(
    provenance_view.ProvenanceApi, KernelThread, PluginTemplateMixin, ColumnChoices, SortAllPages
):
    """Search MAST and load its spectra, with provenance (glue-mast).

    Public API (``app.plugins["MAST Search"]``): ``target``, ``coordinates``, ``radius``,
    ``criteria``, ``search()``, ``count``, ``page``, ``page_size``, ``results``,
    ``products``, ``select()``, ``preview()``, ``cancel()``, ``token_status()``, ``fetch()``,
    ``load_selected()``, ``manifest``,
    ``results_columns``, ``products_columns``, ``footprints_shown``, ``provenance_dataset``
    and ``provenance``.
    """

    template_file = __file__, "plugin.vue"

    # -- the form
    target = Unicode("").tag(sync=True)
    coordinates = Unicode("").tag(sync=True)
    radius = Unicode("0.2 deg").tag(sync=True)
    collection_items = List([]).tag(sync=True)
    collection_selected = Unicode("").tag(sync=True)
    instrument_items = List([]).tag(sync=True)
    instrument_selected = Unicode("").tag(sync=True)
    product_type_items = List(PRODUCT_TYPES).tag(sync=True)
    product_type_selected = Unicode("").tag(sync=True)
    calib_level_selected = Unicode("").tag(sync=True)
    page_size = Int(50).tag(sync=True)
    # -- the result pages
    count = Int(-1).tag(sync=True)  # -1: no search yet
    current_page = Int(1).tag(sync=True)
    n_pages = Int(0).tag(sync=True)
    loading_page = Int(0).tag(sync=True)  # the page being fetched, 0 when none is
    results_headers = List([]).tag(sync=True)
    results_items = List([]).tag(sync=True)
    results_selected = List([]).tag(sync=True)
    footprints_shown = Bool(False).tag(sync=True)  # the page's footprints on image viewers
    footprints_text = Unicode("").tag(sync=True)
    # -- products of the selected observations
    products_headers = List([]).tag(sync=True)
    products_items = List([]).tag(sync=True)
    products_selected = List([]).tag(sync=True)
    calibrated_only = Bool(True).tag(sync=True)
    mrp_only = Bool(True).tag(sync=True)
    extension = Unicode("").tag(sync=True)
    selected_text = Unicode("").tag(sync=True)
    exclusive_text = Unicode("").tag(sync=True)  # about selected exclusive-access files
    token_text = Unicode("").tag(sync=True)  # what MAST says of the token (token_line)
    load_text = Unicode("Load").tag(sync=True)  # the Load button: what it loads, by kind
    # -- work in progress and its outcome
    busy = Bool(False).tag(sync=True)  # any of: a search or page, products, a preview
    search_busy = Bool(False).tag(sync=True)  # a search or a page on its way
    products_busy = Bool(False).tag(sync=True)  # products being listed (or fetched)
    preview_busy = Bool(False).tag(sync=True)
    fetching = Bool(False).tag(sync=True)
    progress = Float(0).tag(sync=True)
    progress_text = Unicode("").tag(sync=True)
    error = Unicode("").tag(sync=True)
    error_field = Unicode("").tag(sync=True)
    message = Unicode("").tag(sync=True)
    lcviz_installed = Bool(False).tag(sync=True)
    server_is_remote = Bool(False).tag(sync=True)
    # -- preview of one product
    preview_plot = Dict({}).tag(sync=True)
    catalogs_widget = Unicode("").tag(sync=True)  # the Catalogs section (catalogs.py)
    # -- provenance of a dataset in the app (provenance_view)
    provenance_dataset_items = List([]).tag(sync=True)
    provenance_dataset_selected = Unicode("").tag(sync=True)
    provenance_tree = List([]).tag(sync=True)
    provenance_open = List([]).tag(sync=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._plugin_description = "Search MAST, fetch products with provenance, load spectra."
        self.docs_link = "https://github.com/glue-mast/glue-mast/tree/main/docs"
        self._init_kernel_thread()
        self.search_state = SearchState(dispatch=self._dispatch)
        self.product_state = ProductState(search=self.search_state)
        self.preview_state = PreviewState(products=self.product_state)
        self.token_state = TokenState(dispatch=self._dispatch)
        # The switches start where the shared state's filter does (MAST's recommended
        # calibrated products), so the plugin and the other front ends agree on the default.
        self.calibrated_only = bool(self.product_state.calibrated_only)
        self.mrp_only = bool(self.product_state.mrp_only)
        self.fetch_job = None
        self.lcviz_installed = lcviz_available()
        self._choices_requested = False
        self._loaded_labels = []
        self._pending_note = ""
        self._cancel_loading = False  # Cancel clicked while datasets are added (actions)
        self._loading_k = 0
        self._cancelled = set()  # "search", "products", "preview": cancelled, still ending
        views.bind(self)
        self._token_line = TokenLine(self)
        preview.bind(self)
        self.catalogs = CatalogsSection(self)
        self.catalogs_widget = f"IPY_MODEL_{self.catalogs.model_id}"
        footprints.bind(self)
        provenance_view.bind(self)
        self.bind_sorting()
        self._read_settings(self._app.state.settings)
        self._app.state.add_callback("settings", self._read_settings)
        # The About plugin is built after this one (category "core" comes last), so list
        # glue-mast there once the tray is complete.
        self._app.state.add_callback("tray_items", self._register_in_about)

    # -- app settings and About ---------------------------------------------------------------

    def _read_settings(self, settings):
        self.server_is_remote = bool(settings.get("server_is_remote", False))

    def _register_in_about(self, *args):
        from .... import __version__

        try:
            about = self._app.get_tray_item_from_name("about")
        except KeyError:
            return
        about.register_downstream_package("glue-mast", __version__, abbreviation="gm")

    # -- the form -----------------------------------------------------------------------------

    @observe("plugin_opened")
    def _on_opened(self, change):
        if change["new"] and not self._choices_requested:
            self._choices_requested = True
            self.search_state.load_choices()

    @property
    def criteria(self):
        """The search criteria besides the position: ``{field: value}`` (a dict).

        The form's fields (``obs_collection``, ``instrument_name``, ``dataproduct_type``,
        ``calib_level``) and any other MAST observation field.
        """
        views.push_form(self)
        state = self.search_state
        out = {name: getattr(state, name) for name in views.FORM_CRITERIA if getattr(state, name)}
        out.update(state.extra_criteria or {})
        return out

    @criteria.setter
    def criteria(self, values):
        values = dict(values or {})
        form = {
            "obs_collection": "collection_selected",
            "instrument_name": "instrument_selected",
            "dataproduct_type": "product_type_selected",
            "calib_level": "calib_level_selected",
        }
        for name, trait in form.items():
            value = values.pop(name, "")
            if isinstance(value, (list, tuple)):
                value = ", ".join(str(v) for v in value)
            setattr(self, trait, "" if value is None else str(value))
        self.search_state.extra_criteria = values

    def search(self, wait=True):
        """Count the matching observations and fetch the first page.

        With ``wait=True`` (the default, for notebooks) return once both arrived; otherwise
        return the background job at once.
        """
        views.push_form(self)
        if not wait:
            return self._started("search", self.search_state.search())
        with self._waiting():
            self._wait(self._started("search", self.search_state.search()))
        return self.count

    def vue_search(self, *args):
        def start():
            views.push_form(self)
            return self._started("search", self.search_state.search())

        self._start_safely(start)

    def _started(self, name, job=None):
        """Work ``name`` ("search", "products", "preview") was just started: its progress bar
        shows (again), whatever was cancelled before. Returns ``job``."""
        self._cancelled.discard(name)
        if self.message in _CANCEL_MESSAGES.values():  # about work stopped before: stale now
            self.message = ""
        self._show_busy()
        return job

    @property
    def page(self):
        """The page of results shown (from 1); setting it fetches that page."""
        return self.current_page

    @page.setter
    def page(self, n):
        with self._waiting():
            self._wait(self._started("search", self.search_state.go_to_page(int(n))))

    def vue_page(self, n, *args):
        # The page box gives text: the state checks it and names "page" if it is no page.
        self._start_safely(lambda: self._started("search", self.search_state.go_to_page(n)))

    def _start_safely(self, start):
        """Start a job from a button; a refused input shows as the form's error."""
        try:
            return start()
        except Exception as exc:
            self.error = " ".join(str(exc).split())
            self.error_field = getattr(exc, "field", None) or ""
            return None

    @property
    def results(self):
        """The current page of observations (an astropy Table), or None before a search."""
        return self.search_state.rows

    @property
    def products(self):
        """Products of the selected observations that pass the filters (an astropy Table)."""
        return self.product_state.filtered

    @property
    def manifest(self):
        """The provenance manifest of the last download (`glue_mast.Manifest`), or None."""
        last = self.product_state.last_fetch
        return None if last is None else last.manifest

    # -- selecting ----------------------------------------------------------------------------

    def select(self, observations=None, products=None):
        """Select observations (and list their products) and/or products.

        Parameters
        ----------
        observations : int, str, list or "all", optional
            Rows of the current page: row numbers (from 0), ``obs_id`` values, or ``"all"``.
        products : int, str, list or "all", optional
            Rows of :attr:`products`: row numbers, file names, or ``"all"``.
        """
        if observations is not None:
            rows = selection.observation_keys(self.results, observations)
            with self._waiting():
                self._select_observations(rows)
                self._wait_idle(self.product_state)
        if products is not None:
            indexes = selection.product_indexes(self.products, products)
            self._select_products(indexes)
        return self

    def vue_select(self, items, *args):
        keys = [item["key"] if isinstance(item, dict) else int(item) for item in items or []]
        self._start_safely(lambda: self._select_observations(keys))

    def _select_observations(self, keys):
        """Select rows ``keys`` of the current page; their products are listed (one job)."""
        rows = self.results
        obsids = [] if rows is None else [str(rows["obsid"][k]) for k in sorted(keys)]
        self.search_state.selected_obsids = obsids
        self._started("products")

    def _select_products(self, keys):
        table = self.products
        if table is None:
            return
        self.product_state.selected_uris = [str(table["dataURI"][k]) for k in sorted(keys)]

    def vue_select_products(self, items, *args):
        keys = [item["key"] if isinstance(item, dict) else int(item) for item in items or []]
        self._select_products(keys)

    def preview(self, product=0, wait=True):
        """Fetch one product of :attr:`products` and show its quick look in the plugin.

        Parameters
        ----------
        product : int or str
            A row number of :attr:`products` or a file name.
        wait : bool
            Return the `~glue_mast.state.preview.ProductPreview` once shown (default), or
            the background job at once (``cancel()`` stops it).

        The fetch's progress shows while it runs; a preview that has not come after
        ``glue_mast.state.preview.PREVIEW_TIMEOUT_S`` seconds is stopped and says so.
        """
        table = self.products
        [index] = selection.product_indexes(table, [product])
        job = self._started("preview", self.preview_state.show(table[index]))
        if not wait:
            return job
        with self._waiting():
            self._wait(job)
        return job.result(0)

    def token_status(self):
        """What MAST says of the MAST token in force: its user, rights and expiry, in one line
        (never the token; the token goes to the configured MAST server only)."""
        with self._waiting():
            self._wait(self.token_state.check())
        return self.token_state.text

    def cancel(self):
        """Stop what is on its way: a search or page, a preview, a download or load."""
        self.vue_cancel()

    def vue_preview(self, key, *args):
        table = self.products
        if table is not None and 0 <= int(key) < len(table):
            self._start_safely(
                lambda: self._started("preview", self.preview_state.show(table[int(key)]))
            )

    # -- fetching and loading -----------------------------------------------------------------

    def fetch(self, download_dir=None, wait=True):
        """Download the selected products (verified, with a provenance manifest).

        Parameters
        ----------
        download_dir : path-like, optional
            Where to (default: glue-mast's download cache, the only choice when Jdaviz runs
            on a remote server).
        wait : bool
            Return the `~glue_mast.archive.fetch.FetchResult` once done (default), or the
            background job at once.
        """
        from . import actions

        job = actions.start_download(self, load=False, requested_dir=download_dir)
        if not wait:
            return job
        with self._waiting():
            self._wait(job)
        return self.product_state.last_fetch

    def vue_fetch(self, *args):
        from . import actions

        self._start_safely(lambda: actions.start_download(self, load=False))

    def vue_cancel(self, *args):
        """Cancel everything on its way (the notebook's ``cancel()``)."""
        from . import actions

        fetching = self.fetching
        actions.cancel_download(self)
        self.search_state.cancel()
        self.product_state.cancel()
        self.preview_state.cancel()
        if not fetching:
            self.message = _CANCEL_MESSAGES["all"]

    # Each progress bar's own Cancel (plugin.vue) stops the work that bar shows.

    def _cancel_work(self, name, state):
        state.cancel()
        if state.busy:  # the request in flight ends later; its bar goes now
            self._cancelled.add(name)
        self._show_busy()

    def vue_cancel_search(self, *args):
        """Cancel beside the search's (or page's) progress bar."""
        self._cancel_work("search", self.search_state)
        self.message = _CANCEL_MESSAGES["search"]

    def vue_cancel_products(self, *args):
        """Cancel beside "Listing products": the products of the selection are not listed."""
        if not self.fetching:
            self._cancel_work("products", self.product_state)
            self.message = _CANCEL_MESSAGES["products"]

    def vue_cancel_preview(self, *args):
        """Cancel beside the preview's progress bar: nothing is shown."""
        self._cancel_work("preview", self.preview_state)
        preview.show_preview(self)

    def vue_cancel_fetch(self, *args):
        """Cancel beside the download's (or load's) progress bar."""
        from . import actions

        actions.cancel_download(self)

    def load_selected(self):
        """Fetch the selected products and load them: spectra into the spectrum viewer.

        With nothing selected, the calibrated spectra of the current page are chosen (and
        the message says so). Returns the labels loaded.
        """
        from . import actions

        with self._waiting():
            if not self.search_state.selected_obsids:
                actions.choose_page_spectra(self)
            self._wait(actions.start_download(self, load=True))
        return list(self._loaded_labels)

    def vue_load(self, *args):
        from . import actions

        def start():
            if not self.product_state.selected_count:
                raise ValueError("select observations and products first")
            return actions.start_download(self, load=True)

        self._start_safely(start)

    @property
    def user_api(self):
        return MastSearchApi(
            self,
            expose=(
                "target", "coordinates", "radius", "criteria", "search", "page", "page_size",
                "select", "preview", "cancel", "token_status", "fetch", "load_selected", "catalogs", "results_columns",
                "products_columns", "footprints_shown", "provenance_dataset",
            ),
            readonly=("count", "results", "products", "manifest", "message", "footprints_text",
                      "provenance"),
        )
