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


def test_full_size_part_of_our_own_is_fetched_again_when_no_checksum_is_known(
    local_mast, k2, tmp_path
):
    # A fetch that stopped between the last byte and the rename: the bytes were never checked.
    uri = k2[0]["dataURI"]
    local_mast.faults.drop(20_000, times=5, match=uri)
    [failed] = fetch(k2, tmp_path, retries=1).failed
    f = failed.file
    f.part.write_bytes(b"\xff" * f.size)  # full size now, garbage; its .part.meta is ours
    local_mast.faults.reset()
    local_mast.clear_log()
    [done] = fetch(k2, tmp_path).downloaded
    [get] = downloads(local_mast)
    assert get.status == 200 and "Range" not in get.headers
    assert done.file.path.read_bytes() == served(local_mast, uri)


def test_a_part_overwritten_beside_its_record_is_not_resumed(local_mast, k2, tmp_path):
    uri = k2[0]["dataURI"]
    local_mast.faults.drop(20_000, times=5, match=uri)
    [failed] = fetch(k2, tmp_path, retries=1).failed
    part = failed.file.part
    part.write_bytes(b"\x00" * part.stat().st_size)  # same length, other bytes
    local_mast.faults.reset()
    local_mast.clear_log()
    [done] = fetch(k2, tmp_path).downloaded
    [get] = downloads(local_mast)
    assert "Range" not in get.headers and get.status == 200
    assert done.file.path.read_bytes() == served(local_mast, uri)


def test_bytes_after_the_last_checkpoint_are_fetched_again(local_mast, k2, tmp_path):
    # A fetch killed (SIGKILL) mid-body leaves bytes its record does not vouch for.
    uri = k2[0]["dataURI"]
    local_mast.faults.drop(20_000, times=5, match=uri)
    [failed] = fetch(k2, tmp_path, retries=1).failed
    part = failed.file.part
    vouched = json.loads(part.with_name(part.name + ".meta").read_text())["part_size"]
    assert vouched == part.stat().st_size
    with open(part, "ab") as out:
        out.write(b"?" * 5000)
    local_mast.faults.reset()
    local_mast.clear_log()
    [done] = fetch(k2, tmp_path).downloaded
    [get] = downloads(local_mast)
    assert get.headers["Range"] == f"bytes={vouched}-" and get.status == 206
    assert done.resumed_from == [vouched]
    assert done.file.path.read_bytes() == served(local_mast, uri)


def test_a_complete_part_with_its_record_takes_its_name_without_a_request(
    local_mast, k2, tmp_path
):
    # The fetch stopped between the last byte (recorded) and the rename.
    from glue_mast.archive.fetch import partial

    uri = k2[0]["dataURI"]
    data = served(local_mast, uri)
    f = plan(k2, tmp_path).to_fetch[0]
    f.path.parent.mkdir(parents=True)
    f.part.write_bytes(data)
    meta = partial.write_meta(f, len(data), {"ETag": etag(data)})
    partial.checkpoint(f, meta, len(data), hashlib.sha256(data))
    local_mast.clear_log()
    [done] = fetch(k2, tmp_path).downloaded
    assert downloads(local_mast) == [] and done.requests == 0
    assert done.file.path.read_bytes() == data and not f.part.exists()
    assert recorded(tmp_path)[uri]["sha256"] == sha(data)


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


# --- 8: nothing is written outside the directory ----------------------------------------------


@pytest.fixture
def outside(tmp_path):
    """A file outside the download directory ``tmp_path / "out"``, and its bytes."""
    victim = tmp_path / "outside" / "victim"
    victim.parent.mkdir()
    victim.write_bytes(b"not yours")
    return victim


def assert_nothing_outside(root, victim, result=None):
    assert victim.read_bytes() == b"not yours"
    assert [p.name for p in victim.parent.iterdir()] == ["victim"]
    text = (root / "manifest.json").read_text() if (root / "manifest.json").exists() else ""
    assert "../" not in text and "outside" not in text


@pytest.mark.parametrize("planted", ["part", "meta-tmp"])
def test_a_planted_symlink_is_not_written_through(local_mast, k2, tmp_path, outside, planted):
    root = tmp_path / "out"
    f = plan(k2, root).to_fetch[0]
    f.path.parent.mkdir(parents=True)
    link = f.part if planted == "part" else f.part.with_name(f".{f.part.name}.meta.tmp")
    link.symlink_to(outside)
    result = fetch(k2, root)
    [o] = result.downloaded
    assert o.file.path.read_bytes() == served(local_mast, f.uri)
    assert_nothing_outside(root, outside)
    assert Manifest.read(root / "manifest.json").verify()


