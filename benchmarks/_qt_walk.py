"""Driving the glue-qt dialog for bench_qt_dialog.py: events, and a walk of each collection.

``walk_collection`` searches one collection of the local archive, pages, selects, lists
every calibrated product, previews each (at most `MAX_PREVIEWS`), loads them into glue and,
given a glue application, creates one glue viewer per kind loaded (glue's own work,
reported apart from the dialog's).
"""

from __future__ import annotations

import time


def wait_until(condition, timeout=60.0):
    """Run the event loop until ``condition()`` (never sleeping on the GUI thread)."""
    from qtpy import QtCore

    loop = QtCore.QEventLoop()
    deadline = time.monotonic() + timeout
    timer = QtCore.QTimer()
    timer.setInterval(2)

    def check():
        if condition() or time.monotonic() > deadline:
            loop.quit()

    timer.timeout.connect(check)
    timer.start()
    if not condition():
        loop.exec()
    timer.stop()
    if not condition():
        raise TimeoutError(f"not done within {timeout} s")


def type_into(widget, text):
    from qtpy import QtCore
    from qtpy.QtTest import QTest

    line = widget.lineEdit() if hasattr(widget, "lineEdit") and widget.lineEdit() else widget
    line.setFocus()
    line.selectAll()
    QTest.keyClick(line, QtCore.Qt.Key_Backspace)
    QTest.keyClicks(line, text)
    line.editingFinished.emit()


def click(widget):
    from qtpy import QtCore
    from qtpy.QtTest import QTest

    QTest.mouseClick(widget, QtCore.Qt.LeftButton)



# -- every collection the local archive serves ------------------------------------------------

#: Observations selected per collection (a page of SYNTHETIC has dozens), products previewed.
MAX_OBSERVATIONS = 10
MAX_PREVIEWS = 8
COLLECTION_RADIUS = "0.3 deg"


def collections_served():
    """(collection, position) for each collection of the local archive, in its order.

    The position is that of the collection's first named observation (the SYNTHETIC survey's:
    the middle of its patch); a cone of `COLLECTION_RADIUS` around it holds the collection's
    observations of that target (TW Hya's HST spectra, AU Mic's JWST spectrum, 2-D spectrum,
    cube and image, TESS's light curve and full-frame image, ...).
    """
    from glue_mast.testing import snapshot

    where = {}
    for obs in snapshot.observations():
        where.setdefault(obs.row["obs_collection"], (obs.row["s_ra"], obs.row["s_dec"]))
    s = snapshot.SYNTHETIC_COLLECTION
    where[s.name] = (sum(s.ra_range) / 2, sum(s.dec_range) / 2)
    return [(name, f"{ra:.5f} {dec:.5f}") for name, (ra, dec) in where.items()]


def _viewer_class(data):
    from glue_qt.viewers.image import ImageViewer
    from glue_qt.viewers.profile import ProfileViewer

    return ProfileViewer if data.ndim == 1 else ImageViewer


