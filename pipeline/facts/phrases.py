"""The noun phrases a figure is about: read backwards from the figure, the topic a clause opens
with, the items of a list, the holder of a capacity.

Small pure readers of a piece of text (the clause before a figure), with examples, used by the fact
reader (``reader.py``) and the type rules (``rules.py``).
"""
from __future__ import annotations

import bisect
import functools
import re
from typing import Final

from pipeline.facts import mentions as mt
from pipeline.facts.endings import TailPattern, tail_words
from pipeline.facts.numbers import parse_number
from pipeline.facts.openings import OpeningPattern
from pipeline.text import HAN, is_han

# Nouns that name an indicator (the tail of its noun phrase).
INDICATOR_HEAD: Final = re.compile(
    r"(生产总值|GDP|增加值|总产值|产值|总收入|收入|总额|零售额|销售额|出口额|进口额|出口|进口|利润总额|利润|"
    r"利税|税收|税金|纳税|营收|营业收入|主营业务收入|销售收入|吞吐量|产量|发电量|用电量|货运量|客运量|成交额|"
    r"交易额|存款余额|贷款余额|余额|存款|贷款|规模|资金|预算|支出|效益|收益|消费|投资|外资|内资|交货值)$"
)
# A sector's or region's spending on investment is an indicator: 房地产开发完成投资, 制造业完成投资额.
SECTOR_INVESTMENT: Final = re.compile(
    r"(房地产开发|房地产|保障性住房|保障房|制造业|工业|服务业|基础设施|农业|民间|交通|水利|技改|全社会|城镇|农村|"
    r"第[一二三]产业|行业)(?:累计)?(?:完成)?(?:投资额?)$")

# Words that end no name: a subject read up to them lost its last word (…消费量均, …和, 净利转).
DANGLING: Final = tail_words("和|与|及|或|均|都|皆|在|从|由|转|到|至|为|是|的|了|将|已|也|等|肯定|必然|可能|确实")

# Words that give one figure to every item of a list before it (均增长5%, 相继突破千亿元).
SHARED: Final = re.compile(r"((?<![人平亩户年日])均(?![衡匀价值])|(?<![首京成])都(?![市会])|皆|相继)")

# Rate words.  达到/为 are not among them: they only say that a level follows.
RATE_TRIGGER: Final = re.compile(
    r"(同比增长|同比下降|同比减少|同比提高|同比上升|同比回落|同比增加|环比增长|环比下降|比上年增长|比上年下降|"
    r"增长|增速|增幅|涨幅|跌幅|下降|降幅|减少|下滑|下跌|回落|回升|提高|提升|上升|增加(?!值)|上涨|降低|收窄|扩大|加快|放缓|"
    r"占比|比重|市场占有率|占有率|份额|贡献率|持股比例|股份比例|比例|覆盖率|利润率|产销率|利用率|占|高于|低于|快于|"
    r"慢于|翻了?[一两]?番)"
)

# Rate words that name a level, and belong in the subject of the rate (世界市场份额, 持股比例).
LEVEL_NOUN: Final = re.compile(r"(占比|比重|市场占有率|占有率|份额|贡献率|持股比例|股份比例|比例|覆盖率|利润率|产销率|利用率)$")

# Adverbs between a subject and its rate word (逆势增长, 稳步提高).
ADVERBS: Final = tail_words("要|争取|力争|有望|逆势|稳步|持续|快速|大幅|小幅|均|继续|仍然|仍|进一步|累计|分别|也|都|较快|平稳|显著|明显|同比|环比|实现|保持|相继|先后")

# Words that describe a rate, not the thing the rate is about.
RATE_WORDS: Final = re.compile(r"^(增速|增幅|涨幅|跌幅|增长率|增长速度|降幅|比重|占比|速度|幅度|水平|增长|份额|贡献率|总量|规模)$")

COMPARISON: Final = re.compile(r"(比(?!重|例|率)|较(?!高|快|大|好|为|多|少|低|强|弱|小|长|短)|与|同比|环比|高于|低于|快于|慢于|高出|超出|低出)")

