"""MAST Search: every piece of work shows a progress bar with a Cancel beside it that stops
that work (a search, a page, products being listed, a preview, a download, a load), and leaves
no half-full bar or stale line; and the exclusive-access note says what MAST says of the token.
"""

import asyncio
import re
import time
from pathlib import Path

import pytest

from glue_mast.errors import JobCancelled


def _settle(plugin, timeout=60):
    deadline = time.monotonic() + timeout
    while plugin.busy or plugin.fetching:
        assert time.monotonic() < deadline, "the plugin's jobs did not finish"
        time.sleep(0.02)


def _wait_for(condition, timeout=15, what=""):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def test_each_progress_bar_has_a_cancel_beside_it():
    """In the template: every bar of work sits in a row with its own Cancel, which calls a
    method that exists; no Cancel is left beside Search."""
    from glue_mast.jdaviz.plugins.mast_search import plugin

    template = Path(plugin.__file__).with_suffix(".vue").read_text()
    rows = re.findall(r'class="mast-work[^"]*".*?</v-row>|class="mast-work[^"]*".*?</div>',
                      template, flags=re.S)
    cancels = set()
    for row in rows:
        assert "<v-progress-linear" in row, row
        (call,) = re.findall(r'class="mast-cancel"[^>]*@click="(\w+)"', row)
        cancels.add(call)
        assert hasattr(plugin.MastSearch, f"vue_{call}")
    assert cancels == {"cancel_search", "cancel_products", "cancel_preview", "cancel_fetch"}
    # every bar in the template is one of those rows
    assert template.count("<v-progress-linear") == len(rows)
    search_row = re.search(r'<v-row justify="end">\s*<v-btn class="mast-search".*?</v-row>',
                           template, flags=re.S).group(0)
    assert "Cancel" not in search_row
    # the preview's bar shows how much has come, not an endless sweep
    preview_row = next(r for r in rows if "mast-preview-work" in r)
    assert "indeterminate" not in preview_row and "preview_plot.fraction" in preview_row


def test_a_preview_is_work_its_bar_fills_and_its_cancel_clears_it(plg, local_mast):
    plg.target = "TW Hya"
    plg.search()
    plg.select(observations=["LB4M01010"])
    plugin = plg._obj
    local_mast.faults.bandwidth = 20_000  # bytes per second: 17 s for the 342.7 kB file
    fractions = []
    plugin.observe(lambda c: fractions.append(c["new"].get("fraction")), "preview_plot")
    plugin.vue_preview(0)
    _wait_for(lambda: plugin.preview_state.status.endswith("of 342.7 kB"), what="no progress")
    _wait_for(lambda: (plugin.preview_plot.get("fraction") or 0) > 0, what="bar never filled")
    assert plugin.busy and plugin.preview_busy  # the work shows (and the notebook waits)
    assert not plugin.search_busy
    assert plugin.preview_plot["loading"] and plugin.preview_plot["status"].startswith(
        "lb4m01010_x1dsum.fits: ")
    plugin.vue_cancel_preview()
    assert not plugin.preview_busy and not plugin.preview_plot["loading"]  # at once
    _settle(plugin, timeout=15)
    assert not plugin.preview_busy and not plugin.busy
    assert plugin.preview_plot == {"title": "", "loading": False, "kind": ""}
    state = plugin.preview_state
    assert (state.fraction, state.status, state.error) == (0.0, "", "")
    assert any(f and 0 < f < 1 for f in fractions), fractions


def test_the_cancel_beside_the_search_bar_stops_the_search(plg, local_mast):
    local_mast.faults.stall(2, times=2, match="/api/v0/invoke")  # the count and page 1
    plugin = plg._obj
    plugin.target = "TW Hya"
    plugin.vue_search({})
    _wait_for(lambda: plugin.search_busy, what="the search never showed")
    assert plugin.busy and not plugin.preview_busy and plugin.loading_page == 0
    plugin.vue_cancel_search()
    # at once, while the request in flight is still held: the bar goes (its answer is dropped)
    assert plugin.search_state.busy and not plugin.search_busy
    _settle(plugin, timeout=15)
    assert not plugin.search_busy and plugin.count == -1 and plugin.error == ""
    assert plugin.message == "search cancelled"
    plugin.vue_search({})  # the next search shows its bar again
    assert plugin.search_busy
    _settle(plugin, timeout=15)
    assert plugin.count == 8 and plugin.message == ""  # no stale "search cancelled"


def test_the_cancel_beside_fetching_page_n_keeps_the_page_shown(plg, local_mast):
    plugin = plg._obj
    plugin.target = "TW Hya"
    plugin.page_size = 5
    plg.search()
    first = [item["obs_id"] for item in plugin.results_items]
    local_mast.faults.stall(3, times=1, match="Mast.Caom.Cone")
    plugin.vue_page(2)
    _wait_for(lambda: plugin.loading_page == 2, what="Fetching page 2 never showed")
    assert plugin.search_busy
    plugin.vue_cancel_search()
    assert plugin.loading_page == 0  # at once: no "Fetching page 2" left behind
    _settle(plugin, timeout=15)
    assert plugin.current_page == 1 and [i["obs_id"] for i in plugin.results_items] == first


def _products_of_page_one(plg):
    plg.target = "TW Hya"
    plg.criteria = {"obs_collection": "HST", "instrument_name": "COS/FUV"}
    plg.search()
    plg.select(observations="all", products="all")
    return plg._obj


