"""The dialog's "Footprints into glue": the page's footprints as a glue region dataset.

The button adds the current page's observation footprints to the session as one region
dataset (`glue_mast.glue.footprints`), linked by RA and Dec to every image with a celestial
WCS (and to images loaded later), so glue's image viewer draws them over the image. While it
is there, a new page replaces it, and a subset of it (a region drawn on the image) selects
its observations in the dialog's results table, whose products are then listed.
"""

from __future__ import annotations

from echo import add_callback
from glue.core.hub import HubListener
from glue.core.message import DataCollectionAddMessage, SubsetCreateMessage, SubsetUpdateMessage
from qtpy import QtCore, QtWidgets

from ..glue.footprints import FOOTPRINT_LABEL, footprint_data, is_footprint_data, link_to_images
from ..state.footprints import select_footprints

__all__ = ["FootprintsIntoGlue", "show_selected"]


class FootprintsIntoGlue(HubListener):
    """The button, the footprint dataset it made, and the subsets that select observations.

    Parameters
    ----------
    dialog : `~glue_mast.qt.dialog.MastImportDialog`
        Its ``search_state``, ``data_collection`` and ``results`` panel are used.
    """

    def __init__(self, dialog):
        self.dialog = dialog
        self.state = dialog.search_state
        self.data_collection = dialog.data_collection
        self.data = None  # the footprint dataset in the session, while there is one
        self.button = QtWidgets.QPushButton("Footprints into glue")
        self.button.setObjectName("footprints_button")
        self.button.setAutoDefault(False)
        self.button.setToolTip(
            "Add this page's observation footprints to glue as a region dataset, linked to "
            "images by sky position; a subset of it selects its observations here"
        )
        self.button.clicked.connect(self.add)
        self.status = QtWidgets.QLabel()
        self.status.setObjectName("footprints_status")
        add_callback(self.state, "rows", self._page_changed)
        add_callback(self.state, "selected_obsids", self._selection_changed)
        hub = self.data_collection.hub
        hub.subscribe(self, SubsetCreateMessage, handler=self._subset, filter=self._ours)
        hub.subscribe(self, SubsetUpdateMessage, handler=self._subset, filter=self._ours)
        hub.subscribe(self, DataCollectionAddMessage, handler=self._data_added)
        self._page_changed()

    def add(self):
        """Put the current page's footprints into glue (replacing the last page's)."""
        rows = self.state.rows
        if rows is None:
            return None
        data, missing = footprint_data(rows)
        self._remove()
        if data is None:
            self.status.setText("No footprints on this page: " + "; ".join(map(str, missing[:2])))
            return None
        self.data = data
        self.data_collection.append(data)
        images = link_to_images(self.data_collection, data)
        text = f"{data.size} footprints in glue as {FOOTPRINT_LABEL!r}"
        text += f", linked to {len(images)} image{'s' if len(images) != 1 else ''}"
        if missing:
            text += f"; {len(missing)} not drawn ({missing[0]})"
        self.status.setText(text)
        return data

    def _remove(self):
        for data in [d for d in self.data_collection if is_footprint_data(d)]:
            self.data_collection.remove(data)
        self.data = None

    def _page_changed(self, *_):
        self.button.setEnabled(self.state.rows is not None and len(self.state.rows) > 0)
        if self.data is not None and self.data in self.data_collection:
            if self.state.rows is None:
                self._remove()
                self.status.setText("")
            else:
                self.add()  # the new page's footprints replace the old page's

    def _selection_changed(self, *_):
        show_selected(self.dialog.results, self.state.selected_obsids)

    def _ours(self, message):
        return self.data is not None and message.subset.data is self.data

    def _subset(self, message):
        select_footprints(self.state, message.subset)

    def _data_added(self, message):
        if self.data is not None and not is_footprint_data(message.data):
            link_to_images(_just(self.data_collection, message.data), self.data)


class _just:
    """A data collection seen as one of its datasets (to link a newly added image only)."""

    def __init__(self, data_collection, data):
        self._dc, self._data = data_collection, data

    def __iter__(self):
        return iter([self._data])

    def add_link(self, link):
        self._dc.add_link(link)


def show_selected(results, obsids):
    """Select the rows of ``obsids`` in the results table (selected from elsewhere)."""
    rows = results.state.rows
    table, proxy = results.table, results.proxy
    selection = table.selectionModel()
    if rows is None or selection is None:
        return
    wanted = {str(o) for o in obsids}
    chosen = QtCore.QItemSelection()
    for i, obsid in enumerate(rows["obsid"]):
        if str(obsid) in wanted:
            index = proxy.mapFromSource(results.model.index(i, 0))
            chosen.select(index, index)
    current = {proxy.mapToSource(i).row() for i in selection.selectedRows()}
    if current == {i for i, o in enumerate(rows["obsid"]) if str(o) in wanted}:
        return  # already shown (the table set it)
    flags = QtCore.QItemSelectionModel.ClearAndSelect | QtCore.QItemSelectionModel.Rows
    selection.select(chosen, flags)
