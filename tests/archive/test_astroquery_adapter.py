"""One setting sends every request to one base URL; failures become one clear line."""

import socket
import time
import subprocess
import sys

import numpy as np
import pytest

import glue_mast
from glue_mast import config
from glue_mast.archive import astroquery_adapter as adapter
from glue_mast.errors import InputError, ServerConnectionError, ServerError, ServerTimeout


def test_configure_points_every_astroquery_url(local_mast):
    import astroquery.mast as aqm
    from astroquery.mast import discovery_portal, services

    url = local_mast.url
    assert config.current_server() == url
    assert aqm.conf.server == url
    assert discovery_portal.PortalAPI.MAST_REQUEST_URL == url + "/api/v0/invoke"
    assert discovery_portal.PortalAPI.MAST_DOWNLOAD_URL == url + "/api/v0.1/Download/file"
    assert services.ServiceAPI.REQUEST_URL == url + "/api/v0.1/"
    assert aqm.Observations._auth_obj.SESSION_INFO_URL == url + "/whoami"
    assert aqm.Catalogs._service_api_connection.REQUEST_URL == url + "/api/v0.1/"
    assert aqm.MastMissions._service_api_connection.REQUEST_URL.startswith(url + "/search/")


def test_switching_back_to_mast_restores_the_defaults(local_mast):
    import astroquery.mast as aqm
    from astroquery.mast import discovery_portal

    config.configure(server="https://mast.stsci.edu")
    try:
        assert discovery_portal.PortalAPI.MAST_REQUEST_URL == (
            "https://mast.stsci.edu/api/v0/invoke"
        )
        assert aqm.Catalogs._service_api_connection.REQUEST_URL == (
            "https://catalogs.mast.stsci.edu/api/v0.1/"
        )
        assert aqm.utils._simple_request is adapter._original_simple_request
    finally:
        config.configure(server=local_mast.url)


def test_environment_variable_is_used(local_mast, monkeypatch):
    config.reset()
    monkeypatch.setenv("GLUE_MAST_SERVER", local_mast.url + "/")
    assert config.current_server() == local_mast.url
    assert glue_mast.search("TW Hya").count == 8
    # An explicit setting wins over the environment.
    config.configure(server="http://127.0.0.1:1")
    assert config.current_server() == "http://127.0.0.1:1"


