"""Benchmark: the whole ``glue-mast fetch`` job against the same job with astroquery.

The target (from the issue): whole job against whole job, each as a whole process on the local
archive with 0.5 s latency per request, 16 files,

- ``glue-mast fetch`` at least 4x faster than astroquery's ``query_criteria`` ->
  ``get_product_list`` -> ``download_products``;
- ``glue-mast fetch`` within 1.3x of the floor: process start, plus the round trips the
  protocol cannot avoid, plus one round of parallel downloads;
- a re-fetch of files already on disk makes 0 download requests.

Run it from the repository root::

    python benchmarks/bench_fetch.py [--latency 0.5] [--repeat 3] [--file-size BYTES] [--json PATH]

The archive runs in a subprocess (``benchmarks/_archive.py``) with a request log, so that every
request of every run can be counted and placed on a time line. Each job runs as a whole process
and is timed from outside (wall clock around ``subprocess.run``). See benchmarks/README.md.

Exit status: 0 if every target is met, 1 if one is missed, 2 on error.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

CRITERIA = {"obs_collection": "SYNTHETIC", "proposal_id": "00042"}
N_FILES = 16
DOWNLOAD_PATH = "/api/v0.1/Download/file"
FITS_BLOCK = 2880

TARGET_SPEEDUP = 4.0
TARGET_FLOOR_RATIO = 1.3
#: Round trips one after the other that a criteria search -> products -> download job cannot
#: avoid: the field list (column config), the query, the product list, one round of downloads.
UNAVOIDABLE_ROUND_TRIPS = 4
#: Import-only processes run before each timed job (the machine's speed drifts; on the 2-core
#: development machine one such process takes anywhere from 1.1 to 1.8 s), and at least this
#: many in all.
START_SAMPLES_PER_JOB = 2
START_REPEATS = 5
TRANSFER_REPEATS = 5
#: What the job needs imported; a process that does only this is the "process start".
IMPORTS = (
    "import glue_mast.cli, glue_mast.archive.search, glue_mast.archive.products, "
    "glue_mast.archive.fetch, astroquery.mast"
)
#: The request log is polled this often; "answered" times are this late at most.
LOG_POLL_S = 0.005
JOB_TIMEOUT_S = 900
MB = 1e6

# astroquery's whole job, run as ``python astroquery_job.py URL DIR``.
ASTROQUERY_JOB = '''\
"""astroquery's whole job: query_criteria -> get_product_list -> download_products."""
import sys

import glue_mast

glue_mast.configure(server=sys.argv[1])
from glue_mast.archive import astroquery_adapter as adapter

adapter.apply()  # only points astroquery's URLs at the archive
from astroquery.mast import Observations

obs = Observations.query_criteria(obs_collection="SYNTHETIC", proposal_id="00042")
prods = Observations.get_product_list(obs)
manifest = Observations.download_products(
    prods, download_dir=sys.argv[2], productType="SCIENCE", calib_level=[2, 3]
)
bad = [str(row["Local Path"]) for row in manifest if row["Status"] != "COMPLETE"]
if bad:
    sys.exit(f"not COMPLETE: {bad}")
