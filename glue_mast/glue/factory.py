"""glue-mast's glue data factory: a MAST product file in, labelled glue Data out.

Data made by ``glue.core.data_factories.load_data(path, factory=read_mast_product)`` carries
glue's ``LoadLog``: a saved session stores the file's path (relative to the session when asked)
and this function's name rather than the arrays, and restoring the session reads the file again
through it. So the function must stay importable under its name, and must return the same
datasets, in the same order, every time it reads the same file.

Provenance comes from the glue-mast manifest that lists the file (``manifest.json`` in the
file's directory or one of the few above it, where :func:`glue_mast.fetch` writes it), so a file
opened with glue's own File menu is labelled and described as well as one loaded with
:func:`glue_mast.load`. The queries a dataset names are those of its load (a fetch's); a file
opened by itself names those its manifest recorded, except in the shared download cache,
whose manifest holds every search that fetched into it.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import re
import warnings
import weakref
from pathlib import Path

__all__ = [
    "FACTORY_LABEL",
    "FACTORY_PRIORITY",
    "SkippedContent",
    "collect_skipped",
    "find_manifest_record",
    "is_mast_product",
    "read_mast_product",
]

FACTORY_LABEL = "MAST spectrum, light curve, pixel file, image or cube (glue-mast)"
#: Above glue's generic FITS reader (100), which would give a table's columns, not a spectrum.
FACTORY_PRIORITY = 200

#: File names of the MAST products glue-mast loads: spectra, light curves, pixel files, JWST
#: cubes and resampled images, HST drizzled images. (Other images, such as HST flt and JWST
#: cal, are left to glue's own FITS reader when opened with glue's File menu: their names are
#: shared by spectroscopic exposures.)
_PRODUCT_NAME = re.compile(
    r"((_x1d|_x1dsum\d?|_sx1|_c1d|_s2d|_s3d|_i2d|_drz|_drc|_vo|_llc|_slc|_lc|_spec|_tp"
    r"|_lpd-targ|_spd-targ)"
    r"\.fits(\.gz)?$)"
    r"|(^hlsp_.*(spec|sed).*\.fits(\.gz)?$)",
    re.IGNORECASE,
)

#: How many directories above a file a manifest that lists it may be (DIR/HST/OBS_ID/file).
MANIFEST_LEVELS = 4
MANIFEST_NAME = "manifest.json"

#: ``{manifest path: (mtime_ns, size, Manifest or None)}``: each manifest read again only when
#: it changed, and one entry per manifest however often it is rewritten.
_manifests: dict = {}


class SkippedContent(UserWarning):
    """Part of a file that glue-mast does not load into glue (a cube with no WCS glue can save)."""


# Where read_mast_product reports skipped content instead of warning, per thread (and task).
_skipped_sink = contextvars.ContextVar("glue_mast_skipped_content", default=None)
#: The manifest :func:`read_mast_product` looks in first, set by :func:`manifest_first`.
_given_manifest = contextvars.ContextVar("glue_mast_given_manifest", default=None)
#: ``{Manifest: (how many queries it had, their QueryIndex)}``: indexed once per manifest
#: (queries are only ever added), not once per file read beside it.
_query_indexes: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
#: The queries of the load under way (None: a file opened by itself), see :func:`manifest_first`.
_load_queries = contextvars.ContextVar("glue_mast_load_queries", default=None)


@contextlib.contextmanager
def manifest_first(manifest, queries=None):
    """Inside the ``with`` block (in this thread), :func:`read_mast_product` takes a file's
    record from ``manifest`` when it lists the file, before the manifests beside the file,
    and its queries from ``queries`` (the searches of this load: a fetch's
    ``result.queries``), never from the manifest's list of every search it has seen."""
    from ..provenance.selection import QueryIndex

    token = _given_manifest.set(manifest)
    # Indexed once for the load, so that each file's share of its provenance is O(1).
    queries_token = _load_queries.set(None if queries is None else QueryIndex(queries))
    try:
        yield
    finally:
        _load_queries.reset(queries_token)
        _given_manifest.reset(token)


def _queries_of_file_alone(manifest):
    """The queries for a file opened by itself (glue's File menu, a list of paths): those its
    manifest recorded, but none from the download cache's manifest, which is shared by every
    search (and, on a served Jdaviz, every user) that fetched into the cache."""
    from .. import config

    if manifest is None or manifest.path is None:
        return []
    try:
        shared = Path(config.current_cache_dir()).resolve() == manifest.path.parent
    except (OSError, RuntimeError):
        shared = False
    if shared:
        return []
    from ..provenance.selection import QueryIndex

    count = len(manifest.queries_by_id)
    known = _query_indexes.get(manifest)
    if known is None or known[0] != count:
        known = _query_indexes[manifest] = (count, QueryIndex(manifest.queries))
    return known[1]


