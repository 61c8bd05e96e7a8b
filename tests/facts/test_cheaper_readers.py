"""Shortcuts that make the fact readers cheaper (issue 15, point 3) answer as the slower way they
replace did: each is compared with that way, written out here, on the bundled pages' text and on
made-up text that exercises its edge.
"""
from __future__ import annotations

import random
import re

import pytest

from pipeline.facts import mentions as mt
from pipeline.facts import periods
from pipeline.facts import projects as J
from pipeline.facts.mentions import Mention, StopWords
from pipeline.facts.quantities import Quantity, parse_quantities
from pipeline.facts.relevance import ECONOMIC_FIGURE, ECONOMIC_WORDS, OTHER_WORDS, is_economic
from pipeline.text import sentence_spans
from tests.extract.built import page_texts


@pytest.fixture(scope="module")
def texts() -> list[str]:
    """The visible text of every bundled page (and the development pages when ../shared is there),
    tags dropped: the readers only need Chinese prose."""
    out = [re.sub(r"<[^>]*>", "", html) for html in page_texts()]
    assert len(out) >= 60, "the bundled corpora alone hold more than 60 pages"
    return out


@pytest.fixture(scope="module")
def sentences(texts) -> list[str]:
    out = [t[a:b] for t in texts for a, b in sentence_spans(t)]
    assert len(out) > 1000
    return out


def _economic_by_counting_everything(text: str) -> bool:
    """``is_economic`` as it was: every economic and other word counted, then compared."""
    economic = {m.group() for m in ECONOMIC_WORDS.finditer(text)}
    other = {m.group() for m in OTHER_WORDS.finditer(text)}
    if not ECONOMIC_FIGURE.search(text) and len(economic) < 3:
        return False
    return len(economic) > len(other)


def test_is_economic_stops_counting_with_the_same_answer(texts):
    rnd = random.Random(7)
    words = ECONOMIC_WORDS.pattern.split("|") + OTHER_WORDS.pattern.split("|")
    made = ["".join(rnd.choice(words + ["，", "5亿元", "3%", "今天"]) for _ in range(rnd.randint(0, 12)))
            for _ in range(3000)]
    answers = {True: 0, False: 0}
    for text in texts + made:
        answer = is_economic(text)
        assert answer == _economic_by_counting_everything(text), text[:80]
        answers[answer] += 1
    assert min(answers.values()) > 100  # both answers are exercised


def test_stop_words_end_where_the_regex_of_the_words_matches_at_the_end(sentences):
    rnd = random.Random(3)
    for stop in (mt.LEFT_STOP, mt.COMPANY_LEFT_STOP):
        pattern = re.compile("(" + "|".join(sorted(stop.words)) + ")$")
        hits = 0
        for s in sentences[:3000]:
            for end in range(1, len(s) + 1):
                start = max(0, end - rnd.randint(1, 6))
                expected = pattern.search(s[start:end]) is not None
                assert stop.ends(s, start, end) == expected, (s, start, end)
                hits += expected
        assert hits > 500
    assert not StopWords("在|我市").ends("我市", 1, 2) and StopWords("在|我市").ends("在我市", 0, 3)


def _spans(matches) -> list[tuple]:
    return [(m.span(), m.groupdict()) for m in matches]


def test_periods_are_found_around_their_anchors_as_a_search_of_the_whole_text_finds_them(sentences):
    found = 0
    for s in sentences:
        expected = _spans(periods.PERIOD_RE.finditer(s))
        assert _spans(periods.period_matches(s)) == expected, s
        found += len(expected)
    assert found > 300
    # made-up runs of the pattern's pieces, packed close together: windows overlap, lookaheads and
    # lookbehinds reach across them
    rnd = random.Random(11)
    pieces = ["年", "月", "季度", "份", "日", "上半年", "前三", "第", "个", "前", "上年", "同期", "比", "今年",
              "-", "至", "1", "12", "2017", "20", "三", "十二", "全年", "，", "收入"]
    for _ in range(20000):
        s = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 14)))
        assert _spans(periods.period_matches(s)) == _spans(periods.PERIOD_RE.finditer(s)), s
    made = ["上半年", "前三季度", "1-4月", "今年", "3月份", "第二季度", "2017年"]
    assert all(periods.period_in(s, 2017) for s in made)


