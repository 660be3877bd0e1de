"""Running a fetch plan: the worker threads, the events, the result, and the manifest."""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ... import config
from ...errors import InputError
from ...util import mtime_iso, plain, sha256_of
from .. import auth
from .events import FetchEnded, FetchStarted, FileFinished
from .job import FetchCancelled, FetchJob, wait_for
from .lock import DirectoryLock
from .outcome import FetchPlan, FileOutcome, FileStatus
from .plan import claim_paths, complete_on_disk, previous_manifest, rename_if_claimed
from .progress import ByteCounter
from .progress import listener as progress_listener
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


def run_files(to_fetch, cached, skipped, root, **kwargs):
    """Fetch planned files and wait, as :func:`fetch` does (Ctrl-C cancels tidily)."""
    server = kwargs.pop("server", None) or config.current_server()
    fetch_plan = FetchPlan(Path(root), list(to_fetch), list(cached), list(skipped), server)
    return wait_for(start_files(fetch_plan, **kwargs))


def _files_at_once(parallel):
    """``parallel`` as a whole number of at least 1, or an InputError naming it."""
    import operator

    try:
        n = None if isinstance(parallel, bool) else operator.index(parallel)
    except TypeError:
        n = int(parallel) if isinstance(parallel, str) and parallel.strip().isdigit() else None
    if n is None or n < 1:
        raise InputError(
            f"parallel must be at least 1 (a whole number of files at once); got {parallel!r}",
            field="parallel",
            value=parallel,
        )
    return n


def start_files(
    fetch_plan,
    *,
    manifest=None,
    parallel=None,
    progress=None,
    token=None,
    retries=None,
    backoff=1.0,
    queries=None,
    doi=None,
    previous=None,
    keep_missing=False,
):
    """Start a :class:`FetchJob` for a plan (of :func:`plan` or :func:`plan_fetch`).

    ``keep_missing`` keeps the records of ``previous`` whose files are missing (an in-place
    reproduce: the manifest says what must be there, and ``verify`` reports what is not),
    where a fetch drops them so that its manifest lists only what is on disk.
    """
    parallel = _files_at_once(config.conf.max_parallel if parallel is None else parallel)
    # One writer at a time in a directory (see .lock). A directory that cannot be written is
    # one clear error here, before anything starts; the lock itself is waited for on the
    # job's thread, where a cancel can end the wait.
    lock_dirs = [fetch_plan.download_dir, *([Path(manifest).parent] if manifest else [])]
    lock = DirectoryLock(lock_dirs if fetch_plan.to_fetch or manifest is not None else [])
    lock.open()
    options = dict(
        lock=lock,
        manifest=manifest,
        parallel=parallel,
        token=token,
        retries=retries or config.conf.retries,
        backoff=backoff,
        queries=queries,
        doi=doi,
        previous=previous,
        keep_missing=keep_missing,
        timeout=(10.0, config.current_timeout()),
    )

    def work(job):
        lock.cancel = job.cancel_event
        try:
            if not lock.acquire():
                return _cancelled_waiting(fetch_plan, options["queries"])
            return _run(job, fetch_plan, **options)
        finally:
            lock.release()

    job = FetchJob(work, fetch_plan, listener=progress_listener(progress))
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


def _take_what_others_completed(fetch_plan, manifest, previous):
    """Under the lock: what another fetch completed here since planning is on disk now.

    Re-reads the manifest (another fetch may have written it while this one waited): a file
    it records whole for the same dataURI costs no request, a name it records for another
    dataURI is that file's, and the manifest written at the end builds on it.
    """
    fresh = previous_manifest(Path(manifest)) if manifest is not None else None
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


def _run(
    job, fetch_plan, *, lock, parallel, token, retries, backoff, timeout, **manifest_options
):
    """The work of a :class:`FetchJob`, on its thread, holding the directory's lock: the
    transfers (on worker threads), the events, and the manifest.

    The transfers only count bytes (:class:`ByteCounter`) and hand their outcomes over a
    queue; this thread turns both into events, so no listener ever runs on a transfer's thread
    or holds one up.
    """
    manifest_options["previous"] = _take_what_others_completed(
        fetch_plan, manifest_options["manifest"], manifest_options["previous"]
    )
    to_fetch, server = fetch_plan.to_fetch, fetch_plan.server
    if token is None and any(f.exclusive for f in to_fetch):
        token = auth.token()
    started = time.perf_counter()
    outcomes = [
        FileOutcome(f, FileStatus.CACHED, "already complete on disk") for f in fetch_plan.cached
    ]
    outcomes += [
        FileOutcome(f, FileStatus.SKIPPED, "exclusive access: needs a MAST token")
        for f in fetch_plan.skipped
    ]
    counter = ByteCounter(to_fetch)
    job.report(
        FetchStarted(
            files=len(to_fetch),
            bytes=counter.bytes_total,
            cached=len(fetch_plan.cached),
            skipped=len(fetch_plan.skipped),
        ),
        force=True,
    )
    downloader = Downloader(
        server=server,
        token=token,
        retries=retries,
        backoff=backoff,
        timeout=timeout,
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
        for i in range(min(parallel, len(to_fetch)))
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
    result = FetchResult(
        outcomes,
        fetch_plan.download_dir,
        interrupted=cancelled,
        seconds=time.perf_counter() - started,
        server=server,
        queries=plain(list(manifest_options["queries"] or [])),
    )
    if manifest_options["manifest"] is not None:
        try:
            result.manifest = _write_manifest(
                result,
                manifest_options["manifest"],
                manifest_options["previous"],
                server,
                manifest_options["queries"],
                manifest_options["doi"],
                keep_missing=manifest_options["keep_missing"],
            )
        except OSError as exc:
            result.manifest_error = (
                f"could not write the manifest {Path(manifest_options['manifest']).resolve()}: "
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
            cancelled=cancelled,
            bytes_done=counter.bytes_done,
            seconds=result.seconds,
            manifest=str(result.manifest.path) if result.manifest is not None else None,
        ),
        force=True,
    )
    if cancelled:
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


