"""Control characters next to the elements the HTML stage drops (hidden blocks, small forms).

lxml keeps a control character such as ``&#11;`` (vertical tab) in the text it parses but refuses
to set a text or tail holding one; dropping an element moves its tail onto the element before it,
and that must not cost the page.  White-space control characters read as white space, as in the
rest of the text; the others cannot be held by the tree and are dropped.
"""
from __future__ import annotations

import pytest

from pipeline.config import default_settings
from pipeline.extract.article import extract_article
from pipeline.extract.body import body_of, parse_page, strip_tags, text_content
from pipeline.page import safe_process
from pipeline.records import RawPage

LEAD = "临河县新建的城北污水处理厂昨天正式通水运行，日处理能力达到五万吨，总投资三点二亿元。"
MIDDLE = "该厂采用膜生物反应工艺，出水水质达到一级A标准，可服务城区北部约十二万居民。"
CLOSING = "县住建局负责人表示，明年还将启动城南管网改造，进一步提高污水收集率。"


def page(paragraphs: str) -> str:
    return ('<html><head><meta charset="utf-8"><title>城北污水处理厂通水运行_临河新闻网</title></head><body>'
            '<div class=nav><a href="/">首页</a> <a href="/xw/">新闻</a></div>'
            "<h1>城北污水处理厂通水运行</h1><div class=info>2021-06-08 09:30 来源：临河日报</div>"
            f"<div class=content>{paragraphs}</div>"
            "<div class=footer>临河新闻网 版权所有</div></body></html>")


def plain_content() -> list[str]:
    return [LEAD, MIDDLE, CLOSING]


# (the markup around the control character, the same page with what the character reads as)
HIDDEN_THEN_TAIL = (
    f"<p>{LEAD}</p><p>{MIDDLE[:10]}<span style='display:none'>广告位</span>&#11;{MIDDLE[10:]}</p><p>{CLOSING}</p>",
    f"<p>{LEAD}</p><p>{MIDDLE[:10]}<span style='display:none'>广告位</span> {MIDDLE[10:]}</p><p>{CLOSING}</p>",
)
HIDDEN_FIRST_CHILD = (
    f"<p>{LEAD}</p><p><span hidden>广告位</span>&#11;{MIDDLE}</p><p>{CLOSING}</p>",
    f"<p>{LEAD}</p><p><span hidden>广告位</span> {MIDDLE}</p><p>{CLOSING}</p>",
)
CONTROL_BEFORE_HIDDEN = (
    f"<p>{LEAD}</p><p>{MIDDLE[:10]}\x0b<span hidden>广告位</span>{MIDDLE[10:]}</p><p>{CLOSING}</p>",
    f"<p>{LEAD}</p><p>{MIDDLE[:10]} <span hidden>广告位</span>{MIDDLE[10:]}</p><p>{CLOSING}</p>",
)
FORM_THEN_RAW_TAIL = (
    f"<p>{LEAD}</p><p>{MIDDLE}<form action=/search><input name=q>搜索</form>\x0b\x0c{CLOSING}</p>",
    f"<p>{LEAD}</p><p>{MIDDLE}<form action=/search><input name=q>搜索</form> {CLOSING}</p>",
)
OTHER_CONTROLS = (  # not white space: lxml cannot hold them, they are dropped
    f"<p>{LEAD}</p><p>{MIDDLE[:10]}<span hidden>广告位</span>&#1;\x1b{MIDDLE[10:]}&#xfffe;</p><p>{CLOSING}</p>",
    f"<p>{LEAD}</p><p>{MIDDLE[:10]}<span hidden>广告位</span>{MIDDLE[10:]}</p><p>{CLOSING}</p>",
)
CASES = [HIDDEN_THEN_TAIL, HIDDEN_FIRST_CHILD, CONTROL_BEFORE_HIDDEN, FORM_THEN_RAW_TAIL, OTHER_CONTROLS]
IDS = ["hidden-then-&#11;", "hidden-first-child", "control-before-hidden", "form-then-raw-\\x0b", "other-controls"]


@pytest.mark.parametrize("with_control, as_read", CASES, ids=IDS)
def test_article_read_as_if_the_control_character_were_what_it_reads_as(with_control, as_read):
    expected = extract_article(page(as_read), location="plain.html")
    assert expected.content.replace(" ", "").split("\n") == plain_content()
    got = extract_article(page(with_control), location="control.html")
    assert got.content == expected.content
    assert (got.title, got.published_at, got.source_name) == ("城北污水处理厂通水运行", "2021-06-08T09:30:00+08:00", "临河日报")


@pytest.mark.parametrize("codec", ["utf-8", "gbk"])
def test_raw_vertical_tab_byte_in_a_saved_page(codec):
    html = page(FORM_THEN_RAW_TAIL[0]).replace('charset="utf-8"', f'charset="{codec}"').encode(codec)
    assert b"\x0b" in html
    raw = RawPage(location="saved/page.html", body=html)
    result = safe_process(raw, default_settings())
    assert not hasattr(result, "reason"), result  # a Skip (extract_error) before the fix
    assert result.article.content.replace(" ", "").split("\n") == plain_content()


def test_drop_step_keeps_the_tail_text():
    doc = parse_page("<div>甲<b hidden>隐</b>&#11;乙<form>表</form>\x0c丙&#2;<i hidden>藏</i>丁</div>")
    strip_tags(doc)
    assert text_content(body_of(doc)) == "甲 乙 丙丁"
