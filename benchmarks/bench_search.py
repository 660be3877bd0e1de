"""Benchmark: glue-mast's first page against astroquery fetching every row, on the local archive.

The target (from the issue): on the local archive with 100 ms latency per request, against
astroquery in the same run,

- the first page of a 100,000-row result arrives at least 20x sooner than astroquery's
  ``Observations.query_criteria`` returns all rows;
- glue-mast's memory growth is the same for 10,000 and 100,000 total rows.

Run it from the repository root::

    python benchmarks/bench_search.py [--latency 0.1] [--repeat 3] [--json results.json]

The archive runs in a subprocess (``benchmarks/_archive.py``), so its memory and CPU are not the
client's. Each memory measurement runs in a fresh subprocess of this script
(``--measure-memory``), so no measurement inherits another's heap. See benchmarks/README.md.

Exit status: 0 if every target is met, 1 if one is missed, 2 on error.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import statistics
import subprocess
import sys
import time
import warnings

COLLECTION = "SYNTHETIC"
PAGE_SIZE = 50
#: Total rows -> criteria selecting exactly that many rows of the synthetic collection.
TOTALS = {
    10_000: {"obs_collection": COLLECTION, "sequence_number": 0},
    100_000: {"obs_collection": COLLECTION},
}
#: A one-row query of the same shape, run before a memory measurement so that the measured
#: call does not pay for first-use imports, caches and the column config.
WARMUP_CRITERIA = {"obs_collection": COLLECTION, "obs_id": "syn000001"}
SIDES = ("glue-mast", "astroquery")
PROBES = ("tracemalloc", "rss")

TARGET_SPEEDUP = 20.0
MEMORY_RATIO_RANGE = (0.8, 1.25)
#: Per-request timeout given to glue-mast and astroquery. astroquery also applies it to a
#: whole paged query (PortalAPI.TIMEOUT), and fetching every row may take a while.
CLIENT_TIMEOUT = 900.0
MB = 1e6


# -- shared -------------------------------------------------------------------------------


def _point_clients_at(url):
    """Point glue-mast and astroquery (every singleton and class attribute) at ``url``."""
    import glue_mast

    glue_mast.configure(server=url, timeout=CLIENT_TIMEOUT)
    from glue_mast.archive import astroquery_adapter as adapter

    adapter.apply()


def _clear_column_configs():
    from astroquery.mast.discovery_portal import PortalAPI

    PortalAPI._column_configs.clear()


def _glue_mast_first_page(criteria):
    import glue_mast

    return glue_mast.search(**criteria).page(1, size=PAGE_SIZE)


def _glue_mast_count_and_page(criteria):
    import glue_mast

    q = glue_mast.search(**criteria)
    count = q.count
    page = q.page(1, size=PAGE_SIZE)
    return count, page


def _astroquery_all_rows(criteria):
    from astroquery.mast import Observations

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = Observations.query_criteria(**criteria)
    return len(table), table


class _Traffic:
    """Counts the requests and response bytes of astroquery's (shared) MAST session."""

    def __init__(self):
        from astroquery.mast import Observations

        self.requests = 0
        self.bytes = 0
        Observations._session.hooks["response"].append(self._hook)

    def _hook(self, response, *args, **kwargs):
        self.requests += 1
        self.bytes += int(response.headers.get("Content-Length") or 0)

    def reset(self):
        self.requests = 0
        self.bytes = 0


