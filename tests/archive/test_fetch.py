"""glue_mast.fetch: parallel, resumable, verified, token-aware downloads with a manifest.

Faults come from the local archive's knobs, over real HTTP; nothing is mocked.
"""

import _thread
import hashlib
import os
import threading

import pytest

import glue_mast
from glue_mast import config
from glue_mast.archive.fetch import (
    BytesReceived,
    FetchEnded,
    FetchStarted,
    FileFinished,
    FileStatus,
    fetch,
    plan,
    safe_component,
)
from glue_mast.provenance import Manifest
from glue_mast.testing import VALID_TOKEN, LocalArchive

DOWNLOAD = "/api/v0.1/Download/file"


def served(archive, uri):
    return archive.catalog.file(uri)[0]


def sha(data):
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def tw_hya(local_mast):
    """Calibrated science products of TW Hya: 9 public files and 2 exclusive."""
    return glue_mast.products(glue_mast.search("TW Hya").all(), mrp_only=False)


@pytest.fixture
def k2(local_mast):
    return glue_mast.products("2410004002")  # one real K2 light curve, 48,960 bytes


def downloads(archive, method=None):
    return [r for r in archive.log if r.path == DOWNLOAD and (method is None or r.method == method)]


# --- the ordinary job --------------------------------------------------------------------


def test_fetch_lays_out_files_and_writes_the_manifest(local_mast, tw_hya, tmp_path):
    local_mast.clear_log()
    result = fetch(tw_hya, tmp_path)
    assert result.ok and len(result.downloaded) == 9 and len(result.skipped) == 2
    for outcome in result.downloaded:
        f = outcome.file
        assert f.path.parent.parent.parent == tmp_path
        assert f.path.relative_to(tmp_path).parts[0] == f.record["obs_collection"]
        assert f.path.read_bytes() == served(local_mast, f.uri)
        assert outcome.sha256 == sha(f.path.read_bytes())
    # One GET per file: no HEAD round trip first.
    assert len(downloads(local_mast)) == 9 and not downloads(local_mast, "HEAD")
    m = Manifest.read(tmp_path / "manifest.json")
    assert len(m) == 9 and m.verify()
    assert (tmp_path / "manifest.ecsv").exists()
    assert m.server == local_mast.url
    assert m.queries[0]["target"] == "TW Hya" and m.queries[0]["count"] == 8
    assert m.queries[1]["service"] == "Mast.Caom.Products"
    assert m.queries[1]["product_filter"]["calibrated_only"] is True


def test_downloads_run_in_parallel(local_mast, tw_hya, tmp_path):
    local_mast.faults.bandwidth = 2_000_000
    local_mast.clear_log()
    fetch(tw_hya, tmp_path, parallel=4)
    assert local_mast.max_downloads_in_flight == 4
    local_mast.clear_log()
    fetch(tw_hya, tmp_path / "serial", parallel=1)
    assert local_mast.max_downloads_in_flight == 1


def test_complete_files_cost_no_request(local_mast, tw_hya, tmp_path):
    fetch(tw_hya, tmp_path)
    local_mast.clear_log()
    again = fetch(tw_hya, tmp_path)
    assert len(again.cached) == 9 and not again.downloaded
    assert local_mast.log == []  # not a HEAD, not a GET
    assert Manifest.read(tmp_path / "manifest.json").verify()


def test_file_of_the_right_size_but_wrong_bytes_is_fetched_again(local_mast, k2, tmp_path):
    result = fetch(k2, tmp_path)
    path = result.paths[0]
    data = bytearray(path.read_bytes())
    data[5000] ^= 0xFF
    path.write_bytes(data)
    again = fetch(k2, tmp_path)
    assert [o.status for o in again.outcomes] == ["downloaded"]
    assert path.read_bytes() == served(local_mast, k2[0]["dataURI"])


def test_unknown_sizes_are_not_trusted_from_disk(local_mast, k2, tmp_path):
    k2["size"] = 0  # MAST sometimes lists no size: then the file on disk proves nothing
    fetch(k2, tmp_path, manifest=False)
    local_mast.clear_log()
    again = fetch(k2, tmp_path, manifest=False)
    assert [o.status for o in again.outcomes] == ["downloaded"]


# --- faults -----------------------------------------------------------------------------------


