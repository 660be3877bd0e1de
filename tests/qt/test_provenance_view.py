"""glue's data panel: "View MAST provenance…" shows a dataset's provenance as a tree.

glue's own "View metadata/header" shows ``meta["glue_mast"]`` as one long dict line; glue-mast's
entry, beside it, shows the query, the file, its checksum, DOI and links to MAST, and the
header keywords as rows.
"""

import pytest
from qtpy import QtWidgets

import glue_mast
from glue_mast.qt.provenance_view import ProvenanceDialog, provenance_tree
from glue_mast.qt.registration import PROVENANCE_LABEL

from .test_registration import glue_app  # noqa: F401  (the fixture)


def _open_provenance(app, data):
    layers = app._layer_widget
    layers.ui.layerTree.set_selected_layers([data])
    action = layers._actions[PROVENANCE_LABEL]
    assert action.isEnabled()
    action.trigger()
    dialogs = [w for w in QtWidgets.QApplication.topLevelWidgets()
               if isinstance(w, ProvenanceDialog) and w.isVisible()]
    assert len(dialogs) == 1
    return dialogs[0]


def test_view_mast_provenance_shows_query_file_checksum_links_and_header(
    glue_app, qtbot, tmp_path, local_mast, shoot  # noqa: F811
):
    observations = glue_mast.search("TW Hya", radius="0.1 deg", obs_collection="IUE").all()
    fetched = glue_mast.fetch(glue_mast.products(observations), tmp_path / "mast_data")
    glue_mast.load(fetched, glue_app.data_collection)
    data = next(d for d in glue_app.data_collection if d.label == "swp54419 (IUE SWP)")
    meta = data.meta["glue_mast"]

    dialog = _open_provenance(glue_app, data)
    qtbot.addWidget(dialog)
    rows = dict(dialog.rows())
    sections = [path[0] for path in rows if len(path) == 1]
    assert sections == ["Dataset", "Search", "File", "Links", "MAST record", "FITS header"]
    assert rows[("Dataset", "label")] == "swp54419 (IUE SWP)"
    search, listing = [path for path in rows if len(path) == 2 and path[0] == "Search"]
    assert search[1].startswith("Mast.Caom.") and listing[1] == "Mast.Caom.Products"
    assert rows[(*search, "target")] == "TW Hya"
    assert rows[(*search, "radius")] == "0.1 deg"
    assert rows[(*search, "criteria_given", "obs_collection")] == "IUE"
    assert rows[(*listing, "product_filter", "mrp_only")] == "True"
    assert rows[("File", "SHA-256")] == f"{meta['fetch']['sha256']} (sha256)"
    assert rows[("File", "dataURI")] == meta["dataset"]["dataURI"]
    link = rows[("Links", "File at MAST")]
    assert link.startswith(local_mast.url + "/api/v0.1/Download/file?uri=mast")
    # The link opens in the browser: a label with an anchor, in the tree.
    labels = dialog.tree.findChildren(QtWidgets.QLabel, "provenance_link")
    assert [label.text() for label in labels] == [f'<a href="{link}">{link}</a>']
    assert rows[("FITS header", "TELESCOP")] == "IUE"
    assert rows[("MAST record", "obs_id")] == "swp54419"
    # Every value is on a line of its own: none is a dict printed whole.
    assert not [v for v in rows.values() if v.startswith("{")]
    assert '"sha256"' in dialog.copy_json()
    shoot(dialog, "provenance")


@pytest.mark.parametrize("meta", [None, {}])
def test_a_dataset_not_from_glue_mast_says_so(meta):
    (only,) = provenance_tree(meta)
    assert only[0] == "Provenance" and "not loaded by glue-mast" in only[1]


def test_a_doi_is_a_link():
    meta = {
        "server": "https://mast.stsci.edu",
        "fetch": {"dataURI": "mast:HST/product/x_x1d.fits", "server": "https://mast.stsci.edu",
                  "doi": "10.17909/abcd", "sha256": "0" * 64, "checked": "sha256"},
        "dataset": {"dataURI": "mast:HST/product/x_x1d.fits"},
    }
    links = {n: v for n, v, _ in dict((s[0], s) for s in provenance_tree(meta))["Links"][2]}
    assert links == {
        "File at MAST": "https://mast.stsci.edu/api/v0.1/Download/file?uri="
        "mast:HST/product/x_x1d.fits",
        "DOI": "https://doi.org/10.17909/abcd",
    }


def test_a_query_this_process_never_saw_shows_its_summary():
    meta = {"queries": [{"id": "0123456789abcdef",
                         "summary": {"service": "Mast.Caom.Cone", "target": "TW Hya"}}]}
    search = dict((s[0], s) for s in provenance_tree(meta))["Search"]
    (query,) = search[2]
    assert query[0] == "Mast.Caom.Cone"
    assert ("target", "TW Hya") in [(n, v) for n, v, _ in query[2]]
