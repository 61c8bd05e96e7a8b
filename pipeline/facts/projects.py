"""What a sentence says of projects: the amount spent on a named project, the words that point
back to one (该项目), a project's status as written and its stage normalized.
"""
from __future__ import annotations

import re
from typing import Final

from pipeline.facts import mentions as mt
from pipeline.facts.openings import OpeningPattern
from pipeline.facts.phrases import whole_words
from pipeline.text import HAN

PROJECT_CONTEXT: Final = re.compile(r"(项目|达产|投产|建成|该工程|竣工|全部建成)")

# An amount, then the verb that spends it and the project it is spent on, named in full up to its
# head word: 投资6000万元实施…环境整治与保护工程, 投资1.91亿元建设…项目, 再投资7677万元，加大…建设工程.
SPENT_ON: Final = OpeningPattern(
    rf"(?:左右|以上|之多|人民币)?[，,]?(?:在[{HAN}]{{1,8}}?)?(?:大力|着力|重点|加快|积极|全力)?(?:用于|投向|加大|推进|开展|启动|全面)?"
    rf"(?:建设|新建|兴建|扩建|改建|实施|打造|建成|建起|购得|收购|引进|进行|加大|推进)(?:了|的)?"
    rf"(?:[一两二三四五六七八九十\d]+[条座个家处])?(?P<name>(?!的)[{HAN}A-Za-z0-9（）()“”·～~\-与和及]{{2,40}}(?:项目|工程|基地|生产线|产业园|工厂|电站|码头|中心))"
    rf"(?![塑师机部院队处局学车款费量包组址])")

# 募资13.2亿，投向…等5个项目: money put into a batch named after it.
SPENT_ON_BATCH: Final = OpeningPattern(r"\s*[，,]?\s*(?:拟|将)?(?:投向|用于|投入)[^。；]{0,80}?等?(?=(?:\d+|[一二三四五六七八九十两]+)个[^，。；]{0,6}(?:项目|工程))")

FIRST_OF_TWO: Final = re.compile(r"^(.{2,}?(?:项目|工程|基地|中心|电站))[和与及]")

FOLLOWED_BY_NAME: Final = OpeningPattern(r"\s*(?:左右|以上|之多)?\s*(?:建设|新建|兴建|实施|打造|引进|落地|建成)?的")

# 其中一期投资48亿元，建设8条…生产线: a phase of the project in view, the line is part of it.
PHASE_AMOUNT: Final = re.compile(r"(?:[一二三四首]期|其中)[^，。；]{0,6}(?:投资|投入)")

ANAPHOR: Final = re.compile(r"(该|此|这一?个?)(?:次签约的|次)?(项目|工程)|^\s*项目")

DESCRIPTION: Final = re.compile(r"(这是|也是|是|成为|作为|属于|列入|之一)")

_STATUS: Final = (
    r"(?:已经?|正在|目前已?|现已|已全面|全面)?进入[^，。；]{0,12}阶段|预计[^，。；]{0,12}(?:投产|建成|竣工|完工|运营)|已经?正式启动|正式启动|"
    r"已经?开工|开工建设|全面开工|正式开工|已经?投产|建成投产|正式投产|试生产|已经?竣工|已经?建成|已经?签约|正式签约|"
    r"已经?落户"
)
_BY_YEAR_END: Final = r"[^，。；]{0,6}年底(?:前)?(?:投产|建成|竣工)"
STATUS_RE: Final = re.compile(f"({_STATUS}|{_BY_YEAR_END})")
# The same without its last branch, for a text without 年底: that branch, which may start six
# characters before its 年底, is tried at every position and fails at each.
STATUS_RE_NO_YEAR_END: Final = re.compile(f"({_STATUS})")

# Every alternative of STATUS_RE holds one of these words.  Looking for them first is cheap, while
# STATUS_RE's leading [^，。；、]{0,8} makes it try every position of a text without one.
STATUS_WORD: Final = re.compile(r"进入|预计|启动|开工|投产|试生产|竣工|建成|签约|落户|年底")

STATUS_LEAD: Final = re.compile(r"^(目前|该项目|项目)+")

def status_near(sentence: str, start: int, project_starts: list[int]) -> str | None:
    """The stage phrase said of a project: searched from its mention to the next project or ；."""
    later = [p for p in project_starts if p > start]
    semicolon = sentence.find("；", start)
    end = min([len(sentence)] + later + ([semicolon] if semicolon >= 0 else []))
    if not STATUS_WORD.search(sentence, start, end):
        return None
    m = (STATUS_RE if "年底" in sentence else STATUS_RE_NO_YEAR_END).search(sentence, start, end)
    if not m:
        return None
    return STATUS_LEAD.sub("", m.group(1)) or None

