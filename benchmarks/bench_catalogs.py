"""The first page of a 100,000-row catalog answer: one round trip + 50 ms, memory flat.

Against the local archive in its own process (``_archive.py``), with ``--latency`` added to
every request:

- **baseline**, measured in the same run: the wall time of the same call for an answer of
  about 1,000 rows (a smaller cone in the same field): one round trip carrying the same
  100-row page, so that the difference is what the answer's size costs;
- **glue-mast**: the wall time of ``catalog_search("TIC", coordinates=<the synthetic field>,
  radius="0.3 deg").page(1, size=100)``, an answer of 100,000 rows.

Target: glue-mast's median <= the baseline's median + 50 ms, and exactly one request (the
archive's request log, read back) for every timed first page: both are part of the pass.
Both sides run after one warm-up query, which fetches MAST's column list of the TIC cone
service (astroquery does so once per process and service).

**Memory** (`tracemalloc` peak of the same ``page(1, size=100)`` call) for the same two answers
(about 1,000 and 100,000 rows): flat if the larger answer's peak is at most 1.5 times the
smaller's (only the page travels and is parsed).
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
import tracemalloc

SLACK_S = 0.050


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.1, help="seconds added per request")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each side")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def _radius_for(rows, total, field_radius):
    # Stars are uniform over the field's disk: a cone of r holds total * (r / R)**2 of them.
    return field_radius * math.sqrt(rows / total)


def run(archive, latency, repeat, log):
    import glue_mast
    from glue_mast.testing.sky_catalogs import (
        SYNTHETIC_FIELD,
        SYNTHETIC_FIELD_RADIUS,
        SYNTHETIC_FIELD_ROWS,
    )

    glue_mast.configure(server=archive.url, timeout=60)
    where = f"{SYNTHETIC_FIELD[0]} {SYNTHETIC_FIELD[1]}"
    small_radius = _radius_for(1_000, SYNTHETIC_FIELD_ROWS, SYNTHETIC_FIELD_RADIUS)
    small = glue_mast.catalog_search("TIC", coordinates=where, radius=f"{small_radius:.6f} deg")
    big = glue_mast.catalog_search("TIC", coordinates=where, radius="0.3 deg")
    small.page(1, size=100)  # warm-up: the column list, and the archive's TIC table
    big.page(1, size=100)
    baseline, timed, requests, rows = [], [], [], None
    for i in range(repeat):
        t0 = time.perf_counter()
        small.page(1, size=100)
        baseline.append(time.perf_counter() - t0)
        before = len(archive_requests(archive))
        t0 = time.perf_counter()
        page = big.page(1, size=100)
        timed.append(time.perf_counter() - t0)
        requests.append(len(archive_requests(archive)) - before)
        rows = page.meta["count"]
        log(
            f"  run {i + 1}: baseline {baseline[-1] * 1000:.1f} ms, first page of "
            f"{rows:,} rows {timed[-1] * 1000:.1f} ms, {requests[-1]} request(s)"
        )
    base, first = statistics.median(baseline), statistics.median(timed)
    one_request = all(n == 1 for n in requests)
    time_ok = first <= base + SLACK_S and one_request

    peaks = {}
    for q in (small, big):  # both warm: the column list is not in the peak
        tracemalloc.start()
        page = q.page(1, size=100)
        peaks[page.meta["count"]] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    (n_small, p_small), (n_big, p_big) = sorted(peaks.items())
    memory_ok = p_big <= 1.5 * p_small
    return {
        "latency_s": latency,
        "rows": rows,
        "baseline_s": baseline,
        "first_page_s": timed,
        "median_baseline_s": base,
        "median_first_page_s": first,
        "ratio_first_page_to_round_trip_plus_slack": first / (base + SLACK_S),
        "requests_per_first_page": requests,
        "time_pass": time_ok,
        "memory_peak_bytes": {str(k): v for k, v in peaks.items()},
        "memory_ratio": p_big / p_small,
        "memory_pass": memory_ok,
        "pass": time_ok and memory_ok,
        "summary": [
            f"baseline (one round trip: the same page of a {small.count:,}-row answer): median "
            f"{base * 1000:.1f} ms",
            f"first page of {rows:,} rows: median {first * 1000:.1f} ms; target <= "
            f"{(base + SLACK_S) * 1000:.1f} ms; ratio first page / (round trip + 50 ms): "
            f"{first / (base + SLACK_S):.2f}; requests per first page: "
            f"{', '.join(map(str, requests))} (each 1) -> {'PASS' if time_ok else 'FAIL'}",
            f"memory peak of page(1, size=100): {p_small / 1e6:.2f} MB for {n_small:,} rows, "
            f"{p_big / 1e6:.2f} MB for {n_big:,} rows; ratio {p_big / p_small:.2f} (<= 1.5) "
            f"-> {'PASS' if memory_ok else 'FAIL'}",
        ],
    }


def archive_requests(archive):
    """Requests the archive has answered so far (its request log, read back)."""
    return archive.requests_so_far()


def main(argv=None):
    args = parse_args(argv)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import contextlib
    import json
    import tempfile
    from pathlib import Path

    from _archive import begin_run, local_archive, log, report

    results = begin_run(argv, latency_s=args.latency, repeat=args.repeat)
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench_catalogs-")))
        log_path = tmp / "requests.jsonl"
        archive = stack.enter_context(local_archive(latency=args.latency, request_log=log_path))

        def requests_so_far():
            time.sleep(0.05)  # the archive writes its line once the answer is sent
            text = log_path.read_text() if log_path.exists() else ""
            return [json.loads(line) for line in text.splitlines() if line.strip()]

        archive.requests_so_far = requests_so_far
        log(f"local archive {archive.url} (pid {archive.pid}), latency {args.latency:g} s")
        results.update(run(archive, args.latency, args.repeat, log))
    return report(results, results["summary"], args.json, log)


if __name__ == "__main__":
    from _archive import run_benchmark

    run_benchmark(main)
