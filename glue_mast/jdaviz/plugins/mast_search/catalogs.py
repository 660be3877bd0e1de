"""The Catalogs section of the MAST Search plugin: a thin view over `~glue_mast.state.CatalogState`.

A widget of its own (``catalogs.vue``), mounted in the plugin's template
(``<jupyter-widget :widget="catalogs_widget">``): catalog and version, target or coordinates,
radius, Count and Search, the rows of the current page and its pages, any cut-off warning;
"Show on images" adds the selected rows (or the page) as markers over the image viewers
through Jdaviz's catalog importer (`glue_mast.jdaviz.catalogs.load_catalog`), and "Search
observations around selected" runs one observation cone search per selected source in the
plugin's own search (its results and products below, as for any search).

The selected rows are ringed on every image viewer (`glue_mast.jdaviz.catalog_marks`), as
Jdaviz's Catalog Search plugin highlights its selected rows; "Pick on image" puts a tool in
the image viewers' toolbars with which a click near a source selects (or unselects) its row.

Scripted through ``app.plugins["MAST Search"].catalogs``::

    cat = app.plugins["MAST Search"].catalogs
    cat.catalog, cat.target, cat.radius = "Gaia", "TW Hya", "0.05 deg"
    cat.search()
    cat.select([0, 1])           # ringed on the image viewers
    cat.show_on_images()
    cat.toggle_picking()         # a click near a source now selects its row
    cat.search_observations_around(radius="5 arcsec")
"""

from __future__ import annotations

import ipyvuetify
from glue.core import HubListener
from traitlets import Bool, Dict, Int, List, Unicode, observe

from ....errors import GlueMastError
from ....state import CatalogState
from ....state.base import one_line
from ... import catalog_marks
from . import views

__all__ = ["CatalogsSection"]


