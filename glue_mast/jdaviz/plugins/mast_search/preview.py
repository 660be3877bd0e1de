"""A quick look at one product before loading it: its spectrum or light curve as a line, and
the picture of a cube (white-light image), a 2-D spectrum (with its trace) or an image.

`glue_mast.state.PreviewState` fetches the file and gives decimated arrays; here they become
PNG plots the template draws inside the plugin (the line with its axes, units and title; the
picture), so a preview needs no viewer, adds nothing to the data collection and works for
light curves in an app without lcviz.
"""

from __future__ import annotations

__all__ = [
    "HEIGHT", "PLOT_DPI", "PLOT_INCHES", "WIDTH", "bind", "picture_png", "plot_png", "polyline",
    "show_preview",
]

#: Size of the point coordinates :func:`polyline` gives.
WIDTH, HEIGHT = 300, 120
#: Size of the preview plot in inches, and its pixels per inch: about the tray's width, drawn
#: at twice the screen's resolution so that its text stays sharp when the template scales it.
PLOT_INCHES, PLOT_DPI = (3.0, 2.0), 200


def polyline(x, y, width=WIDTH, height=HEIGHT):
    """``(points, ranges)``: an SVG ``points`` string and the data's x and y ranges.

    The y range is the 0.5 to 99.5 percentile, so one hot pixel does not flatten the plot.
    """
    import numpy as np

    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    good = np.isfinite(x) & np.isfinite(y)
    x, y = x[good], y[good]
    if not x.size:
        return "", None
    x0, x1 = float(x.min()), float(x.max())
    y0, y1 = float(np.percentile(y, 0.5)), float(np.percentile(y, 99.5))
    sx = width / (x1 - x0) if x1 > x0 else 0.0
    sy = height / (y1 - y0) if y1 > y0 else 0.0
    px = (x - x0) * sx
    py = height - (np.clip(y, y0, y1) - y0) * sy
    points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(px, py, strict=True))
    return points, {"x": [x0, x1], "y": [y0, y1]}


def picture_png(picture, trace=None):
    """A ``data:image/png`` URL of a picture (row 0 at the bottom, grey from the 1st to the
    99th percentile, NaN black) with its trace, if any, in red."""
    import base64
    import io

    import numpy as np
    from matplotlib.image import imsave

    picture = np.asarray(picture, dtype=float)
    finite = picture[np.isfinite(picture)]
    lo, hi = np.percentile(finite, (1, 99)) if finite.size else (0.0, 1.0)
    scaled = np.clip((np.nan_to_num(picture, nan=lo) - lo) / ((hi - lo) or 1.0), 0, 1)
    rgb = np.repeat((scaled * 255).astype(np.uint8)[:, :, None], 3, axis=2)
    if trace is not None:
        columns = np.flatnonzero(np.isfinite(trace))
        rows = np.clip(np.round(np.asarray(trace)[columns]).astype(int), 0, len(rgb) - 1)
        rgb[rows, columns] = (230, 30, 30)
    out = io.BytesIO()
    imsave(out, rgb[::-1], format="png")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def _axis_label(label, unit):
    if unit and unit not in label:
        return f"{label} ({unit})"
    return label


def plot_png(x, y, *, x_label="", y_label="", title="", note=""):
    """A ``data:image/png`` URL of the preview line with its axes: ``x_label`` and
    ``y_label`` (units included) on them, ``title`` above, and ``note`` (what the line joins)
    under the title. The y axis spans the 0.5 to 99.5 percentile, as :func:`polyline`."""
    import base64
    import io

    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    figure = Figure(figsize=PLOT_INCHES, dpi=PLOT_DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.plot(x, y, color="#007BA1", linewidth=0.6)
    good = np.isfinite(y)
    if good.any():
        y0, y1 = np.percentile(y[good], (0.5, 99.5))
        if y1 > y0:
            pad = 0.05 * (y1 - y0)
            axes.set_ylim(y0 - pad, y1 + pad)
    axes.set_xlabel(x_label, fontsize=6)
    axes.set_ylabel(y_label, fontsize=6)
    axes.tick_params(labelsize=5.5, width=0.5, length=2)
    for side in axes.spines.values():
        side.set_linewidth(0.5)
    axes.yaxis.get_offset_text().set_fontsize(5.5)
    axes.xaxis.get_offset_text().set_fontsize(5.5)
    heading = title + (f"\n{note}" if note else "")
    axes.set_title(heading, fontsize=6.5)
    # Fixed margins (room for the tick labels, axis titles and two title lines): faster than
    # tight_layout, and every preview lines up the same way.
    figure.subplots_adjust(left=0.17, right=0.97, bottom=0.17, top=0.84 if note else 0.9)
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def _draw(plugin, plot, state):
    """Put the plot's PNG in ``plot``: drawn once per preview, in a background job.

    Drawing takes matplotlib a few tenths of a second, too long for the kernel's thread;
    the state's title, points and busy flag each call :func:`show_preview`, hence the memo.
    """
    from ....jobs import Job

    key = (id(state.x), id(state.y), state.title, state.note, plot["x_label"], plot["y_label"])
    drawn = getattr(plugin, "_preview_png", None)
    if drawn is not None and drawn[0] == key:
        if drawn[1] is not None:
            plot["plot"] = drawn[1]
        return
    plugin._preview_png = (key, None)  # being drawn
    x, y, title, note = state.x, state.y, state.title, state.note

    def land(job):
        current = getattr(plugin, "_preview_png", None)
        if job.exception() is not None or current is None or current[0] != key:
            return  # another preview since, or nothing to show
        plugin._preview_png = (key, job.result())
        plugin.preview_plot = {**plugin.preview_plot, "plot": job.result()}

    job = Job(
        lambda job: plot_png(x, y, x_label=plot["x_label"], y_label=plot["y_label"],
                             title=title, note=note),
        name="draw the preview", start=False,
    )
    job.add_done_callback(lambda j: plugin._dispatch(lambda: land(j)))
    job.start()


def bind(plugin):
    """Follow the preview's fetch: its progress shows while it runs (``views.bind`` follows
    the rest of the preview state)."""
    plugin.preview_state.add_callback("status", lambda *_: show_preview(plugin))


def show_preview(plugin):
    """Set ``plugin.preview_plot`` from its preview state.

    While the file is on its way, ``status`` and ``fraction`` say how much has come, and the
    title line shows the status (what a slow preview is waiting for).
    """
    state = plugin.preview_state
    # A cancelled preview shows nothing at once (its transfer stops within about a second).
    busy = bool(state.busy) and "preview" not in plugin._cancelled
    plot = {"title": state.title, "loading": busy, "kind": state.kind}
    if busy:
        plot.update(status=state.status, fraction=float(state.fraction or 0.0))
        plot["title"] = state.title or state.status
    if state.error:
        plot["error"] = state.error
    elif state.x is not None and state.y is not None:
        if state.picture is not None:
            plot.update(picture=picture_png(state.picture, state.trace),
                        picture_label=state.picture_label)
        points, ranges = polyline(state.x, state.y)
        x_label = _axis_label(state.x_label, state.x_unit)
        y_label = _axis_label(state.y_label, state.y_unit)
        plot.update(
            points=points, ranges=ranges, x_label=x_label, y_label=y_label,
            width=WIDTH, height=HEIGHT, note=state.note,
        )
        if points:
            _draw(plugin, plot, state)
    elif state.kind == "image":
        plot["error"] = "this product has a preview image only"
    plugin.preview_plot = plot
