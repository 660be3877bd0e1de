"""The quick-look plot of one product: a matplotlib canvas drawn from a `PreviewState`.

The arrays are small (at most ``glue_mast.state.preview.MAX_POINTS`` points), so drawing on
the GUI thread is quick; making them (fetching the file, reading it) runs in the state's job.
"""

from __future__ import annotations

from echo import add_callback
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure

__all__ = ["PreviewCanvas"]


class PreviewCanvas(FigureCanvasQTAgg):
    """A plot of what a `~glue_mast.state.PreviewState` holds, redrawn when it changes.

    Its objectName is ``preview``. :attr:`drawn` is what the last drawing showed:
    ``("spectrum", n_points)``, ``("image", path)``, ``("message", text)``.
    """

    def __init__(self, state, parent=None):
        figure = Figure(figsize=(4.2, 2.6), dpi=100, layout="constrained")
        super().__init__(figure)
        self.setParent(parent)
        self.setObjectName("preview")
        self.setMinimumSize(300, 200)
        self.state = state
        self.axes = figure.add_subplot()
        self.drawn = None
        for name in ("kind", "x", "y", "busy", "error"):
            add_callback(state, name, self._redraw)
        self._redraw()

    def _message(self, text):
        ax = self.axes
        ax.clear()
        ax.set_axis_off()
        ax.text(0.5, 0.5, text, ha="center", va="center", wrap=True, color="0.35",
                transform=ax.transAxes)
        self.drawn = ("message", text)

    def _redraw(self, *_):
        state, ax = self.state, self.axes
        if state.busy:
            self._message("Making the preview\N{HORIZONTAL ELLIPSIS}")
        elif state.error:
            self._message("No preview (see the message below)")
        elif state.kind == "image" and state.image:
            from matplotlib.image import imread

            ax.clear()
            ax.set_axis_off()
            ax.imshow(imread(state.image))
            ax.set_title(_short(state.title), fontsize=9)
            self.drawn = ("image", state.image)
        elif state.x is not None and state.y is not None:
            ax.clear()
            ax.set_axis_on()
            ax.plot(state.x, state.y, lw=0.8, color="C0")
            ax.set_xlabel(_with_unit(state.x_label, state.x_unit), fontsize=8)
            ax.set_ylabel(_with_unit(state.y_label, state.y_unit), fontsize=8)
            ax.tick_params(labelsize=7)
            ax.set_title(_short(state.title), fontsize=9)
            self.drawn = (state.kind, len(state.x))
        else:
            self._message("Click a product to preview it")
        self.draw_idle()


def _short(text, limit=60):
    text = str(text or "")
    return text if len(text) <= limit else text[: limit - 1] + "\N{HORIZONTAL ELLIPSIS}"


def _with_unit(label, unit):
    """``"Wavelength"``, ``"Angstrom"`` -> ``"Wavelength [Angstrom]"``."""
    if not unit or str(unit) in str(label):
        return str(label or "")
    return f"{label} [{unit}]"
