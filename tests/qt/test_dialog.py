"""MastImportDialog driven as a person would: type, search, page, select, filter, preview, load.

Against the local MAST-compatible archive over real HTTP (``local_mast``); request counts come
from its request log.
"""

import numpy as np
import pytest
from qtpy import QtCore

from glue_mast.glue.links import SpectralAxisLink
from glue_mast.qt import MastImportDialog
from glue_mast.qt.dialog import forget_form, remembered_form

INVOKE = "/api/v0/invoke"


def invokes(archive, service):
    return [r for r in archive.requests(path=INVOKE) if r.service == service]


def downloads(archive):
    return [r for r in archive.requests() if "download" in r.path.lower()]


def obs_row(d, obs_id):
    """The view row of the observation ``obs_id`` in the results table."""
    model = d.results.table.model()
    column = 4  # Obs ID
    for row in range(model.rowCount()):
        if model.index(row, column).data() == obs_id:
            return row
    raise KeyError(obs_id)


def test_typing_a_target_and_clicking_search_shows_the_count_and_the_first_page(
    dialog, person, local_mast, cells, shoot
):
    d = dialog
    local_mast.clear_log()
    person.search(d, "TW Hya", "0.1 deg")
    assert d.search_state.target == "TW Hya" and d.search_state.coordinates == ""
    assert d.search_form.count_label.text() == "8 observations"
    assert d.search_form.resolved_label.text().startswith("TW Hya: RA 165.46627, Dec -34.70473")
    assert d.results.page_label.text() == "Page 1 of 1"
    # One resolve, then the count and the page together.
    services = [r.service for r in local_mast.requests(path=INVOKE)]
    assert services[0] == "Mast.Name.Lookup"
    assert sorted(services[1:]) == ["Mast.Caom.Cone", "Mast.Caom.Filtered.Position"]
    table = d.results.table
    assert table.model().rowCount() == 8
    headers = [table.model().headerData(c, QtCore.Qt.Horizontal) for c in range(13)]
    assert headers == [
        "Mission",
        "Instrument",
        "Filters",
        "Target",
        "Obs ID",
        "Start (UTC)",
        "Exposure",
        "Wavelengths",
        "Type",
        "Calib.",
        "Proposal",
        "PI",
        "Data rights",
    ]
    first = [table.model().index(0, c).data() for c in range(13)]
    assert first == [
        "HST",
        "COS/FUV",
        "G130M",
        "TW HYA",
        "LB4M01010",
        "2010-04-10 07:26",
        "1,720 s",
        "113\N{EN DASH}145 nm",
        "spectrum",
        "3",
        "11533",
        "Green, James",
        "PUBLIC",
    ]
    # The two COS observations differ by their grating.
    assert cells(table, "Filters")[:2] == ["G130M", "G160M"]
    assert cells(table, "Wavelengths")[6] == "90.5\N{EN DASH}119 nm"  # FUSE, below 100 nm
    # The exclusive-access row is marked, and says why.
    row = obs_row(d, "LF7Z01010")
    index = table.model().index(row, 0)
    assert index.data(QtCore.Qt.DecorationRole) is not None
    assert index.data(QtCore.Qt.BackgroundRole) is not None
    assert "MAST token" in index.data(QtCore.Qt.ToolTipRole)
    assert table.model().index(0, 0).data(QtCore.Qt.DecorationRole) is None
    assert d.results.hint.text().startswith("Select observations")
    shoot(d, "search")


def test_coordinates_in_the_target_field_search_around_that_position(dialog, person, local_mast):
    d = dialog
    person.search(d, "165.46627 -34.70473", "0.1 deg")
    assert d.search_state.coordinates == "165.46627 -34.70473" and d.search_state.target == ""
    assert d.search_state.count == 8
    assert not invokes(local_mast, "Mast.Name.Lookup")  # a position is not resolved