def test_a_download_cancelled_leaves_no_half_full_bar(plg, local_mast):
    plugin = _products_of_page_one(plg)
    local_mast.faults.bandwidth = 50_000
    plugin.vue_fetch({})
    _wait_for(lambda: 0 < plugin.progress < 100, what="the bar never moved")
    plugin.vue_cancel_fetch()
    _settle(plugin, timeout=20)
    assert plugin.message == "download cancelled"
    assert (plugin.progress, plugin.progress_text) == (0.0, "")


def test_cancel_while_loading_stops_between_datasets_and_leaves_a_clean_bar(app, plg,
                                                                             local_mast):
    """With the kernel's event loop running, a Cancel clicked while "loading 2 of 4" shows
    stops before the third dataset: two are in the app, shown; the bar is gone and empty."""
    plugin = _products_of_page_one(plg)
    seen = []

    async def click_load_then_cancel():
        plugin._loop = asyncio.get_running_loop()  # as in a kernel
        plugin.vue_load({})
        deadline = time.monotonic() + 60
        while plugin.fetching:
            assert time.monotonic() < deadline, "the load never ended"
            text = plugin.progress_text
            if text.startswith("loading") and (not seen or seen[-1] != text):
                seen.append(text)
                if text == "loading 2 of 4":
                    plugin.vue_cancel_fetch()  # a click, between two steps
            await asyncio.sleep(0.001)

    asyncio.run(click_load_then_cancel())
    assert seen[:2] == ["loading 1 of 4", "loading 2 of 4"] and len(seen) == 2, seen
    assert plugin.message == "Loading cancelled: 2 of 4 datasets were loaded."
    assert (plugin.progress, plugin.progress_text, plugin.error) == (0.0, "", "")
    assert len(app.datasets) == 2
    assert not getattr(app, "_in_batch_load", 0)  # Jdaviz's batch was closed
    (viewer,) = app.viewers.values()
    assert sorted(viewer.data_menu.data_labels_loaded) == sorted(app.datasets)
    # the next Load starts afresh and loads what is left
    assert len(plg.load_selected()) == 2
    assert len(app.datasets) == 4
    assert "loaded 2 datasets" in plugin.message and "2 datasets were already loaded" in (
        plugin.message)


def _whoami_requests(archive):
    return [r for r in archive.log if r.path == "/whoami"]


def _count_checks(plugin):
    """Counts the plugin's questions to MAST about the token (plugins of earlier tests, still
    in memory, ask about a new token too: the archive's log counts theirs as well)."""
    asked = []
    check = plugin.token_state.check

    def counted():
        asked.append(1)
        return check()

    plugin.token_state.check = counted
    return asked


def _select_exclusive(plg):
    plg.target = "TW Hya"
    plg.search()
    plg._obj.mrp_only = False  # both calibrated files of the exclusive observation
    plg.select(observations="LF7Z01010", products="all")
    return plg._obj


def test_the_exclusive_note_says_what_mast_says_of_the_token_asked_once(plg, local_mast):
    import glue_mast
    from glue_mast.testing import VALID_TOKEN

    plugin = _select_exclusive(plg)
    asked = _count_checks(plugin)
    assert plugin.exclusive_text and plugin.token_text == ""  # no token: nothing to ask
    assert _whoami_requests(local_mast) == []
    glue_mast.configure(token=VALID_TOKEN)
    said = "MAST token of Local Archive User: exclusive access, MAST does not say when it expires."
    _wait_for(lambda: plugin.token_text == said, what=plugin.token_text)
    assert plugin.exclusive_text.endswith("a MAST token is set, so MAST sends them if it grants "
                                          "access to them.")
    # the same token, other selections: MAST is not asked again
    plg.select(products=[0])
    plg.select(products="all")
    assert plugin.token_text == said and len(asked) == 1 and _whoami_requests(local_mast)
    # public files only: no note, no line
    plg.select(observations="LB4M01010", products="all")
    assert plugin.exclusive_text == "" and plugin.token_text == ""
    # another token is asked about anew, and never shown
    glue_mast.configure(token="not-a-token-mast-knows")
    plg.select(observations="LF7Z01010", products="all")
    _wait_for(lambda: plugin.token_text.startswith("MAST does not accept"), what=plugin.token_text)
    assert "not-a-token-mast-knows" not in plugin.token_text
    assert len(asked) == 2
    for text in (plugin.token_text, plugin.exclusive_text):
        assert VALID_TOKEN not in text and "not-a-token-mast-knows" not in text


def test_the_token_line_is_beside_the_exclusive_note_in_the_template():
    from glue_mast.jdaviz.plugins.mast_search import plugin

    template = Path(plugin.__file__).with_suffix(".vue").read_text()
    note = re.search(r'<v-alert[^>]*mast-exclusive-note.*?</v-alert>', template, re.S).group(0)
    assert "token_text" in note


def test_a_notebook_preview_cancelled_beside_its_bar_raises_and_shows_nothing(plg, local_mast):
    plugin = _select_exclusive(plg)
    plg.select(observations="LB4M01010")
    local_mast.faults.bandwidth = 20_000
    job = plg.preview(0, wait=False)
    _wait_for(lambda: plugin.preview_state.status.endswith("of 342.7 kB"), what="no progress")
    plugin.vue_cancel_preview()
    with pytest.raises(JobCancelled):
        job.result(10)
    _settle(plugin)
    assert not plugin.preview_plot.get("loading") and not plugin.preview_plot.get("title")
