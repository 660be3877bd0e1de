"""Re-fetch exactly the files a manifest or a Jdaviz session describes, and prove it with
their checksums.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from ...errors import InputError
from ...provenance.entries import check_entries
from ...provenance.manifest import Manifest
from ...provenance.session_files import SessionFiles, read_records
from .job import wait_for
from .options import FetchOptions
from .outcome import FileOutcome, FileStatus
from .plan import manifest_stamp, plan, previous_manifest
from .run import start_files
from .trust import choose_server

__all__ = ["SESSION_MANIFEST_NAME", "reproduce", "reproduce_session"]


def reproduce(
    manifest,
    out_dir=None,
    *,
    server=None,
    parallel=None,
    progress=False,
    token=None,
    retries=None,
    backoff=1.0,
    client=None,
):
    """Make ``out_dir`` hold exactly the files of ``manifest``, fetching what is missing or wrong.

    ``manifest`` may also be a Jdaviz session (``analysis.json``, from
    ``glue_mast.save_session``): its files are fetched into ``out_dir``, which must then be
    given (see :func:`reproduce_session`).

    Files already present with the recorded size and SHA-256 cost nothing; the others are
    fetched from their dataURIs and must arrive with the recorded SHA-256, or they are not
    given their final names. Each record is one file, at its own path (a dataURI listed at
    two paths is two files). A file already at a record's path that is not the recorded
    one (other bytes, or a record with no SHA-256 to tell) is never replaced: it is reported
    as failed, and stays as it was. A manifest is written in ``out_dir`` (the same one,
    updated, when ``out_dir`` is the manifest's own directory).

    Parameters
    ----------
    manifest : path-like, `Manifest` or `~glue_mast.provenance.SessionFiles`
    out_dir : path-like, optional
        Where the files go; default the manifest's directory (a session has none).
    server : str, optional
        MAST base URL; default the configured server, never the one the manifest records
        (a warning says when it names another: see :mod:`.trust`).
    client : `distributed.Client`, optional
        Fetch, and check the checksums, on this Dask cluster's workers (see :mod:`.cluster`).

    Returns
    -------
    result : `~glue_mast.archive.fetch.FetchResult`
    report : `~glue_mast.provenance.VerifyReport`
        The new manifest verified against the disk afterwards.
    """
    options = FetchOptions(
        parallel=parallel,
        progress=progress,
        token=token,
        retries=retries,
        backoff=backoff,
        client=client,
    )
    if not isinstance(manifest, (Manifest, SessionFiles)):
        manifest = read_records(manifest)
    if isinstance(manifest, SessionFiles):
        return _reproduce_session(manifest, out_dir, server, options)
    m = manifest
    if not len(m) and not m.incomplete:
        raise InputError(f"{m.path} lists no files to reproduce")
    source_root = m.path.parent
    # Every path must name a file strictly inside the manifest's directory, and none of the
    # files kept beside it: the checks of reading, made again for a manifest built in memory
    # and for links planted since it was read.
    written = m.to_dict(source_root)
    for entries in (written["datasets"], written.get("incomplete", [])):
        check_entries(m.path, entries, m.extra.get("session"))
    out = Path(out_dir).resolve() if out_dir else source_root
    server = choose_server(m.server, server, source=f"the manifest {m.path.name}")
    originals = [dict(record) for record in m.datasets]  # fetching in place updates m
    # One expectation per record, by its path: a dataURI listed twice is two files.
    expected = [
        {
            "sha256": record.get("sha256"),
            "size": record.get("size"),
            "path": Path(record["path"]).relative_to(source_root).as_posix(),
        }
        for record in originals
    ]
    # What a fetch planned and did not finish is finished now, at the listed size (and with
    # the SHA-256 a reproduce insisted on, if one did); with no checksum to insist on, these
    # files are "finished", not "verified identical".
    unfinished = [dict(record) for record in m.incomplete]
    expected += [
        {
            "sha256": record.get("expected_sha256"),
            "size": record.get("size"),
            "path": Path(record["path"]).relative_to(source_root).as_posix(),
        }
        for record in unfinished
    ]
    same_place = out == source_root
    # In place, the records merge into the manifest itself (whose checksums tell what is
    # complete); elsewhere, into the manifest there if any, saying what they came from.
    fetch_plan = plan(
        originals + unfinished,
        out,
        token=token,
        expected=expected,
        server=server,
        previous=m if same_place else None,
        manifest_path=out / m.path.name,
    )
    options = dataclasses.replace(
        options,
        queries=m.queries,
        keep_missing=same_place,
        manifest_extra={}
        if same_place
        else {"reproduced_from": {"manifest": str(m.path), "created": m.created}},
    )
    targets = [
        (r, out / want["path"]) for r, want in zip(originals + unfinished, expected, strict=True)
    ]
    return _fetch_and_judge(
        fetch_plan,
        options,
        targets[: len(originals)],
        "the manifest",
        unfinished=targets[len(originals) :],
    )


def _fetch_and_judge(fetch_plan, options, targets, source, unfinished=()):
    """Run ``fetch_plan`` (as ``options`` say) into its manifest, then verify that manifest
    against the records it reproduces.

    ``unfinished`` pairs the records an earlier fetch left incomplete with their paths: those
    whole now are ``finished`` (or ``ok`` when a SHA-256 was insisted on); those still not are
    reported once, as incomplete (the new manifest lists them so) or missing.

    ``targets`` pairs each original record with the path its file must have. A file already
    at a planned path that is not complete is not replaced (:func:`_keep_what_is_there`). A
    record whose file is not in the new manifest is judged against what is on the disk
    (missing, or other bytes); one with no SHA-256 of its own is never ``ok``
    (:func:`_judge_unsummed`). Returns ``(result, report)``.
    """
    manifest_path = fetch_plan.manifest_path
    kept = _keep_what_is_there(fetch_plan, source)
    result = wait_for(start_files(fetch_plan, options))
    result.outcomes.extend(kept)
    reproduced = Manifest.read(manifest_path)
    if options.client is not None:  # the checksums computed where the files were fetched
        from .cluster import verify_on_cluster

        report = verify_on_cluster(reproduced, options.client)
    else:
        report = reproduced.verify()
    root = manifest_path.parent
    # The new manifest's incomplete files have their verdict from verify: one verdict a file.
    judged = {os.fspath((root / d["path"]).resolve()) for d in reproduced.incomplete}
    for record, target in targets:
        now = reproduced.dataset_for(target)
        if now is None and os.fspath(Path(target).resolve()) in judged:
            continue
        if now is None or now.get("dataURI") != record["dataURI"]:
            shown = dict(record, path=Path(os.path.relpath(target, root)).as_posix())
            if os.path.lexists(target):  # something else is there: what it is, not "missing"
                report.check(record, target, shown, source=source, root=root)
            else:
                report.missing.append(shown)
        elif record.get("sha256") and now.get("sha256") != record["sha256"]:
            # Another record of the same file (a dataURI recorded twice, with two checksums):
            # the file there is that one's, not this one's.
            shown = dict(record, path=Path(os.path.relpath(target, root)).as_posix())
            report.wrong_checksum.append(shown)
    _judge_unsummed(report, targets, root, source)
    new = set()
    for record, target in unfinished:
        now = reproduced.dataset_for(target)
        key = os.fspath(Path(target).resolve())
        if now is None and key not in judged:
            report.missing.append(dict(record, path=Path(os.path.relpath(target, root)).as_posix()))
        elif now is not None and not record.get("expected_sha256"):
            new.add(key)
    for d in list(report.ok):
        if os.fspath((root / d["path"]).resolve()) in new:
            report.ok.remove(d)
            report.finished.append(d)
    return result, report


def _keep_what_is_there(fetch_plan, source):
    """Take out of ``fetch_plan.to_fetch`` every file whose path is taken already.

    Planning left there every file not complete on disk; one whose path holds something
    (another file, a link, a directory) would be replaced by what the server sends. A
    received manifest or session may name a person's own file (``notes.txt``), so nothing is
    replaced: each gets a failed outcome saying why, and stays as it was.
    """
    kept, fetch_plan.to_fetch = [], list(fetch_plan.to_fetch)
    for f in list(fetch_plan.to_fetch):
        if not os.path.lexists(f.path):
            continue
        fetch_plan.to_fetch.remove(f)
        if f.path.is_symlink():
            why = "it is a symbolic link"
        elif not f.path.is_file():
            why = "it is not a regular file"
        elif f.size is not None and f.path.stat().st_size != f.size:
            why = f"it is {f.path.stat().st_size:,} bytes, not {f.size:,}"
        elif f.sha256:
            why = "its SHA-256 differs"
        else:
            why = f"{source} records no SHA-256 to tell"
        name = Path(os.path.relpath(f.path, fetch_plan.download_dir)).as_posix()
        kept.append(
            FileOutcome(
                f,
                FileStatus.FAILED,
                f"not replaced: {name} is there already and is not the file {source} "
                f"records ({why}); move it aside and run again to fetch it",
            )
        )
    return kept


def _judge_unsummed(report, targets, root, source):
    """Move the files whose original record has no SHA-256 out of ``ok``.

    The new manifest has a checksum for every file it fetched, but a file whose original
    record had none may hold other bytes than it did then: it was not reproduced identically,
    only fetched again; it is ``unchecked``, or ``wrong_size`` when it is not even the size
    the record gives.
    """
    unsummed = {os.fspath(Path(t).resolve()): r for r, t in targets if not r.get("sha256")}
    for d in list(report.ok):
        record = unsummed.get(os.fspath((root / d["path"]).resolve()))
        if record is None:
            continue
        report.ok.remove(d)
        if record.get("size") is not None and d.get("size") != record["size"]:
            report.wrong_size.append(dict(d, size=record["size"]))
        else:
            report.unchecked.append(dict(d, reason=f"{source} records no sha256 to insist on"))


#: The name of the manifest :func:`reproduce_session` writes in its directory.
SESSION_MANIFEST_NAME = "manifest.json"


def reproduce_session(
    session,
    out_dir,
    *,
    server=None,
    parallel=None,
    progress=False,
    token=None,
    retries=None,
    backoff=1.0,
    client=None,
):
    """Fetch every file of a Jdaviz session into ``out_dir``, insisting on its SHA-256.

    The files go in the layout of a fetch (``DIR/<collection>/<obs_id>/<file>``), with a
    manifest ``DIR/manifest.json`` (merged with one already there) that ``verify`` checks.
    Files already there with the session's SHA-256 cost nothing; the others must arrive with
    it, or they are not given their final names.

    The directory must be given: the session records its files where they were fetched,
    anywhere on the disk, and a session file is not trusted to name places to write.
    (Restoring a session fetches what it is missing into the download cache by itself.)

    Parameters
    ----------
    session : path-like or `~glue_mast.provenance.SessionFiles`
    out_dir : path-like
    server : str, optional
        MAST base URL; default the configured server, never one the session records (a
        warning says when it names another: see :mod:`.trust`).
    client : `distributed.Client`, optional
        As for :func:`reproduce`.

    Returns
    -------
    result : `~glue_mast.archive.fetch.FetchResult`
    report : `~glue_mast.provenance.VerifyReport`
        The new manifest verified against the disk afterwards, against the session: a file
        the session records no SHA-256 for is ``unchecked`` (its bytes may not be the ones
        the session was made from), one that could not be fetched is ``missing``.
    """
    options = FetchOptions(
        parallel=parallel,
        progress=progress,
        token=token,
        retries=retries,
        backoff=backoff,
        client=client,
    )
    return _reproduce_session(session, out_dir, server, options)


def _reproduce_session(session, out_dir, server, options):
    """:func:`reproduce_session`, run as ``options`` (a :class:`~.options.FetchOptions`) say."""
    s = session if isinstance(session, SessionFiles) else SessionFiles(session)
    if out_dir is None:
        raise InputError(
            f"{s.path.name} is a Jdaviz session, whose files are recorded where they were "
            "fetched: give the directory to fetch them into (restoring the session fetches "
            "what it is missing into the download cache by itself)",
            field="out_dir",
        )
    if not len(s):
        raise InputError(f"{s.path} lists no files to reproduce")
    out = Path(out_dir).resolve()
    manifest_path = out / SESSION_MANIFEST_NAME
    if manifest_path == s.path:
        raise InputError(
            f"{s.path} is the session itself: fetching into {out} would replace it with the "
            "directory's manifest; choose another directory",
            field="out_dir",
            value=str(out_dir),
        )
    server = choose_server(s.servers, server, source=f"the session {s.path.name}")
    records, expected = [], []
    for record in s.records:
        row = {
            k: v
            for k, v in record.items()
            if k not in ("path", "sha256", "labels", "downloaded", "listed_size")
        }
        row["label"] = " | ".join(record["labels"]) or record.get("label")
        records.append(row)
        expected.append({"sha256": record.get("sha256"), "size": record.get("size")})
    stamp = manifest_stamp(manifest_path)
    existing = previous_manifest(manifest_path)  # refused, not overwritten, if not a manifest
    fetch_plan = plan(
        records,
        out,
        token=options.token,
        expected=expected,
        server=server,
        previous=existing,
        reserved=(s.path.name,) if s.path.parent == out else (),
        manifest_path=manifest_path,
        manifest_stamp=stamp,
    )
    options = dataclasses.replace(
        options,
        queries=s.queries,
        manifest_extra={"reproduced_from": {"session": str(s.path), "created": s.created}},
    )
    planned = {
        f.uri: f.path for f in [*fetch_plan.to_fetch, *fetch_plan.cached, *fetch_plan.skipped]
    }
    targets = [(r, planned[r["dataURI"]]) for r in s.records if r["dataURI"] in planned]
    return _fetch_and_judge(fetch_plan, options, targets, "the session")
