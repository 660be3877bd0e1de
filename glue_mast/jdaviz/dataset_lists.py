"""Jdaviz's dataset dropdowns, rebuilt once at the end of a load's batch instead of three
times per spectrum.

Each of the thirty or so dataset dropdowns of a Jdaviz app (``DatasetSelect``: one per plugin
that offers a choice of dataset) rebuilds its whole list of datasets whenever a dataset is
added to the data collection (``DataCollectionAddMessage``), whenever one is added to a viewer
(``AddDataMessage``), and whenever the app's layer icons change (a callback on the app state's
``layer_icons``), which they do right after a dataset is added to a viewer. So each spectrum of
a load rebuilds every dropdown three times, each rebuild going over every dataset loaded so
far: about a fifth of a 20-spectrum load, and a cost that grows as the square of the spectra.

A dropdown's rebuild (``DatasetSelect._update_items``) does not look at what triggered it: it
lists the data collection's datasets as they are then, with their layer icons. While glue-mast's
stepped batch (`glue_mast.jdaviz.batch_steps`) is open, :class:`QuietDatasetLists` takes the
app's dropdowns off those two messages and off the layer-icon change, and when the batch closes
puts each back where it was (the same handlers; the layer-icon callback at its own place among
the app state's callbacks, so they run in Jdaviz's order) and rebuilds each once. The lists,
icons and selections are then those of Jdaviz's own load; during the load's steps (a second or
two) the dropdowns still list the datasets the app had before it.

Only the dropdowns that are ``DatasetSelect`` itself (not a subclass, which may rebuild
differently) are quieted, only when ``DatasetSelect.__init__`` and ``_update_items`` are the
code this was written against (the SHA-256 of their sources: Jdaviz 5.0), and only while the
``quiet_dataset_lists`` setting is on (the default); otherwise the dropdowns rebuild as Jdaviz
has them, and a declined use is logged once (logger ``glue_mast``).

Upstream, ``DatasetSelect`` could rebuild once per dataset (its own comment: "future
improvement: don't recreate the entire list when msg is passed"), e.g. by subscribing to the
layer-icon change alone, or defer its rebuilds inside ``batch_load()`` to the batch's end.
"""

from __future__ import annotations

from ..util import decline, source_sha256

__all__ = ["QuietDatasetLists", "usable"]

#: SHA-256 of the sources of Jdaviz's ``DatasetSelect.__init__`` and
#: ``DatasetSelect._update_items`` (``jdaviz.core.template_mixin``, Jdaviz 5.0).
JDAVIZ_DATASET_SELECT_SHA256 = "f2977125cf1cf9d9c5341db4f7e49dbef70b3e3cb13e6d37068135a92cb52ca2"

SETTING = "quiet_dataset_lists"


def _host_sha256():
    from jdaviz.core.template_mixin import DatasetSelect

    update = DatasetSelect.__dict__["_update_items"]
    update = getattr(update, "func", update)  # traitlets' @observe wraps the function
    return source_sha256(DatasetSelect.__init__, update)


def _messages():
    from glue.core.message import DataCollectionAddMessage
    from jdaviz.core.events import AddDataMessage

    return (DataCollectionAddMessage, AddDataMessage)


def usable():
    """Whether the app's dataset dropdowns may be quieted during a load's batch."""
    from ..config import conf

    if not getattr(conf, SETTING):
        return False
    sha = _host_sha256()
    if sha != JDAVIZ_DATASET_SELECT_SHA256:
        return decline(
            "jdaviz.core.template_mixin.DatasetSelect's rebuild on each data message",
            f"its source is not the one glue-mast was written against (SHA-256 {sha})",
            SETTING,
        )
    return True


class QuietDatasetLists:
    """The dataset dropdowns of one Jdaviz app, off the data messages for a while.

    Parameters
    ----------
    helper : jdaviz helper (``jdaviz.App``)
    """

    def __init__(self, helper):
        self.app = helper._app
        self._quieted = []  # (dropdown, [(message class, handler)])
        self._icon_callbacks = []  # (stand-in, Jdaviz's entry) in the layer-icon callbacks

    def pause(self):
        """Take the app's dropdowns off the data-collection and viewer add messages, and off
        the layer-icon change."""
        from jdaviz.core.template_mixin import DatasetSelect

        hub = self.app.hub
        selects = set()  # their ids: a dropdown compares equal to its selection (its __eq__)
        for subscriber in list(getattr(hub, "_subscriptions", {}).keys()):
            if type(subscriber) is not DatasetSelect or subscriber._app is not self.app:
                continue
            selects.add(id(subscriber))
            handlers = []
            for message in _messages():
                handler = hub.get_handler(subscriber, message)
                if handler is not None:
                    handlers.append((message, handler))
                    hub.unsubscribe(subscriber, message)
            self._quieted.append((subscriber, handlers))
        self._pause_icon_callbacks(selects)

    def _icon_container(self):
        state = self.app.state
        return type(state).layer_icons._callbacks.get(state)

    def _pause_icon_callbacks(self, selects):
        """Stand in for each dropdown's layer-icon callback (``DatasetSelect.__init__``'s
        ``lambda _: self._update_items()``), at its place in the app state's callbacks."""
        container = self._icon_container()
        if container is None:
            return
        for i, entry in enumerate(container.callbacks):
            if len(entry) != 2 or id(_dropdown_of(entry[0])) not in selects:
                continue
            stand_in = (_pass, entry[1])
            container.callbacks[i] = stand_in
            self._icon_callbacks.append((stand_in, entry))

    def _resume_icon_callbacks(self):
        container = self._icon_container()
        paused, self._icon_callbacks = self._icon_callbacks, []
        if container is None:
            return
        for stand_in, entry in paused:
            for i, current in enumerate(container.callbacks):
                if current is stand_in:
                    container.callbacks[i] = entry
                    break

    def resume(self):
        """Put them back on those messages and the layer-icon change, as Jdaviz had them,
        and rebuild each once."""
        hub = self.app.hub
        self._resume_icon_callbacks()
        quieted, self._quieted = self._quieted, []
        for subscriber, handlers in quieted:
            if subscriber not in hub._subscriptions:  # its plugin was removed meanwhile
                continue
            for message, handler in handlers:
                hub.subscribe(subscriber, message, handler=handler)
            subscriber._update_items()


def _pass(*args):
    """Stands in for a dropdown's layer-icon callback while it is quieted."""


def _dropdown_of(callback):
    """The ``DatasetSelect`` whose layer-icon callback ``callback`` is, else None."""
    if getattr(callback, "__qualname__", None) != "DatasetSelect.__init__.<locals>.<lambda>":
        return None
    cells = callback.__closure__ or ()
    return cells[0].cell_contents if len(cells) == 1 else None
