"""Fetching the selected products and loading what they hold, as one background job."""

from __future__ import annotations

from pathlib import Path

from ....errors import InputError
from ....jobs import Job
from ....state.products import start_fetch as fetch_in_background
from ...loading import load_datasets, read_fetched
from .views import human_size

__all__ = ["choose_page_spectra", "download_dir", "start_fetch"]


def download_dir(plugin):
    """Where downloads go: glue-mast's download directory, or a cache when the server is remote.

    When Jdaviz runs on a remote server (``server_is_remote``) the user has no local paths,
    so files go to a per-user cache directory instead of the working directory.
    """
    from .... import config

    if plugin.server_is_remote:
        from astropy.config import get_cache_dir_path

        return Path(get_cache_dir_path()) / "glue-mast" / "downloads"
    return Path(config.current_download_dir())


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


class _Progress:
    """Fetch progress events into the plugin's progress bar (percent of bytes)."""

    def __init__(self, plugin):
        self.plugin = plugin
        self.total = 0
        self.done = 0
        self.files = 0
        self.finished = 0

    def __call__(self, event):
        kind = event.get("event")
        self.total = int(event.get("bytes_total") or 0)
        self.done = int(event.get("bytes_done") or 0)
        if kind == "start":
            self.files = int(event.get("files") or 0)
        elif kind == "file":
            self.finished += 1
        percent = 100.0 * self.done / self.total if self.total else 0.0
        if kind == "end":
            percent = 100.0
        text = f"{self.finished}/{self.files} files, {human_size(self.done)}"
        if self.total:
            text += f" of {human_size(self.total)}"

        def show():
            self.plugin.progress = percent
            self.plugin.progress_text = text

        self.plugin._dispatch(show)


def start_fetch(plugin, *, load):
    """Start downloading the selected products (and reading them, with ``load``) in a job.

    The job's outcome lands on the kernel's thread: ``product_state.last_fetch`` and, with
    ``load``, the datasets loaded into the app in one batch.
    """
    state = plugin.product_state
    if not state.selected_count:
        raise InputError("select products to download first")
    progress = _Progress(plugin)
    target = download_dir(plugin)
    plugin.fetching = True
    plugin.progress = 0.0
    plugin.progress_text = "starting"
    plugin.error = ""

    selected = state.selected
    taken = [data.label for data in plugin._app.data_collection]

    def work(job):
        inner = fetch_in_background(selected, target, progress=progress)
        while not inner.wait(0.1):
            # The transfer itself stops at its end; a cancelled job drops what it brings.
            if job.cancel_requested:
                inner.cancel()
                job.check_cancelled()
        result = inner.result()
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
        state.last_fetch = result
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
    n_new, n_cached = len(result.downloaded), len(result.cached)
    text = f"{n_new} file{'s' if n_new != 1 else ''} downloaded"
    if n_cached:
        text += f", {n_cached} already on disk"
    if result.skipped:
        text += f", {len(result.skipped)} skipped (exclusive access: needs a MAST token)"
    if result.failed:
        text += f", {len(result.failed)} failed"
    return text
