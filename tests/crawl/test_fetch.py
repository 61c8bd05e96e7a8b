"""Fault tests for pipeline.crawl.fetch against real servers on 127.0.0.1.

pytest-httpserver serves well-formed HTTP; a small raw-socket server thread
(:class:`RawServer`) serves drips, hangs, short bodies and garbage.  An
autouse guard refuses every non-loopback connect, so nothing leaves the
machine even when a test makes the fetcher dial a public-looking address.
"""
from __future__ import annotations

import dataclasses
import email.utils
import gzip
import os
import socket
import ssl
import threading
import time
import tracemalloc
import zlib
from datetime import datetime, timedelta, timezone

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from pipeline.config import CrawlSettings, default_settings
from pipeline.crawl import netguard
from pipeline.crawl.fetch import Fetcher, FetchError, FetchPolicy

MiB = 2**20
HTML_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"


# --------------------------------------------------------------------------- helpers


def policy(**kw) -> FetchPolicy:
    """A FetchPolicy with the shipped [crawl] limits, any of them overridden by keyword."""
    limit_names = {f.name for f in dataclasses.fields(CrawlSettings)}
    limits = dataclasses.replace(default_settings().crawl, **{k: kw.pop(k) for k in list(kw) if k in limit_names})
    return FetchPolicy(limits=limits, **kw)


def _start(**kwargs) -> HTTPServer:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True, **kwargs)
    server.start()
    return server


@pytest.fixture(scope="module")
def _a():
    server = _start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def _b():
    server = _start()
    yield server
    server.stop()


@pytest.fixture
def server(_a):
    _a.clear()
    yield _a
    _a.clear()


@pytest.fixture
def server_b(_b):
    _b.clear()
    yield _b
    _b.clear()


def url(server, path: str = "/") -> str:
    return f"http://127.0.0.1:{server.port}{path}"


def policy_for(*servers, **kwargs) -> FetchPolicy:
    """Loopback allowed, and only these servers' host:port."""
    hosts = frozenset(f"127.0.0.1:{s.port}" for s in servers)
    return policy(allow_private=True, allowed_hosts=kwargs.pop("allowed_hosts", hosts), **kwargs)


def fetch_error(policy: FetchPolicy, target: str, **kwargs) -> FetchError:
    fetcher_kwargs = {k: kwargs.pop(k) for k in ("resolver", "clock", "wall_clock") if k in kwargs}
    with Fetcher(policy, **fetcher_kwargs) as fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch(target, **kwargs)
    return info.value


def resolver_for(mapping: dict[str, str], calls: list | None = None):
    """A getaddrinfo stand-in answering from a dict (and recording the names asked)."""

    def resolve(host, port, family=0, type=0, proto=0, flags=0):
        if calls is not None:
            calls.append(host)
        if host not in mapping:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        ip = mapping[host]
        fam = socket.AF_INET6 if ":" in ip else socket.AF_INET
        return [(fam, socket.SOCK_STREAM, 6, "", (ip, port))]

    return resolve