def test_the_stage_pattern_without_its_year_end_branch_where_no_year_end_is_written(sentences):
    checked = 0
    for s in sentences:
        if "年底" in s:
            continue
        for start in range(0, len(s), 7):
            a = J.STATUS_RE.search(s, start)
            b = J.STATUS_RE_NO_YEAR_END.search(s, start)
            assert (a and (a.span(), a.group(1))) == (b and (b.span(), b.group(1))), s
            checked += a is not None
    assert checked > 50
    assert J.status_near("新厂房力争年底投产", 0, []) == "新厂房力争年底投产"
    assert J.status_near("厂房主体年底前竣工", 0, []) == "厂房主体年底前竣工"


def test_quantities_and_mentions_are_values():
    (q,) = parse_quantities("总投资5亿")
    money = q.as_money()
    assert (money.unit, money.kind, money.value, money.raw_text, money.start) == ("CNY", "money", 5e8, "5亿", 3)
    assert (q.unit, q.kind) == ("", "number")  # the original is left as it was
    again = Quantity(q.raw_text, q.start, q.end, q.value, q.value_max, q.unit, q.approx, q.kind)
    assert again == q and hash(again) == hash(q) and again != money and q != (q.raw_text,)
    assert repr(q).startswith("Quantity(raw_text='5亿', start=3, end=5, value=500000000.0")
    a, b = Mention(0, 4, "某某项目", "project"), Mention(0, 4, "某某项目", "project", True)
    assert a == Mention(0, 4, "某某项目", "project") and a != b and len({a, b, Mention(0, 4, "某某项目", "project")}) == 2
    assert not a.generic and b.generic


# The end patterns as they were written before they became TailPatterns: the oracle.
ORIGINAL_TAILS = {
    "DANGLING": r"(?:和|与|及|或|均|都|皆|在|从|由|转|到|至|为|是|的|了|将|已|也|等|肯定|必然|可能|确实)+$",
    "ADVERBS": r"(要|争取|力争|有望|逆势|稳步|持续|快速|大幅|小幅|均|继续|仍然|仍|进一步|累计|分别|也|都|较快|平稳|显著|明显|同比|"
               r"环比|实现|保持|相继|先后)+$",
    "TIME_TAIL": r"(?:今年|去年|全年|当年|同期|上半年|下半年|前三季度|第?[一二三四]季度|\d{1,2}[-—至到]\d{1,2}月|"
                 r"前?\d{1,2}个?月份?|(?:19|20)\d{2}年(?:度)?|以来)+$",
    "COPULA_END": r"(是|为)$",
    "AMOUNT_WORD_END": r"(规模|总量|水平)$",
}


@pytest.mark.parametrize("name", sorted(ORIGINAL_TAILS))
def test_a_tail_pattern_strips_what_its_search_took_off(name, sentences):
    from pipeline.facts import phrases as P

    tail, original = getattr(P, name), re.compile(ORIGINAL_TAILS[name])
    words = re.findall(r"[\u4e00-\u9fff]+", ORIGINAL_TAILS[name])
    rnd = random.Random(5)
    pieces = words + ["工业", "产值", "项目", "\n", "1", "12", "2017", "-", "个", "份", "度", "前", "第", "季"]
    pieces += list({w[0] for w in words} | {w[-1] for w in words})
    made = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 6))) for _ in range(20000)]
    changed = 0
    for text in made + [s[:n] for s in sentences[:2000] for n in (4, 9, 15)]:
        expected = original.sub("", text)
        assert tail.strip(text) == expected, text
        changed += expected != text
    assert changed > 500


def test_name_characters_are_those_of_the_pattern(texts):
    for ch in sorted({ch for t in texts for ch in t}) + ["𠀀", "Ａ", "\n", "-", "～"]:
        assert mt.is_name_char(ch) == (mt.NAME_CHAR.match(ch) is not None), ch


