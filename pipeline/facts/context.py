"""What the fact reader remembers while it walks an article (the context one sentence hands
to the next), and the place a figure is about."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.facts import mentions as mt
from pipeline.facts.anaphora import Antecedents
from pipeline.facts.periods import period_in
from pipeline.facts.places import Place, gazetteer
from pipeline.facts.regions import LEVEL_WORD, WHOLE_REGION, WHOLE_WORD, place_at
from pipeline.records import Project


@dataclass
class Named:
    """A project named earlier, for 该项目 and for facts in later sentences."""

    name: str
    company: str | None


@dataclass
class ArticleContext:
    """What the reader remembers while walking an article."""

    pub_year: int | None
    places: list[Place]  # the places the article names, one each, in order (to tell 鼓楼区 from 鼓楼区)
    article_region: str | None  # the place the article is mostly about
    article_place: Place | None  # ... where that name is one place
    paragraph_period: str | None = None
    named: Named | None = None  # last specifically named project of the paragraph
    batch: str | None = None  # last batch of projects (重点项目) named in the paragraph
    projects: list[Project] = field(default_factory=list)
    ordinals: dict[str, int] = field(default_factory=dict)  # project name -> ordinal
    text: str = ""
    word_starts: list[int] | None = None  # offsets in text where words start (ascending), if known
    refs: Antecedents = field(default_factory=Antecedents)  # what 该园区, 公司, 该项目 point to
    regions: tuple[mt.Mention, ...] | None = None  # the regions of the whole text, for SentenceRegions
    resolved: dict[str, Place | None] = field(default_factory=dict)  # region name -> its place here (see region_of)


def region_of(ctx: ArticleContext, sentence: str, regions: list[mt.Mention], qa: int,
              whole: list[re.Match] | None = None) -> tuple[str | None, str | None]:
    """(name, code) of the place a figure at ``qa`` of ``sentence`` is about: the last region
    named before it in the sentence, the article's place at the level a 全市/本县/我区 before it
    names, else the article's place.  The code is empty where the name is more than one place.
    ``whole``: the sentence's 全市/本县/我区 words (WHOLE_REGION), when they were looked up before."""
    before = [r for r in regions if r.end <= qa]
    if before:
        name = before[-1].text
        if name not in ctx.resolved:  # the same for every figure of the article: the places it names do not change
            ctx.resolved[name] = gazetteer().resolve(name, [ctx.article_place, *ctx.places])
        place = ctx.resolved[name]
        return name, place.code if place else None
    # the last 全市/本县 word of the sentence cut at qa: one found in the whole sentence that ends
    # by qa, or one that ends at qa, which the cut leaves without the word after it
    level = None
    for m in WHOLE_REGION.finditer(sentence) if whole is None else whole:
        if m.end() <= qa:
            level = m.group(1)
    if 2 <= qa <= len(sentence) and sentence[qa - 2] in WHOLE_WORD and sentence[qa - 1] in LEVEL_WORD:
        level = sentence[qa - 1]
    if level and ctx.article_place is not None:
        place = place_at(ctx.article_place, level)
        return (place.name, place.code) if place else (None, None)
    place = ctx.article_place
    return ctx.article_region, place.code if place else None


class SentenceRegions:
    """The regions of one sentence, read when a figure needs them (most sentences have none): off
    the article's (``ctx.regions``) where :func:`pipeline.facts.mentions.regions_within` can, else
    searched in the sentence; and the place of each figure, found once (a figure asks twice)."""

    def __init__(self, ctx: ArticleContext, sentence: str, start: int):
        self.ctx, self.sentence, self.start = ctx, sentence, start
        self.found: list[mt.Mention] | None = None
        self.whole: list[re.Match] | None = None  # its 全市/本县/我区 words, looked up once
        self.answers: dict[int, tuple[str | None, str | None]] = {}

    def at(self, qa: int) -> tuple[str | None, str | None]:
        """(name, code) of the place the figure at ``qa`` is about (see :func:`region_of`)."""
        known = self.answers.get(qa)
        if known is not None:
            return known
        if self.found is None and self.ctx.regions is not None:
            self.found = mt.regions_within(self.ctx.text, self.ctx.regions, self.start, self.start + len(self.sentence))
        if self.found is None:
            self.found = mt.regions_in(self.sentence)
        if self.whole is None:
            self.whole = list(WHOLE_REGION.finditer(self.sentence))
        known = self.answers[qa] = region_of(self.ctx, self.sentence, self.found, qa, self.whole)
        return known


def pass_over(ctx: ArticleContext, sentence: str) -> None:
    """What a sentence without a figure and without a project, company or venture word hands on:
    the period it names, as the fact reader's sentence would (its mention readers would find
    nothing, and its clauses are not read as no figure follows), for one search."""
    period = period_in(sentence, ctx.pub_year)
    if period:
        ctx.paragraph_period = period
