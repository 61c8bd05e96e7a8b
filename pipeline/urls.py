"""URL identity: two spellings of one article URL map to one canonical form; and page names.

w3lib does the RFC work (percent-encoding, sorted query, lower-case host);
on top of it we drop what news sites add for tracking and the variants that
serve the same page.  The page-name helpers at the end read the numbering of
multi-page articles and lists (``0086_2.shtml`` is page 2 of ``0086.shtml``).
"""
from __future__ import annotations

import functools
import posixpath
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


# A pure function of its text, asked again and again for the same URLs: a page's URL by the reader
# (pipeline.read.multipage), the HTML stage and the article's identity, then by the state store.
# w3lib's canonicalize_url takes about 13 microseconds; a repeated URL costs a dictionary lookup.
@functools.lru_cache(maxsize=4096)
def canonical_url(url: str | None) -> str | None:
    """The canonical spelling of an article URL, or None for anything that is not http(s).

    >>> canonical_url("HTTP://News.Example.cn:80/yz/2017/a.shtml?utm_source=wx&from=timeline#p2")
    'http://news.example.cn/yz/2017/a.shtml'
    >>> canonical_url("https://www.example.cn/news/index.html?spm=a2c4g.1&id=7")
    'https://www.example.cn/news/?id=7'
    >>> canonical_url("javascript:void(0)") is None
    True

    A URL that cannot be parsed (a bad port, a broken IPv6 literal) is None too, never an error;
    an IPv6 literal keeps its brackets:

    >>> canonical_url("http://[::1]:99999/a.html"), canonical_url("http://example.cn:abc/")
    (None, None)
    >>> canonical_url("http://[2001:DB8::1]:8080/a.html")
    'http://[2001:db8::1]:8080/a.html'
    """
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError on a port that is no number or out of range
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.rstrip(".")
    if ":" in host:  # an IPv6 literal: hostname drops the brackets the netloc needs
        host = f"[{host}]"
    port = port if port not in (None, 80, 443) else None
    netloc = f"{host}:{port}" if port else host
    path = INDEX_PAGE.sub("/", parts.path or "/")
    query = "&".join(
        pair for pair in parts.query.split("&") if pair and not TRACKING_PARAMS.match(pair.split("=", 1)[0])
    )
    try:
        return canonicalize_url(urlunsplit((scheme, netloc, path, query, "")))
    except ValueError:  # w3lib re-parses the URL; what it refuses is no usable URL either
        return None


def identity_url(url: str | None) -> str | None:
    """The form hashed into ``article_id``: the canonical URL with http and https made equal.

    >>> identity_url("https://a.example.cn/x.html") == identity_url("http://a.example.cn/x.html#top")
    True
    """
    canon = canonical_url(url)
    if canon is None:
        return None
    return "http" + canon[len("https"):] if canon.startswith("https:") else canon


@functools.lru_cache(maxsize=4096)  # pure too, and asked for the same page URLs (site rules, canonical links)
def host_of(url: str | None) -> str | None:
    """Lower-case host name of a URL, without a leading ``www.``.

    >>> host_of("http://WWW.cnnb.com.cn/a.html")
    'cnnb.com.cn'

    None for a URL that cannot be parsed (as :func:`canonical_url`), never an error:

    >>> host_of("http://[::1]:99999/a.html"), host_of("http://example.cn:abc/"), host_of("http://[::1/")
    (None, None, None)
    """
    if not url:
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
        host = parts.hostname
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
    try:
        parts = urlsplit(url)
    except ValueError:  # no URL at all (a broken IPv6 literal)
        return False
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


# --------------------------------------------------------------------------- page names
# The numbering of the usual Chinese CMSs: TRS/WCM lists ``index.shtml``, ``index_1.shtml`` ...;
# articles ``0086.shtml``, ``0086_2.shtml`` ...; people.cn's ``c1004-40189999-2.html``.  Shared by
# the crawler (pipeline.crawl.links) and the batch reader that joins multi-page articles
# (pipeline.read.multipage).

# Page names: a stem, optionally "_N" or "-N" (N = 1..9999, no leading zero), and an extension.
_PAGE_NAME = re.compile(r"^(?P<stem>.+?)(?:(?P<sep>[_-])(?P<n>[1-9]\d{0,3}))?\.(?P<ext>s?html?|php|aspx?|jsp)$", re.I)
_NAME = re.compile(r"^(?P<name>.+)\.(?P<ext>s?html?|php|aspx?|jsp)$", re.I)


