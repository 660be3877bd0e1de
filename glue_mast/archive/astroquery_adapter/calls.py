"""One function per MAST call glue-mast makes through astroquery.

Each points astroquery at the configured server (`.connection.apply`), makes the call, and turns
astroquery's and requests' exceptions into :mod:`glue_mast.errors` (`.failures`).
"""

from __future__ import annotations

import contextlib
import warnings

from ... import config
from ...errors import MissingDependency, ResolveError, ServerError
from .connection import _LOCK, mast, observations, private_observations, product_columns
from .failures import answer_json, astroquery_call

__all__ = [
    "caom_facets",
    "cloud_uris",
    "count_observations",
    "filter_products",
    "list_missions",
    "observation_page",
    "parse_facets",
    "product_list",
    "resolve",
]


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
    # No lock: the answer is read here, not parsed through Mast's per-call state, so the
    # lookup can run while column configs are being fetched.
    with astroquery_call(f"resolving '{name}'"):
        responses = mast_client.service_request_async(
            "Mast.Name.Lookup", {"input": name, "format": "json"}
        )
        answer = answer_json(responses[0])
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
    with _LOCK, astroquery_call("listing collections and instruments"):
        responses = mast_client.service_request_async("Mast.Caom.All", {}, format="extjs")
        answer = answer_json(responses[0])
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


def _parse_table(responses):
    """The `~astropy.table.Table` of an ``Observations.*_async`` call's ``responses``.

    astroquery parses with the column config of the service it called last (per-call state on
    its singletons), so call this under :data:`~.connection._LOCK`, in the same hold as the query.
    """
    return observations()._parse_result(responses)


def _parse_page(responses):
    """``(table, total)`` of one page: the rows, and MAST's count of every row that matches.

    The total is the ``paging.rowsFiltered`` of MAST's JSON answer, which astroquery does not
    return; ``None`` when the server sent no paging details. Call under
    :data:`~.connection._LOCK`, like :func:`_parse_table`.
    """
    table = _parse_table(responses)
    paging = answer_json(responses[0]).get("paging") or {}
    total = paging.get("rowsFiltered")
    return table, None if total is None else int(total)


def _position(coordinates, radius):
    return {} if coordinates is None else {"coordinates": coordinates, "radius": radius}


def count_observations(criteria, coordinates=None, radius=None):
    """How many observations match: one request, no rows.

    The count travels on a portal connection of its own (:func:`~.private_observations`),
    outside the lock, so that it can run on one thread while :func:`observation_page` fetches
    rows on another.

    Parameters
    ----------
    criteria : dict
        MAST field -> value, as astroquery's ``query_criteria`` takes them (may be empty when
        there is a position).
    coordinates : `~astropy.coordinates.SkyCoord`, optional
        The centre of a cone search.
    radius : `~astropy.coordinates.Angle`, optional
        The cone's radius.

    Returns
    -------
    int
    """
    obs = private_observations()
    with astroquery_call("counting observations"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if criteria:
            n = obs.query_criteria_count(**_position(coordinates, radius), **criteria)
        else:
            n = obs.query_region_count(coordinates, radius=radius)
    return int(n)


def observation_page(n, size, criteria, coordinates=None, radius=None):
    """Page ``n`` (from 1) of ``size`` observations: ``(table, total)``.

    ``total`` is MAST's count of every matching row, or None when the server sent no paging
    details. The arguments are those of :func:`count_observations`, with the page.
    """
    obs = observations()
    with _LOCK, astroquery_call(f"fetching page {n}"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # astroquery's NoResultsWarning: the count says so
        if criteria:
            responses = obs.query_criteria_async(
                page=n, pagesize=size, **_position(coordinates, radius), **criteria
            )
        else:
            responses = obs.query_region_async(coordinates, radius=radius, page=n, pagesize=size)
        return _parse_page(responses)


def product_list(obsids):
    """The products of one batch of observations (``Mast.Caom.Products``), unfiltered.

    Parameters
    ----------
    obsids : `~astropy.table.Table` or array of str
        Observations (with an ``obsid`` column) or their obsids.

    Returns
    -------
    `~astropy.table.Table` or None
        None when astroquery drops every row asked for (TESS/TICA full-frame images only).
    """
    from astroquery.exceptions import InvalidQueryError

    obs = observations()
    product_columns()  # fetched once per process; waits for a prefetch under way
    with _LOCK, astroquery_call("listing products"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            responses = obs.get_product_list_async(obsids)
        except InvalidQueryError as exc:
            if "empty" in str(exc):
                return None
            raise
        return _parse_table(responses)


def filter_products(table, **filters):
    """Rows of a products ``table`` kept by astroquery's ``filter_products`` with ``filters``
    (``mrp_only``, ``extension``, and ``field=value(s)``)."""
    obs = observations()
    with astroquery_call("filtering products"):
        return obs.filter_products(table, **filters)


def list_missions():
    """The collections (missions) the configured server holds, as astroquery lists them."""
    obs = observations()
    with _LOCK, astroquery_call("listing collections"):
        return list(obs.list_missions())


def cloud_uris(products):
    """``{dataURI: "s3://stpubdata/<key>"}`` of the ``products`` that have a copy in MAST's
    public cloud bucket, as astroquery finds them.

    astroquery (``Observations.get_cloud_uris``) asks MAST's path lookup service where each
    dataURI lives, maps that path to a key of the ``stpubdata`` bucket, and asks the bucket
    (boto3 ``head_object``, unsigned) whether the key is there: a file with no path, or whose
    key the bucket answers 404 for, has no cloud copy and is left out. boto3 goes where its
    standard settings say (``AWS_ENDPOINT_URL_S3`` / ``AWS_ENDPOINT_URL``, else AWS). The
    call runs on a copy of ``Observations``, so the shared one is left as it was (cloud
    access on or off).

    Raises
    ------
    `~glue_mast.errors.MissingDependency`
        Without boto3 (the ``cloud`` extra).
    `~glue_mast.errors.ServerError`
        When the bucket cannot be reached or refuses a lookup (other than "not there").
    """
    uris = list(dict.fromkeys(str(row["dataURI"]) for row in products if row["dataURI"]))
    if not uris:
        return {}
    obs = private_observations()
    with _LOCK, astroquery_call("asking for cloud copies"), warnings.catch_warnings():
        # (astroquery warns once per file with no cloud copy: those are simply not listed)
        warnings.simplefilter("ignore")
        try:
            obs.enable_cloud_dataset(verbose=False)
        except (ImportError, ModuleNotFoundError):
            raise MissingDependency("Fetching from the cloud", "boto3", extra="cloud") from None
        with _cloud_failures():
            # A list of dataURIs, not the table: astroquery filters a table first, and the
            # map it returns then lacks the rows it dropped.
            found = obs.get_cloud_uris(uris, return_uri_map=True, verbose=False)
    return {uri: s3 for uri, s3 in (found or {}).items() if s3}


@contextlib.contextmanager
def _cloud_failures():
    """botocore's exceptions (an unreachable endpoint, a 403) as one line naming the bucket."""
    import botocore.exceptions

    try:
        yield
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
        raise ServerError(
            f"MAST's cloud copy (the S3 bucket stpubdata) could not be asked which files it "
            f"holds: {exc}; fetch without --cloud / cloud=True, or check AWS_ENDPOINT_URL_S3",
            field="cloud",
        ) from None
