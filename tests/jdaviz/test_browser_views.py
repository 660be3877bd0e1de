"""What the MAST Search plugin draws on Jdaviz's viewers, in a served app in a real browser.

Observation footprints on the sky frame (picked by a click), catalog markers on an image, and
the screenshots of docs/jdaviz.md at a laptop's window size (1366x768). The served app and
the browsers are tests/jdaviz/test_browser.py's.
"""

import pytest

from tests.jdaviz.test_browser import (  # noqa: F401  (fixtures: the served app and the browser contexts)
    SCREENSHOT,
    _choose,
    _open_mast_search,
    browser,
    laptop,
    playwright,
    served_app,
)

pytestmark = pytest.mark.browser

#: The footprint outlines' SVG paths (bqplot draws each region overlay as a line and an area).
_OUTLINES = ".bqplot svg g.curve path.line"

# Points along every footprint outline, in the page's pixels; the one farthest from every
# other outline (a click there picks that footprint alone), and its outline's index.
_FARTHEST_POINT = """(selector) => {
  const paths = Array.from(document.querySelectorAll(selector))
    .filter(p => (p.getAttribute('d') || '').length && p.getBoundingClientRect().width > 0);
  const points = paths.map(p => {
    const length = p.getTotalLength(), m = p.getScreenCTM(), out = [];
    for (let i = 0; i < 64; i++) {
      const q = p.getPointAtLength(length * i / 64);
      out.push([m.a * q.x + m.c * q.y + m.e, m.b * q.x + m.d * q.y + m.f]);
    }
    return out;
  });
  let best = null;
  points.forEach((mine, i) => mine.forEach(([x, y]) => {
    let d = Infinity;
    points.forEach((other, j) => { if (j !== i) other.forEach(([u, v]) => {
      d = Math.min(d, Math.hypot(x - u, y - v)); }); });
    if (!best || d > best.d) best = {x, y, d, n: paths.length};
  }));
  return best;
}"""

# The stroke widths of the outlines that pass within 3 pixels of (x, y).
_WIDTHS_AT = """([selector, x, y]) => Array.from(document.querySelectorAll(selector))
  .filter(p => (p.getAttribute('d') || '').length && p.getBoundingClientRect().width > 0)
  .filter(p => {
    const length = p.getTotalLength(), m = p.getScreenCTM();
    for (let i = 0; i <= 400; i++) {
      const q = p.getPointAtLength(length * i / 400);
      const u = m.a * q.x + m.c * q.y + m.e, v = m.b * q.x + m.d * q.y + m.f;
      if (Math.hypot(x - u, y - v) < 3) return true;
    }
    return false;
  }).map(p => getComputedStyle(p).strokeWidth)"""


def _checked_rows(page):
    return page.locator(".mast-results tbody tr").filter(
        has=page.locator(".v-simple-checkbox .mdi-checkbox-marked")
    )


def test_footprints_on_the_sky_frame_and_a_click_selects_its_row(served_app, laptop):  # noqa: F811
    from playwright.sync_api import expect

    page = _open_mast_search(laptop, served_app, "TW Hya")
    rows = page.locator(".mast-results tbody tr")
    expect(rows).to_have_count(8, timeout=60_000)
    page.locator(".mast-footprints label").click()
    text = page.locator(".mast-footprints-text")
    # with a key to the colours (the viewer has no legend)
    expect(text).to_have_text(
        "8 footprints drawn: HST blue (5), IUE reddish purple (2), FUSE vermillion (1)",
        timeout=60_000,
    )
    # no image is loaded: an empty sky frame around TW Hya, in an image viewer of its own
    viewer = page.locator(".bqplot").filter(has=page.locator("svg g.curve path.line"))
    expect(viewer).to_have_count(1, timeout=60_000)
    expect(page.locator(_OUTLINES)).to_have_count(8)  # one outline per observation
    expect(_checked_rows(page)).to_have_count(0)
    page.wait_for_timeout(1500)
    target = page.evaluate(_FARTHEST_POINT, _OUTLINES)
    assert target["d"] > 10, target  # a point of one outline, clear of the others
    page.mouse.click(target["x"], target["y"])
    # the footprint clicked: its observation selected in the table, its products listed,
    # and its outline drawn thick
    expect(_checked_rows(page)).to_have_count(1, timeout=60_000)
    expect(page.locator(".mast-products tbody tr").first).to_be_visible(timeout=60_000)
    page.wait_for_timeout(1000)
    assert page.evaluate(_WIDTHS_AT, [_OUTLINES, target["x"], target["y"]]) == ["4px"]
    page.mouse.move(170, 740)  # off the toolbars: no tooltip in the picture
    page.locator(".mast-footprints").scroll_into_view_if_needed()
    page.wait_for_timeout(1000)
    page.screenshot(path=str(SCREENSHOT.with_name("jdaviz-footprints.png")))
    page.close()


def test_catalog_markers_over_the_sky_frame(served_app, laptop):  # noqa: F811
    """Gaia's sources around TW Hya as markers over the footprints' sky frame: the markers
    are drawn (Jdaviz's image viewer draws a catalog on a WebGL canvas of its own)."""
    from playwright.sync_api import expect

    page = _open_mast_search(laptop, served_app, "TW Hya")
    expect(page.locator(".mast-results tbody tr")).to_have_count(8, timeout=60_000)
    page.locator(".mast-footprints label").click()
    expect(page.locator(".mast-footprints-text")).to_contain_text("drawn", timeout=60_000)
    _choose(page, ".mast-catalog", "Gaia")
    page.locator(".mast-catalog-target input").fill("TW Hya")
    page.locator(".mast-catalog-radius input").fill("0.05 deg")
    page.locator("button.mast-catalog-search").click()
    rows = page.locator(".mast-catalog-rows tbody tr")
    expect(rows).to_have_count(6, timeout=60_000)
    # the table leads with what a person reads first: the source, where it is
    headings = page.locator(".mast-catalog-rows thead th").all_inner_texts()
    assert [h.strip() for h in headings[1:4]] == ["source_id", "ra", "dec"], headings
    canvas = page.locator(".bqplot canvas").first
    before = canvas.screenshot()
    page.locator("button.mast-catalog-show").click()
    expect(page.locator(".mast-catalog-message")).to_have_text(
        "6 sources shown as 'Gaia DR3 around TW Hya, page 1'", timeout=60_000
    )
    # no "Failed to add ... to viewers" from Jdaviz, and the marker is drawn
    expect(page.locator(".v-snack__content", has_text="Failed")).to_have_count(0)
    page.wait_for_timeout(2500)
    assert canvas.screenshot() != before
    # the footprints are still drawn, on the viewer aligned by WCS now
    expect(page.locator(_OUTLINES)).to_have_count(8)
    # zoom out with the viewer's pan-zoom tool and wheel: the sources around the frame too
    page.locator("button[value='jdaviz:imagepanzoom']").click()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for _ in range(4):
        page.mouse.wheel(0, 300)
        page.wait_for_timeout(300)
    page.locator(".mast-catalog-message").scroll_into_view_if_needed()
    page.mouse.move(170, 740)
    page.wait_for_timeout(1000)
    page.screenshot(path=str(SCREENSHOT.with_name("jdaviz-catalog-markers.png")))
    page.close()
