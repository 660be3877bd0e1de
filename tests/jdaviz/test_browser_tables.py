"""The MAST Search tables at a laptop's window (1366x768): the default observation columns fit
the tray; a table with more columns than the tray holds scrolls sideways inside it, with its
scrollbar in sight, and is never cut at the tray's edge."""

import pytest

from tests.jdaviz.test_browser import (  # noqa: F401  (fixtures: the served app and the browser contexts)
    _choose,
    _open_mast_search,
    laptop,
    playwright,
    served_app,
)

pytestmark = pytest.mark.browser

# The table's scrolling box (with the width it scrolls and the height of its scrollbar), the
# tray panel's box, the table's width, and the last heading's box before and after the table is
# scrolled as far right as it goes, in page pixels.
_MEASURE = """(table) => {
  const box = el => {
    const r = el.getBoundingClientRect();
    return {left: r.left, right: r.right};
  };
  const wrapper = table.querySelector('.v-data-table__wrapper');
  let panel = table.parentElement;
  while (panel && !panel.classList.contains('v-expansion-panel-content')) {
    panel = panel.parentElement;
  }
  const headings = table.querySelectorAll('thead th');
  const unscrolled = box(headings[headings.length - 1]);
  wrapper.scrollLeft = wrapper.scrollWidth;
  return {
    wrapper: box(wrapper), panel: box(panel), last: box(headings[headings.length - 1]),
    unscrolled, scrollWidth: wrapper.scrollWidth, clientWidth: wrapper.clientWidth,
    tableWidth: wrapper.querySelector('table').getBoundingClientRect().width,
    scrollbar: wrapper.offsetHeight - wrapper.clientHeight,
  };
}"""


def _measure(page, selector):
    m = page.locator(selector).evaluate(_MEASURE)
    assert m["wrapper"]["right"] <= m["panel"]["right"] + 0.5, m  # the table ends in the tray
    assert m["last"]["right"] <= m["wrapper"]["right"] + 0.5, m  # its last column reachable
    return m


def test_tables_fit_or_scroll_sideways_inside_the_tray(served_app, laptop):  # noqa: F811
    from playwright.sync_api import expect

    page = _open_mast_search(laptop, served_app, "TW Hya")
    expect(page.locator(".mast-count")).to_contain_text("8 observations", timeout=60_000)
    expect(page.locator(".mast-results tbody tr")).to_have_count(8)
    # Mission, Instrument, Filters and Obs ID, with the longest IDs and the lock, fit as they
    # are: nothing to scroll (no scrollbar), nothing cut
    m = _measure(page, ".mast-results")
    assert m["tableWidth"] <= m["clientWidth"] + 0.5, m
    assert m["unscrolled"]["right"] <= m["wrapper"]["right"] + 0.5, m
    assert m["scrollWidth"] <= m["clientWidth"] and m["scrollbar"] == 0, m  # no scrollbar
    # a catalog has many columns: they scroll inside the tray, the scrollbar in sight
    _choose(page, ".mast-catalog", "Gaia")
    page.locator(".mast-catalog-target input").fill("TW Hya")
    page.locator(".mast-catalog-radius input").fill("0.05 deg")
    page.locator("button.mast-catalog-search").click()
    expect(page.locator(".mast-catalog-rows tbody tr")).to_have_count(6, timeout=60_000)
    m = _measure(page, ".mast-catalog-rows")
    assert m["scrollWidth"] > m["clientWidth"] and m["scrollbar"] > 0, m
    page.close()
