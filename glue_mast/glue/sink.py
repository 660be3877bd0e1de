"""Where the load pipeline puts datasets in glue: a data collection (`glue_mast.io.sinks`)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ..io.sinks import Added

__all__ = ["KIND_PLURALS", "STEP_SECONDS", "DataCollectionSink", "GlueAdded", "kinds_phrase"]

#: Seconds of adding datasets in one step before the front end's event loop gets a turn:
#: glue-qt's data panel answers each dataset added (it selects it, and every action of the
#: panel checks the new selection), some 5 ms a dataset, more as the panel fills.
STEP_SECONDS = 0.03


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
    dispatch_next : callable, optional
        ``dispatch_next(fn)`` runs ``fn()`` on the collection's thread after what its event
        loop has queued meanwhile (a Qt zero-delay timer). Given, the pipeline adds the
        datasets in steps of at most about ``step_seconds`` (:meth:`add_in_steps`), so that
        the window answers between them; otherwise all at once (:meth:`add`).
    progress : callable, optional
        ``progress(k, n)`` before dataset ``k`` (from 1) of ``n`` is added, in steps.
    step_seconds : float
        Seconds of adding in one step (`STEP_SECONDS`); 0 adds one dataset a step.
    """

    def __init__(self, data_collection, *, link=True, dispatch_next=None, progress=None,
                 step_seconds=STEP_SECONDS):
        if hasattr(data_collection, "data_collection"):  # a glue Application
            data_collection = data_collection.data_collection
        self.data_collection = data_collection
        self.link = link
        self.dispatch_next = dispatch_next
        self.progress = progress
        self.step_seconds = float(step_seconds)

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

        return _glue_added(add_datasets(read, self.data_collection, link=self.link))

    def add_in_steps(self, read, done):
        """(the collection's thread) Add them as :meth:`add` does, a few at a time, each
        step in its own ``dispatch_next``; ``done(added, error)`` once, after the last step
        or the failure.

        The labels, colours and links are made first, for all of them (as :meth:`add` makes
        them); then, from the next turn of the event loop, the datasets are appended in
        order, for at most about :attr:`step_seconds` a step.
        """
        if self.dispatch_next is None:
            try:
                added = self.add(read)
            except Exception as exc:
                return done(None, exc)
            return done(added, None)
        from .loading import LoadedDatasets, prepare_datasets

        try:
            links = prepare_datasets(read, self.data_collection, link=self.link)
        except Exception as exc:
            return done(None, exc)
        datasets = list(read.datasets)
        n = len(datasets)
        added = []

        def step():
            start = time.perf_counter()
            try:
                while len(added) < n:
                    if self.progress is not None:
                        self.progress(len(added) + 1, n)
                    self.data_collection.append(datasets[len(added)])
                    added.append(datasets[len(added)])
                    if time.perf_counter() - start >= self.step_seconds:
                        break
            except Exception as exc:
                return done(None, exc)
            if len(added) < n:
                return self.dispatch_next(step)
            loaded = LoadedDatasets(
                datasets, data_collection=self.data_collection, links=links,
                problems=read.problems, manifest=read.manifest,
            )
            return done(_glue_added(loaded), None)

        # Labelling and linking took this turn of the loop: the datasets come in the next.
        self.dispatch_next(step)


def _glue_added(loaded):
    return GlueAdded(
        labels=[d.label for d in loaded],
        phrase=loaded_phrase(loaded),
        datasets=list(loaded),
        links=list(loaded.links),
    )


#: The kinds of dataset (``meta["glue_mast"]["kind"]``) in the order a summary counts them,
#: with their plurals.
KIND_PLURALS = {
    "spectrum": "spectra",
    "2-D spectrum": "2-D spectra",
    "spectral cube": "spectral cubes",
    "image": "images",
    "light curve": "light curves",
    "target pixel file": "target pixel files",
}


def kinds_phrase(datasets):
    """``"2 spectra, 1 spectral cube and 1 image"``; "" when they are all of one kind."""
    from ..provenance.describe import META_KEY

    counts = {}
    for data in datasets:
        kind = (data.meta.get(META_KEY) or {}).get("kind") or "other dataset"
        counts[kind] = counts.get(kind, 0) + 1
    if len(counts) < 2:
        return ""
    order = list(KIND_PLURALS)
    kinds = sorted(counts, key=lambda k: order.index(k) if k in order else len(order))
    parts = [
        f"{counts[k]} {k if counts[k] == 1 else KIND_PLURALS.get(k, k + 's')}" for k in kinds
    ]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def loaded_phrase(added):
    """``"3 datasets loaded into glue and linked: A, B, C and 2 more"``, with what kinds they
    are when there are several: ``"2 datasets (1 spectrum and 1 image) loaded into glue..."``.
    """
    n = len(added)
    if not n:
        return "nothing loaded"
    linked = " and linked" if added.links else ""
    kinds = kinds_phrase(added)
    labels = [d.label for d in added]
    shown = ", ".join(labels[:3]) + (f" and {n - 3} more" if n > 3 else "")
    return (
        f"{n} dataset{'s' if n != 1 else ''}{f' ({kinds})' if kinds else ''} loaded into"
        f" glue{linked}: {shown}"
    )
