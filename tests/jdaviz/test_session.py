"""Jdaviz sessions: save the datasets with provenance, the form and viewers; restore them."""

import json
from pathlib import Path

import jdaviz
import pytest

from glue_mast.errors import InputError
from glue_mast.jdaviz.loading import FILE_KEY, PROVENANCE_KEY
from glue_mast.jdaviz.session import SCHEMA, restore_session, save_session


@pytest.fixture
def loaded(app, plg):
    plg.target = "TW Hya"
    plg.criteria = {"obs_collection": "HST", "instrument_name": "COS/FUV"}
    plg.search()
    plg.select(observations=[0], products="lb4m01010_x1dsum.fits")
    plg.load_selected()
    return app


def _downloads(archive):
    return [r for r in archive.log if r.path.startswith("/api/v0.1/Download")]


def test_save_then_restore_from_the_cache(loaded, local_mast, tmp_path):
    viewer = loaded._app._viewer_store["1D Spectrum"]
    viewer.state.x_min, viewer.state.x_max = 1200.0, 1300.0
    path = save_session(loaded, tmp_path / "analysis.json")
    saved = json.loads(path.read_text())
    assert saved["schema"] == SCHEMA
    assert [d["label"] for d in saved["datasets"]] == [
        "LB4M01010 FUVA (HST COS/FUV)", "LB4M01010 FUVB (HST COS/FUV)"
    ]
    assert saved["plugin"]["search"]["target"] == "TW Hya"
    assert saved["viewers"]["1D Spectrum"]["limits"]["x_min"] == 1200.0

    local_mast.clear_log()
    restored = restore_session(path)
    assert restored is not loaded
    assert sorted(restored.datasets) == sorted(loaded.datasets)
    assert _downloads(local_mast) == []  # every file from the cache, checked by SHA-256
    meta = restored._app.data_collection["LB4M01010 FUVB (HST COS/FUV)"].meta[PROVENANCE_KEY]
    assert meta["dataset"]["dataURI"] == "mast:HST/product/lb4m01010_x1dsum.fits"
    assert meta["part"] == "FUVB"
    state = restored._app._viewer_store["1D Spectrum"].state
    assert (state.x_min, state.x_max) == (1200.0, 1300.0)
    plugin = restored.plugins["MAST Search"]._obj
    assert plugin.target == "TW Hya" and plugin.instrument_selected == "COS/FUV"


def test_restore_fetches_again_only_what_is_missing(loaded, local_mast, tmp_path):
    path = save_session(loaded, tmp_path / "analysis.json")
    record = json.loads(path.read_text())["datasets"][0]["file"]
    Path(record["path"]).unlink()
    local_mast.clear_log()
    restored = restore_session(path)
    assert [r.query.get("uri") for r in _downloads(local_mast)] == [[record["dataURI"]]]
    assert len(restored.datasets) == 2


def test_a_file_that_comes_back_with_other_bytes_is_refused(loaded, local_mast, tmp_path):
    path = save_session(loaded, tmp_path / "analysis.json")
    session = json.loads(path.read_text())
    record = session["datasets"][0]["file"]
    for saved in session["datasets"]:  # as if MAST now served other bytes under that name
        if saved["file"]["dataURI"] == record["dataURI"]:
            saved["file"]["sha256"] = "0" * 64
    path.write_text(json.dumps(session))
    Path(record["path"]).unlink()
    with pytest.raises(InputError, match="could not be fetched again with the SHA-256"):
        restore_session(path)
    assert not Path(record["path"]).exists()  # the other bytes never took the file's name


def test_a_changed_file_is_refused_at_save(loaded, tmp_path):
    with open(loaded._app.data_collection[0].meta[FILE_KEY], "ab") as f:
        f.write(b"x")
    with pytest.raises(InputError, match="is no longer the file fetched for"):
        save_session(loaded, tmp_path / "analysis.json")


def test_not_a_session(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"schema": "something else"}')
    with pytest.raises(InputError, match="is not a glue-mast Jdaviz session"):
        restore_session(path, app=jdaviz.App())


def test_a_relative_path_is_read_relative_to_the_session(
    loaded, local_mast, tmp_path, monkeypatch
):
    path = save_session(loaded, tmp_path / "work" / "analysis.json")
    session = json.loads(path.read_text())
    kept = tmp_path / "work" / "data"  # the files moved beside the session, out of the cache
    kept.mkdir()
    for saved in session["datasets"]:
        file = Path(saved["file"]["path"])
        if file.exists():
            file.rename(kept / file.name)
        saved["file"]["path"] = f"data/{file.name}"
    path.write_text(json.dumps(session))
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")  # not the session's directory
    local_mast.clear_log()
    restored = restore_session(path)
    assert _downloads(local_mast) == []
    file = restored._app.data_collection["LB4M01010 FUVA (HST COS/FUV)"].meta[FILE_KEY]
    assert file == str(kept / "lb4m01010_x1dsum.fits")


# --- a received session: it chooses neither the server nor unchecked bytes ------------------


