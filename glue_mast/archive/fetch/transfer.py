"""Transfers: one file over HTTP with resume, retries, redirects by hand and verification.

The transfers are made with ``requests`` (already used by astroquery), one session per worker
thread. Each file is written under ``<name>.part`` and renamed to its final name only once its
size, and its SHA-256 where one is known, are right.
"""

from __future__ import annotations

import datetime
import email.utils
import enum
import errno
import json
import os
import random
import re
import threading
import time
import urllib.parse

import requests
from urllib3 import exceptions as urllib3_errors

from ...util import sha256_of, utc_now
from .. import auth
from .cancel import Breaker
from .cancel import TransferCancelled as _Cancelled
from .outcome import FileOutcome, FileStatus

__all__ = ["Downloader", "Verdict"]

_CHUNK = 1 << 16
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # (not on Windows, which has no such links to plant)
_MAX_REDIRECTS = 5


class Verdict(enum.Enum):
    """What to do with a response to a download request."""

    STREAM = "stream"  # write its body
    RETRY = "retry"  # wait (Retry-After or backoff) and ask again
    RESTART = "restart"  # the partial file is useless: start again from byte 0
    FAIL = "fail"  # give up on this file


class UnsafeRedirect(requests.exceptions.InvalidURL):
    """A redirect to a URL that could be sent somewhere other than where it appears to go."""


