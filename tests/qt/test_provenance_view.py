"""glue's data panel: "View MAST provenance…" shows a dataset's provenance as a tree.

glue's own "View metadata/header" shows ``meta["glue_mast"]`` as one long dict line; glue-mast's
entry, beside it, draws the outline the Jdaviz plugin draws (`glue_mast.provenance.outline`):
the query, the file, its checksum and whether it was checked, DOI and links to MAST, the rest of
MAST's record, and the header keywords as rows.
"""

import hashlib

import pytest
import requests
from qtpy import QtWidgets

import glue_mast
from glue_mast.provenance.outline import outline
from glue_mast.qt.provenance_view import NO_RECORD, ProvenanceDialog
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


def _paths(nodes, path=()):
    """Every node of an outline as (path of names, value)."""
    out = []
    for node in nodes:
        here = (*path, node["name"])
        out.append((here, node["value"]))
        out.extend(_paths(node["children"], here))
    return out


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
    # The outline the Jdaviz plugin shows, row for row.
    assert dialog.rows() == _paths(outline(meta))
    sections = [path[0] for path in rows if len(path) == 1]
    assert sections == ["Dataset", "Observation", "File", "Query", "MAST record", "Header"]
    assert rows[("Dataset", "Label")] == "swp54419 (IUE SWP)"
    search, listing = [path for path in rows if len(path) == 2 and path[0] == "Query"]
    assert search == ("Query", "Search") and listing == ("Query", "Product list")
    assert rows[search] == "2 observations"
    assert rows[(*search, "Target")] == "TW Hya (resolved by SIMBAD as V* TW Hya)"
    assert rows[(*search, "Radius")] == "0.1 deg"
    assert rows[(*search, "Criteria")] == "obs_collection = IUE"
    assert rows[(*search, "MAST service")] == "Mast.Caom.Filtered.Position"
    assert rows[(*listing, "Filter")] == (
        "calibrated only, MAST's recommended products only, type SCIENCE"
    )
    assert rows[(*listing, "Observations listed")] == "2 (2410001005, 2410001006)"
    sha = meta["fetch"]["sha256"]
    assert rows[("File", "SHA-256")] == sha and len(sha) == 64
    assert rows[("File", "Checksum")] == (
        "checked: the file's bytes were checked against this SHA-256"
    )
    uri = meta["dataset"]["dataURI"]
    assert rows[("File", "MAST URI")] == uri
    link = dialog.links()[("File", "MAST URI")]
    assert link == f"{local_mast.url}/api/v0.1/Download/file?uri={uri}"
    # The link is where MAST serves the file: the same bytes.
    assert hashlib.sha256(requests.get(link, timeout=30).content).hexdigest() == sha
    # It opens in the browser: an anchor on the value, in the tree.
    labels = dialog.tree.findChildren(QtWidgets.QLabel, "provenance_link")
    assert [label.text() for label in labels] == [f'<a href="{link}">{uri}</a>']
    assert labels[0].openExternalLinks()
    # The rest of MAST's record, and the header keywords, one row each.
    assert rows[("MAST record", "parent_obsid")] == "2410001005"
    assert ("MAST record", "obs_id") not in rows  # shown under Observation already
    assert rows[("Observation", "Observation ID")] == "swp54419"
    assert rows[("Header", "TELESCOP")] == "IUE"
    # Every value is on a line of its own: none is a dict printed whole.
    assert not [v for v in rows.values() if "{" in v]
    assert '"sha256"' in dialog.copy_json()
    # The sections open; the MAST record and the header folded, as in Jdaviz.
    top = dialog.tree.invisibleRootItem()
    assert [top.child(i).isExpanded() for i in range(top.childCount())] == [
        True, True, True, True, False, False,
    ]
    assert rows[("File", "Pipeline")] == "NEWSIPS 2.0"  # not "NEWSIPS NEWSIPS 2.0"
    # On a 1366x768 screen the open sections fit whole: no row below the fold, no value cut.
    dialog.resize(*dialog.fitting_size(1366, 736))
    QtWidgets.QApplication.processEvents()
    assert not dialog.tree.verticalScrollBar().isVisible()
    assert dialog.tree.columnWidth(1) >= dialog.tree.sizeHintForColumn(1)
    shoot(dialog, "provenance")


@pytest.mark.parametrize("meta", [None, {}])
def test_a_dataset_not_from_glue_mast_says_so(qtbot, meta):
    from glue.core import Data

    data = Data(x=[1, 2], label="plain")
    if meta is not None:
        data.meta["glue_mast"] = meta
    dialog = ProvenanceDialog(data)
    qtbot.addWidget(dialog)
    assert dialog.rows() == [(("Provenance",), NO_RECORD)]


def test_a_doi_is_a_link(qtbot):
    from glue.core import Data

    data = Data(x=[1, 2], label="x")
    data.meta["glue_mast"] = {
        "server": "https://mast.stsci.edu",
        "fetch": {"dataURI": "mast:HST/product/x_x1d.fits", "server": "https://mast.stsci.edu",
                  "doi": "10.17909/abcd", "sha256": "0" * 64, "checked": "sha256"},
        "dataset": {"dataURI": "mast:HST/product/x_x1d.fits"},
    }
    dialog = ProvenanceDialog(data)
    qtbot.addWidget(dialog)
    assert dialog.links() == {
        ("File", "MAST URI"): "https://mast.stsci.edu/api/v0.1/Download/file?uri="
        "mast:HST/product/x_x1d.fits",
        ("File", "DOI"): "https://doi.org/10.17909/abcd",
    }
    labels = dialog.tree.findChildren(QtWidgets.QLabel, "provenance_link")
    assert '<a href="https://doi.org/10.17909/abcd">10.17909/abcd</a>' in [
        label.text() for label in labels
    ]


def test_a_query_this_process_never_saw_shows_its_summary(qtbot):
    from glue.core import Data

    data = Data(x=[1, 2], label="x")
    data.meta["glue_mast"] = {"queries": [{"id": "0123456789abcdef", "summary": {
        "collection": "HST", "service": "Mast.Caom.Cone", "target": "TW Hya",
        "criteria_given": {"obs_collection": "HST"}, "rows": 3}}]}
    dialog = ProvenanceDialog(data)
    qtbot.addWidget(dialog)
    rows = dict(dialog.rows())
    assert rows[("Query", "Search", "Target")] == "TW Hya"
    assert rows[("Query", "Search", "MAST service")] == "Mast.Caom.Cone"
    assert rows[("Query", "Search", "Rows returned")] == "3"
    # the summary's collection is the criteria's, said once
    assert ("Query", "Search", "Collection") not in rows
