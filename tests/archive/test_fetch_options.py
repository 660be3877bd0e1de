"""How a fetch runs (FetchOptions), what its plan carries, and what a re-fetch costs.

Costs are counted (requests, manifest reads and writes, stat and unlink calls), never timed:
the benchmark (benchmarks/bench_scale.py) times them. Over real HTTP against the local
archive; the os functions are wrapped only to count the calls, which still happen.
"""

import dataclasses
import os

import pytest

import glue_mast
from glue_mast import config
from glue_mast.archive.fetch import fetch, plan_fetch, start_fetch
from glue_mast.archive.fetch.options import FetchOptions
from glue_mast.errors import InputError
from glue_mast.provenance import Manifest

DOWNLOAD = "/api/v0.1/Download/file"


@pytest.fixture
def k2(local_mast):
    return glue_mast.products("2410004002")  # one real K2 light curve


def synthetic(n):
    """N products, one small calibrated file each, of the local archive's SYNTHETIC survey."""
    observations = glue_mast.search(
        obs_collection="SYNTHETIC", t_min=[55000.0, 55000.0 + (n - 0.5) * 0.01]
    ).all()
    products = glue_mast.products(observations)
    assert len(products) == n
    return products


# --- FetchOptions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("parallel", 0),
        ("parallel", "many"),
        ("parallel", True),
        ("retries", -2),
        ("retries", 1.5),
        ("backoff", -1),
        ("backoff", "soon"),
        ("timeout", 0),
        ("timeout", (1, 2, 3)),
        ("progress", "yes"),
        ("queries", "all of them"),
        ("doi", 10.1234),
        ("expected", "abc"),
    ],
)
def test_a_bad_option_is_one_input_error_naming_it(field, value):
    with pytest.raises(InputError) as caught:
        FetchOptions(**{field: value})
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field} must be")


def test_a_token_of_the_wrong_kind_is_refused_without_being_shown():
    with pytest.raises(InputError) as caught:
        FetchOptions(token=b"s3cr3t-token-bytes")
    assert caught.value.field == "token"
    assert "s3cr3t" not in str(caught.value) and "s3cr3t" not in repr(caught.value.value)


