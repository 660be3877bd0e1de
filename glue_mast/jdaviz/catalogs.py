"""A MAST catalog page in Jdaviz: markers over the image viewers, through Jdaviz's own
catalog importer (``app.load(table, format="Catalog")``), with glue-mast's provenance record.

Jdaviz's ``Catalog`` importer (``jdaviz/core/loaders/importers/catalog/catalog.py``) turns a
Table with RA/Dec columns into a dataset that its image viewers draw as markers where each
source falls on the image's WCS. It guesses the RA/Dec columns from common names; a catalog
page names its own (``table.meta["position"]``: ``MatchRA``/``MatchDec`` for the HSC,
``raMean``/``decMean`` for PanSTARRS), so they are given to it, with the source ID column
and every other one-dimensional column. The importer builds a new table, so the record is put
on the dataset after it is added, in ``meta["glue_mast"]`` as for every glue-mast dataset.
"""

from __future__ import annotations

import contextlib

from ..provenance.describe import META_KEY, disambiguate
from ..provenance.tables import table_provenance

__all__ = ["ID_COLUMNS", "load_catalog"]

#: Marker size (pixels) of a catalog over an image: Jdaviz draws 3, a dot hard to find on a
#: sky image (a person changes it in Plot Options).
MARKER_SIZE = 8

#: The column naming each source, per catalog (the first one a page has).
ID_COLUMNS = ("ID", "source_id", "MatchID", "objID", "designation", "objName", "SourceID")


def _plain_columns(table):
    """``table`` with only one-dimensional columns, masked numbers as NaN (the importer and
    glue take plain arrays)."""
    import numpy as np
    from astropy.table import Table

    out = Table()
    for name in table.colnames:
        column = table[name]
        if getattr(column, "ndim", 1) != 1:
            continue
        values = np.ma.asarray(column)
        if values.dtype.kind in "fiu":
            out[name] = values.astype(float).filled(np.nan)
        elif values.dtype.kind == "b":
            out[name] = values.filled(False)
        else:
            out[name] = np.asarray(values.astype(str).filled(""))
    return out


def load_catalog(app, table, label=None):
    """Add a catalog page (or its selected rows) to ``app`` as markers over its image viewers.

    Parameters
    ----------
    app : Jdaviz app (``jdaviz.App()``)
    table : `~astropy.table.Table`
        A page of `~glue_mast.archive.catalogs.CatalogSearch` (its ``meta`` names the catalog
        and its RA/Dec columns).
    label : str, optional
        The data label; default catalog, version, where and page.

    Returns
    -------
    str
        The label the catalog was added as.
    """
    from ..glue.tables import catalog_label

    ra, dec = table.meta.get("position") or ("ra", "dec")
    plain = _plain_columns(table)
    if ra not in plain.colnames or dec not in plain.colnames:
        from ..errors import InputError

        raise InputError(
            f"the table has no {ra}/{dec} columns, so it cannot be placed on the sky",
            field="rows",
        )
    dc = app._app.data_collection
    label = disambiguate(label or catalog_label(table), {d.label for d in dc})
    id_column = next((name for name in ID_COLUMNS if name in plain.colnames), None)
    others = [n for n in plain.colnames if n not in (ra, dec, id_column)]
    _align_images_by_wcs(app)
    with _unit_conversion_deaf(app):
        app.load(
            plain,
            format="Catalog",
            data_label=label,
            col_ra=ra,
            col_dec=dec,
            col_id=id_column or "Default (index)",
            col_other=others,
        )
    _readable_markers(app, label)
    record = table_provenance(table, kind="catalog", label=label)
    record["position"] = [ra, dec]
    dc[label].meta[META_KEY] = record
    return label


def _align_images_by_wcs(app):
    """Align the image viewers by WCS (Jdaviz's Orientation plugin), where they are not.

    A catalog's markers are placed by RA/Dec through the images' WCS; Jdaviz hides a catalog
    with sky positions from image viewers aligned by pixels ("Hiding Catalog layer ...").
    """
    orientation = app.plugins.get("Orientation")
    if orientation is not None and orientation.align_by.selected != "WCS":
        orientation.align_by = "WCS"


@contextlib.contextmanager
def _unit_conversion_deaf(app):
    """While a catalog is added, Jdaviz's Unit Conversion plugin does not hear of it, when the
    app has no flux unit yet.

    That plugin reads the unit of every dataset added to an image viewer until the app has a
    flux unit; a catalog (a table) has none, and Jdaviz 5.0 then leaves it out of the viewer
    ("'QTable' object has no attribute 'unit'"). An app has no flux unit while its only image
    has none: glue-mast's empty sky frame, drawn for footprints. A catalog has no unit for the
    plugin to take, so it misses nothing.
    """
    from jdaviz.core.events import AddDataMessage

    plugin = getattr(app.plugins.get("Unit Conversion"), "_obj", None)
    if plugin is None or plugin.flux_unit_selected:
        yield
        return
    hub = plugin.session.hub
    hub.unsubscribe(plugin, AddDataMessage)
    try:
        yield
    finally:
        hub.subscribe(plugin, AddDataMessage, handler=plugin._on_add_data_to_viewer)


def _readable_markers(app, label):
    """The catalog's markers :data:`MARKER_SIZE` pixels across in every viewer showing it."""
    for viewer in app._app._viewer_store.values():
        for layer in viewer.state.layers:
            if layer.layer.label == label and getattr(layer, "size", MARKER_SIZE) < MARKER_SIZE:
                layer.size = MARKER_SIZE