def test_429_and_503_are_retried_after_retry_after(local_mast, k2, tmp_path):
    uri = k2[0]["dataURI"]
    local_mast.faults.error(429, retry_after=1, times=1, match=uri)
    local_mast.faults.error(503, retry_after=0, times=1, match=uri)
    result = fetch(k2, tmp_path)
    assert result.ok
    gets = downloads(local_mast)
    assert [r.status for r in gets] == [429, 503, 200]
    assert gets[1].time - gets[0].time >= 0.95  # waited as long as Retry-After said


def test_retry_after_too_long_gives_up_with_a_message(local_mast, k2, tmp_path):
    local_mast.faults.error(503, retry_after=3600, times=1)
    result = fetch(k2, tmp_path)
    [outcome] = result.failed
    assert "asked to wait 3600 s" in outcome.message
    assert not outcome.file.path.exists()


def test_dropped_connection_is_resumed_with_range(local_mast, k2, tmp_path):
    uri = k2[0]["dataURI"]
    local_mast.faults.drop(20_000, match=uri)
    result = fetch(k2, tmp_path, backoff=0.05)
    [outcome] = result.downloaded
    gets = downloads(local_mast)
    # The client resumes from what it had received when the connection broke: the 20,000
    # bytes sent, unless a loaded machine let the reset discard some unread ones.
    [offset] = outcome.resumed_from
    assert 0 < offset <= 20_000
    assert len(gets) == 2 and gets[1].headers["Range"] == f"bytes={offset}-"
    assert gets[1].status == 206
    assert outcome.file.path.read_bytes() == served(local_mast, uri)


def test_truncated_bodies_are_detected_and_resumed(local_mast, k2, tmp_path):
    uri = k2[0]["dataURI"]
    # A short body under the full Content-Length, then one whose Content-Length lies too:
    # only the product's known size can tell the second is short.
    local_mast.faults.truncate(10_000, match=uri)
    local_mast.faults.truncate(5_000, match=uri, honest_length=True)
    result = fetch(k2, tmp_path, backoff=0.05)
    [outcome] = result.downloaded
    assert [r.headers.get("Range") for r in downloads(local_mast)] == [
        None,
        "bytes=10000-",
        "bytes=15000-",
    ]
    assert outcome.file.path.read_bytes() == served(local_mast, uri)
    assert Manifest.read(tmp_path / "manifest.json").verify()


def test_persistent_failure_leaves_no_final_file(local_mast, k2, tmp_path):
    local_mast.faults.drop(1000, times=10)
    result = fetch(k2, tmp_path, retries=3, backoff=0.01)
    [outcome] = result.failed
    assert "gave up" in outcome.message and "after 3 attempts" in outcome.message
    assert not outcome.file.path.exists()
    assert outcome.file.part.exists()  # kept, and resumed by the next fetch
    kept = outcome.file.part.stat().st_size
    assert 0 < kept <= 3000
    assert len(Manifest.read(tmp_path / "manifest.json")) == 0
    local_mast.faults.reset()
    again = fetch(k2, tmp_path)
    assert again.ok and again.downloaded[0].resumed_from == [kept]


def test_missing_file_is_reported(local_mast, k2, tmp_path):
    k2["dataURI"][0] = "mast:K2/url/nothing/here.fits"
    result = fetch(k2, tmp_path)
    assert "no file at mast:K2/url/nothing/here.fits (HTTP 404)" in result.failed[0].message


def test_interrupted_fetch_leaves_the_disk_and_manifest_consistent(local_mast, tw_hya, tmp_path):
    local_mast.faults.bandwidth = 400_000  # about 5 s in all: interrupted part-way
    timer = threading.Timer(1.5, _thread.interrupt_main)
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            fetch(tw_hya, tmp_path, parallel=3)
    finally:
        timer.cancel()
    m = Manifest.read(tmp_path / "manifest.json")
    report = m.verify()  # every file the manifest lists is on disk, whole; the rest incomplete
    assert report.problems == report.incomplete and len(m) + len(m.incomplete) == 9
    finals = {p for p in tmp_path.rglob("*.fits")}
    assert finals == {p for p in map(lambda d: __import__("pathlib").Path(d["path"]), m.datasets)}
    parts = list(tmp_path.rglob("*.part"))
    assert 0 < len(m) < 9 and parts  # some done, some cut off under their temporary names
    local_mast.faults.bandwidth = None
    local_mast.clear_log()
    again = fetch(tw_hya, tmp_path)
    assert again.ok and len(again.cached) == len(m)
    assert any(o.resumed_from for o in again.downloaded)
    assert len(Manifest.read(tmp_path / "manifest.json")) == 9
    assert not list(tmp_path.rglob("*.part"))


