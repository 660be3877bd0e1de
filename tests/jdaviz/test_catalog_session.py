"""A Jdaviz session round trip with a catalog: restored from its saved copy (SHA-256 checked),
or asked of MAST again when the copy changed."""

import json
import warnings

import numpy as np

from glue_mast.jdaviz.catalog_session import CatalogChanged
from glue_mast.jdaviz.session import restore_session, save_session
from glue_mast.provenance.tables import record_of


def _show_gaia_around_tw_hya(app):
    cat = app.plugins["MAST Search"].catalogs
    cat.catalog, cat.target, cat.radius = "Gaia", "TW Hya", "0.05 deg"
    cat.search()
    return cat.show_on_images(), cat


def _gaia_cones(archive):
    return [r for r in archive.requests(path="/api/v0/invoke")
            if r.service == "Mast.Catalogs.GaiaDR3.Cone"]


def test_a_catalog_comes_back_from_its_checked_copy(app, local_mast, tmp_path):
    label, cat = _show_gaia_around_tw_hya(app)
    before = app._app.data_collection[label]
    path = save_session(app, tmp_path / "analysis.json")
    session = json.loads(path.read_text())
    [entry] = session["catalogs"]
    assert entry["label"] == label and entry["copy"].startswith("analysis.catalogs/")
    assert label not in session["not_restorable"]
    assert session["plugin"]["catalogs"]["catalog"] == "Gaia"

    local_mast.clear_log()
    restored = restore_session(path)
    assert _gaia_cones(local_mast) == []  # the copy, not MAST
    data = restored._app.data_collection[label]
    assert list(data["source_id"]) == list(before["source_id"])
    assert np.allclose(data["ra"], before["ra"])
    record = record_of(data)
    assert record["restored_from"] == "saved copy (SHA-256 checked)"
    assert record["query"]["target"] == "TW Hya" and record["count"] == 6
    viewers = [v for v in restored.viewers.values() if label in v.data_menu.data_labels_loaded]
    assert viewers  # shown as markers again
    form = restored.plugins["MAST Search"].catalogs
    assert (form.catalog, form.target, form.radius) == ("Gaia", "TW Hya", "0.05 deg")


def test_a_changed_copy_is_asked_of_mast_again(app, local_mast, tmp_path):
    label, _ = _show_gaia_around_tw_hya(app)
    path = save_session(app, tmp_path / "analysis.json")
    [entry] = json.loads(path.read_text())["catalogs"]
    copy = tmp_path / entry["copy"]
    copy.write_text(copy.read_text().replace("10.5", "99.5"))  # TW Hya's G magnitude

    local_mast.clear_log()
    with warnings.catch_warnings():
        warnings.simplefilter("error", CatalogChanged)  # MAST answers the same rows
        restored = restore_session(path)
    assert len(_gaia_cones(local_mast)) == 1
    data = restored._app.data_collection[label]
    assert record_of(data)["restored_from"] == "asked of MAST again"
    assert 10.5 in list(data["phot_g_mean_mag"]) and 99.5 not in list(data["phot_g_mean_mag"])
