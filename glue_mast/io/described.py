"""Fetched files read into described datasets: the data, a label, a provenance record.

What every viewer but glue loads (glue reads through its own ``load_data``, so that a session
can read the file again): the Jdaviz sink, and the load pipeline's list sink
(`glue_mast.io.sinks.ListSink`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["ReadDataset", "read_fetched"]


@dataclass
class ReadDataset:
    """One dataset read from a fetched file, ready to load."""

    kind: str
    data: object
    label: str
    provenance: dict
    path: Path | None = None


def read_fetched(fetch_result, *, taken=(), check=None):
    """Read every file a fetch produced; returns ``(datasets, unreadable)``, the latter as
    ``(path, one line)`` pairs.

    Runs in a worker job: reading FITS files is disk work. Labels say what a person needs to
    tell the datasets apart (collection, instrument, obs_id, part) and are unique among
    themselves and ``taken`` (the labels already in the viewer). ``check`` (for instance
    ``job.check_cancelled``) is called between files.
    """
    from ..provenance.describe import label_choices, provenance, unique_labels
    from ..provenance.selection import QueryIndex
    from .registry import read

    manifest = fetch_result.manifest
    # This fetch's queries only: the cache's manifest holds every search (every user's, on a
    # served Jdaviz) that fetched into it. Indexed once, so each dataset's share is O(1).
    queries = QueryIndex(getattr(fetch_result, "queries", None) or [])
    found, unreadable = [], []
    for path in fetch_result.paths:
        if check is not None:
            check()
        record = manifest.dataset_for(path) if manifest is not None else None
        try:
            items = read(path)
        except Exception as exc:  # a file no reader takes is reported, not fatal
            first_line = (str(exc).strip().splitlines() or [""])[0]
            unreadable.append((Path(path), f"{Path(path).name} not loaded: {first_line[:200]}"))
            continue
        found += [(item, record) for item in items]
    wanted = [label_choices(r, item.header, item.part, item.path) for item, r in found]
    labels = unique_labels(wanted, taken)
    datasets = []
    for (item, record), label in zip(found, labels, strict=True):
        meta = provenance(record, manifest=manifest, item=item, label=label, queries=queries)
        if meta.get("dataset") is not None:
            meta["dataset"]["label"] = label
        datasets.append(ReadDataset(item.kind.value, item.data, label, meta, Path(item.path)))
    return datasets, unreadable
