"""Quantities -> typed facts linked to their subject, project, region and period.

The text is read sentence by sentence and, inside a sentence, clause by
clause (，；：).  Every quantity is parsed once (``parse_quantities``), then
typed by the trigger words just before it:

* money after an investment word (总投资, 首期投入 …) is an ``investment`` of a
  project, unless the thing invested in is a region's 固定资产投资/工业投资,
  which is an ``indicator``; other money with an indicator noun is an
  ``indicator`` (财政总收入128.4亿元);
* a physical amount after a capacity word (年产, 设计产能, 装机容量 …) is a
  ``capacity``; with an indicator noun (吞吐量, 产量) it is an ``indicator``;
* %, 个百分点 and 倍 after a rate word (增长, 占比, 提升 …) are ``percentage``.

Subjects follow how Chinese economic prose is written: the clause names its
topic first (财政收入继续保持较高增幅，实现财政总收入128.4亿元，增长12.9%), a
rate describes the amount before it, 分别 pairs a list with the figures in
order, and 该项目 points back to the last named project.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline import mentions as mt
from pipeline.quantities import Quantity, parse_quantities
from pipeline.records import Fact, Project

SENTENCE_RE = re.compile(r"[^。！？!?\n]*(?:[。！？!?…]+[”’」』）)]*|\n|$)")
CLAUSE_SPLIT = re.compile(r"[，,；;：:]")

INVEST_TRIGGER = re.compile(
    r"(计划总投资|项目总投资|总投资额?|首期投入|首期投资|一期投资|二期投资|三期投资|累计完成投资|完成投资|"
    r"累计投资|计划投资|追加投资|拟投资|预计投资|总投入|投资总额|投资额|投入资金|投入|投资)$"
)
# A region's investment totals are indicators, never a project's investment.
REGION_INVESTMENT = re.compile(
    r"(固定资产投资|工业投资|工业性投资|民间投资|技改投资|技术改造投资|制造业投资|基础设施投资|"
    r"房地产开发投资|项目投资|社会投资|外商投资|实际利用外资|合同利用外资|到位外资|利用外资|生产性投资)$"
)
CAPACITY_TRIGGER = re.compile(
    r"(新增年产|形成年产|可年产|年产能|年产|设计产能|设计年产能|产能|年处理能力|年处理|日处理能力|日处理|"
    r"日产能|日产|月产能|月产|年加工能力|年加工|装机容量|总装机|装机规模|装机|年吞吐能力|年设计吞吐能力|"
    r"年发电能力|年供应能力|年生产能力|生产能力|年仓储能力|年储存能力)"
)
RATE_TRIGGER = re.compile(
    r"(同比增长|同比下降|同比减少|同比提高|同比上升|同比回落|同比增加|环比增长|环比下降|比上年增长|比上年下降|"
    r"增长|增速|增幅|下降|降幅|减少|下滑|回落|提高|提升|上升|增加|上涨|降低|占比|比重|占|贡献率|"
    r"翻了?[一两]?番|达到|为)"
)
DOWN_WORDS = ("下降", "降幅", "减少", "下滑", "回落", "降低")
UP_WORDS = ("增长", "增速", "增幅", "提高", "提升", "上升", "增加", "上涨", "翻")
LEVEL_WORDS = ("占比", "比重", "占", "贡献率")
INDICATOR_HEAD = re.compile(
    r"(生产总值|GDP|增加值|总产值|产值|总收入|收入|总额|零售额|销售额|出口额|进口额|出口|进口|利润总额|利润|"
    r"利税|税收|税金|营收|营业收入|主营业务收入|销售收入|吞吐量|产量|发电量|用电量|货运量|客运量|成交额|"
    r"交易额|存款余额|贷款余额|余额|存款|贷款|规模|资金|预算|支出|效益|收益|消费|投资|外资|内资)$"
)
# Words that end a noun phrase when we read a subject backwards from a trigger.
NP_STOP = re.compile(
    r"(实现|完成|达到|达|保持|继续|其中|全年|今年|去年|当年|同期|同比|环比|比上年|较上年|累计|共计|总计|合计|"
    r"分别|约|近|为|是|有|的|了|和|与|及|在|将|已|可|也|均|都|还|并|则|而|较|比|按|以|由|对|从|"
    r"一季度|二季度|三季度|四季度|第一季度|第二季度|第三季度|第四季度|前三季度|上半年|下半年|\d+月|"
    r"全市|全区|全县|全省|全镇|我市|我区|我县|本市|全国)$"
)
FILLER = re.compile(r"(约|近|超过|超|逾|高达|达到|达|为|共|累计|总计|合计|突破|实现|完成|分别|预计|计划|可|将|已|了|的|同比|人民币|以上)+$")
CLAUSE_TOPIC_LEAD = re.compile(
    r"^(?:其中|同时|此外|另外|而|但|全年|今年|去年|当年|同期|目前|截至目前|[一二三四]季度|第[一二三四]季度|"
    r"前三季度|上半年|下半年|\d{1,2}[-—至到]\d{1,2}月|\d{1,2}月份?|\d{4}年)+"
)
TOPIC_VERB = re.compile(
    r"(成为|实现|完成|达到|达|增长|下降|保持|继续|占|为|是|可|将|已|同比|比上年|较|共|累计|新增|提升|提高|加快|"
    r"超过|突破|位居|居|排名|列|创|首次|稳步|持续|呈现|总体|运行|好于|高于|低于|均|都|分别)"
)
STATUS_RE = re.compile(
    r"([^，。；、]{0,8}进入[^，。；]{0,12}阶段|预计[^，。；]{0,12}(?:投产|建成|竣工|完工|运营)|已经?正式启动|正式启动|"
    r"已经?开工|开工建设|全面开工|已经?投产|建成投产|正式投产|试生产|已经?竣工|已经?建成|已经?签约|正式签约|"
    r"已经?落户|[^，。；]{0,6}年底(?:前)?(?:投产|建成|竣工))"
)
PRODUCT_RE = re.compile(rf"^([{mt.HAN}A-Za-z0-9（）()·\-]{{1,16}}?)(?=的|生产|产能|能力|项目|，|。|；|、|,|;|$|和|及|等)")
LIST_JOINER = re.compile(r"\s*(?:和|与|及|以及|、|，|,|或)\s*")
AREA_UNITS = frozenset({"平方米", "平方公里", "亩", "公顷", "公里", "米"})
CAPACITY_UNITS_OK = frozenset({"吨", "公斤", "套", "台", "辆", "件", "千瓦", "千瓦时", "立方米", "标箱"})


@dataclass
class _Context:
    """What the reader remembers while walking an article."""

    pub_year: int | None
    article_region: str | None
    paragraph_period: str | None = None
    last_project: int | None = None  # ordinal of the last named project
    projects: list[Project] = field(default_factory=list)
    names: dict[str, int] = field(default_factory=dict)  # project name -> ordinal


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of sentences (ending at 。！？ and their closing quotes, or a line break).

    >>> text = "财政总收入128.4亿元，增长12.9%。“好。”\\n下一段"
    >>> [text[a:b] for a, b in split_sentences(text)]
    ['财政总收入128.4亿元，增长12.9%。', '“好。”', '下一段']
    """
    spans = []
    for m in SENTENCE_RE.finditer(text):
        a, b = m.span()
        while b > a and text[b - 1] == "\n":
            b -= 1
        if b > a and text[a:b].strip():
            spans.append((a, b))
    return spans


