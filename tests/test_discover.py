"""URL discovery: sitemaps and feeds (untrusted XML), channel pages, multi-page articles."""
from __future__ import annotations

import gzip
import socket
import time
import tracemalloc

import pytest

from pipeline.discover import (
    DiscoverError, article_continuations, is_same_article_page, next_pages, page_links, parse_feed,
    parse_sitemap,
)

LOOPBACK = {"127.0.0.1", "::1", "localhost"}
SM_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """Discovery is pure; the only allowed connects are to test servers on loopback."""
    real_connect = socket.socket.connect
    real_create = socket.create_connection

    def guarded_connect(self, address):
        if isinstance(address, tuple) and address[0] not in LOOPBACK:
            raise OSError(f"test guard: non-loopback connect to {address!r}")
        return real_connect(self, address)

    def guarded_create(address, *args, **kwargs):
        if address[0] not in LOOPBACK:
            raise OSError(f"test guard: non-loopback connect to {address!r}")
        return real_create(address, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "create_connection", guarded_create)


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


# --------------------------------------------------------------------------- channel pages

CHANNEL = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>工作动态_宁波市发展和改革委员会</title></head>
<body>
<div class="nav"><a href="/">首页</a> &gt; <a href="../">新闻中心</a> &gt; <a href="./">工作动态</a></div>
<ul class="list">
  <li><a href="./202403/t20240305_5847563.shtml" target="_blank">我市重大项目集中开工</a><span>2024-03-05</span></li>
  <li><a href="
      ./202403/t20240304_5847000.shtml" title="一季度经济运行">一季度经济运行情况</a></li>
  <li><a href="/art/2024/3/1/art_1229_123.html#comments">省发改委调研</a></li>
  <li><a href="http://www.zj.gov.cn/col/col1229.html">浙江省政府</a></li>
  <li><a href="./202403/t20240305_5847563.shtml">我市重大项目集中开工（重复）</a></li>
  <li><a href="javascript:void(0)" onclick="share()">分享</a></li>
  <li><a href="JavaScript:window.open('x')">弹窗</a></li>
  <li><a href="mailto:fgw@ningbo.gov.cn">联系我们</a></li>
  <li><a href="#top">返回顶部</a></li>
  <li><a>无链接</a></li>
</ul>
<div class="page">
  <a href="index.shtml">首页</a>
  <a href="index.shtml">上一页</a>
  <a href="index.shtml">1</a> <span class="cur">2</span> <a href="index_2.shtml">3</a> <a href="index_3.shtml">4</a>
  <a href="index_2.shtml">下一页</a>
  <a href="index_9.shtml">尾页</a>
</div>
</body></html>"""
CHANNEL_URL = "http://fgw.example.gov.cn/xwzx/gzdt/index_1.shtml"


def test_page_links_on_a_channel_page():
    links = page_links(CHANNEL, CHANNEL_URL)
    assert links[:8] == [
        "http://fgw.example.gov.cn/",
        "http://fgw.example.gov.cn/xwzx/",
        "http://fgw.example.gov.cn/xwzx/gzdt/",
        "http://fgw.example.gov.cn/xwzx/gzdt/202403/t20240305_5847563.shtml",
        "http://fgw.example.gov.cn/xwzx/gzdt/202403/t20240304_5847000.shtml",
        "http://fgw.example.gov.cn/art/2024/3/1/art_1229_123.html",
        "http://www.zj.gov.cn/col/col1229.html",
        "http://fgw.example.gov.cn/xwzx/gzdt/index.shtml",
    ]
    assert len(links) == len(set(links))
    assert not any("javascript" in link.lower() or "mailto" in link or "#" in link for link in links)


def test_page_links_honours_base_href():
    html = '<head><base href="http://cdn.example.cn/news/"></head><a href="a.html">a</a>'
    assert page_links(html, "http://www.example.cn/x/y.html") == ["http://cdn.example.cn/news/a.html"]


def test_next_pages_on_a_trs_channel_page():
    assert next_pages(CHANNEL, CHANNEL_URL) == [
        "http://fgw.example.gov.cn/xwzx/gzdt/index_2.shtml",  # 下一页 first
        "http://fgw.example.gov.cn/xwzx/gzdt/index.shtml",
        "http://fgw.example.gov.cn/xwzx/gzdt/index_3.shtml",
        "http://fgw.example.gov.cn/xwzx/gzdt/index_9.shtml",  # 尾页
    ]


def test_next_pages_on_the_first_page_and_a_directory_url():
    first = """<ul><li><a href="t20240305_1.shtml">新闻</a></li></ul>
      <div class="pages"><a href="index_1.shtml">2</a> <a href="index_2.shtml">3</a>
      <a href="index_1.shtml">下一页 &gt;</a> <a href="index_20.shtml">尾页</a></div>"""
    expected = ["http://x.gov.cn/xwzx/index_1.shtml", "http://x.gov.cn/xwzx/index_2.shtml",
                "http://x.gov.cn/xwzx/index_20.shtml"]
    assert next_pages(first, "http://x.gov.cn/xwzx/index.shtml") == expected
    assert next_pages(first, "http://x.gov.cn/xwzx/") == expected


def test_next_pages_list_htm_and_text_variants():
    html = """<a href="list_2.htm">2</a><a href="list_3.htm">3</a>
      <a href="/news/list_2.htm" class="next">[下页]</a>
      <a href="../other/list_2.htm">其它栏目</a>
      <a href="javascript:goPage(2)">下一页</a>"""
    assert next_pages(html, "http://x.edu.cn/news/list.htm") == [
        "http://x.edu.cn/news/list_2.htm", "http://x.edu.cn/news/list_3.htm"]
    for text in ("后页", "»", "&gt;", "Next", "next »", "下一页&gt;&gt;", " 下一页 "):
        html = f'<p>…</p><a href="?page=3">{text}</a><a href="?page=1">上一页</a>'
        assert next_pages(html, "http://x.cn/list.aspx?page=2") == ["http://x.cn/list.aspx?page=3"], text
    assert next_pages('<a href="p3.html" title="下一页"><img src="next.gif"></a>', "http://x.cn/p2.html") == [
        "http://x.cn/p3.html"]
    assert next_pages('<a href="a.html">下一篇：某某新闻</a>', "http://x.cn/list.html") == []


def test_next_pages_rel_next_and_trs_script_pager():
    html = '<head><link rel="next" href="/news/2"></head><a rel="next" href="/news/2">»</a>'
    assert next_pages(html, "http://x.cn/news/1") == ["http://x.cn/news/2"]
    trs = """<div id="page"></div><script language="JavaScript">
      var currentPage = 1; var countPage = 12;
      createPageHTML(12, 1, "index", "shtml");</script>"""
    assert next_pages(trs, "http://x.gov.cn/col/index_1.shtml") == ["http://x.gov.cn/col/index_2.shtml"]
    last = '<script>createPageHTML(3, 2, "index", "html");</script>'
    assert next_pages(last, "http://x.gov.cn/col/index_2.html") == []


# --------------------------------------------------------------------------- multi-page articles

def article(page: int, bar: str) -> str:
    return f"""<html><body>
