"""Pointing astroquery.mast at the configured server, its singletons, and MAST's column configs.

See the package's documentation (`glue_mast.archive.astroquery_adapter`).
"""

from __future__ import annotations

import contextlib
import threading

from ... import config
from ...errors import ServerError
from ...util import decline, source_sha256
from ..mast_http import MastAdapter, retry_policy
from .failures import astroquery_call

__all__ = [
    "ASTROQUERY_SIMPLE_REQUEST_SHA256",
    "MAST_DEFAULT",
    "apply",
    "forget_column_configs",
    "mast",
    "observation_columns",
    "observations",
    "prefetch_column_configs",
    "private_observations",
    "product_columns",
]

MAST_DEFAULT = config.DEFAULT_SERVER
_CATALOGS_DEFAULT = "https://catalogs.mast.stsci.edu"
# Hosts astroquery calls by a hard-coded URL, rewritten to a non-default server.
_HARD_CODED = (
    "http://mastresolver.stsci.edu",
    "https://mastresolver.stsci.edu",
    "https://mast.stsci.edu",
    "https://catalogs.mast.stsci.edu",
)

#: Serialises astroquery calls: PortalAPI keeps per-call state (``_current_service``) on its
#: singletons, so two threads querying at once would parse each other's results.
_LOCK = threading.RLock()

#: SHA-256 of the source of ``astroquery.mast.utils._simple_request`` (astroquery 0.4.11),
#: the function :func:`apply` wraps to send astroquery's hard-coded hosts to the server.
ASTROQUERY_SIMPLE_REQUEST_SHA256 = (
    "df83696eb0e70194bf98d0182a15a236d541b158d2bc2ec49e066a188bc8ca86"
)

_applied = None  # (server, timeout, redirect setting) astroquery is pointed at
_original_simple_request = None

# Column configs astroquery fetches for services whose answer is not a table it parses with
# them; fetching them costs a round trip and carries nothing.
_NO_COLUMN_CONFIG = ("Mast.Name.Lookup", "Mast.Caom.All")


def apply(force=False):
    """Point astroquery.mast at :func:`glue_mast.config.current_server`; idempotent.

    ``force=True`` re-applies even if nothing changed (after changing ``conf.retries``).
    """
    global _applied
    server, timeout = config.current_server(), config.current_timeout()
    if _applied == (server, timeout, config.conf.redirect_astroquery_hosts) and not force:
        return
    with _LOCK:
        import astroquery.mast as aqm
        from astroquery.mast import discovery_portal, services

        previous = _applied[0] if _applied else MAST_DEFAULT
        catalogs = _CATALOGS_DEFAULT if server == MAST_DEFAULT else server
        previous_catalogs = _CATALOGS_DEFAULT if previous == MAST_DEFAULT else previous

        aqm.conf.server = server
        aqm.conf.catalogs_server = catalogs
        portal = discovery_portal.PortalAPI
        portal.MAST_REQUEST_URL = server + "/api/v0/invoke"
        portal.COLUMNS_CONFIG_URL = server + "/portal/Mashup/Mashup.asmx/columnsconfig"
        portal.MAST_DOWNLOAD_URL = server + config.DOWNLOAD_PATH
        portal.MAST_BUNDLE_URL = server + "/api/v0.1/Download/bundle"
        # astroquery's TIMEOUT bounds a whole call (EXECUTING polls and every page of a
        # multi-page fetch), not one request: never lower it below astroquery's own setting.
        portal.TIMEOUT = max(float(aqm.conf.timeout), timeout)
        service = services.ServiceAPI
        service.SERVICE_URL = server
        service.REQUEST_URL = server + "/api/v0.1/"
        service.MISSIONS_DOWNLOAD_URL = server + "/search/"
        service.MAST_DOWNLOAD_URL = server + config.DOWNLOAD_PATH

        for client in (
            aqm.Observations,
            aqm.Mast,
            aqm.Catalogs,
            aqm.MastMissions,
            aqm.Tesscut,
            aqm.Zcut,
            aqm.Hapcut,
        ):
            connection = getattr(client, "_service_api_connection", None)
            url = getattr(connection, "REQUEST_URL", None)
            if connection is not None and "REQUEST_URL" in vars(connection):
                for old, new in ((previous_catalogs, catalogs), (previous, server)):
                    if url.startswith(old):
                        connection.REQUEST_URL = new + url[len(old) :]
                        connection.TIMEOUT = timeout
                        break
            auth = getattr(client, "_auth_obj", None)
            if auth is not None:
                auth.SESSION_INFO_URL = server + "/whoami"
            session = getattr(client, "_session", None)
            if session is not None:
                adapter = MastAdapter(timeout, retry_policy(config.conf.retries, timeout))
                session.mount("http://", adapter)
                session.mount("https://", adapter)

        _patch_hard_coded_hosts(aqm.utils, server)
        # Column configs describe one server's columns; never reuse them across servers.
        if previous != server:
            portal._column_configs.clear()
        for name in _NO_COLUMN_CONFIG:
            portal._column_configs.setdefault(name, {})
        _applied = (server, timeout, config.conf.redirect_astroquery_hosts)


