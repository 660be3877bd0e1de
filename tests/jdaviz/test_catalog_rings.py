"""Selected catalog rows are ringed on image viewers that come after the selection too."""

import numpy as np
from astropy.io import fits
from astropy.wcs import WCS

from .test_catalog_markers import TW_HYA, _rings


def _image_file(tmp_path, name, scale=1.0):
    """A 200 x 200 image centred on TW Hya, ``scale`` arcsec a pixel."""
    wcs = WCS(naxis=2)
    wcs.wcs.ctype = ["RA---TAN", "DEC--TAN"]
    wcs.wcs.crval = list(TW_HYA)
    wcs.wcs.crpix = [100.5, 100.5]
    wcs.wcs.cdelt = [-scale / 3600, scale / 3600]
    path = tmp_path / name
    fits.PrimaryHDU(np.ones((200, 200)), header=wcs.to_header()).writeto(path)
    return str(path)


def _viewer_showing(app, label):
    [viewer] = [v for v in app.viewers.values() if label in v.data_menu.data_labels_loaded]
    return viewer


def _expected(viewer, rows, indexes):
    wcs = viewer._obj.glue_viewer.state.reference_data.coords
    x, y = wcs.world_to_pixel_values(rows["ra"][indexes], rows["dec"][indexes])
    return sorted(zip(np.atleast_1d(x), np.atleast_1d(y), strict=True))


def test_rings_are_drawn_on_image_viewers_added_after_the_selection(app, local_mast, tmp_path):
    cat = app.plugins["MAST Search"].catalogs
    cat.catalog, cat.target, cat.radius = "Gaia", "TW Hya", "0.05 deg"
    cat.search()
    cat.select([0, 2])  # no image yet: nothing to ring
    assert cat.highlighted == {}
    rows = cat.state.rows

    app.load(_image_file(tmp_path, "first.fits"), format="Image", data_label="first")
    first = _viewer_showing(app, "first")
    assert np.allclose(sorted(_rings(first)), _expected(first, rows, [0, 2]), atol=1e-6)

    # a second image viewer, made after the selection: ringed too, at its own pixels
    app.load(_image_file(tmp_path, "second.fits", scale=0.5), format="Image",
             data_label="second", viewer="Second image")
    second = _viewer_showing(app, "second")
    assert second is not first
    assert np.allclose(sorted(_rings(second)), _expected(second, rows, [0, 2]), atol=1e-6)
    assert cat.highlighted[second._obj.glue_viewer.reference] == 2

    # aligning the images by WCS changes each viewer's reference: the rings follow it
    app.plugins["Orientation"].align_by = "WCS"
    for viewer in (first, second):
        assert np.allclose(sorted(_rings(viewer)), _expected(viewer, rows, [0, 2]), atol=1e-6)
    cat.select([])
    assert _rings(first) == [] and _rings(second) == []


def _table_viewers_can_be_made(monkeypatch):
    """Jdaviz 5.0.2 sets its new viewer's ``figure_widget.layout.height``; ipyvue 1.13 gives a
    template widget (glue-jupyter's table) no layout (None) unless asked, so Jdaviz cannot make
    a table viewer with it. Give the table its layout, as ipyvue before 1.13 did."""
    from glue_jupyter.table.viewer import TableGlue
    from ipywidgets import Layout

    init = TableGlue.__init__

    def with_layout(self, *args, **kwargs):
        init(self, *args, **kwargs)
        if self.layout is None:
            self.layout = Layout()

    monkeypatch.setattr(TableGlue, "__init__", with_layout)


def test_a_click_through_jdaviz_table_viewer_selects_the_row(
    app, local_mast, tmp_path, monkeypatch
):
    """Jdaviz's hook for a click on a catalog marker: its table viewer's row tools put
    ``jdaviz:select_table_row`` in the image viewers; the row it checks is selected here."""
    _table_viewers_can_be_made(monkeypatch)
    cat = app.plugins["MAST Search"].catalogs
    cat.catalog, cat.target, cat.radius = "Gaia", "TW Hya", "0.05 deg"
    cat.search()
    app.load(_image_file(tmp_path, "first.fits"), format="Image", data_label="first")
    cat.select([1, 3, 4])  # shown on the images: these three rows
    label = cat.show_on_images()
    cat.select([])
    creator = app.new_viewers["Table"]
    creator.dataset = label
    creator.viewer_label = "Catalog table"
    creator()
    table_viewer = app.viewers["Catalog table"]._obj.glue_viewer
    image = _viewer_showing(app, "first")._obj.glue_viewer
    table_viewer.toolbar.tools["jdaviz:table_highlight_selected"].activate()
    tool = image.toolbar.tools["jdaviz:select_table_row"]
    assert image.toolbar.active_tool_id == "jdaviz:select_table_row"

    rows = cat.state.rows
    wcs = image.state.reference_data.coords
    x, y = wcs.world_to_pixel_values(rows["ra"][3], rows["dec"][3])
    tool.on_mouse_event({"event": "click", "domain": {"x": float(x) + 0.3, "y": float(y)}})
    assert table_viewer.widget_table.checked == [1]  # the dataset's second row: page row 3
    assert cat.state.selected == [3]
    assert [item["key"] for item in cat.selected_items] == [3]
    assert len(_rings(_viewer_showing(app, "first"))) == 1
    tool.on_mouse_event({"event": "click", "domain": {"x": float(x), "y": float(y)}})
    assert cat.state.selected == []
    table_viewer.toolbar.restore_tools()
