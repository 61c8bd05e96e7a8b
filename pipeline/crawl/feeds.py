"""Finding URLs to crawl in sitemaps and feeds (RSS 2.0, RSS 1.0, Atom), gzipped or not.

Pure functions over bytes the crawler already fetched with its guarded fetcher; nothing here
opens a file or a socket.

XML is untrusted.  lxml parses it with entity substitution, DTD loading and network access off,
through a resolver that answers every external lookup with an empty document, and a document that
declares entities at all (billion laughs, quadratic blowup, XXE: no real sitemap or feed needs
one) is refused with ``xml_entities_refused``.  Gzip is inflated with a cap, so a ``.xml.gz`` bomb
stops at ``max_bytes``.
"""
from __future__ import annotations

import datetime as dt
import re
import zlib
from typing import Iterator

from lxml import etree

from pipeline.read.limits import GZIP_MAGIC, GzipTruncated, TooLarge, gunzip_capped
from pipeline.urls import absolute_http_url, unique_urls

MAX_XML_BYTES = 5 * 2**20


class DiscoverError(Exception):
    """A sitemap or feed that cannot be used.

    ``reason`` is ``too_large``, ``bad_gzip``, ``bad_xml`` or ``xml_entities_refused``.
    """

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


# --------------------------------------------------------------------------- XML (sitemaps, feeds)


class _NoExternal(etree.Resolver):
    """Answers every external DTD or entity lookup with nothing (belt and braces to the flags)."""

    def resolve(self, system_url, public_id, context):
        return self.resolve_string("", context)


def _xml_parser(recover: bool) -> etree.XMLParser:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
        dtd_validation=False, attribute_defaults=False, recover=recover, remove_comments=True,
        remove_pis=True,
    )
    parser.resolvers.add(_NoExternal())
    return parser


def _declares_entities(root: etree._Element) -> bool:
    dtd = root.getroottree().docinfo.internalDTD
    return dtd is not None and any(True for _ in dtd.iterentities())


def _inflate(body: bytes, max_bytes: int) -> bytes:
    if body[:2] == GZIP_MAGIC:
        try:
            return gunzip_capped([body], max_bytes)
        except TooLarge:
            raise DiscoverError("too_large", f"gzip inflates past {max_bytes} bytes") from None
        except GzipTruncated:
            raise DiscoverError("bad_gzip", "gzip stream ends inside a member") from None
        except zlib.error as exc:
            raise DiscoverError("bad_gzip", _short(str(exc))) from None
    if len(body) > max_bytes:
        raise DiscoverError("too_large", f"{len(body)} bytes > {max_bytes}")
    return body


# gb2312/gbk labels are upgraded to gb18030 (the superset), as w3lib and browsers do: pages labelled
# gb2312 use GBK-only characters such as 镕, and libxml2 then stops at "Invalid bytes in character encoding".
_GB_DECLARATION = re.compile(rb"""^(\s*<\?xml[^>]{0,200}?encoding\s*=\s*["'])(gb2312|gbk|x-gbk|cp936|gb_2312-80)(["'])""", re.I)
_BARE_AMP = re.compile(rb"&(?!(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z_][\w.-]*);)")


def _parse_xml(body: bytes, base_url: str, max_bytes: int) -> etree._Element:
    """The root element of untrusted XML, or DiscoverError."""
    if not isinstance(body, bytes):
        raise TypeError("pass the raw bytes: a str would lose the declared encoding")
    data = _inflate(body, max_bytes)
    if not data.strip():
        raise DiscoverError("bad_xml", "empty document")
    data = _GB_DECLARATION.sub(rb"\g<1>gb18030\g<3>", data, count=1)
    try:
        root = etree.fromstring(data, _xml_parser(recover=False), base_url=base_url)
    except etree.XMLSyntaxError as exc:
        # libxml2 itself stops entity amplification; report that as what it is.
        if b"<!ENTITY" in data and b"<!DOCTYPE" in data:
            raise DiscoverError("xml_entities_refused", "document declares entities") from None
        # Real feeds are often sloppy: salvage what parses.  A bare "&" in a URL would make libxml2's
        # recovery drop the rest of the parameter, so escape those first ("&" is never a GBK trail byte).
        if not data.startswith((b"\xff\xfe", b"\xfe\xff")):  # the byte regex would corrupt UTF-16
            data = _BARE_AMP.sub(b"&amp;", data)
        try:
            root = etree.fromstring(data, _xml_parser(recover=True), base_url=base_url)
        except etree.XMLSyntaxError:
            root = None
        if root is None:
            raise DiscoverError("bad_xml", _short(str(exc))) from None
    if _declares_entities(root):
        raise DiscoverError("xml_entities_refused", "document declares entities")
    return root


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 160 else text[:157] + "..."


