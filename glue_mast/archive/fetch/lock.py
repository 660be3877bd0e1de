"""One writer at a time in a download directory: a lock held for the whole of a fetch.

Two fetches into one directory (two terminals, a script beside a viewer) would otherwise write
the same ``.part``, rename a file the other is still appending to, and each write a manifest
without the other's files. A fetch therefore holds an exclusive ``flock`` on
:data:`~.layout.LOCK_NAME` in its directory (and in the manifest's, when that is another) from
before its first write until its manifest is written; a second fetch waits for it, then takes
what the first completed as on disk (:func:`~.plan.complete_on_disk`, against the manifest as it
is now) and merges its files into that manifest.

Taking the lock is also where a directory that cannot be written is found out: one clear
:class:`~glue_mast.errors.StorageError` (an InputError and an OSError), before anything is
attempted.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from ...errors import StorageError
from .layout import LOCK_NAME

try:
    import fcntl
except ImportError:  # Windows: no flock; a fetch there is not guarded against another
    fcntl = None

__all__ = ["DirectoryLock"]


class DirectoryLock:
    """An exclusive lock on each of ``directories``, taken deepest first.

    Parameters
    ----------
    directories : iterable of path-like
        Created if need be.
    cancel : `threading.Event`, optional
        While waiting for another fetch to finish, a set event stops the wait:
        :meth:`acquire` then returns False.
    poll : float
        Seconds between attempts while another fetch holds a lock.
    """

    def __init__(self, directories, *, cancel=None, poll=0.1):
        unique = {Path(d).resolve() for d in directories}
        # One order for every fetch (deepest first), so two fetches never wait on each other.
        self.directories = sorted(unique, key=lambda p: (-len(p.parts), str(p)))
        self.cancel = cancel
        self.poll = poll
        self._fds = []

    def open(self):
        """Create the directories and lock files: a StorageError if one cannot be written."""
        if not self._fds:
            self._fds = [_open_lock_file(d) for d in self.directories]
        return self

    def acquire(self):
        """Take every lock (waiting for another fetch); False if cancelled while waiting."""
        self.open()
        if fcntl is None:
            return True
        for fd in self._fds:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    # Another fetch writes here: wait for it, in steps, to see a cancel.
                    if self.cancel is None:
                        time.sleep(self.poll)
                    elif self.cancel.wait(self.poll):
                        self.release()
                        return False
        return True

    def release(self):
        """Give up every lock (closing the descriptors releases their flocks)."""
        while self._fds:
            os.close(self._fds.pop())

    def __enter__(self):
        self.acquire()
        return self

    def __exit__(self, *exc):
        self.release()


def _open_lock_file(directory):
    if directory.exists() and not directory.is_dir():
        raise StorageError(
            f"{directory} is a file, not a directory; choose a directory to download into",
            path=directory,
        )
    try:
        directory.mkdir(parents=True, exist_ok=True)
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
        return os.open(directory / LOCK_NAME, flags, 0o644)
    except OSError as exc:
        raise StorageError(
            f"cannot write in {directory}: {exc.strerror or exc}; "
            "choose a directory you can write to",
            path=directory,
            cause=exc,
        ) from None
