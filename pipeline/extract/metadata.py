"""Small pure parsers for article metadata written in Chinese page chrome.

Each takes text (an info line, a byline, a <title>) and returns the field, so
they can be tested one by one and reused by the crawler and the notebooks.
"""
from __future__ import annotations

import datetime as dt
import re

from pipeline.text import HAN

SPACE = "\\s\u3000\u00a0"

# 2017-05-15 17:32:00 / 2017年05月15日 09:30 / 2006-8-21 / 2018/9/26 / 2017.05.15
# The separators agree: 2017年5月15日, 2017-05-15, 2017/5/15, 2017.05.15 (so 2021年1-4月 is no date).
DATE_RE = re.compile(
    rf"(?<!\d)((?:19|20)\d{{2}})(?:\s*年\s*(\d{{1,2}})\s*月\s*(\d{{1,2}})\s*日|([-/.])(\d{{1,2}})\4(\d{{1,2}})(?!\d))"
    rf"(?:[{SPACE}T]*(\d{{1,2}})\s*[:：时]\s*(\d{{2}})(?:\s*[:：分]\s*(\d{{2}}))?)?"
)
TZ = "+08:00"


def parse_date(text: str, earliest: str | None = None, today: dt.date | None = None) -> str | None:
    """The first plausible publication date/time in ``text``, ISO 8601.

    A time gives ``YYYY-MM-DDTHH:MM:SS+08:00``; a bare date gives ``YYYY-MM-DD``.
    Dates after tomorrow are not publication dates, nor (when given) dates before ``earliest``
    (the extractor passes ``extract.earliest_date`` of the settings).

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

    """
    today = today or dt.date.today()
    low = dt.date.fromisoformat(earliest) if earliest else dt.date.min
    for m in DATE_RE.finditer(text):
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


SOURCE_RE = re.compile(
    rf"(?:稿源|来源|信息来源|文章来源|新闻来源|出处)[{SPACE}]*[:：][{SPACE}]*"
    rf"([^{SPACE}:：|｜/【】\[\]()（）]{{2,30}}?)"
    rf"(?=[{SPACE}|｜/【\[(（]|$|作者|记者|编辑|责编|时间|发布(?:时间|日期|于)|日期|浏览|点击|阅读|报料|字号|(?:19|20)\d\d[-/.年])"
)


def parse_source(text: str) -> str | None:
    """The 稿源/来源 value in an info line.

    >>> parse_source("稿源: 宁波日报   2017-05-15 17:32:00报料热线:81850000")
    '宁波日报'
    >>> parse_source("2018-09-26 07:05:30 来源：浙江日报 记者 李娜")
    '浙江日报'
    >>> parse_source("发布时间：2018-03-12 10:20  信息来源：区发改局  浏览次数：1234")
    '区发改局'
    """
    m = SOURCE_RE.search(text)
    return m.group(1) if m else None


EDITOR_RE = re.compile(rf"(责任编辑|责编|编辑)[{SPACE}]*[:：][{SPACE}]*([{HAN}·]{{2,5}})")


def parse_editor(text: str) -> str | None:
    """The 责任编辑 (preferred) or 编辑 named in ``text``.

    >>> parse_editor("原标题:…\\n编辑: 赖小惠")
    '赖小惠'
    >>> parse_editor("【责任编辑：王芳】")
    '王芳'
    >>> parse_editor("编辑：陈晨 责任编辑：李想")
    '李想'
    """
    found = EDITOR_RE.findall(text)
    if not found:
        return None
    for role, name in found:
        if role in ("责任编辑", "责编"):
            return _strip_trailing_role(name)
    return _strip_trailing_role(found[0][1])


def _strip_trailing_role(name: str) -> str:
    for word in ("责任编辑", "审核", "编辑", "校对", "责编", "来源"):
        if name.endswith(word) and len(name) > len(word) + 1:
            return name[: -len(word)]
    return name


# Role words that precede names in bylines, longest first so 本报记者 wins over 记者.
ROLE_WORDS = (
    "本报特约记者", "本报见习记者", "本报实习记者", "本报通讯员", "全媒体记者", "融媒体记者", "特约记者",
    "见习记者", "实习记者", "首席记者", "本报记者", "摄影记者", "记者", "通讯员", "实习生", "特约撰稿",
    "撰稿", "摄影", "作者", "文字", "图片", "文", "图", "摄",
)
ROLE_RE = re.compile(
    rf"^(?:[{HAN}]{{0,6}}记者站|{'|'.join(ROLE_WORDS)})[{SPACE}]*[:：/／]?[{SPACE}]*"
)
# Where a new role starts inside a chunk (记者王博通讯员李明); 本报记者 is one role, not two.
GLUED_ROLE = re.compile(r"(?=通讯员|实习生|(?<!本报)(?<!见习)(?<!实习)(?<!特约)(?<!首席)(?<!摄影)(?<!媒体)记者|摄影|文/|图/|摄/)")
STATION_RE = re.compile(rf"[{HAN}]{{0,6}}记者站")
NOT_A_NAME = re.compile(r"(日报|晚报|网|报社|新闻|中心|记者站|本报|编辑|政府|局|委|办|社|台|电视|讯|部|报道)")
NAME_RE = re.compile(rf"^[{HAN}·]{{2,4}}$")