def test_a_part_linked_elsewhere_is_not_written_through(local_mast, k2, tmp_path):
    # (A full disk, for real, is in test_fetch_integrity.py.)
    planned = plan(k2, tmp_path).to_fetch[0]
    planned.path.parent.mkdir(parents=True)
    os.symlink("/dev/full", planned.part)  # every write there would fail with ENOSPC
    result = fetch(k2, tmp_path)
    [outcome] = result.downloaded
    assert planned.path.read_bytes() == served(local_mast, planned.uri)
    assert not planned.part.exists() and not planned.path.is_symlink()


def test_unwritable_directory_is_reported(local_mast, k2, tmp_path):
    (tmp_path / "K2").write_text("a file where a directory should be")
    result = fetch(k2, tmp_path, manifest=False)
    [outcome] = result.failed
    assert outcome.message.startswith("could not write")


# --- names from the server are never paths ------------------------------------------------


@pytest.mark.parametrize(
    "name, expected",
    [
        ("../../evil.fits", "evil.fits"),
        ("/etc/passwd", "etc_passwd"),
        ("..", "_"),
        ("a b*?.fits", "a_b__.fits"),
        ("..\\..\\win.fits", "win.fits"),
        (".hidden", "hidden"),
        ("", "_"),
    ],
)
def test_safe_component(name, expected):
    assert safe_component(name) == expected


def test_hostile_names_stay_inside_the_directory(local_mast, k2, tmp_path):
    k2["obs_collection"] = k2["obs_collection"].astype(object)
    k2["obs_id"] = k2["obs_id"].astype(object)
    k2["productFilename"] = k2["productFilename"].astype(object)
    k2["obs_collection"][0] = "/abs"
    k2["obs_id"][0] = "../.."
    k2["productFilename"][0] = "../../../evil.fits"
    result = fetch(k2, tmp_path / "out")
    [outcome] = result.downloaded
    assert outcome.file.path == tmp_path / "out" / "abs" / "_" / "evil.fits"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


# --- tokens and exclusive access -----------------------------------------------------------


def test_exclusive_files_need_a_token(local_mast, tw_hya, tmp_path):
    result = fetch(tw_hya, tmp_path)
    assert sorted(o.file.path.name for o in result.skipped) == [
        "lf7z01010_x1dsum.fits",
        "lf7z0101q_x1d.fits",
    ]
    assert all("needs a MAST token" in o.message for o in result.skipped)
    assert not any(
        r.query["uri"][0].endswith("lf7z01010_x1dsum.fits") for r in downloads(local_mast)
    )


def test_exclusive_files_with_a_token(local_mast, tw_hya, tmp_path, capfd):
    glue_mast.configure(token=VALID_TOKEN)
    result = fetch(tw_hya, tmp_path)
    assert result.ok and len(result.downloaded) == 11
    sent = [r.headers.get("Cookie") for r in downloads(local_mast)]
    assert sent == [f"mast_token={VALID_TOKEN}"] * 11
    _assert_token_written_nowhere(tmp_path, capfd, result)


def test_refused_token_is_explained(local_mast, tw_hya, tmp_path):
    exclusive = tw_hya[tw_hya["dataRights"] != "PUBLIC"]
    result = fetch(exclusive, tmp_path, token="expired-token")
    assert all("refused the token" in o.message for o in result.failed)
    assert "expired-token" not in "".join(o.message for o in result.failed)


def test_token_is_not_sent_to_another_host_on_a_redirect(local_mast, tw_hya, tmp_path, capfd):
    other = LocalArchive(host="127.0.0.2", n_synthetic=10).start()
    try:
        glue_mast.configure(token=VALID_TOKEN)
        local_mast.faults.redirect_downloads_to = other.url
        result = fetch(tw_hya, tmp_path)
        # Public files arrive from the other host; exclusive ones are refused there, since
        # the token stayed behind.
        assert len(result.downloaded) == 9 and len(result.failed) == 2
        assert all("redirected to another host" in o.message for o in result.failed)
        assert other.log and all(
            "Cookie" not in r.headers and "Authorization" not in r.headers for r in other.log
        )
        assert all(
            r.headers.get("Cookie") == f"mast_token={VALID_TOKEN}" for r in downloads(local_mast)
        )
        _assert_token_written_nowhere(tmp_path, capfd, result)
    finally:
        other.stop()


