"""Benchmark: loading fetched spectra into glue, and a session of them, against the readers.

The target (from the issue): for 20 spectra fetched from the local archive,

- ``glue_mast.load`` into a new glue ``DataCollection``, labelled and linked, costs at most
  1.3x reading the same files with glue-mast's readers alone (``glue_mast.io.read``);
- ``glue_mast.save_session`` plus ``glue_mast.restore_session`` of those datasets costs at
  most 2x that load.

Run it from the repository root::

    python benchmarks/bench_load.py [--repeat 5] [--json results.json] [--profile]

The files are fetched once, untimed, from the local archive running in a subprocess
(``benchmarks/_archive.py``), which is then stopped; everything timed runs in this process,
warm (after one untimed round of each side), from files in the page cache. See
benchmarks/README.md.

Exit status: 0 if every target is met, 1 if one is missed, 2 on error.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

N_FILES = 20
#: The observations whose products are searched: MAST's 1-D spectra of the local archive.
CRITERIA = {"dataproduct_type": "spectrum", "obs_collection": ["HST", "IUE", "FUSE", "JWST"]}
#: JWST's 2-D spectra, cubes and images, which glue-mast does not load into glue (each would
#: be a problem); the benchmark times 1-D spectra.
NOT_1D = ("_s2d.fits", "_s3d.fits", "_i2d.fits")
TARGET_LOAD_RATIO = 1.3
TARGET_SESSION_RATIO = 2.0
SIDES = ("readers", "load", "session")
MB = 1e6


# -- the files -----------------------------------------------------------------------------


def fetch_spectra(url, token, folder, log):
    """Fetch the first ``N_FILES`` 1-D spectral products (by file name) into ``folder``.

    Some are exclusive-access: the archive's token is given to the fetch.
    """
    import numpy as np

    import glue_mast

    glue_mast.configure(server=url)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        observations = glue_mast.search(**CRITERIA).all()
        # Every calibrated spectral product, not only MAST's recommended ones: the benchmark
        # measures loading twenty files (the x1d beside each COS x1dsum among them), and the
        # recommended subset of the local archive holds fewer than twenty.
        products = glue_mast.products(observations, mrp_only=False)
    names = [str(n) for n in products["productFilename"]]
    keep = np.array([not n.endswith(NOT_1D) for n in names], dtype=bool)
    products = products[keep]
    products.sort("productFilename")
    if len(products) < N_FILES:
        raise RuntimeError(
            f"the local archive lists {len(products)} 1-D spectral products for {CRITERIA}; "
            f"the benchmark needs {N_FILES}"
        )
    products = products[:N_FILES]
    result = glue_mast.fetch(products, folder, token=token)
    if len(result.paths) != N_FILES or result.failed or result.skipped:
        raise RuntimeError(f"the fetch did not bring the {N_FILES} files: {result}")
    size = sum(Path(p).stat().st_size for p in result.paths)
    log(
        f"  fetched {len(result.paths)} files ({size / MB:.2f} MB) into {folder}: "
        + ", ".join(sorted(Path(p).name for p in result.paths))
    )
    return result.manifest.path, sorted(Path(p) for p in result.paths), size


# -- the three sides -------------------------------------------------------------------------


def readers(paths):
    """The readers alone: ``glue_mast.io.read`` of every file; the number of parts read."""
    from glue_mast.io import read

    return sum(len(read(path)) for path in paths)


def load(manifest):
    """``glue_mast.load`` of the manifest's files into a new DataCollection, linked."""
    from glue.core import DataCollection

    import glue_mast

    dc = DataCollection()
    loaded = glue_mast.load(manifest, dc)
    return dc, loaded


def session(dc, path):
    """``save_session`` and ``restore_session``; (restored collection, save s, restore s)."""
    import glue_mast

    start = time.perf_counter()
    glue_mast.save_session(dc, path)
    saved = time.perf_counter()
    restored = glue_mast.restore_session(path)
    return restored, saved - start, time.perf_counter() - saved


def _timed(func, *args):
    gc.collect()
    cpu = time.process_time()
    start = time.perf_counter()
    out = func(*args)
    wall = time.perf_counter() - start
    return {"wall_s": wall, "cpu_s": time.process_time() - cpu}, out


