"""How a fetch runs, as one object: :class:`FetchOptions`, checked once when it is made.

:func:`~glue_mast.archive.fetch.fetch`, :func:`~glue_mast.archive.fetch.start_fetch`,
:func:`~glue_mast.archive.fetch.reproduce` and a failed fetch's ``retry`` take these as
keywords (people call them) and build one :class:`FetchOptions`; everything below them takes
the object. A bad value is one :class:`~glue_mast.errors.InputError` naming its keyword, before
anything is planned or written.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field

from ... import config
from ...errors import InputError

__all__ = ["FetchOptions"]

#: Seconds to wait for a connection to open (the read timeout is the configured one).
CONNECT_TIMEOUT_S = 10.0


def _bad(name, value, should):
    return InputError(f"{name} must be {should}; got {value!r}", field=name, value=value)


def _whole(name, value, least):
    """``value`` as a whole number of at least ``least`` (digits in a string too)."""
    try:
        n = None if isinstance(value, bool) else operator.index(value)
    except TypeError:
        n = int(value) if isinstance(value, str) and value.strip().isdigit() else None
    if n is None or n < least:
        what = "files at once" if name == "parallel" else "attempts per file"
        raise _bad(name, value, f"at least {least} (a whole number of {what})")
    return n


def _seconds(name, value, *, positive):
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = None
    if (
        isinstance(value, bool)
        or seconds is None
        or seconds != seconds
        or (seconds <= 0 if positive else seconds < 0)
    ):
        raise _bad(
            name,
            value,
            "a positive number of seconds" if positive else "a number of seconds, 0 or more",
        )
    return seconds


@dataclass(frozen=True)
class FetchOptions:
    """How a fetch runs (not what it fetches, nor where: that is its plan).

    Every field may be given as the keyword of :func:`~glue_mast.archive.fetch.fetch` of the
    same name; ``None`` takes the configured default (``glue_mast.conf``).

    Parameters
    ----------
    parallel : int
        Files fetched at the same time (default ``glue_mast.conf.max_parallel``).
    token : str, optional
        MAST token for exclusive-access files (default: the configured one, looked up when a
        file needs it).
    retries : int
        Attempts per file (default ``glue_mast.conf.retries``; 0 also takes the default).
    backoff : float
        First wait in seconds between attempts when the server gives no ``Retry-After``.
    timeout : float or (float, float)
        Seconds to wait for a connection and for the next bytes (default: 10 s to connect,
        the configured timeout to read); one number is the read timeout.
    cloud : bool
        Fetch from MAST's public cloud copy where one exists.
    progress : bool or callable
        ``True`` for a progress bar, a callable for the events, ``False``/``None`` for none.
    queries : sequence of dict
        Query records for the manifest.
    doi : str or dict, optional
        A DOI for every file, or dataURI -> DOI, recorded in the manifest.
    expected : dict or list, optional
        What the files must arrive as (see :func:`~glue_mast.archive.fetch.plan`).
    keep_missing : bool
        Keep the manifest's records of files that are missing (a reproduce in place).
    manifest_extra : dict
        Fields the manifest gets if it has none of that name (what a reproduced manifest came
        from).
    client : `distributed.Client`, optional
        Run the transfers and their checks on this Dask cluster's workers
        (:mod:`.cluster`), each worker thread one file at a time, instead of ``parallel``
        threads here; planning, the lock and the manifest stay in this process.
    """

    parallel: int | None = None
    token: str | None = None
    retries: int | None = None
    backoff: float = 1.0
    timeout: tuple | float | None = None
    cloud: bool = False
    progress: object = None
    queries: tuple = ()
    doi: object = None
    expected: object = None
    keep_missing: bool = False
    manifest_extra: dict = field(default_factory=dict)
    client: object = None

    def __post_init__(self):
        def put(name, value):
            object.__setattr__(self, name, value)

        parallel = config.conf.max_parallel if self.parallel is None else self.parallel
        put("parallel", _whole("parallel", parallel, 1))
        if self.token is not None and not isinstance(self.token, str):
            raise _bad("token", type(self.token).__name__, "a string (a MAST token)")
        put("retries", _whole("retries", self.retries or config.conf.retries, 1))
        put("backoff", _seconds("backoff", self.backoff, positive=False))
        timeout = self.timeout
        if timeout is None:
            timeout = (CONNECT_TIMEOUT_S, config.current_timeout())
        elif not isinstance(timeout, (tuple, list)):
            timeout = (CONNECT_TIMEOUT_S, timeout)
        if len(timeout) != 2:
            raise _bad("timeout", self.timeout, "seconds, or (connect, read) seconds")
        put("timeout", tuple(_seconds("timeout", t, positive=True) for t in timeout))
        put("cloud", bool(self.cloud))
        if not (self.progress in (None, False, True) or callable(self.progress)):
            raise _bad("progress", self.progress, "True, False or a callable")
        queries = self.queries
        if queries is None:
            queries = ()
        if not isinstance(queries, (list, tuple)):
            raise _bad("queries", queries, "a list of query records")
        put("queries", tuple(queries))
        if self.doi is not None and not isinstance(self.doi, (str, dict)):
            raise _bad("doi", self.doi, "a DOI, or a dict of dataURI -> DOI")
        if self.expected is not None and not isinstance(self.expected, (dict, list)):
            raise _bad("expected", self.expected, "a dict of dataURI -> what the file must be")
        put("keep_missing", bool(self.keep_missing))
        put("manifest_extra", dict(self.manifest_extra or {}))
        if self.client is not None and not _is_dask_client(self.client):
            raise _bad("client", self.client, "a dask.distributed.Client (not asynchronous)")


def _is_dask_client(client):
    """Whether ``client`` is a ``distributed.Client`` (distributed is imported only if it
    already is: a Client cannot exist without it)."""
    import sys

    distributed = sys.modules.get("distributed")
    # (An asynchronous client's methods return coroutines: the fetch's thread cannot wait.)
    return (
        distributed is not None
        and isinstance(client, distributed.Client)
        and not client.asynchronous
    )
