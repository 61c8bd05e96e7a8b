"""Sitemaps and feeds (pipeline.crawl.feeds): untrusted XML, gzip bombs, sloppy feeds."""
from __future__ import annotations

import gzip
import time
import tracemalloc

import pytest

from pipeline.crawl.feeds import DiscoverError, parse_feed, parse_sitemap, sitemap_entries, w3c_datetime

SM_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


# --------------------------------------------------------------------------- sitemaps

URLSET = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset {SM_NS} xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>http://www.example.cn/xwzx/2024/0305/t20240305_5847563.shtml</loc>
       <lastmod>2024-03-05</lastmod>
       <news:news><news:title>我市重大项目集中开工</news:title></news:news></url>
  <url><loc>
      https://www.example.cn/xwzx/2024/0306/a.shtml?id=1&amp;from=rss
  </loc></url>
  <url><loc>ftp://www.example.cn/x.zip</loc></url>
  <url><loc>javascript:alert(1)</loc></url>
  <url><loc>http://www.example.cn/xwzx/2024/0305/t20240305_5847563.shtml</loc></url>
  <url><lastmod>2024-03-07</lastmod></url>
</urlset>""".encode()

INDEX = f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex {SM_NS}>
  <sitemap><loc>http://www.example.cn/sitemap-2024-03.xml.gz</loc><lastmod>2024-03-31</lastmod></sitemap>
  <sitemap><loc>/sitemap-news.xml</loc></sitemap>
</sitemapindex>""".encode()

PAGES = [
    "http://www.example.cn/xwzx/2024/0305/t20240305_5847563.shtml",
    "https://www.example.cn/xwzx/2024/0306/a.shtml?id=1&from=rss",
]


def test_sitemap_urlset():
    assert parse_sitemap(URLSET, "http://www.example.cn/sitemap.xml") == (PAGES, [])


def test_sitemap_index():
    pages, children = parse_sitemap(INDEX, "http://www.example.cn/sitemap_index.xml")
    assert pages == []
    assert children == ["http://www.example.cn/sitemap-2024-03.xml.gz", "http://www.example.cn/sitemap-news.xml"]


def test_sitemap_dates_lastmod_and_news_publication_date():
    body = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset {SM_NS} xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>http://www.example.cn/a.shtml</loc><lastmod>2024-03-05T08:00:00+08:00</lastmod></url>
  <url><loc>http://www.example.cn/b.shtml</loc><news:news><news:publication_date>2024-03-06T10:30:00Z
  </news:publication_date></news:news></url>
  <url><loc>http://www.example.cn/c.shtml</loc><lastmod>not a date</lastmod></url>
  <url><loc>http://www.example.cn/a.shtml</loc><lastmod>2024-03-07</lastmod></url>
