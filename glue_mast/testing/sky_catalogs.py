"""The local archive's source catalogs (TIC, CTL, Gaia, HSC, GALEX, PanSTARRS, Disk Detective).

Each catalog is a data file in ``data/catalogs`` (rows recorded from MAST by astroquery where
astroquery ships them, generated with MAST's column names where it does not; each file says
which in its ``source``). :class:`SkyTable` holds one as numpy columns and answers what MAST's
catalog services answer: a cone (rows within a radius, nearest first, with the catalog's
distance column filled in), Mashup filters (``[{"paramName", "values", "freeText"}]``, as
astroquery's ``build_filter_set`` writes them), and a maximum number of results.

The TIC also holds a dense synthetic field of :data:`SYNTHETIC_FIELD_ROWS` stars around
:data:`SYNTHETIC_FIELD` (100,000 by default), computed from a seeded generator the first time
the TIC is asked for, never stored: a cone there is a 100,000-row answer, for paging and the
catalog benchmark.
"""

from __future__ import annotations

import functools
import json
import re
from importlib import resources

import numpy as np

from .catalog import QueryError

__all__ = [
    "SYNTHETIC_FIELD",
    "SYNTHETIC_FIELD_RADIUS",
    "SYNTHETIC_FIELD_ROWS",
    "QueryError",
    "SkyTable",
    "column_config",
    "table",
]

#: Centre (RA, Dec in degrees) of the synthetic TIC field: Baade's window, where no other
#: catalog of the archive has rows.
SYNTHETIC_FIELD = (270.8917, -30.0339)
#: Radius (degrees) inside which the synthetic field's stars lie.
SYNTHETIC_FIELD_RADIUS = 0.2
#: Stars in the synthetic field.
SYNTHETIC_FIELD_ROWS = 100_000

_UNIT_DEG = {"arcsec": 3600.0, "arcmin": 60.0, "deg": 1.0}
_NUMERIC = {"float", "double", "int", "long", "short", "number"}


def _read(name):
    path = resources.files("glue_mast.testing").joinpath("data", "catalogs", name)
    return json.loads(path.read_text(encoding="utf-8"))


def column_config(name):
    """A recorded columns config (``"tess"`` or ``"dd"``) as MAST's columnsconfig serves it."""
    return _read(f"columnsconfig_{name}.json")


class SkyTable:
    """One catalog: its fields (name -> Mashup type) and its rows as numpy columns.

    Parameters
    ----------
    spec : dict
        A data file's contents: ``fields`` (``[{"name", "type"}]``) or ``info`` (the catalogs
        service's column list), ``rows`` (lists in field order), ``ra``/``dec`` (the position
        columns) and ``distance`` (``{"column", "unit"}`` or null).
    extra : dict of numpy arrays, optional
        More rows, column by column (the synthetic field); missing columns are null.
    """

    def __init__(self, spec, extra=None):
        self.info = spec.get("info")
        if self.info is not None:
            self.fields = {c["column_name"]: c["type"] for c in self.info}
        else:
            self.fields = {f["name"]: f["type"] for f in spec["fields"]}
        self.ra_name, self.dec_name = spec["ra"], spec["dec"]
        self.distance = spec.get("distance")
        rows = spec["rows"]
        n_extra = len(next(iter(extra.values()))) if extra else 0
        self.columns = {}
        for i, name in enumerate(self.fields):
            recorded = np.empty(len(rows), dtype=object)
            recorded[:] = [row[i] for row in rows]
            if extra:
                more = extra.get(name)
                if more is None:
                    more = np.full(n_extra, None, dtype=object)
                recorded = np.concatenate([recorded, np.asarray(more).astype(object)])
            self.columns[name] = recorded
        self.n_rows = len(rows) + n_extra
        self._numeric = {}

    def numeric(self, name):
        """Column ``name`` as floats, NaN where null (cached)."""
        if name not in self._numeric:
            col = self.columns[name]
            values = np.full(len(col), np.nan)
            present = np.not_equal(col, None)
            try:
                values[present] = col[present].astype(float)
            except (TypeError, ValueError):
                raise QueryError(f"column '{name}' is not numeric") from None
            self._numeric[name] = values
        return self._numeric[name]

    def cone(self, ra, dec, radius, nearest=None):
        """``(indexes, separations in degrees)`` of the rows within ``radius``, nearest first.

        With ``nearest``, only the first ``nearest`` are put in order (the rest follow in no
        particular order), as a page needs: ordering a 100,000-row answer to serve its first
        page would cost the archive more than the page.
        """
        x0, y0, z0 = _unit_vector(ra, dec)
        x, y, z = self._unit_vectors()
        dot = x * x0 + y * y0 + z * z0
        inside = np.flatnonzero(dot >= np.cos(np.radians(radius)) - 1e-15)
        sep = np.degrees(np.arccos(np.clip(dot[inside], -1.0, 1.0)))
        if nearest is None or nearest >= len(inside):
            order = np.argsort(sep, kind="stable")
        else:
            parts = np.argpartition(sep, max(0, nearest - 1))
            head = parts[:nearest]
            order = np.concatenate([head[np.argsort(sep[head], kind="stable")], parts[nearest:]])
        return inside[order], sep[order]

    def _unit_vectors(self):
        if "_xyz" not in self._numeric:
            self._numeric["_xyz"] = _unit_vector(
                self.numeric(self.ra_name), self.numeric(self.dec_name)
            )
        return self._numeric["_xyz"]

    def select(self, filters, indexes=None):
        """The ``indexes`` (default: every row) that pass every Mashup filter."""
        keep = np.ones(self.n_rows, dtype=bool)
        for f in filters or []:
            name = _column_name(f.get("paramName"), self.fields)
            values = f.get("values") or []
            if values and isinstance(values[0], dict):
                column = self.numeric(name)
                lo, hi = float(values[0].get("min")), float(values[0].get("max"))
                keep &= (column >= lo) & (column <= hi)
                continue
            cells = np.char.lower(self.columns[name].astype(str))
            match = np.isin(cells, [str(v).lower() for v in values])
            if f.get("freeText"):
                pattern = re.compile(
                    re.escape(str(f["freeText"]).lower()).replace("%", ".*"), re.DOTALL
                )
                match |= np.array([bool(pattern.fullmatch(c)) for c in cells])
            keep &= match
        if indexes is None:
            return np.flatnonzero(keep)
        return indexes[keep[indexes]]

    def rows(self, indexes, separations=None, names=None):
        """Rows as dicts, the distance column (if the catalog has one) from ``separations``."""
        names = list(names or self.fields)
        picked = {name: self.columns[name][indexes].tolist() for name in names}
        rows = [
            dict(zip(names, values, strict=True)) for values in zip(*picked.values(), strict=True)
        ]
        if not names:
            rows = [{} for _ in indexes]
        if self.distance and separations is not None and self.distance["column"] in names:
            scale = _UNIT_DEG[self.distance["unit"]]
            for row, sep in zip(rows, np.asarray(separations) * scale, strict=True):
                row[self.distance["column"]] = float(sep)
        return rows

    def histograms(self):
        """``(discrete, continuous)`` histograms of the columns, as ``Mast.Catalogs.All.*``."""
        discrete, continuous = {}, {}
        for name, kind in self.fields.items():
            if kind in ("float", "double"):
                col = self.numeric(name)
                finite = col[np.isfinite(col)]
                lo, hi = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 0.0)
                continuous[name] = {"min": lo, "max": hi, "type": "numeric", "hist": []}
            elif kind == "string":
                keys, counts = np.unique(self.columns[name].astype(str), return_counts=True)
                hist = {
                    ("" if k == "None" else k): {"count": int(c), "key": "" if k == "None" else k}
                    for k, c in zip(keys, counts, strict=True)
                }
                discrete[name] = dict(hist, hist=list(hist.values()))
        return discrete, continuous


