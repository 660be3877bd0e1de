"""Downloading MAST products: parallel, resumable, verified, token-aware, with a manifest.

Each file is written under ``<name>.part`` and takes its final name (an atomic rename) only
once its size, and its SHA-256 where one is known, are right; so a file under its final name is
always complete. A dropped connection or a short body is resumed with an HTTP ``Range``
request from the bytes already on disk. 429 and 5xx answers are retried, waiting as long as
``Retry-After`` says. A file already complete on disk costs no request at all.

Why not parfive, which sunpy uses: parfive 2.3 writes straight to the final name, opens it with
``"wb"`` and deletes it on any error (so nothing can be resumed), has no ``Retry-After``
handling, sends a HEAD before every GET (one more round trip per file), and gives every request
the same headers (so a token could follow a redirect to another host). Those are all
requirements here, so the transfers are made with ``requests`` (already used by astroquery),
one session per worker thread, in a ``concurrent.futures`` pool, with a tqdm progress bar.

The token (:mod:`glue_mast.archive.auth`) is sent as astroquery sends it (the ``mast_token``
cookie), only to the MAST server's own origin: redirects are followed by hand and a hop to any
other host goes without it.
"""

from __future__ import annotations

import email.utils
import os
import random
import re
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import requests
from urllib3 import exceptions as urllib3_errors

from .. import config
from ..errors import InputError
from . import auth

__all__ = [
    "FetchPlan",
    "FetchResult",
    "FileOutcome",
    "PlannedFile",
    "fetch",
    "plan",
    "plan_fetch",
    "write_curl_script",
]

DOWNLOAD_PATH = "/api/v0.1/Download/file"
_CHUNK = 1 << 16
_MAX_REDIRECTS = 5
_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]")

# Observation fields worth carrying into each file's provenance record.
OBSERVATION_FIELDS = (
    "instrument_name",
    "target_name",
    "proposal_pi",
    "t_obs_release",
    "provenance_name",
    "s_ra",
    "s_dec",
    "t_min",
    "t_max",
)


def download_url(uri, server):
    """MAST's download URL for a dataURI, spelled as astroquery spells it."""
    return f"{server}{DOWNLOAD_PATH}?uri={urllib.parse.quote(uri, safe=':/')}"


def safe_component(text, fallback="_"):
    """One path component made from server-supplied text, never a path of its own.

    Separators, ``.``/``..``, leading dots and anything outside ``[A-Za-z0-9._+-]`` are
    replaced, so ``"../../etc/passwd"`` becomes ``"etc_passwd"`` and stays where it is put.
    """
    parts = [p for p in re.split(r"[\\/]+", str(text)) if p not in ("", ".", "..")]
    name = _UNSAFE.sub("_", "_".join(parts)).lstrip(".")[:200]
    return name or fallback


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

    @property
    def part(self):
        return self.path.with_name(self.path.name + ".part")


@dataclass
class FileOutcome:
    """What happened to one file."""

    file: PlannedFile
    status: str  # "downloaded", "cached", "skipped", "failed", "cancelled"
    message: str = ""
    sha256: str | None = None
    requests: int = 0
    resumed_from: list = field(default_factory=list)
    seconds: float = 0.0
    downloaded_at: str | None = None


@dataclass
class FetchPlan:
    """Files a fetch would download, those already on disk, and those it must skip."""

    download_dir: Path
    to_fetch: list
    cached: list
    skipped: list
    server: str
    manifest_path: Path | None = None
    previous: object = None  # the manifest already at manifest_path, if any

    @property
    def fetch_size(self):
        return sum(f.size or 0 for f in self.to_fetch)

    @property
    def not_on_disk(self):
        """Files not yet on disk: to fetch now, or once a token is at hand."""
        return self.to_fetch + self.skipped


