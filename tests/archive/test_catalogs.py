"""Catalog searches through the real astroquery ``Catalogs`` client against the local archive."""

import warnings

import pytest

import glue_mast
from glue_mast.archive.catalog_list import CATALOGS
from glue_mast.archive.catalogs import CatalogCutOffWarning
from glue_mast.errors import InputError, UnknownFieldError
from glue_mast.testing import sky_catalogs

M10 = "254.28771 -4.10031"
M15 = "322.5 12.167"


def _invoked(archive, service):
    return [r for r in archive.requests(service=service)]


@pytest.mark.parametrize(
    ("catalog", "version", "service", "where", "expected"),  # within 0.2 deg (DD: 3 deg)
    [
        ("TIC", None, "Mast.Catalogs.Tic.Cone", M10, 7),
        ("CTL", None, "Mast.Catalogs.Ctl.Cone", M10, 7),
        ("Gaia", "DR3", "Mast.Catalogs.GaiaDR3.Cone", M10, 30),
        ("Gaia", "DR2", "Mast.Catalogs.GaiaDR2.Cone", M10, 30),
        ("GALEX", None, "Mast.Galex.Catalog", M10, 25),
        ("HSC", "v3", "Mast.Hsc.Db.v3", M15, 28),
        ("HSC", 2, "Mast.Hsc.Db.v2", M15, 20),
        ("Disk Detective", None, "Mast.Catalogs.DiskDetective.Cone", M10, 7),
    ],
)
def test_count_then_pages_from_the_server(local_mast, catalog, version, service, where, expected):
    radius = "3 deg" if catalog == "Disk Detective" else "0.2 deg"
    q = glue_mast.catalog_search(catalog, coordinates=where, radius=radius, version=version)
    assert q.count == expected
    assert len(_invoked(local_mast, service)) == 1
    page = q.page(2, size=3)
    assert len(page) == 3 and page.meta["pages"] == -(-expected // 3)
    assert page.meta["count"] == expected and page.meta["catalog"] == q.catalog
    sent = _invoked(local_mast, service)[-1].request
    assert (sent["page"], sent["pagesize"]) == (2, 3)  # the server pages, not the client
    assert len(q.all()) == expected
    assert f"{expected:,} rows" in repr(q)


def test_cone_rows_are_nearest_first_with_their_distance(local_mast):
    page = glue_mast.catalog_search("TIC", "M10", radius="0.2 deg").page(1, size=10)
    distances = list(page["dstArcSec"])
    assert distances == sorted(distances) and distances[0] > 0
    assert "Tmag" in page.colnames and "TWOMASS" in page.colnames  # MAST's own column names


def test_page_past_the_end_names_the_page(local_mast):
    q = glue_mast.catalog_search("TIC", "M10", radius="0.2 deg")
    with pytest.raises(InputError, match="page 4 is past the end: 7 rows make 3 pages") as e:
        q.page(4, size=3)
    assert e.value.field == "page"


def test_tic_criteria_alone_and_with_a_position(local_mast):
    q = glue_mast.catalog_search("TIC", Tmag=[13, 15], objType="STAR")
    table = sky_catalogs.table("tic")
    tmag, kind = table.numeric("Tmag"), table.columns["objType"]
    assert q.count == int(((tmag >= 13) & (tmag <= 15) & (kind == "STAR")).sum())
    assert local_mast.requests(service="Mast.Catalogs.Filtered.Tic.Rows")
    near = glue_mast.catalog_search("tic", "M10", radius="0.2 deg", Tmag=[13, 16])
    rows = near.all()
    assert near.count == len(rows) > 0 and all(13 <= m <= 16 for m in rows["Tmag"])
    assert local_mast.requests(service="Mast.Catalogs.Filtered.Tic.Position.Rows")


def test_ctl_and_disk_detective_criteria(local_mast):
    assert glue_mast.catalog_search("CTL", Tmag=[10, 16]).count == 3
    dd = glue_mast.catalog_search("disk detective", designation="J165749.79-040315.1")
    assert dd.count == 1 and dd.page()["designation"][0] == "J165749.79-040315.1"


def test_unknown_criterion_is_named_with_suggestions(local_mast):
    with pytest.raises(UnknownFieldError, match="did you mean Tmag") as e:
        glue_mast.catalog_search("TIC", "M10", Tmagg=[1, 2])
    assert e.value.field == "Tmagg"


def test_cone_only_catalog_refuses_criteria_naming_the_field(local_mast):
    with pytest.raises(InputError, match="by position only") as e:
        glue_mast.catalog_search("Gaia", "M10", phot_g_mean_mag=[10, 12])
    assert e.value.field == "phot_g_mean_mag"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"catalog": "Hipparcos", "target": "M10"}, "catalog"),
        ({"catalog": "Gaia", "target": "M10", "version": "DR9"}, "version"),
        ({"catalog": "Gaia"}, "target"),
        ({"catalog": "TIC", "target": "M10", "radius": "2"}, "radius"),
        ({"catalog": "TIC", "target": "M10", "max_results": 5}, "max_results"),
    ],
)
def test_bad_input_names_the_field(local_mast, kwargs, field):
    with pytest.raises(InputError) as e:
        glue_mast.catalog_search(**kwargs)
    assert e.value.field == field
    assert not local_mast.requests(path="/api/v0/invoke") or field not in ("catalog", "version")


