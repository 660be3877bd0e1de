"""MAST Search from a notebook: a preview with its progress, its time limit and cancel, a
search cancelled on its way, and what MAST says of the token."""

import time

import pytest

from glue_mast.errors import JobCancelled, ServerTimeout


def _settle(plugin, timeout=60):
    deadline = time.monotonic() + timeout
    while plugin.busy or plugin.fetching or plugin.preview_state.busy:
        assert time.monotonic() < deadline, "the plugin's jobs did not finish"
        time.sleep(0.02)


def _with_products(plg):
    plg.target = "TW Hya"
    plg.search()
    plg.select(observations=["LB4M01010"])
    return plg._obj


def test_a_preview_shows_its_progress_and_stops_at_its_time_limit(plg, local_mast):
    plugin = _with_products(plg)
    titles = []
    plugin.observe(lambda change: titles.append(change["new"].get("title")), "preview_plot")
    local_mast.faults.bandwidth = 20_000  # bytes per second: 17 s for the 342.7 kB file
    plugin.preview_state.timeout = 1.5
    started = time.monotonic()
    with pytest.raises(ServerTimeout, match=r"^no preview of lb4m01010_x1dsum\.fits after 1\.5 s"):
        plg.preview("lb4m01010_x1dsum.fits")
    assert time.monotonic() - started < 6
    # while it came, the title line said how much had
    assert any(t and t.startswith("lb4m01010_x1dsum.fits: ") and t.endswith(" of 342.7 kB")
               for t in titles), titles
    assert plugin.preview_plot["error"].startswith("no preview of lb4m01010_x1dsum.fits")
    assert not plugin.preview_plot["loading"] and plugin.preview_state.status == ""

    local_mast.faults.bandwidth = None  # at full speed, the same call shows it
    shown = plg.preview("lb4m01010_x1dsum.fits")
    assert shown.title == "HST COS G130M TWHYA" and plugin.preview_state.fraction == 1.0
    assert plugin.preview_state.error == ""


def test_cancel_stops_a_preview_and_shows_nothing(plg, local_mast):
    plugin = _with_products(plg)
    local_mast.faults.bandwidth = 20_000
    job = plg.preview(0, wait=False)
    deadline = time.monotonic() + 10
    while not plugin.preview_state.status.endswith("of 342.7 kB"):
        assert time.monotonic() < deadline, plugin.preview_state.status
        time.sleep(0.02)
    plg.cancel()
    with pytest.raises(JobCancelled):
        job.result(10)  # the transfer stops within about a second
    _settle(plugin)
    state = plugin.preview_state
    assert (state.status, state.error, state.x) == ("", "", None)
    assert not plugin.preview_plot.get("loading") and not plugin.preview_plot.get("error")


def test_cancel_stops_a_search_on_its_way(plg, local_mast):
    local_mast.faults.stall(2, times=2, match="/api/v0/invoke")  # the count and page 1
    plg.target = "TW Hya"
    job = plg.search(wait=False)
    time.sleep(0.2)
    plg.cancel()
    with pytest.raises(JobCancelled):
        job.result(10)
    _settle(plg._obj)
    assert plg.count == -1 and plg.results is None and plg._obj.error == ""
    assert plg.message == "cancelled"


def test_token_status_says_what_mast_says_of_the_token_never_the_token(plg, local_mast):
    import glue_mast
    from glue_mast.testing import VALID_TOKEN

    assert plg.token_status() == "No MAST token is set."
    glue_mast.configure(token=VALID_TOKEN)
    said = plg.token_status()
    assert said == (
        "MAST token of Local Archive User: exclusive access, MAST does not say when it expires."
    )
    assert VALID_TOKEN not in said


def test_a_new_page_size_returns_with_page_one_of_the_new_pages(plg, local_mast):
    plg.target = "TW Hya"
    plg.search()
    everything = list(plg.results["obs_id"])
    local_mast.faults.stall(0.5, times=2, match="Mast.Caom.Cone")  # pages take a while
    plg.page_size = 3  # a notebook line, then the next reads the page at once
    assert list(plg.results["obs_id"]) == everything[:3] and plg.page == 1
    plg.page = 3
    plg.page_size = 50
    assert list(plg.results["obs_id"]) == everything and plg.page == 1
    assert plg._obj.n_pages == 1 and plg._obj.error == ""
