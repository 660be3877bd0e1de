"""Fault knobs of the local archive: the failures and oddities tests make it show."""

from __future__ import annotations

import threading
from dataclasses import dataclass

__all__ = ["Faults"]


@dataclass
class _Rule:
    times: int
    match: str | None
    params: dict


class Faults:
    """Fault knobs of the local archive; safe to change while it serves.

    Rules that take ``times`` apply to that many matching requests and are then used up.
    ``match`` is a substring of the request path plus query (for a download, the dataURI is in
    the query), or a Mashup service name for invoke requests; ``None`` matches every request
    the rule applies to.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        """Remove every fault, and end the stalls in progress."""
        stalls_over = getattr(self, "_stalls_over", None)
        if stalls_over is not None:
            stalls_over.set()
        self._stalls_over = threading.Event()
        with self._lock:
            #: Seconds added before answering every request.
            self.latency = 0.0
            #: Bytes per second for response bodies, per connection (None: unlimited).
            self.bandwidth = None
            self._rules: dict[str, list[_Rule]] = {}
            #: Redirect downloads to this base URL (another host), or None.
            self.redirect_downloads_to = None
            #: Redirect downloads with exactly this ``Location`` (``{path}`` is replaced by the
            #: request's path and query), e.g. one that parsers read differently; or None.
            self.redirect_location = None
            #: Which validators downloads carry: any of ``"etag"``, ``"last-modified"``.
            self.validators = ("etag", "last-modified")
            self._changes: dict[str, dict] = {}
            self._listed_sizes: dict[str, int] = {}

    def _add(self, kind, times, match, **params):
        with self._lock:
            self._rules.setdefault(kind, []).append(_Rule(times, match, params))

    def _take(self, kind, *keys):
        with self._lock:
            for rule in self._rules.get(kind, []):
                if rule.times > 0 and (
                    rule.match is None or any(k and rule.match in k for k in keys)
                ):
                    rule.times -= 1
                    return rule.params
        return None

    def error(self, status=503, *, retry_after=None, times=1, match=None, body=None):
        """Answer the next ``times`` matching requests with an HTTP error."""
        self._add("error", times, match, status=status, retry_after=retry_after, body=body)

    def drop(self, after_bytes, *, times=1, match=None):
        """Reset the connection after ``after_bytes`` of a download body."""
        self._add("drop", times, match, after_bytes=after_bytes)

    def truncate(self, keep_bytes, *, times=1, match=None, honest_length=False):
        """Send only ``keep_bytes`` of a download body.

        By default the ``Content-Length`` header still announces the full size and the
        connection is closed early (a short read). With ``honest_length=True`` the header
        announces the short length, so the response is complete as HTTP goes and only the
        product's known size can tell that the file is short.
        """
        self._add("truncate", times, match, keep_bytes=keep_bytes, honest=honest_length)

    def executing(self, polls, *, match=None):
        """Answer the next ``polls`` invoke requests with ``status: EXECUTING``."""
        self._add("executing", polls, match)

    def malformed_json(self, *, times=1, match=None):
        """Answer the next ``times`` invoke or columns-config requests with broken JSON."""
        self._add("malformed", times, match)

    def change_file(self, uri, *, after=1, data=None):
        """Serve other bytes for ``uri`` once ``after`` downloads of it have been answered.

        The new file has the same size (every byte inverted, unless ``data`` is given), a new
        ``ETag`` and a later ``Last-Modified``: as when MAST reprocesses a product between a
        dropped download and its resumption.
        """
        with self._lock:
            self._changes[uri] = {"after": after, "data": data, "seen": 0}

    def list_size(self, uri, size):
        """Make the product list give ``size`` for ``uri``, whatever size is served."""
        with self._lock:
            self._listed_sizes[uri] = int(size)

    def listed_size(self, uri, size):
        with self._lock:
            return self._listed_sizes.get(uri, size)

    def _served(self, uri, data, count):
        """The bytes served for ``uri`` now and their version number (0: the catalog's)."""
        with self._lock:
            change = self._changes.get(uri)
            if change is None:
                return data, 0
            if count:
                change["seen"] += 1
            if change["seen"] <= change["after"]:
                return data, 0
            new = change["data"]
            return (bytes(b ^ 0xFF for b in data) if new is None else new), 1

    def stall(self, seconds, *, times=1, match=None):
        """Wait ``seconds`` before answering the next ``times`` matching requests.

        :meth:`reset` ends a stall early.
        """
        self._add("stall", times, match, seconds=seconds)

    def stall_body(self, after_bytes, seconds, *, times=1, match=None):
        """Send ``after_bytes`` of a download body, then nothing for ``seconds``, then the rest.

        The connection stays open and quiet, as when a server hangs mid-transfer; :meth:`reset`
        ends a stall early.
        """
        self._add("stall_body", times, match, after_bytes=after_bytes, seconds=seconds)
