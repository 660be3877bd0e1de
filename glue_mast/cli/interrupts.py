"""Stopping a command from the terminal: Ctrl-C and SIGTERM stop a fetch tidily (manifest
written), and each command says what it leaves behind."""

from __future__ import annotations

import contextlib
import signal

__all__ = ["interrupted_message", "sigterm_interrupts"]

#: Signals that stopped the command (SIGTERM turns into a KeyboardInterrupt as SIGINT does).
_STOPPED_BY = []


@contextlib.contextmanager
def sigterm_interrupts():
    """While fetching, SIGTERM stops the fetch as Ctrl-C does: tidily, manifest written."""

    def stop(signum, frame):
        _STOPPED_BY.append(signum)
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread: leave the signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


#: What a command stopped by Ctrl-C leaves behind, for those that download nothing.
_STOPPED = {
    "search": "interrupted; the search was stopped, nothing was written",
    "catalog": "interrupted; the catalog query was stopped, nothing was written",
    "products": "interrupted; the product listing was stopped, nothing was written",
    "whoami": "interrupted; MAST's answer about the token was not awaited",
    "verify": "interrupted; the check was stopped before it had read every file, so it "
    "says nothing of them; nothing was changed on disk",
}


def interrupted_message(exc, command="fetch"):
    """The line for ``command`` stopped by Ctrl-C or SIGTERM, and the exit status."""
    from ..archive.fetch import FetchInterrupted

    status = 128 + signal.SIGTERM if signal.SIGTERM in _STOPPED_BY else 130
    _STOPPED_BY.clear()
    if command in _STOPPED:
        return _STOPPED[command], status
    result = exc.result if isinstance(exc, FetchInterrupted) else None
    if result is not None and result.manifest is not None:
        return (
            f"interrupted; files complete so far are in the manifest ({result.manifest.path}), "
            "partial ones are kept as .part and resumed by running the same command again"
        ), status
    return (
        "interrupted; stopped at once, so the manifest may not list every file completed; "
        "partial files are kept as .part and resumed by running the same command again"
    ), status
