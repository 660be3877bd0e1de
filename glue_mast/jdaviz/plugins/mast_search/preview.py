"""A quick look at one product before loading it: its spectrum or light curve as a line.

`glue_mast.state.PreviewState` fetches the file and gives decimated arrays; here they become
an SVG polyline the template draws inside the plugin, so a preview needs no viewer, adds
nothing to the data collection and works for light curves in an app without lcviz.
"""

from __future__ import annotations

__all__ = ["HEIGHT", "WIDTH", "polyline", "show_preview"]

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


def show_preview(plugin):
    """Set ``plugin.preview_plot`` from its preview state."""
    state = plugin.preview_state
    plot = {"title": state.title, "loading": bool(state.busy), "kind": state.kind}
    if state.error:
        plot["error"] = state.error
    elif state.x is not None and state.y is not None:
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
