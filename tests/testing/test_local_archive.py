"""The local archive speaks MAST's wire protocol: checked with the real astroquery client.

These tests drive astroquery.mast itself (pointed at the archive by glue-mast's
``archive.adapter.apply``) over real HTTP, plus raw requests where astroquery has no call for a
detail of the protocol (Range, HEAD, fault knobs).
"""

import hashlib
import json
import math
import urllib.parse
from importlib import resources

import pytest
import requests
from astropy.io import fits

from glue_mast.testing import VALID_TOKEN

DOWNLOAD = "/api/v0.1/Download/file"


@pytest.fixture
def obs(local_mast):
    from astroquery.mast import Observations

    return Observations


def invoke(archive, request):
    body = "request=" + urllib.parse.quote(json.dumps(request))
    return requests.post(
        archive.url + "/api/v0/invoke",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=10,
    )


def download(archive, uri, method="GET", **headers):
    return requests.request(
        method, archive.url + DOWNLOAD, params={"uri": uri}, headers=headers, timeout=10
    )


# --- queries ---------------------------------------------------------------------------------


def test_query_object_uses_the_santa_resolver_and_cone(obs, local_mast):
    table = obs.query_object("TW Hya", radius="0.2 deg")
    assert set(table["obs_collection"]) == {"HST", "IUE", "FUSE"}
    assert len(table) == 8
    assert (table["distance"] < 720).all()  # arcsec, inside 0.2 deg
    paths = [r.path for r in local_mast.log]
    assert "/Santa-war/query" in paths  # astroquery's hard-coded resolver host, redirected
    assert [r.service for r in local_mast.log if r.service] == ["Mast.Caom.Cone"]


@pytest.mark.filterwarnings("ignore:Coordinate string is being interpreted")
def test_criteria_count_and_position_filtering(obs, local_mast):
    n = obs.query_criteria_count(obs_collection="IUE", dataproduct_type="spectrum")
    assert n == 3
    table = obs.query_criteria(
        coordinates="311.28971 -31.34245", radius="0.1 deg", obs_collection=["HST", "FUSE"]
    )
    assert set(table["obs_collection"]) == {"HST", "FUSE"}
    assert set(table["target_name"]) == {"AU MIC"}
    request = local_mast.requests(service="Mast.Caom.Filtered.Position")[-1].request
    assert request["params"]["position"].startswith("311.28971")


def test_wildcards_ranges_and_case_insensitive_values(obs):
    assert set(obs.query_criteria(proposal_pi="Linsky*")["obs_id"]) == {
        "O5CW01010",
        "p1860101000",
        "p1800901000",
    }
    assert len(obs.query_criteria(obs_collection="iue")) == 3
    table = obs.query_criteria(obs_collection="SYNTHETIC", t_min=[55000.0, 55000.095])
    assert len(table) == 10


def test_paging_echoes_the_page_and_astroquery_pages_through(obs, local_mast):
    # One explicit page: exactly one request, and the server echoes the page asked for.
    table = obs.query_criteria(obs_collection="SYNTHETIC", page=3, pagesize=7)
    assert list(table["obs_id"]) == [f"syn{i:06d}" for i in range(14, 21)]
    [request] = local_mast.requests(service="Mast.Caom.Filtered")
    assert (request.request["page"], request.request["pagesize"]) == (3, 7)
    # No page: astroquery follows paging.pagesFiltered, which only works if page is echoed.
    local_mast.clear_log()
    table = obs.query_criteria(obs_collection="SYNTHETIC", proposal_id="00042", pagesize=5)
    assert len(table) == 16
    assert len(local_mast.requests(service="Mast.Caom.Filtered")) == 4


def test_raw_paging_block(local_mast):
    answer = invoke(
        local_mast,
        {
            "service": "Mast.Caom.Filtered",
            "format": "json",
            "pagesize": 1000,
            "page": 100,
            "params": {
                "columns": "*",
                "filters": [{"paramName": "obs_collection", "values": ["SYNTHETIC"]}],
            },
        },
    ).json()
    assert answer["paging"] == {
        "page": 100,
        "pageSize": 1000,
        "pagesFiltered": 100,
        "rows": 1000,
        "rowsFiltered": 100_000,
        "rowsTotal": 100_000,
    }
    count = invoke(
        local_mast,
        {
            "service": "Mast.Caom.Filtered",
            "format": "json",
            "pagesize": 10,
            "page": 1,
            "params": {
                "columns": "COUNT_BIG(*)",
                "filters": [
                    {"paramName": "sequence_number", "values": ["0"]},
                    {"paramName": "obs_collection", "values": ["SYNTHETIC"]},
                ],
            },
        },
    ).json()
    assert count["data"] == [{"Column1": 10_000}]
    assert count["fields"] == [
        {"name": "Column1", "type": "string"},
        {"name": "_selected_", "type": "boolean"},
    ]


