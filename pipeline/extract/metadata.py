"""Small pure parsers for article metadata written in Chinese page chrome: 稿源, 编辑, <title>.

Each takes text (an info line, a <title>) and returns the field, so they can be tested one by
one and reused by the crawler and the notebooks.  Dates live in :mod:`pipeline.extract.dates`,
bylines in :mod:`pipeline.extract.bylines`.
"""
from __future__ import annotations

import re

from pipeline.extract.dates import DATE_RE, arabic_dates
from pipeline.text import HAN

SPACE = "\\s\u3000\u00a0"
# White space within a line: a label's value never continues on the next line.
HSPACE = " \t\u3000\u00a0"

# The value of a source label ends at white space, a bracket, the next label or chrome after it.
_SOURCE_VALUE = (
    rf"([^{SPACE}:：|｜/【】\[\]()（）]{{2,30}}?)"
    rf"(?=[{SPACE}|｜/【\[(（]|$|作者|记者|编辑|责编|时间|发布(?:时间|日期|于|人)|日期|浏览|点击|阅读|报料|字号"
    rf"|参与|评论|分享|打印|收藏|关注|纠错|我要|(?:19|20)\d\d[-/.年])"
)
SOURCE_LABELS = ("稿源", "来源", "信息来源", "文章来源", "新闻来源", "出处", "来源于", "发布单位", "发布机构")
# Each label is an alternative of its own with the value written after it, not a group of labels
# before one value: when every alternative starts with a character, the regex engine skips in C
# the positions that start none of them (with a group first it tries the whole pattern at each
# position of the page, about four times the cost).  The value is the one group that matched.
SOURCE_RE = re.compile(
    "|".join(rf"{label}[{HSPACE}]*[:：][{HSPACE}]*{_SOURCE_VALUE}" for label in SOURCE_LABELS)
    + rf"|转载自[{HSPACE}]*[:：]?[{HSPACE}]*{_SOURCE_VALUE}"
)
# 发布人 names the publisher on many portals (发布人：上海证券报), a person on some government
# sites: read only when no source label is there.
PUBLISHER_RE = re.compile(rf"(?:发布人|发布者)[{HSPACE}]*[:：][{HSPACE}]*{_SOURCE_VALUE}")
LETTER = re.compile(rf"[{HAN}A-Za-z]")
NAME_RUN = re.compile(rf"[{HAN}A-Za-z]{{2,12}}")
# 某某日报官方账号: the account of a news organisation on a platform page.
ACCOUNT_RE = re.compile(rf"([^{SPACE}]{{2,30}}?)官方(?:账号|帐号)")
NOT_A_SOURCE = re.compile(r"(记者|通讯员|首页|>|＞|»|当前位置|您的位置)")


def _clean_source(value: str | None) -> str | None:
    """A source value without decoration; None for a reporter, a breadcrumb or punctuation."""
    if not value:
        return None
    value = value.strip("-–—_·:：,，.。;； ")
    if len(value) < 2 or not LETTER.search(value) or NOT_A_SOURCE.search(value):
        return None
    return value


def parse_source(text: str) -> str | None:
    """The 稿源/来源 value in an info line (发布人 and 官方账号 when no source label is there).

    >>> parse_source("稿源: 宁波日报   2017-05-15 17:32:00报料热线:81850000")
    '宁波日报'
    >>> parse_source("2018-09-26 07:05:30 来源：浙江日报 记者 李娜")
    '浙江日报'
    >>> parse_source("发布时间：2018-03-12 10:20  信息来源：区发改局  浏览次数：1234")
    '区发改局'
    >>> parse_source("2020年07月04日 12:10 来源：理论网参与互动")
    '理论网'
    >>> parse_source("发布时间：2011-06-23 发布人：-某某产业报 "), parse_source("转载自某某晚报")
    ('某某产业报', '某某晚报')
    >>> parse_source("2024-05-13 06:16 发布于杭州 某某日报官方账号")
    '某某日报'
    >>> parse_source("来源：—— 记者 王博") is None
    True
    """
    for pattern in (SOURCE_RE, PUBLISHER_RE):
        for m in pattern.finditer(text):
            value = _clean_source(next(g for g in m.groups() if g is not None))
            if value:
                return value
    if "官方账号" not in text and "官方帐号" not in text:
        return None  # ACCOUNT_RE would try up to 30 characters at every position of the page
    for m in ACCOUNT_RE.finditer(text):
        value = _account_name(m.group(1), text)
        if value:
            return value
    return None


