"""The plugin's traitlets mirror the shared state: tables as rows for a ``v-data-table``."""

from __future__ import annotations

import datetime
import math
import time

from ....state.columns import plain_rows
from ....state.products import human_size
from . import columns

__all__ = [
    "bind",
    "exclusive_note",
    "exclusive_text",
    "human_size",
    "load_text",
    "now_mjd",
    "push_form",
    "row_item_by_key",
    "table_items",
]

#: Columns that decide whether a row is exclusive access (MAST's rule, see
#: `glue_mast.state.products.exclusive_rule`).
RIGHTS_COLUMNS = ("dataRights", "t_obs_release")
#: The Unix epoch as a Modified Julian Date.
_MJD_UNIX_EPOCH = 40587.0

def _plain(value):
    """A table cell as JSON for the browser: masked and NaN become ""."""
    import numpy as np

    if value is None or np.ma.is_masked(value):  # a masked cell is np.ma.masked, not True
        return ""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, bytes):
        value = value.decode()
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return round(value, 3)
    return value


def now_mjd():
    """The time now as a Modified Julian Date (what ``t_obs_release`` is compared with)."""
    return time.time() / 86400.0 + _MJD_UNIX_EPOCH


def _iso_date(mjd):
    day = datetime.date(1970, 1, 1) + datetime.timedelta(days=float(mjd) - _MJD_UNIX_EPOCH)
    return day.isoformat()


def exclusive_note(record, now):
    """Why a row is exclusive access, for its tooltip; "" when the row is public.

    Parameters
    ----------
    record : dict
        The row's ``dataRights`` and ``t_obs_release`` (either may be missing).
    now : float
        The time now, as an MJD.
    """
    from ....state.products import exclusive_rule

    if not exclusive_rule()(record, now):
        return ""
    release = record.get("t_obs_release")
    until = ""
    if isinstance(release, (int, float)) and release > now:
        until = f" until {_iso_date(release)}"
    return f"exclusive access{until}: needs a MAST token"


def _rights(row, names):
    record = {}
    for name in names:
        value = _plain(row[name])
        if value != "":
            record[name] = value
    return record


def _json_sortable(value):
    """A cell's sort value as JSON the browser compares: a number, a string, or null."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return str(value).lower()


def table_items(table, shown, now=None):
    """``(headers, items)`` for a ``v-data-table`` showing the columns ``shown``.

    ``shown`` are `glue_mast.state.columns.Column` objects; a column whose MAST fields the
    table lacks is left out. Each item's ``key`` is its row number, each column's cell is
    the text a person reads (under the column's name), and ``sort`` holds the values the
    columns sort by (``{name: value}``: a number sorts as a number, not as its text).

    Each item's ``exclusive`` is the tooltip of an exclusive-access row (see
    :func:`exclusive_note`), "" for a public one; ``now`` (an MJD, default: now) is the time
    release dates are compared with.
    """
    if table is None:
        return [], []
    present = [c for c in shown if c.present(table.colnames)]
    headers = [
        {"text": c.heading, "value": c.name, "align": "end" if c.numeric else "start"}
        for c in present
    ]
    rights = [name for name in RIGHTS_COLUMNS if name in table.colnames]
    now = now_mjd() if now is None else now
    records = plain_rows(table, [f for c in present for f in c.fields])
    items = []
    for i, (row, record) in enumerate(zip(table, records, strict=True)):
        item = {"key": i, "exclusive": exclusive_note(_rights(row, rights), now)}
        for column in present:
            item[column.name] = column.text(record)
        item["sort"] = {c.name: _json_sortable(c.sort(record)) for c in present}
        items.append(item)
    return headers, items


def exclusive_text(count, token_set):
    """The products section's note on ``count`` selected exclusive-access files ("" for 0)."""
    if not count:
        return ""
    files = f"{count} selected file{'s are' if count != 1 else ' is'} exclusive access"
    if token_set:
        return f"{files}: a MAST token is set, so MAST sends them if it grants access to them."
    them = "them" if count != 1 else "it"
    return (
        f"{files}: without a MAST token the download skips {them}. Set MAST_API_TOKEN before "
        "starting Jupyter, or call glue_mast.configure(token=...); the token is sent only to "
        "MAST, never shown or saved."
    )


def row_item_by_key(plugin, key):
    for item in plugin.results_items:
        if item["key"] == key:
            return item
    return {"key": key}


#: Search-state criteria the form edits, beside target, coordinates and radius.
FORM_CRITERIA = ("obs_collection", "instrument_name", "dataproduct_type", "calib_level")


def push_form(plugin):
    """Copy the form's traitlets into the search state (before a search)."""
    values = {
        "target": plugin.target.strip(),
        "coordinates": plugin.coordinates.strip(),
        "radius": plugin.radius.strip(),
        "obs_collection": plugin.collection_selected or "",
        "instrument_name": plugin.instrument_selected.strip(),
        "dataproduct_type": plugin.product_type_selected or "",
        "calib_level": plugin.calib_level_selected.strip(),
        "page_size": int(plugin.page_size),
    }
    state = plugin.search_state
    changed = {k: v for k, v in values.items() if getattr(state, k) != v}
    if changed:
        state.update_from_dict(changed)


def load_text(products):
    """The Load button's text: what it loads, by kind ("Load 2 spectra and 1 image").

    Counts the selected products the fetch will bring (exclusive-access ones are skipped
    without a MAST token), each by the kind it loads as (`glue_mast.jdaviz.kinds`).
    """
    from ...kinds import listed, product_kind

    table = products.selected
    if table is None or not len(table):
        return "Load"
    skipped = set() if products.token_set else {str(u) for u in products.exclusive or []}
    kinds = [product_kind(row) for row in table if str(row["dataURI"]) not in skipped]
    return f"Load {listed(kinds)}" if kinds else "Load"


