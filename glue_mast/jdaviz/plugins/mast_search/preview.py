"""A quick look at one product before loading it: its spectrum or light curve as a line.

The plot is an SVG polyline the template draws inside the plugin, so a preview costs no
viewer, no data-collection entry and works for light curves in an app without lcviz.
"""

from __future__ import annotations

import math

from ....jobs import Job
from ..._seams import read_product

__all__ = ["WIDTH", "HEIGHT", "polyline", "start"]

#: Size of the preview plot in SVG units (the template scales it to the tray's width).
WIDTH, HEIGHT = 300, 120
#: Points drawn at most; longer arrays are decimated by taking every n-th value.
MAX_POINTS = 600


def _axes(item):
    """``(x, y, x_label, y_label)`` as float lists from a spectrum or a light curve."""
    import numpy as np

    data = item.data
    if item.kind == "light curve":
        x = np.asarray(data.time.value, dtype=float)
        y = np.asarray(getattr(data.flux, "value", data.flux), dtype=float)
        x_label = f"time ({data.time.format})"
        y_label = f"flux ({getattr(data.flux, 'unit', '')})"
    else:
        x = np.asarray(data.spectral_axis.value, dtype=float)
        y = np.asarray(data.flux.value, dtype=float)
        x_label = f"{data.spectral_axis.unit}"
        y_label = f"flux ({data.flux.unit})"
    y = y.reshape(-1)[: x.size] if y.ndim > 1 else y
    return x, y, x_label, y_label


def polyline(x, y, width=WIDTH, height=HEIGHT):
    """``(points, ranges)``: an SVG ``points`` string and the data's x/y ranges."""
    import numpy as np

    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    good = np.isfinite(x) & np.isfinite(y)
    x, y = x[good], y[good]
    if not x.size:
        return "", None
    step = max(1, math.ceil(x.size / MAX_POINTS))
    x, y = x[::step], y[::step]
    x0, x1 = float(x.min()), float(x.max())
    y0, y1 = float(np.percentile(y, 0.5)), float(np.percentile(y, 99.5))
    sx = width / (x1 - x0) if x1 > x0 else 0.0
    sy = height / (y1 - y0) if y1 > y0 else 0.0
    px = (x - x0) * sx
    py = height - (np.clip(y, y0, y1) - y0) * sy
    points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(px, py, strict=True))
    return points, {"x": [x0, x1], "y": [y0, y1]}


def start(plugin, key):
    """Fetch product ``key`` of the products table (if needed) and show its preview."""
    from ....archive.fetch import fetch
    from .actions import download_dir

    products = plugin.products
    row = products[int(key) : int(key) + 1]
    name = str(row["productFilename"][0])
    target = download_dir(plugin)
    plugin.preview_plot = {"title": name, "loading": True}

    def work(job):
        result = fetch(row, target)
        if not result.paths:
            reasons = "; ".join(o.message for o in result.outcomes) or "not downloaded"
            raise RuntimeError(f"{name}: {reasons}")
        job.check_cancelled()
        items = read_product(result.paths[0])
        if not items:
            raise RuntimeError(f"{name}: holds nothing to preview")
        x, y, x_label, y_label = _axes(items[0])
        points, ranges = polyline(x, y)
        part = f" [{items[0].part}]" if items[0].part else ""
        return {
            "title": f"{name}{part}",
            "kind": items[0].kind,
            "points": points,
            "ranges": ranges,
            "x_label": x_label,
            "y_label": y_label,
            "width": WIDTH,
            "height": HEIGHT,
            "loading": False,
        }

    def land(job):
        if job.exception() is not None:
            plugin.preview_plot = {"title": name, "loading": False, "error": str(job.exception())}
        else:
            plugin.preview_plot = job.result()

    job = Job(work, name=f"preview {name}", start=False)
    job.add_done_callback(lambda j: plugin._dispatch(lambda: land(j)))
    job.start()
    return job
