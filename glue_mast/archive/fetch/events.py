"""Progress events of a fetch: frozen records a front end can show, log or ignore.

A listener (``progress=`` of :func:`~glue_mast.archive.fetch.start_fetch`, or
:meth:`FetchJob.add_progress_callback <glue_mast.jobs.Job.add_progress_callback>`) receives, in
this order:

- one :class:`FetchStarted`, with the totals;
- :class:`BytesReceived` at most about 10 times a second, each with cumulative totals, so an
  event dropped by the throttle (or ignored by a busy listener) loses nothing;
- one :class:`FileFinished` per file the fetch tried, never dropped;
- one :class:`FetchEnded`, never dropped, also when the fetch was cancelled.

Events are delivered on the fetch job's own thread, never on a transfer's, with no lock held:
a slow listener delays the next events, not the downloads. A GUI hands each event to its event
loop (Qt: a queued signal; Jupyter: the kernel's IOLoop) before touching a widget.
"""

from __future__ import annotations

from dataclasses import dataclass

from .outcome import FileStatus

__all__ = ["BytesReceived", "FetchEnded", "FetchEvent", "FetchStarted", "FileFinished"]


@dataclass(frozen=True)
class FetchEvent:
    """Base of the progress events of a fetch."""


@dataclass(frozen=True)
class FetchStarted(FetchEvent):
    """The fetch begins: what it will download, and what it will not."""

    #: Files to download.
    files: int
    #: Their total size in bytes, as MAST lists it (0 for sizes it does not list).
    bytes: int
    #: Files already complete on disk (no request).
    cached: int = 0
    #: Exclusive-access files skipped for want of a token.
    skipped: int = 0


@dataclass(frozen=True)
class BytesReceived(FetchEvent):
    """Bytes have arrived. ``path`` and ``uri`` name the file that received the latest."""

    path: str
    uri: str
    #: Bytes of every file of the fetch on disk so far (a resumed file counts what it had),
    #: out of ``bytes_total``.
    bytes_done: int
    bytes_total: int
    #: Bytes of this file on disk so far, out of ``file_total`` (None if MAST lists no size).
    file_done_bytes: int
    file_total: int | None


@dataclass(frozen=True)
class FileFinished(FetchEvent):
    """One file is done with: downloaded, failed or cancelled."""

    path: str
    uri: str
    status: FileStatus
    #: Why it failed or was cancelled; empty when downloaded.
    message: str
    #: Files of the fetch finished so far, out of ``files_total``.
    files_done: int
    files_total: int


@dataclass(frozen=True)
class FetchEnded(FetchEvent):
    """The fetch is over and its manifest written (if it has one)."""

    downloaded: int
    cached: int
    skipped: int
    #: Files not complete: failed, or cut off by the cancel (as ``FetchResult.failed``).
    failed: int
    #: True if it was cancelled; what was complete by then is in the manifest.
    cancelled: bool
    bytes_done: int
    seconds: float
    #: Where the manifest was written, or None.
    manifest: str | None