def test_server_errors_are_mast_errors(local_mast):
    answer = invoke(local_mast, {"service": "Mast.Nope", "params": {}, "format": "json"}).json()
    assert answer["status"] == "ERROR" and "Unknown service" in answer["msg"]
    answer = invoke(
        local_mast,
        {
            "service": "Mast.Caom.Filtered",
            "format": "json",
            "params": {
                "columns": "*",
                "filters": [{"paramName": "calib_level", "values": ["abc"]}],
            },
        },
    ).json()
    assert answer["status"] == "ERROR" and "Conversion failed" in answer["msg"]


def test_list_missions_and_metadata(obs):
    missions = obs.list_missions()
    assert {"HST", "IUE", "FUSE", "JWST", "Kepler", "K2", "TESS", "GALEX", "SYNTHETIC"} <= set(
        missions
    )
    meta = obs.get_metadata("observations")
    assert {"obs_collection", "dataRights", "sequence_number", "provenance_name"} <= set(
        meta["Column Name"]
    )
    assert "calib_level" in set(obs.get_metadata("products")["Column Name"])


def test_columns_config_is_always_json(local_mast):
    url = local_mast.url + "/portal/Mashup/Mashup.asmx/columnsconfig"
    assert requests.post(url, data="colConfigId=Mast.Whatever", timeout=10).json() == {}


def test_name_lookup_service(local_mast):
    answer = invoke(
        local_mast,
        {
            "service": "Mast.Name.Lookup",
            "format": "json",
            "params": {"input": "M8", "format": "json"},
        },
    ).json()
    first = answer["resolvedCoordinate"][0]
    assert (first["searchString"], first["ra"], first["decl"]) == ("m8", 270.904, -24.387)
    answer = invoke(
        local_mast,
        {
            "service": "Mast.Name.Lookup",
            "format": "json",
            "params": {"input": "No Such Star", "format": "json"},
        },
    ).json()
    assert answer["resolvedCoordinate"] == []


# --- the snapshot is consistent ----------------------------------------------------------------


def test_every_product_matches_its_observation_and_is_served(obs, local_mast):
    table = obs.query_criteria(
        obs_collection=["HST", "IUE", "FUSE", "JWST", "Kepler", "K2", "TESS", "GALEX"]
    )
    assert len(table) >= 20
    assert {"IUE", "HST", "JWST", "FUSE", "Kepler", "TESS"} <= set(table["obs_collection"])
    assert {"COS/FUV", "STIS/FUV-MAMA", "STIS/CCD", "NIRSPEC/SLIT"} <= set(table["instrument_name"])
    assert "EXCLUSIVE_ACCESS" in set(table["dataRights"])
    products = obs.get_product_list(table)  # astroquery drops the TESS FFI row itself
    assert set(products["obsID"]) == set(table[table["target_name"] != "TESS FFI"]["obsid"])
    assert (products["parent_obsid"] == products["obsID"]).all()
    for row in products:
        headers = {"Cookie": f"mast_token={VALID_TOKEN}"}
        head = download(local_mast, row["dataURI"], "HEAD", **headers)
        assert head.status_code == 200, row["dataURI"]
        assert int(head.headers["Content-Length"]) == row["size"]


def test_real_files_are_served_byte_for_byte(local_mast):
    name = "tess2018206045859-s0001-0000000358108509-0120-s_lc.fits"
    shipped = resources.files("glue_mast.testing").joinpath("data", "real", name).read_bytes()
    got = download(local_mast, f"mast:TESS/product/{name}")
    assert got.status_code == 200
    assert hashlib.sha256(got.content).hexdigest() == hashlib.sha256(shipped).hexdigest()
    assert got.headers["Content-Type"] == "application/fits"


