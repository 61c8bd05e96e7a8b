"""Regions are places of the gazetteer (GB/T 2260), with their codes where they are one place."""
from __future__ import annotations

import pytest

from pipeline.facts.mentions import regions_in
from pipeline.facts.places import gazetteer
from pipeline.facts.reader import extract_facts


def test_gazetteer_covers_the_divisions_with_their_codes():
    g = gazetteer()
    levels = [p.level for p in g.by_code.values()]
    assert levels.count(1) == 34 and 330 <= levels.count(2) <= 345 and levels.count(3) > 2800
    assert g.resolve("临平区").code == "330113"  # created in 2021: the data is maintained
    assert g.resolve("浙江省").parent_at(2) is None and g.resolve("宁波市").parent_at(1).name == "浙江省"


@pytest.mark.parametrize("text, places", [
    ("宁波市鄞州区今年", ["宁波市", "鄞州区"]),  # one place after another
    ("在余姚市和慈溪市", ["余姚市", "慈溪市"]),
    ("内蒙古自治区和黔东南苗族侗族自治州", ["内蒙古自治区", "黔东南苗族侗族自治州"]),
    ("宁波市场需求旺盛，区委书记，市长", []),  # 市场, 区委, 市长
    ("姜山镇、鄞州经济开发区、新港区、主城区", []),  # towns, zones, made-up names, common nouns
])
def test_regions_are_gazetteer_names(text, places):
    assert [m.text for m in regions_in(text)] == places


def test_facts_get_the_region_and_its_code():
    text = ("宁波市鄞州区一季度实现地区生产总值300亿元。鄞州区稳步发展。全市实现财政总收入128.4亿元，全区工业增加值98亿元。"
            "福州市鼓楼区实现工业增加值50亿元。")
    rows = [(f.raw_text, f.region, f.region_code) for f in extract_facts(text, "2017-05-01")]
    assert ("300亿元", "鄞州区", "330212") in rows
    assert ("128.4亿元", "宁波市", "330200") in rows  # 全市: the article's city
    assert ("98亿元", "鄞州区", "330212") in rows  # 全区: the article's district
    assert ("50亿元", "鼓楼区", "350102") in rows  # one of several 鼓楼区, told by 福州市 before it


def test_an_ambiguous_name_keeps_no_code():
    (fact,) = [f for f in extract_facts("鼓楼区实现工业增加值50亿元。") if f.fact_type == "indicator"]
    assert fact.region == "鼓楼区" and fact.region_code is None


def test_every_region_of_the_corpus_is_a_place(corpus_tables):
    facts, g = corpus_tables["facts"], gazetteer()
    regions = facts.dropna(subset=["region"])
    assert len(regions) > 200
    assert all(g.places(r) for r in regions["region"])
    coded = regions.dropna(subset=["region_code"])
    assert len(coded) >= 0.9 * len(regions)
    assert all(g.by_code[c].name == r for r, c in zip(coded["region"], coded["region_code"]))
