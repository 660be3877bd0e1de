"""Searching MAST observations: count first, then pages fetched from the server on demand.

:class:`ObservationSearch` is lazy and cheap: building one checks the input (resolving a target
name and fetching MAST's field list once per process); :attr:`~ObservationSearch.count` costs
one request and fetches no rows; :meth:`~ObservationSearch.page` asks the server for that page
only; :meth:`~ObservationSearch.all` pages underneath. Everything goes through astroquery.mast.
"""

from __future__ import annotations

import math

from .. import config
from ..errors import InputError
from . import astroquery_adapter as adapter
from . import criteria as _criteria

__all__ = ["DEFAULT_RADIUS", "ObservationSearch", "parse_coordinates", "parse_radius", "search"]

DEFAULT_RADIUS = "0.2 deg"


def parse_radius(radius):
    """An `~astropy.coordinates.Angle` from ``"0.2 deg"``, ``"30 arcsec"`` or a Quantity.

    A number without a unit is refused rather than guessed: is 2 degrees, arcmin or arcsec?
    """
    import astropy.units as u
    from astropy.coordinates import Angle

    text = str(radius).strip() if isinstance(radius, str) else None
    if isinstance(radius, (int, float)) or (text is not None and _is_number(text)):
        raise InputError(
            f"radius {radius!r} has no unit; give an angle such as '0.2 deg', "
            "'5 arcmin' or '30 arcsec'",
            field="radius",
            value=radius,
        )
    try:
        angle = Angle(radius)
    except (TypeError, ValueError, u.UnitsError):
        raise InputError(
            f"radius {radius!r} is not an angle; give e.g. '0.2 deg', '5 arcmin' or '30 arcsec'",
            field="radius",
            value=radius,
        ) from None
    if not angle.isscalar:
        raise InputError("radius must be a single angle", field="radius", value=radius)
    if angle.deg <= 0:
        raise InputError(f"radius must be positive, got {radius!r}", field="radius", value=radius)
    if angle.deg > 30:
        raise InputError(
            f"radius {radius!r} is larger than MAST's cone searches allow "
            "(30 deg); search by criteria instead",
            field="radius",
            value=radius,
        )
    return angle


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def parse_coordinates(coordinates):
    """A `~astropy.coordinates.SkyCoord` (ICRS) from anything astropy parses.

    Strings may be decimal degrees (``"270.9 -24.38"``), sexagesimal with units
    (``"18h03m37s -24d23m12s"``) or colons (``"18:03:37 -24:23:12"``, RA in hours).
    """
    import astropy.units as u
    from astropy.coordinates import SkyCoord

    if isinstance(coordinates, SkyCoord):
        coord = coordinates
    else:
        text = " ".join(str(coordinates).replace(",", " ").split())
        coord = None
        # Colon-separated sexagesimal means RA in hours, as everywhere in astronomy.
        if ":" in text:
            attempts = [{}, {"unit": (u.hourangle, u.deg)}]
        else:
            attempts = [{}, {"unit": (u.deg, u.deg)}]
        for kwargs in attempts:
            try:
                coord = SkyCoord(text, frame="icrs", **kwargs)
                break
            except (ValueError, u.UnitsError, TypeError):
                continue
        if coord is None:
            raise InputError(
                f"could not read coordinates {coordinates!r}; give 'RA DEC' in degrees "
                "('270.9 -24.38') or sexagesimal ('18:03:37 -24:23:12' or "
                "'18h03m37s -24d23m12s')",
                field="coordinates",
                value=coordinates,
            )
    if not coord.isscalar:
        raise InputError(
            "give one position, not several", field="coordinates", value=coordinates
        )
    return coord.icrs