'''

# The dry run: which files each side would fetch, printed as JSON.
SELECTION_CHECK = """\
import json
import sys
import warnings

import glue_mast

glue_mast.configure(server=sys.argv[1])
from glue_mast.archive import astroquery_adapter as adapter

adapter.apply()
from astroquery.mast import Observations

warnings.simplefilter("ignore")
obs = Observations.query_criteria(obs_collection="SYNTHETIC", proposal_id="00042")
prods = Observations.get_product_list(obs)
chosen = Observations.filter_products(prods, productType="SCIENCE", calib_level=[2, 3])
mine = glue_mast.products(
    glue_mast.search(obs_collection="SYNTHETIC", proposal_id="00042").all()
)


def files(table):
    return sorted(
        [str(r["dataURI"]), str(r["productFilename"]), int(r["size"]), int(r["calib_level"]),
         str(r["productType"])]
        for r in table
    )


print(json.dumps({
    "observations": len(obs),
    "products_listed": len(prods),
    "astroquery": files(chosen),
    "glue_mast": files(mine),
}))
"""

# The Python API case: fetch twice in one process; the second call's time window is printed.
API_REFETCH = """\
import json
import sys
import time

import glue_mast

glue_mast.configure(server=sys.argv[1])
prods = glue_mast.products(
    glue_mast.search(obs_collection="SYNTHETIC", proposal_id="00042").all()
)
first = glue_mast.fetch(prods, sys.argv[2])
t0 = time.monotonic()
second = glue_mast.fetch(prods, sys.argv[2])
t1 = time.monotonic()


def summary(r):
    return {"downloaded": len(r.downloaded), "cached": len(r.cached),
            "failed": len(r.failed), "requests": r.requests}


print(json.dumps({"t0": t0, "t1": t1, "first": summary(first), "second": summary(second)}))
"""


# -- the request log ------------------------------------------------------------------------


def kind(entry):
    """A short name for a logged request."""
    path = entry["path"]
    if path == DOWNLOAD_PATH:
        return f"{entry['method']} Download/file"
    if path.endswith("/columnsconfig"):
        return "POST columnsconfig"
    if entry.get("service"):
        return f"POST invoke {entry['service']}"
    return f"{entry['method']} {path}"


def is_download(entry):
    return entry["path"] == DOWNLOAD_PATH


def round_trips(entries, latency):
    """Group requests into rounds that run one after the other.

    A request travels with the round under way (the parallel downloads, the two column
    configs) if it cannot have waited for any answer of that round: it arrived less than
    ``latency`` after the round's first request (the archive answers nothing sooner), or
    before the round's first answer was logged (less the log's lateness). Otherwise it starts
    a new round.
    """
    rounds = []
    for e in sorted(entries, key=lambda e: e["time"]):
        if rounds:
            current = rounds[-1]
            first_answer = min(x["answered"] for x in current["entries"])
            if e["time"] < current["start"] + latency or e["time"] < first_answer - LOG_POLL_S:
                current["entries"].append(e)
                current["end"] = max(current["end"], e["answered"])
                continue
        rounds.append({"start": e["time"], "end": e["answered"], "entries": [e]})
    return rounds


def count_kinds(entries):
    counts = {}
    for e in entries:
        counts[kind(e)] = counts.get(kind(e), 0) + 1
    return counts


def describe_kinds(counts):
    return ", ".join(f"{n} x {k}" if n > 1 else k for k, n in counts.items())


# -- running jobs ---------------------------------------------------------------------------


def _env():
    """The environment for the jobs: no server, timeout or token from the caller's shell."""
    env = dict(os.environ)
    for name in ("GLUE_MAST_SERVER", "GLUE_MAST_TIMEOUT", "MAST_API_TOKEN"):
        env.pop(name, None)
    return env


def _glue_mast_executable():
    beside = Path(sys.executable).with_name("glue-mast")
    if beside.exists():
        return str(beside)
    found = shutil.which("glue-mast")
    if not found:
        raise RuntimeError("no glue-mast command beside this Python or on PATH")
    return found


def glue_mast_command(url, out):
    return [
        _glue_mast_executable(),
        "fetch",
        "--criteria",
        *(f"{k}={v}" for k, v in CRITERIA.items()),
        "--out",
        str(out),
        "--no-progress",
        "--parallel",
        str(N_FILES),
        "--server",
        url,
    ]


def astroquery_command(script, url, out):
    return [sys.executable, str(script), url, str(out)]


def run_process(cmd, reqlog):
    """Run ``cmd`` as a whole process; wall time, exit status, output and its requests."""
    t0 = time.monotonic()
    done = subprocess.run(
        cmd, capture_output=True, text=True, env=_env(), timeout=JOB_TIMEOUT_S, check=False
    )
    t1 = time.monotonic()
    reqlog.settle()
    entries = reqlog.between(t0, t1)
    return {
        "wall_s": t1 - t0,
        "t0": t0,
        "t1": t1,
        "returncode": done.returncode,
        "stdout": done.stdout,
        "stderr": done.stderr,
        "entries": entries,
    }


def check_files(root, expected):
    """Problems with the files under ``root`` (empty if exactly the expected ones are there).

    ``expected`` maps file name -> size. A manifest (``manifest.json``/``.ecsv``) and the
    directory's lock file may be there too; anything else (a ``.part`` file, a file twice) is
    a problem.
    """
    found = {}
    problems = []
    for p in sorted(Path(root).rglob("*")):
        if not p.is_file() or p.name in ("manifest.json", "manifest.ecsv", ".glue-mast.lock"):
            continue
        if p.name in found:
            problems.append(f"{p.name} twice")
        found[p.name] = p.stat().st_size
    for name, size in expected.items():
        if name not in found:
            problems.append(f"missing {name}")
        elif found[name] != size:
            problems.append(f"{name} has {found[name]:,} bytes, not {size:,}")
    problems += [f"unexpected {name}" for name in sorted(set(found) - set(expected))]
    return problems


def _job_summary(run, latency):
    entries = run["entries"]
    rounds = round_trips(entries, latency)
    return {
        "wall_s": run["wall_s"],
        "returncode": run["returncode"],
        "requests": len(entries),
        "download_requests": sum(is_download(e) for e in entries),
        "round_trips": len(rounds),
        "bytes": sum(e["bytes"] or 0 for e in entries),
        "kinds": count_kinds(entries),
    }


# -- measurements ---------------------------------------------------------------------------


def selection_check(url, expected_size, log):
    """Dry run: both sides select the same 16 calibrated science files.

    Returns ``{"files": {file name: size}, "uris": [dataURI, ...]}``.
    """
    script = [sys.executable, "-c", SELECTION_CHECK, url]
    done = subprocess.run(
        script, capture_output=True, text=True, env=_env(), timeout=JOB_TIMEOUT_S, check=False
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"the selection dry run failed:\n{done.stderr.strip()}")
    found = json.loads(lines[-1])
    aq, gm = found["astroquery"], found["glue_mast"]
    problems = []
    if aq != gm:
        problems.append(
            f"astroquery's download_products filter selects {len(aq)} files, glue-mast's "
            f"products() {len(gm)}; they differ: {sorted(map(tuple, aq))} vs "
            f"{sorted(map(tuple, gm))}"
        )
    if len(gm) != N_FILES:
        problems.append(f"glue-mast selects {len(gm)} files, not {N_FILES}")
    for uri, name, size, level, ptype in gm:
        if (
            size != expected_size
            or level < 2
            or ptype != "SCIENCE"
            or not name.endswith("_cal.fits")
        ):
            problems.append(f"unexpected product {uri}: {size} bytes, level {level}, {ptype}")
    if problems:
        raise RuntimeError("selection dry run: " + "; ".join(problems))
    log(
        f"  dry run: {found['observations']} observations, {found['products_listed']} products "
        f"listed; astroquery's download_products(productType='SCIENCE', calib_level=[2, 3]) "
        f"and glue-mast's products() select the same {len(gm)} files "
        f"(*_cal.fits, calib_level 2, {expected_size:,} bytes each)"
    )
    return {"files": {name: size for _, name, size, _, _ in gm}, "uris": [u for u, *_ in gm]}


def run_timing(url, reqlog, tmp, script, expected, latency, repeat, starts, log):
    runs = {"glue-mast": [], "astroquery": []}
    details = {"glue-mast": [], "astroquery": []}
    last_glue_mast_dir = None
    for i in range(1, repeat + 1):
        for side in ("glue-mast", "astroquery"):
            for _ in range(START_SAMPLES_PER_JOB):
                starts.sample()
            out = tmp / f"{side}-{i}"
            cmd = (
                glue_mast_command(url, out)
                if side == "glue-mast"
                else astroquery_command(script, url, out)
            )
            run = run_process(cmd, reqlog)
            problems = []
            if run["returncode"] != 0:
                problems.append(f"exit status {run['returncode']}: {run['stderr'].strip()[-500:]}")
            problems += check_files(out, expected)
            if side == "glue-mast":
                verify = subprocess.run(
                    [_glue_mast_executable(), "verify", str(out / "manifest.json")],
                    capture_output=True,
                    text=True,
                    env=_env(),
                    timeout=JOB_TIMEOUT_S,
                    check=False,
                )
                if verify.returncode != 0:
                    problems.append(
                        f"glue-mast verify exit {verify.returncode}: "
                        f"{(verify.stdout + verify.stderr).strip()[-500:]}"
                    )
            summary = _job_summary(run, latency)
            summary["problems"] = problems
            summary["ok"] = not problems
            runs[side].append(summary)
            details[side].append(run)
            if problems:
                verdict = "PROBLEMS: " + "; ".join(problems)
            else:
                verdict = f"{N_FILES} files OK" + (", verify OK" if side == "glue-mast" else "")
            log(
                f"  run {i}/{repeat} {side:<10}: {run['wall_s']:6.2f} s, "
                f"{summary['requests']} requests ({describe_kinds(summary['kinds'])}) in "
                f"{summary['round_trips']} sequential round trips, "
                f"{summary['bytes'] / MB:.2f} MB; {verdict}"
            )
            if side == "glue-mast":
                if last_glue_mast_dir is not None:
                    shutil.rmtree(last_glue_mast_dir, ignore_errors=True)
                last_glue_mast_dir = out
            else:
                shutil.rmtree(out, ignore_errors=True)
    gm = statistics.median(r["wall_s"] for r in runs["glue-mast"])
    aq = statistics.median(r["wall_s"] for r in runs["astroquery"])
    all_ok = all(r["ok"] for side in runs.values() for r in side)
    ratio = aq / gm
    # The glue-mast run with the median wall time, for the time line.
    ordered = sorted(range(repeat), key=lambda k: runs["glue-mast"][k]["wall_s"])
    median_index = ordered[(repeat - 1) // 2]
    return (
        {
            "runs": runs,
            "glue_mast_median_s": gm,
            "astroquery_median_s": aq,
            "ratio": ratio,
            "target": TARGET_SPEEDUP,
            "all_runs_ok": all_ok,
            "pass": all_ok and ratio >= TARGET_SPEEDUP,
            "median_glue_mast_run": median_index + 1,
        },
        details,
        last_glue_mast_dir,
    )


class ProcessStart:
    """Wall time of a process that only imports what the job needs, and exits.

    Sampled between the timed jobs (``START_SAMPLES_PER_JOB`` before each), so that it sees
    the machine in the same state as they do. The process also prints ``time.monotonic()``
    once its imports are done (``time`` is imported by then anyway), so that the start can be
    split into imports and interpreter exit.
    """

    def __init__(self):
        self.command = [sys.executable, "-c", f"{IMPORTS}; import time; print(time.monotonic())"]
        self.times = []
        self.exits = []

    def sample(self):
        t0 = time.monotonic()
        done = subprocess.run(
            self.command,
            check=True,
            env=_env(),
            capture_output=True,
            text=True,
            timeout=JOB_TIMEOUT_S,
        )
        t1 = time.monotonic()
        self.times.append(t1 - t0)
        self.exits.append(t1 - float(done.stdout.split()[-1]))

    def result(self, log):
        while len(self.times) < START_REPEATS:
            self.sample()
        median = statistics.median(self.times)
        exit_median = statistics.median(self.exits)
        log(
            f"  process start: median {median:.2f} s of {len(self.times)}, sampled between "
            f"the timed jobs (runs {', '.join(f'{t:.2f}' for t in self.times)} s); of which "
            f"interpreter exit after the imports (median) {exit_median:.3f} s"
        )
        return {
            "median_s": median,
            "runs_s": self.times,
            "exit_median_s": exit_median,
            "command": shlex.join([sys.executable, "-c", IMPORTS]),
        }


def measure_transfer(url, uris, tmp, log):
    """Wall time of 16 parallel GETs of the 16 files, on an archive with no latency.

    Each GET has its own session (a new connection, as in a fresh process) in its own thread,
    and writes the body to a file, as a download must. One untimed round first has the archive
    generate and cache the files.
    """
    import requests

    def get(i, uri, where):
        target = f"{url}{DOWNLOAD_PATH}?uri={urllib.parse.quote(uri, safe=':/')}"
        with (
            requests.Session() as session,
            session.get(
                target, stream=True, timeout=60, headers={"Accept-Encoding": "identity"}
            ) as response,
        ):
            response.raise_for_status()
            n = 0
            with open(where / f"{i}.fits", "wb") as out:
                while chunk := response.raw.read1(1 << 16):
                    out.write(chunk)
                    n += len(chunk)
            return n

    def one_round():
        where = Path(tempfile.mkdtemp(dir=tmp, prefix="transfer-"))
        try:
            t0 = time.monotonic()
            with ThreadPoolExecutor(max_workers=len(uris)) as pool:
                sizes = list(pool.map(get, range(len(uris)), uris, [where] * len(uris)))
            return time.monotonic() - t0, sum(sizes)
        finally:
            shutil.rmtree(where, ignore_errors=True)

    one_round()  # untimed: the archive generates the files
    times, total = [], 0
    for _ in range(TRANSFER_REPEATS):
        seconds, total = one_round()
        times.append(seconds)
    median = statistics.median(times)
    log(
        f"  transfer: {len(uris)} parallel GETs ({total / MB:.2f} MB) at latency 0: median "
        f"{median:.3f} s of {TRANSFER_REPEATS} (runs {', '.join(f'{t:.3f}' for t in times)} s)"
    )
    return {"median_s": median, "runs_s": times, "bytes": total}


def refetch_cli(url, reqlog, out, latency, log):
    """The same glue-mast command again, into the directory of a finished run."""
    run = run_process(glue_mast_command(url, out), reqlog)
    entries = run["entries"]
    downloads = [e for e in entries if is_download(e)]
    others = [e for e in entries if not is_download(e)]
    ok = run["returncode"] == 0 and not downloads
    result = {
        "wall_s": run["wall_s"],
        "returncode": run["returncode"],
        "download_requests": len(downloads),
        "other_requests": len(others),
        "other_kinds": count_kinds(others),
        "round_trips": len(round_trips(entries, latency)),
        "stdout": run["stdout"].strip(),
        "pass": ok,
    }
    said = (result["stdout"].splitlines() or [""])[0]
    if run["returncode"] != 0:
        said = f"exit {run['returncode']}: {run['stderr'].strip()[-300:]}"
    log(
        f"  re-fetch (glue-mast fetch, same dir): {run['wall_s']:.2f} s, "
        f"{len(others)} query requests ({describe_kinds(result['other_kinds'])}) in "
        f"{result['round_trips']} sequential round trips, {len(downloads)} download requests; "
        f"it says: {said!r}"
    )
    return result


def refetch_api(url, reqlog, out, log):
    """``glue_mast.fetch`` twice in one process; requests made by the second call alone."""
    run = run_process([sys.executable, "-c", API_REFETCH, url, str(out)], reqlog)
    lines = [line for line in run["stdout"].splitlines() if line.startswith("{")]
    if run["returncode"] != 0 or not lines:
        raise RuntimeError(f"the Python API re-fetch failed:\n{run['stderr'].strip()}")
    found = json.loads(lines[-1])
    second = reqlog.between(found["t0"], found["t1"])
    first_downloads = sum(is_download(e) for e in run["entries"] if e["time"] < found["t0"])
    ok = (
        not second
        and found["second"]["cached"] == N_FILES
        and found["first"]["downloaded"] == (N_FILES)
    )
    result = {
        "first_fetch": found["first"],
        "second_fetch": found["second"],
        "first_fetch_download_requests": first_downloads,
        "second_fetch_requests_logged": len(second),
        "second_fetch_kinds": count_kinds(second),
        "second_fetch_s": found["t1"] - found["t0"],
        "pass": ok,
    }
    log(
        f"  re-fetch (Python API): first fetch downloaded {found['first']['downloaded']} files "
        f"({first_downloads} download requests); second fetch: {found['second']['cached']} "
        f"already on disk, {len(second)} requests logged while it ran "
        f"({found['t1'] - found['t0']:.3f} s)"
    )
    return result


# -- report ---------------------------------------------------------------------------------


def timeline_lines(run, latency):
    """The requests of one run on a time line from the process launch, grouped in rounds."""
    t0 = run["t0"]
    rounds = round_trips(run["entries"], latency)
    lines = [
        "    #  round  arrived   answered  request                              bytes",
    ]
    n = 0
    for r_index, r in enumerate(rounds, 1):
        for e in r["entries"]:
            n += 1
            lines.append(
                f"   {n:>2}  {r_index:>5}  {e['time'] - t0:+7.3f}  {e['answered'] - t0:+8.3f}  "
                f"{kind(e):<35}{e['bytes'] or 0:>10,}"
            )
    lines.append(f"   process exit at {run['wall_s']:+.3f}")
    gaps = []
    previous_end = None
    for r_index, r in enumerate(rounds, 1):
        if previous_end is None:
            gaps.append(f"start-up to the first request {r['start'] - t0:.3f} s")
        else:
            # Can show as slightly negative: "answered" is up to LOG_POLL_S late.
            gap = max(0.0, r["start"] - previous_end)
            gaps.append(f"client before round {r_index} {gap:.3f} s")
        previous_end = r["end"]
    gaps.append(
        f"last answer to exit {run['t1'] - previous_end:.3f} s (reading the last bytes, "
        "fsync, checksums, manifest, interpreter exit)"
    )
    spans = ", ".join(
        f"{i}: {r['end'] - r['start']:.3f} s ({len(r['entries'])} req)"
        for i, r in enumerate(rounds, 1)
    )
    lines.append(
        f"   {len(rounds)} sequential round trips; first arrival to last answer per round: {spans}"
    )
    lines.append(f"   time outside the rounds: {'; '.join(gaps)}")
    return lines, rounds


def _fmt_runs(runs):
    return ", ".join(f"{r['wall_s']:.2f}" for r in runs)


def summary_lines(results):
    t, f = results["timing"], results["floor"]
    lat = results["latency_s"]
    gm_runs, aq_runs = t["runs"]["glue-mast"], t["runs"]["astroquery"]

    def med(runs, key):
        return statistics.median(r[key] for r in runs)

    def kinds(runs):
        return describe_kinds(runs[0]["kinds"])

    c, a = results["refetch_cli"], results["refetch_api"]
    lines = [
        "== glue-mast fetch benchmark ==",
        f"command: {results['command']}",
        f"machine: {results['machine']}",
        f"archive: local archive in a subprocess, {lat:g} s latency per request; "
        f"{CRITERIA['obs_collection']} proposal_id={CRITERIA['proposal_id']}: "
        f"{results['files']} calibrated science files of {results['file_bytes']:,} bytes "
        f"({results['job_file_bytes'] / MB:.2f} MB of files per job)",
        f"glue-mast job: {results['glue_mast_command']}",
        "astroquery job: python astroquery_job.py (query_criteria -> get_product_list -> "
        "download_products(productType='SCIENCE', calib_level=[2, 3]); HEAD + GET per file, "
        "one file at a time)",
        f"whole job glue-mast median: {t['glue_mast_median_s']:.2f} s (runs {_fmt_runs(gm_runs)} s;"
        f" {med(gm_runs, 'requests'):g} requests: {kinds(gm_runs)}; "
        f"{med(gm_runs, 'round_trips'):g} sequential round trips; "
        f"{med(gm_runs, 'bytes') / MB:.2f} MB)",
        f"whole job astroquery median: {t['astroquery_median_s']:.2f} s "
        f"(runs {_fmt_runs(aq_runs)} s; {med(aq_runs, 'requests'):g} requests: {kinds(aq_runs)}; "
        f"{med(aq_runs, 'round_trips'):g} sequential round trips; "
        f"{med(aq_runs, 'bytes') / MB:.2f} MB)",
        f"every run produced the {results['files']} files with the right sizes"
        + (" (and glue-mast verify passed)" if t["all_runs_ok"] else ": NO, see above"),
        f"ratio astroquery/glue-mast: {t['ratio']:.2f}x (target >= {TARGET_SPEEDUP:g}x): "
        f"{'PASS' if t['pass'] else 'FAIL'}",
        f"floor: {f['floor_s']:.2f} s = process start {f['start_s']:.2f} s (median of "
        f"{len(f['start_runs_s'])} processes that only import what the job needs and exit) + "
        f"{UNAVOIDABLE_ROUND_TRIPS} round trips x {lat:g} s (column config, query, product "
        f"list, one round of {results['files']} parallel downloads) + transfer "
        f"{f['transfer_s']:.3f} s ({results['files']} parallel GETs of the files on a second "
        f"archive with latency 0, median of {TRANSFER_REPEATS})",
        f"glue-mast/floor: {f['ratio']:.2f} (target <= {TARGET_FLOOR_RATIO:g}): "
        f"{'PASS' if f['pass'] else 'FAIL'}",
        f"re-fetch into the same dir (glue-mast fetch, whole process): {c['other_requests']} "
        f"query requests ({describe_kinds(c['other_kinds'])}), {c['download_requests']} "
        f"download requests: {'PASS' if c['pass'] else 'FAIL'}",
        f"re-fetch (Python API, second glue_mast.fetch in the same process): "
        f"{a['second_fetch_requests_logged']} requests, {a['second_fetch']['cached']} files "
        f"already on disk: {'PASS' if a['pass'] else 'FAIL'}",
        f"overall: {'PASS' if results['pass'] else 'FAIL'}",
        f"total run time: {results['total_s']:.0f} s",
    ]
    return lines


# -- main -----------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="The whole glue-mast fetch job vs the same job with astroquery, each as a "
        "whole process on the local archive; the floor; re-fetch requests."
    )
    parser.add_argument(
        "--latency", type=float, default=0.5, help="seconds the archive adds to every request"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="timed runs of each side (median reported)"
    )
    parser.add_argument(
        "--file-size",
        type=int,
        default=1_000_000,
        metavar="BYTES",
        help="size of each synthetic file (rounded up to 2880-byte FITS blocks)",
    )
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.latency < 0:
        parser.error("--latency must not be negative")
    if args.file_size < 1:
        parser.error("--file-size must be positive")
    return args


def main(argv=None):
    args = parse_args(argv)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from _archive import RequestLog, begin_run, local_archive, log, report

    started = time.monotonic()
    file_bytes = math.ceil(args.file_size / FITS_BLOCK) * FITS_BLOCK
    results = begin_run(
        argv,
        latency_s=args.latency,
        repeat=args.repeat,
        file_size_asked=args.file_size,
        file_bytes=file_bytes,
        files=N_FILES,
        job_file_bytes=N_FILES * file_bytes,
    )
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench_fetch-")))
        log_path = tmp / "requests.jsonl"
        archive = stack.enter_context(
            local_archive(
                latency=args.latency, synthetic_file_size=args.file_size, request_log=log_path
            )
        )
        fast = stack.enter_context(local_archive(latency=0, synthetic_file_size=args.file_size))
        reqlog = RequestLog(log_path, poll=LOG_POLL_S)
        stack.callback(reqlog.close)
        script = tmp / "astroquery_job.py"
        script.write_text(ASTROQUERY_JOB)
        results["glue_mast_command"] = shlex.join(glue_mast_command("URL", "DIR"))
        log(
            f"local archive {archive.url} (pid {archive.pid}), latency {args.latency:g} s, "
            f"request log {log_path}; second archive {fast.url} (pid {fast.pid}), latency 0"
        )
        log(f"files: {N_FILES} x {file_bytes:,} bytes = {N_FILES * file_bytes / MB:.2f} MB per job")

        log("checks and warm-up (untimed):")
        selection = selection_check(fast.url, file_bytes, log)
        expected = selection["files"]
        warm = run_process(glue_mast_command(archive.url, tmp / "warm-up"), reqlog)
        warm_problems = check_files(tmp / "warm-up", expected)
        if warm["returncode"] != 0 or warm_problems:
            raise RuntimeError(
                f"the warm-up glue-mast fetch failed (exit {warm['returncode']}): "
                f"{warm['stderr'].strip()} {warm_problems}"
            )
        shutil.rmtree(tmp / "warm-up", ignore_errors=True)
        log(
            f"  warm-up glue-mast fetch: {warm['wall_s']:.2f} s (fills the archive's caches, "
            f"generates the files, and loads the client's modules into the page cache)"
        )

        log(
            f"timing: {args.repeat} run(s) of each side, alternating, each a whole process "
            f"into a fresh empty directory:"
        )
        starts = ProcessStart()
        timing, details, last_dir = run_timing(
            archive.url, reqlog, tmp, script, expected, args.latency, args.repeat, starts, log
        )
        results["timing"] = timing

        log("floor:")
        start = starts.result(log)
        transfer = measure_transfer(fast.url, selection["uris"], tmp, log)
        median_run = details["glue-mast"][timing["median_glue_mast_run"] - 1]
        log(
            f"  requests of glue-mast run {timing['median_glue_mast_run']} (the median), times "
            f"in s from the process launch; 'arrived' is when the archive received the request "
            f"(before its {args.latency:g} s latency), 'answered' when it had sent the answer "
            f"(from the request log, at most {LOG_POLL_S * 1000:.0f} ms late):"
        )
        lines, rounds = timeline_lines(median_run, args.latency)
        for line in lines:
            log(line)
        download_round = rounds[-1] if rounds else None
        observed_transfer = None
        if download_round and all(is_download(e) for e in download_round["entries"]):
            observed_transfer = download_round["end"] - download_round["start"] - args.latency
            log(
                f"   the download round took {download_round['end'] - download_round['start']:.3f}"
                f" s from the first GET's arrival to the last answer: {args.latency:g} s latency "
                f"+ {observed_transfer:.3f} s (cf. the {transfer['median_s']:.3f} s measured at "
                f"latency 0)"
            )
        floor_s = start["median_s"] + UNAVOIDABLE_ROUND_TRIPS * args.latency + transfer["median_s"]
        ratio = timing["glue_mast_median_s"] / floor_s
        results["floor"] = {
            "start_s": start["median_s"],
            "start_runs_s": start["runs_s"],
            "start_command": start["command"],
            "start_exit_s": start["exit_median_s"],
            "round_trips": UNAVOIDABLE_ROUND_TRIPS,
            "round_trips_s": UNAVOIDABLE_ROUND_TRIPS * args.latency,
            "transfer_s": transfer["median_s"],
            "transfer_runs_s": transfer["runs_s"],
            "transfer_bytes": transfer["bytes"],
            "download_round_transfer_observed_s": observed_transfer,
            "floor_s": floor_s,
            "ratio": ratio,
            "target": TARGET_FLOOR_RATIO,
            "pass": ratio <= TARGET_FLOOR_RATIO,
            "median_run_rounds": [
                {
                    "start": r["start"] - median_run["t0"],
                    "end": r["end"] - median_run["t0"],
                    "requests": [kind(e) for e in r["entries"]],
                }
                for r in rounds
            ],
            "median_run_wall_s": median_run["wall_s"],
        }
        log(
            f"  floor = {start['median_s']:.2f} s start + {UNAVOIDABLE_ROUND_TRIPS} x "
            f"{args.latency:g} s + {transfer['median_s']:.3f} s transfer = {floor_s:.2f} s; "
            f"glue-mast median {timing['glue_mast_median_s']:.2f} s = {ratio:.2f} x floor"
        )
        if rounds:
            first = rounds[0]["start"] - median_run["t0"]
            imports = start["median_s"] - start["exit_median_s"]
            if first < imports:
                log(
                    f"  note: that glue-mast run sent its first request at +{first:.2f} s, "
                    f"before an import-only process is done importing ({imports:.2f} s, "
                    f"median): it imports part of what it needs while the first answers "
                    f"travel, so it can come close to, or under, this floor"
                )

        log("re-fetch of files already on disk:")
        results["refetch_cli"] = refetch_cli(archive.url, reqlog, last_dir, args.latency, log)
        results["refetch_api"] = refetch_api(archive.url, reqlog, tmp / "api", log)

        archive.check()
        results["archive_cpu_s"] = archive.cpu_seconds()
    results["pass"] = all(
        results[k]["pass"] for k in ("timing", "floor", "refetch_cli", "refetch_api")
    )
    results["total_s"] = time.monotonic() - started

    return report(results, summary_lines(results), args.json, log)


if __name__ == "__main__":
    from _archive import run_benchmark

    run_benchmark(main)
