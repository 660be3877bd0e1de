"""``glue-mast demo``: the main job, offline, against the bundled local archive.

It starts :class:`glue_mast.testing.LocalArchive` on loopback, points glue-mast at it, and
then does what an analyst does: search by target, look at the count, page through rows, and
list the calibrated science products of what was found, download them in parallel, write
and verify the provenance manifest, load the spectra into glue as linked datasets, and save a
glue session with its manifest beside it (then restore it, to show that it opens).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

__all__ = ["run_demo"]


def _step(out, text):
    print(f"\n== {text}", file=out)


def run_demo(out_dir="glue-mast-demo", *, out=None, target="TW Hya"):
    """Run the demo; returns 0 on success. ``out`` is the stream to report to."""
    out = out or sys.stdout
    from . import config
    from .archive.columns import PRODUCT_COLUMNS, SEARCH_COLUMNS
    from .archive.fetch import fetch
    from .archive.products import products
    from .archive.search import search
    from .provenance import Manifest
    from .testing import LocalArchive

    os.makedirs(out_dir, exist_ok=True)
    started = time.perf_counter()
    with LocalArchive() as archive:
        config.configure(server=archive.url)
        print(f"Local MAST-compatible archive serving at {archive.url}", file=out)

        _step(out, f"Search: observations within 0.2 deg of {target!r}")
        q = search(target, radius="0.2 deg")
        print(
            f"{target} resolved to RA {q.coordinates.ra.deg:.5f}, Dec "
            f"{q.coordinates.dec.deg:+.5f} ({q.resolved['resolver']})",
            file=out,
        )
        print(f"count: {q.count} observations (one request, no rows fetched)", file=out)

        _step(out, "Page 1, 4 rows per page, fetched from the server on its own")
        page = q.page(1, size=4)
        names = [c for c in SEARCH_COLUMNS if c in page.colnames]
        print("\n".join(page[names].pformat(max_width=-1)), file=out)
        print(f"page {page.meta['page']} of {page.meta['pages']}", file=out)

        _step(out, "Criteria: spectra from HST or IUE, calibrated, sorted by start time")
        spectra = search(
            target,
            radius="0.2 deg",
            dataproduct_type="spectrum",
            obs_collection=["HST", "IUE"],
            calib_level=[2, 3],
            sort="t_min",
        )
        rows = spectra.page(1, size=50)
        print(f"{spectra.count} spectra", file=out)
        print(
            "\n".join(
                rows[["obs_collection", "instrument_name", "obs_id", "t_min"]].pformat(max_width=-1)
            ),
            file=out,
        )

        _step(out, "Paging a large result: the SYNTHETIC collection")
        big = search(obs_collection="SYNTHETIC")
        last = big.page_count(size=1000)
        page = big.page(last, size=1000)
        print(
            f"{big.count:,} rows; page {last} of {last} holds {len(page)} rows, fetched "
            "without the others",
            file=out,
        )

        _step(out, "Products of the spectra: MAST's recommended calibrated science files")
        prods = products(rows)
        names = [c for c in PRODUCT_COLUMNS if c in prods.colnames]
        print(f"{len(prods)} of {prods.meta['listed']} products kept", file=out)
        print("\n".join(prods[names].pformat(max_width=-1)), file=out)
        exclusive = [r["productFilename"] for r in prods if r["dataRights"] != "PUBLIC"]
        if exclusive:
            print(f"exclusive access (needs a MAST token): {', '.join(exclusive)}", file=out)

        data_dir = (Path(out_dir) / "mast_data").resolve()
        _step(out, f"Fetch: {len(prods)} products in parallel into {data_dir}")
        result = fetch(prods, data_dir, progress=False)
        for outcome in result.downloaded + result.cached:
            relative = outcome.file.path.relative_to(data_dir).as_posix()
            print(
                f"{outcome.status:10} {outcome.file.path.stat().st_size:>9,}  {relative}", file=out
            )
        for outcome in result.skipped:
            print(f"{'skipped':10} {'':>9}  {outcome.file.path.name}: {outcome.message}", file=out)
        print(
            f"{len(result.downloaded)} downloaded, {len(result.cached)} already on disk, "
            f"{len(result.skipped)} skipped, {len(result.failed)} failed, in "
            f"{result.seconds:.2f} s",
            file=out,
        )

        _step(out, "Provenance manifest, verified against the disk")
        report = Manifest.read(result.manifest.path).verify()
        print(
            f"{result.manifest.path}: {len(result.manifest)} files, "
            f"{len(result.manifest.queries)} queries, server {result.manifest.server}",
            file=out,
        )
        print(
            f"verify: {len(report.ok)} of {len(result.manifest)} files match their size and sha256",
            file=out,
        )
        print(
            "(the ECSV view of the same records is beside it: "
            f"{result.manifest.path.with_suffix('.ecsv').name})",
            file=out,
        )
        session_ok = _glue_step(out, result, Path(out_dir))
        config.reset()
    print(f"\nDemo finished in {time.perf_counter() - started:.1f} s; files in {out_dir}", file=out)
    return 0 if result.ok and report and session_ok else 1


def _glue_step(out, result, out_dir):
    """Load the fetched spectra into glue, linked; save and restore a session with its manifest.

    Returns whether the session's manifest verifies and the session restores with the same
    datasets.
    """
    from glue.core import DataCollection

    from .glue.loading import load
    from .glue.session import restore_session, save_session

    _step(out, "Load into glue: one dataset per spectrum, segment or order, linked")
    dc = DataCollection()
    loaded = load(result, dc)
    for data in loaded:
        axis = data.world_component_ids[0] if data.world_component_ids else None
        unit = data.get_component(axis).units if axis is not None else ""
        print(f"  {data.label}  ({data.shape[0]} points, {unit})", file=out)
    for problem in loaded.problems:
        print(f"  {problem}", file=out)
    print(
        f"{len(loaded)} datasets, {len(loaded.links)} unit-aware spectral-axis links",
        file=out,
    )

    session = (out_dir / "analysis.glu").resolve()
    _step(out, f"Glue session and its provenance manifest: {session}")
    saved = save_session(dc, session)
    verified = saved.manifest.verify()
    print(
        f"{saved.manifest.path.name}: {len(saved.manifest)} files, verify: "
        f"{len(verified.ok)} of {len(saved.manifest)} match",
        file=out,
    )
    restored = restore_session(session)
    same = [d.label for d in restored] == [d.label for d in dc]
    print(
        f"restored {len(restored)} datasets and {len(restored.external_links)} links "
        f"from {session.name}" + ("" if same else " (the labels differ!)"),
        file=out,
    )
    return bool(verified) and same
