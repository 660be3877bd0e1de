"""The MAST Search plugin as a person meets it: a served Jdaviz app in a real browser.

The app is served on loopback by ``solara run`` (tests/jdaviz/browser_page.py) against the
local archive; Debian's chromium (``/usr/bin/chromium``, installed by .ci/run) is driven by
Playwright. Screenshots go to a temporary directory, or to ``$GLUE_MAST_SCREENSHOTS`` (e.g.
``docs/_static``, to refresh the documentation's) when set.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOTS = os.environ.get("GLUE_MAST_SCREENSHOTS")
SCREENSHOT = (
    Path(SCREENSHOTS) if SCREENSHOTS else Path(tempfile.mkdtemp(prefix="glue-mast-browser-"))
) / "jdaviz-mast-search.png"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served_app(mast_archive, tmp_path_factory):
    port = _free_port()
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join([str(ROOT), str(HERE)]),
        GLUE_MAST_TEST_SERVER=mast_archive.url,
        GLUE_MAST_TEST_DIR=str(tmp_path_factory.mktemp("downloads")),
        SOLARA_TELEMETRY_MIXPANEL_ENABLE="False",
        # solara's "This website runs on Solara" corner would cover the viewer's axis
        SOLARA_THEME_SHOW_BANNER="False",
    )
    solara = Path(sys.executable).with_name("solara")
    server = subprocess.Popen(
        [str(solara), "run", "browser_page.py", "--host", "127.0.0.1", "--port", str(port),
         "--production", "--no-open"],
        cwd=HERE, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(url + "readyz", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(server.stdout.read().decode()[-3000:])
            time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright):
    with tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=ARGS,
            viewport={"width": 1500, "height": 1150},
        )
        yield context
        context.close()


@pytest.fixture(scope="module")
def laptop(playwright):
    """A second browser context with a laptop's window (1366x768), the screenshots' size."""
    # Playwright hides scrollbars in headless chromium; a person's browser shows them, and the
    # screenshots should too (a table that scrolls sideways says so by its scrollbar).
    chromium = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=ARGS,
        ignore_default_args=["--hide-scrollbars"],
    )
    context = chromium.new_context(viewport={"width": 1366, "height": 768})
    yield context
    context.close()
    chromium.close()


def _open_app(browser, url):
    page = browser.new_page()
    page.goto(url)
    page.locator("#web-app.jdaviz header.v-app-bar").wait_for(state="visible", timeout=90_000)
    return page


def _choose(page, select_class, text):
    """Pick ``text`` in the Vuetify select with class ``select_class``."""
    page.locator(f"{select_class} .v-select__slot").click()
    page.locator(".menuable__content__active .v-list-item", has_text=text).first.click()


def _switch_off(page, label):
    """Click the Vuetify switch labelled ``label`` (on) by its label, and see it off."""
    from playwright.sync_api import expect

    switch = page.locator(".v-input--switch", has_text=label)
    expect(switch.locator("input")).to_be_checked()
    switch.locator("label").click()
    expect(switch.locator("input")).not_to_be_checked()


def test_search_page_select_and_load_in_the_browser(served_app, laptop, mast_archive):
    from playwright.sync_api import expect

    mast_archive.reset()  # the archive serves the whole test session: forget earlier requests
    page = _open_app(laptop, served_app)
    # open the tray of data-analysis plugins, then the plugin by its label
    bar = page.locator("#web-app.jdaviz header.v-app-bar .v-toolbar__items").first
    bar.locator("button.v-btn").nth(4).click()
    page.locator(".v-expansion-panel-header.plugin-header", has_text="MAST Search").click()

    page.locator(".mast-target input").fill("TW Hya")
    _choose(page, ".mast-page-size", "5")
    page.locator("button.mast-search").click()
    count = page.locator(".mast-count")
    expect(count).to_contain_text("8 observations - page 1 of 2", timeout=60_000)
    rows = page.locator(".mast-results tbody tr")
    expect(rows).to_have_count(5)
    # page 2 comes from the server
    page.locator(".mast-pages button", has_text="2").click()
    expect(count).to_contain_text("page 2 of 2", timeout=60_000)
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("lwp31270")

    # narrow the search to COS/FUV: one page of three
    page.locator(".mast-instrument input").fill("COS/FUV")
    page.locator("button.mast-search").click()
    expect(count).to_have_text("3 observations", timeout=60_000)
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("LB4M01010")
    # LF7Z01010 (the third) is exclusive access: its row, and only its, carries the lock
    locks = page.locator(".mast-results .mast-exclusive")
    expect(locks).to_have_count(1)
    lock = rows.nth(2).locator(".mast-exclusive")
    expect(lock).to_have_count(1)
    expect(lock).to_have_attribute("aria-label", re.compile(
        r"^exclusive access( until \d{4}-\d\d-\d\d)?: needs a MAST token$"
    ))
    lock.hover()
    expect(page.locator(".v-tooltip__content.menuable__content__active")).to_contain_text(
        "needs a MAST token"
    )
    page.mouse.move(0, 0)

    # tick the first observation: by default, MAST's recommended product alone (the x1dsum)
    rows.first.locator(".v-simple-checkbox").click()
    products = page.locator(".mast-products tbody tr")
    expect(products).to_have_count(1, timeout=60_000)
    expect(products.first).to_contain_text("lb4m01010_x1dsum.fits")
    expect(page.locator(".mast-selected")).to_have_text("1 file, 342.7 kB")
    # the rest is about choosing among products: switch "Recommended only" off, as a person
    # would, for both calibrated files (the x1dsum and the x1d), all selected
    _switch_off(page, "Recommended only")
    expect(products).to_have_count(2, timeout=60_000)
    expect(page.locator(".mast-selected")).to_have_text("2 files, 685.4 kB")
    # keep only the first product, and preview it
    products.nth(1).locator(".v-simple-checkbox").click()
    expect(page.locator(".mast-selected")).to_have_text("1 file, 342.7 kB")
    products.first.locator("td").nth(1).click()
    expect(page.locator(".mast-preview img.mast-preview-plot")).to_have_count(1, timeout=60_000)

    page.locator("button.mast-load").click()
    # the preview fetched the file into the download cache: loading reads it from there
    expect(page.locator(".mast-message")).to_have_text(
        "1 file already on disk; loaded 2 datasets", timeout=90_000
    )
    # the spectra are drawn in the spectrum viewer: its axes are the spectra's
    viewer = page.locator(".bqplot").filter(has_text="Wavelength [Angstrom]")
    expect(viewer.first).to_be_visible(timeout=60_000)
    # the Provenance section shows the dataset loaded last as a tree, its file's sections open
    tree = page.locator(".mast-provenance")
    expect(tree).to_contain_text("SHA-256", timeout=30_000)
    expect(tree.locator("a", has_text="mast:HST/product/lb4m01010_x1dsum.fits")).to_have_count(1)
    # the tray from the results down to the products, beside the spectra
    page.locator(".mast-count").evaluate("el => el.scrollIntoView({block: 'start'})")
    page.mouse.move(170, 740)
    page.wait_for_timeout(1500)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))
    downloads = [r for r in mast_archive.log if r.path.startswith("/api/v0.1/Download")]
    assert [r.query.get("uri") for r in downloads] == [["mast:HST/product/lb4m01010_x1dsum.fits"]]
    page.close()


def test_load_data_from_the_mast_source(served_app, browser):
    from playwright.sync_api import expect

    page = _open_app(browser, served_app)
    bar = page.locator("#web-app.jdaviz header.v-app-bar .v-toolbar__items").first
    bar.locator("button.v-btn").nth(0).click()  # Load Data
    page.locator(".v-select", has_text="Source").locator(".v-select__slot").click()
    page.locator(".menuable__content__active .v-list-item", has_text="mast").click()
    # nothing typed yet: no warning, none of Jdaviz's single-file fields
    expect(page.locator(".mast-loader-source")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Input is empty.")).to_have_count(0)
    expect(page.locator(".v-select", has_text="Data Label")).to_have_count(0)
    # a radius without a unit: the message beside the Radius field
    page.locator(".mast-loader-source input").fill("TW Hya")
    page.locator(".mast-loader-radius input").fill("0.02")
    page.locator("button.mast-loader-search").click()
    expect(page.locator(".mast-loader-radius")).to_contain_text(
        "radius '0.02' has no unit", timeout=60_000
    )
    page.locator(".mast-loader-radius input").fill("0.2 deg")
    page.locator(".v-text-field", has_text="Collection").locator("input").fill("HST")
    page.locator("button.mast-loader-search").click()
    # MAST's recommended products (the loader's filter, with no switch of its own): each COS
    # observation's x1dsum (two segments) without its x1d; the exclusive one's skipped
    expect(page.locator(".mast-loader-status")).to_have_text(
        "5 observations; 4 files; 13 spectra to load", timeout=90_000
    )
    page.locator("button.v-btn", has_text="Import").click()
    expect(page.locator(".mast-loader-status")).to_have_text(
        "loaded 13 datasets", timeout=120_000
    )
    viewer = page.locator(".bqplot").filter(has_text="Wavelength")
    expect(viewer.first).to_be_visible(timeout=60_000)
    # the Import click scrolled the tray: back to its top, where the source and form are
    page.locator(".mast-loader-source").evaluate(
        "el => { for (let p = el.parentElement; p; p = p.parentElement) p.scrollTop = 0; }"
    )
    page.wait_for_timeout(1500)
    page.screenshot(path=str(SCREENSHOT.with_name("jdaviz-mast-loader.png")))
    page.close()


def _open_mast_search(browser, url, target, instrument=""):
    page = _open_app(browser, url)
    bar = page.locator("#web-app.jdaviz header.v-app-bar .v-toolbar__items").first
    bar.locator("button.v-btn").nth(4).click()
    page.locator(".v-expansion-panel-header.plugin-header", has_text="MAST Search").click()
    page.locator(".mast-target input").fill(target)
    if instrument:
        page.locator(".mast-instrument input").fill(instrument)
    page.locator("button.mast-search").click()
    return page


def test_jwst_cube_2d_spectrum_and_image_in_the_browser(served_app, laptop):
    from playwright.sync_api import expect

    page = _open_mast_search(laptop, served_app, "AU Mic", "NIRSPEC/SLIT")
    rows = page.locator(".mast-results tbody tr")
    expect(rows).to_have_count(1, timeout=60_000)
    rows.first.locator(".v-simple-checkbox").click()
    products = page.locator(".mast-products tbody tr")
    # MAST recommends the x1d alone; this test is about every kind (a cube, a 2-D spectrum,
    # an image beside the spectrum), so switch "Recommended only" off, as a person would
    expect(products).to_have_count(1, timeout=60_000)
    expect(products.first).to_contain_text("_x1d.fits")
    _switch_off(page, "Recommended only")
    expect(products).to_have_count(4, timeout=60_000)  # x1d, s2d, s3d, i2d
    # the cube previews as its collapsed spectrum and its white-light image
    products.filter(has_text="_s3d.fits").locator("td").nth(1).click()
    picture = page.locator(".mast-preview-picture img")
    expect(picture).to_be_visible(timeout=60_000)
    expect(page.locator(".mast-preview-picture")).to_contain_text("White-light image")
    expect(page.locator(".mast-preview img.mast-preview-plot")).to_have_count(1)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.locator(".mast-preview").screenshot(
        path=str(SCREENSHOT.with_name("jdaviz-preview-cube.png"))
    )
    # the button says what it will load, each kind counted
    load = page.locator("button.mast-load")
    expect(load).to_have_text(re.compile(
        r"^\s*Load 1 spectral cube, 1 2-D spectrum, 1 image and 1 spectrum\s*$", re.I
    ))
    # and stays inside the tray, its text wrapped
    inside = load.evaluate("""b => {
      let panel = b.parentElement;
      while (!panel.classList.contains('v-expansion-panel-content')) panel = panel.parentElement;
      const r = b.getBoundingClientRect(), p = panel.getBoundingClientRect();
      return {inside: r.left >= p.left - 0.5 && r.right <= p.right + 0.5
                      && b.scrollWidth <= b.clientWidth,
              button: [r.left, r.right, b.scrollWidth, b.clientWidth], panel: [p.left, p.right]};
    }""")
    assert inside["inside"], inside
    load.click()
    expect(page.locator(".mast-message")).to_contain_text("loaded", timeout=120_000)
    expect(page.locator(".mast-message")).not_to_contain_text("not loaded")
    # each kind in its viewer: the spectrum viewer's wavelength axis, the image viewers
    expect(page.locator(".bqplot").filter(has_text="Wavelength").first).to_be_visible(
        timeout=60_000
    )
    expect(page.locator(".bqplot")).to_have_count(6, timeout=60_000)
    # Jdaviz stacks six viewers in one column: on a laptop each is a strip. Arrange them as a
    # person would, by dragging tabs: the cube's uncertainty and mask (viewers named so) as
    # tabs of its viewer, the image beside the cube, the 2-D spectrum beside the 1-D one
    page.locator(".v-snack__wrapper button", has_text="Close").first.click()
    _drag_tab(page, "Uncertainty", onto="3D Spectrum", where="header")
    _drag_tab(page, "Mask", onto="3D Spectrum", where="header")
    _drag_tab(page, "Image", onto="3D Spectrum", where="right")
    _drag_tab(page, "2D Spectrum", onto="1D Spectrum", where="right")
    expect(page.locator(".bqplot:visible")).to_have_count(4, timeout=30_000)
    page.locator(".lm_tab .lm_title", has_text=re.compile("^3D Spectrum$")).click()  # the flux
    page.mouse.move(170, 740)
    page.wait_for_timeout(2500)
    page.screenshot(path=str(SCREENSHOT.with_name("jdaviz-every-kind.png")))
    page.close()


def _drag_tab(page, title, *, onto, where):
    """Drag the viewer tab ``title`` onto viewer ``onto``'s tab header (a tab of its stack) or
    the right half of its area (beside it), as a person rearranges Jdaviz's viewers."""
    tab = page.locator(".lm_tab", has=page.locator(".lm_title", has_text=re.compile(
        f"^{re.escape(title)}$")))
    target_tab = page.locator(".lm_tab", has=page.locator(".lm_title", has_text=re.compile(
        f"^{re.escape(onto)}$")))
    start = tab.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(start["x"] + start["width"] / 2 + 30, start["y"] + 30, steps=5)
    if where == "header":
        box = target_tab.bounding_box()
        x, y = box["x"] + box["width"] + 20, box["y"] + box["height"] / 2
    else:
        stack = page.locator(".lm_stack", has=target_tab)
        box = stack.locator(".lm_items").bounding_box()
        x, y = box["x"] + box["width"] * 0.9, box["y"] + box["height"] / 2
    page.mouse.move(x, y, steps=15)
    page.mouse.up()
    page.wait_for_timeout(800)


def test_a_kepler_light_curve_in_the_browser(served_app, laptop):
    from playwright.sync_api import expect

    pytest.importorskip("lcviz")
    page = _open_mast_search(laptop, served_app, "KIC 10002792")
    rows = page.locator(".mast-results tbody tr")
    expect(rows).to_have_count(1, timeout=60_000)
    rows.first.locator(".v-simple-checkbox").click()
    expect(page.locator(".mast-products tbody tr")).to_have_count(1, timeout=60_000)
    page.locator("button.mast-load").click()
    expect(page.locator(".mast-message")).to_contain_text("loaded 1 dataset", timeout=120_000)
    # lcviz's flux-vs-time viewer, its axis in time
    expect(page.locator(".bqplot").filter(has_text="Time").first).to_be_visible(timeout=60_000)
    # the tray at what was loaded (lcviz's plugins joined the tray above MAST Search)
    page.locator(".mast-message").evaluate("el => el.scrollIntoView({block: 'center'})")
    page.mouse.move(170, 740)
    page.wait_for_timeout(2500)
    page.screenshot(path=str(SCREENSHOT.with_name("jdaviz-light-curve.png")))
    page.close()
