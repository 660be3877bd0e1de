"""reproduce refuses manifests whose entries would write outside their directory or over the
manifest itself, before it makes a request or writes a byte."""

import json
import shutil
from pathlib import Path

import pytest

import glue_mast
from glue_mast.archive.fetch import reproduce
from glue_mast.errors import InputError
from glue_mast.provenance import Manifest


@pytest.fixture
def fetched(local_mast, tmp_path):
    prods = glue_mast.products(glue_mast.search("AU Mic").all())
    result = glue_mast.fetch(prods, tmp_path / "data")
    local_mast.clear_log()
    return result.manifest


def _add_entry(manifest, **changes):
    """List the first dataset once more, changed; returns the manifest's bytes."""
    raw = json.loads(manifest.path.read_text())
    raw["datasets"].append(dict(raw["datasets"][0], **changes))
    manifest.path.write_text(json.dumps(raw))
    return manifest.path.read_bytes()


def _nothing_written(local_mast, directory, before):
    assert local_mast.requests(path="/api/v0.1/Download/file") == []
    assert sorted(p.name for p in directory.parent.iterdir()) == ["data"]
    assert (directory / "manifest.json").read_bytes() == before
    assert list(directory.rglob("*.part")) == []


@pytest.mark.parametrize(
    "path, message",
    [
        (".", "the path names no file inside the manifest's directory"),
        ("", "no path"),
        ("..", "the path climbs with '..'"),
        ("IUE/../..", "the path climbs with '..'"),
        ("manifest.json", "the path is the manifest itself; a dataset must not replace it"),
        ("manifest.ecsv", "the path is the manifest's ECSV view; a dataset must not replace it"),
        (".glue-mast.lock", "the path is the lock file of fetches; a dataset must not replace"),
        ("IUE", "the path is a directory, not a file"),
    ],
)
def test_a_path_that_is_no_file_inside_is_refused(local_mast, fetched, path, message):
    directory = fetched.path.parent
    before = _add_entry(fetched, path=path)
    with pytest.raises(InputError) as info:
        reproduce(fetched.path)
    n = len(fetched.datasets)
    assert str(info.value).startswith(f"{fetched.path}: dataset {n} ({path!r}): {message}")
    _nothing_written(local_mast, directory, before)


def test_a_symlinked_directory_out_of_the_manifest_is_refused(local_mast, fetched, tmp_path):
    directory = fetched.path.parent
    before = fetched.path.read_bytes()
    outside = tmp_path / "outside"
    shutil.move(directory / "IUE", outside)
    (directory / "IUE").symlink_to(outside, target_is_directory=True)
    with pytest.raises(InputError) as info:
        reproduce(fetched.path)
    lines = str(info.value).splitlines()
    iue = [d for d in json.loads(before)["datasets"] if d["path"].startswith("IUE/")]
    assert len(lines) == len(iue) >= 1
    assert all("leads through a symbolic link to " + str(outside) in line for line in lines)
    assert local_mast.requests(path="/api/v0.1/Download/file") == []
    assert fetched.path.read_bytes() == before


def test_an_in_memory_manifest_is_checked_too(local_mast, fetched, tmp_path):
    m = Manifest.read(fetched.path)
    record = dict(m.datasets[0], path=tmp_path / "elsewhere.fits")
    m.add_dataset(record)
    with pytest.raises(InputError, match=r"dataset \d \('../elsewhere.fits'\): the path climbs"):
        reproduce(m)
    assert not (tmp_path / "elsewhere.fits").exists()
    assert local_mast.requests(path="/api/v0.1/Download/file") == []


def test_a_file_that_cannot_be_fetched_again_stays_in_the_manifest(local_mast, fetched):
    """An in-place reproduce that fails for a file keeps its record: it is reported missing
    now, and the next reproduce fetches it; the manifest never forgets it."""
    record = fetched.datasets[0]
    name = Path(record["path"]).name
    Path(record["path"]).unlink()
    local_mast.faults.error(404, times=50, match=name)
    result, report = reproduce(fetched.path, retries=1)
    assert not report and [Path(d["path"]).name for d in report.missing] == [name]
    again = Manifest.read(fetched.path)
    assert record["dataURI"] in {d["dataURI"] for d in again.datasets}
    assert not again.verify()
    local_mast.faults.reset()
    result, report = reproduce(fetched.path)
    assert report and len(report.ok) == len(fetched.datasets)
    assert Path(record["path"]).is_file()


def test_a_file_the_manifest_has_no_checksum_for_is_fetched_but_not_called_identical(
    local_mast, fetched, tmp_path
):
    raw = json.loads(fetched.path.read_text())
    unsummed = raw["datasets"][0]
    del unsummed["sha256"]
    fetched.path.write_text(json.dumps(raw))
    result, report = reproduce(fetched.path, tmp_path / "again")
    assert result.ok and len(result.manifest) == len(raw["datasets"])
    assert [d["dataURI"] for d in report.unchecked] == [unsummed["dataURI"]]
    assert report.unchecked[0]["reason"] == "the manifest records no sha256 to insist on"
    assert len(report.ok) == len(raw["datasets"]) - 1 and not report