@dataclass
class FetchResult:
    """The outcome of :func:`fetch`: files, what went wrong, and the manifest written."""

    outcomes: list
    download_dir: Path
    manifest: object = None
    interrupted: bool = False
    seconds: float = 0.0

    def _with(self, *statuses):
        return [o for o in self.outcomes if o.status in statuses]

    @property
    def downloaded(self):
        return self._with("downloaded")

    @property
    def cached(self):
        return self._with("cached")

    @property
    def skipped(self):
        return self._with("skipped")

    @property
    def failed(self):
        return self._with("failed", "cancelled")

    @property
    def paths(self):
        """Paths of every file now complete on disk."""
        return [o.file.path for o in self._with("downloaded", "cached")]

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
        """Fetch again the files that failed, adding them to the same manifest."""
        files = [o.file for o in self.failed]
        path = kwargs.pop("manifest", self.manifest.path if self.manifest is not None else None)
        return _run(
            files,
            [],
            [],
            self.download_dir,
            manifest=path,
            previous=_previous_manifest(path),
            **kwargs,
        )


# --- planning ----------------------------------------------------------------------------------


def _rows(products):
    from astropy.table import Row, Table

    from ..provenance.manifest import plain

    if isinstance(products, list) and all(isinstance(r, dict) for r in products):
        return [{k: plain(v) for k, v in r.items()} for r in products]  # manifest records
    if isinstance(products, Row):
        products = Table(products.table[products.index : products.index + 1])
    if not isinstance(products, Table):
        raise InputError("fetch takes a table of products (from glue_mast.products)")
    missing = {"dataURI", "productFilename"} - set(products.colnames)
    if missing:
        raise InputError(f"the products table has no {', '.join(sorted(missing))} column")
    return [{name: plain(row[name]) for name in products.colnames} for row in products]


def _is_exclusive(row, now_mjd):
    if str(row.get("dataRights") or "PUBLIC").upper() != "PUBLIC":
        return True
    release = row.get("t_obs_release")
    return isinstance(release, (int, float)) and release > now_mjd


def _record(row):
    from ..provenance.manifest import DATASET_FIELDS

    record = {k: row.get(k) for k in DATASET_FIELDS if k in row}
    record["obsid"] = row.get("obsid") or row.get("obsID")
    record["parent_obsid"] = row.get("parent_obsid") or row.get("obsID")
    for name in OBSERVATION_FIELDS:
        if row.get(name) is not None:
            record[name] = row[name]
    return record


def plan(
    products, download_dir=None, *, token=None, expected=None, server=None, previous=None, urls=None
):
    """Decide what a fetch of ``products`` into ``download_dir`` would do, with no request.

    Parameters
    ----------
    products : `~astropy.table.Table`
        Products (from :func:`glue_mast.products`).
    download_dir : path-like
        Root of the layout ``DIR/<collection>/<obs_id>/<file>``.
    token : str, optional
        Whether a token is available decides if exclusive-access files are skipped.
    expected : dict, optional
        dataURI -> ``{"sha256": ..., "size": ..., "path": ...}`` to insist on (reproduce).
    previous : `~glue_mast.provenance.Manifest`, optional
        A manifest already in the directory: its checksums tell complete files from corrupt
        ones of the right size.
    urls : dict, optional
        dataURI -> URL to fetch from instead of MAST's download service (cloud copies).
    """
    from astropy.time import Time

    server = server or config.current_server()
    root = Path(download_dir or config.current_download_dir()).resolve()
    now_mjd = Time.now().mjd
    to_fetch, cached, skipped, claimed = [], [], [], {}
    seen = set()
    for row in _rows(products):
        uri = row["dataURI"]
        if not uri or uri in seen:
            continue
        seen.add(uri)
        want = (expected or {}).get(uri, {})
        if want.get("path"):
            path = root / want["path"]
        else:
            path = (
                root
                / safe_component(row.get("obs_collection") or "MAST")
                / safe_component(row.get("obs_id") or row.get("obsID") or "unknown")
                / safe_component(row.get("productFilename") or uri.rsplit("/", 1)[-1])
            )
        path = _unclaimed(path, uri, claimed)
        if not path.resolve().is_relative_to(root):  # defence in depth; cannot happen
            raise InputError(f"refusing to write outside {root}: {path}")
        size = want.get("size", row.get("size"))
        f = PlannedFile(
            uri=uri,
            url=(urls or {}).get(uri) or download_url(uri, server),
            path=path,
            size=int(size) if size else None,
            record=_record(row),
            exclusive=_is_exclusive(row, now_mjd),
            sha256=want.get("sha256"),
        )
        if f.exclusive and token is None:
            # The token is looked up only when a file needs one: the keyring costs 0.15 s.
            token = auth.token() or ""
        if f.exclusive and not token:
            skipped.append(f)
        elif _complete_on_disk(f, previous):
            cached.append(f)
        else:
            to_fetch.append(f)
    return FetchPlan(root, to_fetch, cached, skipped, server)


