"""Errors glue-mast raises. Each says what went wrong and what to do about it.

Front ends show ``str(error)`` as it is: one line, no traceback. The CLI exits with
:attr:`GlueMastError.exit_code`. Besides the message, an error carries structured fields, so
that a form can point at the widget concerned and offer the suggestions:

- :attr:`~GlueMastError.field`: the input concerned: a parameter (``"radius"``, ``"target"``,
  ``"coordinates"``, ``"page"``, ``"sort"``, ``"server"``, ``"timeout"``) or the MAST field
  a criterion or product filter names (``"obs_collection"``, ``"productType"``), as given;
- :attr:`~GlueMastError.value`: the bad value, as given;
- :attr:`~GlueMastError.suggestions`: valid values close to it (a did-you-mean list).

Messages name no command-line option: a front end adds its own name for ``field``.

Every exception class glue-mast defines is here, including the signals its modules pass among
themselves (`NotThisReader`, `BadEntry`, `TransferCancelled`); the modules that raise them
re-export them under their old names. This module imports nothing (`UnsafeRedirect`, a
requests exception, is built when first used), so that any layer can import it.

The command line's exit status for each (:attr:`GlueMastError.exit_code`): 2 for something the
user must change (`InputError`, including `MissingDependency` and `StorageError`), 3 when the
server fails (`ServerError`), 130 for a cancelled job, 1 otherwise.
"""

import threading

__all__ = [
    "AddingCancelled",
    "BadEntry",
    "FetchCancelled",
    "FetchInterrupted",
    "GlueMastError",
    "InputError",
    "JobCancelled",
    "JobTimeout",
    "LoaderMatchingChanged",
    "ManifestError",
    "MissingDependency",
    "NotThisReader",
    "QueryError",
    "ReadingCancelled",
    "ResolveError",
    "RetryAfterTooLong",
    "ServerConnectionError",
    "ServerError",
    "ServerTimeout",
    "StillExecuting",
    "StorageError",
    "TransferCancelled",
    "UnknownFieldError",
    "UnreadableProduct",
    "UnsafeRedirect",  # noqa: F822 (made on first use: see __getattr__)
    "human_seconds",
]


class GlueMastError(Exception):
    """Base class of every error glue-mast raises on purpose.

    Parameters
    ----------
    message : str
        One line: what was wrong, and what to do.
    field : str, optional
        The input concerned (see the module's documentation).
    value : object, optional
        The bad value, as given.
    suggestions : sequence of str, optional
        Valid values close to ``value``, best first.
    """

    #: Exit status of the command line for this error.
    exit_code = 1

    def __init__(self, message="", *, field=None, value=None, suggestions=()):
        super().__init__(message)
        self.field = field
        self.value = value
        self.suggestions = list(suggestions)

    def __reduce__(self):
        # Keep the fields across pickling (a process pool, a saved error): Exception's own
        # reduce passes only ``args``.
        return (
            _rebuild,
            (type(self), str(self), self.field, self.value, self.suggestions),
        )


def _rebuild(cls, message, field, value, suggestions):
    return cls(message, field=field, value=value, suggestions=suggestions)


class InputError(GlueMastError, ValueError):
    """Something the user gave is wrong: a field, a value, a page, a radius.

    Parameters
    ----------
    message : str
        What was wrong and what to do, in one line.
    field : str, optional
        The input it concerns (``"radius"``, ``"target"``, a criterion's name), so that a
        form can show the message beside that widget; None when not known.
    value : object, optional
        The bad value as given.
    suggestions : list of str, optional
        Valid values close to it ("did you mean").
    """

    exit_code = 2


class UnknownFieldError(InputError):
    """A field name (criterion, product filter, sort key, column) MAST does not have.

    :attr:`~GlueMastError.value` is the name as given, :attr:`~GlueMastError.suggestions` the
    closest valid names.
    """


class ResolveError(InputError):
    """A target name the resolver does not know."""


