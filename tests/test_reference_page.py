"""The reference article of ../shared/seed: metadata, body once, chrome gone, its facts and projects."""
from __future__ import annotations

import pytest

from pipeline.extract.article import extract_article
from pipeline.facts.reader import extract
from pipeline.nlp.language import get_nlp
from tests.seed_page import SEED_URL, seed_available, seed_gold, seed_page_bytes

pytestmark = pytest.mark.skipif(not seed_available(), reason="../shared/seed is not beside the repository")


@pytest.fixture(scope="module")
def article():
    return extract_article(seed_page_bytes(), SEED_URL, location="seed.shtml")


@pytest.fixture(scope="module")
def gold():
    return seed_gold()


def test_page_is_gbk_declared_gb2312_and_decodes_cleanly(article):
    raw = seed_page_bytes()
    assert b"charset=gb2312" in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert article.encoding == "gb18030"
    assert "\ufffd" not in article.content


@pytest.mark.parametrize("field", ["title", "original_title", "site", "published_at", "source_name", "editor"])
def test_metadata_matches_gold(article, gold, field):
    assert getattr(article, field) == gold["article"][field]


def test_authors_in_byline_order(article, gold):
    assert list(article.authors) == gold["article"]["authors"]


def test_body_once_without_chrome(article, gold):
    body = article.content
    lead = "联镇村促发展、联企业促增长"
    assert body.count(lead) == 1
    assert body.count("实现出口额235.8亿元") == 1
    for chrome in ("您当前的位置", "报料热线", "81850000", "【专题】", "原标题", "编辑", "稿源", "分享到",
                   "相关新闻", "版权所有", "ICP", "广告"):
        assert chrome not in body, chrome
    assert body.startswith("中国宁波网讯(记者王博")
    assert body.endswith("增长20.6%。")
    assert len(body.split("\n")) == 7


def _subject_ok(fact, spellings):
    return fact.subject is not None and any(s in fact.subject for s in spellings)


def test_all_gold_facts_found_with_value_unit_and_subject(article, gold):
    nlp = get_nlp()
    doc = nlp(article.content)
    facts, _ = extract(article.content, article.published_at, sentences=[(s.start_char, s.end_char) for s in doc.sents])
    unmatched = list(facts)
    for g in gold["facts"]:
        hit = next((f for f in unmatched if f.fact_type == g["fact_type"] and f.unit == g["unit"]
                    and f.value == pytest.approx(g["value"], rel=1e-6) and _subject_ok(f, g["subject"])), None)
        assert hit is not None, f"missed {g}"
        assert hit.approx == g["approx"], (g, hit)
        if "direction" in g:
            assert hit.direction == g["direction"], (g, hit)
        if "per" in g:
            assert hit.per == g["per"] and hit.product == g["product"]
        if "period" in g:
            assert hit.period == g["period"], (g, hit)
        assert article.content[hit.char_start:hit.char_end] == hit.raw_text == g["raw_text"]
        unmatched.remove(hit)
    assert unmatched == [], f"false facts: {unmatched}"


def test_negatives_are_not_facts(article, gold):
    facts, _ = extract(article.content, article.published_at)
    raws = {f.raw_text for f in facts}
    for negative in gold["negatives"]:
        assert negative not in raws


def test_three_projects_with_companies(article, gold):
    facts, projects = extract(article.content, article.published_at)
    assert len(projects) == len(gold["projects"]) == 3
    for p, g in zip(projects, gold["projects"]):
        assert any(name in p.name or p.name in name for name in g["name"]), (p, g)
    assert projects[1].company == "浙东建材集团"
    assert projects[2].company == "宁波圣龙汽车动力系统股份有限公司"
    linked = {f.project for f in facts if f.fact_type in ("investment", "capacity")}
    assert linked == {1, 2, 3}
