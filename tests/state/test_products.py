"""ProductState: one listing per selection, refiltering with no request, sizes, fetch."""

import json
import time

import numpy as np
import pytest

import glue_mast
from glue_mast.errors import InputError
from glue_mast.state import ProductState, SearchState
from glue_mast.state.products import human_size

PRODUCTS = "Mast.Caom.Products"


@pytest.fixture
def tw_hya(local_mast):
    """A search for TW Hya (8 observations: HST COS/STIS, IUE, FUSE, one exclusive)."""
    state = SearchState(target="TW Hya", radius="0.1 deg")
    state.search().result()
    return state


def select(search, products, obsids, settle):
    search.selected_obsids = obsids
    settle(products)


def test_a_selection_change_is_one_product_list_request(tw_hya, local_mast, invokes, settle):
    products = ProductState(search=tw_hya)
    obsids = [str(o) for o in tw_hya.rows["obsid"]]
    local_mast.clear_log()
    select(tw_hya, products, obsids[:3], settle)
    [request] = invokes(PRODUCTS)
    assert request.request["params"]["obsid"].split(",") == obsids[:3]
    select(tw_hya, products, obsids[3:5], settle)
    assert len(invokes(PRODUCTS)) == 2
    assert set(products.products["obsID"]) == set(obsids[3:5])
    reference = glue_mast.list_products(tw_hya.rows[3:5])
    assert list(products.products["dataURI"]) == list(reference["dataURI"])


def test_the_default_filter_is_calibrated_science(tw_hya, settle):
    products = ProductState(search=tw_hya)
    select(tw_hya, products, [str(o) for o in tw_hya.rows["obsid"]], settle)
    reference = glue_mast.products(tw_hya.rows)
    assert list(products.filtered["dataURI"]) == list(reference["dataURI"])
    assert set(products.filtered["productType"]) == {"SCIENCE"}
    assert min(products.filtered["calib_level"]) >= 2
    # MAST's recommended products only, by default: one file per observation here
    assert products.mrp_only is True
    assert set(products.filtered["productGroupDescription"]) == {"Minimum Recommended Products"}
    assert len(products.filtered) == len(tw_hya.rows)
    # The observation's fields travel with its products, for provenance.
    assert {"instrument_name", "t_obs_release"} <= set(products.filtered.colnames)
    assert products.filtered.meta["queries"][0]["target"] == "TW Hya"


def test_refiltering_sends_no_request(tw_hya, local_mast, settle):
    products = ProductState(search=tw_hya)
    select(tw_hya, products, [str(o) for o in tw_hya.rows["obsid"]], settle)
    local_mast.clear_log()
    listed = products.products
    recommended = len(products.filtered)
    products.mrp_only = False
    assert len(products.filtered) > recommended
    products.calibrated_only = False
    all_science = len(products.filtered)
    products.product_type = ""
    assert len(products.filtered) == len(listed) > all_science
    products.extension = "_x1d.fits, _x1dsum.fits"
    names = list(products.filtered["productFilename"])
    assert names and all(n.endswith(("_x1d.fits", "_x1dsum.fits")) for n in names)
    products.extension = ""
    products.extra_filters = {"obs_collection": ["IUE", "FUSE"], "calib_level": 2}
    assert set(products.filtered["obs_collection"]) == {"IUE", "FUSE"}
    assert set(products.filtered["calib_level"]) == {2}
    products.update_from_dict({"extra_filters": {}, "product_type": "PREVIEW"})
    assert set(products.filtered["productType"]) == {"PREVIEW"}
    assert products.products is listed
    assert local_mast.log == []


def test_with_a_token_the_total_counts_the_exclusive_files(tw_hya, settle, monkeypatch):
    monkeypatch.setenv("MAST_API_TOKEN", "t" * 32)
    products = ProductState(search=tw_hya)
    select(tw_hya, products, [str(o) for o in tw_hya.rows["obsid"]], settle)
    assert products.token_set and products.exclusive
    n, total = products.selected_count, products.selected_size
    assert products.selected_size_text == f"{n} files, {human_size(total)}"


