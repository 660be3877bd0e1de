"""Sorting the plugin's results by a heading: one page where it is, several as a whole.

MAST's portal services take no sort order. With one page of results, the browser sorts the
rows shown (``sortBySortValues`` in plugin.vue). With several, a heading click searches again
sorted by that column's field (`glue_mast.state.SearchState.sort`: every row is fetched and
sorted, up to ``glue_mast.conf.max_sort_rows``), so page 1 starts the order of every row, as
in the glue-qt dialog.
"""

from __future__ import annotations

from traitlets import HasTraits, Unicode

from ....state import columns

__all__ = ["SortAllPages", "sort_key"]


def sort_key(name, descending):
    """The search's sort key for the observation column ``name`` (its first MAST field, with
    ``-`` for descending), or None for a column it does not know."""
    column = next((c for c in columns.table_columns("observations") if c.name == name), None)
    if column is None:
        return None
    return f"-{column.fields[0]}" if descending else column.fields[0]


class SortAllPages(HasTraits):
    """The plugin's ``sort_pages`` (the results table's ``update:options``) and its note."""

    #: "all 1,234 rows sorted by t_min" while the search is sorted, else "".
    sorted_note = Unicode("").tag(sync=True)

    def vue_sort_pages(self, options):
        """A heading click on the results (Vuetify's table options: ``sortBy``,
        ``sortDesc``): with several pages, search again sorted by that column."""
        state = self.search_state
        by, desc = options.get("sortBy") or [], options.get("sortDesc") or []
        if not by or not state.n_pages or state.n_pages <= 1 or state.busy:
            return  # one page (or none): the browser sorts it where it is
        key = sort_key(by[0], bool(desc and desc[0]))
        if key is not None and state.sort != key:
            state.sort = key
            self._started("search", state.search())

    def _show_sorted(self, *_):
        sort, count = self.search_state.sort, self.search_state.count
        if not sort or count is None:
            self.sorted_note = ""
            return
        order = " (descending)" if sort.startswith("-") else ""
        self.sorted_note = f"All {count:,} rows sorted by {sort.lstrip('-')}{order}."

    def bind_sorting(self):
        for name in ("sort", "count"):
            self.search_state.add_callback(name, self._show_sorted)
