"""fetch(cloud=True) against MAST's cloud copy on loopback: the real astroquery finds the
copies (MAST's path lookup on the local archive, unsigned head_object on moto's S3 server),
the files come from the bucket over HTTP, the others from MAST, and the manifest says which.

Nothing is mocked: real astroquery, real boto3, moto's S3 server over real HTTP
(``local_cloud``, from ``glue_mast.testing.pytest_plugin``).
"""

import hashlib
from pathlib import Path

import pytest

import glue_mast
from glue_mast.archive.fetch import DOWNLOAD_PATH, download_url
from glue_mast.cli import main
from glue_mast.provenance import Manifest
from glue_mast.testing import VALID_TOKEN
from glue_mast.testing.cloud import BUCKET, cloud_key

pytest.importorskip("moto.server", reason="the cloud copy is moto's S3 server (moto[server])")


@pytest.fixture
def tw_hya(local_cloud):
    # HST files (in the cloud), IUE and FUSE ones (not), two exclusive-access HST files
    return glue_mast.products(glue_mast.search("TW Hya").all(), mrp_only=False)


def _s3_etag(data):
    """S3's ETag of an object stored in one part: the MD5 of its bytes, quoted."""
    return f'"{hashlib.md5(data).hexdigest()}"'


def _downloads(archive):
    """dataURIs the archive's download service served."""
    return {r.query["uri"][0] for r in archive.requests(path=DOWNLOAD_PATH, method="GET")}


def _cloud_gets(cloud):
    return {r.path.removeprefix(f"/{BUCKET}/") for r in cloud.requests(method="GET")}


def test_cloud_copies_come_from_the_bucket_and_the_rest_from_mast(
    local_mast, local_cloud, tw_hya, tmp_path
):
    public = [row for row in tw_hya if row["dataRights"] == "PUBLIC"]
    in_cloud = {r["dataURI"] for r in public if r["obs_collection"] == "HST"}
    not_in_cloud = {r["dataURI"] for r in public} - in_cloud
    assert in_cloud and not_in_cloud  # (both kinds, or the test proves nothing)

    result = glue_mast.fetch(tw_hya, tmp_path, cloud=True)

    assert result.ok, result.summary()
    assert f"({len(in_cloud)} from MAST's cloud copy)" in result.summary()
    records = {d["dataURI"]: d for d in Manifest.read(tmp_path / "manifest.json").datasets}
    assert set(records) == in_cloud | not_in_cloud
    for uri in in_cloud:
        data = local_mast.catalog.files[uri][0]
        record = records[uri]
        assert record["origin"] == f"s3://{BUCKET}/{cloud_key(uri)}"
        assert record["etag"] == _s3_etag(data)
        assert record["sha256"] == hashlib.sha256(data).hexdigest()
        assert Path(record["path"]).read_bytes() == data
    for uri in not_in_cloud:
        assert records[uri]["origin"] == download_url(uri, local_mast.url)
        assert (
            records[uri]["sha256"] == hashlib.sha256(local_mast.catalog.files[uri][0]).hexdigest()
        )
    # Each file came from the one copy its record names, and only from there.
    assert _cloud_gets(local_cloud) == {cloud_key(uri) for uri in in_cloud}
    assert _downloads(local_mast) == not_in_cloud
    # astroquery asked MAST where the files live, and the bucket whether each is there.
    assert local_mast.requests(path="/api/v0.1/path_lookup/")
    assert len(local_cloud.requests(method="HEAD")) >= len(in_cloud | not_in_cloud)


def test_a_file_missing_from_the_cloud_comes_from_mast(local_mast, local_cloud, tmp_path):
    products = glue_mast.products(glue_mast.search("TW Hya").all(), mrp_only=False)
    hst = [r["dataURI"] for r in products if r["obs_collection"] == "HST"]
    hst = [u for u in hst if not local_mast.catalog.is_exclusive(u)]
    gone = hst[0]
    local_cloud.delete(cloud_key(gone))
    try:
        result = glue_mast.fetch(products, tmp_path, cloud=True)
    finally:
        local_cloud.put(cloud_key(gone), local_mast.catalog.files[gone][0])
    assert result.ok, result.summary()
    records = {d["dataURI"]: d for d in Manifest.read(tmp_path / "manifest.json").datasets}
    assert records[gone]["origin"] == download_url(gone, local_mast.url)
    assert gone in _downloads(local_mast)
    assert cloud_key(gone) not in _cloud_gets(local_cloud)
    assert all(records[u]["origin"].startswith(f"s3://{BUCKET}/") for u in hst[1:])


