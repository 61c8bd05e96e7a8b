"""Mentions of projects, companies and regions in Chinese economic news (periods: ``periods.py``).

Small pure functions over text, each returning spans (start, end, text) so the
fact stage can link a figure to the nearest mention before it.  Names are
found from their head word (…项目, …集团, …区) by extending to the left until a
word that cannot be part of a name (的, 在, a verb, punctuation).
"""
from __future__ import annotations

import bisect
import functools
import operator
import re
from typing import ClassVar, Final

from pipeline.facts.endings import StopWords
from pipeline.facts.openings import OpeningPattern
from pipeline.facts.places import SUFFIXES, gazetteer
from pipeline.facts.values import Value
from pipeline.text import HAN, is_han

NAME_CHARS: Final = rf"[{HAN}A-Za-z0-9·（）()“”\-×.～~]"
NAME_CHAR: Final = re.compile(NAME_CHARS)
# _extend_left asks of every character of every name whether it may be part of one: the answer of
# NAME_CHAR per character, remembered (a text has a few thousand distinct characters).
_IS_NAME_CHAR: Final[dict[str, bool]] = {}


def is_name_char(ch: str) -> bool:
    """Whether the character ``ch`` may be part of a name (NAME_CHARS).

    >>> is_name_char("鄞"), is_name_char("Ａ"), is_name_char("A"), is_name_char("，"), is_name_char("·")
    (True, False, True, False, True)
    """
    known = _IS_NAME_CHAR.get(ch)
    if known is None:
        known = _IS_NAME_CHAR[ch] = NAME_CHAR.match(ch) is not None
    return known


PROJECT_HEADS: Final = ("项目", "工程", "基地", "生产线", "流水线", "产业园", "综合体", "电站", "码头", "工厂", "新厂区",
                 "产业园区", "集群区", "工业园", "科技园", "物流园")
# 工程塑料, 工程师, 项目部, 基地址 …: the head word is part of another word.
HEAD_NOT_BEFORE: Final = r"(?![塑师机部院队处局学车款费量包组址])"
# Words that end a project name just before its head (…扩建工程, …技改项目) though they are verbs elsewhere.
NAME_MODIFIERS: Final = ("扩建", "改建", "新建", "续建", "技改", "改造", "建设", "提升", "整治", "迁建")
COMPANY_HEADS: Final = ("股份有限公司", "有限责任公司", "有限公司", "集团公司", "集团", "公司")
# Words at which a name stops when we extend it to the left.
LEFT_STOP: Final = StopWords(
    "的|在|和|与|或|是|为|将|由|对|把|了|已|正|从|向|以|等|其中|该|这|此|各|共|有|"
    "举行|举办|召开|开展|围绕|联系|实施|推进|推动|加快|建设|建成|引进|签约|落户|开工|投产|竣工|启动|投资|总投资|计划|完成|实现|安装|容纳|"
    "新建|续建|扩建|改建|投建|打造|包括|涉及|进军|布局|发展|成立|注册|拥有|参与|承建|负责|作为|位于|"
    "年产|达到|约|近|超|逾|还|也|都|并|而|但|则|如|若|即|就|才|又|再|更|最|很|先后|相继|"
    "今年|去年|目前|近日|日前|昨天|今天|全市|全区|全县|全省|全镇|我市|我区|我县|本市|市里|区里|"
    "一批|一个|一条|一家|一项|一座|首个|首家"
)
# Company names hold words that end project names (香港瑞丰投资有限公司, 宁波建设集团).
COMPANY_LEFT_STOP: Final = StopWords(
    "的|在|和|与|或|是|为|将|由|对|把|了|已|正|从|向|以|等|其中|该|这|此|各|共|有|则|也|还|并|而|"
    "联系|签约|落户|引进|包括|涉及|作为|位于|今年|去年|目前|近日|日前|全市|全区|全县|我市|我区|台资企业|日资企业|外资企业|企业|龙头|"
    "实现|促进|推动|加快|支持|鉴于|根据"
)
NAME_OPENERS: Final = frozenset({"年产", "在建", "拟建"})
GENERIC_PROJECT: Final = re.compile(
    r"^(?:重大|重点|省|市|区|县|镇|级|该|此|这些?|各类?|所有|全部|一批|新|大|小|产业|建设|招商|签约|续建|新建|"
    r"在建|开工|竣工|投产|征迁|攻坚|民生|基础设施|工业|服务业|实体|优质|好|大好高|亿元|千万元|以上|"
    r"\d+个|[一二三四五六七八九十]+个|[一二三四五六七八九十\d]+期|首期|后续|配套|相关|上述|其他|这个|那个|有关|"
    r"扩建|改建|新建|续建|技改|改造|建设|提升|整治|迁建)*$"
)
REGION_END: Final = re.compile("|".join(SUFFIXES))
REGION_RE: Final = re.compile(rf"[{HAN}]{{2,4}}(?:自治区|街道|省|市|区|县|镇|乡)")
# 区委, 市长, 县级, 市场, 区域 … are not the place itself.
REGION_NOT_AFTER: Final = OpeningPattern(r"(?:委|长|政府|级|场|域|民|属|直|情|政|容|值|貌|价|面|中心|属|里|内外)")
# Division names that news writes as common nouns (the town centre, the east district ...).
COMMON_NOUN_PLACES: Final = frozenset({"城区", "郊区", "矿区", "东区", "西区", "南区", "北区", "市中区", "新城区", "老城区",
                                "城中区", "城东区", "城西区", "城北区", "城南区", "中区", "新区", "市区"})
