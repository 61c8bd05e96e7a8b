"""The cheap tests that run before a pattern or a table lookup never change the answer: the
first-character tests of the body-line patterns and the non-ASCII classes of the mojibake checks."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract import chrome, mojibake

WORDS = [w.replace("\\s*", " ").replace("[:：]", "：").replace("[(（]?\\d", "(3") for w in chrome.CHROME_WORDS]
LINE_PIECES = WORDS + ["COPYRIGHT", "copyright", "相关新闻", "热点", "排行", "【相关阅读】", "推荐：", "微信 微博",
                       "QQ空间,豆瓣", "已有 23 条评论", "２３条评论", " 12 人参与", "上证指数 3245.12 +0.85%", "联镇村",
                       "【", "[", "(", "（", " ", "\u3000", "\t", "，", "12", ".", "ICP备"]
lines = st.lists(st.sampled_from(LINE_PIECES), min_size=1, max_size=4).map("".join)


@settings(max_examples=2000, deadline=None)
@given(lines)
def test_a_line_the_patterns_match_passes_their_first_character_test(line):
    if chrome.CHROME_LINE.match(line):
        assert chrome._may_start(line, chrome._CHROME_STARTS, "【[(（")
    if chrome.STOP_LINE.match(line) or chrome.STOP_WORD_LINE.match(line):
        assert chrome._may_start(line, chrome._STOP_STARTS, "【[")
    if chrome.SHARE_LINE.match(line):
        assert line[0] in chrome._SHARE_STARTS
    if chrome.COMMENT_COUNT.match(line):
        assert line[0] in "已共," or line[0].isdecimal() or line[0].isspace()


texts = st.lists(st.sampled_from(["中文", "经济", "ä¸­æ–‡", "\xa0\xa0", "é", "€™", "涓枃", "锟斤拷", "𠀀", "\ud800", "a",
                                  " ", "\x80", "\ufffd", "Œ"]), max_size=12).map("".join)


@settings(max_examples=500, deadline=None)
@given(texts)
def test_the_non_ascii_classes_are_those_of_every_character(text):
    at, classes = mojibake._non_ascii(text)
    table = mojibake._CLASS_TABLE
    expected = [(i, int(table[min(ord(c), len(table) - 1)])) for i, c in enumerate(text) if ord(c) >= 0x80]
    assert list(zip(at.tolist(), classes.tolist())) == expected



def test_every_breadcrumb_label_holds_the_word_a_line_is_tested_for():
    import re

    from pipeline.extract import article
    from tests.extract.built import page_texts
    labels = article.BREADCRUMB_RE.pattern.split(")")[0].removeprefix("(?:").split("|")
    assert len(labels) >= 4 and all(article.BREADCRUMB_WORD in label for label in labels), labels
    lines = ["当前位置：首页 > 新闻", "您当前的位置 : 宁波 > 要闻", "所在位置 镇海", "位置：首页", "首页 > 新闻"]
    lines += [line for text in page_texts() for line in re.sub(r"<[^>]*>", "\n", text).split("\n") if line.strip()]
    found = 0
    for line in lines:  # each line alone: the site its breadcrumb names, as the pattern alone finds it
        m = article.BREADCRUMB_RE.search(line)
        first = re.split(r"\s*(?:>|＞|»|›|/|→)\s*", m.group(1).strip())[0] if m else None
        expected = first if first and first not in ("首页", "网站首页") and len(first) <= 16 else None
        assert article._site_from_breadcrumb([line]) == expected, line
        found += expected is not None
    assert found >= 3


def test_a_page_too_short_for_a_long_tag_is_not_searched_for_one():
    from pipeline.extract import body
    shortest = "<a" + "b" * 65536
    assert body._LONG_TAG.fullmatch(shortest) and len(shortest) == body._LONG_TAG_MIN
    assert body._LONG_TAG.search(shortest[:-1]) is None
    crowded = "<div " + " ".join(f'a{i}="x"' for i in range(20000)) + ">文字</div>"
    assert body.pathological_markup(crowded) == "an element with 20000 attributes"
    assert body.pathological_markup(crowded[:body._LONG_TAG_MIN - 1]) is None
