"""Where the load pipeline puts datasets in Jdaviz: an app (`glue_mast.io.sinks`).

Adding a spectrum to a Jdaviz app takes a few tenths of a second on the kernel's thread
(Jdaviz's loader, its plugins' dataset lists, the viewer's layer), so twenty of them in one
call keep the kernel from answering a click for seconds. With ``dispatch_next`` the sink adds
:data:`DATASETS_PER_STEP` datasets at a time, each step in its own turn of the kernel's event
loop (a click that arrived meanwhile is answered between two steps), telling ``progress(k, n)``
before each step ("loading k of n"). The 1-D spectra of the load share one Jdaviz batch held
open across their steps and closed in steps (`glue_mast.jdaviz.batch_steps`), and Jdaviz's
slow steps that glue-mast replaces (`glue_mast.jdaviz.unit_choices`,
`glue_mast.jdaviz.spectrum_parsers`, `glue_mast.jdaviz.layer_changes`,
`glue_mast.jdaviz.hub_handlers`) are put in place before each load.
"""

from __future__ import annotations

import contextlib

__all__ = ["DATASETS_PER_STEP", "JdavizSink"]

#: Datasets added in one turn of the kernel's event loop: one spectrum takes Jdaviz about a
#: tenth of a second, so a click waits at most one dataset's load.
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
        from .loading import load_datasets

        install_replacements()
        outcome = load_datasets(self.app, read.datasets, viewer=self.viewer)
        return _added(outcome.loaded, outcome.messages)

    def add_in_steps(self, read, done):
        """(the kernel's thread) Load them :attr:`per_step` at a time, each step in its own
        ``dispatch_next``; ``done(added, error)`` once, after the last step or the failure.

        The datasets come in the order one batch loads them in (cubes, 2-D spectra and images
        first: they set the app's units), with the whole load as each step's context. The
        1-D spectra share one Jdaviz batch held open across their steps and closed in steps
        (`glue_mast.jdaviz.batch_steps`): links updated once, then one layer a step, as one
        ``batch_load()`` would show them. Kinds this app does not show are reported once, as
        one batch would.
        """
        if self.dispatch_next is None:
            try:
                added = self.add(read)
            except Exception as exc:
                return done(None, exc)
            return done(added, None)
        from .kinds import order
        from .loading import not_shown

        install_replacements()
        everything = order(list(read.datasets))
        hidden, hidden_messages = not_shown(self.app, everything)
        datasets = [d for d in everything if d.label not in set(hidden)]
        run = _StepRun(self, datasets, everything, done, hidden_messages)
        run.next()


class _StepRun:
    """The steps of one :meth:`JdavizSink.add_in_steps`, run one per ``dispatch_next``."""

    def __init__(self, sink, datasets, everything, done, hidden_messages):
        from . import batch_steps
        from .loading import SPECTRUM

        self.sink = sink
        self.app = sink.app
        self.everything = everything
        self.done = done
        self.hidden_messages = hidden_messages
        self.loaded, self.messages = [], []
        n = len(datasets)
        spectra = [i for i, d in enumerate(datasets) if d.kind == SPECTRUM]
        self.batch = None
        if len(spectra) > 1 and batch_steps.usable(self.app):
            self.batch = batch_steps.SteppedBatch(self.app)
        # (what to run, datasets it loads) a step; the spectra are contiguous (``order``).
        self.steps = []
        per_step = sink.per_step
        start = 0
        while start < n:
            if self.batch is not None and start == spectra[0]:
                stop = spectra[-1] + 1
                for first in range(start, stop, per_step):
                    chunk = datasets[first : min(first + per_step, stop)]
                    self.steps.append((self._load, chunk, first + len(chunk)))
                self.steps.append((self._close, [], None))
                start = stop
                continue
            chunk = datasets[start : start + per_step]
            self.steps.append((self._load, chunk, start + len(chunk)))
            start += len(chunk)
        self.n = n

    def next(self):
        """Run the next step; hand the one after it to ``dispatch_next``."""
        if not self.steps:
            return self._finish()
        fn, chunk, k = self.steps.pop(0)
        try:
            if k is not None and self.sink.progress is not None:
                self.sink.progress(k, self.n)
            fn(chunk)
        except Exception as exc:
            self._abandon()
            return self.done(None, exc)
        self.sink.dispatch_next(self.next)

    def _load(self, chunk):
        from .loading import SPECTRUM, load_datasets

        in_batch = self.batch is not None and chunk[0].kind == SPECTRUM
        if in_batch and not self.batch.is_open:
            self.batch.open()
        outcome = load_datasets(
            self.app, chunk, viewer=self.sink.viewer, context=self.everything,
            batch=not in_batch, show=False,
        )
        self.loaded.extend(outcome.loaded)
        self.messages.extend(outcome.messages)  # a dataset Jdaviz refused: one line each

    def _close(self, _chunk):
        # Closing the batch: its first step in this one, each other in a step of its own.
        first, *rest = self.batch.close_steps()
        first()
        self.steps[:0] = [(lambda _c, fn=fn: fn(), [], None) for fn in rest]

    def _abandon(self):
        if self.batch is not None:
            # The step's own failure is the one to report, not one while closing.
            with contextlib.suppress(Exception):
                self.batch.abandon()

    def _finish(self):
        from .loading import show_everything

        try:
            if self.loaded:
                show_everything(self.app)
        except Exception as exc:
            return self.done(None, exc)
        # What this app shows no viewer for, said once for the whole load (one line per
        # kind, as one batch says it).
        self.done(_added(self.loaded, self.messages + self.hidden_messages), None)


def install_replacements():
    """glue-mast's guarded replacements of Jdaviz's slow steps, each following its setting as
    it is now: the unit-choice memo, the specutils parsers' quick answer and glue's quicker
    check of what changed for a layer, and glue's hub remembering a message's subscribers."""
    from . import hub_handlers, layer_changes, spectrum_parsers, unit_choices

    unit_choices.install()
    spectrum_parsers.install()
    layer_changes.install()
    hub_handlers.install()


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
