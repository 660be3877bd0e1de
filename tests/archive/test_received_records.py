"""A received manifest or Jdaviz session is untrusted input: reproducing it never sends the
token to a host it names, never writes over a file it did not write, treats each record as one
file at its own path, and never calls bytes verified that its record cannot vouch for."""

import hashlib
import json
import warnings
from pathlib import Path

import pytest

import glue_mast
from glue_mast.archive.fetch import reproduce
from glue_mast.archive.fetch.trust import OtherServerNamed, choose_server
from glue_mast.cli import main
from glue_mast.errors import InputError
from glue_mast.provenance import Manifest, read_records
from glue_mast.testing import VALID_TOKEN

VARIANTS = ["plain", "userinfo", "user-password", "case-and-path", "backslash"]
DOWNLOAD = "/api/v0.1/Download/file"


@pytest.fixture
def fetched(local_mast, tmp_path):
    prods = glue_mast.products(glue_mast.search("AU Mic").all())
    result = glue_mast.fetch(prods, tmp_path / "data")
    local_mast.clear_log()
    return result.manifest


def _edit(manifest_path, **top):
    """Rewrite a manifest: ``top`` fields replaced, every file marked exclusive access (so
    that the token is sent with each download); returns its datasets as written."""
    raw = json.loads(manifest_path.read_text())
    raw.update(top)
    for d in raw["datasets"]:
        d["dataRights"] = "EXCLUSIVE_ACCESS"
    manifest_path.write_text(json.dumps(raw))
    return raw["datasets"]


def _no_token_but_to(archive, other):
    """Nothing reached ``other``, and every download of ``archive`` carried the token."""
    assert other.log == [], [(r.path, r.headers.get("Cookie")) for r in other.log]
    downloads = archive.requests(path=DOWNLOAD)
    assert downloads and all(
        r.headers.get("Cookie") == f"mast_token={VALID_TOKEN}" for r in downloads
    )


def _session_of(manifest, path, server):
    """A Jdaviz session (as save_session writes it) of ``manifest``'s files, naming
    ``server`` as where they came from."""
    datasets = [
        {
            "label": f"dataset {i}",
            "kind": "spectrum",
            "part": None,
            "format": "1D Spectrum",
            "file": dict(d, path=str(d["path"]), dataRights="EXCLUSIVE_ACCESS"),
            "provenance": {"server": server},
        }
        for i, d in enumerate(manifest.datasets)
    ]
    path.write_text(json.dumps({"schema": "glue-mast/jdaviz-session/1", "datasets": datasets}))
    return path


# --- the token goes to the configured server only -------------------------------------------


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_manifest_naming_another_host_never_gets_it_the_token(
    local_mast, other_host, other_servers, fetched, tmp_path, variant
):
    named = other_servers[variant]
    _edit(fetched.path, server=named)
    glue_mast.configure(token=VALID_TOKEN)
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        result, report = reproduce(fetched.path, tmp_path / "out")
    _no_token_but_to(local_mast, other_host)
    [warning] = [w for w in said if w.category is OtherServerNamed]
    assert str(warning.message).startswith(f"the manifest manifest.json names the server {named!r}")
    assert f"fetched from the configured server {local_mast.url}" in str(warning.message)
    assert result.ok and report and len(report.ok) == len(fetched.datasets)


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_jdaviz_session_naming_another_host_never_gets_it_the_token(
    local_mast, other_host, other_servers, fetched, tmp_path, variant
):
    session = _session_of(fetched, tmp_path / "analysis.json", other_servers[variant])
    glue_mast.configure(token=VALID_TOKEN)
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        result, report = reproduce(session, tmp_path / "out")
    _no_token_but_to(local_mast, other_host)
    [warning] = [w for w in said if w.category is OtherServerNamed]
    assert str(warning.message).startswith("the session analysis.json names the server")
    assert result.ok and report and len(report.ok) == len(fetched.datasets)


def test_the_command_line_says_so_in_one_line_and_uses_the_configured_server(
    local_mast, other_host, other_servers, fetched, tmp_path, monkeypatch, capsys
):
    named = other_servers["userinfo"]
    _edit(fetched.path, server=named)
    monkeypatch.setenv("MAST_API_TOKEN", VALID_TOKEN)
    monkeypatch.setenv("GLUE_MAST_SERVER", local_mast.url)
    glue_mast.config.reset()  # the environment is the configuration
    status = main(["reproduce", str(fetched.path), "--out", str(tmp_path / "out"), "--no-progress"])
    out, err = capsys.readouterr()
    _no_token_but_to(local_mast, other_host)
    assert status == 0, err
    assert err.splitlines() == [
        f"glue-mast: note: the manifest manifest.json names the server {named!r}; its files "
        f"are fetched from the configured server {local_mast.url} (a file never chooses where "
        "the MAST token goes): give the server explicitly (server=..., --server) to fetch "
        "from another"
    ]
    assert VALID_TOKEN not in out + err


