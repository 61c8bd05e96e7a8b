"""One guarded HTTP fetch of one URL: no sleeping, no retrying, typed errors for the scheduler.

:meth:`Fetcher.fetch` performs ONE logical fetch: it follows redirects by hand
(each hop re-checked for scheme, ``allowed_hosts`` and SSRF, at most
``max_redirects``), streams the body under a wire cap, a decoded cap and a
whole-fetch deadline, and returns a :class:`FetchResult` or raises a
:class:`FetchError`.  Whether and when to try again (backoff, Retry-After,
per-host politeness) is the scheduler's decision, made from
``FetchError.reason``, ``retryable`` and ``retry_after_s``.

The reasons (stable codes), :class:`FetchError` and what is worth retrying
are in :mod:`pipeline.crawl.fetch_errors`.

Why it is built this way (RELIABILITY.md sections 1-2 and the local probes):

* requests' read timeout is per recv, so a 1-byte drip never times out.  The
  deadline covers the DNS lookup of every hop (:func:`pipeline.crawl.netguard.check_target`
  stops waiting for the resolver when the time is up), is checked between reads
  (``read1``: at most one recv each), each recv gets ``min(read_timeout_s, time
  left)`` as socket timeout, and a watchdog timer shuts the socket down at the
  deadline, which also stops a server that drips its *headers*.
* ``r.content`` inflates a gzip bomb whole.  We read the raw stream with
  ``decode_content=False`` and inflate ourselves with ``zlib.decompressobj``
  and ``max_length``, so at most cap + 1 decoded bytes ever exist.
* requests follows redirects to internal hosts and forwards custom headers
  cross-host; we follow by hand and send ``extra_headers`` to the first
  origin (scheme, host, port) only.
* Connections go to the checked IP (see :mod:`pipeline.crawl.netguard` for the
  pinning), proxies from the environment are ignored, and a TLS failure is
  ``tls_error`` -- never a retry without verification.

A Fetcher holds one pooled ``requests.Session``; use one Fetcher per thread.
"""
from __future__ import annotations

import http.client
import socket
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urldefrag, urljoin

import requests
import urllib3.exceptions

from pipeline.config import CrawlSettings
from pipeline.crawl import netguard
from pipeline.crawl.fetch_errors import FetchError, is_retryable_status, parse_retry_after
from pipeline.read.limits import CHUNK, HTML_TYPES, SNIFF_BYTES, Inflater, TooLarge, media_type, sniff_non_html

REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class FetchPolicy:
    """Limits and permissions for a Fetcher.  ``limits`` are the ``[crawl]`` settings: connect and
    read timeouts (one recv never blocks longer), ``deadline_s`` (the whole fetch, redirects
    included) and ``max_bytes`` (the cap on wire bytes AND on decoded bytes)."""

    limits: CrawlSettings
    user_agent: str = "newsfacts/0.1 (+mailto:ops@example.org)"
    max_redirects: int = 10
    allowed_hosts: frozenset[str] = frozenset()   # "host" or "host:port"; empty = any host
    allow_private: bool = False        # True only for tests/intranets
    extra_headers: tuple[tuple[str, str], ...] = ()   # first origin (scheme, host, port) only, never after leaving it
    verify_tls: bool = True
    ca_bundle: str | None = None       # a CA file to trust instead of certifi's (tests, intranets)


@dataclass(frozen=True)
class FetchResult:
    """A successful fetch: 200 (or another 2xx) with the decoded body, or 304 with ``b""``."""

    url: str
    final_url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None
    fetched_at: str
    redirects: tuple[str, ...]
    http_version: str = "1.1"
    raw_headers_block: bytes = b""     # status line + headers, rebuilt from the parsed headers in order
    wire_bytes: int = 0                # body bytes as received (before Content-Encoding was removed)


# --------------------------------------------------------------------------- the fetcher