def _local(el) -> str:
    return etree.QName(el).localname.lower() if isinstance(el.tag, str) else ""


def _text(el) -> str:
    """Text of an element, ignoring unexpanded entity nodes (never part of a real URL)."""
    return "".join(t for t in el.itertext() if isinstance(t, str)).strip() if el is not None else ""


def _children(el, name: str) -> Iterator:
    return (child for child in el if _local(child) == name)


def _first(el, name: str):
    return next(_children(el, name), None)


def _text_sitemap(data: bytes, base_url: str) -> list[str]:
    # Google accepts a plain list of URLs, one a line, as a sitemap.
    lines = data.decode("utf-8", errors="replace").splitlines()
    return unique_urls(absolute_http_url(line.strip(), base_url) for line in lines if "://" in line)


Dated = tuple[str, float | None]  # a URL and when the sitemap says it last changed (epoch seconds)


def parse_sitemap(body: bytes, base_url: str, max_bytes: int = MAX_XML_BYTES) -> tuple[list[str], list[str]]:
    """``(page URLs, child sitemap URLs)`` of a sitemap (``urlset``, ``sitemapindex``, gzip or not).

    An RSS or Atom feed listed as a sitemap (Google allows it) gives its item
    links as pages, and a plain-text sitemap gives its lines.

    >>> parse_sitemap(b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    ...               b'<url><loc> http://x.cn/a.html </loc></url><url><loc>ftp://x.cn/b</loc></url></urlset>',
    ...               "http://x.cn/sitemap.xml")
    (['http://x.cn/a.html'], [])
    >>> parse_sitemap(b'<sitemapindex><sitemap><loc>http://x.cn/s1.xml.gz</loc></sitemap></sitemapindex>', "http://x.cn/")
    ([], ['http://x.cn/s1.xml.gz'])
    """
    pages, children = sitemap_entries(body, base_url, max_bytes)
    return [url for url, _ in pages], [url for url, _ in children]


def sitemap_entries(body: bytes, base_url: str, max_bytes: int = MAX_XML_BYTES) -> tuple[list[Dated], list[Dated]]:
    """``(pages, child sitemaps)`` of a sitemap, each URL with the date it last changed, or None.

    The date is the entry's ``<lastmod>``, or for a Google news sitemap without one the
    ``<news:publication_date>``; a URL listed twice keeps its latest date.

    >>> sitemap_entries(b'<urlset><url><loc>http://x.cn/a.html</loc><lastmod>2024-03-05T08:00:00+08:00</lastmod>'
    ...                 b'</url><url><loc>http://x.cn/b.html</loc></url></urlset>', "http://x.cn/")
    ([('http://x.cn/a.html', 1709596800.0), ('http://x.cn/b.html', None)], [])
    """
    data = _inflate(body, max_bytes)
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head and not head.startswith(b"<"):
        return [(url, None) for url in _text_sitemap(data, base_url)], []
    root = _parse_xml(data, base_url, max_bytes)
    kind = _local(root)
    if kind in ("rss", "feed", "rdf"):
        return [(url, None) for url in _feed_links(root, base_url)], []
    if kind not in ("urlset", "sitemapindex"):
        raise DiscoverError("bad_xml", f"not a sitemap: root element <{kind}>")
    dated: dict[str, float | None] = {}
    for item in _children(root, "url" if kind == "urlset" else "sitemap"):
        url = absolute_http_url(_text(_first(item, "loc")), base_url)
        if not url:
            continue
        when = w3c_datetime(_text(_first(item, "lastmod")))
        if when is None:
            news = _first(item, "news")
            when = w3c_datetime(_text(_first(news, "publication_date"))) if news is not None else None
        old = dated.get(url)
        dated[url] = when if old is None or (when is not None and when > old) else old
    entries = list(dated.items())
    return (entries, []) if kind == "urlset" else ([], entries)