class CatalogsSection(ipyvuetify.VuetifyTemplate, HubListener):
    """The Catalogs section (see the module's doc).

    Parameters
    ----------
    plugin : `~glue_mast.jdaviz.plugins.mast_search.plugin.MastSearch`
        Its dispatch lands job outcomes; its search state receives "search around".
    """

    template_file = __file__, "catalogs.vue"

    catalog_items = List([]).tag(sync=True)
    catalog = Unicode("TIC").tag(sync=True)
    version_items = List([]).tag(sync=True)
    version = Unicode("").tag(sync=True)
    target = Unicode("").tag(sync=True)
    coordinates = Unicode("").tag(sync=True)
    radius = Unicode("0.2 deg").tag(sync=True)
    around_radius = Unicode("5 arcsec").tag(sync=True)
    status = Unicode("").tag(sync=True)
    warnings = List([]).tag(sync=True)
    headers = List([]).tag(sync=True)
    items = List([]).tag(sync=True)
    selected_items = List([]).tag(sync=True)
    current_page = Int(1).tag(sync=True)
    n_pages = Int(0).tag(sync=True)
    error = Unicode("").tag(sync=True)
    error_field = Unicode("").tag(sync=True)
    message = Unicode("").tag(sync=True)
    #: True while the image viewers' toolbars hold the pick tool.
    picking = Bool(False).tag(sync=True)
    #: Per image viewer, how many selected sources it rings.
    highlighted = Dict({})

    def __init__(self, plugin, **kwargs):
        from jdaviz.core.template_mixin import CustomToolbarToggle

        super().__init__(**kwargs)
        self._plugin = plugin
        self.state = CatalogState(dispatch=plugin._dispatch)
        self.loaded = []
        # label -> (the page, its row index of each of the dataset's rows): a Jdaviz table
        # viewer's checked rows are rows of the dataset, the section's of the page
        self._page_rows = {}
        self._watched_tables = set()  # ids of the table viewers whose checked rows are followed
        self.catalog_items = list(self.state.catalog_choices)
        self._bind()
        # Jdaviz's own toggle swaps every viewer's toolbar, and puts it back when the user
        # closes the custom toolbar (its RestoreToolbarMessage sets ``picking`` back).
        self._pick_toolbar = CustomToolbarToggle(
            self, "picking", self._pick_tools, "Pick catalog sources"
        )
        self._app.hub.subscribe(self, catalog_marks.CatalogSourcePicked, handler=self._picked)
        # An image viewer made (or given its first image) after the selection, or one whose
        # reference changes (aligning by WCS): its rings are drawn where its pixels are now.
        from jdaviz.core.events import AddDataMessage, ChangeRefDataMessage

        for message in (AddDataMessage, ChangeRefDataMessage):
            self._app.hub.subscribe(self, message, handler=self._viewer_changed)

    @property
    def _app(self):
        """The Jdaviz application (what Jdaviz's toolbar toggle asks its owner for)."""
        return self._plugin._app

    # -- mirroring ------------------------------------------------------------------------------

    def _bind(self):
        s = self.state
        for name in ("catalog", "version", "target", "coordinates", "radius"):
            setattr(self, name, str(getattr(s, name) or ""))
        self.version_items = ["", *list(s.version_choices)]
        s.add_callback("version_choices", lambda v: setattr(self, "version_items", ["", *list(v)]))
        for name in ("catalog", "version", "target", "coordinates", "radius"):
            s.add_callback(name, lambda v, n=name: setattr(self, n, str(v or "")))
        s.add_callback("rows", self._show_rows)
        s.add_callback("selected", self._show_selected)
        s.add_callback("page", lambda n: setattr(self, "current_page", int(n or 1)))
        s.add_callback("n_pages", lambda n: setattr(self, "n_pages", int(n or 0)))
        s.add_callback("warnings", lambda w: setattr(self, "warnings", list(w or [])))
        for name in ("count", "count_note", "busy", "resolved_position"):
            s.add_callback(name, self._show_status)
        s.add_callback("error", self._show_error)
        s.add_callback("error_field", self._show_error)

    @observe("catalog", "version", "target", "coordinates", "radius")
    def _input_changed(self, change):
        if getattr(self.state, change["name"]) != change["new"]:
            setattr(self.state, change["name"], change["new"])

    def _show_rows(self, rows):
        from ....state.columns import field_columns

        columns = [] if rows is None else _leading_first(rows, field_columns(rows))
        self.headers, self.items = views.table_items(rows, columns)
        self.selected_items = []
        self._highlight([])

    def _show_selected(self, indexes):
        wanted = {int(i) for i in indexes or []}
        self.selected_items = [item for item in self.items if item["key"] in wanted]
        self._highlight(sorted(wanted))

    def _viewer_changed(self, msg):
        viewer = getattr(msg, "viewer", None)
        if self.state.selected and "ImageView" in type(viewer).__name__:
            self._highlight(sorted(int(i) for i in self.state.selected))
        self._follow_table(viewer)

    def _follow_table(self, viewer):
        """Follow the checked rows of a Jdaviz table viewer that shows a catalog of this section.

        Jdaviz's table viewer, with one of its row tools on ("Highlight selected", "Zoom to
        selected", "Subset"), puts its ``jdaviz:select_table_row`` tool in the image viewers:
        a click there checks (or unchecks) the row of the nearest marker. Those rows, and rows
        checked in the table itself, become the section's selection.
        """
        table = getattr(viewer, "widget_table", None)
        if table is None or id(viewer) in self._watched_tables:
            return
        if not any(layer.layer.label in self._page_rows for layer in viewer.layers):
            return
        self._watched_tables.add(id(viewer))
        table.observe(lambda change: self._table_checked(viewer, change["new"]), names=["checked"])

    def _table_checked(self, viewer, checked):
        label = viewer.layers[0].layer.label if viewer.layers else None
        page, indexes = self._page_rows.get(label, (None, None))
        if page is None or page is not self.state.rows:
            return  # another page is shown now: its rows are not these
        wanted = sorted({indexes[int(i)] for i in checked or [] if 0 <= int(i) < len(indexes)})
        if wanted != sorted(int(i) for i in self.state.selected or []):
            self.state.selected = wanted

    def _highlight(self, indexes):
        rows = self.state.rows
        indexes = [i for i in indexes if rows is not None and 0 <= i < len(rows)]
        if not indexes:
            ra = dec = []
        else:
            ra, dec = catalog_marks.sky_positions(rows, indexes)
        self.highlighted = catalog_marks.highlight_sources(self._app, ra, dec)

    # -- picking on the image -------------------------------------------------------------------

    @staticmethod
    def _pick_tools(viewer):
        if "ImageView" not in type(viewer).__name__:
            return None, None  # Jdaviz keeps the zoom and pan tools
        tools = [*viewer.toolbar._original_tools_nested[:3], [catalog_marks.PICK_TOOL_ID]]
        return tools, catalog_marks.PICK_TOOL_ID

    def toggle_picking(self):
        """Put the pick tool in the image viewers' toolbars (a click near a source selects or
        unselects its row), or take it away."""
        self._pick_toolbar.toggle()

    def _picked(self, msg):
        rows = self.state.rows
        if rows is None:
            return
        ra, dec = catalog_marks.sky_positions(rows)
        index = catalog_marks.nearest_source(msg.viewer, ra, dec, msg.x, msg.y)
        if index is None:
            return
        chosen = [int(i) for i in self.state.selected or []]
        self.state.selected = [i for i in chosen if i != index] if index in chosen \
            else [*chosen, index]

    def _show_status(self, *_):
        s = self.state
        if s.busy:
            self.status = "Asking MAST\N{HORIZONTAL ELLIPSIS}"
        elif s.count is not None:
            where = f" ({s.resolved_position})" if s.resolved_position else ""
            self.status = f"{s.count:,} row{'s' if s.count != 1 else ''}{where}"
        else:
            self.status = s.count_note or ""

    def _show_error(self, *_):
        self.error, self.error_field = self.state.error, self.state.error_field

    # -- actions (the template's buttons, and a notebook's calls) -------------------------------

    def _run(self, start, wait):
        try:
            job = start()
        except GlueMastError as exc:
            self.state.show_error(exc)
            if wait:
                raise
            return None
        if wait and job is not None:
            with self._plugin._waiting():
                self._plugin._wait(job)
        return job

    def count(self, wait=True):
        """Ask for the count alone (one request of one row)."""
        return self._run(self.state.count_rows, wait)

    def search(self, wait=True):
        """Fetch page 1 with its count."""
        return self._run(self.state.search, wait)

    def go_to_page(self, n, wait=True):
        """Fetch page ``n``."""
        return self._run(lambda: self.state.go_to_page(n), wait)

    def select(self, indexes):
        """Select rows of the current page by their index (from 0)."""
        self.state.selected = [int(i) for i in indexes]

    def show_on_images(self):
        """Add the selected rows (or the page) as markers over the image viewers; returns the
        data label."""
        from ...catalogs import load_catalog

        page = self.state.rows
        rows = self.state.selected_rows()
        if rows is not None:
            indexes = sorted({int(i) for i in self.state.selected if 0 <= int(i) < len(page)})
        else:
            rows, indexes = page, list(range(0 if page is None else len(page)))
        if rows is None:
            raise GlueMastError("search a catalog first")
        label = load_catalog(self._plugin._app._jdaviz_helper, rows)
        self.loaded.append(label)
        self._page_rows[label] = (page, indexes)
        for viewer in self._app._viewer_store.values():  # a table viewer made before
            self._follow_table(viewer)
        n = len(rows)
        self.message = f"{n:,} source{'s' if n != 1 else ''} shown as {label!r}"
        return label

    def search_observations_around(self, radius=None, wait=True):
        """Search observations around the selected sources, in the plugin's search."""
        radius = radius or self.around_radius or None
        return self._run(
            lambda: self.state.search_observations_around(self._plugin.search_state, radius),
            wait,
        )

    def vue_count(self, *args):
        self.count(wait=False)

    def vue_search(self, *args):
        self.search(wait=False)

    def vue_page(self, n, *args):
        self.go_to_page(int(n), wait=False)

    def vue_select(self, items, *args):
        self.state.selected = [int(item["key"]) for item in items or []]

    def vue_show_on_images(self, *args):
        try:
            self.show_on_images()
        except Exception as exc:  # one line in the section, never a traceback
            self.error = one_line(exc)

    def vue_toggle_picking(self, *args):
        self.toggle_picking()

    def vue_search_around(self, *args):
        self.search_observations_around(wait=False)


#: A catalog's distance-from-the-centre column, by catalog (MAST names it per service).
_DISTANCE_COLUMNS = ("dstArcSec", "distance_arcmin", "Distance", "distance", "dist")


def _leading_first(rows, columns):
    """``columns`` with those a person reads first leading: the source's ID, its position and
    its distance from the centre; then the others in the catalog's order (the tray shows the
    first few: a catalog such as Gaia's opens with columns of one value, ``solution_id``)."""
    from ...catalogs import ID_COLUMNS

    names = [c.name for c in columns]
    ra, dec = rows.meta.get("position") or ("ra", "dec")
    ids = [next((n for n in ID_COLUMNS if n in names), None)]
    distance = [next((n for n in _DISTANCE_COLUMNS if n in names), None)]
    first = [n for n in [*ids, ra, dec, *distance] if n in names]
    return sorted(columns, key=lambda c: first.index(c.name) if c.name in first else len(first))
