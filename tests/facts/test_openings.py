"""Patterns matched at one position and skipped where the character there opens no match
(``pipeline/facts/openings.py``, issue 15 point 3): the characters read off a pattern, and every
such pattern of the fact readers answering as its regex at every position of real and made-up text.
"""
from __future__ import annotations

import importlib
import pkgutil
import random
import re

import pytest

import pipeline.facts as facts
from pipeline.facts.openings import OpeningPattern, opening_of
from tests.extract.built import page_texts


def _opening_patterns() -> list[tuple[str, OpeningPattern]]:
    """Every OpeningPattern a module of the fact readers defines."""
    found = []
    for info in pkgutil.iter_modules(facts.__path__):
        module = importlib.import_module(f"pipeline.facts.{info.name}")
        for name, value in vars(module).items():
            if isinstance(value, OpeningPattern) and value.__class__.__module__ == "pipeline.facts.openings":
                found.append((f"{info.name}.{name}", value))
    return found


PATTERNS = _opening_patterns()


def test_the_fact_readers_use_opening_patterns_that_skip_something():
    names = [name for name, _ in PATTERNS]
    assert len(names) >= 10, names
    # a pattern any character may open gains nothing from the wrapper
    assert [name for name, p in PATTERNS if p.opening is None] == []


@pytest.mark.parametrize(
    "pattern, opens, closed",
    [
        ("左右|以上", "左以", "右上，5"),
        (r"\s*(?:左右|以上)?的", "左以的 \u3000\n", "右上元"),
        (r"^的?[\d一二]+[个家]", "的0１一二", "个家三"),  # \d: any decimal digit, full-width too
        ("(?:该|本)?(?:园区|公司)(?!的)", "该本园公", "的区司"),
        ("(?<=年)产能|(?=设)设计产能", "产设", "年能"),  # a look-around adds no character of its own
        ("(?:大关|关口)+", "大关", "口"),
        ("(?:|左|以)右", "左以右", "上"),  # every alternative counts, also after one that matches empty
        ("[a-c]x|[\u4e00-\u4e05]", "abc\u4e00\u4e05", "dx\u4e06"),
    ],
)
def test_the_opening_characters_are_read_off_the_pattern(pattern, opens, closed):
    opening = opening_of(re.compile(pattern))
    assert opening is not None
    assert all(opening.admits(ch) for ch in opens)
    assert not any(opening.admits(ch) for ch in closed)


@pytest.mark.parametrize("pattern", ["(?:以上)?", "a*", "[^，]+", ".x", r"\w+", "(?i)abc", r"(a)?\1c", "|x", "^$"])
def test_patterns_any_character_may_open_or_that_match_empty_have_no_opening(pattern):
    assert opening_of(re.compile(pattern)) is None
    wrapped = OpeningPattern(pattern)
    for text in ("", "以上", "abc", "，，", "aa"):
        for pos in range(len(text) + 1):
            expected = re.compile(pattern).match(text, pos)
            got = wrapped.match(text, pos)
            assert (got and got.span()) == (expected and expected.span())


def _texts() -> list[str]:
    # (long runs of white space, where markup was, shortened: \s* at each of their positions reads
    # the rest of the run, which takes the regex, not the wrapper, minutes)
    texts = [re.sub(r"\s{3,}", "\n \u3000", re.sub(r"<[^>]*>", "", html)) for html in page_texts()]
    assert len(texts) >= 60
    return texts


def _made_up(rnd: random.Random, n: int) -> list[str]:
    """Short runs of the words these patterns look for (and others), in any order."""
    pieces = (list("0123456789１，,、。；的了和与及以上下左右级大关口该本此这其园区公司项目年产能元亿万 \u3000")
              + ["之多", "建设", "新建", "用于", "投向", "省份", "企业", "国家", "营收", "收入", "规上", "产值",
                 "提升到", "至", "（约合", "人民币", "4个", "两家", "次签约的", "委", "政府"])
    return ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12))) for _ in range(n)]


@pytest.mark.parametrize("source", ["bundled pages", "made-up text"])
def test_every_opening_pattern_matches_as_its_regex_at_every_position(source):
    texts = _texts() if source == "bundled pages" else _made_up(random.Random(15), 6000)
    matched = 0
    for name, wrapped in PATTERNS:
        for text in texts:
            for pos in range(len(text) + 1):
                expected = wrapped.regex.match(text, pos)
                got = wrapped.match(text, pos)
                assert (got and (got.span(), got.groups())) == (expected and (expected.span(), expected.groups())), \
                    (name, text[pos : pos + 20])
                matched += expected is not None
        for text in texts:
            expected = wrapped.regex.fullmatch(text)
            assert (wrapped.fullmatch(text) is None) == (expected is None), (name, text[:20])
    assert matched > 100  # the comparison saw matches, not only refusals