def test_options_take_the_configured_defaults_and_stay_as_made(local_mast):
    with config.conf.set_temp("max_parallel", 5), config.conf.set_temp("retries", 4):
        options = FetchOptions()
    assert (options.parallel, options.retries) == (5, 4)
    assert options.timeout == (10.0, 30.0)  # the test archive's configured timeout
    assert FetchOptions(parallel="3", timeout=7).parallel == 3
    assert FetchOptions(timeout=7).timeout == (10.0, 7.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.parallel = 1
    # Made again from itself (dataclasses.replace), it is the same.
    assert dataclasses.replace(options) == options


@pytest.mark.parametrize("call", [fetch, start_fetch])
def test_a_bad_option_stops_a_fetch_before_anything_is_planned_or_written(
    call, local_mast, k2, tmp_path
):
    local_mast.clear_log()
    with pytest.raises(InputError) as caught:
        call(k2, tmp_path / "out", backoff=-1)
    assert caught.value.field == "backoff"
    assert not (tmp_path / "out").exists() and local_mast.log == []


# --- the plan carries its manifest ---------------------------------------------------------


def test_a_plan_carries_its_manifest_path_and_the_manifest_there(local_mast, k2, tmp_path):
    first = plan_fetch(k2, tmp_path)
    assert first.manifest_path == tmp_path.resolve() / "manifest.json"
    assert first.previous is None and first.manifest_stamp == "absent"
    fetch(k2, tmp_path)
    again = plan_fetch(k2, tmp_path)
    assert isinstance(again.previous, Manifest) and len(again.previous) == 1
    assert again.previous.path == again.manifest_path
    assert again.manifest_stamp not in (None, "absent")
    assert len(again.cached) == 1 and not again.to_fetch
    elsewhere = tmp_path / "records" / "m.json"
    assert plan_fetch(k2, tmp_path / "records" / "data", manifest=elsewhere).manifest_path == (
        elsewhere
    )
    assert plan_fetch(k2, tmp_path, manifest=False).manifest_path is None


def test_start_fetch_runs_the_plan_it_shows(local_mast, k2, tmp_path):
    job = start_fetch(k2, tmp_path)
    planned = (job.plan.manifest_path, job.plan.previous)
    result = job.result(timeout=60)
    assert (job.plan.manifest_path, job.plan.previous) == planned
    assert result.manifest.path == tmp_path.resolve() / "manifest.json"


# --- a re-fetch ------------------------------------------------------------------------------


def _identity(path):
    st = os.stat(path)
    return st.st_ino, st.st_mtime_ns, st.st_size


def test_a_refetch_makes_no_request_reads_the_manifest_once_and_leaves_it(
    local_mast, monkeypatch, tmp_path
):
    products = synthetic(6)
    fetch(products, tmp_path)
    manifest, view = tmp_path / "manifest.json", tmp_path / "manifest.ecsv"
    before = _identity(manifest), _identity(view)
    reads, writes = [], []
    real_read, real_write = Manifest.read.__func__, Manifest.write

    def counted_read(cls, path, **kwargs):
        reads.append(path)
        return real_read(cls, path, **kwargs)

    def counted_write(self, path=None):
        writes.append(path)
        return real_write(self, path)

    monkeypatch.setattr(Manifest, "read", classmethod(counted_read))
    monkeypatch.setattr(Manifest, "write", counted_write)
    local_mast.clear_log()
    again = fetch(products, tmp_path)
    assert len(again.cached) == 6 and again.requests == 0 and local_mast.log == []
    assert len(reads) == 1 and writes == []
    assert (_identity(manifest), _identity(view)) == before
    assert again.manifest is not None and len(again.manifest) == 6
    # Something to record (a DOI) is written.
    fetch(products, tmp_path, doi="10.17909/example")
    assert len(writes) == 1
    assert all(d["doi"] == "10.17909/example" for d in Manifest.read(manifest).datasets)


def test_a_refetch_reads_the_manifest_again_if_another_fetch_wrote_it(local_mast, k2, tmp_path):
    fetch(k2, tmp_path)
    job_plan = plan_fetch(k2, tmp_path)
    # Another fetch (or a person) replaces the manifest after this plan read it.
    m = Manifest.read(tmp_path / "manifest.json")
    m.extra["note"] = "written meanwhile"
    m.write()
    from glue_mast.archive.fetch.options import FetchOptions as Options
    from glue_mast.archive.fetch.run import start_files

    result = start_files(job_plan, Options()).result(timeout=60)
    assert result.manifest.extra.get("note") == "written meanwhile"
    assert Manifest.read(tmp_path / "manifest.json").extra["note"] == "written meanwhile"


# --- calls per file --------------------------------------------------------------------------


class Calls:
    """Counts of os.stat, os.lstat and os.unlink calls, the calls still made."""

    def __init__(self, monkeypatch):
        self.counts = {"stat": 0, "unlink": 0}
        for name, kind in (("stat", "stat"), ("lstat", "stat"), ("unlink", "unlink")):
            real = getattr(os, name)

            def counted(*args, _real=real, _kind=kind, **kwargs):
                self.counts[_kind] += 1
                return _real(*args, **kwargs)

            monkeypatch.setattr(os, name, counted)


def _calls(monkeypatch, products, root):
    with monkeypatch.context() as patch:
        calls = Calls(patch)
        # As many transfer threads for every size: what each thread does once (its HTTP
        # session) is not a per-file cost either.
        result = fetch(products, root, parallel=2)
    return result, calls.counts


@pytest.mark.parametrize("again", [False, True], ids=["fetch", "refetch"])
def test_each_file_costs_at_most_three_stat_and_three_unlink_calls(
    again, local_mast, monkeypatch, tmp_path
):
    """Counted as the growth between a fetch of 4 files and one of 16, so that what a fetch
    does once (its manifest, its lock) is not charged to every file. (The old fetch made 13
    stat, 24 lstat and 5 unlink calls per file; a re-fetch 79 stat and lstat calls.)"""
    sizes, counts = (4, 16), []
    for n in sizes:
        products = synthetic(n)
        root = tmp_path / f"n{n}"
        if again:
            fetch(products, root)
        result, count = _calls(monkeypatch, products, root)
        assert len(result.cached if again else result.downloaded) == n
        counts.append(count)
    for kind in ("stat", "unlink"):
        per_file = (counts[1][kind] - counts[0][kind]) / (sizes[1] - sizes[0])
        assert per_file <= 3, f"{per_file:.2f} {kind} calls per file"
