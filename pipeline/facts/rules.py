"""The word lists and small readers that the fact reader (``reader.py``) applies to a clause.

Each function looks at a short piece of text (the clause before a figure,
the words after it) and answers one question: what type of figure is this,
what noun names it, what product does a capacity make, is this rate a level
or a change.  They are pure and have examples, so a rule can be checked
without running the whole extractor.
"""
from __future__ import annotations

import functools
import re
from dataclasses import replace

from pipeline.facts import mentions as mt
from pipeline.facts.numbers import parse_number
from pipeline.facts.quantities import Quantity
from pipeline.text import HAN, is_han

INVEST_TRIGGER = re.compile(
    r"(计划总投资|项目总投资|协议总投资|总投资额?|首期投入|首期投资|一期投资|二期投资|三期投资|累计完成投资|"
    r"完成投资额?|累计投资|计划投资|年度计划投资|追加投资|拟投资|预计投资|总投入|投资总额|投资额|投入资金|设备投资|"
    r"到位资金|投入|投资金额|投资|总投资概算|投资概算|概算总额|概算|募资总额|募资|募集资金总额|募集资金|利用募集资金|"
    r"超募资金|自筹资金|立项资金|合同金额|签约金额|注资)$"
)
# Money a share buyer puts in, not a project: 认购不低于1.3亿元 (no fact).
SUBSCRIPTION = re.compile(r"(认购|配售|认缴)$")
# A sector's or region's spending on investment is an indicator: 房地产开发完成投资, 制造业完成投资额.
SECTOR_INVESTMENT = re.compile(
    r"(房地产开发|房地产|保障性住房|保障房|制造业|工业|服务业|基础设施|农业|民间|交通|水利|技改|全社会|城镇|农村|"
    r"第[一二三]产业|行业)(?:累计)?(?:完成)?(?:投资额?)$")
# Words of money written without 元 after a bare 万/亿 figure: 20.8亿营收, 募资13.2亿.
MONEY_NOUN_AFTER = re.compile(r"^(?:元)?(营业收入|营收|净利润|净利|利润|收入|销售额|销售收入|产值|税收|利税|资金)")
MONEY_WORD_END = re.compile(r"(收入|营收|净利润?|利润|销售额|产值|收益|资金|金额|募资|投资|税收|利税|总额|概算)$")
# Capital brought into projects; an investment when projects are what the sentence is about.
PROJECT_CAPITAL = re.compile(r"(合同外资|合同利用外资|到位外资|首期到位外资|到位资金|引进外资)$")
# A region's or sector's investment totals are indicators, never a project's investment.
REGION_INVESTMENT = re.compile(
    r"(固定资产投资|工业投资|工业性投资|民间投资|技改投资|技术改造投资|制造业投资|基础设施投资|交通投资|"
    r"交通基础设施投资|房地产开发投资|房地产投资|社会投资|外商投资|实际利用外资|合同利用外资|利用外资|生产性投资|"
    r"服务业投资|农业投资|民生投资|生态环保投资|高新技术产业投资|社会事业投资|有效投资)$"
)
# 年产 opens a capacity; 2012年产量 (a year, then 产量) and 年产量/年产值 (output) do not.
CAPACITY_TRIGGER = re.compile(
    r"(新增年产|形成年产|可年产|年产能|设计年产能|(?<![\d〇零一二三四五六七八九十])年产(?![量值])|设计产能|总产能|产能|"
    r"日产能|日产|月产能|月产|"
    r"(?:年|日|月)?(?:设计)?(?:生产|处理|加工|供应|供热|供汽|供水|吞吐|仓储|储存|储运|发电|运输|通过)能力|"
    rf"(?:年|日|月)(?:设计)?[{HAN}]{{1,3}}能力|"
    r"年处理|日处理|年加工|日供[热汽水]|装机容量|总装机|装机规模|装机)"
)
PRODUCTION_TRIGGER = re.compile(r"(年产|月产|日产|产能|生产能力)")
AREA_UNITS = frozenset({"平方米", "平方公里", "亩", "公顷", "公里", "米"})
# Counters that count products (a capacity) rather than people, firms or events.
PRODUCT_COUNTERS = frozenset("片 颗 条 只 个 件 套 台 辆 部 块 支 瓶 双 箱 根 张 副 组 盏 艘 架 枚".split())
NOT_IN_CAPACITY_GAP = re.compile(r"(占地|面积|用地|建筑|规划|投资|员工|就业|亩)")
INDICATOR_HEAD = re.compile(
    r"(生产总值|GDP|增加值|总产值|产值|总收入|收入|总额|零售额|销售额|出口额|进口额|出口|进口|利润总额|利润|"
    r"利税|税收|税金|纳税|营收|营业收入|主营业务收入|销售收入|吞吐量|产量|发电量|用电量|货运量|客运量|成交额|"
    r"交易额|存款余额|贷款余额|余额|存款|贷款|规模|资金|预算|支出|效益|收益|消费|投资|外资|内资|交货值)$"
)
PHYSICAL_INDICATOR = re.compile(
    r"(吞吐量|产量|发电量|用电量|售电量|货运量|客运量|销量|供应量|处理量|交易量|成交量|需求量|消费量|消耗量|"
    r"出货量|交付量|装机量|保有量|试产|指标)")
