"""The glue-qt dialog under pytest-qt, offscreen, driven as a person would drive it.

``QT_QPA_PLATFORM=offscreen`` is set by tests/conftest.py. ``GLUE_TESTING`` makes glue-qt's
``messagebox_on_error`` raise instead of opening a modal box. Screenshots go to the test's
temporary directory, or to ``$GLUE_MAST_SCREENSHOTS`` (e.g. ``docs/_static``) when set.
"""

import os
import time
from pathlib import Path

import pytest

os.environ.setdefault("GLUE_TESTING", "True")

#: A 1366x768 screen's free area below a 32 px panel.
LAPTOP_SCREEN = (1366, 736)


class StallMeter:
    """A 10 ms QTimer that records the longest gap between its ticks (event-loop stalls).

    ``longest`` is the longest gap in wall-clock time; ``longest_cpu`` the most CPU time the
    GUI thread itself spent within one gap (``time.thread_time``): the work done on the GUI
    thread, whatever else the machine is doing.
    """

    def __init__(self):
        from qtpy import QtCore

        self.timer = QtCore.QTimer()
        self.timer.setInterval(10)
        self.timer.setTimerType(QtCore.Qt.PreciseTimer)
        self.timer.timeout.connect(self._tick)
        self.longest = 0.0
        self.longest_cpu = 0.0
        self.ticks = 0
        self._last = None
        self._last_cpu = None

    def _tick(self):
        now, cpu = time.perf_counter(), time.thread_time()
        if self._last is not None:
            self.longest = max(self.longest, now - self._last)
            self.longest_cpu = max(self.longest_cpu, cpu - self._last_cpu)
        self._last, self._last_cpu = now, cpu
        self.ticks += 1

    def start(self):
        self._last, self._last_cpu = time.perf_counter(), time.thread_time()
        self.longest = self.longest_cpu = 0.0
        self.ticks = 0
        self.timer.start()
        return self

    def stop(self):
        self.timer.stop()
        self._tick()
        return self.longest


@pytest.fixture
def stall_meter():
    meter = StallMeter()
    yield meter
    meter.timer.stop()


@pytest.fixture
def shoot(tmp_path):
    """``shoot(widget, name)``: a PNG of the widget as drawn, ``qt-<name>.png``."""
    # A relative folder is the repository's (a test may chdir to its tmp_path first).
    root = Path(__file__).resolve().parents[2]
    folder = root / os.environ["GLUE_MAST_SCREENSHOTS"] if os.environ.get(
        "GLUE_MAST_SCREENSHOTS"
    ) else tmp_path
    folder.mkdir(parents=True, exist_ok=True)

    def shoot(widget, name):
        from qtpy import QtWidgets

        QtWidgets.QApplication.processEvents()
        path = folder / f"qt-{name}.png"
        assert widget.grab().save(str(path))
        return path

    return shoot


@pytest.fixture
def dialog(qtbot, local_mast, tmp_path, monkeypatch):
    """A MastImportDialog on the local archive, shown at the size it opens with on a
    1366x768 screen (the offscreen platform's own screen is smaller), downloading into
    tmp_path/mast_data."""
    from glue_mast.qt.dialog import MastImportDialog, fitting_size, forget_form, shown_path

    if os.environ.get("GLUE_MAST_SCREENSHOTS"):  # the docs' pictures show ~/mast_data
        monkeypatch.setenv("HOME", str(tmp_path))
    forget_form()
    d = MastImportDialog()
    qtbot.addWidget(d)
    d.download_dir.setText(shown_path(tmp_path / "mast_data"))
    d.resize(*fitting_size(*LAPTOP_SCREEN))
    d.show()
    qtbot.waitExposed(d)
    qtbot.waitUntil(lambda: not d.search_state.busy, timeout=20000)  # the choices
    yield d
    d.reject()
    qtbot.waitUntil(lambda: d.load_job is None or d.load_job.done, timeout=20000)
    forget_form()


class Person:
    """What a person does with the dialog: type, click, select rows (through pytest-qt)."""

    def __init__(self, qtbot):
        self.qtbot = qtbot

    def type_into(self, widget, text):
        """Replace a field's text: select all, type, leave it (editing ends)."""
        from qtpy import QtCore

        line = widget.lineEdit() if hasattr(widget, "lineEdit") and widget.lineEdit() else widget
        line.setFocus()
        line.selectAll()
        self.qtbot.keyClick(line, QtCore.Qt.Key_Backspace)
        self.qtbot.keyClicks(line, text)
        line.editingFinished.emit() if hasattr(line, "editingFinished") else None

    def click(self, button):
        from qtpy import QtCore

        self.qtbot.mouseClick(button, QtCore.Qt.LeftButton)

    def search(self, d, target=None, radius=None, timeout=20000):
        """Type a target (and radius), click Search, wait for the first page."""
        if target is not None:
            self.type_into(d.search_form.target, target)
        if radius is not None:
            self.type_into(d.search_form.radius, radius)
        self.click(d.search_form.search_button)
        self.qtbot.waitUntil(lambda: not d.search_state.busy, timeout=timeout)

    def click_rows(self, table, rows, add=False):
        """Click view rows ``rows`` (Ctrl-click after the first, or every one if ``add``)."""
        from qtpy import QtCore

        for i, row in enumerate(rows):
            index = table.model().index(row, 1)
            table.scrollTo(index)
            modifier = QtCore.Qt.ControlModifier if i or add else QtCore.Qt.NoModifier
            self.qtbot.mouseClick(
                table.viewport(),
                QtCore.Qt.LeftButton,
                modifier,
                table.visualRect(index).center(),
            )

    def settle(self, d, timeout=30000):
        """Wait until nothing of the dialog is running."""
        states = (d.search_state, d.product_state, d.preview_state)
        self.qtbot.waitUntil(
            lambda: (
                not d.results.selection_timer.isActive()
                and not any(s.busy for s in states)
                and d.load_job is None
            ),
            timeout=timeout,
        )


@pytest.fixture
def person(qtbot):
    return Person(qtbot)


def view_column(table, column):
    """The texts of one column of a view, in the view's (sorted) order."""
    model = table.model()
    return [model.index(r, column).data() for r in range(model.rowCount())]


def column_of(table, header):
    """The view column whose header is ``header``."""
    from qtpy import QtCore

    model = table.model()
    for c in range(model.columnCount()):
        if model.headerData(c, QtCore.Qt.Horizontal) == header:
            return c
    raise KeyError(header)


@pytest.fixture
def cells():
    """``cells(table, header)``: the texts of that column, in the view's order."""
    return lambda table, header: view_column(table, column_of(table, header))