def test_an_explicit_server_is_where_the_files_come_from(
    local_mast, other_host, fetched, tmp_path
):
    """server= is how a user chooses another server, on purpose: no warning then."""
    glue_mast.configure(server="http://127.0.0.1:1")  # nothing listens there
    with warnings.catch_warnings():
        warnings.simplefilter("error", OtherServerNamed)
        result, report = reproduce(fetched.path, tmp_path / "out", server=local_mast.url)
    assert result.ok and report


@pytest.mark.parametrize(
    "server",
    [
        "http://mast.stsci.edu@127.0.0.2/",
        "http://user:pw@127.0.0.2:5000",
        "http://127.0.0.2:6000\\@127.0.0.1:5000",
        "http://127.0.0.1 .evil/",
        "ftp://127.0.0.1/",
        "http://",
    ],
)
def test_a_server_that_hides_its_host_is_refused_everywhere(local_mast, server):
    with pytest.raises(InputError, match="server ") as info:
        glue_mast.configure(server=server)
    assert info.value.field == "server"
    with pytest.raises(InputError):
        choose_server("http://x", server)


def test_the_same_server_spelled_otherwise_is_no_other_server(local_mast):
    with warnings.catch_warnings():
        warnings.simplefilter("error", OtherServerNamed)
        assert choose_server(local_mast.url + "/") == local_mast.url
        assert choose_server(local_mast.url.upper().replace("HTTP", "http")) == local_mast.url
        assert choose_server(None) == local_mast.url


def test_a_server_named_by_a_file_is_shown_on_one_line(local_mast):
    with pytest.warns(OtherServerNamed) as said:
        choose_server("http://evil/\n\x1b[2Jglue-mast: all files verified" + "x" * 500)
    text = str(said[0].message)
    assert "\n" not in text and "\x1b" not in text and len(text) < 400


# --- records keyed by path: a dataURI at two paths is two files -----------------------------


def test_a_dataURI_at_two_paths_is_two_files(local_mast, fetched, tmp_path):
    raw = json.loads(fetched.path.read_text())
    first = raw["datasets"][0]
    raw["datasets"].append(dict(first, path="copy/" + Path(first["path"]).name))
    fetched.path.write_text(json.dumps(raw))
    result, report = reproduce(fetched.path, tmp_path / "out")
    assert result.ok and report and len(report.ok) == len(raw["datasets"])
    for d in (first, raw["datasets"][-1]):
        got = (tmp_path / "out" / d["path"]).read_bytes()
        assert hashlib.sha256(got).hexdigest() == d["sha256"]
    assert len(Manifest.read(tmp_path / "out" / "manifest.json")) == len(raw["datasets"])


def test_a_dataURI_at_two_paths_with_other_checksums_is_not_verified(
    local_mast, fetched, tmp_path, capsys
):
    raw = json.loads(fetched.path.read_text())
    first = raw["datasets"][0]
    copy = dict(first, path="copy/" + Path(first["path"]).name, sha256="0" * 64)
    raw["datasets"].append(copy)
    fetched.path.write_text(json.dumps(raw))
    status = main(
        ["reproduce", str(fetched.path), "--out", str(tmp_path / "out"), "--no-progress",
         "--server", local_mast.url]
    )
    out, err = capsys.readouterr()
    assert status == 1
    # The server's bytes are not the record's: never given the path, and recorded as
    # incomplete (a later reproduce tries again, insisting on the recorded SHA-256).
    assert f"incomplete: {copy['path']} ({copy['dataURI']})" in out
    n = len(raw["datasets"])
    assert out.endswith(f"{n - 1} files verified identical to the manifest; 1 not\n")
    assert not (tmp_path / "out" / copy["path"]).exists()
    assert (tmp_path / "out" / first["path"]).is_file()


# --- nothing is written over a file the records did not write -------------------------------


