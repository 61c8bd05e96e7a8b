"""URL identity: two spellings of one article URL map to one canonical form.

w3lib does the RFC work (percent-encoding, sorted query, lower-case host);
on top of it we drop what news sites add for tracking and the variants that
serve the same page.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

# Query parameters that never change which article a URL names.
TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|spm|from|share_token|share|sharer|isappinstalled|scene|srcid|"
    r"wfr|tt_from|tt_group_id|timestamp|_t|ref|source|fr|clickid|gclid|fbclid)$",
    re.I,
)
INDEX_PAGE = re.compile(r"/(index|default)\.(s?html?|php|aspx?|jsp)$", re.I)


def canonical_url(url: str | None) -> str | None:
    """The canonical spelling of an article URL, or None for anything that is not http(s).

    >>> canonical_url("HTTP://News.Example.cn:80/yz/2017/a.shtml?utm_source=wx&from=timeline#p2")
    'http://news.example.cn/yz/2017/a.shtml'
    >>> canonical_url("https://www.example.cn/news/index.html?spm=a2c4g.1&id=7")
    'https://www.example.cn/news/?id=7'
    >>> canonical_url("javascript:void(0)") is None
    True
    """
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.rstrip(".")
    port = parts.port if parts.port not in (None, 80, 443) else None
    netloc = f"{host}:{port}" if port else host
    path = INDEX_PAGE.sub("/", parts.path or "/")
    query = "&".join(
        pair for pair in parts.query.split("&") if pair and not TRACKING_PARAMS.match(pair.split("=", 1)[0])
    )
    return canonicalize_url(urlunsplit((scheme, netloc, path, query, "")))


def identity_url(url: str | None) -> str | None:
    """The form hashed into ``article_id``: the canonical URL with http and https made equal.

    >>> identity_url("https://a.example.cn/x.html") == identity_url("http://a.example.cn/x.html#top")
    True
    """
    canon = canonical_url(url)
    if canon is None:
        return None
    return "http" + canon[len("https"):] if canon.startswith("https:") else canon


def host_of(url: str | None) -> str | None:
    """Lower-case host name of a URL, without a leading ``www.``.

    >>> host_of("http://WWW.cnnb.com.cn/a.html")
    'cnnb.com.cn'
    """
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def host_port(url: str) -> str:
    """``host`` or ``host:port`` (when the URL names a port) of a URL, lower case: the key of
    per-host politeness and of a sources file's ``allowed_hosts``.

    >>> host_port("http://News.Example.cn:8080/a.html"), host_port("https://example.cn/")
    ('news.example.cn:8080', 'example.cn')
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host


def has_tracking(url: str | None) -> bool:
    """Whether a URL carries tracking parameters or a fragment (so it is not the clean copy).

    >>> has_tracking("http://a.cn/x.html?utm_source=wx"), has_tracking("http://a.cn/x.html?id=3")
    (True, False)
    """
    if not url:
        return False
    parts = urlsplit(url)
    return bool(parts.fragment) or any(
        TRACKING_PARAMS.match(pair.split("=", 1)[0]) for pair in parts.query.split("&") if pair
    )


def absolute_http_url(href: str | None, base_url: str) -> str | None:
    """``href`` made absolute against ``base_url`` without its fragment, or None unless http(s).

    Chinese CMS templates often leave spaces and newlines inside ``href``.

    >>> absolute_http_url(" ../2024/0305/a.shtml#p2\\n", "http://x.gov.cn/xwzx/gzdt/index.shtml")
    'http://x.gov.cn/xwzx/2024/0305/a.shtml'
    >>> [absolute_http_url(h, "http://x.cn/") for h in ("javascript:void(0)", "mailto:a@x.cn", "#top", "")]
    [None, None, None, None]
    >>> absolute_http_url("//cdn.x.cn/a.html", "https://x.cn/")
    'https://cdn.x.cn/a.html'
    """
    if not href:
        return None
    href = "".join(href.split())  # whitespace inside a URL is never meant (and "java\nscript:" is a trick)
    if not href or href.startswith("#"):
        return None
    try:
        parts = urlsplit(urljoin(base_url, href))
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            return None
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return None
    return urlunsplit((parts.scheme.lower(), parts.netloc, parts.path or "/", parts.query, ""))


def unique_urls(urls: Iterable[str | None]) -> list[str]:
    """The URLs in their order, without repeats and empty ones."""
    seen: set[str] = set()
    out = []
    for url in urls:
        if url and url not in seen:
            seen.add(url)
            out.append(url)
    return out