@pytest.mark.parametrize(
    "variant", ["plain", "userinfo", "user-password", "case-and-path", "backslash"]
)
def test_restore_fetches_from_the_configured_server_and_says_so(
    loaded, local_mast, other_host, other_servers, tmp_path, variant
):
    import warnings

    from glue_mast.archive.fetch.trust import OtherServerNamed
    from glue_mast.testing import VALID_TOKEN

    path = save_session(loaded, tmp_path / "analysis.json")
    session = json.loads(path.read_text())
    for saved in session["datasets"]:
        saved["provenance"]["server"] = other_servers[variant]
        saved["file"]["dataRights"] = "EXCLUSIVE_ACCESS"  # the token goes with it
    path.write_text(json.dumps(session))
    Path(session["datasets"][0]["file"]["path"]).unlink()
    glue_mast_configure(token=VALID_TOKEN)
    local_mast.clear_log()
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        restored = restore_session(path)
    assert other_host.log == []
    [download] = _downloads(local_mast)
    assert download.headers.get("Cookie") == f"mast_token={VALID_TOKEN}"
    [note] = [str(w.message) for w in said if w.category is OtherServerNamed]
    assert note.startswith(
        f"the session analysis.json names the server {other_servers[variant]!r}; its files are"
        f" fetched from the configured server {local_mast.url}"
    )
    assert len(restored.datasets) == 2


def glue_mast_configure(**options):
    import glue_mast

    glue_mast.configure(**options)


def test_a_record_without_sha256_never_vouches_for_another_file(loaded, local_mast, tmp_path):
    """The session records no SHA-256 and the path of another product: that product is not
    loaded under the label; the file is fetched again, held to the recorded size, and the
    restore says it was not checked."""
    import warnings

    import glue_mast

    other = glue_mast.fetch(
        glue_mast.products(glue_mast.search("AU Mic").all()), tmp_path / "other"
    ).paths[0]
    path = save_session(loaded, tmp_path / "analysis.json")
    session = json.loads(path.read_text())
    real = dict(session["datasets"][0]["file"])
    Path(real["path"]).unlink()  # so that it is fetched again
    for saved in session["datasets"]:
        del saved["file"]["sha256"]
        saved["file"]["path"] = str(other)
    path.write_text(json.dumps(session))
    local_mast.clear_log()
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        restored = restore_session(path)
    for label in ("LB4M01010 FUVA (HST COS/FUV)", "LB4M01010 FUVB (HST COS/FUV)"):
        file = Path(restored._app.data_collection[label].meta[FILE_KEY])
        assert file != other and file.stat().st_size == real["size"]
        assert glue_mast.provenance.sha256_of(file) == real["sha256"]
    assert [r.query.get("uri") for r in _downloads(local_mast)] == [[real["dataURI"]]]
    [note] = [str(w.message) for w in said if w.category.__name__ == "NotChecked"]  # one file
    assert note.startswith("not checked: lb4m01010_x1dsum.fits (LB4M01010 FUVA (HST COS/FUV), ")
    assert note.endswith("the session records no SHA-256, so only its size was compared")


def test_a_record_without_sha256_or_size_is_not_restored(loaded, local_mast, tmp_path):
    path = save_session(loaded, tmp_path / "analysis.json")
    session = json.loads(path.read_text())
    for saved in session["datasets"]:
        del saved["file"]["sha256"], saved["file"]["size"]
    path.write_text(json.dumps(session))
    local_mast.clear_log()
    with pytest.raises(InputError, match="records neither its SHA-256 nor its size"):
        restore_session(path)
    assert _downloads(local_mast) == []


def test_the_session_keeps_each_query_once_and_each_dataset_names_it(
    loaded, tmp_path, monkeypatch
):
    from glue_mast.provenance import queries as stored
    from glue_mast.provenance.queries import full_queries, is_reference

    path = save_session(loaded, tmp_path / "analysis.json")
    saved = json.loads(path.read_text())
    ids = [q["id"] for q in saved["queries"]]
    assert len(set(ids)) == len(ids) == 2  # the search and the product listing, once each
    assert saved["queries"][1]["service"] == "Mast.Caom.Products"
    assert len(saved["datasets"]) == 2  # the two segments of one file, both found by them
    for dataset in saved["datasets"]:
        named = dataset["provenance"]["queries"]
        assert [q["id"] for q in named] == ids and all(is_reference(q) for q in named)
    assert path.read_text().count('"criteria_sent"') == 1
    whole = [{k: v for k, v in q.items() if k != "id"} for q in saved["queries"]]

    monkeypatch.setattr(stored, "_seen", {})  # another process
    restored = restore_session(path)
    for dataset in saved["datasets"]:
        meta = restored._app.data_collection[dataset["label"]].meta[PROVENANCE_KEY]
        assert [q["id"] for q in meta["queries"]] == ids
        assert full_queries(meta, path) == whole
        assert full_queries(meta) == whole  # read with the session
    again = json.loads(save_session(restored, tmp_path / "again.json").read_text())
    assert again["queries"] == saved["queries"]
    assert [[q["id"] for q in d["provenance"]["queries"]] for d in again["datasets"]] == [ids, ids]
