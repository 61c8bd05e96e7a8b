"""Find the quantities in Chinese news text: money, rates, multiples, physical amounts, counts.

:func:`parse_quantities` returns :class:`Quantity` records, in text order and
never overlapping; a later stage (``pipeline.facts.reader``) decides which of them
are facts.  Numbers themselves are read by :mod:`pipeline.facts.numbers`.

Design
------
* **One compiled regex finds candidates; Python only judges them.**  The text
  is folded to half-width first (a one-to-one ``str.translate``, so offsets
  stay valid) and ``_QTY`` is searched from left to right.  A candidate is a
  number (Arabic, Chinese or mixed, with 多/余 and 十/百/千/万/亿 inside), an
  optional unit, optionally a range ``N1 [unit] 至/到/-/~ N2 unit``; the two
  special forms 百分之… and 翻…番 are alternatives of the same regex.  When a
  candidate is refused, the scan goes on after it (or, for a broken range, at
  the second number), so the cost is one regex search per number-like run.
* **raw_text is the shortest span that carries the number, its inner markers
  and its unit**: ``上百万元``, ``3000多万元``, ``41亿余元``, ``50亿至60亿元``,
  ``5亿元人民币``, ``百分之十二点九``, ``翻一番``.  Approximation words outside
  that span (约, 近, 超过, 逾, 左右, 以上, 不到 ...) only set ``approx``.  A
  currency written *before* the number (人民币5亿) is part of raw_text only
  when no unit follows the number, because then it is the unit.
* **Values are normalized**: the multiplier is folded in and the unit keeps
  no multiplier (700万套 -> 7e6 套, 20兆瓦 -> 20000 千瓦, 三成 -> 30 %).
* **Counts are returned** (kind ``count``, the counter as unit: 1次, 30余家,
  10万人) so that the fact stage can see them; it drops the ones that are not
  facts.  Bare numbers with neither unit nor 万/亿 are not returned, which is
  what keeps dates, phone and ICP numbers, 2号线 and 第五届 out.
* **Chinese numerals are trusted less than digits.**  A single Chinese digit
  (一, 两, 四 ...) is returned only with 倍, 成, %, 个百分点 or inside 翻一番,
  because 一项一项, 四套班子, 一条条 and 一带一路 are words, not amounts.  A
  numeral may start with a bare 百/千/万/亿 only after 上/数/几, before 余/多
  (上百万, 数十亿, 百余家), as money of two characters or more (百万元) or
  after an approximation word (突破百亿元, 超亿元), so 千方百计, 千家万户, 万元户
  and 万一 give nothing.  A Chinese numeral without a unit that runs straight
  into the next word is dropped (十万火急, 二万五千里, 一万年).
* **成 is read conservatively**: only after a number of at most 10 with no
  multiplier, and not when the next character makes a word (成为, 成本,
  一成不变 ...).
* **Ordinals, codes and category thresholds are skipped**: a number after 第,
  a count or physical amount right after Latin letters (G20, A380架; but
  GDP1.2万亿元 is kept), anything followed by 级 (10万吨级泊位, 千万元级), and
  亿元以上项目 / 超10亿元企业 style thresholds.  5G, 4K and 3D never match
  because G, K and D are not units.
* **Values are bounded**: a quantity whose value (or upper bound), with the
  multiplier and the unit's factor folded in, is above
  :data:`pipeline.facts.numbers.MAX_NUMBER` (1e18 of the normalized unit) or is
  not finite is not returned: no real figure is that large, and ``inf`` or
  ``nan`` must never reach the tables.  The scan goes on after it, so the
  other quantities of the text are kept.
"""
from __future__ import annotations

import math
import re
from typing import ClassVar, Final

from pipeline.facts.numbers import (
    CN_DIGITS,
    bounded,
    has_big_unit,
    parse_folded,
    parse_number,
    scale10,
    to_halfwidth,
)
from pipeline.facts.openings import OpeningPattern
from pipeline.facts.units import MONEY as _MONEY
from pipeline.facts.units import NEEDS_BIG_UNIT as _NEEDS_BIG_UNIT
from pipeline.facts.units import UNITS as _UNITS
from pipeline.facts.units import lookup_unit, unit_regex
from pipeline.facts.values import Value
from pipeline.text import HAN_RE

