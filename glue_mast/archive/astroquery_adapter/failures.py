"""astroquery's and requests' exceptions turned into glue-mast's, with one-line messages."""

from __future__ import annotations

import contextlib
import json

import requests

from ... import config
from ...errors import (
    RetryAfterTooLong,
    ServerConnectionError,
    ServerError,
    ServerTimeout,
    StillExecuting,
    human_seconds,
)

__all__ = ["answer_json", "astroquery_call"]


def answer_json(response):
    """The JSON of one of MAST's answers; a ServerError when it is not JSON."""
    try:
        return response.json()
    except ValueError:
        raise ServerError(
            f"{config.current_server()} answered with something that is not JSON; it may be "
            "down or not a MAST server: try again later or check the server setting",
            field="server",
            value=config.current_server(),
        ) from None


@contextlib.contextmanager
def astroquery_call(what):
    """Turn astroquery and requests exceptions raised while doing ``what`` into one line."""
    from astroquery.exceptions import InvalidQueryError, RemoteServiceError
    from astroquery.exceptions import TimeoutError as AstroqueryTimeout

    server = config.current_server()
    timeout = config.current_timeout()
    try:
        yield
    except RetryAfterTooLong as exc:
        raise ServerError(
            f"MAST asked to wait {human_seconds(exc.seconds)} before answering while {what}, "
            f"longer than the {exc.limit:g} s timeout; try again later",
            field="timeout",
            value=exc.limit,
        ) from None
    except StillExecuting as exc:
        raise ServerTimeout(
            f"MAST at {server} was still working on the query after {exc.seconds:.0f} s "
            f"({exc.polls} answers of EXECUTING) while {what}; it was given the {exc.limit:g} s "
            "timeout: try again later, allow longer (the timeout setting, GLUE_MAST_TIMEOUT), "
            "or narrow the search",
            field="timeout",
            value=exc.limit,
        ) from None
    except AstroqueryTimeout:
        # astroquery's own bound on a whole call, every page and poll of it (PortalAPI.TIMEOUT).
        from astroquery.mast.discovery_portal import PortalAPI

        raise ServerTimeout(
            f"MAST at {server} did not finish while {what} within {PortalAPI.TIMEOUT:g} s, "
            "astroquery's limit for one query with all its pages; try again later, allow longer "
            "(the timeout setting, GLUE_MAST_TIMEOUT), or narrow the search",
            field="timeout",
            value=timeout,
        ) from None
    except (requests.Timeout, TimeoutError):
        raise ServerTimeout(
            f"MAST at {server} did not answer within {timeout:g} s while {what}; try again, "
            "allow longer (the timeout setting, GLUE_MAST_TIMEOUT), or narrow the search",
            field="timeout",
            value=timeout,
        ) from None
    except requests.ConnectionError as exc:
        reason = _root_reason(exc)
        raise ServerConnectionError(
            f"could not reach MAST at {server} while {what} ({reason}); check your network "
            "and the server setting (GLUE_MAST_SERVER)",
            field="server",
            value=server,
        ) from None
    except requests.HTTPError as exc:
        status = exc.response.status_code if exc.response is not None else "?"
        reason = exc.response.reason if exc.response is not None else ""
        busy = status in (429, 500, 502, 503, 504)
        hint = (
            "MAST is busy or down: try again in a few minutes"
            if busy
            else "check the server setting (GLUE_MAST_SERVER)"
        )
        raise ServerError(
            f"MAST at {server} answered HTTP {status} {reason} while {what}; {hint}",
            field=None if busy else "server",
            value=None if busy else server,
        ) from None
    except RemoteServiceError as exc:
        raise ServerError(f"MAST reported an error while {what}: {exc}") from None
    except InvalidQueryError as exc:
        from ...errors import InputError

        raise InputError(f"MAST rejected the query: {exc}") from None
    except (json.JSONDecodeError, requests.exceptions.JSONDecodeError):
        raise ServerError(
            f"MAST at {server} answered with malformed JSON while {what}; it may be having "
            "trouble: try again later"
        ) from None


def _root_reason(exc):
    text = str(exc)
    for marker in (
        "Connection refused",
        "Name or service not known",
        "timed out",
        "Connection reset",
        "Remote end closed",
        "Max retries exceeded",
    ):
        if marker in text:
            return marker.lower()
    return type(exc).__name__