class Fetcher:
    """Guarded single-attempt fetches over one pooled session (see the module docstring)."""

    def __init__(self, policy: FetchPolicy, *, clock: Callable[[], float] = time.monotonic,
                 resolver: Callable = socket.getaddrinfo, wall_clock: Callable[[], float] = time.time) -> None:
        self.policy = policy
        self._clock = clock
        self._wall = wall_clock
        self._resolver = resolver
        self.pins = netguard.PinTable()
        self._session = requests.Session()
        self._session.trust_env = False          # no env proxies (they bypass pinning), no .netrc
        self._session.headers.clear()
        self._session.headers.update({
            "User-Agent": policy.user_agent,
            "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
            "Accept-Encoding": "gzip, deflate",
            "Connection": "keep-alive",
        })
        self._session.verify = (policy.ca_bundle or True) if policy.verify_tls else False
        adapter = netguard.PinnedAdapter(self.pins)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info) -> None:  # type: ignore[no-untyped-def]
        self.close()

    # ------------------------------------------------------------------ one fetch

    def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
              html_only: bool = True) -> FetchResult:
        policy = self.policy
        deadline_at = self._clock() + policy.limits.deadline_s
        watchdog = _Watchdog(self.pins, policy.limits.deadline_s)
        watchdog.start()
        try:
            result = self._fetch(url, etag, last_modified, html_only, deadline_at)
        except FetchError as exc:
            watchdog.stop()
            if watchdog.fired and exc.reason != "deadline":
                raise FetchError("deadline", url, f"whole-fetch deadline of {policy.limits.deadline_s:g}s passed; "
                                 f"the connection was cut ({exc.reason}: {exc.detail})") from None
            raise
        finally:
            watchdog.stop()
        if watchdog.fired:
            # The cut socket may have looked like a normal end of a read-until-close body.
            raise FetchError("deadline", url, f"whole-fetch deadline of {policy.limits.deadline_s:g}s passed; "
                             "the connection was cut, the body may be incomplete")
        return result

    def _fetch(self, url: str, etag: str | None, last_modified: str | None, html_only: bool,
               deadline_at: float) -> FetchResult:
        policy = self.policy
        current = url
        hops: list[str] = []
        seen = {urldefrag(url)[0]}
        first_origin: tuple[str, str, int] | None = None
        send_extra = True
        while True:
            target = self._check(url, current, first_hop=not hops, deadline_at=deadline_at)
            if first_origin is None:
                first_origin = target.origin
            send_extra = send_extra and target.origin == first_origin
            headers = dict(policy.extra_headers) if send_extra else {}
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            self.pins.pin(target)
            resp = self._send(url, current, headers, deadline_at)
            status = resp.status_code
            if status in REDIRECT_CODES:
                location = resp.headers.get("Location")
                resp.close()
                current = self._next_hop(url, current, location, hops, seen)
                continue
            try:
                return self._finish(url, current, resp, hops, html_only, deadline_at)
            finally:
                resp.close()

    def _check(self, url: str, current: str, *, first_hop: bool, deadline_at: float) -> netguard.Target:
        try:  # the DNS lookup counts against the deadline too
            return netguard.check_target(current, allowed_hosts=self.policy.allowed_hosts,
                                         allow_private=self.policy.allow_private, resolver=self._resolver,
                                         timeout=deadline_at - self._clock())
        except netguard.Refused as exc:
            reason = exc.reason
            detail = exc.detail if first_hop else f"redirect to {current}: {exc.detail}"
            if reason == "deadline":
                detail = f"whole-fetch deadline of {self.policy.limits.deadline_s:g}s passed: {detail}"
            if reason == "bad_url" and not first_hop:
                reason = "bad_redirect"
            raise FetchError(reason, url, detail, retryable=exc.retryable) from None

    def _next_hop(self, url: str, current: str, location: str | None, hops: list[str], seen: set[str]) -> str:
        if not location or not location.strip():
            raise FetchError("bad_redirect", url, f"{current} answered a redirect without Location")
        try:  # http.client decodes headers as latin-1; most servers meant UTF-8
            location = location.encode("latin-1").decode("utf-8")
        except UnicodeError:
            pass
        try:
            nxt = urldefrag(urljoin(current, location.strip()))[0]
        except ValueError as exc:
            raise FetchError("bad_redirect", url, f"unparseable Location {location!r} ({exc})") from None
        if len(hops) >= self.policy.max_redirects:
            raise FetchError("redirect_loop", url, f"more than {self.policy.max_redirects} redirects (last {nxt})")
        if nxt in seen:
            raise FetchError("redirect_loop", url, f"redirect back to {nxt}, already visited")
        seen.add(nxt)
        hops.append(nxt)
        return nxt

    def _send(self, url: str, current: str, headers: dict[str, str], deadline_at: float) -> requests.Response:
        left = deadline_at - self._clock()
        if left <= 0:
            raise FetchError("deadline", url,
                             f"whole-fetch deadline of {self.policy.limits.deadline_s:g}s passed before {current}")
        timeout = (min(self.policy.limits.connect_timeout_s, left), min(self.policy.limits.read_timeout_s, left))
        try:
            return self._session.request("GET", current, headers=headers, stream=True,
                                         allow_redirects=False, timeout=timeout)
        except requests.exceptions.SSLError as exc:
            raise FetchError("tls_error", url, f"TLS handshake or certificate check failed for {current}: "
                             f"{_innermost(exc)}; not retried without verification", retryable=False) from None
        except requests.exceptions.ConnectTimeout as exc:
            raise FetchError("connect_error", url, f"connect to {current} timed out: {_innermost(exc)}") from None
        except requests.exceptions.ReadTimeout:
            raise self._timed_out(url, deadline_at, f"waiting for the response headers of {current}",
                                  f"no response headers from {current} within {timeout[1]:g}s") from None
        except (requests.exceptions.InvalidSchema, requests.exceptions.InvalidURL,
                requests.exceptions.MissingSchema) as exc:
            raise FetchError("bad_url", url, f"requests refused {current}: {exc}") from None
        except requests.exceptions.InvalidHeader as exc:
            raise FetchError("bad_http", url, f"invalid response header from {current}: {exc}") from None
        except requests.exceptions.ConnectionError as exc:
            chain = _chain(exc)
            if any(isinstance(e, netguard.Refused) for e in chain):
                raise FetchError("bad_url", url, str(exc)) from None
            if any(isinstance(e, http.client.HTTPException) for e in chain) and not any(
                    isinstance(e, urllib3.exceptions.NewConnectionError) for e in chain):
                raise FetchError("bad_http", url, f"malformed or missing response from {current}: "
                                 f"{_innermost(exc)}") from None
            raise FetchError("connect_error", url, f"cannot connect to {current}: {_innermost(exc)}") from None
        except requests.exceptions.RequestException as exc:
            raise FetchError("bad_http", url, f"request to {current} failed: {_innermost(exc)}") from None

    # ------------------------------------------------------------------ the final response

    def _finish(self, url: str, current: str, resp: requests.Response, hops: list[str], html_only: bool,
                deadline_at: float) -> FetchResult:
        policy = self.policy
        status = resp.status_code
        headers = resp.headers
        if status >= 300 and status != 304:
            retry_after = parse_retry_after(headers.get("Retry-After"), self._wall())
            raise FetchError(f"http_{status}", url, f"{current} answered {status} {resp.reason}"
                             + (f"; Retry-After {retry_after:g}s" if retry_after is not None else ""),
                             retryable=is_retryable_status(status), retry_after_s=retry_after, status=status)
        length = _content_length(headers)
        if length == -1:
            raise FetchError("bad_http", url, f"{current} sent an invalid Content-Length "
                             f"{headers.get('Content-Length')!r}", status=status)
        content_type = headers.get("Content-Type")
        mime = media_type(content_type)
        if status != 304:
            if html_only and mime and mime not in HTML_TYPES:
                raise FetchError("non_html", url, f"non_html({mime}): {current} is not an HTML page",
                                 retryable=False, status=status)
            if length is not None and length > policy.limits.max_bytes:
                raise FetchError("too_large", url,
                                 f"Content-Length {length} exceeds the {policy.limits.max_bytes}-byte cap",
                                 retryable=False, status=status)
            body, wire = self._read_body(url, current, resp, length, html_only, mime, deadline_at)
        else:
            body, wire = b"", 0
        msg = resp.raw._original_response.msg if resp.raw._original_response is not None else None
        header_items = tuple((k, v) for k, v in (msg.raw_items() if msg is not None else headers.items()))
        version = {9: "0.9", 10: "1.0", 11: "1.1", 20: "2"}.get(getattr(resp.raw, "version", 11), "1.1")
        block = f"HTTP/{version} {status} {resp.reason or ''}\r\n".encode("latin-1", "replace")
        block += b"".join(f"{k}: {v}\r\n".encode("latin-1", "replace") for k, v in header_items) + b"\r\n"
        return FetchResult(
            url=url, final_url=current, status=status, headers=header_items, body=body,
            content_type=content_type, etag=headers.get("ETag"), last_modified=headers.get("Last-Modified"),
            fetched_at=datetime.fromtimestamp(self._wall(), tz=timezone.utc).isoformat(timespec="seconds"),
            redirects=tuple(hops), http_version=version, raw_headers_block=block, wire_bytes=wire,
        )

    def _read_body(self, url: str, current: str, resp: requests.Response, length: int | None, html_only: bool,
                   mime: str, deadline_at: float) -> tuple[bytes, int]:
        policy = self.policy
        raw = resp.raw
        encoding = (resp.headers.get("Content-Encoding") or "identity").strip().lower()
        encoding = {"x-gzip": "gzip", "": "identity"}.get(encoding, encoding)
        if encoding not in ("identity", "gzip", "deflate"):
            raise FetchError("bad_encoding", url, f"{current} used Content-Encoding {encoding!r}, "
                             "which we did not ask for", retryable=False, status=resp.status_code)
        inflater = Inflater(encoding, policy.limits.max_bytes) if encoding != "identity" else None
        body = bytearray()
        wire = 0
        sniffed = not html_only
        while True:
            left = deadline_at - self._clock()
            if left <= 0:
                raise FetchError("deadline", url, f"whole-fetch deadline of {policy.limits.deadline_s:g}s passed after "
                                 f"{wire} body bytes from {current}")
            _set_read_timeout(raw, min(policy.limits.read_timeout_s, left))
            try:
                data = raw.read1(SNIFF_BYTES if not sniffed else CHUNK, decode_content=False)
            except urllib3.exceptions.ReadTimeoutError:
                raise self._timed_out(url, deadline_at, f"while reading the body of {current} ({wire} bytes so far)",
                                      f"body of {current} stalled for {policy.limits.read_timeout_s:g}s "
                                      f"after {wire} bytes") from None
            except urllib3.exceptions.ProtocolError as exc:
                if any(isinstance(e, urllib3.exceptions.InvalidChunkLength) for e in _chain(exc)):
                    raise FetchError("bad_http", url, f"broken chunked encoding from {current}: "
                                     f"{_innermost(exc)}") from None
                raise FetchError("truncated", url, f"body of {current} cut off after {wire} bytes: "
                                 f"{_innermost(exc)}") from None
            except (urllib3.exceptions.HTTPError, OSError) as exc:
                raise FetchError("truncated", url, f"body of {current} failed after {wire} bytes: {exc}") from None
            if not data:
                break
            wire += len(data)
            if wire > policy.limits.max_bytes:
                raise FetchError("too_large", url, f"more than {policy.limits.max_bytes} bytes on the wire from {current}",
                                 retryable=False)
            try:
                if inflater:
                    inflater.feed(data, body)
                else:
                    body += data
            except TooLarge:
                raise FetchError("too_large", url, f"{current} inflates ({encoding}) to more than "
                                 f"{policy.limits.max_bytes} bytes", retryable=False) from None
            except zlib.error as exc:
                raise FetchError("bad_encoding", url, f"corrupt {encoding} data from {current}: {exc}",
                                 retryable=False) from None
            if not sniffed and len(body) >= SNIFF_BYTES:
                self._sniff(url, current, body, mime)
                sniffed = True
        if length is not None and wire < length:
            raise FetchError("truncated", url, f"{current} sent {wire} of {length} bytes")
        if inflater is not None and wire and not inflater.complete():
            raise FetchError("truncated", url, f"{encoding} stream from {current} ends early ({wire} bytes)")
        if not sniffed:
            self._sniff(url, current, body, mime)
        return bytes(body), wire

    def _timed_out(self, url: str, deadline_at: float, waiting: str, stalled: str) -> FetchError:
        """A read that timed out: the whole-fetch deadline passed ``waiting`` for something, or one
        recv ``stalled`` for the read timeout."""
        if self._clock() >= deadline_at:
            return FetchError("deadline", url, f"whole-fetch deadline of {self.policy.limits.deadline_s:g}s passed "
                                               f"{waiting}")
        return FetchError("read_timeout", url, stalled)

    @staticmethod
    def _sniff(url: str, current: str, body: bytearray, mime: str) -> None:
        what = sniff_non_html(bytes(body[:SNIFF_BYTES]))
        if what is not None:
            raise FetchError("non_html", url, f"non_html({mime or 'no content-type'}): {current} starts like {what}",
                             retryable=False)


