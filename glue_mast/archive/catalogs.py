"""Searching MAST's catalogs (TIC, CTL, Gaia, HSC, GALEX, PanSTARRS, Disk Detective).

:func:`catalog_search` has the shape of :func:`glue_mast.search`: building one checks the input
(and resolves a target name), :attr:`CatalogSearch.count` costs one request of one row,
:meth:`~CatalogSearch.page` asks the server for that page only, :meth:`~CatalogSearch.all`
pages underneath. Every request goes through astroquery's ``Catalogs``
(:mod:`glue_mast.archive.astroquery_adapter`); which catalogs and versions there are comes from
:mod:`glue_mast.archive.catalog_list`.

Where MAST cannot count (its catalogs service, used for PanSTARRS, answers a page without a
total), ``count`` is None and :attr:`~CatalogSearch.count_note` says so; pages are still
fetched one at a time. Where MAST caps an answer (HSC at ``nr``, GALEX at ``maxrecords``,
50,000 rows by default), an answer that reaches the cap may be cut: :attr:`~CatalogSearch.
warnings` says so, with the limit and what to do, and a `CatalogCutOffWarning` is issued.
"""

from __future__ import annotations

import math
import warnings

from .. import config
from ..errors import InputError
from . import astroquery_adapter as adapter
from . import catalog_criteria
from .catalog_list import find_catalog
from .search import DEFAULT_RADIUS, parse_coordinates, parse_radius, position_record

__all__ = ["CatalogCutOffWarning", "CatalogSearch", "catalog_search", "hsc_match"]


class CatalogCutOffWarning(UserWarning):
    """A catalog answer reached the maximum number of rows MAST returns: it may be cut."""