def _assert_token_written_nowhere(root, capfd, result):
    for path in root.rglob("*"):
        if path.is_file():
            assert VALID_TOKEN.encode() not in path.read_bytes(), path
    out, err = capfd.readouterr()
    assert VALID_TOKEN not in out + err
    assert VALID_TOKEN not in repr(result) + "".join(o.message for o in result.outcomes)


def test_token_from_the_environment(local_mast, tw_hya, tmp_path, monkeypatch):
    monkeypatch.setenv("MAST_API_TOKEN", VALID_TOKEN)
    assert config.settings()["token"] == "set"
    assert len(fetch(tw_hya, tmp_path).downloaded) == 11


# --- manifest upkeep -------------------------------------------------------------------------


def test_manifest_accumulates_and_follows_the_disk(local_mast, tw_hya, k2, tmp_path):
    fetch(tw_hya, tmp_path)
    first = Manifest.read(tmp_path / "manifest.json")
    gone = first.datasets[0]["path"]
    os.remove(gone)
    fetch(k2, tmp_path)
    m = Manifest.read(tmp_path / "manifest.json")
    assert len(m) == 9  # 9 - 1 deleted + 1 new
    assert m.dataset_for(gone) is None and m.verify()
    assert [q["service"] for q in m.queries] == [
        "Mast.Caom.Cone",
        "Mast.Caom.Products",
        "Mast.Caom.Products",
    ]


def test_foreign_file_is_not_overwritten_as_a_manifest(local_mast, k2, tmp_path):
    (tmp_path / "manifest.json").write_text('{"my": "notes"}')
    with pytest.raises(glue_mast.errors.InputError, match="will not be overwritten"):
        fetch(k2, tmp_path)
    assert (tmp_path / "manifest.json").read_text() == '{"my": "notes"}'


def test_manifest_elsewhere_and_doi(local_mast, k2, tmp_path):
    result = fetch(k2, tmp_path / "data", manifest=tmp_path / "k2.json", doi="10.17909/example")
    m = Manifest.read(tmp_path / "k2.json")
    raw = m.to_dict()
    assert raw["datasets"][0]["path"].startswith("data/K2/")
    assert raw["datasets"][0]["doi"] == "10.17909/example"
    assert m.verify() and result.manifest.path == m.path
    with pytest.raises(glue_mast.errors.InputError, match="paths must stay inside"):
        fetch(k2, tmp_path / "data", manifest=tmp_path / "records" / "k2.json")


def test_fetch_result_retry(local_mast, k2, tmp_path):
    local_mast.faults.error(500, times=2)
    result = fetch(k2, tmp_path, retries=2, backoff=0.01)
    assert not result.ok
    again = result.retry()
    assert again.ok and Manifest.read(tmp_path / "manifest.json").verify()


def test_progress_events_for_front_ends(local_mast, tw_hya, tmp_path):
    events = []
    result = fetch(tw_hya, tmp_path, progress=events.append)
    start, *middle, end = events
    assert start == FetchStarted(
        files=9, bytes=sum(o.file.size for o in result.downloaded), cached=0, skipped=2
    )
    assert isinstance(end, FetchEnded) and (end.downloaded, end.skipped, end.failed) == (9, 2, 0)
    assert end.bytes_done == start.bytes and not end.cancelled
    assert end.manifest == str(tmp_path / "manifest.json")
    done = [e for e in middle if isinstance(e, FileFinished)]
    assert len(done) == 9 and {e.status for e in done} == {FileStatus.DOWNLOADED}
    assert [e.files_done for e in done] == list(range(1, 10))
    received = [e for e in middle if isinstance(e, BytesReceived)]
    # Totals are cumulative: whatever the throttle drops, the next event makes up for it.
    assert all(e.bytes_total == start.bytes for e in received)
    assert [e.bytes_done for e in received] == sorted(e.bytes_done for e in received)
    assert all(0 < e.file_done_bytes <= e.file_total for e in received)


def test_redirect_loop_is_not_a_disk_error(local_mast, k2, tmp_path):
    local_mast.faults.redirect_downloads_to = local_mast.url  # redirects to itself, forever
    [outcome] = fetch(k2, tmp_path).failed
    assert "TooManyRedirects" in outcome.message and "could not write" not in outcome.message
