"""MAST's public cloud copy on loopback: moto's S3 server holding the archive's files.

MAST copies much of its holdings to the public AWS S3 bucket ``stpubdata``; astroquery finds
a file's copy by asking MAST's path lookup service (``GET /api/v0.1/path_lookup/?uri=...``,
answered here by :func:`path_lookup`) where the file lives, turning that path into a key of
the bucket, and asking the bucket (``head_object``) whether the key is there.
:class:`LocalCloud` is that bucket: moto's S3 server (``moto[server]``) on loopback, real S3
over real HTTP, holding the public files of the collections MAST's cloud copy holds, at the
keys astroquery derives from the paths :func:`mast_path` gives. Files of other collections
(IUE, FUSE, the HLA, the synthetic one) and exclusive-access files have a path but no key:
astroquery finds no cloud copy for them, as it would at MAST.

boto3 (and so astroquery) is pointed at it by its standard environment variable,
``AWS_ENDPOINT_URL_S3`` (:meth:`LocalCloud.environ`). Every request the bucket receives is
logged (:attr:`LocalCloud.log`), headers included, so tests can see what was sent there.

moto keeps its buckets in process-wide state: two ``LocalCloud`` in one process share them.
"""

from __future__ import annotations

import contextlib
import re
import threading
from dataclasses import dataclass, field

__all__ = [
    "BUCKET",
    "CLOUD_COLLECTIONS",
    "PATH_LOOKUP",
    "CloudRequest",
    "LocalCloud",
    "mast_path",
    "path_lookup",
]

#: The bucket of MAST's public cloud copy.
BUCKET = "stpubdata"

#: MAST's path lookup service, which astroquery calls to place a dataURI in the bucket.
PATH_LOOKUP = "/api/v0.1/path_lookup/"

#: Collections whose public files have a cloud copy (those of MAST's bucket the local
#: archive serves); every other collection's files have none.
CLOUD_COLLECTIONS = ("HST", "JWST", "TESS", "KEPLER", "K2", "GALEX")


def mast_path(uri):
    """Where MAST keeps ``uri`` on its disks, as its path lookup service answers: e.g.
    ``/hst/public/lb4m/lb4m01010/lb4m01010_x1dsum.fits``. None for what is not a dataURI.

    HST and Kepler/K2 follow MAST's layouts (``hst/public/<4>/<9>/<file>``,
    ``kepler/public/lightcurves/...``); the others are of the same shape,
    ``<collection>/public/<file>``. astroquery strips the leading ``/`` to make the key.
    """
    match = re.fullmatch(r"mast:([A-Za-z0-9]+)/(product|url)/(.+)", str(uri))
    if not match:
        return None
    collection, kind, rest = match.group(1).lower(), match.group(2), match.group(3)
    if collection == "hst" and kind == "product":
        return f"/hst/public/{rest[:4]}/{rest[:9]}/{rest}"
    if kind == "url" and (m := re.fullmatch(r"missions/(kepler|k2)/(.+)", rest)):
        return f"/{m.group(1)}/public/{m.group(2)}"
    if kind == "url" and collection == "galex":
        return f"/galex/{rest.removeprefix('data/')}"
    return f"/{collection}/public/{rest.rsplit('/', 1)[-1]}"


def cloud_key(uri):
    """The bucket key of ``uri``'s cloud copy (astroquery's rule: the path, less its ``/``)."""
    path = mast_path(uri)
    return path.lstrip("/") if path else None


def has_cloud_copy(catalog, uri):
    """Whether MAST's cloud copy holds ``uri``: a public file of a cloud collection."""
    collection = str(uri).removeprefix("mast:").split("/", 1)[0].upper()
    return (
        uri in catalog.files and collection in CLOUD_COLLECTIONS and not catalog.is_exclusive(uri)
    )


def path_lookup(handler):
    """Answer ``GET /api/v0.1/path_lookup/?uri=...&uri=...`` as MAST does:
    ``{uri: {"status_code": 200, "path": "/hst/public/..."}}``, or 404 and a null path for a
    dataURI the archive does not hold."""
    catalog = handler.server.catalog
    answer = {}
    for uri in handler._query.get("uri", []):
        path = mast_path(uri) if catalog.file(uri) is not None else None
        answer[uri] = {"status_code": 200 if path else 404, "path": path}
    handler._send_json(answer)


@dataclass
class CloudRequest:
    """One request the bucket received."""

    method: str
    path: str
    query: str
    headers: dict = field(default_factory=dict)


