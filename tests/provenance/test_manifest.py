"""The provenance manifest: plain JSON, atomic, relative paths, verify and reproduce."""

import json
import os

import numpy as np
import pytest

import glue_mast
from glue_mast.errors import InputError
from glue_mast.provenance import SCHEMA, Manifest, sha256_of
from glue_mast.archive.fetch import reproduce


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
    assert raw["queries"] == [
        {"service": "Mast.Caom.Cone", "radius_deg": 0.2, "count": 3, "ra": None}
    ]
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


@pytest.mark.parametrize(
    "content, message",
    [
        ("not json", "is not a glue-mast manifest"),
        ('{"schema": "other/1"}', "is not a glue-mast manifest"),
        ('{"schema": "glue-mast/manifest/9", "datasets": []}', "upgrade glue-mast"),
        (
            '{"schema": "glue-mast/manifest/1", "datasets": [{"path": "../x", "dataURI": "u"}]}',
            "outside the manifest's directory",
        ),
        (
            '{"schema": "glue-mast/manifest/1", "datasets": [{"path": "/etc/x", "dataURI": "u"}]}',
            "outside the manifest's directory",
        ),
        ('{"schema": "glue-mast/manifest/1", "datasets": [{"dataURI": "u"}]}', "without a path"),
    ],
)
def test_read_refuses_what_is_not_a_manifest(tmp_path, content, message):
    (tmp_path / "m.json").write_text(content)
    with pytest.raises(InputError, match=message):
        Manifest.read(tmp_path / "m.json")


def test_missing_manifest(tmp_path):
    with pytest.raises(InputError, match="no manifest at"):
        Manifest.read(tmp_path / "nope.json")


# --- reproduce against the local archive ------------------------------------------------------


@pytest.fixture
def fetched(local_mast, tmp_path):
    prods = glue_mast.products(glue_mast.search("AU Mic").all())
    result = glue_mast.fetch(prods, tmp_path / "data")
    return result.manifest


def test_reproduce_in_place_fixes_what_is_missing_or_wrong(local_mast, fetched):
    paths = [d["path"] for d in fetched.datasets]
    os.remove(paths[0])
    with open(paths[1], "r+b") as f:
        f.seek(3000)
        f.write(b"\0\0\0")
    local_mast.clear_log()
    result, report = reproduce(fetched.path)
    assert report and len(report.ok) == len(paths)
    assert sorted(o.file.path.name for o in result.downloaded) == sorted(
        os.path.basename(p) for p in paths[:2]
    )
    assert len(local_mast.requests(path="/api/v0.1/Download/file")) == 2
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


def test_reproduce_uses_the_recorded_server(local_mast, fetched, tmp_path):
    glue_mast.configure(server="http://127.0.0.1:1")  # wrong on purpose: the manifest knows
    result, report = reproduce(fetched.path, tmp_path / "again")
    assert report and result.ok
