"""Data products of observations: list them from MAST, then keep the ones worth fetching.

MAST's own advice is the default: its Minimum Recommended Products (``productGroupDescription
== "Minimum Recommended Products"``: one set of files per observation, e.g. a COS observation's
combined ``x1dsum`` without the per-exposure ``x1d`` files it is made of), of the calibrated
science products (``calib_level >= 2``, ``productType == "SCIENCE"``); ``mrp_only=False``
keeps every calibrated science product. Filtering uses astroquery's ``filter_products``
semantics, which MAST users already know: AND across fields, OR within a list, numeric fields
accept ``N``, ``"a..b"``, ``">=N"``, and a ``"!"`` prefix negates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import InputError
from . import astroquery_adapter as adapter
from .criteria import canonical_name

__all__ = ["ProductFilter", "keep_products", "list_products", "obsid_list", "products"]

#: Obsids per ``Mast.Caom.Products`` request. MAST times out on very long lists (astroquery
#: issue #2507); upstream astroquery batches by the same number (PR #3454).
BATCH_SIZE = 500


@dataclass
class ProductFilter:
    """Which products to keep.

    Parameters
    ----------
    calibrated_only : bool
        Keep ``calib_level >= 2`` only (MAST's advice; the default).
    mrp_only : bool
        Keep MAST's "Minimum Recommended Products" only (the default): the files MAST marks
        as the ones to use, without the intermediate ones they are made of. False keeps
        every product the other filters keep.
    extension : str or list of str, optional
        Keep files whose names end with it (``"fits"``, ``"_x1d.fits"``).
    product_type : str or list of str or None
        ``productType`` to keep; ``"SCIENCE"`` by default, ``None`` for every type.
    fields : dict
        Further ``field=value`` filters with astroquery's ``filter_products`` semantics.
    """

    calibrated_only: bool = True
    mrp_only: bool = True
    extension: str | list | None = None
    product_type: str | list | None = "SCIENCE"
    fields: dict = field(default_factory=dict)

    def astroquery_filters(self, table):
        """The keyword filters for ``Observations.filter_products`` on ``table``."""
        out = {}
        for name, value in self.fields.items():
            column = canonical_name(name, table.colnames, what="product field")
            out[column] = value
        if self.product_type is not None and "productType" not in out:
            out["productType"] = self.product_type
        if self.calibrated_only and "calib_level" not in out and "calib_level" in table.colnames:
            out["calib_level"] = ">=2"
        return out

    def as_record(self):
        return {
            "calibrated_only": self.calibrated_only,
            "mrp_only": self.mrp_only,
            "extension": self.extension,
            "product_type": self.product_type,
            "fields": {
                k: v if isinstance(v, (str, int, float)) else list(v)
                for k, v in self.fields.items()
            },
        }

    def apply(self, table):
        """Rows of ``table`` this filter keeps."""
        if not len(table):
            return table
        kept = adapter.filter_products(
            table,
            mrp_only=self.mrp_only,
            extension=self.extension,
            **self.astroquery_filters(table),
        )
        kept.meta.update(table.meta)
        return kept


def _obsids(observations):
    """Obsids from a table or row of observations, or from obsids given directly."""
    from astropy.table import Row, Table

    if isinstance(observations, Row):
        observations = Table(observations.table[observations.index : observations.index + 1])
    if isinstance(observations, Table):
        if "obsid" not in observations.colnames:
            hint = (
                (
                    " (obs_id is the mission's dataset name; products need obsid, MAST's "
                    "Product Group ID)"
                )
                if "obs_id" in observations.colnames
                else ""
            )
            raise InputError(f"the table has no obsid column{hint}", field="obsid")
        return observations
    return obsid_list(observations, field="observations")


def obsid_list(obsids, *, field="obsid"):
    """Obsids given directly (one, or several), checked to look like MAST obsids, as strings.

    ``field`` is the argument they were given as, which an error about what was given names.
    """
    from collections.abc import Iterable, Mapping

    if isinstance(obsids, (str, int, np.integer)) and not isinstance(obsids, bool):
        obsids = [obsids]
    elif not isinstance(obsids, Iterable) or isinstance(obsids, (Mapping, bytes, bool)):
        raise InputError(
            f"{field} must be observations (a table or row of a search) or MAST obsids (a "
            f"number such as 2003738726, or a list of them), not {obsids!r}",
            field=field,
            value=obsids,
        )
    obsids = [str(o).strip() for o in obsids]
    bad = [o for o in obsids if not o.isdigit()]
    if bad:
        raise InputError(
            f"obsid {bad[0]!r} is not a MAST obsid (a number such as 2003738726);"
            " obs_id values like 'LB4M01010' are not obsids",
            field="obsid",
            value=bad[0],
        )
    if not obsids:
        raise InputError("give at least one obsid", field="obsid")
    return obsids


def list_products(observations):
    """Every product of ``observations`` (a Table/Row of observations, or obsids), unfiltered.

    Duplicates (the same dataURI reached from two observations) are listed once.
    """
    from astropy.table import Table, vstack

    items = _obsids(observations)
    tables = []
    for start in range(0, len(items), BATCH_SIZE):
        batch = items[start : start + BATCH_SIZE]
        if not isinstance(batch, Table):
            batch = np.array(batch)
        # None: only TESS/TICA full-frame-image rows were asked for, and astroquery drops them.
        table = adapter.product_list(batch)
        if table is not None and len(table):
            tables.append(table)
    if not tables:
        return Table(names=["obsID", "dataURI", "productFilename"], dtype=[str, str, str])
    table = vstack(tables, metadata_conflicts="silent") if len(tables) > 1 else tables[0]
    if "dataURI" in table.colnames and len(table) > 1:
        table = _drop_duplicate_uris(table)
    return table


def _drop_duplicate_uris(table):
    _, first = np.unique(np.asarray(table["dataURI"], dtype=str), return_index=True)
    return table[np.sort(first)]


def products(
    observations,
    *,
    calibrated_only=True,
    mrp_only=True,
    extension=None,
    product_type="SCIENCE",
    **fields,
):
    """List the products of ``observations`` and keep the ones a user usually wants.

    Parameters
    ----------
    observations : `~astropy.table.Table`, `~astropy.table.Row`, str, int or list
        Observations (e.g. ``search(...).page(1)``) or their obsids.
    calibrated_only, mrp_only, extension, product_type, **fields
        See `ProductFilter`. By default MAST's Minimum Recommended Products among the
        calibrated science products; ``mrp_only=False`` widens to every calibrated science
        product. ``productType=...`` is accepted as MAST spells it.

    Returns
    -------
    `~astropy.table.Table`
        The products kept. ``meta`` holds ``listed`` (products before filtering) and
        ``filter`` (the filter as a plain dict).
    """
    from astropy.table import Row

    if isinstance(observations, Row):  # a slice keeps the table's meta (its query record)
        observations = observations.table[observations.index : observations.index + 1]
    if "productType" in fields:
        product_type = fields.pop("productType")
    flt = ProductFilter(
        calibrated_only=calibrated_only,
        mrp_only=mrp_only,
        extension=extension,
        product_type=product_type,
        fields=fields,
    )
    return keep_products(list_products(observations), flt, observations)


def keep_products(listed, product_filter, observations):
    """The products of ``listed`` that ``product_filter`` keeps, with no request.

    What :func:`products` does after listing, for a caller that lists once and filters many
    times (a form whose filter the user changes). ``observations`` are those the products
    were listed for (a Table, to copy their fields onto the products, or obsids); ``meta``
    of the result is as :func:`products` documents it.
    """
    from astropy.table import Table

    flt = product_filter
    kept = flt.apply(listed)
    queries = []
    if isinstance(observations, Table):
        if observations.meta.get("query"):
            queries.append(observations.meta["query"])
        _add_observation_fields(kept, observations)
        obsids = [str(o) for o in observations["obsid"]]
    else:
        obsids = [str(o) for o in _obsids(observations)]
    queries.append(
        {
            "service": "Mast.Caom.Products",
            "obsids": obsids,
            "listed": len(listed),
            "kept": len(kept),
            "product_filter": flt.as_record(),
        }
    )
    kept.meta.update(listed=len(listed), filter=flt.as_record(), queries=queries)
    return kept


def _add_observation_fields(products, observations):
    """Copy fields of each product's observation (instrument, PI, release...) onto it.

    Product rows from MAST lack them, but a file's provenance record needs them.
    """
    from astropy.table import MaskedColumn

    from ..provenance.manifest import OBSERVATION_FIELDS

    if not len(products) or "obsid" not in observations.colnames:
        return
    by_obsid = {str(row["obsid"]): row for row in observations}
    key = "parent_obsid" if "parent_obsid" in products.colnames else "obsID"
    owners = [by_obsid.get(str(v)) for v in products[key]]
    for name in OBSERVATION_FIELDS:
        if name in products.colnames or name not in observations.colnames:
            continue
        values = [owner[name] if owner is not None else None for owner in owners]
        mask = [v is None or v is np.ma.masked for v in values]
        fill = observations[name].dtype.type(0) if observations[name].dtype.kind in "fiu" else ""
        products[name] = MaskedColumn(
            [fill if m else v for v, m in zip(values, mask, strict=True)],
            mask=mask,
            dtype=observations[name].dtype,
        )
