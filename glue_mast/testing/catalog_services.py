"""MAST's catalog services on the local archive, as astroquery's ``Catalogs`` calls them.

Portal (``POST /api/v0/invoke``) services, answered with the Mashup paging of the archive's
other services (``page``/``pagesize`` echoed, ``rowsFiltered`` the total):

- cones ``Mast.Catalogs.{Tic,Ctl,DiskDetective,GaiaDR2,GaiaDR3}.Cone``, ``Mast.Galex.Catalog``
  (at most ``maxrecords`` rows) and ``Mast.Hsc.Db.v2``/``v3`` (at most ``nr`` rows), nearest
  first;
- criteria ``Mast.Catalogs.Filtered.{Tic,Ctl}[.Position].Rows`` and
  ``Mast.Catalogs.Filtered.DiskDetective[.Position]`` (Mashup filters, with ``ra``, ``dec``,
  ``radius`` for the ``.Position`` ones), with the columns configs astroquery fetches for them
  (``Mast.Catalogs.Tess.Cone``, ``Mast.Catalogs.Dd.Cone``) and the histograms it merges in
  (``Mast.Catalogs.All.Tic``, ``Mast.Catalogs.All.DiskDetective``);
- ``Mast.HscMatches.Db.v2``/``v3`` (``input``: a MatchID) and ``Mast.HscSpectra.Db.All``.

MAST's catalogs service (``/api/v0.1/panstarrs/<release>/<table>.json``, JSON body with
``ra``, ``dec``, ``radius``, ``page``, ``pagesize``, ``columns``, ``sort_by`` and
``column[.gt|.gte|.lt|.lte]`` filters; ``.../<table>/metadata.json`` for its columns), which
astroquery uses for PanSTARRS. It answers rows without a total, as astroquery reads it.

HSC grism spectra are served by the download service under the HLA URIs
(:func:`hsc_spectrum_uri`), generated in the HLA layout
(:mod:`glue_mast.testing.writers.hla_grism`).
"""

from __future__ import annotations

import functools
import json
import operator
import urllib.parse

import numpy as np

from . import sky_catalogs
from .sky_catalogs import QueryError, column_config

__all__ = [
    "CATALOGS_API",
    "catalogs_api",
    "column_configs",
    "hsc_spectrum_files",
    "hsc_spectrum_uri",
    "portal_handler",
]

#: Path prefix of MAST's catalogs service (catalogs.mast.stsci.edu), served on the same host.
CATALOGS_API = "/api/v0.1/panstarrs/"

_CONES = {
    "Mast.Catalogs.Tic.Cone": "tic",
    "Mast.Catalogs.Ctl.Cone": "ctl",
    "Mast.Catalogs.DiskDetective.Cone": "diskdetective",
    "Mast.Catalogs.GaiaDR2.Cone": "gaia_dr2",
    "Mast.Catalogs.GaiaDR3.Cone": "gaia_dr3",
    "Mast.Galex.Catalog": "galex",
    "Mast.Hsc.Db.v2": "hsc_v2",
    "Mast.Hsc.Db.v3": "hsc_v3",
}
# The parameter that caps a service's answer, and MAST's default for it.
_LIMITS = {"Mast.Galex.Catalog": "maxrecords", "Mast.Hsc.Db.v2": "nr", "Mast.Hsc.Db.v3": "nr"}
_FILTERED = {
    "Mast.Catalogs.Filtered.Tic.Rows": "tic",
    "Mast.Catalogs.Filtered.Tic.Position.Rows": "tic",
    "Mast.Catalogs.Filtered.Ctl.Rows": "ctl",
    "Mast.Catalogs.Filtered.Ctl.Position.Rows": "ctl",
    "Mast.Catalogs.Filtered.DiskDetective": "diskdetective",
    "Mast.Catalogs.Filtered.DiskDetective.Position": "diskdetective",
}
_ALL = {"Mast.Catalogs.All.Tic": "tic", "Mast.Catalogs.All.DiskDetective": "diskdetective"}