def _account_name(run: str, text: str) -> str | None:
    """The account's name at the end of ``run``: the longest ending that the text also shows as
    a line of its own (the account's name line), else the whole run when it is only a name.

    >>> _account_name("06:16发布于杭州某某日报", "某某日报\\n2024-05-13 06:16发布于杭州某某日报官方账号")
    '某某日报'
    >>> _account_name("某某日报", "2024-05-13 某某日报官方账号"), _account_name("06:16发布于杭州某某日报", "")
    ('某某日报', None)
    """
    lines = {line.strip() for line in text.split("\n")}
    for start in range(len(run) - 1):
        if run[start:] in lines:
            return _clean_source(run[start:])
    if NAME_RUN.fullmatch(run) and "发布" not in run:
        return _clean_source(run)
    return None


# A further name is no label: it is not followed by a colon (编辑：陈晨 责任编辑：李想).
# A news organisation's name: what an unlabelled source next to the date looks like.
MEDIA_NAME = re.compile(
    rf"^[{HAN}A-Za-z]{{1,10}}(?:网|报|社|台|电视台|新闻|在线|日报|晚报|时报|商报|客户端|通讯社|杂志|周刊)$"
)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)


def unlabelled_source(line: str) -> str | None:
    """The news organisation named without a label on a dated info line, if there is exactly one.

    >>> unlabelled_source("http://news.example.com.cn 2004年08月12日09:15 某某网")
    '某某网'
    >>> unlabelled_source("2007年07月18日 10:26   某某日报")
    '某某日报'
    >>> unlabelled_source("2007年07月18日 10:26 浏览次数 12") is None
    True
    """
    text = arabic_dates(line)
    if len(text) > 80 or not DATE_RE.search(text):
        return None
    rest = DATE_RE.sub(" ", _URL.sub(" ", text))
    found = [token for token in rest.split() if MEDIA_NAME.match(token) and not NOT_A_SOURCE.search(token)]
    return found[0] if len(found) == 1 else None


EDITOR_RE = re.compile(
    rf"(责任编辑|责编|编辑)[{HSPACE}]*[:：][{HSPACE}]*"
    rf"([{HAN}·]{{2,5}}(?:[{HSPACE}、,，/／]+[{HAN}·]{{2,4}}(?![{HAN}·]*[{SPACE}]*[:：]))*)"
)
# Labels and chrome that follow an editor's name, never a name themselves.
NOT_AN_EDITOR = re.compile(
    r"^(?:审核|审校|校对|来源|作者|编辑|责任|日期|时间|发布|签发|监制|主编|美编|终审|初审|复审|值班|记者|通讯员|"
    r"摄影|实习生|打印|关闭|分享|收藏|返回|字号|点击|浏览)"
)


def parse_editor(text: str) -> str | None:
    """The 责任编辑 (preferred) or 编辑 named in ``text``; several editors as written.

    >>> parse_editor("原标题:…\\n编辑: 赖小惠")
    '赖小惠'
    >>> parse_editor("【责任编辑：王芳】")
    '王芳'
    >>> parse_editor("编辑：陈晨 责任编辑：李想")
    '李想'
    >>> parse_editor("责任编辑： 审核：张强"), parse_editor("责任编辑：\\n一季度全市经济")
    (None, None)
    >>> parse_editor("责任编辑：李想 王芳 打印本页"), parse_editor("责任编辑：李想、王芳")
    ('李想 王芳', '李想、王芳')
    """
    found = [(role, _editor_names(value)) for role, value in EDITOR_RE.findall(text)]
    found = [(role, names) for role, names in found if names]
    if not found:
        return None
    for role, names in found:
        if role in ("责任编辑", "责编"):
            return names
    return found[0][1]