class UnreadableProduct(InputError):
    """A product file that no glue-mast reader can turn into a spectrum or light curve.

    Parameters
    ----------
    message : str
        The whole message, naming the file and what to do.
    path : str
        The file.
    readers : tuple of str
        The readers that were tried, in order.
    """

    def __init__(self, message, *, path=None, readers=(), **fields):
        fields.setdefault("field", "path")
        fields.setdefault("value", None if path is None else str(path))
        super().__init__(message, **fields)
        self.path = None if path is None else str(path)
        self.readers = tuple(readers)


class ManifestError(InputError):
    """A manifest with entries that cannot be used; one line per entry in :attr:`problems`."""

    def __init__(self, problems, **fields):
        # A str is the message itself (unpickling): one problem a line.
        self.problems = problems.splitlines() if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems), **fields)


class MissingDependency(InputError, ImportError):
    """An optional package that this needs is not installed; the message says how to get it.

    An `InputError` (the user changes something, then tries again: exit status 2) and an
    `ImportError` (what happened underneath), with :attr:`package` the package missing and
    :attr:`extra` glue-mast's extra that brings it (``pip install "glue-mast[extra]"``).

    Parameters
    ----------
    needed_for : str
        What needs it, as the start of a sentence: "Reading Kepler, K2 and TESS light curves".
    package : str
        The package to install, as pip names it.
    extra : str, optional
        glue-mast's extra that installs it, when there is one.
    """

    def __init__(self, needed_for, package, *, extra=None):
        install = f"pip install {package}"
        if extra:
            install = f'pip install "glue-mast[{extra}]" (or {install})'
        super().__init__(
            f"{needed_for} needs {package}, which is not installed: {install}",
            field="dependency",
            value=package,
        )
        self.needed_for, self.package, self.extra = needed_for, package, extra
        self.name = package  # ImportError's own field: the module that could not be imported

    def __reduce__(self):
        return (_missing, (type(self), self.needed_for, self.package, self.extra))


def _missing(cls, needed_for, package, extra):
    return cls(needed_for, package, extra=extra)


class StorageError(InputError, OSError):
    """A directory or file that cannot be written (read-only, no permission, not a directory).

    An `InputError` (the user picks another place: exit status 2) and an `OSError`, with the
    operating system's :attr:`errno`, :attr:`strerror` and :attr:`filename`.

    Parameters
    ----------
    message : str
        What could not be written, why, and what to do.
    path : path-like, optional
        The directory or file concerned (:attr:`filename`, and the error's ``value``).
    cause : OSError, optional
        The operating system's error, whose ``errno`` and ``strerror`` are kept.
    """

    def __init__(self, message, *, path=None, cause=None, **fields):
        fields.setdefault("value", None if path is None else str(path))
        super().__init__(message, **fields)
        self.errno = getattr(cause, "errno", None)
        self.strerror = getattr(cause, "strerror", None)
        self.filename = None if path is None else str(path)

    def __str__(self):
        # OSError's own str would show "[Errno ...]" once errno is set: keep the one line.
        return self.args[0] if self.args else ""


class ServerError(GlueMastError):
    """The MAST server answered with an error, or with something that is not MAST's protocol."""

    exit_code = 3


class ServerTimeout(ServerError):
    """The MAST server did not answer in time."""


class ServerConnectionError(ServerError):
    """The MAST server could not be reached at all."""


def human_seconds(seconds):
    """``86400`` -> ``"86400 s (1 day)"``: the server's figure, and what it means to a person."""
    text = f"{round(seconds)} s"  # round: an int stays exact, however large
    units = (("year", 365 * 86400), ("day", 86400), ("hour", 3600), ("minute", 60))
    for unit, size in units:
        if seconds >= 2 * size or (unit != "minute" and seconds >= size):
            count = seconds / size
            amount = f"{count:.1f}".removesuffix(".0") if count < 1000 else f"{count:.3g}"
            return f"{text} ({amount} {unit}{'' if amount == '1' else 's'})"
    return text