class LocalCloud:
    """moto's S3 server on loopback, standing in for MAST's public bucket ``stpubdata``.

    Parameters
    ----------
    host : str
        Loopback address to bind.
    port : int
        Port; 0 picks a free one.

    Attributes
    ----------
    log : list of `CloudRequest`
        Every request received, in order.
    """

    def __init__(self, *, host="127.0.0.1", port=0):
        # moto's own server parts (what moto.server.ThreadedMotoServer assembles), with the
        # application wrapped to log each request.
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        class _QuietHandler(MotoRequestHandler):
            def log_request(self, *args, **kwargs):
                pass  # (werkzeug would print a line per request)

        self.log = []
        self._log_lock = threading.Lock()
        app = DomainDispatcherApplication(create_backend_app)

        def logged(environ, start_response):
            headers = {
                key[5:].replace("_", "-").title(): value
                for key, value in environ.items()
                if key.startswith("HTTP_")
            }
            record = CloudRequest(
                environ["REQUEST_METHOD"],
                environ.get("PATH_INFO", ""),
                environ.get("QUERY_STRING", ""),
                headers,
            )
            with self._log_lock:
                self.log.append(record)
            return app(environ, start_response)

        self._server = make_server(host, port, logged, threaded=True, request_handler=_QuietHandler)
        self._thread = None
        self._admin = None

    @property
    def endpoint_url(self):
        """The S3 endpoint, e.g. ``http://127.0.0.1:54322``."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def environ(self):
        """The environment that points boto3 (and so astroquery) at this bucket."""
        return {
            "AWS_ENDPOINT_URL_S3": self.endpoint_url,
            # (no instance-metadata lookups on a machine outside AWS: nothing to wait for)
            "AWS_EC2_METADATA_DISABLED": "true",
        }

    def start(self):
        """Serve in a background thread and create the bucket; returns self."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever, name="glue-mast-local-cloud", daemon=True
            )
            self._thread.start()
            admin = self._client()
            # (moto's state is per process: another LocalCloud may have made it)
            with contextlib.suppress(admin.exceptions.BucketAlreadyOwnedByYou):
                admin.create_bucket(Bucket=BUCKET)
        return self

    def stop(self):
        """Stop serving and close the socket."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _client(self):
        """An S3 client with credentials of its own, to fill the bucket (readers go unsigned)."""
        if self._admin is None:
            import boto3

            self._admin = boto3.client(
                "s3",
                endpoint_url=self.endpoint_url,
                region_name="us-east-1",
                aws_access_key_id="local-cloud",
                aws_secret_access_key="local-cloud",
            )
        return self._admin

    def put(self, key, data):
        """Store ``data`` at ``key``, readable by anyone (as the public bucket is)."""
        # A per-object public-read grant rather than a bucket policy: moto checks unsigned
        # HEAD requests against the object's ACL only.
        self._client().put_object(Bucket=BUCKET, Key=key, Body=data, ACL="public-read")

    def delete(self, key):
        """Remove ``key`` from the bucket."""
        self._client().delete_object(Bucket=BUCKET, Key=key)

    def keys(self):
        """Every key in the bucket."""
        pages = self._client().get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
        return [item["Key"] for page in pages for item in page.get("Contents", [])]

    def hold(self, catalog):
        """Put the cloud copies of ``catalog``'s files in the bucket; returns their keys."""
        keys = []
        for uri, (data, _) in catalog.files.items():
            if has_cloud_copy(catalog, uri):
                keys.append(cloud_key(uri))
                self.put(keys[-1], data)
        return keys

    def clear_log(self):
        """Forget the requests received so far."""
        with self._log_lock:
            self.log.clear()

    def requests(self, *, method=None):
        """Logged requests, optionally only those of ``method``."""
        return [r for r in list(self.log) if method is None or r.method == method]

    def __repr__(self):
        state = "serving" if self._thread else "not serving"
        return f"<LocalCloud s3://{BUCKET} at {self.endpoint_url} {state}>"


def describe(cloud):
    """Lines telling a person how to point boto3 at ``cloud`` (``python -m glue_mast.testing``)."""
    env = " ".join(f"{k}={v}" for k, v in cloud.environ().items())
    return [
        f"MAST's cloud copy (S3 bucket {BUCKET}) serving at {cloud.endpoint_url}",
        f"for fetch --cloud, set: {env}",
    ]
