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


# --- 4, 9, 18: one name, one file ------------------------------------------------------------


def synthetic(n, **fields):
    """``n`` synthetic calibrated products (66,240 bytes each, other bytes) as plain rows."""
    from glue_mast.util import plain

    table = glue_mast.products([str(9_000_000_000 + i) for i in range(n)])
    rows = [{name: plain(row[name]) for name in table.colnames} for row in table]
    for row in rows:
        row.update(fields)
    return rows


def assert_each_file_is_its_own(archive, root, result):
    paths = [o.file.path for o in result.outcomes]
    assert len({str(p).casefold() for p in paths}) == len(paths)
    for o in result.outcomes:
        assert o.status is FileStatus.DOWNLOADED, o.message
        assert o.file.path.read_bytes() == served(archive, o.file.uri)
    m = Manifest.read(root / "manifest.json")
    assert m.verify()
    for d in m.datasets:
        assert sha(served(archive, d["dataURI"])) == d["sha256"]


def test_one_products_final_name_is_not_anothers_temporary_name(local_mast, tmp_path):
    rows = synthetic(2, obs_id="same")
    rows[0]["productFilename"], rows[1]["productFilename"] = "y.fits", "y.fits.part"
    result = fetch(rows, tmp_path)
    assert_each_file_is_its_own(local_mast, tmp_path, result)
    assert not any(o.file.path.name.endswith(".part") for o in result.outcomes)


def test_a_path_recorded_for_another_product_is_not_already_on_disk(local_mast, tmp_path):
    first, second = synthetic(2, obs_id="same")
    first["productFilename"], second["productFilename"] = "a b.fits", "a_b.fits"
    [a] = fetch([first], tmp_path).downloaded
    local_mast.clear_log()
    result = fetch([second], tmp_path)
    [b] = result.downloaded  # fetched, not taken for the other product's file
    assert b.file.path != a.file.path and len(downloads(local_mast)) == 1
    assert a.file.path.read_bytes() == served(local_mast, first["dataURI"])
    assert b.file.path.read_bytes() == served(local_mast, second["dataURI"])
    assert set(recorded(tmp_path)) == {first["dataURI"], second["dataURI"]}
    assert Manifest.read(tmp_path / "manifest.json").verify()


@pytest.mark.parametrize("name", ["manifest.json", "manifest.ecsv", "MANIFEST.JSON", "k2.json"])
def test_a_collection_never_takes_the_manifests_name(local_mast, tmp_path, name):
    rows = synthetic(1, obs_collection=name)
    manifest = tmp_path / ("k2.json" if name == "k2.json" else "manifest.json")
    result = fetch(rows, tmp_path, manifest=manifest)
    [o] = result.downloaded
    top = o.file.path.relative_to(tmp_path).parts[0]
    assert top.casefold() not in {"manifest.json", "manifest.ecsv", "k2.json", "k2.ecsv"}
    assert manifest.is_file() and manifest.with_suffix(".ecsv").is_file()
    assert Manifest.read(manifest).verify()


@pytest.mark.parametrize(
    "name, portable",
    [
        ("CON", "CON_"),
        ("NUL.fits", "NUL_.fits"),
        ("aux.txt", "aux_.txt"),
        ("COM1", "COM1_"),
        ("LPT9.x", "LPT9_.x"),
        ("nul.tar.gz", "nul_.tar.gz"),
        ("x.fits.", "x.fits"),
        ("CONSOLE.fits", "CONSOLE.fits"),
    ],
)
def test_windows_reserved_names_are_made_portable(name, portable):
    from glue_mast.archive.fetch import safe_component

    assert safe_component(name) == portable


def test_names_that_differ_only_in_case_get_distinct_names(local_mast, tmp_path):
    rows = synthetic(2, obs_id="same")
    rows[0]["productFilename"], rows[1]["productFilename"] = "A.fits", "a.fits"
    result = fetch(rows, tmp_path)
    assert_each_file_is_its_own(local_mast, tmp_path, result)
    assert result.outcomes[0].file.path.parent == result.outcomes[1].file.path.parent


def test_a_case_variant_of_a_recorded_path_is_another_file(local_mast, tmp_path):
    first, second = synthetic(2, obs_id="same")
    first["productFilename"], second["productFilename"] = "B.fits", "b.fits"
    [a] = fetch([first], tmp_path).downloaded
    [b] = fetch([second], tmp_path).downloaded
    assert a.file.path.name.casefold() != b.file.path.name.casefold()
    assert set(recorded(tmp_path)) == {first["dataURI"], second["dataURI"]}
