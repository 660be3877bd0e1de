"""A fetch, a verify and a reproduce spread over a Dask cluster (``client=``, ``--dask``).

A real ``distributed.LocalCluster`` (threads in this process, or a worker process for the
command line), the real astroquery against the local archive over HTTP, and moto's S3 server
for the cloud copy: nothing is mocked. The manifest a cluster writes must be the one a single
process writes, file for file (only times differ).
"""

import hashlib
import json
import time
from pathlib import Path

import pytest

import glue_mast
from glue_mast.archive.fetch import (
    BytesReceived,
    FetchCancelled,
    FetchEnded,
    FetchStarted,
    FileFinished,
    FileStatus,
    download_url,
    plan_fetch,
    start_fetch,
    verify_on_cluster,
    worker,
)
from glue_mast.archive.fetch.cluster import task_token
from glue_mast.cli import main
from glue_mast.errors import InputError
from glue_mast.provenance import Manifest
from glue_mast.testing import VALID_TOKEN

distributed = pytest.importorskip("distributed", reason="the Dask path needs dask.distributed")


@pytest.fixture(scope="module")
def client():
    """Two workers of two threads each, in this process (they share its disk)."""
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=2, processes=False, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster, set_as_default=False) as client,
    ):
        yield client


@pytest.fixture
def tw_hya(local_mast):
    """TW Hya's calibrated products: 9 public files (HST, IUE, FUSE) and 2 exclusive HST."""
    return glue_mast.products(glue_mast.search("TW Hya").all(), mrp_only=False)


def comparable(path):
    """A manifest as JSON, with what may differ between two fetches of the same files left
    out: when it was written and when each file arrived; its records by path."""
    data = json.loads(Path(path).read_text())
    data.pop("created")
    data["datasets"] = {
        d["path"]: {k: v for k, v in d.items() if k != "downloaded"} for d in data["datasets"]
    }
    return data


def tasks(stream, kind):
    """Keys of the tasks of ``kind`` ("transfer", "sha256") the cluster ran."""
    return [t["key"] for t in stream.data if str(t["key"]).startswith(f"glue-mast-{kind}-")]


def test_a_cluster_fetch_writes_the_manifest_one_process_writes(
    local_mast, tw_hya, tmp_path, client
):
    glue_mast.configure(token=VALID_TOKEN)  # the exclusive files too
    one = glue_mast.fetch(tw_hya, tmp_path / "one")
    with distributed.get_task_stream(client) as stream:
        spread = glue_mast.fetch(tw_hya, tmp_path / "spread", client=client)
    assert one.ok and spread.ok, spread.summary()
    assert len(spread.downloaded) == len(one.downloaded) == 11
    assert len(tasks(stream, "transfer")) == 11  # each file a task on the cluster
    ran_on = {t["worker"] for t in stream.data}
    assert ran_on <= set(client.scheduler_info()["workers"])

    single = comparable(tmp_path / "one" / "manifest.json")
    cluster = comparable(tmp_path / "spread" / "manifest.json")
    assert cluster == single and len(cluster["datasets"]) == 11
    for record in cluster["datasets"].values():  # (what "identical" covers)
        data = local_mast.catalog.files[record["dataURI"]][0]
        assert record["sha256"] == hashlib.sha256(data).hexdigest()
        assert record["size"] == len(data)
        assert record["origin"] == download_url(record["dataURI"], local_mast.url)
        assert record["queries"]

    # Again: every file is on disk, recorded; no task, no request, the manifest unchanged.
    local_mast.clear_log()
    before = (tmp_path / "spread" / "manifest.json").read_bytes()
    with distributed.get_task_stream(client) as stream:
        again = glue_mast.fetch(tw_hya, tmp_path / "spread", client=client)
    assert len(again.cached) == 11 and not tasks(stream, "transfer")
    assert not local_mast.requests(path="/api/v0.1/Download/file")
    assert (tmp_path / "spread" / "manifest.json").read_bytes() == before


