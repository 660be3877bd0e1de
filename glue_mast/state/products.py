"""The products of the selected observations: listed once, filtered locally, selected, fetched.

:class:`ProductState` sends exactly one product-list request per change of the selected
observations; changing the filter refilters the listing already held, with no request. The
filter has astroquery's ``filter_products`` semantics (AND across fields, OR within a list),
with MAST's advice as the default: its Minimum Recommended Products among the calibrated science
products.
"""

from __future__ import annotations

from echo import CallbackProperty, delay_callback

from .. import config
from ..errors import InputError
from .base import JobState, ObjectProperty
from .form import concerning, split_values

__all__ = ["FILTER_INPUTS", "ProductState", "fetch_within", "human_size"]

#: The filter's inputs, as saved by ``ProductState.as_dict``.
FILTER_INPUTS = ("calibrated_only", "mrp_only", "extension", "product_type", "extra_filters")


def human_size(nbytes):
    """``342720`` -> ``"342.7 kB"``: decimal units, as MAST's portal shows sizes."""
    from ..util import format_size

    return "" if nbytes is None else format_size(nbytes)


def exclusive_rule():
    """The archive's rule for exclusive access: ``rule(row_dict, now_mjd) -> bool``.

    A product is exclusive when its ``dataRights`` is not PUBLIC or its observation's
    ``t_obs_release`` is still in the future; fetch skips such files without a token.
    """
    from ..archive.fetch import is_exclusive

    return is_exclusive


def fetch_within(job, products, download_dir=None, progress=None, deadline=None):
    """(worker thread) Fetch ``products`` with :func:`glue_mast.start_fetch`, inside ``job``.

    Planning (which reads the disk, and checksums files already there) runs here rather than
    on the front end's thread; cancelling ``job`` cancels the fetch, which stops its transfers
    within about a second and keeps partial files for the next fetch to resume. Past
    ``deadline`` (a `time.monotonic` value) the fetch is cancelled the same way and
    `~glue_mast.errors.JobTimeout` raised.

    Returns
    -------
    `~glue_mast.archive.fetch.FetchResult`
    """
    import time

    from ..archive.fetch import start_fetch
    from ..errors import JobCancelled, JobTimeout

    fetching = start_fetch(products, download_dir, progress=progress)
    timed_out = False
    try:
        while not fetching.wait(0.1):
            if job is not None and job.cancel_requested:
                fetching.cancel()
            elif deadline is not None and not timed_out and time.monotonic() > deadline:
                timed_out = True
                fetching.cancel()
        try:
            result = fetching.result()
        except JobCancelled:
            if timed_out and not (job is not None and job.cancel_requested):
                raise JobTimeout("the files did not arrive in time") from None
            raise
        if job is not None:
            # A fetch whose transfers all stopped on the cancel before it looked may return
            # its result rather than raise: the job was cancelled all the same.
            job.check_cancelled()
        return result
    finally:
        if not fetching.done:  # an error or interrupt here: do not leave transfers running
            fetching.cancel()


