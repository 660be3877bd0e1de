"""The window never freezes: the event loop keeps ticking while MAST answers slowly.

A 10 ms QTimer records the longest gap between its ticks while a person searches, pages,
selects, previews and loads with the local archive answering every request after 0.5 s, and
the CPU time the GUI thread itself spent within each gap (``time.thread_time``).

Two things are held in every walk, neither of them a race against the clock:

- the GUI thread's own work stays under 100 ms per gap: that is what the dialog decides;
- no gap is as long as one request's latency, so no request was ever waited for on the GUI
  thread (every answer takes at least 0.5 s, so one awaited there would stall that long).

The wall-clock gap also counts time the OS, or another thread holding Python's GIL, kept the
GUI thread waiting; that grows with whatever else the machine runs. The 100 ms target for it
is measured by ``benchmarks/bench_qt_dialog.py``, not held here; this test prints it.
"""

import time

LATENCY = 0.5
LONGEST_GUI_WORK = 0.100


def obs_row(d, obs_id):
    model = d.results.table.model()
    return next(r for r in range(model.rowCount()) if model.index(r, 4).data() == obs_id)


def walk_through(d, person, qtbot, meter):
    """Search, page, select, preview, load; returns {step: (seconds, longest stall)}."""
    steps = {}

    def step(name, action, done, timeout=30000):
        start, longest = time.perf_counter(), meter.longest
        meter.longest = 0.0
        action()
        qtbot.waitUntil(done, timeout=timeout)
        steps[name] = (time.perf_counter() - start, meter.longest)
        meter.longest = max(longest, meter.longest)

    def type_and_search():
        person.type_into(d.search_form.target, "TW Hya")
        person.type_into(d.search_form.radius, "0.1 deg")
        person.click(d.search_form.search_button)

    step("search", type_and_search, lambda: d.search_state.rows is not None)
    assert d.search_state.count == 8
    step(
        "page size",
        lambda: person.type_into(d.results.page_size, "5"),
        lambda: d.search_state.rows is not None and not d.search_state.busy,
    )
    step(
        "next page",
        lambda: person.click(d.results.next_page),
        lambda: d.search_state.page == 2 and not d.search_state.busy,
    )
    assert len(d.search_state.rows) == 3
    rows = [obs_row(d, "p1860101000"), obs_row(d, "lwp31270")]
    step(
        "select",
        lambda: person.click_rows(d.results.table, rows),
        lambda: d.product_state.filtered is not None and not d.product_state.busy,
    )
    step(
        "preview",
        lambda: person.click_rows(d.products.table, [0]),
        lambda: d.preview.drawn is not None and d.preview.drawn[0] == "spectrum",
    )
    person.click(d.products.select_all)  # previewing one kept them all selected: a no-op
    step(
        "load",
        lambda: person.click(d.load_button),
        lambda: d.load_job is None and len(d.data_collection) == 2,
        timeout=60000,
    )
    return steps


def test_the_event_loop_never_stalls_while_queries_and_downloads_run(
    local_mast, person, stall_meter, qtbot, tmp_path
):
    from glue_mast import config
    from glue_mast.qt.dialog import MastImportDialog, forget_form

    forget_form()
    config.configure(cache_dir=tmp_path / "cache")
    d = MastImportDialog()
    qtbot.addWidget(d)
    d.download_dir.setText(str(tmp_path / "mast_data"))
    d.show()
    qtbot.waitExposed(d)
    # The readers' first imports (once per process, begun when the dialog opens) hold the GIL
    # while compiled modules load; the user is typing then. The rest is measured.
    qtbot.waitUntil(lambda: d.warm_job.done and not d.search_state.busy, timeout=120000)
    local_mast.clear_log()
    local_mast.faults.latency = LATENCY
    meter = stall_meter.start()
    try:
        steps = walk_through(d, person, qtbot, meter)
    finally:
        meter.stop()
        local_mast.faults.latency = 0.0
    d.reject()
    report = ", ".join(f"{k} {t:.2f} s (stall {1000 * s:.0f} ms)" for k, (t, s) in steps.items())
    print(
        f"\nlongest stall {1000 * meter.longest:.0f} ms, GUI-thread work "
        f"{1000 * meter.longest_cpu:.0f} ms; {report}"
    )
    assert meter.ticks > 100, report
    assert meter.longest_cpu < LONGEST_GUI_WORK, report
    assert meter.longest < LATENCY, report
    # Search to first rows: one resolve, then the count and the page sent together (the
    # archive saw both arrive within one latency of each other, not one after the other).
    first_arrival = {r.service: r.time for r in reversed(local_mast.requests()) if r.service}
    cone, page = first_arrival["Mast.Caom.Cone"], first_arrival["Mast.Caom.Filtered.Position"]
    assert abs(cone - page) < LATENCY


def test_the_readers_imports_end_out_of_the_collectors_sight(monkeypatch):
    # A full collection walks every object alive; after the readers' imports that is
    # 0.1-0.4 s holding the GIL, from whichever thread allocated last (a preview's worker),
    # so the window froze. The import job freezes them once per process (switchable).
    import gc

    from glue_mast.qt import dialog

    import glue_mast

    monkeypatch.setattr(dialog, "_FROZEN", [])
    with glue_mast.conf.set_temp("freeze_imported", False):
        assert dialog.freeze_imported() is False
    gc.unfreeze()
    made = [[i] for i in range(1000)]  # objects alive now, tracked by the collector
    assert dialog.freeze_imported() is True
    assert gc.get_freeze_count() >= len(made)
    assert dialog.freeze_imported() is False  # once per process