def extract_facts(text: str, published_at: str | None = None, region: str | None = None) -> list[Fact]:
    """Facts in a body text (offsets into ``text``); see :func:`extract` for projects too.

    >>> [(f.fact_type, f.subject, f.value, f.unit) for f in extract_facts("该项目计划总投资21.9亿元，投产后计划年产700万套智能空调。")]
    [('investment', None, 2190000000.0, 'CNY'), ('capacity', None, 7000000.0, '套')]
    """
    return extract(text, published_at, region)[0]


def extract(
    text: str,
    published_at: str | None = None,
    region: str | None = None,
    sentences: list[tuple[int, int]] | None = None,
) -> tuple[list[Fact], list[Project]]:
    """Facts and the projects they belong to, for one article body."""
    pub_year = int(published_at[:4]) if published_at and published_at[:4].isdigit() else None
    ctx = _Context(pub_year=pub_year, article_region=region or mt.main_region(text))
    quantities = parse_quantities(text)
    facts: list[Fact] = []
    spans = sentences if sentences is not None else split_sentences(text)
    qi = 0
    paragraph_start = -1
    for a, b in spans:
        par = text.rfind("\n", 0, a) + 1
        if par != paragraph_start:
            paragraph_start = par
            ctx.paragraph_period = None
            ctx.last_project = None
        sentence_qs = []
        while qi < len(quantities) and quantities[qi].start < b:
            if quantities[qi].start >= a:
                sentence_qs.append(quantities[qi])
            qi += 1
        facts.extend(_sentence_facts(text, a, b, sentence_qs, ctx))
    return facts, ctx.projects


