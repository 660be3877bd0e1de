"""MAST's catalogs, for real: skipped unless ``--remote-data=any``.

These check that what the local archive imitates is what MAST does for each catalog: counts
(``rowsFiltered``) where MAST counts, server-side pages, criteria, versions, HSC matches and
spectra.
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


@pytest.mark.parametrize(
    ("catalog", "version", "column"),
    [
        ("TIC", None, "Tmag"),
        ("CTL", None, "Tmag"),
        ("Gaia", "DR3", "phot_g_mean_mag"),
        ("Gaia", "DR2", "phot_g_mean_mag"),
        ("HSC", "v3", "MatchID"),
        ("HSC", "v2", "MatchID"),
        ("GALEX", None, "nuv_mag"),
        ("Disk Detective", None, "designation"),
    ],
)
def test_count_then_one_page(catalog, version, column):
    radius = "3 deg" if catalog in ("Disk Detective", "CTL") else "0.05 deg"
    q = glue_mast.catalog_search(catalog, "M10", radius=radius, version=version)
    assert q.count > 0
    page = q.page(1, size=5)
    assert len(page) == min(5, q.count) and column in page.colnames
    assert page.meta["count"] == q.count


def test_tic_criteria():
    q = glue_mast.catalog_search("TIC", "M10", radius="0.05 deg", Tmag=[10, 14])
    rows = q.all(limit=50)
    assert len(rows) and all(10 <= m <= 14 for m in rows["Tmag"])


def test_panstarrs_pages_without_a_count():
    q = glue_mast.catalog_search("PanSTARRS", "M10", radius="0.01 deg", nDetections=[5, None])
    assert q.count is None
    page = q.page(1, size=5)
    assert 0 < len(page) <= 5 and all(n >= 5 for n in page["nDetections"])


def test_hsc_match_and_its_spectra(tmp_path):
    q = glue_mast.hsc_match(19657846)
    assert q.count > 0
    spectra = glue_mast.hsc_spectra(match=19657846)
    assert len(spectra) > 0
    result = glue_mast.fetch(spectra[:1], tmp_path)
    assert result.ok
    (item,) = glue_mast.io.read(result.paths[0])
    assert item.kind.name == "SPECTRUM"
