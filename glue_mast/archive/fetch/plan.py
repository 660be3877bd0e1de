"""Planning a fetch: which files to download, which are complete on disk, which to skip.

Planning makes no request (but for the cloud-copy lookup, which asks astroquery).
"""

from __future__ import annotations

import math
import os
import stat
from pathlib import Path

from ... import config
from ...errors import InputError
from .. import auth
from .cloud import cloud_copies, mark_origins
from .layout import LOCK_NAME, download_url, safe_component, safe_filename
from .outcome import FetchPlan, PlannedFile

__all__ = [
    "claim_paths",
    "complete_on_disk",
    "is_exclusive",
    "manifest_stamp",
    "plan",
    "plan_fetch",
    "previous_manifest",
]


def _rows(products):
    from astropy.table import Row, Table

    from ...util import plain

    if isinstance(products, list) and all(isinstance(r, dict) for r in products):
        return [{k: plain(v) for k, v in r.items()} for r in products]  # manifest records
    if isinstance(products, Row):
        products = Table(products.table[products.index : products.index + 1])
    if not isinstance(products, Table):
        raise InputError("fetch takes a table of products (from glue_mast.products)")
    missing = {"dataURI", "productFilename"} - set(products.colnames)
    if missing:
        raise InputError(f"the products table has no {', '.join(sorted(missing))} column")
    # A column at a time: reading a table cell by cell (Row.__getitem__, a masked view per
    # cell) cost 80% of planning 10,000 products.
    names = products.colnames
    columns = [_plain_column(products[name], plain) for name in names]
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def _plain_column(column, plain):
    """A table column as a list of JSON-native values (``plain`` of each cell)."""
    from astropy.table import Column

    if isinstance(column, Column):  # MaskedColumn too: a masked cell lists as None
        values = column.tolist()
    else:  # a mixin column (Time, Quantity, ...): cell by cell, as plain() takes them
        values = [column[i] for i in range(len(column))]
    simple = (str, int, bool)
    return [
        v if type(v) in simple
        else (v if math.isfinite(v) else None) if type(v) is float
        else plain(v)
        for v in values
    ]


def is_exclusive(row, now_mjd):
    if str(row.get("dataRights") or "PUBLIC").upper() != "PUBLIC":
        return True
    release = row.get("t_obs_release")
    return isinstance(release, (int, float)) and release > now_mjd


def _record(row):
    from ...provenance.manifest import DATASET_FIELDS, OBSERVATION_FIELDS

    record = {k: row.get(k) for k in DATASET_FIELDS if k in row}
    record["obsid"] = row.get("obsid") or row.get("obsID")
    record["parent_obsid"] = row.get("parent_obsid") or row.get("obsID")
    for name in OBSERVATION_FIELDS:
        if row.get(name) is not None:
            record[name] = row[name]
    return record


#: Names at the top of a download directory that no product may take.
RESERVED_NAMES = ("manifest.json", "manifest.ecsv", LOCK_NAME)


