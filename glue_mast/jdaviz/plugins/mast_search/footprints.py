"""The current page's observation footprints on Jdaviz's image viewers, picked by clicking.

With the plugin's "Footprints" switch on (``footprints_shown``), each observation of the page
is drawn from its ``s_region`` (`glue_mast.io.footprints`) in its collection's colour on
every image viewer whose reference image has a celestial WCS: the target's image when one is
loaded. When none is, an empty image with a tangent-plane WCS around the search position
(:data:`SKY_FRAME_LABEL`) is loaded to draw on. The marks are Jdaviz's own region overlays
(`jdaviz.core.marks.RegionOverlay`), so the viewer's toolbar gets Jdaviz's footprint tools
(nearest edge, and every footprint under the click), the same ones its astroquery loader
uses: their click messages select the observations in the results table (Ctrl/Cmd adds or
removes), which lists their products. Selecting rows in the table highlights their
footprints; a new page or search redraws.
"""

from __future__ import annotations

import numpy as np
from glue.core.hub import HubListener
from jdaviz.core.events import (
    ChangeRefDataMessage,
    FootprintOverlayClickMessage,
    SnackbarMessage,
)
from jdaviz.core.marks import RegionOverlay

from ....io.footprints import page_footprints

__all__ = ["SKY_FRAME_LABEL", "ObservationFootprint", "bind", "footprint_marks", "is_sky_frame"]

#: Label of the empty image drawn on when no image with a celestial WCS is loaded (Jdaviz
#: adds the extension, "[DATA]").
SKY_FRAME_LABEL = "MAST sky frame"
#: Key in that image's meta that tells it from an image of the sky.
SKY_FRAME_KEY = "glue_mast_sky_frame"
#: Pixels across that empty image (its scale follows the page's footprints).
SKY_FRAME_PIXELS = 400
#: The viewer toolbar while footprints are shown: Jdaviz's zoom and pan tools, then its two
#: footprint pickers (nearest edge first: a footprint inside a larger one can still be hit).
TOOLBAR_MODE = "MAST footprints"
PICK_TOOLS = ["jdaviz:selectregion", "jdaviz:skewerregion"]


class ObservationFootprint(RegionOverlay):
    """One shape of an observation's footprint, in its collection's colour.

    ``label`` is the observation's obsid (Jdaviz's pickers report the labels they hit); a
    selected footprint is drawn thicker and filled.
    """

    def __init__(self, viewer, *, obsid, colour, x, y, selected=False):
        # Per mark, not per class: RegionOverlay restyles from these when selection changes.
        self.default_style = dict(stroke_width=2, colors=[colour], fill_opacities=[0.0])
        self.selected_style = dict(stroke_width=4, colors=[colour], fill_opacities=[0.3])
        super().__init__(viewer, None, selected=selected, label=obsid, x=x, y=y)
        self.obsid = obsid
        self.colour = colour


def footprint_marks(viewer):
    """The footprint marks glue-mast drew on ``viewer``."""
    return [m for m in viewer.figure.marks if isinstance(m, ObservationFootprint)]


def bind(plugin):
    """Keep the plugin's footprints in step with its page, its selection and its switch."""
    drawer = _Footprints(plugin)
    plugin._footprints = drawer
    plugin.observe(lambda change: drawer.switch(change["new"]), "footprints_shown")
    plugin.search_state.add_callback("rows", lambda rows: drawer.redraw())
    plugin.search_state.add_callback("selected_obsids", lambda obsids: drawer.highlight())
    plugin.hub.subscribe(plugin, FootprintOverlayClickMessage, handler=drawer.picked)
    # A viewer's new reference data (images aligned by WCS since: its orientation layer) has
    # pixels of its own: the footprints are placed again on them.
    plugin.hub.subscribe(drawer, ChangeRefDataMessage, handler=drawer.reference_changed)
    return drawer