class CatalogSearch:
    """A search of one MAST catalog by position (a target or coordinates), criteria or both.

    Parameters
    ----------
    catalog : str
        A name of :data:`glue_mast.archive.catalog_list.CATALOGS` (``"TIC"``, ``"Gaia"``,
        ``"HSC"``, ...), any case.
    target, coordinates, radius
        As for :func:`glue_mast.search`; the radius defaults to ``"0.2 deg"``.
    version : str or int, optional
        The catalog's version (``"DR2"``, ``"v2"``, ``2``); its newest by default.
    max_results : int, optional
        For the HSC and GALEX, the most rows MAST is to return (``nr``, ``maxrecords``).
    match : int, optional
        For ``"HSC matches"``: the HSC MatchID whose measurements to list.
    **criteria
        Criteria: for the TIC, CTL and Disk Detective any of their fields (as for
        observations: lists are OR, ``[min, max]`` ranges, ``*`` wildcards); for PanSTARRS any
        column of its mean table (numbers or ``[min, max]``); for the HSC ``magtype``.
    """

    def __init__(
        self,
        catalog,
        target=None,
        *,
        coordinates=None,
        radius=None,
        version=None,
        max_results=None,
        match=None,
        resolved=None,
        **criteria,
    ):
        self.info = find_catalog(catalog)
        self.catalog = self.info.name
        self.version = self.info.version(version)
        if target is not None and coordinates is not None:
            raise InputError("give a target name or coordinates, not both", field="target")
        if target is not None and not str(target).strip():
            raise InputError("the target name is empty", field="target", value=target)
        self.target = str(target).strip() if target is not None else None
        self.match = self._check_match(match)
        positional = target is not None or coordinates is not None
        if radius is not None and not positional:
            raise InputError(
                "radius needs a target or coordinates to be the centre of",
                field="radius",
                value=radius,
            )
        self.radius = parse_radius(radius or DEFAULT_RADIUS) if positional else None
        self.coordinates = parse_coordinates(coordinates) if coordinates is not None else None
        self.max_results = self._check_limit(max_results)
        self.criteria_given = dict(criteria)
        if (
            not self.info.by_match
            and not positional
            and (not criteria or not catalog_criteria.accepts_criteria(self.info))
        ):
            criteria_ok = catalog_criteria.accepts_criteria(self.info)
            what = "a target, coordinates or criteria" if criteria_ok else "a position"
            raise InputError(
                f"a {self.catalog} search needs {what} (e.g. a target name and a radius)",
                field="target",
            )
        if self.target is not None and resolved is not None:
            self.coordinates, self.resolved = resolved
        elif self.target is not None:
            self.coordinates, self.resolved = adapter.resolve(self.target)
        else:
            self.resolved = None
        self.criteria = catalog_criteria.normalise(self.info, self.version, criteria, positional)
        self._count = None
        self._warned = False
        #: Messages for the user about this answer (a possible cut-off); see the module doc.
        self.warnings = []

    # -- input checks ---------------------------------------------------------------------

    def _check_match(self, match):
        if not self.info.by_match:
            if match is not None:
                raise InputError(
                    f"match= is for 'HSC matches', not {self.catalog}", field="match", value=match
                )
            return None
        text = str(match).strip() if match is not None else ""
        if not text.isdigit():
            raise InputError(
                f"an HSC matches search needs match= an HSC MatchID (a whole number), got "
                f"{match!r}",
                field="match",
                value=match,
            )
        return int(text)

    def _check_limit(self, max_results):
        if max_results is None:
            return None
        if self.info.limit is None:
            raise InputError(
                f"max_results is for catalogs MAST caps (HSC, GALEX), not {self.catalog}",
                field="max_results",
                value=max_results,
            )
        if isinstance(max_results, bool) or not str(max_results).isdigit():
            raise InputError(
                f"max_results must be a positive whole number, got {max_results!r}",
                field="max_results",
                value=max_results,
            )
        if int(max_results) < 1:
            raise InputError("max_results must be at least 1", field="max_results", value=0)
        return int(max_results)

    # -- what the user sees ---------------------------------------------------------------

    @property
    def limit(self):
        """The most rows MAST returns for this search, or None if it has no cap."""
        if self.info.limit is None:
            return None
        return self.max_results or self.info.limit[1]

    @property
    def count_note(self):
        """Why :attr:`count` is None, when it is; else None."""
        if self.info.counts:
            return None
        return (
            f"MAST's catalogs service, which serves {self.catalog}, answers a page without a "
            "total: page through the answer or fetch it with all()"
        )

    def __repr__(self):
        parts = [f"{self.catalog} {self.version.label}"]
        if self.match is not None:
            parts.append(f"match={self.match}")
        if self.target:
            parts.append(f"target={self.target!r}")
        if self.coordinates is not None:
            parts.append(
                f"coordinates='{self.coordinates.ra.deg:.5f} {self.coordinates.dec.deg:+.5f}'"
            )
        if self.radius is not None:
            parts.append(f"radius='{self.radius.deg:g} deg'")
        parts += [f"{k}={v!r}" for k, v in self.criteria_given.items()]
        if not self.info.counts:
            count = "MAST does not count this catalog"
        elif self._count is None:
            count = "count not fetched"
        else:
            count = f"{self._count:,} rows"
        cut = " (may be cut: see .warnings)" if self.warnings else ""
        return f"<CatalogSearch {', '.join(parts)}: {count}{cut}>"

    # -- counting and paging --------------------------------------------------------------

    @property
    def count(self):
        """Total rows (one request of one row the first time), or None where MAST cannot count."""
        if self._count is None and self.info.counts:
            self._fetch(1, 1)
        return self._count

    def page(self, n=1, size=None):
        """Page ``n`` (from 1) of ``size`` rows as an `~astropy.table.Table`; only it is fetched.

        ``table.meta`` holds ``page``, ``page_size``, ``count`` and ``pages`` (None where MAST
        does not count), ``catalog``, ``version``, ``position`` (the RA and Dec columns),
        ``warnings`` and ``query``.
        """
        size = _positive(config.conf.page_size if size is None else size, "page size", "page_size")
        n = _positive(n, "page", "page")
        table, total = self._fetch(n, size)
        if total is not None:
            pages = max(1, math.ceil(total / size))
            if n > pages:
                raise InputError(_past_end(n, size, total), field="page", value=n)
        else:
            pages = None
            if n > 1 and not len(table):
                raise InputError(
                    f"page {n} is past the end of this {self.catalog} answer", field="page", value=n
                )
        table.meta.update(
            page=n,
            page_size=size,
            count=total,
            pages=pages,
            catalog=self.catalog,
            version=self.version.label,
            position=list(self.info.position_columns),
            warnings=list(self.warnings),
            query=dict(self.as_record(), page=n, page_size=size),
        )
        return table

    def all(self, limit=None):
        """Every row (or the first ``limit``), fetched in large pages underneath."""
        from astropy.table import vstack

        if limit is not None:
            limit = _positive(limit, "limit", "limit")
        bulk = int(config.conf.bulk_page_size)
        size = min(bulk, limit) if limit else bulk
        tables, fetched, n = [], 0, 1
        while True:
            table, total = self._fetch(n, size)
            tables.append(table)
            fetched += len(table)
            done = len(table) < size or (total is not None and fetched >= total)
            if done or (limit and fetched >= limit):
                break
            n += 1
        result = vstack(tables, metadata_conflicts="silent") if len(tables) > 1 else tables[0]
        if limit:
            result = result[:limit]
        result.meta.update(
            count=self._count,
            catalog=self.catalog,
            version=self.version.label,
            position=list(self.info.position_columns),
            warnings=list(self.warnings),
            query=dict(self.as_record(), rows=len(result)),
        )
        return result

    # -- provenance -----------------------------------------------------------------------

    def as_record(self):
        """The query as given and as sent, in plain JSON types (for provenance records)."""
        from ..util import plain

        record = {
            "catalog": self.catalog,
            "version": self.version.label,
            "service": self._service(),
            "target": self.target,
            "criteria_given": {k: plain(v) for k, v in self.criteria_given.items()},
            "criteria_sent": {k: plain(v) for k, v in self.criteria.items()},
            "count": self._count,
        }
        if self.match is not None:
            record["match"] = self.match
        if self.limit is not None:
            record["max_results"] = self.limit
        record.update(position_record(self.coordinates, self.radius, self.resolved))
        return record

    # -- internals ------------------------------------------------------------------------

    def _service(self):
        if self.criteria and self.info.criteria and self.version.astroquery_catalog != "Panstarrs":
            plain_service, positional, _ = self.info.criteria
            return positional if self.coordinates is not None else plain_service
        return self.version.service

    def _fetch(self, n, size):
        """One page from the server: ``(table, total or None)``; notes a possible cut-off."""
        v = self.version
        if self.info.by_match:
            table, total = adapter.hsc_matchid_page(
                self.match, version=v.astroquery_version, page=n, pagesize=size
            )
        elif self.info.criteria and self.criteria:
            position = {}
            if self.coordinates is not None:
                position = {"coordinates": self.coordinates, "radius": self.radius}
            catalog_criteria.fields(self.info, self.coordinates is not None)  # cached config
            table, total = adapter.catalog_criteria_page(
                v.astroquery_catalog, page=n, pagesize=size, **position, **self.criteria
            )
        elif self.coordinates is None:  # PanSTARRS by criteria alone
            table, total = adapter.catalog_criteria_page(
                v.astroquery_catalog,
                page=n,
                pagesize=size,
                data_release=v.label.lower(),
                **self.criteria,
            )
        else:
            params = dict(self.criteria)
            if self.info.limit is not None:
                params[self.info.limit[0]] = self.limit
            if v.astroquery_catalog == "Panstarrs":
                params["data_release"] = v.label.lower()
            table, total = adapter.catalog_region_page(
                v.astroquery_catalog,
                self.coordinates,
                self.radius,
                version=v.astroquery_version,
                page=n,
                pagesize=size,
                **params,
            )
        if total is None and self.info.counts:
            # A server without paging details: what came back is everything.
            total = len(table) if n == 1 else (n - 1) * size + len(table)
        if total is not None:
            self._count = int(total)
            self._note_cut_off()
        return table, total

    def _note_cut_off(self):
        limit = self.limit
        if limit is None or self._count < limit or self._warned:
            return
        parameter = "max_results= (--max-results on the command line)"
        message = (
            f"MAST returns at most {limit:,} rows from the {self.catalog} catalog and this "
            f"answer has {self._count:,}: it may be cut. Narrow the search (a smaller radius)"
            + (f", or raise the limit with {parameter}" if limit < self.info.limit[1] else "")
        )
        self.warnings.append(message)
        self._warned = True
        warnings.warn(message, CatalogCutOffWarning, stacklevel=3)


