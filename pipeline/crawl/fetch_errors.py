"""What a failed fetch means to the scheduler: the reason codes, :class:`FetchError`, and what
is worth trying again (retryable reasons and statuses, ``Retry-After``).

Kept apart from :mod:`pipeline.crawl.fetch` (the HTTP mechanics) because the crawler decides
from these alone -- retry, back off, defer, give a host up -- and the vocabulary is shared by
the fetcher, the scheduler and the run summary.

Reasons (stable codes): ``bad_url``, ``blocked_ssrf``, ``host_not_allowed``,
``dns_error``, ``connect_error``, ``tls_error``, ``deadline``,
``read_timeout``, ``too_large``, ``truncated``, ``bad_http``,
``bad_encoding`` (a Content-Encoding we did not ask for, or corrupt
gzip/deflate data; not retryable), ``redirect_loop``, ``bad_redirect``,
``http_<code>`` and ``non_html``.
"""
from __future__ import annotations

import email.utils
from datetime import timezone

RETRYABLE_REASONS = frozenset({"connect_error", "deadline", "read_timeout", "truncated", "bad_http", "dns_error"})
RETRYABLE_STATUS = frozenset({408, 425, 429})


class FetchError(Exception):
    """Why a fetch failed, in a form the scheduler can act on."""

    def __init__(self, reason: str, url: str, detail: str, *, retryable: bool | None = None,
                 retry_after_s: float | None = None, status: int | None = None) -> None:
        super().__init__(reason, url, detail)
        self.reason = reason
        self.url = url
        self.detail = detail
        self.retryable = reason in RETRYABLE_REASONS if retryable is None else retryable
        self.retry_after_s = retry_after_s
        self.status = status

    def __str__(self) -> str:
        return f"FETCH reason={self.reason} url={self.url}: {self.detail}"


# --------------------------------------------------------------------------- pure helpers


def parse_retry_after(value: str | None, now_epoch: float) -> float | None:
    """Seconds to wait from a Retry-After value (delay-seconds or an HTTP-date); None if unusable.

    Not capped here: the scheduler decides what is too long to wait for.

    >>> parse_retry_after("120", 0), parse_retry_after(" 86400 ", 0)
    (120.0, 86400.0)
    >>> parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412450.0)
    30.0
    >>> parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412500.0)   # in the past: no wait
    0.0
    >>> parse_retry_after("-5", 0) is None, parse_retry_after("soon", 0) is None, parse_retry_after(None, 0) is None
    (True, True, True)
    """
    if value is None:
        return None
    value = value.strip()
    if value.isdigit() and value.isascii():
        return float(int(value))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - now_epoch)


def is_retryable_status(status: int) -> bool:
    """5xx, 408, 425 and 429 may succeed later in the run; other 4xx will not.

    >>> [is_retryable_status(s) for s in (500, 503, 408, 429, 404, 403, 410)]
    [True, True, True, True, False, False, False]
    """
    return status >= 500 or status in RETRYABLE_STATUS
