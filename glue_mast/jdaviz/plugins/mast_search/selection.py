"""What ``select(...)`` accepts: row numbers, identifiers, or "all"."""

from __future__ import annotations

from ....errors import InputError

__all__ = ["dataset_label", "observation_keys", "product_indexes"]


def _resolve(table, wanted, column, what):
    if table is None or not len(table):
        raise InputError(f"there are no {what} to select yet")
    if isinstance(wanted, str) and wanted == "all":
        return list(range(len(table)))
    if isinstance(wanted, (int, str)):
        wanted = [wanted]
    names = [str(v) for v in table[column]] if column in table.colnames else []
    out = []
    for item in wanted:
        if isinstance(item, bool):
            raise InputError(f"select {what} by row number or {column}, not {item!r}")
        if isinstance(item, int):
            if not 0 <= item < len(table):
                raise InputError(
                    f"row {item} is not among the {len(table)} {what} (rows count from 0)"
                )
            out.append(item)
        elif str(item) in names:
            out.append(names.index(str(item)))
        else:
            raise InputError(f"no {what[:-1]} with {column} {item!r}")
    return sorted(set(out))


def observation_keys(rows, wanted):
    """Row numbers of the current page for ``wanted`` (numbers, ``obs_id`` values, "all")."""
    return _resolve(rows, wanted, "obs_id", "observations")


def product_indexes(products, wanted):
    """Row numbers of the products table for ``wanted`` (numbers, file names, "all")."""
    return _resolve(products, wanted, "productFilename", "products")


def dataset_label(plugin, label):
    """``label`` if it names a dataset with glue-mast's provenance in the app, else an
    InputError that lists those datasets."""
    known = plugin.provenance_dataset_items
    if label in known:
        return label
    listed = ", ".join(repr(k) for k in known) or "none yet"
    raise InputError(
        f"no dataset {label!r} with glue-mast's provenance in this app; they are: {listed}",
        field="provenance_dataset", value=label,
    )
