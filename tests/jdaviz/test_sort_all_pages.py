"""A heading click on MAST Search's results: one page sorts in the browser; several pages are
searched again sorted, so page 1 starts the order of every row (MAST cannot sort)."""

import glue_mast
from glue_mast.jdaviz.plugins.mast_search.sorting import sort_key


def _settle(plugin):
    plugin._wait_idle(plugin.search_state)


def test_several_pages_are_sorted_as_a_whole(plg, local_mast):
    plugin = plg._obj
    plg.target = "TW Hya"
    plg.page_size = 3
    plg.search()
    assert plugin.n_pages == 3 and plugin.sorted_note == ""
    everything = sorted(str(v) for v in glue_mast.search("TW Hya").all()["obs_id"])
    plugin.vue_sort_pages({"sortBy": ["obs_id"], "sortDesc": [True]})  # the table's options
    _settle(plugin)
    assert plugin.search_state.sort == "-obs_id"
    assert list(plg.results["obs_id"]) == everything[::-1][:3]
    assert plugin.sorted_note == "All 8 rows sorted by obs_id (descending)."
    plg.page = 3
    assert list(plg.results["obs_id"]) == everything[::-1][6:]


def test_one_page_is_left_to_the_browser(plg, local_mast):
    plugin = plg._obj
    plg.target = "TW Hya"
    plg.search()
    assert plugin.n_pages == 1
    local_mast.clear_log()
    plugin.vue_sort_pages({"sortBy": ["obs_id"], "sortDesc": [False]})
    _settle(plugin)
    assert plugin.search_state.sort == "" and local_mast.log == []


def test_the_table_opening_with_no_sort_does_nothing(plg, local_mast):
    plugin = plg._obj
    plg.target = "TW Hya"
    plg.page_size = 3
    plg.search()
    local_mast.clear_log()
    plugin.vue_sort_pages({"sortBy": [], "sortDesc": []})  # sent when the table is drawn
    assert plugin.search_state.sort == "" and local_mast.log == []


def test_a_column_sorts_by_its_first_field():
    assert sort_key("wavelengths", False) == "em_min"
    assert sort_key("t_min", True) == "-t_min"
    assert sort_key("no such column", False) is None
