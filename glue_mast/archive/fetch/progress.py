"""Progress of a fetch: counting bytes as they land, and the tqdm bar that shows them.

The transfers only count (:class:`ByteCounter`: a few integer additions under a lock that no
callback ever holds); the fetch job's own thread reads the counts and sends the events of
:mod:`.events` to the listeners. The bar (``progress=True``) is one such listener.
"""

from __future__ import annotations

import threading
import time

from .events import BytesReceived, FetchEnded, FetchStarted

__all__ = [
    "ByteCounter",
    "ProgressBar",
    "begin_collecting",
    "listener",
]


class ByteCounter:
    """Bytes on disk per file of a fetch, updated by the transfers, read by the job."""

    def __init__(self, files):
        self._lock = threading.Lock()
        self._files = {}  # id(PlannedFile) -> bytes of it on disk
        self.bytes_total = sum(f.size or 0 for f in files)
        self.bytes_done = 0
        self._latest = None
        self._changes = 0  # counts begin/advance calls, to tell whether anything happened
        self._sent = 0

    def begin(self, f, offset):
        """A transfer of ``f`` starts writing at ``offset`` (what a resumed file already has)."""
        with self._lock:
            key = id(f)
            self.bytes_done += offset - self._files.get(key, 0)
            self._files[key] = offset
            self._latest = f
            self._changes += 1

    def advance(self, nbytes, f):
        """``nbytes`` more of ``f`` are on disk."""
        with self._lock:
            key = id(f)
            self._files[key] = self._files.get(key, 0) + nbytes
            self.bytes_done += nbytes
            self._latest = f
            self._changes += 1

    def event(self):
        """A :class:`BytesReceived` with the counts now, or None if none changed since the
        last one :meth:`sent`."""
        with self._lock:
            f = self._latest
            if f is None or self._changes == self._sent:
                return None
            self._stamp = self._changes
            return BytesReceived(
                path=str(f.path),
                uri=f.uri,
                bytes_done=self.bytes_done,
                bytes_total=self.bytes_total,
                file_done_bytes=self._files[id(f)],
                file_total=f.size,
            )

    def sent(self):
        """The latest event from :meth:`event` reached the listeners."""
        with self._lock:
            self._sent = self._stamp


class ProgressBar:
    """A tqdm bar fed by the events of one fetch: on stderr (or ``file``), if a terminal."""

    def __init__(self, file=None):
        self.bar = None
        self.file = file

    def __call__(self, event):
        if isinstance(event, FetchStarted):
            from tqdm.auto import tqdm

            # Decimal units, as the summary line (``1.9 MB``) uses.
            self.bar = tqdm(
                total=event.bytes,
                unit="B",
                unit_scale=True,
                unit_divisor=1000,
                desc=f"Fetching {event.files} files",
                dynamic_ncols=True,
                disable=None,  # not on a pipe or a log file
                file=self.file,
            )
        elif self.bar is None:
            return
        elif isinstance(event, BytesReceived):
            self.bar.update(event.bytes_done - self.bar.n)
        elif isinstance(event, FetchEnded):
            self.bar.update(event.bytes_done - self.bar.n)
            self.bar.close()


def listener(progress):
    """The listener ``progress=`` asks for: a bar for True, the callable itself, or None."""
    if progress is True:
        return ProgressBar()
    if callable(progress):
        return progress
    if progress in (None, False):
        return None
    from ...errors import InputError

    raise InputError(f"progress must be True, False or a callable, not {progress!r}")


def begin_collecting(fetch_plan, options, job):
    """What every collector starts with: the token (read only when an exclusive file needs
    it), the start time, the outcomes of the files not to fetch (on disk, skipped), and the
    byte counter of those to fetch, with the fetch's first event reported.

    Returns
    -------
    (token, started, outcomes, counter)
    """
    from .. import auth
    from .outcome import FileOutcome, FileStatus

    to_fetch = fetch_plan.to_fetch
    token = options.token
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
    return token, started, outcomes, counter