__all__ = ["Quantity", "approx_after", "approx_before", "lookup_unit", "parse_number", "parse_quantities"]


class Quantity(Value):
    """One quantity as written in a text, with its normalized value (a read-only Value).

    >>> Quantity("5亿元", 2, 5, 5e8, None, "CNY", "exact", "money")
    Quantity(raw_text='5亿元', start=2, end=5, value=500000000.0, value_max=None, unit='CNY', approx='exact', kind='money')
    """

    FIELDS: ClassVar[tuple[str, ...]] = ("raw_text", "start", "end", "value", "value_max", "unit", "approx", "kind")

    def __init__(self, raw_text: str, start: int, end: int, value: float, value_max: float | None,
                 unit: str, approx: str, kind: str) -> None:
        self.raw_text: Final = raw_text  # text[start:end]
        self.start: Final = start
        self.end: Final = end
        self.value: Final = value  # multiplier folded in; never negative (a sign is not part of the quantity)
        self.value_max: Final = value_max  # upper end of a range, else None
        self.unit: Final = unit  # CNY/USD/..., %, pp, x, 吨/套/千瓦..., a counter (家, 次 ...), or '' for kind number
        self.approx: Final = approx  # exact | about | over | under | at_least
        self.kind: Final = kind  # money | percent | pp | multiple | physical | count | number

    def as_money(self) -> Quantity:
        """The same figure as an amount in yuan (a bare 万/亿 that the words around make money)."""
        return Quantity(self.raw_text, self.start, self.end, self.value, self.value_max, "CNY", self.approx, "money")


# ---------------------------------------------------------------------------
# The candidate regex (applied to half-width text).
# ---------------------------------------------------------------------------
_CNd = "".join(CN_DIGITS)
# How the patterns below are written: Python's regex engine runs an optional group ``(?:X)?``
# through its general repeat (a block allocated, marks saved at each step), while ``(?:X|)``, the
# same choice in the same order, is a plain alternative; and digits are taken possessively
# (``\d++``), because nothing after a run of digits can start with a digit, so giving some back
# never helps a match.  Both only make a failing candidate fail sooner: the matches are the
# same (tests/facts/test_quantity_pattern.py compares them with the pattern as first written).
# The lookahead of the thousands form lets a number without a comma skip that branch at once.
_AR: Final = r"(?:(?=\d{1,3},\d{3})\d{1,3}(?:,\d{3}(?!\d))+|\d++)(?:\.\d++|)"
# 千 is not a multiplier in 千米/千瓦/千克 (units of their own), nor in 千伏,
# 千兆, 千帕 ... (other units that we do not read: 220千伏 is not 220000).
# 百 is not one in 0.5百分点.
_MULT: Final = r"(?:[十拾佰万萬亿億]|百(?!分)|[千仟](?![米瓦克伏兆帕焦卡字周升]))"
_CN: Final = rf"(?:[{_CNd}]|{_MULT})(?:[{_CNd}几]|{_MULT})*(?:点[{_CNd}]+{_MULT}*|)"
# Text copied from PDFs or tables often has one space before the multiplier
# or the unit (21.9 亿元, 12.9 %); it is allowed there and kept in raw_text.
_SP: Final = r"[\x20\u00a0\u3000]?"
# A number: Arabic with an optional multiplier, or Chinese; 多/余 may stand
# before the multiplier (3000多万) or after it (41亿余); 3个亿 and 两个多亿 are
# the spoken style for 3亿, common in quotes.  A Chinese numeral must end
# where the digits end, so that 三亿一期 is not read as 三亿.
_NUM: Final = (rf"(?:{_AR}(?:{_SP}(?:[多余]?{_MULT}+|个多?亿)|)"
        rf"|{_CN}(?![{_CNd}])(?:[多余]{_MULT}+|个多?亿|))(?:多|余(?!额)|)")
