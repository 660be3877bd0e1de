"""Downloading MAST products: parallel, resumable, verified, token-aware, with a manifest.

Each file is written under ``<name>.part`` and takes its final name (an atomic rename) only
once its size, and its SHA-256 where one is known, are right; so a file under its final name is
always complete. A dropped connection or a short body is resumed with an HTTP ``Range``
request from the bytes already on disk, with ``If-Range`` and the validator (ETag, else
Last-Modified) of the first response, kept beside the partial file in ``<name>.part.meta``
with a checksum of what arrived (:mod:`.partial`): a file that changed on the server meanwhile
comes whole, never spliced, and a partial file someone else wrote is never resumed. 429 and
5xx answers are retried, waiting as long as ``Retry-After`` says. A file already on disk
costs no request when its SHA-256 is the one a manifest recorded for the same dataURI; a
file nobody checked is fetched again, never recorded blind. One fetch at a time writes in a
directory (:mod:`.lock`), nothing is written through a symbolic link, and every name is
portable (:mod:`.layout`).

Why not parfive, which sunpy uses: parfive 2.3 writes straight to the final name, opens it with
``"wb"`` and deletes it on any error (so nothing can be resumed), has no ``Retry-After``
handling, sends a HEAD before every GET (one more round trip per file), and gives every request
the same headers (so a token could follow a redirect to another host). Those are all
requirements here, so the transfers are made with ``requests`` (already used by astroquery),
one session per worker thread, with a tqdm progress bar. A fetch runs as a background
:class:`FetchJob` (:func:`start_fetch`), which a front end can watch and cancel.

The token (:mod:`glue_mast.archive.auth`) is sent as astroquery sends it (the ``mast_token``
cookie), only to the MAST server's own origin: redirects are followed by hand and a hop to any
other host goes without it, and one on which URL parsers disagree about the host is refused.

The package, one job a module:

- :mod:`.layout`: where a product goes on disk and its download URL;
- :mod:`.outcome`: the plan and per-file outcome records, and :class:`FileStatus`;
- :mod:`.plan`: deciding what to fetch, with no request;
- :mod:`.transfer`: one file over HTTP (resume, retries, redirects, verification);
- :mod:`.partial`: a download in progress, and the record that vouches for its bytes;
- :mod:`.events`: the progress events a front end receives;
- :mod:`.progress`: counting bytes as they land, and the progress bar;
- :mod:`.cancel`: stopping the transfers at once (sockets shut) when a fetch is cancelled;
- :mod:`.job`: :class:`FetchJob`, a fetch as a cancellable background job;
- :mod:`.lock`: one writer at a time in a download directory;
- :mod:`.start`: :func:`start_fetch` (in the background) and :func:`fetch` (waiting);
- :mod:`.run`: the worker threads, the events, :class:`FetchResult` and the manifest;
- :mod:`.cluster`: the transfers (and a verify's checksums) on a Dask cluster instead
  (``client=``), and :mod:`.worker`, what its workers run;
- :mod:`.curl`: a curl script for later;
- :mod:`.reproduce`: re-fetching exactly what a manifest lists;
- :mod:`.trust`: which server re-fetching a received manifest or session goes to (the
  configured one, never one the file names).
"""

from .cluster import verify_on_cluster
from .curl import write_curl_script
from .events import BytesReceived, FetchEnded, FetchEvent, FetchStarted, FileFinished
from .job import FetchCancelled, FetchInterrupted, FetchJob
from .layout import DOWNLOAD_PATH, download_url, safe_component
from .outcome import FetchPlan, FileOutcome, FileStatus, PlannedFile
from .plan import is_exclusive, plan, plan_fetch
from .reproduce import reproduce
from .run import FetchResult, run_files
from .start import fetch, start_fetch
from .trust import OtherServerNamed, choose_server

__all__ = [
    "DOWNLOAD_PATH",
    "BytesReceived",
    "FetchCancelled",
    "FetchEnded",
    "FetchEvent",
    "FetchInterrupted",
    "FetchJob",
    "FetchPlan",
    "FetchResult",
    "FetchStarted",
    "FileFinished",
    "FileOutcome",
    "FileStatus",
    "OtherServerNamed",
    "PlannedFile",
    "choose_server",
    "download_url",
    "fetch",
    "is_exclusive",
    "plan",
    "plan_fetch",
    "reproduce",
    "run_files",
    "safe_component",
    "start_fetch",
    "verify_on_cluster",
    "write_curl_script",
]
