"""HST grism spectra of Hubble Source Catalog sources: list them, then fetch them as products.

MAST's ``Mast.HscSpectra.Db.All`` (astroquery's ``Catalogs.get_hsc_spectra``) lists every HSC
spectrum (some 46,000) and takes no position or MatchID. :func:`hsc_spectra` fetches that list
once per server and process, in large pages, and picks the spectra of a region or of a match
from it. The table it returns is a products table: :func:`glue_mast.fetch` downloads it
(parallel, verified, with a manifest) through MAST's download service, each spectrum by the
MAST URI of the HLA URL astroquery's ``download_hsc_spectra`` fetches it from, into
``DIR/HSC/<MatchID>/<DatasetName>.fits``; :func:`glue_mast.io.read` reads the files as 1-D
spectra.
"""

from __future__ import annotations

import threading

from .. import config
from ..errors import InputError
from . import astroquery_adapter as adapter
from .search import DEFAULT_RADIUS, parse_coordinates, parse_radius

__all__ = ["hsc_spectra", "hsc_spectrum_uri"]

_LISTS = {}  # server -> the whole spectra list
_LOCK = threading.Lock()


def hsc_spectrum_uri(dataset, spectrum_type):
    """The MAST URI of an HSC spectrum: the HLA URL of astroquery's ``download_hsc_spectra``."""
    if int(spectrum_type) < 2:
        return f"mast:HLA/url/cgi-bin/getdata.cgi?config=ops&dataset={dataset}"
    return f"mast:HLA/url/cgi-bin/ecfproxy?file_id={dataset}.fits"


def _all_spectra(refresh=False):
    from astropy.table import vstack

    server = config.current_server()
    with _LOCK:
        if refresh or server not in _LISTS:
            size = int(config.conf.bulk_page_size)
            tables, n = [], 1
            while True:
                table, total = adapter.hsc_spectra_page(page=n, pagesize=size)
                tables.append(table)
                fetched = sum(len(t) for t in tables)
                if len(table) < size or (total is not None and fetched >= total):
                    break
                n += 1
            _LISTS[server] = vstack(tables) if len(tables) > 1 else tables[0]
        return _LISTS[server]


def hsc_spectra(target=None, *, coordinates=None, radius=None, match=None, refresh=False):
    """The HSC spectra of a region (``target`` or ``coordinates`` and ``radius``) or a match.

    Parameters
    ----------
    target, coordinates, radius
        As for :func:`glue_mast.search`; the radius defaults to ``"0.2 deg"``.
    match : int or `~astropy.table.Row`, optional
        An HSC MatchID (or a row of an HSC search), instead of a region.
    refresh : bool
        Fetch MAST's list again rather than reuse the one fetched earlier in this process.

    Returns
    -------
    `~astropy.table.Table`
        MAST's columns (``MatchID``, ``DatasetName``, ``RA``, ``Dec``, ``SpectrumType``, ...)
        and those of a products table: ``dataURI``, ``productFilename``, ``obs_collection``
        (``HSC``), ``obs_id`` (the MatchID), ``dataproduct_type`` (``spectrum``), so that
        :func:`glue_mast.fetch` takes it as it is. ``meta["query"]`` records the selection.
    """
    import numpy as np

    if match is not None and hasattr(match, "colnames"):
        match = match["MatchID"]
    given = [x is not None for x in (target, coordinates, match)]
    if sum(given) != 1:
        raise InputError(
            "give one of a target, coordinates or an HSC MatchID (match=)", field="target"
        )
    if radius is not None and match is not None:
        raise InputError("radius is for a region, not a match", field="radius", value=radius)
    query = {"service": "Mast.HscSpectra.Db.All"}
    if match is not None:
        if not str(match).strip().isdigit():
            raise InputError(
                f"match must be an HSC MatchID (a whole number), got {match!r}",
                field="match",
                value=match,
            )
        spectra = _all_spectra(refresh)
        # MAST types MatchID as text in this list and as a number in the HSC itself.
        keep = np.array([str(m).strip() for m in spectra["MatchID"]]) == str(int(match))
        query["match"] = int(match)
    else:
        angle = parse_radius(radius or DEFAULT_RADIUS)
        if target is not None:
            coord, resolved = adapter.resolve(str(target))
            query.update(target=str(target), resolved=resolved)
        else:
            coord = parse_coordinates(coordinates)
        spectra = _all_spectra(refresh)
        keep = _within(spectra, coord, angle)
        query.update(
            coordinates={"ra": float(coord.ra.deg), "dec": float(coord.dec.deg), "frame": "icrs"},
            radius_deg=float(angle.deg),
        )
    table = spectra[keep]
    table["dataURI"] = [
        hsc_spectrum_uri(d, t)
        for d, t in zip(table["DatasetName"], table["SpectrumType"], strict=True)
    ]
    table["productFilename"] = [f"{d}.fits" for d in table["DatasetName"]]
    table["obs_collection"] = ["HSC"] * len(table)
    table["obs_id"] = [str(m) for m in table["MatchID"]]
    table["dataproduct_type"] = ["spectrum"] * len(table)
    table.meta = {"query": dict(query, rows=len(table))}
    return table


def _within(spectra, coord, angle):
    import numpy as np
    from astropy.coordinates import SkyCoord

    if not len(spectra):
        return np.zeros(0, dtype=bool)
    ra = np.ma.filled(np.asarray(spectra["RA"], dtype=float), np.nan)
    dec = np.ma.filled(np.asarray(spectra["Dec"], dtype=float), np.nan)
    where = SkyCoord(ra, dec, unit="deg", frame="icrs")
    return np.asarray(where.separation(coord).deg <= angle.deg)
