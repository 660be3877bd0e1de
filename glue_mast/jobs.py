"""Background jobs: work on a worker thread that a front end can watch and cancel.

Every piece of network or disk work a viewer starts (a count, a page, a product list, a
download, a preview) runs as a :class:`Job`, so that a Qt event loop or a Jupyter kernel never
waits on MAST. A job is a small future:

- :meth:`Job.cancel` asks the work to stop; the work sees it at its next
  :meth:`Job.check_cancelled` (or in :meth:`Job.wait_cancelled`, instead of ``time.sleep``)
  and the job ends with :class:`JobCancelled`;
- :meth:`Job.result` waits for the outcome and returns it or raises the job's error;
- :meth:`Job.add_progress_callback` and :meth:`Job.add_done_callback` register listeners.

Threads: the work, its progress callbacks and its done callbacks all run on the job's own
worker thread (a done callback added after the job ended runs at once, on the caller's
thread), and no lock of the job's is held while a callback runs, so a slow listener slows only
that job. A front end that must touch widgets from a callback hands the call to its own event
loop (Qt: a queued signal; Jupyter: the kernel's IOLoop).

Progress events are throttled: :meth:`Job.report` passes an event on at most
:attr:`Job.progress_interval` seconds after the previous one (about 10 a second by default),
unless ``force=True`` (for events that must not be dropped, such as "a file finished").

This module imports nothing heavy, and nothing of a GUI.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import CancelledError as _FutureCancelled
from concurrent.futures import Future
from concurrent.futures import TimeoutError as _FutureTimeout

from .errors import JobCancelled, JobTimeout

__all__ = ["Job", "JobCancelled", "JobTimeout"]


class Job:
    """Run ``work(job)`` on a worker thread, with cancel and progress.

    Parameters
    ----------
    work : callable
        Called as ``work(job)`` on the worker thread; its return value is the job's result. It
        should call ``job.check_cancelled()`` between steps and ``job.report(event)`` to send
        progress.
    name : str, optional
        What the job does, for its repr and its thread's name.
    start : bool, optional
        Start at once (the default). With ``False``, call :meth:`start`.
    """

    #: Least seconds between two progress events passed on (``force=True`` bypasses it).
    progress_interval = 0.1

    def __init__(self, work, *, name="job", start=True):
        self._work = work
        self.name = name
        self._future = Future()
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._progress_callbacks = []
        self._done_callbacks = []
        self._last_report = 0.0
        self._thread = None
        self.started_at = None
        self.ended_at = None
        if start:
            self.start()

    # --- life cycle --------------------------------------------------------------------------

    def start(self):
        """Start the work on its own (daemon) thread; a second call does nothing."""
        with self._lock:
            if self._thread is not None:
                return self
            self._thread = threading.Thread(target=self._run, name=f"glue-mast {self.name}")
            self._thread.daemon = True
        self.started_at = time.time()
        self._thread.start()
        return self

    def _run(self):
        try:
            if self._cancel.is_set():
                raise JobCancelled(f"{self.name} was cancelled")
            value = self._work(self)
        except BaseException as exc:  # the job's outcome, whatever it is, goes to result()
            if isinstance(exc, JobCancelled) or (
                self._cancel.is_set() and isinstance(exc, KeyboardInterrupt)
            ):
                exc = exc if isinstance(exc, JobCancelled) else JobCancelled(str(exc))
            self.ended_at = time.time()
            self._future.set_exception(exc)
        else:
            self.ended_at = time.time()
            self._future.set_result(value)
        self._call_done_callbacks()

    def cancel(self):
        """Ask the work to stop. Returns at once; :meth:`result` then raises JobCancelled."""
        self._cancel.set()

    @property
    def cancel_requested(self):
        """True once :meth:`cancel` was called."""
        return self._cancel.is_set()

    @property
    def cancel_event(self):
        """The :class:`threading.Event` set by :meth:`cancel`, for work that waits on it."""
        return self._cancel

    def check_cancelled(self):
        """Raise :class:`JobCancelled` if :meth:`cancel` was called; the work calls this."""
        if self._cancel.is_set():
            raise JobCancelled(f"{self.name} was cancelled")

    def wait_cancelled(self, seconds):
        """Sleep up to ``seconds``, waking (and raising JobCancelled) as soon as cancelled."""
        if self._cancel.wait(max(0.0, float(seconds))):
            raise JobCancelled(f"{self.name} was cancelled")

    # --- outcome -----------------------------------------------------------------------------

    @property
    def done(self):
        """True once the work has ended, by returning, failing or being cancelled."""
        return self._future.done()

    @property
    def cancelled(self):
        """True if the job ended because it was cancelled."""
        return self.done and isinstance(self._future.exception(), JobCancelled)

    def result(self, timeout=None):
        """Wait for the work and return its result, or raise its error.

        Raises
        ------
        JobCancelled
            The job was cancelled.
        JobTimeout
            ``timeout`` seconds passed first; the job goes on.
        """
        try:
            return self._future.result(timeout)
        except _FutureTimeout:
            if self._future.done():
                raise  # the work's own TimeoutError (the same class as the wait's, since 3.11)
            raise JobTimeout(f"{self.name} did not finish within {timeout} s") from None
        except _FutureCancelled:  # pragma: no cover - the future is never cancelled itself
            raise JobCancelled(f"{self.name} was cancelled") from None

    def exception(self, timeout=None):
        """Wait for the work and return its error, or None if it succeeded."""
        try:
            return self._future.exception(timeout)
        except _FutureTimeout:
            raise JobTimeout(f"{self.name} did not finish within {timeout} s") from None

    def wait(self, timeout=None):
        """Wait until the job ends or ``timeout`` passes; returns :attr:`done`."""
        try:
            self._future.exception(timeout)
        except _FutureTimeout:
            pass
        return self.done

    # --- listeners ---------------------------------------------------------------------------

    def add_progress_callback(self, callback):
        """Call ``callback(event)`` on the worker thread for each progress event passed on."""
        with self._lock:
            self._progress_callbacks.append(callback)
        return callback

    def add_done_callback(self, callback):
        """Call ``callback(job)`` when the job ends (at once if it has ended)."""
        with self._lock:
            if not self.done:
                self._done_callbacks.append(callback)
                return callback
        callback(self)
        return callback

    def report(self, event, *, force=False):
        """Pass a progress event to the listeners, at most every :attr:`progress_interval` s.

        Returns True if the event was passed on. The listeners run on the calling (worker)
        thread with no lock held.
        """
        now = time.monotonic()
        with self._lock:
            if not force and now - self._last_report < self.progress_interval:
                return False
            self._last_report = now
            callbacks = list(self._progress_callbacks)
        for callback in callbacks:
            callback(event)
        return True

    def _call_done_callbacks(self):
        with self._lock:
            callbacks, self._done_callbacks = self._done_callbacks, []
        for callback in callbacks:
            callback(self)

    def __repr__(self):
        if not self.done:
            state = "cancelling" if self.cancel_requested else "running"
        elif self.cancelled:
            state = "cancelled"
        elif self._future.exception() is not None:
            state = f"failed: {self._future.exception()}"
        else:
            state = "done"
        return f"<Job {self.name}: {state}>"
