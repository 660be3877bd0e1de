"""Observations around several sources at once: one cone search per source, as one answer.

This is TOPCAT's *multiple cone search*: each source (a catalog row, say) gets its own cone
search of MAST's observations with the same radius and criteria, and the answers are stacked,
each row carrying the source it was found around (``source``, ``source_ra``, ``source_dec``).
An observation near two sources appears once for each, as in TOPCAT, so that every source's
list is whole.

:class:`MultiConeSearch` has the paging shape of `~glue_mast.archive.search.ObservationSearch`:
:meth:`~MultiConeSearch.fetch_count` asks every cone for its count (at the same time, one
request each), and :meth:`~MultiConeSearch.page` fetches from the server only the rows of the
cones that page covers, so a form pages through the stacked answer as through one search.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

from ..errors import InputError
from .search import DEFAULT_RADIUS, ObservationSearch, parse_coordinates, parse_radius

__all__ = ["MAX_SOURCES", "MultiConeSearch"]

#: The most sources one multiple cone search takes (each costs a request per count and page).
MAX_SOURCES = 100
# Cones counted at the same time: enough to hide latency, few enough not to flood the server.
_PARALLEL_COUNTS = 8


class MultiConeSearch:
    """One observation cone search per source, stacked (see the module's doc).

    Parameters
    ----------
    sources : list of (str, coordinates)
        Each source's label (a catalog ID) and position (a `~astropy.coordinates.SkyCoord`
        or any form astropy parses).
    radius : str or `~astropy.units.Quantity`, optional
        Every cone's radius; default ``"0.2 deg"``.
    **criteria
        Observation criteria every cone applies (as for `~glue_mast.archive.search.search`).
    """

    #: A multiple cone search is never sorted (each cone is in MAST's distance order).
    sort = ()
    target = None
    coordinates = None
    resolved = None

    def __init__(self, sources, radius=None, **criteria):
        sources = list(sources)
        if not sources:
            raise InputError(
                "select at least one source to search observations around", field="selected"
            )
        if len(sources) > MAX_SOURCES:
            raise InputError(
                f"{len(sources):,} sources selected; a multiple cone search takes at most "
                f"{MAX_SOURCES}: select fewer",
                field="selected",
                value=len(sources),
            )
        self.radius = parse_radius(DEFAULT_RADIUS if radius is None else radius)
        self.labels = [str(label) for label, _ in sources]
        self.positions = [parse_coordinates(position) for _, position in sources]
        self.criteria_given = dict(criteria)
        self.searches = [
            ObservationSearch(coordinates=c, radius=self.radius, **criteria)
            for c in self.positions
        ]
        self._counts = None

    def __repr__(self):
        count = "count not fetched" if self._counts is None else f"{self.count:,} rows"
        return (
            f"<MultiConeSearch {len(self.searches)} sources, radius='{self.radius.deg:g} deg'"
            f": {count}>"
        )

    def describe(self):
        """One line for a form: around how many sources, within what radius."""
        n = len(self.searches)
        return (
            f"around {n} source{'s' if n != 1 else ''} ({', '.join(self.labels[:3])}"
            f"{' ...' if n > 3 else ''}) within {self.radius.to('arcsec').value:g} arcsec"
        )

    # -- counting and paging --------------------------------------------------------------

    @property
    def counts(self):
        """Each cone's count, in source order (counted the first time)."""
        if self._counts is None:
            self.fetch_count()
        return list(self._counts)

    @property
    def count(self):
        """Total rows of the stacked answer."""
        return sum(self.counts)

    def fetch_count(self):
        """Count every cone now (one request each, at the same time); returns the total."""
        workers = min(_PARALLEL_COUNTS, len(self.searches))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="multicone") as pool:
            self._counts = list(pool.map(lambda s: s.fetch_count(), self.searches))
        return sum(self._counts)

    def page(self, n=1, size=None):
        """Page ``n`` (from 1) of ``size`` rows of the stacked answer, as an astropy Table.

        Only the server pages of the cones this page covers are fetched. ``table.meta`` holds
        ``page``, ``page_size``, ``count``, ``pages`` and ``query``.
        """
        from astropy.table import Table, vstack

        from .. import config

        size = int(config.conf.page_size if size is None else size)
        if isinstance(n, bool) or not str(n).strip().isdigit() or int(n) < 1:
            raise InputError(f"page must be a whole number from 1, got {n!r}", field="page")
        n, counts = int(n), self.counts
        total = sum(counts)
        pages = max(1, math.ceil(total / size))
        if n > pages:
            raise InputError(
                f"page {n} is past the end: {total:,} rows make {pages:,} page"
                f"{'s' if pages != 1 else ''} of {size}",
                field="page",
                value=n,
            )
        start, stop = (n - 1) * size, min(n * size, total)
        parts, offset = [], 0
        for i, count in enumerate(counts):
            lo, hi = max(start, offset), min(stop, offset + count)
            if lo < hi:
                parts.append(self._rows_of(i, lo - offset, hi - offset, size))
            offset += count
        table = vstack(parts, metadata_conflicts="silent") if parts else Table()
        table.meta.update(
            page=n,
            page_size=size,
            count=total,
            pages=pages,
            query=dict(self.as_record(), page=n, page_size=size),
        )
        return table

    def _rows_of(self, i, lo, hi, size):
        """Rows ``lo:hi`` of cone ``i``, from the server pages of ``size`` holding them."""
        from astropy.table import vstack

        search = self.searches[i]
        first, last = lo // size + 1, (hi - 1) // size + 1
        tables = [search.page(k, size) for k in range(first, last + 1)]
        rows = vstack(tables, metadata_conflicts="silent") if len(tables) > 1 else tables[0]
        rows = rows[lo - (first - 1) * size : hi - (first - 1) * size]
        rows.meta.clear()
        position = self.positions[i]
        rows["source"] = [self.labels[i]] * len(rows)
        rows["source_ra"] = [float(position.ra.deg)] * len(rows)
        rows["source_dec"] = [float(position.dec.deg)] * len(rows)
        return rows

    # -- provenance -----------------------------------------------------------------------

    def as_record(self):
        """The query in plain JSON: the sources, the radius and the criteria of every cone."""
        from ..util import plain

        record = {
            "service": "multiple cone search (one Mast.Caom.Cone per source)",
            "sources": [
                {"source": label, "ra": float(c.ra.deg), "dec": float(c.dec.deg)}
                for label, c in zip(self.labels, self.positions, strict=True)
            ],
            "radius_deg": float(self.radius.deg),
            "criteria_given": {k: plain(v) for k, v in self.criteria_given.items()},
            "count": None if self._counts is None else sum(self._counts),
        }
        if self._counts is not None:
            record["counts"] = list(self._counts)
        return record