def test_results_sort_by_a_column_within_the_page(dialog, person, qtbot, cells):
    d = dialog
    person.search(d, "TW Hya", "0.1 deg")
    table = d.results.table
    header = table.horizontalHeader()
    exposure = 6
    qtbot.mouseClick(
        header.viewport(),
        QtCore.Qt.LeftButton,
        pos=QtCore.QPoint(header.sectionViewportPosition(exposure) + 5, 5),
    )
    values = [float(t.split()[0].replace(",", "")) for t in cells(table, "Exposure")]
    assert values == sorted(values)
    assert values[0] == 600.0 and values[-1] == 17600.0
    qtbot.mouseClick(
        header.viewport(),
        QtCore.Qt.LeftButton,
        pos=QtCore.QPoint(header.sectionViewportPosition(exposure) + 5, 5),
    )
    assert [float(t.split()[0].replace(",", "")) for t in cells(table, "Exposure")] == sorted(
        values, reverse=True
    )
    # Dates sort as dates, not as text of another format.
    qtbot.mouseClick(
        header.viewport(),
        QtCore.Qt.LeftButton,
        pos=QtCore.QPoint(header.sectionViewportPosition(5) + 5, 5),
    )
    starts = cells(table, "Start (UTC)")
    assert starts == sorted(starts) and starts[0].startswith("1995-05-13")


def test_paging_first_previous_next_last_and_page_size(dialog, person, local_mast, cells, shoot):
    d = dialog
    person.type_into(d.search_form.obs_collection, "SYNTHETIC")
    person.type_into(d.results.page_size, "10")
    person.search(d)
    assert d.search_form.count_label.text() == "100,000 observations"
    assert d.results.page_label.text() == "Page 1 of 10,000"
    assert cells(d.results.table, "Target")[:2] == ["COSMOS-000000", "COSMOS-000001"]
    assert not d.results.previous_page.isEnabled() and d.results.next_page.isEnabled()

    local_mast.clear_log()
    person.click(d.results.next_page)
    person.settle(d)
    assert d.results.page_label.text() == "Page 2 of 10,000"
    assert cells(d.results.table, "Target")[0] == "COSMOS-000010"
    assert len(local_mast.requests(path=INVOKE)) == 1  # one page, one request
    person.click(d.results.last_page)
    person.settle(d)
    assert d.results.page_label.text() == "Page 10,000 of 10,000"
    assert cells(d.results.table, "Target")[-1] == "COSMOS-099999"
    assert not d.results.next_page.isEnabled()
    person.click(d.results.previous_page)
    person.settle(d)
    assert cells(d.results.table, "Target")[0] == "COSMOS-099980"
    person.click(d.results.first_page)
    person.settle(d)
    assert cells(d.results.table, "Target")[0] == "COSMOS-000000"
    assert len(local_mast.requests(path=INVOKE)) == 4

    person.type_into(d.results.page_size, "25")
    person.settle(d)
    assert d.results.page_label.text() == "Page 1 of 4,000"
    assert d.results.table.model().rowCount() == 25
    shoot(d, "paging")


