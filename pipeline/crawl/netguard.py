"""Where the fetcher may connect: URL and address checks, and connections pinned to checked IPs.

The threat is server-side request forgery: a seed, a link or a redirect that
points the crawler at 127.0.0.1, the cloud metadata address 169.254.169.254,
an intranet host, or a name whose DNS answer changes between our check and
the connection (DNS rebinding).  Checking a URL's *name* is not enough, so
:func:`check_target` resolves the host itself, refuses the target when ANY
address is not public, and hands back the addresses it checked.

Pinning (why a custom adapter and not a Host-header trick): the checked
addresses go into a :class:`PinTable` owned by one Fetcher.  :class:`PinnedAdapter`
is a requests ``HTTPAdapter`` whose urllib3 pools build their connections from
subclasses of urllib3's ``HTTPConnection`` / ``HTTPSConnection`` that override
only ``_new_conn`` -- the one place urllib3 resolves a name and opens the TCP
socket.  Our ``_new_conn`` looks the (host, port) up in the pin table and
connects to those IPs only; it never calls ``getaddrinfo``, and with no pin it
refuses (fail closed).  Everything above the socket is urllib3's own code, so
the URL, the ``Host`` header, cookies, TLS SNI and certificate hostname
verification all still use the real name (``HTTPSConnection.connect`` wraps
the socket we return with ``server_hostname=self.host``).  Rewriting URLs to
IP literals instead would break SNI, cookies and ``final_url``.  Proxies would
bypass the pin, so the Fetcher's session sets ``trust_env=False``.

The pin table also remembers the socket in use, so a watchdog thread can shut
it down when the whole-fetch deadline passes even while a read is blocked
(a server that drips header bytes defeats per-read socket timeouts).

Reasons raised here (see :class:`Refused`): ``bad_url``, ``host_not_allowed``,
``blocked_ssrf``, ``dns_error``, and ``deadline`` when the name is not resolved within the
time left of the fetch (DNS counts against the whole-fetch deadline).
"""
from __future__ import annotations

import ipaddress
import socket
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import idna
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util.timeout import _DEFAULT_TIMEOUT

ALLOWED_SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
# NAT64 (RFC 6052) embeds an IPv4 address in the low 32 bits.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class Refused(Exception):
    """A target we will not connect to; ``reason`` is one of the fetcher's stable codes."""

    def __init__(self, reason: str, detail: str, *, retryable: bool = False) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
        self.retryable = retryable


# --------------------------------------------------------------------------- pure helpers


def normalize_ip_host(host: str) -> str | None:
    """The IP address a host string spells, as ``getaddrinfo`` would read it; None for a name.

    IPv4 follows ``inet_aton``: 1 to 4 parts, each decimal, octal (leading 0)
    or hex (0x), the last part filling the remaining bytes.  These are the
    spellings used to sneak loopback past name-based filters.

    >>> [normalize_ip_host(h) for h in ["2130706433", "0x7f.1", "0177.0.0.1", "127.1", "0"]]
    ['127.0.0.1', '127.0.0.1', '127.0.0.1', '127.0.0.1', '0.0.0.0']
    >>> normalize_ip_host("[::1]"), normalize_ip_host("::ffff:127.0.0.1")
    ('::1', '::ffff:7f00:1')
    >>> normalize_ip_host("news.example.cn"), normalize_ip_host("1.2.3.4.5"), normalize_ip_host("256.1.1.1")
    (None, None, None)
    """
    h = host.strip().lower()
    if h.startswith("[") and h.endswith("]"):
        h = h[1:-1]
    if ":" in h:
        try:
            return str(ipaddress.IPv6Address(h.split("%", 1)[0]))
        except ValueError:
            return None
    parts = h.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    numbers = []
    for part in parts:
        if part.startswith("0x"):
            digits, base = part[2:], 16
        elif len(part) > 1 and part.startswith("0"):
            digits, base = part[1:], 8
        else:
            digits, base = part, 10
        if not digits or not digits.isascii() or not digits.isalnum():
            return None
        try:
            numbers.append(int(digits, base))
        except ValueError:
            return None
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (4 - len(head)):
        return None
    value = 0
    for n in head:
        value = value * 256 + n
    value = value * 256 ** (4 - len(head)) + last
    return str(ipaddress.IPv4Address(value))