# Words that end a noun phrase when we read it backwards from a figure.
NP_STOP: Final = re.compile(
    r"(实现|完成|达到|达|保持|继续|其中|全年|今年|去年|当年|同期|同比|环比|比上年|较上年|累计|共计|总计|合计|(?:19|20)\d{2}年|"
    r"分别|约|近|为|是|有|的|了|和|与|在|将|已|可|也|均|都|还|并|则|而|较|比|按|以|由|对|从|"
    r"预计|达产后|投产后|建成后|全部达产|上缴|带动|拉动|新增|形成|具有|拥有|具备|"
    r"一季度|二季度|三季度|四季度|第一季度|第二季度|第三季度|第四季度|前三季度|上半年|下半年|\d+月|"
    r"全市|全区|全县|全省|全镇|我市|我区|我县|本市|全国|目前|当前|现在|力争|争取|有望)$"
)

# Terms holding a stop word that must not be cut there (可支配收入 is not 可 + 支配收入).
PROTECTED: Final = re.compile(r"(人均可支配|可支配|人均|规模以上|以上企业)")

FILLER: Final = re.compile(
    r"(约|近|将近|接近|不超过|不低于|不少于|不高于|超过|超|逾|高达|达到|达|为|共|累计|总计|合计|突破|实现|完成|"
    r"分别|预计|计划|可|将|已|了|同比|人民币|以上|不到|不足|低于|大约|左右|首次|再|又|仅|总计约|要争取|争取|有望|可望|或将|也在|仍在|在|从|由)+$"
)

CLAUSE_TOPIC_LEAD: Final = re.compile(
    r"^(?:其中|同时|此外|另外|而|但|全年|今年|去年|当年|同期|目前|截至目前|截至\d+月底|[一二三四]季度|近年来|今年以来|去年以来|"
    r"第[一二三四]季度|前三季度|上半年|下半年|\d{1,2}[-—至到]\d{1,2}月|\d{1,2}月份?|(?:19|20)\d{2}年|从|在)+"
)

# Single characters are verbs only where they do not start a word of a name (居住, 创新, 可持续).
TOPIC_VERB: Final = re.compile(
    r"(成为|实现|完成|达到|达|增长|下降|保持|继续|占|为(?!主)|是|可(?!持续|再生|支配)|将|已|同比|比上年|较|共|累计|新增|"
    r"提升|提高|加快|超过|突破|位居|居(?!住|民|家)|排名|列(?!车)|创(?!新|业|意|造|建|办)|首次|稳步|持续|呈现|总体|"
    r"运行|好于|高于|低于|均|都|分别|增速|增幅|降幅|不断|日益|逐步|快速|上涨|下跌|要|争取|力争|有望)"
)

# Time words between a topic and its verb (该园区今年实现…): not part of the topic.
TIME_TAIL: Final = TailPattern(r"(?:今年|去年|全年|当年|同期|上半年|下半年|前三季度|第?[一二三四]季度|\d{1,2}[-—至到]\d{1,2}月|"
                              r"前?\d{1,2}个?月份?|(?:19|20)\d{2}年(?:度)?|以来)+$", last="年期度月份来")

# A clause that opens by saying which items it lists: 下降的是衣着、…, 增长较快的有…
LISTED_LEAD: Final = re.compile(r"^[^，。；、]{1,8}的(?:是|有)")

BARE_HEAD: Final = OpeningPattern(
    r"^(?:规上|规模以上|全部)?(?:工业)?(?:总)?(产值|增加值|销售收入|营业收入|主营业务收入|利润总额|利润|税收|"
    r"出口额|出口交货值|收入|销售额|交货值)$"
)

PROJECT_INDICATOR: Final = re.compile(
    r"(年产值|年销售收入|年销售额|年营业收入|年营收|年税收|年纳税|年利税|年利润|年发电量|租金收入|上缴税收|税收|利税|纳税|"
    r"销售收入|营业收入|营收|产值|净利润|净利|利润总额|税后利润|利润)$"
)

LIST_JOINER: Final = OpeningPattern(r"\s*(?:和|与|及|以及|、|，|,|或)\s*")
# A second value of the same thing: 由2.03亿吨提升到3亿吨, 从43.5亿卢比跌至10.6亿卢比, and a conversion
# in brackets: 43.5亿卢比(约合人民币4.52亿元).
CHAIN_JOINER: Final = OpeningPattern(
    r"\s*[)）]?\s*(?:(?:提升|提高|增加|增长|扩大|上升|下降|减少|降低|回落|缩小|跌|涨|增|降|升|攀升|猛增)(?:到|至)"
    r"|到|至)\s*|\s*[(（]\s*(?:约合|折合|合)(?:人民币)?\s*")

