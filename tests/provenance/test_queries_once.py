"""Queries stored once: a dataset's record names its queries by id, whatever their size;
a manifest keeps each query once; manifests and sessions of the old shape still read."""

import json

import pytest

import glue_mast
from glue_mast.errors import InputError
from glue_mast.provenance import Manifest, SessionFiles
from glue_mast.provenance import queries as stored
from glue_mast.provenance.describe import provenance
from glue_mast.provenance.queries import full_queries, query_id, summary
from glue_mast.provenance.selection import PRODUCTS_SERVICE, queries_selecting


def _search(count):
    return {
        "service": "Mast.Caom.Filtered.Position",
        "target": "M8",
        "criteria_given": {"obs_collection": "IUE", "dataproduct_type": "spectrum"},
        "criteria_sent": {"obs_collection": ["IUE"], "dataproduct_type": ["spectrum"]},
        "radius_deg": 0.2,
        "count": count,
    }


def _listing(n_obsids):
    return {
        "service": PRODUCTS_SERVICE,
        "obsids": [str(1000 + i) for i in range(n_obsids)],
        "listed": n_obsids,
        "kept": n_obsids,
        "product_filter": {"calibrated_only": True, "mrp_only": False, "extension": "fits"},
    }


def _manifest(tmp_path, queries):
    manifest = Manifest(
        server="http://mast.example", path=tmp_path / "manifest.json", queries=queries
    )
    record = manifest.add_dataset(
        {
            "obs_collection": "IUE",
            "obs_id": "swp54419",
            "obsid": "1001",
            "dataURI": "mast:IUE/url/pub/iue/data/swp54419mxlo_vo.fits",
            "size": 10,
            "sha256": "ab" * 32,
            "path": tmp_path / "IUE" / "swp54419mxlo_vo.fits",
        }
    )
    return manifest, record


def test_a_datasets_record_does_not_grow_with_the_query_that_found_it(tmp_path):
    sizes = {}
    for n in (10, 10_000):
        queries = [_search(n), _listing(n)]
        manifest, record = _manifest(tmp_path, queries)
        meta = provenance(record, manifest=manifest, label="IUE SWP swp54419", queries=queries)
        sizes[n] = len(json.dumps(meta))
        # named by id, with what a person needs to recognise each query
        assert [q["id"] for q in meta["queries"]] == [query_id(q) for q in queries]
        search, listing = (q["summary"] for q in meta["queries"])
        assert (search["target"], search["collection"]) == ("M8", "IUE")
        assert search["criteria_given"] == {"obs_collection": "IUE", "dataproduct_type": "spectrum"}
        assert listing["obsids"] == n and listing["kept"] == n
        # and the whole records are there to be had, from the manifest
        assert full_queries(meta, manifest) == queries
    assert abs(sizes[10_000] - sizes[10]) < 50, sizes  # the 10,000 obsids are not copied


def test_the_index_of_a_load_selects_as_the_queries_do():
    from glue_mast.provenance.selection import QueryIndex

    first, second = _search(2), {**_search(3), "target": "TW Hya"}
    queries = [first, _listing(2), second, {**_listing(3), "kept": 1}]
    index = QueryIndex(queries)
    for obsid, wanted in (("1000", queries), ("1002", queries[2:]), ("9", [])):
        assert queries_selecting({"obsid": obsid}, index) == wanted
        assert queries_selecting({"parent_obsid": obsid}, queries) == wanted


def test_a_summary_is_bounded_whatever_the_criteria():
    huge = {
        "service": "Mast.Caom.Filtered",
        "criteria_given": {"obs_id": [f"o{i}" for i in range(50_000)], "target_name": "x" * 10_000},
    }
    small = summary(huge)
    assert len(json.dumps(small)) < 1000
    assert small["criteria_given"]["obs_id"][-1] == "… (50000 in all)"


def test_two_fetches_of_the_same_query_store_it_once(local_mast, tmp_path):
    products = glue_mast.products(glue_mast.search(target="TW Hya", obs_collection="IUE").all())
    first = glue_mast.fetch(products, download_dir=tmp_path)
    second = glue_mast.fetch(products, download_dir=tmp_path)
    assert second.cached and not second.downloaded
    raw = json.loads((tmp_path / "manifest.json").read_text())
    ids = [q["id"] for q in raw["queries"]]
    assert ids == [query_id(q) for q in first.queries] == [query_id(q) for q in second.queries]
    assert len(set(ids)) == len(ids) == 2
    # each file's record names the search and the listing that selected it, by id
    assert raw["datasets"] and all(d["queries"] == ids for d in raw["datasets"])
    assert (tmp_path / "manifest.json").read_text().count('"obsids"') == 1
    assert Manifest.read(tmp_path / "manifest.json").verify()


