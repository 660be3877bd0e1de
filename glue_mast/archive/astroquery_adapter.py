"""The one place that points astroquery.mast at a MAST base URL and speaks to it.

astroquery copies its URLs into class attributes and singletons at import time, so changing
``astroquery.mast.conf.server`` at run time is not enough (see ``PortalAPI`` in
``astroquery/mast/discovery_portal.py`` and ``ServiceAPI`` in ``astroquery/mast/services.py``).
:func:`apply` sets every copy: the conf items, the ``PortalAPI`` and ``ServiceAPI`` class
attributes, the singletons' service URLs and ``/whoami`` URLs, and the hard-coded SANTA
resolver and path-lookup hosts in ``astroquery.mast.utils._simple_request``. It also gives
astroquery's sessions a per-request timeout (astroquery sends none, so a silent server hangs it
forever), a retry policy for 429/503 that honours ``Retry-After`` within the timeout, and
paced polling of queries MAST answers EXECUTING (:mod:`glue_mast.archive.mast_http`).

Everything else in glue-mast calls astroquery through the functions here, which turn
astroquery's and requests' exceptions into :mod:`glue_mast.errors` with one-line messages.
"""

from __future__ import annotations

import contextlib
import json
import threading

import requests

from .. import config
from ..errors import ResolveError, ServerConnectionError, ServerError, ServerTimeout
from .mast_http import MastAdapter, RetryAfterTooLong, StillExecuting, human_seconds, retry_policy

