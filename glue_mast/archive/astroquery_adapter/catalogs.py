"""MAST's catalogs through astroquery's ``Catalogs``: one function per call."""

from __future__ import annotations

from ...errors import ServerError
from .connection import _LOCK, apply
from .failures import answer_json, astroquery_call

__all__ = [
    "catalog_criteria_fields",
    "catalog_criteria_page",
    "catalog_region_page",
    "catalogs",
    "hsc_matchid_page",
    "hsc_spectra_page",
    "panstarrs_columns",
]


def catalogs():
    """astroquery's ``Catalogs``, pointed at the configured server."""
    apply()
    from astroquery.mast import Catalogs

    return Catalogs


def _catalog_page(what, call):
    """``(table, total)`` of one catalog call: ``total`` is MAST's ``rowsFiltered``, or None.

    Under the adapter's lock: ``Catalogs`` keeps the connection of its last call. astroquery's own
    max-results warning compares with a limit left over from its last HSC or GALEX call, so
    glue-mast's catalog search judges the cut-off itself (and astroquery's warnings are muted).
    """
    import warnings

    client = catalogs()
    with _LOCK, astroquery_call(what), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        response = call(client)
        table = client._parse_result(response)
        paging = answer_json(response[0]).get("paging") if isinstance(response, list) else None
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
    with _LOCK, astroquery_call(f"fetching the {config_name} column list"):
        if not portal._column_configs.get(service):
            portal._get_col_config(service, fetch_name=config_name)
        cfg = portal._column_configs[service]
    return {k: v for k, v in cfg.items() if k != "_selected_" and isinstance(v, dict)}


def panstarrs_columns(release, table="mean"):
    """PanSTARRS columns (name -> database type) from MAST's catalogs service metadata."""
    with _LOCK, astroquery_call(f"fetching the PanSTARRS {release} {table} column list"):
        try:
            columns = catalogs()._get_service_col_config("panstarrs", release, table)
        except (ConnectionError, RuntimeError) as exc:
            raise ServerError(
                f"could not list the PanSTARRS {release} {table} columns: {exc}"
            ) from None
    return {str(r["name"]): str(r["data_type"]) for r in columns}