def _write_manifest(result, path, previous, server, queries, doi, *, keep_missing=False):
    from ...provenance.manifest import Manifest
    from ...provenance.selection import QueryIndex

    m = previous if previous is not None else Manifest(server=server, path=path)
    m.server = server
    # What an earlier fetch recorded stays only while its file is still there, whole; but a
    # manifest being reproduced in place keeps every record, so a file that could not be
    # fetched again is still listed (and reported missing), never forgotten.
    for record in [] if keep_missing else list(m.datasets):
        file = Path(record["path"])
        if not file.is_file() or (
            record.get("size") is not None and file.stat().st_size != record["size"]
        ):
            m.remove_dataset(file)
    # Each query once, by id; each file's record names those that selected it.
    selecting = QueryIndex(queries)
    for query in selecting.by_id.values():
        m.add_query(query)
    inside = Path(path).resolve().parent
    for outcome in result.outcomes:
        f = outcome.file
        if not f.path.resolve().is_relative_to(inside):
            continue  # never recorded: the layout refuses links out (defence in depth)
        if outcome.status in (FileStatus.CANCELLED, FileStatus.FAILED):
            # Planned and not finished: recorded as such, so that verify does not call the
            # manifest complete and reproduce knows what to finish. A record the manifest
            # already has (a reproduce in place) stays, with the checksum it insists on:
            # verify reports its file missing or wrong.
            if m.dataset_for(f.path) is None:
                m.add_incomplete(_unfinished_record(f, outcome))
            continue
        if outcome.status not in (FileStatus.DOWNLOADED, FileStatus.CACHED):
            continue  # skipped (exclusive access): the fetch reports it, and never began it
        old = m.dataset_for(f.path) or {}
        record = dict(old)
        record.update({k: v for k, v in f.record.items() if v is not None})
        digest = outcome.sha256 or old.get("sha256") or sha256_of(f.path)
        record.update(
            dataURI=f.uri,
            path=f.path,
            size=f.path.stat().st_size,
            sha256=digest,
            downloaded=outcome.downloaded_at or old.get("downloaded") or mtime_iso(f.path),
        )
        if outcome.status is FileStatus.DOWNLOADED:
            # Which copy the bytes came from (.cloud); a cached file keeps its record's.
            record.update(origin=f.origin or f.url, etag=outcome.etag)
        if outcome.listed_size is not None:
            record["listed_size"] = outcome.listed_size
        elif outcome.status is FileStatus.DOWNLOADED:
            record.pop("listed_size", None)
        given = doi.get(f.uri) if isinstance(doi, dict) else doi
        if given:
            record["doi"] = given
        m.add_dataset(selecting.name_in(record))
    _remove_stray_temporaries(path)
    m.write(path)
    return m


def _unfinished_record(f, outcome):
    """The manifest's record of a planned file that a fetch did not finish."""
    record = {k: v for k, v in f.record.items() if v is not None}
    record.update(
        dataURI=f.uri,
        path=f.path,
        size=f.size,
        status=str(outcome.status),
        reason=outcome.message or None,
    )
    if f.sha256:  # what the file must be (a reproduce): finishing it later insists on it too
        record["expected_sha256"] = f.sha256
    return record


def _remove_stray_temporaries(path):
    """Remove what an interrupted write of this manifest (and its ECSV view) left behind.

    Called holding the directory's lock, so no other fetch is writing the manifest now.
    """
    from ...util import stray_temporaries

    path = Path(path)
    for stray in [*stray_temporaries(path), *stray_temporaries(path.with_suffix(".ecsv"))]:
        try:
            stray.unlink()
        except OSError:
            pass  # another's file, or gone: left alone