def parse_byline(text: str) -> list[str]:
    """Names of the bylined people in ``text``, role words removed, in order.

    >>> parse_byline("记者王博 鄞州记者站张绘薇 杨磊")
    ['王博', '张绘薇', '杨磊']
    >>> parse_byline("本报记者 李娜 通讯员 赵刚、钱多多")
    ['李娜', '赵刚', '钱多多']
    >>> parse_byline("文/陈喆 图/周晓")
    ['陈喆', '周晓']
    >>> parse_byline("作者：宁波日报")
    []
    >>> parse_byline("记者从湖州市发改委了解到，按照计划")
    []
    """
    names: list[str] = []
    # "鄞州记者站" is a role with a place in front: drop it whole before splitting.
    text = STATION_RE.sub(" ", text)
    for chunk in re.split(rf"[{SPACE},，、;；|｜]+", text):
        rest = chunk.strip()
        # a chunk may hold several roles glued together: 记者王博通讯员李明
        for piece in GLUED_ROLE.split(rest):
            while True:
                stripped = ROLE_RE.sub("", piece, count=1)
                if stripped == piece:
                    break
                piece = stripped
            piece = piece.strip("：:/／()（）[]【】 ")
            if not piece:
                continue
            if not NAME_RE.match(piece) or NOT_A_NAME.search(piece):
                return names  # a byline is a run of names: the first non-name ends it
            if piece not in names:
                names.append(piece)
    return names


# (记者王博 鄞州记者站张绘薇 杨磊) / 本报讯（记者 李娜 通讯员 赵刚） / （记者 王博）
LEAD_BYLINE_RE = re.compile(
    rf"[（(]\s*((?:[{HAN}]{{0,6}}记者站|(?:本报|全媒体|融媒体|特约|见习|实习|首席)?(?:记者|通讯员|实习生))[^（()）]{{1,80}}?)[)）]"
)


def bylines_in(text: str) -> list[str]:
    """Byline fragments in a body paragraph or info line (not yet split into names).

    >>> bylines_in("中国宁波网讯(记者王博 鄞州记者站张绘薇 杨磊)联镇村促发展")
    ['记者王博 鄞州记者站张绘薇 杨磊']
    >>> bylines_in("本报讯（记者 李娜 通讯员 赵刚）昨天")
    ['记者 李娜 通讯员 赵刚']
    >>> bylines_in("中国宁波网讯(余姚记者站黄程 通讯员徐一丹 汪昇)前天")
    ['余姚记者站黄程 通讯员徐一丹 汪昇']
    """
    return [m.group(1) for m in LEAD_BYLINE_RE.finditer(text)]


TITLE_SEPARATORS = re.compile(r"\s*(?:_|\||｜|--|——|—|–|\s-\s|-(?=[^\d]))\s*")
SITE_WORDS = re.compile(
    r"(网|报|新闻|在线|政府|门户|频道|电视|客户端|时报|日报|晚报|中心|首页|资讯|\.com|\.cn|online)", re.I
)


def split_title(title: str, site_hint: str | None = None) -> tuple[str, list[str]]:
    """Split a <title> into the headline and the site/channel suffix segments.

    >>> split_title("鄞州经济开发区新项目开工_宁波新闻_中国宁波网")
    ('鄞州经济开发区新项目开工', ['宁波新闻', '中国宁波网'])
    >>> split_title("1-4月工业增加值增长8.9% - 杭州网")
    ('1-4月工业增加值增长8.9%', ['杭州网'])
    >>> split_title("浙江前三季度GDP增长7.5%|新浪新闻")
    ('浙江前三季度GDP增长7.5%', ['新浪新闻'])
    """
    title = re.sub(r"\s+", " ", title).strip()
    suffixes: list[str] = []
    while True:
        matches = list(TITLE_SEPARATORS.finditer(title))
        if not matches:
            break
        last = matches[-1]
        tail = title[last.end():].strip()
        head = title[: last.start()].strip()
        site_like = len(tail) <= 16 and (SITE_WORDS.search(tail) or (site_hint and tail == site_hint))
        if not head or not site_like:
            break
        suffixes.insert(0, tail)
        title = head
    return title, suffixes
