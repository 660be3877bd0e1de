"""The MAST Search plugin, headless, against the local archive: user API and vue_ methods."""

import time

import pytest

from glue_mast.errors import InputError
from glue_mast.jdaviz.loading import PROVENANCE_KEY
from glue_mast.provenance.queries import full_queries

SEARCH_REQUESTS = [
    "/portal/Mashup/Mashup.asmx/columnsconfig",  # MAST's field list, once per process
    "Mast.Name.Lookup",  # the target name
    "Mast.Caom.Filtered.Position",  # the count
    "Mast.Caom.Cone",  # page 1
]


def _services(archive):
    return [r.service or r.path for r in archive.log]


def _downloads(archive):
    return [r for r in archive.log if r.path.startswith("/api/v0.1/Download")]


def _settle(plugin, timeout=60):
    """Wait until the plugin's background jobs have landed (as a person waits)."""
    deadline = time.monotonic() + timeout
    while plugin.busy or plugin.fetching:
        assert time.monotonic() < deadline, "the plugin's jobs did not finish"
        time.sleep(0.02)


def _viewer_labels(app):
    (viewer,) = app.viewers.values()
    return viewer.data_menu.data_labels_loaded


def test_search_counts_then_fetches_the_first_page(plg, local_mast):
    plg.target = "TW Hya"
    assert plg.search() == 8
    assert plg.count == 8
    assert plg.page == 1
    assert len(plg.results) == 8
    assert list(plg.results["obs_id"][:3]) == ["LB4M01010", "LB4M01020", "O5CW01010"]
    assert sorted(_services(local_mast)) == sorted(SEARCH_REQUESTS)
    plugin = plg._obj
    assert plugin.count == 8 and plugin.n_pages == 1
    assert [h["value"] for h in plugin.results_headers] == [
        "obs_collection", "instrument_name", "filters", "obs_id"
    ]
    assert [item["obs_id"] for item in plugin.results_items][:2] == ["LB4M01010", "LB4M01020"]
    assert [item["key"] for item in plugin.results_items] == list(range(8))
    assert plugin.busy is False and plugin.error == ""


def test_pages_are_fetched_from_the_server_one_at_a_time(plg, local_mast):
    plg.target = "TW Hya"
    plg.page_size = 3
    plg.search()
    assert plg._obj.n_pages == 3
    local_mast.clear_log()
    plg.page = 3
    assert plg.page == 3
    assert list(plg.results["obs_id"]) == ["p1860101000", "LF7Z01010"]
    assert _services(local_mast) == ["Mast.Caom.Cone"]


def test_vue_search_and_page_run_in_background_jobs(plg, local_mast):
    plugin = plg._obj
    plugin.target = "TW Hya"
    plugin.page_size = 5
    plugin.vue_search({})
    _settle(plugin)
    assert plugin.count == 8 and plugin.n_pages == 2 and len(plugin.results_items) == 5
    first = [item["obs_id"] for item in plugin.results_items]
    plugin.vue_page(2)
    _settle(plugin)
    assert plugin.current_page == 2
    second = [item["obs_id"] for item in plugin.results_items]
    assert len(second) == 3 and not set(first) & set(second)
    assert sorted(_services(local_mast)) == sorted(SEARCH_REQUESTS + ["Mast.Caom.Cone"])


def test_a_new_page_size_after_a_search_repaginates(plg, local_mast):
    plg.target = "TW Hya"
    plg.search()
    assert plg._obj.n_pages == 1
    everything = list(plg.results["obs_id"])
    plg.page_size = 3  # in a notebook, after the search: no search() again
    assert plg._obj.n_pages == 3
    plg.page = 2
    assert plg.page == 2
    assert list(plg.results["obs_id"]) == everything[3:6]
    plg.page = 3
    assert list(plg.results["obs_id"]) == everything[6:]
    _settle(plg._obj)  # page 1 of the new size, asked for when the size changed, is dropped
    assert plg.page == 3 and plg._obj.error == ""


