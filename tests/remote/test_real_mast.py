"""Against the real MAST: for users with the network. Skipped unless ``--remote-data=any``.

These check that what the local archive imitates is what MAST does: counts before rows,
server-side pages, the product list, a verified download, and MAST's public cloud copy.
"""

import pytest

import glue_mast
from glue_mast import config

pytestmark = pytest.mark.remote_data


@pytest.fixture(autouse=True)
def real_mast(monkeypatch):
    for name in ("GLUE_MAST_SERVER", "MAST_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    config.reset()
    config.configure(server="https://mast.stsci.edu", timeout=300)
    yield
    config.reset()


def test_count_then_one_page():
    q = glue_mast.search("M8", radius="0.02 deg")
    assert q.count > 0
    page = q.page(1, size=5)
    assert len(page) == min(5, q.count)
    assert page.meta["count"] == q.count
    assert q.resolved["ra"] == pytest.approx(270.9, abs=0.1)


def test_large_result_is_paged_on_the_server():
    q = glue_mast.search(obs_collection="IUE")
    assert q.count > 50_000
    page = q.page(3, size=10)
    assert len(page) == 10 and page.meta["pages"] == -(-q.count // 10)


def test_criteria_conveniences():
    q = glue_mast.search(
        obs_collection="HST",
        instrument_name="COS/FUV",
        t_min=["2010-01-01", "2010-01-31"],
        em_min=["100 nm", "0.2 um"],
    )
    assert q.count > 0


def test_collections_come_from_the_server():
    assert {"HST", "JWST", "IUE", "TESS"} <= set(glue_mast.collections())


def test_fetch_a_small_public_product_and_verify(tmp_path):
    rows = glue_mast.search(obs_collection="IUE", obs_id="lwp13058").all()
    prods = glue_mast.products(rows, extension="_vo.fits")
    assert len(prods) >= 1
    result = glue_mast.fetch(prods[:1], tmp_path)
    assert result.ok and result.manifest.verify()
    again = glue_mast.fetch(prods[:1], tmp_path)
    assert len(again.cached) == 1 and again.requests == 0


def test_cloud_copy_gives_the_same_bytes(tmp_path):
    pytest.importorskip("boto3")
    rows = glue_mast.search(obs_collection="HST", obs_id="ldxn01010").all()
    prods = glue_mast.products(rows, mrp_only=True)[:1]
    direct = glue_mast.fetch(prods, tmp_path / "direct")
    cloud = glue_mast.fetch(prods, tmp_path / "cloud", cloud=True)
    assert direct.ok and cloud.ok
    assert direct.downloaded[0].sha256 == cloud.downloaded[0].sha256