# A volume produced or sold, written with its verb: 生产轮胎7281万条, 销售工程起重机1.5万台.
VOLUME_VERB = re.compile(rf"(?:生产|销售|售出|售|出口|进口|交付|产出|试产)[{HAN}A-Za-z0-9]{{0,12}}$")
# Money that is a price or a value per unit (policy 14): 每股10.1元, 收盘价57.47元, 118.45万元/吨.
PRICE_BEFORE = re.compile(
    r"(每[^\d，。；]{0,2}|亩均|单价|均价|价格|股价|收盘价|开盘价|售价|报价|发行价|底价|票价|房价|租金|价)"
    r"(?:为|达|达到|是|约|仅|在|涨至|跌至|上涨至|降至|回落至|升至|报)?$")
# Words that end no name: a subject read up to them lost its last word (…消费量均, …和, 净利转).
DANGLING = re.compile(r"(?:和|与|及|或|均|都|皆|在|从|由|转|到|至|为|是|的|了|将|已|也|等)+$")
# Words that give one figure to every item of a list before it (均增长5%, 相继突破千亿元).
SHARED = re.compile(r"(均|都|皆|相继)")
# A rate said of several items or periods at once as a bound (均超过10%, 都在60%以上, 仍在20%以上).
BOUND = re.compile(r"(均|都|仍|皆)在?$")
# Floor-space statistics of a city or sector (not a project's planned area).
AREA_STATISTIC = re.compile(r"(施工面积|新开工面积|销售面积|竣工面积)$")
# Rate words.  达到/为 are not among them: they only say that a level follows.
RATE_TRIGGER = re.compile(
    r"(同比增长|同比下降|同比减少|同比提高|同比上升|同比回落|同比增加|环比增长|环比下降|比上年增长|比上年下降|"
    r"增长|增速|增幅|下降|降幅|减少|下滑|回落|回升|提高|提升|上升|增加(?!值)|上涨|降低|收窄|扩大|加快|放缓|"
    r"占比|比重|市场占有率|占有率|份额|贡献率|持股比例|股份比例|比例|覆盖率|利润率|产销率|利用率|占|高于|低于|快于|"
    r"慢于|翻了?[一两]?番)"
)
# Rate words that name a level, and belong in the subject of the rate (世界市场份额, 持股比例).
LEVEL_NOUN = re.compile(r"(占比|比重|市场占有率|占有率|份额|贡献率|持股比例|股份比例|比例|覆盖率|利润率|产销率|利用率)$")
DOWN_WORDS = ("下降", "降幅", "减少", "下滑", "回落", "降低", "收窄", "放缓")
UP_WORDS = ("增长", "增速", "增幅", "提高", "提升", "上升", "增加", "上涨", "翻", "回升", "扩大", "加快")
# Adverbs between a subject and its rate word (逆势增长, 稳步提高).
ADVERBS = re.compile(r"(逆势|稳步|持续|快速|大幅|小幅|均|继续|仍然|仍|进一步|累计|分别|也|都|较快|平稳|显著|明显|同比|环比|实现|保持|相继|先后)+$")
# Words that describe a rate, not the thing the rate is about.
RATE_WORDS = re.compile(r"^(增速|增幅|降幅|比重|占比|速度|幅度|水平|增长|份额|贡献率|总量|规模)$")
COMPARISON = re.compile(r"(比(?!重|例|率)|较(?!高|快|大|好|为|多|少|低|强|弱|小|长|短)|与|同比|环比|高于|低于|快于|慢于)")
# Words that end a noun phrase when we read it backwards from a figure.
NP_STOP = re.compile(
    r"(实现|完成|达到|达|保持|继续|其中|全年|今年|去年|当年|同期|同比|环比|比上年|较上年|累计|共计|总计|合计|"
    r"分别|约|近|为|是|有|的|了|和|与|在|将|已|可|也|均|都|还|并|则|而|较|比|按|以|由|对|从|"
    r"预计|达产后|投产后|建成后|全部达产|上缴|带动|拉动|新增|形成|具有|拥有|具备|"
    r"一季度|二季度|三季度|四季度|第一季度|第二季度|第三季度|第四季度|前三季度|上半年|下半年|\d+月|"
    r"全市|全区|全县|全省|全镇|我市|我区|我县|本市|全国)$"
)
# Terms holding a stop word that must not be cut there (可支配收入 is not 可 + 支配收入).
PROTECTED = re.compile(r"(人均可支配|可支配|人均|规模以上|以上企业)")
FILLER = re.compile(
    r"(约|近|将近|接近|不超过|不低于|不少于|不高于|超过|超|逾|高达|达到|达|为|共|累计|总计|合计|突破|实现|完成|"
    r"分别|预计|计划|可|将|已|了|同比|人民币|以上|不到|不足|低于|大约|左右|首次|再|又|仅|总计约|要争取|争取|从|由)+$"
)
CLAUSE_TOPIC_LEAD = re.compile(
    r"^(?:其中|同时|此外|另外|而|但|全年|今年|去年|当年|同期|目前|截至目前|截至\d+月底|[一二三四]季度|近年来|今年以来|去年以来|"
    r"第[一二三四]季度|前三季度|上半年|下半年|\d{1,2}[-—至到]\d{1,2}月|\d{1,2}月份?|(?:19|20)\d{2}年|从|在)+"
)
TOPIC_VERB = re.compile(
    r"(成为|实现|完成|达到|达|增长|下降|保持|继续|占|为|是|可|将|已|同比|比上年|较|共|累计|新增|提升|提高|加快|"
    r"超过|突破|位居|居|排名|列|创|首次|稳步|持续|呈现|总体|运行|好于|高于|低于|均|都|分别|增速|增幅|降幅|不断|日益|逐步|快速)"
)
BARE_HEAD = re.compile(
    r"^(?:规上|规模以上|全部)?(?:工业)?(?:总)?(产值|增加值|销售收入|营业收入|主营业务收入|利润总额|利润|税收|"
    r"出口额|出口交货值|收入|销售额|交货值)$"
)
PROJECT_INDICATOR = re.compile(
    r"(年产值|年销售收入|年销售额|年营业收入|年营收|年税收|年纳税|年利税|年利润|上缴税收|税收|利税|纳税|"
    r"销售收入|营业收入|营收|产值|净利润|净利|利润总额|税后利润|利润)$"
)
PROJECT_CONTEXT = re.compile(r"(项目|达产|投产|建成|该工程|竣工|全部建成)")
LIST_JOINER = re.compile(r"\s*(?:和|与|及|以及|、|，|,|或)\s*")
# A second value of the same thing: 由2.03亿吨提升到3亿吨, 从43.5亿卢比跌至10.6亿卢比, and a conversion
# in brackets: 43.5亿卢比(约合人民币4.52亿元).
CHAIN_JOINER = re.compile(
    r"\s*[)）]?\s*(?:(?:提升|提高|增加|增长|扩大|上升|下降|减少|降低|回落|缩小|跌|涨|增|降|升|攀升|猛增)(?:到|至)"
    r"|到|至)\s*|\s*[(（]\s*(?:约合|折合|合)(?:人民币)?\s*")
