"""A glue dataset's MAST provenance as a tree a person reads: query, file, checksum, DOI, links.

glue-qt's "View metadata/header" shows each ``Data.meta`` entry on one line, so glue-mast's
record (``meta["glue_mast"]``, nested plain JSON) is one long dict there. glue-mast adds its
own entry to the same menu of glue's data panel (``glue_qt.config.layer_action``, see
`glue_mast.qt.registration`), "View MAST provenance…", which opens :class:`ProvenanceDialog`.

The dialog draws the outline `glue_mast.provenance.outline.outline` makes, the one the Jdaviz
plugin's Provenance section draws: the same sections in the same words (Dataset, Observation,
File, Query, MAST record, Header). A node with a ``link`` (the file at its MAST server, its
DOI) shows its value as an anchor that opens in the browser.
"""

from __future__ import annotations

import html
import json

from qtpy import QtCore, QtWidgets

from ..provenance.outline import OPEN_SECTIONS, outline

__all__ = ["NO_RECORD", "ProvenanceDialog", "view_provenance"]

#: The dialog's width: the longest values (a SHA-256, a MAST URI) in one line.
WIDTH = 820

#: What the dialog says of a dataset glue-mast did not load.
NO_RECORD = "none: this dataset was not loaded by glue-mast"


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
        # Its size hint follows the rows shown, so that the dialog opens tall enough for them.
        self.tree.setSizeAdjustPolicy(QtWidgets.QAbstractScrollArea.AdjustToContents)
        nodes = outline(self.meta) if self.meta else []
        if not nodes:
            nodes = [{"name": "Provenance", "value": NO_RECORD, "link": "", "children": []}]
        root = self.tree.invisibleRootItem()
        for node in nodes:
            item = self._add(root, node)
            item.setExpanded(node["name"] in OPEN_SECTIONS)
            for i in range(item.childCount()):  # a query's fields, shown with its section
                item.child(i).setExpanded(node["name"] == "Query")
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
        screen = self.screen()
        free = screen.availableGeometry() if screen is not None else None
        self.resize(*self.fitting_size(free.width(), free.height()) if free else (WIDTH, 600))

    def fitting_size(self, free_width, free_height):
        """(width, height): :data:`WIDTH` wide and tall enough for the rows shown open, or
        less to fit a screen's free area (leaving about 40 px for the frame and title bar)."""
        wanted = self.sizeHint().height()
        return min(WIDTH, free_width - 20), min(wanted, free_height - 40)

    def _add(self, parent, node):
        value = node["value"]
        item = QtWidgets.QTreeWidgetItem(parent, [node["name"], value])
        item.setToolTip(1, value)
        item.setData(1, QtCore.Qt.UserRole, value)
        if node["link"]:
            item.setData(1, QtCore.Qt.UserRole + 1, node["link"])
            item.setText(1, "")  # the anchor is drawn there instead
            item.setToolTip(1, node["link"])
            label = QtWidgets.QLabel(
                f'<a href="{html.escape(node["link"])}">{html.escape(value)}</a>'
            )
            label.setObjectName("provenance_link")
            label.setContentsMargins(3, 0, 0, 0)  # in line with the plain values' text
            label.setToolTip(node["link"])
            label.setOpenExternalLinks(True)
            label.setTextInteractionFlags(QtCore.Qt.TextBrowserInteraction)
            self.tree.setItemWidget(item, 1, label)
        for child in node["children"]:
            self._add(item, child)
        return item

    def copy_json(self):
        """Put the record, as JSON, on the clipboard; returns the text."""
        text = json.dumps(self.meta, indent=2, default=str)
        QtWidgets.QApplication.clipboard().setText(text)
        return text

    def rows(self):
        """Every row as (path of names, value): what a person reads, for scripts and tests."""
        return [(path, value) for path, value, _ in self._walk()]

    def links(self):
        """{path of names: address} of the rows that link somewhere."""
        return {path: link for path, _, link in self._walk() if link}

    def _walk(self):
        out = []

        def walk(item, path):
            for i in range(item.childCount()):
                child = item.child(i)
                here = (*path, child.text(0))
                out.append((here, child.data(1, QtCore.Qt.UserRole),
                            child.data(1, QtCore.Qt.UserRole + 1) or ""))
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