def test_the_page_box_goes_to_a_typed_page_and_says_it_is_fetching(plg, local_mast):
    plugin = plg._obj
    plugin.target = "TW Hya"
    plugin.page_size = 3
    plg.search()
    seen = []
    plugin.observe(lambda change: seen.append(change["new"]), names=["loading_page"])
    local_mast.faults.stall(0.5, match="Mast.Caom.Cone")  # the page takes a while
    plugin.vue_page("3")  # what the page box sends
    assert plugin.loading_page == 3  # "Fetching page 3..." while the page is on its way
    assert plugin.current_page == 1
    _settle(plugin)
    assert plugin.current_page == 3 and plugin.loading_page == 0
    assert seen == [3, 0]
    plugin.vue_page("x")
    _settle(plugin)
    assert plugin.error == "page must be a whole number from 1, got 'x'"
    assert plugin.error_field == "page"  # the page box shows it
    plugin.vue_page("9")
    _settle(plugin)
    assert plugin.error == "page 9 is past the end: there are 3 pages"
    assert plugin.current_page == 3 and plugin.loading_page == 0


def test_products_default_to_mast_recommended_and_the_switch_widens(plg, local_mast):
    plugin = plg._obj
    assert plugin.mrp_only is True and plugin.product_state.mrp_only is True
    plg.target = "TW Hya"
    plg.search()
    plg.select(observations=["LB4M01010", "LB4M01020"])
    assert list(plg.products["productFilename"]) == [
        "lb4m01010_x1dsum.fits", "lb4m01020_x1dsum.fits"
    ]
    plugin.mrp_only = False
    assert list(plg.products["productFilename"]) == [
        "lb4m01010_x1dsum.fits", "lb4m0101q_x1d.fits", "lb4m01020_x1dsum.fits",
        "lb4m0102q_x1d.fits",
    ]


def test_a_bad_radius_is_one_clear_message(plg, local_mast):
    plugin = plg._obj
    plugin.target = "TW Hya"
    plugin.radius = "2"
    plugin.vue_search({})
    _settle(plugin)
    assert plugin.error == (
        "radius '2' has no unit; give an angle such as '0.2 deg', '5 arcmin' or '30 arcsec'"
    )
    assert plugin.count == -1
    assert not [s for s in _services(local_mast) if s.startswith("Mast.Caom")]


def test_select_lists_products_of_the_chosen_observations(plg, local_mast):
    plg.target = "TW Hya"
    plg.search()
    local_mast.clear_log()
    plg.select(observations="LB4M01010")
    # the product field list (once per process) and the product list
    assert sorted(_services(local_mast)) == [
        "/portal/Mashup/Mashup.asmx/columnsconfig", "Mast.Caom.Products"
    ]
    # MAST's recommended product by default: the combined x1dsum, not the x1d it is made of
    assert list(plg.products["productFilename"]) == ["lb4m01010_x1dsum.fits"]
    plg.select(products=["lb4m01010_x1dsum.fits"])
    plugin = plg._obj
    assert [i["productFilename"] for i in plugin.products_selected] == ["lb4m01010_x1dsum.fits"]
    assert plugin.selected_text == "1 file, 342.7 kB"
    with pytest.raises(InputError, match="no product with productFilename 'nope.fits'"):
        plg.select(products="nope.fits")
    with pytest.raises(InputError, match="row 9 is not among the 8 observations"):
        plg.select(observations=9)


def test_vue_select_and_filters(plg, local_mast):
    plg.target = "TW Hya"
    plg.search()
    plugin = plg._obj
    plugin.mrp_only = False  # every calibrated product, for the extension to narrow
    plugin.vue_select([plugin.results_items[0], plugin.results_items[1]])
    _settle(plugin)
    assert [i["productFilename"] for i in plugin.products_items] == [
        "lb4m01010_x1dsum.fits", "lb4m0101q_x1d.fits", "lb4m01020_x1dsum.fits",
        "lb4m0102q_x1d.fits",
    ]
    plugin.extension = "x1dsum.fits"
    assert [i["productFilename"] for i in plugin.products_items] == [
        "lb4m01010_x1dsum.fits", "lb4m01020_x1dsum.fits"
    ]
    plugin.vue_select_products(plugin.products_items)
    assert plugin.selected_text == "2 files, 685.4 kB"