class ObservationSearch:
    """A search of MAST's observations, by target or position and criteria.

    Parameters
    ----------
    target : str, optional
        An object name (``"M8"``, ``"TW Hya"``, ``"TIC 358108509"``), resolved by MAST's own
        resolver on the configured server.
    coordinates : str or `~astropy.coordinates.SkyCoord`, optional
        A position, instead of ``target``; any form astropy parses.
    radius : str or `~astropy.units.Quantity`
        Cone radius with a unit; default ``"0.2 deg"``.
    sort : str or list of str, optional
        Field(s) to sort by, ``"-field"`` for descending. MAST's API has no server-side
        ordering, so a sorted search fetches every row (up to
        ``glue_mast.conf.max_sort_rows``) before its first page.
    resolved : tuple, optional
        ``(SkyCoord, info)`` from an earlier
        :func:`~glue_mast.archive.astroquery_adapter.resolve` of this ``target`` on the same
        server: given, the name is not resolved again (a form that changes only the radius or
        a criterion costs no resolver round trip).
    **criteria
        Any observation field MAST accepts (``obs_collection="HST"``,
        ``instrument_name=["COS/FUV", "STIS/FUV-MAMA"]``, ``calib_level=[2, 3]``,
        ``t_min=["2010-01-01", "2012-12-31"]``, ``em_min=["100 nm", "300 nm"]``,
        ``proposal_pi="Linsky*"``). Lists are OR; ranges are ``[min, max]``.
    """

    def __init__(
        self, target=None, *, coordinates=None, radius=None, sort=None, resolved=None, **criteria
    ):
        for alias in ("objectname", "object_name"):
            if alias in criteria:
                if target is not None:
                    raise InputError(
                        f"give the target once, not as both target and {alias}", field="target"
                    )
                target = criteria.pop(alias)
        if target is not None and coordinates is not None:
            raise InputError("give a target name or coordinates, not both", field="target")
        if target is not None and not str(target).strip():
            raise InputError("the target name is empty", field="target", value=target)
        if target is None and coordinates is None and not criteria:
            raise InputError(
                "give a target, coordinates or at least one criterion (e.g. obs_collection=IUE)",
                field="target",
            )
        self.target = str(target).strip() if target is not None else None
        positional = target is not None or coordinates is not None
        self.radius = (
            parse_radius(DEFAULT_RADIUS if radius is None else radius) if positional else None
        )
        if radius is not None and not positional:
            raise InputError(
                "radius needs a target or coordinates to be the centre of",
                field="radius",
                value=radius,
            )
        self.coordinates = parse_coordinates(coordinates) if coordinates is not None else None
        self.criteria_given = dict(criteria)
        self.sort = [sort] if isinstance(sort, str) else list(sort or [])

        if self.target is not None and resolved is not None:
            self.coordinates, self.resolved = resolved
        elif self.target is not None:
            # The field list is needed next; fetch it while the name resolves.
            adapter.prefetch_column_configs("observations")
            self.coordinates, self.resolved = adapter.resolve(self.target)
        else:
            self.resolved = None
        fields = adapter.observation_columns()  # waits for the prefetch, if one is under way
        self.criteria = _criteria.normalise_criteria(self.criteria_given, fields)
        sortable = set(fields) | ({"distance"} if positional else set())
        for key in self.sort:
            _criteria.canonical_name(key.lstrip("-"), sortable, what="sort field", field="sort")
        self._count = None
        self._sorted = None

    # -- what the user sees ---------------------------------------------------------------

    def __repr__(self):
        parts = []
        if self.target:
            parts.append(f"target={self.target!r}")
        if self.coordinates is not None:
            parts.append(
                f"coordinates='{self.coordinates.ra.deg:.5f} {self.coordinates.dec.deg:+.5f}'"
            )
        if self.radius is not None:
            parts.append(f"radius='{self.radius.deg:g} deg'")
        parts += [f"{k}={v!r}" for k, v in self.criteria_given.items()]
        if self.sort:
            parts.append(f"sort={self.sort!r}")
        count = f"{self._count:,} rows" if self._count is not None else "count not fetched"
        return f"<ObservationSearch {', '.join(parts)}: {count}>"

    @property
    def position(self):
        """``(SkyCoord, Angle)`` of the cone, or ``None`` for a criteria-only search."""
        return None if self.coordinates is None else (self.coordinates, self.radius)

    # -- counting and paging --------------------------------------------------------------

    @property
    def count(self):
        """Total rows; one request the first time, with no rows fetched."""
        if self._count is None:
            self.fetch_count()
        return self._count

    def fetch_count(self):
        """Ask the server for the total rows now (one request) and return it.

        The count can run on one thread while :meth:`page` fetches rows on another
        (:func:`~glue_mast.archive.astroquery_adapter.count_observations`): a form shows count
        and first page after one round trip of latency instead of two.
        """
        self._count = adapter.count_observations(self.criteria, self.coordinates, self.radius)
        return self._count

    def page_count(self, size=None):
        """Number of pages of ``size`` rows."""
        size = self._page_size(size)
        return max(1, math.ceil(self.count / size))

    def page(self, n=1, size=None):
        """Page ``n`` (from 1) of ``size`` rows as an `~astropy.table.Table`.

        Only that page is fetched. ``table.meta`` holds ``page``, ``page_size``, ``count`` and
        ``pages``.
        """
        size = self._page_size(size)
        if isinstance(n, bool) or (not isinstance(n, int) and not str(n).isdigit()):
            raise InputError(f"page must be a whole number, got {n!r}", field="page", value=n)
        n = int(n)
        if n < 1:
            raise InputError(f"page {n} does not exist: pages start at 1", field="page", value=n)
        if self.sort:
            return self._sorted_page(n, size)
        table, total = self._fetch(n, size)
        self._count = total
        return self._as_page(table, n, size, total)

    def _as_page(self, table, n, size, total):
        """``table`` as page ``n`` of ``total`` rows, or the error of a page past the end."""
        pages = max(1, math.ceil(total / size))
        if n > pages:
            raise InputError(self._past_end(n, size, total), field="page", value=n)
        table.meta.update(
            page=n,
            page_size=size,
            count=total,
            pages=pages,
            query=dict(self.as_record(), page=n, page_size=size),
        )
        return table

    def pages(self, size=None):
        """Iterate over every page, fetching each when it is reached."""
        size = self._page_size(size)
        n = 1
        while True:
            table = self.page(n, size)
            yield table
            if n >= table.meta["pages"]:
                return
            n += 1

    def all(self, limit=None):
        """Every row (or the first ``limit``), fetched in large pages underneath."""
        if limit is not None and (
            isinstance(limit, bool) or not isinstance(limit, int) or limit < 1
        ):
            raise InputError(
                f"limit must be a positive whole number, got {limit!r}", field="limit", value=limit
            )
        if self.sort:
            rows = self._sorted_rows()
            return rows[:limit] if limit else rows
        return self._fetch_all(limit)

    def _fetch_all(self, limit=None):
        from astropy.table import vstack

        bulk = int(config.conf.bulk_page_size)
        size = min(bulk, limit) if limit else bulk
        tables, fetched, n = [], 0, 1
        while True:
            table, total = self._fetch(n, size)
            self._count = total
            tables.append(table)
            fetched += len(table)
            if len(table) < size or fetched >= total or (limit and fetched >= limit):
                break
            n += 1
        result = vstack(tables, metadata_conflicts="silent") if len(tables) > 1 else tables[0]
        if limit:
            result = result[:limit]
        result.meta.update(count=self._count, query=dict(self.as_record(), rows=len(result)))
        return result

    # -- provenance -----------------------------------------------------------------------

    def as_record(self):
        """The query as the user gave it and as it is sent, in plain JSON types."""
        from ..provenance.manifest import plain as _plain

        record = {
            "service": self._service(),
            "target": self.target,
            "criteria_given": {k: _plain(v) for k, v in self.criteria_given.items()},
            "criteria_sent": {k: _plain(v) for k, v in self.criteria.items()},
            "sort": self.sort or None,
            "count": self._count,
        }
        record.update(position_record(self.coordinates, self.radius, self.resolved))
        return record

    # -- internals ------------------------------------------------------------------------

    def _service(self):
        if self.coordinates is None:
            return "Mast.Caom.Filtered"
        return "Mast.Caom.Filtered.Position" if self.criteria else "Mast.Caom.Cone"

    def _page_size(self, size):
        size = config.conf.page_size if size is None else size
        if isinstance(size, bool) or not str(size).isdigit() or int(size) < 1:
            raise InputError(
                f"page size must be a positive whole number, got {size!r}",
                field="page_size",
                value=size,
            )
        return int(size)

    def _fetch(self, n, size):
        """One page from the server: ``(table, total rows)``."""
        table, total = adapter.observation_page(
            n, size, self.criteria, self.coordinates, self.radius
        )
        if total is None:  # a server without paging details: what came back is everything
            total = len(table) if n == 1 else (n - 1) * size + len(table)
        return table, int(total)

    def _past_end(self, n, size, total):
        if total == 0:
            return f"page {n} is past the end: this search has no rows"
        pages = math.ceil(total / size)
        return (
            f"page {n} is past the end: {total:,} rows make {pages:,} "
            f"page{'s' if pages != 1 else ''} of {size}"
        )

    def _sorted_rows(self):
        if self._sorted is None:
            limit = int(config.conf.max_sort_rows)
            if self.count > limit:
                raise InputError(
                    f"sorting needs every row, and this search has {self.count:,}, more than "
                    f"the {limit:,} glue-mast sorts locally (glue_mast.conf.max_sort_rows); "
                    "narrow the search or drop the sort",
                    field="sort",
                    value=self.sort,
                )
            table = self._fetch_all() if self.count else self._fetch(1, 1)[0]
            self._sorted = _sort_table(table, self.sort)
        return self._sorted

    def _sorted_page(self, n, size):
        rows = self._sorted_rows()
        total = len(rows)
        return self._as_page(rows[(n - 1) * size : n * size], n, size, total)


