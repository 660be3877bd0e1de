"""The MAST Search plugin's progress bars in a real browser: each with its Cancel beside it.

A slowed archive keeps each piece of work on its way long enough to see its bar: the search,
a preview, a download. The served app and the browsers are tests/jdaviz/test_browser.py's;
the screenshot of a bar with its Cancel is docs/_static/jdaviz-progress-cancel.png when
``$GLUE_MAST_SCREENSHOTS`` is set.
"""

import pytest

from tests.jdaviz.test_browser import (  # noqa: F401  (fixtures: the served app and the browser contexts)
    SCREENSHOT,
    _open_mast_search,
    _switch_off,
    browser,
    laptop,
    playwright,
    served_app,
)

pytestmark = pytest.mark.browser

#: The tray's right edge at a 1366 px window, in pixels (jdaviz's tray is about 330 px wide).
TRAY_RIGHT = 340


def _beside(page, row_class):
    """The bar and the Cancel of the work row ``row_class``: the Cancel on the bar's line, to
    its right, inside the tray, its text whole."""
    from playwright.sync_api import expect

    row = page.locator(row_class)
    expect(row).to_be_visible(timeout=30_000)
    row.evaluate("el => el.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(600)  # the tray's panel opens with an animation
    bar = row.locator(".mast-work-bar").bounding_box()
    cancel_button = row.locator("button.mast-cancel")
    expect(cancel_button).to_have_text("Cancel")
    cancel = cancel_button.bounding_box()
    assert bar["width"] > 150, bar  # the bar keeps most of the line
    assert cancel["x"] >= bar["x"] + bar["width"] - 1, (bar, cancel)
    assert abs((cancel["y"] + cancel["height"] / 2) - (bar["y"] + bar["height"] / 2)) < 6
    assert cancel["x"] + cancel["width"] <= TRAY_RIGHT, cancel
    # the button's text is not cut (its content fits its box)
    assert cancel_button.evaluate("b => b.scrollWidth <= b.clientWidth + 1")
    page.screenshot(path=str(SCREENSHOT.with_name(f"work-{row_class.strip('.')}.png")))
    return row, cancel_button


def test_every_progress_bar_has_its_cancel_beside_it(served_app, laptop, mast_archive):  # noqa: F811
    from playwright.sync_api import expect

    mast_archive.reset()
    try:
        # the search: held by the archive; its bar, and Cancel stops it
        mast_archive.faults.stall(30, times=3, match="/api/v0/invoke")  # name, count, page
        page = _open_mast_search(laptop, served_app, "TW Hya", "COS/FUV")
        row, cancel = _beside(page, ".mast-search-work")
        expect(row).to_contain_text("Searching MAST")
        cancel.click()
        expect(row).to_have_count(0, timeout=15_000)
        expect(page.locator(".mast-message")).to_have_text("search cancelled")
        expect(page.locator(".mast-count")).to_have_count(0)
        mast_archive.faults.reset()  # the stalls end

        page.locator("button.mast-search").click()
        rows = page.locator(".mast-results tbody tr")
        expect(rows).to_have_count(3, timeout=60_000)
        rows.nth(1).locator(".v-simple-checkbox").click()  # LB4M01020
        products = page.locator(".mast-products tbody tr")
        expect(products).to_have_count(1, timeout=60_000)
        _switch_off(page, "Recommended only")
        expect(products).to_have_count(2, timeout=60_000)
        x1d = products.filter(has_text="_x1d.fits")
        products.filter(has_text="_x1dsum.fits").locator(".v-simple-checkbox").click()
        expect(page.locator(".mast-selected")).to_have_text("1 file, 342.7 kB")

        # a preview, at 20 kB/s: its bar fills as the file comes, and Cancel clears it
        mast_archive.faults.bandwidth = 20_000
        x1d.locator("td").nth(1).click()
        row, cancel = _beside(page, ".mast-preview-work")
        expect(row).to_contain_text("of 342.7 kB", timeout=30_000)
        cancel.click()
        expect(page.locator(".mast-preview")).to_have_count(0, timeout=15_000)

        # a download: its bar and Cancel where Load is; the screenshot shows them
        page.locator("button.mast-fetch").click()
        row, cancel = _beside(page, ".mast-fetch-work")
        expect(row).to_contain_text("of 342.7 kB", timeout=30_000)
        row.evaluate("el => el.scrollIntoView({block: 'center'})")
        page.mouse.move(170, 740)
        page.wait_for_timeout(1000)
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shot = SCREENSHOT.with_name("jdaviz-progress-cancel.png")
        box = row.bounding_box()
        page.screenshot(path=str(shot), clip={
            "x": 0, "y": max(0, box["y"] - 220), "width": TRAY_RIGHT, "height": 300,
        })
        cancel.click()
        expect(page.locator(".mast-message")).to_have_text("download cancelled", timeout=20_000)
        expect(row).to_have_count(0)
        page.close()
    finally:
        mast_archive.reset()
