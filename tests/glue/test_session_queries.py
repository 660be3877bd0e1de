"""A glue session keeps each query once, and each dataset's link to the queries that found it."""

import json

from glue.core import DataCollection

import glue_mast
from glue_mast.glue.session import manifest_path_for
from glue_mast.provenance import queries as stored
from glue_mast.provenance.queries import full_queries, is_reference, query_id


def test_a_session_round_trip_keeps_the_queries_and_each_datasets_link(
    fetched_tw_hya, tmp_path, monkeypatch
):
    ids = [query_id(q) for q in fetched_tw_hya.queries]
    assert len(ids) == 2  # the search and its product listing
    dc = DataCollection()
    glue_mast.load(fetched_tw_hya, dc)
    session = tmp_path / "analysis" / "analysis.glu"
    glue_mast.save_session(dc, session)
    written = json.loads(manifest_path_for(session).read_text())
    assert [q["id"] for q in written["queries"]] == ids
    assert len(written["datasets"]) == 3 and all(d["queries"] == ids for d in written["datasets"])
    # the products query's record (its obsids) is in the manifest, not in each dataset
    listing = fetched_tw_hya.queries[1]
    assert listing["service"] == "Mast.Caom.Products"
    assert json.dumps(listing["obsids"]) not in session.read_text()

    # another process: nothing remembered, and no fetch manifest beside the files either
    (tmp_path / "analysis" / "mast_data" / "manifest.json").unlink()
    monkeypatch.setattr(stored, "_seen", {})
    restored = glue_mast.restore_session(session)
    assert len(restored) == 3
    for data in restored:
        meta = data.meta["glue_mast"]
        assert [q["id"] for q in meta["queries"]] == ids
        assert all(is_reference(q) for q in meta["queries"])
        assert meta["queries"][0]["summary"]["target"] == "TW Hya"
        assert full_queries(data, manifest_path_for(session)) == fetched_tw_hya.queries
        assert full_queries(data) == fetched_tw_hya.queries  # read with the session

    # saved again: the queries are still kept once, and still linked
    again = glue_mast.save_session(restored, tmp_path / "analysis" / "again.glu")
    rewritten = json.loads(again.manifest.path.read_text())
    assert [q["id"] for q in rewritten["queries"]] == ids
    assert rewritten["queries"] == written["queries"]
    assert all(d["queries"] == ids for d in rewritten["datasets"])
    assert "unresolved_queries" not in rewritten
