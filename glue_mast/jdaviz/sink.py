"""Where the load pipeline puts datasets in Jdaviz: an app (`glue_mast.state.load`).

Adding a spectrum to a Jdaviz app takes a few tenths of a second on the kernel's thread
(Jdaviz's loader, its plugins' dataset lists, the viewer's layer), so twenty of them in one
call keep the kernel from answering a click for seconds. With ``dispatch_next`` the sink adds
:data:`DATASETS_PER_STEP` datasets at a time, each step in its own turn of the kernel's event
loop (a click that arrived meanwhile is answered between two steps), telling ``progress(k, n)``
before each step ("loading k of n").
"""

from __future__ import annotations

__all__ = ["DATASETS_PER_STEP", "JdavizSink"]

#: Datasets added in one turn of the kernel's event loop: one spectrum already takes Jdaviz
#: a few tenths of a second, so a click waits at most one dataset's load.
DATASETS_PER_STEP = 1


class JdavizSink:
    """Loads fetched files into a Jdaviz app through its own loaders.

    Parameters
    ----------
    app : jdaviz helper (``jdaviz.App``)
    viewer : str, optional
        The viewer to show spectra in (default: jdaviz's choice).
    dispatch_next : callable, optional
        ``dispatch_next(fn)`` runs ``fn()`` on the kernel's thread after what its event loop
        has queued meanwhile. Given, the pipeline adds the datasets in steps
        (:meth:`add_in_steps`); otherwise all at once, in one batch (:meth:`add`).
    progress : callable, optional
        ``progress(k, n)`` before each step: datasets ``k`` (from 1) and those before it are
        being added, of ``n``.
    per_step : int
        Datasets added in one step.
    """

    def __init__(self, app, *, viewer=None, dispatch_next=None, progress=None,
                 per_step=DATASETS_PER_STEP):
        self.app = app
        self.viewer = viewer
        self.dispatch_next = dispatch_next
        self.progress = progress
        self.per_step = max(1, int(per_step))

    def taken(self):
        return [data.label for data in self.app.app.data_collection]

    def read(self, result, *, taken=(), check=None):
        """(worker thread) The fetched files as described datasets (`read_fetched`)."""
        from ..state.load import read_described

        return read_described(result, taken=taken, check=check)

    def add(self, read):
        """(the kernel's thread) Load them into the app, in one batch."""
        from . import unit_choices
        from .loading import load_datasets

        unit_choices.install()  # follows the fast_unit_choices setting as it is now
        outcome = load_datasets(self.app, read.datasets, viewer=self.viewer)
        return _added(outcome.loaded, outcome.messages)

    def add_in_steps(self, read, done):
        """(the kernel's thread) Load them :attr:`per_step` at a time, each step in its own
        ``dispatch_next``; ``done(added, error)`` once, after the last step or the failure.

        Each step is one batch (``load_datasets``): Jdaviz links each dataset to those
        already loaded and overlays it in the same viewer, as in one batch. What the steps did
        not load (kinds this app does not show) is reported once, as one batch would.
        """
        if self.dispatch_next is None:
            try:
                added = self.add(read)
            except Exception as exc:
                return done(None, exc)
            return done(added, None)
        from . import unit_choices
        from .loading import load_datasets

        unit_choices.install()
        datasets = list(read.datasets)
        n = len(datasets)
        loaded, left = [], []

        def step(start):
            chunk = datasets[start : start + self.per_step]
            try:
                if self.progress is not None:
                    self.progress(start + len(chunk), n)
                outcome = load_datasets(self.app, chunk, viewer=self.viewer)
            except Exception as exc:
                return done(None, exc)
            loaded.extend(outcome.loaded)
            names = set(outcome.loaded)
            left.extend(d for d in chunk if d.label not in names)
            if start + self.per_step < n:
                self.dispatch_next(lambda: step(start + self.per_step))
            else:
                finish()

        def finish():
            try:
                # What no step loaded, once more together: nothing is added, and the
                # messages count them all (one line per kind, as for one batch).
                messages = []
                if left:
                    messages = load_datasets(self.app, left, viewer=self.viewer).messages
            except Exception as exc:
                return done(None, exc)
            done(_added(loaded, messages), None)

        if n:
            step(0)
        else:
            finish()


def _added(labels, messages):
    from ..state.load import Added

    return Added(
        labels=list(labels),
        phrase=_loaded_phrase(labels),
        datasets=list(labels),
        not_shown=list(messages),
    )


def _loaded_phrase(labels):
    n = len(labels)
    return f"loaded {n} dataset{'s' if n != 1 else ''}" if n else "nothing to load"
