"""What a form whose answer comes in pages shares: the count, the page shown, the page asked for.

`~glue_mast.state.SearchState` (observations) and `~glue_mast.state.CatalogState` (catalog
rows) both answer a query page by page. :class:`PagedState` holds that part once: the paging
properties, the two tickets (a new query drops every answer on its way; a new page drops the
page on its way), clearing the answer when an input changes, checking a page number, the
"Fetching page n" marker and cancel. Each subclass says how a query is built and sent.
"""

from __future__ import annotations

import math

from echo import CallbackProperty, delay_callback

from ..errors import InputError
from .base import JobState, ObjectProperty

__all__ = ["PagedState"]


def default_page_size():
    """Rows per page in a new form: ``glue_mast.conf.page_size``."""
    from .. import config

    return int(config.conf.page_size)


def default_radius():
    """A new form's cone radius: the archive's default."""
    from ..archive.search import DEFAULT_RADIUS

    return DEFAULT_RADIUS


class PagedState(JobState):
    """A `~glue_mast.state.base.JobState` whose answer is a count and pages of rows.

    Outputs: ``count`` (total rows, None until known), ``rows`` (an astropy Table of the
    current page, or None), ``n_pages``, ``loading_page`` (the page :meth:`go_to_page` is
    fetching, None when none is), ``resolved_position`` (where the target resolved to) and
    ``requesting`` (True while a search or page request runs that was not cancelled: unlike
    ``busy``, it turns False as soon as the request is cancelled, while the request in flight
    winds down, and it ignores side requests such as a form's choices).

    A subclass names the inputs whose change makes a new query (it connects them to
    :meth:`_query_changed`), lists its own outputs cleared with the answer in
    ``_CLEARED_OUTPUTS`` and ``_CLEARED_WITH_QUERY`` (those kept when only the page size
    changes, and those not), and sets them in :meth:`_clear_outputs`.
    """

    page = CallbackProperty(1, docstring="The current page, from 1")
    page_size = CallbackProperty(50, docstring="Rows per page")

    count = CallbackProperty(None, docstring="Total rows, or None until known")
    rows = ObjectProperty(None, docstring="The current page (astropy Table), or None")
    n_pages = CallbackProperty(None, docstring="Pages of page_size rows, or None")
    loading_page = CallbackProperty(None, docstring="The page being fetched, or None")
    resolved_position = CallbackProperty("", docstring="Where the target resolved to")
    requesting = CallbackProperty(False, docstring="A search or page request is on its way")

    #: The subclass's outputs cleared with every new answer (its selection).
    _CLEARED_OUTPUTS = ()
    #: The subclass's outputs cleared only by a new query (kept on a new page size).
    _CLEARED_WITH_QUERY = ()

    def __init__(self, dispatch=None):
        self._query = None  # the query of the current inputs, once built
        self._resolved = None  # (target, (SkyCoord, info)) of the last target resolved
        self._query_ticket = 0
        self._page_ticket = 0
        self._result_jobs = set()  # searches and pages on their way
        super().__init__(dispatch=dispatch)
        self.add_callback("page_size", self._page_size_changed)

    # -- a changed input drops the answer ---------------------------------------------------------

    def _query_changed(self, *_):
        self._query = None
        self._query_ticket = self._new_ticket()
        self._clear_results(keep_count=False)

    def _page_size_changed(self, *_):
        if self._query is None:
            return  # _query_changed ran (or nothing was searched)
        self._clear_results(keep_count=True)

    def _clear_results(self, *, keep_count):
        self._page_ticket = self._new_ticket()
        for job in list(self._result_jobs):
            job.cancel()  # their answers would be dropped anyway
        self._requests_changed()
        names = ("count", "rows", "n_pages", "page", "loading_page", "resolved_position")
        names += self._CLEARED_OUTPUTS + self._CLEARED_WITH_QUERY
        with delay_callback(self, *names):
            if not keep_count:
                self.count = None
                self.resolved_position = ""
            self.loading_page = None
            self.rows = None
            self.n_pages = self._pages(self.count)
            self.page = 1
            self._clear_outputs(keep_count=keep_count)

    def _clear_outputs(self, *, keep_count):
        """Clear the subclass's own outputs (inside :meth:`_clear_results`'s delay)."""

    def _pages(self, count):
        size = self.page_size
        if count is None or isinstance(size, bool) or not str(size).strip().isdigit():
            return None  # a page size being typed is checked when the search is sent
        return max(1, math.ceil(count / max(1, int(size))))

    # -- requests -------------------------------------------------------------------------------

    def _start_result_job(self, work, *, name, is_current):
        """Start a search or page request (see `JobState._start`), counted in
        ``requesting``."""
        from ..jobs import Job

        job = Job(work, name=name, start=False)
        self._result_jobs.add(job)  # before it starts: it may end at once
        self.requesting = True
        return self._start(job, name=name, is_current=is_current)

    def _job_ended(self, job):
        if job in self._result_jobs:
            self._result_jobs.discard(job)
            self._requests_changed()

    def _requests_changed(self, *_):
        self.requesting = any(
            not job.done and not job.cancel_requested for job in list(self._result_jobs)
        )

    # -- tickets ----------------------------------------------------------------------------------

    def _current_checks(self):
        """(``current``, ``page_current``): whether an answer is still for the current query,
        and for the current query and page, as of now."""
        query_ticket, page_ticket = self._query_ticket, self._page_ticket

        def current():
            return self._query_ticket == query_ticket

        def page_current():
            return current() and self._page_ticket == page_ticket

        return current, page_current

    # -- pages ------------------------------------------------------------------------------------

    @staticmethod
    def _page_number(n):
        """``n`` as an int when it is a whole number (a form's text box gives "3"), else as
        given (checked by :meth:`_check_page`)."""
        if not isinstance(n, bool) and str(n).strip().isdigit():
            return int(n)
        return n

    @staticmethod
    def _check_page(n, n_pages):
        """(worker thread) Raise `InputError` (``field="page"``) for a page that does not
        exist."""
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise InputError(f"page must be a whole number from 1, got {n!r}", field="page")
        if n_pages is not None and n > n_pages:
            raise InputError(
                f"page {n} is past the end: there {'is' if n_pages == 1 else 'are'} "
                f"{n_pages:,} page{'s' if n_pages != 1 else ''}",
                field="page",
            )

    def _mark_loading(self, job, n):
        """Show ``loading_page = n`` until ``job`` (fetching page ``n``) ends, unless another
        page was asked for meanwhile."""
        page_ticket = self._page_ticket
        self.loading_page = n

        def fetched():
            if self._page_ticket == page_ticket and self.loading_page == n:
                self.loading_page = None

        job.add_done_callback(lambda j: self.dispatch(fetched))

    def cancel(self):
        """Cancel the request on its way; whatever it brings is dropped.

        A page being fetched leaves the page shown as it was. A search cancelled before its
        first page arrived leaves no count either: a count with no rows would offer pages of
        a search that was stopped.
        """
        self._query_ticket = self._new_ticket()
        self._page_ticket = self._new_ticket()
        self.loading_page = None
        if self.rows is None and self.count is not None:
            self._clear_results(keep_count=False)
        super().cancel()
        self._requests_changed()
