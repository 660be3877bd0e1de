"""SearchState and ProductState against the real MAST. Skipped unless ``--remote-data=any``."""

import time

import pytest

from glue_mast import config
from glue_mast.state import ProductState, SearchState

pytestmark = pytest.mark.remote_data


@pytest.fixture(autouse=True)
def real_mast(monkeypatch):
    for name in ("GLUE_MAST_SERVER", "MAST_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    config.reset()
    config.configure(server="https://mast.stsci.edu", timeout=300)
    yield
    config.reset()


def test_search_products_and_choices():
    state = SearchState(target="TW Hya", radius="0.02 deg", dataproduct_type="spectrum")
    count, rows = state.search().result(timeout=300)
    assert count == state.count > 0 and len(state.rows) == min(50, count)
    assert state.resolved_position.startswith("TW Hya: RA 165.46")
    state.load_choices().result(timeout=300)
    assert {"HST", "IUE", "JWST"} <= set(state.collection_choices)
    assert "COS/FUV" in state.instrument_choices

    products = ProductState(search=state)
    state.selected_obsids = [str(state.rows["obsid"][0])]
    deadline = time.monotonic() + 300
    while (products.busy or products.products is None) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert products.products is not None and products.error == ""
    assert products.selected_count == len(products.filtered)