def test_a_cluster_fetches_from_the_cloud_copy(local_mast, local_cloud, tw_hya, tmp_path, client):
    from glue_mast.testing.cloud import BUCKET, cloud_key

    pytest.importorskip("moto.server", reason="the cloud copy is moto's S3 server")
    public = tw_hya[tw_hya["dataRights"] == "PUBLIC"]
    in_cloud = {r["dataURI"] for r in public if r["obs_collection"] == "HST"}
    one = glue_mast.fetch(public, tmp_path / "one", cloud=True)
    local_cloud.clear_log()
    local_mast.clear_log()
    spread = glue_mast.fetch(public, tmp_path / "spread", cloud=True, client=client)
    assert one.ok and spread.ok, spread.summary()
    assert f"({len(in_cloud)} from MAST's cloud copy)" in spread.summary()
    manifest = Manifest.read(tmp_path / "spread" / "manifest.json")
    records = {d["dataURI"]: d for d in manifest.datasets}
    for uri, record in records.items():
        if uri in in_cloud:
            assert record["origin"] == f"s3://{BUCKET}/{cloud_key(uri)}"
            md5 = hashlib.md5(local_mast.catalog.files[uri][0]).hexdigest()
            assert record["etag"] == f'"{md5}"'  # S3's ETag of a one-part object
        else:
            assert record["origin"] == download_url(uri, local_mast.url)
    # The workers read the bucket for the cloud copies, MAST for the rest.
    gets = {r.path.removeprefix(f"/{BUCKET}/") for r in local_cloud.requests(method="GET")}
    assert gets == {cloud_key(uri) for uri in in_cloud}
    served = {r.query["uri"][0] for r in local_mast.requests(path="/api/v0.1/Download/file")}
    assert served == set(records) - in_cloud
    assert comparable(tmp_path / "spread" / "manifest.json") == comparable(
        tmp_path / "one" / "manifest.json"
    )


def test_the_token_goes_to_mast_only(local_mast, local_cloud, other_host, tw_hya, tmp_path, client):
    server = local_mast.url
    fetch_plan = plan_fetch(tw_hya, tmp_path / "plan", cloud=True, token=VALID_TOKEN)
    carried = {f.uri: task_token(f, VALID_TOKEN, server) for f in fetch_plan.to_fetch}
    from_cloud = {f.uri for f in fetch_plan.to_fetch if f.origin}
    assert from_cloud and set(carried) - from_cloud
    for uri, token in carried.items():  # a task for the cloud copy carries no token
        assert (token is None) == (uri in from_cloud)
        assert VALID_TOKEN not in repr(token)  # nor would a log of its arguments show it

    # Through the cluster: MAST gets it for its files; the bucket never sees it.
    result = glue_mast.fetch(
        tw_hya, tmp_path / "cloud", cloud=True, token=VALID_TOKEN, client=client
    )
    assert result.ok and not result.skipped, result.summary()
    assert any(VALID_TOKEN in str(r.headers) for r in local_mast.requests(method="GET"))
    assert local_cloud.log
    for request in local_cloud.log:
        assert VALID_TOKEN not in f"{request.path}?{request.query}{request.headers}"

    # A redirect from MAST to another host: the workers follow it without the token.
    local_mast.faults.redirect_downloads_to = other_host.url
    result = glue_mast.fetch(tw_hya, tmp_path / "moved", token=VALID_TOKEN, client=client)
    assert len(result.downloaded) == 9 and len(result.failed) == 2
    assert all("redirected to another host" in o.message for o in result.failed)
    assert other_host.log and all("Cookie" not in r.headers for r in other_host.log)
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert VALID_TOKEN.encode() not in path.read_bytes(), path


