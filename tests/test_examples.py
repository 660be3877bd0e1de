"""The examples run as written: the notebooks (with nbmake) and the scripts in examples/.

Each starts or is given the bundled local archive, so they run offline; a notebook that raises
(every one asserts what it shows) or a script that exits non-zero fails here. The notebooks
run in a separate pytest (``pytest --nbmake``), so that their kernels and imports stay out of
this process.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
NOTEBOOKS = sorted(EXAMPLES.glob("*.ipynb"))

pytest.importorskip("nbmake")


def test_there_are_notebooks():
    names = {p.name for p in NOTEBOOKS}
    assert {"glue_workflow.ipynb", "reproduce_manifest.ipynb", "jdaviz_workflow.ipynb"} <= names


def test_notebooks_are_stored_without_outputs():
    import nbformat

    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        stale = [i for i, c in enumerate(nb.cells)
                 if c.cell_type == "code" and (c.outputs or c.execution_count)]
        assert not stale, f"{path.name}: cells {stale} have outputs; clear them"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(notebook, tmp_path):
    env = dict(os.environ, GLUE_MAST_CACHE_DIR=str(tmp_path / "cache"))
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbmake", "--nbmake-timeout=240", "-q",
         "-p", "no:cacheprovider", "--rootdir", str(tmp_path), "-o", "addopts=",
         str(notebook)],
        capture_output=True, text=True, timeout=290, env=env, cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
    assert "1 passed" in proc.stdout


def test_search_and_fetch_script(tmp_path):
    out = tmp_path / "example_data"
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / "search_and_fetch.py"), "--out", str(out)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
        env=dict(os.environ, GLUE_MAST_CACHE_DIR=str(tmp_path / "cache")),
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    # AU Mic's four spectra, MAST's recommended file of each (the products default)
    assert "4 recommended calibrated science products of 16" in proc.stdout
    assert "<FetchResult 4 downloaded, 0 already on disk, 0 skipped, 0 failed" in proc.stdout
    assert "<VerifyReport 4 ok, 0 missing" in proc.stdout
    assert (out / "manifest.json").is_file()


def test_verify_and_reproduce_script(tmp_path, local_mast):
    import glue_mast

    q = glue_mast.search("TW Hya", radius="0.02 deg", obs_collection="IUE")
    result = glue_mast.fetch(glue_mast.products(q.page(1)), tmp_path / "data")
    lost = result.paths[0]
    lost.unlink()
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / "verify_and_reproduce.py"),
         str(result.manifest.path), "--server", local_mast.url],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "1 missing" in proc.stdout
    assert "after reproducing: <VerifyReport 2 ok, 0 missing" in proc.stdout
    assert lost.is_file()