def _unclaimed(path, uri, claimed):
    # Two products whose names clean up to the same file get distinct names.
    while str(path) in claimed and claimed[str(path)] != uri:
        import hashlib

        tag = hashlib.sha256(uri.encode()).hexdigest()[:8]
        path = path.with_name(f"{path.stem}-{tag}{path.suffix}")
    claimed[str(path)] = uri
    return path


def _complete_on_disk(f, previous):
    """Whether ``f`` is already complete, judged from the disk alone (no request)."""
    from ..provenance.manifest import sha256_of

    try:
        size = f.path.stat().st_size if f.path.is_file() else None
    except OSError:
        return False
    if size is None:
        return False
    known = previous.dataset_for(f.path) if previous is not None else None
    want_sha = f.sha256 or (known or {}).get("sha256")
    want_size = f.size if f.size is not None else (known or {}).get("size")
    if want_size is None or size != want_size:
        return False
    return want_sha is None or sha256_of(f.path) == want_sha


# --- transfers ---------------------------------------------------------------------------------


class _Cancelled(Exception):
    pass


class _Progress:
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


class _Downloader:
    def __init__(
        self, *, server, token, retries, backoff, timeout, progress, cancel, max_wait=120.0
    ):
        self.server = server
        self.token = token
        self.retries = max(1, int(retries))
        self.backoff = float(backoff)
        self.timeout = timeout
        self.progress = progress
        self.cancel = cancel
        self.max_wait = max_wait
        self._local = threading.local()

    def _session(self):
        session = getattr(self._local, "session", None)
        if session is None:
            from importlib import metadata

            session = requests.Session()
            try:
                version = metadata.version("glue-mast")
            except metadata.PackageNotFoundError:
                version = "dev"
            session.headers["User-Agent"] = f"glue-mast/{version} {session.headers['User-Agent']}"
            self._local.session = session
        return session

    def _wait(self, seconds):
        if self.cancel.wait(max(0.0, seconds)):
            raise _Cancelled

    def _backoff(self, attempt):
        delay = min(30.0, self.backoff * 2 ** (attempt - 1))
        return delay * (1 + random.random() * 0.1)

    def _get(self, url, offset):
        """GET with redirects followed by hand: the token goes to the MAST origin only."""
        requests_made = 0
        for _ in range(_MAX_REDIRECTS + 1):
            headers = {"Accept-Encoding": "identity"}
            if offset:
                headers["Range"] = f"bytes={offset}-"
            if self.token and auth.token_allowed(url, self.server):
                headers["Cookie"] = f"mast_token={self.token}"
            response = self._session().get(
                url, headers=headers, stream=True, allow_redirects=False, timeout=self.timeout
            )
            requests_made += 1
            if response.is_redirect and response.headers.get("Location"):
                url = urllib.parse.urljoin(url, response.headers["Location"])
                response.close()
                continue
            return response, requests_made
        raise requests.TooManyRedirects(f"more than {_MAX_REDIRECTS} redirects")

    def fetch_one(self, f):
        start = time.perf_counter()
        outcome = FileOutcome(f, "failed")
        try:
            self._fetch(f, outcome)
        except _Cancelled:
            outcome.status, outcome.message = "cancelled", "interrupted"
        except requests.RequestException as exc:  # before OSError: they are OSErrors too
            outcome.status = "failed"
            outcome.message = f"{f.uri}: {type(exc).__name__}: {auth.redact(_short(exc))}"
        except OSError as exc:
            outcome.status = "failed"
            outcome.message = _disk_message(exc)
        outcome.seconds = time.perf_counter() - start
        self.progress.done(outcome)
        return outcome

    def _fetch(self, f, outcome):
        if self.cancel.is_set():
            raise _Cancelled
        f.path.parent.mkdir(parents=True, exist_ok=True)
        part = f.part
        last_error = "no attempt made"
        mismatches = 0
        for attempt in range(1, self.retries + 1):
            offset = part.stat().st_size if part.exists() else 0
            if f.size is not None and offset > f.size:
                part.unlink()
                offset = 0
            if f.size is not None and offset == f.size:
                if self._finish(f, outcome):  # complete from an earlier attempt: no request
                    return
                mismatches += 1
                last_error = outcome.message
                if mismatches >= 2:
                    break
                continue
            try:
                response, made = self._get(f.url, offset)
            except (requests.ConnectionError, requests.Timeout) as exc:
                outcome.requests += 1
                last_error = f"{type(exc).__name__}: {auth.redact(_short(exc))}"
                self._wait(self._backoff(attempt))
                continue
            outcome.requests += made
            with response:
                verdict = self._answer(f, response, offset, outcome)
                if verdict == "fail":
                    return
                if verdict == "retry":
                    last_error = outcome.message
                    wait = _retry_after(response) if response.status_code in (429, 503) else None
                    if wait is not None and wait > self.max_wait:
                        outcome.message = (
                            f"MAST asked to wait {wait:.0f} s before retrying "
                            f"{f.path.name}; try again later"
                        )
                        return
                    self._wait(self._backoff(attempt) if wait is None else wait)
                    continue
                if verdict == "restart":
                    part.unlink(missing_ok=True)
                    last_error = outcome.message
                    continue
                if offset and response.status_code == 206:
                    outcome.resumed_from.append(offset)
                try:
                    self._stream(f, response, append=response.status_code == 206)
                except (
                    requests.exceptions.ChunkedEncodingError,
                    requests.ConnectionError,
                    requests.Timeout,
                    urllib3_errors.HTTPError,
                ) as exc:
                    got = part.stat().st_size if part.exists() else 0
                    last_error = (
                        f"connection broken after {got:,} of "
                        f"{f.size or '?'} bytes ({type(exc).__name__})"
                    )
                    self._wait(self._backoff(attempt))
                    continue
            got = part.stat().st_size
            expected = f.size if f.size is not None else _total_size(response, offset)
            if expected is not None and got < expected:
                last_error = f"body ended after {got:,} of {expected:,} bytes"
                continue  # resume at once: the server answered, it just sent too little
            if expected is not None and got > expected:
                part.unlink()
                last_error = f"got {got:,} bytes, more than the {expected:,} expected"
                continue
            if self._finish(f, outcome):
                return
            last_error = outcome.message
            # Twice the wrong bytes is not bad luck: the server holds a different file now.
            mismatches += 1
            if mismatches >= 2:
                break
        outcome.status = "failed"
        outcome.message = f"gave up on {f.uri} after {attempt} attempts: {auth.redact(last_error)}"

    def _answer(self, f, response, offset, outcome):
        """Judge a response: "ok" to stream it, or "retry", "restart", "fail"."""
        status = response.status_code
        if status in (401, 403):
            outcome.status = "failed"
            if f.exclusive and self.token and auth.token_allowed(response.url, self.server):
                outcome.message = (
                    f"MAST refused the token for {f.uri} (HTTP {status}): it may "
                    "have expired or not cover this proposal; get a new one at "
                    "https://auth.mast.stsci.edu/token"
                )
            elif f.exclusive and self.token:
                outcome.message = (
                    f"{f.uri} was redirected to another host, which asked for "
                    "credentials; glue-mast sends the token to the MAST server "
                    "only"
                )
            else:
                outcome.message = (
                    f"{f.uri} needs a MAST token (HTTP {status}); set "
                    "MAST_API_TOKEN or call glue_mast.configure(token=...)"
                )
            return "fail"
        if status == 404:
            outcome.message = f"MAST has no file at {f.uri} (HTTP 404)"
            return "fail"
        if status == 416:
            outcome.message = "the server could not resume the partial file"
            return "restart"
        if status in (408, 429, 500, 502, 503, 504):
            outcome.message = f"HTTP {status} {response.reason}"
            return "retry"
        if status not in (200, 206):
            outcome.message = f"HTTP {status} {response.reason} for {f.uri}"
            return "fail"
        if status == 206 and _range_start(response) != offset:
            outcome.message = "the server resumed at the wrong byte"
            return "restart"
        return "ok"

    def _stream(self, f, response, append):
        # read1 hands over whatever has arrived: when a connection breaks, what came before
        # the break is on disk to resume from (a fixed-size read would discard it).
        raw = response.raw
        with open(f.part, "ab" if append else "wb") as out:
            while chunk := raw.read1(_CHUNK):
                if self.cancel.is_set():
                    raise _Cancelled
                out.write(chunk)
                self.progress.advance(len(chunk), f)
            out.flush()
            os.fsync(out.fileno())

    def _finish(self, f, outcome):
        from ..provenance.manifest import sha256_of, utc_now

        digest = sha256_of(f.part)
        if f.sha256 and digest != f.sha256:
            f.part.unlink()
            outcome.message = (
                f"{f.path.name} arrived with sha256 {digest[:12]}..., not the "
                f"{f.sha256[:12]}... expected"
            )
            return False
        os.replace(f.part, f.path)
        outcome.status, outcome.sha256 = "downloaded", digest
        outcome.downloaded_at = utc_now()
        outcome.message = ""
        return True