LIST_ITEM: Final = re.compile(rf"\s*(?:和|与|及|以及|、)\s*([{HAN}A-Za-z0-9·\-]{{1,12}})")

NUMERAL: Final = "一二三四五六七八九十"

# Patterns of the readers below, compiled once: they run for every clause and figure.
TIME_NP: Final = re.compile(r"(?:19|20)?\d{2}年(?:度)?|\d{1,2}月份?|上年|去年|同期|上年同期")

# Noun phrases that name no indicator: a time (一年前), a base (现有基础上), a comparison
# (高出全行业), a verb of change (成长到).
NOT_A_NAME: Final = re.compile(
    r"[一二三四五六七八九十两几\d]+(?:年|个月|个季度|季度|周|天)(?:前|后|以前|以后|来|以来)|此前|以前|目前|当前|"
    r"(?:现有|原有)?基础上?|(?:高出|低于|高于|快于|慢于|超出|超过|领先).*|"
    r"(?:成长|增长|发展|提升|提高|增加|扩大|上升|下降|减少|达到|实现|完成|安排|创造|投入)(?:到|至|为|出)?|"
    r"被.*|.*计算|.*[上下]涨")

# 消费对经济增长的贡献率: the contributor stands before 对.
CONTRIBUTION: Final = re.compile(r"([^，。；对]{2,16})对[^，。；对]{1,16}的?$")

# 净利从一年前的1.2亿元…: the time a value is taken at, between the noun and the value.
TIME_BASE_END: Final = re.compile(r"(?:从|由)[^，。；从由]{1,8}?(?:前|以前|同期|年初|年末|年底)的?$")

# 在现有基础上: the base a change is measured from, between the subject and the rate word.
BASE_PHRASE: Final = re.compile(r"在[^，。；]{0,8}基础上")

WHOLE_REGION_LEAD: Final = re.compile(r"^(全市|全区|全县|全省|全镇|我市|我区|我县|本市|全国)")

HAN_OR_CAPITAL: Final = re.compile(rf"[{HAN}A-Z]")

SHARE_OF_PLAN: Final = re.compile(r"完成([^，。；]{2,12}?)的$")

BASE_OF_MULTIPLE: Final = re.compile(r"(?:是|相当于)[^，。；]*的$")

COPULA_END: Final = tail_words("是|为", repeated=False)

LIST_MARK: Final = re.compile(r"[、和与]")

TIME_WORD: Final = re.compile(r"(上年|去年|同期|上年同期|今年|一季度|上半年|\d+年)")

DIGIT_OR_PERCENT: Final = re.compile(r"[\d%％]")

TOPIC_REGION_LEAD: Final = re.compile(r"^(全市|全区|全县|全省|全镇|我市|我区|我县|本市|主要|各项)")

AMOUNT_WORD_END: Final = tail_words("规模|总量|水平", repeated=False)

LIST_SPLIT: Final = re.compile(r"[和与及、]")

NUMBERED_LAST: Final = re.compile(rf"^第?([{NUMERAL}])(.+)$")

NUMBERED_FIRST: Final = re.compile(rf"^.*?(第[{NUMERAL}])$")

NUMBERED_ITEM: Final = re.compile(rf"第?[{NUMERAL}]")

AFTER_COMPLETION: Final = re.compile(r"(达产后|投产后|建成后|全部达产|该项目|项目)")


# The readers of noun phrases and topics are pure and are asked about the same piece of text
# more than once (classify and _fact both read the words before a figure): remember them.
CACHE_SIZE: Final = mt.CACHE_SIZE

@functools.lru_cache(maxsize=CACHE_SIZE)
def strip_filler(text: str) -> str:
    """The text before a figure without the verbs and approximations that lead to it.

    >>> strip_filler("实现财政总收入"), strip_filler("计划总投资约"), strip_filler("亏损面不到")
    ('实现财政总收入', '计划总投资', '亏损面')
    """
    return FILLER.sub("", text.rstrip())