<div class="article"><h1>2024年全市固定资产投资快速增长</h1>
  <div class="content"><p>第{page}页正文……</p></div>
  <div class="pagebar">{bar}</div>
</div>
<div class="related"><h3>相关新闻</h3>
  <a href="0085.shtml">2023年全市固定资产投资回顾</a>
  <a href="0087.shtml">一季度经济数据发布</a>
  <a href="0085_2.shtml">上月数据（续）</a>
</div>
<a href="../../index.shtml">首页</a></body></html>"""


BAR = """<a href="0086.shtml">1</a> <a href="0086_2.shtml">2</a> <a href="0086_3.shtml">3</a>
  <a href="0086_2.shtml">下一页</a>"""
BASE = "http://news.example.cn/system/2024/03/05/"


def test_three_page_article_from_each_page():
    assert article_continuations(article(1, BAR), BASE + "0086.shtml") == [BASE + "0086_2.shtml", BASE + "0086_3.shtml"]
    bar2 = BAR.replace('0086_2.shtml">下一页', '0086_3.shtml">下一页')
    assert article_continuations(article(2, bar2), BASE + "0086_2.shtml") == [BASE + "0086_3.shtml"]
    assert article_continuations(article(3, BAR.replace("下一页", "上一页")), BASE + "0086_3.shtml") == []


def test_one_page_article_with_related_links():
    assert article_continuations(article(1, ""), BASE + "0086.shtml") == []
    # The related article 0085_2 is "page 2 of 0085" by name but not of this article.
    assert article_continuations(article(1, ""), BASE + "0085_3.shtml") == []


def test_long_page_bar_gaps_are_filled_and_only_next_link_works():
    bar = ('<a href="0086_2.shtml">2</a><a href="0086_3.shtml">3</a><span>…</span>'
           '<a href="0086_7.shtml">7</a><a href="0086_2.shtml">下一页</a>')
    assert article_continuations(article(1, bar), BASE + "0086.shtml") == [
        BASE + f"0086_{n}.shtml" for n in range(2, 8)]
    only_next = '<a href="0086_2.shtml">下一页</a>'
    assert article_continuations(article(1, only_next), BASE + "0086.shtml") == [BASE + "0086_2.shtml"]


def test_people_cn_style_and_neighbouring_ids():
    base = "http://finance.example.cn/n1/2024/0305/"
    bar = '<a href="c1004-40189999.html">1</a><a href="c1004-40189999-2.html">2</a><a href="c1004-40189999-3.html">3</a>'
    assert article_continuations(bar, base + "c1004-40189999.html") == [
        base + "c1004-40189999-2.html", base + "c1004-40189999-3.html"]
    assert article_continuations(bar, base + "c1004-40189999-2.html") == [base + "c1004-40189999-3.html"]
    # A neighbouring article id with a short numeric tail is not a page of this one.
    related = '<a href="t2024_587.shtml">另一篇新闻</a>'
    assert article_continuations(related, "http://x.cn/a/t2024_586.shtml") == []


def test_is_same_article_page():
    assert is_same_article_page(BASE + "0086.shtml", BASE + "0086_2.shtml")
    assert is_same_article_page(BASE + "0086_2.shtml", BASE + "0086_3.shtml#p")
    assert not is_same_article_page(BASE + "0086.shtml", BASE + "0087.shtml")
    assert not is_same_article_page(BASE + "0086.shtml", BASE + "0086_2.html")
