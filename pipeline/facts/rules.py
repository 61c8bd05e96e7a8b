"""What a figure is: investment, capacity, indicator, percentage, or no fact at all.

Each function looks at a short piece of text (the clause before a figure, the words after it)
and answers one question: what type of figure is this, is it a price or a bound, what does a
capacity make and per what period, is a rate a level or a change.  They are pure and have
examples, so a rule can be checked without running the whole extractor.  What a figure is about
(its noun phrase) is read in ``phrases.py``; what is said of projects in ``projects.py``.
"""
from __future__ import annotations

import functools
import re
from typing import Final

from pipeline.facts.openings import OpeningPattern
from pipeline.facts.phrases import (
    INDICATOR_HEAD, LIST_ITEM, RATE_TRIGGER, SECTOR_INVESTMENT, noun_before, strip_filler,
)
from pipeline.facts.quantities import Quantity
from pipeline.records import Fact
from pipeline.text import HAN

INVEST_TRIGGER: Final = re.compile(
    r"(计划总投资|项目总投资|协议总投资|总投资额?|首期投入|首期投资|一期投资|二期投资|三期投资|累计完成投资|"
    r"完成投资额?|累计投资|计划投资|年度计划投资|追加投资|拟投资|预计投资|总投入|投资总额|投资额|投入资金|设备投资|"
    r"到位资金|投入|投资金额|投资|总投资概算|投资概算|概算总额|概算|募资总额|募资|募集资金总额|募集资金|利用募集资金|"
    r"超募资金|自筹资金|立项资金|合同金额|签约金额|注资)$"
)
# Money a share buyer puts in, not a project: 认购不低于1.3亿元 (no fact).
SUBSCRIPTION: Final = re.compile(r"(认购|配售|认缴)$")
# Words of money written without 元 after a bare 万/亿 figure: 20.8亿营收, 募资13.2亿.
MONEY_NOUN_AFTER: Final = OpeningPattern(r"^(?:元)?(营业收入|营收|净利润|净利|利润|收入|销售额|销售收入|产值|税收|利税|资金)")
MONEY_WORD_END: Final = re.compile(r"(收入|营收|净利润?|利润|销售额|产值|收益|资金|金额|募资|投资|税收|利税|总额|概算)$")
# Capital brought into projects; an investment when projects are what the sentence is about.
PROJECT_CAPITAL: Final = re.compile(r"(合同外资|合同利用外资|到位外资|首期到位外资|到位资金|引进外资)$")
# A region's or sector's investment totals are indicators, never a project's investment.
REGION_INVESTMENT: Final = re.compile(
    r"(固定资产投资|工业投资|工业性投资|民间投资|技改投资|技术改造投资|制造业投资|基础设施投资|交通投资|"
    r"交通基础设施投资|房地产开发投资|房地产投资|社会投资|外商投资|实际利用外资|合同利用外资|利用外资|生产性投资|"
    r"服务业投资|农业投资|民生投资|生态环保投资|高新技术产业投资|社会事业投资|有效投资)$"
)
# 年产 opens a capacity; 2012年产量 (a year, then 产量) and 年产量/年产值 (output) do not.
CAPACITY_TRIGGER: Final = re.compile(
    r"(新增年产|形成年产|可年产|年产能|设计年产能|(?<![\d〇零一二三四五六七八九十])年产(?![量值])|设计产能|总产能|产能|"
    r"日产能|日产|月产能|月产|"
    r"(?:年|日|月)?(?:设计)?(?:生产|处理|加工|供应|供热|供汽|供水|吞吐|仓储|储存|储运|发电|运输|通过)能力|"
    rf"(?:年|日|月)(?:设计)?[{HAN}]{{1,3}}能力|"
    r"年处理|日处理|年加工|日供[热汽水]|装机容量|总装机|装机规模|装机|(?:每年|每天|每日)可?(?:生产|加工|处理))"
)
PRODUCTION_TRIGGER: Final = re.compile(r"(年产|月产|日产|产能|生产能力)")
AREA_UNITS: Final = frozenset({"平方米", "平方公里", "亩", "公顷", "公里", "米"})
# Counters that count products (a capacity) rather than people, firms or events.
PRODUCT_COUNTERS: Final = frozenset("片 颗 条 只 个 件 套 台 辆 部 块 支 瓶 双 箱 根 张 副 组 盏 艘 架 枚".split())
NOT_IN_CAPACITY_GAP: Final = re.compile(r"(占地|面积|用地|建筑|规划|投资|员工|就业|亩)")
PHYSICAL_INDICATOR: Final = re.compile(
    r"(吞吐量|产量|发电量|用电量|售电量|货运量|客运量|销量|供应量|处理量|交易量|成交量|需求量|消费量|消耗量|"
    r"出货量|交付量|装机量|保有量|业务量|业务总量|周转量|试产|指标)")
