"""A fetch that did not finish says so in its manifest; reproduce finishes it; manifests are
as readable as their data and leave no temporary files behind."""

import json
import os
import stat
import time
from pathlib import Path

import pytest

import glue_mast
from glue_mast.archive.fetch import FetchCancelled, reproduce, start_fetch
from glue_mast.provenance import Manifest
from glue_mast.testing import VALID_TOKEN


@pytest.fixture
def tw_hya(local_mast):
    """Calibrated science products of TW Hya: 9 public files and 2 exclusive."""
    return glue_mast.products(glue_mast.search("TW Hya").all(), mrp_only=False)


def _cancel_after_first_file(products, folder, local_mast):
    local_mast.faults.bandwidth = 300_000  # several seconds in all
    job = start_fetch(products, folder, parallel=2)
    deadline = time.monotonic() + 60
    while not list(folder.rglob("*.fits")) and time.monotonic() < deadline:
        time.sleep(0.02)  # until at least one file is complete
    job.cancel()
    with pytest.raises(FetchCancelled) as cancelled:
        job.result()
    local_mast.faults.bandwidth = None
    return cancelled.value.result


def test_a_cancelled_fetch_is_incomplete_until_reproduce_finishes_it(
    local_mast, tw_hya, tmp_path
):
    public = tw_hya[tw_hya["dataRights"] == "PUBLIC"]
    result = _cancel_after_first_file(public, tmp_path, local_mast)
    m = Manifest.read(tmp_path / "manifest.json")
    complete = {Path(d["path"]) for d in m.datasets}
    unfinished = {Path(d["path"]) for d in m.incomplete}
    assert complete == set(tmp_path.rglob("*.fits")) and complete
    assert unfinished == {o.file.path for o in result.failed} and unfinished
    assert len(complete) + len(unfinished) == 9
    assert all(d["status"] == "cancelled" and d["dataURI"] for d in m.incomplete)
    report = m.verify()
    assert not report and report.problems == report.incomplete
    assert len(report.ok) == len(complete) and report.total == 9
    assert sum(line.startswith("incomplete: ") for line in report.lines()) == len(unfinished)

    result, report = reproduce(tmp_path / "manifest.json")
    assert report and result.ok
    # each file judged once: whole before and verified, or finished now
    assert {d["path"] for d in report.ok} == {
        p.relative_to(tmp_path).as_posix() for p in complete
    }
    assert {d["path"] for d in report.finished} == {
        p.relative_to(tmp_path).as_posix() for p in unfinished
    }
    after = Manifest.read(tmp_path / "manifest.json")
    assert len(after) == 9 and after.incomplete == [] and after.verify()
    assert not list(tmp_path.rglob("*.part"))


def test_a_file_whole_on_disk_is_not_skipped_for_want_of_a_token(local_mast, tw_hya, tmp_path):
    glue_mast.configure(token=VALID_TOKEN)
    assert glue_mast.fetch(tw_hya, tmp_path).ok
    glue_mast.configure(token="")
    result, report = reproduce(tmp_path / "manifest.json")
    # the 2 exclusive files are on disk and verified: not "skipped" as well
    assert result.skipped == [] and len(result.cached) == 11
    assert len(report.ok) == 11 and report.total == 11


def test_manifests_are_as_readable_as_the_data(local_mast, tw_hya, tmp_path):
    public = tw_hya[tw_hya["dataRights"] == "PUBLIC"][:1]
    old = os.umask(0o022)
    try:
        result = glue_mast.fetch(public, tmp_path)
    finally:
        os.umask(old)
    (data,) = result.paths
    for written in (tmp_path / "manifest.json", tmp_path / "manifest.ecsv"):
        assert stat.S_IMODE(written.stat().st_mode) == stat.S_IMODE(data.stat().st_mode) == 0o644


def test_an_interrupted_manifest_write_is_cleaned_up_by_the_next_fetch(
    local_mast, tw_hya, tmp_path
):
    public = tw_hya[tw_hya["dataRights"] == "PUBLIC"]
    glue_mast.fetch(public[:1], tmp_path)
    # what a write killed between creating its temporary file and renaming it leaves
    strays = [tmp_path / ".manifest.json.k3j9x2a1.tmp", tmp_path / ".manifest.ecsv.q8w7e6.tmp"]
    for stray in strays:
        stray.write_text('{"schema": "glue-mast/manifest/1", "datas')
    other = tmp_path / ".notes.txt.abc.tmp"  # not the manifest's: left alone
    other.write_text("mine")
    glue_mast.fetch(public[:2], tmp_path)
    assert not any(stray.exists() for stray in strays)
    assert other.read_text() == "mine"
    assert len(json.loads((tmp_path / "manifest.json").read_text())["datasets"]) == 2
