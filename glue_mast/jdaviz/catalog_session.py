"""The catalogs of a Jdaviz session: saved as a copy beside it, restored from the copy when
its SHA-256 matches, else asked of MAST again with the query they were loaded with.

A catalog shown as markers (`glue_mast.jdaviz.catalogs.load_catalog`) has no file of its own,
so the session manifest lists it under ``catalogs``: its label, its provenance record (with the
query) and a copy of its rows in ``<session>.catalogs/`` beside the session (ECSV, which keeps
column types), with the copy's SHA-256. Restoring reads the copy only if it still has that
SHA-256; otherwise the same page is fetched again from the configured server, and a
`CatalogChanged` warning says so when MAST now answers other rows than the ones recorded.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from ..provenance.describe import META_KEY
from ..provenance.tables import record_of, rows_sha256

__all__ = ["CatalogChanged", "restore_catalogs", "save_catalogs"]


class CatalogChanged(UserWarning):
    """A catalog of a session was fetched again and MAST answered other rows than before."""


def copies_folder(session_path):
    """``analysis.catalogs`` beside ``analysis.json``: where a session's catalog copies go."""
    path = Path(session_path)
    return path.parent / f"{path.stem}.catalogs"


def _table_of(data):
    from astropy.table import Table

    from ..glue.tables import _component_values

    table = Table()
    for component in data.main_components:
        table[component.label] = _component_values(data, component.label)
    return table


def _file_name(index, label):
    return f"{index:02d}_{re.sub(r'[^A-Za-z0-9._-]+', '_', label).strip('_')[:60]}.ecsv"


def save_catalogs(helper, session_path):
    """Write a copy of each catalog of the app beside the session; their session entries."""
    from ..util import sha256_of

    entries = []
    folder = copies_folder(session_path)
    for data in helper._app.data_collection:
        record = record_of(data)
        if record is None or record.get("kind") != "catalog":
            continue
        folder.mkdir(parents=True, exist_ok=True)
        copy = folder / _file_name(len(entries), data.label)
        _table_of(data).write(copy, format="ascii.ecsv", overwrite=True)
        entries.append(
            {
                "label": data.label,
                "record": record,
                "copy": copy.relative_to(Path(session_path).parent).as_posix(),
                "sha256": sha256_of(copy),
            }
        )
    return entries


def _copy_if_intact(entry, session_path):
    """The saved copy as a Table, if it is inside the session's folder and unchanged."""
    from astropy.table import Table

    from ..util import sha256_of

    root = Path(session_path).resolve().parent
    copy = (root / str(entry.get("copy") or "")).resolve()
    if root not in copy.parents or not copy.is_file() or sha256_of(copy) != entry.get("sha256"):
        return None
    return Table.read(copy, format="ascii.ecsv")


def restore_catalogs(helper, entries, session_path):
    """Show the catalogs of a session again (see the module's doc); their labels."""
    from ..state.catalogs import requery_page
    from .catalogs import load_catalog

    labels = []
    for entry in entries or []:
        record = dict(entry["record"])
        table = _copy_if_intact(entry, session_path)
        how = "saved copy (SHA-256 checked)"
        if table is None:
            table = requery_page(record)
            how = "asked of MAST again"
            if rows_sha256(table) != record.get("rows_sha256"):
                warnings.warn(
                    f"{entry['label']!r} was fetched again and MAST now answers other rows "
                    "than those saved with the session",
                    CatalogChanged,
                    stacklevel=2,
                )
        table.meta.update(
            catalog=record.get("catalog"),
            version=record.get("version"),
            position=record.get("position"),
            query=record.get("query"),
            count=record.get("count"),
            page=record.get("page"),
        )
        label = load_catalog(helper, table, label=entry["label"])
        record["restored_from"] = how
        helper._app.data_collection[label].meta[META_KEY] = record
        labels.append(label)
    return labels
