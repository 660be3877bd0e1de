"""SearchState: one round trip per search, one request per page, nothing for re-reading."""

import json
import threading
import time

import pytest

import glue_mast
from glue_mast.errors import InputError
from glue_mast.jobs import JobCancelled
from glue_mast.state import SearchState

COUNT = "COUNT_BIG(*)"


def test_search_sends_count_and_page_one_at_the_same_time(local_mast, invokes):
    state = SearchState(obs_collection="SYNTHETIC", page_size=25)
    state.search().result()  # the column list, fetched once per process
    local_mast.clear_log()
    local_mast.faults.latency = 0.4
    count, rows = state.search().result()

    [counting] = invokes(columns=COUNT)
    [paging] = [r for r in invokes() if r is not counting]
    assert len(invokes()) == 2
    assert (paging.request["page"], paging.request["pagesize"]) == (1, 25)
    # Both were on their way before either was answered (each waits 0.4 s at the archive):
    assert abs(counting.time - paging.time) < 0.4
    assert (count, state.count, state.n_pages) == (100_000, 100_000, 4000)
    assert rows is state.rows and list(state.rows["obs_id"][[0, -1]]) == ["syn000000", "syn000024"]
    assert (state.page, state.busy, state.error) == (1, False, "")


def test_a_target_search_resolves_once_then_counts_and_pages(local_mast, invokes):
    state = SearchState(target="TW Hya", radius="0.1 deg")
    state.search().result()
    assert len(invokes("Mast.Name.Lookup")) == 1
    assert len(invokes(columns=COUNT)) == 1
    assert len(invokes("Mast.Caom.Cone")) == 1  # page 1 of a cone with no criteria
    assert state.count == 8 == len(state.rows)
    assert state.resolved_position == "TW Hya: RA 165.46627, Dec -34.70473 (SIMBAD)"


def test_reading_the_state_costs_no_request(local_mast):
    state = SearchState(obs_collection="SYNTHETIC", page_size=10)
    state.search().result()
    local_mast.clear_log()
    assert (state.count, state.n_pages, len(state.rows), state.page) == (100_000, 10_000, 10, 1)
    state.as_dict()
    json.dumps(state.as_dict())
    assert state.go_to_page(1).result() is state.rows  # the page shown: nothing to fetch
    assert local_mast.log == []


def test_paging_costs_one_request_per_page(local_mast, invokes):
    state = SearchState(obs_collection="SYNTHETIC", page_size=100)
    state.search().result()
    local_mast.clear_log()
    state.go_to_page(57).result()
    state.go_to_page(3).result()
    assert [(r.request["page"], r.request["pagesize"]) for r in invokes()] == [(57, 100), (3, 100)]
    assert (state.page, state.rows["obs_id"][0], state.count) == (3, "syn000200", 100_000)


def test_paging_without_a_search_builds_it_and_fetches_only_that_page(local_mast, invokes):
    state = SearchState(obs_collection="SYNTHETIC", page_size=100)
    state.go_to_page(2).result()
    assert [(r.request["page"], r.request["params"]["columns"]) for r in invokes()] == [(2, "*")]
    assert (state.page, state.count, state.n_pages) == (2, 100_000, 1000)


def test_a_page_past_the_end_is_refused_without_a_request(local_mast, settle):
    state = SearchState(obs_collection="SYNTHETIC", page_size=50_000)
    state.search().result()
    local_mast.clear_log()
    job = state.go_to_page(3)
    with pytest.raises(InputError, match="page 3 is past the end: there are 2 pages"):
        job.result()
    settle(state)
    assert (state.error_field, local_mast.log) == ("page", [])
    assert state.rows is not None  # the page shown stays