# Follow glue_mast.configure(server=..., timeout=...) from now on (config cannot import us).
config.on_change(apply)


def _patch_hard_coded_hosts(utils, server):
    global _original_simple_request
    if _original_simple_request is None:
        _original_simple_request = utils._simple_request
    if server == MAST_DEFAULT or not config.conf.redirect_astroquery_hosts:
        utils._simple_request = _original_simple_request
        return
    original = _original_simple_request
    if source_sha256(original) != ASTROQUERY_SIMPLE_REQUEST_SHA256:
        utils._simple_request = original
        decline(
            "astroquery.mast.utils._simple_request",
            "its source is not the one glue-mast's wrapper was written against, so "
            "astroquery's own name resolver still calls mastresolver.stsci.edu",
            "redirect_astroquery_hosts",
        )
        return

    def simple_request(url, params=None):
        for host in _HARD_CODED:
            if url.startswith(host):
                url = server + url[len(host) :]
                break
        return original(url, params)

    utils._simple_request = simple_request


def observations():
    """astroquery's ``Observations``, pointed at the configured server."""
    apply()
    from astroquery.mast import Observations

    return Observations


def private_observations():
    """A copy of astroquery's ``Observations`` with a portal connection of its own.

    ``PortalAPI`` keeps per-call state (the service whose column config parses the answer), so
    calls on the shared singleton are serialised by :data:`_LOCK`. A copy with its own
    ``PortalAPI`` (on the same session, with its timeout and retry policy) can run a call
    beside a locked one. Column configs are shared by class, so nothing is fetched again.
    """
    import copy

    from astroquery.mast.discovery_portal import PortalAPI

    obs = observations()
    clone = copy.copy(obs)
    clone._portal_api_connection = PortalAPI(obs._session)
    return clone


def mast():
    """astroquery's ``Mast``, pointed at the configured server."""
    apply()
    from astroquery.mast import Mast

    return Mast


_CONFIG_LOCKS: dict[str, threading.Lock] = {}
_CONFIG_LOCKS_GUARD = threading.Lock()


def _column_config(service, aliases=()):
    # Column configs are fetched without the query lock, so that they can travel while a name
    # resolves; a per-service lock makes a second caller wait for the first instead of
    # asking again.
    portal = observations()._portal_api_connection
    with _CONFIG_LOCKS_GUARD:
        lock = _CONFIG_LOCKS.setdefault(service, threading.Lock())
    with lock, astroquery_call(f"fetching the {service} column list"):
        if not portal._column_configs.get(service):
            portal._get_col_config(service)
        cfg = portal._column_configs[service]
        # astroquery keys configs by the service that uses them but fetches the same
        # Mast.Caom.Cone config for the Filtered services: share it, one request per process.
        for alias in aliases:
            portal._column_configs.setdefault(alias, cfg)
    if not isinstance(cfg, dict) or not cfg:
        raise ServerError(
            f"{config.current_server()} returned no column list for {service}; "
            "is it a MAST server? Check the server setting (GLUE_MAST_SERVER)",
            field="server",
            value=config.current_server(),
        )
    return cfg


def forget_column_configs():
    """Drop the column configs astroquery keeps per process, so the next use fetches them.

    For tests and benchmarks that count requests from a known start.
    """
    from astroquery.mast.discovery_portal import PortalAPI

    with _LOCK:
        PortalAPI._column_configs.clear()
        for name in _NO_COLUMN_CONFIG:
            PortalAPI._column_configs.setdefault(name, {})


def observation_columns():
    """MAST's observation fields: name -> column config (type, unit, separator, ...)."""
    cfg = _column_config(
        "Mast.Caom.Cone", aliases=("Mast.Caom.Filtered", "Mast.Caom.Filtered.Position")
    )
    return {k: v for k, v in cfg.items() if k != "_selected_" and not v.get("remove")}


def product_columns():
    """MAST's product fields: name -> column config."""
    cfg = _column_config("Mast.Caom.Products")
    return {k: v for k, v in cfg.items() if k != "_selected_" and not v.get("remove")}


def prefetch_column_configs(*which):
    """Start fetching column configs (``"observations"``, ``"products"``) in the background.

    A command that will need them fetches them while the name resolves, so that neither
    round trip lies on its critical path. Whoever needs a config later waits for its fetch
    rather than asking again.
    """
    calls = {"observations": observation_columns, "products": product_columns}
    threads = []
    for name in which:
        t = threading.Thread(
            target=_quietly, args=(calls[name],), daemon=True, name=f"glue-mast-prefetch-{name}"
        )
        t.start()
        threads.append(t)
    return threads


def _quietly(func):
    # A failure here is reported by the foreground call that needs the same config.
    with contextlib.suppress(Exception):
        func()
