"""Searches and pages in the glue-qt dialog: cancelled from the dialog, fetched by number.

A search or a page MAST is slow to answer can be stopped from beside the line that says it
is on its way; the dialog then says so at once (the request in flight may take as long as
the server does to return, and its answer is dropped), with no count, page or "Searching…"
left of the stopped search, and the page shown kept when a page fetch is stopped. The local
archive keeps answering "EXECUTING" to the page requests (``faults.executing``) until reset.
"""

from qtpy import QtCore

#: The pages of a target search with no criteria (its count asks Mast.Caom.Filtered.Position).
PAGES = "Mast.Caom.Cone"
STILL_WORKING = 10**6  # EXECUTING answers: until faults.reset()


def _start_search(person, d, target, radius):
    person.type_into(d.search_form.target, target)
    person.type_into(d.search_form.radius, radius)
    person.click(d.search_form.search_button)


def test_a_search_is_cancelled_from_beside_its_line_and_leaves_nothing_half_done(
    dialog, person, local_mast, qtbot, stall_meter, shoot
):
    d = dialog
    form, results = d.search_form, d.results
    assert form.cancel_button.isHidden()
    local_mast.faults.executing(STILL_WORKING, match=PAGES)
    meter = stall_meter.start()
    _start_search(person, d, "TW Hya", "0.1 deg")
    # The count comes (another service), the first page does not.
    waiting = "8 observations, fetching the first page\N{HORIZONTAL ELLIPSIS}"
    qtbot.waitUntil(lambda: form.count_label.text() == waiting, timeout=20000)
    assert form.cancel_button.isVisible() and form.cancel_button.isEnabled()
    shoot(d, "search-running")
    person.click(form.cancel_button)
    # Said at once, while the request in flight is still being answered "EXECUTING".
    assert d.search_state.busy
    assert form.count_label.text() == "Search cancelled" and form.cancel_button.isHidden()
    assert d.search_state.count is None and d.search_state.n_pages is None
    assert results.page_label.text() == "Page \N{EN DASH}"
    assert results.hint.text() == "Search to list observations"
    assert not results.next_page.isEnabled() and not results.page_box.isEnabled()
    qtbot.wait(300)  # a poll or two more: still nothing comes back
    assert form.count_label.text() == "Search cancelled"
    local_mast.faults.reset()
    qtbot.waitUntil(lambda: not d.search_state.busy, timeout=20000)
    assert meter.stop() < 0.5 and meter.longest_cpu < 0.1  # the GUI thread never waited
    # The answer that came after all is dropped; the error line says nothing.
    assert d.search_state.rows is None and d.search_state.error == ""
    assert form.count_label.text() == "Search cancelled" and results.model.rowCount() == 0
    # The next search runs as usual.
    person.search(d)
    assert form.count_label.text() == "8 observations" and results.model.rowCount() == 8


def test_a_search_cancelled_before_its_count_says_searching_no_more(
    dialog, person, local_mast, qtbot
):
    d = dialog
    local_mast.faults.stall(30, times=10, match="/api/v0/invoke")  # even the name lookup
    _start_search(person, d, "TW Hya", "0.1 deg")
    qtbot.waitUntil(lambda: d.search_form.cancel_button.isVisible(), timeout=5000)
    assert d.search_form.count_label.text() == "Searching\N{HORIZONTAL ELLIPSIS}"
    person.click(d.search_form.cancel_button)
    assert d.search_form.count_label.text() == "Search cancelled"
    local_mast.faults.reset()
    qtbot.waitUntil(lambda: not d.search_state.busy, timeout=20000)
    assert d.search_form.count_label.text() == "Search cancelled"


def test_fetching_page_n_shows_under_the_old_page_and_cancel_keeps_it(
    dialog, person, local_mast, qtbot, shoot
):
    d = dialog
    results = d.results
    person.type_into(results.page_size, "5")
    person.search(d, "TW Hya", "0.1 deg")
    assert results.page_label.text() == "Page 1 of 2" and results.model.rowCount() == 5
    first_page = list(d.search_state.rows["obsid"])
    local_mast.faults.executing(STILL_WORKING, match=PAGES)
    person.click(results.next_page)
    qtbot.waitUntil(lambda: d.search_state.loading_page == 2, timeout=5000)
    # The old page stays in sight while page 2 is fetched, and the line says which comes.
    assert results.hint.text() == "Fetching page 2\N{HORIZONTAL ELLIPSIS}"  # rows: None, once
    assert results.model.rowCount() == 5 and results.cancel_page.isVisible()
    assert d.search_form.cancel_button.isHidden()  # the page's own Cancel is beside it
    shoot(results, "fetching-page")
    person.click(results.cancel_page)
    assert results.cancel_page.isHidden() and "Fetching" not in results.hint.text()
    assert results.page_label.text() == "Page 1 of 2" and results.next_page.isEnabled()
    local_mast.faults.reset()
    qtbot.waitUntil(lambda: not d.search_state.busy, timeout=20000)
    assert d.search_state.page == 1 and list(d.search_state.rows["obsid"]) == first_page
    assert d.search_form.count_label.text() == "8 observations"
    # Another page after the cancel comes as usual.
    person.click(results.next_page)
    qtbot.waitUntil(lambda: d.search_state.page == 2 and not d.search_state.busy, timeout=20000)
    assert results.model.rowCount() == 3


def test_a_page_number_typed_goes_there_and_a_bad_one_says_why_beside_it(
    dialog, person, local_mast, qtbot
):
    d = dialog
    results = d.results
    box, error = results.page_box, results.errors["page"]
    person.type_into(results.page_size, "3")
    person.search(d, "TW Hya", "0.1 deg")
    assert results.page_label.text() == "Page 1 of 3" and box.isEnabled()

    def enter(text):
        person.type_into(box, text)
        qtbot.keyClick(box, QtCore.Qt.Key_Return)
        person.settle(d)

    enter("3")
    assert d.search_state.page == 3 and results.page_label.text() == "Page 3 of 3"
    assert results.model.rowCount() == 2 and error.isHidden()
    enter("9")
    assert not error.isHidden()
    assert error.text() == "page 9 is past the end: there are 3 pages"
    assert d.search_state.page == 3  # the page shown stays
    # Correcting it clears the line; the search form's error line stays quiet throughout.
    person.type_into(box, "2")
    assert error.isHidden() and d.search_form.errors["search"].isHidden()
    qtbot.keyClick(box, QtCore.Qt.Key_Return)
    person.settle(d)
    assert d.search_state.page == 2 and results.model.rowCount() == 3
    enter("two")
    assert error.text() == "page must be a whole number from 1, got 'two'"
    enter("1")
    assert d.search_state.page == 1 and error.isHidden()
