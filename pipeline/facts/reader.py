"""Quantities -> typed facts linked to their subject, project, region and period.

The text is read sentence by sentence and, inside a sentence, clause by
clause (，；：).  Every quantity is parsed once (``parse_quantities``), then
typed by the trigger words just before it:

* money after an investment word (总投资, 首期投入 …) is an ``investment`` of a
  project, unless the thing invested in is a region's 固定资产投资/工业投资,
  which is an ``indicator``; other money after an indicator noun is an
  ``indicator`` (财政总收入128.4亿元);
* an amount right after a capacity word (年产, 设计产能, 装机容量 …) is a
  ``capacity``; with an indicator noun (吞吐量, 产量) it is an ``indicator``;
* %, 个百分点 and 倍 after a rate word (增长, 占比, 提升 …) are ``percentage``.

Subjects follow how Chinese economic prose is written: a clause names its
topic first (财政收入继续保持较高增幅，实现财政总收入128.4亿元，增长12.9%), a
rate describes the amount before it, 分别 pairs a list with the figures in
order, comparisons (比上年, 高于全市) name a base that is not the subject, and
该项目 points back to the last named project.  Patterns live in
``rules.py``; this module is the reading order.  Sentences are those of
:func:`pipeline.text.sentence_spans`, the boundaries the spaCy pipeline draws too.
"""
from __future__ import annotations

import re
from typing import Final

from pipeline.facts import mentions as mt
from pipeline.facts import phrases as P
from pipeline.facts import projects as J
from pipeline.facts import rules as R
from pipeline.facts.confidence import confidence, resourced
from pipeline.facts.context import ArticleContext, Named, SentenceRegions, pass_over
from pipeline.facts.makers import make_fact, make_project
from pipeline.facts.periods import period_in
from pipeline.facts.places import gazetteer
from pipeline.facts.quantities import Quantity, parse_quantities
from pipeline.facts.regions import article_places
from pipeline.records import Fact, Project
from pipeline.text import sentence_spans

CLAUSE_SPLIT: Final = re.compile(r"[，,；;：:]")

# Shortcuts past work whose outcome is known: sentences without a figure or a mention word, those
# after the last figure, a sentence's regions read off the article's.  They change no fact:
# tests/facts/test_fast_path_identical.py checks that with them off.
FAST_PATH = True


def extract_facts(text: str, published_at: str | None = None, region: str | None = None) -> list[Fact]:
    """Facts in a body text, offsets into ``text`` (see :func:`extract` for projects too).

    >>> [(f.fact_type, f.subject, f.value, f.unit) for f in extract_facts(
    ...     "奥克斯智能空调项目计划总投资21.9亿元，投产后计划年产700万套智能空调。")]
    [('investment', '奥克斯智能空调项目', 2190000000.0, 'CNY'), ('capacity', '奥克斯智能空调项目', 7000000.0, '套')]
    """
    return extract(text, published_at, region)[0]


def extract(
    text: str,
    published_at: str | None = None,
    region: str | None = None,
    sentences: list[tuple[int, int]] | None = None,
    word_starts: list[int] | None = None,
) -> tuple[list[Fact], list[Project]]:
    """Facts and the projects they belong to, for one article body.

    ``sentences``: the character spans of the sentences (default: ``pipeline.text.sentence_spans``);
    ``word_starts``: where the words of the text start (the jieba tokens of the spaCy pipeline),
    so that a subject never starts or ends inside a word.
    """
    pub_year = int(published_at[:4]) if published_at and published_at[:4].isdigit() else None
    places = article_places(text)
    main = region or mt.main_region(text)
    ctx = ArticleContext(pub_year=pub_year, places=places, article_region=main,
                   article_place=gazetteer().resolve(main, places) if main else None,
                   text=text, word_starts=word_starts,
                   regions=tuple(mt.regions_in(text)) if FAST_PATH else None)
    quantities = parse_quantities(text)
    facts: list[Fact] = []
    qi = 0
    paragraph_start = -1
    for a, b in sentences if sentences is not None else sentence_spans(text):
        if qi == len(quantities) and FAST_PATH:
            break  # no figure left: no facts, and what the rest hands on no figure reads (nor are projects registered)
        par = text.rfind("\n", 0, a) + 1
        if par != paragraph_start:
            paragraph_start = par
            ctx.paragraph_period = None
            ctx.batch = None
        in_sentence = []
        while qi < len(quantities) and quantities[qi].start < b:
            if quantities[qi].start >= a:
                in_sentence.append(quantities[qi])
            qi += 1
        if in_sentence or not FAST_PATH or mt.MENTION_WORD.search(text, a, b):
            facts.extend(_Sentence(text, a, b, ctx).facts(in_sentence))
        else:  # no figure, no project, company or venture word: only its period is handed on
            pass_over(ctx, text[a:b])
    return R.first_statements(facts), ctx.projects


