"""The catalog form's state: which catalog, where, the criteria, and the pages of its answer.

:class:`CatalogState` is what the glue-qt Catalogs tab binds to and the Jdaviz plugin's
Catalogs section mirrors, with the shape of `~glue_mast.state.SearchState`: setting inputs
sends nothing; :meth:`CatalogState.count_rows` asks for the count alone (one request of one
row), :meth:`CatalogState.search` for page 1, whose answer carries the count too (one round
trip for both), :meth:`CatalogState.go_to_page` one request per page. From the selected rows,
:meth:`CatalogState.search_observations_around` runs one observation cone search per source
into a `~glue_mast.state.SearchState` (a multiple cone search).
"""

from __future__ import annotations

from echo import CallbackProperty, delay_callback

from ..errors import InputError
from .form import page_size as _page_size
from .paging import PagedState, default_page_size, default_radius

__all__ = ["CatalogState"]

#: The inputs, in form order (what :meth:`CatalogState.as_dict` saves).
INPUTS = ("catalog", "version", "target", "coordinates", "radius", "criteria", "page", "page_size")
# Inputs that change which rows match: a change clears the answer.
_QUERY_INPUTS = ("catalog", "version", "target", "coordinates", "radius", "criteria")


def _catalog_names():
    from ..archive.catalog_list import CATALOGS

    return [info.name for info in CATALOGS.values() if not info.by_match]


