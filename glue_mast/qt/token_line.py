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

from .. import config
from ..state import TokenState
from ..state.token import ASKING, token_line

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
        self._stale = True  # MAST has not been asked about the token in force
        # One question however many changes come together (a token given flips token_set
        # too): asked at the next turn of the event loop.
        self._ask_timer = QtCore.QTimer(self)
        self._ask_timer.setSingleShot(True)
        self._ask_timer.setInterval(0)
        self._ask_timer.timeout.connect(self._ask)
        add_callback(products, "exclusive", self._show)
        add_callback(products, "token_set", self._show)
        for name in ("text", "busy", "error"):
            add_callback(self.token_state, name, self._show)
        config.on_token_change(self._token_given)  # held weakly
        self.hide()
        self._show()

    def _wanted(self):
        return bool(self.products.exclusive and self.products.token_set)

    def _token_given(self):
        # Another token, or none (from any thread): what MAST said was of the last one.
        self.products.dispatch(self._forget_answer)

    def _forget_answer(self):
        self._stale = True
        self._show()

    def _ask(self):
        if self._stale and self._wanted():
            self._stale = False
            self.token_state.text = ""
            self.token_state.check()

    def _show(self, *_):
        if not self._wanted():
            self.hide()
            return
        if self._stale:
            self._ask_timer.start()
            text = ASKING
        else:
            text = token_line(self.token_state)
        self.setText(text)
        self.setToolTip(text)
        self.show()