class Downloader:
    def __init__(
        self,
        *,
        server,
        token,
        retries,
        backoff,
        timeout,
        progress,
        cancel,
        max_wait=120.0,
        breaker=None,
    ):
        self.server = server
        self.token = token
        self.retries = max(1, int(retries))
        self.backoff = float(backoff)
        self.timeout = timeout
        self.progress = progress
        self.cancel = cancel
        self.max_wait = max_wait
        #: Shuts this fetch's sockets when it is cancelled (see :mod:`.cancel`).
        self.breaker = breaker if breaker is not None else Breaker()
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
            adapter = self.breaker.adapter()
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            self._local.session = session
        return session

    def _wait(self, seconds):
        if self.cancel.wait(max(0.0, seconds)):
            raise _Cancelled

    def _backoff(self, attempt):
        delay = min(30.0, self.backoff * 2 ** (attempt - 1))
        return delay * (1 + random.random() * 0.1)

    def _get(self, url, offset, validator=None):
        """GET with redirects followed by hand: the token goes to the MAST origin only.

        A resumed request carries ``If-Range`` with the first response's validator, so a file
        that changed on the server since comes whole (200) rather than spliced (RFC 9110,
        13.1.5).
        """
        requests_made = 0
        for _ in range(_MAX_REDIRECTS + 1):
            headers = {"Accept-Encoding": "identity"}
            if offset:
                headers["Range"] = f"bytes={offset}-"
                if validator:
                    headers["If-Range"] = validator
            if self.token and auth.token_allowed(url, self.server):
                headers["Cookie"] = f"mast_token={self.token}"
            response = self._session().get(
                url, headers=headers, stream=True, allow_redirects=False, timeout=self.timeout
            )
            requests_made += 1
            if response.is_redirect and response.headers.get("Location"):
                url = urllib.parse.urljoin(url, response.headers["Location"])
                response.close()
                if auth.parsers_disagree(url):
                    # The host urllib.parse sees is not the one urllib3 would connect to:
                    # no telling where the request (and the token) would go.
                    raise UnsafeRedirect(
                        f"refused a redirect to {_short(url)!r}: URL parsers disagree on "
                        "its host"
                    )
                continue
            return response, requests_made
        raise requests.TooManyRedirects(f"more than {_MAX_REDIRECTS} redirects")

    def fetch_one(self, f):
        start = time.perf_counter()
        outcome = FileOutcome(f, FileStatus.FAILED)
        try:
            self._fetch(f, outcome)
        except _Cancelled:
            outcome.status, outcome.message = FileStatus.CANCELLED, "interrupted"
        except requests.RequestException as exc:  # before OSError: they are OSErrors too
            outcome.status = FileStatus.FAILED
            outcome.message = f"{f.uri}: {type(exc).__name__}: {auth.redact(_short(exc))}"
        except OSError as exc:
            outcome.status = FileStatus.FAILED
            outcome.message = _disk_message(exc)
            if exc.errno == errno.ENOSPC:
                # The file cannot be completed on this disk; its partial copy would only keep
                # the manifest (and every other file) from being written.
                _discard(f)
                outcome.message += "; its partial copy was removed to free the space"
        outcome.seconds = time.perf_counter() - start
        return outcome

    def _fetch(self, f, outcome):
        if self.cancel.is_set():
            raise _Cancelled
        f.path.parent.mkdir(parents=True, exist_ok=True)
        part = f.part
        last_error = "no attempt made"
        mismatches = 0
        for attempt in range(1, self.retries + 1):
            offset, meta = _resumable(f)
            if offset and meta.get("size") == offset:
                # Complete from an earlier run, but renamed by no one: only a known checksum
                # can vouch for it (_finish checks); with none, its bytes are fetched again.
                if f.sha256 and self._finish(f, outcome, meta.get("size")):
                    return
                _discard(f)
                offset, meta = 0, {}
            try:
                response, made = self._get(f.url, offset, _validator(meta) if offset else None)
            except (requests.ConnectionError, requests.Timeout) as exc:
                outcome.requests += 1
                last_error = f"{type(exc).__name__}: {auth.redact(_short(exc))}"
                self._wait(self._backoff(attempt))
                continue
            outcome.requests += made
            with response:
                verdict = self._answer(f, response, offset, outcome)
                if verdict is Verdict.STREAM and offset and response.status_code == 206:
                    if not _same_file(meta, response):
                        outcome.message = "the file changed on the server since the partial copy"
                        verdict = Verdict.RESTART
                if verdict is Verdict.FAIL:
                    return
                if verdict is Verdict.RETRY:
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
                if verdict is Verdict.RESTART:
                    _discard(f)
                    last_error = outcome.message
                    continue
                resumed = bool(offset) and response.status_code == 206
                if resumed:
                    outcome.resumed_from.append(offset)
                else:
                    # A fresh body (a 200, also to a Range whose validator no longer matched):
                    # an old .part is of no use, and the new one's validator and size are
                    # noted beside it before a byte lands there.
                    if self.cancel.is_set():
                        raise _Cancelled
                    _discard(f)
                    meta = _write_meta(f, response)
                try:
                    self._stream(f, response, append=resumed)
                except (
                    requests.exceptions.ChunkedEncodingError,
                    requests.ConnectionError,
                    requests.Timeout,
                    urllib3_errors.HTTPError,
                ) as exc:
                    got = part.stat().st_size if part.exists() else 0
                    last_error = (
                        f"connection broken after {got:,} of "
                        f"{meta.get('size') or f.size or '?'} bytes ({type(exc).__name__})"
                    )
                    self._wait(self._backoff(attempt))
                    continue
            got = part.stat().st_size
            # The size the server says it is serving (Content-Range's total, else the length
            # of a whole body) decides whether the transfer is complete; the product list's
            # size only when the server says nothing.
            expected = meta.get("size")
            if expected is None:
                expected = f.size
            if expected is not None and got < expected:
                last_error = f"body ended after {got:,} of {expected:,} bytes"
                continue  # resume at once: the server answered, it just sent too little
            if expected is not None and got > expected:
                _discard(f)
                last_error = f"got {got:,} bytes, more than the {expected:,} expected"
                continue
            if self._finish(f, outcome, got):
                return
            last_error = outcome.message
            # Twice the wrong bytes is not bad luck: the server holds a different file now.
            mismatches += 1
            if mismatches >= 2:
                break
        outcome.status = FileStatus.FAILED
        outcome.message = f"gave up on {f.uri} after {attempt} attempts: {auth.redact(last_error)}"

    def _answer(self, f, response, offset, outcome):
        """Judge a response: stream it, retry later, restart from byte 0, or give up."""
        status = response.status_code
        if status in (401, 403):
            outcome.status = FileStatus.FAILED
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
            return Verdict.FAIL
        if status == 404:
            outcome.message = f"MAST has no file at {f.uri} (HTTP 404)"
            return Verdict.FAIL
        if status == 416:
            outcome.message = "the server could not resume the partial file"
            return Verdict.RESTART
        if status in (408, 429, 500, 502, 503, 504):
            outcome.message = f"HTTP {status} {response.reason}"
            return Verdict.RETRY
        if status not in (200, 206):
            outcome.message = f"HTTP {status} {response.reason} for {f.uri}"
            return Verdict.FAIL
        if status == 206 and _range_start(response) != offset:
            outcome.message = "the server resumed at the wrong byte"
            return Verdict.RESTART
        return Verdict.STREAM

    def _stream(self, f, response, append):
        # read1 hands over whatever has arrived: when a connection breaks, what came before
        # the break is on disk to resume from (a fixed-size read would discard it).
        raw = response.raw
        if self.cancel.is_set():  # before "wb" could empty a .part the next fetch resumes
            raise _Cancelled
        mode = os.O_WRONLY | os.O_CREAT | _NOFOLLOW | (os.O_APPEND if append else os.O_TRUNC)
        with os.fdopen(os.open(f.part, mode, 0o644), "ab" if append else "wb") as out:
            self.progress.begin(f, out.tell())
            while chunk := raw.read1(_CHUNK):
                if self.cancel.is_set():
                    raise _Cancelled
                out.write(chunk)
                self.progress.advance(len(chunk), f)
            out.flush()
            os.fsync(out.fileno())

    def _finish(self, f, outcome, size):
        """Give the complete ``.part`` its final name, if its checksum is the one expected."""
        digest = sha256_of(f.part)
        if f.sha256 and digest != f.sha256:
            _discard(f)
            outcome.message = (
                f"{f.path.name} arrived with sha256 {digest[:12]}..., not the "
                f"{f.sha256[:12]}... expected"
            )
            return False
        with self.breaker.committing(outcome):  # not once the fetch has written its manifest
            os.replace(f.part, f.path)
            _meta_path(f).unlink(missing_ok=True)
            outcome.status, outcome.sha256 = FileStatus.DOWNLOADED, digest
            outcome.downloaded_at = utc_now()
            outcome.message = ""
            if f.size is not None and size != f.size:
                # MAST's product list can lag the file it serves: the transfer was complete,
                # so the served file is kept, with both sizes recorded; it is never retried.
                outcome.listed_size = f.size
                outcome.message = (
                    f"the product list gives {f.size:,} bytes but the server served "
                    f"{size:,} (a complete transfer); kept the served file"
                )
        return True


