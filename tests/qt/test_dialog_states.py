"""The glue-qt dialog fits a small screen, and shows nothing stale.

A laptop's 1366x768 screen leaves about 700 px for a window: Load must be in sight with
every criterion open. An error, a progress bar or a preview is shown while its cause lasts:
a field fixed is no longer red, a cancelled download leaves no half-full bar, a new search
leaves no preview (nor preview error) of a product no longer listed.
"""

from qtpy import QtCore

from glue_mast.qt.dialog import fitting_size

from .conftest import LAPTOP_SCREEN
from .test_dialog import obs_row


def _inside(widget, window):
    """Whether ``widget`` is drawn wholly within ``window``'s area (not scrolled away)."""
    top_left = widget.mapTo(window, QtCore.QPoint(0, 0))
    rect = QtCore.QRect(top_left, widget.size())
    return widget.isVisible() and window.rect().contains(rect)


def test_load_and_its_summary_stay_in_sight_on_a_1366x768_screen(dialog, person, qtbot, shoot):
    d = dialog
    d.search_form.more_toggle.setChecked(True)  # every criterion open: the tallest form
    qtbot.wait(50)
    assert d.minimumSizeHint().height() <= 420
    size = fitting_size(*LAPTOP_SCREEN)
    assert size == (1180, 696)
    d.resize(*size)
    qtbot.waitUntil(lambda: (d.width(), d.height()) == size)
    person.search(d, "TW Hya", "0.1 deg")
    person.click_rows(d.results.table, [obs_row(d, "swp54419"), obs_row(d, "OBF501020")])
    person.settle(d)
    for widget in (d.load_button, d.cancel_button, d.close_button, d.download_dir):
        assert _inside(widget, d), widget.objectName()
    person.click_rows(d.products.table, [1])
    qtbot.waitUntil(lambda: d.preview.drawn and d.preview.drawn[0] == "spectrum", timeout=20000)
    person.click(d.load_button)
    person.settle(d)
    assert _inside(d.load_status, d) and d.load_status.text().startswith("2 files downloaded")
    d.search_form.more_toggle.setChecked(False)
    form = d.search_form
    qtbot.waitUntil(lambda: form.height() == form.sizeHint().height())
    shoot(d, "laptop-1366x768")


def test_a_field_fixed_is_no_longer_red(dialog, person):
    d = dialog
    person.search(d, "TW Hya", "0.1")  # no unit
    error = d.search_form.errors["radius"]
    assert not error.isHidden() and "radius" in error.text().lower()
    person.type_into(d.search_form.radius, "0.1 deg")
    assert error.isHidden() and d.search_state.error == ""
    # "Any field" takes field=value: a bad one is red until it is fixed, even back to what
    # it was before.
    d.search_form.more_toggle.setChecked(True)
    person.type_into(d.search_form.extra_criteria, "proposal_pi")
    extra = d.search_form.errors["extra_criteria"]
    assert not extra.isHidden()
    person.type_into(d.search_form.extra_criteria, "")
    assert extra.isHidden()


def test_a_cancelled_download_leaves_no_half_full_progress_bar(dialog, person, local_mast, qtbot):
    d = dialog
    d.product_state.mrp_only = False
    person.search(d, "TW Hya", "0.1 deg")
    person.click_rows(d.results.table, [obs_row(d, "LB4M01010")])
    person.settle(d)
    local_mast.faults.bandwidth = 40_000
    person.click(d.load_button)
    qtbot.waitUntil(lambda: d.progress_bar.value() > 0, timeout=15000)
    assert not d.progress_bar.isHidden()
    person.click(d.cancel_button)
    qtbot.waitUntil(lambda: d.load_job is None, timeout=5000)
    local_mast.faults.bandwidth = None
    assert d.load_status.text().startswith("Download cancelled")
    assert d.progress_bar.isHidden() and d.progress_bar.value() == 0


def test_a_preview_error_goes_when_its_product_is_no_longer_listed(
    dialog, person, local_mast, qtbot, tmp_path
):
    from glue_mast import config

    config.configure(cache_dir=tmp_path / "cache")
    d = dialog
    person.search(d, "TW Hya", "0.1 deg")
    person.click_rows(d.results.table, [obs_row(d, "swp54419")])
    person.settle(d)
    local_mast.faults.error(404, times=10, match="swp54419")
    person.click_rows(d.products.table, [0])
    person.settle(d)
    assert not d.preview_error.isHidden() and d.preview_state.error
    # The same product still listed (another observation added): the error stays.
    person.click_rows(d.results.table, [obs_row(d, "swp54419"), obs_row(d, "lwp31270")])
    person.settle(d)
    assert not d.preview_error.isHidden()
    # Another search: that product is gone, and so are its preview and its error.
    person.search(d, "TW Hya", "0.02 deg")
    assert d.preview_error.isHidden() and d.preview_state.error == ""
    person.click_rows(d.results.table, [obs_row(d, "OBF501020")])
    person.settle(d)
    assert d.preview_error.isHidden() and d.preview_state.error == ""
    assert d.preview.drawn == ("message", "Click a product to preview it")