_UNIT: Final = unit_regex()
# The leading lookahead lists every character a candidate can start with; it
# lets the regex engine skip other positions about four times faster than the
# alternation alone would.
_STARTS: Final = rf"\d{_CNd}十拾百佰千仟万萬亿億翻人美港欧日英上数几"
_QTY: Final = re.compile(
    rf"""
    (?=[{_STARTS}])
    (?:
      (?P<fan>翻了?(?:(?P<fan_n>[一两二三四])|)番)
    | (?P<pw>百分之(?P<pw_n>{_AR}|[{_CNd}十百点几]+))
    | (?:(?P<cur>人民币|美元|港元|港币|欧元|日元|英镑)|)
      (?<![\d.])
      (?:(?P<lead1>[上数几])|)(?P<n1>{_NUM})(?:{_SP}(?P<u1>{_UNIT})|)
      (?:(?P<sep>[至到~\-—–])(?:(?P<lead2>[上数几])|)(?P<n2>{_NUM})(?:{_SP}(?P<u2>{_UNIT})|)|)
      # Without a unit or a leading currency, only a number ending in a
      # multiplier (1.2万亿, 3000多万) can be a quantity: refuse the rest here,
      # in C, rather than in Python.
      (?(u1)|(?(u2)|(?(cur)|(?:(?<=[万萬亿億十拾百佰千仟])|(?<=[万萬亿億十拾百佰千仟][多余])))))
    )
    """,
    re.X,
)

_APPROX_BEFORE: Final = re.compile(
    r"(?:不超过|不少于|不低于|不到|不足|未满|低于|少于|大约|将近|接近|约合|约为|约|近|"
    r"超过|超出|超|逾|突破|至少|最少)$"
)
_BEFORE_APPROX: Final = {
    "不超过": "under", "不到": "under", "不足": "under", "未满": "under", "低于": "under",
    "少于": "under", "不少于": "at_least", "不低于": "at_least", "至少": "at_least",
    "最少": "at_least", "大约": "about", "将近": "about", "接近": "about", "约合": "about",
    "约为": "about", "约": "about", "近": "about", "超过": "over", "超出": "over",
    "超": "over", "逾": "over", "突破": "over",
}
# 节约/签约 are not 约, 最近/附近 are not 近: the character before the word decides.
_NOT_APPROX_AFTER: Final = {"约": "节制签合预履违公条特", "近": "最附临靠", "超": "赶高"}
_APPROX_AFTER: Final = OpeningPattern(r"左右|上下(?![游班级水])|及以上|及以下|以上|以下|以内|之多|有余")
_AFTER_APPROX: Final = {"左右": "about", "上下": "about", "及以上": "at_least", "及以下": "under",
                 "以上": "over", "以下": "under", "以内": "under", "之多": "exact", "有余": "over"}
# A threshold that names a category, not an amount: 亿元以上项目, 10万吨级泊位.
_CATEGORY: Final = OpeningPattern(
    r"级|(?:及)?以[上下]的?(?:项目|企业|工业|产业|重点|重大|单位|客户|大项目|工程|投资项目)"
    r"|以上的[^，。；]{1,8}?(?:企业|公司|集团)"  # 年产值百亿元以上的大型高科技企业
)
_CATEGORY_NOUN: Final = re.compile(r"的?(?:项目|企业|工业|产业|工程)")
_LEAD_NOT_AFTER: Final = {"上": "以之线向马加最市网会上北千", "数": "人总次户指基分倍系函参变多少无岁个",
                   "几": "十"}
_DROPPED: Final = frozenset("个 \u00a0\u3000")
_DROP_IN_NUMBER: Final = str.maketrans("", "", "".join(_DROPPED))  # 3个亿, 21.9 亿
_TIMES_BEFORE: Final = re.compile(r"(?<![\d.])(\d{1,2})\s?[×xX*]\s?$")  # 2×34万千瓦, 4x350MW
_FAN: Final = {None: 2.0, "一": 2.0, "两": 4.0, "二": 4.0, "三": 8.0, "四": 16.0}


def approx_before(text: str, start: int) -> str | None:
    """The approximation a word just before ``start`` sets, or None.

    >>> approx_before("投资约5亿元", 3), approx_before("超过5亿元", 2), approx_before("节约5万元", 2)
    ('about', 'over', None)
    """
    m = _APPROX_BEFORE.search(text, max(0, start - 3), start)
    if not m:
        return None
    word = m.group()
    banned = _NOT_APPROX_AFTER.get(word)
    if banned and m.start() > 0 and text[m.start() - 1] in banned:
        return None
    return _BEFORE_APPROX[word]


