"""The plugin's traitlets mirror the shared state: tables as rows for a ``v-data-table``."""

from __future__ import annotations

import math

__all__ = ["bind", "human_size", "push_form", "row_item_by_key", "table_items"]

#: Observation columns shown in the results table, in order, with their headings.
RESULT_COLUMNS = [
    ("obs_collection", "Collection"),
    ("instrument_name", "Instrument"),
    ("target_name", "Target"),
    ("obs_id", "Observation"),
    ("dataproduct_type", "Type"),
    ("calib_level", "Level"),
    ("t_exptime", "Exp. (s)"),
]

#: Product columns shown in the products table.
PRODUCT_COLUMNS = [
    ("productFilename", "File"),
    ("productSubGroupDescription", "Kind"),
    ("calib_level", "Level"),
    ("size_text", "Size"),
]


def human_size(nbytes):
    """``"1.2 MB"``: a byte count as a person reads it (powers of 1000, as MAST shows)."""
    nbytes = int(nbytes or 0)
    for unit in ("B", "kB", "MB", "GB"):
        if nbytes < 1000 or unit == "GB":
            return f"{nbytes:.0f} {unit}" if unit == "B" else f"{nbytes:.1f} {unit}"
        nbytes /= 1000
    return f"{nbytes:.1f} TB"  # pragma: no cover - the loop returns at GB


def _plain(value):
    """A table cell as JSON for the browser: masked and NaN become ""."""
    if value is None or getattr(value, "mask", False) is True:
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


def table_items(table, columns):
    """``(headers, items)`` for a ``v-data-table``; each item's ``key`` is its row number."""
    if table is None:
        return [], []
    present = [(name, text) for name, text in columns if name in table.colnames or
               (name == "size_text" and "size" in table.colnames)]
    headers = [{"text": text, "value": name} for name, text in present]
    items = []
    for i, row in enumerate(table):
        item = {"key": i}
        for name, _ in present:
            if name == "size_text":
                item[name] = human_size(_plain(row["size"]) or 0)
            else:
                item[name] = _plain(row[name])
        items.append(item)
    return headers, items


def row_item_by_key(plugin, key):
    for item in plugin.results_items:
        if item["key"] == key:
            return item
    return {"key": key}


def push_form(plugin):
    """Copy the form's traitlets into the search state (before a search)."""
    state = plugin.search_state
    state.target = plugin.target.strip()
    state.coordinates = plugin.coordinates.strip()
    state.radius = plugin.radius.strip()
    state.obs_collection = plugin.collection_selected
    state.instrument_name = plugin.instrument_selected.strip()
    state.dataproduct_type = plugin.product_type_selected
    state.calib_level = _calib_level(plugin.calib_level_selected)
    state.page_size = int(plugin.page_size)


def _calib_level(text):
    text = (text or "").strip()
    if not text:
        return ""
    return [int(part) for part in text.replace(",", " ").split()]


def bind(plugin):
    """Mirror ``plugin.search_state`` and ``plugin.product_state`` into its traitlets."""
    search, products = plugin.search_state, plugin.product_state

    def on_count(count):
        plugin.count = -1 if count is None else int(count)

    def on_rows(rows):
        plugin.results_headers, plugin.results_items = table_items(rows, RESULT_COLUMNS)
        plugin.results_selected = []
        products.observations = None
        products.products = None
        products.filtered = None
        products.selected = []

    def on_filtered(table):
        plugin.products_headers, plugin.products_items = table_items(table, PRODUCT_COLUMNS)
        plugin.products_selected = []

    def on_selected(selected):
        keys = set(selected or [])
        plugin.products_selected = [i for i in plugin.products_items if i["key"] in keys]
        update_selected_text()

    def update_selected_text(*args):
        n = products.selected_count
        if not n:
            plugin.selected_text = ""
        else:
            plugin.selected_text = (
                f"{n} product{'s' if n != 1 else ''} selected, {human_size(products.selected_size)}"
            )

    def on_busy(*args):
        plugin.busy = bool(search.busy or products.busy)

    def on_error(*args):
        plugin.error = search.error or products.error
        plugin.error_field = search.error_field or products.error_field

    search.add_callback("count", on_count)
    search.add_callback("rows", on_rows)
    search.add_callback("page", lambda n: setattr(plugin, "current_page", int(n)))
    search.add_callback("n_pages", lambda n: setattr(plugin, "n_pages", int(n or 0)))
    search.add_callback(
        "collection_choices", lambda names: setattr(plugin, "collection_items", [""] + list(names))
    )
    products.add_callback("filtered", on_filtered)
    products.add_callback("selected", on_selected)
    products.add_callback("selected_size", update_selected_text)
    products.add_callback("selected_count", update_selected_text)
    for state in (search, products):
        state.add_callback("busy", on_busy)
        state.add_callback("error", on_error)

    def filters_changed(change):
        setattr(products, change["name"], change["new"])

    plugin.observe(filters_changed, names=["calibrated_only", "mrp_only", "extension"])
