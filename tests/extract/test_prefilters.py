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