def test_selected_rows_list_their_products_and_the_filters_refilter_locally(
    dialog, person, local_mast, cells, shoot
):
    d = dialog
    person.search(d, "TW Hya", "0.1 deg")
    local_mast.clear_log()
    rows = [obs_row(d, o) for o in ("LB4M01010", "swp54419", "OBF501020")]
    person.click_rows(d.results.table, rows)
    person.settle(d)
    assert sorted(d.search_state.selected_obsids) == sorted(
        str(
            d.search_state.rows["obsid"][
                d.results.proxy.mapToSource(d.results.proxy.index(r, 0)).row()
            ]
        )
        for r in rows
    )
    assert len(invokes(local_mast, "Mast.Caom.Products")) == 1
    table = d.products.table
    # MAST's recommended calibrated science by default: COS's x1dsum (not its x1d), STIS's
    # x1d, IUE's spectrum.
    assert sorted(cells(table, "File")) == [
        "lb4m01010_x1dsum.fits",
        "obf501020_x1d.fits",
        "swp54419mxlo_vo.fits",
    ]
    assert d.products.mrp_only.isChecked() and d.product_state.mrp_only is True
    assert d.products.selection_label.text() == "Selected: 3 files, 414.7 kB (of 3 shown)"
    # Unticking "Minimum recommended" widens to every calibrated science file, locally: the
    # x1d of COS too. The rest of this test works on these four.
    local_mast.clear_log()
    person.click(d.products.mrp_only)
    assert d.product_state.mrp_only is False
    assert sorted(cells(table, "File")) == [
        "lb4m01010_x1dsum.fits",
        "lb4m0101q_x1d.fits",
        "obf501020_x1d.fits",
        "swp54419mxlo_vo.fits",
    ]
    assert local_mast.log == []
    assert d.products.selection_label.text() == "Selected: 4 files, 757.4 kB (of 4 shown)"
    assert d.product_state.selected_count == 4 and d.product_state.selected_uris is None
    assert d.products.calibrated_only.isChecked()
    assert d.products.product_type.currentText() == "SCIENCE"

    local_mast.clear_log()
    person.click(d.products.calibrated_only)
    person.type_into(d.products.product_type, "")
    all_types = table.model().rowCount()
    assert all_types == len(d.product_state.products) > 4
    person.type_into(d.products.extension, "x1d.fits")
    assert sorted(cells(table, "File")) == ["lb4m0101q_x1d.fits", "obf501020_x1d.fits"]
    person.type_into(d.products.extension, "")
    person.type_into(d.products.product_type, "PREVIEW")
    assert set(cells(table, "Type")) == {"PREVIEW"}
    person.click(d.products.calibrated_only)
    person.type_into(d.products.product_type, "SCIENCE")
    person.click(d.products.mrp_only)
    assert d.product_state.mrp_only is True
    assert table.model().rowCount() == len(d.product_state.filtered)
    person.click(d.products.mrp_only)
    assert local_mast.log == []  # filtering sends nothing

    # Selecting two of the four products: None, then Ctrl-click; their count and size.
    person.click(d.products.select_none)
    assert d.product_state.selected_count == 0
    person.click_rows(table, [0, 1], add=True)
    picked = d.product_state.selected
    assert d.product_state.selected_count == 2 == len(d.product_state.selected_uris)
    size = int(np.sum(picked["size"]))
    assert d.products.selection_label.text().startswith(f"Selected: 2 files, {size / 1000:.1f} kB")
    person.settle(d)  # the Ctrl-click made its row current: its preview, drawn
    person.qtbot.waitUntil(lambda: d.preview.render_job is None, timeout=20000)
    shoot(d, "products")


def select_exclusive_observation(d, person):
    """Search TW Hya and select LF7Z01010, whose two products are exclusive access; returns
    the note under the products table."""
    person.search(d, "TW Hya", "0.1 deg")
    person.click_rows(d.results.table, [obs_row(d, "LF7Z01010")])
    person.settle(d)
    return d.products.exclusive_label


def test_exclusive_access_products_are_marked_and_explained_and_the_token_never_shown(
    dialog, person, monkeypatch, qtbot
):
    d = dialog
    # Every calibrated product: both of LF7Z01010's files (MAST recommends its x1dsum only),
    # so that each marked row is checked
    d.product_state.mrp_only = False
    label = select_exclusive_observation(d, person)
    assert not label.isHidden()
    assert label.text().startswith("2 selected files are exclusive access:")
    assert "No MAST token is set, so they will be skipped" in label.text()
    model = d.products.table.model()
    assert all(model.index(r, 0).data(QtCore.Qt.DecorationRole) is not None for r in range(2))

    secret = "s3cr3t-t0ken-value"
    monkeypatch.setenv("MAST_API_TOKEN", secret)
    person.click_rows(d.results.table, [obs_row(d, "LB4M01010"), obs_row(d, "LF7Z01010")])
    person.settle(d)
    assert "A MAST token is set" in label.text()
    texts = [w.text() for w in d.findChildren(type(label))]
    texts += [w.toolTip() for w in d.findChildren(type(label))]
    assert not any(secret in t for t in texts)
    # A public row's products only: no explanation.
    person.click_rows(d.results.table, [obs_row(d, "LB4M01010")])
    person.settle(d)
    assert label.isHidden()