LIST_ITEM = re.compile(rf"\s*(?:和|与|及|以及|、)\s*([{HAN}A-Za-z0-9·\-]{{1,12}})")
# An amount, then the verb that spends it and the project it is spent on, named in full up to its
# head word: 投资6000万元实施…环境整治与保护工程, 投资1.91亿元建设…项目, 再投资7677万元，加大…建设工程.
SPENT_ON = re.compile(
    rf"(?:左右|以上|之多|人民币)?[，,]?(?:大力|着力|重点|加快|积极|全力)?(?:用于|投向|加大|推进|开展|启动|全面)?"
    rf"(?:建设|新建|兴建|扩建|改建|实施|打造|建成|建起|购得|收购|引进|进行|加大|推进)(?:了)?"
    rf"(?P<name>[{HAN}A-Za-z0-9（）()“”·～~\-与和及]{{2,40}}?(?:项目|工程|基地|生产线|产业园|工厂|电站|码头|中心))"
    rf"(?![塑师机部院队处局学车款费量包组址])")
FIRST_OF_TWO = re.compile(r"^(.{2,}?(?:项目|工程|基地|中心|电站))[和与及]")
FOLLOWED_BY_NAME = re.compile(r"\s*(?:左右|以上|之多)?\s*(?:建设|新建|兴建|实施|打造|引进|落地|建成)?的")
ANAPHOR = re.compile(r"(该|此|这一?个?)(项目|工程)|^\s*项目")
DESCRIPTION = re.compile(r"(这是|也是|是|成为|作为|属于|列入|之一)")
STATUS_RE = re.compile(
    r"([^，。；、]{0,8}进入[^，。；]{0,12}阶段|预计[^，。；]{0,12}(?:投产|建成|竣工|完工|运营)|已经?正式启动|正式启动|"
    r"已经?开工|开工建设|全面开工|正式开工|已经?投产|建成投产|正式投产|试生产|已经?竣工|已经?建成|已经?签约|正式签约|"
    r"已经?落户|[^，。；]{0,6}年底(?:前)?(?:投产|建成|竣工))"
)
# Every alternative of STATUS_RE holds one of these words.  Looking for them first is cheap, while
# STATUS_RE's leading [^，。；、]{0,8} makes it try every position of a text without one.
STATUS_WORD = re.compile(r"进入|预计|启动|开工|投产|试生产|竣工|建成|签约|落户|年底")
PRODUCT_RE = re.compile(rf"^([{HAN}A-Za-z0-9（）()·\-]{{1,16}}?)(?=的|生产|产能|能力|项目|，|。|；|、|,|;|$|和|及|等)")
NUMERAL = "一二三四五六七八九十"
# Patterns of the readers below, compiled once: they run for every clause and figure.
TIME_NP = re.compile(r"(?:19|20)?\d{2}年(?:度)?|\d{1,2}月份?|上年|去年|同期|上年同期")
WHOLE_REGION_LEAD = re.compile(r"^(全市|全区|全县|全省|全镇|我市|我区|我县|本市|全国)")
HAN_OR_CAPITAL = re.compile(rf"[{HAN}A-Z]")
LEVEL_END = re.compile(r"(完成|是|相当于)[^，。；]*的$")
SHARE_OF_PLAN = re.compile(r"完成([^，。；]{2,12}?)的$")
BASE_OF_MULTIPLE = re.compile(r"(?:是|相当于)[^，。；]*的$")
COPULA_END = re.compile(r"(是|为)$")
LIST_MARK = re.compile(r"[、和]")
TIME_WORD = re.compile(r"(上年|去年|同期|上年同期|今年|一季度|上半年|\d+年)")
DIGIT_OR_PERCENT = re.compile(r"[\d%％]")
TOPIC_REGION_LEAD = re.compile(r"^(全市|全区|全县|全省|全镇|我市|我区|我县|本市|主要|各项)")
AMOUNT_WORD_END = re.compile(r"(规模|总量|水平)$")
LIST_SPLIT = re.compile(r"[和与及、]")
NUMBERED_LAST = re.compile(rf"^第?([{NUMERAL}])(.+)$")
NUMBERED_FIRST = re.compile(rf"^.*?(第[{NUMERAL}])$")
NUMBERED_ITEM = re.compile(rf"第?[{NUMERAL}]")
AFTER_COMPLETION = re.compile(r"(达产后|投产后|建成后|全部达产|该项目|项目)")
METRIC_VERB = re.compile(r"(实现|完成|达到|达)(?:了)?[^，。；]*$")
NOT_PRODUCT = re.compile(r"^(以上|左右|的|和|及|等|生产|项目|规模|能力)")
GAP_LEAD = re.compile(r"^(为|达|可|约|能力|每年|每月|每天|每日)+")
PRODUCT_CHARS = re.compile(rf"[{HAN}A-Za-z0-9·\-]+")
STATUS_LEAD = re.compile(r"^(目前|该项目|项目)+")


