"""The provenance of a table loaded from a search: a catalog page, or observations.

A catalog page (`~glue_mast.archive.catalogs.CatalogSearch.page`) carries its query record in
``table.meta``; loaded into a viewer it keeps, in ``meta["glue_mast"]`` (as datasets read from
files do, `glue_mast.provenance.describe`), what a person needs to know where its rows came
from and to ask again: which catalog and version, the query as given and as sent, how many
rows matched and which page these are, any cut-off warning, the server and when. The SHA-256
of the rows as they arrived (:func:`rows_sha256`) lets a saved copy be checked before it is
trusted.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

from ..util import plain
from .describe import META_KEY

__all__ = ["TABLE_SCHEMA", "columns_sha256", "record_of", "rows_sha256", "table_provenance"]

TABLE_SCHEMA = "glue-mast/table/1"


def rows_sha256(table):
    """SHA-256 of a table's column names and values, independent of how it is stored.

    The table is written as CSV text (header, then rows, as astropy writes it), the same bytes
    whether it came from the server, from a FITS copy or from a session.
    """
    import io

    buffer = io.StringIO()
    plain_table = table.copy(copy_data=False)
    plain_table.meta.clear()
    plain_table.write(buffer, format="ascii.csv")
    return hashlib.sha256(buffer.getvalue().encode("utf-8")).hexdigest()


def columns_sha256(columns):
    """SHA-256 of named 1-D columns as a viewer holds them: ``[(name, array), ...]``.

    Numbers are hashed as little-endian 8-byte values (integers as integers, so 19-digit
    catalog IDs stay exact), text as UTF-8 with a NUL after each value, so that a table
    loaded into glue or Jdaviz can be checked against its record after a session restores it.
    """
    import numpy as np

    digest = hashlib.sha256()
    for name, values in columns:
        values = np.asarray(values)
        digest.update(str(name).encode("utf-8") + b"\0")
        if values.dtype.kind in "iu":
            digest.update(b"i" + values.astype("<i8").tobytes())
        elif values.dtype.kind in "fb":
            digest.update(b"f" + values.astype("<f8").tobytes())
        else:
            digest.update(b"s" + "".join(f"{v}\0" for v in values.tolist()).encode("utf-8"))
    return digest.hexdigest()


def table_provenance(table, *, kind, label=None, server=None, when=None):
    """The JSON-only record of a table from a MAST search (see the module's doc).

    Parameters
    ----------
    table : `~astropy.table.Table`
        A page (or all rows) of a catalog or observation search, with its ``meta``.
    kind : str
        ``"catalog"`` or ``"observations"``.
    label : str, optional
        The label it was loaded as.
    server : str, optional
        The MAST server asked; default the configured one.
    when : datetime, optional
        When it was fetched; default now.
    """
    from ..config import current_server

    meta = table.meta
    query = meta.get("query") or {}
    when = when or datetime.now(timezone.utc)
    record = {
        "schema": TABLE_SCHEMA,
        "kind": kind,
        "label": label,
        "catalog": meta.get("catalog"),
        "version": meta.get("version"),
        "query": query,
        "count": meta.get("count"),
        "rows": len(table),
        "page": meta.get("page"),
        "page_size": meta.get("page_size"),
        "warnings": list(meta.get("warnings") or []),
        "server": server or current_server(),
        "when": when.isoformat(timespec="seconds"),
        "rows_sha256": rows_sha256(table),
    }
    return plain(record)


def record_of(data):
    """The table record of a glue Data (or anything with ``meta``), or None."""
    record = (getattr(data, "meta", None) or {}).get(META_KEY) or {}
    return record if record.get("schema") == TABLE_SCHEMA else None