def test_max_results_cut_off_is_a_warning_with_the_limit(local_mast):
    q = glue_mast.catalog_search("HSC", coordinates=M15, radius="0.2 deg", max_results=5)
    with pytest.warns(CatalogCutOffWarning, match="at most 5 rows"):
        assert q.count == 5
    assert len(q.warnings) == 1 and "max_results=" in q.warnings[0]
    sent = local_mast.requests(service="Mast.Hsc.Db.v3")[-1].request["params"]
    assert sent["nr"] == 5
    assert "may be cut" in repr(q)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        page = q.page(1, size=50)  # said once, not on every page
    assert len(page) == 5 and page.meta["warnings"] == q.warnings


def test_no_warning_below_the_limit(local_mast):
    q = glue_mast.catalog_search("GALEX", coordinates=M10, radius="0.2 deg")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert q.count == 25
    assert q.warnings == []
    sent = local_mast.requests(service="Mast.Galex.Catalog")[-1].request["params"]
    assert sent["maxrecords"] == CATALOGS["galex"].limit[1]


def test_panstarrs_pages_without_a_count(local_mast):
    q = glue_mast.catalog_search(
        "PanSTARRS", coordinates="5.97 -32.53", radius="0.1 deg", iMeanApMag=[19, None]
    )
    assert q.count is None and "does not count" in repr(q) and "total" in q.count_note
    first = q.page(1, size=5)
    assert len(first) == 5 and first.meta["pages"] is None
    everything = q.all()
    assert len(everything) > 5 and all(m >= 19 for m in everything["iMeanApMag"])
    posts = local_mast.requests(path="/api/v0.1/panstarrs/dr2/mean.json")
    assert posts and all(r.method == "POST" for r in posts)
    with pytest.raises(UnknownFieldError, match="iMeanApMag"):
        glue_mast.catalog_search("PanSTARRS", coordinates="5.97 -32.53", iMeanApMagg=20)


def test_hsc_match_lists_its_measurements(local_mast):
    q = glue_mast.hsc_match(82371983)
    assert q.count == 9
    page = q.page(1, size=4)
    assert set(page["MatchID"]) == {82371983} and page.meta["pages"] == 3
    assert local_mast.requests(service="Mast.HscMatches.Db.v3")[-1].request["params"] == {
        "input": "82371983"
    }


def test_the_record_holds_catalog_version_query_and_count(local_mast):
    q = glue_mast.catalog_search("Gaia", "M10", radius="0.1 deg", version="dr2")
    q.page(1, size=5)
    record = q.as_record()
    assert record["catalog"] == "Gaia" and record["version"] == "DR2"
    assert record["service"] == "Mast.Catalogs.GaiaDR2.Cone"
    assert record["count"] == q.count and record["resolved"]["canonicalName"] == "M  10"


def test_first_page_of_a_100000_row_answer_is_one_request(local_mast):
    ra, dec = sky_catalogs.SYNTHETIC_FIELD
    q = glue_mast.catalog_search("TIC", coordinates=f"{ra} {dec}", radius="0.3 deg")
    glue_mast.catalog_search("TIC", coordinates=M10).count  # column config, once per process
    local_mast.clear_log()
    page = q.page(1, size=100)
    assert len(page) == 100 and page.meta["count"] >= sky_catalogs.SYNTHETIC_FIELD_ROWS
    assert len(local_mast.requests(path="/api/v0/invoke")) == 1
    assert local_mast.log[-1].bytes_sent < 200_000  # one page travelled, not the answer
