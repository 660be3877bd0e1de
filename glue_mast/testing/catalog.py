"""Query evaluation for the local archive: MAST's filter, cone and paging semantics.

This is the server side of the Mashup protocol, without any HTTP: it answers "which rows match
these Mashup filters and this position, in what order" over the snapshot of
:mod:`glue_mast.testing.snapshot`. Columns are numpy arrays (the synthetic collection is built
with vectorised numpy, never row by row), so a filter over 100,000 rows costs milliseconds.

Semantics follow MAST's portal, as astroquery speaks it (``astroquery/mast/discovery_portal.py``,
``PortalAPI.build_filter_set``):
discrete filters match any of their values, case-insensitively, and columns with a separator
(``obs_collection``, ``filters``, ...) match any element of a ``;``-separated cell; ``freeText``
is a SQL ``LIKE`` pattern with ``%``; continuous filters are ``[{"min": a, "max": b}]``
ranges; different filters are ANDed. Position searches are ordered by distance.
"""

from __future__ import annotations

import math
import re
from collections import OrderedDict

import numpy as np

from ..errors import QueryError
from . import snapshot
from .snapshot import OBSERVATION_FIELDS, PRODUCT_FIELDS, SYNTHETIC_COLLECTION

__all__ = ["Catalog", "QueryError"]


def _separator_columns(column_config):
    return {name for name, cfg in column_config.items() if cfg.get("separator")}


