"""Bylines: the people who wrote an article, as pages print them.

Bylines sit in the info line (``作者：王博``), on a line of their own at the top or the foot of
the body (``新华社记者王博、李娜``, ``文/陈喆 图/周晓``, ``本报记者 方  敏``) or in brackets in the
first or last paragraph (``本报讯（记者 李娜 通讯员 赵刚）``, ``（作者：方敏，某大学教授）``).
These small pure functions find the fragments and read the names out of them.
"""
from __future__ import annotations

import re

from pipeline.text import HAN

SPACE = "\\s\u3000\u00a0"

# Role characters as Traditional pages write them (記者, 通訊員, 實習生): bylines read either way.
_TRADITIONAL = {"记": "記", "讯": "訊", "实": "實", "习": "習", "摄": "攝", "图": "圖", "员": "員", "报": "報",
                "网": "網", "台": "臺", "编": "編", "辑": "輯", "责": "責", "见": "見", "约": "約", "闻": "聞",
                "来": "來", "发": "發", "时": "時", "间": "間"}


def either(words: str) -> str:
    """Regex text for ``words`` (no brackets in it) that also matches the Traditional forms.

    >>> either("记者|本报")
    '[记記]者|本[报報]'
    """
    return "".join(f"[{c}{_TRADITIONAL[c]}]" if c in _TRADITIONAL else c for c in words)


# A news organisation named before a reporter: 新华社记者, 中新社记者, 经济日报记者, 央视网记者.
MEDIUM = rf"[{HAN}]{{1,8}}?(?:{either('通讯社|社|报|台|网')})"
REPORTER = either("(?:特约|见习|实习|首席|全媒体|融媒体)?记者")
# Role words that precede names in bylines, longest first so 本报记者 wins over 记者.
ROLE_WORDS = (
    "本报特约记者", "本报见习记者", "本报实习记者", "本报通讯员", "全媒体记者", "融媒体记者", "特约记者",
    "见习记者", "实习记者", "首席记者", "本报记者", "摄影记者", "记者", "通讯员", "实习生", "特约撰稿",
    "撰稿", "撰文", "摄影", "作者", "文字", "图片", "文", "图", "摄",
)
STATION = rf"[{HAN}]{{0,6}}{either('记者站')}"
ROLE_RE = re.compile(
    rf"^(?:{STATION}|(?:{MEDIUM})?(?:驻[{HAN}]{{1,4}})?{REPORTER}|{either('|'.join(ROLE_WORDS))})"
    rf"[{SPACE}]*[:：/／]?[{SPACE}]*"
)
# Where a new role starts inside a chunk (记者王博通讯员李明); 本报记者 and 新华社记者 are one role.
GLUED_ROLE = re.compile(either(
    r"(?=通讯员|实习生|(?<!本报)(?<!见习)(?<!实习)(?<!特约)(?<!首席)(?<!摄影)(?<!媒体)(?<!社)(?<!报)(?<!台)(?<!网)记者"
    r"|摄影|文/|图/|摄/)"
))
STATION_RE = re.compile(STATION)
# 张三/文 李四/图: the role written after the name.
TRAILING_ROLE = re.compile(either(r"[/／](?:文图|图文|文|图|摄影|摄)$"))
NOT_A_NAME = re.compile(either(r"(日报|晚报|网|报社|新闻|中心|记者站|本报|编辑|政府|局|委|办|社|台|电视|讯|部|报道|评论员)"))
NAME_RE = re.compile(rf"^[{HAN}·]{{2,4}}$")
# Names spaced out to line up with longer ones: 方  敏 -> 方敏, also right after the role (记者石　磊).
# What separates the chunks of a byline (names, roles): spaces, commas, semicolons, bars.
CHUNK_SEPARATORS = re.compile(rf"[{SPACE},，、;；|｜]+")
SPACED_NAME = re.compile(
    rf"(?:(?<![{HAN}])|(?<=者)|(?<=员)|(?<=員)|(?<=生))([{HAN}])[{SPACE}]{{1,4}}([{HAN}])(?![{HAN}])"
)
# An affiliation run into the name (方敏北京大学经济学院教授): where institutions' names begin.
AFFILIATION_START = re.compile(
    r"(?:中国|中央|国家|国务院|全国|北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|"
    r"河南|湖北|湖南|广东|海南|四川|贵州|云南|陕西|甘肃|青海|台湾|内蒙古|广西|西藏|宁夏|新疆|香港|澳门|"
    r"清华|复旦|南开|同济|厦门|中山|武汉|南京|人民|社科院)"
    rf"[{HAN}]*(?:大学|学院|学校|研究院|研究所|研究中心|中心|科学院|社会科学院|党校|协会|学会|公司|集团|银行|"
    r"委员会|政府|局|厅|部|办公室|教授|研究员|主任|院长|所长|经济学家|分析师)"
)


