"""What MAST says of the MAST token in force, for the front ends' exclusive-access notes.

The CLI's ``glue-mast whoami`` asks the same (`glue_mast.archive.astroquery_adapter.
token_status`, astroquery's ``session_info``). The token itself is never part of what is held
or shown here.
"""

from __future__ import annotations

from echo import CallbackProperty

from .base import JobState, ObjectProperty

__all__ = ["ASKING", "TokenState", "token_line", "token_note"]

#: Where MAST tokens are made.
TOKEN_PAGE = "https://auth.mast.stsci.edu/token"


def token_note(status):
    """One line on what MAST said of the token (``status`` from ``token_status``, None when
    no token is set)."""
    if status is None:
        return "No MAST token is set."
    if not status["accepted"]:
        return (
            "MAST does not accept the MAST token set (unknown, revoked or expired): make a new "
            f"one at {TOKEN_PAGE}."
        )
    rights = "exclusive access" if "mast:exclusive_access" in status["scopes"] else (
        "no exclusive-access rights"
    )
    expires = (
        f"expires {status['expires']}"
        if status["expires"]
        else "MAST does not say when it expires"
    )
    return f"MAST token of {status['user'] or 'an unnamed user'}: {rights}, {expires}."


#: What a front end's token line says while MAST is being asked.
ASKING = "Asking MAST about the token\N{HORIZONTAL ELLIPSIS}"


def token_line(state):
    """The line a front end shows beside its exclusive-access note, from ``state`` (a
    :class:`TokenState` asked about the token in force): what MAST said, that it could not be
    asked, or :data:`ASKING`."""
    if state.text:
        return state.text
    if state.error and not state.busy:
        return f"Could not ask MAST about the token: {state.error}"
    return ASKING


class TokenState(JobState):
    """What MAST says of the token in force: ``status`` (a dict: ``accepted``, ``user``,
    ``scopes``, ``expires``; None when no token is set or before a check), ``text`` (one
    line: :func:`token_note`), ``busy``, ``error``.

    :meth:`check` asks MAST (``GET {server}/whoami``, the token going to the configured server
    only) in a background job; the keyring is read there too, as it may wait on a prompt.
    """

    status = ObjectProperty(None, docstring="What MAST said of the token (a dict), or None")
    text = CallbackProperty("", docstring="One line saying it ('' before a check)")

    def check(self):
        """Ask MAST about the token in force; returns the `~glue_mast.jobs.Job`."""

        def work(job):
            from ..archive.whoami import token_status_in_force

            return token_status_in_force()

        def land(status):
            self.status = status
            self.text = token_note(status)

        # Asked again (another token set) before MAST answered: only the newest answer lands.
        self._asked = ticket = self._new_ticket()
        return self._start(
            work, name="ask MAST about the token", land=land,
            is_current=lambda: self._asked == ticket,
        )
