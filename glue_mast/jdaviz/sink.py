"""Where the load pipeline puts datasets in Jdaviz: an app (`glue_mast.state.load`)."""

from __future__ import annotations

__all__ = ["JdavizSink"]


class JdavizSink:
    """Loads fetched files into a Jdaviz app through its own loaders, in one batch.

    Parameters
    ----------
    app : jdaviz helper (``jdaviz.App``)
    viewer : str, optional
        The viewer to show spectra in (default: jdaviz's choice).
    """

    def __init__(self, app, *, viewer=None):
        self.app = app
        self.viewer = viewer

    def taken(self):
        return [data.label for data in self.app.app.data_collection]

    def read(self, result, *, taken=(), check=None):
        """(worker thread) The fetched files as described datasets (`read_fetched`)."""
        from ..state.load import read_described

        return read_described(result, taken=taken, check=check)

    def add(self, read):
        """(the kernel's thread) Load them into the app, in one batch."""
        from ..state.load import Added
        from .loading import load_datasets

        outcome = load_datasets(self.app, read.datasets, viewer=self.viewer)
        return Added(
            labels=list(outcome.loaded),
            phrase=_loaded_phrase(outcome.loaded),
            datasets=list(outcome.loaded),
            not_shown=list(outcome.messages),
        )


def _loaded_phrase(labels):
    n = len(labels)
    return f"loaded {n} dataset{'s' if n != 1 else ''}" if n else "nothing to load"