def _status_kib(*keys):
    """Fields of /proc/self/status in bytes (Linux); None where unavailable."""
    found = dict.fromkeys(keys)
    with contextlib.suppress(OSError), open("/proc/self/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in found:
                found[key] = int(value.split()[0]) * 1024
    return found


def _reset_peak_rss():
    """Reset VmHWM to the current RSS (Linux >= 4.0); False if not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return False
    return True


# -- timing -------------------------------------------------------------------------------


def _timed(func, archive, traffic):
    _clear_column_configs()  # both sides pay the column-config round trip
    gc.collect()
    traffic.reset()
    archive_cpu = archive.cpu_seconds()
    cpu = time.process_time()
    start = time.perf_counter()
    result = func()
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu
    archive.check()
    run = {
        "wall_s": wall,
        "client_cpu_s": cpu,
        "archive_cpu_s": (archive.cpu_seconds() - archive_cpu if archive_cpu is not None else None),
        "requests": traffic.requests,
        "response_bytes": traffic.bytes,
    }
    return run, result


def run_timing(archive, repeat, log):
    _point_clients_at(archive.url)
    traffic = _Traffic()
    criteria = TOTALS[100_000]

    def glue_mast_run():
        page = _glue_mast_first_page(criteria)
        if len(page) != PAGE_SIZE or page.meta.get("count") != 100_000:
            raise RuntimeError(
                f"glue-mast's first page has {len(page)} rows of {page.meta.get('count')}; "
                f"expected {PAGE_SIZE} of 100,000"
            )
        return page

    def astroquery_run():
        n, table = _astroquery_all_rows(criteria)
        if n != 100_000:
            raise RuntimeError(f"astroquery returned {n:,} rows; expected 100,000")
        return table

    # Untimed: fills the archive's column caches and imports the client's modules.
    warm, _ = _timed(glue_mast_run, archive, traffic)
    log(f"  warm-up (glue-mast first page, untimed): {warm['wall_s']:.2f} s")

    runs = {"glue-mast": [], "astroquery": []}
    for i in range(1, repeat + 1):
        # Interleaved, so that both sides see the machine in the same state.
        for side, func in (("glue-mast", glue_mast_run), ("astroquery", astroquery_run)):
            run, result = _timed(func, archive, traffic)
            del result
            runs[side].append(run)
            log(
                f"  run {i}/{repeat} {side:<10}: {run['wall_s']:7.2f} s wall, "
                f"{run['requests']} requests, {run['response_bytes'] / MB:,.2f} MB received, "
                f"client CPU {run['client_cpu_s']:.2f} s, archive CPU "
                f"{_fmt(run['archive_cpu_s'], '.2f')} s"
            )

    def median(side, key):
        values = [r[key] for r in runs[side]]
        return None if None in values else statistics.median(values)

    gm = median("glue-mast", "wall_s")
    aq = median("astroquery", "wall_s")
    ratio = aq / gm
    return {
        "warmup": warm,
        "runs": runs,
        "glue_mast_median_s": gm,
        "astroquery_median_s": aq,
        "ratio": ratio,
        "target": TARGET_SPEEDUP,
        "pass": ratio >= TARGET_SPEEDUP,
        "medians": {
            side: {
                key: median(side, key)
                for key in ("wall_s", "client_cpu_s", "archive_cpu_s", "requests", "response_bytes")
            }
            for side in SIDES
        },
    }


# -- memory -------------------------------------------------------------------------------


def measure_memory(side, total, probe, url):
    """In this (fresh) process: the memory growth of one call. Returns a dict."""
    _point_clients_at(url)
    import tracemalloc

    call = _glue_mast_count_and_page if side == "glue-mast" else _astroquery_all_rows
    call(WARMUP_CRITERIA)  # imports, first-use caches and the column config
    gc.collect()

    before = _status_kib("VmRSS")["VmRSS"]
    hwm_reset = _reset_peak_rss()
    if probe == "tracemalloc":
        tracemalloc.start()
    start = time.perf_counter()
    count, result = call(TOTALS[total])
    wall = time.perf_counter() - start
    peak = None
    if probe == "tracemalloc":
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    after = _status_kib("VmRSS", "VmHWM")
    rows = len(result)
    del result
    if count != total:
        raise RuntimeError(f"{side} saw {count:,} rows; expected {total:,}")
    rss_peak = None
    if before is not None and after["VmHWM"] is not None:
        high = after["VmHWM"] if hwm_reset else max(after["VmHWM"], after["VmRSS"])
        rss_peak = high - before
    return {
        "side": side,
        "total": total,
        "probe": probe,
        "rows_returned": rows,
        "wall_s": wall,
        "tracemalloc_peak_bytes": peak,
        "rss_before_bytes": before,
        "rss_peak_growth_bytes": rss_peak,
        "rss_retained_growth_bytes": (
            after["VmRSS"] - before if before is not None and after["VmRSS"] else None
        ),
        "peak_rss_reset": hwm_reset,
    }


def _memory_subprocess(side, total, probe, url):
    cmd = [
        sys.executable,
        os.path.abspath(__file__),
        "--measure-memory",
        side,
        str(total),
        "--probe",
        probe,
        "--url",
        url,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(
            f"memory probe {side} {total} {probe} failed (exit {done.returncode}):\n"
            f"{done.stderr.strip()}"
        )
    return json.loads(lines[-1])


def run_memory(archive, log):
    results = {side: {} for side in SIDES}
    for side in SIDES:
        for total in TOTALS:
            merged = {}
            for probe in PROBES:
                m = _memory_subprocess(side, total, probe, archive.url)
                archive.check()
                if probe == "tracemalloc":
                    merged["tracemalloc_peak_bytes"] = m["tracemalloc_peak_bytes"]
                    merged["wall_s_under_tracemalloc"] = m["wall_s"]
                else:
                    merged.update(
                        {k: v for k, v in m.items() if k.startswith(("rss", "peak_rss"))},
                        wall_s=m["wall_s"],
                        rows_returned=m["rows_returned"],
                    )
            results[side][total] = merged
            log(
                f"  {side:<10} {total:>7,} rows: tracemalloc peak "
                f"{_mb(merged['tracemalloc_peak_bytes'])}, RSS peak growth "
                f"{_mb(merged['rss_peak_growth_bytes'])} (retained "
                f"{_mb(merged['rss_retained_growth_bytes'])}), call {merged['wall_s']:.2f} s"
            )

    small, large = TOTALS
    summary = {}
    for side in SIDES:
        r = results[side]
        ratios = {}
        for key in ("tracemalloc_peak_bytes", "rss_peak_growth_bytes"):
            a, b = r[small].get(key), r[large].get(key)
            ratios[key] = b / a if a and b is not None else None
        summary[side] = {"by_total": r, "ratios": ratios}
    gm = summary["glue-mast"]["ratios"]["tracemalloc_peak_bytes"]
    lo, hi = MEMORY_RATIO_RANGE
    summary["glue-mast"]["pass"] = gm is not None and lo <= gm <= hi
    summary["target_range"] = MEMORY_RATIO_RANGE
    return summary


# -- report -------------------------------------------------------------------------------


def _fmt(value, spec):
    return "n/a" if value is None else format(value, spec)


def _mb(value):
    if value is None:
        return "n/a"
    return f"{value / MB:,.2f} MB" if abs(value) < 10 * MB else f"{value / MB:,.1f} MB"


def _ratio(value):
    return "n/a" if value is None else f"{value:.2f}"


def summary_lines(results):
    lines = [
        "== glue-mast search benchmark ==",
        f"command: {results['command']}",
        f"archive: local archive in a subprocess, {results['latency_s']:g} s latency per "
        f"request, {COLLECTION} collection of 100,000 rows",
        f"machine: {results['machine']}",
    ]
    t = results.get("timing")
    if t:
        gm, aq = t["medians"]["glue-mast"], t["medians"]["astroquery"]

        def runs(side):
            return ", ".join(f"{r['wall_s']:.2f}" for r in t["runs"][side])

        lines += [
            f"first page (glue-mast) median: {t['glue_mast_median_s']:.2f} s "
            f"(runs {runs('glue-mast')} s; {gm['requests']:g} requests, "
            f"{gm['response_bytes'] / MB:,.2f} MB received)",
            f"all rows (astroquery) median: {t['astroquery_median_s']:.2f} s "
            f"(runs {runs('astroquery')} s; {aq['requests']:g} requests, "
            f"{aq['response_bytes'] / MB:,.1f} MB received; per run: client CPU "
            f"{_fmt(aq['client_cpu_s'], '.1f')} s, "
            f"archive CPU {_fmt(aq['archive_cpu_s'], '.1f')} s)",
            f"ratio astroquery/glue-mast: {t['ratio']:.1f}x (target >= {t['target']:g}x): "
            f"{'PASS' if t['pass'] else 'FAIL'}",
        ]
    m = results.get("memory")
    if m:
        small, large = TOTALS
        lo, hi = m["target_range"]
        for side, what in (
            ("glue-mast", f"search + count + page 1 of {PAGE_SIZE}"),
            ("astroquery", "query_criteria, all rows"),
        ):
            r, ratios = m[side]["by_total"], m[side]["ratios"]
            key = "tracemalloc_peak_bytes"
            if side == "glue-mast":
                verdict = f"(target {lo:g}-{hi:g}): {'PASS' if m[side]['pass'] else 'FAIL'}"
            else:
                verdict = "(expected ~10: grows with the rows)"
            lines.append(
                f"memory growth {side} ({what}), tracemalloc peak: 10k {_mb(r[small][key])}, "
                f"100k {_mb(r[large][key])}, ratio {_ratio(ratios[key])} {verdict}"
            )
            key = "rss_peak_growth_bytes"
            lines.append(
                f"    RSS peak growth (info; moves in whole pages, noisy below ~1 MB): "
                f"10k {_mb(r[small][key])}, 100k {_mb(r[large][key])}, "
                f"ratio {_ratio(ratios[key])}"
            )
    lines.append(f"overall: {'PASS' if results['pass'] else 'FAIL'}")
    lines.append(f"total run time: {results['total_s']:.0f} s")
    return lines


# -- main ---------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="glue-mast's first page vs astroquery's query_criteria (all rows), "
        "time and memory, on the local archive."
    )
    parser.add_argument(
        "--latency", type=float, default=0.1, help="seconds the archive adds to every request"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="timed runs of each side (median reported)"
    )
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    parser.add_argument("--skip-timing", action="store_true", help="measure memory only")
    parser.add_argument("--skip-memory", action="store_true", help="measure time only")
    # Internal: one memory measurement in a fresh process, printed as a JSON line.
    parser.add_argument("--measure-memory", nargs=2, metavar=("SIDE", "TOTAL"), help="internal")
    parser.add_argument("--probe", choices=PROBES, default="tracemalloc", help="internal")
    parser.add_argument("--url", help="internal: archive URL for --measure-memory")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.measure_memory:
        side, total = args.measure_memory
        if side not in SIDES or not total.isdigit() or int(total) not in TOTALS:
            parser.error(f"--measure-memory takes one of {SIDES} and one of {tuple(TOTALS)}")
        if not args.url:
            parser.error("--measure-memory needs --url")
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.measure_memory:
        side, total = args.measure_memory
        print(json.dumps(measure_memory(side, int(total), args.probe, args.url)), flush=True)
        return 0

    from _archive import begin_run, local_archive, log, report

    started = time.perf_counter()
    results = begin_run(argv, latency_s=args.latency, repeat=args.repeat)
    with local_archive(latency=args.latency) as archive:
        log(f"local archive {archive.url} (pid {archive.pid}), latency {args.latency:g} s")
        if not args.skip_timing:
            log(f"timing: {args.repeat} run(s) of each side, interleaved")
            results["timing"] = run_timing(archive, args.repeat, log)
        if not args.skip_memory:
            log("memory: each call in a fresh process, after a one-row warm-up")
            results["memory"] = run_memory(archive, log)
        results["archive_cpu_s"] = archive.cpu_seconds()
        results["archive_rss_bytes"] = archive.rss_bytes()
    verdicts = [results[k]["pass"] for k in ("timing",) if k in results]
    if "memory" in results:
        verdicts.append(results["memory"]["glue-mast"]["pass"])
    results["pass"] = all(verdicts)
    results["total_s"] = time.perf_counter() - started

    return report(results, summary_lines(results), args.json)


if __name__ == "__main__":
    from _archive import run_benchmark

    run_benchmark(main)
