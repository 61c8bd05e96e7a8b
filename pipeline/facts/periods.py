"""The reporting period a sentence names (2017, 2017-Q1, 2017-01/2017-04), read from 年, 季度 and 月
phrases relative to the article's year; a period that is the base of a comparison (比上年, 较2010年)
is not the one reported."""
from __future__ import annotations

import functools
import re
from typing import Final

from pipeline.facts.mentions import CACHE_SIZE

CN_Q: Final = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
CN_M: Final = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "十一": 11, "十二": 12}
# The leading lookahead lists every character a period can start with, so that the engine
# skips the other positions without trying each alternative there.
PERIOD_RE: Final = re.compile(
    r"(?=[\d今去上前明当下第一二三四五六七八九十全])(?:"
    r"(?P<year>(?:19|20)\d{2})年(?!\d{1,2}月\d{1,2}日)|(?P<rel>今年|去年|上年|前年|明年|当年)|"
    r"(?P<h1>上半年)|(?P<h2>下半年)|(?P<q3>前三季度)|(?P<q>第?(?P<qn>[一二三四1-4])季度)|"
    r"(?P<first>前(?P<fn>\d{1,2}|[一二三四五六七八九十]{1,2})个?月(?!\d{1,2}日))|"
    r"(?P<mr>(?P<m1>\d{1,2}|[一二三四五六七八九十]{1,2})[-—–至到~](?P<m2>\d{1,2}|[一二三四五六七八九十]{1,2})月(?!\d{1,2}日))|"
    r"(?P<mo>(?<![\d年-])(?P<mn>\d{1,2})月份?(?![\d份]?\d{0,2}日))|(?P<full>全年))"
)


# Every match of PERIOD_RE holds one 年, 月 or 季 (its anchor), starts at most five characters
# before it and ends at most two after it; its lookaheads read at most six characters further.
PERIOD_ANCHOR: Final = re.compile("[年月季]")
_BEFORE_ANCHOR: Final = 5
_AFTER_ANCHOR: Final = 9  # 2 + 6, and one to spare


def period_matches(text: str) -> list[re.Match]:
    """The matches of PERIOD_RE in ``text``, the same as ``PERIOD_RE.finditer(text)`` gives.

    The pattern is tried only around each 年, 月 and 季, in a window that holds every match with
    that anchor and all its lookaheads read (a lookbehind reads before the window's start: Python
    searches in the whole string).  A match found there that starts after the anchor belongs to
    another anchor, whose own window decides it.  News sentences are full of figures, and every
    digit and Chinese numeral is a place where the pattern would have to be tried.

    >>> [m.group() for m in period_matches("2016年全市生产总值增长8%，1-4月增长9%，较上年提高1个百分点")]
    ['2016年', '1-4月', '上年']
    """
    out: list[re.Match] = []
    pos = 0
    n = len(text)
    while True:
        anchor = PERIOD_ANCHOR.search(text, pos)
        if anchor is None:
            return out
        k = anchor.start()
        m = PERIOD_RE.search(text, max(pos, k - _BEFORE_ANCHOR), min(n, k + _AFTER_ANCHOR))
        if m is not None and m.start() <= k:
            out.append(m)
            pos = m.end()
        else:
            pos = k + 1


COMPARISON_BEFORE: Final = ("比", "较", "与", "同", "于", "和")


def _is_base(text: str, m: re.Match) -> bool:
    """Whether a period is the base of a comparison (比上年, 较2010年, 比一季度, 上年同期)."""
    return text[m.start() - 1 : m.start()] in COMPARISON_BEFORE or text.startswith("同期", m.end())


def _month(s: str) -> int | None:
    n = int(s) if s.isdigit() else CN_M.get(s)
    return n if n and 1 <= n <= 12 else None


@functools.lru_cache(maxsize=CACHE_SIZE)
def period_in(text: str, pub_year: int | None) -> str | None:
    """The reporting period a sentence names, as ISO-like text (2017, 2017-Q1, 2017-01/2017-04).

    >>> period_in("今年第一季度，鄞州主要经济指标增长稳健", 2017)
    '2017-Q1'
    >>> period_in("1-4月，全市规上工业增加值增长8.1%", 2017)
    '2017-01/2017-04'
    >>> period_in("去年全年实现地区生产总值1200亿元", 2017)
    '2016'
    >>> period_in("2016年上半年", None)
    '2016-H1'
    >>> period_in("前5个月，出口比上年同期增长3%", 2011), period_in("今年工业增加值较2010年增长9%", 2011)
    ('2011-01/2011-05', '2011')
    """
    year = None
    part: object = None
    for m in period_matches(text):
        if _is_base(text, m):
            continue  # 比上年增长, 较2010年同期, 增速比一季度提高: the base of a comparison, not the period reported
        # Each branch of PERIOD_RE is one named group, closed after the groups inside it: the last
        # group closed names the branch that matched.
        kind = m.lastgroup
        if kind == "year":
            year = int(m.group("year"))
        elif kind == "rel" and pub_year:
            year = pub_year + {"今年": 0, "当年": 0, "去年": -1, "上年": -1, "前年": -2, "明年": 1}[m.group("rel")]
        elif kind == "h1":
            part = part or "H1"
        elif kind == "h2":
            part = part or "H2"
        elif kind == "q3":
            part = part or ("M", 1, 9)
        elif kind == "q":
            part = part or f"Q{CN_Q[m.group('qn')]}"
        elif kind == "first":
            b = _month(m.group("fn"))
            if b:
                part = part or ("M", 1, b)
        elif kind == "mr":
            a, b = _month(m.group("m1")), _month(m.group("m2"))
            if a and b and a < b:
                part = part or ("M", a, b)
        elif kind == "mo":
            a = _month(m.group("mn"))
            if a:
                part = part or ("M", a, a)
    if year is None and part is None:
        return None
    year = year or pub_year
    if year is None:
        return None
    if part is None:
        return str(year)
    if isinstance(part, tuple):
        _, a, b = part
        return f"{year}-{a:02d}" if a == b else f"{year}-{a:02d}/{year}-{b:02d}"
    return f"{year}-{part}"