class ProductState(JobState):
    """State of a product list: the selected observations' products, filtered and selected.

    Inputs: ``observations`` (a Table of the selected observations; set it, or give a
    `~glue_mast.state.SearchState` to follow its selection), the filter ``calibrated_only``
    (default True: ``calib_level >= 2``), ``mrp_only`` (default True: MAST's Minimum Recommended
    Products only; False widens to every product the other filters keep), ``extension`` (``"fits"``,
    ``"_x1d.fits"``; commas for several), ``product_type`` (``"SCIENCE"`` by default, ``""``
    for every type), ``extra_filters`` (any product field -> value(s), astroquery's
    ``filter_products`` semantics), and ``selected_uris`` (the dataURIs the user picked, or
    None for every filtered product).

    Outputs: ``products`` (every product listed), ``filtered`` (those the filter keeps),
    ``selected`` (the selected rows of ``filtered``), ``selected_count``, ``selected_size``
    (bytes), ``selected_size_text`` (the count and size the fetch will bring: exclusive-access
    files are left out, and said to be skipped, while no token is in force), ``exclusive``
    (dataURIs of selected products that are exclusive access: fetched only with a MAST
    token), ``token_set`` (whether a token is in force, so that the fetch asks for them;
    never the token), ``last_fetch`` (the last
    `~glue_mast.archive.fetch.FetchResult`), ``fetch_fraction`` (0..1 while fetching) and
    ``fetch_status`` (a line for a label), ``busy``, ``error`` and ``error_field``.

    Parameters
    ----------
    search : `~glue_mast.state.SearchState`, optional
        Follow this search's ``selected_obsids``: each change lists the products of the
        selected rows (one request). Its ``dispatch`` is used unless one is given.
    dispatch : callable, optional
        ``dispatch(fn)`` runs ``fn()`` on the front end's thread.
    **inputs
        Initial filter inputs.
    """

    #: The filter inputs (what :meth:`as_dict` saves).
    INPUTS = FILTER_INPUTS
    #: What listing, filtering and fetching fill in (besides busy, error, error_field).
    OUTPUTS = (
        "products",
        "filtered",
        "selected",
        "selected_count",
        "selected_size",
        "selected_size_text",
        "exclusive",
        "token_set",
        "last_fetch",
        "fetch_fraction",
        "fetch_status",
    )

    observations = ObjectProperty(None, docstring="Selected observations (Table), or None")
    calibrated_only = CallbackProperty(True, docstring="Keep calib_level >= 2 only")
    mrp_only = CallbackProperty(True, docstring="Keep Minimum Recommended Products only")
    extension = CallbackProperty("", docstring="File name ending(s) to keep, e.g. 'fits'")
    product_type = CallbackProperty("SCIENCE", docstring="productType(s) to keep; '' for all")
    extra_filters = CallbackProperty(None, docstring="Any product field -> value(s)")
    selected_uris = CallbackProperty(None, docstring="dataURIs picked, or None for all")

    products = ObjectProperty(None, docstring="Every product listed (Table), or None")
    filtered = ObjectProperty(None, docstring="The products the filter keeps (Table)")
    selected = ObjectProperty(None, docstring="The selected products (Table)")
    selected_count = CallbackProperty(0, docstring="Number of selected products")
    selected_size = CallbackProperty(0, docstring="Bytes of the selected products")
    selected_size_text = CallbackProperty(
        "", docstring="Count and size of what the fetch brings (and what it skips), for a label"
    )
    exclusive = CallbackProperty([], docstring="dataURIs of selected exclusive-access products")
    token_set = CallbackProperty(False, docstring="Whether a MAST token is in force")
    last_fetch = ObjectProperty(None, docstring="The last FetchResult")
    fetch_fraction = CallbackProperty(None, docstring="Bytes fetched / bytes to fetch")
    fetch_status = CallbackProperty("", docstring="What the fetch is doing, for a label")

    def __init__(self, search=None, dispatch=None, **inputs):
        if dispatch is None and search is not None:
            dispatch = search.dispatch
        self._list_ticket = 0
        self._search = search
        super().__init__(dispatch=dispatch)
        self.extra_filters = {}
        self.update_from_dict(inputs)
        self.add_callback("observations", self._observations_changed)
        for name in FILTER_INPUTS:
            self.add_callback(name, self._refilter)
        self.add_callback("selected_uris", self._reselect)
        if search is not None:
            search.add_callback("selected_obsids", self._follow_search)
            search.add_callback("rows", self._follow_search)
        self._keyring_job = None
        self._check_token()
        # A token found later (the keyring, MAST_API_TOKEN set since) changes what is fetched.
        self.add_callback("token_set", self._show_size)
        config.on_token_change(self._token_changed)

    # -- inputs ---------------------------------------------------------------------------------

    def as_dict(self):
        """The filter inputs as plain JSON."""
        return {
            name: dict(getattr(self, name)) if name == "extra_filters" else getattr(self, name)
            for name in FILTER_INPUTS
        }

    def update_from_dict(self, properties):
        """Set filter inputs from a dict like :meth:`as_dict` returns."""
        unknown = sorted(set(properties) - set(FILTER_INPUTS))
        if unknown:
            raise InputError(
                f"unknown product filter input {unknown[0]!r}; the inputs are "
                f"{', '.join(FILTER_INPUTS)}",
                field=unknown[0],
            )
        with delay_callback(self, *properties):
            for name, value in properties.items():
                setattr(self, name, value)

    def product_filter(self):
        """The filter inputs as a `~glue_mast.archive.products.ProductFilter`."""
        from ..archive.products import ProductFilter

        extensions = split_values(self.extension)
        types = split_values(self.product_type)
        with concerning("extra_filters"):
            extra = self.extra_filters or {}
            if not isinstance(extra, dict):
                raise InputError("extra filters must be a mapping of product field to value(s)")
        return ProductFilter(
            calibrated_only=bool(self.calibrated_only),
            mrp_only=bool(self.mrp_only),
            extension=(extensions[0] if len(extensions) == 1 else extensions) or None,
            product_type=(types[0] if len(types) == 1 else types) or None,
            fields=dict(extra),
        )

    # -- listing (one request per selection) ------------------------------------------------------

    def _follow_search(self, *_):
        self.observations = self._search.selected_rows()

    def _observations_changed(self, observations):
        self._list_ticket = ticket = self._new_ticket()
        with delay_callback(self, "products", "filtered", "selected_uris"):
            self.products = None
            self.filtered = None
            self.selected_uris = None
        self._reselect()
        if observations is None or not len(observations):
            return None

        def current():
            return self._list_ticket == ticket

        def work(job):
            from ..archive.products import list_products

            return list_products(observations)

        def land(listed):
            self.products = listed
            self._refilter()

        return self._start(work, name="list products", land=land, is_current=current)

    def refresh(self):
        """List the products of :attr:`observations` again (one request); returns the Job."""
        return self._observations_changed(self.observations)

    def cancel(self):
        """Cancel the listing or fetch on its way; a listing's answer is dropped."""
        self._list_ticket = self._new_ticket()
        super().cancel()

    # -- filtering and selection (no request) -----------------------------------------------------

    def _refilter(self, *_):
        from ..archive.products import keep_products

        if self.products is None:
            return
        try:
            flt = self.product_filter()
            with concerning("extra_filters"):
                kept = keep_products(self.products, flt, self.observations)
        except InputError as exc:
            self.show_error(exc)
            kept = None
        else:
            self.error = ""
            self.error_field = ""
        with delay_callback(self, "filtered", "selected_uris"):
            self.filtered = kept
            self.selected_uris = None
        self._reselect()

    # -- the token (whether one is in force: never the token itself) ---------------------------

    def _token_changed(self):
        self.dispatch(self._check_token)

    def _check_token(self):
        """Look again at whether a token is in force, without waiting on the keyring."""
        from ..archive import auth

        self.token_set = auth.token_in_force(read_keyring=False)
        if self.exclusive and not self.token_set and not auth.keyring_read():
            self._read_keyring()

    def _read_keyring(self):
        """Read astroquery's keyring entry in a background job (it can wait on a prompt)."""
        from ..archive import auth

        if self._keyring_job is not None and not self._keyring_job.done:
            return
        self._keyring_job = self._start(
            lambda job: auth.token_in_force(),
            name="read the keyring",
            land=lambda found: setattr(self, "token_set", found),
            clear_error=False,
        )

    def _reselect(self, *_):
        import numpy as np

        table = self.filtered
        if table is not None and self.selected_uris is not None:
            wanted = set(self.selected_uris)
            table = table[np.array([str(u) in wanted for u in table["dataURI"]], dtype=bool)]
        count, size, exclusive = 0, 0, []
        if table is not None and len(table):
            count = len(table)
            if "size" in table.colnames:
                size = int(np.ma.filled(np.ma.asarray(table["size"], dtype=float), 0).sum())
            exclusive = _exclusive_uris(table)
        names = ("selected", "selected_count", "selected_size", "exclusive", "token_set")
        with delay_callback(self, *names):
            self.selected = table
            self.selected_count = count
            self.selected_size = size
            self.exclusive = exclusive
            self._check_token()  # MAST_API_TOKEN may have been set since
            self._show_size()

    def _show_size(self, *_):
        """``selected_size_text``: what the fetch will bring, and what it will skip.

        Without a token the fetch skips exclusive-access files, so they are not counted in
        the total; the text says how many are skipped.
        """
        import numpy as np

        table, count = self.selected, self.selected_count
        skipped = set() if self.token_set else set(self.exclusive or [])
        if not count:
            self.selected_size_text = ""
            return
        if not skipped:
            self.selected_size_text = f"{count} file{'s' if count != 1 else ''}, " + human_size(
                self.selected_size
            )
            return
        fetched = np.array([str(u) not in skipped for u in table["dataURI"]], dtype=bool)
        n, size = int(fetched.sum()), 0
        if n and "size" in table.colnames:
            sizes = np.ma.filled(np.ma.asarray(table["size"], dtype=float), 0)
            size = int(sizes[fetched].sum())
        k = count - n
        why = "exclusive access, skipped without a MAST token"
        if not n:
            self.selected_size_text = (
                f"nothing to fetch: the {k} selected file{'s are' if k != 1 else ' is'} {why}"
            )
            return
        self.selected_size_text = (
            f"{n} file{'s' if n != 1 else ''}, {human_size(size)} "
            f"({k} more {'are' if k != 1 else 'is'} {why})"
        )

    # -- fetching -------------------------------------------------------------------------------

    def fetch(self, download_dir=None):
        """Download the selected products in the background (:func:`glue_mast.start_fetch`).

        Parameters
        ----------
        download_dir : path-like, optional
            Root of the download layout (default: the download cache,
            :func:`glue_mast.config.current_cache_dir`).

        Returns
        -------
        `~glue_mast.jobs.Job`
            Its result is the `~glue_mast.archive.fetch.FetchResult`, also set as
            :attr:`last_fetch`; :attr:`fetch_fraction` and :attr:`fetch_status` follow its
            progress. Cancelling it cancels the transfers.
        """
        selected = self.selected
        if selected is None or not len(selected):

            def work(job):
                raise InputError("select at least one product to fetch", field="selected")

            return self._start(work, name="fetch products")
        with delay_callback(self, "fetch_fraction", "fetch_status"):
            self.fetch_fraction = 0.0
            self.fetch_status = "starting"

        def progress(event):
            fraction, status = _progress_of(event)
            if fraction is not None or status:
                self.dispatch(lambda: self._show_progress(fraction, status))

        def land(result):
            with delay_callback(self, "last_fetch", "fetch_fraction", "fetch_status"):
                self.last_fetch = result
                self.fetch_fraction = 1.0
                self.fetch_status = result.summary()

        return self._start(
            lambda job: fetch_within(job, selected, download_dir, progress),
            name=f"fetch {len(selected)} products",
            land=land,
        )

    def _show_progress(self, fraction, status):
        if fraction is not None:
            self.fetch_fraction = fraction
        if status:
            self.fetch_status = status


