"""The page's footprints on Jdaviz's image viewers: drawn, picked by clicking, redrawn by paging.

Clicks go through the viewer's own toolbar tools (Jdaviz's footprint pickers), which send the
click message a person's click sends.
"""

import time

import numpy as np

from glue_mast.io.footprints import collection_colour
from glue_mast.jdaviz.loading import FILE_KEY
from glue_mast.jdaviz.plugins.mast_search.footprints import (
    PICK_TOOLS,
    TOOLBAR_MODE,
    footprint_marks,
    is_sky_frame,
)

I2D = "jw02925001001_02101_00001_nrs1_i2d.fits"


def _settle(plugin, timeout=120):
    deadline = time.monotonic() + timeout
    while plugin.busy or plugin.fetching:
        assert time.monotonic() < deadline, "the plugin's jobs did not finish"
        time.sleep(0.02)


def _viewer(plg):
    (viewer,) = plg._obj._footprints.viewers
    return viewer


def _drawn(viewer):
    """{obsid: [colour, selected]} of the footprint marks (one per observation)."""
    return {m.obsid: [m.colors[0], bool(m.selected)] for m in footprint_marks(viewer)}


def _frames(app):
    return [d for d in app._app.data_collection if is_sky_frame(d)]


def _click(viewer, x, y, tool=PICK_TOOLS[0], ctrl=False):
    viewer.toolbar.tools[tool].on_mouse_event(
        {"domain": {"x": float(x), "y": float(y)}, "ctrlKey": ctrl}
    )


def _far_vertex(viewer, obsid):
    """A vertex of ``obsid``'s footprint farthest from every other footprint (a sure pick)."""
    mine = [m for m in footprint_marks(viewer) if m.obsid == obsid]
    others = [m for m in footprint_marks(viewer) if m.obsid != obsid]
    xs = np.concatenate([m.x for m in mine])
    ys = np.concatenate([m.y for m in mine])
    ox = np.concatenate([m.x for m in others])
    oy = np.concatenate([m.y for m in others])
    distance = np.hypot(xs[:, None] - ox[None, :], ys[:, None] - oy[None, :]).min(axis=1)
    k = int(np.argmax(distance))
    return xs[k], ys[k]


def test_the_page_is_drawn_in_collection_colours_on_a_sky_frame(app, plg):
    plg.target = "TW Hya"
    plg.page_size = 5
    plg.search()
    assert not _frames(app)
    plg.footprints_shown = True
    # no image was loaded: an empty sky frame around the search position holds them
    (frame,) = _frames(app)
    assert frame.label.startswith("MAST sky frame")
    viewer = _viewer(plg)
    assert viewer.state.reference_data is frame
    rows = plg.results
    expected = {str(r["obsid"]): [collection_colour(r["obs_collection"]), False] for r in rows}
    assert _drawn(viewer) == expected
    assert {c for c, _ in expected.values()} == {collection_colour("HST"), collection_colour("IUE")}
    # a key to the colours: the viewer has no legend
    assert plg.footprints_text == "5 footprints drawn: HST blue (4), IUE reddish purple (1)"
    # every footprint lies on the frame, whose centre is the target
    for mark in footprint_marks(viewer):
        assert np.all((mark.x > 0) & (mark.x < 399) & (mark.y > 0) & (mark.y < 399))
    centre = viewer.state.reference_data.coords.pixel_to_world(199.5, 199.5)
    assert (centre.ra.deg, centre.dec.deg) == (165.46627, -34.70473) or np.allclose(
        (centre.ra.deg, centre.dec.deg), (165.46627, -34.70473)
    )
    # the toolbar offers Jdaviz's footprint pickers, the nearest-edge one active
    assert viewer.toolbar.tool_override_mode == TOOLBAR_MODE
    assert set(PICK_TOOLS) <= set(viewer.toolbar.tools)
    assert viewer.toolbar.active_tool_id == PICK_TOOLS[0]
    # switched off: gone, and the toolbar is the viewer's own again
    plg.footprints_shown = False
    assert footprint_marks(viewer) == []
    assert viewer.toolbar.tool_override_mode == ""