def test_a_part_symlink_with_the_files_own_bytes_is_not_recorded_outside(
    local_mast, k2, tmp_path, outside
):
    root = tmp_path / "out"
    f = plan(k2, root).to_fetch[0]
    outside.write_bytes(served(local_mast, f.uri))  # complete, right size, right bytes
    f.path.parent.mkdir(parents=True)
    f.part.symlink_to(outside)
    [o] = fetch(k2, root).downloaded
    assert not o.file.path.is_symlink() and o.file.path.parent.resolve().is_relative_to(root)
    assert outside.exists() and not f.part.exists()
    [record] = Manifest.read(root / "manifest.json").to_dict()["datasets"]
    assert record["path"] == o.file.path.relative_to(root).as_posix()


@pytest.mark.parametrize("linked", ["collection", "file"])
def test_a_symlink_out_of_the_layout_is_refused(local_mast, k2, tmp_path, outside, linked):
    root = tmp_path / "out"
    f = plan(k2, root).to_fetch[0]
    if linked == "collection":
        root.mkdir()
        (root / "K2").symlink_to(outside.parent, target_is_directory=True)
    else:
        outside.write_bytes(served(local_mast, f.uri))
        f.path.parent.mkdir(parents=True)
        f.path.symlink_to(outside)
    with pytest.raises(glue_mast.errors.InputError, match="symbolic link"):
        fetch(k2, root)
    outside.write_bytes(b"not yours")
    assert_nothing_outside(root, outside)


# --- 5: two fetches into one directory at once ------------------------------------------------

_FETCHER = """
import json, sys, time
import glue_mast
from glue_mast.archive.fetch import fetch

server, rows, plan = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
glue_mast.configure(server=server)
for directory, start in plan:
    time.sleep(max(0.0, start - time.time()))
    result = fetch(rows, directory, parallel=2, backoff=0.05)
    print(json.dumps([directory, result.ok, [o.message for o in result.failed]]), flush=True)
"""


def test_two_fetches_into_one_directory_at_once(local_mast, tmp_path):
    import random
    import subprocess
    import sys
    import time

    rows = synthetic(9)
    first, second = rows[:6], rows[3:]  # three files in common
    local_mast.faults.bandwidth = 300_000  # 0.2 s a file: the two fetches overlap
    trials = 12
    rng = random.Random(7)
    start = time.time() + 4  # both processes have started by then
    dirs = [str(tmp_path / f"trial{k}") for k in range(trials)]
    a_plan = [(d, start + 1.6 * k) for k, d in enumerate(dirs)]
    b_plan = [(d, t + rng.uniform(0, 0.6)) for d, t in a_plan]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _FETCHER, local_mast.url, json.dumps(r), json.dumps(p)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for r, p in ((first, a_plan), (second, b_plan))
    ]
    reports = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, reports, strict=True):
        assert proc.returncode == 0, err
        assert all(json.loads(line)[1] for line in out.splitlines()), out
    every = {r["dataURI"] for r in rows}
    for d in dirs:
        root = tmp_path / d
        for path in root.rglob("*.fits"):
            assert path.read_bytes() == served(local_mast, "mast:SYNTHETIC/product/" + path.name)
        m = Manifest.read(root / "manifest.json")
        assert {r["dataURI"] for r in m.datasets} == every, d  # both processes' files
        assert m.verify() and len(list(root.rglob("*.fits"))) == 9
        assert not list(root.rglob("*.part*"))


# --- 17: a full disk, a read-only directory ---------------------------------------------------


@pytest.fixture
def small_disk(tmp_path):
    """A tmpfs of a given size (or read-only), mounted for the test: a disk that really fills."""
    import subprocess

    mounted = []

    def mount(size, read_only=False):
        where = tmp_path / f"disk{len(mounted)}"
        where.mkdir()
        options = f"size={size}" + (",ro" if read_only else "")
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True
        )
        if done.returncode:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
        mounted.append(where)
        return where

    yield mount
    for where in mounted:
        subprocess.run(["umount", "-l", str(where)], check=False)


def remount(where, options):
    import subprocess

    subprocess.run(["mount", "-o", f"remount,{options}", str(where)], check=True)


@pytest.fixture
def tw_hya(local_mast):
    # 9 public files, 1.9 MB: every calibrated product, not only the recommended ones
    return glue_mast.products(glue_mast.search("TW Hya").all(), mrp_only=False)


def cli(local_mast, capsys, *args):
    from glue_mast.cli import main

    status = main([*map(str, args), "--server", local_mast.url, "--no-progress"])
    out, err = capsys.readouterr()
    return status, out, err