</urlset>""".encode()
    pages, children = sitemap_entries(body, "http://www.example.cn/sitemap.xml")
    assert children == [] and pages == [
        ("http://www.example.cn/a.shtml", w3c_datetime("2024-03-08T00:00:00Z")),  # listed twice: the later date
        ("http://www.example.cn/b.shtml", w3c_datetime("2024-03-06T10:30:00Z")),
        ("http://www.example.cn/c.shtml", None),
    ]
    index_pages, index_children = sitemap_entries(INDEX, "http://www.example.cn/sitemap_index.xml")
    assert index_pages == [] and index_children == [
        ("http://www.example.cn/sitemap-2024-03.xml.gz", w3c_datetime("2024-04-01T00:00:00Z")),  # 03-31: its end
        ("http://www.example.cn/sitemap-news.xml", None)]


@pytest.mark.parametrize("text, iso", [
    ("2024-03-05T08:00:00+08:00", "2024-03-05T00:00:00+00:00"),
    ("2024-03-05T08:00+0800", "2024-03-05T00:00:00+00:00"),
    ("2024-03-05T08:00:00.123Z", "2024-03-05T08:00:00+00:00"),
    ("2024-03-05 08:00:00", "2024-03-05T08:00:00+00:00"),   # no zone: read as UTC (later than Beijing time)
    ("2024-03-05", "2024-03-06T00:00:00+00:00"),            # a day: its end
    ("2024-03", "2024-04-01T00:00:00+00:00"),
    ("2024", "2025-01-01T00:00:00+00:00"),
])
def test_w3c_datetimes_are_read_to_err_on_the_side_of_changed(text, iso):
    import datetime as dt

    assert w3c_datetime(text) == dt.datetime.fromisoformat(iso).timestamp()


@pytest.mark.parametrize("text", ["", "soon", "2024-02-30", "2024-03-05T25:00:00Z", "05/03/2024"])
def test_what_is_not_a_w3c_datetime_is_no_date(text):
    assert w3c_datetime(text) is None


def test_gzipped_sitemap_is_recognised_by_magic_bytes():
    assert parse_sitemap(gzip.compress(URLSET), "http://www.example.cn/sitemap.xml") == (PAGES, [])
    # The name says nothing: a plain sitemap served as .gz, and gzip served as .xml, both work.
    assert parse_sitemap(URLSET, "http://www.example.cn/sitemap.xml.gz") == (PAGES, [])


def test_text_sitemap_and_feed_as_sitemap():
    text = b"http://www.example.cn/a.html\n\nhttps://www.example.cn/b.html\r\nnot a url\n"
    assert parse_sitemap(text, "http://www.example.cn/sitemap.txt") == (
        ["http://www.example.cn/a.html", "https://www.example.cn/b.html"], [])
    assert parse_sitemap(RSS2, "http://www.example.cn/rss.xml")[0] == RSS2_LINKS


def test_gzip_bomb_stops_at_the_cap_quickly():
    bomb = gzip.compress(b"\0" * (50 * 2**20), compresslevel=9)
    assert len(bomb) < 200 * 1024
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(DiscoverError) as info:
            parse_sitemap(bomb, "http://www.example.cn/sitemap.xml.gz", max_bytes=2 * 2**20)
        elapsed = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert info.value.reason == "too_large"
    assert elapsed < 2.0
    assert peak < 3 * 2 * 2**20  # never inflated past the cap (50 MiB would be far above)


def test_plain_body_over_the_cap_is_too_large():
    with pytest.raises(DiscoverError) as info:
        parse_sitemap(URLSET + b" " * 2048, "http://www.example.cn/sitemap.xml", max_bytes=len(URLSET))
    assert info.value.reason == "too_large"


def test_truncated_gzip_and_bad_xml():
    with pytest.raises(DiscoverError) as info:
        parse_sitemap(gzip.compress(URLSET)[:-40], "http://www.example.cn/sitemap.xml.gz")
    assert info.value.reason == "bad_gzip"
    with pytest.raises(DiscoverError) as info:
        parse_sitemap(b"<html><body>404</body></html>", "http://www.example.cn/sitemap.xml")
    assert info.value.reason == "bad_xml"
    with pytest.raises(DiscoverError) as info:
        parse_sitemap(b"<\x00\x01\x02", "http://www.example.cn/sitemap.xml")
    assert info.value.reason == "bad_xml"


def billion_laughs(root: str = "urlset") -> bytes:
    ents = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    return (f'<?xml version="1.0"?><!DOCTYPE {root} [{"".join(ents)}]>'
            f'<{root} {SM_NS}><url><loc>http://www.example.cn/&lol9;</loc></url></{root}>').encode()


def quadratic_blowup() -> bytes:
    big = "A" * 100_000
    return (f'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY a "{big}">]>'
            f'<urlset {SM_NS}><url><loc>http://www.example.cn/{"&a;" * 40_000}</loc></url></urlset>').encode()


@pytest.mark.parametrize("make", [billion_laughs, quadratic_blowup], ids=["billion_laughs", "quadratic"])
def test_entity_bombs_are_refused_quickly(make):
    body = make()
    for parse in (lambda: parse_sitemap(body, "http://www.example.cn/sitemap.xml"),
                  lambda: parse_sitemap(gzip.compress(body), "http://www.example.cn/sitemap.xml.gz")):
        started = time.monotonic()
        with pytest.raises(DiscoverError) as info:
            parse()
        assert time.monotonic() - started < 1.0
        assert info.value.reason == "xml_entities_refused"


def test_entity_bomb_in_a_feed_is_refused():
    body = billion_laughs("rss").replace(b"<url><loc>", b"<channel><item><link>").replace(
        b"</loc></url>", b"</link></item></channel>")
    with pytest.raises(DiscoverError) as info:
        parse_feed(body, "http://www.example.cn/rss.xml")
    assert info.value.reason == "xml_entities_refused"


def test_xxe_file_entity_is_not_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-42", encoding="utf-8")
    for root, item in (("urlset", "<url><loc>http://www.example.cn/&xxe;</loc></url>"),
                       ("rss", "<channel><item><link>http://www.example.cn/&xxe;</link></item></channel>")):
        body = (f'<?xml version="1.0"?><!DOCTYPE {root} [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
                f'<{root}>{item}</{root}>').encode()
        parse = parse_sitemap if root == "urlset" else parse_feed
        with pytest.raises(DiscoverError) as info:
            parse(body, "http://www.example.cn/x.xml")
        assert info.value.reason == "xml_entities_refused"
        assert "TOP-SECRET" not in str(info.value) and "TOP-SECRET" not in repr(info.value.__context__)


def test_external_dtd_and_parameter_entities_are_never_fetched(httpserver):
    httpserver.expect_request("/evil.dtd").respond_with_data(
        '<!ENTITY inject "http://evil.example/">', content_type="application/xml-dtd")
    dtd = httpserver.url_for("/evil.dtd")
    # An external DTD subset alone (like RSS 0.91's Netscape DTD): not loaded, the document still parses.
    body = (f'<?xml version="1.0"?><!DOCTYPE urlset SYSTEM "{dtd}">'
            f'<urlset {SM_NS}><url><loc>http://www.example.cn/a.html</loc></url></urlset>').encode()
    assert parse_sitemap(body, "http://www.example.cn/sitemap.xml") == (["http://www.example.cn/a.html"], [])
    rss = (f'<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "{dtd}">'
           '<rss version="0.91"><channel><item><link>http://www.example.cn/b.html</link></item></channel></rss>')
    assert parse_feed(rss.encode(), "http://www.example.cn/rss.xml") == ["http://www.example.cn/b.html"]
    # A parameter entity pulling the DTD in, and an external general entity: refused.
    for decl in (f'<!ENTITY % remote SYSTEM "{dtd}"> %remote;', f'<!ENTITY e SYSTEM "{dtd}">'):
        body = (f'<?xml version="1.0"?><!DOCTYPE urlset [{decl}]>'
                f'<urlset><url><loc>http://www.example.cn/&e;</loc></url></urlset>').encode()
        with pytest.raises(DiscoverError) as info:
            parse_sitemap(body, "http://www.example.cn/sitemap.xml")
        assert info.value.reason == "xml_entities_refused"
    assert len(httpserver.log) == 0


# --------------------------------------------------------------------------- feeds

RSS2 = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
  <title>宁波新闻</title><link>http://www.example.cn/</link>
  <item><title>项目开工</title><link>http://www.example.cn/news/2024/0305/a.shtml</link>
        <guid isPermaLink="false">id-1</guid></item>
  <item><title>相对链接</title><link> /news/2024/0305/b.shtml </link></item>
  <item><title>只有guid</title><guid>http://www.example.cn/news/2024/0305/c.shtml</guid></item>
  <item><title>非永久guid</title><guid isPermaLink="false">tag:x,2024:d</guid></item>
  <item><title>重复</title><link>http://www.example.cn/news/2024/0305/a.shtml</link></item>
  <item><title>坏的</title><link>javascript:void(0)</link></item>
</channel></rss>""".encode()
RSS2_LINKS = [
    "http://www.example.cn/news/2024/0305/a.shtml",
    "http://www.example.cn/news/2024/0305/b.shtml",
    "http://www.example.cn/news/2024/0305/c.shtml",
]


