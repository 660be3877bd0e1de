"""A heading click in the glue-qt dialog's results: one page sorts where it is; several pages
are searched again sorted, so page 1 starts the order of every row (MAST cannot sort)."""

from qtpy import QtCore

import glue_mast


def _click_heading(qtbot, table, heading):
    header = table.horizontalHeader()
    model = table.model()
    section = [model.headerData(c, QtCore.Qt.Horizontal) for c in range(model.columnCount())]
    x = header.sectionViewportPosition(section.index(heading)) + 5
    qtbot.mouseClick(header.viewport(), QtCore.Qt.LeftButton, pos=QtCore.QPoint(x, 5))


def test_several_pages_are_sorted_as_a_whole(qtbot, dialog, person, local_mast):
    d = dialog
    person.type_into(d.results.page_size, "3")
    person.search(d, "TW Hya", "0.1 deg")
    assert d.search_state.n_pages > 1
    everything = glue_mast.search("TW Hya", radius="0.1 deg").all()
    local_mast.clear_log()

    _click_heading(qtbot, d.results.table, "Obs ID")
    qtbot.waitUntil(lambda: d.search_state.sort == "obs_id" and not d.search_state.busy,
                    timeout=20000)
    assert local_mast.log  # asked again: every row, then sorted
    first = sorted(str(v) for v in everything["obs_id"])[:3]
    assert [str(v) for v in d.search_state.rows["obs_id"]] == first
    assert f"all {len(everything):,} rows sorted by obs_id" in d.results.hint.text()

    _click_heading(qtbot, d.results.table, "Obs ID")  # again: descending
    qtbot.waitUntil(lambda: d.search_state.sort == "-obs_id" and not d.search_state.busy,
                    timeout=20000)
    last = sorted((str(v) for v in everything["obs_id"]), reverse=True)[:3]
    assert [str(v) for v in d.search_state.rows["obs_id"]] == last
    assert "(descending)" in d.results.hint.text()


def test_one_page_sorts_where_it_is(qtbot, dialog, person, local_mast):
    d = dialog
    person.search(d, "TW Hya", "0.1 deg")
    assert d.search_state.n_pages == 1
    local_mast.clear_log()
    _click_heading(qtbot, d.results.table, "Obs ID")
    person.settle(d)
    assert d.search_state.sort == ""
    assert local_mast.log == []
    model = d.results.table.model()
    column = [model.headerData(c, QtCore.Qt.Horizontal)
              for c in range(model.columnCount())].index("Obs ID")
    shown = [model.index(r, column).data() for r in range(model.rowCount())]
    assert shown == sorted(shown, key=str.lower)  # as a person reads them: case aside
