"""Reading numbers written the ways Chinese news writes them.

One function does the work, :func:`parse_number`: it reads Arabic numbers
(``21.9``, ``1,100``), full-width ones (``１２.９``), Chinese numerals
(``二十一点九``, ``一万二千``, ``一百零五``, ``两``) and the mixed forms that news
copy is full of (``1.2万亿``, ``3千万``), and returns a float or ``None``.

Design
------
* The text is first folded to half-width with :func:`to_halfwidth`, a
  ``str.translate`` table that maps one character to one character.  Keeping
  the length unchanged is deliberate: :mod:`pipeline.facts.quantities` scans the
  folded text and reports offsets into the original one.
* Chinese numerals are read by the usual accumulator algorithm with three
  registers: ``group`` (below 万, built from digit x 十/百/千), ``section``
  (a finished 万 group) and ``total`` (everything finished by 亿).  ``万亿`` is
  read as one unit of 1e12, so that 1.2万亿 is 1.2e12 and not 1.2e4 + 1e8.
* The reader is strict, because its main caller throws every run of numeral
  characters at it, including words such as 十三五, 一一 or 万一: two digits
  in a row, units out of order and the colloquial 一万五 (15000 in speech, but
  in running text far more often a number glued to a following word) give
  ``None`` instead of a guess.
* **Numbers are bounded**: a value above :data:`MAX_NUMBER` (1e18) or not
  finite is ``None``, like any other string that is no number.  No figure in
  news copy comes near it (the world's GDP is about 1e14 US dollars; 1e18 元
  is 100亿亿元), and a float overflows to ``inf`` at about 1.8e308, which
  must never reach the tables.  :mod:`pipeline.facts.quantities` applies the
  same bound to a quantity after its unit's multiplier is folded in.
"""
from __future__ import annotations

import functools
import math
import re
from typing import Final

__all__ = [
    "MAX_NUMBER",
    "CN_DIGITS",
    "CN_UNITS",
    "bounded",
    "has_big_unit",
    "parse_folded",
    "parse_number",
    "scale10",
    "to_halfwidth",
]

# The largest value that is a number (in the unit written): larger ones, inf and nan are None.
MAX_NUMBER: Final = 1e18


def bounded(x: float | None) -> float | None:
    """``x`` when it is a finite number of at most :data:`MAX_NUMBER`, else None.

    >>> bounded(2.5), bounded(1e18), bounded(1.1e18), bounded(float("inf")), bounded(float("nan"))
    (2.5, 1e+18, None, None, None)
    """
    if x is None or not math.isfinite(x) or abs(x) > MAX_NUMBER:
        return None
    return x


# Chinese digit characters and their values.  Financial (大写) and traditional
# forms are included because contracts and Hong Kong copy use them.
CN_DIGITS: Final[dict[str, int]] = {
    "〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
    "壹": 1, "贰": 2, "貳": 2, "叁": 3, "參": 3, "肆": 4, "伍": 5, "陆": 6,
    "陸": 6, "柒": 7, "捌": 8, "玖": 9,
}
# Unit characters and their values (万亿 is read as one token, see below).
CN_UNITS: Final[dict[str, float]] = {
    "十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000,
    "万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8,
}
_EXP: Final = {10: 1, 100: 2, 1000: 3, 1e4: 4, 1e8: 8, 1e12: 12}

# Full-width digits, letters and the signs that occur inside quantities map to
# ASCII.  The full-width comma is *not* mapped: in Chinese text it separates
# clauses (增长12.9%，达到…), it is not a thousands separator.
_HALFWIDTH: Final = str.maketrans(
    {chr(0xFF10 + i): chr(0x30 + i) for i in range(10)}
    | {chr(0xFF21 + i): chr(0x41 + i) for i in range(26)}
    | {chr(0xFF41 + i): chr(0x61 + i) for i in range(26)}
    | {"．": ".", "％": "%", "﹪": "%", "～": "~", "〜": "~", "－": "-", "＋": "+", "／": "/"}
)