def test_radius_change_does_not_resolve_again_but_a_target_change_does(local_mast, invokes):
    state = SearchState(target="TW Hya", radius="0.1 deg")
    state.search().result()
    state.radius = "0.02 deg"
    state.obs_collection = "HST"
    state.search().result()
    assert len(invokes("Mast.Name.Lookup")) == 1
    state.target = "AU Mic"
    state.search().result()
    assert [r.request["params"]["input"] for r in invokes("Mast.Name.Lookup")] == [
        "TW Hya",
        "AU Mic",
    ]
    assert state.resolved_position.startswith("AU Mic: RA 311.28971")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("obs_collection", "IUE"),
        ("calib_level", "2"),
        ("t_min", "2001-01-01"),
        ("em_max", "300 nm"),
        ("extra_criteria", {"proposal_pi": "Linsky*"}),
        ("coordinates", "150 2"),
        ("sort", "t_min"),
    ],
)
def test_changing_a_criterion_clears_the_results_and_sends_nothing(local_mast, name, value):
    state = SearchState(obs_collection="SYNTHETIC", page_size=10)
    state.search().result()
    state.go_to_page(4).result()
    state.selected_obsids = [str(state.rows["obsid"][0])]
    local_mast.clear_log()
    setattr(state, name, value)
    assert (state.count, state.rows, state.n_pages) == (None, None, None)
    assert (state.page, state.selected_obsids) == (1, [])
    assert local_mast.log == []


def test_a_new_page_size_keeps_the_count(local_mast, settle):
    state = SearchState(obs_collection="SYNTHETIC", page_size=10)
    state.search().result()
    local_mast.clear_log()
    state.page_size = 1000
    assert (state.count, state.n_pages, state.rows) == (100_000, 100, None)
    assert local_mast.log == []
    state.go_to_page(2).result()
    assert len(state.rows) == 1000 and state.rows["obs_id"][0] == "syn001000"
    state.page_size = ""  # half typed: no pages until it is a number, and no error yet
    assert (state.count, state.n_pages, state.error) == (100_000, None, "")
    with pytest.raises(InputError):
        state.go_to_page(1).result()
    settle(state)
    assert (state.error_field, state.error) == (
        "page_size",
        "page size must be a positive whole number, got ''",
    )


def test_dates_and_wavelengths_select_overlapping_observations(local_mast, invokes):
    state = SearchState(
        obs_collection="IUE, HST",
        calib_level="2,3",
        t_min="1995-01-01",
        t_max="2000-12-31",
        em_min="150 nm",
        em_max="0.2 um",
    )
    state.search().result()
    sent = invokes(columns=COUNT)[0].request["params"]["filters"]
    filters = {f["paramName"]: f["values"] for f in sent}
    assert filters["obs_collection"] == ["IUE", "HST"]
    assert filters["calib_level"] == ["2", "3"]
    # An observation overlaps [start, end] when it ends after start and starts before end.
    assert filters["t_max"] == [{"min": 49718.0, "max": 1e30}]
    assert filters["t_min"] == [{"min": -1e30, "max": 51909.0}]
    assert filters["em_max"] == [{"min": 150.0, "max": 1e30}]
    assert filters["em_min"] == [{"min": -1e30, "max": 200.0}]
    reference = glue_mast.search(
        obs_collection=["IUE", "HST"],
        calib_level=[2, 3],
        t_max=["1995-01-01", None],
        t_min=[None, "2000-12-31"],
        em_max=["150 nm", None],
        em_min=[None, "200 nm"],
    )
    assert state.count == reference.count > 0
    for row in state.rows:
        assert row["t_max"] >= 49718.0 and row["t_min"] <= 51909.0
        assert row["em_max"] >= 150.0 and row["em_min"] <= 200.0


def test_a_superseded_search_does_not_overwrite_a_newer_one(local_mast, queued):
    state = SearchState(dispatch=queued, obs_collection="SYNTHETIC")
    first = state.search()
    first.wait()
    time.sleep(0.05)  # done callbacks run just after the job's result is set
    stale = queued.take()  # the first search's results, not yet shown
    state.obs_collection = "IUE"
    second = state.search()
    second.wait()
    time.sleep(0.05)
    queued.drain()
    for fn in stale:  # the old answers arrive after the new ones
        fn()
    queued.drain()
    iue = glue_mast.search(obs_collection="IUE").count
    assert state.count == iue == len(state.rows)
    assert set(state.rows["obs_collection"]) == {"IUE"}
    assert state.busy is False


def test_a_later_search_wins_over_one_still_on_its_way(local_mast, settle):
    state = SearchState(obs_collection="SYNTHETIC")
    state.search().result()  # column list
    local_mast.faults.stall(0.5, times=2, match="/api/v0/invoke")
    first = state.search()
    time.sleep(0.1)
    state.obs_collection = "FUSE"
    second = state.search()
    first.wait(), second.wait()
    settle(state)
    assert set(state.rows["obs_collection"]) == {"FUSE"}
    assert state.count == len(state.rows)


