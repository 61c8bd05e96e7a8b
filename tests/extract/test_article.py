"""Generic article extraction on layouts the corpus does not cover page by page."""
from __future__ import annotations

import pytest

from pipeline.errors import Skip
from pipeline.extract.article import extract_article

PARAS = [
    "鄞州区今天举行重大产业项目集中开工仪式，总投资86亿元的12个项目同时破土动工，涵盖智能制造、新材料等领域。",
    "其中，总投资32亿元的新能源汽车零部件产业园项目规模最大，建成后可年产驱动电机80万台。",
    "今年以来，鄞州区坚持项目为王，一季度完成固定资产投资194.1亿元，增长8.9%，增速居全市前列。",
]
NAV = "".join(f'<a href="/c{i}.html">栏目{i}</a> ' for i in range(12))


def page(body: str, head: str = '<meta charset="utf-8"><title>鄞州项目集中开工_测试新闻网</title>') -> str:
    return (f"<html><head>{head}</head><body><div class=nav>{NAV}</div><h1>鄞州项目集中开工</h1>"
            f"<div class=info>2018-03-12 08:00 来源：宁波日报</div>{body}"
            f"<div class=footer>版权所有 测试新闻网 浙ICP备00000000号</div></body></html>")


@pytest.mark.parametrize("wrap", [
    lambda ps: "<div class=content>" + "".join(f"<p>{p}</p>" for p in ps) + "</div>",
    lambda ps: "<div class=content>" + "".join(f"<div>{p}</div>" for p in ps) + "</div>",
    lambda ps: "<article>" + "".join(f"<section><span>{p}</span></section>" for p in ps) + "</article>",
    lambda ps: "<table width=760><tr><td><font size=3>" + "<br><br>&nbsp;&nbsp;".join(ps) + "</font></td></tr></table>",
])
def test_all_paragraphs_whatever_the_markup(wrap):
    a = extract_article(page(wrap(PARAS)))
    assert a.content.split("\n") == PARAS
    assert a.title == "鄞州项目集中开工" and a.site == "测试新闻网"
    assert a.published_at == "2018-03-12T08:00:00+08:00" and a.source_name == "宁波日报"


def test_xhtml_with_xml_declaration_in_a_gb_encoding():
    html = '<?xml version="1.0" encoding="gb2312"?>\n' + page("<div>" + "".join(f"<p>{p}</p>" for p in PARAS) + "</div>",
                                                             '<meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>鄞州项目集中开工</title>')
    a = extract_article(html.encode("gb18030"))
    assert a.content.split("\n") == PARAS and a.encoding == "gb18030"


def test_body_printed_twice_is_kept_once_and_flagged():
    block = "".join(f"<p>{p}</p>" for p in PARAS)
    a = extract_article(page(f"<div class=main><div class=a>{block}</div><div class=b>{block}</div></div>"))
    assert a.content.split("\n") == PARAS


def test_script_and_hidden_blocks_are_not_text():
    body = ("<div class=content>" + "".join(f"<p>{p}</p>" for p in PARAS) +
            "<script>document.write('<p>广告：投资理财年化收益8%，点击领取</p>')</script>"
            "<div style='display: none'>隐藏的推广文字，总投资999亿元，不应出现在正文里面。</div></div>")
    assert extract_article(page(body)).content.split("\n") == PARAS


@pytest.mark.parametrize("html, reason", [
    ("", "empty_page"),
    (page("<div class=content><p>您访问的页面不存在，请返回首页。</p></div>"), "soft_404"),
    (page("<div id=app></div>"), "empty_body"),
])
def test_pages_without_an_article_are_skipped(html, reason):
    with pytest.raises(Skip) as err:
        extract_article(html, location="x.html")
    assert err.value.reason == reason and err.value.location == "x.html"
