"""The sources file of ``newsfacts crawl``: which sites to crawl and how politely.

A TOML file with a top-level ``user_agent`` and one ``[[sources]]`` table per
site; see ``deploy/sources.example.toml``.  Every problem is reported with
the file and the source it is in, before anything is fetched: an unknown key
(with the nearest known one), a value of the wrong TOML type (a string
``"false"`` is not the boolean ``false``: ``allow_private_addresses = "false"``
must not switch the private-address guard off) and a value out of its range
(a negative ``min_delay_s``, a ``failure_threshold`` above 1, ``nan``).  The
checks are those of the config file, :func:`pipeline.config.typed_value`.
"""
from __future__ import annotations

import difflib
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.config import toml_type, typed_value
from pipeline.crawl.netguard import DEFAULT_PORTS, host_allowed
from pipeline.errors import ConfigError
from pipeline.urls import canonical_url, host_of, host_port

KNOWN_KEYS = {
    "name", "start_urls", "feeds", "sitemaps", "allowed_hosts", "article_url_pattern", "max_depth",
    "min_delay_s", "allow_private_addresses", "max_pages", "headers",
}
TOP_KEYS = {"user_agent", "sources", "max_retry_after_s", "failure_threshold"}


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
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise ConfigError(f"{path}: sources must be an array of tables ([[sources]]), "
                              f"not an array holding {_a(toml_type(item))} ({item!r:.60})")
        sources.append(_source(item, f"{path}: source {item.get('name', n)!r}"))
    return SourcesFile(user_agent=ua.strip(), sources=tuple(sources), **_given(data, _FILE_NUMBERS, str(path)))


def _source(item: dict, where: str) -> Source:
    _check_keys(item, KNOWN_KEYS, where)
    name = typed_value(item.get("name", ""), "str", "name", where)
    if not name.strip():
        raise ConfigError(f"{where}: every source needs a name")
    urls = {}
    for key in ("start_urls", "feeds", "sitemaps"):
        value = typed_value(item.get(key, []), "tuple[str, ...]", key, where)
        bad = [u for u in value if canonical_url(u) is None]
        if bad:
            raise ConfigError(f"{where}: {key} has URLs that are not http(s): {bad}")
        urls[key] = value
    if not any(urls.values()):
        raise ConfigError(f"{where}: give start_urls, feeds or sitemaps")
    hosts = typed_value(item.get("allowed_hosts", []), "tuple[str, ...]", "allowed_hosts", where)
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
        headers=tuple((str(k), v) for k, v in headers.items()), **urls,
        **_given(item, _SOURCE_NUMBERS, where),  # the keys not given keep the defaults of Source
    )


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
}
_FILE_NUMBERS = {
    "max_retry_after_s": ("float", (0, True, math.inf)),
    "failure_threshold": ("float", (0, True, 1)),
}


def _given(table: dict, kinds: dict, where: str) -> dict:
    return {key: typed_value(table[key], kind, key, where, bounds) for key, (kind, bounds) in kinds.items()
            if key in table}
