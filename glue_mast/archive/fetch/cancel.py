"""Stopping the transfers of one fetch at once, even those blocked on a silent socket.

A transfer waiting for the next bytes of a body sits in a blocking ``recv`` until the read
timeout (up to two minutes): no flag it might check is seen while it waits. So the cancel path
shuts the sockets down (``shutdown(SHUT_RDWR)`` wakes a thread blocked in ``recv`` on the same
socket: it returns end-of-file) and the transfer, seeing a broken connection and the cancel
flag, ends. A read with a short socket timeout would not do instead: after a timeout, the
buffered reader that ``http.client`` reads from refuses further reads ("cannot read from timed
out object").

:class:`Breaker` reaches the sockets through the connection classes of a ``requests`` adapter
(:meth:`Breaker.adapter`), so every connection a fetch's sessions open is known to it, and one
opened after the cancel is shut at once. It also guards the last step of a transfer, the rename
to the final name (:meth:`Breaker.committing`): once the fetch has wound up and written its
manifest, no transfer still running may put a file under its final name.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import weakref

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from ...errors import TransferCancelled

__all__ = ["Breaker", "TransferCancelled"]


class Breaker:
    """Sockets and renames of one fetch, for cancelling it from another thread."""

    def __init__(self):
        self._lock = threading.Lock()
        self._connections = weakref.WeakSet()
        self._tripped = False
        # Renames run side by side; the lock is held only to count them in and out, and
        # close() waits until none is under way (see committing).
        self._commits = threading.Condition(threading.Lock())
        self._renaming = 0
        self._closed = False
        #: Outcomes of the files renamed to their final names (see :meth:`committing`).
        self.committed = {}
        self._pools = None

    @property
    def tripped(self):
        return self._tripped

    def trip(self):
        """Shut every socket of the fetch; connections opened from now on are shut too."""
        with self._lock:
            self._tripped = True
            connections = list(self._connections)
        for connection in connections:
            _shutdown(getattr(connection, "sock", None))

    def _connected(self, connection):
        with self._lock:
            self._connections.add(connection)
            tripped = self._tripped
        if tripped:
            _shutdown(connection.sock)

    @contextlib.contextmanager
    def committing(self, outcome):
        """Hold the rename of ``outcome.file`` to its final name; raise if the fetch wound up.

        The body of the ``with`` renames the file and fills in ``outcome``; it is then recorded
        in :attr:`committed`, so the fetch can list it even if its worker never reports back.
        Renames of several files run at once: no lock is held while one is under way (a lock
        held over each rename was contended on three acquisitions in four), only a count that
        :meth:`close` waits on.
        """
        with self._commits:
            if self._closed:
                raise TransferCancelled
            self._renaming += 1
        try:
            yield
            with self._commits:
                self.committed[id(outcome.file)] = outcome
        finally:
            with self._commits:
                self._renaming -= 1
                if not self._renaming:
                    self._commits.notify_all()

    def close(self):
        """Allow no more renames (the fetch is writing its manifest), once those under way
        have ended."""
        with self._commits:
            self._closed = True
            self._commits.wait_for(lambda: not self._renaming)

    def adapter(self):
        """A ``requests`` adapter whose connections this breaker can shut."""
        return _BreakerAdapter(self)

    def pool_classes(self):
        """urllib3 pool classes (by scheme) whose connections report to this breaker."""
        if self._pools is None:
            self._pools = {
                "http": _watched_pool(HTTPConnectionPool, HTTPConnection, self),
                "https": _watched_pool(HTTPSConnectionPool, HTTPSConnection, self),
            }
        return self._pools


class _BreakerAdapter(HTTPAdapter):
    """requests' adapter, with connection pools whose every connection a breaker knows."""

    def __init__(self, breaker):
        self._pools = breaker.pool_classes()  # before __init__, which makes the pool manager
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._pools


def _watched_pool(pool_class, connection_class, breaker):
    def connect(connection):
        if breaker.tripped:  # cancelled: no new connection
            raise TransferCancelled
        connection_class.connect(connection)
        breaker._connected(connection)

    watched = type(connection_class.__name__, (connection_class,), {"connect": connect})
    return type(pool_class.__name__, (pool_class,), {"ConnectionCls": watched})


def _shutdown(sock):
    if sock is None:
        return
    # socket.socket.shutdown, not ssl.SSLSocket's: that one also drops the TLS object, under
    # the feet of the thread reading through it.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
