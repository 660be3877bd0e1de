"""The plugin's Provenance section: where a dataset in the app came from, as a tree.

Every dataset glue-mast loads carries its provenance record in its glue ``Data.meta``
(:data:`glue_mast.jdaviz.loading.PROVENANCE_KEY`). The section lists those datasets (the one
loaded last chosen, until the user chooses another) and shows the chosen one's record as the
outline `glue_mast.provenance.outline.outline` makes: what the dataset is, its observation, its
file (checksum, DOI, the file's address at MAST) and the searches that found it, in a
``v-treeview``.
"""

from __future__ import annotations

from glue.core.hub import HubListener
from glue.core.message import DataCollectionAddMessage, DataCollectionDeleteMessage

from ....provenance.outline import OPEN_SECTIONS, outline
from ...loading import PROVENANCE_KEY

__all__ = [
    "OPEN_SECTIONS",
    "ProvenanceApi",
    "ProvenanceSection",
    "bind",
    "record_of",
    "tree_items",
    "with_provenance",
]


def with_provenance(data_collection):
    """Labels of the datasets that carry a glue-mast provenance record, in loading order."""
    return [
        data.label for data in data_collection
        if isinstance(data.meta.get(PROVENANCE_KEY), dict)
    ]


def record_of(data_collection, label):
    """The provenance record of the dataset ``label`` (a dict), or None."""
    for data in data_collection:
        if data.label == label:
            record = data.meta.get(PROVENANCE_KEY)
            return record if isinstance(record, dict) else None
    return None


def tree_items(nodes, prefix=""):
    """Outline nodes as ``v-treeview`` items: each with an ``id`` (its path, "2.0") and
    ``children`` only where it has some (an empty list would show an arrow)."""
    items = []
    for i, node in enumerate(nodes):
        item = {
            "id": f"{prefix}{i}",
            "name": node["name"],
            "value": node["value"],
            "link": node["link"],
        }
        if node["children"]:
            item["children"] = tree_items(node["children"], prefix=f"{prefix}{i}.")
        items.append(item)
    return items


class ProvenanceSection(HubListener):
    """Keeps a plugin's Provenance traitlets in step with the app's datasets.

    ``provenance_dataset_items`` lists the datasets with a record; the one loaded last is
    chosen (``provenance_dataset_selected``) until the user chooses one, which then stays
    chosen while it is in the app. ``provenance_tree`` is the chosen one's outline and
    ``provenance_open`` the sections shown open. It subscribes to the app's hub as a listener
    of its own, so that the plugin's own subscriptions to the same messages stay as they are.
    """

    def __init__(self, plugin):
        self.plugin = plugin
        self.data_collection = plugin._app.data_collection
        self.follows_newest = True  # until the user chooses a dataset
        self._choosing = False
        plugin.observe(self._chosen, names=["provenance_dataset_selected"])
        plugin.hub.subscribe(self, DataCollectionAddMessage, handler=self._added)
        plugin.hub.subscribe(self, DataCollectionDeleteMessage, handler=self._removed)
        self.refresh()

    def _added(self, message):
        self.refresh(newest=getattr(message.data, "label", None))

    def _removed(self, message):
        self.refresh()

    def refresh(self, newest=None):
        """List the datasets with a record again; choose ``newest`` if following them."""
        labels = with_provenance(self.data_collection)
        plugin = self.plugin
        plugin.provenance_dataset_items = labels
        chosen = plugin.provenance_dataset_selected
        if newest in labels and (self.follows_newest or not chosen):
            self._choose(newest)
        elif chosen not in labels:
            self.follows_newest = True
            self._choose(labels[-1] if labels else "")

    def _choose(self, label):
        self._choosing = True
        try:
            if self.plugin.provenance_dataset_selected == label:
                self.show(label)
            else:
                self.plugin.provenance_dataset_selected = label  # _chosen shows it
        finally:
            self._choosing = False

    def _chosen(self, change):
        if not self._choosing:
            self.follows_newest = False  # the user's choice stays chosen
        self.show(change["new"])

    def show(self, label):
        """Show the outline of the dataset ``label`` ("" for none)."""
        record = record_of(self.data_collection, label) if label else None
        items = tree_items(outline(record)) if record else []
        self.plugin.provenance_tree = items
        self.plugin.provenance_open = [i["id"] for i in items if i["name"] in OPEN_SECTIONS]


class ProvenanceApi:
    """The plugin's API for its Provenance section (a mixin of the plugin class)."""

    @property
    def provenance_dataset(self):
        """The dataset whose provenance the Provenance section shows (a label); settable."""
        return self.provenance_dataset_selected

    @provenance_dataset.setter
    def provenance_dataset(self, label):
        from .selection import dataset_label

        self.provenance_dataset_selected = dataset_label(self, label)

    @property
    def provenance(self):
        """glue-mast's record of :attr:`provenance_dataset` (a dict), or None."""
        return record_of(self._app.data_collection, self.provenance_dataset)


def bind(plugin):
    """Give the plugin its Provenance section (kept as ``plugin._provenance_section``)."""
    plugin._provenance_section = ProvenanceSection(plugin)
    return plugin._provenance_section
