"""What MAST says of a token: astroquery's ``session_info`` (``GET {server}/whoami``)."""

from __future__ import annotations

import requests

from ... import config
from ...errors import ServerError
from ..mast_http import MastAdapter, retry_policy
from .connection import apply
from .failures import astroquery_call

__all__ = ["token_status"]

#: Fields of MAST's ``/whoami`` answer that may say when the token or session ends.
_EXPIRY_FIELDS = ("expires", "expiration", "expiration_date", "expires_at", "exp")


def token_status(token):
    """What MAST says of ``token``: astroquery's ``session_info`` (``GET {server}/whoami``).

    The token goes only to the configured server's ``/whoami`` (a cookie bound to that host,
    on a session of its own, so no other request of this process carries it), and it is not
    part of what is returned (MAST's answer echoes it; that field is dropped).

    Parameters
    ----------
    token : str
        The MAST API token to ask about.

    Returns
    -------
    dict
        ``accepted`` (bool: MAST knows the token), ``user`` (the name MAST gives, or ""),
        ``scopes`` (list of str, e.g. ``"mast:exclusive_access"``) and ``expires`` (when MAST
        says the token or its session ends, or None: MAST's ``/whoami`` may not say).
    """
    from astroquery.mast.auth import MastAuth

    from .. import auth

    apply()
    server = config.current_server()
    url = server + "/whoami"
    if not auth.token_allowed(url, server):  # pragma: no cover - url is built on server
        raise ServerError(f"refusing to send the token to {url}")
    timeout = config.current_timeout()
    session = requests.Session()
    session.trust_env = False  # no netrc or proxy credentials beside the token
    mounted = MastAdapter(timeout, retry_policy(config.conf.retries, timeout))
    session.mount("http://", mounted)
    session.mount("https://", mounted)
    host = auth.origin(server)[1]
    session.cookies.set("mast_token", token, domain=host, path="/")
    who = MastAuth(session)
    who.SESSION_INFO_URL = url
    try:
        with astroquery_call("asking MAST about the token"):
            info = who.session_info(verbose=False)
    finally:
        session.close()
    if not isinstance(info, dict):
        raise ServerError(f"MAST at {server} answered /whoami with no user record")
    attrib = info.get("attrib") or {}
    session_info = info.get("session") if isinstance(info.get("session"), dict) else {}
    expires = next(
        (
            record[name]
            for record in (info, attrib, session_info)
            for name in _EXPIRY_FIELDS
            if record.get(name)
        ),
        None,
    )
    accepted = info.get("anon") is False
    return {
        "accepted": accepted,
        "user": str(attrib.get("display_name") or info.get("ezid") or "") if accepted else "",
        "scopes": [str(s) for s in info.get("scopes") or []],
        "expires": expires,
    }
