"""A MAST-compatible HTTP server on loopback, speaking MAST's wire protocol as astroquery does.

Endpoints, those astroquery.mast calls (``astroquery/mast/discovery_portal.py``,
``services.py``, ``utils.py``, ``auth.py``):

- ``POST /api/v0/invoke``: the portal Mashup API (``Mast.Caom.Cone``,
  ``Mast.Caom.Filtered[.Position]``, ``Mast.Caom.Products``, ``Mast.Caom.All``,
  ``Mast.Name.Lookup``), with ``COUNT_BIG(*)`` counts and paging that echoes the page asked for;
- ``POST /portal/Mashup/Mashup.asmx/columnsconfig``: column configs, always JSON;
- ``GET /Santa-war/query``: the SANTA name resolver astroquery calls for ``objectname``;
- ``GET``/``HEAD /api/v0.1/Download/file?uri=``: files, with ``Range`` and ``Content-Length``;
  exclusive-access files need a token (cookie ``mast_token`` or an ``Authorization`` header);
- ``POST /api/v0.1/Download/bundle.sh``: a curl script for a list of URIs;
- ``GET /whoami``: token check;
- ``GET /api/v0.1/path_lookup/?uri=``: where a file lives, for astroquery's cloud lookups.

:class:`~glue_mast.testing.faults.Faults` holds the knobs tests turn: latency, a bandwidth
cap, HTTP errors with ``Retry-After``, connections dropped mid-body, truncated bodies,
``EXECUTING`` polls, malformed JSON, stalls and redirects; files that change between requests
(a new ETag and Last-Modified), product lists that give a size other than the one served, and
redirects with a raw ``Location`` of the test's making. Downloads
(`glue_mast.testing.downloads`) carry ``ETag`` and ``Last-Modified`` and honour ``If-Range`` (a
validator that no longer matches gets the whole file, ``200``). Every request is
logged in :attr:`ArchiveServer.log`.
"""

from __future__ import annotations

import hashlib
import json
import math
import socket
import struct
import threading
import time
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import catalog_services, cloud
from .catalog import QueryError, product_json_row
from .downloads import DOWNLOAD_PATH, DownloadHandler
from .faults import Faults
from .snapshot import OBSERVATION_FIELDS, PRODUCT_FIELDS, TARGETS

__all__ = ["DOWNLOAD_PATH", "ArchiveServer", "Faults", "RequestRecord"]

INVOKE_PATH = "/api/v0/invoke"
COLUMNS_CONFIG_PATH = "/portal/Mashup/Mashup.asmx/columnsconfig"
#: Discrete fields whose histograms ``Mast.Caom.All`` returns (MAST's has these among others).
CAOM_ALL_FACETS = ("dataproduct_type", "obs_collection", "instrument_name")


@dataclass
class RequestRecord:
    """One request as the archive saw it."""

    method: str
    path: str
    query: dict
    headers: dict
    service: str | None = None
    request: dict | None = None
    status: int | None = None
    bytes_sent: int = 0
    host: str = ""
    #: ``time.monotonic()`` when the request arrived, before any injected latency.
    time: float = 0.0
    #: True once the archive is done with the request (answered, or its client gone).
    finished: bool = False


class ArchiveServer(ThreadingHTTPServer):
    """The HTTP server; :class:`glue_mast.testing.LocalArchive` is the usual way to run it."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address, catalog, column_configs, *, tokens=None):
        super().__init__(address, _Handler)
        self.catalog = catalog
        self.column_configs = column_configs
        self.faults = Faults()
        #: Valid tokens and the user each belongs to.
        self.tokens = dict(tokens or {})
        self.log: list[RequestRecord] = []
        self._log_lock = threading.Lock()
        #: Downloads being served right now, and the most there have been at once.
        self.downloads_in_flight = 0
        self.max_downloads_in_flight = 0
        self._etags = {}

    def etag(self, uri, version, data):
        """A strong ETag for one version of a file (the catalog's computed once)."""
        if version:
            return f'"{hashlib.sha256(data).hexdigest()[:20]}"'
        if uri not in self._etags:
            self._etags[uri] = f'"{hashlib.sha256(data).hexdigest()[:20]}"'
        return self._etags[uri]

    #: An open text file to which each request is also written as a JSON line, or None
    #: (for archives in another process: ``python -m glue_mast.testing --request-log``).
    request_log = None

    def record(self, rec):
        with self._log_lock:
            self.log.append(rec)

    def handle_error(self, request, client_address):
        import sys

        # A client that goes away mid-answer (a cancelled fetch, one that stopped reading
        # because its disk is full) is not the archive's error: no traceback on stderr.
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)

    def finish_record(self, rec):
        """Called when a request has been answered."""
        rec.finished = True
        if self.request_log is not None:
            line = json.dumps(
                {
                    "time": rec.time,
                    "method": rec.method,
                    "path": rec.path,
                    "service": rec.service,
                    "status": rec.status,
                    "range": rec.headers.get("Range"),
                    "bytes": rec.bytes_sent,
                }
            )
            with self._log_lock:
                self.request_log.write(line + "\n")
                self.request_log.flush()