def test_clicking_a_footprint_selects_its_row_and_selecting_a_row_highlights_it(plg):
    plg.target = "TW Hya"
    plg.page_size = 5
    plg.search()
    plg.footprints_shown = True
    plugin = plg._obj
    viewer = _viewer(plg)
    stis = str(plg.results["obsid"][3])  # O5CW02010? a STIS/CCD 52-arcsec slit
    _click(viewer, *_far_vertex(viewer, stis))
    _settle(plugin)
    assert plugin.search_state.selected_obsids == [stis]
    assert [i["key"] for i in plugin.results_selected] == [3]
    assert _drawn(viewer)[stis][1] is True
    assert footprint_marks(viewer)[-1].obsid == stis  # drawn on top
    assert footprint_marks(viewer)[-1].stroke_width == 4
    assert len(plg.products)  # its products are listed, as for a row clicked in the table
    # Ctrl-click adds another; Ctrl-click on a selected one removes it
    other = str(plg.results["obsid"][2])
    _click(viewer, *_far_vertex(viewer, other), ctrl=True)
    _settle(plugin)
    assert sorted(plugin.search_state.selected_obsids) == sorted([stis, other])
    _click(viewer, *_far_vertex(viewer, stis), ctrl=True)
    _settle(plugin)
    assert plugin.search_state.selected_obsids == [other]
    # a click with the other picker outside every footprint clears the selection
    _click(viewer, 5, 5, tool=PICK_TOOLS[1])
    _settle(plugin)
    assert plugin.search_state.selected_obsids == []
    # the reverse: a row selected in the table is highlighted, the rest plain
    first = str(plg.results["obsid"][0])
    plg.select(observations=[0])
    selected = {o for o, (_, on) in _drawn(viewer).items() if on}
    assert selected == {first}
    plugin.vue_select([plugin.results_items[4]])
    _settle(plugin)
    assert {o for o, (_, on) in _drawn(viewer).items() if on} == {str(plg.results["obsid"][4])}


def test_paging_redraws_the_footprints_of_the_new_page(app, plg):
    plg.target = "TW Hya"
    plg.page_size = 3
    plg.search()
    plg.footprints_shown = True
    viewer = _viewer(plg)
    assert set(_drawn(viewer)) == {str(o) for o in plg.results["obsid"]}
    plg.page = 3
    assert len(plg.results) == 2
    # FUSE's 30-arcsec aperture is wider than page 1's footprints: a wider frame, one viewer
    viewer = _viewer(plg)
    assert set(_drawn(viewer)) == {str(o) for o in plg.results["obsid"]}
    assert len(_frames(app)) == 1 and list(app.viewers) == ["Image"]
    # a new search elsewhere: the old frame cannot hold it, so a new frame is made there
    plg.target = "AU Mic"
    plg.page_size = 10
    plg.search()
    viewer = _viewer(plg)
    assert set(_drawn(viewer)) == {str(o) for o in plg.results["obsid"]}
    # the JWST fixed-slit exposure has two slits on the sky: two marks, one observation
    jwst = [m for m in footprint_marks(viewer) if m.colors[0] == collection_colour("JWST")]
    assert len(jwst) == 2 and len({m.obsid for m in jwst}) == 1
    assert len(_frames(app)) == 1
    centre = viewer.state.reference_data.coords.pixel_to_world(199.5, 199.5)
    assert np.allclose((centre.ra.deg, centre.dec.deg), (311.28971, -31.34245))


def test_footprints_are_drawn_on_the_target_image_when_one_is_loaded(app, plg):
    plg.target = "AU Mic"
    plg.criteria = {"obs_collection": "JWST"}
    plg.search()
    plg._obj.mrp_only = False
    plg.select(observations=[0])
    plg.select(products=[I2D])
    plg.load_selected()
    (image,) = [
        d.label for d in app._app.data_collection if str(d.meta.get(FILE_KEY, "")).endswith(I2D)
    ]
    plg.criteria = {}
    plg.search()
    plg.footprints_shown = True
    viewer = _viewer(plg)
    # the image's viewer (its images aligned by WCS: the reference is Jdaviz's orientation)
    assert image in [layer.layer.label for layer in viewer.state.layers]
    assert not _frames(app)
    assert set(_drawn(viewer)) == {str(o) for o in plg.results["obsid"]}