class _Watchdog:
    """Shuts the active socket down when the whole-fetch deadline passes (real time)."""

    def __init__(self, pins: netguard.PinTable, seconds: float) -> None:
        self._pins = pins
        self._seconds = seconds
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()
        self._stopped = False
        self.fired = False

    def start(self) -> None:
        self._timer = threading.Timer(self._seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        with self._lock:
            if self._stopped:
                return
            self.fired = True
            self._pins.kill_active()

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            if self._timer is not None:
                self._timer.cancel()
        self._pins.set_active(None)


def _content_length(headers) -> int | None:  # type: ignore[no-untyped-def]
    """The declared body length; None if absent or chunked; -1 if malformed (RFC 9112 6.3: an error)."""
    value = headers.get("Content-Length")
    if value is None or "chunked" in (headers.get("Transfer-Encoding") or "").lower():
        return None
    values = {v.strip() for v in value.split(",")}
    if len(values) != 1 or not all(v.isdigit() and v.isascii() for v in values):
        return -1
    return int(values.pop())


def _set_read_timeout(raw, seconds: float) -> None:  # type: ignore[no-untyped-def]
    """Bound the next recv: min(read timeout, time left before the deadline)."""
    conn = getattr(raw, "connection", None) or getattr(raw, "_connection", None)
    sock = getattr(conn, "sock", None)
    if sock is not None:
        try:
            sock.settimeout(max(seconds, 0.001))
        except OSError:
            pass


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception, its causes/contexts and any exceptions carried in args (urllib3 nests them)."""
    out: list[BaseException] = []
    todo: list[BaseException] = [exc]
    while todo:
        e = todo.pop()
        if e in out:
            continue
        out.append(e)
        todo.extend(x for x in (e.__cause__, e.__context__, getattr(e, "reason", None)) if isinstance(x, BaseException))
        todo.extend(a for a in e.args if isinstance(a, BaseException))
    return out


def _innermost(exc: BaseException) -> str:
    chain = _chain(exc)
    return str(chain[-1]) or repr(chain[-1])