class CatalogState(PagedState):
    """State of a MAST catalog form.

    Inputs (plain JSON, saved by :meth:`as_dict`): ``catalog`` (a name of
    `glue_mast.catalogs`), ``version`` ("" for the newest), ``target`` or ``coordinates``,
    ``radius``, ``criteria`` (catalog field -> value(s), as for
    `~glue_mast.archive.catalogs.catalog_search`), ``page`` and ``page_size``.

    Outputs: ``count`` (None until known, and where MAST cannot count: ``count_note`` says
    so), ``rows`` (an astropy Table of the current page, with its query record in
    ``rows.meta``), ``n_pages``, ``loading_page``, ``warnings`` (a possible cut-off, with the
    limit and what to do), ``resolved_position``, ``catalog_choices`` and ``version_choices``,
    ``busy``, ``error`` and ``error_field``.

    Selection: ``selected`` holds the indexes (in the current page) of the rows the user
    picked; :meth:`selected_rows` gives them as a Table and :meth:`selected_sources` as
    (label, position) pairs. A new page or a new search clears it.

    Parameters
    ----------
    dispatch : callable, optional
        ``dispatch(fn)`` runs ``fn()`` on the front end's thread (see `glue_mast.state.base`).
    **inputs
        Initial inputs.
    """

    INPUTS = INPUTS

    catalog = CallbackProperty("TIC", docstring="The catalog, e.g. 'TIC', 'Gaia', 'HSC'")
    version = CallbackProperty("", docstring="Its version ('' for the newest)")
    target = CallbackProperty("", docstring="Object name, resolved by MAST's resolver")
    coordinates = CallbackProperty("", docstring="A position, instead of a target")
    radius = CallbackProperty("", docstring="Cone radius with a unit, e.g. '0.05 deg'")
    criteria = CallbackProperty(None, docstring="Catalog field -> value(s)")

    count_note = CallbackProperty("", docstring="Why the count is not known, if MAST cannot")
    warnings = CallbackProperty([], docstring="Messages about the answer (a cut-off)")
    catalog_choices = CallbackProperty([], docstring="The catalogs one may search")
    version_choices = CallbackProperty([], docstring="The versions of the chosen catalog")
    selected = CallbackProperty([], docstring="Indexes of the selected rows of the page")

    _CLEARED_OUTPUTS = ("selected",)
    _CLEARED_WITH_QUERY = ("count_note", "warnings")

    def __init__(self, dispatch=None, **inputs):
        super().__init__(dispatch=dispatch)
        with delay_callback(self, "radius", "page_size", "criteria", "catalog_choices"):
            self.radius = default_radius()
            self.page_size = default_page_size()
            self.criteria = {}
            self.catalog_choices = _catalog_names()
        self.add_callback("catalog", self._catalog_changed)
        self._catalog_changed()
        self.update_from_dict(inputs)
        for name in _QUERY_INPUTS:
            self.add_callback(name, self._query_changed)

    # -- inputs -------------------------------------------------------------------------------

    def as_dict(self):
        """The inputs as plain JSON (for sessions)."""
        return {
            name: dict(getattr(self, name) or {}) if name == "criteria" else getattr(self, name)
            for name in INPUTS
        }

    def update_from_dict(self, properties):
        """Set inputs from a dict like :meth:`as_dict` returns; other keys are an error."""
        unknown = sorted(set(properties) - set(INPUTS))
        if unknown:
            raise InputError(
                f"unknown catalog input {unknown[0]!r}; the inputs are {', '.join(INPUTS)}",
                field=unknown[0],
            )
        if "catalog" in properties:  # first, so that its versions are known for "version"
            self.catalog = properties["catalog"]
        with delay_callback(self, *properties):
            for name, value in properties.items():
                setattr(self, name, value)

    def _catalog_changed(self, *_):
        from ..archive.catalog_list import find_catalog

        try:
            info = find_catalog(self.catalog)
        except InputError:
            self.version_choices = []
            return
        labels = [v.label for v in info.versions]
        with delay_callback(self, "version_choices", "version"):
            self.version_choices = labels
            if self.version not in labels:
                self.version = ""

    def _clear_outputs(self, *, keep_count):
        if not keep_count:
            self.count_note = ""
            self.warnings = []
        self.selected = []

    # -- jobs ---------------------------------------------------------------------------------

    def _build(self, inputs):
        """(worker thread) The `CatalogSearch` of ``inputs``; a target resolved once is kept."""
        from ..archive.catalogs import CatalogSearch

        target = str(inputs["target"] or "").strip() or None
        coordinates = str(inputs["coordinates"] or "").strip() or None
        resolved = self._resolved
        query = CatalogSearch(
            inputs["catalog"],
            target,
            coordinates=coordinates,
            radius=(str(inputs["radius"]).strip() or None) if (target or coordinates) else None,
            version=inputs["version"] or None,
            resolved=resolved[1] if resolved and target and resolved[0] == target else None,
            **(inputs["criteria"] or {}),
        )
        if target:
            self._resolved = (target, (query.coordinates, query.resolved))
        return query

    def count_rows(self):
        """Ask for the count alone (one request of one row) and show it.

        Returns
        -------
        `~glue_mast.jobs.Job`
            Its result is the count, or None where MAST cannot count (``count_note`` says why).
        """
        self._query_changed()
        inputs = self.as_dict()
        current, _ = self._current_checks()

        def work(job):
            query = self._build(inputs)
            count = query.count
            self._land(current, lambda: self._keep(query, count))
            return count

        return self._start_result_job(work, name="count catalog rows", is_current=current)

    def search(self):
        """Fetch page 1 with the current inputs; its answer carries the count too.

        Returns
        -------
        `~glue_mast.jobs.Job`
            Its result is the page (an astropy Table); it lands in ``rows`` with ``count``.
        """
        self._query_changed()
        inputs = self.as_dict()
        current, page_current = self._current_checks()

        def work(job):
            query = self._build(inputs)
            job.check_cancelled()
            table = query.page(1, _page_size(inputs["page_size"]))
            self._land(page_current, lambda: self._show_page(query, table, 1))
            return table

        return self._start_result_job(work, name="search MAST catalog", is_current=current)

    def go_to_page(self, n):
        """Fetch page ``n`` (one request) and show it.

        Returns
        -------
        `~glue_mast.jobs.Job`
            Its result is the page's Table.
        """
        n = self._page_number(n)
        self._page_ticket = self._new_ticket()
        inputs, query, n_pages = self.as_dict(), self._query, self.n_pages
        _, page_current = self._current_checks()

        def work(job):
            self._check_page(n, n_pages)
            q = query if query is not None else self._build(inputs)
            table = q.page(n, _page_size(inputs["page_size"]))
            self._land(page_current, lambda: self._show_page(q, table, n))
            return table

        job = self._start_result_job(
            work, name=f"fetch catalog page {n}", is_current=page_current
        )
        if isinstance(n, int) and n >= 1:
            self._mark_loading(job, n)
        return job

    # -- what jobs hand back --------------------------------------------------------------------

    def _keep(self, query, count):
        self._query = query
        with delay_callback(self, "count", "count_note", "warnings", "resolved_position"):
            self.count = count
            self.count_note = query.count_note or ""
            self.warnings = list(query.warnings)
            self.resolved_position = _describe(query)

    def _show_page(self, query, table, n):
        self._keep(query, table.meta.get("count"))
        with delay_callback(self, "rows", "n_pages", "page", "selected"):
            self.n_pages = table.meta.get("pages")
            self.rows = table
            self.page = n
            self.selected = []

    # -- selection ------------------------------------------------------------------------------

    def selected_rows(self):
        """The selected rows of the current page as a Table (keeps the page's query record),
        or None when none is selected."""
        if self.rows is None or not self.selected:
            return None
        indexes = sorted({int(i) for i in self.selected if 0 <= int(i) < len(self.rows)})
        return self.rows[indexes] if indexes else None

    def selected_sources(self):
        """The selected rows as ``(label, SkyCoord)`` pairs: the centres of a multiple cone
        search. The label is the row's catalog ID."""
        from ..archive.catalog_list import find_catalog

        rows = self.selected_rows()
        if rows is None:
            return []
        info = find_catalog(rows.meta.get("catalog") or self.catalog)
        return sky_sources(rows, info)

    def search_observations_around(self, search_state, radius=None):
        """Search MAST observations around each selected source, into ``search_state``.

        One cone search per source (TOPCAT's multiple cone search) with the criteria of the
        observation form; see `~glue_mast.state.SearchState.search_around`.

        Returns
        -------
        `~glue_mast.jobs.Job`
            The observation search's job.
        """
        sources = self.selected_sources()
        if not sources:
            raise InputError(
                "select one or more catalog rows to search observations around them",
                field="selected",
            )
        return search_state.search_around(sources, radius=radius)