def position_record(coordinates, radius, resolved=None):
    """The position part of a query record: ``coordinates`` (ICRS degrees), ``radius_deg``
    and what the name resolver answered, as plain JSON (empty for a query without one)."""
    from ..util import plain

    record = {}
    if coordinates is not None:
        record["coordinates"] = {
            "ra": float(coordinates.ra.deg),
            "dec": float(coordinates.dec.deg),
            "frame": "icrs",
        }
        record["radius_deg"] = float(radius.deg)
    if resolved:
        record["resolved"] = {k: plain(v) for k, v in resolved.items()}
    return record


def _sort_table(table, keys):
    """``table`` sorted by ``keys`` (``"-name"`` descending); missing values go last."""
    import numpy as np

    if not len(table):
        return table
    lex = []
    # np.lexsort takes its primary key last: walk the keys backwards, and within a key put
    # "is missing" above the value's rank.
    for key in reversed(keys):
        name = key.lstrip("-").lower()
        column = table[next(c for c in table.colnames if c.lower() == name)]
        data = np.ma.getdata(column)
        missing = np.ma.getmaskarray(column).copy()
        if data.dtype.kind == "f":
            missing |= np.isnan(data)
        _, rank = np.unique(data, return_inverse=True)
        lex += [-rank if key.startswith("-") else rank, missing]
    return table[np.lexsort(lex)]


def search(target=None, *, coordinates=None, radius=None, sort=None, **criteria):
    """Search MAST's observations; see `ObservationSearch`.

    Examples
    --------
    >>> import glue_mast
    >>> q = glue_mast.search("TW Hya", radius="0.02 deg",
    ...                      dataproduct_type="spectrum")  # doctest: +REMOTE_DATA
    >>> q.count  # doctest: +REMOTE_DATA +IGNORE_OUTPUT
    >>> q.page(1, size=50)  # doctest: +REMOTE_DATA +IGNORE_OUTPUT
    """
    return ObservationSearch(target, coordinates=coordinates, radius=radius, sort=sort, **criteria)
