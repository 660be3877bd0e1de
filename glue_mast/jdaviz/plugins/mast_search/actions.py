"""Fetching the selected products and loading what they hold, as one background job."""

from __future__ import annotations

from pathlib import Path

from ....errors import AddingCancelled, InputError

__all__ = [
    "cancel_download", "choose_page_spectra", "download_dir",
    "show_loading", "start_download",
]


def show_loading(plugin, k, n):
    """The progress bar before each step of adding datasets: "loading k of n".

    The sink calls it before each step (`glue_mast.jdaviz.sink.JdavizSink`); after a Cancel
    (:func:`cancel_download`) it raises `~glue_mast.errors.AddingCancelled` instead, which
    stops the steps there (the sink closes its batch, so what was added shows, and reports
    the error).
    """
    if plugin._cancel_loading:
        done = plugin._loading_k  # the steps before this one ended
        raise AddingCancelled(
            f"Loading cancelled: {done} of {n} dataset{'s were' if n != 1 else ' was'} loaded.",
            loaded=done, of=n,
        )
    plugin._loading_k = k
    plugin.progress = 100.0 * k / n if n else 100.0
    plugin.progress_text = f"loading {k} of {n}"


def cancel_download(plugin):
    """Stop the download or load on its way: its transfers, or the steps adding datasets."""
    plugin._cancel_loading = plugin.fetching
    if plugin.fetch_job is not None:
        plugin.fetch_job.cancel()


def _clear_progress(plugin):
    plugin.progress, plugin.progress_text = 0.0, ""


def download_dir(plugin, requested=None):
    """Where downloads go: glue-mast's download cache, or ``requested`` (a notebook's choice).

    When Jdaviz runs on a remote server (``server_is_remote``) its user has no local paths:
    files go to the cache only, and a directory asked for is refused.
    """
    from .... import config

    if requested is not None:
        if plugin.server_is_remote:
            raise InputError(
                "this Jdaviz runs on a remote server: downloads go to its cache only",
                field="download_dir",
            )
        return Path(requested)
    return Path(config.current_cache_dir())


#: The product types ``load_selected()`` picks on a page when nothing was selected, and
#: what the note calls them: what Jdaviz shows (time series once lcviz is installed).
_PAGE_KINDS = {"spectrum": "calibrated spectrum", "timeseries": "light curve"}


def choose_page_spectra(plugin):
    """Select every row of the current page and, of their products, the calibrated spectra and
    light curves (time series).

    For ``load_selected()`` when nothing was selected; the note says so in the message.
    """
    rows = plugin.results
    if rows is None or not len(rows):
        raise InputError("search first: there are no results to load from")
    plugin._select_observations(list(range(len(rows))))
    plugin._wait_idle(plugin.product_state)
    products = plugin.products
    if products is None or not len(products):
        raise InputError(f"page {plugin.current_page} has no products that pass the filters")
    kinds = (
        [str(v) for v in products["dataproduct_type"]]
        if "dataproduct_type" in products.colnames
        else ["spectrum"] * len(products)
    )
    chosen = [i for i, kind in enumerate(kinds) if kind in _PAGE_KINDS]
    if not chosen:
        raise InputError(
            f"page {plugin.current_page} has no calibrated spectra or light curves: select "
            "the products to load"
        )
    plugin._select_products(chosen)
    names = sorted({_PAGE_KINDS[kinds[i]] for i in chosen})
    plugin._pending_note = plugin.message = (
        f"Nothing was selected: loading the {len(chosen)} {' and '.join(names)} files of page "
        f"{plugin.current_page} ({len(rows)} observations)"
    )


def start_download(plugin, *, load, requested_dir=None):
    """Start downloading the selected products (and, with ``load``, loading them) in a job.

    The one load pipeline (`glue_mast.state.load.start_load`) with the app as its sink: the
    download is the product state's own fetch job (its ``fetch_fraction`` and ``fetch_status``
    drive the progress bar), then the datasets are added one step at a time, each in its own
    turn of the kernel's event loop ("loading k of n" on the progress bar), and the outcome
    lands on the kernel's thread as a message. Cancelling the job cancels the transfers.
    """
    from ....state.load import start_load
    from ...sink import JdavizSink

    state = plugin.product_state
    if not state.selected_count:
        raise InputError("select products to download first")
    target = download_dir(plugin, requested_dir)
    sink = (
        JdavizSink(
            plugin._app._jdaviz_helper,
            dispatch_next=plugin._dispatch_next,
            progress=lambda k, n: show_loading(plugin, k, n),
        )
        if load
        else None
    )
    note, plugin._pending_note = plugin._pending_note, ""

    def land(outcome):
        try:
            show_outcome(outcome)
        except Exception as exc:  # a failure while showing reaches the user, not the log
            plugin._report_error(exc)
        finally:
            plugin.fetch_job = None
            plugin._cancel_loading = False
            if outcome.cancelled or outcome.error is not None:
                _clear_progress(plugin)  # no half-full bar, no stale line, on the next Load
            plugin.fetching = False  # last: whoever waits on it sees the finished outcome

    def show_outcome(outcome):
        if isinstance(outcome.error, AddingCancelled):
            plugin.message = str(outcome.error)
        elif outcome.cancelled:
            plugin.message = "download cancelled"
        elif outcome.error is not None:
            plugin._report_error(outcome.error)
        else:
            plugin._loaded_labels = outcome.labels
            plugin.message = outcome.summary()

    # A new load starts from an empty bar, with nothing loaded yet and no Cancel pending.
    _clear_progress(plugin)
    plugin._loaded_labels = []
    plugin._cancel_loading = False
    plugin._loading_k = 0
    plugin.fetching = True
    plugin.error = ""
    try:
        job = start_load(
            state, sink, download_dir=target, dispatch=plugin._dispatch, done=land, note=note
        )
    except BaseException:
        plugin.fetching = False
        raise
    plugin.fetch_job = job
    return job
