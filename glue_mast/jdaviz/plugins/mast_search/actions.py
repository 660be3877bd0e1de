"""Fetching the selected products and loading what they hold, as one background job."""

from __future__ import annotations

from pathlib import Path

from ....errors import InputError
from ....jobs import Job
from ...loading import load_datasets, read_fetched

__all__ = ["choose_page_spectra", "download_dir", "start_fetch"]


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


def choose_page_spectra(plugin):
    """Select every row of the current page and, of their products, the calibrated spectra.

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
    spectra = [i for i, kind in enumerate(kinds) if kind == "spectrum"]
    if not spectra:
        raise InputError(f"page {plugin.current_page} has no calibrated spectra")
    plugin._select_products(spectra)
    plugin._pending_note = plugin.message = (
        f"Nothing was selected: loading the {len(spectra)} calibrated spectrum files of page "
        f"{plugin.current_page} ({len(rows)} observations)"
    )


def start_fetch(plugin, *, load, requested_dir=None):
    """Start downloading the selected products (and reading them, with ``load``) in a job.

    The download is the product state's own fetch job (its ``fetch_fraction`` and
    ``fetch_status`` drive the progress bar); this job waits for it, reads the files when
    loading, and its outcome lands on the kernel's thread: the datasets loaded into the app
    in one batch, and a message. Cancelling it cancels the transfers.
    """
    state = plugin.product_state
    if not state.selected_count:
        raise InputError("select products to download first")
    target = download_dir(plugin, requested_dir)
    plugin.fetching = True
    plugin.error = ""
    downloading = state.fetch(target)
    taken = [data.label for data in plugin._app.data_collection]

    def work(job):
        while not downloading.wait(0.1):
            if job.cancel_requested:
                downloading.cancel()
        result = downloading.result()
        job.check_cancelled()
        datasets, unreadable = ([], [])
        if load:
            datasets, unreadable = read_fetched(result, taken=taken, check=job.check_cancelled)
        return result, datasets, unreadable

    def land(job):
        try:
            show_outcome(job)
        except Exception as exc:  # a failure while loading reaches the user, not the log
            plugin._report_error(exc)
        finally:
            plugin.fetch_job = None
            plugin.fetching = False  # last: whoever waits on it sees the finished outcome

    def show_outcome(job):
        note, plugin._pending_note = plugin._pending_note, ""
        if job.cancelled:
            plugin.message = "download cancelled"
            return
        if job.exception() is not None:
            plugin._report_error(job.exception())
            return
        result, datasets, unreadable = job.result()
        parts = [note, _fetch_summary(result)]
        if load:
            outcome = load_datasets(plugin._app._jdaviz_helper, datasets)
            plugin._loaded_labels = outcome.loaded
            parts.append(outcome.message)
        plugin.message = "; ".join(p for p in parts + unreadable if p)

    job = Job(work, name="fetch and load" if load else "fetch", start=False)
    job.add_done_callback(lambda j: plugin._dispatch(lambda: land(j)))
    plugin.fetch_job = job
    job.start()
    return job


def _fetch_summary(result):
    """One phrase: what the fetch did ("2 files downloaded, 1 already on disk")."""

    def files(n):
        return f"{n} file{'s' if n != 1 else ''}"

    parts = []
    if result.downloaded:
        parts.append(f"{files(len(result.downloaded))} downloaded")
    if result.cached:
        parts.append(f"{files(len(result.cached))} already on disk")
    if result.skipped:
        parts.append(
            f"{files(len(result.skipped))} skipped (exclusive access: needs a MAST token)"
        )
    if result.failed:
        parts.append(f"{files(len(result.failed))} failed")
    return ", ".join(parts) or "no files to fetch"
