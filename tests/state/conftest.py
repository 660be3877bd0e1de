"""Helpers for the state tests: request counts from the local archive's log, settling jobs."""

import time

import pytest

INVOKE = "/api/v0/invoke"


def _invokes(archive, service=None, columns=None):
    out = []
    for r in archive.requests(path=INVOKE):
        if service is not None and r.service != service:
            continue
        if columns is not None and (r.request or {}).get("params", {}).get("columns") != columns:
            continue
        out.append(r)
    return out


def _settle(*states, timeout=20):
    """Wait until no state is busy (its jobs ended and their results landed)."""
    deadline = time.monotonic() + timeout
    while any(s.busy for s in states):
        if time.monotonic() > deadline:
            raise AssertionError(f"still busy after {timeout} s: {states}")
        time.sleep(0.005)


class QueuedDispatch:
    """A dispatcher like a front end's: calls are queued and run when the test drains them."""

    def __init__(self):
        import queue

        self.calls = queue.Queue()

    def __call__(self, fn):
        self.calls.put(fn)

    def take(self):
        """Every call queued so far, without running them."""
        out = []
        while not self.calls.empty():
            out.append(self.calls.get())
        return out

    def drain(self):
        for fn in self.take():
            fn()


@pytest.fixture
def queued():
    return QueuedDispatch()


@pytest.fixture
def invokes(local_mast):
    """``invokes(service=None, columns=None)``: portal requests in the archive's log."""
    return lambda service=None, columns=None: _invokes(local_mast, service, columns)


@pytest.fixture
def settle():
    """``settle(*states)``: wait until no state is busy (jobs ended, results landed)."""
    return _settle