def test_the_token_note_follows_a_token_given_later_or_found_in_the_keyring(
    dialog, person, qtbot, mast_keyring
):
    import glue_mast
    from glue_mast.testing import VALID_TOKEN

    d = dialog
    label = select_exclusive_observation(d, person)
    assert "No MAST token is set" in label.text()
    glue_mast.configure(token=VALID_TOKEN)  # from glue's terminal, say: no click in the dialog
    qtbot.waitUntil(lambda: "A MAST token is set" in label.text(), timeout=5000)
    glue_mast.config.set_token(None)
    qtbot.waitUntil(lambda: "No MAST token is set" in label.text(), timeout=5000)
    # astroquery's keyring entry is a token too (Observations.login(store_token=True))
    mast_keyring(VALID_TOKEN)
    person.click_rows(d.results.table, [obs_row(d, "LB4M01010"), obs_row(d, "LF7Z01010")])
    person.settle(d)
    qtbot.waitUntil(lambda: "A MAST token is set" in label.text(), timeout=5000)
    assert VALID_TOKEN not in label.text()


def test_clicking_a_product_previews_it_from_the_cache_or_fetched(
    dialog, person, local_mast, qtbot, shoot, tmp_path, monkeypatch
):
    from glue_mast import config

    config.configure(cache_dir=tmp_path / "cache")
    d = dialog
    person.search(d, "TW Hya", "0.1 deg")
    person.click_rows(d.results.table, [obs_row(d, "swp54419")])
    person.settle(d)
    local_mast.clear_log()
    person.click_rows(d.products.table, [0])
    qtbot.waitUntil(lambda: d.preview.drawn and d.preview.drawn[0] == "spectrum", timeout=20000)
    assert d.preview_state.title
    assert d.preview.labels[0] == "Wavelength [Angstrom]"
    assert d.preview.labels[1].startswith("Flux [")
    assert not d.preview.pixmap().isNull()
    assert d.preview.drawn[1] == len(d.preview_state.x) > 100
    assert len(downloads(local_mast)) == 1
    assert (tmp_path / "cache").is_dir()
    shoot(d, "preview")
    # A second look comes from the cache: nothing is fetched.
    local_mast.clear_log()
    d.preview_state.show(d.product_state.filtered[0])
    qtbot.waitUntil(lambda: not d.preview_state.busy and d.preview.drawn[0] == "spectrum")
    assert downloads(local_mast) == []


def test_load_downloads_the_selection_and_adds_linked_datasets_with_provenance(
    dialog, person, local_mast, tmp_path, shoot
):
    d = dialog
    person.search(d, "TW Hya", "0.1 deg")
    rows = [obs_row(d, o) for o in ("swp54419", "lwp31270", "OBF501020")]
    person.click_rows(d.results.table, rows)
    person.settle(d)
    assert d.load_button.isEnabled() and not d.cancel_button.isEnabled()
    person.click(d.load_button)
    assert not d.load_button.isEnabled()
    person.settle(d)
    assert d.load_error.isHidden()
    assert d.load_status.text() == (
        "3 files downloaded; 3 datasets loaded into glue and linked: OBF501020 (HST STIS/CCD), "
        "lwp31270 (IUE LWP), swp54419 (IUE SWP)"
    )
    labels = sorted(data.label for data in d.data_collection)
    assert labels == ["OBF501020 (HST STIS/CCD)", "lwp31270 (IUE LWP)", "swp54419 (IUE SWP)"]
    assert [data.label for data in d.loaded] == [data.label for data in d.data_collection]
    links = [
        link for link in d.data_collection.external_links if isinstance(link, SpectralAxisLink)
    ]
    assert len(links) == 2
    for data in d.data_collection:
        record = data.meta["glue_mast"]["dataset"]
        assert record["dataURI"].startswith("mast:") and len(record["sha256"]) == 64
    assert (tmp_path / "mast_data" / "manifest.json").is_file()
    assert d.product_state.last_fetch is not None
    shoot(d, "loaded")

    # Loading again: the files are on disk, and their datasets in glue already: no second
    # copy under a new label, and the status says so.
    local_mast.clear_log()
    person.click(d.load_button)
    person.settle(d)
    assert downloads(local_mast) == []
    status = d.load_status.text()
    said = "3 files already on disk; nothing loaded; 3 datasets were already loaded, not added "
    assert status.startswith(f"{said}again: ")
    assert sorted(status.split("again: ", 1)[1].split(", ")) == labels
    assert sorted(data.label for data in d.data_collection) == labels


