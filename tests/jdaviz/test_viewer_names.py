"""A cube's uncertainty and mask viewers are named as the load asks: "Uncertainty", "Mask"."""

import pytest

from glue_mast.jdaviz import viewer_names
from glue_mast.jdaviz.loading import DERIVED_KEY

from .test_kinds import S3D, _jwst_page, _label_of, _viewer_of


def _names(app):
    private = app._app
    return [private._viewer_item_by_id(vid).get("name") for vid in private._viewer_store]


def _derived(app, label, suffix):
    return next(d.label for d in app._app.data_collection
                if d.meta.get(DERIVED_KEY) == label and d.label.endswith(suffix))


def test_a_cubes_uncertainty_and_mask_viewers_are_named_so(app, plg, local_mast):
    assert viewer_names.installed()
    _jwst_page(plg).select(products=[S3D])
    plg.load_selected()
    assert "not loaded" not in plg.message, plg.message
    names = _names(app)
    assert "Uncertainty" in names and "Mask" in names
    assert not any(name.startswith("3D Spectrum (") for name in names), names
    cube = _label_of(app, S3D)
    assert _viewer_of(app, _derived(app, cube, "[UNC]")).reference == "Uncertainty"
    assert _viewer_of(app, _derived(app, cube, "[MASK]")).reference == "Mask"
    assert "Uncertainty" in app.viewers and "Mask" in app.viewers


def test_without_the_wrapper_jdaviz_renames_them(app, plg, local_mast, monkeypatch):
    """The setting off: Jdaviz's own method, which loses the names (what the wrapper fixes)."""
    import glue_mast

    monkeypatch.setattr(glue_mast.conf, viewer_names.SETTING, False)
    try:
        assert viewer_names.install() is False
        assert not viewer_names.installed()
        _jwst_page(plg).select(products=[S3D])
        plg.load_selected()
        names = _names(app)
        assert "Uncertainty" not in names and "3D Spectrum (1)" in names
    finally:
        monkeypatch.undo()
        assert viewer_names.install() is True


def test_the_wrapper_is_made_only_for_the_code_it_was_written_for(monkeypatch, caplog):
    pytest.importorskip("jdaviz")
    viewer_names.uninstall()
    try:
        monkeypatch.setattr(viewer_names, "JDAVIZ_SETATTR_SHA256", "0" * 64)
        assert viewer_names.install() is False
        assert not viewer_names.installed()
        assert "UserApiWrapper.__setattr__" in caplog.text
    finally:
        monkeypatch.undo()
        assert viewer_names.install() is True
