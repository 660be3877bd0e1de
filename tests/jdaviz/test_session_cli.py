"""`glue-mast verify` and `glue-mast reproduce` of a saved Jdaviz session, as users run them."""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from glue_mast.jdaviz.session import save_session
from glue_mast.provenance import Manifest

EXE = str(Path(sys.executable).with_name("glue-mast"))
COS_URI = "mast:HST/product/lb4m01010_x1dsum.fits"


def glue_mast(*args, cwd):
    done = subprocess.run(
        [EXE, *map(str, args)], capture_output=True, text=True, timeout=300, cwd=cwd
    )
    return done.returncode, done.stdout, done.stderr


def _downloads(archive):
    return [r for r in archive.log if r.path.startswith("/api/v0.1/Download")]


@pytest.fixture
def session(app, plg, local_mast, tmp_path):
    """A saved session of two files: a COS spectrum (two segments, two datasets) and a FUSE
    spectrum, fetched into the download cache."""
    plg.target = "TW Hya"
    plg.criteria = {"obs_collection": ["HST", "FUSE"]}
    plg.search()
    cos = next(i for i, row in enumerate(plg.results) if row["obs_id"] == "LB4M01010")
    fuse = next(i for i, row in enumerate(plg.results) if row["obs_collection"] == "FUSE")
    plg.select(observations=[cos, fuse])
    names = [str(name) for name in plg.products["productFilename"]]
    wanted = ["lb4m01010_x1dsum.fits", *[n for n in names if n.endswith("vo.fits")][:1]]
    plg.select(products=wanted)
    plg.load_selected()
    path = save_session(app, tmp_path / "work" / "analysis.json")
    local_mast.clear_log()
    return path


def _files(path):
    """{dataURI: record} of the session's datasets' files."""
    return {d["file"]["dataURI"]: d["file"] for d in json.loads(path.read_text())["datasets"]}


def test_verify_checks_each_file_once(session, tmp_path):
    datasets = json.loads(session.read_text())["datasets"]
    assert [d["file"]["dataURI"] for d in datasets].count(COS_URI) == 2
    assert len(datasets) == 3 and len(_files(session)) == 2
    status, out, err = glue_mast("verify", session, cwd=tmp_path)
    assert (status, out, err) == (0, "2 of 2 files match the session (sizes and sha256)\n", "")


def test_verify_names_a_missing_file(session, tmp_path):
    record = _files(session)[COS_URI]
    Path(record["path"]).unlink()
    status, out, _ = glue_mast("verify", session, cwd=tmp_path)
    assert status == 1
    assert out.splitlines() == [
        f"missing: {record['path']} ({COS_URI})",
        "1 of 2 files match the session (sizes and sha256)",
    ]


def test_verify_names_a_corrupt_file(session, tmp_path):
    record = _files(session)[COS_URI]
    file = Path(record["path"])
    file.write_bytes(file.read_bytes()[:-1] + b"!")  # same size, other bytes
    status, out, _ = glue_mast("verify", session, cwd=tmp_path)
    assert status == 1
    assert out.splitlines()[0] == f"wrong checksum: {file} (expected sha256 {record['sha256']})"
    status, out, _ = glue_mast("verify", session, "--no-checksums", cwd=tmp_path)
    assert (status, out) == (0, "2 of 2 files match the session (sizes)\n")


def test_a_relative_path_is_relative_to_the_session(session, tmp_path):
    raw = json.loads(session.read_text())
    for dataset in raw["datasets"]:
        absolute = Path(dataset["file"]["path"])
        dataset["file"]["path"] = str(Path("..") / absolute.relative_to(tmp_path))
    session.write_text(json.dumps(raw))
    # Run from elsewhere: relative to the session's directory, not the working one.
    status, out, _ = glue_mast("verify", session, cwd=tmp_path / "cache")
    assert (status, out.splitlines()[-1]) == (
        0,
        "2 of 2 files match the session (sizes and sha256)",
    )


def test_a_record_without_sha256_is_not_ok(session, tmp_path):
    raw = json.loads(session.read_text())
    for dataset in raw["datasets"]:
        if dataset["file"]["dataURI"] == COS_URI:
            dataset["file"].pop("sha256")
    session.write_text(json.dumps(raw))
    status, out, _ = glue_mast("verify", session, cwd=tmp_path)
    assert status == 1
    path = _files(session)[COS_URI]["path"]
    assert out.splitlines() == [
        f"not checked: {path} (the session records no sha256)",
        "1 of 2 files match the session (sizes and sha256)",
    ]


