"""The documentation builds with Sphinx, warnings as errors, and every page is in the site.

This is the build CI needs (``sphinx-build -W -b html docs docs/_build/html``), run into a
temporary directory so that the test suite writes nothing into the checkout's ``docs/_build``.
It runs offline: the configuration fetches no intersphinx inventory.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

pytest.importorskip("sphinx")
pytest.importorskip("sphinx_astropy")
pytest.importorskip("sphinx_automodapi")
pytest.importorskip("myst_parser")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("html")
    doctrees = tmp_path_factory.mktemp("doctrees")
    # A subprocess: Sphinx imports every documented module (glue, specutils...), and its
    # registries would otherwise outlive the build inside this test process.
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         "-d", str(doctrees), str(DOCS), str(out)],
        capture_output=True, text=True, timeout=240, env=dict(os.environ), cwd=ROOT,
    )
    return proc, out


def test_sphinx_build_passes_with_warnings_as_errors(built):
    proc, _ = built
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    assert "WARNING" not in proc.stderr, proc.stderr[-5000:]


def test_every_markdown_page_is_built(built):
    proc, out = built
    assert proc.returncode == 0
    pages = sorted(p.relative_to(DOCS).with_suffix(".html")
                   for p in DOCS.rglob("*.md") if "_build" not in p.parts)
    assert pages
    missing = [str(p) for p in pages if not (out / p).is_file()]
    assert not missing


def test_api_reference_documents_the_public_names(built):
    proc, out = built
    assert proc.returncode == 0
    api = out / "api"
    for name in ("glue_mast.search", "glue_mast.fetch", "glue_mast.load", "glue_mast.Manifest",
                 "glue_mast.state.SearchState", "glue_mast.archive.fetch.FetchJob",
                 "glue_mast.io.read", "glue_mast.glue.SpectralAxisLink",
                 "glue_mast.errors.InputError", "glue_mast.testing.LocalArchive"):
        assert (api / f"{name}.html").is_file(), name
    # The numpydoc sections made it through: fetch() documents its parameters.
    fetch = (api / "glue_mast.fetch.html").read_text()
    assert ">Parameters<" in fetch and "parallel" in fetch


def test_screenshots_the_pages_show_exist():
    missing = []
    for page in DOCS.rglob("*.md"):
        if "_build" in page.parts:
            continue
        for ref in re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", page.read_text()):
            if not ref.startswith(("http://", "https://")):
                if not (page.parent / ref).is_file():
                    missing.append(f"{page.name}: {ref}")
    assert not missing