def parse_byline(text: str) -> list[str]:
    """Names of the bylined people in ``text``, role words removed, in order.

    >>> parse_byline("记者王博 鄞州记者站张绘薇 杨磊")
    ['王博', '张绘薇', '杨磊']
    >>> parse_byline("本报记者 李娜 通讯员 赵刚、钱多多")
    ['李娜', '赵刚', '钱多多']
    >>> parse_byline("文/陈喆 图/周晓")
    ['陈喆', '周晓']
    >>> parse_byline("新华社记者王博、李娜、张强")
    ['王博', '李娜', '张强']
    >>> parse_byline("本报记者 方  敏 通讯员 李  想"), parse_byline("新华社记者石　磊、周立")
    (['方敏', '李想'], ['石磊', '周立'])
    >>> parse_byline("作者：方敏浙江大学经济学院教授"), parse_byline("作者：方敏 浙江大学教授")
    (['方敏'], ['方敏'])
    >>> parse_byline("■本报记者 周立 李想"), parse_byline("张三/文 李四/图")
    (['周立', '李想'], ['张三', '李四'])
    >>> parse_byline("記者 陳家明 通訊員 李想")
    ['陳家明', '李想']
    >>> parse_byline("作者：宁波日报")
    []
    >>> parse_byline("记者从湖州市发改委了解到，按照计划")
    []
    """
    names: list[str] = []
    # "鄞州记者站" is a role with a place in front: drop it whole before splitting.
    text = SPACED_NAME.sub(r"\1\2", STATION_RE.sub(" ", text))
    for chunk in CHUNK_SEPARATORS.split(text):
        rest = chunk.strip().lstrip("■□●◆▲")
        # a chunk may hold several roles glued together: 记者王博通讯员李明
        for piece in GLUED_ROLE.split(rest):
            while True:
                stripped = ROLE_RE.sub("", piece, count=1)
                if stripped == piece:
                    break
                piece = stripped
            piece = TRAILING_ROLE.sub("", piece).strip("：:/／()（）[]【】■□●◆▲ ")
            if not piece:
                continue
            if not NAME_RE.match(piece):
                piece = _name_before_affiliation(piece) or piece
            if not NAME_RE.match(piece) or NOT_A_NAME.search(piece):
                return names  # a byline is a run of names: the first non-name ends it
            if piece not in names:
                names.append(piece)
    return names


def _name_before_affiliation(piece: str) -> str | None:
    """The name at the start of ``piece`` when an affiliation follows it without a space.

    >>> _name_before_affiliation("方敏浙江大学经济学院教授"), _name_before_affiliation("张晓明清华大学教授")
    ('方敏', '张晓明')
    >>> _name_before_affiliation("为浙江大学教授") is None
    True
    """
    if piece[:1] in ("系", "为", "是"):
        return None
    for size in (2, 3):
        name, rest = piece[:size], piece[size:]
        if NAME_RE.match(name) and AFFILIATION_START.match(rest):
            return name
    return None


# (记者王博 鄞州记者站张绘薇 杨磊) / 本报讯（记者 李娜 通讯员 赵刚） / （记者 王博） / （作者：方敏，某大学教授）
LEAD_BYLINE_RE = re.compile(
    rf"[（(]\s*((?:{STATION}|(?:{either('本报')})?{REPORTER}|{either('通讯员|实习生')}"
    rf"|作者[{SPACE}]*[:：]|文[{SPACE}]*[/／]|撰文[{SPACE}]*[:：])[^（()）]{{1,80}}?)[)）]"
)


def bylines_in(text: str) -> list[str]:
    """Byline fragments in a body paragraph or info line (not yet split into names).

    >>> bylines_in("中国宁波网讯(记者王博 鄞州记者站张绘薇 杨磊)联镇村促发展")
    ['记者王博 鄞州记者站张绘薇 杨磊']
    >>> bylines_in("本报讯（记者 李娜 通讯员 赵刚）昨天")
    ['记者 李娜 通讯员 赵刚']
    >>> bylines_in("中国宁波网讯(余姚记者站黄程 通讯员徐一丹 汪昇)前天")
    ['余姚记者站黄程 通讯员徐一丹 汪昇']
    >>> bylines_in("……行稳致远。（作者：方敏，某大学教授）")
    ['作者：方敏，某大学教授']
    """
    return [m.group(1) for m in LEAD_BYLINE_RE.finditer(text)]


# A line that is only a byline: 新华社记者王博、李娜 / 本报记者 方  敏 / 文/陈喆 图/周晓 / （记者 王博）
BYLINE_LINE = re.compile(
    rf"^[（(【\[■□●◆]?[{SPACE}]*(?:(?:{MEDIUM}|{either('本报')})?{REPORTER}|{either('通讯员|实习生|文|图|撰文|撰稿|摄影|作者')})"
    rf"[{SPACE}:：/／]*"
    rf"[{HAN}·{SPACE}/／、,，:：]{{1,40}}[)）】\]]?$"
)


def byline_line(text: str) -> list[str]:
    """The names of a line that is nothing but a byline, else [].

    >>> byline_line("新华社记者王博、李娜、张强")
    ['王博', '李娜', '张强']
    >>> byline_line("文/陈喆 图/周晓"), byline_line("（记者 王 博）")
    (['陈喆', '周晓'], ['王博'])
    >>> byline_line("记者从市统计局获悉")
    []
    """
    if len(text) > 60 or not BYLINE_LINE.match(text):
        return []
    return parse_byline(text.strip("（()）【】[] "))
