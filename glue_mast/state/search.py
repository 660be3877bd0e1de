"""The search form's state: inputs, results, and the jobs that fill them.

:class:`SearchState` is what the glue-qt dialog binds to and the Jdaviz plugin mirrors. Setting
inputs sends nothing; :meth:`SearchState.search` sends the count and page 1 at the same time
(one round trip of latency), :meth:`SearchState.go_to_page` one request per page, and reading
the state never sends anything.
"""

from __future__ import annotations

from echo import CallbackProperty, delay_callback

from ..errors import InputError
from ..jobs import Job
from . import form
from .paging import PagedState, default_page_size, default_radius

__all__ = ["SearchState"]


class SearchState(PagedState):
    """State of a MAST search form.

    Inputs (plain JSON, saved by :meth:`as_dict`): ``target`` (a name MAST resolves) or
    ``coordinates`` (any form astropy parses), ``radius`` (an angle with its unit), the common
    criteria ``obs_collection``, ``instrument_name``, ``dataproduct_type``, ``calib_level``,
    ``proposal_id`` (text; commas separate values that are ORed), the date range ``t_min`` /
    ``t_max`` (ISO dates or MJD) and the wavelength range ``em_min`` / ``em_max`` (quantities
    such as ``"300 nm"``), both selecting observations that overlap them, ``extra_criteria``
    (any other MAST field -> value(s)), ``page`` (from 1), ``page_size`` and ``sort`` (field
    names, ``-`` for descending; sorting fetches every row).

    Outputs: ``count`` (total rows, None until known), ``rows`` (an astropy Table of the current
    page, or None), ``n_pages``, ``loading_page`` (the page :meth:`go_to_page` is fetching, for
    a "Fetching page n" line; None when none is), ``resolved_position`` (where the target
    resolved to),
    ``collection_choices`` / ``instrument_choices`` (from the server, see :meth:`load_choices`),
    ``busy``, ``error`` (one line) and ``error_field`` (the input it concerns).

    Selection: ``selected_obsids`` are the obsids of the rows of the current page the user
    picked; :meth:`selected_rows` gives them as a Table. A new page or a new search clears it.

    Changing an input that decides which observations match clears ``count``, ``rows`` and
    ``n_pages`` (and drops any answer still on its way) but sends nothing. A target once
    resolved is remembered: a new radius or criterion does not resolve it again.

    Parameters
    ----------
    dispatch : callable, optional
        ``dispatch(fn)`` runs ``fn()`` on the front end's thread (see `glue_mast.state.base`).
    **inputs
        Initial inputs.

    Examples
    --------
    >>> from glue_mast.state import SearchState
    >>> state = SearchState(target="TW Hya", radius="0.02 deg", dataproduct_type="spectrum")
    >>> state.search().result()  # doctest: +REMOTE_DATA +IGNORE_OUTPUT
    >>> state.count, len(state.rows)  # doctest: +REMOTE_DATA +IGNORE_OUTPUT
    """

    #: The inputs, in form order (what :meth:`as_dict` saves).
    INPUTS = form.INPUTS
    #: What jobs fill in (besides ``busy``, ``error``, ``error_field``).
    OUTPUTS = (
        "count",
        "rows",
        "n_pages",
        "loading_page",
        "resolved_position",
        "requesting",
        "collection_choices",
        "instrument_choices",
    )

    target = CallbackProperty("", docstring="Object name, resolved by MAST's resolver")
    coordinates = CallbackProperty("", docstring="A position, instead of a target")
    radius = CallbackProperty("", docstring="Cone radius with a unit, e.g. '0.2 deg'")
    obs_collection = CallbackProperty("", docstring="Collection(s), e.g. 'HST' or 'IUE, FUSE'")
    instrument_name = CallbackProperty("", docstring="Instrument(s), e.g. 'COS/FUV'")
    dataproduct_type = CallbackProperty("", docstring="e.g. 'spectrum', 'timeseries'")
    calib_level = CallbackProperty("", docstring="Calibration level(s), e.g. '2, 3'")
    proposal_id = CallbackProperty("", docstring="Proposal / programme ID(s)")
    t_min = CallbackProperty("", docstring="Observations that end after this date")
    t_max = CallbackProperty("", docstring="Observations that start before this date")
    em_min = CallbackProperty("", docstring="Observations reaching above this wavelength")
    em_max = CallbackProperty("", docstring="Observations reaching below this wavelength")
    extra_criteria = CallbackProperty(None, docstring="Any other MAST field -> value(s)")
    sort = CallbackProperty("", docstring="Field(s) to sort by, '-field' for descending")

    collection_choices = CallbackProperty([], docstring="Collections the server holds")
    instrument_choices = CallbackProperty([], docstring="Instruments the server holds")
    selected_obsids = CallbackProperty([], docstring="Obsids of the selected rows")

    _CLEARED_OUTPUTS = ("selected_obsids",)

    def __init__(self, dispatch=None, **inputs):
        self._resolving = None  # (target, Job) of the last resolve_ahead
        super().__init__(dispatch=dispatch)
        with delay_callback(self, "radius", "page_size", "extra_criteria"):
            self.radius = default_radius()
            self.page_size = default_page_size()
            self.extra_criteria = {}
        self.update_from_dict(inputs)
        for name in form.CRITERIA_INPUTS:
            self.add_callback(name, self._query_changed)

    # -- inputs -------------------------------------------------------------------------------

    def as_dict(self):
        """The inputs as plain JSON (for sessions, and a form remembered between openings)."""
        out = {}
        for name in form.INPUTS:
            value = getattr(self, name)
            out[name] = dict(value) if isinstance(value, dict) else value
        return out

    def update_from_dict(self, properties):
        """Set inputs from a dict like :meth:`as_dict` returns; other keys are an error."""
        unknown = sorted(set(properties) - set(form.INPUTS))
        if unknown:
            raise InputError(
                f"unknown search input {unknown[0]!r}; the inputs are {', '.join(form.INPUTS)}",
                field=unknown[0],
            )
        with delay_callback(self, *properties):
            for name, value in properties.items():
                setattr(self, name, value)

    def _clear_outputs(self, *, keep_count):
        self.selected_obsids = []

    # -- jobs ---------------------------------------------------------------------------------

    def search(self):
        """Search with the current inputs: count and page 1, sent at the same time.

        Returns
        -------
        `~glue_mast.jobs.Job`
            Its result is ``(count, rows)``. ``count`` lands in the state as soon as it
            arrives, ``rows`` (with ``page = 1``) when the page does; an error lands in
            ``error`` / ``error_field``. A sorted search counts first (sorting fetches every
            row, up to ``glue_mast.conf.max_sort_rows``).
        """
        self._query_changed()  # a new search supersedes every answer on its way
        inputs, resolved = self.as_dict(), self._resolved
        current, page_current = self._current_checks()

        def work(job):
            query = self._build(inputs, self._after_resolving(inputs, resolved), current)
            job.check_cancelled()
            size = form.page_size(inputs["page_size"])
            if query.sort:
                self._show_count(query.fetch_count(), current)
                rows = query.page(1, size)
                count = query.count
            else:
                counting = Job(lambda j: query.fetch_count(), name="count observations")
                counting.add_done_callback(
                    lambda j: j.exception() is None and self._show_count(j.result(), current)
                )
                try:
                    rows = query.page(1, size)
                    job.check_cancelled()
                except BaseException:
                    counting.cancel()
                    raise
                self._land(page_current, lambda: self._show_page(rows, 1))
                return counting.result(), rows
            job.check_cancelled()
            self._land(page_current, lambda: self._show_page(rows, 1))
            return count, rows

        return self._start_result_job(work, name="search MAST", is_current=current)

    def search_around(self, sources, radius=None):
        """Search observations around several sources: one cone each (a multiple cone search).

        The form's criteria (collection, instrument, dates, ...) apply to every cone; its
        target and coordinates are cleared, since the sources are the centres. The stacked
        answer pages like any search (``go_to_page``), each row naming its ``source``.

        Parameters
        ----------
        sources : list of (str, coordinates)
            Each source's label (a catalog ID) and position.
        radius : str or Quantity, optional
            Every cone's radius; default the form's ``radius``.

        Returns
        -------
        `~glue_mast.jobs.Job`
            Its result is ``(count, rows)`` (page 1).
        """
        sources = list(sources)
        with delay_callback(self, "target", "coordinates"):
            self.target = ""
            self.coordinates = ""
        self._query_changed()
        inputs = self.as_dict()
        current, page_current = self._current_checks()

        def work(job):
            query = form.build_around(inputs, sources, radius)

            def keep():
                self._query = query
                self.resolved_position = query.describe()

            self._land(current, keep)
            self._show_count(query.fetch_count(), current)
            job.check_cancelled()
            rows = query.page(1, form.page_size(inputs["page_size"]))
            job.check_cancelled()
            self._land(page_current, lambda: self._show_page(rows, 1))
            return query.count, rows

        return self._start_result_job(
            work, name="search observations around sources", is_current=current
        )

    def go_to_page(self, n):
        """Fetch page ``n`` (one request) and show it.

        Returns
        -------
        `~glue_mast.jobs.Job`
            Its result is the page's Table. If page ``n`` is already shown, nothing is sent.
        """
        n = self._page_number(n)
        self._page_ticket = self._new_ticket()
        inputs, resolved, query = self.as_dict(), self._resolved, self._query
        already = query is not None and self.rows is not None and self.page == n
        rows, n_pages = self.rows, self.n_pages
        _, current = self._current_checks()

        def work(job):
            self._check_page(n, n_pages)
            if already:
                return rows
            size = form.page_size(inputs["page_size"])
            q = query if query is not None else self._build(inputs, resolved, current)
            job.check_cancelled()
            with form.concerning("page"):
                table = q.page(n, size)
            job.check_cancelled()
            self._land(current, lambda: self._show_page(table, n))
            return table

        job = self._start_result_job(work, name=f"fetch page {n}", is_current=current)
        if not already and isinstance(n, int) and 1 <= n <= (n_pages or n):
            self._mark_loading(job, n)
        return job

    def cancel(self):
        """Cancel the search or page on its way; whatever it brings is dropped."""
        self._query = None  # a search cancelled half-way may not have landed its query
        super().cancel()

    def resolve_ahead(self, target=None):
        """Resolve a target name now, so that the next search does not wait for it.

        A form calls this when the user pauses typing a name: by the time Search is clicked
        the position is known and the search is one round trip (count and page 1). The
        observation field list is fetched at the same time. Nothing of the state changes;
        a name that does not resolve is reported by the search. A search started while the
        name is being resolved waits for that answer rather than asking again.

        Parameters
        ----------
        target : str, optional
            The name; default :attr:`target`.

        Returns
        -------
        `~glue_mast.jobs.Job` or None
            None when there is no name, or it is the one resolved last.
        """
        name = str(self.target if target is None else target).strip()
        if not name or (self._resolved is not None and self._resolved[0] == name):
            return None

        def work(job):
            from ..archive.lookup import resolve_target

            self._resolved = (name, resolve_target(name))
            return self._resolved[1]

        job = Job(work, name=f"resolve {name!r}")
        self._resolving = (name, job)
        return job

    def _after_resolving(self, inputs, resolved):
        """(worker thread) ``resolved``, or what a resolve of the same name on its way brings."""
        name = str(inputs.get("target") or "").strip()
        ahead = self._resolving
        if name and ahead is not None and ahead[0] == name:
            ahead[1].wait()  # one lookup, not a second one beside it
            if self._resolved is not None and self._resolved[0] == name:
                return self._resolved
        return resolved

    def load_choices(self):
        """Fill ``collection_choices`` and ``instrument_choices`` from the server.

        One request per server and process (the answer is kept), so reopening a form costs
        nothing.

        Returns
        -------
        `~glue_mast.jobs.Job`
            Its result is the dict of facet values.
        """

        def land(values):
            self.collection_choices = list(values.get("obs_collection", []))
            self.instrument_choices = list(values.get("instrument_name", []))

        def work(job):
            from ..archive.facets import facet_values

            return facet_values()

        return self._start(
            work, name="list collections and instruments", land=land, clear_error=False
        )

    # -- what jobs hand back --------------------------------------------------------------------

    def _build(self, inputs, resolved, current):
        """(worker thread) The search for ``inputs``, resolving the target if it is new."""
        query, resolved = form.build_search(inputs, resolved)
        self._resolved = resolved  # a resolution stays right for its name, current or not

        def keep():
            self._query = query
            self.resolved_position = _describe(query)

        self._land(current, keep)
        return query

    def _show_count(self, count, current):
        def land():
            with delay_callback(self, "count", "n_pages"):
                self.count = count
                self.n_pages = self._pages(count)

        self._land(current, land)

    def _show_page(self, rows, n):
        with delay_callback(self, "count", "rows", "n_pages", "page", "selected_obsids"):
            self.count = int(rows.meta["count"])
            self.n_pages = int(rows.meta["pages"])
            self.rows = rows
            self.page = n
            self.selected_obsids = []

    # -- selection ------------------------------------------------------------------------------

    def selected_rows(self):
        """The selected rows of the current page as a Table (keeps the page's query record)."""
        import numpy as np

        if self.rows is None or not self.selected_obsids:
            return None
        wanted = {str(o) for o in self.selected_obsids}
        mask = np.array([str(o) in wanted for o in self.rows["obsid"]], dtype=bool)
        return self.rows[mask]


def _describe(query):
    if query.target is None or query.coordinates is None:
        return ""
    c = query.coordinates
    via = (query.resolved or {}).get("resolver")
    return f"{query.target}: RA {c.ra.deg:.5f}, Dec {c.dec.deg:+.5f}" + (f" ({via})" if via else "")
