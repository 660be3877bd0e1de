"""glue's hub finding a message's handlers without going over every subscriber each time.

Every message broadcast on glue's ``Hub`` (``Hub._find_handlers``) goes over every subscriber
of the hub -- in a Jdaviz app about 250: plugins, their dropdowns, viewers, layers -- and over
each one's subscribed message classes, to find those subscribed to the message's class or one
of its bases. Adding one spectrum to a Jdaviz app broadcasts close to 300 messages, so a load
of 20 spectra makes this scan some 6,000 times: about a tenth of the load.

Which subscribers a message of a given class reaches, and through which of their subscribed
classes (the most specific one), changes only when a subscription changes. :func:`install`
puts in place a ``_find_handlers`` that remembers, per hub and message class, the subscribers
that had a matching subscription and the class chosen for each, in the hub's order; it is
forgotten whenever ``subscribe``, ``unsubscribe`` or ``unsubscribe_all`` is called on that hub.
Everything else is done per message, as glue does: each remembered subscription is looked up
again (its handler, filter and priority as they are now), its filter asked, and the handlers
sorted by priority. A subscriber that was garbage collected meanwhile is skipped (glue's
weak dictionary has dropped it too); a remembered subscription whose handler died meanwhile
(glue's container drops it) makes this message's handlers be found glue's way, and the memo
be made again. The handlers, and their order, are glue's.

Only when ``Hub._find_handlers``, ``subscribe``, ``unsubscribe`` and ``unsubscribe_all`` are
the code this was written against (the SHA-256 of their sources: glue-core 1.28), and while
the ``fast_hub_handlers`` setting is on (the default); otherwise glue's own methods run, and a
declined replacement is logged once (logger ``glue_mast``).

Upstream, glue's ``Hub`` could keep such an index itself, made again on each subscription
change.
"""

from __future__ import annotations

import weakref

from ..util import decline, source_sha256

__all__ = ["install", "installed", "uninstall"]

#: SHA-256 of the sources of glue's ``Hub._find_handlers``, ``Hub.subscribe``,
#: ``Hub.unsubscribe`` and ``Hub.unsubscribe_all`` (glue-core 1.28), one after the other.
GLUE_HUB_SHA256 = "36a760dad9d4a5acce1fb8f194727f4ebe369155b5fd5167eb071bfc9c118fac"

SETTING = "fast_hub_handlers"

_NAMES = ("_find_handlers", "subscribe", "unsubscribe", "unsubscribe_all")
#: Each hub's memo, {message class: [(subscriber ref, chosen class)]}; emptied whenever the
#: methods are put in place or taken out (a hub's subscriptions may change meanwhile).
_memos: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

_originals: dict = {}  # method name -> glue's own function, while ours is in place


def _hub():
    from glue.core.hub import Hub

    return Hub


def _own(name):
    return _originals.get(name, _hub().__dict__[name])


def _host_sha256():
    return source_sha256(*(_own(name) for name in _NAMES))


def _matching(hub, message_class):
    """(subscriber ref, chosen class) of each subscriber a ``message_class`` message reaches,
    in the hub's order, chosen as glue's ``_find_handlers`` chooses (the most specific)."""
    from glue.core.hub import _mro_count

    found = []
    for subscriber, subscriptions in list(hub._subscriptions.items()):
        # .keys(): iterating glue's HubCallbackContainer yields its handlers, not classes.
        keys = subscriptions.keys()
        messages = [msg for msg in keys if issubclass(message_class, msg)]
        if messages:
            found.append((weakref.ref(subscriber), max(messages, key=_mro_count)))
    return found


def _find_handlers(own):
    def find_handlers(self, message):
        memo = _memos.get(self)
        if memo is None:
            memo = _memos[self] = {}
        message_class = type(message)
        found = memo.get(message_class)
        if found is None:
            found = memo[message_class] = _matching(self, message_class)
        prioritized = []
        subscriptions = self._subscriptions
        for ref, candidate in found:
            subscriber = ref()
            if subscriber is None:
                continue  # garbage collected: glue's weak dictionary dropped it too
            container = subscriptions.get(subscriber)
            if container is None or candidate not in container:
                memo.clear()  # a subscription dropped without a call: glue's way, now
                yield from own(self, message)
                return
            handler, test, priority = container[candidate]
            if test(message):
                prioritized.append((subscriber, handler, priority))
        for subscriber, handler, _ in sorted(prioritized, key=lambda x: x[2], reverse=True):
            yield subscriber, handler

    find_handlers.__wrapped__ = own
    find_handlers.__doc__ = own.__doc__
    return find_handlers


def _forgetting(own):
    def method(self, *args, **kwargs):
        _memos.pop(self, None)
        return own(self, *args, **kwargs)

    method.__wrapped__ = own
    method.__doc__ = own.__doc__
    method.__name__ = own.__name__
    return method


def install():
    """Put the memo in place (see the module doc); calling it again changes nothing.

    Returns
    -------
    bool
        Whether it is in place now: False when the setting is off (which puts glue's own
        back) or when glue's hub is not the code this was written against.
    """
    from ..config import conf

    if not getattr(conf, SETTING):
        uninstall()
        return False
    if installed():
        return True
    sha = _host_sha256()
    if sha != GLUE_HUB_SHA256:
        return decline(
            "glue.core.hub.Hub._find_handlers",
            f"its source is not the one glue-mast was written against (SHA-256 {sha})",
            SETTING,
        )
    hub = _hub()
    _memos.clear()
    for name in _NAMES:
        own = hub.__dict__[name]
        _originals[name] = own
        setattr(hub, name, _find_handlers(own) if name == "_find_handlers" else _forgetting(own))
    return True


def installed():
    """True while the memo is in place."""
    return len(_originals) == len(_NAMES)


def uninstall():
    """Put glue's own methods back."""
    _memos.clear()
    hub = _hub()
    for name, own in list(_originals.items()):
        setattr(hub, name, own)
        del _originals[name]