@functools.lru_cache(maxsize=CACHE_SIZE)
def noun_before(left: str) -> str | None:
    """The noun phrase that ends ``left`` (an indicator name), read backwards to a stop word.

    >>> noun_before("鄞州区实现进出口总额"), noun_before("其中工业投资"), noun_before("全区规上工业增加值")
    ('进出口总额', '工业投资', '规上工业增加值')
    >>> noun_before("达产后年产值"), noun_before("全市"), noun_before("公司净利从一年前的")
    ('年产值', None, '公司净利')
    """
    left = TIME_BASE_END.sub("", left.rstrip()).removesuffix("的")
    scan = PROTECTED.sub(lambda m: "Ｘ" * len(m.group()), left)  # same length: offsets stay valid
    i = len(scan)
    while i > 0:
        ch = scan[i - 1]
        if not (is_han(ch) or ch.isalnum()):
            break
        if i < len(scan) and NP_STOP.search(scan[max(0, i - 6) : i]):
            break
        i -= 1
    np = left[i:]
    if TIME_NP.fullmatch(np) or NOT_A_NAME.fullmatch(np):
        return None
    for r in mt.regions_in(np):  # a leading place is the region, not the indicator
        if r.start == 0:
            np = np[r.end :]
    np = WHOLE_REGION_LEAD.sub("", np)
    if len(np) < 2 or not HAN_OR_CAPITAL.search(np) or NP_STOP.fullmatch(np):
        return None
    return np

def list_phrase(left: str) -> str | None:
    """The noun phrase ending ``left`` with the list it holds kept whole: one category named by
    several words (医疗保健和个人用品上涨2%: one rate for the pair).

    >>> list_phrase("医疗保健和个人用品"), list_phrase("全市通信、电子设备")
    ('医疗保健和个人用品', '通信、电子设备')
    """
    held = re.sub(r"[、和与]", "丨", left)  # a Han character no reader stops at: offsets stay
    np = noun_before(held)
    if np is None:
        return None
    start = held.rfind(np)
    return left[start : start + len(np)].strip("、和与") or None

SALES_VERB_LEAD: Final = re.compile(r"^(?:共计|累计|共)?(?:销售|售出|生产|产出)(?:各类|各种|了)?")

def without_sales_verb(noun: str | None) -> str | None:
    """A volume's noun without the verb that sold or made it (销售各类挖掘机械产品 -> 挖掘机械产品).

    >>> without_sales_verb("销售工程起重机"), without_sales_verb("销售收入"), without_sales_verb(None)
    ('工程起重机', '销售收入', None)
    """
    if not noun:
        return noun
    rest = SALES_VERB_LEAD.sub("", noun)
    return rest if len(rest) >= 2 and not INDICATOR_HEAD.fullmatch(rest) and rest != noun and not rest.startswith(("额", "量", "收入")) else noun

def sector_investment(bare: str) -> str | None:
    """The investment of a sector named before its figure (房地产开发完成投资 -> 房地产开发投资).

    >>> sector_investment("其中房地产开发完成投资"), sector_investment("该项目计划总投资")
    ('房地产开发投资', None)
    """
    m = SECTOR_INVESTMENT.search(bare)
    return m.group(1) + "投资" if m else None

@functools.lru_cache(maxsize=CACHE_SIZE)
def rate_subject_before(local: str) -> str | None:
    """What a rate is about when the clause names it before the rate word, else None.

    >>> rate_subject_before("单位产品能耗比传统工艺降低约"), rate_subject_before("增速比一季度提高")
    ('单位产品能耗', None)
    >>> rate_subject_before("其中家电行业产值占全镇工业总产值的"), rate_subject_before("完成年度计划的")
    ('家电行业产值', '年度计划')
    >>> rate_subject_before("比上年同期提高"), rate_subject_before("工业投资、基础设施投资分别增长")
    (None, None)
    >>> rate_subject_before("逆势"), rate_subject_before("长兴县规上工业增加值")
    (None, '规上工业增加值')
    >>> rate_subject_before("居民消费对全省经济增长的贡献率为")
    '居民消费'

    """
    pre = strip_filler(BASE_PHRASE.sub("", local))
    m = SHARE_OF_PLAN.search(pre)
    if m:
        return noun_before(m.group(1))
    if BASE_OF_MULTIPLE.search(pre):
        return None  # 是2012年的2.5倍: the base of a multiple, the subject is the topic
    triggers = list(RATE_TRIGGER.finditer(pre))
    if triggers:
        # the first of the rate words closing the clause (占…的比重达到: cut at 占)
        first = triggers[0]
        for t in triggers:
            if t.group(1) == "贡献率":
                contributor = CONTRIBUTION.search(pre[: t.start()])
                if contributor:  # 消费对经济增长的贡献率: the rate of what contributes
                    return noun_before(contributor.group(1))
            if t.group(1) == "占":
                first = t
                break
        if LEVEL_NOUN.fullmatch(first.group(1)):
            level = noun_before(pre[: first.end()])  # 世界市场份额从目前的25%: the level is the subject
            if level and not COMPARISON.search(level) and level.lstrip("其该此这") != first.group(1):
                return level
        pre = pre[: first.start()]
    cmp_ = COMPARISON.search(pre)
    if cmp_:
        pre = pre[: cmp_.start()]
    pre = ADVERBS.strip(COPULA_END.strip(strip_filler(pre)))
    if "分别" in local or SHARED.search(local):
        return None  # a list: paired by position, not by the words before
    np = list_phrase(pre) if LIST_MARK.search(pre) else noun_before(pre)
    if np is None or RATE_WORDS.match(np) or TIME_WORD.fullmatch(np):
        return None
    return np

