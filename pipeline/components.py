"""spaCy components that put the extracted facts and their mentions on the Doc.

``newsfacts_facts`` declares what it adds: ``doc._.facts`` and
``doc._.projects`` (the records) and ``doc.spans["facts"]``, a span group
that displacy shows (``displacy.render(doc, style="span", options={"spans_key": "facts"})``):

* MONEY, PERCENT, QUANTITY: the figure of each fact (21.9亿元, 12.9%, 700万套);
* PROJECT, ORG, GPE: the projects, companies and places the facts are linked to.

The publication date, which turns 今年第一季度 into 2017-Q1, is passed per call:
``nlp(text, component_cfg={"newsfacts_facts": {"published_at": "2017-05-15"}})``.
"""
from __future__ import annotations

import bisect

from spacy.attrs import IDX, SPACY
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.facts import extract
from pipeline.nlp import token_texts

for _name in ("facts", "projects"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)

FIGURE_LABEL = {"investment": "MONEY", "indicator": "MONEY", "capacity": "QUANTITY", "percentage": "PERCENT"}


def figure_label(fact) -> str:
    """MONEY for amounts of a currency, PERCENT for rates, QUANTITY for the rest."""
    if fact.fact_type == "percentage":
        return "PERCENT"
    return "MONEY" if fact.unit.isupper() and len(fact.unit) == 3 else "QUANTITY"


class FactsComponent:
    """Runs the fact extractor over a Doc whose sentences are set."""

    def __init__(self, nlp: Language, name: str):
        self.name = name

    def __call__(self, doc: Doc, published_at: str | None = None) -> Doc:
        # split_sentences draws the same boundaries as zh_sentences, without walking the tokens again
        columns = doc.to_array([SPACY, IDX])
        text = _doc_text(doc, columns[:, 0])
        facts, projects = extract(text, published_at)
        doc._.facts = facts
        doc._.projects = projects
        starts = columns[:, 1].tolist()  # char offset of each token, for span lookups by bisection
        found = []
        for fact in facts:
            bounds = _token_bounds(starts, fact.char_start, fact.char_end)
            if bounds is not None:
                found.append((*bounds, figure_label(fact)))
        found.extend(_mention_bounds(text, starts, facts, projects))
        # Sort plain tuples and make each Span once: cheaper than sorting Spans by their label_.
        found.sort()
        doc.spans["facts"] = [Span(doc, a, b, label=label) for a, b, label in found]
        return doc


def _doc_text(doc: Doc, spaces) -> str:
    """``doc.text``, joined from the token texts and trailing-space flags (Doc.text makes a Token
    object for every token on every access)."""
    words = token_texts(doc)
    if spaces.any():
        words = [w + " " if space else w for w, space in zip(words, spaces.tolist())]
    return "".join(words)


def _token_bounds(starts: list[int], a: int, b: int) -> tuple[int, int] | None:
    """(first, end) of the tokens covering characters a..b (expanded to whole tokens), or None."""
    if a >= b or not starts:
        return None
    first = bisect.bisect_right(starts, a) - 1
    last = bisect.bisect_left(starts, b)
    return max(first, 0), max(last, first + 1)


def _mention_bounds(full: str, starts: list[int], facts, projects) -> list[tuple[int, int, str]]:
    """(first, end, label) of PROJECT, ORG and GPE spans for the names the facts point to, found in the text."""
    wanted = {}
    for p in projects:
        wanted[p.name] = "ORG" if p.company == p.name else "PROJECT"
        if p.company and p.company != p.name:
            wanted[p.company] = "ORG"
    for f in facts:
        if f.region:
            wanted.setdefault(f.region, "GPE")
    out, seen = [], set()
    for text, label in wanted.items():
        start = full.find(text)
        while start >= 0:
            bounds = _token_bounds(starts, start, start + len(text))
            if bounds is not None:
                found = (*bounds, label)
                if found not in seen:
                    seen.add(found)
                    out.append(found)
            start = full.find(text, start + len(text))
    return out


@Language.factory(
    "newsfacts_facts",
    assigns=["doc._.facts", "doc._.projects", "doc.spans"],
)
def make_facts_component(nlp: Language, name: str) -> FactsComponent:
    return FactsComponent(nlp, name)


__all__ = ["FactsComponent", "figure_label"]
