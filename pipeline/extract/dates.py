"""Publication dates as pages print them, to ISO 8601 text.

Pages print a date in many ways: ``2017-05-15 17:32:00``, ``2016年06月30日09时30分``,
``[2005年05月13日]``, ``2005-5-13 8:32``, ``二〇一七年三月二十四日`` or in full-width digits.
:func:`parse_date` reads all of them; :func:`parse_iso_meta_date` reads meta tags.
"""
from __future__ import annotations

import datetime as dt
import re

SPACE = "\\s\u3000\u00a0"
TZ = "+08:00"

# 2017-05-15 17:32:00 / 2017年05月15日 09:30 / 2006-8-21 / 2018/9/26 / 2017.05.15 / 09时30分
# The separators agree: 2017年5月15日, 2017-05-15, 2017/5/15, 2017.05.15 (so 2021年1-4月 is no date).
DATE_RE = re.compile(
    rf"(?<!\d)((?:19|20)\d{{2}})(?:\s*年\s*(\d{{1,2}})\s*月\s*(\d{{1,2}})\s*日|([-/.])(\d{{1,2}})\4(\d{{1,2}})(?!\d))"
    rf"(?:[{SPACE}T]*(\d{{1,2}})\s*[:：时]\s*(\d{{2}})(?:\s*[:：分]\s*(\d{{2}}))?)?"
)
# "今天是2024年5月13日 星期一": the page header's calendar, not the article's date.
CALENDAR_BEFORE = re.compile(r"(?:今天是|今天|今日|今日是|当前时间)[：:\s]*$")

_FULL_WIDTH = str.maketrans("０１２３４５６７８９：／－．", "0123456789:/-.")
_HAN_DIGIT = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_HAN_DATE = re.compile(
    r"([〇○零Ｏ一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,2})\s*月\s*([一二三四五六七八九十]{1,3})\s*日"
)


def _han_number(text: str) -> int:
    """一 .. 三十一 as an integer.

    >>> [_han_number(t) for t in ("三", "十", "十二", "二十四", "三十一")]
    [3, 10, 12, 24, 31]
    """
    if "十" not in text:
        return _HAN_DIGIT[text]
    tens, _, ones = text.partition("十")
    return (_HAN_DIGIT[tens] if tens else 1) * 10 + (_HAN_DIGIT[ones] if ones else 0)


def arabic_dates(text: str) -> str:
    """``text`` with dates in Chinese numerals and full-width digits written in ASCII digits.

    >>> arabic_dates("二〇一七年三月二十四日")
    '2017年3月24日'
    >>> arabic_dates("２００５年５月１３日")
    '2005年5月13日'
    """
    text = text.translate(_FULL_WIDTH)
    if "年" not in text:
        return text

    def arabic(m: re.Match) -> str:
        year = "".join(str(_HAN_DIGIT[c]) for c in m.group(1))
        return f"{year}年{_han_number(m.group(2))}月{_han_number(m.group(3))}日"

    return _HAN_DATE.sub(arabic, text)


def parse_date(text: str, earliest: str | None = None, today: dt.date | None = None) -> str | None:
    """The first plausible publication date/time in ``text``, ISO 8601.

    A time gives ``YYYY-MM-DDTHH:MM:SS+08:00``; a bare date gives ``YYYY-MM-DD``.
    Dates after tomorrow are not publication dates, nor (when given) dates before ``earliest``
    (the extractor passes ``extract.earliest_date`` of the settings), nor a header's calendar.

    >>> parse_date("稿源: 宁波日报   2017-05-15 17:32:00报料热线:81850000")
    '2017-05-15T17:32:00+08:00'
    >>> parse_date("发布时间：2006-8-21")
    '2006-08-21'
    >>> parse_date("2018年09月26日 07:05 来源：浙江日报")
    '2018-09-26T07:05:00+08:00'
    >>> parse_date("1970-01-01 00:00", earliest="1995-01-01") is None
    True
    >>> parse_date("2021年1-4月，全市规上工业增加值增长") is None
    True
    >>> parse_date("2019年05月15日08:31  来源：人民网")
    '2019-05-15T08:31:00+08:00'
    >>> parse_date("发布时间：2016年06月30日09时30分")
    '2016-06-30T09:30:00+08:00'
    >>> parse_date("[2005年05月13日]"), parse_date("2005-5-13 8:32")
    ('2005-05-13', '2005-05-13T08:32:00+08:00')
    >>> parse_date("二〇一七年三月二十四日")
    '2017-03-24'
    >>> parse_date("今天是2024年5月13日 星期一") is None
    True
    """
    today = today or dt.date.today()
    low = dt.date.fromisoformat(earliest) if earliest else dt.date.min
    text = arabic_dates(text)
    for m in DATE_RE.finditer(text):
        if CALENDAR_BEFORE.search(text, max(0, m.start() - 6), m.start()):
            continue
        year, m1, d1, _, m2, d2, hour, minute, second = m.groups()
        month, day = (m1, d1) if m1 else (m2, d2)
        try:
            date = dt.date(int(year), int(month), int(day))
        except ValueError:
            continue
        if not (low <= date <= today + dt.timedelta(days=1)):
            continue
        if hour is None:
            return date.isoformat()
        try:
            moment = dt.datetime(date.year, date.month, date.day, int(hour), int(minute), int(second or 0))
        except ValueError:
            return date.isoformat()
        return moment.isoformat() + TZ
    return None


_DATE_LINE_DECORATION = re.compile(r"^[\[【(（〔\s]*(?:(?:发布|更新|发表)?(?:时间|日期)[:：\s]*)?|[\]】)）〕\s]*$")


def is_date_line(text: str) -> bool:
    """Whether a line is nothing but a date (and time), bracketed or labelled.

    >>> [is_date_line(t) for t in ("[2005年05月13日]", "（2016-06-30 09:30）", "日期：2005-5-13", "2005年5月13日，全市")]
    [True, True, True, False]
    """
    if len(text) > 40 or not ("年" in text or "-" in text or "/" in text or "." in text):
        return False
    core = _DATE_LINE_DECORATION.sub("", arabic_dates(text))
    m = DATE_RE.match(core)
    return bool(m) and not core[m.end():].strip()  # type: ignore[union-attr]


def parse_iso_meta_date(value: str, earliest: str | None = None) -> str | None:
    """A date from a meta tag such as article:published_time, normalized to +08:00 text.

    >>> parse_iso_meta_date("2018-09-26T07:05:30+08:00")
    '2018-09-26T07:05:30+08:00'
    >>> parse_iso_meta_date("2018-09-25T23:05:30Z")
    '2018-09-26T07:05:30+08:00'
    """
    value = value.strip()
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return parse_date(value, earliest)
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone(dt.timedelta(hours=8))).replace(tzinfo=None)
    elif len(value) <= 10:
        return parse_date(value, earliest)
    return parse_date(moment.strftime("%Y-%m-%d %H:%M:%S"), earliest)