def test_selected_count_and_size(tw_hya, settle):
    products = ProductState(search=tw_hya)
    select(tw_hya, products, [str(o) for o in tw_hya.rows["obsid"]], settle)
    filtered = products.filtered
    assert products.selected is filtered  # everything the filter keeps, by default
    total = int(np.sum(filtered["size"]))
    assert (products.selected_count, products.selected_size) == (len(filtered), total)
    # Without a token the fetch skips the exclusive-access file (LF7Z01010's x1dsum): the
    # text counts what it brings, and says how many it skips.
    [exclusive] = products.exclusive
    public = filtered[filtered["dataURI"] != exclusive]
    assert products.selected_size_text == (
        f"{len(public)} files, {human_size(int(np.sum(public['size'])))} "
        "(1 more is exclusive access, skipped without a MAST token)"
    )
    picked = [str(u) for u in filtered["dataURI"][[0, 2]]]
    products.selected_uris = picked
    assert list(products.selected["dataURI"]) == picked
    assert products.selected_size == int(filtered["size"][0] + filtered["size"][2])
    assert products.selected_size_text == f"2 files, {human_size(products.selected_size)}"
    products.selected_uris = [exclusive]
    assert products.selected_size_text == (
        "nothing to fetch: the 1 selected file is exclusive access, skipped without a MAST token"
    )
    products.selected_uris = []
    assert (products.selected_count, products.selected_size, products.selected_size_text) == (
        0,
        0,
        "",
    )


def test_human_size():
    assert [human_size(n) for n in (0, 999, 3968, 342_720, 2_384_640, 12_345_678_901)] == [
        "0 B",
        "999 B",
        "4.0 kB",
        "342.7 kB",
        "2.4 MB",
        "12.3 GB",
    ]


def test_exclusive_products_are_named(tw_hya, settle):
    products = ProductState(search=tw_hya)
    select(tw_hya, products, [str(o) for o in tw_hya.rows["obsid"]], settle)
    exclusive_obs = tw_hya.rows[tw_hya.rows["dataRights"] == "EXCLUSIVE_ACCESS"]
    assert len(exclusive_obs) == 1
    expected = [
        str(row["dataURI"])
        for row in products.filtered
        if str(row["obsID"]) == str(exclusive_obs["obsid"][0])
    ]
    assert expected and products.exclusive == expected
    products.selected_uris = [str(products.filtered["dataURI"][0])]
    assert products.exclusive == []



def _select_exclusive(tw_hya, products, settle):
    exclusive_obs = tw_hya.rows[tw_hya.rows["dataRights"] == "EXCLUSIVE_ACCESS"]
    select(tw_hya, products, [str(exclusive_obs["obsid"][0])], settle)
    assert len(products.exclusive) == 1  # its recommended x1dsum


def test_token_set_follows_configure_with_no_reselection(tw_hya, settle):
    from glue_mast.testing import VALID_TOKEN

    products = ProductState(search=tw_hya)
    _select_exclusive(tw_hya, products, settle)
    assert products.token_set is False
    seen = []
    products.add_callback("token_set", seen.append)
    glue_mast.configure(token=VALID_TOKEN)
    assert products.token_set is True and seen == [True]
    glue_mast.config.set_token(None)
    assert products.token_set is False and seen == [True, False]
    assert VALID_TOKEN not in repr(products.as_dict())


def test_a_token_in_astroquerys_keyring_counts_and_is_read_off_the_ui_thread(
    tw_hya, settle, mast_keyring
):
    import threading

    from glue_mast.testing import VALID_TOKEN

    gate = threading.Event()
    ring = mast_keyring(VALID_TOKEN, gate=gate)
    products = ProductState(search=tw_hya)
    assert ring.reads == 0  # nothing is read before an exclusive file is selected
    exclusive_obs = tw_hya.rows[tw_hya.rows["dataRights"] == "EXCLUSIVE_ACCESS"]
    tw_hya.selected_obsids = [str(exclusive_obs["obsid"][0])]
    deadline = time.monotonic() + 20
    while not products.exclusive:  # the selection lands while the keyring read is held
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert products.token_set is False and products.busy
    gate.set()
    settle(products)
    assert products.token_set is True and ring.reads == 1
    products.selected_uris = [str(products.filtered["dataURI"][0])]
    assert products.token_set is True and ring.reads == 1  # read once per process


def test_a_bad_filter_lands_as_error_on_extra_filters(tw_hya, local_mast, settle):
    products = ProductState(search=tw_hya)
    select(tw_hya, products, [str(tw_hya.rows["obsid"][0])], settle)
    products.extra_filters = {"productTyp": "SCIENCE"}
    assert "unknown product field 'productTyp'" in products.error
    assert products.error_field == "extra_filters"
    assert products.filtered is None and products.selected_count == 0
    products.extra_filters = {}
    assert products.error == "" and len(products.filtered) > 0