class RetryAfterTooLong(ServerError):
    """The server asked to be asked again later than the timeout allows."""

    def __init__(self, seconds, limit):
        self.seconds, self.limit = seconds, limit
        super().__init__(
            f"MAST asked to wait {human_seconds(seconds)}, longer than the {limit:g} s "
            "timeout; try again later",
            field="timeout",
            value=limit,
        )


class StillExecuting(ServerTimeout):
    """MAST kept answering EXECUTING until the timeout."""

    def __init__(self, seconds, polls, limit):
        self.seconds, self.polls, self.limit = seconds, polls, limit
        super().__init__(
            f"MAST was still working on the query after {seconds:.0f} s ({polls} answers of "
            f"EXECUTING); stopped at the {limit:g} s timeout",
            field="timeout",
            value=limit,
        )


# --- jobs and fetches ------------------------------------------------------------------------


class JobCancelled(GlueMastError):
    """The job was cancelled before it finished."""

    exit_code = 130


class ReadingCancelled(JobCancelled):
    """A load was cancelled after its files were downloaded, while they were read."""


class AddingCancelled(JobCancelled):
    """A load was cancelled while its datasets were added to a viewer, one a step; those added
    stay.

    Attributes
    ----------
    loaded, of : int
        Datasets added before the cancel, of those there were to add.
    """

    def __init__(self, message="", *, loaded=0, of=0):
        super().__init__(message)
        self.loaded, self.of = int(loaded), int(of)


class JobTimeout(GlueMastError, TimeoutError):
    """:meth:`~glue_mast.jobs.Job.result` waited longer than its ``timeout`` (the job goes on)."""


class FetchCancelled(JobCancelled):
    """The fetch was cancelled; :attr:`result` says what was complete by then.

    Its manifest was written for the files complete on disk; partial files are kept as
    ``.part`` and resumed (with HTTP ``Range``) by the next fetch of the same products.
    """

    def __init__(self, result):
        super().__init__(
            f"fetch cancelled with {len(result.paths)} files complete in {result.download_dir}"
        )
        #: The `~glue_mast.archive.fetch.FetchResult` of the cancelled fetch.
        self.result = result


class FetchInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped a :func:`~glue_mast.archive.fetch.fetch`, after it wound up tidily.

    Raised once the manifest is written for what was complete (:attr:`result`); a second
    Ctrl-C while that happens raises a plain KeyboardInterrupt at once instead.
    """

    def __init__(self, result):
        super().__init__("fetch interrupted")
        #: The `~glue_mast.archive.fetch.FetchResult`, or None if the fetch had not begun.
        self.result = result


class LoaderMatchingChanged(RuntimeError):
    """Jdaviz no longer matches loaders as glue-mast's "mast" loader expects.

    See `glue_mast.jdaviz.loaders.mast.matching.requested_by_name`.
    """


# --- signals between glue-mast's own modules -------------------------------------------------


class NotThisReader(Exception):
    """Raised by a reader that, on a closer look, does not take the file; `read` moves on."""


class BadEntry(Exception):
    """What is wrong with one manifest record, in words for the line that names it."""


class TransferCancelled(Exception):
    """The fetch was cancelled: the transfer stops and keeps its ``.part`` file."""


class QueryError(ValueError):
    """A request the real MAST would answer with ``status: ERROR`` (the local archive's)."""


_lazy_lock = threading.Lock()


def __getattr__(name):
    # UnsafeRedirect is a requests exception (the download code handles it as one); importing
    # requests here would put 0.2 s on every ``import glue_mast.errors``.
    if name != "UnsafeRedirect":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    with _lazy_lock:
        if name not in globals():
            import requests

            class UnsafeRedirect(requests.exceptions.InvalidURL):
                """A redirect to a URL that could be sent somewhere other than where it appears
                to go."""

            UnsafeRedirect.__module__ = __name__
            globals()[name] = UnsafeRedirect
        return globals()[name]
