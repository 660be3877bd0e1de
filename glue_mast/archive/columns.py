"""The columns a front end shows first, of MAST's many (json, csv and tables keep them all)."""

from __future__ import annotations

__all__ = ["PRODUCT_COLUMNS", "SEARCH_COLUMNS"]

#: Observation fields that tell one observation from another at a glance, in reading order.
SEARCH_COLUMNS = (
    "obs_collection",
    "instrument_name",
    "filters",
    "target_name",
    "obs_id",
    "obsid",
    "dataproduct_type",
    "calib_level",
    "t_min",
    "em_min",
    "em_max",
    "dataRights",
    "distance",
)

#: Product fields that say what a file is, whose it is, and how large.
PRODUCT_COLUMNS = (
    "obsID",
    "obs_collection",
    "obs_id",
    "productFilename",
    "productType",
    "productSubGroupDescription",
    "calib_level",
    "size",
    "dataRights",
)