__all__ = [
    "apply",
    "astroquery_call",
    "caom_facets",
    "forget_column_configs",
    "mast",
    "observation_columns",
    "observations",
    "parse_facets",
    "parse_page",
    "parse_table",
    "private_observations",
    "product_columns",
    "resolve",
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
LOCK = threading.RLock()

_applied = None  # (server, timeout) astroquery is pointed at
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
    if _applied == (server, timeout) and not force:
        return
    with LOCK:
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
        portal.MAST_DOWNLOAD_URL = server + "/api/v0.1/Download/file"
        portal.MAST_BUNDLE_URL = server + "/api/v0.1/Download/bundle"
        # astroquery's TIMEOUT bounds a whole call (EXECUTING polls and every page of a
        # multi-page fetch), not one request: never lower it below astroquery's own setting.
        portal.TIMEOUT = max(float(aqm.conf.timeout), timeout)
        service = services.ServiceAPI
        service.SERVICE_URL = server
        service.REQUEST_URL = server + "/api/v0.1/"
        service.MISSIONS_DOWNLOAD_URL = server + "/search/"
        service.MAST_DOWNLOAD_URL = server + "/api/v0.1/Download/file"

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
        _applied = (server, timeout)


# Follow glue_mast.configure(server=..., timeout=...) from now on (config cannot import us).
config.on_change(apply)


def _patch_hard_coded_hosts(utils, server):
    global _original_simple_request
    if _original_simple_request is None:
        _original_simple_request = utils._simple_request
    if server == MAST_DEFAULT:
        utils._simple_request = _original_simple_request
        return
    original = _original_simple_request

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
    calls on the shared singleton are serialised by :data:`LOCK`. A copy with its own
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
    # Column configs are fetched without the query LOCK, so that they can travel while a name
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

    with LOCK:
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


def resolve(name):
    """Resolve a target name with MAST's ``Mast.Name.Lookup`` on the configured server.

    Returns
    -------
    coord : `~astropy.coordinates.SkyCoord`
    info : dict
        The resolver's answer (canonical name, resolver, object type).
    """
    from astropy.coordinates import SkyCoord

    mast_client = mast()
    # No LOCK: the answer is read here, not parsed through Mast's per-call state, so the
    # lookup can run while column configs are being fetched.
    with astroquery_call(f"resolving '{name}'"):
        responses = mast_client.service_request_async(
            "Mast.Name.Lookup", {"input": name, "format": "json"}
        )
        answer = _json(responses[0])
    found = [r for r in answer.get("resolvedCoordinate") or [] if r.get("ra") is not None]
    if not found:
        raise ResolveError(
            f"could not resolve '{name}' to a sky position; check the spelling, try another "
            "name (e.g. 'HD 209458' or 'TIC 358108509'), or give coordinates instead",
            field="target",
            value=name,
        )
    best = found[0]
    info = {k: best.get(k) for k in ("canonicalName", "resolver", "objectType", "ra", "decl")}
    return SkyCoord(best["ra"], best["decl"], unit="deg", frame="icrs"), info


def caom_facets():
    """Field -> sorted values of the discrete fields, from MAST's ``Mast.Caom.All`` (one request).

    MAST answers with one histogram per column: every ``obs_collection``, ``instrument_name``,
    ``dataproduct_type``... value the archive holds, with its row count; astroquery's
    ``Observations.list_missions`` reads the collections out of the same answer.
    """
    mast_client = mast()
    with LOCK, astroquery_call("listing collections and instruments"):
        responses = mast_client.service_request_async("Mast.Caom.All", {}, format="extjs")
        answer = _json(responses[0])
    return parse_facets(answer, config.current_server())


def parse_facets(answer, server_url=""):
    """Field -> sorted values from a ``Mast.Caom.All`` answer (``format=extjs``).

    Empty values (MAST's histogram has a ``""`` bucket for rows without one) are left out, and
    continuous columns (``t_min``, ``s_ra``...), whose histogram has a range, not values.
    """
    try:
        columns = answer["data"]["Tables"][0]["Columns"]
    except (KeyError, IndexError, TypeError):
        raise ServerError(
            f"{server_url or 'the server'} answered Mast.Caom.All without its facet table; "
            "is it a MAST server?"
        ) from None
    values = {}
    for column in columns:
        hist = (column.get("ExtendedProperties") or {}).get("histObj") or {}
        keys = [k for k in hist if k != "hist" and str(k).strip()]
        # Continuous columns carry min/max/type instead of values.
        if keys and not set(keys) <= {"min", "max", "type"}:
            values[column.get("text") or column.get("dataIndex")] = sorted(keys, key=str.lower)
    return values


def parse_table(responses):
    """The `~astropy.table.Table` of an ``Observations.*_async`` call's ``responses``.

    astroquery parses with the column config of the service it called last (per-call state on
    its singletons), so call this under :data:`LOCK`, in the same hold as the query.
    """
    return observations()._parse_result(responses)


def parse_page(responses):
    """``(table, total)`` of one page: the rows, and MAST's count of every row that matches.

    The total is the ``paging.rowsFiltered`` of MAST's JSON answer, which astroquery does not
    return; ``None`` when the server sent no paging details. Call under :data:`LOCK`, like
    :func:`parse_table`.
    """
    table = parse_table(responses)
    paging = _json(responses[0]).get("paging") or {}
    total = paging.get("rowsFiltered")
    return table, None if total is None else int(total)


def _json(response):
    try:
        return response.json()
    except ValueError:
        raise ServerError(
            f"{config.current_server()} answered with something that is not JSON; it may be "
            "down or not a MAST server: try again later or check the server setting",
            field="server",
            value=config.current_server(),
        ) from None


@contextlib.contextmanager
def astroquery_call(what):
    """Turn astroquery and requests exceptions raised while doing ``what`` into one line."""
    from astroquery.exceptions import InvalidQueryError, RemoteServiceError
    from astroquery.exceptions import TimeoutError as AstroqueryTimeout

    server = config.current_server()
    timeout = config.current_timeout()
    try:
        yield
    except RetryAfterTooLong as exc:
        raise ServerError(
            f"MAST asked to wait {human_seconds(exc.seconds)} before answering while {what}, "
            f"longer than the {exc.limit:g} s timeout; try again later",
            field="timeout",
            value=exc.limit,
        ) from None
    except StillExecuting as exc:
        raise ServerTimeout(
            f"MAST at {server} was still working on the query after {exc.seconds:.0f} s "
            f"({exc.polls} answers of EXECUTING) while {what}; it was given the {exc.limit:g} s "
            "timeout: try again later, allow longer (the timeout setting, GLUE_MAST_TIMEOUT), "
            "or narrow the search",
            field="timeout",
            value=exc.limit,
        ) from None
    except AstroqueryTimeout:
        # astroquery's own bound on a whole call, every page and poll of it (PortalAPI.TIMEOUT).
        from astroquery.mast.discovery_portal import PortalAPI

        raise ServerTimeout(
            f"MAST at {server} did not finish while {what} within {PortalAPI.TIMEOUT:g} s, "
            "astroquery's limit for one query with all its pages; try again later, allow longer "
            "(the timeout setting, GLUE_MAST_TIMEOUT), or narrow the search",
            field="timeout",
            value=timeout,
        ) from None
    except (requests.Timeout, TimeoutError):
        raise ServerTimeout(
            f"MAST at {server} did not answer within {timeout:g} s while {what}; try again, "
            "allow longer (the timeout setting, GLUE_MAST_TIMEOUT), or narrow the search",
            field="timeout",
            value=timeout,
        ) from None
    except requests.ConnectionError as exc:
        reason = _root_reason(exc)
        raise ServerConnectionError(
            f"could not reach MAST at {server} while {what} ({reason}); check your network "
            "and the server setting (GLUE_MAST_SERVER)",
            field="server",
            value=server,
        ) from None
    except requests.HTTPError as exc:
        status = exc.response.status_code if exc.response is not None else "?"
        reason = exc.response.reason if exc.response is not None else ""
        busy = status in (429, 500, 502, 503, 504)
        hint = (
            "MAST is busy or down: try again in a few minutes"
            if busy
            else "check the server setting (GLUE_MAST_SERVER)"
        )
        raise ServerError(
            f"MAST at {server} answered HTTP {status} {reason} while {what}; {hint}",
            field=None if busy else "server",
            value=None if busy else server,
        ) from None
    except RemoteServiceError as exc:
        raise ServerError(f"MAST reported an error while {what}: {exc}") from None
    except InvalidQueryError as exc:
        from ..errors import InputError

        raise InputError(f"MAST rejected the query: {exc}") from None
    except (json.JSONDecodeError, requests.exceptions.JSONDecodeError):
        raise ServerError(
            f"MAST at {server} answered with malformed JSON while {what}; it may be having "
            "trouble: try again later"
        ) from None


def _root_reason(exc):
    text = str(exc)
    for marker in (
        "Connection refused",
        "Name or service not known",
        "timed out",
        "Connection reset",
        "Remote end closed",
        "Max retries exceeded",
    ):
        if marker in text:
            return marker.lower()
    return type(exc).__name__


# -- MAST catalogs: astroquery.mast.Catalogs, one function per call ----------------------------


def catalogs():
    """astroquery's ``Catalogs``, pointed at the configured server."""
    apply()
    from astroquery.mast import Catalogs

    return Catalogs


def _catalog_page(what, call):
    """``(table, total)`` of one catalog call: ``total`` is MAST's ``rowsFiltered``, or None.

    Under :data:`LOCK`: ``Catalogs`` keeps the connection of its last call. astroquery's own
    max-results warning compares with a limit left over from its last HSC or GALEX call, so
    glue-mast's catalog search judges the cut-off itself (and astroquery's warnings are muted).
    """
    import warnings

    client = catalogs()
    with LOCK, astroquery_call(what), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        response = call(client)
        table = client._parse_result(response)
        paging = _json(response[0]).get("paging") if isinstance(response, list) else None
    total = (paging or {}).get("rowsFiltered")
    return table, None if total is None else int(total)


def catalog_region_page(catalog, coordinates, radius, *, page, pagesize, version=None, **params):
    """One page of ``Catalogs.query_region_async`` (a cone of ``catalog``)."""
    return _catalog_page(
        f"querying the {catalog} catalog",
        lambda c: c.query_region_async(
            coordinates, radius=radius, catalog=catalog, version=version,
            page=page, pagesize=pagesize, **params,
        ),
    )  # fmt: skip


def catalog_criteria_page(catalog, *, page, pagesize, **criteria):
    """One page of ``Catalogs.query_criteria_async`` (criteria, with a position or not)."""
    return _catalog_page(
        f"querying the {catalog} catalog by criteria",
        lambda c: c.query_criteria_async(catalog, page=page, pagesize=pagesize, **criteria),
    )


def hsc_matchid_page(match, *, version, page, pagesize):
    """One page of ``Catalogs.query_hsc_matchid_async``: the measurements of an HSC match."""
    return _catalog_page(
        f"listing the measurements of HSC match {match}",
        lambda c: c.query_hsc_matchid_async(match, version=version, page=page, pagesize=pagesize),
    )


def hsc_spectra_page(*, page, pagesize):
    """One page of ``Catalogs.get_hsc_spectra_async``: MAST's list of every HSC spectrum."""
    return _catalog_page(
        "listing HSC spectra",
        lambda c: c.get_hsc_spectra_async(page=page, pagesize=pagesize),
    )


def catalog_criteria_fields(service, config_name):
    """A criteria service's fields (name -> column config), as astroquery builds its filters.

    astroquery's ``build_filter_set`` fetches the columns config ``config_name`` (and, for the
    TIC and Disk Detective, the ``Mast.Catalogs.All.*`` histograms) into its cache under
    ``service``; fetching it here first lets glue-mast check the criteria and costs no more.
    """
    portal = catalogs()._portal_api_connection
    with LOCK, astroquery_call(f"fetching the {config_name} column list"):
        if not portal._column_configs.get(service):
            portal._get_col_config(service, fetch_name=config_name)
        cfg = portal._column_configs[service]
    return {k: v for k, v in cfg.items() if k != "_selected_" and isinstance(v, dict)}


def panstarrs_columns(release, table="mean"):
    """PanSTARRS columns (name -> database type) from MAST's catalogs service metadata."""
    with LOCK, astroquery_call(f"fetching the PanSTARRS {release} {table} column list"):
        try:
            columns = catalogs()._get_service_col_config("panstarrs", release, table)
        except (ConnectionError, RuntimeError) as exc:
            raise ServerError(
                f"could not list the PanSTARRS {release} {table} columns: {exc}"
            ) from None
    return {str(r["name"]): str(r["data_type"]) for r in columns}
