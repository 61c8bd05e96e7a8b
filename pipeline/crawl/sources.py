"""The sources file of ``newsfacts crawl``: which sites to crawl and how politely.

A TOML file with a top-level ``user_agent`` and one ``[[sources]]`` table per
site; see ``deploy/sources.example.toml``.  Every problem is reported with
the file and the source it is in, before anything is fetched: an unknown key
(with the nearest known one), a value of the wrong TOML type (a string
``"false"`` is not the boolean ``false``: ``allow_private_addresses = "false"``
must not switch the private-address guard off) and a value out of its range
(a negative ``min_delay_s``, a ``failure_threshold`` above 1, ``nan``).  The
checks are those of the config file, :func:`pipeline.config.typed_value`.

``concurrency``, ``revisit_min_days`` and ``revisit_max_days`` are ``[crawl]`` settings of the
config (shipped in ``pipeline/defaults.toml``); a sources file may set them as top-level keys for
its own crawl, over the config's values (:meth:`SourcesFile.crawl_settings`), checked as the
config checks them (:func:`pipeline.config.setting_value`).

The entry URLs and ``allowed_hosts`` are checked too, each problem said as what it is: a port
outside 1-65535 or no number, a URL that does not parse (``http://[::1/``), an IPv6 zone
(``%eth0``, an interface of this machine: the fetcher connects to the checked address without
it), and an IP literal or ``localhost`` that the address guard would refuse anyway -- a seed
like that would make a crawl that fetches nothing, so it is a mistake in the file, said before
the crawl.  Two sources of one name are refused: the name keys a source's URLs in the state
database and its line in the summary.
"""
from __future__ import annotations

import dataclasses
import difflib
import ipaddress
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.config import CrawlSettings, check_revisit_days, setting_value, toml_type, typed_value
from pipeline.crawl.netguard import DEFAULT_PORTS, host_allowed, is_public_address, normalize_ip_host
from pipeline.errors import ConfigError
from pipeline.urls import canonical_url, host_of, host_port

KNOWN_KEYS = {
    "name", "start_urls", "feeds", "sitemaps", "allowed_hosts", "article_url_pattern", "max_depth",
    "min_delay_s", "allow_private_addresses", "max_pages", "headers", "robots_sitemaps",
}
# [crawl] settings a sources file may set for its own crawl, over the config's.
CRAWL_KEYS = ("concurrency", "revisit_min_days", "revisit_max_days")
TOP_KEYS = {"user_agent", "sources", "max_retry_after_s", "failure_threshold", *CRAWL_KEYS}


@dataclass(frozen=True)
class Source:
    name: str
    start_urls: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    allowed_hosts: frozenset[str] = frozenset()
    article_url_pattern: re.Pattern | None = None
    max_depth: int = 2
    min_delay_s: float = 1.0
    allow_private_addresses: bool = False
    max_pages: int = 5000
    headers: tuple[tuple[str, str], ...] = ()
    robots_sitemaps: bool = True  # also read the sitemaps its hosts' robots.txt lists

    def is_article(self, url: str) -> bool:
        return bool(self.article_url_pattern and self.article_url_pattern.search(url))

    def host_allowed(self, url: str) -> bool:
        """Whether ``url``'s host (or host:port) is one of the allowed hosts (the fetcher's rule,
        :func:`pipeline.crawl.netguard.host_allowed`, which every fetch checks again)."""
        try:
            parts = urlsplit(url)
            port = parts.port or DEFAULT_PORTS.get(parts.scheme.lower(), 0)
        except ValueError:
            return False
        return host_allowed(parts.hostname or "", port, self.allowed_hosts)


@dataclass(frozen=True)
class SourcesFile:
    user_agent: str
    sources: tuple[Source, ...] = field(default_factory=tuple)
    max_retry_after_s: float = 120.0
    failure_threshold: float = 0.5
    # [crawl] settings this file sets for its crawl (None: not set here, the config's value holds)
    concurrency: int | None = None
    revisit_min_days: float | None = None
    revisit_max_days: float | None = None
    path: str = ""  # the file, for messages

    def crawl_settings(self, crawl: CrawlSettings) -> CrawlSettings:
        """The ``[crawl]`` settings of this file's crawl: the config's (``crawl``) with the ones this
        file sets over them.  A ConfigError when this file's revisit days and the config's do not
        fit together (a first interval longer than the last)."""
        given = {key: getattr(self, key) for key in CRAWL_KEYS if getattr(self, key) is not None}
        merged = dataclasses.replace(crawl, **given)
        low, high = (key if key in given else f"crawl.{key} of the config" for key in CRAWL_KEYS[1:])
        check_revisit_days(merged.revisit_min_days, merged.revisit_max_days, self.path or "the sources file",
                           (low, high))
        return merged


