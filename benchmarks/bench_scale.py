"""Benchmark: survey scale -- costs per item and fitted exponents as the work grows.

Targets (from the issue):

- M linked spectra: glue's link-manager update and the session save at M = 1,000 each within
  2x of 100 spectra's per-dataset cost times 10 (so a fitted exponent of at most 1.3);
- fetch and re-fetch of N = 100, 1,000, 10,000 files: linear; a re-fetch of cached files at
  most 10% of a fetch (:func:`bench_fetch_scaling`, :func:`bench_refetch_scaling`: to be
  filled in).

Run it from the repository root::

    python benchmarks/bench_scale.py [--spectra 100 1000] [--repeat 3] [--json results.json]

glue-core's own update and save are measured in the same run at M = 100 (glue-mast's
replacements off), as the baseline. Exit status: 0 if every target is met, 1 if one is
missed, 2 on an error.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
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
    update of the linked collection, and one session save (GlueSerializer.dumps)."""
    from glue.core import DataCollection
    from glue.core.state import GlueSerializer

    from glue_mast.config import conf
    from glue_mast.glue import link_discovery
    from glue_mast.glue.links import link_datasets

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
            GlueSerializer(dc, include_data=False).dumps()
            saves.append(time.perf_counter() - start)
    link_discovery.install()
    return {
        "link+add": load, "update": statistics.median(updates), "save": statistics.median(saves)
    }


def exponent(sizes, seconds):
    """The slope of log(seconds) against log(size) between the smallest and largest size."""
    return math.log(seconds[-1] / seconds[0]) / math.log(sizes[-1] / sizes[0])


# -- fetch and re-fetch at N = 100, 1,000, 10,000 files: to be filled in -------------------


def bench_fetch_scaling(sizes, repeat):
    """Per-file cost and exponent of ``glue_mast.fetch`` of N files from the local archive
    (the SYNTHETIC collection). Not measured yet: returns None."""
    return None


def bench_refetch_scaling(sizes, repeat):
    """Per-file cost of a re-fetch of N cached files, and its ratio to a fetch (target <= 10%).
    Not measured yet: returns None."""
    return None


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
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    sizes = sorted(args.spectra)
    results = {"spectra": {}, "glue_core": None, "fetch": None, "refetch": None}
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
    for what in ("update", "save"):
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
    results["fetch"] = bench_fetch_scaling([100, 1000, 10000], args.repeat)
    results["refetch"] = bench_refetch_scaling([100, 1000, 10000], args.repeat)
    if results["fetch"] is None:
        print("fetch / re-fetch scaling: not measured yet (bench_fetch_scaling)")
    ok &= bench_provenance_scaling([10, 1000, 10000], args.repeat, results)
    if args.json:
        with open(args.json, "w") as out:
            json.dump(results, out, indent=2, default=str)
    return 0 if ok else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as exc:  # a broken run, not a missed target
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
