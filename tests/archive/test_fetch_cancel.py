"""glue_mast.archive.fetch.cancel: waking a transfer blocked on a silent socket, and the
rename gate a cancelled fetch closes."""

import threading
import time

import pytest
import requests

from glue_mast.archive.fetch.cancel import Breaker, TransferCancelled
from glue_mast.archive.fetch.layout import download_url
from glue_mast.archive.fetch.outcome import FileOutcome, FileStatus, PlannedFile

SOME_URI = "mast:K2/url/missions/k2/lightcurves/c0/202000000/60000/ktwo202060092-c00_llc.fits"


def session_for(breaker):
    session = requests.Session()
    adapter = breaker.adapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def k2_uri(local_mast):
    import glue_mast

    return str(glue_mast.products("2410004002")[0]["dataURI"])


def test_trip_wakes_a_read_blocked_mid_body(local_mast):
    uri = k2_uri(local_mast)
    local_mast.faults.stall_body(10_000, 60, match=uri)
    breaker = Breaker()
    got, ended = [], threading.Event()

    def read():
        try:
            with session_for(breaker).get(
                download_url(uri, local_mast.url), stream=True, timeout=(5, 60)
            ) as response:
                while chunk := response.raw.read1(65536):
                    got.append(len(chunk))
        except Exception as exc:  # what a broken connection raises; the transfer handles it
            got.append(type(exc).__name__)
        ended.set()

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + 10
    while sum(n for n in got if isinstance(n, int)) < 10_000:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert not ended.wait(0.3)  # blocked: the archive sends nothing more for a minute
    tripped = time.perf_counter()
    breaker.trip()
    assert ended.wait(2) and time.perf_counter() - tripped < 0.5
    assert sum(n for n in got if isinstance(n, int)) == 10_000


def test_no_connection_after_a_trip(local_mast):
    breaker = Breaker()
    breaker.trip()
    with pytest.raises(TransferCancelled):
        session_for(breaker).get(f"{local_mast.url}/whoami", timeout=5)
    assert local_mast.log == []


def test_no_rename_once_closed(tmp_path):
    breaker = Breaker()
    f = PlannedFile(uri=SOME_URI, url="", path=tmp_path / "a.fits", size=1, record={})
    outcome = FileOutcome(f, FileStatus.FAILED)
    with breaker.committing(outcome):
        outcome.status = FileStatus.DOWNLOADED
    assert breaker.committed == {id(f): outcome}
    breaker.close()
    late = FileOutcome(PlannedFile(SOME_URI, "", tmp_path / "b.fits", 1, {}), FileStatus.FAILED)
    with pytest.raises(TransferCancelled), breaker.committing(late):
        pytest.fail("renamed after the fetch wound up")
    assert list(breaker.committed) == [id(f)]
