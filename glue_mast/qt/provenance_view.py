"""A glue dataset's MAST provenance as a tree a person reads: query, file, checksum, DOI, links.

glue-qt's "View metadata/header" shows each ``Data.meta`` entry on one line, so glue-mast's
record (``meta["glue_mast"]``, nested plain JSON) is one long dict there. glue-mast adds its
own entry to the same menu of glue's data panel (``glue_qt.config.layer_action``, see
`glue_mast.qt.registration`), "View MAST provenance…", which opens :class:`ProvenanceDialog`:

- Dataset: label, what it holds, the part of the file, the reader;
- Search: each query that selected the file (target, position, radius, criteria, product
  filter);
- File: MAST's URI, where it is, size, SHA-256 (and whether the bytes were checked), when it
  was downloaded and from where, the manifest, the DOI;
- Links: the file at MAST, its DOI;
- MAST record: the rest of MAST's row for the file;
- FITS header: the header keywords kept with the dataset, one row each.

:func:`provenance_tree` makes the tree as plain (name, value, children) triples, without Qt.
"""

from __future__ import annotations

import json

from qtpy import QtCore, QtWidgets

from ..provenance.queries import shown_queries

__all__ = ["ProvenanceDialog", "provenance_links", "provenance_tree", "view_provenance"]

# Fields of MAST's record shown under File (the rest go under "MAST record").
_FILE_FIELDS = ("dataURI", "productFilename", "path", "size", "sha256", "downloaded", "doi")


def _text(value):
    if value is None or value == "":
        return "\N{EM DASH}"
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value)) or "\N{EM DASH}"
    if isinstance(value, dict):
        return "; ".join(f"{k}={_text(v)}" for k, v in value.items()) or "\N{EM DASH}"
    return str(value)


def _node(name, value=None, children=()):
    """(name, value as text, children): a section (no value) or a field."""
    return (str(name), "" if value is None and children else _text(value), list(children))


def _size(size):
    try:
        return f"{int(size):,} bytes"
    except (TypeError, ValueError):
        return _text(size)


#: A query's fields in the order a person reads them (others follow).
_QUERY_FIELDS = ("target", "resolved", "coordinates", "radius_deg", "criteria_given",
                 "criteria_sent", "sort", "count", "rows", "obsids", "listed", "kept",
                 "product_filter")


def _query_node(query):
    rows = []
    for key in (*_QUERY_FIELDS, *[k for k in query if k not in _QUERY_FIELDS]):
        if key not in query or key == "service":
            continue
        value = query[key]
        if key == "coordinates" and isinstance(value, dict):
            value = f"{value.get('ra')} {value.get('dec')} ({value.get('frame', 'icrs')})"
        elif key == "resolved" and isinstance(value, dict):
            value = f"{value.get('canonicalName', '')} by {value.get('resolver', '?')}"
        elif key == "radius_deg":
            key, value = "radius", f"{value} deg"
        if isinstance(value, dict) and value:
            # The whole on the row (collapsed, it still reads), each field below it.
            rows.append(_node(key, value, [_node(k, v) for k, v in value.items()]))
        else:
            rows.append(_node(key, value))
    return _node(query.get("service", "query"), children=rows)


def provenance_links(meta):
    """[(what, url)]: the file at its MAST server, and its DOI, where the record says."""
    from ..archive.fetch.layout import download_url

    fetched = meta.get("fetch") or {}
    dataset = meta.get("dataset") or {}
    uri = fetched.get("dataURI") or dataset.get("dataURI")
    server = fetched.get("server") or meta.get("server")
    links = []
    if uri and server:
        links.append(("File at MAST", download_url(uri, server)))
    doi = fetched.get("doi") or dataset.get("doi")
    if doi:
        links.append(("DOI", f"https://doi.org/{doi}"))
    return links


