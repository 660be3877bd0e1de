"""Where the load pipeline puts datasets in Jdaviz: an app (`glue_mast.io.sinks`).

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
        return [data.label for data in self.app._app.data_collection]

    def present(self):
        """The datasets in the app (the pipeline adds none of them a second time)."""
        return list(self.app._app.data_collection)

    def read(self, result, *, taken=(), check=None):
        """(worker thread) The fetched files as described datasets (`read_fetched`)."""
        from ..io.sinks import read_described

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

        Each step is one batch (``load_datasets``), in the order one batch loads in, with the
        whole load as its context: Jdaviz links each dataset to those already loaded and shows
        it in the same viewer, as in one batch. Kinds this app does not show are reported
        once, as one batch would.
        """
        if self.dispatch_next is None:
            try:
                added = self.add(read)
            except Exception as exc:
                return done(None, exc)
            return done(added, None)
        from . import unit_choices
        from .kinds import order
        from .loading import load_datasets, not_shown

        unit_choices.install()
        # The order one batch loads in (cubes, 2-D spectra and images set the app's units
        # first), and every dataset of the load as the context of each step.
        everything = order(list(read.datasets))
        hidden, hidden_messages = not_shown(self.app, everything)
        datasets = [d for d in everything if d.label not in set(hidden)]
        n = len(datasets)
        loaded, messages = [], []

        def step(start):
            chunk = datasets[start : start + self.per_step]
            try:
                if self.progress is not None:
                    self.progress(start + len(chunk), n)
                outcome = load_datasets(
                    self.app, chunk, viewer=self.viewer, context=everything
                )
            except Exception as exc:
                return done(None, exc)
            loaded.extend(outcome.loaded)
            messages.extend(outcome.messages)  # a dataset Jdaviz refused: one line each
            if start + self.per_step < n:
                self.dispatch_next(lambda: step(start + self.per_step))
            else:
                finish()

        def finish():
            # What this app shows no viewer for, said once for the whole load (one line per
            # kind, as one batch says it).
            done(_added(loaded, messages + hidden_messages), None)

        if n:
            step(0)
        else:
            finish()


def _added(labels, messages):
    from ..io.sinks import Added

    return Added(
        labels=list(labels),
        phrase=_loaded_phrase(labels),
        datasets=list(labels),
        not_shown=list(messages),
    )


def _loaded_phrase(labels):
    n = len(labels)
    return f"loaded {n} dataset{'s' if n != 1 else ''}" if n else "nothing to load"
