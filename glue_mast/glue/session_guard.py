"""Checking a received glue session before glue reads it.

A glue session (``analysis.glu``) names the files its datasets are read from (glue's
``LoadLog`` records, paths relative to the session) and the classes and functions that read
them. glue follows both blindly: a LoadLog path of ``../../outside/x1d.fits``, an absolute
path, or a path beside the real one (``st__mast_data/...``: glue reads LoadLog paths as they
are written) would be read and labelled as the dataset the session says it is.

Before glue sees a session, :func:`check_session`:

1. reads it as a JSON object (one line otherwise, never a traceback);
2. refuses names outside glue's and glue-mast's own classes and loaders
   (:mod:`glue_mast.glue.session_names`);
3. refuses LoadLog paths that are not text, hold NUL or characters that are not text, or
   lead outside the session's folder once symbolic links are followed;
4. with ``check`` (the default), refuses paths the session's manifest
   (``analysis.provenance.json``) does not record, and files whose size or SHA-256 differs
   from that record. A record with no SHA-256 is not refused but reported as not checked
   (:class:`SessionCheck`), as is every file of a restore with ``check=False``.

The session's text that was checked is the text glue is given, so the file cannot change in
between.
"""

from __future__ import annotations

import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from .session import LOCAL_FILES, manifest_path_for
from .session_names import FUNCTION_TYPES, check_names, is_loader

__all__ = [
    "LOCAL_FILES",
    "CheckedSession",
    "SessionCheck",
    "UncheckedFiles",
    "check_session",
    "precheck",
    "printable",
    "read_session",
    "session_path",
    "warn_unchecked",
]

_SHA256 = re.compile(r"[0-9a-fA-F]{64}")


class UncheckedFiles(UserWarning):
    """A session was restored with files whose bytes were not checked against a record."""


@dataclass(frozen=True)
class SessionCheck:
    """What was checked of the files a restored glue session read.

    Attributes
    ----------
    verified : tuple of str
        Paths (relative to the session) whose size and SHA-256 matched their record.
    unchecked : tuple of (str, str)
        Paths read without that check, each with the reason: a record with no SHA-256, or a
        restore with ``check=False``.
    """

    session: Path
    verified: tuple = ()
    unchecked: tuple = ()

    def lines(self):
        """One line per file that was not checked, for people."""
        return [f"not checked: {path} ({reason})" for path, reason in self.unchecked]

    def __bool__(self):
        return not self.unchecked


@dataclass(frozen=True)
class CheckedSession:
    """A session's text and the files it reads, as checked."""

    path: Path
    text: str
    #: ``[(where, path as written, resolved Path)]``, one per LoadLog.
    reads: tuple
    #: ``{resolved file: record}`` from the session's manifest (None: not looked at).
    records: dict | None = None

    @property
    def files(self):
        """The files read, resolved, each once."""
        return list(dict.fromkeys(file for _, _, file in self.reads))

    def shown(self, file):
        return Path(os.path.relpath(file, self.path.parent)).as_posix()


def printable(text):
    """``text`` with what cannot be written as UTF-8 (lone surrogates: a received file's JSON
    can hold them) escaped, so that a message naming it can be printed."""
    return str(text).encode("utf-8", "backslashreplace").decode("utf-8")


def _refuse(path, message):
    raise InputError(
        printable(f"Not restoring {path.name}: {message}"), field="path", value=str(path)
    )


def session_path(path):
    """``path`` as an absolute Path, or one line saying it is not a session's path."""
    if not isinstance(path, (str, os.PathLike)):
        raise InputError(
            f"restore_session takes the path of a session, not {type(path).__name__}",
            field="path",
            value=repr(path),
        )
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError, ValueError) as exc:  # ValueError: NUL in the name
        raise InputError(
            printable(f"{path!r} is not a usable session path ({exc})"),
            field="path",
            value=repr(path),
        ) from None


def read_session(path):
    """The session's text and its JSON object (a dict holding ``__main__``).

    Read as untrusted input (:mod:`glue_mast.provenance.reading`): a regular file only, at most
    ``max_input_size`` bytes, UTF-8 JSON nested at most 64 levels with no lone surrogate.
    """
    from ..provenance.reading import parse_json, read_text_file

    text = read_text_file(path, what="glue session")
    state = parse_json(text, path, what="glue session")
    if not isinstance(state.get("__main__"), dict):
        raise InputError(
            printable(
                f"{path} is not a glue session (it has no '__main__' object, which glue writes)"
            ),
            field="path",
            value=str(path),
        )
    return text, state