def test_load_selected_with_nothing_selected_loads_the_page_spectra(app, plg, local_mast):
    plg.target = "TW Hya"
    plg.criteria = {"obs_collection": "HST", "instrument_name": "COS/FUV"}
    assert plg.search() == 3
    local_mast.clear_log()
    labels = plg.load_selected()
    assert plg.message == (
        "Nothing was selected: loading the 3 calibrated spectrum files of page 1 "
        "(3 observations); 2 files downloaded, 1 file skipped (exclusive access: needs a MAST "
        "token); loaded 4 datasets"
    )
    # LF7Z01010 is still exclusive access: without a token its file is skipped. Each COS
    # file holds two segments, each its own dataset. One file per observation (MAST's
    # recommended x1dsum), not the x1dsum and the x1d it is made of drawn twice; with one
    # file per observation the labels need no product type to tell them apart.
    assert sorted(labels) == [
        f"{obs_id} {segment} (HST COS/FUV)"
        for obs_id in ("LB4M01010", "LB4M01020")
        for segment in ("FUVA", "FUVB")
    ]
    assert _services(local_mast).count("Mast.Caom.Products") == 1
    assert len(_downloads(local_mast)) == 2
    assert sorted(app.datasets) == sorted(labels)
    # one spectrum viewer, every spectrum overlaid in it
    assert sorted(_viewer_labels(app)) == sorted(labels)
    label = "LB4M01010 FUVA (HST COS/FUV)"
    meta = app._app.data_collection[label].meta[PROVENANCE_KEY]
    assert meta["label"] == label
    assert meta["part"] == "FUVA"
    assert meta["file"] == "lb4m01010_x1dsum.fits"
    assert meta["dataset"]["dataURI"] == "mast:HST/product/lb4m01010_x1dsum.fits"
    assert meta["dataset"]["obs_id"] == "LB4M01010"
    assert meta["dataset"]["label"] == label
    assert len(meta["dataset"]["sha256"]) == 64
    assert meta["server"] == local_mast.url
    searches = [q for q in full_queries(meta) if q.get("service") != "Mast.Caom.Products"]
    assert searches and searches[0]["target"] == "TW Hya"
    # and jdaviz's Metadata plugin shows it
    metadata = app.plugins["Metadata"]
    metadata.dataset = label
    shown = {row[0]: row[1] for row in metadata._obj.metadata}
    assert shown["glue_mast.dataset.obs_id"] == "LB4M01010"
    # linked by physical type, as jdaviz links its own files
    links = app._app.data_collection.external_links
    assert len(links) >= len(labels) - 1
    assert plg.manifest is not None and len(plg.manifest.datasets) == 2
    # every spectrum is in view, the strongest line (Lyman alpha) too, not only the first
    import numpy as np

    (state,) = [v.state for v in app._app._viewer_store.values()]
    fluxes = [np.asarray(app.get_data(label).flux.value) for label in labels]
    waves = [np.asarray(app.get_data(label).spectral_axis.value) for label in labels]
    assert state.y_min <= min(np.nanmin(f) for f in fluxes)
    assert state.y_max >= max(np.nanmax(f) for f in fluxes)
    assert state.x_min <= min(w.min() for w in waves)
    assert state.x_max >= max(w.max() for w in waves)


