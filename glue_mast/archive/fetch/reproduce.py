"""Re-fetch exactly the files a manifest or a Jdaviz session describes, and prove it with
their checksums.
"""

from __future__ import annotations

from pathlib import Path

from ... import config
from ...errors import InputError
from ...provenance.entries import check_entries
from ...provenance.manifest import Manifest
from ...provenance.session_files import SessionFiles, read_records
from .plan import plan, previous_manifest
from .run import run_files

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
):
    """Make ``out_dir`` hold exactly the files of ``manifest``, fetching what is missing or wrong.

    ``manifest`` may also be a Jdaviz session (``analysis.json``, from
    ``glue_mast.save_session``): its files are fetched into ``out_dir``, which must then be
    given (see :func:`reproduce_session`).

    Files already present with the recorded size and SHA-256 cost nothing; the others are
    fetched from their dataURIs and must arrive with the recorded SHA-256, or they are not
    given their final names. A manifest is written in ``out_dir`` (the same one, updated, when
    ``out_dir`` is the manifest's own directory).

    Parameters
    ----------
    manifest : path-like, `Manifest` or `~glue_mast.provenance.SessionFiles`
    out_dir : path-like, optional
        Where the files go; default the manifest's directory (a session has none).
    server : str, optional
        MAST base URL; default the one the manifest records (where the files came from).

    Returns
    -------
    result : `~glue_mast.archive.fetch.FetchResult`
    report : `~glue_mast.provenance.VerifyReport`
        The new manifest verified against the disk afterwards.
    """
    options = dict(
        server=server,
        parallel=parallel,
        progress=progress,
        token=token,
        retries=retries,
        backoff=backoff,
    )
    if not isinstance(manifest, (Manifest, SessionFiles)):
        manifest = read_records(manifest)
    if isinstance(manifest, SessionFiles):
        return reproduce_session(manifest, out_dir, **options)
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
    server = server or m.server or config.current_server()
    records, expected = [], {}
    originals = [dict(record) for record in m.datasets]  # fetching in place updates m
    for record in originals:
        relative = Path(record["path"]).relative_to(source_root).as_posix()
        expected[record["dataURI"]] = {
            "sha256": record.get("sha256"),
            "size": record.get("size"),
            "path": relative,
        }
        records.append(record)
    # What a fetch planned and did not finish is finished now, at the listed size; there is
    # no checksum to insist on, so these files are "finished", not "verified identical".
    unfinished = [dict(record) for record in m.incomplete]
    for record in unfinished:
        relative = Path(record["path"]).relative_to(source_root).as_posix()
        expected[record["dataURI"]] = {
            "sha256": record.get("expected_sha256"),
            "size": record.get("size"),
            "path": relative,
        }
        records.append(record)
    same_place = out == source_root
    previous = m if same_place else None
    fetch_plan = plan(
        records, out, token=token, expected=expected, server=server, previous=previous
    )
    if not same_place:
        previous = Manifest(
            server=server,
            queries=m.queries,
            path=out / m.path.name,
            extra={"reproduced_from": {"manifest": str(m.path), "created": m.created}},
        )
    return _fetch_and_judge(
        fetch_plan,
        out / m.path.name,
        previous,
        originals,
        lambda record: expected[record["dataURI"]]["path"],
        "the manifest",
        unfinished=unfinished,
        queries=m.queries,
        server=server,
        keep_missing=same_place,
        parallel=parallel,
        progress=progress,
        token=token,
        retries=retries,
        backoff=backoff,
    )


def _fetch_and_judge(
    fetch_plan, manifest_path, previous, originals, shown, source, unfinished=(), **options
):
    """Run ``fetch_plan`` into the manifest at ``manifest_path``, then verify that manifest
    against the ``originals`` it reproduces: what they list but it lacks (skipped, failed) is
    missing, at ``shown(record)``; what they record no SHA-256 for is unchecked. The
    ``unfinished`` records (what an earlier fetch left incomplete) that are whole now are
    ``finished``; those still not are reported once, as incomplete or missing.

    ``options`` go to :func:`.run.run_files`. Returns ``(result, report)``.
    """
    result = run_files(
        fetch_plan.to_fetch,
        fetch_plan.cached,
        fetch_plan.skipped,
        manifest_path.parent,
        manifest=manifest_path,
        previous=previous,
        **options,
    )
    reproduced = Manifest.read(manifest_path)
    report = reproduced.verify()
    have = {d["dataURI"] for d in reproduced.datasets}
    judged = have | {d["dataURI"] for d in reproduced.incomplete}
    for record in [*originals, *unfinished]:
        if record["dataURI"] not in judged:
            report.missing.append(dict(record, path=shown(record)))
    _unchecked_without_sha256(report, originals, source)
    new = {r["dataURI"] for r in unfinished if not r.get("expected_sha256")}
    for d in list(report.ok):
        if d["dataURI"] in new:
            report.ok.remove(d)
            report.finished.append(d)
    return result, report


def _unchecked_without_sha256(report, originals, source):
    """Move the files the original records no SHA-256 for from ``ok`` to ``unchecked``.

    The new manifest has a checksum for every file it fetched, but a file whose original
    record had none may hold other bytes than it did then: it was not reproduced identically,
    only fetched again.
    """
    unverified = {r["dataURI"] for r in originals if not r.get("sha256")}
    for d in list(report.ok):
        if d["dataURI"] in unverified:
            report.ok.remove(d)
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
        MAST base URL; default the one the session's datasets record.

    Returns
    -------
    result : `~glue_mast.archive.fetch.FetchResult`
    report : `~glue_mast.provenance.VerifyReport`
        The new manifest verified against the disk afterwards, against the session: a file
        the session records no SHA-256 for is ``unchecked`` (its bytes may not be the ones
        the session was made from), one that could not be fetched is ``missing``.
    """
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
    server = server or s.server or config.current_server()
    records, expected = [], {}
    for record in s.records:
        row = {
            k: v
            for k, v in record.items()
            if k not in ("path", "sha256", "labels", "downloaded", "listed_size")
        }
        row["label"] = " | ".join(record["labels"]) or record.get("label")
        records.append(row)
        expected[record["dataURI"]] = {"sha256": record.get("sha256"), "size": record.get("size")}
    existing = previous_manifest(manifest_path)  # refused, not overwritten, if not a manifest
    fetch_plan = plan(
        records,
        out,
        token=token,
        expected=expected,
        server=server,
        previous=existing,
        reserved=(s.path.name,) if s.path.parent == out else (),
    )
    fresh = Manifest(
        server=server,
        queries=s.queries,
        path=manifest_path,
        extra={"reproduced_from": {"session": str(s.path), "created": s.created}},
    )
    planned = {
        f.uri: f.path for f in [*fetch_plan.to_fetch, *fetch_plan.cached, *fetch_plan.skipped]
    }
    return _fetch_and_judge(
        fetch_plan,
        manifest_path,
        fresh,
        s.records,
        lambda record: planned[record["dataURI"]].relative_to(out).as_posix(),
        "the session",
        queries=s.queries,
        server=server,
        parallel=parallel,
        progress=progress,
        token=token,
        retries=retries,
        backoff=backoff,
    )