# The stages of a project's life in order, the words that name each, and the words that put a
# stage in the future (预计年底投产: the project is not operating yet).
STAGES: Final = (("signed", "签约|落户|签订"), ("approved", "立项|获批|批复|核准|备案"), ("started", "开工|动工|奠基|启动"),
          ("building", "在建|施工|建设中|进入[^，。；]{0,12}阶段|推进"), ("completed", "竣工|建成|完工"),
          ("operating", "投产|运营|试生产|投入使用|达产"))

STAGE_WORD: Final = re.compile("|".join(f"(?P<{name}>{words})" for name, words in STAGES))

FUTURE: Final = re.compile(r"(预计|计划|将|拟|力争|争取|有望|即将|确保|年底前|年内)[^，。；]{0,14}$")

def stage_of(status: str | None) -> str | None:
    """A project's stage from its status as written: the furthest stage the text says is reached.
    A stage said of the future only tells that the project is being built (预计年底投产), or
    nothing (计划年内开工).

    >>> [stage_of(s) for s in ("已经正式签约", "开工建设", "土建工程进入全面施工阶段", "已经竣工", "建成投产")]
    ['signed', 'started', 'building', 'completed', 'operating']
    >>> [stage_of(s) for s in ("预计今年年底投产", "计划年内开工", None)]
    ['building', None, None]
    """
    if not status:
        return None
    order = [name for name, _ in STAGES]
    reached = future = None
    for m in STAGE_WORD.finditer(status):
        stage = m.lastgroup
        if FUTURE.search(status, 0, m.start()):
            future = stage if future is None or order.index(stage) > order.index(future) else future  # type: ignore[arg-type]
        elif reached is None or order.index(stage) > order.index(reached):  # type: ignore[arg-type]
            reached = stage
    if reached is None and future in ("completed", "operating"):
        return "building"
    return reached


WEAK_HEADS: Final = ("生产线", "流水线", "工厂", "新厂区", "车间")


def is_strong(mention: mt.Mention) -> bool:
    """A project in its own right (…项目, …产业园), not a part of one (…生产线)."""
    return not mention.text.endswith(WEAK_HEADS)


def project_after(sentence: str, qb: int, projects: list[mt.Mention]) -> mt.Mention | None:
    """The project an amount ending at ``qb`` is spent on when the sentence names it right after
    the amount, behind the verb that spends it: 投资1.91亿元建设…项目, 再投资7677万元，加大…建设工程,
    追加投资2000万欧元，扩建…生产线 (a line counts unless a project named before holds it).

    >>> project_after("再投资5000万元，扩建精密齿轮生产线", 9, []).text
    '精密齿轮生产线'
    """
    m = SPENT_ON.match(sentence, qb)
    if m is None:
        return None
    name, start = m.group("name"), m.start("name")
    if "，" in sentence[qb:start] and ("的" in name or "打造" in sentence[qb:start]):
        return None  # ，加快打造…重要的…基地: a goal the money serves, not what it is spent on
    first = FIRST_OF_TWO.match(name)  # …培训中心和…光伏电站: two projects, the first is spent on
    if first:
        name = first.group(1)
    mention = mt.Mention(start, start + len(name), name, "project")
    named_before = any(not p.generic and p.end <= qb for p in projects) or PHASE_AMOUNT.search(sentence, 0, qb)
    if mt.GENERIC_BATCH.fullmatch(name) or (not is_strong(mention) and named_before) \
            or mention.text.startswith(("“", "”")):
        return None  # a batch, or a production line inside the project this sentence names
    return mention


def whole_name(text: str, word_starts: list[int] | None, a: int, sentence: str, m: mt.Mention) -> mt.Mention:
    """A mention of ``sentence`` (which starts at ``a`` in ``text``, whose words start at
    ``word_starts``) made to start on a word's first character (次半导体…项目 -> 半导体…项目,
    色金属…项目 -> 有色金属…项目); its end, the head word, stays."""
    if word_starts is None:
        return m
    kept = whole_words(text, word_starts, a + m.start, a + m.end)
    start = m.end - len(kept)
    if kept == m.text or len(kept) < 2 or start < 0 or sentence[start : m.end] != kept:
        return m
    return mt.Mention(start, m.end, kept, m.kind, m.generic)


def describing(sentence: str, m: mt.Mention) -> mt.Mention:
    """这是…最大的制造业项目: a project word that describes, not names, counts as generic.

    >>> describing("这是全省最大的制造业项目", mt.Mention(7, 12, "制造业项目", "project")).generic
    True
    """
    clause_start = max(sentence.rfind(ch, 0, m.start) for ch in "，；：,;") + 1
    before = sentence[clause_start : m.start]
    proper = m.text.startswith("年产") or mt.companies_in(m.text) or before.endswith("是")
    if not m.generic and not proper and DESCRIPTION.search(before):
        return mt.Mention(m.start, m.end, m.text, m.kind, True)
    return m