class Catalog:
    """The observations, products and files of one archive snapshot.

    Parameters
    ----------
    n_synthetic : int
        Rows in the synthetic collection.
    synthetic_file_size : int
        Size in bytes asked of each synthetic product file.
    file_factory : callable
        ``file_factory(source) -> bytes`` for a product's ``source`` (see
        :class:`~glue_mast.testing.snapshot.ProductSpec`).
    column_config : dict
        The ``Mast.Caom.Cone`` columns config, which says which columns are multi-valued.
    """

    def __init__(self, *, n_synthetic, synthetic_file_size, file_factory, column_config):
        self.n_synthetic = int(n_synthetic)
        self.synthetic_file_size = int(synthetic_file_size)
        self._file_factory = file_factory
        self._separators = _separator_columns(column_config)

        self.named = snapshot.observations()
        self._real_rows = [obs.row for obs in self.named]
        self.n_real = len(self._real_rows)
        self._columns: dict[str, np.ndarray] = {}
        self._lower_uniques: dict[str, tuple] = {}

        # Product bytes of the named observations are made once: their sizes go into the
        # product rows, so what the archive advertises is what it serves.
        self._products_by_obsid: dict[str, list[dict]] = {}
        self.files: dict[str, tuple[bytes, str]] = {}
        for obs in self.named:
            rows = []
            for spec in obs.products:
                data = file_factory(spec.source)
                row = dict(spec.row, size=len(data))
                self.files[row["dataURI"]] = (data, spec.content_type)
                rows.append(row)
            self._products_by_obsid[obs.row["obsid"]] = rows
        self._exclusive = {
            row["dataURI"]
            for rows in self._products_by_obsid.values()
            for row in rows
            if row["dataRights"] != "PUBLIC"
        }
        self._synthetic_cache: OrderedDict[str, bytes] = OrderedDict()

    # -- columns --------------------------------------------------------------------------

    @property
    def n_rows(self):
        return self.n_real + self.n_synthetic

    def column(self, name):
        """One observation column over every row (named rows first), cached."""
        if name not in self._columns:
            if name not in OBSERVATION_FIELDS:
                raise QueryError(f"Unknown column '{name}'")
            real = [row[name] for row in self._real_rows]
            synthetic = self._synthetic_column(name, np.arange(self.n_synthetic))
            kind = OBSERVATION_FIELDS[name]
            if kind == "float":
                real = np.array([np.nan if v is None else v for v in real], dtype=float)
            elif kind == "int":
                real = np.array([-999 if v is None else v for v in real], dtype=np.int64)
            elif kind == "boolean":
                real = np.array([bool(v) for v in real])
            else:
                real = np.array(["" if v is None else str(v) for v in real], dtype=object)
                synthetic = synthetic.astype(object)
            self._columns[name] = np.concatenate([real, synthetic])
        return self._columns[name]

    def _synthetic_column(self, name, i):
        s = SYNTHETIC_COLLECTION
        rng = np.random.default_rng(20261121)
        if name in ("s_ra", "s_dec"):
            ra = rng.uniform(*s.ra_range, size=self.n_synthetic)
            dec = np.degrees(
                np.arcsin(rng.uniform(*np.sin(np.radians(s.dec_range)), size=self.n_synthetic))
            )
            return (ra if name == "s_ra" else dec)[i]
        t_min = 55000.0 + i * 0.01
        em = np.array([[100.0, 300.0], [300.0, 1000.0], [1000.0, 5000.0], [115.0, 180.0]])

        def const(value):
            return lambda: np.full(i.shape, value)

        def cycle(*choices):
            return lambda: np.array(choices)[i % len(choices)]

        if name == "s_region":
            ra, dec = self.column("s_ra")[self.n_real :], self.column("s_dec")[self.n_real :]
            return np.array(
                [snapshot.circle_region(r, d, 0.001) for r, d in zip(ra[i], dec[i], strict=True)]
            )
        values = {
            "intentType": const("science"),
            "obs_collection": const(s.name),
            "provenance_name": const("SYNPIPE"),
            "instrument_name": cycle(*s.instruments),
            "project": const(s.name),
            "filters": cycle("SYN-F1", "SYN-F2", "SYN-F3", "SYN-F4"),
            "wavelength_region": cycle("UV", "OPTICAL", "INFRARED", "UV"),
            "target_name": lambda: _numbered(i, "COSMOS-{:06d}"),
            "target_classification": const("GALAXY"),
            "obs_id": lambda: _numbered(i, "syn{:06d}"),
            "dataproduct_type": cycle(*s.product_types),
            "proposal_pi": const("Synthetic, Survey"),
            "calib_level": lambda: 2 + i % 2,
            "t_min": lambda: t_min,
            "t_max": lambda: t_min + 0.01,
            "t_exptime": lambda: 100.0 + i % 500,
            "em_min": lambda: em[i % 4, 0],
            "em_max": lambda: em[i % 4, 1],
            "obs_title": const("Synthetic paging survey"),
            "t_obs_release": lambda: t_min + 365.0,
            "proposal_id": lambda: _numbered(i // 16, "{:05d}"),
            "proposal_type": const("GO"),
            "sequence_number": lambda: i % 10,
            "jpegURL": const(""),
            "dataURL": const(""),
            "dataRights": const("PUBLIC"),
            "mtFlag": lambda: np.zeros(i.shape, dtype=bool),
            "srcDen": const(np.nan),
            "obsid": lambda: (s.first_obsid + i).astype(str),
            "objID": lambda: (s.first_obsid + 500_000_000 + i).astype(str),
        }
        return values[name]()

    def row(self, index, columns=None):
        """One observation as a dict of plain JSON values."""
        return self.rows(np.array([index]), columns)[0]

    def rows(self, indexes, columns=None):
        """Observations as dicts of plain JSON values, built a column at a time."""
        names = list(columns or OBSERVATION_FIELDS)
        values = [
            _json_column(self.column(name)[indexes], OBSERVATION_FIELDS[name]) for name in names
        ]
        return [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]

    def warm(self):
        """Build every column now (about 0.6 s), so that no request pays for it.

        The lower-cased distinct values a text filter uses are still built on the first
        filter of each column (about 50 ms each): building all of them would take 2 s.
        """
        for name in OBSERVATION_FIELDS:
            self.column(name)

    # -- filtering ------------------------------------------------------------------------

    def select(self, filters=(), position=None):
        """Indexes of the rows matching Mashup ``filters`` and ``position``, in MAST order.

        Parameters
        ----------
        filters : list of dict
            Mashup filters (``paramName``, ``values``, optional ``freeText``, ``separator``).
        position : tuple or None
            ``(ra, dec, radius)`` in degrees.

        Returns
        -------
        indexes : ndarray
        distances : ndarray or None
            Arcseconds from the position, for position searches.
        """
        mask = np.ones(self.n_rows, dtype=bool)
        for flt in filters:
            mask &= self._filter_mask(flt)
        if position is None:
            return np.flatnonzero(mask), None
        ra, dec, radius = position
        dist = _separation_deg(ra, dec, self.column("s_ra"), self.column("s_dec"))
        mask &= dist <= radius
        idx = np.flatnonzero(mask)
        order = np.argsort(dist[idx], kind="stable")
        return idx[order], dist[idx][order] * 3600.0

    def _filter_mask(self, flt):
        name = flt.get("paramName")
        if name not in OBSERVATION_FIELDS:
            raise QueryError(f"Column '{name}' is not a valid filter column")
        kind = OBSERVATION_FIELDS[name]
        values = flt.get("values") or []
        free_text = flt.get("freeText")
        col = self.column(name)
        if kind == "float":
            mask = np.zeros(len(col), dtype=bool)
            for rng in values:
                if not isinstance(rng, dict):
                    raise QueryError(f"Continuous filter on '{name}' needs min/max objects")
                try:
                    lo, hi = float(rng["min"]), float(rng["max"])
                except (KeyError, TypeError, ValueError) as exc:
                    raise QueryError(f"Bad range for '{name}': {rng!r}") from exc
                with np.errstate(invalid="ignore"):
                    mask |= (col >= lo) & (col <= hi)
            return mask
        if kind in ("int", "boolean"):
            wanted = set()
            for v in values:
                try:
                    wanted.add(int(v) if kind == "int" else str(v).lower() in ("1", "true"))
                except ValueError as exc:
                    raise QueryError(
                        f"Conversion failed when converting the value '{v}' to data type int."
                    ) from exc
            return np.isin(col, list(wanted))
        return self._string_mask(name, [str(v) for v in values], free_text)

    def _string_mask(self, name, values, free_text):
        uniques, inverse = self._uniques(name)
        wanted = {v.lower() for v in values}
        pattern = _like_regex(free_text) if free_text else None
        split = name in self._separators

        def matches(cell):
            parts = cell.split(";") if split else [cell]
            if any(p in wanted for p in parts):
                return True
            return pattern is not None and any(pattern.fullmatch(p) for p in parts)

        hit = np.fromiter((matches(u) for u in uniques), dtype=bool, count=len(uniques))
        return hit[inverse]

    def _uniques(self, name):
        if name not in self._lower_uniques:
            col = self.column(name).astype(str)
            uniques, inverse = np.unique(np.char.lower(col), return_inverse=True)
            self._lower_uniques[name] = ([str(u) for u in uniques], inverse)
        return self._lower_uniques[name]

    # -- products and files ---------------------------------------------------------------

    def _synthetic_index(self, obsid):
        try:
            i = int(obsid) - SYNTHETIC_COLLECTION.first_obsid
        except ValueError:
            return None
        return i if 0 <= i < self.n_synthetic else None

    def products(self, obsids):
        """Product rows of the given obsids, in the order asked."""
        rows = []
        for obsid in obsids:
            if obsid in self._products_by_obsid:
                rows.extend(self._products_by_obsid[obsid])
            elif (i := self._synthetic_index(obsid)) is not None:
                rows.extend(self._synthetic_products(i))
        return rows

    def _synthetic_products(self, i):
        obs = self.row(self.n_real + i)
        base = {
            "obsID": obs["obsid"],
            "obs_collection": obs["obs_collection"],
            "dataproduct_type": obs["dataproduct_type"],
            "obs_id": obs["obs_id"],
            "type": "S",
            "productDocumentationURL": None,
            "project": obs["project"],
            "proposal_id": obs["proposal_id"],
            "parent_obsid": obs["obsid"],
            "dataRights": "PUBLIC",
            "filters": obs["filters"],
        }
        name = obs["obs_id"]
        return [
            dict(
                base,
                description="Calibrated synthetic product",
                productType="SCIENCE",
                dataURI=f"mast:{obs['obs_collection']}/product/{name}_cal.fits",
                productGroupDescription=snapshot.MRP,
                productSubGroupDescription="CAL",
                prvversion="synpipe 1.0",
                productFilename=f"{name}_cal.fits",
                size=self.synthetic_size,
                calib_level=2,
            ),
            dict(
                base,
                description="Raw synthetic exposure",
                productType="SCIENCE",
                dataURI=f"mast:{obs['obs_collection']}/product/{name}_raw.fits",
                productGroupDescription=None,
                productSubGroupDescription="RAW",
                prvversion=None,
                productFilename=f"{name}_raw.fits",
                size=_fits_size(2880 * 3),
                calib_level=1,
            ),
        ]

    @property
    def synthetic_size(self):
        return _fits_size(self.synthetic_file_size)

    def file(self, uri):
        """``(bytes, content_type)`` served for a dataURI, or ``None``."""
        if uri in self.files:
            return self.files[uri]
        match = re.fullmatch(
            rf"mast:{SYNTHETIC_COLLECTION.name}/product/syn(\d{{6}})_(cal|raw)"
            r"\.fits",
            uri,
        )
        if not match:
            return None
        i = int(match.group(1))
        if i >= self.n_synthetic:
            return None
        if uri not in self._synthetic_cache:
            size = self.synthetic_file_size if match.group(2) == "cal" else 2880 * 3
            data = self._file_factory(
                (
                    "generate",
                    "synthetic_fits",
                    {
                        "obsid": str(SYNTHETIC_COLLECTION.first_obsid + i),
                        "size_bytes": size,
                        "seed": i * 2 + (match.group(2) == "raw"),
                    },
                )
            )
            self._synthetic_cache[uri] = data
            while len(self._synthetic_cache) > 64:
                self._synthetic_cache.popitem(last=False)
        self._synthetic_cache.move_to_end(uri)
        return self._synthetic_cache[uri], "application/fits"

    def is_exclusive(self, uri):
        """Whether a dataURI needs an exclusive-access token."""
        return uri in self._exclusive

    def collections(self):
        """Row counts per obs_collection, as MAST's ``Mast.Caom.All`` histogram gives them."""
        return self.histogram("obs_collection")

    def histogram(self, name):
        """Row counts per value of the discrete field ``name`` (a ``Mast.Caom.All`` facet)."""
        uniques, counts = np.unique(self.column(name).astype(str), return_counts=True)
        return {str(u): int(c) for u, c in zip(uniques, counts, strict=True)}


def product_json_row(row):
    return {name: row.get(name) for name in PRODUCT_FIELDS}


def _fits_size(nbytes):
    return int(math.ceil(nbytes / 2880) * 2880)


def _numbered(i, template):
    return np.array([template.format(int(k)) for k in np.atleast_1d(i)])


def _json_column(values, kind):
    """A column slice as a list of JSON values: NaN, -999 and "" become None."""
    if kind == "float":
        return [None if v != v else v for v in values.astype(float).tolist()]
    if kind == "int":
        return [None if v == -999 else v for v in values.astype(np.int64).tolist()]
    if kind == "boolean":
        return values.astype(bool).tolist()
    return [str(v) or None for v in values.tolist()]


def _like_regex(pattern):
    parts = (re.escape(p) for p in pattern.lower().split("%"))
    return re.compile(".*".join(parts).replace(r"\*", ".*"))


def _separation_deg(ra0, dec0, ra, dec):
    # Haversine: stable for the small separations cone searches care about.
    ra0, dec0, ra, dec = map(np.radians, (ra0, dec0, ra, dec))
    a = np.sin((dec - dec0) / 2) ** 2 + np.cos(dec0) * np.cos(dec) * np.sin((ra - ra0) / 2) ** 2
    return np.degrees(2 * np.arcsin(np.sqrt(np.clip(a, 0, 1))))
