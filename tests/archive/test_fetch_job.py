"""glue_mast.start_fetch: a fetch as a background job, its progress events, cancel, the cache.

Against the local archive over real HTTP; faults (bandwidth, a stall mid-body) from its knobs.
"""

import _thread
import hashlib
import io
import threading
import time
from pathlib import Path

import pytest

import glue_mast
from glue_mast import config
from glue_mast.archive.fetch import (
    BytesReceived,
    FetchCancelled,
    FetchEnded,
    FetchInterrupted,
    FetchJob,
    FetchStarted,
    FileFinished,
    FileStatus,
    fetch,
    start_fetch,
)
from glue_mast.archive.fetch.progress import ProgressBar
from glue_mast.jobs import JobCancelled
from glue_mast.provenance import Manifest

DOWNLOAD = "/api/v0.1/Download/file"


def served(archive, uri):
    return archive.catalog.file(uri)[0]


def sha(data):
    return hashlib.sha256(data).hexdigest()


def downloads(archive):
    return [r for r in archive.log if r.path == DOWNLOAD]


@pytest.fixture
def tw_hya(local_mast):
    """Calibrated science products of TW Hya: 9 public files (1.86 MB) and 2 exclusive."""
    return glue_mast.products(glue_mast.search("TW Hya").all(), mrp_only=False)


@pytest.fixture
def k2(local_mast):
    return glue_mast.products("2410004002")  # one K2 light curve, 48,960 bytes


