"""Re-fetch exactly the files a manifest describes, and prove it with their checksums."""

from __future__ import annotations

from pathlib import Path

from ... import config
from ...errors import InputError
from ...provenance.entries import check_entries
from ...provenance.manifest import Manifest
from .plan import plan
from .run import run_files

__all__ = ["reproduce"]


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

    Files already present with the recorded size and SHA-256 cost nothing; the others are
    fetched from their dataURIs and must arrive with the recorded SHA-256, or they are not
    given their final names. A manifest is written in ``out_dir`` (the same one, updated, when
    ``out_dir`` is the manifest's own directory).

    Parameters
    ----------
    manifest : path-like or `Manifest`
    out_dir : path-like, optional
        Where the files go; default the manifest's directory.
    server : str, optional
        MAST base URL; default the one the manifest records (where the files came from).

    Returns
    -------
    result : `~glue_mast.archive.fetch.FetchResult`
    report : `~glue_mast.provenance.VerifyReport`
        The new manifest verified against the disk afterwards.
    """

    m = manifest if isinstance(manifest, Manifest) else Manifest.read(manifest)
    if not len(m):
        raise InputError(f"{m.path} lists no files to reproduce")
    source_root = m.path.parent
    # Every path must name a file strictly inside the manifest's directory, and none of the
    # files kept beside it: the checks of reading, made again for a manifest built in memory
    # and for links planted since it was read.
    check_entries(m.path, m.to_dict(source_root)["datasets"], m.extra.get("session"))
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
    result = run_files(
        fetch_plan.to_fetch,
        fetch_plan.cached,
        fetch_plan.skipped,
        out,
        manifest=out / m.path.name,
        previous=previous,
        parallel=parallel,
        progress=progress,
        token=token,
        retries=retries,
        backoff=backoff,
        queries=m.queries,
        server=server,
        keep_missing=same_place,
    )
    reproduced = Manifest.read(out / m.path.name)
    report = reproduced.verify()
    # Anything the original lists but the new manifest lacks (skipped, failed) is missing.
    have = {d["dataURI"] for d in reproduced.datasets}
    for record in originals:
        if record["dataURI"] not in have:
            report.missing.append(dict(record, path=expected[record["dataURI"]]["path"]))
    return result, report