def test_environment_in_a_fresh_process(local_mast):
    code = "import glue_mast; print(glue_mast.search('AU Mic').count)"
    env = {"GLUE_MAST_SERVER": local_mast.url, "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert out.stdout.strip() == "5"
    assert local_mast.requests(service="Mast.Name.Lookup")


def test_astroquerys_own_resolver_is_redirected_too(local_mast):
    from astroquery.mast import Observations

    assert len(Observations.query_object("AU Mic")) == 5
    assert local_mast.requests(path="/Santa-war/query")


def test_bad_server_url():
    with pytest.raises(InputError, match="not an http"):
        config.configure(server="mast.stsci.edu")


def _closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_connection_refused(local_mast):
    config.configure(server=f"http://127.0.0.1:{_closed_port()}")
    with pytest.raises(ServerConnectionError, match="could not reach MAST .*connection refused"):
        glue_mast.search(obs_collection="HST")


def test_persistent_503_says_try_later(local_mast):
    q = glue_mast.search(obs_collection="HST")
    local_mast.faults.error(503, retry_after=0, times=20, match="/api/v0/invoke")
    with glue_mast.conf.set_temp("retries", 1):
        adapter.apply(force=True)
        try:
            with pytest.raises(ServerError, match=r"HTTP 503 .*try again in a few minutes"):
                q.count
        finally:
            adapter.apply(force=True)
    assert len(local_mast.requests(path="/api/v0/invoke")) == 2  # the first try and 1 retry


def test_429_and_503_are_retried_honouring_retry_after(local_mast):
    local_mast.faults.error(429, retry_after=1, times=1, match="/api/v0/invoke")
    local_mast.faults.error(503, retry_after=0, times=1, match="/api/v0/invoke")
    assert glue_mast.search("TW Hya").count == 8
    statuses = [r.status for r in local_mast.requests(path="/api/v0/invoke")]
    assert statuses[:3] == [429, 503, 200]


def test_timeout_names_the_setting(local_mast):
    config.configure(timeout=0.5)
    local_mast.faults.stall(3, match="/api/v0/invoke")
    with pytest.raises(ServerTimeout, match=r"did not answer within 0.5 s .*GLUE_MAST_TIMEOUT") as e:
        glue_mast.search(obs_collection="IUE").count
    assert (e.value.field, e.value.value) == ("timeout", 0.5)
    assert "--" not in str(e.value)  # the core names no command-line option


def test_malformed_json_is_a_server_error(local_mast):
    q = glue_mast.search(obs_collection="IUE")
    local_mast.faults.malformed_json(match="Mast.Caom.Filtered")
    with pytest.raises(ServerError, match="malformed JSON"):
        q.count


def test_not_a_mast_server(local_mast):
    local_mast.faults.error(404, times=1, match="columnsconfig", body="<html>nope</html>")
    with pytest.raises(ServerError, match="HTTP 404") as e:
        glue_mast.search(obs_collection="IUE")
    assert (e.value.field, e.value.value) == ("server", local_mast.url)


def test_executing_answers_are_waited_for(local_mast):
    q = glue_mast.search(obs_collection="IUE")
    local_mast.faults.executing(2, match="Mast.Caom.Filtered")
    assert q.count == 3


def test_mast_error_message_is_passed_on(local_mast):
    from astroquery.mast import Observations

    with (
        pytest.raises(ServerError, match="MAST reported an error .*Unknown service"),
        adapter._LOCK,
        adapter.astroquery_call("testing"),
    ):
        Observations._portal_api_connection.service_request("Mast.Unknown.Service", {})


def test_import_is_light():
    code = (
        "import sys, glue_mast; "
        "heavy = [m for m in ('astroquery', 'astropy', 'glue', 'qtpy', 'jdaviz', 'specutils', "
        "'requests', 'numpy') if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "[]"


def test_core_has_no_gui_imports():
    code = (
        "import sys, glue_mast.archive.search, glue_mast.archive.products, glue_mast.cli; "
        "print([m for m in ('qtpy', 'PySide6', 'ipyvuetify', 'jdaviz', 'glue_qt') "
        "if m in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "[]"


def test_astroquery_internals_are_touched_in_the_adapter_only():
    # astroquery's private attributes and its raw JSON answers are used by one module, so that
    # an astroquery release that changes them is met in one place.
    from pathlib import Path

    package = Path(glue_mast.__file__).parent
    markers = (
        "._parse_result",
        '["paging"]',
        "._column_configs",
        "_portal_api_connection",
        # Mashup requests sent and their answers read by hand (Mast.Caom.All's facet table).
        "service_request_async",
        '["Tables"]',
        "histObj",
    )
    offenders = [
        f"{path.relative_to(package)}: {marker}"
        for path in package.rglob("*.py")
        if "astroquery_adapter" not in path.relative_to(package).parts
        # The local archive is the server side: it writes MAST's answers.
        and path.relative_to(package).parts[0] != "testing"
        for marker in markers
        if marker in path.read_text()
    ]
    assert offenders == []


# --- Retry-After and EXECUTING on queries -----------------------------------------------------


@pytest.mark.parametrize("value", ["soon", "1.5e3", "Tue, 99 Foo 2026"])
def test_a_retry_after_that_is_no_delay_is_treated_as_absent(local_mast, value):
    q = glue_mast.search(obs_collection="IUE")
    local_mast.faults.error(429, retry_after=value, times=1, match="Mast.Caom.Filtered")
    local_mast.clear_log()
    assert q.count == 3
    statuses = [r.status for r in local_mast.requests(path="/api/v0/invoke")]
    assert statuses == [429, 200]


@pytest.mark.parametrize(
    "seconds, shown", [(86400, "86400 s (1 day)"), (7200, "7200 s (2 hours)"), (31, "31 s")]
)
def test_a_retry_after_longer_than_the_timeout_fails_at_once(local_mast, seconds, shown):
    config.configure(timeout=30)
    q = glue_mast.search(obs_collection="IUE")
    local_mast.faults.error(429, retry_after=seconds, times=5, match="Mast.Caom.Filtered")
    local_mast.clear_log()
    start = time.monotonic()
    with pytest.raises(ServerError) as info:
        q.count
    assert time.monotonic() - start < 2
    assert str(info.value) == (
        f"MAST asked to wait {shown} before answering while counting observations, longer "
        "than the 30 s timeout; try again later"
    )
    assert [r.status for r in local_mast.requests(path="/api/v0/invoke")] == [429]


def test_a_retry_after_within_the_timeout_is_waited_for(local_mast):
    config.configure(timeout=5)
    q = glue_mast.search(obs_collection="IUE")
    local_mast.faults.error(503, retry_after=2, times=1, match="Mast.Caom.Filtered")
    local_mast.clear_log()
    assert q.count == 3
    first, second = local_mast.requests(path="/api/v0/invoke")
    assert (first.status, second.status) == (503, 200)
    assert second.time - first.time >= 1.95


def _polls(archive, service="Mast.Caom.Filtered"):
    return [r for r in archive.requests(path="/api/v0/invoke") if r.service == service]


def test_a_query_that_stays_executing_ends_at_the_timeout_politely(local_mast):
    config.configure(timeout=5)
    q = glue_mast.search(obs_collection="IUE")
    local_mast.faults.executing(10**6, match="Mast.Caom.Filtered")
    local_mast.clear_log()
    start = time.monotonic()
    with pytest.raises(ServerTimeout) as info:
        q.count
    took = time.monotonic() - start
    polls = _polls(local_mast)
    assert 4.9 <= took <= 6
    assert 5 <= len(polls) <= 10  # astroquery alone: thousands a second
    gaps = [b.time - a.time for a, b in zip(polls, polls[1:], strict=False)]
    assert all(0.09 <= g <= 2.3 for g in gaps) and gaps[1] > gaps[0]
    assert str(info.value) == (
        f"MAST at {local_mast.url} was still working on the query after 5 s ({len(polls)} "
        "answers of EXECUTING) while counting observations; it was given the 5 s timeout: try "
        "again later, allow longer (the timeout setting, GLUE_MAST_TIMEOUT), or narrow the search"
    )
    assert info.value.field == "timeout"
    # The next query starts afresh.
    local_mast.faults.reset()
    assert glue_mast.search(obs_collection="IUE").count == 3


def test_a_query_executing_a_while_is_polled_with_backoff_and_answers(local_mast):
    q = glue_mast.search(obs_collection="IUE")
    local_mast.faults.executing(3, match="Mast.Caom.Filtered")
    local_mast.clear_log()
    assert q.count == 3
    polls = _polls(local_mast)
    assert len(polls) == 4
    gaps = [b.time - a.time for a, b in zip(polls, polls[1:], strict=False)]
    # The waits double from 0.1 s. A busy machine can only lengthen a gap, never shorten it,
    # so the lower bounds are exact and the upper ones generous.
    for gap, wait in zip(gaps, [0.1, 0.2, 0.4], strict=True):
        assert wait - 0.02 <= gap < wait + 1.0, gaps


def test_astroquerys_own_paging_is_not_cut_by_the_timeout(local_mast):
    """The timeout is per request (and per EXECUTING wait), not per paged call."""
    from astroquery.mast import Observations

    config.configure(timeout=1)
    local_mast.faults.latency = 0.4
    local_mast.faults.executing(1, match="Mast.Caom.Filtered")
    start = time.monotonic()
    table = Observations.query_criteria(obs_collection="IUE", pagesize=1)
    assert len(table) == 3 and time.monotonic() - start > 1.5
    pages = [r.request["page"] for r in _polls(local_mast)]
    assert pages == [1, 1, 2, 3]


def test_an_abandoned_poll_does_not_count_against_the_next_call(local_mast):
    """A call that stopped polling (an error, astroquery's own limit) leaves no debt behind."""
    from astroquery.mast import Observations

    config.configure(timeout=2)
    session = Observations._session
    url = local_mast.url + "/api/v0/invoke"
    body = 'request={"service": "Mast.Name.Lookup", "params": {"input": "TW Hya"}}'
    headers = {"Content-type": "application/x-www-form-urlencoded"}
    local_mast.faults.executing(2, match="Mast.Name.Lookup")
    assert session.post(url, data=body, headers=headers).json()["status"] == "EXECUTING"
    assert session.post(url, data=body, headers=headers).json()["status"] == "EXECUTING"
    time.sleep(2.2)  # the caller gave up on that one; this is a new call
    answer = session.post(url, data=body, headers=headers)
    assert answer.json()["resolvedCoordinate"][0]["canonicalName"] == "V* TW Hya"
    assert len(local_mast.requests(path="/api/v0/invoke")) == 3


def test_polls_are_paced_under_a_server_url_with_a_path():
    """A mirror may serve MAST's API below a path of its own."""
    from glue_mast.archive.mast_http import _is_invoke

    class Request:
        url = "https://mirror.example.org/mast/api/v0/invoke?x=1"

    assert _is_invoke(Request())
    Request.url = "https://mirror.example.org/mast/portal/Mashup/Mashup.asmx/columnsconfig"
    assert not _is_invoke(Request())


# --- one function per MAST call; the lock is the adapter's own ---------------------------------


def test_the_archive_calls_astroquery_through_the_adapter_functions_only():
    from pathlib import Path

    package = Path(glue_mast.__file__).parent
    markers = ("adapter.LOCK", "_async(", "adapter.observations()", "adapter.mast()")
    offenders = [
        f"{path.relative_to(package)}: {marker}"
        for path in package.rglob("*.py")
        if "astroquery_adapter" not in path.relative_to(package).parts
        and path.relative_to(package).parts[0] != "testing"
        for marker in markers
        if marker in path.read_text()
    ]
    assert offenders == []
    assert not hasattr(adapter, "LOCK")


def test_one_function_per_call_against_the_archive(local_mast):
    from astropy.coordinates import SkyCoord

    coord, info = adapter.resolve("TW Hya")
    assert info["canonicalName"] == "V* TW Hya"
    from glue_mast.archive.search import parse_radius

    radius = parse_radius("0.02 deg")
    assert adapter.count_observations({}, coord, radius) == 8
    table, total = adapter.observation_page(1, 3, {}, coord, radius)
    assert (len(table), total) == (3, 8)
    table, total = adapter.observation_page(1, 50, {"obs_collection": ["IUE"]})
    assert (len(table), total) == (3, 3)
    assert adapter.count_observations({"obs_collection": ["IUE"]}) == 3
    products = adapter.product_list(np.array([str(o) for o in table["obsid"]]))
    assert len(products) and set(products["obsID"]) <= {str(o) for o in table["obsid"]}
    kept = adapter.filter_products(products, productType="SCIENCE")
    assert 0 < len(kept) <= len(products)
    assert "IUE" in adapter.list_missions()
    assert isinstance(coord, SkyCoord)


def test_astroquerys_simple_request_is_left_alone_when_its_source_changed(
    local_mast, monkeypatch, caplog
):
    import astroquery.mast as aqm

    from glue_mast.archive.astroquery_adapter import connection
    from glue_mast import util

    monkeypatch.setattr(util, "_declined", set())
    adapter.apply(force=True)
    assert aqm.utils._simple_request is not adapter._original_simple_request  # wrapped
    monkeypatch.setattr(connection, "ASTROQUERY_SIMPLE_REQUEST_SHA256", "0" * 64)
    try:
        with caplog.at_level("WARNING", logger="glue_mast"):
            adapter.apply(force=True)
            adapter.apply(force=True)
        assert aqm.utils._simple_request is adapter._original_simple_request
        lines = [r.getMessage() for r in caplog.records if r.name == "glue_mast"]
        assert len(lines) == 1
        assert lines[0].startswith(
            "glue-mast does not replace astroquery.mast.utils._simple_request: its source"
        )
        assert "glue_mast.conf.redirect_astroquery_hosts" in lines[0]
    finally:
        monkeypatch.undo()
        adapter.apply(force=True)
    assert aqm.utils._simple_request is not adapter._original_simple_request


def test_the_redirect_of_astroquerys_hosts_can_be_switched_off(local_mast):
    import astroquery.mast as aqm

    with glue_mast.conf.set_temp("redirect_astroquery_hosts", False):
        adapter.apply()
        assert aqm.utils._simple_request is adapter._original_simple_request
    adapter.apply()
    assert aqm.utils._simple_request is not adapter._original_simple_request
    assert len(aqm.Observations.query_object("AU Mic")) == 5
