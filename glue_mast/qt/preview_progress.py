"""The line under the preview while it is made: how much of the file has come, and Cancel.

Bound to a `~glue_mast.state.PreviewState`: its ``fraction`` fills a small bar, its ``status``
("x1d.fits: 12.0 kB of 342.7 kB") is said beside it, and Cancel stops the fetch (what arrived
is kept in the download cache, so clicking the product again goes on from there). The
state's own time limit (``PreviewState.timeout``) stops a preview that does not come.
"""

from __future__ import annotations

from echo import add_callback
from qtpy import QtCore, QtWidgets

__all__ = ["PreviewProgress", "preview_running"]


def preview_running(state):
    """Whether ``state`` is making a preview that was not cancelled.

    While a preview is made its ``status`` or ``fraction`` says how far it is; cancelling
    clears both at once, though the job may take a moment to stop (``busy`` until then).
    """
    return bool(state.busy and (state.status or state.fraction))


class PreviewProgress(QtWidgets.QWidget):
    """A bar, the fetch's status and Cancel (objectNames ``preview_progress``,
    ``preview_status``, ``preview_cancel_button``); :func:`preview_footer` shows it while a
    preview is made."""

    def __init__(self, state, parent=None):
        super().__init__(parent)
        self.setObjectName("preview_progress_row")
        self.state = state
        self.bar = QtWidgets.QProgressBar()
        self.bar.setObjectName("preview_progress")
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setFixedWidth(60)
        self.status = QtWidgets.QLabel()
        self.status.setObjectName("preview_status")
        self.status.setSizePolicy(QtWidgets.QSizePolicy.Ignored, QtWidgets.QSizePolicy.Preferred)
        self.cancel_button = QtWidgets.QToolButton()
        self.cancel_button.setObjectName("preview_cancel_button")
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip(
            "Stop this preview; what arrived is kept, so clicking the file again goes on"
        )
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar)
        layout.addWidget(self.status, 1)
        layout.addWidget(self.cancel_button)
        self.cancel_button.clicked.connect(self.cancel)
        for name in ("busy", "fraction", "status"):
            add_callback(state, name, self._show)
        self._show()

    def cancel(self):
        """Stop the preview on its way (the plot says it was cancelled)."""
        self.state.cancel()

    def running(self):
        """Whether a preview is being made (and was not cancelled)."""
        return preview_running(self.state)

    def _show(self, *_):
        state = self.state
        self.bar.setValue(round(1000 * min(1.0, float(state.fraction or 0.0))))
        text = state.status or ("Reading the file\N{HORIZONTAL ELLIPSIS}" if state.fraction else "")
        self.status.setToolTip(text)
        self._fit_status()

    def _fit_status(self):
        """The status in the width there is: a long file name shortened in its middle, or
        left out in a narrow preview; the amounts ("12.0 kB of 342.7 kB") always whole (the
        tooltip has it all)."""
        text = self.status.toolTip()
        name, sep, amount = text.rpartition(": ")
        metrics = self.status.fontMetrics()
        room = self.status.width() - metrics.horizontalAdvance(sep + amount) - 4
        if sep and metrics.horizontalAdvance(name) > room:
            if room < metrics.horizontalAdvance("0" * 16):
                text = amount  # too little of the name would show: it is the row clicked
            else:
                text = metrics.elidedText(name, QtCore.Qt.ElideMiddle, room) + sep + amount
        if self.status.text() != text:
            self.status.setText(text)

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._fit_status()


def preview_footer(note, progress):
    """The one line under the plot: the progress while a preview is made, else the note.

    One line of fixed height either way, so that neither coming nor going resizes the plot
    above (which would draw it again).
    """
    stack = QtWidgets.QStackedWidget()
    stack.setObjectName("preview_footer")
    stack.addWidget(note)
    stack.addWidget(progress)
    height = max(note.sizeHint().height(), progress.sizeHint().height())
    stack.setFixedHeight(height)
    note.setFixedHeight(height)

    def show(*_):
        stack.setCurrentWidget(progress if progress.running() else note)

    for name in ("busy", "fraction", "status"):
        add_callback(progress.state, name, show)
    show()
    return stack

