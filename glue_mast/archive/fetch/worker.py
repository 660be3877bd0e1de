"""What a Dask worker runs for a fetch spread over a cluster (:mod:`.cluster`).

Each task is one file's transfer, made by the same :class:`~.transfer.Downloader` as a fetch
on one machine (resume, retries, If-Range, SHA-256 on arrival, the rename to the final name),
writing into the same download directory, which every worker must see at the same path (a
shared filesystem). The task returns a plain dict (:func:`plain_outcome`), which the client
turns back into a :class:`~.outcome.FileOutcome` of its own planned file.

The state a fetch keeps on a worker (:class:`_Run`: its cancel flag, its sockets, the
``requests`` sessions its tasks reuse) is kept per fetch id and dropped by :func:`forget` when
the fetch ends. The client reaches it directly with ``Client.run``: :func:`cancel` shuts the
fetch's sockets on every worker at once (as a cancel on one machine does), and from then on no
file of that fetch takes its final name there, so a transfer cut short stays a ``.part`` with
its record, resumable by the next fetch.

The MAST token is an argument of the tasks of files fetched from the MAST server's origin
only, wrapped in a :class:`Secret` whose ``repr`` hides it (Dask logs the arguments of a task
that fails); the worker's downloader sends it as a fetch on one machine does, to that origin
only, never on a redirect to another host, and it is never written.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import deque

from .cancel import Breaker
from .outcome import FileOutcome, FileStatus, PlannedFile
from .transfer import Downloader

__all__ = ["Secret", "cancel", "forget", "outcome_from", "plain_outcome", "sha256", "transfer"]

#: Fields of a FileOutcome a task sends back (all but its file).
_OUTCOME_FIELDS = (
    "message",
    "sha256",
    "requests",
    "resumed_from",
    "seconds",
    "downloaded_at",
    "listed_size",
    "etag",
    "size",
)
#: Seconds between a transfer's byte counts sent to the client (its progress events).
_PROGRESS_EVERY_S = 0.25


class Secret:
    """A token on its way to a worker: pickled with the task, never shown by ``repr``."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __repr__(self):
        return "Secret(<hidden>)"

    __str__ = __repr__

    def __reduce__(self):
        return (Secret, (self.value,))


def plain_outcome(outcome):
    """A FileOutcome as a plain dict (what a task returns to the client)."""
    plain = {name: getattr(outcome, name) for name in _OUTCOME_FIELDS}
    plain["status"] = outcome.status.value
    return plain


def outcome_from(f, plain):
    """The :class:`FileOutcome` of ``f`` (the client's planned file) that ``plain`` reports."""
    return FileOutcome(
        f, FileStatus(plain["status"]), **{name: plain[name] for name in _OUTCOME_FIELDS}
    )


class _Progress:
    """Byte counts of one fetch's transfers on this worker, sent to the client as Dask events
    (``Worker.log_event`` on the fetch's topic: ``[file index, bytes on disk]``).

    The transfers only count, as on one machine; a thread sends the counts that changed every
    :data:`_PROGRESS_EVERY_S` while a transfer of the fetch is under way here, so a transfer
    that stalls has its last count sent too.
    """

    def __init__(self, topic):
        self.topic = topic
        self._lock = threading.Lock()
        self._files = {}  # id(PlannedFile) -> [index, bytes, changed, worker]
        self._sender = None

    def watch(self, f, index, worker):
        with self._lock:
            self._files[id(f)] = [index, 0, False, worker]
            if self._sender is None:
                self._sender = threading.Thread(
                    target=self._send_changes, name="glue-mast progress", daemon=True
                )
                self._sender.start()

    def unwatch(self, f):
        with self._lock:
            entry = self._files.pop(id(f), None)
        if entry is not None and entry[2]:
            self._send([entry])

    def begin(self, f, offset):
        self._count(f, offset, absolute=True)

    def advance(self, nbytes, f):
        self._count(f, nbytes, absolute=False)

    def _count(self, f, nbytes, *, absolute):
        with self._lock:
            entry = self._files.get(id(f))
            if entry is not None:
                entry[1] = nbytes if absolute else entry[1] + nbytes
                entry[2] = True

    def _send_changes(self):
        while True:
            time.sleep(_PROGRESS_EVERY_S)
            with self._lock:
                if not self._files:
                    self._sender = None
                    return
                changed = [list(e) for e in self._files.values() if e[2]]
                for entry in self._files.values():
                    entry[2] = False
            self._send(changed)

    def _send(self, entries):
        for index, done, _, worker in entries:
            # (Thread-safe: from a thread other than its loop's, it is handed to the loop.) A
            # worker closing meanwhile loses a progress count, never the transfer.
            with contextlib.suppress(Exception):
                worker.log_event(self.topic, [index, done])


