"""A fetch, a reproduce or a verify spread over a Dask cluster (``client=``, ``--dask``).

Only the collecting moves: this process plans the fetch, takes the download directory's lock,
and writes the manifest exactly as a fetch on one machine does (:mod:`.run`); :func:`collect`
stands in for the worker threads, sending each file's transfer to the cluster as one task
(:func:`.worker.transfer`, the same one-file transfer: resume, retries, SHA-256 on arrival)
and turning the plain results back into :class:`~.outcome.FileOutcome` records of its own
planned files. So the manifest holds the same records, checksums, sizes, origins and queries
whichever ran the transfers (only the times differ).

- **A shared filesystem.** The workers write into the download directory at the path this
  process planned (NFS, EFS, Lustre, or one machine's disk for a ``LocalCluster``): a worker
  that cannot see it fails its files, one clear message each.
- **The token** goes, as an argument of the task (:class:`.worker.Secret`, hidden from
  ``repr`` and logs), with the files fetched from the MAST server's own origin only: a task
  for a cloud copy (``cloud=True``) or any other host gets none. A worker holds it in memory
  until the fetch ends (:func:`.worker.forget`), sends it as a fetch on one machine does (to
  that origin only, never on a redirect elsewhere), and never writes it. It crosses the
  cluster's connections inside the pickled task: use a cluster whose connections are
  encrypted (``tls://``) when they leave one machine.
- **Progress events** are the same: ``FetchStarted``, ``BytesReceived`` (the workers send
  their byte counts as Dask events on a topic of this fetch, a few times a second),
  ``FileFinished``, ``FetchEnded``; all delivered on the fetch job's thread here.
- **Cancel** (``job.cancel()``, Ctrl-C): every worker's transfers of this fetch are cut at
  once (:func:`.worker.cancel`, through ``Client.run``), no file of it takes its final name
  after that, the tasks not yet started are cancelled, and the manifest is written for what
  is complete; partial files stay ``.part`` with their records, resumed by the next fetch.
- **How many at once:** each worker thread runs one transfer at a time (Dask's
  ``--nthreads``); ``parallel`` is not used. This process keeps twice the cluster's threads
  submitted, so that a cancel has few tasks to call back.
"""

from __future__ import annotations

import contextlib
import os
import queue
import time
import uuid
from pathlib import Path

from .. import auth
from . import worker
from .events import FileFinished
from .outcome import Collected, FileOutcome, FileStatus
from .progress import begin_collecting

__all__ = ["collect", "verify_on_cluster"]

#: How often the job's thread looks at the tasks (and sends a BytesReceived).
_TICK_S = 0.1
#: How long a cancelled fetch waits for the transfers it cut to report back.
_GRACE_S = 2.0
#: How often the number of the cluster's threads is asked again (an adaptive cluster grows).
_THREADS_EVERY_S = 5.0


def _spec(f):
    """What a worker needs of a planned file to fetch it (not its manifest record)."""
    return {
        "uri": f.uri,
        "url": f.url,
        "path": f.path,
        "size": f.size,
        "exclusive": f.exclusive,
        "sha256": f.sha256,
    }


def task_token(f, token, server):
    """The token a file's task carries: the token for a file fetched from the MAST server's
    origin, None for any other (a cloud copy)."""
    if token and auth.token_allowed(f.url, server):
        return worker.Secret(token)
    return None


class _Window:
    """Tasks kept submitted: twice the cluster's threads, asked again now and then."""

    def __init__(self, client):
        self.client = client
        self._size, self._asked = 2, float("-inf")

    @property
    def size(self):
        now = time.monotonic()
        if now - self._asked >= _THREADS_EVERY_S:
            self._asked = now
            self._size = 2 * max(1, sum(self.client.nthreads().values()))
        return self._size


