"""glue_mast.jdaviz.hub_handlers: glue's hub remembers which subscribers a message class
reaches, and finds the same handlers, in the same order, as glue's own."""

import gc
import logging
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("jdaviz")

from glue.core.hub import Hub, HubListener
from glue.core.message import Message

import glue_mast
from glue_mast.config import conf
from glue_mast.io.described import read_fetched
from glue_mast.jdaviz import hub_handlers
from glue_mast.jdaviz.sink import JdavizSink
from glue_mast.state.load import DescribedRead

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def host_only():
    """glue's own hub for the test; the replacement as it was afterwards."""
    was = hub_handlers.installed()
    hub_handlers.uninstall()
    yield {name: Hub.__dict__[name] for name in hub_handlers._NAMES}
    if was:
        hub_handlers.install()


class DataMessage(Message):
    """A message class with a base of its own (Message)."""


class SubsetMessage(Message):
    """Another one, filtered on below."""


class Listener(HubListener):
    def __init__(self, name, seen):
        self.name, self.seen = name, seen

    def notify(self, message):
        self.seen.append((self.name, type(message).__name__))


class Other(HubListener):
    def __init__(self, seen):
        self.seen = seen

    def handle(self, message):
        self.seen.append(("other's handler", type(message).__name__))


def _comparable(found):
    """(subscriber, handler) pairs with glue's bound handlers (made anew at each call, as
    ``functools.partial`` objects) as their function and instance."""
    return [(s, (h.func, h.args) if hasattr(h, "func") else h) for s, h in found]


def _handlers(hub, message, own):
    return _comparable(own(hub, message))


def test_the_same_handlers_in_the_same_order_as_subscriptions_change(host_only):
    own = host_only["_find_handlers"]
    assert hub_handlers.install()
    hub, seen = Hub(), []
    a, b, c = (Listener(n, seen) for n in "abc")
    hub.subscribe(a, Message)
    hub.subscribe(b, DataMessage, priority=20)
    hub.subscribe(b, Message)  # the more specific one is chosen for a DataMessage
    hub.subscribe(c, SubsetMessage, filter=lambda m: m.tag == "yes")
    messages = [Message(None), DataMessage(None), SubsetMessage(None, tag="yes"),
                SubsetMessage(None, tag="no")]

    def same():
        for message in messages:
            fast = _comparable(hub._find_handlers(message))
            assert fast == _handlers(hub, message, own), message
        return [(s.name if hasattr(s, "name") else s) for s, _ in
                hub._find_handlers(messages[2])]

    assert same() == ["a", "b", "c"]
    hub.unsubscribe(b, Message)  # b now takes DataMessage only
    assert same() == ["a", "c"]
    hub.unsubscribe_all(a)
    assert same() == ["c"]
    d = Listener("d", seen)
    hub.subscribe(d, Message, priority=30)  # a new subscriber is reached at once
    assert same() == ["d", "c"]
    del d
    gc.collect()  # a garbage-collected subscriber is skipped, as glue's weak dictionary does
    assert same() == ["c"]


def test_a_handler_that_died_is_dropped_as_glue_drops_it(host_only):
    own = host_only["_find_handlers"]
    assert hub_handlers.install()
    hub, seen = Hub(), []
    a = Listener("a", seen)
    other = Other(seen)
    hub.subscribe(a, DataMessage, handler=other.handle)  # a handler bound to another object
    hub.subscribe(a, Message)
    message = DataMessage(None)
    hub.broadcast(message)
    assert seen == [("other's handler", "DataMessage")]
    del other
    gc.collect()  # glue's container drops the subscription to DataMessage
    assert _comparable(hub._find_handlers(message)) == _handlers(hub, message, own)
    seen.clear()
    hub.broadcast(message)
    assert seen == [("a", "DataMessage")]  # through its Message subscription, as in glue


def _fetched(tmp_path):
    observations = glue_mast.search(target="TW Hya", radius="0.02 deg").all()
    chosen = observations[np.isin(observations["obs_id"], ["LB4M01010"])]
    products = glue_mast.products(chosen, mrp_only=False)
    datasets, unreadable = read_fetched(glue_mast.fetch(products, download_dir=tmp_path / "f"))
    assert not unreadable and len(datasets) == 4
    return DescribedRead(datasets)


