"""Where the MAST token comes from, and the one rule about where it may go.

The token lives in this process's memory only (:mod:`glue_mast.config` holds it). It comes
from :func:`glue_mast.configure`, else ``MAST_API_TOKEN``, else astroquery's keyring entry
(``Observations.login(..., store_token=True)`` puts it there). It is sent only to the
configured MAST server's own host, never to another host, also not on a redirect, and never
written to a file, log, manifest, session or error message (:func:`redact` scrubs it from any
text that might carry it).
"""

from __future__ import annotations

import os
import urllib.parse

from .. import config

__all__ = ["origin", "parsers_disagree", "redact", "token", "token_allowed", "token_in_force"]

_keyring_checked = False
_keyring_token = None

# astroquery.mast.auth stores the token under this service and user name.
_KEYRING_SERVICE = "astroquery:mast.stsci.edu.token"
_KEYRING_USER = "masttoken"


def token(keyring=True):
    """The token in force, or ``None``; ``keyring=False`` skips astroquery's keyring entry."""
    explicit = config.explicit_token()
    if explicit:
        return explicit
    env = os.environ.get("MAST_API_TOKEN", "").strip()
    if env:
        return env
    return _from_keyring() if keyring else None


def token_in_force(*, read_keyring=True):
    """Whether a token is in force (never the token itself).

    With ``read_keyring=False`` this never waits: astroquery's keyring entry counts only once
    an earlier call has read it (reading a system keyring can wait on a password prompt, so a
    front end reads it in a background job and asks without reading on its own thread).
    """
    if config.explicit_token() or os.environ.get("MAST_API_TOKEN", "").strip():
        return True
    if read_keyring or _keyring_checked:
        return bool(_from_keyring())
    return False


def keyring_read():
    """Whether astroquery's keyring entry has been read in this process."""
    return _keyring_checked


def _from_keyring():
    global _keyring_checked, _keyring_token
    if not _keyring_checked:
        _keyring_checked = True
        try:
            import keyring

            _keyring_token = keyring.get_password(_KEYRING_SERVICE, _KEYRING_USER) or None
        except Exception:
            _keyring_token = None
    return _keyring_token


def origin(url):
    """``(scheme, host, port)`` of ``url`` as the request would be sent, or None if unsendable.

    Judged on the URL as ``requests`` prepares it (with urllib3's parser), which is where the
    connection goes; not as :mod:`urllib.parse` reads the text, which can disagree (a
    backslash before an ``@``: ``http://b:1\\@a:2/`` is host ``a`` to urllib.parse and ``b`` to
    urllib3).
    """
    import requests
    from urllib3.util import parse_url

    try:
        prepared = requests.Request("GET", url).prepare().url
        parsed = parse_url(prepared)
    except (requests.RequestException, ValueError):
        return None
    scheme = (parsed.scheme or "").lower()
    port = parsed.port or {"http": 80, "https": 443}.get(scheme)
    return scheme, (parsed.host or "").lower().strip("[]"), port


def parsers_disagree(url):
    """Whether :mod:`urllib.parse` and the sending parser see another host in ``url``."""
    sent = origin(url)
    try:
        split = urllib.parse.urlsplit(url)
        scheme = split.scheme.lower()
        port = split.port or {"http": 80, "https": 443}.get(scheme)
        seen = (scheme, (split.hostname or "").lower(), port)
    except ValueError:
        return True
    return sent is None or sent != seen


def token_allowed(url, server):
    """Whether a request to ``url`` may carry the token: only to the MAST server's origin.

    A URL whose host the parsers read differently never may.
    """
    return not parsers_disagree(url) and origin(url) == origin(server)


def redact(text):
    """``text`` with the token (if any) replaced, for messages that might quote a request.

    It never reads the keyring itself: a token no one here has read from it cannot be in a
    message (and a Dask worker, which redacts its transfers' messages, has no business with
    its machine's keyring, nor waiting on its password prompt).
    """
    secret = token(keyring=_keyring_checked)
    text = str(text)
    return text.replace(secret, "<token>") if secret else text