def _editor_names(value: str) -> str | None:
    """The names at the start of an editor value, as written; None when it starts with a label."""
    parts = re.split(rf"([{HSPACE}、,，/／]+)", value)
    kept = ""
    for i in range(0, len(parts), 2):
        name = _strip_trailing_role(parts[i])
        if NOT_AN_EDITOR.match(name) or (i and len(name) > 3):
            break
        kept += (" " if i and parts[i - 1].isspace() else parts[i - 1] if i else "") + name
        if name != parts[i]:
            break  # 王芳审核: the next label was glued to the name
    return kept or None


def _strip_trailing_role(name: str) -> str:
    for word in ("责任编辑", "审核", "编辑", "校对", "责编", "来源"):
        if name.endswith(word) and len(name) > len(word) + 1:
            return name[: -len(word)]
    return name


TITLE_SEPARATORS = re.compile(r"\s*(?:_|\||｜|--|——|—|–|\s-\s|-(?=[^\d]))\s*")
SITE_WORDS = re.compile(
    r"(网|报|新闻|在线|政府|门户|频道|电视|客户端|时报|日报|晚报|中心|首页|资讯|\.com|\.cn|online)", re.I
)


SITE_NAME_END = re.compile(r"(?:网|网站|在线|门户|频道|客户端|日报|晚报|时报|报|电视台|\.com|\.cn)$", re.I)


def is_site_name(text: str) -> bool:
    """Whether a whole <title> is only the site's name (no headline in it).

    >>> is_site_name("某某新闻网"), is_site_name("某某县人民政府门户网站"), is_site_name("全县设施农业投资增长18.5%")
    (True, True, False)
    """
    return len(text) <= 16 and bool(SITE_NAME_END.search(text))


def _site_like(part: str, site_hint: str | None) -> bool:
    return len(part) <= 16 and bool(SITE_WORDS.search(part) or (site_hint and part == site_hint))


def split_title(title: str, site_hint: str | None = None) -> tuple[str, list[str]]:
    """Split a <title> into the headline and the site/channel segments around it.

    The segments are listed in order, prefixes first.

    >>> split_title("鄞州经济开发区新项目开工_宁波新闻_中国宁波网")
    ('鄞州经济开发区新项目开工', ['宁波新闻', '中国宁波网'])
    >>> split_title("1-4月工业增加值增长8.9% - 杭州网")
    ('1-4月工业增加值增长8.9%', ['杭州网'])
    >>> split_title("浙江前三季度GDP增长7.5%|新浪新闻")
    ('浙江前三季度GDP增长7.5%', ['新浪新闻'])
    >>> split_title("鄞州项目集中开工_经济_某某网")
    ('鄞州项目集中开工', ['经济', '某某网'])
    >>> split_title("华东某某信息网--全县新建大棚蔬菜基地3个")
    ('全县新建大棚蔬菜基地3个', ['华东某某信息网'])
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
        # a channel sits before the site's name: 标题_经济_某某网
        channel = bool(suffixes) and len(tail) <= 6 and not re.search(r"\d", tail)
        if not head or not (_site_like(tail, site_hint) or channel):
            break
        suffixes.insert(0, tail)
        title = head
    prefixes: list[str] = []
    while True:
        first = TITLE_SEPARATORS.search(title)
        if first is None:
            break
        head, tail = title[: first.start()].strip(), title[first.end():].strip()
        if not tail or not _site_like(head, site_hint) or _site_like(tail, site_hint):
            break
        prefixes.append(head)
        title = tail
    return title, prefixes + suffixes
