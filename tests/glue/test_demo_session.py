"""The demo's last step: the fetched spectra loaded into glue, saved as a session, restored."""

import io

from glue_mast.demo import run_demo


def test_demo_loads_links_saves_and_restores_a_session(tmp_path):
    out = io.StringIO()
    assert run_demo(tmp_path / "demo", out=out) == 0
    text = out.getvalue()
    assert "== Load into glue" in text
    assert "19 datasets, 18 unit-aware spectral-axis links" in text
    assert "HST COS/FUV LB4M01010 X1DSUM FUVA  (1600 points, Angstrom)" in text
    assert "IUE SWP swp54419  (495 points, Angstrom)" in text
    assert (tmp_path / "demo" / "analysis.glu").is_file()
    assert (tmp_path / "demo" / "analysis.provenance.json").is_file()
    assert "analysis.provenance.json: 8 files, verify: 8 of 8 match" in text
    assert "restored 19 datasets and 18 links from analysis.glu" in text