def test_every_message_of_a_load_finds_glues_handlers(host_only, local_mast, tmp_path,
                                                      monkeypatch):
    import jdaviz

    own = host_only["_find_handlers"]
    assert hub_handlers.install()
    fast = Hub.__dict__["_find_handlers"]
    differing, checked = [], []

    def compared(self, message):
        found = list(fast(self, message))
        if _comparable(found) != _handlers(self, message, own):
            differing.append(type(message).__name__)
        checked.append(type(message))
        yield from found

    monkeypatch.setattr(Hub, "_find_handlers", compared)
    monkeypatch.setattr(hub_handlers, "install", lambda: True)  # keep the comparison in place
    app = jdaviz.App()
    queued = []
    JdavizSink(app, dispatch_next=queued.append).add_in_steps(_fetched(tmp_path),
                                                              lambda *a: None)
    while queued:
        queued.pop(0)()
    assert len(app.datasets) == 4
    assert differing == []
    names = {message.__name__ for message in checked}
    assert {"DataCollectionAddMessage", "AddDataMessage", "ExitBatchLoadMessage"} <= names
    assert len(checked) > 100 and len(names) > 10


def test_a_changed_hub_is_left_alone_and_logged_once(host_only, monkeypatch, caplog):
    monkeypatch.setattr(hub_handlers, "GLUE_HUB_SHA256", "0" * 64)  # as if glue changed
    monkeypatch.setattr("glue_mast.util._declined", set())
    with caplog.at_level(logging.WARNING, logger="glue_mast"):
        assert hub_handlers.install() is False
        assert hub_handlers.install() is False
    assert Hub.__dict__["_find_handlers"] is host_only["_find_handlers"]
    declined = [r for r in caplog.records if "_find_handlers" in r.getMessage()]
    assert len(declined) == 1 and "fast_hub_handlers" in declined[0].getMessage()


def test_the_setting_turns_it_off_and_puts_glues_back(host_only):
    assert hub_handlers.install() and hub_handlers.installed()
    with conf.set_temp("fast_hub_handlers", False):
        assert hub_handlers.install() is False
        assert all(Hub.__dict__[name] is own for name, own in host_only.items())
    assert hub_handlers.install() and hub_handlers.install()  # idempotent
    hub_handlers.uninstall()
    assert all(Hub.__dict__[name] is own for name, own in host_only.items())


def test_a_memo_made_before_it_was_taken_out_is_not_used_after(host_only):
    assert hub_handlers.install()
    hub, seen = Hub(), []
    a = Listener("a", seen)
    hub.subscribe(a, Message)
    hub.broadcast(Message(None))  # remembered
    hub_handlers.uninstall()
    b = Listener("b", seen)
    hub.subscribe(b, Message)  # glue's own subscribe: no memo to forget
    assert hub_handlers.install()
    seen.clear()
    hub.broadcast(Message(None))
    assert seen == [("a", "Message"), ("b", "Message")]


#: glue's own tests of its hub and of what talks through it.
HOST_TESTS = [
    "glue.core.tests.test_hub",
    "glue.core.tests.test_data_collection",
    "glue.core.tests.test_subset",
    "glue.core.tests.test_link_manager",
]


def test_glues_own_tests_pass_with_it(tmp_path):
    code = textwrap.dedent(
        f"""
        import sys
        import pytest
        from glue_mast.jdaviz import hub_handlers

        assert hub_handlers.install()
        status = pytest.main({HOST_TESTS!r} + [
            "--pyargs", "-q", "-p", "no:cacheprovider", "-W", "ignore", "-o", "addopts=",
        ])
        assert hub_handlers.installed()
        sys.exit(status)
        """
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), *sys.path]))
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=900,
    )
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    last = out.stdout.strip().splitlines()[-1]
    assert re.search(r"\d+ passed", last) and "failed" not in last, last
