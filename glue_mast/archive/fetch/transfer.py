"""Transfers: one file over HTTP with resume, retries, redirects by hand and verification.

The transfers are made with ``requests`` (already used by astroquery), one session per worker
thread. Each file is written under ``<name>.part`` and renamed to its final name only once its
size, and its SHA-256 where one is known, are right.
"""

from __future__ import annotations

import contextlib
import datetime
import email.utils
import enum
import errno
import hashlib
import os
import random
import re
import threading
import time
import urllib.parse

import requests
from urllib3 import exceptions as urllib3_errors

from ...errors import UnsafeRedirect
from ...util import utc_now
from .. import auth
from . import partial
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
        self._made = set()  # directories made (or found) by this fetch

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
            # The only credential a transfer sends is the MAST token (to MAST's origin only):
            # no ~/.netrc login, which requests would otherwise look for (two stat calls)
            # before every request.
            session.auth = _no_auth
            adapter = self.breaker.adapter()
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            self._local.session = session
        return session

    def _directory(self, directory):
        """Make ``directory`` (and those above it) once per fetch, with no ``stat``: a name
        taken by a file shows up as the ``.part`` failing to open."""
        if directory in self._made:
            return
        try:
            os.mkdir(directory)
        except FileExistsError:
            pass
        except FileNotFoundError:
            self._directory(directory.parent)
            with contextlib.suppress(FileExistsError):
                os.mkdir(directory)
        self._made.add(directory)

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
                partial.discard(f)
                outcome.message += "; its partial copy was removed to free the space"
        outcome.seconds = time.perf_counter() - start
        return outcome

    def _fetch(self, f, outcome):
        if self.cancel.is_set():
            raise _Cancelled
        self._directory(f.path.parent)
        part = f.part
        last_error = "no attempt made"
        mismatches = 0
        for attempt in range(1, self.retries + 1):
            offset, meta, hasher = partial.resumable(f)
            if offset and meta.get("size") == offset:
                # Complete, its bytes vouched for by its record, but renamed by no one (the
                # fetch stopped just before): it takes its name now, if its checksum is right.
                outcome.etag = meta.get("etag")
                if self._finish(f, outcome, offset, hasher.hexdigest()):
                    return
                offset, meta, hasher = 0, {}, None
            validator = partial.validator(meta) if offset else None
            try:
                response, made = self._get(f.url, offset, validator)
            except (requests.ConnectionError, requests.Timeout) as exc:
                outcome.requests += 1
                last_error = f"{type(exc).__name__}: {auth.redact(_short(exc))}"
                self._wait(self._backoff(attempt))
                continue
            outcome.requests += made
            with response:
                verdict = self._answer(f, response, offset, outcome)
                if verdict is Verdict.STREAM and offset and response.status_code == 206:
                    if not partial.same_file(meta, response, _total_size(response, offset)):
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
                    partial.discard(f)
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
                    if meta is not None:  # (None: there was no .part to begin with)
                        partial.discard(f)
                    meta = partial.write_meta(f, _total_size(response, 0), response.headers)
                    offset, hasher = 0, hashlib.sha256()
                try:
                    got = self._stream(f, response, offset, meta, hasher)
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
                partial.discard(f)
                last_error = f"got {got:,} bytes, more than the {expected:,} expected"
                continue
            outcome.etag = meta.get("etag")
            if self._finish(f, outcome, got, hasher.hexdigest()):
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

    def _stream(self, f, response, offset, meta, hasher):
        """Write the body after the ``offset`` bytes already in the ``.part`` (hashed in
        ``hasher``), checkpointing its record as it goes and whenever it stops; returns the
        size of the ``.part`` then."""
        # read1 hands over whatever has arrived: when a connection breaks, what came before
        # the break is on disk to resume from (a fixed-size read would discard it).
        raw = response.raw
        if self.cancel.is_set():  # before "wb" could empty a .part the next fetch resumes
            raise _Cancelled
        append = offset > 0
        mode = os.O_WRONLY | os.O_CREAT | _NOFOLLOW | (os.O_APPEND if append else os.O_TRUNC)
        with os.fdopen(os.open(f.part, mode, 0o644), "ab" if append else "wb") as out:
            self.progress.begin(f, out.tell())
            received, since, last = offset, 0, time.monotonic()
            try:
                while chunk := raw.read1(_CHUNK):
                    if self.cancel.is_set():
                        raise _Cancelled
                    out.write(chunk)
                    hasher.update(chunk)
                    received += len(chunk)
                    since += len(chunk)
                    self.progress.advance(len(chunk), f)
                    if since >= partial.CHECKPOINT_BYTES or (
                        time.monotonic() - last >= partial.CHECKPOINT_SECONDS
                    ):
                        out.flush()
                        meta = partial.checkpoint(f, meta, received, hasher)
                        since, last = 0, time.monotonic()
                out.flush()
                os.fsync(out.fileno())
            finally:
                # Whatever stopped the transfer, what arrived is vouched for, to resume from.
                try:
                    out.flush()
                    partial.checkpoint(f, meta, received, hasher)
                except OSError:
                    pass  # (a full disk): the .part resumes from the last checkpoint, or 0
        return received

    def _finish(self, f, outcome, size, digest):
        """Give the complete ``.part`` (whose SHA-256 is ``digest``, hashed as it arrived) its
        final name, if that checksum is the one expected."""
        if f.sha256 and digest != f.sha256:
            partial.discard(f)
            outcome.message = (
                f"{f.path.name} arrived with sha256 {digest[:12]}..., not the "
                f"{f.sha256[:12]}... expected"
            )
            return False
        with self.breaker.committing(outcome):  # not once the fetch has written its manifest
            os.replace(f.part, f.path)
            partial.meta_path(f).unlink(missing_ok=True)
            outcome.status, outcome.sha256 = FileStatus.DOWNLOADED, digest
            outcome.size = size
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


def _no_auth(request):
    """A requests auth that adds nothing (so that requests consults no ``~/.netrc``)."""
    return request


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