def column_configs():
    """The columns configs astroquery fetches for the criteria services, by config name."""
    return {
        "Mast.Catalogs.Tess.Cone": column_config("tess"),
        "Mast.Catalogs.Dd.Cone": column_config("dd"),
    }


def portal_handler(handler, service):
    """``request -> answer`` for a catalog ``service`` on ``handler``, or None if not one."""
    if service in _CONES:
        return functools.partial(_cone, handler, service)
    if service in _FILTERED:
        return functools.partial(_filtered, handler, service)
    if service in _ALL:
        return functools.partial(_all, service)
    if service in ("Mast.HscMatches.Db.v2", "Mast.HscMatches.Db.v3"):
        return functools.partial(_matches, handler)
    if service == "Mast.HscSpectra.Db.All":
        return functools.partial(_spectra, handler)
    return None


def _position(params, required=True):
    try:
        return float(params["ra"]), float(params["dec"]), float(params["radius"])
    except (KeyError, TypeError, ValueError):
        if required:
            raise QueryError("this service needs numeric ra, dec and radius") from None
        return None


def _answer(handler, request, table, indexes, separations=None):
    def make_rows(a, b):
        cut = None if separations is None else separations[a:b]
        return [dict(r, _selected_=None) for r in table.rows(indexes[a:b], cut)]

    return handler._page_response(request, len(indexes), make_rows, table.fields)


def _cone(handler, service, request):
    params = request.get("params") or {}
    ra, dec, radius = _position(params)
    table = sky_catalogs.table(_CONES[service])
    needed = int(request.get("page") or 1) * int(request.get("pagesize") or 50000)
    limit_name = _LIMITS.get(service)
    if limit_name is None:
        indexes, separations = table.cone(ra, dec, radius, nearest=needed)
    else:
        try:
            limit = int(params.get(limit_name, 50000))
        except (TypeError, ValueError):
            raise QueryError(f"{limit_name} must be a whole number") from None
        # The cap keeps the nearest rows: order at least as many as it keeps.
        indexes, separations = table.cone(ra, dec, radius, nearest=max(needed, limit))
        indexes, separations = indexes[:limit], separations[:limit]
    return _answer(handler, request, table, indexes, separations)


def _filtered(handler, service, request):
    params = request.get("params") or {}
    filters = params.get("filters")
    if not isinstance(filters, list) or not filters:
        raise QueryError("At least one non-positional criterion must be supplied.")
    table = sky_catalogs.table(_FILTERED[service])
    separations = None
    if ".Position" in service:
        indexes, separations = table.cone(*_position(params))
        keep = np.isin(indexes, table.select(filters, indexes))
        indexes, separations = indexes[keep], separations[keep]
    else:
        indexes = table.select(filters)
    return _answer(handler, request, table, indexes, separations)


def _all(service, request):
    discrete, continuous = sky_catalogs.table(_ALL[service]).histograms()
    return {
        "status": "COMPLETE",
        "msg": "",
        "data": {
            "Tables": [
                {
                    "name": "Table",
                    "ExtendedProperties": {
                        "discreteHistogram": discrete,
                        "continuousHistogram": continuous,
                        "Paging": {},
                    },
                    "Columns": [],
                    "Fields": [],
                    "Rows": [],
                }
            ]
        },
    }


def _matches(handler, request):
    match = str((request.get("params") or {}).get("input", "")).strip()
    table = sky_catalogs.table("hsc_matches")
    indexes = table.select([{"paramName": "MatchID", "values": [match]}])
    return _answer(handler, request, table, indexes)


def _spectra(handler, request):
    table = sky_catalogs.table("hsc_spectra")
    return _answer(handler, request, table, table.select([]))


# -- the catalogs service (PanSTARRS) ----------------------------------------------------------

