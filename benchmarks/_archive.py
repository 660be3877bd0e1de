"""Run the local MAST-compatible archive in a subprocess, for benchmarks.

The archive runs in its own process (``python -m glue_mast.testing``) so that its memory and CPU
do not count against the client being measured. Use it as a context manager::

    from _archive import local_archive

    with local_archive(latency=0.1) as archive:
        glue_mast.configure(server=archive.url)
        ...
        archive.cpu_seconds()      # CPU the archive has used so far (Linux), e.g. to see
                                   # how much of a client's wall time was spent serving

``local_archive(request_log="requests.jsonl")`` also has the archive append one JSON line per
request it has answered to that file (``--request-log``): arrival time (``time.monotonic()``,
comparable with this process's on Linux), method, path, Mashup service, status, range, bytes.

The process is stopped when the ``with`` block ends, also on an exception or Ctrl-C; at
interpreter exit if the block was never left; and, on Linux, by the kernel if the benchmark
itself is killed (``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

__all__ = [
    "LOG_POLL_S",
    "ArchiveError",
    "ArchiveProcess",
    "RequestLog",
    "local_archive",
    "machine_description",
    "report",
    "run_benchmark",
]


class ArchiveError(RuntimeError):
    """The archive subprocess did not start, or died."""


def _die_with_parent():  # pragma: no cover - runs in the child between fork and exec
    # Linux only: have the kernel send SIGTERM to the archive if the benchmark dies, even by
    # SIGKILL, so that no orphaned server is left behind.
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
    except Exception:
        pass


class ArchiveProcess:
    """A ``python -m glue_mast.testing`` subprocess.

    Parameters
    ----------
    latency : float
        Seconds the archive adds to every request (``--latency``).
    bandwidth : float or None
        Bytes per second per response body (``--bandwidth``); None for unlimited.
    synthetic_rows : int or None
        Rows of the ``SYNTHETIC`` collection (``--synthetic-rows``); None for the default.
    synthetic_file_size : int or None
        Bytes of each synthetic product file (``--synthetic-file-size``); None for the default.
    request_log : path-like or None
        File to which the archive appends one JSON line per request answered
        (``--request-log``); None for none.
    python : str
        The interpreter to run the archive with; by default this one.
    startup_timeout : float
        Seconds to wait for the archive to print its URL and answer a request.

    Attributes
    ----------
    url : str
        Base URL, e.g. ``http://127.0.0.1:43215``, once started.
    token : str
        The exclusive-access token the archive accepts, once started.
    pid : int
        Process id, once started.
    """

    def __init__(
        self,
        *,
        latency=0.0,
        bandwidth=None,
        synthetic_rows=None,
        synthetic_file_size=None,
        request_log=None,
        python=None,
        startup_timeout=60.0,
    ):
        self.args = ["--host", "127.0.0.1", "--port", "0", "--latency", repr(float(latency))]
        if bandwidth is not None:
            self.args += ["--bandwidth", repr(float(bandwidth))]
        if synthetic_rows is not None:
            self.args += ["--synthetic-rows", str(int(synthetic_rows))]
        if synthetic_file_size is not None:
            self.args += ["--synthetic-file-size", str(int(synthetic_file_size))]
        if request_log is not None:
            self.args += ["--request-log", os.fspath(request_log)]
        self.request_log = request_log
        self.latency = float(latency)
        self.python = python or sys.executable
        self.startup_timeout = float(startup_timeout)
        self.url = None
        self.token = None
        self.banner = []
        self.returncode = None
        self._process = None
        self._stderr = None
        self._last_stderr = ""

    # -- life cycle -----------------------------------------------------------------------

    @property
    def pid(self):
        return self._process.pid if self._process is not None else None

    @property
    def command(self):
        """The command line the archive runs with."""
        return [self.python, "-m", "glue_mast.testing", *self.args]

    def start(self):
        """Start the archive and wait until it answers; returns self."""
        if self._process is not None:
            return self
        # Kept open while the archive runs; closed by stop().
        self._stderr = tempfile.TemporaryFile(mode="w+b")  # noqa: SIM115
        self._process = subprocess.Popen(
            self.command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            bufsize=1,
            # A separate session: Ctrl-C reaches only the benchmark, which then stops the
            # archive itself, in order, instead of both dying at once.
            start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
        atexit.register(self.stop)
        try:
            lines = self._read_stdout()
            deadline = time.monotonic() + self.startup_timeout
            # The token line comes right after the URL line.
            while self.url is None or self.token is None:
                remaining = deadline - time.monotonic()
                try:
                    line = lines.get(timeout=max(0.0, remaining))
                except queue.Empty:
                    raise self._failure(
                        f"printed no URL and token within {self.startup_timeout:g} s"
                    ) from None
                if line is None:
                    raise self._failure("exited before printing its URL and token")
                self.banner.append(line)
                if line.startswith("URL "):
                    self.url = line.split(None, 1)[1].strip().rstrip("/")
                elif line.startswith("exclusive-access token:"):
                    self.token = line.split(":", 1)[1].strip()
            self._wait_until_answering(deadline)
        except BaseException:
            self.stop()
            raise
        return self

    def _read_stdout(self):
        # Lines go to a queue; the thread keeps draining stdout after start-up so that the
        # archive can never block on a full pipe.
        lines = queue.Queue()
        stdout = self._process.stdout

        def pump():
            with contextlib.suppress(ValueError, OSError):
                for line in stdout:
                    lines.put(line.rstrip("\n"))
            lines.put(None)

        threading.Thread(target=pump, name="archive-stdout", daemon=True).start()
        return lines

    def _wait_until_answering(self, deadline):
        probe = self.url + "/whoami"
        while True:
            if self._process.poll() is not None:
                raise self._failure("exited while starting")
            try:
                with urllib.request.urlopen(probe, timeout=5) as response:
                    response.read()
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                raise self._failure(f"did not answer {probe} within {self.startup_timeout:g} s")
            time.sleep(0.05)

    def stop(self, timeout=10.0):
        """Stop the archive (SIGTERM, then SIGKILL after ``timeout`` s); idempotent."""
        process, self._process = self._process, None
        if process is None:
            return
        with contextlib.suppress(Exception):
            atexit.unregister(self.stop)
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stdout is not None:
            with contextlib.suppress(OSError):
                process.stdout.close()
        self.returncode = process.returncode
        self._last_stderr = self._read_stderr()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- diagnostics ----------------------------------------------------------------------

    def alive(self):
        """Whether the archive process is running."""
        return self._process is not None and self._process.poll() is None

    def check(self):
        """Raise `ArchiveError` (with the archive's stderr) if the archive has died."""
        if self._process is not None and self._process.poll() is not None:
            raise self._failure(f"died with exit status {self._process.returncode}")

    def stderr_text(self):
        """What the archive has written to stderr (tracebacks, if it had trouble)."""
        if self._stderr is None:
            return self._last_stderr
        return self._read_stderr()

    def _read_stderr(self):
        if self._stderr is None:
            return ""
        self._stderr.flush()
        self._stderr.seek(0)
        text = self._stderr.read().decode(errors="replace")
        self._stderr.seek(0, os.SEEK_END)
        return text

    def cpu_seconds(self):
        """User plus system CPU seconds the archive has used so far; None if unknown.

        Read from ``/proc/<pid>/stat`` (Linux), so that a benchmark can tell how much of a
        client's wall time the archive spent computing its answers.
        """
        if self._process is None:
            return None
        try:
            with open(f"/proc/{self._process.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks

    def rss_bytes(self):
        """The archive's resident memory in bytes; None if unknown (Linux only)."""
        if self._process is None:
            return None
        try:
            with open(f"/proc/{self._process.pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) * 1024
        except OSError:
            pass
        return None

    def _failure(self, what):
        stderr = self._read_stderr().strip()
        detail = f"\n--- archive stderr ---\n{stderr}" if stderr else ""
        return ArchiveError(f"the local archive ({' '.join(self.command)}) {what}{detail}")

    def __repr__(self):
        state = "running" if self.alive() else "stopped"
        return f"<ArchiveProcess {self.url or '(no URL yet)'} pid={self.pid} {state}>"


#: How often `RequestLog` reads the log; its "answered" times are this late at most.
LOG_POLL_S = 0.005


class RequestLog:
    """Follows the archive's ``--request-log`` file.

    Each line the archive writes once it has answered a request carries the request's arrival
    time (``time.monotonic()`` in the archive; the same clock as this process's on Linux).
    The archive writes a line right after the answer's last byte has been handed to the
    socket, so the time this follower first sees a line is when the request was answered,
    at most ``LOG_POLL_S`` late: it is added to each entry as ``answered``.
    """

    def __init__(self, path, poll=LOG_POLL_S):
        self.path = Path(path)
        self.poll = poll
        self.entries = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._last_line = time.monotonic()
        self._file = open(self.path, "rb")  # noqa: SIM115 - closed by close()
        self._thread = threading.Thread(target=self._follow, name="request-log", daemon=True)
        self._thread.start()

    def _follow(self):
        pending = b""
        while not self._stop.is_set():
            chunk = self._file.read()
            if not chunk:
                self._stop.wait(self.poll)
                continue
            now = time.monotonic()
            pending += chunk
            *lines, pending = pending.split(b"\n")
            new = []
            for line in lines:
                if line.strip():
                    entry = json.loads(line)
                    entry["answered"] = now
                    new.append(entry)
            with self._lock:
                self.entries.extend(new)
                self._last_line = now

    def settle(self, quiet=0.2, timeout=5.0):
        """Wait until no new line has come for ``quiet`` seconds (answers still being logged)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                idle = time.monotonic() - self._last_line
            if idle >= quiet:
                return
            time.sleep(quiet - idle)

    def between(self, t0, t1):
        """Entries of requests that arrived between ``t0`` and ``t1`` (monotonic seconds)."""
        with self._lock:
            found = [e for e in self.entries if t0 <= e["time"] <= t1]
        return sorted(found, key=lambda e: e["time"])

    def close(self):
        self._stop.set()
        self._thread.join(timeout=2)
        self._file.close()


@contextlib.contextmanager
def local_archive(**kwargs):
    """Start an `ArchiveProcess` for the ``with`` block and stop it afterwards.

    Keyword arguments are those of `ArchiveProcess` (``latency``, ``bandwidth``,
    ``synthetic_rows``, ``synthetic_file_size``, ``request_log``, ``python``,
    ``startup_timeout``).
    """
    archive = ArchiveProcess(**kwargs)
    archive.start()
    try:
        yield archive
    finally:
        archive.stop()


def log(text=""):
    """Print one line of a benchmark's progress at once."""
    print(text, flush=True)


def begin_run(argv=None, **fields):
    """Start a benchmark's run; returns its results so far: the command line, ``fields``, the
    machine.

    From here a plain ``kill`` unwinds like Ctrl-C: archives are stopped and temporary files
    removed by their ``with`` blocks.
    """
    import shlex

    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    command = shlex.join([sys.executable, *(argv if argv is not None else sys.argv)])
    return {"command": command, **fields, "machine": machine_description()}


def machine_description():
    """CPUs, platform and the versions that matter, for a benchmark's report."""
    import platform

    import astroquery

    try:
        from glue_mast import __version__ as gm_version
    except ImportError:
        gm_version = "?"
    return (
        f"{os.cpu_count()} CPUs, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}, glue-mast {gm_version}, "
        f"astroquery {astroquery.__version__}"
    )


def report(results, lines, json_path=None, log=print):
    """Print a benchmark's summary, write its results as JSON if asked; the exit status."""
    import json

    log()
    for line in lines:
        log(line)
    if json_path:
        with open(json_path, "w") as f:
            json.dump(results, f, indent=2, default=str)
            f.write("\n")
        log(f"results written to {json_path}")
    return 0 if results["pass"] else 1


def run_benchmark(main):
    """Run a benchmark's ``main``: exit 0 if every target is met, 1 if not, 2 on an error."""
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception:
        import traceback

        traceback.print_exc()
        sys.exit(2)