def test_a_disk_that_fills_gives_per_file_lines_and_records_what_is_complete(
    local_mast, small_disk, capsys
):
    disk = small_disk("1m")
    status, out, err = cli(
        local_mast, capsys, "fetch", "TW Hya", "--no-mrp-only", "--out", disk, "--parallel", 1
    )
    assert status == 1 and "Traceback" not in err and "Errno" not in err
    failed = [line for line in err.splitlines() if line.startswith("glue-mast: failed: ")]
    assert failed and all("No space left on device" in line for line in failed)
    assert all("check the disk space" in line for line in failed)
    m = Manifest.read(disk / "manifest.json")
    report = m.verify()
    # What is complete verifies; what the full disk stopped is recorded as incomplete.
    assert 0 < len(m) < 9 and len(report.ok) == len(m)
    assert len(report.incomplete) == len(failed)
    assert {str(p) for p in disk.rglob("*.fits")} == {d["path"] for d in m.datasets}
    assert len(m) + len(failed) == 9
    assert not list(disk.rglob("*.part*"))  # nothing half-written left to fill the disk


def test_a_full_disk_that_cannot_take_the_manifest_says_so_in_one_line(
    local_mast, k2, tw_hya, small_disk, capsys
):
    disk = small_disk("1m")
    assert fetch(k2, disk).ok
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as out:  # fill the disk to the last byte
        try:
            while True:
                out.write(b"\0" * 4096)
        except OSError:
            pass
    status, out, err = cli(local_mast, capsys, "fetch", "TW Hya", "--no-mrp-only", "--out", disk)
    assert status == 1 and "Traceback" not in err and "[Errno" not in err
    assert f"could not write the manifest {disk / 'manifest.json'}: No space left" in err
    assert Manifest.read(disk / "manifest.json").verify()  # the old one, whole


@pytest.mark.parametrize("nothing_to_fetch", [False, True])
def test_a_read_only_directory_is_one_clear_line(
    local_mast, k2, small_disk, capsys, nothing_to_fetch
):
    disk = small_disk("1m", read_only=not nothing_to_fetch)
    if nothing_to_fetch:
        assert fetch(k2, disk).ok
        remount(disk, "ro")
    status, out, err = cli(local_mast, capsys, "fetch", "--obsid", "2410004002", "--out", disk)
    assert (status, out) == (2, "")
    assert err == (
        f"glue-mast: error: argument --out: cannot write in {disk}: Read-only file system; "
        "choose a directory you can write to\n"
    )


# --- 11: the token goes to the MAST server only --------------------------------------------


@pytest.fixture
def other_archive():
    """A second archive, on 127.0.0.2, whose log shows any cookie sent to it."""
    from glue_mast.testing import LocalArchive

    other = LocalArchive(host="127.0.0.2", n_synthetic=10).start()
    yield other
    other.stop()


def test_token_never_follows_a_redirect_that_parsers_read_differently(
    local_mast, tw_hya, tmp_path, other_archive, capfd
):
    from glue_mast.testing import VALID_TOKEN

    here, there = local_mast.url.rsplit(":", 1)[1], other_archive.url.rsplit(":", 1)[1]
    # urllib.parse reads the host as 127.0.0.1 (after the "@"); urllib3, which sends the
    # request, connects to 127.0.0.2.
    local_mast.faults.redirect_location = f"http://127.0.0.2:{there}\\@127.0.0.1:{here}{{path}}"
    glue_mast.configure(token=VALID_TOKEN)
    result = fetch(tw_hya, tmp_path)
    assert not any(VALID_TOKEN in json.dumps(r.headers) for r in other_archive.log)
    assert other_archive.log == []  # refused outright: no request there at all
    assert len(result.failed) == 11 and not result.downloaded
    assert all("parsers disagree on its host" in o.message for o in result.failed)
    out, err = capfd.readouterr()
    assert VALID_TOKEN not in out + err + "".join(o.message for o in result.outcomes)


def test_token_allowed_judges_with_the_parser_that_sends():
    from glue_mast.archive.auth import token_allowed

    server = "http://127.0.0.1:5000"
    assert token_allowed("http://127.0.0.1:5000/api/v0.1/Download/file?uri=x", server)
    assert token_allowed("HTTP://127.0.0.1:5000/x", server)
    assert not token_allowed("http://127.0.0.2:6000\\@127.0.0.1:5000/x", server)
    assert not token_allowed("http://127.0.0.1:5000@127.0.0.2:5000/x", server)
    assert not token_allowed("https://127.0.0.1:5000/x", server)
    assert not token_allowed("http://127.0.0.1:5001/x", server)


