"""The demo's last step: the fetched spectra loaded into glue, saved as a session, restored."""

import io

from glue_mast.demo import run_demo


def test_demo_loads_links_saves_and_restores_a_session(tmp_path):
    out = io.StringIO()
    assert run_demo(tmp_path / "demo", out=out) == 0
    text = out.getvalue()
    assert "== Load into glue" in text
    # The demo keeps MAST's recommended products (the default): six public files, one per
    # observation (a COS x1dsum but not its x1d, so its label needs no product type), 15 spectra
    assert "6 downloaded, 0 already on disk, 1 skipped, 0 failed" in text
    assert "15 datasets, 14 unit-aware spectral-axis links" in text
    assert "LB4M01010 FUVA (HST COS/FUV)  (1600 points, Angstrom)" in text
    assert "X1D" not in text.split("== Load into glue")[1]
    assert "swp54419 (IUE SWP)  (495 points, Angstrom)" in text
    assert (tmp_path / "demo" / "analysis.glu").is_file()
    assert (tmp_path / "demo" / "analysis.provenance.json").is_file()
    assert "analysis.provenance.json: 6 files, verify: 6 of 6 match" in text
    assert "restored 15 datasets and 14 links from analysis.glu" in text
