"""glue-mast whoami: what MAST says of the token in force, never the token itself."""

import json

import pytest

from glue_mast.archive.astroquery_adapter import token_status
from glue_mast.cli import main
from glue_mast.testing import VALID_TOKEN


@pytest.fixture
def run(local_mast, capsys, monkeypatch):
    monkeypatch.delenv("MAST_API_TOKEN", raising=False)

    def run(*args):
        status = main([str(a) for a in args] + ["--server", local_mast.url])
        out, err = capsys.readouterr()
        return status, out, err

    return run


def test_an_accepted_token_shows_its_user_and_rights_not_itself(run, local_mast, monkeypatch):
    monkeypatch.setenv("MAST_API_TOKEN", VALID_TOKEN)
    status, out, err = run("whoami")
    assert status == 0 and err == ""
    assert f"MAST at {local_mast.url} accepts the token." in out
    assert "user:             Local Archive User" in out
    assert "exclusive access: yes" in out
    assert "expires:          MAST does not say" in out
    assert VALID_TOKEN not in out
    [request] = local_mast.requests(path="/whoami")
    assert f"mast_token={VALID_TOKEN}" in request.headers.get("Cookie", "")


def test_json_says_the_same(run, monkeypatch):
    monkeypatch.setenv("MAST_API_TOKEN", VALID_TOKEN)
    status, out, _ = run("whoami", "--format", "json")
    assert status == 0
    assert json.loads(out) == {
        "token_set": True,
        "accepted": True,
        "user": "Local Archive User",
        "scopes": ["mast:user:info", "mast:exclusive_access"],
        "expires": None,
    }
    assert VALID_TOKEN not in out


def test_a_token_mast_does_not_know_exits_1(run, monkeypatch):
    monkeypatch.setenv("MAST_API_TOKEN", "made-up-token")
    status, out, err = run("whoami")
    assert status == 1
    assert "does not accept the token (unknown, revoked or expired)" in out
    assert "made-up-token" not in out + err


def test_no_token_asks_nothing_and_exits_1(run, local_mast):
    status, out, _ = run("whoami")
    assert status == 1
    assert out.startswith("no MAST token is set: set MAST_API_TOKEN")
    assert local_mast.requests(path="/whoami") == []


def test_the_token_goes_to_no_other_request_of_the_process(local_mast):
    import glue_mast

    glue_mast.configure(server=local_mast.url)
    assert token_status(VALID_TOKEN)["accepted"] is True
    local_mast.clear_log()
    glue_mast.search("TW Hya").count  # astroquery's own session carries no token after it
    assert local_mast.log
    assert not [r for r in local_mast.log if "mast_token" in r.headers.get("Cookie", "")]
