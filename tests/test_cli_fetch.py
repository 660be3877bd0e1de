"""glue-mast fetch, verify and reproduce, as users run them."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from glue_mast.cli import main
from glue_mast.provenance import Manifest
from glue_mast.testing import VALID_TOKEN

EXE = str(Path(sys.executable).with_name("glue-mast"))


@pytest.fixture
def run(local_mast, capsys):
    def run(*args):
        argv = [str(a) for a in args]
        if argv[0] != "verify":
            argv += ["--server", local_mast.url]
        status = main(argv)
        out, err = capsys.readouterr()
        return status, out, err

    return run


def test_fetch_a_target(run, local_mast, tmp_path):
    status, out, err = run("fetch", "AU Mic", "--no-mrp-only", "--out", tmp_path, "--no-progress")
    assert status == 0, err
    assert out.startswith("fetched 9 files (")
    assert f"manifest: {tmp_path / 'manifest.json'}" in out
    m = Manifest.read(tmp_path / "manifest.json")
    assert len(m) == 9 and m.verify()
    assert {Path(d["path"]).relative_to(tmp_path).parts[0] for d in m.datasets} == {
        "HST",
        "FUSE",
        "IUE",
        "JWST",
    }


def test_fetch_by_obsid_with_filters(run, tmp_path):
    status, out, _ = run(
        "fetch",
        "--obsid",
        "2410003001",
        "--filter",
        "productSubGroupDescription=S2D",
        "--no-mrp-only",  # the s2d is not among MAST's recommended products
        "--out",
        tmp_path,
        "--no-progress",
    )
    assert status == 0
    [record] = Manifest.read(tmp_path / "manifest.json").datasets
    assert record["productSubGroupDescription"] == "S2D"
    assert record["instrument_name"] == "NIRSPEC/SLIT"  # taken from the observation
    assert record["proposal_pi"] == "Batalha, Natalie"


def test_dry_run_downloads_nothing(run, local_mast, tmp_path):
    status, out, _ = run("fetch", "TW Hya", "--no-mrp-only", "--out", tmp_path, "--dry-run")
    assert status == 0
    first = out.splitlines()[0]
    assert first.startswith("9 files to fetch (1.9 MB), 0 already on disk, 2 exclusive")
    assert sum(line.startswith("fetch ") for line in out.splitlines()) == 9
    assert not local_mast.requests(path="/api/v0.1/Download/file")
    assert not any(tmp_path.iterdir())


def test_exclusive_files_are_named_when_skipped(run, tmp_path):
    status, out, err = run("fetch", "WASP-39", "--no-mrp-only", "--out", tmp_path, "--no-progress")
    assert status == 0
    assert (
        "skipped 2 exclusive-access file(s) (no MAST token): "
        "jw04712-o002_t001_nirspec_g395h-f290lp_x1d.fits, "
        "jw04712-o002_t001_nirspec_g395h-f290lp_s2d.fits" in err
    )
    assert "MAST_API_TOKEN" in err


def test_fetch_errors_are_one_line(run, tmp_path):
    status, out, err = run("fetch", "--obsid", "999", "--out", tmp_path)
    assert (status, out) == (2, "")
    assert err == "glue-mast: error: argument --obsid: MAST knows no observation with obsid 999\n"
    status, out, err = run("fetch", "--criteria", "obs_collection=SYNTHETIC", "--out", tmp_path)
    assert status == 2 and err.startswith(
        "glue-mast: error: argument --max-observations: the search has 100,000 observations, "
        "more than the limit of 1,000; "
    )
    status, _, err = run("fetch", "AU Mic", "--no-mrp-only", "--out", tmp_path, "--parallel", "0")
    assert status == 2 and "parallel must be at least 1" in err


def test_failed_files_exit_1(run, local_mast, tmp_path):
    local_mast.faults.error(404, times=10, match="/api/v0.1/Download/file")
    status, out, err = run("fetch", "--obsid", "2410004001", "--out", tmp_path, "--no-progress")
    assert status == 1
    assert "failed: kplr010002792-2009259160929_llc.fits: MAST has no file" in err


def test_verify_and_reproduce(run, local_mast, tmp_path):
    assert run("fetch", "AU Mic", "--no-mrp-only", "--out", tmp_path, "--no-progress")[0] == 0
    manifest = tmp_path / "manifest.json"
    status, out, _ = run("verify", manifest)
    assert (status, out) == (0, "9 of 9 files match the manifest (sizes and sha256)\n")
    victim = next(tmp_path.rglob("*_x1d.fits"))
    victim.write_bytes(victim.read_bytes()[:-1] + b"!")
    (next(tmp_path.rglob("*mxlo_vo.fits"))).unlink()
    status, out, _ = run("verify", manifest)
    assert status == 1
    assert "missing: IUE/swp36581/swp36581mxlo_vo.fits" in out
    assert f"wrong checksum: {victim.relative_to(tmp_path).as_posix()}" in out
    assert out.endswith("7 of 9 files match the manifest (sizes and sha256)\n")
    status, out, err = run("reproduce", manifest, "--no-progress")
    # The changed file is reported and left as it is: a received manifest may name a
    # person's own file. Moved aside, it is fetched.
    assert status == 1
    assert "fetched 1 files" in out and "8 files verified identical to the manifest" in out
    assert f"wrong checksum: {victim.relative_to(tmp_path).as_posix()}" in out
    assert f"glue-mast: failed: {victim.name}: not replaced: " in err
    victim.unlink()
    status, out, _ = run("reproduce", manifest, "--no-progress")
    assert status == 0
    assert "fetched 1 files" in out and "9 files verified identical to the manifest" in out
    assert run("verify", manifest)[0] == 0


def test_reproduce_into_another_directory(run, tmp_path):
    run("fetch", "AU Mic", "--no-mrp-only", "--out", tmp_path / "a", "--no-progress")
    status, out, _ = run(
        "reproduce", tmp_path / "a" / "manifest.json", "--out", tmp_path / "b", "--no-progress"
    )
    assert status == 0 and "fetched 9 files" in out
    a = json.loads((tmp_path / "a" / "manifest.json").read_text())["datasets"]
    b = json.loads((tmp_path / "b" / "manifest.json").read_text())["datasets"]
    assert [(d["path"], d["sha256"]) for d in a] == [(d["path"], d["sha256"]) for d in b]


def test_verify_of_a_non_manifest(run, tmp_path):
    (tmp_path / "x.json").write_text("[]")
    status, out, err = run("verify", tmp_path / "x.json")
    assert (status, out) == (2, "") and "is neither a glue-mast manifest" in err


@pytest.mark.parametrize("command", ["verify", "reproduce"])
def test_a_hostile_manifest_gets_one_line_per_bad_entry(run, local_mast, tmp_path, command):
    assert run("fetch", "AU Mic", "--no-mrp-only", "--out", tmp_path, "--no-progress")[0] == 0
    manifest = tmp_path / "manifest.json"
    raw = json.loads(manifest.read_text())
    first = raw["datasets"][0]
    raw["datasets"] += [
        dict(first, path="."),
        dict(first, path=5),
        dict(first, path="manifest.json"),
        dict(first, size="big"),
        dict(first, path="x.fits", sha256=12345),
        "not a record",
    ]
    manifest.write_text(json.dumps(raw))
    before = manifest.read_bytes()
    local_mast.clear_log()
    status, out, err = run(command, manifest)
    assert (status, out) == (2, "")
    lines = err.removeprefix("glue-mast: error: ").splitlines()
    assert [line.split(": ", 2)[1] for line in lines] == [
        "dataset 9 ('.')",
        "dataset 10 (5)",
        "dataset 11 ('manifest.json')",
        f"dataset 12 ({first['path']!r})",
        "dataset 13 ('x.fits')",
        "dataset 14",
    ]
    assert "Traceback" not in err
    assert manifest.read_bytes() == before and local_mast.log == []


def test_curl_script_downloads_later_without_a_token_inside(run, tmp_path, monkeypatch):
    monkeypatch.setenv("MAST_API_TOKEN", VALID_TOKEN)
    script = tmp_path / "get.sh"
    status, out, _ = run(
        "fetch", "TW Hya", "--no-mrp-only", "--out", tmp_path / "data", "--curl-script", script
    )
    assert status == 0 and out.startswith(f"wrote {script}: 11 files")
    text = script.read_text()
    assert VALID_TOKEN not in text and "$MAST_API_TOKEN" in text
    assert not (tmp_path / "data").exists()
    done = subprocess.run(
        ["sh", script],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "MAST_API_TOKEN": VALID_TOKEN},
    )
    assert done.returncode == 0, done.stderr
    assert len(list((tmp_path / "data").rglob("*.fits"))) == 11
    assert not list((tmp_path / "data").rglob("*.part"))
    # A second run finds everything in place.
    again = subprocess.run(["sh", script], capture_output=True, text=True, timeout=120)
    assert again.stdout.count("have ") == 11


CUT_URI = "mast:HST/product/lb4m01010_x1dsum.fits"


def cut_curl_run(run, local_mast, tmp_path):
    """A curl script whose first run the archive cut 10 kB into CUT_URI; returns the script.

    The script has run once, failing on that file and leaving its partial copy; the archive's
    request log starts after that run.
    """
    script = tmp_path / "get.sh"
    run("fetch", "TW Hya", "--no-mrp-only", "--out", tmp_path / "data", "--curl-script", script)
    local_mast.faults.truncate(10_000, match=CUT_URI)  # the connection closes 10 kB in
    first = subprocess.run(["sh", script], capture_output=True, text=True, timeout=120)
    assert first.returncode != 0
    [part] = (tmp_path / "data").rglob("lb4m01010_x1dsum.fits.part")
    assert part.read_bytes() == local_mast.catalog.file(CUT_URI)[0][:10_000]
    local_mast.clear_log()
    return script


def _run_again(script, local_mast):
    """The script's second run: (its output, the requests for CUT_URI, the file's bytes)."""
    again = subprocess.run(["sh", script], capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    asked = [r for r in local_mast.requests() if (r.query.get("uri") or [None])[0] == CUT_URI]
    [final] = script.parent.joinpath("data").rglob("lb4m01010_x1dsum.fits")
    return again.stdout, asked, final.read_bytes()


def test_curl_script_never_splices_a_file_that_changed_since_its_partial_copy(
    run, local_mast, tmp_path
):
    script = cut_curl_run(run, local_mast, tmp_path)
    original = local_mast.catalog.file(CUT_URI)[0]
    # MAST reprocesses the product: same size, other bytes, a new ETag.
    local_mast.faults.change_file(CUT_URI, after=0)
    out, asked, final = _run_again(script, local_mast)
    assert final == bytes(b ^ 0xFF for b in original)  # the new file whole, not a splice
    assert "restarting HST/LB4M01010/lb4m01010_x1dsum.fits: it changed on the server" in out
    assert [(r.headers.get("Range"), bool(r.headers.get("If-Range"))) for r in asked] == [
        ("bytes=10000-", True),  # the resume, answered with the whole new file
        (None, False),  # the fresh start
    ]
    assert not list((tmp_path / "data").rglob("*.part*"))


def test_curl_script_resumes_an_unchanged_file_from_where_it_stopped(run, local_mast, tmp_path):
    script = cut_curl_run(run, local_mast, tmp_path)
    _, asked, final = _run_again(script, local_mast)
    assert final == local_mast.catalog.file(CUT_URI)[0]
    assert [r.headers.get("Range") for r in asked] == ["bytes=10000-"]
    assert asked[0].bytes_sent == len(final) - 10_000


def test_curl_script_starts_again_where_the_server_gives_no_strong_etag(
    run, local_mast, tmp_path
):
    local_mast.faults.validators = ("last-modified",)  # from the first run on: no ETag saved
    script = cut_curl_run(run, local_mast, tmp_path)
    _, asked, final = _run_again(script, local_mast)
    assert final == local_mast.catalog.file(CUT_URI)[0]
    assert [r.headers.get("Range") for r in asked] == [None]  # nothing to insist on: whole


def test_ctrl_c_leaves_a_consistent_directory(local_mast, tmp_path):
    local_mast.faults.bandwidth = 300_000  # several seconds in all
    proc = subprocess.Popen(
        [
            EXE,
            "fetch",
            "TW Hya",
            "--no-mrp-only",
            "--out",
            tmp_path,
            "--no-progress",
            "--parallel",
            "3",
            "--server",
            local_mast.url,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.rglob("*.fits")) and time.monotonic() < deadline:
        time.sleep(0.05)  # wait until at least one file is complete
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted; files complete so far are in the manifest" in err
    m = Manifest.read(tmp_path / "manifest.json")
    report = m.verify()
    # the complete files match; the others are recorded as incomplete, not forgotten
    assert report.problems == report.incomplete and 0 < len(m) < 9
    assert len(m) + len(m.incomplete) == 9
    assert {Path(d["path"]) for d in m.datasets} == set(tmp_path.rglob("*.fits"))
    local_mast.faults.bandwidth = None
    done = subprocess.run(
        [EXE, "fetch", "TW Hya", "--no-mrp-only", "--out", tmp_path, "--no-progress",
         "--server", local_mast.url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0
    assert len(Manifest.read(tmp_path / "manifest.json")) == 9
    assert Manifest.read(tmp_path / "manifest.json").incomplete == []
    assert not list(tmp_path.rglob("*.part"))


def test_fetch_of_a_misspelt_collection_says_so_and_writes_nothing(run, local_mast, tmp_path):
    out_dir = tmp_path / "out"
    status, out, err = run("fetch", "TW Hya", "--criteria", "obs_collection=HTS", "--out", out_dir)
    assert (status, out) == (2, "")
    # The same did-you-mean as `search` gives for the same input.
    assert err == (
        "glue-mast: error: argument --criteria: 'HTS' is not a collection this server holds; "
        "did you mean HST, TESS?\n"
    )
    assert not out_dir.exists()
    assert not local_mast.requests(path="/api/v0.1/Download/file")
    _, _, search_err = run("search", "TW Hya", "--criteria", "obs_collection=HTS")
    assert "'HTS' is not a collection this server holds; did you mean HST, TESS?" in search_err


def test_fetch_of_nothing_writes_nothing(run, tmp_path):
    out_dir = tmp_path / "out"
    criteria = ["--criteria", "obs_collection=HST", "t_min=..1990-01-01"]
    status, out, err = run("fetch", "TW Hya", *criteria, "--out", out_dir)
    assert (status, out) == (2, "")
    assert err == "glue-mast: error: no observation matches the search; nothing to fetch\n"
    status, out, err = run(
        "fetch", "--obsid", "2410001001", "--extension", "nothing", "--out", out_dir
    )
    assert (status, out) == (2, "")
    assert "none of the 5 products of 1 observation passes the product filter" in err
    assert not out_dir.exists()


def test_curl_script_keeps_the_token_off_every_command_line(run, local_mast, tmp_path):
    """No process the script starts has the token in its argv, where ``ps`` shows it."""
    script = tmp_path / "get.sh"
    run("fetch", "TW Hya", "--no-mrp-only", "--out", tmp_path / "data", "--curl-script", script)
    bin_dir, seen = tmp_path / "bin", tmp_path / "argv.log"
    bin_dir.mkdir()
    wrapper = bin_dir / "curl"
    real = shutil.which("curl")
    wrapper.write_text(f'#!/bin/sh\nprintf "%s\\n" "$0" "$@" >> {seen}\nexec {real} "$@"\n')
    wrapper.chmod(0o755)
    local_mast.faults.bandwidth = 1_000_000  # a few seconds: long enough to look at ps
    env = dict(os.environ, MAST_API_TOKEN=VALID_TOKEN, PATH=f"{bin_dir}:{os.environ['PATH']}")
    proc = subprocess.Popen(
        ["sh", script], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    command_lines = set()
    while proc.poll() is None:
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                command_lines.add(cmdline.read_bytes())
            except OSError:
                pass
        time.sleep(0.02)
    out, err = proc.communicate()
    assert proc.returncode == 0, err
    assert len(list((tmp_path / "data").rglob("*.fits"))) == 11  # exclusive ones too
    assert seen.read_text().count(str(wrapper)) == 11
    assert any(b"curl" in line for line in command_lines)  # ps did see the transfers
    assert VALID_TOKEN not in seen.read_text()
    assert not any(VALID_TOKEN.encode() in line for line in command_lines)


@pytest.mark.parametrize("sig, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_stop_while_the_server_stalls_mid_body(local_mast, tmp_path, sig, status):
    # One file of TW Hya stops mid-body for a minute; the other eight arrive.
    stalled = "o5cw01010_x1d.fits"
    local_mast.faults.stall_body(10_000, 60, match=stalled)
    proc = subprocess.Popen(
        [EXE, "fetch", "TW Hya", "--no-mrp-only", "--out", tmp_path, "--no-progress",
         "--server", local_mast.url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    part = None
    while time.monotonic() < deadline:
        finals = list(tmp_path.rglob("*.fits"))
        # (Its last bytes may still be in the writer's buffer: they reach the disk on exit.)
        parts = [p for p in tmp_path.rglob(f"{stalled}.part") if p.stat().st_size > 0]
        if len(finals) == 8 and parts:
            part = parts[0]
            break
        time.sleep(0.05)
    if part is None:
        proc.kill()
        out, err = proc.communicate()
        found = sorted((p.name, p.stat().st_size) for p in tmp_path.rglob("*"))
        pytest.fail(f"the fetch did not reach the stall: {found}\n{out}\n{err}")
    time.sleep(0.5)  # blocked in a read that would last until the read timeout
    sent = time.monotonic()
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=30)
    assert time.monotonic() - sent < 2.0
    assert proc.returncode == status, err
    manifest = tmp_path / "manifest.json"
    assert f"interrupted; files complete so far are in the manifest ({manifest})" in err
    m = Manifest.read(manifest)
    report = m.verify()
    assert report.problems == report.incomplete and len(m) == 8
    assert [Path(d["path"]) for d in m.incomplete] == [part.with_suffix("")]
    assert {Path(d["path"]) for d in m.datasets} == set(tmp_path.rglob("*.fits"))
    assert part.stat().st_size == 10_000  # kept for the next fetch to resume


def test_sigterm_stops_a_reproduce_tidily(run, local_mast, tmp_path):
    assert run("fetch", "AU Mic", "--no-mrp-only", "--out", tmp_path, "--no-progress")[0] == 0
    manifest = tmp_path / "manifest.json"
    victim = next(tmp_path.rglob("*mxlo_vo.fits"))
    victim.unlink()
    local_mast.faults.stall_body(5_000, 60, match=victim.name)
    proc = subprocess.Popen(
        [EXE, "reproduce", manifest, "--no-progress", "--server", local_mast.url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    part = victim.with_name(victim.name + ".part")
    deadline = time.monotonic() + 30
    while not (part.exists() and part.stat().st_size) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    sent = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert time.monotonic() - sent < 2.0
    assert proc.returncode == 143, err
    assert f"interrupted; files complete so far are in the manifest ({manifest})" in err
    m = Manifest.read(manifest)
    # The manifest being reproduced never forgets a file: the victim is still listed, and
    # reported missing until the next reproduce resumes it.
    report = m.verify()
    assert len(m) == 9 and m.dataset_for(victim) is not None
    assert len(report.ok) == 8
    assert [Path(d["path"]).name for d in report.missing] == [victim.name]
    assert part.stat().st_size == 5_000