def approx_after(text: str, end: int) -> str | None:
    """The approximation a word just after ``end`` sets (左右, 以上, 以下 ...), or None.

    >>> approx_after("七成以上", 2), approx_after("5亿元左右", 3), approx_after("5亿元", 3)
    ('over', 'about', None)
    """
    m = _APPROX_AFTER.match(text, end)
    if not m:
        return None
    return _AFTER_APPROX[m.group()]


class _Num:
    """A number as read from a candidate: value, inner approx and how much to trust it."""

    __slots__ = ("value", "approx", "weak", "bare")

    def __init__(self, value: float, approx: str, weak: bool, bare: bool) -> None:
        self.value = value
        self.approx = approx
        self.weak = weak  # a lone Chinese digit (一, 两, 四): only with a rate unit
        self.bare = bare  # starts with 百/千/万/亿 and no 上/数/几 or 余/多: 千家万户, 百亿元


def _read_number(num: str, lead: str | None) -> _Num | None:
    """Read a number as matched by _NUM (with its 多/余/几 markers) after an optional 上/数/几."""
    approx = "exact"
    if not _DROPPED.isdisjoint(num):  # (rare; str.translate looks up every character in a dict)
        num = num.translate(_DROP_IN_NUMBER)
    if "多" in num or "余" in num:
        approx = "over"
        num = num.replace("多", "").replace("余", "")
    if "几" in num:  # 十几亿, 二十几万: 几 only after 十, read as its smallest value
        if not re.fullmatch(r"[^几]*十几[^几]*", num):
            return None
        num = num.replace("几", "")
        approx = "at_least"
    if num[0] in "拾佰仟":
        return None  # financial numerals need a digit first: 拾人牙慧 is not 10 人
    bare = num[0] in "百千万萬亿億"
    if lead:
        # 上百万, 数十亿, 几千: the lead needs a bare multiplier right after it
        if not (bare or num[0] in "十拾"):
            return None
        approx, bare = "at_least", False
    elif approx == "over":
        bare = False  # 百余家, 千多人
    value = parse_folded(num)
    if value is None:
        return None
    return _Num(value, approx, len(num) == 1 and num in CN_DIGITS, bare)


def _scale(x: float, factor: float) -> float:
    """x * factor for a power-of-ten factor, without rounding noise (9.2亿 is 920000000)."""
    return x if factor == 1 else scale10(x, round(math.log10(factor)))


_UNIT_VALUE: Final = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1e3, "仟": 1e3,
               "万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8}
_ONE_DIGIT_AND_UNITS: Final = re.compile(rf"[{_CNd}]([十拾百佰千仟万萬亿億]+)")


def _multiplier_tail(num: str) -> float:
    """Product of the multipliers written after the digits of an upper bound.

    60亿 -> 1e8, 2,000万 -> 1e4, 五千万 -> 1e7 (三至五千万 is 3千万 to 5千万), 六十亿 -> 1e8.
    """
    num = num.translate(_DROP_IN_NUMBER).replace("多", "").replace("余", "")
    if num[:1].isdigit():
        tail = num.lstrip("0123456789,.")
    elif m := _ONE_DIGIT_AND_UNITS.fullmatch(num):
        tail = m.group(1)
    else:
        return _big_tail(num)
    factor = 1.0
    for ch in tail:
        factor *= _UNIT_VALUE[ch]
    return factor


def _big_tail(num: str) -> float:
    """Product of the 万/亿 that end a number (九千万 -> 1e4, 3亿 -> 1e8)."""
    factor = 1.0
    for ch in re.search(r"[万萬亿億]*$", num.replace("多", "").replace("余", "")).group():  # type: ignore[union-attr]
        factor *= _UNIT_VALUE[ch]
    return factor


def _is_multiplied(num: str) -> bool:
    """A number that counts as a figure even without a unit: 1.2万亿, 3000万, 5千."""
    if has_big_unit(num):
        return True
    return num[:1].isdigit() and any(ch in num for ch in "十拾百佰千仟")


def parse_quantities(text: str) -> list[Quantity]:
    """All quantities in ``text``, in order and non-overlapping.

    >>> [(q.raw_text, q.value, q.unit, q.approx) for q in parse_quantities("计划总投资21.9亿元，增长12.9%")]
    [('21.9亿元', 2190000000.0, 'CNY', 'exact'), ('12.9%', 12.9, '%', 'exact')]
    >>> [(q.raw_text, q.value, q.approx) for q in parse_quantities("投资上百万元，占比近五成")]
    [('上百万元', 1000000.0, 'at_least'), ('五成', 50.0, 'about')]
    """
    folded = to_halfwidth(text)
    out: list[Quantity] = []
    pos = 0
    n = len(folded)
    while pos < n:
        m = _QTY.search(folded, pos)
        if m is None:
            break
        q, resume = _judge(text, folded, m)
        if q is not None:
            out.append(q)
        pos = max(resume, m.start() + 1)
    return out