def wait_until(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def assert_disk_matches_manifest(archive, root):
    """Every file under its final name is whole and in the manifest; the manifest, no more."""
    m = Manifest.read(root / "manifest.json")
    report = m.verify()
    # what the fetch did not finish is listed as incomplete, not called whole
    assert report.problems == report.incomplete
    assert not {Path(d["path"]) for d in m.incomplete} & set(root.rglob("*.fits"))
    finals = {p for p in root.rglob("*.fits")}
    assert finals == {Path(d["path"]) for d in m.datasets}
    for record in m.datasets:
        assert Path(record["path"]).read_bytes() == served(archive, record["dataURI"])
    return m


# --- the job ---------------------------------------------------------------------------------


def test_start_fetch_returns_at_once_with_the_plan(local_mast, tw_hya, tmp_path):
    local_mast.faults.bandwidth = 1_000_000
    began = time.perf_counter()
    job = start_fetch(tw_hya, tmp_path, parallel=4)
    assert time.perf_counter() - began < 0.5
    assert isinstance(job, FetchJob) and isinstance(job, glue_mast.jobs.Job)
    assert not job.done
    assert len(job.plan.to_fetch) == 9 and len(job.plan.skipped) == 2
    assert job.plan.fetch_size == 1_857_600
    result = job.result(timeout=60)
    assert job.done and not job.cancelled
    assert result.ok and len(result.downloaded) == 9
    assert result.manifest.path == tmp_path / "manifest.json"
    assert glue_mast.start_fetch is start_fetch and glue_mast.FetchJob is FetchJob


def test_events_come_from_the_job_thread_at_most_10_a_second(local_mast, tw_hya, tmp_path):
    local_mast.faults.bandwidth = 300_000  # about 2 s in all, 4 at a time
    events = []

    def listen(event):
        events.append((time.monotonic(), threading.current_thread().name, event))

    fetch(tw_hya, tmp_path, parallel=4, progress=listen)
    assert {name for _, name, _ in events} == {"glue-mast fetch of 9 files"}
    times = [t for t, _, e in events if isinstance(e, BytesReceived)]
    assert len(times) >= 10  # it did report along the way
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 0.07  # throttled to about 10 a second (0.1 s, less scheduling jitter)
    assert len(times) / (times[-1] - times[0]) <= 11
    assert events[-1][2].bytes_done == 1_857_600


def test_a_slow_listener_does_not_slow_the_transfers(local_mast, tw_hya, tmp_path):
    local_mast.faults.bandwidth = 1_000_000  # about 0.5 s per round of 4 files

    def transfer_seconds(root, progress):
        began = time.time()
        job = start_fetch(tw_hya, root, parallel=4, progress=progress)
        job.result(timeout=120)
        # When the last file got its final name (os.replace keeps the .part's mtime).
        return max(p.stat().st_mtime for p in root.rglob("*.fits")) - began, job

    fast, _ = transfer_seconds(tmp_path / "fast", None)
    seen = []

    def slow(event):
        seen.append(event)
        time.sleep(0.5)  # a GUI slot that takes its time

    with_slow, job = transfer_seconds(tmp_path / "slow", slow)
    assert with_slow < fast * 1.5 + 0.3, (fast, with_slow)
    # Every event that must not be dropped still arrived, in order, after the transfers.
    assert isinstance(seen[0], FetchStarted) and isinstance(seen[-1], FetchEnded)
    assert sum(isinstance(e, FileFinished) for e in seen) == 9


def test_a_failing_listener_does_not_stop_the_fetch(local_mast, k2, tmp_path, caplog):
    def broken(event):
        raise ValueError("a bug in a GUI slot")

    result = start_fetch(k2, tmp_path, progress=broken).result(timeout=60)
    assert result.ok and Manifest.read(tmp_path / "manifest.json").verify()
    failures = [r for r in caplog.records if r.name == "glue_mast"]
    assert len(failures) >= 3  # FetchStarted, FileFinished, FetchEnded at least
    assert "a fetch progress listener failed" in failures[0].getMessage()
    assert "a bug in a GUI slot" in failures[0].exc_text


def test_progress_bar_is_a_listener(local_mast, k2, tmp_path):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    screen = Terminal()
    job = start_fetch(k2, tmp_path, progress=ProgressBar(screen))
    assert job.result(timeout=60).ok
    text = screen.getvalue()
    assert "Fetching 1 files" in text
    assert "49.0k/49.0k" in text  # decimal units (48,960 B), as the summary line's


# --- cancel ------------------------------------------------------------------------------


def test_cancel_mid_transfer_ends_at_once_and_the_next_fetch_resumes(local_mast, tw_hya, tmp_path):
    local_mast.faults.bandwidth = 200_000  # about 3 s in all
    progressed = threading.Event()

    finished = set()

    def listen(event):
        if isinstance(event, FileFinished):
            finished.add(event.path)
        elif (
            isinstance(event, BytesReceived)
            and finished
            and event.path not in finished
            and event.file_done_bytes > 50_000
        ):
            progressed.set()  # some files are complete, another is well on its way

    job = start_fetch(tw_hya, tmp_path, parallel=3, progress=listen)
    assert progressed.wait(30)
    asked = time.perf_counter()
    threading.Thread(target=job.cancel).start()  # from another thread
    assert job.wait(5)
    took = time.perf_counter() - asked
    assert took < 1.0, took
    assert job.cancelled
    with pytest.raises(FetchCancelled) as caught:
        job.result()
    assert isinstance(caught.value, JobCancelled)
    result = caught.value.result
    assert result.interrupted and 0 < len(result.downloaded) < 9
    m = assert_disk_matches_manifest(local_mast, tmp_path)
    assert len(m) == len(result.downloaded)
    # (A transfer cut off before its first bytes leaves an empty .part: nothing to resume.)
    parts = {p: p.stat().st_size for p in tmp_path.rglob("*.part") if p.stat().st_size}
    assert parts

    local_mast.faults.bandwidth = None
    local_mast.clear_log()
    again = start_fetch(tw_hya, tmp_path).result(timeout=60)
    assert again.ok and len(again.cached) == len(m) and len(again.downloaded) == 9 - len(m)
    ranges = {r.headers.get("Range") for r in downloads(local_mast)}
    assert {f"bytes={size}-" for size in parts.values()} <= ranges
    assert sorted(o.resumed_from[0] for o in again.downloaded if o.resumed_from) == sorted(
        parts.values()
    )
    for outcome in again.downloaded:
        assert outcome.sha256 == sha(served(local_mast, outcome.file.uri))
    assert len(assert_disk_matches_manifest(local_mast, tmp_path)) == 9
    assert not list(tmp_path.rglob("*.part"))


def test_cancel_while_the_server_stalls_mid_body(local_mast, k2, tmp_path):
    uri = k2[0]["dataURI"]
    local_mast.faults.stall_body(20_000, 60, match=uri)
    events = []
    job = start_fetch(k2, tmp_path, progress=events.append)
    part = job.plan.to_fetch[0].part
    # (The last bytes received may wait in the writer's buffer until the file is closed.)
    wait_until(lambda: part.exists() and part.stat().st_size > 0)
    time.sleep(0.5)  # the transfer is now blocked in a read that would wait 60 s
    asked = time.perf_counter()
    job.cancel()
    assert job.wait(5)
    assert time.perf_counter() - asked < 1.0
    with pytest.raises(FetchCancelled) as caught:
        job.result()
    [outcome] = caught.value.result.failed
    assert outcome.status is FileStatus.CANCELLED
    assert not outcome.file.path.exists() and part.stat().st_size == 20_000
    assert len(assert_disk_matches_manifest(local_mast, tmp_path)) == 0
    assert isinstance(events[-1], FetchEnded) and events[-1].cancelled
    assert events[-2] == FileFinished(
        path=str(outcome.file.path),
        uri=uri,
        status=FileStatus.CANCELLED,
        message="interrupted",
        files_done=1,
        files_total=1,
    )

    local_mast.clear_log()
    again = start_fetch(k2, tmp_path).result(timeout=60)
    [get] = downloads(local_mast)
    assert get.headers["Range"] == "bytes=20000-" and get.status == 206
    assert again.downloaded[0].sha256 == sha(served(local_mast, uri))
    assert len(assert_disk_matches_manifest(local_mast, tmp_path)) == 1


def test_ctrl_c_in_fetch_while_the_server_stalls(local_mast, tw_hya, tmp_path):
    stalled = tw_hya[tw_hya["dataRights"] == "PUBLIC"][0]["dataURI"]
    local_mast.faults.stall_body(10_000, 60, match=stalled)
    timer = threading.Timer(1.5, _thread.interrupt_main)
    timer.start()
    began = time.perf_counter()
    try:
        with pytest.raises(FetchInterrupted) as caught:
            fetch(tw_hya, tmp_path, parallel=3)
    finally:
        timer.cancel()
    assert time.perf_counter() - began < 2.5  # not the 60 s stall, nor a read timeout
    result = caught.value.result
    assert [o.file.uri for o in result.failed] == [stalled]
    assert len(assert_disk_matches_manifest(local_mast, tmp_path)) == 8 == len(result.downloaded)


def test_second_ctrl_c_stops_at_once(local_mast, k2, tmp_path):
    local_mast.faults.stall_body(20_000, 60)

    def stuck_listener(event):
        if isinstance(event, FetchEnded):
            time.sleep(5)  # winding up takes long: the user presses Ctrl-C again

    first = threading.Timer(0.8, _thread.interrupt_main)
    second = threading.Timer(1.4, _thread.interrupt_main)
    first.start()
    second.start()
    began = time.perf_counter()
    try:
        with pytest.raises(KeyboardInterrupt) as caught:
            fetch(k2, tmp_path, progress=stuck_listener)
    finally:
        first.cancel()
        second.cancel()
    assert time.perf_counter() - began < 2.2
    assert type(caught.value) is KeyboardInterrupt  # not FetchInterrupted: it did not wait


def test_cancel_while_waiting_for_the_answers_is_quick(local_mast, tw_hya, tmp_path):
    local_mast.faults.stall(60, times=9)  # every download waits a minute for its answer
    job = start_fetch(tw_hya, tmp_path, parallel=9)
    wait_until(lambda: len(downloads(local_mast)) == 9)
    asked = time.perf_counter()
    job.cancel()
    assert job.wait(5) and time.perf_counter() - asked < 1.0
    result = job.exception().result
    assert len(result.failed) == 9 and not result.downloaded
    assert {o.status for o in result.failed} == {FileStatus.CANCELLED}
    assert len(assert_disk_matches_manifest(local_mast, tmp_path)) == 0
    assert not list(tmp_path.rglob("*.part"))  # not a byte arrived
    local_mast.faults.reset()  # the archive's stalled handlers end; wait for them
    wait_until(lambda: all(r.finished for r in downloads(local_mast)))


# --- the download cache ----------------------------------------------------------------------


def test_start_fetch_goes_to_the_cache_and_a_cached_file_costs_no_request(
    local_mast, k2, tmp_path
):
    glue_mast.configure(cache_dir=tmp_path / "cache", download_dir=tmp_path / "downloads")
    result = start_fetch(k2).result(timeout=60)
    [path] = result.paths
    assert path == tmp_path / "cache" / "K2" / k2[0]["obs_id"] / k2[0]["productFilename"]
    assert Manifest.read(tmp_path / "cache" / "manifest.json").verify()
    local_mast.clear_log()
    again = start_fetch(k2).result(timeout=60)
    assert [o.status for o in again.outcomes] == [FileStatus.CACHED]
    assert local_mast.log == []
    # fetch() keeps the download directory as its default.
    assert fetch(k2).paths[0].is_relative_to(tmp_path / "downloads")


def test_cache_dir_setting(monkeypatch, tmp_path):
    config.reset()
    monkeypatch.delenv("GLUE_MAST_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    (tmp_path / "xdg").mkdir()  # astropy ignores an XDG directory that does not exist
    try:
        # astropy's cache directory for the package, by its conventions.
        assert config.current_cache_dir() == tmp_path / "xdg" / "glue_mast"
        monkeypatch.setenv("GLUE_MAST_CACHE_DIR", str(tmp_path / "env"))
        assert config.current_cache_dir() == tmp_path / "env"
        settings = glue_mast.configure(cache_dir=tmp_path / "set")
        assert config.current_cache_dir() == tmp_path / "set"
        assert settings["cache_dir"] == str(tmp_path / "set")
        assert not (tmp_path / "set").exists()  # nothing is made until something is fetched
    finally:
        config.reset()
