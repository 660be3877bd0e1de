"""Fetching the selected products and loading what they hold, as one background job."""

from __future__ import annotations

from pathlib import Path

from ....errors import InputError
from ....jobs import Job
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
    """Select every calibrated spectrum product of the current page (nothing was selected)."""
    rows = plugin.results
    if rows is None or not len(rows):
        raise InputError("search first: there are no results to load from")
    plugin._wait(plugin._select_observations(list(range(len(rows)))))
    products = plugin.products
    if products is None or not len(products):
        raise InputError(f"page {plugin.current_page} has no products that pass the filters")
    kinds = [str(v) for v in products["dataproduct_type"]] if (
        "dataproduct_type" in products.colnames) else ["spectrum"] * len(products)
    spectra = [i for i, kind in enumerate(kinds) if kind == "spectrum"]
    if not spectra:
        raise InputError(f"page {plugin.current_page} has no calibrated spectra")
    plugin.product_state.selected = spectra
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
        if kind == "start":
            self.total = int(event.get("bytes") or 0)
            self.files = int(event.get("files") or 0)
        elif kind == "bytes":
            self.done += int(event.get("bytes") or 0)
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

    The job's outcome lands on the kernel's thread: ``plugin.last_fetch`` and, with
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

    def work(job):
        inner = state.fetch(progress=progress, download_dir=target)
        while not inner.wait(0.1):
            if job.cancel_requested:
                inner.cancel()
        result = inner.result()
        datasets, unreadable = ([], [])
        if load:
            datasets, unreadable = read_fetched(result, check=job.check_cancelled)
        return result, datasets, unreadable

    def land(job):
        plugin.fetching = False
        plugin.fetch_job = None
        note, plugin._pending_note = plugin._pending_note, ""
        exc = job.exception()
        if job.cancelled:
            plugin.message = "download cancelled"
            return
        if exc is not None:
            plugin._report_error(exc)
            return
        result, datasets, unreadable = job.result()
        plugin.last_fetch = result
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