class RawServer:
    """A loopback TCP server running ``handler(conn, stop)`` per connection, after reading the request head."""

    def __init__(self, handler=None, *, accept: bool = True) -> None:
        self.handler = handler
        self.stop = threading.Event()
        self.connections = 0
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self.threads: list[threading.Thread] = []
        if accept:
            self._spawn(self._serve)

    def _spawn(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self.threads.append(thread)
        thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            self.connections += 1
            self._spawn(self._handle, conn)

    def _handle(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(5)
            head = b""
            while b"\r\n\r\n" not in head:
                data = conn.recv(4096)
                if not data:
                    return
                head += data
            self.handler(conn, self.stop)
        except OSError:
            pass
        finally:
            conn.close()

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def policy(self, **kwargs) -> FetchPolicy:
        return policy(allow_private=True, allowed_hosts=frozenset({f"127.0.0.1:{self.port}"}), **kwargs)

    def close(self) -> None:
        self.stop.set()
        self.sock.close()
        for thread in self.threads:
            thread.join(timeout=2)


@pytest.fixture
def raw_server():
    made: list[RawServer] = []

    def make(handler=None, **kwargs) -> RawServer:
        made.append(RawServer(handler, **kwargs))
        return made[-1]

    yield make
    for srv in made:
        srv.close()


# --------------------------------------------------------------------------- normal fetches


def test_gbk_page_200_body_bytes_and_metadata(server):
    page = "<html><head><meta charset=gbk><title>朱镕基 喆 堃</title></head><body>中文新闻</body></html>".encode("gbk")
    server.expect_request("/gbk.html").respond_with_data(
        page, content_type="text/html; charset=gbk", headers={"ETag": '"abc"', "Last-Modified": "Mon, 02 Mar 2026 08:00:00 GMT"})
    with Fetcher(policy_for(server)) as fetcher:
        result = fetcher.fetch(url(server, "/gbk.html"))
    assert result.status == 200 and result.body == page
    assert result.content_type == "text/html; charset=gbk"
    assert (result.etag, result.last_modified) == ('"abc"', "Mon, 02 Mar 2026 08:00:00 GMT")
    assert result.final_url == result.url == url(server, "/gbk.html") and result.redirects == ()
    assert ("Content-Type", "text/html; charset=gbk") in result.headers
    assert result.raw_headers_block.startswith(b"HTTP/1.") and result.raw_headers_block.endswith(b"\r\n\r\n")
    assert b"\r\nContent-Type: text/html; charset=gbk\r\n" in result.raw_headers_block
    assert datetime.fromisoformat(result.fetched_at).utcoffset() == timedelta(0)
    request = server.log[0][0]
    assert request.headers["User-Agent"].startswith("newsfacts/") and request.headers["Accept-Encoding"] == "gzip, deflate"


def test_conditional_get_304(server):
    def handler(request):
        if request.headers.get("If-None-Match") == '"v1"' or request.headers.get("If-Modified-Since"):
            return Response(status=304, headers={"ETag": '"v1"'})
        return Response(b"<html>v1</html>", content_type="text/html", headers={"ETag": '"v1"'})

    server.expect_request("/c").respond_with_handler(handler)
    with Fetcher(policy_for(server)) as fetcher:
        first = fetcher.fetch(url(server, "/c"))
        hit = fetcher.fetch(url(server, "/c"), etag=first.etag)
        hit2 = fetcher.fetch(url(server, "/c"), last_modified="Mon, 02 Mar 2026 08:00:00 GMT")
    assert first.status == 200 and first.etag == '"v1"'
    assert (hit.status, hit.body, hit.etag) == (304, b"", '"v1"')
    assert hit2.status == 304
    assert server.log[1][0].headers["If-None-Match"] == '"v1"'


@pytest.mark.parametrize("encoding", ["gzip", "deflate-zlib", "deflate-raw"])
def test_compressed_page_is_decoded(server, encoding):
    page = ("<html><body>" + "新闻正文。" * 5000 + "</body></html>").encode("utf-8")
    if encoding == "gzip":
        data = gzip.compress(page)
    elif encoding == "deflate-zlib":
        data = zlib.compress(page)
    else:
        comp = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        data = comp.compress(page) + comp.flush()
    server.expect_request("/z").respond_with_data(
        data, content_type="text/html; charset=utf-8", headers={"Content-Encoding": encoding.split("-")[0]})
    with Fetcher(policy_for(server)) as fetcher:
        result = fetcher.fetch(url(server, "/z"))
    assert result.body == page and result.wire_bytes == len(data)


# --------------------------------------------------------------------------- F01 / F02: status codes


@pytest.mark.parametrize("status,retryable", [(503, True), (500, True), (404, False), (403, False), (410, False)])
def test_f01_status_errors_one_request_each(server, status, retryable):
    server.expect_request("/s").respond_with_data("nope", status=status, content_type="text/html")
    err = fetch_error(policy_for(server), url(server, "/s"))
    assert (err.reason, err.retryable, err.status) == (f"http_{status}", retryable, status)
    assert err.url == url(server, "/s") and err.retry_after_s is None
    assert len(server.log) == 1   # the fetcher never retries by itself


NOW = 1_800_000_000.0


@pytest.mark.parametrize("value,expected", [
    ("2", 2.0),
    (email.utils.formatdate(NOW + 120, usegmt=True), 120.0),
    ("86400", 86400.0),   # reported as is: the scheduler defers it rather than sleeping
    ("whenever", None),
])
def test_f02_retry_after_parsed(server, value, expected):
    server.expect_request("/busy").respond_with_data("slow down", status=429, headers={"Retry-After": value})
    err = fetch_error(policy_for(server), url(server, "/busy"), wall_clock=lambda: NOW)
    assert (err.reason, err.retryable, err.retry_after_s) == ("http_429", True, expected)
    assert len(server.log) == 1


def test_f02_retry_after_on_503(server):
    server.expect_request("/m").respond_with_data("maintenance", status=503, headers={"Retry-After": "30"})
    err = fetch_error(policy_for(server), url(server, "/m"))
    assert (err.reason, err.retry_after_s) == ("http_503", 30.0)


# --------------------------------------------------------------------------- network errors


@pytest.mark.parametrize("errno,retryable", [(socket.EAI_NONAME, False), (socket.EAI_AGAIN, True)])
def test_dns_error(errno, retryable):
    def failing(host, port, family=0, type=0, proto=0, flags=0):
        raise socket.gaierror(errno, "lookup failed")

    err = fetch_error(policy(), "http://no-such-host.example/", resolver=failing)
    assert (err.reason, err.retryable) == ("dns_error", retryable)


def test_connection_refused_is_connect_error():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()   # nothing listens there now
    err = fetch_error(policy(allow_private=True), f"http://127.0.0.1:{port}/")
    assert err.reason == "connect_error" and err.retryable


def test_unrequested_content_encoding_is_bad_encoding(server):
    server.expect_request("/br").respond_with_data(b"\x0b\x02\x80hi\x03", content_type="text/html",
                                                   headers={"Content-Encoding": "br"})
    err = fetch_error(policy_for(server), url(server, "/br"))
    assert err.reason == "bad_encoding" and not err.retryable


# --------------------------------------------------------------------------- F03: deadline


def _drip_body(conn, stop):
    conn.sendall(HTML_HEAD + b"Content-Length: 100000\r\n\r\n<html>")
    while not stop.wait(0.5):
        conn.sendall(b"x")


def _hang_after_headers(conn, stop):
    conn.sendall(HTML_HEAD + b"Content-Length: 100000\r\n\r\n")
    stop.wait(10)


def _drip_until_close(conn, stop):
    conn.sendall(HTML_HEAD + b"\r\n<html>")   # no length: the body ends when the connection does
    while not stop.wait(0.5):
        conn.sendall(b"x")


def _drip_headers(conn, stop):
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    while not stop.wait(0.5):
        conn.sendall(b"X-Drip: 1\r\n")


@pytest.mark.parametrize("handler", [_drip_body, _drip_until_close, _hang_after_headers, _drip_headers, None],
                         ids=["drip-body", "drip-until-close", "hang-after-headers", "drip-headers", "accept-never"])
def test_f03_whole_fetch_deadline(raw_server, handler):
    srv = raw_server(handler, accept=handler is not None)
    started = time.monotonic()
    err = fetch_error(srv.policy(deadline_s=2.0), srv.url("/slow"))
    elapsed = time.monotonic() - started
    assert err.reason == "deadline" and err.retryable, err
    assert 1.8 <= elapsed < 2.7, elapsed


def test_deadline_checked_with_injected_clock(server):
    server.expect_request("/x").respond_with_data("<html></html>", content_type="text/html")
    ticks = iter(range(0, 10_000, 100))   # every clock read is 100 s later
    err = fetch_error(policy_for(server), url(server, "/x"), clock=lambda: float(next(ticks)))
    assert err.reason == "deadline" and len(server.log) == 0


def test_read_timeout_shorter_than_deadline(raw_server):
    srv = raw_server(_hang_after_headers)
    err = fetch_error(srv.policy(read_timeout_s=0.5, deadline_s=5.0), srv.url())
    assert err.reason == "read_timeout" and err.retryable


# --------------------------------------------------------------------------- F04: malformed responses


def _short_body(conn, stop):
    conn.sendall(HTML_HEAD + b"Content-Length: 1000\r\n\r\n<html>short")


def _reset_mid_body(conn, stop):
    conn.sendall(HTML_HEAD + b"Content-Length: 100000\r\n\r\n<html>" + b"a" * 5000)
    stop.wait(0.3)
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")


def _no_status_line(conn, stop):
    conn.sendall(b"<html>no status line here</html>\r\n\r\n")


def _bad_content_length(conn, stop):
    conn.sendall(HTML_HEAD + b"Content-Length: abc\r\n\r\n<html>x</html>")


def _broken_chunked(conn, stop):
    conn.sendall(HTML_HEAD + b"Transfer-Encoding: chunked\r\n\r\n6\r\n<html>\r\nzz\r\nxx")


@pytest.mark.parametrize("handler,reasons", [
    (_short_body, {"truncated"}),
    (_reset_mid_body, {"truncated"}),
    (_no_status_line, {"bad_http"}),
    (_bad_content_length, {"bad_http"}),
    (_broken_chunked, {"bad_http", "truncated"}),
], ids=["content-length-too-long", "reset-mid-body", "no-status-line", "content-length-abc", "broken-chunked"])
def test_f04_malformed_responses(raw_server, handler, reasons):
    srv = raw_server(handler)
    err = fetch_error(srv.policy(), srv.url())
    assert err.reason in reasons and err.retryable, err
    assert srv.connections == 1


# --------------------------------------------------------------------------- F05: size caps and bombs

CAP = 1 * MiB


@pytest.fixture(scope="module")
def bombs() -> dict[str, bytes]:
    zeros = b"\0" * (50 * MiB)
    spaces = b"<html><body>" + b" " * (50 * MiB)
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return {
        "gzip-zeros": gzip.compress(zeros, 6),
        "deflate-zeros": zlib.compress(zeros, 6),
        "gzip-html": gzip.compress(spaces, 6),
        "deflate-raw-html": raw.compress(spaces) + raw.flush(),
    }


@pytest.fixture
def inflate_meter(monkeypatch):
    """Counts every byte any zlib decompressobj produces during the test."""
    produced = [0]
    real = zlib.decompressobj

    class Metered:
        def __init__(self, *args, **kwargs):
            self._d = real(*args, **kwargs)

        def decompress(self, data, max_length=0):
            out = self._d.decompress(data, max_length)
            produced[0] += len(out)
            return out

        def __getattr__(self, name):
            return getattr(self._d, name)

    monkeypatch.setattr(zlib, "decompressobj", Metered)
    return produced


def test_f05_content_length_over_cap_refused_before_reading(server):
    server.expect_request("/big").respond_with_data(b"<html>" + b"a" * (2 * CAP), content_type="text/html")
    err = fetch_error(policy_for(server, max_bytes=CAP), url(server, "/big"))
    assert err.reason == "too_large" and not err.retryable
    assert "Content-Length" in err.detail


def test_f05_chunked_without_length_stops_at_wire_cap(raw_server):
    sent = [0]

    def endless_chunks(conn, stop):
        conn.sendall(HTML_HEAD + b"Transfer-Encoding: chunked\r\n\r\n")
        chunk = b"<p>" + b"a" * (64 * 1024 - 3)
        while not stop.is_set() and sent[0] < 8 * CAP:
            conn.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sent[0] += len(chunk)

    srv = raw_server(endless_chunks)
    err = fetch_error(srv.policy(max_bytes=CAP), srv.url())
    assert err.reason == "too_large" and "wire" in err.detail
    assert sent[0] < 8 * CAP   # the server was cut off, not drained


@pytest.mark.parametrize("name,html_only", [
    ("gzip-zeros", False), ("deflate-zeros", False), ("gzip-html", True), ("deflate-raw-html", True)])
def test_f05_compression_bomb_stops_at_decoded_cap(raw_server, bombs, inflate_meter, name, html_only):
    data = bombs[name]
    assert len(data) < CAP   # small on the wire: only the decoded cap can stop it
    encoding = name.split("-")[0].encode()

    def serve_bomb(conn, stop):
        conn.sendall(HTML_HEAD + b"Content-Encoding: %s\r\nContent-Length: %d\r\n\r\n" % (encoding, len(data)) + data)
        stop.wait(5)

    # A raw server: it allocates nothing while we measure (werkzeug in this process would blur the peak).
    srv = raw_server(serve_bomb)
    tracemalloc.start()
    try:
        err = fetch_error(srv.policy(max_bytes=CAP), srv.url("/bomb"), html_only=html_only)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert err.reason == "too_large" and "inflates" in err.detail and not err.retryable
    assert CAP < inflate_meter[0] <= CAP + 64 * 1024, inflate_meter[0]
    assert peak < 2 * CAP, peak   # the capped body itself plus small buffers


def test_f05_zeros_bomb_with_html_only_is_refused_early(server, bombs):
    server.expect_request("/bomb").respond_with_data(
        bombs["gzip-zeros"], content_type="text/html", headers={"Content-Encoding": "gzip"})
    err = fetch_error(policy_for(server, max_bytes=CAP), url(server, "/bomb"))
    assert err.reason in {"non_html", "too_large"}   # NUL bytes sniffed, or the cap, whichever comes first


def test_corrupt_gzip_is_bad_encoding(server):
    server.expect_request("/c").respond_with_data(
        b"\x1f\x8b\x08\x00" + os.urandom(200), content_type="text/html", headers={"Content-Encoding": "gzip"})
    err = fetch_error(policy_for(server), url(server, "/c"))
    assert err.reason == "bad_encoding" and not err.retryable


# --------------------------------------------------------------------------- F06: redirects


def test_f06_redirect_loop_to_itself(server):
    server.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/a"})
    err = fetch_error(policy_for(server), url(server, "/a"))
    assert err.reason == "redirect_loop" and len(server.log) == 1


def test_f06_long_chain_stops_after_max_redirects(server):
    for i in range(25):
        server.expect_request(f"/c{i}").respond_with_data("", status=301, headers={"Location": f"/c{i + 1}"})
    server.expect_request("/c25").respond_with_data("<html>end</html>", content_type="text/html")
    err = fetch_error(policy_for(server), url(server, "/c0"))
    assert err.reason == "redirect_loop" and "more than 10" in err.detail
    assert len(server.log) == 11   # the first request and 10 hops


def test_f06_redirect_without_location(server):
    server.expect_request("/r").respond_with_data("", status=302)
    assert fetch_error(policy_for(server), url(server, "/r")).reason == "bad_redirect"


@pytest.mark.parametrize("location,reason", [
    ("//other-host.example/x", "host_not_allowed"),
    ("ftp://files.example/x", "bad_redirect"),
    ("javascript:alert(1)", "bad_redirect"),
    ("file:///etc/passwd", "bad_redirect"),
])
def test_f06_bad_redirect_targets(server, connect_guard, location, reason):
    server.expect_request("/r").respond_with_data("", status=302, headers={"Location": location})
    err = fetch_error(policy_for(server), url(server, "/r"))
    assert err.reason == reason and len(server.log) == 1 and connect_guard == []


def test_f06_relative_redirects_followed(server):
    server.expect_request("/news/2026/a.html").respond_with_data("", status=301, headers={"Location": "../b/c.html"})
    server.expect_request("/news/b/c.html").respond_with_data("", status=307, headers={"Location": "final.html?x=1"})
    server.expect_request("/news/b/final.html").respond_with_data("<html>ok</html>", content_type="text/html")
    with Fetcher(policy_for(server)) as fetcher:
        result = fetcher.fetch(url(server, "/news/2026/a.html"))
    assert result.body == b"<html>ok</html>"
    assert result.redirects == (url(server, "/news/b/c.html"), url(server, "/news/b/final.html?x=1"))
    assert result.final_url == url(server, "/news/b/final.html?x=1")


# --------------------------------------------------------------------------- F07: non-HTML


def _pdf_as_html_then_hang(conn, stop):
    conn.sendall(HTML_HEAD + b"Content-Length: 5000000\r\n\r\n%PDF-1.4\n" + b"0" * 2000)
    stop.wait(10)


def _jpeg_then_hang(conn, stop):
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: 5000000\r\n\r\n\xff\xd8\xff")
    stop.wait(10)


@pytest.mark.parametrize("handler,what", [(_pdf_as_html_then_hang, "PDF"), (_jpeg_then_hang, "image/jpeg")])
def test_f07_non_html_stops_after_sniff(raw_server, handler, what):
    srv = raw_server(handler)
    started = time.monotonic()
    err = fetch_error(srv.policy(deadline_s=5.0), srv.url("/doc.htm"))
    # The rest of the body never comes: had the fetcher read past the sniff it would hit the deadline.
    assert time.monotonic() - started < 1.0
    assert err.reason == "non_html" and not err.retryable and what in err.detail


def test_f07_pdf_allowed_when_not_html_only(server):
    pdf = b"%PDF-1.4\n" + b"1 0 obj\n" * 100
    server.expect_request("/doc").respond_with_data(pdf, content_type="application/pdf")
    with Fetcher(policy_for(server)) as fetcher:
        assert fetcher.fetch(url(server, "/doc"), html_only=False).body == pdf


# --------------------------------------------------------------------------- X01: SSRF, allow-list, header leaks


def test_x01_redirect_to_host_not_allowed_never_reaches_it(server, server_b):
    server_b.expect_request("/secret").respond_with_data("internal")
    server.expect_request("/go").respond_with_data("", status=302, headers={"Location": url(server_b, "/secret")})
    err = fetch_error(policy_for(server), url(server, "/go"))
    assert err.reason == "host_not_allowed" and not err.retryable
    assert len(server.log) == 1 and len(server_b.log) == 0


def test_x01_first_url_not_in_allowed_hosts(server):
    err = fetch_error(policy(allow_private=True, allowed_hosts=frozenset({"news.example.cn"})), url(server))
    assert err.reason == "host_not_allowed" and len(server.log) == 0


@pytest.mark.parametrize("template", [
    "http://127.0.0.1:{port}/", "http://[::1]:{port}/", "http://[::ffff:127.0.0.1]:{port}/", "http://2130706433:{port}/",
    "http://0x7f.1:{port}/", "http://0177.0.0.1:{port}/", "http://0:{port}/", "http://127.0.0.1.:{port}/", "http://localhost.:{port}/",
    "http://localhost:{port}/", "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "https://192.168.1.1/",
])
def test_x01_private_targets_blocked_before_connecting(server, connect_guard, template):
    calls: list[str] = []
    target = template.format(port=server.port)
    with Fetcher(policy(), resolver=resolver_for({}, calls)) as fetcher:
        with pytest.raises(FetchError) as info:
            fetcher.fetch(target)
        assert list(fetcher.pins.connects) == []
    assert info.value.reason == "blocked_ssrf" and not info.value.retryable, info.value
    assert calls == [] and connect_guard == [] and len(server.log) == 0


def test_x01_name_resolving_to_private_blocked(server):
    calls: list[str] = []
    err = fetch_error(policy(), f"http://intranet.example:{server.port}/",
                      resolver=resolver_for({"intranet.example": "127.0.0.1"}, calls))
    assert err.reason == "blocked_ssrf" and calls == ["intranet.example"] and len(server.log) == 0


@pytest.mark.parametrize("target", [
    "file:///etc/passwd", "ftp://ftp.example.org/x", "data:text/html,<h1>hi</h1>", "gopher://example.org:70/1",
    "javascript:alert(1)", "http:///no-host", "//no-scheme.example/", "", "http://user:pw@news.example.cn/",
])
def test_x01_bad_urls(target, connect_guard):
    err = fetch_error(policy(), target, resolver=resolver_for({}))
    assert err.reason == "bad_url" and not err.retryable and connect_guard == []


def test_x01_redirect_from_public_site_into_private_space_blocked(server, server_b, monkeypatch, connect_guard):
    # Pretend server A (127.0.0.1, named news.test) is a public site; everything else keeps the real check.
    real = netguard.is_public_address
    monkeypatch.setattr(netguard, "is_public_address", lambda ip: ip == "127.0.0.1" or real(ip))
    resolver = resolver_for({"news.test": "127.0.0.1", "metadata.test": "169.254.169.254"})
    targets = ["http://169.254.169.254/latest/meta-data/", f"http://[::1]:{server_b.port}/",
               f"http://localhost.:{server_b.port}/", "http://10.1.2.3/", "http://metadata.test/"]
    for i, target in enumerate(targets):
        server.expect_request(f"/go{i}").respond_with_data("", status=302, headers={"Location": target})
    with Fetcher(policy(), resolver=resolver) as fetcher:
        for i, target in enumerate(targets):
            with pytest.raises(FetchError) as info:
                fetcher.fetch(f"http://news.test:{server.port}/go{i}")
            assert info.value.reason == "blocked_ssrf", (target, info.value)
            assert target in info.value.detail
    assert len(server.log) == len(targets) and len(server_b.log) == 0 and connect_guard == []


def test_x01_custom_header_not_sent_cross_host(server, server_b):
    server.expect_request("/go").respond_with_data("", status=302, headers={"Location": url(server_b, "/land")})
    server_b.expect_request("/land").respond_with_data("<html>landed</html>", content_type="text/html")
    policy = policy_for(server, server_b, extra_headers=(("X-Api-Key", "s3cret"),))
    with Fetcher(policy) as fetcher:
        result = fetcher.fetch(url(server, "/go"))
    assert result.body == b"<html>landed</html>" and result.final_url == url(server_b, "/land")
    assert server.log[0][0].headers.get("X-Api-Key") == "s3cret"
    assert "X-Api-Key" not in server_b.log[0][0].headers


# --------------------------------------------------------------------------- X02: DNS rebinding


def test_x02_connection_goes_only_to_the_validated_ip(server, monkeypatch, connect_guard):
    answers = iter(["192.0.2.1"])   # the check sees a "public" IP; every later lookup says loopback
    lookups: list[str] = []

    def rebinding(host, port, family=0, type=0, proto=0, flags=0):
        lookups.append(host)
        ip = next(answers, "127.0.0.1")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))]

    real = netguard.is_public_address   # 192.0.2.0/24 is TEST-NET; count it as public for this test only
    monkeypatch.setattr(netguard, "is_public_address", lambda ip: ip == "192.0.2.1" or real(ip))
    monkeypatch.setattr(socket, "getaddrinfo", rebinding)   # a library resolving again would get loopback
    server.expect_request("/").respond_with_data("<html>internal</html>", content_type="text/html")
    pinned = policy(connect_timeout_s=0.5, allowed_hosts=frozenset({f"rebind.test:{server.port}"}))
    with Fetcher(pinned, resolver=rebinding) as fetcher:
        started = time.monotonic()
        with pytest.raises(FetchError) as info:
            fetcher.fetch(f"http://rebind.test:{server.port}/")
        assert info.value.reason == "connect_error" and info.value.retryable
        assert time.monotonic() - started < 1.0
        assert list(fetcher.pins.connects) == [("192.0.2.1", server.port)]
        assert connect_guard == ["192.0.2.1"] and lookups == ["rebind.test"]
        # The next fetch resolves afresh, sees loopback, and refuses it.
        with pytest.raises(FetchError) as again:
            fetcher.fetch(f"http://rebind.test:{server.port}/")
        assert again.value.reason == "blocked_ssrf"
    assert len(server.log) == 0


