"""Running a fetch plan: the worker pool, the result, and the manifest written afterwards."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from ... import config
from ...errors import InputError
from ...util import mtime_iso, sha256_of
from .. import auth
from .outcome import FileOutcome, FileStatus
from .plan import plan_fetch, previous_manifest
from .progress import Progress
from .transfer import Downloader

__all__ = ["FetchResult", "fetch", "run_files"]


@dataclass
class FetchResult:
    """The outcome of :func:`fetch`: files, what went wrong, and the manifest written."""

    outcomes: list
    download_dir: Path
    manifest: object = None
    interrupted: bool = False
    seconds: float = 0.0
    #: The MAST base URL the files were fetched from; :meth:`retry` goes there again.
    server: str | None = None

    def _with(self, *statuses):
        return [o for o in self.outcomes if o.status in statuses]

    @property
    def downloaded(self):
        return self._with(FileStatus.DOWNLOADED)

    @property
    def cached(self):
        return self._with(FileStatus.CACHED)

    @property
    def skipped(self):
        return self._with(FileStatus.SKIPPED)

    @property
    def failed(self):
        return self._with(FileStatus.FAILED, FileStatus.CANCELLED)

    @property
    def paths(self):
        """Paths of every file now complete on disk."""
        return [o.file.path for o in self._with(FileStatus.DOWNLOADED, FileStatus.CACHED)]

    @property
    def ok(self):
        return not self.failed and not self.interrupted

    @property
    def requests(self):
        return sum(o.requests for o in self.outcomes)

    def __repr__(self):
        return (
            f"<FetchResult {len(self.downloaded)} downloaded, {len(self.cached)} already on "
            f"disk, {len(self.skipped)} skipped, {len(self.failed)} failed"
            f"{', interrupted' if self.interrupted else ''}; {self.download_dir}>"
        )

    def retry(self, **kwargs):
        """Fetch again the files that failed, from the same server, into the same manifest."""
        files = [o.file for o in self.failed]
        path = kwargs.pop("manifest", self.manifest.path if self.manifest is not None else None)
        kwargs.setdefault("server", self.server)
        return run_files(
            files,
            [],
            [],
            self.download_dir,
            manifest=path,
            previous=previous_manifest(path),
            **kwargs,
        )


def fetch(
    products,
    download_dir=None,
    *,
    manifest=True,
    parallel=None,
    progress=False,
    token=None,
    retries=None,
    backoff=1.0,
    queries=None,
    doi=None,
    cloud=False,
):
    """Download ``products`` in parallel into ``DIR/<collection>/<obs_id>/<file>``.

    Parameters
    ----------
    products : `~astropy.table.Table`
        Products to fetch, usually from :func:`glue_mast.products`.
    download_dir : path-like, optional
        Root directory (default ``glue_mast.conf.download_dir``).
    manifest : bool or path-like
        Write the provenance manifest: ``True`` for ``DIR/manifest.json`` (merged with one
        already there), a path for elsewhere, ``False`` for none.
    parallel : int, optional
        Files fetched at the same time (default ``glue_mast.conf.max_parallel``).
    progress : bool or callable
        ``True`` for a progress bar on stderr; a callable receives progress events (dicts
        with ``event`` = ``start``, ``bytes``, ``file`` or ``end``).
    token : str, optional
        MAST token for exclusive-access files (default: the configured one). Without one,
        exclusive files are skipped and named in the result.
    retries : int, optional
        Attempts per file (default ``glue_mast.conf.retries``).
    backoff : float
        First wait in seconds between attempts when the server gives no ``Retry-After``.
    queries : list of dict, optional
        Query records for the manifest (taken from ``products.meta`` when not given).
    doi : str or dict, optional
        A DOI for every file, or dataURI -> DOI, recorded in the manifest.
    cloud : bool
        Fetch from MAST's public cloud copy where one exists (needs ``boto3``); a token is
        never sent there.

    Returns
    -------
    FetchResult
        Files downloaded, already on disk, skipped and failed; ``result.manifest``. On
        KeyboardInterrupt the manifest is written for what is complete and the interrupt is
        raised again; partial files stay as ``.part`` and are resumed next time.
    """
    fetch_plan = plan_fetch(products, download_dir, manifest=manifest, token=token, cloud=cloud)
    query_records = queries if queries is not None else _queries_from(products)
    return run_files(
        fetch_plan.to_fetch,
        fetch_plan.cached,
        fetch_plan.skipped,
        fetch_plan.download_dir,
        manifest=fetch_plan.manifest_path,
        parallel=parallel,
        progress=progress,
        token=token,
        retries=retries,
        backoff=backoff,
        queries=query_records,
        doi=doi,
        previous=fetch_plan.previous,
    )


def _queries_from(products):
    meta = getattr(products, "meta", {}) or {}
    return list(meta.get("queries") or [])


def run_files(
    to_fetch,
    cached,
    skipped,
    root,
    *,
    manifest=None,
    parallel=None,
    progress=False,
    token=None,
    retries=None,
    backoff=1.0,
    queries=None,
    doi=None,
    previous=None,
    server=None,
):
    server = server or config.current_server()
    if token is None and any(f.exclusive for f in to_fetch):
        token = auth.token()
    parallel = int(config.conf.max_parallel if parallel is None else parallel)
    if parallel < 1:
        raise InputError(f"parallel must be at least 1, got {parallel}")
    started = time.perf_counter()
    outcomes = [FileOutcome(f, FileStatus.CACHED, "already complete on disk") for f in cached]
    outcomes += [
        FileOutcome(f, FileStatus.SKIPPED, "exclusive access: needs a MAST token")
        for f in skipped
    ]
    bar = Progress(progress, sum(f.size or 0 for f in to_fetch), len(to_fetch))
    cancel = threading.Event()
    downloader = Downloader(
        server=server,
        token=token,
        retries=retries or config.conf.retries,
        backoff=backoff,
        timeout=(10.0, config.current_timeout()),
        progress=bar,
        cancel=cancel,
    )
    interrupted = False
    pool = ThreadPoolExecutor(
        max_workers=min(parallel, max(1, len(to_fetch))), thread_name_prefix="glue-mast-fetch"
    )
    futures = [pool.submit(downloader.fetch_one, f) for f in to_fetch]
    try:
        for future in as_completed(futures):
            outcomes.append(future.result())
    except KeyboardInterrupt:
        interrupted = True
        cancel.set()
        pool.shutdown(wait=True, cancel_futures=True)
        done = {id(o.file) for o in outcomes}
        for future, f in zip(futures, to_fetch, strict=True):
            if id(f) in done:
                continue
            if future.done() and not future.cancelled():
                outcomes.append(future.result())
            else:
                outcomes.append(FileOutcome(f, FileStatus.CANCELLED, "interrupted"))
    finally:
        pool.shutdown(wait=True)
        bar.close()
    result = FetchResult(
        outcomes,
        root,
        interrupted=interrupted,
        seconds=time.perf_counter() - started,
        server=server,
    )
    if manifest is not None:
        result.manifest = _write_manifest(result, manifest, previous, server, queries, doi)
    if interrupted:
        raise KeyboardInterrupt
    return result


def _write_manifest(result, path, previous, server, queries, doi):
    from ...provenance.manifest import Manifest

    m = previous if previous is not None else Manifest(server=server, path=path)
    m.server = server
    # What an earlier fetch recorded stays only while its file is still there, whole.
    for record in list(m.datasets):
        file = Path(record["path"])
        if not file.is_file() or (
            record.get("size") is not None and file.stat().st_size != record["size"]
        ):
            m.remove_dataset(file)
    for query in queries or []:
        m.add_query(query)
    for outcome in result.outcomes:
        if outcome.status not in (FileStatus.DOWNLOADED, FileStatus.CACHED):
            continue
        f = outcome.file
        old = m.dataset_for(f.path) or {}
        record = dict(old)
        record.update({k: v for k, v in f.record.items() if v is not None})
        digest = outcome.sha256 or old.get("sha256") or sha256_of(f.path)
        record.update(
            dataURI=f.uri,
            path=f.path,
            size=f.path.stat().st_size,
            sha256=digest,
            downloaded=outcome.downloaded_at or old.get("downloaded") or mtime_iso(f.path),
        )
        if outcome.listed_size is not None:
            record["listed_size"] = outcome.listed_size
        elif outcome.status is FileStatus.DOWNLOADED:
            record.pop("listed_size", None)
        given = doi.get(f.uri) if isinstance(doi, dict) else doi
        if given:
            record["doi"] = given
        m.add_dataset(record)
    m.write(path)
    return m


