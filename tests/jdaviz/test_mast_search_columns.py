"""The MAST Search plugin's columns, headless, against the local archive: the default set
tells rows apart, a chosen column shows, and the choice is kept for later sessions."""

import os
import subprocess
import sys

import jdaviz

from glue_mast.state import columns

DISTINCT = ("key", "obs_id", "sort", "exclusive")


def _item(plugin, obs_id):
    (item,) = [i for i in plugin.results_items if i["obs_id"] == obs_id]
    return item


def test_two_cos_observations_that_differ_by_grating_look_different(plg):
    plg.target = "TW Hya"
    plg.search()
    plugin = plg._obj
    g130m, g160m = _item(plugin, "LB4M01010"), _item(plugin, "LB4M01020")
    shown = {k: v for k, v in g130m.items() if k not in DISTINCT}
    assert shown != {k: v for k, v in g160m.items() if k not in DISTINCT}
    assert (g130m["filters"], g160m["filters"]) == ("G130M", "G160M")
    headings = [h["text"] for h in plugin.results_headers]
    assert headings == ["Mission", "Instrument", "Filters", "Obs ID"]
    # Every column MAST lists can be chosen: what the MAST Portal's grid offers.
    offered = [i["value"] for i in plugin.results_column_items]
    for name in ("target_name", "s_ra", "s_dec", "t_min", "t_max", "t_exptime", "wavelengths",
                 "dataproduct_type", "calib_level", "proposal_id", "proposal_pi", "dataRights",
                 "t_obs_release"):
        assert name in offered
    assert all(i["tip"] for i in plugin.results_column_items)


def test_a_chosen_column_shows_keeps_the_selection_and_is_remembered(plg, local_mast):
    plg.target = "TW Hya"
    plg.search()
    plugin = plg._obj
    plg.select(observations=["LB4M01010", "LB4M01020"])
    selected = [i["key"] for i in plugin.results_selected]
    assert len(selected) == 2
    local_mast.clear_log()

    # the selection the browser's table is given never goes empty (it would report that back
    # as the person's, and the products would go)
    given = []
    plugin.observe(lambda change: given.append(change["new"]), names=["results_selected"])
    # what the chooser's v-select sends: the names ticked, the new one last
    plugin.results_columns = [*plugin.results_columns, "proposal_pi", "t_exptime"]
    assert [h["value"] for h in plugin.results_headers] == [
        "obs_collection", "instrument_name", "filters", "obs_id", "t_exptime", "proposal_pi"
    ]
    assert plugin.results_columns == [h["value"] for h in plugin.results_headers]
    assert _item(plugin, "LB4M01010")["proposal_pi"] == "Green, James"
    # the text a person reads; the value the column sorts by
    assert _item(plugin, "LB4M01010")["t_exptime"] == "1,720 s"
    assert _item(plugin, "LB4M01010")["sort"]["t_exptime"] == 1720.0
    assert {h["value"]: h["align"] for h in plugin.results_headers}["t_exptime"] == "end"
    assert [i["key"] for i in plugin.results_selected] == selected  # still selected
    assert given and all(given)
    assert local_mast.log == []  # nothing asked of the archive

    plg.products_columns = ["productFilename", "description", "size"]  # the notebook's way
    assert [h["text"] for h in plugin.products_headers] == ["File", "Description", "Size"]
    assert all(item["description"] for item in plugin.products_items)

    # a new app (a new notebook session) starts with the choice
    again = jdaviz.App().plugins["MAST Search"]._obj
    assert again.results_columns == [
        "obs_collection", "instrument_name", "filters", "obs_id", "t_exptime", "proposal_pi"
    ]
    assert again.products_columns == ["productFilename", "description", "size"]
    # and a new process too: the choice is in glue_mast.cfg (astropy's config directory)
    code = (
        "from glue_mast.state import columns; "
        "print(','.join(columns.chosen_names('jdaviz', 'observations')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        env=dict(os.environ),
    ).stdout.strip()
    assert out == "obs_collection,instrument_name,filters,obs_id,t_exptime,proposal_pi"
    # the glue-qt dialog keeps its own choice
    assert "proposal_pi" in columns.chosen_names("qt", "observations")
    assert "t_exptime" in columns.default_names("qt", "observations")


def test_an_unknown_column_is_refused_with_its_name(plg):
    plugin = plg._obj
    before = list(plugin.results_columns)
    plugin.results_columns = ["obs_id", "grating"]
    assert plugin.error.startswith("no observations column 'grating'; choose among ")
    assert plugin.error_field == "columns"
    assert plugin.results_columns == before


def test_an_unknown_name_in_the_kept_choice_is_ignored_with_a_log_line(
    tmp_path, monkeypatch
):
    # a choice kept by another version of glue-mast, read by a new process
    (tmp_path / "glue_mast.cfg").write_text(
        "[config]\njdaviz_observation_columns = obs_id, grating, proposal_pi\n"
    )
    monkeypatch.setenv("ASTROPY_CONFIG_DIR", str(tmp_path))
    code = (
        "import logging; logging.basicConfig(); "
        "from glue_mast.state import columns; "
        "print(','.join(columns.chosen_names('jdaviz', 'observations')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "obs_id,proposal_pi"
    assert "ignoring unknown column name(s) 'grating' in the jdaviz_observation_columns" in (
        done.stderr
    )