def test_verify_on_the_cluster_finds_a_corrupted_file(local_mast, tw_hya, tmp_path, client):
    assert glue_mast.fetch(tw_hya, tmp_path, client=client).ok
    manifest = Manifest.read(tmp_path / "manifest.json")
    with distributed.get_task_stream(client) as stream:
        report = verify_on_cluster(manifest, client)
    assert report and len(report.ok) == len(manifest) == 9
    assert len(tasks(stream, "sha256")) == 9  # every checksum computed on a worker

    bad = Path(manifest.datasets[0]["path"])
    data = bytearray(bad.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size, other bytes: only the checksum can tell
    bad.write_bytes(bytes(data))
    report = verify_on_cluster(Manifest.read(tmp_path / "manifest.json"), client)
    assert [d["path"] for d in report.wrong_checksum] == [
        bad.relative_to(tmp_path).as_posix()
    ]
    assert len(report.ok) == 8 and not report
    # The same verdicts as a verify in this process.
    local = Manifest.read(tmp_path / "manifest.json").verify()
    assert repr(local) == repr(report)


def test_reproduce_on_the_cluster_fetches_a_missing_file(local_mast, tw_hya, tmp_path, client):
    assert glue_mast.fetch(tw_hya, tmp_path).ok
    manifest = tmp_path / "manifest.json"
    lost = Path(Manifest.read(manifest).datasets[3]["path"])
    lost.unlink()
    local_mast.clear_log()
    with distributed.get_task_stream(client) as stream:
        result, report = glue_mast.reproduce(manifest, client=client)
    assert result.ok and report and len(report.ok) == 9
    assert [o.file.path for o in result.downloaded] == [lost]
    assert len(tasks(stream, "transfer")) == 1 and len(tasks(stream, "sha256")) == 9
    assert len(local_mast.requests(path="/api/v0.1/Download/file")) == 1
    assert lost.is_file()


def test_progress_events_and_cancel_leave_a_resumable_part(local_mast, tw_hya, tmp_path, client):
    iue = tw_hya[tw_hya["obs_collection"] == "IUE"][:1]
    uri = iue[0]["dataURI"]
    size = len(local_mast.catalog.files[uri][0])
    local_mast.faults.stall_body(size // 2, 60, match=uri)
    events = []
    job = start_fetch(iue, tmp_path, client=client, progress=events.append)
    # The worker's byte counts arrive while its transfer is under way (stalled half-way).
    deadline = time.monotonic() + 20
    while not any(isinstance(e, BytesReceived) and e.bytes_done == size // 2 for e in events):
        assert time.monotonic() < deadline, events
        time.sleep(0.05)
    cancelled = time.perf_counter()
    job.cancel()
    with pytest.raises(FetchCancelled) as info:
        job.result(timeout=10)
    assert time.perf_counter() - cancelled < 5
    assert [o.status for o in info.value.result.outcomes] == [FileStatus.CANCELLED]
    path = info.value.result.outcomes[0].file.path
    assert not path.exists()
    assert path.with_name(path.name + ".part").stat().st_size == size // 2
    # Its record vouches for those bytes: written as the transfer stopped, so the worker's
    # transfer was cut (left alone, it would wait on the silent server for a minute).
    record = json.loads(path.with_name(path.name + ".part.meta").read_text())
    assert record["part_size"] == size // 2
    assert isinstance(events[0], FetchStarted) and isinstance(events[-1], FetchEnded)
    assert events[-1].cancelled
    # Nothing of the fetch stays on the cluster: no task, no state (nor token) on a worker.
    deadline = time.monotonic() + 5
    while scheduler_tasks(client):
        assert time.monotonic() < deadline, scheduler_tasks(client)
        time.sleep(0.05)
    assert not worker._RUNS

    local_mast.faults.reset()
    result = glue_mast.fetch(iue, tmp_path, client=client, progress=events.append)
    assert result.ok and result.downloaded[0].resumed_from == [size // 2]
    assert path.read_bytes() == local_mast.catalog.files[uri][0]
    finished = [e for e in events if isinstance(e, FileFinished)]
    assert [e.status for e in finished] == [FileStatus.CANCELLED, FileStatus.DOWNLOADED]


def scheduler_tasks(client):
    """Tasks the scheduler still holds (none once a fetch has ended)."""
    return client.run_on_scheduler(lambda dask_scheduler: list(dask_scheduler.tasks))


def test_a_client_must_be_a_dask_client(local_mast, tw_hya, tmp_path):
    with pytest.raises(InputError) as info:
        glue_mast.fetch(tw_hya, tmp_path, client="tcp://127.0.0.1:8786")
    assert info.value.field == "client"
    assert not tmp_path.joinpath("manifest.json").exists()


@pytest.fixture(scope="module")
def scheduler():
    """A cluster with a worker process of its own, reached by its scheduler's address."""
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=2,
        processes=True,
        dashboard_address=":0",
        host="127.0.0.1",
    ) as cluster:
        yield cluster.scheduler_address


def test_the_command_line_runs_on_a_scheduler(local_mast, tmp_path, scheduler, capsys):
    args = ["--no-progress", "--dask", scheduler]
    assert main(["fetch", "TW Hya", "--out", str(tmp_path / "one"), "--no-progress"]) == 0
    assert main(["fetch", "TW Hya", "--out", str(tmp_path / "spread"), *args]) == 0
    assert "fetched 7 files" in capsys.readouterr().out
    single = comparable(tmp_path / "one" / "manifest.json")
    assert single["datasets"]
    assert comparable(tmp_path / "spread" / "manifest.json") == single

    manifest = tmp_path / "spread" / "manifest.json"
    lost = Path(Manifest.read(manifest).datasets[0]["path"])
    lost.write_bytes(b"\0" * lost.stat().st_size)
    assert main(["verify", str(manifest), "--dask", scheduler]) == 1
    assert "wrong checksum" in capsys.readouterr().out
    lost.unlink()
    assert main(["reproduce", str(manifest), *args]) == 0
    out = capsys.readouterr().out
    assert f"{len(single['datasets'])} files verified identical" in out
    assert main(["verify", str(manifest), "--dask", scheduler]) == 0


def test_the_command_line_says_when_no_scheduler_answers(local_mast, tmp_path, capsys):
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    status = main(
        ["fetch", "TW Hya", "--out", str(tmp_path), "--timeout", "2",
         "--dask", f"tcp://127.0.0.1:{port}"]
    )
    err = capsys.readouterr().err
    assert status != 0 and "Traceback" not in err
    assert "--dask" in err and f"127.0.0.1:{port}" in err
    assert len(err.strip().splitlines()) == 1
    assert not local_mast.log  # refused before any search


def test_a_scheduler_lost_mid_fetch_reports_the_files_not_fetched(local_mast, tw_hya, tmp_path):
    """The scheduler goes away while one transfer is stalled half-way: the fetch ends (no
    hang), the files that arrived are recorded, the other is reported failed (not
    "cancelled": nobody cancelled it), saying why, and a fetch on this machine then
    finishes it."""
    public = tw_hya[tw_hya["dataRights"] == "PUBLIC"]
    stalled = public[0]["dataURI"]
    size = len(local_mast.catalog.files[stalled][0])
    local_mast.faults.stall_body(size // 2, 60, match=stalled)
    events = []
    cluster = distributed.LocalCluster(
        n_workers=1, threads_per_worker=4, processes=False, dashboard_address=":0"
    )
    # (The client waits this long for a lost scheduler to come back before it gives up.)
    lost_client = distributed.Client(cluster, set_as_default=False, timeout=3)
    try:
        job = start_fetch(public, tmp_path, client=lost_client, progress=events.append)
        deadline = time.monotonic() + 30
        while sum(isinstance(e, FileFinished) for e in events) < len(public) - 1:
            assert time.monotonic() < deadline, events
            time.sleep(0.05)
        cluster.sync(cluster.scheduler.close)  # the scheduler goes away
        result = job.result(timeout=60)  # (3 s: the client's timeout)
    finally:
        local_mast.faults.reset()  # the stalled transfer ends (its worker thread with it)
        lost_client.close(timeout=2)
        cluster.close()  # (its in-process worker, cut from its scheduler, takes 30 s)
    by_uri = {o.file.uri: o for o in result.outcomes}
    assert by_uri[stalled].status is FileStatus.FAILED
    assert by_uri[stalled].message.startswith("not fetched: ")
    arrived = [o for o in result.outcomes if o.status is FileStatus.DOWNLOADED]
    assert len(arrived) == len(public) - 1
    recorded = {d["dataURI"] for d in Manifest.read(tmp_path / "manifest.json").datasets}
    assert recorded == {o.file.uri for o in arrived}  # the manifest matches the disk

    # (An in-process worker's thread may still finish that transfer as the cluster closes:
    # a file the manifest does not vouch for, which the next fetch replaces.)
    again = glue_mast.fetch(public, tmp_path)
    assert again.ok and [o.file.uri for o in again.downloaded] == [stalled]
    assert by_uri[stalled].file.path.read_bytes() == local_mast.catalog.files[stalled][0]