# --------------------------------------------------------------------------- X06: TLS


def _tls_material(tmp_path, name: str):
    """(server SSLContext, CA file) for a cert valid for ``name``: trustme, else cryptography, else skip."""
    try:
        import trustme
    except ImportError:
        trustme = None
    if trustme is not None:
        ca = trustme.CA()
        leaf = ca.issue_cert(name)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        leaf.configure_cert(context)
        ca_file = tmp_path / "ca.pem"
        ca.cert_pem.write_to_path(str(ca_file))
        return context, str(ca_file)
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:
        pytest.skip("neither trustme nor cryptography is installed: cannot make a TLS certificate")
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert_file), str(key_file))
    return context, str(cert_file)


@pytest.fixture
def tls_server(tmp_path):
    context, ca_file = _tls_material(tmp_path, "news.test")
    srv = _start(ssl_context=context)
    srv.expect_request("/").respond_with_data("<html>secure</html>", content_type="text/html")
    yield srv, ca_file
    srv.stop()


def _tls_policy(srv, host: str, **kwargs) -> FetchPolicy:
    return policy(allow_private=True, allowed_hosts=frozenset({f"{host}:{srv.port}"}), **kwargs)


def test_x06_self_signed_is_tls_error_and_not_retried_unverified(tls_server):
    srv, _ = tls_server
    resolver = resolver_for({"news.test": "127.0.0.1"})
    err = fetch_error(_tls_policy(srv, "news.test"), f"https://news.test:{srv.port}/", resolver=resolver)
    assert err.reason == "tls_error" and not err.retryable
    assert len(srv.log) == 0   # no request ever completed: no fallback to verify=False


def test_x06_pinned_ip_still_verifies_the_real_hostname(tls_server):
    srv, ca_file = tls_server
    resolver = resolver_for({"news.test": "127.0.0.1", "other.test": "127.0.0.1"})
    with Fetcher(_tls_policy(srv, "news.test", ca_bundle=ca_file), resolver=resolver) as fetcher:
        result = fetcher.fetch(f"https://news.test:{srv.port}/")
        assert list(fetcher.pins.connects) == [("127.0.0.1", srv.port)]
    assert result.body == b"<html>secure</html>"   # SNI and the certificate check used news.test
    assert srv.log[0][0].host == f"news.test:{srv.port}"
    err = fetch_error(_tls_policy(srv, "other.test", ca_bundle=ca_file), f"https://other.test:{srv.port}/",
                      resolver=resolver)
    assert err.reason == "tls_error"   # same IP, wrong name: the hostname check still applies