def test_results_land_through_dispatch_on_the_front_ends_thread(local_mast, queued):
    state = SearchState(dispatch=queued, obs_collection="SYNTHETIC")
    threads = []
    state.add_callback("rows", lambda rows: threads.append(threading.current_thread()))
    state.add_callback("count", lambda count: threads.append(threading.current_thread()))
    job = state.search()
    job.wait()
    assert state.rows is None and state.count is None and state.busy  # nothing landed yet
    time.sleep(0.05)
    queued.drain()
    assert state.count == 100_000 and len(state.rows) == 50 and not state.busy
    assert threads and set(threads) == {threading.main_thread()}


@pytest.mark.parametrize(
    ("inputs", "field", "message"),
    [
        ({"target": "TW Hya", "radius": "5"}, "radius", "radius '5' has no unit"),
        ({"target": "TW Hya", "radius": "2 parsec"}, "radius", "is not an angle"),
        ({"target": "Nowhere Land"}, "target", "could not resolve 'Nowhere Land'"),
        ({"coordinates": "north of here"}, "coordinates", "could not read coordinates"),
        ({"target": "M8", "coordinates": "10 20"}, "coordinates", "not both"),
        ({"obs_collection": "IUE", "extra_criteria": {"obs_colection": "x"}}, "extra_criteria",
         "unknown criteria field 'obs_colection'; did you mean obs_collection"),
        ({"calib_level": "two"}, "calib_level", "calib_level takes whole numbers"),
        ({"obs_collection": "IUE", "t_min": "yesterday-ish"}, "t_min", "t_min takes dates"),
        ({"obs_collection": "IUE", "t_min": "2012-01-01", "t_max": "2010-01-01"}, "t_min",
         "the date range is reversed"),
        ({"obs_collection": "IUE", "em_max": "3 kg"}, "em_max", "cannot be converted"),
        ({"obs_collection": "IUE", "sort": "-brightness"}, "sort", "unknown sort field"),
        ({"obs_collection": "IUE", "page_size": 0}, "page_size", "page size"),
        ({}, "target", "give a target, coordinates or at least one criterion"),
    ],
)
def test_errors_land_as_one_line_and_the_input_they_concern(
    local_mast, settle, inputs, field, message
):
    state = SearchState(**inputs)
    job = state.search()
    with pytest.raises(InputError):
        job.result()
    settle(state)
    assert message in state.error
    assert "\n" not in state.error and "Traceback" not in state.error
    assert state.error_field == field
    assert (state.count, state.rows) == (None, None)


def test_a_bad_input_is_refused_before_any_query(local_mast, invokes, settle):
    state = SearchState(target="TW Hya", radius="-1 deg")
    state.search().wait()
    settle(state)
    assert state.error_field == "radius" and local_mast.log == []


def test_a_server_error_lands_as_error_with_no_field(local_mast, settle):
    state = SearchState(obs_collection="SYNTHETIC")
    state.search().result()
    local_mast.faults.error(500, times=10, match="/api/v0/invoke")
    state.search().wait()
    settle(state)
    assert "HTTP 500" in state.error and state.error_field == ""
    local_mast.faults.reset()
    state.search().result()
    assert (state.error, state.count) == ("", 100_000)


def test_cancel_drops_the_search_on_its_way(local_mast, settle):
    state = SearchState(obs_collection="SYNTHETIC")
    state.search().result()
    local_mast.faults.stall(0.5, times=2, match="/api/v0/invoke")
    job = state.search()
    time.sleep(0.1)
    assert state.busy
    state.cancel()
    with pytest.raises(JobCancelled):
        job.result()
    settle(state)
    assert (state.count, state.rows, state.error, state.busy) == (None, None, "", False)
    assert job.cancelled


def test_a_search_cancelled_after_its_count_but_before_its_page_leaves_no_count(
    local_mast, settle
):
    state = SearchState(target="TW Hya", radius="0.1 deg")
    local_mast.faults.executing(10**6, match="Mast.Caom.Cone")  # the page, not the count
    job = state.search()
    deadline = time.monotonic() + 20
    while state.count is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert state.count == 8 and state.rows is None and state.n_pages == 1
    state.cancel()
    # A count with no page would offer pages of a search that was stopped.
    assert (state.count, state.n_pages, state.rows) == (None, None, None)
    local_mast.faults.reset()
    with pytest.raises(JobCancelled):
        job.result()
    settle(state)
    assert (state.count, state.rows, state.error, state.busy) == (None, None, "", False)


