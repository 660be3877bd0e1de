"""A page's observation footprints as a glue region dataset, linked to images by sky position.

glue-core's `~glue.core.data_region.RegionData` holds one shapely geometry a row (a polygon,
or a multi-polygon where MAST gives several shapes) with a centre point; glue links regions
through their centre components. The centres here are the footprints' representative points
in RA and Dec (degrees, ICRS), linked to the Right Ascension and Declination of every loaded
image with a celestial WCS, so glue's image viewer draws the footprints over the image
(in world coordinates) and a subset drawn on the image selects the footprints whose centre it
holds. :func:`subset_obsids` turns such a subset back into observations.
"""

from __future__ import annotations

import numpy as np

from ..io.footprints import page_footprints

__all__ = [
    "FOOTPRINTS_KEY",
    "FOOTPRINT_LABEL",
    "footprint_data",
    "is_footprint_data",
    "link_to_images",
    "subset_obsids",
]

#: Label of a page's footprint dataset.
FOOTPRINT_LABEL = "MAST footprints"
#: Key in the dataset's meta: the page's query record (plain JSON).
FOOTPRINTS_KEY = "glue_mast_footprints"


def footprint_data(rows, label=FOOTPRINT_LABEL):
    """The footprints of a page of observations as a glue region dataset.

    Parameters
    ----------
    rows : `~astropy.table.Table`
        A page of MAST observations (``obsid``, ``obs_id``, ``obs_collection``,
        ``s_region``).
    label : str
        The dataset's label.

    Returns
    -------
    data : `~glue.core.data_region.RegionData` or None
        One row an observation with a footprint: ``footprint`` (the geometry, in degrees of
        RA and Dec), its centre, ``obsid``, ``obs_id``, ``obs_collection`` and ``colour``.
        None when no row has a footprint.
    missing : list of `~glue_mast.io.footprints.NoFootprint`
        The rows left out, each with why.
    """
    from glue.core.component import CategoricalComponent
    from glue.core.data_region import RegionData

    footprints, missing = page_footprints(rows)
    if not footprints:
        return None, missing
    data = RegionData(label=label)
    data.add_component(np.array([_geometry(f) for f in footprints], dtype=object), "footprint")
    for name, values in (
        ("obsid", [f.obsid for f in footprints]),
        ("obs_id", [f.obs_id for f in footprints]),
        ("obs_collection", [f.collection for f in footprints]),
        ("colour", [f.colour for f in footprints]),
    ):
        # Categorical, so that an obsid stays text (glue would read "2410001001" as a number).
        data.add_component(CategoricalComponent(np.array(values, dtype=str)), name)
    query = getattr(rows, "meta", {}).get("query")
    data.meta[FOOTPRINTS_KEY] = {"query": query if isinstance(query, dict) else None}
    return data, missing


def _geometry(footprint):
    """A shapely polygon (or multi-polygon) in degrees, RA kept continuous across 0/360."""
    import shapely

    polygons = []
    reference = None
    for ra, dec in footprint.vertex_lists():
        ra = np.asarray(ra, dtype=float)
        if reference is None:
            reference = ra[0]
        # Within 180 degrees of the first vertex: a footprint across RA 0 stays whole.
        ra = reference + (ra - reference + 180.0) % 360.0 - 180.0
        polygons.append(shapely.Polygon(np.column_stack([ra, dec])))
    return polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)


def is_footprint_data(data):
    """True for a footprint dataset :func:`footprint_data` made."""
    return FOOTPRINTS_KEY in getattr(data, "meta", {})


def link_to_images(data_collection, footprints):
    """Link the footprints' centres to the RA and Dec of every image with a celestial WCS.

    Returns
    -------
    list of `~glue.core.data.Data`
        The images linked.
    """
    from glue.core.link_helpers import LinkSame

    linked = []
    for image in data_collection:
        if image is footprints or is_footprint_data(image):
            continue
        axes = _sky_components(image)
        if axes is None:
            continue
        ra, dec = axes
        data_collection.add_link(LinkSame(footprints.center_x_id, ra))
        data_collection.add_link(LinkSame(footprints.center_y_id, dec))
        linked.append(image)
    return linked


def _sky_components(data):
    """The (RA, Dec) world components of an image with a celestial WCS, or None."""
    coords = getattr(data, "coords", None)
    if coords is None or getattr(data, "ndim", 0) < 2:
        return None
    try:
        types = list(coords.world_axis_physical_types)
    except AttributeError:
        return None
    if "pos.eq.ra" not in types or "pos.eq.dec" not in types:
        return None
    # glue orders world components as numpy orders axes: the reverse of the WCS's.
    n = len(types)
    world = data.world_component_ids
    return world[n - 1 - types.index("pos.eq.ra")], world[n - 1 - types.index("pos.eq.dec")]


def subset_obsids(subset):
    """The obsids of the footprints in a subset of a footprint dataset.

    Parameters
    ----------
    subset : `~glue.core.subset.Subset`
        A subset whose data is a footprint dataset (one of a subset group, or made on it).

    Returns
    -------
    list of str
        In the dataset's order; empty when the subset holds none.
    """
    from glue.core.exceptions import IncompatibleAttribute

    data = subset.data
    if not is_footprint_data(data):
        raise ValueError(f"{data.label!r} is not a footprint dataset of glue-mast")
    try:
        mask = np.asarray(subset.to_mask(), dtype=bool)
    except IncompatibleAttribute:  # a subset of data the footprints are not linked to
        return []
    return [str(o) for o in np.asarray(data["obsid"])[mask]]