def test_cancel_stops_a_slow_download_and_loads_nothing(
    dialog, person, local_mast, qtbot, tmp_path
):
    d = dialog
    # Every calibrated product: COS's x1d and x1dsum (MAST recommends the x1dsum only), so
    # that the cancelled download is long enough to stop and spans more than one file
    d.product_state.mrp_only = False
    person.search(d, "TW Hya", "0.1 deg")
    person.click_rows(d.results.table, [obs_row(d, "LB4M01010")])
    person.settle(d)
    local_mast.faults.bandwidth = 40_000  # bytes per second: 2 x 343 kB takes ~9 s
    local_mast.clear_log()
    person.click(d.load_button)
    qtbot.waitUntil(lambda: d.progress_bar.value() > 0, timeout=15000)
    assert d.cancel_button.isEnabled() and d.load_status.text().startswith("Downloading:")
    assert 0 < d.progress_bar.value() < 1000
    person.click(d.cancel_button)
    qtbot.waitUntil(lambda: d.load_job is None, timeout=5000)
    assert d.load_status.text().startswith("Download cancelled: nothing was loaded")
    assert len(d.data_collection) == 0 and d.load_error.isHidden()
    assert d.load_button.isEnabled() and not d.cancel_button.isEnabled()
    # The next Load resumes and completes.
    local_mast.faults.bandwidth = None
    person.click(d.load_button)
    person.settle(d)
    assert len(d.data_collection) == 4  # two COS files, two segments each
    assert "; 4 datasets loaded into glue and linked: LB4M01010 " in (
        d.load_status.text()
    )


def test_an_unresolvable_name_is_shown_beside_the_target_field(dialog, person, shoot):
    d = dialog
    person.search(d, "Nonexistent Object 123")
    error = d.search_form.errors["target"]
    assert not error.isHidden()
    assert error.text() == (
        "could not resolve 'Nonexistent Object 123' to a sky position; check the spelling, "
        "try another name (e.g. 'HD 209458' or 'TIC 358108509'), or give coordinates instead"
    )
    assert d.search_form.errors["search"].isHidden() and d.search_form.errors["radius"].isHidden()
    assert d.search_form.error_lines.shown() == ("error_target", error.text())
    assert d.search_form.count_label.text() == ""
    shoot(d, "error-target")
    # Fixing the name clears the message.
    person.search(d, "TW Hya", "0.1 deg")
    assert error.isHidden() and d.search_state.count == 8


def test_a_server_error_is_one_line_beside_the_search_button(dialog, person, local_mast, shoot):
    d = dialog
    local_mast.faults.error(500, times=10, match="Mast.Caom.Filtered.Position")
    person.search(d, "TW Hya", "0.1 deg")
    error = d.search_form.errors["search"]
    assert not error.isHidden()
    assert error.text().endswith(
        "answered HTTP 500 Internal Server Error while counting observations; MAST is busy or "
        "down: try again in a few minutes"
    )
    assert "\n" not in error.text() and "Traceback" not in error.text()
    assert d.search_form.errors["target"].isHidden()
    shoot(d, "error-server")


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("radius", "abc", "radius 'abc' is not an angle; give e.g. '0.2 deg', '5 arcmin' or"),
        ("t_min", "soon", "'soon' is not a date: t_min takes dates"),
        ("em_max", "blue", "em_max takes a number in nm or a quantity with units"),
        ("extra_criteria", "proposal_pi Smith", "write other criteria as field=value"),
    ],
)
def test_a_bad_input_is_shown_beside_its_field(dialog, person, field, text, message):
    d = dialog
    form = d.search_form
    if field != "radius":
        person.click(form.more_toggle)
        assert not form.more.isHidden()
    person.type_into(form.target, "TW Hya")
    person.type_into(getattr(form, field), text)
    person.search(d)
    label = form.errors[field]
    assert not label.isHidden() and label.text().startswith(message), label.text()
    assert [name for name, lab in form.errors.items() if not lab.isHidden()] == [field]