def test_synthetic_collection_sizes(obs, local_mast):
    assert obs.query_criteria_count(obs_collection="SYNTHETIC") == 100_000
    assert obs.query_criteria_count(obs_collection="SYNTHETIC", sequence_number=0) == 10_000
    group = obs.query_criteria(obs_collection="SYNTHETIC", proposal_id="00042")
    assert len(group) == 16
    products = obs.get_product_list(group)
    science = obs.filter_products(products, calib_level=[2, 3], productType="SCIENCE")
    assert len(science) == 16
    body = download(local_mast, science[0]["dataURI"]).content
    assert len(body) == science[0]["size"] == local_mast.catalog.synthetic_size
    with fits.open(__import__("io").BytesIO(body)) as hdul:
        assert hdul[0].header["NAXIS"] >= 1


# --- downloads ----------------------------------------------------------------------------------

URI = "mast:K2/url/missions/k2/lightcurves/c4/211100000/17000/ktwo211117077-c04_llc.fits"


def test_head_and_get_agree_and_range_is_honoured(local_mast):
    head, get = download(local_mast, URI, "HEAD"), download(local_mast, URI)
    size = len(get.content)
    assert head.headers["Content-Length"] == get.headers["Content-Length"] == str(size)
    assert head.headers["Accept-Ranges"] == "bytes"
    part = download(local_mast, URI, Range="bytes=100-199")
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 100-199/{size}"
    assert part.content == get.content[100:200]
    assert download(local_mast, URI, Range="bytes=-10").content == get.content[-10:]
    assert download(local_mast, URI, Range=f"bytes={size - 5}-").content == get.content[-5:]
    bad = download(local_mast, URI, Range=f"bytes={size}-")
    assert bad.status_code == 416 and bad.headers["Content-Range"] == f"bytes */{size}"
    assert download(local_mast, "mast:HST/product/nothing.fits").status_code == 404


def test_exclusive_access_needs_a_valid_token(local_mast):
    uri = "mast:HST/product/lf7z01010_x1dsum.fits"
    assert download(local_mast, uri).status_code == 401
    assert download(local_mast, uri, Cookie="mast_token=wrong").status_code == 401
    assert download(local_mast, uri, Cookie=f"mast_token={VALID_TOKEN}").status_code == 200
    assert download(local_mast, uri, Authorization=f"Bearer {VALID_TOKEN}").status_code == 200


def test_whoami_and_astroquery_login(obs, local_mast):
    from astroquery.exceptions import LoginError

    obs.login(token=VALID_TOKEN)
    try:
        assert obs.session_info(verbose=False)["anon"] is False
    finally:
        obs.logout()
    with pytest.raises(LoginError):
        obs.login(token="not-a-token")
    # login, session_info, and the failed login
    assert [r.path for r in local_mast.log].count("/whoami") == 3


def test_astroquery_downloads_products(obs, local_mast, tmp_path):
    products = obs.get_product_list("2410004002")
    manifest = obs.download_products(products, download_dir=tmp_path)
    assert list(manifest["Status"]) == ["COMPLETE"]
    path = tmp_path / "mastDownload" / "K2" / "ktwo211117077-c04_lc" / "ktwo211117077-c04_llc.fits"
    assert path.stat().st_size == products[0]["size"]


def test_bundle_script_lists_the_files(local_mast):
    answer = requests.post(
        local_mast.url + "/api/v0.1/Download/bundle.sh",
        data={"uri": [URI, "mast:TESS/product/x.fits"]},
        timeout=10,
    )
    assert answer.headers["Content-Type"] == "text/x-sh"
    assert answer.text.count("curl ") == 2 and URI in answer.text


# --- fault knobs --------------------------------------------------------------------------------


def test_http_error_with_retry_after(local_mast):
    local_mast.faults.error(503, retry_after=7, times=2, match=DOWNLOAD)
    for _ in range(2):
        answer = download(local_mast, URI)
        assert (answer.status_code, answer.headers["Retry-After"]) == (503, "7")
    assert download(local_mast, URI).status_code == 200


def test_executing_polls_are_repeated_by_astroquery(obs, local_mast):
    local_mast.faults.executing(3, match="Mast.Caom.Filtered")
    assert len(obs.query_criteria(obs_collection="FUSE")) == 2
    assert len(local_mast.requests(service="Mast.Caom.Filtered")) == 4


def test_malformed_json(obs, local_mast):
    local_mast.faults.malformed_json(match="Mast.Caom.Filtered")
    with pytest.raises(ValueError):
        obs.query_criteria(obs_collection="FUSE")


