"""What MAST says of the token in force, for the viewers' exclusive-access notes."""

import time

import glue_mast
from glue_mast.state import TokenState
from glue_mast.state.token import token_note
from glue_mast.testing import VALID_TOKEN


def test_an_accepted_token_says_its_user_rights_and_expiry_never_itself(local_mast, settle):
    glue_mast.configure(token=VALID_TOKEN)
    state = TokenState()
    state.check()
    settle(state)
    assert state.text == (
        "MAST token of Local Archive User: exclusive access, MAST does not say when it expires."
    )
    assert state.status["accepted"] and VALID_TOKEN not in repr(state.status)
    # (Jdaviz plugins left by earlier tests may ask about the new token too.)
    requests = local_mast.requests(path="/whoami")
    assert requests
    assert all(f"mast_token={VALID_TOKEN}" in r.headers.get("Cookie", "") for r in requests)


def test_a_token_mast_does_not_know_says_to_make_a_new_one(local_mast, settle):
    glue_mast.configure(token="made-up-token")
    state = TokenState()
    state.check()
    settle(state)
    assert state.text.startswith("MAST does not accept the MAST token set (unknown, revoked")
    assert "made-up-token" not in state.text + repr(state.status)


def test_no_token_asks_nothing(local_mast, settle):
    state = TokenState()
    state.check()
    settle(state)
    assert (state.text, state.status) == ("No MAST token is set.", None)
    assert local_mast.requests(path="/whoami") == []


def test_an_expiry_mast_gives_is_said():
    status = {"accepted": True, "user": "A. Astronomer", "scopes": [], "expires": "2027-01-31"}
    assert token_note(status) == (
        "MAST token of A. Astronomer: no exclusive-access rights, expires 2027-01-31."
    )


def test_an_older_answer_does_not_land_over_a_newer_one(local_mast, settle, monkeypatch):
    """A token set again before MAST answered about the first: the first answer, coming last,
    is dropped."""
    import threading

    from glue_mast.archive import auth

    jobs, known, release = {}, threading.Event(), threading.Event()
    own_token = auth.token

    def token():  # the first check's job reads the first token, then waits to be released
        value = own_token()
        known.wait(5)
        if threading.current_thread() is getattr(jobs.get("first"), "_thread", None):
            release.wait(30)
        return value

    monkeypatch.setattr(auth, "token", token)
    glue_mast.configure(token=VALID_TOKEN)
    state = TokenState()
    jobs["first"] = first = state.check()
    known.set()
    glue_mast.configure(token="made-up-token")
    state.check().result()  # the default dispatch lands its answer at once
    assert state.text.startswith("MAST does not accept") and state.busy  # the first waits
    release.set()
    assert first.result()["accepted"]  # MAST accepted the first token, but too late
    settle(state)
    assert state.text.startswith("MAST does not accept")
