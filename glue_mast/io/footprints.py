"""Observation footprints: MAST's ``s_region`` (STC-S) as astropy-regions sky regions.

MAST's CAOM observation rows give the sky an observation covers in ``s_region``, a string in
the IVOA STC-S notation: ``"POLYGON ICRS 165.40 -34.71 165.41 -34.70 ..."`` (vertices, the
first often repeated at the end), ``"CIRCLE ICRS 210.81 54.34 0.625"`` (centre and radius, in
degrees), or several shapes one after another where an instrument has several detectors
(``"POLYGON ICRS ... POLYGON ICRS ..."``). The frame word is ``ICRS``, ``J2000``/``FK5``, or
for older HST rows ``GSC1`` (the Guide Star Catalog 1 frame, within about an arcsecond of
ICRS, which is how MAST's own portal draws it). A reference-position word (``TOPOCENTER``,
``GEOCENTER``...) may follow the frame.

:func:`page_footprints` turns a page of observations into one :class:`Footprint` per row and
one :class:`NoFootprint` (a one-line reason) per row whose ``s_region`` cannot be drawn;
:func:`collection_colour` gives the colour both viewers draw a collection in.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass

from ..errors import InputError

__all__ = [
    "COLLECTION_COLOURS",
    "COLOUR_NAMES",
    "Footprint",
    "NoFootprint",
    "collection_colour",
    "page_footprints",
    "parse_s_region",
]

#: The colour each collection's footprints are drawn in (both viewers). Okabe and Ito's
#: palette, which people with any common colour-vision deficiency tell apart, for the
#: collections MAST serves most; other collections take one of these by a hash of their name.
COLLECTION_COLOURS = {
    "HST": "#0072B2",  # blue
    "HLA": "#56B4E9",  # sky blue
    "JWST": "#E69F00",  # orange
    "IUE": "#CC79A7",  # reddish purple
    "FUSE": "#D55E00",  # vermillion
    "GALEX": "#009E73",  # bluish green
    "TESS": "#F0E442",  # yellow
    "Kepler": "#882255",  # wine
    "K2": "#AA4499",  # purple
    "SWIFT": "#999933",  # olive
}
_OTHER_COLOURS = ("#332288", "#117733", "#44AA99", "#88CCEE", "#DDCC77", "#CC6677")
#: What a person calls each colour (a key to the footprints beside the viewer).
COLOUR_NAMES = {
    "#0072B2": "blue", "#56B4E9": "sky blue", "#E69F00": "orange",
    "#CC79A7": "reddish purple", "#D55E00": "vermillion", "#009E73": "bluish green",
    "#F0E442": "yellow", "#882255": "wine", "#AA4499": "purple", "#999933": "olive",
    "#332288": "indigo", "#117733": "green", "#44AA99": "teal", "#88CCEE": "cyan",
    "#DDCC77": "sand", "#CC6677": "rose",
}

_SHAPES = {"POLYGON", "CIRCLE"}
# Frame words -> astropy frame. GSC1/GSC2 and an unnamed frame are drawn as ICRS (see above).
_FRAMES = {
    "ICRS": "icrs",
    "J2000": "fk5",
    "FK5": "fk5",
    "GSC1": "icrs",
    "GSC2": "icrs",
    "UNKNOWNFRAME": "icrs",
}
_REFPOS = {"TOPOCENTER", "GEOCENTER", "BARYCENTER", "HELIOCENTER", "LSR", "UNKNOWNREFPOS"}


def collection_colour(collection):
    """The colour (``"#rrggbb"``) a collection's footprints are drawn in.

    Parameters
    ----------
    collection : str
        MAST's ``obs_collection``.
    """
    name = str(collection or "").strip()
    if name in COLLECTION_COLOURS:
        return COLLECTION_COLOURS[name]
    # A stable choice (not Python's salted hash): the same collection, the same colour, in
    # every process and both viewers.
    return _OTHER_COLOURS[zlib.crc32(name.encode()) % len(_OTHER_COLOURS)]


@dataclass(frozen=True)
class Footprint:
    """Where on the sky one observation looked.

    Attributes
    ----------
    obsid : str
        The observation's ``obsid``.
    obs_id : str
        Its ``obs_id`` (for labels).
    collection : str
        Its ``obs_collection``.
    regions : tuple
        One `regions.PolygonSkyRegion` or `regions.CircleSkyRegion` per STC-S shape.
    colour : str
        Its collection's colour (:func:`collection_colour`).
    """

    obsid: str
    obs_id: str
    collection: str
    regions: tuple
    colour: str

    def polygons(self, n_circle=64):
        """The regions as `regions.PolygonSkyRegion` (a circle as an ``n_circle``-gon).

        For viewers that draw polygons only (Jdaviz's region overlays).
        """
        from regions import CircleSkyRegion, PolygonSkyRegion

        out = []
        for region in self.regions:
            if isinstance(region, CircleSkyRegion):
                out.append(PolygonSkyRegion(_circle_vertices(region, n_circle)))
            else:
                out.append(region)
        return out

    def vertex_lists(self, n_circle=64):
        """Each region's vertices as ``(ra, dec)`` arrays in degrees, ICRS."""
        return [(p.vertices.icrs.ra.deg, p.vertices.icrs.dec.deg) for p in self.polygons(n_circle)]


@dataclass(frozen=True)
class NoFootprint:
    """An observation whose ``s_region`` cannot be drawn, and why (one line for people)."""

    obsid: str
    message: str

    def __str__(self):
        return self.message


def parse_s_region(text):
    """Sky regions from one STC-S ``s_region`` string, as MAST writes them.

    Parameters
    ----------
    text : str
        E.g. ``"POLYGON ICRS 165.40 -34.71 165.41 -34.70 165.40 -34.69"``.

    Returns
    -------
    list
        One `regions.PolygonSkyRegion` or `regions.CircleSkyRegion` per shape.

    Raises
    ------
    InputError
        For an empty string, a shape other than POLYGON or CIRCLE, an unknown frame, or the
        wrong number of numbers (``field="s_region"``).
    """
    words = str(text or "").split()
    if not words:
        raise InputError("s_region is empty: MAST gives no footprint", field="s_region", value=text)
    shapes = []
    for shape, frame, numbers in _split_shapes(words, text):
        shapes.append(_region(shape, frame, numbers, text))
    return shapes


def _split_shapes(words, text):
    """(shape, frame, numbers) for each shape in the STC-S words."""
    out = []
    for word in words:
        upper = word.upper()
        if upper in _SHAPES:
            out.append([upper, "icrs", []])
        elif not out:
            raise InputError(
                f"s_region {_short(text)!r} does not start with POLYGON or CIRCLE "
                f"(it starts with {word!r}); glue-mast draws those two STC-S shapes",
                field="s_region",
                value=text,
            )
        elif upper in _FRAMES and not out[-1][2]:
            out[-1][1] = _FRAMES[upper]
        elif upper in _REFPOS and not out[-1][2]:
            continue
        else:
            try:
                out[-1][2].append(float(word))
            except ValueError:
                raise InputError(
                    f"s_region {_short(text)!r}: {word!r} is neither a number nor a frame "
                    f"({', '.join(sorted(_FRAMES))})",
                    field="s_region",
                    value=text,
                ) from None
    return out


def _region(shape, frame, numbers, text):
    import astropy.units as u
    from astropy.coordinates import SkyCoord
    from regions import CircleSkyRegion, PolygonSkyRegion

    if not all(math.isfinite(v) for v in numbers):
        raise InputError(
            f"s_region {_short(text)!r} has a number that is not finite",
            field="s_region",
            value=text,
        )
    if shape == "CIRCLE":
        if len(numbers) != 3 or numbers[2] <= 0:
            raise InputError(
                f"s_region {_short(text)!r}: a CIRCLE needs a centre and a positive radius "
                f"(3 numbers), got {len(numbers)}",
                field="s_region",
                value=text,
            )
        ra, dec, radius = numbers
        return CircleSkyRegion(SkyCoord(ra, dec, unit="deg", frame=frame), radius * u.deg)
    if len(numbers) % 2 or len(numbers) < 6:
        raise InputError(
            f"s_region {_short(text)!r}: a POLYGON needs at least 3 vertices as RA Dec "
            f"pairs, got {len(numbers)} numbers",
            field="s_region",
            value=text,
        )
    ra, dec = numbers[0::2], numbers[1::2]
    if len(ra) > 3 and ra[0] == ra[-1] and dec[0] == dec[-1]:
        ra, dec = ra[:-1], dec[:-1]  # MAST repeats the first vertex to close the polygon
    return PolygonSkyRegion(SkyCoord(ra, dec, unit="deg", frame=frame))


def _short(text, limit=60):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _circle_vertices(circle, n):
    from astropy.coordinates import Angle

    angles = Angle([360.0 * k / n for k in range(n)], unit="deg")
    return circle.center.directional_offset_by(angles, circle.radius)


def page_footprints(rows):
    """The footprints of a page of observations.

    Parameters
    ----------
    rows : `~astropy.table.Table` or None
        A page of MAST observations (with ``obsid``, ``obs_collection`` and ``s_region``).

    Returns
    -------
    footprints : list of Footprint
        One per row that has a footprint, in the page's order.
    missing : list of NoFootprint
        One per row whose ``s_region`` is empty or cannot be read, saying why.
    """
    footprints, missing = [], []
    if rows is None:
        return footprints, missing
    names = rows.colnames
    for row in rows:
        obsid = str(row["obsid"])
        obs_id = str(row["obs_id"]) if "obs_id" in names else obsid
        collection = str(row["obs_collection"]) if "obs_collection" in names else ""
        text = row["s_region"] if "s_region" in names else ""
        if _is_blank(text):
            missing.append(NoFootprint(obsid, f"{obs_id}: not drawn, MAST gives no s_region"))
            continue
        try:
            regions = parse_s_region(str(text))
        except InputError as exc:
            missing.append(NoFootprint(obsid, f"{obs_id}: not drawn, {exc}"))
            continue
        footprints.append(
            Footprint(obsid, obs_id, collection, tuple(regions), collection_colour(collection))
        )
    return footprints, missing


def _is_blank(value):
    import numpy as np

    return value is None or value is np.ma.masked or not str(value).strip()
