"""Benchmark: survey scale -- costs per item and fitted exponents as the work grows.

Targets (from the issue):

- M linked spectra: glue's link-manager update and the session save at M = 1,000 each within
  2x of 100 spectra's per-dataset cost times 10 (so a fitted exponent of at most 1.3);
- fetch and re-fetch of N = 100, 1,000, 10,000 files from the local archive: linear (a fitted
  exponent of at most 1.1); a re-fetch of cached files at most 10% of a fetch, with 0
  requests; at most 3 stat/lstat and 3 unlink calls per file (:func:`bench_fetch_scaling`,
  :func:`bench_refetch_scaling`); the contention of the lock around each file's final rename
  is printed.

Run it from the repository root::

    python benchmarks/bench_scale.py [--spectra 100 1000] [--files 100 1000 10000]
        [--repeat 3] [--quick] [--only spectra|fetch] [--json results.json]

glue-core's own update and save are measured in the same run at M = 100 (glue-mast's
replacements off), as the baseline. Exit status: 0 if every target is met, 1 if one is
missed, 2 on an error.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import shutil
import statistics
import sys
import tempfile
import time

TARGET_RATIO = 2.0  # at most 2x the per-item cost at the smallest size


def _spectra(m):
    import numpy as np
    from astropy import units as u
    from specutils import Spectrum

    from glue_mast.glue.data import spectrum_to_data

    out = []
    for i in range(m):
        axis = np.linspace(4000 + i, 7000 + i, 64) * u.AA
        (data,) = spectrum_to_data(Spectrum(spectral_axis=axis, flux=np.ones(64) * u.Jy), f"s{i}")
        out.append(data)
    return out


def measure_spectra(m, repeat, glue_core=False):
    """Seconds for M spectra: linking and adding them (glue_mast.load's way), one link-manager
    update of the linked collection, one session save (GlueSerializer.dumps), and one restore
    of the session saved with its data."""
    from glue.core import DataCollection
    from glue.core.state import GlueSerializer

    from glue_mast.config import conf
    from glue_mast.glue import link_discovery
    from glue_mast.glue.links import link_datasets
    from glue_mast.glue.session import session_text

    with conf.set_temp("fast_link_discovery", not glue_core):
        link_discovery.install()
        datasets = _spectra(m)
        dc = DataCollection()
        start = time.perf_counter()
        if glue_core:
            dc.extend(datasets)
            from glue_mast.glue.links import spectral_axis_autolink

            dc.add_link(spectral_axis_autolink(dc))
        else:
            link_datasets(dc, adding=datasets)
            dc.extend(datasets)
        load = time.perf_counter() - start
        updates, saves = [], []
        for _ in range(repeat):
            # A link removed and added again, so that the update has a change to work on.
            manager, link = dc._link_manager, dc.external_links[-1]
            manager.remove_link(link, update_external=False)
            manager.add_link(link, update_external=False)
            start = time.perf_counter()
            dc._link_manager.update_externally_derivable_components()
            updates.append(time.perf_counter() - start)
            start = time.perf_counter()
            if glue_core:
                GlueSerializer(dc, include_data=False).dumps()
            else:  # as glue_mast's save_session writes it
                session_text(GlueSerializer(dc, include_data=False))
            saves.append(time.perf_counter() - start)
        restore = _restore_seconds(dc)
    link_discovery.install()
    return {
        "link+add": load, "update": statistics.median(updates), "save": statistics.median(saves),
        "restore": restore,
    }


def _restore_seconds(dc):
    """Seconds to restore a session of ``dc`` (saved with its data: these spectra were made
    in memory, not read from files), checked to bring back every dataset and link."""
    from glue.core.state import GlueSerializer, GlueUnSerializer

    text = GlueSerializer(dc, include_data=True).dumps()
    start = time.perf_counter()
    restored = GlueUnSerializer.loads(text).object("__main__")
    seconds = time.perf_counter() - start
    restored_dc = getattr(restored, "data_collection", restored)
    if [d.label for d in restored_dc] != [d.label for d in dc] or len(
        restored_dc.external_links
    ) != len(dc.external_links):
        raise RuntimeError("the restored session differs from the one saved")
    return seconds


def exponent(sizes, seconds):
    """The slope of log(seconds) against log(size) between the smallest and largest size."""
    return math.log(seconds[-1] / seconds[0]) / math.log(sizes[-1] / sizes[0])


# -- fetch and re-fetch at N = 100, 1,000, 10,000 files ----------------------------------

#: Targets: a re-fetch of N cached files at most this fraction of a fresh fetch of N; at most
#: this many stat-family (os.stat, os.lstat) and os.unlink calls per file; "linear": a fitted
#: exponent of at most this.
TARGET_REFETCH_RATIO = 0.10
TARGET_CALLS_PER_FILE = 3
TARGET_EXPONENT = 1.1
#: The synthetic files' size: one FITS block, so that the per-file costs (planning, requests,
#: renames, the manifest) are what is measured, not the bytes.
FILE_SIZE = 2880
_MEASURED = {}


class _Calls:
    """Counts of os.stat, os.lstat and os.unlink calls (any thread) while installed."""

    NAMES = ("stat", "lstat", "unlink")

    def __init__(self):
        import os

        self.counts = dict.fromkeys(self.NAMES, 0)
        self._os, self._saved = os, {}

    def __enter__(self):
        for name in self.NAMES:
            original = self._saved[name] = getattr(self._os, name)

            def counted(*args, _name=name, _original=original, **kwargs):
                self.counts[_name] += 1
                return _original(*args, **kwargs)

            setattr(self._os, name, counted)
        return self

    def __exit__(self, *exc):
        for name, original in self._saved.items():
            setattr(self._os, name, original)


class _Contention:
    """Acquisitions of the locks a fetch's Breaker makes, and how many had to wait.

    Installed around a fetch: glue_mast.archive.fetch.cancel's ``threading`` is replaced by a
    stand-in whose Lock counts, so the same count is made of whatever lock the Breaker uses
    around a file's final rename.
    """

    def __init__(self):
        import threading

        #: [acquisitions, of which waited] per lock, in the order the Breaker makes them
        #: (its connections' lock, then the one around renames).
        self.locks = []
        outer = self

        class CountingLock:
            def __init__(self):
                self._lock = threading.Lock()
                self._counts = [0, 0]
                outer.locks.append(self._counts)

            def acquire(self, blocking=True, timeout=-1):
                if self._lock.acquire(False):
                    self._counts[0] += 1
                    return True
                if not blocking:
                    return False
                got = self._lock.acquire(True, timeout)
                self._counts[0] += got
                self._counts[1] += got
                return got

            def release(self):
                self._lock.release()

            def locked(self):
                return self._lock.locked()

            __enter__ = acquire

            def __exit__(self, *exc):
                self.release()

        class Threading:
            def __getattr__(self, name):
                return getattr(threading, name)

            Lock = CountingLock

        self._stand_in = Threading()

    def __enter__(self):
        from glue_mast.archive.fetch import cancel

        self._module, self._saved = cancel, cancel.threading
        cancel.threading = self._stand_in
        return self

    def __exit__(self, *exc):
        self._module.threading = self._saved


def _products(n):
    """N products (one calibrated file each) of the local archive's SYNTHETIC collection:
    observations i = 0..N-1 have t_min = 55000 + i/100."""
    import glue_mast

    observations = glue_mast.search(
        obs_collection="SYNTHETIC", t_min=[55000.0, 55000.0 + (n - 0.5) * 0.01]
    ).all()
    products = glue_mast.products(observations)
    if len(products) != n:
        raise RuntimeError(f"asked for {n} products, the archive listed {len(products)}")
    return products


def _timed_fetch(products, root, contention=False):
    import glue_mast

    with contextlib.ExitStack() as stack:
        calls = stack.enter_context(_Calls())
        locks = stack.enter_context(_Contention()) if contention else None
        start = time.perf_counter()
        result = glue_mast.fetch(products, root, progress=False)
        seconds = time.perf_counter() - start
    if not result.ok:
        raise RuntimeError(f"the fetch failed: {result.summary()}")
    n = len(products)
    row = {
        "seconds": seconds,
        "ms_per_file": 1000 * seconds / n,
        "requests": result.requests,
        "downloaded": len(result.downloaded),
        "cached": len(result.cached),
        "stat_per_file": (calls.counts["stat"] + calls.counts["lstat"]) / n,
        "lstat_per_file": calls.counts["lstat"] / n,
        "unlink_per_file": calls.counts["unlink"] / n,
    }
    if locks is not None:
        # The rename lock: the Breaker's second (see _Contention).
        row["lock_acquired"], row["lock_waited"] = (
            locks.locks[1] if len(locks.locks) > 1 else (0, 0)
        )
    return row


def _measure_fetches(sizes, repeat):
    """For each N: ``repeat`` fresh fetches into an empty directory, each followed by a
    re-fetch into the same directory (every file cached); medians. Against the local archive
    in its own process (benchmarks/_archive.py), no latency."""
    key = (tuple(sizes), repeat)
    if key in _MEASURED:
        return _MEASURED[key]
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from _archive import local_archive

    import glue_mast

    out = {}
    with local_archive(synthetic_file_size=FILE_SIZE) as archive, tempfile.TemporaryDirectory(
        prefix="bench_scale_"
    ) as tmp:
        glue_mast.configure(server=archive.url)
        for n in sizes:
            products = _products(n)
            fetches, refetches = [], []
            for i in range(repeat):
                root = os.path.join(tmp, f"n{n}-{i}")
                # The lock count in the first run only (its stand-in costs a little).
                fetches.append(_timed_fetch(products, root, contention=i == 0))
                refetches.append(_timed_fetch(products, root))
                if fetches[-1]["downloaded"] != n or refetches[-1]["cached"] != n:
                    raise RuntimeError(f"N={n}: not every file downloaded, then cached")
                shutil.rmtree(root)
            out[n] = {"fetch": _median_row(fetches), "refetch": _median_row(refetches)}
            out[n]["fetch"].update(
                {k: fetches[0][k] for k in ("lock_acquired", "lock_waited")}
            )
            print(
                f"  N={n:>6}: fetch {out[n]['fetch']['seconds']:.2f} s, "
                f"re-fetch {out[n]['refetch']['seconds']:.3f} s",
                flush=True,
            )
    _MEASURED[key] = out
    return out


def _median_row(rows):
    return {k: statistics.median(r[k] for r in rows) for k in rows[0] if k != "lock_acquired"
            and k != "lock_waited"}


def bench_fetch_scaling(sizes, repeat):
    """Per-file cost and exponent of ``glue_mast.fetch`` of N files from the local archive
    (the SYNTHETIC collection), stat/unlink calls per file and the rename lock's contention."""
    measured = _measure_fetches(sizes, repeat)
    seconds = [measured[n]["fetch"]["seconds"] for n in sizes]
    return {
        "sizes": {n: measured[n]["fetch"] for n in sizes},
        "exponent": exponent(sizes, seconds),
    }


def bench_refetch_scaling(sizes, repeat):
    """Per-file cost of a re-fetch of N cached files, and its ratio to a fetch (target <= 10%)."""
    measured = _measure_fetches(sizes, repeat)
    seconds = [measured[n]["refetch"]["seconds"] for n in sizes]
    return {
        "sizes": {
            n: dict(
                measured[n]["refetch"],
                ratio=measured[n]["refetch"]["seconds"] / measured[n]["fetch"]["seconds"],
            )
            for n in sizes
        },
        "exponent": exponent(sizes, seconds),
    }


def fetch_lines(fetched, refetched):
    """The report of the fetch scaling, and whether every target is met."""
    ok = True
    lines = [
        f"{'N':>6} {'what':>8} {'seconds':>8} {'ms/file':>8} {'requests':>8} "
        f"{'stat/file':>9} {'(lstat)':>7} {'unlink/file':>11}"
    ]
    for what, measured in (("fetch", fetched), ("re-fetch", refetched)):
        for n, row in measured["sizes"].items():
            lines.append(
                f"{n:>6} {what:>8} {row['seconds']:8.3f} {row['ms_per_file']:8.3f} "
                f"{row['requests']:8.0f} {row['stat_per_file']:9.2f} "
                f"{row['lstat_per_file']:7.2f} {row['unlink_per_file']:11.2f}"
            )
    for what, measured in (("fetch", fetched), ("re-fetch", refetched)):
        good = measured["exponent"] <= TARGET_EXPONENT
        ok &= good
        lines.append(
            f"{what}: exponent {measured['exponent']:.2f} (target <= {TARGET_EXPONENT}: "
            f"linear) {'PASS' if good else 'FAIL'}"
        )
    for n, row in refetched["sizes"].items():
        good = row["ratio"] <= TARGET_REFETCH_RATIO and row["requests"] == 0
        ok &= good
        lines.append(
            f"re-fetch of {n} cached files: {100 * row['ratio']:.1f}% of a fetch, "
            f"{row['requests']:.0f} requests (target <= {100 * TARGET_REFETCH_RATIO:.0f}%, 0) "
            f"{'PASS' if good else 'FAIL'}"
        )
    # Calls per file: the slope of the count between the smallest and largest N, so that the
    # calls a fetch makes once (its manifest, its lock, the first request) are not counted
    # as if every file made them.
    for what, measured in (("fetch", fetched), ("re-fetch", refetched)):
        sizes = sorted(measured["sizes"])
        small, large = (measured["sizes"][n] for n in (sizes[0], sizes[-1]))
        slope = {
            key: (large[key] * sizes[-1] - small[key] * sizes[0]) / (sizes[-1] - sizes[0])
            for key in ("stat_per_file", "unlink_per_file")
        }
        good = max(slope.values()) <= TARGET_CALLS_PER_FILE
        ok &= good
        lines.append(
            f"{what}: {slope['stat_per_file']:.2f} stat/lstat and "
            f"{slope['unlink_per_file']:.2f} unlink calls per file (target <= "
            f"{TARGET_CALLS_PER_FILE} each) {'PASS' if good else 'FAIL'}"
        )
    for n, row in fetched["sizes"].items():
        acquired, waited = row.get("lock_acquired"), row.get("lock_waited")
        if acquired:
            lines.append(
                f"N={n}: the lock around renames waited on {waited} of {acquired} "
                f"acquisitions ({100 * waited / acquired:.1f}%)"
            )
    return lines, ok


# -- provenance per dataset at query sizes of 10, 1,000, 10,000 obsids ----------------------

#: A dataset's record is O(1) in its query's size when the fitted exponent is at most this.
PROVENANCE_EXPONENT = 0.1


def _provenance_inputs(n_obsids, n_datasets, folder):
    """A search, its product listing naming ``n_obsids`` observations, and a manifest of
    ``n_datasets`` files, each of one of those observations."""
    from pathlib import Path

    from glue_mast.provenance.manifest import Manifest

    search = {
        "service": "Mast.Caom.Filtered.Position",
        "target": "M8",
        "criteria_given": {"obs_collection": "IUE", "dataproduct_type": "spectrum"},
        "criteria_sent": {"obs_collection": ["IUE"], "dataproduct_type": ["spectrum"]},
        "coordinates": {"ra": 270.9, "dec": -24.38, "frame": "icrs"},
        "radius_deg": 0.2,
        "count": n_obsids,
        "rows": n_obsids,
    }
    listing = {
        "service": "Mast.Caom.Products",
        "obsids": [str(10_000_000 + i) for i in range(n_obsids)],
        "listed": 3 * n_obsids,
        "kept": n_obsids,
        "product_filter": {"calibrated_only": True, "mrp_only": True, "extension": "fits"},
    }
    manifest = Manifest(server="https://mast.stsci.edu", path=Path(folder) / "manifest.json")
    step = max(1, n_obsids // n_datasets)
    records = []
    for i in range(n_datasets):
        obsid = 10_000_000 + (i * step) % n_obsids
        records.append(
            manifest.add_dataset(
                {
                    "obs_collection": "IUE",
                    "obs_id": f"swp{i:05d}",
                    "obsid": str(obsid),
                    "dataURI": f"mast:IUE/url/pub/iue/data/swp{i:05d}mxlo_vo.fits",
                    "size": 12_000,
                    "sha256": "ab" * 32,
                    "path": Path(folder) / "IUE" / f"swp{i:05d}mxlo_vo.fits",
                }
            )
        )
    return [search, listing], manifest, records


def measure_provenance(n_obsids, n_datasets, repeat):
    """Bytes of one dataset's provenance record, seconds per dataset to make it (the way a
    load does: the load's queries indexed once, then each dataset's record), and seconds of
    that index, once per load."""
    import tempfile

    from glue_mast.provenance import describe, selection

    index_of = getattr(selection, "QueryIndex", None)  # None: glue-mast before queries-once
    with tempfile.TemporaryDirectory() as folder:
        queries, manifest, records = _provenance_inputs(n_obsids, n_datasets, folder)
        per_dataset, per_load, sizes = [], [], []
        for _ in range(repeat):
            start = time.perf_counter()
            index = index_of(queries) if index_of is not None else queries
            per_load.append(time.perf_counter() - start)
            start = time.perf_counter()
            metas = [
                describe.provenance(r, manifest=manifest, label=r["obs_id"], queries=index)
                for r in records
            ]
            per_dataset.append((time.perf_counter() - start) / n_datasets)
            sizes = [len(json.dumps(m)) for m in metas]
    return {
        "bytes": statistics.mean(sizes),
        "seconds": statistics.median(per_dataset),
        "index_seconds": statistics.median(per_load),
    }


def bench_provenance_scaling(sizes, repeat, results=None, n_datasets=100):
    """Provenance bytes and time per dataset at each query size (obsids); prints them, the
    fitted exponents and PASS when both are O(1). Puts the measures in
    ``results["provenance"]``; returns whether both are O(1)."""
    rows = {n: measure_provenance(n, n_datasets, repeat) for n in sizes}
    print(f"{'obsids':>7} {'bytes/dataset':>14} {'ms/dataset':>11} {'index ms/load':>14}")
    for n, row in rows.items():
        print(
            f"{n:>7} {row['bytes']:14,.0f} {1000 * row['seconds']:11.3f}"
            f" {1000 * row['index_seconds']:14.3f}"
        )
    ok = True
    for what in ("bytes", "seconds"):
        slope = exponent(sizes, [rows[n][what] for n in sizes])
        passed = slope <= PROVENANCE_EXPONENT
        ok &= passed
        print(
            f"provenance {what} per dataset: exponent {slope:.3f} in the query's size"
            f" (target O(1): <= {PROVENANCE_EXPONENT}) {'PASS' if passed else 'FAIL'}"
        )
    if results is not None:
        results["provenance"] = rows
    return ok


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--spectra", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--baseline", type=int, default=100, help="M for glue-core's own")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--files", type=int, nargs="+", default=[100, 1000, 10000],
                        help="N for the fetch and re-fetch scaling")
    parser.add_argument("--quick", action="store_true",
                        help="smaller sizes: --spectra 50 200 --files 50 200 1000 --repeat 1")
    parser.add_argument("--only", choices=("spectra", "fetch", "provenance"),
                        help="measure only the linked spectra, the fetch, or the provenance")
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    if args.quick:
        args.spectra, args.files, args.repeat = [50, 200], [50, 200, 1000], 1
    sizes = sorted(args.spectra)
    results = {"spectra": {}, "glue_core": None, "fetch": None, "refetch": None}
    ok = True
    if args.only in (None, "spectra"):
        ok &= spectra_report(args, sizes, results)
    if args.only in (None, "fetch"):
        files = sorted(args.files)
        print(f"fetch and re-fetch of N files (one FITS block each), N = {files}:", flush=True)
        results["fetch"] = bench_fetch_scaling(files, args.repeat)
        results["refetch"] = bench_refetch_scaling(files, args.repeat)
        lines, fetch_ok = fetch_lines(results["fetch"], results["refetch"])
        ok &= fetch_ok
        for line in lines:
            print(line)
    if args.only in (None, "provenance"):
        ok &= bench_provenance_scaling([10, 1000, 10000], args.repeat, results)
    if args.json:
        with open(args.json, "w") as out:
            json.dump(results, out, indent=2, default=str)
    return 0 if ok else 1