# A volume produced or sold, written with its verb: 生产轮胎7281万条, 销售工程起重机1.5万台.
VOLUME_VERB: Final = re.compile(rf"(?:生产|销售|售出|售|出口|进口|交付|产出|试产)[{HAN}A-Za-z0-9]{{0,12}}$")
# Money that is a price or a value per unit (policy 14): 每股10.1元, 收盘价57.47元, 118.45万元/吨.
PRICE_BEFORE: Final = re.compile(
    r"(每[^\d，。；]{0,2}|亩均|单价|均价|价格|股价|收盘价|开盘价|售价|报价|发行价|底价|票价|房价|租金|价)"
    r"(?:为|达|达到|是|约|仅|在|涨至|跌至|上涨至|降至|回落至|升至|报)?$")
# A rate said of several items or periods at once as a bound (均超过10%, 都在60%以上, 仍在20%以上).
BOUND: Final = re.compile(r"(均|都|仍|皆)在?$")
# Floor-space statistics of a city or sector (not a project's planned area).
AREA_STATISTIC: Final = re.compile(r"(施工面积|新开工面积|销售面积|竣工面积)$")
DOWN_WORDS: Final = ("下降", "降幅", "减少", "下滑", "回落", "降低", "收窄", "放缓", "下跌", "跌幅")
UP_WORDS: Final = ("增长", "增速", "增幅", "提高", "提升", "上升", "增加", "上涨", "涨幅", "翻", "回升", "扩大", "加快")
PRODUCT_RE: Final = re.compile(rf"^([{HAN}A-Za-z0-9（）()·\-]{{1,16}}?)(?=的|生产|产能|能力|项目|，|。|；|、|,|;|$|和|及|等)")
LEVEL_END: Final = re.compile(r"(完成|是|相当于)[^，。；]*的$")
NOT_PRODUCT: Final = re.compile(r"^(以上|左右|的|和|及|等|生产|项目|规模|能力)")
GAP_LEAD: Final = re.compile(r"^(为|达|可|约|能力|每年|每月|每天|每日)+")
PRODUCT_CHARS: Final = re.compile(rf"[{HAN}A-Za-z0-9·\-]+")


# 突破千亿元大关: a round figure passed.  After the figure itself (实现产值1026亿元，首次突破千亿元
# 大关) it is a bound of that figure, no fact of its own; alone, it is the figure the text gives.
MILESTONE_AFTER: Final = OpeningPattern(r"(?:大关|关口)")


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
            return "investment", PROJECT_CAPITAL.search(bare).group(1)  # type: ignore[union-attr]  # 外资项目5个，合同外资2.6亿美元
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
        if BOUND.search(bare) or BOUND.search(local.rstrip()):
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
        return q.as_money()
    return None


def money_noun_after(after: str) -> str | None:
    """The money word right after a figure (20.8亿营收), which names it."""
    m = MONEY_NOUN_AFTER.match(after)
    return m.group(1) if m else None


# A capacity written as an amount per year or day with no capacity word: 6万吨/年粗铅, 800吨镉/年.
PER_PERIOD_AFTER: Final = re.compile(rf"^[{HAN}]{{0,4}}[/／](?:年|日|天)")
NOT_CAPACITY_HEAD: Final = re.compile(r"(需求|产量|消费|销量|供应|出口|进口|需要)")
# What may stand between one figure and the next of the same series: time words, 其中, 也 ...
CONTINUATION_NOISE: Final = re.compile(
    r"(?:(?:19|20)\d{2}年(?:底|末)?|\d{1,2}月(?:底|末|份)?|[一二三四]季度|上半年|下半年|当年|今年|去年|其中|截至|到|至|"
    r"也|还|又|再|而|[，,、；;\s])")