def test_more_criteria_narrow_the_search(dialog, person, shoot):
    d = dialog
    form = d.search_form
    assert form.more.isHidden()
    person.click(form.more_toggle)
    assert not form.more.isHidden()
    person.type_into(form.t_min, "2010-01-01")
    person.type_into(form.em_max, "150 nm")
    person.search(d, "TW Hya", "0.1 deg")
    assert d.search_state.t_min == "2010-01-01" and d.search_state.em_max == "150 nm"
    obs_ids = sorted(d.search_state.rows["obs_id"])
    assert obs_ids == ["LB4M01010", "LB4M01020", "LF7Z01010"]
    shoot(d, "more-criteria")  # what they kept, rather than the empty answer below
    person.type_into(form.extra_criteria, "instrument_name=COS/FUV; proposal_id=11616")
    person.search(d)
    assert d.search_state.extra_criteria == {"instrument_name": "COS/FUV", "proposal_id": "11616"}


def test_the_form_is_remembered_between_openings(qtbot, local_mast, person):
    forget_form()
    first = MastImportDialog()
    qtbot.addWidget(first)
    first.show()
    person.type_into(first.search_form.target, "TW Hya")
    person.type_into(first.search_form.radius, "0.05 deg")
    person.type_into(first.search_form.obs_collection, "IUE")
    person.click(first.products.calibrated_only)
    first.reject()
    assert remembered_form()["search"]["target"] == "TW Hya"

    second = MastImportDialog()
    qtbot.addWidget(second)
    assert second.search_form.target.text() == "TW Hya"
    assert second.search_form.radius.text() == "0.05 deg"
    assert second.search_form.obs_collection.currentText() == "IUE"
    assert not second.products.calibrated_only.isChecked()
    assert second.product_state.calibrated_only is False
    second.reject()
    forget_form()
    third = MastImportDialog()
    qtbot.addWidget(third)
    assert third.search_form.target.text() == "" and third.search_state.radius == "0.2 deg"
    third.reject()


def test_choices_come_from_the_server(dialog):
    d = dialog
    items = [
        d.search_form.obs_collection.itemText(i)
        for i in range(d.search_form.obs_collection.count())
    ]
    assert items == ["", "FUSE", "GALEX", "HST", "IUE", "JWST", "K2", "Kepler", "SYNTHETIC", "TESS"]
    types = [
        d.search_form.dataproduct_type.itemText(i)
        for i in range(d.search_form.dataproduct_type.count())
    ]
    assert types == ["", "image", "spectrum", "timeseries"]
    assert d.search_form.instrument_name.count() == 15


def test_a_name_typed_is_resolved_when_typing_pauses_so_search_is_one_round_trip(
    dialog, person, local_mast, qtbot
):
    d = dialog
    local_mast.clear_log()
    person.type_into(d.search_form.target, "TW Hya")
    qtbot.waitUntil(lambda: len(invokes(local_mast, "Mast.Name.Lookup")) == 1, timeout=5000)
    qtbot.waitUntil(
        lambda: bool(local_mast.requests(path="/portal/Mashup/Mashup.asmx/columnsconfig"))
    )
    qtbot.wait(100)
    local_mast.clear_log()
    person.type_into(d.search_form.radius, "0.1 deg")
    person.search(d)
    assert d.search_state.count == 8
    assert sorted(r.service for r in local_mast.requests(path=INVOKE)) == [
        "Mast.Caom.Cone",
        "Mast.Caom.Filtered.Position",
    ]
    # Coordinates are never sent to the resolver.
    person.type_into(d.search_form.target, "165.46627 -34.70473")
    qtbot.wait(600)
    assert not invokes(local_mast, "Mast.Name.Lookup")