def spectra_report(args, sizes, results):
    """Measure and print the linked spectra's costs; whether their targets are met."""
    ok = True
    for m in sizes:
        results["spectra"][m] = measure_spectra(m, args.repeat)
    results["glue_core"] = {args.baseline: measure_spectra(args.baseline, 1, glue_core=True)}
    print(f"{'M':>6} {'what':>9} {'seconds':>9} {'ms/dataset':>11}")
    for m in sizes:
        for what, seconds in results["spectra"][m].items():
            print(f"{m:>6} {what:>9} {seconds:9.3f} {1000 * seconds / m:11.3f}")
    for m, row in results["glue_core"].items():
        for what, seconds in row.items():
            print(f"{m:>6} {what:>9} {seconds:9.3f} {1000 * seconds / m:11.3f}  (glue-core's own)")
    for what in ("update", "save", "restore"):
        seconds = [results["spectra"][m][what] for m in sizes]
        ratio = (seconds[-1] / sizes[-1]) / (seconds[0] / sizes[0])
        verdict = "PASS" if ratio <= TARGET_RATIO else "FAIL"
        ok &= ratio <= TARGET_RATIO
        print(
            f"{what}: per-dataset cost at M={sizes[-1]} is {ratio:.2f}x that at M={sizes[0]}"
            f" (exponent {exponent(sizes, seconds):.2f}; target <= {TARGET_RATIO}x) {verdict}"
        )
        base = results["glue_core"].get(sizes[0], {}).get(what)
        if base:
            print(f"  glue-core's own at M={sizes[0]}: {base / seconds[0]:.1f}x glue-mast's")
    return ok


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as exc:  # a broken run, not a missed target
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
