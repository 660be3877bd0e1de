"""The one flow from a product selection to datasets in a viewer, as a background job.

:func:`start_load` fetches the selected products (the product state's own fetch job, whose
progress its widgets show), reads and describes the files on a worker thread through the
front end's sink, and adds the datasets on the front end's thread; ``done`` gets one
:class:`~glue_mast.io.sinks.LoadOutcome`. The sink protocol, the outcome and the stages that
need no job live in :mod:`glue_mast.io.sinks` (below glue, so glue's own script entry,
:func:`glue_mast.load`, runs the same stages); their names are importable from here too.
"""

from __future__ import annotations

from ..errors import InputError, ReadingCancelled
from ..io.sinks import (
    Added,
    DescribedRead,
    ListSink,
    LoadOutcome,
    NotLoaded,
    add_and_finish,
    add_read,
    already_loaded_phrase,
    dataset_key,
    load_fetched,
    not_fetched,
    read_described,
    skip_loaded,
)
from ..jobs import Job, JobCancelled

__all__ = [
    "Added",
    "DescribedRead",
    "ListSink",
    "LoadOutcome",
    "NotLoaded",
    "add_read",
    "already_loaded_phrase",
    "dataset_key",
    "fetch_and_read",
    "load_fetched",
    "read_described",
    "skip_loaded",
    "start_load",
]


def fetch_and_read(product_state, sink, *, taken=(), job=None, download_dir=None,
                   downloading=None):
    """(worker thread) Fetch the selected products of ``product_state`` and read them.

    Parameters
    ----------
    product_state : `~glue_mast.state.ProductState`
        Its selection is fetched by its own fetch job (so its progress properties follow).
    sink : sink or None
        Reads the files; None to fetch only.
    taken : list of str
        Labels already in the viewer.
    job : `~glue_mast.jobs.Job`, optional
        The job this runs in: cancelling it cancels the fetch, and the reading between files.
    downloading : `~glue_mast.jobs.Job`, optional
        The product state's fetch, already started on the front end's thread (as
        :func:`start_load` does, so that the state's properties, and the widgets bound to
        them, change on that thread only); by default it is started here.

    Returns
    -------
    (FetchResult, read or None)
    """
    if downloading is None:
        downloading = product_state.fetch(download_dir)
    try:
        while not downloading.wait(0.1):
            if job is not None and job.cancel_requested:
                downloading.cancel()
        result = downloading.result()
    finally:
        if not downloading.done:  # an error or interrupt here: leave no transfer running
            downloading.cancel()
    check = job.check_cancelled if job is not None else (lambda: None)
    check()
    if sink is None or not result.paths:
        return result, None
    try:
        return result, sink.read(result, taken=taken, check=check)
    except JobCancelled as exc:
        raise ReadingCancelled(str(exc)) from None


def start_load(product_state, sink=None, *, download_dir=None, dispatch=None, done=None,
               note=""):
    """Fetch the selected products, read them and add them to a viewer, in a background job.

    Call on the front end's thread. ``done(outcome)`` runs there when it ends, with a
    :class:`LoadOutcome`, whatever happened (cancelled, failed or loaded).

    Parameters
    ----------
    product_state : `~glue_mast.state.ProductState`
    sink : sink, optional
        Where the datasets go (see the module's doc); None to fetch only.
    download_dir : path-like, optional
        Root of the download layout; default the download cache.
    dispatch : callable, optional
        ``dispatch(fn)`` runs ``fn()`` on the front end's thread; default the product state's.
    done : callable, optional
        Called with the :class:`LoadOutcome` on the front end's thread.
    note : str
        Put before the summary (for instance what was chosen for the user).

    Returns
    -------
    `~glue_mast.jobs.Job`
        Cancelling it cancels the transfers (partial files are kept) or the reading.
    """
    if not product_state.selected_count:
        raise InputError("select products to download first", field="selected")
    dispatch = dispatch if dispatch is not None else product_state.dispatch
    taken = list(sink.taken()) if sink is not None else []

    # The fetch starts here, on the front end's thread: it sets the state's busy and
    # progress properties, whose callbacks touch widgets (never from a worker thread).
    downloading = product_state.fetch(download_dir)

    def work(job):
        return fetch_and_read(product_state, sink, taken=taken, job=job,
                              download_dir=download_dir, downloading=downloading)

    def land(job):
        def finish(outcome):
            outcome.note = note
            if done is not None:
                done(outcome)

        _land(job, sink, finish)

    job = Job(work, name="fetch and load" if sink is not None else "fetch", start=False)
    job.add_done_callback(lambda j: dispatch(lambda: land(j)))
    job.start()
    return job


def _land(job, sink, finish):
    """Make the LoadOutcome of a finished load job and add what it read (front end's thread);
    ``finish(outcome)`` once it is complete, at once or after the sink's last step."""
    exc = job.exception()
    if isinstance(exc, ReadingCancelled):
        return finish(LoadOutcome(cancelled="reading"))
    if isinstance(exc, JobCancelled):
        return finish(LoadOutcome(cancelled="downloading"))
    if exc is not None:
        return finish(LoadOutcome(error=exc))
    result, read = job.result()
    add_and_finish(LoadOutcome(fetch=result, not_loaded=not_fetched(result)), read, sink, finish)
