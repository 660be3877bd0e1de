"""A MAST-compatible archive on loopback, for tests, benchmarks and the offline demo.

:class:`LocalArchive` serves a consistent snapshot of MAST (observations near a few named
targets across IUE, HST COS and STIS, JWST NIRSpec, FUSE, GALEX, Kepler, K2 and TESS; their
products; files in the real MAST layouts; a 100,000-row synthetic collection for paging; some
exclusive-access rows) over real HTTP, speaking the wire protocol astroquery.mast speaks.
The real astroquery client talks to it: nothing is mocked.

Example
-------
>>> from glue_mast.testing import LocalArchive
>>> import glue_mast
>>> with LocalArchive() as archive:                        # doctest: +SKIP
...     glue_mast.configure(server=archive.url)
...     glue_mast.search("TW Hya").count
8

``LocalArchive(cloud=True)`` (or :meth:`LocalArchive.start_cloud`) also serves MAST's public
cloud copy: moto's S3 server on loopback holding the archive's files at the keys astroquery
looks for (:mod:`glue_mast.testing.cloud`); ``archive.cloud.environ()`` is the environment
that points boto3 at it, for ``fetch(cloud=True)``.

For pytest, ``pytest_plugins = ["glue_mast.testing.pytest_plugin"]`` gives the fixtures
``mast_archive`` (one archive per test session), ``local_mast`` (that archive, with glue-mast
pointed at it and its faults and request log reset for each test) and ``local_cloud`` (its
cloud copy, with boto3 pointed at it, for a test).
"""

from __future__ import annotations

import json
import threading
from importlib import resources

__all__ = ["VALID_TOKEN", "LocalArchive"]

#: The token the archive accepts for exclusive-access files unless told otherwise.
VALID_TOKEN = "local-archive-valid-token"


def _data_path(*parts):
    return resources.files("glue_mast.testing").joinpath("data", *parts)


def _load_column_configs():
    caom = json.loads(_data_path("columnsconfig_caom.json").read_text())
    products = json.loads(_data_path("columnsconfig_products.json").read_text())
    from .catalog_services import column_configs

    return {"Mast.Caom.Cone": caom, "Mast.Caom.Products": products, **column_configs()}


def _file_factory(source):
    if source[0] == "real":
        return _data_path("real", source[1]).read_bytes()
    from .files import make_file

    _, kind, params = source
    return make_file(kind, **params)


class LocalArchive:
    """A MAST-compatible HTTP server on loopback.

    Parameters
    ----------
    host : str
        Loopback address to bind.
    port : int
        Port; 0 picks a free one.
    n_synthetic : int
        Rows in the synthetic ``SYNTHETIC`` collection (at least 100,000 by default).
    synthetic_file_size : int
        Bytes asked of each synthetic calibrated product file (rounded up to whole FITS
        blocks of 2880 bytes).
    tokens : dict
        Valid MAST tokens and the user name each belongs to.
    cloud : bool
        Also serve MAST's cloud copy of the files (:meth:`start_cloud`, on start); needs
        ``moto[server]``.

    Attributes
    ----------
    faults : `~glue_mast.testing.faults.Faults`
        Fault knobs: latency, bandwidth, HTTP errors, drops, truncation, EXECUTING, ...
    log : list of `~glue_mast.testing.server.RequestRecord`
        Every request served, in order.
    cloud : `~glue_mast.testing.cloud.LocalCloud` or None
        The cloud copy, once started.
    """

    def __init__(
        self,
        *,
        host="127.0.0.1",
        port=0,
        n_synthetic=100_000,
        synthetic_file_size=65_536,
        tokens=None,
        cloud=False,
    ):
        from .catalog import Catalog
        from .server import ArchiveServer

        configs = _load_column_configs()
        self.catalog = Catalog(
            n_synthetic=n_synthetic,
            synthetic_file_size=synthetic_file_size,
            file_factory=_file_factory,
            column_config=configs["Mast.Caom.Cone"],
        )
        from .catalog_services import hsc_spectrum_files

        self.catalog.files.update(hsc_spectrum_files())
        if tokens is None:
            tokens = {VALID_TOKEN: "Local Archive User"}
        self._server = ArchiveServer((host, port), self.catalog, configs, tokens=tokens)
        self._thread = None
        self._serving_here = False  # serve_forever() in the caller's thread
        self._host = host
        self._want_cloud = bool(cloud)
        self.cloud = None

    @property
    def url(self):
        """Base URL of the archive, e.g. ``http://127.0.0.1:54321``."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def faults(self):
        return self._server.faults

    @property
    def log(self):
        return self._server.log

    @property
    def tokens(self):
        return self._server.tokens

    def start(self):
        """Serve in a background thread; returns self."""
        if self._thread is None:
            self.catalog.warm()
            self._thread = threading.Thread(
                target=self._server.serve_forever, name="glue-mast-local-archive", daemon=True
            )
            self._thread.start()
        if self._want_cloud:
            self.start_cloud()
        return self

    def start_cloud(self, port=0):
        """Serve MAST's cloud copy of the archive's files (idempotent); returns it.

        moto's S3 server on loopback (:class:`~glue_mast.testing.cloud.LocalCloud`), holding
        the public files of the collections MAST's cloud copy holds. Point boto3 at it with
        ``archive.cloud.environ()`` (``AWS_ENDPOINT_URL_S3``).
        """
        if self.cloud is None:
            from .cloud import LocalCloud

            cloud = LocalCloud(host=self._host, port=port).start()
            cloud.hold(self.catalog)
            self.cloud = cloud
        return self.cloud

    def stop(self):
        """Stop serving and close the socket."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()
        if self.cloud is not None:
            self.cloud.stop()
            self.cloud = None

    def serve_forever(self):
        """Serve in this thread until interrupted (for ``python -m glue_mast.testing``)."""
        self.catalog.warm()
        if self._want_cloud:
            self.start_cloud()
        self._serving_here = True
        try:
            self._server.serve_forever()
        finally:
            self._serving_here = False

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def reset(self):
        """Clear faults and the request log."""
        self.faults.reset()
        self.clear_log()

    def clear_log(self):
        """Forget the requests served so far (and the count of concurrent downloads)."""
        with self._server._log_lock:
            self._server.log.clear()
            self._server.max_downloads_in_flight = 0

    @property
    def max_downloads_in_flight(self):
        """The most downloads served at the same time since the log was last cleared."""
        return self._server.max_downloads_in_flight

    def requests(self, *, path=None, service=None, method=None):
        """Logged requests, optionally only those to ``path``, of ``service`` or ``method``."""
        return [
            r
            for r in list(self.log)
            if (path is None or r.path == path)
            and (service is None or r.service == service)
            and (method is None or r.method == method)
        ]

    def __repr__(self):
        state = "serving" if self._thread or self._serving_here else "not serving"
        return (
            f"<LocalArchive {self.url} {state}: {self.catalog.n_real} named observations, "
            f"{self.catalog.n_synthetic:,} synthetic>"
        )