def test_a_fetch_waiting_for_another_into_its_directory_can_be_cancelled(local_mast, k2, tmp_path):
    import time

    from glue_mast.archive.fetch import start_fetch
    from glue_mast.archive.fetch.job import FetchCancelled
    from glue_mast.archive.fetch.lock import DirectoryLock

    local_mast.clear_log()
    with DirectoryLock([tmp_path]):  # another fetch writing here
        job = start_fetch(k2, tmp_path)
        time.sleep(0.3)
        assert not job.done and not local_mast.log  # waits, asks nothing
        began = time.monotonic()
        job.cancel()
        with pytest.raises(FetchCancelled):
            job.result(timeout=5)
        assert time.monotonic() - began < 1.0
    assert not (tmp_path / "manifest.json").exists()  # it wrote nothing it did not hold


def test_a_fetch_that_waited_takes_what_the_other_completed(local_mast, k2, tmp_path):
    import threading
    import time

    from glue_mast.archive.fetch.lock import DirectoryLock

    [done] = fetch(k2, tmp_path / "elsewhere").downloaded
    lock = DirectoryLock([tmp_path])
    lock.acquire()  # "the other fetch" holds the directory...
    results = []
    waiter = threading.Thread(target=lambda: results.append(fetch(k2, tmp_path)))
    waiter.start()
    time.sleep(0.3)
    # ... and completes the file meanwhile, and records it.
    target = tmp_path / done.file.path.relative_to(tmp_path / "elsewhere")
    target.parent.mkdir(parents=True)
    target.write_bytes(done.file.path.read_bytes())
    record = {"dataURI": done.file.uri, "path": target, "size": done.file.size}
    Manifest(server=local_mast.url, datasets=[dict(record, sha256=done.sha256)]).write(
        tmp_path / "manifest.json"
    )
    local_mast.clear_log()
    lock.release()
    waiter.join(10)
    [result] = results
    assert [o.status for o in result.outcomes] == [FileStatus.CACHED] and not local_mast.log
    assert Manifest.read(tmp_path / "manifest.json").verify()


@pytest.mark.parametrize("listed", ["manifest.json", "manifest.ecsv", ".glue-mast.lock"])
def test_reproduce_never_writes_a_product_over_the_manifest(local_mast, k2, tmp_path, listed):
    from glue_mast.archive.fetch import reproduce

    fetch(k2, tmp_path)
    path = tmp_path / "manifest.json"
    data = json.loads(path.read_text())
    data["datasets"][0]["path"] = listed
    path.write_text(json.dumps(data))
    before = path.read_bytes()
    local_mast.clear_log()
    with pytest.raises(glue_mast.errors.InputError, match="manifest"):
        reproduce(path)
    assert path.read_bytes() == before and not downloads(local_mast)


def test_no_validator_no_resume(local_mast, k2, tmp_path):
    # Without ETag or Last-Modified there is no If-Range, and so no telling a resume from a
    # splice: the file is fetched whole again.
    uri = k2[0]["dataURI"]
    local_mast.faults.validators = ()
    local_mast.faults.drop(20_000, match=uri)
    [done] = fetch(k2, tmp_path, backoff=0.01).downloaded
    gets = downloads(local_mast)
    assert [(g.status, g.headers.get("Range")) for g in gets] == [(200, None), (200, None)]
    assert done.file.path.read_bytes() == served(local_mast, uri) and done.resumed_from == []


# --- all of it at once: a seeded campaign of random faults ---------------------------------


