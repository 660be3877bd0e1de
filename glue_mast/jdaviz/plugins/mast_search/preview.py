"""A quick look at one product before loading it: its spectrum or light curve as a line, and
the picture of a cube (white-light image), a 2-D spectrum (with its trace) or an image.

`glue_mast.state.PreviewState` fetches the file and gives decimated arrays; here they become
an SVG polyline and a PNG the template draws inside the plugin, so a preview needs no viewer,
adds nothing to the data collection and works for light curves in an app without lcviz.
"""

from __future__ import annotations

__all__ = ["HEIGHT", "WIDTH", "picture_png", "polyline", "show_preview"]

#: Size of the preview plot in SVG units (the template scales it to the tray's width).
WIDTH, HEIGHT = 300, 120


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


def show_preview(plugin):
    """Set ``plugin.preview_plot`` from its preview state."""
    state = plugin.preview_state
    plot = {"title": state.title, "loading": bool(state.busy), "kind": state.kind}
    if state.error:
        plot["error"] = state.error
    elif state.x is not None and state.y is not None:
        if state.picture is not None:
            plot.update(picture=picture_png(state.picture, state.trace),
                        picture_label=state.picture_label)
        points, ranges = polyline(state.x, state.y)
        x_label = state.x_label
        if state.x_unit and state.x_unit not in x_label:
            x_label = f"{x_label} ({state.x_unit})"
        plot.update(
            points=points, ranges=ranges, x_label=x_label, y_label=state.y_label,
            width=WIDTH, height=HEIGHT,
        )
    elif state.kind == "image":
        plot["error"] = "this product has a preview image only"
    plugin.preview_plot = plot