def test_full_width_text_is_folded_as_str_translate_folds_it(texts):
    from pipeline.facts.numbers import _HALFWIDTH, to_halfwidth

    rnd = random.Random(5)
    wide = [chr(c) for c in _HALFWIDTH]
    made = ["".join(rnd.choice(wide + ["增长", "亿元", "，", "5", "%", "．"]) for _ in range(rnd.randint(0, 30)))
            for _ in range(3000)]
    folded = 0
    for text in texts + made:
        assert to_halfwidth(text) == text.translate(_HALFWIDTH), text[:80]
        folded += to_halfwidth(text) != text
    assert folded > 2000


def test_the_last_group_of_a_period_match_names_its_branch(sentences):
    """period_in reads a match's branch off ``lastgroup``: each branch is one named group, closed
    after the groups inside it."""
    branches = ("year", "rel", "h1", "h2", "q3", "q", "first", "mr", "mo", "full")
    made = ["2016年上半年", "前5个月", "1-4月", "一至三月", "第二季度", "前三季度", "3月份", "全年", "去年"]
    seen = set()
    for text in sentences + made:
        for m in periods.PERIOD_RE.finditer(text):
            assert [b for b in branches if m.group(b)] == [m.lastgroup], m.group()
            seen.add(m.lastgroup)
    assert len(seen) == len(branches)


def _region_as_it_was(ctx, sentence: str, regions: list, qa: int):
    """``context.region_of`` as it was: the places resolved for each figure, and the 全市/本县
    words searched in the sentence cut at the figure."""
    from pipeline.facts.places import gazetteer
    from pipeline.facts.regions import place_at

    before = [r for r in regions if r.end <= qa]
    if before:
        place = gazetteer().resolve(before[-1].text, [ctx.article_place, *ctx.places])
        return before[-1].text, place.code if place else None
    whole = list(re.finditer(r"(?:全|本|我|该)(省|市|县|区)(?![委长级场域民属政内外])", sentence[:max(qa, 0)]))
    if whole and ctx.article_place is not None:
        place = place_at(ctx.article_place, whole[-1].group(1))
        return (place.name, place.code) if place else (None, None)
    return ctx.article_region, ctx.article_place.code if ctx.article_place else None


def test_regions_of_figures_are_those_read_for_each_figure_alone(sentences):
    """The places a sentence's figures are about, with the article's places resolved once and
    the sentence's 全市/本县 words found once, at every position of the sentence (a figure may
    follow 全市委 or 本区域 directly, where the cut at the figure leaves 全市 and 本区 whole)."""
    from pipeline.facts.context import ArticleContext, SentenceRegions, region_of
    from pipeline.facts.places import gazetteer
    from pipeline.facts.regions import article_places

    rnd = random.Random(15)
    made_up = ["".join(rnd.choice(["全市", "本区", "我县", "该省", "委", "域", "长", "增长", "5亿元", "鄞州区", "宁波市",
                                   "，", "的", "全", "市"]) for _ in range(rnd.randint(1, 10))) for _ in range(3000)]
    compared = levels = 0
    for article in (sentences[:4000:7], made_up):
        text = "。".join(article)
        places = article_places(text)
        for main in ("宁波市", "鄞州区", None):
            ctx = ArticleContext(pub_year=2020, places=places, article_region=main,
                                 article_place=gazetteer().resolve(main, places) if main else None, text=text,
                                 regions=tuple(mt.regions_in(text)))
            start = 0
            for sentence in article:
                found = mt.regions_within(text, ctx.regions, start, start + len(sentence))
                regions = SentenceRegions(ctx, sentence, start)
                for qa in range(len(sentence) + 1):
                    expected = _region_as_it_was(ctx, sentence, found, qa)
                    assert region_of(ctx, sentence, found, qa) == expected, (sentence, qa)
                    assert regions.at(qa) == expected, (sentence, qa)
                    compared += 1
                    levels += expected[0] is not None and not any(r.end <= qa for r in found) and main is not None
                start += len(sentence) + 1
    assert compared > 20000 and levels > 500