def per_period_capacity(local: str, after: str) -> bool:
    """An amount per year or day after which no capacity word was written, and no output word
    before it: a capacity (6万吨/年粗铅), unlike 电石需求约为2700万吨/年 (an indicator).

    >>> per_period_capacity("驰宏锌锗在", "/年粗铅"), per_period_capacity("电石需求预计约为", "/年")
    (True, False)
    """
    return bool(PER_PERIOD_AFTER.match(after)) and not NOT_CAPACITY_HEAD.search(local)


def continuation(local: str) -> tuple[bool, str | None]:
    """Whether a figure continues the series of the figure before it in the sentence (2008年产量
    12.48万吨，2009年也达到了12万吨), and the item it is about when it names one (其中轻稀土7.7万吨).

    >>> continuation("，2009年也达到了"), continuation("，其中轻稀土"), continuation("，完成工业投资")
    ((True, None), (True, '轻稀土'), (False, None))
    >>> continuation("，家具类上涨")  # a rate word: the clause names its own subject
    (False, None)
    """
    rest = strip_filler(CONTINUATION_NOISE.sub("", local))
    if not rest:
        return True, None
    np = noun_before(rest)
    if np == rest and len(np) <= 8 and not RATE_TRIGGER.search(np) and not INDICATOR_HEAD.search(np) and not CAPACITY_TRIGGER.search(np):
        return True, np
    return False, None


# Values per unit and averages inside the noun a figure ends (policy 14): 亩均税收, 平均每家企业投资规模.
PER_UNIT_NOUN: Final = re.compile(r"(亩均|户均|平均|每家|每个|每户|单位面积|单台|单个)[^，。；、]{0,12}$")
# Vague amounts (policy 14): 数亿元, 几千万, 十几亿.
VAGUE: Final = re.compile(r"^[数几]|几")


def capacity_in_name(q: Quantity, name: str | None) -> bool:
    """Whether a physical amount inside a project's name is the project's capacity (policy 12):
    30万吨合成氨项目, 2×34万千瓦热电项目; not 1.2万平方米厂房改造项目 (an area).

    >>> from pipeline.facts.quantities import parse_quantities as pq
    >>> capacity_in_name(pq("30万吨")[0], "30万吨合成氨项目"), capacity_in_name(pq("2万平方米")[0], "2万平方米厂房项目")
    (True, False)
    """
    return bool(name) and q.unit not in AREA_UNITS and name.endswith(("项目", "工程", "基地", "电站", "电厂"))  # type: ignore[union-attr]


def counted_plants(before: str) -> bool:
    """形成5-8个100万吨/年电石生产基地: a number of plants of a size, a class rather than one plant
    (``before``: the text just before the figure; the count may be a figure of its own).

    >>> counted_plants("形成5-8个"), counted_plants("建设")
    (True, False)
    """
    return before.rstrip().endswith(("个", "家", "座", "条"))


# The money of a project named right after it, behind a verb of signing or investing (policy 15):
# 签约12.4亿美元轻轨项目, 引进5亿元智能制造项目.
SIGNED_FOR: Final = re.compile(r"(签约|签下|签订|引进|落户|投资|总投资)$")

# After a figure: the class it bounds (超过50%的4个省份) or what a count counts when that is no
# product (60多个国家, 12家企业).
CLASS_AFTER: Final = OpeningPattern(r"^的?[\d一二三四五六七八九十两]+[个家]?(?:省份|省|城市|地区|县|企业|行业|国家)")
NOT_PRODUCT_AFTER: Final = re.compile(r"^(?:国家|省份|省|城市|地区|县|区|乡镇|企业|公司|项目|人|行业|部门|单位)")


def is_class_or_count(q: Quantity, after: str) -> bool:
    """A figure that bounds a class or counts places and firms: no fact (policy 9).

    >>> from pipeline.facts.quantities import parse_quantities as pq
    >>> is_class_or_count(pq("50%")[0], "的4个省份全部"), is_class_or_count(pq("60多个")[0], "国家的最大")
    (True, True)
    >>> is_class_or_count(pq("500万只")[0], "LED灯")
    False
    """
    if q.kind == "count" and NOT_PRODUCT_AFTER.match(after):
        return True
    return bool(CLASS_AFTER.match(after))