def plan(
    products,
    download_dir=None,
    *,
    token=None,
    expected=None,
    server=None,
    previous=None,
    urls=None,
    reserved=(),
    manifest_path=None,
    manifest_stamp=None,
):
    """Decide what a fetch of ``products`` into ``download_dir`` would do, with no request.

    Parameters
    ----------
    products : `~astropy.table.Table`
        Products (from :func:`glue_mast.products`).
    download_dir : path-like
        Root of the layout ``DIR/<collection>/<obs_id>/<file>``.
    token : str, optional
        Whether a token is available decides if exclusive-access files are skipped.
    expected : dict or list, optional
        dataURI -> ``{"sha256": ..., "size": ..., "path": ...}`` to insist on (reproduce);
        or a list of those, one per row of ``products`` (a dataURI at several paths).
    previous : `~glue_mast.provenance.Manifest`, optional
        A manifest already in the directory: its checksums tell complete files from corrupt
        ones of the right size.
    urls : dict, optional
        dataURI -> URL to fetch from instead of MAST's download service (cloud copies).
    reserved : sequence of str, optional
        More names no product may take at the top of ``download_dir`` (beside
        :data:`RESERVED_NAMES`), e.g. a manifest's own name.
    manifest_path : path-like, optional
        Where the fetch writes its manifest (merged into ``previous``); None for none.
    manifest_stamp : optional
        ``manifest_path``'s :func:`manifest_stamp` when ``previous`` was read from it; None
        when unknown (the fetch then reads the manifest again before it merges into it).
    """
    from astropy.time import Time

    server = server or config.current_server()
    root = Path(download_dir or config.current_download_dir()).resolve()
    now_mjd = Time.now().mjd
    to_fetch, cached, skipped = [], [], []
    reserved = {name.casefold() for name in (*RESERVED_NAMES, *reserved)}
    # A path an earlier fetch recorded belongs to its dataURI: another product is given
    # another name rather than taken for that file. Paths are compared case-folded, since
    # on macOS and Windows "A.fits" and "a.fits" are one file.
    claimed = claim_paths(previous)
    # The previous manifest's records by (resolved) path, looked up once per file.
    known = {d["path"]: d for d in previous.datasets} if previous is not None else None
    below = _Below(root)
    seen = set()
    for index, row in enumerate(_rows(products)):
        uri = row["dataURI"]
        # A list gives each row its own: one dataURI a manifest lists at two paths is two
        # files to fetch (keyed by dataURI, the second would be dropped).
        want = (expected[index] if isinstance(expected, list) else (expected or {}).get(uri))
        want = want or {}
        if not uri or (uri, want.get("path")) in seen:
            continue
        seen.add((uri, want.get("path")))
        if want.get("path"):
            path = root / want["path"]
            if path.parent == root and path.name.casefold() in reserved:
                raise InputError(
                    f"the manifest lists {want['path']!r} for {uri}: that name is the "
                    "manifest's own (or its lock's); the manifest is not a product"
                )
        else:
            top = safe_component(row.get("obs_collection") or "MAST")
            if top.casefold() in reserved:
                top += "_"
            path = root.joinpath(
                top,
                safe_component(row.get("obs_id") or row.get("obsID") or "unknown"),
                safe_filename(row.get("productFilename") or uri.rsplit("/", 1)[-1]),
            )
        path = _unclaimed(path, uri, claimed)
        # (Refuses a path a link leads out of root.) A path the previous manifest records is
        # a resolved one: no link on the way to look for, only the file itself to look at.
        found = below.look(path, recorded=known is not None and os.fspath(path) in known)
        size = want.get("size", row.get("size"))
        f = PlannedFile(
            uri=uri,
            url=(urls or {}).get(uri) or download_url(uri, server),
            path=path,
            size=int(size) if size else None,
            record=_record(row),
            exclusive=is_exclusive(row, now_mjd),
            sha256=want.get("sha256"),
            resolved=found is not _LINKED,
        )
        # A file already whole on disk needs no request, and so no token: it is on disk,
        # not skipped (one verdict per file in a summary).
        if found is not None and complete_on_disk(f, previous, found=found, known=known):
            cached.append(f)
            continue
        if f.exclusive and token is None:
            # The token is looked up only when a file needs one: the keyring costs 0.15 s.
            token = auth.token() or ""
        if f.exclusive and not token:
            skipped.append(f)
        else:
            to_fetch.append(f)
    return FetchPlan(
        root,
        to_fetch,
        cached,
        skipped,
        server,
        manifest_path=Path(manifest_path) if manifest_path is not None else None,
        previous=previous,
        manifest_stamp=manifest_stamp,
    )


#: What :meth:`_Below.look` says of a path with a symbolic link on it (inside the root).
_LINKED = "linked"


class _Below:
    """What lies at the planned paths below a (resolved) download root, each directory
    looked at once: one ``lstat`` a directory and one a file, where resolving each path
    walked every component of it."""

    def __init__(self, root):
        self.root = root
        self._dirs = {}  # directory -> "missing", "dir", "other" or _LINKED

    def _directory(self, directory):
        if directory == self.root or directory == directory.parent:
            return "dir"
        state = self._dirs.get(directory)
        if state is None:
            above = self._directory(directory.parent)
            if above in ("missing", "other"):
                state = "missing"  # nothing below a missing directory (or a file)
            elif above is _LINKED:
                state = _LINKED
            else:
                try:
                    mode = os.lstat(directory).st_mode
                except OSError:
                    mode = None
                state = (
                    "missing" if mode is None
                    else _LINKED if stat.S_ISLNK(mode)
                    else "dir" if stat.S_ISDIR(mode)
                    else "other"
                )
            self._dirs[directory] = state
        return state

    def look(self, path, recorded=False):
        """``path``'s ``os.stat_result`` (not following a link), None if nothing is there,
        or :data:`_LINKED` if a symbolic link lies on the way (checked to stay inside the
        root: an InputError if it leads out). ``recorded``: ``path`` is one a manifest just
        read records, as resolved then (no link on the way): its directories are not looked
        at again."""
        state = "dir" if recorded else self._directory(path.parent)
        if state == "missing" or state == "other":
            return None
        if state is _LINKED:
            _refuse_links_out(path, self.root)
            return _LINKED
        try:
            st = os.lstat(path)
        except OSError:
            return None
        if stat.S_ISLNK(st.st_mode):
            _refuse_links_out(path, self.root)
            return _LINKED
        return st


def claim_paths(manifest, files=()):
    """Case-folded path -> dataURI of what ``files`` are planned as and ``manifest`` records.

    Where both name a path, the manifest's record wins: the file there is that dataURI's.
    """
    claimed = {os.fspath(f.path).casefold(): f.uri for f in files}
    for d in manifest.datasets if manifest is not None else []:
        claimed[os.fspath(d["path"]).casefold()] = d["dataURI"]
    return claimed


def rename_if_claimed(f, claimed):
    """Give ``f`` a name of its own if ``claimed`` has its path for another dataURI."""
    f.path = _unclaimed(f.path, f.uri, claimed)


