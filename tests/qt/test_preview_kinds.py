"""The glue-qt preview of a cube (its spectrum and white-light image), a 2-D spectrum (with its
trace) and a sky image, as a person clicks their rows: AU Mic's JWST products."""

import numpy as np
import pytest
from qtpy import QtCore


def _view_row(table, text):
    """The view row of ``table`` with a cell reading ``text``."""
    model = table.model()
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            if model.index(row, column).data() == text:
                return row
    raise AssertionError(f"{text} is not in the table")


@pytest.mark.parametrize(
    ("name", "kind", "pictured"),
    [
        ("jw02925-o001_t001_nirspec_g395h-f290lp_s3d.fits", "spectral cube",
         "White-light image"),
        ("jw02925-o001_t001_nirspec_g395h-f290lp_s2d.fits", "2-D spectrum", "2-D spectrum"),
        ("jw02925001001_02101_00001_nrs1_i2d.fits", "image", "Image"),
    ],
)
def test_a_product_with_sky_or_slit_axes_previews_as_a_picture(
    dialog, person, local_mast, qtbot, shoot, name, kind, pictured
):
    d = dialog
    d.product_state.mrp_only = False  # every calibrated product (MAST recommends the x1d)
    person.search(d, "AU Mic", "0.1 deg")
    person.click_rows(d.results.table,
                      [_view_row(d.results.table, "jw02925-o001_t001_nirspec_g395h-f290lp")])
    person.settle(d)
    person.click_rows(d.products.table, [_view_row(d.products.table, name)])
    qtbot.waitUntil(lambda: d.preview.pictured == pictured, timeout=30000)
    assert d.preview.drawn[0] == kind
    assert d.preview_state.picture.ndim == 2
    assert not d.preview.pixmap().isNull()
    if kind == "2-D spectrum":
        assert np.isfinite(d.preview_state.trace).sum() > 100
    shoot(d.preview, f"preview-{kind.replace(' ', '-')}")


def test_the_stis_echelle_preview_says_under_the_plot_that_it_merges_orders(
    dialog, person, local_mast, qtbot, shoot
):
    d = dialog
    person.search(d, "TW Hya", "0.2 deg")
    person.click_rows(d.results.table, [_view_row(d.results.table, "O5CW01010")])
    person.settle(d)
    person.click_rows(d.products.table, [_view_row(d.products.table, "o5cw01010_x1d.fits")])
    qtbot.waitUntil(lambda: d.preview.drawn and d.preview.drawn[0] == "spectrum",
                    timeout=30000)
    assert d.preview_state.note == "8 echelle orders merged into one line"
    assert d.preview_note.text() == d.preview_state.note and d.preview_note.isVisible()
    # below the plot, inside the Preview box
    box = d.preview.parentWidget()
    note = QtCore.QRect(d.preview_note.mapTo(box, QtCore.QPoint(0, 0)), d.preview_note.size())
    assert note.top() >= d.preview.geometry().bottom() and box.rect().contains(note)
    shoot(d.preview.parentWidget(), "preview-echelle")
    # a spectrum in one piece joins nothing: the note goes
    person.click_rows(d.results.table, [_view_row(d.results.table, "swp54419")])
    person.settle(d)
    person.click_rows(d.products.table, [0])
    qtbot.waitUntil(lambda: not d.preview_state.busy and d.preview.drawn[0] == "spectrum"
                    and d.preview_state.title != "HST STIS E140M TWHYA", timeout=30000)
    assert d.preview_note.text() == ""