def _clauses(sentence: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for m in CLAUSE_SPLIT.finditer(sentence):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, len(sentence)))
    return out


def _sentence_facts(text: str, a: int, b: int, qs: list[Quantity], ctx: _Context) -> list[Fact]:
    sentence = text[a:b]
    period = mt.period_in(sentence, ctx.pub_year)
    if period:
        ctx.paragraph_period = period
    period = period or ctx.paragraph_period
    regions = mt.regions_in(sentence)
    project_mentions = _project_mentions(sentence)
    companies = mt.companies_in(sentence)
    clauses = _clauses(sentence)
    facts: list[Fact] = []
    topic: list[str] = []  # current topic (a list under 分别)
    last_money_subject: str | None = None
    last_rate_trigger: str | None = None
    for ci, (ca, cb) in enumerate(clauses):
        clause = sentence[ca:cb]
        clause_topic = _clause_topic(clause)
        if clause_topic:
            topic = clause_topic
        in_clause = [q for q in qs if ca <= q.start - a < cb]
        respectively = "分别" in clause
        list_index = 0
        prev_end, prev_kind, prev_noun = ca, None, None
        for q in in_clause:
            qa = q.start - a
            left = sentence[ca:qa]
            local = sentence[prev_end:qa]
            # 98亿元和198.7亿元: a figure joined to the previous one shares its trigger and noun
            joined = prev_kind is not None and LIST_JOINER.fullmatch(local)
            prev_end = q.end - a
            kind = prev_kind if joined else _classify(q, local if prev_kind else left)
            if kind is None:
                continue
            prev_kind = kind
            fact_type, metric = kind
            subject, project = None, None
            per = product = direction = None
            if fact_type in ("investment", "capacity"):
                subject, project = _project_subject(sentence, qa, q.end - a, project_mentions, companies, ctx, regions)
                if fact_type == "capacity":
                    per = _per(metric)
                    product = _product(sentence[q.end - a : cb])
            elif fact_type == "indicator":
                noun = prev_noun if joined else _np_before(FILLER.sub("", local if prev_kind else left))
                prev_noun = noun
                if respectively and len(topic) > 1:
                    item = topic[min(list_index, len(topic) - 1)]
                    subject = item + noun if noun and not noun.startswith(item) else item
                    list_index += 1
                else:
                    subject = noun or (topic[0] if topic else None)
                if subject is None:
                    continue
                project_ref = _project_indicator(subject, left, project_mentions, ctx)
                if project_ref is not None:
                    project = project_ref
                    subject = ctx.projects[project - 1].name if subject in ("年产值", "年销售收入", "税收", "产值") else subject
                metric = _indicator_metric(left, noun)
                last_money_subject = subject
                if not (respectively and len(topic) > 1):
                    topic = [subject]
            else:  # percentage
                trigger = metric or last_rate_trigger
                if trigger is None:
                    continue
                metric = trigger
                direction = _direction(trigger)
                explicit = _np_before(FILLER.sub("", re.sub(RATE_TRIGGER.pattern + r"$", "", left)))
                if respectively and len(topic) > 1:
                    subject = topic[min(list_index, len(topic) - 1)]
                    list_index += 1
                else:
                    subject = explicit or (topic[0] if topic else last_money_subject)
                if subject is None:
                    continue
            if RATE_TRIGGER.search(left):
                last_rate_trigger = RATE_TRIGGER.findall(left)[-1]
            facts.append(Fact(
                fact_type=fact_type, value=q.value, unit=q.unit, raw_text=q.raw_text,
                char_start=q.start, char_end=q.end, sentence=sentence.strip(), subject=subject,
                metric=metric, value_max=q.value_max, per=per, product=product, direction=direction,
                approx=q.approx, region=_region(regions, qa, ctx, project), period=period, project=project,
            ))
        m = RATE_TRIGGER.search(clause)
        if m and not in_clause:
            last_rate_trigger = RATE_TRIGGER.findall(clause)[-1]
    return facts