@pytest.mark.parametrize("with_sha256", [True, False])
def test_a_persons_own_file_named_by_a_record_is_never_replaced(
    local_mast, fetched, tmp_path, with_sha256
):
    """A received manifest lists the person's notes.txt (and a file that is missing, so that
    there is something to fetch): notes.txt keeps its bytes, and is reported."""
    directory = fetched.path.parent
    notes = directory / "notes.txt"
    notes.write_text("my own notes\n")
    raw = json.loads(fetched.path.read_text())
    product = dict(raw["datasets"][0], path="notes.txt")
    if not with_sha256:
        del product["sha256"]
    raw["datasets"].append(product)
    fetched.path.write_text(json.dumps(raw))
    (directory / raw["datasets"][1]["path"]).unlink()
    result, report = reproduce(fetched.path)
    assert notes.read_text() == "my own notes\n"
    [kept] = result.failed
    assert kept.message.startswith("not replaced: notes.txt is there already and is not the file")
    assert [o.file.path.name for o in result.downloaded] == [Path(raw["datasets"][1]["path"]).name]
    assert not report
    assert [d["path"] for d in report.wrong_size] == ["notes.txt"]
    assert "notes.txt" not in {d["path"] for d in report.ok}
    assert not list(directory.rglob("*.part"))


def test_a_file_in_the_way_elsewhere_is_reported_not_replaced(local_mast, fetched, tmp_path):
    out = tmp_path / "out"
    first = fetched.datasets[0]
    relative = Path(first["path"]).relative_to(fetched.path.parent)
    (out / relative).parent.mkdir(parents=True)
    (out / relative).write_bytes(b"x" * first["size"])  # the same size, other bytes
    result, report = reproduce(fetched.path, out)
    assert (out / relative).read_bytes() == b"x" * first["size"]
    assert [o.file.path for o in result.failed] == [out / relative]
    assert "(its SHA-256 differs)" in result.failed[0].message
    assert [d["path"] for d in report.wrong_checksum] == [relative.as_posix()]
    assert len(report.ok) == len(fetched.datasets) - 1


# --- no silent unverified bytes ---------------------------------------------------------------


def test_a_record_without_sha256_fetched_at_another_size_is_not_its_file(
    local_mast, fetched, tmp_path
):
    raw = json.loads(fetched.path.read_text())
    record = raw["datasets"][0]
    del record["sha256"]
    record["size"] += 1  # what the record says is not what the server serves
    fetched.path.write_text(json.dumps(raw))
    result, report = reproduce(fetched.path, tmp_path / "out")
    assert not report
    assert [d["path"] for d in report.wrong_size] == [record["path"]]
    assert record["path"] not in {d["path"] for d in report.ok + report.unchecked}


def test_a_jdaviz_session_with_escaping_paths_writes_only_inside_its_directory(
    local_mast, fetched, tmp_path
):
    (tmp_path / "s").mkdir()
    session = _session_of(fetched, tmp_path / "s" / "analysis.json", local_mast.url)
    data = json.loads(session.read_text())
    for i, d in enumerate(data["datasets"]):
        d["file"]["path"] = ["../../outside/x.fits", "/etc/passwd", "../analysis.json"][i % 3]
        d["file"]["obs_id"] = "../../../outside"
        d["file"]["productFilename"] = "../../x.fits"
    session.write_text(json.dumps(data))
    before = sorted(p for p in tmp_path.rglob("*") if not p.is_relative_to(tmp_path / "out"))
    result, report = reproduce(session, tmp_path / "out")
    after = sorted(p for p in tmp_path.rglob("*") if not p.is_relative_to(tmp_path / "out"))
    assert before == after
    assert all(o.file.path.resolve().is_relative_to(tmp_path / "out") for o in result.outcomes)


def test_a_jdaviz_session_recording_one_dataURI_twice_is_checked_twice(
    local_mast, fetched, tmp_path
):
    """Two datasets of one dataURI with two checksums: one file cannot be both."""
    session = _session_of(fetched, tmp_path / "analysis.json", local_mast.url)
    data = json.loads(session.read_text())
    twin = json.loads(json.dumps(data["datasets"][0]))
    twin["label"], twin["file"]["sha256"] = "the twin", "0" * 64
    data["datasets"].append(twin)
    session.write_text(json.dumps(data))
    assert len(read_records(session)) == len(data["datasets"])  # verify checks both
    glue_mast.configure(token=VALID_TOKEN)  # the session's files are exclusive access
    result, report = reproduce(session, tmp_path / "out")
    assert not report and [d["sha256"] for d in report.wrong_checksum] == ["0" * 64]
    assert len(report.ok) == len(data["datasets"]) - 1
