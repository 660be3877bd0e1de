"""The ``local_mast`` fixture: every test starts from the same place."""

from pathlib import Path

from glue_mast import config


def test_each_test_has_a_download_cache_of_its_own(local_mast, tmp_path_factory):
    cache = Path(config.current_cache_dir())
    assert cache.is_relative_to(tmp_path_factory.getbasetemp())
    assert not cache.exists() or not any(cache.iterdir())
    assert config.current_server() == local_mast.url
    assert local_mast.log == []
