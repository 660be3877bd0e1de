"""Where the load pipeline puts datasets in glue: a data collection (`glue_mast.io.sinks`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..io.sinks import Added

__all__ = ["DataCollectionSink", "GlueAdded"]


@dataclass
class GlueAdded(Added):
    """What :meth:`DataCollectionSink.add` added: an `~glue_mast.io.sinks.Added` with the
    links made between the new datasets and those already in the collection."""

    links: list = field(default_factory=list)


class DataCollectionSink:
    """Adds fetched files to a glue data collection, labelled, described and linked.

    Files are read through glue's ``load_data`` with glue-mast's factory
    (:func:`glue_mast.glue.loading.read_datasets`), so that a saved session reads them again.

    Parameters
    ----------
    data_collection : `~glue.core.data_collection.DataCollection` or glue Application
    link : bool
        Link the new datasets with each other and with glue-mast datasets already there.
    """

    def __init__(self, data_collection, *, link=True):
        if hasattr(data_collection, "data_collection"):  # a glue Application
            data_collection = data_collection.data_collection
        self.data_collection = data_collection
        self.link = link

    def taken(self):
        return [d.label for d in self.data_collection]

    def present(self):
        """The datasets in the collection (the pipeline adds none of them a second time)."""
        return list(self.data_collection)

    def read(self, result, *, taken=(), check=None):
        """(worker thread) The fetched files as glue Data, not yet in the collection.

        ``result`` is anything :func:`glue_mast.load` takes: a fetch result, a manifest (or
        its path), or paths of fetched files.
        """
        from .loading import read_datasets

        return read_datasets(result, check=check)

    def add(self, read):
        """(the collection's thread) Add them, with unique labels, then link them."""
        from .loading import add_datasets

        added = add_datasets(read, self.data_collection, link=self.link)
        return GlueAdded(
            labels=[d.label for d in added],
            phrase=loaded_phrase(added),
            datasets=list(added),
            links=list(added.links),
        )


def loaded_phrase(added):
    """``"3 datasets loaded into glue and linked: A, B, C and 2 more"``."""
    n = len(added)
    if not n:
        return "nothing loaded"
    linked = " and linked" if added.links else ""
    labels = [d.label for d in added]
    shown = ", ".join(labels[:3]) + (f" and {n - 3} more" if n > 3 else "")
    return f"{n} dataset{'s' if n != 1 else ''} loaded into glue{linked}: {shown}"