def test_without_cloud_every_file_comes_from_mast_and_says_so(
    local_mast, local_cloud, tw_hya, tmp_path
):
    result = glue_mast.fetch(tw_hya, tmp_path)
    assert result.ok
    for record in Manifest.read(tmp_path / "manifest.json").datasets:
        assert record["origin"] == download_url(record["dataURI"], local_mast.url)
        assert record["etag"]  # the archive's download service gives one
    assert not local_cloud.log  # the bucket is never asked


def test_the_token_never_goes_to_the_cloud(local_mast, local_cloud, tw_hya, tmp_path):
    exclusive = {r["dataURI"] for r in tw_hya if r["dataRights"] != "PUBLIC"}
    assert exclusive
    result = glue_mast.fetch(tw_hya, tmp_path, cloud=True, token=VALID_TOKEN)
    assert result.ok and not result.skipped, result.summary()
    records = {d["dataURI"]: d for d in Manifest.read(tmp_path / "manifest.json").datasets}
    # The exclusive-access files have no public copy: MAST served them, with the token.
    for uri in exclusive:
        assert records[uri]["origin"] == download_url(uri, local_mast.url)
    assert any(
        VALID_TOKEN in str(r.headers) for r in local_mast.requests(method="GET")
    )  # (the token was in play)
    assert local_cloud.log
    for request in local_cloud.log:
        assert VALID_TOKEN not in f"{request.path}?{request.query}"
        assert not any(VALID_TOKEN in str(value) for value in request.headers.values())
        assert "Cookie" not in request.headers and "Authorization" not in request.headers


def test_a_cloud_manifest_verifies_and_reproduces(local_mast, local_cloud, tw_hya, tmp_path):
    first = tmp_path / "first"
    assert glue_mast.fetch(tw_hya, first, cloud=True).ok
    manifest = Manifest.read(first / "manifest.json")
    report = manifest.verify()
    assert report and len(report.ok) == len(manifest)

    # Reproduced elsewhere (from the configured MAST server, as reproduce always is): the
    # same bytes, whichever copy they came from first.
    again = tmp_path / "again"
    result, report = glue_mast.reproduce(first / "manifest.json", again)
    assert result.ok and report and len(report.ok) == len(manifest)
    redone = {d["dataURI"]: d for d in Manifest.read(again / "manifest.json").datasets}
    for record in manifest.datasets:
        assert redone[record["dataURI"]]["sha256"] == record["sha256"]
        assert redone[record["dataURI"]]["origin"] == download_url(
            record["dataURI"], local_mast.url
        )

    # In place, a file lost since is fetched again; the others keep their cloud origin.
    cloud_fetched = [d for d in manifest.datasets if d["origin"].startswith("s3://")]
    lost = Path(cloud_fetched[0]["path"])
    lost.unlink()
    result, report = glue_mast.reproduce(first / "manifest.json")
    assert result.ok and report and len(report.ok) == len(manifest)
    now = {d["dataURI"]: d for d in Manifest.read(first / "manifest.json").datasets}
    assert now[cloud_fetched[1]["dataURI"]]["origin"] == cloud_fetched[1]["origin"]
    assert now[cloud_fetched[0]["dataURI"]]["origin"].startswith(local_mast.url)


def test_the_cli_fetches_from_the_cloud(local_mast, local_cloud, tmp_path, capsys):
    status = main(
        [
            "fetch",
            "TW Hya",
            "--no-mrp-only",
            "--cloud",
            "--out",
            str(tmp_path),
            "--no-progress",
            "--server",
            local_mast.url,
        ]
    )
    out, err = capsys.readouterr()
    assert status == 0, err
    records = Manifest.read(tmp_path / "manifest.json").datasets
    from_cloud = [d for d in records if d["origin"].startswith(f"s3://{BUCKET}/")]
    assert from_cloud and len(from_cloud) < len(records)
    assert (
        f"{len(from_cloud)} from MAST's cloud copy (s3://stpubdata), "
        f"{len(records) - len(from_cloud)} from MAST"
    ) in out


def test_an_unreachable_bucket_is_one_clear_error(local_cloud, tw_hya, tmp_path, monkeypatch):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    with pytest.raises(glue_mast.errors.ServerError, match="MAST's cloud copy") as caught:
        glue_mast.fetch(tw_hya, tmp_path, cloud=True)
    assert caught.value.field == "cloud"
    assert not list(tmp_path.rglob("*.fits"))
