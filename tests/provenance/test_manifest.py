"""The provenance manifest: plain JSON, atomic, relative paths, verify and reproduce."""

import json
import os
from pathlib import Path

import numpy as np
import pytest

import glue_mast
from glue_mast.archive.fetch import reproduce
from glue_mast.errors import InputError
from glue_mast.provenance import SCHEMA, Manifest, sha256_of
from glue_mast.provenance.queries import query_id


def _record(path, data, **extra):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    import hashlib

    return {
        "path": path,
        "dataURI": f"mast:TEST/product/{path.name}",
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        **extra,
    }


def test_round_trip_is_plain_json_with_relative_paths(tmp_path):
    m = Manifest(server="https://mast.stsci.edu", path=tmp_path / "manifest.json")
    m.add_query(
        {
            "service": "Mast.Caom.Cone",
            "radius_deg": np.float64(0.2),
            "count": np.int64(3),
            "ra": float("nan"),
        }
    )
    m.add_dataset(
        _record(
            tmp_path / "HST" / "a" / "x.fits",
            b"abc",
            calib_level=np.int64(3),
            t_obs_release=np.ma.masked,
        )
    )
    m.write()
    raw = json.loads((tmp_path / "manifest.json").read_text())
    assert raw["schema"] == SCHEMA
    assert raw["created"].endswith("Z")
    assert set(raw["software"]) >= {
        "glue-mast",
        "astroquery",
        "astropy",
        "specutils",
        "glue-core",
        "jdaviz",
        "python",
    }
    query = {"service": "Mast.Caom.Cone", "radius_deg": 0.2, "count": 3, "ra": None}
    assert raw["queries"] == [{"id": query_id(query), **query}]
    [dataset] = raw["datasets"]
    assert dataset["path"] == "HST/a/x.fits"
    assert dataset["calib_level"] == 3 and dataset["t_obs_release"] is None
    again = Manifest.read(tmp_path / "manifest.json")
    assert again.datasets[0]["path"] == os.fspath(tmp_path / "HST" / "a" / "x.fits")
    assert again.verify()
    ecsv = (tmp_path / "manifest.ecsv").read_text()
    assert "HST/a/x.fits" in ecsv and SCHEMA in ecsv


def test_write_is_atomic(tmp_path, monkeypatch):
    m = Manifest(server="s", path=tmp_path / "manifest.json")
    m.add_dataset(_record(tmp_path / "f.fits", b"1"))
    m.write()
    before = (tmp_path / "manifest.json").read_text()

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(json, "dumps", lambda *a, **k: '{"half": ')
    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(OSError):
        m.write()
    assert (tmp_path / "manifest.json").read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "f.fits",
        "manifest.ecsv",
        "manifest.json",
    ]


def test_verify_reports_every_kind_of_problem(tmp_path):
    m = Manifest(server="s", path=tmp_path / "manifest.json")
    for name in ("ok", "gone", "short", "flipped"):
        m.add_dataset(_record(tmp_path / f"{name}.fits", b"0123456789"))
    (tmp_path / "gone.fits").unlink()
    (tmp_path / "short.fits").write_bytes(b"01234")
    (tmp_path / "flipped.fits").write_bytes(b"0123456780")
    report = m.verify()
    assert not report
    assert [d["path"] for d in report.ok] == ["ok.fits"]
    assert report.lines() == [
        "missing: gone.fits (mast:TEST/product/gone.fits)",
        "wrong size: short.fits (expected 10 bytes)",
        f"wrong checksum: flipped.fits (expected sha256 {sha256_of(tmp_path / 'ok.fits')})",
    ]
    assert m.verify(checksums=False).wrong_checksum == []



def test_a_file_recorded_without_a_checksum_is_not_called_ok(tmp_path):
    # A manifest written by hand (or by another tool) may leave out sha256 or size; what the
    # file holds then cannot be told from the record, so verify does not vouch for it.
    m = Manifest(server="s", path=tmp_path / "manifest.json")
    m.add_dataset(_record(tmp_path / "checked.fits", b"0123456789"))
    m.add_dataset(dict(_record(tmp_path / "no_sum.fits", b"0123456789"), sha256=None))
    m.add_dataset(dict(_record(tmp_path / "no_size.fits", b"0123456789"), size=None))
    report = m.verify()
    assert not report
    assert [d["path"] for d in report.ok] == ["checked.fits", "no_size.fits"]
    assert report.lines() == ["not checked: no_sum.fits (the manifest records no sha256)"]
    sizes = m.verify(checksums=False)
    assert [d["path"] for d in sizes.ok] == ["checked.fits", "no_sum.fits"]
    assert sizes.lines() == ["not checked: no_size.fits (the manifest records no size)"]