def load_sources(path: str | Path) -> SourcesFile:
    """Read and check a sources file; a ConfigError names the file, the source and the key."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"sources file {path} does not exist") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"sources file {path} is not valid UTF-8 TOML ({exc}); fix the line named") from None
    _check_keys(data, TOP_KEYS, str(path))
    ua = data.get("user_agent")
    if ua is not None:
        typed_value(ua, "str", "user_agent", str(path))
    if not isinstance(ua, str) or not ua.strip():
        raise ConfigError(f"{path}: set user_agent, e.g. \"newsfacts/1.0 (+mailto:you@example.org)\"")
    items = data.get("sources")
    if not isinstance(items, list) or not items:
        raise ConfigError(f"{path}: no [[sources]] tables; add at least one site")
    sources = []
    places: dict[str, int] = {}  # name -> its place in the file, counted from 1
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise ConfigError(f"{path}: sources must be an array of tables ([[sources]]), "
                              f"not an array holding {_a(toml_type(item))} ({item!r:.60})")
        source = _source(item, f"{path}: source {item.get('name', n)!r}")
        name = source.name.strip()
        if name in places:
            raise ConfigError(f"{path}: sources {places[name]} and {n} are both named {name!r}; the name keys a "
                              "source's URLs in the state database and its summary, so rename one of them")
        places[name] = n
        sources.append(source)
    numbers = _given(data, _FILE_NUMBERS, str(path))
    crawl = {key: setting_value(data[key], "crawl", key, str(path), key) for key in CRAWL_KEYS if key in data}
    if "revisit_min_days" in crawl and "revisit_max_days" in crawl:
        check_revisit_days(crawl["revisit_min_days"], crawl["revisit_max_days"], str(path), CRAWL_KEYS[1:])
    return SourcesFile(user_agent=ua.strip(), sources=tuple(sources), **numbers, **crawl, path=str(path))


def _source(item: dict, where: str) -> Source:
    _check_keys(item, KNOWN_KEYS, where)
    name = typed_value(item.get("name", ""), "str", "name", where)
    if not name.strip():
        raise ConfigError(f"{where}: every source needs a name")
    numbers = _given(item, _SOURCE_NUMBERS, where)  # the keys not given keep the defaults of Source
    allow_private = numbers.get("allow_private_addresses", False)
    urls = {}
    for key in ("start_urls", "feeds", "sitemaps"):
        value = typed_value(item.get(key, []), "tuple[str, ...]", key, where)
        for url in value:
            problem = entry_url_problem(url, allow_private)
            if problem:
                raise ConfigError(f"{where}: {key} {url!r} {problem}")
        urls[key] = value
    if not any(urls.values()):
        raise ConfigError(f"{where}: give start_urls, feeds or sitemaps")
    hosts = typed_value(item.get("allowed_hosts", []), "tuple[str, ...]", "allowed_hosts", where)
    for entry in hosts:
        problem = _allowed_host_problem(entry)
        if problem:
            raise ConfigError(f"{where}: allowed_hosts entry {entry!r} {problem}")
    hosts = hosts or sorted({host_port(u) for v in urls.values() for u in v if host_of(u)})
    pattern = typed_value(item.get("article_url_pattern", ""), "str", "article_url_pattern", where)
    try:
        compiled = re.compile(pattern) if pattern else None
    except re.error as exc:
        raise ConfigError(f"{where}: article_url_pattern is not a valid regex ({exc})") from None
    headers = item.get("headers", {})
    if not isinstance(headers, dict):
        raise ConfigError(f"{where}: headers must be a table of strings (headers = {{ Referer = \"...\" }}), "
                          f"not {_a(toml_type(headers))} ({headers!r:.60})")
    for key, value in headers.items():
        typed_value(value, "str", f"headers.{key}", where)
    return Source(
        name=name, allowed_hosts=frozenset(h.lower() for h in hosts), article_url_pattern=compiled,
        headers=tuple((str(k), v) for k, v in headers.items()), **urls, **numbers,
    )


def entry_url_problem(url: str, allow_private: bool) -> str | None:
    """What is wrong with an entry URL of a source (said after the URL), or None.

    >>> entry_url_problem("http://example.cn:99999/", False)
    'has port 99999, out of range: a port is a number from 1 to 65535; fix the port'
    >>> entry_url_problem("http://[::1]:80/", False)[:40]
    'is a loopback address (::1); the crawler'
    >>> entry_url_problem("http://[::1]:80/", True), entry_url_problem("http://news.example.cn/a/", False)
    (None, None)
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:
        return f"is not a valid URL ({exc}); check the brackets of an IPv6 address and the port"
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return "is not an http(s) URL; give the full address, e.g. http://news.example.cn/list/"
    hostinfo = parts.netloc.rpartition("@")[2]
    after_host = hostinfo.rpartition("]")[2] if hostinfo.startswith("[") else hostinfo
    if ":" in after_host:
        problem = _port_problem(after_host.partition(":")[2])
        if problem:
            return f"has {problem}"
    host = parts.hostname or ""
    if not host:
        return "has no host; give the full address, e.g. http://news.example.cn/list/"
    if "%" in host:
        zone = host.partition("%")[2]
        return (f"names an IPv6 zone (%{zone}), a network interface of this machine, which the crawler cannot "
                f"connect through; remove %{zone}")
    if parts.username is not None or parts.password is not None:
        return "carries user:password credentials, which the crawler never sends; remove them"
    if canonical_url(url) is None:
        return "is not a valid http(s) URL; fix its spelling"
    if allow_private:
        return None
    kind = _non_public_kind(host)
    if kind:
        return (f"is {kind}; the crawler refuses non-public addresses (set allow_private_addresses = true "
                "only for a test or intranet site)")
    return None


