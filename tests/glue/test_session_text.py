"""A session's text is glue's own, written with the cyclic collector paused (and restored)."""

import gc

from glue.core import Data, DataCollection
from glue.core.state import GlueSerializer

from glue_mast.glue.session import session_text


def _collection():
    return DataCollection([Data(x=[1, 2, 3], label=f"d{i}") for i in range(3)])


def test_the_text_is_glues_and_the_collector_runs_again_after():
    dc = _collection()
    assert gc.isenabled()
    text = session_text(GlueSerializer(dc))
    assert gc.isenabled()
    assert text == GlueSerializer(dc).dumps(indent=2)


def test_a_collector_the_caller_paused_stays_paused():
    gc.disable()
    try:
        session_text(GlueSerializer(_collection()))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_is_paused_while_glue_writes(monkeypatch):
    states = []
    original = GlueSerializer.dumps

    def dumps(self, *args, **kwargs):
        states.append(gc.isenabled())
        return original(self, *args, **kwargs)

    monkeypatch.setattr(GlueSerializer, "dumps", dumps)
    session_text(GlueSerializer(_collection()))
    assert states == [False] and gc.isenabled()