def split_page_url(url: str) -> tuple[str, str, str] | None:
    """``(directory URL, file name without extension, extension)`` of a page URL, or None.

    A URL ending in ``/`` is its directory's ``index`` page.

    >>> split_page_url("http://x.cn/a/0086_2.shtml?x=1")
    ('http://x.cn/a/', '0086_2', 'shtml')
    >>> split_page_url("http://x.cn/xwzx/")
    ('http://x.cn/xwzx/', 'index', '')
    >>> split_page_url("http://x.cn/a/list.do") is None
    True
    >>> split_page_url("http://[::1/a.html") is None  # no URL (urlsplit raises on it)
    True
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    directory, name = posixpath.split(parts.path or "/")
    directory = directory.rstrip("/") + "/"
    head = urlunsplit((parts.scheme.lower(), parts.netloc.lower(), directory, "", ""))
    if not name:
        return head, "index", ""
    match = _NAME.match(name)
    if not match:
        return None
    return head, match.group("name"), match.group("ext").lower()


def page_number_readings(name: str) -> list[tuple[str, int]]:
    """The ways a file name can be read as (article/list stem, page number), page 1 first.

    ``0086_2`` is page 2 of ``0086``, but it could also be page 1 of an article
    whose id is ``0086_2``; both readings are returned and callers use the
    links on the page to decide.

    >>> page_number_readings("0086_2")
    [('0086_2', 1), ('0086', 2)]
    >>> page_number_readings("t20240305_5847563")
    [('t20240305_5847563', 1)]
    >>> page_number_readings("c1004-40189999-3")
    [('c1004-40189999-3', 1), ('c1004-40189999', 3)]
    """
    readings = [(name, 1)]
    match = _PAGE_NAME.match(name + ".html")
    if match and match.group("n"):
        readings.append((match.group("stem"), int(match.group("n"))))
    return readings


def page_of(url: str, directory: str, stem: str, ext: str, query: str = "") -> int | None:
    """Page number of ``url`` if it is ``stem`` or ``stem_N`` / ``stem-N`` in ``directory``.

    The query must be the current page's (``list.aspx?page=1`` is not a numbered sibling).

    >>> [page_of(u, "http://x.cn/a/", "0086", "shtml") for u in
    ...  ("http://x.cn/a/0086.shtml", "http://x.cn/a/0086_3.shtml", "http://x.cn/b/0086_3.shtml", "http://x.cn/a/0086_03.shtml")]
    [1, 3, None, None]
    """
    split = split_page_url(url)
    if split is None or split[0] != directory or (ext and split[2] != ext) or urlsplit(url).query != query:
        return None
    name = split[1]
    if name == stem and (split[2] or not ext):
        return 1
    if name.startswith(stem) and len(name) > len(stem) + 1 and name[len(stem)] in "_-":
        number = name[len(stem) + 1:]
        if number.isdigit() and not number.startswith("0") and len(number) <= 4:
            return int(number)
    return None


def is_same_article_page(url_a: str, url_b: str) -> bool:
    """Whether two URLs can be pages of one multi-page article (by name only).

    >>> is_same_article_page("http://x.cn/a/0086.shtml", "http://x.cn/a/0086_2.shtml")
    True
    >>> is_same_article_page("http://x.cn/a/0086_3.shtml", "http://x.cn/a/0086_2.shtml")
    True
    >>> is_same_article_page("http://x.cn/a/0086.shtml", "http://x.cn/a/0087_2.shtml")
    False
    >>> is_same_article_page("http://x.cn/a/0086.shtml", "http://x.cn/b/0086_2.shtml")
    False
    >>> is_same_article_page("http://x.cn/a/t2024_5847563.shtml", "http://x.cn/a/t2024_5847564.shtml")
    False
    """
    a, b = split_page_url(url_a), split_page_url(url_b)
    if a is None or b is None or a[0] != b[0] or a[2] != b[2]:
        return False
    stems_a = {stem for stem, _ in page_number_readings(a[1])}
    stems_b = {stem for stem, _ in page_number_readings(b[1])}
    return bool(stems_a & stems_b)
