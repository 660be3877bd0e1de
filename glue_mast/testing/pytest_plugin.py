"""pytest fixtures for the local archive: ``pytest_plugins = ["glue_mast.testing.pytest_plugin"]``.

- ``mast_archive``: one :class:`~glue_mast.testing.LocalArchive` for the test session;
- ``local_mast``: that archive with glue-mast (and astroquery through it) pointed at it, its
  faults and request log reset, astroquery's per-process column-config cache cleared, the
  token environment emptied, and a download cache of its own, for each test. Everything is
  restored afterwards;
- ``local_cloud``: ``local_mast`` with MAST's cloud copy served too (moto's S3 server,
  started once per session) and boto3 pointed at it (``AWS_ENDPOINT_URL_S3``), its request
  log cleared; yields the :class:`~glue_mast.testing.cloud.LocalCloud`.
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def mast_archive():
    from . import LocalArchive

    with LocalArchive() as archive:
        yield archive


@pytest.fixture
def local_mast(mast_archive, monkeypatch, tmp_path_factory):
    from .. import config
    from ..archive import astroquery_adapter as adapter

    for name in ("MAST_API_TOKEN", "GLUE_MAST_SERVER", "GLUE_MAST_TIMEOUT", "GLUE_MAST_CACHE_DIR"):
        monkeypatch.delenv(name, raising=False)
    mast_archive.reset()
    adapter.forget_column_configs()
    config.reset()
    # Each test gets its own download cache, so that no test finds another's files (or the
    # user's) already fetched.
    cache = tmp_path_factory.mktemp("glue-mast-cache")
    config.configure(server=mast_archive.url, timeout=30, cache_dir=cache)
    adapter.apply()
    mast_archive.clear_log()
    yield mast_archive
    mast_archive.reset()
    config.reset()
    adapter.forget_column_configs()


@pytest.fixture
def local_cloud(local_mast, monkeypatch):
    cloud = local_mast.start_cloud()
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    for name, value in cloud.environ().items():
        monkeypatch.setenv(name, value)
    cloud.clear_log()
    yield cloud
    cloud.clear_log()