def _short(exc):
    text = str(exc)
    return text if len(text) < 200 else text[:200] + "..."


def _disk_message(exc):
    where = f" {exc.filename}" if getattr(exc, "filename", None) else ""
    reason = exc.strerror or str(exc)
    return f"could not write{where}: {reason}; check the disk space and permissions"


def _retry_after(response):
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, when.timestamp() - time.time()) if when else None


def _range_start(response):
    match = re.match(r"bytes (\d+)-", response.headers.get("Content-Range", ""))
    return int(match.group(1)) if match else None


def _total_size(response, offset):
    match = re.match(r"bytes \d+-\d+/(\d+)", response.headers.get("Content-Range", ""))
    if match:
        return int(match.group(1))
    length = response.headers.get("Content-Length")
    if length is None:
        return None
    return int(length) + (offset if response.status_code == 206 else 0)


# --- the front door ----------------------------------------------------------------------------


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
    return _run(
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


def plan_fetch(products, download_dir=None, *, manifest=True, token=None, cloud=False):
    """What :func:`fetch` with the same arguments would do, decided with no download.

    Checks the manifest path and reads the manifest already there (its checksums tell
    complete files from corrupt ones), then :func:`plan`. For ``--dry-run`` and
    ``--curl-script``.
    """
    root = Path(download_dir or config.current_download_dir()).resolve()
    manifest_path = _manifest_path(manifest, root)
    previous = _previous_manifest(manifest_path)
    urls = _cloud_urls(products) if cloud else None
    fetch_plan = plan(products, root, token=token, previous=previous, urls=urls)
    fetch_plan.manifest_path, fetch_plan.previous = manifest_path, previous
    return fetch_plan


def _manifest_path(manifest, root):
    if manifest is True:
        return root / "manifest.json"
    if not manifest:
        return None
    path = Path(manifest).resolve()
    if path.is_dir():
        raise InputError(f"manifest {manifest} is a directory; give a file name")
    # Paths in a manifest are relative to it and never climb out of its directory, so that
    # reproducing a manifest can only write below it.
    if not root.is_relative_to(path.parent):
        raise InputError(
            f"put the manifest in {root} or a directory above it, not in "
            f"{path.parent}: its paths must stay inside its own directory"
        )
    return path


def _previous_manifest(path):
    from ..provenance.manifest import Manifest

    if path is None or not path.exists():
        return None
    try:
        return Manifest.read(path)
    except InputError as exc:
        raise InputError(
            f"{exc}; it will not be overwritten: choose another manifest path"
        ) from None


def _queries_from(products):
    meta = getattr(products, "meta", {}) or {}
    return list(meta.get("queries") or [])


def _cloud_urls(products):
    from . import server

    obs = server.observations()
    with server.LOCK, server.astroquery_call("asking for cloud copies"):
        try:
            obs.enable_cloud_dataset(verbose=False)
        except (ImportError, ModuleNotFoundError):
            raise InputError("cloud fetches need boto3: pip install 'glue-mast[cloud]'") from None
        uris = obs.get_cloud_uris(products, full_url=True)
    return {row["dataURI"]: url for row, url in zip(products, uris, strict=True) if url}


def _run(
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
    outcomes = [FileOutcome(f, "cached", "already complete on disk") for f in cached]
    outcomes += [
        FileOutcome(f, "skipped", "exclusive access: needs a MAST token (MAST_API_TOKEN)")
        for f in skipped
    ]
    bar = _Progress(progress, sum(f.size or 0 for f in to_fetch), len(to_fetch))
    cancel = threading.Event()
    downloader = _Downloader(
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
                outcomes.append(FileOutcome(f, "cancelled", "interrupted"))
    finally:
        pool.shutdown(wait=True)
        bar.close()
    result = FetchResult(
        outcomes, root, interrupted=interrupted, seconds=time.perf_counter() - started
    )
    if manifest is not None:
        result.manifest = _write_manifest(result, manifest, previous, server, queries, doi)
    if interrupted:
        raise KeyboardInterrupt
    return result


def _write_manifest(result, path, previous, server, queries, doi):
    from ..provenance.manifest import Manifest, sha256_of

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
        if outcome.status not in ("downloaded", "cached"):
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
            downloaded=outcome.downloaded_at or old.get("downloaded") or _mtime_iso(f.path),
        )
        given = doi.get(f.uri) if isinstance(doi, dict) else doi
        if given:
            record["doi"] = given
        m.add_dataset(record)
    m.write(path)
    return m


def _mtime_iso(path):
    import datetime

    stamp = datetime.datetime.fromtimestamp(path.stat().st_mtime, datetime.timezone.utc)
    return stamp.replace(microsecond=0).isoformat().replace("+00:00", "Z")


# --- scripts for later -------------------------------------------------------------------------


def write_curl_script(fetch_plan, path):
    """Write a POSIX shell script that downloads ``fetch_plan``'s files with curl later.

    Like astroquery's ``curl_flag``, but written here rather than by MAST's bundle service, so
    that it keeps glue-mast's layout, resumes partial files (``curl -C -``), checks each file's
    size before giving it its final name, and reads the token from ``MAST_API_TOKEN`` when it
    runs: the script itself never contains a token.
    """
    import shlex

    from ..provenance.manifest import atomic_write

    path = Path(path).resolve()
    root = fetch_plan.download_dir
    files = fetch_plan.not_on_disk
    lines = [
        "#!/bin/sh",
        f"# Written by glue-mast: {len(files)} files, {sum(f.size or 0 for f in files):,} bytes "
        f"from {fetch_plan.server}.",
        "# Files go under the directory below; exclusive-access files need MAST_API_TOKEN.",
        "set -eu",
        f"ROOT={shlex.quote(os.fspath(root))}",
        "",
        "fetch() {",
        '  url=$1; dest="$ROOT/$2"; size=$3; token=$4',
        '  if [ -f "$dest" ] && [ "$(wc -c < "$dest")" -eq "$size" ]; then',
        '    echo "have $2"; return 0',
        "  fi",
        '  mkdir -p "$(dirname "$dest")"',
        '  echo "fetching $2"',
        '  if [ "$token" = 1 ]; then',
        '    if [ -z "${MAST_API_TOKEN:-}" ]; then echo "skip $2: needs MAST_API_TOKEN" >&2;'
        " return 0; fi",
        "    curl --fail --silent --show-error --retry 5 --retry-delay 2 -C - \\",
        '      -H "Cookie: mast_token=$MAST_API_TOKEN" -o "$dest.part" "$url"',
        "  else",
        "    curl --fail --silent --show-error --location --retry 5 --retry-delay 2 -C - \\",
        '      -o "$dest.part" "$url"',
        "  fi",
        '  got=$(wc -c < "$dest.part")',
        '  if [ "$size" -gt 0 ] && [ "$got" -ne "$size" ]; then',
        '    echo "incomplete $2: $got of $size bytes; run the script again" >&2; return 1',
        "  fi",
        '  mv "$dest.part" "$dest"',
        "}",
        "",
    ]
    for f in files:
        relative = f.path.relative_to(root).as_posix()
        lines.append(
            f"fetch {shlex.quote(f.url)} {shlex.quote(relative)} {f.size or 0} "
            f"{1 if f.exclusive else 0}"
        )
    atomic_write(path, "\n".join(lines) + "\n")
    path.chmod(0o755)
    return path
