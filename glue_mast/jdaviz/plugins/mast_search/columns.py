"""The plugin's column choosers: which columns its observations and products tables show.

The columns are glue-mast's shared definitions (`glue_mast.state.columns`): the tray starts
with a narrow default set that tells rows apart (mission, instrument, filters or grating,
observation), a person ticks others in the chooser above each table, and the choice is kept
for later sessions in glue-mast's configuration (as the glue-qt dialog's is, each its own).

In a notebook::

    plugin = app.plugins["MAST Search"]._obj
    plugin.results_columns = ["obs_collection", "filters", "obs_id", "proposal_pi"]
"""

from __future__ import annotations

from traitlets import HasTraits, List

from ....state import columns

__all__ = ["ColumnChoices", "bind_columns", "column_items"]

#: The plugin's tables, by the name of their traitlets, and the shared table each shows.
TABLES = {"results": "observations", "products": "products"}


class ColumnChoices(HasTraits):
    """The choosers' traitlets, for the plugin class to inherit.

    ``<table>_column_items`` lists every column offered (``text``, ``value``, ``tip``);
    ``<table>_columns`` names those shown: the chooser's ``v-model``.
    """

    results_column_items = List([]).tag(sync=True)
    results_columns = List([]).tag(sync=True)
    products_column_items = List([]).tag(sync=True)
    products_columns = List([]).tag(sync=True)


def column_items(table):
    """The chooser's items for shared table ``table``: heading, name and MAST's description."""
    return [
        {"text": c.heading, "value": c.name, "tip": c.tip} for c in columns.table_columns(table)
    ]


def bind_columns(plugin, show):
    """Offer every column, show the kept choice, and keep what a person chooses next.

    Parameters
    ----------
    plugin : MastSearch
    show : callable
        ``show(name)``: redraw the plugin's table ``name`` (``"results"`` or ``"products"``)
        with the columns now chosen.
    """
    for name, table in TABLES.items():
        setattr(plugin, f"{name}_column_items", column_items(table))
        setattr(plugin, f"{name}_columns", list(columns.chosen_names("jdaviz", table)))

    def chosen(change):
        name = change["name"][: -len("_columns")]
        table = TABLES[name]
        if list(change["new"]) == list(columns.chosen_names("jdaviz", table)):
            return  # the kept choice itself (set at start, or put back below)
        try:
            kept = columns.choose("jdaviz", table, change["new"])
        except Exception as exc:  # a name no column has: say so, keep the columns shown
            plugin.error = " ".join(str(exc).split())
            plugin.error_field = getattr(exc, "field", None) or ""
            setattr(plugin, change["name"], list(columns.chosen_names("jdaviz", table)))
            return
        if list(kept) != list(change["new"]):  # in the table's order
            setattr(plugin, change["name"], list(kept))
        show(name)

    plugin.observe(chosen, names=[f"{name}_columns" for name in TABLES])


def shown(table):
    """The `~glue_mast.state.columns.Column` objects the plugin shows in shared ``table``."""
    return columns.chosen("jdaviz", table)
