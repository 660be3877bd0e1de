"""The quick-look plot of one product, drawn by matplotlib off the GUI thread.

Drawing even a small matplotlib figure (ticks, labels, text layout) takes 50 ms on an idle
machine and well over 100 ms on a busy one: on the GUI thread that is a visible stall. So
the plot is drawn by matplotlib's Agg renderer in a background job, on a Figure of its own
(matplotlib keeps fonts per thread, and no pyplot state is involved), and the finished
pixels are shown in a label. Making the points (fetching the file, reading it) runs in the
`~glue_mast.state.PreviewState`'s own job before that.
"""

from __future__ import annotations

from echo import add_callback
from qtpy import QtCore, QtGui, QtWidgets

from ..jobs import Job

__all__ = ["PreviewNote", "PreviewPlot", "render_preview"]

#: Milliseconds a new size must rest before the plot is drawn again at that size.
RESIZE_DELAY_MS = 150


def _with_unit(label, unit):
    """``"Wavelength"``, ``"Angstrom"`` -> ``"Wavelength [Angstrom]"``."""
    if not unit or str(unit) in str(label):
        return str(label or "")
    return f"{label} [{unit}]"


def _short(text, limit=60):
    text = str(text or "")
    return text if len(text) <= limit else text[: limit - 1] + "\N{HORIZONTAL ELLIPSIS}"


def _fitting(label, length):
    """``label``, its unit on a line of its own when the label is longer than about half of
    ``length`` pixels (an 8-point character is about 5 px wide): a flux unit beside the
    y axis of a short plot would be cut at both ends."""
    label = str(label or "")
    if " [" in label and 5 * len(label) > 0.5 * length:
        return label.replace(" [", "\n[", 1)
    return label


def render_preview(shown, width, height, ratio=1.0):
    """(worker thread) RGBA pixels of the plot of ``shown``, ``height`` x ``width`` x 4.

    Parameters
    ----------
    shown : dict
        ``kind``, ``x``, ``y``, ``x_label``, ``y_label``, ``title``, ``image`` (a path).
    width, height : int
        Size in device-independent pixels.
    ratio : float
        Device pixels per pixel (a HiDPI screen's ratio).
    """
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    dpi = 100 * ratio
    figure = Figure(figsize=(width / 100, height / 100), dpi=dpi, layout="constrained")
    canvas = FigureCanvasAgg(figure)
    picture = shown.get("picture")
    has_points = shown.get("x") is not None and len(shown["x"])
    if picture is not None and has_points:  # a cube, a 2-D spectrum: points and picture
        ax, pic = figure.subplots(1, 2, width_ratios=(3, 2))
    elif picture is not None:
        ax, pic = None, figure.add_subplot()
    else:
        ax, pic = figure.add_subplot(), None
    if shown["kind"] == "image" and picture is None:
        from matplotlib.image import imread

        ax.imshow(imread(shown["image"]))
        ax.set_axis_off()
    elif ax is not None:
        ax.plot(shown["x"], shown["y"], lw=0.8, color="C0")
        ax.set_xlabel(_fitting(shown["x_label"], width), fontsize=8)
        ax.set_ylabel(_fitting(shown["y_label"], height), fontsize=8)
        ax.tick_params(labelsize=7)
    if pic is not None:
        _draw_picture(pic, picture, shown.get("trace"), shown.get("picture_label", ""))
    # Above the axes, so that it never covers the y axis' offset ("1e-13").
    figure.suptitle(_short(shown["title"]), fontsize=9)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


def _draw_picture(ax, picture, trace, label):
    """A picture (row 0 at the bottom) in the 1-99 percentile range, its trace in red."""
    import numpy as np

    finite = picture[np.isfinite(picture)]
    lo, hi = (np.percentile(finite, (1, 99)) if finite.size else (0, 1))
    ax.imshow(picture, origin="lower", cmap="gray", vmin=lo, vmax=hi, aspect="auto",
              interpolation="nearest")
    if trace is not None:
        ax.plot(np.arange(len(trace)), trace, color="red", lw=0.8)
    ax.set_title(label, fontsize=8)
    ax.set_xticks([])
    ax.set_yticks([])


