"""Glue between glue-mast's echo states and Qt widgets, all on the GUI thread.

- :class:`GuiDispatcher`: the ``dispatch`` hook of the states (`glue_mast.state.base`): jobs
  on worker threads hand it calls, and a queued signal runs them on the GUI thread, where
  widgets and the data collection may be touched;
- :func:`connect_editable_combo`: an editable combo box bound to a text property (the choices
  come from the server, yet a person may type several values separated by commas);
- :class:`ErrorLines`: one red line beside each widget, showing a state's ``error`` beside the
  widget its ``error_field`` names, until that input changes.

echo's own ``connect_text`` and ``connect_checkable_button`` bind the plain fields.
"""

from __future__ import annotations

from echo import add_callback
from qtpy import QtCore, QtWidgets

__all__ = ["ErrorLines", "GuiDispatcher", "connect_editable_combo", "error_label"]


class _GuiThread(QtCore.QObject):
    """Runs the calls it is handed on the GUI thread (one per process, never deleted)."""

    call = QtCore.Signal(object)

    def __init__(self):
        super().__init__()
        self.call.connect(self._run, QtCore.Qt.AutoConnection)

    @QtCore.Slot(object)
    def _run(self, fn):
        fn()


_GUI_THREAD = None


def _gui_thread():
    global _GUI_THREAD
    if _GUI_THREAD is None:
        app = QtWidgets.QApplication.instance()
        _GUI_THREAD = _GuiThread()
        if app is not None and _GUI_THREAD.thread() is not app.thread():
            _GUI_THREAD.moveToThread(app.thread())
    return _GUI_THREAD


class GuiDispatcher:
    """``dispatcher(fn)`` runs ``fn()`` on the GUI thread, while its view exists.

    Called from a worker thread, the call is queued (a signal of an object living on the GUI
    thread): it waits for the event loop, so a job never touches a widget. Called on the GUI
    thread, ``fn`` runs at once. After :meth:`stop` (the view was deleted) calls
    are dropped: a job that ends later has no widgets left to update. The object the signal
    belongs to lives as long as the process, so a job ending at any time never emits from a
    deleted one.
    """

    def __init__(self, view=None):
        self.alive = True
        self._gui = _gui_thread()
        if view is not None:
            view.destroyed.connect(self.stop)

    def stop(self, *_):
        """Drop every call from now on."""
        self.alive = False

    def __call__(self, fn):
        if not self.alive:
            return

        def run():
            if self.alive:
                fn()

        self._gui.call.emit(run)


def connect_editable_combo(state, name, combo):
    """Bind the editable QComboBox ``combo`` to the text property ``name`` of ``state``.

    Typing (or picking a choice) sets the property; setting the property shows its text. The
    first item is the empty "any" choice.
    """
    combo.setEditable(True)
    combo.setInsertPolicy(QtWidgets.QComboBox.NoInsert)
    # Suggest choices in a list, but never change what is typed ("COS" is not "COS/FUV").
    completer = combo.completer()
    if completer is not None:
        completer.setCompletionMode(QtWidgets.QCompleter.PopupCompletion)
        completer.setCaseSensitivity(QtCore.Qt.CaseInsensitive)

    def to_state(text):
        if getattr(state, name) != text.strip():
            setattr(state, name, text.strip())

    def to_widget(value):
        text = "" if value is None else str(value)
        if combo.currentText() != text:
            combo.blockSignals(True)
            combo.setCurrentText(text)
            combo.blockSignals(False)

    combo.currentTextChanged.connect(to_state)
    add_callback(state, name, to_widget)
    to_widget(getattr(state, name))


def set_choices(combo, choices, labels=None):
    """Offer ``choices`` in ``combo`` (after an empty "any" entry), keeping what it shows."""
    text = combo.currentText()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem("")
    for i, choice in enumerate(choices):
        combo.addItem(str(choice))
        if labels:
            combo.setItemData(i + 1, labels[i], QtCore.Qt.ToolTipRole)
    combo.setCurrentText(text)
    combo.blockSignals(False)


def error_label(name):
    """An empty, hidden one-line label for an error, named ``error_<name>``."""
    label = QtWidgets.QLabel()
    label.setObjectName(f"error_{name}")
    label.setStyleSheet("color: #b00020;")
    label.setWordWrap(True)
    label.setTextInteractionFlags(QtCore.Qt.TextSelectableByMouse)
    label.hide()
    return label


class ErrorLines:
    """Show a state's ``error`` in the label beside the widget its ``error_field`` concerns.

    An error about one input (``error_field`` names a property of ``state``) is cleared when
    that property changes.

    Parameters
    ----------
    state : `glue_mast.state.JobState`
    labels : dict
        ``error_field`` value -> QLabel; the key ``""`` is the label for errors that concern
        no single input (a server error, say), and for fields without a label of their own
        (None: such errors are shown elsewhere).
    ignore : sequence of str
        Fields whose errors another view shows.
    """

    def __init__(self, state, labels, ignore=()):
        self.state = state
        self.labels = labels
        self.ignore = set(ignore)
        add_callback(state, "error", self._show)
        add_callback(state, "error_field", self._show)
        state.add_global_callback(self._input_changed)
        self._show()

    def _input_changed(self, **changed):
        # The input the error is about was changed (fixed, one hopes): the red line would
        # now speak of a value no longer there. The next request says if it is still bad.
        field = self.state.error_field
        if field and field in changed and self.state.error:
            self.state.error = ""
            self.state.error_field = ""

    def _show(self, *_):
        error = self.state.error
        field = self.state.error_field or ""
        target = None
        if error and field not in self.ignore:
            target = self.labels.get(field, self.labels.get(""))
        for label in {id(v): v for v in self.labels.values() if v is not None}.values():
            if label is target:
                label.setText(error)
                label.setToolTip(error)
                label.show()
            else:
                label.clear()
                label.hide()

    def shown(self):
        """The (field label's objectName, text) of the error shown, or None."""
        for label in self.labels.values():
            if label is not None and not label.isHidden() and label.text():
                return label.objectName(), label.text()
        return None
