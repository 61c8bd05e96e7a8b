"""The sources file of ``newsfacts crawl``: which sites to crawl and how politely.

A TOML file with a top-level ``user_agent`` and one ``[[sources]]`` table per
site; see ``deploy/sources.example.toml``.  Every problem is reported with
the file and the source it is in, before anything is fetched.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.crawl.netguard import DEFAULT_PORTS, host_allowed
from pipeline.errors import ConfigError
from pipeline.urls import canonical_url, host_of, host_port

KNOWN_KEYS = {
    "name", "start_urls", "feeds", "sitemaps", "allowed_hosts", "article_url_pattern", "max_depth",
    "min_delay_s", "allow_private_addresses", "max_pages", "headers",
}


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
    ua = data.get("user_agent")
    if not isinstance(ua, str) or not ua.strip():
        raise ConfigError(f"{path}: set user_agent, e.g. \"newsfacts/1.0 (+mailto:you@example.org)\"")
    items = data.get("sources")
    if not isinstance(items, list) or not items:
        raise ConfigError(f"{path}: no [[sources]] tables; add at least one site")
    sources = []
    for n, item in enumerate(items, 1):
        where = f"{path}: source {item.get('name', n)!r}"
        unknown = set(item) - KNOWN_KEYS
        if unknown:
            raise ConfigError(f"{where}: unknown key(s) {sorted(unknown)}; known keys are {sorted(KNOWN_KEYS)}")
        if not item.get("name"):
            raise ConfigError(f"{where}: every source needs a name")
        urls = {}
        for key in ("start_urls", "feeds", "sitemaps"):
            value = item.get(key, [])
            if not isinstance(value, list) or not all(isinstance(u, str) for u in value):
                raise ConfigError(f"{where}: {key} must be a list of URLs")
            bad = [u for u in value if canonical_url(u) is None]
            if bad:
                raise ConfigError(f"{where}: {key} has URLs that are not http(s): {bad}")
            urls[key] = tuple(value)
        if not any(urls.values()):
            raise ConfigError(f"{where}: give start_urls, feeds or sitemaps")
        hosts = item.get("allowed_hosts") or sorted({host_port(u) for v in urls.values() for u in v if host_of(u)})
        pattern = item.get("article_url_pattern")
        try:
            compiled = re.compile(pattern) if pattern else None
        except re.error as exc:
            raise ConfigError(f"{where}: article_url_pattern is not a valid regex ({exc})") from None
        try:
            sources.append(Source(
                name=str(item["name"]), allowed_hosts=frozenset(h.lower() for h in hosts), article_url_pattern=compiled,
                headers=tuple((str(k), str(v)) for k, v in (item.get("headers") or {}).items()), **urls,
                **_given(item, _SOURCE_NUMBERS),  # the keys not given keep the defaults of Source
            ))
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{where}: a value has the wrong type ({exc})") from None
    try:
        return SourcesFile(user_agent=ua.strip(), sources=tuple(sources), **_given(data, _FILE_NUMBERS))
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{path}: a value has the wrong type ({exc})") from None


# Settings read as given (their defaults are those of the dataclasses above), and their types.
_SOURCE_NUMBERS = {"max_depth": int, "min_delay_s": float, "allow_private_addresses": bool, "max_pages": int}
_FILE_NUMBERS = {"max_retry_after_s": float, "failure_threshold": float}


def _given(table: dict, kinds: dict) -> dict:
    return {key: kind(table[key]) for key, kind in kinds.items() if key in table}