def test_reproduce_fetches_every_file_into_the_directory(session, local_mast, tmp_path):
    out_dir = tmp_path / "again"
    status, out, err = glue_mast(
        "reproduce", session, "--out", out_dir, "--no-progress", "--server", local_mast.url,
        cwd=tmp_path,
    )
    assert status == 0, err
    assert out.startswith("fetched 2 files (")
    assert out.endswith("2 files verified identical to the session\n")
    assert sorted(r.query["uri"][0] for r in _downloads(local_mast)) == sorted(_files(session))
    manifest = Manifest.read(out_dir / "manifest.json")
    assert manifest.extra["reproduced_from"]["session"] == str(session)
    got = {d["dataURI"]: d for d in manifest.datasets}
    for uri, record in _files(session).items():
        path = Path(got[uri]["path"])
        assert path.is_relative_to(out_dir)
        assert hashlib.sha256(path.read_bytes()).hexdigest() == record["sha256"]
    assert got[COS_URI]["label"] == "LB4M01010 FUVA (HST COS/FUV) | LB4M01010 FUVB (HST COS/FUV)"
    assert glue_mast("verify", out_dir / "manifest.json", cwd=tmp_path) == (
        0,
        "2 of 2 files match the manifest (sizes and sha256)\n",
        "",
    )
    # Again: everything is there, checked by its SHA-256; nothing is requested.
    local_mast.clear_log()
    status, out, _ = glue_mast(
        "reproduce", session, "--out", out_dir, "--no-progress", "--server", local_mast.url,
        cwd=tmp_path,
    )
    assert status == 0 and _downloads(local_mast) == []
    assert out.endswith("2 files verified identical to the session\n")


def test_reproduce_insists_on_the_sessions_sha256(session, local_mast, tmp_path):
    raw = json.loads(session.read_text())
    for dataset in raw["datasets"]:  # as if MAST now served other bytes under that name
        if dataset["file"]["dataURI"] == COS_URI:
            dataset["file"]["sha256"] = "0" * 64
    session.write_text(json.dumps(raw))
    out_dir = tmp_path / "again"
    status, out, err = glue_mast(
        "reproduce", session, "--out", out_dir, "--no-progress", "--server", local_mast.url,
        cwd=tmp_path,
    )
    assert status == 1
    assert "lb4m01010_x1dsum.fits" in err and "sha256" in err.lower()
    # the file that did not arrive as recorded is incomplete in the new manifest (one verdict)
    assert "incomplete: HST/LB4M01010/lb4m01010_x1dsum.fits" in out
    assert "missing:" not in out
    assert out.endswith("1 files verified identical to the session; 1 not\n")
    assert not (out_dir / "HST" / "LB4M01010" / "lb4m01010_x1dsum.fits").exists()
    status, out, _ = glue_mast("verify", out_dir / "manifest.json", cwd=tmp_path)
    assert status == 1 and "1 of 2 files match the manifest" in out
    (unfinished,) = json.loads((out_dir / "manifest.json").read_text())["incomplete"]
    assert unfinished["expected_sha256"] == "0" * 64  # finishing it insists on it still


def test_reproduce_of_a_session_needs_a_directory(session, local_mast, tmp_path):
    status, out, err = glue_mast("reproduce", session, "--no-progress", cwd=tmp_path)
    assert (status, out) == (2, "")
    assert err.startswith("glue-mast: error: argument --out: analysis.json is a Jdaviz session")
    assert len(err.splitlines()) == 1
    assert _downloads(local_mast) == []


@pytest.mark.parametrize("command", [("verify",), ("reproduce", "--out", "x")])
@pytest.mark.parametrize("text", ['{"schema": "something else"}', "[1, 2]", '{"__main__": {}}'])
def test_not_a_manifest_nor_a_session(tmp_path, command, text):
    path = tmp_path / "x.json"
    path.write_text(text)
    status, out, err = glue_mast(command[0], path, *command[1:], cwd=tmp_path)
    assert (status, out) == (2, "")
    assert err.startswith(f"glue-mast: error: {path} is ")
    assert len(err.splitlines()) == 1
    assert "Traceback" not in err
    assert "neither a glue-mast manifest" in err and "nor a glue-mast Jdaviz session" in err
    if "__main__" in text:  # glue's own session: its files are in the manifest beside it
        assert err.rstrip().endswith("its manifest x.provenance.json beside it lists")
    assert not (tmp_path / "x").exists()
