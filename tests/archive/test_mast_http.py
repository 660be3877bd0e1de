"""The wire policy for queries: how waits MAST asks for are read and shown."""

import pytest

from glue_mast.archive.mast_http import RetryAfterTooLong, human_seconds, retry_policy


@pytest.mark.parametrize(
    "seconds, text",
    [
        (31, "31 s"),
        (150, "150 s (2.5 minutes)"),
        (3600, "3600 s (1 hour)"),
        (7200, "7200 s (2 hours)"),
        (86400, "86400 s (1 day)"),
        (400 * 86400, "34560000 s (1.1 years)"),
        (10**23 - 1, "99999999999999999999999 s (3.17e+15 years)"),
    ],
)
def test_human_seconds(seconds, text):
    assert human_seconds(seconds) == text


@pytest.mark.parametrize(
    "value, seconds",
    [("7", 7), (" 3 ", 3), ("soon", None), ("1.5e3", None), ("-5", None), ("", None)],
)
def test_retry_after_is_whole_seconds_or_nothing(value, seconds):
    assert retry_policy(3, timeout=10).parse_retry_after(value) == seconds


def test_a_wait_beyond_the_timeout_is_refused_not_shortened():
    class Response:
        headers = {"Retry-After": "86400"}

    policy = retry_policy(3, timeout=10).new(total=2)  # urllib3 copies it at every retry
    assert policy.max_wait == 10 and policy.backoff_max == 10
    with pytest.raises(RetryAfterTooLong, match=r"86400 s \(1 day\), longer than the 10 s"):
        policy.sleep_for_retry(Response())