class _Footprints(HubListener):
    def __init__(self, plugin):
        self.plugin = plugin
        self.viewers = []  # the viewers drawn on, with their toolbars overridden
        self._frames_made = 0

    @property
    def app(self):
        return self.plugin._app

    def switch(self, shown):
        if shown:
            self.redraw()
        else:
            self.clear()
            self.plugin.footprints_text = ""

    def redraw(self):
        """Draw the current page's footprints (after clearing those of the last page)."""
        if not self.plugin.footprints_shown:
            return
        self.clear()
        footprints, missing = page_footprints(self.plugin.search_state.rows)
        if not footprints:
            self.plugin.footprints_text = _summary(footprints, missing)
            return
        viewers = self._sky_viewers(footprints) or self._sky_frame_viewers(footprints)
        selected = {str(o) for o in self.plugin.search_state.selected_obsids}
        for viewer in viewers:
            self._draw(viewer, footprints, selected)
        self.viewers = viewers
        self.plugin.footprints_text = _summary(footprints, missing)

    def clear(self):
        for viewer in self.viewers:
            viewer.figure.marks = [
                m for m in viewer.figure.marks if not isinstance(m, ObservationFootprint)
            ]
            if viewer.toolbar.tool_override_mode == TOOLBAR_MODE:
                viewer.toolbar.restore_tools(all_viewers=False)
        self.viewers = []

    def highlight(self):
        """Selected observations' footprints thick, filled and on top; the others plain."""
        selected = {str(o) for o in self.plugin.search_state.selected_obsids}
        for viewer in self.viewers:
            marks = footprint_marks(viewer)
            for mark in marks:
                mark.selected = mark.obsid in selected
            others = [m for m in viewer.figure.marks if not isinstance(m, ObservationFootprint)]
            viewer.figure.marks = others + sorted(marks, key=lambda m: bool(m.selected))

    def reference_changed(self, msg):
        if msg.viewer in self.viewers:
            self.redraw()

    def picked(self, msg):
        """A click of Jdaviz's footprint tools: select the observations it hit."""
        viewer = getattr(msg.sender, "viewer", None)
        if viewer not in self.viewers:
            return
        from jdaviz.utils import find_closest_polygon_mark, find_polygon_mark_with_skewer

        marks = footprint_marks(viewer)
        if msg.mode == "skewer":
            hit = find_polygon_mark_with_skewer(msg.x, msg.y, viewer, marks) or []
        else:
            nearest = find_closest_polygon_mark(msg.x, msg.y, marks)
            hit = [] if nearest is None else [nearest]
        current = [str(o) for o in self.plugin.search_state.selected_obsids]
        if msg.ctrl_key:  # toggle: add what was hit, or remove it if all of it was selected
            if set(hit) <= set(current):
                chosen = [o for o in current if o not in hit]
            else:
                chosen = current + [o for o in hit if o not in current]
        elif hit or msg.mode == "skewer":  # a skewer click outside every footprint clears
            chosen = list(dict.fromkeys(hit))
        else:
            return
        rows = self.plugin.results
        order = [] if rows is None else [str(o) for o in rows["obsid"]]
        keys = [order.index(o) for o in chosen if o in order]
        self.plugin._start_safely(lambda: self.plugin._select_observations(keys))

    # -- where to draw --------------------------------------------------------------------

    def _sky_viewers(self, footprints):
        """Image viewers whose reference data has a celestial WCS."""
        from jdaviz.core.template_mixin import _is_image_viewer

        out = []
        for viewer in self.app._viewer_store.values():
            if not _is_image_viewer(viewer):
                continue
            coords = getattr(viewer.state.reference_data, "coords", None)
            if _is_celestial(coords) and not self._is_stale_frame(viewer, footprints):
                out.append(viewer)
        return out

    @staticmethod
    def _is_stale_frame(viewer, footprints):
        """True for a sky frame that does not hold every footprint (it is replaced)."""
        from astropy.coordinates import SkyCoord

        data = viewer.state.reference_data
        if not is_sky_frame(data):
            return False
        ra, dec = _vertices(footprints)
        x, y = data.coords.world_to_pixel(SkyCoord(ra, dec, unit="deg"))
        edge = SKY_FRAME_PIXELS - 0.5
        inside = (x > -0.5) & (x < edge) & (y > -0.5) & (y < edge)
        return not bool(np.all(inside))

    def _sky_frame_viewers(self, footprints):
        """Load an empty image around the page's footprints; its viewer(s)."""
        from astropy.nddata import NDData

        helper = self.app._jdaviz_helper
        old = [data for data in self.app.data_collection if is_sky_frame(data)]
        image = NDData(
            np.zeros((SKY_FRAME_PIXELS, SKY_FRAME_PIXELS), dtype=np.float32),
            wcs=_frame_wcs(self._centre(footprints), footprints),
        )
        # A new label each time, and the old frame removed only after the new one is shown:
        # Jdaviz does not show a dataset again under the label of one just removed.
        self._frames_made += 1
        label = SKY_FRAME_LABEL + (f" {self._frames_made}" if self._frames_made > 1 else "")
        before = set(self.app.data_collection.labels)
        helper.load(image, format="Image", data_label=label)
        for data in self.app.data_collection:
            if data.label not in before:
                data.meta[SKY_FRAME_KEY] = True
        for data in old:
            self.app.data_item_remove(data.label)  # Jdaviz's own removal: viewers and links too
        self.app.hub.broadcast(
            SnackbarMessage(
                "no image with sky coordinates is loaded: footprints are drawn on an empty "
                f"sky frame ({SKY_FRAME_LABEL!r})",
                color="info",
                sender=self.plugin,
            )
        )
        return self._sky_viewers(footprints)

    def _centre(self, footprints):
        """The search position (where the target resolved), else the footprints' middle."""
        query = getattr(self.plugin.search_state, "_query", None)
        position = getattr(query, "coordinates", None)
        if position is not None:
            return position.icrs
        return _mean(*_vertices(footprints))

    # -- drawing ----------------------------------------------------------------------------

    def _draw(self, viewer, footprints, selected):
        from astropy.coordinates import SkyCoord

        wcs = viewer.state.reference_data.coords
        marks = []
        for footprint in footprints:
            for ra, dec in footprint.vertex_lists():
                x, y = wcs.world_to_pixel(SkyCoord(ra, dec, unit="deg"))
                if not np.all(np.isfinite(x) & np.isfinite(y)):
                    continue  # behind the projection: not on this image's sky
                marks.append(
                    ObservationFootprint(
                        viewer,
                        obsid=footprint.obsid,
                        colour=footprint.colour,
                        x=np.asarray(x, dtype=float),
                        y=np.asarray(y, dtype=float),
                        selected=footprint.obsid in selected,
                    )
                )
        others = [m for m in viewer.figure.marks if not isinstance(m, ObservationFootprint)]
        viewer.figure.marks = others + sorted(marks, key=lambda m: bool(m.selected))
        toolbar = viewer.toolbar
        if toolbar.tool_override_mode != TOOLBAR_MODE:
            toolbar.override_tools(
                [*toolbar._original_tools_nested[:3], PICK_TOOLS],
                TOOLBAR_MODE,
                [PICK_TOOLS[0]],
            )