@contextlib.contextmanager
def collect_skipped():
    """Collect the :class:`SkippedContent` messages of :func:`read_mast_product` calls made
    in this thread inside the ``with`` block, into the list it yields, instead of warning."""
    messages = []
    token = _skipped_sink.set(messages)
    try:
        yield messages
    finally:
        _skipped_sink.reset(token)


def is_mast_product(path, **kwargs):
    """glue's identifier: whether ``path`` is named like a MAST spectrum, light curve, target
    pixel file, JWST cube or resampled image, or HST drizzled image."""
    return bool(_PRODUCT_NAME.search(os.path.basename(os.fspath(path))))


def _read_manifest(path):
    """The manifest at ``path`` (read again only when it changed), or None if it is not one."""
    from ..errors import InputError
    from ..provenance.manifest import Manifest

    stat = path.stat()
    when = (stat.st_mtime_ns, stat.st_size)
    known = _manifests.get(os.fspath(path))
    if known is None or known[:2] != when:
        try:
            manifest = Manifest.read(path)
        except InputError:
            manifest = None
        known = _manifests[os.fspath(path)] = (*when, manifest)
    return known[2]


def find_manifest_record(path, manifest=None):
    """The manifest listing ``path`` and its record of it, or ``(None, None)``.

    Parameters
    ----------
    path : path-like
    manifest : `~glue_mast.provenance.Manifest`, optional
        Look here first; otherwise in ``manifest.json`` beside the file and above it.
    """
    path = Path(path).resolve()
    record = manifest.dataset_for(path) if manifest is not None else None
    if record is not None:
        return manifest, record
    for folder in list(path.parents)[:MANIFEST_LEVELS]:
        candidate = folder / MANIFEST_NAME
        if candidate.is_file():
            found = _read_manifest(candidate)
            record = found.dataset_for(path) if found is not None else None
            if record is not None:
                return found, record
    return None, None


def read_mast_product(path, **kwargs):
    """Read a MAST product file into glue Data: one per spectrum, segment, order, light curve,
    pixel file, image (extension) or cube.

    Parameters
    ----------
    path : str
        The file (anything `glue_mast.io.read` reads).

    Returns
    -------
    list of `~glue.core.data.Data`
        Labelled (collection, instrument, obs_id, part), with provenance in
        ``meta["glue_mast"]`` when a manifest lists the file.

    Raises
    ------
    UnreadableProduct
        No reader takes the file, or it holds nothing glue-mast loads into glue. Content that
        is skipped beside loaded content (a cube with no WCS glue can save) is reported as a
        :class:`SkippedContent` warning, or collected by :func:`collect_skipped`.
    """
    from ..errors import UnreadableProduct
    from ..io import read
    from .data import (
        content_to_data,
        describe,
        file_provenance,
        label_choices,
        part_of,
        unique_labels,
    )

    items = read(path)
    manifest, record = find_manifest_record(path, _given_manifest.get())
    made, skipped = [], []
    for item in items:
        try:
            made.extend((data, item) for data in content_to_data(item))
        except TypeError as exc:
            skipped.append(str(exc))
    if not made:
        raise UnreadableProduct(
            f"Cannot load {Path(path).name} into glue: "
            + ("; ".join(skipped) if skipped else "it holds nothing glue-mast loads")
            + ".",
            path=path,
            readers=sorted({item.reader for item in items}),
        )
    sink = _skipped_sink.get()
    for message in skipped:
        message = f"Not loaded from {Path(path).name}: {message}."
        if sink is not None:
            sink.append(message)
        else:
            warnings.warn(message, SkippedContent, stacklevel=2)
    wanted = [label_choices(record, item.header, part_of(item, data), path) for data, item in made]
    queries = _load_queries.get()
    if queries is None:
        queries = _queries_of_file_alone(manifest)
    of_file = file_provenance(record, manifest, queries=queries) if record is not None else None
    for (data, item), label in zip(made, unique_labels(wanted), strict=True):
        describe(data, label=label, record=record, manifest=manifest, item=item, of_file=of_file)
    return [data for data, _ in made]
