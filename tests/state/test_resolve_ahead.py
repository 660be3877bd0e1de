"""SearchState.resolve_ahead: a name resolved while the user pauses, so Search is one trip."""

from glue_mast.state import SearchState

LOOKUP = "Mast.Name.Lookup"


def test_a_name_resolved_ahead_is_not_resolved_again(local_mast, invokes):
    state = SearchState(radius="0.1 deg")
    state.resolve_ahead("TW Hya").result()
    assert len(invokes(LOOKUP)) == 1
    assert state.error == "" and state.count is None  # nothing of the state changed
    assert state.resolve_ahead("TW Hya") is None  # the same name: nothing to do
    state.target = "TW Hya"
    state.search().result()
    assert state.count == 8
    assert len(invokes(LOOKUP)) == 1


def test_a_search_during_the_resolve_waits_for_it_instead_of_asking_again(local_mast, invokes):
    local_mast.faults.latency = 0.3
    state = SearchState(target="TW Hya", radius="0.1 deg")
    ahead = state.resolve_ahead()
    state.search().result()
    assert ahead.done
    assert state.count == 8
    assert len(invokes(LOOKUP)) == 1


def test_a_name_that_does_not_resolve_is_reported_by_the_search(local_mast, invokes):
    state = SearchState(target="Nonexistent Object 123")
    ahead = state.resolve_ahead()
    ahead.wait()
    assert ahead.exception() is not None and state.error == ""
    state.search().wait()
    assert state.error_field == "target"
    assert state.error.startswith("could not resolve 'Nonexistent Object 123'")
