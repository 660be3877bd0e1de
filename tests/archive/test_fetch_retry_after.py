"""Retry-After on downloads: a value that is neither seconds nor an HTTP date means "no advice"
(back off as usual), never a traceback; a date is honoured."""

import email.utils
import time

import pytest

import glue_mast
from glue_mast.archive.fetch import fetch

DOWNLOAD = "/api/v0.1/Download/file"


@pytest.fixture
def k2(local_mast):
    return glue_mast.products("2410004002")  # one real K2 light curve, 48,960 bytes


@pytest.mark.parametrize("value", ["soon", "", "1.5e3", "inf", "-5", "Tue, 99 Foo 2026"])
def test_a_retry_after_that_is_no_delay_is_treated_as_absent(local_mast, k2, tmp_path, value):
    uri = k2[0]["dataURI"]
    local_mast.faults.error(503, retry_after=value, times=1, match=uri)
    local_mast.clear_log()
    start = time.monotonic()
    result = fetch(k2, tmp_path, backoff=0.05)
    assert result.ok and time.monotonic() - start < 5
    gets = [r for r in local_mast.log if r.path == DOWNLOAD]
    assert [r.status for r in gets] == [503, 200]
    assert gets[1].time - gets[0].time < 1  # the backoff, not some parsed delay


def test_a_retry_after_date_is_honoured(local_mast, k2, tmp_path):
    uri = k2[0]["dataURI"]
    when = email.utils.formatdate(time.time() + 2, usegmt=True)
    local_mast.faults.error(429, retry_after=when, times=1, match=uri)
    local_mast.clear_log()
    result = fetch(k2, tmp_path, backoff=0.05)
    assert result.ok
    gets = [r for r in local_mast.log if r.path == DOWNLOAD]
    assert [r.status for r in gets] == [429, 200]
    assert 0.9 <= gets[1].time - gets[0].time < 3.5  # HTTP dates are whole seconds