class _Run:
    """One fetch's state on this worker process."""

    def __init__(self, settings):
        self.settings = settings
        self.cancel = threading.Event()
        self.breaker = Breaker()
        self.progress = _Progress(settings["topic"])
        self._downloaders = {}
        self._lock = threading.Lock()

    def downloader(self, token):
        """The downloader of the tasks that bring ``token`` (or none): one per fetch, so that
        its threads' sessions (and their open connections) serve the next files too."""
        with self._lock:
            downloader = self._downloaders.get(token)
            if downloader is None:
                settings = self.settings
                downloader = self._downloaders[token] = Downloader(
                    server=settings["server"],
                    token=token,
                    retries=settings["retries"],
                    backoff=settings["backoff"],
                    timeout=settings["timeout"],
                    progress=self.progress,
                    cancel=self.cancel,
                    breaker=self.breaker,
                )
            return downloader


_RUNS = {}
_RUNS_LOCK = threading.Lock()
#: Fetch ids that have ended here: a task of one arriving late does nothing.
_ENDED = deque(maxlen=1024)


def _run_for(fetch_id, settings):
    with _RUNS_LOCK:
        if fetch_id in _ENDED:
            return None
        run = _RUNS.get(fetch_id)
        if run is None:
            run = _RUNS[fetch_id] = _Run(settings)
        return run


def transfer(fetch_id, index, spec, token, settings):
    """A Dask task: fetch one file (``spec``: the fields of its :class:`PlannedFile` that a
    transfer needs) into the shared download directory; returns :func:`plain_outcome`.

    ``token`` is a :class:`Secret` (for a file fetched from the MAST server) or None.
    """
    from distributed import get_worker

    f = PlannedFile(record={}, **spec)
    run = _run_for(fetch_id, settings)
    if run is None or run.cancel.is_set():
        return plain_outcome(FileOutcome(f, FileStatus.CANCELLED, "interrupted"))
    secret = token.value if token is not None else None
    run.progress.watch(f, index, get_worker())
    try:
        outcome = run.downloader(secret).fetch_one(f)
    finally:
        run.progress.unwatch(f)
    if secret and secret in outcome.message:  # (the worker has no configured token to redact)
        outcome.message = outcome.message.replace(secret, "<token>")
    return plain_outcome(outcome)


def cancel(fetch_id):
    """Run on every worker (``Client.run``) when the fetch is cancelled: its transfers end at
    once (their sockets shut) and no file of it takes its final name here from now on."""
    with _RUNS_LOCK:
        if fetch_id in _ENDED:
            return
        run = _RUNS.get(fetch_id)
        if run is None:  # no task here yet: any that comes finds the fetch cancelled
            run = _RUNS[fetch_id] = _Run({"topic": None})
    run.cancel.set()
    run.breaker.trip()
    run.breaker.close()  # waits for renames under way (a rename is a moment)


def forget(fetch_id):
    """Run on every worker when the fetch has ended: its state (and its token) is dropped."""
    with _RUNS_LOCK:
        _RUNS.pop(fetch_id, None)
        _ENDED.append(fetch_id)


def sha256(path):
    """A Dask task of a verify: the SHA-256 of the file at ``path`` (resolved by the client),
    or ``[error number, reason]`` if this worker cannot read it."""
    from ...util import sha256_of

    try:
        return sha256_of(path)
    except OSError as exc:
        return [exc.errno, exc.strerror or str(exc)]