def _positive(value, what, field):
    if isinstance(value, bool) or not str(value).strip().isdigit() or int(value) < 1:
        raise InputError(
            f"{what} must be a positive whole number, got {value!r}", field=field, value=value
        )
    return int(value)


def _past_end(n, size, total):
    if total == 0:
        return f"page {n} is past the end: this search has no rows"
    pages = math.ceil(total / size)
    return (
        f"page {n} is past the end: {total:,} rows make {pages:,} "
        f"page{'s' if pages != 1 else ''} of {size}"
    )


def catalog_search(
    catalog, target=None, *, coordinates=None, radius=None, version=None, **criteria
):
    """Search a MAST catalog; see `CatalogSearch`.

    Examples
    --------
    >>> import glue_mast
    >>> q = glue_mast.catalog_search("TIC", "M10", radius="0.1 deg")  # doctest: +REMOTE_DATA
    >>> q.count  # doctest: +REMOTE_DATA +IGNORE_OUTPUT
    >>> q.page(1, size=50)  # doctest: +REMOTE_DATA +IGNORE_OUTPUT
    """
    return CatalogSearch(
        catalog, target, coordinates=coordinates, radius=radius, version=version, **criteria
    )


def hsc_match(match, *, version=None):
    """Every measurement of one Hubble Source Catalog match (``Mast.HscMatches.Db``).

    ``match`` is an HSC MatchID or a row of an HSC search (its ``MatchID``).
    """
    if hasattr(match, "colnames") and "MatchID" in match.colnames:
        match = match["MatchID"]
    return CatalogSearch("HSC matches", version=version, match=match)