def _refuse_links_out(path, root):
    """Refuse a layout path that a symbolic link below ``root`` leads out of ``root``."""
    if path.resolve().is_relative_to(root):
        return
    link = next(
        (p for p in [*reversed(path.parents), path] if p.is_relative_to(root) and p.is_symlink()),
        None,
    )
    if link is None:  # names are made safe: only a link can lead out
        raise InputError(f"refusing to write outside {root}: {path}")
    raise InputError(
        f"refusing to write {path.relative_to(root).as_posix()}: "
        f"{link.relative_to(root).as_posix()} is a symbolic link to {os.readlink(link)}, "
        f"outside {root}; remove the link or fetch into another directory"
    )


def _unclaimed(path, uri, claimed):
    """``path``, or a name of its own if another product has claimed it (in any case)."""
    import hashlib

    key = os.fspath(path).casefold()
    tag = None
    while claimed.get(key, uri) != uri:
        tag = hashlib.sha256((tag or uri).encode()).hexdigest()[:8]  # (again if need be)
        path = path.with_name(f"{path.stem}-{tag}{path.suffix}")
        key = os.fspath(path).casefold()
    claimed[key] = uri
    return path


def complete_on_disk(f, previous, *, found=None, known=None):
    """Whether ``f`` is already complete, judged from the disk alone (no request).

    Only a checksum known for this very dataURI can tell: the expected one (reproducing a
    manifest) or the one a previous manifest recorded for this path *and* this dataURI. A file
    of the right size whose bytes nobody checked is fetched again, never recorded blind.
    A file found complete has its size noted (``f.on_disk``).

    ``found`` is what planning saw at ``f.path`` (see :class:`_Below`), so that it need not
    look again; ``known`` the previous manifest's records by path, to look ``f`` up with no
    walk of its path.
    """
    from ...util import sha256_of

    if found is None or found is _LINKED:
        try:
            if not f.path.is_file() or f.path.is_symlink():
                return False
            size = f.path.stat().st_size
        except OSError:
            return False
    elif not stat.S_ISREG(found.st_mode):
        return False
    else:
        size = found.st_size
    if previous is None:
        known = None
    elif known is not None and f.resolved:
        known = known.get(os.fspath(f.path))
    else:
        known = previous.dataset_for(f.path)
    if known is not None and known.get("dataURI") != f.uri:
        known = None  # the path holds another product's file
    want_sha = f.sha256 or (known or {}).get("sha256")
    if not want_sha:
        return False
    want_size = f.size
    if known is not None and known.get("listed_size") == f.size:
        want_size = known.get("size")  # served at another size than listed, and kept
    if want_size is not None and size != want_size:
        return False
    if sha256_of(f.path) != want_sha:
        return False
    f.on_disk = size
    return True


def plan_fetch(
    products, download_dir=None, *, manifest=True, token=None, cloud=False, expected=None
):
    """What :func:`fetch` with the same arguments would do, decided with no download.

    Checks the manifest path and reads the manifest already there (its checksums tell
    complete files from corrupt ones), then :func:`plan` (``expected`` as there). Front ends
    use it to show what a fetch would do before doing it, and to write a curl script of the
    same downloads.
    """
    root = Path(download_dir or config.current_download_dir()).resolve()
    manifest_path = _manifest_path(manifest, root)
    # Its identity first: if another fetch replaces it after this, the stamp will not match
    # and the fetch reads it again under the lock (see .run).
    stamp = manifest_stamp(manifest_path) if manifest_path is not None else None
    previous = previous_manifest(manifest_path)
    copies = cloud_copies(products) if cloud else {}
    urls = {uri: copy.url for uri, copy in copies.items()}
    reserved = ()
    if manifest_path is not None and manifest_path.parent == root:
        reserved = (manifest_path.name, manifest_path.with_suffix(".ecsv").name)
    fetch_plan = plan(
        products,
        root,
        token=token,
        previous=previous,
        urls=urls,
        reserved=reserved,
        expected=expected,
        manifest_path=manifest_path,
        manifest_stamp=stamp,
    )
    mark_origins(fetch_plan, copies)
    return fetch_plan


def _manifest_path(manifest, root):
    if manifest is True:
        return root / "manifest.json"
    if not manifest:
        return None
    path = Path(manifest).resolve()
    if path.is_dir():
        raise InputError(f"manifest {manifest} is a directory; give a file name")
    # Paths in a manifest are relative to it and never climb out of its directory, so that
    # reproducing a manifest can only write below it.
    if not root.is_relative_to(path.parent):
        raise InputError(
            f"put the manifest in {root} or a directory above it, not in "
            f"{path.parent}: its paths must stay inside its own directory"
        )
    return path


def manifest_stamp(path):
    """What tells whether the file at ``path`` is still the one read: its device, inode,
    size and times (a manifest is replaced whole, by a rename), or ``"absent"``."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return "absent"
    except OSError:
        return None  # cannot tell: read it again
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def previous_manifest(path):
    from ...provenance.manifest import Manifest

    if path is None or not path.exists():
        return None
    try:
        return Manifest.read(path)
    except InputError as exc:
        raise InputError(
            f"{exc}; it will not be overwritten: choose another manifest path"
        ) from None


