"""A dataset's provenance names the searches of its own load, never a shared cache's history."""

import glue_mast
from glue_mast import config
from glue_mast.glue.session import session_manifest
from glue_mast.provenance.queries import full_queries

PRODUCTS = "Mast.Caom.Products"


def _searches(meta):
    return [q for q in full_queries(meta) if q.get("service") != PRODUCTS]


def _fetch(target, cache, **criteria):
    observations = glue_mast.search(target, **criteria).all()
    return glue_mast.fetch(glue_mast.products(observations), cache)


def _cos(loaded):
    cos = [d for d in loaded if d.label.endswith("(HST COS/FUV)")]
    assert cos, [d.label for d in loaded]
    return cos


def test_a_cached_file_names_the_search_that_loaded_it_and_no_other(local_mast, tmp_path):
    cache = config.current_cache_dir()
    first = _fetch("TW Hya", cache)  # every collection: the COS files among them
    assert any(p.name.startswith("lb4m") for p in first.paths)
    second = _fetch("TW Hya", cache, obs_collection="HST", instrument_name="COS/FUV")
    assert second.cached and not second.downloaded  # each file was in the cache already
    loaded = glue_mast.load(second)
    for data in _cos(loaded):
        meta = data.meta["glue_mast"]
        (search,) = _searches(meta)
        assert search["criteria_given"] == {"obs_collection": "HST", "instrument_name": "COS/FUV"}
        (listing,) = [q for q in full_queries(meta) if q.get("service") == PRODUCTS]
        assert str(meta["dataset"]["obsid"]) in listing["obsids"]
        # the file's own fetch record, kept apart: when, from where, size, sha256, DOI
        fetched = meta["fetch"]
        assert fetched["server"] == local_mast.url
        assert fetched["dataURI"] == meta["dataset"]["dataURI"]
        assert fetched["size"] == meta["dataset"]["size"] and len(fetched["sha256"]) == 64
        assert fetched["downloaded"] and "doi" in fetched
    # the cache's own manifest keeps both searches; no dataset sees the first
    assert len([q for q in second.manifest.queries if q.get("service") != PRODUCTS]) == 2
    assert all(_searches(d.meta["glue_mast"])[0]["criteria_given"] for d in loaded)


def test_a_second_user_of_the_cache_sees_none_of_the_first_users_searches(local_mast, tmp_path):
    cache = config.current_cache_dir()
    # user A: the HST COS search, loaded
    _fetch("TW Hya", cache, obs_collection="HST", instrument_name="COS/FUV")
    # user B: all of TW Hya, into the same cache, then a session saved
    result = _fetch("TW Hya", cache)
    loaded = glue_mast.load(result)
    for data in loaded:
        for search in _searches(data.meta["glue_mast"]):
            assert "criteria_given" not in search or not search["criteria_given"], search
    manifest = session_manifest(loaded.data_collection, cache / "analysis.provenance.json")
    assert [q for q in manifest.queries if q.get("service") != PRODUCTS] == [
        result.queries[0]
    ]
    # a file of the cache opened by itself (glue's File menu) names no search at all: the
    # cache's manifest holds everyone's
    alone = glue_mast.load([_cos(loaded)[0]._load_log.path])[0]
    assert alone.meta["glue_mast"]["queries"] == []
    assert alone.meta["glue_mast"]["dataset"]["dataURI"].startswith("mast:HST/")


def test_a_record_with_no_sha256_is_loaded_as_not_checked_never_as_verified(
    local_mast, tmp_path
):
    import json

    from glue_mast.io.sinks import LoadOutcome, _unchecked

    result = _fetch("TW Hya", tmp_path, obs_collection="IUE")
    fresh = glue_mast.load(result)
    assert fresh and all(d.meta["glue_mast"]["fetch"]["checked"] == "sha256" for d in fresh)
    assert _unchecked(list(fresh)) == []
    # a manifest from elsewhere whose records hold no SHA-256
    raw = json.loads(result.manifest.path.read_text())
    for record in raw["datasets"]:
        del record["sha256"]
    result.manifest.path.write_text(json.dumps(raw))
    loaded = glue_mast.load(result.manifest.path)
    assert loaded
    assert all(d.meta["glue_mast"]["fetch"]["checked"] == "not checked" for d in loaded)
    names = _unchecked(list(loaded))
    assert sorted(names) == sorted(p.name for p in result.paths)
    summary = LoadOutcome(unchecked=names).summary()
    assert f"{len(names)} files not checked (no SHA-256 recorded): " in summary
