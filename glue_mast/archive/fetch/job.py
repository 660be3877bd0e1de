"""A fetch as a background job: its plan at once, progress events, cancel from any thread."""

from __future__ import annotations

import logging

from ...errors import FetchCancelled, FetchInterrupted
from ...jobs import Job
from .cancel import Breaker

__all__ = ["FetchCancelled", "FetchInterrupted", "FetchJob", "wait_for"]

#: How often a thread waiting for a fetch looks for an interrupt.
_WAIT_STEP_S = 0.1


class FetchJob(Job):
    """A fetch running on its own thread (from :func:`~glue_mast.archive.fetch.start_fetch`).

    - :attr:`plan`: the `~glue_mast.archive.fetch.FetchPlan`, known at once (files and bytes
      to fetch, those already on disk, those skipped), so a front end can show the totals
      before the first byte arrives;
    - :meth:`result` waits and returns the `~glue_mast.archive.fetch.FetchResult`, or raises
      :class:`FetchCancelled` (a :class:`~glue_mast.jobs.JobCancelled`, with ``.result``);
    - :meth:`cancel`, from any thread: the job ends within about a second, also while the
      server is silent mid-file (the sockets are shut), and writes the manifest for what is
      complete;
    - :meth:`add_progress_callback` receives the events of
      :mod:`glue_mast.archive.fetch.events`, on this job's thread, with no lock held.
    """

    def __init__(self, work, plan, *, listener=None):
        #: What the fetch downloads, finds on disk and skips.
        self.plan = plan
        #: Shuts the sockets of the transfers on cancel (used by the work).
        self.breaker = Breaker()
        super().__init__(work, name=f"fetch of {len(plan.to_fetch)} files", start=False)
        if listener is not None:
            self.add_progress_callback(listener)

    def add_progress_callback(self, callback):
        """Call ``callback(event)`` for each progress event, on this job's thread.

        An exception in ``callback`` is logged (logger ``glue_mast``) and the fetch goes on: a
        listener's bug must not leave files unrecorded.
        """

        def guarded(event):
            try:
                callback(event)
            except Exception:
                logging.getLogger("glue_mast").exception(
                    "a fetch progress listener failed on %r", event
                )

        super().add_progress_callback(guarded)
        return callback

    def cancel(self):
        """Stop the fetch: transfers end at once, the manifest is written, files stay ``.part``."""
        super().cancel()
        self.breaker.trip()

    def __repr__(self):
        return super().__repr__().replace("<Job ", "<FetchJob ", 1)


def wait_for(job):
    """``job.result()``, with a KeyboardInterrupt in this thread turned into ``job.cancel()``.

    Raises :class:`FetchInterrupted` once the cancelled job has wound up (manifest written),
    or a plain KeyboardInterrupt at once on a second interrupt while it does.
    """
    try:
        # Waiting in short steps lets Python also see, at once, an interrupt that comes with no
        # real signal to break the wait (``_thread.interrupt_main``).
        while not job.wait(_WAIT_STEP_S):
            pass
        return job.result()
    except KeyboardInterrupt:
        job.cancel()
        try:
            while not job.wait(_WAIT_STEP_S):
                pass
        except KeyboardInterrupt:
            raise KeyboardInterrupt("interrupted twice: stopped without a manifest") from None
        error = job.exception()
        if error is None:
            raise FetchInterrupted(job.result()) from None
        raise FetchInterrupted(getattr(error, "result", None)) from None