def is_unit_value(q: Quantity, local: str) -> bool:
    """A per-unit value, an average or a vague amount: no fact (policy 14).

    >>> from pipeline.facts.quantities import parse_quantities as pq
    >>> is_unit_value(pq("28.6万元")[0], "规上工业企业亩均税收"), is_unit_value(pq("数亿元")[0], "另有")
    (True, True)
    >>> is_unit_value(pq("5.2万元")[0], "城镇居民人均可支配收入"), is_unit_value(pq("上百万元")[0], "投资")
    (False, False)
    """
    return bool(VAGUE.search(q.raw_text)) or (
        q.kind in ("money", "physical") and bool(PER_UNIT_NOUN.search(strip_filler(local))))


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


@functools.lru_cache(maxsize=256)  # asked for every rate, of a few dozen rate words
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


def per_of(metric: str | None, local: str, after: str) -> str | None:
    """year / month / day of a capacity, from the trigger, 每月/每天 before it or /年 after it.

    >>> per_of("年产", "", ""), per_of("设计产能", "设计产能为每月", ""), per_of("设计产能", "", "/年"), per_of("装机容量", "", "")
    ('year', 'month', 'year', None)
    """
    text = (metric or "") + " " + local[-8:]
    for word, per in (("每月", "month"), ("每天", "day"), ("每日", "day"), ("每年", "year")):
        if word in text:
            return per
    if after.startswith(("/年", "／年", "/a")):
        return "year"
    if after.startswith(("/月", "／月")):
        return "month"
    if after.startswith(("/日", "/天", "／日", "/d")):
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


def first_statements(facts: list[Fact]) -> list[Fact]:
    """The facts without the figures the body states again (a lead restated in a crosshead, a
    project's capacity in its name and again later, 36.7亿元 restated as 36.71亿元): the same
    type, unit and subject and a value within 0.5 % is one fact, read where it is first stated.
    The same subject may be written shorter or longer where both sentences name it (食品类价格上涨
    13.4% … 食品和居住类价格分别上涨13.4%和10.5%).  An amount or capacity stated again under a
    subject its sentence does not name (项目建成后，将形成年产…53000公里的生产能力, after the
    project named it) is the same figure too; an item of a list under a carried subject is not."""
    kept: list[Fact] = []
    # The kept facts by (type, unit, direction), which a restatement shares with its first
    # statement: a fact is compared with those only, not with every fact kept before it.  Each is
    # kept with its value and offset, read once (a Fact's fields are attributes of a Python class).
    alike: dict[tuple, list[tuple[float, int, Fact]]] = {}
    for fact in facts:
        value, start = fact.value, fact.char_start
        same_kind = alike.setdefault((fact.fact_type, fact.unit, fact.direction), [])
        named_here = bool(fact.subject) and fact.subject in fact.sentence  # type: ignore[operator]
        if not named_here and fact.subject_source in ("joined", "list", "series", "shared"):
            kept.append(fact)  # an item of a list under a carried subject is a figure of its own
            same_kind.append((value, start, fact))
            continue
        # any subject will do: an amount under a carried subject, or a capacity inside a name printed
        # again and shortened (会泽16万吨铅锌冶炼项目 … 会泽16万吨铅锌项目)
        any_subject = (fact.fact_type != "percentage" and not named_here) or (
            fact.fact_type == "capacity" and named_here and fact.raw_text in fact.subject)  # type: ignore[operator]
        restated = False
        if fact.subject or any_subject:
            for k_value, k_start, k in same_kind:
                if abs(k_value - value) <= 0.005 * max(abs(k_value), abs(value)) and k_start != start \
                        and (any_subject or _same_subject(k, fact, named_here)):
                    restated = True
                    break
        if restated:
            continue
        kept.append(fact)
        same_kind.append((value, start, fact))
    return kept


def _same_subject(a: Fact, b: Fact, b_named_here: bool) -> bool:
    if a.subject == b.subject:
        return True
    if not (b_named_here and a.subject and b.subject and a.subject in a.sentence):
        return False
    short, long_ = sorted((a.subject, b.subject), key=len)
    return len(short) >= 2 and long_.startswith(short)
