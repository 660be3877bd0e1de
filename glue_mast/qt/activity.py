"""Whether a search or page request is on its way, as a view should say it.

A state's ``busy`` is True while any of its jobs runs: also while a cancelled request winds
down (a job stops at its next check, once the request in flight returns, which on a slow
server takes as long as the server does) and while the form's choices are listed. A line
saying "Searching…" or "Fetching page 2…", and the Cancel beside it, follow the requests
still wanted instead, so that Cancel takes effect on screen at once.
"""

from __future__ import annotations

__all__ = ["recheck_timer", "requests_running"]


def requests_running(state):
    """Whether a search or page request of ``state`` (a `~glue_mast.state.SearchState`) runs
    and was not cancelled."""
    # The state keeps the searches and pages on their way (not its other jobs) in
    # ``_result_jobs``; a state without it says only that it is busy.
    jobs = getattr(state, "_result_jobs", None)
    if jobs is None:
        return bool(state.busy)
    return any(not job.done and not job.cancel_requested for job in list(jobs))


def recheck_timer(parent, show):
    """A single-shot timer (child of ``parent``) that calls ``show`` at the next turn of the
    event loop.

    A request is counted among the state's requests just after the state sets ``busy``: a
    view told of ``busy`` looks again once the call that started the request has returned.
    """
    from qtpy import QtCore

    timer = QtCore.QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(0)
    timer.timeout.connect(show)
    return timer
