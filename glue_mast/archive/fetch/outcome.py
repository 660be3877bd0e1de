"""What a fetch decided and what happened to each file: plain records, no I/O."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Collected", "FetchPlan", "FileOutcome", "FileStatus", "PlannedFile"]


class FileStatus(str, enum.Enum):
    """What happened to one file of a fetch."""

    DOWNLOADED = "downloaded"
    CACHED = "cached"  # already complete on disk: no request
    SKIPPED = "skipped"  # exclusive access and no token
    FAILED = "failed"
    CANCELLED = "cancelled"

    def __str__(self):
        return self.value


@dataclass
class PlannedFile:
    """One file to fetch: where from, where to, and what it must be."""

    uri: str
    url: str
    path: Path
    size: int | None
    record: dict
    exclusive: bool = False
    sha256: str | None = None  # known only when reproducing a manifest
    #: ``s3://...`` when ``url`` is a cloud copy's (:mod:`.cloud`); None for MAST's own URL.
    origin: str | None = None
    #: Its size on disk, when planning found it complete there.
    on_disk: int | None = None
    #: Whether ``path`` is its own resolved form (planned below a resolved directory, with no
    #: symbolic link on the way): the manifest's key for it, with no walk of its components.
    resolved: bool = False

    @property
    def part(self):
        return self.path.with_name(self.path.name + ".part")


@dataclass
class FileOutcome:
    """What happened to one file."""

    file: PlannedFile
    status: FileStatus
    message: str = ""
    sha256: str | None = None
    requests: int = 0
    resumed_from: list = field(default_factory=list)
    seconds: float = 0.0
    downloaded_at: str | None = None
    #: The product list's size, when the server served (completely) another size.
    listed_size: int | None = None
    #: The ETag the server gave for the bytes kept (the first response's, when resumed).
    etag: str | None = None
    #: Bytes of the file as it arrived (a downloaded file).
    size: int | None = None


@dataclass
class FetchPlan:
    """Files a fetch would download, those already on disk, and those it must skip."""

    download_dir: Path
    to_fetch: list
    cached: list
    skipped: list
    server: str
    #: Where the fetch writes its manifest (None: no manifest).
    manifest_path: Path | None = None
    #: The manifest already at ``manifest_path`` when planning read it (its checksums told
    #: complete files), which the fetch's records are merged into; None if there was none.
    previous: object = None
    #: ``manifest_path``'s identity when ``previous`` was read from it (see
    #: :func:`~.plan.manifest_stamp`); None when unknown: the fetch reads the manifest again
    #: once it holds the directory's lock.
    manifest_stamp: object = None

    @property
    def fetch_size(self):
        return sum(f.size or 0 for f in self.to_fetch)

    @property
    def not_on_disk(self):
        """Files not yet on disk: to fetch now, or once a token is at hand."""
        return self.to_fetch + self.skipped


@dataclass
class Collected:
    """What the transfers of a fetch came to: an outcome per file, and whether it was cut."""

    outcomes: list
    cancelled: bool
    #: The :class:`~.progress.ByteCounter` the transfers counted their bytes in.
    counter: object
    seconds: float