class _Sentence:
    """One sentence being read: its mentions, clauses and running topic."""

    def __init__(self, text: str, a: int, b: int, ctx: ArticleContext):
        self.a = a
        self.s = text[a:b]
        self.ctx = ctx
        period = period_in(self.s, ctx.pub_year)
        if period:
            ctx.paragraph_period = period
        self.period = period or ctx.paragraph_period
        self.companies, named = [], []  # no mention word (a third of the sentences with figures): none to read
        if not FAST_PATH or mt.MENTION_WORD.search(self.s):
            self.companies = mt.companies_in(self.s)
            named = mt.projects_in(self.s, generic=True) + mt.ventures_in(self.s)
            named += mt.quoted_after_company(self.s, self.companies)
        self.regions = SentenceRegions(ctx, self.s, a)
        self.projects = sorted((J.describing(self.s, J.whole_name(ctx.text, ctx.word_starts, a, self.s, m)) for m in named),
                               key=lambda m: m.start)
        self.topic: list[str] = []
        self.last_amount_subject: str | None = None
        self.amount_subjects: list[str] = []  # indicator subjects of this sentence, in order
        self.last_trigger: str | None = None
        self.last_fact: Fact | None = None  # the sentence's last fact, for a series that continues it
        self.how: str | None = None  # how the subject of the figure being read was found (for confidence)
        self.statuses: dict[str, str | None] = {}  # project name -> the stage this sentence says it is at

    def _region(self, qa: int) -> tuple[str | None, str | None]:
        return self.regions.at(qa)

    def _named_around(self, qa: int, qb: int) -> str | None:
        """The name of a specific project that holds the figure at qa..qb, if any."""
        return next((p.text for p in self.projects if not p.generic and p.start <= qa and qb <= p.end), None)

    def _segment(self, pos: int) -> int:
        """Start of the ；-separated part of the sentence that holds ``pos``."""
        return max(self.s.rfind("；", 0, pos), self.s.rfind(";", 0, pos)) + 1

    # -- the walk ----------------------------------------------------------------------------
    def facts(self, qs: list[Quantity]) -> list[Fact]:
        out: list[Fact] = []
        # Clauses after the last figure (all of them, in a sentence without figures) give no
        # facts; they would only move the running topic and rate word, which no figure reads
        # any more, so they are not read at all.
        last = qs[-1].start - self.a if qs else -1
        start = 0
        for m in CLAUSE_SPLIT.finditer(self.s + "，"):
            if start > last:
                break
            out.extend(self._clause(start, m.start(), [q for q in qs if start <= q.start - self.a < m.start()]))
            start = m.end()
        batches = [p for p in self.projects if p.generic and p.kind == "project"]
        if batches:
            self.ctx.batch = batches[-1].text
        specific = [p for p in self.projects if not p.generic and p.kind != "venture" and J.is_strong(p)]
        if specific:
            newest = specific[-1]
            self.ctx.named = Named(newest.text, self._company_before(newest.start))
        self.ctx.refs.note([p.text for p in specific], [c.text for c in self.companies])
        if self.ctx.named:
            self.ctx.refs.project = self.ctx.named.name
        return out

    def _clause(self, ca: int, cb: int, qs: list[Quantity]) -> list[Fact]:
        clause = self.s[ca:cb]
        topic = P.clause_topic(clause)
        if topic:
            self.topic = topic
        respectively = "分别" in clause
        index = 0
        prev_end = ca
        prev: tuple | None = None  # previous figure of this clause: (fact_type, metric, noun)
        out: list[Fact] = []
        for q in qs:
            qa, qb = q.start - self.a, q.end - self.a
            local = self.s[prev_end:qa]
            # 98亿元和198.7亿元 / 年产乙烯120万吨、聚乙烯80万吨: a figure in a list shares its trigger
            joined = prev is not None and (
                P.LIST_JOINER.fullmatch(local) or P.CHAIN_JOINER.fullmatch(local)
                or (prev[0] == "capacity" and P.LIST_ITEM.fullmatch(local)))
            prev_end = qb
            segment = self._segment(qa)
            in_view = any(p.end <= qa for p in self.projects if p.start >= segment)
            q = R.bare_money(q, local, self.s[qb : qb + 4]) or q
            if R.MILESTONE_AFTER.match(self.s, qb) and self.last_fact is not None and self.last_fact.unit == q.unit:
                continue  # 实现产值1026亿元，首次突破千亿元大关: the bound of the figure just given
            if R.is_class_or_count(q, self.s[qb : qb + 8]):
                continue  # 增速超过50%的4个省份, 60多个国家: a threshold of a class, a count of places
            if q.kind == "multiple" and "面积" in local:
                continue  # 约为现有厂区面积的7倍: a ratio of areas, and areas are no facts (policy 13)
            if R.is_unit_value(q, local):
                continue  # 亩均税收28.6万元, 平均…投资规模, 数亿元: no facts (policy 14)
            if q.kind == "money" and R.is_price(local, self.s[qb : qb + 2]):
                # prices and values per unit are no facts (policy 14), but a rate after one is its rate
                priced = P.noun_before(P.strip_filler(local))
                if priced:
                    self.topic = [priced]
                continue
            kind = (prev[0], prev[1]) if joined and prev is not None else R.classify(q, local, prev is not None, in_view)
            if q.kind == "money" and kind in (None, ("indicator", None)):
                signed = R.SIGNED_FOR.search(local)
                if signed and any(p.start == qb and not p.generic for p in self.projects):
                    kind = ("investment", signed.group(1))  # 签约12.4亿美元轻轨项目: the project's money
            if kind is None and q.kind == "money" and local.rstrip().endswith("的") and R.money_noun_after(self.s[qb:cb]):
                kind = ("indicator", None)  # 其2010年实现的20.8亿营收: the money word after the figure names it
            if kind is None and respectively and len(self.topic) > 1 and q.kind in ("money", "physical", "count"):
                kind = ("indicator", None)  # 汽车制造业、通用设备制造业两个大类，分别达到6075亿元和5866亿元
            if kind is None and q.kind in ("physical", "count") and not R.counted_plants(self.s[max(0, qa - 4) : qa]):
                after = P.capacity_after(self.s[qb:cb])  # 新增1亿吨左右的水泥产能
                if q.kind == "physical" and R.capacity_in_name(q, self._named_around(qa, qb)):
                    kind = ("capacity", None)  # 30万吨合成氨项目, 2×34万千瓦热电项目 (policy 12)
                elif after or R.per_period_capacity(local, self.s[qb : qb + 8]):
                    kind = ("capacity", after[0] if after else None)  # 6万吨/年粗铅
            series_item = None
            last = self.last_fact
            if kind is None and last is not None and last.unit == q.unit and q.kind in ("money", "physical"):
                continued, series_item = R.continuation(self.s[last.char_end - self.a : qa])
                if continued:  # 2008年产量12.48万吨，2009年也达到了12万吨 / 其中轻稀土7.7万吨
                    kind = (last.fact_type, last.metric)
            if kind is None:
                continue
            # 地区生产总值、高新区工业产值和汽车工业产值相继突破千亿元: one figure, a fact for each item
            shared = list(self.topic) if not respectively and len(self.topic) > 1 and P.SHARED.search(local) else []
            built = self._fact(q, kind, local, clause[: qa - ca], ca, cb, respectively, index, prev if joined else None,
                               len(qs))
            if built is None:
                continue
            if respectively:
                index += 1
            record, noun = built
            prev = (record.fact_type, record.metric, noun)
            if kind is not None and last is not None and kind == (last.fact_type, last.metric) and not joined \
                    and R.continuation(self.s[last.char_end - self.a : qa])[0]:
                record = resourced(record, series_item or last.subject, "series",
                                   project=None if series_item else last.project)
            if shared and prev[0] in ("indicator", "percentage"):
                out.extend(resourced(record, item, "shared", metric=item) for item in shared)
                self.topic = shared
            else:
                out.append(record)
            self.last_fact = out[-1]
        trigger = R.last_rate_trigger(clause)
        if trigger:
            self.last_trigger = trigger
        return out

    def _fact(self, q: Quantity, kind: tuple[str, str | None], local: str, left: str, ca: int, cb: int,
              respectively: bool, index: int, prev: tuple | None, count: int) -> tuple[Fact, str | None] | None:
        fact_type, metric = kind
        qa, qb = q.start - self.a, q.end - self.a
        self.how = None
        subject = project = per = product = direction = None
        noun = None
        if fact_type in ("investment", "capacity"):
            holder = named_after = None
            if fact_type == "capacity":
                named_after = P.capacity_after(self.s[qb:cb])
                holder = P.capacity_holder(left, metric) or (named_after and named_after[1]) \
                    or (P.plant_before(left, metric) if not self._named_around(qa, qb) else None)
                last = self.last_fact
                if not holder and last is not None and last.fact_type == "capacity" and last.subject_source == "holder":
                    holder = last.subject  # 产能设定为8万辆/年，最大产能可达到10万辆/年: the same holder
            if holder and not any(p.start <= qa and qb <= p.end for p in self.projects):
                # 水泥产能由2.03亿吨提升到3亿吨: the capacity of what it names, unless a project's name holds it
                subject, project = holder, None
                self.how = "holder"
            else:
                subject, project = self._project_subject(qa, qb, (index, count) if respectively else None)
            if fact_type == "capacity":
                per = R.per_of(metric, local, self.s[qb : qb + 3])
                product = R.product_after(self.s[qb:cb]) or R.product_between(local, metric) or R.list_item(local) \
                    or (named_after and named_after[2])
        elif fact_type == "indicator":
            after = R.money_noun_after(self.s[qb:cb]) if q.kind == "money" else None
            noun = prev[2] if prev else (after if after and local.rstrip().endswith(("的", "与", "和")) or not local.strip()
                                         else P.sector_investment(P.strip_filler(local))
                                         or P.noun_before(P.strip_filler(local)) or after)
            noun = P.without_sales_verb(noun)  # 累计销售工程起重机15273台: the product sold
            subject, project = self._indicator_subject(noun, left, respectively, index)
            if subject is None:
                return None
            metric = metric or P.indicator_metric(left, noun)
            self.last_amount_subject = subject
            self.amount_subjects.append(subject)
            if not (respectively and len(self.topic) > 1):
                self.topic = [subject]
        else:
            metric = metric or (prev[1] if prev else None) or self.last_trigger
            subject, explicit = self._rate_subject(local, respectively, index, metric, count)
            if subject is None or metric is None and not R.is_level(local):
                return None
            if explicit:
                self.topic = [subject]  # 亏损面不到10%，比上年同期收窄1.2个百分点
            direction = R.direction_of(metric)
            if direction and self.s[qa - 1 : qa] in ("-", "－", "−") and not self.s[qa - 2 : qa - 1].isdigit():
                direction = "up" if direction == "down" else "down"  # 增长-2.3%: a fall of 2.3%
        region, region_code = self._region(qa)
        subject = self._whole_words(subject, qa)
        if fact_type in ("indicator", "percentage"):
            # 该园区工业总产值, 该公司一季度营业收入: the zone or company named before
            resolved = self.ctx.refs.resolve(self.ctx.refs.opening(left, subject))
            if resolved != subject:
                subject, self.how = resolved, "anaphora"
        if subject is None and fact_type in ("indicator", "percentage"):
            return None  # nothing but a fragment names it: no fact rather than a wrong one
        source = "joined" if prev is not None else self.how
        record = make_fact(
            fact_type=fact_type, value=q.value, unit=q.unit, raw_text=q.raw_text,
            char_start=q.start, char_end=q.end, sentence=self.s.strip(), subject=subject,
            metric=metric, value_max=q.value_max, per=per, product=product, direction=direction,
            approx=q.approx, region=region, period=self.period, project=project, region_code=region_code,
            subject_source=source, confidence=confidence(fact_type, source, subject),
        )
        return record, noun  # and the noun a figure joined to this one shares

    # -- subjects ----------------------------------------------------------------------------
    def _project_subject(self, qa: int, qb: int, pair: tuple[int, int] | None = None) -> tuple[str | None, int | None]:
        """The project an investment or capacity belongs to (registered as a project row).

        ``pair`` is (index, count) of a figure under 分别, paired with the projects listed before it.
        """
        specific = [p for p in self.projects if not p.generic]
        chosen = next((p for p in specific if p.start <= qa and qb <= p.end), None)  # 年产5万吨…项目
        if chosen is None:
            # 总投资12.6亿元的…项目 / 投资约5.6亿元建设的…项目: the name follows the amount
            follow = J.FOLLOWED_BY_NAME.match(self.s, qb)
            if follow:
                chosen = next((p for p in self.projects if p.start == follow.end()), None)
                if chosen is not None and chosen.generic:
                    self.how = "batch"
                    return chosen.text, None  # 一批总投资超过300亿元的重大产业项目
        if chosen is None:  # 签约12.4亿美元轻轨项目: the name right after the amount
            chosen = next((p for p in specific if p.start == qb), None)
        if chosen is None:
            chosen = J.project_after(self.s, qb, self.projects)  # 投资6000万元实施…保护工程: the named object after the amount
        into = J.SPENT_ON_BATCH.match(self.s, qb) if chosen is None else None
        if into:
            into_batch = next((p for p in self.projects if p.generic and p.start == into.end()), None)
            if into_batch is not None:
                self.how = "batch"
                return into_batch.text, None  # 募资13.2亿，投向…等5个项目
        seg = self._segment(qa)
        if chosen is None and pair is not None:
            listed = [p for p in specific if p.end <= qa]
            index, count = pair
            if len(listed) >= count > 1:
                chosen = listed[len(listed) - count + index]
            elif len(self.topic) == count > 1:  # …一期、…二期、…三期三个项目，分别利用募集资金4亿元、…
                item = self.topic[index]
                self.how = "list"
                return item, self._register(item, self._company_before(qa), qa)
        if chosen is None:
            # a production line named in passing is part of the project, not the project
            before = [p for p in specific if seg <= p.start and p.end <= qa and (J.is_strong(p) or self.ctx.named is None)]
            batch = [p for p in self.projects if p.generic and p.kind == "project" and seg <= p.start and p.end <= qa]
            if before and batch and batch[-1].start > before[-1].start:
                self.how = "batch"
                return batch[-1].text, None  # the batch named after the project is nearer: 其中外资项目5个
            if before and not [c for c in self.companies if before[-1].end <= c.start < qa
                               and not self.s[c.start - 1 : c.start] == "由"]:
                chosen = before[-1]  # (Y项目由X集团建设，总投资…: X builds Y, the money is Y's)
        if chosen is not None:  # its company is one this sentence names before it, never an earlier project's
            self.how = "list" if pair is not None else "named"
            return chosen.text, self._register(chosen.text, self._company_before(chosen.start, 0), qa)
        named = self.ctx.named
        pointer = J.ANAPHOR.search(self.s[seg:qa])
        if pointer:
            self.how = "anaphora"
            earlier = [p for p in specific if p.end <= seg + pointer.start() and J.is_strong(p)]
            if earlier:  # …产业基地已于近日开工，该项目由…建设: the project this sentence named
                return earlier[-1].text, self._register(earlier[-1].text, self._company_before(earlier[-1].start), qa)
            if named is not None:
                return named.name, self._register(named.name, named.company or self._company_before(qa), qa)
        batch = [p for p in self.projects if p.generic and seg <= p.start and p.end <= qa and p.kind == "project"]
        if batch and batch[-1].text.startswith("上述") and self.ctx.batch:
            self.how = "anaphora"
            return self.ctx.batch, None  # 上述项目: the batch named before
        if batch and not J.DESCRIPTION.search(self.s[seg : batch[-1].start]):
            self.how = "batch"
            return batch[-1].text, None  # 签约项目22个，总投资268.5亿元: a batch, no project row
        company = self._company_before(qa, seg) or self.ctx.refs.company_in(self.s[seg:qa])
        if company:
            self.how = "company"
            if named is not None and named.company == company:
                return named.name, self._register(named.name, company, qa)  # the company's project in view
            return company, self._register(company, company, qa)
        before = [p for p in specific if p.end <= qa and J.is_strong(p)]
        if before:
            self.how = "sentence"
            return before[-1].text, self._register(before[-1].text, self._company_before(before[-1].start, 0), qa)
        if named is not None:
            self.how = "carried"
            return named.name, self._register(named.name, named.company, qa)
        if self.companies:
            self.how = "company"
            first = self.companies[0].text
            return first, self._register(first, first, qa)
        if self.ctx.batch:
            self.how = "carried"
            return self.ctx.batch, None  # 累计完成投资58.2亿元 in a paragraph about 市级重点项目
        self.how = None
        return None, None

    def _whole_words(self, subject: str | None, qa: int) -> str | None:
        """``subject`` cut to whole words where it is a piece of this sentence, without words that
        cannot end a name (和, 均, 转 ...); None when less than a word is left."""
        if not subject:
            return subject
        pos = self.s.rfind(subject, 0, max(qa, len(subject)))
        if self.ctx.word_starts is not None and pos >= 0:
            start = self.a + pos
            subject = P.whole_words(self.ctx.text, self.ctx.word_starts, start, start + len(subject))
        subject = P.DANGLING.strip(subject)
        return subject if len(subject) >= 2 else None

    def _company_before(self, pos: int, floor: int | None = None) -> str | None:
        """The company named last before ``pos`` (from ``floor`` on; without floor, else the named project's)."""
        before = [c for c in self.companies if c.start < pos and (floor is None or c.start >= floor)]
        if before:
            return before[-1].text
        if floor is not None:
            return None
        return self.ctx.named.company if self.ctx.named else None

    def _register(self, name: str, company: str | None, qa: int) -> int:
        ctx = self.ctx
        key = name.removesuffix("项目")
        if key in ctx.ordinals:  # what the project row has already is kept: its stage and region are not read again
            ordinal = ctx.ordinals[key]
            old = ctx.projects[ordinal - 1]
            status = old.status or self._status_of(name)
            ctx.projects[ordinal - 1] = make_project(old.ordinal, old.name, old.company or company,
                                                    old.region or self._region(qa)[0], status, J.stage_of(status))
        else:
            ordinal = len(ctx.projects) + 1
            status = self._status_of(name)
            ctx.projects.append(make_project(ordinal, name, company, self._region(qa)[0], status, J.stage_of(status)))
            ctx.ordinals[key] = ordinal
        ctx.named = Named(name, company)
        return ordinal

    def _status_of(self, name: str) -> str | None:
        """The stage this sentence says the project ``name`` is at (see :func:`projects.status_near`);
        read once per name, as each figure of a project whose stage is not known yet asks again."""
        if name in self.statuses:
            return self.statuses[name]
        status = self.statuses[name] = J.status_near(self.s, self.s.find(name) if name in self.s else 0,
                                                     [p.start for p in self.projects])
        return status

    def _indicator_subject(self, noun: str | None, left: str, respectively: bool,
                           index: int) -> tuple[str | None, int | None]:
        if respectively and len(self.topic) > 1:
            item = self.topic[min(index, len(self.topic) - 1)]
            self.how = "list"
            # 新城区和老城区分别实现地区生产总值…: each item's own indicator
            joined = noun and not item.endswith(noun) and (P.is_bare_head(noun) or not P.INDICATOR_HEAD.search(item))
            return (item + noun if joined and noun else item), None
        if noun and P.is_project_indicator(noun, self.s) and self._project_in_view():
            name, project = self._project_subject(len(left), len(left))
            if project is None and self.ctx.named is not None:  # a batch has no 年产值 of its own
                self.how = "carried"
                name, project = self.ctx.named.name, self._register(self.ctx.named.name, self.ctx.named.company, len(left))
            if name:
                return name, project
        if noun and P.is_bare_head(noun):
            holder = P.clause_topic(left) or self.topic
            if holder and noun not in holder[0] and not P.is_bare_head(holder[0]):
                self.how = "topic"
                return holder[0] + noun, None
        if noun:
            self.how = "named"
            return noun, None
        self.how = "topic"
        return (self.topic[0] if self.topic else None), None

    def _project_in_view(self) -> bool:
        return bool([p for p in self.projects if not p.generic]) or bool(self.ctx.named and J.PROJECT_CONTEXT.search(self.s))

    def _rate_subject(self, local: str, respectively: bool, index: int, metric: str | None,
                      count: int = 1) -> tuple[str | None, bool]:
        """(subject, whether the clause names it itself)."""
        self.how = "list"
        if respectively and len(self.topic) > 1:
            return self.topic[min(index, len(self.topic) - 1)], False
        if respectively and count > 1 and len(self.amount_subjects) >= count:
            # 销售收入5.6亿元，自营出口2380万美元，分别比上年增长18.7%和26.4%
            return self.amount_subjects[len(self.amount_subjects) - count + index], False
        explicit = P.rate_subject_before(local)
        if explicit:
            self.how = "named"
            return explicit, True
        self.how = "topic" if self.topic else "amount"
        return (self.topic[0] if self.topic else self.last_amount_subject), False
