"""Catalog pages and observation lists as glue tables, linked on the sky to each other and to
images.

:func:`load_catalog` adds a page (or selection) of a MAST catalog as a table dataset whose
RA/Dec components carry degrees; :func:`load_observations` does the same for a page of an
observation search (``s_ra`` / ``s_dec``). Each carries its provenance record
(`glue_mast.provenance.tables`) in ``meta["glue_mast"]``.

:func:`link_sky` links the sky positions, the way glue's own link editor links a table to an
image: the RA/Dec components of every such table equal the world coordinates (Right
Ascension, Declination) of every image with a celestial WCS, and those of the other tables.
So a subset drawn on an image selects the stars, and the observations, inside it, and a subset
of stars (or of observations) shows on the image. To keep the links few, one table is the
*reference*: the others are linked to it, and it to each image; glue follows the chains.

Images added later are linked as they come: once a data collection holds such a table,
:func:`watch_images` listens on its hub for added datasets and links each new celestial image
(glue-core's ``autolinker`` registry would not do: only glue-qt consults it, and by default it
asks the user first).
"""

from __future__ import annotations

import numpy as np
from glue.core.hub import HubListener

from ..provenance.describe import META_KEY, disambiguate
from ..provenance.tables import TABLE_SCHEMA, columns_sha256, table_provenance

__all__ = [
    "catalog_label",
    "check_tables",
    "link_sky",
    "load_catalog",
    "load_observations",
    "table_to_data",
    "watch_images",
]

# The observation table's sky position (MAST's CAOM fields).
OBSERVATION_POSITION = ("s_ra", "s_dec")


def _column_values(column):
    """A table column as a plain 1-D numpy array: masked numbers as NaN, masked text as ""."""
    values = column
    if getattr(column, "ndim", 1) != 1:
        return None
    if np.ma.isMaskedArray(values) or hasattr(values, "mask"):
        data = np.ma.asarray(values)
        if data.dtype.kind in "fiu":
            return data.astype(float).filled(np.nan)
        if data.dtype.kind == "b":
            return data.filled(False)
        return np.asarray(data.astype(str).filled(""))
    array = np.asarray(values)
    if array.dtype.kind == "O":
        return np.array(["" if v is None else str(v) for v in array])
    if array.dtype.byteorder not in ("=", "|"):
        array = array.astype(array.dtype.newbyteorder("="))
    return array


def table_to_data(table, *, label, position, kind):
    """A glue Data of the columns of ``table`` (multi-dimensional ones are left out).

    ``position`` names the RA and Dec columns (given the unit ``deg``); ``kind`` is
    ``"catalog"`` or ``"observations"`` for the provenance record.
    """
    from glue.core import Component, Data

    data = Data(label=label)
    for name in table.colnames:
        values = _column_values(table[name])
        if values is None:
            continue
        unit = "deg" if name in position else table[name].unit
        # autotyped: text becomes a categorical component, which a session restores.
        data.add_component(Component.autotyped(values, units=str(unit) if unit else None), name)
    record = table_provenance(table, kind=kind, label=label)
    record["position"] = list(position)
    record["columns_sha256"] = _data_sha256(data)
    data.meta[META_KEY] = record
    return data


def check_tables(data_collection):
    """Check every glue-mast table of a restored session against its record.

    A session holds a copy of each catalog or observation table (glue writes its columns into
    the session); the copy must hash to the ``columns_sha256`` recorded when it was loaded.

    Raises
    ------
    InputError
        Naming the first table whose columns are not those recorded, and what to do.
    """
    from ..errors import InputError

    for data in data_collection:
        record = data.meta.get(META_KEY) or {}
        if record.get("schema") != TABLE_SCHEMA or not record.get("columns_sha256"):
            continue
        if _data_sha256(data) != record["columns_sha256"]:
            raise InputError(
                f"the session's copy of {data.label!r} is not the table that was loaded (its "
                "SHA-256 differs); search the catalog again "
                f"({record.get('catalog') or 'observations'}, query in its provenance)",
                field="path",
            )


def _data_sha256(data):
    """SHA-256 of a table Data's columns as glue holds them (see `columns_sha256`)."""
    names = [c.label for c in data.main_components]
    return columns_sha256((name, _component_values(data, name)) for name in names)


def _component_values(data, name):
    component = data.get_component(name)
    if hasattr(component, "labels"):  # categorical: the text, not the codes
        return np.asarray(component.labels)
    return np.asarray(component.data)


def catalog_label(table):
    """``"Gaia DR3 around TW Hya, page 1"``: what a person tells catalog pages apart by."""
    meta = table.meta
    query = meta.get("query") or {}
    where = query.get("target")
    if not where and query.get("coordinates"):
        c = query["coordinates"]
        where = f"{c['ra']:.4f} {c['dec']:+.4f}"
    label = " ".join(str(p) for p in (meta.get("catalog"), meta.get("version")) if p)
    if where:
        label += f" around {where}"
    if meta.get("page"):
        label += f", page {meta['page']}"
    return label or "MAST catalog"


def _add(data_collection, table, label, position, kind):
    if hasattr(data_collection, "data_collection"):  # a glue Application
        data_collection = data_collection.data_collection
    missing = [name for name in position if name not in table.colnames]
    if missing:
        from ..errors import InputError

        raise InputError(
            f"the table has no {missing[0]} column, so it cannot be placed on the sky",
            field="rows",
            value=missing[0],
        )
    label = disambiguate(label, {d.label for d in data_collection})
    data = table_to_data(table, label=label, position=position, kind=kind)
    data_collection.append(data)
    link_sky(data_collection)
    watch_images(data_collection)
    return data