# The readers of noun phrases and topics are pure and are asked about the same piece of text
# more than once (classify and _fact both read the words before a figure): remember them.
CACHE_SIZE = mt.CACHE_SIZE


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
    >>> noun_before("达产后年产值"), noun_before("全市")
    ('年产值', None)
    """
    left = left.rstrip().removesuffix("的")
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
    if TIME_NP.fullmatch(np):
        return None
    for r in mt.regions_in(np):  # a leading place is the region, not the indicator
        if r.start == 0:
            np = np[r.end :]
    np = WHOLE_REGION_LEAD.sub("", np)
    if len(np) < 2 or not HAN_OR_CAPITAL.search(np) or NP_STOP.fullmatch(np):
        return None
    return np


def classify(q: Quantity, local: str, after_figure: bool = False, project_context: bool = False) -> tuple[str, str | None] | None:
    """(fact_type, metric) of a figure from the clause text since the previous figure, or None.

    >>> from pipeline.facts.quantities import parse_quantities as pq
    >>> classify(pq("21.9亿元")[0], "该项目计划总投资")
    ('investment', '计划总投资')
    >>> classify(pq("194.1亿元")[0], "实现固定资产投资")
    ('indicator', None)
    >>> classify(pq("700万套")[0], "投产后计划年产")
    ('capacity', '年产')
    >>> classify(pq("200亩")[0], "年产10万吨项目占地")
    """
    bare = strip_filler(local)
    if q.kind == "money":
        if SUBSCRIPTION.search(bare):
            return None
        if project_context and PROJECT_CAPITAL.search(bare):
            return "investment", PROJECT_CAPITAL.search(bare).group(1)  # 外资项目5个，合同外资2.6亿美元
        m = INVEST_TRIGGER.search(bare)
        if m and not REGION_INVESTMENT.search(bare) and not SECTOR_INVESTMENT.search(bare):
            return "investment", m.group(1)
        if m or INDICATOR_HEAD.search(bare) or noun_before(bare):
            return "indicator", None
        return None
    if q.kind in ("physical", "count"):
        trigger = None
        for trigger in CAPACITY_TRIGGER.finditer(local):
            pass
        if trigger is not None and _capacity_ok(q, trigger.group(1), local[trigger.end() :]):
            return "capacity", trigger.group(1)
        if _is_volume(q, local):
            return "indicator", None
        return None
    if q.kind in ("percent", "pp", "multiple"):
        if q.raw_text.startswith("翻"):
            return "percentage", q.raw_text
        if BOUND.search(bare):
            return None  # 均超过10%, 仍在20%以上: a bound over several items or months, no rate of one
        triggers = RATE_TRIGGER.findall(local)
        return "percentage", (triggers[-1] if triggers else None)
    return None


def bare_money(q: Quantity, local: str, after: str) -> Quantity | None:
    """A bare 万/亿 figure that is money in yuan by the words around it, as that money, else None.

    >>> from pipeline.facts.quantities import parse_quantities as pq
    >>> bare_money(pq("20.8亿")[0], "远超其2010年实现的", "营收与").unit, bare_money(pq("13.2亿")[0], "募资", "，").value
    ('CNY', 1320000000.0)
    >>> bare_money(pq("4450万")[0], "定增", "股募资") is None
    True
    """
    if q.kind != "number" or not q.raw_text.endswith(("万", "亿")):
        return None
    if MONEY_NOUN_AFTER.match(after) or MONEY_WORD_END.search(strip_filler(local)):
        return replace(q, unit="CNY", kind="money")
    return None


def sector_investment(bare: str) -> str | None:
    """The investment of a sector named before its figure (房地产开发完成投资 -> 房地产开发投资).

    >>> sector_investment("其中房地产开发完成投资"), sector_investment("该项目计划总投资")
    ('房地产开发投资', None)
    """
    m = SECTOR_INVESTMENT.search(bare)
    return m.group(1) + "投资" if m else None


def money_noun_after(after: str) -> str | None:
    """The money word right after a figure (20.8亿营收), which names it."""
    m = MONEY_NOUN_AFTER.match(after)
    return m.group(1) if m else None


# A capacity written as an amount per year or day with no capacity word: 6万吨/年粗铅, 800吨镉/年.
PER_PERIOD_AFTER = re.compile(rf"^[{HAN}]{{0,4}}[/／](?:年|日|天)")
NOT_CAPACITY_HEAD = re.compile(r"(需求|产量|消费|销量|供应|出口|进口|需要)")
# What may stand between one figure and the next of the same series: time words, 其中, 也 ...
CONTINUATION_NOISE = re.compile(
    r"(?:(?:19|20)\d{2}年(?:底|末)?|\d{1,2}月(?:底|末|份)?|[一二三四]季度|上半年|下半年|当年|今年|去年|其中|截至|到|至|"
    r"也|还|又|再|而|[，,、；;\s])")


# 突破千亿元大关: a round figure passed, no figure of its own.
MILESTONE_AFTER = re.compile(r"(?:大关|关口)")


def per_period_capacity(local: str, after: str) -> bool:
    """An amount per year or day after which no capacity word was written, and no output word
    before it: a capacity (6万吨/年粗铅), unlike 电石需求约为2700万吨/年 (an indicator).

    >>> per_period_capacity("驰宏锌锗在", "/年粗铅"), per_period_capacity("电石需求预计约为", "/年")
    (True, False)
    """
    if local.rstrip().endswith(("个", "家", "座", "条")):
        return False  # 5-8个100万吨/年电石企业: a class of plants by size
    return bool(PER_PERIOD_AFTER.match(after)) and not NOT_CAPACITY_HEAD.search(local)


def continuation(local: str) -> tuple[bool, str | None]:
    """Whether a figure continues the series of the figure before it in the sentence (2008年产量
    12.48万吨，2009年也达到了12万吨), and the item it is about when it names one (其中轻稀土7.7万吨).

    >>> continuation("，2009年也达到了"), continuation("，其中轻稀土"), continuation("，完成工业投资")
    ((True, None), (True, '轻稀土'), (False, None))
    """
    rest = strip_filler(CONTINUATION_NOISE.sub("", local))
    if not rest:
        return True, None
    np = noun_before(rest)
    if np == rest and len(np) <= 8 and not INDICATOR_HEAD.search(np) and not CAPACITY_TRIGGER.search(np):
        return True, np
    return False, None


def is_price(local: str, after: str) -> bool:
    """Whether money is a price or a per-unit value: 元/股 or 元每吨 after it, a price word before.

    >>> is_price("公司计划以每股", "的底价"), is_price("截至5月27日涨至", "/吨"), is_price("收盘价", "）")
    (True, True, True)
    >>> is_price("计划总投资", "，"), is_price("人均可支配收入", "，")
    (False, False)
    """
    return after.startswith(("/", "／", "每")) or bool(PRICE_BEFORE.search(strip_filler(local)))


def _is_volume(q: Quantity, local: str) -> bool:
    """An amount that is an output, sales or demand figure (an indicator): 产量3320万条, 销售挖掘机
    8万台, 商品房销售面积47.9万平方米 -- not a count of firms or a project's floor area.

    >>> from pipeline.facts.quantities import parse_quantities as pq
    >>> _is_volume(pq("3320万条")[0], "子午胎产量"), _is_volume(pq("15273台")[0], "累计销售工程起重机")
    (True, True)
    >>> _is_volume(pq("47.9万平方米")[0], "商品房销售面积为"), _is_volume(pq("3万平方米")[0], "项目建筑面积")
    (True, False)
    >>> _is_volume(pq("12家")[0], "产量前列的企业")
    False
    """
    bare = strip_filler(local)
    if q.unit in AREA_UNITS:
        return bool(AREA_STATISTIC.search(bare))
    if q.kind == "count" and q.unit not in PRODUCT_COUNTERS:
        return False
    return bool(PHYSICAL_INDICATOR.search(local) or VOLUME_VERB.search(bare))


def _capacity_ok(q: Quantity, trigger: str, gap: str) -> bool:
    """A capacity word governs this figure: close by, nothing else in between, a fitting unit."""
    gap = strip_filler(gap)
    if len(gap) > 16 or NOT_IN_CAPACITY_GAP.search(gap):
        return False
    if q.kind == "count":
        return q.unit in PRODUCT_COUNTERS
    if q.unit in AREA_UNITS:
        return bool(PRODUCTION_TRIGGER.search(trigger))  # 年产偏光片3000万平方米, not 占地200亩
    return True


def last_rate_trigger(clause: str) -> str | None:
    found = RATE_TRIGGER.findall(clause)
    return found[-1] if found else None


def direction_of(metric: str | None) -> str | None:
    """up / down for a change, None for a level (占比) or a comparison (高于).

    >>> direction_of("同比增长"), direction_of("回落"), direction_of("占比"), direction_of("翻了一番")
    ('up', 'down', None, 'up')
    """
    if not metric:
        return None
    if any(w in metric for w in DOWN_WORDS):
        return "down"
    if any(w in metric for w in UP_WORDS):
        return "up"
    return None


def is_level(local: str) -> bool:
    """A rate given as a level with no change word: 亏损面不到10%, 完成年度计划的15.3%, 是2012年的2.5倍."""
    bare = strip_filler(local)
    return bool(LEVEL_END.search(bare)) or noun_before(bare) is not None


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
    """
    pre = strip_filler(local)
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
    pre = ADVERBS.sub("", COPULA_END.sub("", strip_filler(pre)))
    if "分别" in local or LIST_MARK.search(pre):
        return None  # a list: paired by position, not by the words before
    np = noun_before(pre)
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
    for r in mt.regions_in(head):
        if r.start == 0:
            head = head[r.end :]
    if COMPARISON.match(head) or head.startswith(("是", "这是", "也是")):
        return ()  # 比去年同期增长: a comparison base, not a topic
    head = TOPIC_REGION_LEAD.sub("", head)
    head = ADVERBS.sub("", AMOUNT_WORD_END.sub("", head))
    items = [p for p in LIST_SPLIT.split(head) if p]
    return tuple(_complete_list(items)) if len(items) > 1 else ((head,) if len(head) >= 2 else ())


