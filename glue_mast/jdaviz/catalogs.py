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

from ..provenance.describe import META_KEY, disambiguate
from ..provenance.tables import table_provenance

__all__ = ["load_catalog"]

# The column naming each source, per catalog (the first one a page has).
_ID_COLUMNS = ("ID", "source_id", "MatchID", "objID", "designation", "objName", "SourceID")


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
    id_column = next((name for name in _ID_COLUMNS if name in plain.colnames), None)
    others = [n for n in plain.colnames if n not in (ra, dec, id_column)]
    app.load(
        plain,
        format="Catalog",
        data_label=label,
        col_ra=ra,
        col_dec=dec,
        col_id=id_column or "Default (index)",
        col_other=others,
    )
    record = table_provenance(table, kind="catalog", label=label)
    record["position"] = [ra, dec]
    dc[label].meta[META_KEY] = record
    return label
