"""Running a widget's work on the kernel's thread: job outcomes, and long work in steps.

Shared by the MAST Search plugin and the "mast" loader of Load Data. Every request to MAST or
the disk runs in a background `glue_mast.jobs.Job`; what it brings must reach Jdaviz's viewers
and the widget's traitlets on the kernel's thread. Outcomes go
through the kernel's event loop when there is one; while a notebook call waits for a job, the
loop is busy running that very cell, so outcomes are queued and run by the waiting call itself.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import queue
import threading

from jdaviz.core.events import SnackbarMessage

from ..state.base import one_line

__all__ = ["STEP_PAUSE_S", "KernelThread"]

#: Seconds the kernel's event loop is given between two steps of work on its thread (adding
#: datasets): enough for it to read a message that arrived and run its handler first.
STEP_PAUSE_S = 0.005


class KernelThread:
    """Dispatching to the kernel's thread: a mixin of a Jdaviz widget (the MAST Search plugin,
    the "mast" loader) with an ``error`` traitlet and a ``hub``.

    Call :meth:`_init_kernel_thread` on the kernel's thread (in ``__init__``): the event loop
    running there, if any, is the one work is handed to.
    """

    def _init_kernel_thread(self):
        self._lock = threading.RLock()
        self._synchronous = 0
        self._landing = queue.Queue()
        self._next = collections.deque()  # steps waiting, when there is no event loop
        try:
            self._loop = asyncio.get_running_loop()
        except RuntimeError:
            self._loop = None
        self._ui_thread = threading.get_ident()

    def _dispatch(self, fn):
        """Run ``fn`` on the kernel's thread: through its event loop when called from a job.

        While a notebook call waits for a job (:meth:`_waiting`), the kernel's loop is busy
        running that very cell, so an outcome from a job is queued and run by the waiting
        call itself, on the kernel's thread (Jdaviz's viewers must be touched there).
        """
        on_ui_thread = threading.get_ident() == self._ui_thread
        if self._synchronous and not on_ui_thread:
            self._landing.put(fn)
            if not self._synchronous:  # the wait ended meanwhile: hand it over as usual
                self._hand_over_queued()
        elif self._loop is None or on_ui_thread or not self._loop.is_running():
            with self._lock:
                fn()
        else:
            self._loop.call_soon_threadsafe(self._run_guarded, fn)

    def _dispatch_next(self, fn):
        """Run ``fn`` on the kernel's thread once its event loop has run what is queued.

        For a long piece of work on the kernel's thread done in steps (adding datasets): a
        click that arrived during one step is answered before the next. While a notebook
        call waits (:meth:`_waiting`), the waiting call runs it next, on this thread.
        """
        if self._synchronous:
            self._landing.put(fn)
        elif self._loop is not None and self._loop.is_running():
            # Not call_soon: what arrives meanwhile (a click: the kernel reads the message,
            # then wakes its handler, two turns of the loop) must run before the next step.
            later = (self._loop.call_later, STEP_PAUSE_S, self._run_guarded, fn)
            if threading.get_ident() == self._ui_thread:
                later[0](*later[1:])
            else:
                self._loop.call_soon_threadsafe(*later)
        else:  # no event loop to hand back to (a script): next, without nesting the steps
            self._next.append(fn)
            if len(self._next) > 1:  # a step is running: its caller below runs this one
                return
            while self._next:
                try:
                    with self._lock:
                        self._next[0]()
                finally:
                    self._next.popleft()

    def _hand_over_queued(self):
        while True:
            try:
                fn = self._landing.get_nowait()
            except queue.Empty:
                return
            self._dispatch(fn)

    def _land_queued(self, wait=0.01):
        """Run the outcomes queued while waiting (see :meth:`_dispatch`); True if one ran."""
        try:
            fn = self._landing.get(timeout=wait)
        except queue.Empty:
            return False
        with self._lock:
            fn()
        return True

    def _run_guarded(self, fn):
        try:
            with self._lock:
                fn()
        except Exception as exc:  # a failure on the UI thread must reach the user, not vanish
            self._report_error(exc)

    def _report_error(self, exc):
        self.error = one_line(exc)
        self.hub.broadcast(SnackbarMessage(self.error, color="error", sender=self))

    @contextlib.contextmanager
    def _waiting(self):
        """Within: job outcomes land at once (the caller waits for them on this thread)."""
        self._synchronous += 1
        try:
            yield
        finally:
            self._synchronous -= 1
            if not self._synchronous:
                self._hand_over_queued()  # outcomes of jobs still running when it ended

    def _wait(self, job, timeout=None):
        """Wait for ``job`` and for its outcome to land; raise its error."""
        import time

        landed = threading.Event()
        job.add_done_callback(lambda j: landed.set())
        deadline = None if timeout is None else time.monotonic() + timeout
        while not landed.is_set() and (deadline is None or time.monotonic() < deadline):
            self._land_queued()
        while self._land_queued(0):  # the outcome, queued before ``landed`` was set
            pass
        job.result(0)
        return job

    def _wait_idle(self, state, timeout=120):
        """Wait until ``state`` has no job running (one it started from a callback)."""
        import time

        deadline = time.monotonic() + timeout
        while state.busy:
            if time.monotonic() > deadline:
                raise TimeoutError(f"MAST did not answer within {timeout} s")
            self._land_queued()
        while self._land_queued(0):
            pass
        if state.error:
            from ..errors import GlueMastError

            raise GlueMastError(state.error)
