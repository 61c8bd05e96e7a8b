"""Links on pages (pipeline.crawl.links): channel pages and multi-page articles."""
from __future__ import annotations

from pipeline.crawl.links import (
    article_continuations,
    is_same_article_page,
    next_pages,
    page_links,
)

SM_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


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
