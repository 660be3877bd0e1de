"""glue_mast.search: counts before rows, server-side pages, criteria in the user's terms."""

import json

import astropy.units as u
import numpy as np
import pytest
from astropy.coordinates import SkyCoord
from astropy.time import Time

import glue_mast
from glue_mast.errors import InputError, ResolveError, UnknownFieldError


def invokes(archive, service=None):
    return [
        r
        for r in archive.log
        if r.path == "/api/v0/invoke" and (service is None or r.service == service)
    ]


def filters_sent(archive):
    request = invokes(archive)[-1].request
    return {f["paramName"]: f for f in request["params"]["filters"]}


# --- count and pages -------------------------------------------------------------------------


def test_count_is_one_request_and_no_rows(local_mast):
    q = glue_mast.search(obs_collection="SYNTHETIC")
    local_mast.clear_log()
    assert q.count == 100_000
    [request] = invokes(local_mast)
    assert request.request["params"]["columns"] == "COUNT_BIG(*)"
    assert q.count == 100_000 and len(invokes(local_mast)) == 1  # cached


def test_page_fetches_only_that_page(local_mast):
    q = glue_mast.search(obs_collection="SYNTHETIC")
    local_mast.clear_log()
    page = q.page(57, size=100)
    [request] = invokes(local_mast)
    assert (request.request["page"], request.request["pagesize"]) == (57, 100)
    assert list(page["obs_id"][[0, -1]]) == ["syn005600", "syn005699"]
    query = page.meta.pop("query")
    assert page.meta == {"page": 57, "page_size": 100, "count": 100_000, "pages": 1000}
    assert (query["page"], query["criteria_sent"]) == (57, {"obs_collection": ["SYNTHETIC"]})
    assert q.count == 100_000 and len(invokes(local_mast)) == 1  # the page told the count


def test_last_page_and_past_the_end(local_mast):
    q = glue_mast.search(obs_collection="SYNTHETIC", sequence_number=3)
    assert len(q.page(1, size=3000)) == 3000
    last = q.page(4, size=3000)
    assert len(last) == 1000 and last.meta["pages"] == 4
    with pytest.raises(InputError, match=r"page 5 is past the end: 10,000 rows make 4 pages"):
        q.page(5, size=3000)
    with pytest.raises(InputError, match="pages start at 1"):
        q.page(0)
    with pytest.raises(InputError, match="page size"):
        q.page(1, size=0)


def test_empty_result_has_a_first_page(local_mast):
    q = glue_mast.search("M8")
    assert q.count == 0
    assert len(q.page(1)) == 0
    with pytest.raises(InputError, match="no rows"):
        q.page(2)


def test_all_pages_underneath(local_mast):
    q = glue_mast.search(obs_collection="SYNTHETIC", proposal_id=["00001", "00002", "00003"])
    local_mast.clear_log()
    with glue_mast.conf.set_temp("bulk_page_size", 10):
        rows = q.all()
    assert len(rows) == 48 == q.count
    assert len(invokes(local_mast)) == 5  # ceil(48 / 10) pages, no separate count
    assert len(set(rows["obsid"])) == 48
    assert len(q.all(limit=7)) == 7


def test_pages_iterates_on_demand(local_mast):
    q = glue_mast.search(obs_collection="FUSE")
    pages = list(q.pages(size=1))
    assert [len(p) for p in pages] == [1, 1]
    assert [p.meta["page"] for p in pages] == [1, 2]


# --- target, coordinates, radius ---------------------------------------------------------------


def test_target_is_resolved_by_the_configured_server(local_mast):
    q = glue_mast.search("TW Hya")
    lookup = invokes(local_mast, "Mast.Name.Lookup")
    assert len(lookup) == 1 and lookup[0].request["params"]["input"] == "TW Hya"
    assert q.resolved["canonicalName"] == "V* TW Hya"
    assert q.coordinates.ra.deg == pytest.approx(165.46627)
    assert q.count == 8
    # Nothing but the local archive was asked anything.
    assert {r.host.split(":")[0] for r in local_mast.log} == {"127.0.0.1"}


def test_unknown_name(local_mast):
    with pytest.raises(ResolveError, match="could not resolve 'Planet Nine'"):
        glue_mast.search("Planet Nine")


@pytest.mark.parametrize(
    "coords",
    [
        "165.46627 -34.70473",
        "165.46627, -34.70473",
        "11:01:51.905 -34:42:17.03",
        "11h01m51.905s -34d42m17.03s",
        SkyCoord(165.46627 * u.deg, -34.70473 * u.deg),
    ],
)
def test_coordinates_in_any_form(local_mast, coords):
    q = glue_mast.search(coordinates=coords, radius="1 arcmin")
    assert q.coordinates.ra.deg == pytest.approx(165.46627, abs=1e-4)
    assert q.count == 8


@pytest.mark.parametrize("bad", ["ninety minus twelve", "400 -100", "12", ""])
def test_malformed_coordinates(local_mast, bad):
    with pytest.raises(InputError, match="coordinates"):
        glue_mast.search(coordinates=bad)