def load_breakdown(manifest):
    """One load in its parts, in its order: reading into glue Data, making the links between
    them, adding them (where glue's link manager works out what each dataset derives)."""
    from glue.core import DataCollection

    from glue_mast.glue.links import link_datasets
    from glue_mast.glue.loading import add_datasets, read_datasets

    gc.collect()
    t0 = time.perf_counter()
    read = read_datasets(manifest)
    t1 = time.perf_counter()
    dc = DataCollection()
    links = link_datasets(dc, adding=read.datasets)
    t2 = time.perf_counter()
    add_datasets(read, dc, link=False)
    t3 = time.perf_counter()
    return {
        "read_datasets_s": t1 - t0,
        "link_s": t2 - t1,
        "add_s": t3 - t2,
        "links": len(links),
    }


def check_load(dc, loaded, parts):
    if loaded.problems:
        raise RuntimeError(f"load reported problems: {[str(p) for p in loaded.problems]}")
    if len(loaded) != parts or len(dc) != parts:
        raise RuntimeError(f"load gave {len(loaded)} datasets; the readers read {parts} parts")
    if len(loaded.links) != parts - 1:
        raise RuntimeError(f"load made {len(loaded.links)} links; expected {parts - 1}")


def check_restored(restored, dc):
    labels = sorted(d.label for d in restored)
    if labels != sorted(d.label for d in dc):
        raise RuntimeError("the restored session does not hold the saved datasets")
    if len(restored.external_links) != len(dc.external_links):
        raise RuntimeError(
            f"the restored session has {len(restored.external_links)} links; "
            f"{len(dc.external_links)} were saved"
        )


def run_timing(manifest, paths, session_path, repeat, log):
    # Untimed: imports (specutils, glue, the readers), astropy's unit and registry caches.
    warm_start = time.perf_counter()
    parts = readers(paths)
    dc, loaded = load(manifest)
    check_load(dc, loaded, parts)
    restored, _, _ = session(dc, session_path)
    check_restored(restored, dc)
    log(
        f"  warm-up (one untimed round of each side): {time.perf_counter() - warm_start:.2f} s; "
        f"{parts} datasets from {len(paths)} files"
    )
    del dc, loaded, restored

    runs = {side: [] for side in SIDES}
    breakdowns = []
    for i in range(1, repeat + 1):
        # Interleaved, so that the sides see the machine in the same state.
        r, n = _timed(readers, paths)
        if n != parts:
            raise RuntimeError(f"the readers read {n} parts; the warm-up read {parts}")
        runs["readers"].append(r)
        r, (dc, loaded) = _timed(load, manifest)
        check_load(dc, loaded, parts)
        runs["load"].append(r)
        r, (restored, save_s, restore_s) = _timed(session, dc, session_path)
        check_restored(restored, dc)
        r.update(save_s=save_s, restore_s=restore_s)
        runs["session"].append(r)
        breakdowns.append(load_breakdown(manifest))
        del dc, loaded, restored
        log(
            f"  run {i}/{repeat}: readers {runs['readers'][-1]['wall_s']:.3f} s, load "
            f"{runs['load'][-1]['wall_s']:.3f} s, save + restore {r['wall_s']:.3f} s "
            f"(save {save_s:.3f}, restore {restore_s:.3f})"
        )

    def med(side, key="wall_s"):
        return statistics.median(run[key] for run in runs[side])

    def med_breakdown(key):
        return statistics.median(b[key] for b in breakdowns)

    medians = {side: {k: med(side, k) for k in runs[side][0]} for side in SIDES}
    load_ratio = medians["load"]["wall_s"] / medians["readers"]["wall_s"]
    session_ratio = medians["session"]["wall_s"] / medians["load"]["wall_s"]
    return {
        "files": len(paths),
        "datasets": parts,
        "runs": runs,
        "medians": medians,
        "load_ratio": load_ratio,
        "load_ratio_cpu": medians["load"]["cpu_s"] / medians["readers"]["cpu_s"],
        "load_pass": load_ratio <= TARGET_LOAD_RATIO,
        "session_ratio": session_ratio,
        "session_ratio_cpu": medians["session"]["cpu_s"] / medians["load"]["cpu_s"],
        "session_pass": session_ratio <= TARGET_SESSION_RATIO,
        "load_breakdown": {
            "runs": breakdowns,
            "medians": {k: med_breakdown(k) for k in breakdowns[0]},
        },
        "pass": load_ratio <= TARGET_LOAD_RATIO and session_ratio <= TARGET_SESSION_RATIO,
    }