def _text_problem(value):
    if not isinstance(value, str) or not value:
        return f"{value!r}, which is not a file name"
    if "\0" in value:
        return f"{value!r}, which holds a NUL character"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return f"{value!r}, which holds characters that are not text (lone surrogates)"
    return None


def _check_load_log(path, state, where, record):
    """The path a LoadLog names, resolved; refused unless glue can read it as written."""
    written = record.get("path")
    problem = _text_problem(written)
    if problem:
        _refuse(path, f"{where} names the path {problem}.")
    factory = record.get("factory")
    if isinstance(factory, str) and not factory.startswith("st__"):
        factory = state.get(factory)  # a reference to another record
    function = factory.get("function") if isinstance(factory, dict) else None
    if not (
        isinstance(function, str)
        and factory.get("_type") in FUNCTION_TYPES
        and is_loader(function)
    ):
        named = f"the function {function!r}" if isinstance(function, str) else "no function"
        _refuse(
            path,
            f"{where}.factory names {named}, which is not one of glue's or glue-mast's own"
            " loaders; glue would call it with the session's path.",
        )
    kwargs = record.get("kwargs", [[]])
    if not (
        isinstance(kwargs, list)
        and len(kwargs) <= 1
        and all(isinstance(pairs, list) for pairs in kwargs)
        and all(
            isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)
            for pairs in kwargs
            for pair in pairs
        )
        and "factory" not in {pair[0] for pairs in kwargs for pair in pairs}
    ):
        _refuse(
            path,
            f"{where} has kwargs that are not a list of [name, value] pairs for a loader.",
        )
    folder = path.parent
    try:
        file = (folder / written).resolve()
    except (OSError, RuntimeError, ValueError) as exc:  # RuntimeError: a loop of links
        _refuse(path, f"{where} names the path {written!r}, which cannot be followed ({exc}).")
    if file == folder or not file.is_relative_to(folder):
        _refuse(
            path,
            f"{where} names the path {written!r}, which leads outside the session's folder"
            f" ({file}); a session reads only files in its own folder.",
        )
    return file


def precheck(path, *, check=True):
    """What can be checked before the session's files are on disk: the session's names, its
    LoadLog paths, and (with ``check``) that the manifest records every one of them.

    Returns
    -------
    CheckedSession

    Raises
    ------
    InputError
        One line naming what was refused.
    """
    path = session_path(path)
    text, state = read_session(path)
    load_logs = check_names(state, path.name, value=str(path))
    reads = tuple(
        (where, record.get("path"), _check_load_log(path, state, where, record))
        for where, record in load_logs.items()
    )
    # A manifest that is there is read (and refused if it is no regular manifest) even for a
    # session that reads no file: skipping it would restore the session unchecked.
    there = os.path.lexists(manifest_path_for(path))
    records = file_records(path) if check and (reads or there) else None
    for where, written, file in reads if records is not None else ():
        if file not in records:
            _refuse(
                path,
                f"{where} reads {written!r}, which its manifest"
                f" {manifest_path_for(path).name} does not record; glue-mast restores only"
                " files the manifest records (check=False opens them unchecked).",
            )
    return CheckedSession(path, text, reads, records)


def file_records(path):
    """``{resolved file: record}`` of every file the session's manifest records: its MAST
    files and its :data:`LOCAL_FILES`."""
    from ..provenance.entries import ManifestError
    from ..provenance.manifest import Manifest
    from ..provenance.queries import remember

    manifest_path = manifest_path_for(path)
    if not os.path.lexists(manifest_path):  # one there but no regular file: Manifest.read says
        _refuse(
            path,
            f"there is no manifest ({manifest_path.name}) beside it to check its files against;"
            " restore with check=False to open them unchecked.",
        )
    try:
        manifest = Manifest.read(manifest_path)
    except ManifestError as exc:
        more = f" (and {len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
        _refuse(path, f"its manifest cannot be used: {exc.problems[0]}{more}.")
    except InputError as exc:
        _refuse(path, f"its manifest cannot be used: {exc}.")
    # The datasets' provenance names its queries by id; the manifest holds them (for a
    # session saved again, and glue_mast.provenance.full_queries).
    remember(manifest.queries_by_id)
    records = {Path(record["path"]): record for record in manifest.datasets}
    for file, record in _local_files(path, manifest.extra.get(LOCAL_FILES)):
        records.setdefault(file, record)
    return records