def is_public_address(ip_str: str) -> bool:
    """Whether an IP is a public unicast address we may crawl (IPv4 inside IPv6 is unwrapped).

    >>> [is_public_address(a) for a in ["93.184.216.34", "2606:4700::1111"]]
    [True, True]
    >>> [is_public_address(a) for a in ["127.0.0.1", "10.1.2.3", "169.254.169.254", "0.0.0.0", "224.0.0.1",
    ...                                  "100.64.0.1", "::1", "fe80::1%eth0", "::ffff:127.0.0.1", "64:ff9b::a00:1",
    ...                                  "2002:7f00:1::", "240.0.0.1", "not an ip"]]
    [False, False, False, False, False, False, False, False, False, False, False, False, False]
    """
    try:
        ip = ipaddress.ip_address(ip_str.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None and not is_public_address(str(embedded)):
            return False
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
    return ip.is_global and not (
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
        or ip.is_reserved or ip.is_unspecified
    )


def ascii_host(host: str) -> str:
    """The host as sent on the wire: lower case, IDNA for non-ASCII names, no brackets.

    >>> ascii_host("News.Example.CN"), ascii_host("新华网.中国"), ascii_host("[::1]")
    ('news.example.cn', 'xn--xkrr14bows.xn--fiqs8s', '::1')
    """
    h = host.strip("[]").lower()
    if h.isascii():
        return h
    try:
        return idna.encode(h.rstrip("."), uts46=True).decode("ascii") + ("." if h.endswith(".") else "")
    except idna.IDNAError as exc:
        raise Refused("bad_url", f"host {host!r} is not a valid internationalised name ({exc})") from exc


def pin_key(host: str, port: int) -> tuple[str, int]:
    """How the pin table and the connection agree on a host: urllib3 drops the trailing dot.

    >>> pin_key("News.Example.CN.", 80)
    ('news.example.cn', 80)
    """
    return host.strip("[]").rstrip(".").lower(), port


def host_allowed(host: str, port: int, allowed: Iterable[str]) -> bool:
    """Whether ``host`` (or ``host:port``) is in an allow-list; an empty list allows any host.

    >>> host_allowed("a.cn", 80, []), host_allowed("a.cn", 8080, ["a.cn"]), host_allowed("b.cn", 80, ["a.cn"])
    (True, True, False)
    >>> host_allowed("127.0.0.1", 8001, ["127.0.0.1:8000"]), host_allowed("::1", 81, ["[::1]:81"])
    (False, True)
    >>> host_allowed("::1", 81, ["[::1]"]), host_allowed("::2", 81, ["[::1]"])   # IPv6 as URLs write it
    (True, False)
    """
    allowed = {entry.strip().lower().rstrip(".") for entry in allowed}
    if not allowed:
        return True
    h = host.strip("[]").lower().rstrip(".")
    return bool({h, f"[{h}]", f"{h}:{port}", f"[{h}]:{port}"} & allowed)


# --------------------------------------------------------------------------- checking a target


@dataclass(frozen=True)
class Target:
    """A URL that passed the checks, and the addresses a connection to it may use."""

    url: str
    scheme: str
    host: str            # ASCII form, as requests/urllib3 will name it
    port: int
    addresses: tuple[str, ...]

    @property
    def origin(self) -> tuple[str, str, int]:
        return self.scheme, self.host.rstrip("."), self.port


def parse_http_url(url: str) -> tuple[str, str, int]:
    """Scheme, ASCII host and port of an http(s) URL, or :class:`Refused` ``bad_url``.

    >>> parse_http_url("HTTPS://News.Example.cn/a?b=1")
    ('https', 'news.example.cn', 443)
    >>> parse_http_url("file:///etc/passwd")
    Traceback (most recent call last):
    ...
    pipeline.crawl.netguard.Refused: bad_url: scheme 'file' is not http or https
    """
    if not isinstance(url, str) or not url:
        raise Refused("bad_url", "empty URL")
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in url):
        raise Refused("bad_url", "URL contains spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise Refused("bad_url", f"cannot parse URL ({exc})") from exc
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise Refused("bad_url", f"scheme {scheme or '(none)'!r} is not http or https")
    if not parts.hostname:
        raise Refused("bad_url", "URL has no host")
    if parts.username is not None or parts.password is not None:
        raise Refused("bad_url", "URL carries user:password credentials; refusing to send them")
    return scheme, ascii_host(parts.hostname), port or DEFAULT_PORTS[scheme]


def check_target(
    url: str,
    *,
    allowed_hosts: Iterable[str],
    allow_private: bool,
    resolver: Callable = socket.getaddrinfo,
    timeout: float | None = None,
) -> Target:
    """Validate a URL (scheme, allow-list, every resolved address) before any connection.

    IP literals in any spelling are decoded without DNS; names are resolved with
    the injected ``resolver`` (same signature as ``socket.getaddrinfo``), within
    ``timeout`` seconds if given (the time left of the fetch's deadline): a name
    not resolved by then is ``Refused("deadline")``.

    >>> check_target("http://0x7f.1/", allowed_hosts=(), allow_private=False)
    Traceback (most recent call last):
    ...
    pipeline.crawl.netguard.Refused: blocked_ssrf: 0x7f.1 is 127.0.0.1, which is not a public address
    >>> check_target("http://127.0.0.1:8000/", allowed_hosts=("127.0.0.1:8000",), allow_private=True).addresses
    ('127.0.0.1',)
    """
    scheme, host, port = parse_http_url(url)
    if not host_allowed(host, port, allowed_hosts):
        raise Refused("host_not_allowed", f"{host}:{port} is not in allowed_hosts")
    bare = host.rstrip(".")
    literal = normalize_ip_host(bare)   # "127.0.0.1." is still an IP literal: never ask DNS about it
    if literal is not None:
        addresses: tuple[str, ...] = (literal,)
        if not allow_private and not is_public_address(literal):
            spelled = f"{host} is" if literal == bare else f"{host} is {literal}, which is"
            raise Refused("blocked_ssrf", f"{spelled} not a public address")
    else:
        if not allow_private and (bare == "localhost" or bare.endswith(".localhost")):
            raise Refused("blocked_ssrf", f"{host} is a loopback name (RFC 6761)")
        addresses = _resolve(host, port, resolver, timeout)
        if not allow_private:
            bad = [a for a in addresses if not is_public_address(a)]
            if bad:
                raise Refused("blocked_ssrf", f"{host} resolves to non-public address(es) {', '.join(bad)}")
    return Target(url=url, scheme=scheme, host=host, port=port, addresses=addresses)


def _resolve(host: str, port: int, resolver: Callable, timeout: float | None = None) -> tuple[str, ...]:
    try:
        infos = _bounded(resolver, (host, port, 0, socket.SOCK_STREAM), timeout, f"resolving {host}")
    except socket.gaierror as exc:
        # EAI_AGAIN is a temporary failure; NXDOMAIN and friends will not fix themselves tonight.
        temporary = exc.errno in (getattr(socket, "EAI_AGAIN", -3),)
        raise Refused("dns_error", f"cannot resolve {host}: {exc}", retryable=temporary) from exc
    except (OSError, UnicodeError) as exc:
        raise Refused("dns_error", f"cannot resolve {host}: {exc}", retryable=True) from exc
    addresses: list[str] = []
    for info in infos or ():
        family, sockaddr = info[0], info[4]
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        address = str(sockaddr[0]).split("%", 1)[0] if family == socket.AF_INET6 else str(sockaddr[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise Refused("dns_error", f"{host} has no IPv4/IPv6 address", retryable=True)
    return tuple(addresses)


def _bounded(call: Callable, args: tuple, timeout: float | None, doing: str):
    """``call(*args)``, given up after ``timeout`` seconds (None: no limit) with ``Refused("deadline")``.

    ``getaddrinfo`` takes no timeout and cannot be interrupted: the resolver's own retries
    (resolv.conf ``timeout`` x ``attempts``) can hold it for tens of seconds, outside the
    sockets the watchdog can cut.  So it runs in a daemon thread that we stop waiting for when
    the time is up; the thread ends when the resolver gives up, and its answer is dropped.
    """
    if timeout is None:
        return call(*args)
    if timeout <= 0:
        raise Refused("deadline", f"no time left for {doing}", retryable=True)
    box: dict = {}

    def run() -> None:
        try:
            box["value"] = call(*args)
        except BaseException as exc:  # handed to the waiting thread, raised there
            box["error"] = exc

    thread = threading.Thread(target=run, name="newsfacts-resolve", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise Refused("deadline", f"no answer {doing} in the {timeout:.2g} s left", retryable=True)
    if "error" in box:
        raise box["error"]
    return box["value"]


# --------------------------------------------------------------------------- pinned connections


class PinTable:
    """Checked addresses by (host, port), plus the socket currently in use (for the watchdog).

    One table belongs to one Fetcher, which is used by one thread at a time.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pins: dict[tuple[str, int], tuple[str, ...]] = {}
        self._active: socket.socket | None = None
        self.connects: deque[tuple[str, int]] = deque(maxlen=256)   # recent (ip, port) dialled, for logs/tests

    def pin(self, target: Target) -> None:
        with self._lock:
            self._pins[pin_key(target.host, target.port)] = target.addresses

    def lookup(self, host: str, port: int) -> tuple[str, ...]:
        with self._lock:
            return self._pins.get(pin_key(host, port), ())

    def set_active(self, sock: socket.socket | None) -> None:
        with self._lock:
            self._active = sock

    def kill_active(self) -> bool:
        """Shut down the socket in use so a blocked read returns at once (watchdog)."""
        with self._lock:
            sock = self._active
        if sock is None:
            return False
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        return True


class _PinnedMixin:
    """Overrides urllib3's ``_new_conn``: connect to the pinned IPs, never resolve."""

    pins: PinTable  # set on the per-adapter subclass

    def _new_conn(self) -> socket.socket:  # noqa: D401 - urllib3 hook
        host, port = self.host, self.port  # type: ignore[attr-defined]
        addresses = self.pins.lookup(host, port)
        if not addresses:
            raise NewConnectionError(self, f"no checked address for {host}:{port}; refusing to resolve it here")
        error: Exception | None = None
        for ip in addresses:
            sock = socket.socket(socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM)
            try:
                for option in self.socket_options or ():  # type: ignore[attr-defined]
                    sock.setsockopt(*option)
                if self.timeout is not _DEFAULT_TIMEOUT:  # type: ignore[attr-defined]
                    sock.settimeout(self.timeout)  # type: ignore[attr-defined]
                self.pins.set_active(sock)
                self.pins.connects.append((ip, port))
                sock.connect((ip, port))
            except socket.timeout as exc:
                sock.close()
                error = ConnectTimeoutError(self, f"connection to {host} ({ip}) timed out (connect timeout={self.timeout})")  # type: ignore[attr-defined]
                error.__cause__ = exc
            except OSError as exc:
                sock.close()
                error = NewConnectionError(self, f"failed to connect to {host} ({ip}:{port}): {exc}")
                error.__cause__ = exc
            else:
                sys.audit("http.client.connect", self, host, port)
                return sock
        assert error is not None
        raise error

    def request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        # Remember the socket (TLS-wrapped by now, or None before an http connect).
        if getattr(self, "sock", None) is not None:
            self.pins.set_active(self.sock)  # type: ignore[attr-defined]
        return super().request(*args, **kwargs)  # type: ignore[misc]


class PinnedAdapter(HTTPAdapter):
    """A requests adapter whose connections go only to addresses in ``pins``."""

    def __init__(self, pins: PinTable, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.pins = pins
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().init_poolmanager(*args, **kwargs)
        pins = self.pins
        http_conn = type("PinnedHTTPConnection", (_PinnedMixin, HTTPConnection), {"pins": pins})
        https_conn = type("PinnedHTTPSConnection", (_PinnedMixin, HTTPSConnection), {"pins": pins})
        self.poolmanager.pool_classes_by_scheme = {
            "http": type("PinnedHTTPConnectionPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn}),
            "https": type("PinnedHTTPSConnectionPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn}),
        }

    def proxy_manager_for(self, proxy, **proxy_kwargs):  # type: ignore[no-untyped-def]
        raise Refused("bad_url", "proxies are not supported: they would bypass address pinning")