def collect(job, fetch_plan, options):
    """Run the transfers of ``fetch_plan`` on ``options.client``'s workers and collect their
    outcomes, with the events; as :func:`.run._collect` does on this machine's threads."""
    client = options.client
    files = list(fetch_plan.to_fetch)
    server = fetch_plan.server
    token, started, outcomes, counter = begin_collecting(fetch_plan, options, job)
    if not files:  # (every file on disk or skipped): nothing for the cluster to do
        return Collected(outcomes, False, counter, time.perf_counter() - started)
    fetch_id = uuid.uuid4().hex
    settings = {
        "topic": f"glue-mast-fetch-{fetch_id}",
        "server": server,
        "retries": options.retries,
        "backoff": options.backoff,
        "timeout": options.timeout,
    }

    def bytes_arrived(event):  # on the client's event loop: only counts
        index, done = event[1]
        if 0 <= index < len(files):
            counter.begin(files[index], done)

    finished = queue.SimpleQueue()
    running = {}  # task key -> (index of its file, its future)
    waiting = iter(range(len(files)))
    window = _Window(client)
    done = 0
    lost = None  # why the cluster could not be used any more

    def submit_more():
        while len(running) < window.size:
            i = next(waiting, None)
            if i is None:
                return
            f = files[i]
            future = client.submit(
                worker.transfer,
                fetch_id,
                i,
                _spec(f),
                task_token(f, token, server),
                settings,
                key=f"glue-mast-transfer-{fetch_id}-{i}",
                retries=0,
            )
            running[future.key] = (i, future)
            future.add_done_callback(finished.put)

    def take(timeout):
        nonlocal done
        try:
            future = finished.get(timeout=timeout) if timeout else finished.get_nowait()
        except queue.Empty:
            return False
        entry = running.pop(future.key, None)
        if entry is None:
            return True
        f = files[entry[0]]
        outcome = _outcome_of(future, f, token, asked_to_stop=job.cancel_requested)
        if outcome.status is FileStatus.DOWNLOADED and outcome.size is not None:
            counter.begin(f, outcome.size)
        outcomes.append(outcome)
        done += 1
        job.report(
            FileFinished(
                path=str(f.path),
                uri=f.uri,
                status=outcome.status,
                message=outcome.message,
                files_done=done,
                files_total=len(files),
            ),
            force=True,
        )
        return True

    client.subscribe_topic(settings["topic"], bytes_arrived)
    try:
        while done < len(files) and not job.cancel_requested:
            submit_more()
            if take(_TICK_S):
                while take(0):
                    pass
            elif client.status not in ("running", "connecting"):
                lost = f"the Dask client is {client.status}"
                break
            event = counter.event()
            if event is not None and job.report(event):
                counter.sent()
    except (OSError, TimeoutError) as exc:  # the scheduler went away (CommClosedError too)
        lost = f"lost the Dask scheduler ({type(exc).__name__}: {exc})"
    cancelled = job.cancel_requested and (
        done < len(files) or any(o.status is FileStatus.CANCELLED for o in outcomes)
    )
    try:
        if running:
            _call_back(client, fetch_id, running, take, cancel=lost is None)
        while take(0):
            pass
    finally:
        _end(client, fetch_id, settings["topic"])
    why = f"not fetched: {lost}" if lost else "interrupted"
    status = FileStatus.FAILED if lost and not cancelled else FileStatus.CANCELLED
    for i, _ in running.values():
        outcomes.append(FileOutcome(files[i], status, why))
    for i in waiting:
        outcomes.append(FileOutcome(files[i], status, why))
    return Collected(outcomes, cancelled, counter, time.perf_counter() - started)


def _call_back(client, fetch_id, running, take, *, cancel):
    """Stop the tasks still running: their transfers cut on every worker (``cancel``), a
    moment for those to report back what they kept, and the rest cancelled."""
    # (A client or scheduler gone meanwhile, whatever it raises: its tasks end with it, and
    # what they did not report is listed as not fetched.)
    with contextlib.suppress(Exception):
        if cancel:
            client.run(worker.cancel, fetch_id, on_error="ignore")
            deadline = time.monotonic() + _GRACE_S
            while running and time.monotonic() < deadline:
                take(0.05)
        if running:
            client.cancel([future for _, future in running.values()])