def _classify(q: Quantity, left: str) -> tuple[str, str | None] | None:
    """(fact_type, metric) for a quantity given the clause text before it, or None."""
    bare = FILLER.sub("", left)
    if q.kind == "money":
        m = INVEST_TRIGGER.search(bare)
        if m:
            if REGION_INVESTMENT.search(bare):
                return "indicator", m.group(1)
            return "investment", m.group(1)
        if INDICATOR_HEAD.search(bare) or _np_before(bare):
            return "indicator", None
        return None
    if q.kind == "physical":
        m = None
        for m in CAPACITY_TRIGGER.finditer(left):
            pass
        if m and q.unit in CAPACITY_UNITS_OK:
            return "capacity", m.group(1)
        if q.unit in AREA_UNITS:
            return None
        if INDICATOR_HEAD.search(bare):
            return "indicator", None
        return None
    if q.kind in ("percent", "pp", "multiple"):
        if q.raw_text.startswith("翻"):
            return "percentage", q.raw_text
        triggers = RATE_TRIGGER.findall(left[-12:])
        trigger = triggers[-1] if triggers else None
        if trigger in ("达到", "为"):
            trigger = None  # a level word only: the rate word is in an earlier clause
        return "percentage", trigger
    return None


def _np_before(left: str) -> str | None:
    """The noun phrase that ends ``left`` (an indicator name), read backwards to a stop word.

    >>> _np_before("鄞州区实现进出口总额"), _np_before("其中工业投资"), _np_before("全区规上工业增加值")
    ('进出口总额', '工业投资', '规上工业增加值')
    """
    left = left.rstrip()
    i = len(left)
    while i > 0:
        ch = left[i - 1]
        if not (("\u3400" <= ch <= "\u9fff") or ch.isalnum()):
            break
        if NP_STOP.search(left[max(0, i - 6) : i]) and i < len(left):
            break
        i -= 1
    np = left[i:]
    # a leading place is the region, not the indicator
    for r in mt.regions_in(np):
        if r.start == 0:
            np = np[r.end :]
    np = re.sub(r"^(全市|全区|全县|全省|全镇|我市|我区|我县|本市)", "", np)
    if len(np) < 2 or not re.search(rf"[{mt.HAN}A-Z]", np):
        return None
    return np


def _clause_topic(clause: str) -> list[str]:
    """The topic a clause opens with (服务业, 财政收入), a list for 工业和服务业, else []."""
    body = CLAUSE_TOPIC_LEAD.sub("", clause.strip())
    m = TOPIC_VERB.search(body)
    if not m or m.start() < 2:
        return []
    head = body[: m.start()]
    if re.search(r"[\d%％]", head) or len(head) > 16:
        return []
    for r in mt.regions_in(head):
        if r.start == 0:
            head = head[r.end :]
    head = re.sub(r"^(全市|全区|全县|全省|全镇|我市|我区|我县|本市|主要|各项)", "", head)
    if len(head) < 2:
        return []
    parts = [p for p in re.split(r"[和与及、]", head) if len(p) >= 2]
    return parts or []


def _project_mentions(sentence: str) -> list[mt.Mention]:
    companies = mt.companies_in(sentence)
    found = mt.projects_in(sentence) + mt.ventures_in(sentence) + mt.quoted_after_company(sentence, companies)
    return sorted(found, key=lambda m: m.start)