_W3C = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?"
                  r"\s*(Z|[+-]\d{2}:?\d{2})?)?)?)?$")


def w3c_datetime(text: str) -> float | None:
    """Epoch seconds of a W3C datetime (a sitemap ``<lastmod>``), or None if it is not one.

    Read to err on the side of "changed": a date alone is the end of that day, a time without a
    zone is UTC (a Chinese site's local time is 8 hours earlier).

    >>> w3c_datetime("2024-03-05T08:00:00+08:00"), w3c_datetime("2024-03-05T00:00Z")
    (1709596800.0, 1709596800.0)
    >>> w3c_datetime("2024-03-04") == w3c_datetime("2024-03-05T00:00:00Z")
    True
    >>> w3c_datetime("yesterday"), w3c_datetime(""), w3c_datetime("2024-13-01")
    (None, None, None)
    """
    match = _W3C.match(text.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        if hour is None:  # a year, a month or a day: its end
            start = dt.datetime(int(year), int(month or 1), int(day or 1), tzinfo=dt.timezone.utc)
            if day:
                end = start + dt.timedelta(days=1)
            elif month:
                end = (start + dt.timedelta(days=32)).replace(day=1)
            else:
                end = start.replace(year=start.year + 1)
            return end.timestamp()
        offset = dt.timedelta(0)
        if zone and zone != "Z":
            sign = -1 if zone[0] == "-" else 1
            digits = zone[1:].replace(":", "")
            offset = sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        when = dt.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0),
                           tzinfo=dt.timezone(offset))
    except (ValueError, OverflowError):
        return None
    return when.timestamp()


def parse_feed(body: bytes, base_url: str) -> list[str]:
    """Item links of an RSS 2.0, RSS 1.0 (RDF) or Atom feed, absolute, unique, in feed order.

    >>> parse_feed(b'<rss version="2.0"><channel><link>http://x.cn/</link>'
    ...            b'<item><title>a</title><link>/a.html</link></item>'
    ...            b'<item><guid>http://x.cn/b.html</guid></item></channel></rss>', "http://x.cn/rss.xml")
    ['http://x.cn/a.html', 'http://x.cn/b.html']
    >>> parse_feed(b'<feed xmlns="http://www.w3.org/2005/Atom"><entry>'
    ...            b'<link rel="enclosure" href="/a.mp3"/><link href="/a.html"/></entry></feed>', "http://x.cn/atom")
    ['http://x.cn/a.html']
    """
    root = _parse_xml(body, base_url, MAX_XML_BYTES)
    if _local(root) not in ("rss", "feed", "rdf"):
        raise DiscoverError("bad_xml", f"not a feed: root element <{_local(root)}>")
    return _feed_links(root, base_url)


_RDF_ABOUT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"


def _feed_links(root, base_url: str) -> list[str]:
    kind = _local(root)
    links: list[str | None] = []
    if kind == "feed":  # Atom: the alternate link of each entry, honouring xml:base
        for entry in _children(root, "entry"):
            for link in _children(entry, "link"):
                if link.get("rel", "alternate").strip().lower() == "alternate":
                    links.append(absolute_http_url(link.get("href"), link.base or base_url))
                    break
        return unique_urls(links)
    # RSS 2.0 keeps items in <channel>; RSS 1.0 puts them beside it under rdf:RDF.
    containers = [root, *_children(root, "channel")]
    for item in (item for box in containers for item in _children(box, "item")):
        href = _text(_first(item, "link"))
        if not href:
            guid = _first(item, "guid")
            if guid is not None and guid.get("isPermaLink", "true").strip().lower() != "false":
                href = _text(guid)
        links.append(absolute_http_url(href or item.get(_RDF_ABOUT), base_url))
    return unique_urls(links)
