"""What MAST says of the MAST token in force (astroquery's ``session_info``), never the token."""

from __future__ import annotations

__all__ = ["token_status_in_force"]


def token_status_in_force():
    """What MAST says of the token in force, or None when no token is set.

    The dict of `glue_mast.archive.astroquery_adapter.token_status` (``accepted``, ``user``,
    ``scopes``, ``expires``). The token goes to the configured MAST server's ``/whoami`` only.
    Reading astroquery's keyring entry can wait on a prompt: call this in a background job.
    """
    from . import auth
    from .astroquery_adapter import token_status

    given = auth.token()
    return None if not given else token_status(given)
