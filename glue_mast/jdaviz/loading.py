"""Fetched MAST files into a Jdaviz app: read, label, attach provenance, load in one batch.

Spectra go through the app's own loaders (``app.load(spectrum, format="1D Spectrum")``) inside
one ``app.batch_load()``: jdaviz then links them by physical type and overlays them in one
spectrum viewer, as it does for its own files. The provenance of each dataset (the manifest's
record of its file, the query that found it, its label) rides in ``Spectrum.meta`` under
:data:`PROVENANCE_KEY`, which the importer keeps in the glue ``Data.meta``; jdaviz's Metadata
plugin shows it (flattened as ``mast_provenance.obs_id`` ...).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from pathlib import Path

from ._seams import read_product

__all__ = [
    "PROVENANCE_KEY",
    "LoadOutcome",
    "ReadDataset",
    "lcviz_available",
    "load_datasets",
    "read_fetched",
]

#: Key of the provenance record in each loaded dataset's meta.
PROVENANCE_KEY = "mast_provenance"

SPECTRUM = "spectrum"
LIGHTCURVE = "light curve"


def lcviz_available():
    """True if lcviz (Jdaviz's light-curve configuration) is installed."""
    return importlib.util.find_spec("lcviz") is not None


@dataclass
class ReadDataset:
    """One dataset read from a fetched file, ready to load."""

    kind: str
    data: object
    label: str
    provenance: dict


@dataclass
class LoadOutcome:
    """What :func:`load_datasets` did."""

    loaded: list = field(default_factory=list)
    not_loaded: list = field(default_factory=list)
    messages: list = field(default_factory=list)

    @property
    def message(self):
        """One line for a person: what was loaded and what was not, and why."""
        parts = []
        if self.loaded:
            n = len(self.loaded)
            parts.append(f"loaded {n} dataset{'s' if n != 1 else ''}")
        return "; ".join(parts + self.messages) or "nothing to load"


def dataset_label(path, part):
    """A data label: the file's stem, and the part (segment, order) when there is one."""
    stem = Path(path).name.removesuffix(".gz").removesuffix(".fits")
    return stem if part is None else f"{stem} [{part}]"


def provenance_record(dataset_record, *, label, part=None, query=None):
    """The plain-JSON provenance of one loaded dataset."""
    file_record = dict(dataset_record or {})
    if file_record:
        file_record["label"] = label
    record = {"label": label, "part": part, "file": file_record}
    if query:
        record["query"] = dict(query)
    return record


def read_fetched(fetch_result, *, check=None):
    """Read every file a fetch produced; returns ``(datasets, unreadable)``.

    Runs in a worker job: reading FITS files is disk work. ``check`` (for instance
    ``job.check_cancelled``) is called between files.
    """
    manifest = fetch_result.manifest
    queries = list(getattr(manifest, "queries", []) or [])
    query = queries[-1] if queries else None
    datasets, unreadable = [], []
    for path in fetch_result.paths:
        if check is not None:
            check()
        record = manifest.dataset_for(path) if manifest is not None else None
        try:
            items = read_product(path)
        except Exception as exc:  # a file no reader takes is reported, not fatal
            first_line = (str(exc).strip().splitlines() or [""])[0]
            unreadable.append(f"{Path(path).name} not loaded: {first_line[:200]}")
            continue
        for item in items:
            label = dataset_label(path, item.part)
            provenance = provenance_record(record, label=label, part=item.part, query=query)
            datasets.append(ReadDataset(item.kind, item.data, label, provenance))
    return datasets, unreadable


def load_datasets(app, datasets, *, viewer=None):
    """Load ``datasets`` (from :func:`read_fetched`) into the Jdaviz ``app`` in one batch.

    Spectra go into the spectrum viewer(s), linked and overlaid; light curves are loaded
    only into an lcviz app, and reported otherwise.

    Parameters
    ----------
    app : jdaviz helper (``jdaviz.App``)
    datasets : list of ReadDataset
    viewer : str, optional
        The viewer to show spectra in (default: jdaviz's choice, the spectrum viewer).
    """
    outcome = LoadOutcome()
    spectra = [d for d in datasets if d.kind == SPECTRUM]
    curves = [d for d in datasets if d.kind == LIGHTCURVE]
    other = [d for d in datasets if d.kind not in (SPECTRUM, LIGHTCURVE)]
    is_lcviz = getattr(app._app, "config", "") == "lcviz"
    kwargs = {} if viewer is None else {"viewer": viewer}
    with app.batch_load():
        for dataset in spectra:
            dataset.data.meta[PROVENANCE_KEY] = dataset.provenance
            app.load(dataset.data, format="1D Spectrum", data_label=dataset.label, **kwargs)
            outcome.loaded.append(dataset.label)
        if is_lcviz:
            for dataset in curves:
                dataset.data.meta[PROVENANCE_KEY] = dataset.provenance
                app.load(dataset.data, data_label=dataset.label)
                outcome.loaded.append(dataset.label)
    if curves and not is_lcviz:
        outcome.not_loaded += [d.label for d in curves]
        if lcviz_available():
            outcome.messages.append(
                f"{len(curves)} light curve(s) not loaded: open them in an lcviz app "
                "(lcviz.LCviz()), which has glue-mast's MAST Search too"
            )
        else:
            outcome.messages.append(
                f"{len(curves)} light curve(s) not loaded: this app shows spectra; install "
                "lcviz to view light curves (the preview and the downloaded files still work)"
            )
    if other:
        outcome.not_loaded += [d.label for d in other]
        kinds = sorted({d.kind for d in other})
        outcome.messages.append(f"{len(other)} dataset(s) not loaded ({', '.join(kinds)})")
    return outcome