def load_catalog(data_collection, table, label=None):
    """Add a catalog page (or its selected rows) to glue as a table linked on the sky.

    Parameters
    ----------
    data_collection : `~glue.core.data_collection.DataCollection` or glue Application
    table : `~astropy.table.Table`
        From `~glue_mast.archive.catalogs.CatalogSearch.page` (or
        `~glue_mast.state.CatalogState.selected_rows`): its ``meta`` names the catalog and
        its RA and Dec columns (``position``; ``ra`` and ``dec`` when it does not).
    label : str, optional
        Default: catalog, version, where and page.

    Returns
    -------
    `~glue.core.data.Data`
    """
    position = tuple(table.meta.get("position") or ("ra", "dec"))
    return _add(data_collection, table, label or catalog_label(table), position, "catalog")


def load_observations(data_collection, table, label=None):
    """Add a page of an observation search to glue as a table linked on the sky (``s_ra``,
    ``s_dec``)."""
    page = table.meta.get("page")
    default = "MAST observations" + (f", page {page}" if page else "")
    return _add(data_collection, table, label or default, OBSERVATION_POSITION, "observations")


# -- links ------------------------------------------------------------------------------------


def _sky_tables(data_collection):
    out = []
    for data in data_collection:
        record = data.meta.get(META_KEY) or {}
        if record.get("schema") == TABLE_SCHEMA and record.get("position"):
            ra, dec = record["position"]
            out.append((data, data.id[ra], data.id[dec]))
    return out


def _celestial_world_ids(data):
    """``(RA id, Dec id)`` of an image whose coordinates are celestial, or None."""
    coords = getattr(data, "coords", None)
    types = getattr(coords, "world_axis_physical_types", None)
    if not types or data.ndim < 2:
        return None
    ids = {}
    for world_index, kind in enumerate(types):
        if kind in ("pos.eq.ra", "pos.eq.dec"):
            # glue orders world components as numpy axes, the reverse of WCS order.
            ids[kind] = data.world_component_ids[data.ndim - 1 - world_index]
    if len(ids) != 2:
        return None
    return ids["pos.eq.ra"], ids["pos.eq.dec"]


def _linked(existing, a, b):
    return (a, b) in existing or (b, a) in existing


def link_sky(data_collection):
    """Link the sky positions of glue-mast's tables to each other and to celestial images.

    Safe to call again (after an image is added, say): only missing links are added.

    Returns
    -------
    list of `~glue.core.link_helpers.LinkSame`
        The links added.
    """
    from glue.core.link_helpers import LinkSame

    from .link_discovery import install

    if hasattr(data_collection, "data_collection"):
        data_collection = data_collection.data_collection
    install()
    tables = _sky_tables(data_collection)
    if not tables:
        return []
    existing = set()
    for link in data_collection.external_links:
        if hasattr(link, "cids1"):  # a LinkSame (a collection of two component links)
            existing.update(zip(link.cids1, link.cids2, strict=False))
        else:
            existing.update((frm, link.get_to_id()) for frm in link.get_from_ids())
    _, ref_ra, ref_dec = tables[0]  # the reference table
    pairs = [((ra, dec), (ref_ra, ref_dec)) for _, ra, dec in tables[1:]]
    for image in data_collection:
        if image.ndim >= 2:
            world = _celestial_world_ids(image)
            if world is not None:
                pairs.append(((ref_ra, ref_dec), world))
    links = []
    for (ra, dec), (ra2, dec2) in pairs:
        if _linked(existing, ra, ra2) and _linked(existing, dec, dec2):
            continue
        links += [LinkSame(ra, ra2), LinkSame(dec, dec2)]
    if links:
        data_collection.add_link(links)
    return links


class _ImageWatcher(HubListener):
    """Links each celestial image added to a data collection to its glue-mast tables."""

    def __init__(self, data_collection):
        self.data_collection = data_collection
        self.hub = None

    def subscribe(self):
        from glue.core.message import DataCollectionAddMessage

        hub = self.data_collection.hub
        if hub is None or hub is self.hub:
            return
        if self.hub is not None:
            self.hub.unsubscribe_all(self)
        # The hub holds its subscribers weakly: the data collection keeps this one alive.
        hub.subscribe(
            self,
            DataCollectionAddMessage,
            handler=self._added,
            filter=lambda msg: msg.sender is self.data_collection,
        )
        self.hub = hub

    def _added(self, msg):
        if getattr(msg.data, "ndim", 0) >= 2 and _celestial_world_ids(msg.data) is not None:
            link_sky(self.data_collection)


def watch_images(data_collection):
    """Link every celestial image added to ``data_collection`` from now on to glue-mast's
    tables in it (as :func:`link_sky` does). Called by :func:`load_catalog`,
    :func:`load_observations` and a restored session; safe to call again.
    """
    if hasattr(data_collection, "data_collection"):
        data_collection = data_collection.data_collection
    watcher = getattr(data_collection, "_glue_mast_image_watcher", None)
    if watcher is None:
        watcher = _ImageWatcher(data_collection)
        data_collection._glue_mast_image_watcher = watcher
    watcher.subscribe()
    return watcher
