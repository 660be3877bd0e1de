"""Selected catalog rows ringed on Jdaviz's image viewers, and a viewer tool that picks a row by
clicking near its marker.

Jdaviz's own Catalog Search plugin (``jdaviz/configs/imviz/plugins/catalogs/catalogs.py``)
does the same for its table: the rows selected in the table (``table.selected_rows``) are
drawn by a scatter mark of their own (``CatalogMark``) over the catalog's markers, and its
``jdaviz:selectcatalog`` tool sends the clicked position on the hub, where the plugin toggles
the nearest row. Here the rows are those of the MAST Search plugin's Catalogs section, the
mark (`CatalogHighlight`) is an unfilled orange ring, larger than a catalog marker, so the
marker stays visible inside it, and the tool (``glue_mast:pick_catalog_source``) sends a
`CatalogSourcePicked` message that the section answers.

Positions go through each viewer's reference data's WCS, so the rings and the picking follow
whichever image the viewer is aligned to.
"""

from __future__ import annotations

import os

import numpy as np
from glue.config import viewer_tool
from glue.core import HubListener
from glue.core.message import Message
from glue_jupyter.bqplot.common.tools import CheckableTool
from jdaviz.core.marks import PluginScatter

__all__ = [
    "PICK_TOOL_ID",
    "CatalogHighlight",
    "CatalogSourcePicked",
    "PickCatalogSource",
    "highlight_sources",
    "image_viewers",
    "nearest_source",
    "pixel_positions",
    "sky_positions",
]

PICK_TOOL_ID = "glue_mast:pick_catalog_source"
#: The ring's colour: Jdaviz's accent orange (its table-selection highlight), apart from the
#: blue and glue-layer colours markers are drawn in.
HIGHLIGHT_COLOR = "#c75d2c"
#: A click picks the nearest source only within this fraction of the view's width of it.
PICK_TOLERANCE = 0.03


class CatalogHighlight(PluginScatter):
    """The ring drawn around each selected catalog source on one image viewer."""

    def __init__(self, viewer, **kwargs):
        kwargs.setdefault("marker", "circle")
        kwargs.setdefault("colors", [HIGHLIGHT_COLOR])
        kwargs.setdefault("default_size", 160)
        kwargs.setdefault("fill", False)
        kwargs.setdefault("stroke_width", 3)
        super().__init__(viewer, **kwargs)


class CatalogSourcePicked(Message):
    """A click at ``(x, y)`` (pixels of ``viewer``'s reference data) with the pick tool on."""

    def __init__(self, x, y, viewer, *args, **kwargs):
        self.x, self.y, self.viewer = float(x), float(y), viewer
        super().__init__(*args, **kwargs)


@viewer_tool
class PickCatalogSource(CheckableTool, HubListener):
    """Click near a catalog marker to select (or unselect) its row in the Catalogs section."""

    icon = os.path.join(
        os.path.dirname(__import__("jdaviz").__file__), "data", "icons", "catalog_select.svg"
    )
    tool_id = PICK_TOOL_ID
    action_text = "Select a catalog row by clicking its source"
    tool_tip = "Click near a source to select or unselect its row in MAST Search's Catalogs"

    def activate(self):
        self.viewer.add_event_callback(self.on_mouse_event, events=["click"])

    def deactivate(self):
        self.viewer.remove_event_callback(self.on_mouse_event)

    def on_mouse_event(self, data):
        domain = data["domain"]
        self.viewer.session.hub.broadcast(
            CatalogSourcePicked(domain["x"], domain["y"], self.viewer, sender=self)
        )


def image_viewers(app):
    """The image viewers of a Jdaviz application (``app._app``)."""
    return [v for v in app._viewer_store.values() if "ImageView" in type(v).__name__]


def pixel_positions(viewer, ra, dec):
    """``(x, y)`` in ``viewer``'s reference pixels of sky positions in degrees, or None when
    the viewer shows no image with a celestial WCS."""
    from astropy.coordinates import SkyCoord

    reference = viewer.state.reference_data
    coords = getattr(reference, "coords", None)
    if coords is None or not hasattr(coords, "world_to_pixel"):
        return None
    try:
        x, y = coords.world_to_pixel(SkyCoord(ra, dec, unit="deg"))[:2]
    except Exception:  # not a celestial WCS (a spectral cube's 1-D coords, say)
        return None
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def sky_positions(table, indexes=None):
    """``(ra, dec)`` in degrees of a catalog page's rows (all, or those at ``indexes``), from
    the columns its ``meta["position"]`` names; masked values as NaN."""
    names = table.meta.get("position") or ("ra", "dec")
    rows = np.arange(len(table)) if indexes is None else np.asarray(indexes, dtype=int)
    out = []
    for name in names:
        values = np.ma.asarray(table[name]).astype(float).filled(np.nan)
        out.append(values[rows] if len(rows) else values[:0])
    return out[0], out[1]


def _mark(viewer):
    for mark in viewer.figure.marks:
        if isinstance(mark, CatalogHighlight):
            return mark
    mark = CatalogHighlight(viewer)
    viewer.figure.marks = [*viewer.figure.marks, mark]
    return mark


def highlight_sources(app, ra, dec):
    """Ring the sources at ``ra``, ``dec`` (degrees) on every image viewer of ``app``; empty
    arrays take the rings away.

    Returns
    -------
    dict
        Per viewer reference name, how many rings it draws.
    """
    ra, dec = np.asarray(ra, dtype=float), np.asarray(dec, dtype=float)
    drawn = {}
    for viewer in image_viewers(app):
        xy = pixel_positions(viewer, ra, dec) if len(ra) else None
        existing = [m for m in viewer.figure.marks if isinstance(m, CatalogHighlight)]
        if xy is None:
            for mark in existing:
                mark.update_xy([], [])
                mark.visible = False
            drawn[viewer.reference] = 0
            continue
        mark = _mark(viewer)
        keep = np.isfinite(xy[0]) & np.isfinite(xy[1])
        mark.update_xy(xy[0][keep], xy[1][keep])
        mark.visible = True
        drawn[viewer.reference] = int(keep.sum())
    return drawn


def nearest_source(viewer, ra, dec, x, y):
    """Index of the source nearest the click ``(x, y)`` on ``viewer``, or None when none lies
    within `PICK_TOLERANCE` of the view's width of it."""
    xy = pixel_positions(viewer, np.asarray(ra, dtype=float), np.asarray(dec, dtype=float))
    if xy is None or not len(xy[0]):
        return None
    distance = np.hypot(xy[0] - x, xy[1] - y)
    if not np.isfinite(distance).any():
        return None
    index = int(np.nanargmin(distance))
    width = abs(viewer.state.x_max - viewer.state.x_min) or 1.0
    return index if distance[index] <= PICK_TOLERANCE * width else None
