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