LEADING_FUNCTION_CHARS: Final = frozenset("在和与及对把将由向从为是的到让使给至于、，")
# Zones and quarters are places, but not the administrative region a figure is reported for.
AREA_SUFFIX: Final = re.compile(r"(开发区|高新区|园区|城区|社区|景区|片区|保税区|功能区|示范区|试验区|产业区|工业区|商务区|核心区|集聚区|小区|街区|校区|厂区|矿区|库区|辖区|市区|郊区|山区|港区)$")
VENTURE: Final = re.compile(rf"(?:进军|布局|投建|投资建设|上马)({NAME_CHARS}{{2,30}}?)(?:领域|产业|业务)")
QUOTED: Final = re.compile(r"“([^”]{2,12})”")
# Every project, company and venture mention holds one of these words (a head word, a generic
# batch's 项目/工程, VENTURE's verb): the fact reader does not run the mention readers on a sentence
# without any.
MENTION_WORD: Final = re.compile("|".join(PROJECT_HEADS + COMPANY_HEADS + ("进军", "布局", "投建", "投资建设", "上马")))


# The readers below are pure and run on every sentence, and again on the short phrases the
# fact rules cut out; news repeats sentences (reposts, boilerplate, one phrase read twice by
# two rules), so their results are remembered.  Mentions are read-only (Final fields: mypy refuses
# a write, and so does the compiled class) and every caller gets its own list, so a cached result
# is never changed.
CACHE_SIZE: Final = 2048


class Mention(Value):
    """A name found in a text: where it is, what it says, what kind of thing it names (a read-only Value).

    >>> Mention(0, 4, "奥克斯项目", "project")
    Mention(start=0, end=4, text='奥克斯项目', kind='project', generic=False)
    """

    FIELDS: ClassVar[tuple[str, ...]] = ("start", "end", "text", "kind", "generic")

    def __init__(self, start: int, end: int, text: str, kind: str, generic: bool = False) -> None:
        self.start: Final = start
        self.end: Final = end
        self.text: Final = text
        self.kind: Final = kind  # project | company | venture | quoted | region
        self.generic: Final = generic  # a class of projects (签约项目, 重大产业项目), not one named project


def _extend_left(text: str, head_start: int, floor: int, max_len: int = 24, stop: StopWords | None = None) -> int:
    """Start of the name ending at ``head_start``: go left over name characters until a stop word."""
    i = head_start
    if i > floor and text[i - 1] == "“":
        return head_start  # “项目建设年”: the head word opens a quoted phrase, it ends no name
    if text[max(floor, i - 2) : i] in NAME_MODIFIERS:
        i -= 2
    while i > floor and head_start - i < max_len:
        ch = text[i - 1]
        if not is_name_char(ch):
            break
        if ch in "“" and i < head_start:
            # a name may start with an opening quote
            i -= 1
            break
        # 年产10万吨…项目 and 在建…项目 keep the word that opens them, and stop there
        if text[max(floor, i - 2) : i] in NAME_OPENERS:
            i -= 2
            break
        # stop if the text up to i ends with a stop word that is not part of the name
        if (stop or LEFT_STOP).ends(text, max(floor, i - 6), i):
            break
        i -= 1
    # an unbalanced closing bracket or quote at the start belongs to the text before
    while i < head_start and text[i] in "）)”-":
        i += 1
    return i