def test_clearing_the_selection_clears_the_products_with_no_request(tw_hya, local_mast, settle):
    products = ProductState(search=tw_hya)
    select(tw_hya, products, [str(tw_hya.rows["obsid"][0])], settle)
    local_mast.clear_log()
    select(tw_hya, products, [], settle)
    assert (products.products, products.filtered, products.selected_count) == (None, None, 0)
    assert local_mast.log == []


def test_a_superseded_listing_is_dropped(tw_hya, local_mast, settle):
    products = ProductState(search=tw_hya)
    obsids = [str(o) for o in tw_hya.rows["obsid"]]
    local_mast.faults.stall(0.5, times=1, match="/api/v0/invoke")
    tw_hya.selected_obsids = obsids[:1]
    time.sleep(0.1)
    tw_hya.selected_obsids = obsids[1:2]
    settle(products)
    assert set(products.products["obsID"]) == {obsids[1]}


def test_standalone_observations_and_round_trip(tw_hya, local_mast, invokes, settle):
    products = ProductState(calibrated_only=False, extension="fits")
    products.observations = tw_hya.rows[:2]
    settle(products)
    assert len(invokes(PRODUCTS)) == 1
    assert all(str(n).endswith("fits") for n in products.filtered["productFilename"])
    saved = json.loads(json.dumps(products.as_dict()))
    assert saved == {
        "calibrated_only": False,
        "mrp_only": True,  # the default
        "extension": "fits",
        "product_type": "SCIENCE",
        "extra_filters": {},
    }
    assert ProductState(**saved).as_dict() == saved
    with pytest.raises(InputError, match="unknown product filter input"):
        products.update_from_dict({"colour": 1})


def test_fetch_downloads_the_selection(tw_hya, local_mast, settle, tmp_path):
    products = ProductState(search=tw_hya)
    rows = tw_hya.rows
    iue = [str(o) for o, c in zip(rows["obsid"], rows["obs_collection"]) if c == "IUE"]
    select(tw_hya, products, iue, settle)
    fractions = []
    products.add_callback("fetch_fraction", fractions.append)
    job = products.fetch(tmp_path)
    result = job.result()
    settle(products)
    assert products.last_fetch is result
    assert len(result.downloaded) == products.selected_count == 2
    selected = sorted(products.selected, key=lambda r: r["productFilename"])
    for path, row in zip(sorted(result.paths), selected):
        assert path.name == row["productFilename"] and path.stat().st_size == row["size"]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert products.fetch_status == "2 files downloaded"
    assert (tmp_path / "manifest.json").is_file()
    # Again: both are in place, so nothing is sent.
    local_mast.clear_log()
    again = products.fetch(tmp_path).result()
    settle(products)
    assert len(again.cached) == 2 and products.fetch_status == "2 files already on disk"
    assert local_mast.requests(path="/api/v0.1/Download/file") == []


def test_fetch_goes_to_the_download_cache_by_default(tw_hya, local_mast, settle, tmp_path):
    from glue_mast import config

    config.configure(cache_dir=tmp_path / "cache")
    products = ProductState(search=tw_hya)
    select(tw_hya, products, [str(tw_hya.rows["obsid"][4])], settle)  # an IUE spectrum
    result = products.fetch().result()
    [path] = result.paths
    assert path.is_relative_to(tmp_path / "cache")


def test_cancelling_a_fetch_stops_its_transfers(tw_hya, local_mast, settle, tmp_path):
    from glue_mast.jobs import JobCancelled

    products = ProductState(search=tw_hya)
    select(tw_hya, products, [str(tw_hya.rows["obsid"][0])], settle)  # COS: 2 x 342,720 bytes
    local_mast.faults.bandwidth = 20_000
    job = products.fetch(tmp_path)
    time.sleep(0.5)
    started = time.monotonic()
    products.cancel()
    with pytest.raises(JobCancelled):
        job.result(timeout=10)
    assert time.monotonic() - started < 3
    settle(products)
    assert products.last_fetch is None and products.error == "" and not products.busy
    assert list(tmp_path.rglob("*.part"))  # kept for the next fetch to resume


def test_fetch_with_nothing_selected_is_an_error(local_mast, settle):
    products = ProductState()
    job = products.fetch()
    with pytest.raises(InputError):
        job.result()
    settle(products)
    assert products.error == "select at least one product to fetch"
    assert products.error_field == "selected"
