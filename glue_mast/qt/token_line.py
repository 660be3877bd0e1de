"""The line beside the exclusive-access note saying what MAST says of the MAST token in force.

Shown when a token is set and exclusive-access files are selected: "MAST token of A. User:
exclusive access, expires 2027-01-31", or that MAST does not accept it, so that a person
learns before a download whether the files will come. MAST is asked once (in a
`~glue_mast.state.TokenState` job, never on the GUI thread), and again when a token is given
later; the token itself is never shown.
"""

from __future__ import annotations

from echo import add_callback
from qtpy import QtCore, QtWidgets

from ..state import TokenState

__all__ = ["TokenLine"]


class TokenLine(QtWidgets.QLabel):
    """What MAST says of the token (objectName ``token_status``), beside the note on the
    selected exclusive-access files of ``products`` (a `~glue_mast.state.ProductState`).

    Attributes
    ----------
    token_state : `~glue_mast.state.TokenState`
        What MAST said (its ``text``); a new one, using ``products``' dispatch, unless given.
    """

    def __init__(self, products, token_state=None, parent=None):
        super().__init__(parent)
        self.setObjectName("token_status")
        self.setWordWrap(True)
        self.setTextInteractionFlags(QtCore.Qt.TextSelectableByMouse)
        self.setStyleSheet(
            "background: #fff3cd; border: 1px solid #e0c97a; border-top: none; padding: 3px;"
        )
        self.products = products
        self.token_state = token_state or TokenState(dispatch=products.dispatch)
        self._asked = False  # MAST was asked about the token in force
        add_callback(products, "exclusive", self._show)
        add_callback(products, "token_set", self._token_changed)
        for name in ("text", "busy", "error"):
            add_callback(self.token_state, name, self._show)
        self.hide()
        self._show()

    def _token_changed(self, token_set):
        self._asked = False  # another token (or none): what MAST said was of the last one
        self._show()

    def _show(self, *_):
        products, token = self.products, self.token_state
        if not (products.exclusive and products.token_set):
            self.hide()
            return
        if not self._asked:
            self._asked = True
            token.text = ""
            token.check()
        if token.text:
            text = token.text
        elif token.error:
            text = f"Could not ask MAST about the token: {token.error}"
        else:
            text = "Asking MAST about the token\N{HORIZONTAL ELLIPSIS}"
        self.setText(text)
        self.setToolTip(text)
        self.show()