def find_heads(text: str, heads: tuple[str, ...], kind: str, floor: int = 0,
               stop: StopWords | None = None) -> list[Mention]:
    """Names ending with one of ``heads`` (longest head wins), extended to the left."""
    out: list[Mention] = []
    for m in _head_pattern(heads).finditer(text, floor):
        start = _extend_left(text, m.start(), floor, stop=stop or LEFT_STOP)
        if m.start() - start < 2:
            continue
        out.append(Mention(start, m.end(), text[start : m.end()], kind))
    if len(out) < 2:
        return out  # (most sentences name one or none: nothing to sort or to merge)
    # a shorter head inside a longer name (…集团 inside …集团有限公司) is the same mention
    out.sort(key=_start_then_longest)
    kept: list[Mention] = []
    for mention in out:
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return kept


def _start_then_longest(m: Mention) -> tuple[int, int]:
    return m.start, -m.end


@functools.lru_cache(maxsize=None)
def _head_pattern(heads: tuple[str, ...]) -> re.Pattern:
    """The regex of a head list, built once per list (escaping and sorting cost more than the search)."""
    return re.compile("(?:" + "|".join(sorted(map(re.escape, heads), key=len, reverse=True)) + ")" + HEAD_NOT_BEFORE)


def projects_in(text: str, generic: bool = False) -> list[Mention]:
    """Named projects; generic phrases like 重点招商项目 only with ``generic=True``, flagged.

    >>> [m.text for m in projects_in("由鄞州区委主要领导联系的奥克斯智能空调项目传来好消息")]
    ['奥克斯智能空调项目']
    >>> [m.text for m in projects_in("重大项目建设、重点招商项目、重点征迁攻坚项目")]
    []
    >>> [m.text for m in projects_in("一条条投资上百万元的真空泵装配流水线相继投入使用")]
    ['真空泵装配流水线']
    """
    return list(_projects_in(text, generic))


@functools.lru_cache(maxsize=CACHE_SIZE)
def _projects_in(text: str, generic: bool) -> tuple[Mention, ...]:
    out = []
    for m in find_heads(text, PROJECT_HEADS, "project"):
        m = _clean_name(text, m)
        core, head = m.text, ""
        for head in PROJECT_HEADS:
            if core.endswith(head):
                core = core[: -len(head)]
                break
        dated = YEAR_PREFIX.match(core.strip("“”"))
        core = YEAR_PREFIX.sub("", core.strip("“”"))  # 2020年重大项目 is a class
        if dated and not core:
            continue  # 2011年元月工程: a date before a bare head word names nothing
        named_zone = head not in ("项目", "工程") and core.endswith("产业")  # 北斗定位产业基地 names one place
        if not core or GENERIC_PROJECT.match(core) or REGION_RE.fullmatch(core) or (_is_generic(core) and not named_zone) \
                or COUNTED_BATCH.search(m.text):
            if generic and core not in ("该", "此", "这", "这个", "这些") and not PHASE.fullmatch(core):
                out.append(Mention(m.start, m.end, m.text, m.kind, True))
            continue
        lead = LEADING_COUNT.match(m.text)
        if lead:  # 8条锂离子电池生产线: the count is not part of the name
            m = Mention(m.start + lead.end(), m.end, m.text[lead.end():], m.kind)
        out.append(m)
    if generic:
        covered = [(m.start, m.end) for m in out]
        for g in GENERIC_BATCH.finditer(text):
            if not any(a <= g.start() < b for a, b in covered):
                out.append(Mention(g.start(), g.end(), g.group(), "project", True))
        out.sort(key=lambda m: m.start)
    return tuple(out)


YEAR_PREFIX: Final = re.compile(r"^(?:19|20)\d{2}年(?:度|[元一二三四五六七八九十]{1,2}月|\d{1,2}月)?")
# 37个市政重点工程, 三期三个项目, 募投5个项目: a counted batch, not one project.
COUNTED_BATCH: Final = re.compile(r"(?:\d+|[一二三四五六七八九十两]+)个[^，。；]{0,8}(?:项目|工程)$")
# Words a name was read into from the sentence before it: 公司电容式触摸屏项目, 项目天门基地.
NAME_LEAD: Final = re.compile(r"^(?:公司|项目|本次|此次|争取|尽力争取)(?=.{3,})")
# Money inside a name read too far to the left: 13000万元进行南源水电站.
MONEY_IN_NAME: Final = re.compile(r"^.*\d(?:[\d.]*)[万亿]?(?:美元|欧元|港元|日元|英镑|元)(?:进行|用于|建设|实施|投资)?")
# A capacity per period ahead of a name that starts with 年 (10万吨/年电锌…工程): part of the name.
RATE_BEFORE_NAME: Final = re.compile(r"\d+(?:\.\d+)?[万千百亿]?[吨台套件辆只片个]/$")


