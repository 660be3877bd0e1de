"""Two Jdaviz apps sharing one download cache: each dataset names its own app's search."""

import pytest

from glue_mast.jdaviz.loading import PROVENANCE_KEY
from glue_mast.provenance.queries import full_queries

jdaviz = pytest.importorskip("jdaviz")
PRODUCTS = "Mast.Caom.Products"


def _searches(app, label):
    meta = app._app.data_collection[label].meta[PROVENANCE_KEY]
    return [q for q in full_queries(meta) if q.get("service") != PRODUCTS]


def test_two_apps_on_one_cache_see_only_their_own_searches(app, local_mast):
    first, second = app, jdaviz.App()  # one cache: the fixture's configuration
    a, b = first.plugins["MAST Search"], second.plugins["MAST Search"]
    a.target = "TW Hya"
    a.search()
    a_labels = a.load_selected()
    b.target = "TW Hya"
    b.criteria = {"obs_collection": "HST", "instrument_name": "COS/FUV"}
    b.search()
    b_labels = b.load_selected()
    # the second app's COS files were in the cache already: still its own search only
    assert "already on disk" in b.message
    cos = [label for label in b_labels if label.endswith("(HST COS/FUV)")]
    assert cos
    for label in cos:
        (search,) = _searches(second, label)
        assert search["criteria_given"] == {"obs_collection": "HST", "instrument_name": "COS/FUV"}
        fetched = second._app.data_collection[label].meta[PROVENANCE_KEY]["fetch"]
        assert fetched["server"] == local_mast.url and len(fetched["sha256"]) == 64
    # and the first app's datasets name none of the second's searches
    for label in a_labels:
        (search,) = _searches(first, label)
        assert not search.get("criteria_given"), search