@pytest.mark.parametrize(
    "content, message",
    [
        ("not json", "is not a glue-mast manifest"),
        ('{"schema": "other/1"}', "is not a glue-mast manifest"),
        ('{"schema": "glue-mast/manifest/9", "datasets": []}', "upgrade glue-mast"),
        (
            '{"schema": "glue-mast/manifest/1", "datasets": [{"path": "../x", "dataURI": "u"}]}',
            r"dataset 0 \('../x'\): the path climbs with '..'",
        ),
        (
            '{"schema": "glue-mast/manifest/1", "datasets": [{"path": "/etc/x", "dataURI": "u"}]}',
            r"dataset 0 \('/etc/x'\): the path is absolute",
        ),
        (
            '{"schema": "glue-mast/manifest/1", "datasets": [{"dataURI": "u"}]}',
            "dataset 0: no path",
        ),
    ],
)
def test_read_refuses_what_is_not_a_manifest(tmp_path, content, message):
    (tmp_path / "m.json").write_text(content)
    with pytest.raises(InputError, match=message):
        Manifest.read(tmp_path / "m.json")


@pytest.mark.parametrize(
    "content, message",
    [
        ("[" * 100_000, "nested too deeply"),
        ('{"schema": "glue-mast/manifest/1", "size": ' + "9" * 5000 + "}", "integer string"),
    ],
)
def test_read_of_hostile_json_is_one_line(tmp_path, content, message):
    (tmp_path / "m.json").write_text(content)
    with pytest.raises(InputError, match=f"is not a glue-mast manifest .*{message}"):
        Manifest.read(tmp_path / "m.json")


def test_missing_manifest(tmp_path):
    with pytest.raises(InputError, match="There is no glue-mast manifest at"):
        Manifest.read(tmp_path / "nope.json")


# --- reproduce against the local archive ------------------------------------------------------


@pytest.fixture
def fetched(local_mast, tmp_path):
    prods = glue_mast.products(glue_mast.search("AU Mic").all())
    result = glue_mast.fetch(prods, tmp_path / "data")
    return result.manifest


def test_reproduce_in_place_fetches_what_is_missing_and_never_replaces_a_file(
    local_mast, fetched
):
    """A file there with other bytes is reported and left as it is (it may be a person's own
    file that a received manifest names); once moved aside, reproduce fetches it."""
    paths = [d["path"] for d in fetched.datasets]
    os.remove(paths[0])
    with open(paths[1], "r+b") as f:
        f.seek(3000)
        f.write(b"\0\0\0")
    changed = Path(paths[1]).read_bytes()
    local_mast.clear_log()
    result, report = reproduce(fetched.path)
    assert [o.file.path.name for o in result.downloaded] == [os.path.basename(paths[0])]
    [kept] = result.failed
    name = Path(paths[1]).relative_to(fetched.path.parent).as_posix()
    assert kept.message.startswith(f"not replaced: {name} is there already")
    assert "(its SHA-256 differs); move it aside and run again" in kept.message
    assert Path(paths[1]).read_bytes() == changed
    assert not report and len(report.ok) == len(paths) - 1 and len(report.wrong_checksum) == 1
    assert len(local_mast.requests(path="/api/v0.1/Download/file")) == 1
    os.remove(paths[1])
    result, report = reproduce(fetched.path)
    assert report and len(report.ok) == len(paths) and result.ok
    after = Manifest.read(fetched.path)
    assert {d["sha256"] for d in after.datasets} == {d["sha256"] for d in fetched.datasets}


def test_reproduce_elsewhere_gives_identical_checksums(local_mast, fetched, tmp_path):
    result, report = reproduce(fetched.path, tmp_path / "elsewhere")
    assert report and result.ok
    copy = Manifest.read(tmp_path / "elsewhere" / "manifest.json")
    assert copy.extra["reproduced_from"]["manifest"] == str(fetched.path)
    assert sorted((d["dataURI"], d["sha256"]) for d in copy.datasets) == sorted(
        (d["dataURI"], d["sha256"]) for d in fetched.datasets
    )
    assert copy.queries == fetched.queries


def test_reproduce_refuses_different_bytes(local_mast, fetched, tmp_path):
    raw = json.loads(fetched.path.read_text())
    raw["datasets"][0]["sha256"] = "0" * 64
    fetched.path.write_text(json.dumps(raw))
    os.remove(fetched.path.parent / raw["datasets"][0]["path"])
    result, report = reproduce(fetched.path, backoff=0.01)
    [failure] = result.failed
    assert "not the 000000000000... expected" in failure.message
    assert not (fetched.path.parent / raw["datasets"][0]["path"]).exists()
    assert not report and len(report.missing) == 1