def _column_name(name, fields):
    for field in fields:
        if field.lower() == str(name).lower():
            return field
    raise QueryError(f"Unknown column '{name}'")


def _unit_vector(ra, dec):
    """Cartesian unit vectors of positions in degrees (NaN for a missing position)."""
    ra, dec = np.radians(ra), np.radians(dec)
    return np.cos(dec) * np.cos(ra), np.cos(dec) * np.sin(ra), np.sin(dec)


def synthetic_field(n=SYNTHETIC_FIELD_ROWS):
    """The synthetic TIC field: ``n`` stars as numpy columns, the same on every call."""
    rng = np.random.default_rng(20261207)
    ra0, dec0 = SYNTHETIC_FIELD
    r = SYNTHETIC_FIELD_RADIUS * np.sqrt(rng.uniform(0, 1, n))
    theta = rng.uniform(0, 2 * np.pi, n)
    dec = dec0 + r * np.sin(theta)
    ra = ra0 + r * np.cos(theta) / np.cos(np.radians(dec))
    tmag = np.round(rng.uniform(9.0, 19.0, n), 3)
    return {
        "ID": np.arange(900_000_000, 900_000_000 + n, dtype=np.int64),
        "version": np.full(n, "20190415"),
        "objType": np.where(rng.uniform(0, 1, n) < 0.97, "STAR", "EXTENDED"),
        "typeSrc": np.full(n, "synthetic"),
        "ra": np.round(ra, 7),
        "dec": np.round(dec, 7),
        "Tmag": tmag,
        "e_Tmag": np.round(rng.uniform(0.006, 0.03, n), 3),
        "Jmag": np.round(tmag - rng.uniform(0.3, 1.2, n), 3),
        "Teff": np.round(rng.uniform(3000, 9000, n), 0),
        "lumclass": np.where(rng.uniform(0, 1, n) < 0.8, "DWARF", "GIANT"),
    }


# Catalog key -> data file; the TIC gets the synthetic field.
_FILES = {
    "tic": "tic.json",
    "ctl": "ctl.json",
    "diskdetective": "diskdetective.json",
    "gaia_dr2": "gaia_dr2.json",
    "gaia_dr3": "gaia_dr3.json",
    "galex": "galex.json",
    "hsc_v2": "hsc_v2.json",
    "hsc_v3": "hsc_v3.json",
    "hsc_matches": "hsc_matches_v3.json",
    "hsc_spectra": "hsc_spectra.json",
    "panstarrs": "panstarrs_dr2_mean.json",
}


@functools.cache
def table(key):
    """The :class:`SkyTable` of a catalog key of ``_FILES``, built on first use."""
    spec = _read(_FILES[key])
    return SkyTable(spec, synthetic_field() if key == "tic" else None)
