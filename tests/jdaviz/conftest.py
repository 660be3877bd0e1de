"""Fixtures for the Jdaviz front end: a headless app with glue-mast's plugin, in a scratch dir."""

import pytest

jdaviz = pytest.importorskip("jdaviz")  # the test extra installs it; CI runs these tests


@pytest.fixture
def app(local_mast, tmp_path, monkeypatch):
    """A fresh ``jdaviz.App()`` against the local archive; downloads go under ``tmp_path``."""
    import glue_mast

    monkeypatch.chdir(tmp_path)
    glue_mast.configure(download_dir=tmp_path / "mast_data", cache_dir=tmp_path / "cache")
    return jdaviz.App()


@pytest.fixture
def plg(app):
    """The app's MAST Search plugin, through its public API."""
    return app.plugins["MAST Search"]
