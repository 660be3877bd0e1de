"""Jdaviz's ``batch_load()`` held open across the steps of a load, and closed in steps.

Inside ``app.batch_load()`` Jdaviz delays glue's link-manager update to the end of the batch
(once, not once per dataset), and defers the layer requests made at the batch's own level
(``set_data_visibility``, kept in the helper's ``pending_set_data_visibility``; a spectrum's
importer opens a batch of its own inside, so its layer is added at once, in one batch as in
steps). A load in steps (`glue_mast.jdaviz.sink`) that made each step a batch of its own
updated the links once per dataset, and each update recomputed the profile of every layer
already in the viewer: a step took longer the more datasets were loaded (0.15 s for the first
spectrum, 0.5 s for the twentieth), and the whole load about 1.5 times what one batch takes.

:class:`SteppedBatch` enters Jdaviz's own ``batch_load()`` context before the first step and
keeps it open while the datasets are added, one a step. It closes it in steps too: it takes the
deferred layer requests (if any) out of the helper, leaves the context (Jdaviz's own exit: the
link update and its ``ExitBatchLoadMessage``), and then makes each deferred
``set_data_visibility`` call, in Jdaviz's order, one a step. While it is open, the app's
dataset dropdowns are left as they were, and rebuilt once as it closes
(`glue_mast.jdaviz.dataset_lists`). The visible result
is that of one ``batch_load()``: the same data, links, layers (in the same order, so the same
colours), units and viewers.

It is used only when Jdaviz's ``batch_load`` and ``set_data_visibility`` are the code this was
written against (the SHA-256 of their sources: Jdaviz 5.0), when no batch is open already,
and while the ``stepped_batch_load`` setting is on (the default); otherwise each step is a
batch of its own, as before, and a declined use is logged once (logger ``glue_mast``).

Upstream, Jdaviz could offer this itself: a ``batch_load`` whose exit can be run in parts
(say ``helper.batch_load(deferred=list)`` filling ``list`` with the layer calls for the caller
to make), so that an interactive front end need not hold its kernel for the whole exit.
"""

from __future__ import annotations

from ..util import decline, source_sha256

__all__ = ["SteppedBatch", "usable"]

#: SHA-256 of the sources of Jdaviz's ``ConfigHelper.batch_load`` and
#: ``PrivateApplication.set_data_visibility`` (Jdaviz 5.0), one after the other.
JDAVIZ_BATCH_SHA256 = "2a621a2c8460052b4ac3295d99ee9b907cdc9953206e47510f264a26d4e0bd23"

SETTING = "stepped_batch_load"


def _host_sha256(helper):
    from jdaviz.core.helpers import ConfigHelper

    batch_load = getattr(ConfigHelper.batch_load, "__wrapped__", ConfigHelper.batch_load)
    return source_sha256(batch_load, type(helper._app).set_data_visibility)


def usable(helper):
    """Whether a load into ``helper`` (a Jdaviz app) may hold one batch across its steps."""
    from ..config import conf

    if not getattr(conf, SETTING):
        return False
    if not hasattr(helper, "pending_set_data_visibility") or not hasattr(helper, "_app"):
        return False
    sha = _host_sha256(helper)
    if sha != JDAVIZ_BATCH_SHA256:
        return decline(
            "jdaviz.core.helpers.ConfigHelper.batch_load (held open across a load's steps)",
            f"its source is not the one glue-mast was written against (SHA-256 {sha}); each "
            "step is a batch of its own",
            SETTING,
        )
    # A batch the caller already holds: its own exit shows everything; nothing to step.
    if getattr(helper, "_in_batch_load", 0):
        return False
    # Into an app that shows data already (a cube's spectrum, earlier spectra), Jdaviz's
    # spectrum importer picks a new spectrum's viewer from what it is linked to, which a batch
    # held open has not linked yet: it asks for no viewer at all, and the spectra would be
    # loaded but shown nowhere. Held open only for an app's first data; later loads step
    # with a batch each, as Jdaviz's own loads do.
    return not _shows_data(helper)


def _shows_data(helper):
    """Whether any viewer of the app shows a dataset."""
    for viewer in getattr(helper._app, "_viewer_store", {}).values():
        if any(getattr(layer, "layer", None) is not None for layer in viewer.layers):
            return True
    return False


class SteppedBatch:
    """One Jdaviz ``batch_load()`` over several steps (see the module doc).

    Parameters
    ----------
    helper : jdaviz helper (``jdaviz.App``)

    Examples
    --------
    ``open()`` before the first dataset; a step's ``app.load`` calls then join the batch
    (with no ``batch_load()`` of their own); ``close_steps()`` lists what closing takes, each
    a callable to run in its own step.
    """

    def __init__(self, helper):
        from . import dataset_lists

        self.helper = helper
        self._context = None
        self._pending = []
        # The app's dataset dropdowns, rebuilt once as the batch closes.
        self._lists = dataset_lists.QuietDatasetLists(helper) if dataset_lists.usable() else None

    @property
    def is_open(self):
        return self._context is not None

    def open(self):
        """Enter Jdaviz's ``batch_load()`` (its counter, glue's link-update delay)."""
        self._context = self.helper.batch_load()
        self._context.__enter__()
        if self._lists is not None:
            self._lists.pause()

    def close_steps(self):
        """The steps that close the batch, to run in order, each in a step of its own: the
        dataset dropdowns rebuilt (when they were quieted), leaving the batch (the link update,
        Jdaviz's exit message), then each deferred layer request, in Jdaviz's order."""
        first = [self._resume_lists] if self._lists is not None else []
        return first + [self._leave] + [self._show_next] * self._count_deferred()

    def _resume_lists(self):
        if self._lists is not None:
            self._lists.resume()

    def _count_deferred(self):
        # Counted before leaving: leaving moves them out of the helper (see _leave).
        helper = self.helper
        return len(helper.pending_set_data_visibility) + len(
            helper._delayed_show_in_viewer_labels
        )

    def _leave(self):
        """Leave the batch with no layer request left in the helper: Jdaviz's exit then
        updates the links and says the batch ended; the requests are made one a step."""
        helper = self.helper
        app = helper._app
        self._resume_lists()  # if not done in a step before
        pending = [dict(kwargs) for kwargs in helper.pending_set_data_visibility]
        # The requests made while the batch was open, as Jdaviz's exit makes them: those from
        # set_data_visibility first, then the viewers plugins asked for (shown, not replacing).
        pending += [
            {"viewer_reference": viewer, "data_label": label, "visible": True,
             "replace": False}
            for label, viewer in helper._delayed_show_in_viewer_labels.items()
        ]
        helper.pending_set_data_visibility = []
        helper._delayed_show_in_viewer_labels = {}
        self._pending = [(app, kwargs) for kwargs in pending]
        context, self._context = self._context, None
        context.__exit__(None, None, None)

    def _show_next(self):
        if self._pending:
            app, kwargs = self._pending.pop(0)
            app.set_data_visibility(**kwargs)

    def abandon(self):
        """Close the batch at once (after a failed step): Jdaviz's own exit, whole."""
        self._resume_lists()
        if self._context is not None:
            context, self._context = self._context, None
            context.__exit__(None, None, None)
        while self._pending:
            self._show_next()
