"""Facet values (collections, instruments) from Mast.Caom.All: parsed as MAST sends them."""

import json
from importlib import resources

import pytest

from glue_mast.archive import facets
from glue_mast.errors import ServerError


def recorded_answer():
    # MAST's own answer to Mast.Caom.All, recorded by astroquery for its tests.
    data = resources.files("astroquery.mast").joinpath("tests", "data", "missions.extjs")
    return json.loads(data.read_text())


def test_the_recorded_mast_answer():
    values = facets.parse_facets(recorded_answer())
    assert values["obs_collection"] == [
        "BEFS", "EUVE", "FUSE", "GALEX", "HLA", "HST", "HUT", "IUE", "K2", "K2FFI", "Kepler",
        "KeplerFFI", "SWIFT", "TUES", "WUPPE",
    ]  # fmt: skip
    assert {"COS/FUV", "COS/NUV", "SWP", "LWP", "Kepler", "WFC3/IR"} <= set(
        values["instrument_name"]
    )
    assert values["dataproduct_type"] == ["cube", "image", "spectrum", "timeseries"]
    assert "t_min" not in values and "s_ra" not in values  # continuous: no values to offer
    assert values["calib_level"] == ["1", "2", "3"]


def test_an_answer_without_facets_is_a_server_error():
    with pytest.raises(ServerError, match="without its facet table"):
        facets.parse_facets({"data": []}, "http://example.org")


def test_one_request_per_server(local_mast):
    facets.clear_cache()
    first = facets.facet_values()
    assert facets.facet_values() is first
    assert len(local_mast.requests(service="Mast.Caom.All")) == 1
    assert first["obs_collection"] == sorted(local_mast.catalog.collections(), key=str.lower)