def test_radius_units(local_mast):
    q = glue_mast.search(coordinates="150.11917 2.20583", radius="30 arcsec")
    assert q.radius.deg == pytest.approx(30 / 3600)
    q.count
    position = invokes(local_mast)[-1].request["params"]["position"]
    assert float(position.split(",")[2]) == pytest.approx(30 / 3600)  # sent in degrees
    assert glue_mast.search("TW Hya", radius=0.5 * u.arcmin).radius.arcsec == pytest.approx(30)
    assert glue_mast.search("TW Hya").radius.deg == 0.2


@pytest.mark.parametrize(
    "radius, message",
    [
        ("0.2", "has no unit"),
        (0.2, "has no unit"),
        ("-1 deg", "must be positive"),
        ("0 deg", "must be positive"),
        ("two degrees", "not an angle"),
        ("5 kg", "not an angle"),
    ],
)
def test_bad_radius(local_mast, radius, message):
    with pytest.raises(InputError, match=message):
        glue_mast.search("TW Hya", radius=radius)


# --- criteria ------------------------------------------------------------------------------------


def test_dates_become_mjd(local_mast):
    q = glue_mast.search(obs_collection="HST", t_min=["2010-01-01", "2011-06-30T12:00:00"])
    q.count
    sent = filters_sent(local_mast)["t_min"]["values"]
    assert sent == [{"min": Time("2010-01-01").mjd, "max": Time("2011-06-30T12:00").mjd}]
    assert q.criteria_given["t_min"] == ["2010-01-01", "2011-06-30T12:00:00"]
    assert set(q.all()["obs_id"]) == {"LB4M01010", "LB4M01020", "OBF501020"}


def test_wavelengths_with_units_become_nm(local_mast):
    q = glue_mast.search(em_min=["1 um", "30000 Angstrom"], obs_collection="JWST")
    q.count
    assert filters_sent(local_mast)["em_min"]["values"] == [{"min": 1000.0, "max": 3000.0}]
    assert set(q.all()["obs_id"]) == {
        "jw02925-o001_t001_nirspec_g395h-f290lp",
        "jw04712-o002_t001_nirspec_g395h-f290lp",
    }
    # Numbers are MAST's nm; spectral equivalencies work too.
    q = glue_mast.search(em_max=[100, 2 * u.eV], obs_collection="IUE")
    assert q.criteria["em_max"] == [
        100.0,
        pytest.approx((2 * u.eV).to_value(u.nm, equivalencies=u.spectral())),
    ]


def test_open_ranges_and_cli_syntax(local_mast):
    q = glue_mast.search(obs_collection="JWST", t_obs_release=["2026-01-01", None])
    assert set(q.all()["dataRights"]) == {"EXCLUSIVE_ACCESS"}
    q = glue_mast.search(obs_collection="JWST", t_obs_release="..2026-01-01")
    assert set(q.all()["dataRights"]) == {"PUBLIC"}


def test_lists_are_or_and_wildcards(local_mast):
    q = glue_mast.search(instrument_name=["COS/FUV", "FUSE"], target_name="AU*")
    assert sorted(q.all()["obs_id"]) == ["LC8J01010", "p1800901000"]
    q.count
    sent = filters_sent(local_mast)
    assert sent["target_name"]["freeText"] == "AU%"
    assert sent["instrument_name"]["values"] == ["COS/FUV", "FUSE"]


def test_field_names_are_case_insensitive_and_sent_as_mast_spells_them(local_mast):
    q = glue_mast.search(OBS_COLLECTION="FUSE", DataProduct_Type="spectrum")
    assert q.count == 2
    assert set(filters_sent(local_mast)) == {"obs_collection", "dataproduct_type"}


@pytest.mark.parametrize(
    "criteria, message, value",
    [
        (
            {"instrument": "COS"},
            r"unknown criteria field 'instrument'; did you mean instrument_name",
            "instrument",
        ),
        ({"calib_levle": 2}, "did you mean calib_level", "calib_levle"),
        ({"calib_level": "two"}, "calib_level takes whole numbers", "two"),
        ({"t_min": "yesterday-ish"}, "'yesterday-ish' is not a date: t_min takes dates", None),
        ({"t_min": "2010-01-01"}, r"t_min is a range: give \[min, max\]", "2010-01-01"),
        ({"t_min": ["2010-01-01", "not a date"]}, "'not a date' is not a date", "not a date"),
        (
            {"t_min": ["2012-01-01", "2010-01-01"]},
            "range is reversed",
            ["2012-01-01", "2010-01-01"],
        ),
        ({"em_min": ["1 kg", "2 kg"]}, "cannot be converted", "1 kg"),
        ({"em_min": ["abc", "2 um"]}, "em_min takes a number in nm", "abc"),
        ({"target_name": ["A*", "B*"]}, "only one wildcard", ["A*", "B*"]),
        ({"mtFlag": "maybe"}, "mtFlag takes true or false", "maybe"),
    ],
)
def test_bad_criteria(local_mast, criteria, message, value):
    with pytest.raises(InputError, match=message) as e:
        glue_mast.search(obs_collection="HST", **criteria)
    # Structured fields, so that a form can point at the widget: the criterion as given.
    (name,) = criteria
    assert e.value.field == name
    assert e.value.value == (value if value is not None else criteria[name])
    assert "--" not in str(e.value) and "\n" not in str(e.value)