def _progress_of(event):
    """(fraction or None, status text) of a fetch progress event."""
    from ..archive.fetch.events import BytesReceived, FetchStarted, FileFinished

    if isinstance(event, FetchStarted):
        return 0.0, f"fetching {event.files} file{'s' if event.files != 1 else ''}, " + (
            human_size(event.bytes)
        )
    if isinstance(event, BytesReceived):
        total = event.bytes_total
        fraction = min(1.0, event.bytes_done / total) if total else None
        return fraction, f"{human_size(event.bytes_done)} of {human_size(total)}"
    if isinstance(event, FileFinished):
        return None, f"{event.files_done} of {event.files_total} files"
    return None, ""


def _exclusive_uris(table):
    """dataURIs of the rows of ``table`` that are exclusive access, by the archive's rule."""
    import numpy as np
    from astropy.time import Time

    rule = exclusive_rule()
    now_mjd = float(Time.now().mjd)
    names = [n for n in ("dataRights", "t_obs_release") if n in table.colnames]
    out = []
    for row in table:
        record = {}
        for name in names:
            value = row[name]
            if value is np.ma.masked:
                continue
            record[name] = value.item() if hasattr(value, "item") else value
        if rule(record, now_mjd):
            out.append(str(row["dataURI"]))
    return out