def _clean_name(text: str, m: Mention) -> Mention:
    """A project mention without the words read into it from around it (see NAME_LEAD,
    MONEY_IN_NAME), and with the capacity its name starts with (10万吨/年…工程).

    >>> s = "投资1.2亿元进行东坡水电站扩容，公司电容屏项目，建设5万吨/年精炼铜工程，LED外延材料、芯片产业化项目"
    >>> [_clean_name(s, x).text for x in find_heads(s, PROJECT_HEADS, "project")]
    ['东坡水电站', '电容屏项目', '5万吨/年精炼铜工程', 'LED外延材料、芯片产业化项目']
    """
    start = m.start
    if start > 1 and text[start - 1] == "、":  # …外延材料、芯片及器件产业化项目: one name with a list inside
        before = _extend_left(text, start - 1, 0)
        part = text[before : start - 1]
        if len(part) >= 4 and not any(head in part for head in PROJECT_HEADS) and not REGION_RE.fullmatch(part):
            start = before
    name = text[start : m.end]
    cut = MONEY_IN_NAME.match(name) or NAME_LEAD.match(name)
    if cut and m.end - (start + cut.end()) >= 2:
        start += cut.end()
    elif name.startswith("年"):
        rate = RATE_BEFORE_NAME.search(text, max(0, start - 12), start)
        if rate:
            start = rate.start()
    return m if start == m.start else Mention(start, m.end, text[start : m.end], m.kind, m.generic)
PHASE: Final = re.compile(r"[一二三四五六七八九十\d首]+期")  # 一期工程 is a part of the project in view, not a batch
LEADING_COUNT: Final = re.compile(r"^(?:\d+|[一二三四五六七八九十两]+)[条个座家台套期批项]")
GENERIC_BATCH: Final = re.compile(r"(?:亿元以上|以上|签约|开工|在建|重点|重大|招商|续建|新建|投产|竣工|外资|内资|产业)(?:项目|工程)")

GENERIC_TAIL: Final = re.compile(r"(签约|在建|开工|重点|重大|招商|产业|续建|新建|竣工|投产|以上|外资|内资)$")
PROPER_MARK: Final = re.compile(r"[A-Za-z0-9]|公司|集团")


def _is_generic(core: str) -> bool:
    """亿元以上在建产业, 新材料产业招商推介会签约 … name a class of projects, not one project."""
    return bool(GENERIC_TAIL.search(core)) and not PROPER_MARK.search(core)


def companies_in(text: str) -> list[Mention]:
    """Company names (…集团, …有限公司, …股份有限公司).

    >>> [m.text for m in companies_in("在鄞州投资创业中心，宁波圣龙汽车动力系统股份有限公司“机器换人”正在进行")]
    ['宁波圣龙汽车动力系统股份有限公司']
    >>> [m.text for m in companies_in("浙东建材集团进军建筑工业化PC构件领域")]
    ['浙东建材集团']
    """
    return list(_companies_in(text))


@functools.lru_cache(maxsize=CACHE_SIZE)
def _companies_in(text: str) -> tuple[Mention, ...]:
    found = find_heads(text, COMPANY_HEADS, "company", stop=COMPANY_LEFT_STOP)
    return tuple(m for m in found if len(m.text) >= 4 and not m.text.startswith("该"))


def ventures_in(text: str) -> list[Mention]:
    """What a company moves into (进军X领域): a project described without a 项目 word.

    >>> [m.text for m in ventures_in("浙东建材集团进军建筑工业化PC(混凝土预制件)构件领域，该项目已经正式启动")]
    ['建筑工业化PC(混凝土预制件)构件']
    """
    return [Mention(m.start(1), m.end(1), m.group(1), "venture") for m in VENTURE.finditer(text)]


def quoted_after_company(text: str, companies: list[Mention]) -> list[Mention]:
    """A quoted name right after a company (公司“机器换人”) is a project of that company."""
    out = []
    for c in companies:
        m = QUOTED.match(text, c.end)
        if m:
            out.append(Mention(m.start(1), m.end(1), m.group(1), "quoted"))
    return out