def clause_topic(clause: str) -> list[str]:
    """The topic a clause opens with (服务业, 财政收入), one item per element of a list.

    >>> clause_topic("其中服务业成为财政收入主要来源"), clause_topic("工业和服务业保持较高增速")
    (['服务业'], ['工业', '服务业'])
    >>> clause_topic("第一、二、三产业增加值分别为"), clause_topic("安吉第一、二、三产业增加值分别为")[0]
    (['第一产业增加值', '第二产业增加值', '第三产业增加值'], '第一产业增加值')
    >>> clause_topic("数字经济核心产业、高新技术产业和战略性新兴产业增加值分别增长")
    ['数字经济核心产业增加值', '高新技术产业增加值', '战略性新兴产业增加值']
    """
    return list(_clause_topic(clause))

@functools.lru_cache(maxsize=CACHE_SIZE)
def _clause_topic(clause: str) -> tuple[str, ...]:
    body = CLAUSE_TOPIC_LEAD.sub("", clause.strip())
    listed = list_items(body)
    if listed:
        return tuple(listed)
    m = TOPIC_VERB.search(body)
    if not m or m.start() < 2:
        return ()
    head = body[: m.start()]
    if DIGIT_OR_PERCENT.search(head) or len(head) > 30:
        return ()
    if len(split_list(head)) < 2:  # a leading place is the region; places listed are the items
        for r in mt.regions_in(head):
            if r.start == 0:
                head = head[r.end :]
    if COMPARISON.match(head) or head.startswith(("是", "这是", "也是")) or NOT_A_NAME.fullmatch(head):
        return ()  # 比去年同期增长: a comparison base, not a topic; 被誉为…: no name at all
    head = TOPIC_REGION_LEAD.sub("", LISTED_LEAD.sub("", TIME_TAIL.strip(head)))
    head = ADVERBS.strip(AMOUNT_WORD_END.strip(head))
    items = split_list(head)
    if len(items) > 1 and any(DIGIT_OR_PERCENT.search(item) for item in items):
        return ()  # 2009年度和2010年度公司的…: periods listed, not items
    return tuple(_complete_list(items)) if len(items) > 1 else ((head,) if len(head) >= 2 else ())

_LAST_ITEM_AND: Final = re.compile(r"[和与]")
_CATEGORY_AND: Final = re.compile(r"及|以及")
def split_list(text: str) -> list[str]:
    """The items of a written list: split at 、, the last item once more at 和/与; 及 joins the
    parts of one category (烟酒及用品类) unless nothing else splits the list.

    >>> split_list("衣着、家庭设备用品及维修服务和交通通讯"), split_list("工业及服务业")
    (['衣着', '家庭设备用品及维修服务', '交通通讯'], ['工业', '服务业'])
    """
    *items, last = text.split("、")
    items += _LAST_ITEM_AND.split(last, maxsplit=1)
    if len(items) == 1:
        items = _CATEGORY_AND.split(text, maxsplit=1)
    return [p for p in items if p]

# A clause that only lists things (汽车制造业、通用设备制造业和专用设备制造业三个大类): the list, and the
# count the writer gives it.
LIST_CLAUSE: Final = re.compile(
    rf"^(?:[{HAN}]{{0,8}}?(?:投向|用于|包括|涉及|分别是|依次是|依次为|即))?"
    rf"(?P<items>[{HAN}A-Za-z0-9·]{{2,20}}(?:、[{HAN}A-Za-z0-9·]{{2,20}})+)"
    rf"(?:等?(?P<count>[{NUMERAL}两\d]+)(?:个|家|项|类|种)?(?:大类|门类|行业|领域|产业|产品|品种|类|项目|工程)?)?$")