def _make(text: str, start: int, end: int, value: float, value_max: float | None,
          unit: str, approx: str, kind: str) -> Quantity | None:
    """The Quantity, or None when a value is out of bounds (see the module docstring)."""
    if bounded(value) is None or (value_max is not None and bounded(value_max) is None):
        return None
    return Quantity(text[start:end], start, end, value, value_max, unit, approx, kind)


def _judge(text: str, t: str, m: re.Match) -> tuple[Quantity | None, int]:
    """Turn one regex candidate into a Quantity (or None) and say where to scan next."""
    branch = m.lastgroup  # fan and pw close after the groups inside them; a number ends with another
    if branch == "fan":
        value = _FAN[m.group("fan_n")]
        return _make(text, m.start(), m.end(), value, None, "x", "exact", "multiple"), m.end()
    if branch == "pw":
        read = _read_number(m.group("pw_n"), None)  # 百分之九十几: at least 90
        if read is None:
            return None, m.end()
        value = read.value
        approx = read.approx if read.approx != "exact" else (
            approx_after(t, m.end()) or approx_before(t, m.start()) or "exact")
        return _make(text, m.start(), m.end(), value, None, "%", approx, "percent"), m.end()

    # Ordinals (第5届, 第1-3名) and numbered names: skip the whole candidate.
    first = m.start("lead1") if m.group("lead1") else m.start("n1")
    if t[max(0, first - 2):first].replace(" ", "").endswith("第"):
        return None, m.end()
    if m.group("sep"):
        q = _judge_range(text, t, m)
        if q is not None:
            return q, q.end
        # Not a range (5亿元到2020年, 0574-87654321): read the first part alone
        # and look at the second one again.
        if m.group("u1") or _is_multiplied(m.group("n1")):
            return _judge_single(text, t, m), m.start("sep")
        return None, m.start("n2") - (1 if m.group("lead2") else 0)
    return _judge_single(text, t, m), m.end()


def _unit_ok(unit_text: str | None, num: str, read: _Num) -> tuple[str, float, str] | None:
    """(unit, factor, kind) if this number may carry this unit, else None."""
    if not unit_text:
        return None
    unit, factor, kind = _UNITS[unit_text]
    if read.weak and kind not in ("percent", "pp", "multiple"):
        return None  # 一项, 四套班子, 两个: words, not amounts
    if unit_text in _NEEDS_BIG_UNIT and not has_big_unit(num):
        return None
    if unit_text == "成" and (read.value > 10 or _is_multiplied(num)):
        return None
    return unit, factor, kind


def _lead(t: str, m: re.Match, group: str) -> str | None:
    """The 上/数/几 before a number, unless it belongs to the word before it."""
    lead = m.group(group)
    if lead and m.start(group) > 0 and t[m.start(group) - 1] in _LEAD_NOT_AFTER[lead]:
        return None  # 以上万元 is 以上 + 万元, 人数百万 is 人数 + 百万, 成千上万
    return lead