def regions_in(text: str) -> list[Mention]:
    """Administrative divisions named in full (鄞州区, 宁波市, 浙江省): names of the gazetteer
    (``places.py``), longest first, that start at a word boundary -- after punctuation, a
    non-Chinese character, a function word (在鄞州区) or another place (宁波市鄞州区) -- and are
    not followed by a word that makes them something else (区委, 市长, 市场).  Towns, zones
    (开发区) and words that are also common nouns (城区) are no region.

    >>> [m.text for m in regions_in("鄞州区实现进出口总额297亿元，继续保持全市第一，在鄞州经济开发区")]
    ['鄞州区']
    >>> [m.text for m in regions_in("由宁波市和慈溪市联合举办，浙江省委，宁波市鄞州区姜山镇，新乡市")]
    ['宁波市', '慈溪市', '宁波市', '鄞州区', '新乡市']
    >>> [m.text for m in regions_in("新港区实现地区生产总值，城区人口，江东区")]   # not divisions (江东区: abolished)
    []
    """
    return list(_remembered_regions(text))


@functools.lru_cache(maxsize=CACHE_SIZE)
def _remembered_regions(text: str) -> tuple[Mention, ...]:
    return tuple(_scan_regions(text))


def regions_within(text: str, found: tuple[Mention, ...], a: int, b: int) -> list[Mention] | None:
    """``regions_in(text[a:b])`` read off ``found``, the regions of the whole ``text`` (in order),
    or None when it cannot be.  A piece that has a non-Han character on at least one side of each
    edge (a sentence of ``pipeline.text.sentence_spans`` starts after punctuation or a line break
    and ends with punctuation or before a line break) has the same regions read alone or in the
    text: place names and division suffixes are Han only, so none crosses an edge; a name starts
    at ``a`` only after a non-Han character, which lets it start in the text too; and a name ends
    at ``b`` only before a non-Han character, which REGION_NOT_AFTER (all Han) does not match.

    >>> text = "宁波市。鄞州区实现增长，在慈溪市"
    >>> [(m.start, m.text) for m in regions_within(text, tuple(regions_in(text)), 4, len(text))]
    [(0, '鄞州区'), (9, '慈溪市')]
    >>> regions_within(text, tuple(regions_in(text)), 5, len(text)) is None  # cut after 鄞
    True
    """
    if a > 0 and a < len(text) and is_han(text[a - 1]) and is_han(text[a]):
        return None
    if 0 < b < len(text) and is_han(text[b - 1]) and is_han(text[b]):
        return None
    first = bisect.bisect_left(found, a, key=_start)
    out = []
    for m in found[first:]:
        if m.end > b:
            break
        out.append(Mention(m.start - a, m.end - a, m.text, m.kind))
    return out


_start = operator.attrgetter("start")


def _scan_regions(text: str) -> list[Mention]:
    places = gazetteer()
    names = places.by_name  # looked up for every division suffix of the text and each length a name ending so has
    out: list[Mention] = []
    last_end = -1
    for m in REGION_END.finditer(text):
        end = m.end()
        if text[end : end + 1] and REGION_NOT_AFTER.match(text, end):  # (no slice: text may be a whole article)
            continue
        lengths = places.lengths_by_ending.get(text[end - 2 : end])
        if lengths is None:
            continue  # no name ends so (names have two characters or more)
        floor = max(0, last_end)  # a name starts after the one found before it
        for length in lengths:  # longest first: the lengths of the names that end so, no others
            start = end - length
            if start < floor:
                continue
            name = text[start:end]
            if name not in names or name in COMMON_NOUN_PLACES or AREA_SUFFIX.search(name):
                continue
            before = text[start - 1] if start > 0 else ""
            if not before or start == last_end or not is_han(before) or before in LEADING_FUNCTION_CHARS:
                out.append(Mention(start, end, name, "region"))
                last_end = end
                break
    return out


def main_region(text: str) -> str | None:
    """The place an article is mostly about: the most often named region (ties: first named).

    >>> main_region("鄞州区铺开活动。宁波市……鄞州区实现进出口总额297亿元")
    '鄞州区'
    """
    counts: dict[str, int] = {}
    for m in _remembered_regions(text):  # the fact reader has just read them for article_places
        counts[m.text] = counts.get(m.text, 0) + 1
    if not counts:
        return None
    return max(counts, key=lambda name: (counts[name], -text.find(name)))