def bind(plugin):
    """Mirror the plugin's search, product and preview states into its traitlets."""
    from .preview import show_preview

    search, products = plugin.search_state, plugin.product_state

    def on_count(count):
        plugin.count = -1 if count is None else int(count)

    def on_rows(rows):
        shown = columns.shown("observations")
        plugin.results_headers, plugin.results_items = table_items(rows, shown)
        plugin.results_selected = []

    def on_selected_obsids(obsids):
        wanted = {str(o) for o in obsids or []}
        rows = search.rows
        keys = set() if rows is None else {
            i for i, o in enumerate(rows["obsid"]) if str(o) in wanted
        }
        plugin.results_selected = [i for i in plugin.results_items if i["key"] in keys]

    def on_filtered(table):
        shown = columns.shown("products")
        plugin.products_headers, plugin.products_items = table_items(table, shown)
        on_selected()

    def on_selected(*args):
        table, selected = products.filtered, products.selected
        if table is None or selected is None:
            plugin.products_selected = []
            plugin.load_text = load_text(products)
            return
        plugin.load_text = load_text(products)
        uris = {str(u) for u in selected["dataURI"]}
        plugin.products_selected = [
            item for item, uri in zip(plugin.products_items, table["dataURI"], strict=False)
            if str(uri) in uris
        ]

    def on_exclusive(*args):
        plugin.exclusive_text = exclusive_text(len(products.exclusive or []), products.token_set)
        plugin.load_text = load_text(products)

    def on_busy(*args):
        # Each piece of work has its own progress bar with a Cancel beside it (plugin.vue);
        # ``busy`` is any of them, a preview's too (what the notebook API waits on). A bar
        # goes at its Cancel, though the request in flight may take as long as the server
        # does to return (its answer is dropped): the search's ``requesting`` says so, and
        # ``plugin._cancelled`` for the others until it has.
        cancelled = plugin._cancelled
        for name, state in (("search", search), ("products", products), ("preview", preview)):
            if not state.busy:
                cancelled.discard(name)
        plugin.search_busy = bool(search.requesting)
        plugin.products_busy = bool(products.busy) and "products" not in cancelled
        plugin.preview_busy = bool(preview.busy) and "preview" not in cancelled
        plugin.busy = bool(search.busy or products.busy or preview.busy)

    def on_error(*args):
        plugin.error = search.error or products.error
        plugin.error_field = search.error_field or products.error_field

    def show_columns(name):
        # Other columns, the same rows: the observations selected stay selected, and the
        # selection is never emptied on the way (the browser's table would report an empty
        # selection as the person's, and the products would go).
        if name == "results":
            keys = {item["key"] for item in plugin.results_selected}
            headers, items = table_items(search.rows, columns.shown("observations"))
            plugin.results_headers, plugin.results_items = headers, items
            plugin.results_selected = [i for i in items if i["key"] in keys]
        else:
            on_filtered(products.filtered)

    preview = plugin.preview_state
    columns.bind_columns(plugin, show_columns)
    search.add_callback("count", on_count)
    search.add_callback("rows", on_rows)
    search.add_callback("selected_obsids", on_selected_obsids)
    search.add_callback("page", lambda n: setattr(plugin, "current_page", int(n or 1)))
    search.add_callback("n_pages", lambda n: setattr(plugin, "n_pages", int(n or 0)))
    search.add_callback(
        "loading_page", lambda n: setattr(plugin, "loading_page", int(n or 0))
    )
    search.add_callback(
        "collection_choices", lambda names: setattr(plugin, "collection_items", [""] + list(names))
    )
    search.add_callback(
        "instrument_choices", lambda names: setattr(plugin, "instrument_items", list(names))
    )
    products.add_callback("filtered", on_filtered)
    products.add_callback("selected", on_selected)
    products.add_callback("exclusive", on_exclusive)
    products.add_callback("token_set", on_exclusive)
    products.add_callback(
        "selected_size_text", lambda text: setattr(plugin, "selected_text", text or "")
    )
    products.add_callback(
        "fetch_fraction", lambda f: setattr(plugin, "progress", 100.0 * float(f or 0))
    )
    products.add_callback("fetch_status", lambda text: setattr(plugin, "progress_text", text))
    for state in (search, products):
        state.add_callback("busy", on_busy)
        state.add_callback("error", on_error)
        state.add_callback("error_field", on_error)  # set after the error: follow it too
    search.add_callback("requesting", on_busy)
    preview.add_callback("busy", on_busy)
    plugin._show_busy = on_busy
    for name in ("title", "x", "busy", "error"):
        preview.add_callback(name, lambda *_: show_preview(plugin))

    def filters_changed(change):
        setattr(products, change["name"], change["new"])

    plugin.observe(filters_changed, names=["calibrated_only", "mrp_only", "extension"])

    def page_size_changed(change):
        # A new page size after a search shows page 1 of the new pages (one request), as
        # the glue-qt dialog does, so that ``page = n`` counts in the new pages at once.
        size = int(change["new"])
        if search.page_size == size:
            return
        search.page_size = size
        if search.count is not None and size > 0:
            plugin._start_safely(lambda: plugin._started("search", search.go_to_page(1)))

    plugin.observe(page_size_changed, names=["page_size"])