def test_rss2():
    assert parse_feed(RSS2, "http://www.example.cn/rss.xml") == RSS2_LINKS


def test_rss2_in_gb2312_with_a_bare_ampersand():
    # Sloppy real-world feed: declared gb2312, GBK-only character in a title, an unescaped "&" in a link.
    body = ('<?xml version="1.0" encoding="gb2312"?><rss version="2.0"><channel><title>新闻</title>'
            '<item><title>镕基</title><link>http://www.example.cn/a.asp?id=1&amp;t=2</link></item>'
            '<item><title>x</title><link>http://www.example.cn/b.asp?id=2&t=3</link></item>'
            '</channel></rss>').encode("gb18030")
    links = parse_feed(body, "http://www.example.cn/rss.xml")
    assert links == ["http://www.example.cn/a.asp?id=1&t=2", "http://www.example.cn/b.asp?id=2&t=3"]


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://www.example.cn/en/">
  <title>Example</title><link rel="self" href="http://www.example.cn/atom.xml"/>
  <entry><title>a</title><link rel="alternate" type="text/html" href="2024/a.html"/><id>urn:1</id></entry>
  <entry><title>b</title><link rel="enclosure" href="/b.mp3"/><link href="http://www.example.cn/b.html"/></entry>
  <entry xml:base="http://other.example.cn/zh/"><title>c</title><link rel="alternate" href="c.html"/></entry>
  <entry><title>no link</title><id>urn:4</id></entry>
</feed>"""


def test_atom():
    assert parse_feed(ATOM, "http://www.example.cn/atom.xml") == [
        "http://www.example.cn/en/2024/a.html",
        "http://www.example.cn/b.html",
        "http://other.example.cn/zh/c.html",
    ]


RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
  <channel rdf:about="http://www.example.cn/"><title>x</title><link>http://www.example.cn/</link>
    <items><rdf:Seq><rdf:li rdf:resource="http://www.example.cn/1.html"/></rdf:Seq></items></channel>
  <item rdf:about="http://www.example.cn/1.html"><title>1</title><link>http://www.example.cn/1.html</link></item>
  <item rdf:about="http://www.example.cn/2.html"><title>2</title></item>
</rdf:RDF>"""


def test_rdf():
    assert parse_feed(RDF, "http://www.example.cn/rss.rdf") == [
        "http://www.example.cn/1.html", "http://www.example.cn/2.html"]


def test_feed_refuses_str_and_non_feeds():
    with pytest.raises(TypeError):
        parse_feed(RSS2.decode(), "http://www.example.cn/rss.xml")  # type: ignore[arg-type]
    with pytest.raises(DiscoverError) as info:
        parse_feed(URLSET, "http://www.example.cn/rss.xml")
    assert info.value.reason == "bad_xml"