def test_as_dict_and_update_from_dict_round_trip(local_mast):
    state = SearchState(
        target="TW Hya",
        radius="30 arcsec",
        obs_collection="HST",
        instrument_name="COS/FUV, STIS/FUV-MAMA",
        dataproduct_type="spectrum",
        calib_level="2,3",
        proposal_id="11533",
        t_min="2010-01-01",
        t_max="2012-12-31",
        em_min="100 nm",
        em_max="300 nm",
        extra_criteria={"proposal_pi": "Linsky*"},
        page_size=20,
        sort="-t_min",
    )
    saved = json.loads(json.dumps(state.as_dict()))
    assert saved["radius"] == "30 arcsec" and saved["extra_criteria"] == {"proposal_pi": "Linsky*"}
    again = SearchState()
    again.update_from_dict(saved)
    assert again.as_dict() == state.as_dict() == saved
    assert SearchState(**saved).as_dict() == saved
    with pytest.raises(InputError, match="unknown search input 'colour'") as info:
        again.update_from_dict({"colour": "red"})
    assert info.value.field == "colour"
    assert local_mast.log == []


def test_defaults(local_mast):
    state = SearchState()
    assert (state.radius, state.page, state.page_size, state.extra_criteria) == (
        "0.2 deg",
        1,
        50,
        {},
    )
    assert (state.count, state.rows, state.n_pages, state.busy, state.error) == (
        None,
        None,
        None,
        False,
        "",
    )


def test_sorted_search_counts_then_pages(local_mast, invokes):
    state = SearchState(obs_collection="IUE", sort="-t_min", page_size=3)
    state.search().result()
    t = list(state.rows["t_min"])
    assert t == sorted(t, reverse=True) and len(t) == 3
    assert len(invokes(columns=COUNT)) == 1


def test_choices_come_from_the_server_once_per_server(local_mast, invokes):
    from glue_mast.archive import facets

    facets.clear_cache()
    state = SearchState()
    state.load_choices().result()
    assert "IUE" in state.collection_choices and "SYNTHETIC" in state.collection_choices
    assert state.collection_choices == glue_mast.collections()
    assert {"COS/FUV", "STIS/FUV-MAMA", "SWP", "Kepler"} <= set(state.instrument_choices)
    local_mast.clear_log()
    reopened = SearchState()
    reopened.load_choices().result()
    assert reopened.instrument_choices == state.instrument_choices
    assert invokes("Mast.Caom.All") == []


def test_selected_rows_follow_the_page(local_mast):
    state = SearchState(target="TW Hya", radius="0.1 deg")
    state.search().result()
    picked = [str(o) for o in state.rows["obsid"][[0, 2]]]
    state.selected_obsids = picked
    assert [str(o) for o in state.selected_rows()["obsid"]] == picked
    assert state.selected_rows().meta["query"]["target"] == "TW Hya"
    state.radius = "0.2 deg"
    assert state.selected_obsids == [] and state.selected_rows() is None


def test_requesting_follows_the_requests_not_their_winding_down(local_mast, settle):
    """``requesting`` is what a form's "Searching…" and its Cancel follow: True while a
    search or page is wanted, False at once on cancel (while the request in flight still
    runs, and ``busy`` stays True), and never set by the form's choices."""
    state = SearchState(target="TW Hya", radius="0.1 deg")
    seen = []
    state.add_callback("requesting", seen.append)
    state.load_choices().result()
    settle(state)
    assert seen == [] and state.requesting is False
    local_mast.faults.executing(10**6, match="Mast.Caom.Cone")  # the page never comes
    job = state.search()
    assert state.requesting is True and state.busy is True
    state.cancel()
    assert state.requesting is False and state.busy is True  # the request still returns
    local_mast.faults.reset()
    with pytest.raises(JobCancelled):
        job.result()
    settle(state)
    assert (state.requesting, state.busy) == (False, False)
    state.search().result()
    settle(state)
    assert state.requesting is False and state.rows is not None
    assert seen == [True, False, True, False]
