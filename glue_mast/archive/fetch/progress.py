"""Progress of a fetch: a tqdm bar on stderr, a callback, or nothing."""

from __future__ import annotations

import os
import threading

__all__ = ["Progress"]


class Progress:
    """Progress for a fetch: a tqdm bar, a callback, or nothing."""

    def __init__(self, progress, total_bytes, total_files):
        self.callback = progress if callable(progress) else None
        self.bar = None
        self._lock = threading.Lock()
        if progress is True:
            from tqdm.auto import tqdm

            self.bar = tqdm(
                total=total_bytes,
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                desc=f"Fetching {total_files} files",
                dynamic_ncols=True,
                disable=None,
            )
        self.event("start", files=total_files, bytes=total_bytes)

    def event(self, kind, **info):
        if self.callback is not None:
            with self._lock:
                self.callback({"event": kind, **info})

    def advance(self, nbytes, file):
        if self.bar is not None:
            self.bar.update(nbytes)
        self.event("bytes", bytes=nbytes, path=os.fspath(file.path))

    def done(self, outcome):
        self.event(
            "file",
            status=outcome.status,
            path=os.fspath(outcome.file.path),
            uri=outcome.file.uri,
            message=outcome.message,
        )

    def close(self):
        if self.bar is not None:
            self.bar.close()
        self.event("end")