def list_items(clause: str) -> list[str]:
    """The items of a clause that is a list and nothing else; the last 和/与/及 joins the last
    item (an item may hold one itself: 电气机械和器材制造业).

    >>> list_items("汽车制造业、通用设备制造业、专用设备制造业和电气机械和器材制造业四个大类")
    ['汽车制造业', '通用设备制造业', '专用设备制造业', '电气机械和器材制造业']
    >>> list_items("食品、衣着"), list_items("全市工业增加值增长8%")
    (['食品', '衣着'], [])
    """
    if "、" not in clause:
        return []  # LIST_CLAUSE lists its items with 、 (and LISTED_LEAD only cuts a lead): one scan
    m = LIST_CLAUSE.match(LISTED_LEAD.sub("", clause))
    if not m:
        return []
    items = split_list(m.group("items"))
    count = m.group("count")
    if count and parse_number(count) != len(items):
        return []  # the writer counts otherwise: the list is not what it seems
    if any(item.startswith(("是", "为", "也是")) for item in items):
        return []  # 是继白炽灯、荧光灯之后的…: a description, not a list of items
    return items if all(len(item) >= 2 for item in items) else []

def _complete_list(items: list[str]) -> list[str]:
    """Give every list item the words written only on the last one (第一、二、三产业增加值)."""
    last = items[-1]
    m = NUMBERED_LAST.match(last)
    items = [NUMBERED_FIRST.sub(r"\1", items[0])] + items[1:]  # 安吉第一、二、三产业
    if m and all(NUMBERED_ITEM.fullmatch(it) for it in items[:-1]):
        suffix = m.group(2)
        return [("第" + it.lstrip("第")) + suffix for it in items[:-1]] + ["第" + m.group(1) + suffix]
    head = INDICATOR_HEAD.search(last)
    if head and not any(INDICATOR_HEAD.search(it) for it in items[:-1]):
        return [it + head.group(1) for it in items[:-1]] + [last]
    return [it for it in items if len(it) >= 2]

def is_bare_head(noun: str) -> bool:
    """An indicator name that needs its holder (产值, 规上工业增加值) rather than naming one itself.

    >>> is_bare_head("产值"), is_bare_head("规上工业产值"), is_bare_head("财政总收入")
    (True, True, False)
    """
    return bool(BARE_HEAD.match(noun))

def is_project_indicator(noun: str, sentence: str) -> bool:
    """A project's 年产值/年销售收入/税收 (subject: the project), not a region's.

    >>> is_project_indicator("年产值", "投产后预计年产值30亿元"), is_project_indicator("产值", "全市实现产值100亿元")
    (True, False)
    """
    if not PROJECT_INDICATOR.search(noun):
        return False
    return noun.startswith(("年", "上缴")) or bool(AFTER_COMPLETION.search(sentence))

def indicator_metric(left: str, noun: str | None) -> str | None:
    """The indicator a figure reports, never the bare verb before it (实现, 完成, 达).

    >>> indicator_metric("全市实现地区生产总值", "地区生产总值"), indicator_metric("累计完成", None)
    ('地区生产总值', None)
    """
    return noun

CAPACITY_MODIFIERS: Final = re.compile(r"^(?:设计|新增|现有|目前|总|综合|年|日|月|最大)+")