def walk_collection(d, meter, name, position, glue_app=None):
    """Search one collection, page, select, list every calibrated product, preview, load.

    Returns ``(steps, facts)``: steps as in `walk` (the dialog's own), plus ``viewer ...``
    steps (glue's own viewer creation, when ``glue_app`` is given); facts say what was
    found, previewed and loaded.
    """
    from qtpy import QtCore

    steps, facts = {}, {"previewed": [], "viewers": []}

    def step(label, action, done, timeout=120):
        meter.reset()
        start = time.perf_counter()
        action()
        wait_until(done, timeout=timeout)
        took = (time.perf_counter() - start, meter.longest, meter.longest_cpu)
        old = steps.get(label)
        steps[label] = took if old is None else tuple(
            max(a, b) if i else a + b for i, (a, b) in enumerate(zip(old, took, strict=True))
        )

    search, products, preview = d.search_state, d.product_state, d.preview_state
    searched = lambda: search.rows is not None and not search.busy  # noqa: E731

    def search_collection():
        type_into(d.search_form.target, position)
        type_into(d.search_form.radius, COLLECTION_RADIUS)
        type_into(d.search_form.obs_collection, name)
        click(d.search_form.search_button)

    step("search", search_collection, searched)
    facts["observations"] = search.count
    # Paging: two rows a page, the next page (if any), then back to 50 a page.
    step("page", lambda: type_into(d.results.page_size, "2"), searched)
    if search.n_pages and search.n_pages > 1:
        step("page", lambda: click(d.results.next_page), lambda: search.page == 2 and searched())
    step("page", lambda: type_into(d.results.page_size, "50"), searched)

    def select_rows():
        selection = d.results.table.selectionModel()
        model = d.results.table.model()
        rows = min(model.rowCount(), MAX_OBSERVATIONS)
        selection.select(
            QtCore.QItemSelection(model.index(0, 0), model.index(rows - 1, 0)),
            QtCore.QItemSelectionModel.ClearAndSelect | QtCore.QItemSelectionModel.Rows,
        )

    listed = lambda: (  # noqa: E731
        not d.results.selection_timer.isActive()
        and products.filtered is not None
        and not products.busy
    )
    step("select", select_rows, listed)
    # Every calibrated file, not only MAST's recommended set: each kind gets loaded.
    if d.products.mrp_only.isChecked():
        step("filter", lambda: click(d.products.mrp_only), listed)
    facts["products"] = len(products.filtered)

    table = d.products.table
    drawn = lambda: not preview.busy and d.preview.render_job is None  # noqa: E731
    for row in range(min(table.model().rowCount(), MAX_PREVIEWS)):
        meter.reset()
        step("preview", lambda r=row: table.setCurrentIndex(table.model().index(r, 0)), drawn)
        kind = d.preview.drawn[0] if d.preview.drawn else None
        if kind == "message":  # no preview: why
            kind = f"no preview ({preview.error or d.preview.drawn[1]})"
        facts["previewed"].append(f"{kind} {1000 * meter.longest:.0f} ms")
    table.selectAll()
    before = len(d.data_collection)
    step("load", lambda: click(d.load_button), lambda: d.load_job is None, timeout=300)
    added = list(d.data_collection)[before:]
    facts["loaded"] = len(added)
    facts["summary"] = d.load_status.text()
    if glue_app is not None:
        # glue's own: one viewer per kind loaded (a profile for spectra and light curves,
        # an image viewer for images and cubes), created on the GUI thread as glue does.
        kinds = {}
        for data in added:
            kinds.setdefault((_viewer_class(data).__name__, data.ndim), data)
        for (viewer, ndim), data in kinds.items():
            label = f"viewer {viewer} {ndim}-D (glue)"
            step(label, lambda data=data: _new_viewer(glue_app, data), lambda: True)
            facts["viewers"].append(label)
    return steps, facts


def is_glue_own(step):
    return step.endswith("(glue)")


def collection_line(name, steps, facts):
    """One collection's steps, on one line (as printed while the benchmark runs)."""
    parts = ", ".join(
        f"{step} {t:.2f} s stall {1000 * s:.0f} ms (GUI {1000 * c:.0f} ms)"
        for step, (t, s, c) in steps.items()
    )
    return (
        f"  {name}: {facts['observations']} observations, {facts['products']} products, "
        f"previewed {facts['previewed']}, {facts['loaded']} datasets loaded; {parts}"
    )


def collection_table(per_collection):
    """A Markdown table: per collection, the dialog's longest stall and glue's viewers'."""
    lines = [
        "| collection | obs. | products | datasets | dialog's longest stall (step) "
        "| GUI-thread work in it | most GUI work in one gap | glue viewer creation |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, (steps, facts) in per_collection.items():
        own = {k: v for k, v in steps.items() if not is_glue_own(k)}
        worst = max(own, key=lambda k: own[k][1])
        viewers = [v for k, v in steps.items() if is_glue_own(k)]
        viewer_text = (
            f"{1000 * max(v[1] for v in viewers):.0f} ms ({len(viewers)} viewers)"
            if viewers else "none"
        )
        lines.append(
            f"| {name} | {facts['observations']} | {facts['products']} | {facts['loaded']} "
            f"| {1000 * own[worst][1]:.0f} ms ({worst}) | {1000 * own[worst][2]:.0f} ms "
            f"| {1000 * max(v[2] for v in own.values()):.0f} ms | {viewer_text} |"
        )
    return lines


def _new_viewer(glue_app, data):
    from qtpy import QtWidgets

    glue_app.new_data_viewer(_viewer_class(data), data=data)
    QtWidgets.QApplication.processEvents()  # its first paint, as the user would see it


def clear_glue(glue_app, data_collection):
    """(untimed) Close every viewer and remove every dataset: the next collection starts bare."""
    for tab in getattr(glue_app, "viewers", ()) if glue_app is not None else ():
        for viewer in list(tab):
            viewer.close(warn=False)
    for data in list(data_collection):
        data_collection.remove(data)