class PreviewPlot(QtWidgets.QLabel):
    """The plot of what a `~glue_mast.state.PreviewState` holds, redrawn when it changes.

    Its objectName is ``preview``. :attr:`drawn` is what it shows: ``("spectrum",
    n_points)`` (or ``"light curve"``, ``"spectral cube"``...), ``("image", path)``, or
    ``("message", text)``; :attr:`pictured` the label of the picture drawn beside (a cube's
    white-light image, a 2-D spectrum with its trace) or instead of the points (an image);
    :attr:`labels` the plot's axis labels and title.
    """

    def __init__(self, state, dispatch, parent=None):
        super().__init__(parent)
        self.setObjectName("preview")
        self.setAlignment(QtCore.Qt.AlignCenter)
        self.setMinimumSize(300, 200)
        self.setSizePolicy(QtWidgets.QSizePolicy.Ignored, QtWidgets.QSizePolicy.Ignored)
        self.setStyleSheet("QLabel#preview { background: white; color: #666; }")
        self.setWordWrap(True)
        self.state = state
        self.dispatch = dispatch
        self.drawn = None
        self.pictured = ""
        self.labels = None
        self.render_job = None
        self._shown = None
        self._ticket = 0
        self._resize_timer = QtCore.QTimer(self)
        self._resize_timer.setSingleShot(True)
        self._resize_timer.setInterval(RESIZE_DELAY_MS)
        self._resize_timer.timeout.connect(self._render)
        for name in ("kind", "x", "y", "image", "picture", "busy", "error"):
            add_callback(state, name, self._state_changed)
        add_callback(state, "status", self._cancel_seen)
        self._state_changed()

    def _message(self, text):
        self._ticket += 1  # a drawing on its way is now stale
        self.render_job = None  # (what is being drawn: nothing, now)
        self._shown = None
        self.setPixmap(QtGui.QPixmap())
        self.setText(text)
        self.drawn = ("message", text)

    def _cancel_seen(self, status):
        if not status and self.state.busy:
            self._state_changed()  # cancelled: said at once, not when the job has stopped

    def _state_changed(self, *_):
        from .preview_progress import preview_running

        state = self.state
        if state.busy and not preview_running(state):
            self._message("Preview cancelled: click the file again to go on")
        elif state.busy:
            self._message("Making the preview\N{HORIZONTAL ELLIPSIS}")
        elif state.error:
            self._message("No preview (the reason is below)")
        elif state.kind == "image" and state.image:
            self._shown = {"kind": "image", "image": state.image, "title": state.title}
            self._render()
        elif state.x is not None and state.y is not None:
            self._shown = {
                "kind": state.kind,
                "x": state.x,
                "y": state.y,
                "x_label": _with_unit(state.x_label, state.x_unit),
                "y_label": _with_unit(state.y_label, state.y_unit),
                "title": state.title,
                "picture": state.picture,
                "trace": state.trace,
                "picture_label": state.picture_label,
            }
            self._render()
        else:
            self._message("Click a product to preview it")

    def _render(self):
        shown = self._shown
        if shown is None:
            return
        self._ticket += 1
        ticket = self._ticket
        size, ratio = self.size(), self.devicePixelRatioF()
        # The label's own size (never below its minimum): a larger drawing would be cut off.
        width = max(size.width(), self.minimumWidth())
        height = max(size.height(), self.minimumHeight())
        job = Job(lambda j: render_preview(shown, width, height, ratio), name="draw preview")
        self.render_job = job
        job.add_done_callback(lambda j: self.dispatch(lambda: self._rendered(j, ticket, shown)))

    def _rendered(self, job, ticket, shown):
        if job is self.render_job:
            self.render_job = None
        if ticket != self._ticket:
            return  # a newer drawing (or a message) replaced it
        if job.exception() is not None:
            self._message(f"No preview: {job.exception()}")
            return
        pixels = job.result()
        height, width = pixels.shape[:2]
        image = QtGui.QImage(pixels.data, width, height, 4 * width, QtGui.QImage.Format_RGBA8888)
        pixmap = QtGui.QPixmap.fromImage(image.copy())
        pixmap.setDevicePixelRatio(self.devicePixelRatioF())
        self.setText("")
        self.setPixmap(pixmap)
        self.pictured = shown.get("picture_label", "") if shown.get("picture") is not None else ""
        if shown["kind"] == "image" and not self.pictured:
            self.drawn = ("image", shown["image"])
            self.labels = ("", "", shown["title"])
        else:
            self.drawn = (shown["kind"], len(shown["x"]))
            self.labels = (shown["x_label"], shown["y_label"], shown["title"])

    def resizeEvent(self, event):
        super().resizeEvent(event)
        if self._shown is not None:
            self._resize_timer.start()


class PreviewNote(QtWidgets.QLabel):
    """The line under the plot: what the plotted line joins (`~glue_mast.state.PreviewState`'s
    ``note``: "8 echelle orders merged into one line", "2 parts (FUVA, FUVB) in one line"),
    so that a merged line is never taken for one spectrum. Its objectName is
    ``preview_note``; empty when the preview joins nothing.
    """

    def __init__(self, state, parent=None):
        super().__init__(parent)
        self.setObjectName("preview_note")
        self.setAlignment(QtCore.Qt.AlignCenter)
        self.setStyleSheet("QLabel#preview_note { color: #444; font-style: italic; }")
        # One line whether or not there is a note: a note coming or going never resizes the
        # plot above (which would draw it again).
        self.setFixedHeight(self.fontMetrics().height() + 4)
        self.setSizePolicy(QtWidgets.QSizePolicy.Ignored, QtWidgets.QSizePolicy.Fixed)
        self.state = state
        add_callback(state, "note", self._show)
        self._show(state.note)

    def _show(self, note):
        self.setText(note or "")
        self.setToolTip(note or "")
