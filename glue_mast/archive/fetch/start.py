"""Starting a fetch: :func:`start_fetch` in the background, :func:`fetch` waiting for it."""

from __future__ import annotations

from ... import config
from .job import wait_for
from .options import FetchOptions
from .plan import plan_fetch
from .run import start_files

__all__ = ["fetch", "start_fetch"]


def start_fetch(
    products,
    download_dir=None,
    *,
    manifest=True,
    parallel=None,
    progress=None,
    token=None,
    retries=None,
    backoff=1.0,
    queries=None,
    doi=None,
    cloud=False,
    expected=None,
    client=None,
):
    """Start downloading ``products`` in the background; returns a :class:`FetchJob` at once.

    The files go to ``DIR/<collection>/<obs_id>/<file>``, as with :func:`fetch`, but ``DIR``
    defaults to the download cache (:func:`glue_mast.config.current_cache_dir`), where the
    viewers keep what they fetch: a file already there costs no request. :func:`fetch` keeps
    the download directory setting as its default, for files a user asks for by name.

    Planning (which files are on disk already, which need a token) happens before this returns,
    so ``job.plan`` holds the totals; it reads the disk but makes no request (but for
    ``cloud=True``, which asks astroquery for the cloud copies).

    Parameters
    ----------
    products, manifest, parallel, token, retries, backoff, queries, doi, cloud, expected, client
        As for :func:`fetch`.
    download_dir : path-like, optional
        Root directory (default: the download cache).
    progress : bool or callable, optional
        ``True`` for a progress bar on stderr; a callable receives the events of
        :mod:`glue_mast.archive.fetch.events` (``FetchStarted``, ``BytesReceived`` about 10
        times a second, ``FileFinished``, ``FetchEnded``) on the job's thread, with no lock
        held. More listeners: ``job.add_progress_callback``.

    Returns
    -------
    FetchJob
        ``job.result()`` returns the :class:`FetchResult`; ``job.cancel()`` stops the
        transfers within about a second, writes the manifest for what is complete and keeps
        partial files as ``.part`` for the next fetch to resume; ``job.result()`` then raises
        :class:`~glue_mast.archive.fetch.job.FetchCancelled` (whose ``.result`` is the partial
        :class:`FetchResult`).
    """
    options = FetchOptions(
        parallel=parallel,
        progress=progress,
        token=token,
        retries=retries,
        backoff=backoff,
        queries=queries if queries is not None else _queries_from(products),
        doi=doi,
        cloud=cloud,
        expected=expected,
        client=client,
    )
    root = download_dir if download_dir is not None else config.current_cache_dir()
    return _start(products, root, manifest, options)


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
    expected=None,
    client=None,
):
    """Download ``products`` in parallel into ``DIR/<collection>/<obs_id>/<file>``, and wait.

    This is ``start_fetch(...).result()`` (see :func:`start_fetch`), but for the default
    directory and Ctrl-C: the download directory setting (``glue_mast.conf.download_dir``)
    rather than the viewers' cache, and a KeyboardInterrupt cancels the fetch tidily.

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
        ``True`` for a progress bar on stderr; a callable receives the progress events of
        :mod:`glue_mast.archive.fetch.events`, on the fetch's own thread.
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
    expected : dict, optional
        dataURI -> ``{"sha256": ..., "size": ...}`` a file must arrive with (a session being
        restored): one that arrives with other bytes never takes its final name.
    client : `distributed.Client`, optional
        Run the transfers and their checks on this Dask cluster's workers, which must see
        ``download_dir`` at the same path (a shared filesystem); the manifest is the same
        as one process's (see :mod:`glue_mast.archive.fetch.cluster`).

    Returns
    -------
    FetchResult
        Files downloaded, already on disk, skipped and failed; ``result.manifest``.

    Raises
    ------
    FetchInterrupted
        (a KeyboardInterrupt) on Ctrl-C, once the transfers have stopped (within about a
        second) and the manifest is written for what is complete; partial files stay as
        ``.part`` and are resumed next time. A second Ctrl-C meanwhile stops at once, with a
        plain KeyboardInterrupt, without waiting for the manifest.
    """
    options = FetchOptions(
        parallel=parallel,
        progress=progress,
        token=token,
        retries=retries,
        backoff=backoff,
        queries=queries if queries is not None else _queries_from(products),
        doi=doi,
        cloud=cloud,
        expected=expected,
        client=client,
    )
    root = download_dir if download_dir is not None else config.current_download_dir()
    return wait_for(_start(products, root, manifest, options))


def _start(products, root, manifest, options):
    """Plan a fetch of ``products`` into ``root`` (its manifest as ``manifest=`` says) and
    start it, run as ``options`` (a :class:`~.options.FetchOptions`) say."""
    fetch_plan = plan_fetch(
        products,
        root,
        manifest=manifest,
        token=options.token,
        cloud=options.cloud,
        expected=options.expected,
    )
    return start_files(fetch_plan, options)


def _queries_from(products):
    meta = getattr(products, "meta", {}) or {}
    return list(meta.get("queries") or [])