def _end(client, fetch_id, topic):
    """The fetch is over: the workers drop its state (and its token), the events stop."""
    # (A client or scheduler gone, whatever it raises: the workers' state went with it.)
    with contextlib.suppress(Exception):
        client.run(worker.forget, fetch_id, on_error="ignore")
    with contextlib.suppress(Exception):
        client.unsubscribe_topic(topic)


def _outcome_of(future, f, token, *, asked_to_stop=False):
    """The outcome of ``f`` that its finished (or failed, or cancelled) task reports.

    A task cancelled when the fetch was not (``asked_to_stop`` False) was cancelled by the
    cluster, as its scheduler or worker went away: the file failed, it was not interrupted.
    """
    if future.status == "finished":
        return worker.outcome_from(f, future.result())
    if future.status == "cancelled":
        if asked_to_stop:
            return FileOutcome(f, FileStatus.CANCELLED, "interrupted")
        return FileOutcome(
            f, FileStatus.FAILED,
            "not fetched: the Dask cluster cancelled its task (its scheduler or worker went "
            "away)",
        )
    if future.status != "error":  # ("lost": its worker and its data are gone)
        return FileOutcome(f, FileStatus.FAILED, f"{f.uri}: its Dask task was {future.status}")
    exc = future.exception()
    text = auth.redact(f"{type(exc).__name__}: {exc}")
    if token:
        text = text.replace(token, "<token>")
    if len(text) > 200:
        text = text[:200] + "..."
    return FileOutcome(f, FileStatus.FAILED, f"{f.uri}: failed on the Dask cluster: {text}")


def verify_on_cluster(records, client, *, checksums=True):
    """``records.verify(checksums=...)``, the SHA-256 of each file computed on ``client``'s
    workers, which must see the files at the same paths (a shared filesystem).

    Parameters
    ----------
    records : `~glue_mast.provenance.Manifest` or `~glue_mast.provenance.SessionFiles`
    client : `distributed.Client`

    Returns
    -------
    `~glue_mast.provenance.VerifyReport`
        As ``records.verify()`` gives; a file no worker could read is ``unreadable``.
    """
    if not checksums:
        return records.verify(checksums=False)  # sizes only: nothing to spread
    from ...provenance.manifest import Manifest

    manifest = isinstance(records, Manifest)
    # A manifest's files must be inside its directory (a session's may be anywhere).
    root = records.path.parent.resolve() if manifest and records.path is not None else None
    paths = _paths_to_hash(records.datasets if manifest else records.records, root)
    batch = uuid.uuid4().hex
    futures = client.map(
        worker.sha256, paths, key=[f"glue-mast-sha256-{batch}-{i}" for i in range(len(paths))]
    )
    digests = {}
    try:
        for path, future in zip(paths, futures, strict=True):
            try:
                digests[path] = future.result()
            except (OSError, TimeoutError):
                raise  # the scheduler is gone: no verdict to give
            except Exception as exc:  # (its worker died, say): unreadable, not passed over
                digests[path] = [None, f"its Dask task failed: {type(exc).__name__}"]
    except BaseException:  # Ctrl-C, or a lost scheduler: no task is left behind
        client.cancel(futures)
        raise

    def digest(path):
        got = digests.get(os.fspath(path))
        if got is None:  # (changed since it was looked at: not read here either)
            raise FileNotFoundError(f"{path} was not checked on the cluster")
        if isinstance(got, (list, tuple)):
            raise OSError(got[0], f"{got[1]} (on a Dask worker)")
        return got

    return records.verify(checksums=True, digest=digest)


def _paths_to_hash(rows, root):
    """Resolved paths of the regular files of records ``rows`` that a verify would hash: of
    the recorded size, with a SHA-256 to compare, inside ``root`` unless it is None."""
    from ...provenance.entries import strictly_inside

    paths = []
    for record in rows:
        if not record.get("path") or not record.get("sha256"):
            continue
        try:
            path = Path(record["path"]).resolve()
            if root is not None and not strictly_inside(path, root):
                continue
            st = path.stat()
        except (OSError, RuntimeError):
            continue
        if record.get("size") is not None and st.st_size != record["size"]:
            continue
        paths.append(os.fspath(path))
    return sorted(set(paths))
