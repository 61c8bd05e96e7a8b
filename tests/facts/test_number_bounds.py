"""Numbers too large to be real figures (or not finite) are no facts, and never break a page."""
from __future__ import annotations

import math

import pytest

from pipeline.facts.numbers import MAX_NUMBER, parse_number
from pipeline.facts.quantities import parse_quantities
from pipeline.page import process_page
from pipeline.records import RawPage


def page(*sentences: str) -> RawPage:
    body = "".join(f"<p>{s}</p>" for s in sentences)
    html = (f"<html><head><meta charset='utf-8'><title>鄞州项目开工</title></head><body><h1>鄞州项目开工</h1>"
            f"<div class='content'>{body}</div></body></html>")
    return RawPage(location="a.html", body=html.encode("utf-8"))


NORMAL = "由区委主要领导联系的奥克斯智能空调项目传来好消息，该项目计划总投资21.9亿元。"


@pytest.mark.parametrize("digits", [25, 308, 309, 400])
def test_a_page_with_huge_numbers_keeps_its_other_facts(digits):
    huge = "9" * digits
    result = process_page(page(
        NORMAL,
        f"另一个项目计划总投资{huge}亿元，投产后计划年产{huge}万套智能空调。",
        f"实现地区生产总值{huge}元，同比增长{huge}%，增长{huge}点五倍。",
    ))
    values = [f.value for f in result.facts]
    assert ("investment", 2190000000.0) in [(f.fact_type, f.value) for f in result.facts]
    assert all(math.isfinite(v) and abs(v) <= MAX_NUMBER for v in values)
    for project in result.projects:
        for field in project.__dataclass_fields__:
            v = getattr(project, field)
            if isinstance(v, float):
                assert math.isfinite(v) and abs(v) <= MAX_NUMBER, (field, v)


@pytest.mark.parametrize("text", [
    "9" * 308, "9" * 309, "9" * 400, "9" * 400 + "亿", "9" * 400 + "点五", "9" * 19, "1" + "0" * 18 + "1",
    "10000000000亿", "一万亿亿",
])
def test_numbers_above_the_bound_are_no_numbers(text):
    value = parse_number(text)
    assert value is None or value <= MAX_NUMBER


def test_the_bound_itself_is_a_number():
    assert parse_number("1" + "0" * 18) == 1e18 == MAX_NUMBER
    assert parse_number("1000万亿") == 1e15


@pytest.mark.parametrize("text", [
    "投资" + "9" * 400 + "元", "投资" + "9" * 309 + "亿元", "投资" + "9" * 308 + "亿元", "投资" + "9" * 12 + "亿元",
    "增长" + "9" * 400 + "%", "百分之" + "9" * 400, "2×" + "9" * 300 + "万千瓦", "100至" + "9" * 400 + "万元",
    "投资" + "9" * 11 + "万亿元",
])
def test_quantities_above_the_bound_are_dropped(text):
    quantities = parse_quantities(text + "，年产700万套")
    assert [(q.raw_text, q.value) for q in quantities][-1] == ("700万套", 7e6)
    for q in quantities:
        assert math.isfinite(q.value) and q.value <= MAX_NUMBER
        assert q.value_max is None or (math.isfinite(q.value_max) and q.value_max <= MAX_NUMBER)
