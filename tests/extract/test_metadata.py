"""Titles, publication times, bylines, sources and editors as pages of every era print them."""
from __future__ import annotations

import pytest

from pipeline.extract.article import extract_article

BODY = ("<div class=content><p>今年以来，全县新建设施农业基地12个，完成农业投资5.6亿元，同比增长18.5%，带动农户增收。</p>"
        "<p>县农业农村局负责人介绍，下一步将再引进一批农产品加工项目，计划总投资10亿元。</p></div>")


def page(title: str = "", head: str = "", top: str = "", info: str = "", body: str = BODY, foot: str = "") -> str:
    return (f'<html><head><meta charset="utf-8"><title>{title}</title>{head}</head><body>{top}'
            f'<div class=main><h1>全县设施农业投资增长18.5%</h1><div class=info>{info}</div>{body}{foot}</div></body></html>')


@pytest.mark.parametrize("title", [
    "全县设施农业投资增长18.5%",
    "华东某某信息网--全县设施农业投资增长18.5%",
    "全县设施农业投资增长18.5%_农业频道_某某网",
    "全县设施农业投资增长18.5%-某某新闻网",
    "全县设施农业投资增长18.5% | 某某财经",
    "某某县人民政府门户网站",
    "",
])
def test_title_is_the_headline_whatever_the_title_tag(title):
    assert extract_article(page(title)).title == "全县设施农业投资增长18.5%"


@pytest.mark.parametrize("info, expected", [
    ("发布时间：2016年06月30日09时30分", "2016-06-30T09:30:00+08:00"),
    ("二〇一七年三月二十四日", "2017-03-24"),
    ("2005-5-13 8:32 来源：某某晚报", "2005-05-13T08:32:00+08:00"),
    ("[2005年05月13日]", "2005-05-13"),
    ("２００５年５月１３日", "2005-05-13"),
])
def test_time_forms(info, expected):
    assert extract_article(page(info=info)).published_at == expected


def test_visible_time_beats_meta_tags():
    head = '<meta name="publishdate" content="2019-01-01"><meta property="article:published_time" content="2019-01-01T00:00:00+08:00">'
    a = extract_article(page(head=head, info="2022-03-15 10:20 来源：某某日报"))
    assert a.published_at == "2022-03-15T10:20:00+08:00"


def test_meta_adds_the_time_of_day_to_a_shown_date():
    head = '<meta property="article:published_time" content="2022-03-15T10:20:00+08:00">'
    assert extract_article(page(head=head, info="2022-03-15")).published_at == "2022-03-15T10:20:00+08:00"


def test_no_visible_date_gives_no_date():
    body = BODY.replace("今年以来", "截至2018年3月31日")
    top = "<div class=top>今天是2022年5月13日 星期五</div>"
    a = extract_article(page(top=top, body=body, foot="<div>©2003-2019 某某网</div>"))
    assert a.published_at is None


@pytest.mark.parametrize("info, body_top, body_end, expected", [
    ("", "<p>新华社记者王博、李娜、张强</p>", "", ["王博", "李娜", "张强"]),
    ("2022-03-15 来源：某某日报 作者：方  敏", "", "", ["方敏"]),
    ("记者 王  博 通讯员 李  想", "", "", ["王博", "李想"]),
    ("", "<p>文/陈喆 图/周晓</p>", "", ["陈喆", "周晓"]),
    ("撰文：钱多多", "", "", ["钱多多"]),
    ("", "", "<p>下一步，县里将继续加大投入力度，推动产业提质增效。（记者 赵刚 通讯员 孙丽 实习生 吴迪）</p>", ["赵刚", "孙丽", "吴迪"]),
    ("", "", "<p>（作者：方敏浙江大学经济学院教授）</p>", ["方敏"]),
])
def test_byline_forms(info, body_top, body_end, expected):
    body = BODY.replace("<div class=content>", "<div class=content>" + body_top).replace("</div>", body_end + "</div>")
    a = extract_article(page(info=info, body=body))
    assert list(a.authors) == expected
    assert "记者" not in a.content or body_end  # a byline line is not body text


@pytest.mark.parametrize("info, expected", [
    ("2022-03-15 来源：某某日报", "某某日报"),
    ("2022-03-15 稿源：某某晚报 记者 王博", "某某晚报"),
    ("发布时间：2011-06-23 发布人：-某某产业报", "某某产业报"),
    ("信息来源：县农业农村局 发布人：张三", "县农业农村局"),
    ("转载自某某网", "某某网"),
    ("<p class=media-name>某某日报</p><p>2024-05-13 06:16 发布于杭州 某某日报官方账号</p>", "某某日报"),
    ("2020年07月04日 12:10 来源：某某理论网<a href='#c'>参与互动</a>", "某某理论网"),
    ("来源：— 记者 王博", None),
])
def test_source_forms(info, expected):
    assert extract_article(page(info=info)).source_name == expected


@pytest.mark.parametrize("foot, expected", [
    ("<p>责任编辑：</p><p>审核：张强</p>", None),
    ("<div>责任编辑： 审核：张强</div>", None),
    ("<div>责任编辑：李想 王芳</div>", "李想 王芳"),
    ("<div>【编辑：陈晨】 【责任编辑：李想】</div>", "李想"),
])
def test_editor_forms(foot, expected):
    assert extract_article(page(foot=foot)).editor == expected


def test_fetch_time_is_never_the_publication_time():
    a = extract_article(page(), url="http://news.example.cn/a/1.html", fetched_at="2026-12-01T03:00:00+00:00")
    assert a.published_at is None and a.fetched_at == "2026-12-01T03:00:00+00:00"


def test_an_h1_logo_is_not_the_headline():
    html = ('<html><head><title>某某新闻网</title></head><body><h1><a href="/">某某新闻网</a></h1>'
            '<div class=nav><a href=a>首页</a></div><div class=art><div class=bt>全县设施农业投资增长18.5%</div>'
            f'<div class=info>2022-03-15 来源：某某日报</div>{BODY}</div></body></html>')
    assert extract_article(html).title == "全县设施农业投资增长18.5%"
