"""2000s portal layouts: table pages whose body is <br>-separated text in <td>/<font>, no <p>, no
article container, next to navigation tables, comment forms and ad scripts."""
from __future__ import annotations

import pytest

from pipeline.errors import Skip
from pipeline.extract.article import extract_article

NAV = "".join(f'<a href="/c{i}.html">栏目新闻标题第{i}条消息</a><br>' for i in range(14))
PARAS = [
    "本报讯 今年一季度，全市完成固定资产投资120.5亿元，同比增长15.2%，增幅比去年同期提高3个百分点。",
    "其中，工业投资完成58.3亿元，增长21.4%，新开工亿元以上项目23个，计划总投资达到96亿元。",
    "市统计局有关负责人表示，投资的快速增长为全年经济发展打下了良好基础，二季度还将有一批重大项目开工建设。",
]
INDENTED = ["\u3000\u3000" + p for p in PARAS]
COMMENT_FORM = ('<form action="/comment.asp" method=post><table><tr><td>发表评论</td></tr><tr><td>用户名：<input name=u> '
                '密码：<input name=p type=password><textarea name=c></textarea><input type=submit value=发表></td></tr></table></form>')

BODIES = {
    "td_br": f"<table><tr><td class=f14>{'<br><br>'.join(INDENTED)}<script>document.write('广告')</script></td></tr></table>",
    "font_br": "<table><tr><td><font class=f14>" + "</font><br><br><font class=f14>".join(INDENTED) + "</font></td></tr></table>",
    "row_per_paragraph": "<table>" + "".join(f"<tr><td class=f14>{p}</td></tr>" for p in INDENTED) + "</table>",
    "table_per_paragraph": "".join(f"<table><tr><td>{p}</td></tr></table>" for p in INDENTED),
    "ad_table_inside": (f"<table><tr><td><span>{INDENTED[0]}<br><br>{INDENTED[1]}</span><table align=right><tr><td>"
                        f"<a href=x>广告</a></td></tr></table><span>{INDENTED[2]}</span></td></tr></table>"),
    "unclosed_p_in_font": "<table><tr><td><font size=3><p>" + "<p>".join(INDENTED) + "</td></tr></table>",
}


def portal(body: str, title: str = "一季度全市投资增长15.2%_新闻中心_某某网", date: str = "[2005年05月13日]",
           whole_page_form: bool = False) -> str:
    inner = (f'<table width=760><tr><td width=180 valign=top><table><tr><td>{NAV}</td></tr></table></td><td valign=top>'
             f'<table><tr><td align=center><font size=5><b>一季度全市投资增长15.2%</b></font></td></tr>'
             f'<tr><td align=center>{date}</td></tr></table>{body}{COMMENT_FORM}'
             f'<table><tr><td>相关新闻</td></tr><tr><td>{NAV}</td></tr></table></td><td width=180>{NAV}</td></tr></table>')
    if whole_page_form:
        inner = f'<form name="form1" method="post" action="default.aspx">{inner}</form>'
    return f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>{title}</title></head><body>{inner}</body></html>'


@pytest.mark.parametrize("layout", sorted(BODIES))
@pytest.mark.parametrize("whole_page_form", [False, True])
def test_every_paragraph_of_a_table_page(layout, whole_page_form):
    a = extract_article(portal(BODIES[layout], whole_page_form=whole_page_form).encode("gb18030"))
    assert a.content.split("\n") == PARAS
    assert a.title == "一季度全市投资增长15.2%" and a.published_at == "2005-05-13"
    assert "发表评论" not in a.content and "栏目新闻" not in a.content


def test_slogan_title_gives_way_to_the_visible_headline():
    html = portal(BODIES["td_br"], title="某某网--首都互联网新闻门户", date="2005年05月13日 08:32 来源：某某日报")
    a = extract_article(html)
    assert a.title == "一季度全市投资增长15.2%"
    assert a.published_at == "2005-05-13T08:32:00+08:00" and a.source_name == "某某日报"


def test_headline_styled_above_the_body_when_title_is_the_company_name():
    html = ('<html><head><title>某某机械</title></head><body><section><p>某某机械将为您分享更多公司和业界的新进展</p></section>'
            '<section><a href=a>公司新闻</a> <a href=b>行业新闻</a></section><section>'
            '<p style="font-size:22px">上半年工程机械销量增长三成</p><ul><li>'
            + "<br><br>".join(PARAS + ["截至2005年3月31日，全市在建亿元以上项目达到156个，完成投资比上年同期增长两成。"])
            + "</li></ul></section></body></html>")
    a = extract_article(html)
    assert a.title == "上半年工程机械销量增长三成"
    assert a.published_at is None  # no date shown: the dates inside the body are not its date


def test_an_article_hidden_until_a_script_shows_it_is_read():
    html = ('<html><head><title>一季度全市投资增长15.2%</title></head><body><div class=nav><a href=a>首页</a></div>'
            '<h1>一季度全市投资增长15.2%</h1><div id=article style="display:none">'
            + "".join(f"<p>{p}</p>" for p in PARAS) + "</div><script>show('article')</script></body></html>")
    a = extract_article(html)
    assert a.content.split("\n") == PARAS and "hidden_body_shown" in a.flags


def test_a_hidden_block_next_to_a_visible_article_stays_out():
    html = ('<html><head><title>一季度全市投资增长15.2%</title></head><body><h1>一季度全市投资增长15.2%</h1>'
            '<div class=content>' + "".join(f"<p>{p}</p>" for p in PARAS) + "</div>"
            '<div style="display:none"><p>隐藏的推广文字，总投资999亿元的项目今天签约，年产能达到一百万吨。</p></div></body></html>')
    a = extract_article(html)
    assert a.content.split("\n") == PARAS and "hidden_body_shown" not in a.flags


def test_pathological_markup_is_refused_early_and_named():
    import time

    html = ("<html><body><div " + " ".join(f'a{i}="x"' for i in range(80000)) + ">"
            + "".join(f"<p>{p}</p>" for p in PARAS) + "</div></body></html>")
    start = time.monotonic()
    with pytest.raises(Skip) as err:
        extract_article(html, location="attrs.html")
    assert err.value.reason == "pathological_markup" and "80000 attributes" in str(err.value)
    assert time.monotonic() - start < 10  # not the minute libxml2 would take


def test_a_long_data_uri_is_no_pathological_markup():
    html = ('<html><body><h1>一季度全市投资增长15.2%</h1><img src="data:image/png;base64,' + "A" * 90000 + '">'
            + "".join(f"<p>{p}</p>" for p in PARAS) + "</body></html>")
    assert extract_article(html).content.split("\n") == PARAS


def test_text_nested_deeper_than_the_parser_default_is_kept():
    html = "<html><body>" + "<div>" * 400 + "".join(f"<p>{p}</p>" for p in PARAS) + "</div>" * 400 + "</body></html>"
    assert extract_article(html).content.split("\n") == PARAS