def is_sky_frame(data):
    """True for the empty sky frame glue-mast loaded to draw footprints on."""
    return bool(getattr(data, "meta", {}).get(SKY_FRAME_KEY))


def _is_celestial(coords):
    try:
        types = coords.world_axis_physical_types
    except AttributeError:
        return False
    return "pos.eq.ra" in types and "pos.eq.dec" in types


def _vertices(footprints):
    """Every footprint's vertices: (ra, dec) arrays in degrees."""
    points = [np.column_stack(v) for f in footprints for v in f.vertex_lists(16)]
    return tuple(np.concatenate(points).T)


def _mean(ra, dec):
    """The middle of points on the sphere (a mean of unit vectors: right across RA 0)."""
    from astropy.coordinates import SkyCoord, UnitSphericalRepresentation

    points = SkyCoord(ra, dec, unit="deg").cartesian
    mean = points.mean()
    return SkyCoord(mean.represent_as(UnitSphericalRepresentation), frame="icrs")


def _frame_wcs(centre, footprints):
    """A TAN WCS, north up, centred on ``centre``, wide enough for every footprint."""
    from astropy.coordinates import SkyCoord
    from astropy.wcs import WCS

    ra, dec = _vertices(footprints)
    reach = SkyCoord(ra, dec, unit="deg").separation(centre).deg.max()
    half = min(max(1.15 * reach, 5.0 / 3600.0), 60.0)  # degrees: 5 arcsec to 60 deg
    scale = 2.0 * half / SKY_FRAME_PIXELS
    wcs = WCS(naxis=2)
    wcs.wcs.ctype = ["RA---TAN", "DEC--TAN"]
    wcs.wcs.crval = [centre.ra.deg, centre.dec.deg]
    wcs.wcs.crpix = [(SKY_FRAME_PIXELS + 1) / 2.0] * 2
    wcs.wcs.cdelt = [-scale, scale]
    wcs.wcs.cunit = ["deg", "deg"]
    wcs.wcs.radesys = "ICRS"
    return wcs


def _summary(footprints, missing):
    """One line: how many footprints are drawn, in which colour each collection is (the
    viewer has no legend), and which rows are not drawn, and why."""
    from ....io.footprints import COLOUR_NAMES

    n = len(footprints)
    text = f"{n} footprint{'s' if n != 1 else ''} drawn"
    counts = {}
    for footprint in footprints:
        key = (footprint.collection, footprint.colour)
        counts[key] = counts.get(key, 0) + 1
    if counts:
        text += ": " + ", ".join(
            f"{collection} {COLOUR_NAMES.get(colour, colour)} ({k})"
            for (collection, colour), k in counts.items()
        )
    if missing:
        text += f"; {len(missing)} not drawn: " + "; ".join(str(m) for m in missing[:3])
        if len(missing) > 3:
            text += f"; and {len(missing) - 3} more"
    return text
