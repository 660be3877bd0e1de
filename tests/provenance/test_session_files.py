"""A Jdaviz session's files, read from its JSON alone: checked entries, one record per file."""

import hashlib
import json
import subprocess
import sys

import pytest

from glue_mast.archive.fetch import reproduce
from glue_mast.errors import InputError
from glue_mast.provenance import (
    JDAVIZ_SESSION_SCHEMA,
    Manifest,
    ManifestError,
    SessionFiles,
    read_records,
)


def _file(path, data, uri):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return {
        "dataURI": uri,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest().upper(),  # read case-blind
        "path": str(path),
    }


def _session(path, datasets):
    path.write_text(json.dumps({"schema": JDAVIZ_SESSION_SCHEMA, "datasets": datasets}))
    return path


@pytest.fixture
def two_files(tmp_path):
    a = _file(tmp_path / "cache" / "a.fits", b"segments", "mast:X/product/a.fits")
    b = _file(tmp_path / "cache" / "b.fits", b"orders", "mast:X/product/b.fits")
    datasets = [
        {
            "label": "a FUVA",
            "file": a,
            "provenance": {"server": "http://one", "queries": [{"q": 1}]},
        },
        {
            "label": "a FUVB",
            "file": a,
            "provenance": {"server": "http://one", "queries": [{"q": 1}]},
        },
        {"label": "b", "file": b, "provenance": {"server": "http://two", "queries": [{"q": 2}]}},
    ]
    return _session(tmp_path / "analysis.json", datasets)


def test_one_record_per_file_with_the_labels_of_its_datasets(two_files, tmp_path):
    files = read_records(two_files)
    assert isinstance(files, SessionFiles) and len(files) == 2
    assert [r["labels"] for r in files.records] == [["a FUVA", "a FUVB"], ["b"]]
    assert files.records[0]["sha256"] == hashlib.sha256(b"segments").hexdigest()
    assert (files.servers, files.queries) == (["http://one", "http://two"], [{"q": 1}, {"q": 2}])
    report = files.verify()
    assert [d["path"] for d in report.ok] == [
        str(tmp_path / "cache" / n) for n in ("a.fits", "b.fits")
    ]
    assert report and report.lines() == []


def test_missing_wrong_and_unchecked(two_files, tmp_path):
    raw = json.loads(two_files.read_text())
    raw["datasets"][2]["file"]["sha256"] = None
    raw["datasets"].append({"label": "c", "file": {"dataURI": "mast:X/product/c.fits"}})
    two_files.write_text(json.dumps(raw))
    (tmp_path / "cache" / "a.fits").write_bytes(b"segmentz")
    report = read_records(two_files).verify()
    assert not report
    assert report.lines() == [
        "missing: (no path recorded) (mast:X/product/c.fits)",
        f"wrong checksum: {tmp_path / 'cache' / 'a.fits'} (expected sha256 "
        f"{hashlib.sha256(b'segments').hexdigest()})",
        f"not checked: {tmp_path / 'cache' / 'b.fits'} (the session records no sha256)",
    ]
    sizes = read_records(two_files).verify(checksums=False)
    assert [d["dataURI"] for d in sizes.ok] == ["mast:X/product/a.fits", "mast:X/product/b.fits"]


def test_bad_entries_get_one_line_each(tmp_path):
    good = {"dataURI": "mast:X/product/a.fits", "path": "a.fits"}
    path = _session(
        tmp_path / "analysis.json",
        [
            "not a record",
            {"label": "no file"},
            {"label": "no uri", "file": {"path": "a.fits"}},
            {"label": "big", "file": dict(good, size="big")},
            {"label": "hex", "file": dict(good, sha256="12345")},
            {"label": "path", "file": dict(good, path=5)},
            {"label": "fine", "file": good},
        ],
    )
    with pytest.raises(ManifestError) as caught:
        read_records(path)
    assert [line.split(": ", 2)[1:] for line in caught.value.problems] == [
        ["dataset 0", "not a record (a JSON object) but a str"],
        ["dataset 1 ('no file')", "no 'file' record (the MAST record of the file it came from)"],
        ["dataset 2 ('no uri')", "no dataURI (the MAST URI the file is fetched from)"],
        ["dataset 3 ('big')", "size 'big' is not a whole number of bytes"],
        ["dataset 4 ('hex')", "sha256 '12345' is not 64 hex digits"],
        ["dataset 5 ('path')", "the path 5 is not a file name"],
    ]


def test_a_later_version_and_other_files_are_refused(tmp_path):
    later = tmp_path / "later.json"
    later.write_text(json.dumps({"schema": "glue-mast/jdaviz-session/2", "datasets": []}))
    with pytest.raises(InputError, match="has schema glue-mast/jdaviz-session/2; .*upgrade"):
        read_records(later)
    manifest = Manifest(server="http://x", path=tmp_path / "m" / "manifest.json")
    manifest.write()
    assert isinstance(read_records(manifest.path), Manifest)
    with pytest.raises(InputError, match="There is no glue-mast manifest or Jdaviz session at"):
        read_records(tmp_path / "nothing.json")


def test_reproduce_needs_a_directory_and_never_replaces_the_session(two_files, tmp_path):
    with pytest.raises(InputError, match="is a Jdaviz session, whose files") as caught:
        reproduce(two_files)
    assert caught.value.field == "out_dir"
    named = tmp_path / "manifest.json"
    named.write_bytes(two_files.read_bytes())
    with pytest.raises(InputError, match="is the session itself"):
        reproduce(named, tmp_path)
    assert named.read_bytes() == two_files.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["analysis.json", "cache", "manifest.json"]


def test_reading_a_session_imports_no_viewer(two_files):
    code = (
        "import sys; from glue_mast.provenance import read_records; "
        f"assert read_records({str(two_files)!r}).verify(); "
        "print(sorted(m for m in ('jdaviz', 'glue', 'glue_qt', 'ipyvuetify') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (0, "[]\n"), done.stderr
