"""Running a fetch plan: the worker threads, the events, the result, and the manifest."""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ... import config
from ...util import plain
from .events import FetchEnded, FileFinished
from .job import FetchCancelled, FetchJob, wait_for
from .lock import DirectoryLock
from .options import FetchOptions
from .outcome import Collected, FetchPlan, FileOutcome, FileStatus
from .plan import (
    claim_paths,
    complete_on_disk,
    manifest_stamp,
    previous_manifest,
    rename_if_claimed,
)
from .progress import begin_collecting
from .progress import listener as progress_listener
from .record import write_manifest
from .transfer import Downloader

__all__ = ["FetchResult", "run_files", "start_files"]


@dataclass
class FetchResult:
    """The outcome of :func:`fetch`: files, what went wrong, and the manifest written."""

    outcomes: list
    download_dir: Path
    manifest: object = None
    interrupted: bool = False
    seconds: float = 0.0
    #: The MAST base URL the files were fetched from; :meth:`retry` goes there again.
    server: str | None = None
    #: Why the manifest could not be written (a full disk), or None.
    manifest_error: str | None = None
    #: The query records of this fetch (the search and product listing that selected its
    #: files), which a load gives its datasets; the manifest may hold other fetches' too.
    queries: list = field(default_factory=list)

    def _with(self, *statuses):
        return [o for o in self.outcomes if o.status in statuses]

    @property
    def downloaded(self):
        return self._with(FileStatus.DOWNLOADED)

    @property
    def cached(self):
        return self._with(FileStatus.CACHED)

    @property
    def skipped(self):
        return self._with(FileStatus.SKIPPED)

    @property
    def failed(self):
        return self._with(FileStatus.FAILED, FileStatus.CANCELLED)

    @property
    def paths(self):
        """Paths of every file now complete on disk."""
        return [o.file.path for o in self._with(FileStatus.DOWNLOADED, FileStatus.CACHED)]

    @property
    def ok(self):
        return not self.failed and not self.interrupted and not self.manifest_error

    @property
    def requests(self):
        return sum(o.requests for o in self.outcomes)

    def summary(self):
        """One phrase for people: "2 files downloaded, 1 file already on disk, 1 file skipped
        (exclusive access: needs a MAST token), 1 file failed (why)"; every front end shows it."""

        def files(n):
            return f"{n} file{'s' if n != 1 else ''}"

        parts = []
        if self.downloaded:
            cloud = sum(1 for o in self.downloaded if o.file.origin)
            via = f" ({cloud} from MAST's cloud copy)" if cloud else ""
            parts.append(f"{files(len(self.downloaded))} downloaded{via}")
        if self.cached:
            parts.append(f"{files(len(self.cached))} already on disk")
        if self.skipped:
            parts.append(
                f"{files(len(self.skipped))} skipped (exclusive access: needs a MAST token)"
            )
        if self.failed:
            why = self.failed[0].message
            parts.append(f"{files(len(self.failed))} failed" + (f" ({why})" if why else ""))
        return ", ".join(parts) or "no files to fetch"

    def __repr__(self):
        return (
            f"<FetchResult {len(self.downloaded)} downloaded, {len(self.cached)} already on "
            f"disk, {len(self.skipped)} skipped, {len(self.failed)} failed"
            f"{', interrupted' if self.interrupted else ''}; {self.download_dir}>"
        )

    def retry(self, **kwargs):
        """Fetch again the files that failed, from the same server, into the same manifest."""
        files = [o.file for o in self.failed]
        path = kwargs.pop("manifest", self.manifest.path if self.manifest is not None else None)
        kwargs.setdefault("server", self.server)
        kwargs.setdefault("queries", self.queries)
        return run_files(
            files,
            [],
            [],
            self.download_dir,
            manifest=path,
            previous=previous_manifest(path),
            **kwargs,
        )


def run_files(to_fetch, cached, skipped, root, *, server=None, manifest=None, previous=None,
              **options):
    """Fetch planned files and wait, as :func:`fetch` does (Ctrl-C cancels tidily).

    ``manifest`` is where the manifest is written, merged into ``previous`` (what a caller
    read there); ``options`` are those of :class:`~.options.FetchOptions`.
    """
    fetch_plan = FetchPlan(
        Path(root),
        list(to_fetch),
        list(cached),
        list(skipped),
        server or config.current_server(),
        manifest_path=Path(manifest) if manifest is not None else None,
        previous=previous,
    )
    return wait_for(start_files(fetch_plan, FetchOptions(**options)))