def test_reproduce_uses_the_configured_server_not_the_recorded_one(
    local_mast, fetched, tmp_path
):
    glue_mast.configure(server="http://127.0.0.1:1")  # nothing listens: the fetch fails
    with pytest.warns(UserWarning, match="names the server"):
        result, report = reproduce(fetched.path, tmp_path / "again", retries=1)
    assert not result.downloaded and len(result.failed) == len(fetched.datasets)
    result, report = reproduce(fetched.path, tmp_path / "again", server=local_mast.url)
    assert report and result.ok


# --- hostile and malformed manifests ----------------------------------------------------------


def _write_manifest(directory, datasets):
    """A manifest in ``directory`` listing one good file and then ``datasets`` as given."""
    good = _record(directory / "good.fits", b"good bytes")
    good["path"] = "good.fits"
    path = directory / "manifest.json"
    path.write_text(
        json.dumps({"schema": SCHEMA, "server": "s", "datasets": [good, *datasets]}),
        encoding="utf-8",
    )
    return path


def _entry(path, **extra):
    return {"path": path, "dataURI": f"mast:TEST/product/{path}", **extra}


@pytest.mark.parametrize(
    "entry, message",
    [
        (_entry(5), "dataset 1 (5): the path is not a string"),
        (_entry("a\0b.fits"), "dataset 1 ('a\\x00b.fits'): the path holds a NUL character"),
        (_entry("x.fits", size="big"), "dataset 1 ('x.fits'): size 'big' is not a whole number"),
        (_entry("x.fits", size=-3), "dataset 1 ('x.fits'): size -3 is not a whole number"),
        (_entry("x.fits", size=True), "dataset 1 ('x.fits'): size True is not a whole number"),
        (_entry("x.fits", sha256=12345), "dataset 1 ('x.fits'): sha256 12345 is not 64 hex"),
        (_entry("x.fits", sha256="abc"), "dataset 1 ('x.fits'): sha256 'abc' is not 64 hex"),
        ("x.fits", "dataset 1: not a record (a JSON object) but a str"),
        ([1, 2], "dataset 1: not a record (a JSON object) but a list"),
        ({"path": "x.fits"}, "dataset 1 ('x.fits'): no dataURI"),
        ({"path": "x.fits", "dataURI": 7}, "dataset 1 ('x.fits'): no dataURI"),
        ({"dataURI": "mast:x"}, "dataset 1: no path"),
        (_entry(""), "dataset 1 (''): no path"),
        (_entry("."), "dataset 1 ('.'): the path names no file inside the manifest's dir"),
        (_entry("./"), "dataset 1 ('./'): the path names no file inside the manifest's dir"),
        (_entry(".."), "dataset 1 ('..'): the path climbs with '..'; dataset paths stay inside"),
        (_entry("a/../../x"), "dataset 1 ('a/../../x'): the path climbs with '..'"),
        (_entry("a/../b.fits"), "dataset 1 ('a/../b.fits'): the path climbs with '..'"),
        (_entry("..\\x.fits"), "dataset 1 ('..\\\\x.fits'): the path climbs with '..'"),
        (_entry("/etc/passwd"), "dataset 1 ('/etc/passwd'): the path is absolute; dataset paths"),
        (_entry("C:/x.fits"), "dataset 1 ('C:/x.fits'): the path is absolute"),
        (_entry("manifest.json"), "dataset 1 ('manifest.json'): the path is the manifest itself"),
        (_entry("MANIFEST.JSON"), "dataset 1 ('MANIFEST.JSON'): the path is the manifest itself"),
        (_entry("manifest.ecsv"), "dataset 1 ('manifest.ecsv'): the path is the manifest's ECSV"),
        (
            _entry(".glue-mast.lock"),
            "dataset 1 ('.glue-mast.lock'): the path is the lock file of fetches",
        ),
        (_entry("manifest.json/x"), "dataset 1 ('manifest.json/x'): the path runs through the"),
        (_entry("good.fits"), "dataset 1 ('good.fits'): the path is listed twice (as dataset 0)"),
        (_entry("good.fits.part"), "dataset 1 ('good.fits.part'): the path ends as a download's"),
        (_entry("a/x.PART.meta"), "dataset 1 ('a/x.PART.meta'): the path ends as a download's"),
    ],
)
def test_a_bad_entry_is_one_line_naming_it(tmp_path, entry, message):
    path = _write_manifest(tmp_path, [entry])
    with pytest.raises(InputError) as info:
        Manifest.read(path)
    assert str(info.value).splitlines() == [str(info.value)]
    assert str(info.value).startswith(f"{path}: {message}")