_WIDE: Final = re.compile("[" + "".join(re.escape(chr(c)) for c in _HALFWIDTH) + "]")
_ASCII_OF: Final[dict[str, str]] = {chr(c): ascii_char for c, ascii_char in _HALFWIDTH.items()}
_ARABIC: Final = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
_TOKEN: Final = re.compile(
    r"(?P<ar>\d+(?:\.\d+)?)"
    r"|(?P<wy>万亿|萬億)"
    rf"|(?P<digit>[{''.join(CN_DIGITS)}])"
    rf"|(?P<unit>[{''.join(CN_UNITS)}])"
    r"|(?P<point>点)"
    r"|(?P<bad>.)",
    re.S,
)


def to_halfwidth(text: str) -> str:
    """Fold full-width digits, Latin letters and %.~-+/ to ASCII; the length never changes.

    >>> to_halfwidth("增长１２．９％，５亿元，ＧＷ")
    '增长12.9%，5亿元，GW'
    """
    # Most news text has no full-width character at all, and a page that has some has a handful:
    # the regex finds them and only they are replaced.  (str.translate would look up every
    # character of the page in a dict, about a thousand machine instructions each.)
    if _WIDE.search(text) is None:
        return text
    return _WIDE.sub(_ascii_of, text)


def _ascii_of(m: re.Match) -> str:
    return _ASCII_OF[m.group()]


def scale10(x: float, exponent: int) -> float:
    """``x * 10**exponent`` without binary rounding noise, by shifting the decimal exponent.

    Plain multiplication gives 9.2 * 1e8 == 919999999.9999999; the figure as
    written is 920000000, and gold values are compared to 1e-6 relative, so
    exact is better than close.

    >>> scale10(9.2, 8), 9.2 * 1e8, scale10(8.7e17, 8)
    (920000000.0, 919999999.9999999, 8.7e+25)
    """
    if exponent == 0 or not math.isfinite(x):
        return x  # inf and nan have no decimal exponent to shift
    mantissa, _, exp = repr(x).partition("e")  # repr may already be 8.7e+17
    return float(f"{mantissa}e{int(exp or 0) + exponent}")


def has_big_unit(s: str) -> bool:
    """True when a number is written with 万 or 亿 (the multipliers news copy folds into figures).

    >>> has_big_unit("1.2万亿"), has_big_unit("三千"), has_big_unit("两亿")
    (True, False, True)
    """
    return not _BIG_UNITS.isdisjoint(s)  # one C-level scan instead of a generator per character


_BIG_UNITS: Final = frozenset("万萬亿億")


def parse_number(s: str) -> float | None:
    """Read one number: Arabic, full-width, Chinese numerals or a mix; ``None`` if it is not one.

    >>> parse_number("21.9"), parse_number("1,100"), parse_number("１２.９")
    (21.9, 1100.0, 12.9)
    >>> parse_number("二十一点九"), parse_number("一万二千"), parse_number("两")
    (21.9, 12000.0, 2.0)
    >>> parse_number("三千万"), parse_number("1.2万亿"), parse_number("一百零五")
    (30000000.0, 1200000000000.0, 105.0)
    >>> parse_number("十三五") is None, parse_number("万一") is None, parse_number("") is None
    (True, True, True)
    """
    return parse_folded(to_halfwidth(s).strip())


@functools.lru_cache(maxsize=4096)  # pure, and the same few numbers (1, 10万, 2017) recur in every text
def parse_folded(s: str) -> float | None:
    """:func:`parse_number` for text already folded by :func:`to_halfwidth` and stripped.

    >>> parse_folded("3,000万"), parse_folded("二十一点九")
    (30000000.0, 21.9)
    """
    if not s:
        return None
    if _ARABIC.fullmatch(s):  # the common case, kept off the slow path
        return bounded(float(s.replace(",", "")))
    if "," in s:  # separators are only allowed in a well-formed Arabic prefix
        m = _ARABIC.match(s)
        if not m or "," in s[m.end():]:
            return None
        s = m.group().replace(",", "") + s[m.end():]
    return bounded(_parse_mixed(s))