def _port_problem(text: str) -> str | None:
    """``port N, out of range`` or ``port 'x', not a number``, or None for a port we can dial."""
    if not text:
        return None  # "host:" is the default port, as browsers read it
    if not (text.isascii() and text.isdigit()):
        return f"port {text!r}, which is not a number: a port is a number from 1 to 65535; fix the port"
    if not 1 <= int(text) <= 65535:
        return f"port {int(text)}, out of range: a port is a number from 1 to 65535; fix the port"
    return None


def _non_public_kind(host: str) -> str | None:
    """``a loopback address (::1)`` and the like for a host the address guard refuses without
    DNS (an IP literal in any spelling, ``localhost``); None for a public IP or any other name."""
    bare = host.rstrip(".").lower()
    if bare == "localhost" or bare.endswith(".localhost"):
        return "a loopback name (localhost)"
    ip = normalize_ip_host(bare)
    if ip is None or is_public_address(ip):
        return None
    address = ipaddress.ip_address(ip)
    if getattr(address, "ipv4_mapped", None) is not None:
        address = address.ipv4_mapped
    kind = next((name for name, flag in (("loopback", address.is_loopback), ("link-local", address.is_link_local),
                                         ("multicast", address.is_multicast), ("unspecified", address.is_unspecified),
                                         ("private", address.is_private)) if flag), "non-public")
    return f"a {kind} address ({ip})"


def _allowed_host_problem(entry: str) -> str | None:
    """What is wrong with an ``allowed_hosts`` entry (``host``, ``host:port``, ``[v6]``, ``[v6]:port``)."""
    text = entry.strip()
    if not text:
        return "is empty; give a host name such as news.example.cn"
    if text.startswith("["):
        close = text.find("]")
        if close < 0 or normalize_ip_host(text[: close + 1]) is None:
            return "is not a host: an IPv6 address is written [2001:db8::1] or [2001:db8::1]:8080"
        rest = text[close + 1:]
        if rest and not rest.startswith(":"):
            return "is not a host: write [2001:db8::1] or [2001:db8::1]:8080"
        port = rest[1:] if rest else ""
    elif text.count(":") > 1:
        return None  # an IPv6 address without brackets (as the default entries are): no port to tell apart
    else:
        port = text.partition(":")[2]
        if ":" in text and not port:
            return "ends with ':' but names no port; write host or host:port"
    problem = _port_problem(port)
    return f"has {problem}" if problem else None


def _check_keys(table: dict, known: set[str], where: str) -> None:
    """Refuse a key that is not known, naming the nearest known one (as the config file does)."""
    unknown = sorted(set(table) - known)
    if unknown:
        close = difflib.get_close_matches(unknown[0], sorted(known), n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}?" if close else f"known keys are {sorted(known)}"
        raise ConfigError(f"{where}: unknown key(s) {unknown}; {hint}")


def _a(name: str) -> str:
    return ("an " if name[0] in "aeiou" else "a ") + name


# Settings read as given (their defaults are those of the dataclasses above): their types and
# ranges, (lowest, whether the lowest itself is allowed, highest), as pipeline.config.typed_value reads them.
_SOURCE_NUMBERS = {
    "max_depth": ("int", (0, True, math.inf)),
    "min_delay_s": ("float", (0, True, math.inf)),
    "allow_private_addresses": ("bool", None),
    "max_pages": ("int", (0, False, math.inf)),
    "robots_sitemaps": ("bool", None),
}
_FILE_NUMBERS = {
    "max_retry_after_s": ("float", (0, True, math.inf)),
    "failure_threshold": ("float", (0, True, 1)),
}


def _given(table: dict, kinds: dict, where: str) -> dict:
    return {key: typed_value(table[key], kind, key, where, bounds) for key, (kind, bounds) in kinds.items()
            if key in table}