def test_unknown_fields_carry_suggestions(local_mast):
    with pytest.raises(UnknownFieldError) as e:
        glue_mast.search(obs_collection="HST", calib_levle=2)
    assert (e.value.field, e.value.value, e.value.suggestions) == (
        "calib_levle",
        "calib_levle",
        ["calib_level"],
    )
    with pytest.raises(UnknownFieldError, match="no valid name is close") as e:
        glue_mast.search(obs_collection="HST", zzzzzzzz=1)
    assert e.value.suggestions == []
    with pytest.raises(UnknownFieldError, match="unknown sort field 'tmin'") as e:
        glue_mast.search(obs_collection="HST", sort="-tmin")
    assert (e.value.field, e.value.value) == ("sort", "tmin")
    assert "t_min" in e.value.suggestions


@pytest.mark.parametrize(
    "kwargs, field, value",
    [
        ({"target": "TW Hya", "radius": "0.2"}, "radius", "0.2"),
        ({"target": "TW Hya", "radius": "-1 deg"}, "radius", "-1 deg"),
        ({"coordinates": "somewhere"}, "coordinates", "somewhere"),
        ({"target": "Planet Nine"}, "target", "Planet Nine"),
        ({"target": "  "}, "target", "  "),
        ({"obs_collection": "IUE", "radius": "1 deg"}, "radius", "1 deg"),
    ],
)
def test_search_errors_name_their_input(local_mast, kwargs, field, value):
    with pytest.raises(InputError) as e:
        glue_mast.search(**kwargs)
    assert (e.value.field, e.value.value) == (field, value)


def test_page_errors_name_their_input(local_mast):
    q = glue_mast.search("TW Hya")
    with pytest.raises(InputError, match="page 3 is past the end") as e:
        q.page(3)
    assert (e.value.field, e.value.value) == ("page", 3)
    with pytest.raises(InputError) as e:
        q.page(1, size=0)
    assert (e.value.field, e.value.value) == ("page_size", 0)


def test_nothing_to_search_for():
    with pytest.raises(InputError, match="give a target, coordinates or at least one"):
        glue_mast.search()
    with pytest.raises(InputError, match="not both"):
        glue_mast.search("M8", coordinates="1 2")


# --- sorting ---------------------------------------------------------------------------------


def test_sort_fetches_every_row_and_pages_locally(local_mast):
    q = glue_mast.search("TW Hya", sort=["obs_collection", "-t_min"])
    first = q.page(1, size=3)
    assert list(first["obs_collection"]) == ["FUSE", "HST", "HST"]
    assert list(first["obs_id"][1:]) == ["LF7Z01010", "OBF501020"]
    everything = q.all()
    assert list(everything["obs_collection"]) == sorted(everything["obs_collection"])
    hst = everything[everything["obs_collection"] == "HST"]["t_min"]
    assert list(hst) == sorted(hst, reverse=True)


def test_sort_limit_and_unknown_sort_field(local_mast):
    with pytest.raises(InputError, match="unknown sort field 'tmin'; did you mean t_min"):
        glue_mast.search("TW Hya", sort="tmin")
    q = glue_mast.search(obs_collection="SYNTHETIC", sort="t_min")
    with (
        pytest.raises(InputError, match="sorting needs every row"),
        glue_mast.conf.set_temp("max_sort_rows", 1000),
    ):
        q.page(1)


def test_missing_values_sort_last(local_mast):
    q = glue_mast.search(obs_collection=["K2", "TESS", "Kepler"], sort="-sequence_number")
    values = [int(v) for v in q.all()["sequence_number"].filled(-1)]
    assert values == [18, 4, 1, 1, -1]  # Kepler's row has no sequence number


# --- provenance record -----------------------------------------------------------------------


def test_query_record_is_plain_json(local_mast):
    q = glue_mast.search(
        "TW Hya", radius=30 * u.arcsec, t_min=[Time("2010-01-01"), None], calib_level=np.int64(3)
    )
    q.count
    record = q.as_record()
    assert json.loads(json.dumps(record)) == record
    assert record["service"] == "Mast.Caom.Filtered.Position"
    assert record["coordinates"]["ra"] == pytest.approx(165.46627)
    assert record["radius_deg"] == pytest.approx(30 / 3600)
    assert record["criteria_sent"]["calib_level"] == ["3"]
    assert record["count"] == q.count
    assert "TW Hya" in repr(q) and "rows" in repr(q)