def _parse_mixed(s: str) -> float | None:
    total = 0.0  # finished by 亿 / 万亿
    section = 0.0  # a finished 万 group
    group = 0.0  # sum of digit x 十/百/千 below 万
    current: float | None = None  # a digit (or Arabic number) waiting for its unit
    last_small = 1e4  # small units must fall: 三千五百 yes, 五百三千 no
    last_unit = 0.0  # value of the unit just before ``current``
    zero = False  # a 零 was written, so 一百零五 is 105 and not colloquial
    after_big = 0.0  # the last 万/亿 read; what follows it must fill the places below it
    gap_zero = False  # a 零 since that 万/亿: 一万零五百, 一亿零五千
    seen_digit = False
    pos = 0
    n = len(s)
    while pos < n:
        m = _TOKEN.match(s, pos)
        kind = m.lastgroup  # type: ignore[union-attr]
        tok = m.group()  # type: ignore[union-attr]
        pos = m.end()  # type: ignore[union-attr]
        if kind == "bad":
            return None
        if kind == "ar" or kind == "digit":
            if kind == "digit" and CN_DIGITS[tok] == 0:
                zero = gap_zero = True
                seen_digit = True
                continue
            if current is not None:  # two digits in a row: 十三五, 一一, 2三
                return None
            current = float(tok) if kind == "ar" else float(CN_DIGITS[tok])
            if current > MAX_NUMBER:  # also 400 digits (inf): 点 below would make int() of it
                return None
            seen_digit = True
        elif kind == "point":
            # 二十一点九: integer part so far, then digits read one by one.
            frac = ""
            while pos < n and s[pos] in CN_DIGITS:
                frac += str(CN_DIGITS[s[pos]])
                pos += 1
            if not frac or (current is None and group == 0 and not zero and not (section or total)):
                return None  # 点五 alone is no number; 一万点一 is (the fraction joins the last group)
            current = float(f"{int(group + (current or 0.0))}.{frac}")
            seen_digit = True  # 十点一: the digits after 点 make it a number
            group = 0.0
            last_small = 1.0  # no 十/百/千 after a decimal part
            last_unit = 0.0
            zero = False
        elif kind == "unit" and CN_UNITS[tok] < 1e4:  # 十 百 千
            unit = CN_UNITS[tok]
            if unit >= last_small:
                return None
            if after_big and not group and not gap_zero and unit != 1000:
                return None  # 一万二百, 一亿三百万: a gap must be written with 零
            if current is None:
                # 十二 = 12 at the head of a group; 百/千 alone only at the very start
                if group or section or total or zero:
                    if unit != 10 or not zero:
                        return None
                current = 1.0
            group += scale10(current, _EXP[unit])
            current, last_small, last_unit, zero = None, unit, unit, False
        else:  # 万, 亿 or 万亿
            unit = 1e12 if kind == "wy" else CN_UNITS[tok]
            sub = group + (current or 0.0)
            if unit == 1e4:
                if section:
                    return None
                if not sub:
                    if total or zero:
                        return None
                    sub = 1.0
                section = scale10(sub, _EXP[unit])
            else:
                if total:
                    return None
                sub += section
                if not sub:
                    if zero:
                        return None
                    sub = 1.0
                total = scale10(sub, _EXP[unit])
                section = 0.0
            group, current, last_small, last_unit, zero = 0.0, None, 1e4, unit, False
            after_big, gap_zero = unit, False
    if current is not None and last_unit > 10 and not zero:
        # 一万五, 三亿一, 1万2: colloquial or a number glued to the next word
        return None
    if after_big > 1e4 and (group or current) and not gap_zero:
        return None  # 四亿五千 is 四亿五千万 cut short, not 400005000 (that is 四亿零五千)
    if not seen_digit and not last_unit:
        return None
    return total + section + group + (current or 0.0)