def _project_ordinal(name: str, company: str | None, region: str | None, status: str | None, ctx: _Context) -> int:
    key = name.removesuffix("项目")
    if key in ctx.names:
        ordinal = ctx.names[key]
        old = ctx.projects[ordinal - 1]
        if (company and not old.company) or (status and not old.status):
            ctx.projects[ordinal - 1] = Project(old.ordinal, old.name, old.company or company, old.region or region,
                                                old.status or status)
        return ordinal
    ordinal = len(ctx.projects) + 1
    ctx.projects.append(Project(ordinal, name, company, region, status))
    ctx.names[key] = ordinal
    return ordinal


def _project_subject(sentence, qa, qb, project_mentions, companies, ctx, regions) -> tuple[str | None, int | None]:
    """The project an investment or capacity belongs to, registered as a project row."""
    after = sentence[qb : qb + 30]
    chosen = None
    # 投资上百万元的真空泵装配流水线: the name follows the amount
    if after.startswith("的"):
        for m in project_mentions:
            if m.start > qb and m.start - qb <= 20 and "，" not in sentence[qb : m.start]:
                chosen = m
                break
    if chosen is None:
        before = [m for m in project_mentions if m.end <= qa]
        if before:
            chosen = before[-1]
    company = None
    comps_before = [c for c in companies if c.end <= (chosen.start if chosen else qa) + 1]
    if comps_before:
        company = comps_before[-1].text
    elif companies:
        company = companies[0].text
    status = _status(sentence, chosen.start if chosen else (comps_before[-1].start if comps_before else 0), project_mentions)
    region = _region(regions, qa, ctx, None)
    if chosen is not None:
        # prefer a venture/quoted name's owner project with a 项目 word when they overlap
        ordinal = _project_ordinal(chosen.text, company, region, status, ctx)
        ctx.last_project = ordinal
        return chosen.text, ordinal
    if ctx.last_project is not None and mt.ANAPHORA.search(sentence[:qa] + "目"):
        p = ctx.projects[ctx.last_project - 1]
        return p.name, p.ordinal
    if company:
        ordinal = _project_ordinal(company, company, region, status, ctx)
        ctx.last_project = ordinal
        return company, ordinal
    if ctx.last_project is not None:
        p = ctx.projects[ctx.last_project - 1]
        return p.name, p.ordinal
    return None, None


def _status(sentence: str, start: int, project_mentions: list[mt.Mention]) -> str | None:
    """The stage phrase said of a project: searched from its mention to the next project or 。；."""
    later = [m.start for m in project_mentions if m.start > start]
    end = min([len(sentence)] + later + [i for i in (sentence.find("；", start),) if i >= 0])
    m = STATUS_RE.search(sentence, start, end)
    return m.group(1).lstrip("目前该项目") or None if m else None


def _project_indicator(subject: str, left: str, project_mentions, ctx: _Context) -> int | None:
    """A project's 年产值/年销售收入/税收 belongs to that project."""
    if not re.search(r"(年产值|年销售收入|年销售额|年营业收入|税收|利税|产值|销售收入)$", subject):
        return None
    return ctx.last_project


def _indicator_metric(left: str, noun: str | None) -> str | None:
    m = re.search(r"(实现|完成|达到|达)(?:了)?[^，。；]*$", left)
    return m.group(1) if m else noun


def _per(metric: str | None) -> str | None:
    if not metric:
        return None
    if metric.startswith("日"):
        return "day"
    if metric.startswith("月"):
        return "month"
    if "年" in metric:
        return "year"
    return None


def _product(after: str) -> str | None:
    m = PRODUCT_RE.match(after)
    if not m:
        return None
    product = m.group(1)
    return product if len(product) >= 2 and not re.match(r"^(以上|左右|的|和|及|等)", product) else None


def _direction(trigger: str) -> str | None:
    if any(w in trigger for w in DOWN_WORDS):
        return "down"
    if trigger in LEVEL_WORDS:
        return None
    if any(w in trigger for w in UP_WORDS):
        return "up"
    return None


def _region(regions: list[mt.Mention], qa: int, ctx: _Context, project: int | None) -> str | None:
    before = [r for r in regions if r.end <= qa]
    if before:
        return before[-1].text
    return ctx.article_region