def sky_sources(rows, info):
    """``(label, SkyCoord)`` for each row of a page of catalog ``info``."""
    from astropy.coordinates import SkyCoord

    ra_name, dec_name = info.position_columns
    id_name = _id_column(rows)
    out = []
    for i, row in enumerate(rows):
        label = f"{info.name} {row[id_name]}" if id_name else f"{info.name} row {i + 1}"
        out.append((label, SkyCoord(float(row[ra_name]), float(row[dec_name]), unit="deg")))
    return out


# The column naming each source, per catalog (the first one a page has).
_ID_COLUMNS = ("ID", "source_id", "MatchID", "objID", "designation", "objName", "SourceID")


def _id_column(rows):
    return next((name for name in _ID_COLUMNS if name in rows.colnames), None)


def _describe(query):
    if query.coordinates is None:
        return ""
    c = query.coordinates
    where = query.target or "coordinates"
    return f"{where}: RA {c.ra.deg:.5f}, Dec {c.dec.deg:+.5f}"


def requery_page(record):
    """Ask MAST again for the page a table record (`glue_mast.provenance.tables`) names.

    The position is the one recorded (the name is not resolved again); the page and page size
    too, or every row for a record of ``all()``.
    """
    from ..archive.catalogs import CatalogSearch

    query = record.get("query") or {}
    where = query.get("coordinates")
    search = CatalogSearch(
        query.get("catalog") or record.get("catalog"),
        coordinates=f"{where['ra']} {where['dec']}" if where else None,
        radius=f"{query['radius_deg']} deg" if where else None,
        version=query.get("version"),
        match=query.get("match"),
        max_results=query.get("max_results"),
        **(query.get("criteria_given") or {}),
    )
    size = record.get("page_size") or query.get("page_size")
    if size:
        return search.page(record.get("page") or query.get("page") or 1, size)
    return search.all()