def profile(manifest, session_path, log, top=25):
    """cProfile of one load and one save + restore (the warm-up has run)."""
    import cProfile
    import io
    import pstats

    for what, func in (
        ("load", lambda: load(manifest)),
        ("save + restore", lambda: session(load(manifest)[0], session_path)),
    ):
        profiler = cProfile.Profile()
        profiler.enable()
        func()
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
        log(f"-- cProfile of one {what} (cumulative, top {top}) --")
        for line in out.getvalue().splitlines():
            if line.strip():
                log(line)


# -- report --------------------------------------------------------------------------------


def _verdict(ok):
    return "PASS" if ok else "FAIL"


def _runs(t, side):
    return ", ".join(f"{r['wall_s']:.3f}" for r in t["runs"][side])


def summary_lines(results):
    t = results["timing"]
    m = t["medians"]
    b = t["load_breakdown"]["medians"]
    lines = [
        "== glue-mast load benchmark ==",
        f"command: {results['command']}",
        f"machine: {results['machine']}",
        f"files: {t['files']} 1-D spectra fetched once from the local archive "
        f"({results['file_bytes'] / MB:.2f} MB), {t['datasets']} datasets (COS segments, STIS "
        f"orders...); timed warm, in one process, after one untimed round of each side",
        f"readers alone (glue_mast.io.read of each file) median: {m['readers']['wall_s']:.3f} s "
        f"(runs {_runs(t, 'readers')} s; CPU {m['readers']['cpu_s']:.3f} s)",
        f"load (glue_mast.load into a new DataCollection, linked) median: "
        f"{m['load']['wall_s']:.3f} s (runs {_runs(t, 'load')} s; CPU {m['load']['cpu_s']:.3f} s)",
        f"  of a load, separately timed (medians): reading into glue Data "
        f"{b['read_datasets_s']:.3f} s, making {b['links']} links {b['link_s']:.3f} s, adding "
        f"to the collection (glue's link manager) {b['add_s']:.3f} s",
        f"ratio load/readers: {t['load_ratio']:.2f}x (CPU {t['load_ratio_cpu']:.2f}x; target "
        f"<= {TARGET_LOAD_RATIO:g}x): {_verdict(t['load_pass'])}",
        f"  where a load's time goes, against the readers: reading into glue Data "
        f"{b['read_datasets_s'] / m['readers']['wall_s']:.2f}x the readers (the readers plus glue "
        f"Data, labels, provenance), linking and adding "
        f"{(b['link_s'] + b['add_s']) / m['readers']['wall_s']:.2f}x",
        f"save_session + restore_session median: {m['session']['wall_s']:.3f} s (runs "
        f"{_runs(t, 'session')} s; save {m['session']['save_s']:.3f} s, restore "
        f"{m['session']['restore_s']:.3f} s; CPU {m['session']['cpu_s']:.3f} s)",
        f"ratio (save + restore)/load: {t['session_ratio']:.2f}x (CPU "
        f"{t['session_ratio_cpu']:.2f}x; target <= {TARGET_SESSION_RATIO:g}x): "
        f"{_verdict(t['session_pass'])}",
        f"overall: {_verdict(results['pass'])}",
        f"total run time: {results['total_s']:.0f} s",
    ]
    return lines


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="glue_mast.load of 20 fetched spectra vs the readers alone, and a session "
        "save + restore vs the load."
    )
    parser.add_argument("--repeat", type=int, default=5, help="timed runs (median reported)")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    parser.add_argument(
        "--profile", action="store_true", help="also print a cProfile of one load and session"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def main(argv=None):
    args = parse_args(argv)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from _archive import begin_run, local_archive, log, report

    started = time.monotonic()
    results = begin_run(argv, repeat=args.repeat)
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench_load-")))
        analysis = tmp / "analysis"
        log("fetching the files (untimed):")
        with local_archive(latency=0) as archive:
            manifest, paths, size = fetch_spectra(
                archive.url, archive.token, analysis / "mast_data", log
            )
        results["file_bytes"] = size
        results["files"] = [p.name for p in paths]
        session_path = analysis / "analysis.glu"
        log(f"timing: {args.repeat} run(s) of each side, interleaved:")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the readers' astropy unit warnings
            results["timing"] = run_timing(manifest, paths, session_path, args.repeat, log)
            if args.profile:
                profile(manifest, session_path, log)
    results["pass"] = results["timing"]["pass"]
    results["total_s"] = time.monotonic() - started
    return report(results, summary_lines(results), args.json, log)


if __name__ == "__main__":
    from _archive import run_benchmark

    run_benchmark(main)
