"""Planning a fetch: which files to download, which are complete on disk, which to skip.

Planning makes no request (but for the cloud-copy lookup, which asks astroquery).
"""

from __future__ import annotations

import os
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
    return [{name: plain(row[name]) for name in products.colnames} for row in products]


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
            path = (
                root
                / top
                / safe_component(row.get("obs_id") or row.get("obsID") or "unknown")
                / safe_filename(row.get("productFilename") or uri.rsplit("/", 1)[-1])
            )
        path = _unclaimed(path, uri, claimed)
        _refuse_links_out(path, root)
        size = want.get("size", row.get("size"))
        f = PlannedFile(
            uri=uri,
            url=(urls or {}).get(uri) or download_url(uri, server),
            path=path,
            size=int(size) if size else None,
            record=_record(row),
            exclusive=is_exclusive(row, now_mjd),
            sha256=want.get("sha256"),
        )
        # A file already whole on disk needs no request, and so no token: it is on disk,
        # not skipped (one verdict per file in a summary).
        if complete_on_disk(f, previous):
            cached.append(f)
            continue
        if f.exclusive and token is None:
            # The token is looked up only when a file needs one: the keyring costs 0.15 s.
            token = auth.token() or ""
        if f.exclusive and not token:
            skipped.append(f)
        else:
            to_fetch.append(f)
    return FetchPlan(root, to_fetch, cached, skipped, server)


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

    tag = hashlib.sha256(uri.encode()).hexdigest()[:8]
    while claimed.get(os.fspath(path).casefold(), uri) != uri:
        path = path.with_name(f"{path.stem}-{tag}{path.suffix}")
        tag = hashlib.sha256(tag.encode()).hexdigest()[:8]  # (in the unlikely event again)
    claimed[os.fspath(path).casefold()] = uri
    return path


def complete_on_disk(f, previous):
    """Whether ``f`` is already complete, judged from the disk alone (no request).

    Only a checksum known for this very dataURI can tell: the expected one (reproducing a
    manifest) or the one a previous manifest recorded for this path *and* this dataURI. A file
    of the right size whose bytes nobody checked is fetched again, never recorded blind.
    """
    from ...util import sha256_of

    try:
        if not f.path.is_file() or f.path.is_symlink():
            return False
        size = f.path.stat().st_size
    except OSError:
        return False
    known = previous.dataset_for(f.path) if previous is not None else None
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
    return sha256_of(f.path) == want_sha


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
    )
    fetch_plan.manifest_path, fetch_plan.previous = manifest_path, previous
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