def test_fetch_reports_progress_and_writes_the_manifest(plg, local_mast, tmp_path):
    plg.target = "TW Hya"
    plg.search()
    plg._obj.mrp_only = False  # both calibrated files of the observation
    plg.select(observations=[0], products="all")
    result = plg.fetch()
    assert sorted(p.name for p in result.paths) == ["lb4m01010_x1dsum.fits", "lb4m0101q_x1d.fits"]
    assert result.paths[0].is_relative_to(tmp_path)
    plugin = plg._obj
    assert plugin.progress == 100.0
    assert plugin.progress_text == "2 files downloaded"
    assert plugin.message == "2 files downloaded"
    assert {d["productFilename"] for d in plg.manifest.datasets} == {
        "lb4m01010_x1dsum.fits", "lb4m0101q_x1d.fits"
    }
    local_mast.clear_log()
    plg.fetch()
    assert plugin.message == "2 files already on disk"
    assert _downloads(local_mast) == []


def test_vue_load_loads_in_the_background(app, plg, local_mast):
    plg.target = "TW Hya"
    plg.search()
    plugin = plg._obj
    plugin.vue_select([plugin.results_items[0]])
    _settle(plugin)
    plugin.vue_select_products([plugin.products_items[0]])
    plugin.vue_load({})
    _settle(plugin)
    assert plugin.error == ""
    assert plugin.message == "1 file downloaded; loaded 2 datasets"
    assert sorted(app.datasets) == ["LB4M01010 FUVA (HST COS/FUV)", "LB4M01010 FUVB (HST COS/FUV)"]


def test_vue_load_with_nothing_selected_says_what_to_do(plg, local_mast):
    plg.target = "TW Hya"
    plg.search()
    plugin = plg._obj
    plugin.vue_load({})
    assert plugin.error == "select observations and products first"


