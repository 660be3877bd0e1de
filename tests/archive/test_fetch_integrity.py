"""glue_mast.fetch under attack: nothing corrupt is certified, nothing escapes the directory.

Every case runs against the local archive over real HTTP, its faults turned by its knobs.
"""

import hashlib
import json

import pytest

import glue_mast
from glue_mast.archive.fetch import FileStatus, fetch, plan
from glue_mast.provenance import Manifest

DOWNLOAD = "/api/v0.1/Download/file"


def served(archive, uri):
    return archive.catalog.file(uri)[0]


def sha(data):
    return hashlib.sha256(data).hexdigest()


def etag(data):
    return f'"{sha(data)[:20]}"'


def downloads(archive):
    return [r for r in archive.log if r.path == DOWNLOAD]


@pytest.fixture
def k2(local_mast):
    return glue_mast.products("2410004002")  # one real K2 light curve, 48,960 bytes


def recorded(root):
    return {d["dataURI"]: d for d in Manifest.read(root / "manifest.json").datasets}


# --- 1-3: bytes that were never checked are never recorded -----------------------------------


def test_no_manifest_and_a_flipped_byte_is_fetched_again(local_mast, k2, tmp_path):
    [path] = fetch(k2, tmp_path).paths
    (tmp_path / "manifest.json").unlink()
    data = bytearray(path.read_bytes())
    data[5000] ^= 0xFF
    path.write_bytes(data)
    local_mast.clear_log()
    again = fetch(k2, tmp_path)
    assert [o.status for o in again.outcomes] == [FileStatus.DOWNLOADED]
    assert [r.status for r in downloads(local_mast)] == [200]
    good = served(local_mast, k2[0]["dataURI"])
    assert path.read_bytes() == good
    assert recorded(tmp_path)[k2[0]["dataURI"]]["sha256"] == sha(good)


def test_full_size_part_of_garbage_is_not_renamed_unchecked(local_mast, k2, tmp_path):
    f = plan(k2, tmp_path).to_fetch[0]
    f.path.parent.mkdir(parents=True)
    f.part.write_bytes(b"\0" * f.size)
    result = fetch(k2, tmp_path)
    assert [o.status for o in result.outcomes] == [FileStatus.DOWNLOADED]
    [get] = downloads(local_mast)
    assert "Range" not in get.headers  # the garbage was not resumed either
    assert f.path.read_bytes() == served(local_mast, f.uri)
    assert Manifest.read(tmp_path / "manifest.json").verify()


def test_resume_sends_if_range_and_keeps_the_validator_beside_the_part(local_mast, k2, tmp_path):
    uri = k2[0]["dataURI"]
    local_mast.faults.drop(20_000, times=5, match=uri)
    [failed] = fetch(k2, tmp_path, retries=1).failed
    meta = json.loads(failed.file.part.with_name(failed.file.part.name + ".meta").read_text())
    assert meta["etag"] == etag(served(local_mast, uri)) and meta["uri"] == uri
    local_mast.faults.reset()
    local_mast.clear_log()
    [done] = fetch(k2, tmp_path).downloaded
    [get] = downloads(local_mast)
    assert get.status == 206 and get.headers["If-Range"] == meta["etag"]
    assert done.file.path.read_bytes() == served(local_mast, uri)
    assert not list(tmp_path.rglob("*.meta"))


def test_resume_after_the_file_changed_is_not_a_splice(local_mast, k2, tmp_path):
    uri = k2[0]["dataURI"]
    old = served(local_mast, uri)
    local_mast.faults.drop(20_000, times=5, match=uri)
    [failed] = fetch(k2, tmp_path, retries=1).failed
    assert 0 < failed.file.part.stat().st_size < len(old)
    local_mast.faults.reset()
    local_mast.faults.change_file(uri, after=0)  # reprocessed: same size, other bytes
    local_mast.clear_log()
    [done] = fetch(k2, tmp_path).downloaded
    new = bytes(b ^ 0xFF for b in old)
    [get] = downloads(local_mast)
    assert get.headers["If-Range"] == etag(old) and get.status == 200  # whole new file
    assert done.file.path.read_bytes() == new and done.resumed_from == []
    assert recorded(tmp_path)[uri]["sha256"] == sha(new)
    assert Manifest.read(tmp_path / "manifest.json").verify()


def test_resume_within_one_fetch_after_the_file_changed(local_mast, k2, tmp_path):
    uri = k2[0]["dataURI"]
    old = served(local_mast, uri)
    local_mast.faults.drop(20_000, match=uri)
    local_mast.faults.change_file(uri, after=1)
    [done] = fetch(k2, tmp_path, backoff=0.01).downloaded
    gets = downloads(local_mast)
    assert [g.status for g in gets] == [200, 200]
    assert gets[1].headers["If-Range"] == etag(old)
    assert done.file.path.read_bytes() == bytes(b ^ 0xFF for b in old)


def test_resume_with_last_modified_only(local_mast, k2, tmp_path):
    uri = k2[0]["dataURI"]
    local_mast.faults.validators = ("last-modified",)
    local_mast.faults.drop(20_000, match=uri)
    local_mast.faults.change_file(uri, after=1)
    [done] = fetch(k2, tmp_path, backoff=0.01).downloaded
    gets = downloads(local_mast)
    assert gets[1].headers["If-Range"] == "Mon, 01 Jan 2024 00:00:00 GMT"
    assert [g.status for g in gets] == [200, 200]
    assert done.file.path.read_bytes() == bytes(b ^ 0xFF for b in served(local_mast, uri))


# --- issue 6, item 5: the product list and the server disagree on the size ----------------------


def test_served_size_unlike_the_listed_one_is_settled_in_one_get(local_mast, tmp_path):
    uri = "mast:K2/url/missions/k2/lightcurves/c4/211100000/17000/ktwo211117077-c04_llc.fits"
    real = len(served(local_mast, uri))
    local_mast.faults.list_size(uri, real + 1)
    products = glue_mast.products("2410004002")
    assert products["size"][0] == real + 1
    local_mast.clear_log()
    result = fetch(products, tmp_path)
    [outcome] = result.downloaded
    assert [r.status for r in downloads(local_mast)] == [200]  # exactly one GET
    assert outcome.message == (
        f"the product list gives {real + 1:,} bytes but the server served {real:,} "
        "(a complete transfer); kept the served file"
    )
    record = recorded(tmp_path)[uri]
    assert (record["size"], record["listed_size"]) == (real, real + 1)
    assert Manifest.read(tmp_path / "manifest.json").verify()
    local_mast.clear_log()
    again = fetch(products, tmp_path)  # settled: the next fetch asks nothing
    assert [o.status for o in again.outcomes] == [FileStatus.CACHED] and not local_mast.log