def start_files(fetch_plan, options):
    """Start a :class:`FetchJob` for a plan (of :func:`plan` or :func:`plan_fetch`), run as
    ``options`` (a :class:`~.options.FetchOptions`) say.

    The manifest goes to ``fetch_plan.manifest_path`` (none if None), merged into the one
    there. ``options.keep_missing`` keeps the records of that manifest whose files are missing
    (an in-place reproduce: the manifest says what must be there, and ``verify`` reports what
    is not), where a fetch drops them so that its manifest lists only what is on disk.
    """
    manifest = fetch_plan.manifest_path
    # One writer at a time in a directory (see .lock). A directory that cannot be written is
    # one clear error here, before anything starts; the lock itself is waited for on the
    # job's thread, where a cancel can end the wait.
    lock_dirs = [fetch_plan.download_dir, *([Path(manifest).parent] if manifest else [])]
    lock = DirectoryLock(lock_dirs if fetch_plan.to_fetch or manifest is not None else [])
    lock.open()

    def work(job):
        lock.cancel = job.cancel_event
        try:
            if not lock.acquire():
                return _cancelled_waiting(fetch_plan, options.queries)
            return _run(job, fetch_plan, options)
        finally:
            lock.release()

    job = FetchJob(work, fetch_plan, listener=progress_listener(options.progress))
    return job.start()


#: How often the job's thread looks at the transfers (and sends a BytesReceived).
_TICK_S = 0.1
#: How long a cancelled fetch waits for its transfers to stop before it writes the manifest.
_GRACE_S = 0.5


def _cancelled_waiting(fetch_plan, queries):
    """A fetch cancelled while it waited for another fetch into its directory to finish."""
    outcomes = [
        FileOutcome(f, FileStatus.CANCELLED, "cancelled while another fetch wrote here")
        for f in fetch_plan.to_fetch
    ]
    raise FetchCancelled(
        FetchResult(
            outcomes,
            fetch_plan.download_dir,
            interrupted=True,
            server=fetch_plan.server,
            queries=plain(list(queries or [])),
        )
    )


def _take_what_others_completed(fetch_plan):
    """Under the lock: what another fetch completed here since planning is on disk now.

    Returns the manifest to merge this fetch's records into. If the manifest is as planning
    read it (the same file, unchanged: :func:`manifest_stamp`), that is the plan's; else it is
    read again (another fetch may have written it while this one waited): a file it records
    whole for the same dataURI costs no request, a name it records for another dataURI is that
    file's, and the manifest written at the end builds on it.
    """
    manifest, previous = fetch_plan.manifest_path, fetch_plan.previous
    if manifest is None:
        return previous
    stamp = fetch_plan.manifest_stamp
    if stamp is not None and manifest_stamp(Path(manifest)) == stamp:
        return previous  # nobody has written it since planning read it
    fresh = previous_manifest(Path(manifest))
    if fresh is None:
        return previous
    planned = [*fetch_plan.cached, *fetch_plan.skipped, *fetch_plan.to_fetch]
    claimed = claim_paths(fresh, planned)
    waiting, fetch_plan.to_fetch = fetch_plan.to_fetch, []
    for f in waiting:
        rename_if_claimed(f, claimed)
        (fetch_plan.cached if complete_on_disk(f, fresh) else fetch_plan.to_fetch).append(f)
    if previous is None or previous is fresh:
        return fresh
    for key, value in previous.extra.items():  # e.g. what a reproduced manifest came from
        fresh.extra.setdefault(key, value)
    for query in previous.queries:
        fresh.add_query(query)
    return fresh


def _run(job, fetch_plan, options):
    """The work of a :class:`FetchJob`, on its thread, holding the directory's lock: the
    transfers and their events (:func:`_collect` on this machine's threads, or
    :func:`.cluster.collect` on a Dask cluster's workers), then the result and the manifest
    (:func:`_finish`), the same either way."""
    previous = _take_what_others_completed(fetch_plan)
    if options.client is not None:
        from .cluster import collect
    else:
        collect = _collect
    return _finish(job, fetch_plan, options, previous, collect(job, fetch_plan, options))