_OPERATORS = {
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
    "eq": operator.eq,
    "neq": operator.ne,
}
_NOT_FILTERS = {"ra", "dec", "radius", "page", "pagesize", "columns", "sort_by", "format"}


def catalogs_api(handler, body):
    """Answer a catalogs-service request on ``handler`` (GET metadata, POST a query)."""
    handler._rec.service = "panstarrs"
    parts = handler._path[len(CATALOGS_API) :].split("/")
    known = len(parts) >= 2 and parts[0] in ("dr1", "dr2") and parts[1].startswith("mean")
    table = sky_catalogs.table("panstarrs")
    if not known:
        return handler._send(404, "No such catalog or table", "text/plain")
    if parts[-1] == "metadata.json":
        return handler._send_json(table.info)
    try:
        params = json.loads(body or b"{}") if body.strip().startswith(b"{") else _form(body)
        return handler._send_json(_catalogs_query(table, params))
    except (QueryError, ValueError) as exc:
        return handler._send(400, f"Bad request: {exc}", "text/plain")


def _form(body):
    return {k: v if len(v) > 1 else v[0] for k, v in urllib.parse.parse_qs(body.decode()).items()}


def _catalogs_query(table, params):
    position = _position(params, required=False)
    if position is not None:
        indexes, _ = table.cone(*position)
    else:
        indexes = np.arange(table.n_rows)
    for key, value in params.items():
        if key in _NOT_FILTERS:
            continue
        name, _, op = key.partition(".")
        column = table.numeric(sky_catalogs._column_name(name, table.fields))
        if op and op not in _OPERATORS:
            raise QueryError(f"unknown filter operator '{op}'")
        for v in value if isinstance(value, list) else [value]:
            values = column[indexes]
            indexes = indexes[_OPERATORS[op or "eq"](values, float(v))]
    names = params.get("columns") or list(table.fields)
    names = [names] if isinstance(names, str) else names
    names = [sky_catalogs._column_name(n, table.fields) for n in names]
    for key in reversed(_as_list(params.get("sort_by"))):
        direction, _, name = str(key).rpartition(".")
        values = table.numeric(sky_catalogs._column_name(name, table.fields))[indexes]
        order = np.argsort(-values if direction.lower() == "desc" else values, kind="stable")
        indexes = indexes[order]
    pagesize = int(params.get("pagesize") or 50000)
    page = int(params.get("page") or 1)
    if page < 1 or pagesize < 1:
        raise QueryError("page and pagesize must be positive")
    rows = table.rows(indexes[(page - 1) * pagesize : page * pagesize], names=names)
    info = [c for c in table.info if c["column_name"] in names]
    return {"info": info, "data": [[row[n] for n in names] for row in rows]}


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


# -- HSC spectra files -------------------------------------------------------------------------


def hsc_spectrum_uri(row):
    """The MAST dataURI of an HSC spectrum: the HLA URL astroquery downloads, as a mast: URI."""
    name = row["DatasetName"]
    if int(row["SpectrumType"]) < 2:
        return f"mast:HLA/url/cgi-bin/getdata.cgi?config=ops&dataset={name}"
    return f"mast:HLA/url/cgi-bin/ecfproxy?file_id={name}.fits"


def hsc_spectrum_files():
    """dataURI -> ``(bytes, content type)`` of every spectrum in ``Mast.HscSpectra.Db.All``."""
    from .writers.hla_grism import make_hla_grism_spec1d

    table = sky_catalogs.table("hsc_spectra")
    files = {}
    for i, row in enumerate(table.rows(np.arange(table.n_rows))):
        data = make_hla_grism_spec1d(
            dataset=row["DatasetName"],
            target=row["TargetName"],
            ra=row["RA"],
            dec=row["Dec"],
            grism=row["SpectralElement"],
            exptime=row["ExposureTime"],
            propid=row["PropID"],
            seed=i + 1,
        )
        files[hsc_spectrum_uri(row)] = (data, "application/fits")
    return files