def provenance_tree(meta):
    """The sections of a ``meta["glue_mast"]`` record as (name, value, children) triples."""
    if not meta:
        return [_node("Provenance", "none: this dataset was not loaded by glue-mast")]
    dataset = meta.get("dataset") or {}
    fetched = meta.get("fetch") or {}
    sections = [
        _node("Dataset", children=[
            _node(k, meta.get(k)) for k in ("label", "kind", "part", "reader", "file")
            if k in meta
        ]),
    ]
    queries = shown_queries(meta)
    if queries:
        sections.append(_node("Search", children=[_query_node(q) for q in queries]))
    if dataset or fetched:
        checked = fetched.get("checked")
        sha = fetched.get("sha256") or dataset.get("sha256")
        sections.append(_node("File", children=[
            _node("dataURI", fetched.get("dataURI") or dataset.get("dataURI")),
            _node("file name", dataset.get("productFilename")),
            _node("path", f"{dataset.get('path')} (beside {meta.get('manifest')})"
                  if dataset.get("path") and meta.get("manifest") else dataset.get("path")),
            _node("size", _size(fetched.get("size") or dataset.get("size"))),
            _node("SHA-256", f"{sha} ({checked})" if sha and checked else sha),
            _node("downloaded", fetched.get("downloaded") or dataset.get("downloaded")),
            _node("from", fetched.get("server") or meta.get("server")),
            _node("DOI", fetched.get("doi") or dataset.get("doi")),
        ]))
    links = provenance_links(meta)
    if links:
        sections.append(_node("Links", children=[_node(k, url) for k, url in links]))
    rest = {k: v for k, v in dataset.items() if k not in _FILE_FIELDS and v is not None}
    if rest:
        sections.append(_node("MAST record", children=[_node(k, v) for k, v in rest.items()]))
    header = meta.get("header") or {}
    if header:
        sections.append(
            _node("FITS header", children=[_node(k, v) for k, v in header.items()])
        )
    return sections


class ProvenanceDialog(QtWidgets.QDialog):
    """The provenance of one glue Data, as a tree; links open in the browser.

    Parameters
    ----------
    data : glue Data
    parent : QWidget, optional
    """

    def __init__(self, data, parent=None):
        super().__init__(parent)
        from ..provenance.describe import META_KEY

        self.setObjectName("mast_provenance_dialog")
        self.setWindowTitle(f"MAST provenance of {data.label}")
        self.meta = dict(data.meta.get(META_KEY) or {})
        self.tree = QtWidgets.QTreeWidget()
        self.tree.setObjectName("provenance_tree")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Field", "Value"])
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        links = dict(provenance_links(self.meta))
        for name, value, children in provenance_tree(self.meta):
            self._add(self.tree.invisibleRootItem(), name, value, children, links)
        self.tree.expandToDepth(1)  # the sections, and each query's fields
        self.tree.resizeColumnToContents(0)
        copy = QtWidgets.QPushButton("Copy as JSON")
        copy.setObjectName("copy_provenance")
        copy.setToolTip("The whole record, as glue-mast keeps it in the dataset's meta")
        copy.clicked.connect(self.copy_json)
        close = QtWidgets.QPushButton("Close")
        close.clicked.connect(self.accept)
        buttons = QtWidgets.QHBoxLayout()
        buttons.addWidget(copy)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        self.resize(720, 560)

    def _add(self, parent, name, value, children, links):
        item = QtWidgets.QTreeWidgetItem(parent, [name, value])
        item.setToolTip(1, value)
        item.setData(1, QtCore.Qt.UserRole, value)
        if parent is not self.tree.invisibleRootItem() and name in links:
            item.setText(1, "")  # the link label is drawn there instead
            label = QtWidgets.QLabel(f'<a href="{links[name]}">{links[name]}</a>')
            label.setObjectName("provenance_link")
            label.setOpenExternalLinks(True)
            label.setTextInteractionFlags(QtCore.Qt.TextBrowserInteraction)
            self.tree.setItemWidget(item, 1, label)
        for child in children:
            self._add(item, *child, links)

    def copy_json(self):
        """Put the record, as JSON, on the clipboard; returns the text."""
        text = json.dumps(self.meta, indent=2, default=str)
        QtWidgets.QApplication.clipboard().setText(text)
        return text

    def rows(self):
        """Every row as (path of names, value): what a person reads, for scripts and tests."""
        out = []

        def walk(item, path):
            for i in range(item.childCount()):
                child = item.child(i)
                here = (*path, child.text(0))
                out.append((here, child.data(1, QtCore.Qt.UserRole)))
                walk(child, here)

        walk(self.tree.invisibleRootItem(), ())
        return out


def view_provenance(layer, data_collection=None):
    """The layer action: open the provenance of ``layer`` (a glue Data) beside glue."""
    parent = QtWidgets.QApplication.activeWindow()
    dialog = ProvenanceDialog(layer, parent=parent)
    dialog.setAttribute(QtCore.Qt.WA_DeleteOnClose)
    dialog.show()
    return dialog
