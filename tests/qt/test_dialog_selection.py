"""The products table of the glue-qt dialog: previewing a file keeps the selection.

The preview is the table's current row; the selection is what Load fetches. A person who
clicks through the files to look at them must still load every file selected.
"""

from qtpy import QtCore

from .test_dialog import obs_row


def _four_products(d, person):
    d.product_state.mrp_only = False  # COS's x1d beside its x1dsum: four files in all
    person.search(d, "TW Hya", "0.1 deg")
    person.click_rows(d.results.table, [obs_row(d, o) for o in ("LB4M01010", "swp54419",
                                                                 "OBF501020")])
    person.settle(d)
    assert d.product_state.selected_count == 4


def _previewed(d):
    row = d.products.current_row()
    return None if row is None else str(row["productFilename"])


def test_clicking_products_to_preview_them_keeps_every_selected_file_for_load(
    dialog, person, qtbot
):
    d = dialog
    _four_products(d, person)
    table = d.products.table
    for row in (2, 0, 3):
        person.click_rows(table, [row])
        person.settle(d)
        assert d.product_state.selected_count == 4
        assert d.product_state.selected_uris is None  # every filtered product
        assert d.products.selection_label.text().startswith("Selected: 4 files")
        shown = table.model().index(row, 0)
        assert _previewed(d) == str(d.product_state.filtered[
            d.products.proxy.mapToSource(shown).row()]["productFilename"])
        assert d.preview_state.title or d.preview_state.error
    # The arrow keys move the preview too, and keep the selection.
    table.setFocus()
    qtbot.keyClick(table, QtCore.Qt.Key_Up)
    person.settle(d)
    assert d.product_state.selected_count == 4
    assert table.currentIndex().row() == 2
    # Ctrl-click takes one out, Space puts the current one back.
    person.click_rows(table, [1], add=True)
    assert d.product_state.selected_count == 3
    qtbot.keyClick(table, QtCore.Qt.Key_Space)
    assert d.product_state.selected_count == 4
    # None, then Ctrl-click the two to load; a plain click to preview another keeps them.
    person.click(d.products.select_none)
    person.click_rows(table, [0, 3], add=True)
    person.click_rows(table, [1])
    person.settle(d)
    assert d.product_state.selected_count == 2
    assert _previewed(d) not in {str(n) for n in d.product_state.selected["productFilename"]}
    person.click(d.products.select_all)
    assert d.product_state.selected_count == 4 and d.product_state.selected_uris is None
