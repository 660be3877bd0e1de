"""``glue_mast.load``: fetched MAST files into a glue data collection, labelled and linked."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "LoadProblem",
    "LoadedDatasets",
    "ReadDatasets",
    "add_datasets",
    "load",
    "prepare_datasets",
    "read_datasets",
]

logger = logging.getLogger("glue_mast")


@dataclass(frozen=True)
class LoadProblem:
    """A file, or part of one, that was not loaded, and why (one line for people)."""

    path: Path
    message: str

    def __str__(self):
        return self.message


class LoadedDatasets(list):
    """The glue Data that :func:`load` added, in order, with what else happened.

    Attributes
    ----------
    data_collection : `~glue.core.data_collection.DataCollection`
        Where they were added.
    links : list
        The links added between them (and the collection's other glue-mast datasets).
    problems : list of LoadProblem
        Files (or parts) not loaded, one message each.
    manifest : `~glue_mast.provenance.Manifest` or None
        The manifest that was given, if any.
    already_loaded : list of str
        Labels of the datasets the collection held already (the same file and part): they
        were not added a second time.
    """

    def __init__(self, datasets, *, data_collection, links, problems, manifest,
                 already_loaded=()):
        super().__init__(datasets)
        self.data_collection = data_collection
        self.links = links
        self.problems = problems
        self.manifest = manifest
        self.already_loaded = list(already_loaded)

    def __repr__(self):
        labels = ", ".join(repr(d.label) for d in self)
        return (
            f"<LoadedDatasets {len(self)} datasets [{labels}], {len(self.links)} links, "
            f"{len(self.problems)} problems"
            + (f", {len(self.already_loaded)} already loaded>" if self.already_loaded else ">")
        )


def _not_fetched(fetched):
    """Problems for the files of a FetchResult that are not on disk (skipped, failed)."""
    problems = []
    for outcome in [*getattr(fetched, "skipped", []), *getattr(fetched, "failed", [])]:
        path = Path(outcome.file.path)
        reason = f": {outcome.message}" if outcome.message else ""
        problems.append(
            LoadProblem(path, f"{path.name} was not loaded: it was {outcome.status}{reason}")
        )
    return problems


def _sources(fetched):
    """(paths, manifest or None, queries or None) from a FetchResult, a Manifest, a manifest
    path or paths.

    The queries are those of this load: a fetch's own (never the searches its manifest, a
    shared download cache perhaps, recorded for other fetches), or those of the manifest
    given. None for paths alone: each file's are looked up beside it (see
    :mod:`glue_mast.glue.factory`).
    """
    from ..errors import InputError
    from ..provenance.manifest import Manifest

    if isinstance(fetched, Manifest):
        return [Path(d["path"]) for d in fetched.datasets], fetched, fetched.queries
    if hasattr(fetched, "paths") and hasattr(fetched, "manifest"):  # a FetchResult
        queries = list(getattr(fetched, "queries", None) or [])
        return [Path(p) for p in fetched.paths], fetched.manifest, queries
    if isinstance(fetched, (str, os.PathLike)):
        path = Path(fetched)
        if path.suffix.lower() == ".json":
            manifest = Manifest.read(path)
            return [Path(d["path"]) for d in manifest.datasets], manifest, manifest.queries
        return [path], None, None
    try:
        paths = [Path(p) for p in fetched]
    except TypeError:
        raise InputError(
            "load takes a fetch result, a manifest (or its path), or paths of fetched files;"
            f" not {type(fetched).__name__}"
        ) from None
    return paths, None, None


def _problem_message(path, exc):
    from ..errors import GlueMastError

    if isinstance(exc, GlueMastError):
        message = str(exc)
    elif isinstance(exc, OSError):
        message = f"Cannot read {path}: {exc.strerror or exc}."
    else:
        message = f"Cannot load {path}: {type(exc).__name__}: {exc}."
    return (message.strip().splitlines() or [message])[0]  # one line for people


def _read_one(path, manifest=None, queries=None):
    """(datasets, problems) of one file, through glue's load_data so sessions can re-read it.

    The datasets' provenance comes from ``manifest`` when it lists the file, else from the
    manifest beside the file; their queries from ``queries`` (this load's), when given.
    """
    from glue.core.data_factories import load_data

    from .factory import collect_skipped, manifest_first, read_mast_product

    with collect_skipped() as skipped, manifest_first(manifest, queries):
        try:
            loaded = load_data(os.fspath(path), factory=read_mast_product)
        except Exception as exc:  # one file's failure must not stop the others
            return [], [LoadProblem(path, _problem_message(path, exc))]
    problems = [LoadProblem(path, message) for message in skipped]
    return (loaded if isinstance(loaded, list) else [loaded]), problems


@dataclass
class ReadDatasets:
    """glue Data read from fetched files, not yet in any data collection.

    Made by :func:`read_datasets` (safe in a worker thread: it touches no data collection),
    added by :func:`add_datasets` (on the thread that owns the collection).
    """

    datasets: list
    label_choices: list  # (label, label with detail) per dataset, for unique labels
    problems: list
    manifest: object = None


def read_datasets(fetched, *, check=None):
    """Read fetched files into glue Data with their provenance, without adding them anywhere.

    Parameters
    ----------
    fetched : FetchResult, Manifest, path-like or list of path-like
        As for :func:`load`.
    check : callable, optional
        Called between files (``job.check_cancelled``, to stop when a job is cancelled).

    Returns
    -------
    ReadDatasets
    """
    from .data import label_choices
    from .links import META_KEY

    paths, manifest, queries = _sources(fetched)
    datasets, choices = [], []
    problems = []
    for path in sorted({p.resolve() for p in paths}):
        if check is not None:
            check()
        # The given manifest first: it may not be the one beside the file.
        loaded, trouble = _read_one(path, manifest, queries)
        problems.extend(trouble)
        for data in loaded:
            meta = data.meta.setdefault(META_KEY, {})
            datasets.append(data)
            choices.append(
                label_choices(meta.get("dataset"), meta.get("header"), meta.get("part"), path)
            )
    for problem in problems:
        logger.warning("%s", problem.message)
    # The files a fetch skipped or failed are not read: the fetch's summary reports them (and
    # :func:`load` lists them among its problems).
    return ReadDatasets(datasets, choices, problems, manifest)


def add_datasets(read, data_collection=None, link=True):
    """Add what :func:`read_datasets` read to a data collection: unique labels, then links.

    Parameters
    ----------
    read : ReadDatasets
    data_collection, link
        As for :func:`load`.

    Returns
    -------
    LoadedDatasets
    """
    from glue.core.data_collection import DataCollection

    if data_collection is None:
        data_collection = DataCollection()
    elif hasattr(data_collection, "data_collection"):  # a glue Application
        data_collection = data_collection.data_collection
    links = prepare_datasets(read, data_collection, link=link)
    data_collection.extend(read.datasets)
    return LoadedDatasets(
        read.datasets,
        data_collection=data_collection,
        links=links,
        problems=read.problems,
        manifest=read.manifest,
    )


def prepare_datasets(read, data_collection, link=True):
    """Label, colour and link what :func:`read_datasets` read, before it is added to
    ``data_collection`` (a glue DataCollection); return the links added.

    Linked first, added second: glue's link manager then works out what each dataset derives
    once, when it is added. :func:`add_datasets` adds them all at once; a front end may add
    them one at a time (`glue_mast.glue.sink.DataCollectionSink.add_in_steps`).
    """
    from .data import unique_labels
    from .links import META_KEY, link_datasets

    labels = unique_labels(read.label_choices, taken=[d.label for d in data_collection])
    for data, label in zip(read.datasets, labels, strict=True):
        data.label = label
        data.meta[META_KEY]["label"] = label
    color_overlays(read.datasets, data_collection)
    return link_datasets(data_collection, adding=read.datasets) if link else []


#: Colours of 1-D datasets (spectra, light curves) in turn: glue's data colour, then
#: matplotlib's default cycle without its orange, as Jdaviz's ``ColorCycler`` does, so that
#: spectra overlaid in a glue viewer are told apart as in Jdaviz.
OVERLAY_COLORS = (
    "#595959",
    "#1f77b4",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)


def color_overlays(datasets, data_collection=()):
    """Give each 1-D dataset of ``datasets`` a colour (``data.style.color``) of its own.

    The colours of `OVERLAY_COLORS` not yet taken by a 1-D dataset of ``data_collection`` go
    first, in order; when all are taken, they are used again in turn. Other datasets (images,
    cubes) keep glue's colour, which their viewers do not draw lines with.
    """
    new = {id(d) for d in datasets}
    taken = {
        str(d.style.color).lower()
        for d in data_collection
        if id(d) not in new and getattr(d, "ndim", 0) == 1
    }
    free = [c for c in OVERLAY_COLORS if c not in taken]
    lines = [d for d in datasets if getattr(d, "ndim", 0) == 1]
    start = len(taken)
    for i, data in enumerate(lines):
        color = free[i] if i < len(free) else OVERLAY_COLORS[(start + i) % len(OVERLAY_COLORS)]
        data.style.color = color


def load(fetched, data_collection=None, link=True):
    """Load fetched MAST files into glue, labelled, described and linked: spectra (1-D and
    2-D), light curves, target pixel files, images and spectral cubes.

    Parameters
    ----------
    fetched : FetchResult, Manifest, path-like or list of path-like
        What :func:`glue_mast.fetch` returned, a manifest (or the path of one), or paths of
        fetched files (their provenance comes from the ``manifest.json`` that lists them, in
        their directory or a few above, where a fetch writes it).
    data_collection : `~glue.core.data_collection.DataCollection` or glue Application, optional
        Where the datasets go; a new DataCollection by default.
    link : bool
        Link the spectra and cubes on their spectral axis (in any units), the light curves and
        pixel files on time, and the images and cubes on the sky (glue's ``WCSLink``), with
        each other and with glue-mast datasets already in the collection. Images and cubes
        are also linked to glue-mast's catalog and observation tables in the collection
        (`glue_mast.glue.tables`).

    Returns
    -------
    LoadedDatasets
        A list of the glue Data added; ``.problems`` has one message per file (or part) that
        was not loaded, ``.already_loaded`` the labels of those the collection held already
        (a dataset is never added twice), ``.links`` the links added, ``.data_collection``
        the collection.

    Notes
    -----
    Each file goes through ``glue.core.data_factories.load_data`` with glue-mast's factory,
    so a glue session saved afterwards stores the file's path and reads it again on restore.
    Labels are unique within the data collection: collection, instrument, obs_id and the part
    of the file (segment, order), with the product type or file name added where two would
    otherwise be the same. ``meta["glue_mast"]`` holds the file's manifest record
    (``dataset``), its own fetch record (``fetch``: when, from where, size, SHA-256, DOI), the
    queries that selected it for this load (a fetch's own, never the other searches a shared
    manifest has seen), and the label it was loaded as, as plain JSON.

    ``load`` is glue-mast's one load pipeline (`glue_mast.io.sinks.load_fetched`) with the
    data collection as its sink (`glue_mast.glue.sink.DataCollectionSink`), the same path the
    glue-qt dialog takes after its fetch.
    """
    from glue.core.data_collection import DataCollection

    from ..io.sinks import load_fetched
    from .sink import DataCollectionSink

    if data_collection is None:
        data_collection = DataCollection()
    sink = DataCollectionSink(data_collection, link=link)
    outcome = load_fetched(fetched, sink)
    if outcome.error is not None:
        raise outcome.error
    # The files a fetch skipped or failed are problems of this load too (a front end leaves
    # them to the fetch's summary, which a script does not see).
    problems = (_not_fetched(fetched) if hasattr(fetched, "outcomes") else []) + list(
        outcome.read.problems
    )
    return LoadedDatasets(
        outcome.added.datasets,
        data_collection=sink.data_collection,
        links=outcome.added.links,
        problems=problems,
        manifest=outcome.read.manifest,
        already_loaded=[p.name for p in outcome.not_loaded if p.reason == "already loaded"],
    )
