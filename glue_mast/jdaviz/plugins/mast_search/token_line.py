"""What MAST says of the MAST token, beside the plugin's note on exclusive-access files.

Shown when a token is set and exclusive-access files are selected ("MAST token of A. User:
exclusive access, expires 2027-01-31", or that MAST does not accept it), so that a person
learns before a download whether the files will come. MAST is asked once per token, in a
`~glue_mast.state.TokenState` job (never on the kernel's thread), and again when another token
is given (told apart by a digest held in memory); the token itself is never shown.
"""

from __future__ import annotations

from .... import config
from ....state.token import ASKING, token_line

__all__ = ["ASKING", "TokenLine"]

_NEVER = object()


def _digest(token):
    """What tells one token from another here without holding it (None for no token given:
    one from ``MAST_API_TOKEN`` or astroquery's keyring, which do not change meanwhile)."""
    import hashlib

    return None if token is None else hashlib.sha256(token.encode()).digest()


class TokenLine:
    """Keeps ``plugin.token_text`` saying what MAST says of the token in force (or "").

    Parameters
    ----------
    plugin : `~glue_mast.jdaviz.plugins.mast_search.plugin.MastSearch`
        Its ``product_state`` (what is selected, whether a token is set) and ``token_state``
        (what MAST said; the notebook's ``token_status()`` uses it too).
    """

    def __init__(self, plugin):
        self.plugin = plugin
        self.products = plugin.product_state
        self.token_state = plugin.token_state
        self._asked_about = _NEVER  # which token MAST was last asked about (its digest)
        for name in ("exclusive", "token_set"):
            self.products.add_callback(name, self._show)
        for name in ("text", "busy", "error"):
            self.token_state.add_callback(name, self._show)
        config.on_token_change(self._token_given)  # held weakly: the plugin holds this
        self._show()

    def _wanted(self):
        return bool(self.products.exclusive and self.products.token_set)

    def _token_given(self):
        # Another token, or none (from any thread): what MAST said may be of the last one.
        self.plugin._dispatch(self._show)

    def _ask(self, token):
        self._asked_about = token  # first: the job's own callbacks come back here
        self.token_state.text = ""
        self.plugin.token_text = ASKING
        self.plugin._start_safely(self.token_state.check)

    def _show(self, *_):
        if not self._wanted():
            self.plugin.token_text = ""
            return
        token = _digest(config.explicit_token())
        if token != self._asked_about:  # once per token, however many changes announce it
            self._ask(token)
            return
        self.plugin.token_text = token_line(self.token_state)
