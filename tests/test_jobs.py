"""The background job primitive: result, errors, cancel from another thread, throttled progress."""

import threading
import time

import pytest

from glue_mast.errors import InputError
from glue_mast.jobs import Job, JobCancelled, JobTimeout


def test_result_and_done_callback_on_worker_thread():
    seen = []
    job = Job(lambda job: 42, name="answer", start=False)
    job.add_done_callback(lambda j: seen.append(threading.current_thread().name))
    job.start()
    assert job.result(timeout=5) == 42
    assert job.done and not job.cancelled
    assert seen == ["glue-mast answer"]
    # A callback added after the end runs at once.
    late = []
    job.add_done_callback(late.append)
    assert late == [job]


def test_error_is_raised_by_result():
    def work(job):
        raise InputError("radius must be an angle")

    job = Job(work)
    with pytest.raises(InputError, match="radius"):
        job.result(timeout=5)
    assert isinstance(job.exception(), InputError)


def test_cancel_from_another_thread_ends_a_waiting_job_quickly():
    started = threading.Event()

    def work(job):
        started.set()
        job.wait_cancelled(60)
        return "never"

    job = Job(work, name="wait")
    assert started.wait(5)
    t0 = time.monotonic()
    threading.Thread(target=job.cancel).start()
    with pytest.raises(JobCancelled):
        job.result(timeout=5)
    assert time.monotonic() - t0 < 1.0
    assert job.cancelled
    assert "cancelled" in repr(job)


def test_result_timeout_leaves_job_running():
    gate = threading.Event()
    job = Job(lambda job: gate.wait(5) and "ok")
    with pytest.raises(JobTimeout):
        job.result(timeout=0.05)
    gate.set()
    assert job.result(timeout=5) == "ok"


def test_a_timeout_the_work_raises_is_its_own_not_the_waits():
    # TimeoutError and the futures' wait timeout are one class since Python 3.11: a job whose
    # work timed out must raise that error, not claim that the wait for it ran out.
    job = Job(lambda job: (_ for _ in ()).throw(JobTimeout("the files did not arrive")))
    job.wait(5)
    with pytest.raises(JobTimeout, match="^the files did not arrive$"):
        job.result(0)
    with pytest.raises(JobTimeout, match="^the files did not arrive$"):
        job.result()


def test_progress_is_throttled_but_forced_events_pass():
    events = []

    def work(job):
        for i in range(1000):
            job.report(i)
        job.report("last", force=True)

    job = Job(work, start=False)
    job.progress_interval = 10.0
    job.add_progress_callback(events.append)
    job.start()
    job.result(timeout=5)
    assert events == [0, "last"]