def _judge_single(text: str, t: str, m: re.Match) -> Quantity | None:
    """The first number of a candidate with its own unit (u1), or as a bare figure."""
    num, unit_text = m.group("n1"), m.group("u1")
    if not (unit_text or m.group("cur") or _is_multiplied(num)):
        return None  # the fast way out for 统一, 一些, 2017 and the like
    lead = _lead(t, m, "lead1")
    read = _read_number(num, lead)
    if read is None:
        return None
    approx = read.approx
    start = m.start("lead1") if lead else m.start("n1")
    end = m.end("n1")
    got = _unit_ok(unit_text, num, read)
    if got is not None:
        unit, factor, kind = got
        end = m.end("u1")
        if unit_text == "元" and m.group("cur") and m.group("cur") != "人民币":
            unit, start = _MONEY[m.group("cur")], m.start("cur")  # 港币15亿元 is in Hong Kong dollars
    elif m.group("cur"):  # 人民币5亿: the currency before the number is the unit
        unit, factor, kind = _MONEY[m.group("cur")], 1.0, "money"
        start = m.start("cur")
    elif _is_multiplied(num) and not read.weak:
        if not num[0].isdigit() and HAN_RE.match(t, end):
            # A Chinese numeral with no unit, run into the next word, is an
            # idiom or a unit we do not read: 十万火急, 二万五千里, 一万年, 八万斤.
            return None
        unit, factor, kind = "", 1.0, "number"
    else:
        return None
    times = _TIMES_BEFORE.search(t, max(0, start - 6), start) if kind == "physical" else None
    if times:  # 2×34万千瓦, 4x350MW: that many units of the size written
        start = times.start()
    if start > 0 and t[start - 1].isascii() and t[start - 1].isalpha() and not (
        has_big_unit(num) or kind in ("money", "percent", "pp")
    ):
        return None  # G20, A380架, PM2.5: codes; but GDP1.2万亿元 is a figure
    if _CATEGORY.match(t, end) and kind != "percent":
        return None  # (七成以上的企业 is a share of firms, not a class of them)
    before = approx_before(t, m.start())
    if read.bare and not before and not (kind == "money" and len(num) > 1):
        # 千家万户, 万元户, 亿元以上: a bare 千/万/亿 is a word unless a money
        # amount (百万元, 千万元) or an approximation (突破百亿元, 超亿元) says otherwise
        return None
    if before == "over" and t[m.start() - 1] == "超" and _CATEGORY_NOUN.match(t, end):
        return None  # 超10亿元企业, 超亿元企业: a class of firms, not an amount
    value = read.value * (int(times.group(1)) if times else 1)
    if unit_text == "成" and t[end : end + 1] and t[end] in "一二三四五六七八九" \
            and (not HAN_RE.match(t, end + 1) or t[end + 1] in "的左以"):
        value += CN_DIGITS[t[end]] / 10  # 一成一 is 11 %, 三成五 is 35 %
        end += 1
    if approx == "exact":
        after = approx_after(t, end)
        if after is None and unit_text in ("成", "倍") and t[end:end + 1] in ("多", "余"):
            after = "over"  # 三成多, 两倍多
        approx = after or before or "exact"
    return _make(text, start, end, _scale(value, factor), None, unit, approx, kind)


def _judge_range(text: str, t: str, m: re.Match) -> Quantity | None:
    """50亿至60亿元, 50-60亿元, 10%-15%, 三至五倍: one Quantity, or None if it is not a range."""
    n1, n2, u1, u2 = m.group("n1"), m.group("n2"), m.group("u1"), m.group("u2")
    if m.group("sep") in "-—–":
        # Phone and code numbers: 0574-87654321, 400-123-4567
        if re.match(r"0\d", n1) or re.match(r"0\d", n2) or re.match(r"-\d", t[m.end():m.end() + 2]):
            return None
    if u1 and (not u2 or _UNITS[u1][:2] != _UNITS[u2][:2]):
        return None
    lead1 = _lead(t, m, "lead1")
    r1 = _read_number(n1, lead1)
    r2 = _read_number(n2, m.group("lead2"))
    if r1 is None or r2 is None or r1.bare or r2.bare:
        return None
    low, high = r1.value, r2.value
    if not (u1 or _is_multiplied(n1)):
        scaled = _scale(low, _multiplier_tail(n2))  # the multiplier written once, after the upper bound
        if scaled >= high:  # 七千到九千万: only the 万 is written once (七千万 to 九千万)
            scaled = _scale(low, _big_tail(n2))
        low = scaled
    if low >= high:
        return None
    got = _unit_ok(u2, n2, r2)
    start = m.start("lead1") if lead1 else m.start("n1")
    end = m.end("n2")
    if got is not None:
        unit, factor, kind = got
        end = m.end("u2")
    elif m.group("cur"):
        unit, factor, kind = _MONEY[m.group("cur")], 1.0, "money"
        start = m.start("cur")
    elif _is_multiplied(n2) and not r2.weak:
        unit, factor, kind = "", 1.0, "number"
    else:
        return None
    if _CATEGORY.match(t, end):
        return None
    return _make(text, start, end, _scale(low, factor), _scale(high, factor), unit, "over", kind)
