"""The MAST Search plugin as a person meets it: a served Jdaviz app in a real browser.

The app is served on loopback by ``solara run`` (tests/jdaviz/browser_page.py) against the
local archive; Debian's chromium (``/usr/bin/chromium``, installed by .ci/run) is driven by
Playwright. A screenshot goes to docs/_static/jdaviz-mast-search.png.
"""

import os
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
SCREENSHOT = ROOT / "docs" / "_static" / "jdaviz-mast-search.png"


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
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=ARGS,
            viewport={"width": 1500, "height": 1150},
        )
        yield context
        context.close()


def test_search_page_select_and_load_in_the_browser(served_app, browser, mast_archive):
    from playwright.sync_api import expect

    page = browser.new_page()
    page.goto(served_app)
    page.locator("#web-app.jdaviz header.v-app-bar").wait_for(state="visible", timeout=90_000)
    # open the tray of data-analysis plugins, then the plugin by its label
    bar = page.locator("#web-app.jdaviz header.v-app-bar .v-toolbar__items").first
    bar.locator("button.v-btn").nth(4).click()
    page.locator(".v-expansion-panel-header.plugin-header", has_text="MAST Search").click()

    page.locator(".mast-target input").fill("TW Hya")
    page.locator(".mast-instrument input").fill("COS/FUV")
    page.locator("button.mast-search").click()
    expect(page.locator(".mast-count")).to_contain_text("3 observations", timeout=60_000)
    rows = page.locator(".mast-results tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("LB4M01010")

    # tick the first observation: its products appear, all selected
    rows.first.locator(".v-simple-checkbox").click()
    products = page.locator(".mast-products tbody tr")
    expect(products).to_have_count(2, timeout=60_000)
    expect(page.locator(".mast-selected")).to_have_text("2 files, 685.4 kB")
    # keep only the first product, and preview it
    products.nth(1).locator(".v-simple-checkbox").click()
    expect(page.locator(".mast-selected")).to_have_text("1 file, 342.7 kB")
    products.first.locator("td").nth(1).click()
    expect(page.locator(".mast-preview polyline")).to_have_count(1, timeout=60_000)

    page.locator("button.mast-load").click()
    # the preview fetched the file into the download cache: loading reads it from there
    expect(page.locator(".mast-message")).to_have_text(
        "1 file already on disk; loaded 2 datasets", timeout=90_000
    )
    # the spectra are drawn in the spectrum viewer: its axes are the spectra's
    viewer = page.locator(".bqplot").filter(has_text="Wavelength [Angstrom]")
    expect(viewer.first).to_be_visible(timeout=60_000)
    page.wait_for_timeout(1500)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))
    downloads = [r for r in mast_archive.log if r.path.startswith("/api/v0.1/Download")]
    assert [r.query.get("uri") for r in downloads] == [["mast:HST/product/lb4m01010_x1dsum.fits"]]
    page.close()
