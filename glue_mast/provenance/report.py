"""What checking files against their records found: :class:`VerifyReport`.

:meth:`~.manifest.Manifest.verify` and :meth:`~.session_files.SessionFiles.verify` fill one,
a file at a time (:meth:`VerifyReport.check`). The SHA-256 of a file is computed here, or
given (``digest=``) by whoever computed it elsewhere: a Dask cluster's workers, reading the
same shared disk (``glue_mast.archive.fetch.cluster``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..util import sha256_of
from .entries import strictly_inside

__all__ = ["VerifyReport"]


@dataclass
class VerifyReport:
    """The result of :meth:`Manifest.verify`."""

    ok: list = field(default_factory=list)
    missing: list = field(default_factory=list)
    wrong_size: list = field(default_factory=list)
    wrong_checksum: list = field(default_factory=list)
    #: Datasets whose file could not be looked at (an OS error: too long a name, no access).
    unreadable: list = field(default_factory=list)
    #: Datasets whose path leads out of the manifest's directory (through a link): not read.
    outside: list = field(default_factory=list)
    #: Files whose record cannot vouch for them: recorded with no SHA-256 (or, for a check of
    #: sizes only, no size). glue-mast's own manifests record a checksum for every file whose
    #: bytes were checked; a Jdaviz session, or a manifest written by hand, may not.
    unchecked: list = field(default_factory=list)
    #: Files a fetch planned and did not finish (the manifest's ``incomplete``).
    incomplete: list = field(default_factory=list)
    #: Files a reproduce fetched for the first time (a fetch had left them incomplete): whole
    #: and recorded now, but with no earlier checksum to be identical to. Not a problem.
    finished: list = field(default_factory=list)

    @property
    def problems(self):
        """Datasets that are missing, wrong, outside the manifest's directory, unchecked, or
        left incomplete by a fetch."""
        return (
            self.missing
            + self.wrong_size
            + self.wrong_checksum
            + self.unreadable
            + self.outside
            + self.unchecked
            + self.incomplete
        )

    @property
    def total(self):
        """How many files were judged (each once)."""
        return len(self.ok) + len(self.finished) + len(self.problems)

    def __bool__(self):
        return not self.problems

    def check(
        self, record, path, shown, *, checksums=True, source="the manifest", root=None, digest=None
    ):
        """Check one file against its record, and list ``shown`` where it belongs.

        Parameters
        ----------
        record : dict
            The file's record: its ``size`` and ``sha256``, where known.
        path : path-like
            Where the file is. Links are followed before the check and the file is read where
            they lead: a link planted after the record was read must not make this a checksum
            oracle for files elsewhere.
        shown : dict
            What the report lists for the file (the record, with its path as people see it).
        checksums : bool
            Compare SHA-256 too, not sizes alone.
        source : str
            What the record is in ("the manifest", "the session"), for the reason of a file
            that cannot be checked.
        root : path-like, optional
            A directory the file must be strictly inside; one that is not is not read.
        digest : callable, optional
            ``digest(path)`` gives the SHA-256 of the file at ``path`` (resolved), computed
            elsewhere (default: read here); an OSError it raises lists the file unreadable.
        """
        try:
            path = Path(path).resolve()
            if root is not None and not strictly_inside(path, root):
                self.outside.append(dict(shown, target=os.fspath(path)))
            elif not path.is_file():
                self.missing.append(shown)
            elif record.get("size") is not None and path.stat().st_size != record["size"]:
                self.wrong_size.append(shown)
            elif checksums and not record.get("sha256"):
                self.unchecked.append(dict(shown, reason=f"{source} records no sha256"))
            elif checksums and (digest or sha256_of)(path) != record["sha256"]:
                self.wrong_checksum.append(shown)
            elif not checksums and record.get("size") is None:
                self.unchecked.append(dict(shown, reason=f"{source} records no size"))
            else:
                self.ok.append(shown)
        except (OSError, RuntimeError) as exc:  # RuntimeError: a loop of links
            reason = getattr(exc, "strerror", None) or str(exc)
            self.unreadable.append(dict(shown, reason=reason))

    def lines(self):
        """One line per problem, for people."""
        out = [f"missing: {d['path']} ({d['dataURI']})" for d in self.missing]
        out += [f"wrong size: {d['path']} (expected {d['size']} bytes)" for d in self.wrong_size]
        out += [
            f"wrong checksum: {d['path']} (expected sha256 {d['sha256']})"
            for d in self.wrong_checksum
        ]
        out += [f"cannot read: {d['path']} ({d['reason']})" for d in self.unreadable]
        out += [
            f"outside the directory: {d['path']} (leads to {d['target']}); not read"
            for d in self.outside
        ]
        out += [f"not checked: {d['path']} ({d['reason']})" for d in self.unchecked]
        out += [
            f"incomplete: {d['path']} ({d['dataURI']}): the fetch that planned it did not finish"
            f" it ({d.get('status') or 'interrupted'}); reproduce the manifest to finish it"
            for d in self.incomplete
        ]
        out += [
            f"finished: {d['path']} (fetched now; no earlier checksum to compare with)"
            for d in self.finished
        ]
        return out

    def __repr__(self):
        return (
            f"<VerifyReport {len(self.ok)} ok, {len(self.missing)} missing, "
            f"{len(self.wrong_size)} wrong size, {len(self.wrong_checksum)} wrong checksum, "
            f"{len(self.unreadable)} unreadable, {len(self.outside)} outside, "
            f"{len(self.unchecked)} unchecked, {len(self.incomplete)} incomplete, "
            f"{len(self.finished)} finished>"
        )