def _old_shape_manifest(tmp_path):
    """A manifest as glue-mast wrote it when each query was copied in whole: no ids, and
    (written by hand) the same query twice."""
    (tmp_path / "IUE").mkdir()
    (tmp_path / "IUE" / "swp54419mxlo_vo.fits").write_bytes(b"0123456789")
    from glue_mast.util import sha256_of

    queries = [_search(3), _listing(3), _search(3)]
    path = tmp_path / "manifest.json"
    path.write_text(
        json.dumps(
            {
                "schema": "glue-mast/manifest/1",
                "created": "2025-01-01T00:00:00Z",
                "software": {"glue-mast": "0.1"},
                "server": "http://mast.example",
                "queries": queries,
                "datasets": [
                    {
                        "obs_collection": "IUE",
                        "obsid": "1001",
                        "dataURI": "mast:IUE/url/pub/iue/data/swp54419mxlo_vo.fits",
                        "size": 10,
                        "sha256": sha256_of(tmp_path / "IUE" / "swp54419mxlo_vo.fits"),
                        "path": "IUE/swp54419mxlo_vo.fits",
                    }
                ],
            }
        )
    )
    return path


def test_an_old_shape_manifest_reads_and_is_written_in_the_new(tmp_path):
    path = _old_shape_manifest(tmp_path)
    manifest = Manifest.read(path)
    assert manifest.queries == [_search(3), _listing(3)]  # the repeated one, once
    assert list(manifest.queries_by_id) == [query_id(_search(3)), query_id(_listing(3))]
    assert manifest.verify()
    manifest.write()
    raw = json.loads(path.read_text())
    assert [q["id"] for q in raw["queries"]] == list(manifest.queries_by_id)
    assert Manifest.read(path).queries == manifest.queries
    # a dataset record of the old shape holds its queries whole: they are given back as such
    old_meta = {"queries": [_search(3), _listing(3)]}
    assert full_queries({"glue_mast": old_meta}) == old_meta["queries"]


def test_an_id_in_a_file_is_computed_again_not_trusted(tmp_path):
    path = _old_shape_manifest(tmp_path)
    raw = json.loads(path.read_text())
    raw["queries"] = [{"id": query_id(_listing(3)), **_search(3)}]  # a lying id
    path.write_text(json.dumps(raw))
    assert list(Manifest.read(path).queries_by_id) == [query_id(_search(3))]


def test_a_query_entry_that_is_no_record_is_one_line(tmp_path):
    path = _old_shape_manifest(tmp_path)
    raw = json.loads(path.read_text())
    raw["queries"] = [_search(3), "M8"]
    path.write_text(json.dumps(raw))
    with pytest.raises(InputError, match=r"'queries'\[1\] is not a query record .* but a str"):
        Manifest.read(path)


def test_an_old_shape_jdaviz_session_names_its_queries(tmp_path, monkeypatch):
    monkeypatch.setattr(stored, "_seen", {})
    path = tmp_path / "analysis.json"
    old = {"queries": [_search(3), _listing(3)], "server": "http://mast.example"}
    dataset = {
        "label": "IUE SWP swp54419",
        "file": {
            "dataURI": "mast:IUE/url/pub/iue/data/swp54419mxlo_vo.fits",
            "size": 10,
            "path": "IUE/swp54419mxlo_vo.fits",
        },
        "provenance": old,
    }
    path.write_text(
        json.dumps(
            {
                "schema": "glue-mast/jdaviz-session/1",
                "datasets": [dataset, dict(dataset, label="again")],
            }
        )
    )
    files = SessionFiles(path)
    assert files.queries == [_search(3), _listing(3)]
    assert full_queries(old, path) == [_search(3), _listing(3)]


def test_a_query_found_nowhere_is_one_line_naming_its_id(tmp_path, monkeypatch):
    monkeypatch.setattr(stored, "_seen", {})
    queries = [_search(3), _listing(3)]
    manifest, record = _manifest(tmp_path, queries)
    meta = provenance(record, manifest=manifest, label="L", queries=queries)
    monkeypatch.setattr(stored, "_seen", {})
    with pytest.raises(InputError, match=f"query {query_id(_search(3))} .* is not in"):
        full_queries(meta, Manifest(server=None))
    assert full_queries(meta, manifest) == queries
