"""glue_mast.config sits at the bottom: it imports nothing of glue-mast's, layers above follow it."""

import subprocess
import sys

import glue_mast
from glue_mast import config


def test_configure_imports_no_archive():
    code = (
        "import sys, glue_mast; "
        "glue_mast.configure(server='http://127.0.0.1:9', token='abc', timeout=3); "
        "print(glue_mast.config.settings()['token'], "
        "*sorted(m for m in sys.modules if m.startswith('glue_mast')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    token, *modules = out.stdout.split()
    assert token == "set"
    # _version exists only in an installed tree.
    assert set(modules) - {"glue_mast._version"} == {
        "glue_mast",
        "glue_mast.config",
        "glue_mast.errors",
    }


def test_token_is_held_by_config_and_read_by_auth(monkeypatch):
    from glue_mast.archive import auth

    monkeypatch.delenv("MAST_API_TOKEN", raising=False)
    try:
        glue_mast.configure(token="  secret-token ")
        assert config.explicit_token() == "secret-token"
        assert auth.token(keyring=False) == "secret-token"
        assert config.settings()["token"] == "set"
        assert "secret-token" not in repr(config.settings())
    finally:
        config.reset()
    assert config.explicit_token() is None
    assert config.settings()["token"] is None


def test_the_adapter_follows_configure(local_mast):
    import astroquery.mast as aqm
    from astroquery.mast import discovery_portal

    # Changing the server re-points astroquery at once, without a glue-mast query in between,
    # so that astroquery called directly goes there too.
    glue_mast.configure(server="http://127.0.0.1:9/")
    try:
        assert aqm.conf.server == "http://127.0.0.1:9"
        assert discovery_portal.PortalAPI.MAST_REQUEST_URL == "http://127.0.0.1:9/api/v0/invoke"
    finally:
        glue_mast.configure(server=local_mast.url)
    assert aqm.conf.server == local_mast.url


def test_listeners_hear_server_and_timeout_changes_only():
    heard = []

    def listener():
        heard.append(config.current_timeout())

    config.on_change(listener)
    config.on_change(listener)  # registered once
    try:
        config.configure(timeout=7)
        config.configure(download_dir="elsewhere")
        config.reset()
        assert heard == [7.0, 120.0]
    finally:
        config._listeners.remove(listener)
        config.reset()