class _Handler(DownloadHandler, BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate sends; with Nagle's algorithm the body would wait
    # for the client's delayed ACK, some 40 ms per response.
    disable_nagle_algorithm = True
    server: ArchiveServer

    def handle_one_request(self):
        self._rec = None
        try:
            super().handle_one_request()
        finally:
            if self._rec is not None:
                self.server.finish_record(self._rec)

    def log_message(self, format, *args):
        pass  # the archive keeps its own structured log

    # -- plumbing --------------------------------------------------------------------------

    def _begin(self):
        parsed = urllib.parse.urlsplit(self.path)
        self._path = parsed.path
        self._query = urllib.parse.parse_qs(parsed.query, keep_blank_values=True)
        self._rec = RequestRecord(
            method=self.command,
            path=parsed.path,
            query=self._query,
            headers={k: v for k, v in self.headers.items()},
            host=self.headers.get("Host", ""),
            time=time.monotonic(),
        )
        self.server.record(self._rec)
        faults = self.server.faults
        if faults.latency:
            time.sleep(faults.latency)
        key = self.path
        stall = faults._take("stall", key)
        if stall:
            faults._stalls_over.wait(stall["seconds"])  # reset() ends it early

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(
        self, status, body=b"", content_type="application/json", headers=None, head_only=False
    ):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self._rec.status = status
        if not head_only and body:
            self._write(body)

    def _write(self, body):
        bandwidth = self.server.faults.bandwidth
        if not bandwidth:
            self.wfile.write(body)
            self._rec.bytes_sent += len(body)
            return
        chunk = max(1024, int(bandwidth / 20))
        for start in range(0, len(body), chunk):
            piece = body[start : start + chunk]
            # Wait before sending, so that no byte arrives sooner than the cap allows.
            time.sleep(len(piece) / bandwidth)
            self.wfile.write(piece)
            self.wfile.flush()
            self._rec.bytes_sent += len(piece)

    def _send_json(self, obj, status=200):
        self._send(status, json.dumps(obj, allow_nan=False))

    def _error_fault(self, *keys):
        rule = self.server.faults._take("error", *keys)
        if not rule:
            return False
        headers = {}
        if rule["retry_after"] is not None:
            headers["Retry-After"] = str(rule["retry_after"])
        body = rule["body"] or f"{rule['status']} error injected by the local archive"
        self._send(rule["status"], body, "text/plain", headers, head_only=self.command == "HEAD")
        return True

    def _abort(self):
        # SO_LINGER with a zero timeout makes close() send RST: a dropped connection, as
        # opposed to a clean early close.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    # -- dispatch --------------------------------------------------------------------------

    def do_GET(self):
        self._begin()
        self._dispatch_get(head_only=False)

    def do_HEAD(self):
        self._begin()
        self._dispatch_get(head_only=True)

    def _dispatch_get(self, head_only):
        if self._error_fault(self.path):
            return
        if self._path == DOWNLOAD_PATH:
            return self._download(head_only)
        if self._path == "/Santa-war/query":
            return self._santa()
        if self._path == "/whoami":
            return self._whoami()
        if self._path == cloud.PATH_LOOKUP:
            return cloud.path_lookup(self)
        if self._path.startswith(catalog_services.CATALOGS_API):
            return catalog_services.catalogs_api(self, b"")
        self._send(404, f"No such endpoint: {self._path}", "text/plain", head_only=head_only)

    def do_POST(self):
        self._begin()
        body = self._body()
        if self._path == INVOKE_PATH:
            return self._invoke(body)
        if self._error_fault(self.path):
            return
        if self._path == COLUMNS_CONFIG_PATH:
            return self._columns_config(body)
        if self._path.startswith(catalog_services.CATALOGS_API):
            return catalog_services.catalogs_api(self, body)
        if self._path in ("/api/v0.1/Download/bundle.sh", "/api/v0.1/Download/bundle"):
            return self._bundle(body)
        self._send(404, f"No such endpoint: {self._path}", "text/plain")

    # -- Mashup ----------------------------------------------------------------------------

    def _columns_config(self, body):
        form = urllib.parse.parse_qs(body.decode())
        name = (form.get("colConfigId") or [""])[0]
        if self.server.faults._take("malformed", name, self.path) is not None:
            return self._send(200, b'{"obs_collection": {"vot.datatype": ')
        self._send_json(self.server.column_configs.get(name, {}))

    def _invoke(self, body):
        try:
            form = urllib.parse.parse_qs(body.decode())
            request = json.loads(form["request"][0])
            service = request["service"]
        except (KeyError, ValueError, UnicodeDecodeError):
            return self._send_json(
                {"status": "ERROR", "msg": "Malformed Mashup request", "data": [], "fields": []}
            )
        self._rec.service, self._rec.request = service, request
        faults = self.server.faults
        if self._error_fault(service, self.path):
            return
        if faults._take("malformed", service) is not None:
            return self._send(200, b'{"status": "COMPLETE", "data": [{"obsid": ')
        if faults._take("executing", service) is not None:
            return self._send_json({"status": "EXECUTING", "msg": "", "data": [], "fields": []})
        handlers = {
            "Mast.Caom.Cone": self._caom_cone,
            "Mast.Caom.Filtered": self._caom_filtered,
            "Mast.Caom.Filtered.Position": self._caom_filtered,
            "Mast.Caom.Products": self._caom_products,
            "Mast.Caom.All": self._caom_all,
            "Mast.Name.Lookup": self._name_lookup,
        }
        handler = handlers.get(service) or catalog_services.portal_handler(self, service)
        if handler is None:
            return self._send_json(
                {"status": "ERROR", "msg": f"Unknown service: {service}", "data": [], "fields": []}
            )
        try:
            self._send_json(handler(request))
        except QueryError as exc:
            self._send_json({"status": "ERROR", "msg": str(exc), "data": [], "fields": []})

    def _page_response(self, request, total, make_rows, fields):
        pagesize = int(request.get("pagesize") or 50000)
        page = int(request.get("page") or 1)
        if pagesize < 1 or page < 1:
            raise QueryError("page and pagesize must be positive")
        start = (page - 1) * pagesize
        rows = make_rows(start, min(total, start + pagesize))
        return {
            "status": "COMPLETE",
            "msg": "",
            "data": rows,
            "fields": [{"name": n, "type": t} for n, t in fields.items()]
            + [{"name": "_selected_", "type": "boolean"}],
            "paging": {
                "page": page,
                "pageSize": pagesize,
                "pagesFiltered": math.ceil(total / pagesize),
                "rows": len(rows),
                "rowsFiltered": total,
                "rowsTotal": total,
            },
        }

    def _observation_page(self, request, indexes, distances, columns):
        catalog = self.server.catalog
        if columns.strip() == "COUNT_BIG(*)":
            return self._page_response(
                request, 1, lambda a, b: [{"Column1": len(indexes)}][a:b], {"Column1": "string"}
            )
        fields = dict(OBSERVATION_FIELDS)
        if columns.strip() not in ("*", ""):
            names = [c.strip() for c in columns.split(",")]
            unknown = [n for n in names if n not in fields and n != "distance"]
            if unknown:
                raise QueryError(f"Invalid column name '{unknown[0]}'")
            fields = {n: fields.get(n, "float") for n in names}
        elif distances is not None:
            fields["distance"] = "float"

        def make_rows(a, b):
            rows = catalog.rows(indexes[a:b], [n for n in fields if n != "distance"])
            near = distances[a:b].tolist() if distances is not None else [0.0] * len(rows)
            for row, distance in zip(rows, near, strict=True):
                if "distance" in fields:
                    row["distance"] = distance
                row["_selected_"] = None
            return rows

        return self._page_response(request, len(indexes), make_rows, fields)

    def _caom_cone(self, request):
        params = request.get("params", {})
        try:
            position = (float(params["ra"]), float(params["dec"]), float(params["radius"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise QueryError("Mast.Caom.Cone needs numeric ra, dec and radius") from exc
        indexes, distances = self.server.catalog.select([], position)
        return self._observation_page(request, indexes, distances, "*")

    def _caom_filtered(self, request):
        params = request.get("params", {})
        position = None
        if request["service"].endswith(".Position"):
            try:
                position = tuple(float(x) for x in str(params["position"]).split(","))
                if len(position) != 3:
                    raise ValueError
            except (KeyError, ValueError) as exc:
                raise QueryError("position must be 'ra, dec, radius' in degrees") from exc
        filters = params.get("filters") or []
        if not isinstance(filters, list):
            raise QueryError("filters must be a list")
        indexes, distances = self.server.catalog.select(filters, position)
        return self._observation_page(request, indexes, distances, str(params.get("columns", "*")))

    def _caom_products(self, request):
        obsids = [
            o.strip()
            for o in str(request.get("params", {}).get("obsid", "")).split(",")
            if o.strip()
        ]
        if not obsids:
            raise QueryError("Mast.Caom.Products needs at least one obsid")
        rows = [
            dict(product_json_row(r), _selected_=None) for r in self.server.catalog.products(obsids)
        ]
        for row in rows:
            row["size"] = self.server.faults.listed_size(row.get("dataURI"), row.get("size"))
        return self._page_response(request, len(rows), lambda a, b: rows[a:b], PRODUCT_FIELDS)

    def _caom_all(self, request):
        # MAST's answer has a histogram per facet column; astroquery's list_missions reads the
        # obs_collection one, a search form the instrument and product-type ones as well.
        columns = []
        for order, name in enumerate(CAOM_ALL_FACETS, start=1):
            counts = self.server.catalog.histogram(name)
            hist = {"hist": [{"count": c, "key": k} for k, c in counts.items()]}
            hist.update({k: {"count": c, "key": k} for k, c in counts.items()})
            columns.append(
                {
                    "text": name,
                    "dataIndex": name,
                    "ExtendedProperties": {"cc.order": order, "histObj": hist},
                }
            )
        return {
            "status": "COMPLETE",
            "msg": "",
            "data": {
                "Tables": [
                    {
                        "name": "Table",
                        "ExtendedProperties": {"Paging": {}},
                        "Columns": columns,
                        "Fields": [{"name": n, "type": "string"} for n in CAOM_ALL_FACETS],
                        "Rows": [],
                    }
                ]
            },
        }

    def _name_lookup(self, request):
        name = str(request.get("params", {}).get("input", ""))
        return {"resolvedCoordinate": _resolve(name), "status": ""}

    # -- resolver, auth, downloads ---------------------------------------------------------

    def _santa(self):
        names = self._query.get("name", [])
        resolve_all = (self._query.get("resolveAll") or ["false"])[0].lower() == "true"
        resolver = (self._query.get("resolver") or [None])[0]
        found = []
        for name in names:
            answers = _resolve(name)
            if resolver and not resolve_all:
                answers = [a for a in answers if a["resolver"] == resolver.upper()]
            elif not resolve_all:
                answers = answers[:1]
            found.extend(answers)
        self._send_json({"resolvedCoordinate": found, "status": ""})

    def _token(self):
        cookie = self.headers.get("Cookie", "")
        for part in cookie.split(";"):
            key, _, value = part.strip().partition("=")
            if key == "mast_token" and value:
                return value
        auth = self.headers.get("Authorization", "")
        scheme, _, value = auth.partition(" ")
        if scheme.lower() in ("bearer", "token") and value:
            return value.strip()
        return None

    def _whoami(self):
        token = self._token()
        user = self.server.tokens.get(token) if token else None
        if user is None:
            return self._send_json(
                {
                    "anon": True,
                    "attrib": {},
                    "ezid": "anonymous",
                    "scopes": [],
                    "session": None,
                    "token": None,
                }
            )
        self._send_json(
            {
                "anon": False,
                "attrib": {"display_name": user, "uuid": "0000"},
                "ezid": user,
                "eppn": f"{user}@stsci.edu",
                "scopes": ["mast:user:info", "mast:exclusive_access"],
                "session": None,
                "token": "<redacted>",
            }
        )


def _resolve(name):
    return [dict(a, searchString=name.lower()) for a in TARGETS.get(name.strip().lower(), [])]