def _collect(job, fetch_plan, options):
    """Run the transfers (on worker threads) and collect their outcomes, with the events.

    The transfers only count bytes (:class:`ByteCounter`) and hand their outcomes over a
    queue; this thread turns both into events, so no listener ever runs on a transfer's thread
    or holds one up.
    """
    to_fetch = fetch_plan.to_fetch
    token, started, outcomes, counter = begin_collecting(fetch_plan, options, job)
    downloader = Downloader(
        server=fetch_plan.server,
        token=token,
        retries=options.retries,
        backoff=options.backoff,
        timeout=options.timeout,
        progress=counter,
        cancel=job.cancel_event,
        breaker=job.breaker,
    )
    # Daemon threads rather than a ThreadPoolExecutor, whose threads the interpreter waits
    # for at exit: a process told to stop must not wait on a transfer that is winding down.
    todo, finished = queue.SimpleQueue(), queue.SimpleQueue()
    for f in to_fetch:
        todo.put(f)
    workers = [
        threading.Thread(
            target=_transfers,
            args=(downloader, todo, finished, job.cancel_event),
            name=f"glue-mast fetch {i + 1}",
            daemon=True,
        )
        for i in range(min(options.parallel, len(to_fetch)))
    ]
    for worker in workers:
        worker.start()
    pending = {id(f): f for f in to_fetch}

    def collect(timeout):
        try:
            outcome = finished.get(timeout=timeout) if timeout else finished.get_nowait()
        except queue.Empty:
            return False
        if pending.pop(id(outcome.file), None) is not None:
            outcomes.append(outcome)
            job.report(
                FileFinished(
                    path=str(outcome.file.path),
                    uri=outcome.file.uri,
                    status=outcome.status,
                    message=outcome.message,
                    files_done=len(to_fetch) - len(pending),
                    files_total=len(to_fetch),
                ),
                force=True,
            )
        return True

    while pending and not job.cancel_requested:
        if collect(_TICK_S):
            while pending and collect(0):
                pass
        event = counter.event()
        if event is not None and job.report(event):
            counter.sent()
    # Cancelled if the cancel came before every file was done with (a transfer it cut off may
    # have reported back already).
    cancelled = bool(pending) or (
        job.cancel_requested and any(o.status is FileStatus.CANCELLED for o in outcomes)
    )
    if pending:
        # The sockets are shut, so the transfers end at once; one hashing a large file may
        # take longer, and is left behind: it keeps its .part, as the breaker is closed.
        deadline = time.monotonic() + _GRACE_S
        while pending and time.monotonic() < deadline:
            if not collect(0.02) and not any(w.is_alive() for w in workers):
                break
        job.breaker.close()  # from here on, no transfer still running renames a file
        while pending and collect(0):
            pass
        for key, f in list(pending.items()):
            outcomes.append(
                job.breaker.committed.get(key)
                or FileOutcome(f, FileStatus.CANCELLED, "interrupted")
            )
    return Collected(outcomes, cancelled, counter, time.perf_counter() - started)


def _finish(job, fetch_plan, options, previous, collected):
    """The result of a fetch whose transfers are over: its manifest written (merged into
    ``previous``), the last event sent; raises FetchCancelled if it was cancelled."""
    result = FetchResult(
        collected.outcomes,
        fetch_plan.download_dir,
        interrupted=collected.cancelled,
        seconds=collected.seconds,
        server=fetch_plan.server,
        queries=plain(list(options.queries)),
    )
    manifest = fetch_plan.manifest_path
    if manifest is not None:
        try:
            result.manifest = write_manifest(
                result, manifest, previous, fetch_plan.server, options
            )
        except OSError as exc:
            result.manifest_error = (
                f"could not write the manifest {Path(manifest).resolve()}: "
                f"{exc.strerror or exc}; the files fetched are complete on disk but not "
                "recorded: free some space (or fix the permissions) and fetch again to "
                "record them"
            )
    job.report(
        FetchEnded(
            downloaded=len(result.downloaded),
            cached=len(result.cached),
            skipped=len(result.skipped),
            failed=len(result.failed),
            cancelled=collected.cancelled,
            bytes_done=collected.counter.bytes_done,
            seconds=result.seconds,
            manifest=str(result.manifest.path) if result.manifest is not None else None,
        ),
        force=True,
    )
    if collected.cancelled:
        raise FetchCancelled(result)
    return result


def _transfers(downloader, todo, finished, cancel):
    """One worker thread: fetch files from ``todo`` until it is empty or the fetch cancelled."""
    while not cancel.is_set():
        try:
            f = todo.get_nowait()
        except queue.Empty:
            return
        finished.put(downloader.fetch_one(f))
