"""Which server a re-fetch of received records goes to: the one rule, in one place.

A manifest or a session is input from someone else (a colleague, a download, an attacker). It
records the server its files came from, but a file that could choose where glue-mast sends
its requests could choose who receives the MAST token. So re-fetching what a manifest or a
session lists (``reproduce``, restoring a session) goes to the server the user chose: the
``server`` argument (``--server`` on the command line) when given, else the configured one
(:func:`glue_mast.configure`, ``GLUE_MAST_SERVER``, ``glue_mast.cfg``). When the records name
another server, one warning (:class:`OtherServerNamed`) says so, and how to fetch from it on
purpose. The token then goes only to that server's origin (`glue_mast.archive.auth.token_allowed`),
redirects included.
"""

from __future__ import annotations

import warnings

from ... import config

__all__ = ["OtherServerNamed", "choose_server"]

#: The longest a server named by a file is shown in the warning.
_SHOWN_CHARS = 120


class OtherServerNamed(UserWarning):
    """A manifest or session names another server than the one its files are fetched from."""


def _shown(text):
    """A file's text, safe to show on one line: quoted, escaped, and cut short."""
    shown = repr(str(text))
    return shown if len(shown) <= _SHOWN_CHARS else shown[: _SHOWN_CHARS - 4] + "...'"


def _same(named, chosen):
    try:
        return config.normalise_server(named).casefold() == chosen.casefold()
    except Exception:  # not even a URL: certainly not the chosen server
        return False


def choose_server(named=None, explicit=None, *, source="the manifest"):
    """The server to re-fetch the files of ``source`` from: never one a file names.

    Parameters
    ----------
    named : str or sequence of str, optional
        The server(s) the manifest or session records.
    explicit : str, optional
        A server the user gave for this call (``server=``, ``--server``): used as given.
    source : str
        What named it, for the warning ("the manifest", "the session").

    Returns
    -------
    str
        ``explicit`` (checked as :func:`glue_mast.configure` checks a server), else the
        configured server.

    Warns
    -----
    OtherServerNamed
        Once, when no server is given and ``source`` names another than the configured one.

    Raises
    ------
    InputError
        ``explicit`` is not an http(s) URL of a plain host (see :func:`glue_mast.configure`).
    """
    if explicit is not None:
        return config.normalise_server(explicit)
    chosen = config.current_server()
    names = [named] if isinstance(named, str) else list(named or [])
    others = [n for n in names if n and not _same(n, chosen)]
    if others:
        listed = ", ".join(_shown(n) for n in others[:3]) + (", ..." if len(others) > 3 else "")
        warnings.warn(
            f"{source} names the server {listed}; its files are fetched from the configured "
            f"server {chosen} (a file never chooses where the MAST token goes): give the "
            "server explicitly (server=..., --server) to fetch from another",
            OtherServerNamed,
            stacklevel=3,
        )
    return chosen