def _local_files(path, entries):
    if entries is None:
        return []
    if not isinstance(entries, list):
        _refuse(path, f"its manifest's {LOCAL_FILES} is not a list of records.")
    folder, found = path.parent, []
    for index, entry in enumerate(entries):
        where = f"its manifest's {LOCAL_FILES}[{index}]"
        if not isinstance(entry, dict):
            _refuse(path, f"{where} is not a record.")
        problem = _text_problem(entry.get("path"))
        if problem:
            _refuse(path, f"{where} names the path {problem}.")
        size, sha = entry.get("size"), entry.get("sha256")
        if type(size) is not int or size < 0:
            _refuse(path, f"{where} has size {size!r}, not a whole number of bytes.")
        if sha is not None and not (isinstance(sha, str) and _SHA256.fullmatch(sha)):
            _refuse(path, f"{where} has sha256 {sha!r}, not 64 hex digits.")
        try:
            file = (folder / entry["path"]).resolve()
        except (OSError, RuntimeError, ValueError):
            continue  # not a file a LoadLog can name either
        if file != folder and file.is_relative_to(folder):
            found.append((file, dict(entry, sha256=sha.lower() if sha else None)))
    return found


def _missing(checked, check):
    missing = [file for file in checked.files if not file.is_file()]
    if not missing:
        return
    path = checked.path
    manifest = manifest_path_for(path)
    shown = ", ".join(checked.shown(file) for file in missing)
    if manifest.is_file():
        hint = (
            f" Fetch them again with `glue-mast reproduce {manifest}` (or"
            f" glue_mast.reproduce({str(manifest)!r})), then restore the session."
        )
    else:
        hint = f" There is no manifest ({manifest.name}) beside it to fetch them again from."
    raise InputError(
        f"Cannot restore {path.name}: {len(missing)} of its files are missing: {shown}." + hint,
        field="path",
        value=str(path),
    )


def check_session(path, *, check=True):
    """Check a session and its files before glue reads them (see the module's text).

    Parameters
    ----------
    path : path-like
        The session (``.glu``).
    check : bool
        Insist that the manifest beside the session records every file and that each has the
        recorded size and SHA-256. ``False`` opens the files as they are (still only inside the
        session's folder), and reports every one as not checked.

    Returns
    -------
    checked : CheckedSession
        The text glue is to read, and the files it reads.
    report : SessionCheck

    Raises
    ------
    InputError
        One line naming what was refused, or the missing files and how to fetch them again.
    """
    from ..provenance.manifest import VerifyReport

    checked = precheck(path, check=check)
    path = checked.path
    _missing(checked, check)
    if not check:
        reason = "restored with check=False"
        unchecked = tuple((checked.shown(file), reason) for file in checked.files)
        return checked, SessionCheck(path, unchecked=unchecked)
    records = checked.records or {}
    report = VerifyReport()
    for file in checked.files:
        shown = dict(records[file], path=checked.shown(file))
        report.check(records[file], file, shown, source="the manifest", root=path.parent)
    wrong = [f"{d['path']} changed size" for d in report.wrong_size]
    wrong += [f"{d['path']} has another SHA-256" for d in report.wrong_checksum]
    wrong += [f"{d['path']} cannot be read ({d['reason']})" for d in report.unreadable]
    wrong += [f"{d['path']} leads outside the folder" for d in report.outside]
    wrong += [f"{d['path']} is missing" for d in report.missing]
    if wrong:
        _refuse(
            path,
            f"{len(wrong)} of its files are not the ones it was saved with ({'; '.join(wrong)})."
            f" Fetch them again with `glue-mast reproduce {manifest_path_for(path)}`, or restore"
            " with check=False to open them as they are.",
        )
    return checked, SessionCheck(
        path,
        verified=tuple(d["path"] for d in report.ok),
        unchecked=tuple((d["path"], d["reason"]) for d in report.unchecked),
    )


def warn_unchecked(report):
    """Say, as an :class:`UncheckedFiles` warning, which files a restore did not check."""
    if report.unchecked:
        warnings.warn(
            f"Restored {report.session.name} without checking {len(report.unchecked)} of its"
            " files against a SHA-256: "
            + "; ".join(f"{path} ({reason})" for path, reason in report.unchecked),
            UncheckedFiles,
            stacklevel=3,
        )
