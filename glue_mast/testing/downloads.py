"""The Download API of the local archive: files and the curl-script bundle.

Files are served with ``Range``, ``Content-Length``, ``ETag`` and ``Last-Modified``, honour
``If-Range`` (a validator that no longer matches gets the whole file, ``200``), need a token
when exclusive, and show the download faults of :class:`~glue_mast.testing.faults.Faults`.
"""

from __future__ import annotations

import email.utils
import time
import urllib.parse

__all__ = ["DOWNLOAD_PATH", "DownloadHandler"]

DOWNLOAD_PATH = "/api/v0.1/Download/file"

#: Last-Modified of every catalog file (2024-01-01); a changed file is a day later.
_EPOCH = 1704067200


class DownloadHandler:
    """The download requests of the archive's HTTP handler (a mixin of its request handler)."""

    def _download(self, head_only):
        server = self.server
        with server._log_lock:
            server.downloads_in_flight += 1
            server.max_downloads_in_flight = max(
                server.max_downloads_in_flight, server.downloads_in_flight
            )
        try:
            self._serve_download(head_only)
        finally:
            with server._log_lock:
                server.downloads_in_flight -= 1

    def _serve_download(self, head_only):
        uri = (self._query.get("uri") or [""])[0]
        faults = self.server.faults
        target = faults.redirect_downloads_to
        if target or faults.redirect_location:
            if faults.redirect_location:
                location = faults.redirect_location.replace("{path}", self.path)
            else:
                location = target.rstrip("/") + self.path
            return self._send(302, b"", "text/plain", {"Location": location}, head_only=head_only)
        found = self.server.catalog.file(uri)
        if found is None:
            return self._send(404, f"File not found: {uri}", "text/plain", head_only=head_only)
        if self.server.catalog.is_exclusive(uri):
            token = self._token()
            if token not in self.server.tokens:
                return self._send(
                    401,
                    "Unauthorized: this file is exclusive access; a valid MAST token is required",
                    "text/plain",
                    head_only=head_only,
                )
        data, content_type = found
        data, version = faults._served(uri, data, count=not head_only)
        size = len(data)
        filename = uri.rsplit("/", 1)[-1]
        headers = {
            "Accept-Ranges": "bytes",
            "Content-Disposition": f'attachment; filename="{filename}"',
        }
        etag = self.server.etag(uri, version, data)
        last_modified = email.utils.formatdate(_EPOCH + 86400 * version, usegmt=True)
        if "etag" in faults.validators:
            headers["ETag"] = etag
        if "last-modified" in faults.validators:
            headers["Last-Modified"] = last_modified
        status, start, end = 200, 0, size
        rng = self.headers.get("Range")
        if_range = self.headers.get("If-Range")
        if rng and if_range is not None and if_range.strip() not in (
            headers.get("ETag"),
            headers.get("Last-Modified"),
        ):
            rng = None  # RFC 9110, 13.1.5: the file changed, so send all of it
        if rng:
            parsed = _parse_range(rng, size)
            if parsed == "unsatisfiable":
                return self._send(
                    416,
                    b"",
                    "text/plain",
                    {"Content-Range": f"bytes */{size}"},
                    head_only=head_only,
                )
            if parsed:
                status, (start, end) = 206, parsed
                headers["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
        body = data[start:end]
        drop = None if head_only else faults._take("drop", self.path, uri)
        cut = None if head_only or drop else faults._take("truncate", self.path, uri)
        if cut and cut["honest"]:
            body = body[: cut["keep_bytes"]]
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        self._rec.status = status
        if head_only:
            return
        if drop:
            self._write(body[: drop["after_bytes"]])
            self.wfile.flush()
            # An RST makes the client discard bytes it has not read yet; a connection that
            # drops mid-body in real life does so after the client has taken what arrived.
            # (On a loaded machine a client may still read less: tests allow for it.)
            time.sleep(0.5)
            return self._abort()
        if cut and not cut["honest"]:
            self._write(body[: cut["keep_bytes"]])
            self.wfile.flush()
            self.close_connection = True
            return
        pause = faults._take("stall_body", self.path, uri)
        if pause:
            self._write(body[: pause["after_bytes"]])
            self.wfile.flush()
            faults._stalls_over.wait(pause["seconds"])
            body = body[pause["after_bytes"] :]
        self._write(body)

    def _bundle(self, body):
        uris = urllib.parse.parse_qs(body.decode()).get("uri", [])
        base = f"http://{self.headers.get('Host', '127.0.0.1')}{DOWNLOAD_PATH}"
        lines = ["#!/bin/sh", "", "cat <<EOT", "<<< Downloading MAST files", "EOT", ""]
        for uri in uris:
            path = "MAST/" + uri.split(":", 1)[-1].replace("/product/", "/")
            lines += [
                f"echo '<<< Downloading File: {uri}'",
                f"echo '                  To: {path}'",
                f"curl --globoff --location-trusted -f --progress-bar --create-dirs "
                f"--output '{path}' '{base}?uri={urllib.parse.quote(uri, safe=':/')}'",
            ]
        self._send(200, "\n".join(lines) + "\n", "text/x-sh")


def _parse_range(header, size):
    """``(start, end)`` (end exclusive) of a single byte range, ``None`` to ignore it."""
    unit, _, spec = header.partition("=")
    if unit.strip() != "bytes" or "," in spec:
        return None
    first, _, last = spec.strip().partition("-")
    try:
        if first == "":
            start, end = max(0, size - int(last)), size
        else:
            start = int(first)
            end = min(size, int(last) + 1) if last else size
    except ValueError:
        return None
    if start >= size or start >= end:
        return "unsatisfiable"
    return start, end