# A clause that only lists things (汽车制造业、通用设备制造业和专用设备制造业三个大类): the list, and the
# count the writer gives it.
LIST_CLAUSE = re.compile(
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
    m = LIST_CLAUSE.match(clause)
    if not m:
        return []
    *items, last = m.group("items").split("、")
    joined = re.split(r"[和与及]", last, maxsplit=1)
    items += [p for p in joined if p]
    count = m.group("count")
    if count and parse_number(count) != len(items):
        return []  # the writer counts otherwise: the list is not what it seems
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
    m = METRIC_VERB.search(left)
    return m.group(1) if m else noun


CAPACITY_MODIFIERS = re.compile(r"^(?:设计|新增|现有|目前|总|综合|年|日|月|最大)+")


def capacity_holder(left: str, trigger: str | None) -> str | None:
    """The noun phrase a capacity noun ends (水泥产能, 烧碱生产能力), written before the figure, when it
    names more than the capacity word itself.

    >>> capacity_holder("中国建材提出，将水泥产能由目前的", "产能"), capacity_holder("新增PVC产能", "产能")
    ('水泥产能', 'PVC产能')
    >>> capacity_holder("投产后计划年产", "年产"), capacity_holder("其产能已达", "产能")
    (None, None)
    """
    if not trigger or not trigger.endswith(("产能", "能力")):
        return None
    end = left.rfind(trigger)
    if end < 0:
        return None
    np = noun_before(left[: end + len(trigger)])
    if left[:end].endswith("的"):  # 福田汽车欧曼重卡的年产能: the capacity of what comes before 的
        np = noun_before(left[: end - 1])
    if np:
        np = np.lstrip("其该此这")  # 其产能: a pronoun names nothing
    core = CAPACITY_MODIFIERS.sub("", np or "")  # 设计年通过能力 names nothing more than its trigger
    return np if np and len(core) > len(CAPACITY_MODIFIERS.sub("", trigger)) else None


def per_of(metric: str | None, local: str, after: str) -> str | None:
    """year / month / day of a capacity, from the trigger, 每月/每天 before it or /年 after it.

    >>> per_of("年产", "", ""), per_of("设计产能", "设计产能为每月", ""), per_of("设计产能", "", "/年"), per_of("装机容量", "", "")
    ('year', 'month', 'year', None)
    """
    text = (metric or "") + " " + local[-8:]
    for word, per in (("每月", "month"), ("每天", "day"), ("每日", "day"), ("每年", "year")):
        if word in text:
            return per
    if after.startswith(("/年", "／年")):
        return "year"
    if after.startswith(("/月", "／月")):
        return "month"
    if after.startswith(("/日", "/天", "／日")):
        return "day"
    if not metric or "装机" in metric:
        return None
    for ch, per in (("日", "day"), ("月", "month"), ("年", "year")):
        if metric.startswith(ch) or metric.startswith("新增" + ch) or metric.startswith("可" + ch):
            return per
    return "year" if "年" in metric else None


def product_after(after: str) -> str | None:
    """What a capacity makes, written after the figure (年产700万套智能空调).

    >>> product_after("智能空调，打造"), product_after("的生产能力")
    ('智能空调', None)
    """
    m = PRODUCT_RE.match(after)
    if not m:
        return None
    product = m.group(1)
    if len(product) < 2 or NOT_PRODUCT.match(product):
        return None
    return product


def product_between(local: str, metric: str | None) -> str | None:
    """What a capacity makes, written between the trigger and the figure (年产车载镜头3000万颗).

    >>> product_between("可年产车载镜头", "年产"), product_between("设计产能为年产差别化涤纶短纤维", "年产")
    ('车载镜头', '差别化涤纶短纤维')
    """
    if not metric or metric not in local:
        return None
    gap = strip_filler(local[local.rindex(metric) + len(metric) :])
    gap = GAP_LEAD.sub("", gap)
    return gap if 2 <= len(gap) <= 16 and PRODUCT_CHARS.fullmatch(gap) else None


def list_item(local: str) -> str | None:
    """The product named by a list item between two capacities (、聚乙烯 -> 聚乙烯).

    >>> list_item("、聚乙烯"), list_item("，其中")
    ('聚乙烯', None)
    """
    m = LIST_ITEM.fullmatch(local)
    return m.group(1) if m else None


def status_near(sentence: str, start: int, project_starts: list[int]) -> str | None:
    """The stage phrase said of a project: searched from its mention to the next project or ；."""
    later = [p for p in project_starts if p > start]
    semicolon = sentence.find("；", start)
    end = min([len(sentence)] + later + ([semicolon] if semicolon >= 0 else []))
    if not STATUS_WORD.search(sentence, start, end):
        return None
    m = STATUS_RE.search(sentence, start, end)
    if not m:
        return None
    return STATUS_LEAD.sub("", m.group(1)) or None


# The stages of a project's life in order, the words that name each, and the words that put a
# stage in the future (预计年底投产: the project is not operating yet).
STAGES = (("signed", "签约|落户|签订"), ("approved", "立项|获批|批复|核准|备案"), ("started", "开工|动工|奠基|启动"),
          ("building", "在建|施工|建设中|进入[^，。；]{0,12}阶段|推进"), ("completed", "竣工|建成|完工"),
          ("operating", "投产|运营|试生产|投入使用|达产"))
STAGE_WORD = re.compile("|".join(f"(?P<{name}>{words})" for name, words in STAGES))
FUTURE = re.compile(r"(预计|计划|将|拟|力争|争取|有望|即将|确保|年底前|年内)[^，。；]{0,14}$")


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
            future = stage if future is None or order.index(stage) > order.index(future) else future
        elif reached is None or order.index(stage) > order.index(reached):
            reached = stage
    if reached is None and future in ("completed", "operating"):
        return "building"
    return reached