def test_dropped_connection_and_truncated_bodies(local_mast):
    size = len(download(local_mast, URI).content)
    local_mast.faults.drop(1000, match=URI)
    with pytest.raises((requests.ConnectionError, requests.exceptions.ChunkedEncodingError)):
        download(local_mast, URI).content
    local_mast.faults.truncate(1000, match=URI)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        download(local_mast, URI).content
    local_mast.faults.truncate(1000, match=URI, honest_length=True)
    short = download(local_mast, URI)
    assert short.status_code == 200 and len(short.content) == 1000 < size
    assert len(download(local_mast, URI).content) == size  # the faults were used up


def test_latency_and_bandwidth(local_mast):
    import time

    local_mast.faults.latency = 0.2
    start = time.perf_counter()
    download(local_mast, URI, "HEAD")
    assert time.perf_counter() - start >= 0.2
    local_mast.faults.latency = 0
    local_mast.faults.bandwidth = 200_000
    start = time.perf_counter()
    body = download(local_mast, URI).content
    assert time.perf_counter() - start >= len(body) / 200_000 * 0.9


def test_redirect_knob(local_mast):
    local_mast.faults.redirect_downloads_to = "http://127.0.0.2:9"
    answer = requests.get(
        local_mast.url + DOWNLOAD, params={"uri": URI}, allow_redirects=False, timeout=10
    )
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("http://127.0.0.2:9/api/v0.1/Download/file")


def test_request_log_records_services_and_pages(local_mast):
    invoke(
        local_mast,
        {
            "service": "Mast.Caom.Cone",
            "format": "json",
            "page": 2,
            "pagesize": 3,
            "params": {"ra": 150.1, "dec": 2.2, "radius": 0.2},
        },
    )
    [record] = local_mast.requests(service="Mast.Caom.Cone")
    assert record.request["page"] == 2 and record.status == 200
    answer = invoke(
        local_mast,
        {
            "service": "Mast.Caom.Cone",
            "format": "json",
            "page": 1,
            "pagesize": 5000,
            "params": {"ra": 150.1, "dec": 2.2, "radius": 0.2},
        },
    ).json()
    distances = [row["distance"] for row in answer["data"]]
    assert distances == sorted(distances) and len(distances) > 50
    assert math.isclose(max(distances), 720, rel_tol=0.02)


def test_validators_and_if_range(local_mast):
    whole = download(local_mast, URI)
    etag, modified = whole.headers["ETag"], whole.headers["Last-Modified"]
    assert etag.startswith('"') and modified.endswith("GMT")
    for validator in (etag, modified):
        part = download(local_mast, URI, Range="bytes=100-", **{"If-Range": validator})
        assert part.status_code == 206 and part.content == whole.content[100:]
    stale = download(local_mast, URI, Range="bytes=100-", **{"If-Range": '"other"'})
    assert stale.status_code == 200 and stale.content == whole.content
    local_mast.faults.validators = ("last-modified",)
    assert "ETag" not in download(local_mast, URI, "HEAD").headers


def test_file_that_changes_between_requests(local_mast):
    local_mast.faults.change_file(URI, after=1)
    first, second = download(local_mast, URI), download(local_mast, URI)
    assert len(first.content) == len(second.content)
    assert second.content == bytes(b ^ 0xFF for b in first.content)
    assert first.headers["ETag"] != second.headers["ETag"]
    assert first.headers["Last-Modified"] != second.headers["Last-Modified"]
    resumed = download(local_mast, URI, Range="bytes=10-", **{"If-Range": first.headers["ETag"]})
    assert resumed.status_code == 200 and resumed.content == second.content


def test_listed_size_knob(obs, local_mast):
    served = len(download(local_mast, URI).content)
    products = obs.get_product_list("2410004002")
    [row] = products[products["dataURI"] == URI]
    local_mast.faults.list_size(URI, served + 1)
    products = obs.get_product_list("2410004002")
    [row] = products[products["dataURI"] == URI]
    assert row["size"] == served + 1
    assert len(download(local_mast, URI).content) == served


def test_redirect_with_a_raw_location(local_mast):
    local_mast.faults.redirect_location = "http://127.0.0.2:9\\@127.0.0.1:1{path}"
    answer = requests.get(
        local_mast.url + DOWNLOAD, params={"uri": URI}, allow_redirects=False, timeout=10
    )
    assert answer.headers["Location"].startswith("http://127.0.0.2:9\\@127.0.0.1:1/api/v0.1/")