def test_random_faults_never_certify_a_wrong_file(local_mast, tmp_path):
    """Rounds of random drops, short bodies, 503s, files changing mid-fetch, no validators,
    garbage partial files, a lost manifest with a flipped byte: after every fetch the manifest
    lists exactly the final files, each one whole version of its product as served."""
    import random
    from collections import Counter
    from pathlib import Path

    rng = random.Random(20261201)
    rows = synthetic(3)
    uris = [r["dataURI"] for r in rows]
    versions = {}
    for uri in uris:
        data = served(local_mast, uri)
        versions[uri] = {sha(data), sha(bytes(b ^ 0xFF for b in data))}
    tried, wrong, tampered = Counter(), [], set()
    for n in range(24):
        root = tmp_path / f"round{n}"
        for attempt in range(2):
            faults = local_mast.faults
            faults.reset()
            faults.validators = rng.choice(
                [("etag", "last-modified"), ("etag",), ("last-modified",), ()]
            )
            tried["no validator" if not faults.validators else "validators"] += 1
            for uri in uris:
                kind = rng.choice(["drop", "short", "503", "change", "drop+change", "none"])
                tried[kind] += 1
                if "drop" in kind:
                    faults.drop(rng.randrange(1, 66_000), times=rng.randint(1, 3), match=uri)
                if kind == "short":
                    faults.truncate(rng.randrange(1, 66_000), match=uri)
                if kind == "503":
                    faults.error(503, retry_after=0, times=rng.randint(1, 3), match=uri)
                if "change" in kind:
                    faults.change_file(uri, after=rng.randint(0, 2))
            if attempt and rng.random() < 0.5 and (root / "manifest.json").exists():
                tried["lost manifest, flipped byte"] += 1
                victims = sorted(root.rglob("*.fits"))
                (root / "manifest.json").unlink()
                tampered.update(map(str, victims))  # their records are gone
                if victims:
                    data = bytearray(victims[0].read_bytes())
                    data[rng.randrange(len(data))] ^= 0x01
                    victims[0].write_bytes(data)
            if attempt and rng.random() < 0.5:
                tried["garbage .part"] += 1
                f = plan(rows, root).to_fetch[rng.randrange(3)]
                f.path.parent.mkdir(parents=True, exist_ok=True)
                f.part.write_bytes(bytes([rng.randrange(256)]) * rng.randint(1, f.size))
            fetch(rows, root, retries=rng.randint(1, 3), backoff=0.01, parallel=2)
            m = Manifest.read(root / "manifest.json")
            # Every final file is recorded, but one whose record this test deleted (with the
            # manifest) that the fetch could not fetch again: unrecorded, so not certified.
            recorded_paths = {d["path"] for d in m.datasets}
            finals = {str(p) for p in root.rglob("*.fits")}
            if not recorded_paths <= finals or not finals - recorded_paths <= tampered:
                wrong.append((n, attempt, f"manifest does not match the disk: {finals}"))
            report = m.verify()
            # A fetch the faults stopped leaves files incomplete (recorded so); what the
            # manifest lists as complete must verify.
            if report.missing or report.wrong_size or report.wrong_checksum or report.unreadable:
                wrong.append((n, attempt, "verify fails"))
            for d in m.datasets:
                if d["sha256"] not in versions[d["dataURI"]]:
                    wrong.append((n, attempt, f"{d['dataURI']} certified as a file never served"))
                if sha(Path(d["path"]).read_bytes()) != d["sha256"]:
                    wrong.append((n, attempt, f"{d['dataURI']} on disk is not what is recorded"))
    print(f"faults tried: {sum(tried.values())} {dict(tried)}; wrong: {len(wrong)}")
    assert wrong == [], wrong
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"round{n}" for n in range(24))


def test_a_fetch_killed_mid_file_resumes_without_a_splice_after_the_file_changed(
    local_mast, tmp_path
):
    """Issue 7, item 2 as it happens: SIGKILL mid-body, the product reprocessed, fetch again."""
    import signal
    import subprocess
    import sys
    import time

    uri = "mast:SYNTHETIC/product/syn000000_cal.fits"
    rows = synthetic(1)
    local_mast.faults.bandwidth = 20_000  # 3 s for the file: killed part-way
    script = (
        "import json, sys, glue_mast; from glue_mast.archive.fetch import fetch, partial; "
        "partial.CHECKPOINT_BYTES = 8192; glue_mast.configure(server=sys.argv[1]); "
        "fetch(json.loads(sys.argv[2]), sys.argv[3])"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, local_mast.url, json.dumps(rows), str(tmp_path)]
    )
    part = plan(rows, tmp_path).to_fetch[0].part
    deadline = time.monotonic() + 30
    while (not part.exists() or part.stat().st_size < 10_000) and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    assert 10_000 <= part.stat().st_size < len(served(local_mast, uri))
    vouched = json.loads(part.with_name(part.name + ".meta").read_text())["part_size"]
    assert vouched >= 8192  # checkpointed as it went: resumable
    local_mast.faults.bandwidth = None
    local_mast.faults.change_file(uri, after=0)
    local_mast.clear_log()
    [done] = fetch(rows, tmp_path).downloaded
    new = bytes(b ^ 0xFF for b in served(local_mast, uri))
    [get] = downloads(local_mast)
    assert get.headers["Range"] == f"bytes={vouched}-" and get.status == 200  # If-Range: changed
    assert get.headers["If-Range"] == etag(served(local_mast, uri))  # the first version's
    assert done.file.path.read_bytes() == new
    assert recorded(tmp_path)[uri]["sha256"] == sha(new)
    assert Manifest.read(tmp_path / "manifest.json").verify()
