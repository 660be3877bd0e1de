"""What every glue-mast state shares: jobs whose results land on the front end's thread.

A state holds what a form shows (echo ``CallbackProperty`` on a glue
`~glue.core.state_objects.State`): the glue-qt dialog binds its widgets to the properties, the
Jdaviz plugin mirrors them into traitlets, and a script reads them. Network and disk work runs
as a `glue_mast.jobs.Job` on a worker thread; a job never sets a property itself but hands the
change to :attr:`JobState.dispatch`, which runs it on the front end's thread:

- the default calls at once (under a lock, so two jobs never interleave their changes), which
  is right for scripts and tests;
- glue-qt passes a dispatcher that emits a queued signal, Jupyter one that schedules the call
  on the kernel's event loop.

Each change a job hands over carries a *ticket*: the number of the request it answers. A newer
request (or a change of the inputs) takes a new ticket, and a change whose ticket is no longer
current is dropped, so a superseded job never overwrites newer results.
"""

from __future__ import annotations

import itertools
import threading

from echo import CallbackProperty
from glue.core.state_objects import State

from ..errors import GlueMastError
from ..jobs import Job, JobCancelled

__all__ = ["JobState", "ObjectProperty", "asyncio_dispatch", "one_line"]


class _SameObjects(tuple):
    """A (value, extra) pair that is equal to another only if it holds the same objects."""

    def __eq__(self, other):
        return len(self) == len(other) and all(a is b for a, b in zip(self, other, strict=True))

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = tuple.__hash__


class ObjectProperty(CallbackProperty):
    """A `~echo.CallbackProperty` for a value compared by identity (an astropy Table, arrays).

    echo notifies when ``old != new``; for a Table that is an element-wise comparison with no
    truth value. Here a change is setting a different object.
    """

    def __set__(self, instance, value):
        old = self.__get__(instance)
        self._setter(instance, value)
        if old is not value:
            self.notify(instance, old, value)

    def _get_full_info(self, instance):
        return _SameObjects((self.__get__(instance), None))


def asyncio_dispatch(loop=None):
    """A ``dispatch`` that runs calls on an asyncio event loop (``loop.call_soon_threadsafe``).

    Jupyter's kernel runs an asyncio loop on its main thread: ``SearchState(
    dispatch=asyncio_dispatch())`` created in a notebook cell lands every result there, where
    widgets may be touched.

    Parameters
    ----------
    loop : asyncio.AbstractEventLoop, optional
        Default: the running loop, or the current thread's loop.
    """
    import asyncio

    if loop is None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = asyncio.get_event_loop_policy().get_event_loop()

    def dispatch(fn):
        loop.call_soon_threadsafe(fn)

    return dispatch


def one_line(exc):
    """``exc`` as the one line a form shows: glue-mast's own message, or type and message."""
    if isinstance(exc, GlueMastError):
        text = str(exc)
    else:  # a bug, not a user mistake: still one line, but say what kind of failure it was
        text = f"unexpected error ({type(exc).__name__}): {exc}"
    return " ".join(text.split())


class JobState(State):
    """A `~glue.core.state_objects.State` that runs work as jobs and shows their outcome.

    Parameters
    ----------
    dispatch : callable, optional
        ``dispatch(fn)`` runs ``fn()`` on the front end's thread. Default: at once, on the
        calling thread.
    **kwargs
        Initial values of the state's properties.
    """

    #: True while a job of this state is running.
    busy = CallbackProperty(False)
    #: The last error, one line ("" when the last request succeeded).
    error = CallbackProperty("")
    #: The input the error concerns (a property name, or a criterion's name), or "".
    error_field = CallbackProperty("")

    def __init__(self, dispatch=None, **kwargs):
        self._dispatch_lock = threading.RLock()
        self.dispatch = dispatch if dispatch is not None else self._call_now
        self._running = set()
        self._tickets = itertools.count(1)
        super().__init__(**kwargs)

    def __setattr__(self, attribute, value):
        # HasCallbackProperties tells its global callbacks of a change when ``value !=
        # previous``, which has no truth value for a Table: compare those by identity.
        if isinstance(getattr(type(self), attribute, None), ObjectProperty):
            previous = getattr(self, attribute, None)
            object.__setattr__(self, attribute, value)
            if value is not previous:
                self._notify_global(**{attribute: value})
        else:
            super().__setattr__(attribute, value)

    def _call_now(self, fn):
        with self._dispatch_lock:
            fn()

    # -- jobs ---------------------------------------------------------------------------------

    def _new_ticket(self):
        return next(self._tickets)

    def _start(self, work, *, name, land=None, is_current=lambda: True, clear_error=True):
        """Run ``work(job)`` as a job; its result goes to ``land(result)`` on the UI thread.

        ``work`` may also be a `~glue_mast.jobs.Job` made elsewhere (started or not), which is
        then watched the same way. Call on the front end's thread. ``is_current()``
        (evaluated on the UI thread when the job ends) says whether the job still answers the
        latest request; if not, its result and error are dropped. A new request clears the
        last error unless ``clear_error`` is False (for side requests, such as a form's
        choices).
        """
        job = work if isinstance(work, Job) else Job(work, name=name, start=False)
        self._running.add(job)
        self.busy = True
        if clear_error:
            self.error = ""
            self.error_field = ""
        job.add_done_callback(lambda j: self.dispatch(lambda: self._ended(j, land, is_current)))
        job.start()
        return job

    def _ended(self, job, land, is_current):
        self._running.discard(job)
        try:
            if not is_current():
                return
            exc = job.exception()
            if isinstance(exc, JobCancelled):
                return
            if exc is not None:
                self.show_error(exc)
            elif land is not None:
                land(job.result())
        finally:
            self._job_ended(job)
            self.busy = bool(self._running)

    def _job_ended(self, job):
        """(UI thread) A job of this state ended, its outcome shown: a subclass that keeps
        its own account of jobs updates it here, in the same turn as ``busy``."""

    def _land(self, is_current, fn):
        """From a worker thread: run ``fn()`` on the UI thread if still current."""

        def run():
            if is_current():
                fn()

        self.dispatch(run)

    def show_error(self, exc):
        """Show ``exc`` as :attr:`error` (one line) and :attr:`error_field`."""
        self.error = one_line(exc)
        self.error_field = getattr(exc, "field", None) or ""

    def cancel(self):
        """Cancel every running job of this state; their results are dropped."""
        for job in list(self._running):
            job.cancel()