def test_preview_draws_a_selected_spectrum(plg, local_mast):
    plg.target = "TW Hya"
    plg.search()
    plg.select(observations=[0])
    plugin = plg._obj
    plugin.vue_preview(0)
    deadline = time.monotonic() + 30
    while plugin.preview_plot.get("loading"):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    plot = _drawn(plugin)
    assert plot.get("error") is None, plot.get("error")
    assert plot["title"] == "HST COS G130M TWHYA"
    assert plot["kind"] == "spectrum"
    assert plot["x_label"] == "Wavelength (Angstrom)"
    assert plot["y_label"] == "Flux (erg / (Angstrom s cm2))"
    assert len(plot["points"].split()) > 100
    assert plot["ranges"]["x"][0] < plot["ranges"]["x"][1]
    # the plot is a PNG with its axes: tick labels and axis titles left of and under the
    # line, the title above it
    picture = _png(plot["plot"])
    height, width = picture.shape[:2]
    assert (height, width) == (400, 600)
    ink = picture[:, :, :3].mean(axis=2) < 0.5  # dark pixels: text and axis lines
    left, bottom, top = int(0.15 * width), int(0.85 * height), int(0.12 * height)
    assert ink[top:bottom, :left].sum() > 300  # the y axis's tick labels and title
    assert ink[bottom:, left:].sum() > 300  # the x axis's tick labels and title
    assert ink[:top, width // 4: 3 * width // 4].sum() > 200  # the title
    assert plot.get("note", "") == "2 parts (FUVA, FUVB) in one line"


def _drawn(plugin, timeout=30):
    """The preview once fetched and drawn (the PNG is drawn in a background job)."""
    deadline = time.monotonic() + timeout
    while plugin.preview_plot.get("loading") or not (
        plugin.preview_plot.get("plot") or plugin.preview_plot.get("error")
    ):
        assert time.monotonic() < deadline, plugin.preview_plot
        time.sleep(0.02)
    return plugin.preview_plot


def _png(url):
    import base64
    import io

    from matplotlib.image import imread

    assert url.startswith("data:image/png;base64,")
    return imread(io.BytesIO(base64.b64decode(url.split(",", 1)[1])), format="png")


def test_the_stis_echelle_preview_says_it_merges_orders(plg, local_mast):
    plg.target = "TW Hya"
    plg.search()
    plg.select(observations=["O5CW01010"])
    plugin = plg._obj
    plugin.vue_preview(0)
    plot = _drawn(plugin)
    assert plot["title"] == "HST STIS E140M TWHYA"
    assert plot["note"] == "8 echelle orders merged into one line"
    assert plugin.preview_state.note == plot["note"]


def test_drawing_the_preview_keeps_the_kernel_free(plg, local_mast, monkeypatch):
    """matplotlib takes tenths of a second: the PNG is drawn off the kernel's thread."""
    import threading

    from glue_mast.jdaviz.plugins.mast_search import preview

    threads = []
    drawing = preview.plot_png

    def plot_png(*args, **kwargs):
        threads.append(threading.current_thread())
        return drawing(*args, **kwargs)

    monkeypatch.setattr(preview, "plot_png", plot_png)
    plg.target = "TW Hya"
    plg.search()
    plg.select(observations=[0])
    plg._obj.vue_preview(0)
    _drawn(plg._obj)
    assert len(threads) == 1  # once, however often the state's changes ask
    assert threads[0] is not threading.main_thread()


def test_cancel_stops_a_download(plg, local_mast):
    plg.target = "TW Hya"
    plg.search()
    plg.select(observations=[0], products="all")
    local_mast.faults.bandwidth = 50_000  # bytes per second: several seconds per file
    plugin = plg._obj
    plugin.vue_fetch({})
    time.sleep(0.5)
    assert plugin.fetching
    plugin.vue_cancel({})
    _settle(plugin, timeout=20)
    assert plugin.message == "download cancelled"
    assert plg.manifest is None


#: What the tooltip of LF7Z01010 (exclusive access, released 2027-06-30) says before then.
LF7Z_NOTE = "exclusive access until 2027-06-30: needs a MAST token"


def _marked(items, column):
    return {item[column]: item["exclusive"] for item in items if item["exclusive"]}


def test_exclusive_access_rows_are_marked_in_both_tables(plg, local_mast, monkeypatch):
    from glue_mast.jdaviz.plugins.mast_search import views

    monkeypatch.setattr(views, "now_mjd", lambda: 61000.0)  # 2025-12-14: before the release
    plg.target = "TW Hya"
    plg.search()
    plugin = plg._obj
    assert len(plugin.results_items) == 8
    assert _marked(plugin.results_items, "obs_id") == {"LF7Z01010": LF7Z_NOTE}
    assert [i["exclusive"] for i in plugin.results_items].count("") == 7
    plugin.mrp_only = False  # every calibrated product: both of LF7Z01010's are marked
    plg.select(observations="all")
    assert len(plugin.products_items) == 11
    assert _marked(plugin.products_items, "productFilename") == {
        "lf7z01010_x1dsum.fits": LF7Z_NOTE, "lf7z0101q_x1d.fits": LF7Z_NOTE,
    }
    # selecting them says what the download will do with them
    plg.select(products=["lb4m01010_x1dsum.fits"])
    assert plugin.exclusive_text == ""
    plg.select(products=["lb4m01010_x1dsum.fits", "lf7z0101q_x1d.fits"])
    assert plugin.exclusive_text == (
        "1 selected file is exclusive access: without a MAST token the download skips it. "
        "Set MAST_API_TOKEN before starting Jupyter, or call glue_mast.configure(token=...); "
        "the token is sent only to MAST, never shown or saved."
    )
    local_mast.clear_log()
    plg.fetch()
    # the summary uses the tooltip's words; the skipped file was never asked for
    assert plugin.message == (
        "1 file downloaded, 1 file skipped (exclusive access: needs a MAST token)"
    )
    assert [r.query.get("uri") for r in _downloads(local_mast)] == [
        ["mast:HST/product/lb4m01010_x1dsum.fits"]
    ]


def test_after_its_release_date_a_row_still_exclusive_by_rights_says_so(plg, local_mast,
                                                                         monkeypatch):
    from glue_mast.jdaviz.plugins.mast_search import views

    monkeypatch.setattr(views, "now_mjd", lambda: 62000.0)  # 2028-09: LF7Z01010 released
    plg.target = "TW Hya"
    plg.search()
    # its dataRights still say EXCLUSIVE_ACCESS (MAST's rule: either makes a row exclusive)
    assert _marked(plg._obj.results_items, "obs_id") == {
        "LF7Z01010": "exclusive access: needs a MAST token"
    }



def test_the_note_follows_a_token_given_after_the_selection(plg, local_mast):
    import glue_mast
    from glue_mast.testing import VALID_TOKEN

    plg.target = "TW Hya"
    plg.search()
    plg._obj.mrp_only = False  # both calibrated files of the exclusive observation
    plg.select(observations="LF7Z01010", products="all")
    plugin = plg._obj
    assert "without a MAST token the download skips them" in plugin.exclusive_text
    glue_mast.configure(token=VALID_TOKEN)  # the next cell of the notebook
    assert plugin.exclusive_text.endswith("a MAST token is set, so MAST sends them if it "
                                          "grants access to them.")
    assert VALID_TOKEN not in plugin.exclusive_text


def test_with_a_token_exclusive_files_are_fetched_and_the_note_says_so(plg, local_mast):
    import glue_mast
    from glue_mast.testing import VALID_TOKEN

    glue_mast.configure(token=VALID_TOKEN)
    plg.target = "TW Hya"
    plg.search()
    plg._obj.mrp_only = False  # both calibrated files of the exclusive observation
    plg.select(observations="LF7Z01010", products="all")
    plugin = plg._obj
    assert plugin.exclusive_text == (
        "2 selected files are exclusive access: a MAST token is set, so MAST sends them if "
        "it grants access to them."
    )
    assert VALID_TOKEN not in plugin.exclusive_text
    local_mast.clear_log()
    plg.fetch()
    assert plugin.message == "2 files downloaded"
    assert sorted(r.query.get("uri")[0] for r in _downloads(local_mast)) == [
        "mast:HST/product/lf7z01010_x1dsum.fits", "mast:HST/product/lf7z0101q_x1d.fits"
    ]


def test_row_items_blank_masked_cells_and_judge_rights_without_them():
    from astropy.table import MaskedColumn, Table

    from glue_mast.jdaviz.plugins.mast_search import columns, views

    table = Table({
        "obs_id": MaskedColumn(["a", "b", "c"], mask=[False, True, False]),
        "dataRights": ["PUBLIC", "PUBLIC", "EXCLUSIVE_ACCESS"],
        # a masked release date is no date (not MJD 0); a future one makes a row exclusive
        "t_obs_release": MaskedColumn([0.0, 61586.0, 1.0], mask=[True, False, True]),
    })
    headers, items = views.table_items(table, columns.shown("observations"), now=61000.0)
    assert headers == [{"text": "Obs ID", "value": "obs_id", "align": "start"}]
    assert items == [
        {"key": 0, "exclusive": "", "obs_id": "a", "sort": {"obs_id": "a"}},
        {"key": 1, "exclusive": "exclusive access until 2027-06-30: needs a MAST token",
         "obs_id": "", "sort": {"obs_id": None}},
        {"key": 2, "exclusive": "exclusive access: needs a MAST token", "obs_id": "c",
         "sort": {"obs_id": "c"}},
    ]


def _tree(items):
    """A v-treeview's items as {"Section": {"Name": (value, link), ...}} (one level down)."""
    return {
        item["name"]: {c["name"]: (c["value"], c["link"]) for c in item.get("children", [])}
        for item in items
    }


def test_provenance_shows_the_newest_dataset_as_a_readable_tree(app, plg, local_mast):
    plugin = plg._obj
    assert plugin.provenance_dataset_items == [] and plugin.provenance_tree == []
    plg.target = "TW Hya"
    plg.search()
    plg.select(observations=["LB4M01010"], products="all")
    labels = plg.load_selected()
    assert plugin.provenance_dataset_items == labels
    assert plg.provenance_dataset == labels[-1]  # the one loaded last
    tree = _tree(plugin.provenance_tree)
    assert list(tree) == ["Dataset", "Observation", "File", "Query", "MAST record", "Header"]
    assert plugin.provenance_open == ["0", "1", "2", "3"]  # the record and header stay folded
    assert tree["MAST record"]["parent_obsid"][0]  # MAST's other fields, as in glue-qt
    assert tree["Dataset"]["Label"] == (labels[-1], "")
    assert tree["Observation"]["Observation ID"] == ("LB4M01010", "")
    assert tree["Observation"]["Proposal"] == ("11533 (Green, James)", "")
    record = plg.provenance
    sha = record["fetch"]["sha256"]
    assert tree["File"]["SHA-256"] == (sha, "") and len(sha) == 64
    assert tree["File"]["Checksum"][0] == (
        "checked: the file's bytes were checked against this SHA-256"
    )
    uri, link = tree["File"]["MAST URI"]
    assert uri == "mast:HST/product/lb4m01010_x1dsum.fits"
    assert link == f"{local_mast.url}/api/v0.1/Download/file?uri={uri}"
    # the link is where MAST serves the file: the same bytes
    import hashlib

    import requests

    assert hashlib.sha256(requests.get(link, timeout=30).content).hexdigest() == sha
    search, listing = plugin.provenance_tree[3]["children"]
    assert (search["name"], search["value"]) == ("Search", "8 observations")
    searched = {c["name"]: c["value"] for c in search["children"]}
    assert searched["Target"] == "TW Hya (resolved by SIMBAD as V* TW Hya)"
    assert searched["Radius"] == "0.2 deg"
    assert listing["name"] == "Product list"
    # nothing in the tree is a dict dump
    values = [c["value"] for item in plugin.provenance_tree for c in item.get("children", [])]
    assert not [v for v in values if "{" in v]


def test_provenance_of_a_chosen_dataset_stays_chosen(app, plg, local_mast):
    plugin = plg._obj
    plg.target = "TW Hya"
    plg.search()
    plg.select(observations=["LB4M01010"], products="all")
    first = plg.load_selected()
    plg.provenance_dataset = first[0]
    assert _tree(plugin.provenance_tree)["Dataset"]["Label"][0] == first[0]
    plg.select(observations=["LB4M01020"], products="all")
    second = plg.load_selected()
    assert plugin.provenance_dataset_items == first + second
    assert plg.provenance_dataset == first[0]  # chosen by the user: not replaced
    with pytest.raises(InputError, match="no dataset 'nope' with glue-mast's provenance"):
        plg.provenance_dataset = "nope"
    app._app.data_collection.remove(app._app.data_collection[first[0]])
    assert plg.provenance_dataset == second[-1]  # gone: the newest again
    assert first[0] not in plugin.provenance_dataset_items


def test_the_selected_total_counts_only_what_the_download_fetches(plg, local_mast):
    plg.target = "TW Hya"
    plg.search()
    plugin = plg._obj
    plg.select(observations=["LB4M01010", "LF7Z01010"], products="all")
    # LF7Z01010's x1dsum is exclusive access: without a token it is skipped, not counted
    assert plugin.selected_text == (
        "1 file, 342.7 kB (1 more is exclusive access, skipped without a MAST token)"
    )
    plg.select(products=["lf7z01010_x1dsum.fits"])
    assert plugin.selected_text == (
        "nothing to fetch: the 1 selected file is exclusive access, skipped without a MAST token"
    )
    plg.select(products=["lb4m01010_x1dsum.fits"])
    assert plugin.selected_text == "1 file, 342.7 kB"


def test_loading_a_file_again_adds_no_copies_and_says_so(app, plg, local_mast):
    plg.target = "TW Hya"
    plg.search()
    plg.select(observations=["LB4M01010"], products="all")
    labels = plg.load_selected()
    assert len(labels) == 2
    plg.select(observations=["LB4M01010", "LB4M01020"], products="all")
    more = plg.load_selected()  # the second observation's two segments only
    assert len(more) == 2 and not set(more) & set(labels)
    assert sorted(app.datasets) == sorted(labels + more)  # no "..._01" copies
    assert plg.message.endswith(
        "loaded 2 datasets; 2 datasets were already loaded, not added again: "
        + ", ".join(labels)
    )