def _meta_path(f):
    return f.part.with_name(f.part.name + ".meta")


def _resumable(f):
    """``(offset, meta)`` of the ``.part`` to resume, or ``(0, {})`` to start again.

    A ``.part`` is resumed only beside the record this module wrote when its first bytes
    arrived (``<name>.part.meta``: the dataURI, the server's validator and size); one nobody
    recorded, or recorded for another file, holds bytes nobody can vouch for. Nor is one
    resumed whose server gave no validator (no strong ETag, no Last-Modified): without
    ``If-Range``, the rest could come from a newer file and the splice would go unnoticed.
    """
    if f.part.is_symlink() or _meta_path(f).is_symlink():
        _discard(f)  # the link goes, not what it points at
        return 0, {}
    try:
        offset = f.part.stat().st_size if f.part.is_file() else 0
    except OSError:
        offset = 0
    if not offset:
        return 0, {}
    try:
        meta = json.loads(_meta_path(f).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        meta = None
    size = meta.get("size") if isinstance(meta, dict) else None
    if (
        not isinstance(meta, dict)
        or meta.get("uri") != f.uri
        or (size is not None and (not isinstance(size, int) or offset > size))
        or not _validator(meta)
    ):
        _discard(f)
        return 0, {}
    return offset, meta


def _write_meta(f, response):
    """Record the validator and size of a fresh response beside the ``.part``, atomically."""
    meta = {
        "uri": f.uri,
        "etag": response.headers.get("ETag"),
        "last_modified": response.headers.get("Last-Modified"),
        "size": _total_size(response, 0),
    }
    path = _meta_path(f)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.unlink(missing_ok=True)
    # O_EXCL and O_NOFOLLOW: never write through a link someone planted under this name.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o644)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(json.dumps(meta))
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)  # no fsync: a lost record only makes the .part start again
    return meta


def _validator(meta):
    """The ``If-Range`` value for a resume: a strong ETag, else the Last-Modified date."""
    etag = meta.get("etag")
    if etag and not etag.startswith("W/"):
        return etag
    return meta.get("last_modified")


def _same_file(meta, response):
    """Whether a 206 answer comes from the file the ``.part`` began with."""
    for key, header in (("etag", "ETag"), ("last_modified", "Last-Modified")):
        now = response.headers.get(header)
        if meta.get(key) and now and now != meta[key]:
            return False
    total = _total_size(response, 0)
    return meta.get("size") is None or total is None or total == meta["size"]


def _discard(f):
    f.part.unlink(missing_ok=True)
    _meta_path(f).unlink(missing_ok=True)


def _short(exc):
    text = str(exc)
    return text if len(text) < 200 else text[:200] + "..."


def _disk_message(exc):
    where = f" {exc.filename}" if getattr(exc, "filename", None) else ""
    reason = exc.strerror or str(exc)
    return f"could not write{where}: {reason}; check the disk space and permissions"


def _retry_after(response):
    """Seconds ``Retry-After`` asks for, or None when it gives no usable advice.

    RFC 9110, section 10.2.3: the value is a whole number of seconds or an HTTP date. Anything
    else ("soon", "1.5e3", "inf") is treated as absent, so the caller backs off as usual.
    """
    value = (response.headers.get("Retry-After") or "").strip()
    if not value:
        return None
    if value.isdigit() and value.isascii():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # "-0000": the date is in UTC, source unknown
        when = when.replace(tzinfo=datetime.timezone.utc)
    return max(0.0, when.timestamp() - time.time())


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