def capacity_holder(left: str, trigger: str | None) -> str | None:
    """The noun phrase a capacity noun ends (水泥产能, 烧碱生产能力), written before the figure, when it
    names more than the capacity word itself.

    >>> capacity_holder("中国建材提出，将水泥产能由目前的", "产能"), capacity_holder("新增PVC产能", "产能")
    ('水泥产能', 'PVC产能')
    >>> capacity_holder("投产后计划年产", "年产"), capacity_holder("其产能已达", "产能")
    (None, None)
    >>> capacity_holder("当前叶片的生产能力维持在", "生产能力"), capacity_holder("某品牌冰箱在中国的产能已达", "产能")
    ('叶片', '某品牌冰箱')
    """
    if not trigger or not trigger.endswith(("产能", "能力")):
        return None
    end = left.rfind(trigger)
    if end < 0:
        return None
    np = noun_before(left[: end + len(trigger)])
    floor = len(CAPACITY_MODIFIERS.sub("", trigger))
    if left[:end].endswith("的"):  # 福田汽车欧曼重卡的年产能: the capacity of what comes before 的
        owner = PLACE_OF_OWNER.sub("", left[: end - 1])  # …洗衣机在中国的产能: the place is not the holder
        np, floor = noun_before(owner), 1
    if np:
        np = np.lstrip("其该此这")  # 其产能: a pronoun names nothing
    core = CAPACITY_MODIFIERS.sub("", np or "")  # 设计年通过能力 names nothing more than its trigger
    return np if np and len(core) > floor else None

PLANT_HEADS: Final = ("厂", "装置", "车间", "生产线", "电站", "电厂", "基地", "矿", "园")

def plant_before(left: str, trigger: str | None) -> str | None:
    """The plant a capacity trigger follows when the clause names one (乳品厂每年可加工…).

    >>> plant_before("配套建设的乳品厂每年可加工鲜奶", "每年可加工"), plant_before("项目投产后年产", "年产")
    ('乳品厂', None)
    """
    if not trigger:
        return None
    end = left.rfind(trigger)
    np = noun_before(left[:end]) if end > 0 else None
    return np if np and np.endswith(PLANT_HEADS) and len(np) > 2 else None

PLACE_OF_OWNER: Final = re.compile(r"在(?:中国|国内|全国|全球|全省|全市|海外|国外|当地|[^，。；]{1,6}(?:省|市|县|区|地区))$")

# 形成日处理8.5万吨的城市污水集中处理能力, 新增1亿吨左右的水泥产能: the capacity named after the figure.
CAPACITY_AFTER: Final = re.compile(
    rf"^(?:左右|以上|多)?(?P<product>[{HAN}A-Za-z0-9]{{0,16}}?)的(?P<holder>[{HAN}A-Za-z0-9]{{0,16}}?)"
    rf"(?P<trigger>(?:年|日|月)?(?:综合)?(?:生产|处理|加工|供应|发电)?(?:产能|能力))")

def capacity_after(after: str) -> tuple[str, str | None, str | None] | None:
    """(trigger, holder, product) of a capacity named after its figure, or None.

    >>> capacity_after("的城市污水集中处理能力"), capacity_after("左右的水泥产能")
    (('处理能力', '城市污水集中处理能力', None), ('产能', '水泥产能', None))
    >>> capacity_after("节能灯的年产能"), capacity_after("的厂房")
    (('年产能', None, '节能灯'), None)
    """
    m = CAPACITY_AFTER.match(after)
    if m is None:
        return None
    holder = m.group("holder")
    core = CAPACITY_MODIFIERS.sub("", holder)
    named = holder + m.group("trigger") if len(core) >= 2 else None
    return m.group("trigger"), named, m.group("product") or None


def whole_words(text: str, word_starts: list[int], start: int, end: int) -> str:
    """``text[start:end]`` without a word cut so that one character of it is left at either edge
    (本次半导体… read from 次半导体… -> 半导体…); a word whose first character a name reader took
    for a stop word (有 of 有色金属, 和 of 天和) is read whole (色金属… -> 有色金属…); a longer piece of
    a word is a word of its own in a compound and stays (全年产值 -> 产值).  ``word_starts``:
    where the words start, ascending.

    >>> whole_words("本次半导体项目", [0, 2, 5], 1, 7), whole_words("全年产值", [0, 1], 2, 4)
    ('半导体项目', '产值')
    >>> whole_words("新建有色金属项目", [0, 2, 6], 3, 8)
    '有色金属项目'
    """
    i = bisect.bisect_right(word_starts, start) - 1
    if i >= 0 and word_starts[i] < start and i + 1 < len(word_starts) and word_starts[i + 1] == start + 1:
        start += 1
    elif i >= 0 and word_starts[i] == start - 1 and text[start - 1] in mt.LEFT_STOP.words:
        start -= 1
    j = bisect.bisect_left(word_starts, end)
    if 0 < j and (j == len(word_starts) or word_starts[j] != end) and word_starts[j - 1] == end - 1 \
            and word_starts[j - 1] > start:
        end -= 1
    return text[start:end]
