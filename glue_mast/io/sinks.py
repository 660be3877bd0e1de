"""The load pipeline's sinks and outcome: what a load added to a viewer, and what it did not.

Every front end loads the same way (the background job is `glue_mast.state.load.start_load`):
the selected products are fetched, the files are read and described (labels that tell
datasets apart, a provenance record each) on a worker thread, and the datasets are handed to a
*sink* on the front end's own thread, which adds them to its viewer. What was not loaded, and
why, is one structured :class:`LoadOutcome` with one :meth:`LoadOutcome.summary`. This module
holds what needs no job: the outcome, the sink protocol, and the stages a script runs on its
own thread (:func:`load_fetched`, :func:`add_read`).

A sink is any object with three methods (glue's is `glue_mast.glue.sink.DataCollectionSink`,
Jdaviz's `glue_mast.jdaviz.sink.JdavizSink`, a script's :class:`ListSink`):

- ``taken()`` (front end's thread): the labels already in the viewer, so new ones differ;
- ``read(result, taken=..., check=...)`` (worker thread): the fetched files read into datasets
  ready to add, with ``.problems`` (each with a ``path`` and a one-line ``message``: a file,
  or a part of one, that could not be read); ``check()`` raises `~glue_mast.jobs.JobCancelled`
  once the job is cancelled, between files;
- ``add(read)`` (front end's thread): adds them; returns an :class:`Added`.

A sink may have ``present()`` (front end's thread): the datasets already in the viewer (glue
Data). The pipeline then leaves out of ``read`` each dataset the viewer already holds (the
same file and part, by its provenance record: :func:`skip_loaded`), and the summary says so,
rather than adding a second copy under a new label.

A sink may also have ``add_in_steps(read, done)`` (front end's thread), which the pipeline then
calls instead of ``add``: it adds the datasets a few at a time, handing the front end's event
loop back between steps (so that the viewer answers clicks during a long load), and calls
``done(added, error)`` once, with what ``add`` would have returned, or the exception that
stopped it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "Added",
    "DescribedRead",
    "ListSink",
    "LoadOutcome",
    "NotLoaded",
    "add_read",
    "already_loaded_phrase",
    "dataset_key",
    "load_fetched",
    "not_fetched",
    "read_described",
    "skip_loaded",
]


@dataclass(frozen=True)
class NotLoaded:
    """A file (or a part of one) that did not reach the viewer, and why.

    ``reason`` is one of ``"exclusive"`` (skipped: exclusive access, no token), ``"failed"``
    (the download failed), ``"unreadable"`` (no reader takes the file), ``"not shown"``
    (read, but this viewer does not show its kind of data) and ``"already loaded"`` (the viewer
    holds it already: ``name`` is the label it has there); ``message`` is one line for people.
    """

    name: str
    reason: str
    message: str

    def __str__(self):
        return self.message


@dataclass
class Added:
    """What a sink's ``add`` did: the labels it added, one phrase saying so, the datasets, and
    one line for each kind of dataset it does not show."""

    labels: list
    phrase: str
    datasets: list = field(default_factory=list)
    not_shown: list = field(default_factory=list)


@dataclass
class LoadOutcome:
    """The end of one load: the fetch, what was added, and what was not (one verdict a file).

    Attributes
    ----------
    fetch : `~glue_mast.archive.fetch.FetchResult` or None
        None when the fetch itself did not end (cancelled or failed).
    added : Added or None
        None when nothing reached the sink (cancelled, failed, or a fetch without loading).
    not_loaded : list of NotLoaded
        Files the fetch skipped or failed, files no reader takes, datasets the viewer does not
        show.
    cancelled : str or None
        ``"downloading"`` or ``"reading"`` when the load was cancelled then.
    error : Exception or None
        What stopped the load, if anything did.
    note : str
        A line the front end put before the summary (what it chose for the user).
    unchecked : list of str
        Files read whose record holds no SHA-256: loaded, but their bytes were not checked
        (never called verified).
    read : object or None
        What the sink's ``read`` returned (its ``problems``: files or parts not read).
    """

    fetch: object = None
    added: Added | None = None
    not_loaded: list = field(default_factory=list)
    cancelled: str | None = None
    error: BaseException | None = None
    note: str = ""
    unchecked: list = field(default_factory=list)
    read: object = None

    @property
    def labels(self):
        """Labels of the datasets added, in order."""
        return list(self.added.labels) if self.added is not None else []

    def summary(self):
        """One line for a person: what was fetched, loaded, and not loaded, and why."""
        if self.cancelled == "downloading":
            return (
                "Download cancelled: nothing was loaded; the partial files are kept, and the "
                "next Load resumes them."
            )
        if self.cancelled == "reading":
            return "Cancelled: the files were downloaded but not loaded."
        if self.error is not None:
            return "Load failed"
        parts = [self.note, self.fetch.summary() if self.fetch is not None else ""]
        if self.added is not None:
            parts.append(self.added.phrase)
        elif self.fetch is not None and not self.fetch.paths:
            parts[-1] += ": nothing to load"
        # The fetch's own summary counts what it skipped and what failed.
        said_apart = ("exclusive", "failed", "already loaded")
        parts += [p.message for p in self.not_loaded if p.reason not in said_apart]
        parts.append(already_loaded_phrase(self.not_loaded))
        if self.unchecked:
            n = len(self.unchecked)
            parts.append(
                f"{n} file{'s' if n != 1 else ''} not checked (no SHA-256 recorded): "
                + ", ".join(self.unchecked)
            )
        return "; ".join(p for p in parts if p)


@dataclass
class DescribedRead:
    """Datasets read and described (`~glue_mast.io.described.ReadDataset`), not yet added,
    and the files that could not be read (each with ``path`` and ``message``)."""

    datasets: list
    problems: list = field(default_factory=list)


@dataclass(frozen=True)
class _Unreadable:
    path: Path
    message: str


def read_described(result, *, taken=(), check=None):
    """(worker thread) The files of a fetch read into described datasets, as a sink's
    ``read`` returns them (every sink but glue's, which reads through glue's ``load_data``)."""
    from .described import read_fetched

    datasets, unreadable = read_fetched(result, taken=taken, check=check)
    return DescribedRead(datasets, [_Unreadable(path, message) for path, message in unreadable])


class ListSink(list):
    """A sink that keeps the datasets in a list: specutils spectra and lightkurve light
    curves, each with its label and provenance record (`~glue_mast.io.described.ReadDataset`).

    For scripts and tests that want the described datasets without a viewer.
    """

    def taken(self):
        return [d.label for d in self]

    def read(self, result, *, taken=(), check=None):
        return read_described(result, taken=taken, check=check)

    def add(self, read):
        self.extend(read.datasets)
        labels = [d.label for d in read.datasets]
        n = len(labels)
        return Added(labels, f"read {n} dataset{'s' if n != 1 else ''}", list(read.datasets))


def dataset_key(dataset):
    """What makes two datasets the same one: their file (its MAST URI, else its name), the
    part of it (segment, order, row) and the kind read; None without a glue-mast record.

    Parameters
    ----------
    dataset : described dataset or glue Data
        Its provenance record is its ``provenance``, or its ``meta["glue_mast"]``.
    """
    from ..provenance.describe import META_KEY

    record = getattr(dataset, "provenance", None)
    if record is None:
        record = (getattr(dataset, "meta", None) or {}).get(META_KEY)
    if not isinstance(record, dict):
        return None
    described = record.get("dataset") or {}
    source = described.get("dataURI") or described.get("productFilename") or record.get("file")
    if not source:
        return None
    return str(source), str(record.get("part") or ""), str(record.get("kind") or "")


def skip_loaded(read, present):
    """Leave out of ``read`` the datasets the viewer holds already (:func:`dataset_key`).

    Loading a file again would add a second copy under a new label (``..._01``), which looks
    like new data: the copy in the viewer is kept, and the outcome says it was there.

    Parameters
    ----------
    read : DescribedRead or glue's ReadDatasets
        What a sink read (``datasets``; glue's ``label_choices`` follow them).
    present : iterable
        The datasets in the viewer (glue Data, or described datasets), with their labels.

    Returns
    -------
    (read, list of NotLoaded)
        ``read`` without them, and one ``"already loaded"`` NotLoaded each (its ``name`` the
        label in the viewer).
    """
    there = {}
    for dataset in present:
        key = dataset_key(dataset)
        if key is not None:
            there.setdefault(key, str(getattr(dataset, "label", "") or ""))
    if not there:
        return read, []
    keep, skipped = [], []
    for i, dataset in enumerate(read.datasets):
        label = there.get(dataset_key(dataset))
        if label is None:
            keep.append(i)
        else:
            skipped.append(NotLoaded(label, "already loaded", f"{label} is already loaded"))
    if skipped:
        read.datasets = [read.datasets[i] for i in keep]
        if getattr(read, "label_choices", None) is not None:  # glue's, parallel to datasets
            read.label_choices = [read.label_choices[i] for i in keep]
    return read, skipped


def already_loaded_phrase(not_loaded):
    """One phrase for the datasets left out because the viewer holds them ("" for none)."""
    labels = [p.name for p in not_loaded if p.reason == "already loaded"]
    if not labels:
        return ""
    n = len(labels)
    shown = ", ".join(labels[:3]) + (f" and {n - 3} more" if n > 3 else "")
    were = "was" if n == 1 else "were"
    return f"{n} dataset{'s' if n != 1 else ''} {were} already loaded, not added again: {shown}"


def not_fetched(result):
    """One NotLoaded for each file the fetch skipped or could not fetch."""
    out = []
    for outcome in result.skipped:
        out.append(NotLoaded(Path(outcome.file.path).name, "exclusive", outcome.message or ""))
    for outcome in result.failed:
        out.append(NotLoaded(Path(outcome.file.path).name, "failed", outcome.message or ""))
    return out


def _unchecked(datasets):
    """Names of the files of ``datasets`` (glue Data or described datasets) whose provenance
    says their bytes were not checked against a SHA-256."""
    from ..provenance.describe import META_KEY
    from ..provenance.selection import NOT_CHECKED

    names = []
    for dataset in datasets:
        record = getattr(dataset, "provenance", None)
        if record is None:
            record = (getattr(dataset, "meta", None) or {}).get(META_KEY) or {}
        fetched = record.get("fetch") or {}
        name = (record.get("dataset") or {}).get("productFilename") or record.get("file")
        if fetched.get("checked") == NOT_CHECKED and name and name not in names:
            names.append(name)
    return names


def load_fetched(fetched, sink, *, check=None, note=""):
    """Read what was already fetched and add it to ``sink``, on this thread: the pipeline
    without its fetch, for scripts (:func:`glue_mast.load`, the demo) and restores.

    Parameters
    ----------
    fetched : FetchResult, Manifest, path-like or list of path-like
        What the sink's ``read`` takes (every sink takes a `~glue_mast.archive.fetch.FetchResult`).
    sink : sink
        See the module's doc; its ``add`` is used (never ``add_in_steps``).
    check : callable, optional
        Called between files; raises to stop.
    note : str
        Put before the summary.

    Returns
    -------
    LoadOutcome
        With ``read``, what the sink's ``read`` returned (its ``problems``), and ``error`` set
        when adding failed.
    """
    result = fetched if hasattr(fetched, "outcomes") else None  # a FetchResult
    read = sink.read(fetched, taken=list(sink.taken()), check=check)
    outcome = LoadOutcome(fetch=result, note=note,
                          not_loaded=not_fetched(result) if result is not None else [])
    return add_read(read, sink, outcome)


def add_read(read, sink, outcome=None):
    """Add datasets already read and described to ``sink``, on this thread, all at once: the
    pipeline's last stage, for a caller whose reading is its own (a session restore gives
    each dataset its saved label and record).

    Returns
    -------
    LoadOutcome
        ``outcome`` (default a new one) completed: ``added``, ``not_loaded``, ``error``.
    """
    outcomes = []
    add_and_finish(outcome if outcome is not None else LoadOutcome(), read, sink, outcomes.append,
         steps=False)
    return outcomes[0]


def add_and_finish(outcome, read, sink, finish, *, steps=True):
    """Add ``read`` to ``sink`` and complete ``outcome`` with it; ``finish(outcome)`` once,
    at once or after the sink's last step (with ``steps``, through its ``add_in_steps``
    where it has one)."""
    outcome.read = read
    if read is None:
        return finish(outcome)
    outcome.not_loaded += [
        NotLoaded(Path(p.path).name, "unreadable", p.message) for p in read.problems
    ]
    present = getattr(sink, "present", None)
    if present is not None:  # what the viewer holds already is not added a second time
        read, already = skip_loaded(read, present())
        outcome.not_loaded += already
    outcome.unchecked = _unchecked(read.datasets)

    def added(what, error=None):
        if error is not None:  # adding failed: shown as one line, not a traceback
            outcome.error = error
        else:
            outcome.added = what
            outcome.not_loaded += [NotLoaded("", "not shown", m) for m in what.not_shown]
        finish(outcome)

    in_steps = getattr(sink, "add_in_steps", None) if steps else None
    if in_steps is not None:
        return in_steps(read, added)
    try:
        what = sink.add(read)
    except Exception as exc:
        return added(None, exc)
    return added(what)