def test_a_session_manifest_may_not_list_its_session(tmp_path):
    path = tmp_path / "analysis.provenance.json"
    entry = _entry("Analysis.glu")
    path.write_text(json.dumps({"schema": SCHEMA, "session": "analysis.glu", "datasets": [entry]}))
    with pytest.raises(InputError) as info:
        Manifest.read(path)
    assert str(info.value) == (
        f"{path}: dataset 0 ('Analysis.glu'): the path is the glue session the manifest goes "
        "with; a dataset must not replace it"
    )


def test_every_bad_entry_gets_its_own_line(tmp_path):
    path = _write_manifest(tmp_path, [_entry(5), "x", _entry("ok.fits"), _entry("..")])
    with pytest.raises(InputError) as info:
        Manifest.read(path)
    lines = str(info.value).splitlines()
    assert [line.split(":")[1].strip() for line in lines] == [
        "dataset 1 (5)",
        "dataset 2",
        "dataset 4 ('..')",
    ]
    assert info.value.problems == lines


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("datasets", "abc", "'datasets' is not a list"),
        ("datasets", {"path": "x"}, "'datasets' is not a list"),
        ("queries", "abc", "'queries' is not a list"),
        ("server", 5, "'server' is not a URL"),
    ],
)
def test_malformed_top_level_values(tmp_path, field, value, message):
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({"schema": SCHEMA, "server": "s", field: value}))
    with pytest.raises(InputError, match=message):
        Manifest.read(path)


def test_an_entry_through_a_file_or_too_long_is_refused(tmp_path):
    path = _write_manifest(tmp_path, [_entry("good.fits/x.fits"), _entry("a" * 300)])
    with pytest.raises(InputError) as info:
        Manifest.read(path)
    assert str(info.value).splitlines() == [
        f"{path}: dataset 1 ('good.fits/x.fits'): the path runs through the file good.fits",
        f"{path}: dataset 2 ({'a' * 300!r}): the path cannot be used here (File name too long)",
    ]


def test_verify_reports_a_path_it_cannot_look_at(tmp_path):
    m = Manifest(server="s", path=tmp_path / "manifest.json")
    m.add_dataset(_record(tmp_path / "ok.fits", b"1"))
    m.add_dataset({"path": tmp_path / ("b" * 300), "dataURI": "mast:x/b", "size": 1})
    report = m.verify()
    assert [d["path"] for d in report.ok] == ["ok.fits"]
    assert report.lines() == [f"cannot read: {'b' * 300} (File name too long)"]


def test_an_entry_through_a_directory_is_refused(tmp_path):
    (tmp_path / "HST").mkdir()
    path = _write_manifest(tmp_path, [_entry("HST")])
    with pytest.raises(InputError, match=r"dataset 1 \('HST'\): the path is a directory"):
        Manifest.read(path)


@pytest.fixture
def outside(tmp_path):
    """A secret file outside the manifest's directory ``tmp_path / 'data'``."""
    secret = tmp_path / "outside" / "secret.fits"
    record = _record(secret, b"the secret bytes")
    (tmp_path / "data").mkdir()
    return secret, record


def test_a_symlink_out_of_the_directory_is_refused_on_reading(outside, tmp_path):
    secret, record = outside
    (tmp_path / "data" / "sub").symlink_to(secret.parent, target_is_directory=True)
    (tmp_path / "data" / "link.fits").symlink_to(secret)
    entries = [
        _entry("sub/secret.fits", size=record["size"], sha256=record["sha256"]),
        _entry("link.fits", size=record["size"], sha256=record["sha256"]),
    ]
    path = _write_manifest(tmp_path / "data", entries)
    with pytest.raises(InputError) as info:
        Manifest.read(path)
    assert str(info.value).splitlines() == [
        f"{path}: dataset 1 ('sub/secret.fits'): the path leads through a symbolic link to "
        f"{secret}, outside the manifest's directory",
        f"{path}: dataset 2 ('link.fits'): the path leads through a symbolic link to "
        f"{secret}, outside the manifest's directory",
    ]


def test_verify_never_reads_outside_the_directory(outside, tmp_path, monkeypatch):
    """A link planted after the manifest was read is no checksum oracle either."""
    from glue_mast.provenance import manifest as manifest_module

    secret, record = outside
    data = tmp_path / "data"
    (data / "sub").mkdir()
    m = Manifest(server="s", path=data / "manifest.json")
    m.add_dataset(dict(record, path=data / "sub" / "secret.fits"))
    (data / "sub").rmdir()
    (data / "sub").symlink_to(secret.parent, target_is_directory=True)
    read = []
    monkeypatch.setattr(manifest_module, "sha256_of", lambda p: read.append(p) or "")
    report = m.verify()
    assert read == [] and not report and report.ok == []
    assert report.lines() == [
        f"outside the directory: sub/secret.fits (leads to {secret}); not read"
    ]
