"""How glue-mast's queries behave on the wire to MAST: timeouts, retries and EXECUTING polls.

astroquery's sessions get a :class:`MastAdapter` (mounted by
:func:`glue_mast.archive.astroquery_adapter.apply`), which

- gives every request the configured timeout (astroquery sends none, so a silent server
  would hang it forever);
- retries 429 and 5xx gateway answers with :class:`MastRetry`: it honours ``Retry-After``
  when it is whole seconds or an HTTP date, treats anything else ("soon") as absent and backs
  off instead, caps every wait by the timeout, and fails at once with
  :class:`RetryAfterTooLong` when the server asks for longer than that;
- paces the polls of a Mashup query that MAST answers ``"status": "EXECUTING"``. astroquery's
  ``PortalAPI._request`` (astroquery/mast/discovery_portal.py) asks again at once, in a loop
  bounded only by ``PortalAPI.TIMEOUT`` for the whole call (600 s by default); that is
  thousands of requests a minute to a server that has said it is busy. Here consecutive
  EXECUTING answers to the same request are spaced 0.1 s, 0.2 s, ... up to 2 s apart, and
  once the configured timeout has passed since the first of them :class:`StillExecuting` is
  raised. Each page of a multi-page fetch is a different request, with its own budget, so
  astroquery's own paging is never cut short.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from dataclasses import dataclass

from requests.adapters import HTTPAdapter
from urllib3.exceptions import InvalidHeader
from urllib3.util.retry import Retry

from ..errors import RetryAfterTooLong, StillExecuting, human_seconds

__all__ = [
    "FIRST_POLL_DELAY",
    "MAX_POLL_DELAY",
    "MastAdapter",
    "MastRetry",
    "RetryAfterTooLong",
    "StillExecuting",
    "human_seconds",
    "retry_policy",
]

#: Seconds before the first repeated poll of an EXECUTING query; doubled each time after.
FIRST_POLL_DELAY = 0.1
#: Longest pause between two polls of an EXECUTING query.
MAX_POLL_DELAY = 2.0

_INVOKE_PATH = "/api/v0/invoke"
#: astroquery asks again as soon as an EXECUTING answer arrives; the same request after a
#: longer gap belongs to a new call (the previous one gave up on an error or its own limit).
_NEW_CALL_GAP = 1.0


class MastRetry(Retry):
    """urllib3's Retry, with ``Retry-After`` read strictly and capped by ``max_wait``."""

    def __init__(self, *args, max_wait=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_wait = max_wait

    def new(self, **kw):
        retry = super().new(**kw)
        retry.max_wait = self.max_wait
        return retry

    def parse_retry_after(self, retry_after):
        # RFC 9110, section 10.2.3: whole seconds or an HTTP date. urllib3 raises InvalidHeader
        # for anything else, which would end the query in a traceback; no advice is backoff.
        try:
            return super().parse_retry_after(retry_after)
        except InvalidHeader:
            return None

    def sleep_for_retry(self, response):
        seconds = self.get_retry_after(response)
        if seconds is None:
            return False
        if self.max_wait is not None and seconds > self.max_wait:
            raise RetryAfterTooLong(seconds, self.max_wait)
        if seconds:
            time.sleep(seconds)
            return True
        return False


def retry_policy(total, timeout=None):
    """urllib3 retries for MAST: 429 and 5xx gateways, honouring ``Retry-After`` within
    ``timeout``.

    The Mashup ``invoke`` POSTs are reads, so POST is retried too. Read timeouts are not
    retried (the user would wait several timeouts for one answer), and ``read=False`` makes
    urllib3 raise them as timeouts rather than wrapped as a connection failure. No wait is
    longer than ``timeout``: a longer backoff is cut to it, and a longer ``Retry-After`` ends
    the query at once with :class:`RetryAfterTooLong`.
    """
    backoff_max = 30.0 if timeout is None else min(30.0, float(timeout))
    return MastRetry(
        total=total,
        connect=2,
        read=False,
        status=total,
        status_forcelist=(429, 502, 503, 504),
        allowed_methods=None,
        backoff_factor=0.5,
        backoff_max=backoff_max,
        # Seen in full, so that a wait beyond the timeout is refused rather than cut short.
        retry_after_max=float("inf"),
        respect_retry_after_header=True,
        raise_on_status=False,
        max_wait=timeout,
    )


@dataclass
class _Polls:
    key: tuple
    started: float
    deadline: float
    polls: int = 0
    last: float = 0.0  # when the latest EXECUTING answer arrived


class MastAdapter(HTTPAdapter):
    """Gives every request a timeout unless it has one, and paces EXECUTING polls."""

    def __init__(self, timeout, retries):
        super().__init__(max_retries=retries)
        self.timeout = timeout
        self._local = threading.local()  # the session is shared by threads

    def send(self, request, timeout=None, **kwargs):
        timeout = self.timeout if timeout is None else timeout
        if kwargs.get("stream") or not _is_invoke(request):
            return super().send(request, timeout=timeout, **kwargs)
        key = (request.url, request.body)
        polls = getattr(self._local, "polls", None)
        self._local.polls = None
        if (
            polls is not None
            and polls.key == key
            and time.monotonic() - polls.last < _NEW_CALL_GAP
        ):
            self._pause(polls)
        else:
            polls = None
        sent = time.monotonic()
        response = super().send(request, timeout=timeout, **kwargs)
        if not _executing(response):
            return response
        if polls is None:
            polls = _Polls(key, started=sent, deadline=sent + self.timeout)
        polls.polls += 1
        polls.last = time.monotonic()
        if polls.last >= polls.deadline:
            self._give_up(polls)
        self._local.polls = polls
        return response

    def _pause(self, polls):
        delay = min(MAX_POLL_DELAY, FIRST_POLL_DELAY * 2 ** (polls.polls - 1))
        time.sleep(max(0.0, min(delay, polls.deadline - time.monotonic())))
        if time.monotonic() >= polls.deadline:
            self._give_up(polls)

    def _give_up(self, polls):
        raise StillExecuting(time.monotonic() - polls.started, polls.polls, self.timeout)


def _is_invoke(request):
    """Whether ``request`` goes to the Mashup ``invoke`` endpoint (below any base path)."""
    return urllib.parse.urlsplit(request.url).path.endswith(_INVOKE_PATH)


def _executing(response):
    """Whether a Mashup answer says the query is still running."""
    if response.status_code != 200:
        return False
    content = response.content  # read now; requests would read it next anyway
    if b"EXECUTING" not in content:
        return False
    try:
        return json.loads(content).get("status") == "EXECUTING"
    except (ValueError, AttributeError):
        return False
