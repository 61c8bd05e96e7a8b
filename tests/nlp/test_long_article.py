"""An article longer than spaCy's default 1,000,000-character limit is read, not lost."""
from __future__ import annotations

from pipeline.page import process_page
from pipeline.records import RawPage


def test_an_article_over_a_million_characters_is_read():
    paragraph = "今年以来，第{}片区新建农村公路八十公里，改造危旧桥梁二十座，群众出行条件明显改善，各项工作稳步推进。"
    body = "".join(f"<p>{paragraph.format(i)}</p>" for i in range(1_050_000 // len(paragraph)))
    fact = "<p>总投资21.9亿元的智能空调项目开工，投产后年产700万套智能空调。</p>"
    html = f"<html><head><meta charset=utf-8><title>长文</title></head><body><h1>长文</h1><div>{fact}{body}</div></body></html>"
    result = process_page(RawPage(location="long.html", body=html.encode("utf-8")))
    assert len(result.article.content) > 1_000_000
    assert any(f.value == 2190000000 for f in result.facts)
