"""The Catalogs tab of the dialog, driven as a person would, on the local archive (offscreen)."""

from qtpy import QtCore

from glue_mast.provenance.tables import record_of


def _invokes(archive, service):
    return [r for r in archive.requests(path="/api/v0/invoke") if r.service == service]


def _row_of(tab, column_name, value):
    model = tab.table.model()
    column = [c.heading for c in tab.model.columns].index(column_name)
    for row in range(model.rowCount()):
        if model.index(row, column).data() == value:
            return row
    raise KeyError(value)


def test_count_search_page_load_and_search_around(dialog, person, qtbot, local_mast, shoot):
    d = dialog
    tab = d.catalogs_tab
    d.tabs.setCurrentWidget(tab)
    tab.catalog.setCurrentText("Gaia")
    assert d.catalog_state.catalog == "Gaia"
    assert [tab.version.itemText(i) for i in range(tab.version.count())] == [
        "newest (DR3)", "DR3", "DR2"
    ]
    person.type_into(tab.target, "TW Hya")
    person.type_into(tab.radius, "0.05 deg")
    local_mast.clear_log()
    qtbot.mouseClick(tab.count_button, QtCore.Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.status.text().startswith("6 rows"), timeout=20000)
    assert tab.model.rowCount() == 0
    assert len(_invokes(local_mast, "Mast.Catalogs.GaiaDR3.Cone")) == 1

    d.catalog_state.page_size = 4
    qtbot.mouseClick(tab.search_button, QtCore.Qt.LeftButton)
    # The page lands before its job has ended: paging is offered once it has.
    qtbot.waitUntil(lambda: tab.model.rowCount() == 4 and not d.catalog_state.busy,
                    timeout=20000)
    assert tab.page_label.text() == "page 1 of 2" and tab.next_button.isEnabled()
    qtbot.mouseClick(tab.next_button, QtCore.Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2, timeout=20000)
    assert d.catalog_state.page == 2 and not tab.next_button.isEnabled()
    qtbot.mouseClick(tab.previous_button, QtCore.Qt.LeftButton)
    qtbot.waitUntil(lambda: d.catalog_state.page == 1 and tab.model.rowCount() == 4, timeout=20000)

    # TW Hya is the brightest star: select its row and one other, and load them.
    row = _row_of(tab, "phot_g_mean_mag", "10.5")
    tab.table.selectRow(row)
    shoot(d, "catalogs-tab")
    assert len(d.catalog_state.selected) == 1
    qtbot.mouseClick(tab.load_button, QtCore.Qt.LeftButton)
    [data] = tab.loaded
    assert data in d.data_collection and data.size == 1
    assert record_of(data)["catalog"] == "Gaia" and "Loaded 1 row into" in tab.status.text()

    qtbot.mouseClick(tab.around_button, QtCore.Qt.LeftButton)
    assert d.tabs.currentIndex() == 0  # the observations, where the answer shows
    qtbot.waitUntil(lambda: d.search_state.count == 8, timeout=20000)
    qtbot.waitUntil(lambda: d.results.table.model().rowCount() == 8, timeout=20000)
    shoot(d, "catalogs-around")


def test_errors_show_beside_their_field(dialog, person, qtbot):
    tab = dialog.catalogs_tab
    dialog.tabs.setCurrentWidget(tab)
    tab.catalog.setCurrentText("TIC")
    person.type_into(tab.coordinates, "nowhere at all")
    qtbot.mouseClick(tab.search_button, QtCore.Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.error_lines.shown() is not None, timeout=20000)
    name, text = tab.error_lines.shown()
    assert "could not read coordinates" in text
    person.type_into(tab.coordinates, "")
    person.type_into(tab.criteria, "Tmag 10")
    qtbot.mouseClick(tab.search_button, QtCore.Qt.LeftButton)
    assert tab.error_lines.shown() == ("error_criteria", tab.errors["criteria"].text())
    assert "field=value" in tab.errors["criteria"].text()
    qtbot.mouseClick(tab.around_button, QtCore.Qt.LeftButton)
    assert tab.error_lines.shown()[0] == "error_selected"


def test_the_tab_is_remembered_between_openings(qtbot, local_mast, person):
    from glue_mast.qt.dialog import MastImportDialog, forget_form, remembered_form

    forget_form()
    first = MastImportDialog()
    qtbot.addWidget(first)
    first.show()
    tab = first.catalogs_tab
    first.tabs.setCurrentWidget(tab)
    tab.catalog.setCurrentText("TIC")
    person.type_into(tab.coordinates, "165.466 -34.705")
    person.type_into(tab.radius, "0.05 deg")
    person.type_into(tab.criteria, "Tmag=10..12; objType=STAR,GALAXY")
    person.type_into(tab.around_radius, "10 arcsec")
    first.reject()
    assert remembered_form()["catalogs"]["inputs"]["catalog"] == "TIC"

    second = MastImportDialog()
    qtbot.addWidget(second)
    tab = second.catalogs_tab
    assert tab.catalog.currentText() == "TIC" and second.catalog_state.catalog == "TIC"
    assert tab.coordinates.text() == "165.466 -34.705" and tab.radius.text() == "0.05 deg"
    assert tab.criteria.text() == "Tmag=10..12; objType=STAR,GALAXY"
    assert second.catalog_state.criteria == {"Tmag": [10, 12], "objType": ["STAR", "GALAXY"]}
    assert tab.around_radius.text() == "10 arcsec"
    second.reject()
    forget_form()
    third = MastImportDialog()
    qtbot.addWidget(third)
    assert third.catalogs_tab.coordinates.text() == "" and third.catalogs_tab.criteria.text() == ""
    third.reject()


def test_the_tab_fits_a_1366x768_screen_with_a_cut_off_answer(dialog, person, qtbot, shoot):
    from glue_mast.qt.dialog import fitting_size

    from .test_dialog_states import LAPTOP_SCREEN, _inside

    d = dialog
    d.resize(*fitting_size(*LAPTOP_SCREEN))
    tab = d.catalogs_tab
    d.tabs.setCurrentWidget(tab)
    tab.catalog.setCurrentText("GALEX")
    person.type_into(tab.coordinates, "254.28771 -4.10031")
    person.type_into(tab.radius, "0.2 deg")
    person.type_into(tab.criteria, "max_results=20")
    d.catalog_state.page_size = 10
    qtbot.mouseClick(tab.search_button, QtCore.Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 10, timeout=20000)
    tab.table.selectRow(2)
    person.settle(d)
    assert "at most 20 rows" in tab.warning.text() and _inside(tab.warning, d)
    for widget in (tab.search_button, tab.count_button, tab.criteria, tab.next_button,
                   tab.page_label, tab.load_button, tab.around_radius, tab.around_button):
        assert _inside(widget, d), widget.objectName()
    assert tab.table.height() >= 150  # several rows in sight, not a sliver
    assert tab.load_button.text() == "Load 1 selected row as table"
    # A computed distance reads to 7 decimals, not the 15 digits of its float.
    column = [c.heading for c in tab.model.columns].index("distance_arcmin")
    distance = tab.table.model().index(0, column).data()
    assert len(distance.split(".")[1]) <= 7 and abs(float(distance) - 1.2766774) < 1e-7
    shoot(d, "catalogs-1366x768")
